//! Satellite and aerial imagery on the one map (B1 公共基础数据 影像, B5 一张图).
//!
//! A scene is a georeferenced multi-band raster on the server's disk (GeoTIFF, COG, or anything
//! GDAL reads). Registering it takes three looks at the file:
//!
//! - [`inspect`]: size, bands, data type, nodata, coordinate system, geotransform, overviews,
//!   band descriptions, and the footprint as a longitude/latitude box (the corners and densified
//!   edges transformed to EPSG:4326 in traditional GIS order, longitude first);
//! - [`resolve_roles`]: which band is blue, green, red, NIR, SWIR1, SWIR2, named explicitly
//!   (`red=3,nir=4`, the parser of [`Bands`]) or else guessed from band descriptions, colour
//!   interpretation and band count exactly as change detection does;
//! - [`compute_stretch`]: each band's 2 % and 98 % percentiles, from a decimated read (GDAL
//!   serves it from overviews when the file has them), so a big scene registers quickly.
//!
//! [`render_tile`] then draws one 256×256 Web Mercator tile of a [`Scene`] in a [`Mode`]:
//!
//! | mode | red, green, blue of the tile | needs |
//! |---|---|---|
//! | `true` (真彩色) | red, green, blue bands, each stretched | red, green, blue |
//! | `false` (假彩色) | NIR, red, green (standard false colour: vegetation is red) | NIR, red, green |
//! | `ndvi` | [`ndvi_colour`] of (NIR − Red) / (NIR + Red) | NIR, red |
//!
//! A scene lacking a band a mode needs is refused with [`ImageryError::MissingRole`]. Nodata and
//! pixels outside the scene are transparent; a tile that does not meet the footprint is `None`.
//! [`build_overviews`] adds overviews (AVERAGE) to a file that has none.

mod inspect;
mod render;

pub use inspect::{
    BandStretch, SceneInfo, build_overviews, compute_stretch, inspect, resolve_roles,
};
pub use render::{NDVI_MAX, NDVI_MIN, ndvi_colour, render_tile};

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::change::{Band, Bands, ChangeError};

/// How a scene is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// True colour (真彩色): red, green, blue.
    True,
    /// Standard false colour (标准假彩色): NIR, red, green as red, green, blue.
    False,
    /// NDVI through a brown–yellow–green ramp.
    Ndvi,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::True, Mode::False, Mode::Ndvi];

    /// `true`, `false` or `ndvi`.
    pub fn key(self) -> &'static str {
        match self {
            Mode::True => "true",
            Mode::False => "false",
            Mode::Ndvi => "ndvi",
        }
    }

    /// The bands the mode reads, in the order it uses them.
    pub fn bands(self) -> &'static [Band] {
        match self {
            Mode::True => &[Band::Red, Band::Green, Band::Blue],
            Mode::False => &[Band::Nir, Band::Red, Band::Green],
            Mode::Ndvi => &[Band::Nir, Band::Red],
        }
    }

    /// The band numbers of [`Mode::bands`] in `bands`, or the first band that is missing.
    pub fn band_numbers(self, bands: &Bands) -> Result<Vec<usize>, ImageryError> {
        self.bands()
            .iter()
            .map(|b| {
                bands.get(*b).ok_or(ImageryError::MissingRole {
                    mode: self,
                    band: *b,
                })
            })
            .collect()
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for Mode {
    type Err = ImageryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Mode::True),
            "false" => Ok(Mode::False),
            "ndvi" => Ok(Mode::Ndvi),
            other => Err(ImageryError::UnknownMode(other.to_owned())),
        }
    }
}

/// A registered scene, as [`render_tile`] needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub path: PathBuf,
    /// Band roles, resolved at registration.
    pub bands: Bands,
    /// The stretch of each band, from [`compute_stretch`].
    pub stretch: Vec<BandStretch>,
    /// The footprint in longitude/latitude: `[min_lon, min_lat, max_lon, max_lat]`.
    pub bounds: [f64; 4],
}

/// Why a scene cannot be registered or drawn.
#[derive(Debug, thiserror::Error)]
pub enum ImageryError {
    #[error("{path} is not a raster GDAL can read: {message}")]
    Open { path: String, message: String },
    #[error("{path} has no raster bands")]
    NoBands { path: String },
    #[error(
        "{path} is not georeferenced (it needs a geotransform and a coordinate system to be \
         placed on the map)"
    )]
    NotGeoreferenced { path: String },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error(
        "the {mode} mode needs the {band} band, which is not known in this scene: name it when \
         registering, e.g. bands {band}=4"
    )]
    MissingRole { mode: Mode, band: Band },
    #[error("no such tile: {0}")]
    BadTile(String),
    #[error("unknown mode {0:?}: use true, false or ndvi")]
    UnknownMode(String),
    #[error(transparent)]
    Bands(#[from] ChangeError),
    #[error("cannot warp the tile: {0}")]
    Warp(String),
    #[error("cannot build overviews of {path}: {message}")]
    Overviews { path: String, message: String },
    #[error("cannot encode the tile: {0}")]
    Encode(String),
}
