//! A scene on disk: its grid, its bands' calibration, window reads, and bringing one scene
//! onto another's grid.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use gdal::raster::{GdalDataType, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager, Metadata};

use super::bands::{Band, Bands};
use super::kernel::Calibration;
use super::{ChangeError, Index};

/// What is needed to read a scene from any thread: its path and how to read its bands.
#[derive(Debug, Clone)]
pub(crate) struct Scene {
    pub path: PathBuf,
    pub shown: String,
    pub width: usize,
    pub height: usize,
    pub geo_transform: Option<[f64; 6]>,
    /// The coordinate system as WKT, when the scene has one.
    pub wkt: Option<String>,
    pub bands: Bands,
    /// Calibration of each band of the file, 1-based band `n` at `n - 1`.
    pub calibration: Vec<Calibration>,
    /// GDAL data type of each band as the scene was delivered (before any warping), which
    /// tells how its values relate to reflectance.
    pub types: Vec<GdalDataType>,
    /// Metadata items of the dataset (`KEY=VALUE`), for the acquisition date.
    pub metadata: Vec<String>,
}

impl Scene {
    /// Opens `path` and resolves its bands from `bands` (see [`Bands`]).
    pub fn open(path: &Path, bands: &Bands) -> Result<Scene, ChangeError> {
        let shown = path.display().to_string();
        let dataset = open_dataset(path)?;
        let (width, height) = dataset.raster_size();
        let geo_transform = dataset.geo_transform().ok();
        let wkt = Some(dataset.projection()).filter(|w| !w.trim().is_empty());
        let bands = bands.resolve(&dataset, &shown)?;
        let mut calibration = Vec::with_capacity(dataset.raster_count());
        let mut types = Vec::with_capacity(dataset.raster_count());
        for n in 1..=dataset.raster_count() {
            let band = dataset.rasterband(n).map_err(|e| ChangeError::Read {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            calibration.push(Calibration::of(&band));
            types.push(band.band_type());
        }
        let metadata = dataset.metadata_domain("").unwrap_or_default();
        Ok(Scene {
            path: path.to_owned(),
            shown,
            width,
            height,
            geo_transform,
            wkt,
            bands,
            calibration,
            types,
            metadata,
        })
    }

    /// Opens the file again, for one worker thread.
    pub fn dataset(&self) -> Result<Dataset, ChangeError> {
        open_dataset(&self.path)
    }

    /// The 1-based band number holding `band`.
    pub fn band_number(&self, band: Band) -> Option<usize> {
        self.bands.get(band)
    }

    /// The bands of `index`, or which one is missing.
    pub fn index_bands(&self, index: Index) -> Result<(usize, usize), ChangeError> {
        let (a, b) = index.bands();
        let missing = |band| ChangeError::MissingBand {
            path: self.shown.clone(),
            index,
            band,
        };
        Ok((
            self.band_number(a).ok_or_else(|| missing(a))?,
            self.band_number(b).ok_or_else(|| missing(b))?,
        ))
    }

    pub fn calibration(&self, band_number: usize) -> Calibration {
        self.calibration
            .get(band_number - 1)
            .copied()
            .unwrap_or_default()
    }

    /// Reads rows `y0..y0 + rows` of band `band_number` (1-based) into `out` as f32.
    pub fn read_rows(
        &self,
        dataset: &Dataset,
        band_number: usize,
        y0: usize,
        rows: usize,
        out: &mut [f32],
    ) -> Result<(), ChangeError> {
        let read = |message: String| ChangeError::Read {
            path: self.shown.clone(),
            message,
        };
        let band = dataset
            .rasterband(band_number)
            .map_err(|e| read(e.to_string()))?;
        let y = isize::try_from(y0).map_err(|e| read(e.to_string()))?;
        band.read_into_slice::<f32>((0, y), (self.width, rows), (self.width, rows), out, None)
            .map_err(|e| read(e.to_string()))
    }

    /// Whether `other` lies on exactly this scene's grid: same size, geotransform and
    /// coordinate system.
    pub fn same_grid(&self, other: &Scene) -> bool {
        if (self.width, self.height) != (other.width, other.height) {
            return false;
        }
        let transforms_equal = match (self.geo_transform, other.geo_transform) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let tolerance = 1e-6 * a[1].abs().max(a[5].abs()).max(1e-12);
                a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tolerance)
            }
            _ => false,
        };
        let crs_equal = match (&self.wkt, &other.wkt) {
            (None, None) => true,
            (Some(a), Some(b)) => match (SpatialRef::from_wkt(a), SpatialRef::from_wkt(b)) {
                (Ok(a), Ok(b)) => a == b,
                _ => a == b,
            },
            _ => false,
        };
        transforms_equal && crs_equal
    }

    /// The acquisition date in the scene's metadata, as `YYYY-MM-DD` when it reads as a date.
    ///
    /// Looked for, in this order: `ACQUISITION_DATE`, `DATE_ACQUIRED` (Landsat),
    /// `SENSING_TIME`, `DATATAKE_1_DATATAKE_SENSING_START`, `PRODUCT_START_TIME` (Sentinel-2),
    /// `TIFFTAG_DATETIME`.
    pub fn date(&self) -> Option<String> {
        const KEYS: [&str; 6] = [
            "ACQUISITION_DATE",
            "DATE_ACQUIRED",
            "SENSING_TIME",
            "DATATAKE_1_DATATAKE_SENSING_START",
            "PRODUCT_START_TIME",
            "TIFFTAG_DATETIME",
        ];
        KEYS.iter().find_map(|key| {
            self.metadata.iter().find_map(|item| {
                let (k, v) = item.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case(key)
                    .then(|| normalise_date(v.trim()))
            })
        })
    }
}

/// `2024:03:01 10:00:00` (TIFF) or `2024-03-01T…` becomes `2024-03-01`; anything else is kept.
fn normalise_date(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_date = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && matches!(bytes[4], b'-' | b':')
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == bytes[4]
        && bytes[8..10].iter().all(u8::is_ascii_digit);
    if is_date {
        text[..10].replace(':', "-")
    } else {
        text.to_owned()
    }
}

fn open_dataset(path: &Path) -> Result<Dataset, ChangeError> {
    Dataset::open(path).map_err(|e| ChangeError::Open {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// A file removed when dropped.
#[derive(Debug)]
pub(crate) struct TempFile(pub PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        // Best effort: a leftover temporary file is harmless.
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(self.0.with_extension("tif.aux.xml"));
    }
}

/// A new path for a temporary file in `dir` (the system's temporary directory by default).
pub(crate) fn temp_path(dir: Option<&Path>, stem: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = dir.map_or_else(std::env::temp_dir, Path::to_owned);
    dir.join(format!("{stem}-{}-{nanos}-{n}.tif", std::process::id()))
}

/// Brings `after` onto `before`'s grid: a temporary Float32 GeoTIFF (NaN nodata) with all of
/// `after`'s bands, warped with GDAL's `GDALReprojectImage` (bilinear). The scene returned
/// reads that file with `after`'s band names and calibration.
pub(crate) fn warp_onto(
    before: &Scene,
    after: &Scene,
    work_dir: Option<&Path>,
) -> Result<(Scene, TempFile), ChangeError> {
    let fail = |message: String| ChangeError::Warp {
        before: before.shown.clone(),
        after: after.shown.clone(),
        message,
    };
    for scene in [before, after] {
        if scene.geo_transform.is_none() || scene.wkt.is_none() {
            return Err(ChangeError::NoGeoreference {
                path: scene.shown.clone(),
            });
        }
    }
    let (Some(transform), Some(wkt)) = (before.geo_transform, &before.wkt) else {
        return Err(fail("no georeferencing".into()));
    };
    let path = temp_path(work_dir, "linzhang-warp");
    let temp = TempFile(path.clone());
    let driver = DriverManager::get_driver_by_name("GTiff").map_err(|e| fail(e.to_string()))?;
    let mut options = RasterCreationOptions::new();
    for (k, v) in [("TILED", "YES"), ("BIGTIFF", "IF_SAFER")] {
        options
            .set_name_value(k, v)
            .map_err(|e| fail(e.to_string()))?;
    }
    let source = after.dataset()?;
    let count = after.calibration.len();
    {
        let mut target = driver
            .create_with_band_type_with_options::<f32, _>(
                &path,
                before.width,
                before.height,
                count,
                &options,
            )
            .map_err(|e| fail(e.to_string()))?;
        target
            .set_geo_transform(&transform)
            .map_err(|e| fail(e.to_string()))?;
        target
            .set_projection(wkt)
            .map_err(|e| fail(e.to_string()))?;
        for n in 1..=count {
            let mut band = target.rasterband(n).map_err(|e| fail(e.to_string()))?;
            band.set_no_data_value(Some(f64::NAN))
                .map_err(|e| fail(e.to_string()))?;
        }
        // GDAL's warper reads GDAL_NUM_THREADS; a thread-local setting keeps it to this call.
        let _ = gdal::config::set_thread_local_config_option("GDAL_NUM_THREADS", "ALL_CPUS");
        let warped = gdal::raster::reproject(&source, &target);
        let _ = gdal::config::clear_thread_local_config_option("GDAL_NUM_THREADS");
        warped.map_err(|e| fail(e.to_string()))?;
        target.flush_cache().map_err(|e| fail(e.to_string()))?;
    }
    let calibration = after
        .calibration
        .iter()
        .map(|c| Calibration {
            nodata: f32::NAN,
            ..*c
        })
        .collect();
    let scene = Scene {
        path,
        shown: format!("{} (on the grid of {})", after.shown, before.shown),
        width: before.width,
        height: before.height,
        geo_transform: before.geo_transform,
        wkt: before.wkt.clone(),
        bands: after.bands,
        calibration,
        // The warped copy is Float32 but holds the original values.
        types: after.types.clone(),
        metadata: after.metadata.clone(),
    };
    Ok((scene, temp))
}

#[cfg(test)]
mod tests {
    use super::normalise_date;

    #[test]
    fn dates_are_normalised() {
        assert_eq!(normalise_date("2024:03:01 10:00:00"), "2024-03-01");
        assert_eq!(normalise_date("2024-03-01T02:03:04.5Z"), "2024-03-01");
        assert_eq!(normalise_date("spring 2024"), "spring 2024");
    }
}
