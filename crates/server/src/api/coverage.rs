//! How well a responsibility area (责任区) is patrolled over a period (C1): the share of the area
//! within a distance of the rangers' cleaned tracks, and the number of patrols that came near
//! it against the rule for the area (code table `area_patrol_rule`, `village.month` = 8 by
//! default). Derived from tracks, so only those who may supervise tracks see it.

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::NaiveDate;
use linzhang_domain::patrol::{self, AREA_RULE_TABLE, PatrolKind, Period};
use linzhang_domain::{Action, AreaCode};
use linzhang_geo::geo::{Geometry, MultiPolygon};
use linzhang_geo::track::{FilterRules, TrackPoint, comes_within, coverage, filter, length_m};
use linzhang_store::PatrolFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// Distance from a track that counts as covered, by default (m).
const DEFAULT_WITHIN_M: f64 = 100.0;

#[derive(Debug, Deserialize, IntoParams)]
pub struct CoverageQuery {
    /// A day of the period (YYYY-MM-DD); today by default.
    pub date: Option<String>,
    /// Distance from a track that counts as covered, metres (10–2,000; 100 by default).
    pub within_m: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageView {
    pub area_code: String,
    pub period: Period,
    pub from: String,
    /// Exclusive.
    pub to: String,
    pub within_m: f64,
    /// Share of the area within `within_m` of a track, 0–1.
    pub coverage: f64,
    /// Rangers' patrols of the area's grid in the period that came within `within_m` of it.
    pub patrols: u32,
    /// What the rule asks for the period (none when the table has no rule for the level).
    pub required: Option<u32>,
    pub behind: Option<bool>,
    /// Kilometres walked in those patrols (cleaned tracks).
    pub walked_km: f64,
}

/// Patrol coverage and frequency of a responsibility area over the period of its rule.
#[utoipa::path(get, operation_id = "areas_coverage", path = "/api/v1/areas/{code}/coverage", tag = "patrols",
    params(("code" = String, Path, description = "Area code"), CoverageQuery),
    responses((status = 200, body = CoverageView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn coverage_of_area(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Query(q): Query<CoverageQuery>,
) -> ApiResult<Json<CoverageView>> {
    caller
        .require(&state, Action::SuperviseTracks, "see patrol coverage")
        .await?;
    let code = AreaCode::parse(&code)
        .map_err(|e| ApiError::bad_request("invalid_area_code", e.to_string()))?;
    let within_m = q.within_m.unwrap_or(DEFAULT_WITHIN_M);
    if !(10.0..=2_000.0).contains(&within_m) {
        return Err(ApiError::bad_request(
            "bad_distance",
            "within_m must be 10 to 2000 metres",
        ));
    }
    let day = match &q.date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request("bad_date", "date must be YYYY-MM-DD"))?,
        None => state.today(),
    };
    let area = state.store.area(&caller.scope, &code).await?;
    let table = state.store.code_table(AREA_RULE_TABLE, None).await?;
    let rules = patrol::rules(&table.table);
    let level = area.grid_code.level();
    let rule = rules.iter().find(|r| r.level == level);
    let period = rule.map_or(Period::Month, |r| r.period);
    let (from, to) = period.bounds(day);
    let shape: MultiPolygon<f64> = match linzhang_geo::geometry_from_wkb(&area.boundary_wkb) {
        Ok(Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(Geometry::MultiPolygon(m)) => m,
        _ => {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "no_boundary",
                "the area has no polygon boundary",
            ));
        }
    };
    let filter_by = PatrolFilter {
        kind: Some(PatrolKind::Ranger),
        state: None,
        user_id: None,
        from: Some(state.day_start(from)),
        to: Some(state.day_start(to)),
        limit: 10_000,
    };
    let patrols = state.store.patrols(&caller.scope, &filter_by).await?;
    let mut tracks: Vec<Vec<TrackPoint>> = Vec::new();
    let theirs = patrols
        .iter()
        .filter(|p| patrol::patrols_for_area(&p.grid_code, &area.grid_code));
    for p in theirs {
        let points = super::patrols::raw_track(&state, &caller.scope, p.id).await?;
        let clean = filter(&points, &FilterRules::default()).kept;
        if comes_within(&shape, &clean, within_m) {
            tracks.push(clean);
        }
    }
    let refs: Vec<&[TrackPoint]> = tracks.iter().map(Vec::as_slice).collect();
    let covered = coverage(&shape, &refs, within_m);
    let walked_m: f64 = tracks.iter().map(|t| length_m(t)).sum();
    let done = u32::try_from(tracks.len()).unwrap_or(u32::MAX);
    let standing = rule.map(|r| patrol::compliance(r, done));
    Ok(Json(CoverageView {
        area_code: area.code.to_string(),
        period,
        from: from.to_string(),
        to: to.to_string(),
        within_m,
        coverage: covered,
        patrols: done,
        required: standing.map(|s| s.required),
        behind: standing.map(|s| s.behind),
        walked_km: walked_m / 1_000.0,
    }))
}
