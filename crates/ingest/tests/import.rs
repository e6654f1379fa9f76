//! Imports end to end on a real store: files written by GDAL's `ogr2ogr` in the coordinate
//! systems and encodings surveyors deliver, checked against an independent area computation.

mod common;

use std::path::Path;

use common::{area_boundary, ctx, import, ogr2ogr, store, subcompartments, temp};
use linzhang_domain::Scope;
use linzhang_geo::gis::ReadOptions;
use linzhang_ingest::{ImportTarget, import_file};
use linzhang_store::{FeatureFilter, Store};
use serde_json::json;

#[tokio::test]
async fn gbk_shapefile_in_4549_and_geopackage_in_4490_give_the_same_statistics() {
    let dir = temp();
    let (db, _) = store(dir.path()).await;
    let src = subcompartments(dir.path(), None);
    let name = |p: &Path| p.to_str().expect("utf8").to_owned();
    let shp = dir.path().join("xb.shp");
    ogr2ogr(&[
        "-t_srs",
        "EPSG:4549",
        "-lco",
        "ENCODING=CP936",
        &name(&shp),
        &name(&src),
    ]);
    std::fs::remove_file(dir.path().join("xb.cpg")).expect("no .cpg");
    let gpkg = dir.path().join("xb.gpkg");
    ogr2ogr(&["-a_srs", "EPSG:4490", &name(&gpkg), &name(&src)]);

    let shp_report = import(&db, &shp, 2024).await;
    assert!(shp_report.rejected.is_empty(), "{:?}", shp_report.rejected);
    assert!(shp_report.warnings.is_empty(), "{:?}", shp_report.warnings);
    assert_eq!(
        (shp_report.srs.as_str(), shp_report.accepted),
        ("EPSG:4549", 24)
    );
    let gpkg_report = import(&db, &gpkg, 2025).await;
    assert_eq!(
        (gpkg_report.srs.as_str(), gpkg_report.accepted),
        ("EPSG:4490", 24)
    );

    let all = Scope::everything();
    for target in ["320200", "320282101001", "320282101002"] {
        let of_2024 = db
            .layer_stats(&all, "subcompartment", 2024, target)
            .await
            .expect("stats");
        let of_2025 = db
            .layer_stats(&all, "subcompartment", 2025, target)
            .await
            .expect("stats");
        assert_eq!(of_2024.len(), of_2025.len(), "{target}");
        assert!(
            of_2024.len() > 20,
            "every dimension is counted: {of_2024:?}"
        );
        for (r, q) in of_2024.iter().zip(&of_2025) {
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
    let city = db
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
    let west = db
        .layer_stats(&all, "subcompartment", 2025, "320282101001")
        .await
        .expect("stats");
    let east = db
        .layer_stats(&all, "subcompartment", 2025, "320282101002")
        .await
        .expect("stats");
    let town = db
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
