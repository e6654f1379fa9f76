//! The one map's layers: catalogue, imports (upload and withdraw), features as GeoJSON.

pub mod export;
pub mod stats;
pub mod views;

use std::collections::HashMap;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use linzhang_domain::Action;
use linzhang_domain::layer::{self, LayerSpec};
use linzhang_geo::gis::ReadOptions;
use linzhang_ingest::{ImportReport, ImportTarget};
use linzhang_store::{Feature, FeatureFilter, LayerImport};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use utoipa::IntoParams;

use self::views::{ImportReportView, ImportView, LayerView, RejectionView, WarningView};
use super::convert::{instant, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The layer with this key, or 404.
pub(crate) fn spec(key: &str) -> ApiResult<&'static LayerSpec> {
    layer::layer(key).ok_or_else(|| ApiError::not_found("layer"))
}

/// The requested survey year, or the layer's latest; 404 when the layer holds nothing.
pub(crate) async fn year_or_latest(
    state: &AppState,
    key: &str,
    year: Option<i32>,
) -> ApiResult<i32> {
    if let Some(y) = year {
        return Ok(y);
    }
    let years = state.store.layer_years(key).await?;
    years.last().copied().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "layer_empty",
            format!("layer {key} holds no data yet"),
        )
    })
}

fn import_view(i: &LayerImport) -> ImportView {
    ImportView {
        id: i.id.to_string(),
        layer: i.layer.clone(),
        year: i.year,
        source: i.source.clone(),
        srs: i.srs.clone(),
        features: i.features,
        warnings: i.warnings,
        created_at: instant(i.created_at),
    }
}

/// Every layer of the one map, with its schema and survey years.
#[utoipa::path(get, operation_id = "layers_catalogue", path = "/api/v1/layers", tag = "layers",
    responses((status = 200, body = [LayerView]), (status = 401, body = ErrorBody)))]
pub async fn catalogue(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<LayerView>>> {
    caller
        .require(&state, Action::ReadLayers, "read layers")
        .await?;
    let mut out = Vec::new();
    for l in layer::LAYERS {
        out.push(LayerView {
            key: l.key.into(),
            title_zh: l.title_zh.into(),
            title_en: l.title_en.into(),
            geometry: l.geometry,
            fields: l.fields.to_vec(),
            dimensions: l.dimensions.iter().map(|d| d.key().to_owned()).collect(),
            years: state.store.layer_years(l.key).await?,
        });
    }
    Ok(Json(out))
}

/// The imports of a layer made within the caller's grids, newest first.
#[utoipa::path(get, operation_id = "layers_imports", path = "/api/v1/layers/{layer}/imports", tag = "layers",
    params(("layer" = String, Path, description = "Layer key")),
    responses((status = 200, body = [ImportView]), (status = 404, body = ErrorBody)))]
pub async fn imports(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> ApiResult<Json<Vec<ImportView>>> {
    caller
        .require(&state, Action::ReadLayers, "read layers")
        .await?;
    let l = spec(&key)?;
    let list = state.store.layer_imports(&caller.scope, l.key).await?;
    Ok(Json(list.iter().map(import_view).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name; its extension tells the format (`.zip` for a zipped Shapefile,
    /// `.gpkg`, `.geojson`, `.kml`, `.csv`, `.gdb.zip`…).
    pub filename: String,
    /// The survey year; this year by default.
    pub year: Option<i32>,
    /// The source CRS when the file states none or a wrong one (`EPSG:4549`).
    pub srs: Option<String>,
    /// A Shapefile's attribute encoding when it has no `.cpg` (`CP936`).
    pub encoding: Option<String>,
    /// Remove the GCJ-02 offset.
    #[serde(default)]
    pub gcj02: bool,
    /// The layer of a multi-layer source.
    pub source_layer: Option<String>,
}

/// Import a GIS file (the request body) into a layer: every feature or none. Office and
/// admins; features must lie in the caller's grids.
#[utoipa::path(post, operation_id = "layers_upload", path = "/api/v1/layers/{layer}/imports", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ImportReportView), (status = 422, body = ImportReportView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ImportLayers, "import layers")
        .await?;
    let l = spec(&key)?;
    let name = std::path::Path::new(&q.filename)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| n.contains('.'))
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_filename",
                "filename must be a file name with an extension",
            )
        })?
        .to_owned();
    let dir = tempfile::tempdir().map_err(|e| {
        tracing::error!(error = %e, "cannot make a temporary folder");
        ApiError::internal()
    })?;
    let path = dir.path().join(&name);
    save(body, &path).await?;
    let target = ImportTarget {
        layer: l.key.into(),
        year: q.year.unwrap_or_else(|| state.clock.now().year()),
        source: name,
    };
    let opts = ReadOptions {
        source_srs: q.srs,
        encoding: q.encoding,
        gcj02: q.gcj02,
        layer: q.source_layer,
    };
    let ctx = caller.ctx(&state);
    let report = linzhang_ingest::import_file(
        state.store.as_ref(),
        &ctx,
        &caller.scope,
        &target,
        &path,
        &opts,
    )
    .await
    .map_err(|e| match e {
        linzhang_ingest::IngestError::Read(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_file",
            e.to_string(),
        ),
        linzhang_ingest::IngestError::UnknownLayer(_) => ApiError::not_found("layer"),
        linzhang_ingest::IngestError::Store(e) => e.into(),
        linzhang_ingest::IngestError::Interrupted(e) => {
            tracing::error!(error = %e, "import interrupted");
            ApiError::internal()
        }
    })?;
    let status = if report.import.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report_view(&report))).into_response())
}

/// Streams the request body into a file, so large uploads never sit in memory.
pub(crate) async fn save(body: Body, path: &std::path::Path) -> ApiResult<()> {
    use futures_util::StreamExt;
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "cannot store an upload");
        ApiError::internal()
    };
    let mut file = tokio::fs::File::create(path).await.map_err(io)?;
    let mut stream = body.into_data_stream();
    let mut size = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("upload_failed", e.to_string()))?;
        size += chunk.len();
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.sync_all().await.map_err(io)?;
    if size == 0 {
        return Err(ApiError::bad_request(
            "empty_upload",
            "the request body is empty",
        ));
    }
    Ok(())
}

fn report_view(r: &ImportReport) -> ImportReportView {
    let refused = r.import.is_none();
    ImportReportView {
        code: refused.then(|| "import_rejected".to_owned()),
        message: refused.then(|| {
            if r.rejected_total > 0 {
                format!(
                    "{} of {} features are not acceptable; nothing was imported",
                    r.rejected_total, r.read
                )
            } else {
                "the file holds no features; nothing was imported".to_owned()
            }
        }),
        import: r.import.as_ref().map(import_view),
        driver: r.driver.clone(),
        srs: r.srs.clone(),
        read: r.read,
        accepted: r.accepted,
        rejected: r
            .rejected
            .iter()
            .map(|x| RejectionView {
                index: x.index,
                code: x.code.clone(),
                reason: x.reason.clone(),
            })
            .collect(),
        rejected_total: r.rejected_total,
        warnings: r
            .warnings
            .iter()
            .map(|w| WarningView {
                index: w.index,
                field: w.field.clone(),
                value: w.value.clone(),
                reason: w.reason.clone(),
            })
            .collect(),
        warnings_total: r.warnings_total,
    }
}

/// Withdraw an import: its features leave the layer and the statistics are rebuilt.
#[utoipa::path(delete, operation_id = "layers_withdraw", path = "/api/v1/layers/{layer}/imports/{id}", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), ("id" = String, Path, description = "Import id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path((key, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::ImportLayers, "withdraw imports")
        .await?;
    spec(&key)?;
    let id = parse_uuid(&id, "id")?;
    state
        .store
        .withdraw_import(&caller.ctx(&state), &caller.scope, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A stored feature as a GeoJSON Feature.
pub(crate) fn feature_json(f: &Feature) -> Value {
    let geometry = linzhang_geo::geometry_from_wkb(&f.geometry)
        .ok()
        .map_or(Value::Null, |g| json!(geojson::Geometry::from(&g)));
    json!({"type": "Feature", "id": f.id.to_string(), "geometry": geometry, "properties": f.properties})
}

/// Parses `minx,miny,maxx,maxy`.
pub(crate) fn parse_bbox(text: &str) -> ApiResult<[f64; 4]> {
    let v: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad_bbox())?;
    match v[..] {
        [x0, y0, x1, y1] if x0 <= x1 && y0 <= y1 && v.iter().all(|n| n.is_finite()) => {
            Ok([x0, y0, x1, y1])
        }
        _ => Err(bad_bbox()),
    }
}

fn bad_bbox() -> ApiError {
    ApiError::bad_request("bad_bbox", "bbox must be minx,miny,maxx,maxy in degrees")
}

/// The property filters among query parameters: any parameter named after a field.
pub(crate) fn property_filters(
    l: &LayerSpec,
    params: &HashMap<String, String>,
) -> Vec<(String, String)> {
    let mut out: Vec<_> = params
        .iter()
        .filter_map(|(k, v)| {
            l.fields
                .iter()
                .find(|f| f.name == k)
                .map(|f| (f.name.to_owned(), v.clone()))
        })
        .collect();
    out.sort();
    out
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeaturesQuery {
    /// The survey year; the latest by default.
    pub year: Option<i32>,
    /// `minx,miny,maxx,maxy` in degrees.
    pub bbox: Option<String>,
    /// At most 10,000; 100 by default.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Features of a layer in the caller's grids as GeoJSON; any field name is also a filter
/// (`?di_lei=0111`).
#[utoipa::path(get, operation_id = "layers_features", path = "/api/v1/layers/{layer}/features", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), FeaturesQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json", body = Object),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn features(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Query(q): Query<FeaturesQuery>,
    Query(all): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read layers")
        .await?;
    let l = spec(&key)?;
    let filter = FeatureFilter {
        layer: l.key.into(),
        year: year_or_latest(&state, l.key, q.year).await?,
        bbox: q.bbox.as_deref().map(parse_bbox).transpose()?,
        properties: property_filters(l, &all),
        limit: q.limit.unwrap_or(100).clamp(0, 10_000),
        offset: q.offset.unwrap_or(0).max(0),
        after: None,
    };
    let list = state.store.features(&caller.scope, &filter).await?;
    let matched = state.store.feature_count(&caller.scope, &filter).await?;
    let body = json!({
        "type": "FeatureCollection",
        "numberMatched": matched,
        "numberReturned": list.len(),
        "features": list.iter().map(feature_json).collect::<Vec<_>>(),
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}

/// One feature as GeoJSON, with the grids and responsibility areas it overlaps
/// (`placement.grids`: leaf grid path and overlap m²; `placement.areas`: code and overlap m²).
#[utoipa::path(get, operation_id = "layers_feature", path = "/api/v1/layers/{layer}/features/{id}", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), ("id" = String, Path, description = "Feature id")),
    responses((status = 200, description = "GeoJSON Feature", content_type = "application/geo+json", body = Object),
        (status = 404, body = ErrorBody)))]
pub async fn feature(
    State(state): State<AppState>,
    caller: Caller,
    Path((key, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read layers")
        .await?;
    let l = spec(&key)?;
    let id = parse_uuid(&id, "id")?;
    let (f, placement) = state.store.feature(&caller.scope, id).await?;
    if f.layer != l.key {
        return Err(ApiError::not_found("feature"));
    }
    let mut body = feature_json(&f);
    body["year"] = json!(f.year);
    body["area_m2"] = json!(f.area_m2);
    body["volume_m3"] = json!(f.volume_m3);
    body["placement"] = json!({
        "grids": placement.grids.iter().map(|(p, m2)| json!({"path": p, "overlap_m2": m2})).collect::<Vec<_>>(),
        "areas": placement.areas.iter().map(|(c, m2)| json!({"code": c, "overlap_m2": m2})).collect::<Vec<_>>(),
    });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    )
        .into_response())
}
