//! Satellite fire hotspots: each detection stored once, by its dedup key.

use chrono::{DateTime, Utc};
use linzhang_domain::Scope;
use linzhang_domain::hotspot::Hotspot;
use linzhang_domain::ids::new_id;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::rows::{get, get_instant, get_opt_uuid, get_uuid, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::layers::{HotspotRecord, NewHotspot};
use crate::model::WriteCtx;

const COLUMNS: &str = "h.id, h.satellite, h.instrument, h.acquired_at, h.lon, h.lat, h.confidence, \
                       h.confidence_raw, h.frp_mw, h.brightness_k, h.daynight, h.grid_code, \
                       h.land_class, h.forest_distance_m, h.incident_id, h.imported_at";

fn from_row(r: &AnyRow) -> StoreResult<HotspotRecord> {
    let confidence: i64 = get(r, "confidence")?;
    Ok(HotspotRecord {
        id: get_uuid(r, "id")?,
        hotspot: Hotspot {
            lon: get(r, "lon")?,
            lat: get(r, "lat")?,
            acquired_at: get_instant(r, "acquired_at")?,
            satellite: get(r, "satellite")?,
            instrument: get(r, "instrument")?,
            confidence: u8::try_from(confidence)
                .map_err(|_| StoreError::Corrupt("confidence".into()))?,
            confidence_raw: get(r, "confidence_raw")?,
            frp_mw: get(r, "frp_mw")?,
            brightness_k: get(r, "brightness_k")?,
            daynight: get(r, "daynight")?,
        },
        grid_code: get(r, "grid_code")?,
        land_class: get(r, "land_class")?,
        forest_distance_m: get(r, "forest_distance_m")?,
        incident_id: get_opt_uuid(r, "incident_id")?,
        imported_at: get_instant(r, "imported_at")?,
    })
}

/// Stores a hotspot unless the same detection is stored already; answers whether it was new.
pub async fn record(db: &SqlStore, ctx: &WriteCtx, h: &NewHotspot) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    let key = h.hotspot.dedup_key();
    let seen: Option<String> = sqlx::query_scalar("SELECT id FROM hotspots WHERE dedup_key = $1")
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
    if seen.is_some() {
        return Ok(false);
    }
    let id = new_id();
    let s = &h.hotspot;
    sqlx::query(
        "INSERT INTO hotspots (id, dedup_key, satellite, instrument, acquired_at, lon, lat, \
         confidence, confidence_raw, frp_mw, brightness_k, daynight, grid_code, land_class, \
         forest_distance_m, incident_id, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(id.to_string())
    .bind(&key)
    .bind(&s.satellite)
    .bind(&s.instrument)
    .bind(ms(s.acquired_at))
    .bind(s.lon)
    .bind(s.lat)
    .bind(i64::from(s.confidence))
    .bind(&s.confidence_raw)
    .bind(s.frp_mw)
    .bind(s.brightness_k)
    .bind(s.daynight.clone())
    .bind(h.grid_code.as_str())
    .bind(h.land_class.clone())
    .bind(h.forest_distance_m)
    .bind(h.incident_id.map(|i| i.to_string()))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"key": key, "grid": h.grid_code, "incident": h.incident_id,
        "land_class": h.land_class, "confidence": s.confidence, "frp_mw": s.frp_mw});
    let e = audit::entry(
        ctx,
        "hotspot.record",
        format!("hotspot:{id}"),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(true)
}

/// Hotspots in the scope acquired at or after `since` inside a lon/lat box, newest first.
pub async fn list(
    db: &SqlStore,
    scope: &Scope,
    since: DateTime<Utc>,
    bbox: Option<[f64; 4]>,
    limit: i64,
) -> StoreResult<Vec<HotspotRecord>> {
    let [x0, y0, x1, y1] = bbox.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    let sql = format!(
        "SELECT {COLUMNS} FROM hotspots h JOIN grids g ON g.code = h.grid_code \
         WHERE g.path LIKE $1 AND h.acquired_at >= $2 AND h.lon >= $3 AND h.lon <= $4 \
         AND h.lat >= $5 AND h.lat <= $6 ORDER BY h.acquired_at DESC, h.id LIMIT {}",
        limit.max(0)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .bind(ms(since))
        .bind(x0)
        .bind(x1)
        .bind(y0)
        .bind(y1)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// One hotspot in the scope.
pub async fn one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<HotspotRecord> {
    let sql = format!(
        "SELECT {COLUMNS} FROM hotspots h JOIN grids g ON g.code = h.grid_code \
         WHERE h.id = $1 AND g.path LIKE $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::not_found("hotspot"))?;
    from_row(&row)
}
