//! The binary as an operator uses it: configuration, migrations, the demo, accounts.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn linzhang(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linzhang"));
    cmd.env_remove("LINZHANG_CONFIG")
        .env_remove("LINZHANG_LISTEN")
        .env("LINZHANG_DATABASE", db)
        .env("LINZHANG_LOG", "warn")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn linzhang");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[test]
fn config_shows_the_effective_settings_without_secrets() {
    let out = linzhang(
        "postgres://lz:s3cret@db.example:5432/lz",
        &["--listen", "0.0.0.0:9999", "config"],
        None,
    );
    assert!(out.status.success());
    let shown = text(&out.stdout);
    assert!(
        shown.contains("postgres://lz:***@db.example:5432/lz"),
        "{shown}"
    );
    assert!(!shown.contains("s3cret"));
    assert!(shown.contains("listen = \"0.0.0.0:9999\""));
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        "serve",
        "migrate",
        "demo",
        "sample",
        "import",
        "hotspots",
        "smoke-fire",
        "user",
        "imagery",
        "config",
        "openapi",
    ] {
        let out = linzhang("sqlite://unused.db", &[sub, "--help"], None);
        assert!(out.status.success(), "{sub} --help");
        assert!(!out.stdout.is_empty());
    }
    let out = linzhang("sqlite://unused.db", &["user", "add", "--help"], None);
    assert!(text(&out.stdout).contains("--temporary"));
}

#[test]
fn demo_then_accounts_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());

    let out = linzhang(&db, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // No grid yet: a clear error, exit ≠ 0.
    let out = linzhang(
        &db,
        &["user", "add", "ops", "--role", "admin", "--grid", "320200"],
        Some("Forest#2026\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("grid not found"),
        "{}",
        text(&out.stderr)
    );

    let out = linzhang(&db, &["demo", "--subcompartments", "300"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("88 towns"), "{shown}");
    assert!(shown.contains("chief.dongting"));
    let again = linzhang(&db, &["demo"], None);
    assert!(text(&again.stdout).contains("already"));
    import_from_the_command_line(&db, dir.path());

    let out = linzhang(
        &db,
        &["user", "add", "ops", "--role", "admin", "--grid", "320200"],
        Some("weak\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("password refused"));
    let out = linzhang(
        &db,
        &["user", "add", "ops", "--role", "wizard", "--grid", "320200"],
        Some("Forest#2026\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown role"));
    let out = linzhang(
        &db,
        &[
            "user",
            "add",
            "dept.x",
            "--role",
            "department",
            "--grid",
            "320200",
        ],
        Some("Forest#2026\n"),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--department"),
        "{}",
        text(&out.stderr)
    );
    let out = linzhang(
        &db,
        &[
            "user",
            "add",
            "dept.police",
            "--role",
            "department",
            "--grid",
            "320200",
            "--department",
            "police",
        ],
        Some("Forest#2026\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = linzhang(
        &db,
        &["user", "add", "ops", "--role", "admin", "--grid", "320200"],
        Some("Forest#2026\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created ops"));
    let out = linzhang(
        &db,
        &["user", "add", "ops", "--role", "admin", "--grid", "320200"],
        Some("Forest#2026\n"),
    );
    assert!(!out.status.success(), "duplicate names are refused");
    for args in [&["user", "lock", "ops"][..], &["user", "unlock", "ops"][..]] {
        let out = linzhang(&db, args, None);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = linzhang(&db, &["user", "passwd", "nobody"], Some("Forest#2026\n"));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no user"));
}

#[test]
fn unknown_database_schemes_are_refused() {
    let out = linzhang("mysql://x", &["migrate"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unsupported database URL"));
}

/// Two ancient trees in 宜兴 (inside the demo city), then the same with one broken feature.
fn import_from_the_command_line(db: &str, dir: &std::path::Path) {
    let trees = |second: &str| {
        format!(
            r#"{{"type":"FeatureCollection","features":[
            {{"type":"Feature","properties":{{"树种":"银杏","树龄":520,"等级":"一级古树"}},
              "geometry":{{"type":"Point","coordinates":[119.82,31.36]}}}},
            {{"type":"Feature","properties":{{"树种":"香樟","树龄":310}},"geometry":{second}}}]}}"#
        )
    };
    let good = dir.join("trees.geojson");
    std::fs::write(
        &good,
        trees(r#"{"type":"Point","coordinates":[119.83,31.35]}"#),
    )
    .expect("write");
    let bad = dir.join("broken.geojson");
    std::fs::write(
        &bad,
        trees(r#"{"type":"Point","coordinates":[119.83,131.35]}"#),
    )
    .expect("write");
    let path = |p: &std::path::Path| p.to_str().expect("utf8").to_owned();

    let out = linzhang(
        db,
        &[
            "import",
            "--layer",
            "ancient_tree",
            "--year",
            "2025",
            &path(&good),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 2 features"),
        "{}",
        text(&out.stdout)
    );

    let out = linzhang(
        db,
        &[
            "import",
            "--layer",
            "ancient_tree",
            "--year",
            "2026",
            &path(&bad),
        ],
        None,
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains("broken.geojson: feature 1:"),
        "file and index: {err}"
    );

    // A sample GeoPackage of the demo's sub-compartments imports whole.
    let gpkg = dir.join("xb.gpkg");
    let out = linzhang(
        db,
        &["sample", "--subcompartments", "200", &path(&gpkg)],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = linzhang(
        db,
        &[
            "import",
            "--layer",
            "subcompartment",
            "--year",
            "2023",
            &path(&gpkg),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 200 features from"),
        "{}",
        text(&out.stdout)
    );

    hotspots_from_the_command_line(db, &good);

    spots_from_the_command_line(db, dir);

    let out = linzhang(db, &["import", "--layer", "moon_rocks", &path(&good)], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown layer moon_rocks"));
}

/// The real FIRMS sample reads whole (nothing of it lies in Wuxi); a file of something else
/// fails with its name and line.
fn hotspots_from_the_command_line(db: &str, good: &std::path::Path) {
    let path = |p: &std::path::Path| p.to_str().expect("utf8").to_owned();

    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/firms/MODIS_C6_1_Global_24h_2023-08-01.csv"
    );
    let out = linzhang(db, &["hotspots", sample], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("36555 detections read"),
        "{}",
        text(&out.stdout)
    );
    let out = linzhang(db, &["hotspots", &path(good)], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("trees.geojson:2:"),
        "file and line: {}",
        text(&out.stderr)
    );
}

#[test]
fn smoke_fire_prints_one_line_per_image() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");
    let images = [
        format!("{data}/fire_1.jpg"),
        format!("{data}/smoke_1.jpg"),
        format!("{data}/neutral_1.jpg"),
    ];
    let args: Vec<&str> = std::iter::once("smoke-fire")
        .chain(images.iter().map(String::as_str))
        .collect();
    let out = linzhang("sqlite://unused.db", &args, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<Vec<String>> = text(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    let verdicts: Vec<&str> = lines.iter().map(|l| l[1].as_str()).collect();
    assert_eq!(verdicts, ["fire", "smoke", "none"]);
    assert!(lines.iter().zip(&images).all(|(l, p)| &l[0] == p));
    assert!(
        lines
            .iter()
            .all(|l| l[2].parse::<f64>().is_ok_and(|s| (0.0..=1.0).contains(&s)))
    );
    let out = linzhang(
        "sqlite://unused.db",
        &["smoke-fire", "/nonexistent.jpg"],
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("/nonexistent.jpg"));
}

#[test]
fn index_and_detect_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let scene = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/imagery/S2_10m_blue_green_red_nir.tif"
    );
    let out_tif = dir.path().join("ndvi.tif");
    let out = linzhang(
        "sqlite://unused.db",
        &[
            "index",
            "ndvi",
            scene,
            out_tif.to_str().expect("utf8"),
            "--bands",
            "red=3,nir=4",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("300×200"),
        "{}",
        text(&out.stdout)
    );
    let info = Command::new("gdalinfo")
        .arg(&out_tif)
        .output()
        .expect("gdalinfo");
    assert!(text(&info.stdout).contains("Type=Float32"));

    // The same scene twice: no change.
    let patches = dir.path().join("patches.geojson");
    let out = linzhang(
        "sqlite://unused.db",
        &[
            "detect",
            "--before",
            scene,
            "--after",
            scene,
            "--out",
            patches.to_str().expect("utf8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("0 change patches"),
        "{}",
        text(&out.stdout)
    );
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&patches).expect("read")).expect("json");
    assert_eq!(fc["type"], "FeatureCollection");

    let out = linzhang(
        "sqlite://unused.db",
        &["index", "evi", scene, "x.tif"],
        None,
    );
    assert!(!out.status.success());
}

/// A detected patch over southern Yixing becomes a batch of change spots; names are unique.
fn spots_from_the_command_line(db: &str, dir: &std::path::Path) {
    let path = |p: &std::path::Path| p.to_str().expect("utf8").to_owned();
    let patches = dir.join("patches.geojson");
    let collection = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"cause_zh":"采伐"},
        "geometry":{"type":"Polygon","coordinates":[[[119.6,31.15],[119.95,31.15],[119.95,31.35],[119.6,31.35],[119.6,31.15]]]}}]}"#;
    std::fs::write(&patches, collection).expect("write");
    let out = linzhang(
        db,
        &["spots", "--batch", "2026年第1期", &path(&patches)],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 of 1 patches kept"),
        "{}",
        text(&out.stdout)
    );
    let out = linzhang(
        db,
        &["spots", "--batch", "2026年第1期", &path(&patches)],
        None,
    );
    assert!(!out.status.success(), "batch names are unique");
}

#[test]
fn imagery_is_registered_in_place_and_listed() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let imagery = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imagery");
    // A copy, so that --overviews may write beside it.
    let scene = dir.path().join("rgbn.tif");
    std::fs::copy(format!("{imagery}/rgbn.tif"), &scene).expect("copy");
    let path = scene.to_str().expect("utf-8 path");
    let out = linzhang(
        &db,
        &[
            "imagery",
            "add",
            path,
            "--name",
            "Haiti 5 m",
            "--sensor",
            "aerial",
            "--date",
            "2020-06-01",
            "--overviews",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("blue=3,green=2,nir=4,red=1"));
    let bad = linzhang(
        &db,
        &[
            "imagery",
            "add",
            &format!("{imagery}/S2_composite_30m_6band.tif"),
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("not georeferenced"),
        "{}",
        text(&bad.stderr)
    );
    let bands = linzhang(&db, &["imagery", "add", path, "--bands", "red=9"], None);
    assert!(!bands.status.success());
    assert!(
        text(&bands.stderr).contains("no band 9"),
        "{}",
        text(&bands.stderr)
    );

    let out = linzhang(&db, &["imagery", "list"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 1, "{listed}");
    let fields: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(&fields[1..4], ["Haiti 5 m", "aerial", "2020-06-01"]);
    // Haiti, north of the equator, west of Greenwich.
    let bounds: Vec<f64> = fields[5]
        .split(',')
        .map(|v| v.parse().expect("number"))
        .collect();
    assert!(bounds[0] < -72.0 && bounds[1] > 18.0, "{bounds:?}");
    let ds = std::process::Command::new("gdalinfo")
        .arg(path)
        .output()
        .expect("gdalinfo runs");
    assert!(
        text(&ds.stdout).contains("Overviews:"),
        "overviews were built"
    );
}
