//! [`encode_tile`]: layers of features → MVT bytes.

use std::collections::HashSet;

use serde_json::Value;

use super::clip::{Clipper, Failure};
use super::{MAX_EXTENT, TileError, TileId, TileLayer, TileOptions};

/// Encodes the layers as one Mapbox Vector Tile (spec 2.1) of `tile`.
///
/// Each geometry is projected to Web Mercator and onto the tile's `0..extent` grid (y down)
/// as PostGIS `ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(z, x, y), extent,
/// buffer, true)` does; clipped to the tile grown by `buffer` units (points outside it are
/// dropped); simplified when [`TileOptions::simplify`] is set; snapped to whole units, with
/// repeated points, collapsed rings and collapsed polygons removed; and polygon rings are
/// oriented as the spec wants (exterior rings clockwise on screen, holes anticlockwise),
/// whatever their orientation in the input. A geometry collection keeps only its parts of the
/// highest dimension.
///
/// Features with nothing left in the tile are left out, and so are layers without features;
/// a tile without any feature is an empty byte vector, which is a valid, empty tile.
///
/// Errors: `tile` does not exist, `extent` is 0 or above [`MAX_EXTENT`], `buffer` exceeds
/// `extent`, two layers share a name, or a coordinate is not a finite number.
pub fn encode_tile(
    tile: TileId,
    layers: &[TileLayer<'_>],
    opts: &TileOptions,
) -> Result<Vec<u8>, TileError> {
    let tile = TileId::new(tile.z, tile.x, tile.y)?;
    if opts.extent == 0 || opts.extent > MAX_EXTENT {
        return Err(TileError::ExtentOutOfRange {
            extent: opts.extent,
        });
    }
    if opts.buffer > opts.extent {
        return Err(TileError::BufferOutOfRange {
            buffer: opts.buffer,
            extent: opts.extent,
        });
    }
    let mut names = HashSet::with_capacity(layers.len());
    if let Some(l) = layers.iter().find(|l| !names.insert(l.name)) {
        return Err(TileError::DuplicateLayer {
            name: l.name.to_owned(),
        });
    }

    let mut clipper = Clipper::new(tile, opts);
    let mut out = mvt::Tile::new(opts.extent);
    for l in layers {
        let mut layer = out.create_layer(l.name);
        for (index, f) in l.features.iter().enumerate() {
            let geometry = match clipper.encode(f.geometry) {
                Ok(Some(g)) => g,
                Ok(None) => continue,
                Err(Failure::NonFinite) => {
                    return Err(TileError::NonFiniteCoordinate {
                        layer: l.name.to_owned(),
                        index,
                    });
                }
                Err(Failure::Encode(e)) => return Err(e.into()),
            };
            let mut feature = layer.into_feature(geometry);
            if let Some(id) = f.id {
                feature.set_id(id);
            }
            for (key, value) in f.properties {
                add_property(&mut feature, key, value);
            }
            layer = feature.into_layer();
        }
        if layer.num_features() > 0 {
            out.add_layer(layer)?;
        }
    }
    Ok(out.to_bytes()?)
}

/// One attribute as an MVT value, typed as PostGIS `ST_AsMVT` types it.
fn add_property(feature: &mut mvt::Feature, key: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => feature.add_tag_bool(key, *b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                feature.add_tag_uint(key, u);
            } else if let Some(i) = n.as_i64() {
                feature.add_tag_sint(key, i);
            } else if let Some(f) = n.as_f64() {
                feature.add_tag_double(key, f);
            }
        }
        Value::String(s) => feature.add_tag_string(key, s),
        Value::Array(_) | Value::Object(_) => feature.add_tag_string(key, &value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use geo::{Geometry, LineString, MultiPolygon, Point, Polygon, polygon};
    use serde_json::{Map, json};

    use super::super::decode::{Layer, Value, area2, decode};
    use super::super::{TileFeature, mercator_to_lonlat, tile_of};
    use super::*;

    /// The Wuxi tile of the tests: z15 around (120.3, 31.5).
    fn wuxi() -> TileId {
        tile_of(120.3, 31.5, 15)
    }

    /// Tile units (x right, y down, 0..4096) → longitude/latitude.
    fn lonlat(tile: TileId, px: f64, py: f64) -> (f64, f64) {
        let [x0, _, _, y1] = tile.bounds_mercator();
        let size = tile.size_mercator();
        let [lon, lat] = mercator_to_lonlat(x0 + px / 4096.0 * size, y1 - py / 4096.0 * size);
        (lon, lat)
    }

    /// A polygon from tile-unit corners, in the given order.
    fn ring(tile: TileId, pts: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(
            pts.iter()
                .map(|&(x, y)| lonlat(tile, x, y))
                .collect::<Vec<_>>(),
        )
    }

    fn encode_one(tile: TileId, g: &Geometry<f64>, opts: &TileOptions) -> Vec<Layer> {
        let props = Map::new();
        let layer = TileLayer {
            name: "l",
            features: vec![TileFeature {
                id: None,
                geometry: g,
                properties: &props,
            }],
        };
        decode(&encode_tile(tile, &[layer], opts).expect("encodes"))
    }

    fn parts_of(tile: TileId, g: &Geometry<f64>) -> Vec<Vec<[i32; 2]>> {
        let layers = encode_one(tile, g, &TileOptions::default());
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0].features.len(), 1);
        layers[0].features[0].parts()
    }

    #[test]
    fn square_is_clockwise_whatever_the_input_orientation() {
        let t = wuxi();
        // Counter-clockwise on the map (east, then north) = anticlockwise on screen…
        let ccw = [
            (100.0, 900.0),
            (900.0, 900.0),
            (900.0, 100.0),
            (100.0, 100.0),
        ];
        let mut cw = ccw;
        cw.reverse();
        for pts in [ccw, cw] {
            let g = Geometry::Polygon(Polygon::new(ring(t, &pts), vec![]));
            let parts = parts_of(t, &g);
            assert_eq!(parts.len(), 1);
            assert_eq!(parts[0].len(), 4, "{parts:?}");
            // …and comes out clockwise on screen: positive shoelace area with y down.
            assert_eq!(area2(&parts[0]), 2 * 800 * 800);
            for p in &parts[0] {
                assert!(
                    [100, 900].contains(&p[0]) && [100, 900].contains(&p[1]),
                    "{p:?}"
                );
            }
        }
    }

    #[test]
    fn square_with_hole_has_an_anticlockwise_hole() {
        let t = wuxi();
        let outer = ring(
            t,
            &[
                (100.0, 100.0),
                (900.0, 100.0),
                (900.0, 900.0),
                (100.0, 900.0),
            ],
        );
        // The hole wrongly oriented like the exterior.
        let hole = ring(
            t,
            &[
                (300.0, 300.0),
                (600.0, 300.0),
                (600.0, 600.0),
                (300.0, 600.0),
            ],
        );
        let g = Geometry::Polygon(Polygon::new(outer, vec![hole]));
        let parts = parts_of(t, &g);
        assert_eq!(parts.len(), 2);
        assert_eq!(area2(&parts[0]), 2 * 800 * 800);
        assert_eq!(area2(&parts[1]), -2 * 300 * 300);
    }

    #[test]
    fn polygon_covering_the_tile_becomes_the_buffered_tile() {
        let t = wuxi();
        let b = t.bounds_lonlat();
        let g = Geometry::Polygon(polygon![
            (x: b.min_x - 1.0, y: b.min_y - 1.0), (x: b.max_x + 1.0, y: b.min_y - 1.0),
            (x: b.max_x + 1.0, y: b.max_y + 1.0), (x: b.min_x - 1.0, y: b.max_y + 1.0),
        ]);
        for simplify in [true, false] {
            let opts = TileOptions {
                simplify,
                ..TileOptions::default()
            };
            let layers = encode_one(t, &g, &opts);
            let parts = layers[0].features[0].parts();
            assert_eq!(parts.len(), 1);
            let mut pts = parts[0].clone();
            pts.sort_unstable();
            assert_eq!(
                pts,
                vec![[-64, -64], [-64, 4160], [4160, -64], [4160, 4160]]
            );
            assert_eq!(area2(&parts[0]), 2 * 4224 * 4224);
        }
        // A hole covering the tile too leaves nothing.
        let hole = LineString::from(vec![
            (b.min_x - 0.5, b.min_y - 0.5),
            (b.max_x + 0.5, b.min_y - 0.5),
            (b.max_x + 0.5, b.max_y + 0.5),
            (b.min_x - 0.5, b.max_y + 0.5),
        ]);
        let Geometry::Polygon(p) = g else {
            unreachable!()
        };
        let donut = Geometry::Polygon(Polygon::new(p.exterior().clone(), vec![hole]));
        assert!(encode_one(t, &donut, &TileOptions::default()).is_empty());
    }

    #[test]
    fn polygon_crossing_the_edge_is_cut_at_the_buffer() {
        let t = wuxi();
        let g = Geometry::Polygon(Polygon::new(
            ring(
                t,
                &[
                    (3000.0, 1000.0),
                    (6000.0, 1000.0),
                    (6000.0, 2000.0),
                    (3000.0, 2000.0),
                ],
            ),
            vec![],
        ));
        let parts = parts_of(t, &g);
        assert_eq!(parts.len(), 1);
        let max_x = parts[0].iter().map(|p| p[0]).max();
        assert_eq!(max_x, Some(4160));
        assert_eq!(area2(&parts[0]), 2 * 1160 * 1000);
    }

    #[test]
    fn features_outside_the_tile_are_left_out() {
        let t = wuxi();
        let far = Geometry::Polygon(Polygon::new(
            ring(
                t,
                &[
                    (5000.0, 100.0),
                    (6000.0, 100.0),
                    (6000.0, 900.0),
                    (5000.0, 900.0),
                ],
            ),
            vec![],
        ));
        // A polygon whose bounding box meets the tile but which does not (an L around the
        // north-east corner).
        let l_shape = Geometry::Polygon(Polygon::new(
            ring(
                t,
                &[
                    (4200.0, -500.0),
                    (5000.0, -500.0),
                    (5000.0, 500.0),
                    (4300.0, 500.0),
                    (4300.0, -100.0),
                    (3000.0, -100.0),
                    (3000.0, -500.0),
                ],
            ),
            vec![],
        ));
        let (lon, lat) = lonlat(t, 4200.0, 10.0);
        let point = Geometry::Point(Point::new(lon, lat));
        let line = Geometry::LineString(ring(t, &[(4200.0, 10.0), (4200.0, 4000.0)]));
        for g in [far, l_shape, point, line] {
            assert!(
                encode_one(t, &g, &TileOptions::default()).is_empty(),
                "{g:?}"
            );
        }
        // The whole tile is empty: no bytes at all, which decodes as an empty tile.
        let layer = TileLayer {
            name: "empty",
            features: vec![],
        };
        assert!(
            encode_tile(t, &[layer], &TileOptions::default())
                .expect("encodes")
                .is_empty()
        );
    }

    #[test]
    fn lines_are_cut_into_the_parts_inside() {
        let t = wuxi();
        // In, out to the east, back in, out again.
        let g = Geometry::LineString(ring(
            t,
            &[
                (1000.0, 1000.0),
                (5000.0, 1000.0),
                (5000.0, 2000.0),
                (1000.0, 2000.0),
                (1000.0, 5000.0),
            ],
        ));
        let layers = encode_one(t, &g, &TileOptions::default());
        let f = &layers[0].features[0];
        assert_eq!(f.kind, 2);
        let parts = f.parts();
        assert_eq!(
            parts,
            vec![
                vec![[1000, 1000], [4160, 1000]],
                vec![[4160, 2000], [1000, 2000], [1000, 4160]]
            ]
        );
    }

    #[test]
    fn touching_line_strings_and_rings_stay_valid() {
        let t = wuxi();
        let a = ring(t, &[(100.0, 100.0), (500.0, 100.0)]);
        let b = ring(t, &[(500.0, 100.0), (500.0, 700.0)]);
        let g = Geometry::MultiLineString(geo::MultiLineString::new(vec![a, b]));
        let parts = parts_of(t, &g);
        assert_eq!(parts, vec![vec![[100, 100], [500, 100], [500, 700]]]);

        // Two squares meeting at a corner, the second starting where the first ends.
        let s1 = ring(
            t,
            &[
                (100.0, 100.0),
                (500.0, 100.0),
                (500.0, 500.0),
                (100.0, 500.0),
                (100.0, 100.0),
            ],
        );
        let s2 = ring(
            t,
            &[
                (100.0, 100.0),
                (100.0, -300.0),
                (-300.0, -300.0),
                (-300.0, 100.0),
                (100.0, 100.0),
            ],
        );
        let g = Geometry::MultiPolygon(MultiPolygon::new(vec![
            Polygon::new(s1, vec![]),
            Polygon::new(s2, vec![]),
        ]));
        // `parts` checks MoveTo / LineTo / ClosePath for each ring.
        let parts = parts_of(t, &g);
        assert_eq!(parts.len(), 2);
        assert_eq!(area2(&parts[0]), 2 * 400 * 400);
        assert_eq!(area2(&parts[1]), 2 * 164 * 164);
    }

    #[test]
    fn points_outside_the_buffer_are_dropped() {
        let t = wuxi();
        let pts: Vec<Point<f64>> = [
            (10.0, 10.0),
            (-63.0, 4159.0),
            (-70.0, 100.0),
            (2000.0, 2000.0),
        ]
        .iter()
        .map(|&(x, y)| Point::from(lonlat(t, x, y)))
        .collect();
        let g = Geometry::MultiPoint(pts.into());
        let layers = encode_one(t, &g, &TileOptions::default());
        let f = &layers[0].features[0];
        assert_eq!(f.kind, 1);
        assert_eq!(
            f.parts(),
            vec![vec![[10, 10]], vec![[-63, 4159]], vec![[2000, 2000]]]
        );
    }

    #[test]
    fn coordinates_are_those_of_st_asmvtgeom() {
        // PostGIS: ST_AsMVTGeom(ST_Transform('SRID=4326;POINT(120.3 31.5)', 3857),
        // ST_TileEnvelope(15, x, y)) = round((mx - xmin) / size · 4096), round((ymax - my) / …)
        let t = wuxi();
        let g = Geometry::Point(Point::new(120.3, 31.5));
        let parts = parts_of(t, &g);
        let n = f64::from(1u32 << 15);
        let fx = ((120.3 + 180.0) / 360.0 * n - f64::from(t.x)) * 4096.0;
        let phi = 31.5f64.to_radians();
        let fy = ((1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * n
            - f64::from(t.y))
            * 4096.0;
        #[allow(clippy::cast_possible_truncation)]
        let expected = [fx.round() as i32, fy.round() as i32];
        assert_eq!(parts, vec![vec![expected]]);
    }

    #[test]
    fn simplify_removes_sub_unit_wiggles_only_when_asked() {
        let t = wuxi();
        // A square whose top edge wiggles by ±0.45 units every 2 units: 0.9 units from peak
        // to peak, within the tolerance, but 1 unit after snapping.
        let mut pts = vec![(100.0, 1000.0)];
        for i in 0..400 {
            let x = 100.0 + f64::from(i) * 2.0;
            pts.push((x, 100.5 + if i % 2 == 0 { 0.45 } else { -0.45 }));
        }
        pts.push((1000.0, 100.5));
        pts.push((1000.0, 1000.0));
        let g = Geometry::Polygon(Polygon::new(ring(t, &pts), vec![]));
        let simplified = parts_of(t, &g);
        assert_eq!(simplified[0].len(), 4, "{simplified:?}");
        let opts = TileOptions {
            simplify: false,
            ..TileOptions::default()
        };
        let full = encode_one(t, &g, &opts)[0].features[0].parts();
        assert!(full[0].len() > 100, "{}", full[0].len());
        // No repeated points survive snapping either way.
        for part in [&simplified[0], &full[0]] {
            assert!(part.windows(2).all(|w| w[0] != w[1]));
            assert_ne!(part.first(), part.last());
        }
    }

    #[test]
    fn tiny_polygons_collapse_at_low_zoom() {
        let t = tile_of(120.3, 31.5, 5);
        // 10 m × 10 m: far below one tile unit at zoom 5 (~300 m).
        let g = Geometry::Polygon(polygon![
            (x: 120.3, y: 31.5), (x: 120.3001, y: 31.5), (x: 120.3001, y: 31.5001), (x: 120.3, y: 31.5001),
        ]);
        assert!(encode_one(t, &g, &TileOptions::default()).is_empty());
    }

    #[test]
    fn collections_keep_their_highest_dimension() {
        let t = wuxi();
        let square = Polygon::new(
            ring(
                t,
                &[
                    (100.0, 100.0),
                    (900.0, 100.0),
                    (900.0, 900.0),
                    (100.0, 900.0),
                ],
            ),
            vec![],
        );
        let g = Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![
            Geometry::Point(Point::from(lonlat(t, 50.0, 50.0))),
            Geometry::Polygon(square),
        ]));
        let layers = encode_one(t, &g, &TileOptions::default());
        assert_eq!(layers[0].features[0].kind, 3);
        assert_eq!(layers[0].features[0].parts().len(), 1);
    }

    #[test]
    fn properties_ids_and_layers() {
        let t = wuxi();
        let square = Geometry::Polygon(Polygon::new(
            ring(
                t,
                &[
                    (100.0, 100.0),
                    (900.0, 100.0),
                    (900.0, 900.0),
                    (100.0, 900.0),
                ],
            ),
            vec![],
        ));
        let far = Geometry::Point(Point::new(0.0, 0.0));
        let p1 = json!({
            "name": "东山林区", "count": 42, "neg": -7, "big": u64::MAX, "ratio": 0.25,
            "whole": 3.0, "ok": true, "none": null, "tags": ["a", 1], "obj": {"k": "v"}
        });
        let p2 = json!({ "name": "西山", "count": 42 });
        let layers = [
            TileLayer {
                name: "areas",
                features: vec![
                    TileFeature {
                        id: Some(7),
                        geometry: &square,
                        properties: p1.as_object().expect("object"),
                    },
                    TileFeature {
                        id: None,
                        geometry: &far,
                        properties: p2.as_object().expect("object"),
                    },
                    TileFeature {
                        id: Some(9),
                        geometry: &square,
                        properties: p2.as_object().expect("object"),
                    },
                ],
            },
            TileLayer {
                name: "nothing here",
                features: vec![TileFeature {
                    id: None,
                    geometry: &far,
                    properties: p2.as_object().expect("object"),
                }],
            },
        ];
        let decoded = decode(&encode_tile(t, &layers, &TileOptions::default()).expect("encodes"));
        assert_eq!(decoded.len(), 1, "the empty layer is left out");
        let l = &decoded[0];
        assert_eq!((l.name.as_str(), l.version, l.extent), ("areas", 2, 4096));
        assert_eq!(l.features.len(), 2);
        assert_eq!(l.features[0].id, Some(7));
        assert_eq!(l.features[1].id, Some(9));
        let mut props = l.properties(&l.features[0]);
        props.sort_by(|a, b| a.0.cmp(&b.0));
        let expected = [
            ("big", Value::Uint(u64::MAX)),
            ("count", Value::Uint(42)),
            ("name", Value::String("东山林区".into())),
            ("neg", Value::Sint(-7)),
            ("obj", Value::String(r#"{"k":"v"}"#.into())),
            ("ok", Value::Bool(true)),
            ("ratio", Value::Double(0.25)),
            ("tags", Value::String(r#"["a",1]"#.into())),
            ("whole", Value::Double(3.0)),
        ];
        let expected: Vec<(String, Value)> = expected
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(props, expected);
        let mut props = l.properties(&l.features[1]);
        props.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            props,
            vec![
                ("count".to_owned(), Value::Uint(42)),
                ("name".to_owned(), Value::String("西山".into()))
            ]
        );
        // Keys and values are shared within the layer.
        assert_eq!(l.keys.iter().filter(|k| *k == "count").count(), 1);
        assert_eq!(
            l.values.iter().filter(|v| **v == Value::Uint(42)).count(),
            1
        );
    }

    #[test]
    fn bad_input_is_refused() {
        let t = wuxi();
        let props = Map::new();
        let nan = Geometry::Point(Point::new(f64::NAN, 31.5));
        let ok = Geometry::Point(Point::new(120.3, 31.5));
        let layer = |name, g| TileLayer {
            name,
            features: vec![TileFeature {
                id: None,
                geometry: g,
                properties: &props,
            }],
        };
        let opts = TileOptions::default();
        let e = encode_tile(t, &[layer("a", &ok), layer("a", &ok)], &opts).expect_err("dup");
        assert!(matches!(e, TileError::DuplicateLayer { .. }), "{e}");
        let e = encode_tile(t, &[layer("a", &ok), layer("b", &nan)], &opts).expect_err("NaN");
        assert!(
            matches!(e, TileError::NonFiniteCoordinate { index: 0, .. }),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            r#"feature 0 of layer "b" has a coordinate that is not a finite number"#
        );
        let bad_tile = TileId { z: 3, x: 8, y: 0 };
        assert!(matches!(
            encode_tile(bad_tile, &[], &opts),
            Err(TileError::TileOutOfRange { .. })
        ));
        let zero = TileOptions { extent: 0, ..opts };
        assert!(matches!(
            encode_tile(t, &[], &zero),
            Err(TileError::ExtentOutOfRange { extent: 0 })
        ));
        let wide = TileOptions {
            buffer: 5000,
            ..opts
        };
        assert!(matches!(
            encode_tile(t, &[], &wide),
            Err(TileError::BufferOutOfRange { .. })
        ));
    }
}
