//! Who is told what (C3, notifications): an incident reaches the chief and office of its grid
//! and of the grid above; a fire or an SOS reaches every chief and office up to the city and
//! the rangers of its grid, at once; an escalated incident reaches the chief and office of the
//! grid it was handed to.

use crate::access::Role;
use crate::report::{ReminderStage, Reporter};

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

/// What happened to a contact sheet (C5) or an inspection (C7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetEvent {
    /// A sheet was assigned (交办).
    Issued,
    /// The issuer reminded the addressee (督办).
    Reminded,
    /// The addressee answered.
    Answered,
    /// Unanswered past its deadline: escalated.
    Escalated,
    /// An inspection's result was circulated (通报).
    Circulated,
}

impl SheetEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "sheet.issued",
            Self::Reminded => "sheet.reminded",
            Self::Answered => "sheet.answered",
            Self::Escalated => "sheet.escalated",
            Self::Circulated => "inspection.circulated",
        }
    }
}

/// The audiences of a sheet event around the grid it is addressed to (for an answer: the
/// issuing grid). Escalation reaches the grid above as well; a circulated inspection reaches
/// the inspected grid and the grid above it.
pub fn sheet_audiences(event: SheetEvent) -> Vec<Audience> {
    let levels_up = match event {
        SheetEvent::Issued | SheetEvent::Reminded | SheetEvent::Answered => 0,
        SheetEvent::Escalated | SheetEvent::Circulated => 1,
    };
    vec![Audience {
        roles: LEADS,
        levels_up,
    }]
}

/// Who is sent to verify change spots in the field (外业核实): the chiefs and rangers of the
/// grid each spot lies in.
pub fn spot_audience() -> Audience {
    Audience {
        roles: &[Role::Chief, Role::Ranger],
        levels_up: 0,
    }
}

/// Who is reminded of a report a grid owes (催报) around the reporting grid: its office or its
/// chief; once overdue, also the office of the grid above, which receives it. A technician is
/// reminded by name (not an audience); when his report is overdue, his grid's chief is told.
pub fn report_reminder_audiences(reporter: Reporter, stage: ReminderStage) -> Vec<Audience> {
    let own: &'static [Role] = match reporter {
        Reporter::Office => &[Role::Office],
        Reporter::Chief => &[Role::Chief],
        Reporter::Technician => &[],
    };
    let mut out = Vec::new();
    if !own.is_empty() {
        out.push(Audience {
            roles: own,
            levels_up: 0,
        });
    }
    if stage == ReminderStage::Overdue {
        out.push(match reporter {
            Reporter::Technician => Audience {
                roles: &[Role::Chief],
                levels_up: 0,
            },
            Reporter::Office | Reporter::Chief => Audience {
                roles: &[Role::Office],
                levels_up: 1,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_reports_reach_the_receiving_office() {
        let soon = report_reminder_audiences(Reporter::Office, ReminderStage::DueSoon);
        assert_eq!(soon.len(), 1);
        assert_eq!((soon[0].roles, soon[0].levels_up), (&[Role::Office][..], 0));
        let late = report_reminder_audiences(Reporter::Chief, ReminderStage::Overdue);
        assert_eq!(late[0].roles, &[Role::Chief]);
        assert_eq!((late[1].roles, late[1].levels_up), (&[Role::Office][..], 1));
        assert!(report_reminder_audiences(Reporter::Technician, ReminderStage::DueSoon).is_empty());
        let tech = report_reminder_audiences(Reporter::Technician, ReminderStage::Overdue);
        assert_eq!((tech[0].roles, tech[0].levels_up), (&[Role::Chief][..], 0));
    }

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
        assert_eq!(sheet_audiences(SheetEvent::Escalated)[0].levels_up, 1);
        assert_eq!(sheet_audiences(SheetEvent::Reminded)[0].levels_up, 0);
    }
}
