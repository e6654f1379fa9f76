//! Meetings over HTTP: a town that held one chief meeting this year is flagged (the rule asks 2).

mod common;

use common::{TestApp, code};
use linzhang_domain::{Clock, Role};
use serde_json::{Value, json};

#[tokio::test]
async fn a_town_with_one_meeting_this_year_is_flagged() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("chief.dt", Role::Chief, "320205001"),
    ])
    .await;
    let office = app.token("office.city").await;
    let today = app.clock.now().date_naive();
    let meeting = |id: &str, kind: &str| {
        json!({"id": id, "grid_code": "320205001", "kind": kind, "title": "东亭街道林长会议",
               "held_on": today.to_string(), "minutes": "部署秋冬季森林防火", "attendees": ["镇林长", "副林长"],
               "decisions": ["十月底前完成防火隔离带清理"]})
    };
    let r = app
        .post(
            &office,
            "/api/v1/meetings",
            &meeting("0192f7a0-0000-7000-8000-0000000000e1", "chief"),
        )
        .await;
    assert_eq!(r.status(), 201);
    app.post(
        &office,
        "/api/v1/meetings",
        &meeting("0192f7a0-0000-7000-8000-0000000000e2", "office"),
    )
    .await;
    let chief = app.token("chief.dt").await;
    assert_eq!(
        app.post(
            &chief,
            "/api/v1/meetings",
            &meeting("0192f7a0-0000-7000-8000-0000000000e3", "chief")
        )
        .await
        .status(),
        403
    );

    let board: Value = app
        .get(&office, "/api/v1/compliance/meetings")
        .await
        .json()
        .await
        .expect("json");
    let town = board
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["grid_code"] == "320205001")
        .expect("the town");
    assert_eq!(
        (
            town["level"].as_str(),
            town["required"].as_u64(),
            town["done"].as_u64()
        ),
        (Some("town"), Some(2), Some(1))
    );
    assert_eq!(
        town["behind"], true,
        "one chief meeting this year is behind the rule of two"
    );
    let city = board
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["grid_code"] == "320200")
        .expect("the city");
    assert_eq!(
        (city["required"].as_u64(), city["behind"].as_bool()),
        (Some(1), Some(true))
    );
    assert!(
        board
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["level"] != "village")
    );
    let listed: Value = app
        .get(&office, "/api/v1/meetings")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert_eq!(
        code(
            app.get(&office, "/api/v1/compliance/meetings?date=someday")
                .await
        )
        .await,
        "bad_date"
    );
}
