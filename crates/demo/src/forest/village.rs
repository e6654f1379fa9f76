//! The sub-compartments of one village: a jittered grid of sites over the village, the best
//! placed of them (forest comes in patches, on the hills, in reserves) made into Voronoi cells
//! cut to the village and around wetlands, grouped into compartments (林班) and numbered.

use std::collections::BTreeMap;

use linzhang_geo::geo::{BooleanOps, Coord, Geometry, MultiPolygon, Polygon};
use linzhang_geo::{geodesic_area_m2, orient, validate};
use serde_json::Value;

use super::Village;
use super::cells::{Grid, area_km2, polygon_deg, ring_box};
use super::field::{as_f64, fbm, floor_i64, hash3, hilliness, round_usize, unit};
use super::places::{Reserve, Wetland, WetlandKind};
use super::stand::{Setting, Stand};

/// What the whole city's generation shares with each village.
pub(super) struct Shared<'a> {
    pub(super) wetlands: &'a [Wetland],
    pub(super) reserves: &'a [Reserve],
    pub(super) seed: u64,
    pub(super) year: i32,
}

/// A forested place, for fire facilities.
#[derive(Debug, Clone, Copy)]
pub(super) struct Spot {
    /// Kilometres.
    pub(super) p: Coord,
    pub(super) hill: f64,
    pub(super) village: usize,
}

/// One sub-compartment before its compartment gets its town-wide number.
pub(super) struct Cell {
    pub(super) geometry: Geometry<f64>,
    /// Compartment within the village, from 0.
    pub(super) compartment: usize,
    pub(super) xiao_ban: usize,
    stand: Stand,
    area_ha: f64,
}

impl Cell {
    pub(super) fn attributes(&self, place: [&str; 4], lin_ban: usize) -> Vec<(String, Value)> {
        self.stand.columns(
            place,
            format!("{lin_ban:03}"),
            format!("{:04}", self.xiao_ban),
            self.area_ha,
        )
    }
}

/// What a village yields.
#[derive(Default)]
pub(super) struct Yield {
    pub(super) cells: Vec<Cell>,
    pub(super) compartments: usize,
    pub(super) spots: Vec<Spot>,
}

/// A cell kept: its candidate, shape and whether a river cut it.
struct Kept {
    c: Candidate,
    shape: MultiPolygon<f64>,
    riverside: bool,
}

/// Order of cells: compartment row (north first), compartment column, row, column.
type Key = (i64, i64, usize, usize);

struct Candidate {
    score: f64,
    i: usize,
    j: usize,
    inside: bool,
    hill: f64,
}

/// The village's `quota` sub-compartments, on a grid of `side` km squares.
pub(super) fn generate(v: &Village<'_>, quota: usize, side: f64, shared: &Shared<'_>) -> Yield {
    if quota == 0 || v.land_km2 <= 0.0 {
        return Yield::default();
    }
    let grid = Grid::new(v.seed ^ 0x6121_D000, v.outline.min, v.outline.max, side);
    let wetlands: Vec<&Wetland> = shared
        .wetlands
        .iter()
        .filter(|w| w.place.outline.box_overlaps(v.outline.min, v.outline.max))
        .collect();
    let reserves: Vec<&Reserve> = shared
        .reserves
        .iter()
        .filter(|r| r.place.outline.box_overlaps(v.outline.min, v.outline.max))
        .collect();

    let mut candidates = candidates(v, &grid, &wetlands, &reserves, shared.seed);
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.j.cmp(&b.j))
            .then(a.i.cmp(&b.i))
    });

    let min_part = 0.03 * side * side;
    let min_cell = 0.25 * side * side;
    let mut kept: Vec<Kept> = Vec::with_capacity(quota);
    for c in candidates {
        if kept.len() >= quota {
            break;
        }
        let ring = grid.cell(c.i, c.j);
        if ring.len() < 3 {
            continue;
        }
        let (min, max) = ring_box(&ring);
        let polygon = polygon_deg(&ring);
        let mut clipped = false;
        let mut shape = if v.outline.may_cross(min, max) {
            clipped = true;
            polygon.intersection(v.shape.boundary)
        } else if c.inside {
            MultiPolygon(vec![polygon])
        } else {
            continue;
        };
        let mut riverside = false;
        for w in &wetlands {
            if w.place.outline.may_cross(min, max) {
                let before = area_km2(&shape);
                let cut = shape.difference(&w.place.shape);
                if area_km2(&cut) < before - 1e-9 {
                    shape = cut;
                    clipped = true;
                    riverside |= w.kind == WetlandKind::River;
                }
            }
        }
        if clipped {
            match tidy(shape, min_part, min_cell) {
                Some(s) => shape = s,
                None => continue,
            }
        }
        kept.push(Kept {
            c,
            shape,
            riverside,
        });
    }
    number(v, &grid, kept, shared, &reserves)
}

/// Every grid site that may make a sub-compartment of the village, with its score.
fn candidates(
    v: &Village<'_>,
    grid: &Grid,
    wetlands: &[&Wetland],
    reserves: &[&Reserve],
    seed: u64,
) -> Vec<Candidate> {
    let reach = 1.25 * grid.side;
    let forest_seed = seed ^ 0xF0_4E57;
    let mut out = Vec::new();
    for (i, j) in grid.interior() {
        let p = grid.site(i, j);
        let inside = v.outline.contains(p);
        if !inside && !v.outline.near_boundary(p, reach) {
            continue;
        }
        if wetlands.iter().any(|w| w.place.outline.contains(p)) {
            continue;
        }
        let hill = hilliness(seed, v.hill, p);
        let wooded_reserve = reserves
            .iter()
            .any(|r| r.kind.wooded() && r.place.outline.contains(p));
        let score = fbm(forest_seed, p, 1.4)
            + 0.8 * (hill - v.hill)
            + if wooded_reserve { 0.35 } else { 0.0 }
            + 0.1 * unit(hash3(v.seed, to_i64(i), to_i64(j)));
        out.push(Candidate {
            score,
            i,
            j,
            inside,
            hill,
        });
    }
    out
}

#[allow(clippy::cast_possible_wrap, reason = "grid indices are small")]
fn to_i64(i: usize) -> i64 {
    i as i64
}

/// `shape` without slivers, oriented and valid, or `None` when too little of it is left.
fn tidy(shape: MultiPolygon<f64>, min_part: f64, min_total: f64) -> Option<MultiPolygon<f64>> {
    let parts: Vec<Polygon<f64>> = shape
        .0
        .into_iter()
        .filter(|p| area_km2(&MultiPolygon(vec![p.clone()])) >= min_part)
        .collect();
    let out = orient(&MultiPolygon(parts));
    (area_km2(&out) >= min_total && validate(&out).is_ok()).then_some(out)
}

/// Compartments (林班): the Voronoi cells of a coarse jittered grid over the village's grid, of
/// about a hundred squares each (more in big grids, so that a village has at most about a
/// hundred compartments).
struct Compartments {
    origin: Coord,
    side: f64,
    seed: u64,
}

impl Compartments {
    fn new(v: &Village<'_>, grid: &Grid) -> Self {
        let interior = (grid.nx.saturating_sub(6)) * (grid.ny.saturating_sub(6));
        let block = round_usize((as_f64(interior) / 100.0).sqrt().ceil()).max(5);
        Self {
            origin: grid.origin,
            side: grid.side * as_f64(block),
            seed: v.seed ^ 0xC0A_45E,
        }
    }

    fn site(&self, ci: i64, cj: i64) -> Coord {
        Coord {
            x: self.origin.x
                + (as_f64_i(ci) + 0.2 + 0.6 * unit(hash3(self.seed, ci, cj))) * self.side,
            y: self.origin.y
                + (as_f64_i(cj) + 0.2 + 0.6 * unit(hash3(self.seed ^ 1, ci, cj))) * self.side,
        }
    }

    /// The compartment (column, row) of a point.
    fn of(&self, p: Coord) -> (i64, i64) {
        let ci = floor_i64((p.x - self.origin.x) / self.side);
        let cj = floor_i64((p.y - self.origin.y) / self.side);
        let mut best = (ci, cj);
        let mut best_d = f64::INFINITY;
        for dj in -1..=1 {
            for di in -1..=1 {
                let s = self.site(ci + di, cj + dj);
                let d = (s.x - p.x).hypot(s.y - p.y);
                if d < best_d {
                    best_d = d;
                    best = (ci + di, cj + dj);
                }
            }
        }
        best
    }
}

/// Groups the kept cells into compartments, numbers compartments north to south and west to
/// east, and cells within each the same way, and draws their stands.
fn number(
    v: &Village<'_>,
    grid: &Grid,
    kept: Vec<Kept>,
    shared: &Shared<'_>,
    reserves: &[&Reserve],
) -> Yield {
    let compartments = Compartments::new(v, grid);
    // Sort key: compartment (north first, then west), then row (north first), then column.
    let mut keyed: Vec<(Key, Kept)> = kept
        .into_iter()
        .map(|k| {
            let (ci, cj) = compartments.of(grid.site(k.c.i, k.c.j));
            ((-cj, ci, usize::MAX - k.c.j, k.c.i), k)
        })
        .collect();
    keyed.sort_by_key(|(key, _)| *key);

    let mut numbers: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut out = Yield::default();
    for (
        (ncj, ci, _, _),
        Kept {
            c,
            shape,
            riverside,
        },
    ) in keyed
    {
        let next = numbers.len();
        let compartment = *numbers.entry((ncj, ci)).or_insert(next);
        if compartment == counts.len() {
            counts.push(0);
        }
        let xiao_ban = match counts.get_mut(compartment) {
            Some(n) => {
                *n += 1;
                *n
            }
            None => 1,
        };
        let p = grid.site(c.i, c.j);
        let cj = -ncj;
        let reserve = reserves
            .iter()
            .find(|r| r.place.outline.contains(p))
            .map(|r| (r.kind, r.core));
        let state_share = if c.hill > 0.5 { 0.12 } else { 0.04 };
        let setting = Setting {
            hill: c.hill,
            welfare: fbm(shared.seed ^ 0x00BE_1FA2, p, 3.0),
            reserve,
            riverside,
            urban: v.urban,
            peaches: v.town == "320206103",
            theme: hash3(v.seed ^ 0x7E3E, ci, cj),
            state: unit(hash3(v.seed ^ 0x57A7E, ci, cj)) < state_share,
            seed: hash3(v.seed ^ 0x57A4D, to_i64(c.i), to_i64(c.j)),
        };
        let stand = Stand::draw(&setting).in_year(shared.year, &setting);
        if c.inside && matches!(stand.di_lei, "0111" | "0113" | "0131") {
            out.spots.push(Spot {
                p,
                hill: c.hill,
                village: v.index,
            });
        }
        let area_ha = (geodesic_area_m2(&shape) / 10_000.0 * 100.0).round() / 100.0;
        let geometry = if shape.0.len() == 1 {
            match shape.0.into_iter().next() {
                Some(p) => Geometry::Polygon(p),
                None => continue,
            }
        } else {
            Geometry::MultiPolygon(shape)
        };
        out.cells.push(Cell {
            geometry,
            compartment,
            xiao_ban,
            stand,
            area_ha,
        });
    }
    out.compartments = numbers.len();
    out
}

#[allow(clippy::cast_precision_loss, reason = "small grid indices")]
fn as_f64_i(i: i64) -> f64 {
    i as f64
}
