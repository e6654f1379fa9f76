//! Patrols over HTTP: check-in, a track uploaded three times and once cut off, actions, the
//! track's privacy, and chiefs' patrol compliance.

mod common;

use common::{TestApp, code};
use linzhang_domain::{Clock, PostKind, Role, Scope};
use linzhang_store::{NewPost, Store, WriteCtx};
use serde_json::{Value, json};

/// Points walking east along 31.505°N through 东亭一村, 15 s and about 9.5 m apart.
fn points(from: u32, n: u32) -> Value {
    let list: Vec<Value> = (from..from + n)
        .map(|i| {
            json!({
                "id": format!("0192f7a0-0000-7000-8000-{:012}", i),
                "t": format!("2026-09-21T10:{:02}:{:02}Z", i * 15 / 60, i * 15 % 60),
                "lon": 120.051 + f64::from(i) * 0.0001, "lat": 31.505, "accuracy_m": 5.0
            })
        })
        .collect();
    json!({ "points": list })
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

#[tokio::test]
async fn a_track_sent_again_and_again_is_stored_once() {
    let app = TestApp::start(&[
        ("office.xs", Role::Office, "320205"),
        ("dept", Role::Department, "320200"),
    ])
    .await;
    app.person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    let ranger = app.token("ranger").await;
    let office = app.token("office.xs").await;
    let dept = app.token("dept").await;

    let c = json!({"id": "0192f7a0-0000-7000-8000-0000000000c1", "at": "2026-09-21T08:00:00Z", "lon": 120.05, "lat": 31.5});
    assert_eq!(
        app.post(&ranger, "/api/v1/checkins", &c).await.status(),
        201
    );
    assert_eq!(
        app.post(&ranger, "/api/v1/checkins", &c).await.status(),
        200
    );
    assert_eq!(
        app.post(&office, "/api/v1/checkins", &c).await.status(),
        403,
        "office staff do not patrol"
    );

    let id = "0192f7a0-0000-7000-8000-0000000000a1";
    let start = json!({"id": id, "started_at": "2026-09-21T10:00:00Z"});
    let r = app.post(&ranger, "/api/v1/patrols", &start).await;
    assert_eq!(r.status(), 201);
    assert_eq!(json_of(r).await["kind"], "ranger");
    assert_eq!(
        app.post(&ranger, "/api/v1/patrols", &start).await.status(),
        200
    );

    let path = format!("/api/v1/patrols/{id}/points");
    for _ in 0..3 {
        assert_eq!(app.post(&ranger, &path, &points(0, 20)).await.status(), 200);
    }
    // Cut off half way: the first half arrived, then the whole batch is sent again.
    app.post(&ranger, &path, &points(20, 10)).await;
    let up = json_of(app.post(&ranger, &path, &points(20, 20)).await).await;
    assert_eq!(
        (up["stored"].as_u64(), up["duplicates"].as_u64()),
        (Some(10), Some(10))
    );
    let r = app.post(&office, &path, &points(50, 1)).await;
    assert_eq!(r.status(), 403);

    let act = |action: &str| json!({ "action": action });
    let actions = format!("/api/v1/patrols/{id}/actions");
    assert_eq!(
        json_of(app.post(&ranger, &actions, &act("pause")).await).await["state"],
        "paused"
    );
    assert_eq!(
        json_of(app.post(&ranger, &actions, &act("resume")).await).await["state"],
        "active"
    );
    let ended = json_of(app.post(&ranger, &actions, &act("end")).await).await;
    assert_eq!(ended["state"], "ended");
    assert_eq!(ended["point_count"], 40);
    let metres = ended["distance_m"].as_f64().expect("distance");
    assert!((metres - 39.0 * 9.5).abs() < 10.0, "{metres}");
    assert_eq!(
        code(app.post(&ranger, &actions, &act("resume")).await).await,
        "rejected"
    );

    // The track: the walker and supervisors in scope see it, and each view is audited.
    let detail = json_of(app.get(&ranger, &format!("/api/v1/patrols/{id}")).await).await;
    assert_eq!(detail["track"].as_array().map(Vec::len), Some(40));
    assert_eq!(
        app.get(&office, &format!("/api/v1/patrols/{id}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&dept, &format!("/api/v1/patrols/{id}"))
            .await
            .status(),
        403
    );
    let views = app
        .store
        .audit(&linzhang_store::AuditFilter {
            action: Some("patrol.view_track".into()),
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(views.len(), 2);
    let active = json_of(app.get(&office, "/api/v1/patrols?state=active").await).await;
    assert_eq!(active, json!([]));
}

#[tokio::test]
async fn a_village_chief_without_a_patrol_this_month_is_flagged() {
    let app = TestApp::start(&[("office.city", Role::Office, "320200")]).await;
    let person = app
        .person_with_account("chief.v", Role::Chief, "320205001001")
        .await;
    let ctx = WriteCtx {
        actor: linzhang_domain::audit::Actor::system("test"),
        at: app.clock.now(),
    };
    let all = Scope::everything();
    let post = NewPost {
        grid_code: linzhang_domain::GridCode::parse("320205001001").expect("grid"),
        kind: PostKind::Chief,
        title: "村党委书记".into(),
        duties: "负责本村森林资源保护".into(),
    };
    let post = app
        .store
        .create_post(&ctx, &all, &post)
        .await
        .expect("post");
    let person = uuid::Uuid::parse_str(&person).expect("uuid");
    let day = chrono::NaiveDate::from_ymd_opt(2021, 12, 1).expect("date");
    app.store
        .appoint(&ctx, &all, post.post.id, person, day)
        .await
        .expect("appoint");
    let office = app.token("office.city").await;
    let today = app.clock.now().date_naive();
    let board = |v: &Value| {
        v.as_array()
            .expect("list")
            .iter()
            .find(|c| c["post_id"] == post.post.id.to_string())
            .cloned()
            .expect("the post")
    };

    let url = format!("/api/v1/compliance/chief-patrols?date={today}");
    let before = board(&json_of(app.get(&office, &url).await).await);
    assert_eq!(
        (
            before["level"].as_str(),
            before["required"].as_u64(),
            before["done"].as_u64()
        ),
        (Some("village"), Some(1), Some(0))
    );
    assert_eq!(before["behind"], true);

    let chief = app.token("chief.v").await;
    let id = "0192f7a0-0000-7000-8000-0000000000b1";
    let r = app
        .post(&chief, "/api/v1/patrols", &json!({ "id": id }))
        .await;
    assert_eq!(json_of(r).await["kind"], "chief");
    app.post(
        &chief,
        &format!("/api/v1/patrols/{id}/actions"),
        &json!({"action": "end"}),
    )
    .await;
    let after = board(&json_of(app.get(&office, &url).await).await);
    assert_eq!(
        (after["done"].as_u64(), after["behind"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(
        code(
            app.get(&office, "/api/v1/compliance/chief-patrols?date=soon")
                .await
        )
        .await,
        "bad_date"
    );
}

#[tokio::test]
async fn live_patrols_show_the_last_position_to_supervisors_in_scope_only() {
    let app = TestApp::start(&[
        ("office.xs", Role::Office, "320205"),
        ("office.jy", Role::Office, "320281"),
    ])
    .await;
    app.person_with_account("ranger", Role::Ranger, "320205001001")
        .await;
    let ranger = app.token("ranger").await;
    let office = app.token("office.xs").await;
    let outsider = app.token("office.jy").await;

    let id = "0192f7a0-0000-7000-8000-0000000000b1";
    let start = json!({"id": id, "started_at": "2026-09-21T10:00:00Z"});
    assert_eq!(
        app.post(&ranger, "/api/v1/patrols", &start).await.status(),
        201
    );

    // Before any point: listed, without a position.
    let live = json_of(app.get(&office, "/api/v1/patrols/live").await).await;
    assert_eq!(live.as_array().map(Vec::len), Some(1));
    assert_eq!(live[0]["patrol"]["id"], id);
    assert_eq!(live[0]["patrol"]["username"], "ranger");
    assert_eq!(live[0]["last"], Value::Null);
    assert_eq!(live[0]["track"], Value::Null, "no track unless asked");

    // Points sent out of order: the last position is the latest by time, not by arrival.
    let path = format!("/api/v1/patrols/{id}/points");
    assert_eq!(
        app.post(&ranger, &path, &points(10, 10)).await.status(),
        200
    );
    assert_eq!(app.post(&ranger, &path, &points(0, 10)).await.status(), 200);
    let live = json_of(app.get(&office, "/api/v1/patrols/live?tracks=true").await).await;
    let last = &live[0]["last"];
    assert_eq!(last["t"], "2026-09-21T10:04:45.000Z");
    assert!((last["lon"].as_f64().expect("lon") - (120.051 + 19.0 * 0.0001)).abs() < 1e-9);
    assert_eq!(live[0]["track"].as_array().map(Vec::len), Some(20));

    // A ranger may not supervise, even his own patrol; an office elsewhere sees nothing.
    let r = app.get(&ranger, "/api/v1/patrols/live").await;
    assert_eq!(r.status(), 403);
    let elsewhere = json_of(app.get(&outsider, "/api/v1/patrols/live").await).await;
    assert_eq!(elsewhere, json!([]));

    // Every patrol shown is audited with who saw it; the outsider saw nothing, so nothing.
    let views = app
        .store
        .audit(&linzhang_store::AuditFilter {
            action: Some("patrol.view_live".into()),
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(views.len(), 2);
    assert!(
        views
            .iter()
            .all(|v| v.target.as_deref() == Some(&format!("patrol:{id}")[..]))
    );

    // Ended today still shows (today's tracks); the list keeps only the day's and the open ones.
    let act = json!({"action": "end"});
    app.post(&ranger, &format!("/api/v1/patrols/{id}/actions"), &act)
        .await;
    let live = json_of(app.get(&office, "/api/v1/patrols/live").await).await;
    assert_eq!(live[0]["patrol"]["state"], "ended");
    app.clock.advance(chrono::Duration::days(1));
    let office = app.token("office.xs").await;
    let live = json_of(app.get(&office, "/api/v1/patrols/live").await).await;
    assert_eq!(live, json!([]));
}
