//! Who is told what (C3, notifications): an incident reaches the chief and office of its grid
//! and of the grid above; a fire or an SOS reaches every chief and office up to the city and
//! the rangers of its grid, at once; an escalated incident reaches the chief and office of the
//! grid it was handed to.

use crate::access::Role;

/// What happened to an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentEvent {
    Reported,
    Escalated,
}

impl IncidentEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "incident.reported",
            Self::Escalated => "incident.escalated",
        }
    }
}

/// Accounts of these roles at the incident's grid and the `levels_up` grids above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub roles: &'static [Role],
    pub levels_up: usize,
}

const LEADS: &[Role] = &[Role::Chief, Role::Office];

/// The audiences of an event; `urgent` for what must reach people at once (fire, SOS).
pub fn audiences(event: IncidentEvent, urgent: bool) -> Vec<Audience> {
    match (event, urgent) {
        (IncidentEvent::Reported, true) => vec![
            Audience {
                roles: LEADS,
                levels_up: 3,
            },
            Audience {
                roles: &[Role::Ranger],
                levels_up: 0,
            },
        ],
        (IncidentEvent::Reported, false) => vec![Audience {
            roles: LEADS,
            levels_up: 1,
        }],
        (IncidentEvent::Escalated, true) => vec![Audience {
            roles: LEADS,
            levels_up: 3,
        }],
        (IncidentEvent::Escalated, false) => vec![Audience {
            roles: LEADS,
            levels_up: 0,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_reach_further_than_other_incidents() {
        let fire = audiences(IncidentEvent::Reported, true);
        assert!(fire.iter().any(|a| a.roles.contains(&Role::Ranger)));
        assert_eq!(fire[0].levels_up, 3);
        let usual = audiences(IncidentEvent::Reported, false);
        assert_eq!(
            usual,
            vec![Audience {
                roles: LEADS,
                levels_up: 1
            }]
        );
        assert_eq!(audiences(IncidentEvent::Escalated, false)[0].levels_up, 0);
    }
}
