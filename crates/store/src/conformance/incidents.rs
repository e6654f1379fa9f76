//! Stories of incidents: idempotent reports, the state machine, escalation, scope.

use super::{
    AuditFilter, Duration, IncidentAction, IncidentFilter, IncidentSource, IncidentState,
    NewIncident, Priority, Scope, SqlStore, Store, StoreError, Uuid, WriteCtx, code, ctx,
    is_not_found, person, seed_tree, t0,
};

fn ctx_after(minutes: i64) -> WriteCtx {
    WriteCtx {
        at: t0() + Duration::minutes(minutes),
        ..ctx()
    }
}

fn new_incident(grid: &str, title: &str) -> NewIncident {
    NewIncident {
        id: linzhang_domain::ids::new_id(),
        grid_code: code(grid),
        kind: "pest".into(),
        pest: Some("pine_wilt".into()),
        source: IncidentSource::Ranger,
        priority: Priority::High,
        title: title.into(),
        description: "松树枯死三株，疑似松材线虫病".into(),
        lon: Some(120.31),
        lat: Some(31.62),
        due: Duration::hours(24),
    }
}

async fn scope(s: &SqlStore, grid: &str) -> Scope {
    s.scope_of(&code(grid)).await.unwrap()
}

async fn audit_count(s: &SqlStore, action: Option<&str>) -> usize {
    s.audit(&AuditFilter {
        action: action.map(Into::into),
        limit: 500,
        ..AuditFilter::default()
    })
    .await
    .unwrap()
    .len()
}

fn reason(text: &str) -> String {
    text.into()
}

pub async fn incident_reports_are_idempotent(s: &SqlStore) {
    seed_tree(s).await;
    let village = scope(s, "320205001001").await;
    let report = new_incident("320205001001", "东亭一村松树枯死");
    let (first, created) = s.report_incident(&ctx(), &village, &report).await.unwrap();
    assert!(created);
    assert_eq!(first.id, report.id);
    assert_eq!(first.state, IncidentState::Reported);
    assert_eq!(first.grid_name, "东亭一村");
    assert_eq!(first.pest.as_deref(), Some("pine_wilt"));
    assert_eq!(first.reporter_name.as_deref(), Some("tester"));
    assert_eq!(first.due, Duration::hours(24));
    assert_eq!(first.clock_started_at, t0());
    assert_eq!(first.reported_at, t0());
    assert_eq!(first.lon, Some(120.31));
    assert!(first.assignee.is_none());

    // The phone did not hear the answer and uploads again, later.
    let (again, created) = s
        .report_incident(&ctx_after(5), &village, &report)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    let all = s
        .incidents(&village, &IncidentFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let events = s.incident_events(&village, report.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "report");
    assert_eq!(events[0].to_state, IncidentState::Reported);
    assert_eq!(events[0].actor_name.as_deref(), Some("tester"));
    assert_eq!(audit_count(s, Some("incident.report")).await, 1);

    // The same id from outside the incident's scope does not reveal it.
    let other = scope(s, "320205002").await;
    let mut foreign = report.clone();
    foreign.grid_code = code("320205002001");
    assert!(matches!(
        s.report_incident(&ctx(), &other, &foreign).await,
        Err(StoreError::Conflict { .. })
    ));

    // Reports without a title, with half a location or without a time limit are refused.
    let mut blank = new_incident("320205001001", " ");
    assert!(matches!(
        s.report_incident(&ctx(), &village, &blank).await,
        Err(StoreError::Rejected(_))
    ));
    blank.title = "x".into();
    blank.lat = None;
    assert!(matches!(
        s.report_incident(&ctx(), &village, &blank).await,
        Err(StoreError::Rejected(_))
    ));
    blank.lon = None;
    blank.due = Duration::zero();
    assert!(matches!(
        s.report_incident(&ctx(), &village, &blank).await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(audit_count(s, Some("incident.report")).await, 1);
}

pub async fn incidents_run_from_report_to_closure(s: &SqlStore) {
    use IncidentState as S;
    seed_tree(s).await;
    let town = scope(s, "320205001").await;
    let ranger = person(s, "320205001001", "王护林").await;
    let outsider = person(s, "320205002001", "赵外镇").await;
    let report = new_incident("320205001001", "东亭一村松树枯死");
    s.report_incident(&ctx(), &town, &report).await.unwrap();
    let id = report.id;

    // Assigning someone outside the scope is refused as not found.
    s.act_on_incident(&ctx(), &town, id, &IncidentAction::Accept, false, None)
        .await
        .unwrap();
    assert!(is_not_found(
        &s.act_on_incident(
            &ctx(),
            &town,
            id,
            &IncidentAction::Assign { to: outsider },
            false,
            None,
        )
        .await
    ));
    let steps = [
        (IncidentAction::Assign { to: ranger }, false),
        (IncidentAction::Start, true),
        (
            IncidentAction::Resolve {
                note: reason("已清理病死树"),
            },
            true,
        ),
        (IncidentAction::Verify, false),
        (IncidentAction::Close, false),
    ];
    let mut minute = 0;
    for (action, by_assignee) in &steps {
        minute += 10;
        let i = s
            .act_on_incident(&ctx_after(minute), &town, id, action, *by_assignee, None)
            .await
            .unwrap();
        assert_eq!(i.updated_at, t0() + Duration::minutes(minute));
    }
    let closed = s.incident(&town, id).await.unwrap();
    assert_eq!(closed.state, IncidentState::Closed);
    assert_eq!(closed.assignee, Some(ranger));
    assert_eq!(closed.assignee_name.as_deref(), Some("王护林"));
    assert_eq!(closed.grid_code, code("320205001001"));
    assert_eq!(closed.clock_started_at, t0());

    let events = s.incident_events(&town, id).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "report", "accept", "assign", "start", "resolve", "verify", "close"
        ]
    );
    let states: Vec<_> = events.iter().map(|e| (e.from_state, e.to_state)).collect();
    assert_eq!(
        states,
        [
            (S::Reported, S::Reported),
            (S::Reported, S::Accepted),
            (S::Accepted, S::Assigned),
            (S::Assigned, S::InProgress),
            (S::InProgress, S::Resolved),
            (S::Resolved, S::Verified),
            (S::Verified, S::Closed),
        ]
    );
    assert_eq!(events[4].note.as_deref(), Some("已清理病死树"));
    assert!(events.windows(2).all(|w| w[0].at <= w[1].at));

    let audits = s
        .audit(&AuditFilter {
            action: Some("incident.assign".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(audits.len(), 1);
    assert_eq!(audits[0].before.as_ref().unwrap()["state"], "accepted");
    assert_eq!(audits[0].after.as_ref().unwrap()["state"], "assigned");
    assert_eq!(audit_count(s, Some("incident.close")).await, 1);
}

pub async fn refused_incident_actions_change_nothing(s: &SqlStore) {
    seed_tree(s).await;
    let village = scope(s, "320205001001").await;
    let ranger = person(s, "320205001001", "王护林").await;
    let report = new_incident("320205001001", "盗伐");
    let (reported, _) = s.report_incident(&ctx(), &village, &report).await.unwrap();
    let audits = audit_count(s, None).await;

    let refused = [
        (IncidentAction::Close, false),
        (IncidentAction::Start, true),
        (
            IncidentAction::Reject {
                reason: reason(" "),
            },
            false,
        ),
        (IncidentAction::MarkDuplicate { of: report.id }, false),
    ];
    for (action, by_assignee) in &refused {
        let r = s
            .act_on_incident(
                &ctx_after(1),
                &village,
                report.id,
                action,
                *by_assignee,
                None,
            )
            .await;
        assert!(
            matches!(r, Err(StoreError::Rejected(_))),
            "{}",
            action.name()
        );
    }
    // Only the assignee starts the work.
    s.act_on_incident(
        &ctx(),
        &village,
        report.id,
        &IncidentAction::Accept,
        false,
        None,
    )
    .await
    .unwrap();
    s.act_on_incident(
        &ctx(),
        &village,
        report.id,
        &IncidentAction::Assign { to: ranger },
        false,
        None,
    )
    .await
    .unwrap();
    let assigned = s.incident(&village, report.id).await.unwrap();
    let r = s
        .act_on_incident(
            &ctx_after(1),
            &village,
            report.id,
            &IncidentAction::Start,
            false,
            None,
        )
        .await;
    assert!(matches!(r, Err(StoreError::Rejected(_))));
    // Marking it a duplicate of an incident that does not exist is not found.
    let r = s
        .act_on_incident(
            &ctx_after(1),
            &village,
            report.id,
            &IncidentAction::MarkDuplicate {
                of: linzhang_domain::ids::new_id(),
            },
            false,
            None,
        )
        .await;
    assert!(r.is_err());

    assert_eq!(s.incident(&village, report.id).await.unwrap(), assigned);
    assert_eq!(
        s.incident_events(&village, report.id).await.unwrap().len(),
        3
    );
    assert_eq!(audit_count(s, None).await, audits + 2);
    assert_eq!(reported.updated_at, assigned.updated_at);
}

pub async fn escalation_moves_incidents_up(s: &SqlStore) {
    seed_tree(s).await;
    let village = scope(s, "320205001001").await;
    let town = scope(s, "320205001").await;
    let ranger = person(s, "320205001001", "王护林").await;
    let report = new_incident("320205001001", "火情");
    let id = report.id;
    s.report_incident(&ctx(), &village, &report).await.unwrap();
    s.act_on_incident(&ctx(), &village, id, &IncidentAction::Accept, false, None)
        .await
        .unwrap();
    s.act_on_incident(
        &ctx(),
        &village,
        id,
        &IncidentAction::Assign { to: ranger },
        false,
        None,
    )
    .await
    .unwrap();

    let escalate = IncidentAction::Escalate {
        reason: reason("超出村级处置能力"),
    };
    let up = s
        .act_on_incident(
            &ctx_after(60),
            &village,
            id,
            &escalate,
            false,
            Some(Duration::hours(4)),
        )
        .await
        .unwrap();
    assert_eq!(up.grid_code, code("320205001"));
    assert_eq!(up.grid_name, "东亭街道");
    assert_eq!(up.state, IncidentState::Escalated);
    assert_eq!(up.assignee, None);
    assert_eq!(up.clock_started_at, t0() + Duration::minutes(60));
    assert_eq!(up.due, Duration::hours(4));
    assert_eq!(up.reported_at, t0());

    // The village no longer sees it; the town does, with the whole timeline.
    assert!(is_not_found(&s.incident(&village, id).await));
    assert!(is_not_found(&s.incident_events(&village, id).await));
    assert!(
        s.incidents(&village, &IncidentFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.incident(&town, id).await.unwrap(), up);
    let events = s.incident_events(&town, id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.action, "escalate");
    assert_eq!(
        (last.from_state, last.to_state),
        (IncidentState::Assigned, IncidentState::Escalated)
    );
    assert_eq!(
        (last.from_grid.as_str(), last.to_grid.as_str()),
        ("320205001001", "320205001")
    );
    assert_eq!(last.note.as_deref(), Some("超出村级处置能力"));
    let escalated = IncidentFilter {
        state: Some(IncidentState::Escalated),
        ..IncidentFilter::default()
    };
    assert_eq!(s.incidents(&town, &escalated).await.unwrap().len(), 1);

    escalate_to_the_top(s, &town, id, &escalate).await;
}

/// Escalates an incident resting at a town on to the county and the city, where it stops.
async fn escalate_to_the_top(s: &SqlStore, town: &Scope, id: Uuid, escalate: &IncidentAction) {
    // Without a new limit the old one stays; the city cannot escalate further.
    let county = s
        .act_on_incident(&ctx_after(90), town, id, escalate, false, None)
        .await
        .unwrap();
    assert_eq!(county.grid_code, code("320205"));
    assert_eq!(county.due, Duration::hours(4));
    assert_eq!(county.clock_started_at, t0() + Duration::minutes(90));
    let city = s
        .act_on_incident(
            &ctx_after(100),
            &Scope::everything(),
            id,
            escalate,
            false,
            None,
        )
        .await
        .unwrap();
    assert_eq!(city.grid_code, code("320200"));
    let audits = audit_count(s, None).await;
    assert!(matches!(
        s.act_on_incident(
            &ctx_after(110),
            &Scope::everything(),
            id,
            escalate,
            false,
            None
        )
        .await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(audit_count(s, None).await, audits);
    assert_eq!(audit_count(s, Some("incident.escalate")).await, 3);
    // The escalated incident is accepted at its new level as if reported there.
    let accepted = s
        .act_on_incident(
            &ctx_after(120),
            &Scope::everything(),
            id,
            &IncidentAction::Accept,
            false,
            None,
        )
        .await
        .unwrap();
    assert_eq!(accepted.state, IncidentState::Accepted);
}

pub async fn incidents_stay_in_scope_and_filter(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let village = scope(s, "320205001001").await;
    let town = scope(s, "320205001").await;

    // A village cannot report for another village, nor for a grid that does not exist.
    let elsewhere = new_incident("320205002001", "安镇一村");
    assert!(is_not_found(
        &s.report_incident(&ctx(), &village, &elsewhere).await
    ));
    assert!(is_not_found(&s.incident(&all, elsewhere.id).await));
    let nowhere = new_incident("320205009001", "不存在");
    assert!(is_not_found(
        &s.report_incident(&ctx(), &all, &nowhere).await
    ));

    let one = new_incident("320205001001", "一村");
    let two = new_incident("320205001002", "二村");
    let anzhen = new_incident("320205002001", "安镇一村");
    let office = new_incident("320205001", "东亭街道");
    for (minute, n) in [(0, &one), (1, &two), (2, &anzhen), (3, &office)] {
        s.report_incident(&ctx_after(minute), &all, n)
            .await
            .unwrap();
    }
    s.act_on_incident(&ctx(), &town, two.id, &IncidentAction::Accept, false, None)
        .await
        .unwrap();
    // The town office marks the second village's report a duplicate of the first's.
    let dup = s
        .act_on_incident(
            &ctx(),
            &town,
            one.id,
            &IncidentAction::MarkDuplicate { of: two.id },
            false,
            None,
        )
        .await
        .unwrap();
    assert_eq!(dup.state, IncidentState::Duplicate);
    assert_eq!(dup.duplicate_of, Some(two.id));
    // …but not of an incident it cannot see.
    assert!(is_not_found(
        &s.act_on_incident(
            &ctx(),
            &town,
            office.id,
            &IncidentAction::MarkDuplicate { of: anzhen.id },
            false,
            None,
        )
        .await
    ));

    check_listing(s, &town).await;
    assert!(is_not_found(
        &s.incidents(&town, &filter(Some("320205002"), None)).await
    ));
    assert!(is_not_found(&s.incident(&town, anzhen.id).await));
    assert!(is_not_found(&s.incident_events(&town, anzhen.id).await));
    assert!(is_not_found(
        &s.act_on_incident(
            &ctx(),
            &town,
            anzhen.id,
            &IncidentAction::Accept,
            false,
            None
        )
        .await
    ));
}

fn filter(grid: Option<&str>, state: Option<IncidentState>) -> IncidentFilter {
    IncidentFilter {
        grid: grid.map(code),
        state,
        limit: None,
    }
}

fn titles(v: Vec<crate::model::Incident>) -> Vec<String> {
    v.into_iter().map(|i| i.title).collect()
}

/// Lists the incidents of `incidents_stay_in_scope_and_filter` by scope, subtree, state and limit.
async fn check_listing(s: &SqlStore, town: &Scope) {
    let all = Scope::everything();
    assert_eq!(
        titles(s.incidents(&all, &filter(None, None)).await.unwrap()),
        ["东亭街道", "安镇一村", "二村", "一村"]
    );
    assert_eq!(
        titles(s.incidents(town, &filter(None, None)).await.unwrap()),
        ["东亭街道", "二村", "一村"]
    );
    assert_eq!(
        titles(
            s.incidents(&all, &filter(Some("320205001"), None))
                .await
                .unwrap()
        ),
        ["东亭街道", "二村", "一村"]
    );
    assert_eq!(
        titles(
            s.incidents(town, &filter(Some("320205001002"), None))
                .await
                .unwrap()
        ),
        ["二村"]
    );
    assert_eq!(
        titles(
            s.incidents(&all, &filter(None, Some(IncidentState::Reported)))
                .await
                .unwrap()
        ),
        ["东亭街道", "安镇一村"]
    );
    assert_eq!(
        titles(
            s.incidents(
                town,
                &filter(Some("320205001"), Some(IncidentState::Accepted))
            )
            .await
            .unwrap()
        ),
        ["二村"]
    );
    assert_eq!(
        titles(
            s.incidents(
                &all,
                &IncidentFilter {
                    limit: Some(2),
                    ..IncidentFilter::default()
                }
            )
            .await
            .unwrap()
        ),
        ["东亭街道", "安镇一村"]
    );
}
