//! Photos and videos of incidents over HTTP: stored once however often the phone sends them,
//! typed by their bytes, size-limited, with thumbnails, and seen only by whoever sees the
//! incident.

mod common;

use common::{TestApp, code};
use linzhang_domain::Role;
use serde_json::{Value, json};

const FIRE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");
const INCIDENT: &str = "0192f7a0-0000-7000-8000-0000000000a1";
const PHOTO: &str = "0192f7a0-0000-7000-8000-0000000000b1";

async fn app_with_incident() -> (TestApp, String) {
    let app = TestApp::start(&[
        ("ranger", Role::Ranger, "320205001001"),
        ("office", Role::Office, "320205001"),
        ("other", Role::Office, "320205002"),
    ])
    .await;
    let t = app.token("ranger").await;
    let r = app
        .post(
            &t,
            "/api/v1/incidents",
            &json!({
                "id": INCIDENT, "grid_code": "320205001001", "kind": "fire", "priority": "urgent",
                "title": "山林冒烟", "lon": 120.35, "lat": 31.6
            }),
        )
        .await;
    assert_eq!(r.status(), 201);
    (app, t)
}

async fn upload(
    app: &TestApp,
    token: &str,
    incident: &str,
    id: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!(
            "/api/v1/incidents/{incident}/attachments?id={id}&name=IMG_0001.jpg"
        )))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("send")
}

async fn detail(app: &TestApp, token: &str) -> Value {
    let r = app
        .get(token, &format!("/api/v1/incidents/{INCIDENT}"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

#[tokio::test]
async fn a_photo_sent_twice_is_stored_once_with_a_thumbnail() {
    let (app, t) = app_with_incident().await;
    let photo = std::fs::read(format!("{FIRE}/fire/1.jpg")).expect("photo");
    let original = image::load_from_memory(&photo).expect("decodes");

    let first = upload(&app, &t, INCIDENT, PHOTO, "image/jpeg", photo.clone()).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    assert_eq!(first["media_type"], "jpeg");
    assert_eq!(first["kind"], "photo");
    assert_eq!(first["size_bytes"], photo.len());
    assert_eq!(first["width"], original.width());
    assert_eq!(first["file_name"], "IMG_0001.jpg");
    assert_eq!(first["uploaded_by"], "ranger");

    // The phone did not hear the answer and sends it again.
    let again = upload(&app, &t, INCIDENT, PHOTO, "image/jpeg", photo.clone()).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["id"], first["id"]);

    // The office above sees it in the incident's detail, once.
    let office = app.token("office").await;
    let d = detail(&app, &office).await;
    let list = d["attachments"].as_array().expect("attachments");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], PHOTO);

    // The file comes back byte for byte; the thumbnail is a smaller JPEG.
    let url = list[0]["url"].as_str().expect("url");
    let r = app.get(&office, url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), photo.as_slice());
    let r = app
        .get(&office, list[0]["thumbnail_url"].as_str().expect("thumb"))
        .await;
    assert_eq!(r.status(), 200);
    let thumb = r.bytes().await.expect("bytes");
    assert!(thumb.len() < photo.len(), "the thumbnail is smaller");
    let small = image::load_from_memory(&thumb).expect("the thumbnail decodes");
    assert!(small.width().max(small.height()) <= 320);
    assert!(small.width() < original.width());

    // The same id cannot be sent for another incident, and nothing of it is kept.
    let second = "0192f7a0-0000-7000-8000-0000000000a2";
    let r = app
        .post(
            &t,
            "/api/v1/incidents",
            &json!({
                "id": second, "grid_code": "320205001001", "kind": "other", "priority": "normal",
                "title": "标识牌倒了"
            }),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = upload(&app, &t, second, PHOTO, "image/jpeg", photo.clone()).await;
    assert_eq!(r.status(), 409);
    assert_eq!(code(r).await, "conflict");
    let files = app.dir.path().join("files/incidents");
    assert!(
        !files.join(second).join(format!("{PHOTO}.jpeg")).exists(),
        "the refused upload's file was removed"
    );
    assert!(files.join(INCIDENT).join(format!("{PHOTO}.jpeg")).exists());

    // Another town's office sees neither the file nor the thumbnail.
    let other = app.token("other").await;
    assert_eq!(app.get(&other, url).await.status(), 404);
    assert_eq!(
        upload(
            &app,
            &other,
            INCIDENT,
            "0192f7a0-0000-7000-8000-0000000000b9",
            "image/jpeg",
            photo
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn what_is_not_a_photo_or_video_is_refused_and_nothing_is_stored() {
    let (app, t) = app_with_incident().await;
    let id = "0192f7a0-0000-7000-8000-0000000000c1";

    // Text claiming to be a JPEG: the bytes decide.
    let r = upload(
        &app,
        &t,
        INCIDENT,
        id,
        "image/jpeg",
        b"hello, I am a text file\n".to_vec(),
    )
    .await;
    assert_eq!(r.status(), 415);
    assert_eq!(code(r).await, "unsupported_media_type");

    // JPEG magic with garbage behind it does not decode.
    let mut broken = vec![0xFF, 0xD8, 0xFF, 0xE0];
    broken.extend(std::iter::repeat_n(7u8, 2_000));
    let r = upload(&app, &t, INCIDENT, id, "image/jpeg", broken).await;
    assert_eq!(r.status(), 422);
    assert_eq!(code(r).await, "bad_image");

    let r = upload(&app, &t, INCIDENT, id, "image/jpeg", Vec::new()).await;
    assert_eq!(r.status(), 422);
    assert_eq!(code(r).await, "empty_file");

    // Over 20 MB a photo is too large.
    let mut huge = std::fs::read(format!("{FIRE}/fire_1.jpg")).expect("photo");
    huge.resize(21 * 1024 * 1024, 0);
    let r = upload(&app, &t, INCIDENT, id, "image/jpeg", huge).await;
    assert_eq!(r.status(), 413);
    assert_eq!(code(r).await, "file_too_large");

    // A small MP4 is a video: stored, without a thumbnail.
    let mut mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    mp4.extend(std::iter::repeat_n(1u8, 4_096));
    let r = upload(&app, &t, INCIDENT, id, "video/mp4", mp4.clone()).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["kind"], "video");
    assert!(v["thumbnail_url"].is_null());
    let thumb = format!("/api/v1/incidents/{INCIDENT}/attachments/{id}/thumbnail");
    let r = app.get(&t, &thumb).await;
    assert_eq!(r.status(), 404);
    assert_eq!(code(r).await, "thumbnail_not_found");

    let d = detail(&app, &t).await;
    assert_eq!(
        d["attachments"].as_array().expect("list").len(),
        1,
        "only the video"
    );

    // Unknown incident, bad ids.
    let r = upload(
        &app,
        &t,
        "0192f7a0-0000-7000-8000-0000000000ff",
        PHOTO,
        "video/mp4",
        mp4.clone(),
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = upload(&app, &t, INCIDENT, "not-a-uuid", "video/mp4", mp4).await;
    assert_eq!(r.status(), 400);
}

/// An MP4-typed video of `len` bytes with a pattern that shows any misplaced byte.
fn video(len: usize) -> Vec<u8> {
    let mut v = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    v.extend((v.len()..len).map(|i| u8::try_from(i % 251).expect("byte")));
    v
}

async fn get_range(app: &TestApp, token: &str, url: &str, range: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url(url))
        .bearer_auth(token)
        .header("range", range)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn a_video_is_written_in_parts_and_served_in_byte_ranges() {
    use sha2::Digest as _;
    let (app, t) = app_with_incident().await;
    // Three parts of 8 MB, the last one short.
    let bytes = video(20 * 1024 * 1024 + 123);
    let id = "0192f7a0-0000-7000-8000-0000000000e1";
    let r = upload(&app, &t, INCIDENT, id, "video/mp4", bytes.clone()).await;
    assert_eq!(r.status(), 201);
    let stored: Value = r.json().await.expect("json");
    assert_eq!(stored["size_bytes"], bytes.len());
    assert_eq!(stored["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
    let url = stored["url"].as_str().expect("url").to_owned();

    let whole = app.get(&t, &url).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    assert!(
        whole.bytes().await.expect("body") == bytes[..],
        "the file back, byte for byte"
    );

    let part = get_range(&app, &t, &url, "bytes=10000000-10000099").await;
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 10000000-10000099/{}", bytes.len()).as_str()
    );
    assert!(part.bytes().await.expect("body") == bytes[10_000_000..10_000_100]);
    let tail = get_range(&app, &t, &url, "bytes=-10").await;
    assert_eq!(tail.status(), 206);
    assert!(tail.bytes().await.expect("body") == bytes[bytes.len() - 10..]);
    let beyond = get_range(&app, &t, &url, "bytes=99999999-").await;
    assert_eq!(beyond.status(), 416);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{}", bytes.len()).as_str()
    );
}

#[tokio::test]
async fn a_video_cut_off_half_way_leaves_nothing_and_can_be_sent_again() {
    let (app, t) = app_with_incident().await;
    let bytes = video(12 * 1024 * 1024);
    let id = "0192f7a0-0000-7000-8000-0000000000e2";
    // The phone loses its connection after 9 MB.
    let first = bytes[..9 * 1024 * 1024].to_vec();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(first), Err(std::io::Error::other("connection lost"))];
    let cut = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/incidents/{INCIDENT}/attachments?id={id}")))
        .bearer_auth(&t)
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await;
    assert!(
        cut.map_or(true, |r| !r.status().is_success()),
        "a cut-off upload is not acknowledged"
    );
    let folder = app.dir.path().join("files/incidents").join(INCIDENT);
    let leftovers = |folder: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(folder)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with(id))
                    .collect()
            })
            .unwrap_or_default()
    };
    // The server notices the cut a moment after the client gives up.
    let mut left = leftovers(&folder);
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = leftovers(&folder);
    }
    assert!(
        left.is_empty(),
        "nothing of the cut-off file remains: {left:?}"
    );
    let listed = detail(&app, &t).await;
    assert!(
        listed["attachments"]
            .as_array()
            .is_none_or(|a| a.iter().all(|x| x["id"] != id)),
        "and nothing is recorded"
    );

    let again = upload(&app, &t, INCIDENT, id, "video/mp4", bytes.clone()).await;
    assert_eq!(again.status(), 201, "sent again whole, it is stored");
    assert_eq!(leftovers(&folder), [format!("{id}.mp4")]);
}
