//! Incidents over HTTP: idempotent reports, the handling chain, escalation, time limits.

mod common;

use chrono::Duration;
use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

fn report(id: &str, grid: &str, kind: &str, priority: &str) -> Value {
    json!({
        "id": id, "grid_code": grid, "kind": kind, "priority": priority,
        "title": "林下有人砍树", "description": "东坡约十棵", "lon": 120.35, "lat": 31.6
    })
}

async fn act(app: &TestApp, token: &str, id: &str, action: Value) -> reqwest::Response {
    app.post(token, &format!("/api/v1/incidents/{id}/actions"), &action)
        .await
}

#[tokio::test]
async fn a_retried_report_is_stored_once() {
    let app = TestApp::start(&[("ranger", Role::Ranger, "320205001001")]).await;
    let t = app.token("ranger").await;
    let id = "0192f7a0-0000-7000-8000-000000000001";
    let body = report(id, "320205001001", "illegal_logging", "normal");
    let first = app.post(&t, "/api/v1/incidents", &body).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    assert_eq!(first["state"], "reported");
    assert_eq!(first["source"], "ranger");
    assert_eq!(first["kind_name"], "乱砍滥伐");
    let again = app.post(&t, "/api/v1/incidents", &body).await;
    assert_eq!(again.status(), 200, "a retry answers the stored incident");
    let list: Value = app
        .get(&t, "/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list.as_array().expect("list").len(), 1);

    let mut unknown = report(
        "0192f7a0-0000-7000-8000-000000000002",
        "320205001001",
        "ufo",
        "normal",
    );
    let r = app.post(&t, "/api/v1/incidents", &unknown).await;
    assert_eq!(r.status(), 400);
    assert_eq!(code(r).await, "unknown_code");
    unknown["kind"] = json!("fire");
    unknown["grid_code"] = json!("320205002001");
    assert_eq!(
        app.post(&t, "/api/v1/incidents", &unknown).await.status(),
        404,
        "outside scope"
    );
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    let r: Value = app
        .get(token, "/api/v1/notifications")
        .await
        .json()
        .await
        .expect("json");
    r.as_array().expect("list").clone()
}

#[tokio::test]
async fn an_incident_runs_from_report_to_closure() {
    let app = TestApp::start(&[
        ("office", Role::Office, "320205001"),
        ("auditor", Role::Auditor, "320200"),
    ])
    .await;
    let ranger = app
        .person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    app.person_with_account("other", Role::Ranger, "320205001001")
        .await;
    let (office, r) = (app.token("office").await, app.token("ranger").await);
    let id = "0192f7a0-0000-7000-8000-000000000010";
    assert_eq!(
        app.post(
            &r,
            "/api/v1/incidents",
            &report(id, "320205001001", "pest", "high")
        )
        .await
        .status(),
        201
    );

    let refused = act(&app, &r, id, json!({ "action": "accept" })).await;
    assert_eq!(refused.status(), 403, "a ranger does not accept incidents");
    let auditor = app.token("auditor").await;
    assert_eq!(
        app.post(
            &auditor,
            "/api/v1/incidents",
            &report(
                "0192f7a0-0000-7000-8000-000000000011",
                "320205001001",
                "fire",
                "high"
            )
        )
        .await
        .status(),
        403
    );

    for (token, action) in [
        (&office, json!({ "action": "accept" })),
        (&office, json!({ "action": "assign", "to": ranger })),
    ] {
        assert_eq!(act(&app, token, id, action).await.status(), 200);
    }
    let link = format!("/incidents/{id}");
    let assigned = |n: &Value| n["kind"] == "incident.assigned" && n["link"] == link.as_str();
    assert!(
        inbox(&app, &r).await.iter().any(assigned),
        "the assignee is told"
    );
    let other = app.token("other").await;
    assert!(
        !inbox(&app, &other).await.iter().any(assigned),
        "nobody else"
    );
    let r2 = act(&app, &other, id, json!({ "action": "start" })).await;
    assert_eq!(r2.status(), 422, "only the assignee starts");
    for (token, action) in [
        (&r, json!({ "action": "start" })),
        (&r, json!({ "action": "resolve", "note": "已喷药防治" })),
        (&office, json!({ "action": "verify" })),
        (&office, json!({ "action": "close" })),
    ] {
        let res = act(&app, token, id, action.clone()).await;
        assert_eq!(res.status(), 200, "{action}");
    }
    let late = act(&app, &office, id, json!({ "action": "accept" })).await;
    assert_eq!(late.status(), 422);
    assert_eq!(code(late).await, "rejected");

    let detail: Value = app
        .get(&office, &format!("/api/v1/incidents/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(detail["incident"]["state"], "closed");
    assert_eq!(detail["incident"]["assignee_name"], "ranger");
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "report", "accept", "assign", "start", "resolve", "verify", "close"
        ]
    );
    assert_eq!(detail["events"][4]["note"], "已喷药防治");
}

#[tokio::test]
async fn escalation_hands_the_incident_to_the_level_above() {
    let app = TestApp::start(&[
        ("town", Role::Office, "320205001"),
        ("county", Role::Office, "320205"),
        ("ranger", Role::Ranger, "320205001001"),
    ])
    .await;
    let (town, county, r) = (
        app.token("town").await,
        app.token("county").await,
        app.token("ranger").await,
    );
    let id = "0192f7a0-0000-7000-8000-000000000020";
    let at_town = report(id, "320205001", "illegal_land_use", "normal");
    let r = app.post(&r, "/api/v1/incidents", &at_town).await;
    assert_eq!(r.status(), 404, "a ranger reports in their own grid only");
    let r = app.post(&town, "/api/v1/incidents", &at_town).await;
    assert_eq!(r.status(), 201);
    let res = act(
        &app,
        &town,
        id,
        json!({ "action": "escalate", "reason": "涉及区级项目用地" }),
    )
    .await;
    assert_eq!(res.status(), 200);
    let after: Value = res.json().await.expect("json");
    assert_eq!(after["state"], "escalated");
    assert_eq!(after["grid_code"], "320205");
    assert_eq!(
        app.get(&town, &format!("/api/v1/incidents/{id}"))
            .await
            .status(),
        404,
        "no longer the town's"
    );
    let list: Value = app
        .get(&county, "/api/v1/incidents?state=escalated")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list[0]["id"], id);
    assert_eq!(
        act(&app, &county, id, json!({ "action": "accept" }))
            .await
            .status(),
        200
    );
    let missing = act(
        &app,
        &county,
        id,
        json!({ "action": "escalate", "reason": "  " }),
    )
    .await;
    assert_eq!(missing.status(), 422, "escalation needs a reason");
}

#[tokio::test]
async fn fires_have_an_hour_and_are_flagged_when_overdue() {
    let app = TestApp::start(&[("ranger", Role::Ranger, "320205001001")]).await;
    let t = app.token("ranger").await;
    let id = "0192f7a0-0000-7000-8000-000000000030";
    let fire: Value = app
        .post(
            &t,
            "/api/v1/incidents",
            &report(id, "320205001001", "fire", "urgent"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(fire["urgent_alert"], true);
    assert_eq!(fire["overdue"], false);
    let reported = chrono::DateTime::parse_from_rfc3339(fire["reported_at"].as_str().expect("at"))
        .expect("time");
    let due =
        chrono::DateTime::parse_from_rfc3339(fire["due_at"].as_str().expect("due")).expect("time");
    assert_eq!(due - reported, Duration::hours(1));
    app.clock.advance(Duration::minutes(61));
    let t = app.token("ranger").await;
    let list: Value = app
        .get(&t, "/api/v1/incidents")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list[0]["overdue"], true);
}

#[tokio::test]
async fn overdue_incidents_climb_on_their_own() {
    let app = TestApp::start(&[
        ("ranger", Role::Ranger, "320205001001"),
        ("county", Role::Office, "320205"),
    ])
    .await;
    let t = app.token("ranger").await;
    let id = "0192f7a0-0000-7000-8000-000000000040";
    let r = app
        .post(
            &t,
            "/api/v1/incidents",
            &report(id, "320205001001", "fire", "urgent"),
        )
        .await;
    assert_eq!(r.status(), 201);
    let jobs = linzhang_server::jobs::escalate_overdue;
    assert_eq!(jobs(&app.state).await.expect("job"), 0, "within its hour");
    app.clock.advance(Duration::minutes(61));
    assert_eq!(jobs(&app.state).await.expect("job"), 1);
    assert_eq!(
        jobs(&app.state).await.expect("job"),
        0,
        "the town's hour starts now"
    );
    app.clock.advance(Duration::minutes(61));
    assert_eq!(jobs(&app.state).await.expect("job"), 1, "town → county");
    let county = app.token("county").await;
    let detail: Value = app
        .get(&county, &format!("/api/v1/incidents/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(detail["incident"]["grid_code"], "320205");
    assert_eq!(detail["incident"]["state"], "escalated");
    let last = detail["events"]
        .as_array()
        .expect("events")
        .last()
        .expect("event")
        .clone();
    assert_eq!(last["actor_name"], "system:overdue");
    assert_eq!(last["from_grid"], "320205001");
}
