//! Records of change spots (疑似变化图斑) and their batches.

use chrono::{DateTime, Utc};
use linzhang_domain::GridCode;
use linzhang_domain::change_spot::SpotState;
use serde_json::{Map, Value};
use uuid::Uuid;

/// A batch of spots about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChangeBatch {
    pub id: Uuid,
    /// E.g. `2026年第1期`; unique.
    pub name: String,
    pub before_date: Option<String>,
    pub after_date: Option<String>,
    pub spots: Vec<NewChangeSpot>,
}

/// A spot placed on its grid, area and sub-compartment by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChangeSpot {
    pub id: Uuid,
    /// WKB, CGCS2000 lon/lat.
    pub geometry: Vec<u8>,
    /// A point inside the spot, for navigation.
    pub lon: f64,
    pub lat: f64,
    pub area_m2: f64,
    /// The leaf grid holding most of it.
    pub grid_code: GridCode,
    /// The responsibility area holding most of it.
    pub area_code: Option<String>,
    /// 采伐, 占地, 毁林开垦, 灾害 or 其他, from the index pattern.
    pub suspected_cause: String,
    /// Index changes and the attributes of the sub-compartment it falls in.
    pub attributes: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChangeBatch {
    pub id: Uuid,
    pub name: String,
    pub before_date: Option<String>,
    pub after_date: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Spots in the caller's scope, and how many of them are verified.
    pub spots: i64,
    pub verified: i64,
}

/// A field verification (外业核实).
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// A code of the `verified_change_cause` table.
    pub cause: String,
    /// `None` for a false alarm.
    pub legal: Option<bool>,
    /// Approval or felling-permit number.
    pub permit: Option<String>,
    pub area_m2: Option<f64>,
    pub note: String,
    /// The case an illegal change opened.
    pub incident_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChangeSpot {
    pub id: Uuid,
    pub batch_id: Uuid,
    pub seq: i64,
    pub geometry: Vec<u8>,
    pub lon: f64,
    pub lat: f64,
    pub area_m2: f64,
    pub grid_code: GridCode,
    pub grid_path: String,
    pub area_code: Option<String>,
    pub suspected_cause: String,
    pub attributes: Map<String, Value>,
    pub state: SpotState,
    pub verified_cause: Option<String>,
    pub legal: Option<bool>,
    pub permit: Option<String>,
    pub verified_area_m2: Option<f64>,
    pub note: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub incident_id: Option<Uuid>,
}
