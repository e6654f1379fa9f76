//! Statistics of grids and areas (B6), spatial and attribute queries, the forest-land
//! occupation check and change between survey years (B5).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use linzhang_domain::layer::{Dimension, FOREST_COVER_LAND_CLASSES, LayerSpec, StatRow};
use linzhang_domain::{Action, AreaCode, GridCode, Scope};
use linzhang_geo::geo::{Geometry, MultiPolygon};
use linzhang_geo::{M2_PER_HA, M2_PER_MU};
use linzhang_store::{FeatureFilter, LayerStat};
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::{
    ChangeItem, ChangeView, DimensionStats, ForestCover, QueryBody, QueryHit, QueryResult, Region,
    StatValue, StatsView,
};
use super::{spec, year_or_latest};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The most features a query or change analysis reads; larger regions must be narrowed.
const MAX_FEATURES: i64 = 200_000;

/// Labels of dimension values from the current code tables: value → (zh, en).
async fn value_labels(
    state: &AppState,
    l: &LayerSpec,
) -> ApiResult<HashMap<(String, String), (String, String)>> {
    let mut out = HashMap::new();
    for d in l.dimensions {
        let Some(table) = d.code_table() else {
            continue;
        };
        match state.store.code_table(table, None).await {
            Ok(t) => {
                for e in t.table.entries {
                    out.insert((d.key().to_owned(), e.code), (e.name_zh, e.name_en));
                }
            }
            Err(linzhang_store::StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

/// Turns stored rows into the answer; `land_m2` gives the forest cover rate.
async fn view(
    state: &AppState,
    l: &LayerSpec,
    year: i32,
    target: &str,
    rows: &[LayerStat],
    land_m2: Option<f64>,
) -> ApiResult<StatsView> {
    let labels = value_labels(state, l).await?;
    let total = rows.iter().find(|r| r.dimension.is_empty());
    let (area_m2, volume_m3, features) =
        total.map_or((0.0, 0.0, 0), |t| (t.area_m2, t.volume_m3, t.features));
    let dimensions = l
        .dimensions
        .iter()
        .map(|d| {
            let field = l.field(d.field());
            let mut values: Vec<StatValue> = rows
                .iter()
                .filter(|r| r.dimension == d.key())
                .map(|r| {
                    let (zh, en) = labels
                        .get(&(r.dimension.clone(), r.value.clone()))
                        .cloned()
                        .unwrap_or_else(|| (r.value.clone(), r.value.clone()));
                    StatValue {
                        value: r.value.clone(),
                        name_zh: zh,
                        name_en: en,
                        area_m2: r.area_m2,
                        area_ha: r.area_m2 / M2_PER_HA,
                        area_mu: r.area_m2 / M2_PER_MU,
                        volume_m3: r.volume_m3,
                        features: r.features,
                    }
                })
                .collect();
            values.sort_by(|a, b| {
                b.area_m2
                    .total_cmp(&a.area_m2)
                    .then_with(|| a.value.cmp(&b.value))
            });
            DimensionStats {
                dimension: d.key().into(),
                title_zh: field.map_or(d.key(), |f| f.label_zh).into(),
                title_en: field.map_or(d.key(), |f| f.label_en).into(),
                values,
            }
        })
        .collect();
    let forest_cover = land_m2
        .filter(|_| l.dimensions.contains(&Dimension::LandClass))
        .map(|land| {
            let forest_m2: f64 = rows
                .iter()
                .filter(|r| {
                    r.dimension == Dimension::LandClass.key()
                        && FOREST_COVER_LAND_CLASSES.contains(&r.value.as_str())
                })
                .map(|r| r.area_m2)
                .sum();
            ForestCover {
                forest_m2,
                land_m2: land,
                rate: if land > 0.0 { forest_m2 / land } else { 0.0 },
            }
        });
    Ok(StatsView {
        layer: l.key.into(),
        year,
        target: target.into(),
        area_m2,
        area_ha: area_m2 / M2_PER_HA,
        area_mu: area_m2 / M2_PER_MU,
        volume_m3,
        features,
        forest_cover,
        dimensions,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StatsQuery {
    /// A grid code or a responsibility area code; the caller's own grid by default.
    pub target: Option<String>,
    /// The survey year; the latest by default.
    pub year: Option<i32>,
}

/// The whole area (m²) of a grid or responsibility area in scope.
async fn land_area(state: &AppState, scope: &Scope, target: &str) -> ApiResult<Option<f64>> {
    if let Ok(code) = GridCode::parse(target) {
        return Ok(state.store.grid(scope, &code).await?.area_m2);
    }
    let code = AreaCode::parse(target).map_err(|_| ApiError::not_found("grid or area"))?;
    Ok(Some(state.store.area(scope, &code).await?.area_m2))
}

/// Statistics of a layer in a grid (at any level) or a responsibility area: area in m², ha and
/// 亩 and growing stock by land class, forest category, protection grade, ownership, forest
/// type, origin, age group and dominant species, and the forest cover rate.
#[utoipa::path(get, operation_id = "layers_stats", path = "/api/v1/layers/{layer}/stats", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), StatsQuery),
    responses((status = 200, body = StatsView), (status = 404, body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<StatsView>> {
    caller
        .require(&state, Action::ReadLayers, "read statistics")
        .await?;
    let l = spec(&key)?;
    let year = year_or_latest(&state, l.key, q.year).await?;
    let target = match q.target {
        Some(t) => t,
        None => caller.user.grid_code.to_string(),
    };
    let land = land_area(&state, &caller.scope, &target).await?;
    let rows = state
        .store
        .layer_stats(&caller.scope, l.key, year, &target)
        .await?;
    Ok(Json(view(&state, l, year, &target, &rows, land).await?))
}

/// The region of a query as a multipolygon in lon/lat.
async fn region(state: &AppState, scope: &Scope, r: &Region) -> ApiResult<MultiPolygon<f64>> {
    let bad = |m: &str| ApiError::bad_request("bad_region", m);
    match (&r.geometry, &r.grid, &r.area) {
        (Some(g), None, None) => {
            let geometry: geojson::Geometry = serde_json::from_value(g.clone())
                .map_err(|e| bad(&format!("not a GeoJSON geometry: {e}")))?;
            let geometry: Geometry<f64> = geometry
                .try_into()
                .map_err(|e| bad(&format!("unusable geometry: {e}")))?;
            match (geometry, r.buffer_m) {
                (g, Some(m)) if m > 0.0 && m <= 50_000.0 => Ok(linzhang_ingest::buffer_m(&g, m)),
                (_, Some(_)) => Err(bad("buffer_m must be within 0–50,000 m")),
                (Geometry::Polygon(p), None) => Ok(MultiPolygon(vec![p])),
                (Geometry::MultiPolygon(mp), None) => Ok(mp),
                _ => Err(bad("a point or line needs buffer_m")),
            }
            .and_then(|mp| {
                let mp = linzhang_geo::orient(&mp);
                linzhang_geo::validate(&mp).map_err(|e| bad(&e.to_string()))?;
                Ok(mp)
            })
        }
        (None, Some(g), None) => {
            let code = GridCode::parse(g).map_err(|_| ApiError::not_found("grid"))?;
            let wkb = state
                .store
                .grid_boundary(scope, &code)
                .await?
                .ok_or_else(|| bad("the grid has no boundary"))?;
            linzhang_geo::from_wkb(&wkb).map_err(|_| ApiError::internal())
        }
        (None, None, Some(a)) => {
            let code = AreaCode::parse(a).map_err(|_| ApiError::not_found("area"))?;
            let area = state.store.area(scope, &code).await?;
            linzhang_geo::from_wkb(&area.boundary_wkb).map_err(|_| ApiError::internal())
        }
        _ => Err(bad("give exactly one of geometry, grid or area")),
    }
}

/// The features of a layer and year whose boxes meet the region, refusing regions too large.
async fn candidates(
    state: &AppState,
    scope: &Scope,
    l: &LayerSpec,
    year: i32,
    region: &MultiPolygon<f64>,
    properties: Vec<(String, String)>,
) -> ApiResult<Vec<linzhang_store::Feature>> {
    let b = linzhang_geo::bbox(region)
        .ok_or_else(|| ApiError::bad_request("bad_region", "the region is empty"))?;
    let filter = FeatureFilter {
        layer: l.key.into(),
        year,
        bbox: Some([b.min_x, b.min_y, b.max_x, b.max_y]),
        properties,
        limit: MAX_FEATURES + 1,
        offset: 0,
        after: None,
    };
    let list = state.store.features(scope, &filter).await?;
    if list.len() > usize::try_from(MAX_FEATURES).unwrap_or(usize::MAX) {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "region_too_large",
            format!("the region meets more than {MAX_FEATURES} features; narrow it"),
        ));
    }
    Ok(list)
}

/// Statistics of the parts of a layer's features inside a region (a drawn polygon, a buffer
/// around a point or line, a grid, an area), with attribute filters, and the features met.
/// With a project boundary as the region this is the forest-land occupation check: how much
/// land of each class and protection grade the project takes.
#[utoipa::path(post, operation_id = "layers_query", path = "/api/v1/layers/{layer}/query", tag = "layers",
    params(("layer" = String, Path, description = "Layer key")), request_body = QueryBody,
    responses((status = 200, body = QueryResult), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn query(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Json(body): Json<QueryBody>,
) -> ApiResult<Json<QueryResult>> {
    caller
        .require(&state, Action::ReadLayers, "query layers")
        .await?;
    let l = spec(&key)?;
    let year = year_or_latest(&state, l.key, body.year).await?;
    for k in body.properties.keys() {
        if l.fields.iter().all(|f| f.name != k) {
            return Err(ApiError::bad_request(
                "unknown_field",
                format!("layer {} has no field {k}", l.key),
            ));
        }
    }
    let properties: Vec<_> = body.properties.into_iter().collect();
    let region = region(&state, &caller.scope, &body.region).await?;
    let features = candidates(&state, &caller.scope, l, year, &region, properties).await?;
    let l2 = l;
    let (overlay, features) = tokio::task::spawn_blocking(move || {
        (linzhang_ingest::overlay(l2, &region, &features), features)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let rows: Vec<LayerStat> = overlay.stats.into_iter().map(stat).collect();
    let summary = view(&state, l, year, linzhang_ingest::QUERY, &rows, None).await?;
    let props: HashMap<_, _> = features.iter().map(|f| (f.id, &f.properties)).collect();
    let mut parts = overlay.parts;
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    let hits_total = parts.len() as u64;
    let hits = parts
        .into_iter()
        .take(1000)
        .map(|(id, m2)| QueryHit {
            id: id.to_string(),
            overlap_m2: m2,
            properties: props.get(&id).map(|p| (*p).clone()).unwrap_or_default(),
        })
        .collect();
    Ok(Json(QueryResult {
        stats: summary,
        hits,
        hits_total,
    }))
}

fn stat(r: StatRow) -> LayerStat {
    LayerStat {
        dimension: r.dimension,
        value: r.value,
        area_m2: r.area_m2,
        volume_m3: r.volume_m3,
        features: r.features,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ChangeQuery {
    /// The earlier survey year.
    pub before: i32,
    /// The later survey year.
    pub after: i32,
    /// A grid or area code to limit the comparison to; the caller's grid by default.
    pub target: Option<String>,
}

/// Forest land (地类 01xx) gained and lost between two survey years of a polygon layer, by
/// polygon, with the land class before and after and the change reason of the later survey.
#[utoipa::path(get, operation_id = "layers_change", path = "/api/v1/layers/{layer}/change", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), ChangeQuery),
    responses((status = 200, body = ChangeView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Query(q): Query<ChangeQuery>,
) -> ApiResult<Json<ChangeView>> {
    caller
        .require(&state, Action::ReadLayers, "compare survey years")
        .await?;
    let l = spec(&key)?;
    let target = q
        .target
        .unwrap_or_else(|| caller.user.grid_code.to_string());
    let r = if GridCode::parse(&target).is_ok() {
        Region {
            geometry: None,
            buffer_m: None,
            grid: Some(target),
            area: None,
        }
    } else {
        Region {
            geometry: None,
            buffer_m: None,
            grid: None,
            area: Some(target),
        }
    };
    let region = region(&state, &caller.scope, &r).await?;
    let before = candidates(&state, &caller.scope, l, q.before, &region, vec![]).await?;
    let after = candidates(&state, &caller.scope, l, q.after, &region, vec![]).await?;
    let report = tokio::task::spawn_blocking(move || {
        // Only what meets the region itself, not just its box.
        let inside = |fs: Vec<linzhang_store::Feature>| {
            let met: std::collections::HashSet<_> = linzhang_ingest::overlay(l, &region, &fs)
                .parts
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            fs.into_iter()
                .filter(|f| met.contains(&f.id))
                .collect::<Vec<_>>()
        };
        linzhang_ingest::forest_change(&inside(before), &inside(after))
    })
    .await
    .map_err(|_| ApiError::internal())?;
    Ok(Json(ChangeView {
        before: q.before,
        after: q.after,
        gained_m2: report.gained_m2,
        lost_m2: report.lost_m2,
        net_m2: report.gained_m2 - report.lost_m2,
        changes: report
            .changes
            .into_iter()
            .take(1000)
            .map(|c| ChangeItem {
                feature: c.feature.to_string(),
                year: c.year,
                gained_m2: c.gained_m2,
                lost_m2: c.lost_m2,
                land_class_before: c.land_class_before,
                land_class_after: c.land_class_after,
                reason: c.reason,
            })
            .collect(),
    }))
}
