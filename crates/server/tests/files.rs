//! Uploaded files in an S3-compatible bucket (`s3://bucket/prefix`), over real HTTP on both
//! sides: the test S3 server named by `LINZHANG_TEST_S3` (`make test` starts `moto_server`
//! there). A photo and a video written in parts land in the bucket under the prefix and come
//! back whole and in byte ranges.

mod common;

use common::TestApp;
use linzhang_domain::Role;
use serde_json::{Value, json};

const FIRE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");

/// The test S3 endpoint, once it answers.
async fn s3() -> Option<String> {
    let Ok(endpoint) = std::env::var("LINZHANG_TEST_S3") else {
        eprintln!("warning: LINZHANG_TEST_S3 unset: the S3 file store test is skipped");
        return None;
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&endpoint).send().await.is_ok() {
            return Some(endpoint);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client
        .get(&endpoint)
        .send()
        .await
        .expect("LINZHANG_TEST_S3 answers");
    Some(endpoint)
}

#[tokio::test]
async fn photos_and_videos_live_in_an_s3_bucket() {
    let Some(endpoint) = s3().await else { return };
    let bucket = format!("lz-{}", linzhang_domain::ids::new_id().simple());
    let made = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("create bucket");
    assert!(made.status().is_success(), "{}", made.status());
    let options = [
        ("endpoint", endpoint.as_str()),
        ("allow_http", "true"),
        ("region", "us-east-1"),
        ("access_key_id", "test"),
        ("secret_access_key", "test"),
    ];
    let files = linzhang_server::open_files(&format!("s3://{bucket}/wuxi/files"), &options)
        .expect("bucket");
    let app = TestApp::start_with_state(
        &[("ranger", Role::Ranger, "320205001001")],
        linzhang_server::ServerConfig::default(),
        |mut s| {
            s.files = files.clone();
            s
        },
    )
    .await;
    let t = app.token("ranger").await;
    let incident = "0192f7a0-0000-7000-8000-0000000000a1";
    let r = app
        .post(
            &t,
            "/api/v1/incidents",
            &json!({"id": incident, "grid_code": "320205001001", "kind": "fire",
                    "priority": "urgent", "title": "山林冒烟", "lon": 120.35, "lat": 31.6}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let send = |id: &str, bytes: Vec<u8>| {
        reqwest::Client::new()
            .post(app.url(&format!("/api/v1/incidents/{incident}/attachments?id={id}")))
            .bearer_auth(&t)
            .body(bytes)
            .send()
    };
    let photo = std::fs::read(format!("{FIRE}/fire/1.jpg")).expect("photo");
    let r = send("0192f7a0-0000-7000-8000-0000000000b1", photo.clone())
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
    let stored: Value = r.json().await.expect("json");
    let back = app
        .get(&t, stored["url"].as_str().expect("url"))
        .await
        .bytes()
        .await
        .expect("body");
    assert!(back == photo[..], "the photo back from the bucket");
    let thumb = app
        .get(&t, stored["thumbnail_url"].as_str().expect("thumbnail"))
        .await;
    assert_eq!(thumb.status(), 200);

    // A video of three parts (S3 takes parts of at least 5 MB but the last).
    let mut video = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    video.extend((video.len()..20 * 1024 * 1024).map(|i| u8::try_from(i % 251).expect("byte")));
    let r = send("0192f7a0-0000-7000-8000-0000000000b2", video.clone())
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
    let stored: Value = r.json().await.expect("json");
    let part = reqwest::Client::new()
        .get(app.url(stored["url"].as_str().expect("url")))
        .bearer_auth(&t)
        .header("range", "bytes=16777210-16777229")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), 206);
    assert!(part.bytes().await.expect("body") == video[16_777_210..16_777_230]);

    // In the bucket, under the prefix: the photo, its thumbnail and the video.
    let raw = linzhang_server::open_files(&format!("s3://{bucket}"), &options).expect("bucket");
    let mut keys: Vec<String> = futures_util::StreamExt::collect::<Vec<_>>(raw.list(None))
        .await
        .into_iter()
        .map(|m| m.expect("listed").location.to_string())
        .collect();
    keys.sort();
    let prefix = format!("wuxi/files/incidents/{incident}");
    assert_eq!(
        keys,
        [
            format!("{prefix}/0192f7a0-0000-7000-8000-0000000000b1.jpeg"),
            format!("{prefix}/0192f7a0-0000-7000-8000-0000000000b1.thumb.jpg"),
            format!("{prefix}/0192f7a0-0000-7000-8000-0000000000b2.mp4"),
        ]
    );
}

#[test]
fn an_s3_location_names_its_bucket() {
    let e = linzhang_server::open_files("s3:///x", &[]).expect_err("refused");
    assert!(e.to_string().contains("bucket"), "{e}");
}
