//! The conformance suite: one story per function, run against every backend through
//! [`conformance_tests!`](crate::conformance_tests). A backend passes when every story passes on
//! a fresh database.

#![allow(
    clippy::missing_panics_doc,
    reason = "a failed assertion is the test result"
)]
#![allow(clippy::unwrap_used, reason = "test code")]
use chrono::{DateTime, Duration, NaiveDate, Utc};
use linzhang_domain::account::LoginState;
use linzhang_domain::audit::{Actor, AuditResult};
use linzhang_domain::codes::{CodeEntry, CodeTable};
use linzhang_domain::{
    AreaCode, FourSides, GridCode, IncidentAction, IncidentSource, IncidentState, PostKind,
    Priority, Scope, StaffKind, TeamLevel,
};
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{
    AuditFilter, IncidentFilter, NewArea, NewAudit, NewGrid, NewIncident, NewPerson, NewPost,
    NewSession, NewStaff, NewTeam, NewUser, PeopleFilter, Shape, WriteCtx,
};
use crate::{SqlStore, Store, ensure_defaults};

mod accounts;
mod attachments;
mod cameras;
mod hotspots;
mod imagery;
mod incidents;
mod layers;
mod meetings;
mod org;
mod patrols;
mod reports;
mod sheets;
mod spots;
mod tasks;
mod webhooks;

pub use accounts::*;
pub use attachments::*;
pub use cameras::*;
pub use hotspots::*;
pub use imagery::*;
pub use incidents::*;
pub use layers::*;
pub use meetings::*;
pub use org::*;
pub use patrols::*;
pub use reports::*;
pub use sheets::*;
pub use spots::*;
pub use tasks::*;
pub use webhooks::*;

/// Generates one `#[tokio::test]` per story. `$open` is an async fn returning
/// `(SqlStore, G)`; `$close` an async fn taking `(SqlStore, G)` that cleans up.
#[macro_export]
macro_rules! conformance_tests {
    ($open:path, $close:path) => {
        $crate::conformance_tests!(@each $open, $close;
            grid_tree_and_scope, posts_keep_history, post_kinds_follow_levels,
            staff_and_teams, areas_get_codes_and_stay_in_scope, people_filter,
            code_tables_are_versioned, accounts_and_sessions, accounts_belong_to_people, writes_are_audited,
            audit_log_is_append_only, defaults_are_published_once,
            incident_reports_are_idempotent, incidents_run_from_report_to_closure,
            refused_incident_actions_change_nothing, escalation_moves_incidents_up,
            incident_attachments_are_stored_once_and_scoped, spot_photos_are_stored_once_and_scoped,
            incidents_stay_in_scope_and_filter, layers_import_count_and_stay_in_scope,
            hotspots_are_stored_once_and_scoped,
            patrol_tracks_are_stored_once, chief_patrols_are_counted_per_post,
            change_spots_are_batched_scoped_and_verified, camera_alarms_are_scoped_and_decided_once,
            chief_meetings_are_counted_per_grid, webhook_deliveries_are_retried_then_given_up,
            imagery_scenes_are_registered_listed_and_deleted, tasks_break_down_and_roll_up,
            contact_sheets_are_answered_before_closing, inspection_findings_become_sheets,
            reports_are_submitted_once_and_scoped, service_log_is_scoped_and_filtered,
            report_reminders_are_sent_once, department_accounts_belong_to_their_department);
    };
    (@each $open:path, $close:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((store, guard)) = $open().await else { return };
                $crate::conformance::$name(&store).await;
                $close(store, guard).await;
            }
        )*
    };
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

fn ctx() -> WriteCtx {
    WriteCtx {
        actor: Actor {
            user_id: None,
            username: Some("tester".into()),
            client_addr: Some("127.0.0.1".into()),
        },
        at: t0(),
    }
}

fn code(s: &str) -> GridCode {
    GridCode::parse(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn square(x: f64, y: f64) -> Shape {
    // Little-endian ISO WKB of the 0.01° square at (x, y), written by hand: the store keeps
    // bytes as given, and the layer import decodes these boundaries.
    let mut wkb = vec![1];
    wkb.extend(3_u32.to_le_bytes());
    wkb.extend(1_u32.to_le_bytes());
    wkb.extend(5_u32.to_le_bytes());
    for (px, py) in [
        (x, y),
        (x + 0.01, y),
        (x + 0.01, y + 0.01),
        (x, y + 0.01),
        (x, y),
    ] {
        wkb.extend(px.to_le_bytes());
        wkb.extend(py.to_le_bytes());
    }
    Shape {
        wkb,
        bbox: [x, y, x + 0.01, y + 0.01],
        area_m2: 1_000_000.0,
    }
}

/// City 320200 → 锡山区 320205 → 东亭街道 320205001 (2 villages), 安镇街道 320205002 (1 village);
/// 江阴市 320281.
pub async fn seed_tree(s: &dyn Store) {
    let grids = [
        ("320200", "无锡市", None),
        ("320205", "锡山区", Some("320200")),
        ("320281", "江阴市", Some("320200")),
        ("320205001", "东亭街道", Some("320205")),
        ("320205002", "安镇街道", Some("320205")),
        ("320205001001", "东亭一村", Some("320205001")),
        ("320205001002", "东亭二村", Some("320205001")),
        ("320205002001", "安镇一村", Some("320205002")),
    ];
    for (i, (c, name, parent)) in grids.into_iter().enumerate() {
        let g = NewGrid {
            code: code(c),
            name: name.into(),
            parent: parent.map(code),
            boundary: Some(square(
                120.0 + f64::from(u8::try_from(i).unwrap()) * 0.01,
                31.5,
            )),
            generated: false,
        };
        s.create_grid(&ctx(), &g).await.unwrap();
    }
}

async fn person(s: &dyn Store, grid: &str, name: &str) -> Uuid {
    let p = NewPerson {
        name: name.into(),
        phone: "13800000000".into(),
        unit: "单位".into(),
        grid_code: code(grid),
    };
    s.create_person(&ctx(), &Scope::everything(), &p)
        .await
        .unwrap()
        .id
}

fn is_not_found<T: std::fmt::Debug>(r: &Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound { .. }))
}
