//! Imports end to end on a real store: files written by GDAL's `ogr2ogr` in the coordinate
//! systems and encodings surveyors deliver, checked against an independent area computation.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use linzhang_domain::audit::Actor;
use linzhang_domain::{AreaCode, FourSides, GridCode, Scope};
use linzhang_geo::geo::{MultiPolygon, polygon};
use linzhang_geo::gis::ReadOptions;
use linzhang_ingest::{ImportReport, ImportTarget, import_file};
use linzhang_store::{FeatureFilter, NewArea, NewGrid, Shape, SqlStore, Store, WriteCtx};
use serde_json::json;

fn ctx() -> WriteCtx {
    WriteCtx {
        actor: Actor::system("test"),
        at: DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("instant"),
    }
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)],
    ])
}

fn shape(mp: &MultiPolygon<f64>) -> Shape {
    let b = linzhang_geo::bbox(mp).expect("bbox");
    Shape {
        wkb: linzhang_geo::to_wkb(mp),
        bbox: [b.min_x, b.min_y, b.max_x, b.max_y],
        area_m2: linzhang_geo::geodesic_area_m2(mp),
    }
}

/// The responsibility area: a rectangle with a vertex every 0.002–0.003° (about 250 m), so that
/// how an edge runs between vertices (geodesic or straight in some projection) is immaterial.
fn area_boundary() -> MultiPolygon<f64> {
    let (x0, y0, x1, y1) = (119.62, 31.12, 119.70, 31.25);
    let steps = |a: f64, b: f64| (0..40).map(move |i| a + (b - a) * f64::from(i) / 40.0);
    let mut ring: Vec<(f64, f64)> = Vec::new();
    ring.extend(steps(x0, x1).map(|x| (x, y0)));
    ring.extend(steps(y0, y1).map(|y| (x1, y)));
    ring.extend(steps(x1, x0).map(|x| (x, y1)));
    ring.extend(steps(y1, y0).map(|y| (x0, y)));
    ring.push((x0, y0));
    MultiPolygon(vec![linzhang_geo::geo::Polygon::new(ring.into(), vec![])])
}

/// A town in Yixing split into a west and an east village, with one responsibility area.
async fn store(dir: &Path) -> (SqlStore, AreaCode) {
    let s = linzhang_store_sqlite::open_path(&dir.join("t.db"))
        .await
        .expect("store");
    linzhang_store::ensure_defaults(&s, ctx().at)
        .await
        .expect("defaults");
    let whole = rect(119.60, 31.10, 119.90, 31.30);
    let grids = [
        ("320200", None, whole.clone()),
        ("320282", Some("320200"), whole.clone()),
        ("320282101", Some("320282"), whole),
        (
            "320282101001",
            Some("320282101"),
            rect(119.60, 31.10, 119.75, 31.30),
        ),
        (
            "320282101002",
            Some("320282101"),
            rect(119.75, 31.10, 119.90, 31.30),
        ),
    ];
    for (code, parent, mp) in grids {
        let g = NewGrid {
            code: GridCode::parse(code).expect("code"),
            name: code.into(),
            parent: parent.map(|p| GridCode::parse(p).expect("code")),
            boundary: Some(shape(&mp)),
            generated: false,
        };
        s.create_grid(&ctx(), &g).await.expect("grid");
    }
    let area = NewArea {
        code: None,
        name: "西山责任区".into(),
        grid_code: GridCode::parse("320282101001").expect("code"),
        boundary: shape(&area_boundary()),
        four_sides: FourSides {
            east: "路".into(),
            south: "河".into(),
            west: "山".into(),
            north: "村".into(),
        },
        resource_types: vec!["forest_land".into()],
        ownership: "collective".into(),
        generated: false,
    };
    let a = s
        .create_area(&ctx(), &Scope::everything(), &area)
        .await
        .expect("area");
    (s, a.code)
}

/// 24 slanted sub-compartments across both villages and the area's edges, with attributes as
/// surveyors write them (codes, names, grades, dropped leading zeros).
fn subcompartments(dir: &Path, broken_at: Option<usize>) -> PathBuf {
    let classes = [
        json!("0111"),
        json!("竹林地"),
        json!(131),
        json!("0111"),
        json!("0120"),
    ];
    let grades = ["Ⅱ", "3", "Ⅳ级", "1"];
    let species = ["马尾松", "毛竹", "杉木", "麻栎", "意杨", "香樟"];
    let mut features = Vec::new();
    for i in 0..6 {
        for j in 0..4 {
            let n = i * 4 + j;
            let x = 119.65 + f64::from(i) * 0.035;
            let y = 31.15 + f64::from(j) * 0.025;
            let ring = if broken_at == Some(n as usize) {
                // A bow tie: the ring crosses itself.
                vec![
                    [x, y],
                    [x + 0.03, y + 0.02],
                    [x + 0.03, y],
                    [x, y + 0.02],
                    [x, y],
                ]
            } else {
                vec![
                    [x, y],
                    [x + 0.03, y + 0.004],
                    [x + 0.031, y + 0.024],
                    [x + 0.002, y + 0.02],
                    [x, y],
                ]
            };
            features.push(json!({
                "type": "Feature",
                "properties": {
                    "LIN_BAN": format!("{:03}", i + 1), "XIAO_BAN": format!("{:04}", n + 1),
                    "DI_LEI": classes[n as usize % 5], "BH_DJ": grades[n as usize % 4],
                    "YOU_SHI_SZ": species[n as usize % 6], "LING_ZU": (n % 5) + 1,
                    "SEN_LIN_LB": if n % 2 == 0 { "11" } else { "一般商品林" },
                    "LD_QS": if n % 3 == 0 { "国有" } else { "2" },
                    "MEI_GQ_XJ": 40.0 + f64::from(n), "QI_YUAN": 21
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]}
            }));
        }
    }
    let path = dir.join(format!("xb-{}.geojson", broken_at.map_or(-1, |b| b as i64)));
    std::fs::write(
        &path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .expect("write");
    path
}

fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (gdal-bin) runs");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn import(s: &SqlStore, path: &Path, year: i32) -> ImportReport {
    let target = ImportTarget {
        layer: "subcompartment".into(),
        year,
        source: path.display().to_string(),
    };
    import_file(
        s,
        &ctx(),
        &Scope::everything(),
        &target,
        path,
        &ReadOptions::default(),
    )
    .await
    .expect("import runs")
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[tokio::test]
async fn gbk_shapefile_in_4549_and_geopackage_in_4490_give_the_same_statistics() {
    let dir = temp();
    let (s, _) = store(dir.path()).await;
    let src = subcompartments(dir.path(), None);
    let p = |p: &Path| p.to_str().expect("utf8").to_owned();
    let shp = dir.path().join("xb.shp");
    ogr2ogr(&[
        "-t_srs",
        "EPSG:4549",
        "-lco",
        "ENCODING=CP936",
        &p(&shp),
        &p(&src),
    ]);
    std::fs::remove_file(dir.path().join("xb.cpg")).expect("no .cpg");
    let gpkg = dir.path().join("xb.gpkg");
    ogr2ogr(&["-a_srs", "EPSG:4490", &p(&gpkg), &p(&src)]);

    let a = import(&s, &shp, 2024).await;
    assert!(a.rejected.is_empty(), "{:?}", a.rejected);
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert_eq!((a.srs.as_str(), a.accepted), ("EPSG:4549", 24));
    let b = import(&s, &gpkg, 2025).await;
    assert_eq!((b.srs.as_str(), b.accepted), ("EPSG:4490", 24));

    let all = Scope::everything();
    for target in ["320200", "320282101001", "320282101002"] {
        let x = s
            .layer_stats(&all, "subcompartment", 2024, target)
            .await
            .expect("stats");
        let y = s
            .layer_stats(&all, "subcompartment", 2025, target)
            .await
            .expect("stats");
        assert_eq!(x.len(), y.len(), "{target}");
        assert!(x.len() > 20, "every dimension is counted: {x:?}");
        for (r, q) in x.iter().zip(&y) {
            assert_eq!(
                (&r.dimension, &r.value, r.features),
                (&q.dimension, &q.value, q.features)
            );
            assert!(
                (r.area_m2 - q.area_m2).abs() < 100.0,
                "{target} {r:?} vs {q:?}: 0.01 ha"
            );
            assert!((r.volume_m3 - q.volume_m3).abs() < 1.0, "{r:?} vs {q:?}");
        }
    }
    // Names became codes: the land classes are the table's codes.
    let city = s
        .layer_stats(&all, "subcompartment", 2025, "320200")
        .await
        .expect("stats");
    let classes: Vec<_> = city
        .iter()
        .filter(|r| r.dimension == "land_class")
        .map(|r| r.value.as_str())
        .collect();
    assert_eq!(classes.len(), 4);
    assert!(
        classes
            .iter()
            .all(|c| ["0111", "0113", "0131", "0120"].contains(c)),
        "{classes:?}"
    );
    // The two villages add up to the town.
    let total = |rows: &[linzhang_store::LayerStat]| {
        rows.iter()
            .find(|r| r.dimension.is_empty())
            .map(|r| r.area_m2)
            .expect("total")
    };
    let west = s
        .layer_stats(&all, "subcompartment", 2025, "320282101001")
        .await
        .expect("stats");
    let east = s
        .layer_stats(&all, "subcompartment", 2025, "320282101002")
        .await
        .expect("stats");
    let town = s
        .layer_stats(&all, "subcompartment", 2025, "320282101")
        .await
        .expect("stats");
    assert!((total(&west) + total(&east) - total(&town)).abs() < 1e-6);
}

/// The area of each sub-compartment inside the responsibility area, by GDAL/GEOS in an
/// equal-area projection (PROJ), independently of linzhang's own overlay and geodesics.
fn reference_overlap_m2(gpkg: &Path) -> f64 {
    use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
    use gdal::vector::{Geometry, LayerAccess};
    let ds = gdal::Dataset::open(gpkg).expect("open");
    let mut layer = ds.layer(0).expect("layer");
    let mut src = SpatialRef::from_epsg(4490).expect("4490");
    src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let albers = SpatialRef::from_proj4(
        "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=GRS80 +units=m",
    )
    .expect("aea");
    let to_albers = CoordTransform::new(&src, &albers).expect("transform");
    let area = Geometry::from_wkb(&linzhang_geo::to_wkb(&area_boundary())).expect("wkb");
    let area = area.transform(&to_albers).expect("project");
    let mut sum = 0.0;
    for f in layer.features() {
        let g = f
            .geometry()
            .expect("geometry")
            .transform(&to_albers)
            .expect("project");
        if let Some(i) = g.intersection(&area) {
            sum += i.area();
        }
    }
    sum
}

#[tokio::test]
async fn area_statistics_match_an_independent_overlay_within_a_thousandth() {
    let dir = temp();
    let (s, area) = store(dir.path()).await;
    let src = subcompartments(dir.path(), None);
    let gpkg = dir.path().join("xb.gpkg");
    ogr2ogr(&[
        "-a_srs",
        "EPSG:4490",
        gpkg.to_str().expect("utf8"),
        src.to_str().expect("utf8"),
    ]);
    let r = import(&s, &gpkg, 2025).await;
    assert!(r.import.is_some());
    let stats = s
        .layer_stats(&Scope::everything(), "subcompartment", 2025, area.as_str())
        .await
        .expect("stats");
    let ours = stats
        .iter()
        .find(|r| r.dimension.is_empty())
        .expect("total")
        .area_m2;
    let reference = reference_overlap_m2(&gpkg);
    assert!(
        reference > 1_000_000.0,
        "the area overlaps several sub-compartments: {reference}"
    );
    assert!(
        (ours - reference).abs() / reference < 0.001,
        "ours {ours} m², GDAL/PROJ {reference} m²"
    );
}

#[tokio::test]
async fn a_file_with_one_broken_polygon_is_refused_whole_and_changes_nothing() {
    let dir = temp();
    let (s, _) = store(dir.path()).await;
    let good = subcompartments(dir.path(), None);
    assert!(import(&s, &good, 2024).await.import.is_some());
    let before = s
        .audit(&linzhang_store::AuditFilter::default())
        .await
        .expect("audit")
        .len();

    let broken = subcompartments(dir.path(), Some(7));
    let r = import(&s, &broken, 2025).await;
    assert!(r.import.is_none());
    assert_eq!(r.rejected_total, 1);
    assert_eq!(r.rejected[0].index, 7);
    assert_eq!(r.rejected[0].code, "invalid_geometry");
    assert!(
        r.rejected[0].reason.contains("intersects itself"),
        "{}",
        r.rejected[0].reason
    );
    let filter = FeatureFilter {
        layer: "subcompartment".into(),
        year: 2025,
        limit: 10,
        ..FeatureFilter::default()
    };
    assert_eq!(
        s.feature_count(&Scope::everything(), &filter)
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        s.layer_years("subcompartment").await.expect("years"),
        vec![2024]
    );
    assert_eq!(
        s.audit(&linzhang_store::AuditFilter::default())
            .await
            .expect("audit")
            .len(),
        before
    );

    // A file in the wrong place (here: a CRS mistake puts it in Tibet) is refused too.
    let far = dir.path().join("far.geojson");
    std::fs::write(
        &far,
        json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
        "geometry": {"type": "Point", "coordinates": [90.0, 30.0]}}]})
        .to_string(),
    )
    .expect("write");
    let target = ImportTarget {
        layer: "ancient_tree".into(),
        year: 2025,
        source: "far".into(),
    };
    let r = import_file(
        &s,
        &ctx(),
        &Scope::everything(),
        &target,
        &far,
        &ReadOptions::default(),
    )
    .await
    .expect("runs");
    assert_eq!(r.rejected[0].code, "outside_scope");
    // A point where a polygon layer wants polygons is refused by type.
    let target = ImportTarget {
        layer: "subcompartment".into(),
        year: 2025,
        source: "pt".into(),
    };
    let r = import_file(
        &s,
        &ctx(),
        &Scope::everything(),
        &target,
        &far,
        &ReadOptions::default(),
    )
    .await
    .expect("runs");
    assert_eq!(r.rejected[0].code, "wrong_geometry_type");
}

#[tokio::test]
async fn unknown_codes_are_stored_as_given_and_reported() {
    let dir = temp();
    let (s, _) = store(dir.path()).await;
    let path = dir.path().join("odd.geojson");
    std::fs::write(&path, json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"DI_LEI": "0999", "XIAO_BAN": "0001"},
        "geometry": {"type": "Polygon", "coordinates": [[[119.7, 31.2], [119.71, 31.2], [119.71, 31.21], [119.7, 31.2]]]}}]}).to_string()).expect("write");
    let r = import(&s, &path, 2025).await;
    assert!(r.import.is_some());
    assert_eq!(r.warnings_total, 1);
    assert_eq!(
        (
            r.warnings[0].index,
            r.warnings[0].field.as_str(),
            r.warnings[0].value.as_str()
        ),
        (0, "di_lei", "0999")
    );
    let filter = FeatureFilter {
        layer: "subcompartment".into(),
        year: 2025,
        limit: 10,
        ..FeatureFilter::default()
    };
    let f = s
        .features(&Scope::everything(), &filter)
        .await
        .expect("features");
    assert_eq!(f[0].properties["di_lei"], json!("0999"));
}
