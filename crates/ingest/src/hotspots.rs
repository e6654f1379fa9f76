//! Satellite fire hotspots (D3): NASA FIRMS CSV files in, fire incidents out.
//!
//! Every detection is read (MODIS or VIIRS columns), kept only inside the city's grids, stored
//! once (a file imported twice adds nothing), placed on the land class of the sub-compartment
//! it falls in, and measured against forest land. A detection on or near forest land raises a
//! fire incident for its village's chief, unless an earlier detection of the same fire (close
//! in space and time) already did: then it joins that incident.

use std::io::Read;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use linzhang_domain::audit::Actor;
use linzhang_domain::hotspot::{
    Hotspot, NEAR_FOREST_M, SAME_FIRE_M, parse_confidence, same_fire_window,
};
use linzhang_domain::incident::{DEADLINE_TABLE, DeadlineRules, IncidentSource, KIND_FIRE};
use linzhang_domain::{GridCode, Scope};
use linzhang_geo::geo::{Closest, ClosestPoint, Contains, Distance, Geometry, Haversine, Point};
use linzhang_store::{FeatureFilter, NewHotspot, NewIncident, Store, WriteCtx};
use serde::Serialize;

use crate::place::Placer;
use crate::{IngestError, analysis::is_forest_land};

/// What an import of hotspots did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HotspotReport {
    /// Rows read.
    pub read: u64,
    /// Rows that could not be read: line number (1 = the header) and why.
    pub unreadable: Vec<(u64, String)>,
    /// Detections outside the city's grids (not kept).
    pub outside: u64,
    /// Detections stored before (not stored again).
    pub duplicates: u64,
    /// Detections stored now.
    pub stored: u64,
    /// Of those, on or near forest land.
    pub near_forest: u64,
    /// Fire incidents raised, and detections that joined an existing one.
    pub incidents_raised: u64,
    pub incidents_joined: u64,
    /// The incidents raised, for notifications.
    pub raised: Vec<uuid::Uuid>,
}

/// Reads a FIRMS CSV (MODIS or VIIRS, standard or NRT columns).
pub fn parse_firms(reader: impl Read) -> (Vec<Hotspot>, Vec<(u64, String)>) {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers: Vec<String> = match csv.headers() {
        Ok(h) => h.iter().map(str::to_ascii_lowercase).collect(),
        Err(e) => return (vec![], vec![(1, format!("no header row: {e}"))]),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    for (line, record) in (2u64..).zip(csv.records()) {
        let parsed = record.map_err(|e| e.to_string()).and_then(|r| {
            let get = |name: &str| col(name).and_then(|i| r.get(i)).filter(|v| !v.is_empty());
            let num = |name: &str| get(name).and_then(|v| v.parse::<f64>().ok());
            let lat = num("latitude").ok_or("no latitude")?;
            let lon = num("longitude").ok_or("no longitude")?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(format!("position {lon}, {lat} is not a longitude/latitude"));
            }
            let date = get("acq_date")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or("no acq_date (YYYY-MM-DD)")?;
            let hhmm = get("acq_time").ok_or("no acq_time")?;
            let time = NaiveTime::parse_from_str(&format!("{hhmm:0>4}"), "%H%M")
                .map_err(|_| format!("acq_time {hhmm} is not HHMM"))?;
            let raw = get("confidence").unwrap_or_default();
            let viirs = col("bright_ti4").is_some();
            Ok(Hotspot {
                lon,
                lat,
                acquired_at: DateTime::<Utc>::from_naive_utc_and_offset(date.and_time(time), Utc),
                satellite: get("satellite").ok_or("no satellite")?.to_owned(),
                instrument: get("instrument")
                    .map_or(if viirs { "VIIRS" } else { "MODIS" }, |i| i)
                    .to_owned(),
                confidence: parse_confidence(raw).ok_or_else(|| format!("confidence {raw:?}"))?,
                confidence_raw: raw.to_owned(),
                frp_mw: num("frp"),
                brightness_k: num("brightness").or_else(|| num("bright_ti4")),
                daynight: get("daynight").map(str::to_owned),
            })
        });
        match parsed {
            Ok(h) => out.push(h),
            Err(reason) => bad.push((line, reason)),
        }
    }
    (out, bad)
}

/// Where a hotspot lies on the forest: the land class it falls in and its distance to forest
/// land, from the latest survey year of the sub-compartment layer.
async fn on_forest(
    store: &dyn Store,
    year: Option<i32>,
    p: Point<f64>,
) -> Result<(Option<String>, Option<f64>), IngestError> {
    let Some(year) = year else {
        return Ok((None, None));
    };
    // 0.01° is over a kilometre here: more than NEAR_FOREST_M around the point.
    let d = 0.01;
    let filter = FeatureFilter {
        layer: "subcompartment".into(),
        year,
        bbox: Some([p.x() - d, p.y() - d, p.x() + d, p.y() + d]),
        limit: 10_000,
        ..FeatureFilter::default()
    };
    let features = store.features(&Scope::everything(), &filter).await?;
    let (mut class, mut nearest) = (None, None::<f64>);
    for f in &features {
        let Ok(g) = linzhang_geo::geometry_from_wkb(&f.geometry) else {
            continue;
        };
        let lc = f.properties.get("di_lei").and_then(|v| v.as_str());
        let inside = g.contains(&p);
        if inside {
            class = lc.map(str::to_owned);
        }
        if !is_forest_land(lc) {
            continue;
        }
        let m = if inside {
            0.0
        } else {
            match closest(&g, p) {
                Some(q) => Haversine.distance(p, q),
                None => continue,
            }
        };
        nearest = Some(nearest.map_or(m, |n| n.min(m)));
    }
    Ok((class, nearest.filter(|m| *m <= NEAR_FOREST_M * 4.0)))
}

fn closest(g: &Geometry<f64>, p: Point<f64>) -> Option<Point<f64>> {
    match g.closest_point(&p) {
        Closest::Intersection(q) | Closest::SinglePoint(q) => Some(q),
        Closest::Indeterminate => None,
    }
}

/// Imports detections; see the module documentation.
pub async fn import_hotspots(
    store: &dyn Store,
    at: DateTime<Utc>,
    hotspots: Vec<Hotspot>,
) -> Result<HotspotReport, IngestError> {
    let ctx = WriteCtx {
        actor: Actor::system("hotspots"),
        at,
    };
    let all = Scope::everything();
    let placer = Placer::load(store, &all).await?;
    let rules = match store.code_table(DEADLINE_TABLE, None).await {
        Ok(t) => DeadlineRules::from_table(&t.table).unwrap_or_else(|_| DeadlineRules::defaults()),
        Err(_) => DeadlineRules::defaults(),
    };
    let year = store.layer_years("subcompartment").await?.last().copied();
    let mut report = HotspotReport {
        read: hotspots.len() as u64,
        ..HotspotReport::default()
    };
    for h in hotspots {
        let p = Point::new(h.lon, h.lat);
        let placement = placer.place(&Geometry::Point(p));
        let Some((path, _)) = placement.grids.first() else {
            report.outside += 1;
            continue;
        };
        let grid = crate::place::leaf_grid(path)?;
        // Earlier detections nearby: the same detection again, or the same fire.
        let d = 0.03;
        let recent = store
            .hotspots(
                &all,
                h.acquired_at - same_fire_window(),
                Some([h.lon - d, h.lat - d, h.lon + d, h.lat + d]),
                1_000,
            )
            .await?;
        if recent
            .iter()
            .any(|r| r.hotspot.dedup_key() == h.dedup_key())
        {
            report.duplicates += 1;
            continue;
        }
        let (land_class, forest_distance_m) = on_forest(store, year, p).await?;
        let near_forest = forest_distance_m.is_some_and(|m| m <= NEAR_FOREST_M);
        let same_fire = recent.iter().find(|r| {
            r.incident_id.is_some()
                && (r.hotspot.acquired_at - h.acquired_at).abs() <= same_fire_window()
                && Haversine.distance(p, Point::new(r.hotspot.lon, r.hotspot.lat)) <= SAME_FIRE_M
        });
        let incident_id = match (same_fire, near_forest) {
            (Some(r), _) => {
                report.incidents_joined += 1;
                r.incident_id
            }
            (None, true) => {
                report.incidents_raised += 1;
                let place = (&grid, land_class.as_deref(), forest_distance_m);
                let id = raise(store, &ctx, &rules, &h, place).await?;
                report.raised.push(id);
                Some(id)
            }
            (None, false) => None,
        };
        let stored = store
            .record_hotspot(
                &ctx,
                &NewHotspot {
                    hotspot: h,
                    grid_code: grid,
                    land_class,
                    forest_distance_m,
                    incident_id,
                },
            )
            .await?;
        if stored {
            report.stored += 1;
            report.near_forest += u64::from(near_forest);
        } else {
            report.duplicates += 1;
        }
    }
    Ok(report)
}

/// Raises the fire incident of a hotspot on or near forest land, for its grid.
async fn raise(
    store: &dyn Store,
    ctx: &WriteCtx,
    rules: &DeadlineRules,
    h: &Hotspot,
    (grid, land_class, forest_m): (&GridCode, Option<&str>, Option<f64>),
) -> Result<uuid::Uuid, IngestError> {
    let priority = h.priority();
    let incident = NewIncident {
        id: linzhang_domain::ids::new_id(),
        grid_code: grid.clone(),
        kind: KIND_FIRE.into(),
        pest: None,
        source: IncidentSource::Hotspot,
        priority,
        title: format!(
            "卫星火点 {} {} {} UTC",
            h.instrument,
            h.satellite,
            h.acquired_at.format("%Y-%m-%d %H:%M")
        ),
        description: describe(h, land_class, forest_m),
        lon: Some(h.lon),
        lat: Some(h.lat),
        due: rules.due_within(KIND_FIRE, priority),
    };
    store
        .report_incident(ctx, &Scope::everything(), &incident)
        .await?;
    Ok(incident.id)
}

fn describe(h: &Hotspot, land_class: Option<&str>, forest_m: Option<f64>) -> String {
    use std::fmt::Write as _;
    let mut s = format!("置信度 {}（{}）", h.confidence, h.confidence_raw);
    if let Some(frp) = h.frp_mw {
        let _ = write!(s, "，火辐射功率 {frp:.1} MW");
    }
    if let Some(b) = h.brightness_k {
        let _ = write!(s, "，亮温 {b:.1} K");
    }
    if let Some(lc) = land_class {
        let _ = write!(s, "；所在地类 {lc}");
    }
    if let Some(m) = forest_m {
        let _ = write!(s, "；距林地 {m:.0} 米");
    }
    s.push('。');
    s
}
