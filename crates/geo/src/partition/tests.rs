use super::*;
use crate::geojson_io::read_feature_collection;
use crate::measure::geodesic_area_m2;
use crate::validate::validate;
use crate::wkb_io::{from_wkb, to_wkb};
use geo::{Contains, polygon};

const DISTRICTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/wuxi/wuxi_districts.geojson"
);

fn districts() -> Vec<(String, MultiPolygon<f64>)> {
    let text = std::fs::read_to_string(DISTRICTS).expect("shared Wuxi districts are present");
    read_feature_collection(&text)
        .expect("valid districts")
        .into_iter()
        .map(|(props, mp)| (props["name"].as_str().unwrap_or_default().to_owned(), mp))
        .collect()
}

fn unit_square() -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: 120.0, y: 31.0),
        (x: 120.1, y: 31.0),
        (x: 120.1, y: 31.1),
        (x: 120.0, y: 31.1),
        (x: 120.0, y: 31.0),
    ]])
}

/// Cells cover the region: their planar areas (square degrees) add up and
/// they do not overlap. Planar, because subdividing a long straight edge
/// changes its geodesic area (a geodesic is not a parallel).
fn assert_covers(region: &MultiPolygon<f64>, cells: &[MultiPolygon<f64>]) {
    let total = region.unsigned_area();
    let sum: f64 = cells.iter().map(Area::unsigned_area).sum();
    assert!((sum - total).abs() / total < 1e-7, "{sum} vs {total}");
    for (i, a) in cells.iter().enumerate() {
        for b in &cells[i + 1..] {
            assert!(a.intersection(b).unsigned_area() < 1e-9 * total);
        }
    }
}

#[test]
fn wuxi_districts_partition_into_13_cells() {
    let all = districts();
    assert_eq!(all.len(), 7);
    for (name, district) in &all {
        let total = geodesic_area_m2(district);
        let cells = voronoi_partition(district, 13, 2024);
        assert_eq!(cells.len(), 13, "{name}");
        let mut sum = 0.0;
        for (i, cell) in cells.iter().enumerate() {
            assert!(!cell.0.is_empty(), "{name} cell {i} is empty");
            assert_eq!(validate(cell), Ok(()), "{name} cell {i}");
            // Cells survive storage as WKB unchanged (from_wkb re-validates).
            assert_eq!(
                from_wkb(&to_wkb(cell)).as_ref(),
                Ok(cell),
                "{name} cell {i}"
            );
            let area = geodesic_area_m2(cell);
            assert!(area > 0.0, "{name} cell {i} has no area");
            sum += area;
        }
        assert!(
            (sum - total).abs() / total < 1e-3,
            "{name}: cells cover {sum} m² of {total} m²"
        );
        for i in 0..cells.len() {
            for j in i + 1..cells.len() {
                let overlap = geodesic_area_m2(&cells[i].intersection(&cells[j]));
                assert!(
                    overlap < 1e-6 * total,
                    "{name}: cells {i} and {j} overlap by {overlap} m²"
                );
            }
        }
        // Cells come in site order: cell i holds site i.
        let sites = sample_points_inside(district, 13, 2024);
        for (i, (site, cell)) in sites.iter().zip(&cells).enumerate() {
            assert!(cell.contains(site), "{name}: cell {i} lacks its site");
        }
    }
}

#[test]
fn same_seed_same_cells_different_seed_different_cells() {
    let (_, district) = districts().swap_remove(5);
    let a = voronoi_partition(&district, 13, 7);
    let b = voronoi_partition(&district, 13, 7);
    let c = voronoi_partition(&district, 13, 8);
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(c.len(), 13);
}

#[test]
fn cells_are_reasonably_balanced() {
    // Well-spread sites: no cell is a sliver of the district.
    let (name, district) = districts().swap_remove(0);
    let total = geodesic_area_m2(&district);
    let cells = voronoi_partition(&district, 13, 99);
    let smallest = cells
        .iter()
        .map(geodesic_area_m2)
        .fold(f64::INFINITY, f64::min);
    assert!(
        smallest > total / 13.0 / 20.0,
        "{name}: smallest cell {smallest} of {total}"
    );
}

#[test]
fn one_cell_is_the_whole_region() {
    let region = unit_square();
    let cells = voronoi_partition(&region, 1, 1);
    assert_eq!(cells.len(), 1);
    // The boolean overlay snaps to a fine grid (~1e-10 degrees here).
    let (a, b) = (cells[0].unsigned_area(), region.unsigned_area());
    assert!((a - b).abs() / b < 1e-7, "{a} vs {b}: {:?}", cells[0]);
}

#[test]
fn degenerate_requests_give_no_cells() {
    assert!(voronoi_partition(&unit_square(), 0, 1).is_empty());
    assert!(voronoi_partition(&MultiPolygon(vec![]), 5, 1).is_empty());
    assert!(sample_points_inside(&MultiPolygon(vec![]), 5, 1).is_empty());
    assert!(sample_points_inside(&unit_square(), 0, 1).is_empty());
}

#[test]
fn multipolygon_with_a_tiny_island() {
    let mut region = unit_square();
    region.0.push(polygon![
        (x: 120.5, y: 31.5),
        (x: 120.5001, y: 31.5),
        (x: 120.5001, y: 31.5001),
        (x: 120.5, y: 31.5001),
        (x: 120.5, y: 31.5),
    ]);
    let cells = voronoi_partition(&region, 10, 3);
    assert_eq!(cells.len(), 10);
    assert!(
        cells
            .iter()
            .all(|c| validate(c).is_ok() && geodesic_area_m2(c) > 0.0)
    );
    assert_covers(&region, &cells);
}

#[test]
fn concave_region_cells_cover_it() {
    // A U shape: some cells are split in two by the gap.
    let region = MultiPolygon(vec![polygon![
        (x: 120.0, y: 31.0),
        (x: 120.3, y: 31.0),
        (x: 120.3, y: 31.3),
        (x: 120.2, y: 31.3),
        (x: 120.2, y: 31.1),
        (x: 120.1, y: 31.1),
        (x: 120.1, y: 31.3),
        (x: 120.0, y: 31.3),
        (x: 120.0, y: 31.0),
    ]]);
    let mut multipart = 0;
    for seed in 0..5 {
        let cells = voronoi_partition(&region, 7, seed);
        assert_eq!(cells.len(), 7);
        assert_covers(&region, &cells);
        assert!(cells.iter().all(|c| validate(c).is_ok()), "seed {seed}");
        multipart += cells.iter().filter(|c| c.0.len() > 1).count();
    }
    // Not required, but these seeds do split some cell across the gap.
    assert!(multipart > 0);
}

#[test]
fn sampled_points_are_inside_spread_and_deterministic() {
    let (_, district) = districts().swap_remove(1);
    let points = sample_points_inside(&district, 40, 5);
    assert_eq!(points.len(), 40);
    assert!(points.iter().all(|p| district.contains(p)));
    assert_eq!(points, sample_points_inside(&district, 40, 5));
    assert_ne!(points, sample_points_inside(&district, 40, 6));
    for (i, a) in points.iter().enumerate() {
        for b in &points[i + 1..] {
            assert!(a != b, "points must be distinct");
        }
    }
}

#[test]
fn many_points_in_a_small_region_still_arrive() {
    // Far more points than fit at the initial spacing: the rules relax.
    let points = sample_points_inside(&unit_square(), 500, 11);
    assert_eq!(points.len(), 500);
    assert!(points.iter().all(|p| unit_square().contains(p)));
}

#[test]
fn clip_keeps_the_non_positive_side() {
    let square = [
        Coord { x: 0.0, y: 0.0 },
        Coord { x: 2.0, y: 0.0 },
        Coord { x: 2.0, y: 2.0 },
        Coord { x: 0.0, y: 2.0 },
    ];
    let left = clip_half_plane(&square, |p| p.x - 0.5);
    let poly = Polygon::new(LineString::new(left), vec![]);
    assert!((poly.unsigned_area() - 1.0).abs() < 1e-12);
    assert!(clip_half_plane(&square, |p| p.x + 1.0).is_empty());
    assert_eq!(clip_half_plane(&square, |p| p.x - 5.0).len(), 4);
}
