//! Work contact sheets (林长工作联系单, C5) and inspections (督察, C7).
//!
//! A problem found by an inspection, reported by the public, raised by an incident or written
//! by hand is assigned (交办) on a sheet to a grid's chief and office, or to a member department,
//! with a deadline. The issuer may remind (督办); the addressee answers; only the issuer's side
//! closes, and never an unanswered sheet ("件件有回音"). A sheet still unanswered after its
//! deadline is escalated: flagged, and the grid above is told.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::Role;

/// Where the problem on a sheet came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SheetSource {
    /// 督察发现: a finding of an inspection.
    Inspection,
    /// 群众举报: a public report.
    PublicReport,
    /// 事件: an incident.
    Incident,
    /// 手工填写: written by hand.
    Manual,
}

impl SheetSource {
    pub const ALL: [Self; 4] = [
        Self::Inspection,
        Self::PublicReport,
        Self::Incident,
        Self::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inspection => "inspection",
            Self::PublicReport => "public_report",
            Self::Incident => "incident",
            Self::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a sheet stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SheetState {
    /// 已交办: waiting for the addressee's answer.
    Issued,
    /// 已回复: answered, waiting for the issuer.
    Answered,
    /// 已办结.
    Closed,
}

impl SheetState {
    pub const ALL: [Self; 3] = [Self::Issued, Self::Answered, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a user asks of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SheetAction {
    /// 督办: remind the addressee (each reminder notifies).
    Remind {
        #[serde(default)]
        note: String,
    },
    /// 回复: the addressee's answer, with optional evidence (file references).
    Answer {
        text: String,
        #[serde(default)]
        evidence: Vec<String>,
    },
    /// 办结: the issuer accepts the answer.
    Close {
        #[serde(default)]
        note: String,
    },
    /// 退回: the issuer sends an answered or closed sheet back for another answer.
    Reopen { reason: String },
}

impl SheetAction {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Remind { .. } => "remind",
            Self::Answer { .. } => "answer",
            Self::Close { .. } => "close",
            Self::Reopen { .. } => "reopen",
        }
    }

    /// Whether the issuer's side (rather than the addressee's) acts.
    pub fn by_issuer(&self) -> bool {
        !matches!(self, Self::Answer { .. })
    }

    /// The note kept on the sheet's timeline.
    pub fn note(&self) -> &str {
        match self {
            Self::Remind { note } | Self::Close { note } => note,
            Self::Answer { text, .. } => text,
            Self::Reopen { reason } => reason,
        }
    }
}

/// Why an action on a sheet is refused. [`SheetError::code`] is the stable code clients see.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("件件有回音: a sheet cannot be closed before the addressee has answered it")]
    NotAnswered,
    #[error("an answer needs text")]
    AnswerRequired,
    #[error("a reopened sheet needs a reason")]
    ReasonRequired,
    #[error("a sheet that is {from} cannot be {action}ed")]
    Illegal {
        from: &'static str,
        action: &'static str,
    },
    #[error("only the {0} side of a sheet may do this")]
    WrongSide(&'static str),
}

impl SheetError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAnswered => "sheet_not_answered",
            Self::AnswerRequired => "answer_required",
            Self::ReasonRequired => "reason_required",
            Self::Illegal { .. } => "illegal_transition",
            Self::WrongSide(_) => "wrong_side",
        }
    }
}

/// Which sides of a sheet a user is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sides {
    pub issuer: bool,
    pub addressee: bool,
}

/// The state after `action` by a user on `sides`.
pub fn transition(
    from: SheetState,
    action: &SheetAction,
    sides: Sides,
) -> Result<SheetState, SheetError> {
    use SheetAction as A;
    use SheetState as S;
    if action.by_issuer() && !sides.issuer {
        return Err(SheetError::WrongSide("issuer's"));
    }
    if !action.by_issuer() && !sides.addressee {
        return Err(SheetError::WrongSide("addressee's"));
    }
    let illegal = || SheetError::Illegal {
        from: from.as_str(),
        action: action.name(),
    };
    match (from, action) {
        (S::Issued, A::Remind { .. }) => Ok(S::Issued),
        (S::Issued, A::Answer { text, .. }) => {
            if text.trim().is_empty() {
                Err(SheetError::AnswerRequired)
            } else {
                Ok(S::Answered)
            }
        }
        (S::Issued, A::Close { .. }) => Err(SheetError::NotAnswered),
        (S::Answered, A::Close { .. }) => Ok(S::Closed),
        (S::Answered | S::Closed, A::Reopen { reason }) => {
            if reason.trim().is_empty() {
                Err(SheetError::ReasonRequired)
            } else {
                Ok(S::Issued)
            }
        }
        _ => Err(illegal()),
    }
}

/// Roles that issue sheets, run inspections and issue tasks (the offices and chiefs).
pub fn may_issue(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Office | Role::Chief)
}

/// Roles that answer sheets addressed to their grid or department.
pub fn may_answer(role: Role) -> bool {
    matches!(
        role,
        Role::Admin | Role::Office | Role::Chief | Role::Department
    )
}

/// Past the deadline and not answered.
pub fn is_overdue(state: SheetState, deadline: NaiveDate, today: NaiveDate) -> bool {
    state == SheetState::Issued && today > deadline
}

/// Whether the escalation job should escalate a sheet now (once).
pub fn should_escalate(
    state: SheetState,
    deadline: NaiveDate,
    escalated: bool,
    today: NaiveDate,
) -> bool {
    !escalated && is_overdue(state, deadline, today)
}

/// How an inspection was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 明察: announced.
    Open,
    /// 暗访: unannounced.
    Unannounced,
}

impl InspectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Unannounced => "unannounced",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Unannounced]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: Sides = Sides {
        issuer: true,
        addressee: true,
    };

    fn answer(text: &str) -> SheetAction {
        SheetAction::Answer {
            text: text.into(),
            evidence: vec![],
        }
    }

    #[test]
    fn every_sheet_is_answered_before_it_closes() {
        use SheetState as S;
        let close = SheetAction::Close {
            note: String::new(),
        };
        assert_eq!(
            transition(S::Issued, &close, BOTH),
            Err(SheetError::NotAnswered)
        );
        assert_eq!(SheetError::NotAnswered.code(), "sheet_not_answered");
        assert_eq!(
            transition(S::Issued, &answer("  "), BOTH),
            Err(SheetError::AnswerRequired)
        );
        assert_eq!(
            transition(S::Issued, &answer("已清理"), BOTH),
            Ok(S::Answered)
        );
        assert_eq!(transition(S::Answered, &close, BOTH), Ok(S::Closed));
        assert!(matches!(
            transition(S::Closed, &close, BOTH),
            Err(SheetError::Illegal { .. })
        ));
        let reopen = SheetAction::Reopen {
            reason: "整改不到位".into(),
        };
        assert_eq!(transition(S::Closed, &reopen, BOTH), Ok(S::Issued));
        let remind = SheetAction::Remind {
            note: String::new(),
        };
        assert_eq!(transition(S::Issued, &remind, BOTH), Ok(S::Issued));
        assert!(transition(S::Answered, &remind, BOTH).is_err());
    }

    #[test]
    fn each_side_does_its_own_part() {
        use SheetState as S;
        let issuer = Sides {
            issuer: true,
            addressee: false,
        };
        let addressee = Sides {
            issuer: false,
            addressee: true,
        };
        assert_eq!(
            transition(S::Issued, &answer("好"), issuer),
            Err(SheetError::WrongSide("addressee's"))
        );
        let close = SheetAction::Close {
            note: String::new(),
        };
        assert_eq!(
            transition(S::Answered, &close, addressee),
            Err(SheetError::WrongSide("issuer's"))
        );
    }

    #[test]
    fn overdue_unanswered_sheets_escalate_once() {
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let deadline = day("2026-10-10");
        assert!(!should_escalate(
            SheetState::Issued,
            deadline,
            false,
            day("2026-10-10")
        ));
        assert!(should_escalate(
            SheetState::Issued,
            deadline,
            false,
            day("2026-10-11")
        ));
        assert!(!should_escalate(
            SheetState::Issued,
            deadline,
            true,
            day("2026-10-11")
        ));
        assert!(!should_escalate(
            SheetState::Answered,
            deadline,
            false,
            day("2026-10-11")
        ));
        assert_eq!(
            SheetSource::parse("public_report"),
            Some(SheetSource::PublicReport)
        );
        assert_eq!(
            InspectionKind::parse("unannounced"),
            Some(InspectionKind::Unannounced)
        );
    }
}
