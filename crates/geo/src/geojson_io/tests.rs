use super::*;
use crate::measure::geodesic_area_m2;
use geo::Winding;

const DISTRICTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/wuxi/wuxi_districts.geojson"
);
const CITY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/wuxi/wuxi_city.geojson"
);

fn read(path: &str) -> String {
    std::fs::read_to_string(path).expect("shared Wuxi data is present")
}

fn square(x0: f64, y0: f64) -> Value {
    json!([[
        [x0, y0],
        [x0 + 1.0, y0],
        [x0 + 1.0, y0 + 1.0],
        [x0, y0 + 1.0],
        [x0, y0]
    ]])
}

fn feature(geometry: &Value) -> Value {
    json!({"type": "Feature", "properties": {"name": "x"}, "geometry": geometry})
}

fn rel_diff(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn polygon_is_promoted_and_oriented() {
    // Clockwise input exterior.
    let poly = json!({"type": "Polygon", "coordinates": [[[120, 31], [120, 32], [121, 32], [121, 31], [120, 31]]]});
    let mp = multipolygon_from_geojson(&poly).expect("valid polygon");
    assert_eq!(mp.0.len(), 1);
    assert_eq!(mp.0[0].exterior().0.len(), 5);
    assert!(mp.0[0].exterior().is_ccw());
}

#[test]
fn feature_with_multipolygon() {
    let geometry =
        json!({"type": "MultiPolygon", "coordinates": [square(120.0, 31.0), square(122.0, 31.0)]});
    let mp = multipolygon_from_geojson(&feature(&geometry)).expect("valid feature");
    assert_eq!(mp.0.len(), 2);
    assert!((mp.0[1].exterior().0[0].x - 122.0).abs() < f64::EPSILON);
}

#[test]
fn point_is_not_polygonal() {
    let point = json!({"type": "Point", "coordinates": [120.0, 31.0]});
    assert_eq!(
        multipolygon_from_geojson(&point),
        Err(GeoError::NotPolygonal {
            found: "Point".into()
        })
    );
    let line = json!({"type": "LineString", "coordinates": [[120.0, 31.0], [121.0, 31.0]]});
    assert_eq!(
        multipolygon_from_geojson(&feature(&line)),
        Err(GeoError::NotPolygonal {
            found: "LineString".into()
        })
    );
}

#[test]
fn feature_without_geometry_is_not_polygonal() {
    assert_eq!(
        multipolygon_from_geojson(&feature(&Value::Null)),
        Err(GeoError::NotPolygonal {
            found: "null".into()
        })
    );
}

#[test]
fn bow_tie_is_self_intersection() {
    let bow_tie = json!({"type": "Polygon", "coordinates": [[[120, 31], [121, 32], [121, 31], [120, 32], [120, 31]]]});
    assert_eq!(
        multipolygon_from_geojson(&bow_tie),
        Err(GeoError::SelfIntersection { polygon: 0 })
    );
}

#[test]
fn three_point_ring_is_too_few_points() {
    let tri = json!({"type": "Polygon", "coordinates": [[[120, 31], [121, 31], [120, 31]]]});
    assert_eq!(
        multipolygon_from_geojson(&tri),
        Err(GeoError::TooFewPointsInRing {
            polygon: 0,
            ring: 0
        })
    );
}

#[test]
fn unclosed_ring_is_rejected() {
    let open = json!({"type": "MultiPolygon", "coordinates": [square(100.0, 0.0), [[[120, 31], [121, 31], [121, 32], [120, 32]]]]});
    assert_eq!(
        multipolygon_from_geojson(&open),
        Err(GeoError::RingNotClosed {
            polygon: 1,
            ring: 0
        })
    );
}

#[test]
fn latitude_95_is_out_of_range() {
    let far =
        json!({"type": "Polygon", "coordinates": [[[120, 89], [121, 89], [121, 95], [120, 89]]]});
    assert_eq!(
        multipolygon_from_geojson(&far),
        Err(GeoError::OutOfRange {
            lon: 121.0,
            lat: 95.0
        })
    );
}

#[test]
fn malformed_input_is_a_geojson_error() {
    let short_position =
        json!({"type": "Polygon", "coordinates": [[[120], [121, 31], [121, 32], [120]]]});
    assert!(matches!(
        multipolygon_from_geojson(&short_position),
        Err(GeoError::GeoJson(_))
    ));
    assert!(matches!(
        multipolygon_from_geojson(&json!({"type": "Circle"})),
        Err(GeoError::GeoJson(_))
    ));
    assert!(matches!(
        read_feature_collection("{not json"),
        Err(GeoError::GeoJson(_))
    ));
}

#[test]
fn empty_collection_is_empty() {
    let fc = json!({"type": "FeatureCollection", "features": []});
    assert_eq!(multipolygon_from_geojson(&fc), Err(GeoError::Empty));
}

#[test]
fn disjoint_features_are_collected() {
    let fc = json!({"type": "FeatureCollection", "features": [
        feature(&json!({"type": "Polygon", "coordinates": square(120.0, 31.0)})),
        feature(&json!({"type": "Polygon", "coordinates": square(122.0, 31.0)})),
    ]});
    let mp = multipolygon_from_geojson(&fc).expect("valid collection");
    assert_eq!(mp.0.len(), 2);
    assert_eq!(validate(&mp), Ok(()));
}

#[test]
fn adjacent_features_are_dissolved() {
    let fc = json!({"type": "FeatureCollection", "features": [
        feature(&json!({"type": "Polygon", "coordinates": square(120.0, 31.0)})),
        feature(&json!({"type": "Polygon", "coordinates": square(121.0, 31.0)})),
    ]});
    let mp = multipolygon_from_geojson(&fc).expect("valid collection");
    assert_eq!(mp.0.len(), 1);
    assert_eq!(validate(&mp), Ok(()));
    let single =
        multipolygon_from_geojson(&json!({"type": "Polygon", "coordinates": square(120.0, 31.0)}))
            .expect("valid square");
    assert!(rel_diff(geodesic_area_m2(&mp), 2.0 * geodesic_area_m2(&single)) < 1e-4);
}

#[test]
fn bad_feature_is_reported_with_its_index() {
    let fc = json!({"type": "FeatureCollection", "features": [
        feature(&json!({"type": "Polygon", "coordinates": square(120.0, 31.0)})),
        feature(&json!({"type": "Point", "coordinates": [120.0, 31.0]})),
    ]});
    let err = multipolygon_from_geojson(&fc).expect_err("point feature");
    assert_eq!(
        err,
        GeoError::InFeature {
            index: 1,
            error: Box::new(GeoError::NotPolygonal {
                found: "Point".into()
            })
        }
    );
    assert_eq!(
        read_feature_collection(&fc.to_string()).expect_err("point feature"),
        err
    );
}

#[test]
fn round_trip_through_geojson() {
    let hole = json!([
        [120.2, 31.2],
        [120.2, 31.4],
        [120.4, 31.4],
        [120.4, 31.2],
        [120.2, 31.2]
    ]);
    let outer = json!([
        [120.0, 31.0],
        [121.0, 31.0],
        [121.0, 32.0],
        [120.0, 32.0],
        [120.0, 31.0]
    ]);
    let value =
        json!({"type": "MultiPolygon", "coordinates": [[outer, hole], square(125.0, 30.0)]});
    let mp = multipolygon_from_geojson(&value).expect("valid");
    let out = multipolygon_to_geojson(&mp);
    assert_eq!(out["type"], "MultiPolygon");
    assert_eq!(out, value, "already-oriented input comes back unchanged");
    assert_eq!(multipolygon_from_geojson(&out), Ok(mp));
}

#[test]
fn wuxi_districts_read_with_properties() {
    let districts = read_feature_collection(&read(DISTRICTS)).expect("valid districts");
    assert_eq!(districts.len(), 7);
    // Reference areas: pyproj 3.7.2 `Geod(ellps="WGS84").geometry_area_perimeter`
    // of each feature's geometry (absolute value), in file order.
    let expected = [
        ("江阴市", "156320281", 989_322_546.391),
        ("宜兴市", "156320282", 1_968_235_099.168),
        ("锡山区", "156320205", 399_585_717.996),
        ("惠山区", "156320206", 326_621_903.847),
        ("新吴区", "156320214", 217_459_054.643),
        ("梁溪区", "156320213", 72_122_882.502),
        ("滨湖区", "156320211", 627_181_460.844),
    ];
    for ((props, area), (name, gb, m2)) in districts.iter().zip(expected) {
        assert_eq!(props["name"], name);
        assert_eq!(props["gb"], gb);
        assert_eq!(validate(area), Ok(()));
        assert!(rel_diff(geodesic_area_m2(area), m2) < 1e-6, "{name}");
    }
}

#[test]
fn wuxi_districts_dissolve_to_the_city() {
    let districts: Value = serde_json::from_str(&read(DISTRICTS)).expect("json");
    let city: Value = serde_json::from_str(&read(CITY)).expect("json");
    let union = multipolygon_from_geojson(&districts).expect("districts union");
    let city = multipolygon_from_geojson(&city).expect("city");
    assert_eq!(validate(&union), Ok(()));
    // The districts tile the city exactly (pyproj sums agree to 1e-9).
    assert!(rel_diff(geodesic_area_m2(&union), geodesic_area_m2(&city)) < 1e-6);
    assert_eq!(union.0.len(), city.0.len());
}
