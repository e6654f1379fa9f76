//! Cameras (D2): the registry with each camera's field of view, frames pushed by cameras or a
//! video platform, smoke and fire detection with a per-camera debounce, alarms with the evidence
//! image, and the human decision that turns an alarm into a fire incident or dismisses it
//! (dust and fog cause false alarms).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration as StdDuration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use linzhang_domain::Action;
use linzhang_domain::camera::{valid_device_id, valid_view};
use linzhang_domain::incident::{IncidentSource, KIND_FIRE, Priority};
use linzhang_domain::notice::IncidentEvent;
use linzhang_raster::fire::{DebounceConfig, Debouncer, Observation, draw_boxes};
use linzhang_store::{Alarm, Camera, NewAlarm, NewIncident};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::convert::{instant, parse_grid, parse_uuid};
use super::incidents::deadline_rules;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

/// What the server remembers of each camera between frames: the last frame (for motion) and
/// the debounce window.
#[derive(Debug)]
pub struct CameraMemory {
    frames: Mutex<HashMap<uuid::Uuid, image::RgbImage>>,
    debouncer: Mutex<Debouncer>,
}

impl Default for CameraMemory {
    fn default() -> Self {
        Self {
            frames: Mutex::new(HashMap::new()),
            debouncer: Mutex::new(Debouncer::new(DebounceConfig::default())),
        }
    }
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CameraBody {
    pub name: String,
    /// The 20-digit GB/T 28181 device id.
    pub device_id: String,
    pub grid_code: String,
    pub lon: f64,
    pub lat: f64,
    pub height_m: f64,
    /// Clockwise from north, degrees.
    pub heading_deg: f64,
    pub fov_deg: f64,
    pub range_m: f64,
    /// HLS/FLV/WebRTC address of the live stream.
    pub stream_url: Option<String>,
    /// A URL answering the current picture (JPEG or PNG): the server polls it for cameras that
    /// cannot push frames (every `camera_poll_seconds`).
    #[serde(default)]
    pub snapshot_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CameraView {
    pub id: String,
    #[serde(flatten)]
    pub camera: CameraBody,
    /// The field of view on the ground (GeoJSON Polygon).
    #[schema(value_type = Object)]
    pub view: serde_json::Value,
}

fn view(c: &Camera) -> CameraView {
    let sector = linzhang_geo::sector(c.lon, c.lat, c.heading_deg, c.fov_deg, c.range_m);
    CameraView {
        id: c.id.to_string(),
        camera: CameraBody {
            name: c.name.clone(),
            device_id: c.device_id.clone(),
            grid_code: c.grid_code.to_string(),
            lon: c.lon,
            lat: c.lat,
            height_m: c.height_m,
            heading_deg: c.heading_deg,
            fov_deg: c.fov_deg,
            range_m: c.range_m,
            stream_url: c.stream_url.clone(),
            snapshot_url: c.snapshot_url.clone(),
        },
        view: serde_json::json!(geojson::Geometry::from(
            &linzhang_geo::geo::Geometry::Polygon(sector)
        )),
    }
}

/// Register a camera (office and admins).
#[utoipa::path(post, operation_id = "cameras_create", path = "/api/v1/cameras", tag = "monitoring", request_body = CameraBody,
    responses((status = 201, body = CameraView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(b): Json<CameraBody>,
) -> ApiResult<(StatusCode, Json<CameraView>)> {
    caller
        .require(&state, Action::WriteOrg, "register cameras")
        .await?;
    if !valid_device_id(&b.device_id) {
        return Err(ApiError::bad_request(
            "bad_device_id",
            "device_id must be the 20 digits of GB/T 28181",
        ));
    }
    if !valid_view(b.heading_deg, b.fov_deg, b.range_m, b.height_m)
        || !(-180.0..=180.0).contains(&b.lon)
        || !(-90.0..=90.0).contains(&b.lat)
    {
        return Err(ApiError::bad_request(
            "bad_view",
            "position, heading (0–360), field of view (1–360), range (≤ 20 km) or height is out of range",
        ));
    }
    let camera = Camera {
        id: linzhang_domain::ids::new_id(),
        name: b.name.trim().to_owned(),
        device_id: b.device_id,
        grid_code: parse_grid(&b.grid_code)?,
        lon: b.lon,
        lat: b.lat,
        height_m: b.height_m,
        heading_deg: b.heading_deg,
        fov_deg: b.fov_deg,
        range_m: b.range_m,
        stream_url: b.stream_url,
        snapshot_url: b.snapshot_url,
    };
    let stored = state
        .store
        .create_camera(&caller.ctx(&state), &caller.scope, &camera)
        .await?;
    Ok((StatusCode::CREATED, Json(view(&stored))))
}

/// The cameras of the caller's grids with their fields of view.
#[utoipa::path(get, operation_id = "cameras_list", path = "/api/v1/cameras", tag = "monitoring",
    responses((status = 200, body = [CameraView])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<CameraView>>> {
    caller
        .require(&state, Action::ReadLayers, "read cameras")
        .await?;
    Ok(Json(
        state
            .store
            .cameras(&caller.scope)
            .await?
            .iter()
            .map(view)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FrameQuery {
    /// When the frame was taken (RFC 3339); the server's time by default.
    pub at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FrameResult {
    /// `fire`, `smoke` or `none`.
    pub verdict: String,
    pub score: f32,
    /// The alarm this frame completed, if any (N of the last M frames positive).
    pub alarm: Option<String>,
}

/// A frame from a camera (JPEG or PNG body), pushed by the camera or a video platform: smoke
/// and fire detection against the camera's previous frame, debounced per camera; an alarm is
/// stored with the frame and its detection boxes and announced to the chiefs and offices above.
#[utoipa::path(post, operation_id = "cameras_frame", path = "/api/v1/cameras/{id}/frames", tag = "monitoring",
    params(("id" = String, Path, description = "Camera id"), FrameQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = FrameResult), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn frame(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<FrameQuery>,
    body: Bytes,
) -> ApiResult<Json<FrameResult>> {
    caller
        .require(&state, Action::WriteOrg, "push camera frames")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let camera = state.store.camera(&caller.scope, id).await?;
    let at: DateTime<Utc> = match &q.at {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| ApiError::bad_request("bad_instant", "at must be RFC 3339"))?
            .with_timezone(&Utc),
        None => state.clock.now(),
    };
    Ok(Json(
        process_frame(&state, &caller.ctx(&state), &camera, at, &body).await?,
    ))
}

/// Smoke and fire detection of one frame of `camera` taken at `at`, against the camera's
/// previous frame, debounced per camera; an alarm is stored with the frame and its boxes and
/// announced. Pushed frames and polled snapshots both come here.
pub(crate) async fn process_frame(
    state: &AppState,
    ctx: &linzhang_store::WriteCtx,
    camera: &Camera,
    at: DateTime<Utc>,
    body: &[u8],
) -> ApiResult<FrameResult> {
    let id = camera.id;
    let frame = image::load_from_memory(body)
        .map_err(|e| ApiError::bad_request("bad_image", format!("not a JPEG or PNG frame: {e}")))?
        .to_rgb8();
    let memory = state.cameras.clone();
    let detector = state.detector.clone();
    let camera_key = camera.id.to_string();
    let (detection, alarm, evidence) = tokio::task::spawn_blocking(move || {
        let previous = memory
            .frames
            .lock()
            .ok()
            .and_then(|mut m| m.insert(id, frame.clone()));
        let d = detector.detect(&frame, previous.as_ref());
        let since_epoch =
            StdDuration::from_millis(u64::try_from(at.timestamp_millis()).unwrap_or(0));
        let obs = Observation {
            at: since_epoch,
            verdict: d.verdict,
            score: d.score,
        };
        let alarm = memory
            .debouncer
            .lock()
            .ok()
            .and_then(|mut db| db.observe(&camera_key, obs));
        let evidence = alarm.as_ref().map(|_| {
            let mut png = Vec::new();
            let drawn = draw_boxes(&frame, &d);
            let _ = drawn.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
            png
        });
        (d, alarm, evidence)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let mut alarm_id = None;
    if let (Some(a), Some(image)) = (alarm, evidence) {
        let new = NewAlarm {
            id: linzhang_domain::ids::new_id(),
            camera_id: camera.id,
            at,
            verdict: a.verdict.to_string(),
            score: f64::from(a.score),
            image,
        };
        state.store.record_alarm(ctx, &new).await?;
        crate::notify::alarm(state, camera, &new).await;
        alarm_id = Some(new.id.to_string());
    }
    Ok(FrameResult {
        verdict: detection.verdict.to_string(),
        score: detection.score,
        alarm: alarm_id,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlarmView {
    pub id: String,
    pub camera_id: String,
    pub camera_name: String,
    pub grid_code: String,
    pub at: String,
    pub verdict: String,
    pub score: f64,
    /// `pending`, `confirmed` or `dismissed`.
    pub state: String,
    pub incident_id: Option<String>,
    pub decided_by: Option<String>,
}

fn alarm_view(a: &Alarm) -> AlarmView {
    AlarmView {
        id: a.id.to_string(),
        camera_id: a.camera_id.to_string(),
        camera_name: a.camera_name.clone(),
        grid_code: a.grid_code.to_string(),
        at: instant(a.at),
        verdict: a.verdict.clone(),
        score: a.score,
        state: a.state.clone(),
        incident_id: a.incident_id.map(|i| i.to_string()),
        decided_by: a.decided_by.clone(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AlarmQuery {
    /// `pending`, `confirmed` or `dismissed`.
    pub state: Option<String>,
}

/// Alarms of the caller's cameras, newest first.
#[utoipa::path(get, operation_id = "cameras_alarms", path = "/api/v1/alarms", tag = "monitoring", params(AlarmQuery),
    responses((status = 200, body = [AlarmView])))]
pub async fn alarms(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<AlarmQuery>,
) -> ApiResult<Json<Vec<AlarmView>>> {
    caller
        .require(&state, Action::ReadLayers, "read alarms")
        .await?;
    Ok(Json(
        state
            .store
            .alarms(&caller.scope, q.state.as_deref())
            .await?
            .iter()
            .map(alarm_view)
            .collect(),
    ))
}

/// The frame of an alarm with the detection boxes drawn (PNG).
#[utoipa::path(get, operation_id = "cameras_alarm_image", path = "/api/v1/alarms/{id}/image", tag = "monitoring",
    params(("id" = String, Path, description = "Alarm id")),
    responses((status = 200, description = "PNG", content_type = "image/png", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn image(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    caller
        .require(&state, Action::ReadLayers, "read alarms")
        .await?;
    let (_, png) = state
        .store
        .alarm(&caller.scope, parse_uuid(&id, "id")?)
        .await?;
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// True: a real fire (opens a fire incident); false: a false alarm (dust, fog, lights).
    pub confirm: bool,
}

/// Confirm an alarm as a fire (a fire incident for the camera's grid, source camera, told at
/// once up to the city) or dismiss it. Chiefs, office staff and admins.
#[utoipa::path(post, operation_id = "cameras_decide", path = "/api/v1/alarms/{id}/decision", tag = "monitoring",
    params(("id" = String, Path, description = "Alarm id")), request_body = DecisionBody,
    responses((status = 200, body = AlarmView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<DecisionBody>,
) -> ApiResult<Json<AlarmView>> {
    caller
        .require(&state, Action::DecideAlarms, "decide alarms")
        .await?;
    let id = parse_uuid(&id, "id")?;
    let (alarm, _) = state.store.alarm(&caller.scope, id).await?;
    let ctx = caller.ctx(&state);
    let mut incident_id = None;
    if b.confirm && alarm.state == "pending" {
        let camera = state.store.camera(&caller.scope, alarm.camera_id).await?;
        let incident = NewIncident {
            id: linzhang_domain::ids::new_id(),
            grid_code: camera.grid_code.clone(),
            kind: KIND_FIRE.into(),
            pest: None,
            source: IncidentSource::Camera,
            priority: Priority::Urgent,
            title: format!(
                "视频监控{}报警：{}",
                camera.name,
                if alarm.verdict == "fire" {
                    "明火"
                } else {
                    "烟雾"
                }
            ),
            description: format!(
                "识别得分 {:.2}，报警时间 {}，已人工确认。",
                alarm.score,
                instant(alarm.at)
            ),
            lon: Some(camera.lon),
            lat: Some(camera.lat),
            due: deadline_rules(&state)
                .await?
                .due_within(KIND_FIRE, Priority::Urgent),
        };
        let (stored, _) = state
            .store
            .report_incident(&ctx, &caller.scope, &incident)
            .await?;
        crate::notify::incident(&state, &stored, IncidentEvent::Reported).await;
        incident_id = Some(incident.id);
    }
    let decided = state
        .store
        .decide_alarm(&ctx, &caller.scope, id, incident_id)
        .await?;
    Ok(Json(alarm_view(&decided)))
}
