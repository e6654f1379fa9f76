//! The embedded official data: the city outline, the seven county outlines and the codes and
//! names of the 88 towns and streets (see `data/SOURCES.md`).

use anyhow::{Context, bail};
use linzhang_domain::{GridCode, Level};
use linzhang_geo::geo::MultiPolygon;
use linzhang_geo::{multipolygon_from_geojson, read_feature_collection};

const CITY_GEOJSON: &str = include_str!("../data/wuxi_city.geojson");
const DISTRICTS_GEOJSON: &str = include_str!("../data/wuxi_districts.geojson");
const TOWNS_CSV: &str = include_str!("../data/wuxi_towns_streets.csv");

/// The city's division code.
pub const CITY_CODE: &str = "320200";
/// The city's name.
pub const CITY_NAME: &str = "无锡市";

/// A county-level unit with its real outline.
#[derive(Debug, Clone)]
pub struct County {
    pub code: GridCode,
    pub name: String,
    pub outline: MultiPolygon<f64>,
}

/// A town or street: real code and name, no geometry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Town {
    pub code: GridCode,
    pub name: String,
    pub county: GridCode,
}

/// The city outline.
pub fn city_outline() -> anyhow::Result<MultiPolygon<f64>> {
    let value: serde_json::Value =
        serde_json::from_str(CITY_GEOJSON).context("the embedded city outline is not JSON")?;
    multipolygon_from_geojson(&value).context("the embedded city outline is not a valid polygon")
}

/// The county-level units, ordered by code.
pub fn counties() -> anyhow::Result<Vec<County>> {
    let features = read_feature_collection(DISTRICTS_GEOJSON)
        .context("the embedded county outlines are not valid GeoJSON polygons")?;
    let mut out = Vec::with_capacity(features.len());
    for (props, outline) in features {
        let gb = props
            .get("gb")
            .and_then(serde_json::Value::as_str)
            .context("a county feature has no `gb` property")?;
        let digits = gb
            .strip_prefix("156")
            .with_context(|| format!("county gb code {gb:?} does not start with 156"))?;
        let code = GridCode::parse(digits).with_context(|| format!("county gb code {gb:?}"))?;
        if code.level() != Level::County {
            bail!("{code} is not a county-level code");
        }
        let name = props
            .get("name")
            .and_then(serde_json::Value::as_str)
            .with_context(|| format!("county {code} has no `name`"))?
            .to_owned();
        out.push(County {
            code,
            name,
            outline,
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

#[derive(serde::Deserialize)]
struct TownRow {
    code: String,
    name: String,
    #[serde(rename = "areaCode")]
    area_code: String,
}

/// The towns and streets, ordered by code.
pub fn towns() -> anyhow::Result<Vec<Town>> {
    let mut reader = csv::Reader::from_reader(TOWNS_CSV.as_bytes());
    let mut out = Vec::new();
    for row in reader.deserialize::<TownRow>() {
        let row = row.context("the embedded town list is not valid CSV")?;
        let code = GridCode::parse(&row.code).with_context(|| format!("town code {}", row.code))?;
        let county =
            GridCode::parse(&row.area_code).with_context(|| format!("town {}", row.code))?;
        if code.level() != Level::Town || code.implied_parent().as_ref() != Some(&county) {
            bail!("town {code} does not belong to county {county}");
        }
        out.push(Town {
            code,
            name: row.name,
            county,
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_reads() {
        let counties = counties().expect("counties");
        assert_eq!(counties.len(), 7);
        assert_eq!(counties[0].code.as_str(), "320205");
        assert_eq!(counties[0].name, "锡山区");
        let towns = towns().expect("towns");
        assert_eq!(towns.len(), 88);
        assert!(
            towns
                .iter()
                .all(|t| counties.iter().any(|c| c.code == t.county))
        );
        assert_eq!(towns[0].name, "东亭街道");
        assert!(!city_outline().expect("city").0.is_empty());
    }
}
