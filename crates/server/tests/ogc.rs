//! OGC API – Features under `/ogc`: the resources, paging and filters, scope and refusals, and
//! GDAL's OAPIF driver (`ogrinfo`, `ogr2ogr`) reading the service as a real client.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

fn square(x: f64, y: f64, size: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]})
}

/// In the conformance tree each grid is a 0.01° square from y 31.5: 东亭一村 (320205001001) at
/// x 120.05, 江阴市 (320281) at x 120.02. Two sub-compartments in 东亭一村, one in 江阴.
fn subcompartments() -> String {
    json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"XIAO_BAN": "0001", "DI_LEI": "0111", "BH_DJ": "Ⅱ", "MEI_GQ_XJ": 80.5},
         "geometry": square(120.051, 31.501, 0.004)},
        {"type": "Feature", "properties": {"XIAO_BAN": "0002", "DI_LEI": "0111", "MEI_GQ_XJ": null},
         "geometry": square(120.056, 31.505, 0.003)},
        {"type": "Feature", "properties": {"XIAO_BAN": "0003", "DI_LEI": "竹林地", "MEI_GQ_XJ": 12},
         "geometry": square(120.021, 31.501, 0.004)}
    ]})
    .to_string()
}

/// A server with the three sub-compartments of 2025, an admin of the city and 江阴's chief.
async fn app_with_data() -> TestApp {
    let app = TestApp::start(&[
        ("admin", Role::Admin, "320200"),
        ("chief.jy", Role::Chief, "320281"),
    ])
    .await;
    let admin = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/layers/subcompartment/imports?filename=xb.geojson&year=2025"))
        .bearer_auth(&admin)
        .body(subcompartments())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201, "upload");
    app
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.expect("json")
}

fn href<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    doc["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| l["href"].as_str().expect("href"))
}

fn features(fc: &Value) -> &Vec<Value> {
    fc["features"].as_array().expect("features")
}

fn xiao_bans(fc: &Value) -> Vec<String> {
    let mut v: Vec<String> = features(fc)
        .iter()
        .map(|f| {
            f["properties"]["xiao_ban"]
                .as_str()
                .expect("xiao_ban")
                .to_owned()
        })
        .collect();
    v.sort();
    v
}

const ITEMS: &str = "/ogc/collections/subcompartment_2025/items";

#[tokio::test]
async fn landing_conformance_refusals() {
    let app = app_with_data().await;
    let admin = app.token("admin").await;

    let r = reqwest::get(app.url("/ogc")).await.expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(code(r).await, "unauthenticated");
    let r = reqwest::get(app.url(ITEMS)).await.expect("send");
    assert_eq!(r.status(), 401);

    let landing = get_json(&app, &admin, "/ogc").await;
    assert_eq!(
        href(&landing, "data"),
        Some(app.url("/ogc/collections").as_str())
    );
    assert_eq!(
        href(&landing, "conformance"),
        Some(app.url("/ogc/conformance").as_str())
    );
    assert_eq!(href(&landing, "self"), Some(app.url("/ogc").as_str()));
    let api = app.get(&admin, "/ogc/api").await;
    assert_eq!(
        api.headers()["content-type"],
        "application/vnd.oai.openapi+json;version=3.0"
    );
    let api: Value = api.json().await.expect("json");
    assert!(
        api["paths"]["/collections/subcompartment_2025/items"]["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .any(|p| p["name"] == "di_lei")
    );

    let conf = get_json(&app, &admin, "/ogc/conformance").await;
    let classes = conf["conformsTo"].as_array().expect("conformsTo");
    for c in ["core", "geojson"] {
        let uri = format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}");
        assert!(classes.iter().any(|x| x == &json!(uri)), "{c}");
    }
}

#[tokio::test]
async fn collections_with_extent_schema_and_queryables() {
    let app = app_with_data().await;
    let admin = app.token("admin").await;
    let chief = app.token("chief.jy").await;
    let all = get_json(&app, &admin, "/ogc/collections").await;
    let ids: Vec<&str> = all["collections"]
        .as_array()
        .expect("collections")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        ["subcompartment", "subcompartment_2025"],
        "layers without data have no collection"
    );
    let c = &all["collections"][1];
    assert_eq!(c["title"], "森林资源小班 2025");
    assert_eq!(c["itemType"], "feature");
    assert_eq!(c["crs"][0], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    assert_eq!(
        href(c, "items"),
        Some(app.url(ITEMS).as_str()),
        "absolute links"
    );
    // The extent is the box of the caller's root grid: 无锡市 for the admin, 江阴 for the chief.
    let close = |v: &Value, want: [f64; 4]| {
        let got: Vec<f64> = v
            .as_array()
            .expect("bbox")
            .iter()
            .map(|n| n.as_f64().expect("n"))
            .collect();
        assert!(
            got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-9),
            "{got:?} != {want:?}"
        );
    };
    close(
        &c["extent"]["spatial"]["bbox"][0],
        [120.0, 31.5, 120.01, 31.51],
    );
    let mine = get_json(&app, &chief, "/ogc/collections/subcompartment_2025").await;
    assert_eq!(mine["id"], "subcompartment_2025");
    close(
        &mine["extent"]["spatial"]["bbox"][0],
        [120.02, 31.5, 120.03, 31.51],
    );
    let latest = get_json(&app, &chief, "/ogc/collections/subcompartment").await;
    assert_eq!(latest["id"], "subcompartment");
    assert!(latest["description"].as_str().expect("d").contains("2025"));

    // The schema GDAL builds its fields from, and the queryables, in the layer's order.
    let schema = app
        .get(&admin, "/ogc/collections/subcompartment_2025/schema")
        .await;
    assert_eq!(schema.headers()["content-type"], "application/schema+json");
    let text = schema.text().await.expect("text");
    let (sheng, bg_yy) = (text.find("\"sheng\""), text.find("\"bg_yy\""));
    assert!(sheng.is_some() && sheng < bg_yy, "fields keep their order");
    let schema: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        schema["properties"]["properties"]["properties"]["mei_gq_xj"]["type"],
        "number"
    );
    let q = get_json(
        &app,
        &admin,
        "/ogc/collections/subcompartment_2025/queryables",
    )
    .await;
    assert_eq!(q["properties"]["di_lei"]["type"], "string");

    for path in [
        "/ogc/collections/subcompartment_2024",
        "/ogc/collections/wetland",
        "/ogc/collections/nothing",
        "/ogc/collections/subcompartment_2024/items",
        "/ogc/collections/wetland_2025/items",
    ] {
        let r = app.get(&admin, path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(code(r).await, "collection_not_found", "{path}");
    }
    let r = app.get(&admin, "/ogc/nothing/here").await;
    assert_eq!(r.status(), 404);
    assert_eq!(code(r).await, "route_not_found");
}

#[tokio::test]
async fn items_with_every_field_and_pages() {
    let app = app_with_data().await;
    let admin = app.token("admin").await;

    let r = app.get(&admin, ITEMS).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let fc: Value = r.json().await.expect("json");
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["numberMatched"], 3);
    assert_eq!(fc["numberReturned"], 3);
    assert_eq!(fc["timeStamp"], "2026-09-21T14:13:20Z");
    assert_eq!(href(&fc, "self"), Some(app.url(ITEMS).as_str()));
    assert!(href(&fc, "next").is_none() && href(&fc, "prev").is_none());
    assert_eq!(xiao_bans(&fc), ["0001", "0002", "0003"]);
    // Every feature has every field of the layer, null when it has no value.
    let fields = linzhang_domain::layer::layer("subcompartment")
        .expect("layer")
        .fields;
    for f in features(&fc) {
        let props = f["properties"].as_object().expect("properties");
        for field in fields {
            assert!(props.contains_key(field.name), "{} in {f}", field.name);
        }
        assert!(f["id"].is_string());
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
    }
    let second = features(&fc)
        .iter()
        .find(|f| f["properties"]["xiao_ban"] == "0002")
        .expect("0002");
    assert_eq!(second["properties"]["mei_gq_xj"], Value::Null);
    assert_eq!(second["properties"]["you_shi_sz"], Value::Null);

    // Paging by following the next links (a cursor), which keep the other parameters.
    let all_ids = |fc: &Value| -> Vec<String> {
        features(fc)
            .iter()
            .map(|f| f["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let in_order = all_ids(&fc);
    let mut page = get_json(&app, &admin, &format!("{ITEMS}?limit=1")).await;
    assert_eq!(page["numberMatched"], 3);
    assert!(href(&page, "prev").is_none());
    let mut paged = Vec::new();
    loop {
        assert_eq!(page["numberReturned"], 1);
        paged.extend(all_ids(&page));
        let Some(next) = href(&page, "next").map(str::to_owned) else {
            break;
        };
        assert!(next.starts_with(&app.url(ITEMS)), "{next}");
        page = reqwest::Client::new()
            .get(&next)
            .bearer_auth(&admin)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
    }
    assert_eq!(paged, in_order, "three pages, in the collection's order");
    let first = get_json(&app, &admin, &format!("{ITEMS}?limit=1&di_lei=0111")).await;
    let next = href(&first, "next").expect("next").to_owned();
    assert!(next.contains("di_lei=0111"), "{next}");
    let last: Value = reqwest::Client::new()
        .get(&next)
        .bearer_auth(&admin)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let mut both = [xiao_bans(&first), xiao_bans(&last)].concat();
    both.sort();
    assert_eq!(both, ["0001", "0002"]);
    assert!(href(&last, "next").is_none());

    // Paging by offset, with prev links.
    let tail = get_json(&app, &admin, &format!("{ITEMS}?limit=2&offset=2")).await;
    assert_eq!(tail["numberMatched"], 3);
    assert_eq!(all_ids(&tail), in_order[2..]);
    assert!(href(&tail, "next").is_none());
    assert_eq!(
        href(&tail, "prev"),
        Some(app.url(&format!("{ITEMS}?limit=2&offset=0")).as_str())
    );
    let middle = get_json(&app, &admin, &format!("{ITEMS}?offset=1&limit=1")).await;
    assert_eq!(middle["numberMatched"], 3);
    assert_eq!(all_ids(&middle), in_order[1..2]);
    assert!(href(&middle, "prev").is_some() && href(&middle, "next").is_some());
    let past = get_json(&app, &admin, &format!("{ITEMS}?offset=5")).await;
    assert_eq!(past["numberMatched"], 3);
    assert_eq!(past["numberReturned"], 0);
}

#[tokio::test]
async fn items_filtered_by_box_field_and_time() {
    let app = app_with_data().await;
    let admin = app.token("admin").await;
    // bbox, property filters (with the collection of the latest year), time, count only.
    let fc = get_json(
        &app,
        &admin,
        &format!("{ITEMS}?bbox=120.04,31.49,120.07,31.52"),
    )
    .await;
    assert_eq!(xiao_bans(&fc), ["0001", "0002"]);
    let fc = get_json(
        &app,
        &admin,
        "/ogc/collections/subcompartment/items?di_lei=0113&f=json",
    )
    .await;
    assert_eq!(xiao_bans(&fc), ["0003"]);
    assert_eq!(fc["features"][0]["properties"]["mei_gq_xj"], 12.0);
    let fc = get_json(
        &app,
        &admin,
        &format!("{ITEMS}?di_lei=0111&bbox=120.0,31.0,120.053,32.0"),
    )
    .await;
    assert_eq!(xiao_bans(&fc), ["0001"]);
    let fc = get_json(
        &app,
        &admin,
        &format!("{ITEMS}?datetime=2024-01-01/2024-12-31"),
    )
    .await;
    assert_eq!(fc["numberMatched"], 0);
    let fc = get_json(
        &app,
        &admin,
        &format!("{ITEMS}?datetime=2025-05-01T08:00:00Z"),
    )
    .await;
    assert_eq!(fc["numberMatched"], 3);
    let fc = get_json(
        &app,
        &admin,
        &format!("{ITEMS}?resultType=hits&di_lei=0111"),
    )
    .await;
    assert_eq!(fc["numberMatched"], 2);
    assert_eq!(fc["numberReturned"], 0);
    let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    let fc = get_json(
        &app,
        &admin,
        &format!("{ITEMS}?crs={crs84}&bbox-crs={crs84}&bbox=120.04,31.49,120.07,31.52"),
    )
    .await;
    assert_eq!(fc["numberMatched"], 2, "CRS84 may be named");

    for (query, want) in [
        ("bbox=1,2,3", "bad_bbox"),
        ("bbox=121,31,120,32", "bad_bbox"),
        ("limit=0", "bad_limit"),
        ("limit=many", "bad_limit"),
        ("offset=-1", "bad_offset"),
        ("DI_LEI=0111", "unknown_parameter"),
        ("limit=1&limit=2", "duplicate_parameter"),
        ("datetime=yesterday", "bad_datetime"),
        ("f=html", "bad_format"),
        ("after=3", "bad_after"),
        (
            "crs=http://www.opengis.net/def/crs/EPSG/0/4326",
            "unsupported_crs",
        ),
    ] {
        let r = app.get(&admin, &format!("{ITEMS}?{query}")).await;
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(code(r).await, want, "{query}");
    }
}

#[tokio::test]
async fn one_item_and_the_scope() {
    let app = app_with_data().await;
    let admin = app.token("admin").await;
    let chief = app.token("chief.jy").await;
    // One feature, by the id the collection gave.
    let id = features(&get_json(&app, &admin, &format!("{ITEMS}?xiao_ban=0001")).await)[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let r = app.get(&admin, &format!("{ITEMS}/{id}")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let one: Value = r.json().await.expect("json");
    assert_eq!(one["type"], "Feature");
    assert_eq!(one["id"], id.as_str());
    assert_eq!(one["properties"]["di_lei"], "0111");
    assert_eq!(one["properties"]["bh_dj"], "2");
    assert_eq!(
        href(&one, "self"),
        Some(app.url(&format!("{ITEMS}/{id}")).as_str())
    );
    for path in [
        format!("{ITEMS}/00000000-0000-0000-0000-000000000000"),
        format!("{ITEMS}/not-an-id"),
    ] {
        let r = app.get(&admin, &path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(code(r).await, "feature_not_found");
    }

    // Scope: 江阴's chief sees 江阴's feature only; 东亭's is 404 to him.
    let fc = get_json(&app, &chief, ITEMS).await;
    assert_eq!(fc["numberMatched"], 1);
    assert_eq!(xiao_bans(&fc), ["0003"]);
    assert_eq!(fc["features"][0]["properties"]["di_lei"], "0113");
    let fc = get_json(&app, &chief, &format!("{ITEMS}?resultType=hits")).await;
    assert_eq!(fc["numberMatched"], 1);
    let r = app.get(&chief, &format!("{ITEMS}/{id}")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(code(r).await, "feature_not_found");
}

/// What a GDAL command printed.
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs a GDAL utility with the bearer token in `GDAL_HTTP_HEADERS` (GDAL ≥ 3.6), talking to
/// the test server only: no proxy, no retries.
async fn gdal(program: &str, args: &[&str], token: &str) -> Run {
    let out = tokio::process::Command::new(program)
        .args(args)
        .env(
            "GDAL_HTTP_HEADERS",
            format!("Authorization: Bearer {token}"),
        )
        .env("GDAL_HTTP_MAX_RETRY", "0")
        .env("GDAL_HTTP_TIMEOUT", "60")
        .env("NO_PROXY", "*")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("CPL_DEBUG")
        .output()
        .await
        .expect("GDAL's utilities are installed");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn assert_clean(run: &Run, what: &str) {
    assert!(run.ok, "{what} failed:\n{}\n{}", run.stdout, run.stderr);
    assert!(
        !run.stderr.contains("Warning") && !run.stderr.contains("ERROR"),
        "{what} complained:\n{}",
        run.stderr
    );
}

// The server runs on the test's runtime: GDAL runs as a child process awaited asynchronously,
// on a multi-threaded runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gdal_reads_the_service() {
    let app = app_with_data().await;
    let admin = app.token("admin").await;
    let chief = app.token("chief.jy").await;
    let service = format!("OAPIF:{}/ogc", app.base);

    // The collections are GDAL's layers.
    let run = gdal("ogrinfo", &["-ro", "-q", &service], &admin).await;
    assert_clean(&run, "ogrinfo (layers)");
    assert!(run.stdout.contains("subcompartment_2025"), "{}", run.stdout);

    let run = gdal(
        "ogrinfo",
        &["-ro", "-so", &service, "subcompartment_2025"],
        &admin,
    )
    .await;
    assert_clean(&run, "ogrinfo -so");
    for want in [
        "Feature Count: 3",
        "Extent: (120.000000, 31.500000) - (120.010000, 31.510000)",
        "xiao_ban: String",
        "di_lei: String",
        "mei_gq_xj: Real",
        "bg_yy: String",
    ] {
        assert!(run.stdout.contains(want), "{want} in\n{}", run.stdout);
    }
    assert!(
        run.stdout.find("sheng: String") < run.stdout.find("bg_yy: String"),
        "fields in the layer's order:\n{}",
        run.stdout
    );

    // The chief's token: his feature only.
    let run = gdal(
        "ogrinfo",
        &["-ro", "-al", "-so", &service, "subcompartment_2025"],
        &chief,
    )
    .await;
    assert_clean(&run, "ogrinfo -al -so (chief)");
    assert!(run.stdout.contains("Feature Count: 1"), "{}", run.stdout);

    // A where clause on a field is sent to the server (`?di_lei=…`, counted with hits).
    let run = gdal(
        "ogrinfo",
        &[
            "-ro",
            "-al",
            "-so",
            "-where",
            "di_lei = '0111'",
            &service,
            "subcompartment_2025",
        ],
        &admin,
    )
    .await;
    assert_clean(&run, "ogrinfo -where");
    assert!(run.stdout.contains("Feature Count: 2"), "{}", run.stdout);

    // A copy to GeoPackage through pages of two features.
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out.gpkg");
    let out_name = out.to_str().expect("path").to_owned();
    let run = gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            &out_name,
            &service,
            "subcompartment_2025",
            "-oo",
            "PAGE_SIZE=2",
        ],
        &admin,
    )
    .await;
    assert_clean(&run, "ogr2ogr");
    let rows = tokio::task::spawn_blocking(move || {
        use gdal::vector::LayerAccess;
        let ds = gdal::Dataset::open(&out).expect("GDAL opens the copy");
        let mut layer = ds.layer_by_name("subcompartment_2025").expect("layer");
        let mut rows = Vec::new();
        for f in layer.features() {
            let text = |name: &str| {
                f.field_as_string(f.field_index(name).expect("field"))
                    .expect("read")
            };
            let stock = f
                .field_as_double(f.field_index("mei_gq_xj").expect("field"))
                .expect("read");
            rows.push((text("xiao_ban"), text("di_lei"), stock));
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    })
    .await
    .expect("read the copy");
    assert_eq!(
        rows,
        [
            (Some("0001".into()), Some("0111".into()), Some(80.5)),
            (Some("0002".into()), Some("0111".into()), None),
            (Some("0003".into()), Some("0113".into()), Some(12.0)),
        ]
    );
}
