//! Imagery scenes: public base data, not scoped to grids (every reader of layers sees them).

use sqlx::any::AnyRow;
use uuid::Uuid;

use super::rows::{date, get, get_instant, get_json, get_uuid, ms, parse_date};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::imagery::ImageryScene;
use crate::model::WriteCtx;

const COLUMNS: &str = "id, name, path, sensor, acquired_on, bands, crs, min_x, min_y, max_x, \
                       max_y, width, height, resolution, stretch, registered_by, registered_at";

fn from_row(r: &AnyRow) -> StoreResult<ImageryScene> {
    let acquired: Option<String> = get(r, "acquired_on")?;
    Ok(ImageryScene {
        id: get_uuid(r, "id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        sensor: get(r, "sensor")?,
        acquired_on: acquired.as_deref().map(parse_date).transpose()?,
        bands: get_json(r, "bands")?,
        crs: get(r, "crs")?,
        bounds: [
            get(r, "min_x")?,
            get(r, "min_y")?,
            get(r, "max_x")?,
            get(r, "max_y")?,
        ],
        width: get(r, "width")?,
        height: get(r, "height")?,
        resolution: get(r, "resolution")?,
        stretch: get_json(r, "stretch")?,
        registered_by: get(r, "registered_by")?,
        registered_at: get_instant(r, "registered_at")?,
    })
}

/// Stores the scene; who registered it and when come from `ctx`.
pub async fn register(
    db: &SqlStore,
    ctx: &WriteCtx,
    scene: &ImageryScene,
) -> StoreResult<ImageryScene> {
    let [min_x, min_y, max_x, max_y] = scene.bounds;
    if scene.name.trim().is_empty()
        || !(min_x <= max_x && min_y <= max_y)
        || scene.bounds.iter().any(|v| !v.is_finite())
    {
        return Err(StoreError::Rejected(
            "a scene needs a name and a footprint with min ≤ max".into(),
        ));
    }
    let stored = ImageryScene {
        registered_by: ctx
            .actor
            .username
            .clone()
            .unwrap_or_else(|| "system".into()),
        registered_at: ctx.at,
        ..scene.clone()
    };
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO imagery_scenes (id, name, path, sensor, acquired_on, bands, crs, min_x, \
         min_y, max_x, max_y, width, height, resolution, stretch, registered_by, registered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(stored.id.to_string())
    .bind(&stored.name)
    .bind(&stored.path)
    .bind(stored.sensor.clone())
    .bind(stored.acquired_on.map(date))
    .bind(serde_json::to_string(&stored.bands).map_err(|e| StoreError::Rejected(e.to_string()))?)
    .bind(&stored.crs)
    .bind(min_x)
    .bind(min_y)
    .bind(max_x)
    .bind(max_y)
    .bind(stored.width)
    .bind(stored.height)
    .bind(stored.resolution)
    .bind(stored.stretch.to_string())
    .bind(&stored.registered_by)
    .bind(ms(stored.registered_at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "imagery scene id"))?;
    let e = audit::entry(
        ctx,
        "imagery.register",
        format!("imagery:{}", stored.id),
        None,
        audit::json(&stored),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Scenes by acquisition date (newest first, undated last), then name; only those whose
/// footprint meets `bbox` when given.
pub async fn list(db: &SqlStore, bbox: Option<[f64; 4]>) -> StoreResult<Vec<ImageryScene>> {
    let order =
        "ORDER BY CASE WHEN acquired_on IS NULL THEN 1 ELSE 0 END, acquired_on DESC, name, id";
    let rows = if let Some([x0, y0, x1, y1]) = bbox {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM imagery_scenes WHERE max_x >= $1 AND min_x <= $3 \
             AND max_y >= $2 AND min_y <= $4 {order}"
        )))
        .bind(x0)
        .bind(y0)
        .bind(x1)
        .bind(y1)
        .fetch_all(db.pool())
        .await?
    } else {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM imagery_scenes {order}"
        )))
        .fetch_all(db.pool())
        .await?
    };
    rows.iter().map(from_row).collect()
}

pub async fn one(db: &SqlStore, id: Uuid) -> StoreResult<ImageryScene> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM imagery_scenes WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::not_found("imagery scene"))?;
    from_row(&row)
}

/// Removes the scene's record and answers it (the caller removes the file if it owns it).
pub async fn delete(db: &SqlStore, ctx: &WriteCtx, id: Uuid) -> StoreResult<ImageryScene> {
    let mut tx = db.begin().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM imagery_scenes WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::not_found("imagery scene"))?;
    let scene = from_row(&row)?;
    sqlx::query("DELETE FROM imagery_scenes WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let e = audit::entry(
        ctx,
        "imagery.delete",
        format!("imagery:{id}"),
        audit::json(&scene),
        None,
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(scene)
}
