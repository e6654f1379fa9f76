//! Change patches (as `linzhang detect` writes them) become a batch of change spots: clipped
//! to forest land of the latest sub-compartment survey, placed on their village and
//! responsibility area, and given the attributes of the sub-compartment they fall in.

use linzhang_domain::Scope;
use linzhang_geo::geo::{BooleanOps, BoundingRect, Geometry, InteriorPoint, MultiPolygon};
use linzhang_store::{FeatureFilter, NewChangeBatch, NewChangeSpot, Store};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::IngestError;
use crate::analysis::is_forest_land;
use crate::place::Placer;

/// What became of the patches.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SpotReport {
    pub read: u64,
    /// Patches kept as spots (their part on forest land, at least the minimum area).
    pub kept: u64,
    /// Patches off forest land, outside the city, or smaller than the minimum once clipped.
    pub dropped: u64,
    /// Features that are not polygons with a `cause`.
    pub unreadable: Vec<(u64, String)>,
}

/// The sub-compartment attributes copied onto a spot.
pub const SUBCOMPARTMENT_FIELDS: [&str; 8] = [
    "lin_ban",
    "xiao_ban",
    "di_lei",
    "sen_lin_lb",
    "bh_dj",
    "lin_zhong",
    "you_shi_sz",
    "ld_qs",
];

/// Builds the batch from a GeoJSON `FeatureCollection` of patches. Patches keep only their
/// part on forest land (地类 01xx) when the sub-compartment layer has data; those under
/// `min_area_m2` after clipping are dropped.
pub async fn spots_from_patches(
    store: &dyn Store,
    name: &str,
    patches: &Value,
    min_area_m2: f64,
) -> Result<(NewChangeBatch, SpotReport), IngestError> {
    let all = Scope::everything();
    let placer = Placer::load(store, &all).await?;
    let year = store.layer_years("subcompartment").await?.last().copied();
    let features = patches["features"].as_array().cloned().unwrap_or_default();
    let mut report = SpotReport {
        read: features.len() as u64,
        ..SpotReport::default()
    };
    let (mut before, mut after) = (None, None);
    let mut spots = Vec::new();
    for (i, f) in (0u64..).zip(&features) {
        let p = &f["properties"];
        let geometry = serde_json::from_value::<geojson::Geometry>(f["geometry"].clone())
            .ok()
            .and_then(|g| Geometry::<f64>::try_from(g).ok());
        let mp = match geometry {
            Some(Geometry::Polygon(poly)) => MultiPolygon(vec![poly]),
            Some(Geometry::MultiPolygon(mp)) => mp,
            _ => {
                report.unreadable.push((i, "not a polygon".into()));
                continue;
            }
        };
        before = before.or_else(|| p["before_date"].as_str().map(str::to_owned));
        after = after.or_else(|| p["after_date"].as_str().map(str::to_owned));
        let Some((clipped, host)) = on_forest(store, year, &mp).await? else {
            report.dropped += 1;
            continue;
        };
        let area_m2 = linzhang_geo::geodesic_area_m2(&clipped);
        let placement = placer.place(&Geometry::MultiPolygon(clipped.clone()));
        let best = |v: &[(String, f64)]| {
            v.iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(k, _)| k.clone())
        };
        let (Some(path), true) = (best(&placement.grids), area_m2 >= min_area_m2) else {
            report.dropped += 1;
            continue;
        };
        let grid_code = crate::place::leaf_grid(&path)?;
        let mut attributes: Map<String, Value> = p
            .as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| {
                        k.starts_with('d') || k.ends_with("_before") || k.ends_with("_after")
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        attributes.insert("detected_area_m2".into(), p["area_m2"].clone());
        if let Some(host) = host {
            for k in SUBCOMPARTMENT_FIELDS {
                if let Some(v) = host.get(k) {
                    attributes.insert(k.to_owned(), v.clone());
                }
            }
        }
        let point = clipped
            .interior_point()
            .unwrap_or_else(|| linzhang_geo::geo::Point::new(0.0, 0.0));
        spots.push(NewChangeSpot {
            id: linzhang_domain::ids::new_id(),
            geometry: linzhang_geo::to_wkb(&clipped),
            lon: point.x(),
            lat: point.y(),
            area_m2,
            grid_code,
            area_code: best(&placement.areas),
            suspected_cause: p["cause_zh"].as_str().unwrap_or("其他").to_owned(),
            attributes,
        });
        report.kept += 1;
    }
    let batch = NewChangeBatch {
        id: linzhang_domain::ids::new_id(),
        name: name.to_owned(),
        before_date: before,
        after_date: after,
        spots,
    };
    Ok((batch, report))
}

/// The part of a patch on forest land, with the properties of the sub-compartment holding most
/// of it; `None` when none of it is forest land. Without sub-compartment data the patch is kept
/// whole.
async fn on_forest(
    store: &dyn Store,
    year: Option<i32>,
    mp: &MultiPolygon<f64>,
) -> Result<Option<(MultiPolygon<f64>, Option<Map<String, Value>>)>, IngestError> {
    let Some(year) = year else {
        return Ok(Some((mp.clone(), None)));
    };
    let Some(r) = mp.bounding_rect() else {
        return Ok(None);
    };
    let filter = FeatureFilter {
        layer: "subcompartment".into(),
        year,
        bbox: Some([r.min().x, r.min().y, r.max().x, r.max().y]),
        limit: 10_000,
        ..FeatureFilter::default()
    };
    let features = store.features(&Scope::everything(), &filter).await?;
    let mut kept = MultiPolygon(vec![]);
    let mut host: Option<(f64, Map<String, Value>)> = None;
    for f in features {
        if !is_forest_land(f.properties.get("di_lei").and_then(Value::as_str)) {
            continue;
        }
        let Ok(Geometry::MultiPolygon(g)) = linzhang_geo::geometry_from_wkb(&f.geometry) else {
            continue;
        };
        let part = mp.intersection(&g);
        let m2 = linzhang_geo::geodesic_area_m2(&part);
        if m2 <= 0.0 {
            continue;
        }
        if host.as_ref().is_none_or(|(best, _)| m2 > *best) {
            host = Some((m2, f.properties.clone()));
        }
        kept = kept.union(&part);
    }
    if kept.0.is_empty() {
        return Ok(None);
    }
    Ok(Some((kept, host.map(|(_, p)| p))))
}
