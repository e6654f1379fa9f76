//! The collections: one per layer and survey year, plus each layer's latest year.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use linzhang_domain::layer::{self, FieldKind, LayerSpec};
use serde_json::{Value, json};

use super::{CRS84, Doc, GEOJSON, JSON, SCHEMA_JSON, answer, base_url, link, object, read_access};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A collection: a layer's features of one survey year.
#[derive(Debug, Clone, Copy)]
pub(super) struct Collection {
    pub layer: &'static LayerSpec,
    pub year: i32,
    /// The collection named after the layer alone, which follows its latest year.
    pub latest: bool,
}

impl Collection {
    /// `subcompartment_2025`, or `subcompartment` for the latest year.
    pub fn id(&self) -> String {
        if self.latest {
            self.layer.key.to_owned()
        } else {
            format!("{}_{}", self.layer.key, self.year)
        }
    }

    fn title(&self) -> String {
        if self.latest {
            format!("{}（最新 {}）", self.layer.title_zh, self.year)
        } else {
            format!("{} {}", self.layer.title_zh, self.year)
        }
    }

    fn description(&self) -> String {
        if self.latest {
            format!(
                "{}, the latest survey year ({})",
                self.layer.title_en, self.year
            )
        } else {
            format!("{}, survey year {}", self.layer.title_en, self.year)
        }
    }
}

/// Every collection: each layer's latest year first, then its years in order. Layers without
/// data have none.
pub(super) async fn all(state: &AppState) -> ApiResult<Vec<Collection>> {
    let mut out = Vec::new();
    for l in layer::LAYERS {
        let years = state.store.layer_years(l.key).await?;
        if let Some(&last) = years.last() {
            out.push(Collection {
                layer: l,
                year: last,
                latest: true,
            });
        }
        out.extend(years.into_iter().map(|year| Collection {
            layer: l,
            year,
            latest: false,
        }));
    }
    Ok(out)
}

/// The collection with this id, or 404.
pub(super) async fn resolve(state: &AppState, id: &str) -> ApiResult<Collection> {
    let not_found = || ApiError::not_found("collection");
    let (l, year) = if let Some(l) = layer::layer(id) {
        (l, None)
    } else {
        let (key, year) = id.rsplit_once('_').ok_or_else(not_found)?;
        let l = layer::layer(key).ok_or_else(not_found)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_found());
        }
        (l, Some(year.parse::<i32>().map_err(|_| not_found())?))
    };
    let years = state.store.layer_years(l.key).await?;
    let year = match year {
        Some(y) if years.contains(&y) => y,
        Some(_) => return Err(not_found()),
        None => *years.last().ok_or_else(not_found)?,
    };
    Ok(Collection {
        layer: l,
        year,
        latest: id == l.key,
    })
}

/// The JSON Schema type of a field's values.
pub(super) fn json_type(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Integer => "integer",
        FieldKind::Real => "number",
        FieldKind::Text | FieldKind::Code(_) => "string",
    }
}

/// The extent of what the caller may see: the box of their root grid's boundary (cheap, and
/// every feature they see overlaps a grid under it), or the whole world when it has none.
async fn scope_bbox(state: &AppState, caller: &Caller) -> ApiResult<[f64; 4]> {
    const WORLD: [f64; 4] = [-180.0, -90.0, 180.0, 90.0];
    let Some(root) = caller.scope.root() else {
        return Ok(WORLD);
    };
    let Some(wkb) = state.store.grid_boundary(&caller.scope, &root).await? else {
        return Ok(WORLD);
    };
    match linzhang_geo::from_wkb(&wkb) {
        Ok(mp) => {
            Ok(linzhang_geo::bbox(&mp).map_or(WORLD, |b| [b.min_x, b.min_y, b.max_x, b.max_y]))
        }
        Err(e) => {
            tracing::warn!(error = %e, grid = %root, "unreadable grid boundary");
            Ok(WORLD)
        }
    }
}

fn collection_json(c: &Collection, base: &str, bbox: [f64; 4]) -> Value {
    let href = format!("{base}/collections/{}", c.id());
    let schema = format!("{href}/schema");
    json!({
        "id": c.id(),
        "title": c.title(),
        "description": c.description(),
        "extent": {
            "spatial": {"bbox": [bbox], "crs": CRS84},
            "temporal": {
                "interval": [[format!("{}-01-01T00:00:00Z", c.year), format!("{}-12-31T23:59:59Z", c.year)]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        },
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            link(&href, "self", JSON, "This collection"),
            link(format!("{href}/items"), "items", GEOJSON, "The features"),
            link(&schema, "describedby", SCHEMA_JSON, "The schema of the features"),
            // GDAL up to at least 3.6 only looks for this spelling.
            link(&schema, "describedBy", SCHEMA_JSON, "The schema of the features"),
            link(format!("{href}/queryables"), "queryables", SCHEMA_JSON, "The properties that filter the features"),
        ],
    })
}

/// All collections.
pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let base = base_url(&headers);
    let bbox = scope_bbox(&state, &caller).await?;
    let list = all(&state).await?;
    let body = json!({
        "links": [link(format!("{base}/collections"), "self", JSON, "The collections")],
        "collections": list.iter().map(|c| collection_json(c, &base, bbox)).collect::<Vec<_>>(),
    });
    Ok(answer(JSON, &body))
}

/// One collection.
pub(super) async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let c = resolve(&state, &id).await?;
    let bbox = scope_bbox(&state, &caller).await?;
    Ok(answer(
        JSON,
        &collection_json(&c, &base_url(&headers), bbox),
    ))
}

/// The fields of a layer as JSON Schema properties, in the layer's order.
fn field_schemas(l: &LayerSpec) -> Doc {
    Doc::Object(
        l.fields
            .iter()
            .map(|f| {
                let description = match f.kind {
                    FieldKind::Code(table) => format!("{} (a code of table {table})", f.label_en),
                    _ => f.label_en.to_owned(),
                };
                let s = json!({"title": f.label_zh, "description": description, "type": json_type(f.kind)});
                (f.name.to_owned(), s.into())
            })
            .collect(),
    )
}

/// The JSON Schema of the collection's features: GeoJSON Features whose properties are the
/// layer's fields, in its order (each may be null).
pub(super) async fn schema(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let c = resolve(&state, &id).await?;
    let href = format!("{}/collections/{}/schema", base_url(&headers), c.id());
    let body = object([
        ("$schema", json!("https://json-schema.org/draft/2020-12/schema").into()),
        ("$id", json!(href).into()),
        ("title", json!(c.title()).into()),
        ("description", json!(c.description()).into()),
        ("type", json!("object").into()),
        ("required", json!(["type", "geometry", "properties"]).into()),
        (
            "properties",
            object([
                ("type", json!({"type": "string", "enum": ["Feature"]}).into()),
                ("id", json!({"type": "string", "format": "uuid"}).into()),
                (
                    "geometry",
                    json!({"type": "object", "description": "A GeoJSON geometry in CRS84 (CGCS2000 lon/lat)"}).into(),
                ),
                (
                    "properties",
                    object([
                        ("type", json!("object").into()),
                        ("properties", field_schemas(c.layer)),
                    ]),
                ),
            ]),
        ),
    ]);
    Ok(answer(SCHEMA_JSON, &body))
}

/// The queryables: the fields that filter the items by equality (`?di_lei=0111`).
pub(super) async fn queryables(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let c = resolve(&state, &id).await?;
    let href = format!("{}/collections/{}/queryables", base_url(&headers), c.id());
    let body = object([
        (
            "$schema",
            json!("https://json-schema.org/draft/2019-09/schema").into(),
        ),
        ("$id", json!(href).into()),
        ("title", json!(c.title()).into()),
        ("type", json!("object").into()),
        ("properties", field_schemas(c.layer)),
        ("additionalProperties", json!(false).into()),
    ]);
    Ok(answer(SCHEMA_JSON, &body))
}
