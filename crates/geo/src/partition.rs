//! Deterministic random partition of an area into Voronoi cells, e.g. to
//! split a district into the responsibility areas of its forest chiefs.

mod sample;

use geo::{Area, BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Point, Polygon};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::validate::orient;
use sample::Sampler;

/// How many times an empty cell's site is re-drawn before giving up.
const MAX_SITE_RETRIES: usize = 20;

/// `n` random points strictly inside `region`, deterministic for a given
/// `seed` (`ChaCha8`).
///
/// Points are spread out: each keeps about half the typical spacing of `n`
/// evenly spread points from the others and some distance from the region's
/// boundary (these rules relax gradually if the region is too crowded or
/// thin). Larger polygons of a multipolygon get proportionally more points.
/// Returns an empty `Vec` if `region` has no area, and fewer than `n` points
/// only for pathological regions that random candidates almost never hit.
pub fn sample_points_inside(region: &MultiPolygon<f64>, n: usize, seed: u64) -> Vec<Point<f64>> {
    let Some(sampler) = Sampler::new(region, n) else {
        return Vec::new();
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    sampler
        .sample(&mut rng, n, &[])
        .into_iter()
        .map(Point)
        .collect()
}

/// Split `region` into `n` Voronoi cells around random sites, deterministic
/// for a given `seed`.
///
/// The sites are `sample_points_inside(region, n, seed)`. Each site's cell is
/// the region's (slightly enlarged) bounding box clipped by the perpendicular
/// bisectors with every other site (distances in a local metric where a degree
/// of longitude counts `cos(latitude)` of a degree of latitude), intersected
/// with `region` (geo's `BooleanOps`). Cells are returned in site order,
/// [`orient`]ed; they do not overlap and together cover `region`. A cell may
/// have several parts when the region is a multipolygon or concave. The
/// boolean overlay snaps coordinates to a fine grid (about 1e-9 of the
/// region's extent, micrometres for a county), so cell edges on the region's
/// boundary match the input to that precision rather than bit for bit.
///
/// A cell always contains its own site, so it is never empty in exact
/// arithmetic; should rounding make one empty anyway, that site is re-drawn
/// (from the same random stream, so still deterministic) and all cells are
/// recomputed, up to 20 times. Returns an empty `Vec` if `n` is 0 or the
/// region has no area; in the pathological cases where fewer than `n` sites
/// could be placed, fewer cells are returned, and none is ever empty.
pub fn voronoi_partition(
    region: &MultiPolygon<f64>,
    n: usize,
    seed: u64,
) -> Vec<MultiPolygon<f64>> {
    let Some(sampler) = Sampler::new(region, n) else {
        return Vec::new();
    };
    let Some(frame) = region.bounding_rect() else {
        return Vec::new();
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sites = sampler.sample(&mut rng, n, &[]);
    let pad = 0.01 * (frame.width() + frame.height()) + 1e-9;
    let frame = [
        Coord {
            x: frame.min().x - pad,
            y: frame.min().y - pad,
        },
        Coord {
            x: frame.max().x + pad,
            y: frame.min().y - pad,
        },
        Coord {
            x: frame.max().x + pad,
            y: frame.max().y + pad,
        },
        Coord {
            x: frame.min().x - pad,
            y: frame.max().y + pad,
        },
    ];
    let mut cells = Vec::new();
    for _ in 0..=MAX_SITE_RETRIES {
        cells = sites
            .iter()
            .enumerate()
            .map(|(i, _)| orient(&voronoi_cell(&frame, &sites, i, sampler.kx).intersection(region)))
            .collect::<Vec<_>>();
        let Some(empty) = cells.iter().position(is_empty) else {
            return cells;
        };
        let others: Vec<Coord> = sites
            .iter()
            .enumerate()
            .filter_map(|(j, &c)| (j != empty).then_some(c))
            .collect();
        match sampler.sample(&mut rng, 1, &others).first() {
            Some(&replacement) => sites[empty] = replacement,
            None => break,
        }
    }
    cells.retain(|c| !is_empty(c));
    cells
}

fn is_empty(cell: &MultiPolygon<f64>) -> bool {
    cell.0.is_empty() || cell.unsigned_area() <= 0.0
}

/// The convex Voronoi cell of `sites[i]` within the rectangle `frame`.
///
/// Uses Sutherland–Hodgman clipping by each bisector half-plane. The
/// bisector of sites `i` and `j` is computed from the pair in index order for
/// both cells, so neighbouring cells share exactly the same line.
fn voronoi_cell(frame: &[Coord; 4], sites: &[Coord], i: usize, kx: f64) -> Polygon<f64> {
    let weight_x = kx * kx;
    let mut ring: Vec<Coord> = frame.to_vec();
    for j in 0..sites.len() {
        if j == i || ring.len() < 3 {
            continue;
        }
        let (lo, hi) = (sites[i.min(j)], sites[i.max(j)]);
        let mid = Coord {
            x: f64::midpoint(lo.x, hi.x),
            y: f64::midpoint(lo.y, hi.y),
        };
        let normal = Coord {
            x: weight_x * (hi.x - lo.x),
            y: hi.y - lo.y,
        };
        // side(p) <= 0 on `lo`'s side of the bisector.
        let sign = if i < j { 1.0 } else { -1.0 };
        let side = |p: Coord| sign * (normal.x * (p.x - mid.x) + normal.y * (p.y - mid.y));
        ring = clip_half_plane(&ring, side);
    }
    if ring.len() < 3 {
        return Polygon::new(LineString::new(vec![]), vec![]);
    }
    Polygon::new(LineString::new(ring), vec![])
}

/// Keep the part of the convex polygon `ring` (open, no repeated first point)
/// where `side(p) <= 0`.
fn clip_half_plane(ring: &[Coord], side: impl Fn(Coord) -> f64) -> Vec<Coord> {
    let mut out = Vec::with_capacity(ring.len() + 1);
    let Some(&last) = ring.last() else {
        return out;
    };
    let mut prev = last;
    let mut prev_side = side(prev);
    for &cur in ring {
        let cur_side = side(cur);
        let crosses = (cur_side <= 0.0) != (prev_side <= 0.0);
        if crosses {
            let t = prev_side / (prev_side - cur_side);
            out.push(Coord {
                x: prev.x + t * (cur.x - prev.x),
                y: prev.y + t * (cur.y - prev.y),
            });
        }
        if cur_side <= 0.0 {
            out.push(cur);
        }
        prev = cur;
        prev_side = cur_side;
    }
    out
}

#[cfg(test)]
mod tests;
