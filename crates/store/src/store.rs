//! The storage operations of the platform.

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use linzhang_domain::account::LoginState;
use linzhang_domain::attachment::Owner;
use linzhang_domain::codes::CodeTable;
use linzhang_domain::layer::Placement;
use linzhang_domain::{AreaCode, GridCode, IncidentAction, Scope};
use uuid::Uuid;

use crate::cameras::{Alarm, Camera, NewAlarm};
use crate::error::StoreResult;
use crate::imagery::ImageryScene;
use crate::layers::{
    Feature, FeatureFilter, HotspotRecord, LayerImport, LayerStat, NewHotspot, NewLayerImport,
};
use crate::model::{
    Area, AreaSummary, AuditEntry, AuditFilter, CodeTableVersion, Grid, Incident, IncidentEvent,
    IncidentFilter, NewArea, NewAudit, NewGrid, NewIncident, NewPerson, NewPost, NewSession,
    NewStaff, NewTeam, NewUser, PeopleFilter, Person, PostWithHolder, Session, Staff, Team, Term,
    User, WriteCtx,
};
use crate::notices::{NewNotification, Notification};
use crate::patrols::{
    ChiefPatrolCount, NewCheckin, NewPatrol, NewTrackPoint, Patrol, PatrolFilter, TrackUpload,
};
use crate::patrols::{Meeting, MeetingCount};
use crate::reports::{Report, ReportReminder, ReportingGrid, ServiceEntry};
use crate::sheets::{
    ContactSheet, Inspection, NewContactSheet, NewInspection, SheetEventRecord, SheetFilter,
};
use crate::spots::{ChangeBatch, ChangeSpot, NewChangeBatch, Verification};
use crate::tasks::{NewTask, Task, TaskPart, TaskReport};
use crate::webhooks::{Attempt, Delivery, NewDelivery, Webhook};
use linzhang_domain::contact_sheet::{SheetAction, Sides};

/// Storage for every backend. Reads take a [`Scope`] and treat records outside it as missing;
/// writes take a [`WriteCtx`] and are audited in their own transaction.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;

    // --- grids (网格) ---

    /// Adds a grid under its parent (which must exist, except for the city).
    async fn create_grid(&self, ctx: &WriteCtx, grid: &NewGrid) -> StoreResult<Grid>;
    async fn grid(&self, scope: &Scope, code: &GridCode) -> StoreResult<Grid>;
    /// The grids at the top of the scope (the user's own grid).
    async fn grid_roots(&self, scope: &Scope) -> StoreResult<Vec<Grid>>;
    async fn grid_children(&self, scope: &Scope, code: &GridCode) -> StoreResult<Vec<Grid>>;
    /// Ancestors inside the scope, root first, excluding the grid itself.
    async fn grid_ancestors(&self, scope: &Scope, code: &GridCode) -> StoreResult<Vec<Grid>>;
    /// The boundary as WKB, if the grid has one.
    async fn grid_boundary(&self, scope: &Scope, code: &GridCode) -> StoreResult<Option<Vec<u8>>>;
    /// The scope of a user bound to this grid.
    async fn scope_of(&self, code: &GridCode) -> StoreResult<Scope>;

    // --- people, posts, staff (人员, 林长, 护林员/技术员/警员) ---

    async fn create_person(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        person: &NewPerson,
    ) -> StoreResult<Person>;
    async fn person(&self, scope: &Scope, id: Uuid) -> StoreResult<Person>;
    async fn people(&self, scope: &Scope, filter: &PeopleFilter) -> StoreResult<Vec<Person>>;

    async fn create_post(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        post: &NewPost,
    ) -> StoreResult<PostWithHolder>;
    async fn post(&self, scope: &Scope, id: Uuid) -> StoreResult<PostWithHolder>;
    async fn posts(&self, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<PostWithHolder>>;
    /// Every term of the post, newest first.
    async fn post_history(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<Term>>;
    /// Appoints `person` from `start`, ending the current holder's term that day.
    async fn appoint(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        post_id: Uuid,
        person_id: Uuid,
        start: NaiveDate,
    ) -> StoreResult<Term>;
    /// Who held the post on `date`.
    async fn holder_on(
        &self,
        scope: &Scope,
        post_id: Uuid,
        date: NaiveDate,
    ) -> StoreResult<Option<Term>>;

    async fn create_team(&self, ctx: &WriteCtx, scope: &Scope, team: &NewTeam)
    -> StoreResult<Team>;
    async fn teams(&self, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<Team>>;
    async fn add_staff(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        staff: &NewStaff,
    ) -> StoreResult<Staff>;
    /// Current staff of a grid (and past ones with `include_ended`).
    async fn staff(
        &self,
        scope: &Scope,
        grid: &GridCode,
        include_ended: bool,
    ) -> StoreResult<Vec<Staff>>;
    async fn end_staff(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        end: NaiveDate,
    ) -> StoreResult<Staff>;

    // --- responsibility areas (林长责任区) ---

    async fn create_area(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        area: &NewArea,
    ) -> StoreResult<AreaSummary>;
    async fn area(&self, scope: &Scope, code: &AreaCode) -> StoreResult<Area>;
    async fn areas(&self, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<AreaSummary>>;

    // --- incidents (事件) ---

    /// Stores a new incident in state `reported`, with the report as the first timeline entry;
    /// answers it and whether it was created. The reporter is the actor of `ctx`. An incident
    /// with the same id (a retried upload) is answered as it is now, with `false`, and nothing is
    /// written; if it is no longer in scope the answer is [`Conflict`](crate::StoreError::Conflict).
    /// The grid must be in scope.
    async fn report_incident(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        incident: &NewIncident,
    ) -> StoreResult<(Incident, bool)>;
    async fn incident(&self, scope: &Scope, id: Uuid) -> StoreResult<Incident>;
    /// Newest first.
    async fn incidents(&self, scope: &Scope, filter: &IncidentFilter)
    -> StoreResult<Vec<Incident>>;
    /// The timeline, oldest first.
    async fn incident_events(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<IncidentEvent>>;
    /// Applies an action through the state machine
    /// ([`transition`](linzhang_domain::incident::transition)) in one transaction: a refused
    /// action is [`Rejected`](crate::StoreError::Rejected) and changes nothing. The assignee
    /// must be a person in scope, and the incident an action names as the original must be in
    /// scope. Escalation moves the incident to the parent grid (which may be outside `scope`),
    /// clears the assignee and restarts the time limit at `ctx.at`, for
    /// `due_after_escalation` when given (else the limit stays). `by_assignee`: whether the
    /// actor is the incident's assignee (for start and resolve).
    async fn act_on_incident(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        action: &IncidentAction,
        by_assignee: bool,
        due_after_escalation: Option<Duration>,
    ) -> StoreResult<Incident>;

    /// Records a photo or video of an incident or a change spot in scope (the bytes are already
    /// in the object store); answers it and whether it was created. A retried upload with the
    /// same id answers the stored record; the same id on another owner is a conflict.
    async fn attach(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        attachment: &crate::Attachment,
    ) -> StoreResult<(crate::Attachment, bool)>;
    /// The attachments of an incident or a change spot in scope, oldest first.
    async fn attachments(&self, scope: &Scope, owner: Owner)
    -> StoreResult<Vec<crate::Attachment>>;
    /// One attachment of an incident or a change spot in scope.
    async fn attachment(
        &self,
        scope: &Scope,
        owner: Owner,
        id: Uuid,
    ) -> StoreResult<crate::Attachment>;

    // --- code tables (代码表) ---

    /// The current version of every table.
    async fn code_tables(&self) -> StoreResult<Vec<CodeTableVersion>>;
    /// A table at a version (the current one when `None`).
    async fn code_table(&self, name: &str, version: Option<i64>) -> StoreResult<CodeTableVersion>;
    /// Publishes a new version of a table (a new table starts at version 1).
    async fn publish_code_table(
        &self,
        ctx: &WriteCtx,
        table: &CodeTable,
    ) -> StoreResult<CodeTableVersion>;

    // --- accounts and sessions ---

    async fn create_user(&self, ctx: &WriteCtx, user: &NewUser) -> StoreResult<User>;
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>>;
    async fn user(&self, id: Uuid) -> StoreResult<User>;
    /// Users whose grid is inside the scope.
    async fn users(&self, scope: &Scope) -> StoreResult<Vec<User>>;
    /// Stores the login state after an attempt and audits the attempt, in one transaction.
    async fn record_login(
        &self,
        user_id: Option<Uuid>,
        state: Option<&LoginState>,
        audit: &NewAudit,
    ) -> StoreResult<()>;
    async fn set_password(
        &self,
        ctx: &WriteCtx,
        user_id: Uuid,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()>;
    /// Locks (disables) or unlocks an account; unlocking also clears a failed-login lock.
    async fn set_disabled(&self, ctx: &WriteCtx, user_id: Uuid, disabled: bool) -> StoreResult<()>;

    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;
    async fn session_by_token(&self, token_hash: &str) -> StoreResult<Option<Session>>;
    async fn touch_session(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<()>;
    async fn revoke_session(&self, ctx: &WriteCtx, id: Uuid) -> StoreResult<()>;
    /// Revokes every live session of a user but `except`; answers how many.
    async fn revoke_user_sessions(
        &self,
        ctx: &WriteCtx,
        user_id: Uuid,
        except: Option<Uuid>,
    ) -> StoreResult<u64>;
    /// A user's sessions that are not revoked, newest first.
    async fn sessions(&self, user_id: Uuid) -> StoreResult<Vec<Session>>;

    // --- audit log (审计日志): append-only ---

    async fn append_audit(&self, entry: &NewAudit) -> StoreResult<()>;
    /// Appends several entries at once (one transaction).
    async fn append_audits(&self, entries: &[NewAudit]) -> StoreResult<()>;
    /// Newest first.
    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;

    // The one map's layers (一张图).
    /// The deepest grids with a boundary in the scope: code, materialised path and WKB.
    async fn leaf_grids(&self, scope: &Scope) -> StoreResult<Vec<(String, String, Vec<u8>)>>;
    /// The responsibility areas in the scope: code and WKB.
    async fn area_shapes(&self, scope: &Scope) -> StoreResult<Vec<(String, Vec<u8>)>>;
    /// Stores an import's features in one transaction and rebuilds the layer's statistics for
    /// its year. Every feature must overlap grids in the scope.
    async fn import_layer(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        import: &NewLayerImport,
    ) -> StoreResult<LayerImport>;
    /// The imports made within the scope, newest first.
    async fn layer_imports(&self, scope: &Scope, layer: &str) -> StoreResult<Vec<LayerImport>>;
    /// Removes an import made within the scope, with its features, and rebuilds statistics.
    async fn withdraw_import(&self, ctx: &WriteCtx, scope: &Scope, id: Uuid) -> StoreResult<()>;
    /// The survey years a layer has data for.
    async fn layer_years(&self, layer: &str) -> StoreResult<Vec<i32>>;
    /// Statistics of a grid or responsibility area (by code) for a layer and year.
    async fn layer_stats(
        &self,
        scope: &Scope,
        layer: &str,
        year: i32,
        target: &str,
    ) -> StoreResult<Vec<LayerStat>>;
    /// Features of a layer and year in the scope (paged by the filter).
    async fn features(&self, scope: &Scope, filter: &FeatureFilter) -> StoreResult<Vec<Feature>>;
    /// How many features match the filter, without paging.
    async fn feature_count(&self, scope: &Scope, filter: &FeatureFilter) -> StoreResult<i64>;
    /// One feature in the scope, with where it lies.
    async fn feature(&self, scope: &Scope, id: Uuid) -> StoreResult<(Feature, Placement)>;

    // Satellite fire hotspots (卫星火点).
    /// Stores a hotspot unless the same detection (satellite, minute, position) is stored;
    /// answers whether it was new.
    async fn record_hotspot(&self, ctx: &WriteCtx, hotspot: &NewHotspot) -> StoreResult<bool>;
    /// Hotspots in the scope acquired at or after `since`, within a lon/lat box, newest first.
    async fn hotspots(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        bbox: Option<[f64; 4]>,
        limit: i64,
    ) -> StoreResult<Vec<HotspotRecord>>;
    /// One hotspot in the scope.
    async fn hotspot(&self, scope: &Scope, id: Uuid) -> StoreResult<HotspotRecord>;

    // Patrols (巡护, 巡林) and check-ins (签到).
    /// Starts a patrol at a grid in the scope; a retried start answers the stored patrol
    /// (`false`).
    async fn start_patrol(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        patrol: &NewPatrol,
    ) -> StoreResult<(Patrol, bool)>;
    /// Stores a batch of the user's own patrol's points, each once.
    async fn add_track_points(
        &self,
        ctx: &WriteCtx,
        patrol: Uuid,
        user: Uuid,
        points: &[NewTrackPoint],
    ) -> StoreResult<TrackUpload>;
    /// Pauses, resumes or ends the user's own patrol (repeating its state changes nothing).
    async fn act_on_patrol(
        &self,
        ctx: &WriteCtx,
        patrol: Uuid,
        user: Uuid,
        action: linzhang_domain::patrol::PatrolAction,
    ) -> StoreResult<Patrol>;
    /// Records distance and moving time of the cleaned track.
    async fn set_patrol_figures(
        &self,
        patrol: Uuid,
        distance_m: f64,
        moving_s: i64,
    ) -> StoreResult<()>;
    async fn patrol(&self, scope: &Scope, id: Uuid) -> StoreResult<Patrol>;
    /// Patrols in the scope, newest first.
    async fn patrols(&self, scope: &Scope, filter: &PatrolFilter) -> StoreResult<Vec<Patrol>>;
    /// A patrol's stored points by time (personal data: callers audit who reads them).
    async fn track_points(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<NewTrackPoint>>;
    /// The latest stored point (by time, then id) of each of these patrols in the scope that has
    /// one, in one read.
    async fn last_points(
        &self,
        scope: &Scope,
        ids: &[Uuid],
    ) -> StoreResult<Vec<(Uuid, NewTrackPoint)>>;
    /// Records a check-in; a retry changes nothing (`false`).
    async fn record_checkin(
        &self,
        ctx: &WriteCtx,
        grid: &GridCode,
        checkin: &NewCheckin,
    ) -> StoreResult<bool>;
    /// Every chief post in the scope with its holder and his ended chief patrols in a period.
    async fn chief_patrol_counts(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ChiefPatrolCount>>;

    // Change spots (疑似变化图斑).
    /// Stores a batch and its spots in one transaction; batch names are unique.
    async fn create_change_batch(
        &self,
        ctx: &WriteCtx,
        batch: &NewChangeBatch,
    ) -> StoreResult<ChangeBatch>;
    /// Every batch, counting the spots in the scope.
    async fn change_batches(&self, scope: &Scope) -> StoreResult<Vec<ChangeBatch>>;
    /// A batch's spots in the scope, optionally of one state.
    async fn change_spots(
        &self,
        scope: &Scope,
        batch: Uuid,
        state: Option<linzhang_domain::change_spot::SpotState>,
    ) -> StoreResult<Vec<ChangeSpot>>;
    async fn change_spot(&self, scope: &Scope, id: Uuid) -> StoreResult<ChangeSpot>;
    /// Records a spot's field verification.
    async fn verify_change_spot(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        verification: &Verification,
    ) -> StoreResult<ChangeSpot>;

    // The in-app inbox.
    /// Puts notifications in their users' inboxes.
    async fn notify(&self, ctx: &WriteCtx, notes: &[NewNotification]) -> StoreResult<()>;
    /// A user's notifications, newest first.
    async fn inbox(
        &self,
        user: Uuid,
        unread_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<Notification>>;
    /// Marks a user's own notifications read; answers how many changed.
    async fn mark_read(&self, ctx: &WriteCtx, user: Uuid, ids: &[Uuid]) -> StoreResult<u64>;
    /// Active accounts of these roles at these grids: id, role, grid.
    async fn users_at(
        &self,
        grids: &[GridCode],
        roles: &[linzhang_domain::Role],
    ) -> StoreResult<Vec<(Uuid, linzhang_domain::Role, GridCode)>>;
    /// Active accounts of a registry person (an assignee is a person; these are his logins).
    async fn person_users(&self, person: Uuid) -> StoreResult<Vec<Uuid>>;
    /// Active accounts of a member department at a grid.
    async fn department_users(&self, grid: &GridCode, department: &str) -> StoreResult<Vec<Uuid>>;

    // Cameras (视频监控) and smoke/fire alarms.
    /// Registers a camera at a grid in the scope; device ids are unique.
    async fn create_camera(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        camera: &Camera,
    ) -> StoreResult<Camera>;
    async fn cameras(&self, scope: &Scope) -> StoreResult<Vec<Camera>>;
    async fn camera(&self, scope: &Scope, id: Uuid) -> StoreResult<Camera>;
    /// Stores an alarm (pending) with its evidence image.
    async fn record_alarm(&self, ctx: &WriteCtx, alarm: &NewAlarm) -> StoreResult<()>;
    /// Alarms of the scope's cameras, newest first, optionally of one state.
    async fn alarms(&self, scope: &Scope, state: Option<&str>) -> StoreResult<Vec<Alarm>>;
    /// One alarm with its image.
    async fn alarm(&self, scope: &Scope, id: Uuid) -> StoreResult<(Alarm, Vec<u8>)>;
    /// Confirms a pending alarm (with the incident it opened) or dismisses it (`None`).
    async fn decide_alarm(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        incident: Option<Uuid>,
    ) -> StoreResult<Alarm>;

    // Meetings (林长会议, C6).
    /// Records a meeting at a grid in the scope.
    async fn create_meeting(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        meeting: &Meeting,
    ) -> StoreResult<Meeting>;
    /// Meetings held in the scope in `[from, to)`, newest first.
    async fn meetings(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<Meeting>>;
    /// Every city, county and town grid in the scope with its chief meetings in `[from, to)`.
    async fn meeting_counts(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<MeetingCount>>;

    // Reports (报送, C8) and the technicians' service log (A7).
    /// Stores a report at a grid in the scope; `false` when one with its id was stored already
    /// (that one is answered, nothing changes). Another report for the same grid, rule, period
    /// and reporter is a conflict.
    async fn submit_report(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        report: &Report,
    ) -> StoreResult<(Report, bool)>;
    async fn report(&self, scope: &Scope, id: Uuid) -> StoreResult<Report>;
    /// Reports in the scope whose period key starts with `period_prefix` (a year: `2026`).
    async fn reports(&self, scope: &Scope, period_prefix: &str) -> StoreResult<Vec<Report>>;
    /// The city, county and town grids in the scope, in tree order.
    async fn reporting_grids(&self, scope: &Scope) -> StoreResult<Vec<ReportingGrid>>;
    /// Records that a reminder about a report was sent (催报); `false` when it had been already.
    async fn claim_report_reminder(
        &self,
        at: DateTime<Utc>,
        reminder: &ReportReminder,
    ) -> StoreResult<bool>;
    /// Reminders sent about reports of grids in the scope whose period key starts with
    /// `period_prefix`, oldest first, with when each was sent.
    async fn report_reminders(
        &self,
        scope: &Scope,
        period_prefix: &str,
    ) -> StoreResult<Vec<(ReportReminder, DateTime<Utc>)>>;
    /// Records a service log entry at a grid in the scope; `false` when one with its id was
    /// recorded already.
    async fn add_service_entry(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        entry: &ServiceEntry,
    ) -> StoreResult<(ServiceEntry, bool)>;
    /// Service log entries in the scope served in `[from, to)`, of one technician if given.
    async fn service_log(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
        user: Option<Uuid>,
    ) -> StoreResult<Vec<ServiceEntry>>;

    // Group-chat robots (WeCom, DingTalk) and their delivery outbox.
    /// Configures a robot for a grid in the scope.
    async fn create_webhook(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        webhook: &Webhook,
    ) -> StoreResult<Webhook>;
    async fn webhooks(&self, scope: &Scope) -> StoreResult<Vec<Webhook>>;
    /// Removes a robot and its delivery log.
    async fn delete_webhook(&self, ctx: &WriteCtx, scope: &Scope, id: Uuid) -> StoreResult<()>;
    /// The robots configured at these grids.
    async fn webhooks_at(&self, grids: &[GridCode]) -> StoreResult<Vec<Webhook>>;
    /// Stores messages to post; the delivery job sends them.
    async fn enqueue_deliveries(&self, ctx: &WriteCtx, items: &[NewDelivery]) -> StoreResult<()>;
    /// Pending deliveries whose time has come, oldest first, with their robots.
    async fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<(Delivery, Webhook)>>;
    /// Records an attempt at a pending delivery.
    async fn record_attempt(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        attempt: &Attempt,
    ) -> StoreResult<()>;
    /// A robot's deliveries, newest first.
    async fn deliveries(
        &self,
        scope: &Scope,
        webhook: Uuid,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>>;
    /// Mobile numbers of these accounts' people (accounts without a person or a number are left out).
    async fn phones_of(&self, users: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>>;

    // Imagery scenes (影像): public base data, seen by every reader of layers.
    /// Registers a scene; `registered_by` and `registered_at` are taken from `ctx`.
    async fn register_imagery(
        &self,
        ctx: &WriteCtx,
        scene: &ImageryScene,
    ) -> StoreResult<ImageryScene>;
    /// Scenes newest first (undated last); those whose footprint meets the lon/lat box when
    /// given.
    async fn imagery_scenes(&self, bbox: Option<[f64; 4]>) -> StoreResult<Vec<ImageryScene>>;
    async fn imagery_scene(&self, id: Uuid) -> StoreResult<ImageryScene>;
    /// Removes a scene's record and answers what it was.
    async fn delete_imagery(&self, ctx: &WriteCtx, id: Uuid) -> StoreResult<ImageryScene>;

    // Task lists (清单化任务, C4).
    /// Issues a root task at a grid in the scope; a meeting it carries out must be in scope and
    /// have the decision named.
    async fn create_task(&self, ctx: &WriteCtx, scope: &Scope, task: &NewTask)
    -> StoreResult<Task>;
    /// Breaks a task in the scope down to its grid's child grids, in one transaction: the
    /// children's amounts (with those given before) may not exceed the task's.
    async fn break_down_task(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        parts: &[TaskPart],
    ) -> StoreResult<Vec<Task>>;
    /// Records progress on a task in the scope that is not broken down.
    async fn report_task_progress(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        report: &TaskReport,
    ) -> StoreResult<TaskReport>;
    async fn task(&self, scope: &Scope, id: Uuid) -> StoreResult<Task>;
    /// Every task of the grids in the scope, by grid path and deadline.
    async fn tasks(&self, scope: &Scope) -> StoreResult<Vec<Task>>;
    /// A task's progress reports, oldest first.
    async fn task_reports(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<TaskReport>>;

    // Work contact sheets (林长工作联系单, C5). A sheet is in a scope when its issuing grid or
    // the grid it is addressed to is.
    /// Issues a sheet from a grid in the scope, to a grid in the scope or a department.
    async fn create_contact_sheet(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        sheet: &NewContactSheet,
    ) -> StoreResult<ContactSheet>;
    async fn contact_sheet(&self, scope: &Scope, id: Uuid) -> StoreResult<ContactSheet>;
    /// Newest first.
    async fn contact_sheets(
        &self,
        scope: &Scope,
        filter: &SheetFilter,
    ) -> StoreResult<Vec<ContactSheet>>;
    /// The timeline, oldest first.
    async fn contact_sheet_events(
        &self,
        scope: &Scope,
        id: Uuid,
    ) -> StoreResult<Vec<SheetEventRecord>>;
    /// Applies an action through the state machine
    /// ([`transition`](linzhang_domain::contact_sheet::transition)) in one transaction; a
    /// refused action is [`Rejected`](crate::StoreError::Rejected) and changes nothing.
    async fn act_on_contact_sheet(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        action: &SheetAction,
        sides: Sides,
    ) -> StoreResult<ContactSheet>;
    /// Flags an unanswered sheet escalated (once); answers whether it changed.
    async fn escalate_contact_sheet(&self, ctx: &WriteCtx, id: Uuid) -> StoreResult<bool>;

    // Inspections (督察, C7).
    /// Records an inspection by a grid in the scope of a grid in the scope.
    async fn create_inspection(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        inspection: &NewInspection,
    ) -> StoreResult<Inspection>;
    /// An inspection whose inspected or inspecting grid is in the scope.
    async fn inspection(&self, scope: &Scope, id: Uuid) -> StoreResult<Inspection>;
    /// Newest first.
    async fn inspections(&self, scope: &Scope) -> StoreResult<Vec<Inspection>>;
    /// Issues a sheet for one finding (to the inspected grid) and links it, in one transaction;
    /// a finding becomes one sheet only.
    async fn sheet_from_finding(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        inspection: Uuid,
        index: usize,
        sheet: &NewContactSheet,
    ) -> StoreResult<ContactSheet>;
    /// Marks the result circulated (通报), once.
    async fn circulate_inspection(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
    ) -> StoreResult<Inspection>;
}
