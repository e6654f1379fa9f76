//! Well-spread random points strictly inside a region.
//!
//! Distances are measured in a local equirectangular metric: longitude
//! differences are scaled by `cos(latitude)` at the middle of the region, so
//! that "well spread" means roughly the same on the ground east–west and
//! north–south.

use geo::{Area, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon, Rect};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Failed candidates in a row before the spacing rules are relaxed.
const FAILURES_BEFORE_RELAXING: usize = 200;
/// How much the spacing rules shrink at each relaxation.
const RELAX_FACTOR: f64 = 0.7;
/// Tries to hit a polygon when sampling inside its bounding box.
const TRIES_PER_CANDIDATE: usize = 1_000;
/// Candidates allowed overall, per point requested (plus a fixed budget).
const CANDIDATES_PER_POINT: usize = 20_000;

/// Draws points inside a fixed region.
pub(super) struct Sampler<'a> {
    polygons: Vec<(&'a Polygon<f64>, Rect<f64>)>,
    /// Cumulative planar area weights, one per polygon.
    cumulative: Vec<f64>,
    /// Scale applied to longitude differences (cos of the middle latitude).
    pub(super) kx: f64,
    /// Typical spacing of `n` evenly spread points, in scaled degrees.
    unit: f64,
}

impl<'a> Sampler<'a> {
    /// A sampler for `n` points in `region`; `None` if the region has no area.
    pub(super) fn new(region: &'a MultiPolygon<f64>, n: usize) -> Option<Self> {
        let rect = region.bounding_rect()?;
        let kx = f64::midpoint(rect.min().y, rect.max().y)
            .to_radians()
            .cos()
            .max(1e-6);
        let mut polygons = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for polygon in &region.0 {
            let area = polygon.unsigned_area();
            if let (Some(rect), true) = (polygon.bounding_rect(), area > 0.0) {
                total += area;
                polygons.push((polygon, rect));
                cumulative.push(total);
            }
        }
        if !(total.is_finite() && total > 0.0) {
            return None;
        }
        let unit = (total * kx / count_as_f64(n.max(1))).sqrt();
        Some(Self {
            polygons,
            cumulative,
            kx,
            unit,
        })
    }

    /// Draw `n` points strictly inside the region, in order.
    ///
    /// Each point keeps a distance of at least half the typical spacing from
    /// the others (including `existing`) and 15 % of it from the region's
    /// boundary; whenever these rules fail 200 times in a row they are
    /// relaxed by 30 %, so crowded or thin regions still get their points.
    /// Returns fewer than `n` points only if a huge candidate budget runs out.
    pub(super) fn sample(&self, rng: &mut ChaCha8Rng, n: usize, existing: &[Coord]) -> Vec<Coord> {
        let mut separation = 0.5 * self.unit;
        let mut margin = 0.15 * self.unit;
        let mut points: Vec<Coord> = Vec::with_capacity(n);
        let mut failures = 0;
        let budget = CANDIDATES_PER_POINT * (n + 1);
        for _ in 0..budget {
            if points.len() == n {
                break;
            }
            let accepted = self.candidate(rng).filter(|&(c, polygon)| {
                let spaced = existing
                    .iter()
                    .chain(&points)
                    .all(|&q| self.distance(c, q) >= separation && c != q);
                spaced && self.boundary_distance(c, polygon) >= margin
            });
            if let Some((c, _)) = accepted {
                points.push(c);
                failures = 0;
            } else {
                failures += 1;
                if failures >= FAILURES_BEFORE_RELAXING {
                    separation *= RELAX_FACTOR;
                    margin *= RELAX_FACTOR;
                    failures = 0;
                }
            }
        }
        points
    }

    /// A uniformly random point strictly inside one of the polygons (chosen
    /// by area), with that polygon's index.
    fn candidate(&self, rng: &mut ChaCha8Rng) -> Option<(Coord, usize)> {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let pick = rng.gen_range(0.0..1.0) * total;
        let index = self
            .cumulative
            .partition_point(|&c| c <= pick)
            .min(self.polygons.len() - 1);
        let (polygon, rect) = self.polygons[index];
        for _ in 0..TRIES_PER_CANDIDATE {
            let c = Coord {
                x: rect.min().x + rng.gen_range(0.0..1.0) * rect.width(),
                y: rect.min().y + rng.gen_range(0.0..1.0) * rect.height(),
            };
            if polygon.contains(&Point(c)) {
                return Some((c, index));
            }
        }
        None
    }

    /// Distance between two points in scaled degrees.
    pub(super) fn distance(&self, a: Coord, b: Coord) -> f64 {
        (self.kx * (a.x - b.x)).hypot(a.y - b.y)
    }

    /// Distance from `c` to the nearest ring of polygon `index`.
    fn boundary_distance(&self, c: Coord, index: usize) -> f64 {
        let polygon = self.polygons[index].0;
        std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .flat_map(LineString::lines)
            .map(|line| self.segment_distance(c, line.start, line.end))
            .fold(f64::INFINITY, f64::min)
    }

    fn segment_distance(&self, p: Coord, a: Coord, b: Coord) -> f64 {
        let (px, py) = (self.kx * (p.x - a.x), p.y - a.y);
        let (bx, by) = (self.kx * (b.x - a.x), b.y - a.y);
        let len2 = bx * bx + by * by;
        let t = if len2 > 0.0 {
            ((px * bx + py * by) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (px - t * bx).hypot(py - t * by)
    }
}

/// `n` as a float; counts here are far below 2^52 so this is exact.
#[expect(clippy::cast_precision_loss, reason = "point counts are small")]
fn count_as_f64(n: usize) -> f64 {
    n as f64
}
