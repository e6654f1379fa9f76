//! Incidents (异常/事件, C3): what was found, by whom, how urgent, and the rules that move an
//! incident from report to closure.
//!
//! - [`IncidentSource`] and [`Priority`] are fixed enums; the kind of an incident and the named
//!   pest are codes from the `incident_kind` and `pest` code tables (H4), checked with
//!   [`validate_classification`].
//! - [`state`]: the state machine ([`transition`]) and who may do what ([`may`], [`may_report`]).
//! - [`deadline`]: time limits per kind and priority from the `incident_deadline` code table
//!   ([`DeadlineRules`]) and [`is_overdue`].

pub mod deadline;
pub mod state;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::CodeTable;

pub use deadline::{DeadlineRuleError, DeadlineRules, is_overdue, should_auto_escalate};
pub use state::{
    Effect, IncidentAction, IncidentError, IncidentState, Transition, TransitionCtx, may,
    may_report, transition,
};

/// Name of the code table that lists incident kinds.
pub const KIND_TABLE: &str = "incident_kind";
/// Name of the code table that lists named forest pests and diseases.
pub const PEST_TABLE: &str = "pest";
/// Name of the code table with the time limits (see [`DeadlineRules`]).
pub const DEADLINE_TABLE: &str = "incident_deadline";

/// Kind code of a forest fire (森林火情).
pub const KIND_FIRE: &str = "fire";
/// Kind code of a pest or disease (林业有害生物); the only kind that names a pest.
pub const KIND_PEST: &str = "pest";
/// Kind code of a one-key SOS (一键求助).
pub const KIND_SOS: &str = "sos";

/// Who or what reported an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IncidentSource {
    /// 护林员, from the field app.
    Ranger,
    /// 技术员.
    Technician,
    /// 林长, e.g. during a chief patrol.
    Chief,
    /// 视频监控: a camera's smoke or fire alarm.
    Camera,
    /// 卫星遥感: a suspected change patch confirmed for handling.
    Satellite,
    /// 卫星火点: a fire hotspot feed.
    Hotspot,
    /// 公众举报: the public report pages.
    Public,
}

impl IncidentSource {
    /// The source of a report made by a logged-in user: rangers and technicians report as
    /// themselves; chiefs, office staff, police and the rest report for their grid's chief.
    pub fn of_role(role: crate::access::Role) -> Self {
        match role {
            crate::access::Role::Ranger => IncidentSource::Ranger,
            crate::access::Role::Technician => IncidentSource::Technician,
            _ => IncidentSource::Chief,
        }
    }

    pub const ALL: [IncidentSource; 7] = [
        IncidentSource::Ranger,
        IncidentSource::Technician,
        IncidentSource::Chief,
        IncidentSource::Camera,
        IncidentSource::Satellite,
        IncidentSource::Hotspot,
        IncidentSource::Public,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentSource::Ranger => "ranger",
            IncidentSource::Technician => "technician",
            IncidentSource::Chief => "chief",
            IncidentSource::Camera => "camera",
            IncidentSource::Satellite => "satellite",
            IncidentSource::Hotspot => "hotspot",
            IncidentSource::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<IncidentSource> {
        IncidentSource::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a machine (camera, satellite, hotspot feed) rather than a person reported it.
    pub fn is_automatic(self) -> bool {
        matches!(
            self,
            IncidentSource::Camera | IncidentSource::Satellite | IncidentSource::Hotspot
        )
    }
}

impl fmt::Display for IncidentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How urgent an incident is; with the kind it sets the time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Priority {
    /// 特急.
    Urgent,
    /// 紧急.
    High,
    /// 一般.
    Normal,
    /// 较低.
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an incident's kind or pest is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassificationError {
    #[error("{0:?} is not an incident kind")]
    UnknownKind(String),
    #[error("{0:?} is not a pest in the pest table")]
    UnknownPest(String),
    #[error("only incidents of kind \"pest\" name a pest, this one is {kind:?}")]
    PestWithoutPestKind { kind: String },
}

/// Checks an incident's kind against the `incident_kind` table and, for kind `pest`, the named
/// pest (optional: a reporter may not know it) against the `pest` table. Pass the current
/// versions of both tables.
pub fn validate_classification(
    kinds: &CodeTable,
    pests: &CodeTable,
    kind: &str,
    pest: Option<&str>,
) -> Result<(), ClassificationError> {
    if kinds.entry(kind).is_none() {
        return Err(ClassificationError::UnknownKind(kind.to_owned()));
    }
    let Some(pest) = pest else {
        return Ok(());
    };
    if kind != KIND_PEST {
        return Err(ClassificationError::PestWithoutPestKind {
            kind: kind.to_owned(),
        });
    }
    if pests.entry(pest).is_none() {
        return Err(ClassificationError::UnknownPest(pest.to_owned()));
    }
    Ok(())
}

/// Whether an incident must reach the responsible chief, the chief office and the rangers near
/// it at once, rather than wait in the office's queue: fires and SOS calls, and anything a fire
/// hotspot feed reports (a hotspot is a suspected fire whatever kind it was filed under).
pub fn reaches_at_once(kind: &str, source: IncidentSource) -> bool {
    kind == KIND_FIRE || kind == KIND_SOS || source == IncidentSource::Hotspot
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{default_tables, validate_entries};

    fn table(name: &str) -> CodeTable {
        default_tables()
            .into_iter()
            .find(|t| t.name == name)
            .expect("default table")
    }

    fn codes(name: &str) -> Vec<String> {
        table(name).entries.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn the_incident_tables_are_valid_and_match_the_enums() {
        for name in [
            KIND_TABLE,
            PEST_TABLE,
            DEADLINE_TABLE,
            "incident_source",
            "incident_priority",
            "incident_state",
        ] {
            assert_eq!(validate_entries(&table(name).entries), Ok(()), "{name}");
        }
        let sources: Vec<&str> = IncidentSource::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(codes("incident_source"), sources);
        let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(codes("incident_priority"), priorities);
        let states: Vec<&str> = IncidentState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(codes("incident_state"), states);
    }

    #[test]
    fn the_kind_and_pest_tables_hold_the_required_codes() {
        assert_eq!(
            codes(KIND_TABLE),
            [
                "fire",
                "pest",
                "illegal_logging",
                "illegal_land_use",
                "poaching",
                "plant_digging",
                "wildlife_disease",
                "damaged_sign",
                "sos",
                "other"
            ]
        );
        let kinds = table(KIND_TABLE);
        let pest = kinds.entry("pest").expect("pest kind");
        let description = pest.description.as_deref().expect("description");
        assert!(description.contains("松材线虫病") && description.contains("美国白蛾"));
        assert_eq!(
            kinds.entry("sos").map(|e| e.name_zh.as_str()),
            Some("一键求助")
        );
        let pests = table(PEST_TABLE);
        assert_eq!(
            pests.entry("pine_wilt").map(|e| e.name_zh.as_str()),
            Some("松材线虫病")
        );
        assert_eq!(
            codes(PEST_TABLE),
            [
                "pine_wilt",
                "fall_webworm",
                "pine_sawyer",
                "poplar_canker",
                "other"
            ]
        );
    }

    #[test]
    fn enums_round_trip_through_their_names_and_serde() {
        for s in IncidentSource::ALL {
            assert_eq!(IncidentSource::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).expect("json"),
                format!("\"{}\"", s.as_str())
            );
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(p));
            assert_eq!(
                serde_json::to_string(&p).expect("json"),
                format!("\"{}\"", p.as_str())
            );
        }
        assert_eq!(IncidentSource::parse("drone"), None);
        assert_eq!(Priority::parse("critical"), None);
        assert!(IncidentSource::Camera.is_automatic());
        assert!(!IncidentSource::Public.is_automatic());
    }

    #[test]
    fn kinds_and_pests_are_checked_against_the_tables() {
        let (kinds, pests) = (table(KIND_TABLE), table(PEST_TABLE));
        let check = |kind, pest| validate_classification(&kinds, &pests, kind, pest);
        assert_eq!(check("fire", None), Ok(()));
        assert_eq!(check("pest", None), Ok(()));
        assert_eq!(check("pest", Some("fall_webworm")), Ok(()));
        assert_eq!(
            check("flood", None),
            Err(ClassificationError::UnknownKind("flood".into()))
        );
        assert_eq!(
            check("pest", Some("locust")),
            Err(ClassificationError::UnknownPest("locust".into()))
        );
        assert_eq!(
            check("fire", Some("pine_wilt")),
            Err(ClassificationError::PestWithoutPestKind {
                kind: "fire".into()
            })
        );
    }

    #[test]
    fn fire_sos_and_hotspots_reach_people_at_once() {
        assert!(reaches_at_once("fire", IncidentSource::Camera));
        assert!(reaches_at_once("sos", IncidentSource::Ranger));
        assert!(reaches_at_once("other", IncidentSource::Hotspot));
        assert!(!reaches_at_once("pest", IncidentSource::Ranger));
        assert!(!reaches_at_once("illegal_logging", IncidentSource::Public));
    }

    #[test]
    fn reports_by_users_carry_their_role_as_source() {
        use crate::access::Role;
        assert_eq!(
            IncidentSource::of_role(Role::Ranger),
            IncidentSource::Ranger
        );
        assert_eq!(
            IncidentSource::of_role(Role::Technician),
            IncidentSource::Technician
        );
        assert_eq!(IncidentSource::of_role(Role::Office), IncidentSource::Chief);
    }
}
