//! The GDAL reader.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{FieldValue, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde_json::Value;

use super::SourceFeature;
use crate::gcj02::geometry_gcj02_to_wgs84;
use crate::wkb_io::geometry_from_wkb;

/// How to read a source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The source CRS when the file has none or states it wrongly (`EPSG:4549`, a WKT or a
    /// PROJ string: anything `OSRSetFromUserInput` takes).
    pub source_srs: Option<String>,
    /// The text encoding of a Shapefile's attributes (`CP936`, `UTF-8`…) when its `.cpg` is
    /// missing or wrong. Without it and without a `.cpg`, a `.dbf` whose text is not UTF-8 is
    /// read as CP936 (GBK), the encoding of Chinese desktop GIS.
    pub encoding: Option<String>,
    /// Remove the GCJ-02 offset (data traced on Amap or taken from `DataV`).
    pub gcj02: bool,
    /// The layer of a multi-layer source (GeoPackage, FileGDB); the first one by default.
    pub layer: Option<String>,
}

/// What was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The GDAL driver that read the file (`ESRI Shapefile`, `GPKG`…).
    pub driver: String,
    pub layer: String,
    /// The source CRS as `AUTHORITY:CODE` when it has one, else its WKT.
    pub srs: String,
    /// The text encoding used for a Shapefile, when one was chosen.
    pub encoding: Option<String>,
    pub features: u64,
}

/// Why a source could not be read at all (single features that cannot be read are reported
/// in their [`SourceFeature`]).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot open {path}: {message}")]
    Open { path: String, message: String },
    #[error("{path} has no layer {layer}")]
    NoLayer { path: String, layer: String },
    #[error("{path} has no coordinate reference system: name one (e.g. EPSG:4549)")]
    NoSrs { path: String },
    #[error("unknown coordinate reference system {srs}: {message}")]
    BadSrs { srs: String, message: String },
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
}

/// Reads every feature of `path` in CGCS2000 / WGS84 longitude-latitude, handing them to
/// `each` one by one (return `ControlFlow::Break` to stop early).
pub fn read_features(
    path: &Path,
    opts: &ReadOptions,
    mut each: impl FnMut(SourceFeature) -> ControlFlow<()>,
) -> Result<SourceInfo, ReadError> {
    let shown = path.display().to_string();
    let (dataset, encoding) = open(path, opts)?;
    let driver = dataset.driver().short_name();
    let mut layer = match &opts.layer {
        Some(name) => dataset
            .layer_by_name(name)
            .map_err(|_| ReadError::NoLayer {
                path: shown.clone(),
                layer: name.clone(),
            })?,
        None => dataset.layer(0).map_err(|_| ReadError::NoLayer {
            path: shown.clone(),
            layer: "0".into(),
        })?,
    };
    let layer_name = layer.name();

    let (transform, srs) = to_cgcs2000(&layer, opts, &shown)?;
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let mut count = 0u64;
    for (index, feature) in (0u64..).zip(layer.features()) {
        count += 1;
        let geometry = match feature.geometry() {
            None => Err("the feature has no geometry".to_owned()),
            Some(g) => g
                .transform(&transform)
                .and_then(|g| g.wkb())
                .map_err(|e| format!("cannot transform the geometry: {e}"))
                .and_then(|wkb| geometry_from_wkb(&wkb).map_err(|e| e.to_string()))
                .map(|g| {
                    if opts.gcj02 {
                        geometry_gcj02_to_wgs84(&g)
                    } else {
                        g
                    }
                }),
        };
        let attributes = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.clone(), attribute(&feature, i)))
            .collect();
        let flow = each(SourceFeature {
            index,
            geometry,
            attributes,
        });
        if flow.is_break() {
            break;
        }
    }
    Ok(SourceInfo {
        driver,
        layer: layer_name,
        srs,
        encoding,
        features: count,
    })
}

/// Opens the source with the open options its format needs; answers the Shapefile encoding
/// chosen, if any.
fn open(path: &Path, opts: &ReadOptions) -> Result<(Dataset, Option<String>), ReadError> {
    let shown = path.display().to_string();
    let open_path = gdal_path(path);
    let encoding = shapefile_encoding(path, opts);
    let mut open_options: Vec<String> = Vec::new();
    if let Some(e) = &encoding {
        open_options.push(format!("ENCODING={e}"));
    }
    if is_csv(path) {
        open_options.extend(
            [
                "X_POSSIBLE_NAMES=lon,longitude,lng,x,经度",
                "Y_POSSIBLE_NAMES=lat,latitude,y,纬度",
                "GEOM_POSSIBLE_NAMES=wkt,geometry,geom",
                "KEEP_GEOM_COLUMNS=NO",
                "AUTODETECT_TYPE=YES",
            ]
            .map(String::from),
        );
    }
    let option_refs: Vec<&str> = open_options.iter().map(String::as_str).collect();
    let dataset = Dataset::open_ex(
        &open_path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            open_options: (!option_refs.is_empty()).then_some(&option_refs[..]),
            ..DatasetOptions::default()
        },
    )
    .map_err(|e| ReadError::Open {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    Ok((dataset, encoding))
}

/// The transformation from the layer's CRS (or the one the caller names) to CGCS2000 lon/lat,
/// and the source CRS's name.
fn to_cgcs2000(
    layer: &gdal::vector::Layer<'_>,
    opts: &ReadOptions,
    shown: &str,
) -> Result<(CoordTransform, String), ReadError> {
    let mut source = match &opts.source_srs {
        Some(s) => SpatialRef::from_definition(s).map_err(|e| ReadError::BadSrs {
            srs: s.clone(),
            message: e.to_string(),
        })?,
        None => layer.spatial_ref().ok_or_else(|| ReadError::NoSrs {
            path: shown.to_owned(),
        })?,
    };
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let srs = describe(&source);
    let mut target = SpatialRef::from_epsg(4490).map_err(|e| ReadError::BadSrs {
        srs: "EPSG:4490".into(),
        message: e.to_string(),
    })?;
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let transform = CoordTransform::new(&source, &target).map_err(|e| ReadError::BadSrs {
        srs: srs.clone(),
        message: e.to_string(),
    })?;
    Ok((transform, srs))
}

/// The path GDAL opens: zip archives through `/vsizip/`.
fn gdal_path(path: &Path) -> PathBuf {
    let is_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        PathBuf::from(format!("/vsizip/{}", absolute.display()))
    } else {
        path.to_path_buf()
    }
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// The encoding to open a Shapefile with: the caller's, else none when a `.cpg` says it, else
/// a guess from the `.dbf` bytes (UTF-8 when they decode as such, CP936 otherwise).
fn shapefile_encoding(path: &Path, opts: &ReadOptions) -> Option<String> {
    if opts.encoding.is_some() {
        return opts.encoding.clone();
    }
    let dbf = if path.is_dir() {
        std::fs::read_dir(path)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("dbf")))?
    } else if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("shp"))
    {
        path.with_extension("dbf")
    } else {
        return None;
    };
    if dbf.with_extension("cpg").exists() || dbf.with_extension("CPG").exists() {
        return None;
    }
    let bytes = std::fs::read(&dbf).ok()?;
    // Skip the header (its length is at bytes 8..10); the records are text and numbers.
    let header = usize::from(u16::from_le_bytes([*bytes.get(8)?, *bytes.get(9)?]));
    let records = bytes.get(header.min(bytes.len())..)?;
    if records.is_ascii() || std::str::from_utf8(records).is_ok() {
        Some("UTF-8".into())
    } else {
        Some("CP936".into())
    }
}

fn describe(srs: &SpatialRef) -> String {
    match (srs.auth_name(), srs.auth_code()) {
        (Some(name), Ok(code)) => format!("{name}:{code}"),
        _ => srs.to_wkt().unwrap_or_else(|_| "unknown".into()),
    }
}

/// A field's value; `null` when it is null or was never set. (GDAL reads an unset numeric
/// field as 0, but gives an empty text for it, which a set number never has.)
fn attribute(feature: &gdal::vector::Feature<'_>, i: usize) -> Value {
    let text = feature.field_as_string(i).ok().flatten();
    if text.as_deref().is_none_or(str::is_empty) {
        return Value::Null;
    }
    feature.field(i).ok().flatten().map_or(Value::Null, to_json)
}

fn to_json(value: FieldValue) -> Value {
    match value {
        FieldValue::IntegerValue(v) => Value::from(v),
        FieldValue::Integer64Value(v) => Value::from(v),
        FieldValue::RealValue(v) => {
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        }
        FieldValue::StringValue(v) => Value::String(v),
        FieldValue::DateValue(d) => Value::String(d.to_string()),
        FieldValue::DateTimeValue(d) => Value::String(d.to_rfc3339()),
        FieldValue::IntegerListValue(v) => Value::from(v),
        FieldValue::Integer64ListValue(v) => Value::from(v),
        FieldValue::StringListValue(v) => Value::from(v),
        FieldValue::RealListValue(v) => Value::from(v),
    }
}
