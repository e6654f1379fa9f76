//! Change spots in batches, scoped by the grid each lies in.

use linzhang_domain::change_spot::SpotState;
use linzhang_domain::{GridCode, Scope};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::rows::{flag, from_ms, get, get_instant, get_opt_uuid, get_parsed, get_uuid, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::spots::{ChangeBatch, ChangeSpot, NewChangeBatch, Verification};

const COLUMNS: &str = "s.id, s.batch_id, s.seq, s.geometry, s.lon, s.lat, s.area_m2, s.grid_code, \
                       g.path AS grid_path, s.area_code, s.suspected_cause, s.attributes, s.state, \
                       s.verified_cause, s.legal, s.permit, s.verified_area_m2, s.note, \
                       s.verified_by, s.verified_at, s.incident_id";
const FROM: &str = "FROM change_spots s JOIN grids g ON g.code = s.grid_code";

fn from_row(r: &AnyRow) -> StoreResult<ChangeSpot> {
    let attributes: String = get(r, "attributes")?;
    let legal: Option<i64> = get(r, "legal")?;
    let verified_at: Option<i64> = get(r, "verified_at")?;
    Ok(ChangeSpot {
        id: get_uuid(r, "id")?,
        batch_id: get_uuid(r, "batch_id")?,
        seq: get(r, "seq")?,
        geometry: get(r, "geometry")?,
        lon: get(r, "lon")?,
        lat: get(r, "lat")?,
        area_m2: get(r, "area_m2")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        grid_path: get(r, "grid_path")?,
        area_code: get(r, "area_code")?,
        suspected_cause: get(r, "suspected_cause")?,
        attributes: serde_json::from_str(&attributes)
            .map_err(|_| StoreError::Corrupt("spot attributes".into()))?,
        state: get_parsed(r, "state", |s| SpotState::parse(s).ok_or(()))?,
        verified_cause: get(r, "verified_cause")?,
        legal: legal.map(|l| l != 0),
        permit: get(r, "permit")?,
        verified_area_m2: get(r, "verified_area_m2")?,
        note: get(r, "note")?,
        verified_by: get(r, "verified_by")?,
        verified_at: verified_at.map(from_ms).transpose()?,
        incident_id: get_opt_uuid(r, "incident_id")?,
    })
}

pub async fn create_batch(
    db: &SqlStore,
    ctx: &WriteCtx,
    b: &NewChangeBatch,
) -> StoreResult<ChangeBatch> {
    if b.name.trim().is_empty() {
        return Err(StoreError::Rejected("a batch needs a name".into()));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO change_batches (id, name, before_date, after_date, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(b.id.to_string())
    .bind(b.name.trim())
    .bind(b.before_date.clone())
    .bind(b.after_date.clone())
    .bind(ctx.actor.user_id.map(|u| u.to_string()))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "change batch"))?;
    for (seq, s) in (1_i64..).zip(&b.spots) {
        sqlx::query(
            "INSERT INTO change_spots (id, batch_id, seq, geometry, lon, lat, area_m2, grid_code, \
             area_code, suspected_cause, attributes, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(s.id.to_string())
        .bind(b.id.to_string())
        .bind(seq)
        .bind(s.geometry.clone())
        .bind(s.lon)
        .bind(s.lat)
        .bind(s.area_m2)
        .bind(s.grid_code.as_str())
        .bind(s.area_code.clone())
        .bind(&s.suspected_cause)
        .bind(serde_json::Value::Object(s.attributes.clone()).to_string())
        .bind(SpotState::Pending.as_str())
        .execute(&mut *tx)
        .await?;
    }
    let after = serde_json::json!({"name": b.name, "spots": b.spots.len(), "before": b.before_date, "after": b.after_date});
    let e = audit::entry(
        ctx,
        "change_batch.create",
        format!("change_batch:{}", b.id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    let spots = i64::try_from(b.spots.len()).unwrap_or(i64::MAX);
    Ok(ChangeBatch {
        id: b.id,
        name: b.name.trim().to_owned(),
        before_date: b.before_date.clone(),
        after_date: b.after_date.clone(),
        created_at: ctx.at,
        spots,
        verified: 0,
    })
}

/// Every batch, with the number of its spots (and of those verified) in the scope.
pub async fn batches(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<ChangeBatch>> {
    let rows = sqlx::query(
        "SELECT b.id, b.name, b.before_date, b.after_date, b.created_at, \
         (SELECT COUNT(*) FROM change_spots s JOIN grids g ON g.code = s.grid_code \
          WHERE s.batch_id = b.id AND g.path LIKE $1) AS spots, \
         (SELECT COUNT(*) FROM change_spots s JOIN grids g ON g.code = s.grid_code \
          WHERE s.batch_id = b.id AND g.path LIKE $1 AND s.state = 'verified') AS verified \
         FROM change_batches b ORDER BY b.created_at DESC, b.id",
    )
    .bind(scope.like_pattern())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChangeBatch {
                id: get_uuid(r, "id")?,
                name: get(r, "name")?,
                before_date: get(r, "before_date")?,
                after_date: get(r, "after_date")?,
                created_at: get_instant(r, "created_at")?,
                spots: get(r, "spots")?,
                verified: get(r, "verified")?,
            })
        })
        .collect()
}

/// The spots of a batch in the scope, in batch order.
pub async fn spots(
    db: &SqlStore,
    scope: &Scope,
    batch: Uuid,
    state: Option<SpotState>,
) -> StoreResult<Vec<ChangeSpot>> {
    let mut sql = format!("SELECT {COLUMNS} {FROM} WHERE s.batch_id = $1 AND g.path LIKE $2");
    if state.is_some() {
        sql.push_str(" AND s.state = $3");
    }
    sql.push_str(" ORDER BY s.seq");
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(batch.to_string())
        .bind(scope.like_pattern());
    if let Some(s) = state {
        q = q.bind(s.as_str());
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

pub(super) async fn one_in(
    conn: &mut sqlx::AnyConnection,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<ChangeSpot> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE s.id = $1 AND g.path LIKE $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::not_found("change spot"))?;
    from_row(&row)
}

pub async fn one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<ChangeSpot> {
    let mut conn = db.pool().acquire().await?;
    one_in(&mut conn, scope, id).await
}

/// Records the field verification of a spot in the scope (a spot is verified once; a second
/// verification replaces the first and the audit log keeps both).
pub async fn verify(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    v: &Verification,
) -> StoreResult<ChangeSpot> {
    let mut tx = db.begin().await?;
    let before = one_in(&mut tx, scope, id).await?;
    sqlx::query(
        "UPDATE change_spots SET state = $1, verified_cause = $2, legal = $3, permit = $4, \
         verified_area_m2 = $5, note = $6, verified_by = $7, verified_at = $8, \
         incident_id = COALESCE($9, incident_id) WHERE id = $10",
    )
    .bind(SpotState::Verified.as_str())
    .bind(&v.cause)
    .bind(v.legal.map(flag))
    .bind(v.permit.clone())
    .bind(v.area_m2)
    .bind(&v.note)
    .bind(ctx.actor.username.clone())
    .bind(ms(ctx.at))
    .bind(v.incident_id.map(|i| i.to_string()))
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({"cause": v.cause, "legal": v.legal, "permit": v.permit,
        "area_m2": v.area_m2, "note": v.note, "incident": v.incident_id});
    let prior = serde_json::json!({"state": before.state.as_str(), "cause": before.verified_cause, "legal": before.legal});
    let e = audit::entry(
        ctx,
        "change_spot.verify",
        format!("change_spot:{id}"),
        Some(prior),
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    let spot = one_in(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(spot)
}
