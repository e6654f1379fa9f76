//! GIS imports (B4): a file or a stream of features becomes one layer import.
//!
//! Each feature is read (GDAL, any format and CRS), its attributes normalised through the code
//! tables in force, its geometry checked against the layer's kind and validated (ring
//! orientation repaired, anything else refused), and it is joined to the leaf grids and
//! responsibility areas it overlaps, with the overlap on the ellipsoid. If any feature is
//! refused, nothing is stored and the report lists every refused feature by index with its
//! reason; otherwise the store writes the whole import in one transaction.

mod analysis;
mod hotspots;
mod imagery;
mod place;
mod prepare;
mod spots;

use std::path::{Path, PathBuf};

use linzhang_domain::Scope;
use linzhang_geo::gis::{ReadOptions, SourceFeature, read_features};
use linzhang_store::{LayerImport, Store, StoreError, WriteCtx};
use serde::Serialize;

pub use analysis::{
    ChangeReport, ForestChange, Overlay, QUERY, buffer_m, forest_change, is_forest_land, overlay,
};
pub use hotspots::{HotspotReport, import_hotspots, parse_firms};
pub use imagery::{ImageryRequest, RegisterError, available_modes, register_imagery, render_scene};
pub use place::Placer;
pub use prepare::{FeatureWarning, Prepared, Preparer, Rejection};
pub use spots::{SUBCOMPARTMENT_FIELDS, SpotReport, spots_from_patches};

/// What to import into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportTarget {
    pub layer: String,
    pub year: i32,
    /// The file name or a description of the source, kept with the import.
    pub source: String,
}

/// The answer to an import: stored, or refused with the reasons.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The stored import; `None` when the source was refused.
    pub import: Option<LayerImport>,
    pub driver: String,
    pub srs: String,
    pub read: u64,
    pub accepted: u64,
    /// Refused features (the first [`MAX_LISTED`]); `rejected_total` counts all of them.
    pub rejected: Vec<Rejection>,
    pub rejected_total: u64,
    /// Values kept as they came (the first [`MAX_LISTED`]); `warnings_total` counts all.
    pub warnings: Vec<FeatureWarning>,
    pub warnings_total: u64,
}

/// How many rejections and warnings a report lists by name.
pub const MAX_LISTED: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("unknown layer {0}")]
    UnknownLayer(String),
    #[error(transparent)]
    Read(#[from] linzhang_geo::gis::ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the import was interrupted: {0}")]
    Interrupted(String),
}

/// Imports a GIS file.
pub async fn import_file(
    store: &dyn Store,
    ctx: &WriteCtx,
    scope: &Scope,
    target: &ImportTarget,
    path: &Path,
    opts: &ReadOptions,
) -> Result<ImportReport, IngestError> {
    let mut preparer = Preparer::load(store, scope, &target.layer).await?;
    let path: PathBuf = path.to_path_buf();
    let opts = opts.clone();
    let (preparer, info) = tokio::task::spawn_blocking(move || {
        let info = read_features(&path, &opts, |f| {
            preparer.push(f);
            std::ops::ControlFlow::Continue(())
        });
        (preparer, info)
    })
    .await
    .map_err(|e| IngestError::Interrupted(e.to_string()))?;
    let info = info?;
    finish(
        store,
        ctx,
        scope,
        target,
        preparer.finish(),
        info.driver,
        info.srs,
    )
    .await
}

/// Imports features that are already in memory (the demo, tests, other sources).
pub async fn import_features(
    store: &dyn Store,
    ctx: &WriteCtx,
    scope: &Scope,
    target: &ImportTarget,
    features: Vec<SourceFeature>,
) -> Result<ImportReport, IngestError> {
    let mut work = Preparer::load(store, scope, &target.layer).await?;
    let prepared = tokio::task::spawn_blocking(move || {
        for f in features {
            work.push(f);
        }
        work.finish()
    })
    .await
    .map_err(|e| IngestError::Interrupted(e.to_string()))?;
    finish(
        store,
        ctx,
        scope,
        target,
        prepared,
        "memory".into(),
        "EPSG:4490".into(),
    )
    .await
}

async fn finish(
    store: &dyn Store,
    ctx: &WriteCtx,
    scope: &Scope,
    target: &ImportTarget,
    prepared: Prepared,
    driver: String,
    srs: String,
) -> Result<ImportReport, IngestError> {
    let mut report = ImportReport {
        import: None,
        driver,
        srs: srs.clone(),
        read: prepared.read,
        accepted: prepared.features.len() as u64,
        rejected_total: prepared.rejected.len() as u64,
        rejected: prepared.rejected.into_iter().take(MAX_LISTED).collect(),
        warnings_total: prepared.warnings.len() as u64,
        warnings: prepared.warnings.into_iter().take(MAX_LISTED).collect(),
    };
    if report.rejected_total > 0 || prepared.features.is_empty() {
        return Ok(report);
    }
    let import = linzhang_store::NewLayerImport {
        id: linzhang_domain::ids::new_id(),
        layer: target.layer.clone(),
        year: target.year,
        source: target.source.clone(),
        srs,
        warnings: i64::try_from(report.warnings_total).unwrap_or(i64::MAX),
        features: prepared.features,
    };
    report.import = Some(store.import_layer(ctx, scope, &import).await?);
    Ok(report)
}
