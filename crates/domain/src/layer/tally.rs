//! Adding features up into the statistics of every grid and responsibility area they overlap.
//!
//! A feature split between two grids counts in each by its share: its area there, and the
//! same share of its growing stock. Grids at every level are counted: a feature in a village is
//! also in its town, county and city (the levels come from the village's materialised path).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::LayerSpec;

/// Where a feature lies: its overlap with each leaf grid (by materialised path) and with each
/// responsibility area (by code), in m².
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placement {
    pub grids: Vec<(String, f64)>,
    pub areas: Vec<(String, f64)>,
}

/// One statistics row: in `target` (a grid or area code), the features whose `dimension` has
/// `value` (dimension `""`: all features) cover `area_m2` and hold `volume_m3`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatRow {
    pub target: String,
    pub dimension: String,
    pub value: String,
    pub area_m2: f64,
    pub volume_m3: f64,
    pub features: i64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    area_m2: f64,
    volume_m3: f64,
    features: i64,
}

/// Running totals for one layer and survey year.
#[derive(Debug, Default)]
pub struct Tally {
    sums: HashMap<(String, String, String), Sum>,
}

impl Tally {
    /// Counts one feature.
    pub fn add(
        &mut self,
        layer: &LayerSpec,
        properties: &Map<String, Value>,
        area_m2: f64,
        volume_m3: f64,
        placement: &Placement,
    ) {
        let mut targets: HashMap<&str, f64> = HashMap::new();
        for (path, overlap) in &placement.grids {
            for code in path.split('/').filter(|s| !s.is_empty()) {
                *targets.entry(code).or_default() += overlap;
            }
        }
        for (code, overlap) in &placement.areas {
            *targets.entry(code.as_str()).or_default() += overlap;
        }
        for (target, overlap) in targets {
            self.add_to(target, layer, properties, area_m2, volume_m3, overlap);
        }
    }

    /// Counts the part (`overlap_m2`) of one feature that lies in `target`.
    pub fn add_to(
        &mut self,
        target: &str,
        layer: &LayerSpec,
        properties: &Map<String, Value>,
        area_m2: f64,
        volume_m3: f64,
        overlap_m2: f64,
    ) {
        let share = if area_m2 > 0.0 {
            (overlap_m2 / area_m2).min(1.0)
        } else {
            1.0
        };
        let add = Sum {
            area_m2: overlap_m2,
            volume_m3: volume_m3 * share,
            features: 1,
        };
        self.bump(target, "", "", add);
        for d in layer.dimensions {
            if let Some(v) = properties.get(d.field()) {
                let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                self.bump(target, d.key(), &text, add);
            }
        }
    }

    fn bump(&mut self, target: &str, dimension: &str, value: &str, add: Sum) {
        let sum = self
            .sums
            .entry((target.to_owned(), dimension.to_owned(), value.to_owned()))
            .or_default();
        sum.area_m2 += add.area_m2;
        sum.volume_m3 += add.volume_m3;
        sum.features += add.features;
    }

    /// The rows, in no particular order.
    pub fn rows(self) -> Vec<StatRow> {
        self.sums
            .into_iter()
            .map(|((target, dimension, value), s)| StatRow {
                target,
                dimension,
                value,
                area_m2: s.area_m2,
                volume_m3: s.volume_m3,
                features: s.features,
            })
            .collect()
    }
}

/// A feature's growing stock in m³: `huo_lmgqxj` when given, else `mei_gq_xj` (m³/ha) times
/// the feature's area, else zero.
pub fn volume_m3(properties: &Map<String, Value>, area_m2: f64) -> f64 {
    let num = |k: &str| properties.get(k).and_then(Value::as_f64);
    num("huo_lmgqxj")
        .or_else(|| num("mei_gq_xj").map(|per_ha| per_ha * area_m2 / 10_000.0))
        .unwrap_or(0.0)
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "sums of exact binary fractions")]
mod tests {
    use super::*;
    use crate::layer::layer;
    use serde_json::json;

    #[test]
    fn a_split_feature_counts_by_its_share_at_every_level() {
        let l = layer("subcompartment").expect("layer");
        let props = json!({"di_lei": "0111", "ling_zu": "2"});
        let props = props.as_object().expect("object");
        let mut t = Tally::default();
        let placement = Placement {
            grids: vec![
                ("/320200/320282/320282101/320282101001/".into(), 600.0),
                ("/320200/320282/320282101/320282101002/".into(), 400.0),
            ],
            areas: vec![("LZ320282101001-001".into(), 250.0)],
        };
        t.add(l, props, 1000.0, 50.0, &placement);
        let rows = t.rows();
        let find = |target: &str, dim: &str| {
            rows.iter()
                .find(|r| r.target == target && r.dimension == dim)
                .expect("a row for the target and dimension")
        };
        let village = find("320282101001", "land_class");
        assert_eq!(
            (village.area_m2, village.volume_m3, village.features),
            (600.0, 30.0, 1)
        );
        let town = find("320282101", "");
        assert_eq!(
            (town.area_m2, town.volume_m3, town.features),
            (1000.0, 50.0, 1)
        );
        assert_eq!(find("320200", "age_group").value, "2");
        assert_eq!(find("LZ320282101001-001", "").volume_m3, 12.5);
    }

    #[test]
    fn volume_from_total_or_per_hectare() {
        let p = json!({"mei_gq_xj": 80.0});
        assert_eq!(volume_m3(p.as_object().expect("o"), 20_000.0), 160.0);
        let p = json!({"huo_lmgqxj": 7.5, "mei_gq_xj": 80.0});
        assert_eq!(volume_m3(p.as_object().expect("o"), 20_000.0), 7.5);
        assert_eq!(volume_m3(&Map::new(), 1.0), 0.0);
    }
}
