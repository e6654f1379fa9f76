//! Task lists (清单化任务): root tasks, breakdowns to child grids, progress reports.

use linzhang_domain::task::{TaskError, check_breakdown, validate};
use linzhang_domain::{GridCode, Scope};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{
    date, found, get, get_date, get_instant, get_json, get_opt_uuid, get_parsed, get_uuid, ms,
};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::tasks::{NewTask, Task, TaskPart, TaskReport};

const SELECT: &str = "SELECT t.id, t.parent_id, t.grid_code, g.name AS grid_name, \
    g.path AS grid_path, t.title, t.kind, t.amount, t.unit, t.deadline, t.meeting_id, \
    t.decision_index, t.issued_by, t.created_at, \
    COALESCE((SELECT SUM(r.amount) FROM task_reports r WHERE r.task_id = t.id), 0.0) AS reported \
    FROM tasks t JOIN grids g ON g.code = t.grid_code";

fn from_row(r: &AnyRow) -> StoreResult<Task> {
    Ok(Task {
        id: get_uuid(r, "id")?,
        parent_id: get_opt_uuid(r, "parent_id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        grid_name: get(r, "grid_name")?,
        grid_path: get(r, "grid_path")?,
        title: get(r, "title")?,
        kind: get(r, "kind")?,
        amount: get(r, "amount")?,
        unit: get(r, "unit")?,
        deadline: get_date(r, "deadline")?,
        meeting_id: get_opt_uuid(r, "meeting_id")?,
        decision_index: get(r, "decision_index")?,
        issued_by: get(r, "issued_by")?,
        created_at: get_instant(r, "created_at")?,
        reported: get(r, "reported")?,
    })
}

fn rejected(e: &TaskError) -> StoreError {
    StoreError::Rejected(e.to_string())
}

pub async fn one(
    conn: impl sqlx::Executor<'_, Database = sqlx::Any>,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<Task> {
    let sql = format!("{SELECT} WHERE t.id = $1 AND g.path LIKE $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(conn)
        .await?;
    found(row.as_ref(), from_row, "task")
}

async fn children(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Vec<Task>> {
    let sql = format!("{SELECT} WHERE t.parent_id = $1 ORDER BY g.path, t.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

async fn insert(conn: &mut AnyConnection, ctx: &WriteCtx, t: &NewTask) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tasks (id, parent_id, grid_code, title, kind, amount, unit, deadline, \
         meeting_id, decision_index, issued_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(t.id.to_string())
    .bind(t.parent_id.map(|p| p.to_string()))
    .bind(t.grid_code.as_str())
    .bind(t.title.trim())
    .bind(&t.kind)
    .bind(t.amount)
    .bind(&t.unit)
    .bind(date(t.deadline))
    .bind(t.meeting_id.map(|m| m.to_string()))
    .bind(t.decision_index)
    .bind(ctx.actor.username.clone())
    .bind(ms(ctx.at))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "task"))?;
    let e = audit::entry(
        ctx,
        "task.create",
        format!("task:{}", t.id),
        None,
        audit::json(t),
    );
    audit::insert(conn, &e).await
}

pub async fn create(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    t: &NewTask,
) -> StoreResult<Task> {
    validate(&t.title, t.amount).map_err(|e| rejected(&e))?;
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &t.grid_code).await?;
    if let Some(meeting) = t.meeting_id {
        let decisions: Option<String> = sqlx::query_scalar(
            "SELECT m.decisions FROM meetings m JOIN grids g ON g.code = m.grid_code \
             WHERE m.id = $1 AND g.path LIKE $2",
        )
        .bind(meeting.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(&mut *tx)
        .await?;
        let decisions: Vec<String> =
            serde_json::from_str(&decisions.ok_or(StoreError::not_found("meeting"))?)
                .map_err(|_| StoreError::Corrupt("meeting decisions".into()))?;
        let index = t.decision_index.unwrap_or(-1);
        if usize::try_from(index).map_or(true, |i| i >= decisions.len()) {
            return Err(StoreError::Rejected(format!(
                "the meeting has no decision {index} (it has {})",
                decisions.len()
            )));
        }
    }
    insert(&mut tx, ctx, t).await?;
    let out = one(&mut *tx, scope, t.id).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn break_down(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    parts: &[TaskPart],
) -> StoreResult<Vec<Task>> {
    let mut tx = db.begin().await?;
    let parent = one(&mut *tx, scope, id).await?;
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM task_reports WHERE task_id = $1")
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    if reports > 0 {
        return Err(rejected(&TaskError::HasProgress));
    }
    let existing = children(&mut tx, id).await?;
    let mut grids: Vec<GridCode> = existing.iter().map(|c| c.grid_code.clone()).collect();
    for p in parts {
        let parent_code: Option<Option<String>> =
            sqlx::query_scalar("SELECT parent_code FROM grids WHERE code = $1")
                .bind(p.grid_code.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if parent_code.flatten().as_deref() != Some(parent.grid_code.as_str()) {
            return Err(rejected(&TaskError::NotAChild(p.grid_code.to_string())));
        }
        if grids.contains(&p.grid_code) {
            return Err(rejected(&TaskError::DuplicateGrid(p.grid_code.to_string())));
        }
        grids.push(p.grid_code.clone());
    }
    let before: Vec<f64> = existing.iter().map(|c| c.amount).collect();
    let amounts: Vec<f64> = parts.iter().map(|p| p.amount).collect();
    check_breakdown(parent.amount, &before, &amounts).map_err(|e| rejected(&e))?;
    for p in parts {
        let child = NewTask {
            id: p.id,
            parent_id: Some(parent.id),
            grid_code: p.grid_code.clone(),
            title: p
                .title
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| parent.title.clone()),
            kind: parent.kind.clone(),
            amount: p.amount,
            unit: parent.unit.clone(),
            deadline: parent.deadline,
            meeting_id: None,
            decision_index: None,
        };
        insert(&mut tx, ctx, &child).await?;
    }
    let out = children(&mut tx, id).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn report(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    r: &TaskReport,
) -> StoreResult<TaskReport> {
    if r.amount <= 0.0 || !r.amount.is_finite() {
        return Err(rejected(&TaskError::NotPositive));
    }
    let mut tx = db.begin().await?;
    one(&mut *tx, scope, r.task_id).await?;
    // The same report again (a phone resending after a lost answer) answers the stored one;
    // the same id for another task is a conflict.
    let earlier = sqlx::query(
        "SELECT id, task_id, amount, note, evidence, reported_at, reported_by FROM task_reports \
         WHERE id = $1",
    )
    .bind(r.id.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = earlier {
        let stored = report_row(&row)?;
        if stored.task_id != r.task_id {
            return Err(StoreError::Conflict {
                what: "progress report",
            });
        }
        return Ok(stored);
    }
    if !children(&mut tx, r.task_id).await?.is_empty() {
        return Err(rejected(&TaskError::BrokenDown));
    }
    let evidence =
        serde_json::to_string(&r.evidence).map_err(|e| StoreError::Rejected(e.to_string()))?;
    sqlx::query(
        "INSERT INTO task_reports (id, task_id, amount, note, evidence, reported_at, reported_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.id.to_string())
    .bind(r.task_id.to_string())
    .bind(r.amount)
    .bind(&r.note)
    .bind(evidence)
    .bind(ms(ctx.at))
    .bind(ctx.actor.username.clone())
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "progress report"))?;
    let stored = TaskReport {
        reported_at: ctx.at,
        reported_by: ctx.actor.username.clone(),
        ..r.clone()
    };
    let e = audit::entry(
        ctx,
        "task.progress",
        format!("task:{}", r.task_id),
        None,
        audit::json(&stored),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(stored)
}

pub async fn list(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<Task>> {
    let sql = format!("{SELECT} WHERE g.path LIKE $1 ORDER BY g.path, t.deadline, t.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn reports(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Vec<TaskReport>> {
    one(db.pool(), scope, id).await?;
    let rows = sqlx::query(
        "SELECT id, task_id, amount, note, evidence, reported_at, reported_by FROM task_reports \
         WHERE task_id = $1 ORDER BY reported_at, id",
    )
    .bind(id.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(report_row).collect()
}

fn report_row(r: &sqlx::any::AnyRow) -> StoreResult<TaskReport> {
    Ok(TaskReport {
        id: get_uuid(r, "id")?,
        task_id: get_uuid(r, "task_id")?,
        amount: get(r, "amount")?,
        note: get(r, "note")?,
        evidence: get_json(r, "evidence")?,
        reported_at: get_instant(r, "reported_at")?,
        reported_by: get(r, "reported_by")?,
    })
}
