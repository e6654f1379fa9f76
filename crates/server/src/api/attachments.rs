//! Photos and videos of incidents (事件附件) and of change spots' field verification (核实照片;
//! their routes are in `spots::photos`, the logic here). The phone mints the attachment id, so
//! an upload retried by an offline queue is stored once. What a file is comes from its first
//! bytes (`linzhang_domain::attachment`); images get a JPEG thumbnail. The bytes go to the
//! object store, the record to the database; whoever sees the owner sees its files.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use linzhang_domain::attachment::{MediaKind, MediaType, Owner, THUMBNAIL_SIDE};
use linzhang_domain::incident::may_report;
use linzhang_store::{Attachment, StoreError};
use object_store::PutPayload;
use object_store::path::Path as ObjectPath;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{instant, parse_uuid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::files::object_failed;
use crate::state::AppState;

/// A stored photo or video.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub media_type: MediaType,
    pub kind: MediaKind,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub file_name: Option<String>,
    pub uploaded_by: Option<String>,
    pub uploaded_at: String,
    /// Where the file is served.
    pub url: String,
    /// Where its thumbnail is served (images only).
    pub thumbnail_url: Option<String>,
}

/// Where the files of an owner are served.
fn base_url(owner: Owner) -> String {
    match owner {
        Owner::Incident(id) => format!("/api/v1/incidents/{id}/attachments"),
        Owner::ChangeSpot(id) => format!("/api/v1/change-spots/{id}/photos"),
    }
}

/// Where the files of an owner are kept in the object store.
fn key_prefix(owner: Owner) -> String {
    match owner {
        Owner::Incident(id) => format!("incidents/{id}"),
        Owner::ChangeSpot(id) => format!("change-spots/{id}"),
    }
}

pub fn view(a: &Attachment) -> AttachmentView {
    let url = format!("{}/{}", base_url(a.owner), a.id);
    AttachmentView {
        id: a.id.to_string(),
        media_type: a.media_type,
        kind: a.media_type.kind(),
        content_type: a.media_type.mime().into(),
        size_bytes: a.size_bytes,
        sha256: a.sha256.clone(),
        width: a.width,
        height: a.height,
        file_name: a.file_name.clone(),
        uploaded_by: a.uploaded_by.clone(),
        uploaded_at: instant(a.uploaded_at),
        thumbnail_url: a.thumbnail_key.as_ref().map(|_| format!("{url}/thumbnail")),
        url,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The client's id of the file (UUID): sending it again stores nothing new.
    pub id: String,
    /// The file's name on the phone, shown to people.
    pub name: Option<String>,
}

/// Attach a photo or video to an incident: the raw file as the body (JPEG, PNG or WebP up to
/// 20 MB, MP4 up to 200 MB; the type is read from the file itself). Sending the same id again
/// answers the stored attachment.
#[utoipa::path(post, operation_id = "incidents_attach", path = "/api/v1/incidents/{id}/attachments", tag = "incidents",
    params(("id" = String, Path, description = "Incident id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, description = "Stored", body = AttachmentView),
        (status = 200, description = "Already stored with this id", body = AttachmentView),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The id belongs to another incident's file", body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "Empty, or an image that does not decode", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(incident): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    caller
        .allow(&state, may_report(caller.user.role), "incident.attach")
        .await?;
    let owner = Owner::Incident(parse_uuid(&incident, "id")?);
    store_upload(&state, &caller, owner, q, body).await
}

/// Stores an upload for an owner the caller may attach files to (checked by the route): the
/// file in the object store, its record in the database.
pub(crate) async fn store_upload(
    state: &AppState,
    caller: &Caller,
    owner: Owner,
    q: UploadQuery,
    body: Body,
) -> ApiResult<(StatusCode, Json<AttachmentView>)> {
    let id = parse_uuid(&q.id, "id")?;
    match owner {
        Owner::Incident(i) => {
            state.store.incident(&caller.scope, i).await?;
        }
        Owner::ChangeSpot(s) => {
            state.store.change_spot(&caller.scope, s).await?;
        }
    }
    // A retry of a stored upload: answer it without reading the file again.
    match state.store.attachment(&caller.scope, owner, id).await {
        Ok(a) => return Ok((StatusCode::OK, Json(view(&a)))),
        Err(StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let prefix = key_prefix(owner);
    let got = crate::files::receive(state.files.as_ref(), &format!("{prefix}/{id}"), body).await?;
    let media = got.media;
    let thumb = match &got.photo {
        Some(bytes) => {
            let bytes = bytes.clone();
            let t = tokio::task::spawn_blocking(move || {
                linzhang_raster::thumbnail::thumbnail(&bytes, THUMBNAIL_SIDE)
            })
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(|e| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_image", e.to_string())
            })?;
            Some(t)
        }
        None => None,
    };
    let key = got.key;
    let thumbnail_key = thumb.as_ref().map(|_| format!("{prefix}/{id}.thumb.jpg"));
    let size = i64::try_from(got.size).map_err(|_| ApiError::internal())?;
    let sha256 = got.sha256;
    if let Some(bytes) = got.photo {
        state
            .files
            .put(
                &ObjectPath::from(key.as_str()),
                PutPayload::from_bytes(bytes),
            )
            .await
            .map_err(|e| object_failed(&e))?;
    }
    if let (Some(t), Some(k)) = (&thumb, &thumbnail_key) {
        state
            .files
            .put(
                &ObjectPath::from(k.as_str()),
                PutPayload::from(t.jpeg.clone()),
            )
            .await
            .map_err(|e| object_failed(&e))?;
    }
    let record = Attachment {
        id,
        owner,
        media_type: media,
        size_bytes: size,
        sha256,
        object_key: key,
        thumbnail_key,
        width: thumb.as_ref().map(|t| i64::from(t.width)),
        height: thumb.as_ref().map(|t| i64::from(t.height)),
        file_name: q
            .name
            .map(|n| n.chars().take(200).collect())
            .filter(|n: &String| !n.trim().is_empty()),
        uploaded_by: None,
        uploaded_at: state.clock.now(),
    };
    let (stored, created) = match state
        .store
        .attach(&caller.ctx(state), &caller.scope, &record)
        .await
    {
        Ok(done) => done,
        Err(e) => {
            // Nothing names the files just written: remove them (the id is another
            // owner's, or the owner left the caller's scope meanwhile).
            let keys =
                std::iter::once(record.object_key.as_str()).chain(record.thumbnail_key.as_deref());
            for key in keys {
                if let Err(err) = state.files.delete(&ObjectPath::from(key)).await {
                    tracing::warn!(error = %err, key, "an unrecorded upload could not be removed");
                }
            }
            return Err(e.into());
        }
    };
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view(&stored))))
}

/// Serves the file of an attachment (or its thumbnail) of an owner in the caller's scope.
pub(crate) async fn serve(
    state: &AppState,
    caller: &Caller,
    owner: Owner,
    id: &str,
    thumbnail: bool,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let id = parse_uuid(id, "attachment")?;
    let a = state.store.attachment(&caller.scope, owner, id).await?;
    if thumbnail {
        let key = a
            .thumbnail_key
            .ok_or_else(|| ApiError::not_found("thumbnail"))?;
        crate::files::serve(state.files.as_ref(), &key, "image/jpeg", None).await
    } else {
        let range = headers.get(header::RANGE);
        crate::files::serve(
            state.files.as_ref(),
            &a.object_key,
            a.media_type.mime(),
            range,
        )
        .await
    }
}

/// The file of an attachment, with its type.
#[utoipa::path(get, operation_id = "incidents_attachment", path = "/api/v1/incidents/{id}/attachments/{attachment}", tag = "incidents",
    params(("id" = String, Path, description = "Incident id"), ("attachment" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path((incident, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let owner = Owner::Incident(parse_uuid(&incident, "id")?);
    serve(&state, &caller, owner, &id, false, &headers).await
}

/// The JPEG thumbnail of a photo (videos have none: 404).
#[utoipa::path(get, operation_id = "incidents_attachment_thumbnail", path = "/api/v1/incidents/{id}/attachments/{attachment}/thumbnail", tag = "incidents",
    params(("id" = String, Path, description = "Incident id"), ("attachment" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "A JPEG", content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn thumbnail(
    State(state): State<AppState>,
    caller: Caller,
    Path((incident, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let owner = Owner::Incident(parse_uuid(&incident, "id")?);
    serve(&state, &caller, owner, &id, true, &headers).await
}
