//! The one map's layers over HTTP: upload, statistics, queries, change, scope and refusals.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

fn square(x: f64, y: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]})
}

/// In the conformance tree each grid is a 0.01° square: 东亭一村 (320205001001) at x 120.05,
/// 江阴市 (320281) at x 120.02, from y 31.5.
fn subcompartments(year_class: &str) -> String {
    json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"XIAO_BAN": "0001", "DI_LEI": year_class, "BH_DJ": "Ⅱ", "LING_ZU": 3, "MEI_GQ_XJ": 80},
         "geometry": square(120.051, 31.501, 0.008)},
        {"type": "Feature", "properties": {"XIAO_BAN": "0002", "DI_LEI": "竹林地", "BH_DJ": "3"},
         "geometry": square(120.021, 31.501, 0.004)}
    ]})
    .to_string()
}

async fn upload(app: &TestApp, token: &str, query: &str, body: String) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!("/api/v1/layers/subcompartment/imports?{query}")))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("send")
}

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json")
}

#[tokio::test]
#[allow(
    clippy::too_many_lines,
    reason = "one story, from upload to withdrawal"
)]
async fn upload_count_query_and_withdraw_within_scope() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("office.xs", Role::Office, "320205"),
        ("chief.jy", Role::Chief, "320281"),
        ("ranger.dt", Role::Ranger, "320205001"),
    ])
    .await;
    let admin = app.token("admin").await;
    let office = app.token("office.xs").await;
    let chief = app.token("chief.jy").await;
    let ranger = app.token("ranger.dt").await;

    // Only office and admins import; a file outside the office's grids is refused whole.
    let r = upload(
        &app,
        &ranger,
        "filename=xb.geojson&year=2025",
        subcompartments("0111"),
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = upload(
        &app,
        &office,
        "filename=xb.geojson&year=2025",
        subcompartments("0111"),
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = json_of(r).await;
    assert_eq!(body["code"], "import_rejected");
    assert_eq!(body["rejected"][0]["index"], 1);
    assert_eq!(body["rejected"][0]["code"], "outside_scope");
    let r = upload(&app, &admin, "year=2025", subcompartments("0111")).await;
    assert_eq!(r.status(), 400, "a file name is needed");
    let r = upload(
        &app,
        &admin,
        "filename=xb.geojson&year=2025",
        "not json".into(),
    )
    .await;
    assert_eq!(code(r).await, "unreadable_file");

    let r = upload(
        &app,
        &admin,
        "filename=xb.geojson&year=2025",
        subcompartments("0111"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let body = json_of(r).await;
    assert_eq!(body["accepted"], 2);
    let import_id = body["import"]["id"].as_str().expect("id").to_owned();

    let layers = json_of(app.get(&chief, "/api/v1/layers").await).await;
    let sub = layers
        .as_array()
        .expect("list")
        .iter()
        .find(|l| l["key"] == "subcompartment")
        .expect("layer");
    assert_eq!(sub["years"], json!([2025]));
    assert!(
        sub["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["name"] == "di_lei")
    );

    // Statistics: labelled values, hectares and mu, forest cover of the grid.
    let s = json_of(
        app.get(
            &admin,
            "/api/v1/layers/subcompartment/stats?target=320205001",
        )
        .await,
    )
    .await;
    let area = s["area_m2"].as_f64().expect("area");
    assert!(area > 500_000.0 && area < 700_000.0, "{s}");
    assert!((s["area_mu"].as_f64().expect("mu") - area / (10_000.0 / 15.0)).abs() < 1e-6);
    let land = s["dimensions"]
        .as_array()
        .expect("dims")
        .iter()
        .find(|d| d["dimension"] == "land_class")
        .expect("land");
    assert_eq!(land["values"][0]["name_zh"], "乔木林地");
    assert!(s["forest_cover"]["rate"].as_f64().expect("rate") > 0.5);
    let grade = s["dimensions"]
        .as_array()
        .expect("dims")
        .iter()
        .find(|d| d["dimension"] == "protection_grade")
        .expect("grade");
    assert_eq!(grade["values"][0]["name_zh"], "Ⅱ级");

    // Scope: 江阴's chief sees 江阴's feature only, and not 锡山's statistics.
    let r = app
        .get(
            &chief,
            "/api/v1/layers/subcompartment/stats?target=320205001",
        )
        .await;
    assert_eq!(r.status(), 404);
    let own = json_of(app.get(&chief, "/api/v1/layers/subcompartment/stats").await).await;
    assert_eq!(own["dimensions"][0]["values"][0]["name_zh"], "竹林地");
    let fc = json_of(
        app.get(&chief, "/api/v1/layers/subcompartment/features")
            .await,
    )
    .await;
    assert_eq!(fc["numberMatched"], 1);
    assert_eq!(fc["features"][0]["properties"]["di_lei"], "0113");
    let fc = json_of(
        app.get(
            &admin,
            "/api/v1/layers/subcompartment/features?di_lei=0111&bbox=120,31,121,32",
        )
        .await,
    )
    .await;
    assert_eq!(fc["numberReturned"], 1);
    let id = fc["features"][0]["id"].as_str().expect("id").to_owned();
    let one = json_of(
        app.get(
            &admin,
            &format!("/api/v1/layers/subcompartment/features/{id}"),
        )
        .await,
    )
    .await;
    assert_eq!(
        one["placement"]["grids"][0]["path"],
        "/320200/320205/320205001/320205001001/"
    );
    let r = app
        .get(
            &chief,
            &format!("/api/v1/layers/subcompartment/features/{id}"),
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = app
        .get(&admin, "/api/v1/layers/subcompartment/features?bbox=1,2,3")
        .await;
    assert_eq!(code(r).await, "bad_bbox");

    // A drawn polygon over the western half of the 锡山 feature; a buffer; bad regions.
    let west = json!({"type": "Polygon", "coordinates": [[[120.04, 31.49], [120.055, 31.49],
        [120.055, 31.52], [120.04, 31.52], [120.04, 31.49]]]});
    let q = json!({"region": {"geometry": west}});
    let r = json_of(
        app.post(&admin, "/api/v1/layers/subcompartment/query", &q)
            .await,
    )
    .await;
    assert_eq!(r["hits_total"], 1);
    let half = r["stats"]["area_m2"].as_f64().expect("area") / area;
    assert!((half - 0.5).abs() < 0.01, "{half}");
    let q = json!({"region": {"geometry": {"type": "Point", "coordinates": [120.023, 31.503]}, "buffer_m": 100.0}});
    let r = json_of(
        app.post(&admin, "/api/v1/layers/subcompartment/query", &q)
            .await,
    )
    .await;
    let circle = std::f64::consts::PI * 100.0 * 100.0;
    assert!(
        (r["stats"]["area_m2"].as_f64().expect("area") / circle - 1.0).abs() < 0.02,
        "{r}"
    );
    let r = app
        .post(
            &admin,
            "/api/v1/layers/subcompartment/query",
            &json!({"region": {}}),
        )
        .await;
    assert_eq!(code(r).await, "bad_region");
    let q = json!({"region": {"grid": "320205001001"}, "properties": {"nope": "1"}});
    assert_eq!(
        code(
            app.post(&admin, "/api/v1/layers/subcompartment/query", &q)
                .await
        )
        .await,
        "unknown_field"
    );
    let q = json!({"region": {"grid": "320205001001"}});
    let r = json_of(
        app.post(&admin, "/api/v1/layers/subcompartment/query", &q)
            .await,
    )
    .await;
    assert_eq!(r["hits_total"], 1);

    // Withdrawal stays in scope.
    let path = format!("/api/v1/layers/subcompartment/imports/{import_id}");
    let r = reqwest::Client::new()
        .delete(app.url(&path))
        .bearer_auth(&office)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    let r = reqwest::Client::new()
        .delete(app.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    let r = app
        .get(
            &admin,
            "/api/v1/layers/subcompartment/stats?target=320205001",
        )
        .await;
    assert_eq!(code(r).await, "layer_empty");
}

#[tokio::test]
async fn forest_land_change_between_two_survey_years() {
    let app = TestApp::start(&[("admin", Role::Admin, "320200")]).await;
    let admin = app.token("admin").await;
    let r = upload(
        &app,
        &admin,
        "filename=a.geojson&year=2024",
        subcompartments("0111"),
    )
    .await;
    assert_eq!(r.status(), 201);
    // In 2025 the 锡山 stand became building land.
    let r = upload(
        &app,
        &admin,
        "filename=b.geojson&year=2025",
        subcompartments("0252"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let c = json_of(
        app.get(
            &admin,
            "/api/v1/layers/subcompartment/change?before=2024&after=2025&target=320205001001",
        )
        .await,
    )
    .await;
    assert_eq!(c["changes"].as_array().expect("changes").len(), 1, "{c}");
    assert_eq!(c["changes"][0]["land_class_before"], "0111");
    assert_eq!(c["changes"][0]["land_class_after"], "0252");
    assert!(c["lost_m2"].as_f64().expect("lost") > 500_000.0);
    assert_eq!(c["gained_m2"], 0.0);
    // Limited to 江阴, nothing changed.
    let c = json_of(
        app.get(
            &admin,
            "/api/v1/layers/subcompartment/change?before=2024&after=2025&target=320281",
        )
        .await,
    )
    .await;
    assert_eq!(c["changes"], json!([]));
}

/// Decodes a tile with GDAL's MVT driver: the `fid`s of its features.
fn decode_tile(bytes: &[u8], z: u8, x: u32, y: u32) -> Vec<String> {
    use gdal::vector::LayerAccess;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(format!("{z}/{x}"));
    std::fs::create_dir_all(&path).expect("dirs");
    let file = path.join(format!("{y}.pbf"));
    std::fs::write(&file, bytes).expect("write");
    let ds = gdal::Dataset::open(format!("MVT:{}", file.display())).expect("GDAL opens the tile");
    let mut fids = Vec::new();
    for mut layer in ds.layers() {
        assert_eq!(layer.name(), "subcompartment");
        for f in layer.features() {
            let i = f.field_index("fid").expect("fid field");
            fids.push(f.field_as_string(i).expect("read").expect("fid"));
        }
    }
    fids
}

#[tokio::test]
async fn vector_tiles_hold_what_the_scope_allows() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    let admin = app.token("admin").await;
    let chief = app.token("chief.jy").await;
    let r = app
        .get(&admin, "/tiles/subcompartment/14/13653/6711.mvt")
        .await;
    assert_eq!(r.status(), 204, "an empty layer has no tiles");
    let r = upload(
        &app,
        &admin,
        "filename=xb.geojson&year=2025",
        subcompartments("0111"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let fc = json_of(
        app.get(&admin, "/api/v1/layers/subcompartment/features?di_lei=0111")
            .await,
    )
    .await;
    let xishan = fc["features"][0]["id"].as_str().expect("id").to_owned();

    // One z12 tile holds both features; the chief of 江阴 gets only 江阴's.
    let t = linzhang_geo::tile::tile_of(120.04, 31.505, 12);
    let path = format!("/tiles/subcompartment/{}/{}/{}.mvt", t.z, t.x, t.y);
    let r = app.get(&admin, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
    let bytes = r.bytes().await.expect("bytes");
    let mut fids = decode_tile(&bytes, t.z, t.x, t.y);
    fids.sort();
    assert_eq!(fids.len(), 2);
    assert!(fids.contains(&xishan));
    let bytes = app.get(&chief, &path).await.bytes().await.expect("bytes");
    let fids = decode_tile(&bytes, t.z, t.x, t.y);
    assert_eq!(fids.len(), 1);
    assert!(!fids.contains(&xishan), "nothing outside the chief's grids");

    // Caching and bad tiles.
    let r = reqwest::Client::new()
        .get(app.url(&path))
        .bearer_auth(&admin)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 304);
    let far = linzhang_geo::tile::tile_of(100.0, 20.0, 12);
    let bytes = app
        .get(
            &admin,
            &format!("/tiles/subcompartment/12/{}/{}.mvt", far.x, far.y),
        )
        .await
        .bytes()
        .await
        .expect("bytes");
    assert!(bytes.is_empty(), "no features far away");
    let r = app.get(&admin, "/tiles/subcompartment/3/9/1.mvt").await;
    assert_eq!(code(r).await, "bad_tile");
    let r = app.get(&admin, "/tiles/nowhere/3/1/1.mvt").await;
    assert_eq!(r.status(), 404);

    let tj = json_of(app.get(&admin, "/tiles/subcompartment.json").await).await;
    assert_eq!(tj["tilejson"], "3.0.0");
    let url = tj["tiles"][0].as_str().expect("url");
    assert!(
        url.ends_with("/tiles/subcompartment/{z}/{x}/{y}.mvt?year=2025"),
        "{url}"
    );
    assert_eq!(tj["vector_layers"][0]["id"], "subcompartment");
    let r = reqwest::Client::new()
        .get(app.url("/tiles/subcompartment.json"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401, "tiles need a login");
}

/// Reads an exported file back through GDAL: the attribute rows.
fn read_back(bytes: &[u8], name: &str) -> Vec<Vec<(String, Value)>> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let mut rows = Vec::new();
    let opts = linzhang_geo::gis::ReadOptions {
        source_srs: std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
            .then(|| "EPSG:4490".into()),
        ..Default::default()
    };
    linzhang_geo::gis::read_features(&path, &opts, |f| {
        rows.push(f.attributes);
        std::ops::ControlFlow::Continue(())
    })
    .expect("GDAL reads the export");
    rows
}

#[tokio::test]
async fn exports_in_every_format_within_scope() {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    let admin = app.token("admin").await;
    let chief = app.token("chief.jy").await;
    let r = upload(
        &app,
        &admin,
        "filename=xb.geojson&year=2025",
        subcompartments("0111"),
    )
    .await;
    assert_eq!(r.status(), 201);
    for (format, file) in [
        ("gpkg", "x.gpkg"),
        ("shp", "x.shp.zip"),
        ("geojson", "x.geojson"),
        ("xlsx", "x.xlsx"),
    ] {
        let r = app
            .get(
                &admin,
                &format!("/api/v1/layers/subcompartment/export?format={format}"),
            )
            .await;
        assert_eq!(r.status(), 200, "{format}");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .to_owned();
        assert!(
            disposition.contains("subcompartment_2025."),
            "{disposition}"
        );
        let rows = read_back(&r.bytes().await.expect("bytes"), file);
        assert_eq!(rows.len(), 2, "{format}");
        let has = |k: &str, v: &Value| {
            rows.iter()
                .any(|row| row.iter().any(|(n, x)| n == k && x == v))
        };
        if format == "xlsx" {
            assert!(has("地类名称", &json!("乔木林地")), "{rows:?}");
        } else {
            assert!(has("di_lei", &json!("0113")), "{format}: {rows:?}");
        }
    }
    // The chief's export, and one limited to a grid, hold one feature each.
    let r = app
        .get(
            &chief,
            "/api/v1/layers/subcompartment/export?format=geojson",
        )
        .await;
    assert_eq!(
        read_back(&r.bytes().await.expect("bytes"), "c.geojson").len(),
        1
    );
    let r = app
        .get(
            &admin,
            "/api/v1/layers/subcompartment/export?format=gpkg&grid=320205001",
        )
        .await;
    assert_eq!(
        read_back(&r.bytes().await.expect("bytes"), "g.gpkg").len(),
        1
    );
    let r = app
        .get(
            &chief,
            "/api/v1/layers/subcompartment/export?format=gpkg&grid=320205001",
        )
        .await;
    assert_eq!(r.status(), 404, "another grid's export");
    let r = app
        .get(&admin, "/api/v1/layers/subcompartment/export?format=dwg")
        .await;
    assert_eq!(code(r).await, "bad_format");
}
