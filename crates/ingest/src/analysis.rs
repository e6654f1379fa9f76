//! Analyses on stored features (B5): statistics of whatever part of a layer lies in a region
//! (a drawn polygon, a buffer, a grid, an area, a project boundary for the forest-land
//! occupation check), and change of forest land between two survey years.

use linzhang_domain::layer::{LayerSpec, StatRow, Tally};
use linzhang_geo::OverlapIndex;
use linzhang_geo::geo::{Buffer, Coord, Geometry, MapCoords, MultiPolygon};
use linzhang_store::Feature;
use serde::Serialize;
use uuid::Uuid;

/// The target name of query statistics rows.
pub const QUERY: &str = "query";

/// The part of each feature inside a region, and the statistics of those parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// Rows with target [`QUERY`].
    pub stats: Vec<StatRow>,
    /// Each feature that meets the region, with the area inside it (m²).
    pub parts: Vec<(Uuid, f64)>,
}

fn geometry(f: &Feature) -> Option<Geometry<f64>> {
    linzhang_geo::geometry_from_wkb(&f.geometry).ok()
}

/// Overlays `features` (already narrowed to the region's box) on `region`.
pub fn overlay(spec: &LayerSpec, region: &MultiPolygon<f64>, features: &[Feature]) -> Overlay {
    let index = OverlapIndex::new(vec![((), region.clone())]);
    let mut tally = Tally::default();
    let mut parts = Vec::new();
    for f in features {
        let Some(g) = geometry(f) else { continue };
        let Some(((), m2)) = index.overlaps(&g).into_iter().next() else {
            continue;
        };
        tally.add_to(QUERY, spec, &f.properties, f.area_m2, f.volume_m3, m2);
        parts.push((f.id, m2));
    }
    Overlay {
        stats: tally.rows(),
        parts,
    }
}

/// A buffer of `meters` around a geometry in lon/lat, computed in a local equirectangular
/// frame (exact enough for buffers up to tens of kilometres).
pub fn buffer_m(g: &Geometry<f64>, meters: f64) -> MultiPolygon<f64> {
    use linzhang_geo::geo::Centroid;
    let Some(c) = g.centroid() else {
        return MultiPolygon(vec![]);
    };
    let (lon0, lat0) = (c.x(), c.y());
    // Metres per degree at this latitude on the WGS84 ellipsoid (first-order terms).
    let phi = lat0.to_radians();
    let m_lat = 111_132.954 - 559.822 * (2.0 * phi).cos() + 1.175 * (4.0 * phi).cos();
    let m_lon = 111_412.84 * phi.cos() - 93.5 * (3.0 * phi).cos();
    let local = g.map_coords(|p| Coord {
        x: (p.x - lon0) * m_lon,
        y: (p.y - lat0) * m_lat,
    });
    local.buffer(meters).map_coords(|p| Coord {
        x: lon0 + p.x / m_lon,
        y: lat0 + p.y / m_lat,
    })
}

/// Whether a land class (`di_lei`) is forest land (林地, codes 01xx).
pub fn is_forest_land(land_class: Option<&str>) -> bool {
    land_class.is_some_and(|c| c.starts_with("01"))
}

/// How one polygon's forest land changed between two years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForestChange {
    /// The feature that changed: of the later year for gains, of the earlier for losses.
    pub feature: Uuid,
    pub year: i32,
    pub gained_m2: f64,
    pub lost_m2: f64,
    /// Land class (`di_lei`) before and after, from the most overlapping feature of each year.
    pub land_class_before: Option<String>,
    pub land_class_after: Option<String>,
    /// The change reason (`bg_yy`) the later survey gives, when it has one.
    pub reason: Option<String>,
}

/// Forest land gained and lost between the features of two survey years of one layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeReport {
    pub gained_m2: f64,
    pub lost_m2: f64,
    pub changes: Vec<ForestChange>,
}

fn polygons(fs: &[Feature]) -> Vec<(usize, MultiPolygon<f64>)> {
    fs.iter()
        .enumerate()
        .filter_map(|(i, f)| match geometry(f)? {
            Geometry::MultiPolygon(mp) => Some((i, mp)),
            Geometry::Polygon(p) => Some((i, MultiPolygon(vec![p]))),
            _ => None,
        })
        .collect()
}

fn land_class(f: &Feature) -> Option<&str> {
    f.properties.get("di_lei").and_then(|v| v.as_str())
}

fn text(f: &Feature, key: &str) -> Option<String> {
    f.properties
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// Compares forest land (`di_lei` 01xx) of `before` and `after`: each forest polygon of
/// `after` gains what of it was not forest before, each forest polygon of `before` loses what
/// of it is not forest after.
pub fn forest_change(before: &[Feature], after: &[Feature]) -> ChangeReport {
    let (all_before, all_after) = (polygons(before), polygons(after));
    let forest = |all: &[(usize, MultiPolygon<f64>)], fs: &[Feature]| {
        all.iter()
            .filter(|(i, _)| is_forest_land(land_class(&fs[*i])))
            .cloned()
            .collect::<Vec<_>>()
    };
    let forest_before = OverlapIndex::new(forest(&all_before, before));
    let forest_after = OverlapIndex::new(forest(&all_after, after));
    let any_before = OverlapIndex::new(all_before.clone());
    let any_after = OverlapIndex::new(all_after.clone());
    // The feature of the other year that overlaps `g` most.
    let most = |index: &OverlapIndex<usize>, g: &Geometry<f64>| {
        index
            .overlaps(g)
            .into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| *i)
    };
    let mut report = ChangeReport {
        gained_m2: 0.0,
        lost_m2: 0.0,
        changes: Vec::new(),
    };
    for (gain, own, features, other_forest) in [
        (true, &all_after, after, &forest_before),
        (false, &all_before, before, &forest_after),
    ] {
        for (i, mp) in own {
            let f = &features[*i];
            if !is_forest_land(land_class(f)) {
                continue;
            }
            let g = Geometry::MultiPolygon(mp.clone());
            let still: f64 = other_forest.overlaps(&g).iter().map(|(_, m2)| m2).sum();
            let changed = (f.area_m2 - still).max(0.0);
            // Below a square metre is the noise of two surveys' shared edges.
            if changed < 1.0 {
                continue;
            }
            let (earlier, later) = if gain {
                (most(&any_before, &g).map(|j| &before[j]), Some(f))
            } else {
                (Some(f), most(&any_after, &g).map(|j| &after[j]))
            };
            if gain {
                report.gained_m2 += changed;
            } else {
                report.lost_m2 += changed;
            }
            report.changes.push(ForestChange {
                feature: f.id,
                year: f.year,
                gained_m2: if gain { changed } else { 0.0 },
                lost_m2: if gain { 0.0 } else { changed },
                land_class_before: earlier.and_then(land_class).map(str::to_owned),
                land_class_after: later.and_then(land_class).map(str::to_owned),
                reason: later.and_then(|l| text(l, "bg_yy")),
            });
        }
    }
    report
        .changes
        .sort_by(|a, b| (b.gained_m2 + b.lost_m2).total_cmp(&(a.gained_m2 + a.lost_m2)));
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use linzhang_geo::geo::{Point, polygon};
    use serde_json::json;

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size), (x: x, y: y)
        ]])
    }

    fn feature(year: i32, mp: &MultiPolygon<f64>, props: &serde_json::Value) -> Feature {
        Feature {
            id: linzhang_domain::ids::new_id(),
            layer: "subcompartment".into(),
            year,
            geometry: linzhang_geo::to_wkb(mp),
            area_m2: linzhang_geo::geodesic_area_m2(mp),
            volume_m3: 100.0,
            properties: props.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn a_region_counts_the_parts_inside_it() {
        let spec = linzhang_domain::layer::layer("subcompartment").expect("layer");
        let a = feature(2025, &square(120.0, 31.0, 0.01), &json!({"di_lei": "0111"}));
        let b = feature(
            2025,
            &square(120.02, 31.0, 0.01),
            &json!({"di_lei": "0113"}),
        );
        let region = square(120.005, 31.0, 0.01); // half of a, none of b
        let o = overlay(spec, &region, &[a.clone(), b]);
        assert_eq!(o.parts.len(), 1);
        let total = o
            .stats
            .iter()
            .find(|r| r.dimension.is_empty())
            .expect("total");
        assert!((total.area_m2 / a.area_m2 - 0.5).abs() < 1e-3, "{total:?}");
        assert!((total.volume_m3 - 50.0).abs() < 0.1);
    }

    #[test]
    fn buffers_are_in_metres() {
        let p = Geometry::Point(Point::new(120.3, 31.5));
        let b = buffer_m(&p, 1000.0);
        let area = linzhang_geo::geodesic_area_m2(&b);
        let circle = std::f64::consts::PI * 1_000_000.0;
        assert!((area / circle - 1.0).abs() < 0.01, "{area} vs {circle}");
    }

    #[test]
    fn forest_gained_and_lost_between_years() {
        let kept = square(120.0, 31.0, 0.01);
        let felled = square(120.02, 31.0, 0.01);
        let planted = square(120.04, 31.0, 0.01);
        let before = vec![
            feature(2024, &kept, &json!({"di_lei": "0111"})),
            feature(2024, &felled, &json!({"di_lei": "0111"})),
            feature(2024, &planted, &json!({"di_lei": "0171"})),
        ];
        let after = vec![
            feature(2025, &kept, &json!({"di_lei": "0111"})),
            feature(
                2025,
                &felled,
                &json!({"di_lei": "0252", "bg_yy": "建设占用"}),
            ),
            feature(2025, &planted, &json!({"di_lei": "0111", "bg_yy": "造林"})),
        ];
        // 0171 (宜林地) is forest land too: planting it changes the class, not forest land.
        let r = forest_change(&before, &after);
        assert_eq!(r.changes.len(), 1, "{r:?}");
        let c = &r.changes[0];
        assert_eq!(c.feature, before[1].id);
        assert_eq!(c.reason.as_deref(), Some("建设占用"));
        assert_eq!(
            (
                c.land_class_before.as_deref(),
                c.land_class_after.as_deref()
            ),
            (Some("0111"), Some("0252"))
        );
        assert!((r.lost_m2 - before[1].area_m2).abs() < 1.0);
        assert!(r.gained_m2.abs() < 1e-9);
        // The other way round, the building land is reforested.
        let r = forest_change(&after, &before);
        assert_eq!(r.changes[0].feature, before[1].id);
        assert!(r.gained_m2 > 0.0 && r.lost_m2.abs() < 1e-9);
    }
}
