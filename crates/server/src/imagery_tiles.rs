//! Raster tiles of imagery scenes: `/tiles/imagery/{id}/{mode}/{z}/{x}/{y}.png`, 256×256 RGBA
//! PNG in Web Mercator, drawn by [`linzhang_raster::imagery::render_tile`] on a blocking
//! thread. A tile that does not meet the scene is 204; an unknown mode is 400, a mode the
//! scene lacks bands for 422. Scenes do not depend on the caller's scope, but reading them
//! needs a login, so tiles are `private` to HTTP caches; the `ETag` is a digest of the bytes and
//! `If-None-Match` answers 304.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linzhang_domain::Action;
use linzhang_raster::imagery::{Mode, render_tile};
use sha2::{Digest, Sha256};

use crate::api::convert::parse_uuid;
use crate::api::imagery::imagery_error;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// One tile of a scene in a mode: `true` (真彩色), `false` (假彩色: NIR, red, green) or `ndvi`.
#[utoipa::path(get, operation_id = "tiles_imagery", path = "/tiles/imagery/{id}/{mode}/{z}/{x}/{y}", tag = "map services",
    params(("id" = String, Path, description = "Scene id"), ("mode" = String, Path, description = "`true`, `false` or `ndvi`"),
        ("z" = u8, Path, description = "Zoom"), ("x" = u32, Path, description = "Column"),
        ("y" = String, Path, description = "Row, with the `.png` suffix")),
    responses((status = 200, description = "256×256 RGBA PNG", content_type = "image/png", body = Vec<u8>),
        (status = 204, description = "The tile does not meet the scene"),
        (status = 304, description = "Not modified"), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn tile(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, mode, zoom, column, row)): Path<(String, String, u8, u32, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read imagery")
        .await?;
    let mode: Mode = mode.parse().map_err(|e| imagery_error(&e))?;
    let row: u32 = row
        .strip_suffix(".png")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::bad_request("bad_tile", "the tile must be {z}/{x}/{y}.png"))?;
    let id = parse_uuid(&id, "id")?;
    let record = state.store.imagery_scene(id).await?;
    let scene = linzhang_ingest::render_scene(&record).ok_or_else(|| {
        tracing::error!(%id, "a stored imagery scene does not read");
        ApiError::internal()
    })?;
    let drawn = tokio::task::spawn_blocking(move || render_tile(&scene, mode, zoom, column, row))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| imagery_error(&e))?;
    let Some(bytes) = drawn else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..16]));
    let mut out = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "image/png")], bytes).into_response()
    };
    let h = out.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(out)
}
