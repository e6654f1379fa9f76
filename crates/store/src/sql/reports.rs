//! Periodic reports and the technicians' service log.

use chrono::NaiveDate;
use linzhang_domain::{GridCode, Scope};
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{date, get, get_date, get_instant, get_json, get_parsed, get_uuid, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::reports::{Report, ReportReminder, ReportingGrid, ServiceEntry};
use linzhang_domain::report::ReminderStage;

const REPORT_COLUMNS: &str = "r.id, r.grid_code, r.rule, r.period_key, r.reporter, r.title, r.body, \
     r.attachments, r.submitted_by, r.submitted_at";

/// The `reporter` column: '' for a grid, the technician's user id for a technician.
fn reporter_from_row(r: &AnyRow, table: &str) -> StoreResult<Option<Uuid>> {
    let reporter: String = get(r, "reporter")?;
    if reporter.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(&reporter)
        .map(Some)
        .map_err(|_| StoreError::Corrupt(format!("{table}.reporter")))
}

fn report_from_row(r: &AnyRow) -> StoreResult<Report> {
    Ok(Report {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        rule: get(r, "rule")?,
        period_key: get(r, "period_key")?,
        reporter_user: reporter_from_row(r, "reports")?,
        title: get(r, "title")?,
        body: get(r, "body")?,
        attachments: get_json(r, "attachments")?,
        submitted_by: get(r, "submitted_by")?,
        submitted_at: get_instant(r, "submitted_at")?,
    })
}

async fn report_by_id(
    conn: &mut sqlx::AnyConnection,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<Option<Report>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM reports r JOIN grids g ON g.code = r.grid_code \
         WHERE r.id = $1 AND g.path LIKE $2"
    )))
    .bind(id.to_string())
    .bind(scope.like_pattern())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(report_from_row).transpose()
}

/// Stores a report at a grid in the scope; `false` when a report with its id was stored
/// already (then that one is answered and nothing changes).
pub async fn submit(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    r: &Report,
) -> StoreResult<(Report, bool)> {
    if r.title.trim().is_empty() || r.rule.is_empty() || r.period_key.is_empty() {
        return Err(StoreError::Rejected(
            "a report needs a title, a rule and a period".into(),
        ));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &r.grid_code).await?;
    if let Some(existing) = report_by_id(&mut tx, scope, r.id).await? {
        return if existing.grid_code == r.grid_code
            && existing.rule == r.rule
            && existing.period_key == r.period_key
            && existing.reporter_user == r.reporter_user
        {
            Ok((existing, false))
        } else {
            Err(StoreError::Conflict { what: "report" })
        };
    }
    let attachments =
        serde_json::to_string(&r.attachments).map_err(|e| StoreError::Rejected(e.to_string()))?;
    sqlx::query(
        "INSERT INTO reports (id, grid_code, rule, period_key, reporter, title, body, attachments, \
         submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(r.id.to_string())
    .bind(r.grid_code.as_str())
    .bind(&r.rule)
    .bind(&r.period_key)
    .bind(r.reporter_user.map(|u| u.to_string()).unwrap_or_default())
    .bind(r.title.trim())
    .bind(&r.body)
    .bind(attachments)
    .bind(&r.submitted_by)
    .bind(ms(r.submitted_at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "report"))?;
    let e = audit::entry(
        ctx,
        "report.submit",
        format!("report:{}", r.id),
        None,
        audit::json(r),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((r.clone(), true))
}

pub async fn one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Report> {
    let mut conn = db.pool().acquire().await?;
    report_by_id(&mut conn, scope, id)
        .await?
        .ok_or(StoreError::not_found("report"))
}

/// Reports in the scope whose period key starts with `period_prefix` (a year: `2026`).
pub async fn list(db: &SqlStore, scope: &Scope, period_prefix: &str) -> StoreResult<Vec<Report>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {REPORT_COLUMNS} FROM reports r JOIN grids g ON g.code = r.grid_code \
         WHERE g.path LIKE $1 AND r.period_key LIKE $2 ORDER BY g.path, r.period_key, r.rule, r.id"
    )))
    .bind(scope.like_pattern())
    .bind(format!("{period_prefix}%"))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(report_from_row).collect()
}

/// The city, county and town grids in the scope, in tree order.
pub async fn reporting_grids(db: &SqlStore, scope: &Scope) -> StoreResult<Vec<ReportingGrid>> {
    let rows = sqlx::query(
        "SELECT code, name, path FROM grids WHERE path LIKE $1 AND level <= 3 ORDER BY path",
    )
    .bind(scope.like_pattern())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReportingGrid {
                grid_code: get_parsed(r, "code", GridCode::parse)?,
                grid_name: get(r, "name")?,
                grid_path: get(r, "path")?,
            })
        })
        .collect()
}

const ENTRY_COLUMNS: &str = "s.id, s.grid_code, s.user_id, s.username, s.served_on, s.area_code, \
     s.kind, s.description, s.people_served, s.created_at";

fn entry_from_row(r: &AnyRow) -> StoreResult<ServiceEntry> {
    Ok(ServiceEntry {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        user_id: get_uuid(r, "user_id")?,
        username: get(r, "username")?,
        served_on: get_date(r, "served_on")?,
        area_code: get(r, "area_code")?,
        kind: get(r, "kind")?,
        description: get(r, "description")?,
        people_served: get(r, "people_served")?,
        created_at: get_instant(r, "created_at")?,
    })
}

/// Records a service log entry at a grid in the scope; `false` when an entry with its id was
/// recorded already (then that one is answered and nothing changes).
pub async fn add_entry(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    s: &ServiceEntry,
) -> StoreResult<(ServiceEntry, bool)> {
    if s.description.trim().is_empty() || s.kind.is_empty() || s.people_served < 0 {
        return Err(StoreError::Rejected(
            "a service entry needs a kind, a description and a count of people served".into(),
        ));
    }
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &s.grid_code).await?;
    let existing = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM service_log s WHERE s.id = $1"
    )))
    .bind(s.id.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = existing {
        let e = entry_from_row(&row)?;
        return if e.user_id == s.user_id {
            Ok((e, false))
        } else {
            Err(StoreError::Conflict {
                what: "service entry",
            })
        };
    }
    sqlx::query(
        "INSERT INTO service_log (id, grid_code, user_id, username, served_on, area_code, kind, \
         description, people_served, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(s.id.to_string())
    .bind(s.grid_code.as_str())
    .bind(s.user_id.to_string())
    .bind(&s.username)
    .bind(date(s.served_on))
    .bind(s.area_code.clone())
    .bind(&s.kind)
    .bind(s.description.trim())
    .bind(s.people_served)
    .bind(ms(s.created_at))
    .execute(&mut *tx)
    .await
    .map_err(|e| StoreError::conflict_on_unique(e, "service entry"))?;
    let e = audit::entry(
        ctx,
        "service_log.add",
        format!("service_entry:{}", s.id),
        None,
        audit::json(s),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((s.clone(), true))
}

/// Service log entries at grids in the scope served in `[from, to)`, of one technician if
/// given, oldest first.
pub async fn entries(
    db: &SqlStore,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
    user: Option<Uuid>,
) -> StoreResult<Vec<ServiceEntry>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM service_log s JOIN grids g ON g.code = s.grid_code \
         WHERE g.path LIKE $1 AND s.served_on >= $2 AND s.served_on < $3 \
         AND ($4 = '' OR s.user_id = $4) ORDER BY s.served_on, s.created_at, s.id"
    )))
    .bind(scope.like_pattern())
    .bind(date(from))
    .bind(date(to))
    .bind(user.map(|u| u.to_string()).unwrap_or_default())
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// Records that a reminder was sent; `false` when it had been already (nothing changes).
pub async fn claim_reminder(
    db: &SqlStore,
    at: chrono::DateTime<chrono::Utc>,
    k: &ReportReminder,
) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO report_reminders (grid_code, rule, period_key, reporter, stage, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(k.grid_code.as_str())
    .bind(&k.rule)
    .bind(&k.period_key)
    .bind(k.reporter_user.map(|u| u.to_string()).unwrap_or_default())
    .bind(k.stage.as_str())
    .bind(ms(at))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The reminders sent about reports of grids in the scope whose period key starts with
/// `period_prefix`, with when each was sent.
pub async fn reminders(
    db: &SqlStore,
    scope: &Scope,
    period_prefix: &str,
) -> StoreResult<Vec<(ReportReminder, chrono::DateTime<chrono::Utc>)>> {
    let rows = sqlx::query(
        "SELECT m.grid_code, m.rule, m.period_key, m.reporter, m.stage, m.sent_at \
         FROM report_reminders m JOIN grids g ON g.code = m.grid_code \
         WHERE g.path LIKE $1 AND m.period_key LIKE $2 ORDER BY m.sent_at",
    )
    .bind(scope.like_pattern())
    .bind(format!("{period_prefix}%"))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let stage: String = get(r, "stage")?;
            Ok((
                ReportReminder {
                    grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
                    rule: get(r, "rule")?,
                    period_key: get(r, "period_key")?,
                    reporter_user: reporter_from_row(r, "report_reminders")?,
                    stage: ReminderStage::parse(&stage)
                        .ok_or_else(|| StoreError::Corrupt("report_reminders.stage".into()))?,
                },
                get_instant(r, "sent_at")?,
            ))
        })
        .collect()
}
