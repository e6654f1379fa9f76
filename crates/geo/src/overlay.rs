//! Which polygons of a set a geometry overlaps, and by how much (空间关联): how every imported
//! feature is joined to its grids and responsibility areas.
//!
//! Candidates come from an R-tree of bounding boxes; the overlap is the exact intersection
//! (geo's `BooleanOps`) measured on the ellipsoid.

use geo::{BooleanOps, BoundingRect, Contains, Geometry, Intersects, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::measure::geodesic_area_m2;

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A set of keyed polygons to overlay features on.
#[derive(Debug)]
pub struct OverlapIndex<K> {
    items: Vec<(K, MultiPolygon<f64>)>,
    tree: RTree<Entry>,
}

impl<K> OverlapIndex<K> {
    /// Indexes the polygons; empty ones are left out.
    pub fn new(items: Vec<(K, MultiPolygon<f64>)>) -> Self {
        let entries = items
            .iter()
            .enumerate()
            .filter_map(|(i, (_, mp))| {
                let r = mp.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        Self {
            items,
            tree: RTree::bulk_load(entries),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The polygons `g` overlaps, with the overlap in m². Polygons count where the
    /// intersection has area; points and lines count (with zero area) where they touch.
    pub fn overlaps(&self, g: &Geometry<f64>) -> Vec<(&K, f64)> {
        let Some(r) = g.bounding_rect() else {
            return Vec::new();
        };
        let polygonal = match g {
            Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
            Geometry::MultiPolygon(mp) => Some(mp.clone()),
            Geometry::Rect(r) => Some(MultiPolygon(vec![r.to_polygon()])),
            _ => None,
        };
        self.candidates(r)
            .filter_map(|i| {
                let (key, region) = &self.items[i];
                let overlap = match &polygonal {
                    Some(mp) if region.contains(mp) => geodesic_area_m2(mp),
                    Some(mp) => geodesic_area_m2(&region.intersection(mp)),
                    None => {
                        return region.intersects(g).then_some((key, 0.0));
                    }
                };
                (overlap > 0.0).then_some((key, overlap))
            })
            .collect()
    }

    /// The polygons whose bounding box meets `r`.
    fn candidates(&self, r: Rect<f64>) -> impl Iterator<Item = usize> + '_ {
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        self.tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Point, polygon};

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size), (x: x, y: y)
        ]])
    }

    #[test]
    fn a_feature_across_two_cells_is_split_by_area() {
        let index = OverlapIndex::new(vec![
            ("west", square(120.0, 31.0, 0.01)),
            ("east", square(120.01, 31.0, 0.01)),
            ("far", square(121.0, 31.0, 0.01)),
        ]);
        let feature = Geometry::MultiPolygon(square(120.005, 31.0, 0.01));
        let whole = geodesic_area_m2(&square(120.005, 31.0, 0.01));
        let mut found = index.overlaps(&feature);
        found.sort_by(|a, b| a.0.cmp(b.0));
        assert_eq!(found.len(), 2);
        let sum: f64 = found.iter().map(|(_, a)| a).sum();
        assert!((sum - whole).abs() / whole < 1e-6, "{sum} vs {whole}");
        assert!(
            (found[0].1 - found[1].1).abs() / whole < 1e-3,
            "halves: {found:?}"
        );

        let inside = Geometry::Point(Point::new(120.015, 31.005));
        assert_eq!(index.overlaps(&inside), vec![(&"east", 0.0)]);
        let outside = Geometry::Point(Point::new(122.0, 31.0));
        assert!(index.overlaps(&outside).is_empty());
    }
}
