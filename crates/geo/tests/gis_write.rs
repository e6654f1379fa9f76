//! Exports written through GDAL read back the same, in every format.

use std::ops::ControlFlow;

use geo::{Geometry, MultiPolygon, polygon};
use linzhang_geo::gis::{
    ExportFeature, ExportField, ExportFieldKind, ExportFormat, ExportGeometry, ReadOptions,
    read_features, write_features,
};
use serde_json::json;

fn features(n: usize) -> Vec<ExportFeature> {
    (0..n)
        .map(|i| {
            let x = 119.7 + 0.01 * f64::from(u32::try_from(i).expect("small"));
            let mp = MultiPolygon(vec![polygon![(x: x, y: 31.2), (x: x + 0.005, y: 31.2), (x: x + 0.005, y: 31.205), (x: x, y: 31.2)]]);
            ExportFeature {
                wkb: linzhang_geo::geometry_to_wkb(&Geometry::MultiPolygon(mp)),
                values: vec![json!(format!("{:04}", i + 1)), json!("马尾松"), json!(12.5), json!(i)],
            }
        })
        .collect()
}

fn fields() -> Vec<ExportField> {
    let f = |name: &str, kind| ExportField {
        name: name.into(),
        kind,
    };
    vec![
        f("xiao_ban", ExportFieldKind::Text),
        f("you_shi_sz", ExportFieldKind::Text),
        f("mian_ji", ExportFieldKind::Real),
        f("ling_zu", ExportFieldKind::Integer),
    ]
}

#[test]
fn every_format_reads_back() {
    let dir = tempfile::tempdir().expect("dir");
    for format in [
        ExportFormat::GeoPackage,
        ExportFormat::Shapefile,
        ExportFormat::GeoJson,
        ExportFormat::Xlsx,
    ] {
        let path = dir.path().join(format!("xb.{}", format.extension()));
        let n = write_features(
            &path,
            format,
            "subcompartment",
            ExportGeometry::Polygon,
            &fields(),
            features(3),
        )
        .expect("written");
        assert_eq!(n, 3);
        let mut back = Vec::new();
        let opts = ReadOptions {
            // A spreadsheet has no CRS: its rows carry lon/lat columns instead of shapes.
            source_srs: (format == ExportFormat::Xlsx).then(|| "EPSG:4490".into()),
            ..ReadOptions::default()
        };
        let read = read_features(&path, &opts, |f| {
            back.push(f);
            ControlFlow::Continue(())
        });
        let info = read.unwrap_or_else(|e| unreachable!("{format:?}: {e}"));
        assert_eq!(back.len(), 3, "{format:?}");
        let value = |i: usize, k: &str| {
            back[i]
                .attributes
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(value(1, "you_shi_sz"), Some(json!("马尾松")), "{format:?}");
        assert_eq!(value(2, "xiao_ban"), Some(json!("0003")), "{format:?}");
        if format == ExportFormat::Xlsx {
            let lon = value(0, "lon").and_then(|v| v.as_f64()).expect("lon");
            assert!((lon - 119.703_333).abs() < 1e-5, "the centroid: {lon}");
        } else {
            assert!(
                matches!(
                    back[0].geometry,
                    Ok(Geometry::MultiPolygon(_) | Geometry::Polygon(_))
                ),
                "{format:?}"
            );
            // RFC 7946 GeoJSON is always WGS84 lon/lat, which CGCS2000 equals at map scale.
            let expected = if format == ExportFormat::GeoJson {
                "EPSG:4326"
            } else {
                "EPSG:4490"
            };
            assert_eq!(info.srs, expected, "{format:?}");
        }
    }
    // The zipped Shapefile carries its .prj and a UTF-8 .cpg.
    let listing = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print(' '.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(dir.path().join("xb.shp.zip"))
        .output()
        .expect("python3");
    let names = String::from_utf8_lossy(&listing.stdout).into_owned();
    for ext in [".shp", ".shx", ".dbf", ".prj", ".cpg"] {
        assert!(names.contains(ext), "{ext} in {names}");
    }
}
