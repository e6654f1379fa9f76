//! Reports (报送, C8) and the technicians' service log (A7). An office or chief reports for its
//! own grid, a technician for himself, under the duties of the `report_rule` code table; the
//! grid above reads a board of every expected report in its scope with its status.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use linzhang_domain::patrol::Period;
use linzhang_domain::report::{
    self, REPORT_RULE_TABLE, ReminderStage, ReportRule, ReportStatus, Reporter, SERVICE_KIND_TABLE,
};
use linzhang_domain::{AreaCode, GridCode, Role, Scope, Zone};
use linzhang_store::{Report, ReportReminder, ServiceEntry, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::convert::{instant, parse_date, parse_grid, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

async fn report_rules(state: &AppState) -> ApiResult<Vec<ReportRule>> {
    let table = state.store.code_table(REPORT_RULE_TABLE, None).await?;
    Ok(report::rules(&table.table))
}

fn parse_period(key: &str) -> ApiResult<(Period, NaiveDate)> {
    Period::parse_key(key).ok_or_else(|| {
        ApiError::bad_request(
            "bad_period",
            "period_key is a year (2026), half (2026-H2), quarter (2026-Q3) or month (2026-11)",
        )
    })
}

/// The rule a caller's report for a period falls under, or why there is none.
fn rule_of<'a>(
    rules: &'a [ReportRule],
    user: &User,
    reporter: Reporter,
    period_key: &str,
) -> ApiResult<(&'a ReportRule, NaiveDate)> {
    parse_period(period_key)?;
    report::rule_for(rules, user.grid_code.level(), reporter, period_key).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_report_rule",
            format!(
                "no rule asks a {} at a {} grid for a report of {period_key}",
                reporter.as_str(),
                user.grid_code.level().as_str()
            ),
        )
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportSubmit {
    /// Minted by the client: sending the same id again answers the stored report.
    pub id: String,
    /// The reporting grid: the caller's own (the default).
    pub grid_code: Option<String>,
    /// `2026-Q3`, `2026-H2`, `2026` or `2026-11`.
    pub period_key: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// Opaque references to attachments (e.g. ids of uploaded files).
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: String,
    pub grid_code: String,
    /// The `report_rule` code it answers, e.g. `county.office.year`.
    pub rule: String,
    pub reporter: Reporter,
    /// The technician's user id when a technician reported for himself.
    pub reporter_user_id: Option<String>,
    pub period_key: String,
    pub title: String,
    pub body: String,
    pub attachments: Vec<String>,
    pub submitted_by: String,
    pub submitted_at: String,
    /// The last on-time day (YYYY-MM-DD).
    pub due: String,
    pub status: ReportStatus,
    /// The grid whose office receives it besides the grid's own chief (none for the city).
    pub to_office_grid: Option<String>,
}

fn view(state: &AppState, r: &Report, rules: &[ReportRule]) -> ReportView {
    let rule = rules.iter().find(|x| x.code == r.rule);
    let reporter = rule.map_or_else(
        || {
            if r.reporter_user.is_some() {
                Reporter::Technician
            } else {
                Reporter::Office
            }
        },
        |x| x.reporter,
    );
    let submitted = state.date_of(r.submitted_at);
    let due = rule
        .zip(Period::parse_key(&r.period_key))
        .map_or(submitted, |(x, (_, start))| x.due(start));
    ReportView {
        id: r.id.to_string(),
        grid_code: r.grid_code.to_string(),
        rule: r.rule.clone(),
        reporter,
        reporter_user_id: r.reporter_user.map(|u| u.to_string()),
        period_key: r.period_key.clone(),
        title: r.title.clone(),
        body: r.body.clone(),
        attachments: r.attachments.clone(),
        submitted_by: r.submitted_by.clone(),
        submitted_at: instant(r.submitted_at),
        due: due.to_string(),
        status: report::status(due, Some(submitted), submitted),
        to_office_grid: report::recipient_office(&r.grid_code).map(|g| g.to_string()),
    }
}

/// The caller as a reporter at a grid: his own grid unless he names another, which must be his.
async fn reporting_grid(
    state: &AppState,
    caller: &Caller,
    named: Option<&str>,
) -> ApiResult<(Reporter, GridCode)> {
    let reporter = Reporter::of_role(caller.user.role);
    caller
        .allow(state, reporter.is_some(), "submit a report")
        .await?;
    let reporter = reporter.ok_or_else(|| ApiError::forbidden("no reports"))?;
    let own = caller.user.grid_code.clone();
    if let Some(named) = named {
        let grid = parse_grid(named)?;
        // Outside the scope is not found; inside but not his own is refused.
        state.store.grid(&caller.scope, &grid).await?;
        caller
            .allow(state, grid == own, "submit a report for another grid")
            .await?;
    }
    Ok((reporter, own))
}

/// Submit a report (an office or chief for its own grid, a technician for himself) under a
/// rule of `report_rule`. The same id again answers the stored report with 200.
#[utoipa::path(post, operation_id = "reports_submit", path = "/api/v1/reports", tag = "reports", request_body = ReportSubmit,
    responses((status = 201, body = ReportView), (status = 200, body = ReportView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<ReportSubmit>,
) -> ApiResult<(StatusCode, Json<ReportView>)> {
    let id = parse_uuid(&b.id, "id")?;
    let (reporter, grid) = reporting_grid(&state, &caller, b.grid_code.as_deref()).await?;
    let rules = report_rules(&state).await?;
    let (rule, start) = rule_of(&rules, &caller.user, reporter, &b.period_key)?;
    if state.today() < start {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_not_started",
            format!("the period {} has not started", b.period_key),
        ));
    }
    let ctx = caller.ctx(&state);
    let r = Report {
        id,
        grid_code: grid,
        rule: rule.code.clone(),
        period_key: b.period_key,
        reporter_user: (reporter == Reporter::Technician).then_some(caller.user.id),
        title: b.title,
        body: b.body,
        attachments: b.attachments,
        submitted_by: caller.user.username.clone(),
        submitted_at: ctx.at,
    };
    let (stored, created) = state.store.submit_report(&ctx, &caller.scope, &r).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view(&state, &stored, &rules))))
}

/// One report in the caller's scope.
#[utoipa::path(get, operation_id = "reports_detail", path = "/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "Report id")),
    responses((status = 200, body = ReportView), (status = 404, body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ReportView>> {
    let id = parse_uuid(&id, "id")?;
    let r = state.store.report(&caller.scope, id).await?;
    Ok(Json(view(&state, &r, &report_rules(&state).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BoardQuery {
    /// The grid whose subtree to show; the caller's own by default.
    pub grid: Option<String>,
    /// The year; the current one by default.
    pub year: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRow {
    pub grid_code: String,
    pub grid_name: String,
    pub reporter: Reporter,
    /// The technician (username) who owes it, for technicians' reports.
    pub technician: Option<String>,
    pub rule: String,
    pub period_key: String,
    pub period_start: String,
    /// The first day after the period.
    pub period_end: String,
    /// The last on-time day.
    pub due: String,
    pub status: ReportStatus,
    pub report_id: Option<String>,
    pub title: Option<String>,
    pub submitted_at: Option<String>,
    pub to_office_grid: Option<String>,
    /// When the reporter was last reminded of it (催报), if ever.
    pub reminded_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportBoard {
    pub year: i32,
    pub today: String,
    pub rows: Vec<BoardRow>,
}

/// One reporter (a grid's office or chief, or a technician) and the reports it owes.
struct Owing<'a> {
    grid_code: &'a GridCode,
    grid_name: &'a str,
    reporter: Reporter,
    technician: Option<&'a User>,
}

/// An expected report: its row on the board, the technician owing it (if one) and its due day.
pub(crate) struct Owed {
    pub row: BoardRow,
    pub grid: GridCode,
    pub technician: Option<Uuid>,
    pub due: NaiveDate,
}

impl Owed {
    /// The slot a reminder about it is recorded under.
    pub fn reminder(&self, stage: ReminderStage) -> ReportReminder {
        ReportReminder {
            grid_code: self.grid.clone(),
            rule: self.row.rule.clone(),
            period_key: self.row.period_key.clone(),
            reporter_user: self.technician,
            stage,
        }
    }
}

/// What was read once for a whole board.
struct Known<'a> {
    rules: &'a [ReportRule],
    year: i32,
    today: NaiveDate,
    zone: Zone,
    reports: &'a [Report],
    reminders: &'a [(ReportReminder, DateTime<Utc>)],
}

fn rows_of(o: &Owing<'_>, k: &Known<'_>) -> Vec<Owed> {
    let technician = o.technician.map(|u| u.id);
    report::expected(k.rules, o.grid_code.level(), o.reporter, k.year)
        .into_iter()
        .map(|e| {
            let slot = |grid: &GridCode, rule: &str, period: &str, user: Option<Uuid>| {
                grid == o.grid_code
                    && rule == e.rule.code
                    && period == e.period_key
                    && user == technician
            };
            let found = k
                .reports
                .iter()
                .find(|r| slot(&r.grid_code, &r.rule, &r.period_key, r.reporter_user));
            let reminded = k
                .reminders
                .iter()
                .rev()
                .find(|(m, _)| slot(&m.grid_code, &m.rule, &m.period_key, m.reporter_user));
            let row = BoardRow {
                grid_code: o.grid_code.to_string(),
                grid_name: o.grid_name.to_owned(),
                reporter: o.reporter,
                technician: o.technician.map(|u| u.username.clone()),
                rule: e.rule.code.clone(),
                period_key: e.period_key.clone(),
                period_start: e.period_start.to_string(),
                period_end: e.period_end.to_string(),
                due: e.due.to_string(),
                status: report::status(e.due, found.map(|r| k.zone.date(r.submitted_at)), k.today),
                report_id: found.map(|r| r.id.to_string()),
                title: found.map(|r| r.title.clone()),
                submitted_at: found.map(|r| instant(r.submitted_at)),
                to_office_grid: report::recipient_office(o.grid_code).map(|g| g.to_string()),
                reminded_at: reminded.map(|(_, at)| instant(*at)),
            };
            Owed {
                row,
                grid: o.grid_code.clone(),
                technician,
                due: e.due,
            }
        })
        .collect()
}

/// Every report expected in each of `years` from the grids (offices and chiefs of city,
/// county and town) and the technicians in the scope, with its status as of `today`. The rules,
/// grids and technicians are read once for all the years.
pub(crate) async fn owed(
    state: &AppState,
    scope: &Scope,
    years: &[i32],
    today: NaiveDate,
) -> ApiResult<Vec<Owed>> {
    let rules = report_rules(state).await?;
    let grids = state.store.reporting_grids(scope).await?;
    let technicians: Vec<User> = state
        .store
        .users(scope)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Technician)
        .collect();
    let mut owing: Vec<Owing<'_>> = grids
        .iter()
        .flat_map(|g| {
            [Reporter::Office, Reporter::Chief].map(|reporter| Owing {
                grid_code: &g.grid_code,
                grid_name: &g.grid_name,
                reporter,
                technician: None,
            })
        })
        .collect();
    owing.extend(technicians.iter().map(|t| Owing {
        grid_code: &t.grid_code,
        grid_name: &t.grid_name,
        reporter: Reporter::Technician,
        technician: Some(t),
    }));
    let mut rows = Vec::new();
    for &year in years {
        let prefix = year.to_string();
        let reports = state.store.reports(scope, &prefix).await?;
        let reminders = state.store.report_reminders(scope, &prefix).await?;
        let known = Known {
            rules: &rules,
            year,
            today,
            zone: state.config.zone,
            reports: &reports,
            reminders: &reminders,
        };
        for o in &owing {
            rows.extend(rows_of(o, &known));
        }
    }
    Ok(rows)
}

/// The scope under a grid the caller names (404 outside his scope), or his own.
async fn sub_scope(state: &AppState, caller: &Caller, grid: Option<&str>) -> ApiResult<Scope> {
    match grid {
        Some(g) => {
            let grid = state.store.grid(&caller.scope, &parse_grid(g)?).await?;
            Ok(Scope::under(grid.path))
        }
        None => Ok(caller.scope.clone()),
    }
}

/// Every report expected in the year from the grids (offices and chiefs of city, county and
/// town) and technicians under a grid, with its status: `due`, `submitted`, `late` or `overdue`.
#[utoipa::path(get, operation_id = "reports_board", path = "/api/v1/reports", tag = "reports", params(BoardQuery),
    responses((status = 200, body = ReportBoard), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn board(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BoardQuery>,
) -> ApiResult<Json<ReportBoard>> {
    let role = caller.user.role;
    caller
        .allow(
            &state,
            Reporter::of_role(role).is_some() || matches!(role, Role::Admin | Role::Auditor),
            "read reports",
        )
        .await?;
    let scope = sub_scope(&state, &caller, q.grid.as_deref()).await?;
    let today = state.today();
    let year = q.year.unwrap_or(today.year());
    let rows = owed(&state, &scope, &[year], today)
        .await?
        .into_iter()
        .map(|o| o.row)
        .collect();
    Ok(Json(ReportBoard {
        year,
        today: today.to_string(),
        rows,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DraftQuery {
    /// The period to draft for (`2026-11`, `2026-Q3` …).
    pub period_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDraft {
    pub period_key: String,
    pub rule: String,
    pub due: String,
    pub title: String,
    /// For a technician: his service log entries of the period, one a line.
    pub body: String,
}

/// A draft of the caller's own report for a period: a title, and for a technician his service
/// log of the period as the body.
#[utoipa::path(get, operation_id = "reports_draft", path = "/api/v1/reports/draft", tag = "reports", params(DraftQuery),
    responses((status = 200, body = ReportDraft), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn draft(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DraftQuery>,
) -> ApiResult<Json<ReportDraft>> {
    let (reporter, _) = reporting_grid(&state, &caller, None).await?;
    let rules = report_rules(&state).await?;
    let (rule, start) = rule_of(&rules, &caller.user, reporter, &q.period_key)?;
    let (_, end) = rule.period.bounds(start);
    let mut body = String::new();
    if reporter == Reporter::Technician {
        let kinds = super::convert::Labels::load(&state, &[SERVICE_KIND_TABLE]).await?;
        let log = state
            .store
            .service_log(&caller.scope, start, end, Some(caller.user.id))
            .await?;
        for e in log {
            let area = e.area_code.map(|a| format!(" {a}")).unwrap_or_default();
            let _ = writeln!(
                body,
                "{} {} {}（{} 人）{area}",
                e.served_on,
                kinds.get(SERVICE_KIND_TABLE, &e.kind),
                e.description,
                e.people_served,
            );
        }
    }
    Ok(Json(ReportDraft {
        period_key: q.period_key.clone(),
        rule: rule.code.clone(),
        due: rule.due(start).to_string(),
        title: format!("{} {} 报告", caller.user.grid_name, q.period_key),
        body,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ServiceEntryBody {
    /// Minted by the client: sending the same id again answers the stored entry.
    pub id: String,
    /// YYYY-MM-DD.
    pub served_on: String,
    /// The grid served; by default the area's grid, or the technician's own.
    pub grid_code: Option<String>,
    /// The responsibility area served, if one (`LZ320205001001-001`).
    pub area_code: Option<String>,
    /// A `service_kind` code: guidance, `pest_survey`, training, consultation, urgent.
    pub kind: String,
    pub description: String,
    #[serde(default)]
    pub people_served: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceEntryView {
    pub id: String,
    pub served_on: String,
    pub grid_code: String,
    pub area_code: Option<String>,
    pub kind: String,
    pub kind_name: String,
    pub description: String,
    pub people_served: i64,
    pub technician: String,
    pub created_at: String,
}

fn entry_view(e: &ServiceEntry, kinds: &super::convert::Labels) -> ServiceEntryView {
    ServiceEntryView {
        id: e.id.to_string(),
        served_on: e.served_on.to_string(),
        grid_code: e.grid_code.to_string(),
        area_code: e.area_code.clone(),
        kind: e.kind.clone(),
        kind_name: kinds.get(SERVICE_KIND_TABLE, &e.kind),
        description: e.description.clone(),
        people_served: e.people_served,
        technician: e.username.clone(),
        created_at: instant(e.created_at),
    }
}

/// Record an entry of the caller's service log (technicians only, at a grid in scope).
#[utoipa::path(post, operation_id = "service_log_add", path = "/api/v1/service-log", tag = "reports", request_body = ServiceEntryBody,
    responses((status = 201, body = ServiceEntryView), (status = 200, body = ServiceEntryView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_service(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<ServiceEntryBody>,
) -> ApiResult<(StatusCode, Json<ServiceEntryView>)> {
    caller
        .allow(
            &state,
            caller.user.role == Role::Technician,
            "record a service log entry",
        )
        .await?;
    let id = parse_uuid(&b.id, "id")?;
    let served_on = parse_date(&b.served_on, "served_on")?;
    let area = b
        .area_code
        .as_deref()
        .map(AreaCode::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("bad_area_code", e.to_string()))?;
    let grid = match (&b.grid_code, &area) {
        (Some(g), _) => parse_grid(g)?,
        (None, Some(a)) => parse_grid(a.as_str()[2..].split('-').next().unwrap_or_default())?,
        (None, None) => caller.user.grid_code.clone(),
    };
    let kinds = super::convert::Labels::load(&state, &[SERVICE_KIND_TABLE]).await?;
    if !kinds.has(SERVICE_KIND_TABLE, &b.kind) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_service_kind",
            format!("{} is not a service_kind code", b.kind),
        ));
    }
    let ctx = caller.ctx(&state);
    let e = ServiceEntry {
        id,
        grid_code: grid,
        user_id: caller.user.id,
        username: caller.user.username.clone(),
        served_on,
        area_code: area.map(|a| a.as_str().to_owned()),
        kind: b.kind,
        description: b.description,
        people_served: b.people_served,
        created_at: ctx.at,
    };
    let (stored, created) = state
        .store
        .add_service_entry(&ctx, &caller.scope, &e)
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(entry_view(&stored, &kinds))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ServiceLogQuery {
    /// The grid whose subtree to list; the caller's own by default.
    pub grid: Option<String>,
    /// First day (YYYY-MM-DD); the first of this month by default.
    pub from: Option<String>,
    /// Last day, included (YYYY-MM-DD); today by default.
    pub to: Option<String>,
}

/// Service log entries under a grid in a date range, oldest first. A technician sees his own;
/// offices, chiefs and admins every technician's in their scope.
#[utoipa::path(get, operation_id = "service_log_list", path = "/api/v1/service-log", tag = "reports", params(ServiceLogQuery),
    responses((status = 200, body = [ServiceEntryView]), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn service_log(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ServiceLogQuery>,
) -> ApiResult<Json<Vec<ServiceEntryView>>> {
    let role = caller.user.role;
    caller
        .allow(
            &state,
            Reporter::of_role(role).is_some() || matches!(role, Role::Admin | Role::Auditor),
            "read the service log",
        )
        .await?;
    let scope = sub_scope(&state, &caller, q.grid.as_deref()).await?;
    let today = state.today();
    let from = match &q.from {
        Some(d) => parse_date(d, "from")?,
        None => Period::Month.bounds(today).0,
    };
    let to = match &q.to {
        Some(d) => parse_date(d, "to")?,
        None => today,
    };
    let only = (role == Role::Technician).then_some(caller.user.id);
    let kinds = super::convert::Labels::load(&state, &[SERVICE_KIND_TABLE]).await?;
    let log = state
        .store
        .service_log(&scope, from, to + Duration::days(1), only)
        .await?;
    Ok(Json(log.iter().map(|e| entry_view(e, &kinds)).collect()))
}
