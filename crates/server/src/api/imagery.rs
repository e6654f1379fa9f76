//! Imagery scenes (影像) of the one map: list, detail, upload and removal. Tiles are in
//! [`crate::tiles`]'s sibling [`crate::imagery_tiles`].
//!
//! Reading needs what reading layers needs; uploading and removing what importing layers
//! needs. An upload streams to `{data_dir}/imagery/{id}.{ext}` and is registered in place; a
//! file GDAL cannot read as a georeferenced raster is removed again and answered 422.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use linzhang_domain::Action;
use linzhang_ingest::{ImageryRequest, RegisterError, available_modes, register_imagery};
use linzhang_raster::change::{Bands, ChangeError};
use linzhang_raster::imagery::ImageryError;
use linzhang_store::ImageryScene;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{date, instant, parse_uuid};
use super::layers::save;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// A registered scene.
#[derive(Debug, Serialize, ToSchema)]
pub struct SceneView {
    pub id: String,
    pub name: String,
    pub sensor: Option<String>,
    /// `YYYY-MM-DD`.
    pub acquired_on: Option<String>,
    /// Band roles: `red`, `green`, `blue`, `nir`, `swir1`, `swir2` → 1-based band number.
    #[schema(value_type = Object)]
    pub bands: serde_json::Value,
    /// The modes it can be drawn in: `true`, `false`, `ndvi`.
    pub modes: Vec<String>,
    pub crs: String,
    /// The footprint in EPSG:4326: `[min_lon, min_lat, max_lon, max_lat]`.
    pub bounds: [f64; 4],
    pub width: i64,
    pub height: i64,
    /// Pixel size in the units of `crs`.
    pub resolution: f64,
    /// Each band's 2 %–98 % stretch: `[{band, low, high}]`.
    #[schema(value_type = Object)]
    pub stretch: serde_json::Value,
    pub registered_by: String,
    pub registered_at: String,
    /// The tile URL template (`{mode}` is one of `modes`).
    pub tiles: String,
}

fn scene_view(s: &ImageryScene) -> SceneView {
    let bands: Bands = serde_json::to_value(&s.bands)
        .and_then(serde_json::from_value)
        .unwrap_or_default();
    SceneView {
        id: s.id.to_string(),
        name: s.name.clone(),
        sensor: s.sensor.clone(),
        acquired_on: s.acquired_on.map(date),
        bands: serde_json::to_value(&s.bands).unwrap_or_default(),
        modes: available_modes(&bands)
            .into_iter()
            .map(|m| m.key().to_owned())
            .collect(),
        crs: s.crs.clone(),
        bounds: s.bounds,
        width: s.width,
        height: s.height,
        resolution: s.resolution,
        stretch: s.stretch.clone(),
        registered_by: s.registered_by.clone(),
        registered_at: instant(s.registered_at),
        tiles: format!("/tiles/imagery/{}/{{mode}}/{{z}}/{{x}}/{{y}}.png", s.id),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only scenes meeting this lon/lat box: `min_lon,min_lat,max_lon,max_lat`.
    pub bbox: Option<String>,
}

fn parse_bbox(text: &str) -> ApiResult<[f64; 4]> {
    let bad = || ApiError::bad_request("bad_bbox", "bbox must be min_lon,min_lat,max_lon,max_lat");
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    match parts[..] {
        [a, b, c, d] if a <= c && b <= d && parts.iter().all(|v| v.is_finite()) => Ok([a, b, c, d]),
        _ => Err(bad()),
    }
}

/// Registered scenes, newest first (undated last).
#[utoipa::path(get, operation_id = "imagery_list", path = "/api/v1/imagery", tag = "imagery",
    params(ListQuery),
    responses((status = 200, body = [SceneView]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<SceneView>>> {
    caller
        .require(&state, Action::ReadLayers, "read imagery")
        .await?;
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let scenes = state.store.imagery_scenes(bbox).await?;
    Ok(Json(scenes.iter().map(scene_view).collect()))
}

/// One scene.
#[utoipa::path(get, operation_id = "imagery_detail", path = "/api/v1/imagery/{id}", tag = "imagery",
    params(("id" = String, Path, description = "Scene id")),
    responses((status = 200, body = SceneView), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SceneView>> {
    caller
        .require(&state, Action::ReadLayers, "read imagery")
        .await?;
    let id = parse_uuid(&id, "id")?;
    Ok(Json(scene_view(&state.store.imagery_scene(id).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name (its extension is kept: `.tif`, `.img`, `.jp2`…); `scene.tif` by default.
    pub filename: Option<String>,
    /// The scene's name; the file's stem by default.
    pub name: Option<String>,
    /// `Sentinel-2`, `GF-2`, `UAV`…
    pub sensor: Option<String>,
    /// Acquisition date, `YYYY-MM-DD`.
    pub acquired_on: Option<String>,
    /// Band roles, e.g. `red=3,green=2,blue=1,nir=4`; unnamed roles are guessed from band
    /// descriptions, colour interpretation and band count.
    pub bands: Option<String>,
    /// Build overviews when the file has none.
    #[serde(default)]
    pub overviews: bool,
}

/// Upload a scene (the request body: a GeoTIFF or any raster GDAL reads) and register it.
/// Office and admins.
#[utoipa::path(post, operation_id = "imagery_upload", path = "/api/v1/imagery", tag = "imagery",
    params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = SceneView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ImportLayers, "register imagery")
        .await?;
    let bands: Bands = q.bands.as_deref().unwrap_or("").parse().map_err(
        |e: linzhang_raster::change::ChangeError| ApiError::bad_request("bad_bands", e.to_string()),
    )?;
    let acquired_on = q
        .acquired_on
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
        .transpose()
        .map_err(|_| ApiError::bad_request("bad_date", "acquired_on must be YYYY-MM-DD"))?;
    let filename = q.filename.as_deref().unwrap_or("scene.tif");
    let ext = std::path::Path::new(filename)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or("tif")
        .to_ascii_lowercase();
    let stem = std::path::Path::new(filename)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = uuid::Uuid::now_v7();
    let dir = state.config.data_dir.join("imagery");
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(error = %e, dir = %dir.display(), "cannot make the imagery folder");
        ApiError::internal()
    })?;
    let dir = tokio::fs::canonicalize(&dir).await.map_err(|e| {
        tracing::error!(error = %e, "cannot resolve the imagery folder");
        ApiError::internal()
    })?;
    let path = dir.join(format!("{id}.{ext}"));
    if let Err(e) = save(body, &path).await {
        remove_scene_files(&path).await;
        return Err(e);
    }
    let request = ImageryRequest {
        id,
        name: q.name.filter(|n| !n.trim().is_empty()).unwrap_or(stem),
        sensor: q.sensor,
        acquired_on,
        bands,
        overviews: q.overviews,
    };
    let ctx = caller.ctx(&state);
    match register_imagery(state.store.as_ref(), &ctx, &path, &request).await {
        Ok(scene) => Ok((StatusCode::CREATED, Json(scene_view(&scene))).into_response()),
        Err(e) => {
            remove_scene_files(&path).await;
            Err(register_error(e))
        }
    }
}

/// The HTTP answer to a refused registration.
pub(crate) fn register_error(e: RegisterError) -> ApiError {
    match e {
        RegisterError::Imagery(e) => imagery_error(&e),
        RegisterError::Store(e) => e.into(),
        RegisterError::Interrupted(e) => {
            tracing::error!(error = %e, "imagery registration interrupted");
            ApiError::internal()
        }
    }
}

/// 422 with a code per reason, for errors that are about the file or its bands.
pub(crate) fn imagery_error(e: &ImageryError) -> ApiError {
    let code = match e {
        ImageryError::Open { .. } | ImageryError::NoBands { .. } => "not_a_raster",
        ImageryError::NotGeoreferenced { .. } => "not_georeferenced",
        ImageryError::MissingRole { .. } => "missing_band",
        ImageryError::Bands(_) => "bad_bands",
        ImageryError::UnknownMode(_) => return ApiError::bad_request("bad_mode", e.to_string()),
        ImageryError::BadTile(_) => return ApiError::bad_request("bad_tile", e.to_string()),
        ImageryError::Read { .. }
        | ImageryError::Warp(_)
        | ImageryError::Overviews { .. }
        | ImageryError::Encode(_) => {
            tracing::error!(error = %e, "imagery failed");
            return ApiError::internal();
        }
    };
    // Paths on the server's disk are not the client's business.
    let message = match e {
        ImageryError::Open { .. } => "the file is not a raster image GDAL can read".to_owned(),
        ImageryError::NoBands { .. } => "the file has no raster bands".to_owned(),
        ImageryError::NotGeoreferenced { .. } => {
            "the image is not georeferenced (it needs a geotransform and a coordinate system)"
                .to_owned()
        }
        ImageryError::Bands(ChangeError::NoSuchBand { band, count, .. }) => {
            format!("the file has {count} band(s); there is no band {band}")
        }
        other => other.to_string(),
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Removes an uploaded scene and what GDAL wrote beside it (overviews, statistics).
async fn remove_scene_files(path: &std::path::Path) {
    let mut names = vec![path.to_owned()];
    for suffix in [".ovr", ".aux.xml"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        names.push(p.into());
    }
    for p in names {
        // Best effort: a leftover file in the data folder is harmless.
        let _ = tokio::fs::remove_file(&p).await;
    }
}

/// Remove a scene. Its file is deleted too when it was uploaded (it lies in the server's
/// imagery folder); a file registered in place stays where it was. Office and admins.
#[utoipa::path(delete, operation_id = "imagery_delete", path = "/api/v1/imagery/{id}", tag = "imagery",
    params(("id" = String, Path, description = "Scene id")),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::ImportLayers, "remove imagery")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let scene = state.store.delete_imagery(&caller.ctx(&state), id).await?;
    let path = std::path::PathBuf::from(&scene.path);
    let owned = match tokio::fs::canonicalize(state.config.data_dir.join("imagery")).await {
        Ok(dir) => path.parent() == Some(dir.as_path()),
        Err(_) => false,
    };
    if owned {
        remove_scene_files(&path).await;
    }
    Ok(StatusCode::NO_CONTENT)
}
