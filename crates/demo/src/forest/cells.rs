//! Geometry of sub-compartments: a polygon prepared for fast point and box queries, and the
//! Voronoi cells of a jittered grid of sites computed locally, so that cutting a village into
//! tens of thousands of cells costs time in proportion to the number of cells.

use linzhang_geo::geo::{Coord, LineString, MultiPolygon, Polygon};

use super::field::{floor_i64, hash3, round_usize, to_deg, to_km, unit};

/// A (multi)polygon in local kilometres, its edges bucketed into horizontal bands.
#[derive(Debug, Clone)]
pub(super) struct Outline {
    edges: Vec<[Coord; 2]>,
    bands: Vec<Vec<u32>>,
    y0: f64,
    band_h: f64,
    pub(super) min: Coord,
    pub(super) max: Coord,
}

impl Outline {
    /// Prepares `mp` (longitude/latitude) for queries.
    pub(super) fn new(mp: &MultiPolygon<f64>) -> Self {
        let mut edges = Vec::new();
        let mut min = Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        };
        let mut max = Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        };
        for polygon in &mp.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                let km: Vec<Coord> = ring.0.iter().map(|c| to_km(*c)).collect();
                for w in km.windows(2) {
                    if let [a, b] = w {
                        edges.push([*a, *b]);
                        min.x = min.x.min(a.x);
                        min.y = min.y.min(a.y);
                        max.x = max.x.max(a.x);
                        max.y = max.y.max(a.y);
                    }
                }
            }
        }
        if edges.is_empty() {
            min = Coord::zero();
            max = Coord::zero();
        }
        let height = (max.y - min.y).max(1e-9);
        // About as many bands as there are edges, so that each band holds a few of them.
        let n = round_usize((super::field::as_f64(edges.len()) / 2.0).clamp(1.0, 4096.0));
        let band_h = height / super::field::as_f64(n);
        let mut out = Self {
            edges,
            bands: vec![Vec::new(); n],
            y0: min.y,
            band_h,
            min,
            max,
        };
        for (i, [a, b]) in out.edges.iter().enumerate() {
            let (lo, hi) = out.band_range(a.y.min(b.y), a.y.max(b.y));
            for band in &mut out.bands[lo..=hi] {
                band.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        out
    }

    /// The bands (clamped to the existing ones) that the latitudes `lo..=hi` fall into.
    fn band_range(&self, lo: f64, hi: f64) -> (usize, usize) {
        let last = self.bands.len().saturating_sub(1);
        let index = |y: f64| {
            let b = floor_i64((y - self.y0) / self.band_h);
            usize::try_from(b.max(0)).unwrap_or(0).min(last)
        };
        (index(lo), index(hi))
    }

    fn band_edges(&self, lo: f64, hi: f64) -> impl Iterator<Item = &[Coord; 2]> {
        let (a, b) = self.band_range(lo, hi);
        self.bands[a..=b]
            .iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i as usize))
    }

    /// Whether `p` (kilometres) is inside (even-odd rule; points on an edge may go either way).
    pub(super) fn contains(&self, p: Coord) -> bool {
        if self.bands.is_empty() || p.y < self.min.y || p.y > self.max.y || p.x < self.min.x {
            return false;
        }
        let mut inside = false;
        let (band, _) = self.band_range(p.y, p.y);
        for &i in &self.bands[band] {
            let Some([a, b]) = self.edges.get(i as usize) else {
                continue;
            };
            if (a.y > p.y) != (b.y > p.y) {
                let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
                if p.x < x {
                    inside = !inside;
                }
            }
        }
        inside
    }

    /// Whether some edge comes closer to `p` than `r` kilometres.
    pub(super) fn near_boundary(&self, p: Coord, r: f64) -> bool {
        if p.x < self.min.x - r
            || p.x > self.max.x + r
            || p.y < self.min.y - r
            || p.y > self.max.y + r
        {
            return false;
        }
        self.band_edges(p.y - r, p.y + r)
            .any(|[a, b]| segment_distance(p, *a, *b) < r)
    }

    /// Whether the box `min..max` (kilometres) overlaps the bounding box of some edge, i.e.
    /// whether the boundary may cross it. When it does not, the box is wholly inside or wholly
    /// outside.
    pub(super) fn may_cross(&self, min: Coord, max: Coord) -> bool {
        if max.x < self.min.x || min.x > self.max.x || max.y < self.min.y || min.y > self.max.y {
            return false;
        }
        self.band_edges(min.y, max.y).any(|[a, b]| {
            a.x.max(b.x) >= min.x
                && a.x.min(b.x) <= max.x
                && a.y.max(b.y) >= min.y
                && a.y.min(b.y) <= max.y
        })
    }

    /// Whether the box `min..max` overlaps this outline's bounding box.
    pub(super) fn box_overlaps(&self, min: Coord, max: Coord) -> bool {
        !(max.x < self.min.x || min.x > self.max.x || max.y < self.min.y || min.y > self.max.y)
    }

    /// The boundary vertex nearest to `p`, if one is closer than `r` kilometres.
    pub(super) fn nearest_vertex(&self, p: Coord, r: f64) -> Option<(Coord, f64)> {
        if !self.box_overlaps(
            Coord {
                x: p.x - r,
                y: p.y - r,
            },
            Coord {
                x: p.x + r,
                y: p.y + r,
            },
        ) {
            return None;
        }
        self.band_edges(p.y - r, p.y + r)
            .map(|[a, _]| (*a, (a.x - p.x).hypot(a.y - p.y)))
            .filter(|(_, d)| *d < r)
            .min_by(|x, y| x.1.total_cmp(&y.1))
    }
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: Coord, a: Coord, b: Coord) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p.x - a.x - t * dx).hypot(p.y - a.y - t * dy)
}

/// Sites of a jittered square grid: one per grid square, kept away from the square's edges.
///
/// A point is never farther than `0.85·√2·side` from the nearest site, so the Voronoi cell of a
/// site only depends on the sites at most three squares away: cells are exact Voronoi cells
/// (and so never overlap) as long as their site is at least three squares from the grid's
/// edge, which [`Grid::interior`] guarantees.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub(super) origin: Coord,
    pub(super) side: f64,
    pub(super) nx: usize,
    pub(super) ny: usize,
    sites: Vec<Coord>,
}

/// How many grid squares of margin the grid keeps around the region.
const MARGIN: usize = 4;

impl Grid {
    /// A grid of squares of `side` kilometres covering `min..max` with a margin.
    pub(super) fn new(seed: u64, min: Coord, max: Coord, side: f64) -> Self {
        let m = super::field::as_f64(MARGIN);
        let origin = Coord {
            x: min.x - m * side,
            y: min.y - m * side,
        };
        let nx = round_usize(((max.x - min.x) / side).ceil()) + 2 * MARGIN;
        let ny = round_usize(((max.y - min.y) / side).ceil()) + 2 * MARGIN;
        let mut sites = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let (ii, jj) = (to_i64(i), to_i64(j));
                let u = 0.15 + 0.7 * unit(hash3(seed, ii, jj));
                let v = 0.15 + 0.7 * unit(hash3(seed ^ 0x0005_17E5, ii, jj));
                sites.push(Coord {
                    x: origin.x + (super::field::as_f64(i) + u) * side,
                    y: origin.y + (super::field::as_f64(j) + v) * side,
                });
            }
        }
        Self {
            origin,
            side,
            nx,
            ny,
            sites,
        }
    }

    pub(super) fn site(&self, i: usize, j: usize) -> Coord {
        self.sites
            .get(j * self.nx + i)
            .copied()
            .unwrap_or_else(Coord::zero)
    }

    /// The squares whose cells can be computed exactly.
    pub(super) fn interior(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (3..self.ny.saturating_sub(3))
            .flat_map(move |j| (3..self.nx.saturating_sub(3)).map(move |i| (i, j)))
    }

    /// The Voronoi cell of site `(i, j)` as an open counter-clockwise ring in kilometres.
    pub(super) fn cell(&self, i: usize, j: usize) -> Vec<Coord> {
        let here = self.site(i, j);
        let half = 2.0 * self.side;
        let mut ring = vec![
            Coord {
                x: here.x - half,
                y: here.y - half,
            },
            Coord {
                x: here.x + half,
                y: here.y - half,
            },
            Coord {
                x: here.x + half,
                y: here.y + half,
            },
            Coord {
                x: here.x - half,
                y: here.y + half,
            },
        ];
        let me = j * self.nx + i;
        let mut reach = radius(&ring, here);
        for r in 1..=3_i64 {
            for dj in -r..=r {
                for di in -r..=r {
                    if di.abs() != r && dj.abs() != r {
                        continue;
                    }
                    let (Some(ni), Some(nj)) = (
                        i.checked_add_signed(to_isize(di)),
                        j.checked_add_signed(to_isize(dj)),
                    ) else {
                        continue;
                    };
                    if ni >= self.nx || nj >= self.ny {
                        continue;
                    }
                    let there = self.site(ni, nj);
                    if (there.x - here.x).hypot(there.y - here.y) / 2.0 >= reach {
                        continue;
                    }
                    let other = nj * self.nx + ni;
                    let (lo, hi) = if me < other {
                        (here, there)
                    } else {
                        (there, here)
                    };
                    let mid = Coord {
                        x: f64::midpoint(lo.x, hi.x),
                        y: f64::midpoint(lo.y, hi.y),
                    };
                    let normal = Coord {
                        x: hi.x - lo.x,
                        y: hi.y - lo.y,
                    };
                    let sign = if me < other { 1.0 } else { -1.0 };
                    ring = clip_half_plane(&ring, |p| {
                        sign * (normal.x * (p.x - mid.x) + normal.y * (p.y - mid.y))
                    });
                    reach = radius(&ring, here);
                }
            }
        }
        dedup_ring(ring, self.side * 1e-7)
    }
}

#[allow(clippy::cast_possible_wrap, reason = "grid indices are small")]
fn to_i64(i: usize) -> i64 {
    i as i64
}

#[allow(clippy::cast_possible_truncation, reason = "offsets are -3..=3")]
fn to_isize(i: i64) -> isize {
    i as isize
}

/// The largest distance from `a` to a vertex of `ring`.
fn radius(ring: &[Coord], a: Coord) -> f64 {
    ring.iter()
        .map(|p| (p.x - a.x).hypot(p.y - a.y))
        .fold(0.0, f64::max)
}

/// Keeps the part of the convex polygon `ring` (open) where `side(p) <= 0`.
fn clip_half_plane(ring: &[Coord], side: impl Fn(Coord) -> f64) -> Vec<Coord> {
    let mut out = Vec::with_capacity(ring.len() + 1);
    let Some(&last) = ring.last() else {
        return out;
    };
    let mut prev = last;
    let mut prev_side = side(prev);
    for &cur in ring {
        let cur_side = side(cur);
        if (cur_side <= 0.0) != (prev_side <= 0.0) {
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

/// Drops vertices closer than `eps` to the previous one (and the last if it repeats the first).
fn dedup_ring(ring: Vec<Coord>, eps: f64) -> Vec<Coord> {
    let mut out: Vec<Coord> = Vec::with_capacity(ring.len());
    for p in ring {
        if out
            .last()
            .is_none_or(|q| (p.x - q.x).hypot(p.y - q.y) > eps)
        {
            out.push(p);
        }
    }
    while out.len() > 1 {
        match (out.first(), out.last()) {
            (Some(a), Some(b)) if (a.x - b.x).hypot(a.y - b.y) <= eps => {
                out.pop();
            }
            _ => break,
        }
    }
    out
}

/// An open ring in kilometres as a closed longitude/latitude polygon.
pub(super) fn polygon_deg(ring: &[Coord]) -> Polygon<f64> {
    let mut coords: Vec<Coord> = ring.iter().map(|c| to_deg(*c)).collect();
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    Polygon::new(LineString::new(coords), vec![])
}

/// The bounding box of an open ring.
pub(super) fn ring_box(ring: &[Coord]) -> (Coord, Coord) {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in ring {
        min.x = min.x.min(p.x);
        min.y = min.y.min(p.y);
        max.x = max.x.max(p.x);
        max.y = max.y.max(p.y);
    }
    (min, max)
}

/// Planar area in km² of a longitude/latitude (multi)polygon (to compare sizes, not to report).
pub(super) fn area_km2(mp: &MultiPolygon<f64>) -> f64 {
    use linzhang_geo::geo::Area;
    let a = to_km(Coord { x: 1.0, y: 1.0 });
    let o = to_km(Coord { x: 0.0, y: 0.0 });
    mp.unsigned_area() * (a.x - o.x) * (a.y - o.y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use linzhang_geo::geo::{Area, BooleanOps, polygon};

    #[test]
    fn outline_queries_agree_with_the_polygon() {
        let square = MultiPolygon(vec![polygon![
            (x: 120.0, y: 31.0), (x: 120.1, y: 31.0), (x: 120.1, y: 31.1),
            (x: 120.05, y: 31.05), (x: 120.0, y: 31.1), (x: 120.0, y: 31.0),
        ]]);
        let o = Outline::new(&square);
        assert!(o.contains(to_km(Coord {
            x: 120.05,
            y: 31.02
        })));
        assert!(!o.contains(to_km(Coord {
            x: 120.05,
            y: 31.08
        })));
        assert!(!o.contains(to_km(Coord { x: 120.2, y: 31.02 })));
        let p = to_km(Coord {
            x: 120.05,
            y: 31.001,
        });
        assert!(o.near_boundary(p, 0.2));
        assert!(!o.near_boundary(p, 0.05));
    }

    #[test]
    fn local_voronoi_cells_tile_the_grid_without_overlap() {
        let grid = Grid::new(9, Coord { x: 0.0, y: 0.0 }, Coord { x: 3.0, y: 3.0 }, 0.5);
        let cells: Vec<Polygon<f64>> = grid
            .interior()
            .map(|(i, j)| polygon_deg(&grid.cell(i, j)))
            .collect();
        assert!(cells.len() >= 36);
        for (k, a) in cells.iter().enumerate() {
            assert!(a.exterior().0.len() >= 4);
            assert!(a.signed_area() > 0.0, "counter-clockwise");
            for b in &cells[k + 1..] {
                let overlap = a.intersection(b).unsigned_area();
                assert!(overlap < 1e-6 * a.unsigned_area(), "{overlap}");
            }
        }
    }
}
