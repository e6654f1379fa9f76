//! Lockout, idle expiry, forced password change, revocation.

mod common;

use chrono::Duration;
use common::{PASSWORD, TestApp, code};
use linzhang_domain::Role;
use linzhang_store::Store;

#[tokio::test]
async fn sixth_login_after_five_failures_is_locked_even_with_the_right_password() {
    let app = TestApp::start(&[("chief", Role::Chief, "320205001")]).await;
    for _ in 0..4 {
        let r = app.login("chief", "Wrong@pass1").await;
        assert_eq!(r.status(), 401);
        assert_eq!(code(r).await, "invalid_credentials");
    }
    let r = app.login("chief", "Wrong@pass1").await;
    assert_eq!(r.status(), 423);
    let r = app.login("chief", PASSWORD).await;
    assert_eq!(r.status(), 423);
    assert_eq!(code(r).await, "account_locked");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.login("chief", PASSWORD).await.status(), 423);
    app.clock.advance(Duration::minutes(1));
    assert_eq!(app.login("chief", PASSWORD).await.status(), 200);

    let attempts = app
        .store
        .audit(&linzhang_store::AuditFilter {
            action: Some("auth.login".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(attempts.len(), 8, "every login attempt is audited");
    assert_eq!(attempts.iter().filter(|a| a.result == "ok").count(), 1);
}

#[tokio::test]
async fn idle_sessions_die_after_thirty_minutes() {
    let app = TestApp::start(&[("chief", Role::Chief, "320205001")]).await;
    let t = app.token("chief").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        app.get(&t, "/api/v1/auth/me").await.status(),
        200,
        "use keeps it alive"
    );
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get(&t, "/api/v1/auth/me").await.status(), 200);
    app.clock.advance(Duration::minutes(30));
    let r = app.get(&t, "/api/v1/auth/me").await;
    assert_eq!(r.status(), 401);
    assert_eq!(code(r).await, "session_expired");
}

#[tokio::test]
async fn temporary_passwords_must_be_changed_first() {
    let app = TestApp::start(&[("admin", Role::Admin, "320200")]).await;
    let admin = app.token("admin").await;
    let r = app
        .post(&admin, "/api/v1/users", &serde_json::json!({
            "username": "newchief", "role": "chief", "grid_code": "320205001", "password": "Temp@1234"
        }))
        .await;
    assert_eq!(r.status(), 200);
    let r = app.login("newchief", "Temp@1234").await;
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["must_change_password"], true);
    let t = body["token"].as_str().expect("token").to_owned();
    let r = app.get(&t, "/api/v1/grids/320205001").await;
    assert_eq!(r.status(), 403);
    assert_eq!(code(r).await, "password_change_required");
    let weak = serde_json::json!({ "old_password": "Temp@1234", "new_password": "short" });
    let r = app.post(&t, "/api/v1/auth/password", &weak).await;
    assert_eq!(r.status(), 400);
    assert_eq!(code(r).await, "weak_password");
    let good = serde_json::json!({ "old_password": "Temp@1234", "new_password": "Forest#2027" });
    assert_eq!(
        app.post(&t, "/api/v1/auth/password", &good).await.status(),
        204
    );
    assert_eq!(app.get(&t, "/api/v1/grids/320205001").await.status(), 200);
    assert_eq!(app.login("newchief", "Forest#2027").await.status(), 200);
}

#[tokio::test]
async fn a_department_account_belongs_to_one_member_department() {
    let app = TestApp::start(&[("admin", Role::Admin, "320200")]).await;
    let admin = app.token("admin").await;
    let create = |name: &str, role: &str, department: Option<&str>| {
        serde_json::json!({"username": name, "role": role, "grid_code": "320200",
                           "password": "Temp@1234", "department": department})
    };
    for (body, why) in [
        (
            create("dept.a", "department", None),
            "a department account names its department",
        ),
        (
            create("dept.b", "department", Some("nobody")),
            "an unknown department",
        ),
        (
            create("chief.c", "chief", Some("police")),
            "a chief belongs to no department",
        ),
    ] {
        let r = app.post(&admin, "/api/v1/users", &body).await;
        assert_eq!(r.status(), 400, "{why}");
        assert_eq!(code(r).await, "bad_department", "{why}");
    }
    let r = app
        .post(
            &admin,
            "/api/v1/users",
            &create("dept.police", "department", Some("police")),
        )
        .await;
    assert_eq!(r.status(), 200);
    let made: serde_json::Value = r.json().await.expect("json");
    assert_eq!(made["department"], "police");
    let users: serde_json::Value = app
        .get(&admin, "/api/v1/users")
        .await
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = users
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| ["dept.a", "dept.b", "chief.c"].contains(n)),
        "refused accounts are not created: {names:?}"
    );
}

#[tokio::test]
async fn an_admin_gives_a_forgetful_user_a_temporary_password() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief", Role::Chief, "320205001"),
    ])
    .await;
    let admin = app.token("admin").await;
    let chief = app.token("chief").await;
    let reset = |password: &str| serde_json::json!({ "password": password });
    let path = "/api/v1/users/chief/password";
    let r = app.post(&chief, path, &reset("Temp@5678")).await;
    assert_eq!(r.status(), 403, "only admins reset passwords");
    let r = app.post(&admin, path, &reset("short")).await;
    assert_eq!(r.status(), 400);
    assert_eq!(code(r).await, "weak_password");
    assert_eq!(
        app.get(&chief, "/api/v1/auth/me").await.status(),
        200,
        "a refused reset changes nothing"
    );
    assert_eq!(
        app.post(&admin, path, &reset("Temp@5678")).await.status(),
        204
    );
    assert_eq!(
        app.get(&chief, "/api/v1/auth/me").await.status(),
        401,
        "the sessions end"
    );
    assert_eq!(app.login("chief", common::PASSWORD).await.status(), 401);
    let r = app.login("chief", "Temp@5678").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["must_change_password"], true);
    let r = app
        .post(&admin, "/api/v1/users/nobody/password", &reset("Temp@5678"))
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn sessions_can_be_revoked() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief", Role::Chief, "320205001"),
    ])
    .await;
    let admin = app.token("admin").await;
    let chief = app.token("chief").await;
    assert_eq!(app.get(&chief, "/api/v1/auth/me").await.status(), 200);
    let r = app
        .post(
            &admin,
            "/api/v1/users/chief/revoke-sessions",
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(app.get(&chief, "/api/v1/auth/me").await.status(), 401);
    assert_eq!(
        app.post(&admin, "/api/v1/users/chief/lock", &serde_json::json!({}))
            .await
            .status(),
        204
    );
    let r = app.login("chief", PASSWORD).await;
    assert_eq!(r.status(), 403);
    assert_eq!(code(r).await, "account_disabled");
}
