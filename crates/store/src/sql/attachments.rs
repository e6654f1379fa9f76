//! Attachments of incidents (`incident_attachments`) and photos of change spots
//! (`spot_photos`): one table per owner, the same columns but the owner's, the same logic. The
//! owner must be in the caller's scope for every read and write; a retried upload (same id,
//! same owner) answers the stored record.

use linzhang_domain::Scope;
use linzhang_domain::attachment::{MediaType, Owner};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::rows::{found, get, get_instant, get_parsed, get_uuid, ms, some};
use super::{SqlStore, audit, incidents, spots};
use crate::attachments::Attachment;
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;

/// Where an owner's files are recorded.
struct Table {
    name: &'static str,
    owner_column: &'static str,
    /// The audit action of a new file, and the audit target's prefix.
    action: &'static str,
    target: &'static str,
}

fn table(owner: Owner) -> Table {
    match owner {
        Owner::Incident(_) => Table {
            name: "incident_attachments",
            owner_column: "incident_id",
            action: "incident.attach",
            target: "incident",
        },
        Owner::ChangeSpot(_) => Table {
            name: "spot_photos",
            owner_column: "spot_id",
            action: "change_spot.photo",
            target: "change_spot",
        },
    }
}

/// The owner if it is in `scope`, else not found.
async fn owner_in_scope(conn: &mut AnyConnection, scope: &Scope, owner: Owner) -> StoreResult<()> {
    match owner {
        Owner::Incident(id) => incidents::in_scope(conn, scope, id).await.map(drop),
        Owner::ChangeSpot(id) => spots::one_in(conn, scope, id).await.map(drop),
    }
}

fn select(t: &Table) -> String {
    format!(
        "SELECT id, {} AS owner_id, media_type, size_bytes, sha256, object_key, thumbnail_key, \
         width, height, file_name, uploaded_by, uploaded_at FROM {}",
        t.owner_column, t.name
    )
}

fn from_row(r: &AnyRow, owner: fn(Uuid) -> Owner) -> StoreResult<Attachment> {
    Ok(Attachment {
        id: get_uuid(r, "id")?,
        owner: owner(get_uuid(r, "owner_id")?),
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

/// The constructor of an owner of the same kind.
fn kind_of(owner: Owner) -> fn(Uuid) -> Owner {
    match owner {
        Owner::Incident(_) => Owner::Incident,
        Owner::ChangeSpot(_) => Owner::ChangeSpot,
    }
}

async fn by_id(
    conn: &mut AnyConnection,
    owner: Owner,
    id: Uuid,
) -> StoreResult<Option<Attachment>> {
    let sql = format!("{} WHERE id = $1", select(&table(owner)));
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref()
        .map(|r| from_row(r, kind_of(owner)))
        .transpose()
}

/// Records an attachment of an owner in scope; answers it and whether it was created. The
/// same id on another owner is a conflict.
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
    let t = table(a.owner);
    let mut tx = db.begin().await?;
    owner_in_scope(&mut tx, scope, a.owner).await?;
    let sql = format!(
        "INSERT INTO {} (id, {}, media_type, size_bytes, sha256, object_key, thumbnail_key, \
         width, height, file_name, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
        t.name, t.owner_column
    );
    let inserted = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(a.id.to_string())
        .bind(a.owner.id().to_string())
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
    let stored = by_id(&mut tx, a.owner, a.id)
        .await?
        .ok_or(StoreError::not_found("attachment"))?;
    if stored.owner != a.owner {
        return Err(StoreError::Conflict { what: "attachment" });
    }
    if inserted == 0 {
        return Ok((stored, false));
    }
    let after = serde_json::json!({
        "id": a.id.to_string(), "media_type": a.media_type.as_str(), "size_bytes": a.size_bytes,
        "sha256": a.sha256,
    });
    let e = audit::entry(
        ctx,
        t.action,
        format!("{}:{}", t.target, a.owner.id()),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((stored, true))
}

/// The attachments of an owner in scope, oldest first.
pub async fn list(db: &SqlStore, scope: &Scope, owner: Owner) -> StoreResult<Vec<Attachment>> {
    let t = table(owner);
    let mut conn = db.pool().acquire().await?;
    owner_in_scope(&mut conn, scope, owner).await?;
    let sql = format!(
        "{} WHERE {} = $1 ORDER BY uploaded_at, id",
        select(&t),
        t.owner_column
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(owner.id().to_string())
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| from_row(r, kind_of(owner))).collect()
}

/// One attachment of an owner in scope.
pub async fn one(db: &SqlStore, scope: &Scope, owner: Owner, id: Uuid) -> StoreResult<Attachment> {
    let t = table(owner);
    let mut conn = db.pool().acquire().await?;
    owner_in_scope(&mut conn, scope, owner).await?;
    let sql = format!("{} WHERE id = $1 AND {} = $2", select(&t), t.owner_column);
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(owner.id().to_string())
        .fetch_optional(&mut *conn)
        .await?;
    found(row.as_ref(), |r| from_row(r, kind_of(owner)), "attachment")
}
