//! Records of the in-app inbox.

use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewNotification {
    pub id: Uuid,
    pub user_id: Uuid,
    /// E.g. `incident.reported`, `incident.escalated`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the app opens it, e.g. `/incidents/{id}`.
    pub link: Option<String>,
    /// Fire and SOS: shown at once, with sound.
    pub urgent: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub urgent: bool,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}
