//! The API's routes, registered with their OpenAPI descriptions so the two cannot drift.

use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::layers::{self, stats as layer_stats};
use crate::api::{
    admin, areas, attachments, cameras, coverage, grids, hotspots, imagery, incidents, inspections,
    meetings, notices, org, patrols, reports, sheets, spots, tasks, views, webhooks,
};
use crate::auth::routes as auth;
use crate::state::AppState;
use crate::{imagery_tiles, tiles};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "linzhang",
        description = "Smart Forest Chief platform (智慧林长信息平台) API. Errors are `{code, message}`. \
            Browser sessions use the lz_session cookie and must echo the lz_csrf cookie in an \
            X-CSRF-Token header on writes; other clients send `Authorization: Bearer TOKEN`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::whoami))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::sessions))
        .routes(routes!(auth::revoke_session))
        .routes(routes!(grids::roots))
        .routes(routes!(grids::detail))
        .routes(routes!(grids::boundary))
        .routes(routes!(org::people, org::create_person))
        .routes(routes!(org::create_post))
        .routes(routes!(org::post))
        .routes(routes!(org::appoint))
        .routes(routes!(org::add_staff))
        .routes(routes!(org::teams, org::create_team))
        .routes(routes!(org::end_staff))
        .routes(routes!(areas::create))
        .routes(routes!(areas::detail))
        .routes(routes!(areas::qr_png))
        .routes(routes!(areas::qr_svg))
        .routes(routes!(areas::public))
        .routes(routes!(incidents::report, incidents::list))
        .routes(routes!(incidents::detail))
        .routes(routes!(incidents::act))
        .routes(routes!(admin::code_tables))
        .routes(routes!(admin::code_table, admin::publish_code_table))
        .routes(routes!(admin::organisation))
        .routes(routes!(admin::audit))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::lock))
        .routes(routes!(admin::unlock))
        .routes(routes!(admin::revoke_sessions))
        .routes(routes!(admin::reset_password))
        .routes(routes!(layers::catalogue))
        .routes(routes!(layers::withdraw))
        .routes(routes!(layers::features))
        .routes(routes!(layers::feature))
        .routes(routes!(layer_stats::stats))
        .routes(routes!(layer_stats::query))
        .routes(routes!(layer_stats::change))
        .routes(routes!(layers::export::export))
        .routes(routes!(hotspots::list))
        .routes(routes!(patrols::checkin))
        .routes(routes!(patrols::start, patrols::list))
        .routes(routes!(patrols::points))
        .routes(routes!(patrols::act))
        .routes(routes!(patrols::detail))
        .routes(routes!(patrols::live))
        .routes(routes!(patrols::compliance))
        .routes(routes!(meetings::create, meetings::list))
        .routes(routes!(meetings::compliance))
        .routes(routes!(reports::submit, reports::board))
        .routes(routes!(reports::draft))
        .routes(routes!(reports::detail))
        .routes(routes!(reports::add_service, reports::service_log))
        .routes(routes!(tasks::create, tasks::list))
        .routes(routes!(tasks::detail))
        .routes(routes!(tasks::breakdown))
        .routes(routes!(tasks::progress))
        .routes(routes!(sheets::create, sheets::list))
        .routes(routes!(sheets::detail))
        .routes(routes!(sheets::act))
        .routes(routes!(inspections::create, inspections::list))
        .routes(routes!(inspections::detail))
        .routes(routes!(inspections::finding_sheet))
        .routes(routes!(inspections::circulate))
        .routes(routes!(spots::batches))
        .routes(routes!(notices::inbox))
        .routes(routes!(cameras::create, cameras::list))
        .routes(routes!(cameras::alarms))
        .routes(routes!(cameras::image))
        .routes(routes!(cameras::decide))
        .routes(routes!(notices::read))
        .routes(routes!(notices::events))
        .routes(routes!(coverage::coverage_of_area))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::test))
        .routes(routes!(spots::spots))
        .routes(routes!(spots::stats))
        .routes(routes!(spots::export::export))
        .routes(routes!(spots::verify))
        .routes(routes!(tiles::tile))
        .routes(routes!(tiles::tilejson))
        .routes(routes!(imagery::detail, imagery::delete))
        .routes(routes!(imagery_tiles::tile))
        // Every request body above is small; GIS files (below) may be large and stream to disk.
        .layer(RequestBodyLimitLayer::new(16 * 1024 * 1024))
        .routes(routes!(layers::imports, layers::upload))
        .routes(routes!(hotspots::import))
        .routes(routes!(spots::create))
        .routes(routes!(cameras::frame))
        .routes(routes!(imagery::list, imagery::upload))
        .merge(file_routes())
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .layer(RequestBodyLimitLayer::new(1024 * 1024 * 1024))
}

/// Photos and videos of incidents and change spots: up to 20 MB and 200 MB, the handler reads
/// the body itself and stops at the limit of the file's type.
fn file_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(attachments::upload))
        .routes(routes!(attachments::file))
        .routes(routes!(attachments::thumbnail))
        .routes(routes!(spots::photos::upload, spots::photos::list))
        .routes(routes!(spots::photos::file))
        .routes(routes!(spots::photos::thumbnail))
}

/// Liveness and database reachability.
#[utoipa::path(get, operation_id = "platform_health", path = "/healthz", tag = "health",
    responses((status = 200, body = views::Health), (status = 500, body = crate::error::ErrorBody)))]
async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> crate::error::ApiResult<axum::Json<views::Health>> {
    state.store.ping().await?;
    Ok(axum::Json(views::Health {
        status: "ok".into(),
        backend: state.store.backend().into(),
    }))
}
