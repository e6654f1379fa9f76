//! Stories of code tables, accounts and sessions, and the audit log.

use super::{
    Actor, AuditFilter, AuditResult, CodeEntry, CodeTable, Duration, LoginState, NewAudit, NewPost,
    NewSession, NewUser, PostKind, Scope, SqlStore, Store, StoreError, Uuid, code, ctx, date,
    ensure_defaults, is_not_found, person, seed_tree, t0,
};

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
                person_id: None,
                department: None,
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
        person_id: None,
        department: None,
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

// --- incidents ---

pub async fn accounts_belong_to_people(s: &SqlStore) {
    seed_tree(s).await;
    let base = NewUser {
        username: "office".into(),
        password_hash: "x".into(),
        role: linzhang_domain::Role::Ranger,
        grid_code: code("320205001001"),
        must_change_password: false,
        person_id: None,
        department: None,
    };
    assert_eq!(s.create_user(&ctx(), &base).await.unwrap().person_id, None);
    let dup = base;
    // An account may belong to a registry person; an unknown person is refused.
    let ranger = person(s, "320205001001", "王护林").await;
    let own = NewUser {
        username: "ranger.wang".into(),
        person_id: Some(ranger),
        ..dup.clone()
    };
    let account = s.create_user(&ctx(), &own).await.unwrap();
    assert_eq!(account.person_id, Some(ranger));
    assert_eq!(
        s.person_users(ranger).await.unwrap(),
        vec![account.id],
        "the accounts a person is reached at"
    );
    s.set_disabled(&ctx(), account.id, true).await.unwrap();
    assert!(
        s.person_users(ranger).await.unwrap().is_empty(),
        "not a disabled one"
    );
    let ghost = NewUser {
        username: "ghost".into(),
        person_id: Some(Uuid::from_u128(7)),
        ..dup.clone()
    };
    assert!(is_not_found(&s.create_user(&ctx(), &ghost).await));
}

pub async fn department_accounts_belong_to_their_department(s: &SqlStore) {
    seed_tree(s).await;
    let police = NewUser {
        username: "dept.police".into(),
        password_hash: "x".into(),
        role: linzhang_domain::Role::Department,
        grid_code: code("320200"),
        must_change_password: false,
        person_id: None,
        department: Some("police".into()),
    };
    let made = s.create_user(&ctx(), &police).await.unwrap();
    assert_eq!(made.department.as_deref(), Some("police"));
    let read = s.user_by_name("dept.police").await.unwrap().unwrap();
    assert_eq!(read.department.as_deref(), Some("police"));
    assert_eq!(
        s.department_users(&code("320200"), "police").await.unwrap(),
        vec![made.id]
    );
    assert!(
        s.department_users(&code("320200"), "nrp")
            .await
            .unwrap()
            .is_empty()
    );
}
