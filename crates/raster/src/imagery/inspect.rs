//! What a scene is: size, bands, coordinate system, footprint, band roles and stretch.

use std::path::Path;

use gdal::raster::ResampleAlg;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::{Dataset, Metadata};

use super::ImageryError;
use crate::change::Bands;

/// The longest side of the decimated read the stretch is computed from.
const STRETCH_SAMPLE_SIDE: usize = 1024;
/// Points per edge when the footprint is transformed to longitude/latitude.
const DENSIFY: i32 = 21;

/// What [`inspect`] finds in a scene.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SceneInfo {
    pub width: usize,
    pub height: usize,
    pub band_count: usize,
    /// GDAL's name of the first band's data type: `Byte`, `UInt16`, `Float32`…
    pub data_type: String,
    /// The first band's nodata value.
    pub nodata: Option<f64>,
    /// The EPSG code of the coordinate system, when it has one.
    pub epsg: Option<i32>,
    /// The coordinate system as WKT.
    pub wkt: String,
    pub geo_transform: [f64; 6],
    /// The footprint in longitude/latitude (EPSG:4326): `[min_lon, min_lat, max_lon, max_lat]`.
    pub bounds: [f64; 4],
    /// Pixel width in the units of the coordinate system (metres for UTM).
    pub resolution: f64,
    /// Overviews of the first band.
    pub overviews: usize,
    /// Each band's description (empty when it has none).
    pub descriptions: Vec<String>,
}

impl SceneInfo {
    /// `EPSG:32719`, or the WKT when the system has no EPSG code.
    pub fn crs(&self) -> String {
        self.epsg
            .map_or_else(|| self.wkt.clone(), |code| format!("EPSG:{code}"))
    }
}

/// The 2 % and 98 % percentiles of a band's stored values (nodata left out): the values drawn
/// as black and as full intensity.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandStretch {
    /// 1-based band number.
    pub band: usize,
    pub low: f64,
    pub high: f64,
}

pub(super) fn open(path: &Path) -> Result<Dataset, ImageryError> {
    Dataset::open(path).map_err(|e| ImageryError::Open {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Looks at the scene `path`: refuses files GDAL cannot read as a raster and rasters that are
/// not georeferenced.
pub fn inspect(path: &Path) -> Result<SceneInfo, ImageryError> {
    let shown = path.display().to_string();
    let read = |e: gdal::errors::GdalError| ImageryError::Read {
        path: shown.clone(),
        message: e.to_string(),
    };
    let dataset = open(path)?;
    let (width, height) = dataset.raster_size();
    let band_count = dataset.raster_count();
    if band_count == 0 || width == 0 || height == 0 {
        return Err(ImageryError::NoBands { path: shown });
    }
    let not_georeferenced = || ImageryError::NotGeoreferenced {
        path: shown.clone(),
    };
    let geo_transform = dataset.geo_transform().map_err(|_| not_georeferenced())?;
    let mut srs = dataset.spatial_ref().map_err(|_| not_georeferenced())?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let epsg = srs
        .auth_name()
        .filter(|name| name.eq_ignore_ascii_case("EPSG"))
        .and_then(|_| srs.auth_code().ok());
    let wkt = srs.to_wkt().map_err(read)?;
    let bounds = footprint(&srs, &geo_transform, width, height).map_err(read)?;

    let first = dataset.rasterband(1).map_err(read)?;
    let descriptions = dataset
        .rasterbands()
        .map(|band| band.map(|b| b.description().unwrap_or_default()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(read)?;
    Ok(SceneInfo {
        width,
        height,
        band_count,
        data_type: first.band_type().name(),
        nodata: first.no_data_value(),
        epsg,
        wkt,
        geo_transform,
        bounds,
        resolution: geo_transform[1].hypot(geo_transform[2]),
        overviews: usize::try_from(first.overview_count().unwrap_or(0)).unwrap_or(0),
        descriptions,
    })
}

/// The scene's box in longitude/latitude: the box of its four corners in its own system,
/// transformed with densified edges.
#[expect(
    clippy::cast_precision_loss,
    reason = "raster sizes are far below 2^52"
)]
fn footprint(
    srs: &SpatialRef,
    gt: &[f64; 6],
    width: usize,
    height: usize,
) -> gdal::errors::Result<[f64; 4]> {
    let (w, h) = (width as f64, height as f64);
    let corners = [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)].map(|(px, py)| {
        (
            gt[0] + px * gt[1] + py * gt[2],
            gt[3] + px * gt[4] + py * gt[5],
        )
    });
    let fold = |f: fn(f64, f64) -> f64, init: f64, pick: fn(&(f64, f64)) -> f64| {
        corners.iter().map(pick).fold(init, f)
    };
    let local = [
        fold(f64::min, f64::INFINITY, |c| c.0),
        fold(f64::min, f64::INFINITY, |c| c.1),
        fold(f64::max, f64::NEG_INFINITY, |c| c.0),
        fold(f64::max, f64::NEG_INFINITY, |c| c.1),
    ];
    let mut wgs84 = SpatialRef::from_epsg(4326)?;
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let transform = CoordTransform::new(srs, &wgs84)?;
    transform.transform_bounds(&local, DENSIFY)
}

/// The scene's band roles: those in `given`, the rest guessed as [`Bands`] describes.
pub fn resolve_roles(path: &Path, given: &Bands) -> Result<Bands, ImageryError> {
    let dataset = open(path)?;
    Ok(given.resolve(&dataset, &path.display().to_string())?)
}

/// The 2 %–98 % stretch of every band, from a read decimated to at most 1024 pixels a side.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "raster sizes are far below 2^52 and the sample sizes are positive and small"
)]
pub fn compute_stretch(path: &Path) -> Result<Vec<BandStretch>, ImageryError> {
    let shown = path.display().to_string();
    let read = |e: gdal::errors::GdalError| ImageryError::Read {
        path: shown.clone(),
        message: e.to_string(),
    };
    let dataset = open(path)?;
    let (width, height) = dataset.raster_size();
    let scale = (width.max(height) as f64 / STRETCH_SAMPLE_SIDE as f64).max(1.0);
    let shape = (
        ((width as f64 / scale).round() as usize).max(1),
        ((height as f64 / scale).round() as usize).max(1),
    );
    let mut out = Vec::with_capacity(dataset.raster_count());
    for n in 1..=dataset.raster_count() {
        let band = dataset.rasterband(n).map_err(read)?;
        let nodata = band.no_data_value();
        let values = band
            .read_as::<f64>(
                (0, 0),
                (width, height),
                shape,
                Some(ResampleAlg::NearestNeighbour),
            )
            .map_err(read)?
            .into_shape_and_vec()
            .1;
        let (low, high) = percentiles(values, nodata);
        out.push(BandStretch { band: n, low, high });
    }
    Ok(out)
}

/// The 2nd and 98th percentiles (nearest rank) of the values that are not NaN or `nodata`;
/// `(0, 1)` when none is. `high` is always above `low`.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a rank within a sample of at most a million values"
)]
fn percentiles(mut values: Vec<f64>, nodata: Option<f64>) -> (f64, f64) {
    values.retain(|v| !v.is_nan() && Some(*v) != nodata);
    if values.is_empty() {
        return (0.0, 1.0);
    }
    values.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        let last = values.len() - 1;
        values[((p * last as f64).round() as usize).min(last)]
    };
    let (low, high) = (rank(0.02), rank(0.98));
    if high > low {
        (low, high)
    } else {
        (low, low + 1.0)
    }
}

/// Builds overviews (AVERAGE, factors 2, 4, 8 … until the smallest is under 256 pixels a side)
/// when the file has none; answers how many levels it built. A `GeoTIFF` gets internal overviews
/// when writable, other files an `.ovr` beside them.
pub fn build_overviews(path: &Path) -> Result<usize, ImageryError> {
    let fail = |e: gdal::errors::GdalError| ImageryError::Overviews {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let dataset = open(path)?;
    let existing = dataset
        .rasterband(1)
        .and_then(|b| b.overview_count())
        .map_err(fail)?;
    if existing > 0 {
        return Ok(0);
    }
    let (width, height) = dataset.raster_size();
    let mut factors = Vec::new();
    let mut factor = 2usize;
    while width.max(height) / (factor / 2) > 256 {
        factors.push(i32::try_from(factor).map_err(|e| ImageryError::Overviews {
            path: path.display().to_string(),
            message: e.to_string(),
        })?);
        factor *= 2;
    }
    if factors.is_empty() {
        return Ok(0);
    }
    drop(dataset);
    // Read-only datasets get external overviews (.ovr); that is what GDAL does for them.
    let mut dataset = open(path)?;
    dataset
        .build_overviews("AVERAGE", &factors, &[])
        .map_err(fail)?;
    Ok(factors.len())
}

#[cfg(test)]
mod tests {
    use super::percentiles;

    #[test]
    fn percentiles_leave_nodata_out() {
        let mut values: Vec<f64> = (0..=100).map(f64::from).collect();
        values.extend([32768.0; 50]);
        values.push(f64::NAN);
        let (low, high) = percentiles(values, Some(32768.0));
        assert!((low - 2.0).abs() < 1e-9, "{low}");
        assert!((high - 98.0).abs() < 1e-9, "{high}");
        assert_eq!(percentiles(vec![5.0; 10], None), (5.0, 6.0));
        assert_eq!(percentiles(vec![], None), (0.0, 1.0));
    }
}
