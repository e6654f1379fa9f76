//! Imagery tiles of the real samples, checked against GDAL's own tools run at test time:
//! `gdalinfo -json` for the footprint, `gdalwarp` with the same parameters for the pixels.

use std::path::{Path, PathBuf};
use std::process::Command;

use gdal::Dataset;
use linzhang_geo::tile::{TileId, lonlat_to_mercator, tile_of};
use linzhang_raster::change::{Band, Bands};
use linzhang_raster::imagery::{
    ImageryError, Mode, Scene, build_overviews, compute_stretch, inspect, ndvi_colour, render_tile,
    resolve_roles,
};

const IMAGERY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imagery");

fn imagery(name: &str) -> PathBuf {
    Path::new(IMAGERY).join(name)
}

fn scene(path: &Path, bands: &str) -> Scene {
    let info = inspect(path).expect("inspect");
    Scene {
        path: path.to_owned(),
        bands: resolve_roles(path, &bands.parse().expect("band list")).expect("roles"),
        stretch: compute_stretch(path).expect("stretch"),
        bounds: info.bounds,
    }
}

/// Decoded RGBA pixels of a 256×256 PNG.
fn decode(png_bytes: &[u8]) -> Vec<u8> {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!((frame.width, frame.height), (256, 256));
    assert_eq!(frame.color_type, png::ColorType::Rgba);
    buf.truncate(frame.buffer_size());
    buf
}

/// The pixel of tile `t` holding `lon, lat`.
fn pixel_of(t: &TileId, lon: f64, lat: f64) -> (usize, usize) {
    let [x0, _, x1, y1] = t.bounds_mercator();
    let [x, y] = lonlat_to_mercator(lon, lat);
    let size = (x1 - x0) / 256.0;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "inside the tile"
    )]
    let p = (((x - x0) / size) as usize, ((y1 - y) / size) as usize);
    p
}

#[test]
fn inspect_matches_gdalinfo() {
    for name in ["S2_10m_blue_green_red_nir.tif", "rgbn.tif"] {
        let path = imagery(name);
        let info = inspect(&path).expect("inspect");
        let out = Command::new("gdalinfo")
            .arg("-json")
            .arg(&path)
            .output()
            .expect("gdalinfo (gdal-bin) runs");
        assert!(out.status.success());
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(
            [info.width as u64, info.height as u64],
            [
                json["size"][0].as_u64().expect("width"),
                json["size"][1].as_u64().expect("height")
            ]
        );
        assert_eq!(
            info.band_count,
            json["bands"].as_array().expect("bands").len()
        );
        let ring = json["wgs84Extent"]["coordinates"][0]
            .as_array()
            .expect("wgs84Extent");
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in ring {
            for k in 0..2 {
                let v = p[k].as_f64().expect("coordinate");
                lo[k] = lo[k].min(v);
                hi[k] = hi[k].max(v);
            }
        }
        let expected = [lo[0], lo[1], hi[0], hi[1]];
        for (a, b) in info.bounds.iter().zip(expected) {
            assert!(
                (a - b).abs() < 1e-5,
                "{name}: {:?} vs {expected:?}",
                info.bounds
            );
        }
        let gt: Vec<f64> = json["geoTransform"]
            .as_array()
            .expect("geoTransform")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect();
        assert_eq!(info.geo_transform.to_vec(), gt);
    }
    let s2 = inspect(&imagery("S2_10m_blue_green_red_nir.tif")).expect("inspect");
    assert_eq!(s2.epsg, Some(32719));
    assert_eq!(s2.crs(), "EPSG:32719");
    assert_eq!(s2.data_type, "UInt16");
    assert!((s2.resolution - 10.0).abs() < 1e-9);
    // Patagonia: west and south.
    assert!(s2.bounds[0] < -67.0 && s2.bounds[1] < -47.0);
    let rgbn = inspect(&imagery("rgbn.tif")).expect("inspect");
    assert_eq!((rgbn.epsg, rgbn.data_type.as_str()), (Some(32618), "Byte"));
}

#[test]
fn refuses_what_is_not_a_georeferenced_raster() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an image").expect("write");
    assert!(matches!(inspect(&text), Err(ImageryError::Open { .. })));
    // The 6-band composite carries no geotransform or coordinate system.
    assert!(matches!(
        inspect(&imagery("S2_composite_30m_6band.tif")),
        Err(ImageryError::NotGeoreferenced { .. })
    ));
}

#[test]
fn roles_are_guessed_or_given() {
    let s2 = imagery("S2_10m_blue_green_red_nir.tif");
    let roles = resolve_roles(&s2, &Bands::default()).expect("roles");
    assert_eq!(roles.to_string(), "blue=1,green=2,red=3,nir=4");
    let rgbn = resolve_roles(&imagery("rgbn.tif"), &Bands::default()).expect("roles");
    assert_eq!(rgbn.to_string(), "blue=3,green=2,red=1,nir=4");
    let given = resolve_roles(&s2, &"red=4,nir=3".parse().expect("list")).expect("roles");
    assert_eq!((given.red, given.nir), (Some(4), Some(3)));
}

#[test]
fn tile_over_the_scene_is_opaque_inside_and_transparent_outside() {
    let path = imagery("S2_10m_blue_green_red_nir.tif");
    let s = scene(&path, "");
    let [x0, y0, x1, y1] = s.bounds;
    let (lon, lat) = (f64::midpoint(x0, x1), f64::midpoint(y0, y1));
    let t = tile_of(lon, lat, 12);
    for mode in Mode::ALL {
        let png_bytes = render_tile(&s, mode, t.z, t.x, t.y)
            .expect("render")
            .expect("the tile meets the scene");
        let rgba = decode(&png_bytes);
        let alpha = |(px, py): (usize, usize)| rgba[(py * 256 + px) * 4 + 3];
        assert_eq!(alpha(pixel_of(&t, lon, lat)), 255, "{mode}: centre opaque");
        // Just outside each edge of the footprint.
        let dx = (x1 - x0) * 0.05;
        let dy = (y1 - y0) * 0.05;
        for (a, b) in [
            (x0 - dx, lat),
            (x1 + dx, lat),
            (lon, y0 - dy),
            (lon, y1 + dy),
        ] {
            let p = pixel_of(&t, a, b);
            if p.0 < 256 && p.1 < 256 {
                assert_eq!(alpha(p), 0, "{mode}: outside at {a},{b} transparent");
            }
        }
        // The opaque share of the tile is the footprint's share, within the edge pixels.
        let opaque = rgba.chunks_exact(4).filter(|p| p[3] == 255).count();
        let [mx0, my0] = lonlat_to_mercator(x0, y0);
        let [mx1, my1] = lonlat_to_mercator(x1, y1);
        let pixel = t.size_mercator() / 256.0;
        let expected = (mx1 - mx0) / pixel * (my1 - my0) / pixel;
        let rel = (f64::from(u32::try_from(opaque).expect("small")) - expected).abs() / expected;
        assert!(rel < 0.08, "{mode}: {opaque} opaque vs {expected:.0}");
    }
}

#[test]
fn far_away_tile_is_none() {
    let s = scene(&imagery("S2_10m_blue_green_red_nir.tif"), "");
    // Wuxi.
    let t = tile_of(120.3, 31.5, 12);
    assert!(
        render_tile(&s, Mode::True, t.z, t.x, t.y)
            .expect("render")
            .is_none()
    );
    assert!(matches!(render_tile(&s, Mode::True, 3, 6, 3), Ok(None)));
    assert!(matches!(
        render_tile(&s, Mode::True, 2, 9, 0),
        Err(ImageryError::BadTile(_))
    ));
}

#[test]
fn missing_role_is_a_clear_error() {
    // SWIR1 and SWIR2 only: no band can be guessed.
    let s = scene(&imagery("S2_20m_swir1_swir2.tif"), "");
    let t = tile_of(
        f64::midpoint(s.bounds[0], s.bounds[2]),
        f64::midpoint(s.bounds[1], s.bounds[3]),
        12,
    );
    let err = render_tile(&s, Mode::Ndvi, t.z, t.x, t.y).expect_err("no NIR");
    assert!(matches!(
        err,
        ImageryError::MissingRole {
            mode: Mode::Ndvi,
            band: Band::Nir
        }
    ));
    assert!(err.to_string().contains("nir"), "{err}");
    // Named, the same file draws (as a two-band false colour it still lacks green).
    let named = scene(&imagery("S2_20m_swir1_swir2.tif"), "nir=1,red=2");
    assert!(
        render_tile(&named, Mode::Ndvi, t.z, t.x, t.y)
            .expect("render")
            .is_some()
    );
    assert!(matches!(
        render_tile(&named, Mode::False, t.z, t.x, t.y),
        Err(ImageryError::MissingRole {
            band: Band::Green,
            ..
        })
    ));
}

/// The NDVI tile against `gdalwarp` of the same window (bilinear, exact transformation) and
/// NDVI computed here from its output: same colour within rounding wherever both are valid.
#[test]
fn ndvi_tile_matches_gdalwarp() {
    let path = imagery("S2_10m_blue_green_red_nir.tif");
    let s = scene(&path, "");
    let t = tile_of(
        f64::midpoint(s.bounds[0], s.bounds[2]),
        f64::midpoint(s.bounds[1], s.bounds[3]),
        14,
    );
    let rgba = decode(
        &render_tile(&s, Mode::Ndvi, t.z, t.x, t.y)
            .expect("render")
            .expect("tile"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let warped = dir.path().join("warped.tif");
    let [west, south, east, north] = t.bounds_mercator();
    let status = Command::new("gdalwarp")
        .args(["-q", "-t_srs", "EPSG:3857", "-r", "bilinear", "-et", "0"])
        .args(["-ot", "Float32", "-dstnodata", "nan", "-ts", "256", "256"])
        .arg("-te")
        .args([west, south, east, north].map(|v| format!("{v:.6}")))
        .arg(&path)
        .arg(&warped)
        .status()
        .expect("gdalwarp (gdal-bin) runs");
    assert!(status.success());
    let ds = Dataset::open(&warped).expect("warped opens");
    let band_values = |n: usize| {
        ds.rasterband(n)
            .expect("band")
            .read_band_as::<f32>()
            .expect("read")
            .into_shape_and_vec()
            .1
    };
    let (red, nir) = (band_values(3), band_values(4));
    let (mut compared, mut off) = (0, 0);
    for i in 0..256 * 256 {
        let ndvi = (nir[i] - red[i]) / (nir[i] + red[i]);
        let want = ndvi_colour(ndvi);
        let got = &rgba[i * 4..i * 4 + 4];
        if want[3] == 0 || got[3] == 0 {
            // Edge pixels may differ in validity by one pixel; they are few (checked below).
            off += usize::from(want[3] != got[3]);
            continue;
        }
        compared += 1;
        let worst = (0..3).map(|k| want[k].abs_diff(got[k])).max().unwrap_or(0);
        assert!(worst <= 2, "pixel {i}: {got:?} vs gdalwarp {want:?}");
    }
    assert!(compared > 10_000, "{compared} pixels compared");
    assert!(off * 100 < compared, "{off} pixels differ in validity");
}

#[test]
fn overviews_are_built_and_serve_zoomed_out_tiles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("rgbn.tif");
    std::fs::copy(imagery("rgbn.tif"), &copy).expect("copy");
    assert_eq!(inspect(&copy).expect("inspect").overviews, 0);
    let levels = build_overviews(&copy).expect("overviews");
    assert!(levels >= 1);
    assert_eq!(inspect(&copy).expect("inspect").overviews, levels);
    assert_eq!(build_overviews(&copy).expect("again"), 0, "built once");
    let s = scene(&copy, "");
    let (lon, lat) = (
        f64::midpoint(s.bounds[0], s.bounds[2]),
        f64::midpoint(s.bounds[1], s.bounds[3]),
    );
    // At zoom 11 a tile pixel is ~70 m: the overview (10 m) is read, not the 5 m scene.
    let t = tile_of(lon, lat, 11);
    let rgba = decode(
        &render_tile(&s, Mode::True, t.z, t.x, t.y)
            .expect("render")
            .expect("tile"),
    );
    let (px, py) = pixel_of(&t, lon, lat);
    assert_eq!(rgba[(py * 256 + px) * 4 + 3], 255);
}
