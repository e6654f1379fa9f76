//! Work the server does on its own, on a timer.

use std::time::Duration as StdDuration;

use linzhang_domain::audit::Actor;
use linzhang_domain::contact_sheet::should_escalate;
use linzhang_domain::incident::should_auto_escalate;
use linzhang_domain::notice::{IncidentEvent, SheetEvent};
use linzhang_domain::{IncidentAction, IncidentState, Scope};
use linzhang_store::{IncidentFilter, SheetFilter, StoreError, WriteCtx};

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
    let today = now.date_naive();
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

/// Runs the jobs every [`PERIOD`] until the task is dropped.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
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
    }
}
