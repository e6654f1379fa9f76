//! Work the server does on its own, on a timer.

use std::time::Duration as StdDuration;

use chrono::Datelike;
use linzhang_domain::audit::Actor;
use linzhang_domain::contact_sheet::should_escalate;
use linzhang_domain::incident::should_auto_escalate;
use linzhang_domain::notice::{IncidentEvent, SheetEvent};
use linzhang_domain::report::{self, ReportStatus};
use linzhang_domain::{IncidentAction, IncidentState, Scope};
use linzhang_store::{IncidentFilter, SheetFilter, StoreError, WriteCtx};

use futures_util::StreamExt;

use crate::api::hotspots::HotspotImportView;
use crate::api::incidents::deadline_rules;
use crate::error::ApiError;
use crate::state::AppState;

/// How often the jobs run.
pub const PERIOD: StdDuration = StdDuration::from_mins(1);

/// Escalates every overdue incident below the city to its parent grid (超时自动上报上级林长), with
/// the parent's fresh time limit; answers how many moved. An incident that another action changed
/// meanwhile is left for the next round.
pub async fn escalate_overdue(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let all = Scope::everything();
    let rules = deadline_rules(state).await?;
    let ctx = WriteCtx {
        actor: Actor::system("overdue"),
        at: now,
    };
    let reason = "超过办理时限，自动上报上级林长 (time limit passed: escalated automatically)";
    let mut moved = 0;
    for open in [
        IncidentState::Reported,
        IncidentState::Accepted,
        IncidentState::Assigned,
        IncidentState::InProgress,
        IncidentState::Escalated,
    ] {
        let filter = IncidentFilter {
            grid: None,
            state: Some(open),
            limit: Some(1000),
        };
        for i in state.store.incidents(&all, &filter).await? {
            let level = i.grid_code.level();
            if !should_auto_escalate(i.state, level, i.clock_started_at, i.due, now) {
                continue;
            }
            let action = IncidentAction::Escalate {
                reason: reason.to_owned(),
            };
            let due = rules.due_within(&i.kind, i.priority);
            match state
                .store
                .act_on_incident(&ctx, &all, i.id, &action, false, Some(due))
                .await
            {
                Ok(after) => {
                    moved += 1;
                    crate::notify::incident(state, &after, IncidentEvent::Escalated).await;
                }
                Err(StoreError::Rejected(why)) => {
                    tracing::info!(incident = %i.id, %why, "not escalated this round");
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(moved)
}

/// Escalates every contact sheet still unanswered after its deadline (逾期未回复): flags it once
/// and tells the addressee and the grid above; answers how many were escalated.
pub async fn escalate_overdue_sheets(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let today = state.date_of(now);
    let ctx = WriteCtx {
        actor: Actor::system("overdue"),
        at: now,
    };
    let filter = SheetFilter {
        escalated: Some(false),
        overdue_on: Some(today),
        ..SheetFilter::default()
    };
    let mut escalated = 0;
    for sheet in state
        .store
        .contact_sheets(&Scope::everything(), &filter)
        .await?
    {
        if !should_escalate(sheet.state, sheet.deadline, sheet.escalated, today) {
            continue;
        }
        if state.store.escalate_contact_sheet(&ctx, sheet.id).await? {
            escalated += 1;
            crate::notify::sheet(state, &sheet, SheetEvent::Escalated).await;
        }
    }
    Ok(escalated)
}

/// Reminds the owners of reports not yet submitted (催报): once a few days before the due day,
/// once when overdue (the domain's `report::reminder`), each recorded so that nobody is told
/// twice, whatever the job's period or a restart. Reports of last year are looked at too (the
/// fourth quarter is due in January). Answers how many reminders were sent.
pub async fn remind_reports(state: &AppState) -> Result<usize, ApiError> {
    let now = state.clock.now();
    let today = state.date_of(now);
    let all = Scope::everything();
    let mut sent = 0;
    let years = [today.year() - 1, today.year()];
    for owed in crate::api::reports::owed(state, &all, &years, today).await? {
        if !matches!(owed.row.status, ReportStatus::Due | ReportStatus::Overdue) {
            continue;
        }
        let Some(step) = report::reminder(owed.due, today) else {
            continue;
        };
        if state
            .store
            .claim_report_reminder(now, &owed.reminder(step))
            .await?
        {
            crate::notify::report_reminder(state, &owed, step).await;
            sent += 1;
        }
    }
    Ok(sent)
}

/// How long a fetch from outside (a feed, a snapshot) may take.
const FETCH_TIMEOUT: StdDuration = StdDuration::from_mins(1);
const SNAPSHOT_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// How often pending robot deliveries are looked at (besides when one is stored).
const ROBOT_PERIOD: StdDuration = StdDuration::from_secs(30);
/// How often reports are looked at for reminders (each is sent once whatever the period).
const REMIND_PERIOD: StdDuration = StdDuration::from_mins(15);
/// Cameras polled at once.
const POLL_CONCURRENCY: usize = 8;

/// Fetches the configured FIRMS CSV and imports it like an upload (duplicates of earlier
/// fetches are merged, fires near forest land raise incidents); answers what the import did,
/// or `None` when no URL is configured.
pub async fn fetch_firms(state: &AppState) -> Result<Option<HotspotImportView>, ApiError> {
    let Some(url) = state.config.firms_url.as_deref() else {
        return Ok(None);
    };
    let fail = |what: String| {
        tracing::warn!(%url, %what, "FIRMS fetch failed");
        ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "feed_unavailable",
            format!("the FIRMS feed could not be fetched: {what}"),
        )
    };
    let response = state
        .http
        .get(url)
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    if !response.status().is_success() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    let body = response.bytes().await.map_err(|e| fail(e.to_string()))?;
    crate::api::hotspots::ingest(state, &body).await.map(Some)
}

/// Takes one picture from every camera that has a snapshot URL and puts it through smoke and
/// fire detection like a pushed frame; answers how many pictures were checked. A camera that
/// does not answer is logged and tried again next round.
pub async fn poll_cameras(state: &AppState) -> Result<usize, ApiError> {
    let cameras: Vec<_> = state
        .store
        .cameras(&Scope::everything())
        .await?
        .into_iter()
        .filter(|c| c.snapshot_url.is_some())
        .collect();
    let checked = std::sync::atomic::AtomicUsize::new(0);
    futures_util::stream::iter(cameras)
        .for_each_concurrent(POLL_CONCURRENCY, |camera| {
            let checked = &checked;
            async move {
                match snapshot(state, &camera).await {
                    Ok(()) => {
                        checked.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Err(what) => {
                        tracing::warn!(camera = %camera.id, %what, "camera snapshot failed");
                    }
                }
            }
        })
        .await;
    Ok(checked.into_inner())
}

async fn snapshot(state: &AppState, camera: &linzhang_store::Camera) -> Result<(), String> {
    let url = camera.snapshot_url.as_deref().unwrap_or_default();
    let response = state
        .http
        .get(url)
        .timeout(SNAPSHOT_TIMEOUT)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()));
    }
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let ctx = WriteCtx {
        actor: Actor::system("camera-poll"),
        at: state.clock.now(),
    };
    crate::api::cameras::process_frame(state, &ctx, camera, ctx.at, &body)
        .await
        .map(|_| ())
        .map_err(|e| e.message)
}

/// Runs `job` every `period` until the task is dropped.
async fn every<F, Fut>(period: StdDuration, job: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        job().await;
    }
}

/// Runs the jobs until the task is dropped: overdue incidents and contact sheets every
/// [`PERIOD`], report reminders every [`REMIND_PERIOD`], the FIRMS fetch and the camera polling
/// at their configured intervals.
pub async fn run(state: AppState) {
    let escalation = every(PERIOD, || async {
        match escalate_overdue(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(escalated = n, "overdue incidents escalated"),
            Err(e) => tracing::error!(code = %e.code, "the overdue job failed"),
        }
        match escalate_overdue_sheets(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(escalated = n, "overdue contact sheets escalated"),
            Err(e) => tracing::error!(code = %e.code, "the overdue sheet job failed"),
        }
    });
    let reminders = every(REMIND_PERIOD, || async {
        match remind_reports(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminded = n, "report reminders sent"),
            Err(e) => tracing::error!(code = %e.code, "the report reminder job failed"),
        }
    });
    let firms = async {
        if state.config.firms_url.is_none() {
            return;
        }
        every(state.config.firms_every, || async {
            match fetch_firms(&state).await {
                Ok(Some(r)) => tracing::info!(
                    read = r.read,
                    stored = r.stored,
                    incidents = r.incidents_raised,
                    "FIRMS feed imported"
                ),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(code = %e.code, message = %e.message, "the FIRMS job failed");
                }
            }
        })
        .await;
    };
    let cameras = async {
        let Some(period) = state.config.camera_poll_every else {
            return;
        };
        every(period, || async {
            if let Err(e) = poll_cameras(&state).await {
                tracing::error!(code = %e.code, "the camera polling job failed");
            }
        })
        .await;
    };
    // Chat-robot messages: at once when one is stored, and every half minute for retries.
    let robots = async {
        loop {
            match crate::outbound::deliver_due(&state).await {
                Ok(r) if r == crate::outbound::Round::default() => {}
                Ok(r) => tracing::info!(
                    sent = r.sent,
                    retried = r.retried,
                    given_up = r.given_up,
                    "robot deliveries"
                ),
                Err(e) => tracing::error!(code = %e.code, "the robot delivery job failed"),
            }
            tokio::select! {
                () = state.deliveries.notified() => {}
                () = tokio::time::sleep(ROBOT_PERIOD) => {}
            }
        }
    };
    tokio::join!(escalation, reminders, firms, cameras, robots);
}
