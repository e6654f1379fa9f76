//! Code tables, the leading group and departments, the audit log, and user accounts.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use linzhang_domain::account::{DEPARTMENT_TABLE, check_department};
use linzhang_domain::codes::CodeTable;
use linzhang_domain::{Action, Scope};
use linzhang_store::{AuditFilter, CodeTableVersion, NewUser, StoreError};
use serde::Deserialize;
use utoipa::IntoParams;

use super::convert::{self, instant, parse_grid, parse_uuid};
use super::views::{
    AuditEntry, AuditPage, CodeTableBody, CodeTableView, Department, NewUserBody, Organisation,
    ResetPasswordBody, UserView,
};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

fn table_view(t: &CodeTableVersion) -> CodeTableView {
    CodeTableView {
        name: t.table.name.clone(),
        title_zh: t.table.title_zh.clone(),
        title_en: t.table.title_en.clone(),
        version: t.version,
        published_at: instant(t.published_at),
        published_by: t.published_by.clone(),
        entries: t.table.entries.clone(),
    }
}

/// The current version of every code table.
#[utoipa::path(get, operation_id = "admin_code_tables", path = "/api/v1/code-tables", tag = "code tables",
    responses((status = 200, body = [CodeTableView]), (status = 401, body = ErrorBody)))]
pub async fn code_tables(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<Vec<CodeTableView>>> {
    Ok(Json(
        state
            .store
            .code_tables()
            .await?
            .iter()
            .map(table_view)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    /// A past version; the current one when absent.
    pub version: Option<i64>,
}

/// One code table, current or at a past version.
#[utoipa::path(get, operation_id = "admin_code_table", path = "/api/v1/code-tables/{name}", tag = "code tables",
    params(("name" = String, Path, description = "Table name"), VersionQuery),
    responses((status = 200, body = CodeTableView), (status = 404, body = ErrorBody)))]
pub async fn code_table(
    State(state): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<CodeTableView>> {
    Ok(Json(table_view(
        &state.store.code_table(&name, q.version).await?,
    )))
}

/// Publish a new version of a code table (admins).
#[utoipa::path(put, operation_id = "admin_publish_code_table", path = "/api/v1/code-tables/{name}", tag = "code tables", request_body = CodeTableBody,
    params(("name" = String, Path, description = "Table name")),
    responses((status = 200, body = CodeTableView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish_code_table(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    Json(body): Json<CodeTableBody>,
) -> ApiResult<Json<CodeTableView>> {
    caller
        .require(&state, Action::EditCodeTables, "code_table.publish")
        .await?;
    let table = CodeTable {
        name,
        title_zh: body.title_zh,
        title_en: body.title_en,
        entries: body.entries,
    };
    let v = state
        .store
        .publish_code_table(&caller.ctx(&state), &table)
        .await?;
    Ok(Json(table_view(&v)))
}

/// The leading group (领导小组), its office, and the member departments with their duties.
#[utoipa::path(get, operation_id = "admin_organisation", path = "/api/v1/organisation", tag = "organisation",
    responses((status = 200, body = Organisation), (status = 401, body = ErrorBody)))]
pub async fn organisation(
    State(state): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<Organisation>> {
    let table = |name: &'static str| {
        let store = state.store.clone();
        async move {
            match store.code_table(name, None).await {
                Ok(t) => Ok(t.table.entries),
                Err(StoreError::NotFound { .. }) => Ok(Vec::new()),
                Err(e) => Err(ApiError::from(e)),
            }
        }
    };
    let group = table("leading_group").await?;
    let departments = table("department").await?;
    Ok(Json(Organisation {
        leading_group: group,
        departments: departments
            .iter()
            .map(|d| Department {
                code: d.code.clone(),
                name: d.name_zh.clone(),
                duties: d.description.clone().unwrap_or_default(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Entries older than this id.
    pub before: Option<String>,
    pub username: Option<String>,
    pub action: Option<String>,
    /// At most 500; 50 when absent.
    pub limit: Option<i64>,
}

/// The audit log, newest first (admins and auditors).
#[utoipa::path(get, operation_id = "admin_audit", path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    caller
        .require(&state, Action::ReadAudit, "audit.read")
        .await?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let filter = AuditFilter {
        before: q
            .before
            .as_deref()
            .map(|b| parse_uuid(b, "before"))
            .transpose()?,
        username: q.username.filter(|s| !s.is_empty()),
        action: q.action.filter(|s| !s.is_empty()),
        limit,
    };
    let items = state.store.audit(&filter).await?;
    let next_before = (i64::try_from(items.len()).unwrap_or(i64::MAX) == limit)
        .then(|| items.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(Json(AuditPage {
        items: items
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id.to_string(),
                at: instant(e.at),
                username: e.username,
                client_addr: e.client_addr,
                action: e.action,
                target: e.target,
                before: e.before,
                after: e.after,
                result: e.result,
            })
            .collect(),
        next_before,
    }))
}

/// Accounts whose grid is in the admin's scope.
#[utoipa::path(get, operation_id = "admin_users", path = "/api/v1/users", tag = "users",
    responses((status = 200, body = [UserView]), (status = 403, body = ErrorBody)))]
pub async fn users(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<UserView>>> {
    caller
        .require(&state, Action::ManageUsers, "user.read")
        .await?;
    Ok(Json(
        state
            .store
            .users(&caller.scope)
            .await?
            .iter()
            .map(convert::user)
            .collect(),
    ))
}

/// Create an account with a temporary password, to be changed at first login (admins).
#[utoipa::path(post, operation_id = "admin_create_user", path = "/api/v1/users", tag = "users", request_body = NewUserBody,
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewUserBody>,
) -> ApiResult<Json<UserView>> {
    caller
        .require(&state, Action::ManageUsers, "user.create")
        .await?;
    let grid = parse_grid(&body.grid_code)?;
    state.store.grid(&caller.scope, &grid).await?;
    let person_id = match body.person_id.as_deref() {
        Some(p) => Some(
            state
                .store
                .person(&caller.scope, parse_uuid(p, "person_id")?)
                .await?
                .id,
        ),
        None => None,
    };
    let departments = state.store.code_table(DEPARTMENT_TABLE, None).await?;
    check_department(body.role, body.department.as_deref(), &departments.table)
        .map_err(|e| ApiError::bad_request("bad_department", e.to_string()))?;
    let department = body.department.clone();
    let hash = crate::auth::password::policy_hash(&body.password).await?;
    let user = state
        .store
        .create_user(
            &caller.ctx(&state),
            &NewUser {
                username: body.username,
                password_hash: hash,
                role: body.role,
                grid_code: grid,
                must_change_password: true,
                person_id,
                department,
            },
        )
        .await?;
    Ok(Json(convert::user(&user)))
}

async fn user_in_scope(
    state: &AppState,
    scope: &Scope,
    username: &str,
) -> ApiResult<linzhang_store::User> {
    state
        .store
        .user_by_name(username)
        .await?
        .filter(|u| scope.contains_path(&u.grid_path))
        .ok_or_else(|| ApiError::not_found("user"))
}

/// Lock an account and end its sessions (admins).
#[utoipa::path(post, operation_id = "admin_lock", path = "/api/v1/users/{username}/lock", tag = "users",
    params(("username" = String, Path, description = "User name")),
    responses((status = 204, description = "Locked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn lock(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::ManageUsers, "user.lock")
        .await?;
    let user = user_in_scope(&state, &caller.scope, &username).await?;
    state
        .store
        .set_disabled(&caller.ctx(&state), user.id, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Give an account a temporary password (admins), for a user who forgot his: he must change
/// it at the next login, and every session of the account ends.
#[utoipa::path(post, operation_id = "admin_reset_password", path = "/api/v1/users/{username}/password", tag = "users",
    params(("username" = String, Path, description = "User name")), request_body = ResetPasswordBody,
    responses((status = 204, description = "Reset"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
    Json(body): Json<ResetPasswordBody>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::ManageUsers, "user.reset_password")
        .await?;
    let user = user_in_scope(&state, &caller.scope, &username).await?;
    let hash = crate::auth::password::policy_hash(&body.password).await?;
    let ctx = caller.ctx(&state);
    state.store.set_password(&ctx, user.id, &hash, true).await?;
    state
        .store
        .revoke_user_sessions(&ctx, user.id, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unlock an account, also clearing a lock from failed logins (admins).
#[utoipa::path(post, operation_id = "admin_unlock", path = "/api/v1/users/{username}/unlock", tag = "users",
    params(("username" = String, Path, description = "User name")),
    responses((status = 204, description = "Unlocked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::ManageUsers, "user.unlock")
        .await?;
    let user = user_in_scope(&state, &caller.scope, &username).await?;
    state
        .store
        .set_disabled(&caller.ctx(&state), user.id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke every session of an account (admins).
#[utoipa::path(post, operation_id = "admin_revoke_sessions", path = "/api/v1/users/{username}/revoke-sessions", tag = "users",
    params(("username" = String, Path, description = "User name")),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    caller: Caller,
    Path(username): Path<String>,
) -> ApiResult<StatusCode> {
    caller
        .require(&state, Action::ManageUsers, "user.revoke_sessions")
        .await?;
    let user = user_in_scope(&state, &caller.scope, &username).await?;
    state
        .store
        .revoke_user_sessions(&caller.ctx(&state), user.id, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
