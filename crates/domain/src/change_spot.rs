//! Change spots (疑似变化图斑, D1): patches found by comparing two satellite scenes, grouped in
//! batches (e.g. "2026年第1期"), dispatched to the responsible chief and ranger for field
//! verification (外业核实), and closed with the verified cause; an illegal change opens a case.

use serde::{Deserialize, Serialize};

/// The code table of verified causes.
pub const CAUSE_TABLE: &str = "verified_change_cause";

/// Where a change spot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpotState {
    /// 待核实: found, waiting for the field visit.
    Pending,
    /// 已核实: the cause and legality are recorded.
    Verified,
}

impl SpotState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Verified]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The incident kind an illegal change opens, by verified cause: felling → illegal logging,
/// building and clearing → illegal land use, anything else → other.
pub fn incident_kind(cause: &str) -> &'static str {
    match cause {
        "20" => "illegal_logging",
        "30" | "40" => "illegal_land_use",
        _ => "other",
    }
}

/// What a verification must say: legality only matters for a real change.
pub fn check_verification(
    cause: &str,
    legal: Option<bool>,
    known_causes: &[&str],
) -> Result<(), String> {
    if !known_causes.contains(&cause) {
        return Err(format!("unknown verified cause {cause}"));
    }
    if cause != "80" && legal.is_none() {
        return Err("say whether the change is legal".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_and_cases() {
        let known = ["10", "20", "30", "80", "99"];
        assert!(check_verification("20", Some(false), &known).is_ok());
        assert!(
            check_verification("80", None, &known).is_ok(),
            "a false alarm needs no legality"
        );
        assert!(check_verification("20", None, &known).is_err());
        assert!(check_verification("77", Some(true), &known).is_err());
        assert_eq!(incident_kind("30"), "illegal_land_use");
        assert_eq!(incident_kind("20"), "illegal_logging");
        assert_eq!(SpotState::parse("pending"), Some(SpotState::Pending));
    }
}
