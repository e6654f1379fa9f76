//! Patrol coverage of a responsibility area over the period of its rule, over HTTP: a ranger
//! walks across the middle of an area, and the office sees the share of it within 100 m of the
//! track and the patrols against the rule (8 a month).

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

/// Walking east along 31.505°N across 东亭一村, 15 s and about 9.5 m apart.
fn walk() -> Value {
    let list: Vec<Value> = (0..96_u32)
        .map(|i| {
            json!({
                "id": format!("0192f7a0-0000-7000-8000-{:012}", 500 + i),
                "t": format!("2026-09-21T10:{:02}:{:02}Z", i * 15 / 60, i * 15 % 60),
                "lon": 120.051 + f64::from(i) * 0.0001, "lat": 31.505, "accuracy_m": 5.0
            })
        })
        .collect();
    json!({ "points": list })
}

#[tokio::test]
async fn an_areas_coverage_and_patrols_follow_the_tracks_across_it() {
    let app = TestApp::start(&[
        ("office.xs", Role::Office, "320205"),
        ("office.jy", Role::Office, "320281"),
    ])
    .await;
    app.person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    let office = app.token("office.xs").await;
    let ranger = app.token("ranger").await;
    // The whole village square (0.01° × 0.01°) as one responsibility area.
    let ring = [
        [120.05, 31.50],
        [120.06, 31.50],
        [120.06, 31.51],
        [120.05, 31.51],
        [120.05, 31.50],
    ];
    let area = json!({"grid_code": "320205001001", "name": "东亭一村第1责任区",
        "boundary": {"type": "Polygon", "coordinates": [ring]},
        "four_sides": {"east": "东至河", "south": "南至路", "west": "西至山", "north": "北至村界"},
        "resource_types": ["forest_land"], "ownership": "collective"});
    let r = app.post(&office, "/api/v1/areas", &area).await;
    assert_eq!(r.status(), 200);
    let code_of_area = r.json::<Value>().await.expect("json")["code"]
        .as_str()
        .expect("code")
        .to_owned();

    let id = "0192f7a0-0000-7000-8000-0000000000b1";
    let start = json!({"id": id, "started_at": "2026-09-21T10:00:00Z"});
    assert_eq!(
        app.post(&ranger, "/api/v1/patrols", &start).await.status(),
        201
    );
    let path = format!("/api/v1/patrols/{id}/points");
    assert_eq!(app.post(&ranger, &path, &walk()).await.status(), 200);

    let url = format!("/api/v1/areas/{code_of_area}/coverage?date=2026-09-21&within_m=100");
    let c: Value = app.get(&office, &url).await.json().await.expect("json");
    assert_eq!(
        (c["from"].as_str(), c["to"].as_str()),
        (Some("2026-09-01"), Some("2026-10-01"))
    );
    assert_eq!(
        (c["patrols"].as_u64(), c["required"].as_u64()),
        (Some(1), Some(8))
    );
    assert_eq!(c["behind"], true);
    // A band 200 m tall across a square about 1,109 m tall: about 18 % of it.
    let share = c["coverage"].as_f64().expect("coverage");
    assert!((0.15..0.21).contains(&share), "{c}");
    let km = c["walked_km"].as_f64().expect("km");
    assert!((0.85..0.95).contains(&km), "{c}");

    // Another month: nothing walked.
    let october = format!("/api/v1/areas/{code_of_area}/coverage?date=2026-10-05");
    let c: Value = app.get(&office, &october).await.json().await.expect("json");
    assert_eq!(
        (c["patrols"].as_u64(), c["coverage"].as_f64()),
        (Some(0), Some(0.0))
    );

    // Rangers do not supervise tracks; another county does not see the area; bad input is 400.
    assert_eq!(app.get(&ranger, &url).await.status(), 403);
    let jiangyin = app.token("office.jy").await;
    assert_eq!(app.get(&jiangyin, &url).await.status(), 404);
    let far = format!("/api/v1/areas/{code_of_area}/coverage?within_m=5000");
    assert_eq!(code(app.get(&office, &far).await).await, "bad_distance");
}
