//! Turning a source feature's attributes into the layer's fields.
//!
//! Column names are matched by name or alias in any case. Coded fields accept the code, the
//! code without its leading zeros (a Shapefile's numeric column drops them: `111` is `0111`),
//! the Chinese name, and grades written as Roman or Chinese numerals (`Ⅱ`, `II`, `二级`).
//! A value that matches nothing is kept as it came and reported: nothing is dropped silently.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{FieldKind, LayerSpec};
use crate::codes::CodeTable;

/// A value the import kept as it came because it did not fit its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributeWarning {
    /// The canonical field name.
    pub field: String,
    /// The value as it came.
    pub value: String,
    /// `unknown_code` or `not_a_number`.
    pub reason: String,
}

/// A feature's attributes after normalisation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalised {
    /// Canonical field names to values; columns outside the schema keep their (lower-case) name.
    pub properties: Map<String, Value>,
    pub warnings: Vec<AttributeWarning>,
}

/// Normalises one feature's attributes for `layer`, using the code tables in force.
pub fn normalise<'a>(
    layer: &LayerSpec,
    tables: &[CodeTable],
    columns: impl IntoIterator<Item = (&'a str, Value)>,
) -> Normalised {
    let mut out = Normalised::default();
    for (column, value) in columns {
        let text = match &value {
            Value::Null => continue,
            Value::String(s) if s.trim().is_empty() => continue,
            Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        };
        let Some(field) = layer.field(column) else {
            out.properties.insert(column.trim().to_lowercase(), value);
            continue;
        };
        let converted = match field.kind {
            FieldKind::Text => Ok(Value::String(text.clone())),
            FieldKind::Integer => text
                .parse::<i64>()
                .ok()
                .or_else(|| text.strip_suffix(".0")?.parse().ok())
                .map(Value::from)
                .ok_or("not_a_number"),
            FieldKind::Real => parse_number(&text)
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or("not_a_number"),
            FieldKind::Code(table) => tables
                .iter()
                .find(|t| t.name == table)
                .and_then(|t| to_code(t, &text))
                .map(Value::String)
                .ok_or("unknown_code"),
        };
        match converted {
            Ok(v) => {
                out.properties.insert(field.name.to_owned(), v);
            }
            Err(reason) => {
                out.warnings.push(AttributeWarning {
                    field: field.name.to_owned(),
                    value: text.clone(),
                    reason: reason.to_owned(),
                });
                out.properties
                    .insert(field.name.to_owned(), Value::String(text));
            }
        }
    }
    out
}

fn parse_number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The code of `table` that `value` names, if any.
fn to_code(table: &CodeTable, value: &str) -> Option<String> {
    let found = |code: &str| table.entry(code).map(|e| e.code.clone());
    if let Some(code) = found(value) {
        return Some(code);
    }
    // A number: maybe a real (`11.0`) or a code that lost its leading zeros (`111` → `0111`).
    if let Some(n) = parse_number(value).filter(|n| n.fract() == 0.0 && *n >= 0.0) {
        let digits = format!("{n:.0}");
        if let Some(code) = table
            .entries
            .iter()
            .find(|e| e.code.trim_start_matches('0') == digits.trim_start_matches('0'))
        {
            return Some(code.code.clone());
        }
    }
    if let Some(e) = table.entries.iter().find(|e| e.name_zh == value) {
        return Some(e.code.clone());
    }
    let grade = grade_number(value)?;
    found(&grade.to_string()).or_else(|| {
        // Tables whose names carry the grade (`Ⅱ级`, `二级`) but whose codes are not 1..n.
        table
            .entries
            .iter()
            .find(|e| grade_number(&e.name_zh) == Some(grade))
            .map(|e| e.code.clone())
    })
}

/// `Ⅱ`, `II`, `Ⅱ级`, `二级`, `2级` → 2.
fn grade_number(value: &str) -> Option<u32> {
    let v = value.trim().trim_end_matches('级').trim();
    let roman = [
        ("Ⅰ", 1),
        ("Ⅱ", 2),
        ("Ⅲ", 3),
        ("Ⅳ", 4),
        ("Ⅴ", 5),
        ("I", 1),
        ("II", 2),
        ("III", 3),
        ("IV", 4),
        ("V", 5),
        ("一", 1),
        ("二", 2),
        ("三", 3),
        ("四", 4),
        ("五", 5),
    ];
    roman
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(v))
        .map(|(_, n)| *n)
        .or_else(|| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::default_tables;
    use crate::layer::layer;
    use serde_json::json;

    fn run(columns: &[(&str, Value)]) -> Normalised {
        let l = layer("subcompartment").expect("layer");
        normalise(
            l,
            &default_tables(),
            columns.iter().map(|(k, v)| (*k, v.clone())),
        )
    }

    #[test]
    fn codes_names_numbers_and_grades_become_codes() {
        let n = run(&[
            ("DI_LEI", json!(111)),
            ("sen_lin_lb", json!("地方公益林")),
            ("BH_DJ", json!("Ⅱ")),
            ("GJGYL_BHDJ", json!("三级")),
            ("LING_ZU", json!(3.0)),
            ("LIN_ZHONG", json!("131")),
            ("QI_YUAN", json!("植苗")),
            ("MIAN_JI", json!("12.5")),
            ("YOU_SHI_SZ", json!(" 马尾松 ")),
        ]);
        assert!(n.warnings.is_empty(), "{:?}", n.warnings);
        let p = &n.properties;
        assert_eq!(p["di_lei"], json!("0111"));
        assert_eq!(p["sen_lin_lb"], json!("12"));
        assert_eq!(p["bh_dj"], json!("2"));
        assert_eq!(p["gjgyl_bhdj"], json!("3"));
        assert_eq!(p["ling_zu"], json!("3"));
        assert_eq!(p["lin_zhong"], json!("131"));
        assert_eq!(p["qi_yuan"], json!("21"));
        assert_eq!(p["mian_ji"], json!(12.5));
        assert_eq!(p["you_shi_sz"], json!("马尾松"));
    }

    #[test]
    fn unknown_codes_are_kept_and_reported() {
        let n = run(&[
            ("DI_LEI", json!("0999")),
            ("MIAN_JI", json!("abc")),
            ("REMARK", json!("x")),
        ]);
        assert_eq!(n.properties["di_lei"], json!("0999"));
        assert_eq!(n.properties["remark"], json!("x"));
        let reasons: Vec<_> = n
            .warnings
            .iter()
            .map(|w| (w.field.as_str(), w.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [("di_lei", "unknown_code"), ("mian_ji", "not_a_number")]
        );
    }

    #[test]
    fn empty_values_are_absent() {
        let n = run(&[("DI_LEI", json!("")), ("XIAO_BAN", Value::Null)]);
        assert!(n.properties.is_empty());
        assert!(n.warnings.is_empty());
    }
}
