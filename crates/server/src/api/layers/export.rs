//! Exports of a layer, or of the part of it in a grid, a box or matching attributes, as
//! GeoPackage, zipped Shapefile, GeoJSON or Excel. Pages of features stream from the store to
//! GDAL writing a temporary file, which then streams to the client: memory stays flat
//! whatever the size.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use linzhang_domain::audit::AuditResult;
use linzhang_domain::layer::{FieldKind, GeometryKind, LayerSpec};
use linzhang_domain::{Action, GridCode, Scope};
use linzhang_geo::gis::{
    ExportFeature, ExportField, ExportFieldKind, ExportFormat, ExportGeometry, write_features,
};
use linzhang_store::{Feature, FeatureFilter, NewAudit};
use serde::Deserialize;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use utoipa::IntoParams;

use super::{parse_bbox, property_filters, spec, year_or_latest};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// Features per page read from the store.
const PAGE: i64 = 5_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `gpkg`, `shp` (a zipped Shapefile with .prj and .cpg), `geojson` or `xlsx`.
    pub format: String,
    /// The survey year; the latest by default.
    pub year: Option<i32>,
    /// Only features in this grid (in the caller's scope).
    pub grid: Option<String>,
    /// `minx,miny,maxx,maxy` in degrees.
    pub bbox: Option<String>,
}

/// The columns of an export: the layer's fields (in Excel under their Chinese labels, with
/// the names of coded values beside them), the feature id and its area.
fn columns(l: &LayerSpec, format: ExportFormat) -> Vec<(ExportField, Column)> {
    let xlsx = format == ExportFormat::Xlsx;
    let mut out = Vec::new();
    for f in l.fields {
        let kind = match f.kind {
            FieldKind::Integer => ExportFieldKind::Integer,
            FieldKind::Real => ExportFieldKind::Real,
            FieldKind::Text | FieldKind::Code(_) => ExportFieldKind::Text,
        };
        let name = if xlsx {
            f.label_zh.to_owned()
        } else {
            f.name.to_owned()
        };
        out.push((ExportField { name, kind }, Column::Field(f.name)));
        if let (true, FieldKind::Code(table)) = (xlsx, f.kind) {
            let name = format!("{}名称", f.label_zh);
            out.push((
                ExportField {
                    name,
                    kind: ExportFieldKind::Text,
                },
                Column::Label(f.name, table),
            ));
        }
    }
    let fid = if xlsx { "要素编号" } else { "feature_id" };
    out.push((
        ExportField {
            name: fid.into(),
            kind: ExportFieldKind::Text,
        },
        Column::Id,
    ));
    if l.geometry == GeometryKind::Polygon {
        let area = if xlsx { "面积(平方米)" } else { "area_m2" };
        out.push((
            ExportField {
                name: area.into(),
                kind: ExportFieldKind::Real,
            },
            Column::Area,
        ));
    }
    out
}

#[derive(Debug, Clone, Copy)]
enum Column {
    Field(&'static str),
    Label(&'static str, &'static str),
    Id,
    Area,
}

fn row(
    f: Feature,
    columns: &[Column],
    labels: &HashMap<(String, String), String>,
) -> ExportFeature {
    let values = columns
        .iter()
        .map(|c| match c {
            Column::Field(k) => f.properties.get(*k).cloned().unwrap_or(Value::Null),
            Column::Label(k, table) => f
                .properties
                .get(*k)
                .and_then(Value::as_str)
                .and_then(|code| labels.get(&((*table).to_owned(), code.to_owned())))
                .map_or(Value::Null, |l| Value::String(l.clone())),
            Column::Id => Value::String(f.id.to_string()),
            Column::Area => Value::from(f.area_m2),
        })
        .collect();
    ExportFeature {
        wkb: f.geometry,
        values,
    }
}

/// Download a layer (or the part of it in a grid, a box, or matching attribute filters given
/// as `field=value`) as a file.
#[utoipa::path(get, operation_id = "layers_export", path = "/api/v1/layers/{layer}/export", tag = "layers",
    params(("layer" = String, Path, description = "Layer key"), ExportQuery),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
    Query(q): Query<ExportQuery>,
    Query(all): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "export layers")
        .await?;
    let l = spec(&key)?;
    let format = ExportFormat::parse(&q.format).ok_or_else(|| {
        ApiError::bad_request("bad_format", "format must be gpkg, shp, geojson or xlsx")
    })?;
    let year = year_or_latest(&state, l.key, q.year).await?;
    let scope = match &q.grid {
        Some(g) => {
            let code = GridCode::parse(g).map_err(|_| ApiError::not_found("grid"))?;
            Scope::under(state.store.grid(&caller.scope, &code).await?.path)
        }
        None => caller.scope.clone(),
    };
    let filter = FeatureFilter {
        layer: l.key.into(),
        year,
        bbox: q.bbox.as_deref().map(parse_bbox).transpose()?,
        properties: property_filters(l, &all),
        limit: PAGE,
        offset: 0,
        after: None,
    };
    let dir = tempfile::tempdir().map_err(|e| {
        tracing::error!(error = %e, "cannot make a temporary folder");
        ApiError::internal()
    })?;
    let name = format!("{}_{year}.{}", l.key, format.extension());
    let path = dir.path().join(&name);
    let written = write(&state, &scope, filter, l, format, &path).await?;
    let entry = NewAudit {
        actor: caller.actor(),
        at: state.clock.now(),
        action: "layer.export".into(),
        target: Some(format!("layer:{}", l.key)),
        before: None,
        after: Some(
            serde_json::json!({"year": year, "format": q.format, "features": written, "grid": q.grid, "bbox": q.bbox}),
        ),
        result: AuditResult::Ok,
    };
    state.store.append_audit(&entry).await?;
    download(format, &name, &path, dir).await
}

/// The written file as an attachment download; the temporary folder goes when it is sent.
pub(crate) async fn download(
    format: ExportFormat,
    name: &str,
    path: &std::path::Path,
    dir: tempfile::TempDir,
) -> ApiResult<Response> {
    let stream = stream_file(path, dir).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        stream,
    )
        .into_response())
}

/// Chinese names of the coded values of a layer's fields: (table, code) → name.
async fn labels(state: &AppState, l: &LayerSpec) -> HashMap<(String, String), String> {
    let mut out = HashMap::new();
    for f in l.fields {
        let FieldKind::Code(table) = f.kind else {
            continue;
        };
        let Ok(t) = state.store.code_table(table, None).await else {
            continue;
        };
        for e in t.table.entries {
            out.insert((table.to_owned(), e.code), e.name_zh);
        }
    }
    out
}

/// Pages through the features and writes them with GDAL on a blocking thread.
async fn write(
    state: &AppState,
    scope: &Scope,
    mut filter: FeatureFilter,
    l: &'static LayerSpec,
    format: ExportFormat,
    path: &std::path::Path,
) -> ApiResult<u64> {
    let labels = labels(state, l).await;
    let (fields, order): (Vec<ExportField>, Vec<Column>) = columns(l, format).into_iter().unzip();
    let geometry = match l.geometry {
        GeometryKind::Point => ExportGeometry::Point,
        GeometryKind::Line => ExportGeometry::Line,
        GeometryKind::Polygon => ExportGeometry::Polygon,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ExportFeature>(1024);
    let writer_path = path.to_path_buf();
    let writer = tokio::task::spawn_blocking(move || {
        let items = std::iter::from_fn(move || rx.blocking_recv());
        write_features(&writer_path, format, l.key, geometry, &fields, items)
    });
    loop {
        let page = state.store.features(scope, &filter).await?;
        let Some(last) = page.last().map(|f| f.id) else {
            break;
        };
        let full = i64::try_from(page.len()).is_ok_and(|n| n == PAGE);
        for f in page {
            if tx.send(row(f, &order, &labels)).await.is_err() {
                break;
            }
        }
        if !full {
            break;
        }
        filter.after = Some(last);
    }
    drop(tx);
    writer
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "export failed");
            ApiError::internal()
        })
}

/// A body that streams the file; the temporary folder lives as long as the stream.
async fn stream_file(path: &std::path::Path, dir: tempfile::TempDir) -> ApiResult<Body> {
    let file = tokio::fs::File::open(path).await.map_err(|e| {
        tracing::error!(error = %e, "cannot read the export");
        ApiError::internal()
    })?;
    let stream = futures_util::stream::unfold((Some(file), dir), |(file, dir)| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), (Some(file), dir)))
            }
            Err(e) => Some((Err(e), (None, dir))),
        }
    });
    Ok(Body::from_stream(stream))
}
