//! Conversions between Rust values and the portable column types (see the module above).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::error::{StoreError, StoreResult};

pub fn ms(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_ms(ms: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("instant {ms}")))
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date {s:?}")))
}

pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// Reads a column, naming it when the stored value does not decode.
pub fn get<'r, T>(row: &'r AnyRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(StoreError::from)
}

pub fn get_uuid(row: &AnyRow, col: &str) -> StoreResult<Uuid> {
    let s: String = get(row, col)?;
    Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt(format!("{col} {s:?}")))
}

pub fn get_opt_uuid(row: &AnyRow, col: &str) -> StoreResult<Option<Uuid>> {
    let s: Option<String> = get(row, col)?;
    s.map(|s| Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt(format!("{col} {s:?}"))))
        .transpose()
}

pub fn get_date(row: &AnyRow, col: &str) -> StoreResult<NaiveDate> {
    let s: String = get(row, col)?;
    parse_date(&s)
}

pub fn get_opt_date(row: &AnyRow, col: &str) -> StoreResult<Option<NaiveDate>> {
    let s: Option<String> = get(row, col)?;
    s.as_deref().map(parse_date).transpose()
}

pub fn get_instant(row: &AnyRow, col: &str) -> StoreResult<DateTime<Utc>> {
    from_ms(get(row, col)?)
}

pub fn get_flag(row: &AnyRow, col: &str) -> StoreResult<bool> {
    Ok(get::<i64>(row, col)? != 0)
}

pub fn get_json<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> StoreResult<T> {
    let s: String = get(row, col)?;
    serde_json::from_str(&s).map_err(|_| StoreError::Corrupt(format!("{col} json")))
}

pub fn get_opt_json(row: &AnyRow, col: &str) -> StoreResult<Option<serde_json::Value>> {
    let s: Option<String> = get(row, col)?;
    s.map(|s| serde_json::from_str(&s).map_err(|_| StoreError::Corrupt(format!("{col} json"))))
        .transpose()
}

/// Parses a stored code through a domain parser.
pub fn get_parsed<T, E>(
    row: &AnyRow,
    col: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<T> {
    let s: String = get(row, col)?;
    parse(&s).map_err(|_| StoreError::Corrupt(format!("{col} {s:?}")))
}

pub fn get_opt_parsed<T, E>(
    row: &AnyRow,
    col: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    let s: Option<String> = get(row, col)?;
    s.map(|s| parse(&s).map_err(|_| StoreError::Corrupt(format!("{col} {s:?}"))))
        .transpose()
}

/// Adapts an `Option`-returning parser to [`get_parsed`].
pub fn some<T>(parse: impl Fn(&str) -> Option<T>) -> impl Fn(&str) -> Result<T, ()> {
    move |s| parse(s).ok_or(())
}

/// Decodes the row a lookup found with `decode`, or answers not found naming `what`.
pub fn found<T>(
    row: Option<&AnyRow>,
    decode: impl Fn(&AnyRow) -> StoreResult<T>,
    what: &'static str,
) -> StoreResult<T> {
    row.map(decode)
        .transpose()?
        .ok_or(StoreError::not_found(what))
}
