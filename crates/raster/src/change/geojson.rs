//! Patches as `GeoJSON`, and clipping them to forest land.

use geo::{BooleanOps, BoundingRect, Intersects, MultiPolygon, Rect};
use serde_json::{Map, Value, json};

use super::Index;
use super::patch::Patch;

/// The patches as a `GeoJSON` `FeatureCollection` (RFC 7946, lon/lat). Each feature has the
/// `id` (1-based position) and these properties:
///
/// - `area_m2`, `area_mu` (亩), `pixels`;
/// - `cause` (`felling`, `land_use`, `clearing`, `fire`, `other`) and `cause_zh`
///   (采伐, 占地, 毁林开垦, 灾害, 其他);
/// - `before_date`, `after_date` (前时相, 后时相; null when unknown);
/// - for each of `ndvi`, `nbr`, `ndmi`: `<index>_before`, `<index>_after` (means) and
///   `d<index>_mean`, `d<index>_max` (before − after; positive is a loss), null when the
///   scenes lack the bands.
pub fn patches_geojson(patches: &[Patch]) -> Value {
    let features: Vec<Value> = patches
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut properties = Map::new();
            properties.insert("id".into(), json!(i + 1));
            properties.insert("area_m2".into(), json!(p.area_m2));
            properties.insert("area_mu".into(), json!(linzhang_geo::m2_to_mu(p.area_m2)));
            properties.insert("pixels".into(), json!(p.pixels));
            properties.insert("cause".into(), json!(p.cause.key()));
            properties.insert("cause_zh".into(), json!(p.cause.zh()));
            properties.insert("before_date".into(), json!(p.before_date));
            properties.insert("after_date".into(), json!(p.after_date));
            for index in Index::ALL {
                let key = index.key();
                let stats = p.index(index);
                properties.insert(format!("{key}_before"), json!(stats.map(|s| s.before)));
                properties.insert(format!("{key}_after"), json!(stats.map(|s| s.after)));
                properties.insert(format!("d{key}_mean"), json!(stats.map(|s| s.mean_change)));
                properties.insert(format!("d{key}_max"), json!(stats.map(|s| s.max_change)));
            }
            json!({
                "type": "Feature",
                "id": i + 1,
                "geometry": linzhang_geo::multipolygon_to_geojson(&p.geometry),
                "properties": properties,
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// The patches clipped to `forest` (lon/lat, e.g. the forest-land sub-compartments dissolved):
/// each patch's geometry becomes its intersection with the forest and its area is measured
/// again; patches left under `min_area_m2` are dropped. Index statistics, pixels and cause stay
/// those of the whole patch.
///
/// Only the forest polygons whose bounding box meets a patch take part in its intersection; for
/// a city's million sub-compartments, pass the ones near the patches (a spatial query).
pub fn clip_patches(patches: &[Patch], forest: &MultiPolygon<f64>, min_area_m2: f64) -> Vec<Patch> {
    let boxes: Vec<Option<Rect<f64>>> = forest.0.iter().map(BoundingRect::bounding_rect).collect();
    patches
        .iter()
        .filter_map(|patch| {
            let bounds = patch.geometry.bounding_rect()?;
            let near: Vec<_> = forest
                .0
                .iter()
                .zip(&boxes)
                .filter(|(_, b)| b.is_some_and(|b| b.intersects(&bounds)))
                .map(|(p, _)| p.clone())
                .collect();
            if near.is_empty() {
                return None;
            }
            let geometry = patch.geometry.intersection(&MultiPolygon(near));
            let area_m2 = linzhang_geo::geodesic_area_m2(&geometry);
            (area_m2 >= min_area_m2 && area_m2 > 0.0).then(|| Patch {
                geometry: linzhang_geo::orient(&geometry),
                area_m2,
                ..patch.clone()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;
    use crate::change::{Cause, IndexChange};

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size),
            (x: x, y: y + size), (x: x, y: y)
        ]])
    }

    fn patch(geometry: MultiPolygon<f64>) -> Patch {
        Patch {
            area_m2: linzhang_geo::geodesic_area_m2(&geometry),
            geometry,
            pixels: 100,
            ndvi: Some(IndexChange {
                before: 0.8,
                after: 0.3,
                mean_change: 0.5,
                max_change: 0.6,
            }),
            nbr: None,
            ndmi: None,
            cause: Cause::Felling,
            before_date: Some("2024-03-01".into()),
            after_date: None,
        }
    }

    #[test]
    fn geojson_has_the_attributes() {
        let value = patches_geojson(&[patch(square(120.0, 31.0, 0.001))]);
        let feature = &value["features"][0];
        assert_eq!(feature["id"], 1);
        assert_eq!(feature["geometry"]["type"], "MultiPolygon");
        let p = &feature["properties"];
        assert_eq!(p["cause"], "felling");
        assert_eq!(p["cause_zh"], "采伐");
        assert_eq!(p["before_date"], "2024-03-01");
        assert!(p["after_date"].is_null());
        assert_eq!(p["dndvi_mean"], 0.5);
        assert!(p["dnbr_mean"].is_null());
        let mu = p["area_mu"].as_f64().expect("a number");
        assert!((mu - 15.92).abs() < 0.5, "about 0.1 km × 0.11 km: {mu}");
    }

    #[test]
    fn clipping_keeps_the_forest_part_and_drops_small_remains() {
        let patches = [
            patch(square(120.0, 31.0, 0.002)),
            patch(square(120.01, 31.0, 0.002)),
        ];
        // Forest covers the west half of the first patch and a sliver of the second.
        let west = geo::Polygon::new(
            vec![
                (119.9, 30.9),
                (120.001, 30.9),
                (120.001, 31.1),
                (119.9, 31.1),
                (119.9, 30.9),
            ]
            .into(),
            vec![],
        );
        let sliver = square(120.0119, 31.0, 0.0001).0[0].clone();
        let forest = MultiPolygon(vec![west, sliver]);
        let clipped = clip_patches(&patches, &forest, 666.7);
        assert_eq!(clipped.len(), 1, "the sliver is under 1 mu");
        let ratio = clipped[0].area_m2 / patches[0].area_m2;
        assert!((ratio - 0.5).abs() < 1e-3, "{ratio}");
        assert_eq!(clipped[0].ndvi, patches[0].ndvi);
    }
}
