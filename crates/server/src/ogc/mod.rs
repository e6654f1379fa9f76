//! OGC API – Features, Part 1 (Core, GeoJSON) under `/ogc` (B7): what GDAL's OAPIF driver
//! and QGIS read.
//!
//! Every layer of the one map is a collection per survey year (`subcompartment_2025`), plus the
//! layer's key alone for its latest year (`subcompartment`). Everything answers the caller's
//! grids only, exactly like `/api/v1/layers`: same sessions (bearer token or cookie), same
//! scope filtering in the store, `{code, message}` errors; an item outside the scope is 404.
//!
//! Besides the Part 1 resources the service answers a small OpenAPI 3.0 description
//! (`/ogc/api`, the landing page's `service-desc`), a JSON Schema of each collection's features
//! (`describedby`: GDAL builds its field list from it, so types do not depend on the first
//! page) and its queryables. `resultType=hits` answers the count only (GDAL asks for it when a
//! filter is set). These OGC endpoints are not part of `/api/openapi.json`.

mod collections;
mod items;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use linzhang_domain::Action;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const JSON: &str = "application/json";
const GEOJSON: &str = "application/geo+json";
const SCHEMA_JSON: &str = "application/schema+json";
const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The conformance classes this service implements.
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
];

/// The `/ogc` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/api", get(api))
        .route("/ogc/collections", get(collections::list))
        .route("/ogc/collections/{id}", get(collections::one))
        .route("/ogc/collections/{id}/schema", get(collections::schema))
        .route(
            "/ogc/collections/{id}/queryables",
            get(collections::queryables),
        )
        .route("/ogc/collections/{id}/items", get(items::items))
        .route("/ogc/collections/{id}/items/{feature}", get(items::item))
        // Not the web app's index page: clients must see a JSON 404 under /ogc.
        .route("/ogc/{*rest}", get(no_route))
}

/// `scheme://host/ogc` as the client reached us (through a proxy: `X-Forwarded-Proto`), for
/// the absolute links OGC clients follow.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|s| matches!(*s, "http" | "https"))
        .unwrap_or("http");
    format!("{scheme}://{host}/ogc")
}

fn link(href: impl Into<String>, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href.into(), "rel": rel, "type": kind, "title": title})
}

/// A JSON answer with the given media type.
fn answer(kind: &'static str, body: &impl Serialize) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => ([(header::CONTENT_TYPE, kind)], text).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise an OGC answer");
            ApiError::internal().into_response()
        }
    }
}

/// JSON whose objects keep their keys in the order given (`serde_json::Map` sorts them):
/// GDAL and QGIS show a layer's fields in the order they read them.
#[derive(Debug, Clone)]
enum Doc {
    Value(Value),
    Object(Vec<(String, Doc)>),
}

impl From<Value> for Doc {
    fn from(v: Value) -> Self {
        Self::Value(v)
    }
}

impl Serialize for Doc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(s),
            Self::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// An object of these entries, in this order.
fn object<const N: usize>(entries: [(&str, Doc); N]) -> Doc {
    Doc::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

async fn read_access(state: &AppState, caller: &Caller) -> ApiResult<()> {
    caller
        .require(state, Action::ReadLayers, "read layers")
        .await
}

/// The landing page.
async fn landing(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let base = base_url(&headers);
    let body = json!({
        "title": "林长制一张图 (linzhang)",
        "description": "The layers of the forest-chief one map as OGC API – Features, limited to the caller's grids.",
        "links": [
            link(&base, "self", JSON, "This document"),
            link(format!("{base}/api"), "service-desc", OPENAPI_JSON, "The API definition"),
            link(format!("{base}/conformance"), "conformance", JSON, "Conformance classes"),
            link(format!("{base}/collections"), "data", JSON, "The collections"),
        ],
    });
    Ok(answer(JSON, &body))
}

/// The conformance classes.
async fn conformance(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    Ok(answer(JSON, &json!({ "conformsTo": CONFORMANCE })))
}

/// A small OpenAPI 3.0 description of the service: the collections' item paths with their
/// query parameters (GDAL reads the field parameters to filter on the server, and
/// `resultType` to count).
async fn api(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let base = base_url(&headers);
    let list = collections::all(&state).await?;
    let ok = |what: &str| json!({"200": {"description": what}, "default": {"description": "An error: {code, message}"}});
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/".into(),
        json!({"get": {"summary": "Landing page", "responses": ok("The landing page")}}),
    );
    paths.insert(
        "/conformance".into(),
        json!({"get": {"summary": "Conformance classes", "responses": ok("The conformance classes")}}),
    );
    paths.insert(
        "/collections".into(),
        json!({"get": {"summary": "Collections", "responses": ok("The collections")}}),
    );
    let id_param = json!({"name": "collectionId", "in": "path", "required": true, "schema": {"type": "string"}});
    paths.insert(
        "/collections/{collectionId}".into(),
        json!({"get": {"summary": "A collection", "parameters": [id_param], "responses": ok("The collection")}}),
    );
    paths.insert(
        "/collections/{collectionId}/items/{featureId}".into(),
        json!({"get": {"summary": "A feature", "parameters": [id_param,
            {"name": "featureId", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": ok("A GeoJSON Feature")}}),
    );
    for c in &list {
        let mut params = vec![
            json!({"name": "limit", "in": "query", "required": false,
                "schema": {"type": "integer", "minimum": 1, "maximum": items::MAX_LIMIT, "default": items::DEFAULT_LIMIT}}),
            json!({"name": "offset", "in": "query", "required": false,
                "schema": {"type": "integer", "minimum": 0, "default": 0}}),
            json!({"name": "after", "in": "query", "required": false,
                "description": "The cursor of next links: only features whose id sorts after this one",
                "schema": {"type": "string", "format": "uuid"}}),
            json!({"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}}),
            json!({"name": "datetime", "in": "query", "required": false, "schema": {"type": "string"}}),
            json!({"name": "resultType", "in": "query", "required": false,
                "schema": {"type": "string", "enum": ["results", "hits"], "default": "results"}}),
            json!({"name": "f", "in": "query", "required": false,
                "schema": {"type": "string", "enum": ["json", "geojson"]}}),
        ];
        params.extend(c.layer.fields.iter().map(|f| {
            json!({"name": f.name, "in": "query", "required": false, "description": f.label_en,
                "schema": {"type": collections::json_type(f.kind)}})
        }));
        paths.insert(
            format!("/collections/{}/items", c.id()),
            json!({"get": {"summary": format!("Features of {}", c.id()), "parameters": params,
                "responses": ok("A GeoJSON FeatureCollection")}}),
        );
    }
    let body = json!({
        "openapi": "3.0.3",
        "info": {"title": "linzhang OGC API – Features", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": base}],
        "paths": paths,
    });
    Ok(answer(OPENAPI_JSON, &body))
}

async fn no_route() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "no such OGC API resource",
    )
}
