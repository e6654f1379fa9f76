//! Fan-out of notifications: the inbox rows, and live events to the browsers and phones of
//! the people told (Server-Sent Events on `/api/v1/events`).

use linzhang_domain::Scope;
use linzhang_domain::audit::Actor;
use linzhang_domain::incident::reaches_at_once;
use linzhang_domain::notice::{IncidentEvent, audiences};
use linzhang_store::{Incident, NewNotification, WriteCtx};
use serde::Serialize;
use uuid::Uuid;

use crate::state::AppState;

/// A live event, for the users named.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    #[serde(skip)]
    pub users: Vec<Uuid>,
    /// `incident.reported`, `incident.escalated`…
    pub kind: String,
    pub title: String,
    pub link: Option<String>,
    pub urgent: bool,
}

/// Tells the people an incident event concerns. Failures are logged, never returned: the
/// incident itself is stored whatever happens to its notifications.
pub async fn incident(state: &AppState, incident: &Incident, event: IncidentEvent) {
    if let Err(e) = try_incident(state, incident, event).await {
        tracing::error!(error = %e, incident = %incident.id, "notifications failed");
    }
}

async fn try_incident(
    state: &AppState,
    incident: &Incident,
    event: IncidentEvent,
) -> Result<(), linzhang_store::StoreError> {
    let urgent = reaches_at_once(&incident.kind, incident.source);
    let all = Scope::everything();
    // The incident's grid, then the grids above it, nearest first.
    let mut chain = vec![incident.grid_code.clone()];
    chain.extend(
        state
            .store
            .grid_ancestors(&all, &incident.grid_code)
            .await?
            .into_iter()
            .rev()
            .map(|g| g.code),
    );
    let mut users: Vec<Uuid> = Vec::new();
    for a in audiences(event, urgent) {
        let grids: Vec<_> = chain.iter().take(a.levels_up + 1).cloned().collect();
        for (id, _, _) in state.store.users_at(&grids, a.roles).await? {
            if !users.contains(&id) {
                users.push(id);
            }
        }
    }
    let title = match event {
        IncidentEvent::Reported if urgent => format!("【紧急】{}", incident.title),
        IncidentEvent::Reported => format!("新事件：{}", incident.title),
        IncidentEvent::Escalated => format!("上报事件：{}", incident.title),
    };
    let link = Some(format!("/incidents/{}", incident.id));
    let notes: Vec<NewNotification> = users
        .iter()
        .map(|u| NewNotification {
            id: linzhang_domain::ids::new_id(),
            user_id: *u,
            kind: event.as_str().into(),
            title: title.clone(),
            body: incident.description.clone(),
            link: link.clone(),
            urgent,
        })
        .collect();
    let ctx = WriteCtx {
        actor: Actor::system("notify"),
        at: state.clock.now(),
    };
    state.store.notify(&ctx, &notes).await?;
    // Nobody listening is fine: the inbox holds it.
    let _ = state.events.send(LiveEvent {
        users,
        kind: event.as_str().into(),
        title,
        link,
        urgent,
    });
    Ok(())
}

/// Announces a camera alarm to the chiefs and offices of the camera's grid and the grids above
/// (everyone who would be told of a fire), in the inbox and live.
pub async fn alarm(
    state: &AppState,
    camera: &linzhang_store::Camera,
    alarm: &linzhang_store::NewAlarm,
) {
    let all = Scope::everything();
    let result: Result<(), linzhang_store::StoreError> = async {
        let mut grids = vec![camera.grid_code.clone()];
        grids.extend(
            state
                .store
                .grid_ancestors(&all, &camera.grid_code)
                .await?
                .into_iter()
                .map(|g| g.code),
        );
        let roles = [linzhang_domain::Role::Chief, linzhang_domain::Role::Office];
        let users: Vec<Uuid> = state
            .store
            .users_at(&grids, &roles)
            .await?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        let title = format!(
            "【视频报警】{}：疑似{}（{:.2}）",
            camera.name,
            if alarm.verdict == "fire" {
                "明火"
            } else {
                "烟雾"
            },
            alarm.score
        );
        let link = Some(format!("/alarms/{}", alarm.id));
        let notes: Vec<NewNotification> = users
            .iter()
            .map(|u| NewNotification {
                id: linzhang_domain::ids::new_id(),
                user_id: *u,
                kind: "camera.alarm".into(),
                title: title.clone(),
                body: "请查看报警画面并确认或排除（扬尘、雾气可能误报）。".into(),
                link: link.clone(),
                urgent: true,
            })
            .collect();
        let ctx = WriteCtx {
            actor: Actor::system("notify"),
            at: state.clock.now(),
        };
        state.store.notify(&ctx, &notes).await?;
        let _ = state.events.send(LiveEvent {
            users,
            kind: "camera.alarm".into(),
            title,
            link,
            urgent: true,
        });
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, camera = %camera.id, "alarm notifications failed");
    }
}
