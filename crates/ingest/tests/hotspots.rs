//! Satellite hotspots end to end: the real FIRMS sample, duplicates, and a detection on forest
//! land that raises one fire incident (and a second detection of the same fire that joins it).

mod common;

use chrono::{DateTime, Utc};
use common::{import, store, subcompartments, temp};
use linzhang_domain::Scope;
use linzhang_domain::incident::IncidentSource;
use linzhang_ingest::{import_hotspots, parse_firms};
use linzhang_store::{IncidentFilter, Store};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/firms/MODIS_C6_1_Global_24h_2023-08-01.csv"
);

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_690_950_000, 0).expect("time")
}

/// MODIS rows: on a 乔木林地 sub-compartment; the same row again; 800 m away two hours later
/// (the same fire); far from forest land in the same village; outside the city.
const ROWS: &str = "latitude,longitude,brightness,scan,track,acq_date,acq_time,satellite,confidence,version,bright_t31,frp,daynight
31.16,119.665,330.5,1.0,1.0,2023-08-01,0310,A,88,6.1NRT,295.1,42.3,D
31.16,119.665,330.5,1.0,1.0,2023-08-01,0310,A,88,6.1NRT,295.1,42.3,D
31.16,119.6734,318.2,1.0,1.0,2023-08-01,0510,T,71,6.1NRT,293.0,12.0,D
31.11,119.61,305.0,1.0,1.0,2023-08-01,0310,A,55,6.1NRT,290.0,4.0,D
31.0,121.0,305.0,1.0,1.0,2023-08-01,0310,A,55,6.1NRT,290.0,4.0,D
";

#[tokio::test]
async fn the_firms_sample_imports_and_a_hotspot_on_forest_raises_one_incident() {
    let dir = temp();
    let (s, _) = store(dir.path()).await;
    assert!(
        import(&s, &subcompartments(dir.path(), None), 2025)
            .await
            .import
            .is_some()
    );

    // The real sample: every row reads; none lies in this test city.
    let (sample, bad) = parse_firms(std::fs::File::open(SAMPLE).expect("sample"));
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(sample.len(), 36_555);
    assert!(sample.iter().all(|h| h.instrument == "MODIS"));
    let r = import_hotspots(&s, at(), sample).await.expect("import");
    assert_eq!((r.read, r.outside, r.stored), (36_555, 36_555, 0));

    let (rows, bad) = parse_firms(ROWS.as_bytes());
    assert!(bad.is_empty());
    let r = import_hotspots(&s, at(), rows.clone())
        .await
        .expect("import");
    assert_eq!(r.outside, 1);
    assert_eq!(r.duplicates, 1, "the repeated row is merged");
    assert_eq!(r.stored, 3);
    assert_eq!(r.near_forest, 2);
    assert_eq!((r.incidents_raised, r.incidents_joined), (1, 1));

    let all = Scope::everything();
    let incidents = s
        .incidents(&all, &IncidentFilter::default())
        .await
        .expect("incidents");
    assert_eq!(incidents.len(), 1);
    let fire = &incidents[0];
    assert_eq!(
        (fire.kind.as_str(), fire.source),
        ("fire", IncidentSource::Hotspot)
    );
    assert_eq!(fire.grid_code.as_str(), "320282101001");
    assert!(
        fire.description.contains("所在地类 0111"),
        "{}",
        fire.description
    );
    let stored = s
        .hotspots(&all, at() - chrono::Duration::days(2), None, 10)
        .await
        .expect("hotspots");
    assert_eq!(stored.len(), 3);
    assert_eq!(
        stored
            .iter()
            .filter(|h| h.incident_id == Some(fire.id))
            .count(),
        2
    );
    let far = stored
        .iter()
        .find(|h| h.hotspot.lat < 31.12)
        .expect("the far one");
    assert!(far.incident_id.is_none());

    // The same file again adds nothing.
    let r = import_hotspots(&s, at(), rows).await.expect("import");
    assert_eq!((r.stored, r.duplicates, r.incidents_raised), (0, 4, 0));
    assert_eq!(
        s.incidents(&all, &IncidentFilter::default())
            .await
            .expect("incidents")
            .len(),
        1
    );
}

#[test]
fn viirs_columns_and_bad_rows() {
    let csv = "latitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,instrument,confidence,version,bright_ti5,frp,daynight
31.2,119.7,340.1,0.4,0.4,2023-08-01,45,N,VIIRS,h,2.0NRT,290.1,5.2,N
31.2,119.7,340.1,0.4,0.4,2023-08-01,0045,N,VIIRS,maybe,2.0NRT,290.1,5.2,N
95.0,119.7,340.1,0.4,0.4,2023-08-01,0045,N,VIIRS,n,2.0NRT,290.1,5.2,N
";
    let (rows, bad) = parse_firms(csv.as_bytes());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].instrument, "VIIRS");
    assert_eq!(rows[0].confidence, 90);
    assert_eq!(rows[0].acquired_at.format("%H:%M").to_string(), "00:45");
    assert_eq!(
        bad.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        vec![3, 4]
    );
}
