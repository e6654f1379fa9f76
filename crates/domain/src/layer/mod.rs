//! The layers of the one map (一张图): what each holds, which fields it has and how their values
//! are normalised on import.
//!
//! Every layer is versioned by survey year (`year`), so two years of the same layer can be
//! compared. Field names are the lower-case names real datasets use (`di_lei`, `lin_zhong`…);
//! the import accepts them in any case and under their Chinese aliases.

mod normalise;
mod stats;
mod tally;

pub use normalise::{AttributeWarning, Normalised, normalise};
pub use stats::{Dimension, FOREST_COVER_LAND_CLASSES, counts_as_forest_cover};
pub use tally::{Placement, StatRow, Tally, volume_m3};

use serde::{Deserialize, Serialize};

/// The kinds of geometry a layer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GeometryKind {
    Point,
    Line,
    Polygon,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "type", content = "table")]
pub enum FieldKind {
    Text,
    Integer,
    Real,
    /// A code of the named code table; names are accepted and turned into codes.
    Code(&'static str),
}

/// One field of a layer's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldSpec {
    /// The canonical (lower-case) name.
    pub name: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub kind: FieldKind,
    /// Other names the field arrives under (compared case-insensitively).
    #[serde(skip)]
    pub aliases: &'static [&'static str],
}

/// A layer of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LayerSpec {
    /// The key used in URLs and on the command line (`subcompartment`, `ancient_tree`…).
    pub key: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub geometry: GeometryKind,
    pub fields: &'static [FieldSpec],
    /// The statistics dimensions this layer supports (empty: counts and areas only).
    pub dimensions: &'static [Dimension],
}

impl LayerSpec {
    /// The field a source column maps to (by name or alias, any case).
    pub fn field(&self, column: &str) -> Option<&'static FieldSpec> {
        let column = column.trim();
        self.fields.iter().find(|f| {
            f.name.eq_ignore_ascii_case(column)
                || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(column))
        })
    }
}

const fn field(
    name: &'static str,
    label_zh: &'static str,
    label_en: &'static str,
    kind: FieldKind,
    aliases: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        name,
        label_zh,
        label_en,
        kind,
        aliases,
    }
}

use FieldKind::{Code, Integer, Real, Text};

const NAME: FieldSpec = field("name", "名称", "Name", Text, &["mc", "名称", "NAME_ZH"]);
const AREA_HA: FieldSpec = field(
    "mian_ji",
    "面积(公顷)",
    "Area (ha)",
    Real,
    &["面积", "area_ha"],
);

const SUBCOMPARTMENT_FIELDS: &[FieldSpec] = &[
    field("sheng", "省", "Province", Text, &["省"]),
    field("xian", "县", "County", Text, &["县"]),
    field("xiang", "乡", "Town", Text, &["乡", "乡镇"]),
    field("cun", "村", "Village", Text, &["村"]),
    field("lin_ban", "林班", "Compartment", Text, &["linban", "林班"]),
    field(
        "xiao_ban",
        "小班",
        "Sub-compartment",
        Text,
        &["xiaoban", "小班", "小班号"],
    ),
    field(
        "di_lei",
        "地类",
        "Land class",
        Code("di_lei"),
        &["dilei", "地类"],
    ),
    field(
        "ld_qs",
        "土地所有权",
        "Land ownership",
        Code("ld_qs"),
        &["ldqs", "土地权属", "林地所有权"],
    ),
    field(
        "lm_qs",
        "林木所有权",
        "Tree ownership",
        Code("lm_qs"),
        &["lmqs", "林木权属"],
    ),
    field(
        "lin_zhong",
        "林种",
        "Forest type",
        Code("lin_zhong"),
        &["linzhong", "林种"],
    ),
    field(
        "qi_yuan",
        "起源",
        "Origin",
        Code("qi_yuan"),
        &["qiyuan", "起源"],
    ),
    field(
        "you_shi_sz",
        "优势树种",
        "Dominant species",
        Text,
        &["yssz", "优势树种"],
    ),
    field(
        "ling_zu",
        "龄组",
        "Age group",
        Code("ling_zu"),
        &["lingzu", "龄组"],
    ),
    field(
        "yu_bi_du",
        "郁闭度",
        "Canopy closure",
        Real,
        &["ybd", "郁闭度"],
    ),
    AREA_HA,
    field(
        "huo_lmgqxj",
        "活立木蓄积(立方米)",
        "Growing stock (m³)",
        Real,
        &["huo_lmgq_xj", "xu_ji", "蓄积", "活立木蓄积"],
    ),
    field(
        "mei_gq_xj",
        "每公顷蓄积(立方米)",
        "Stock per hectare (m³/ha)",
        Real,
        &["每公顷蓄积"],
    ),
    field(
        "sen_lin_lb",
        "森林类别",
        "Forest category",
        Code("sen_lin_lb"),
        &["senlinlb", "森林类别"],
    ),
    field(
        "shi_quan_d",
        "事权等级",
        "Responsibility level",
        Code("shi_quan_d"),
        &["shiquand", "事权等级"],
    ),
    field(
        "bh_dj",
        "林地保护等级",
        "Protection grade",
        Code("bh_dj"),
        &["bhdj", "保护等级", "林地保护等级"],
    ),
    field(
        "zl_dj",
        "林地质量等级",
        "Quality grade",
        Code("zl_dj"),
        &["zldj", "质量等级", "林地质量等级"],
    ),
    field(
        "gjgyl_bhdj",
        "国家级公益林保护等级",
        "National public-welfare forest grade",
        Code("gjgyl_bhdj"),
        &["gyl_bhdj", "公益林保护等级"],
    ),
    field(
        "bg_yy",
        "变化原因",
        "Change reason",
        Text,
        &["bhyy", "变化原因", "bian_hua_yy"],
    ),
];

const SUBCOMPARTMENT_DIMENSIONS: &[Dimension] = &[
    Dimension::LandClass,
    Dimension::ForestCategory,
    Dimension::ProtectionGrade,
    Dimension::Ownership,
    Dimension::ForestType,
    Dimension::Origin,
    Dimension::AgeGroup,
    Dimension::DominantSpecies,
];

/// Every layer of the one map.
pub const LAYERS: &[LayerSpec] = &[
    LayerSpec {
        key: "subcompartment",
        title_zh: "森林资源小班",
        title_en: "Forest sub-compartments",
        geometry: GeometryKind::Polygon,
        fields: SUBCOMPARTMENT_FIELDS,
        dimensions: SUBCOMPARTMENT_DIMENSIONS,
    },
    LayerSpec {
        key: "public_welfare_forest",
        title_zh: "公益林",
        title_en: "Public-welfare forest",
        geometry: GeometryKind::Polygon,
        fields: &[
            NAME,
            field(
                "shi_quan_d",
                "事权等级",
                "Responsibility level",
                Code("shi_quan_d"),
                &["事权等级"],
            ),
            field(
                "gjgyl_bhdj",
                "国家级公益林保护等级",
                "National public-welfare forest grade",
                Code("gjgyl_bhdj"),
                &["保护等级"],
            ),
            field(
                "lin_zhong",
                "林种",
                "Forest type",
                Code("lin_zhong"),
                &["林种"],
            ),
            AREA_HA,
        ],
        dimensions: &[Dimension::ForestType],
    },
    LayerSpec {
        key: "wetland",
        title_zh: "湿地",
        title_en: "Wetlands",
        geometry: GeometryKind::Polygon,
        fields: &[
            NAME,
            field(
                "kind",
                "湿地类型",
                "Wetland type",
                Text,
                &["sdlx", "湿地类型", "lei_xing"],
            ),
            field(
                "protected",
                "保护形式",
                "Protection",
                Text,
                &["bhxs", "保护形式"],
            ),
            AREA_HA,
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "nature_reserve",
        title_zh: "自然保护地",
        title_en: "Nature reserves",
        geometry: GeometryKind::Polygon,
        fields: &[
            NAME,
            field(
                "kind",
                "保护地类型",
                "Reserve type",
                Text,
                &["bhdlx", "保护地类型", "lei_xing"],
            ),
            field("level", "级别", "Level", Text, &["jb", "级别"]),
            field("zone", "功能分区", "Zone", Text, &["gnfq", "功能分区"]),
            AREA_HA,
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "forest_right",
        title_zh: "林权",
        title_en: "Forest rights",
        geometry: GeometryKind::Polygon,
        fields: &[
            field(
                "certificate",
                "林权证号",
                "Certificate number",
                Text,
                &["lqzh", "林权证号", "zheng_hao"],
            ),
            field("holder", "权利人", "Right holder", Text, &["qlr", "权利人"]),
            field(
                "ld_qs",
                "土地所有权",
                "Land ownership",
                Code("ld_qs"),
                &["土地所有权"],
            ),
            field(
                "lm_qs",
                "林木所有权",
                "Tree ownership",
                Code("lm_qs"),
                &["林木所有权"],
            ),
            field(
                "term_end",
                "使用期限截止",
                "Term ends",
                Text,
                &["zzrq", "终止日期"],
            ),
            AREA_HA,
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "afforestation",
        title_zh: "综合营造林",
        title_en: "Afforestation projects",
        geometry: GeometryKind::Polygon,
        fields: &[
            NAME,
            field(
                "kind",
                "营造林方式",
                "Kind of work",
                Text,
                &["zllx", "营造林方式", "造林方式"],
            ),
            field("species", "树种", "Species", Text, &["sz", "树种"]),
            field(
                "work_year",
                "实施年度",
                "Year of work",
                Integer,
                &["nd", "年度", "实施年度"],
            ),
            AREA_HA,
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "ancient_tree",
        title_zh: "古树名木",
        title_en: "Ancient and famous trees",
        geometry: GeometryKind::Point,
        fields: &[
            field(
                "number",
                "古树编号",
                "Tree number",
                Text,
                &["bh", "编号", "gsbh", "古树编号"],
            ),
            field(
                "species",
                "树种",
                "Species",
                Text,
                &["sz", "树种", "zwm", "中文名"],
            ),
            field(
                "age",
                "树龄",
                "Age (years)",
                Integer,
                &["sl", "树龄", "gu_ling"],
            ),
            field(
                "grade",
                "保护等级",
                "Grade",
                Code("ancient_tree_grade"),
                &["dj", "等级", "保护等级"],
            ),
            field(
                "girth_cm",
                "胸围(厘米)",
                "Girth (cm)",
                Real,
                &["xw", "胸围"],
            ),
            field("height_m", "树高(米)", "Height (m)", Real, &["sg", "树高"]),
            field(
                "keeper",
                "管护单位",
                "Keeper",
                Text,
                &["ghdw", "管护单位", "管护人"],
            ),
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "fire_facility",
        title_zh: "防火设施",
        title_en: "Fire-prevention facilities",
        geometry: GeometryKind::Point,
        fields: &[
            NAME,
            field(
                "kind",
                "设施类型",
                "Facility kind",
                Code("fire_facility_kind"),
                &["sslx", "类型", "设施类型"],
            ),
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "road",
        title_zh: "道路",
        title_en: "Roads",
        geometry: GeometryKind::Line,
        fields: &[
            NAME,
            field(
                "class",
                "道路等级",
                "Road class",
                Text,
                &["dj", "等级", "fclass"],
            ),
        ],
        dimensions: &[],
    },
    LayerSpec {
        key: "water",
        title_zh: "水系",
        title_en: "Water",
        geometry: GeometryKind::Polygon,
        fields: &[NAME],
        dimensions: &[],
    },
    LayerSpec {
        key: "place_name",
        title_zh: "地名",
        title_en: "Place names",
        geometry: GeometryKind::Point,
        fields: &[
            NAME,
            field("class", "地名类别", "Place class", Text, &["lb", "类别"]),
        ],
        dimensions: &[],
    },
];

/// The layer with this key.
pub fn layer(key: &str) -> Option<&'static LayerSpec> {
    LAYERS.iter().find(|l| l.key == key)
}

/// The code tables the layers' fields refer to (each must exist in the database).
pub fn referenced_code_tables() -> impl Iterator<Item = &'static str> {
    LAYERS
        .iter()
        .flat_map(|l| l.fields)
        .filter_map(|f| match f.kind {
            FieldKind::Code(t) => Some(t),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::default_tables;

    #[test]
    fn every_referenced_code_table_ships_with_the_defaults() {
        let tables = default_tables();
        for name in referenced_code_tables() {
            assert!(
                tables.iter().any(|t| t.name == name),
                "missing table {name}"
            );
        }
    }

    #[test]
    fn keys_and_field_names_are_unique_and_lower_case() {
        for (i, l) in LAYERS.iter().enumerate() {
            assert!(LAYERS[..i].iter().all(|o| o.key != l.key), "{}", l.key);
            for (j, f) in l.fields.iter().enumerate() {
                assert_eq!(f.name, f.name.to_ascii_lowercase());
                assert!(l.fields[..j].iter().all(|o| o.name != f.name), "{}", f.name);
            }
        }
    }

    #[test]
    fn columns_map_by_name_alias_and_case() {
        let l = layer("subcompartment").expect("layer");
        assert_eq!(l.field("DI_LEI").map(|f| f.name), Some("di_lei"));
        assert_eq!(l.field("地类").map(|f| f.name), Some("di_lei"));
        assert_eq!(l.field("Huo_LmGq_Xj").map(|f| f.name), Some("huo_lmgqxj"));
        assert_eq!(l.field("nonsense"), None);
    }
}
