//! Attachments of incidents. The incident must be in the caller's scope for every read and
//! write; a retried upload (same id, same incident) answers the stored record.

use linzhang_domain::Scope;
use linzhang_domain::incident::attachment::MediaType;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::rows::{found, get, get_instant, get_parsed, get_uuid, ms, some};
use super::{SqlStore, audit, incidents};
use crate::attachments::Attachment;
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;

const SELECT: &str = "SELECT id, incident_id, media_type, size_bytes, sha256, object_key, \
    thumbnail_key, width, height, file_name, uploaded_by, uploaded_at FROM incident_attachments";

fn from_row(r: &AnyRow) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: get_uuid(r, "id")?,
        incident_id: get_uuid(r, "incident_id")?,
        media_type: get_parsed(r, "media_type", some(MediaType::parse))?,
        size_bytes: get(r, "size_bytes")?,
        sha256: get(r, "sha256")?,
        object_key: get(r, "object_key")?,
        thumbnail_key: get(r, "thumbnail_key")?,
        width: get(r, "width")?,
        height: get(r, "height")?,
        file_name: get(r, "file_name")?,
        uploaded_by: get(r, "uploaded_by")?,
        uploaded_at: get_instant(r, "uploaded_at")?,
    })
}

async fn by_id(conn: &mut AnyConnection, id: Uuid) -> StoreResult<Option<Attachment>> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Records an attachment of an incident in scope; answers it and whether it was created. The
/// same id on another incident is a conflict.
pub async fn add(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    a: &Attachment,
) -> StoreResult<(Attachment, bool)> {
    if a.size_bytes <= 0 || a.object_key.is_empty() {
        return Err(StoreError::Rejected(
            "an attachment needs its stored bytes".into(),
        ));
    }
    let mut tx = db.begin().await?;
    incidents::in_scope(&mut tx, scope, a.incident_id).await?;
    let inserted = sqlx::query(
        "INSERT INTO incident_attachments (id, incident_id, media_type, size_bytes, sha256, \
         object_key, thumbnail_key, width, height, file_name, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
    )
    .bind(a.id.to_string())
    .bind(a.incident_id.to_string())
    .bind(a.media_type.as_str())
    .bind(a.size_bytes)
    .bind(&a.sha256)
    .bind(&a.object_key)
    .bind(a.thumbnail_key.as_deref())
    .bind(a.width)
    .bind(a.height)
    .bind(a.file_name.as_deref())
    .bind(ctx.actor.username.as_deref())
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let stored = by_id(&mut tx, a.id)
        .await?
        .ok_or(StoreError::not_found("attachment"))?;
    if stored.incident_id != a.incident_id {
        return Err(StoreError::Conflict { what: "attachment" });
    }
    if inserted == 0 {
        return Ok((stored, false));
    }
    let after = serde_json::json!({
        "media_type": a.media_type.as_str(), "size_bytes": a.size_bytes, "sha256": a.sha256,
    });
    let e = audit::entry(
        ctx,
        "incident.attach",
        format!("incident:{}", a.incident_id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((stored, true))
}

/// The attachments of an incident in scope, oldest first.
pub async fn list(db: &SqlStore, scope: &Scope, incident: Uuid) -> StoreResult<Vec<Attachment>> {
    let mut conn = db.pool().acquire().await?;
    incidents::in_scope(&mut conn, scope, incident).await?;
    let sql = format!("{SELECT} WHERE incident_id = $1 ORDER BY uploaded_at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(incident.to_string())
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// One attachment of an incident in scope.
pub async fn one(
    db: &SqlStore,
    scope: &Scope,
    incident: Uuid,
    id: Uuid,
) -> StoreResult<Attachment> {
    let mut conn = db.pool().acquire().await?;
    incidents::in_scope(&mut conn, scope, incident).await?;
    let sql = format!("{SELECT} WHERE id = $1 AND incident_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(incident.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    found(row.as_ref(), from_row, "attachment")
}
