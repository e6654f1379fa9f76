//! The Wuxi demo city (无锡市), loaded into a store in one call.
//!
//! Real where real data exists: the city outline, the outlines of the seven county-level units
//! and the codes and names of the 88 towns and streets (see `data/SOURCES.md`). Everything else
//! is generated from a seed and marked `generated` where the store has the flag: town boundaries
//! (a Voronoi partition of the real county outline), 3–5 villages or communities per town,
//! chiefs and deputies at every level with one handover per town to give post history, ranger
//! teams and staff, responsibility areas, and thirteen demo accounts.
//!
//! The same seed always gives the same city (names, codes, boundaries, people); only record ids
//! and the time of writing differ.

mod data;
pub mod forest;
mod layers;
mod names;
mod plan;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use linzhang_domain::audit::Actor;
use linzhang_domain::{GridCode, PostKind, Role, Scope, StaffKind};
use linzhang_store::{NewPerson, NewStaff, NewUser, Store, StoreError, WriteCtx};
use uuid::Uuid;

pub use layers::{SURVEY_YEARS, write_subcompartments};
pub use plan::HANDOVER;

/// How to generate the demo city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Seed of every random choice.
    pub seed: u64,
    /// The password of every demo account.
    pub password: String,
    /// The day every post and staff member starts (the first town chiefs hand over on
    /// [`HANDOVER`], or a year after this day when it is later).
    pub start_date: NaiveDate,
    /// Sub-compartments to generate per survey year (0: no map layers at all).
    pub subcompartments: usize,
}

/// The day Wuxi's work plan took effect, when the demo's terms begin.
const START_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2021, 12, 1) {
    Some(d) => d,
    None => unreachable!(),
};

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            seed: 2021,
            password: "Linzhang@2026".to_owned(),
            start_date: START_DATE,
            subcompartments: 30_000,
        }
    }
}

/// A demo account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub grid_code: String,
    pub grid_name: String,
}

/// What [`load`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    /// The city was there already; nothing was written and the counts are zero.
    pub already_loaded: bool,
    /// Grids created per level: city, county, town, village.
    pub grids_by_level: [usize; 4],
    pub people: usize,
    pub posts: usize,
    pub staff: usize,
    pub areas: usize,
    /// Features stored in the map layers (both survey years).
    pub features: usize,
    /// The demo accounts that exist, in a fixed order.
    pub logins: Vec<DemoLogin>,
}

/// The demo accounts: username, role, grid.
const ACCOUNTS: [(&str, Role, &str); 13] = [
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

/// Loads the demo city into `store`, unless the city grid 320200 exists already.
///
/// First publishes the default code tables ([`linzhang_store::ensure_defaults`]). When grid
/// 320200 exists, changes nothing else and answers `already_loaded` with the demo accounts that
/// exist. Otherwise writes every grid, person, post and appointment, team, staff member,
/// area and account, each in its own audited transaction as `system:demo` at `at`. `hash` turns
/// [`DemoOptions::password`] into the stored password hash; it is called once per account.
///
/// The load is not one transaction: should it fail half-way, the partial city stays and a
/// second call answers `already_loaded`; start again from an empty database.
pub async fn load(
    store: &dyn Store,
    opts: &DemoOptions,
    at: DateTime<Utc>,
    hash: &(dyn Fn(&str) -> anyhow::Result<String> + Sync),
) -> anyhow::Result<DemoSummary> {
    linzhang_store::ensure_defaults(store, at)
        .await
        .context("cannot publish the default code tables")?;
    let all = Scope::everything();
    let city = GridCode::parse(data::CITY_CODE)?;
    match store.grid(&all, &city).await {
        Ok(_) => {
            return Ok(DemoSummary {
                already_loaded: true,
                grids_by_level: [0; 4],
                people: 0,
                posts: 0,
                staff: 0,
                areas: 0,
                features: 0,
                logins: logins(store).await?,
            });
        }
        Err(StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e).context("cannot look for the demo city"),
    }

    let plan = plan::build(opts).context("cannot plan the demo city")?;
    let ctx = WriteCtx {
        actor: Actor::system("demo"),
        at,
    };

    for grid in &plan.grids {
        store
            .create_grid(&ctx, grid)
            .await
            .with_context(|| format!("cannot create grid {}", grid.code))?;
    }

    for post in &plan.posts {
        let created = store
            .create_post(&ctx, &all, &post.post)
            .await
            .with_context(|| format!("cannot create a post at {}", post.post.grid_code))?;
        for (holder, start) in &post.terms {
            let person = create_person(store, &ctx, holder).await?;
            store
                .appoint(&ctx, &all, created.post.id, person, *start)
                .await
                .with_context(|| format!("cannot appoint {} at {}", holder.name, holder.grid))?;
        }
    }

    let mut team_ids: Vec<Uuid> = Vec::with_capacity(plan.teams.len());
    for team in &plan.teams {
        let mut new = team.team.clone();
        new.parent_id = team.parent.and_then(|i| team_ids.get(i).copied());
        let created = store
            .create_team(&ctx, &all, &new)
            .await
            .with_context(|| format!("cannot create team {}", new.name))?;
        team_ids.push(created.id);
    }

    for staff in &plan.staff {
        let person = create_person(store, &ctx, &staff.person).await?;
        let new = NewStaff {
            person_id: person,
            grid_code: staff.person.grid.clone(),
            kind: staff.kind,
            unit: staff.person.unit.clone(),
            team_id: staff.team.and_then(|i| team_ids.get(i).copied()),
            start_date: staff.start,
        };
        store
            .add_staff(&ctx, &all, &new)
            .await
            .with_context(|| format!("cannot add staff at {}", new.grid_code))?;
    }

    for area in &plan.areas {
        store
            .create_area(&ctx, &all, area)
            .await
            .with_context(|| format!("cannot create area {}", area.name))?;
    }

    create_accounts(store, &ctx, opts, hash).await?;
    let features = layers::load(store, &ctx, &plan, opts.seed, opts.subcompartments).await?;

    Ok(DemoSummary {
        already_loaded: false,
        grids_by_level: plan.grids_by_level(),
        people: plan.people(),
        posts: plan.posts.len(),
        staff: plan.staff.len(),
        areas: plan.areas.len(),
        features,
        logins: logins(store).await?,
    })
}

async fn create_person(
    store: &dyn Store,
    ctx: &WriteCtx,
    p: &plan::PersonPlan,
) -> anyhow::Result<Uuid> {
    let new = NewPerson {
        name: p.name.clone(),
        phone: p.phone.clone(),
        unit: p.unit.clone(),
        grid_code: p.grid.clone(),
    };
    let person = store
        .create_person(ctx, &Scope::everything(), &new)
        .await
        .with_context(|| format!("cannot create person {} at {}", p.name, p.grid))?;
    Ok(person.id)
}

/// Creates the demo accounts, each tied to its registry person where it has one.
async fn create_accounts(
    store: &dyn Store,
    ctx: &WriteCtx,
    opts: &DemoOptions,
    hash: &(dyn Fn(&str) -> anyhow::Result<String> + Sync),
) -> anyhow::Result<()> {
    for (username, role, grid) in ACCOUNTS {
        let user = NewUser {
            username: username.to_owned(),
            password_hash: hash(&opts.password)
                .with_context(|| format!("cannot hash the password of {username}"))?,
            role,
            grid_code: GridCode::parse(grid)?,
            must_change_password: false,
            person_id: own_person(store, role, grid).await?,
            // dept.nrp: 市自然资源和规划局（林业局）.
            department: (role == Role::Department).then(|| "nrp".to_owned()),
        };
        store
            .create_user(ctx, &user)
            .await
            .with_context(|| format!("cannot create account {username}"))?;
    }
    Ok(())
}

/// The registry person a demo account belongs to: a chief's account is the grid's first chief,
/// a ranger's the grid's first ranger; office, admin and other accounts belong to nobody.
async fn own_person(store: &dyn Store, role: Role, grid: &str) -> anyhow::Result<Option<Uuid>> {
    let all = Scope::everything();
    let grid = GridCode::parse(grid)?;
    Ok(match role {
        Role::Chief => store
            .posts(&all, &grid)
            .await?
            .into_iter()
            .filter(|p| matches!(p.post.kind, PostKind::Chief | PostKind::ChiefGeneral))
            .find_map(|p| p.holder.map(|h| h.person.id)),
        Role::Ranger => store
            .staff(&all, &grid, false)
            .await?
            .into_iter()
            .find(|s| s.kind == StaffKind::Ranger)
            .map(|s| s.person.id),
        _ => None,
    })
}

/// The demo accounts as stored, in [`ACCOUNTS`] order; missing ones are left out.
async fn logins(store: &dyn Store) -> anyhow::Result<Vec<DemoLogin>> {
    let mut out = Vec::with_capacity(ACCOUNTS.len());
    for (username, _, _) in ACCOUNTS {
        if let Some(user) = store
            .user_by_name(username)
            .await
            .with_context(|| format!("cannot read account {username}"))?
        {
            out.push(DemoLogin {
                username: user.username,
                role: user.role,
                grid_code: user.grid_code.to_string(),
                grid_name: user.grid_name,
            });
        }
    }
    Ok(out)
}
