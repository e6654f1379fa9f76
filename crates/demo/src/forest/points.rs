//! Point layers: ancient and famous trees (古树名木) and fire-prevention facilities.

use std::collections::BTreeMap;

use linzhang_geo::geo::{Coord, Geometry, Point};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::Village;
use super::field::{hash3, to_deg, unit};
use super::places::Wetland;
use super::village::Spot;

use super::Draft as PointFeature;

/// A tree before it gets its number: village, place, columns.
type Tree = (usize, Coord, Vec<(String, Value)>);

/// An ancient-tree species: name, oldest age, girth in cm at 100 years, greatest height in m,
/// weight in the hills, weight in towns.
const TREES: [(&str, u32, f64, f64, f64, f64); 15] = [
    ("银杏", 1200, 150.0, 30.0, 18.0, 18.0),
    ("香樟", 800, 170.0, 25.0, 16.0, 18.0),
    ("榉树", 600, 140.0, 25.0, 10.0, 6.0),
    ("黄连木", 500, 130.0, 20.0, 7.0, 2.0),
    ("朴树", 500, 135.0, 22.0, 8.0, 6.0),
    ("桂花", 400, 70.0, 10.0, 4.0, 12.0),
    ("罗汉松", 700, 80.0, 12.0, 2.0, 6.0),
    ("圆柏", 1000, 100.0, 15.0, 4.0, 6.0),
    ("枫香", 500, 150.0, 30.0, 8.0, 1.0),
    ("黄杨", 400, 40.0, 6.0, 1.0, 4.0),
    ("紫薇", 400, 50.0, 8.0, 0.5, 3.0),
    ("糙叶树", 400, 130.0, 20.0, 3.0, 1.0),
    ("麻栎", 400, 140.0, 22.0, 4.0, 0.5),
    ("枫杨", 300, 160.0, 22.0, 3.0, 2.0),
    ("广玉兰", 150, 120.0, 20.0, 0.0, 3.0),
];

/// The grade an ancient tree of `age` years has (code table `ancient_tree_grade`).
pub(super) fn grade_of_age(age: u32) -> &'static str {
    match age {
        500.. => "1",
        300..500 => "2",
        _ => "3",
    }
}

/// Picks an index with probability proportional to its weight.
fn weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    if total <= 0.0 {
        return 0;
    }
    let mut x = rng.gen_range(0.0..total);
    for (i, w) in weights.iter().enumerate() {
        if x < w.max(0.0) {
            return i;
        }
        x -= w.max(0.0);
    }
    weights.len().saturating_sub(1)
}

fn round_to(x: f64, digits: i32) -> f64 {
    let f = 10_f64.powi(digits);
    (x * f).round() / f
}

fn point(p: Coord) -> Geometry<f64> {
    Geometry::Point(Point(to_deg(p)))
}

fn in_wetland(wetlands: &[Wetland], p: Coord) -> bool {
    wetlands.iter().any(|w| w.place.outline.contains(p))
}

/// Columns naming where a point is.
fn place_columns(v: &Village<'_>) -> [(String, Value); 3] {
    [
        ("XIAN".to_owned(), Value::String(v.xian.clone())),
        ("XIANG".to_owned(), Value::String(v.xiang.clone())),
        ("CUN".to_owned(), Value::String(v.cun().to_owned())),
    ]
}

/// A few hundred ancient and famous trees, more in old towns and in the hills, numbered by
/// county (`32028200001`…) in village order.
pub(super) fn ancient_trees(
    villages: &[Village<'_>],
    wetlands: &[Wetland],
    rng: &mut ChaCha8Rng,
    year: i32,
) -> Vec<PointFeature> {
    if villages.is_empty() {
        return Vec::new();
    }
    let weights: Vec<f64> = villages
        .iter()
        .map(|v| {
            let old_town = if v.shape.county == "320213" { 3.0 } else { 0.0 };
            (v.land_km2.max(0.0)).sqrt() * (0.6 + 3.0 * v.hill + old_town)
        })
        .collect();
    let n = 330 + rng.gen_range(0..90_usize);
    let mut trees: Vec<Tree> = Vec::with_capacity(n);
    for _ in 0..n {
        let vi = weighted(rng, &weights);
        let Some(v) = villages.get(vi) else { continue };
        let Some(p) = (0..20)
            .filter_map(|_| v.random_point(rng))
            .find(|p| !in_wetland(wetlands, *p))
        else {
            continue;
        };
        let hills = v.hill > 0.45;
        let tw: Vec<f64> = TREES
            .iter()
            .map(|t| if hills { t.4 } else { t.5 })
            .collect();
        let Some(&(species, oldest, girth100, tallest, _, _)) = TREES.get(weighted(rng, &tw))
        else {
            continue;
        };
        let famous = rng.gen_bool(0.025);
        let base_age: u32 = if famous {
            rng.gen_range(40..260)
        } else {
            match weighted(rng, &[78.0, 15.0, 7.0]) {
                0 => 100 + round_u32(200.0 * rng.r#gen::<f64>().powi(2)),
                1 if oldest >= 300 => rng.gen_range(300..500),
                _ if oldest >= 500 => rng.gen_range(500..=oldest),
                _ => rng.gen_range(100..oldest.max(101)),
            }
        };
        // Estimated ages are given to the ten years.
        let base_age = if base_age > 150 && rng.gen_bool(0.7) {
            base_age / 10 * 10
        } else {
            base_age
        };
        // Ages are given for the survey year; an ancient tree stays at least 100 years old.
        let age = base_age
            .saturating_add_signed(year - super::stand::BASE_YEAR)
            .max(if famous { 1 } else { 100 });
        let grade = if famous { "9" } else { grade_of_age(age) };
        let girth = girth100 * (f64::from(age) / 100.0).powf(0.7) * rng.gen_range(0.8..1.25);
        let height = tallest * (1.0 - (-f64::from(age) / 150.0).exp()) * rng.gen_range(0.75..1.1);
        let keeper = match weighted(rng, &[50.0, 15.0, 10.0, 10.0, 10.0, 5.0]) {
            0 if v.street => format!("{}居民委员会", v.cun()),
            0 => format!("{}村民委员会", v.cun()),
            1 => v.xiang_office(),
            2 => format!("{}寺", v.stem()),
            3 => format!("{}小学", v.stem()),
            4 => format!("{}园林绿化管理站", v.xian),
            _ => format!("{}国有林场", v.xian.trim_end_matches(['市', '区'])),
        };
        let mut cols = vec![
            ("GSBH".to_owned(), Value::Null),
            ("SZ".to_owned(), Value::String(species.to_owned())),
            ("SL".to_owned(), Value::from(age)),
            ("DJ".to_owned(), Value::String(grade.to_owned())),
            ("XW".to_owned(), Value::from(round_to(girth, 0))),
            ("SG".to_owned(), Value::from(round_to(height, 1))),
            ("GHDW".to_owned(), Value::String(keeper)),
        ];
        cols.extend(place_columns(v));
        trees.push((vi, p, cols));
    }
    trees.sort_by_key(|t| t.0);
    let mut per_county: BTreeMap<&str, usize> = BTreeMap::new();
    trees
        .into_iter()
        .filter_map(|(vi, p, mut cols)| {
            let county = villages.get(vi)?.shape.county;
            let n = per_county.entry(county).or_insert(0);
            *n += 1;
            if let Some(c) = cols.first_mut() {
                c.1 = Value::String(format!("{county}{n:05}"));
            }
            Some((point(p), cols))
        })
        .collect()
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to a small non-negative value first"
)]
fn round_u32(x: f64) -> u32 {
    x.round().clamp(0.0, 1e6) as u32
}

/// Greedily picks spots in the given order, keeping `spacing` km between picks, up to `max`.
fn spaced(order: &[Spot], spacing: f64, max: usize) -> Vec<Spot> {
    let mut out: Vec<Spot> = Vec::new();
    for s in order {
        if out.len() >= max {
            break;
        }
        if out
            .iter()
            .all(|o| (o.p.x - s.p.x).hypot(o.p.y - s.p.y) >= spacing)
        {
            out.push(*s);
        }
    }
    out
}

/// Lookout towers on the highest forested hills, cameras over forest, water points at the
/// nearest wetland (or a fire pond) and a supply depot in each of the most forested towns.
pub(super) fn fire_facilities(
    villages: &[Village<'_>],
    wetlands: &[Wetland],
    spots: &[Spot],
    seed: u64,
) -> Vec<PointFeature> {
    let jitter = |s: &Spot, salt: u64| {
        let x = (s.p.x * 1000.0).round();
        let y = (s.p.y * 1000.0).round();
        #[allow(clippy::cast_possible_truncation, reason = "metres within the city")]
        unit(hash3(seed ^ salt, x as i64, y as i64))
    };
    let mut out: Vec<PointFeature> = Vec::new();
    let mut per_town: BTreeMap<String, usize> = BTreeMap::new();
    let push =
        |out: &mut Vec<PointFeature>, p: Coord, v: &Village<'_>, name: String, kind: &str| {
            let mut cols = vec![
                ("MC".to_owned(), Value::String(name)),
                ("SSLX".to_owned(), Value::String(kind.to_owned())),
            ];
            cols.extend(place_columns(v));
            out.push((point(p), cols));
        };

    let mut by_height: Vec<Spot> = spots.iter().filter(|s| s.hill >= 0.5).copied().collect();
    by_height
        .sort_by(|a, b| (b.hill + 0.1 * jitter(b, 1)).total_cmp(&(a.hill + 0.1 * jitter(a, 1))));
    for s in spaced(&by_height, 3.5, 30) {
        let Some(v) = villages.get(s.village) else {
            continue;
        };
        let n = per_town.entry(v.xiang.clone()).or_insert(0);
        *n += 1;
        let name = format!("{}{}号瞭望塔", v.xiang, n);
        push(&mut out, s.p, v, name, "tower");
    }

    let mut by_cover: Vec<Spot> = spots.iter().filter(|s| s.hill >= 0.3).copied().collect();
    by_cover
        .sort_by(|a, b| (b.hill + 0.4 * jitter(b, 2)).total_cmp(&(a.hill + 0.4 * jitter(a, 2))));
    for s in spaced(&by_cover, 1.8, 120) {
        let Some(v) = villages.get(s.village) else {
            continue;
        };
        let name = format!("{}森林防火视频监控点", v.cun());
        push(&mut out, s.p, v, name, "camera");
    }

    let mut shuffled: Vec<Spot> = spots.to_vec();
    shuffled.sort_by(|a, b| jitter(a, 3).total_cmp(&jitter(b, 3)));
    let mut per_wetland: BTreeMap<String, usize> = BTreeMap::new();
    for s in spaced(&shuffled, 2.5, 80) {
        let Some(v) = villages.get(s.village) else {
            continue;
        };
        let nearest = wetlands
            .iter()
            .filter_map(|w| {
                w.place
                    .outline
                    .nearest_vertex(s.p, 1.2)
                    .map(|(p, d)| (w, p, d))
            })
            .filter(|(_, p, _)| v.outline.contains(*p))
            .min_by(|a, b| a.2.total_cmp(&b.2));
        if let Some((w, p, _)) = nearest {
            let n = per_wetland.entry(w.name.clone()).or_insert(0);
            *n += 1;
            let name = format!("{}{}号取水点", w.name, n);
            push(&mut out, p, v, name, "water_point");
        } else {
            let name = format!("{}消防蓄水池", v.cun());
            push(&mut out, s.p, v, name, "water_point");
        }
    }

    // A depot in each of the most forested towns, at its median forest spot.
    let mut towns: BTreeMap<&str, Vec<Spot>> = BTreeMap::new();
    for s in spots {
        if let Some(v) = villages.get(s.village) {
            towns.entry(v.xiang.as_str()).or_default().push(*s);
        }
    }
    let mut ranked: Vec<(&str, Vec<Spot>)> = towns.into_iter().collect();
    ranked.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (town, mut list) in ranked.into_iter().take(16) {
        list.sort_by(|a, b| a.hill.total_cmp(&b.hill));
        let Some(s) = list.get(list.len() / 3) else {
            continue;
        };
        let Some(v) = villages.get(s.village) else {
            continue;
        };
        let name = format!("{town}森林防火物资储备库");
        push(&mut out, s.p, v, name, "depot");
    }
    out
}
