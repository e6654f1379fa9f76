//! Tiles decoded by GDAL's MVT driver (an independent decoder): a tile written as
//! `{dir}/{z}/{x}/{y}.pbf` is georeferenced by GDAL in EPSG:3857 from its path.

use std::path::{Path, PathBuf};

use gdal::vector::{Geometry as GdalGeometry, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::{Area, Geometry, LineString, MapCoords, Point, Polygon};
use linzhang_geo::tile::{
    TileFeature, TileId, TileLayer, TileOptions, encode_tile, lonlat_to_mercator,
    mercator_to_lonlat, tile_of,
};
use serde_json::{Map, Value, json};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lz-tile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes the tile where GDAL's MVT driver recognises `{z}/{x}/{y}.pbf`.
fn write_tile(dir: &Path, tile: TileId, bytes: &[u8]) -> PathBuf {
    let folder = dir.join(tile.z.to_string()).join(tile.x.to_string());
    std::fs::create_dir_all(&folder).expect("tile folder");
    let path = folder.join(format!("{}.pbf", tile.y));
    std::fs::write(&path, bytes).expect("write tile");
    path
}

/// Opens a single tile with GDAL; `clip` is the driver's `CLIP` open option (clip what it
/// reads to the tile itself, dropping the buffer; GDAL's default is to clip).
fn open(path: &Path, clip: bool) -> Dataset {
    let options = [if clip { "CLIP=YES" } else { "CLIP=NO" }];
    Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(&["MVT"]),
            open_options: Some(&options),
            ..DatasetOptions::default()
        },
    )
    .expect("GDAL opens the tile")
}

/// A position given in tile fractions (x right, y down; 0..1 is the tile) → lon/lat.
fn at(tile: TileId, fx: f64, fy: f64) -> (f64, f64) {
    let [x0, _, _, y1] = tile.bounds_mercator();
    let size = tile.size_mercator();
    let [lon, lat] = mercator_to_lonlat(x0 + fx * size, y1 - fy * size);
    (lon, lat)
}

fn rect(tile: TileId, fx0: f64, fy0: f64, fx1: f64, fy1: f64) -> LineString<f64> {
    LineString::from(vec![
        at(tile, fx0, fy0),
        at(tile, fx1, fy0),
        at(tile, fx1, fy1),
        at(tile, fx0, fy1),
        at(tile, fx0, fy0),
    ])
}

/// Area in EPSG:3857 square metres (what GDAL measures on the decoded tile).
fn mercator_area(g: &Geometry<f64>) -> f64 {
    g.map_coords(|c| {
        let [x, y] = lonlat_to_mercator(c.x, c.y);
        geo::Coord { x, y }
    })
    .unsigned_area()
}

struct Decoded {
    /// GDAL puts the MVT feature id in an `mvt_id` field (the OGR FID is a counter).
    mvt_id: Option<i64>,
    name: String,
    count: Option<i64>,
    ratio: Option<f64>,
    geometry: GdalGeometry,
}

fn read_layer(ds: &Dataset, name: &str) -> Vec<Decoded> {
    let mut layer = ds.layer_by_name(name).expect("layer");
    let srs = layer.spatial_ref().expect("a CRS");
    assert_eq!(srs.auth_code().expect("EPSG code"), 3857);
    layer
        .features()
        .map(|f| {
            let field = |n: &str| f.field_index(n).ok();
            Decoded {
                mvt_id: field("mvt_id").and_then(|i| f.field_as_integer64(i).expect("int")),
                name: field("name")
                    .and_then(|i| f.field_as_string(i).expect("string"))
                    .unwrap_or_default(),
                count: field("count").and_then(|i| f.field_as_integer64(i).expect("int")),
                ratio: field("ratio").and_then(|i| f.field_as_double(i).expect("real")),
                geometry: f.geometry().expect("a geometry").clone(),
            }
        })
        .collect()
}

fn props(v: &Value) -> &Map<String, Value> {
    v.as_object().expect("an object")
}

fn rel_diff(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// Encodes the same scene in the tile around Wuxi at zoom `z`, decodes it with GDAL and
/// checks what comes back.
#[allow(
    clippy::too_many_lines,
    reason = "one round trip, checked feature by feature"
)]
fn round_trip(z: u8) {
    let tile = tile_of(120.3, 31.5, z);
    let inside = Geometry::Polygon(Polygon::new(rect(tile, 0.2, 0.2, 0.4, 0.35), vec![]));
    let crossing = Geometry::Polygon(Polygon::new(rect(tile, 0.8, 0.5, 1.5, 0.7), vec![]));
    let holed = Geometry::Polygon(Polygon::new(
        rect(tile, 0.5, 0.1, 0.9, 0.45),
        vec![rect(tile, 0.6, 0.2, 0.7, 0.3)],
    ));
    let outside = Geometry::Polygon(Polygon::new(rect(tile, 1.2, 0.2, 1.6, 0.6), vec![]));
    let (lon, lat) = at(tile, 0.3, 0.8);
    let site = Geometry::Point(Point::new(lon, lat));
    let (lon, lat) = at(tile, 1.5, 0.8);
    let far_site = Geometry::Point(Point::new(lon, lat));

    let p_inside = json!({ "name": "东山林区", "count": 42, "ratio": 0.25, "note": null });
    let p_crossing = json!({ "name": "crossing", "count": -3, "ratio": 1.5 });
    let p_holed = json!({ "name": "holed", "count": 7, "ratio": 0.0 });
    let p_outside = json!({ "name": "outside", "count": 1 });
    let p_site = json!({ "name": "瞭望塔", "count": 1_234_567_890_123_i64 });

    let layers = [
        TileLayer {
            name: "areas",
            features: vec![
                TileFeature {
                    id: Some(11),
                    geometry: &inside,
                    properties: props(&p_inside),
                },
                TileFeature {
                    id: Some(12),
                    geometry: &crossing,
                    properties: props(&p_crossing),
                },
                TileFeature {
                    id: Some(13),
                    geometry: &holed,
                    properties: props(&p_holed),
                },
                TileFeature {
                    id: Some(14),
                    geometry: &outside,
                    properties: props(&p_outside),
                },
            ],
        },
        TileLayer {
            name: "sites",
            features: vec![
                TileFeature {
                    id: None,
                    geometry: &site,
                    properties: props(&p_site),
                },
                TileFeature {
                    id: None,
                    geometry: &far_site,
                    properties: props(&p_site),
                },
            ],
        },
    ];
    let opts = TileOptions::default();
    let bytes = encode_tile(tile, &layers, &opts).expect("encodes");
    let dir = temp_dir(&format!("z{z}"));
    let path = write_tile(&dir, tile, &bytes);

    let [x0, y0, x1, y1] = tile.bounds_mercator();
    let margin = tile.size_mercator() * f64::from(opts.buffer) / f64::from(opts.extent);
    let unit = tile.size_mercator() / f64::from(opts.extent);

    for clip in [false, true] {
        let ds = open(&path, clip);
        assert_eq!(ds.layer_count(), 2, "clip={clip}");
        let areas = read_layer(&ds, "areas");
        let names: Vec<&str> = areas.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["东山林区", "crossing", "holed"], "clip={clip}");
        assert_eq!(
            areas.iter().map(|f| f.mvt_id).collect::<Vec<_>>(),
            [Some(11), Some(12), Some(13)]
        );

        // Properties: string, integers (negative too) and floats come back equal.
        assert_eq!(areas[0].count, Some(42));
        assert_eq!(areas[0].ratio, Some(0.25));
        assert_eq!(areas[1].count, Some(-3));
        assert_eq!(areas[1].ratio, Some(1.5));
        assert_eq!(areas[2].count, Some(7));
        assert_eq!(areas[2].ratio, Some(0.0));

        // A polygon well inside keeps its area.
        let got = areas[0].geometry.area();
        let want = mercator_area(&inside);
        assert!(rel_diff(got, want) < 0.01, "z{z}: {got} vs {want}");

        // The polygon with a hole keeps it: one interior ring, area = outer − hole. (GDAL
        // reads every polygon layer as MultiPolygon.)
        let h = &areas[2].geometry;
        assert_eq!(h.geometry_count(), 1, "one polygon");
        assert_eq!(h.get_geometry(0).geometry_count(), 2, "exterior + hole");
        let want = mercator_area(&holed);
        assert!(
            rel_diff(h.area(), want) < 0.01,
            "z{z}: {} vs {want}",
            h.area()
        );

        // The crossing polygon is cut at the buffered tile edge (or at the tile edge itself
        // when GDAL clips).
        let e = areas[1].geometry.envelope();
        let limit = if clip { x1 } else { x1 + margin };
        assert!(e.MaxX <= limit + unit * 0.01, "z{z}: {} > {limit}", e.MaxX);
        assert!(e.MaxX >= limit - unit, "z{z}: {} < {limit}", e.MaxX);
        assert!(e.MinX >= x0 && e.MinY >= y0 && e.MaxY <= y1);
        let kept = if clip { 0.2 } else { 0.2 + 64.0 / 4096.0 };
        let want = mercator_area(&Geometry::Polygon(Polygon::new(
            rect(tile, 0.8, 0.5, 1.0 + kept - 0.2, 0.7),
            vec![],
        )));
        let got = areas[1].geometry.area();
        assert!(rel_diff(got, want) < 0.01, "z{z}: {got} vs {want}");

        // One site inside; the one outside the tile is absent.
        let sites = read_layer(&ds, "sites");
        assert_eq!(sites.len(), 1);
        assert_eq!(sites[0].name, "瞭望塔");
        assert_eq!(sites[0].count, Some(1_234_567_890_123));
        let (px, py, _) = sites[0].geometry.get_point(0);
        let [mx, my] = lonlat_to_mercator(lon_lat(&site).0, lon_lat(&site).1);
        assert!((px - mx).abs() <= unit && (py - my).abs() <= unit);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn lon_lat(g: &Geometry<f64>) -> (f64, f64) {
    match g {
        Geometry::Point(p) => (p.x(), p.y()),
        _ => unreachable!("a point"),
    }
}

#[test]
fn gdal_reads_back_a_zoom_12_tile() {
    round_trip(12);
}

#[test]
fn gdal_reads_back_a_zoom_15_tile() {
    round_trip(15);
}

/// A forest area covering the whole tile comes back as the tile (GDAL clips) or the buffered
/// tile (it does not).
#[test]
fn gdal_reads_a_tile_covered_by_one_area() {
    let tile = tile_of(120.3, 31.5, 15);
    let big = Geometry::Polygon(Polygon::new(rect(tile, -3.0, -3.0, 4.0, 4.0), vec![]));
    let p = json!({ "name": "全域" });
    let layers = [TileLayer {
        name: "areas",
        features: vec![TileFeature {
            id: None,
            geometry: &big,
            properties: props(&p),
        }],
    }];
    let bytes = encode_tile(tile, &layers, &TileOptions::default()).expect("encodes");
    let dir = temp_dir("cover");
    let path = write_tile(&dir, tile, &bytes);
    let size = tile.size_mercator();
    for (clip, side) in [(true, size), (false, size * (1.0 + 2.0 * 64.0 / 4096.0))] {
        let ds = open(&path, clip);
        let areas = read_layer(&ds, "areas");
        assert_eq!(areas.len(), 1);
        let got = areas[0].geometry.area();
        assert!(rel_diff(got, side * side) < 1e-6, "clip={clip}: {got}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A concave area leaving the tile and coming back (a "U" whose arms stick out east): the
/// clipped ring runs along the buffer edge between the arms, and both the area and GDAL's own
/// clipping to the tile stay right.
#[test]
fn gdal_reads_a_concave_area_cut_by_the_edge() {
    let tile = tile_of(120.3, 31.5, 15);
    let u = LineString::from(vec![
        at(tile, 0.7, 0.1),
        at(tile, 1.5, 0.1),
        at(tile, 1.5, 0.3),
        at(tile, 0.8, 0.3),
        at(tile, 0.8, 0.7),
        at(tile, 1.5, 0.7),
        at(tile, 1.5, 0.9),
        at(tile, 0.7, 0.9),
        at(tile, 0.7, 0.1),
    ]);
    let g = Geometry::Polygon(Polygon::new(u, vec![]));
    let p = json!({ "name": "U" });
    let layers = [TileLayer {
        name: "areas",
        features: vec![TileFeature {
            id: None,
            geometry: &g,
            properties: props(&p),
        }],
    }];
    let bytes = encode_tile(tile, &layers, &TileOptions::default()).expect("encodes");
    let dir = temp_dir("concave");
    let path = write_tile(&dir, tile, &bytes);
    let size = tile.size_mercator();
    for clip in [true, false] {
        let east = if clip { 1.0 } else { 1.0 + 64.0 / 4096.0 };
        // Fractions of the tile: the block west of `east` minus the notch.
        let want = ((east - 0.7) * 0.8 - (east - 0.8) * 0.4) * size * size;
        let ds = open(&path, clip);
        let areas = read_layer(&ds, "areas");
        assert_eq!(areas.len(), 1);
        let got = areas[0].geometry.area();
        assert!(rel_diff(got, want) < 0.005, "clip={clip}: {got} vs {want}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A tile without features is empty bytes: a valid tile without layers. GDAL only recognises
/// such a file as MVT when told so with the `MVT:` prefix.
#[test]
fn gdal_reads_an_empty_tile() {
    let tile: TileId = tile_of(120.3, 31.5, 12);
    let bytes = encode_tile(tile, &[], &TileOptions::default()).expect("encodes");
    assert!(bytes.is_empty());
    let dir = temp_dir("empty");
    let path = write_tile(&dir, tile, &bytes);
    let ds = Dataset::open_ex(
        format!("MVT:{}", path.display()),
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            ..DatasetOptions::default()
        },
    )
    .expect("GDAL opens the empty tile");
    assert_eq!(ds.layer_count(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
