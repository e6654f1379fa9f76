//! The demo city as data: everything [`crate::load`] writes, computed up front from the seed
//! without touching the store, so the same seed always gives the same city.

use anyhow::{Context, ensure};
use chrono::{Months, NaiveDate};
use linzhang_domain::{FourSides, GridCode, PostKind, StaffKind, TeamLevel};
use linzhang_geo::geo::MultiPolygon;
use linzhang_geo::{bbox, geodesic_area_m2, to_wkb, voronoi_partition};
use linzhang_store::{NewArea, NewGrid, NewPost, NewTeam, Shape};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::DemoOptions;
use crate::data::{self, CITY_CODE, CITY_NAME, County, Town};
use crate::names::{self, PersonNames};

/// The day the first town chiefs hand over to their successors, so that post history has
/// something to show.
pub const HANDOVER: NaiveDate = match NaiveDate::from_ymd_opt(2024, 3, 1) {
    Some(d) => d,
    None => unreachable!(),
};

// Duties, quoted or adapted from the city's work plan (4.3.2.2 明确工作职责).
const DUTIES_CITY_GENERAL: &str = "负责组织领导全市森林资源保护发展工作，承担全面建立林长制的总指挥、总督导职责；\
     每年主持召开会议不少于1次，组织开展全面督查不少于1次。";
const DUTIES_CITY_DEPUTY: &str = "协助总林长组织领导全市森林资源保护发展工作，承担全面建立林长制的总指挥、总督导职责，\
     负责分管领域森林资源保护发展工作。";
const DUTIES_CHIEF: &str = "负责本辖区内的森林资源保护发展工作，落实保护发展森林资源目标责任制；\
     组织落实森林防灭火、重大有害生物防治责任和措施，强化林业行政执法；协调解决林长制推行过程中的重大问题。";
const DUTIES_DEPUTY: &str = "协助林长负责本辖区内的森林资源保护发展工作，组织落实森林防灭火、\
     重大有害生物防治责任和措施，督促检查林长制各项任务落实。";
const DUTIES_VILLAGE_CHIEF: &str = "负责本村（社区）网格内的森林资源保护发展工作，落实网格化管理责任，\
     组织护林员开展日常巡护，及时发现、报告和制止破坏森林资源的行为。";
const DUTIES_VILLAGE_DEPUTY: &str =
    "协助林长负责本村（社区）网格内的森林资源保护工作，组织开展巡护检查和森林防火宣传。";

/// Resource types (code table `resource_type`) an area may have besides `forest_land`.
const EXTRA_RESOURCE_TYPES: [&str; 5] = [
    "wetland",
    "nature_reserve",
    "public_welfare_forest",
    "ancient_trees",
    "urban_green",
];

/// A person to create, attached to `grid`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonPlan {
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub grid: GridCode,
}

/// A post and its holders, oldest first, each from a start date.
#[derive(Debug, Clone)]
pub struct PostPlan {
    pub post: NewPost,
    pub terms: Vec<(PersonPlan, NaiveDate)>,
}

/// A ranger team; `parent` is an index into [`Plan::teams`].
#[derive(Debug, Clone)]
pub struct TeamPlan {
    pub team: NewTeam,
    pub parent: Option<usize>,
}

/// A staff member; `team` is an index into [`Plan::teams`].
#[derive(Debug, Clone)]
pub struct StaffPlan {
    pub person: PersonPlan,
    pub kind: StaffKind,
    pub team: Option<usize>,
    pub start: NaiveDate,
}

/// Everything to write, in an order that satisfies every reference.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Parents before children.
    pub grids: Vec<NewGrid>,
    pub posts: Vec<PostPlan>,
    /// Parents before children.
    pub teams: Vec<TeamPlan>,
    pub staff: Vec<StaffPlan>,
    pub areas: Vec<NewArea>,
}

impl Plan {
    pub fn people(&self) -> usize {
        self.posts.iter().map(|p| p.terms.len()).sum::<usize>() + self.staff.len()
    }

    pub fn grids_by_level(&self) -> [usize; 4] {
        let mut out = [0; 4];
        for g in &self.grids {
            let i = usize::try_from(g.code.level().depth() - 1).unwrap_or_default();
            if let Some(n) = out.get_mut(i) {
                *n += 1;
            }
        }
        out
    }
}

/// Plans the whole demo city for `opts.seed`.
pub fn build(opts: &DemoOptions) -> anyhow::Result<Plan> {
    let mut p = Planner {
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
        names: PersonNames::default(),
        start: opts.start_date,
        plan: Plan::default(),
    };
    let city_code = GridCode::parse(CITY_CODE)?;
    let city = data::city_outline()?;
    p.grid(&city_code, CITY_NAME, None, &city, false)?;
    p.city_posts(&city_code);

    let towns = data::towns()?;
    for county in data::counties()? {
        let mine: Vec<&Town> = towns.iter().filter(|t| t.county == county.code).collect();
        p.county(&city_code, &county, &mine)?;
    }
    Ok(p.plan)
}

/// What kind of town-level unit a name denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TownKind {
    /// 街道: its villages are communities (社区).
    Street,
    /// 镇.
    Town,
    /// 开发区, 园区 and the like.
    Zone,
}

impl TownKind {
    fn of(name: &str) -> Self {
        if name.ends_with("街道") {
            TownKind::Street
        } else if name.ends_with('镇') {
            TownKind::Town
        } else {
            TownKind::Zone
        }
    }
}

struct Planner {
    rng: ChaCha8Rng,
    names: PersonNames,
    start: NaiveDate,
    plan: Plan,
}

impl Planner {
    fn grid(
        &mut self,
        code: &GridCode,
        name: &str,
        parent: Option<&GridCode>,
        boundary: &MultiPolygon<f64>,
        generated: bool,
    ) -> anyhow::Result<()> {
        self.plan.grids.push(NewGrid {
            code: code.clone(),
            name: name.to_owned(),
            parent: parent.cloned(),
            boundary: Some(shape(boundary).with_context(|| format!("grid {code}"))?),
            generated,
        });
        Ok(())
    }

    fn person(&mut self, grid: &GridCode, unit: &str) -> PersonPlan {
        PersonPlan {
            name: self.names.draw(&mut self.rng),
            phone: names::phone(&mut self.rng),
            unit: unit.to_owned(),
            grid: grid.clone(),
        }
    }

    /// A post held by one new person from the start date.
    fn post(&mut self, grid: &GridCode, kind: PostKind, title: &str, duties: &str, unit: &str) {
        let holder = self.person(grid, unit);
        self.plan.posts.push(PostPlan {
            post: NewPost {
                grid_code: grid.clone(),
                kind,
                title: title.to_owned(),
                duties: duties.to_owned(),
            },
            terms: vec![(holder, self.start)],
        });
    }

    fn team(
        &mut self,
        grid: &GridCode,
        level: TeamLevel,
        name: String,
        parent: Option<usize>,
    ) -> usize {
        self.plan.teams.push(TeamPlan {
            team: NewTeam {
                grid_code: grid.clone(),
                level,
                name,
                parent_id: None,
            },
            parent,
        });
        self.plan.teams.len() - 1
    }

    fn staff(&mut self, grid: &GridCode, kind: StaffKind, unit: &str, team: Option<usize>) {
        let person = self.person(grid, unit);
        self.plan.staff.push(StaffPlan {
            person,
            kind,
            team,
            start: self.start,
        });
    }

    fn city_posts(&mut self, city: &GridCode) {
        use PostKind::{ChiefGeneral, DeputyChiefGeneral};
        let party = format!("中共{CITY_NAME}委");
        let government = format!("{CITY_NAME}人民政府");
        let posts = [
            (ChiefGeneral, "市委书记", DUTIES_CITY_GENERAL, &party),
            (ChiefGeneral, "市长", DUTIES_CITY_GENERAL, &government),
            (DeputyChiefGeneral, "市委副书记", DUTIES_CITY_DEPUTY, &party),
            (
                DeputyChiefGeneral,
                "常务副市长",
                DUTIES_CITY_DEPUTY,
                &government,
            ),
            (
                DeputyChiefGeneral,
                "副市长",
                DUTIES_CITY_DEPUTY,
                &government,
            ),
        ];
        for (kind, title, duties, unit) in posts {
            self.post(city, kind, title, duties, unit);
        }
    }

    fn county(&mut self, city: &GridCode, county: &County, towns: &[&Town]) -> anyhow::Result<()> {
        let code = &county.code;
        let name = county.name.as_str();
        self.grid(code, name, Some(city), &county.outline, false)?;

        // 江阴市 and 宜兴市 are county-level cities; the rest are districts.
        let (secretary, head, deputy) = if name.ends_with('市') {
            ("市委书记", "市长", "副市长")
        } else {
            ("区委书记", "区长", "副区长")
        };
        let party = format!("中共{name}委");
        let government = format!("{name}人民政府");
        self.post(code, PostKind::Chief, secretary, DUTIES_CHIEF, &party);
        self.post(code, PostKind::Chief, head, DUTIES_CHIEF, &government);
        self.post(
            code,
            PostKind::DeputyChief,
            deputy,
            DUTIES_DEPUTY,
            &government,
        );
        let brigade = self.team(code, TeamLevel::Brigade, format!("{name}护林大队"), None);

        let seed = self.rng.r#gen::<u64>();
        let cells = voronoi_partition(&county.outline, towns.len(), seed);
        ensure!(
            cells.len() == towns.len(),
            "could not split {name} into {} towns",
            towns.len()
        );
        for (town, cell) in towns.iter().zip(&cells) {
            self.town(county, town, cell, brigade)?;
        }
        Ok(())
    }

    fn town(
        &mut self,
        county: &County,
        town: &Town,
        cell: &MultiPolygon<f64>,
        brigade: usize,
    ) -> anyhow::Result<()> {
        let code = &town.code;
        let name = town.name.as_str();
        self.grid(code, name, Some(&county.code), cell, true)?;

        let kind = TownKind::of(name);
        let (secretary, head, deputy, unit) = match kind {
            TownKind::Street => (
                "党工委书记",
                "街道办事处主任",
                "分管副主任",
                format!("{name}办事处"),
            ),
            TownKind::Town => ("党委书记", "镇长", "副镇长", format!("{name}人民政府")),
            TownKind::Zone => (
                "党工委书记",
                "管委会主任",
                "管委会副主任",
                format!("{name}管理委员会"),
            ),
        };
        // The first chief post changes hands once, so its history has two terms.
        let first = self.person(code, &unit);
        let second = self.person(code, &unit);
        let handover = handover_after(self.start);
        self.plan.posts.push(PostPlan {
            post: NewPost {
                grid_code: code.clone(),
                kind: PostKind::Chief,
                title: secretary.to_owned(),
                duties: DUTIES_CHIEF.to_owned(),
            },
            terms: vec![(first, self.start), (second, handover)],
        });
        self.post(code, PostKind::Chief, head, DUTIES_CHIEF, &unit);
        self.post(code, PostKind::DeputyChief, deputy, DUTIES_DEPUTY, &unit);

        let squadron = self.team(
            code,
            TeamLevel::Squadron,
            format!("{name}护林中队"),
            Some(brigade),
        );
        let county_name = county.name.as_str();
        self.staff(
            code,
            StaffKind::Technician,
            &format!("{county_name}林业站"),
            None,
        );
        let police = police_station(county_name, name, kind);
        self.staff(code, StaffKind::Police, &police, None);

        let n = self.rng.gen_range(3..=5_usize);
        let words = names::place_words(&mut self.rng, n);
        let seed = self.rng.r#gen::<u64>();
        let cells = voronoi_partition(cell, n, seed);
        ensure!(cells.len() == n, "could not split {name} into {n} villages");
        let suffix = if kind == TownKind::Street {
            "社区"
        } else {
            "村"
        };
        let villages: Vec<String> = words.iter().map(|w| format!("{w}{suffix}")).collect();
        for (i, cell) in cells.iter().enumerate() {
            let village = GridCode::parse(&format!("{code}{:03}", i + 1))?;
            self.village(town, kind, &village, &villages, i, cell, squadron)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments, reason = "one call site, all plain data")]
    fn village(
        &mut self,
        town: &Town,
        kind: TownKind,
        code: &GridCode,
        siblings: &[String],
        index: usize,
        cell: &MultiPolygon<f64>,
        squadron: usize,
    ) -> anyhow::Result<()> {
        let name = siblings.get(index).context("a village without a name")?;
        self.grid(code, name, Some(&town.code), cell, true)?;
        let (committee, head) = if kind == TownKind::Street {
            (format!("{name}居民委员会"), "居委会主任")
        } else {
            (format!("{name}村民委员会"), "村委会主任")
        };
        self.post(
            code,
            PostKind::Chief,
            "党总支书记",
            DUTIES_VILLAGE_CHIEF,
            &committee,
        );
        self.post(
            code,
            PostKind::DeputyChief,
            head,
            DUTIES_VILLAGE_DEPUTY,
            &committee,
        );
        let squad = self.team(
            code,
            TeamLevel::Squad,
            format!("{name}护林小队"),
            Some(squadron),
        );
        for _ in 0..self.rng.gen_range(1..=2) {
            self.staff(code, StaffKind::Ranger, &committee, Some(squad));
        }

        let seed = self.rng.r#gen::<u64>();
        let mut halves = voronoi_partition(cell, 2, seed);
        if halves.is_empty() {
            halves.push(cell.clone());
        }
        let n = self.rng.gen_range(1..=2).min(halves.len());
        for (i, half) in halves.iter().take(n).enumerate() {
            let four_sides = self.four_sides(town, siblings, index);
            let resource_types = self.resource_types(kind);
            let ownership = match self.rng.gen_range(0..10) {
                0..7 => "collective",
                7..9 => "state",
                _ => "individual",
            };
            self.plan.areas.push(NewArea {
                code: None,
                name: format!("{name}第{}责任区", names::numeral(i + 1)),
                grid_code: code.clone(),
                boundary: shape(half).with_context(|| format!("an area of {code}"))?,
                four_sides,
                resource_types,
                ownership: ownership.to_owned(),
                generated: true,
            });
        }
        Ok(())
    }

    /// 四至: each side runs to a neighbouring village, the town's edge or a landmark.
    fn four_sides(&mut self, town: &Town, siblings: &[String], me: usize) -> FourSides {
        let mut side = |dir: &str| -> String {
            let others: Vec<&String> = siblings
                .iter()
                .enumerate()
                .filter_map(|(i, s)| (i != me).then_some(s))
                .collect();
            match self.rng.gen_range(0..10) {
                0..4 if !others.is_empty() => {
                    let other = others[self.rng.gen_range(0..others.len())];
                    format!("{dir}至{other}界")
                }
                4 => format!("{dir}至{}界", town.name),
                _ => format!("{dir}至{}", names::landmark(&mut self.rng)),
            }
        };
        FourSides {
            east: side("东"),
            south: side("南"),
            west: side("西"),
            north: side("北"),
        }
    }

    /// `forest_land` first, then a random few of the others in code-table order; communities
    /// more often have urban green.
    fn resource_types(&mut self, kind: TownKind) -> Vec<String> {
        let mut out = vec!["forest_land".to_owned()];
        for t in EXTRA_RESOURCE_TYPES {
            let p = if t == "urban_green" && kind == TownKind::Street {
                0.6
            } else {
                0.25
            };
            if self.rng.gen_bool(p) {
                out.push(t.to_owned());
            }
        }
        out
    }
}

/// The day the first holder of a town's first chief post hands over: 2024-03-01, or a year
/// after `start` when the demo starts later than that.
fn handover_after(start: NaiveDate) -> NaiveDate {
    if start < HANDOVER {
        HANDOVER
    } else {
        start
            .checked_add_months(Months::new(12))
            .or_else(|| start.succ_opt())
            .unwrap_or(start)
    }
}

/// The police station of a town, e.g. 锡山公安分局东亭派出所 or 江阴市公安局澄江派出所.
fn police_station(county: &str, town: &str, kind: TownKind) -> String {
    let bureau = match county.strip_suffix('区') {
        Some(short) => format!("{short}公安分局"),
        None => format!("{county}公安局"),
    };
    let short = match kind {
        TownKind::Street => town.strip_suffix("街道").unwrap_or(town),
        TownKind::Town => town.strip_suffix('镇').unwrap_or(town),
        TownKind::Zone => town,
    };
    format!("{bureau}{short}派出所")
}

/// The stored form of a boundary.
fn shape(mp: &MultiPolygon<f64>) -> anyhow::Result<Shape> {
    let b = bbox(mp).context("an empty boundary")?;
    Ok(Shape {
        wkb: to_wkb(mp),
        bbox: [b.min_x, b.min_y, b.max_x, b.max_y],
        area_m2: geodesic_area_m2(mp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(plan: &Plan) -> Vec<String> {
        plan.grids.iter().map(|g| g.name.clone()).collect()
    }

    #[test]
    fn the_plan_is_deterministic_and_seed_dependent() {
        let opts = DemoOptions::default();
        let a = build(&opts).expect("plan");
        let b = build(&opts).expect("plan");
        assert_eq!(names_of(&a), names_of(&b));
        let grids_a: Vec<_> = a.grids.iter().map(|g| &g.boundary).collect();
        let grids_b: Vec<_> = b.grids.iter().map(|g| &g.boundary).collect();
        assert_eq!(grids_a, grids_b);
        let people = |p: &Plan| -> Vec<String> {
            p.posts
                .iter()
                .flat_map(|p| p.terms.iter().map(|(who, _)| who.name.clone()))
                .chain(p.staff.iter().map(|s| s.person.name.clone()))
                .collect()
        };
        assert_eq!(people(&a), people(&b));
        let c = build(&DemoOptions {
            seed: opts.seed + 1,
            ..opts
        })
        .expect("plan");
        assert_ne!(names_of(&a), names_of(&c));
    }

    #[test]
    fn the_plan_has_the_expected_shape() {
        let plan = build(&DemoOptions::default()).expect("plan");
        let [city, counties, towns, villages] = plan.grids_by_level();
        assert_eq!((city, counties, towns), (1, 7, 88));
        assert!((264..=440).contains(&villages));
        assert_eq!(plan.posts.len(), 5 + 7 * 3 + 88 * 3 + villages * 2);
        assert_eq!(plan.teams.len(), 7 + 88 + villages);
        assert!(
            plan.areas
                .iter()
                .all(|a| a.resource_types[0] == "forest_land")
        );
        assert!(plan.areas.iter().all(|a| a.boundary.area_m2 > 0.0));
        // Village names are unique within their town.
        for town in plan.grids.iter().filter(|g| g.code.as_str().len() == 9) {
            let mut names: Vec<_> = plan
                .grids
                .iter()
                .filter(|g| g.parent.as_ref() == Some(&town.code))
                .map(|g| g.name.as_str())
                .collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "duplicate village names in {}", town.name);
        }
    }

    #[test]
    fn units_read_naturally() {
        assert_eq!(
            police_station("锡山区", "东亭街道", TownKind::Street),
            "锡山公安分局东亭派出所"
        );
        assert_eq!(
            police_station("江阴市", "璜土镇", TownKind::Town),
            "江阴市公安局璜土派出所"
        );
        assert_eq!(TownKind::of("无锡锡山开发区"), TownKind::Zone);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(handover_after(d(2021, 12, 1)), HANDOVER);
        assert_eq!(handover_after(d(2024, 6, 1)), d(2025, 6, 1));
    }
}
