//! Responsibility areas (林长责任区) and their QR codes (一林一码).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use linzhang_domain::public::{mask_phone, named_on_public_page};
use linzhang_domain::{Action, AreaCode, Scope};
use linzhang_store::{NewArea, Shape};

use super::convert::{Labels, parse_grid};
use super::views::{AreaSummary, AreaView, CodeLabel, NewAreaBody, PublicArea, PublicChief};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

fn parse_code(code: &str) -> ApiResult<AreaCode> {
    AreaCode::parse(code).map_err(|e| ApiError::bad_request("invalid_area_code", e.to_string()))
}

/// Create a responsibility area; its code is the grid's next free one.
#[utoipa::path(post, operation_id = "areas_create", path = "/api/v1/areas", tag = "organisation", request_body = NewAreaBody,
    responses((status = 200, body = AreaSummary), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewAreaBody>,
) -> ApiResult<Json<AreaSummary>> {
    caller
        .require(&state, Action::WriteOrg, "area.create")
        .await?;
    let mp = linzhang_geo::multipolygon_from_geojson(&body.boundary)
        .map_err(|e| ApiError::bad_request("invalid_geometry", e.to_string()))?;
    let bbox = linzhang_geo::bbox(&mp)
        .ok_or_else(|| ApiError::bad_request("invalid_geometry", "the boundary is empty"))?;
    let labels = Labels::load(&state, &["resource_type", "ownership"]).await?;
    let known = |table: &str, code: &str| labels.has(table, code);
    if let Some(bad) = body
        .resource_types
        .iter()
        .find(|c| !known("resource_type", c))
    {
        return Err(ApiError::bad_request(
            "unknown_code",
            format!("unknown resource type {bad:?}"),
        ));
    }
    if !known("ownership", &body.ownership) {
        return Err(ApiError::bad_request(
            "unknown_code",
            format!("unknown ownership {:?}", body.ownership),
        ));
    }
    let new = NewArea {
        code: None,
        name: body.name,
        grid_code: parse_grid(&body.grid_code)?,
        boundary: Shape {
            wkb: linzhang_geo::to_wkb(&mp),
            bbox: [bbox.min_x, bbox.min_y, bbox.max_x, bbox.max_y],
            area_m2: linzhang_geo::geodesic_area_m2(&mp),
        },
        four_sides: body.four_sides,
        resource_types: body.resource_types,
        ownership: body.ownership,
        generated: false,
    };
    let a = state
        .store
        .create_area(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    Ok(Json(AreaSummary {
        code: a.code.to_string(),
        name: a.name,
        grid_code: a.grid_code.to_string(),
        area_m2: a.area_m2,
    }))
}

/// A responsibility area with its boundary, 四至, resource types and public URL.
#[utoipa::path(get, operation_id = "areas_detail", path = "/api/v1/areas/{code}", tag = "organisation",
    params(("code" = String, Path, description = "Area code, e.g. LZ320205001001-001")),
    responses((status = 200, body = AreaView), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<AreaView>> {
    caller.require(&state, Action::ReadOrg, "area.read").await?;
    let code = parse_code(&code)?;
    let a = state.store.area(&caller.scope, &code).await?;
    let labels = Labels::load(&state, &["resource_type", "ownership"]).await?;
    let boundary = linzhang_geo::from_wkb(&a.boundary_wkb)
        .map(|mp| linzhang_geo::multipolygon_to_geojson(&mp))
        .map_err(|e| {
            tracing::error!(error = %e, area = %code, "stored boundary unreadable");
            ApiError::internal()
        })?;
    let label = |table: &str, c: &str| CodeLabel {
        code: c.to_owned(),
        name: labels.get(table, c),
    };
    Ok(Json(AreaView {
        public_url: a.code.public_url(&state.config.public_base_url),
        code: a.code.to_string(),
        name: a.name,
        grid_code: a.grid_code.to_string(),
        grid_name: a.grid_name,
        four_sides: a.four_sides,
        area_m2: a.area_m2,
        resource_types: a
            .resource_types
            .iter()
            .map(|c| label("resource_type", c))
            .collect(),
        ownership: label("ownership", &a.ownership),
        boundary,
        generated: a.generated,
    }))
}

/// The public URL of an existing area. QR codes are public (they are printed on sign boards),
/// so no login is needed, but only codes of real areas are drawn.
async fn public_url(state: &AppState, code: &str) -> ApiResult<String> {
    let code = parse_code(code)?;
    let area = state.store.area(&Scope::everything(), &code).await?;
    Ok(area.code.public_url(&state.config.public_base_url))
}

/// The area's QR code as PNG; it encodes `{public_base_url}/p/a/{code}`.
#[utoipa::path(get, operation_id = "areas_qr_png", path = "/api/v1/areas/{code}/qr.png", tag = "organisation",
    params(("code" = String, Path, description = "Area code")),
    responses((status = 200, description = "PNG image", content_type = "image/png"), (status = 404, body = ErrorBody)))]
pub async fn qr_png(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let url = public_url(&state, &code).await?;
    let png = linzhang_raster::qr::png(&url, 8).map_err(|e| {
        tracing::error!(error = %e, "qr png");
        ApiError::internal()
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        png,
    ))
}

/// The area's QR code as SVG.
#[utoipa::path(get, operation_id = "areas_qr_svg", path = "/api/v1/areas/{code}/qr.svg", tag = "organisation",
    params(("code" = String, Path, description = "Area code")),
    responses((status = 200, description = "SVG image", content_type = "image/svg+xml"), (status = 404, body = ErrorBody)))]
pub async fn qr_svg(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let url = public_url(&state, &code).await?;
    let svg = linzhang_raster::qr::svg(&url, 256).map_err(|e| {
        tracing::error!(error = %e, "qr svg");
        ApiError::internal()
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    ))
}

/// The public page of an area (no login): where it is, what it holds, and who answers for it,
/// with phones masked.
#[utoipa::path(get, operation_id = "areas_public", path = "/api/v1/public/areas/{code}", tag = "public",
    params(("code" = String, Path, description = "Area code")),
    responses((status = 200, body = PublicArea), (status = 404, body = ErrorBody)))]
pub async fn public(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<PublicArea>> {
    let all = Scope::everything();
    let code = parse_code(&code)?;
    let area = state.store.area(&all, &code).await?;
    let labels = Labels::load(&state, &["resource_type", "ownership", "post_kind"]).await?;
    let mut grids = state.store.grid_ancestors(&all, &area.grid_code).await?;
    grids.push(state.store.grid(&all, &area.grid_code).await?);
    let mut chiefs = Vec::new();
    for (i, grid) in grids.iter().enumerate().rev() {
        let own_grid = i + 1 == grids.len();
        for p in state.store.posts(&all, &grid.code).await? {
            let named = named_on_public_page(p.post.kind, own_grid);
            let Some(holder) = p.holder.filter(|_| named) else {
                continue;
            };
            chiefs.push(PublicChief {
                grid_name: grid.name.clone(),
                level: grid.level,
                kind_name: labels.get("post_kind", p.post.kind.as_str()),
                title: p.post.title,
                name: holder.person.name,
                phone: mask_phone(&holder.person.phone),
                duties: p.post.duties,
            });
        }
    }
    let label = |table: &str, c: &str| CodeLabel {
        code: c.to_owned(),
        name: labels.get(table, c),
    };
    Ok(Json(PublicArea {
        code: area.code.to_string(),
        name: area.name,
        place: grids.iter().map(|g| g.name.clone()).collect(),
        area_m2: area.area_m2,
        four_sides: area.four_sides,
        resource_types: area
            .resource_types
            .iter()
            .map(|c| label("resource_type", c))
            .collect(),
        ownership: label("ownership", &area.ownership),
        chiefs,
        generated: area.generated,
    }))
}
