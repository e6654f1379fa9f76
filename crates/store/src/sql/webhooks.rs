//! Group-chat robots per grid and the delivery log (an outbox: a delivery is stored with the
//! notification and sent by the delivery job, so a crash or an unreachable robot loses nothing).

use std::fmt::Write as _;

use linzhang_domain::webhook::RobotKind;
use linzhang_domain::{GridCode, Scope};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{flag, from_ms, get, get_flag, get_instant, get_parsed, get_uuid, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::webhooks::{Attempt, Delivery, DeliveryState, NewDelivery, Webhook};

const HOOK: &str =
    "w.id, w.grid_code, w.kind, w.name, w.url, w.secret, w.urgent_only, w.created_at";

fn hook(r: &AnyRow) -> StoreResult<Webhook> {
    let kind: String = get(r, "kind")?;
    Ok(Webhook {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        kind: RobotKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?,
        name: get(r, "name")?,
        url: get(r, "url")?,
        secret: get(r, "secret")?,
        urgent_only: get_flag(r, "urgent_only")?,
        created_at: get_instant(r, "created_at")?,
    })
}

const DELIVERY: &str = "d.id, d.webhook_id, d.title, d.payload, d.state, d.attempts, d.next_at, \
                        d.last_error, d.created_at, d.sent_at";

fn delivery(r: &AnyRow) -> StoreResult<Delivery> {
    let state: String = get(r, "state")?;
    let sent: Option<i64> = get(r, "sent_at")?;
    Ok(Delivery {
        id: get_uuid(r, "id")?,
        webhook_id: get_uuid(r, "webhook_id")?,
        title: get(r, "title")?,
        payload: get(r, "payload")?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("state {state}")))?,
        attempts: get(r, "attempts")?,
        next_at: get_instant(r, "next_at")?,
        last_error: get(r, "last_error")?,
        created_at: get_instant(r, "created_at")?,
        sent_at: sent.map(from_ms).transpose()?,
    })
}

pub async fn create(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    w: &Webhook,
) -> StoreResult<Webhook> {
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &w.grid_code).await?;
    sqlx::query(
        "INSERT INTO webhooks (id, grid_code, kind, name, url, secret, urgent_only, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(w.id.to_string())
    .bind(w.grid_code.as_str())
    .bind(w.kind.as_str())
    .bind(&w.name)
    .bind(&w.url)
    .bind(w.secret.clone())
    .bind(flag(w.urgent_only))
    .bind(ms(w.created_at))
    .execute(&mut *tx)
    .await?;
    // The URL carries the robot's key: the audit log records where, not the key.
    let after = serde_json::json!({"grid": w.grid_code, "kind": w.kind.as_str(), "name": w.name,
        "urgent_only": w.urgent_only, "signed": w.secret.is_some()});
    let e = audit::entry(
        ctx,
        "webhook.create",
        format!("webhook:{}", w.id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(w.clone())
}

pub async fn list(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<Webhook>> {
    let sql = format!(
        "SELECT {HOOK} FROM webhooks w JOIN grids g ON g.code = w.grid_code \
         WHERE g.path LIKE $1 ORDER BY g.path, w.name, w.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(hook).collect()
}

pub async fn delete(db: &SqlStore, ctx: &WriteCtx, scope: &Scope, id: Uuid) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let sql = format!(
        "SELECT {HOOK} FROM webhooks w JOIN grids g ON g.code = w.grid_code \
         WHERE w.id = $1 AND g.path LIKE $2"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::not_found("webhook"))?;
    let w = hook(&row)?;
    sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let before = serde_json::json!({"grid": w.grid_code, "kind": w.kind.as_str(), "name": w.name});
    let e = audit::entry(
        ctx,
        "webhook.delete",
        format!("webhook:{id}"),
        Some(before),
        None,
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn at_grids(db: &SqlStore, grids: &[GridCode]) -> StoreResult<Vec<Webhook>> {
    if grids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = format!("SELECT {HOOK} FROM webhooks w WHERE w.grid_code IN (");
    for i in 0..grids.len() {
        let _ = write!(sql, "{}${}", if i == 0 { "" } else { ", " }, i + 1);
    }
    sql.push_str(") ORDER BY w.id");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for g in grids {
        q = q.bind(g.as_str().to_owned());
    }
    q.fetch_all(db.pool()).await?.iter().map(hook).collect()
}

pub async fn enqueue(db: &SqlStore, ctx: &WriteCtx, items: &[NewDelivery]) -> StoreResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for d in items {
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, webhook_id, title, payload, state, attempts, next_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(d.id.to_string())
        .bind(d.webhook_id.to_string())
        .bind(&d.title)
        .bind(&d.payload)
        .bind(DeliveryState::Pending.as_str())
        .bind(ms(ctx.at))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn due(
    db: &SqlStore,
    now: chrono::DateTime<chrono::Utc>,
    limit: i64,
) -> StoreResult<Vec<(Delivery, Webhook)>> {
    let sql = format!(
        "SELECT {DELIVERY}, {HOOK_AS} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.state = $1 AND d.next_at <= $2 ORDER BY d.next_at, d.id LIMIT {}",
        limit.clamp(1, 1_000),
        HOOK_AS = "w.grid_code, w.kind, w.name, w.url, w.secret, w.urgent_only, w.created_at AS hook_created_at"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(DeliveryState::Pending.as_str())
        .bind(ms(now))
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let d = delivery(r)?;
            let kind: String = get(r, "kind")?;
            let w = Webhook {
                id: d.webhook_id,
                grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
                kind: RobotKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?,
                name: get(r, "name")?,
                url: get(r, "url")?,
                secret: get(r, "secret")?,
                urgent_only: get_flag(r, "urgent_only")?,
                created_at: get_instant(r, "hook_created_at")?,
            };
            Ok((d, w))
        })
        .collect()
}

pub async fn record(
    db: &SqlStore,
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
    attempt: &Attempt,
) -> StoreResult<()> {
    let (state, error, next_at, sent_at) = match attempt {
        Attempt::Sent => (DeliveryState::Sent, None, at, Some(ms(at))),
        Attempt::Retry { error, next_at } => {
            (DeliveryState::Pending, Some(error.clone()), *next_at, None)
        }
        Attempt::GaveUp { error } => (DeliveryState::Failed, Some(error.clone()), at, None),
    };
    // Only a pending delivery moves: two senders racing record one outcome.
    let n = sqlx::query(
        "UPDATE webhook_deliveries SET state = $1, attempts = attempts + 1, last_error = $2, \
         next_at = $3, sent_at = $4 WHERE id = $5 AND state = $6",
    )
    .bind(state.as_str())
    .bind(error)
    .bind(ms(next_at))
    .bind(sent_at)
    .bind(id.to_string())
    .bind(DeliveryState::Pending.as_str())
    .execute(db.pool())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::not_found("pending delivery"));
    }
    Ok(())
}

pub async fn deliveries(
    db: &SqlStore,
    scope: &Scope,
    webhook: Uuid,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY} FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         JOIN grids g ON g.code = w.grid_code WHERE d.webhook_id = $1 AND g.path LIKE $2 \
         ORDER BY d.created_at DESC, d.id DESC LIMIT {}",
        limit.clamp(1, 1_000)
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(webhook.to_string())
        .bind(scope.like_pattern())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(delivery).collect()
}
