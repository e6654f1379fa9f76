//! Satellite fire hotspots (D3): FIRMS files in, the detections and the fire incidents they
//! raised out.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use chrono::{DateTime, Duration, Utc};
use linzhang_domain::Action;
use linzhang_store::HotspotRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::instant;
use super::layers::parse_bbox;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// A stored detection.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotspotView {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    pub acquired_at: String,
    pub satellite: String,
    pub instrument: String,
    /// 0–100.
    pub confidence: u8,
    pub frp_mw: Option<f64>,
    pub brightness_k: Option<f64>,
    pub daynight: Option<String>,
    /// The village (or deepest grid) it lies in.
    pub grid_code: String,
    /// The land class (地类) of the sub-compartment it lies in.
    pub land_class: Option<String>,
    /// Distance to forest land, m.
    pub forest_distance_m: Option<f64>,
    /// The fire incident it raised or joined.
    pub incident_id: Option<String>,
}

fn view(h: &HotspotRecord) -> HotspotView {
    HotspotView {
        id: h.id.to_string(),
        lon: h.hotspot.lon,
        lat: h.hotspot.lat,
        acquired_at: instant(h.hotspot.acquired_at),
        satellite: h.hotspot.satellite.clone(),
        instrument: h.hotspot.instrument.clone(),
        confidence: h.hotspot.confidence,
        frp_mw: h.hotspot.frp_mw,
        brightness_k: h.hotspot.brightness_k,
        daynight: h.hotspot.daynight.clone(),
        grid_code: h.grid_code.clone(),
        land_class: h.land_class.clone(),
        forest_distance_m: h.forest_distance_m,
        incident_id: h.incident_id.map(|i| i.to_string()),
    }
}

/// A row of the file that could not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadRow {
    /// 1 is the header.
    pub line: u64,
    pub reason: String,
}

/// What an import of detections did.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotspotImportView {
    pub read: u64,
    pub unreadable: Vec<BadRow>,
    /// Outside the city: not kept.
    pub outside: u64,
    /// Stored before: not stored again.
    pub duplicates: u64,
    pub stored: u64,
    /// Of those stored, on or near forest land.
    pub near_forest: u64,
    pub incidents_raised: u64,
    pub incidents_joined: u64,
}

/// Import a NASA FIRMS active-fire CSV (MODIS or VIIRS; the request body). Detections inside
/// the city are stored once; those on or near forest land raise a fire incident, or join the
/// incident of an earlier detection of the same fire. Office and admins.
#[utoipa::path(post, operation_id = "hotspots_import", path = "/api/v1/hotspots/imports", tag = "monitoring",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = HotspotImportView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<HotspotImportView>> {
    caller
        .require(&state, Action::ImportLayers, "import hotspots")
        .await?;
    Ok(Json(ingest(&state, &body).await?))
}

/// Reads a FIRMS CSV and stores its detections (see [`import`]); uploads and the scheduled
/// fetch ([`crate::jobs::fetch_firms`]) both come here.
pub(crate) async fn ingest(state: &AppState, body: &[u8]) -> ApiResult<HotspotImportView> {
    let (rows, bad) = linzhang_ingest::parse_firms(body);
    if rows.is_empty() && !bad.is_empty() {
        return Err(ApiError::bad_request(
            "unreadable_file",
            format!("no row could be read; line {}: {}", bad[0].0, bad[0].1),
        ));
    }
    let r = linzhang_ingest::import_hotspots(state.store.as_ref(), state.clock.now(), rows)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hotspot import failed");
            ApiError::internal()
        })?;
    for id in &r.raised {
        if let Ok(incident) = state
            .store
            .incident(&linzhang_domain::Scope::everything(), *id)
            .await
        {
            crate::notify::incident(
                state,
                &incident,
                linzhang_domain::notice::IncidentEvent::Reported,
            )
            .await;
        }
    }
    Ok(HotspotImportView {
        read: r.read + bad.len() as u64,
        unreadable: bad
            .into_iter()
            .map(|(line, reason)| BadRow { line, reason })
            .collect(),
        outside: r.outside,
        duplicates: r.duplicates,
        stored: r.stored,
        near_forest: r.near_forest,
        incidents_raised: r.incidents_raised,
        incidents_joined: r.incidents_joined,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HotspotQuery {
    /// Detections acquired at or after this instant (RFC 3339); the last 7 days by default.
    pub since: Option<String>,
    /// `minx,miny,maxx,maxy` in degrees.
    pub bbox: Option<String>,
    /// At most 5,000; 500 by default.
    pub limit: Option<i64>,
}

/// Detections in the caller's grids, newest first.
#[utoipa::path(get, operation_id = "hotspots_list", path = "/api/v1/hotspots", tag = "monitoring",
    params(HotspotQuery),
    responses((status = 200, body = [HotspotView]), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<HotspotQuery>,
) -> ApiResult<Json<Vec<HotspotView>>> {
    caller
        .require(&state, Action::ReadLayers, "read hotspots")
        .await?;
    let since = match &q.since {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| ApiError::bad_request("bad_since", "since must be an RFC 3339 instant"))?
            .with_timezone(&Utc),
        None => state.clock.now() - Duration::days(7),
    };
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let limit = q.limit.unwrap_or(500).clamp(0, 5_000);
    let list = state
        .store
        .hotspots(&caller.scope, since, bbox, limit)
        .await?;
    Ok(Json(list.iter().map(view).collect()))
}
