//! Stories of task lists: a city target broken down to counties and towns, the sum check, the
//! progress roll-up, and a meeting decision turned into a task.

use linzhang_domain::Scope;
use linzhang_domain::task::{Node, roll_up};
use uuid::Uuid;

use super::{code, ctx, date};
use crate::patrols::Meeting;
use crate::tasks::{NewTask, TaskPart, TaskReport};
use crate::{SqlStore, Store, StoreError};

fn part(n: u128, grid: &str, amount: f64) -> TaskPart {
    TaskPart {
        id: Uuid::from_u128(n),
        grid_code: code(grid),
        amount,
        title: None,
    }
}

fn report(n: u128, task: u128, amount: f64) -> TaskReport {
    TaskReport {
        id: Uuid::from_u128(n),
        task_id: Uuid::from_u128(task),
        amount,
        note: "完成造林".into(),
        evidence: vec!["files/acceptance-1.pdf".into()],
        reported_at: super::t0(),
        reported_by: None,
    }
}

fn city_task() -> NewTask {
    NewTask {
        id: Uuid::from_u128(1),
        parent_id: None,
        grid_code: code("320200"),
        title: "2025 年造林绿化".into(),
        kind: "afforestation".into(),
        amount: 50_000.0,
        unit: "亩".into(),
        deadline: date("2025-12-31"),
        meeting_id: None,
        decision_index: None,
    }
}

pub async fn tasks_break_down_and_roll_up(s: &SqlStore) {
    super::seed_tree(s).await;
    break_down(s).await;
    progress_rolls_up(s).await;
    decisions_become_tasks(s).await;
}

async fn break_down(s: &SqlStore) {
    let all = Scope::everything();
    let t = s.create_task(&ctx(), &all, &city_task()).await.unwrap();
    assert_eq!(t.grid_name, "无锡市");
    assert!(t.reported.abs() < 1e-9);
    let counties = s
        .break_down_task(
            &ctx(),
            &all,
            t.id,
            &[part(2, "320205", 20_000.0), part(3, "320281", 25_000.0)],
        )
        .await
        .unwrap();
    assert_eq!(counties.len(), 2);
    assert!(
        counties
            .iter()
            .all(|c| c.unit == "亩" && c.kind == "afforestation")
    );

    // A grid gets one part; a breakdown beyond the parent names both sums.
    let r = s
        .break_down_task(&ctx(), &all, t.id, &[part(4, "320281", 1.0)])
        .await;
    assert!(matches!(r, Err(StoreError::Rejected(_))), "a grid once");
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let r = s
        .break_down_task(
            &ctx(),
            &xishan,
            Uuid::from_u128(2),
            &[
                part(5, "320205001", 15_000.0),
                part(6, "320205002", 6_000.0),
            ],
        )
        .await;
    let Err(StoreError::Rejected(m)) = r else {
        unreachable!("refused: {r:?}")
    };
    assert!(m.contains("21000") && m.contains("20000"), "{m}");
    let r = s
        .break_down_task(
            &ctx(),
            &xishan,
            Uuid::from_u128(2),
            &[part(5, "320205001001", 1.0)],
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::Rejected(_))),
        "not a child grid"
    );
    s.break_down_task(
        &ctx(),
        &xishan,
        Uuid::from_u128(2),
        &[
            part(5, "320205001", 12_000.0),
            part(6, "320205002", 8_000.0),
        ],
    )
    .await
    .unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    assert!(
        matches!(
            s.break_down_task(
                &ctx(),
                &jiangyin,
                Uuid::from_u128(2),
                &[part(7, "320205001", 1.0)]
            )
            .await,
            Err(StoreError::NotFound { .. })
        ),
        "another county's task is out of scope"
    );
}

async fn progress_rolls_up(s: &SqlStore) {
    let all = Scope::everything();
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    // Progress on leaves only.
    s.report_task_progress(&ctx(), &xishan, &report(10, 5, 3_000.0))
        .await
        .unwrap();
    s.report_task_progress(&ctx(), &all, &report(11, 3, 5_000.0))
        .await
        .unwrap();
    // Sent again (a lost answer): stored once; the same id on another task is a conflict.
    s.report_task_progress(&ctx(), &xishan, &report(10, 5, 3_000.0))
        .await
        .unwrap();
    assert!(matches!(
        s.report_task_progress(&ctx(), &all, &report(10, 3, 1.0))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        s.report_task_progress(&ctx(), &all, &report(12, 2, 1.0))
            .await,
        Err(StoreError::Rejected(_))
    ));
    assert!(matches!(
        s.report_task_progress(&ctx(), &jiangyin, &report(13, 5, 1.0))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let reports = s.task_reports(&all, Uuid::from_u128(5)).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(
        reports[0].evidence,
        vec!["files/acceptance-1.pdf".to_owned()]
    );
    assert_eq!(reports[0].reported_by.as_deref(), Some("tester"));

    let tasks = s.tasks(&all).await.unwrap();
    assert_eq!(tasks.len(), 5);
    let nodes: Vec<Node> = tasks
        .iter()
        .map(|t| Node {
            id: t.id,
            parent: t.parent_id,
            amount: t.amount,
            deadline: t.deadline,
            reported: t.reported,
        })
        .collect();
    let p = roll_up(&nodes, date("2025-06-01"));
    assert!((p[&Uuid::from_u128(2)].done - 3_000.0).abs() < 1e-9);
    assert!((p[&Uuid::from_u128(1)].done - 8_000.0).abs() < 1e-9);
    assert!((p[&Uuid::from_u128(1)].shortfall - 5_000.0).abs() < 1e-9);
    assert_eq!(
        s.tasks(&xishan).await.unwrap().len(),
        3,
        "the county and its towns"
    );
}

async fn decisions_become_tasks(s: &SqlStore) {
    let all = Scope::everything();
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    // A decision of a meeting becomes a task.
    let meeting = Meeting {
        id: Uuid::from_u128(50),
        grid_code: code("320205"),
        kind: "chief".into(),
        title: "锡山区林长会议".into(),
        held_on: date("2025-03-01"),
        minutes: String::new(),
        attendees: vec![],
        decisions: vec!["完成森林抚育 3000 亩".into()],
    };
    s.create_meeting(&ctx(), &all, &meeting).await.unwrap();
    let from_decision = |n: u128, index: i64| NewTask {
        id: Uuid::from_u128(n),
        grid_code: code("320205"),
        title: "森林抚育".into(),
        kind: "tending".into(),
        amount: 3_000.0,
        meeting_id: Some(meeting.id),
        decision_index: Some(index),
        ..city_task()
    };
    let t = s
        .create_task(&ctx(), &xishan, &from_decision(60, 0))
        .await
        .unwrap();
    assert_eq!(
        (t.meeting_id, t.decision_index),
        (Some(meeting.id), Some(0))
    );
    assert!(matches!(
        s.create_task(&ctx(), &xishan, &from_decision(61, 1)).await,
        Err(StoreError::Rejected(_))
    ));
    assert!(matches!(
        s.create_task(&ctx(), &jiangyin, &from_decision(62, 0))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}
