//! Notifications that leave the platform: posts to the group-chat robots (WeCom, DingTalk)
//! configured on a grid, and text messages for urgent ones.
//!
//! Robot messages go through an outbox: [`enqueue_robots`] stores them with the notification,
//! [`deliver_due`] (the delivery job, woken at once by a new message) posts them and records
//! each attempt; a failed one waits (1, 2, 4, 8, 16 minutes) and is given up after the last
//! attempt. Nothing is lost when a robot is down or the server restarts.

use std::fmt::Debug;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use linzhang_domain::GridCode;
use linzhang_domain::public::mask_phone;
use linzhang_domain::webhook::{RobotKind, retry_delay, robot_accepted, robot_message};
use linzhang_store::{Attempt, NewDelivery, StoreError, Webhook, WriteCtx};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// How long a robot may take to answer.
const POST_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// Deliveries handled per round.
const ROUND: i64 = 200;

/// What a notification says, for the robots and text messages.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// A path of the web app (`/incidents/…`), made absolute with the public base URL.
    pub link: Option<&'a str>,
    pub urgent: bool,
}

/// Stores a message for every robot configured at these grids (the notification's grid and
/// those above it) that takes it, and wakes the delivery job.
pub async fn enqueue_robots(
    state: &AppState,
    ctx: &WriteCtx,
    chain: &[GridCode],
    m: &Outgoing<'_>,
) -> Result<usize, StoreError> {
    let hooks = state.store.webhooks_at(chain).await?;
    enqueue_to(state, ctx, &hooks, m).await
}

/// Stores a message for each of these robots that takes it, and wakes the delivery job.
pub async fn enqueue_to(
    state: &AppState,
    ctx: &WriteCtx,
    hooks: &[Webhook],
    m: &Outgoing<'_>,
) -> Result<usize, StoreError> {
    let link = m
        .link
        .map(|l| format!("{}{l}", state.config.public_base_url.trim_end_matches('/')));
    let items: Vec<NewDelivery> = hooks
        .iter()
        .filter(|h| m.urgent || !h.urgent_only)
        .map(|h| NewDelivery {
            id: linzhang_domain::ids::new_id(),
            webhook_id: h.id,
            title: m.title.to_owned(),
            payload: robot_message(h.kind, m.title, m.body, link.as_deref(), m.urgent).to_string(),
        })
        .collect();
    state.store.enqueue_deliveries(ctx, &items).await?;
    if !items.is_empty() {
        state.deliveries.notify_one();
    }
    Ok(items.len())
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub given_up: usize,
}

/// Posts every delivery whose time has come and records the outcome of each.
pub async fn deliver_due(state: &AppState) -> Result<Round, ApiError> {
    let mut round = Round::default();
    for (d, hook) in state.store.due_deliveries(state.clock.now(), ROUND).await? {
        let result = post(state, &hook, &d.payload).await;
        let at = state.clock.now();
        let made = u32::try_from(d.attempts + 1).unwrap_or(u32::MAX);
        let attempt = match result {
            Ok(()) => Attempt::Sent,
            Err(error) => match retry_delay(made) {
                Some(wait) => Attempt::Retry {
                    error,
                    next_at: at + wait,
                },
                None => Attempt::GaveUp { error },
            },
        };
        match &attempt {
            Attempt::Sent => round.sent += 1,
            Attempt::Retry { error, .. } => {
                tracing::warn!(webhook = %hook.id, delivery = %d.id, %error, "robot post failed; will retry");
                round.retried += 1;
            }
            Attempt::GaveUp { error } => {
                tracing::error!(webhook = %hook.id, delivery = %d.id, %error, "robot post given up");
                round.given_up += 1;
            }
        }
        match state.store.record_attempt(d.id, at, &attempt).await {
            // Another sender recorded it first: its outcome stands.
            Ok(()) | Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(round)
}

/// Why a robot could not be reached, for the delivery log: the error and its causes, without
/// the address (its query holds the robot's key and DingTalk's signature).
fn unreached(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

async fn post(state: &AppState, hook: &Webhook, payload: &str) -> Result<(), String> {
    let url = match (&hook.kind, &hook.secret) {
        (RobotKind::Dingtalk, Some(secret)) => {
            let timestamp = state.clock.now().timestamp_millis();
            let sign = dingtalk_sign(secret, timestamp);
            let sep = if hook.url.contains('?') { '&' } else { '?' };
            format!(
                "{}{sep}timestamp={timestamp}&sign={}",
                hook.url,
                url::form_urlencoded::byte_serialize(sign.as_bytes()).collect::<String>()
            )
        }
        _ => hook.url.clone(),
    };
    let response = state
        .http
        .post(url)
        .timeout(POST_TIMEOUT)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(payload.to_owned())
        .send()
        .await
        .map_err(unreached)?;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    robot_accepted(status, &body)
}

/// DingTalk's signature (加签): Base64 of HMAC-SHA256 over `"{timestamp}\n{secret}"` keyed by
/// the secret.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Sends text messages. The default ([`LoggingSms`]) only logs them; a deployment plugs in its
/// operator's gateway by implementing this trait.
#[async_trait]
pub trait SmsSender: Send + Sync + Debug {
    async fn send(&self, to: &str, text: &str) -> Result<(), String>;
}

/// Logs each message (number masked) instead of sending it.
#[derive(Debug, Default)]
pub struct LoggingSms;

#[async_trait]
impl SmsSender for LoggingSms {
    async fn send(&self, to: &str, text: &str) -> Result<(), String> {
        tracing::info!(to = %mask_phone(to), %text, "SMS (no gateway configured: logged only)");
        Ok(())
    }
}

/// Texts an urgent notification to the people told who have a mobile number on file.
pub async fn text_urgent(state: &AppState, users: &[Uuid], m: &Outgoing<'_>) {
    if !m.urgent {
        return;
    }
    let phones = match state.store.phones_of(users).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "cannot read phone numbers for SMS");
            return;
        }
    };
    let text = format!("【林长制】{}", m.title);
    for (user, phone) in phones {
        if let Err(e) = state.sms.send(&phone, &text).await {
            tracing::warn!(%user, error = %e, "SMS not sent");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signatures_depend_on_the_timestamp() {
        // HMAC-SHA256 in Base64: 32 bytes are 44 characters. (The HTTP test checks the value
        // against Python's hmac.)
        let a = dingtalk_sign("SEC000", 1_700_000_000_000);
        assert_eq!(a, dingtalk_sign("SEC000", 1_700_000_000_000));
        assert_ne!(a, dingtalk_sign("SEC000", 1_700_000_000_001));
        assert_eq!(a.len(), 44);
    }
}
