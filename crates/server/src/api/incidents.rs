//! Incidents (事件): report, list, detail with the timeline, and the actions of the state
//! machine. The rules are the domain's (`linzhang_domain::incident`); scope and idempotency are
//! the store's.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use linzhang_domain::incident::{
    DEADLINE_TABLE, DeadlineRules, KIND_TABLE, PEST_TABLE, is_overdue, may, may_report,
    reaches_at_once, validate_classification,
};
use linzhang_domain::notice::IncidentEvent;
use linzhang_domain::{IncidentAction, IncidentSource, IncidentState};
use linzhang_store::{Incident, IncidentFilter, NewIncident, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;

use super::convert::{Labels, instant, parse_grid, parse_uuid};
use super::views::{IncidentDetail, IncidentEventView, IncidentView, NewIncidentBody};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The time limits in force: the current `incident_deadline` table, or the built-in defaults
/// when a database has none.
pub(crate) async fn deadline_rules(state: &AppState) -> ApiResult<DeadlineRules> {
    match state.store.code_table(DEADLINE_TABLE, None).await {
        Ok(t) => DeadlineRules::from_table(&t.table).map_err(|e| {
            tracing::error!(error = %e, "the incident_deadline code table is invalid");
            ApiError::internal()
        }),
        Err(StoreError::NotFound { .. }) => Ok(DeadlineRules::defaults()),
        Err(e) => Err(e.into()),
    }
}

fn view(i: &Incident, labels: &Labels, now: DateTime<Utc>) -> IncidentView {
    IncidentView {
        id: i.id.to_string(),
        grid_code: i.grid_code.to_string(),
        grid_name: i.grid_name.clone(),
        kind: i.kind.clone(),
        kind_name: labels.get(KIND_TABLE, &i.kind),
        pest: i.pest.clone(),
        source: i.source,
        priority: i.priority,
        state: i.state,
        title: i.title.clone(),
        description: i.description.clone(),
        lon: i.lon,
        lat: i.lat,
        reporter_name: i.reporter_name.clone(),
        assignee_id: i.assignee.map(|a| a.to_string()),
        assignee_name: i.assignee_name.clone(),
        duplicate_of: i.duplicate_of.map(|d| d.to_string()),
        reported_at: instant(i.reported_at),
        updated_at: instant(i.updated_at),
        due_at: instant(i.clock_started_at + i.due),
        overdue: is_overdue(i.state, i.clock_started_at, i.due, now),
        urgent_alert: reaches_at_once(&i.kind, i.source),
    }
}

async fn table(state: &AppState, name: &str) -> ApiResult<linzhang_domain::codes::CodeTable> {
    Ok(state.store.code_table(name, None).await?.table)
}

/// Report an incident. The client mints the id, so a retried upload (a phone back in coverage)
/// answers the stored incident with 200 instead of creating a second one.
#[utoipa::path(post, operation_id = "incidents_report", path = "/api/v1/incidents", tag = "incidents", request_body = NewIncidentBody,
    responses(
        (status = 201, description = "Reported", body = IncidentView),
        (status = 200, description = "Already reported with this id", body = IncidentView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewIncidentBody>,
) -> ApiResult<(StatusCode, Json<IncidentView>)> {
    caller
        .allow(&state, may_report(caller.user.role), "incident.report")
        .await?;
    let kinds = table(&state, KIND_TABLE).await?;
    let pests = table(&state, PEST_TABLE).await?;
    validate_classification(&kinds, &pests, &body.kind, body.pest.as_deref())
        .map_err(|e| ApiError::bad_request("unknown_code", e.to_string()))?;
    let due = deadline_rules(&state)
        .await?
        .due_within(&body.kind, body.priority);
    let new = NewIncident {
        id: parse_uuid(&body.id, "id")?,
        grid_code: parse_grid(&body.grid_code)?,
        kind: body.kind,
        pest: body.pest,
        source: IncidentSource::of_role(caller.user.role),
        priority: body.priority,
        title: body.title,
        description: body.description,
        lon: body.lon,
        lat: body.lat,
        due,
    };
    let (incident, created) = state
        .store
        .report_incident(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    if created {
        crate::notify::incident(&state, &incident, IncidentEvent::Reported).await;
    }
    let labels = Labels::load(&state, &[KIND_TABLE]).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view(&incident, &labels, state.clock.now()))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct IncidentQuery {
    /// Only incidents of this grid's subtree.
    pub grid: Option<String>,
    pub state: Option<IncidentState>,
    /// At most 1000; 200 when absent.
    pub limit: Option<i64>,
}

/// Incidents in the caller's scope, newest first.
#[utoipa::path(get, operation_id = "incidents_list", path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, body = [IncidentView]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<IncidentQuery>,
) -> ApiResult<Json<Vec<IncidentView>>> {
    let filter = IncidentFilter {
        grid: q
            .grid
            .as_deref()
            .filter(|g| !g.is_empty())
            .map(parse_grid)
            .transpose()?,
        state: q.state,
        limit: q.limit,
    };
    let list = state.store.incidents(&caller.scope, &filter).await?;
    let labels = Labels::load(&state, &[KIND_TABLE]).await?;
    let now = state.clock.now();
    Ok(Json(list.iter().map(|i| view(i, &labels, now)).collect()))
}

async fn detail_of(state: &AppState, caller: &Caller, id: uuid::Uuid) -> ApiResult<IncidentDetail> {
    let incident = state.store.incident(&caller.scope, id).await?;
    let events = state.store.incident_events(&caller.scope, id).await?;
    let attachments = state
        .store
        .attachments(
            &caller.scope,
            linzhang_domain::attachment::Owner::Incident(id),
        )
        .await?;
    let labels = Labels::load(state, &[KIND_TABLE]).await?;
    Ok(IncidentDetail {
        incident: view(&incident, &labels, state.clock.now()),
        events: events
            .into_iter()
            .map(|e| IncidentEventView {
                at: instant(e.at),
                actor_name: e.actor_name,
                action: e.action,
                from_state: e.from_state,
                to_state: e.to_state,
                from_grid: e.from_grid.to_string(),
                to_grid: e.to_grid.to_string(),
                note: e.note,
            })
            .collect(),
        attachments: attachments.iter().map(super::attachments::view).collect(),
    })
}

/// An incident with its timeline.
#[utoipa::path(get, operation_id = "incidents_detail", path = "/api/v1/incidents/{id}", tag = "incidents",
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = IncidentDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<IncidentDetail>> {
    let id = parse_uuid(&id, "id")?;
    Ok(Json(detail_of(&state, &caller, id).await?))
}

/// Act on an incident: accept, reject, `mark_duplicate`, assign, start, resolve, verify, reopen,
/// close or escalate (上报上级林长, which hands it to the parent grid with a fresh time limit).
#[utoipa::path(post, operation_id = "incidents_act", path = "/api/v1/incidents/{id}/actions", tag = "incidents", request_body = IncidentAction,
    params(("id" = String, Path, description = "Incident id")),
    responses(
        (status = 200, description = "The incident after the action (an escalated one may have left the caller's scope)", body = IncidentView),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, description = "Not allowed from the current state", body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(action): Json<IncidentAction>,
) -> ApiResult<Json<IncidentView>> {
    let id = parse_uuid(&id, "id")?;
    let incident = state.store.incident(&caller.scope, id).await?;
    let what = format!("incident.{}", action.name());
    caller
        .allow(&state, may(caller.user.role, &action), &what)
        .await?;
    let by_assignee = caller.user.person_id.is_some() && caller.user.person_id == incident.assignee;
    let due_after_escalation = match action {
        IncidentAction::Escalate { .. } => Some(
            deadline_rules(&state)
                .await?
                .due_within(&incident.kind, incident.priority),
        ),
        _ => None,
    };
    let after = state
        .store
        .act_on_incident(
            &caller.ctx(&state),
            &caller.scope,
            id,
            &action,
            by_assignee,
            due_after_escalation,
        )
        .await?;
    match action {
        IncidentAction::Escalate { .. } => {
            crate::notify::incident(&state, &after, IncidentEvent::Escalated).await;
        }
        IncidentAction::Assign { to } => crate::notify::incident_assigned(&state, &after, to).await,
        _ => {}
    }
    let labels = Labels::load(&state, &[KIND_TABLE]).await?;
    Ok(Json(view(&after, &labels, state.clock.now())))
}
