//! The test city of the import tests: a town in Yixing with two villages, one responsibility
//! area, and a GeoJSON of sub-compartments over them.

#![allow(dead_code, reason = "each test file uses a part")]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use linzhang_domain::audit::Actor;
use linzhang_domain::{AreaCode, FourSides, GridCode, Scope};
use linzhang_geo::geo::{MultiPolygon, polygon};
use linzhang_geo::gis::ReadOptions;
use linzhang_ingest::{ImportReport, ImportTarget, import_file};
use linzhang_store::{NewArea, NewGrid, Shape, SqlStore, Store, WriteCtx};
use serde_json::json;

pub fn ctx() -> WriteCtx {
    WriteCtx {
        actor: Actor::system("test"),
        at: DateTime::<Utc>::from_timestamp(1_790_000_000, 0).expect("instant"),
    }
}

pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)],
    ])
}

pub fn shape(mp: &MultiPolygon<f64>) -> Shape {
    let b = linzhang_geo::bbox(mp).expect("bbox");
    Shape {
        wkb: linzhang_geo::to_wkb(mp),
        bbox: [b.min_x, b.min_y, b.max_x, b.max_y],
        area_m2: linzhang_geo::geodesic_area_m2(mp),
    }
}

/// The responsibility area: a rectangle with a vertex every 0.002–0.003° (about 250 m), so that
/// how an edge runs between vertices (geodesic or straight in some projection) is immaterial.
pub fn area_boundary() -> MultiPolygon<f64> {
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
pub async fn store(dir: &Path) -> (SqlStore, AreaCode) {
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
pub fn subcompartments(dir: &Path, broken_at: Option<usize>) -> PathBuf {
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
    for i in 0_u32..6 {
        for j in 0_u32..4 {
            let n = i * 4 + j;
            let k = usize::try_from(n).expect("small");
            let x = 119.65 + f64::from(i) * 0.035;
            let y = 31.15 + f64::from(j) * 0.025;
            let ring = if broken_at == Some(k) {
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
                    "DI_LEI": classes[k % 5], "BH_DJ": grades[k % 4],
                    "YOU_SHI_SZ": species[k % 6], "LING_ZU": (n % 5) + 1,
                    "SEN_LIN_LB": if n % 2 == 0 { "11" } else { "一般商品林" },
                    "LD_QS": if n % 3 == 0 { "国有" } else { "2" },
                    "MEI_GQ_XJ": 40.0 + f64::from(n), "QI_YUAN": 21
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]}
            }));
        }
    }
    let path = dir.join(format!(
        "xb-{}.geojson",
        broken_at.map_or_else(|| "whole".to_owned(), |b| b.to_string())
    ));
    std::fs::write(
        &path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .expect("write");
    path
}

pub fn ogr2ogr(args: &[&str]) {
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

pub async fn import(s: &SqlStore, path: &Path, year: i32) -> ImportReport {
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

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}
