//! Responsibility areas (林长责任区).

use linzhang_domain::{AreaCode, FourSides, GridCode, Scope};
use sqlx::any::AnyRow;

use super::grids::path_in_scope;
use super::rows::{flag, get, get_flag, get_json, get_parsed, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::{Area, AreaSummary, NewArea, WriteCtx};

fn summary_from_row(r: &AnyRow) -> StoreResult<AreaSummary> {
    Ok(AreaSummary {
        code: get_parsed(r, "code", AreaCode::parse)?,
        name: get(r, "name")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        area_m2: get(r, "area_m2")?,
    })
}

pub async fn create(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    a: &NewArea,
) -> StoreResult<AreaSummary> {
    if a.name.trim().is_empty() {
        return Err(StoreError::Rejected("an area needs a name".into()));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &a.grid_code).await?;
    let max_seq: Option<i64> =
        sqlx::query_scalar("SELECT MAX(seq) FROM areas WHERE grid_code = $1")
            .bind(a.grid_code.as_str())
            .fetch_one(&mut *tx)
            .await?;
    let seq = max_seq.unwrap_or(0) + 1;
    let code = match &a.code {
        Some(code) => code.clone(),
        None => AreaCode::new(
            &a.grid_code,
            u32::try_from(seq).map_err(|_| StoreError::Rejected("too many areas".into()))?,
        ),
    };
    let four_sides =
        serde_json::to_string(&a.four_sides).map_err(|e| StoreError::Rejected(e.to_string()))?;
    let resource_types = serde_json::to_string(&a.resource_types)
        .map_err(|e| StoreError::Rejected(e.to_string()))?;
    let b = &a.boundary;
    sqlx::query(
        "INSERT INTO areas (code, name, grid_code, seq, four_sides, resource_types, ownership, \
         boundary, min_x, min_y, max_x, max_y, area_m2, generated, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(code.as_str())
    .bind(a.name.trim())
    .bind(a.grid_code.as_str())
    .bind(seq)
    .bind(four_sides)
    .bind(resource_types)
    .bind(a.ownership.as_str())
    .bind(b.wkb.clone())
    .bind(b.bbox[0])
    .bind(b.bbox[1])
    .bind(b.bbox[2])
    .bind(b.bbox[3])
    .bind(b.area_m2)
    .bind(flag(a.generated))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "area code"))?;
    let summary = AreaSummary {
        code: code.clone(),
        name: a.name.trim().to_owned(),
        grid_code: a.grid_code.clone(),
        area_m2: b.area_m2,
    };
    let after = serde_json::json!({
        "code": code.as_str(), "name": summary.name, "grid_code": a.grid_code,
        "area_m2": b.area_m2, "four_sides": a.four_sides, "resource_types": a.resource_types,
        "ownership": a.ownership,
    });
    let e = audit::entry(
        ctx,
        "area.create",
        format!("area:{code}"),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(summary)
}

pub async fn one(db: &SqlStore, scope: &Scope, code: &AreaCode) -> StoreResult<Area> {
    let pool = db.pool();
    let row = sqlx::query(
        "SELECT a.code, a.name, a.grid_code, g.name AS grid_name, a.four_sides, a.area_m2, \
         a.resource_types, a.ownership, a.boundary, a.generated \
         FROM areas a JOIN grids g ON g.code = a.grid_code WHERE a.code = $1 AND g.path LIKE $2",
    )
    .bind(code.as_str())
    .bind(scope.like_pattern())
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::not_found("area"))?;
    Ok(Area {
        code: get_parsed(&row, "code", AreaCode::parse)?,
        name: get(&row, "name")?,
        grid_code: get_parsed(&row, "grid_code", GridCode::parse)?,
        grid_name: get(&row, "grid_name")?,
        four_sides: get_json::<FourSides>(&row, "four_sides")?,
        area_m2: get(&row, "area_m2")?,
        resource_types: get_json(&row, "resource_types")?,
        ownership: get(&row, "ownership")?,
        boundary_wkb: get(&row, "boundary")?,
        generated: get_flag(&row, "generated")?,
    })
}

pub async fn list(db: &SqlStore, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<AreaSummary>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    path_in_scope(&mut conn, scope, grid).await?;
    let rows = sqlx::query(
        "SELECT code, name, grid_code, area_m2 FROM areas WHERE grid_code = $1 ORDER BY seq",
    )
    .bind(grid.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(summary_from_row).collect()
}
