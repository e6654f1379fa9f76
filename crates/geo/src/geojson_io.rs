//! Reading and writing polygonal `GeoJSON` (RFC 7946), lon/lat degrees.

use geo::{Coord, LineString, MultiPolygon, Polygon, unary_union};
use geojson::{GeoJson, Geometry, PolygonType, Value as GeometryValue};
use serde_json::{Map, Value, json};

use crate::GeoError;
use crate::validate::{build_polygon, orient, validate};

/// Properties of a `GeoJSON` feature.
pub type Properties = Map<String, Value>;

/// Read a polygonal area from a `GeoJSON` value.
///
/// Accepts a `Polygon` or `MultiPolygon` geometry object, a `Feature` with
/// such a geometry, or a `FeatureCollection` of one or more such features.
/// A `Polygon` becomes a one-polygon `MultiPolygon`. The polygons of a
/// collection's features are collected into one `MultiPolygon`; when the
/// features overlap or share edges (e.g. adjacent districts) they are
/// dissolved with a boolean union instead, so that the result stays valid.
///
/// Rings must be closed and have at least 4 positions, as RFC 7946 requires;
/// they are never closed silently. The result is checked with
/// [`validate`](crate::validate()) and then [`orient`]ed (exteriors
/// counter-clockwise). Errors inside a collection's feature are wrapped in
/// [`GeoError::InFeature`]; see [`GeoError::reason`].
pub fn multipolygon_from_geojson(value: &Value) -> Result<MultiPolygon<f64>, GeoError> {
    match parse(value.clone())? {
        GeoJson::Geometry(geometry) => from_geometry(Some(&geometry)),
        GeoJson::Feature(feature) => from_geometry(feature.geometry.as_ref()),
        GeoJson::FeatureCollection(collection) => {
            let parts = collection
                .features
                .iter()
                .enumerate()
                .map(|(index, feature)| {
                    from_geometry(feature.geometry.as_ref()).map_err(|e| in_feature(index, e))
                })
                .collect::<Result<Vec<_>, _>>()?;
            combine(parts)
        }
    }
}

/// Write `mp` as a `GeoJSON` `MultiPolygon` geometry object, e.g.
/// `{"type": "MultiPolygon", "coordinates": [[[[lon, lat], ...]]]}`.
pub fn multipolygon_to_geojson(mp: &MultiPolygon<f64>) -> Value {
    let coordinates: Vec<Value> = mp.0.iter().map(polygon_coordinates).collect();
    json!({ "type": "MultiPolygon", "coordinates": coordinates })
}

/// Read every feature of a `GeoJSON` `FeatureCollection` text, such as a file
/// of administrative divisions, as `(properties, area)` pairs in file order.
///
/// A lone `Feature` gives one pair; a lone geometry gives one pair with
/// empty properties. Every area is validated and oriented as in
/// [`multipolygon_from_geojson`]; the first bad feature's error is returned
/// wrapped in [`GeoError::InFeature`].
pub fn read_feature_collection(
    text: &str,
) -> Result<Vec<(Properties, MultiPolygon<f64>)>, GeoError> {
    let value: Value = serde_json::from_str(text).map_err(|e| GeoError::GeoJson(e.to_string()))?;
    match parse(value)? {
        GeoJson::Geometry(geometry) => {
            Ok(vec![(Properties::new(), from_geometry(Some(&geometry))?)])
        }
        GeoJson::Feature(feature) => {
            let area = from_geometry(feature.geometry.as_ref())?;
            Ok(vec![(feature.properties.unwrap_or_default(), area)])
        }
        GeoJson::FeatureCollection(collection) => collection
            .features
            .into_iter()
            .enumerate()
            .map(|(index, feature)| {
                let area =
                    from_geometry(feature.geometry.as_ref()).map_err(|e| in_feature(index, e))?;
                Ok((feature.properties.unwrap_or_default(), area))
            })
            .collect(),
    }
}

fn parse(value: Value) -> Result<GeoJson, GeoError> {
    GeoJson::from_json_value(value).map_err(|e| GeoError::GeoJson(e.to_string()))
}

fn in_feature(index: usize, error: GeoError) -> GeoError {
    GeoError::InFeature {
        index,
        error: Box::new(error),
    }
}

/// Convert one (possibly missing) geometry, validate and orient it.
fn from_geometry(geometry: Option<&Geometry>) -> Result<MultiPolygon<f64>, GeoError> {
    let Some(geometry) = geometry else {
        return Err(GeoError::NotPolygonal {
            found: "null".to_owned(),
        });
    };
    let polygons = match &geometry.value {
        GeometryValue::Polygon(rings) => vec![to_polygon(0, rings)?],
        GeometryValue::MultiPolygon(polygons) => polygons
            .iter()
            .enumerate()
            .map(|(i, rings)| to_polygon(i, rings))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(GeoError::NotPolygonal {
                found: other.type_name().to_owned(),
            });
        }
    };
    let mp = MultiPolygon(polygons);
    validate(&mp)?;
    Ok(orient(&mp))
}

fn to_polygon(index: usize, rings: &PolygonType) -> Result<Polygon<f64>, GeoError> {
    let rings = rings
        .iter()
        .map(|ring| {
            ring.iter()
                .map(|p| to_coord(p))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    build_polygon(index, rings)
}

fn to_coord(position: &[f64]) -> Result<Coord<f64>, GeoError> {
    match position {
        [x, y, ..] => Ok(Coord { x: *x, y: *y }),
        _ => Err(GeoError::GeoJson(format!(
            "a position needs at least 2 numbers, found {}",
            position.len()
        ))),
    }
}

/// Merge already valid parts: keep them side by side when that is valid,
/// dissolve them when they overlap or share edges.
fn combine(parts: Vec<MultiPolygon<f64>>) -> Result<MultiPolygon<f64>, GeoError> {
    if parts.len() <= 1 {
        return parts.into_iter().next().ok_or(GeoError::Empty);
    }
    let collected = MultiPolygon(parts.iter().flat_map(|p| p.0.iter().cloned()).collect());
    match validate(&collected) {
        Ok(()) => Ok(collected),
        Err(GeoError::PolygonsOverlap { .. } | GeoError::PolygonsShareEdge { .. }) => {
            let dissolved = orient(&unary_union(parts.iter()));
            validate(&dissolved)?;
            Ok(dissolved)
        }
        Err(e) => Err(e),
    }
}

fn polygon_coordinates(polygon: &Polygon<f64>) -> Value {
    let rings: Vec<Value> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(ring_coordinates)
        .collect();
    Value::Array(rings)
}

fn ring_coordinates(ring: &LineString<f64>) -> Value {
    Value::Array(ring.0.iter().map(|c| json!([c.x, c.y])).collect())
}

#[cfg(test)]
mod tests;
