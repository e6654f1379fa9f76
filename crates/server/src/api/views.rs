//! Wire types of the JSON API (what clients see), separate from store records.

use linzhang_domain::codes::CodeEntry;
use linzhang_domain::{
    FourSides, IncidentSource, IncidentState, Level, PostKind, Priority, Role, StaffKind, TeamLevel,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub backend: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub role: Role,
    pub grid_code: String,
    pub grid_name: String,
    pub must_change_password: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for the field app and integrations (the browser uses the cookie instead).
    pub token: String,
    pub must_change_password: bool,
    pub user: Me,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    pub client_addr: Option<String>,
    pub created_at: String,
    pub last_seen: String,
    /// The session making this request.
    pub current: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GridSummary {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub child_count: i64,
    /// Made by the demo generator, not official data.
    pub generated: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonSummary {
    pub id: String,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TermView {
    pub id: String,
    pub person: PersonSummary,
    pub start_date: String,
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PostView {
    pub id: String,
    pub grid_code: String,
    pub kind: PostKind,
    /// The kind's label from the `post_kind` code table, e.g. 总林长.
    pub kind_name: String,
    /// 职务, e.g. 市委书记.
    pub title: String,
    pub duties: String,
    pub holder: Option<TermView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PostDetail {
    pub post: PostView,
    /// Every term, newest first.
    pub history: Vec<TermView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StaffView {
    pub id: String,
    pub person: PersonSummary,
    pub kind: StaffKind,
    pub kind_name: String,
    pub unit: String,
    pub team_name: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AreaSummary {
    pub code: String,
    pub name: String,
    pub grid_code: String,
    pub area_m2: f64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GridDetail {
    pub grid: GridSummary,
    /// Ancestors inside the caller's scope, root first.
    pub ancestors: Vec<GridSummary>,
    pub children: Vec<GridSummary>,
    pub posts: Vec<PostView>,
    pub staff: Vec<StaffView>,
    pub areas: Vec<AreaSummary>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CodeLabel {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AreaView {
    pub code: String,
    pub name: String,
    pub grid_code: String,
    pub grid_name: String,
    pub four_sides: FourSides,
    /// Area on the CGCS2000 ellipsoid, square metres.
    pub area_m2: f64,
    pub resource_types: Vec<CodeLabel>,
    pub ownership: CodeLabel,
    /// The public page the QR code opens.
    pub public_url: String,
    /// GeoJSON MultiPolygon in CGCS2000 lon/lat.
    #[schema(value_type = Object)]
    pub boundary: serde_json::Value,
    pub generated: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewAreaBody {
    pub grid_code: String,
    pub name: String,
    /// GeoJSON Polygon or MultiPolygon (geometry, Feature or FeatureCollection) in lon/lat.
    #[schema(value_type = Object)]
    pub boundary: serde_json::Value,
    pub four_sides: FourSides,
    pub resource_types: Vec<String>,
    pub ownership: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub grid_code: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewPersonBody {
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub grid_code: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewPostBody {
    pub kind: PostKind,
    pub title: String,
    pub duties: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AppointBody {
    pub person_id: String,
    /// YYYY-MM-DD
    pub start_date: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewStaffBody {
    pub person_id: String,
    pub kind: StaffKind,
    pub unit: String,
    pub team_id: Option<String>,
    pub start_date: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EndStaffBody {
    pub end_date: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub username: Option<String>,
    pub client_addr: Option<String>,
    pub action: String,
    pub target: Option<String>,
    /// The record before the change, when there was one.
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The record after the change.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub result: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CodeTableView {
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    pub version: i64,
    pub published_at: String,
    pub published_by: Option<String>,
    pub entries: Vec<CodeEntry>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CodeTableBody {
    pub title_zh: String,
    pub title_en: String,
    pub entries: Vec<CodeEntry>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub duties: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    /// 林长制工作领导小组.
    pub leading_group: Vec<CodeEntry>,
    /// 成员单位 with their duties.
    pub departments: Vec<Department>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub role: Role,
    pub grid_code: String,
    pub grid_name: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub locked_until: Option<String>,
    /// The registry person the account belongs to.
    pub person_id: Option<String>,
    /// A department account's member department (a `department` code).
    pub department: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewUserBody {
    pub username: String,
    pub role: Role,
    pub grid_code: String,
    /// Initial password; the user must change it at first login.
    pub password: String,
    /// The registry person the account belongs to (a chief's or ranger's own account).
    pub person_id: Option<String>,
    /// For a department account (and only for one): its member department, a code of the
    /// `department` table.
    pub department: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResetPasswordBody {
    /// A temporary password (the policy applies); the user must change it at the next login.
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TeamView {
    pub id: String,
    pub grid_code: String,
    /// brigade 大队 (county), squadron 中队 (town), squad 小队 (village).
    pub level: TeamLevel,
    pub name: String,
    pub parent_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewTeamBody {
    pub level: TeamLevel,
    pub name: String,
    /// The team above (a town squadron's county brigade).
    pub parent_id: Option<String>,
}

/// A chief as the public sees them (phone masked).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicChief {
    pub grid_name: String,
    pub level: Level,
    pub kind_name: String,
    pub title: String,
    pub name: String,
    pub phone: String,
    pub duties: String,
}

/// The public page of a responsibility area, what its QR code opens (一林一码).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicArea {
    pub code: String,
    pub name: String,
    /// Where the area lies, from the city down to its grid.
    pub place: Vec<String>,
    pub area_m2: f64,
    pub four_sides: FourSides,
    pub resource_types: Vec<CodeLabel>,
    pub ownership: CodeLabel,
    /// The chiefs who answer for the area: its grid's chiefs and deputies, then the chief of
    /// each level above.
    pub chiefs: Vec<PublicChief>,
    pub generated: bool,
}

/// An incident (事件) as clients see it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IncidentView {
    pub id: String,
    /// The grid now responsible (it changes on escalation).
    pub grid_code: String,
    pub grid_name: String,
    pub kind: String,
    /// The kind's label from the `incident_kind` code table.
    pub kind_name: String,
    pub pest: Option<String>,
    pub source: IncidentSource,
    pub priority: Priority,
    pub state: IncidentState,
    pub title: String,
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub reporter_name: Option<String>,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub duplicate_of: Option<String>,
    pub reported_at: String,
    pub updated_at: String,
    /// When the time limit runs out (from the report or the last escalation).
    pub due_at: String,
    /// Past its time limit and not yet resolved.
    pub overdue: bool,
    /// Fire, SOS and hotspots reach the responsible chief, the office and nearby rangers at once.
    pub urgent_alert: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IncidentEventView {
    pub at: String,
    pub actor_name: Option<String>,
    pub action: String,
    pub from_state: IncidentState,
    pub to_state: IncidentState,
    pub from_grid: String,
    pub to_grid: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IncidentDetail {
    pub incident: IncidentView,
    /// The timeline, oldest first.
    pub events: Vec<IncidentEventView>,
    /// Photos and videos, oldest first.
    pub attachments: Vec<super::attachments::AttachmentView>,
}

/// A report. `id` is minted by the client (UUID), so a retried upload is stored once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NewIncidentBody {
    pub id: String,
    pub grid_code: String,
    /// A code of the `incident_kind` table.
    pub kind: String,
    /// A code of the `pest` table, for kind `pest`.
    pub pest: Option<String>,
    pub priority: Priority,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}
