//! Ranger and chief patrol tracks (巡护轨迹): cleaning uploaded GPS points,
//! and a patrol's distance, duration and coverage of an area.
//!
//! Positions are longitude/latitude degrees of CGCS2000, treated as WGS84
//! (as in [`measure`](crate::measure)); distances are in metres on the
//! ellipsoid.
//!
//! - [`filter`](fn@filter): sort, de-duplicate and drop noise and jumps;
//! - [`length_m`], [`duration`], [`moving_time`]: per-patrol figures;
//! - [`coverage`](fn@coverage): share of an area within a distance of tracks.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use linzhang_geo::track::{FilterRules, TrackPoint, filter, length_m};
//!
//! let at = |s: i64, lat: f64| TrackPoint {
//!     t: Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap(),
//!     lon: 120.0,
//!     lat,
//!     accuracy_m: Some(5.0),
//!     speed_mps: None,
//! };
//! // A walk north with an 11 km jump in the middle, uploaded twice.
//! let upload = [at(0, 31.5), at(60, 31.5005), at(120, 31.6), at(180, 31.501)];
//! let twice: Vec<_> = upload.iter().chain(&upload).copied().collect();
//! let result = filter(&twice, &FilterRules::default());
//! assert_eq!(result.kept.len(), 3);
//! assert!((length_m(&result.kept) - 110.9).abs() < 0.1);
//! ```

mod coverage;
mod filter;

use chrono::{DateTime, Duration, Utc};
use geo::{Distance, Geodesic, Point};

pub use coverage::{comes_within, coverage};
pub use filter::{FilterResult, FilterRules, Rejected, Rejection, filter};

/// One GPS fix as recorded by a phone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    /// When the fix was taken (device time, UTC).
    pub t: DateTime<Utc>,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Horizontal accuracy reported by the device (radius, metres), if any.
    pub accuracy_m: Option<f64>,
    /// Ground speed reported by the device, m/s, if any. Carried along but
    /// not used by [`filter`](fn@filter), which trusts positions and times.
    pub speed_mps: Option<f64>,
}

impl TrackPoint {
    /// The position as a `geo` point (x = longitude, y = latitude).
    pub fn point(&self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

/// Geodesic distance between two points on the WGS84 ellipsoid, metres.
pub fn distance_m(a: &TrackPoint, b: &TrackPoint) -> f64 {
    Geodesic.distance(a.point(), b.point())
}

/// Length of the track in metres: the sum of the geodesic distances between
/// consecutive points, in the order given (use [`filter`](fn@filter) first so
/// that they are sorted by time and free of jumps). 0 for fewer than two
/// points.
pub fn length_m(points: &[TrackPoint]) -> f64 {
    points.windows(2).map(|w| distance_m(&w[0], &w[1])).sum()
}

/// Time from the earliest to the latest point, pauses included. Zero for an
/// empty track or a single point.
pub fn duration(points: &[TrackPoint]) -> Duration {
    let first = points.iter().map(|p| p.t).min();
    let last = points.iter().map(|p| p.t).max();
    match (first, last) {
        (Some(first), Some(last)) => last - first,
        _ => Duration::zero(),
    }
}

/// Time spent recording: the sum of the gaps between consecutive points
/// (in the order given) that are at most `pause_after` long. A longer gap
/// (the patrol was paused, or the phone recorded nothing) counts for nothing
/// at all, not even `pause_after`. Backward gaps (unsorted input) count for
/// nothing either.
pub fn moving_time(points: &[TrackPoint], pause_after: Duration) -> Duration {
    points
        .windows(2)
        .map(|w| w[1].t - w[0].t)
        .filter(|gap| *gap > Duration::zero() && *gap <= pause_after)
        .sum()
}

#[cfg(test)]
mod tests;
