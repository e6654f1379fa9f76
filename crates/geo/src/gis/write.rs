//! Writing features out through GDAL: GeoPackage, zipped Shapefile (with `.prj` and a UTF-8
//! `.cpg`), GeoJSON and Excel. Features arrive one by one, so a large export is written to
//! disk, never held in memory.

use std::path::Path;

use gdal::DriverManager;
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{
    Feature, FieldDefn, FieldValue, Geometry, LayerAccess, LayerOptions, OGRFieldType,
    OGRwkbGeometryType,
};
use geo::Centroid;
use serde_json::Value;

use crate::wkb_io::geometry_from_wkb;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    GeoPackage,
    /// A Shapefile and its sidecar files in one `.shp.zip`.
    Shapefile,
    GeoJson,
    /// Attributes with the centroid's longitude and latitude (a spreadsheet holds no shapes).
    Xlsx,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "gpkg" | "geopackage" => Some(Self::GeoPackage),
            "shp" | "shapefile" => Some(Self::Shapefile),
            "geojson" | "json" => Some(Self::GeoJson),
            "xlsx" | "excel" => Some(Self::Xlsx),
            _ => None,
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::GeoPackage => "gpkg",
            Self::Shapefile => "shp.zip",
            Self::GeoJson => "geojson",
            Self::Xlsx => "xlsx",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::GeoPackage => "application/geopackage+sqlite3",
            Self::Shapefile => "application/zip",
            Self::GeoJson => "application/geo+json",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn driver(self) -> &'static str {
        match self {
            Self::GeoPackage => "GPKG",
            Self::Shapefile => "ESRI Shapefile",
            Self::GeoJson => "GeoJSON",
            Self::Xlsx => "XLSX",
        }
    }
}

/// The geometry type of an export's layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportGeometry {
    Point,
    Line,
    Polygon,
}

/// The type of an exported column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFieldKind {
    Integer,
    Real,
    Text,
}

/// A column of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportField {
    pub name: String,
    pub kind: ExportFieldKind,
}

/// One feature to write: WKB in lon/lat and one value per field (in field order).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFeature {
    pub wkb: Vec<u8>,
    pub values: Vec<Value>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {message}")]
pub struct WriteError {
    pub path: String,
    pub message: String,
}

/// Writes `features` to `path` (whose name should end in the format's extension) as one layer
/// in CGCS2000 (EPSG:4490); answers how many were written.
pub fn write_features(
    path: &Path,
    format: ExportFormat,
    layer_name: &str,
    geometry: ExportGeometry,
    fields: &[ExportField],
    features: impl IntoIterator<Item = ExportFeature>,
) -> Result<u64, WriteError> {
    let fail = |e: &dyn std::fmt::Display| WriteError {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let driver = DriverManager::get_driver_by_name(format.driver()).map_err(|e| fail(&e))?;
    let mut dataset = driver.create_vector_only(path).map_err(|e| fail(&e))?;
    let mut srs = SpatialRef::from_epsg(4490).map_err(|e| fail(&e))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let ty = match (format, geometry) {
        (ExportFormat::Xlsx, _) => OGRwkbGeometryType::wkbNone,
        (_, ExportGeometry::Point) => OGRwkbGeometryType::wkbPoint,
        (_, ExportGeometry::Line) => OGRwkbGeometryType::wkbMultiLineString,
        (_, ExportGeometry::Polygon) => OGRwkbGeometryType::wkbMultiPolygon,
    };
    let options: &[&str] = match format {
        ExportFormat::Shapefile => &["ENCODING=UTF-8"],
        ExportFormat::GeoJson => &["RFC7946=YES", "WRITE_NAME=NO"],
        ExportFormat::GeoPackage | ExportFormat::Xlsx => &[],
    };
    let written = if format == ExportFormat::GeoPackage {
        let mut txn = dataset.start_transaction().map_err(|e| fail(&e))?;
        let n = fill(
            &mut txn, layer_name, &srs, ty, options, fields, format, features,
        )
        .map_err(|e| fail(&e))?;
        txn.commit().map_err(|e| fail(&e))?;
        n
    } else {
        fill(
            &mut dataset,
            layer_name,
            &srs,
            ty,
            options,
            fields,
            format,
            features,
        )
        .map_err(|e| fail(&e))?
    };
    dataset.close().map_err(|e| fail(&e))?;
    Ok(written)
}

#[allow(
    clippy::too_many_arguments,
    reason = "the parts of one write, split for the transaction"
)]
fn fill(
    ds: &mut gdal::Dataset,
    layer_name: &str,
    srs: &SpatialRef,
    ty: OGRwkbGeometryType::Type,
    options: &[&str],
    fields: &[ExportField],
    format: ExportFormat,
    features: impl IntoIterator<Item = ExportFeature>,
) -> gdal::errors::Result<u64> {
    let layer = ds.create_layer(LayerOptions {
        name: layer_name,
        srs: (ty != OGRwkbGeometryType::wkbNone).then_some(srs),
        ty,
        options: Some(options),
    })?;
    for f in fields {
        let kind = match f.kind {
            ExportFieldKind::Integer => OGRFieldType::OFTInteger64,
            ExportFieldKind::Real => OGRFieldType::OFTReal,
            ExportFieldKind::Text => OGRFieldType::OFTString,
        };
        FieldDefn::new(&f.name, kind)?.add_to_layer(&layer)?;
    }
    let xlsx = format == ExportFormat::Xlsx;
    if xlsx {
        for name in ["lon", "lat"] {
            FieldDefn::new(name, OGRFieldType::OFTReal)?.add_to_layer(&layer)?;
        }
    }
    let mut written = 0u64;
    for item in features {
        let mut feature = Feature::new(layer.defn())?;
        for (i, (value, field)) in item.values.iter().zip(fields).enumerate() {
            if let Some(v) = to_field(value, field.kind) {
                feature.set_field(i, &v)?;
            }
        }
        if xlsx {
            if let Some(c) = geometry_from_wkb(&item.wkb).ok().and_then(|g| g.centroid()) {
                feature.set_field_double(fields.len(), c.x())?;
                feature.set_field_double(fields.len() + 1, c.y())?;
            }
        } else {
            feature.set_geometry(promote(Geometry::from_wkb(&item.wkb)?, ty))?;
        }
        feature.create(&layer)?;
        written += 1;
    }
    Ok(written)
}

/// A single polygon or line as the multi type the layer declares.
fn promote(g: Geometry, ty: OGRwkbGeometryType::Type) -> Geometry {
    let multi =
        ty == OGRwkbGeometryType::wkbMultiPolygon || ty == OGRwkbGeometryType::wkbMultiLineString;
    if !multi || g.geometry_type() == ty {
        return g;
    }
    let Ok(mut out) = Geometry::empty(ty) else {
        return g;
    };
    match out.add_geometry(g.clone()) {
        Ok(()) => out,
        Err(_) => g,
    }
}

fn to_field(v: &Value, kind: ExportFieldKind) -> Option<FieldValue> {
    match (v, kind) {
        (Value::Null, _) => None,
        (Value::Number(n), ExportFieldKind::Integer) => n.as_i64().map(FieldValue::Integer64Value),
        (Value::Number(n), ExportFieldKind::Real) => n.as_f64().map(FieldValue::RealValue),
        (Value::String(s), ExportFieldKind::Text) => Some(FieldValue::StringValue(s.clone())),
        (Value::String(s), ExportFieldKind::Integer) => {
            s.parse().ok().map(FieldValue::Integer64Value)
        }
        (Value::String(s), ExportFieldKind::Real) => s.parse().ok().map(FieldValue::RealValue),
        (other, _) => Some(FieldValue::StringValue(other.to_string())),
    }
}
