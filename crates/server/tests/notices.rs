//! Notifications: a fire reaches the chiefs and offices up the tree at once, live (SSE) and in
//! their inboxes; an ordinary incident reaches its grid and the one above only.

mod common;

use std::time::Duration;

use common::TestApp;
use linzhang_domain::Role;
use serde_json::{Value, json};

fn report(id: &str, kind: &str) -> Value {
    json!({"id": id, "grid_code": "320205001001", "kind": kind, "priority": "urgent",
           "title": "东山起火", "description": "浓烟", "lon": 120.055, "lat": 31.505})
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let r: Value = app
        .get(token, "/api/v1/notifications?unread=true")
        .await
        .json()
        .await
        .expect("json");
    r.as_array().cloned().expect("list")
}

#[tokio::test]
async fn a_fire_reaches_up_the_tree_at_once_and_the_rest_stays_near() {
    let app = TestApp::start(&[
        ("chief.dt", Role::Chief, "320205001"),
        ("office.xs", Role::Office, "320205"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    app.person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    let ranger = app.token("ranger").await;
    let office = app.token("office.xs").await;
    let town = app.token("chief.dt").await;
    let other = app.token("chief.jy").await;

    // The county office listens live.
    let mut stream = reqwest::Client::new()
        .get(app.url("/api/v1/events"))
        .bearer_auth(&office)
        .send()
        .await
        .expect("events");
    assert_eq!(stream.status(), 200);
    let r = app
        .post(
            &ranger,
            "/api/v1/incidents",
            &report("0192f7a0-0000-7000-8000-00000000f001", "fire"),
        )
        .await;
    assert_eq!(r.status(), 201);
    let mut seen = String::new();
    let arrived = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(chunk)) = stream.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: incident.reported") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(arrived, Ok(true), "the SSE stream carried the fire: {seen}");
    assert!(seen.contains("\"urgent\":true"), "{seen}");

    let notes = inbox(&app, &office).await;
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]["title"]
            .as_str()
            .expect("title")
            .contains("【紧急】")
    );
    assert_eq!(inbox(&app, &town).await.len(), 1);
    assert!(
        inbox(&app, &other).await.is_empty(),
        "江阴 is not told of 锡山's fire"
    );

    // An ordinary incident reaches its grid and the grid above: the town, not the county.
    let r = app
        .post(
            &ranger,
            "/api/v1/incidents",
            &report("0192f7a0-0000-7000-8000-00000000f002", "illegal_logging"),
        )
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(inbox(&app, &town).await.len(), 2);
    assert_eq!(inbox(&app, &office).await.len(), 1);

    let ids: Vec<Value> = inbox(&app, &town)
        .await
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    let r: Value = app
        .post(&town, "/api/v1/notifications/read", &json!({"ids": ids}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(r["marked"], 2);
    assert!(inbox(&app, &town).await.is_empty());
}
