//! Code tables (代码表): levels, posts, staff kinds, resource types, ownership, roles, member
//! departments, the leading group. They are data, versioned and editable by admins (H4); the
//! defaults below are the first version every new database receives.

use serde::{Deserialize, Serialize};

/// One entry of a code table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeEntry {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Longer text where a table needs it (a department's duties).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A named code table with its entries in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTable {
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    pub entries: Vec<CodeEntry>,
}

impl CodeTable {
    pub fn entry(&self, code: &str) -> Option<&CodeEntry> {
        self.entries.iter().find(|e| e.code == code)
    }
}

/// Why a code table edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeTableError {
    #[error("a code table needs at least one entry")]
    Empty,
    #[error("entry {index} has an empty code or Chinese name")]
    Blank { index: usize },
    #[error("code {0:?} appears more than once")]
    Duplicate(String),
}

/// Checks the entries of a new version of a table.
pub fn validate_entries(entries: &[CodeEntry]) -> Result<(), CodeTableError> {
    if entries.is_empty() {
        return Err(CodeTableError::Empty);
    }
    let mut seen = std::collections::HashSet::new();
    for (index, e) in entries.iter().enumerate() {
        if e.code.trim().is_empty() || e.name_zh.trim().is_empty() {
            return Err(CodeTableError::Blank { index });
        }
        if !seen.insert(e.code.as_str()) {
            return Err(CodeTableError::Duplicate(e.code.clone()));
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct Defaults {
    tables: Vec<CodeTable>,
}

/// The tables every new database starts with (`data/code_tables.json`; the member departments
/// and the leading group are quoted from the city work plan).
pub fn default_tables() -> Vec<CodeTable> {
    let defaults: Defaults = serde_json::from_str(include_str!("../data/code_tables.json"))
        .unwrap_or_else(|e| unreachable!("the embedded code tables are valid JSON: {e}"));
    defaults.tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_hold_the_twenty_departments_with_duties() {
        let tables = default_tables();
        let deps = tables
            .iter()
            .find(|t| t.name == "department")
            .expect("department table");
        assert_eq!(deps.entries.len(), 20);
        assert!(deps.entries.iter().all(|e| e.description.is_some()));
        assert_eq!(deps.entries[0].name_zh, "市委组织部");
        assert_eq!(deps.entries[19].name_zh, "市文旅集团");
        for t in &tables {
            assert_eq!(validate_entries(&t.entries), Ok(()), "table {}", t.name);
        }
    }

    #[test]
    fn edits_are_checked() {
        let e = |code: &str| CodeEntry {
            code: code.into(),
            name_zh: "名".into(),
            name_en: "n".into(),
            description: None,
        };
        assert_eq!(validate_entries(&[]), Err(CodeTableError::Empty));
        assert_eq!(
            validate_entries(&[e("a"), e("a")]),
            Err(CodeTableError::Duplicate("a".into()))
        );
        assert_eq!(
            validate_entries(&[e(" ")]),
            Err(CodeTableError::Blank { index: 0 })
        );
    }
}
