//! Who is calling: the extractor behind every protected handler. It finds the session (bearer
//! token or cookie), kills it when idle too long, checks CSRF on cookie writes, and answers the
//! user with their scope.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use linzhang_domain::account::session_alive;
use linzhang_domain::audit::{Actor, AuditResult};
use linzhang_domain::{Action, Scope};
use linzhang_store::{NewAudit, Session, User, WriteCtx};

use super::tokens::{CSRF_HEADER, SESSION_COOKIE, cookie, token_hash};
use crate::error::ApiError;
use crate::state::AppState;

/// A logged-in user whose session is valid, possibly still owing a password change.
#[derive(Debug, Clone)]
pub struct SessionCaller {
    pub user: User,
    pub session: Session,
    pub scope: Scope,
    pub client_addr: Option<String>,
}

/// A logged-in user who may use the whole API (no password change pending).
#[derive(Debug, Clone)]
pub struct Caller(pub SessionCaller);

impl std::ops::Deref for Caller {
    type Target = SessionCaller;
    fn deref(&self) -> &SessionCaller {
        &self.0
    }
}

pub fn client_addr(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}

impl SessionCaller {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            username: Some(self.user.username.clone()),
            client_addr: self.client_addr.clone(),
        }
    }

    pub fn ctx(&self, state: &AppState) -> WriteCtx {
        WriteCtx {
            actor: self.actor(),
            at: state.clock.now(),
        }
    }

    /// Refuses (and audits the refusal of) an action the role does not grant.
    pub async fn require(
        &self,
        state: &AppState,
        action: Action,
        what: &str,
    ) -> Result<(), ApiError> {
        self.allow(state, self.user.role.can(action), what).await
    }

    /// Passes when `allowed`; otherwise audits the refusal of `what` and answers 403.
    pub async fn allow(&self, state: &AppState, allowed: bool, what: &str) -> Result<(), ApiError> {
        if allowed {
            return Ok(());
        }
        let entry = NewAudit {
            actor: self.actor(),
            at: state.clock.now(),
            action: what.to_owned(),
            target: None,
            before: None,
            after: None,
            result: AuditResult::Denied,
        };
        state.store.append_audit(&entry).await?;
        Err(ApiError::forbidden(format!(
            "the {} role may not do this",
            self.user.role.as_str()
        )))
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for SessionCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (token, via_cookie) = match bearer(parts) {
            Some(t) => (t.to_owned(), false),
            None => match cookie(&parts.headers, SESSION_COOKIE) {
                Some(t) => (t.to_owned(), true),
                None => {
                    return Err(ApiError::unauthenticated("unauthenticated", "log in first"));
                }
            },
        };
        let session = state
            .store
            .session_by_token(&token_hash(&token))
            .await?
            .filter(|s| !s.revoked)
            .ok_or_else(|| {
                ApiError::unauthenticated("unauthenticated", "the session is not valid")
            })?;
        let now = state.clock.now();
        if !session_alive(session.last_seen, now) {
            return Err(ApiError::unauthenticated(
                "session_expired",
                "the session expired after 30 idle minutes; log in again",
            ));
        }
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via_cookie && unsafe_method {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(session.csrf_token.as_str()) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "send the lz_csrf cookie's value in the X-CSRF-Token header",
                ));
            }
        }
        let user = state.store.user(session.user_id).await?;
        if user.login.disabled {
            return Err(ApiError::unauthenticated(
                "account_disabled",
                "the account is locked",
            ));
        }
        // Idle time is counted in minutes: refreshing at most once a minute spares a write
        // (an fsync on SQLite) on every request.
        if now - session.last_seen >= chrono::Duration::minutes(1) {
            state.store.touch_session(session.id, now).await?;
        }
        Ok(Self {
            scope: Scope::under(user.grid_path.clone()),
            user,
            session,
            client_addr: client_addr(parts),
        })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = SessionCaller::from_request_parts(parts, state).await?;
        if caller.user.must_change_password {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "password_change_required",
                "change the initial password first",
            ));
        }
        Ok(Self(caller))
    }
}

/// The client's IP address, when the server knows it.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(client_addr(parts)))
    }
}
