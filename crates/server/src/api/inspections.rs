//! Inspections (督察, C7): open (明察) and unannounced (暗访) inspections of a grid with their
//! findings; each finding becomes a contact sheet to the inspected grid in one call, and the
//! result is circulated (通报) to the grids concerned.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use linzhang_domain::contact_sheet::{InspectionKind, SheetSource, may_issue};
use linzhang_domain::notice::SheetEvent;
use linzhang_store::{Finding, Inspection, NewContactSheet, NewInspection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::convert::{date, instant, parse_date, parse_grid, parse_uuid};
use super::sheets::{SheetView, view_for};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct FindingBody {
    pub text: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The contact sheet the finding became (answers only).
    #[serde(default)]
    pub sheet_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInspectionBody {
    /// Minted by the client.
    pub id: String,
    pub kind: InspectionKind,
    pub title: String,
    /// The inspected grid (in the caller's scope); the caller's grid inspects.
    pub target_grid: String,
    /// YYYY-MM-DD.
    pub inspected_on: String,
    #[serde(default)]
    pub inspectors: Vec<String>,
    #[serde(default)]
    pub findings: Vec<FindingBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionView {
    pub id: String,
    pub kind: InspectionKind,
    pub title: String,
    pub by_grid: String,
    pub target_grid: String,
    pub target_grid_name: String,
    pub inspected_on: String,
    pub inspectors: Vec<String>,
    pub findings: Vec<FindingBody>,
    /// When the result was circulated (通报).
    pub circulated_at: Option<String>,
    pub created_by: Option<String>,
    pub created_at: String,
    /// Whether the caller acts for the inspecting side: may turn findings into contact sheets
    /// and circulate the result.
    pub caller_inspects: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FindingSheetBody {
    /// The new sheet's id, minted by the client.
    pub id: String,
    /// YYYY-MM-DD.
    pub deadline: String,
    /// The finding's text when absent.
    pub title: Option<String>,
    pub body: Option<String>,
}

/// Whether the caller acts for the inspecting side: an office or chief over the inspecting grid
/// (the inspected side sees the inspection too, but may not act on it).
async fn inspects(state: &AppState, caller: &Caller, i: &Inspection) -> ApiResult<bool> {
    if !may_issue(caller.user.role) {
        return Ok(false);
    }
    match state.store.grid(&caller.scope, &i.by_grid).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Refuses a caller who may see the inspection (the inspected side) but is not over the
/// inspecting grid.
async fn require_inspector(state: &AppState, caller: &Caller, i: &Inspection) -> ApiResult<()> {
    if inspects(state, caller, i).await? {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_side",
            "only the inspecting grid's side may do this",
        ))
    }
}

/// The inspection as the caller sees it.
async fn view_of(state: &AppState, caller: &Caller, i: &Inspection) -> ApiResult<InspectionView> {
    Ok(view(i, inspects(state, caller, i).await?))
}

fn view(i: &Inspection, caller_inspects: bool) -> InspectionView {
    InspectionView {
        id: i.id.to_string(),
        kind: i.kind,
        title: i.title.clone(),
        by_grid: i.by_grid.to_string(),
        target_grid: i.target_grid.to_string(),
        target_grid_name: i.target_grid_name.clone(),
        inspected_on: date(i.inspected_on),
        inspectors: i.inspectors.clone(),
        findings: i
            .findings
            .iter()
            .map(|f| FindingBody {
                text: f.text.clone(),
                lon: f.lon,
                lat: f.lat,
                sheet_id: f.sheet_id.map(|s| s.to_string()),
            })
            .collect(),
        circulated_at: i.circulated_at.map(instant),
        created_by: i.created_by.clone(),
        created_at: instant(i.created_at),
        caller_inspects,
    }
}

/// Record an inspection of a grid in the caller's scope (offices and chiefs).
#[utoipa::path(post, operation_id = "inspections_create", path = "/api/v1/inspections", tag = "inspections", request_body = NewInspectionBody,
    responses((status = 201, body = InspectionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<NewInspectionBody>,
) -> ApiResult<(StatusCode, Json<InspectionView>)> {
    caller
        .allow(&state, may_issue(caller.user.role), "inspection.create")
        .await?;
    let new = NewInspection {
        id: parse_uuid(&b.id, "id")?,
        kind: b.kind,
        title: b.title,
        by_grid: caller.user.grid_code.clone(),
        target_grid: parse_grid(&b.target_grid)?,
        inspected_on: parse_date(&b.inspected_on, "inspected_on")?,
        inspectors: b.inspectors,
        findings: b
            .findings
            .into_iter()
            .map(|f| Finding {
                text: f.text,
                lon: f.lon,
                lat: f.lat,
                sheet_id: None,
            })
            .collect(),
    };
    let stored = state
        .store
        .create_inspection(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(view_of(&state, &caller, &stored).await?),
    ))
}

/// Inspections made by or of the caller's grids, newest first.
#[utoipa::path(get, operation_id = "inspections_list", path = "/api/v1/inspections", tag = "inspections",
    responses((status = 200, body = [InspectionView]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<InspectionView>>> {
    let list = state.store.inspections(&caller.scope).await?;
    let mut out = Vec::with_capacity(list.len());
    for i in &list {
        out.push(view_of(&state, &caller, i).await?);
    }
    Ok(Json(out))
}

/// One inspection with its findings and the sheets they became.
#[utoipa::path(get, operation_id = "inspections_detail", path = "/api/v1/inspections/{id}", tag = "inspections",
    params(("id" = String, Path, description = "Inspection id")),
    responses((status = 200, body = InspectionView), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionView>> {
    let id = parse_uuid(&id, "id")?;
    let i = state.store.inspection(&caller.scope, id).await?;
    Ok(Json(view_of(&state, &caller, &i).await?))
}

/// Turn a finding into a contact sheet to the inspected grid (one sheet per finding; a second
/// call is 409).
#[utoipa::path(post, operation_id = "inspections_finding_sheet", path = "/api/v1/inspections/{id}/findings/{index}/sheet", tag = "inspections",
    request_body = FindingSheetBody,
    params(("id" = String, Path, description = "Inspection id"), ("index" = usize, Path, description = "Finding index, from 0")),
    responses((status = 201, body = SheetView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn finding_sheet(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, index)): Path<(String, usize)>,
    Json(b): Json<FindingSheetBody>,
) -> ApiResult<(StatusCode, Json<SheetView>)> {
    let id = parse_uuid(&id, "id")?;
    let inspection = state.store.inspection(&caller.scope, id).await?;
    caller
        .allow(
            &state,
            may_issue(caller.user.role),
            "inspection.finding_sheet",
        )
        .await?;
    require_inspector(&state, &caller, &inspection).await?;
    let finding = inspection
        .findings
        .get(index)
        .ok_or_else(|| ApiError::not_found("finding"))?;
    let new = NewContactSheet {
        id: parse_uuid(&b.id, "id")?,
        title: b
            .title
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| finding.text.chars().take(60).collect()),
        body: b.body.unwrap_or_else(|| {
            format!(
                "{}（{}，{}）：{}",
                inspection.title,
                inspection.target_grid_name,
                inspection.inspected_on,
                finding.text
            )
        }),
        source: SheetSource::Inspection,
        source_id: Some(format!("{id}#{index}")),
        issuer_grid: inspection.by_grid.clone(),
        addressee_grid: Some(inspection.target_grid.clone()),
        addressee_department: None,
        deadline: parse_date(&b.deadline, "deadline")?,
    };
    let sheet = state
        .store
        .sheet_from_finding(&caller.ctx(&state), &caller.scope, id, index, &new)
        .await?;
    crate::notify::sheet(&state, &sheet, SheetEvent::Issued).await;
    Ok((
        StatusCode::CREATED,
        Json(view_for(&state, &caller, &sheet).await?),
    ))
}

/// Circulate the result (通报): marks the inspection circulated and tells the chiefs and offices
/// of the inspected grid and the grid above. Once only (422 after); the inspected side may not.
#[utoipa::path(post, operation_id = "inspections_circulate", path = "/api/v1/inspections/{id}/circulate", tag = "inspections",
    params(("id" = String, Path, description = "Inspection id")),
    responses((status = 200, body = InspectionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn circulate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionView>> {
    let id = parse_uuid(&id, "id")?;
    let inspection = state.store.inspection(&caller.scope, id).await?;
    caller
        .allow(&state, may_issue(caller.user.role), "inspection.circulate")
        .await?;
    require_inspector(&state, &caller, &inspection).await?;
    let after = state
        .store
        .circulate_inspection(&caller.ctx(&state), &caller.scope, id)
        .await?;
    crate::notify::inspection_circulated(&state, &after).await;
    Ok(Json(view(&after, true)))
}
