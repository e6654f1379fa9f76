//! linzhang's HTTP server.
//!
//! A handler parses, checks access, calls the store or a domain function and maps the result;
//! rules live in the domain crate and scope filtering in the store. Routes are registered
//! through utoipa's router so the OpenAPI document and the router cannot drift.

mod api;
mod auth;
mod error;
mod files;
mod imagery_tiles;
pub mod jobs;
mod notify;
mod ogc;
mod openapi;
pub mod outbound;
mod state;
mod tiles;
mod web;

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;

pub use auth::password;
pub use error::{ApiError, ErrorBody};
pub use files::{local_files, open_files};
pub use state::{AppState, ServerConfig};

/// The whole application: API, OpenAPI document and docs, health check, web app.
pub fn router(state: AppState) -> Router {
    let (api, spec) = openapi::api_router().split_for_parts();
    Router::new()
        .merge(api)
        .merge(ogc::router())
        // Serves the document at /api/openapi.json and the interactive docs that read it.
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", spec))
        .fallback(web::serve)
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi::api_router().split_for_parts().1
}

/// Serves until the process is asked to stop (Ctrl-C or SIGTERM), running the background jobs
/// ([`jobs`]) alongside.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let jobs = tokio::spawn(jobs::run(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    jobs.abort();
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
