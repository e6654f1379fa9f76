//! Share of an area that patrols came close to (巡护覆盖率).

use std::ops::Range;

use geo::{BoundingRect, Coord, Distance, Euclidean, LineString, MapCoords, MultiPolygon, Point};

use super::TrackPoint;

/// WGS84 semi-major axis, metres.
const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// Rows per `within_m` of north–south extent.
const ROWS_PER_WITHIN: f64 = 16.0;
/// Upper bound on the number of rows (memory and time for very tall areas).
const MAX_ROWS: u32 = 200_000;

/// Share (0..=1) of the surface of `area` that lies within `within_m` metres
/// of a segment of any of `tracks`.
///
/// Each track is a sequence of points (as returned by
/// [`filter`](fn@super::filter)); consecutive points are joined by segments
/// and a track of a single point counts as that point. Overlaps between
/// tracks count once. Returns 0 when `area` has no surface, `within_m` is not
/// a positive number or there are no tracks.
///
/// # Method
///
/// The area is cut into rows along parallels, at most `within_m / 16` apart
/// (fewer rows, at most 200 000, for areas taller than 200 000 of those).
/// On each row's central parallel, the part inside `area` (even–odd rule
/// over all rings, so holes are left out) and the part within `within_m` of
/// a segment are computed exactly, as intervals, in a plane tangent to the
/// WGS84 ellipsoid at that latitude (east–west scale `N·cos φ`, north–south
/// scale `M`). The share is the covered length over the inside length, each
/// row weighted by its height in metres, so large areas are not skewed by
/// the convergence of meridians.
///
/// # Error
///
/// Only the north–south direction is sampled (midpoint rule), which is exact
/// where boundaries run straight through a row. Errors come from boundary
/// pieces that begin, end or turn within a row and are at most about one row
/// height (`within_m / 16`) times the east–west extent of such pieces. The
/// worst case is a long straight east–west track: each of the two long edges
/// of its covered band may be off by up to half a row, so its coverage may be
/// off by up to `within_m / 16` out of `2·within_m`, about 3 % (relative).
/// For north–south and winding tracks the error is far below 1 % (see the
/// tests). Area edges and track segments are taken as straight in
/// longitude/latitude rather than as geodesics: for a 10 km east–west segment
/// at 31.5°N the two differ by about a metre, and GPS segments are much
/// shorter. Areas crossing the antimeridian are not supported.
///
/// Time is proportional to the number of rows plus, for each area edge and
/// track segment, the number of rows it spans.
pub fn coverage(area: &MultiPolygon<f64>, tracks: &[&[TrackPoint]], within_m: f64) -> f64 {
    if !(within_m.is_finite() && within_m > 0.0) {
        return 0.0;
    }
    let Some(bbox) = area.bounding_rect() else {
        return 0.0;
    };
    let grid = Rows::new(bbox.min(), bbox.max(), within_m);
    let Some(grid) = grid else {
        return 0.0;
    };

    let mut crossings: Vec<Vec<f64>> = vec![Vec::new(); grid.len()];
    let rings = area
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for ring in rings {
        for line in ring.lines() {
            let (p, q) = (line.start, line.end);
            for j in grid.rows_between(p.y.min(q.y), p.y.max(q.y)) {
                let c = grid.lat(j);
                if (p.y <= c) != (q.y <= c) {
                    crossings[j].push(p.x + (c - p.y) * (q.x - p.x) / (q.y - p.y));
                }
            }
        }
    }

    let mut covered: Vec<Vec<(f64, f64)>> = vec![Vec::new(); grid.len()];
    // Degrees of latitude per metre are largest at the equator.
    let margin_deg = within_m / meridian_m_per_deg(0.0);
    for track in tracks {
        let segments = track
            .windows(2)
            .map(|w| (w[0], w[1]))
            .chain(track.first().filter(|_| track.len() == 1).map(|&p| (p, p)));
        for (a, b) in segments {
            if ![a.lon, a.lat, b.lon, b.lat].iter().all(|v| v.is_finite()) {
                continue;
            }
            let (lo, hi) = (a.lat.min(b.lat) - margin_deg, a.lat.max(b.lat) + margin_deg);
            for j in grid.rows_between(lo, hi) {
                let project = |p: &TrackPoint| Coord {
                    x: (p.lon - grid.lon_ref) * grid.kx[j],
                    y: (p.lat - grid.lat(j)) * grid.ky[j],
                };
                if let Some(slice) = capsule_slice(project(&a), project(&b), within_m) {
                    covered[j].push(slice);
                }
            }
        }
    }

    let (mut covered_area, mut inside_area) = (0.0, 0.0);
    for j in 0..grid.len() {
        let row = &mut crossings[j];
        row.sort_by(f64::total_cmp);
        let inside: Vec<(f64, f64)> = row
            .chunks_exact(2)
            .map(|c| {
                let x = |lon: f64| (lon - grid.lon_ref) * grid.kx[j];
                (x(c[0]), x(c[1]))
            })
            .collect();
        let merged = merge(&mut covered[j]);
        let inside_len: f64 = inside.iter().map(|(a, b)| b - a).sum();
        inside_area += inside_len * grid.ky[j];
        covered_area += intersection_len(&inside, &merged) * grid.ky[j];
    }
    if inside_area > 0.0 {
        (covered_area / inside_area).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Whether any part of `track` comes within `within_m` metres of `area` (or runs inside it):
/// the patrols that count for an area, found without computing a coverage for each. Distances
/// are measured in a plane tangent to the WGS84 ellipsoid at the middle of the area, exact to
/// well under 1 % across a county.
pub fn comes_within(area: &MultiPolygon<f64>, track: &[TrackPoint], within_m: f64) -> bool {
    let finite: Vec<&TrackPoint> = track
        .iter()
        .filter(|p| p.lon.is_finite() && p.lat.is_finite())
        .collect();
    let (Some(bbox), false) = (area.bounding_rect(), finite.is_empty()) else {
        return false;
    };
    if !(within_m.is_finite() && within_m >= 0.0) {
        return false;
    }
    let centre = bbox.center();
    let (kx, ky) = (parallel_m_per_deg(centre.y), meridian_m_per_deg(centre.y));
    let project = |c: Coord| Coord {
        x: (c.x - centre.x) * kx,
        y: (c.y - centre.y) * ky,
    };
    let line: Vec<Coord> = finite
        .iter()
        .map(|p| project(Coord { x: p.lon, y: p.lat }))
        .collect();
    // Cheap rejection: the track's box, grown by the distance, misses the area's box.
    let (lo, hi) = (project(bbox.min()), project(bbox.max()));
    let fold = |f: fn(f64, f64) -> f64, axis: fn(&Coord) -> f64, start: f64| {
        line.iter().map(axis).fold(start, f)
    };
    let (min_x, max_x) = (
        fold(f64::min, |c| c.x, f64::INFINITY),
        fold(f64::max, |c| c.x, f64::NEG_INFINITY),
    );
    let (min_y, max_y) = (
        fold(f64::min, |c| c.y, f64::INFINITY),
        fold(f64::max, |c| c.y, f64::NEG_INFINITY),
    );
    if max_x + within_m < lo.x
        || min_x - within_m > hi.x
        || max_y + within_m < lo.y
        || min_y - within_m > hi.y
    {
        return false;
    }
    let plane = area.map_coords(project);
    let distance = if line.len() == 1 {
        Euclidean.distance(&Point(line[0]), &plane)
    } else {
        Euclidean.distance(&LineString::new(line), &plane)
    };
    distance <= within_m
}

/// Rows along parallels, evenly spaced in latitude over a bounding box.
struct Rows {
    /// Latitude of the bounding box's southern edge.
    lat0: f64,
    /// Row height, degrees of latitude.
    dlat: f64,
    /// Longitude from which east–west metres are counted.
    lon_ref: f64,
    /// Metres per degree of longitude on each row's central parallel.
    kx: Vec<f64>,
    /// Metres per degree of latitude on each row's central parallel.
    ky: Vec<f64>,
}

impl Rows {
    fn new(min: Coord, max: Coord, within_m: f64) -> Option<Self> {
        let height_deg = max.y - min.y;
        if !(height_deg > 0.0 && max.x > min.x) {
            return None;
        }
        let height_m = height_deg * meridian_m_per_deg(f64::midpoint(min.y, max.y));
        let wanted = (height_m * ROWS_PER_WITHIN / within_m).ceil();
        let n = u32::try_from(to_index(wanted.clamp(1.0, f64::from(MAX_ROWS)))).unwrap_or(MAX_ROWS);
        let dlat = height_deg / f64::from(n);
        let mut rows = Self {
            lat0: min.y,
            dlat,
            lon_ref: min.x,
            kx: Vec::new(),
            ky: Vec::new(),
        };
        (rows.kx, rows.ky) = (0..n)
            .map(|j| {
                let lat = rows.lat0 + (f64::from(j) + 0.5) * dlat;
                (parallel_m_per_deg(lat), meridian_m_per_deg(lat))
            })
            .unzip();
        Some(rows)
    }

    fn len(&self) -> usize {
        self.ky.len()
    }

    /// Latitude of row `j`'s central parallel.
    fn lat(&self, j: usize) -> f64 {
        // Row indices are below MAX_ROWS, so they fit in u32.
        let j = u32::try_from(j).unwrap_or(MAX_ROWS);
        self.lat0 + (f64::from(j) + 0.5) * self.dlat
    }

    /// Indices of the rows whose central parallel may lie within `lo..=hi`
    /// (a row or so more on each side; callers test exactly).
    fn rows_between(&self, lo: f64, hi: f64) -> Range<usize> {
        let index = |lat: f64| to_index(((lat - self.lat0) / self.dlat).floor()).min(self.len());
        index(lo).saturating_sub(1)..(index(hi) + 2).min(self.len())
    }
}

/// Round `x` towards zero to an index, saturating at 0 and 10^15 (NaN gives 0).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_index(x: f64) -> usize {
    // Within 0..=1e15 the conversion is exact for integral values.
    x.clamp(0.0, 1e15) as usize
}

/// `(M, N)` radii of curvature of the WGS84 ellipsoid at `lat` degrees.
fn radii(lat: f64) -> (f64, f64) {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let s = lat.to_radians().sin();
    let w = 1.0 - e2 * s * s;
    (WGS84_A * (1.0 - e2) / (w * w.sqrt()), WGS84_A / w.sqrt())
}

/// Metres per degree of latitude at `lat`.
fn meridian_m_per_deg(lat: f64) -> f64 {
    radii(lat).0.to_radians()
}

/// Metres per degree of longitude along the parallel `lat`.
fn parallel_m_per_deg(lat: f64) -> f64 {
    (radii(lat).1 * lat.to_radians().cos()).to_radians()
}

/// The interval of the line `y = 0` within `w` of the segment `a`–`b`
/// (a capsule, which is convex, so the slice is a single interval).
fn capsule_slice(a: Coord, b: Coord, w: f64) -> Option<(f64, f64)> {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut add = |x0: f64, x1: f64| {
        if x0 <= x1 {
            lo = lo.min(x0);
            hi = hi.max(x1);
        }
    };
    // The discs around the ends.
    for p in [a, b] {
        if p.y.abs() <= w {
            let h = (w * w - p.y * p.y).sqrt();
            add(p.x - h, p.x + h);
        }
    }
    // The rectangle around the segment: projection onto it within the
    // segment, and distance to its line at most `w`.
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 > 0.0 {
        let along = if dx == 0.0 {
            let t = -a.y * dy / len2;
            (0.0..=1.0)
                .contains(&t)
                .then_some((f64::NEG_INFINITY, f64::INFINITY))
        } else {
            let x_at = |t: f64| a.x + (t * len2 + a.y * dy) / dx;
            Some(ordered(x_at(0.0), x_at(1.0)))
        };
        let reach = w * len2.sqrt();
        let across = if dy == 0.0 {
            ((dx * a.y).abs() <= reach).then_some((f64::NEG_INFINITY, f64::INFINITY))
        } else {
            let x_at = |cross: f64| a.x + (-dx * a.y - cross) / dy;
            Some(ordered(x_at(reach), x_at(-reach)))
        };
        if let (Some(along), Some(across)) = (along, across) {
            add(along.0.max(across.0), along.1.min(across.1));
        }
    }
    (lo <= hi).then_some((lo, hi))
}

fn ordered(a: f64, b: f64) -> (f64, f64) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Sort and merge overlapping intervals.
fn merge(intervals: &mut [(f64, f64)]) -> Vec<(f64, f64)> {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(intervals.len());
    for &(a, b) in intervals.iter() {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Total length of the intersection of two sorted lists of disjoint
/// intervals.
fn intersection_len(a: &[(f64, f64)], b: &[(f64, f64)]) -> f64 {
    let (mut i, mut k, mut total) = (0, 0, 0.0);
    while i < a.len() && k < b.len() {
        let lo = a[i].0.max(b[k].0);
        let hi = a[i].1.min(b[k].1);
        if hi > lo {
            total += hi - lo;
        }
        if a[i].1 < b[k].1 {
            i += 1;
        } else {
            k += 1;
        }
    }
    total
}
