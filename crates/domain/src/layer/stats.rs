//! The dimensions forest resources are counted by (B6), and the national definition of forest
//! cover.

use serde::{Deserialize, Serialize};

/// A dimension statistics group a layer's area by, with the field and code table it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// 地类
    LandClass,
    /// 森林类别
    ForestCategory,
    /// 林地保护等级
    ProtectionGrade,
    /// 土地所有权
    Ownership,
    /// 林种
    ForestType,
    /// 起源
    Origin,
    /// 龄组
    AgeGroup,
    /// 优势树种
    DominantSpecies,
}

impl Dimension {
    pub const ALL: [Self; 8] = [
        Self::LandClass,
        Self::ForestCategory,
        Self::ProtectionGrade,
        Self::Ownership,
        Self::ForestType,
        Self::Origin,
        Self::AgeGroup,
        Self::DominantSpecies,
    ];

    /// The key in URLs and stored statistics.
    pub fn key(self) -> &'static str {
        match self {
            Self::LandClass => "land_class",
            Self::ForestCategory => "forest_category",
            Self::ProtectionGrade => "protection_grade",
            Self::Ownership => "ownership",
            Self::ForestType => "forest_type",
            Self::Origin => "origin",
            Self::AgeGroup => "age_group",
            Self::DominantSpecies => "dominant_species",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The field of the sub-compartment layer the dimension reads.
    pub fn field(self) -> &'static str {
        match self {
            Self::LandClass => "di_lei",
            Self::ForestCategory => "sen_lin_lb",
            Self::ProtectionGrade => "bh_dj",
            Self::Ownership => "ld_qs",
            Self::ForestType => "lin_zhong",
            Self::Origin => "qi_yuan",
            Self::AgeGroup => "ling_zu",
            Self::DominantSpecies => "you_shi_sz",
        }
    }

    /// The code table naming the dimension's values (`None`: the values are names already).
    pub fn code_table(self) -> Option<&'static str> {
        match self {
            Self::DominantSpecies => None,
            other => Some(other.field()),
        }
    }
}

/// Land classes that count as forest in the forest cover rate (森林覆盖率), by the national
/// definition: arbor forest land (乔木林地, mangroves included), bamboo forest land (竹林地) and
/// shrub land specially designated by the state (国家特别规定灌木林地).
pub const FOREST_COVER_LAND_CLASSES: [&str; 4] = ["0111", "0112", "0113", "0131"];

/// Whether land of this class (a `di_lei` code) counts towards forest cover.
pub fn counts_as_forest_cover(land_class: &str) -> bool {
    FOREST_COVER_LAND_CLASSES.contains(&land_class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_cover_follows_the_national_definition() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::from_key(d.key()), Some(d));
        }
        assert!(counts_as_forest_cover("0111"));
        assert!(counts_as_forest_cover("0131"));
        assert!(!counts_as_forest_cover("0132"));
        assert!(!counts_as_forest_cover("0120"));
    }
}
