//! Photos of a change spot's field verification (核实照片): added by whoever may verify the
//! spot, seen by whoever reads it. Stored like incident attachments (`api::attachments`): raw body,
//! type from the first bytes, size limit per type, thumbnails, idempotent by the phone's id.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use linzhang_domain::Action;
use linzhang_domain::attachment::Owner;

use crate::api::attachments::{self, AttachmentView, UploadQuery};
use crate::api::convert::parse_uuid;
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;

fn spot(id: &str) -> ApiResult<Owner> {
    Ok(Owner::ChangeSpot(parse_uuid(id, "id")?))
}

/// Add a photo (or video) taken while verifying a spot: the raw file as the body (JPEG, PNG or
/// WebP up to 20 MB, MP4 up to 200 MB; the type is read from the file itself). Sending the same
/// id again answers the stored photo.
#[utoipa::path(post, operation_id = "spots_add_photo", path = "/api/v1/change-spots/{id}/photos", tag = "monitoring",
    params(("id" = String, Path, description = "Spot id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, description = "Stored", body = AttachmentView),
        (status = 200, description = "Already stored with this id", body = AttachmentView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The id belongs to another spot's photo", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Empty, or an image that does not decode", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    caller
        .require(&state, Action::VerifyChangeSpots, "add change spot photos")
        .await?;
    attachments::store_upload(&state, &caller, spot(&id)?, q, body).await
}

/// The photos of a spot's verification, oldest first.
#[utoipa::path(get, operation_id = "spots_photos", path = "/api/v1/change-spots/{id}/photos", tag = "monitoring",
    params(("id" = String, Path, description = "Spot id")),
    responses((status = 200, body = [AttachmentView]), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AttachmentView>>> {
    caller
        .require(&state, Action::ReadLayers, "read change spots")
        .await?;
    let photos = state.store.attachments(&caller.scope, spot(&id)?).await?;
    Ok(Json(photos.iter().map(attachments::view).collect()))
}

/// The file of a spot's photo, with its type.
#[utoipa::path(get, operation_id = "spots_photo", path = "/api/v1/change-spots/{id}/photos/{photo}", tag = "monitoring",
    params(("id" = String, Path, description = "Spot id"), ("photo" = String, Path, description = "Photo id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, photo)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read change spots")
        .await?;
    attachments::serve(&state, &caller, spot(&id)?, &photo, false, &headers).await
}

/// The JPEG thumbnail of a spot's photo (videos have none: 404).
#[utoipa::path(get, operation_id = "spots_photo_thumbnail", path = "/api/v1/change-spots/{id}/photos/{photo}/thumbnail", tag = "monitoring",
    params(("id" = String, Path, description = "Spot id"), ("photo" = String, Path, description = "Photo id")),
    responses((status = 200, description = "A JPEG", content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn thumbnail(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, photo)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read change spots")
        .await?;
    attachments::serve(&state, &caller, spot(&id)?, &photo, true, &headers).await
}
