//! One 256×256 Web Mercator tile of a scene, warped by GDAL and coloured in Rust.
//!
//! The tile's window is warped with `GDALReprojectImage` (bilinear, exact transformation) from
//! the scene, or from the overview whose pixels are just finer than the tile's, into an
//! in-memory Float32 dataset in EPSG:3857 that starts as NaN: the warper reads only the source
//! window the tile needs, skips the source's nodata, and leaves NaN where the scene is not.

use gdal::raster::RasterBand;
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DatasetOptions, DriverManager};
use linzhang_geo::tile::{TileId, lonlat_to_mercator};

use super::inspect::{BandStretch, open};
use super::{ImageryError, Mode, Scene};
use crate::change::kernel::{Calibration, normalized_difference};

/// Tile side in pixels.
pub const TILE_SIZE: usize = 256;
/// NDVI drawn brown (and anything below).
pub const NDVI_MIN: f32 = -0.2;
/// NDVI drawn full green (and anything above).
pub const NDVI_MAX: f32 = 0.9;

/// The NDVI ramp: brown `#8c510a` at −0.2 (bare soil, water), yellow `#fee08b` at 0.35
/// (sparse vegetation), green `#1a9850` at 0.9 (dense canopy), linear between, clamped
/// outside (the end colours of `ColorBrewer`'s `BrBG` and `RdYlGn`).
const NDVI_STOPS: [(f32, [f32; 3]); 3] = [
    (NDVI_MIN, [140.0, 81.0, 10.0]),
    (0.35, [254.0, 224.0, 139.0]),
    (NDVI_MAX, [26.0, 152.0, 80.0]),
];

/// The colour of an NDVI value, opaque; transparent for NaN (nodata).
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "channels are rounded values within 0..=255"
)]
pub fn ndvi_colour(ndvi: f32) -> [u8; 4] {
    if ndvi.is_nan() {
        return [0; 4];
    }
    let v = ndvi.clamp(NDVI_MIN, NDVI_MAX);
    let i = usize::from(v > NDVI_STOPS[1].0);
    let ((v0, c0), (v1, c1)) = (NDVI_STOPS[i], NDVI_STOPS[i + 1]);
    let t = (v - v0) / (v1 - v0);
    let channel = |k: usize| (c0[k] + (c1[k] - c0[k]) * t).round().clamp(0.0, 255.0) as u8;
    [channel(0), channel(1), channel(2), 255]
}

/// Draws tile `z/x/y` of `scene` in `mode` as a 256×256 RGBA PNG; `None` when the tile does
/// not meet the scene's footprint or holds no valid pixel.
pub fn render_tile(
    scene: &Scene,
    mode: Mode,
    zoom: u8,
    column: u32,
    row: u32,
) -> Result<Option<Vec<u8>>, ImageryError> {
    let numbers = mode.band_numbers(&scene.bands)?;
    let tile = TileId::new(zoom, column, row).map_err(|e| ImageryError::BadTile(e.to_string()))?;
    let area = tile.bounds_lonlat();
    let [west, south, east, north] = scene.bounds;
    if area.max_x < west || area.min_x > east || area.max_y < south || area.min_y > north {
        return Ok(None);
    }
    let source = open_for_tile(scene, &tile)?;
    let warped = warp(&source, &tile)?;
    let band = |n: usize| &warped[n - 1];
    let rgba = match mode {
        Mode::True | Mode::False => {
            let stretched: Vec<(&[f32], (f32, f32))> = numbers
                .iter()
                .map(|&n| (band(n).as_slice(), stretch_of(&scene.stretch, n)))
                .collect();
            compose(&stretched)
        }
        Mode::Ndvi => {
            let (nir, red) = (numbers[0], numbers[1]);
            let dataset = open(&scene.path)?;
            let calibration = |n: usize| -> Result<Calibration, ImageryError> {
                let b = dataset.rasterband(n).map_err(|e| read_error(scene, &e))?;
                // Nodata is NaN after the warp, whatever the source used.
                Ok(Calibration {
                    nodata: f32::NAN,
                    ..Calibration::of(&b)
                })
            };
            let mut ndvi = vec![0.0f32; TILE_SIZE * TILE_SIZE];
            normalized_difference(
                band(nir),
                calibration(nir)?,
                band(red),
                calibration(red)?,
                &mut ndvi,
            );
            ndvi.iter().flat_map(|v| ndvi_colour(*v)).collect()
        }
    };
    if rgba.chunks_exact(4).all(|p| p[3] == 0) {
        return Ok(None);
    }
    encode_png(&rgba).map(Some)
}

fn read_error(scene: &Scene, e: &gdal::errors::GdalError) -> ImageryError {
    ImageryError::Read {
        path: scene.path.display().to_string(),
        message: e.to_string(),
    }
}

/// The band's stretch, as `(low, 1 / (high − low))`; 0–255 when it has none.
#[expect(
    clippy::cast_possible_truncation,
    reason = "stretch limits are drawn in f32"
)]
fn stretch_of(stretch: &[BandStretch], n: usize) -> (f32, f32) {
    let (low, high) = stretch
        .iter()
        .find(|s| s.band == n)
        .map_or((0.0, 255.0), |s| (s.low, s.high));
    (low as f32, 1.0 / ((high - low).max(f64::EPSILON) as f32))
}

/// Three stretched bands as RGBA; transparent where any of them is NaN.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "channels are rounded values within 0..=255"
)]
fn compose(bands: &[(&[f32], (f32, f32))]) -> Vec<u8> {
    let mut out = vec![0u8; TILE_SIZE * TILE_SIZE * 4];
    for (i, pixel) in out.chunks_exact_mut(4).enumerate() {
        if bands.iter().any(|(values, _)| values[i].is_nan()) {
            continue;
        }
        for (k, (values, (low, scale))) in bands.iter().enumerate() {
            pixel[k] = ((values[i] - low) * scale * 255.0)
                .round()
                .clamp(0.0, 255.0) as u8;
        }
        pixel[3] = 255;
    }
    out
}

/// The scene, or the overview whose pixels are the coarsest still finer than the tile's, so
/// that a zoomed-out tile reads few pixels. The choice compares sizes in Web Mercator metres
/// along the footprint's width, which holds for any coordinate system of the scene.
#[expect(
    clippy::cast_precision_loss,
    reason = "raster sizes are far below 2^52"
)]
fn open_for_tile(scene: &Scene, tile: &TileId) -> Result<Dataset, ImageryError> {
    let dataset = open(&scene.path)?;
    let (width, _) = dataset.raster_size();
    let [x0, y0, x1, _] = scene.bounds;
    let span = lonlat_to_mercator(x1, y0)[0] - lonlat_to_mercator(x0, y0)[0];
    let scene_pixel = span / width.max(1) as f64;
    let tile_pixel = tile.size_mercator() / TILE_SIZE as f64;
    let wanted = tile_pixel / scene_pixel;
    let level = dataset
        .rasterband(1)
        .ok()
        .and_then(|first| overview_level(&first, width, wanted));
    let Some(level) = level else {
        return Ok(dataset);
    };
    let option = format!("OVERVIEW_LEVEL={level}");
    let options = [option.as_str()];
    Dataset::open_ex(
        &scene.path,
        DatasetOptions {
            open_options: Some(&options),
            ..DatasetOptions::default()
        },
    )
    .map_err(|e| read_error(scene, &e))
}

/// The 0-based overview level with the largest decimation factor not above `wanted`.
#[expect(
    clippy::cast_precision_loss,
    reason = "raster sizes are far below 2^52"
)]
fn overview_level(band: &RasterBand<'_>, width: usize, wanted: f64) -> Option<usize> {
    let count = usize::try_from(band.overview_count().ok()?).ok()?;
    (0..count)
        .filter_map(|i| {
            let o = band.overview(i).ok()?;
            let factor = width as f64 / o.x_size().max(1) as f64;
            (factor <= wanted).then_some((i, factor))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Warps every band of `source` onto the tile: one row-major f32 vector per band, NaN where
/// the scene has no valid value.
fn warp(source: &Dataset, tile: &TileId) -> Result<Vec<Vec<f32>>, ImageryError> {
    let fail = |e: gdal::errors::GdalError| ImageryError::Warp(e.to_string());
    let count = source.raster_count();
    let driver = DriverManager::get_driver_by_name("MEM").map_err(fail)?;
    let mut target = driver
        .create_with_band_type::<f32, _>("", TILE_SIZE, TILE_SIZE, count)
        .map_err(fail)?;
    let [left, _, right, top] = tile.bounds_mercator();
    #[expect(clippy::cast_precision_loss, reason = "256")]
    let pixel = (right - left) / TILE_SIZE as f64;
    target
        .set_geo_transform(&[left, pixel, 0.0, top, 0.0, -pixel])
        .map_err(fail)?;
    let mercator = SpatialRef::from_epsg(3857).map_err(fail)?;
    target
        .set_projection(&mercator.to_wkt().map_err(fail)?)
        .map_err(fail)?;
    for n in 1..=count {
        let mut band = target.rasterband(n).map_err(fail)?;
        band.set_no_data_value(Some(f64::NAN)).map_err(fail)?;
        band.fill(f64::NAN, None).map_err(fail)?;
    }
    gdal::raster::reproject(source, &target).map_err(fail)?;
    (1..=count)
        .map(|n| {
            let band = target.rasterband(n).map_err(fail)?;
            Ok(band
                .read_band_as::<f32>()
                .map_err(fail)?
                .into_shape_and_vec()
                .1)
        })
        .collect()
}

fn encode_png(rgba: &[u8]) -> Result<Vec<u8>, ImageryError> {
    let fail = |e: png::EncodingError| ImageryError::Encode(e.to_string());
    let mut out = Vec::new();
    {
        #[expect(clippy::cast_possible_truncation, reason = "256")]
        let side = TILE_SIZE as u32;
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(rgba).map_err(fail)?;
        writer.finish().map_err(fail)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_runs_brown_yellow_green() {
        assert_eq!(ndvi_colour(-0.5), [140, 81, 10, 255]);
        assert_eq!(ndvi_colour(NDVI_MIN), [140, 81, 10, 255]);
        assert_eq!(ndvi_colour(0.35), [254, 224, 139, 255]);
        assert_eq!(ndvi_colour(NDVI_MAX), [26, 152, 80, 255]);
        assert_eq!(ndvi_colour(1.0), [26, 152, 80, 255]);
        assert_eq!(ndvi_colour(f32::NAN), [0, 0, 0, 0]);
        // Halfway between yellow and green.
        let mid = ndvi_colour(0.625);
        assert_eq!(mid[..2], [140, 188]);
        assert!((109..=110).contains(&mid[2]), "{mid:?}");
    }
}
