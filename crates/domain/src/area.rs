//! Responsibility areas (林长责任区): one code and one QR code per area (一林一码).

use serde::{Deserialize, Serialize};

use crate::grid::GridCode;

/// The public code of a responsibility area: `LZ` + the grid's division code + `-` + a
/// three-digit sequence within the grid, e.g. `LZ320205001001-001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AreaCode(String);

/// Why a string is not an area code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an area code looks like LZ320205001001-001, found {0:?}")]
pub struct AreaCodeError(pub String);

impl AreaCode {
    /// The code of the `seq`-th area (from 1) of a grid.
    pub fn new(grid: &GridCode, seq: u32) -> Self {
        Self(format!("LZ{grid}-{seq:03}"))
    }

    pub fn parse(s: &str) -> Result<Self, AreaCodeError> {
        let err = || AreaCodeError(s.to_owned());
        let rest = s.strip_prefix("LZ").ok_or_else(err)?;
        let (grid, seq) = rest.split_once('-').ok_or_else(err)?;
        GridCode::parse(grid).map_err(|_| err())?;
        if seq.len() < 3 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The public page this code opens: `{public_base_url}/p/a/{code}`.
    pub fn public_url(&self, public_base_url: &str) -> String {
        format!("{}/p/a/{}", public_base_url.trim_end_matches('/'), self.0)
    }
}

impl std::fmt::Display for AreaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The four-sided boundary description (四至).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FourSides {
    pub east: String,
    pub south: String,
    pub west: String,
    pub north: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_made_parsed_and_linked() {
        let grid = GridCode::parse("320205001001").expect("grid");
        let code = AreaCode::new(&grid, 7);
        assert_eq!(code.as_str(), "LZ320205001001-007");
        assert_eq!(AreaCode::parse(code.as_str()), Ok(code.clone()));
        assert_eq!(
            code.public_url("https://lz.example.cn/"),
            "https://lz.example.cn/p/a/LZ320205001001-007"
        );
        assert!(AreaCode::parse("320205001001-007").is_err());
        assert!(AreaCode::parse("LZ3202-007").is_err());
        assert!(AreaCode::parse("LZ320205001001-7").is_err());
    }
}
