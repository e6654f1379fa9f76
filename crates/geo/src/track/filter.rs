//! Cleaning an uploaded track: sort by time, drop duplicates, noise and jumps.

use super::{TrackPoint, distance_m};

/// Thresholds for [`filter`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FilterRules {
    /// Highest believable speed between two kept points, m/s. Default 85 m/s
    /// (306 km/h): faster than any patrol, even by car or motorbike.
    pub max_speed_mps: f64,
    /// Worst accepted device accuracy (radius), metres. Default 50 m. Points
    /// without a reported accuracy are accepted.
    pub max_accuracy_m: f64,
    /// Points closer than this to the last kept point are dropped (GPS jitter
    /// while standing still), metres. Default 0: keep every point.
    pub min_step_m: f64,
}

impl Default for FilterRules {
    fn default() -> Self {
        Self {
            max_speed_mps: 85.0,
            max_accuracy_m: 50.0,
            min_step_m: 0.0,
        }
    }
}

/// Why [`filter`] dropped a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rejection {
    /// Longitude or latitude is not a finite number within -180..=180 and
    /// -90..=90 degrees, or the reported accuracy is negative or NaN.
    OutOfRange,
    /// The device reported an accuracy worse than
    /// [`FilterRules::max_accuracy_m`].
    Accuracy {
        /// The reported accuracy, metres.
        accuracy_m: f64,
    },
    /// Another point has the same timestamp (a retried or duplicated upload,
    /// or a device that repeats its last fix). The first such point in input
    /// order that passed the range and accuracy checks is the one considered.
    Duplicate {
        /// Input index of the point with the same timestamp that was
        /// considered instead.
        of: usize,
    },
    /// Reaching this point from the last kept one (or, for a rejected first
    /// point, from the next point) would take a speed above
    /// [`FilterRules::max_speed_mps`].
    Jump {
        /// The implied speed, m/s.
        speed_mps: f64,
    },
    /// Closer than [`FilterRules::min_step_m`] to the last kept point.
    TooClose {
        /// Distance to the last kept point, metres.
        distance_m: f64,
    },
}

/// A dropped point, with its position in the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rejected {
    /// Zero-based index in the input slice.
    pub index: usize,
    /// The point itself.
    pub point: TrackPoint,
    /// Why it was dropped.
    pub reason: Rejection,
}

/// The outcome of [`filter`]: every input point is either kept or rejected,
/// exactly once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterResult {
    /// The kept points, strictly increasing in time.
    pub kept: Vec<TrackPoint>,
    /// Input index of each kept point (same order as `kept`).
    pub kept_indices: Vec<usize>,
    /// The dropped points, in input order.
    pub rejected: Vec<Rejected>,
}

/// Clean an uploaded track.
///
/// Steps, in order:
/// 1. points with invalid coordinates are rejected as
///    [`OutOfRange`](Rejection::OutOfRange), points with an accuracy worse
///    than the rule as [`Accuracy`](Rejection::Accuracy);
/// 2. the rest are sorted by time (out-of-order input is normal after an
///    offline queue syncs, so it is reordered, not rejected); of several
///    points with the same timestamp only the first in input order is
///    considered, the others are [`Duplicate`](Rejection::Duplicate)s;
/// 3. walking forward in time, each point is compared with the **last kept
///    point**, not with its predecessor: a point whose implied speed exceeds
///    the rule is a [`Jump`](Rejection::Jump), one closer than
///    [`FilterRules::min_step_m`] is [`TooClose`](Rejection::TooClose).
///    Comparing with the last kept point means one outlier does not poison
///    the good points after it: they are measured from the point before it.
///
/// **The first point** has nothing to be compared with, so it gets a
/// look-ahead: while the first remaining point is a jump away from *both* of
/// the next two points, it is rejected as a [`Jump`](Rejection::Jump) (with
/// the speed to the next point) and the next point becomes the first. Thus a
/// single outlier (or a few outliers far from each other) at the start of a
/// track is dropped instead of causing all the good points to be rejected.
/// Limits: with only two points that disagree, the first is kept and the
/// second rejected (there is no telling which is wrong); a *cluster* of two
/// or more consistent outliers at the very start is taken as the track's
/// start, and the good points after it are rejected. Cold-start fixes from
/// Wi-Fi or cell towers, the usual source of such clusters, report accuracies
/// of hundreds of metres and are removed by the accuracy rule first.
pub fn filter(points: &[TrackPoint], rules: &FilterRules) -> FilterResult {
    let mut result = FilterResult::default();
    let mut candidates: Vec<usize> = Vec::with_capacity(points.len());
    for (index, point) in points.iter().enumerate() {
        match check_point(point, rules) {
            Some(reason) => result.reject(points, index, reason),
            None => candidates.push(index),
        }
    }
    // Stable: among equal timestamps the first in input order comes first.
    candidates.sort_by_key(|&i| points[i].t);
    let mut unique: Vec<usize> = Vec::with_capacity(candidates.len());
    for i in candidates {
        match unique.last() {
            Some(&first) if points[first].t == points[i].t => {
                result.reject(points, i, Rejection::Duplicate { of: first });
            }
            _ => unique.push(i),
        }
    }

    let speed = |a: usize, b: usize| speed_mps(&points[a], &points[b]);
    let mut start = 0;
    while start + 2 < unique.len() {
        let (first, next, after) = (unique[start], unique[start + 1], unique[start + 2]);
        let to_next = speed(first, next);
        if to_next <= rules.max_speed_mps || speed(first, after) <= rules.max_speed_mps {
            break;
        }
        result.reject(points, first, Rejection::Jump { speed_mps: to_next });
        start += 1;
    }

    let mut last_kept: Option<usize> = None;
    for &i in &unique[start..] {
        if let Some(last) = last_kept {
            let distance_m = distance_m(&points[last], &points[i]);
            let speed_mps = distance_m / seconds_between(&points[last], &points[i]);
            if speed_mps > rules.max_speed_mps {
                result.reject(points, i, Rejection::Jump { speed_mps });
                continue;
            }
            if distance_m < rules.min_step_m {
                result.reject(points, i, Rejection::TooClose { distance_m });
                continue;
            }
        }
        result.kept.push(points[i]);
        result.kept_indices.push(i);
        last_kept = Some(i);
    }
    result.rejected.sort_by_key(|r| r.index);
    result
}

impl FilterResult {
    fn reject(&mut self, points: &[TrackPoint], index: usize, reason: Rejection) {
        self.rejected.push(Rejected {
            index,
            point: points[index],
            reason,
        });
    }
}

/// The reason to reject a point on its own, if any.
fn check_point(p: &TrackPoint, rules: &FilterRules) -> Option<Rejection> {
    let in_range = (-180.0..=180.0).contains(&p.lon) && (-90.0..=90.0).contains(&p.lat);
    match p.accuracy_m {
        _ if !in_range => Some(Rejection::OutOfRange),
        Some(a) if a.is_nan() || a < 0.0 => Some(Rejection::OutOfRange),
        Some(accuracy_m) if accuracy_m > rules.max_accuracy_m => {
            Some(Rejection::Accuracy { accuracy_m })
        }
        _ => None,
    }
}

/// Seconds from `a` to `b` (positive when `b` is later).
fn seconds_between(a: &TrackPoint, b: &TrackPoint) -> f64 {
    (b.t - a.t).as_seconds_f64()
}

/// Implied ground speed between two points with distinct timestamps, m/s.
fn speed_mps(a: &TrackPoint, b: &TrackPoint) -> f64 {
    distance_m(a, b) / seconds_between(a, b).abs()
}
