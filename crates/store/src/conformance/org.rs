//! Stories of the organisation registry: grids and scope, posts and terms, staff, areas, people.

use super::{
    AreaCode, FourSides, NewArea, NewGrid, NewPost, NewStaff, NewTeam, PeopleFilter, PostKind,
    Scope, SqlStore, StaffKind, Store, StoreError, TeamLevel, code, ctx, date, is_not_found,
    person, seed_tree, square,
};

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
