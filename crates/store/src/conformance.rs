//! The conformance suite: one story per function, run against every backend through
//! [`conformance_tests!`](crate::conformance_tests). A backend passes when every story passes on
//! a fresh database.

#![allow(
    clippy::missing_panics_doc,
    reason = "a failed assertion is the test result"
)]
#![allow(clippy::unwrap_used, reason = "test code")]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linzhang_domain::account::LoginState;
use linzhang_domain::audit::{Actor, AuditResult};
use linzhang_domain::codes::{CodeEntry, CodeTable};
use linzhang_domain::{AreaCode, FourSides, GridCode, PostKind, Scope, StaffKind, TeamLevel};
use uuid::Uuid;

use crate::error::StoreError;
use crate::model::{
    AuditFilter, NewArea, NewAudit, NewGrid, NewPerson, NewPost, NewSession, NewStaff, NewTeam,
    NewUser, PeopleFilter, Shape, WriteCtx,
};
use crate::{SqlStore, Store, ensure_defaults};

/// Generates one `#[tokio::test]` per story. `$open` is an async fn returning
/// `(SqlStore, G)`; `$close` an async fn taking `(SqlStore, G)` that cleans up.
#[macro_export]
macro_rules! conformance_tests {
    ($open:path, $close:path) => {
        $crate::conformance_tests!(@each $open, $close;
            grid_tree_and_scope, posts_keep_history, post_kinds_follow_levels,
            staff_and_teams, areas_get_codes_and_stay_in_scope, people_filter,
            code_tables_are_versioned, accounts_and_sessions, writes_are_audited,
            audit_log_is_append_only, defaults_are_published_once);
    };
    (@each $open:path, $close:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some((store, guard)) = $open().await else { return };
                $crate::conformance::$name(&store).await;
                $close(store, guard).await;
            }
        )*
    };
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

fn ctx() -> WriteCtx {
    WriteCtx {
        actor: Actor {
            user_id: None,
            username: Some("tester".into()),
            client_addr: Some("127.0.0.1".into()),
        },
        at: t0(),
    }
}

fn code(s: &str) -> GridCode {
    GridCode::parse(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn square(x: f64, y: f64) -> Shape {
    // Not real WKB: the store keeps bytes as given; geometry is the geo crate's business.
    Shape {
        wkb: vec![1, 2, 3, x.to_bits().to_le_bytes()[0]],
        bbox: [x, y, x + 0.01, y + 0.01],
        area_m2: 1_000_000.0,
    }
}

/// City 320200 → 锡山区 320205 → 东亭街道 320205001 (2 villages), 安镇街道 320205002 (1 village);
/// 江阴市 320281.
pub async fn seed_tree(s: &dyn Store) {
    let grids = [
        ("320200", "无锡市", None),
        ("320205", "锡山区", Some("320200")),
        ("320281", "江阴市", Some("320200")),
        ("320205001", "东亭街道", Some("320205")),
        ("320205002", "安镇街道", Some("320205")),
        ("320205001001", "东亭一村", Some("320205001")),
        ("320205001002", "东亭二村", Some("320205001")),
        ("320205002001", "安镇一村", Some("320205002")),
    ];
    for (i, (c, name, parent)) in grids.into_iter().enumerate() {
        let g = NewGrid {
            code: code(c),
            name: name.into(),
            parent: parent.map(code),
            boundary: Some(square(
                120.0 + f64::from(u8::try_from(i).unwrap()) * 0.01,
                31.5,
            )),
            generated: false,
        };
        s.create_grid(&ctx(), &g).await.unwrap();
    }
}

async fn person(s: &dyn Store, grid: &str, name: &str) -> Uuid {
    let p = NewPerson {
        name: name.into(),
        phone: "13800000000".into(),
        unit: "单位".into(),
        grid_code: code(grid),
    };
    s.create_person(&ctx(), &Scope::everything(), &p)
        .await
        .unwrap()
        .id
}

fn is_not_found<T: std::fmt::Debug>(r: &Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound { .. }))
}

pub async fn grid_tree_and_scope(s: &SqlStore) {
    seed_tree(s).await;
    let town = s.scope_of(&code("320205001")).await.unwrap();
    let villages = s.grid_children(&town, &code("320205001")).await.unwrap();
    assert_eq!(villages.len(), 2);
    assert_eq!(villages[0].name, "东亭一村");
    assert!(is_not_found(&s.grid(&town, &code("320205002")).await));
    assert!(is_not_found(&s.grid_children(&town, &code("320205")).await));
    let roots = s.grid_roots(&town).await.unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].code, code("320205001"));
    assert_eq!(roots[0].child_count, 2);

    let county = s.scope_of(&code("320205")).await.unwrap();
    assert!(s.grid(&county, &code("320205002001")).await.is_ok());
    assert!(is_not_found(&s.grid(&county, &code("320281")).await));
    let anc = s
        .grid_ancestors(&county, &code("320205002001"))
        .await
        .unwrap();
    let names: Vec<_> = anc.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["锡山区", "安镇街道"]);
    let anc = s
        .grid_ancestors(&Scope::everything(), &code("320205002001"))
        .await
        .unwrap();
    assert_eq!(anc.len(), 3);
    assert!(
        s.grid_boundary(&county, &code("320205"))
            .await
            .unwrap()
            .is_some()
    );

    // A code that does not fit its place in the tree is refused and changes nothing.
    let bad = NewGrid {
        code: code("320205001003"),
        name: "错层".into(),
        parent: Some(code("320205")),
        boundary: None,
        generated: false,
    };
    assert!(matches!(
        s.create_grid(&ctx(), &bad).await,
        Err(StoreError::Rejected(_))
    ));
    assert!(is_not_found(
        &s.grid(&Scope::everything(), &code("320205001003")).await
    ));
    let dup = NewGrid {
        code: code("320205"),
        name: "重复".into(),
        parent: Some(code("320200")),
        boundary: None,
        generated: false,
    };
    assert!(matches!(
        s.create_grid(&ctx(), &dup).await,
        Err(StoreError::Conflict { .. })
    ));
}

pub async fn posts_keep_history(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let a = person(s, "320205001", "张三").await;
    let b = person(s, "320205001", "李四").await;
    let post = s
        .create_post(
            &ctx(),
            &all,
            &NewPost {
                grid_code: code("320205001"),
                kind: PostKind::Chief,
                title: "街道党工委书记".into(),
                duties: "负责辖区森林资源保护发展".into(),
            },
        )
        .await
        .unwrap();
    assert!(post.holder.is_none());
    let id = post.post.id;
    s.appoint(&ctx(), &all, id, a, date("2021-12-01"))
        .await
        .unwrap();
    s.appoint(&ctx(), &all, id, b, date("2024-03-01"))
        .await
        .unwrap();

    let now = s.post(&all, id).await.unwrap();
    assert_eq!(now.holder.as_ref().unwrap().person.id, b);
    let history = s.post_history(&all, id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].person.id, b);
    assert_eq!(history[1].person.id, a);
    assert_eq!(history[1].start_date, date("2021-12-01"));
    assert_eq!(history[1].end_date, Some(date("2024-03-01")));
    assert_eq!(
        s.holder_on(&all, id, date("2023-06-30"))
            .await
            .unwrap()
            .unwrap()
            .person
            .id,
        a
    );
    assert_eq!(
        s.holder_on(&all, id, date("2024-03-01"))
            .await
            .unwrap()
            .unwrap()
            .person
            .id,
        b
    );
    assert!(
        s.holder_on(&all, id, date("2020-01-01"))
            .await
            .unwrap()
            .is_none()
    );

    // Backdating before the current term and re-appointing the holder are refused.
    assert!(matches!(
        s.appoint(&ctx(), &all, id, a, date("2024-01-01")).await,
        Err(StoreError::Rejected(_))
    ));
    assert!(matches!(
        s.appoint(&ctx(), &all, id, b, date("2025-01-01")).await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(s.post_history(&all, id).await.unwrap().len(), 2);

    // Out of scope: another town's office sees no such post.
    let other = s.scope_of(&code("320205002")).await.unwrap();
    assert!(is_not_found(&s.post(&other, id).await));
    assert!(is_not_found(
        &s.appoint(&ctx(), &other, id, a, date("2025-01-01")).await
    ));
    let posts = s.posts(&all, &code("320205001")).await.unwrap();
    assert_eq!(posts.len(), 1);
}

pub async fn post_kinds_follow_levels(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let general = NewPost {
        grid_code: code("320205001"),
        kind: PostKind::ChiefGeneral,
        title: "x".into(),
        duties: String::new(),
    };
    assert!(matches!(
        s.create_post(&ctx(), &all, &general).await,
        Err(StoreError::Rejected(_))
    ));
    let city = NewPost {
        grid_code: code("320200"),
        ..general
    };
    assert!(s.create_post(&ctx(), &all, &city).await.is_ok());
}

pub async fn staff_and_teams(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let squadron = s
        .create_team(
            &ctx(),
            &all,
            &NewTeam {
                grid_code: code("320205001"),
                level: TeamLevel::Squadron,
                name: "东亭中队".into(),
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let wrong = NewTeam {
        grid_code: code("320205001001"),
        level: TeamLevel::Brigade,
        name: "x".into(),
        parent_id: None,
    };
    assert!(matches!(
        s.create_team(&ctx(), &all, &wrong).await,
        Err(StoreError::Rejected(_))
    ));
    let ranger = person(s, "320205001001", "王护林").await;
    let staff = s
        .add_staff(
            &ctx(),
            &all,
            &NewStaff {
                person_id: ranger,
                grid_code: code("320205001001"),
                kind: StaffKind::Ranger,
                unit: "东亭街道".into(),
                team_id: Some(squadron.id),
                start_date: date("2022-01-01"),
            },
        )
        .await
        .unwrap();
    assert_eq!(staff.team_name.as_deref(), Some("东亭中队"));
    let list = s.staff(&all, &code("320205001001"), false).await.unwrap();
    assert_eq!(list.len(), 1);
    s.end_staff(&ctx(), &all, staff.id, date("2023-01-01"))
        .await
        .unwrap();
    assert!(
        s.staff(&all, &code("320205001001"), false)
            .await
            .unwrap()
            .is_empty()
    );
    let with_past = s.staff(&all, &code("320205001001"), true).await.unwrap();
    assert_eq!(with_past[0].end_date, Some(date("2023-01-01")));
    assert_eq!(s.teams(&all, &code("320205001")).await.unwrap().len(), 1);
}

pub async fn areas_get_codes_and_stay_in_scope(s: &SqlStore) {
    seed_tree(s).await;
    let all = Scope::everything();
    let new = |name: &str| NewArea {
        code: None,
        name: name.into(),
        grid_code: code("320205001001"),
        boundary: square(120.3, 31.6),
        four_sides: FourSides {
            east: "东至河".into(),
            south: "南至路".into(),
            west: "西至山脊".into(),
            north: "北至村界".into(),
        },
        resource_types: vec!["forest_land".into(), "wetland".into()],
        ownership: "collective".into(),
        generated: false,
    };
    let first = s
        .create_area(&ctx(), &all, &new("一号责任区"))
        .await
        .unwrap();
    let second = s
        .create_area(&ctx(), &all, &new("二号责任区"))
        .await
        .unwrap();
    assert_eq!(first.code.as_str(), "LZ320205001001-001");
    assert_eq!(second.code.as_str(), "LZ320205001001-002");
    let town = s.scope_of(&code("320205001")).await.unwrap();
    let area = s.area(&town, &first.code).await.unwrap();
    assert_eq!(area.grid_name, "东亭一村");
    assert_eq!(area.four_sides.west, "西至山脊");
    assert_eq!(area.resource_types, ["forest_land", "wetland"]);
    assert_eq!(area.boundary_wkb, square(120.3, 31.6).wkb);
    assert!((area.area_m2 - 1_000_000.0).abs() < 1e-6);
    let other = s.scope_of(&code("320205002")).await.unwrap();
    assert!(is_not_found(&s.area(&other, &first.code).await));
    assert!(is_not_found(&s.areas(&other, &code("320205001001")).await));
    assert_eq!(
        s.areas(&town, &code("320205001001")).await.unwrap().len(),
        2
    );
    let mut taken = new("重复");
    taken.code = Some(AreaCode::parse("LZ320205001001-001").unwrap());
    assert!(matches!(
        s.create_area(&ctx(), &all, &taken).await,
        Err(StoreError::Conflict { .. })
    ));
}

pub async fn people_filter(s: &SqlStore) {
    seed_tree(s).await;
    person(s, "320205001", "张三").await;
    person(s, "320205002", "张四").await;
    person(s, "320205001001", "李五").await;
    let all = Scope::everything();
    let f = |grid: Option<&str>, text: Option<&str>| PeopleFilter {
        grid: grid.map(code),
        text: text.map(Into::into),
        limit: None,
    };
    assert_eq!(s.people(&all, &f(None, Some("张"))).await.unwrap().len(), 2);
    assert_eq!(
        s.people(&all, &f(Some("320205001"), None))
            .await
            .unwrap()
            .len(),
        1
    );
    let town = s.scope_of(&code("320205001")).await.unwrap();
    let seen = s.people(&town, &f(None, None)).await.unwrap();
    let names: Vec<_> = seen.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["张三", "李五"]);
}

pub async fn code_tables_are_versioned(s: &SqlStore) {
    let entry = |code: &str, zh: &str| CodeEntry {
        code: code.into(),
        name_zh: zh.into(),
        name_en: code.into(),
        description: None,
    };
    let mut table = CodeTable {
        name: "ownership".into(),
        title_zh: "权属".into(),
        title_en: "Ownership".into(),
        entries: vec![entry("state", "国有")],
    };
    assert_eq!(
        s.publish_code_table(&ctx(), &table).await.unwrap().version,
        1
    );
    table.entries.push(entry("collective", "集体"));
    assert_eq!(
        s.publish_code_table(&ctx(), &table).await.unwrap().version,
        2
    );
    assert_eq!(
        s.code_table("ownership", None)
            .await
            .unwrap()
            .table
            .entries
            .len(),
        2
    );
    assert_eq!(
        s.code_table("ownership", Some(1))
            .await
            .unwrap()
            .table
            .entries
            .len(),
        1
    );
    let current = s.code_tables().await.unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].version, 2);
    table.entries.push(entry("state", "重复"));
    assert!(matches!(
        s.publish_code_table(&ctx(), &table).await,
        Err(StoreError::Rejected(_))
    ));
    assert_eq!(s.code_table("ownership", None).await.unwrap().version, 2);
    assert!(is_not_found(&s.code_table("nope", None).await));
}

pub async fn accounts_and_sessions(s: &SqlStore) {
    seed_tree(s).await;
    let user = s
        .create_user(
            &ctx(),
            &NewUser {
                username: "chief.dongting".into(),
                password_hash: "$argon2id$fake".into(),
                role: linzhang_domain::Role::Chief,
                grid_code: code("320205001"),
                must_change_password: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(user.grid_path, "/320200/320205/320205001/");
    assert_eq!(user.grid_name, "东亭街道");
    let dup = NewUser {
        username: "chief.dongting".into(),
        password_hash: "x".into(),
        role: linzhang_domain::Role::Chief,
        grid_code: code("320205001"),
        must_change_password: false,
    };
    assert!(matches!(
        s.create_user(&ctx(), &dup).await,
        Err(StoreError::Conflict { .. })
    ));

    let locked = LoginState {
        failed_logins: 0,
        locked_until: Some(t0() + Duration::minutes(30)),
        disabled: false,
    };
    let attempt = NewAudit {
        actor: Actor::system("test"),
        at: t0(),
        action: "auth.login".into(),
        target: Some("user:chief.dongting".into()),
        before: None,
        after: None,
        result: AuditResult::Denied,
    };
    s.record_login(Some(user.id), Some(&locked), &attempt)
        .await
        .unwrap();
    let again = s.user_by_name("chief.dongting").await.unwrap().unwrap();
    assert_eq!(again.login, locked);
    s.set_password(&ctx(), user.id, "$argon2id$new", false)
        .await
        .unwrap();
    let again = s.user(user.id).await.unwrap();
    assert_eq!(again.password_hash, "$argon2id$new");
    assert!(!again.must_change_password);

    let new_session = |n: u8| NewSession {
        id: linzhang_domain::ids::new_id(),
        token_hash: format!("hash{n}"),
        csrf_token: format!("csrf{n}"),
        user_id: user.id,
        client_addr: Some("127.0.0.1".into()),
        at: t0(),
    };
    let (one, two) = (new_session(1), new_session(2));
    s.create_session(&one).await.unwrap();
    s.create_session(&two).await.unwrap();
    let got = s.session_by_token("hash1").await.unwrap().unwrap();
    assert_eq!(got.csrf_token, "csrf1");
    s.touch_session(one.id, t0() + Duration::minutes(5))
        .await
        .unwrap();
    let got = s.session_by_token("hash1").await.unwrap().unwrap();
    assert_eq!(got.last_seen, t0() + Duration::minutes(5));
    assert_eq!(s.sessions(user.id).await.unwrap().len(), 2);
    assert_eq!(
        s.revoke_user_sessions(&ctx(), user.id, Some(one.id))
            .await
            .unwrap(),
        1
    );
    assert!(s.session_by_token("hash2").await.unwrap().unwrap().revoked);
    s.revoke_session(&ctx(), one.id).await.unwrap();
    assert!(s.sessions(user.id).await.unwrap().is_empty());

    s.set_disabled(&ctx(), user.id, true).await.unwrap();
    assert!(s.user(user.id).await.unwrap().login.disabled);
    s.set_disabled(&ctx(), user.id, false).await.unwrap();
    let again = s.user(user.id).await.unwrap();
    assert!(!again.login.disabled);
    assert_eq!(again.login.locked_until, None);
    let town = s.scope_of(&code("320205002")).await.unwrap();
    assert!(s.users(&town).await.unwrap().is_empty());
}

pub async fn writes_are_audited(s: &SqlStore) {
    seed_tree(s).await;
    let a = person(s, "320205001", "张三").await;
    let post = s
        .create_post(
            &ctx(),
            &Scope::everything(),
            &NewPost {
                grid_code: code("320205001"),
                kind: PostKind::Chief,
                title: "书记".into(),
                duties: String::new(),
            },
        )
        .await
        .unwrap();
    s.appoint(
        &ctx(),
        &Scope::everything(),
        post.post.id,
        a,
        date("2022-01-01"),
    )
    .await
    .unwrap();
    let filter = |action: &str| AuditFilter {
        action: Some(action.into()),
        limit: 100,
        ..AuditFilter::default()
    };
    assert_eq!(s.audit(&filter("grid.create")).await.unwrap().len(), 8);
    let appoint = s.audit(&filter("post.appoint")).await.unwrap();
    assert_eq!(appoint.len(), 1);
    let e = &appoint[0];
    assert_eq!(e.username.as_deref(), Some("tester"));
    assert_eq!(e.client_addr.as_deref(), Some("127.0.0.1"));
    assert_eq!(e.result, "ok");
    assert_eq!(e.after.as_ref().unwrap()["person"]["name"], "张三");
    assert_eq!(e.at, t0());

    // A refused write leaves no trace but the refusal.
    let before = s
        .audit(&AuditFilter {
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let _ = s
        .appoint(
            &ctx(),
            &Scope::everything(),
            post.post.id,
            a,
            date("2023-01-01"),
        )
        .await;
    let after = s
        .audit(&AuditFilter {
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(before.len(), after.len());

    // Paging: newest first, `before` continues.
    let page = s
        .audit(&AuditFilter {
            limit: 3,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 3);
    let next = s
        .audit(&AuditFilter {
            limit: 3,
            before: Some(page[2].id),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(next[0].id < page[2].id);
}

pub async fn audit_log_is_append_only(s: &SqlStore) {
    seed_tree(s).await;
    let update = sqlx::query("UPDATE audit_log SET result = 'ok'")
        .execute(s.pool())
        .await;
    assert!(update.is_err(), "updating the audit log must fail");
    let delete = sqlx::query("DELETE FROM audit_log").execute(s.pool()).await;
    assert!(delete.is_err(), "deleting from the audit log must fail");
    let all = s
        .audit(&AuditFilter {
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 8);
}

pub async fn defaults_are_published_once(s: &SqlStore) {
    let n = ensure_defaults(s, t0()).await.unwrap();
    assert!(n >= 8);
    assert_eq!(ensure_defaults(s, t0()).await.unwrap(), 0);
    let deps = s.code_table("department", None).await.unwrap();
    assert_eq!(deps.table.entries.len(), 20);
    assert_eq!(deps.version, 1);
}
