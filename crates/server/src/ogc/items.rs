//! The features of a collection, paged, as GeoJSON.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use linzhang_domain::layer::LayerSpec;
use linzhang_store::{Feature, FeatureFilter};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::collections::{Collection, resolve};
use super::{Doc, GEOJSON, JSON, answer, base_url, link, read_access};
use crate::api::layers::{parse_bbox, property_filters};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Features per page unless `limit` says otherwise.
pub(super) const DEFAULT_LIMIT: i64 = 100;
/// The most features one page holds; a larger `limit` is lowered to it.
pub(super) const MAX_LIMIT: i64 = 10_000;

/// The query parameters of `/items` besides the layer's fields. `after` is the cursor of the
/// next links; `crs` and `bbox-crs` may only name CRS84, the one CRS served.
const PARAMETERS: &[&str] = &[
    "limit",
    "offset",
    "after",
    "bbox",
    "datetime",
    "resultType",
    "f",
    "crs",
    "bbox-crs",
];

/// The names of CRS84 a client may send in `crs` or `bbox-crs`.
const CRS84_NAMES: &[&str] = &[super::CRS84, "urn:ogc:def:crs:OGC:1.3:CRS84", "[OGC:CRS84]"];

/// A time interval, either end open; both ends inclusive.
type Interval = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// What `/items` was asked.
#[derive(Debug)]
struct ItemsQuery {
    limit: i64,
    offset: i64,
    /// Only features whose id sorts after this one (the next links' cursor).
    after: Option<Uuid>,
    bbox: Option<[f64; 4]>,
    datetime: Option<Interval>,
    /// `resultType=hits`: the count only.
    hits: bool,
    properties: Vec<(String, String)>,
}

fn parse_query(l: &LayerSpec, pairs: &[(String, String)]) -> ApiResult<ItemsQuery> {
    let mut seen = HashSet::new();
    for (k, _) in pairs {
        if !PARAMETERS.contains(&k.as_str()) && !l.fields.iter().any(|f| f.name == k) {
            return Err(ApiError::bad_request(
                "unknown_parameter",
                format!(
                    "unknown query parameter {k}: use limit, offset, bbox, datetime or a field of the collection (see its queryables)"
                ),
            ));
        }
        if !seen.insert(k.as_str()) {
            return Err(ApiError::bad_request(
                "duplicate_parameter",
                format!("the query parameter {k} is given twice"),
            ));
        }
    }
    let all: HashMap<String, String> = pairs.iter().cloned().collect();
    let get = |k: &str| all.get(k).map(String::as_str);
    let limit = match get("limit") {
        None => DEFAULT_LIMIT,
        Some(t) => t
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                ApiError::bad_request("bad_limit", "limit must be a whole number from 1")
            })?
            .min(MAX_LIMIT),
    };
    let offset = match get("offset") {
        None => 0,
        Some(t) => t
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                ApiError::bad_request("bad_offset", "offset must be a whole number from 0")
            })?,
    };
    let hits = match get("resultType") {
        None | Some("results") => false,
        Some("hits") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "bad_result_type",
                "resultType must be results or hits",
            ));
        }
    };
    if let Some(f) = get("f")
        && !matches!(f, "json" | "geojson")
    {
        return Err(ApiError::bad_request(
            "bad_format",
            "f must be json or geojson: features are served as GeoJSON only",
        ));
    }
    for k in ["crs", "bbox-crs"] {
        if let Some(crs) = get(k)
            && !CRS84_NAMES.contains(&crs)
        {
            return Err(ApiError::bad_request(
                "unsupported_crs",
                format!("{k} must be {}: the only CRS served", super::CRS84),
            ));
        }
    }
    let after = get("after")
        .map(|t| {
            Uuid::parse_str(t.trim())
                .map_err(|_| ApiError::bad_request("bad_after", "after must be a feature id"))
        })
        .transpose()?;
    Ok(ItemsQuery {
        limit,
        offset,
        after,
        bbox: get("bbox").map(bbox).transpose()?,
        datetime: get("datetime").map(parse_datetime).transpose()?,
        hits,
        properties: property_filters(l, &all),
    })
}

/// `minx,miny,maxx,maxy`, or the six numbers of a box with heights (which are ignored).
fn bbox(text: &str) -> ApiResult<[f64; 4]> {
    let parts: Vec<&str> = text.split(',').collect();
    match parts[..] {
        [x0, y0, _, x1, y1, _] => parse_bbox(&[x0, y0, x1, y1].join(",")),
        _ => parse_bbox(text),
    }
}

fn bad_datetime() -> ApiError {
    ApiError::bad_request(
        "bad_datetime",
        "datetime must be an RFC 3339 date-time or date, or an interval start/end with .. for an open end",
    )
}

/// An RFC 3339 date-time (an instant) or a date (its whole day), as an inclusive interval.
fn moment(text: &str) -> ApiResult<(DateTime<Utc>, DateTime<Utc>)> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let t = t.with_timezone(&Utc);
        return Ok((t, t));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad_datetime())?;
    let start = day.and_hms_opt(0, 0, 0).ok_or_else(bad_datetime)?.and_utc();
    Ok((start, start + Duration::days(1) - Duration::nanoseconds(1)))
}

/// `datetime`: an instant, a date, or `start/end` with `..` (or nothing) for an open end.
fn parse_datetime(text: &str) -> ApiResult<Interval> {
    let text = text.trim();
    let Some((a, b)) = text.split_once('/') else {
        let (start, end) = moment(text)?;
        return Ok((Some(start), Some(end)));
    };
    let open = |s: &str| s.is_empty() || s == "..";
    let start = if open(a) { None } else { Some(moment(a)?.0) };
    let end = if open(b) { None } else { Some(moment(b)?.1) };
    match (start, end) {
        (Some(s), Some(e)) if s > e => Err(bad_datetime()),
        _ => Ok((start, end)),
    }
}

/// Whether the interval meets the survey year: a collection's features describe their year.
fn meets_year((start, end): Interval, year: i32) -> bool {
    let first = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    };
    let (Some(year_start), Some(next_year)) = (first(year), first(year + 1)) else {
        return false;
    };
    start.is_none_or(|s| s < next_year) && end.is_none_or(|e| e >= year_start)
}

/// Percent-encodes a query component (keeping `,` and `:` readable, as in bboxes and times).
fn encode(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,:".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// `url?k=v&…` with these parameters.
fn url_with(url: &str, pairs: &[(String, String)]) -> String {
    let mut out = url.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        encode(k, &mut out);
        out.push('=');
        encode(v, &mut out);
    }
    out
}

/// The request's parameters with another page: `limit` and either an `offset` or the `after`
/// cursor.
fn page(pairs: &[(String, String)], limit: i64, at: (&str, String)) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "limit" | "offset" | "after"))
        .cloned()
        .chain([
            ("limit".to_owned(), limit.to_string()),
            (at.0.to_owned(), at.1),
        ])
        .collect()
}

/// A GeoJSON Feature of the OGC answers.
#[derive(Debug, Serialize)]
struct OgcFeature {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    geometry: Value,
    properties: Doc,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    links: Vec<Value>,
}

/// Every field of the layer in its order (null when the feature has no value), then any other
/// property the feature has: all features of a collection share their keys, as GDAL, which
/// builds its fields from a first page, wants.
fn ogc_feature(l: &LayerSpec, f: &Feature, links: Vec<Value>) -> OgcFeature {
    let mut properties: Vec<(String, Doc)> = l
        .fields
        .iter()
        .map(|field| {
            let v = f.properties.get(field.name).cloned().unwrap_or(Value::Null);
            (field.name.to_owned(), v.into())
        })
        .collect();
    properties.extend(
        f.properties
            .iter()
            .filter(|(k, _)| !l.fields.iter().any(|field| field.name == k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone().into())),
    );
    let geometry = linzhang_geo::geometry_from_wkb(&f.geometry)
        .ok()
        .map_or(Value::Null, |g| json!(geojson::Geometry::from(&g)));
    OgcFeature {
        kind: "Feature",
        id: f.id.to_string(),
        geometry,
        properties: Doc::Object(properties),
        links,
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FeatureCollection {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    number_matched: Option<i64>,
    number_returned: usize,
    time_stamp: String,
    links: Vec<Value>,
    features: Vec<OgcFeature>,
}

/// The features of a collection in the caller's grids: `limit`, `offset`, `bbox`, `datetime`
/// (against the survey year), `resultType=hits`, and any field name as an equality filter.
///
/// Next links page by cursor (`after` the page's last id, in id order) rather than by offset:
/// a client reading a million features pays neither growing offsets nor a count per page. So
/// pages reached by cursor have no `prev` link and no `numberMatched` (optional in the
/// standard; GDAL and QGIS read it from the first page).
pub(super) async fn items(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let c = resolve(&state, &id).await?;
    let Query(pairs) = query.map_err(|e| ApiError::bad_request("bad_query", e.body_text()))?;
    let q = parse_query(c.layer, &pairs)?;
    let filter = FeatureFilter {
        layer: c.layer.key.into(),
        year: c.year,
        bbox: q.bbox,
        properties: q.properties.clone(),
        // One more than asked tells whether a next page exists.
        limit: q.limit + 1,
        offset: q.offset,
        after: q.after,
    };
    let in_time = q.datetime.is_none_or(|t| meets_year(t, c.year));
    let (mut list, matched) = if !in_time {
        (Vec::new(), Some(0))
    } else if q.hits {
        let n = state.store.feature_count(&caller.scope, &filter).await?;
        (Vec::new(), Some(n))
    } else {
        (state.store.features(&caller.scope, &filter).await?, None)
    };
    let limit = usize::try_from(q.limit).unwrap_or(usize::MAX);
    let more = list.len() > limit;
    list.truncate(limit);
    let matched = match matched {
        Some(n) => Some(n),
        None if q.after.is_some() => None,
        // The last page, and not past the end: the count is known without counting.
        None if !more && (!list.is_empty() || q.offset == 0) => {
            Some(q.offset + i64::try_from(list.len()).unwrap_or(i64::MAX))
        }
        None => Some(state.store.feature_count(&caller.scope, &filter).await?),
    };
    let base = base_url(&headers);
    let url = format!("{base}/collections/{}/items", c.id());
    let mut links = vec![
        link(url_with(&url, &pairs), "self", GEOJSON, "This page"),
        link(
            format!("{base}/collections/{}", c.id()),
            "collection",
            JSON,
            "The collection",
        ),
    ];
    if more && let Some(last) = list.last() {
        let next = page(&pairs, q.limit, ("after", last.id.to_string()));
        links.push(link(url_with(&url, &next), "next", GEOJSON, "Next page"));
    }
    if !q.hits && q.after.is_none() && q.offset > 0 {
        let prev = page(
            &pairs,
            q.limit,
            ("offset", (q.offset - q.limit).max(0).to_string()),
        );
        links.push(link(
            url_with(&url, &prev),
            "prev",
            GEOJSON,
            "Previous page",
        ));
    }
    let time_stamp = state.clock.now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let layer = c.layer;
    // Decoding geometries and writing thousands of features is CPU work.
    let body = tokio::task::spawn_blocking(move || {
        let fc = FeatureCollection {
            kind: "FeatureCollection",
            number_matched: matched,
            number_returned: list.len(),
            time_stamp,
            links,
            features: list
                .iter()
                .map(|f| ogc_feature(layer, f, Vec::new()))
                .collect(),
        };
        serde_json::to_string(&fc)
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| {
        tracing::error!(error = %e, "cannot serialise features");
        ApiError::internal()
    })?;
    Ok(([(header::CONTENT_TYPE, GEOJSON)], body).into_response())
}

/// One feature of a collection; 404 when it is not in the collection or not in the caller's
/// grids.
pub(super) async fn item(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, feature)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    read_access(&state, &caller).await?;
    let c: Collection = resolve(&state, &id).await?;
    let not_found = || ApiError::not_found("feature");
    let fid = Uuid::parse_str(&feature).map_err(|_| not_found())?;
    let (f, _) = state.store.feature(&caller.scope, fid).await?;
    if f.layer != c.layer.key || f.year != c.year {
        return Err(not_found());
    }
    let collection = format!("{}/collections/{}", base_url(&headers), c.id());
    let links = vec![
        link(
            format!("{collection}/items/{fid}"),
            "self",
            GEOJSON,
            "This feature",
        ),
        link(collection, "collection", JSON, "The collection"),
    ];
    Ok(answer(GEOJSON, &ogc_feature(c.layer, &f, links)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_meet_survey_years() {
        let t = |s: &str| parse_datetime(s).map(|i| meets_year(i, 2025)).ok();
        assert_eq!(t("2025-06-01T00:00:00Z"), Some(true));
        assert_eq!(t("2025-06-01"), Some(true));
        assert_eq!(t("2024-12-31T23:59:59+08:00"), Some(false));
        assert_eq!(t("2024-12-31T23:59:59-08:00"), Some(true));
        assert_eq!(t("../2024-12-31"), Some(false));
        assert_eq!(t("2024-12-31/.."), Some(true));
        assert_eq!(t("2026-01-01/"), Some(false));
        assert_eq!(t("../.."), Some(true));
        assert_eq!(t("2025-02-01/2025-01-01"), None);
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn next_pages_keep_the_other_parameters() {
        let pairs = vec![
            ("di_lei".to_owned(), "乔木林地 0111".to_owned()),
            ("offset".to_owned(), "5".to_owned()),
            ("bbox".to_owned(), "120,31,121,32".to_owned()),
        ];
        assert_eq!(
            url_with(
                "http://h/ogc/collections/x/items",
                &page(&pairs, 10, ("offset", "15".to_owned()))
            ),
            "http://h/ogc/collections/x/items?di_lei=%E4%B9%94%E6%9C%A8%E6%9E%97%E5%9C%B0%200111&bbox=120,31,121,32&limit=10&offset=15"
        );
    }
}
