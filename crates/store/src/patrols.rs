//! Records of patrols (巡护, 巡林), their tracks, and check-ins (签到).

use chrono::{DateTime, Utc};
use linzhang_domain::GridCode;
use linzhang_domain::patrol::{PatrolKind, PatrolState};
use uuid::Uuid;

/// A patrol started on a phone; the id is the phone's.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPatrol {
    pub id: Uuid,
    pub user_id: Uuid,
    pub person_id: Option<Uuid>,
    pub grid_code: GridCode,
    pub kind: PatrolKind,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Patrol {
    pub id: Uuid,
    pub user_id: Uuid,
    pub username: String,
    pub person_id: Option<Uuid>,
    pub grid_code: GridCode,
    pub kind: PatrolKind,
    pub state: PatrolState,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Of the cleaned track, as last computed.
    pub distance_m: f64,
    pub moving_s: i64,
    /// Points stored (before cleaning).
    pub point_count: i64,
}

/// One GPS fix; the id is the phone's, so a batch sent twice stores it once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewTrackPoint {
    pub id: Uuid,
    pub t: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub speed_mps: Option<f64>,
}

/// What a batch of points did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TrackUpload {
    /// Points stored now.
    pub stored: u64,
    /// Points stored before (a retry).
    pub duplicates: u64,
}

/// Which patrols to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatrolFilter {
    pub kind: Option<PatrolKind>,
    pub state: Option<PatrolState>,
    pub user_id: Option<Uuid>,
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// A daily check-in (签到).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewCheckin {
    pub id: Uuid,
    pub user_id: Uuid,
    pub at: DateTime<Utc>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
}

/// How many chief patrols (ended) the holder of a chief post made in a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChiefPatrolCount {
    pub post_id: Uuid,
    pub post_title: String,
    pub grid_code: GridCode,
    pub grid_name: String,
    pub grid_path: String,
    pub person_id: Uuid,
    pub person_name: String,
    pub patrols: i64,
}

/// A meeting (林长会议 or 林长办会议) as recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Meeting {
    pub id: Uuid,
    pub grid_code: GridCode,
    /// `chief` (林长会议) or `office` (林长办会议).
    pub kind: String,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub minutes: String,
    pub attendees: Vec<String>,
    /// Decisions taken (each may become a task).
    pub decisions: Vec<String>,
}

/// How many chief meetings a grid held in a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeetingCount {
    pub grid_code: GridCode,
    pub grid_name: String,
    pub grid_path: String,
    pub meetings: i64,
}
