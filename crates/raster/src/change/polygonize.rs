//! Turning connected pixels into polygons along pixel edges, as GDAL's `GDALPolygonize` does.
//!
//! Each 4-connected region of set pixels becomes one polygon: its boundary is traced edge by
//! edge with the region on the right, turning towards the region where two of its pixels meet
//! only at a corner, so that corner-touching pixels stay apart. A ring that passes a vertex
//! twice is split there, which keeps every ring simple: the pieces that wind one way are
//! shells, the others holes, each given to the smallest shell around it. The result is valid in
//! the OGC sense (rings may touch at single points only).
//!
//! With 8-connectivity a component is the 4-connected regions that touch at corners, returned
//! together as one `MultiPolygon` whose polygons meet at those corners.

use std::collections::HashMap;

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::runs::{Run, components, push_runs};

/// Which neighbours make pixels one patch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Connectivity {
    /// Pixels sharing an edge (GDAL's `gdal_polygonize.py` default).
    Four,
    /// Pixels sharing an edge or a corner (`gdal_polygonize.py -8`); the default for patches.
    #[default]
    Eight,
}

/// The polygons of the set (non-zero) pixels of `mask` (`width` × `height`, row-major): one
/// `MultiPolygon` per connected component, in the order of each component's first pixel.
///
/// Vertices are pixel corners mapped by `geo_transform` (GDAL's affine: `x = t0 + col·t1 +
/// row·t2`, `y = t3 + col·t4 + row·t5`; `[0, 1, 0, 0, 0, 1]` keeps pixel coordinates). Only
/// corners where the boundary turns are kept. Rings are oriented exterior counter-clockwise,
/// holes clockwise.
pub fn polygonize(
    mask: &[u8],
    width: usize,
    height: usize,
    geo_transform: &[f64; 6],
    connectivity: Connectivity,
) -> Vec<MultiPolygon<f64>> {
    let mut runs = Vec::new();
    if width > 0 {
        for (y, row) in mask.chunks(width).take(height).enumerate() {
            push_runs(row, u32::try_from(y).unwrap_or(u32::MAX), &mut runs);
        }
    }
    components(&runs, connectivity)
        .iter()
        .map(|members| {
            let polygons = trace(&runs, members)
                .iter()
                .map(|p| p.to_polygon(|x, y| affine(geo_transform, x, y)))
                .collect();
            linzhang_geo::orient(&MultiPolygon(polygons))
        })
        .collect()
}

/// Applies a GDAL geotransform to a pixel corner.
pub(crate) fn affine(t: &[f64; 6], col: f64, row: f64) -> Coord<f64> {
    Coord {
        x: t[0] + col * t[1] + row * t[2],
        y: t[3] + col * t[4] + row * t[5],
    }
}

/// A polygon in pixel-corner coordinates (column, row) of the whole raster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PixelPolygon {
    pub exterior: Vec<(i64, i64)>,
    pub holes: Vec<Vec<(i64, i64)>>,
}

impl PixelPolygon {
    /// The polygon with every vertex mapped by `map` (rings closed).
    pub fn to_polygon(&self, map: impl Fn(f64, f64) -> Coord<f64>) -> Polygon<f64> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "pixel coordinates are far below 2^52"
        )]
        let ring = |r: &[(i64, i64)]| {
            let mut coords: Vec<Coord<f64>> =
                r.iter().map(|&(x, y)| map(x as f64, y as f64)).collect();
            if let Some(first) = coords.first().copied() {
                coords.push(first);
            }
            LineString(coords)
        };
        Polygon::new(
            ring(&self.exterior),
            self.holes.iter().map(|h| ring(h)).collect(),
        )
    }
}

/// Directions, clockwise on screen (rows grow downwards): east, south, west, north.
const STEP: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];

/// The set pixels of one component, on a bitmap of its bounding box with a 1-pixel margin.
struct Bitmap {
    /// Width and height of the bounding box (the bitmap is 2 larger each way).
    width: i64,
    height: i64,
    bits: Vec<u8>,
    /// Which edges have been traced: bit `d` of a pixel is the edge travelled in direction `d`
    /// with this pixel on the right.
    visited: Vec<u8>,
}

impl Bitmap {
    fn index(&self, x: i64, y: i64) -> usize {
        usize::try_from((y + 1) * (self.width + 2) + x + 1).unwrap_or(0)
    }

    /// Whether pixel (x, y) is set; -1 and width/height are the empty margin.
    fn set(&self, x: i64, y: i64) -> bool {
        self.bits[self.index(x, y)] != 0
    }

    /// The pixel on the right of the edge leaving vertex `v` in direction `d`, and whether
    /// that edge is a boundary edge (set pixel on the right, unset on the left).
    fn edge(&self, v: (i64, i64), d: usize) -> ((i64, i64), bool) {
        let (i, j) = v;
        let (right, left) = match d {
            0 => ((i, j), (i, j - 1)),
            1 => ((i - 1, j), (i, j)),
            2 => ((i - 1, j - 1), (i - 1, j)),
            _ => ((i, j - 1), (i - 1, j - 1)),
        };
        let exists = self.set(right.0, right.1) && !self.set(left.0, left.1);
        (right, exists)
    }
}

/// Traces the polygons of the component made of `runs[members]`.
pub(crate) fn trace(runs: &[Run], members: &[usize]) -> Vec<PixelPolygon> {
    let Some(&first) = members.first() else {
        return Vec::new();
    };
    let x_min = members.iter().map(|&i| runs[i].x0).min().unwrap_or(0);
    let x_max = members.iter().map(|&i| runs[i].x1).max().unwrap_or(0);
    let y_min = runs[first].y;
    let y_max = members.iter().map(|&i| runs[i].y).max().unwrap_or(y_min) + 1;
    let (width, height) = (i64::from(x_max - x_min), i64::from(y_max - y_min));
    let cells = usize::try_from((width + 2) * (height + 2)).unwrap_or(0);
    let mut map = Bitmap {
        width,
        height,
        bits: vec![0; cells],
        visited: vec![0; cells],
    };
    for &i in members {
        let r = runs[i];
        let y = i64::from(r.y - y_min);
        let start = map.index(i64::from(r.x0 - x_min), y);
        let len = (r.x1 - r.x0) as usize;
        map.bits[start..start + len].fill(1);
    }

    let mut shells: Vec<Ring> = Vec::new();
    let mut holes: Vec<Ring> = Vec::new();
    for y in 0..map.height {
        for x in 0..map.width {
            if !map.set(x, y) {
                continue;
            }
            // The edges of this pixel as (start vertex, direction), one per side.
            let sides = [
                ((x, y), 0),
                ((x + 1, y), 1),
                ((x + 1, y + 1), 2),
                ((x, y + 1), 3),
            ];
            for (v, d) in sides {
                let (_, exists) = map.edge(v, d);
                let idx = map.index(x, y);
                if exists && map.visited[idx] & (1 << d) == 0 {
                    for ring in split(follow(&mut map, v, d)) {
                        let area = twice_area(&ring);
                        let ring = Ring { area, points: ring };
                        if area > 0 {
                            shells.push(ring);
                        } else if area < 0 {
                            holes.push(ring);
                        }
                    }
                }
            }
        }
    }

    let offset = (i64::from(x_min), i64::from(y_min));
    let mut polygons: Vec<PixelPolygon> = shells
        .iter()
        .map(|s| PixelPolygon {
            exterior: shift(&s.points, offset),
            holes: Vec::new(),
        })
        .collect();
    let boxes: Vec<[i64; 4]> = shells.iter().map(|s| bounds(&s.points)).collect();
    for hole in &holes {
        let inside = sample_inside(&hole.points);
        let owner = shells
            .iter()
            .zip(&boxes)
            .enumerate()
            .filter(|(_, (s, b))| in_box(b, inside) && contains(&s.points, inside))
            .min_by_key(|(_, (s, _))| s.area)
            .map(|(i, _)| i);
        if let Some(i) = owner {
            polygons[i].holes.push(shift(&hole.points, offset));
        }
    }
    polygons
}

struct Ring {
    /// Twice the signed area in pixel coordinates, rows downwards: positive for shells.
    area: i64,
    points: Vec<(i64, i64)>,
}

/// Follows the boundary from the edge leaving `start` in direction `dir` back to it, marking
/// edges traced; answers the corners (vertices where the direction changes).
fn follow(map: &mut Bitmap, start: (i64, i64), dir: usize) -> Vec<(i64, i64)> {
    let mut corners = Vec::new();
    let (mut v, mut d) = (start, dir);
    let mut previous: Option<usize> = None;
    // Every boundary edge is traced once: the loop cannot run longer than that.
    let limit = 4 * map.bits.len() + 4;
    for _ in 0..limit {
        let (pixel, _) = map.edge(v, d);
        let idx = map.index(pixel.0, pixel.1);
        map.visited[idx] |= 1 << d;
        if previous != Some(d) {
            corners.push(v);
        }
        previous = Some(d);
        v = (v.0 + STEP[d].0, v.1 + STEP[d].1);
        // Turn right (towards the region) first: corner-touching pixels stay apart.
        let next = [(d + 1) % 4, d, (d + 3) % 4]
            .into_iter()
            .find(|&n| map.edge(v, n).1);
        let Some(next) = next else { break };
        if v == start && next == dir {
            break;
        }
        d = next;
    }
    if previous == Some(dir) && corners.len() > 1 {
        corners.remove(0);
    }
    corners
}

/// Splits a ring at every vertex it passes twice into simple rings.
fn split(corners: Vec<(i64, i64)>) -> Vec<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    let mut stack: Vec<(i64, i64)> = Vec::with_capacity(corners.len());
    let mut at: HashMap<(i64, i64), usize> = HashMap::with_capacity(corners.len());
    for c in corners {
        if let Some(&k) = at.get(&c) {
            for v in &stack[k + 1..] {
                at.remove(v);
            }
            out.push(stack[k..].to_vec());
            stack.truncate(k + 1);
        } else {
            at.insert(c, stack.len());
            stack.push(c);
        }
    }
    out.push(stack);
    out.retain(|r| r.len() >= 4);
    out
}

fn twice_area(ring: &[(i64, i64)]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// The centre of the pixel on the left of a hole's first edge: inside the hole.
#[expect(
    clippy::cast_precision_loss,
    reason = "pixel coordinates are far below 2^52"
)]
fn sample_inside(ring: &[(i64, i64)]) -> (f64, f64) {
    let (a, b) = (ring[0], ring[1 % ring.len()]);
    let (dx, dy) = ((b.0 - a.0).signum(), (b.1 - a.1).signum());
    // On screen (rows downwards) the left of (dx, dy) is (dy, -dx).
    (
        a.0 as f64 + 0.5 * dx as f64 + 0.5 * dy as f64,
        a.1 as f64 + 0.5 * dy as f64 - 0.5 * dx as f64,
    )
}

/// Even-odd test; `p` is a pixel centre, never on a ring of pixel corners.
#[expect(
    clippy::cast_precision_loss,
    reason = "pixel coordinates are far below 2^52"
)]
fn contains(ring: &[(i64, i64)], p: (f64, f64)) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let (ax, ay, bx, by) = (a.0 as f64, a.1 as f64, b.0 as f64, b.1 as f64);
        if (ay > p.1) != (by > p.1) && p.0 < ax + (p.1 - ay) / (by - ay) * (bx - ax) {
            inside = !inside;
        }
    }
    inside
}

/// Smallest and largest x and y of a ring.
fn bounds(ring: &[(i64, i64)]) -> [i64; 4] {
    ring.iter().fold(
        [i64::MAX, i64::MAX, i64::MIN, i64::MIN],
        |[x0, y0, x1, y1], &(x, y)| [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
    )
}

#[expect(
    clippy::cast_precision_loss,
    reason = "pixel coordinates are far below 2^52"
)]
fn in_box(b: &[i64; 4], p: (f64, f64)) -> bool {
    (b[0] as f64) < p.0 && p.0 < (b[2] as f64) && (b[1] as f64) < p.1 && p.1 < (b[3] as f64)
}

fn shift(ring: &[(i64, i64)], (dx, dy): (i64, i64)) -> Vec<(i64, i64)> {
    ring.iter().map(|&(x, y)| (x + dx, y + dy)).collect()
}

#[cfg(test)]
mod tests;
