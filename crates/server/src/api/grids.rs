//! The grid tree (网格).

use axum::Json;
use axum::extract::{Path, State};
use linzhang_domain::Action;

use super::convert::{self, Labels, parse_grid};
use super::views::{AreaSummary, GridDetail, GridSummary};
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

/// The grids at the top of the caller's scope.
#[utoipa::path(get, operation_id = "grids_roots", path = "/api/v1/grids", tag = "organisation",
    responses((status = 200, body = [GridSummary]), (status = 401, body = ErrorBody)))]
pub async fn roots(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<GridSummary>>> {
    caller.require(&state, Action::ReadOrg, "grid.read").await?;
    let roots = state.store.grid_roots(&caller.scope).await?;
    Ok(Json(roots.iter().map(convert::grid).collect()))
}

/// A grid with its children, posts (with current holders), staff and responsibility areas.
#[utoipa::path(get, operation_id = "grids_detail", path = "/api/v1/grids/{code}", tag = "organisation",
    params(("code" = String, Path, description = "Division code")),
    responses((status = 200, body = GridDetail), (status = 404, description = "No such grid in the caller's scope", body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<GridDetail>> {
    caller.require(&state, Action::ReadOrg, "grid.read").await?;
    let code = parse_grid(&code)?;
    let s = &state.store;
    let grid = s.grid(&caller.scope, &code).await?;
    let labels = Labels::load(&state, &["post_kind", "staff_kind"]).await?;
    let ancestors = s.grid_ancestors(&caller.scope, &code).await?;
    let children = s.grid_children(&caller.scope, &code).await?;
    let posts = s.posts(&caller.scope, &code).await?;
    let staff = s.staff(&caller.scope, &code, false).await?;
    let areas = s.areas(&caller.scope, &code).await?;
    Ok(Json(GridDetail {
        grid: convert::grid(&grid),
        ancestors: ancestors.iter().map(convert::grid).collect(),
        children: children.iter().map(convert::grid).collect(),
        posts: posts.iter().map(|p| convert::post(p, &labels)).collect(),
        staff: staff.iter().map(|x| convert::staff(x, &labels)).collect(),
        areas: areas
            .iter()
            .map(|a| AreaSummary {
                code: a.code.to_string(),
                name: a.name.clone(),
                grid_code: a.grid_code.to_string(),
                area_m2: a.area_m2,
            })
            .collect(),
    }))
}

/// The grid's boundary as a GeoJSON Feature (null geometry when it has none).
#[utoipa::path(get, operation_id = "grids_boundary", path = "/api/v1/grids/{code}/boundary", tag = "organisation",
    params(("code" = String, Path, description = "Division code")),
    responses((status = 200, description = "GeoJSON Feature", body = Object), (status = 404, body = ErrorBody)))]
pub async fn boundary(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(&state, Action::ReadOrg, "grid.read").await?;
    let code = parse_grid(&code)?;
    let grid = state.store.grid(&caller.scope, &code).await?;
    let wkb = state.store.grid_boundary(&caller.scope, &code).await?;
    let geometry = match wkb {
        Some(bytes) => {
            let mp = linzhang_geo::from_wkb(&bytes).map_err(|e| {
                tracing::error!(error = %e, grid = %code, "stored boundary unreadable");
                crate::error::ApiError::internal()
            })?;
            linzhang_geo::multipolygon_to_geojson(&mp)
        }
        None => serde_json::Value::Null,
    };
    Ok(Json(serde_json::json!({
        "type": "Feature",
        "id": grid.code.as_str(),
        "properties": { "code": grid.code.as_str(), "name": grid.name, "level": grid.level.as_str(), "area_m2": grid.area_m2 },
        "geometry": geometry,
    })))
}
