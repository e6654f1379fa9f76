//! Registered imagery scenes (影像) of the one map.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A scene as registered: where the file is, what it shows and how to draw it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImageryScene {
    pub id: Uuid,
    pub name: String,
    /// The file on the server's disk.
    pub path: String,
    /// `Sentinel-2`, `GF-2`, `UAV`…
    pub sensor: Option<String>,
    pub acquired_on: Option<NaiveDate>,
    /// Band roles: `blue`, `green`, `red`, `nir`, `swir1`, `swir2` → 1-based band number.
    pub bands: BTreeMap<String, u32>,
    /// `EPSG:32650`, or WKT when the system has no EPSG code.
    pub crs: String,
    /// The footprint in EPSG:4326: `[min_lon, min_lat, max_lon, max_lat]`.
    pub bounds: [f64; 4],
    pub width: i64,
    pub height: i64,
    /// Pixel size in the units of `crs`.
    pub resolution: f64,
    /// Each band's stretch as `{band, low, high}` objects.
    pub stretch: serde_json::Value,
    pub registered_by: String,
    pub registered_at: DateTime<Utc>,
}
