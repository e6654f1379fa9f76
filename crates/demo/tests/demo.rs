//! Loads the demo city into fresh `SQLite` databases and checks what it made.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use linzhang_demo::{DemoOptions, DemoSummary, load};
use linzhang_domain::{GridCode, Level, PostKind, Role, Scope, StaffKind};
use linzhang_store::{AuditFilter, Grid, PeopleFilter, SqlStore, Store};
use tempfile::TempDir;

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).expect("time")
}

fn code(s: &str) -> GridCode {
    GridCode::parse(s).expect("code")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

#[allow(clippy::unnecessary_wraps, reason = "the signature load asks for")]
fn fake_hash(p: &str) -> anyhow::Result<String> {
    Ok(format!("fake:{p}"))
}

/// The server spawns the load, so its future must be `Send`.
fn send<F: Future + Send>(f: F) -> F {
    f
}

async fn fresh() -> (SqlStore, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = linzhang_store_sqlite::open_path(&dir.path().join("demo.db"))
        .await
        .expect("open store");
    (store, dir)
}

async fn load_fresh(opts: &DemoOptions) -> (SqlStore, TempDir, DemoSummary) {
    let (store, dir) = fresh().await;
    let summary = send(load(&store, opts, at(), &fake_hash))
        .await
        .expect("load");
    (store, dir, summary)
}

/// Every grid, parents first (depth-first in code order).
async fn all_grids(store: &dyn Store) -> Vec<Grid> {
    let all = Scope::everything();
    let mut out = store.grid_roots(&all).await.expect("roots");
    let mut i = 0;
    while i < out.len() {
        let children = store
            .grid_children(&all, &out[i].code)
            .await
            .expect("children");
        out.extend(children);
        i += 1;
    }
    out
}

/// What must not depend on anything but the seed: grids, area codes and names, people.
async fn snapshot(store: &dyn Store) -> Vec<String> {
    let all = Scope::everything();
    let mut out = Vec::new();
    for g in all_grids(store).await {
        out.push(format!("grid {} {} {:?}", g.code, g.name, g.area_m2));
        for a in store.areas(&all, &g.code).await.expect("areas") {
            out.push(format!("area {} {} {}", a.code, a.name, a.area_m2));
        }
        let filter = PeopleFilter {
            grid: Some(g.code.clone()),
            text: None,
            limit: Some(1000),
        };
        let mut people: Vec<String> = store
            .people(&all, &filter)
            .await
            .expect("people")
            .into_iter()
            .map(|p| format!("person {} {} {} {}", p.grid_code, p.name, p.phone, p.unit))
            .collect();
        people.sort();
        out.extend(people);
    }
    out
}

async fn newest_audit(store: &dyn Store) -> Option<uuid::Uuid> {
    let filter = AuditFilter {
        limit: 1,
        ..AuditFilter::default()
    };
    store
        .audit(&filter)
        .await
        .expect("audit")
        .first()
        .map(|e| e.id)
}

#[tokio::test]
async fn the_demo_city_is_complete_and_loads_once() {
    let opts = DemoOptions {
        subcompartments: 1_000,
        ..DemoOptions::default()
    };
    let (store, _dir, summary) = load_fresh(&opts).await;
    assert!(!summary.already_loaded);
    check_layers(&store, &summary).await;
    let grids = check_grids(&store, &summary).await;
    check_posts(&store).await;
    check_villages(&store, &grids).await;
    check_logins(&store, &summary).await;
    check_second_load(&store, &opts, &summary).await;
}

/// Both survey years of sub-compartments and the other layers are there, counted at every
/// level, with a forest cover like Wuxi's.
async fn check_layers(store: &SqlStore, summary: &DemoSummary) {
    let all = Scope::everything();
    assert!(summary.features > 2_000, "{} features", summary.features);
    assert_eq!(
        store.layer_years("subcompartment").await.expect("years"),
        linzhang_demo::SURVEY_YEARS.to_vec()
    );
    for layer in ["ancient_tree", "nature_reserve", "wetland", "fire_facility"] {
        assert_eq!(
            store.layer_years(layer).await.expect("years"),
            vec![2025],
            "{layer}"
        );
    }
    let city = store
        .layer_stats(&all, "subcompartment", 2025, "320200")
        .await
        .expect("stats");
    let forest: f64 = city
        .iter()
        .filter(|r| {
            r.dimension == "land_class" && linzhang_domain::layer::counts_as_forest_cover(&r.value)
        })
        .map(|r| r.area_m2)
        .sum();
    let land = store
        .grid(&all, &code("320200"))
        .await
        .expect("city")
        .area_m2
        .expect("area");
    let cover = forest / land;
    assert!((0.15..0.35).contains(&cover), "forest cover {cover}");
    let yixing = store
        .layer_stats(&all, "subcompartment", 2025, "320282")
        .await
        .expect("stats");
    assert!(
        yixing
            .iter()
            .any(|r| r.dimension == "dominant_species" && r.value == "毛竹")
    );
}

async fn check_grids(store: &SqlStore, summary: &DemoSummary) -> Vec<Grid> {
    let all = Scope::everything();
    let [cities, counties, towns, villages] = summary.grids_by_level;
    assert_eq!((cities, counties, towns), (1, 7, 88));
    assert!((264..=440).contains(&villages), "{villages} villages");

    let grids = all_grids(store).await;
    let count = |level: Level| grids.iter().filter(|g| g.level == level).count();
    assert_eq!(count(Level::City), 1);
    assert_eq!(count(Level::County), 7);
    assert_eq!(count(Level::Town), 88);
    assert_eq!(count(Level::Village), villages);

    // Real data is not generated; everything below the county is.
    for g in &grids {
        assert_eq!(g.generated, g.level >= Level::Town, "{} {}", g.code, g.name);
    }

    let dongting = store
        .grid(&all, &code("320205001"))
        .await
        .expect("东亭街道");
    assert_eq!(dongting.name, "东亭街道");
    assert_eq!(dongting.parent_code, Some(code("320205")));
    assert!(dongting.child_count >= 3);
    let communities = store
        .grid_children(&all, &dongting.code)
        .await
        .expect("children");
    assert!(communities.iter().all(|c| c.name.ends_with("社区")));

    // Every grid below the city has a boundary and an area; towns tile their county.
    for g in grids.iter().filter(|g| g.level != Level::City) {
        assert!(g.area_m2.is_some_and(|a| a > 0.0), "{} has no area", g.code);
        let boundary = store.grid_boundary(&all, &g.code).await.expect("boundary");
        assert!(boundary.is_some_and(|b| !b.is_empty()), "{}", g.code);
    }
    for county in grids.iter().filter(|g| g.level == Level::County) {
        let towns: f64 = grids
            .iter()
            .filter(|t| t.parent_code.as_ref() == Some(&county.code))
            .filter_map(|t| t.area_m2)
            .sum();
        let own = county.area_m2.expect("county area");
        assert!(
            (towns - own).abs() / own < 0.005,
            "{}: towns {towns} vs county {own}",
            county.name
        );
    }

    grids
}

async fn check_posts(store: &SqlStore) {
    let all = Scope::everything();
    let dongting = code("320205001");
    // The first chief post of 东亭街道 changed hands on 2024-03-01.
    let posts = store.posts(&all, &dongting).await.expect("posts");
    assert_eq!(posts.len(), 3);
    let first = &posts[0];
    assert_eq!(first.post.kind, PostKind::Chief);
    assert_eq!(first.post.title, "党工委书记");
    let history = store
        .post_history(&all, first.post.id)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].start_date, date(2024, 3, 1));
    assert_eq!(history[0].end_date, None);
    assert_eq!(history[1].start_date, date(2021, 12, 1));
    assert_eq!(history[1].end_date, Some(date(2024, 3, 1)));
    assert_ne!(history[0].person.id, history[1].person.id);
    let city_posts = store.posts(&all, &code("320200")).await.expect("posts");
    let generals = city_posts
        .iter()
        .filter(|p| p.post.kind == PostKind::ChiefGeneral)
        .count();
    assert_eq!((generals, city_posts.len()), (2, 5));
    assert!(city_posts.iter().all(|p| p.holder.is_some()));
}

async fn check_villages(store: &SqlStore, grids: &[Grid]) {
    let all = Scope::everything();
    // Every village has an area and a ranger in its squad.
    for v in grids.iter().filter(|g| g.level == Level::Village) {
        let areas = store.areas(&all, &v.code).await.expect("areas");
        assert!(!areas.is_empty(), "{} has no area", v.code);
        assert_eq!(areas[0].code.as_str(), format!("LZ{}-001", v.code));
        let staff = store.staff(&all, &v.code, false).await.expect("staff");
        assert!(
            staff
                .iter()
                .any(|s| s.kind == StaffKind::Ranger && s.team_name.is_some()),
            "{} has no ranger",
            v.code
        );
    }
    let first_area = store
        .area(
            &all,
            &linzhang_domain::AreaCode::new(&code("320205001001"), 1),
        )
        .await
        .expect("area");
    assert_eq!(first_area.resource_types[0], "forest_land");
    assert!(first_area.four_sides.east.starts_with("东至"));
    assert!(first_area.generated);
}

async fn check_logins(store: &SqlStore, summary: &DemoSummary) {
    // The thirteen accounts.
    let expected = [
        ("admin", Role::Admin, "320200"),
        ("auditor", Role::Auditor, "320200"),
        ("office.city", Role::Office, "320200"),
        ("chief.city", Role::Chief, "320200"),
        ("dept.nrp", Role::Department, "320200"),
        ("office.xishan", Role::Office, "320205"),
        ("chief.xishan", Role::Chief, "320205"),
        ("tech.xishan", Role::Technician, "320205"),
        ("police.xishan", Role::Police, "320205"),
        ("office.jiangyin", Role::Office, "320281"),
        ("chief.dongting", Role::Chief, "320205001"),
        ("office.dongting", Role::Office, "320205001"),
        ("ranger.dongting", Role::Ranger, "320205001001"),
    ];
    assert_eq!(summary.logins.len(), expected.len());
    for ((name, role, grid), login) in expected.into_iter().zip(&summary.logins) {
        assert_eq!((login.username.as_str(), login.role), (name, role));
        assert_eq!(login.grid_code, grid);
        let user = store
            .user_by_name(name)
            .await
            .expect("user")
            .expect("exists");
        assert_eq!((user.role, user.grid_code.as_str()), (role, grid));
        assert_eq!(user.grid_name, login.grid_name);
        assert_eq!(user.password_hash, "fake:Linzhang@2026");
        assert!(!user.must_change_password);
        // Chiefs' and rangers' accounts belong to their registry person, others to nobody.
        assert_eq!(
            user.person_id.is_some(),
            matches!(role, Role::Chief | Role::Ranger),
            "{name}"
        );
    }
    let ranger = store
        .user_by_name("ranger.dongting")
        .await
        .expect("user")
        .expect("exists");
    let rangers = store
        .staff(&Scope::everything(), &ranger.grid_code, false)
        .await
        .expect("staff");
    assert!(
        rangers
            .iter()
            .any(|s| Some(s.person.id) == ranger.person_id)
    );
    assert_eq!(summary.logins[5].grid_name, "锡山区");
    assert_eq!(summary.logins[9].grid_name, "江阴市");
    assert_eq!(summary.logins[10].grid_name, "东亭街道");
}

async fn check_second_load(store: &SqlStore, opts: &DemoOptions, summary: &DemoSummary) {
    let all = Scope::everything();
    // A second load answers already_loaded and writes nothing.
    let audit_before = newest_audit(store).await;
    let people_before = store
        .people(&all, &PeopleFilter::default())
        .await
        .expect("people")
        .len();
    let again = load(store, opts, at(), &fake_hash)
        .await
        .expect("second load");
    assert!(again.already_loaded);
    assert_eq!(again.grids_by_level, [0; 4]);
    assert_eq!(
        (again.people, again.posts, again.staff, again.areas),
        (0, 0, 0, 0)
    );
    assert_eq!(again.logins, summary.logins);
    assert_eq!(newest_audit(store).await, audit_before);
    let people_after = store
        .people(&all, &PeopleFilter::default())
        .await
        .expect("people")
        .len();
    assert_eq!(people_before, people_after);
}

// The three loads run side by side: each waits mostly on its own database's fsyncs.
#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn the_same_seed_gives_the_same_city() {
    // The map layers' determinism is the forest generator's own test.
    let opts = DemoOptions {
        subcompartments: 0,
        ..DemoOptions::default()
    };
    let next = DemoOptions {
        seed: opts.seed + 1,
        ..opts.clone()
    };
    let ((a, _da, sa), (b, _db, sb), (c, _dc, _)) =
        tokio::join!(load_fresh(&opts), load_fresh(&opts), load_fresh(&next));
    assert_eq!(sa, sb);
    let (snap_a, snap_b, snap_c) = tokio::join!(snapshot(&a), snapshot(&b), snapshot(&c));
    assert_eq!(snap_a, snap_b);

    let villages = |snap: &[String]| -> Vec<String> {
        snap.iter()
            .filter(|l| {
                l.starts_with("grid ") && l.split(' ').nth(1).is_some_and(|c| c.len() == 12)
            })
            .cloned()
            .collect()
    };
    assert_ne!(villages(&snap_a), villages(&snap_c));
    // The real data stays.
    assert!(
        snap_c
            .iter()
            .any(|l| l.starts_with("grid 320205001 东亭街道 "))
    );
}
