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

/// A stand of 乔木林地 in 东亭一村 (the 0.01° square at 120.05, 31.5).
async fn forest_stand(app: &TestApp, admin: &str) {
    let stand = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"DI_LEI": "0111", "XIAO_BAN": "0042"}, "geometry": square(120.051, 31.501, 120.059, 31.509)}]});
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/layers/subcompartment/imports?filename=xb.geojson&year=2025"))
        .bearer_auth(admin)
        .body(stand.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
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
    forest_stand(&app, &admin).await;

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

const FIRE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");
const PHOTO: &str = "0192f7a0-0000-7000-8000-0000000000d1";

async fn add_photo(
    app: &TestApp,
    token: &str,
    spot: &str,
    id: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/change-spots/{spot}/photos?id={id}&name=IMG_0002.jpg"
        )))
        .bearer_auth(token)
        .header("content-type", "image/jpeg")
        .body(bytes)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story, from the phone's upload to who sees it"
)]
async fn verification_photos_are_stored_once_and_seen_by_whoever_reads_the_spot() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("auditor", Role::Auditor, "320200"),
        ("other", Role::Office, "320205002"),
    ])
    .await;
    app.person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    let admin = app.token("admin").await;
    forest_stand(&app, &admin).await;
    let patches = json!({"type": "FeatureCollection", "features": [
        patch(&square(120.052, 31.502, 120.056, 31.506), "采伐")]});
    let r = app
        .post(&admin, "/api/v1/change-batches?name=2026年第3期", &patches)
        .await;
    assert_eq!(r.status(), 201);
    let batch = json_of(r).await["batch"]["id"]
        .as_str()
        .expect("batch")
        .to_owned();
    let spots = json_of(
        app.get(&admin, &format!("/api/v1/change-batches/{batch}/spots"))
            .await,
    )
    .await;
    let spot = spots["features"][0]["id"]
        .as_str()
        .expect("spot")
        .to_owned();
    let photo = std::fs::read(format!("{FIRE}/fire/13518571.jpg")).expect("photo");
    let original = image::load_from_memory(&photo).expect("decodes");

    // The ranger photographs the spot; the outbox sends the photo twice.
    let ranger = app.token("ranger").await;
    let first = add_photo(&app, &ranger, &spot, PHOTO, photo.clone()).await;
    assert_eq!(first.status(), 201);
    let first = json_of(first).await;
    assert_eq!(
        (
            first["kind"].as_str(),
            first["uploaded_by"].as_str(),
            first["file_name"].as_str()
        ),
        (Some("photo"), Some("ranger"), Some("IMG_0002.jpg"))
    );
    assert_eq!(first["size_bytes"], photo.len());
    assert_eq!(first["width"], original.width());
    let again = add_photo(&app, &ranger, &spot, PHOTO, photo.clone()).await;
    assert_eq!(again.status(), 200);
    assert_eq!(json_of(again).await["id"], PHOTO);

    // Not a photo: refused by its bytes, nothing stored.
    let r = add_photo(
        &app,
        &ranger,
        &spot,
        "0192f7a0-0000-7000-8000-0000000000d2",
        b"%PDF-1.7 not a photo".to_vec(),
    )
    .await;
    assert_eq!(r.status(), 415);
    assert_eq!(code(r).await, "unsupported_media_type");
    // The auditor reads but does not verify.
    let auditor = app.token("auditor").await;
    let r = add_photo(
        &app,
        &auditor,
        &spot,
        "0192f7a0-0000-7000-8000-0000000000d3",
        photo.clone(),
    )
    .await;
    assert_eq!(r.status(), 403);

    // Whoever reads the spot sees one photo, the file byte for byte and a small thumbnail.
    let list = json_of(
        app.get(&auditor, &format!("/api/v1/change-spots/{spot}/photos"))
            .await,
    )
    .await;
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 1, "{list:?}");
    let url = list[0]["url"].as_str().expect("url");
    assert_eq!(url, format!("/api/v1/change-spots/{spot}/photos/{PHOTO}"));
    let r = app.get(&admin, url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), photo.as_slice());
    let r = app
        .get(&admin, list[0]["thumbnail_url"].as_str().expect("thumb"))
        .await;
    assert_eq!(r.status(), 200);
    let small = image::load_from_memory(&r.bytes().await.expect("bytes")).expect("decodes");
    assert!(small.width().max(small.height()) <= 320);
    assert!(small.width() < original.width());
    assert!(
        app.dir
            .path()
            .join(format!("files/change-spots/{spot}/{PHOTO}.jpeg"))
            .exists()
    );
    let audit = json_of(
        app.get(&admin, "/api/v1/audit?action=change_spot.photo")
            .await,
    )
    .await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");

    // Another town's office sees none of it and cannot add to it.
    let other = app.token("other").await;
    for path in [
        format!("/api/v1/change-spots/{spot}/photos"),
        url.to_owned(),
        format!("{url}/thumbnail"),
    ] {
        assert_eq!(app.get(&other, &path).await.status(), 404, "{path}");
    }
    let r = add_photo(
        &app,
        &other,
        &spot,
        "0192f7a0-0000-7000-8000-0000000000d4",
        photo,
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = app
        .get(&admin, "/api/v1/change-spots/not-a-uuid/photos")
        .await;
    assert_eq!(code(r).await, "invalid_id");
}
