//! Change spots over HTTP: patches in, clipped to forest land and placed; field verification;
//! an illegal change opens a case.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

fn patch(geometry: &Value, cause: &str) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": {
        "area_m2": 1.0, "cause": "felling", "cause_zh": cause, "before_date": "2025-10-01",
        "after_date": "2026-04-01", "dndvi_mean": 0.41, "dndvi_max": 0.63}})
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "one story, from patches to a case")]
async fn patches_become_spots_and_an_illegal_one_opens_a_case() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief.jy", Role::Chief, "320281"),
        ("auditor", Role::Auditor, "320200"),
    ])
    .await;
    app.person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    let admin = app.token("admin").await;
    // A stand of 乔木林地 in 东亭一村 (the 0.01° square at 120.05, 31.5).
    let stand = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"DI_LEI": "0111", "XIAO_BAN": "0042"}, "geometry": square(120.051, 31.501, 120.059, 31.509)}]});
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/layers/subcompartment/imports?filename=xb.geojson&year=2025"))
        .bearer_auth(&admin)
        .body(stand.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);

    // Half on the stand; off forest land in 江阴; a sliver on the stand under 1 mu.
    let patches = json!({"type": "FeatureCollection", "features": [
        patch(&square(120.055, 31.503, 120.063, 31.506), "采伐"),
        patch(&square(120.021, 31.501, 120.025, 31.505), "占地"),
        patch(&square(120.0588, 31.5088, 120.0592, 31.5092), "采伐"),
    ]});
    let r = app
        .post(&admin, "/api/v1/change-batches?name=2026年第1期", &patches)
        .await;
    assert_eq!(r.status(), 201);
    let created = json_of(r).await;
    assert_eq!(
        (created["kept"].as_u64(), created["dropped"].as_u64()),
        (Some(1), Some(2)),
        "{created}"
    );
    let batch = created["batch"]["id"].as_str().expect("id").to_owned();
    let again = app
        .post(&admin, "/api/v1/change-batches?name=2026年第1期", &patches)
        .await;
    assert_eq!(again.status(), 409);
    // The ranger of 东亭一村 is sent to verify it; the chief of 江阴 has nothing to do.
    let ranger = app.token("ranger").await;
    let inbox = json_of(app.get(&ranger, "/api/v1/notifications").await).await;
    let dispatched: Vec<&Value> = inbox
        .as_array()
        .expect("list")
        .iter()
        .filter(|n| n["kind"] == "spots.dispatched")
        .collect();
    assert_eq!(dispatched.len(), 1, "{inbox}");
    assert!(
        dispatched[0]["title"]
            .as_str()
            .is_some_and(|t| t.contains("2026年第1期") && t.contains("1 个")),
        "{inbox}"
    );
    let jiangyin = app.token("chief.jy").await;
    let theirs = json_of(app.get(&jiangyin, "/api/v1/notifications").await).await;
    assert_eq!(theirs, json!([]));

    let spots = json_of(
        app.get(&admin, &format!("/api/v1/change-batches/{batch}/spots"))
            .await,
    )
    .await;
    let spot = &spots["features"][0];
    let p = &spot["properties"];
    assert_eq!(
        (
            p["di_lei"].as_str(),
            p["xiao_ban"].as_str(),
            p["state"].as_str()
        ),
        (Some("0111"), Some("0042"), Some("pending"))
    );
    assert_eq!(p["grid_code"], "320205001001");
    let clipped = p["area_m2"].as_f64().expect("area");
    assert!(
        clipped > 66.7 * 10.0 && clipped < 0.6 * 0.008 * 0.003 * 1.1e10,
        "only the part on forest land: {clipped}"
    );
    let chief = app.token("chief.jy").await;
    let theirs = json_of(
        app.get(&chief, &format!("/api/v1/change-batches/{batch}/spots"))
            .await,
    )
    .await;
    assert_eq!(theirs["features"], json!([]));
    let stats = json_of(
        app.get(&admin, &format!("/api/v1/change-batches/{batch}/stats"))
            .await,
    )
    .await;
    assert_eq!(
        stats,
        json!([{"county_code": "320205", "pending": 1, "verified": 0, "illegal": 0, "area_m2": clipped}])
    );

    // The ranger's field visit: felling without a permit.
    let id = spot["id"].as_str().expect("id");
    let url = format!("/api/v1/change-spots/{id}/verification");
    assert_eq!(
        code(
            app.post(&ranger, &url, &json!({"cause": "77", "legal": false}))
                .await
        )
        .await,
        "bad_verification"
    );
    assert_eq!(
        code(app.post(&ranger, &url, &json!({"cause": "20"})).await).await,
        "bad_verification"
    );
    let auditor = app.token("auditor").await;
    assert_eq!(
        app.post(&auditor, &url, &json!({"cause": "20", "legal": false}))
            .await
            .status(),
        403
    );
    let done = json_of(
        app.post(
            &ranger,
            &url,
            &json!({"cause": "20", "legal": false, "area_m2": 1200.0, "note": "无采伐证"}),
        )
        .await,
    )
    .await;
    assert_eq!(done["properties"]["state"], "verified");
    let incident = done["properties"]["incident_id"]
        .as_str()
        .expect("a case")
        .to_owned();
    // The response was lost and the field app's outbox sends the same finding again: it is
    // acknowledged with the spot as stored, and no second case is opened.
    let again = app
        .post(
            &ranger,
            &url,
            &json!({"cause": "20", "legal": false, "area_m2": 1200.0, "note": "无采伐证"}),
        )
        .await;
    assert_eq!(again.status(), 200);
    let again = json_of(again).await;
    assert_eq!(
        (
            again["properties"]["incident_id"].as_str(),
            &again["properties"]["verified_at"]
        ),
        (Some(incident.as_str()), &done["properties"]["verified_at"])
    );
    let audit = json_of(
        app.get(&admin, "/api/v1/audit?action=change_spot.verify")
            .await,
    )
    .await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");
    let cases = json_of(app.get(&admin, "/api/v1/incidents").await).await;
    let text = cases.to_string();
    assert_eq!(text.matches("变化图斑第").count(), 1, "{text}");
    let case = json_of(
        app.get(&admin, &format!("/api/v1/incidents/{incident}"))
            .await,
    )
    .await;
    assert_eq!(
        (
            case["incident"]["kind"].as_str(),
            case["incident"]["source"].as_str()
        ),
        (Some("illegal_logging"), Some("satellite"))
    );
    let batches = json_of(app.get(&admin, "/api/v1/change-batches").await).await;
    assert_eq!(
        (
            batches[0]["spots"].as_i64(),
            batches[0]["verified"].as_i64()
        ),
        (Some(1), Some(1))
    );

    // The batch as files with the standard fields: GeoPackage read back through GDAL, and
    // Excel under the Chinese names; a bad format is refused.
    let batch = batches[0]["id"].as_str().expect("batch id");
    let dir = tempfile::tempdir().expect("dir");
    let r = app
        .get(
            &admin,
            &format!("/api/v1/change-batches/{batch}/export?format=gpkg"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let gpkg = dir.path().join("spots.gpkg");
    std::fs::write(&gpkg, r.bytes().await.expect("body")).expect("write");
    {
        use gdal::vector::LayerAccess;
        let ds = gdal::Dataset::open(&gpkg).expect("GDAL opens the export");
        let mut layer = ds.layer(0).expect("layer");
        let features: Vec<_> = layer.features().collect();
        assert_eq!(features.len(), 1);
        let f = &features[0];
        let text = |name: &str| {
            f.field_as_string(f.field_index(name).expect("field"))
                .expect("read")
        };
        let real = |name: &str| {
            f.field_as_double(f.field_index(name).expect("field"))
                .expect("read")
                .expect("a value")
        };
        assert_eq!(text("XIAN").as_deref(), Some("320205"));
        assert_eq!(text("CUN").as_deref(), Some("320205001001"));
        assert_eq!(text("HSBHYY").as_deref(), Some("20"));
        assert_eq!(text("SFHF").as_deref(), Some("否"));
        let ha = real("MJ");
        assert!(
            (ha - clipped / 10_000.0).abs() < 1e-9,
            "{ha} ha vs {clipped} m²"
        );
        let hsmj = real("HSMJ");
        assert!((hsmj - 0.12).abs() < 1e-9);
        assert!(f.geometry().is_some_and(|g| g.area() > 0.0));
    }
    let r = app
        .get(
            &admin,
            &format!("/api/v1/change-batches/{batch}/export?format=xlsx"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let xlsx = dir.path().join("spots.xlsx");
    std::fs::write(&xlsx, r.bytes().await.expect("body")).expect("write");
    {
        use gdal::vector::LayerAccess;
        let ds = gdal::Dataset::open(&xlsx).expect("GDAL opens the workbook");
        let layer = ds.layer(0).expect("sheet");
        let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
        assert!(
            names.iter().any(|n| n == "核实变化原因") && names.iter().any(|n| n == "前时相"),
            "{names:?}"
        );
    }
    assert_eq!(
        code(
            app.get(
                &admin,
                &format!("/api/v1/change-batches/{batch}/export?format=pdf")
            )
            .await
        )
        .await,
        "bad_format"
    );
}
