//! Reading GIS files through GDAL: Shapefile (folder or zip), GeoPackage, FileGDB, GeoJSON, KML,
//! CSV with coordinates, in any CRS PROJ knows. Features come out in CGCS2000 / WGS84 longitude
//! and latitude, one at a time, so a file of a million features is never held whole.

/// One feature as a source gave it: its position in the source, its geometry (or why it could
/// not be read) and its attributes as they came.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFeature {
    /// Zero-based position in the source layer.
    pub index: u64,
    /// Longitude/latitude geometry; `Err` says why it could not be read.
    pub geometry: Result<geo::Geometry<f64>, String>,
    /// Column name and value, in the source's column order.
    pub attributes: Vec<(String, serde_json::Value)>,
}

mod read;

pub use read::{ReadError, ReadOptions, SourceInfo, read_features};

mod write;

pub use write::{
    ExportFeature, ExportField, ExportFieldKind, ExportFormat, ExportGeometry, WriteError,
    write_features,
};
