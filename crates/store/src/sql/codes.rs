//! Versioned code tables: each publication is a new version; old versions stay readable.

use linzhang_domain::codes::{CodeEntry, CodeTable, validate_entries};
use sqlx::any::AnyRow;

use super::rows::{found, get, get_instant, get_json, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::{CodeTableVersion, WriteCtx};

const COLUMNS: &str = "name, version, title_zh, title_en, entries, published_at, published_by";

fn from_row(r: &AnyRow) -> StoreResult<CodeTableVersion> {
    Ok(CodeTableVersion {
        table: CodeTable {
            name: get(r, "name")?,
            title_zh: get(r, "title_zh")?,
            title_en: get(r, "title_en")?,
            entries: get_json::<Vec<CodeEntry>>(r, "entries")?,
        },
        version: get(r, "version")?,
        published_at: get_instant(r, "published_at")?,
        published_by: get(r, "published_by")?,
    })
}

pub async fn current_all(db: &SqlStore) -> StoreResult<Vec<CodeTableVersion>> {
    let pool = db.pool();
    let sql = format!(
        "SELECT {COLUMNS} FROM code_tables c WHERE version = \
         (SELECT MAX(version) FROM code_tables m WHERE m.name = c.name) ORDER BY name"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn one(db: &SqlStore, name: &str, version: Option<i64>) -> StoreResult<CodeTableVersion> {
    let pool = db.pool();
    let sql = format!(
        "SELECT {COLUMNS} FROM code_tables WHERE name = $1 AND version = \
         COALESCE($2, (SELECT MAX(version) FROM code_tables WHERE name = $1))"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(name)
        .bind(version)
        .fetch_optional(pool)
        .await?;
    found(row.as_ref(), from_row, "code table")
}

pub async fn publish(
    db: &SqlStore,
    ctx: &WriteCtx,
    table: &CodeTable,
) -> StoreResult<CodeTableVersion> {
    validate_entries(&table.entries).map_err(|e| StoreError::Rejected(e.to_string()))?;
    if table.name.trim().is_empty() {
        return Err(StoreError::Rejected("a code table needs a name".into()));
    }
    let mut tx = db.begin().await?;
    let current: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM code_tables WHERE name = $1")
            .bind(table.name.as_str())
            .fetch_one(&mut *tx)
            .await?;
    let version = current.unwrap_or(0) + 1;
    let entries =
        serde_json::to_string(&table.entries).map_err(|e| StoreError::Rejected(e.to_string()))?;
    sqlx::query(
        "INSERT INTO code_tables (name, version, title_zh, title_en, entries, published_at, \
         published_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(table.name.as_str())
    .bind(version)
    .bind(table.title_zh.as_str())
    .bind(table.title_en.as_str())
    .bind(entries)
    .bind(ms(ctx.at))
    .bind(ctx.actor.username.clone())
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "code table version"))?;
    let e = audit::entry(
        ctx,
        "code_table.publish",
        format!("code_table:{}@{version}", table.name),
        None,
        audit::json(table),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(CodeTableVersion {
        table: table.clone(),
        version,
        published_at: ctx.at,
        published_by: ctx.actor.username.clone(),
    })
}
