//! Patrols (巡护, 巡林): a ranger's daily patrol or a chief's patrol of his grid, started,
//! paused, resumed and ended on the phone, with a GPS track uploaded in batches. And the rules
//! of how often chiefs must patrol (C2), kept as data in the `chief_patrol_rule` code table.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::codes::CodeTable;
use crate::grid::{GridCode, Level};

/// The code table of chief patrol frequencies: code `{level}.{period}`, name the count.
pub const RULE_TABLE: &str = "chief_patrol_rule";

/// The code table of chief meeting frequencies (C6), in the same form.
pub const MEETING_RULE_TABLE: &str = "meeting_rule";

/// The code table of rangers' patrol frequencies per responsibility area (C1), in the same form
/// (`village.month` = 8 by default).
pub const AREA_RULE_TABLE: &str = "area_patrol_rule";

/// Whether a ranger's patrol may count for a responsibility area (its coverage and its patrols
/// against the area rule): it was walked at the area's grid; rangers of a neighbouring grid
/// passing by do not patrol it. Of these, a patrol counts when its cleaned track comes within
/// the coverage distance of the area (`linzhang_geo::track::comes_within`).
pub fn patrols_for_area(patrol_grid: &GridCode, area_grid: &GridCode) -> bool {
    patrol_grid == area_grid
}

/// Whose patrol it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PatrolKind {
    /// 护林员巡护: a ranger's (or technician's) patrol.
    Ranger,
    /// 林长巡林: a chief's patrol of his grid.
    Chief,
}

impl PatrolKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ranger => "ranger",
            Self::Chief => "chief",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Ranger, Self::Chief]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The kind of patrol a user of this role records; `None`: the role does not patrol.
    pub fn of_role(role: Role) -> Option<Self> {
        match role {
            Role::Ranger | Role::Technician => Some(Self::Ranger),
            Role::Chief => Some(Self::Chief),
            _ => None,
        }
    }
}

/// Where a patrol stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PatrolState {
    Active,
    Paused,
    Ended,
}

impl PatrolState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Paused, Self::Ended]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What the phone asks of a patrol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PatrolAction {
    Pause,
    Resume,
    End,
}

/// A refused patrol action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a patrol that is {from:?} cannot {action:?}")]
pub struct PatrolActionError {
    pub from: PatrolState,
    pub action: PatrolAction,
}

/// The state after `action`. Repeating the state a patrol is in (pausing a paused patrol,
/// ending an ended one) is allowed and changes nothing, so that a phone that retries an
/// action after a lost answer is not refused.
pub fn transition(
    from: PatrolState,
    action: PatrolAction,
) -> Result<PatrolState, PatrolActionError> {
    use PatrolAction as A;
    use PatrolState as S;
    match (from, action) {
        (S::Active | S::Paused, A::Pause) => Ok(S::Paused),
        (S::Active | S::Paused, A::Resume) => Ok(S::Active),
        (S::Active | S::Paused | S::Ended, A::End) => Ok(S::Ended),
        (S::Ended, A::Pause | A::Resume) => Err(PatrolActionError { from, action }),
    }
}

/// The period a frequency rule counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Quarter,
    /// 半年: January–June or July–December.
    HalfYear,
    Year,
}

impl Period {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            "half_year" => Some(Self::HalfYear),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    /// The period containing `day`: its first day and the first day after it.
    pub fn bounds(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        let (y, m) = (day.year(), day.month());
        let (start_month, months) = match self {
            Self::Month => (m, 1),
            Self::Quarter => ((m - 1) / 3 * 3 + 1, 3),
            Self::HalfYear => ((m - 1) / 6 * 6 + 1, 6),
            Self::Year => (1, 12),
        };
        let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(day);
        let start = first(y, start_month);
        let end_month = start_month + months;
        let end = if end_month > 12 {
            first(y + 1, end_month - 12)
        } else {
            first(y, end_month)
        };
        (start, end)
    }

    /// The key of the period containing `day`: `2026-11`, `2026-Q4`, `2026-H2` or `2026`.
    pub fn key(self, day: NaiveDate) -> String {
        let (y, m) = (day.year(), day.month());
        match self {
            Self::Month => format!("{y}-{m:02}"),
            Self::Quarter => format!("{y}-Q{}", (m - 1) / 3 + 1),
            Self::HalfYear => format!("{y}-H{}", (m - 1) / 6 + 1),
            Self::Year => format!("{y}"),
        }
    }

    /// The period a key names and its first day; `None` for a key of no period.
    pub fn parse_key(key: &str) -> Option<(Self, NaiveDate)> {
        let (year, rest) = match key.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (key, None),
        };
        if year.len() != 4 {
            return None;
        }
        let y: i32 = year.parse().ok()?;
        let (period, month) = match rest {
            None => (Self::Year, 1),
            Some(r) => {
                if let Some(q) = r.strip_prefix('Q') {
                    let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                    (Self::Quarter, (q - 1) * 3 + 1)
                } else if let Some(h) = r.strip_prefix('H') {
                    let h: u32 = h.parse().ok().filter(|h| (1..=2).contains(h))?;
                    (Self::HalfYear, (h - 1) * 6 + 1)
                } else if r.len() == 2 {
                    (
                        Self::Month,
                        r.parse().ok().filter(|m| (1..=12).contains(m))?,
                    )
                } else {
                    return None;
                }
            }
        };
        Some((period, NaiveDate::from_ymd_opt(y, month, 1)?))
    }

    /// The first day of every period of this kind in a year, in order.
    pub fn starts_in_year(self, year: i32) -> Vec<NaiveDate> {
        let step = match self {
            Self::Month => 1,
            Self::Quarter => 3,
            Self::HalfYear => 6,
            Self::Year => 12,
        };
        (1..=12)
            .step_by(step)
            .filter_map(|m| NaiveDate::from_ymd_opt(year, m, 1))
            .collect()
    }
}

/// How often chiefs of one level must patrol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatrolRule {
    pub level: Level,
    pub times: u32,
    pub period: Period,
}

/// Reads frequency rules from a code table whose codes are `{level}.{period}` and whose names
/// are counts (`chief_patrol_rule`, `meeting_rule`); entries that do not parse are skipped (the
/// table is checked when an admin publishes it).
pub fn rules(table: &CodeTable) -> Vec<PatrolRule> {
    table
        .entries
        .iter()
        .filter_map(|e| {
            let (level, period) = e.code.split_once('.')?;
            Some(PatrolRule {
                level: [Level::City, Level::County, Level::Town, Level::Village]
                    .into_iter()
                    .find(|l| l.as_str() == level)?,
                period: Period::parse(period)?,
                times: e.name_zh.trim().parse().ok()?,
            })
        })
        .collect()
}

/// A chief's standing against the rule of his level in the period containing a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Compliance {
    pub required: u32,
    pub done: u32,
    /// Fewer patrols than required so far in the period.
    pub behind: bool,
}

/// The rules grouped by the period each counts in around `day` (so that what is counted per
/// period is counted once), earliest period first.
pub fn by_period(
    rules: &[PatrolRule],
    day: NaiveDate,
) -> Vec<((NaiveDate, NaiveDate), Vec<PatrolRule>)> {
    let mut out: Vec<((NaiveDate, NaiveDate), Vec<PatrolRule>)> = Vec::new();
    for r in rules {
        let bounds = r.period.bounds(day);
        match out.iter_mut().find(|(b, _)| *b == bounds) {
            Some((_, group)) => group.push(*r),
            None => out.push((bounds, vec![*r])),
        }
    }
    out.sort_by_key(|(b, _)| *b);
    out
}

/// The standing of a grid of `level` that did `done` in a period, if a rule of that period
/// covers the level.
pub fn standing(rules_of_period: &[PatrolRule], level: Level, done: i64) -> Option<Compliance> {
    let rule = rules_of_period.iter().find(|r| r.level == level)?;
    Some(compliance(rule, u32::try_from(done).unwrap_or(u32::MAX)))
}

pub fn compliance(rule: &PatrolRule, done: u32) -> Compliance {
    Compliance {
        required: rule.times,
        done,
        behind: done < rule.times,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::default_tables;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn actions_follow_the_patrol_and_repeat_safely() {
        use PatrolAction as A;
        use PatrolState as S;
        assert_eq!(transition(S::Active, A::Pause), Ok(S::Paused));
        assert_eq!(transition(S::Paused, A::Pause), Ok(S::Paused));
        assert_eq!(transition(S::Paused, A::Resume), Ok(S::Active));
        assert_eq!(transition(S::Active, A::End), Ok(S::Ended));
        assert_eq!(transition(S::Ended, A::End), Ok(S::Ended));
        assert!(transition(S::Ended, A::Resume).is_err());
        assert_eq!(PatrolKind::of_role(Role::Chief), Some(PatrolKind::Chief));
        assert_eq!(PatrolKind::of_role(Role::Office), None);
    }

    #[test]
    fn periods_and_the_default_rules() {
        assert_eq!(
            Period::Month.bounds(day("2026-11-29")),
            (day("2026-11-01"), day("2026-12-01"))
        );
        assert_eq!(
            Period::Month.bounds(day("2026-12-05")),
            (day("2026-12-01"), day("2027-01-01"))
        );
        assert_eq!(
            Period::Quarter.bounds(day("2026-11-29")),
            (day("2026-10-01"), day("2027-01-01"))
        );
        assert_eq!(
            Period::Quarter.bounds(day("2026-02-01")),
            (day("2026-01-01"), day("2026-04-01"))
        );
        assert_eq!(
            Period::Year.bounds(day("2026-07-01")),
            (day("2026-01-01"), day("2027-01-01"))
        );
        let table = default_tables()
            .into_iter()
            .find(|t| t.name == RULE_TABLE)
            .expect("table");
        let rules = rules(&table);
        assert_eq!(rules.len(), 4);
        let village = rules
            .iter()
            .find(|r| r.level == Level::Village)
            .expect("village");
        assert_eq!((village.times, village.period), (1, Period::Month));
        assert!(compliance(village, 0).behind);
        let grouped = by_period(&rules, day("2026-11-29"));
        assert_eq!(grouped.len(), 3, "month, quarter and year");
        let (month, of_month) = &grouped
            .iter()
            .find(|(b, _)| b.0 == day("2026-11-01"))
            .expect("month");
        assert_eq!(month.1, day("2026-12-01"));
        assert_eq!(
            standing(of_month, Level::Village, 1).map(|c| c.behind),
            Some(false)
        );
        assert_eq!(
            standing(of_month, Level::Town, 0),
            None,
            "towns count by quarter"
        );
        assert!(!compliance(village, 1).behind);
        let city = rules.iter().find(|r| r.level == Level::City).expect("city");
        assert_eq!((city.times, city.period), (2, Period::Year));
        let meetings = default_tables()
            .into_iter()
            .find(|t| t.name == MEETING_RULE_TABLE)
            .expect("table");
        let town = super::rules(&meetings)
            .into_iter()
            .find(|r| r.level == Level::Town)
            .expect("town");
        assert_eq!((town.times, town.period), (2, Period::Year));
    }
}
