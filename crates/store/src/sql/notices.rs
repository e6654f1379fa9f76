//! The inbox, and who is to be told: the accounts of given roles at given grids.

use std::fmt::Write as _;

use linzhang_domain::{GridCode, Role};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::SqlStore;
use super::rows::{flag, from_ms, get, get_flag, get_instant, get_uuid, ms};
use crate::error::StoreResult;
use crate::model::WriteCtx;
use crate::notices::{NewNotification, Notification};

pub async fn notify(db: &SqlStore, ctx: &WriteCtx, notes: &[NewNotification]) -> StoreResult<()> {
    if notes.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for n in notes {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, title, body, link, urgent, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(n.id.to_string())
        .bind(n.user_id.to_string())
        .bind(&n.kind)
        .bind(&n.title)
        .bind(&n.body)
        .bind(n.link.clone())
        .bind(flag(n.urgent))
        .bind(ms(ctx.at))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn inbox(
    db: &SqlStore,
    user: Uuid,
    unread_only: bool,
    limit: i64,
) -> StoreResult<Vec<Notification>> {
    let sql = format!(
        "SELECT id, kind, title, body, link, urgent, created_at, read_at FROM notifications \
         WHERE user_id = $1{} ORDER BY created_at DESC, id DESC LIMIT {}",
        if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        },
        limit.clamp(0, 1_000)
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(user.to_string())
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            let read: Option<i64> = get(r, "read_at")?;
            Ok(Notification {
                id: get_uuid(r, "id")?,
                kind: get(r, "kind")?,
                title: get(r, "title")?,
                body: get(r, "body")?,
                link: get(r, "link")?,
                urgent: get_flag(r, "urgent")?,
                created_at: get_instant(r, "created_at")?,
                read_at: read.map(from_ms).transpose()?,
            })
        })
        .collect()
}

pub async fn mark_read(
    db: &SqlStore,
    ctx: &WriteCtx,
    user: Uuid,
    ids: &[Uuid],
) -> StoreResult<u64> {
    let mut done = 0;
    for id in ids {
        done += sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
            .bind(ms(ctx.at))
            .bind(id.to_string())
            .bind(user.to_string())
            .execute(db.pool())
            .await?
            .rows_affected();
    }
    Ok(done)
}

/// Accounts (not disabled) of a registry person.
pub async fn person_users(db: &SqlStore, person: Uuid) -> StoreResult<Vec<Uuid>> {
    let rows =
        sqlx::query("SELECT id FROM users WHERE disabled = 0 AND person_id = $1 ORDER BY username")
            .bind(person.to_string())
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(|r| get_uuid(r, "id")).collect()
}

/// Accounts (not disabled) of a member department at a grid.
pub async fn department_users(
    db: &SqlStore,
    grid: &GridCode,
    department: &str,
) -> StoreResult<Vec<Uuid>> {
    let rows = sqlx::query(
        "SELECT id FROM users WHERE disabled = 0 AND role = 'department' AND grid_code = $1 \
         AND department = $2 ORDER BY username",
    )
    .bind(grid.as_str())
    .bind(department)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| get_uuid(r, "id")).collect()
}

/// Accounts (not disabled) of the given roles whose grid is one of `grids`.
pub async fn users_at(
    db: &SqlStore,
    grids: &[GridCode],
    roles: &[Role],
) -> StoreResult<Vec<(Uuid, Role, GridCode)>> {
    if grids.is_empty() || roles.is_empty() {
        return Ok(vec![]);
    }
    let mut sql =
        String::from("SELECT id, role, grid_code FROM users WHERE disabled = 0 AND grid_code IN (");
    for i in 0..grids.len() {
        let _ = write!(sql, "{}${}", if i == 0 { "" } else { ", " }, i + 1);
    }
    sql.push_str(") AND role IN (");
    for i in 0..roles.len() {
        let _ = write!(
            sql,
            "{}${}",
            if i == 0 { "" } else { ", " },
            grids.len() + i + 1
        );
    }
    sql.push_str(") ORDER BY username");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for g in grids {
        q = q.bind(g.as_str().to_owned());
    }
    for r in roles {
        q = q.bind(r.as_str());
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| {
            let role: String = get(r, "role")?;
            let grid: String = get(r, "grid_code")?;
            Ok((
                get_uuid(r, "id")?,
                Role::parse(&role)
                    .ok_or_else(|| crate::StoreError::Corrupt(format!("role {role}")))?,
                GridCode::parse(&grid)
                    .map_err(|_| crate::StoreError::Corrupt(format!("grid {grid}")))?,
            ))
        })
        .collect()
}

pub async fn phones_of(db: &SqlStore, users: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>> {
    if users.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = String::from(
        "SELECT u.id, p.phone FROM users u JOIN people p ON p.id = u.person_id \
         WHERE p.phone <> '' AND u.id IN (",
    );
    for i in 0..users.len() {
        let _ = write!(sql, "{}${}", if i == 0 { "" } else { ", " }, i + 1);
    }
    sql.push_str(") ORDER BY u.id");
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for u in users {
        q = q.bind(u.to_string());
    }
    q.fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((get_uuid(r, "id")?, get(r, "phone")?)))
        .collect()
}
