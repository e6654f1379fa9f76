//! Cameras over HTTP: registry with field of view, frames pushed, a debounced alarm with its
//! evidence image, and the human decision that opens a fire incident.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

const FIRE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

async fn push(
    app: &TestApp,
    token: &str,
    camera: &str,
    file: &str,
    second: u32,
) -> reqwest::Response {
    let bytes = std::fs::read(format!("{FIRE}/{file}")).expect("frame");
    reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/cameras/{camera}/frames?at=2026-09-21T03:00:{second:02}Z"
        )))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn frames_raise_a_debounced_alarm_that_a_person_confirms() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("office.xs", Role::Office, "320205"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    let admin = app.token("admin").await;
    let office = app.token("office.xs").await;
    let chief = app.token("chief.jy").await;
    let body = json!({"name": "东山瞭望塔 1 号", "device_id": "32020500001320000001", "grid_code": "320205001001",
        "lon": 120.055, "lat": 31.505, "height_m": 35.0, "heading_deg": 120.0, "fov_deg": 60.0, "range_m": 3000.0});
    let r = app.post(&admin, "/api/v1/cameras", &body).await;
    assert_eq!(r.status(), 201);
    let camera = json_of(r).await;
    assert_eq!(camera["view"]["type"], "Polygon");
    let id = camera["id"].as_str().expect("id").to_owned();
    let mut wrong = body.clone();
    wrong["device_id"] = json!("123");
    assert_eq!(
        code(app.post(&admin, "/api/v1/cameras", &wrong).await).await,
        "bad_device_id"
    );
    assert_eq!(
        app.post(&admin, "/api/v1/cameras", &body).await.status(),
        409,
        "device ids are unique"
    );
    assert_eq!(
        json_of(app.get(&chief, "/api/v1/cameras").await).await,
        json!([])
    );

    // Three frames with flames: the third completes 3 of 5 and raises the alarm.
    let mut alarm = Value::Null;
    for (i, file) in ["fire_1.jpg", "fire_2.jpg", "fire_1.jpg"]
        .iter()
        .enumerate()
    {
        let r = json_of(
            push(
                &app,
                &admin,
                &id,
                file,
                u32::try_from(i).expect("small") * 10,
            )
            .await,
        )
        .await;
        assert_eq!(r["verdict"], "fire", "{file}: {r}");
        alarm = r["alarm"].clone();
        assert_eq!(alarm.is_null(), i < 2, "frame {i}: {r}");
    }
    let alarm = alarm.as_str().expect("alarm").to_owned();
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cameras/{id}/frames")))
        .bearer_auth(&admin)
        .body(b"not an image".to_vec())
        .send()
        .await
        .expect("send");
    assert_eq!(code(r).await, "bad_image");

    let pending = json_of(app.get(&office, "/api/v1/alarms?state=pending").await).await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1));
    let png = app
        .get(&office, &format!("/api/v1/alarms/{alarm}/image"))
        .await
        .bytes()
        .await
        .expect("png");
    assert!(png.starts_with(b"\x89PNG"), "the evidence is a PNG");
    let inbox = json_of(app.get(&office, "/api/v1/notifications").await).await;
    assert_eq!(inbox[0]["kind"], "camera.alarm");

    let decide = format!("/api/v1/alarms/{alarm}/decision");
    assert_eq!(
        app.post(&chief, &decide, &json!({"confirm": true}))
            .await
            .status(),
        404
    );
    let done = json_of(app.post(&office, &decide, &json!({"confirm": true})).await).await;
    assert_eq!(done["state"], "confirmed");
    let incident = done["incident_id"].as_str().expect("incident");
    let case = json_of(
        app.get(&office, &format!("/api/v1/incidents/{incident}"))
            .await,
    )
    .await;
    assert_eq!(
        (
            case["incident"]["kind"].as_str(),
            case["incident"]["source"].as_str()
        ),
        (Some("fire"), Some("camera"))
    );
    assert_eq!(
        code(app.post(&office, &decide, &json!({"confirm": false})).await).await,
        "rejected"
    );
}
