//! Registering an imagery scene (影像): a raster on the server's disk becomes a record the one
//! map can draw. The file is inspected (refused when GDAL cannot read it as a georeferenced
//! raster), given band roles, optionally overviews, and a 2 %–98 % stretch; then stored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use linzhang_raster::change::Bands;
use linzhang_raster::imagery::{
    BandStretch, ImageryError, Mode, Scene, build_overviews, compute_stretch, inspect,
    resolve_roles,
};
use linzhang_store::{ImageryScene, Store, StoreError, WriteCtx};
use uuid::Uuid;

/// What a caller says about a scene to register (no `Default`: the id must be a new one).
#[derive(Debug, Clone)]
pub struct ImageryRequest {
    pub id: Uuid,
    /// The file's stem when empty.
    pub name: String,
    pub sensor: Option<String>,
    pub acquired_on: Option<NaiveDate>,
    /// Roles named by the caller; the rest are guessed (see [`Bands`]).
    pub bands: Bands,
    /// Build overviews when the file has none.
    pub overviews: bool,
}

/// Why a scene was not registered.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The file is not a usable scene (the message says why).
    #[error(transparent)]
    Imagery(#[from] ImageryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("registration was interrupted: {0}")]
    Interrupted(String),
}

/// Inspects `path` (an absolute path on this machine) and stores it as a scene. A scene must be
/// drawable in at least one mode: one with neither red, green and blue nor NIR and red is
/// refused with the missing role.
pub async fn register_imagery(
    store: &dyn Store,
    ctx: &WriteCtx,
    path: &Path,
    request: &ImageryRequest,
) -> Result<ImageryScene, RegisterError> {
    let owned = path.to_owned();
    let given = request.bands;
    let overviews = request.overviews;
    let (info, bands, stretch) = tokio::task::spawn_blocking(move || {
        let info = inspect(&owned)?;
        let bands = resolve_roles(&owned, &given)?;
        if available_modes(&bands).is_empty() {
            Mode::True.band_numbers(&bands)?;
        }
        if overviews {
            build_overviews(&owned)?;
        }
        let stretch = compute_stretch(&owned)?;
        Ok::<_, ImageryError>((info, bands, stretch))
    })
    .await
    .map_err(|e| RegisterError::Interrupted(e.to_string()))??;
    let name = if request.name.trim().is_empty() {
        path.file_stem()
            .map_or_else(|| "scene".into(), |s| s.to_string_lossy().into_owned())
    } else {
        request.name.trim().to_owned()
    };
    let roles: BTreeMap<String, u32> = serde_json::to_value(bands)
        .and_then(serde_json::from_value)
        .map_err(|e| RegisterError::Interrupted(e.to_string()))?;
    let scene = ImageryScene {
        id: request.id,
        name,
        path: path.display().to_string(),
        sensor: request.sensor.clone().filter(|s| !s.trim().is_empty()),
        acquired_on: request.acquired_on,
        bands: roles,
        crs: info.crs(),
        bounds: info.bounds,
        width: i64::try_from(info.width).unwrap_or(i64::MAX),
        height: i64::try_from(info.height).unwrap_or(i64::MAX),
        resolution: info.resolution,
        stretch: serde_json::to_value(&stretch)
            .map_err(|e| RegisterError::Interrupted(e.to_string()))?,
        registered_by: String::new(),
        registered_at: ctx.at,
    };
    Ok(store.register_imagery(ctx, &scene).await?)
}

/// The modes a scene with these roles can be drawn in.
pub fn available_modes(bands: &Bands) -> Vec<Mode> {
    Mode::ALL
        .into_iter()
        .filter(|m| m.band_numbers(bands).is_ok())
        .collect()
}

/// A stored scene as the renderer wants it; `None` when its stored roles or stretch do not
/// read (a corrupt record).
pub fn render_scene(scene: &ImageryScene) -> Option<Scene> {
    let bands: Bands = serde_json::to_value(&scene.bands)
        .and_then(serde_json::from_value)
        .ok()?;
    let stretch: Vec<BandStretch> = serde_json::from_value(scene.stretch.clone()).ok()?;
    Some(Scene {
        path: PathBuf::from(&scene.path),
        bands,
        stretch,
        bounds: scene.bounds,
    })
}
