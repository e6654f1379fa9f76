//! Records of work contact sheets (林长工作联系单, C5) and inspections (督察, C7).

use chrono::{DateTime, NaiveDate, Utc};
use linzhang_domain::GridCode;
use linzhang_domain::contact_sheet::{InspectionKind, SheetSource, SheetState};
use uuid::Uuid;

/// A sheet to issue: to a grid (its chief and office) or to a member department.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewContactSheet {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub source: SheetSource,
    /// The inspection finding, public report or incident the sheet comes from.
    pub source_id: Option<String>,
    /// The grid whose office issues the sheet.
    pub issuer_grid: GridCode,
    pub addressee_grid: Option<GridCode>,
    /// A code of the `department` table.
    pub addressee_department: Option<String>,
    pub deadline: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ContactSheet {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub source: SheetSource,
    pub source_id: Option<String>,
    pub issuer_grid: GridCode,
    pub issuer_grid_name: String,
    pub issuer_path: String,
    pub addressee_grid: Option<GridCode>,
    pub addressee_grid_name: Option<String>,
    pub addressee_path: Option<String>,
    pub addressee_department: Option<String>,
    pub deadline: NaiveDate,
    pub state: SheetState,
    pub answer: Option<String>,
    pub evidence: Vec<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    pub reminders: i64,
    /// Escalated for being unanswered past its deadline (kept after an answer, as a record).
    pub escalated: bool,
    pub escalated_at: Option<DateTime<Utc>>,
    pub issued_by: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One entry of a sheet's timeline: issue, remind, answer, close, reopen, escalate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SheetEventRecord {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_state: Option<SheetState>,
    pub to_state: SheetState,
    pub note: String,
}

/// Which sheets to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetFilter {
    pub state: Option<SheetState>,
    /// Only escalated sheets.
    pub escalated: Option<bool>,
    /// Only unanswered sheets whose deadline is before this day.
    pub overdue_on: Option<NaiveDate>,
}

/// One finding of an inspection, with the sheet it became (if any).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub text: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    #[serde(default)]
    pub sheet_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewInspection {
    pub id: Uuid,
    pub kind: InspectionKind,
    pub title: String,
    /// The grid whose office runs the inspection.
    pub by_grid: GridCode,
    /// The inspected grid.
    pub target_grid: GridCode,
    pub inspected_on: NaiveDate,
    pub inspectors: Vec<String>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Inspection {
    pub id: Uuid,
    pub kind: InspectionKind,
    pub title: String,
    pub by_grid: GridCode,
    pub target_grid: GridCode,
    pub target_grid_name: String,
    pub inspected_on: NaiveDate,
    pub inspectors: Vec<String>,
    pub findings: Vec<Finding>,
    /// When the result was circulated (通报).
    pub circulated_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}
