//! Stories of reports and the service log: submitted once however often a client retries, one
//! report per slot, scoped reads; service entries scoped and filtered by technician and dates.

use linzhang_domain::{Role, Scope};
use uuid::Uuid;

use super::{code, ctx, date, seed_tree, t0};
use crate::model::NewUser;
use crate::reports::{Report, ReportReminder, ServiceEntry};
use crate::{SqlStore, Store, StoreError};
use linzhang_domain::report::ReminderStage;

pub async fn reports_are_submitted_once_and_scoped(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let report = |n: u128, grid: &str, rule: &str, period: &str| Report {
        id: Uuid::from_u128(n),
        grid_code: code(grid),
        rule: rule.into(),
        period_key: period.into(),
        reporter_user: None,
        title: "第三季度林长制工作进展".into(),
        body: "完成巡林 12 次。".into(),
        attachments: vec!["att:1".into()],
        submitted_by: "office.dt".into(),
        submitted_at: t0(),
    };
    let first = report(1, "320205001", "town.office.quarter", "2026-Q3");
    let (stored, created) = s.submit_report(&ctx(), &xishan, &first).await.unwrap();
    assert!(created);
    assert_eq!(stored, first);
    let mut retried = first.clone();
    retried.title = "改过的标题".into();
    let (again, created) = s.submit_report(&ctx(), &xishan, &retried).await.unwrap();
    assert!(!created, "the same id is the same report");
    assert_eq!(again.title, first.title, "a retry changes nothing");
    let r = s
        .submit_report(
            &ctx(),
            &xishan,
            &report(2, "320205001", "town.office.quarter", "2026-Q3"),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::Conflict { .. })),
        "one report per grid, rule and period"
    );
    let r = s
        .submit_report(
            &ctx(),
            &jiangyin,
            &report(3, "320205002", "town.office.quarter", "2026-Q3"),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::NotFound { .. })),
        "out of scope"
    );
    let r = s
        .submit_report(&ctx(), &all, &report(4, "320205002", "", "2026-Q3"))
        .await;
    assert!(matches!(r, Err(StoreError::Rejected(_))));
    s.submit_report(
        &ctx(),
        &all,
        &report(5, "320281", "county.office.year", "2026"),
    )
    .await
    .unwrap();
    s.submit_report(
        &ctx(),
        &all,
        &report(6, "320281", "county.office.quarter", "2025-Q4"),
    )
    .await
    .unwrap();

    assert_eq!(s.reports(&all, "2026").await.unwrap().len(), 2);
    assert_eq!(s.reports(&all, "2025").await.unwrap().len(), 1);
    let mine = s.reports(&xishan, "2026").await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].attachments, vec!["att:1".to_string()]);
    assert_eq!(s.report(&xishan, first.id).await.unwrap(), first);
    assert!(matches!(
        s.report(&jiangyin, first.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let grids = s.reporting_grids(&xishan).await.unwrap();
    assert_eq!(
        grids
            .iter()
            .map(|g| g.grid_code.as_str())
            .collect::<Vec<_>>(),
        ["320205", "320205001", "320205002"],
        "no villages, nothing outside"
    );
}

pub async fn service_log_is_scoped_and_filtered(s: &SqlStore) {
    seed_tree(s).await;
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let mut users = Vec::new();
    for name in ["tech.a", "tech.b"] {
        let u = NewUser {
            username: name.into(),
            password_hash: "$argon2id$fake".into(),
            role: Role::Technician,
            grid_code: code("320205"),
            must_change_password: false,
            person_id: None,
            department: None,
        };
        users.push(s.create_user(&ctx(), &u).await.unwrap().id);
    }
    let entry = |n: u128, user: usize, day: &str| ServiceEntry {
        id: Uuid::from_u128(0x5e00 + n),
        grid_code: code("320205001"),
        user_id: users[user],
        username: ["tech.a", "tech.b"][user].into(),
        served_on: date(day),
        area_code: (n == 1).then(|| "LZ320205001001-001".to_string()),
        kind: "pest_survey".into(),
        description: "松材线虫病疫木普查".into(),
        people_served: 3,
        created_at: t0(),
    };
    let (first, created) = s
        .add_service_entry(&ctx(), &xishan, &entry(1, 0, "2026-09-03"))
        .await
        .unwrap();
    assert!(created);
    let (_, created) = s.add_service_entry(&ctx(), &xishan, &first).await.unwrap();
    assert!(!created, "a retry stores nothing");
    s.add_service_entry(&ctx(), &xishan, &entry(2, 0, "2026-10-01"))
        .await
        .unwrap();
    s.add_service_entry(&ctx(), &xishan, &entry(3, 1, "2026-09-20"))
        .await
        .unwrap();
    let r = s
        .add_service_entry(&ctx(), &jiangyin, &entry(4, 1, "2026-09-20"))
        .await;
    assert!(matches!(r, Err(StoreError::NotFound { .. })));
    let mut bad = entry(5, 1, "2026-09-20");
    bad.people_served = -1;
    assert!(matches!(
        s.add_service_entry(&ctx(), &xishan, &bad).await,
        Err(StoreError::Rejected(_))
    ));

    let (from, to) = (date("2026-09-01"), date("2026-10-01"));
    let september = s.service_log(&xishan, from, to, None).await.unwrap();
    assert_eq!(september.len(), 2, "October is outside");
    assert_eq!(september[0], first);
    let of_a = s
        .service_log(&xishan, from, to, Some(users[0]))
        .await
        .unwrap();
    assert_eq!(of_a.len(), 1);
    assert!(
        s.service_log(&jiangyin, from, to, None)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn report_reminders_are_sent_once(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let technician = Uuid::from_u128(77);
    let key = |grid: &str, user: Option<Uuid>, stage: ReminderStage| ReportReminder {
        grid_code: code(grid),
        rule: "town.office.quarter".into(),
        period_key: "2026-Q3".into(),
        reporter_user: user,
        stage,
    };
    let soon = key("320205001", None, ReminderStage::DueSoon);
    assert!(s.claim_report_reminder(t0(), &soon).await.unwrap());
    assert!(
        !s.claim_report_reminder(t0(), &soon).await.unwrap(),
        "a reminder is sent once"
    );
    let late = key("320205001", None, ReminderStage::Overdue);
    assert!(s.claim_report_reminder(t0(), &late).await.unwrap());
    let tech = key("320205001", Some(technician), ReminderStage::DueSoon);
    assert!(
        s.claim_report_reminder(t0(), &tech).await.unwrap(),
        "a technician's slot is another slot"
    );
    let sent = s.report_reminders(&all, "2026").await.unwrap();
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().any(|(k, at)| k == &tech && *at == t0()));
    assert!(s.report_reminders(&all, "2025").await.unwrap().is_empty());
    assert!(
        s.report_reminders(&jiangyin, "2026")
            .await
            .unwrap()
            .is_empty(),
        "scoped by the grid"
    );
}
