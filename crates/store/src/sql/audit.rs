//! The audit log: appended in the same transaction as the write it records; never updated or
//! deleted through the store (the backends' migrations also forbid it with triggers).

use linzhang_domain::audit::AuditResult;
use linzhang_domain::ids::new_id;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::rows::{get, get_instant, get_opt_json, get_opt_uuid, get_uuid, ms};
use crate::error::StoreResult;
use crate::model::{AuditEntry, AuditFilter, NewAudit, WriteCtx};

/// An audit row for a successful write.
pub fn entry(
    ctx: &WriteCtx,
    action: &str,
    target: impl Into<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> NewAudit {
    NewAudit {
        actor: ctx.actor.clone(),
        at: ctx.at,
        action: action.to_owned(),
        target: Some(target.into()),
        before,
        after,
        result: AuditResult::Ok,
    }
}

/// Serialises a record for the before/after columns.
pub fn json<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

pub async fn insert(conn: &mut AnyConnection, e: &NewAudit) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, username, client_addr, action, target, \
         before_json, after_json, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id().to_string())
    .bind(ms(e.at))
    .bind(e.actor.user_id.map(|u| u.to_string()))
    .bind(e.actor.username.clone())
    .bind(e.actor.client_addr.clone())
    .bind(e.action.clone())
    .bind(e.target.clone())
    .bind(e.before.as_ref().map(ToString::to_string))
    .bind(e.after.as_ref().map(ToString::to_string))
    .bind(e.result.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn append(db: &SqlStore, e: &NewAudit) -> StoreResult<()> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    insert(&mut conn, e).await
}

/// Appends the entries in one transaction.
pub async fn append_all(db: &SqlStore, entries: &[NewAudit]) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for e in entries {
        insert(&mut tx, e).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn list(db: &SqlStore, f: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
    let pool = db.pool();
    let limit = if f.limit <= 0 { 50 } else { f.limit.min(500) };
    let rows = sqlx::query(
        "SELECT id, at, user_id, username, client_addr, action, target, before_json, after_json, \
         result FROM audit_log \
         WHERE ($1 IS NULL OR id < $1) AND ($2 IS NULL OR username = $2) \
           AND ($3 IS NULL OR action = $3) \
         ORDER BY id DESC LIMIT $4",
    )
    .bind(f.before.map(|u| u.to_string()))
    .bind(f.username.clone())
    .bind(f.action.clone())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(r: &AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: get_uuid(r, "id")?,
        at: get_instant(r, "at")?,
        user_id: get_opt_uuid(r, "user_id")?,
        username: get(r, "username")?,
        client_addr: get(r, "client_addr")?,
        action: get(r, "action")?,
        target: get(r, "target")?,
        before: get_opt_json(r, "before_json")?,
        after: get_opt_json(r, "after_json")?,
        result: get(r, "result")?,
    })
}
