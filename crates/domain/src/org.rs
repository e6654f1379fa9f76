//! Posts (职务), the people who hold them over time, and grid staff.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::grid::Level;

/// The kind of a chief's post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PostKind {
    /// 总林长 (city only).
    ChiefGeneral,
    /// 副总林长 (city only).
    DeputyChiefGeneral,
    /// 林长.
    Chief,
    /// 副林长.
    DeputyChief,
}

impl PostKind {
    pub const ALL: [PostKind; 4] = [
        PostKind::ChiefGeneral,
        PostKind::DeputyChiefGeneral,
        PostKind::Chief,
        PostKind::DeputyChief,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::ChiefGeneral => "chief_general",
            PostKind::DeputyChiefGeneral => "deputy_chief_general",
            PostKind::Chief => "chief",
            PostKind::DeputyChief => "deputy_chief",
        }
    }

    pub fn parse(s: &str) -> Option<PostKind> {
        PostKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a post of this kind exists at a grid of `level`: the city has a chief-in-general
    /// and deputies, every other level a chief and deputies.
    pub fn allowed_at(self, level: Level) -> bool {
        match self {
            PostKind::ChiefGeneral | PostKind::DeputyChiefGeneral => level == Level::City,
            PostKind::Chief | PostKind::DeputyChief => level != Level::City,
        }
    }
}

/// Grid staff other than chiefs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffKind {
    /// 护林员.
    Ranger,
    /// 技术员.
    Technician,
    /// 警员.
    Police,
}

impl StaffKind {
    pub const ALL: [StaffKind; 3] = [StaffKind::Ranger, StaffKind::Technician, StaffKind::Police];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffKind::Ranger => "ranger",
            StaffKind::Technician => "technician",
            StaffKind::Police => "police",
        }
    }

    pub fn parse(s: &str) -> Option<StaffKind> {
        StaffKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Ranger team level: county 大队, town 中队, village 小队.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TeamLevel {
    Brigade,
    Squadron,
    Squad,
}

impl TeamLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamLevel::Brigade => "brigade",
            TeamLevel::Squadron => "squadron",
            TeamLevel::Squad => "squad",
        }
    }

    pub fn parse(s: &str) -> Option<TeamLevel> {
        [TeamLevel::Brigade, TeamLevel::Squadron, TeamLevel::Squad]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The team level that belongs to a grid level; the city has no ranger team.
    pub fn for_grid(level: Level) -> Option<TeamLevel> {
        match level {
            Level::City => None,
            Level::County => Some(TeamLevel::Brigade),
            Level::Town => Some(TeamLevel::Squadron),
            Level::Village => Some(TeamLevel::Squad),
        }
    }
}

/// Why an appointment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppointmentError {
    #[error("the new term starts on {start}, before the current term began on {current_start}")]
    StartsBeforeCurrentTerm {
        start: NaiveDate,
        current_start: NaiveDate,
    },
    #[error("this person already holds the post")]
    AlreadyHolder,
}

/// The current term of a post, as far as the appointment rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentTerm {
    pub person_id: uuid::Uuid,
    pub start_date: NaiveDate,
}

/// Checks that `person` may be appointed from `start` and says when the current holder's term
/// ends: terms are half-open, `[start_date, end_date)`, so the old term ends on the day the new
/// one begins and no day has two holders.
pub fn plan_appointment(
    current: Option<&CurrentTerm>,
    person: uuid::Uuid,
    start: NaiveDate,
) -> Result<Option<NaiveDate>, AppointmentError> {
    let Some(current) = current else {
        return Ok(None);
    };
    if current.person_id == person {
        return Err(AppointmentError::AlreadyHolder);
    }
    if start < current.start_date {
        return Err(AppointmentError::StartsBeforeCurrentTerm {
            start,
            current_start: current.start_date,
        });
    }
    Ok(Some(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn chief_general_only_in_the_city() {
        assert!(PostKind::ChiefGeneral.allowed_at(Level::City));
        assert!(!PostKind::ChiefGeneral.allowed_at(Level::Town));
        assert!(PostKind::Chief.allowed_at(Level::Village));
        assert!(!PostKind::Chief.allowed_at(Level::City));
    }

    #[test]
    fn a_new_holder_ends_the_old_term_on_the_start_day() {
        let a = uuid::Uuid::from_u128(1);
        let b = uuid::Uuid::from_u128(2);
        let current = CurrentTerm {
            person_id: a,
            start_date: d("2021-12-01"),
        };
        assert_eq!(
            plan_appointment(Some(&current), b, d("2024-03-01")),
            Ok(Some(d("2024-03-01")))
        );
        assert_eq!(plan_appointment(None, b, d("2024-03-01")), Ok(None));
        assert_eq!(
            plan_appointment(Some(&current), a, d("2024-03-01")),
            Err(AppointmentError::AlreadyHolder)
        );
        assert!(matches!(
            plan_appointment(Some(&current), b, d("2020-01-01")),
            Err(AppointmentError::StartsBeforeCurrentTerm { .. })
        ));
    }
}
