//! Posts with history, areas and their QR codes, through the API.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;

#[tokio::test]
async fn appointing_a_new_chief_keeps_the_old_one_in_history() {
    let app = TestApp::start(&[("office", Role::Office, "320205")]).await;
    let t = app.token("office").await;
    let person = |name: &str| serde_json::json!({ "name": name, "phone": "13900000000", "unit": "东亭街道", "grid_code": "320205001" });
    let a: serde_json::Value = app
        .post(&t, "/api/v1/people", &person("张三"))
        .await
        .json()
        .await
        .expect("json");
    let b: serde_json::Value = app
        .post(&t, "/api/v1/people", &person("李四"))
        .await
        .json()
        .await
        .expect("json");
    let post: serde_json::Value = app
        .post(&t, "/api/v1/grids/320205001/posts", &serde_json::json!({ "kind": "chief", "title": "党工委书记", "duties": "负责辖区森林资源保护发展" }))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(post["kind_name"], "林长");
    let id = post["id"].as_str().expect("id");
    let appoint = |p: &serde_json::Value, date: &str| serde_json::json!({ "person_id": p["id"], "start_date": date });
    let r = app
        .post(
            &t,
            &format!("/api/v1/posts/{id}/appointments"),
            &appoint(&a, "2021-12-01"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post(
            &t,
            &format!("/api/v1/posts/{id}/appointments"),
            &appoint(&b, "2024-03-01"),
        )
        .await;
    let detail: serde_json::Value = r.json().await.expect("json");
    assert_eq!(detail["post"]["holder"]["person"]["name"], "李四");
    let history = detail["history"].as_array().expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["person"]["name"], "张三");
    assert_eq!(history[1]["start_date"], "2021-12-01");
    assert_eq!(history[1]["end_date"], "2024-03-01");
    let r = app
        .post(
            &t,
            &format!("/api/v1/posts/{id}/appointments"),
            &appoint(&a, "2020-01-01"),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .post(
            &t,
            &format!("/api/v1/posts/{id}/appointments"),
            &serde_json::json!({ "person_id": a["id"], "start_date": "March" }),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(code(r).await, "invalid_date");
    let grid: serde_json::Value = app
        .get(&t, "/api/v1/grids/320205001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(grid["posts"][0]["holder"]["person"]["name"], "李四");
}

/// A request for 东亭一村's first area: a 0.01° × 0.01° square at 31.5°N.
fn area_body(resource_types: &[&str]) -> serde_json::Value {
    let ring = [
        [120.30, 31.50],
        [120.31, 31.50],
        [120.31, 31.51],
        [120.30, 31.51],
        [120.30, 31.50],
    ];
    serde_json::json!({
        "grid_code": "320205001001", "name": "东亭一村第1责任区",
        "boundary": { "type": "Polygon", "coordinates": [ring] },
        "four_sides": { "east": "东至河", "south": "南至路", "west": "西至山", "north": "北至村界" },
        "resource_types": resource_types, "ownership": "collective"
    })
}

fn decode_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("frame");
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().expect("decode").1
}

#[tokio::test]
async fn areas_have_an_ellipsoidal_area_and_a_qr_code_of_their_public_url() {
    let app = TestApp::start(&[
        ("office", Role::Office, "320205"),
        ("other", Role::Office, "320281"),
    ])
    .await;
    let t = app.token("office").await;
    let body = area_body(&["forest_land"]);
    let r = app.post(&t, "/api/v1/areas", &body).await;
    assert_eq!(r.status(), 200);
    let created: serde_json::Value = r.json().await.expect("json");
    assert_eq!(created["code"], "LZ320205001001-001");
    let area_m2 = created["area_m2"].as_f64().expect("area");
    // pyproj 3.7 Geod(ellps="WGS84").geometry_area_perimeter of the same square: 1,053,312.43 m².
    assert!((area_m2 - 1_053_312.43).abs() < 0.01, "{area_m2}");

    let view: serde_json::Value = app
        .get(&t, "/api/v1/areas/LZ320205001001-001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        view["public_url"],
        "https://lz.example.cn/p/a/LZ320205001001-001"
    );
    assert_eq!(view["ownership"]["name"], "集体");
    assert_eq!(view["resource_types"][0]["name"], "林地");
    assert_eq!(view["boundary"]["type"], "MultiPolygon");

    let png = reqwest::get(app.url("/api/v1/areas/LZ320205001001-001/qr.png"))
        .await
        .expect("png");
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.expect("bytes");
    assert_eq!(
        decode_qr(&bytes),
        "https://lz.example.cn/p/a/LZ320205001001-001"
    );
    let svg = reqwest::get(app.url("/api/v1/areas/LZ320205001001-001/qr.svg"))
        .await
        .expect("svg");
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.expect("text").contains("<svg"));
    assert_eq!(
        reqwest::get(app.url("/api/v1/areas/LZ320205001001-009/qr.png"))
            .await
            .expect("404")
            .status(),
        404
    );

    let other = app.token("other").await;
    assert_eq!(
        app.get(&other, "/api/v1/areas/LZ320205001001-001")
            .await
            .status(),
        404
    );

    let mut bad = body.clone();
    bad["boundary"] = serde_json::json!({ "type": "Point", "coordinates": [120.3, 31.5] });
    let r = app.post(&t, "/api/v1/areas", &bad).await;
    assert_eq!(r.status(), 400);
    assert_eq!(code(r).await, "invalid_geometry");
    let mut bad = body;
    bad["ownership"] = serde_json::json!("martian");
    assert_eq!(app.post(&t, "/api/v1/areas", &bad).await.status(), 400);
    let grid: serde_json::Value = app
        .get(&t, "/api/v1/grids/320205001001")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        grid["areas"].as_array().expect("areas").len(),
        1,
        "refused areas change nothing"
    );
}

#[tokio::test]
async fn organisation_lists_the_twenty_departments() {
    let app = TestApp::start(&[("dept", Role::Department, "320200")]).await;
    let t = app.token("dept").await;
    let org: serde_json::Value = app
        .get(&t, "/api/v1/organisation")
        .await
        .json()
        .await
        .expect("json");
    let deps = org["departments"].as_array().expect("departments");
    assert_eq!(deps.len(), 20);
    assert_eq!(deps[9]["name"], "市自然资源和规划局（林业局）");
    assert!(
        deps[9]["duties"]
            .as_str()
            .expect("duties")
            .contains("林长制办公室")
    );
    let r = app.get(&t, "/healthz").await;
    let health: serde_json::Value = r.json().await.expect("json");
    assert_eq!(health["backend"], "sqlite");
}

#[tokio::test]
async fn ranger_teams_follow_the_grid_levels() {
    let app = TestApp::start(&[
        ("office", Role::Office, "320205"),
        ("ranger", Role::Ranger, "320205001"),
    ])
    .await;
    let t = app.token("office").await;
    let brigade: serde_json::Value = app
        .post(
            &t,
            "/api/v1/grids/320205/teams",
            &serde_json::json!({ "level": "brigade", "name": "锡山区护林大队" }),
        )
        .await
        .json()
        .await
        .expect("json");
    let r = app
        .post(&t, "/api/v1/grids/320205001/teams", &serde_json::json!({ "level": "squadron", "name": "东亭中队", "parent_id": brigade["id"] }))
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post(
            &t,
            "/api/v1/grids/320205001/teams",
            &serde_json::json!({ "level": "brigade", "name": "错层大队" }),
        )
        .await;
    assert_eq!(r.status(), 422, "a town has a squadron, not a brigade");
    let ranger = app.token("ranger").await;
    let teams: serde_json::Value = app
        .get(&ranger, "/api/v1/grids/320205001/teams")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(teams[0]["name"], "东亭中队");
    assert_eq!(teams[0]["parent_id"], brigade["id"]);
    assert_eq!(
        app.get(&ranger, "/api/v1/grids/320205/teams")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_public_area_page_names_the_chiefs_with_masked_phones() {
    let app = TestApp::start(&[("office", Role::Office, "320205")]).await;
    let t = app.token("office").await;
    let area = area_body(&["forest_land", "wetland"]);
    assert_eq!(app.post(&t, "/api/v1/areas", &area).await.status(), 200);
    for (i, (grid, kind, title, name)) in [
        ("320205001001", "chief", "党总支书记", "村林长"),
        ("320205001001", "deputy_chief", "村委会主任", "村副林长"),
        ("320205001", "chief", "党工委书记", "镇林长"),
        ("320205001", "deputy_chief", "副主任", "镇副林长"),
    ]
    .into_iter()
    .enumerate()
    {
        let phone = format!("1390000000{}", i + 1);
        let person: serde_json::Value = app
            .post(&t, "/api/v1/people", &serde_json::json!({ "name": name, "phone": phone, "unit": "u", "grid_code": grid }))
            .await
            .json()
            .await
            .expect("json");
        let post: serde_json::Value = app
            .post(
                &t,
                &format!("/api/v1/grids/{grid}/posts"),
                &serde_json::json!({ "kind": kind, "title": title, "duties": "职责" }),
            )
            .await
            .json()
            .await
            .expect("json");
        let r = app
            .post(
                &t,
                &format!(
                    "/api/v1/posts/{}/appointments",
                    post["id"].as_str().expect("id")
                ),
                &serde_json::json!({ "person_id": person["id"], "start_date": "2022-01-01" }),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let r = reqwest::get(app.url("/api/v1/public/areas/LZ320205001001-001"))
        .await
        .expect("get");
    assert_eq!(r.status(), 200, "no login needed");
    let text = r.text().await.expect("text");
    assert!(
        !text.contains("13900000001"),
        "no full phone number reaches the public"
    );
    let page: serde_json::Value = serde_json::from_str(&text).expect("json");
    let names: Vec<&str> = page["chiefs"]
        .as_array()
        .expect("chiefs")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["村林长", "村副林长", "镇林长"],
        "the grid's chiefs, then the chief above"
    );
    assert_eq!(page["chiefs"][0]["phone"], "139****0001");
    assert_eq!(
        page["place"],
        serde_json::json!(["无锡市", "锡山区", "东亭街道", "东亭一村"])
    );
    assert_eq!(page["resource_types"][1]["name"], "湿地");
    assert_eq!(
        reqwest::get(app.url("/api/v1/public/areas/LZ320205001001-002"))
            .await
            .expect("get")
            .status(),
        404
    );
}
