//! Change spots (疑似变化图斑): batches from detected patches, the spots of a batch on the map,
//! statistics by county and status, and field verification that opens a case when illegal.

pub mod export;
pub mod photos;

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use linzhang_domain::change_spot::{CAUSE_TABLE, SpotState, check_verification, incident_kind};
use linzhang_domain::incident::{IncidentSource, Priority};
use linzhang_domain::{Action, Level};
use linzhang_store::{ChangeBatch, ChangeSpot, NewIncident, Verification};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::convert::{instant, parse_uuid};
use super::incidents::deadline_rules;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    pub id: String,
    pub name: String,
    pub before_date: Option<String>,
    pub after_date: Option<String>,
    pub created_at: String,
    /// Spots in the caller's grids, and of those verified.
    pub spots: i64,
    pub verified: i64,
}

fn batch_view(b: &ChangeBatch) -> BatchView {
    BatchView {
        id: b.id.to_string(),
        name: b.name.clone(),
        before_date: b.before_date.clone(),
        after_date: b.after_date.clone(),
        created_at: instant(b.created_at),
        spots: b.spots,
        verified: b.verified,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CreateQuery {
    /// The batch's name, e.g. `2026年第1期`.
    pub name: String,
    /// Smallest spot kept once clipped to forest land, m² (default 1 mu).
    pub min_area_m2: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchCreated {
    pub batch: BatchView,
    pub read: u64,
    pub kept: u64,
    /// Off forest land, outside the city, or too small once clipped.
    pub dropped: u64,
}

/// A batch from the patches of `linzhang detect` (a GeoJSON FeatureCollection, the body):
/// each is clipped to forest land, placed on its village and area, and given the attributes
/// of its sub-compartment. Office and admins.
#[utoipa::path(post, operation_id = "spots_create_batch", path = "/api/v1/change-batches", tag = "monitoring",
    params(CreateQuery), request_body(content = Object, content_type = "application/geo+json"),
    responses((status = 201, body = BatchCreated), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CreateQuery>,
    Json(patches): Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<BatchCreated>)> {
    caller
        .require(&state, Action::ImportLayers, "create change batches")
        .await?;
    if patches["type"] != "FeatureCollection" {
        return Err(ApiError::bad_request(
            "bad_patches",
            "the body must be a GeoJSON FeatureCollection",
        ));
    }
    let (batch, report) = linzhang_ingest::spots_from_patches(
        state.store.as_ref(),
        &q.name,
        &patches,
        q.min_area_m2.unwrap_or(666.7),
    )
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "change batch failed");
        ApiError::internal()
    })?;
    let stored = state
        .store
        .create_change_batch(&caller.ctx(&state), &batch)
        .await?;
    let mut per_grid: BTreeMap<String, (linzhang_domain::GridCode, usize)> = BTreeMap::new();
    for spot in &batch.spots {
        per_grid
            .entry(spot.grid_code.to_string())
            .or_insert_with(|| (spot.grid_code.clone(), 0))
            .1 += 1;
    }
    let grids: Vec<_> = per_grid.into_values().collect();
    crate::notify::spots_dispatched(&state, &stored.name, &grids).await;
    Ok((
        StatusCode::CREATED,
        Json(BatchCreated {
            batch: batch_view(&stored),
            read: report.read,
            kept: report.kept,
            dropped: report.dropped,
        }),
    ))
}

/// Every batch, counting the spots in the caller's grids.
#[utoipa::path(get, operation_id = "spots_batches", path = "/api/v1/change-batches", tag = "monitoring",
    responses((status = 200, body = [BatchView])))]
pub async fn batches(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<BatchView>>> {
    caller
        .require(&state, Action::ReadLayers, "read change spots")
        .await?;
    Ok(Json(
        state
            .store
            .change_batches(&caller.scope)
            .await?
            .iter()
            .map(batch_view)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SpotsQuery {
    /// `pending` or `verified`.
    pub state: Option<String>,
}

fn spot_json(s: &ChangeSpot) -> serde_json::Value {
    let geometry = linzhang_geo::geometry_from_wkb(&s.geometry)
        .ok()
        .map_or(serde_json::Value::Null, |g| {
            json!(geojson::Geometry::from(&g))
        });
    let mut p = s.attributes.clone();
    for (k, v) in [
        ("seq", json!(s.seq)),
        ("state", json!(s.state.as_str())),
        ("grid_code", json!(s.grid_code)),
        ("area_code", json!(s.area_code)),
        ("area_m2", json!(s.area_m2)),
        ("suspected_cause", json!(s.suspected_cause)),
        ("verified_cause", json!(s.verified_cause)),
        ("legal", json!(s.legal)),
        ("permit", json!(s.permit)),
        ("verified_area_m2", json!(s.verified_area_m2)),
        ("note", json!(s.note)),
        ("verified_by", json!(s.verified_by)),
        ("verified_at", json!(s.verified_at.map(instant))),
        ("incident_id", json!(s.incident_id.map(|i| i.to_string()))),
        ("lon", json!(s.lon)),
        ("lat", json!(s.lat)),
    ] {
        p.insert(k.into(), v);
    }
    json!({"type": "Feature", "id": s.id.to_string(), "geometry": geometry, "properties": p})
}

/// A batch's spots in the caller's grids as GeoJSON (for the map and the field app).
#[utoipa::path(get, operation_id = "spots_list", path = "/api/v1/change-batches/{id}/spots", tag = "monitoring",
    params(("id" = String, Path, description = "Batch id"), SpotsQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
        (status = 400, body = ErrorBody)))]
pub async fn spots(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<SpotsQuery>,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read change spots")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let filter = q
        .state
        .as_deref()
        .map(|s| {
            SpotState::parse(s)
                .ok_or_else(|| ApiError::bad_request("bad_state", "state is pending or verified"))
        })
        .transpose()?;
    let list = state.store.change_spots(&caller.scope, id, filter).await?;
    let body = json!({"type": "FeatureCollection", "features": list.iter().map(spot_json).collect::<Vec<_>>()});
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

/// One county's spots of a batch.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CountyStats {
    pub county_code: String,
    pub pending: i64,
    pub verified: i64,
    pub illegal: i64,
    pub area_m2: f64,
}

/// A batch's spots in the caller's grids by county and status.
#[utoipa::path(get, operation_id = "spots_stats", path = "/api/v1/change-batches/{id}/stats", tag = "monitoring",
    params(("id" = String, Path, description = "Batch id")),
    responses((status = 200, body = [CountyStats])))]
pub async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CountyStats>>> {
    caller
        .require(&state, Action::ReadLayers, "read change spots")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let mut by: BTreeMap<String, CountyStats> = BTreeMap::new();
    for s in state.store.change_spots(&caller.scope, id, None).await? {
        let county = linzhang_domain::grid::code_at(&s.grid_path, Level::County)
            .unwrap_or_default()
            .to_owned();
        let e = by.entry(county.clone()).or_insert_with(|| CountyStats {
            county_code: county,
            ..CountyStats::default()
        });
        match s.state {
            SpotState::Pending => e.pending += 1,
            SpotState::Verified => e.verified += 1,
        }
        e.illegal += i64::from(s.legal == Some(false));
        e.area_m2 += s.area_m2;
    }
    Ok(Json(by.into_values().collect()))
}

/// A field verification (外业核实).
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerificationBody {
    /// A code of the `verified_change_cause` table (10 造林更新 … 80 伪变化, 99 其他).
    pub cause: String,
    /// Whether the change is lawful; not needed for a false alarm (80).
    pub legal: Option<bool>,
    /// Approval or felling-permit number.
    pub permit: Option<String>,
    /// The changed area measured in the field, m².
    pub area_m2: Option<f64>,
    #[serde(default)]
    pub note: String,
}

/// Whether the spot is already verified with exactly this finding.
fn same_verification(spot: &ChangeSpot, b: &VerificationBody) -> bool {
    let permit = b.permit.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let area = match (spot.verified_area_m2, b.area_m2) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() < 1e-6,
        _ => false,
    };
    spot.state == SpotState::Verified
        && spot.verified_cause.as_deref() == Some(b.cause.as_str())
        && spot.legal == b.legal
        && spot.permit.as_deref().map(str::trim) == permit
        && area
        && spot.note.as_deref().unwrap_or_default() == b.note
}

/// Record what the field visit found. A change found illegal opens a case (an incident of the
/// matching kind, source satellite) for the spot's grid, linked to the spot. Sending the same
/// finding again is answered with the stored spot and changes nothing (safe to retry); a
/// different finding corrects the earlier one.
#[utoipa::path(post, operation_id = "spots_verify", path = "/api/v1/change-spots/{id}/verification", tag = "monitoring",
    params(("id" = String, Path, description = "Spot id")), request_body = VerificationBody,
    responses((status = 200, description = "The spot as a GeoJSON Feature", body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<VerificationBody>,
) -> ApiResult<Json<serde_json::Value>> {
    caller
        .require(&state, Action::VerifyChangeSpots, "verify change spots")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let spot = state.store.change_spot(&caller.scope, id).await?;
    if same_verification(&spot, &b) {
        // The field app's outbox resends after a lost response: the same finding again is
        // acknowledged with the spot as stored (no second audit entry, no new case).
        return Ok(Json(spot_json(&spot)));
    }
    let causes = state.store.code_table(CAUSE_TABLE, None).await?;
    let known: Vec<&str> = causes
        .table
        .entries
        .iter()
        .map(|e| e.code.as_str())
        .collect();
    check_verification(&b.cause, b.legal, &known)
        .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_verification", m))?;
    let ctx = caller.ctx(&state);
    let mut incident_id = None;
    if b.legal == Some(false) && spot.incident_id.is_none() {
        let kind = incident_kind(&b.cause);
        let cause_name = causes
            .table
            .entry(&b.cause)
            .map_or(b.cause.clone(), |e| e.name_zh.clone());
        let incident = NewIncident {
            id: linzhang_domain::ids::new_id(),
            grid_code: spot.grid_code.clone(),
            kind: kind.into(),
            pest: None,
            source: IncidentSource::Satellite,
            priority: Priority::High,
            title: format!("变化图斑第 {} 号核实为违法{cause_name}", spot.seq),
            description: format!(
                "疑似{}，核实面积 {:.0} 平方米。{}",
                spot.suspected_cause,
                b.area_m2.unwrap_or(spot.area_m2),
                b.note
            ),
            lon: Some(spot.lon),
            lat: Some(spot.lat),
            due: deadline_rules(&state)
                .await?
                .due_within(kind, Priority::High),
        };
        state
            .store
            .report_incident(&ctx, &caller.scope, &incident)
            .await?;
        incident_id = Some(incident.id);
    }
    let v = Verification {
        cause: b.cause,
        legal: b.legal,
        permit: b.permit.filter(|p| !p.trim().is_empty()),
        area_m2: b.area_m2,
        note: b.note,
        incident_id,
    };
    let done = state
        .store
        .verify_change_spot(&ctx, &caller.scope, id, &v)
        .await?;
    Ok(Json(spot_json(&done)))
}
