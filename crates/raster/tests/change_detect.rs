//! Change detection on pairs made from real images by altering them inside known polygons
//! (no real before/after pair is available, see ../shared/data/SOURCES.md), so the expected
//! patches are known exactly.

use std::path::Path;

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::{Dataset, DriverManager, Metadata};
use geo::{BooleanOps, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use linzhang_raster::change::{Cause, ChangeError, DetectOptions, Patch, detect, patches_geojson};

const IMAGERY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imagery");

/// A scene in memory: bands of f64 values, row-major.
struct Scene {
    bands: Vec<Vec<f64>>,
    width: usize,
    height: usize,
    transform: [f64; 6],
    wkt: String,
    nodata: Option<f64>,
}

fn read_scene(name: &str) -> Scene {
    let dataset = Dataset::open(Path::new(IMAGERY).join(name)).expect("sample opens");
    let (width, height) = dataset.raster_size();
    let bands = (1..=dataset.raster_count())
        .map(|n| {
            let band = dataset.rasterband(n).expect("band");
            band.read_band_as::<f64>()
                .expect("readable")
                .into_shape_and_vec()
                .1
        })
        .collect();
    Scene {
        bands,
        width,
        height,
        transform: dataset
            .geo_transform()
            .unwrap_or([0.0, 1.0, 0.0, 0.0, 0.0, 1.0]),
        wkt: dataset.projection(),
        nodata: dataset.rasterband(1).expect("band").no_data_value(),
    }
}

/// Writes `scene` as a GeoTIFF of `T` with an acquisition date (TIFF `DateTime`).
fn write_scene<T: gdal::raster::GdalType + Copy>(
    scene: &Scene,
    path: &Path,
    date: &str,
    convert: impl Fn(f64) -> T,
) {
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GTiff driver");
    let mut dataset = driver
        .create_with_band_type_with_options::<T, _>(
            path,
            scene.width,
            scene.height,
            scene.bands.len(),
            &RasterCreationOptions::new(),
        )
        .expect("scene created");
    dataset
        .set_geo_transform(&scene.transform)
        .expect("geotransform");
    dataset.set_projection(&scene.wkt).expect("projection");
    dataset
        .set_metadata_item("TIFFTAG_DATETIME", date, "")
        .expect("date");
    for (i, values) in scene.bands.iter().enumerate() {
        let mut band = dataset.rasterband(i + 1).expect("band");
        if let Some(nodata) = scene.nodata {
            band.set_no_data_value(Some(nodata)).expect("nodata");
        }
        let converted: Vec<T> = values.iter().map(|&v| convert(v)).collect();
        let mut buffer = Buffer::new((scene.width, scene.height), converted);
        band.write((0, 0), (scene.width, scene.height), &mut buffer)
            .expect("band written");
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "values are clamped to the UInt16 range first"
)]
fn to_u16(v: f64) -> u16 {
    v.round().clamp(0.0, 65_535.0) as u16
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "values are clamped to the Byte range first"
)]
fn to_u8(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// A polygon in pixel coordinates (column, row of pixel corners).
fn pixel_polygon(corners: &[(f64, f64)]) -> Polygon<f64> {
    let mut ring: Vec<Coord<f64>> = corners.iter().map(|&(x, y)| Coord { x, y }).collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// The pixels whose centre lies inside `polygon`.
#[expect(
    clippy::cast_precision_loss,
    reason = "pixel indices are far below 2^52"
)]
fn pixels_inside(scene: &Scene, polygon: &Polygon<f64>) -> Vec<usize> {
    (0..scene.width * scene.height)
        .filter(|i| {
            let (x, y) = (
                (i % scene.width) as f64 + 0.5,
                (i / scene.width) as f64 + 0.5,
            );
            polygon.contains(&Point::new(x, y))
        })
        .collect()
}

/// Multiplies the bands of the pixels inside `polygon` by `factors` (one per band).
fn alter(scene: &mut Scene, polygon: &Polygon<f64>, factors: &[f64]) {
    for i in pixels_inside(scene, polygon) {
        for (band, factor) in scene.bands.iter_mut().zip(factors) {
            band[i] *= factor;
        }
    }
}

/// `polygon` (pixel coordinates of `scene`) in CGCS2000 longitude/latitude.
fn lonlat(scene: &Scene, polygon: &Polygon<f64>) -> MultiPolygon<f64> {
    let mut source = SpatialRef::from_wkt(&scene.wkt).expect("scene CRS");
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(4490).expect("EPSG:4490");
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let transform = CoordTransform::new(&source, &target).expect("transformation");
    let t = scene.transform;
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = polygon
        .exterior()
        .coords()
        .map(|c| {
            (
                t[0] + c.x * t[1] + c.y * t[2],
                t[3] + c.x * t[4] + c.y * t[5],
            )
        })
        .unzip();
    transform
        .transform_coords(&mut xs, &mut ys, &mut [])
        .expect("transformed");
    let ring: LineString<f64> = xs
        .into_iter()
        .zip(ys)
        .map(|(x, y)| Coord { x, y })
        .collect();
    linzhang_geo::orient(&MultiPolygon(vec![Polygon::new(ring, vec![])]))
}

fn iou(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    let inter = linzhang_geo::geodesic_area_m2(&a.intersection(b));
    let union = linzhang_geo::geodesic_area_m2(&a.union(b));
    inter / union
}

/// The patch overlapping `expected` most, and their intersection over union.
fn best_match<'a>(patches: &'a [Patch], expected: &MultiPolygon<f64>) -> (&'a Patch, f64) {
    patches
        .iter()
        .map(|p| (p, iou(&p.geometry, expected)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("some patch")
}

/// The 30 m composite, given the georeferencing it lacks: a 30 m grid near Wuxi in CGCS2000 /
/// 3-degree Gauss-Kruger CM 120E (EPSG:4549, northing-first like the Chinese survey data).
fn composite() -> Scene {
    let mut scene = read_scene("S2_composite_30m_6band.tif");
    assert!(scene.wkt.is_empty(), "the sample has no georeferencing");
    scene.transform = [520_000.0, 30.0, 0.0, 3_500_000.0, 0.0, -30.0];
    scene.wkt = SpatialRef::from_epsg(4549)
        .expect("EPSG:4549")
        .to_wkt()
        .expect("WKT");
    scene
}

struct Pair {
    _dir: tempfile::TempDir,
    before: std::path::PathBuf,
    after: std::path::PathBuf,
    scene: Scene,
    /// (polygon in pixel coordinates, expected cause(s)).
    expected: Vec<(Polygon<f64>, Vec<Cause>)>,
}

/// The composite before, and after a clearing, a burn and a building site inside known
/// polygons, plus two small blobs that are not to be reported.
fn composite_pair() -> Pair {
    let before = composite();
    let mut after = composite();
    // Bands: blue, green, red, NIR, SWIR1, SWIR2.
    let clearing = pixel_polygon(&[
        (340.0, 344.0),
        (352.0, 344.0),
        (352.0, 352.0),
        (340.0, 352.0),
    ]);
    let burn = pixel_polygon(&[
        (380.0, 345.0),
        (392.0, 345.0),
        (392.0, 353.0),
        (386.0, 357.0),
        (380.0, 353.0),
    ]);
    let building = pixel_polygon(&[
        (400.0, 346.0),
        (410.0, 346.0),
        (410.0, 354.0),
        (400.0, 354.0),
    ]);
    // Soil exposed: NIR down, red up, SWIR up a little.
    alter(&mut after, &clearing, &[1.3, 1.2, 2.0, 0.6, 1.3, 1.5]);
    // Char: NIR down strongly, SWIR2 up, visible darker.
    alter(&mut after, &burn, &[0.9, 0.9, 1.0, 0.35, 1.2, 2.2]);
    // Concrete: bright in every band but NIR.
    alter(&mut after, &building, &[3.0, 3.0, 4.0, 0.6, 1.6, 2.5]);
    // 2×2 pixels: removed by the 3×3 opening. 3×3 pixels (0.81 ha): under the 1 ha minimum.
    let speck = pixel_polygon(&[
        (360.0, 346.0),
        (362.0, 346.0),
        (362.0, 348.0),
        (360.0, 348.0),
    ]);
    let blob = pixel_polygon(&[
        (365.0, 348.0),
        (368.0, 348.0),
        (368.0, 351.0),
        (365.0, 351.0),
    ]);
    for small in [&speck, &blob] {
        alter(&mut after, small, &[1.3, 1.2, 2.0, 0.6, 1.3, 1.5]);
    }
    for polygon in [&clearing, &burn, &building, &speck, &blob] {
        let nodata = after.nodata.expect("nodata 32768");
        let inside = pixels_inside(&before, polygon);
        assert!(
            inside
                .iter()
                .all(|&i| (before.bands[0][i] - nodata).abs() > 0.5),
            "test polygons lie on valid pixels"
        );
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let (b, a) = (dir.path().join("before.tif"), dir.path().join("after.tif"));
    write_scene(&before, &b, "2024:03:01 10:30:00", to_u16);
    write_scene(&after, &a, "2024:09:15 10:30:00", to_u16);
    Pair {
        _dir: dir,
        before: b,
        after: a,
        scene: before,
        expected: vec![
            (clearing, vec![Cause::Felling, Cause::Clearing]),
            (burn, vec![Cause::Fire]),
            (building, vec![Cause::LandUse]),
        ],
    }
}

#[test]
fn altered_polygons_are_found_with_their_causes() {
    let pair = composite_pair();
    let opts = DetectOptions {
        // At 30 m one pixel (900 m²) is already above 1 mu and the opening removes anything
        // under 3×3 pixels; 1 ha makes the minimum mapping unit drop the 3×3 blob.
        min_area_m2: 10_000.0,
        ..DetectOptions::default()
    };
    let patches = detect(&pair.before, &pair.after, &opts).expect("detection runs");
    assert_eq!(patches.len(), 3, "the three polygons and nothing else");
    for (polygon, causes) in &pair.expected {
        let expected = lonlat(&pair.scene, polygon);
        let (patch, overlap) = best_match(&patches, &expected);
        assert!(overlap >= 0.9, "IoU {overlap} for {causes:?}");
        assert!(
            causes.contains(&patch.cause),
            "{:?} not in {causes:?}",
            patch.cause
        );
        let ratio = patch.area_m2 / linzhang_geo::geodesic_area_m2(&expected);
        assert!((0.9..1.1).contains(&ratio), "area ratio {ratio}");
        assert_eq!(patch.before_date.as_deref(), Some("2024-03-01"));
        assert_eq!(patch.after_date.as_deref(), Some("2024-09-15"));
        let ndvi = patch.ndvi.expect("NDVI known");
        assert!(ndvi.mean_change >= 0.2 && ndvi.max_change >= ndvi.mean_change);
        assert!((ndvi.before - ndvi.after - ndvi.mean_change).abs() < 1e-9);
        assert!(patch.nbr.is_some() && patch.ndmi.is_some());
        assert!(linzhang_geo::validate(&patch.geometry).is_ok());
    }
    // With the default minimum (1 mu) the 3×3 blob is a patch too; the 2×2 speck never is.
    let all = detect(&pair.before, &pair.after, &DetectOptions::default()).expect("detection");
    assert_eq!(all.len(), 4);
    let blob = all.iter().find(|p| p.pixels == 9).expect("the 3×3 blob");
    assert!((blob.area_m2 - 8_100.0).abs() < 100.0, "{}", blob.area_m2);
}

#[test]
fn windows_do_not_change_the_result() {
    let pair = composite_pair();
    let whole = detect(&pair.before, &pair.after, &DetectOptions::default()).expect("detection");
    for rows in [1, 5, 347] {
        let opts = DetectOptions {
            window_rows: rows,
            ..DetectOptions::default()
        };
        let windowed = detect(&pair.before, &pair.after, &opts).expect("detection");
        assert_eq!(windowed, whole, "windows of {rows} rows");
    }
}

#[test]
fn the_geojson_carries_the_attributes() {
    let pair = composite_pair();
    let patches = detect(&pair.before, &pair.after, &DetectOptions::default()).expect("detection");
    let value = patches_geojson(&patches);
    let features = value["features"].as_array().expect("features");
    assert_eq!(features.len(), patches.len());
    let fire = features
        .iter()
        .find(|f| f["properties"]["cause"] == "fire")
        .expect("the burn");
    let p = &fire["properties"];
    assert_eq!(p["cause_zh"], "灾害");
    assert_eq!(p["before_date"], "2024-03-01");
    assert!(p["dnbr_mean"].as_f64().expect("dNBR") >= 0.27);
    assert!(p["area_mu"].as_f64().expect("mu") > 100.0);
    // It reads back as valid GeoJSON polygons.
    let geometry = linzhang_geo::multipolygon_from_geojson(&fire["geometry"]).expect("valid");
    assert!(!geometry.0.is_empty());
}

#[test]
fn identical_scenes_have_no_patches_and_ungeoreferenced_ones_fail() {
    let pair = composite_pair();
    let none = detect(&pair.before, &pair.before, &DetectOptions::default()).expect("detection");
    assert!(none.is_empty());
    let raw = Path::new(IMAGERY).join("S2_composite_30m_6band.tif");
    let error = detect(&raw, &raw, &DetectOptions::default()).expect_err("no georeferencing");
    assert!(
        matches!(error, ChangeError::NoGeoreference { .. }),
        "{error}"
    );
}

#[test]
fn a_blob_under_one_mu_is_dropped_at_5_m() {
    // rgbn.tif: 5 m, bytes, red-green-blue-NIR by colour interpretation; no cloud test on bytes.
    let before = read_scene("rgbn.tif");
    let mut after = read_scene("rgbn.tif");
    // Bands: red, green, blue, NIR.
    let clearing = pixel_polygon(&[
        (200.0, 150.0),
        (240.0, 150.0),
        (240.0, 180.0),
        (200.0, 180.0),
    ]);
    // 5×5 pixels = 625 m² < 666.7 m² (1 mu), but it survives the 3×3 opening.
    let blob = pixel_polygon(&[
        (300.0, 300.0),
        (305.0, 300.0),
        (305.0, 305.0),
        (300.0, 305.0),
    ]);
    for polygon in [&clearing, &blob] {
        alter(&mut after, polygon, &[1.8, 1.3, 1.2, 0.4]);
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let (b, a) = (dir.path().join("before.tif"), dir.path().join("after.tif"));
    write_scene(&before, &b, "2023:01:01 00:00:00", to_u8);
    write_scene(&after, &a, "2023:06:01 00:00:00", to_u8);

    let patches = detect(&b, &a, &DetectOptions::default()).expect("detection");
    assert_eq!(
        patches.len(),
        1,
        "{:?}",
        patches.iter().map(|p| p.area_m2).collect::<Vec<_>>()
    );
    let (patch, overlap) = best_match(&patches, &lonlat(&before, &clearing));
    assert!(overlap >= 0.9, "IoU {overlap}");
    assert!(patch.nbr.is_none(), "no SWIR in an RGBN image");
    // With a smaller minimum the blob is there.
    let opts = DetectOptions {
        min_area_m2: 500.0,
        ..DetectOptions::default()
    };
    let patches = detect(&b, &a, &opts).expect("detection");
    assert_eq!(patches.len(), 2);
    assert!(
        patches
            .iter()
            .any(|p| p.pixels == 25 && (p.area_m2 - 625.0).abs() < 5.0)
    );
}

#[test]
fn clouds_and_nodata_are_not_change() {
    let before = composite();
    let mut after = composite();
    let cloud = pixel_polygon(&[
        (340.0, 344.0),
        (352.0, 344.0),
        (352.0, 352.0),
        (340.0, 352.0),
    ]);
    let gap = pixel_polygon(&[
        (380.0, 345.0),
        (392.0, 345.0),
        (392.0, 353.0),
        (380.0, 353.0),
    ]);
    // A cloud: bright and white in the visible (reflectance about 0.45), NIR and SWIR alike.
    for i in pixels_inside(&after, &cloud) {
        for (band, value) in after
            .bands
            .iter_mut()
            .zip([4_500.0, 4_600.0, 4_550.0, 4_800.0, 4_000.0, 3_500.0])
        {
            band[i] = value;
        }
    }
    // A gap in the after scene: nodata in every band.
    for i in pixels_inside(&after, &gap) {
        for band in &mut after.bands {
            band[i] = 32_768.0;
        }
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let (b, a) = (dir.path().join("before.tif"), dir.path().join("after.tif"));
    write_scene(&before, &b, "2024:03:01 10:30:00", to_u16);
    write_scene(&after, &a, "2024:09:15 10:30:00", to_u16);

    let patches = detect(&b, &a, &DetectOptions::default()).expect("detection");
    assert!(patches.is_empty(), "{} patches", patches.len());
    // Without the cloud test the cloud is a (false) change; the gap never is.
    let opts = DetectOptions {
        cloud: None,
        ..DetectOptions::default()
    };
    let patches = detect(&b, &a, &opts).expect("detection");
    assert_eq!(patches.len(), 1);
    let (_, overlap) = best_match(&patches, &lonlat(&before, &cloud));
    assert!(overlap >= 0.9, "IoU {overlap}");
}
