//! The caller's inbox and live events.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{instant, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    /// Fire and SOS.
    pub urgent: bool,
    pub created_at: String,
    pub read_at: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// Only the unread.
    #[serde(default)]
    pub unread: bool,
}

/// The caller's notifications, newest first (at most 200).
#[utoipa::path(get, operation_id = "notices_inbox", path = "/api/v1/notifications", tag = "notifications", params(InboxQuery),
    responses((status = 200, body = [NotificationView]), (status = 401, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<Vec<NotificationView>>> {
    let list = state.store.inbox(caller.user.id, q.unread, 200).await?;
    Ok(Json(
        list.into_iter()
            .map(|n| NotificationView {
                id: n.id.to_string(),
                kind: n.kind,
                title: n.title,
                body: n.body,
                link: n.link,
                urgent: n.urgent,
                created_at: instant(n.created_at),
                read_at: n.read_at.map(instant),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReadBody {
    pub ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadView {
    /// How many were unread.
    pub marked: u64,
}

/// Mark some of the caller's notifications read.
#[utoipa::path(post, operation_id = "notices_read", path = "/api/v1/notifications/read", tag = "notifications", request_body = ReadBody,
    responses((status = 200, body = ReadView), (status = 400, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<ReadBody>,
) -> ApiResult<Json<ReadView>> {
    let ids = b
        .ids
        .iter()
        .map(|i| parse_uuid(i, "ids"))
        .collect::<ApiResult<Vec<_>>>()?;
    let marked = state
        .store
        .mark_read(&caller.ctx(&state), caller.user.id, &ids)
        .await?;
    Ok(Json(ReadView { marked }))
}

/// Live events for the caller (Server-Sent Events): each `data` is a JSON object with `kind`,
/// `title`, `link` and `urgent`. The inbox keeps what arrives while nobody listens.
#[utoipa::path(get, operation_id = "notices_events", path = "/api/v1/events", tag = "notifications",
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = String), (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let me = caller.user.id;
    let rx = state.events.subscribe();
    let stream = futures_util::stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) if e.users.contains(&me) => {
                    let data = serde_json::to_string(&e).unwrap_or_default();
                    return Some((Ok(Event::default().event(e.kind.clone()).data(data)), rx));
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
