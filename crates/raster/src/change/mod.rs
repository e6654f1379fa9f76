//! Spectral indices and change detection on satellite scenes (D1, 卫星遥感监测).
//!
//! Two things come out of here:
//!
//! - [`write_index`]: one spectral index of a multi-band GeoTIFF as a Float32 GeoTIFF with the
//!   source's georeferencing (`linzhang index ndvi|nbr|ndmi IN.tif OUT.tif`);
//! - [`detect`]: the suspected change patches (疑似变化图斑) between two scenes of the same place
//!   (`linzhang detect --before A.tif --after B.tif --out patches.geojson`), as lon/lat
//!   polygons with their area, index changes and a suspected cause; [`patches_geojson`] writes
//!   them and [`clip_patches`] clips them to forest land.
//!
//! # Indices
//!
//! | index | formula | Sentinel-2 bands |
//! |---|---|---|
//! | NDVI | (NIR − Red) / (NIR + Red) | B8, B4 |
//! | NBR | (NIR − SWIR2) / (NIR + SWIR2) | B8, B12 |
//! | NDMI | (NIR − SWIR1) / (NIR + SWIR1) | B8, B11 |
//!
//! Band values are used as stored, after the band's GDAL scale and offset when it has them.
//! A pixel is nodata in an index when one of its two bands is the band's nodata value or NaN,
//! or when the ratio is not finite (both bands zero). Where the bands come from is described
//! in [`Bands`].
//!
//! # Detection, step by step
//!
//! 1. **Common grid.** The after scene is brought onto the before scene's grid when they differ
//!    in size, geotransform or coordinate system: GDAL's `GDALReprojectImage` (bilinear,
//!    through the `gdal` crate's `reproject`) writes it to a temporary Float32 GeoTIFF, removed
//!    afterwards. Nodata of the source is honoured; pixels outside it are nodata.
//! 2. **Indices and their changes**, in windows of rows read in parallel (rayon; every worker
//!    has its own GDAL handle), so a city-sized scene never sits in memory. Changes are
//!    *before − after*, as in Key & Benson's dNBR: positive means a loss of greenness (NDVI),
//!    of the burn ratio (NBR) or of moisture (NDMI).
//! 3. **Masking.** Pixels that are nodata in either scene or cloudy in either scene are never
//!    change (see [`CloudTest`]).
//! 4. **Thresholds** ([`Thresholds`]): a pixel changed when any index dropped by at least its
//!    threshold.
//! 5. **Clean-up**: a 3×3 opening then a 3×3 closing of the change mask (see [`morph`]), kept
//!    within valid pixels.
//! 6. **Patches**: connected components (8-connectivity by default) turned into pixel-edge
//!    polygons ([`polygonize`]), transformed to longitude/latitude (EPSG:4490 by default) and
//!    measured on the ellipsoid ([`linzhang_geo::geodesic_area_m2`]); patches under the
//!    minimum mapping unit (1 mu = 666.7 m² by default) are dropped.
//! 7. **Attributes**: area, mean and maximum change of each index, before/after means, the
//!    dates of both scenes and a suspected [`Cause`].
//!
//! Clipping to forest land and joining grids, responsibility areas and sub-compartments is the
//! platform's work on the returned patches ([`clip_patches`] does the clip).

mod bands;
mod detect;
mod geojson;
mod index;
pub(crate) mod kernel;
pub mod morph;
mod patch;
mod polygonize;
mod runs;
mod scene;

pub use bands::{Band, Bands};
pub use detect::{CauseRules, CloudTest, DetectOptions, Thresholds, detect};
pub use geojson::{clip_patches, patches_geojson};
pub use index::{IndexSummary, write_index};
pub use patch::{Cause, IndexChange, Patch};
pub use polygonize::{Connectivity, polygonize};

use std::fmt;
use std::str::FromStr;

/// Square metres in the default minimum mapping unit, 1 mu (亩).
pub const DEFAULT_MIN_AREA_M2: f64 = 666.7;

/// A normalised-difference spectral index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Index {
    /// Normalised Difference Vegetation Index, (NIR − Red) / (NIR + Red): greenness.
    Ndvi,
    /// Normalised Burn Ratio, (NIR − SWIR2) / (NIR + SWIR2): drops sharply after fire.
    Nbr,
    /// Normalised Difference Moisture Index, (NIR − SWIR1) / (NIR + SWIR1): canopy water.
    Ndmi,
}

impl Index {
    /// All indices, in the order patches report them.
    pub const ALL: [Index; 3] = [Index::Ndvi, Index::Nbr, Index::Ndmi];

    /// The two bands of the normalised difference (a − b) / (a + b).
    pub fn bands(self) -> (Band, Band) {
        match self {
            Index::Ndvi => (Band::Nir, Band::Red),
            Index::Nbr => (Band::Nir, Band::Swir2),
            Index::Ndmi => (Band::Nir, Band::Swir1),
        }
    }

    /// Lower-case name: `ndvi`, `nbr`, `ndmi`.
    pub fn key(self) -> &'static str {
        match self {
            Index::Ndvi => "ndvi",
            Index::Nbr => "nbr",
            Index::Ndmi => "ndmi",
        }
    }
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key().to_uppercase())
    }
}

impl FromStr for Index {
    type Err = ChangeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ndvi" => Ok(Index::Ndvi),
            "nbr" => Ok(Index::Nbr),
            "ndmi" => Ok(Index::Ndmi),
            other => Err(ChangeError::UnknownIndex(other.to_owned())),
        }
    }
}

/// Why an index could not be written or change could not be detected.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("unknown index {0:?}: use ndvi, nbr or ndmi")]
    UnknownIndex(String),
    #[error("bad band list {text:?}: {reason} (expected e.g. red=3,nir=4,swir2=6)")]
    BadBands { text: String, reason: String },
    #[error("cannot open {path}: {message}")]
    Open { path: String, message: String },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    #[error("{path} has {count} band(s); there is no band {band}")]
    NoSuchBand {
        path: String,
        band: usize,
        count: usize,
    },
    #[error(
        "{index} needs the {band} band, which is not known in {path}: name it, e.g. --bands {band}=4"
    )]
    MissingBand {
        path: String,
        index: Index,
        band: Band,
    },
    #[error(
        "no index with a threshold can be computed from both scenes: NDVI needs red and NIR, \
         NBR needs NIR and SWIR2, NDMI needs NIR and SWIR1 (name the bands with --bands)"
    )]
    NoIndex,
    #[error(
        "{path} has no georeferencing (geotransform and coordinate system): patches need map \
         coordinates"
    )]
    NoGeoreference { path: String },
    #[error("cannot bring {after} onto the grid of {before}: {message}")]
    Warp {
        before: String,
        after: String,
        message: String,
    },
    #[error("coordinate transformation failed: {0}")]
    Transform(String),
    #[error("the two scenes share no valid (overlapping, cloud-free, not nodata) pixel")]
    NoOverlap,
}
