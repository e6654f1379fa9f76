//! Reading real files through GDAL: fixtures are written by `ogr2ogr` (GDAL's own tool) from one
//! GeoJSON, into the formats and coordinate systems surveyors deliver.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Centroid, Geometry};
use linzhang_geo::gis::{ReadOptions, SourceFeature, read_features};
use serde_json::json;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lz-gis-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Two sub-compartments in Yixing with Chinese attributes, in CGCS2000 lon/lat.
fn source_geojson(dir: &Path) -> PathBuf {
    let fc = json!({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"XIAO_BAN": "0001", "DI_LEI": "0111", "YOU_SHI_SZ": "马尾松", "MIAN_JI": 12.5},
             "geometry": {"type": "Polygon", "coordinates": [[[119.70, 31.20], [119.71, 31.20], [119.71, 31.21], [119.70, 31.21], [119.70, 31.20]]]}},
            {"type": "Feature", "properties": {"XIAO_BAN": "0002", "DI_LEI": "0113", "YOU_SHI_SZ": "毛竹", "MIAN_JI": 3.25},
             "geometry": {"type": "Polygon", "coordinates": [[[119.72, 31.20], [119.73, 31.20], [119.725, 31.21], [119.72, 31.20]]]}}
        ]
    });
    let path = dir.join("source.geojson");
    std::fs::write(&path, fc.to_string()).expect("write geojson");
    path
}

fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr runs (gdal-bin)");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_all(
    path: &Path,
    opts: &ReadOptions,
) -> (linzhang_geo::gis::SourceInfo, Vec<SourceFeature>) {
    let mut features = Vec::new();
    let info = read_features(path, opts, |f| {
        features.push(f);
        ControlFlow::Continue(())
    })
    .expect("readable");
    (info, features)
}

fn attr<'a>(f: &'a SourceFeature, name: &str) -> &'a serde_json::Value {
    &f.attributes
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .expect("the column is there")
        .1
}

fn centroid(f: &SourceFeature) -> (f64, f64) {
    let g: &Geometry = f.geometry.as_ref().expect("geometry");
    let c = g.centroid().expect("centroid");
    (c.x(), c.y())
}

fn assert_same_places(features: &[SourceFeature]) {
    assert_eq!(features.len(), 2);
    let (x, y) = centroid(&features[0]);
    assert!(
        (x - 119.705).abs() < 1e-7 && (y - 31.205).abs() < 1e-7,
        "{x} {y}"
    );
    assert_eq!(attr(&features[0], "YOU_SHI_SZ"), &json!("马尾松"));
    assert_eq!(attr(&features[1], "YOU_SHI_SZ"), &json!("毛竹"));
    assert_eq!(features[1].index, 1);
}

#[test]
fn gbk_shapefile_in_gauss_kruger_without_cpg_reads_as_lon_lat_and_chinese() {
    let dir = temp_dir("shp");
    let src = source_geojson(&dir);
    let shp = dir.join("xb.shp");
    ogr2ogr(&[
        "-t_srs",
        "EPSG:4549",
        "-lco",
        "ENCODING=CP936",
        shp.to_str().expect("utf8"),
        src.to_str().expect("utf8"),
    ]);
    let _ = std::fs::remove_file(dir.join("xb.cpg"));
    let raw = std::fs::read(dir.join("xb.dbf")).expect("dbf");
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "the fixture's text must be GBK bytes"
    );

    let (info, features) = read_all(&shp, &ReadOptions::default());
    assert_eq!(info.driver, "ESRI Shapefile");
    assert_eq!(info.srs, "EPSG:4549");
    assert_eq!(info.encoding.as_deref(), Some("CP936"));
    assert_same_places(&features);

    // The folder holding the Shapefile reads the same.
    let (_, from_dir) = read_all(&dir.join("xb.shp"), &ReadOptions::default());
    assert_eq!(from_dir, features);
}

#[test]
fn zipped_shapefile_geopackage_kml_and_csv_read_the_same() {
    let dir = temp_dir("formats");
    let src = source_geojson(&dir);
    let s = |p: &Path| p.to_str().expect("utf8").to_owned();

    let gpkg = dir.join("xb.gpkg");
    ogr2ogr(&["-a_srs", "EPSG:4490", &s(&gpkg), &s(&src)]);
    let (info, features) = read_all(&gpkg, &ReadOptions::default());
    assert_eq!(info.driver, "GPKG");
    assert_same_places(&features);

    let kml = dir.join("xb.kml");
    ogr2ogr(&[&s(&kml), &s(&src)]);
    let (_, features) = read_all(&kml, &ReadOptions::default());
    assert_eq!(features.len(), 2);

    let csv = dir.join("xb.csv");
    ogr2ogr(&["-lco", "GEOMETRY=AS_WKT", &s(&csv), &s(&src)]);
    let (_, features) = read_all(
        &csv,
        &ReadOptions {
            source_srs: Some("EPSG:4490".into()),
            ..ReadOptions::default()
        },
    );
    assert_same_places(&features);

    let shp_dir = dir.join("shp");
    std::fs::create_dir_all(&shp_dir).expect("dir");
    ogr2ogr(&[
        "-t_srs",
        "EPSG:4549",
        "-lco",
        "ENCODING=UTF-8",
        &s(&shp_dir.join("xb.shp")),
        &s(&src),
    ]);
    let zip = dir.join("xb.zip");
    let status = Command::new("python3")
        .args([
            "-c",
            "import shutil,sys; shutil.make_archive(sys.argv[1], 'zip', sys.argv[2])",
            &s(&dir.join("xb")),
            &s(&shp_dir),
        ])
        .status()
        .expect("python3 zips");
    assert!(status.success());
    let (info, features) = read_all(&zip, &ReadOptions::default());
    assert_eq!(info.driver, "ESRI Shapefile");
    assert_same_places(&features);
}

#[test]
fn gcj02_correction_moves_features_back_and_missing_srs_is_refused() {
    let dir = temp_dir("gcj");
    let src = source_geojson(&dir);
    let (_, plain) = read_all(&src, &ReadOptions::default());
    let (_, corrected) = read_all(
        &src,
        &ReadOptions {
            gcj02: true,
            ..ReadOptions::default()
        },
    );
    let (x0, y0) = centroid(&plain[0]);
    let (x1, y1) = centroid(&corrected[0]);
    // The GCJ-02 offset near Yixing is some 400-500 m: corrected positions lie west and north.
    assert!(x1 < x0 - 0.003 && y1 > y0 + 0.001, "{x0},{y0} -> {x1},{y1}");

    let csv = dir.join("nosrs.csv");
    std::fs::write(&csv, "name,lon,lat\n塔,119.7,31.2\n").expect("csv");
    let err = read_features(&csv, &ReadOptions::default(), |_| ControlFlow::Continue(()))
        .expect_err("no CRS");
    assert!(
        err.to_string().contains("no coordinate reference system"),
        "{err}"
    );
    let (_, points) = read_all(
        &csv,
        &ReadOptions {
            source_srs: Some("EPSG:4490".into()),
            ..ReadOptions::default()
        },
    );
    assert_eq!(points.len(), 1);
    assert!(matches!(points[0].geometry, Ok(Geometry::Point(_))));
}

#[test]
fn a_number_missing_from_a_feature_reads_as_null_not_zero() {
    let dir = temp_dir("unset");
    let path = dir.join("gaps.geojson");
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"MEI_GQ_XJ": 80.5, "LING_ZU": 3},
         "geometry": {"type": "Point", "coordinates": [119.7, 31.2]}},
        {"type": "Feature", "properties": {"MEI_GQ_XJ": 0.0},
         "geometry": {"type": "Point", "coordinates": [119.7, 31.2]}}
    ]});
    std::fs::write(&path, fc.to_string()).expect("write");
    let (_, features) = read_all(&path, &ReadOptions::default());
    assert_eq!(attr(&features[0], "MEI_GQ_XJ"), &json!(80.5));
    assert_eq!(
        attr(&features[1], "MEI_GQ_XJ"),
        &json!(0.0),
        "a real zero stays"
    );
    assert_eq!(
        attr(&features[1], "LING_ZU"),
        &serde_json::Value::Null,
        "absent is null"
    );
}
