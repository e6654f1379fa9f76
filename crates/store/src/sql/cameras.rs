//! Cameras and alarms, scoped by the camera's grid.

use linzhang_domain::{GridCode, Scope};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{get, get_instant, get_opt_uuid, get_parsed, get_uuid, ms};
use super::{SqlStore, audit};
use crate::cameras::{Alarm, Camera, NewAlarm};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;

const CAMERA: &str = "c.id, c.name, c.device_id, c.grid_code, c.lon, c.lat, c.height_m, \
                      c.heading_deg, c.fov_deg, c.range_m, c.stream_url, c.snapshot_url";

fn camera(r: &AnyRow) -> StoreResult<Camera> {
    Ok(Camera {
        id: get_uuid(r, "id")?,
        name: get(r, "name")?,
        device_id: get(r, "device_id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        lon: get(r, "lon")?,
        lat: get(r, "lat")?,
        height_m: get(r, "height_m")?,
        heading_deg: get(r, "heading_deg")?,
        fov_deg: get(r, "fov_deg")?,
        range_m: get(r, "range_m")?,
        stream_url: get(r, "stream_url")?,
        snapshot_url: get(r, "snapshot_url")?,
    })
}

pub async fn create(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    c: &Camera,
) -> StoreResult<Camera> {
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &c.grid_code).await?;
    sqlx::query(
        "INSERT INTO cameras (id, name, device_id, grid_code, lon, lat, height_m, heading_deg, \
         fov_deg, range_m, stream_url, snapshot_url, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(c.id.to_string())
    .bind(&c.name)
    .bind(&c.device_id)
    .bind(c.grid_code.as_str())
    .bind(c.lon)
    .bind(c.lat)
    .bind(c.height_m)
    .bind(c.heading_deg)
    .bind(c.fov_deg)
    .bind(c.range_m)
    .bind(c.stream_url.clone())
    .bind(c.snapshot_url.clone())
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "camera device id"))?;
    let e = audit::entry(
        ctx,
        "camera.create",
        format!("camera:{}", c.id),
        None,
        audit::json(c),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(c.clone())
}

pub async fn list(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<Camera>> {
    let sql = format!(
        "SELECT {CAMERA} FROM cameras c JOIN grids g ON g.code = c.grid_code WHERE g.path LIKE $1 ORDER BY c.name, c.id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(camera).collect()
}

pub async fn one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Camera> {
    let sql = format!(
        "SELECT {CAMERA} FROM cameras c JOIN grids g ON g.code = c.grid_code WHERE c.id = $1 AND g.path LIKE $2"
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::not_found("camera"))?;
    camera(&row)
}

pub async fn record_alarm(db: &SqlStore, ctx: &WriteCtx, a: &NewAlarm) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO camera_alarms (id, camera_id, at, verdict, score, image, state) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
    )
    .bind(a.id.to_string())
    .bind(a.camera_id.to_string())
    .bind(ms(a.at))
    .bind(&a.verdict)
    .bind(a.score)
    .bind(a.image.clone())
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"camera": a.camera_id, "verdict": a.verdict, "score": a.score});
    let e = audit::entry(
        ctx,
        "camera.alarm",
        format!("alarm:{}", a.id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

const ALARM: &str = "a.id, a.camera_id, c.name AS camera_name, c.grid_code, a.at, a.verdict, a.score, \
                     a.state, a.incident_id, a.decided_by";

fn alarm(r: &AnyRow) -> StoreResult<Alarm> {
    Ok(Alarm {
        id: get_uuid(r, "id")?,
        camera_id: get_uuid(r, "camera_id")?,
        camera_name: get(r, "camera_name")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        at: get_instant(r, "at")?,
        verdict: get(r, "verdict")?,
        score: get(r, "score")?,
        state: get(r, "state")?,
        incident_id: get_opt_uuid(r, "incident_id")?,
        decided_by: get(r, "decided_by")?,
    })
}

const ALARM_FROM: &str = "FROM camera_alarms a JOIN cameras c ON c.id = a.camera_id JOIN grids g ON g.code = c.grid_code";

pub async fn alarms(db: &SqlStore, scope: &Scope, state: Option<&str>) -> StoreResult<Vec<Alarm>> {
    let filter = if state.is_some() {
        " AND a.state = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {ALARM} {ALARM_FROM} WHERE g.path LIKE $1{filter} ORDER BY a.at DESC, a.id LIMIT 500"
    );
    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(scope.like_pattern());
    if let Some(s) = state {
        q = q.bind(s.to_owned());
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter().map(alarm).collect()
}

pub async fn alarm_one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<(Alarm, Vec<u8>)> {
    let sql = format!("SELECT {ALARM}, a.image {ALARM_FROM} WHERE a.id = $1 AND g.path LIKE $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::not_found("alarm"))?;
    Ok((alarm(&row)?, get(&row, "image")?))
}

/// Confirms (with the fire incident it opened) or dismisses a pending alarm in the scope.
pub async fn decide(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    incident: Option<Uuid>,
) -> StoreResult<Alarm> {
    let (before, _) = alarm_one(db, scope, id).await?;
    if before.state != "pending" {
        return Err(StoreError::Rejected(format!(
            "the alarm is {} already",
            before.state
        )));
    }
    let state = if incident.is_some() {
        "confirmed"
    } else {
        "dismissed"
    };
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE camera_alarms SET state = $1, incident_id = $2, decided_by = $3, decided_at = $4 WHERE id = $5")
        .bind(state)
        .bind(incident.map(|i| i.to_string()))
        .bind(ctx.actor.username.clone())
        .bind(ms(ctx.at))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let e = audit::entry(
        ctx,
        "camera.alarm_decision",
        format!("alarm:{id}"),
        Some(serde_json::json!({"state": "pending"})),
        Some(serde_json::json!({"state": state, "incident": incident})),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(alarm_one(db, scope, id).await?.0)
}
