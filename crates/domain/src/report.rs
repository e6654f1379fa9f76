//! Reports (报送, C8) and the technicians' service log (A7). Who must report how often, and by
//! when, is data: the `report_rule` code table, read with the period machinery of
//! [`crate::patrol`]. A report is sent to the reporter's own chief and to the office of the grid
//! above; its status compares the day it was submitted with its due day.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::codes::CodeTable;
use crate::grid::{GridCode, Level};
use crate::patrol::Period;

/// The code table of report duties: code `{level|any}.{reporter}.{period}`, name the number of
/// days after the last day of the period the report is due (negative: before it ends).
pub const REPORT_RULE_TABLE: &str = "report_rule";

/// The code table of the kinds of technicians' service (技术指导, 病虫害调查, 培训, 咨询答复 …).
pub const SERVICE_KIND_TABLE: &str = "service_kind";

/// Who owes a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reporter {
    /// 林长办: the office of a grid reports for the grid.
    Office,
    /// 林长: the chief of a grid reports for the grid.
    Chief,
    /// 技术员: each technician reports for himself.
    Technician,
}

impl Reporter {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Office => "office",
            Self::Chief => "chief",
            Self::Technician => "technician",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Office, Self::Chief, Self::Technician]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// The reporter a user of this role submits as; `None`: the role owes no reports.
    pub fn of_role(role: Role) -> Option<Self> {
        match role {
            Role::Office => Some(Self::Office),
            Role::Chief => Some(Self::Chief),
            Role::Technician => Some(Self::Technician),
            _ => None,
        }
    }
}

/// One duty to report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRule {
    /// The code in `report_rule`, e.g. `county.office.quarter`.
    pub code: String,
    /// The level of the grid that reports; `None`: any level (technicians).
    pub level: Option<Level>,
    pub reporter: Reporter,
    pub period: Period,
    /// Days after the last day of the period by which the report is due (negative: before).
    pub due_days: i64,
}

impl ReportRule {
    /// Whether the rule binds a reporter at a grid of this level.
    pub fn binds(&self, level: Level, reporter: Reporter) -> bool {
        self.reporter == reporter && self.level.is_none_or(|l| l == level)
    }

    /// The last day on which the report of the period starting `start` is on time.
    pub fn due(&self, start: NaiveDate) -> NaiveDate {
        let (_, end) = self.period.bounds(start);
        end - Duration::days(1) + Duration::days(self.due_days)
    }
}

/// Reads the report rules; entries that do not parse are skipped (the table is checked when an
/// admin publishes it).
pub fn rules(table: &CodeTable) -> Vec<ReportRule> {
    table
        .entries
        .iter()
        .filter_map(|e| {
            let mut parts = e.code.split('.');
            let (level, reporter, period) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            let level = if level == "any" {
                None
            } else {
                Some(
                    [Level::City, Level::County, Level::Town, Level::Village]
                        .into_iter()
                        .find(|l| l.as_str() == level)?,
                )
            };
            Some(ReportRule {
                code: e.code.clone(),
                level,
                reporter: Reporter::parse(reporter)?,
                period: Period::parse(period)?,
                due_days: e.name_zh.trim().parse().ok()?,
            })
        })
        .collect()
}

/// Where an expected report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Not submitted, and the due day has not passed.
    Due,
    /// Submitted on or before the due day.
    Submitted,
    /// Submitted after the due day.
    Late,
    /// Not submitted, and the due day has passed.
    Overdue,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Due => "due",
            Self::Submitted => "submitted",
            Self::Late => "late",
            Self::Overdue => "overdue",
        }
    }
}

/// The status of a report due on `due` (its last on-time day), submitted on `submitted` if at
/// all, as of `today`.
pub fn status(due: NaiveDate, submitted: Option<NaiveDate>, today: NaiveDate) -> ReportStatus {
    match submitted {
        Some(d) if d <= due => ReportStatus::Submitted,
        Some(_) => ReportStatus::Late,
        None if today > due => ReportStatus::Overdue,
        None => ReportStatus::Due,
    }
}

/// Days before the due day on which a report not yet submitted is reminded (催报).
pub const REMIND_DAYS_BEFORE: i64 = 3;
/// Days after the due day during which an overdue report is still reminded: a platform started
/// long after a due day does not send a flood of stale reminders.
pub const OVERDUE_REMINDER_DAYS: i64 = 7;

/// Which reminder about a report not yet submitted: each is sent once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderStage {
    /// The due day is near (临期提醒), told to the reporter.
    DueSoon,
    /// The due day has passed (逾期催报), told to the reporter and the receiving office.
    Overdue,
}

impl ReminderStage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::DueSoon, Self::Overdue]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// The reminder a report due on `due` and not submitted calls for on `today`: `DueSoon` from
/// [`REMIND_DAYS_BEFORE`] days before through the due day, `Overdue` for
/// [`OVERDUE_REMINDER_DAYS`] days after it, none otherwise.
pub fn reminder(due: NaiveDate, today: NaiveDate) -> Option<ReminderStage> {
    let days = (due - today).num_days();
    if (0..=REMIND_DAYS_BEFORE).contains(&days) {
        Some(ReminderStage::DueSoon)
    } else if (-OVERDUE_REMINDER_DAYS..0).contains(&days) {
        Some(ReminderStage::Overdue)
    } else {
        None
    }
}

/// A report a reporter owes for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub rule: ReportRule,
    /// `2026-Q3`, `2026-H2`, `2026`, `2026-11`.
    pub period_key: String,
    pub period_start: NaiveDate,
    /// The first day after the period.
    pub period_end: NaiveDate,
    pub due: NaiveDate,
}

/// Every report a reporter at a grid of `level` owes for the periods of `year`, by rule then
/// period.
pub fn expected(
    rules: &[ReportRule],
    level: Level,
    reporter: Reporter,
    year: i32,
) -> Vec<Expected> {
    rules
        .iter()
        .filter(|r| r.binds(level, reporter))
        .flat_map(|r| {
            r.period.starts_in_year(year).into_iter().map(|start| {
                let (_, end) = r.period.bounds(start);
                Expected {
                    rule: r.clone(),
                    period_key: r.period.key(start),
                    period_start: start,
                    period_end: end,
                    due: r.due(start),
                }
            })
        })
        .collect()
}

/// The rule a report for `period_key` by this reporter at a grid of `level` falls under, and
/// the period's first day: `None` when no rule asks for such a report.
pub fn rule_for<'a>(
    rules: &'a [ReportRule],
    level: Level,
    reporter: Reporter,
    period_key: &str,
) -> Option<(&'a ReportRule, NaiveDate)> {
    let (period, start) = Period::parse_key(period_key)?;
    rules
        .iter()
        .find(|r| r.binds(level, reporter) && r.period == period)
        .map(|r| (r, start))
}

/// Whom a grid's reports go to: its own chief, and the office of the grid above (none for the
/// city).
pub fn recipient_office(grid: &GridCode) -> Option<GridCode> {
    grid.implied_parent()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::default_tables;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn reminders_come_before_the_due_day_and_for_a_week_after() {
        let due = day("2026-07-10");
        assert_eq!(reminder(due, day("2026-07-06")), None);
        assert_eq!(
            reminder(due, day("2026-07-07")),
            Some(ReminderStage::DueSoon)
        );
        assert_eq!(
            reminder(due, day("2026-07-10")),
            Some(ReminderStage::DueSoon)
        );
        assert_eq!(
            reminder(due, day("2026-07-11")),
            Some(ReminderStage::Overdue)
        );
        assert_eq!(
            reminder(due, day("2026-07-17")),
            Some(ReminderStage::Overdue)
        );
        assert_eq!(reminder(due, day("2026-07-18")), None);
        for s in [ReminderStage::DueSoon, ReminderStage::Overdue] {
            assert_eq!(ReminderStage::parse(s.as_str()), Some(s));
        }
    }

    fn default_rules() -> Vec<ReportRule> {
        let table = default_tables()
            .into_iter()
            .find(|t| t.name == REPORT_RULE_TABLE)
            .expect("table");
        rules(&table)
    }

    #[test]
    fn period_keys_round_trip() {
        for (key, period, start) in [
            ("2026-Q3", Period::Quarter, "2026-07-01"),
            ("2026-H2", Period::HalfYear, "2026-07-01"),
            ("2026", Period::Year, "2026-01-01"),
            ("2026-11", Period::Month, "2026-11-01"),
        ] {
            assert_eq!(Period::parse_key(key), Some((period, day(start))));
            assert_eq!(period.key(day(start)), key);
        }
        for bad in ["2026-Q5", "2026-H0", "2026-13", "26", "2026-X1", "2026-1"] {
            assert_eq!(Period::parse_key(bad), None, "{bad}");
        }
        assert_eq!(
            Period::HalfYear.bounds(day("2026-11-29")),
            (day("2026-07-01"), day("2027-01-01"))
        );
        assert_eq!(Period::Quarter.starts_in_year(2026).len(), 4);
        assert_eq!(Period::Month.starts_in_year(2026).len(), 12);
    }

    #[test]
    fn statuses_on_the_boundaries_of_the_due_day() {
        let due = day("2026-10-10");
        assert_eq!(status(due, None, day("2026-10-10")), ReportStatus::Due);
        assert_eq!(status(due, None, day("2026-10-11")), ReportStatus::Overdue);
        assert_eq!(
            status(due, Some(day("2026-10-10")), day("2026-12-01")),
            ReportStatus::Submitted
        );
        assert_eq!(
            status(due, Some(day("2026-10-11")), day("2026-10-11")),
            ReportStatus::Late
        );
    }

    #[test]
    fn the_default_rules() {
        let rules = default_rules();
        let quarter = rule_for(&rules, Level::Town, Reporter::Office, "2026-Q3").expect("rule");
        assert_eq!(quarter.0.due(quarter.1), day("2026-10-10"), "10 days after");
        let (county_year, start) =
            rule_for(&rules, Level::County, Reporter::Office, "2026").expect("rule");
        assert_eq!(county_year.due(start), day("2026-12-20"), "before year end");
        assert!(rule_for(&rules, Level::Town, Reporter::Office, "2026").is_none());
        assert!(rule_for(&rules, Level::Village, Reporter::Office, "2026-Q3").is_none());
        let (monthly, start) =
            rule_for(&rules, Level::County, Reporter::Technician, "2026-11").expect("rule");
        assert_eq!(monthly.due(start), day("2026-12-05"));
        let (half, start) =
            rule_for(&rules, Level::City, Reporter::Chief, "2026-H1").expect("rule");
        assert_eq!(half.due(start), day("2026-07-15"));

        let county = expected(&rules, Level::County, Reporter::Office, 2026);
        assert_eq!(county.len(), 5, "four quarters and the year");
        assert_eq!(
            county
                .iter()
                .map(|e| e.period_key.as_str())
                .collect::<Vec<_>>(),
            ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "2026"]
        );
        let q4 = &county[3];
        assert_eq!(
            (q4.due, q4.period_end),
            (day("2027-01-10"), day("2027-01-01"))
        );
        assert_eq!(
            expected(&rules, Level::Town, Reporter::Chief, 2026).len(),
            2
        );
        assert_eq!(
            expected(&rules, Level::Village, Reporter::Office, 2026).len(),
            0
        );
        assert_eq!(
            expected(&rules, Level::Town, Reporter::Technician, 2026).len(),
            12
        );
        assert_eq!(Reporter::of_role(Role::Ranger), None);
        assert_eq!(
            recipient_office(&GridCode::parse("320205").expect("code")),
            GridCode::parse("320200").ok()
        );
    }
}
