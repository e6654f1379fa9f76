//! Forest resource data for the demo city (森林资源一张图): sub-compartments (小班), ancient and
//! famous trees, nature reserves, wetlands and fire-prevention facilities, generated from a
//! seed inside given village boundaries.
//!
//! The data is made to look like a city forestry office's own: Wuxi's forest cover is about a
//! quarter of its land, dense in the hills of southern 宜兴 and around 太湖 in 滨湖, sparse in
//! the city districts; species, forest categories, origins and grades follow the place (bamboo,
//! fir, pine, oak and tea in the hills, poplar, dawn redwood and camphor on the plains). Every
//! coded attribute is a code of the default code tables, under the column names real datasets
//! use (`DI_LEI`, `LIN_ZHONG`…, or their pinyin abbreviations such as `GSBH` for the point
//! layers), so the features import without warnings.
//!
//! The same villages, options and seed always give the same data. Sub-compartment geometry
//! depends on the seed and the target count only, not on [`ForestOptions::survey_year`]: the
//! stands are drawn for 2020 and aged year by year (felling, replanting, afforestation, growth),
//! so two survey years of one seed compare like two years of a real inventory.
//!
//! Sub-compartments are the Voronoi cells of a jittered grid of sites over each village, the
//! best placed of them kept, cut to the village and around wetlands; cells are computed from
//! their neighbours only, so their cost grows linearly (villages run on all cores; times in
//! docs/performance.md).

mod cells;
mod field;
mod places;
mod points;
mod stand;
mod village;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use linzhang_geo::geo::{Coord, Geometry, MultiPolygon};
use linzhang_geo::geodesic_area_m2;
use linzhang_geo::gis::SourceFeature;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use cells::{Outline, area_km2};
use field::{as_f64, hash_str, unit};
use places::{Reserve, Wetland};

/// A village to grow forest in.
#[derive(Debug, Clone, Copy)]
pub struct VillageShape<'a> {
    /// The 12-digit village grid code, e.g. `320282101001`.
    pub code: &'a str,
    /// The village's name (`CUN`); when empty, the code is used.
    pub name: &'a str,
    /// The 6-digit county code, e.g. `320282`.
    pub county: &'a str,
    /// Longitude/latitude boundary.
    pub boundary: &'a MultiPolygon<f64>,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForestOptions {
    /// Seed of every random choice.
    pub seed: u64,
    /// How many sub-compartments to make in all (the result is within a fraction of a percent
    /// unless the villages are too small to hold them).
    pub subcompartments: usize,
    /// The year the data describes.
    pub survey_year: i32,
}

impl Default for ForestOptions {
    fn default() -> Self {
        Self {
            seed: 2021,
            subcompartments: 30_000,
            survey_year: 2024,
        }
    }
}

/// The generated layers; each feature's `index` is its position in its `Vec`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForestData {
    /// Layer `subcompartment`: polygons (a multipolygon where a cell is cut in parts).
    pub subcompartments: Vec<SourceFeature>,
    /// Layer `ancient_tree`: points.
    pub ancient_trees: Vec<SourceFeature>,
    /// Layer `nature_reserve`: one feature per reserve and zone.
    pub nature_reserves: Vec<SourceFeature>,
    /// Layer `wetland`.
    pub wetlands: Vec<SourceFeature>,
    /// Layer `fire_facility`: points (towers, cameras, water points, depots).
    pub fire_facilities: Vec<SourceFeature>,
}

/// Generates the forest data of `villages`.
pub fn generate(villages: &[VillageShape<'_>], opts: &ForestOptions) -> ForestData {
    let towns = town_names();
    let mut prepared: Vec<Village<'_>> = villages
        .iter()
        .enumerate()
        .map(|(i, v)| Village::new(i, *v, &towns, opts.seed))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(field::mix(opts.seed ^ 0x00F0_4E57));
    let mut wetlands = places::wetlands(&prepared, &mut rng);
    let reserves = places::reserves(&prepared, &mut wetlands, &mut rng);
    for v in &mut prepared {
        v.measure_land(&wetlands);
    }

    let plans = quotas(&prepared, opts);
    let shared = village::Shared {
        wetlands: &wetlands,
        reserves: &reserves,
        seed: opts.seed,
        year: opts.survey_year,
    };
    let yields = in_parallel(&prepared, &plans, &shared);

    let mut subcompartments = Vec::with_capacity(opts.subcompartments);
    let mut spots = Vec::new();
    let mut lin_ban_offset: BTreeMap<&str, usize> = BTreeMap::new();
    for (v, y) in prepared.iter().zip(yields) {
        let offset = lin_ban_offset.entry(v.town.as_str()).or_insert(0);
        let place = [v.xian.as_str(), v.xiang.as_str(), v.cun(), "江苏省"];
        for cell in y.cells {
            let attributes = cell.attributes(place, *offset + cell.compartment + 1);
            subcompartments.push(feature(subcompartments.len(), cell.geometry, attributes));
        }
        *offset += y.compartments;
        spots.extend(y.spots);
    }

    let ancient_trees = points::ancient_trees(&prepared, &wetlands, &mut rng, opts.survey_year);
    let fire = points::fire_facilities(&prepared, &wetlands, &spots, opts.seed);
    ForestData {
        subcompartments,
        ancient_trees: numbered(ancient_trees),
        nature_reserves: numbered(reserves.iter().map(reserve_feature).collect()),
        wetlands: numbered(wetlands.iter().map(wetland_feature).collect()),
        fire_facilities: numbered(fire),
    }
}

fn feature(
    index: usize,
    geometry: Geometry<f64>,
    attributes: Vec<(String, Value)>,
) -> SourceFeature {
    SourceFeature {
        index: u64::try_from(index).unwrap_or(u64::MAX),
        geometry: Ok(geometry),
        attributes,
    }
}

/// A feature before it gets its index: geometry and columns.
type Draft = (Geometry<f64>, Vec<(String, Value)>);

fn numbered(items: Vec<Draft>) -> Vec<SourceFeature> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, (g, a))| feature(i, g, a))
        .collect()
}

fn polygonal(mp: &MultiPolygon<f64>) -> Geometry<f64> {
    match mp.0.as_slice() {
        [one] => Geometry::Polygon(one.clone()),
        _ => Geometry::MultiPolygon(mp.clone()),
    }
}

fn hectares(mp: &MultiPolygon<f64>) -> f64 {
    (geodesic_area_m2(mp) / 100.0).round() / 100.0
}

fn reserve_feature(r: &Reserve) -> Draft {
    let cols = vec![
        ("MC".to_owned(), Value::String(r.name.to_owned())),
        ("BHDLX".to_owned(), Value::String(r.kind.name().to_owned())),
        ("JB".to_owned(), Value::String(r.level.to_owned())),
        ("GNFQ".to_owned(), Value::String(r.zone().to_owned())),
        ("MIAN_JI".to_owned(), Value::from(hectares(&r.place.shape))),
    ];
    (polygonal(&r.place.shape), cols)
}

fn wetland_feature(w: &Wetland) -> Draft {
    let cols = vec![
        ("MC".to_owned(), Value::String(w.name.clone())),
        ("SDLX".to_owned(), Value::String(w.kind.name().to_owned())),
        (
            "BHXS".to_owned(),
            w.protection.clone().map_or(Value::Null, Value::String),
        ),
        ("MIAN_JI".to_owned(), Value::from(hectares(&w.place.shape))),
    ];
    (polygonal(&w.place.shape), cols)
}

/// The names of the towns and streets by code.
fn town_names() -> BTreeMap<String, String> {
    crate::data::towns()
        .map(|towns| {
            towns
                .into_iter()
                .map(|t| (t.code.as_str().to_owned(), t.name))
                .collect()
        })
        .unwrap_or_default()
}

/// A village prepared for generation.
#[derive(Debug, Clone)]
struct Village<'a> {
    index: usize,
    shape: VillageShape<'a>,
    outline: Outline,
    /// The 9-digit town code.
    town: String,
    xian: String,
    xiang: String,
    /// In a street (街道): a community rather than a village.
    street: bool,
    /// In a city district or a street.
    urban: bool,
    /// Mean hilliness of its land before local relief.
    hill: f64,
    /// Land area in km² (wetlands left out).
    land_km2: f64,
    center_km: Coord,
    seed: u64,
}

impl<'a> Village<'a> {
    fn new(
        index: usize,
        shape: VillageShape<'a>,
        towns: &BTreeMap<String, String>,
        seed: u64,
    ) -> Self {
        let outline = Outline::new(shape.boundary);
        let town = shape.code.get(..9).unwrap_or(shape.code).to_owned();
        let xiang = towns.get(&town).cloned().unwrap_or_else(|| town.clone());
        let street = xiang.ends_with("街道");
        let urban = street || matches!(shape.county, "320213" | "320214");
        let mut v = Self {
            index,
            shape,
            outline,
            xian: field::county_name(shape.county).to_owned(),
            xiang,
            town,
            street,
            urban,
            hill: 0.0,
            land_km2: area_km2(shape.boundary),
            center_km: Coord::zero(),
            seed: hash_str(seed, shape.code),
        };
        let inside = v.samples(&[]);
        v.center_km = if inside.is_empty() {
            Coord {
                x: f64::midpoint(v.outline.min.x, v.outline.max.x),
                y: f64::midpoint(v.outline.min.y, v.outline.max.y),
            }
        } else {
            let n = as_f64(inside.len());
            Coord {
                x: inside.iter().map(|p| p.x).sum::<f64>() / n,
                y: inside.iter().map(|p| p.y).sum::<f64>() / n,
            }
        };
        v.hill = field::base_hilliness(v.shape.county, &v.town, field::lat_of(v.center_km.y));
        v
    }

    /// Points of a 16×16 lattice over the village that lie inside it and outside `wetlands`.
    fn samples(&self, wetlands: &[Wetland]) -> Vec<Coord> {
        let (min, max) = (self.outline.min, self.outline.max);
        let mut out = Vec::new();
        for j in 0..16 {
            for i in 0..16 {
                let p = Coord {
                    x: min.x + (max.x - min.x) * (as_f64(i) + 0.5) / 16.0,
                    y: min.y + (max.y - min.y) * (as_f64(j) + 0.5) / 16.0,
                };
                if self.outline.contains(p) && !wetlands.iter().any(|w| w.place.outline.contains(p))
                {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Leaves the wetlands out of the land area, and averages hilliness over the land.
    fn measure_land(&mut self, wetlands: &[Wetland]) {
        let all = self.samples(&[]).len();
        if all == 0 {
            return;
        }
        let land = self.samples(wetlands);
        self.land_km2 = area_km2(self.shape.boundary) * as_f64(land.len()) / as_f64(all);
        if !land.is_empty() {
            let sum: f64 = land
                .iter()
                .map(|p| field::base_hilliness(self.shape.county, &self.town, field::lat_of(p.y)))
                .sum();
            self.hill = sum / as_f64(land.len());
        }
    }

    /// `CUN`: the name, or the code when there is no name.
    fn cun(&self) -> &str {
        if self.shape.name.is_empty() {
            self.shape.code
        } else {
            self.shape.name
        }
    }

    /// The name without 村 or 社区, to name things after (`东湖` of `东湖村`).
    fn stem(&self) -> String {
        let name = self.cun();
        name.strip_suffix("社区")
            .or_else(|| name.strip_suffix('村'))
            .unwrap_or(name)
            .to_owned()
    }

    /// The town's government or street office.
    fn xiang_office(&self) -> String {
        if self.street {
            format!("{}办事处", self.xiang)
        } else if self.xiang.ends_with('镇') {
            format!("{}人民政府", self.xiang)
        } else {
            format!("{}管理委员会", self.xiang)
        }
    }

    /// A random point inside the village (kilometres).
    fn random_point(&self, rng: &mut ChaCha8Rng) -> Option<Coord> {
        let (min, max) = (self.outline.min, self.outline.max);
        if !(max.x > min.x && max.y > min.y) {
            return None;
        }
        (0..200)
            .map(|_| Coord {
                x: rng.gen_range(min.x..max.x),
                y: rng.gen_range(min.y..max.y),
            })
            .find(|p| self.outline.contains(*p))
    }
}

/// How many sub-compartments each village gets and the side of its grid squares (km).
///
/// A village's share of the target follows its land area and forest share; sub-compartments
/// are larger in the hills. The shares are rounded by largest remainder so that they add up to
/// the target exactly.
fn quotas(villages: &[Village<'_>], opts: &ForestOptions) -> Vec<(usize, f64)> {
    let parts: Vec<(f64, f64)> = villages
        .iter()
        .map(|v| {
            let vary = 0.8 + 0.4 * unit(field::mix(v.seed ^ 0x5_4A4E));
            let share = (field::forest_share(v.hill) * vary).min(0.85);
            let size = 0.55 + 1.1 * v.hill;
            (v.land_km2.max(0.0) * share / size, size)
        })
        .collect();
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    if total.is_nan() || total <= 0.0 || opts.subcompartments == 0 {
        return vec![(0, 1.0); villages.len()];
    }
    let unit_area = total / as_f64(opts.subcompartments);
    let exact: Vec<f64> = parts.iter().map(|(w, _)| w / unit_area).collect();
    let mut counts: Vec<usize> = exact
        .iter()
        .map(|x| field::round_usize(x.floor()))
        .collect();
    let assigned: usize = counts.iter().sum();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order
        .iter()
        .take(opts.subcompartments.saturating_sub(assigned))
    {
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    counts
        .into_iter()
        .zip(parts)
        .map(|(q, (_, size))| (q, (unit_area * size).sqrt()))
        .collect()
}

/// Runs every village on all cores; the result is in village order whatever the scheduling.
fn in_parallel(
    villages: &[Village<'_>],
    plans: &[(usize, f64)],
    shared: &village::Shared<'_>,
) -> Vec<village::Yield> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 16)
        .min(villages.len().max(1));
    let next = AtomicUsize::new(0);
    // The biggest villages first, so that no thread is left with a big one at the end.
    let mut order: Vec<usize> = (0..villages.len()).collect();
    order.sort_by(|&a, &b| {
        let qa = plans.get(a).map_or(0, |p| p.0);
        let qb = plans.get(b).map_or(0, |p| p.0);
        qb.cmp(&qa).then(a.cmp(&b))
    });
    let mut results: Vec<(usize, village::Yield)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = order.get(k) else { break };
                        let (Some(v), Some(&(quota, side))) = (villages.get(i), plans.get(i))
                        else {
                            continue;
                        };
                        mine.push((i, village::generate(v, quota, side, shared)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, y)| y).collect()
}
