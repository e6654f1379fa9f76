//! OGC API – Features under `/ogc` (B7): to be written.

use axum::Router;

use crate::state::AppState;

/// The `/ogc` routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
