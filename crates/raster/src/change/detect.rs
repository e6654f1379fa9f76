//! Change detection between two scenes: options and the pipeline.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::bands::Bands;
use super::index::clone_error;
use super::patch::Patch;
use super::polygonize::Connectivity;
use super::runs::components;
use super::scene::{Scene, warp_onto};
use super::{ChangeError, DEFAULT_MIN_AREA_M2, Index};

mod patches;
mod window;

use window::{IndexPlan, Plan, WindowOut, cloud_plan};

/// Pixels per detection window (rows of the whole width, plus a 4-row halo each side).
const DETECT_WINDOW_PIXELS: usize = 1 << 20;

/// The drop of each index (before − after) that makes a pixel changed; `None` leaves an index
/// out of the decision (it is still reported).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Default 0.20. Our choice, not a standard: a dense canopy (NDVI 0.6–0.9 in the USGS
    /// ranges) that loses 0.2 falls towards sparse vegetation (0.2–0.5), while two clear dates
    /// of unchanged forest rarely differ that much. Calibrate with field verdicts.
    pub ndvi: Option<f64>,
    /// Default 0.27: the lower bound of Key & Benson's "moderate-low severity" dNBR class
    /// (FIREMON Landscape Assessment, 2006: unburned −0.100…+0.099, low severity
    /// +0.100…+0.269, moderate-low +0.270…+0.439, moderate-high +0.440…+0.659, high ≥ +0.660).
    /// Their low-severity bound, 0.10, finds lighter burns but also more seasonal change.
    pub nbr: Option<f64>,
    /// Default 0.20, the same choice as for NDVI: a moisture drop alone (drought, early pest
    /// damage such as pine wilt) makes a patch of cause "other".
    pub ndmi: Option<f64>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            ndvi: Some(0.20),
            nbr: Some(0.27),
            ndmi: Some(0.20),
        }
    }
}

impl Thresholds {
    pub fn get(&self, index: Index) -> Option<f64> {
        match index {
            Index::Ndvi => self.ndvi,
            Index::Nbr => self.nbr,
            Index::Ndmi => self.ndmi,
        }
    }
}

/// The cloud test applied to both scenes (a pixel cloudy in either is never change): the
/// haze-optimised transform HOT = blue − 0.5·red − `hot_offset` > 0 (Zhang, Guindon & Cihlar
/// 2002) together with Fmask's whiteness test Σ|band − mean| / mean < `max_whiteness` over
/// blue, green and red (Zhu & Woodcock 2012, the thresholds of Fmask). A scene without blue
/// and red is not tested; without green only HOT applies. Bare soil and buildings are redder
/// than blue and fail HOT, which keeps cleared land.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloudTest {
    /// Default 0.08 (Fmask).
    pub hot_offset: f64,
    /// Default 0.7 (Fmask).
    pub max_whiteness: f64,
    /// Reflectance per band value; `None` chooses by the band: 1 for calibrated (GDAL scale
    /// and offset) and floating-point bands, 1/10 000 for 16- and 32-bit integers
    /// (Sentinel-2), and no cloud test for 8-bit bands.
    pub reflectance_scale: Option<f64>,
}

impl Default for CloudTest {
    fn default() -> Self {
        CloudTest {
            hot_offset: 0.08,
            max_whiteness: 0.7,
            reflectance_scale: None,
        }
    }
}

/// The thresholds of [`super::Cause::suggest`], on patch means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CauseRules {
    /// Default 0.27: Key & Benson's moderate-low severity.
    pub fire_min_dnbr: f64,
    /// Default 0.10: how much further NBR must drop than NDVI for a burn (our rule).
    pub fire_min_excess: f64,
    /// Default 0.20, as the NDVI threshold: a vegetation loss.
    pub vegetation_loss: f64,
    /// Default 0.10: NDVI of barren rock, sand and built surfaces is 0.1 or less (USGS).
    pub land_use_max_ndvi: f64,
    /// Default 0.20: below the USGS range of sparse vegetation (0.2–0.5), bare soil.
    pub clearing_max_ndvi: f64,
}

impl Default for CauseRules {
    fn default() -> Self {
        CauseRules {
            fire_min_dnbr: 0.27,
            fire_min_excess: 0.10,
            vegetation_loss: 0.20,
            land_use_max_ndvi: 0.10,
            clearing_max_ndvi: 0.20,
        }
    }
}

/// How [`detect`] works; `DetectOptions::default()` is the documented default.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectOptions {
    /// Bands of the before scene (unnamed ones found as [`Bands`] describes).
    pub bands_before: Bands,
    /// Bands of the after scene.
    pub bands_after: Bands,
    pub thresholds: Thresholds,
    /// Patches smaller than this are dropped, m² on the ellipsoid. Default 666.7 (1 mu).
    pub min_area_m2: f64,
    /// Cloud masking; `None` masks nodata only.
    pub cloud: Option<CloudTest>,
    /// Clean the change mask with a 3×3 opening then closing (default true).
    pub clean: bool,
    /// Default [`Connectivity::Eight`].
    pub connectivity: Connectivity,
    pub cause: CauseRules,
    /// Dates reported as 前时相/后时相; when `None`, read from each scene's metadata.
    pub before_date: Option<String>,
    pub after_date: Option<String>,
    /// The geographic coordinate system of the patches. Default 4490 (CGCS2000).
    pub target_epsg: u32,
    /// Rows per window; 0 (default) chooses about a million pixels per window.
    pub window_rows: usize,
    /// Where the after scene is warped when the grids differ (the system's temporary
    /// directory by default).
    pub work_dir: Option<PathBuf>,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            bands_before: Bands::default(),
            bands_after: Bands::default(),
            thresholds: Thresholds::default(),
            min_area_m2: DEFAULT_MIN_AREA_M2,
            cloud: Some(CloudTest::default()),
            clean: true,
            connectivity: Connectivity::Eight,
            cause: CauseRules::default(),
            before_date: None,
            after_date: None,
            target_epsg: 4490,
            window_rows: 0,
            work_dir: None,
        }
    }
}

/// The suspected change patches from the scene `before` to the scene `after`, in the order of
/// their first pixel (row by row on the before scene's grid). See the [module
/// documentation](super) for the steps.
pub fn detect(
    before: &Path,
    after: &Path,
    opts: &DetectOptions,
) -> Result<Vec<Patch>, ChangeError> {
    let before = Scene::open(before, &opts.bands_before)?;
    let after = Scene::open(after, &opts.bands_after)?;
    let (Some(transform), Some(wkt)) = (before.geo_transform, before.wkt.clone()) else {
        return Err(ChangeError::NoGeoreference {
            path: before.shown.clone(),
        });
    };
    let (after, _warped) = if before.same_grid(&after) {
        (after, None)
    } else {
        let (scene, temp) = warp_onto(&before, &after, opts.work_dir.as_deref())?;
        (scene, Some(temp))
    };

    let mut indices = Vec::new();
    for index in Index::ALL {
        if let (Ok(b), Ok(a)) = (before.index_bands(index), after.index_bands(index)) {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "thresholds are compared in f32"
            )]
            let threshold = opts.thresholds.get(index).map(|t| t as f32);
            indices.push(IndexPlan {
                index,
                before: b,
                after: a,
                threshold,
            });
        }
    }
    if indices.iter().all(|p| p.threshold.is_none()) {
        return Err(ChangeError::NoIndex);
    }
    let plan = Plan {
        cloud_before: cloud_plan(&before, opts.cloud.as_ref()),
        cloud_after: cloud_plan(&after, opts.cloud.as_ref()),
        before: &before,
        after: &after,
        indices,
        clean: opts.clean,
    };

    let rows = if opts.window_rows > 0 {
        opts.window_rows
    } else {
        (DETECT_WINDOW_PIXELS / before.width.max(1)).clamp(32, 512)
    };
    let windows: Vec<(usize, usize)> = (0..before.height)
        .step_by(rows)
        .map(|y| (y, (y + rows).min(before.height)))
        .collect();
    let outputs: Vec<WindowOut> = windows
        .par_iter()
        .map_init(
            || (before.dataset(), after.dataset()),
            |datasets, &(y0, y1)| {
                let b = datasets.0.as_ref().map_err(clone_error)?;
                let a = datasets.1.as_ref().map_err(clone_error)?;
                plan.window(b, a, y0, y1)
            },
        )
        .collect::<Result<_, _>>()?;
    if outputs.iter().all(|w| w.valid == 0) {
        return Err(ChangeError::NoOverlap);
    }
    let mut runs = Vec::new();
    let mut stats = Vec::new();
    for w in outputs {
        runs.extend(w.runs);
        stats.extend(w.stats);
    }
    let groups = components(&runs, opts.connectivity);
    let available: Vec<Index> = plan.indices.iter().map(|p| p.index).collect();
    let context = patches::Context {
        runs: &runs,
        stats: &stats,
        transform,
        wkt: &wkt,
        available: &available,
        opts,
        before_date: opts.before_date.clone().or_else(|| before.date()),
        after_date: opts.after_date.clone().or_else(|| after.date()),
    };
    patches::build(&context, &groups)
}
