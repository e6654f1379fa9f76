//! The web app built from `web/` (Vite → `web/dist`), embedded in the binary at build time. A
//! build without Node has no web app; `/` then says how to build it.

use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct Assets;

const NO_UI: &str = "<!doctype html><meta charset=utf-8><title>linzhang</title>\
<h1>linzhang</h1><p>The web app is not part of this build. Run <code>make run</code> \
(or <code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code>, then rebuild) \
to include it. The API is at <a href=/api/docs>/api/docs</a>.</p>";

/// Serves an asset, or `index.html` for client-side routes; unknown API paths are 404 JSON.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return crate::error::ApiError::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            "no such API route",
        )
        .into_response();
    }
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty()) {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (header::CONTENT_TYPE, mime.as_ref().to_owned()),
                (header::CACHE_CONTROL, cache.to_owned()),
            ],
            file.data,
        )
            .into_response();
    }
    match Assets::get("index.html") {
        Some(index) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                (header::CACHE_CONTROL, "no-cache".to_owned()),
            ],
            index.data,
        )
            .into_response(),
        None => Html(NO_UI).into_response(),
    }
}
