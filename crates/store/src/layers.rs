//! Records of the one map's layers: imports, features and statistics.

use chrono::{DateTime, Utc};
use linzhang_domain::layer::Placement;
use serde_json::{Map, Value};
use uuid::Uuid;

/// An import about to be written: the features were read, normalised, validated and placed
/// by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLayerImport {
    pub id: Uuid,
    pub layer: String,
    pub year: i32,
    /// The file name (or a description of the source).
    pub source: String,
    /// The source CRS.
    pub srs: String,
    pub warnings: i64,
    pub features: Vec<NewFeature>,
}

/// A feature ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFeature {
    pub id: Uuid,
    pub source_index: i64,
    /// WKB in CGCS2000 lon/lat.
    pub geometry: Vec<u8>,
    /// `[min_x, min_y, max_x, max_y]`.
    pub bbox: [f64; 4],
    pub area_m2: f64,
    pub volume_m3: f64,
    pub properties: Map<String, Value>,
    /// Overlaps with leaf grids (by path) and responsibility areas (by code).
    pub placement: Placement,
}

/// An import as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayerImport {
    pub id: Uuid,
    pub layer: String,
    pub year: i32,
    pub source: String,
    pub srs: String,
    pub features: i64,
    pub warnings: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A stored feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: Uuid,
    pub layer: String,
    pub year: i32,
    pub geometry: Vec<u8>,
    pub area_m2: f64,
    pub volume_m3: f64,
    pub properties: Map<String, Value>,
}

/// Which features to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureFilter {
    pub layer: String,
    pub year: i32,
    /// `[min_x, min_y, max_x, max_y]` the feature's bounding box must meet.
    pub bbox: Option<[f64; 4]>,
    /// Property equalities (canonical field name, value as text).
    pub properties: Vec<(String, String)>,
    pub limit: i64,
    pub offset: i64,
    /// Only features whose id sorts after this one: paging through a whole layer without the
    /// cost of large offsets (features are listed in id order, which is import order).
    pub after: Option<Uuid>,
}

/// One statistics row of a grid or area (see `linzhang_domain::layer::StatRow`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LayerStat {
    /// The dimension key (`land_class`…), `""` for all features.
    pub dimension: String,
    pub value: String,
    pub area_m2: f64,
    pub volume_m3: f64,
    pub features: i64,
}

/// A hotspot about to be stored, with where it lies and what it raised.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHotspot {
    pub hotspot: linzhang_domain::hotspot::Hotspot,
    /// The leaf grid it lies in.
    pub grid_code: linzhang_domain::GridCode,
    /// The land class (`di_lei`) of the sub-compartment it lies in, if any.
    pub land_class: Option<String>,
    /// Distance to the nearest forest land, m (0 inside), when forest land is near.
    pub forest_distance_m: Option<f64>,
    /// The fire incident it raised or joined.
    pub incident_id: Option<Uuid>,
}

/// A stored hotspot.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HotspotRecord {
    pub id: Uuid,
    pub hotspot: linzhang_domain::hotspot::Hotspot,
    pub grid_code: String,
    pub land_class: Option<String>,
    pub forest_distance_m: Option<f64>,
    pub incident_id: Option<Uuid>,
    pub imported_at: DateTime<Utc>,
}
