//! Grids (网格): the four-level tree with materialised paths for scope checks.

use linzhang_domain::grid::child_path;
use linzhang_domain::{GridCode, Level, Scope};
use sqlx::any::AnyRow;

use super::rows::{flag, found, get, get_flag, get_opt_parsed, get_parsed, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::{Grid, NewGrid, WriteCtx};

const COLUMNS: &str = "g.code, g.name, g.level, g.parent_code, g.path, g.area_m2, g.generated, \
    (SELECT COUNT(*) FROM grids c WHERE c.parent_code = g.code) AS child_count";

fn from_row(r: &AnyRow) -> StoreResult<Grid> {
    let depth: i64 = get(r, "level")?;
    Ok(Grid {
        code: get_parsed(r, "code", GridCode::parse)?,
        name: get(r, "name")?,
        level: Level::from_depth(depth)
            .ok_or_else(|| StoreError::Corrupt(format!("grid level {depth}")))?,
        parent_code: get_opt_parsed(r, "parent_code", GridCode::parse)?,
        path: get(r, "path")?,
        child_count: get(r, "child_count")?,
        area_m2: get(r, "area_m2")?,
        generated: get_flag(r, "generated")?,
    })
}

pub async fn create(db: &SqlStore, ctx: &WriteCtx, g: &NewGrid) -> StoreResult<Grid> {
    let mut tx = db.begin().await?;
    let parent_path: Option<String> = match &g.parent {
        Some(parent) => {
            let path: Option<String> = sqlx::query_scalar("SELECT path FROM grids WHERE code = $1")
                .bind(parent.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            Some(path.ok_or(StoreError::not_found("parent grid"))?)
        }
        None => None,
    };
    let path = child_path(parent_path.as_deref(), &g.code);
    let depth = i64::try_from(path.trim_matches('/').split('/').count()).unwrap_or(i64::MAX);
    let level = Level::from_depth(depth)
        .ok_or_else(|| StoreError::Rejected("a grid tree has four levels".into()))?;
    if level != g.code.level() {
        return Err(StoreError::Rejected(format!(
            "grid {} has the shape of a {} code but sits at the {} level",
            g.code,
            g.code.level().as_str(),
            level.as_str()
        )));
    }
    let b = g.boundary.as_ref();
    sqlx::query(
        "INSERT INTO grids (code, parent_code, name, level, path, generated, boundary, \
         min_x, min_y, max_x, max_y, area_m2, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(g.code.as_str())
    .bind(g.parent.as_ref().map(GridCode::as_str))
    .bind(g.name.as_str())
    .bind(level.depth())
    .bind(path.as_str())
    .bind(flag(g.generated))
    .bind(b.map(|s| s.wkb.clone()))
    .bind(b.map(|s| s.bbox[0]))
    .bind(b.map(|s| s.bbox[1]))
    .bind(b.map(|s| s.bbox[2]))
    .bind(b.map(|s| s.bbox[3]))
    .bind(b.map(|s| s.area_m2))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "grid"))?;
    let after = serde_json::json!({
        "code": g.code, "name": g.name, "parent": g.parent, "generated": g.generated,
        "area_m2": b.map(|s| s.area_m2),
    });
    audit::insert(
        &mut tx,
        &audit::entry(
            ctx,
            "grid.create",
            format!("grid:{}", g.code),
            None,
            Some(after),
        ),
    )
    .await?;
    let grid = get_in(&mut tx, &Scope::everything(), &g.code).await?;
    tx.commit().await?;
    Ok(grid)
}

async fn get_in(
    conn: &mut sqlx::AnyConnection,
    scope: &Scope,
    code: &GridCode,
) -> StoreResult<Grid> {
    let sql = format!("SELECT {COLUMNS} FROM grids g WHERE g.code = $1 AND g.path LIKE $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code.as_str())
        .bind(scope.like_pattern())
        .fetch_optional(conn)
        .await?;
    found(row.as_ref(), from_row, "grid")
}

pub async fn one(db: &SqlStore, scope: &Scope, code: &GridCode) -> StoreResult<Grid> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    get_in(&mut conn, scope, code).await
}

pub async fn roots(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<Grid>> {
    let pool = db.pool();
    // The roots of a scope are the in-scope grids whose parent is outside it (or absent).
    let sql = format!(
        "SELECT {COLUMNS} FROM grids g LEFT JOIN grids p ON p.code = g.parent_code \
         WHERE g.path LIKE $1 AND (p.code IS NULL OR p.path NOT LIKE $1) ORDER BY g.code"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .fetch_all(pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn children(db: &SqlStore, scope: &Scope, code: &GridCode) -> StoreResult<Vec<Grid>> {
    let pool = db.pool();
    one(db, scope, code).await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM grids g WHERE g.parent_code = $1 AND g.path LIKE $2 ORDER BY g.code"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code.as_str())
        .bind(scope.like_pattern())
        .fetch_all(pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn ancestors(db: &SqlStore, scope: &Scope, code: &GridCode) -> StoreResult<Vec<Grid>> {
    let grid = one(db, scope, code).await?;
    let codes: Vec<&str> = grid
        .path
        .trim_matches('/')
        .split('/')
        .filter(|c| *c != code.as_str())
        .collect();
    let mut out = Vec::with_capacity(codes.len());
    for c in codes {
        let c =
            GridCode::parse(c).map_err(|_| StoreError::Corrupt(format!("path {}", grid.path)))?;
        match one(db, scope, &c).await {
            Ok(g) => out.push(g),
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

pub async fn boundary(
    db: &SqlStore,
    scope: &Scope,
    code: &GridCode,
) -> StoreResult<Option<Vec<u8>>> {
    let pool = db.pool();
    let row: Option<(Option<Vec<u8>>,)> =
        sqlx::query_as("SELECT boundary FROM grids WHERE code = $1 AND path LIKE $2")
            .bind(code.as_str())
            .bind(scope.like_pattern())
            .fetch_optional(pool)
            .await?;
    row.map(|r| r.0).ok_or(StoreError::not_found("grid"))
}

pub async fn scope_of(db: &SqlStore, code: &GridCode) -> StoreResult<Scope> {
    let pool = db.pool();
    let path: Option<String> = sqlx::query_scalar("SELECT path FROM grids WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(pool)
        .await?;
    path.map(Scope::under).ok_or(StoreError::not_found("grid"))
}

/// The path of an in-scope grid, or not found: the gate for writes attached to a grid.
pub async fn path_in_scope(
    conn: &mut sqlx::AnyConnection,
    scope: &Scope,
    code: &GridCode,
) -> StoreResult<String> {
    let path: Option<String> =
        sqlx::query_scalar("SELECT path FROM grids WHERE code = $1 AND path LIKE $2")
            .bind(code.as_str())
            .bind(scope.like_pattern())
            .fetch_optional(conn)
            .await?;
    path.ok_or(StoreError::not_found("grid"))
}
