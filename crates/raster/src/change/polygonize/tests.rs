use geo::{Area, MultiPolygon, Validation};

use super::*;

const PIXELS: [f64; 6] = [0.0, 1.0, 0.0, 0.0, 0.0, 1.0];

fn grid(rows: &[&str]) -> (Vec<u8>, usize, usize) {
    let width = rows[0].len();
    let mask = rows
        .iter()
        .flat_map(|r| r.bytes().map(|b| u8::from(b == b'#')))
        .collect();
    (mask, width, rows.len())
}

fn areas(polygons: &[MultiPolygon<f64>]) -> Vec<f64> {
    polygons.iter().map(Area::unsigned_area).collect()
}

#[test]
fn one_pixel_is_a_unit_square() {
    let (mask, w, h) = grid(&["...", ".#.", "..."]);
    let polygons = polygonize(&mask, w, h, &PIXELS, Connectivity::Four);
    assert_eq!(polygons.len(), 1);
    let ring: Vec<(f64, f64)> = polygons[0].0[0]
        .exterior()
        .coords()
        .map(|c| (c.x, c.y))
        .collect();
    assert_eq!(ring.len(), 5, "four corners, closed: {ring:?}");
    assert_eq!(areas(&polygons), [1.0]);
}

#[test]
fn corner_touching_pixels_join_only_with_eight_connectivity() {
    let (mask, w, h) = grid(&["#.", ".#"]);
    let four = polygonize(&mask, w, h, &PIXELS, Connectivity::Four);
    assert_eq!(areas(&four), [1.0, 1.0]);
    let eight = polygonize(&mask, w, h, &PIXELS, Connectivity::Eight);
    assert_eq!(eight.len(), 1);
    assert_eq!(eight[0].0.len(), 2, "two squares meeting at a corner");
    assert!(eight[0].is_valid());
}

#[test]
fn an_enclosed_pixel_is_a_hole() {
    let (mask, w, h) = grid(&["###", "#.#", "###"]);
    let polygons = polygonize(&mask, w, h, &PIXELS, Connectivity::Four);
    assert_eq!(polygons.len(), 1);
    assert_eq!(polygons[0].0[0].interiors().len(), 1);
    assert_eq!(areas(&polygons), [8.0]);
    assert!(polygons[0].is_valid());
}

#[test]
fn a_hole_open_at_a_corner_touches_the_shell() {
    // The empty pixels inside meet the outside only at the corner (3, 2): the outline passes
    // that vertex twice and is split into a shell and a hole touching it there.
    let (mask, w, h) = grid(&["####", "#..#", "#.#.", "###."]);
    let polygons = polygonize(&mask, w, h, &PIXELS, Connectivity::Four);
    assert_eq!(polygons.len(), 1);
    assert_eq!(polygons[0].0.len(), 1);
    assert_eq!(polygons[0].0[0].interiors().len(), 1);
    assert_eq!(areas(&polygons), [11.0]);
    assert!(
        polygons[0].is_valid(),
        "{:?}",
        polygons[0].validation_errors()
    );
}

#[test]
fn geotransform_is_applied_and_rings_are_oriented() {
    let (mask, w, h) = grid(&["##", "#."]);
    // 10 m pixels, north up, origin (500 000, 3 500 000).
    let t = [500_000.0, 10.0, 0.0, 3_500_000.0, 0.0, -10.0];
    let polygons = polygonize(&mask, w, h, &t, Connectivity::Four);
    assert_eq!(areas(&polygons), [300.0]);
    let signed = polygons[0].0[0].signed_area();
    assert!(signed > 0.0, "exterior counter-clockwise: {signed}");
    let min_y = polygons[0].0[0]
        .exterior()
        .coords()
        .map(|c| c.y)
        .fold(f64::INFINITY, f64::min);
    assert!((min_y - 3_499_980.0).abs() < 1e-9);
}

/// A small deterministic generator (xorshift64*), so that the tests need no dependency.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Connected components by flood fill, independently of the run-based labelling: the pixel
/// count of each, in the order of their first pixel.
fn flood_counts(mask: &[u8], width: usize, height: usize, eight: bool) -> Vec<usize> {
    let mut seen = vec![false; mask.len()];
    let mut counts = Vec::new();
    for start in 0..mask.len() {
        if mask[start] == 0 || seen[start] {
            continue;
        }
        let mut stack = vec![start];
        seen[start] = true;
        let mut count = 0;
        while let Some(p) = stack.pop() {
            count += 1;
            let (col, row) = (p % width, p / width);
            for nrow in row.saturating_sub(1)..=(row + 1).min(height - 1) {
                for ncol in col.saturating_sub(1)..=(col + 1).min(width - 1) {
                    let diagonal = nrow != row && ncol != col;
                    let q = nrow * width + ncol;
                    if q != p && (eight || !diagonal) && mask[q] != 0 && !seen[q] {
                        seen[q] = true;
                        stack.push(q);
                    }
                }
            }
        }
        counts.push(count);
    }
    counts
}

#[test]
fn random_masks_give_valid_polygons_with_the_pixel_areas() {
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let (w, h) = (37, 29);
    for round in 0..60 {
        // Densities from sparse speckle to nearly full, the hardest for corner cases.
        let density = 20 + (round % 6) * 12;
        let mask: Vec<u8> = (0..w * h)
            .map(|_| u8::from(noise.next() % 100 < density))
            .collect();
        for (connectivity, eight) in [(Connectivity::Four, false), (Connectivity::Eight, true)] {
            let polygons = polygonize(&mask, w, h, &PIXELS, connectivity);
            let expected = flood_counts(&mask, w, h, eight);
            let expected: Vec<f64> = expected
                .iter()
                .map(|&n| f64::from(u32::try_from(n).expect("small")))
                .collect();
            assert_eq!(areas(&polygons), expected, "round {round} {connectivity:?}");
            for mp in &polygons {
                assert!(
                    mp.is_valid(),
                    "round {round} {connectivity:?}: {:?}",
                    mp.validation_errors()
                );
                if !eight {
                    assert_eq!(mp.0.len(), 1, "a 4-connected region is one polygon");
                }
            }
        }
    }
}
