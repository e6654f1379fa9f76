//! User accounts and sessions.

use chrono::{DateTime, Utc};
use linzhang_domain::account::LoginState;
use linzhang_domain::ids::new_id;
use linzhang_domain::{GridCode, Role, Scope};
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{
    flag, found, from_ms, get, get_flag, get_instant, get_opt_uuid, get_parsed, get_uuid, ms, some,
};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::{NewAudit, NewSession, NewUser, Session, User, WriteCtx};

const USER_SELECT: &str = "SELECT u.id, u.username, u.password_hash, u.role, u.grid_code, \
    g.name AS grid_name, g.path AS grid_path, u.must_change_password, u.failed_logins, \
    u.locked_until, u.disabled, u.person_id, u.department, u.created_at FROM users u JOIN grids g ON g.code = u.grid_code";

fn user_from_row(r: &AnyRow) -> StoreResult<User> {
    let locked_until: Option<i64> = get(r, "locked_until")?;
    Ok(User {
        id: get_uuid(r, "id")?,
        username: get(r, "username")?,
        password_hash: get(r, "password_hash")?,
        role: get_parsed(r, "role", some(Role::parse))?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        grid_name: get(r, "grid_name")?,
        grid_path: get(r, "grid_path")?,
        must_change_password: get_flag(r, "must_change_password")?,
        login: LoginState {
            failed_logins: get(r, "failed_logins")?,
            locked_until: locked_until.map(from_ms).transpose()?,
            disabled: get_flag(r, "disabled")?,
        },
        person_id: get_opt_uuid(r, "person_id")?,
        department: get(r, "department")?,
        created_at: get_instant(r, "created_at")?,
    })
}

/// The audit view of an account: never the password hash.
fn public(u: &User) -> serde_json::Value {
    serde_json::json!({
        "id": u.id, "username": u.username, "role": u.role, "grid_code": u.grid_code,
        "must_change_password": u.must_change_password, "disabled": u.login.disabled,
        "person_id": u.person_id, "department": u.department,
    })
}

pub async fn create_user(db: &SqlStore, ctx: &WriteCtx, u: &NewUser) -> StoreResult<User> {
    let name = u.username.trim();
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(StoreError::Rejected(
            "a username has no spaces and is not empty".into(),
        ));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, &Scope::everything(), &u.grid_code).await?;
    if let Some(person) = u.person_id {
        super::org::person_in(&mut tx, &Scope::everything(), person).await?;
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, role, grid_code, must_change_password, \
         failed_logins, locked_until, disabled, person_id, department, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, 0, $7, $8, $9)",
    )
    .bind(id.to_string())
    .bind(name)
    .bind(u.password_hash.as_str())
    .bind(u.role.as_str())
    .bind(u.grid_code.as_str())
    .bind(flag(u.must_change_password))
    .bind(u.person_id.map(|p| p.to_string()))
    .bind(u.department.clone())
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "username"))?;
    let sql = format!("{USER_SELECT} WHERE u.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
    let user = user_from_row(&row)?;
    let e = audit::entry(
        ctx,
        "user.create",
        format!("user:{name}"),
        None,
        Some(public(&user)),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn user_by_name(db: &SqlStore, username: &str) -> StoreResult<Option<User>> {
    let pool = db.pool();
    let sql = format!("{USER_SELECT} WHERE u.username = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user(db: &SqlStore, id: Uuid) -> StoreResult<User> {
    let pool = db.pool();
    let sql = format!("{USER_SELECT} WHERE u.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .fetch_optional(pool)
        .await?;
    found(row.as_ref(), user_from_row, "user")
}

pub async fn users(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<User>> {
    let pool = db.pool();
    let sql = format!("{USER_SELECT} WHERE g.path LIKE $1 ORDER BY u.username");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.like_pattern())
        .fetch_all(pool)
        .await?;
    rows.iter().map(user_from_row).collect()
}

pub async fn record_login(
    db: &SqlStore,
    user_id: Option<Uuid>,
    state: Option<&LoginState>,
    entry: &NewAudit,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    if let (Some(id), Some(s)) = (user_id, state) {
        sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(s.failed_logins)
            .bind(s.locked_until.map(ms))
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    audit::insert(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_password(
    db: &SqlStore,
    ctx: &WriteCtx,
    user_id: Uuid,
    hash: &str,
    must_change: bool,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let done =
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
            .bind(hash)
            .bind(flag(must_change))
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user"));
    }
    let after = serde_json::json!({ "must_change_password": must_change });
    let e = audit::entry(
        ctx,
        "user.password",
        format!("user:{user_id}"),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_disabled(
    db: &SqlStore,
    ctx: &WriteCtx,
    user_id: Uuid,
    disabled: bool,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE users SET disabled = $1, failed_logins = 0, locked_until = NULL WHERE id = $2",
    )
    .bind(flag(disabled))
    .bind(user_id.to_string())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user"));
    }
    let action = if disabled { "user.lock" } else { "user.unlock" };
    let e = audit::entry(ctx, action, format!("user:{user_id}"), None, None);
    audit::insert(&mut tx, &e).await?;
    if disabled {
        sqlx::query("UPDATE sessions SET revoked = 1 WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn session_from_row(r: &AnyRow) -> StoreResult<Session> {
    Ok(Session {
        id: get_uuid(r, "id")?,
        user_id: get_uuid(r, "user_id")?,
        csrf_token: get(r, "csrf_token")?,
        client_addr: get(r, "client_addr")?,
        created_at: get_instant(r, "created_at")?,
        last_seen: get_instant(r, "last_seen")?,
        revoked: get_flag(r, "revoked")?,
    })
}

const SESSION_SELECT: &str =
    "SELECT id, user_id, csrf_token, client_addr, created_at, last_seen, revoked FROM sessions";

pub async fn create_session(db: &SqlStore, s: &NewSession) -> StoreResult<()> {
    let pool = db.pool();
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, csrf_token, user_id, client_addr, created_at, \
         last_seen, revoked) VALUES ($1, $2, $3, $4, $5, $6, $6, 0)",
    )
    .bind(s.id.to_string())
    .bind(s.token_hash.as_str())
    .bind(s.csrf_token.as_str())
    .bind(s.user_id.to_string())
    .bind(s.client_addr.clone())
    .bind(ms(s.at))
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn session_by_token(db: &SqlStore, token_hash: &str) -> StoreResult<Option<Session>> {
    let pool = db.pool();
    let sql = format!("{SESSION_SELECT} WHERE token_hash = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(session_from_row).transpose()
}

pub async fn touch_session(db: &SqlStore, id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
    let pool = db.pool();
    sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id = $2 AND last_seen < $1")
        .bind(ms(at))
        .bind(id.to_string())
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn revoke_session(db: &SqlStore, ctx: &WriteCtx, id: Uuid) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE sessions SET revoked = 1 WHERE id = $1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("session"));
    }
    let e = audit::entry(ctx, "session.revoke", format!("session:{id}"), None, None);
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn revoke_user_sessions(
    db: &SqlStore,
    ctx: &WriteCtx,
    user_id: Uuid,
    except: Option<Uuid>,
) -> StoreResult<u64> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE sessions SET revoked = 1 WHERE user_id = $1 AND revoked = 0 \
         AND ($2 IS NULL OR id <> $2)",
    )
    .bind(user_id.to_string())
    .bind(except.map(|u| u.to_string()))
    .execute(&mut *tx)
    .await?;
    let after = serde_json::json!({ "revoked": done.rows_affected() });
    let e = audit::entry(
        ctx,
        "session.revoke_all",
        format!("user:{user_id}"),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

pub async fn sessions(db: &SqlStore, user_id: Uuid) -> StoreResult<Vec<Session>> {
    let pool = db.pool();
    let sql =
        format!("{SESSION_SELECT} WHERE user_id = $1 AND revoked = 0 ORDER BY created_at DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id.to_string())
        .fetch_all(pool)
        .await?;
    rows.iter().map(session_from_row).collect()
}
