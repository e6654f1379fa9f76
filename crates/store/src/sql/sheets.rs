//! Work contact sheets (林长工作联系单): issue, the actions of the state machine, the timeline
//! and escalation. A sheet is in a scope when its issuing grid or its addressee grid is.

use linzhang_domain::contact_sheet::{SheetAction, SheetSource, SheetState, Sides, transition};
use linzhang_domain::ids::new_id;
use linzhang_domain::{GridCode, Scope};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{
    date, flag, found, get, get_date, get_flag, get_instant, get_json, get_opt_parsed, get_parsed,
    get_uuid, ms, some,
};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::sheets::{ContactSheet, NewContactSheet, SheetEventRecord, SheetFilter};

const SELECT: &str = "SELECT s.id, s.title, s.body, s.source, s.source_id, s.issuer_grid, \
    gi.name AS issuer_grid_name, gi.path AS issuer_path, s.addressee_grid, \
    ga.name AS addressee_grid_name, ga.path AS addressee_path, s.addressee_department, \
    s.deadline, s.state, s.answer, s.evidence, s.answered_at, s.answered_by, s.reminders, \
    s.escalated, s.escalated_at, s.issued_by, s.issued_at, s.updated_at \
    FROM contact_sheets s JOIN grids gi ON gi.code = s.issuer_grid \
    LEFT JOIN grids ga ON ga.code = s.addressee_grid";

const IN_SCOPE: &str = "(gi.path LIKE $1 OR ga.path LIKE $1)";

fn from_row(r: &AnyRow) -> StoreResult<ContactSheet> {
    let opt_instant = |col: &str| -> StoreResult<_> {
        let v: Option<i64> = get(r, col)?;
        v.map(super::rows::from_ms).transpose()
    };
    Ok(ContactSheet {
        id: get_uuid(r, "id")?,
        title: get(r, "title")?,
        body: get(r, "body")?,
        source: get_parsed(r, "source", some(SheetSource::parse))?,
        source_id: get(r, "source_id")?,
        issuer_grid: get_parsed(r, "issuer_grid", GridCode::parse)?,
        issuer_grid_name: get(r, "issuer_grid_name")?,
        issuer_path: get(r, "issuer_path")?,
        addressee_grid: get_opt_parsed(r, "addressee_grid", GridCode::parse)?,
        addressee_grid_name: get(r, "addressee_grid_name")?,
        addressee_path: get(r, "addressee_path")?,
        addressee_department: get(r, "addressee_department")?,
        deadline: get_date(r, "deadline")?,
        state: get_parsed(r, "state", some(SheetState::parse))?,
        answer: get(r, "answer")?,
        evidence: get_json(r, "evidence")?,
        answered_at: opt_instant("answered_at")?,
        answered_by: get(r, "answered_by")?,
        reminders: get(r, "reminders")?,
        escalated: get_flag(r, "escalated")?,
        escalated_at: opt_instant("escalated_at")?,
        issued_by: get(r, "issued_by")?,
        issued_at: get_instant(r, "issued_at")?,
        updated_at: get_instant(r, "updated_at")?,
    })
}

pub async fn one(conn: &mut AnyConnection, scope: &Scope, id: Uuid) -> StoreResult<ContactSheet> {
    let sql = format!("{SELECT} WHERE s.id = $2 AND {IN_SCOPE}");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    found(row.as_ref(), from_row, "contact sheet")
}

async fn insert_event(
    conn: &mut AnyConnection,
    ctx: &WriteCtx,
    sheet: Uuid,
    action: &str,
    from: Option<SheetState>,
    to: SheetState,
    note: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO contact_sheet_events (id, sheet_id, at, actor_name, action, from_state, \
         to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id().to_string())
    .bind(sheet.to_string())
    .bind(ms(ctx.at))
    .bind(ctx.actor.username.clone())
    .bind(action)
    .bind(from.map(SheetState::as_str))
    .bind(to.as_str())
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

/// Issues a sheet inside an open transaction (an inspection links its finding in the same one).
pub async fn create(
    conn: &mut AnyConnection,
    ctx: &WriteCtx,
    scope: &Scope,
    s: &NewContactSheet,
) -> StoreResult<ContactSheet> {
    if s.title.trim().is_empty() {
        return Err(StoreError::Rejected("a contact sheet needs a title".into()));
    }
    match (&s.addressee_grid, &s.addressee_department) {
        (Some(_), None) | (None, Some(_)) => {}
        _ => {
            return Err(StoreError::Rejected(
                "a contact sheet is addressed to one grid or one department".into(),
            ));
        }
    }
    path_in_scope(conn, scope, &s.issuer_grid).await?;
    if let Some(g) = &s.addressee_grid {
        path_in_scope(conn, scope, g).await?;
    }
    sqlx::query(
        "INSERT INTO contact_sheets (id, title, body, source, source_id, issuer_grid, \
         addressee_grid, addressee_department, deadline, state, evidence, issued_by, issued_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '[]', $11, $12, $12)",
    )
    .bind(s.id.to_string())
    .bind(s.title.trim())
    .bind(&s.body)
    .bind(s.source.as_str())
    .bind(s.source_id.clone())
    .bind(s.issuer_grid.as_str())
    .bind(s.addressee_grid.as_ref().map(|g| g.as_str().to_owned()))
    .bind(s.addressee_department.clone())
    .bind(date(s.deadline))
    .bind(SheetState::Issued.as_str())
    .bind(ctx.actor.username.clone())
    .bind(ms(ctx.at))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "contact sheet"))?;
    insert_event(conn, ctx, s.id, "issue", None, SheetState::Issued, &s.body).await?;
    let e = audit::entry(
        ctx,
        "contact_sheet.issue",
        format!("contact_sheet:{}", s.id),
        None,
        audit::json(s),
    );
    audit::insert(conn, &e).await?;
    one(conn, scope, s.id).await
}

pub async fn list(db: &SqlStore, scope: &Scope, f: &SheetFilter) -> StoreResult<Vec<ContactSheet>> {
    let sql = format!(
        "{SELECT} WHERE {IN_SCOPE} AND ($2 IS NULL OR s.state = $2) \
         AND ($3 IS NULL OR s.escalated = $3) \
         AND ($4 IS NULL OR (s.state = 'issued' AND s.deadline < $4)) \
         ORDER BY s.issued_at DESC, s.id DESC LIMIT 1000"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .bind(f.state.map(SheetState::as_str))
        .bind(f.escalated.map(flag))
        .bind(f.overdue_on.map(date))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn events(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Vec<SheetEventRecord>> {
    let mut conn = db.pool().acquire().await?;
    one(&mut conn, scope, id).await?;
    let rows = sqlx::query(
        "SELECT at, actor_name, action, from_state, to_state, note FROM contact_sheet_events \
         WHERE sheet_id = $1 ORDER BY at, id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SheetEventRecord {
                at: get_instant(r, "at")?,
                actor_name: get(r, "actor_name")?,
                action: get(r, "action")?,
                from_state: get_opt_parsed(r, "from_state", some(SheetState::parse))?,
                to_state: get_parsed(r, "to_state", some(SheetState::parse))?,
                note: get(r, "note")?,
            })
        })
        .collect()
}

pub async fn act(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    action: &SheetAction,
    sides: Sides,
) -> StoreResult<ContactSheet> {
    let mut tx = db.begin().await?;
    let before = one(&mut tx, scope, id).await?;
    let to =
        transition(before.state, action, sides).map_err(|e| StoreError::Rejected(e.to_string()))?;
    let at = ms(ctx.at);
    let sql = match action {
        SheetAction::Remind { .. } => {
            "UPDATE contact_sheets SET reminders = reminders + 1, updated_at = $1 \
             WHERE id = $2 AND state = $3"
        }
        SheetAction::Answer { .. } => {
            "UPDATE contact_sheets SET state = $4, answer = $5, evidence = $6, answered_at = $1, \
             answered_by = $7, updated_at = $1 WHERE id = $2 AND state = $3"
        }
        SheetAction::Close { .. } | SheetAction::Reopen { .. } => {
            "UPDATE contact_sheets SET state = $4, updated_at = $1 WHERE id = $2 AND state = $3"
        }
    };
    let q = sqlx::query(sql)
        .bind(at)
        .bind(id.to_string())
        .bind(before.state.as_str());
    let q = match action {
        SheetAction::Remind { .. } => q,
        SheetAction::Answer { text, evidence } => q
            .bind(to.as_str())
            .bind(text.trim().to_owned())
            .bind(serde_json::to_string(evidence).map_err(|e| StoreError::Rejected(e.to_string()))?)
            .bind(ctx.actor.username.clone()),
        SheetAction::Close { .. } | SheetAction::Reopen { .. } => q.bind(to.as_str()),
    };
    let changed = q.execute(&mut *tx).await?.rows_affected();
    if changed != 1 {
        return Err(StoreError::Rejected(
            "the sheet changed meanwhile; try again".into(),
        ));
    }
    insert_event(
        &mut tx,
        ctx,
        id,
        action.name(),
        Some(before.state),
        to,
        action.note(),
    )
    .await?;
    let after = one(&mut tx, scope, id).await?;
    let e = audit::entry(
        ctx,
        &format!("contact_sheet.{}", action.name()),
        format!("contact_sheet:{id}"),
        audit::json(&before),
        audit::json(&after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(after)
}

/// Flags an unanswered sheet escalated, once; answers whether it changed.
pub async fn escalate(db: &SqlStore, ctx: &WriteCtx, id: Uuid) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    let changed = sqlx::query(
        "UPDATE contact_sheets SET escalated = 1, escalated_at = $1, updated_at = $1 \
         WHERE id = $2 AND escalated = 0 AND state = 'issued'",
    )
    .bind(ms(ctx.at))
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Ok(false);
    }
    let note = "逾期未回复，已升级督办 (unanswered past its deadline: escalated)";
    insert_event(
        &mut tx,
        ctx,
        id,
        "escalate",
        Some(SheetState::Issued),
        SheetState::Issued,
        note,
    )
    .await?;
    let e = audit::entry(
        ctx,
        "contact_sheet.escalate",
        format!("contact_sheet:{id}"),
        None,
        None,
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(true)
}
