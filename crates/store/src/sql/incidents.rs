//! Incidents (事件): reports, the actions of the state machine and the timeline.

use chrono::Duration;
use linzhang_domain::ids::new_id;
use linzhang_domain::incident::{Effect, TransitionCtx, transition};
use linzhang_domain::{GridCode, IncidentAction, IncidentSource, IncidentState, Priority, Scope};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{found, get, get_instant, get_opt_uuid, get_parsed, get_uuid, ms, some};
use super::{SqlStore, audit, org};
use crate::error::{StoreError, StoreResult};
use crate::model::{Incident, IncidentEvent, IncidentFilter, NewIncident, WriteCtx};

const SELECT: &str = "SELECT i.id, i.grid_code, g.name AS grid_name, i.kind, i.pest, i.source, \
    i.priority, i.state, i.title, i.description, i.lon, i.lat, i.reported_by, i.reporter_name, \
    i.assignee, pe.name AS assignee_name, i.duplicate_of, i.clock_started_at, i.due_ms, \
    i.reported_at, i.updated_at \
    FROM incidents i JOIN grids g ON g.code = i.grid_code \
    LEFT JOIN people pe ON pe.id = i.assignee";

fn from_row(r: &AnyRow) -> StoreResult<Incident> {
    Ok(Incident {
        id: get_uuid(r, "id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        grid_name: get(r, "grid_name")?,
        kind: get(r, "kind")?,
        pest: get(r, "pest")?,
        source: get_parsed(r, "source", some(IncidentSource::parse))?,
        priority: get_parsed(r, "priority", some(Priority::parse))?,
        state: get_parsed(r, "state", some(IncidentState::parse))?,
        title: get(r, "title")?,
        description: get(r, "description")?,
        lon: get(r, "lon")?,
        lat: get(r, "lat")?,
        reported_by: get_opt_uuid(r, "reported_by")?,
        reporter_name: get(r, "reporter_name")?,
        assignee: get_opt_uuid(r, "assignee")?,
        assignee_name: get(r, "assignee_name")?,
        duplicate_of: get_opt_uuid(r, "duplicate_of")?,
        clock_started_at: get_instant(r, "clock_started_at")?,
        due: Duration::milliseconds(get(r, "due_ms")?),
        reported_at: get_instant(r, "reported_at")?,
        updated_at: get_instant(r, "updated_at")?,
    })
}

fn event_from_row(r: &AnyRow) -> StoreResult<IncidentEvent> {
    Ok(IncidentEvent {
        id: get_uuid(r, "id")?,
        incident_id: get_uuid(r, "incident_id")?,
        at: get_instant(r, "at")?,
        actor_user_id: get_opt_uuid(r, "actor_user_id")?,
        actor_name: get(r, "actor_name")?,
        action: get(r, "action")?,
        from_state: get_parsed(r, "from_state", some(IncidentState::parse))?,
        to_state: get_parsed(r, "to_state", some(IncidentState::parse))?,
        from_grid: get_parsed(r, "from_grid", GridCode::parse)?,
        to_grid: get_parsed(r, "to_grid", GridCode::parse)?,
        note: get(r, "note")?,
    })
}

/// The incident if it is in `scope`, else not found.
pub(super) async fn in_scope(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<Incident> {
    let sql = format!("{SELECT} WHERE i.id = $1 AND g.path LIKE $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(conn)
        .await?;
    found(row.as_ref(), from_row, "incident")
}

/// Whether an incident with this id exists at all, whatever the scope.
async fn exists(conn: &mut AnyConnection, id: Uuid) -> StoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

fn validate(n: &NewIncident) -> StoreResult<()> {
    let reject = |m: &str| Err(StoreError::Rejected(m.to_owned()));
    if n.kind.trim().is_empty() {
        return reject("an incident needs a kind");
    }
    if n.title.trim().is_empty() {
        return reject("an incident needs a title");
    }
    if n.due <= Duration::zero() {
        return reject("the time limit must be positive");
    }
    match (n.lon, n.lat) {
        (None, None) => Ok(()),
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
        {
            Ok(())
        }
        (Some(_), Some(_)) => reject("the location is not a longitude and latitude"),
        _ => reject("a location needs both longitude and latitude"),
    }
}

/// The incident a retried report finds: answered when in scope, a conflict when not.
async fn retried(
    conn: &mut AnyConnection,
    scope: &Scope,
    id: Uuid,
) -> StoreResult<(Incident, bool)> {
    match in_scope(conn, scope, id).await {
        Ok(incident) => Ok((incident, false)),
        Err(StoreError::NotFound { .. }) => Err(StoreError::Conflict { what: "incident" }),
        Err(e) => Err(e),
    }
}

async fn insert_event(
    conn: &mut AnyConnection,
    ctx: &WriteCtx,
    incident_id: Uuid,
    action: &str,
    from: (IncidentState, &GridCode),
    to: (IncidentState, &GridCode),
    note: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO incident_events (id, incident_id, at, actor_user_id, actor_name, action, \
         from_state, to_state, from_grid, to_grid, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id().to_string())
    .bind(incident_id.to_string())
    .bind(ms(ctx.at))
    .bind(ctx.actor.user_id.map(|u| u.to_string()))
    .bind(ctx.actor.username.clone())
    .bind(action.to_owned())
    .bind(from.0.as_str())
    .bind(to.0.as_str())
    .bind(from.1.as_str().to_owned())
    .bind(to.1.as_str().to_owned())
    .bind(note.map(str::to_owned))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn report(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    n: &NewIncident,
) -> StoreResult<(Incident, bool)> {
    let mut tx = db.begin().await?;
    if exists(&mut tx, n.id).await? {
        return retried(&mut tx, scope, n.id).await;
    }
    validate(n)?;
    path_in_scope(&mut tx, scope, &n.grid_code).await?;
    let state = IncidentState::Reported;
    // A concurrent upload of the same report may have won the race since the check above.
    let inserted = sqlx::query(
        "INSERT INTO incidents (id, grid_code, kind, pest, source, priority, state, title, \
         description, lon, lat, reported_by, reporter_name, assignee, duplicate_of, \
         clock_started_at, due_ms, reported_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL, $14, $15, \
         $14, $14) ON CONFLICT (id) DO NOTHING",
    )
    .bind(n.id.to_string())
    .bind(n.grid_code.as_str())
    .bind(n.kind.trim())
    .bind(n.pest.as_deref().map(str::trim).filter(|p| !p.is_empty()))
    .bind(n.source.as_str())
    .bind(n.priority.as_str())
    .bind(state.as_str())
    .bind(n.title.trim())
    .bind(n.description.trim())
    .bind(n.lon)
    .bind(n.lat)
    .bind(ctx.actor.user_id.map(|u| u.to_string()))
    .bind(ctx.actor.username.clone())
    .bind(ms(ctx.at))
    .bind(n.due.num_milliseconds())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        tx.rollback().await?;
        let pool = db.pool();
        let mut conn = pool.acquire().await?;
        return retried(&mut conn, scope, n.id).await;
    }
    insert_event(
        &mut tx,
        ctx,
        n.id,
        "report",
        (state, &n.grid_code),
        (state, &n.grid_code),
        None,
    )
    .await?;
    let incident = in_scope(&mut tx, &Scope::everything(), n.id).await?;
    let e = audit::entry(
        ctx,
        "incident.report",
        format!("incident:{}", n.id),
        None,
        audit::json(&incident),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((incident, true))
}

pub async fn one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Incident> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    in_scope(&mut conn, scope, id).await
}

pub async fn list(db: &SqlStore, scope: &Scope, f: &IncidentFilter) -> StoreResult<Vec<Incident>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    let pattern = match &f.grid {
        Some(grid) => format!("{}%", path_in_scope(&mut conn, scope, grid).await?),
        None => scope.like_pattern(),
    };
    let sql = format!(
        "{SELECT} WHERE g.path LIKE $1 AND ($2 IS NULL OR i.state = $2) \
         ORDER BY i.reported_at DESC, i.id DESC LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(pattern)
        .bind(f.state.map(IncidentState::as_str))
        .bind(f.limit.unwrap_or(200).clamp(1, 1000))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn events(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Vec<IncidentEvent>> {
    let pool = db.pool();
    let mut conn = pool.acquire().await?;
    in_scope(&mut conn, scope, id).await?;
    let rows = sqlx::query(
        "SELECT id, incident_id, at, actor_user_id, actor_name, action, from_state, to_state, \
         from_grid, to_grid, note FROM incident_events WHERE incident_id = $1 ORDER BY at, id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event_from_row).collect()
}

pub async fn act(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    id: Uuid,
    action: &IncidentAction,
    by_assignee: bool,
    due_after_escalation: Option<Duration>,
) -> StoreResult<Incident> {
    if due_after_escalation.is_some_and(|d| d <= Duration::zero()) {
        return Err(StoreError::Rejected(
            "the time limit must be positive".into(),
        ));
    }
    let mut tx = db.begin().await?;
    let before = in_scope(&mut tx, scope, id).await?;
    let t = transition(
        before.state,
        action,
        &TransitionCtx {
            incident: id,
            level: before.grid_code.level(),
            by_assignee,
        },
    )
    .map_err(|e| StoreError::Rejected(e.to_string()))?;

    let mut grid = before.grid_code.clone();
    let mut assignee = before.assignee;
    let mut duplicate_of = before.duplicate_of;
    let mut clock = before.clock_started_at;
    let mut due = before.due;
    match t.effect {
        Effect::None => {}
        Effect::Assign { to } => {
            org::person_in(&mut tx, scope, to).await?;
            assignee = Some(to);
        }
        Effect::DuplicateOf { of } => {
            in_scope(&mut tx, scope, of).await?;
            duplicate_of = Some(of);
        }
        Effect::MoveToParent => {
            let parent: Option<Option<String>> =
                sqlx::query_scalar("SELECT parent_code FROM grids WHERE code = $1")
                    .bind(grid.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let parent = parent.flatten().ok_or_else(|| {
                StoreError::Rejected(format!("grid {grid} has no parent to escalate to"))
            })?;
            grid = GridCode::parse(&parent)
                .map_err(|_| StoreError::Corrupt(format!("parent_code {parent:?}")))?;
            assignee = None;
            clock = ctx.at;
            due = due_after_escalation.unwrap_or(due);
        }
    }

    // The state and grid guard against a concurrent action (PostgreSQL's read committed lets two
    // transactions read the same state; the second update then finds no row).
    let updated = sqlx::query(
        "UPDATE incidents SET state = $1, grid_code = $2, assignee = $3, duplicate_of = $4, \
         clock_started_at = $5, due_ms = $6, updated_at = $7 \
         WHERE id = $8 AND state = $9 AND grid_code = $10",
    )
    .bind(t.to.as_str())
    .bind(grid.as_str())
    .bind(assignee.map(|u| u.to_string()))
    .bind(duplicate_of.map(|u| u.to_string()))
    .bind(ms(clock))
    .bind(due.num_milliseconds())
    .bind(ms(ctx.at))
    .bind(id.to_string())
    .bind(before.state.as_str())
    .bind(before.grid_code.as_str())
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Rejected(
            "the incident was changed meanwhile: reload it and try again".into(),
        ));
    }
    insert_event(
        &mut tx,
        ctx,
        id,
        action.name(),
        (t.from, &before.grid_code),
        (t.to, &grid),
        action.text().map(str::trim),
    )
    .await?;
    // An escalated incident may have left the actor's scope: that is the point of escalating.
    let after = in_scope(&mut tx, &Scope::everything(), id).await?;
    let e = audit::entry(
        ctx,
        &format!("incident.{}", action.name()),
        format!("incident:{id}"),
        audit::json(&before),
        audit::json(&after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(after)
}
