//! Contact sheets and inspections over HTTP: never closed unanswered, escalated when overdue
//! (the grid above is told), findings become sheets, scope and roles hold.

mod common;

use chrono::Duration;
use common::{TestApp, code};
use linzhang_domain::{Clock, Role};
use serde_json::{Value, json};

async fn inbox_kinds(app: &TestApp, token: &str) -> Vec<String> {
    let r: Value = app
        .get(token, "/api/v1/notifications")
        .await
        .json()
        .await
        .expect("json");
    r.as_array()
        .expect("list")
        .iter()
        .map(|n| n["kind"].as_str().expect("kind").to_owned())
        .collect()
}

fn sheet(app: &TestApp, id: &str, to: &str, days: i64) -> Value {
    let deadline = app.clock.now().date_naive() + Duration::days(days);
    json!({"id": id, "title": "林地内违建", "body": "东亭一村发现林地内新建彩钢棚，请核查处理。",
           "source": "public_report", "source_id": "R-2026-001", "addressee_grid": to,
           "deadline": deadline.to_string()})
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    app.get(token, path).await.json().await.expect("json")
}

async fn act(app: &TestApp, token: &str, id: &str, action: Value) -> reqwest::Response {
    app.post(
        token,
        &format!("/api/v1/contact-sheets/{id}/actions"),
        &action,
    )
    .await
}

async fn state_of(app: &TestApp, token: &str, id: &str) -> Value {
    let d: Value = app
        .get(token, &format!("/api/v1/contact-sheets/{id}"))
        .await
        .json()
        .await
        .expect("json");
    d["sheet"]["state"].clone()
}

#[tokio::test]
async fn a_sheet_is_answered_before_it_closes() {
    let app = TestApp::start(&[
        ("office.xs", Role::Office, "320205"),
        ("chief.dt", Role::Chief, "320205001"),
        ("ranger", Role::Ranger, "320205001"),
    ])
    .await;
    let office = app.token("office.xs").await;
    let town = app.token("chief.dt").await;
    let id = "0192f7a0-0000-7000-8000-0000000000a1";
    let r = app
        .post(
            &office,
            "/api/v1/contact-sheets",
            &sheet(&app, id, "320205001", 5),
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.expect("json");
    assert_eq!(
        (
            &created["state"],
            &created["caller"]["issues"],
            &created["issuer_grid"]
        ),
        (&json!("issued"), &json!(true), &json!("320205"))
    );
    assert!(
        inbox_kinds(&app, &town)
            .await
            .contains(&"sheet.issued".to_owned())
    );

    // 件件有回音: closing unanswered is refused and changes nothing.
    let r = act(&app, &office, id, json!({"action": "close"})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(code(r).await, "sheet_not_answered");
    assert_eq!(state_of(&app, &office, id).await, "issued");

    let r = act(&app, &town, id, json!({"action": "answer", "text": "  "})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(code(r).await, "answer_required");
    let r = act(
        &app,
        &office,
        id,
        json!({"action": "answer", "text": "自己回复"}),
    )
    .await;
    assert_eq!(code(r).await, "wrong_side", "the issuer does not answer");
    let ranger = app.token("ranger").await;
    assert_eq!(
        act(
            &app,
            &ranger,
            id,
            json!({"action": "answer", "text": "已处理"})
        )
        .await
        .status(),
        403,
        "rangers do not answer for the grid"
    );
    let r = act(
        &app,
        &town,
        id,
        json!({"action": "answer", "text": "已拆除彩钢棚并复绿", "evidence": ["files/after.jpg"]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let answered: Value = r.json().await.expect("json");
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["evidence"], json!(["files/after.jpg"]));
    assert!(
        inbox_kinds(&app, &office)
            .await
            .contains(&"sheet.answered".to_owned())
    );
    let r = act(&app, &town, id, json!({"action": "close"})).await;
    assert_eq!(code(r).await, "wrong_side", "only the issuer's side closes");
    let r = act(
        &app,
        &office,
        id,
        json!({"action": "close", "note": "办结"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(state_of(&app, &office, id).await, "closed");
    let r = act(&app, &office, id, json!({"action": "remind"})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(code(r).await, "illegal_transition");
    let detail = get_json(&app, &town, &format!("/api/v1/contact-sheets/{id}")).await;
    let actions: Vec<&str> = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["issue", "answer", "close"]);
}

#[tokio::test]
async fn an_overdue_sheet_is_escalated_and_the_grid_above_told() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("chief.xs", Role::Chief, "320205"),
        ("chief.dt", Role::Chief, "320205001"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    let office = app.token("office.city").await;
    let id = "0192f7a0-0000-7000-8000-0000000000b1";
    let r = app
        .post(
            &office,
            "/api/v1/contact-sheets",
            &sheet(&app, id, "320205001", 2),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = act(
        &app,
        &office,
        id,
        json!({"action": "remind", "note": "请加快办理"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let town = app.token("chief.dt").await;
    assert!(
        inbox_kinds(&app, &town)
            .await
            .contains(&"sheet.reminded".to_owned())
    );

    let job = linzhang_server::jobs::escalate_overdue_sheets;
    assert_eq!(
        job(&app.state).await.expect("job"),
        0,
        "within its deadline"
    );
    app.clock.advance(Duration::days(2));
    assert_eq!(
        job(&app.state).await.expect("job"),
        0,
        "the deadline day itself counts"
    );
    app.clock.advance(Duration::days(1));
    assert_eq!(job(&app.state).await.expect("job"), 1);
    assert_eq!(job(&app.state).await.expect("job"), 0, "escalated once");
    // Sessions idle out over days: log in again.
    let office = app.token("office.city").await;
    let town = app.token("chief.dt").await;

    let escalated: Value = app
        .get(&office, "/api/v1/contact-sheets?status=escalated")
        .await
        .json()
        .await
        .expect("json");
    let s = &escalated.as_array().expect("list")[0];
    assert_eq!(
        (&s["escalated"], &s["overdue"], &s["state"]),
        (&json!(true), &json!(true), &json!("issued"))
    );
    let overdue: Value = app
        .get(&office, "/api/v1/contact-sheets?overdue=true")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(overdue.as_array().map(Vec::len), Some(1));
    let county = app.token("chief.xs").await;
    assert!(
        inbox_kinds(&app, &county)
            .await
            .contains(&"sheet.escalated".to_owned()),
        "the grid above is told"
    );
    let other = app.token("chief.jy").await;
    assert!(inbox_kinds(&app, &other).await.is_empty());
    // Answered late, it is no longer overdue but stays marked escalated.
    let r = act(
        &app,
        &town,
        id,
        json!({"action": "answer", "text": "已整改"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.expect("json");
    assert_eq!(
        (&after["overdue"], &after["escalated"]),
        (&json!(false), &json!(true))
    );
}

/// Whether the inspection says the user acts for the inspecting side.
async fn inspects(app: &TestApp, user: &str, id: &str) -> bool {
    let token = app.token(user).await;
    let seen: Value = app
        .get(&token, &format!("/api/v1/inspections/{id}"))
        .await
        .json()
        .await
        .expect("json");
    seen["caller_inspects"].as_bool().expect("caller_inspects")
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story, from the inspection to its circulation"
)]
async fn an_inspection_finding_becomes_a_sheet_and_the_result_is_circulated() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("chief.xs", Role::Chief, "320205"),
        ("chief.dt", Role::Chief, "320205001"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    let office = app.token("office.city").await;
    let id = "0192f7a0-0000-7000-8000-0000000000c1";
    let today = app.clock.now().date_naive();
    let r = app
        .post(
            &office,
            "/api/v1/inspections",
            &json!({"id": id, "kind": "unannounced", "title": "林长制第三季度暗访",
                    "target_grid": "320205001", "inspected_on": today.to_string(),
                    "inspectors": ["张督察", "李督察"],
                    "findings": [{"text": "公示牌破损", "lon": 120.3, "lat": 31.6},
                                 {"text": "护林员未按时巡护"}]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.expect("json");
    assert_eq!(made["caller_inspects"], true);
    // The inspected side and the grid between see it, but do not act for the city.
    assert!(!inspects(&app, "chief.dt", id).await);
    assert!(!inspects(&app, "chief.xs", id).await);
    let deadline = (today + Duration::days(10)).to_string();
    let path = format!("/api/v1/inspections/{id}/findings/0/sheet");
    let r = app
        .post(
            &office,
            &path,
            &json!({"id": "0192f7a0-0000-7000-8000-0000000000c2", "deadline": deadline}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let sheet: Value = r.json().await.expect("json");
    assert_eq!(
        (&sheet["source"], &sheet["addressee_grid"], &sheet["title"]),
        (
            &json!("inspection"),
            &json!("320205001"),
            &json!("公示牌破损")
        )
    );
    assert_eq!(sheet["source_id"], format!("{id}#0"));
    let r = app
        .post(
            &office,
            &path,
            &json!({"id": "0192f7a0-0000-7000-8000-0000000000c3", "deadline": deadline}),
        )
        .await;
    assert_eq!(r.status(), 409, "one sheet per finding");
    let town = app.token("chief.dt").await;
    let seen: Value = app
        .get(&town, &format!("/api/v1/inspections/{id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seen["findings"][0]["sheet_id"], sheet["id"]);
    assert!(seen["findings"][1]["sheet_id"].is_null());
    assert_eq!(
        app.get(
            &town,
            &format!(
                "/api/v1/contact-sheets/{}",
                sheet["id"].as_str().expect("id")
            )
        )
        .await
        .status(),
        200,
        "the inspected town sees its sheet"
    );

    let circulate = format!("/api/v1/inspections/{id}/circulate");
    let r = app.post(&town, &circulate, &json!({})).await;
    assert_eq!(r.status(), 403, "the inspected town does not circulate");
    assert_eq!(code(r).await, "wrong_side");
    let r = app.post(&office, &circulate, &json!({})).await;
    assert_eq!(r.status(), 200);
    let done: Value = r.json().await.expect("json");
    assert!(done["circulated_at"].is_string());
    for t in [&town, &app.token("chief.xs").await] {
        assert!(
            inbox_kinds(&app, t)
                .await
                .contains(&"inspection.circulated".to_owned())
        );
    }
    let other = app.token("chief.jy").await;
    assert!(inbox_kinds(&app, &other).await.is_empty());
    assert_eq!(
        app.get(&other, &format!("/api/v1/inspections/{id}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(&office, &circulate, &json!({})).await.status(),
        422
    );
}

#[tokio::test]
async fn sheets_keep_to_scope_and_roles() {
    let app = TestApp::start(&[
        ("office.xs", Role::Office, "320205"),
        ("chief.az", Role::Chief, "320205002"),
        ("chief.village", Role::Chief, "320205001001"),
        ("ranger", Role::Ranger, "320205001"),
    ])
    .await;
    let office = app.token("office.xs").await;
    let ranger = app.token("ranger").await;
    let id = "0192f7a0-0000-7000-8000-0000000000a1";
    let r = app
        .post(
            &office,
            "/api/v1/contact-sheets",
            &sheet(&app, id, "320205001", 5),
        )
        .await;
    assert_eq!(r.status(), 201);
    // Scope: another town does not see it; a village cannot issue to its county.
    let other = app.token("chief.az").await;
    let r = app
        .get(&other, &format!("/api/v1/contact-sheets/{id}"))
        .await;
    assert_eq!(r.status(), 404);
    let listed: Value = app
        .get(&other, "/api/v1/contact-sheets")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(0));
    let village = app.token("chief.village").await;
    let r = app
        .post(
            &village,
            "/api/v1/contact-sheets",
            &sheet(&app, "0192f7a0-0000-7000-8000-0000000000a2", "320205", 5),
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = app
        .post(
            &ranger,
            "/api/v1/contact-sheets",
            &sheet(
                &app,
                "0192f7a0-0000-7000-8000-0000000000a3",
                "320205001001",
                5,
            ),
        )
        .await;
    assert_eq!(r.status(), 403);
    let issued = get_json(&app, &office, "/api/v1/contact-sheets?status=issued").await;
    assert_eq!(issued.as_array().map(Vec::len), Some(1));
    assert_eq!(
        code(app.get(&office, "/api/v1/contact-sheets?status=lost").await).await,
        "invalid_status"
    );
}

#[tokio::test]
async fn a_department_answers_and_a_weak_answer_is_sent_back() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("dept.police", Role::Department, "320200"),
        ("dept.nrp", Role::Department, "320200"),
        ("dept.xs", Role::Department, "320205"),
    ])
    .await;
    let office = app.token("office.city").await;
    let police = app.token("dept.police").await;
    let id = "0192f7a0-0000-7000-8000-0000000000d1";
    let deadline = (app.clock.now().date_naive() + Duration::days(5)).to_string();
    let mut body = json!({"id": id, "title": "严厉打击乱捕滥猎", "body": "请市公安局牵头开展专项行动",
                          "source": "manual", "addressee_department": "police", "deadline": deadline});
    let r = app.post(&office, "/api/v1/contact-sheets", &body).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.expect("json");
    assert_eq!(created["addressee_department_name"], "市公安局");
    assert!(
        inbox_kinds(&app, &police)
            .await
            .contains(&"sheet.issued".to_owned())
    );
    let other = app.token("dept.nrp").await;
    assert!(
        inbox_kinds(&app, &other).await.is_empty(),
        "another department is not told"
    );
    let r = act(
        &app,
        &other,
        id,
        json!({"action": "answer", "text": "代答"}),
    )
    .await;
    assert_eq!(
        code(r).await,
        "wrong_side",
        "another department does not answer"
    );
    body["id"] = json!("0192f7a0-0000-7000-8000-0000000000d2");
    body["addressee_department"] = json!("nobody");
    let r = app.post(&office, "/api/v1/contact-sheets", &body).await;
    assert_eq!(code(r).await, "unknown_code");

    let county_dept = app.token("dept.xs").await;
    let r = act(
        &app,
        &county_dept,
        id,
        json!({"action": "answer", "text": "已部署"}),
    )
    .await;
    assert_eq!(
        r.status(),
        404,
        "a county's department account does not see the city's sheet"
    );
    let r = act(
        &app,
        &police,
        id,
        json!({"action": "answer", "text": "已部署"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = act(
        &app,
        &office,
        id,
        json!({"action": "reopen", "reason": " "}),
    )
    .await;
    assert_eq!(code(r).await, "reason_required");
    let r = act(
        &app,
        &office,
        id,
        json!({"action": "reopen", "reason": "请报送行动方案和战果"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(state_of(&app, &office, id).await, "issued");
    let r = act(&app, &office, id, json!({"action": "close"})).await;
    assert_eq!(
        code(r).await,
        "sheet_not_answered",
        "sent back, it needs a new answer"
    );
    let r = act(
        &app,
        &police,
        id,
        json!({"action": "answer", "text": "查处案件 12 起，方案附后"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = act(&app, &office, id, json!({"action": "close"})).await;
    assert_eq!(r.status(), 200);
}
