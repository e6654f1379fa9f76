//! What the server fetches by itself: the FIRMS feed from a configured URL, and pictures from
//! cameras' snapshot URLs. An "outside" HTTP server on another loopback port plays NASA and
//! the cameras; the jobs are called as the scheduler calls them.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use common::TestApp;
use linzhang_domain::Role;
use linzhang_server::ServerConfig;
use serde_json::{Value, json};

const FIRE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");

/// One detection on the test's forest stand in 东亭一村, and one far outside the city.
const CSV: &str = "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,version,bright_t31,frp,daynight\n\
                   31.505,120.055,330.5,1.0,1.0,2023-08-01,0310,A,88,6.1NRT,295.1,42.3,D\n\
                   -12.5,131.2,320.0,1.0,1.0,2023-08-01,0310,A,70,6.1NRT,290.0,10.0,D\n";

/// Serves the feed at `/firms.csv`, a camera at `/snapshot.jpg` whose pictures alternate
/// between two photos of flames, and an error at `/down`.
async fn outside() -> String {
    let shots = Arc::new(AtomicUsize::new(0));
    let photos: Arc<[Vec<u8>; 2]> = Arc::new([
        std::fs::read(format!("{FIRE}/fire_1.jpg")).expect("photo"),
        std::fs::read(format!("{FIRE}/fire_2.jpg")).expect("photo"),
    ]);
    let app = Router::new()
        .route(
            "/firms.csv",
            get(|| async { ([(header::CONTENT_TYPE, "text/csv")], CSV) }),
        )
        .route(
            "/snapshot.jpg",
            get(move || {
                let n = shots.fetch_add(1, Ordering::SeqCst);
                let photo = photos[n % 2].clone();
                async move { ([(header::CONTENT_TYPE, "image/jpeg")], photo).into_response() }
            }),
        )
        .route(
            "/down",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "maintenance") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn config(firms_url: Option<String>) -> ServerConfig {
    ServerConfig {
        firms_url,
        ..ServerConfig::default()
    }
}

async fn forest_stand(app: &TestApp, admin: &str) {
    let forest = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"DI_LEI": "0111"},
        "geometry": {"type": "Polygon", "coordinates": [[[120.051, 31.501], [120.059, 31.501], [120.059, 31.509], [120.051, 31.509], [120.051, 31.501]]]}}]});
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/layers/subcompartment/imports?filename=xb.geojson&year=2025"))
        .bearer_auth(admin)
        .body(forest.to_string())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn the_firms_feed_is_fetched_imported_once_and_raises_one_incident() {
    let base = outside().await;
    let users = [("admin", Role::Admin, "320200")];
    let app = TestApp::start_with(&users, config(Some(format!("{base}/firms.csv")))).await;
    let admin = app.token("admin").await;
    forest_stand(&app, &admin).await;

    let first = linzhang_server::jobs::fetch_firms(&app.state)
        .await
        .expect("fetched")
        .expect("a URL is configured");
    assert_eq!(
        (
            first.read,
            first.outside,
            first.stored,
            first.incidents_raised
        ),
        (2, 1, 1, 1)
    );
    // The next round reads the same file: nothing new is stored or raised.
    let again = linzhang_server::jobs::fetch_firms(&app.state)
        .await
        .expect("fetched")
        .expect("configured");
    assert_eq!(
        (again.stored, again.duplicates, again.incidents_raised),
        (0, 1, 0)
    );
    let incidents: Value = app
        .get(&admin, "/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    let fires: Vec<&Value> = incidents
        .as_array()
        .expect("list")
        .iter()
        .filter(|i| i["kind"] == "fire" && i["source"] == "hotspot")
        .collect();
    assert_eq!(fires.len(), 1, "{incidents}");

    // A feed that is down is an error, and nothing changes.
    let down = TestApp::start_with(&users, config(Some(format!("{base}/down")))).await;
    let e = linzhang_server::jobs::fetch_firms(&down.state)
        .await
        .expect_err("the feed is down");
    assert_eq!(e.code, "feed_unavailable");
    assert!(e.message.contains("503"), "{}", e.message);
    // Without a URL there is nothing to fetch.
    let none = TestApp::start_with(&users, config(None)).await;
    assert!(
        linzhang_server::jobs::fetch_firms(&none.state)
            .await
            .expect("nothing to do")
            .is_none()
    );
}

#[tokio::test]
async fn cameras_with_a_snapshot_url_are_polled_into_a_debounced_alarm() {
    let base = outside().await;
    let app = TestApp::start_with(&[("admin", Role::Admin, "320200")], config(None)).await;
    let admin = app.token("admin").await;
    let camera = |name: &str, device: &str, snapshot: Option<String>| {
        json!({"name": name, "device_id": device, "grid_code": "320205001001",
            "lon": 120.055, "lat": 31.505, "height_m": 35.0, "heading_deg": 120.0, "fov_deg": 60.0,
            "range_m": 3000.0, "snapshot_url": snapshot})
    };
    let polled = app
        .post(
            &admin,
            "/api/v1/cameras",
            &camera(
                "东山瞭望塔",
                "32020500001320000001",
                Some(format!("{base}/snapshot.jpg")),
            ),
        )
        .await;
    assert_eq!(polled.status(), 201);
    let polled: Value = polled.json().await.expect("json");
    assert_eq!(polled["snapshot_url"], format!("{base}/snapshot.jpg"));
    let broken = camera(
        "坏的摄像机",
        "32020500001320000002",
        Some(format!("{base}/down")),
    );
    assert_eq!(
        app.post(&admin, "/api/v1/cameras", &broken).await.status(),
        201
    );
    let pushing = camera("推流摄像机", "32020500001320000003", None);
    assert_eq!(
        app.post(&admin, "/api/v1/cameras", &pushing).await.status(),
        201
    );

    // Three rounds: the working camera is read each time (the broken one is skipped, the
    // pushing one never asked); the third picture with flames completes 3 of 5.
    for round in 0..3 {
        let checked = linzhang_server::jobs::poll_cameras(&app.state)
            .await
            .expect("polled");
        assert_eq!(checked, 1, "round {round}");
        let alarms: Value = app
            .get(&admin, "/api/v1/alarms")
            .await
            .json()
            .await
            .expect("json");
        let n = alarms.as_array().expect("list").len();
        assert_eq!(n, usize::from(round == 2), "round {round}: {alarms}");
        if round == 2 {
            assert_eq!(alarms[0]["camera_id"], polled["id"]);
            assert_eq!(alarms[0]["verdict"], "fire");
        }
        app.clock.advance(chrono::Duration::seconds(10));
    }
}
