//! Satellite hotspots over HTTP: a FIRMS file in, a fire incident out, scoped by grid.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/firms/MODIS_C6_1_Global_24h_2023-08-01.csv"
);

async fn post_raw(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn a_firms_file_raises_a_fire_incident_on_forest_land() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief.jy", Role::Chief, "320281"),
        ("ranger.dt", Role::Ranger, "320205001"),
    ])
    .await;
    let admin = app.token("admin").await;
    // A stand of 乔木林地 in 东亭一村 (its grid is the 0.01° square at 120.05, 31.5).
    let forest = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"DI_LEI": "0111"},
        "geometry": {"type": "Polygon", "coordinates": [[[120.051, 31.501], [120.059, 31.501], [120.059, 31.509], [120.051, 31.509], [120.051, 31.501]]]}}]});
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/layers/subcompartment/imports?filename=xb.geojson&year=2025"))
        .bearer_auth(&admin)
        .body(forest.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);

    // The real 24-hour sample (3 MB) goes through; nothing of it lies in this city.
    let r = post_raw(
        &app,
        &admin,
        "/api/v1/hotspots/imports",
        std::fs::read(SAMPLE).expect("sample"),
    )
    .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        (body["read"].as_u64(), body["stored"].as_u64()),
        (Some(36_555), Some(0))
    );

    let csv = "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,version,bright_t31,frp,daynight\n\
               31.505,120.055,330.5,1.0,1.0,2023-08-01,0310,A,88,6.1NRT,295.1,42.3,D\n";
    let ranger = app.token("ranger.dt").await;
    let r = post_raw(&app, &ranger, "/api/v1/hotspots/imports", csv.into()).await;
    assert_eq!(r.status(), 403);
    let r = post_raw(
        &app,
        &admin,
        "/api/v1/hotspots/imports",
        b"nonsense\n1\n".to_vec(),
    )
    .await;
    assert_eq!(code(r).await, "unreadable_file");
    let r = post_raw(&app, &admin, "/api/v1/hotspots/imports", csv.into()).await;
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        (body["stored"].as_u64(), body["incidents_raised"].as_u64()),
        (Some(1), Some(1)),
        "{body}"
    );

    let list: Value = app
        .get(&admin, "/api/v1/hotspots?since=2023-07-31T00:00:00Z")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["land_class"], "0111");
    let incident = list[0]["incident_id"]
        .as_str()
        .expect("incident")
        .to_owned();
    let fire: Value = app
        .get(&admin, &format!("/api/v1/incidents/{incident}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(fire["incident"]["kind"], "fire");
    assert_eq!(fire["incident"]["source"], "hotspot");
    assert_eq!(fire["incident"]["grid_code"], "320205001001");
    let chief = app.token("chief.jy").await;
    let theirs: Value = app
        .get(&chief, "/api/v1/hotspots?since=2023-07-31T00:00:00Z")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(theirs, json!([]));
    let r = app.get(&admin, "/api/v1/hotspots?since=yesterday").await;
    assert_eq!(code(r).await, "bad_since");
}
