//! Records of task lists (清单化任务, C4): targets, their breakdown to child grids, progress
//! reports.

use chrono::{DateTime, NaiveDate, Utc};
use linzhang_domain::GridCode;
use uuid::Uuid;

/// A task issued at a grid (a root) or given to a child grid by a breakdown.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewTask {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    /// The grid the task is for (whose chief answers for it).
    pub grid_code: GridCode,
    pub title: String,
    /// A code of the `task_kind` table.
    pub kind: String,
    pub amount: f64,
    pub unit: String,
    pub deadline: NaiveDate,
    /// The meeting whose decision this task carries out, with the decision's index.
    pub meeting_id: Option<Uuid>,
    pub decision_index: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Task {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub grid_code: GridCode,
    pub grid_name: String,
    pub grid_path: String,
    pub title: String,
    pub kind: String,
    pub amount: f64,
    pub unit: String,
    pub deadline: NaiveDate,
    pub meeting_id: Option<Uuid>,
    pub decision_index: Option<i64>,
    pub issued_by: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The sum of the task's own progress reports.
    pub reported: f64,
}

/// A part of a breakdown: an amount for a child grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TaskPart {
    pub id: Uuid,
    pub grid_code: GridCode,
    pub amount: f64,
    /// The parent's title when `None`.
    pub title: Option<String>,
}

/// A progress report (进度上报) with evidence references (files, stored elsewhere).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TaskReport {
    pub id: Uuid,
    pub task_id: Uuid,
    pub amount: f64,
    pub note: String,
    pub evidence: Vec<String>,
    pub reported_at: DateTime<Utc>,
    pub reported_by: Option<String>,
}
