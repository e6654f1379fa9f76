//! Time as a dependency, so rules that depend on "now" (lockouts, idle sessions, terms) can be
//! tested without waiting.

use std::sync::Mutex;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

/// Source of the current UTC time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The platform's civil time: the days, months and years of rules (a village chief's patrol a
/// month, a report due on the 10th, "today's tracks") are days of the city's calendar, not of
/// UTC. China keeps one zone without daylight saving, so a fixed offset is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(FixedOffset);

impl Zone {
    /// China Standard Time, UTC+08:00 (the default).
    pub fn china() -> Self {
        Self(FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset"))
    }

    /// An offset such as `+08:00`, `-05:00` or `Z`.
    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
            return FixedOffset::east_opt(0).map(Self);
        }
        s.parse::<FixedOffset>().ok().map(Self)
    }

    /// The calendar day at the instant.
    pub fn date(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The instant the day begins (local midnight).
    pub fn start_of(self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        (midnight - Duration::seconds(i64::from(self.0.local_minus_utc()))).and_utc()
    }

    /// The offset, as `+08:00`.
    pub fn offset(self) -> FixedOffset {
        self.0
    }
}

impl Default for Zone {
    fn default() -> Self {
        Self::china()
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; for tests and simulations.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("instant").to_utc()
    }

    #[test]
    fn days_are_the_citys_days() {
        let china = Zone::default();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        // 07:30 in Wuxi on 1 December is still 30 November in UTC.
        assert_eq!(china.date(at("2026-11-30T23:30:00Z")), d("2026-12-01"));
        assert_eq!(china.date(at("2026-11-30T15:59:59Z")), d("2026-11-30"));
        assert_eq!(china.start_of(d("2026-12-01")), at("2026-11-30T16:00:00Z"));
        assert_eq!(Zone::parse("+08:00"), Some(china));
        let utc = Zone::parse("Z").expect("utc");
        assert_eq!(utc.start_of(d("2026-12-01")), at("2026-12-01T00:00:00Z"));
        assert_eq!(
            Zone::parse("-05:00").map(|z| z.date(at("2026-12-01T03:00:00Z"))),
            Some(d("2026-11-30"))
        );
        assert_eq!(Zone::parse("8 hours"), None);
    }
}
