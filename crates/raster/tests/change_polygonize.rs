//! Our polygons of a mask against GDAL's `gdal_polygonize.py` (`GDALPolygonize`) on the same mask:
//! same number of polygons, same areas.
//!
//! `gdal_polygonize.py` needs GDAL's Python bindings (Debian package `python3-gdal`); the `gdal`
//! crate does not expose `GDALPolygonize`.

use std::path::Path;
use std::process::Command;

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::{Dataset, DriverManager};
use geo::{Area, Coord, LineString, MultiPolygon, Polygon};
use linzhang_raster::change::{Connectivity, morph, polygonize};
use serde_json::Value;

const TEN_M: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/imagery/S2_10m_blue_green_red_nir.tif"
);

struct Mask {
    bits: Vec<u8>,
    width: usize,
    height: usize,
    transform: [f64; 6],
    wkt: String,
}

/// NDVI of the 10 m sample above `threshold`: a real, ragged mask with holes, corner contacts
/// and single pixels.
fn ndvi_mask(threshold: f32) -> Mask {
    let dataset = Dataset::open(TEN_M).expect("sample opens");
    let (width, height) = dataset.raster_size();
    let band_values = |n| {
        dataset
            .rasterband(n)
            .expect("band")
            .read_band_as::<f32>()
            .expect("readable")
            .into_shape_and_vec()
            .1
    };
    let (red, nir) = (band_values(3), band_values(4));
    let bits = red
        .iter()
        .zip(&nir)
        .map(|(r, n)| u8::from((n - r) / (n + r) > threshold))
        .collect();
    Mask {
        bits,
        width,
        height,
        transform: dataset.geo_transform().expect("georeferenced"),
        wkt: dataset.projection(),
    }
}

fn write_mask(mask: &Mask, path: &Path) {
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GTiff driver");
    let mut dataset = driver
        .create_with_band_type_with_options::<u8, _>(
            path,
            mask.width,
            mask.height,
            1,
            &RasterCreationOptions::new(),
        )
        .expect("mask created");
    dataset
        .set_geo_transform(&mask.transform)
        .expect("geotransform");
    dataset.set_projection(&mask.wkt).expect("projection");
    let mut band = dataset.rasterband(1).expect("band");
    // 0 is nodata, so that GDAL polygonises the set pixels only.
    band.set_no_data_value(Some(0.0)).expect("nodata");
    let mut buffer = Buffer::new((mask.width, mask.height), mask.bits.clone());
    band.write((0, 0), (mask.width, mask.height), &mut buffer)
        .expect("mask written");
}

fn ring(value: &Value) -> LineString<f64> {
    value
        .as_array()
        .expect("a ring")
        .iter()
        .map(|p| Coord {
            x: p[0].as_f64().expect("x"),
            y: p[1].as_f64().expect("y"),
        })
        .collect()
}

/// The areas of GDAL's polygons of value 1, sorted.
fn gdal_areas(mask_path: &Path, out: &Path, eight: bool) -> Vec<f64> {
    let mut command = Command::new("gdal_polygonize.py");
    if eight {
        command.arg("-8");
    }
    let status = command
        .arg("-q")
        .arg(mask_path)
        .args(["-f", "GeoJSON"])
        .arg(out)
        .status()
        .expect("gdal_polygonize.py runs (Debian package python3-gdal)");
    assert!(status.success(), "gdal_polygonize.py failed");
    let text = std::fs::read_to_string(out).expect("GeoJSON written");
    let value: Value = serde_json::from_str(&text).expect("valid JSON");
    let mut areas: Vec<f64> = value["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["DN"] == 1)
        .map(|f| {
            let geometry = &f["geometry"];
            let polygons: Vec<Value> = match geometry["type"].as_str() {
                Some("Polygon") => vec![geometry["coordinates"].clone()],
                _ => geometry["coordinates"]
                    .as_array()
                    .expect("polygons")
                    .clone(),
            };
            let polygons: Vec<Polygon<f64>> = polygons
                .iter()
                .map(|rings| {
                    let rings = rings.as_array().expect("rings");
                    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
                })
                .collect();
            MultiPolygon(polygons).unsigned_area()
        })
        .collect();
    areas.sort_by(f64::total_cmp);
    areas
}

fn our_areas(mask: &Mask, connectivity: Connectivity) -> Vec<f64> {
    let polygons = polygonize(
        &mask.bits,
        mask.width,
        mask.height,
        &mask.transform,
        connectivity,
    );
    let mut areas: Vec<f64> = polygons.iter().map(Area::unsigned_area).collect();
    areas.sort_by(f64::total_cmp);
    areas
}

fn compare(mask: &Mask, name: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(format!("{name}.tif"));
    write_mask(mask, &path);
    let set = mask.bits.iter().map(|&b| usize::from(b)).sum::<usize>();
    let pixel_area = (mask.transform[1] * mask.transform[5]).abs();
    for (connectivity, eight) in [(Connectivity::Four, false), (Connectivity::Eight, true)] {
        let theirs = gdal_areas(
            &path,
            &dir.path().join(format!("{name}-{eight}.json")),
            eight,
        );
        let ours = our_areas(mask, connectivity);
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{name} {connectivity:?}: polygon count"
        );
        for (a, b) in ours.iter().zip(&theirs) {
            assert!(
                (a - b).abs() <= 1e-6 * b,
                "{name} {connectivity:?}: {a} vs {b}"
            );
        }
        let total: f64 = ours.iter().sum();
        let expected = f64::from(u32::try_from(set).expect("small")) * pixel_area;
        assert!((total - expected).abs() < 1e-3, "{total} vs {expected}");
    }
}

#[test]
fn ragged_ndvi_masks_polygonise_as_gdal_does() {
    // Around the median NDVI of the sample (0.075): about half the pixels, in every shape.
    let mask = ndvi_mask(0.075);
    let set = mask.bits.iter().map(|&b| usize::from(b)).sum::<usize>();
    assert!((20_000..40_000).contains(&set), "{set} pixels set");
    compare(&mask, "median");
    // The upper tail: scattered specks and small clumps.
    compare(&ndvi_mask(0.11), "tail");
}

#[test]
fn a_cleaned_mask_polygonises_as_gdal_does() {
    let mut mask = ndvi_mask(0.075);
    morph::open(&mut mask.bits, mask.width, mask.height);
    morph::close(&mut mask.bits, mask.width, mask.height);
    compare(&mask, "cleaned");
}
