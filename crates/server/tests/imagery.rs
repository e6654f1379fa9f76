//! Imagery over real HTTP: upload the Sentinel-2 sample, list it, draw tiles, refuse what is not
//! a georeferenced raster, keep rangers out of registration.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use linzhang_geo::tile::{lonlat_to_mercator, tile_of};
use serde_json::Value;

const IMAGERY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imagery");

async fn upload(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!("/api/v1/imagery?{query}")))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("send")
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{IMAGERY}/{name}")).expect("sample")
}

/// Decoded RGBA of a 256×256 PNG.
fn decode(bytes: &[u8]) -> Vec<u8> {
    let mut reader = png::Decoder::new(bytes).read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!((frame.width, frame.height), (256, 256));
    assert_eq!(frame.color_type, png::ColorType::Rgba);
    buf.truncate(frame.buffer_size());
    buf
}

#[tokio::test]
#[allow(clippy::too_many_lines, reason = "one story, from upload to removal")]
async fn upload_list_draw_and_remove() {
    let app = TestApp::start(&[
        ("office", Role::Office, "320200"),
        ("ranger.dt", Role::Ranger, "320205001"),
    ])
    .await;
    let office = app.token("office").await;
    let ranger = app.token("ranger.dt").await;

    // A ranger reads imagery but may not register it.
    let r = upload(
        &app,
        &ranger,
        "filename=s2.tif",
        sample("S2_10m_blue_green_red_nir.tif"),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(code(r).await, "forbidden");

    // A text file and a raster without georeferencing are refused, and nothing is kept.
    let r = upload(&app, &office, "filename=notes.tif", b"hello".to_vec()).await;
    assert_eq!(r.status(), 422);
    assert_eq!(code(r).await, "not_a_raster");
    let r = upload(
        &app,
        &office,
        "filename=c.tif",
        sample("S2_composite_30m_6band.tif"),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(code(r).await, "not_georeferenced");
    let r = upload(
        &app,
        &office,
        "filename=s2.tif&bands=red=9",
        sample("S2_10m_blue_green_red_nir.tif"),
    )
    .await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["code"], "bad_bands");
    let message = body["message"].as_str().expect("message");
    assert!(message.contains("no band 9"), "{message}");
    assert!(!message.contains('/'), "no server path in {message}");
    let r = upload(
        &app,
        &office,
        "filename=s2.tif&acquired_on=May",
        sample("S2_10m_blue_green_red_nir.tif"),
    )
    .await;
    assert_eq!(r.status(), 400);
    let stored = app.state.config.data_dir.join("imagery");
    let left = std::fs::read_dir(&stored).map_or(0, Iterator::count);
    assert_eq!(left, 0, "refused uploads leave no file");

    let r = upload(
        &app,
        &office,
        "filename=s2.tif&name=Patagonia%20S2&sensor=Sentinel-2&acquired_on=2023-01-15",
        sample("S2_10m_blue_green_red_nir.tif"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let scene: Value = r.json().await.expect("json");
    let id = scene["id"].as_str().expect("id").to_owned();
    assert_eq!(scene["name"], "Patagonia S2");
    assert_eq!(scene["crs"], "EPSG:32719");
    assert_eq!(scene["acquired_on"], "2023-01-15");
    assert_eq!(
        scene["bands"],
        serde_json::json!({"blue": 1, "green": 2, "red": 3, "nir": 4})
    );
    assert_eq!(scene["modes"], serde_json::json!(["true", "false", "ndvi"]));
    assert_eq!(
        (scene["width"].as_i64(), scene["height"].as_i64()),
        (Some(300), Some(200))
    );
    assert_eq!(scene["stretch"].as_array().map(Vec::len), Some(4));

    // Listed (the ranger reads it too), filtered by box.
    let list: Value = app
        .get(&ranger, "/api/v1/imagery")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let b: Vec<f64> = list[0]["bounds"]
        .as_array()
        .expect("bounds")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect();
    assert!(
        b[0] < -67.0 && b[1] < -47.0 && b[0] < b[2] && b[1] < b[3],
        "{b:?}"
    );
    let wuxi: Value = app
        .get(&ranger, "/api/v1/imagery?bbox=119.5,31,120.6,32")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(wuxi, serde_json::json!([]));
    let r = app.get(&ranger, "/api/v1/imagery?bbox=1,2,3").await;
    assert_eq!(r.status(), 400);
    let r = app.get(&ranger, &format!("/api/v1/imagery/{id}")).await;
    assert_eq!(r.status(), 200);

    // A tile over the scene: 200 PNG, opaque at the scene's centre.
    let (lon, lat) = (f64::midpoint(b[0], b[2]), f64::midpoint(b[1], b[3]));
    let t = tile_of(lon, lat, 13);
    let path = format!("/tiles/imagery/{id}/true/{}/{}/{}.png", t.z, t.x, t.y);
    let r = app.get(&ranger, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .expect("header")
            .contains("private")
    );
    let rgba = decode(&r.bytes().await.expect("bytes"));
    let [x0, _, x1, y1] = t.bounds_mercator();
    let [mx, my] = lonlat_to_mercator(lon, lat);
    let size = (x1 - x0) / 256.0;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "inside the tile"
    )]
    let (px, py) = (((mx - x0) / size) as usize, ((y1 - my) / size) as usize);
    assert_eq!(rgba[(py * 256 + px) * 4 + 3], 255, "opaque at the centre");
    let opaque = rgba.chunks_exact(4).filter(|p| p[3] == 255).count();
    assert!(opaque > 10_000, "{opaque} opaque pixels");

    let again = reqwest::Client::new()
        .get(app.url(&path))
        .bearer_auth(&ranger)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 304);
    let r = app
        .get(
            &ranger,
            &format!("/tiles/imagery/{id}/ndvi/{}/{}/{}.png", t.z, t.x, t.y),
        )
        .await;
    assert_eq!(r.status(), 200);

    // Far away (Wuxi): 204. Unknown mode: 400. Unknown scene: 404. No login: 401.
    let w = tile_of(120.3, 31.5, 13);
    let r = app
        .get(
            &ranger,
            &format!("/tiles/imagery/{id}/true/{}/{}/{}.png", w.z, w.x, w.y),
        )
        .await;
    assert_eq!(r.status(), 204);
    let r = app
        .get(
            &ranger,
            &format!("/tiles/imagery/{id}/infrared/{}/{}/{}.png", t.z, t.x, t.y),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(code(r).await, "bad_mode");
    let r = app
        .get(
            &ranger,
            &format!("/tiles/imagery/{}/true/1/0/0.png", uuid::Uuid::nil()),
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = reqwest::get(app.url(&path)).await.expect("send");
    assert_eq!(r.status(), 401);

    // A scene that lacks a mode's bands: 422 for that mode.
    let r = upload(
        &app,
        &office,
        "filename=swir.tif&bands=nir=1,red=2",
        sample("S2_20m_swir1_swir2.tif"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let swir: Value = r.json().await.expect("json");
    assert_eq!(swir["modes"], serde_json::json!(["ndvi"]));
    let r = app
        .get(
            &ranger,
            &format!(
                "/tiles/imagery/{}/true/{}/{}/{}.png",
                swir["id"].as_str().expect("id"),
                t.z,
                t.x,
                t.y
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(code(r).await, "missing_band");

    // Removal: rangers may not; the office removes the record and the uploaded file.
    let del = |token: String, id: String| {
        let url = app.url(&format!("/api/v1/imagery/{id}"));
        async move {
            reqwest::Client::new()
                .delete(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("send")
        }
    };
    assert_eq!(del(ranger.clone(), id.clone()).await.status(), 403);
    assert_eq!(std::fs::read_dir(&stored).map_or(0, Iterator::count), 2);
    assert_eq!(del(office.clone(), id.clone()).await.status(), 204);
    assert_eq!(std::fs::read_dir(&stored).map_or(0, Iterator::count), 1);
    assert_eq!(del(office.clone(), id.clone()).await.status(), 404);
    let r = app.get(&ranger, &path).await;
    assert_eq!(r.status(), 404);
}
