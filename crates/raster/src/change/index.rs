//! Writing one spectral index of a scene as a GeoTIFF.

use std::path::Path;

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::{Dataset, DriverManager, Metadata};
use rayon::prelude::*;

use super::bands::Bands;
use super::kernel::normalized_difference;
use super::scene::Scene;
use super::{ChangeError, Index};

/// Pixels per window when writing an index: windows of whole rows, a multiple of the output's
/// 256-row blocks, about 4 million pixels each.
const INDEX_WINDOW_PIXELS: usize = 1 << 22;
const BLOCK: usize = 256;

/// What [`write_index`] wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndexSummary {
    pub index: Index,
    pub width: usize,
    pub height: usize,
    /// The bands used, after defaults (see [`Bands`]).
    pub bands: String,
    /// Pixels with an index value.
    pub valid_pixels: u64,
    /// Pixels written as nodata (NaN).
    pub nodata_pixels: u64,
    /// Smallest, largest and mean index value, when some pixel has one.
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
}

/// Writes `index` of the scene `input` to `output`: a one-band Float32 GeoTIFF (tiled 256×256,
/// DEFLATE with the floating-point predictor, `BigTIFF` when needed) with the input's
/// geotransform and coordinate system (none when the input has none).
///
/// Nodata: a pixel whose two bands hold the band's nodata value or NaN, or whose ratio is not
/// finite, is written as NaN, and the output's nodata value is NaN, whatever the input's nodata
/// value was (e.g. 32 768 in a `UInt16` composite).
///
/// The scene is read and computed in windows of rows, several at once on rayon's threads, each
/// with its own GDAL handle, and written in order; memory stays at a few windows whatever the
/// scene's size.
pub fn write_index(
    input: &Path,
    output: &Path,
    index: Index,
    bands: &Bands,
) -> Result<IndexSummary, ChangeError> {
    write_index_windowed(input, output, index, bands, 0)
}

/// [`write_index`] with windows of `window_rows` rows (0: automatic).
pub(crate) fn write_index_windowed(
    input: &Path,
    output: &Path,
    index: Index,
    bands: &Bands,
    window_rows: usize,
) -> Result<IndexSummary, ChangeError> {
    let scene = Scene::open(input, bands)?;
    let (band_a, band_b) = scene.index_bands(index)?;
    let (ca, cb) = (scene.calibration(band_a), scene.calibration(band_b));
    let shown_out = output.display().to_string();
    let fail = |message: String| ChangeError::Write {
        path: shown_out.clone(),
        message,
    };

    let dataset = create_output(&scene, output, index).map_err(|e| fail(e.to_string()))?;

    let rows = if window_rows > 0 {
        window_rows
    } else {
        (INDEX_WINDOW_PIXELS / scene.width.max(1) / BLOCK).max(1) * BLOCK
    };
    let windows: Vec<(usize, usize)> = (0..scene.height)
        .step_by(rows)
        .map(|y| (y, rows.min(scene.height - y)))
        .collect();
    let mut stats = Stats::default();
    let batch = rayon::current_num_threads().max(1) * 2;
    for group in windows.chunks(batch) {
        let computed: Vec<Result<Window, ChangeError>> = group
            .par_iter()
            .map_init(
                || scene.dataset(),
                |dataset, &(y, n)| {
                    let dataset = dataset.as_ref().map_err(clone_error)?;
                    let len = scene.width * n;
                    let mut a = vec![0.0f32; len];
                    let mut b = vec![0.0f32; len];
                    scene.read_rows(dataset, band_a, y, n, &mut a)?;
                    scene.read_rows(dataset, band_b, y, n, &mut b)?;
                    let mut out = vec![0.0f32; len];
                    normalized_difference(&a, ca, &b, cb, &mut out);
                    Ok((y, n, out))
                },
            )
            .collect();
        let mut band = dataset.rasterband(1).map_err(|e| fail(e.to_string()))?;
        for result in computed {
            let (y, n, values) = result?;
            stats.add(&values);
            let mut buffer = Buffer::new((scene.width, n), values);
            let y = isize::try_from(y).map_err(|e| fail(e.to_string()))?;
            band.write((0, y), (scene.width, n), &mut buffer)
                .map_err(|e| fail(e.to_string()))?;
        }
    }
    dataset.close().map_err(|e| fail(e.to_string()))?;

    let pixels = (scene.width * scene.height) as u64;
    #[expect(
        clippy::cast_precision_loss,
        reason = "a pixel count far below 2^52 divides a sum"
    )]
    let mean = (stats.count > 0).then(|| stats.sum / stats.count as f64);
    Ok(IndexSummary {
        index,
        width: scene.width,
        height: scene.height,
        bands: scene.bands.to_string(),
        valid_pixels: stats.count,
        nodata_pixels: pixels - stats.count,
        min: (stats.count > 0).then_some(stats.min),
        max: (stats.count > 0).then_some(stats.max),
        mean,
    })
}

/// The output GeoTIFF, georeferenced as `scene`, nodata NaN.
fn create_output(scene: &Scene, output: &Path, index: Index) -> gdal::errors::Result<Dataset> {
    let driver = DriverManager::get_driver_by_name("GTiff")?;
    let mut options = RasterCreationOptions::new();
    for (k, v) in [
        ("TILED", "YES"),
        ("BLOCKXSIZE", "256"),
        ("BLOCKYSIZE", "256"),
        ("COMPRESS", "DEFLATE"),
        ("PREDICTOR", "3"),
        ("BIGTIFF", "IF_SAFER"),
        ("NUM_THREADS", "ALL_CPUS"),
    ] {
        options.set_name_value(k, v)?;
    }
    let mut dataset = driver.create_with_band_type_with_options::<f32, _>(
        output,
        scene.width,
        scene.height,
        1,
        &options,
    )?;
    if let Some(transform) = scene.geo_transform {
        dataset.set_geo_transform(&transform)?;
    }
    if let Some(wkt) = &scene.wkt {
        dataset.set_projection(wkt)?;
    }
    {
        let mut band = dataset.rasterband(1)?;
        band.set_no_data_value(Some(f64::NAN))?;
        band.set_description(&index.to_string())?;
    }
    Ok(dataset)
}

/// A worker's failed GDAL handle, reported for each of its windows.
pub(crate) fn clone_error(e: &ChangeError) -> ChangeError {
    match e {
        ChangeError::Open { path, message } => ChangeError::Open {
            path: path.clone(),
            message: message.clone(),
        },
        other => ChangeError::Read {
            path: String::new(),
            message: other.to_string(),
        },
    }
}

/// A computed window: first row, row count, values.
type Window = (usize, usize, Vec<f32>);

#[derive(Debug)]
struct Stats {
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Stats {
    fn add(&mut self, values: &[f32]) {
        for &v in values.iter().filter(|v| !v.is_nan()) {
            let v = f64::from(v);
            self.count += 1;
            self.sum += v;
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_M: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/imagery/S2_10m_blue_green_red_nir.tif"
    );

    fn read_all(path: &Path) -> Vec<f32> {
        let dataset = gdal::Dataset::open(path).expect("written index opens");
        let band = dataset.rasterband(1).expect("one band");
        band.read_band_as::<f32>()
            .expect("readable")
            .into_shape_and_vec()
            .1
    }

    #[test]
    fn small_windows_write_the_same_index() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let whole = dir.path().join("whole.tif");
        let windowed = dir.path().join("windowed.tif");
        let bands = Bands::default();
        let a = write_index_windowed(Path::new(TEN_M), &whole, Index::Ndvi, &bands, 0)
            .expect("index written");
        // 7-row windows: 29 windows, many batches, a short last window.
        let b = write_index_windowed(Path::new(TEN_M), &windowed, Index::Ndvi, &bands, 7)
            .expect("index written");
        assert_eq!(a, b);
        assert_eq!(a.valid_pixels, 300 * 200);
        assert_eq!(a.bands, "blue=1,green=2,red=3,nir=4");
        let (x, y) = (read_all(&whole), read_all(&windowed));
        assert_eq!(x.len(), y.len());
        assert!(x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()));
    }
}
