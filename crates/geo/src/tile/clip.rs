//! Longitude/latitude geometry → MVT geometry commands of one tile: project to tile units,
//! clip to the buffered tile, simplify, snap to the integer grid, drop what collapsed and
//! orient the rings.
//!
//! Polygons are clipped ring by ring with Sutherland–Hodgman against the buffered tile (the
//! method of `geojson-vt` and tippecanoe). It never fails on degenerate input; where a concave
//! ring leaves the box and comes back, the result has zero-width edges along the box, which lie
//! in the buffer, outside the visible tile, and add no area. Lines are cut with Liang–Barsky
//! into the parts inside the box; points outside the box are dropped.
//!
//! All work buffers live in [`Clipper`] and are reused from one feature to the next.

use geo::{Coord, Geometry, LineString};
use mvt::{GeomData, GeomEncoder, GeomType};

use super::{SIMPLIFY_TOLERANCE, TileId, TileOptions, lonlat_to_mercator};

/// Why a geometry could not be encoded.
#[derive(Debug)]
pub(super) enum Failure {
    /// A coordinate is NaN or infinite.
    NonFinite,
    /// The `mvt` encoder refused a point.
    Encode(mvt::Error),
}

impl From<mvt::Error> for Failure {
    fn from(e: mvt::Error) -> Self {
        Self::Encode(e)
    }
}

type Pt = [f64; 2];
type IPt = [i32; 2];

/// Turns geometries into MVT geometry for one tile.
pub(super) struct Clipper {
    /// Tile units per EPSG:3857 metre (x), and the offset: `px = mx * fx + xoff`.
    fx: f64,
    xoff: f64,
    /// Same for y, negative (y points down): `py = my * fy + yoff`.
    fy: f64,
    yoff: f64,
    /// The clipping box `lo..=hi` on both axes: `-buffer..=extent + buffer`.
    lo: f64,
    hi: f64,
    /// Squared Douglas–Peucker tolerance, when simplifying.
    tolerance2: Option<f64>,
    buf: Buffers,
}

#[derive(Default)]
struct Buffers {
    /// Projected coordinates, and the output of each clipping pass.
    a: Vec<Pt>,
    b: Vec<Pt>,
    /// Douglas–Peucker state.
    keep: Vec<bool>,
    stack: Vec<(usize, usize)>,
    /// Snapped line part, exterior ring, and holes (with the end of each hole).
    line: Vec<IPt>,
    exterior: Vec<IPt>,
    holes: Vec<IPt>,
    hole_ends: Vec<usize>,
    /// The last point given to the encoder (see [`emit_ring`]); for lines, also whether a
    /// line string is open.
    cursor: Option<IPt>,
    /// How many points were given to the encoder for the current geometry.
    points: usize,
}

/// The MVT geometry type of a geometry: the highest dimension among its parts (as PostGIS
/// does with collections), or `None` for an empty collection.
fn dimension(g: &Geometry<f64>) -> Option<u8> {
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => Some(0),
        Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => Some(1),
        Geometry::Polygon(_)
        | Geometry::MultiPolygon(_)
        | Geometry::Rect(_)
        | Geometry::Triangle(_) => Some(2),
        Geometry::GeometryCollection(gc) => gc.iter().filter_map(dimension).max(),
    }
}

impl Clipper {
    pub(super) fn new(tile: TileId, opts: &TileOptions) -> Self {
        // The affine transform of PostGIS `ST_AsMVTGeom` onto `ST_TileEnvelope(z, x, y)`.
        let [x0, y0, x1, y1] = tile.bounds_mercator();
        let extent = f64::from(opts.extent);
        let fx = extent / (x1 - x0);
        let fy = -extent / (y1 - y0);
        Self {
            fx,
            xoff: -x0 * fx,
            fy,
            yoff: -y1 * fy,
            lo: -f64::from(opts.buffer),
            hi: extent + f64::from(opts.buffer),
            tolerance2: opts
                .simplify
                .then_some(SIMPLIFY_TOLERANCE * SIMPLIFY_TOLERANCE),
            buf: Buffers::default(),
        }
    }

    /// Longitude/latitude → tile units (not snapped).
    fn project(&self, c: Coord<f64>) -> Result<Pt, Failure> {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return Err(Failure::NonFinite);
        }
        let [mx, my] = lonlat_to_mercator(c.x, c.y);
        Ok([mx * self.fx + self.xoff, my * self.fy + self.yoff])
    }

    fn inside(&self, p: Pt) -> bool {
        (self.lo..=self.hi).contains(&p[0]) && (self.lo..=self.hi).contains(&p[1])
    }

    /// The MVT geometry of `g` in this tile, or `None` when nothing of it is left.
    pub(super) fn encode(&mut self, g: &Geometry<f64>) -> Result<Option<GeomData>, Failure> {
        let Some(dim) = dimension(g) else {
            return Ok(None);
        };
        let mut enc = GeomEncoder::<i32>::new(match dim {
            0 => GeomType::Point,
            1 => GeomType::Linestring,
            _ => GeomType::Polygon,
        });
        self.buf.cursor = None;
        self.buf.points = 0;
        self.emit(g, dim, &mut enc)?;
        if self.buf.points == 0 {
            // `GeomEncoder::encode` panics on a point geometry without points.
            return Ok(None);
        }
        Ok(Some(enc.encode()?))
    }

    fn emit(
        &mut self,
        g: &Geometry<f64>,
        dim: u8,
        enc: &mut GeomEncoder<i32>,
    ) -> Result<(), Failure> {
        match (g, dim) {
            (Geometry::Point(p), 0) => self.point(p.0, enc),
            (Geometry::MultiPoint(mp), 0) => mp.iter().try_for_each(|p| self.point(p.0, enc)),
            (Geometry::Line(l), 1) => self.line(&[l.start, l.end], enc),
            (Geometry::LineString(ls), 1) => self.line(&ls.0, enc),
            (Geometry::MultiLineString(mls), 1) => {
                mls.iter().try_for_each(|ls| self.line(&ls.0, enc))
            }
            (Geometry::Polygon(p), 2) => self.polygon(p.exterior(), p.interiors(), enc),
            (Geometry::MultiPolygon(mp), 2) => mp
                .iter()
                .try_for_each(|p| self.polygon(p.exterior(), p.interiors(), enc)),
            (Geometry::Rect(r), 2) => self.polygon(r.to_polygon().exterior(), &[], enc),
            (Geometry::Triangle(t), 2) => self.polygon(t.to_polygon().exterior(), &[], enc),
            (Geometry::GeometryCollection(gc), _) => {
                gc.iter().try_for_each(|g| self.emit(g, dim, enc))
            }
            // Parts of a lower dimension than the collection they are in.
            _ => Ok(()),
        }
    }

    fn point(&mut self, c: Coord<f64>, enc: &mut GeomEncoder<i32>) -> Result<(), Failure> {
        let p = self.project(c)?;
        if self.inside(p) {
            enc.add_point(snap(p[0]), snap(p[1]))?;
            self.buf.points += 1;
        }
        Ok(())
    }

    fn line(&mut self, coords: &[Coord<f64>], enc: &mut GeomEncoder<i32>) -> Result<(), Failure> {
        let mut a = std::mem::take(&mut self.buf.a);
        a.clear();
        let mut bbox = BoxF::EMPTY;
        for &c in coords {
            let p = self.project(c)?;
            bbox.include(p);
            a.push(p);
        }
        let (lo, hi) = (self.lo, self.hi);
        if a.len() >= 2 && !bbox.disjoint(lo, hi) {
            if bbox.within(lo, hi) {
                self.line_part(&mut a, enc)?;
            } else {
                // Cut into the parts inside the box, built one by one in `part`.
                let mut part = std::mem::take(&mut self.buf.b);
                part.clear();
                for s in a.windows(2) {
                    match clip_segment(s[0], s[1], lo, hi) {
                        None => self.line_part(&mut part, enc)?,
                        Some(c) => {
                            if c.enters {
                                self.line_part(&mut part, enc)?;
                            }
                            if part.is_empty() {
                                part.push(c.start);
                            }
                            part.push(c.end);
                            if c.leaves {
                                self.line_part(&mut part, enc)?;
                            }
                        }
                    }
                }
                self.line_part(&mut part, enc)?;
                self.buf.b = part;
            }
        }
        self.buf.a = a;
        Ok(())
    }

    /// Simplifies, snaps and encodes one part of a line that lies inside the box, and
    /// empties `part`.
    fn line_part(&mut self, part: &mut Vec<Pt>, enc: &mut GeomEncoder<i32>) -> Result<(), Failure> {
        if part.len() >= 2 {
            let Buffers {
                keep,
                stack,
                line,
                cursor,
                points,
                ..
            } = &mut self.buf;
            if let Some(tol2) = self.tolerance2 {
                simplify(part, tol2, keep, stack);
            }
            line.clear();
            snap_into(part, line);
            if line.len() >= 2 {
                // `mvt::GeomEncoder` joins a line string that starts where the previous one
                // ended to it, but with a second `LineTo` command that strict decoders
                // reject; so such a part continues the open line string instead.
                let skip = if *cursor == Some(line[0]) {
                    1
                } else {
                    if cursor.is_some() {
                        enc.complete_geom()?;
                    }
                    0
                };
                for p in &line[skip..] {
                    enc.add_point(p[0], p[1])?;
                }
                *cursor = line.last().copied();
                *points += line.len() - skip;
            }
        }
        part.clear();
        Ok(())
    }

    fn polygon(
        &mut self,
        exterior: &LineString<f64>,
        interiors: &[LineString<f64>],
        enc: &mut GeomEncoder<i32>,
    ) -> Result<(), Failure> {
        let mut buf = std::mem::take(&mut self.buf);
        let result = self.polygon_with(&mut buf, exterior, interiors, enc);
        self.buf = buf;
        result
    }

    fn polygon_with(
        &self,
        buf: &mut Buffers,
        exterior: &LineString<f64>,
        interiors: &[LineString<f64>],
        enc: &mut GeomEncoder<i32>,
    ) -> Result<(), Failure> {
        buf.exterior.clear();
        let area = self.ring(buf, &exterior.0, RingOut::Exterior)?;
        if area == 0 {
            return Ok(());
        }
        if area < 0 {
            buf.exterior.reverse();
        }
        let area = area.abs();
        buf.holes.clear();
        buf.hole_ends.clear();
        for hole in interiors {
            let start = buf.holes.len();
            let hole_area = self.ring(buf, &hole.0, RingOut::Holes)?;
            if hole_area == 0 {
                continue;
            }
            if hole_area.abs() >= area {
                // The hole covers all that is left of the exterior in this tile.
                return Ok(());
            }
            if hole_area > 0 {
                buf.holes[start..].reverse();
            }
            buf.hole_ends.push(buf.holes.len());
        }
        buf.points += buf.exterior.len() + buf.holes.len();
        emit_ring(&buf.exterior, &mut buf.cursor, enc)?;
        let mut start = 0;
        for &end in &buf.hole_ends {
            emit_ring(&buf.holes[start..end], &mut buf.cursor, enc)?;
            start = end;
        }
        Ok(())
    }

    /// Projects, clips, simplifies and snaps one ring, appending it (open: without repeating
    /// its first point) to `buf.exterior` or `buf.holes`. Returns twice its signed area in tile
    /// units, y down (> 0: clockwise on screen, an MVT exterior ring); 0 when it collapsed,
    /// in which case nothing was appended.
    fn ring(&self, buf: &mut Buffers, coords: &[Coord<f64>], out: RingOut) -> Result<i64, Failure> {
        let Buffers {
            a,
            b,
            keep,
            stack,
            exterior,
            holes,
            ..
        } = buf;
        let out = match out {
            RingOut::Exterior => exterior,
            RingOut::Holes => holes,
        };
        a.clear();
        let mut bbox = BoxF::EMPTY;
        for &c in coords {
            let p = self.project(c)?;
            bbox.include(p);
            a.push(p);
        }
        if a.len() >= 2 && a.first() == a.last() {
            a.pop();
        }
        if a.len() < 3 || bbox.disjoint(self.lo, self.hi) {
            return Ok(0);
        }
        if !bbox.within(self.lo, self.hi) {
            clip_ring(a, b, &bbox, self.lo, self.hi);
            if a.len() < 3 {
                return Ok(0);
            }
        }
        if let Some(tol2) = self.tolerance2 {
            // Simplify the closed ring, keeping its first point.
            a.push(a[0]);
            simplify(a, tol2, keep, stack);
            a.pop();
        }
        let start = out.len();
        snap_into(a, out);
        while out.len() > start + 1 && out.last() == out.get(start) {
            out.pop();
        }
        let area = if out.len() - start >= 3 {
            area2(&out[start..])
        } else {
            0
        };
        if area == 0 {
            out.truncate(start);
        }
        Ok(area)
    }
}

#[derive(Clone, Copy)]
enum RingOut {
    Exterior,
    Holes,
}

/// Gives one ring to the encoder.
///
/// `mvt::GeomEncoder` skips the `MoveTo` of a ring whose first point equals the last point it
/// was given (meant to join line strings), which would make an invalid polygon; so a ring
/// starting where the previous one ended is started one point later. `cursor` tracks that
/// last point.
fn emit_ring(
    ring: &[IPt],
    cursor: &mut Option<IPt>,
    enc: &mut GeomEncoder<i32>,
) -> Result<(), Failure> {
    let first = match *cursor {
        Some(c) if ring.first() == Some(&c) => ring.iter().position(|p| *p != c).unwrap_or(0),
        _ => 0,
    };
    for p in ring[first..].iter().chain(&ring[..first]) {
        enc.add_point(p[0], p[1])?;
    }
    enc.complete_geom()?;
    *cursor = if first == 0 {
        ring.last().copied()
    } else {
        Some(ring[first - 1])
    };
    Ok(())
}

/// A bounding box of projected points.
struct BoxF {
    min: Pt,
    max: Pt,
}

impl BoxF {
    const EMPTY: Self = Self {
        min: [f64::INFINITY; 2],
        max: [f64::NEG_INFINITY; 2],
    };

    fn include(&mut self, p: Pt) {
        self.min = [self.min[0].min(p[0]), self.min[1].min(p[1])];
        self.max = [self.max[0].max(p[0]), self.max[1].max(p[1])];
    }

    fn disjoint(&self, lo: f64, hi: f64) -> bool {
        self.max[0] < lo || self.max[1] < lo || self.min[0] > hi || self.min[1] > hi
    }

    fn within(&self, lo: f64, hi: f64) -> bool {
        self.min[0] >= lo && self.min[1] >= lo && self.max[0] <= hi && self.max[1] <= hi
    }
}

/// Rounds a tile coordinate to the grid as PostGIS does (`rint`: halves to even).
#[allow(
    clippy::cast_possible_truncation,
    reason = "callers pass coordinates inside the buffered tile, a few thousand units at most"
)]
fn snap(v: f64) -> i32 {
    v.round_ties_even() as i32
}

/// Appends the snapped points to `out`, leaving out repeated consecutive points.
fn snap_into(points: &[Pt], out: &mut Vec<IPt>) {
    let start = out.len();
    for p in points {
        let s = [snap(p[0]), snap(p[1])];
        if out.len() == start || out.last() != Some(&s) {
            out.push(s);
        }
    }
}

/// Twice the signed area of an open ring (shoelace), in tile units with y down: positive for
/// rings clockwise on screen.
fn area2(ring: &[IPt]) -> i64 {
    let Some(&last) = ring.last() else {
        return 0;
    };
    let mut prev = last;
    let mut sum = 0i64;
    for &p in ring {
        sum += i64::from(prev[0]) * i64::from(p[1]) - i64::from(p[0]) * i64::from(prev[1]);
        prev = p;
    }
    sum
}

/// Where a segment crosses the box ([`clip_segment`]).
#[derive(Debug, PartialEq)]
struct Clipped {
    start: Pt,
    end: Pt,
    /// Whether `start` / `end` were moved onto the box (the segment comes in / goes out).
    enters: bool,
    leaves: bool,
}

/// Liang–Barsky: the part of segment `p`–`q` inside the box `lo..=hi` (both axes).
fn clip_segment(p: Pt, q: Pt, lo: f64, hi: f64) -> Option<Clipped> {
    let d = [q[0] - p[0], q[1] - p[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [
        (-d[0], p[0] - lo),
        (d[0], hi - p[0]),
        (-d[1], p[1] - lo),
        (d[1], hi - p[1]),
    ] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let r = qk / pk;
            if pk < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    let at = |t: f64| [p[0] + t * d[0], p[1] + t * d[1]];
    let (enters, leaves) = (t0 > 0.0, t1 < 1.0);
    Some(Clipped {
        start: if enters { at(t0) } else { p },
        end: if leaves { at(t1) } else { q },
        enters,
        leaves,
    })
}

/// Sutherland–Hodgman: clips the open ring in `a` to the box `lo..=hi`, using `b` as scratch;
/// the result is left in `a`. Only the sides that `bbox` (the ring's box) crosses are used.
fn clip_ring(a: &mut Vec<Pt>, b: &mut Vec<Pt>, bbox: &BoxF, lo: f64, hi: f64) {
    // (axis, bound, keep the side above the bound)
    let sides = [
        (0, lo, true, bbox.min[0] < lo),
        (0, hi, false, bbox.max[0] > hi),
        (1, lo, true, bbox.min[1] < lo),
        (1, hi, false, bbox.max[1] > hi),
    ];
    for (axis, bound, above, crosses) in sides {
        if !crosses {
            continue;
        }
        let Some(&last) = a.last() else {
            return;
        };
        let inside = |p: &Pt| {
            if above {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        b.clear();
        let mut prev = last;
        let mut prev_in = inside(&prev);
        for &cur in a.iter() {
            let cur_in = inside(&cur);
            if cur_in != prev_in {
                // The two points are on either side of the bound, so their `axis` differs.
                let t = (bound - prev[axis]) / (cur[axis] - prev[axis]);
                let other = 1 - axis;
                let mut p = [0.0; 2];
                p[axis] = bound;
                p[other] = prev[other] + t * (cur[other] - prev[other]);
                b.push(p);
            }
            if cur_in {
                b.push(cur);
            }
            prev = cur;
            prev_in = cur_in;
        }
        std::mem::swap(a, b);
    }
}

/// Squared distance from `point` to the segment `start`–`end`.
fn segment_distance2(point: Pt, start: Pt, end: Pt) -> f64 {
    let dir = [end[0] - start[0], end[1] - start[1]];
    let len2 = dir[0] * dir[0] + dir[1] * dir[1];
    let along = if len2 > 0.0 {
        (((point[0] - start[0]) * dir[0] + (point[1] - start[1]) * dir[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let dx = start[0] + along * dir[0] - point[0];
    let dy = start[1] + along * dir[1] - point[1];
    dx * dx + dy * dy
}

/// Douglas–Peucker in place, keeping the first and last points (iterative, no recursion).
fn simplify(
    points: &mut Vec<Pt>,
    tolerance2: f64,
    keep: &mut Vec<bool>,
    stack: &mut Vec<(usize, usize)>,
) {
    let n = points.len();
    if n < 3 {
        return;
    }
    keep.clear();
    keep.resize(n, false);
    keep[0] = true;
    keep[n - 1] = true;
    stack.clear();
    stack.push((0, n - 1));
    while let Some((i, j)) = stack.pop() {
        let (mut far, mut far_d2) = (i, tolerance2);
        for (k, &p) in points.iter().enumerate().take(j).skip(i + 1) {
            let d2 = segment_distance2(p, points[i], points[j]);
            if d2 > far_d2 {
                far = k;
                far_d2 = d2;
            }
        }
        if far != i {
            keep[far] = true;
            stack.push((i, far));
            stack.push((far, j));
        }
    }
    let mut w = 0;
    for r in 0..n {
        if keep[r] {
            points[w] = points[r];
            w += 1;
        }
    }
    points.truncate(w);
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "clipping puts points exactly on the box")]
mod tests {
    use super::*;

    fn rect_ring(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Pt> {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    }

    fn area_f(ring: &[Pt]) -> f64 {
        let mut prev = ring[ring.len() - 1];
        let mut sum = 0.0;
        for &p in ring {
            sum += prev[0] * p[1] - p[0] * prev[1];
            prev = p;
        }
        sum / 2.0
    }

    fn clip(ring: Vec<Pt>, lo: f64, hi: f64) -> Vec<Pt> {
        let mut a = ring;
        let mut bbox = BoxF::EMPTY;
        for &p in &a {
            bbox.include(p);
        }
        let mut b = Vec::new();
        clip_ring(&mut a, &mut b, &bbox, lo, hi);
        a
    }

    #[test]
    fn ring_covering_the_box_becomes_the_box() {
        let out = clip(rect_ring(-1e6, -1e6, 1e6, 1e6), -64.0, 4160.0);
        assert_eq!(out.len(), 4);
        assert!((area_f(&out) - 4224.0 * 4224.0).abs() < 1e-6);
        for p in out {
            assert!(p[0] == -64.0 || p[0] == 4160.0);
            assert!(p[1] == -64.0 || p[1] == 4160.0);
        }
    }

    #[test]
    fn ring_crossing_one_side_is_cut_there() {
        let out = clip(rect_ring(4000.0, 100.0, 5000.0, 200.0), -64.0, 4160.0);
        assert!((area_f(&out) - 160.0 * 100.0).abs() < 1e-9);
        assert!(out.iter().all(|p| p[0] <= 4160.0));
    }

    #[test]
    fn concave_ring_leaving_and_returning_keeps_its_area() {
        // A "U" open to the east whose arms stick out of the box on the east side.
        let u = vec![
            [3000.0, 1000.0],
            [5000.0, 1000.0],
            [5000.0, 1500.0],
            [3500.0, 1500.0],
            [3500.0, 2500.0],
            [5000.0, 2500.0],
            [5000.0, 3000.0],
            [3000.0, 3000.0],
        ];
        let out = clip(u, 0.0, 4096.0);
        // Inside: 1096 × 2000 minus the notch 596 × 1000.
        let expected = 1096.0 * 2000.0 - 596.0 * 1000.0;
        assert!((area_f(&out) - expected).abs() < 1e-6, "{}", area_f(&out));
    }

    #[test]
    fn segments_are_clipped_by_liang_barsky() {
        let (lo, hi) = (0.0, 100.0);
        let clipped = |start, end, enters, leaves| {
            Some(Clipped {
                start,
                end,
                enters,
                leaves,
            })
        };
        assert_eq!(
            clip_segment([-50.0, 50.0], [150.0, 50.0], lo, hi),
            clipped([0.0, 50.0], [100.0, 50.0], true, true)
        );
        assert_eq!(clip_segment([-50.0, -1.0], [150.0, -1.0], lo, hi), None);
        assert_eq!(
            clip_segment([-50.0, 0.0], [50.0, 200.0], lo, hi),
            clipped([0.0, 100.0], [0.0, 100.0], true, true)
        );
        assert_eq!(
            clip_segment([10.0, 10.0], [20.0, 20.0], lo, hi),
            clipped([10.0, 10.0], [20.0, 20.0], false, false)
        );
        assert_eq!(
            clip_segment([10.0, 10.0], [10.0, 120.0], lo, hi),
            clipped([10.0, 10.0], [10.0, 100.0], false, true)
        );
        assert_eq!(clip_segment([150.0, 0.0], [250.0, 300.0], lo, hi), None);
    }

    #[test]
    fn douglas_peucker_drops_points_within_the_tolerance() {
        let mut pts: Vec<Pt> = (0..=100)
            .map(|i| [f64::from(i) * 10.0, if i % 2 == 0 { 0.0 } else { 0.4 }])
            .collect();
        let (mut keep, mut stack) = (Vec::new(), Vec::new());
        simplify(&mut pts, 1.0, &mut keep, &mut stack);
        assert_eq!(pts, vec![[0.0, 0.0], [1000.0, 0.0]]);

        let mut zigzag: Vec<Pt> = (0..=10)
            .map(|i| [f64::from(i) * 10.0, if i % 2 == 0 { 0.0 } else { 5.0 }])
            .collect();
        simplify(&mut zigzag, 1.0, &mut keep, &mut stack);
        assert_eq!(zigzag.len(), 11);
    }

    #[test]
    fn shoelace_is_positive_for_clockwise_on_screen() {
        // (0,0) → (10,0) → (10,10): right, then down the screen: clockwise.
        assert_eq!(area2(&[[0, 0], [10, 0], [10, 10], [0, 10]]), 200);
        assert_eq!(area2(&[[0, 0], [0, 10], [10, 10], [10, 0]]), -200);
        assert_eq!(area2(&[[0, 0], [5, 5], [10, 10]]), 0);
    }

    #[test]
    fn snapping_rounds_half_to_even_and_drops_repeats() {
        let mut out = Vec::new();
        snap_into(
            &[[0.5, 1.5], [0.4, 1.6], [2.5, -0.5], [2.6, -0.4]],
            &mut out,
        );
        assert_eq!(out, vec![[0, 2], [2, 0], [3, 0]]);
    }
}
