//! Task lists over HTTP: a city target broken down to counties and towns, the sum check,
//! progress rolling up, "my tasks", a meeting decision as a task, scope and roles.

mod common;

use chrono::Duration;
use common::{TestApp, code};
use linzhang_domain::{Clock, Role};
use serde_json::{Value, json};

fn id(n: u32) -> String {
    format!("0192f7a0-0000-7000-8000-{n:012x}")
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == id)
        .expect("task listed")
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story, from the city's target to a town's progress"
)]
async fn a_target_is_broken_down_and_progress_rolls_up() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("office.xs", Role::Office, "320205"),
        ("chief.dt", Role::Chief, "320205001"),
        ("chief.jy", Role::Chief, "320281"),
        ("chief.village", Role::Chief, "320205001001"),
        ("ranger", Role::Ranger, "320205001"),
    ])
    .await;
    let city = app.token("office.city").await;
    let county = app.token("office.xs").await;
    let town = app.token("chief.dt").await;
    let deadline = (app.clock.now().date_naive() + Duration::days(100)).to_string();
    let r = app
        .post(
            &city,
            "/api/v1/tasks",
            &json!({"id": id(1), "grid_code": "320200", "title": "造林绿化 5 万亩",
                    "kind": "afforestation", "amount": 50000, "deadline": deadline}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let root = json_of(r).await;
    assert_eq!(
        (&root["task"]["unit"], &root["task"]["kind_name"]),
        (&json!("亩"), &json!("造林绿化"))
    );
    let r = app
        .post(
            &city,
            &format!("/api/v1/tasks/{}/breakdown", id(1)),
            &json!({"parts": [{"id": id(2), "grid_code": "320205", "amount": 20000},
                              {"id": id(3), "grid_code": "320281", "amount": 25000}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let d = json_of(r).await;
    assert_eq!(d["children"].as_array().map(Vec::len), Some(2));
    assert_eq!(d["task"]["progress"]["shortfall"], 5000.0);

    // The county breaks its part down; more than its 20,000 is refused, naming both sums.
    let breakdown = format!("/api/v1/tasks/{}/breakdown", id(2));
    let r = app
        .post(
            &county,
            &breakdown,
            &json!({"parts": [{"id": id(4), "grid_code": "320205001", "amount": 15000},
                              {"id": id(5), "grid_code": "320205002", "amount": 6000}]}),
        )
        .await;
    assert_eq!(r.status(), 422);
    let body = json_of(r).await;
    assert_eq!(body["code"], "breakdown_exceeds");
    let message = body["message"].as_str().expect("message");
    assert!(
        message.contains("21000") && message.contains("20000"),
        "{message}"
    );
    let d = json_of(app.get(&county, &format!("/api/v1/tasks/{}", id(2))).await).await;
    assert_eq!(
        d["children"].as_array().map(Vec::len),
        Some(0),
        "nothing stored"
    );
    let r = app
        .post(
            &county,
            &breakdown,
            &json!({"parts": [{"id": id(4), "grid_code": "320205001", "amount": 12000},
                              {"id": id(5), "grid_code": "320205002", "amount": 8000}]}),
        )
        .await;
    assert_eq!(r.status(), 200);

    // Progress on the town's task rolls up to the county and the city.
    let r = app
        .post(
            &town,
            &format!("/api/v1/tasks/{}/progress", id(4)),
            &json!({"id": id(10), "amount": 3000, "note": "春季造林验收",
                    "evidence": ["files/acceptance.pdf"]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            &county,
            &format!("/api/v1/tasks/{}/progress", id(2)),
            &json!({"id": id(11), "amount": 1}),
        )
        .await;
    assert_eq!(
        r.status(),
        422,
        "a broken-down task reports through its parts"
    );
    let all = json_of(app.get(&city, "/api/v1/tasks").await).await;
    assert_eq!(all.as_array().map(Vec::len), Some(5));
    let p = |list: &Value, n| find(list, &id(n))["progress"].clone();
    assert_eq!(p(&all, 1)["done"], 3000.0);
    assert_eq!(p(&all, 1)["percent"], 6.0);
    assert_eq!(p(&all, 2)["done"], 3000.0);
    assert_eq!(p(&all, 2)["percent"], 15.0);
    assert_eq!(p(&all, 4)["percent"], 25.0);
    assert_eq!(p(&all, 1)["overdue"], false);
    let mine = json_of(app.get(&town, "/api/v1/tasks?mine=true").await).await;
    let mine: Vec<&str> = mine
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["id"].as_str().expect("id"))
        .collect();
    assert_eq!(mine, [id(4)]);
    let detail = json_of(app.get(&town, &format!("/api/v1/tasks/{}", id(4))).await).await;
    assert_eq!(
        detail["reports"][0]["evidence"],
        json!(["files/acceptance.pdf"])
    );
    assert_eq!(detail["reports"][0]["reported_by"], "chief.dt");

    // Past the deadline and not complete: overdue.
    app.clock.advance(Duration::days(101));
    let city = app.token("office.city").await;
    let all = json_of(app.get(&city, "/api/v1/tasks").await).await;
    assert_eq!(p(&all, 1)["overdue"], true);
}

#[tokio::test]
async fn a_meeting_decision_becomes_a_task() {
    let app = TestApp::start(&[("office.xs", Role::Office, "320205")]).await;
    let office = app.token("office.xs").await;
    let today = app.clock.now().date_naive();
    let meeting = id(40);
    let r = app
        .post(
            &office,
            "/api/v1/meetings",
            &json!({"id": meeting, "grid_code": "320205", "kind": "chief", "title": "锡山区林长会议",
                    "held_on": today.to_string(), "decisions": ["年底前完成森林抚育 3000 亩"]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let task = |n, index| {
        json!({"id": id(n), "grid_code": "320205", "title": "森林抚育", "kind": "tending",
               "amount": 3000, "deadline": (today + Duration::days(90)).to_string(),
               "meeting_id": meeting, "decision_index": index})
    };
    let r = app.post(&office, "/api/v1/tasks", &task(41, 0)).await;
    assert_eq!(r.status(), 201);
    let t = json_of(r).await;
    assert_eq!(
        (&t["task"]["meeting_id"], &t["task"]["decision_index"]),
        (&json!(meeting), &json!(0))
    );
    let r = app.post(&office, "/api/v1/tasks", &task(42, 3)).await;
    assert_eq!(r.status(), 422, "the meeting has one decision");
}

#[tokio::test]
async fn tasks_keep_to_scope_and_roles() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("office.xs", Role::Office, "320205"),
        ("chief.jy", Role::Chief, "320281"),
        ("chief.village", Role::Chief, "320205001001"),
        ("ranger", Role::Ranger, "320205001"),
    ])
    .await;
    let city = app.token("office.city").await;
    let county = app.token("office.xs").await;
    let deadline = (app.clock.now().date_naive() + Duration::days(100)).to_string();
    let r = app
        .post(
            &county,
            "/api/v1/tasks",
            &json!({"id": id(30), "grid_code": "320205001", "title": "森林抚育",
                    "kind": "tending", "amount": 500, "deadline": deadline}),
        )
        .await;
    assert_eq!(r.status(), 201);
    // Scope and roles.
    let other = app.token("chief.jy").await;
    assert_eq!(
        app.get(&other, &format!("/api/v1/tasks/{}", id(30)))
            .await
            .status(),
        404
    );
    let village = app.token("chief.village").await;
    let r = app
        .post(
            &village,
            "/api/v1/tasks",
            &json!({"id": id(20), "grid_code": "320205", "title": "越级下达",
                    "kind": "tending", "amount": 10, "deadline": deadline}),
        )
        .await;
    assert_eq!(r.status(), 404, "a village cannot issue to its county");
    let ranger = app.token("ranger").await;
    let r = app
        .post(
            &ranger,
            "/api/v1/tasks",
            &json!({"id": id(21), "grid_code": "320205001", "title": "任务",
                    "kind": "tending", "amount": 10, "deadline": deadline}),
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post(
            &city,
            "/api/v1/tasks",
            &json!({"id": id(22), "grid_code": "320200", "title": "任务",
                    "kind": "ufo", "amount": 10, "deadline": deadline}),
        )
        .await;
    assert_eq!(code(r).await, "unknown_code");
}
