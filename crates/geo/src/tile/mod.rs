//! Web Mercator tiles (the XYZ scheme of `/tiles/{z}/{x}/{y}.mvt`) and Mapbox Vector Tile
//! encoding.
//!
//! Tile coordinates follow PostGIS: [`TileId::bounds_mercator`] is `ST_TileEnvelope(z, x, y)`
//! and [`encode_tile`] puts a geometry where
//! `ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(z, x, y), extent, buffer, true)`
//! does: longitude/latitude degrees (EPSG:4490 or 4326) → EPSG:3857 → `0..extent` with y
//! pointing down, snapped to the integer grid.
//!
//! To serve a tile, select the features whose bounding box meets
//! [`TileId::bounds_lonlat_buffered`]`(opts.buffer, opts.extent)` and hand them to
//! [`encode_tile`]: features outside that box cannot contribute anything.
//!
//! ```
//! use linzhang_geo::geo::{Geometry, polygon};
//! use linzhang_geo::tile::{TileFeature, TileLayer, TileOptions, encode_tile, tile_of};
//!
//! # fn main() -> Result<(), linzhang_geo::tile::TileError> {
//! let area = Geometry::Polygon(polygon![
//!     (x: 120.30, y: 31.50), (x: 120.31, y: 31.50), (x: 120.31, y: 31.51), (x: 120.30, y: 31.51),
//! ]);
//! let properties = serde_json::json!({ "name": "东山林区", "level": 2 });
//! let properties = properties.as_object().expect("an object");
//! let tile = tile_of(120.305, 31.505, 14);
//! let layer = TileLayer {
//!     name: "areas",
//!     features: vec![TileFeature { id: Some(7), geometry: &area, properties }],
//! };
//! let bytes = encode_tile(tile, &[layer], &TileOptions::default())?;
//! assert!(!bytes.is_empty());
//! # Ok(())
//! # }
//! ```

mod clip;
#[cfg(test)]
mod decode;
mod encode;

use std::f64::consts::PI;

use crate::measure::Bbox;

pub use encode::encode_tile;

/// The highest zoom level [`TileId`] accepts.
pub const MAX_ZOOM: u8 = 24;

/// The largest [`TileOptions::extent`] [`encode_tile`] accepts.
pub const MAX_EXTENT: u32 = 1 << 16;

/// The radius of the Web Mercator sphere (the WGS84 semi-major axis), in metres.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Half the width of the Web Mercator world, in metres: x and y go from `-HALF_WORLD_M` to
/// `HALF_WORLD_M` (20 037 508.342 789 244 m).
pub const HALF_WORLD_M: f64 = PI * EARTH_RADIUS_M;

/// The latitude of the northern edge of the Web Mercator world (`atan(sinh(π))`, in degrees).
/// Latitudes beyond ±`MAX_LATITUDE` are clamped to it.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Longitude/latitude degrees → EPSG:3857 metres `[x, y]` (spherical Mercator; agrees with
/// PROJ to well under a micrometre). The latitude is clamped to ±[`MAX_LATITUDE`].
pub fn lonlat_to_mercator(lon: f64, lat: f64) -> [f64; 2] {
    let sin = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE).to_radians().sin();
    // y = R · atanh(sin φ) = R · asinh(tan φ), with one `sin` and one `ln`: this runs for every
    // vertex of every tile, and `asinh` costs three times as much.
    [
        EARTH_RADIUS_M * lon.to_radians(),
        EARTH_RADIUS_M * 0.5 * ((1.0 + sin) / (1.0 - sin)).ln(),
    ]
}

/// EPSG:3857 metres → longitude/latitude degrees `[lon, lat]`.
pub fn mercator_to_lonlat(x: f64, y: f64) -> [f64; 2] {
    [
        (x / EARTH_RADIUS_M).to_degrees(),
        (y / EARTH_RADIUS_M).sinh().atan().to_degrees(),
    ]
}

/// Why a tile could not be addressed or encoded.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// The zoom level is above [`MAX_ZOOM`].
    #[error("zoom level {z} is out of range: zoom levels go from 0 to {max}", max = MAX_ZOOM)]
    ZoomOutOfRange {
        /// The requested zoom level.
        z: u8,
    },

    /// x or y is not below `2^z`.
    #[error("tile {z}/{x}/{y} does not exist: at zoom {z}, x and y go from 0 to {max}")]
    TileOutOfRange {
        /// Zoom level.
        z: u8,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
        /// The largest valid x or y at this zoom (`2^z - 1`).
        max: u32,
    },

    /// [`TileOptions::extent`] is 0 or above [`MAX_EXTENT`].
    #[error("tile extent {extent} is out of range: it must be between 1 and {max}", max = MAX_EXTENT)]
    ExtentOutOfRange {
        /// The requested extent.
        extent: u32,
    },

    /// [`TileOptions::buffer`] is larger than the extent.
    #[error("tile buffer {buffer} is out of range: it must not exceed the extent ({extent})")]
    BufferOutOfRange {
        /// The requested buffer.
        buffer: u32,
        /// The requested extent.
        extent: u32,
    },

    /// Two layers of one tile have the same name.
    #[error("layer {name:?} appears twice in the tile: layer names must be unique")]
    DuplicateLayer {
        /// The repeated name.
        name: String,
    },

    /// A coordinate of a feature is NaN or infinite.
    #[error("feature {index} of layer {layer:?} has a coordinate that is not a finite number")]
    NonFiniteCoordinate {
        /// The layer name.
        layer: String,
        /// The position of the feature in [`TileLayer::features`].
        index: usize,
    },

    /// The `mvt` encoder refused the tile.
    #[error("cannot encode the vector tile: {0}")]
    Encode(#[from] mvt::Error),
}

/// One tile of the XYZ scheme: `x` grows eastwards from the antimeridian, `y` grows
/// southwards from the northern edge of the Web Mercator world (the scheme of OpenStreetMap,
/// Google, Amap and `/tiles/{z}/{x}/{y}.mvt`; not TMS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom level, `0..=MAX_ZOOM`.
    pub z: u8,
    /// Column, `0..2^z`.
    pub x: u32,
    /// Row, `0..2^z` (0 at the north).
    pub y: u32,
}

impl std::fmt::Display for TileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

impl TileId {
    /// The tile `z/x/y`, if it exists: `z <= MAX_ZOOM` and `x, y < 2^z`.
    pub fn new(z: u8, x: u32, y: u32) -> Result<Self, TileError> {
        if z > MAX_ZOOM {
            return Err(TileError::ZoomOutOfRange { z });
        }
        let max = (1u32 << z) - 1;
        if x > max || y > max {
            return Err(TileError::TileOutOfRange { z, x, y, max });
        }
        Ok(Self { z, x, y })
    }

    /// The width (= height) of the tile in EPSG:3857 metres.
    pub fn size_mercator(&self) -> f64 {
        2.0 * HALF_WORLD_M / f64::from(1u32 << self.z.min(MAX_ZOOM))
    }

    /// The tile in EPSG:3857 metres, `[min_x, min_y, max_x, max_y]`, computed as PostGIS
    /// `ST_TileEnvelope(z, x, y)` does.
    pub fn bounds_mercator(&self) -> [f64; 4] {
        let size = self.size_mercator();
        let (x, y) = (f64::from(self.x), f64::from(self.y));
        [
            -HALF_WORLD_M + size * x,
            HALF_WORLD_M - size * (y + 1.0),
            -HALF_WORLD_M + size * (x + 1.0),
            HALF_WORLD_M - size * y,
        ]
    }

    /// The tile in longitude/latitude degrees.
    pub fn bounds_lonlat(&self) -> Bbox {
        let [x0, y0, x1, y1] = self.bounds_mercator();
        mercator_box_to_lonlat(x0, y0, x1, y1)
    }

    /// The tile grown by `buffer_px` units of a tile `extent` units wide (the clipping box of
    /// [`encode_tile`] with [`TileOptions::buffer`] and [`TileOptions::extent`]), in
    /// longitude/latitude degrees and cut at the edges of the world.
    ///
    /// Use it to select candidate features: a feature whose bounding box does not meet it
    /// contributes nothing to the tile.
    pub fn bounds_lonlat_buffered(&self, buffer_px: u32, extent: u32) -> Bbox {
        let [x0, y0, x1, y1] = self.bounds_mercator();
        let margin = self.size_mercator() * f64::from(buffer_px) / f64::from(extent.max(1));
        let grow = |v: f64, by: f64| (v + by).clamp(-HALF_WORLD_M, HALF_WORLD_M);
        mercator_box_to_lonlat(
            grow(x0, -margin),
            grow(y0, -margin),
            grow(x1, margin),
            grow(y1, margin),
        )
    }
}

fn mercator_box_to_lonlat(x0: f64, y0: f64, x1: f64, y1: f64) -> Bbox {
    let [min_x, min_y] = mercator_to_lonlat(x0, y0);
    let [max_x, max_y] = mercator_to_lonlat(x1, y1);
    Bbox {
        min_x,
        min_y,
        max_x,
        max_y,
    }
}

/// Tile column and row of a position at zoom `z`, as fractions (`0.0..2^z`).
fn tile_fraction(lon: f64, lat: f64, z: u8) -> (f64, f64) {
    let n = f64::from(1u32 << z);
    let [mx, my] = lonlat_to_mercator(lon, lat);
    let x = (mx + HALF_WORLD_M) / (2.0 * HALF_WORLD_M) * n;
    let y = (HALF_WORLD_M - my) / (2.0 * HALF_WORLD_M) * n;
    (x, y)
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to 0..2^z, which fits in u32; NaN becomes 0"
)]
fn floor_index(v: f64, max: u32) -> u32 {
    v.floor().clamp(0.0, f64::from(max)) as u32
}

/// The tile at zoom `z` that contains the position (longitude, latitude in degrees).
///
/// Positions on a tile edge belong to the tile east / south of it; positions beyond the
/// world (longitude outside ±180°, latitude beyond ±[`MAX_LATITUDE`]) to the edge tile. A zoom
/// above [`MAX_ZOOM`] is taken as `MAX_ZOOM`.
pub fn tile_of(lon: f64, lat: f64, z: u8) -> TileId {
    let z = z.min(MAX_ZOOM);
    let max = (1u32 << z) - 1;
    let (x, y) = tile_fraction(lon, lat, z);
    TileId {
        z,
        x: floor_index(x, max),
        y: floor_index(y, max),
    }
}

/// The tiles at zoom `z` that meet `bbox` (longitude/latitude degrees), row by row from the
/// north-west. Tiles that only touch the box on their west or north edge are included. A box
/// with `min > max` (or NaN) covers nothing; a zoom above [`MAX_ZOOM`] is taken as `MAX_ZOOM`.
pub fn tiles_covering(bbox: &Bbox, z: u8) -> TileRange {
    let z = z.min(MAX_ZOOM);
    if !(bbox.min_x <= bbox.max_x && bbox.min_y <= bbox.max_y) {
        return TileRange::empty(z);
    }
    let nw = tile_of(bbox.min_x, bbox.max_y, z);
    let se = tile_of(bbox.max_x, bbox.min_y, z);
    TileRange {
        z,
        min_x: nw.x,
        max_x: se.x,
        min_y: nw.y,
        max_y: se.y,
        next: Some((nw.x, nw.y)),
    }
}

/// A rectangle of tiles of one zoom level ([`tiles_covering`]); iterates row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileRange {
    /// Zoom level.
    pub z: u8,
    /// Westernmost column.
    pub min_x: u32,
    /// Easternmost column (inclusive).
    pub max_x: u32,
    /// Northernmost row.
    pub min_y: u32,
    /// Southernmost row (inclusive).
    pub max_y: u32,
    next: Option<(u32, u32)>,
}

impl TileRange {
    fn empty(z: u8) -> Self {
        Self {
            z,
            min_x: 1,
            max_x: 0,
            min_y: 1,
            max_y: 0,
            next: None,
        }
    }

    /// How many tiles the rectangle has (all of them, including those already iterated).
    pub fn tile_count(&self) -> u64 {
        if self.min_x > self.max_x || self.min_y > self.max_y {
            return 0;
        }
        u64::from(self.max_x - self.min_x + 1) * u64::from(self.max_y - self.min_y + 1)
    }
}

impl Iterator for TileRange {
    type Item = TileId;

    fn next(&mut self) -> Option<TileId> {
        let (x, y) = self.next?;
        self.next = if x < self.max_x {
            Some((x + 1, y))
        } else if y < self.max_y {
            Some((self.min_x, y + 1))
        } else {
            None
        };
        Some(TileId { z: self.z, x, y })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = match self.next {
            None => 0,
            Some((x, y)) => {
                let width = u64::from(self.max_x - self.min_x + 1);
                let rows_below = u64::from(self.max_y - y);
                rows_below * width + u64::from(self.max_x - x + 1)
            }
        };
        match usize::try_from(left) {
            Ok(n) => (n, Some(n)),
            Err(_) => (usize::MAX, None),
        }
    }
}

/// How [`encode_tile`] builds a tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileOptions {
    /// Tile coordinates go from 0 to `extent` (4096, as PostGIS and Mapbox).
    pub extent: u32,
    /// Geometry is kept up to `buffer` units outside the tile (64), so that lines and polygon
    /// outlines do not show seams where tiles meet.
    pub buffer: u32,
    /// Simplify lines and rings (Douglas–Peucker with a tolerance of
    /// [`SIMPLIFY_TOLERANCE`] tile units) before snapping them to the integer grid (true).
    pub simplify: bool,
}

/// The Douglas–Peucker tolerance of [`TileOptions::simplify`], in tile units: one unit, 1/4096
/// of a tile at the default extent (1/8 of a screen pixel on a 512-px tile). Points are snapped
/// to whole units anyway, so this removes only detail that no screen shows, while cutting the
/// vertices of finely digitised boundaries at low zoom.
pub const SIMPLIFY_TOLERANCE: f64 = 1.0;

impl Default for TileOptions {
    fn default() -> Self {
        Self {
            extent: 4096,
            buffer: 64,
            simplify: true,
        }
    }
}

/// A feature to put into a tile.
#[derive(Debug, Clone, Copy)]
pub struct TileFeature<'a> {
    /// The MVT feature id.
    pub id: Option<u64>,
    /// The geometry in longitude/latitude degrees (EPSG:4490 ≈ 4326).
    pub geometry: &'a geo::Geometry<f64>,
    /// Attributes: strings, numbers and booleans become MVT values of that type (integers as
    /// `uint` when ≥ 0, else `sint`; other numbers as `double`), `null` is left out, arrays and
    /// objects become their JSON text.
    pub properties: &'a serde_json::Map<String, serde_json::Value>,
}

/// A named layer of features.
#[derive(Debug, Clone)]
pub struct TileLayer<'a> {
    /// The layer name (unique within a tile).
    pub name: &'a str,
    /// The features, in drawing order.
    pub features: Vec<TileFeature<'a>>,
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the world's bounds are exact")]
mod tests {
    use super::*;

    fn slippy(lon: f64, lat: f64, z: u8) -> (u32, u32) {
        // The standard slippy-map formula, independently of `tile_of`.
        let n = f64::from(1u32 << z);
        let phi = lat.to_radians();
        let x = ((lon + 180.0) / 360.0 * n).floor();
        let y = ((1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / PI) / 2.0 * n).floor();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (x as u32, y as u32)
    }

    #[test]
    fn tile_of_matches_slippy_map_formula() {
        // Wuxi: (120.3 + 180) / 360 · 4096 = 3416.75; (1 − ln(tan φ + sec φ) / π) / 2 · 4096
        // = 1670.05.
        assert_eq!(
            tile_of(120.3, 31.5, 12),
            TileId {
                z: 12,
                x: 3416,
                y: 1670
            }
        );
        assert_eq!(slippy(120.3, 31.5, 12), (3416, 1670));
        assert_eq!(
            tile_of(120.3, 31.5, 15),
            TileId {
                z: 15,
                x: 27333,
                y: 13360
            }
        );
        for &(lon, lat) in &[
            (120.3, 31.5),
            (120.2891, 31.4912),
            (-73.98, 40.75),
            (0.0001, -0.0001),
            (179.9, -84.0),
            (-179.9, 84.0),
        ] {
            for z in [0u8, 1, 5, 12, 15, 18, 24] {
                let t = tile_of(lon, lat, z);
                assert_eq!((t.x, t.y), slippy(lon, lat, z), "{lon},{lat} z{z}");
            }
        }
        assert_eq!(tile_of(120.3, 31.5, 0), TileId { z: 0, x: 0, y: 0 });
    }

    #[test]
    fn tile_of_clamps_beyond_the_world() {
        assert_eq!(tile_of(180.0, 90.0, 3), TileId { z: 3, x: 7, y: 0 });
        assert_eq!(tile_of(-200.0, -90.0, 3), TileId { z: 3, x: 0, y: 7 });
        assert_eq!(tile_of(f64::NAN, 10.0, 3).x, 0);
        assert_eq!(tile_of(120.3, 31.5, 30).z, MAX_ZOOM);
    }

    #[test]
    fn new_rejects_tiles_that_do_not_exist() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert!(TileId::new(24, (1 << 24) - 1, 0).is_ok());
        let e = TileId::new(25, 0, 0).expect_err("z too high");
        assert!(matches!(e, TileError::ZoomOutOfRange { z: 25 }));
        assert_eq!(
            e.to_string(),
            "zoom level 25 is out of range: zoom levels go from 0 to 24"
        );
        let e = TileId::new(12, 4096, 5).expect_err("x too high");
        assert!(matches!(e, TileError::TileOutOfRange { max: 4095, .. }));
        assert_eq!(
            e.to_string(),
            "tile 12/4096/5 does not exist: at zoom 12, x and y go from 0 to 4095"
        );
        assert!(TileId::new(0, 0, 1).is_err());
    }

    #[test]
    fn bounds_match_tile_envelope_and_round_trip() {
        let world = TileId::new(0, 0, 0).expect("tile").bounds_mercator();
        assert_eq!(
            world,
            [-HALF_WORLD_M, -HALF_WORLD_M, HALF_WORLD_M, HALF_WORLD_M]
        );
        assert!((HALF_WORLD_M - 20_037_508.342_789_244).abs() < 1e-6);
        let w = TileId::new(0, 0, 0).expect("tile").bounds_lonlat();
        assert!((w.max_y - MAX_LATITUDE).abs() < 1e-9 && (w.min_x + 180.0).abs() < 1e-9);
        assert!((MAX_LATITUDE - PI.sinh().atan().to_degrees()).abs() < 1e-12);

        // ST_TileEnvelope(12, 3416, 1670)
        let t = TileId::new(12, 3416, 1670).expect("tile");
        let [x0, y0, x1, y1] = t.bounds_mercator();
        let size = 40_075_016.685_578_49 / 4096.0;
        assert!((x0 - (-20_037_508.342_789_244 + 3416.0 * size)).abs() < 1e-6);
        assert!((y1 - (20_037_508.342_789_244 - 1670.0 * size)).abs() < 1e-6);
        assert!((x1 - x0 - size).abs() < 1e-6 && (y1 - y0 - size).abs() < 1e-6);

        for z in [2u8, 7, 12, 15, 20, 24] {
            let t = tile_of(120.3, 31.5, z);
            let b = t.bounds_lonlat();
            assert!(b.min_x <= 120.3 && 120.3 < b.max_x, "z{z}");
            assert!(b.min_y < 31.5 && 31.5 <= b.max_y, "z{z}");
            // The centre and the corners (nudged inwards) fall back into the same tile.
            let eps_x = (b.max_x - b.min_x) * 1e-6;
            let eps_y = (b.max_y - b.min_y) * 1e-6;
            for (lon, lat) in [
                (
                    f64::midpoint(b.min_x, b.max_x),
                    f64::midpoint(b.min_y, b.max_y),
                ),
                (b.min_x + eps_x, b.max_y - eps_y),
                (b.max_x - eps_x, b.min_y + eps_y),
            ] {
                assert_eq!(tile_of(lon, lat, z), t, "z{z}");
            }
            // The neighbours share the edges.
            if z >= 3 {
                let east = TileId::new(z, t.x + 1, t.y).expect("tile").bounds_lonlat();
                let south = TileId::new(z, t.x, t.y + 1).expect("tile").bounds_lonlat();
                assert!((east.min_x - b.max_x).abs() < 1e-12);
                assert!((south.max_y - b.min_y).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn mercator_round_trip() {
        for &(lon, lat) in &[(120.3, 31.5), (-179.0, -80.0), (0.0, 0.0), (45.0, 60.0)] {
            let [x, y] = lonlat_to_mercator(lon, lat);
            let [lon2, lat2] = mercator_to_lonlat(x, y);
            assert!((lon - lon2).abs() < 1e-12 && (lat - lat2).abs() < 1e-12);
        }
        // The textbook form R · asinh(tan φ), from pole to pole.
        for i in -850..=850 {
            let lat = f64::from(i) / 10.0;
            let [_, y] = lonlat_to_mercator(0.0, lat);
            let want = EARTH_RADIUS_M * lat.to_radians().tan().asinh();
            assert!((y - want).abs() < 1e-6, "{lat}: {y} vs {want}");
        }
        // PROJ 9.1: `echo 31.5 120.3 | cs2cs EPSG:4326 EPSG:3857` → 13391734.742431 3697855.330338
        let [x, y] = lonlat_to_mercator(120.3, 31.5);
        assert!((x - 13_391_734.742_431).abs() < 1e-5, "{x}");
        assert!((y - 3_697_855.330_338).abs() < 1e-5, "{y}");
    }

    #[test]
    fn buffered_bounds_grow_by_the_buffer() {
        let t = TileId::new(12, 3416, 1670).expect("tile");
        let b = t.bounds_lonlat();
        let bb = t.bounds_lonlat_buffered(64, 4096);
        let dx = (b.max_x - b.min_x) * 64.0 / 4096.0;
        assert!((b.min_x - bb.min_x - dx).abs() < 1e-9);
        assert!((bb.max_x - b.max_x - dx).abs() < 1e-9);
        assert!(bb.min_y < b.min_y && bb.max_y > b.max_y);
        // In Mercator the growth is exact on all four sides.
        let [_, y0, _, y1] = t.bounds_mercator();
        let m = t.size_mercator() / 64.0;
        let [_, by0] = lonlat_to_mercator(bb.min_x, bb.min_y);
        let [_, by1] = lonlat_to_mercator(bb.max_x, bb.max_y);
        assert!((y0 - m - by0).abs() < 1e-6 && (by1 - y1 - m).abs() < 1e-6);
        // The world's edges stay put.
        let w = TileId::new(0, 0, 0)
            .expect("tile")
            .bounds_lonlat_buffered(64, 4096);
        assert!((w.min_x + 180.0).abs() < 1e-9 && (w.max_y - MAX_LATITUDE).abs() < 1e-9);
    }

    #[test]
    fn tiles_covering_a_box() {
        let t = tile_of(120.3, 31.5, 15);
        let b = t.bounds_lonlat();
        // A box strictly inside one tile.
        let inner = Bbox {
            min_x: b.min_x + 1e-6,
            min_y: b.min_y + 1e-6,
            max_x: b.max_x - 1e-6,
            max_y: b.max_y - 1e-6,
        };
        assert_eq!(tiles_covering(&inner, 15).collect::<Vec<_>>(), vec![t]);
        // A box spanning 3 × 2 tiles.
        let c = TileId::new(15, t.x + 2, t.y + 1)
            .expect("tile")
            .bounds_lonlat();
        let wide = Bbox {
            min_x: b.min_x + 1e-6,
            min_y: c.min_y + 1e-6,
            max_x: c.max_x - 1e-6,
            max_y: b.max_y - 1e-6,
        };
        let range = tiles_covering(&wide, 15);
        assert_eq!(range.tile_count(), 6);
        assert_eq!(range.size_hint(), (6, Some(6)));
        let tiles: Vec<_> = range.collect();
        assert_eq!(tiles.len(), 6);
        assert_eq!(tiles[0], t);
        assert_eq!(tiles[1], TileId::new(15, t.x + 1, t.y).expect("tile"));
        assert_eq!(tiles[3], TileId::new(15, t.x, t.y + 1).expect("tile"));
        assert_eq!(tiles[5], TileId::new(15, t.x + 2, t.y + 1).expect("tile"));
        // Whole world at zoom 2; an inverted box covers nothing.
        let world = Bbox {
            min_x: -180.0,
            min_y: -90.0,
            max_x: 180.0,
            max_y: 90.0,
        };
        assert_eq!(tiles_covering(&world, 2).count(), 16);
        let inverted = Bbox {
            min_x: 1.0,
            min_y: 0.0,
            max_x: 0.0,
            max_y: 1.0,
        };
        let r = tiles_covering(&inverted, 5);
        assert_eq!(r.tile_count(), 0);
        assert_eq!(r.count(), 0);
    }
}
