//! Work contact sheets (林长工作联系单, C5): issued (交办) to a grid or a member department,
//! supervised with reminders (督办), answered and closed ("件件有回音"); overdue unanswered
//! sheets are escalated by the background job. The rules are the domain's
//! (`linzhang_domain::contact_sheet`); scope is the store's.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use linzhang_domain::Role;
use linzhang_domain::account::DEPARTMENT_TABLE;
use linzhang_domain::contact_sheet::{
    SheetAction, SheetError, SheetSource, SheetState, Sides, is_overdue, may_answer, may_issue,
    transition,
};
use linzhang_domain::notice::SheetEvent;
use linzhang_store::{ContactSheet, NewContactSheet, SheetFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{Labels, date, instant, parse_date, parse_grid, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// The code table of member departments.

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSheetBody {
    /// Minted by the client.
    pub id: String,
    pub title: String,
    /// What is to be done.
    pub body: String,
    pub source: SheetSource,
    /// The finding, public report or incident it comes from.
    pub source_id: Option<String>,
    /// The issuing grid (the caller's own grid when absent).
    pub issuer_grid: Option<String>,
    /// A grid in the caller's scope (its chief and office answer)…
    pub addressee_grid: Option<String>,
    /// …or a member department (a code of the `department` table).
    pub addressee_department: Option<String>,
    /// YYYY-MM-DD: the answer is due by the end of this day.
    pub deadline: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SheetView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub source: SheetSource,
    pub source_id: Option<String>,
    pub issuer_grid: String,
    pub issuer_grid_name: String,
    pub addressee_grid: Option<String>,
    pub addressee_grid_name: Option<String>,
    pub addressee_department: Option<String>,
    pub addressee_department_name: Option<String>,
    pub deadline: String,
    pub state: SheetState,
    pub answer: Option<String>,
    pub evidence: Vec<String>,
    pub answered_at: Option<String>,
    pub answered_by: Option<String>,
    /// Reminders (督办) sent.
    pub reminders: i64,
    /// Escalated for being unanswered past the deadline (the grid above was told).
    pub escalated: bool,
    pub escalated_at: Option<String>,
    /// Unanswered and past the deadline now.
    pub overdue: bool,
    pub issued_by: Option<String>,
    pub issued_at: String,
    pub updated_at: String,
    /// The sides of the sheet the caller is on.
    pub caller: CallerSides,
}

/// The sides of a sheet a caller is on.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallerSides {
    /// The issuing side (may remind, close, reopen).
    pub issues: bool,
    /// The addressed side (may answer).
    pub answers: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SheetEventView {
    pub at: String,
    pub actor_name: Option<String>,
    /// issue, remind, answer, close, reopen, escalate.
    pub action: String,
    pub from_state: Option<SheetState>,
    pub to_state: SheetState,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SheetDetail {
    pub sheet: SheetView,
    pub events: Vec<SheetEventView>,
}

/// Which sides of a sheet the caller is on: the issuing grid is in the caller's scope; the
/// caller belongs to the addressed grid (or is an account of the addressed department over the
/// issuing grid).
pub(crate) fn sides(caller: &Caller, s: &ContactSheet) -> Sides {
    let issuer = caller.scope.contains_path(&s.issuer_path);
    let addressee = match &s.addressee_grid {
        Some(g) => caller.user.grid_code == *g,
        None => {
            caller.user.role == Role::Department
                && issuer
                && caller.user.department == s.addressee_department
        }
    };
    Sides { issuer, addressee }
}

pub(crate) fn view(s: &ContactSheet, sides: Sides, labels: &Labels, today: NaiveDate) -> SheetView {
    SheetView {
        id: s.id.to_string(),
        title: s.title.clone(),
        body: s.body.clone(),
        source: s.source,
        source_id: s.source_id.clone(),
        issuer_grid: s.issuer_grid.to_string(),
        issuer_grid_name: s.issuer_grid_name.clone(),
        addressee_grid: s.addressee_grid.as_ref().map(ToString::to_string),
        addressee_grid_name: s.addressee_grid_name.clone(),
        addressee_department: s.addressee_department.clone(),
        addressee_department_name: s
            .addressee_department
            .as_deref()
            .map(|d| labels.get(DEPARTMENT_TABLE, d)),
        deadline: date(s.deadline),
        state: s.state,
        answer: s.answer.clone(),
        evidence: s.evidence.clone(),
        answered_at: s.answered_at.map(instant),
        answered_by: s.answered_by.clone(),
        reminders: s.reminders,
        escalated: s.escalated,
        escalated_at: s.escalated_at.map(instant),
        overdue: is_overdue(s.state, s.deadline, today),
        issued_by: s.issued_by.clone(),
        issued_at: instant(s.issued_at),
        updated_at: instant(s.updated_at),
        caller: CallerSides {
            issues: sides.issuer,
            answers: sides.addressee,
        },
    }
}

pub(crate) async fn view_for(
    state: &AppState,
    caller: &Caller,
    s: &ContactSheet,
) -> ApiResult<SheetView> {
    let labels = Labels::load(state, &[DEPARTMENT_TABLE]).await?;
    Ok(view(s, sides(caller, s), &labels, state.today()))
}

/// Issue a contact sheet (交办) from a grid in the caller's scope to a grid in it or to a member
/// department (offices and chiefs). The addressee is told.
#[utoipa::path(post, operation_id = "sheets_create", path = "/api/v1/contact-sheets", tag = "contact-sheets", request_body = NewSheetBody,
    responses((status = 201, body = SheetView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<NewSheetBody>,
) -> ApiResult<(StatusCode, Json<SheetView>)> {
    caller
        .allow(&state, may_issue(caller.user.role), "contact_sheet.issue")
        .await?;
    if let Some(d) = &b.addressee_department {
        let labels = Labels::load(&state, &[DEPARTMENT_TABLE]).await?;
        if !labels.has(DEPARTMENT_TABLE, d) {
            return Err(ApiError::bad_request(
                "unknown_code",
                format!("{d:?} is not a member department"),
            ));
        }
    }
    let new = NewContactSheet {
        id: parse_uuid(&b.id, "id")?,
        title: b.title,
        body: b.body,
        source: b.source,
        source_id: b.source_id,
        issuer_grid: match &b.issuer_grid {
            Some(g) => parse_grid(g)?,
            None => caller.user.grid_code.clone(),
        },
        addressee_grid: b.addressee_grid.as_deref().map(parse_grid).transpose()?,
        addressee_department: b.addressee_department,
        deadline: parse_date(&b.deadline, "deadline")?,
    };
    let sheet = state
        .store
        .create_contact_sheet(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    crate::notify::sheet(&state, &sheet, SheetEvent::Issued).await;
    Ok((
        StatusCode::CREATED,
        Json(view_for(&state, &caller, &sheet).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SheetQuery {
    /// `issued`, `answered`, `closed`, or `escalated` (escalated, whatever the state).
    pub status: Option<String>,
    /// Only unanswered sheets past their deadline.
    pub overdue: Option<bool>,
}

/// Contact sheets the caller's grids issued or received, newest first.
#[utoipa::path(get, operation_id = "sheets_list", path = "/api/v1/contact-sheets", tag = "contact-sheets", params(SheetQuery),
    responses((status = 200, body = [SheetView]), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SheetQuery>,
) -> ApiResult<Json<Vec<SheetView>>> {
    let today = state.today();
    let mut filter = SheetFilter::default();
    match q.status.as_deref() {
        None | Some("") => {}
        Some("escalated") => filter.escalated = Some(true),
        Some(s) => {
            filter.state = Some(SheetState::parse(s).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_status",
                    "status is issued, answered, closed or escalated",
                )
            })?);
        }
    }
    if q.overdue == Some(true) {
        filter.overdue_on = Some(today);
    }
    let sheets = state.store.contact_sheets(&caller.scope, &filter).await?;
    let labels = Labels::load(&state, &[DEPARTMENT_TABLE]).await?;
    Ok(Json(
        sheets
            .iter()
            .map(|s| view(s, sides(&caller, s), &labels, today))
            .collect(),
    ))
}

/// A contact sheet with its timeline.
#[utoipa::path(get, operation_id = "sheets_detail", path = "/api/v1/contact-sheets/{id}", tag = "contact-sheets",
    params(("id" = String, Path, description = "Sheet id")),
    responses((status = 200, body = SheetDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<SheetDetail>> {
    let id = parse_uuid(&id, "id")?;
    let sheet = state.store.contact_sheet(&caller.scope, id).await?;
    let events = state.store.contact_sheet_events(&caller.scope, id).await?;
    Ok(Json(SheetDetail {
        sheet: view_for(&state, &caller, &sheet).await?,
        events: events
            .into_iter()
            .map(|e| SheetEventView {
                at: instant(e.at),
                actor_name: e.actor_name,
                action: e.action,
                from_state: e.from_state,
                to_state: e.to_state,
                note: e.note,
            })
            .collect(),
    }))
}

fn refused(e: &SheetError) -> ApiError {
    let status = match e {
        SheetError::NotAnswered | SheetError::Illegal { .. } => StatusCode::CONFLICT,
        SheetError::AnswerRequired | SheetError::ReasonRequired => StatusCode::UNPROCESSABLE_ENTITY,
        SheetError::WrongSide(_) => StatusCode::FORBIDDEN,
    };
    ApiError::new(status, e.code(), e.to_string())
}

/// Act on a sheet: `remind` (督办, notifies the addressee), `answer` (text required, evidence
/// optional), `close` (refused with `sheet_not_answered` before an answer), `reopen` (send an
/// answer back). Illegal transitions are 409 with a `code`; nothing changes.
#[utoipa::path(post, operation_id = "sheets_act", path = "/api/v1/contact-sheets/{id}/actions", tag = "contact-sheets", request_body = SheetAction,
    params(("id" = String, Path, description = "Sheet id")),
    responses((status = 200, body = SheetView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Not allowed from the current state", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(action): Json<SheetAction>,
) -> ApiResult<Json<SheetView>> {
    let id = parse_uuid(&id, "id")?;
    let sheet = state.store.contact_sheet(&caller.scope, id).await?;
    let role = caller.user.role;
    let allowed = if action.by_issuer() {
        may_issue(role)
    } else {
        may_answer(role)
    };
    caller
        .allow(&state, allowed, &format!("contact_sheet.{}", action.name()))
        .await?;
    let sides = sides(&caller, &sheet);
    transition(sheet.state, &action, sides).map_err(|e| refused(&e))?;
    let after = state
        .store
        .act_on_contact_sheet(&caller.ctx(&state), &caller.scope, id, &action, sides)
        .await?;
    match action {
        SheetAction::Remind { .. } => {
            crate::notify::sheet(&state, &after, SheetEvent::Reminded).await;
        }
        SheetAction::Answer { .. } => {
            crate::notify::sheet(&state, &after, SheetEvent::Answered).await;
        }
        SheetAction::Close { .. } | SheetAction::Reopen { .. } => {}
    }
    Ok(Json(view_for(&state, &caller, &after).await?))
}
