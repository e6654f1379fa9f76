//! Group-chat robots (WeCom 企业微信, DingTalk 钉钉) per grid: what the platform tells the people
//! of a grid is also posted to its robots. Offices and admins configure them; the delivery log
//! shows every attempt.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use linzhang_domain::Action;
use linzhang_domain::audit::Actor;
use linzhang_domain::webhook::RobotKind;
use linzhang_store::{Delivery, DeliveryState, Webhook, WriteCtx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{instant, parse_grid, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::outbound::{Outgoing, enqueue_to};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookBody {
    /// Messages about this grid and the grids below it are posted.
    pub grid_code: String,
    pub kind: RobotKind,
    /// E.g. 锡山区林长办工作群.
    pub name: String,
    /// The robot's webhook address (it holds the robot's key).
    pub url: String,
    /// DingTalk's signing secret (加签, `SEC…`), when the robot uses one.
    pub secret: Option<String>,
    /// Only urgent messages (fire, SOS, camera alarms).
    #[serde(default)]
    pub urgent_only: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub grid_code: String,
    pub kind: RobotKind,
    pub name: String,
    /// The address with its key hidden.
    pub url: String,
    pub signed: bool,
    pub urgent_only: bool,
    pub created_at: String,
}

/// `https://host/path?key=…` → `https://host/path?…`: the key is a credential.
fn shown_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

fn view(w: &Webhook) -> WebhookView {
    WebhookView {
        id: w.id.to_string(),
        grid_code: w.grid_code.to_string(),
        kind: w.kind,
        name: w.name.clone(),
        url: shown_url(&w.url),
        signed: w.secret.is_some(),
        urgent_only: w.urgent_only,
        created_at: instant(w.created_at),
    }
}

/// Configure a robot for a grid in the caller's scope (office staff and admins).
#[utoipa::path(post, operation_id = "webhooks_create", path = "/api/v1/webhooks", tag = "notifications", request_body = WebhookBody,
    responses((status = 201, body = WebhookView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<WebhookBody>,
) -> ApiResult<(StatusCode, Json<WebhookView>)> {
    caller
        .require(&state, Action::WriteOrg, "configure chat robots")
        .await?;
    let parsed = url::Url::parse(b.url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some());
    let Some(url) = parsed else {
        return Err(ApiError::bad_request(
            "bad_url",
            "url must be the robot's http(s) webhook address",
        ));
    };
    if b.name.trim().is_empty() {
        return Err(ApiError::bad_request("bad_name", "name the robot's group"));
    }
    let hook = Webhook {
        id: linzhang_domain::ids::new_id(),
        grid_code: parse_grid(&b.grid_code)?,
        kind: b.kind,
        name: b.name.trim().to_owned(),
        url: url.to_string(),
        secret: b.secret.filter(|s| !s.trim().is_empty()),
        urgent_only: b.urgent_only,
        created_at: state.clock.now(),
    };
    let stored = state
        .store
        .create_webhook(&caller.ctx(&state), &caller.scope, &hook)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&stored))))
}

/// The robots of the caller's grids.
#[utoipa::path(get, operation_id = "webhooks_list", path = "/api/v1/webhooks", tag = "notifications",
    responses((status = 200, body = [WebhookView])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<WebhookView>>> {
    caller
        .require(&state, Action::WriteOrg, "see chat robots")
        .await?;
    Ok(Json(
        state
            .store
            .webhooks(&caller.scope)
            .await?
            .iter()
            .map(view)
            .collect(),
    ))
}

/// Remove a robot (and its delivery log).
#[utoipa::path(delete, operation_id = "webhooks_delete", path = "/api/v1/webhooks/{id}", tag = "notifications",
    params(("id" = String, Path, description = "Robot id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::WriteOrg, "configure chat robots")
        .await?;
    state
        .store
        .delete_webhook(&caller.ctx(&state), &caller.scope, parse_uuid(&id, "id")?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub title: String,
    /// `pending`, `sent` or `failed` (given up).
    pub state: String,
    pub attempts: i64,
    pub next_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

fn delivery_view(d: &Delivery) -> DeliveryView {
    DeliveryView {
        id: d.id.to_string(),
        title: d.title.clone(),
        state: d.state.as_str().into(),
        attempts: d.attempts,
        next_at: (d.state == DeliveryState::Pending).then(|| instant(d.next_at)),
        last_error: d.last_error.clone(),
        created_at: instant(d.created_at),
        sent_at: d.sent_at.map(instant),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveryQuery {
    /// At most 1,000; 100 by default.
    pub limit: Option<i64>,
}

/// A robot's deliveries, newest first, with their attempts.
#[utoipa::path(get, operation_id = "webhooks_deliveries", path = "/api/v1/webhooks/{id}/deliveries", tag = "notifications",
    params(("id" = String, Path, description = "Robot id"), DeliveryQuery),
    responses((status = 200, body = [DeliveryView]), (status = 404, body = ErrorBody)))]
pub async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<DeliveryQuery>,
) -> ApiResult<Json<Vec<DeliveryView>>> {
    caller
        .require(&state, Action::WriteOrg, "see chat robots")
        .await?;
    let id = parse_uuid(&id, "id")?;
    Ok(Json(
        state
            .store
            .deliveries(&caller.scope, id, q.limit.unwrap_or(100))
            .await?
            .iter()
            .map(delivery_view)
            .collect(),
    ))
}

/// Post a test message to one robot, to check its address and secret.
#[utoipa::path(post, operation_id = "webhooks_test", path = "/api/v1/webhooks/{id}/test", tag = "notifications",
    params(("id" = String, Path, description = "Robot id")),
    responses((status = 202, body = DeliveryView), (status = 404, body = ErrorBody)))]
pub async fn test(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<DeliveryView>)> {
    caller
        .require(&state, Action::WriteOrg, "configure chat robots")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let hook = state
        .store
        .webhooks(&caller.scope)
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    let ctx = WriteCtx {
        actor: Actor::system("webhook-test"),
        at: state.clock.now(),
    };
    // Sent even to a robot that takes urgent messages only.
    let probe = Webhook {
        urgent_only: false,
        ..hook
    };
    let title = format!("测试消息：{} 已接入智慧林长平台", probe.name);
    let out = Outgoing {
        title: &title,
        body: "收到此消息说明机器人地址与签名配置正确。",
        link: None,
        urgent: false,
    };
    enqueue_to(&state, &ctx, std::slice::from_ref(&probe), &out).await?;
    let latest = state
        .store
        .deliveries(&caller.scope, id, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(ApiError::internal)?;
    Ok((StatusCode::ACCEPTED, Json(delivery_view(&latest))))
}
