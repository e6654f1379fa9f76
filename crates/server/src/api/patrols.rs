//! Patrols (C1, C2): check-ins, patrols with tracks uploaded in batches, and the compliance of
//! chiefs with their patrol frequencies.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use linzhang_domain::audit::AuditResult;
use linzhang_domain::patrol::{self, PatrolAction, PatrolKind, PatrolState, RULE_TABLE};
use linzhang_domain::{Action, Level};
use linzhang_geo::track::{FilterRules, TrackPoint, filter, length_m, moving_time};
use linzhang_store::{NewAudit, NewCheckin, NewPatrol, NewTrackPoint, Patrol, PatrolFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::convert::{instant, parse_grid, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// Most points one batch may carry.
const MAX_BATCH: usize = 5_000;

#[derive(Debug, Serialize, ToSchema)]
pub struct PatrolView {
    pub id: String,
    pub username: String,
    pub grid_code: String,
    pub kind: PatrolKind,
    pub state: PatrolState,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub distance_m: f64,
    pub moving_s: i64,
    pub point_count: i64,
}

fn view(p: &Patrol) -> PatrolView {
    PatrolView {
        id: p.id.to_string(),
        username: p.username.clone(),
        grid_code: p.grid_code.to_string(),
        kind: p.kind,
        state: p.state,
        started_at: instant(p.started_at),
        ended_at: p.ended_at.map(instant),
        distance_m: p.distance_m,
        moving_s: p.moving_s,
        point_count: p.point_count,
    }
}

fn parse_instant(s: &str, field: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::bad_request(
                "bad_instant",
                format!("{field} must be an RFC 3339 instant"),
            )
        })
}

/// The kind of patrol the caller records, or 403.
async fn patrol_kind(state: &AppState, caller: &Caller) -> ApiResult<PatrolKind> {
    let kind = PatrolKind::of_role(caller.user.role);
    caller.allow(state, kind.is_some(), "patrol").await?;
    kind.ok_or_else(|| ApiError::forbidden("only rangers, technicians and chiefs patrol"))
}

/// A check-in (签到); the id is the phone's.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinBody {
    pub id: String,
    /// When, RFC 3339 (the phone's time).
    pub at: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stored {
    /// False when the same id was stored before (a retry).
    pub created: bool,
}

/// Check in for the day at the caller's grid.
#[utoipa::path(post, operation_id = "patrols_checkin", path = "/api/v1/checkins", tag = "patrols", request_body = CheckinBody,
    responses((status = 201, body = Stored), (status = 200, body = Stored), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn checkin(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<CheckinBody>,
) -> ApiResult<(StatusCode, Json<Stored>)> {
    patrol_kind(&state, &caller).await?;
    let c = NewCheckin {
        id: parse_uuid(&b.id, "id")?,
        user_id: caller.user.id,
        at: parse_instant(&b.at, "at")?,
        lon: b.lon,
        lat: b.lat,
        accuracy_m: b.accuracy_m,
    };
    let created = state
        .store
        .record_checkin(&caller.ctx(&state), &caller.user.grid_code, &c)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Stored { created })))
}

/// A patrol started on the phone.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StartBody {
    pub id: String,
    /// RFC 3339; the server's time by default.
    pub started_at: Option<String>,
    /// The grid patrolled; the caller's own by default (any grid in the caller's scope).
    pub grid_code: Option<String>,
}

/// Start a patrol (巡护 for rangers and technicians, 巡林 for chiefs); a retried start answers
/// the stored patrol.
#[utoipa::path(post, operation_id = "patrols_start", path = "/api/v1/patrols", tag = "patrols", request_body = StartBody,
    responses((status = 201, body = PatrolView), (status = 200, body = PatrolView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<StartBody>,
) -> ApiResult<(StatusCode, Json<PatrolView>)> {
    let kind = patrol_kind(&state, &caller).await?;
    let grid_code = match &b.grid_code {
        Some(g) => parse_grid(g)?,
        None => caller.user.grid_code.clone(),
    };
    let new = NewPatrol {
        id: parse_uuid(&b.id, "id")?,
        user_id: caller.user.id,
        person_id: caller.user.person_id,
        grid_code,
        kind,
        started_at: match &b.started_at {
            Some(s) => parse_instant(s, "started_at")?,
            None => state.clock.now(),
        },
    };
    let (p, created) = state
        .store
        .start_patrol(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view(&p))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PointBody {
    /// The phone's id of the fix.
    pub id: String,
    /// RFC 3339.
    pub t: String,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub speed_mps: Option<f64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PointsBody {
    pub points: Vec<PointBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    pub stored: u64,
    pub duplicates: u64,
}

/// Upload a batch of the caller's own patrol's GPS points (any number of times: each point is
/// stored once). Late batches after the end are accepted.
#[utoipa::path(post, operation_id = "patrols_points", path = "/api/v1/patrols/{id}/points", tag = "patrols", request_body = PointsBody,
    params(("id" = String, Path, description = "Patrol id")),
    responses((status = 200, body = UploadView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn points(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<PointsBody>,
) -> ApiResult<Json<UploadView>> {
    patrol_kind(&state, &caller).await?;
    let id = parse_uuid(&id, "id")?;
    if b.points.len() > MAX_BATCH {
        return Err(ApiError::bad_request(
            "batch_too_large",
            format!("send at most {MAX_BATCH} points at once"),
        ));
    }
    let points = b
        .points
        .iter()
        .map(|p| {
            Ok(NewTrackPoint {
                id: parse_uuid(&p.id, "points[].id")?,
                t: parse_instant(&p.t, "points[].t")?,
                lon: p.lon,
                lat: p.lat,
                accuracy_m: p.accuracy_m,
                speed_mps: p.speed_mps,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let up = state
        .store
        .add_track_points(&caller.ctx(&state), id, caller.user.id, &points)
        .await?;
    let p = state
        .store
        .patrol(&linzhang_domain::Scope::everything(), id)
        .await?;
    if p.state == PatrolState::Ended && up.stored > 0 {
        refresh_figures(&state, id).await?;
    }
    Ok(Json(UploadView {
        stored: up.stored,
        duplicates: up.duplicates,
    }))
}

/// Cleans the stored track (noise, jumps) and records its distance and moving time.
async fn refresh_figures(state: &AppState, id: Uuid) -> ApiResult<()> {
    let track = raw_track(state, &linzhang_domain::Scope::everything(), id).await?;
    let clean = filter(&track, &FilterRules::default()).kept;
    // Gaps longer than five minutes are pauses, not walking.
    let moving = moving_time(&clean, chrono::Duration::minutes(5)).num_seconds();
    state
        .store
        .set_patrol_figures(id, length_m(&clean), moving)
        .await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionBody {
    pub action: PatrolAction,
}

/// Pause, resume or end the caller's own patrol; repeating the state it is in changes nothing.
#[utoipa::path(post, operation_id = "patrols_act", path = "/api/v1/patrols/{id}/actions", tag = "patrols", request_body = ActionBody,
    params(("id" = String, Path, description = "Patrol id")),
    responses((status = 200, body = PatrolView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<ActionBody>,
) -> ApiResult<Json<PatrolView>> {
    patrol_kind(&state, &caller).await?;
    let id = parse_uuid(&id, "id")?;
    let p = state
        .store
        .act_on_patrol(&caller.ctx(&state), id, caller.user.id, b.action)
        .await?;
    if p.state == PatrolState::Ended {
        refresh_figures(&state, id).await?;
    }
    Ok(Json(view(&state.store.patrol(&caller.scope, id).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `ranger` or `chief`.
    pub kind: Option<String>,
    /// `active`, `paused` or `ended`.
    pub state: Option<String>,
    /// Only the caller's own.
    #[serde(default)]
    pub mine: bool,
    /// Started at or after (RFC 3339).
    pub from: Option<String>,
    /// Started before (RFC 3339).
    pub to: Option<String>,
}

/// Patrols in the caller's grids, newest first (who is on patrol now: `state=active`).
#[utoipa::path(get, operation_id = "patrols_list", path = "/api/v1/patrols", tag = "patrols", params(ListQuery),
    responses((status = 200, body = [PatrolView]), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<PatrolView>>> {
    let bad = |f: &str| ApiError::bad_request("bad_filter", format!("unknown {f}"));
    let filter = PatrolFilter {
        kind: q
            .kind
            .as_deref()
            .map(|k| PatrolKind::parse(k).ok_or_else(|| bad("kind")))
            .transpose()?,
        state: q
            .state
            .as_deref()
            .map(|s| PatrolState::parse(s).ok_or_else(|| bad("state")))
            .transpose()?,
        user_id: q.mine.then_some(caller.user.id),
        from: q
            .from
            .as_deref()
            .map(|s| parse_instant(s, "from"))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| parse_instant(s, "to"))
            .transpose()?,
        limit: 1_000,
    };
    let list = state.store.patrols(&caller.scope, &filter).await?;
    Ok(Json(list.iter().map(view).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackPointView {
    pub t: String,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatrolDetail {
    pub patrol: PatrolView,
    /// The cleaned track, by time.
    pub track: Vec<TrackPointView>,
    /// Stored points left out of the track as noise, jumps or repeats.
    pub rejected: usize,
}

/// One patrol with its track. Tracks are personal data (行踪轨迹): the walker, chiefs and
/// office staff of the grids above, and admins see them; every view is audited.
#[utoipa::path(get, operation_id = "patrols_detail", path = "/api/v1/patrols/{id}", tag = "patrols",
    params(("id" = String, Path, description = "Patrol id")),
    responses((status = 200, body = PatrolDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PatrolDetail>> {
    let id = parse_uuid(&id, "id")?;
    let p = state.store.patrol(&caller.scope, id).await?;
    let own = p.user_id == caller.user.id;
    let supervisor = caller.user.role.can(Action::SuperviseTracks);
    caller
        .allow(&state, own || supervisor, "view a patrol track")
        .await?;
    let track = raw_track(&state, &caller.scope, id).await?;
    let result = filter(&track, &FilterRules::default());
    state
        .store
        .append_audit(&NewAudit {
            actor: caller.actor(),
            at: state.clock.now(),
            action: "patrol.view_track".into(),
            target: Some(format!("patrol:{id}")),
            before: None,
            after: None,
            result: AuditResult::Ok,
        })
        .await?;
    Ok(Json(PatrolDetail {
        patrol: view(&p),
        rejected: track.len() - result.kept.len(),
        track: result
            .kept
            .iter()
            .map(|q| TrackPointView {
                t: instant(q.t),
                lon: q.lon,
                lat: q.lat,
                accuracy_m: q.accuracy_m,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LiveQuery {
    /// Also answer each patrol's cleaned track (today's tracks on the map).
    #[serde(default)]
    pub tracks: bool,
}

/// A patrol on the supervision map with where its walker was last seen.
#[derive(Debug, Serialize, ToSchema)]
pub struct LivePatrol {
    pub patrol: PatrolView,
    /// The last stored point (by time), before any cleaning; none before the first upload.
    pub last: Option<TrackPointView>,
    /// The cleaned track, by time, when asked for (`tracks=true`).
    pub track: Option<Vec<TrackPointView>>,
}

/// A patrol's stored points in the scope as the domain's track, by time (before cleaning).
pub(crate) async fn raw_track(
    state: &AppState,
    scope: &linzhang_domain::Scope,
    id: Uuid,
) -> ApiResult<Vec<TrackPoint>> {
    Ok(state
        .store
        .track_points(scope, id)
        .await?
        .iter()
        .map(|q| TrackPoint {
            t: q.t,
            lon: q.lon,
            lat: q.lat,
            accuracy_m: q.accuracy_m,
            speed_mps: q.speed_mps,
        })
        .collect())
}

fn point_view(q: &TrackPoint) -> TrackPointView {
    TrackPointView {
        t: instant(q.t),
        lon: q.lon,
        lat: q.lat,
        accuracy_m: q.accuracy_m,
    }
}

/// Who is on patrol now (active or paused) and the patrols started today, in the caller's
/// grids, each with the walker's last stored position. Positions and tracks are personal data
/// (行踪轨迹): only supervisors (chiefs, office staff, admins) may call this, and each patrol
/// shown is audited (`patrol.view_live`), as a track view is.
#[utoipa::path(get, operation_id = "patrols_live", path = "/api/v1/patrols/live", tag = "patrols", params(LiveQuery),
    responses((status = 200, body = [LivePatrol]), (status = 403, body = ErrorBody)))]
pub async fn live(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<LiveQuery>,
) -> ApiResult<Json<Vec<LivePatrol>>> {
    caller
        .allow(
            &state,
            caller.user.role.can(Action::SuperviseTracks),
            "view live patrols",
        )
        .await?;
    let now = state.clock.now();
    let today = state.day_start(state.date_of(now));
    let mut patrols = Vec::new();
    for s in [PatrolState::Active, PatrolState::Paused] {
        let f = PatrolFilter {
            kind: None,
            state: Some(s),
            user_id: None,
            from: None,
            to: None,
            limit: 1_000,
        };
        patrols.extend(state.store.patrols(&caller.scope, &f).await?);
    }
    let f = PatrolFilter {
        kind: None,
        state: Some(PatrolState::Ended),
        user_id: None,
        from: Some(today),
        to: None,
        limit: 1_000,
    };
    patrols.extend(state.store.patrols(&caller.scope, &f).await?);
    patrols.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(a.id.cmp(&b.id)));
    let ids: Vec<_> = patrols.iter().map(|p| p.id).collect();
    let last: std::collections::HashMap<_, _> = state
        .store
        .last_points(&caller.scope, &ids)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(patrols.len());
    let mut seen = Vec::with_capacity(patrols.len());
    for p in &patrols {
        let track = if q.tracks {
            let raw = raw_track(&state, &caller.scope, p.id).await?;
            Some(
                filter(&raw, &FilterRules::default())
                    .kept
                    .iter()
                    .map(point_view)
                    .collect(),
            )
        } else {
            None
        };
        seen.push(NewAudit {
            actor: caller.actor(),
            at: now,
            action: "patrol.view_live".into(),
            target: Some(format!("patrol:{}", p.id)),
            before: None,
            after: None,
            result: AuditResult::Ok,
        });
        out.push(LivePatrol {
            patrol: view(p),
            last: last.get(&p.id).map(|q| TrackPointView {
                t: instant(q.t),
                lon: q.lon,
                lat: q.lat,
                accuracy_m: q.accuracy_m,
            }),
            track,
        });
    }
    state.store.append_audits(&seen).await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ComplianceQuery {
    /// A day of the periods to check (YYYY-MM-DD); today by default.
    pub date: Option<String>,
}

/// One chief post's standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChiefCompliance {
    pub post_id: String,
    pub post_title: String,
    pub grid_code: String,
    pub grid_name: String,
    pub level: Level,
    pub person_name: String,
    pub period_start: String,
    pub period_end: String,
    pub required: u32,
    pub done: u32,
    /// Fewer patrols than the rule asks so far in the period.
    pub behind: bool,
}

/// Every chief in the caller's grids with the chief patrols done against the rule of his level
/// (the `chief_patrol_rule` code table) in the period containing the date.
#[utoipa::path(get, operation_id = "patrols_compliance", path = "/api/v1/compliance/chief-patrols", tag = "patrols", params(ComplianceQuery),
    responses((status = 200, body = [ChiefCompliance]), (status = 400, body = ErrorBody)))]
pub async fn compliance(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ComplianceQuery>,
) -> ApiResult<Json<Vec<ChiefCompliance>>> {
    let day = match &q.date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request("bad_date", "date must be YYYY-MM-DD"))?,
        None => state.today(),
    };
    let table = state.store.code_table(RULE_TABLE, None).await?;
    let mut out = Vec::new();
    // One query per distinct period (month, quarter, year).
    for ((start, end), rules) in patrol::by_period(&patrol::rules(&table.table), day) {
        let counts = state
            .store
            .chief_patrol_counts(&caller.scope, state.day_start(start), state.day_start(end))
            .await?;
        for c in counts {
            let level = c.grid_code.level();
            let Some(standing) = patrol::standing(&rules, level, c.patrols) else {
                continue;
            };
            out.push(ChiefCompliance {
                post_id: c.post_id.to_string(),
                post_title: c.post_title,
                grid_code: c.grid_code.to_string(),
                grid_name: c.grid_name,
                level,
                person_name: c.person_name,
                period_start: start.to_string(),
                period_end: end.to_string(),
                required: standing.required,
                done: standing.done,
                behind: standing.behind,
            });
        }
    }
    out.sort_by(|a, b| {
        a.grid_code
            .cmp(&b.grid_code)
            .then_with(|| a.post_title.cmp(&b.post_title))
    });
    Ok(Json(out))
}
