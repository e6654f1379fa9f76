use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use linzhang_domain::codes::default_tables;
use linzhang_domain::layer::{counts_as_forest_cover, layer, normalise};
use linzhang_geo::geo::{
    Area, BooleanOps, BoundingRect, Contains, Geometry, Intersects, MultiPolygon, Point, Rect,
    polygon,
};
use linzhang_geo::{geodesic_area_m2, orient, validate};
use serde_json::Value;

use super::*;
use crate::DemoOptions;

type Owned = crate::layers::OwnedVillage;

fn wuxi() -> &'static [Owned] {
    static VILLAGES: OnceLock<Vec<Owned>> = OnceLock::new();
    VILLAGES.get_or_init(|| {
        let plan = crate::plan::build(&DemoOptions::default()).expect("plan");
        crate::layers::villages(&plan)
    })
}

fn shapes(villages: &[Owned]) -> Vec<VillageShape<'_>> {
    crate::layers::shapes(villages)
}

const TARGET: usize = 4_000;

/// The Wuxi data every test below looks at.
fn data() -> &'static ForestData {
    static DATA: OnceLock<ForestData> = OnceLock::new();
    DATA.get_or_init(|| {
        generate(
            &shapes(wuxi()),
            &ForestOptions {
                seed: 7,
                subcompartments: TARGET,
                survey_year: 2024,
            },
        )
    })
}

fn attr<'a>(f: &'a SourceFeature, key: &str) -> &'a Value {
    f.attributes
        .iter()
        .find(|(k, _)| k == key)
        .map_or(&Value::Null, |(_, v)| v)
}

fn text<'a>(f: &'a SourceFeature, key: &str) -> &'a str {
    attr(f, key).as_str().unwrap_or("")
}

fn number(f: &SourceFeature, key: &str) -> f64 {
    attr(f, key).as_f64().unwrap_or(f64::NAN)
}

fn multipolygon(f: &SourceFeature) -> MultiPolygon<f64> {
    match f.geometry.as_ref().expect("geometry") {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(mp) => mp.clone(),
        other => unreachable!("not a polygon: {other:?}"),
    }
}

/// Each village of the plan by (town name, village name), the columns `XIANG` and `CUN`.
fn by_place() -> BTreeMap<(String, String), &'static Owned> {
    let towns = town_names();
    wuxi()
        .iter()
        .map(|v| {
            let town = towns.get(&v.0[..9]).cloned().unwrap_or_default();
            ((town, v.1.clone()), v)
        })
        .collect()
}

fn village_of<'a>(
    places: &'a BTreeMap<(String, String), &'static Owned>,
    f: &SourceFeature,
) -> &'a Owned {
    places
        .get(&(text(f, "XIANG").to_owned(), text(f, "CUN").to_owned()))
        .unwrap_or_else(|| unreachable!("no village for feature {}", f.index))
}

fn point_of(f: &SourceFeature) -> Point<f64> {
    match f.geometry.as_ref().expect("geometry") {
        Geometry::Point(p) => *p,
        other => unreachable!("not a point: {other:?}"),
    }
}

fn rects_overlap(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x < b.max().x && b.min().x < a.max().x && a.min().y < b.max().y && b.min().y < a.max().y
}

/// Pairs of shapes whose overlap is more than `1e-6` of the smaller one.
fn overlaps(shapes: &[MultiPolygon<f64>]) -> Vec<(usize, usize, f64)> {
    let rects: Vec<Option<Rect<f64>>> = shapes.iter().map(BoundingRect::bounding_rect).collect();
    let mut out = Vec::new();
    for (i, a) in shapes.iter().enumerate() {
        for (j, b) in shapes.iter().enumerate().skip(i + 1) {
            let (Some(ra), Some(rb)) = (rects[i], rects[j]) else {
                continue;
            };
            if !rects_overlap(ra, rb) {
                continue;
            }
            let overlap = a.intersection(b).unsigned_area();
            let smaller = a.unsigned_area().min(b.unsigned_area());
            if overlap > 1e-6 * smaller {
                out.push((i, j, overlap / smaller));
            }
        }
    }
    out
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let villages = shapes(wuxi());
    let opts = ForestOptions {
        seed: 11,
        subcompartments: 1_500,
        survey_year: 2024,
    };
    let a = generate(&villages, &opts);
    let b = generate(&villages, &opts);
    assert!(a == b, "the same seed gave different data");
    let c = generate(&villages, &ForestOptions { seed: 12, ..opts });
    assert!(a.subcompartments != c.subcompartments);
    assert!(a.ancient_trees != c.ancient_trees);
    assert!(a.fire_facilities != c.fire_facilities);
}

#[test]
fn the_count_is_the_target_and_indexes_are_positions() {
    let d = data();
    let n = d.subcompartments.len();
    assert!(n.abs_diff(TARGET) <= TARGET / 100, "{n} sub-compartments");
    for layer in [
        &d.subcompartments,
        &d.ancient_trees,
        &d.nature_reserves,
        &d.wetlands,
        &d.fire_facilities,
    ] {
        assert!(!layer.is_empty());
        for (i, f) in layer.iter().enumerate() {
            assert_eq!(usize::try_from(f.index).ok(), Some(i));
        }
    }
}

#[test]
fn every_feature_normalises_without_warnings() {
    let tables = default_tables();
    let d = data();
    let layers = [
        (
            "subcompartment",
            &d.subcompartments,
            &["di_lei", "mian_ji", "lin_ban", "xiao_ban"][..],
        ),
        (
            "ancient_tree",
            &d.ancient_trees,
            &["number", "species", "age", "grade"][..],
        ),
        (
            "nature_reserve",
            &d.nature_reserves,
            &["name", "kind", "level", "zone", "mian_ji"][..],
        ),
        ("wetland", &d.wetlands, &["name", "kind", "mian_ji"][..]),
        ("fire_facility", &d.fire_facilities, &["name", "kind"][..]),
    ];
    for (key, features, required) in layers {
        let spec = layer(key).expect("layer");
        for f in features {
            let n = normalise(
                spec,
                &tables,
                f.attributes.iter().map(|(k, v)| (k.as_str(), v.clone())),
            );
            assert!(n.warnings.is_empty(), "{key} {}: {:?}", f.index, n.warnings);
            for field in required {
                assert!(
                    n.properties.contains_key(*field),
                    "{key} {} lacks {field}",
                    f.index
                );
            }
            for (column, _) in &f.attributes {
                let place =
                    key != "subcompartment" && ["XIAN", "XIANG", "CUN"].contains(&column.as_str());
                assert!(
                    spec.field(column).is_some() || place,
                    "{key}: stray column {column}"
                );
            }
        }
    }
}

#[test]
fn sub_compartments_are_valid_and_inside_their_village() {
    let places = by_place();
    for (k, f) in data().subcompartments.iter().enumerate() {
        let mp = multipolygon(f);
        assert_eq!(validate(&orient(&mp)), Ok(()), "feature {}", f.index);
        if k % 7 == 0 {
            let village = &village_of(&places, f).3;
            let outside = mp.difference(village).unsigned_area();
            assert!(
                outside <= 1e-6 * mp.unsigned_area(),
                "feature {} leaves its village",
                f.index
            );
        }
    }
}

#[test]
fn sub_compartments_do_not_overlap_each_other_or_wetlands() {
    let d = data();
    // All the sub-compartments of the town with the most of them, across its villages.
    let mut towns: BTreeMap<&str, Vec<MultiPolygon<f64>>> = BTreeMap::new();
    for f in &d.subcompartments {
        towns
            .entry(text(f, "XIANG"))
            .or_default()
            .push(multipolygon(f));
    }
    let (town, shapes) = towns
        .into_iter()
        .max_by_key(|(_, v)| v.len())
        .expect("a town");
    assert!(shapes.len() > 100, "{town}: {}", shapes.len());
    let found = overlaps(&shapes);
    assert!(found.is_empty(), "{town}: overlaps {found:?}");

    let wetlands: Vec<MultiPolygon<f64>> = d.wetlands.iter().map(multipolygon).collect();
    for f in d.subcompartments.iter().step_by(5) {
        let mp = multipolygon(f);
        let r = mp.bounding_rect().expect("rect");
        for w in &wetlands {
            if w.bounding_rect().is_some_and(|wr| rects_overlap(r, wr)) {
                let overlap = mp.intersection(w).unsigned_area();
                assert!(
                    overlap <= 1e-6 * mp.unsigned_area(),
                    "feature {} is in a wetland",
                    f.index
                );
            }
        }
    }
}

#[test]
fn areas_stocks_and_numbers_are_consistent() {
    let mut numbers: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut compartment_village: BTreeMap<(String, String), String> = BTreeMap::new();
    for f in &data().subcompartments {
        let area = (geodesic_area_m2(&multipolygon(f)) / 100.0).round() / 100.0;
        let mian_ji = number(f, "MIAN_JI");
        assert!(
            mian_ji > 0.0 && (mian_ji - area).abs() < 0.005,
            "{mian_ji} vs {area}"
        );
        let mei = number(f, "MEI_GQ_XJ");
        let huo = number(f, "HUO_LMGQXJ");
        assert!(
            (huo - (mei * mian_ji * 10.0).round() / 10.0).abs() < 0.051,
            "{huo} vs {mei} x {mian_ji}"
        );
        let di_lei = text(f, "DI_LEI");
        match di_lei {
            "0111" => {
                assert!((0.2..=0.9).contains(&number(f, "YU_BI_DU")), "{}", f.index);
                assert!(mei > 0.0 && mei < 400.0, "{mei}");
                assert!(!text(f, "YOU_SHI_SZ").is_empty());
            }
            "0120" => assert!(number(f, "YU_BI_DU") < 0.2),
            _ => assert!(mei.abs() < f64::EPSILON, "{di_lei} with stock {mei}"),
        }
        assert_eq!(
            attr(f, "GJGYL_BHDJ").is_string(),
            text(f, "SEN_LIN_LB") == "11",
            "{}",
            f.index
        );
        let (lin_ban, xiao_ban) = (text(f, "LIN_BAN"), text(f, "XIAO_BAN"));
        assert!(
            lin_ban.len() >= 3 && xiao_ban.len() == 4,
            "{lin_ban} {xiao_ban}"
        );
        let key = (text(f, "XIANG").to_owned(), lin_ban.to_owned());
        assert!(
            numbers
                .entry(key.clone())
                .or_default()
                .insert(xiao_ban.to_owned()),
            "{key:?} has {xiao_ban} twice"
        );
        let village = compartment_village
            .entry(key)
            .or_insert_with(|| text(f, "CUN").to_owned());
        assert_eq!(village, text(f, "CUN"), "a compartment spans villages");
    }
}

#[test]
fn forest_is_dense_in_southern_yixing_and_sparse_in_the_city_districts() {
    use linzhang_geo::geo::Centroid;
    let places = by_place();
    let mut cover: BTreeMap<&str, f64> = BTreeMap::new();
    for f in &data().subcompartments {
        if counts_as_forest_cover(text(f, "DI_LEI")) {
            *cover.entry(village_of(&places, f).0.as_str()).or_default() += number(f, "MIAN_JI");
        }
    }
    let share = |keep: &dyn Fn(&Owned) -> bool| -> f64 {
        let (mut c, mut a) = (0.0, 0.0);
        for v in wuxi().iter().filter(|v| keep(v)) {
            c += cover.get(v.0.as_str()).copied().unwrap_or(0.0);
            a += geodesic_area_m2(&v.3) / 10_000.0;
        }
        c / a
    };
    let south = share(&|v| v.2 == "320282" && v.3.centroid().is_some_and(|c| c.y() < 31.3));
    let urban = share(&|v| v.2 == "320213" || v.2 == "320214");
    let city = share(&|_| true);
    assert!(south > 0.5, "southern 宜兴: {south}");
    assert!(urban < 0.15, "city districts: {urban}");
    assert!(south > 4.0 * urban);
    // Wuxi's forest cover is about 27 % of its land; here of all the area, 太湖 included.
    assert!((0.18..0.3).contains(&city), "city: {city}");
}

#[test]
fn ancient_trees_have_grades_that_fit_their_age() {
    let places = by_place();
    let trees = &data().ancient_trees;
    assert!((300..=450).contains(&trees.len()), "{}", trees.len());
    let mut numbers = BTreeSet::new();
    for t in trees {
        let age = attr(t, "SL").as_u64().expect("age");
        let grade = text(t, "DJ");
        match grade {
            "9" => {}
            "1" => assert!(age >= 500, "{age}"),
            "2" => assert!((300..500).contains(&age), "{age}"),
            "3" => assert!((100..300).contains(&age), "{age}"),
            other => unreachable!("grade {other}"),
        }
        assert!(age <= 1_300);
        assert!(number(t, "XW") > 0.0 && number(t, "SG") > 0.0);
        let id = text(t, "GSBH");
        assert!(
            id.len() == 11 && id.starts_with("3202") && numbers.insert(id.to_owned()),
            "{id}"
        );
        assert!(
            village_of(&places, t).3.contains(&point_of(t)),
            "tree {id} is not in its village"
        );
    }
}

#[test]
fn reserves_wetlands_and_facilities_are_in_place() {
    let d = data();
    let places = by_place();
    let reserves: Vec<MultiPolygon<f64>> = d.nature_reserves.iter().map(multipolygon).collect();
    let wetlands: Vec<MultiPolygon<f64>> = d.wetlands.iter().map(multipolygon).collect();
    assert!(reserves.len() >= 8, "{}", reserves.len());
    assert!((25..=50).contains(&wetlands.len()), "{}", wetlands.len());
    for mp in reserves.iter().chain(&wetlands) {
        assert_eq!(validate(mp), Ok(()));
    }
    assert!(overlaps(&reserves).is_empty());
    assert!(overlaps(&wetlands).is_empty());
    assert!(
        d.nature_reserves
            .iter()
            .any(|r| text(r, "GNFQ") == "核心保护区")
    );
    assert!(d.wetlands.iter().any(|w| text(w, "MC").starts_with("太湖")));
    let kinds: BTreeSet<&str> = d.fire_facilities.iter().map(|f| text(f, "SSLX")).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["camera", "depot", "tower", "water_point"]
    );
    for f in &d.fire_facilities {
        // Water points sit on a wetland's edge, which can be the village's edge.
        let village = &village_of(&places, f).3;
        assert!(
            village.intersects(&point_of(f)),
            "{} is not in its village",
            text(f, "MC")
        );
    }
}

#[test]
fn survey_years_share_geometry_and_differ_in_attributes() {
    let villages = shapes(wuxi());
    let opts = ForestOptions {
        seed: 5,
        subcompartments: 1_500,
        survey_year: 2023,
    };
    let a = generate(&villages, &opts);
    let b = generate(
        &villages,
        &ForestOptions {
            survey_year: 2024,
            ..opts
        },
    );
    assert_eq!(a.subcompartments.len(), b.subcompartments.len());
    let mut changed = 0;
    for (x, y) in a.subcompartments.iter().zip(&b.subcompartments) {
        assert!(x.geometry == y.geometry);
        if text(x, "DI_LEI") != text(y, "DI_LEI") {
            changed += 1;
            assert!(!text(y, "BG_YY").is_empty(), "a change without a reason");
        } else if text(x, "DI_LEI") == "0111" {
            assert!(number(y, "MEI_GQ_XJ") >= number(x, "MEI_GQ_XJ"));
        }
    }
    assert!(
        changed > 0 && changed < a.subcompartments.len() / 10,
        "{changed}"
    );
}

#[test]
fn any_villages_will_do() {
    let square = |x0: f64| {
        MultiPolygon(vec![polygon![
            (x: x0, y: 30.0), (x: x0 + 0.05, y: 30.0), (x: x0 + 0.05, y: 30.04),
            (x: x0, y: 30.04), (x: x0, y: 30.0),
        ]])
    };
    let (a, b) = (square(110.0), square(110.05));
    let villages = [
        VillageShape {
            code: "430102001001",
            name: "",
            county: "430102",
            boundary: &a,
        },
        VillageShape {
            code: "430102001002",
            name: "竹山村",
            county: "430102",
            boundary: &b,
        },
    ];
    let d = generate(
        &villages,
        &ForestOptions {
            seed: 1,
            subcompartments: 300,
            survey_year: 2024,
        },
    );
    assert!(
        d.subcompartments.len().abs_diff(300) <= 6,
        "{}",
        d.subcompartments.len()
    );
    let shapes: Vec<MultiPolygon<f64>> = d.subcompartments.iter().map(multipolygon).collect();
    for (f, mp) in d.subcompartments.iter().zip(&shapes) {
        assert_eq!(validate(mp), Ok(()));
        let home = if text(f, "CUN") == "竹山村" {
            &b
        } else {
            &a
        };
        assert!(mp.difference(home).unsigned_area() <= 1e-6 * mp.unsigned_area());
        assert_eq!(text(f, "XIAN"), "430102");
    }
    assert!(overlaps(&shapes).is_empty());
    assert!(
        d.subcompartments
            .iter()
            .any(|f| text(f, "CUN") == "430102001001")
    );
    assert!(!d.ancient_trees.is_empty());
    assert!(d.nature_reserves.is_empty());
}
