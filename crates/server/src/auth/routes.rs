//! `/api/v1/auth`: log in, log out, who am I, change password, my sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse};
use linzhang_domain::account::{LoginOutcome, decide_login};
use linzhang_domain::audit::{Actor, AuditResult};
use linzhang_domain::ids::new_id;
use linzhang_store::{NewAudit, NewSession, User};

use super::caller::{ClientAddr, SessionCaller};
use super::password;
use super::tokens::{clear_cookies, random_token, session_cookies, token_hash};
use crate::api::convert::{instant, parse_uuid};
use crate::api::views::{LoginRequest, LoginResponse, Me, PasswordChange, SessionView};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

pub fn me(u: &User) -> Me {
    Me {
        id: u.id.to_string(),
        username: u.username.clone(),
        role: u.role,
        grid_code: u.grid_code.to_string(),
        grid_name: u.grid_name.clone(),
        must_change_password: u.must_change_password,
    }
}

fn login_audit(
    username: &str,
    client: Option<String>,
    user: Option<&User>,
    at: chrono::DateTime<chrono::Utc>,
    result: AuditResult,
    reason: &str,
) -> NewAudit {
    NewAudit {
        actor: Actor {
            user_id: user.map(|u| u.id),
            username: Some(username.to_owned()),
            client_addr: client,
        },
        at,
        action: "auth.login".into(),
        target: Some(format!("user:{username}")),
        before: None,
        after: Some(serde_json::json!({ "reason": reason })),
        result,
    }
}

/// Log in with a username and password.
#[utoipa::path(post, operation_id = "auth_login", path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; sets the lz_session and lz_csrf cookies", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 423, description = "Account locked after 5 failures", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let now = state.clock.now();
    let Some(user) = state.store.user_by_name(body.username.trim()).await? else {
        let supplied = body.password.clone();
        let _ = tokio::task::spawn_blocking(move || password::verify_nothing(&supplied)).await;
        let e = login_audit(
            &body.username,
            client,
            None,
            now,
            AuditResult::Denied,
            "unknown user",
        );
        state.store.record_login(None, None, &e).await?;
        return Err(invalid_credentials());
    };
    let hash = user.password_hash.clone();
    let supplied = body.password.clone();
    let password_ok = tokio::task::spawn_blocking(move || password::verify(&supplied, &hash))
        .await
        .map_err(|_| ApiError::internal())?;
    let (outcome, next) = decide_login(&user.login, password_ok, now);
    let (result, reason) = match &outcome {
        LoginOutcome::Accepted => (AuditResult::Ok, "accepted"),
        LoginOutcome::Rejected => (AuditResult::Denied, "wrong password"),
        LoginOutcome::Locked(_) => (AuditResult::Denied, "locked"),
        LoginOutcome::Disabled => (AuditResult::Denied, "disabled"),
    };
    let e = login_audit(
        &user.username,
        client.clone(),
        Some(&user),
        now,
        result,
        reason,
    );
    state
        .store
        .record_login(Some(user.id), Some(&next), &e)
        .await?;
    match outcome {
        LoginOutcome::Accepted => {}
        LoginOutcome::Rejected => return Err(invalid_credentials()),
        LoginOutcome::Locked(until) => {
            return Err(ApiError::new(
                StatusCode::LOCKED,
                "account_locked",
                format!(
                    "too many failed logins: the account is locked until {}",
                    instant(until)
                ),
            ));
        }
        LoginOutcome::Disabled => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "account_disabled",
                "the account is locked by an administrator",
            ));
        }
    }
    let token = random_token(32);
    let csrf = random_token(16);
    state
        .store
        .create_session(&NewSession {
            id: new_id(),
            token_hash: token_hash(&token),
            csrf_token: csrf.clone(),
            user_id: user.id,
            client_addr: client,
            at: now,
        })
        .await?;
    let [c1, c2] = session_cookies(&token, &csrf, state.config.secure_cookies);
    let body = LoginResponse {
        token,
        must_change_password: user.must_change_password,
        user: me(&user),
    };
    Ok((
        AppendHeaders([(header::SET_COOKIE, c1), (header::SET_COOKIE, c2)]),
        Json(body),
    ))
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthenticated("invalid_credentials", "wrong username or password")
}

/// End the current session.
#[utoipa::path(post, operation_id = "auth_logout", path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out"), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    caller: SessionCaller,
) -> ApiResult<impl IntoResponse> {
    state
        .store
        .revoke_session(&caller.ctx(&state), caller.session.id)
        .await?;
    let [c1, c2] = clear_cookies();
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(header::SET_COOKIE, c1), (header::SET_COOKIE, c2)]),
    ))
}

/// The logged-in user.
#[utoipa::path(get, operation_id = "auth_whoami", path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn whoami(caller: SessionCaller) -> Json<Me> {
    Json(me(&caller.user))
}

/// Change the caller's password (required after a temporary one). Other sessions of the user
/// are revoked.
#[utoipa::path(post, operation_id = "auth_change_password", path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 204, description = "Changed"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: SessionCaller,
    Json(body): Json<PasswordChange>,
) -> ApiResult<StatusCode> {
    let hash = caller.user.password_hash.clone();
    let old = body.old_password.clone();
    let ok = tokio::task::spawn_blocking(move || password::verify(&old, &hash))
        .await
        .map_err(|_| ApiError::internal())?;
    if !ok {
        return Err(ApiError::bad_request(
            "wrong_password",
            "the current password is wrong",
        ));
    }
    if body.new_password == body.old_password {
        return Err(ApiError::bad_request(
            "weak_password",
            "the new password must differ from the old one",
        ));
    }
    let hash = password::policy_hash(&body.new_password).await?;
    let ctx = caller.ctx(&state);
    state
        .store
        .set_password(&ctx, caller.user.id, &hash, false)
        .await?;
    state
        .store
        .revoke_user_sessions(&ctx, caller.user.id, Some(caller.session.id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's live sessions.
#[utoipa::path(get, operation_id = "auth_sessions", path = "/api/v1/auth/sessions", tag = "auth",
    responses((status = 200, body = [SessionView]), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<AppState>,
    caller: SessionCaller,
) -> ApiResult<Json<Vec<SessionView>>> {
    let list = state.store.sessions(caller.user.id).await?;
    Ok(Json(
        list.iter()
            .map(|s| SessionView {
                id: s.id.to_string(),
                client_addr: s.client_addr.clone(),
                created_at: instant(s.created_at),
                last_seen: instant(s.last_seen),
                current: s.id == caller.session.id,
            })
            .collect(),
    ))
}

/// Revoke one of the caller's sessions.
#[utoipa::path(delete, operation_id = "auth_revoke_session", path = "/api/v1/auth/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "Session id")),
    responses((status = 204, description = "Revoked"), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    caller: SessionCaller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = parse_uuid(&id, "id")?;
    let mine = state.store.sessions(caller.user.id).await?;
    if !mine.iter().any(|s| s.id == id) {
        return Err(ApiError::not_found("session"));
    }
    state.store.revoke_session(&caller.ctx(&state), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
