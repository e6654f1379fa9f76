//! The attributes of one sub-compartment (小班): land class, ownership, forest category and type,
//! origin, dominant species, age group, canopy closure, growing stock and grades, drawn so that
//! they agree with each other and with the place, then aged year by year to the survey year.

use rand::Rng;
use serde_json::Value;

use super::field::{SplitMix, hash3, unit};
use super::places::ReserveKind;

/// The year the generated inventory describes before yearly changes are applied.
pub(super) const BASE_YEAR: i32 = 2020;

/// What a species is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Planted for timber (杉木, 意杨…).
    Plantation,
    /// Grows back by itself on the hills (马尾松, 麻栎…).
    Natural,
    /// Planted for shade, scenery and shelter (香樟, 银杏…).
    Amenity,
    /// Economic forest of this 林种 (fruit, nuts, tea…).
    Economic(&'static str),
}

/// An arbor species: name, weight on hills, weight on plains, use, growing stock (m³/ha) by age
/// group at canopy closure 0.7.
struct Species {
    name: &'static str,
    hill: f64,
    plain: f64,
    kind: Use,
    stock: [f64; 5],
}

const fn sp(name: &'static str, hill: f64, plain: f64, kind: Use, stock: [f64; 5]) -> Species {
    Species {
        name,
        hill,
        plain,
        kind,
        stock,
    }
}

const ARBOR: [Species; 24] = [
    sp(
        "杉木",
        14.0,
        0.5,
        Use::Plantation,
        [25.0, 80.0, 130.0, 170.0, 190.0],
    ),
    sp(
        "马尾松",
        12.0,
        0.5,
        Use::Natural,
        [18.0, 60.0, 95.0, 125.0, 135.0],
    ),
    sp(
        "湿地松",
        4.0,
        1.5,
        Use::Plantation,
        [20.0, 65.0, 100.0, 130.0, 140.0],
    ),
    sp(
        "麻栎",
        10.0,
        0.5,
        Use::Natural,
        [15.0, 50.0, 85.0, 110.0, 125.0],
    ),
    sp(
        "栓皮栎",
        3.0,
        0.0,
        Use::Natural,
        [14.0, 48.0, 80.0, 105.0, 118.0],
    ),
    sp(
        "枫香",
        7.0,
        0.5,
        Use::Natural,
        [15.0, 55.0, 90.0, 120.0, 135.0],
    ),
    sp(
        "阔叶混",
        10.0,
        1.5,
        Use::Natural,
        [15.0, 55.0, 90.0, 115.0, 130.0],
    ),
    sp(
        "针阔混",
        6.0,
        0.0,
        Use::Natural,
        [18.0, 60.0, 95.0, 125.0, 140.0],
    ),
    sp(
        "香樟",
        3.0,
        14.0,
        Use::Amenity,
        [15.0, 55.0, 95.0, 130.0, 150.0],
    ),
    sp(
        "意杨",
        0.0,
        22.0,
        Use::Plantation,
        [25.0, 90.0, 150.0, 190.0, 200.0],
    ),
    sp(
        "水杉",
        1.0,
        16.0,
        Use::Plantation,
        [20.0, 80.0, 130.0, 170.0, 190.0],
    ),
    sp(
        "女贞",
        0.0,
        6.0,
        Use::Amenity,
        [10.0, 40.0, 70.0, 90.0, 100.0],
    ),
    sp(
        "银杏",
        1.0,
        7.0,
        Use::Amenity,
        [10.0, 40.0, 70.0, 95.0, 110.0],
    ),
    sp(
        "榉树",
        1.0,
        6.0,
        Use::Amenity,
        [12.0, 45.0, 80.0, 105.0, 120.0],
    ),
    sp(
        "栾树",
        0.0,
        4.0,
        Use::Amenity,
        [12.0, 45.0, 75.0, 100.0, 110.0],
    ),
    sp(
        "无患子",
        0.0,
        2.0,
        Use::Amenity,
        [12.0, 42.0, 72.0, 95.0, 105.0],
    ),
    sp(
        "桂花",
        0.0,
        3.0,
        Use::Amenity,
        [8.0, 30.0, 50.0, 65.0, 70.0],
    ),
    sp(
        "板栗",
        5.0,
        0.5,
        Use::Economic("152"),
        [8.0, 25.0, 40.0, 50.0, 55.0],
    ),
    sp(
        "杨梅",
        4.0,
        0.5,
        Use::Economic("151"),
        [6.0, 20.0, 35.0, 45.0, 50.0],
    ),
    sp(
        "桃",
        0.5,
        4.0,
        Use::Economic("151"),
        [5.0, 15.0, 25.0, 30.0, 30.0],
    ),
    sp(
        "梨",
        0.0,
        1.5,
        Use::Economic("151"),
        [5.0, 15.0, 25.0, 30.0, 30.0],
    ),
    sp(
        "柿",
        0.5,
        0.5,
        Use::Economic("151"),
        [5.0, 15.0, 25.0, 30.0, 32.0],
    ),
    sp(
        "杜仲",
        0.3,
        0.2,
        Use::Economic("154"),
        [6.0, 20.0, 35.0, 45.0, 50.0],
    ),
    sp(
        "油茶",
        1.0,
        0.0,
        Use::Economic("153"),
        [4.0, 12.0, 20.0, 25.0, 26.0],
    ),
];

fn species(name: &str) -> Option<&'static Species> {
    ARBOR.iter().find(|s| s.name == name)
}

/// The themes a compartment can have: most of its sub-compartments are of this land class and
/// species.
const HILL_THEMES: [(&str, &str); 11] = [
    ("0111", "杉木"),
    ("0111", "马尾松"),
    ("0111", "麻栎"),
    ("0111", "枫香"),
    ("0111", "阔叶混"),
    ("0111", "针阔混"),
    ("0113", "毛竹"),
    ("0113", "毛竹"),
    ("0131", "茶"),
    ("0111", "板栗"),
    ("0111", "杨梅"),
];
const PLAIN_THEMES: [(&str, &str); 10] = [
    ("0111", "意杨"),
    ("0111", "意杨"),
    ("0111", "水杉"),
    ("0111", "香樟"),
    ("0111", "香樟"),
    ("0111", "银杏"),
    ("0111", "榉树"),
    ("0111", "女贞"),
    ("0111", "桃"),
    ("0111", "栾树"),
];

/// Land classes and their weights on hills and on plains.
const LAND_CLASSES: [(&str, f64, f64); 22] = [
    ("0111", 57.0, 73.0),
    ("0113", 18.0, 3.0),
    ("0120", 1.5, 0.5),
    ("0131", 4.0, 0.5),
    ("0132", 3.0, 1.5),
    ("0141", 3.0, 6.0),
    ("0142", 1.0, 0.0),
    ("0150", 0.6, 2.0),
    ("0161", 1.5, 1.0),
    ("0162", 0.2, 0.0),
    ("0163", 0.5, 0.5),
    ("0171", 2.0, 0.3),
    ("0173", 0.3, 2.0),
    ("0180", 0.5, 0.8),
    ("0210", 1.0, 2.0),
    ("0220", 0.2, 0.2),
    ("0230", 0.5, 1.0),
    ("0240", 1.0, 0.5),
    ("0251", 0.3, 0.5),
    ("0252", 0.5, 1.0),
    ("0253", 0.5, 0.8),
    ("0254", 0.2, 0.2),
];

/// Everything about the place of a sub-compartment that its attributes depend on.
#[derive(Debug, Clone, Copy)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent facts about a place"
)]
pub(super) struct Setting {
    /// Hilliness in [0, 1].
    pub(super) hill: f64,
    /// Smooth noise in [0, 1] that decides public-welfare forest, so that it comes in patches.
    pub(super) welfare: f64,
    /// The reserve the sub-compartment lies in, and whether in its core zone.
    pub(super) reserve: Option<(ReserveKind, bool)>,
    /// Next to a river.
    pub(super) riverside: bool,
    /// In a city district or a street (街道).
    pub(super) urban: bool,
    /// In 阳山镇, the peach town.
    pub(super) peaches: bool,
    /// The compartment's theme, as a number to pick with.
    pub(super) theme: u64,
    /// The compartment belongs to a state forest farm.
    pub(super) state: bool,
    /// Seed of this sub-compartment's own draws.
    pub(super) seed: u64,
}

/// A sub-compartment's attributes apart from where it is and how large.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stand {
    pub(super) di_lei: &'static str,
    ld_qs: &'static str,
    lm_qs: Option<&'static str>,
    lin_zhong: Option<&'static str>,
    qi_yuan: Option<&'static str>,
    pub(super) species: Option<&'static str>,
    ling_zu: Option<u8>,
    yu_bi_du: f64,
    /// m³/ha at [`BASE_YEAR`].
    stock: f64,
    sen_lin_lb: Option<&'static str>,
    shi_quan_d: Option<&'static str>,
    bh_dj: Option<&'static str>,
    zl_dj: Option<&'static str>,
    gjgyl_bhdj: Option<&'static str>,
    bg_yy: Option<&'static str>,
    /// The year of the last change, for the yearly model.
    changed: i32,
}

fn pick<'a, T>(rng: &mut SplitMix, items: &'a [(T, f64)]) -> Option<&'a T> {
    let total: f64 = items.iter().map(|(_, w)| w.max(0.0)).sum();
    if total <= 0.0 {
        return items.first().map(|(t, _)| t);
    }
    let mut x = rng.gen_range(0.0..total);
    for (t, w) in items {
        let w = w.max(0.0);
        if x < w {
            return Some(t);
        }
        x -= w;
    }
    items.last().map(|(t, _)| t)
}

fn pick_str(rng: &mut SplitMix, items: &[(&'static str, f64)]) -> &'static str {
    pick(rng, items).copied().unwrap_or("")
}

fn round_to(x: f64, digits: i32) -> f64 {
    let f = 10_f64.powi(digits);
    (x * f).round() / f
}

fn is_vegetated(di_lei: &str) -> bool {
    matches!(
        di_lei,
        "0111" | "0112" | "0113" | "0120" | "0131" | "0132" | "0141" | "0142"
    )
}

impl Stand {
    /// Draws the stand of a sub-compartment at `setting` as it was in [`BASE_YEAR`].
    pub(super) fn draw(s: &Setting) -> Self {
        let mut rng = SplitMix(s.seed);
        let hills = rng.gen_bool(((s.hill - 0.25) / 0.35).clamp(0.02, 0.98));
        let (di_lei, species) = land_and_species(&mut rng, s, hills);
        let mut st = Stand {
            di_lei,
            ld_qs: "2",
            lm_qs: None,
            lin_zhong: None,
            qi_yuan: None,
            species,
            ling_zu: None,
            yu_bi_du: 0.0,
            stock: 0.0,
            sen_lin_lb: None,
            shi_quan_d: None,
            bh_dj: None,
            zl_dj: None,
            gjgyl_bhdj: None,
            bg_yy: None,
            changed: BASE_YEAR,
        };
        st.ld_qs = if s.state || (matches!(s.reserve, Some((_, true))) && rng.gen_bool(0.5)) {
            "1"
        } else {
            "2"
        };
        if di_lei.starts_with("02") {
            return st;
        }
        st.category(&mut rng, s, hills);
        st.forest_type(&mut rng, s, hills);
        st.growth(&mut rng, s);
        st.grades(&mut rng, s, hills);
        st.tree_owner(&mut rng);
        st
    }

    fn economic(&self) -> bool {
        self.lin_zhong.is_some_and(|l| l.starts_with("15"))
            || self.species.is_some_and(|name| {
                matches!(name, "茶" | "蓝莓" | "桑" | "雷竹")
                    || species(name).is_some_and(|sp| matches!(sp.kind, Use::Economic(_)))
            })
    }

    /// 森林类别 (and 事权等级, 国家级公益林保护等级).
    fn category(&mut self, rng: &mut SplitMix, s: &Setting, hills: bool) {
        let commercial_only = self.economic()
            || matches!(self.di_lei, "0150" | "0161" | "0180")
            || self.species.is_some_and(|n| n == "意杨");
        let public = match s.reserve {
            Some((kind, _)) => kind.wooded() || rng.gen_bool(0.7),
            None if commercial_only => false,
            None => {
                let p = if hills {
                    (0.15 + 0.75 * s.hill).min(0.85)
                } else {
                    0.28
                };
                // The smooth noise is mostly within 0.25..0.75: spread it over 0..1.
                ((s.welfare - 0.25) / 0.5).clamp(0.0, 1.0) < p
            }
        };
        let national = public
            && match s.reserve {
                Some((ReserveKind::NatureReserve, _)) => true,
                Some((ReserveKind::WetlandPark, _)) => false,
                Some(_) => rng.gen_bool(0.5),
                None => hills && s.hill > 0.55 && rng.gen_bool(0.45),
            };
        self.sen_lin_lb = Some(match (public, national) {
            (true, true) => "11",
            (true, false) => "12",
            (false, _) => {
                let timber = self
                    .species
                    .and_then(species)
                    .is_some_and(|sp| sp.kind == Use::Plantation);
                if timber && rng.gen_bool(0.5) {
                    "21"
                } else {
                    "22"
                }
            }
        });
        self.shi_quan_d = match self.sen_lin_lb {
            Some("11") => Some("10"),
            Some("12") => Some(match s.reserve {
                Some((_, _)) => "21",
                None => pick_str(rng, &[("21", 25.0), ("22", 30.0), ("23", 45.0)]),
            }),
            _ => None,
        };
        if self.sen_lin_lb == Some("11") {
            self.gjgyl_bhdj = Some(match s.reserve {
                Some((_, true)) => "1",
                Some((ReserveKind::NatureReserve, false)) => {
                    pick_str(rng, &[("1", 30.0), ("2", 70.0)])
                }
                _ if s.hill > 0.7 => pick_str(rng, &[("2", 60.0), ("3", 40.0)]),
                _ => pick_str(rng, &[("2", 40.0), ("3", 60.0)]),
            });
        }
    }

    /// 林种 and 起源.
    fn forest_type(&mut self, rng: &mut SplitMix, s: &Setting, hills: bool) {
        if !is_vegetated(self.di_lei) {
            return;
        }
        let public = matches!(self.sen_lin_lb, Some("11" | "12"));
        let sp = self.species.and_then(species);
        self.lin_zhong = Some(if public {
            match s.reserve {
                Some((ReserveKind::NatureReserve, _)) => "127",
                Some((ReserveKind::WetlandPark, _)) | None if s.riverside => "115",
                Some(_) => "125",
                None if hills => pick_str(
                    rng,
                    &[
                        ("112", 52.0),
                        ("111", 30.0),
                        ("125", 10.0),
                        ("117", 5.0),
                        ("126", 1.0),
                        ("123", 1.0),
                        ("122", 1.0),
                    ],
                ),
                None if s.urban => pick_str(rng, &[("124", 40.0), ("125", 40.0), ("116", 20.0)]),
                None => pick_str(
                    rng,
                    &[
                        ("114", 35.0),
                        ("116", 25.0),
                        ("115", 15.0),
                        ("124", 15.0),
                        ("125", 10.0),
                    ],
                ),
            }
        } else {
            match (sp.map(|sp| sp.kind), self.species) {
                (Some(Use::Economic(code)), _) => code,
                (_, Some("茶" | "雷竹" | "早园竹")) => "152",
                (_, Some("蓝莓")) => "151",
                (_, Some("桑")) => "155",
                (_, Some("毛竹")) => pick_str(rng, &[("133", 60.0), ("152", 40.0)]),
                (_, Some("意杨")) => pick_str(rng, &[("131", 50.0), ("132", 50.0)]),
                (_, Some("杉木")) => pick_str(rng, &[("132", 50.0), ("133", 50.0)]),
                (_, Some("湿地松" | "马尾松")) => {
                    pick_str(rng, &[("153", 25.0), ("133", 75.0)])
                }
                (_, Some("麻栎")) => pick_str(rng, &[("140", 20.0), ("133", 80.0)]),
                _ if self.di_lei == "0132" => pick_str(rng, &[("140", 40.0), ("155", 60.0)]),
                _ => "133",
            }
        });
        let natural = sp.is_some_and(|sp| sp.kind == Use::Natural)
            || matches!(
                self.species,
                Some("毛竹" | "白栎" | "檵木" | "映山红" | "其他灌木")
            );
        self.qi_yuan = Some(match self.di_lei {
            "0141" => "21",
            "0142" => pick_str(rng, &[("11", 60.0), ("13", 40.0)]),
            "0120" => pick_str(rng, &[("11", 60.0), ("13", 20.0), ("21", 20.0)]),
            _ if natural && hills => {
                let coppice = if self.species == Some("麻栎") {
                    40.0
                } else {
                    20.0
                };
                pick_str(
                    rng,
                    &[("11", 40.0), ("13", coppice), ("12", 8.0), ("21", 27.0)],
                )
            }
            _ if natural => pick_str(rng, &[("11", 30.0), ("21", 70.0)]),
            _ if self.species == Some("杉木") => {
                pick_str(rng, &[("21", 80.0), ("24", 15.0), ("11", 5.0)])
            }
            _ if self.economic() => pick_str(rng, &[("21", 95.0), ("22", 5.0)]),
            _ => pick_str(rng, &[("21", 92.0), ("22", 4.0), ("12", 4.0)]),
        });
    }

    /// 龄组, 郁闭度 and 每公顷蓄积.
    fn growth(&mut self, rng: &mut SplitMix, s: &Setting) {
        match self.di_lei {
            "0111" => {
                let sp = self.species.and_then(species);
                if self.economic() {
                    self.yu_bi_du = round_to(rng.gen_range(0.3..0.7), 2);
                    let stage = rng.gen_range(1..4_usize);
                    self.stock = sp.map_or(0.0, |sp| sp.stock[stage]) * rng.gen_range(0.8..1.2);
                } else {
                    let weights: [(u8, f64); 5] = if self.species == Some("意杨") {
                        [(1, 30.0), (2, 45.0), (3, 20.0), (4, 5.0), (5, 0.5)]
                    } else if s.reserve.is_some() {
                        [(1, 6.0), (2, 28.0), (3, 28.0), (4, 26.0), (5, 12.0)]
                    } else {
                        [(1, 14.0), (2, 40.0), (3, 24.0), (4, 16.0), (5, 6.0)]
                    };
                    let lz = pick(rng, &weights).copied().unwrap_or(2);
                    self.ling_zu = Some(lz);
                    let (lo, hi) = match lz {
                        1 => (0.25, 0.55),
                        2 => (0.45, 0.8),
                        3 | 4 => (0.55, 0.9),
                        _ => (0.45, 0.85),
                    };
                    self.yu_bi_du = round_to(rng.gen_range(lo..hi), 2);
                    let base = sp.map_or(60.0, |sp| sp.stock[usize::from(lz - 1)]);
                    self.stock = base * (self.yu_bi_du / 0.7).powf(0.8) * rng.gen_range(0.85..1.15);
                }
            }
            "0113" => self.yu_bi_du = round_to(rng.gen_range(0.55..0.9), 2),
            "0120" => {
                self.yu_bi_du = round_to(rng.gen_range(0.1..0.19), 2);
                self.stock = rng.gen_range(4.0..18.0);
            }
            _ => {}
        }
    }

    /// 林地保护等级 and 林地质量等级.
    fn grades(&mut self, rng: &mut SplitMix, s: &Setting, hills: bool) {
        self.bh_dj = Some(match (s.reserve, self.sen_lin_lb) {
            (Some((_, true)), _) => "1",
            (Some(_), _) => "2",
            _ if matches!(self.di_lei, "0150" | "0180") => "4",
            (None, Some("11")) => pick_str(rng, &[("2", 85.0), ("3", 15.0)]),
            (None, Some("12")) if hills => pick_str(rng, &[("2", 50.0), ("3", 50.0)]),
            (None, Some("12")) => pick_str(rng, &[("3", 80.0), ("4", 20.0)]),
            _ if hills => pick_str(rng, &[("3", 85.0), ("4", 15.0)]),
            _ => pick_str(rng, &[("4", 60.0), ("3", 40.0)]),
        });
        self.zl_dj = Some(if matches!(self.di_lei, "0171" | "0163") {
            pick_str(rng, &[("3", 40.0), ("4", 40.0), ("5", 20.0)])
        } else if hills {
            pick_str(
                rng,
                &[
                    ("1", 8.0),
                    ("2", 35.0),
                    ("3", 37.0),
                    ("4", 16.0),
                    ("5", 4.0),
                ],
            )
        } else {
            pick_str(
                rng,
                &[
                    ("1", 18.0),
                    ("2", 42.0),
                    ("3", 30.0),
                    ("4", 9.0),
                    ("5", 1.0),
                ],
            )
        });
    }

    /// 林木所有权.
    fn tree_owner(&mut self, rng: &mut SplitMix) {
        self.lm_qs = if !is_vegetated(self.di_lei) && self.di_lei != "0150" {
            None
        } else if self.ld_qs == "1" {
            Some(pick_str(rng, &[("1", 90.0), ("4", 10.0)]))
        } else if self.di_lei == "0150" {
            Some(pick_str(rng, &[("4", 50.0), ("3", 50.0)]))
        } else if self.economic() || matches!(self.di_lei, "0113" | "0131") {
            Some(pick_str(rng, &[("3", 55.0), ("2", 35.0), ("4", 10.0)]))
        } else {
            Some(pick_str(rng, &[("2", 60.0), ("3", 28.0), ("4", 12.0)]))
        };
    }

    /// Ages the stand from [`BASE_YEAR`] to `year`: mature commercial forest is felled and
    /// replanted, barren land afforested, young plantations close, rarely a fire, now and then
    /// forest on the plains is built on and farmland returned to forest; growing stock
    /// grows about 2.5 % a year. `BG_YY` names a change made in `year` itself.
    pub(super) fn in_year(mut self, year: i32, s: &Setting) -> Self {
        let mut growth_years = year - BASE_YEAR;
        for y in (BASE_YEAR + 1)..=year {
            let u = unit(hash3(s.seed, i64::from(y), 0x00C4_A7E5));
            let v = unit(hash3(s.seed, i64::from(y), 0x0005_EED5));
            let commercial = matches!(self.sen_lin_lb, Some("21" | "22"));
            let reason = match self.di_lei {
                "0111"
                    if commercial
                        && !self.economic()
                        && self.ling_zu.is_some_and(|l| l >= 4)
                        && u < 0.05 =>
                {
                    self.clear("0161");
                    Some("采伐")
                }
                "0111" if u < 0.0003 => {
                    self.clear("0162");
                    Some("火灾")
                }
                // Forest land lost to building on the plains, and farmland returned to forest:
                // what the change analysis between survey years is for.
                "0111" | "0113" if commercial && s.hill < 0.4 && u > 0.9985 => {
                    self.clear(if v < 0.5 { "0252" } else { "0253" });
                    // No longer forest land: no forest category, type or grades.
                    self.sen_lin_lb = None;
                    self.shi_quan_d = None;
                    self.gjgyl_bhdj = None;
                    self.lin_zhong = None;
                    self.lm_qs = None;
                    self.qi_yuan = None;
                    self.bh_dj = None;
                    self.zl_dj = None;
                    Some("建设占用")
                }
                "0210" if u < 0.05 => {
                    self.plant(v, s.hill);
                    // Returned farmland becomes local public-welfare forest, county level.
                    self.sen_lin_lb = Some("12");
                    self.shi_quan_d = Some("23");
                    self.bh_dj = Some("4");
                    Some("退耕还林")
                }
                "0161" | "0162" if y > self.changed && u < 0.7 => {
                    self.plant(v, s.hill);
                    Some("更新造林")
                }
                "0171" | "0173" if u < 0.06 => {
                    self.plant(v, s.hill);
                    self.sen_lin_lb = self.sen_lin_lb.or(Some("12"));
                    Some("人工造林")
                }
                "0141" if y - self.changed >= 3 && u < 0.5 => {
                    self.di_lei = "0111";
                    self.ling_zu = Some(1);
                    self.yu_bi_du = round_to(0.25 + 0.15 * v, 2);
                    self.stock = 6.0 + 8.0 * v;
                    growth_years = year - y;
                    Some("未成林地成林")
                }
                _ => None,
            };
            if let Some(reason) = reason {
                self.changed = y;
                self.bg_yy = (y == year).then_some(reason);
            }
        }
        if growth_years != 0 && self.stock > 0.0 {
            self.stock *= 1.025_f64.powi(growth_years);
        }
        self
    }

    /// Felled or burned: no trees left.
    fn clear(&mut self, di_lei: &'static str) {
        self.di_lei = di_lei;
        self.species = None;
        self.ling_zu = None;
        self.yu_bi_du = 0.0;
        self.stock = 0.0;
        self.qi_yuan = None;
        self.lin_zhong = None;
        self.lm_qs = None;
    }

    /// Planted with trees not yet closed.
    fn plant(&mut self, v: f64, hill: f64) {
        let choices: [&'static str; 4] = if hill > 0.45 {
            ["杉木", "枫香", "马尾松", "香樟"]
        } else {
            ["意杨", "水杉", "香樟", "榉树"]
        };
        let i = super::field::round_usize((v * 3.99).floor()).min(3);
        self.di_lei = "0141";
        self.species = choices.get(i).copied();
        self.qi_yuan = Some("21");
        self.ling_zu = None;
        self.yu_bi_du = 0.0;
        self.stock = 0.0;
        self.lin_zhong = Some(match self.sen_lin_lb {
            Some("11" | "12") if hill > 0.45 => "112",
            Some("11" | "12") => "114",
            _ if self.species == Some("意杨") => "131",
            _ => "133",
        });
        if self.lm_qs.is_none() {
            self.lm_qs = Some(if self.ld_qs == "1" { "1" } else { "2" });
        }
    }

    /// The attribute columns, in the order of a real sub-compartment table.
    pub(super) fn columns(
        &self,
        place: [&str; 4],
        lin_ban: String,
        xiao_ban: String,
        area_ha: f64,
    ) -> Vec<(String, Value)> {
        let [xian, xiang, cun, sheng] = place;
        let code = |v: Option<&str>| v.map_or(Value::Null, |s| Value::String(s.to_owned()));
        let mei = if self.stock > 0.0 {
            round_to(self.stock, 1)
        } else {
            0.0
        };
        let huo = round_to(mei * area_ha, 1);
        let cols: [(&str, Value); 23] = [
            ("SHENG", Value::String(sheng.to_owned())),
            ("XIAN", Value::String(xian.to_owned())),
            ("XIANG", Value::String(xiang.to_owned())),
            ("CUN", Value::String(cun.to_owned())),
            ("LIN_BAN", Value::String(lin_ban)),
            ("XIAO_BAN", Value::String(xiao_ban)),
            ("DI_LEI", Value::String(self.di_lei.to_owned())),
            ("LD_QS", Value::String(self.ld_qs.to_owned())),
            ("LM_QS", code(self.lm_qs)),
            ("LIN_ZHONG", code(self.lin_zhong)),
            ("QI_YUAN", code(self.qi_yuan)),
            ("YOU_SHI_SZ", code(self.species)),
            (
                "LING_ZU",
                self.ling_zu
                    .map_or(Value::Null, |l| Value::String(l.to_string())),
            ),
            ("YU_BI_DU", Value::from(self.yu_bi_du)),
            ("MIAN_JI", Value::from(area_ha)),
            ("HUO_LMGQXJ", Value::from(huo)),
            ("MEI_GQ_XJ", Value::from(mei)),
            ("SEN_LIN_LB", code(self.sen_lin_lb)),
            ("SHI_QUAN_D", code(self.shi_quan_d)),
            ("BH_DJ", code(self.bh_dj)),
            ("ZL_DJ", code(self.zl_dj)),
            ("GJGYL_BHDJ", code(self.gjgyl_bhdj)),
            ("BG_YY", code(self.bg_yy)),
        ];
        cols.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }
}

/// The land class, and the species where it has one.
fn land_and_species(
    rng: &mut SplitMix,
    s: &Setting,
    hills: bool,
) -> (&'static str, Option<&'static str>) {
    let themes: &[(&str, &str)] = if s.peaches && !hills {
        &[
            ("0111", "桃"),
            ("0111", "桃"),
            ("0111", "意杨"),
            ("0111", "香樟"),
        ]
    } else if hills {
        &HILL_THEMES
    } else {
        &PLAIN_THEMES
    };
    let n = u64::try_from(themes.len()).unwrap_or(1).max(1);
    let theme = themes
        .get(usize::try_from(s.theme % n).unwrap_or(0))
        .copied();
    if let Some((di_lei, name)) = theme.filter(|_| rng.gen_bool(0.55)) {
        return (di_lei, Some(name));
    }
    let classes: Vec<(&'static str, f64)> = LAND_CLASSES
        .iter()
        .map(|&(c, h, p)| {
            let w = if hills { h } else { p };
            // Reserves keep their land wooded.
            let allowed = s.reserve.is_none()
                || !(c.starts_with("02") || matches!(c, "0150" | "0161" | "0180"));
            (c, if allowed { w } else { 0.0 })
        })
        .collect();
    let di_lei = pick_str(rng, &classes);
    let name = match di_lei {
        "0111" => {
            let w: Vec<(&'static str, f64)> = ARBOR
                .iter()
                .map(|sp| (sp.name, if hills { sp.hill } else { sp.plain }))
                .collect();
            Some(pick_str(rng, &w))
        }
        "0113" if hills => Some(pick_str(rng, &[("毛竹", 92.0), ("雷竹", 8.0)])),
        "0113" => Some(pick_str(
            rng,
            &[("早园竹", 45.0), ("毛竹", 35.0), ("刚竹", 20.0)],
        )),
        "0120" => Some(pick_str(
            rng,
            &[("马尾松", 50.0), ("麻栎", 30.0), ("枫香", 20.0)],
        )),
        "0131" => Some(pick_str(rng, &[("茶", 75.0), ("蓝莓", 12.0), ("桑", 13.0)])),
        "0132" if hills => Some(pick_str(
            rng,
            &[
                ("白栎", 35.0),
                ("檵木", 25.0),
                ("映山红", 15.0),
                ("其他灌木", 25.0),
            ],
        )),
        "0132" => Some(pick_str(rng, &[("紫穗槐", 30.0), ("其他灌木", 70.0)])),
        "0141" if hills => Some(pick_str(
            rng,
            &[
                ("杉木", 35.0),
                ("枫香", 25.0),
                ("马尾松", 15.0),
                ("香樟", 25.0),
            ],
        )),
        "0141" => Some(pick_str(
            rng,
            &[
                ("意杨", 30.0),
                ("水杉", 25.0),
                ("香樟", 20.0),
                ("榉树", 15.0),
                ("无患子", 10.0),
            ],
        )),
        "0142" => Some(pick_str(
            rng,
            &[("马尾松", 40.0), ("麻栎", 35.0), ("枫香", 25.0)],
        )),
        "0150" => Some(pick_str(
            rng,
            &[
                ("桂花", 30.0),
                ("香樟", 20.0),
                ("红枫", 15.0),
                ("榉树", 15.0),
                ("紫薇", 10.0),
                ("红叶石楠", 10.0),
            ],
        )),
        _ => None,
    };
    (di_lei, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(seed: u64, hill: f64) -> Setting {
        Setting {
            hill,
            welfare: 0.5,
            reserve: None,
            riverside: false,
            urban: false,
            peaches: false,
            theme: seed,
            state: false,
            seed,
        }
    }

    #[test]
    fn stands_are_consistent() {
        for seed in 0..3_000 {
            let s = setting(seed, if seed % 2 == 0 { 0.8 } else { 0.15 });
            let st = Stand::draw(&s).in_year(2024, &s);
            let public = matches!(st.sen_lin_lb, Some("11" | "12"));
            assert_eq!(st.shi_quan_d.is_some(), public, "{st:?}");
            assert_eq!(
                st.gjgyl_bhdj.is_some(),
                st.sen_lin_lb == Some("11"),
                "{st:?}"
            );
            if st.di_lei == "0111" {
                assert!((0.2..=0.9).contains(&st.yu_bi_du), "{st:?}");
                assert!(st.stock > 0.0 && st.species.is_some(), "{st:?}");
            } else if st.di_lei != "0120" {
                assert!(st.stock.abs() < f64::EPSILON, "{st:?}");
            }
            if st.di_lei.starts_with("02") {
                assert!(st.sen_lin_lb.is_none() && st.species.is_none(), "{st:?}");
            }
            if st.lin_zhong.is_some_and(|l| l.starts_with("15")) {
                assert!(matches!(st.sen_lin_lb, Some("21" | "22")), "{st:?}");
            }
        }
    }
}
