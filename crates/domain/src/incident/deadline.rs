//! Time limits (处置时限) per incident kind and priority, and when an incident is overdue.
//!
//! The limits are data: the `incident_deadline` code table, editable by admins like any other
//! table. Each entry's code is `<kind>.<priority>` (`fire.urgent`) or `*.<priority>` for every
//! kind without its own entry, and its `name_zh` is the number of hours, a positive whole number
//! (the description explains the entry). The `*` entries for all four priorities are required.
//! The limit runs from the report, or from the last escalation, until the incident is resolved.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::{DEADLINE_TABLE, IncidentState, Priority};
use crate::codes::{CodeTable, default_tables};

/// The longest limit accepted: ten years.
const MAX_HOURS: i64 = 10 * 366 * 24;

/// Why an `incident_deadline` table is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineRuleError {
    #[error("code {0:?} is not <kind>.<priority> or *.<priority>")]
    BadCode(String),
    #[error("the hours for {code:?} must be a whole number from 1 to {MAX_HOURS}, found {value:?}")]
    BadHours { code: String, value: String },
    #[error("no default time limit \"*.{0}\"")]
    MissingDefault(Priority),
}

/// The time limits of one version of the `incident_deadline` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules {
    /// Hours for every kind without its own entry, by priority.
    any: BTreeMap<Priority, i64>,
    /// Hours for a kind and priority.
    by_kind: BTreeMap<(String, Priority), i64>,
}

impl DeadlineRules {
    /// Reads a version of the `incident_deadline` table; use it to check an edit before it is
    /// published as well as to load the current version.
    pub fn from_table(table: &CodeTable) -> Result<Self, DeadlineRuleError> {
        let mut any = BTreeMap::new();
        let mut by_kind = BTreeMap::new();
        for e in &table.entries {
            let bad_code = || DeadlineRuleError::BadCode(e.code.clone());
            let (kind, priority) = e.code.rsplit_once('.').ok_or_else(bad_code)?;
            let priority = Priority::parse(priority).ok_or_else(bad_code)?;
            if kind.is_empty() {
                return Err(bad_code());
            }
            let hours = e
                .name_zh
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|h| (1..=MAX_HOURS).contains(h))
                .ok_or_else(|| DeadlineRuleError::BadHours {
                    code: e.code.clone(),
                    value: e.name_zh.clone(),
                })?;
            if kind == "*" {
                any.insert(priority, hours);
            } else {
                by_kind.insert((kind.to_owned(), priority), hours);
            }
        }
        if let Some(p) = Priority::ALL.into_iter().find(|p| !any.contains_key(p)) {
            return Err(DeadlineRuleError::MissingDefault(p));
        }
        Ok(Self { any, by_kind })
    }

    /// The limits every new database starts with (`data/code_tables.json`).
    pub fn defaults() -> Self {
        default_tables()
            .iter()
            .find(|t| t.name == DEADLINE_TABLE)
            .map(DeadlineRules::from_table)
            .and_then(Result::ok)
            .unwrap_or_else(|| unreachable!("the embedded incident_deadline table is valid"))
    }

    /// How long an incident of `kind` and `priority` may take from report (or escalation) to
    /// resolution.
    pub fn due_within(&self, kind: &str, priority: Priority) -> Duration {
        let hours = self
            .by_kind
            .get(&(kind.to_owned(), priority))
            .or_else(|| self.any.get(&priority))
            .copied()
            .unwrap_or(MAX_HOURS);
        Duration::hours(hours)
    }
}

/// Whether an incident in `state`, whose limit of `due` started at `since` (the report or the
/// last escalation), is overdue at `now`. Resolved-or-later and terminal incidents never are;
/// at exactly the limit an incident is not yet overdue.
pub fn is_overdue(
    state: IncidentState,
    since: DateTime<Utc>,
    due: Duration,
    now: DateTime<Utc>,
) -> bool {
    if state.stops_clock() {
        return false;
    }
    since
        .checked_add_signed(due)
        .is_some_and(|limit| now > limit)
}

/// Whether the system should escalate an incident on its own (超时自动上报): it is overdue and
/// its grid has a level above. An overdue city-level incident stays where it is.
pub fn should_auto_escalate(
    state: IncidentState,
    level: crate::grid::Level,
    since: DateTime<Utc>,
    due: Duration,
    now: DateTime<Utc>,
) -> bool {
    level != crate::grid::Level::City && is_overdue(state, since, due, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CodeEntry;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn entry(code: &str, hours: &str) -> CodeEntry {
        CodeEntry {
            code: code.into(),
            name_zh: hours.into(),
            name_en: hours.into(),
            description: None,
        }
    }

    fn table(entries: Vec<CodeEntry>) -> CodeTable {
        CodeTable {
            name: DEADLINE_TABLE.into(),
            title_zh: "时限".into(),
            title_en: "Limits".into(),
            entries,
        }
    }

    #[test]
    fn default_limits_follow_kind_then_priority() {
        let rules = DeadlineRules::defaults();
        assert_eq!(
            rules.due_within("fire", Priority::Urgent),
            Duration::hours(1)
        );
        assert_eq!(rules.due_within("sos", Priority::Low), Duration::hours(1));
        assert_eq!(
            rules.due_within("pest", Priority::Urgent),
            Duration::hours(4)
        );
        assert_eq!(
            rules.due_within("pest", Priority::High),
            Duration::hours(24)
        );
        assert_eq!(
            rules.due_within("illegal_logging", Priority::Normal),
            Duration::hours(72)
        );
        assert_eq!(
            rules.due_within("other", Priority::Low),
            Duration::hours(168)
        );
        // A kind added to the kind table later falls back to the defaults.
        assert_eq!(
            rules.due_within("flood", Priority::High),
            Duration::hours(24)
        );
    }

    #[test]
    fn edited_tables_are_checked() {
        let defaults = || {
            vec![
                entry("*.urgent", "4"),
                entry("*.high", "24"),
                entry("*.normal", "72"),
                entry("*.low", "168"),
            ]
        };
        let mut edited = defaults();
        edited.push(entry("poaching.normal", " 12 "));
        let rules = DeadlineRules::from_table(&table(edited)).expect("valid");
        assert_eq!(
            rules.due_within("poaching", Priority::Normal),
            Duration::hours(12)
        );
        assert_eq!(
            rules.due_within("fire", Priority::Urgent),
            Duration::hours(4)
        );

        let with = |e: CodeEntry| {
            let mut v = defaults();
            v.push(e);
            DeadlineRules::from_table(&table(v))
        };
        assert_eq!(
            with(entry("fire", "1")),
            Err(DeadlineRuleError::BadCode("fire".into()))
        );
        assert_eq!(
            with(entry("fire.critical", "1")),
            Err(DeadlineRuleError::BadCode("fire.critical".into()))
        );
        assert_eq!(
            with(entry(".low", "1")),
            Err(DeadlineRuleError::BadCode(".low".into()))
        );
        for bad in ["0", "-3", "1.5", "一小时", "999999"] {
            assert_eq!(
                with(entry("fire.low", bad)),
                Err(DeadlineRuleError::BadHours {
                    code: "fire.low".into(),
                    value: bad.into()
                })
            );
        }
        let mut missing = defaults();
        missing.remove(2);
        assert_eq!(
            DeadlineRules::from_table(&table(missing)),
            Err(DeadlineRuleError::MissingDefault(Priority::Normal))
        );
    }

    #[test]
    fn overdue_only_while_the_clock_runs_and_after_the_limit() {
        let since = at("2025-03-01T08:00:00Z");
        let due = Duration::hours(4);
        let before = at("2025-03-01T11:59:59Z");
        let exactly = at("2025-03-01T12:00:00Z");
        let after = at("2025-03-01T12:00:01Z");
        for state in [
            IncidentState::Reported,
            IncidentState::Accepted,
            IncidentState::Assigned,
            IncidentState::InProgress,
            IncidentState::Escalated,
        ] {
            assert!(!is_overdue(state, since, due, before), "{state}");
            assert!(!is_overdue(state, since, due, exactly), "{state}");
            assert!(is_overdue(state, since, due, after), "{state}");
        }
        for state in [
            IncidentState::Resolved,
            IncidentState::Verified,
            IncidentState::Closed,
            IncidentState::Rejected,
            IncidentState::Duplicate,
        ] {
            assert!(
                !is_overdue(state, since, due, at("2030-01-01T00:00:00Z")),
                "{state}"
            );
        }
    }

    #[test]
    fn a_fire_is_overdue_within_the_hour_a_pest_is_not() {
        let rules = DeadlineRules::defaults();
        let since = at("2025-04-04T10:00:00Z");
        let now = at("2025-04-04T11:30:00Z");
        let fire = rules.due_within("fire", Priority::Urgent);
        let pest = rules.due_within("pest", Priority::Urgent);
        assert!(is_overdue(IncidentState::Reported, since, fire, now));
        assert!(!is_overdue(IncidentState::Reported, since, pest, now));
    }

    #[test]
    fn overdue_incidents_escalate_on_their_own_except_at_the_city() {
        use crate::grid::Level;
        let since = at("2026-06-01T08:00:00Z");
        let late = at("2026-06-01T09:00:01Z");
        let hour = Duration::hours(1);
        assert!(should_auto_escalate(
            IncidentState::Assigned,
            Level::Village,
            since,
            hour,
            late
        ));
        assert!(!should_auto_escalate(
            IncidentState::Assigned,
            Level::City,
            since,
            hour,
            late
        ));
        assert!(!should_auto_escalate(
            IncidentState::Resolved,
            Level::Town,
            since,
            hour,
            late
        ));
        assert!(!should_auto_escalate(
            IncidentState::Reported,
            Level::Town,
            since,
            hour,
            since + hour
        ));
    }
}
