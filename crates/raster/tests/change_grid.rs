//! Change detection between scenes on different grids: a 10 m before scene and a 20 m after
//! scene (another resolution), and a 20 m after scene in another UTM zone (another coordinate
//! system). Both are built from the real Sentinel-2 samples: the 10 m blue-green-red-NIR bands
//! and the 20 m SWIR1/SWIR2 bands of the same place.

use std::path::{Path, PathBuf};
use std::process::Command;

use gdal::raster::{Buffer, RasterCreationOptions, ResampleAlg};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::{Dataset, DriverManager};
use geo::{BooleanOps, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use linzhang_raster::change::{Cause, DetectOptions, Patch, detect};

const IMAGERY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imagery");

struct Scene {
    bands: Vec<Vec<u16>>,
    width: usize,
    height: usize,
    transform: [f64; 6],
    wkt: String,
}

/// Band `n` of `name`, its (0, 0, `window`) part read onto `size` pixels with `resample`.
fn read(
    name: &str,
    n: usize,
    window: (usize, usize),
    size: (usize, usize),
    resample: ResampleAlg,
) -> Vec<u16> {
    let dataset = Dataset::open(Path::new(IMAGERY).join(name)).expect("sample opens");
    let band = dataset.rasterband(n).expect("band");
    band.read_as::<u16>((0, 0), window, size, Some(resample))
        .expect("readable")
        .into_shape_and_vec()
        .1
}

/// Blue, green, red, NIR, SWIR1, SWIR2 of the 3 km × 2 km the samples share, on a grid of
/// `pixel` metres (10 or 20). At 10 m the SWIR bands are 20 m pixels repeated; at 20 m the
/// visible and NIR bands are averages of 2 × 2 pixels.
fn stack(pixel: usize) -> Scene {
    let size = (3000 / pixel, 2000 / pixel);
    let ten = "S2_10m_blue_green_red_nir.tif";
    let twenty = "S2_20m_swir1_swir2.tif";
    let mut bands: Vec<Vec<u16>> = (1..=4)
        .map(|n| read(ten, n, (300, 200), size, ResampleAlg::Average))
        .collect();
    for n in 1..=2 {
        bands.push(read(
            twenty,
            n,
            (150, 100),
            size,
            ResampleAlg::NearestNeighbour,
        ));
    }
    let dataset = Dataset::open(Path::new(IMAGERY).join(ten)).expect("sample opens");
    #[expect(clippy::cast_precision_loss, reason = "10 or 20")]
    let p = pixel as f64;
    Scene {
        bands,
        width: size.0,
        height: size.1,
        transform: [600_000.0, p, 0.0, 4_700_020.0, 0.0, -p],
        wkt: dataset.projection(),
    }
}

fn write(scene: &Scene, path: &Path) {
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GTiff driver");
    let mut dataset = driver
        .create_with_band_type_with_options::<u16, _>(
            path,
            scene.width,
            scene.height,
            scene.bands.len(),
            &RasterCreationOptions::new(),
        )
        .expect("scene created");
    dataset
        .set_geo_transform(&scene.transform)
        .expect("geotransform");
    dataset.set_projection(&scene.wkt).expect("projection");
    for (i, values) in scene.bands.iter().enumerate() {
        let mut band = dataset.rasterband(i + 1).expect("band");
        let mut buffer = Buffer::new((scene.width, scene.height), values.clone());
        band.write((0, 0), (scene.width, scene.height), &mut buffer)
            .expect("band written");
    }
}

fn pixel_polygon(corners: &[(f64, f64)]) -> Polygon<f64> {
    let mut ring: Vec<Coord<f64>> = corners.iter().map(|&(x, y)| Coord { x, y }).collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// Multiplies the bands of the pixels whose centre is inside `polygon` by `factors`.
#[expect(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "pixel indices far below 2^52; values clamped to the UInt16 range"
)]
fn alter(scene: &mut Scene, polygon: &Polygon<f64>, factors: &[f64; 6]) {
    for i in 0..scene.width * scene.height {
        let (x, y) = (
            (i % scene.width) as f64 + 0.5,
            (i / scene.width) as f64 + 0.5,
        );
        if polygon.contains(&Point::new(x, y)) {
            for (band, factor) in scene.bands.iter_mut().zip(factors) {
                band[i] = (f64::from(band[i]) * factor).round().clamp(0.0, 65_535.0) as u16;
            }
        }
    }
}

/// `polygon` (pixel coordinates of `scene`) in CGCS2000 longitude/latitude.
fn lonlat(scene: &Scene, polygon: &Polygon<f64>) -> MultiPolygon<f64> {
    let mut source = SpatialRef::from_wkt(&scene.wkt).expect("scene CRS");
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(4490).expect("EPSG:4490");
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let transform = CoordTransform::new(&source, &target).expect("transformation");
    let t = scene.transform;
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = polygon
        .exterior()
        .coords()
        .map(|c| {
            (
                t[0] + c.x * t[1] + c.y * t[2],
                t[3] + c.x * t[4] + c.y * t[5],
            )
        })
        .unzip();
    transform
        .transform_coords(&mut xs, &mut ys, &mut [])
        .expect("transformed");
    let ring: LineString<f64> = xs
        .into_iter()
        .zip(ys)
        .map(|(x, y)| Coord { x, y })
        .collect();
    linzhang_geo::orient(&MultiPolygon(vec![Polygon::new(ring, vec![])]))
}

fn best_iou<'a>(patches: &'a [Patch], expected: &MultiPolygon<f64>) -> (&'a Patch, f64) {
    patches
        .iter()
        .map(|p| {
            let inter = linzhang_geo::geodesic_area_m2(&p.geometry.intersection(expected));
            let union = linzhang_geo::geodesic_area_m2(&p.geometry.union(expected));
            (p, inter / union)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("some patch")
}

struct Pair {
    dir: tempfile::TempDir,
    before: PathBuf,
    after: PathBuf,
    after_scene: Scene,
    burn: Polygon<f64>,
    clearing: Polygon<f64>,
}

/// 10 m before; 20 m after with a burn (a rectangle) and a clearing (with slanted edges), in
/// 20 m pixel coordinates.
fn pair() -> Pair {
    let before = stack(10);
    let mut after = stack(20);
    let burn = pixel_polygon(&[(40.0, 30.0), (60.0, 30.0), (60.0, 45.0), (40.0, 45.0)]);
    let clearing = pixel_polygon(&[(90.0, 50.0), (110.0, 55.0), (105.0, 75.0), (88.0, 70.0)]);
    alter(&mut after, &burn, &[0.9, 0.9, 1.0, 0.35, 1.2, 2.2]);
    alter(&mut after, &clearing, &[1.3, 1.2, 2.0, 0.6, 1.3, 1.5]);
    let dir = tempfile::tempdir().expect("temporary directory");
    let (b, a) = (
        dir.path().join("before_10m.tif"),
        dir.path().join("after_20m.tif"),
    );
    write(&before, &b);
    write(&after, &a);
    Pair {
        dir,
        before: b,
        after: a,
        after_scene: after,
        burn,
        clearing,
    }
}

fn check(pair: &Pair, after: &Path, min_iou: f64) {
    let opts = DetectOptions {
        work_dir: Some(pair.dir.path().to_owned()),
        ..DetectOptions::default()
    };
    let patches = detect(&pair.before, after, &opts).expect("detection runs");
    let areas: Vec<f64> = patches.iter().map(|p| p.area_m2).collect();
    assert_eq!(
        patches.len(),
        2,
        "the burn and the clearing only: {areas:?}"
    );
    let (burn, overlap) = best_iou(&patches, &lonlat(&pair.after_scene, &pair.burn));
    assert!(overlap >= min_iou, "burn IoU {overlap}");
    assert_eq!(burn.cause, Cause::Fire);
    let (clearing, overlap) = best_iou(&patches, &lonlat(&pair.after_scene, &pair.clearing));
    assert!(overlap >= min_iou, "clearing IoU {overlap}");
    assert_ne!(clearing.cause, Cause::Fire);
    // The warped copy of the after scene is gone.
    let left: Vec<_> = std::fs::read_dir(pair.dir.path())
        .expect("listable")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("linzhang-warp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_20m_after_scene_is_brought_onto_the_10m_grid() {
    let pair = pair();
    check(&pair, &pair.after.clone(), 0.9);
}

#[test]
fn an_after_scene_in_another_utm_zone_is_brought_onto_the_grid() {
    let pair = pair();
    // The after scene in UTM zone 20S (EPSG:32720) instead of 19S, nearest neighbour so that
    // the altered values stay as they are.
    let moved = pair.dir.path().join("after_utm20.tif");
    let status = Command::new("gdalwarp")
        .args([
            "-q",
            "-t_srs",
            "EPSG:32720",
            "-tr",
            "20",
            "20",
            "-r",
            "near",
        ])
        .arg(&pair.after)
        .arg(&moved)
        .status()
        .expect("gdalwarp (gdal-bin) runs");
    assert!(status.success(), "gdalwarp failed");
    // Two resamplings (nearest onto the rotated grid, bilinear back) blur the edges a little:
    // IoU was 0.95 and 0.94 when this was written.
    check(&pair, &moved, 0.9);
}
