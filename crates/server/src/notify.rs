//! Fan-out of notifications: the inbox rows, and live events to the browsers and phones of
//! the people told (Server-Sent Events on `/api/v1/events`). Who is told is the domain's rule
//! (`linzhang_domain::notice`); this module finds those accounts and delivers, and hands the
//! message to the grids' chat robots and, when urgent, to text messages ([`crate::outbound`]).

use linzhang_domain::audit::Actor;
use linzhang_domain::incident::reaches_at_once;
use linzhang_domain::notice::{
    Audience, IncidentEvent, SheetEvent, audiences, report_reminder_audiences, sheet_audiences,
    spot_audience,
};
use linzhang_domain::report::ReminderStage;
use linzhang_domain::{GridCode, Scope};
use linzhang_store::{Incident, NewNotification, StoreError, WriteCtx};
use serde::Serialize;
use uuid::Uuid;

use crate::api::reports::Owed;
use crate::state::AppState;

/// A live event, for the users named.
#[derive(Debug, Clone, Serialize)]
pub struct LiveEvent {
    #[serde(skip)]
    pub users: Vec<Uuid>,
    /// `incident.reported`, `incident.escalated`, `camera.alarm`…
    pub kind: String,
    pub title: String,
    pub link: Option<String>,
    pub urgent: bool,
}

/// What to tell.
struct Message {
    kind: String,
    title: String,
    body: String,
    link: Option<String>,
    urgent: bool,
}

/// Tells the people an incident event concerns. Failures are logged, never returned: the
/// incident itself is stored whatever happens to its notifications.
pub async fn incident(state: &AppState, incident: &Incident, event: IncidentEvent) {
    let urgent = reaches_at_once(&incident.kind, incident.source);
    let title = match event {
        IncidentEvent::Reported if urgent => format!("【紧急】{}", incident.title),
        IncidentEvent::Reported => format!("新事件：{}", incident.title),
        IncidentEvent::Escalated => format!("上报事件：{}", incident.title),
    };
    let message = Message {
        kind: event.as_str().into(),
        title,
        body: incident.description.clone(),
        link: Some(format!("/incidents/{}", incident.id)),
        urgent,
    };
    if let Err(e) = tell(state, &incident.grid_code, event, message).await {
        tracing::error!(error = %e, incident = %incident.id, "notifications failed");
    }
}

/// Tells the person an incident was assigned to (交办), on each of his accounts: inbox, live
/// event and, for fire and SOS, a text message. The group robots are not told of personal
/// assignments. Failures are logged, never returned.
pub async fn incident_assigned(state: &AppState, incident: &Incident, person: Uuid) {
    let message = Message {
        kind: "incident.assigned".into(),
        title: format!("交办事件：{}", incident.title),
        body: incident.description.clone(),
        link: Some(format!("/incidents/{}", incident.id)),
        urgent: reaches_at_once(&incident.kind, incident.source),
    };
    let result = async {
        let users = state.store.person_users(person).await?;
        send(state, &[], users, message).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, incident = %incident.id, "assignment notification failed");
    }
}

/// Announces a camera alarm as an urgent report at the camera's grid: to the chiefs and
/// offices up to the city and the rangers of the grid, in the inbox and live.
pub async fn alarm(
    state: &AppState,
    camera: &linzhang_store::Camera,
    alarm: &linzhang_store::NewAlarm,
) {
    let message = Message {
        kind: "camera.alarm".into(),
        title: format!(
            "【视频报警】{}：疑似{}（{:.2}）",
            camera.name,
            if alarm.verdict == "fire" {
                "明火"
            } else {
                "烟雾"
            },
            alarm.score
        ),
        body: "请查看报警画面并确认或排除（扬尘、雾气可能误报）。".into(),
        link: Some(format!("/alarms/{}", alarm.id)),
        urgent: true,
    };
    if let Err(e) = tell(state, &camera.grid_code, IncidentEvent::Reported, message).await {
        tracing::error!(error = %e, camera = %camera.id, "alarm notifications failed");
    }
}

/// Tells the people a contact sheet event concerns: the addressee grid's chief and office (a
/// department's accounts at the issuing grid for a sheet to a department), the grid above as
/// well on escalation, the issuing grid for an answer. Failures are logged, never returned.
pub async fn sheet(state: &AppState, sheet: &linzhang_store::ContactSheet, event: SheetEvent) {
    let title = match event {
        SheetEvent::Issued => format!("林长工作联系单：{}", sheet.title),
        SheetEvent::Reminded => format!("【督办】{}", sheet.title),
        SheetEvent::Answered => format!("联系单已回复：{}", sheet.title),
        SheetEvent::Escalated => format!("【逾期升级】{}（期限 {}）", sheet.title, sheet.deadline),
        SheetEvent::Circulated => sheet.title.clone(),
    };
    let message = Message {
        kind: event.as_str().into(),
        title,
        body: sheet.body.clone(),
        link: Some(format!("/contact-sheets/{}", sheet.id)),
        urgent: false,
    };
    let result = match (&sheet.addressee_grid, &sheet.addressee_department, event) {
        (_, _, SheetEvent::Answered) => {
            deliver(state, &sheet.issuer_grid, &sheet_audiences(event), message).await
        }
        (Some(g), _, _) => deliver(state, g, &sheet_audiences(event), message).await,
        (None, _, SheetEvent::Escalated) => {
            let audiences = sheet_audiences(SheetEvent::Issued);
            deliver(state, &sheet.issuer_grid, &audiences, message).await
        }
        // The addressed department's accounts at the issuing grid.
        (None, department, _) => {
            let department = department.as_deref().unwrap_or_default();
            async {
                let chain = chain_of(state, &sheet.issuer_grid).await?;
                let users = state
                    .store
                    .department_users(&sheet.issuer_grid, department)
                    .await?;
                send(state, &chain, users, message).await
            }
            .await
        }
    };
    if let Err(e) = result {
        tracing::error!(error = %e, sheet = %sheet.id, "notifications failed");
    }
}

/// Circulates (通报) an inspection's result to the inspected grid and the grid above it.
pub async fn inspection_circulated(state: &AppState, i: &linzhang_store::Inspection) {
    let message = Message {
        kind: SheetEvent::Circulated.as_str().into(),
        title: format!("督察通报：{}（{}）", i.title, i.target_grid_name),
        body: i
            .findings
            .iter()
            .enumerate()
            .map(|(n, f)| format!("{}. {}", n + 1, f.text))
            .collect::<Vec<_>>()
            .join("\n"),
        link: Some(format!("/inspections/{}", i.id)),
        urgent: false,
    };
    let audiences = sheet_audiences(SheetEvent::Circulated);
    if let Err(e) = deliver(state, &i.target_grid, &audiences, message).await {
        tracing::error!(error = %e, inspection = %i.id, "notifications failed");
    }
}

/// Dispatches a batch's change spots for field verification: the chiefs and rangers of each
/// grid with spots are told how many wait for them.
pub async fn spots_dispatched(state: &AppState, batch: &str, grids: &[(GridCode, usize)]) {
    for (grid, count) in grids {
        let message = Message {
            kind: "spots.dispatched".into(),
            title: format!("【图斑核查】{batch}：{count} 个疑似变化图斑待外业核实"),
            body: "请到现场核实变化原因，记录是否合法、审批或采伐证号并拍照。".into(),
            link: Some("/spots".into()),
            urgent: false,
        };
        if let Err(e) = deliver(state, grid, &[spot_audience()], message).await {
            tracing::error!(error = %e, %grid, "spot dispatch notifications failed");
        }
    }
}

/// Reminds the owner of a report not yet submitted (催报): the grid's office or chief, or the
/// technician by name; once overdue, also the office that receives it (or the technician's
/// chief). Failures are logged, never returned.
pub async fn report_reminder(state: &AppState, owed: &Owed, step: ReminderStage) {
    let row = &owed.row;
    let who = row.technician.as_deref().unwrap_or(&row.grid_name);
    let title = match step {
        ReminderStage::DueSoon => format!(
            "【报送提醒】{who} {} 报告请于 {} 前报送",
            row.period_key, row.due
        ),
        ReminderStage::Overdue => format!(
            "【逾期催报】{who} {} 报告已逾期（应于 {} 前报送）",
            row.period_key, row.due
        ),
    };
    let message = Message {
        kind: format!("report.{}", step.as_str()),
        title,
        body: format!("报送规则：{}", row.rule),
        link: Some("/reports".into()),
        urgent: false,
    };
    let result = async {
        let chain = chain_of(state, &owed.grid).await?;
        let audiences = report_reminder_audiences(row.reporter, step);
        let own: Vec<Uuid> = owed.technician.into_iter().collect();
        let users = audience_users(state, &chain, &audiences, own).await?;
        send(state, &chain, users, message).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, grid = %row.grid_code, rule = %row.rule, "report reminder failed");
    }
}

/// The accounts the domain's audiences of `event` name around `grid`, and the delivery to them.
async fn tell(
    state: &AppState,
    grid: &GridCode,
    event: IncidentEvent,
    m: Message,
) -> Result<(), StoreError> {
    deliver(state, grid, &audiences(event, m.urgent), m).await
}

/// The accounts the audiences name around `grid`, and the delivery to them.
async fn deliver(
    state: &AppState,
    grid: &GridCode,
    audiences: &[Audience],
    m: Message,
) -> Result<(), StoreError> {
    let chain = chain_of(state, grid).await?;
    let users = audience_users(state, &chain, audiences, Vec::new()).await?;
    send(state, &chain, users, m).await
}

/// The grid, then the grids above it, nearest first.
async fn chain_of(state: &AppState, grid: &GridCode) -> Result<Vec<GridCode>, StoreError> {
    let mut chain = vec![grid.clone()];
    chain.extend(
        state
            .store
            .grid_ancestors(&Scope::everything(), grid)
            .await?
            .into_iter()
            .rev()
            .map(|g| g.code),
    );
    Ok(chain)
}

/// `users`, then the accounts the audiences name along the chain, each once.
async fn audience_users(
    state: &AppState,
    chain: &[GridCode],
    audiences: &[Audience],
    mut users: Vec<Uuid>,
) -> Result<Vec<Uuid>, StoreError> {
    for a in audiences {
        let grids: Vec<_> = chain.iter().take(a.levels_up + 1).cloned().collect();
        for (id, _, _) in state.store.users_at(&grids, a.roles).await? {
            if !users.contains(&id) {
                users.push(id);
            }
        }
    }
    Ok(users)
}

/// Delivers to these accounts: the inbox, live events, the chain's chat robots, and a text
/// message when urgent.
async fn send(
    state: &AppState,
    chain: &[GridCode],
    users: Vec<Uuid>,
    m: Message,
) -> Result<(), StoreError> {
    let notes: Vec<NewNotification> = users
        .iter()
        .map(|u| NewNotification {
            id: linzhang_domain::ids::new_id(),
            user_id: *u,
            kind: m.kind.clone(),
            title: m.title.clone(),
            body: m.body.clone(),
            link: m.link.clone(),
            urgent: m.urgent,
        })
        .collect();
    let ctx = WriteCtx {
        actor: Actor::system("notify"),
        at: state.clock.now(),
    };
    state.store.notify(&ctx, &notes).await?;
    // Outside the platform: the grids' chat robots (stored, sent by the delivery job) and a
    // text message for urgent ones.
    let out = crate::outbound::Outgoing {
        title: &m.title,
        body: &m.body,
        link: m.link.as_deref(),
        urgent: m.urgent,
    };
    crate::outbound::enqueue_robots(state, &ctx, chain, &out).await?;
    crate::outbound::text_urgent(state, &users, &out).await;
    // Nobody listening is fine: the inbox holds it.
    let _ = state.events.send(LiveEvent {
        users,
        kind: m.kind,
        title: m.title,
        link: m.link,
        urgent: m.urgent,
    });
    Ok(())
}
