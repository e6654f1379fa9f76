//! Mapbox Vector Tiles of every layer (B7), with TileJSON, scoped to the caller's grids.
//!
//! `/tiles/{layer}/{z}/{x}/{y}.mvt?year=` answers the features whose boxes meet the tile
//! (grown by the buffer), clipped, simplified and wound by `linzhang_geo::tile`. Tiles depend
//! on the caller's scope, so they are `private` to HTTP caches; the `ETag` is a digest of the
//! bytes, and `If-None-Match` answers 304.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linzhang_domain::Action;
use linzhang_domain::layer::FieldKind;
use linzhang_geo::tile::{TileFeature, TileId, TileLayer, TileOptions, encode_tile};
use linzhang_store::FeatureFilter;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::api::layers::{spec, year_or_latest};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The most features one tile reads; beyond it the tile is refused (zoom in).
const MAX_TILE_FEATURES: i64 = 200_000;

#[derive(Debug, Deserialize, IntoParams)]
pub struct TileQuery {
    /// The survey year; the latest by default.
    pub year: Option<i32>,
}

/// One vector tile of a layer (one MVT layer named after it; feature ids are the features'
/// positions in the answer, `fid` holds the feature id).
#[utoipa::path(get, operation_id = "tiles_tile", path = "/tiles/{layer}/{z}/{x}/{y}", tag = "map services",
    params(("layer" = String, Path, description = "Layer key"), ("z" = u8, Path, description = "Zoom"),
        ("x" = u32, Path, description = "Column"), ("y" = String, Path, description = "Row, with the `.mvt` suffix"), TileQuery),
    responses((status = 200, description = "Mapbox Vector Tile", content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 304, description = "Not modified"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn tile(
    State(state): State<AppState>,
    caller: Caller,
    Path((key, zoom, column, row)): Path<(String, u8, u32, String)>,
    Query(query): Query<TileQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read tiles")
        .await?;
    let l = spec(&key)?;
    let row: u32 = row
        .strip_suffix(".mvt")
        .or_else(|| row.strip_suffix(".pbf"))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::bad_request("bad_tile", "the tile must be {z}/{x}/{y}.mvt"))?;
    let tile = TileId::new(zoom, column, row)
        .map_err(|e| ApiError::bad_request("bad_tile", e.to_string()))?;
    let opts = TileOptions::default();
    let bounds = tile.bounds_lonlat_buffered(opts.buffer, opts.extent);
    let year = match year_or_latest(&state, l.key, query.year).await {
        Ok(y) => y,
        Err(e) if e.code == "layer_empty" => return Ok(StatusCode::NO_CONTENT.into_response()),
        Err(e) => return Err(e),
    };
    let filter = FeatureFilter {
        layer: l.key.into(),
        year,
        bbox: Some([bounds.min_x, bounds.min_y, bounds.max_x, bounds.max_y]),
        properties: vec![],
        limit: MAX_TILE_FEATURES + 1,
        offset: 0,
        after: None,
    };
    let features = state.store.features(&caller.scope, &filter).await?;
    if features.len() > usize::try_from(MAX_TILE_FEATURES).unwrap_or(usize::MAX) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "tile_too_full",
            "the tile holds too many features; zoom in",
        ));
    }
    let name = l.key;
    let bytes = tokio::task::spawn_blocking(move || {
        let decoded: Vec<_> = features
            .into_iter()
            .filter_map(|f| {
                let g = linzhang_geo::geometry_from_wkb(&f.geometry).ok()?;
                let mut props = f.properties;
                props.insert("fid".into(), json!(f.id.to_string()));
                Some((g, props))
            })
            .collect();
        let layer = TileLayer {
            name,
            features: decoded
                .iter()
                .enumerate()
                .map(|(i, (g, p))| TileFeature {
                    id: Some(i as u64),
                    geometry: g,
                    properties: p,
                })
                .collect(),
        };
        encode_tile(tile, &[layer], &opts)
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, "tile encoding failed");
        ApiError::internal()
    })?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..16]));
    let mut out = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile")],
            bytes,
        )
            .into_response()
    };
    let h = out.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(out)
}

/// TileJSON 3.0 of a layer: the tile URL template, zooms, bounds and the fields of its
/// vector layer (`/tiles/{layer}.json`).
#[utoipa::path(get, operation_id = "tiles_tilejson", path = "/tiles/{file}", tag = "map services",
    params(("file" = String, Path, description = "`{layer}.json`"), TileQuery),
    responses((status = 200, description = "TileJSON 3.0.0", body = Object), (status = 404, body = ErrorBody)))]
pub async fn tilejson(
    State(state): State<AppState>,
    caller: Caller,
    Path(file): Path<String>,
    Query(q): Query<TileQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read tiles")
        .await?;
    let key = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::not_found("layer"))?;
    let l = spec(key)?;
    let year = match q.year {
        Some(y) => Some(y),
        None => state.store.layer_years(l.key).await?.last().copied(),
    };
    // Relative to where the client reached us, so that proxies and tests both work.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    let year_q = year.map(|y| format!("?year={y}")).unwrap_or_default();
    let fields: serde_json::Map<String, serde_json::Value> = l
        .fields
        .iter()
        .map(|f| {
            let kind = match f.kind {
                FieldKind::Integer | FieldKind::Real => "Number",
                FieldKind::Text | FieldKind::Code(_) => "String",
            };
            (f.name.to_owned(), json!(kind))
        })
        .chain([("fid".to_owned(), json!("String"))])
        .collect();
    let body = json!({
        "tilejson": "3.0.0",
        "name": l.title_zh,
        "description": l.title_en,
        "version": year.map(|y| y.to_string()),
        "scheme": "xyz",
        "tiles": [format!("{scheme}://{host}/tiles/{}/{{z}}/{{x}}/{{y}}.mvt{year_q}", l.key)],
        "minzoom": 0,
        "maxzoom": 22,
        "bounds": [-180.0, -85.051_128_78, 180.0, 85.051_128_78],
        "vector_layers": [{"id": l.key, "description": l.title_zh, "minzoom": 0, "maxzoom": 22, "fields": fields}],
    });
    Ok(axum::Json(body).into_response())
}
