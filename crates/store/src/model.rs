//! Records as the store hands them out and takes them in.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linzhang_domain::account::LoginState;
use linzhang_domain::audit::{Actor, AuditResult};
use linzhang_domain::codes::CodeTable;
use linzhang_domain::{
    AreaCode, FourSides, GridCode, IncidentSource, IncidentState, Level, PostKind, Priority, Role,
    StaffKind, TeamLevel,
};
use uuid::Uuid;

/// Who writes, and when: every write is audited with it.
#[derive(Debug, Clone)]
pub struct WriteCtx {
    pub actor: Actor,
    pub at: DateTime<Utc>,
}

/// A stored geometry: WKB in CGCS2000 lon/lat, its bounding box and its ellipsoidal area, all
/// computed by the caller (the geo crate).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub wkb: Vec<u8>,
    /// `[min_x, min_y, max_x, max_y]`.
    pub bbox: [f64; 4],
    pub area_m2: f64,
}

#[derive(Debug, Clone)]
pub struct NewGrid {
    pub code: GridCode,
    pub name: String,
    pub parent: Option<GridCode>,
    pub boundary: Option<Shape>,
    /// Made by the demo generator, not official data.
    pub generated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub code: GridCode,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<GridCode>,
    pub path: String,
    pub child_count: i64,
    pub area_m2: Option<f64>,
    pub generated: bool,
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub grid_code: GridCode,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub grid_code: GridCode,
}

#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Only people attached to this grid (not its subtree).
    pub grid: Option<GridCode>,
    /// Name or phone contains this text.
    pub text: Option<String>,
    pub limit: Option<i64>,
}

/// The short form of a person inside other records.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonRef {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone)]
pub struct NewPost {
    pub grid_code: GridCode,
    pub kind: PostKind,
    /// 职务, e.g. 市委书记.
    pub title: String,
    pub duties: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Post {
    pub id: Uuid,
    pub grid_code: GridCode,
    pub kind: PostKind,
    pub title: String,
    pub duties: String,
}

/// A person's term in a post, `[start_date, end_date)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Term {
    pub id: Uuid,
    pub post_id: Uuid,
    pub person: PersonRef,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostWithHolder {
    pub post: Post,
    pub holder: Option<Term>,
}

#[derive(Debug, Clone)]
pub struct NewTeam {
    pub grid_code: GridCode,
    pub level: TeamLevel,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Team {
    pub id: Uuid,
    pub grid_code: GridCode,
    pub level: TeamLevel,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub person_id: Uuid,
    pub grid_code: GridCode,
    pub kind: StaffKind,
    pub unit: String,
    pub team_id: Option<Uuid>,
    pub start_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Staff {
    pub id: Uuid,
    pub person: PersonRef,
    pub grid_code: GridCode,
    pub kind: StaffKind,
    pub unit: String,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct NewArea {
    /// The public code; `None` gives the grid's next free one.
    pub code: Option<AreaCode>,
    pub name: String,
    pub grid_code: GridCode,
    pub boundary: Shape,
    pub four_sides: FourSides,
    pub resource_types: Vec<String>,
    pub ownership: String,
    pub generated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub code: AreaCode,
    pub name: String,
    pub grid_code: GridCode,
    pub grid_name: String,
    pub four_sides: FourSides,
    pub area_m2: f64,
    pub resource_types: Vec<String>,
    pub ownership: String,
    pub boundary_wkb: Vec<u8>,
    pub generated: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaSummary {
    pub code: AreaCode,
    pub name: String,
    pub grid_code: GridCode,
    pub area_m2: f64,
}

/// A code table as published, with its version.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeTableVersion {
    pub table: CodeTable,
    pub version: i64,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub grid_code: GridCode,
    pub must_change_password: bool,
    /// The registry person this account belongs to, if any.
    pub person_id: Option<Uuid>,
    /// The member department (a `department` code) of a department account.
    pub department: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub grid_code: GridCode,
    pub grid_name: String,
    /// The path of the user's grid: the user's scope.
    pub grid_path: String,
    pub must_change_password: bool,
    pub login: LoginState,
    /// The registry person this account belongs to, if any.
    pub person_id: Option<Uuid>,
    /// The member department (a `department` code) of a department account.
    pub department: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// How a session travels: a browser cookie (with CSRF protection) or a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Bearer,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Bearer => "bearer",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: Uuid,
    /// SHA-256 of the secret token, hex; the token itself is never stored.
    pub token_hash: String,
    pub csrf_token: String,
    pub user_id: Uuid,
    pub client_addr: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub client_addr: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub revoked: bool,
}

/// An audit row to append.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub action: String,
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub result: AuditResult,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub client_addr: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub result: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entries older than this one (paging).
    pub before: Option<Uuid>,
    pub username: Option<String>,
    pub action: Option<String>,
    pub limit: i64,
}

/// An incident as reported. The id is minted by the reporting client, so that a retried upload
/// from an offline phone finds the incident it created the first time.
#[derive(Debug, Clone)]
pub struct NewIncident {
    pub id: Uuid,
    /// The grid responsible for it (where it was found).
    pub grid_code: GridCode,
    /// A code of the `incident_kind` table (checked by the caller).
    pub kind: String,
    /// A code of the `pest` table, for kind `pest` only (checked by the caller).
    pub pest: Option<String>,
    pub source: IncidentSource,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    /// Where it was found, CGCS2000 lon/lat; both or neither.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The time limit (see `linzhang_domain::incident::DeadlineRules`).
    pub due: Duration,
}

/// A stored incident. Whether it is overdue is for callers to work out with
/// `linzhang_domain::incident::is_overdue(state, clock_started_at, due, now)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Incident {
    pub id: Uuid,
    /// The grid currently responsible (changes on escalation).
    pub grid_code: GridCode,
    pub grid_name: String,
    pub kind: String,
    pub pest: Option<String>,
    pub source: IncidentSource,
    pub priority: Priority,
    pub state: IncidentState,
    pub title: String,
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The user who reported it (none for public and automatic reports).
    pub reported_by: Option<Uuid>,
    /// The reporter's name as recorded at the time (the actor's username).
    pub reporter_name: Option<String>,
    /// The person handling it.
    pub assignee: Option<Uuid>,
    pub assignee_name: Option<String>,
    /// The incident that covers this one, when it is a duplicate.
    pub duplicate_of: Option<Uuid>,
    /// When the time limit started: the report or the last escalation.
    pub clock_started_at: DateTime<Utc>,
    /// The time limit; serialised as milliseconds.
    #[serde(rename = "due_ms", serialize_with = "duration_ms")]
    pub due: Duration,
    pub reported_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn duration_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_milliseconds())
}

/// One entry of an incident's timeline: its report, or an action on it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IncidentEvent {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_name: Option<String>,
    /// `report`, or the name of an `IncidentAction` (`accept`, `escalate`…).
    pub action: String,
    pub from_state: IncidentState,
    pub to_state: IncidentState,
    /// The responsible grid before and after (they differ on escalation).
    pub from_grid: GridCode,
    pub to_grid: GridCode,
    /// The action's reason or note.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    /// Only incidents of this grid and the grids below it.
    pub grid: Option<GridCode>,
    pub state: Option<IncidentState>,
    /// At most this many (default 200, at most 1000).
    pub limit: Option<i64>,
}
