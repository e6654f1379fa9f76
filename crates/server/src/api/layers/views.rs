//! What the layer endpoints answer.

use linzhang_domain::layer::{FieldSpec, GeometryKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A layer of the one map, with the survey years it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct LayerView {
    pub key: String,
    pub title_zh: String,
    pub title_en: String,
    pub geometry: GeometryKind,
    pub fields: Vec<FieldSpec>,
    /// Statistics dimensions (`land_class`…).
    pub dimensions: Vec<String>,
    /// Survey years with data, oldest first.
    pub years: Vec<i32>,
}

/// An import as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    pub id: String,
    pub layer: String,
    pub year: i32,
    pub source: String,
    pub srs: String,
    pub features: i64,
    pub warnings: i64,
    pub created_at: String,
}

/// A refused feature.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectionView {
    /// Zero-based index in the source.
    pub index: u64,
    /// `invalid_geometry`, `wrong_geometry_type`, `outside_scope` or `unreadable`.
    pub code: String,
    pub reason: String,
}

/// A value kept as given.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningView {
    pub index: u64,
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// The answer to an upload: the stored import, or why nothing was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportView {
    /// `import_rejected` when nothing was stored (with status 422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub import: Option<ImportView>,
    pub driver: String,
    pub srs: String,
    pub read: u64,
    pub accepted: u64,
    pub rejected: Vec<RejectionView>,
    pub rejected_total: u64,
    pub warnings: Vec<WarningView>,
    pub warnings_total: u64,
}

/// Area, stock and count of one value of a dimension.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatValue {
    pub value: String,
    pub name_zh: String,
    pub name_en: String,
    pub area_m2: f64,
    pub area_ha: f64,
    pub area_mu: f64,
    pub volume_m3: f64,
    pub features: i64,
}

/// One dimension's breakdown, largest area first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DimensionStats {
    pub dimension: String,
    pub title_zh: String,
    pub title_en: String,
    pub values: Vec<StatValue>,
}

/// Forest cover rate (森林覆盖率) by the national definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForestCover {
    /// 乔木林地 + 竹林地 + 国家特别规定灌木林地, m².
    pub forest_m2: f64,
    /// The grid's or area's whole area, m².
    pub land_m2: f64,
    /// `forest_m2 / land_m2`.
    pub rate: f64,
}

/// Statistics of a layer in a grid, a responsibility area or a query region.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsView {
    pub layer: String,
    pub year: i32,
    /// The grid or area code, or `query`.
    pub target: String,
    pub area_m2: f64,
    pub area_ha: f64,
    pub area_mu: f64,
    pub volume_m3: f64,
    pub features: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forest_cover: Option<ForestCover>,
    pub dimensions: Vec<DimensionStats>,
}

/// The region of a query: a GeoJSON geometry (drawn polygon, or a point or line with
/// `buffer_m`), a grid or a responsibility area. Exactly one of `geometry`, `grid`, `area`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Region {
    /// A GeoJSON geometry in lon/lat.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
    /// Buffer distance in metres around `geometry`.
    pub buffer_m: Option<f64>,
    pub grid: Option<String>,
    pub area: Option<String>,
}

/// A spatial and attribute query on a layer (B5); also the forest-land occupation check when
/// the region is a project boundary.
#[derive(Debug, Deserialize, ToSchema)]
pub struct QueryBody {
    /// The survey year; the latest by default.
    pub year: Option<i32>,
    pub region: Region,
    /// Attribute equalities, by canonical field name.
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, String>,
}

/// One feature met by a query.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueryHit {
    pub id: String,
    /// The part of the feature inside the region, m².
    pub overlap_m2: f64,
    #[schema(value_type = Object)]
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// A query's answer: statistics of the parts inside the region and the features met (the
/// first 1,000, largest overlap first).
#[derive(Debug, Serialize, ToSchema)]
pub struct QueryResult {
    pub stats: StatsView,
    pub hits: Vec<QueryHit>,
    pub hits_total: u64,
}

/// Forest land gained and lost between two survey years.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub before: i32,
    pub after: i32,
    pub gained_m2: f64,
    pub lost_m2: f64,
    pub net_m2: f64,
    pub changes: Vec<ChangeItem>,
}

/// One polygon's change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeItem {
    pub feature: String,
    pub year: i32,
    pub gained_m2: f64,
    pub lost_m2: f64,
    pub land_class_before: Option<String>,
    pub land_class_after: Option<String>,
    pub reason: Option<String>,
}
