//! Stories of contact sheets and inspections: issued in scope, seen from both sides, never
//! closed unanswered, escalated once, and a finding that becomes one sheet.

use linzhang_domain::Scope;
use linzhang_domain::contact_sheet::{InspectionKind, SheetAction, SheetSource, SheetState, Sides};
use uuid::Uuid;

use super::{code, ctx, date};
use crate::sheets::{Finding, NewContactSheet, NewInspection, SheetFilter};
use crate::{SqlStore, Store, StoreError};

const ISSUER: Sides = Sides {
    issuer: true,
    addressee: false,
};
const ADDRESSEE: Sides = Sides {
    issuer: false,
    addressee: true,
};

fn sheet(n: u128, to: &str) -> NewContactSheet {
    NewContactSheet {
        id: Uuid::from_u128(n),
        title: "林地内违建".into(),
        body: "东亭一村发现林地内新建彩钢棚，请核查处理。".into(),
        source: SheetSource::PublicReport,
        source_id: Some("R-2026-001".into()),
        issuer_grid: code("320205"),
        addressee_grid: Some(code(to)),
        addressee_department: None,
        deadline: date("2026-10-10"),
    }
}

pub async fn contact_sheets_are_answered_before_closing(s: &SqlStore) {
    super::seed_tree(s).await;
    issue_and_see(s).await;
    answer_before_closing(s).await;
}

async fn issue_and_see(s: &SqlStore) {
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let dongting = s.scope_of(&code("320205001")).await.unwrap();
    let anzhen = s.scope_of(&code("320205002")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    let id = Uuid::from_u128(1);
    let issued = s
        .create_contact_sheet(&ctx(), &xishan, &sheet(1, "320205001"))
        .await
        .unwrap();
    assert_eq!(issued.state, SheetState::Issued);
    assert_eq!(issued.addressee_grid_name.as_deref(), Some("东亭街道"));
    assert!(
        matches!(
            s.create_contact_sheet(&ctx(), &dongting, &sheet(2, "320205001"))
                .await,
            Err(StoreError::NotFound { .. })
        ),
        "the issuing grid must be in scope"
    );
    assert!(
        matches!(
            s.create_contact_sheet(&ctx(), &xishan, &sheet(3, "320281"))
                .await,
            Err(StoreError::NotFound { .. })
        ),
        "so must the addressee"
    );

    // Both sides see it; others do not.
    assert_eq!(s.contact_sheet(&dongting, id).await.unwrap().id, id);
    assert!(matches!(
        s.contact_sheet(&anzhen, id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        s.contact_sheets(&jiangyin, &SheetFilter::default())
            .await
            .unwrap()
            .is_empty()
    );

    // To a member department instead of a grid.
    let mut to_dept = sheet(4, "320205001");
    to_dept.addressee_grid = None;
    to_dept.addressee_department = Some("police".into());
    to_dept.deadline = date("2026-12-31");
    let d = s
        .create_contact_sheet(&ctx(), &xishan, &to_dept)
        .await
        .unwrap();
    assert_eq!(d.addressee_department.as_deref(), Some("police"));
    assert!(d.addressee_grid.is_none());
}

async fn answer_before_closing(s: &SqlStore) {
    let xishan = s.scope_of(&code("320205")).await.unwrap();
    let dongting = s.scope_of(&code("320205001")).await.unwrap();
    let id = Uuid::from_u128(1);
    let close = SheetAction::Close {
        note: String::new(),
    };
    assert!(matches!(
        s.act_on_contact_sheet(&ctx(), &xishan, id, &close, ISSUER)
            .await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(
        s.contact_sheet(&xishan, id).await.unwrap().state,
        SheetState::Issued,
        "a refused close changes nothing"
    );
    let remind = SheetAction::Remind {
        note: "请抓紧办理".into(),
    };
    let reminded = s
        .act_on_contact_sheet(&ctx(), &xishan, id, &remind, ISSUER)
        .await
        .unwrap();
    assert_eq!(reminded.reminders, 1);

    // Escalated once while unanswered and overdue.
    let overdue = SheetFilter {
        overdue_on: Some(date("2026-10-11")),
        ..SheetFilter::default()
    };
    assert_eq!(s.contact_sheets(&xishan, &overdue).await.unwrap().len(), 1);
    let on_time = SheetFilter {
        overdue_on: Some(date("2026-10-10")),
        ..SheetFilter::default()
    };
    assert!(
        s.contact_sheets(&xishan, &on_time)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.escalate_contact_sheet(&ctx(), id).await.unwrap());
    assert!(!s.escalate_contact_sheet(&ctx(), id).await.unwrap());
    let escalated = SheetFilter {
        escalated: Some(true),
        ..SheetFilter::default()
    };
    assert_eq!(
        s.contact_sheets(&dongting, &escalated).await.unwrap().len(),
        1
    );

    let answer = SheetAction::Answer {
        text: "已拆除彩钢棚并复绿".into(),
        evidence: vec!["files/photo-after.jpg".into()],
    };
    assert!(
        matches!(
            s.act_on_contact_sheet(&ctx(), &dongting, id, &answer, ISSUER)
                .await,
            Err(StoreError::Rejected(_))
        ),
        "the issuer does not answer its own sheet"
    );
    let answered = s
        .act_on_contact_sheet(&ctx(), &dongting, id, &answer, ADDRESSEE)
        .await
        .unwrap();
    assert_eq!(answered.state, SheetState::Answered);
    assert_eq!(answered.evidence, vec!["files/photo-after.jpg".to_owned()]);
    assert_eq!(answered.answered_by.as_deref(), Some("tester"));
    let closed = s
        .act_on_contact_sheet(&ctx(), &xishan, id, &close, ISSUER)
        .await
        .unwrap();
    assert_eq!(closed.state, SheetState::Closed);
    let timeline: Vec<String> = s
        .contact_sheet_events(&dongting, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(timeline, ["issue", "remind", "escalate", "answer", "close"]);
    let by_state = SheetFilter {
        state: Some(SheetState::Closed),
        ..SheetFilter::default()
    };
    assert_eq!(s.contact_sheets(&xishan, &by_state).await.unwrap().len(), 1);
}

pub async fn inspection_findings_become_sheets(s: &SqlStore) {
    super::seed_tree(s).await;
    let city = Scope::everything();
    let finding = |text: &str| Finding {
        text: text.into(),
        lon: Some(120.3),
        lat: Some(31.6),
        sheet_id: None,
    };
    let n = NewInspection {
        id: Uuid::from_u128(1),
        kind: InspectionKind::Unannounced,
        title: "2026 年第三季度林长制暗访".into(),
        by_grid: code("320200"),
        target_grid: code("320205001"),
        inspected_on: date("2026-09-20"),
        inspectors: vec!["张督察".into(), "李督察".into()],
        findings: vec![finding("公示牌破损"), finding("护林员未按时巡护")],
    };
    let i = s.create_inspection(&ctx(), &city, &n).await.unwrap();
    assert_eq!((i.findings.len(), i.kind), (2, InspectionKind::Unannounced));
    let dongting = s.scope_of(&code("320205001")).await.unwrap();
    let jiangyin = s.scope_of(&code("320281")).await.unwrap();
    assert_eq!(s.inspections(&dongting).await.unwrap().len(), 1);
    assert!(s.inspections(&jiangyin).await.unwrap().is_empty());
    assert!(matches!(
        s.create_inspection(
            &ctx(),
            &jiangyin,
            &NewInspection {
                id: Uuid::from_u128(2),
                ..n.clone()
            }
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));

    let new_sheet = |id: u128| NewContactSheet {
        id: Uuid::from_u128(id),
        title: "公示牌破损".into(),
        body: "公示牌破损".into(),
        source: SheetSource::Inspection,
        source_id: Some(format!("{}#0", i.id)),
        issuer_grid: code("320200"),
        addressee_grid: Some(code("320205001")),
        addressee_department: None,
        deadline: date("2026-10-20"),
    };
    let sheet = s
        .sheet_from_finding(&ctx(), &city, i.id, 0, &new_sheet(10))
        .await
        .unwrap();
    assert_eq!(sheet.source, SheetSource::Inspection);
    assert!(
        matches!(
            s.sheet_from_finding(&ctx(), &city, i.id, 0, &new_sheet(11))
                .await,
            Err(StoreError::Conflict { .. })
        ),
        "one sheet per finding"
    );
    assert!(
        matches!(
            s.contact_sheet(&city, Uuid::from_u128(11)).await,
            Err(StoreError::NotFound { .. })
        ),
        "the refused sheet is not stored"
    );
    assert!(matches!(
        s.sheet_from_finding(&ctx(), &city, i.id, 5, &new_sheet(12))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let after = s.inspection(&dongting, i.id).await.unwrap();
    assert_eq!(after.findings[0].sheet_id, Some(sheet.id));
    assert_eq!(after.findings[1].sheet_id, None);

    let c = s.circulate_inspection(&ctx(), &city, i.id).await.unwrap();
    assert!(c.circulated_at.is_some());
    assert!(matches!(
        s.circulate_inspection(&ctx(), &city, i.id).await,
        Err(StoreError::Rejected(_))
    ));
}
