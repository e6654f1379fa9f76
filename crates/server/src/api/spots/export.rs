//! A batch of change spots as a file for the province's system and the field teams: GeoPackage,
//! zipped Shapefile, GeoJSON or Excel, with the fields of the national forest-change monitoring
//! spot table (图斑编号, 县乡村, 坐标, 面积, 前后时相, 变化原因, 核实结果 …) and the attributes of the
//! sub-compartment each spot falls in. Short upper-case field names as the national tables use
//! them (Shapefile keeps 10 characters); Excel gets the Chinese names.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use linzhang_domain::audit::AuditResult;
use linzhang_domain::change_spot::CAUSE_TABLE;
use linzhang_domain::grid::code_at;
use linzhang_domain::layer::{FieldKind, layer};
use linzhang_domain::{Action, Level};
use linzhang_geo::gis::{
    ExportFeature, ExportField, ExportFieldKind, ExportFormat, ExportGeometry, write_features,
};
use linzhang_store::{ChangeBatch, ChangeSpot, NewAudit};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::super::convert::parse_uuid;
use super::super::layers::export::download;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpotExportQuery {
    /// `gpkg`, `shp` (a zipped Shapefile with .prj and .cpg), `geojson` or `xlsx`.
    pub format: String,
}

const M2_PER_HA: f64 = 10_000.0;

/// The standard columns: (short name, Chinese name, type).
const COLUMNS: [(&str, &str, ExportFieldKind); 18] = [
    ("TBBH", "图斑编号", ExportFieldKind::Integer),
    ("XIAN", "县", ExportFieldKind::Text),
    ("XIANG", "乡", ExportFieldKind::Text),
    ("CUN", "村", ExportFieldKind::Text),
    ("ZRQ", "责任区", ExportFieldKind::Text),
    ("HZB", "横坐标", ExportFieldKind::Real),
    ("ZZB", "纵坐标", ExportFieldKind::Real),
    ("MJ", "图斑面积(公顷)", ExportFieldKind::Real),
    ("QSX", "前时相", ExportFieldKind::Text),
    ("HSX", "后时相", ExportFieldKind::Text),
    ("YSBHYY", "疑似变化原因", ExportFieldKind::Text),
    ("HSZT", "核实状态", ExportFieldKind::Text),
    ("HSBHYY", "核实变化原因", ExportFieldKind::Text),
    ("HSBHYYMC", "核实变化原因名称", ExportFieldKind::Text),
    ("SFHF", "是否合法", ExportFieldKind::Text),
    ("PZWH", "审批或采伐证号", ExportFieldKind::Text),
    ("HSMJ", "核实面积(公顷)", ExportFieldKind::Real),
    ("BZ", "备注", ExportFieldKind::Text),
];

/// The columns of the file: the standard ones, then the sub-compartment's.
fn fields(format: ExportFormat) -> Vec<ExportField> {
    let xlsx = format == ExportFormat::Xlsx;
    let mut out: Vec<ExportField> = COLUMNS
        .iter()
        .map(|(short, zh, kind)| ExportField {
            name: if xlsx { (*zh).into() } else { (*short).into() },
            kind: *kind,
        })
        .collect();
    let sub = layer("subcompartment");
    for name in linzhang_ingest::SUBCOMPARTMENT_FIELDS {
        let spec = sub.and_then(|l| l.field(name));
        let kind = match spec.map(|f| f.kind) {
            Some(FieldKind::Integer) => ExportFieldKind::Integer,
            Some(FieldKind::Real) => ExportFieldKind::Real,
            _ => ExportFieldKind::Text,
        };
        let label = match (xlsx, spec) {
            (true, Some(f)) => f.label_zh.to_owned(),
            _ => name.to_uppercase(),
        };
        out.push(ExportField { name: label, kind });
    }
    out
}

/// The code of the spot's grid at `level`, from its materialised path.
fn at_level(path: &str, level: Level) -> Value {
    code_at(path, level).map_or(Value::Null, |c| Value::String(c.to_owned()))
}

fn row(s: ChangeSpot, batch: &ChangeBatch, cause_names: &[(String, String)]) -> ExportFeature {
    let cause_name = s.verified_cause.as_ref().and_then(|c| {
        cause_names
            .iter()
            .find(|(code, _)| code == c)
            .map(|(_, n)| n.clone())
    });
    let mut values = vec![
        Value::from(s.seq),
        at_level(&s.grid_path, Level::County),
        at_level(&s.grid_path, Level::Town),
        at_level(&s.grid_path, Level::Village),
        s.area_code.clone().map_or(Value::Null, Value::String),
        Value::from(s.lon),
        Value::from(s.lat),
        Value::from(s.area_m2 / M2_PER_HA),
        batch.before_date.clone().map_or(Value::Null, Value::String),
        batch.after_date.clone().map_or(Value::Null, Value::String),
        Value::String(s.suspected_cause.clone()),
        Value::String(s.state.as_str().into()),
        s.verified_cause.clone().map_or(Value::Null, Value::String),
        cause_name.map_or(Value::Null, Value::String),
        s.legal.map_or(Value::Null, |l| {
            Value::String(if l { "是" } else { "否" }.into())
        }),
        s.permit.clone().map_or(Value::Null, Value::String),
        s.verified_area_m2
            .map_or(Value::Null, |a| Value::from(a / M2_PER_HA)),
        s.note.clone().map_or(Value::Null, Value::String),
    ];
    for name in linzhang_ingest::SUBCOMPARTMENT_FIELDS {
        values.push(s.attributes.get(name).cloned().unwrap_or(Value::Null));
    }
    ExportFeature {
        wkb: s.geometry,
        values,
    }
}

/// Download a batch's spots in the caller's grids as a file with the standard fields.
#[utoipa::path(get, operation_id = "spots_export", path = "/api/v1/change-batches/{id}/export", tag = "monitoring",
    params(("id" = String, Path, description = "Batch id"), SpotExportQuery),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<SpotExportQuery>,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "export change spots")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let format = ExportFormat::parse(&q.format).ok_or_else(|| {
        ApiError::bad_request("bad_format", "format must be gpkg, shp, geojson or xlsx")
    })?;
    let batch = state
        .store
        .change_batches(&caller.scope)
        .await?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| ApiError::not_found("change batch"))?;
    let spots = state.store.change_spots(&caller.scope, id, None).await?;
    let causes = state.store.code_table(CAUSE_TABLE, None).await?;
    let cause_names: Vec<(String, String)> = causes
        .table
        .entries
        .into_iter()
        .map(|e| (e.code, e.name_zh))
        .collect();
    let count = spots.len();
    let rows: Vec<ExportFeature> = spots
        .into_iter()
        .map(|s| row(s, &batch, &cause_names))
        .collect();
    let dir = tempfile::tempdir().map_err(|e| {
        tracing::error!(error = %e, "cannot make a temporary folder");
        ApiError::internal()
    })?;
    // A file name of plain ASCII: the batch name is Chinese ("2026年第1期").
    let name = format!("change_spots_{}.{}", batch.id.simple(), format.extension());
    let path = dir.path().join(&name);
    let fields = fields(format);
    let writer_path = path.clone();
    tokio::task::spawn_blocking(move || {
        write_features(
            &writer_path,
            format,
            "change_spots",
            ExportGeometry::Polygon,
            &fields,
            rows,
        )
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, "spot export failed");
        ApiError::internal()
    })?;
    state
        .store
        .append_audit(&NewAudit {
            actor: caller.actor(),
            at: state.clock.now(),
            action: "change_batch.export".into(),
            target: Some(format!("change_batch:{id}")),
            before: None,
            after: Some(serde_json::json!({"format": q.format, "spots": count})),
            result: AuditResult::Ok,
        })
        .await?;
    download(format, &name, &path, dir).await
}
