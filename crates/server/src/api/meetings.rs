//! Meetings (C6): chief and office meetings with minutes, attendees and decisions, and the
//! compliance of each grid with its meeting frequency.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use linzhang_domain::patrol::{self, MEETING_RULE_TABLE};
use linzhang_domain::{Action, Level};
use linzhang_store::Meeting;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{parse_date, parse_grid, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct MeetingBody {
    /// Minted by the client.
    pub id: String,
    pub grid_code: String,
    /// `chief` (林长会议) or `office` (林长办会议).
    pub kind: String,
    pub title: String,
    /// YYYY-MM-DD.
    pub held_on: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub attendees: Vec<String>,
    /// Decisions taken (each may become a task).
    #[serde(default)]
    pub decisions: Vec<String>,
}

fn body(m: &Meeting) -> MeetingBody {
    MeetingBody {
        id: m.id.to_string(),
        grid_code: m.grid_code.to_string(),
        kind: m.kind.clone(),
        title: m.title.clone(),
        held_on: m.held_on.to_string(),
        minutes: m.minutes.clone(),
        attendees: m.attendees.clone(),
        decisions: m.decisions.clone(),
    }
}

/// Record a meeting (office staff and admins, at a grid in their scope).
#[utoipa::path(post, operation_id = "meetings_create", path = "/api/v1/meetings", tag = "meetings", request_body = MeetingBody,
    responses((status = 201, body = MeetingBody), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<MeetingBody>,
) -> ApiResult<(StatusCode, Json<MeetingBody>)> {
    caller
        .require(&state, Action::WriteOrg, "record meetings")
        .await?;
    let m = Meeting {
        id: parse_uuid(&b.id, "id")?,
        grid_code: parse_grid(&b.grid_code)?,
        kind: b.kind,
        title: b.title,
        held_on: parse_date(&b.held_on, "held_on")?,
        minutes: b.minutes,
        attendees: b.attendees,
        decisions: b.decisions,
    };
    let stored = state
        .store
        .create_meeting(&caller.ctx(&state), &caller.scope, &m)
        .await?;
    Ok((StatusCode::CREATED, Json(body(&stored))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MeetingQuery {
    /// A day of the year to list (YYYY-MM-DD); today by default.
    pub date: Option<String>,
}

fn day(state: &AppState, q: &MeetingQuery) -> ApiResult<NaiveDate> {
    match &q.date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request("bad_date", "date must be YYYY-MM-DD")),
        None => Ok(state.today()),
    }
}

/// Meetings held in the caller's grids in the year of the date, newest first.
#[utoipa::path(get, operation_id = "meetings_list", path = "/api/v1/meetings", tag = "meetings", params(MeetingQuery),
    responses((status = 200, body = [MeetingBody]), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MeetingQuery>,
) -> ApiResult<Json<Vec<MeetingBody>>> {
    let (from, to) = patrol::Period::Year.bounds(day(&state, &q)?);
    Ok(Json(
        state
            .store
            .meetings(&caller.scope, from, to)
            .await?
            .iter()
            .map(body)
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingCompliance {
    pub grid_code: String,
    pub grid_name: String,
    pub level: Level,
    pub period_start: String,
    pub period_end: String,
    pub required: u32,
    pub done: u32,
    /// Fewer chief meetings than the rule asks so far in the period.
    pub behind: bool,
}

/// Every city, county and town grid in the caller's scope with its chief meetings against the
/// `meeting_rule` code table (city ≥ 1, county and town ≥ 2 a year by default).
#[utoipa::path(get, operation_id = "meetings_compliance", path = "/api/v1/compliance/meetings", tag = "meetings", params(MeetingQuery),
    responses((status = 200, body = [MeetingCompliance]), (status = 400, body = ErrorBody)))]
pub async fn compliance(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MeetingQuery>,
) -> ApiResult<Json<Vec<MeetingCompliance>>> {
    let today = day(&state, &q)?;
    let table = state.store.code_table(MEETING_RULE_TABLE, None).await?;
    let mut out = Vec::new();
    for ((start, end), rules) in patrol::by_period(&patrol::rules(&table.table), today) {
        for c in state
            .store
            .meeting_counts(&caller.scope, start, end)
            .await?
        {
            let level = c.grid_code.level();
            let Some(standing) = patrol::standing(&rules, level, c.meetings) else {
                continue;
            };
            out.push(MeetingCompliance {
                grid_code: c.grid_code.to_string(),
                grid_name: c.grid_name,
                level,
                period_start: start.to_string(),
                period_end: end.to_string(),
                required: standing.required,
                done: standing.done,
                behind: standing.behind,
            });
        }
    }
    out.sort_by(|a, b| a.grid_code.cmp(&b.grid_code));
    Ok(Json(out))
}
