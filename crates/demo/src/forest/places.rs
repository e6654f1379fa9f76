//! Wetlands and nature reserves: named polygons at about their real places where those lie in
//! the villages given, otherwise in a fitting village of the right county.

use linzhang_geo::geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon, unary_union};
use linzhang_geo::{orient, validate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::Village;
use super::cells::{Outline, area_km2, polygon_deg};
use super::field::{as_f64, to_km};

/// A generated polygon, with the prepared outline for point queries.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub(super) shape: MultiPolygon<f64>,
    pub(super) outline: Outline,
}

impl Place {
    fn new(shape: MultiPolygon<f64>) -> Self {
        let outline = Outline::new(&shape);
        Self { shape, outline }
    }
}

/// What a wetland is (湿地类, GB/T 24708).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WetlandKind {
    Lake,
    River,
    Marsh,
    Artificial,
}

impl WetlandKind {
    pub(super) fn name(self) -> &'static str {
        match self {
            WetlandKind::Lake => "湖泊湿地",
            WetlandKind::River => "河流湿地",
            WetlandKind::Marsh => "沼泽湿地",
            WetlandKind::Artificial => "人工湿地",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Wetland {
    pub(super) name: String,
    pub(super) kind: WetlandKind,
    /// 保护形式, when it has one.
    pub(super) protection: Option<String>,
    pub(super) place: Place,
}

/// What a nature reserve is (自然保护地类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReserveKind {
    NatureReserve,
    Scenic,
    ForestPark,
    WetlandPark,
}

impl ReserveKind {
    pub(super) fn name(self) -> &'static str {
        match self {
            ReserveKind::NatureReserve => "自然保护区",
            ReserveKind::Scenic => "风景名胜区",
            ReserveKind::ForestPark => "森林公园",
            ReserveKind::WetlandPark => "湿地公园",
        }
    }

    /// Whether forest is what the reserve protects (more of it is kept as forest).
    pub(super) fn wooded(self) -> bool {
        !matches!(self, ReserveKind::WetlandPark)
    }
}

#[derive(Debug, Clone)]
pub(super) struct Reserve {
    pub(super) name: &'static str,
    pub(super) kind: ReserveKind,
    pub(super) level: &'static str,
    /// 核心保护区 (true) or 一般控制区.
    pub(super) core: bool,
    pub(super) place: Place,
}

impl Reserve {
    pub(super) fn zone(&self) -> &'static str {
        if self.core {
            "核心保护区"
        } else {
            "一般控制区"
        }
    }
}

/// Where a generated place should go.
#[derive(Debug, Clone, Copy)]
enum Site {
    /// About here (longitude, latitude), if a village of the county is there.
    Near(f64, f64),
    /// In the hilliest villages of the county.
    Hills,
    /// In the flattest villages of the county.
    Plains,
}

/// The north of 太湖 within Wuxi, coarse (longitude, latitude): 竺山湖, the water around 马山,
/// 梅梁湖 and 贡湖, and the open lake south to the city's edge. Only its part inside the
/// villages is kept.
const TAIHU: [(f64, f64); 24] = [
    (119.93, 31.10),
    (119.91, 31.20),
    (119.94, 31.30),
    (119.975, 31.37),
    (120.00, 31.435),
    (120.03, 31.465),
    (120.055, 31.45),
    (120.06, 31.405),
    (120.095, 31.375),
    (120.14, 31.405),
    (120.145, 31.465),
    (120.175, 31.525),
    (120.215, 31.525),
    (120.205, 31.47),
    (120.215, 31.43),
    (120.25, 31.455),
    (120.29, 31.49),
    (120.36, 31.48),
    (120.415, 31.44),
    (120.40, 31.38),
    (120.33, 31.33),
    (120.28, 31.20),
    (120.22, 31.08),
    (119.93, 31.10),
];

struct LakeSpec {
    name: &'static str,
    county: &'static str,
    kind: WetlandKind,
    site: Site,
    radius_km: f64,
    stretch: f64,
    protection: Option<&'static str>,
}

const LAKES: [LakeSpec; 13] = [
    LakeSpec {
        name: "蠡湖",
        county: "320211",
        kind: WetlandKind::Lake,
        site: Site::Near(120.262, 31.543),
        radius_km: 1.1,
        stretch: 2.2,
        protection: Some("湿地保护小区"),
    },
    LakeSpec {
        name: "西氿",
        county: "320282",
        kind: WetlandKind::Lake,
        site: Site::Near(119.755, 31.378),
        radius_km: 1.2,
        stretch: 1.9,
        protection: None,
    },
    LakeSpec {
        name: "东氿",
        county: "320282",
        kind: WetlandKind::Lake,
        site: Site::Near(119.885, 31.357),
        radius_km: 1.1,
        stretch: 1.5,
        protection: Some("湿地保护小区"),
    },
    LakeSpec {
        name: "团氿",
        county: "320282",
        kind: WetlandKind::Lake,
        site: Site::Near(119.815, 31.372),
        radius_km: 0.5,
        stretch: 1.6,
        protection: None,
    },
    LakeSpec {
        name: "宛山荡",
        county: "320205",
        kind: WetlandKind::Lake,
        site: Site::Near(120.405, 31.622),
        radius_km: 0.8,
        stretch: 1.3,
        protection: None,
    },
    LakeSpec {
        name: "鹅真荡",
        county: "320205",
        kind: WetlandKind::Lake,
        site: Site::Near(120.56, 31.565),
        radius_km: 0.9,
        stretch: 1.4,
        protection: None,
    },
    LakeSpec {
        name: "嘉菱荡",
        county: "320205",
        kind: WetlandKind::Lake,
        site: Site::Near(120.49, 31.60),
        radius_km: 0.55,
        stretch: 1.3,
        protection: None,
    },
    LakeSpec {
        name: "长广溪",
        county: "320211",
        kind: WetlandKind::River,
        site: Site::Near(120.285, 31.505),
        radius_km: 0.7,
        stretch: 3.0,
        protection: None,
    },
    LakeSpec {
        name: "梁鸿湿地",
        county: "320214",
        kind: WetlandKind::Marsh,
        site: Site::Near(120.445, 31.50),
        radius_km: 0.7,
        stretch: 1.3,
        protection: None,
    },
    LakeSpec {
        name: "油车水库",
        county: "320282",
        kind: WetlandKind::Artificial,
        site: Site::Near(119.80, 31.205),
        radius_km: 0.6,
        stretch: 1.6,
        protection: None,
    },
    LakeSpec {
        name: "横山水库",
        county: "320282",
        kind: WetlandKind::Artificial,
        site: Site::Hills,
        radius_km: 0.7,
        stretch: 1.8,
        protection: None,
    },
    LakeSpec {
        name: "大溪水库",
        county: "320282",
        kind: WetlandKind::Artificial,
        site: Site::Hills,
        radius_km: 0.5,
        stretch: 1.7,
        protection: None,
    },
    LakeSpec {
        name: "贡湖湾湿地",
        county: "320214",
        kind: WetlandKind::Marsh,
        site: Site::Near(120.37, 31.49),
        radius_km: 0.6,
        stretch: 1.8,
        protection: Some("湿地保护小区"),
    },
];

/// A river's course: longitude, latitude.
type Course = &'static [(f64, f64)];

/// Rivers and canals: name, width in metres, course.
const RIVERS: [(&str, f64, Course); 9] = [
    (
        "京杭大运河",
        110.0,
        &[
            (120.10, 31.625),
            (120.20, 31.605),
            (120.27, 31.565),
            (120.33, 31.52),
            (120.40, 31.465),
            (120.46, 31.42),
        ],
    ),
    (
        "锡澄运河",
        70.0,
        &[
            (120.285, 31.62),
            (120.29, 31.72),
            (120.28, 31.82),
            (120.27, 31.90),
        ],
    ),
    (
        "望虞河",
        90.0,
        &[(120.45, 31.43), (120.52, 31.52), (120.58, 31.61)],
    ),
    (
        "伯渎港",
        45.0,
        &[(120.33, 31.565), (120.42, 31.54), (120.52, 31.515)],
    ),
    (
        "直湖港",
        45.0,
        &[(120.15, 31.63), (120.14, 31.56), (120.13, 31.49)],
    ),
    (
        "锡北运河",
        55.0,
        &[(120.25, 31.70), (120.38, 31.685), (120.52, 31.67)],
    ),
    (
        "南溪河",
        65.0,
        &[(119.56, 31.30), (119.65, 31.335), (119.74, 31.37)],
    ),
    (
        "白屈港",
        45.0,
        &[(120.29, 31.92), (120.31, 31.81), (120.33, 31.71)],
    ),
    (
        "张家港河",
        60.0,
        &[(120.33, 31.88), (120.45, 31.84), (120.58, 31.79)],
    ),
];

/// `raw` cut to the villages and around `taken`, without slivers, when at least `keep` of its
/// area is left.
fn fit(
    villages: &[Village<'_>],
    taken: &[&MultiPolygon<f64>],
    raw: &MultiPolygon<f64>,
    keep: f64,
    min_km2: f64,
) -> Option<MultiPolygon<f64>> {
    let mut shape = clip_to_villages(villages, raw);
    for t in taken {
        if boxes_overlap(&shape, t) {
            shape = shape.difference(*t);
        }
    }
    let shape = tidy(shape, min_km2)?;
    (area_km2(&shape) >= keep * area_km2(raw)).then_some(shape)
}

/// Tries to fit a blob of `radius` km at `site` of `county`: once at a given place, up to six
/// times where the site is drawn.
#[allow(clippy::too_many_arguments, reason = "private helper, plain data")]
fn fit_blob(
    villages: &[Village<'_>],
    taken: &[&MultiPolygon<f64>],
    rng: &mut ChaCha8Rng,
    county: &str,
    site: Site,
    radius: f64,
    stretch: f64,
    min_km2: f64,
) -> Option<(Coord, MultiPolygon<f64>)> {
    let tries = if matches!(site, Site::Near(..)) { 1 } else { 6 };
    for _ in 0..tries {
        let Some(center) = place_site(villages, county, site, rng) else {
            continue;
        };
        let raw = blob(rng, center, radius, stretch);
        let keep = if tries == 1 { 0.0 } else { 0.6 };
        if let Some(shape) = fit(villages, taken, &raw, keep, min_km2) {
            return Some((center, shape));
        }
    }
    None
}

/// The wetlands: 太湖's Wuxi waters, named lakes, rivers, reservoirs and marshes, and smaller
/// ponds and lakes named after their village. They do not overlap.
pub(super) fn wetlands(villages: &[Village<'_>], rng: &mut ChaCha8Rng) -> Vec<Wetland> {
    let mut out: Vec<Wetland> = Vec::new();
    let push = |out: &mut Vec<Wetland>,
                name: String,
                kind: WetlandKind,
                protection: Option<String>,
                shape: MultiPolygon<f64>| {
        out.push(Wetland {
            name,
            kind,
            protection,
            place: Place::new(shape),
        });
    };
    let taken = |out: &[Wetland]| -> Vec<MultiPolygon<f64>> {
        out.iter().map(|w| w.place.shape.clone()).collect()
    };

    let taihu = MultiPolygon(vec![Polygon::new(
        LineString::new(TAIHU.iter().map(|&(x, y)| Coord { x, y }).collect()),
        vec![],
    )]);
    if let Some(shape) = fit(villages, &[], &taihu, 0.0, 0.02) {
        push(
            &mut out,
            "太湖（无锡水域）".to_owned(),
            WetlandKind::Lake,
            Some("省级重要湿地".to_owned()),
            shape,
        );
    }
    for spec in &LAKES {
        let t = taken(&out);
        let refs: Vec<&MultiPolygon<f64>> = t.iter().collect();
        if let Some((_, shape)) = fit_blob(
            villages,
            &refs,
            rng,
            spec.county,
            spec.site,
            spec.radius_km,
            spec.stretch,
            0.02,
        ) {
            push(
                &mut out,
                spec.name.to_owned(),
                spec.kind,
                spec.protection.map(str::to_owned),
                shape,
            );
        }
    }
    for (name, width, course) in RIVERS {
        let raw = river(rng, course, width / 1000.0);
        let t = taken(&out);
        let refs: Vec<&MultiPolygon<f64>> = t.iter().collect();
        if let Some(shape) = fit(villages, &refs, &raw, 0.0, 0.02) {
            push(&mut out, name.to_owned(), WetlandKind::River, None, shape);
        }
    }
    // Ponds and small lakes named after their village.
    let generic: [(&str, WetlandKind, Site, f64); 12] = [
        ("320281", WetlandKind::Artificial, Site::Plains, 0.3),
        ("320281", WetlandKind::Artificial, Site::Plains, 0.25),
        ("320205", WetlandKind::Artificial, Site::Plains, 0.3),
        ("320206", WetlandKind::Artificial, Site::Plains, 0.25),
        ("320214", WetlandKind::Artificial, Site::Plains, 0.3),
        ("320282", WetlandKind::Artificial, Site::Plains, 0.35),
        ("320282", WetlandKind::Artificial, Site::Hills, 0.25),
        ("320211", WetlandKind::Artificial, Site::Hills, 0.2),
        ("320281", WetlandKind::Lake, Site::Plains, 0.5),
        ("320206", WetlandKind::Lake, Site::Plains, 0.45),
        ("320282", WetlandKind::Lake, Site::Plains, 0.6),
        ("320205", WetlandKind::Marsh, Site::Plains, 0.4),
    ];
    for (county, kind, site, r) in generic {
        let stretch = rng.gen_range(1.1..1.8);
        let t = taken(&out);
        let refs: Vec<&MultiPolygon<f64>> = t.iter().collect();
        let Some((center, shape)) = fit_blob(villages, &refs, rng, county, site, r, stretch, 0.02)
        else {
            continue;
        };
        let stem = villages
            .iter()
            .find(|v| v.outline.contains(center))
            .map_or_else(|| "无名".to_owned(), Village::stem);
        let name = match (kind, site) {
            (WetlandKind::Artificial, Site::Hills) => format!("{stem}水库"),
            (WetlandKind::Artificial, _) => format!("{stem}养殖塘"),
            (WetlandKind::Marsh, _) => format!("{stem}湿地"),
            _ => format!("{stem}荡"),
        };
        push(&mut out, name, kind, None, shape);
    }
    out
}

struct ReserveSpec {
    name: &'static str,
    county: &'static str,
    kind: ReserveKind,
    level: &'static str,
    site: Site,
    radius_km: f64,
    /// Around the wetland of this name, when it exists.
    around: Option<&'static str>,
}

const RESERVES: [ReserveSpec; 10] = [
    ReserveSpec {
        name: "江苏宜兴龙池山自然保护区",
        county: "320282",
        kind: ReserveKind::NatureReserve,
        level: "省级",
        site: Site::Near(119.69, 31.21),
        radius_km: 1.6,
        around: None,
    },
    ReserveSpec {
        name: "太湖风景名胜区马山景区",
        county: "320211",
        kind: ReserveKind::Scenic,
        level: "国家级",
        site: Site::Near(120.10, 31.43),
        radius_km: 2.4,
        around: None,
    },
    ReserveSpec {
        name: "太湖风景名胜区鼋头渚景区",
        county: "320211",
        kind: ReserveKind::Scenic,
        level: "国家级",
        site: Site::Near(120.225, 31.515),
        radius_km: 1.4,
        around: None,
    },
    ReserveSpec {
        name: "江苏无锡惠山国家森林公园",
        county: "320213",
        kind: ReserveKind::ForestPark,
        level: "国家级",
        site: Site::Near(120.26, 31.585),
        radius_km: 1.2,
        around: None,
    },
    ReserveSpec {
        name: "江苏宜兴国家森林公园",
        county: "320282",
        kind: ReserveKind::ForestPark,
        level: "国家级",
        site: Site::Near(119.845, 31.335),
        radius_km: 1.6,
        around: None,
    },
    ReserveSpec {
        name: "宜兴竹海风景名胜区",
        county: "320282",
        kind: ReserveKind::Scenic,
        level: "省级",
        site: Site::Near(119.72, 31.165),
        radius_km: 2.2,
        around: None,
    },
    ReserveSpec {
        name: "江苏无锡长广溪国家湿地公园",
        county: "320211",
        kind: ReserveKind::WetlandPark,
        level: "国家级",
        site: Site::Near(120.285, 31.505),
        radius_km: 1.3,
        around: Some("长广溪"),
    },
    ReserveSpec {
        name: "江苏无锡梁鸿国家湿地公园",
        county: "320214",
        kind: ReserveKind::WetlandPark,
        level: "国家级",
        site: Site::Near(120.445, 31.50),
        radius_km: 1.1,
        around: Some("梁鸿湿地"),
    },
    ReserveSpec {
        name: "江苏宜兴云湖国家湿地公园",
        county: "320282",
        kind: ReserveKind::WetlandPark,
        level: "国家级",
        site: Site::Near(119.80, 31.205),
        radius_km: 1.2,
        around: Some("油车水库"),
    },
    ReserveSpec {
        name: "江阴花山森林公园",
        county: "320281",
        kind: ReserveKind::ForestPark,
        level: "市级",
        site: Site::Hills,
        radius_km: 1.2,
        around: None,
    },
];

/// The nature reserves, each cut into its zones: a nature reserve has a 核心保护区 inside its
/// 一般控制区; the others are one 一般控制区. Reserves do not overlap one another.
pub(super) fn reserves(
    villages: &[Village<'_>],
    wetlands: &mut [Wetland],
    rng: &mut ChaCha8Rng,
) -> Vec<Reserve> {
    let mut out: Vec<Reserve> = Vec::new();
    for spec in &RESERVES {
        let stretch = rng.gen_range(1.0..1.5);
        let taken: Vec<&MultiPolygon<f64>> = out.iter().map(|r| &r.place.shape).collect();
        let around = spec
            .around
            .and_then(|name| wetlands.iter().find(|w| w.name == name))
            .and_then(|w| representative(&w.place));
        let fitted = match around {
            Some(center) => {
                let raw = blob(rng, center, spec.radius_km, stretch);
                fit(villages, &taken, &raw, 0.0, 0.05).map(|s| (center, s))
            }
            None => fit_blob(
                villages,
                &taken,
                rng,
                spec.county,
                spec.site,
                spec.radius_km,
                stretch,
                0.05,
            ),
        };
        let Some((center, shape)) = fitted else {
            continue;
        };
        if let Some(around) = spec.around {
            let level = spec.level;
            for w in wetlands.iter_mut().filter(|w| w.name == around) {
                w.protection = Some(format!("{level}湿地公园"));
            }
        }
        let zones = if spec.kind == ReserveKind::NatureReserve {
            let core = blob(rng, center, spec.radius_km * 0.45, 1.2);
            let core = tidy(shape.intersection(&core), 0.02);
            match core {
                Some(core) => {
                    let rest = tidy(shape.difference(&core), 0.02);
                    vec![(true, Some(core)), (false, rest)]
                }
                None => vec![(false, Some(shape))],
            }
        } else {
            vec![(false, Some(shape))]
        };
        for (core, zone) in zones {
            if let Some(zone) = zone {
                out.push(Reserve {
                    name: spec.name,
                    kind: spec.kind,
                    level: spec.level,
                    core,
                    place: Place::new(zone),
                });
            }
        }
    }
    out
}

/// A point (kilometres) for a place of `county` at `site`, inside one of its villages.
fn place_site(
    villages: &[Village<'_>],
    county: &str,
    site: Site,
    rng: &mut ChaCha8Rng,
) -> Option<Coord> {
    let mine: Vec<&Village<'_>> = villages
        .iter()
        .filter(|v| v.shape.county == county && v.land_km2 > 0.0)
        .collect();
    if mine.is_empty() {
        return None;
    }
    let pick = match site {
        Site::Near(lon, lat) => {
            let p = to_km(Coord { x: lon, y: lat });
            if mine.iter().any(|v| v.outline.contains(p)) {
                return Some(p);
            }
            // Not in these villages: the nearest village of the county instead.
            mine.iter()
                .min_by(|a, b| a.center_km.distance(p).total_cmp(&b.center_km.distance(p)))
                .copied()
        }
        Site::Hills | Site::Plains => {
            let mut ranked = mine.clone();
            ranked.sort_by(|a, b| a.hill.total_cmp(&b.hill).then(a.index.cmp(&b.index)));
            if matches!(site, Site::Hills) {
                ranked.reverse();
            }
            let top = ranked.len().div_ceil(4).max(1);
            ranked.get(rng.gen_range(0..top)).copied()
        }
    }?;
    pick.random_point(rng)
}

trait Distance {
    fn distance(self, other: Coord) -> f64;
}

impl Distance for Coord {
    fn distance(self, other: Coord) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }
}

/// A point well inside `place`: the middle of the longest horizontal chord through its middle.
fn representative(place: &Place) -> Option<Coord> {
    let o = &place.outline;
    let mut best: Option<(Coord, f64)> = None;
    for k in 1..8 {
        let y = o.min.y + (o.max.y - o.min.y) * as_f64(k) / 8.0;
        let mut run: Option<f64> = None;
        for s in 0..=64 {
            let x = o.min.x + (o.max.x - o.min.x) * as_f64(s) / 64.0;
            let inside = o.contains(Coord { x, y });
            match (inside, run) {
                (true, None) => run = Some(x),
                (false, Some(x0)) => {
                    let len = x - x0;
                    if best.is_none_or(|(_, l)| len > l) {
                        best = Some((
                            Coord {
                                x: f64::midpoint(x0, x),
                                y,
                            },
                            len,
                        ));
                    }
                    run = None;
                }
                _ => {}
            }
        }
    }
    best.map(|(p, _)| p)
}

/// An irregular, star-shaped blob around `center` (kilometres), about `radius` across and
/// stretched `stretch` times along a random direction, in longitude/latitude.
fn blob(rng: &mut ChaCha8Rng, center: Coord, radius: f64, stretch: f64) -> MultiPolygon<f64> {
    let count = 72;
    let harmonics: Vec<(f64, f64)> = (2..=6)
        .map(|k| {
            (
                rng.gen_range(0.0..0.22) / f64::from(k).sqrt(),
                rng.gen_range(0.0..std::f64::consts::TAU),
            )
        })
        .collect();
    let angle = rng.gen_range(0.0..std::f64::consts::PI);
    let (sin, cos) = angle.sin_cos();
    let (ax, ay) = (stretch.sqrt(), 1.0 / stretch.sqrt());
    let points: Vec<Coord> = (0..count)
        .map(|i| {
            let theta = std::f64::consts::TAU * as_f64(i) / as_f64(count);
            let reach = radius
                * (1.0
                    + harmonics
                        .iter()
                        .zip(2..)
                        .map(|((a, phase), k)| a * (f64::from(k) * theta + phase).cos())
                        .sum::<f64>());
            let (px, py) = (reach * theta.cos() * ax, reach * theta.sin() * ay);
            Coord {
                x: center.x + px * cos - py * sin,
                y: center.y + px * sin + py * cos,
            }
        })
        .collect();
    MultiPolygon(vec![polygon_deg(&points)])
}

/// A river of `width` km along `course` (longitude, latitude), meandering gently.
fn river(rng: &mut ChaCha8Rng, course: &[(f64, f64)], width: f64) -> MultiPolygon<f64> {
    let pts: Vec<Coord> = course.iter().map(|&(x, y)| to_km(Coord { x, y })).collect();
    let mut line: Vec<Coord> = Vec::new();
    let amplitude = rng.gen_range(0.04..0.09);
    let wavelength = rng.gen_range(1.2..2.0);
    let phase = rng.gen_range(0.0..std::f64::consts::TAU);
    let mut walked = 0.0;
    for w in pts.windows(2) {
        let [a, b] = w else { continue };
        let len = a.distance(*b);
        if len <= 0.0 {
            continue;
        }
        let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
        let steps = super::field::round_usize((len / 0.2).ceil()).max(1);
        for s in 0..steps {
            let t = len * as_f64(s) / as_f64(steps);
            let along = walked + t;
            let off = amplitude * (std::f64::consts::TAU * along / wavelength + phase).sin();
            line.push(Coord {
                x: a.x + ux * t - uy * off,
                y: a.y + uy * t + ux * off,
            });
        }
        walked += len;
    }
    if let Some(last) = pts.last() {
        line.push(*last);
    }
    if line.len() < 2 {
        return MultiPolygon(vec![]);
    }
    let half = width / 2.0;
    let mut left = Vec::with_capacity(line.len());
    let mut right = Vec::with_capacity(line.len());
    for (i, p) in line.iter().enumerate() {
        let prev = line.get(i.wrapping_sub(1)).unwrap_or(p);
        let next = line.get(i + 1).unwrap_or(p);
        let (dx, dy) = (next.x - prev.x, next.y - prev.y);
        let len = dx.hypot(dy).max(1e-12);
        let (nx, ny) = (-dy / len, dx / len);
        left.push(Coord {
            x: p.x + nx * half,
            y: p.y + ny * half,
        });
        right.push(Coord {
            x: p.x - nx * half,
            y: p.y - ny * half,
        });
    }
    right.reverse();
    left.extend(right);
    MultiPolygon(vec![polygon_deg(&left)])
}

fn boxes_overlap(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    use linzhang_geo::geo::BoundingRect;
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(a), Some(b)) => {
            a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
        }
        _ => false,
    }
}

/// `shape` cut to the union of the villages it overlaps; unchanged when all its vertices are
/// in some village (the union would only add hairline cracks along village edges).
fn clip_to_villages(villages: &[Village<'_>], shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let within = shape.0.iter().all(|p| {
        p.exterior()
            .0
            .iter()
            .all(|c| villages.iter().any(|v| v.outline.contains(to_km(*c))))
    });
    if within {
        return shape.clone();
    }
    let near: Vec<&MultiPolygon<f64>> = villages
        .iter()
        .filter(|v| boxes_overlap(v.shape.boundary, shape))
        .map(|v| v.shape.boundary)
        .collect();
    if near.is_empty() {
        return MultiPolygon(vec![]);
    }
    let land = unary_union(near);
    shape.intersection(&land)
}

/// `shape` without parts smaller than `min_km2` (and their holes smaller than that), oriented;
/// `None` when nothing valid is left.
fn tidy(shape: MultiPolygon<f64>, min_km2: f64) -> Option<MultiPolygon<f64>> {
    let keep: Vec<Polygon<f64>> = shape
        .0
        .into_iter()
        .filter(|p| area_km2(&MultiPolygon(vec![p.clone()])) >= min_km2)
        .map(|p| {
            let (exterior, holes) = p.into_inner();
            let holes = holes
                .into_iter()
                .filter(|h| {
                    let hp = Polygon::new(h.clone(), vec![]);
                    area_km2(&MultiPolygon(vec![hp])) >= min_km2 / 10.0
                })
                .collect();
            Polygon::new(exterior, holes)
        })
        .collect();
    let out = orient(&MultiPolygon(keep));
    (!out.0.is_empty() && out.unsigned_area() > 0.0 && validate(&out).is_ok()).then_some(out)
}
