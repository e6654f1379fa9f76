//! Access by role and grid scope, over real HTTP.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;

#[tokio::test]
async fn town_chief_reads_its_villages_but_not_the_next_town() {
    let app = TestApp::start(&[("chief.dongting", Role::Chief, "320205001")]).await;
    let t = app.token("chief.dongting").await;
    let r = app.get(&t, "/api/v1/grids/320205001").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.expect("json");
    let children: Vec<&str> = body["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(children, ["东亭一村", "东亭二村"]);
    assert_eq!(body["ancestors"].as_array().expect("ancestors").len(), 0);

    let r = app.get(&t, "/api/v1/grids/320205002").await;
    assert_eq!(r.status(), 404);
    assert_eq!(code(r).await, "grid_not_found");
    assert_eq!(
        app.get(&t, "/api/v1/grids/320205002001").await.status(),
        404
    );
    let roots: serde_json::Value = app
        .get(&t, "/api/v1/grids")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(roots[0]["code"], "320205001");
}

#[tokio::test]
async fn county_office_sees_its_county_and_nothing_of_another() {
    let app = TestApp::start(&[("office.xishan", Role::Office, "320205")]).await;
    let t = app.token("office.xishan").await;
    for code in ["320205", "320205001", "320205002", "320205002001"] {
        assert_eq!(
            app.get(&t, &format!("/api/v1/grids/{code}")).await.status(),
            200,
            "{code}"
        );
    }
    assert_eq!(app.get(&t, "/api/v1/grids/320281").await.status(), 404);
    assert_eq!(app.get(&t, "/api/v1/grids/320200").await.status(), 404);
    // Writing outside scope is "not found" too, and nothing is created.
    let r = app
        .post(
            &t,
            "/api/v1/people",
            &serde_json::json!({
                "name": "外人", "phone": "1", "unit": "江阴", "grid_code": "320281"
            }),
        )
        .await;
    assert_eq!(r.status(), 404);
    let people: serde_json::Value = app
        .get(&t, "/api/v1/people?q=外人")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(people.as_array().expect("array").len(), 0);
}

#[tokio::test]
async fn rangers_cannot_write_posts_and_the_refusal_is_audited() {
    let app = TestApp::start(&[
        ("ranger", Role::Ranger, "320205001"),
        ("admin", Role::Admin, "320200"),
    ])
    .await;
    let t = app.token("ranger").await;
    let body = serde_json::json!({ "kind": "chief", "title": "书记", "duties": "" });
    let r = app.post(&t, "/api/v1/grids/320205001/posts", &body).await;
    assert_eq!(r.status(), 403);
    assert_eq!(code(r).await, "forbidden");
    let r = app.get(&t, "/api/v1/audit").await;
    assert_eq!(r.status(), 403, "rangers do not read the audit log");

    let admin = app.token("admin").await;
    let page: serde_json::Value = app
        .get(&admin, "/api/v1/audit?action=post.create")
        .await
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["result"], "denied");
    assert_eq!(items[0]["username"], "ranger");
    assert_eq!(items[0]["client_addr"], "127.0.0.1");
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_header() {
    let app = TestApp::start(&[("office", Role::Office, "320200")]).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "office", "password": common::PASSWORD }))
        .send()
        .await
        .expect("login");
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("lz_session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("lz_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf cookie")
        .to_owned();
    assert_eq!(
        client
            .get(app.url("/api/v1/auth/me"))
            .send()
            .await
            .expect("me")
            .status(),
        200
    );
    let body =
        serde_json::json!({ "name": "张三", "phone": "1", "unit": "u", "grid_code": "320205" });
    let r = client
        .post(app.url("/api/v1/people"))
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert_eq!(code(r).await, "csrf_failed");
    let r = client
        .post(app.url("/api/v1/people"))
        .header("X-CSRF-Token", csrf)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
}
