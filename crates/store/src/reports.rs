//! Periodic reports (报送, C8) and the technicians' service log (A7) as stored.

use chrono::{DateTime, NaiveDate, Utc};
use linzhang_domain::GridCode;
use linzhang_domain::report::ReminderStage;
use uuid::Uuid;

/// A report as submitted.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    /// Minted by the client: submitting the same id again changes nothing.
    pub id: Uuid,
    /// The grid reporting (a technician's own grid when he reports).
    pub grid_code: GridCode,
    /// The `report_rule` code it answers, e.g. `county.office.year`.
    pub rule: String,
    /// `2026-Q3`, `2026-H2`, `2026`, `2026-11`.
    pub period_key: String,
    /// The technician reporting for himself; `None` when the grid (its office or chief) reports.
    pub reporter_user: Option<Uuid>,
    pub title: String,
    pub body: String,
    /// Opaque references to attachments.
    pub attachments: Vec<String>,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
}

/// A city, county or town grid that owes reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportingGrid {
    pub grid_code: GridCode,
    pub grid_name: String,
    pub grid_path: String,
}

/// One entry of a technician's service log (服务日志).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceEntry {
    /// Minted by the client: recording the same id again changes nothing.
    pub id: Uuid,
    /// The grid served (in the technician's scope).
    pub grid_code: GridCode,
    pub user_id: Uuid,
    pub username: String,
    pub served_on: NaiveDate,
    /// The responsibility area served, if one.
    pub area_code: Option<String>,
    /// A `service_kind` code.
    pub kind: String,
    pub description: String,
    pub people_served: i64,
    pub created_at: DateTime<Utc>,
}

/// A reminder sent about a report not yet submitted (催报): which report slot and which stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ReportReminder {
    pub grid_code: GridCode,
    /// The `report_rule` code.
    pub rule: String,
    pub period_key: String,
    /// The technician owing it; `None` for a grid's office or chief.
    pub reporter_user: Option<Uuid>,
    pub stage: ReminderStage,
}
