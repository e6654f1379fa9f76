//! Who did something, for the audit log.

use serde::Serialize;
use uuid::Uuid;

/// The user and client behind a write, recorded in the audit log with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub client_addr: Option<String>,
}

impl Actor {
    /// Work done by the system itself or an operator at the command line.
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            username: Some(format!("system:{what}")),
            client_addr: None,
        }
    }
}

/// The outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditResult {
    Ok,
    Denied,
    Failed,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Ok => "ok",
            AuditResult::Denied => "denied",
            AuditResult::Failed => "failed",
        }
    }
}
