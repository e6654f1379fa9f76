//! Meetings, and chief meeting counts per grid for the compliance board.

use chrono::NaiveDate;
use linzhang_domain::{GridCode, Scope};
use sqlx::any::AnyRow;

use super::grids::path_in_scope;
use super::rows::{date, get, get_json, get_parsed, get_uuid, ms, parse_date};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::patrols::{Meeting, MeetingCount};

fn from_row(r: &AnyRow) -> StoreResult<Meeting> {
    let held: String = get(r, "held_on")?;
    Ok(Meeting {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        kind: get(r, "kind")?,
        title: get(r, "title")?,
        held_on: parse_date(&held)?,
        minutes: get(r, "minutes")?,
        attendees: get_json(r, "attendees")?,
        decisions: get_json(r, "decisions")?,
    })
}

pub async fn create(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    m: &Meeting,
) -> StoreResult<Meeting> {
    if !matches!(m.kind.as_str(), "chief" | "office") || m.title.trim().is_empty() {
        return Err(StoreError::Rejected(
            "a meeting needs a title and kind chief or office".into(),
        ));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &m.grid_code).await?;
    let json =
        |v: &Vec<String>| serde_json::to_string(v).map_err(|e| StoreError::Rejected(e.to_string()));
    sqlx::query(
        "INSERT INTO meetings (id, grid_code, kind, title, held_on, minutes, attendees, decisions, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(m.id.to_string())
    .bind(m.grid_code.as_str())
    .bind(&m.kind)
    .bind(m.title.trim())
    .bind(date(m.held_on))
    .bind(&m.minutes)
    .bind(json(&m.attendees)?)
    .bind(json(&m.decisions)?)
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "meeting"))?;
    let e = audit::entry(
        ctx,
        "meeting.create",
        format!("meeting:{}", m.id),
        None,
        audit::json(m),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(m.clone())
}

/// Meetings held in the scope in `[from, to)`, newest first.
pub async fn list(
    db: &SqlStore,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<Meeting>> {
    let rows = sqlx::query(
        "SELECT m.id, m.grid_code, m.kind, m.title, m.held_on, m.minutes, m.attendees, m.decisions \
         FROM meetings m JOIN grids g ON g.code = m.grid_code \
         WHERE g.path LIKE $1 AND m.held_on >= $2 AND m.held_on < $3 ORDER BY m.held_on DESC, m.id",
    )
    .bind(scope.like_pattern())
    .bind(date(from))
    .bind(date(to))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every city, county and town grid in the scope with the chief meetings it held in the period.
pub async fn counts(
    db: &SqlStore,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<MeetingCount>> {
    let rows = sqlx::query(
        "SELECT g.code, g.name, g.path, (SELECT COUNT(*) FROM meetings m WHERE m.grid_code = g.code \
         AND m.kind = 'chief' AND m.held_on >= $2 AND m.held_on < $3) AS meetings \
         FROM grids g WHERE g.path LIKE $1 AND g.level <= 3 ORDER BY g.path",
    )
    .bind(scope.like_pattern())
    .bind(date(from))
    .bind(date(to))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MeetingCount {
                grid_code: get_parsed(r, "code", GridCode::parse)?,
                grid_name: get(r, "name")?,
                grid_path: get(r, "path")?,
                meetings: get(r, "meetings")?,
            })
        })
        .collect()
}
