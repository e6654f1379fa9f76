//! People, posts and appointments (林长任免), staff and ranger teams.

use axum::Json;
use axum::extract::{Path, Query, State};
use linzhang_domain::Action;
use linzhang_store::{NewPerson, NewPost, NewStaff, NewTeam, PeopleFilter, Team};
use serde::Deserialize;
use utoipa::IntoParams;

use super::convert::{self, Labels, parse_date, parse_grid, parse_uuid};
use super::views::{
    AppointBody, EndStaffBody, NewPersonBody, NewPostBody, NewStaffBody, NewTeamBody, PersonView,
    PostDetail, PostView, StaffView, TeamView,
};
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

fn person_view(p: &linzhang_store::Person) -> PersonView {
    PersonView {
        id: p.id.to_string(),
        name: p.name.clone(),
        phone: p.phone.clone(),
        unit: p.unit.clone(),
        grid_code: p.grid_code.to_string(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeopleQuery {
    /// Only people attached to this grid.
    pub grid: Option<String>,
    /// Name or phone contains this.
    pub q: Option<String>,
}

/// People in the caller's scope.
#[utoipa::path(get, operation_id = "org_people", path = "/api/v1/people", tag = "organisation", params(PeopleQuery),
    responses((status = 200, body = [PersonView]), (status = 401, body = ErrorBody)))]
pub async fn people(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PeopleQuery>,
) -> ApiResult<Json<Vec<PersonView>>> {
    caller
        .require(&state, Action::ReadOrg, "person.read")
        .await?;
    let filter = PeopleFilter {
        grid: q
            .grid
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(parse_grid)
            .transpose()?,
        text: q.q.filter(|s| !s.trim().is_empty()),
        limit: None,
    };
    let list = state.store.people(&caller.scope, &filter).await?;
    Ok(Json(list.iter().map(person_view).collect()))
}

/// Register a person (a chief, ranger, technician or police officer).
#[utoipa::path(post, operation_id = "org_create_person", path = "/api/v1/people", tag = "organisation", request_body = NewPersonBody,
    responses((status = 200, body = PersonView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_person(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewPersonBody>,
) -> ApiResult<Json<PersonView>> {
    caller
        .require(&state, Action::WriteOrg, "person.create")
        .await?;
    let new = NewPerson {
        name: body.name,
        phone: body.phone,
        unit: body.unit,
        grid_code: parse_grid(&body.grid_code)?,
    };
    let p = state
        .store
        .create_person(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    Ok(Json(person_view(&p)))
}

/// Create a post (职务) at a grid.
#[utoipa::path(post, operation_id = "org_create_post", path = "/api/v1/grids/{code}/posts", tag = "organisation", request_body = NewPostBody,
    params(("code" = String, Path, description = "Division code")),
    responses((status = 200, body = PostView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(body): Json<NewPostBody>,
) -> ApiResult<Json<PostView>> {
    caller
        .require(&state, Action::WriteOrg, "post.create")
        .await?;
    let new = NewPost {
        grid_code: parse_grid(&code)?,
        kind: body.kind,
        title: body.title,
        duties: body.duties,
    };
    let p = state
        .store
        .create_post(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    let labels = Labels::load(&state, &["post_kind"]).await?;
    Ok(Json(convert::post(&p, &labels)))
}

async fn post_detail(state: &AppState, caller: &Caller, id: uuid::Uuid) -> ApiResult<PostDetail> {
    let post = state.store.post(&caller.scope, id).await?;
    let history = state.store.post_history(&caller.scope, id).await?;
    let labels = Labels::load(state, &["post_kind"]).await?;
    Ok(PostDetail {
        post: convert::post(&post, &labels),
        history: history.iter().map(convert::term).collect(),
    })
}

/// A post with every term it has had.
#[utoipa::path(get, operation_id = "org_post", path = "/api/v1/posts/{id}", tag = "organisation",
    params(("id" = String, Path, description = "Post id")),
    responses((status = 200, body = PostDetail), (status = 404, body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PostDetail>> {
    caller.require(&state, Action::ReadOrg, "post.read").await?;
    let id = parse_uuid(&id, "id")?;
    Ok(Json(post_detail(&state, &caller, id).await?))
}

/// Appoint a person to a post from a date; the current holder's term ends that day.
#[utoipa::path(post, operation_id = "org_appoint", path = "/api/v1/posts/{id}/appointments", tag = "organisation", request_body = AppointBody,
    params(("id" = String, Path, description = "Post id")),
    responses((status = 200, body = PostDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn appoint(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<AppointBody>,
) -> ApiResult<Json<PostDetail>> {
    caller
        .require(&state, Action::WriteOrg, "post.appoint")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let person = parse_uuid(&body.person_id, "person_id")?;
    let start = parse_date(&body.start_date, "start_date")?;
    state
        .store
        .appoint(&caller.ctx(&state), &caller.scope, id, person, start)
        .await?;
    Ok(Json(post_detail(&state, &caller, id).await?))
}

/// Attach a person to a grid as ranger, technician or police officer.
#[utoipa::path(post, operation_id = "org_add_staff", path = "/api/v1/grids/{code}/staff", tag = "organisation", request_body = NewStaffBody,
    params(("code" = String, Path, description = "Division code")),
    responses((status = 200, body = StaffView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_staff(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(body): Json<NewStaffBody>,
) -> ApiResult<Json<StaffView>> {
    caller
        .require(&state, Action::WriteOrg, "staff.add")
        .await?;
    let new = NewStaff {
        person_id: parse_uuid(&body.person_id, "person_id")?,
        grid_code: parse_grid(&code)?,
        kind: body.kind,
        unit: body.unit,
        team_id: body
            .team_id
            .as_deref()
            .map(|t| parse_uuid(t, "team_id"))
            .transpose()?,
        start_date: parse_date(&body.start_date, "start_date")?,
    };
    let s = state
        .store
        .add_staff(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    let labels = Labels::load(&state, &["staff_kind"]).await?;
    Ok(Json(convert::staff(&s, &labels)))
}

/// End a staff assignment (the record stays in history).
#[utoipa::path(post, operation_id = "org_end_staff", path = "/api/v1/staff/{id}/end", tag = "organisation", request_body = EndStaffBody,
    params(("id" = String, Path, description = "Assignment id")),
    responses((status = 200, body = StaffView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_staff(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<EndStaffBody>,
) -> ApiResult<Json<StaffView>> {
    caller
        .require(&state, Action::WriteOrg, "staff.end")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let end = parse_date(&body.end_date, "end_date")?;
    let s = state
        .store
        .end_staff(&caller.ctx(&state), &caller.scope, id, end)
        .await?;
    let labels = Labels::load(&state, &["staff_kind"]).await?;
    Ok(Json(convert::staff(&s, &labels)))
}

fn team_view(t: &Team) -> TeamView {
    TeamView {
        id: t.id.to_string(),
        grid_code: t.grid_code.to_string(),
        level: t.level,
        name: t.name.clone(),
        parent_id: t.parent_id.map(|p| p.to_string()),
    }
}

/// The ranger teams (护林队伍) of a grid.
#[utoipa::path(get, operation_id = "org_teams", path = "/api/v1/grids/{code}/teams", tag = "organisation",
    params(("code" = String, Path, description = "Division code")),
    responses((status = 200, body = [TeamView]), (status = 404, body = ErrorBody)))]
pub async fn teams(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<TeamView>>> {
    caller.require(&state, Action::ReadOrg, "team.read").await?;
    let list = state
        .store
        .teams(&caller.scope, &parse_grid(&code)?)
        .await?;
    Ok(Json(list.iter().map(team_view).collect()))
}

/// Form a ranger team at a grid: a brigade at a county, a squadron at a town, a squad at a village.
#[utoipa::path(post, operation_id = "org_create_team", path = "/api/v1/grids/{code}/teams", tag = "organisation", request_body = NewTeamBody,
    params(("code" = String, Path, description = "Division code")),
    responses((status = 200, body = TeamView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_team(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    Json(body): Json<NewTeamBody>,
) -> ApiResult<Json<TeamView>> {
    caller
        .require(&state, Action::WriteOrg, "team.create")
        .await?;
    let new = NewTeam {
        grid_code: parse_grid(&code)?,
        level: body.level,
        name: body.name,
        parent_id: body
            .parent_id
            .as_deref()
            .map(|p| parse_uuid(p, "parent_id"))
            .transpose()?,
    };
    let t = state
        .store
        .create_team(&caller.ctx(&state), &caller.scope, &new)
        .await?;
    Ok(Json(team_view(&t)))
}
