//! The SQL shared by every backend, run through sqlx's `Any` driver so one text serves SQLite
//! and PostgreSQL. Conventions that make that work: ids are UUID text, instants are BIGINT
//! milliseconds since the epoch (UTC), dates are `YYYY-MM-DD` text, flags are BIGINT 0/1, JSON is
//! text. What differs between backends (types, spatial indexes, triggers) lives in each backend's
//! migrations.

mod accounts;
mod areas;
mod attachments;
mod audit;
mod cameras;
mod codes;
mod grids;
mod hotspots;
mod imagery;
mod incidents;
mod inspections;
mod layers;
mod meetings;
mod notices;
mod org;
mod patrols;
mod reports;
mod rows;
mod sheets;
mod spots;
mod tasks;
mod webhooks;

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use linzhang_domain::account::LoginState;
use linzhang_domain::attachment::Owner;
use linzhang_domain::codes::CodeTable;
use linzhang_domain::layer::Placement;
use linzhang_domain::{AreaCode, GridCode, IncidentAction, Scope};
use sqlx::AnyPool;
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
use crate::store::Store;
use crate::tasks::{NewTask, Task, TaskPart, TaskReport};
use crate::webhooks::{Attempt, Delivery, NewDelivery, Webhook};
use linzhang_domain::contact_sheet::{SheetAction, Sides};

/// A [`Store`] on a SQL database reached through sqlx's `Any` driver. Backend crates build it
/// once the database is connected and migrated.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: &'static str,
    begin_sql: &'static str,
}

impl SqlStore {
    /// Wraps a connected, migrated pool. `backend` names it in logs and health checks;
    /// `begin_sql` opens a write transaction (SQLite wants `BEGIN IMMEDIATE`, so that a
    /// transaction that reads before it writes waits for the lock instead of failing).
    pub fn new(pool: AnyPool, backend: &'static str, begin_sql: &'static str) -> Self {
        Self {
            pool,
            backend,
            begin_sql,
        }
    }

    /// Starts a write transaction.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        self.pool.begin_with(self.begin_sql).await
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A condition that the bounding box of the row aliased `alias` meets the box bound to
    /// `$first … $first+3` (`min_x, min_y, max_x, max_y`), through the backend's spatial index:
    /// SQLite's R*Tree, PostgreSQL's `GiST` on `box`. Only the `features` table has one.
    pub(crate) fn bbox_clause(&self, alias: &str, first: usize) -> String {
        let (x0, y0, x1, y1) = (first, first + 1, first + 2, first + 3);
        if self.backend == "sqlite" {
            format!(
                "{alias}.rowid IN (SELECT id FROM features_rtree WHERE max_x >= ${x0} \
                 AND min_x <= ${x1} AND max_y >= ${y0} AND min_y <= ${y1})"
            )
        } else {
            format!(
                "box(point({alias}.min_x, {alias}.min_y), point({alias}.max_x, {alias}.max_y)) \
                 && box(point(${x0}, ${y0}), point(${x1}, ${y1}))"
            )
        }
    }

    /// The text of a top-level member `key` of the JSON text column `column`.
    pub(crate) fn json_text(&self, column: &str, key: &str) -> String {
        if self.backend == "sqlite" {
            format!("CAST(json_extract({column}, '$.{key}') AS TEXT)")
        } else {
            format!("(CAST({column} AS jsonb) ->> '{key}')")
        }
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.backend
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_grid(&self, ctx: &WriteCtx, grid: &NewGrid) -> StoreResult<Grid> {
        grids::create(self, ctx, grid).await
    }
    async fn grid(&self, scope: &Scope, code: &GridCode) -> StoreResult<Grid> {
        grids::one(self, scope, code).await
    }
    async fn grid_roots(&self, scope: &Scope) -> StoreResult<Vec<Grid>> {
        grids::roots(self, scope).await
    }
    async fn grid_children(&self, scope: &Scope, code: &GridCode) -> StoreResult<Vec<Grid>> {
        grids::children(self, scope, code).await
    }
    async fn grid_ancestors(&self, scope: &Scope, code: &GridCode) -> StoreResult<Vec<Grid>> {
        grids::ancestors(self, scope, code).await
    }
    async fn grid_boundary(&self, scope: &Scope, code: &GridCode) -> StoreResult<Option<Vec<u8>>> {
        grids::boundary(self, scope, code).await
    }
    async fn scope_of(&self, code: &GridCode) -> StoreResult<Scope> {
        grids::scope_of(self, code).await
    }

    async fn create_person(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        person: &NewPerson,
    ) -> StoreResult<Person> {
        org::create_person(self, ctx, scope, person).await
    }
    async fn person(&self, scope: &Scope, id: Uuid) -> StoreResult<Person> {
        org::person(self, scope, id).await
    }
    async fn people(&self, scope: &Scope, filter: &PeopleFilter) -> StoreResult<Vec<Person>> {
        org::people(self, scope, filter).await
    }
    async fn create_post(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        post: &NewPost,
    ) -> StoreResult<PostWithHolder> {
        org::create_post(self, ctx, scope, post).await
    }
    async fn post(&self, scope: &Scope, id: Uuid) -> StoreResult<PostWithHolder> {
        org::post(self, scope, id).await
    }
    async fn posts(&self, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<PostWithHolder>> {
        org::posts(self, scope, grid).await
    }
    async fn post_history(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<Term>> {
        org::post_history(self, scope, id).await
    }
    async fn appoint(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        post_id: Uuid,
        person_id: Uuid,
        start: NaiveDate,
    ) -> StoreResult<Term> {
        org::appoint(self, ctx, scope, post_id, person_id, start).await
    }
    async fn holder_on(
        &self,
        scope: &Scope,
        post_id: Uuid,
        date: NaiveDate,
    ) -> StoreResult<Option<Term>> {
        org::holder_on(self, scope, post_id, date).await
    }
    async fn create_team(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        team: &NewTeam,
    ) -> StoreResult<Team> {
        org::create_team(self, ctx, scope, team).await
    }
    async fn teams(&self, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<Team>> {
        org::teams(self, scope, grid).await
    }
    async fn add_staff(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        staff: &NewStaff,
    ) -> StoreResult<Staff> {
        org::add_staff(self, ctx, scope, staff).await
    }
    async fn staff(
        &self,
        scope: &Scope,
        grid: &GridCode,
        include_ended: bool,
    ) -> StoreResult<Vec<Staff>> {
        org::staff(self, scope, grid, include_ended).await
    }
    async fn end_staff(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        end: NaiveDate,
    ) -> StoreResult<Staff> {
        org::end_staff(self, ctx, scope, id, end).await
    }

    async fn create_area(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        area: &NewArea,
    ) -> StoreResult<AreaSummary> {
        areas::create(self, ctx, scope, area).await
    }
    async fn area(&self, scope: &Scope, code: &AreaCode) -> StoreResult<Area> {
        areas::one(self, scope, code).await
    }
    async fn areas(&self, scope: &Scope, grid: &GridCode) -> StoreResult<Vec<AreaSummary>> {
        areas::list(self, scope, grid).await
    }

    async fn report_incident(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        incident: &NewIncident,
    ) -> StoreResult<(Incident, bool)> {
        incidents::report(self, ctx, scope, incident).await
    }
    async fn incident(&self, scope: &Scope, id: Uuid) -> StoreResult<Incident> {
        incidents::one(self, scope, id).await
    }
    async fn incidents(
        &self,
        scope: &Scope,
        filter: &IncidentFilter,
    ) -> StoreResult<Vec<Incident>> {
        incidents::list(self, scope, filter).await
    }
    async fn incident_events(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<IncidentEvent>> {
        incidents::events(self, scope, id).await
    }
    async fn act_on_incident(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        action: &IncidentAction,
        by_assignee: bool,
        due_after_escalation: Option<Duration>,
    ) -> StoreResult<Incident> {
        incidents::act(
            self,
            ctx,
            scope,
            id,
            action,
            by_assignee,
            due_after_escalation,
        )
        .await
    }

    async fn attach(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        attachment: &crate::Attachment,
    ) -> StoreResult<(crate::Attachment, bool)> {
        attachments::add(self, ctx, scope, attachment).await
    }
    async fn attachments(
        &self,
        scope: &Scope,
        owner: Owner,
    ) -> StoreResult<Vec<crate::Attachment>> {
        attachments::list(self, scope, owner).await
    }
    async fn attachment(
        &self,
        scope: &Scope,
        owner: Owner,
        id: Uuid,
    ) -> StoreResult<crate::Attachment> {
        attachments::one(self, scope, owner, id).await
    }

    async fn code_tables(&self) -> StoreResult<Vec<CodeTableVersion>> {
        codes::current_all(self).await
    }
    async fn code_table(&self, name: &str, version: Option<i64>) -> StoreResult<CodeTableVersion> {
        codes::one(self, name, version).await
    }
    async fn publish_code_table(
        &self,
        ctx: &WriteCtx,
        table: &CodeTable,
    ) -> StoreResult<CodeTableVersion> {
        codes::publish(self, ctx, table).await
    }

    async fn create_user(&self, ctx: &WriteCtx, user: &NewUser) -> StoreResult<User> {
        accounts::create_user(self, ctx, user).await
    }
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>> {
        accounts::user_by_name(self, username).await
    }
    async fn user(&self, id: Uuid) -> StoreResult<User> {
        accounts::user(self, id).await
    }
    async fn users(&self, scope: &Scope) -> StoreResult<Vec<User>> {
        accounts::users(self, scope).await
    }
    async fn record_login(
        &self,
        user_id: Option<Uuid>,
        state: Option<&LoginState>,
        audit: &NewAudit,
    ) -> StoreResult<()> {
        accounts::record_login(self, user_id, state, audit).await
    }
    async fn set_password(
        &self,
        ctx: &WriteCtx,
        user_id: Uuid,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        accounts::set_password(self, ctx, user_id, password_hash, must_change).await
    }
    async fn set_disabled(&self, ctx: &WriteCtx, user_id: Uuid, disabled: bool) -> StoreResult<()> {
        accounts::set_disabled(self, ctx, user_id, disabled).await
    }
    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        accounts::create_session(self, session).await
    }
    async fn session_by_token(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        accounts::session_by_token(self, token_hash).await
    }
    async fn touch_session(&self, id: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        accounts::touch_session(self, id, at).await
    }
    async fn revoke_session(&self, ctx: &WriteCtx, id: Uuid) -> StoreResult<()> {
        accounts::revoke_session(self, ctx, id).await
    }
    async fn revoke_user_sessions(
        &self,
        ctx: &WriteCtx,
        user_id: Uuid,
        except: Option<Uuid>,
    ) -> StoreResult<u64> {
        accounts::revoke_user_sessions(self, ctx, user_id, except).await
    }
    async fn sessions(&self, user_id: Uuid) -> StoreResult<Vec<Session>> {
        accounts::sessions(self, user_id).await
    }

    async fn append_audit(&self, entry: &NewAudit) -> StoreResult<()> {
        audit::append(self, entry).await
    }
    async fn append_audits(&self, entries: &[NewAudit]) -> StoreResult<()> {
        audit::append_all(self, entries).await
    }
    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        audit::list(self, filter).await
    }

    async fn leaf_grids(&self, scope: &Scope) -> StoreResult<Vec<(String, String, Vec<u8>)>> {
        layers::leaf_grids(self, scope).await
    }
    async fn area_shapes(&self, scope: &Scope) -> StoreResult<Vec<(String, Vec<u8>)>> {
        layers::area_shapes(self, scope).await
    }
    async fn import_layer(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        import: &NewLayerImport,
    ) -> StoreResult<LayerImport> {
        layers::import(self, ctx, scope, import).await
    }
    async fn layer_imports(&self, scope: &Scope, layer: &str) -> StoreResult<Vec<LayerImport>> {
        layers::imports(self, scope, layer).await
    }
    async fn withdraw_import(&self, ctx: &WriteCtx, scope: &Scope, id: Uuid) -> StoreResult<()> {
        layers::withdraw(self, ctx, scope, id).await
    }
    async fn layer_years(&self, layer: &str) -> StoreResult<Vec<i32>> {
        layers::years(self, layer).await
    }
    async fn layer_stats(
        &self,
        scope: &Scope,
        layer: &str,
        year: i32,
        target: &str,
    ) -> StoreResult<Vec<LayerStat>> {
        layers::stats(self, scope, layer, year, target).await
    }
    async fn features(&self, scope: &Scope, filter: &FeatureFilter) -> StoreResult<Vec<Feature>> {
        layers::features(self, scope, filter).await
    }
    async fn feature_count(&self, scope: &Scope, filter: &FeatureFilter) -> StoreResult<i64> {
        layers::count(self, scope, filter).await
    }
    async fn feature(&self, scope: &Scope, id: Uuid) -> StoreResult<(Feature, Placement)> {
        layers::feature(self, scope, id).await
    }

    async fn record_hotspot(&self, ctx: &WriteCtx, hotspot: &NewHotspot) -> StoreResult<bool> {
        hotspots::record(self, ctx, hotspot).await
    }
    async fn hotspots(
        &self,
        scope: &Scope,
        since: DateTime<Utc>,
        bbox: Option<[f64; 4]>,
        limit: i64,
    ) -> StoreResult<Vec<HotspotRecord>> {
        hotspots::list(self, scope, since, bbox, limit).await
    }
    async fn hotspot(&self, scope: &Scope, id: Uuid) -> StoreResult<HotspotRecord> {
        hotspots::one(self, scope, id).await
    }

    async fn start_patrol(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        patrol: &NewPatrol,
    ) -> StoreResult<(Patrol, bool)> {
        patrols::start(self, ctx, scope, patrol).await
    }
    async fn add_track_points(
        &self,
        ctx: &WriteCtx,
        patrol: Uuid,
        user: Uuid,
        points: &[NewTrackPoint],
    ) -> StoreResult<TrackUpload> {
        patrols::add_points(self, ctx, patrol, user, points).await
    }
    async fn act_on_patrol(
        &self,
        ctx: &WriteCtx,
        patrol: Uuid,
        user: Uuid,
        action: linzhang_domain::patrol::PatrolAction,
    ) -> StoreResult<Patrol> {
        patrols::act(self, ctx, patrol, user, action).await
    }
    async fn set_patrol_figures(
        &self,
        patrol: Uuid,
        distance_m: f64,
        moving_s: i64,
    ) -> StoreResult<()> {
        patrols::set_figures(self, patrol, distance_m, moving_s).await
    }
    async fn patrol(&self, scope: &Scope, id: Uuid) -> StoreResult<Patrol> {
        patrols::one(self, scope, id).await
    }
    async fn patrols(&self, scope: &Scope, filter: &PatrolFilter) -> StoreResult<Vec<Patrol>> {
        patrols::list(self, scope, filter).await
    }
    async fn track_points(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<NewTrackPoint>> {
        patrols::points(self, scope, id).await
    }
    async fn last_points(
        &self,
        scope: &Scope,
        ids: &[Uuid],
    ) -> StoreResult<Vec<(Uuid, NewTrackPoint)>> {
        patrols::last_points(self, scope, ids).await
    }
    async fn record_checkin(
        &self,
        ctx: &WriteCtx,
        grid: &GridCode,
        checkin: &NewCheckin,
    ) -> StoreResult<bool> {
        patrols::checkin(self, ctx, grid, checkin).await
    }
    async fn chief_patrol_counts(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<ChiefPatrolCount>> {
        patrols::chief_counts(self, scope, from, to).await
    }

    async fn create_change_batch(
        &self,
        ctx: &WriteCtx,
        batch: &NewChangeBatch,
    ) -> StoreResult<ChangeBatch> {
        spots::create_batch(self, ctx, batch).await
    }
    async fn change_batches(&self, scope: &Scope) -> StoreResult<Vec<ChangeBatch>> {
        spots::batches(self, scope).await
    }
    async fn change_spots(
        &self,
        scope: &Scope,
        batch: Uuid,
        state: Option<linzhang_domain::change_spot::SpotState>,
    ) -> StoreResult<Vec<ChangeSpot>> {
        spots::spots(self, scope, batch, state).await
    }
    async fn change_spot(&self, scope: &Scope, id: Uuid) -> StoreResult<ChangeSpot> {
        spots::one(self, scope, id).await
    }
    async fn verify_change_spot(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        verification: &Verification,
    ) -> StoreResult<ChangeSpot> {
        spots::verify(self, ctx, scope, id, verification).await
    }

    async fn notify(&self, ctx: &WriteCtx, notes: &[NewNotification]) -> StoreResult<()> {
        notices::notify(self, ctx, notes).await
    }
    async fn inbox(
        &self,
        user: Uuid,
        unread_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        notices::inbox(self, user, unread_only, limit).await
    }
    async fn mark_read(&self, ctx: &WriteCtx, user: Uuid, ids: &[Uuid]) -> StoreResult<u64> {
        notices::mark_read(self, ctx, user, ids).await
    }
    async fn users_at(
        &self,
        grids: &[GridCode],
        roles: &[linzhang_domain::Role],
    ) -> StoreResult<Vec<(Uuid, linzhang_domain::Role, GridCode)>> {
        notices::users_at(self, grids, roles).await
    }
    async fn person_users(&self, person: Uuid) -> StoreResult<Vec<Uuid>> {
        notices::person_users(self, person).await
    }
    async fn department_users(&self, grid: &GridCode, department: &str) -> StoreResult<Vec<Uuid>> {
        notices::department_users(self, grid, department).await
    }

    async fn create_camera(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        camera: &Camera,
    ) -> StoreResult<Camera> {
        cameras::create(self, ctx, scope, camera).await
    }
    async fn cameras(&self, scope: &Scope) -> StoreResult<Vec<Camera>> {
        cameras::list(self, scope).await
    }
    async fn camera(&self, scope: &Scope, id: Uuid) -> StoreResult<Camera> {
        cameras::one(self, scope, id).await
    }
    async fn record_alarm(&self, ctx: &WriteCtx, alarm: &NewAlarm) -> StoreResult<()> {
        cameras::record_alarm(self, ctx, alarm).await
    }
    async fn alarms(&self, scope: &Scope, state: Option<&str>) -> StoreResult<Vec<Alarm>> {
        cameras::alarms(self, scope, state).await
    }
    async fn alarm(&self, scope: &Scope, id: Uuid) -> StoreResult<(Alarm, Vec<u8>)> {
        cameras::alarm_one(self, scope, id).await
    }
    async fn decide_alarm(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        incident: Option<Uuid>,
    ) -> StoreResult<Alarm> {
        cameras::decide(self, ctx, scope, id, incident).await
    }

    async fn create_meeting(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        meeting: &Meeting,
    ) -> StoreResult<Meeting> {
        meetings::create(self, ctx, scope, meeting).await
    }
    async fn meetings(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<Meeting>> {
        meetings::list(self, scope, from, to).await
    }
    async fn meeting_counts(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<MeetingCount>> {
        meetings::counts(self, scope, from, to).await
    }

    async fn submit_report(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        report: &Report,
    ) -> StoreResult<(Report, bool)> {
        reports::submit(self, ctx, scope, report).await
    }
    async fn report(&self, scope: &Scope, id: Uuid) -> StoreResult<Report> {
        reports::one(self, scope, id).await
    }
    async fn reports(&self, scope: &Scope, period_prefix: &str) -> StoreResult<Vec<Report>> {
        reports::list(self, scope, period_prefix).await
    }
    async fn reporting_grids(&self, scope: &Scope) -> StoreResult<Vec<ReportingGrid>> {
        reports::reporting_grids(self, scope).await
    }
    async fn claim_report_reminder(
        &self,
        at: DateTime<Utc>,
        reminder: &ReportReminder,
    ) -> StoreResult<bool> {
        reports::claim_reminder(self, at, reminder).await
    }
    async fn report_reminders(
        &self,
        scope: &Scope,
        period_prefix: &str,
    ) -> StoreResult<Vec<(ReportReminder, DateTime<Utc>)>> {
        reports::reminders(self, scope, period_prefix).await
    }
    async fn add_service_entry(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        entry: &ServiceEntry,
    ) -> StoreResult<(ServiceEntry, bool)> {
        reports::add_entry(self, ctx, scope, entry).await
    }
    async fn service_log(
        &self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
        user: Option<Uuid>,
    ) -> StoreResult<Vec<ServiceEntry>> {
        reports::entries(self, scope, from, to, user).await
    }

    async fn create_webhook(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        webhook: &Webhook,
    ) -> StoreResult<Webhook> {
        webhooks::create(self, ctx, scope, webhook).await
    }
    async fn webhooks(&self, scope: &Scope) -> StoreResult<Vec<Webhook>> {
        webhooks::list(self, scope).await
    }
    async fn delete_webhook(&self, ctx: &WriteCtx, scope: &Scope, id: Uuid) -> StoreResult<()> {
        webhooks::delete(self, ctx, scope, id).await
    }
    async fn webhooks_at(&self, grids: &[GridCode]) -> StoreResult<Vec<Webhook>> {
        webhooks::at_grids(self, grids).await
    }
    async fn enqueue_deliveries(&self, ctx: &WriteCtx, items: &[NewDelivery]) -> StoreResult<()> {
        webhooks::enqueue(self, ctx, items).await
    }
    async fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<(Delivery, Webhook)>> {
        webhooks::due(self, now, limit).await
    }
    async fn record_attempt(
        &self,
        id: Uuid,
        at: DateTime<Utc>,
        attempt: &Attempt,
    ) -> StoreResult<()> {
        webhooks::record(self, id, at, attempt).await
    }
    async fn deliveries(
        &self,
        scope: &Scope,
        webhook: Uuid,
        limit: i64,
    ) -> StoreResult<Vec<Delivery>> {
        webhooks::deliveries(self, scope, webhook, limit).await
    }
    async fn phones_of(&self, users: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>> {
        notices::phones_of(self, users).await
    }

    async fn register_imagery(
        &self,
        ctx: &WriteCtx,
        scene: &ImageryScene,
    ) -> StoreResult<ImageryScene> {
        imagery::register(self, ctx, scene).await
    }
    async fn imagery_scenes(&self, bbox: Option<[f64; 4]>) -> StoreResult<Vec<ImageryScene>> {
        imagery::list(self, bbox).await
    }
    async fn imagery_scene(&self, id: Uuid) -> StoreResult<ImageryScene> {
        imagery::one(self, id).await
    }
    async fn delete_imagery(&self, ctx: &WriteCtx, id: Uuid) -> StoreResult<ImageryScene> {
        imagery::delete(self, ctx, id).await
    }

    async fn create_task(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        task: &NewTask,
    ) -> StoreResult<Task> {
        tasks::create(self, ctx, scope, task).await
    }
    async fn break_down_task(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        parts: &[TaskPart],
    ) -> StoreResult<Vec<Task>> {
        tasks::break_down(self, ctx, scope, id, parts).await
    }
    async fn report_task_progress(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        report: &TaskReport,
    ) -> StoreResult<TaskReport> {
        tasks::report(self, ctx, scope, report).await
    }
    async fn task(&self, scope: &Scope, id: Uuid) -> StoreResult<Task> {
        tasks::one(self.pool(), scope, id).await
    }
    async fn tasks(&self, scope: &Scope) -> StoreResult<Vec<Task>> {
        tasks::list(self, scope).await
    }
    async fn task_reports(&self, scope: &Scope, id: Uuid) -> StoreResult<Vec<TaskReport>> {
        tasks::reports(self, scope, id).await
    }

    async fn create_contact_sheet(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        sheet: &NewContactSheet,
    ) -> StoreResult<ContactSheet> {
        let mut tx = self.begin().await?;
        let out = sheets::create(&mut tx, ctx, scope, sheet).await?;
        tx.commit().await?;
        Ok(out)
    }
    async fn contact_sheet(&self, scope: &Scope, id: Uuid) -> StoreResult<ContactSheet> {
        let mut conn = self.pool().acquire().await?;
        sheets::one(&mut conn, scope, id).await
    }
    async fn contact_sheets(
        &self,
        scope: &Scope,
        filter: &SheetFilter,
    ) -> StoreResult<Vec<ContactSheet>> {
        sheets::list(self, scope, filter).await
    }
    async fn contact_sheet_events(
        &self,
        scope: &Scope,
        id: Uuid,
    ) -> StoreResult<Vec<SheetEventRecord>> {
        sheets::events(self, scope, id).await
    }
    async fn act_on_contact_sheet(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
        action: &SheetAction,
        sides: Sides,
    ) -> StoreResult<ContactSheet> {
        sheets::act(self, ctx, scope, id, action, sides).await
    }
    async fn escalate_contact_sheet(&self, ctx: &WriteCtx, id: Uuid) -> StoreResult<bool> {
        sheets::escalate(self, ctx, id).await
    }

    async fn create_inspection(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        inspection: &NewInspection,
    ) -> StoreResult<Inspection> {
        inspections::create(self, ctx, scope, inspection).await
    }
    async fn inspection(&self, scope: &Scope, id: Uuid) -> StoreResult<Inspection> {
        let mut conn = self.pool().acquire().await?;
        inspections::one(&mut conn, scope, id).await
    }
    async fn inspections(&self, scope: &Scope) -> StoreResult<Vec<Inspection>> {
        inspections::list(self, scope).await
    }
    async fn sheet_from_finding(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        inspection: Uuid,
        index: usize,
        sheet: &NewContactSheet,
    ) -> StoreResult<ContactSheet> {
        inspections::sheet_from_finding(self, ctx, scope, inspection, index, sheet).await
    }
    async fn circulate_inspection(
        &self,
        ctx: &WriteCtx,
        scope: &Scope,
        id: Uuid,
    ) -> StoreResult<Inspection> {
        inspections::circulate(self, ctx, scope, id).await
    }
}
