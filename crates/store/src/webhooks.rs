//! Records of group-chat robots (WeCom, DingTalk) and of the deliveries to them.

use chrono::{DateTime, Utc};
use linzhang_domain::GridCode;
use linzhang_domain::webhook::RobotKind;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Webhook {
    pub id: Uuid,
    /// Events of this grid and the grids below it are posted.
    pub grid_code: GridCode,
    pub kind: RobotKind,
    pub name: String,
    pub url: String,
    /// DingTalk's signing secret (加签), when the robot uses one.
    #[serde(skip)]
    pub secret: Option<String>,
    /// Only urgent messages (fire, SOS, camera alarms).
    pub urgent_only: bool,
    pub created_at: DateTime<Utc>,
}

/// A message to post to a robot.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub title: String,
    /// The robot's JSON message.
    pub payload: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    Sent,
    /// Given up after the last attempt.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(DeliveryState::Pending),
            "sent" => Some(DeliveryState::Sent),
            "failed" => Some(DeliveryState::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Delivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub title: String,
    pub payload: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    Sent,
    /// Failed; try again at this instant.
    Retry {
        error: String,
        next_at: DateTime<Utc>,
    },
    /// Failed for the last time.
    GaveUp {
        error: String,
    },
}
