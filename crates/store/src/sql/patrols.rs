//! Patrols, their GPS points and check-ins. Everything the phone sends carries the phone's
//! own id, so a batch retried after a lost answer, or sent twice by an offline phone syncing,
//! is stored once (`ON CONFLICT DO NOTHING`, the same text on both backends).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use linzhang_domain::patrol::{PatrolAction, PatrolKind, PatrolState, transition};
use linzhang_domain::{GridCode, Scope};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};
use uuid::Uuid;

use super::grids::path_in_scope;
use super::rows::{get, get_opt_uuid, get_parsed, get_uuid, ms};
use super::{SqlStore, audit};
use crate::error::{StoreError, StoreResult};
use crate::model::WriteCtx;
use crate::patrols::{
    ChiefPatrolCount, NewCheckin, NewPatrol, NewTrackPoint, Patrol, PatrolFilter, TrackUpload,
};

/// Points per multi-row `INSERT`.
const CHUNK: usize = 400;

const COLUMNS: &str = "p.id, p.user_id, u.username, p.person_id, p.grid_code, p.kind, p.state, \
                       p.started_at, p.ended_at, p.distance_m, p.moving_s, p.point_count";
const FROM: &str =
    "FROM patrols p JOIN users u ON u.id = p.user_id JOIN grids g ON g.code = p.grid_code";

fn from_row(r: &AnyRow) -> StoreResult<Patrol> {
    let ended: Option<i64> = get(r, "ended_at")?;
    Ok(Patrol {
        id: get_uuid(r, "id")?,
        user_id: get_uuid(r, "user_id")?,
        username: get(r, "username")?,
        person_id: get_opt_uuid(r, "person_id")?,
        grid_code: get_parsed(r, "grid_code", GridCode::parse)?,
        kind: get_parsed(r, "kind", |s| PatrolKind::parse(s).ok_or(()))?,
        state: get_parsed(r, "state", |s| PatrolState::parse(s).ok_or(()))?,
        started_at: super::rows::get_instant(r, "started_at")?,
        ended_at: ended.map(super::rows::from_ms).transpose()?,
        distance_m: get(r, "distance_m")?,
        moving_s: get(r, "moving_s")?,
        point_count: get(r, "point_count")?,
    })
}

async fn one_in(conn: &mut AnyConnection, scope: &Scope, id: Uuid) -> StoreResult<Patrol> {
    let sql = format!("SELECT {COLUMNS} {FROM} WHERE p.id = $1 AND g.path LIKE $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id.to_string())
        .bind(scope.like_pattern())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::not_found("patrol"))?;
    from_row(&row)
}

/// Starts a patrol; a retry answers the stored one (`false`).
pub async fn start(
    db: &SqlStore,
    ctx: &WriteCtx,
    scope: &Scope,
    p: &NewPatrol,
) -> StoreResult<(Patrol, bool)> {
    let mut tx = db.begin().await?;
    path_in_scope(&mut tx, scope, &p.grid_code).await?;
    let inserted = sqlx::query(
        "INSERT INTO patrols (id, user_id, person_id, grid_code, kind, state, started_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
    )
    .bind(p.id.to_string())
    .bind(p.user_id.to_string())
    .bind(p.person_id.map(|i| i.to_string()))
    .bind(p.grid_code.as_str())
    .bind(p.kind.as_str())
    .bind(PatrolState::Active.as_str())
    .bind(ms(p.started_at))
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let patrol = one_in(&mut tx, scope, p.id).await?;
    if patrol.user_id != p.user_id {
        return Err(StoreError::Conflict { what: "patrol" });
    }
    if inserted == 0 {
        return Ok((patrol, false));
    }
    let after = serde_json::json!({"kind": p.kind.as_str(), "grid": p.grid_code, "started_at": p.started_at});
    let e = audit::entry(
        ctx,
        "patrol.start",
        format!("patrol:{}", p.id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((patrol, true))
}

/// The patrol, if it is the user's own (only the walker uploads and acts on a patrol).
async fn own(conn: &mut AnyConnection, id: Uuid, user_id: Uuid) -> StoreResult<Patrol> {
    let patrol = one_in(conn, &Scope::everything(), id).await?;
    if patrol.user_id == user_id {
        Ok(patrol)
    } else {
        Err(StoreError::not_found("patrol"))
    }
}

/// Stores a batch of points of the user's own patrol.
pub async fn add_points(
    db: &SqlStore,
    ctx: &WriteCtx,
    id: Uuid,
    user_id: Uuid,
    points: &[NewTrackPoint],
) -> StoreResult<TrackUpload> {
    for p in points {
        let ok = p.lon.is_finite()
            && p.lat.is_finite()
            && (-180.0..=180.0).contains(&p.lon)
            && (-90.0..=90.0).contains(&p.lat);
        if !ok {
            return Err(StoreError::Rejected(format!(
                "point {} is not a longitude and latitude",
                p.id
            )));
        }
    }
    let mut tx = db.begin().await?;
    own(&mut tx, id, user_id).await?;
    let mut stored = 0u64;
    for chunk in points.chunks(CHUNK) {
        let mut sql = String::from(
            "INSERT INTO patrol_points (patrol_id, id, t, lon, lat, accuracy_m, speed_mps, received_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 8;
            let _ = write!(
                sql,
                "{}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                if i == 0 { "" } else { ", " },
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8
            );
        }
        sql.push_str(" ON CONFLICT (patrol_id, id) DO NOTHING");
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            q = q
                .bind(id.to_string())
                .bind(p.id.to_string())
                .bind(ms(p.t))
                .bind(p.lon)
                .bind(p.lat)
                .bind(p.accuracy_m)
                .bind(p.speed_mps)
                .bind(ms(ctx.at));
        }
        stored += q.execute(&mut *tx).await?.rows_affected();
    }
    let upload = TrackUpload {
        stored,
        duplicates: points.len() as u64 - stored,
    };
    if stored > 0 {
        sqlx::query(
            "UPDATE patrols SET point_count = (SELECT COUNT(*) FROM patrol_points WHERE patrol_id = $1), \
             updated_at = $2 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(ms(ctx.at))
        .execute(&mut *tx)
        .await?;
        let after = serde_json::json!({"stored": stored, "duplicates": upload.duplicates});
        let e = audit::entry(
            ctx,
            "patrol.points",
            format!("patrol:{id}"),
            None,
            Some(after),
        );
        audit::insert(&mut tx, &e).await?;
    }
    tx.commit().await?;
    Ok(upload)
}

/// Pauses, resumes or ends the user's own patrol.
pub async fn act(
    db: &SqlStore,
    ctx: &WriteCtx,
    id: Uuid,
    user_id: Uuid,
    action: PatrolAction,
) -> StoreResult<Patrol> {
    let mut tx = db.begin().await?;
    let before = own(&mut tx, id, user_id).await?;
    let to = transition(before.state, action).map_err(|e| StoreError::Rejected(e.to_string()))?;
    if to == before.state {
        return Ok(before);
    }
    let ended = (to == PatrolState::Ended).then(|| ms(ctx.at));
    sqlx::query("UPDATE patrols SET state = $1, ended_at = COALESCE($2, ended_at), updated_at = $3 WHERE id = $4")
        .bind(to.as_str())
        .bind(ended)
        .bind(ms(ctx.at))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
    let e = audit::entry(
        ctx,
        "patrol.state",
        format!("patrol:{id}"),
        Some(serde_json::json!({"state": before.state.as_str()})),
        Some(serde_json::json!({"state": to.as_str()})),
    );
    audit::insert(&mut tx, &e).await?;
    let after = one_in(&mut tx, &Scope::everything(), id).await?;
    tx.commit().await?;
    Ok(after)
}

/// Records the figures of the cleaned track (computed by the caller from the points).
pub async fn set_figures(
    db: &SqlStore,
    id: Uuid,
    distance_m: f64,
    moving_s: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE patrols SET distance_m = $1, moving_s = $2 WHERE id = $3")
        .bind(distance_m)
        .bind(moving_s)
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn one(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Patrol> {
    let mut conn = db.pool().acquire().await?;
    one_in(&mut conn, scope, id).await
}

pub async fn list(db: &SqlStore, scope: &Scope, f: &PatrolFilter) -> StoreResult<Vec<Patrol>> {
    let mut sql = format!("SELECT {COLUMNS} {FROM} WHERE g.path LIKE $1");
    let mut texts = vec![scope.like_pattern()];
    let mut add = |cond: &str, value: String, sql: &mut String| {
        texts.push(value);
        let _ = write!(sql, " AND {cond} ${}", texts.len());
    };
    if let Some(k) = f.kind {
        add("p.kind =", k.as_str().into(), &mut sql);
    }
    if let Some(s) = f.state {
        add("p.state =", s.as_str().into(), &mut sql);
    }
    if let Some(u) = f.user_id {
        add("p.user_id =", u.to_string(), &mut sql);
    }
    let mut numbers = Vec::new();
    for (cond, at) in [("p.started_at >=", f.from), ("p.started_at <", f.to)] {
        if let Some(at) = at {
            numbers.push(ms(at));
            let _ = write!(sql, " AND {cond} ${}", texts.len() + numbers.len());
        }
    }
    let _ = write!(
        sql,
        " ORDER BY p.started_at DESC, p.id LIMIT {}",
        f.limit.clamp(0, 10_000)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for t in texts {
        q = q.bind(t);
    }
    for n in numbers {
        q = q.bind(n);
    }
    let rows = q.fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// The stored points of a patrol in the scope, by time.
pub async fn points(db: &SqlStore, scope: &Scope, id: Uuid) -> StoreResult<Vec<NewTrackPoint>> {
    let mut conn = db.pool().acquire().await?;
    one_in(&mut conn, scope, id).await?;
    let rows = sqlx::query(
        "SELECT id, t, lon, lat, accuracy_m, speed_mps FROM patrol_points WHERE patrol_id = $1 ORDER BY t, id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(NewTrackPoint {
                id: get_uuid(r, "id")?,
                t: super::rows::get_instant(r, "t")?,
                lon: get(r, "lon")?,
                lat: get(r, "lat")?,
                accuracy_m: get(r, "accuracy_m")?,
                speed_mps: get(r, "speed_mps")?,
            })
        })
        .collect()
}

/// The latest point (by time, then id) of each of these patrols in the scope.
pub async fn last_points(
    db: &SqlStore,
    scope: &Scope,
    ids: &[Uuid],
) -> StoreResult<Vec<(Uuid, NewTrackPoint)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let params = (0..ids.len())
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT pp.patrol_id, pp.id, pp.t, pp.lon, pp.lat, pp.accuracy_m, pp.speed_mps \
         FROM patrol_points pp \
         JOIN (SELECT patrol_id, MAX(t) AS t FROM patrol_points WHERE patrol_id IN ({params}) \
               GROUP BY patrol_id) m ON m.patrol_id = pp.patrol_id AND m.t = pp.t \
         JOIN patrols p ON p.id = pp.patrol_id JOIN grids g ON g.code = p.grid_code \
         WHERE g.path LIKE $1 ORDER BY pp.patrol_id, pp.id"
    );
    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(scope.like_pattern());
    for id in ids {
        q = q.bind(id.to_string());
    }
    let rows = q.fetch_all(db.pool()).await?;
    let mut out: Vec<(Uuid, NewTrackPoint)> = Vec::with_capacity(ids.len());
    for r in &rows {
        let patrol = get_uuid(r, "patrol_id")?;
        let point = NewTrackPoint {
            id: get_uuid(r, "id")?,
            t: super::rows::get_instant(r, "t")?,
            lon: get(r, "lon")?,
            lat: get(r, "lat")?,
            accuracy_m: get(r, "accuracy_m")?,
            speed_mps: get(r, "speed_mps")?,
        };
        // Points at the same instant: the one with the greatest id, as `points` orders them.
        match out.last_mut() {
            Some((p, last)) if *p == patrol => *last = point,
            _ => out.push((patrol, point)),
        }
    }
    Ok(out)
}

/// Records a check-in at the user's grid; a retry changes nothing (`false`).
pub async fn checkin(
    db: &SqlStore,
    ctx: &WriteCtx,
    grid: &GridCode,
    c: &NewCheckin,
) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO checkins (id, user_id, grid_code, at, lon, lat, accuracy_m, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
    )
    .bind(c.id.to_string())
    .bind(c.user_id.to_string())
    .bind(grid.as_str())
    .bind(ms(c.at))
    .bind(c.lon)
    .bind(c.lat)
    .bind(c.accuracy_m)
    .bind(ms(ctx.at))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    let after = serde_json::json!({"at": c.at, "lon": c.lon, "lat": c.lat});
    let e = audit::entry(
        ctx,
        "checkin",
        format!("checkin:{}", c.id),
        None,
        Some(after),
    );
    audit::insert(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every chief post in the scope with its current holder and the chief patrols (ended) the
/// holder made in `[from, to)`.
pub async fn chief_counts(
    db: &SqlStore,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<ChiefPatrolCount>> {
    let rows = sqlx::query(
        "SELECT po.id AS post_id, po.title, g.code, g.name, g.path, pe.id AS person_id, pe.name AS person_name, \
         (SELECT COUNT(*) FROM patrols pa WHERE pa.person_id = pe.id AND pa.kind = 'chief' \
          AND pa.state = 'ended' AND pa.started_at >= $2 AND pa.started_at < $3) AS patrols \
         FROM posts po JOIN grids g ON g.code = po.grid_code \
         JOIN terms t ON t.post_id = po.id AND t.end_date IS NULL \
         JOIN people pe ON pe.id = t.person_id \
         WHERE g.path LIKE $1 AND po.kind IN ('chief_general', 'chief') \
         ORDER BY g.path, po.kind, po.id",
    )
    .bind(scope.like_pattern())
    .bind(ms(from))
    .bind(ms(to))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChiefPatrolCount {
                post_id: get_uuid(r, "post_id")?,
                post_title: get(r, "title")?,
                grid_code: get_parsed(r, "code", GridCode::parse)?,
                grid_name: get(r, "name")?,
                grid_path: get(r, "path")?,
                person_id: get_uuid(r, "person_id")?,
                person_name: get(r, "person_name")?,
                patrols: get(r, "patrols")?,
            })
        })
        .collect()
}
