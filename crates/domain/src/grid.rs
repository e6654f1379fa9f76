//! The four-level grid tree (市 → 市/县/区 → 镇/街道 → 村/社区), keyed by the official
//! statistical division codes (统计用区划代码).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Level of a grid, which is also the level of its chief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    /// 市级: a prefecture-level city, e.g. 320200 无锡市.
    City,
    /// 县级: a county-level city or district, e.g. 320205 锡山区.
    County,
    /// 镇级: a town or street, e.g. 320205001 东亭街道.
    Town,
    /// 村级: a village or community.
    Village,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::City, Level::County, Level::Town, Level::Village];

    /// Depth in the tree, city = 1.
    pub fn depth(self) -> i64 {
        match self {
            Level::City => 1,
            Level::County => 2,
            Level::Town => 3,
            Level::Village => 4,
        }
    }

    pub fn from_depth(depth: i64) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.depth() == depth)
    }

    /// Identifier used in storage, APIs and code tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::County => "county",
            Level::Town => "town",
            Level::Village => "village",
        }
    }

    /// The level directly below, if any.
    pub fn child(self) -> Option<Level> {
        Level::from_depth(self.depth() + 1)
    }
}

/// Why a string is not a division code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridCodeError {
    #[error("a division code has only digits, found {0:?}")]
    NotDigits(String),
    #[error("a division code has 6, 9 or 12 digits, found {0} digits")]
    BadLength(usize),
}

/// A validated division code: 6 digits for a city (ending in `00`) or county, 9 for a town,
/// 12 for a village.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GridCode(String);

impl GridCode {
    /// The grid a materialised path (see [`child_path`]) ends with, e.g.
    /// `/320200/320205/` → 320205.
    pub fn from_path(path: &str) -> Result<Self, GridCodeError> {
        let last = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        Self::parse(last)
    }

    pub fn parse(code: &str) -> Result<Self, GridCodeError> {
        if !code.bytes().all(|b| b.is_ascii_digit()) || code.is_empty() {
            return Err(GridCodeError::NotDigits(code.to_owned()));
        }
        match code.len() {
            6 | 9 | 12 => Ok(Self(code.to_owned())),
            n => Err(GridCodeError::BadLength(n)),
        }
    }

    /// The level the code's shape implies.
    pub fn level(&self) -> Level {
        match self.0.len() {
            6 if self.0.ends_with("00") => Level::City,
            6 => Level::County,
            9 => Level::Town,
            _ => Level::Village,
        }
    }

    /// The parent's code as the code itself implies it (county → its city `xxxx00`, town → its
    /// county, village → its town). The city has none.
    pub fn implied_parent(&self) -> Option<GridCode> {
        match self.level() {
            Level::City => None,
            Level::County => Some(Self(format!("{}00", &self.0[..4]))),
            Level::Town => Some(Self(self.0[..6].to_owned())),
            Level::Village => Some(Self(self.0[..9].to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for GridCode {
    type Error = GridCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<GridCode> for String {
    fn from(value: GridCode) -> Self {
        value.0
    }
}

/// The materialised path of a grid: the codes from the city down, each followed by `/`
/// (`/320200/320205/320205001/`). A grid's subtree is every grid whose path starts with its path.
pub fn child_path(parent_path: Option<&str>, code: &GridCode) -> String {
    match parent_path {
        Some(p) => format!("{p}{code}/"),
        None => format!("/{code}/"),
    }
}

/// The code of the grid at `level` on a materialised path, e.g. the county of
/// `/320200/320205/320205001/` is 320205; none when the path does not reach that level.
pub fn code_at(path: &str, level: Level) -> Option<&str> {
    let index = usize::try_from(level.depth() - 1).ok()?;
    path.split('/').filter(|p| !p.is_empty()).nth(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_grids_by_level() {
        let path = "/320200/320205/320205001/";
        assert_eq!(code_at(path, Level::City), Some("320200"));
        assert_eq!(code_at(path, Level::County), Some("320205"));
        assert_eq!(code_at(path, Level::Town), Some("320205001"));
        assert_eq!(code_at(path, Level::Village), None);
    }

    fn code(s: &str) -> GridCode {
        GridCode::parse(s).expect("valid code")
    }

    #[test]
    fn levels_follow_the_code_shape() {
        assert_eq!(code("320200").level(), Level::City);
        assert_eq!(code("320205").level(), Level::County);
        assert_eq!(code("320205001").level(), Level::Town);
        assert_eq!(code("320205001001").level(), Level::Village);
    }

    #[test]
    fn parents_follow_the_code_shape() {
        assert_eq!(code("320205").implied_parent(), Some(code("320200")));
        assert_eq!(code("320205001").implied_parent(), Some(code("320205")));
        assert_eq!(
            code("320205001001").implied_parent(),
            Some(code("320205001"))
        );
        assert_eq!(code("320200").implied_parent(), None);
    }

    #[test]
    fn bad_codes_are_refused_with_a_reason() {
        assert_eq!(GridCode::parse("3202"), Err(GridCodeError::BadLength(4)));
        assert!(matches!(
            GridCode::parse("32020x"),
            Err(GridCodeError::NotDigits(_))
        ));
        assert!(matches!(
            GridCode::parse(""),
            Err(GridCodeError::NotDigits(_))
        ));
    }

    #[test]
    fn paths_nest() {
        let city = child_path(None, &code("320200"));
        let county = child_path(Some(&city), &code("320205"));
        assert_eq!(county, "/320200/320205/");
        assert!(county.starts_with(&city));
    }

    #[test]
    fn a_path_names_its_last_grid() {
        assert_eq!(
            GridCode::from_path("/320200/320205/").map(|g| g.to_string()),
            Ok("320205".into())
        );
        assert!(GridCode::from_path("/").is_err());
    }
}
