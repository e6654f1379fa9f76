//! The incident state machine and who may move it.
//!
//! | from | action → to |
//! |---|---|
//! | reported, escalated | accept → accepted; reject → rejected; `mark_duplicate` → duplicate; escalate → escalated |
//! | accepted | assign → assigned; reject → rejected; escalate → escalated |
//! | assigned | assign → assigned (re-assign); start → `in_progress`; escalate → escalated |
//! | `in_progress` | resolve → resolved; escalate → escalated |
//! | resolved | verify → verified; reopen → `in_progress` |
//! | verified | close → closed |
//! | closed, rejected, duplicate | nothing (terminal) |
//!
//! **Escalation (上报上级林长).** When a grid's level cannot solve an incident, it is escalated:
//! responsibility moves to the parent grid ([`Effect::MoveToParent`]), the assignee is cleared and
//! the time limit starts again from the escalation. The incident then *rests* in the state
//! `escalated` at the parent grid, which behaves like `reported` there: the parent's office or
//! chief accepts, rejects, marks it a duplicate or escalates it further. Keeping `escalated` as a
//! real state (rather than only a timeline entry) lets the parent level list "escalated to us"
//! incidents. A city-level incident cannot be escalated ([`IncidentError::NoLevelAbove`]).
//! Automatic escalation of overdue incidents is the same action performed by the system; the
//! system is not a role, so [`may`] is not consulted for it.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Role;
use crate::grid::Level;

/// Where an incident is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IncidentState {
    /// 已上报: waiting for the responsible grid's office or chief.
    Reported,
    /// 已受理.
    Accepted,
    /// 已交办: someone is responsible for handling it.
    Assigned,
    /// 处置中.
    InProgress,
    /// 已处置: the assignee says it is done; waiting for verification.
    Resolved,
    /// 已核实: the office or chief confirmed the resolution.
    Verified,
    /// 已办结 (terminal).
    Closed,
    /// 不予受理 (terminal).
    Rejected,
    /// 重复上报 (terminal): another incident covers it.
    Duplicate,
    /// 已上报上级林长: moved to the parent grid, waiting there as if reported.
    Escalated,
}

impl IncidentState {
    pub const ALL: [IncidentState; 10] = [
        IncidentState::Reported,
        IncidentState::Accepted,
        IncidentState::Assigned,
        IncidentState::InProgress,
        IncidentState::Resolved,
        IncidentState::Verified,
        IncidentState::Closed,
        IncidentState::Rejected,
        IncidentState::Duplicate,
        IncidentState::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentState::Reported => "reported",
            IncidentState::Accepted => "accepted",
            IncidentState::Assigned => "assigned",
            IncidentState::InProgress => "in_progress",
            IncidentState::Resolved => "resolved",
            IncidentState::Verified => "verified",
            IncidentState::Closed => "closed",
            IncidentState::Rejected => "rejected",
            IncidentState::Duplicate => "duplicate",
            IncidentState::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<IncidentState> {
        IncidentState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Closed, rejected and duplicate incidents accept no further action.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            IncidentState::Closed | IncidentState::Rejected | IncidentState::Duplicate
        )
    }

    /// Whether the time limit no longer runs: the incident is resolved or later, or terminal.
    pub fn stops_clock(self) -> bool {
        self.is_terminal() || matches!(self, IncidentState::Resolved | IncidentState::Verified)
    }
}

impl fmt::Display for IncidentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something done to an incident. As JSON: `{"action": "reject", "reason": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IncidentAction {
    /// 受理.
    Accept,
    /// 不予受理, with the reason the reporter will see.
    Reject { reason: String },
    /// 重复上报: the incident `of` already covers this one.
    MarkDuplicate { of: Uuid },
    /// 交办 to a person (also re-assigns before work has started).
    Assign { to: Uuid },
    /// The assignee starts handling it.
    Start,
    /// The assignee reports it handled, saying what was done.
    Resolve { note: String },
    /// 核实: the office or chief confirms the resolution.
    Verify,
    /// Verification failed: back to the assignee, with the reason.
    Reopen { reason: String },
    /// 办结.
    Close,
    /// 上报上级林长, with the reason this level cannot solve it.
    Escalate { reason: String },
}

impl IncidentAction {
    /// The action's name in errors, timelines and audit records.
    pub fn name(&self) -> &'static str {
        match self {
            IncidentAction::Accept => "accept",
            IncidentAction::Reject { .. } => "reject",
            IncidentAction::MarkDuplicate { .. } => "mark_duplicate",
            IncidentAction::Assign { .. } => "assign",
            IncidentAction::Start => "start",
            IncidentAction::Resolve { .. } => "resolve",
            IncidentAction::Verify => "verify",
            IncidentAction::Reopen { .. } => "reopen",
            IncidentAction::Close => "close",
            IncidentAction::Escalate { .. } => "escalate",
        }
    }

    /// The free text the action carries (reason or note), for the timeline.
    pub fn text(&self) -> Option<&str> {
        match self {
            IncidentAction::Reject { reason }
            | IncidentAction::Reopen { reason }
            | IncidentAction::Escalate { reason } => Some(reason),
            IncidentAction::Resolve { note } => Some(note),
            _ => None,
        }
    }
}

/// What the state machine needs to know about the incident besides its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionCtx {
    /// The incident's own id (an incident cannot duplicate itself).
    pub incident: Uuid,
    /// Level of the grid currently responsible for the incident.
    pub level: Level,
    /// Whether the actor is the incident's current assignee (for start and resolve).
    pub by_assignee: bool,
}

/// What the store must change besides the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing else.
    None,
    /// Set the assignee.
    Assign { to: Uuid },
    /// Link the incident to the one that covers it.
    DuplicateOf { of: Uuid },
    /// Make the parent grid responsible, clear the assignee and start the time limit again from
    /// now.
    MoveToParent,
}

/// The outcome of an allowed action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: IncidentState,
    pub to: IncidentState,
    pub effect: Effect,
}

/// Why an action on an incident is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncidentError {
    #[error("cannot {action} an incident that is {from}")]
    NotAllowed {
        from: IncidentState,
        action: &'static str,
    },
    #[error("a city-level incident cannot be escalated: there is no level above")]
    NoLevelAbove,
    #[error("{action} needs a reason")]
    ReasonRequired { action: &'static str },
    #[error("resolve needs a note saying what was done")]
    NoteRequired,
    #[error("only the assignee may {action} the incident")]
    NotAssignee { action: &'static str },
    #[error("an incident cannot be a duplicate of itself")]
    DuplicateOfItself,
}

/// Applies `action` to an incident in state `current`. Pure: the caller stores the new state,
/// applies the [`Effect`] and records the action in the timeline. Role permissions are checked
/// separately with [`may`].
pub fn transition(
    current: IncidentState,
    action: &IncidentAction,
    ctx: &TransitionCtx,
) -> Result<Transition, IncidentError> {
    use IncidentAction as A;
    use IncidentState as S;

    let to = match (current, action) {
        (S::Reported | S::Escalated, A::Accept) => S::Accepted,
        (S::Reported | S::Escalated | S::Accepted, A::Reject { .. }) => S::Rejected,
        (S::Reported | S::Escalated, A::MarkDuplicate { .. }) => S::Duplicate,
        (S::Accepted | S::Assigned, A::Assign { .. }) => S::Assigned,
        (S::Assigned, A::Start) | (S::Resolved, A::Reopen { .. }) => S::InProgress,
        (S::InProgress, A::Resolve { .. }) => S::Resolved,
        (S::Resolved, A::Verify) => S::Verified,
        (S::Verified, A::Close) => S::Closed,
        (
            S::Reported | S::Escalated | S::Accepted | S::Assigned | S::InProgress,
            A::Escalate { .. },
        ) => S::Escalated,
        _ => {
            return Err(IncidentError::NotAllowed {
                from: current,
                action: action.name(),
            });
        }
    };

    let effect = match action {
        A::Reject { reason } | A::Reopen { reason } if reason.trim().is_empty() => {
            return Err(IncidentError::ReasonRequired {
                action: action.name(),
            });
        }
        A::Resolve { note } if note.trim().is_empty() => return Err(IncidentError::NoteRequired),
        A::Start | A::Resolve { .. } if !ctx.by_assignee => {
            return Err(IncidentError::NotAssignee {
                action: action.name(),
            });
        }
        A::MarkDuplicate { of } if *of == ctx.incident => {
            return Err(IncidentError::DuplicateOfItself);
        }
        A::MarkDuplicate { of } => Effect::DuplicateOf { of: *of },
        A::Assign { to } => Effect::Assign { to: *to },
        A::Escalate { reason } => {
            if ctx.level == Level::City {
                return Err(IncidentError::NoLevelAbove);
            }
            if reason.trim().is_empty() {
                return Err(IncidentError::ReasonRequired {
                    action: action.name(),
                });
            }
            Effect::MoveToParent
        }
        _ => Effect::None,
    };

    Ok(Transition {
        from: current,
        to,
        effect,
    })
}

/// Whether `role` may report an incident through the apps. Public reports come through the
/// public pages without an account, and cameras, satellites and hotspot feeds through the system.
pub fn may_report(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::Office | Role::Chief | Role::Ranger | Role::Technician | Role::Police
    )
}

/// Whether `role` may perform `action` on incidents in its scope.
///
/// - Office, chiefs and admins handle incidents: accept, reject, mark duplicate, assign,
///   verify, reopen, close and escalate.
/// - Start and resolve belong to the assignee, whatever their role (a ranger, technician,
///   police officer, member department, chief…): every role but the auditor passes here, and
///   [`transition`] checks that the actor is the assignee ([`TransitionCtx::by_assignee`]).
pub fn may(role: Role, action: &IncidentAction) -> bool {
    match action {
        IncidentAction::Start | IncidentAction::Resolve { .. } => role != Role::Auditor,
        _ => matches!(role, Role::Admin | Role::Office | Role::Chief),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentState as S;

    const INCIDENT: Uuid = Uuid::from_u128(1);
    const OTHER: Uuid = Uuid::from_u128(2);
    const USER: Uuid = Uuid::from_u128(3);

    fn ctx() -> TransitionCtx {
        TransitionCtx {
            incident: INCIDENT,
            level: Level::Town,
            by_assignee: true,
        }
    }

    /// One valid example of every action.
    fn actions() -> Vec<IncidentAction> {
        vec![
            IncidentAction::Accept,
            IncidentAction::Reject {
                reason: "不属于林业事件".into(),
            },
            IncidentAction::MarkDuplicate { of: OTHER },
            IncidentAction::Assign { to: USER },
            IncidentAction::Start,
            IncidentAction::Resolve {
                note: "已清理".into(),
            },
            IncidentAction::Verify,
            IncidentAction::Reopen {
                reason: "现场仍有病死树".into(),
            },
            IncidentAction::Close,
            IncidentAction::Escalate {
                reason: "需县级协调".into(),
            },
        ]
    }

    /// Every allowed (from, action, to).
    const ALLOWED: [(IncidentState, &str, IncidentState); 19] = [
        (S::Reported, "accept", S::Accepted),
        (S::Reported, "reject", S::Rejected),
        (S::Reported, "mark_duplicate", S::Duplicate),
        (S::Reported, "escalate", S::Escalated),
        (S::Escalated, "accept", S::Accepted),
        (S::Escalated, "reject", S::Rejected),
        (S::Escalated, "mark_duplicate", S::Duplicate),
        (S::Escalated, "escalate", S::Escalated),
        (S::Accepted, "assign", S::Assigned),
        (S::Accepted, "reject", S::Rejected),
        (S::Accepted, "escalate", S::Escalated),
        (S::Assigned, "assign", S::Assigned),
        (S::Assigned, "start", S::InProgress),
        (S::Assigned, "escalate", S::Escalated),
        (S::InProgress, "resolve", S::Resolved),
        (S::InProgress, "escalate", S::Escalated),
        (S::Resolved, "verify", S::Verified),
        (S::Resolved, "reopen", S::InProgress),
        (S::Verified, "close", S::Closed),
    ];

    fn allowed(from: IncidentState, action: &str) -> Option<IncidentState> {
        ALLOWED
            .iter()
            .find(|(f, a, _)| *f == from && *a == action)
            .map(|(_, _, to)| *to)
    }

    #[test]
    fn every_pair_is_allowed_or_refused_as_the_table_says() {
        let mut allowed_count = 0;
        for from in IncidentState::ALL {
            for action in actions() {
                let got = transition(from, &action, &ctx());
                match allowed(from, action.name()) {
                    Some(to) => {
                        allowed_count += 1;
                        let t = got.expect("allowed transition");
                        assert_eq!((t.from, t.to), (from, to), "{from} {}", action.name());
                    }
                    None => assert_eq!(
                        got,
                        Err(IncidentError::NotAllowed {
                            from,
                            action: action.name()
                        }),
                        "{from} {}",
                        action.name()
                    ),
                }
            }
        }
        assert_eq!(allowed_count, ALLOWED.len());
    }

    #[test]
    fn terminal_states_accept_nothing() {
        for from in IncidentState::ALL.into_iter().filter(|s| s.is_terminal()) {
            for action in actions() {
                assert!(matches!(
                    transition(from, &action, &ctx()),
                    Err(IncidentError::NotAllowed { .. })
                ));
            }
        }
        let terminal: Vec<_> = IncidentState::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(terminal, [S::Closed, S::Rejected, S::Duplicate]);
    }

    #[test]
    fn the_happy_path_runs_from_report_to_closure() {
        let mut state = S::Reported;
        for action in [
            IncidentAction::Accept,
            IncidentAction::Assign { to: USER },
            IncidentAction::Start,
            IncidentAction::Resolve {
                note: "已扑灭".into(),
            },
            IncidentAction::Reopen {
                reason: "复燃".into(),
            },
            IncidentAction::Resolve {
                note: "已彻底扑灭".into(),
            },
            IncidentAction::Verify,
            IncidentAction::Close,
        ] {
            state = transition(state, &action, &ctx()).expect("allowed").to;
        }
        assert_eq!(state, S::Closed);
    }

    #[test]
    fn effects_tell_the_store_what_else_changes() {
        let t = transition(S::Accepted, &IncidentAction::Assign { to: USER }, &ctx());
        assert_eq!(t.map(|t| t.effect), Ok(Effect::Assign { to: USER }));
        let t = transition(
            S::Reported,
            &IncidentAction::MarkDuplicate { of: OTHER },
            &ctx(),
        );
        assert_eq!(t.map(|t| t.effect), Ok(Effect::DuplicateOf { of: OTHER }));
        let escalate = IncidentAction::Escalate {
            reason: "超出村级处置能力".into(),
        };
        for level in [Level::County, Level::Town, Level::Village] {
            let c = TransitionCtx { level, ..ctx() };
            assert_eq!(
                transition(S::InProgress, &escalate, &c),
                Ok(Transition {
                    from: S::InProgress,
                    to: S::Escalated,
                    effect: Effect::MoveToParent
                })
            );
        }
        assert_eq!(
            transition(S::Accepted, &IncidentAction::Accept, &ctx()).map(|t| t.effect),
            Err(IncidentError::NotAllowed {
                from: S::Accepted,
                action: "accept"
            })
        );
        let t = transition(S::Verified, &IncidentAction::Close, &ctx());
        assert_eq!(t.map(|t| t.effect), Ok(Effect::None));
    }

    #[test]
    fn a_city_level_incident_cannot_be_escalated() {
        let city = TransitionCtx {
            level: Level::City,
            ..ctx()
        };
        let escalate = IncidentAction::Escalate {
            reason: "需上级协调".into(),
        };
        for from in [
            S::Reported,
            S::Escalated,
            S::Accepted,
            S::Assigned,
            S::InProgress,
        ] {
            assert_eq!(
                transition(from, &escalate, &city),
                Err(IncidentError::NoLevelAbove)
            );
        }
        // Everything else still works at the city level.
        assert!(transition(S::Reported, &IncidentAction::Accept, &city).is_ok());
    }

    #[test]
    fn reasons_notes_and_the_assignee_are_required() {
        let blank = "  ".to_owned();
        let cases = [
            (
                S::Reported,
                IncidentAction::Reject {
                    reason: blank.clone(),
                },
                IncidentError::ReasonRequired { action: "reject" },
            ),
            (
                S::Resolved,
                IncidentAction::Reopen {
                    reason: blank.clone(),
                },
                IncidentError::ReasonRequired { action: "reopen" },
            ),
            (
                S::Assigned,
                IncidentAction::Escalate {
                    reason: blank.clone(),
                },
                IncidentError::ReasonRequired { action: "escalate" },
            ),
            (
                S::InProgress,
                IncidentAction::Resolve { note: blank },
                IncidentError::NoteRequired,
            ),
            (
                S::Reported,
                IncidentAction::MarkDuplicate { of: INCIDENT },
                IncidentError::DuplicateOfItself,
            ),
        ];
        for (from, action, err) in cases {
            assert_eq!(transition(from, &action, &ctx()), Err(err));
        }
        let stranger = TransitionCtx {
            by_assignee: false,
            ..ctx()
        };
        assert_eq!(
            transition(S::Assigned, &IncidentAction::Start, &stranger),
            Err(IncidentError::NotAssignee { action: "start" })
        );
        let resolve = IncidentAction::Resolve { note: "ok".into() };
        assert_eq!(
            transition(S::InProgress, &resolve, &stranger),
            Err(IncidentError::NotAssignee { action: "resolve" })
        );
        // Office work does not need the assignee.
        assert!(transition(S::Resolved, &IncidentAction::Verify, &stranger).is_ok());
    }

    #[test]
    fn errors_read_as_english() {
        let e = IncidentError::NotAllowed {
            from: S::InProgress,
            action: "close",
        };
        assert_eq!(
            e.to_string(),
            "cannot close an incident that is in_progress"
        );
        assert_eq!(
            IncidentError::NoLevelAbove.to_string(),
            "a city-level incident cannot be escalated: there is no level above"
        );
        assert_eq!(
            IncidentError::ReasonRequired { action: "reject" }.to_string(),
            "reject needs a reason"
        );
    }

    #[test]
    fn states_and_actions_round_trip_as_json() {
        for s in IncidentState::ALL {
            assert_eq!(IncidentState::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).expect("json"),
                format!("\"{}\"", s.as_str())
            );
        }
        assert_eq!(IncidentState::parse("open"), None);
        for a in actions() {
            let json = serde_json::to_value(&a).expect("json");
            assert_eq!(json["action"], a.name());
            let back: IncidentAction = serde_json::from_value(json).expect("back");
            assert_eq!(back, a);
        }
        let a: IncidentAction =
            serde_json::from_str(r#"{"action":"escalate","reason":"跨镇"}"#).expect("parse");
        assert_eq!(a.text(), Some("跨镇"));
        assert_eq!(IncidentAction::Verify.text(), None);
    }

    #[test]
    fn office_and_chiefs_handle_assignees_work() {
        let office_work = [
            IncidentAction::Accept,
            IncidentAction::Assign { to: USER },
            IncidentAction::Verify,
            IncidentAction::Close,
            IncidentAction::Escalate { reason: "r".into() },
        ];
        for a in &office_work {
            let roles: Vec<Role> = Role::ALL.into_iter().filter(|r| may(*r, a)).collect();
            assert_eq!(
                roles,
                [Role::Admin, Role::Office, Role::Chief],
                "{}",
                a.name()
            );
        }
        for r in [
            Role::Ranger,
            Role::Technician,
            Role::Chief,
            Role::Department,
        ] {
            assert!(may(r, &IncidentAction::Start));
            assert!(may(r, &IncidentAction::Resolve { note: "n".into() }));
        }
        assert!(!may(Role::Auditor, &IncidentAction::Start));
        assert!(!may(Role::Ranger, &IncidentAction::Accept));
        assert!(
            may_report(Role::Ranger) && may_report(Role::Technician) && may_report(Role::Chief)
        );
        assert!(!may_report(Role::Auditor) && !may_report(Role::Department));
    }
}
