//! Records of cameras (视频监控) and their smoke/fire alarms.

use chrono::{DateTime, Utc};
use linzhang_domain::GridCode;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Camera {
    pub id: Uuid,
    pub name: String,
    /// The 20-digit GB/T 28181 device id.
    pub device_id: String,
    pub grid_code: GridCode,
    pub lon: f64,
    pub lat: f64,
    pub height_m: f64,
    /// Clockwise from north.
    pub heading_deg: f64,
    pub fov_deg: f64,
    /// How far it sees smoke, m.
    pub range_m: f64,
    /// HLS/FLV/WebRTC address for live view.
    pub stream_url: Option<String>,
    /// A URL answering the camera's current picture (JPEG or PNG), which the server polls
    /// when the camera cannot push frames itself.
    pub snapshot_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAlarm {
    pub id: Uuid,
    pub camera_id: Uuid,
    pub at: DateTime<Utc>,
    /// `fire` or `smoke`.
    pub verdict: String,
    pub score: f64,
    /// The frame with the detection boxes drawn (PNG).
    pub image: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Alarm {
    pub id: Uuid,
    pub camera_id: Uuid,
    pub camera_name: String,
    pub grid_code: GridCode,
    pub at: DateTime<Utc>,
    pub verdict: String,
    pub score: f64,
    /// `pending`, `confirmed` or `dismissed`.
    pub state: String,
    pub incident_id: Option<Uuid>,
    pub decided_by: Option<String>,
}
