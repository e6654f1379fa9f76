//! Reports and the service log over HTTP, with the injected clock: a retried submission is one
//! report; a county's annual report after 20 December is late and a missing one overdue on the
//! city's board; roles and scope are enforced.

mod common;

use chrono::Duration;
use common::{TestApp, code};
use linzhang_domain::{Clock, Role};
use serde_json::{Value, json};

fn row<'a>(board: &'a Value, grid: &str, rule: &str, period: &str) -> &'a Value {
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["grid_code"] == grid && r["rule"] == rule && r["period_key"] == period)
        .expect("the board has a row for every expected report")
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story, from submission to the year's end"
)]
async fn reports_are_submitted_once_and_late_or_overdue_on_the_board() {
    let app = TestApp::start(&[
        ("office.city", Role::Office, "320200"),
        ("office.xishan", Role::Office, "320205"),
        ("office.dt", Role::Office, "320205001"),
        ("office.jy", Role::Office, "320281"),
        ("ranger.dt", Role::Ranger, "320205001"),
    ])
    .await;
    // 2026-09-21: the third quarter is open.
    let dt = app.token("office.dt").await;
    let quarterly = json!({"id": "0192f7a0-0000-7000-8000-0000000000a1", "period_key": "2026-Q3",
        "title": "东亭街道第三季度林长制工作进展", "body": "完成巡林 36 次，整改问题 4 个。", "attachments": ["file:1"]});
    let r = app.post(&dt, "/api/v1/reports", &quarterly).await;
    assert_eq!(r.status(), 201);
    let first = json_of(r).await;
    assert_eq!(
        (
            first["rule"].as_str(),
            first["status"].as_str(),
            first["due"].as_str()
        ),
        (
            Some("town.office.quarter"),
            Some("submitted"),
            Some("2026-10-10")
        )
    );
    assert_eq!(first["to_office_grid"], "320205");
    let r = app.post(&dt, "/api/v1/reports", &quarterly).await;
    assert_eq!(r.status(), 200, "the retry answers the stored report");
    assert_eq!(json_of(r).await["id"], first["id"]);
    let other_id = json!({"id": "0192f7a0-0000-7000-8000-0000000000a2", "period_key": "2026-Q3", "title": "又一份"});
    assert_eq!(
        app.post(&dt, "/api/v1/reports", &other_id).await.status(),
        409
    );

    // Roles and scope.
    let ranger = app.token("ranger.dt").await;
    let r = app.post(&ranger, "/api/v1/reports", &quarterly).await;
    assert_eq!(r.status(), 403, "a ranger owes no office report");
    let xishan = app.token("office.xishan").await;
    let for_town = json!({"id": "0192f7a0-0000-7000-8000-0000000000a3", "grid_code": "320205002",
        "period_key": "2026-Q3", "title": "代报"});
    assert_eq!(
        app.post(&xishan, "/api/v1/reports", &for_town)
            .await
            .status(),
        403,
        "an office reports for its own grid only"
    );
    let elsewhere = json!({"id": "0192f7a0-0000-7000-8000-0000000000a4", "grid_code": "320281",
        "period_key": "2026-Q3", "title": "越权"});
    assert_eq!(
        app.post(&dt, "/api/v1/reports", &elsewhere).await.status(),
        404
    );
    let yearly_town = json!({"id": "0192f7a0-0000-7000-8000-0000000000a5", "period_key": "2026", "title": "年度总结"});
    assert_eq!(
        code(app.post(&dt, "/api/v1/reports", &yearly_town).await).await,
        "no_report_rule",
        "towns send no annual report"
    );
    let bad = json!({"id": "0192f7a0-0000-7000-8000-0000000000a6", "period_key": "2026-Q7", "title": "x"});
    assert_eq!(
        code(app.post(&dt, "/api/v1/reports", &bad).await).await,
        "bad_period"
    );
    let early = json!({"id": "0192f7a0-0000-7000-8000-0000000000a7", "period_key": "2026-Q4", "title": "x"});
    assert_eq!(
        code(app.post(&dt, "/api/v1/reports", &early).await).await,
        "period_not_started"
    );
    let id = first["id"].as_str().expect("id");
    let jy = app.token("office.jy").await;
    assert_eq!(
        app.get(&jy, &format!("/api/v1/reports/{id}"))
            .await
            .status(),
        404
    );
    let seen = json_of(app.get(&xishan, &format!("/api/v1/reports/{id}")).await).await;
    assert_eq!(seen["body"], "完成巡林 36 次，整改问题 4 个。");
    assert_eq!(
        app.get(&dt, "/api/v1/reports?grid=320281").await.status(),
        404
    );

    let board = json_of(app.get(&xishan, "/api/v1/reports?year=2026").await).await;
    assert_eq!(
        row(&board, "320205001", "town.office.quarter", "2026-Q3")["status"],
        "submitted"
    );
    assert_eq!(
        row(&board, "320205002", "town.office.quarter", "2026-Q3")["status"],
        "due",
        "not due before 10 October"
    );
    assert_eq!(
        row(&board, "320205002", "town.office.quarter", "2026-Q2")["status"],
        "overdue"
    );
    assert!(
        board["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["grid_code"] != "320281"),
        "the board keeps to the scope"
    );

    // 2026-12-22: after the county annual reports were due (20 December).
    app.clock.advance(Duration::days(92));
    let xishan = app.token("office.xishan").await;
    let annual = json!({"id": "0192f7a0-0000-7000-8000-0000000000b1", "period_key": "2026",
        "title": "锡山区 2026 年林长制工作总结"});
    let r = app.post(&xishan, "/api/v1/reports", &annual).await;
    assert_eq!(r.status(), 201);
    assert_eq!(json_of(r).await["status"], "late");
    let city = app.token("office.city").await;
    let board = json_of(app.get(&city, "/api/v1/reports").await).await;
    assert_eq!(board["year"], 2026);
    let late = row(&board, "320205", "county.office.year", "2026");
    assert_eq!(
        (late["status"].as_str(), late["due"].as_str()),
        (Some("late"), Some("2026-12-20"))
    );
    assert_eq!(late["to_office_grid"], "320200");
    assert_eq!(
        row(&board, "320281", "county.office.year", "2026")["status"],
        "overdue"
    );
    assert_eq!(
        row(&board, "320205002", "town.office.quarter", "2026-Q3")["status"],
        "overdue"
    );
    assert_eq!(
        row(&board, "320205001", "town.office.quarter", "2026-Q3")["status"],
        "submitted",
        "on time stays on time"
    );
    assert_eq!(
        row(&board, "320205", "county.office.quarter", "2026-Q4")["status"],
        "due"
    );
    assert_eq!(
        row(&board, "320200", "city.chief.half_year", "2026-H1")["status"],
        "overdue"
    );
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story, from the log to the monthly report"
)]
async fn a_technicians_service_log_drafts_his_monthly_report() {
    let app = TestApp::start(&[
        ("tech.xs", Role::Technician, "320205"),
        ("tech.jy", Role::Technician, "320281"),
        ("office.xishan", Role::Office, "320205"),
        ("ranger.dt", Role::Ranger, "320205001"),
    ])
    .await;
    let tech = app.token("tech.xs").await;
    let entry = |id: &str, day: &str, kind: &str, what: &str| {
        json!({"id": id, "served_on": day, "area_code": "LZ320205001001-001", "kind": kind,
               "description": what, "people_served": 12})
    };
    let first = entry(
        "0192f7a0-0000-7000-8000-0000000000c1",
        "2026-09-03",
        "pest_survey",
        "松材线虫病疫木普查",
    );
    let r = app.post(&tech, "/api/v1/service-log", &first).await;
    assert_eq!(r.status(), 201);
    let stored = json_of(r).await;
    assert_eq!(
        (stored["grid_code"].as_str(), stored["kind_name"].as_str()),
        (Some("320205001001"), Some("病虫害调查"))
    );
    assert_eq!(
        app.post(&tech, "/api/v1/service-log", &first)
            .await
            .status(),
        200
    );
    let second = entry(
        "0192f7a0-0000-7000-8000-0000000000c2",
        "2026-09-10",
        "training",
        "护林员防火培训",
    );
    assert_eq!(
        app.post(&tech, "/api/v1/service-log", &second)
            .await
            .status(),
        201
    );
    let august = entry(
        "0192f7a0-0000-7000-8000-0000000000c3",
        "2026-08-28",
        "consultation",
        "答复林农咨询",
    );
    assert_eq!(
        app.post(&tech, "/api/v1/service-log", &august)
            .await
            .status(),
        201
    );
    let unknown = entry(
        "0192f7a0-0000-7000-8000-0000000000c4",
        "2026-09-11",
        "party",
        "x",
    );
    assert_eq!(
        code(app.post(&tech, "/api/v1/service-log", &unknown).await).await,
        "unknown_service_kind"
    );
    let ranger = app.token("ranger.dt").await;
    let by_ranger = entry(
        "0192f7a0-0000-7000-8000-0000000000c5",
        "2026-09-11",
        "training",
        "x",
    );
    assert_eq!(
        app.post(&ranger, "/api/v1/service-log", &by_ranger)
            .await
            .status(),
        403
    );
    let jy = app.token("tech.jy").await;
    let outside = entry(
        "0192f7a0-0000-7000-8000-0000000000c6",
        "2026-09-11",
        "training",
        "x",
    );
    assert_eq!(
        app.post(&jy, "/api/v1/service-log", &outside)
            .await
            .status(),
        404
    );

    let log = json_of(
        app.get(&tech, "/api/v1/service-log?from=2026-09-01&to=2026-09-30")
            .await,
    )
    .await;
    assert_eq!(log.as_array().map(Vec::len), Some(2));
    let office = app.token("office.xishan").await;
    let all = json_of(
        app.get(&office, "/api/v1/service-log?from=2026-08-01&to=2026-09-30")
            .await,
    )
    .await;
    assert_eq!(all.as_array().map(Vec::len), Some(3));
    assert!(
        json_of(
            app.get(&jy, "/api/v1/service-log?from=2026-08-01&to=2026-09-30")
                .await
        )
        .await
        .as_array()
        .expect("list")
        .is_empty()
    );

    let draft = json_of(
        app.get(&tech, "/api/v1/reports/draft?period_key=2026-09")
            .await,
    )
    .await;
    let body = draft["body"].as_str().expect("body");
    assert!(
        body.contains("松材线虫病疫木普查") && body.contains("护林员防火培训"),
        "{body}"
    );
    assert!(!body.contains("答复林农咨询"), "August is another month");
    assert_eq!(
        (draft["rule"].as_str(), draft["due"].as_str()),
        (Some("any.technician.month"), Some("2026-10-05"))
    );
    let monthly = json!({"id": "0192f7a0-0000-7000-8000-0000000000d1", "period_key": "2026-09",
        "title": draft["title"], "body": body});
    let r = app.post(&tech, "/api/v1/reports", &monthly).await;
    assert_eq!(r.status(), 201);
    let report = json_of(r).await;
    assert_eq!(report["reporter"], "technician");
    let board = json_of(app.get(&office, "/api/v1/reports").await).await;
    let mine = board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["technician"] == "tech.xs" && r["period_key"] == "2026-09")
        .expect("the technician's row");
    assert_eq!(mine["status"], "submitted");
    assert_eq!(
        board["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["technician"] == "tech.xs" && r["status"] == "overdue")
            .count(),
        8,
        "January to August were not reported"
    );
}

async fn inbox_kinds(app: &TestApp, user: &str) -> Vec<String> {
    let token = app.token(user).await;
    let r = json_of(app.get(&token, "/api/v1/notifications").await).await;
    r.as_array()
        .expect("list")
        .iter()
        .map(|n| n["kind"].as_str().expect("kind").to_owned())
        .collect()
}

#[tokio::test]
async fn reports_not_submitted_are_reminded_once_before_and_once_after_the_due_day() {
    let app = TestApp::start(&[
        ("office.xishan", Role::Office, "320205"),
        ("chief.xishan", Role::Chief, "320205"),
        ("office.dt", Role::Office, "320205001"),
        ("office.az", Role::Office, "320205002"),
        ("tech.xs", Role::Technician, "320205"),
    ])
    .await;
    let job = linzhang_server::jobs::remind_reports;
    // 2026-09-21: nothing is near its due day or just overdue.
    assert_eq!(job(&app.state).await.expect("job"), 0);
    let dt = app.token("office.dt").await;
    let on_time = json!({"id": "0192f7a0-0000-7000-8000-0000000000d1", "period_key": "2026-Q3",
        "title": "东亭街道第三季度林长制工作进展"});
    assert_eq!(
        app.post(&dt, "/api/v1/reports", &on_time).await.status(),
        201
    );

    // 2026-10-07: the third quarter is due on 10 October; the technician's September report
    // was due on 5 October.
    app.clock.advance(Duration::days(16));
    assert!(job(&app.state).await.expect("job") >= 3);
    assert_eq!(job(&app.state).await.expect("job"), 0, "each is sent once");
    assert_eq!(inbox_kinds(&app, "office.az").await, ["report.due_soon"]);
    assert!(
        inbox_kinds(&app, "office.dt").await.is_empty(),
        "a submitted report is not reminded"
    );
    assert_eq!(inbox_kinds(&app, "tech.xs").await, ["report.overdue"]);
    assert!(
        inbox_kinds(&app, "chief.xishan")
            .await
            .contains(&"report.overdue".to_owned()),
        "the technician's chief hears of his overdue report"
    );

    // 2026-10-11: 安镇's quarterly report is overdue: it is told again, and so is the county
    // office that receives it.
    app.clock.advance(Duration::days(4));
    assert!(job(&app.state).await.expect("job") >= 2);
    assert_eq!(job(&app.state).await.expect("job"), 0);
    assert_eq!(
        inbox_kinds(&app, "office.az").await,
        ["report.overdue", "report.due_soon"]
    );
    let county = inbox_kinds(&app, "office.xishan").await;
    assert!(county.contains(&"report.overdue".to_owned()));
    let xishan = app.token("office.xishan").await;
    let board = json_of(app.get(&xishan, "/api/v1/reports?year=2026").await).await;
    assert!(
        row(&board, "320205002", "town.office.quarter", "2026-Q3")["reminded_at"].is_string(),
        "the board shows when it was reminded"
    );
    assert!(row(&board, "320205001", "town.office.quarter", "2026-Q3")["reminded_at"].is_null());

    // 2026-11-10: a week past its due day the quarterly report is no longer reminded (its
    // overdue status stays on the board); the next quarter is not near.
    app.clock.advance(Duration::days(30));
    job(&app.state).await.expect("job");
    assert_eq!(inbox_kinds(&app, "office.az").await.len(), 2);
}

#[tokio::test]
async fn due_days_are_days_of_the_citys_calendar() {
    let app = TestApp::start(&[("office.dt", Role::Office, "320205001")]).await;
    // From 2026-09-21T14:13:20Z to 2026-10-10T17:00:00Z: 01:00 on 11 October in Wuxi, a day
    // after the third quarter's report was due, though still 10 October in UTC.
    app.clock
        .advance(Duration::days(19) + Duration::hours(2) + Duration::seconds(46 * 60 + 40));
    assert_eq!(app.clock.now().to_rfc3339(), "2026-10-10T17:00:00+00:00");
    let dt = app.token("office.dt").await;
    let report = json!({"id": "0192f7a0-0000-7000-8000-0000000000e1", "period_key": "2026-Q3",
        "title": "东亭街道第三季度林长制工作进展"});
    let r = app.post(&dt, "/api/v1/reports", &report).await;
    assert_eq!(r.status(), 201);
    let stored = json_of(r).await;
    assert_eq!(
        (stored["due"].as_str(), stored["status"].as_str()),
        (Some("2026-10-10"), Some("late"))
    );
}
