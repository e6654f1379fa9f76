//! The OpenAPI document: 3.1, self-contained, every route, and unchanged unless on purpose.
//! Update the snapshot with `UPDATE_SNAPSHOTS=1 cargo test -p linzhang-server --test openapi`.

mod common;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

/// Every route of the API; a new one needs its place here.
const ROUTES: &[&str] = &[
    "/healthz",
    "/api/v1/auth/login",
    "/api/v1/auth/logout",
    "/api/v1/auth/me",
    "/api/v1/auth/password",
    "/api/v1/auth/sessions",
    "/api/v1/auth/sessions/{id}",
    "/api/v1/grids",
    "/api/v1/grids/{code}",
    "/api/v1/grids/{code}/boundary",
    "/api/v1/grids/{code}/posts",
    "/api/v1/grids/{code}/staff",
    "/api/v1/grids/{code}/teams",
    "/api/v1/people",
    "/api/v1/posts/{id}",
    "/api/v1/posts/{id}/appointments",
    "/api/v1/staff/{id}/end",
    "/api/v1/areas",
    "/api/v1/areas/{code}",
    "/api/v1/areas/{code}/qr.png",
    "/api/v1/areas/{code}/qr.svg",
    "/api/v1/areas/{code}/coverage",
    "/api/v1/public/areas/{code}",
    "/api/v1/code-tables",
    "/api/v1/code-tables/{name}",
    "/api/v1/organisation",
    "/api/v1/incidents",
    "/api/v1/incidents/{id}",
    "/api/v1/incidents/{id}/actions",
    "/api/v1/incidents/{id}/attachments",
    "/api/v1/incidents/{id}/attachments/{attachment}",
    "/api/v1/incidents/{id}/attachments/{attachment}/thumbnail",
    "/api/v1/audit",
    "/api/v1/users",
    "/api/v1/users/{username}/lock",
    "/api/v1/users/{username}/unlock",
    "/api/v1/users/{username}/revoke-sessions",
    "/api/v1/users/{username}/password",
    "/api/v1/layers",
    "/api/v1/layers/{layer}/imports",
    "/api/v1/layers/{layer}/imports/{id}",
    "/api/v1/layers/{layer}/features",
    "/api/v1/layers/{layer}/features/{id}",
    "/api/v1/layers/{layer}/stats",
    "/api/v1/layers/{layer}/query",
    "/api/v1/layers/{layer}/change",
    "/api/v1/layers/{layer}/export",
    "/api/v1/hotspots",
    "/api/v1/checkins",
    "/api/v1/patrols",
    "/api/v1/patrols/{id}",
    "/api/v1/patrols/{id}/points",
    "/api/v1/patrols/{id}/actions",
    "/api/v1/patrols/live",
    "/api/v1/compliance/chief-patrols",
    "/api/v1/meetings",
    "/api/v1/compliance/meetings",
    "/api/v1/reports",
    "/api/v1/reports/draft",
    "/api/v1/reports/{id}",
    "/api/v1/service-log",
    "/api/v1/change-batches",
    "/api/v1/notifications",
    "/api/v1/cameras",
    "/api/v1/cameras/{id}/frames",
    "/api/v1/alarms",
    "/api/v1/alarms/{id}/image",
    "/api/v1/alarms/{id}/decision",
    "/api/v1/notifications/read",
    "/api/v1/events",
    "/api/v1/webhooks",
    "/api/v1/webhooks/{id}",
    "/api/v1/webhooks/{id}/deliveries",
    "/api/v1/webhooks/{id}/test",
    "/api/v1/change-batches/{id}/spots",
    "/api/v1/change-batches/{id}/stats",
    "/api/v1/change-spots/{id}/verification",
    "/api/v1/change-spots/{id}/photos",
    "/api/v1/change-spots/{id}/photos/{photo}",
    "/api/v1/change-spots/{id}/photos/{photo}/thumbnail",
    "/api/v1/change-batches/{id}/export",
    "/api/v1/hotspots/imports",
    "/api/v1/tasks",
    "/api/v1/tasks/{id}",
    "/api/v1/tasks/{id}/breakdown",
    "/api/v1/tasks/{id}/progress",
    "/api/v1/contact-sheets",
    "/api/v1/contact-sheets/{id}",
    "/api/v1/contact-sheets/{id}/actions",
    "/api/v1/inspections",
    "/api/v1/inspections/{id}",
    "/api/v1/inspections/{id}/findings/{index}/sheet",
    "/api/v1/inspections/{id}/circulate",
    "/tiles/{layer}/{z}/{x}/{y}",
    "/tiles/{file}",
    "/api/v1/imagery",
    "/api/v1/imagery/{id}",
    "/tiles/imagery/{id}/{mode}/{z}/{x}/{y}",
];

#[test]
fn openapi_is_31_self_contained_and_complete() {
    let doc = serde_json::to_value(linzhang_server::openapi()).expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    let text = doc.to_string();
    for (i, _) in text.match_indices("\"$ref\":\"") {
        assert!(text[i + 8..].starts_with("#/"), "remote $ref at {i}");
    }
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for expected in ROUTES {
        assert!(paths.contains(expected), "missing {expected}");
    }
    assert_eq!(paths.len(), 98, "a new route needs its place in this list");
}

#[test]
fn openapi_matches_the_snapshot() {
    let current = linzhang_server::openapi().to_pretty_json().expect("json") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &current).expect("write snapshot");
    }
    let saved = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        saved == current,
        "the OpenAPI document changed: review it, then run UPDATE_SNAPSHOTS=1 cargo test -p linzhang-server --test openapi"
    );
}

#[tokio::test]
async fn the_document_and_its_interactive_docs_are_served() {
    let app = common::TestApp::start(&[]).await;
    let doc: serde_json::Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(doc["openapi"], "3.1.0");
    let init = reqwest::get(app.url("/api/docs/swagger-initializer.js"))
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        init.contains("/api/openapi.json"),
        "the docs read the served document"
    );
    assert_eq!(
        reqwest::get(app.url("/api/docs/"))
            .await
            .expect("get")
            .status(),
        200
    );
}
