//! Task lists (清单化任务, C4): targets issued at a grid, broken down level by level to child
//! grids, progress reports with evidence, and the roll-up of progress up the tree. The rules are
//! the domain's (`linzhang_domain::task`); scope is the store's.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use linzhang_domain::Role;
use linzhang_domain::contact_sheet::may_issue;
use linzhang_domain::task::{self, KIND_TABLE, Node, Progress, check_breakdown};
use linzhang_store::{NewTask, Task, TaskPart, TaskReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{Labels, date, instant, parse_date, parse_grid, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// A task to issue at a grid in the caller's scope (a root of a breakdown).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTaskBody {
    /// Minted by the client.
    pub id: String,
    /// The grid the target is for.
    pub grid_code: String,
    pub title: String,
    /// A code of the `task_kind` table (its unit comes with it).
    pub kind: String,
    pub amount: f64,
    /// YYYY-MM-DD.
    pub deadline: String,
    /// The meeting whose decision this task carries out…
    pub meeting_id: Option<String>,
    /// …and the index of the decision in the meeting's list.
    pub decision_index: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskPartBody {
    pub id: String,
    /// A child grid of the task's grid.
    pub grid_code: String,
    pub amount: f64,
    /// The parent's title when absent.
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BreakdownBody {
    pub parts: Vec<TaskPartBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProgressBody {
    pub id: String,
    /// Done since the last report, in the task's unit.
    pub amount: f64,
    #[serde(default)]
    pub note: String,
    /// References to evidence files (acceptance papers, photos, tables).
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: String,
    pub parent_id: Option<String>,
    pub grid_code: String,
    pub grid_name: String,
    pub title: String,
    pub kind: String,
    pub kind_name: String,
    pub amount: f64,
    pub unit: String,
    pub deadline: String,
    pub meeting_id: Option<String>,
    pub decision_index: Option<i64>,
    pub issued_by: Option<String>,
    pub created_at: String,
    pub progress: Progress,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    pub id: String,
    pub task_id: String,
    pub amount: f64,
    pub note: String,
    pub evidence: Vec<String>,
    pub reported_at: String,
    pub reported_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetail {
    pub task: TaskView,
    /// The tasks it was broken down into.
    pub children: Vec<TaskView>,
    /// Its own progress reports, oldest first.
    pub reports: Vec<ProgressView>,
}

fn progress_view(r: &TaskReport) -> ProgressView {
    ProgressView {
        id: r.id.to_string(),
        task_id: r.task_id.to_string(),
        amount: r.amount,
        note: r.note.clone(),
        evidence: r.evidence.clone(),
        reported_at: instant(r.reported_at),
        reported_by: r.reported_by.clone(),
    }
}

/// Every task in the caller's scope with its rolled-up progress, in tree order.
async fn rolled_up(state: &AppState, caller: &Caller) -> ApiResult<Vec<TaskView>> {
    let tasks = state.store.tasks(&caller.scope).await?;
    let nodes: Vec<Node> = tasks
        .iter()
        .map(|t| Node {
            id: t.id,
            parent: t.parent_id,
            amount: t.amount,
            deadline: t.deadline,
            reported: t.reported,
        })
        .collect();
    let progress = task::roll_up(&nodes, state.today());
    let labels = Labels::load(state, &[KIND_TABLE]).await?;
    Ok(tasks
        .iter()
        .filter_map(|t| {
            let p = *progress.get(&t.id)?;
            Some(view(t, p, &labels))
        })
        .collect())
}

fn view(t: &Task, progress: Progress, labels: &Labels) -> TaskView {
    TaskView {
        id: t.id.to_string(),
        parent_id: t.parent_id.map(|p| p.to_string()),
        grid_code: t.grid_code.to_string(),
        grid_name: t.grid_name.clone(),
        title: t.title.clone(),
        kind: t.kind.clone(),
        kind_name: labels.get(KIND_TABLE, &t.kind),
        amount: t.amount,
        unit: t.unit.clone(),
        deadline: date(t.deadline),
        meeting_id: t.meeting_id.map(|m| m.to_string()),
        decision_index: t.decision_index,
        issued_by: t.issued_by.clone(),
        created_at: instant(t.created_at),
        progress,
    }
}

async fn detail_of(state: &AppState, caller: &Caller, id: uuid::Uuid) -> ApiResult<TaskDetail> {
    state.store.task(&caller.scope, id).await?;
    let all = rolled_up(state, caller).await?;
    let id_s = id.to_string();
    let mut task = None;
    let mut children = Vec::new();
    for v in all {
        if v.id == id_s {
            task = Some(v);
        } else if v.parent_id.as_deref() == Some(id_s.as_str()) {
            children.push(v);
        }
    }
    let reports = state.store.task_reports(&caller.scope, id).await?;
    Ok(TaskDetail {
        task: task.ok_or_else(|| ApiError::not_found("task"))?,
        children,
        reports: reports.iter().map(progress_view).collect(),
    })
}

fn refused(e: &task::TaskError) -> ApiError {
    let code = match e {
        task::TaskError::Exceeds { .. } => "breakdown_exceeds",
        _ => "invalid_task",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
}

/// Issue a task (目标任务) at a grid in the caller's scope (offices and chiefs), optionally
/// carrying out a meeting's decision.
#[utoipa::path(post, operation_id = "tasks_create", path = "/api/v1/tasks", tag = "tasks", request_body = NewTaskBody,
    responses((status = 201, body = TaskDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<NewTaskBody>,
) -> ApiResult<(StatusCode, Json<TaskDetail>)> {
    caller
        .allow(&state, may_issue(caller.user.role), "task.create")
        .await?;
    let kinds = state.store.code_table(KIND_TABLE, None).await?.table;
    let unit = task::unit_of(&kinds, &b.kind).ok_or_else(|| {
        ApiError::bad_request("unknown_code", format!("{:?} is not a task kind", b.kind))
    })?;
    task::validate(&b.title, b.amount).map_err(|e| refused(&e))?;
    let new = NewTask {
        id: parse_uuid(&b.id, "id")?,
        parent_id: None,
        grid_code: parse_grid(&b.grid_code)?,
        title: b.title,
        kind: b.kind,
        amount: b.amount,
        unit,
        deadline: parse_date(&b.deadline, "deadline")?,
        meeting_id: b
            .meeting_id
            .as_deref()
            .map(|m| parse_uuid(m, "meeting_id"))
            .transpose()?,
        decision_index: b.decision_index,
    };
    if new.meeting_id.is_some() != new.decision_index.is_some() {
        return Err(ApiError::bad_request(
            "invalid_task",
            "a meeting decision is named by meeting_id and decision_index together",
        ));
    }
    let stored = state
        .store
        .create_task(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &caller, stored.id).await?),
    ))
}

/// Break a task down to its grid's child grids (分解下达). The children's amounts, with those
/// given before, may not exceed the task's: `breakdown_exceeds` names both sums; the shortfall
/// is in the task's progress.
#[utoipa::path(post, operation_id = "tasks_breakdown", path = "/api/v1/tasks/{id}/breakdown", tag = "tasks", request_body = BreakdownBody,
    params(("id" = String, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn breakdown(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<BreakdownBody>,
) -> ApiResult<Json<TaskDetail>> {
    let id = parse_uuid(&id, "id")?;
    let parent = state.store.task(&caller.scope, id).await?;
    caller
        .allow(&state, may_issue(caller.user.role), "task.breakdown")
        .await?;
    let parts = b
        .parts
        .iter()
        .map(|p| {
            Ok(TaskPart {
                id: parse_uuid(&p.id, "id")?,
                grid_code: parse_grid(&p.grid_code)?,
                amount: p.amount,
                title: p.title.clone(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let before: Vec<f64> = state
        .store
        .tasks(&caller.scope)
        .await?
        .iter()
        .filter(|t| t.parent_id == Some(id))
        .map(|t| t.amount)
        .collect();
    let amounts: Vec<f64> = parts.iter().map(|p| p.amount).collect();
    check_breakdown(parent.amount, &before, &amounts).map_err(|e| refused(&e))?;
    state
        .store
        .break_down_task(&caller.ctx(&state), &caller.scope, id, &parts)
        .await?;
    Ok(Json(detail_of(&state, &caller, id).await?))
}

/// Report progress (进度上报) on a task that is not broken down, with evidence references.
#[utoipa::path(post, operation_id = "tasks_progress", path = "/api/v1/tasks/{id}/progress", tag = "tasks", request_body = ProgressBody,
    params(("id" = String, Path, description = "Task id")),
    responses((status = 201, body = ProgressView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<ProgressBody>,
) -> ApiResult<(StatusCode, Json<ProgressView>)> {
    let task_id = parse_uuid(&id, "id")?;
    state.store.task(&caller.scope, task_id).await?;
    caller
        .allow(
            &state,
            !matches!(caller.user.role, Role::Auditor),
            "task.progress",
        )
        .await?;
    let report = TaskReport {
        id: parse_uuid(&b.id, "id")?,
        task_id,
        amount: b.amount,
        note: b.note,
        evidence: b.evidence,
        reported_at: state.clock.now(),
        reported_by: None,
    };
    let stored = state
        .store
        .report_task_progress(&caller.ctx(&state), &caller.scope, &report)
        .await?;
    Ok((StatusCode::CREATED, Json(progress_view(&stored))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TaskQuery {
    /// Only the tasks assigned to the caller's own grid (我的任务).
    pub mine: Option<bool>,
}

/// The task tree under the caller's grid with rolled-up progress, in tree order (each task
/// names its parent).
#[utoipa::path(get, operation_id = "tasks_list", path = "/api/v1/tasks", tag = "tasks", params(TaskQuery),
    responses((status = 200, body = [TaskView]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TaskQuery>,
) -> ApiResult<Json<Vec<TaskView>>> {
    let mut all = rolled_up(&state, &caller).await?;
    if q.mine == Some(true) {
        let own = caller.user.grid_code.to_string();
        all.retain(|t| t.grid_code == own);
    }
    Ok(Json(all))
}

/// A task with the tasks it was broken down into and its own progress reports.
#[utoipa::path(get, operation_id = "tasks_detail", path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = String, Path, description = "Task id")),
    responses((status = 200, body = TaskDetail), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<TaskDetail>> {
    let id = parse_uuid(&id, "id")?;
    Ok(Json(detail_of(&state, &caller, id).await?))
}
