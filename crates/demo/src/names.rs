//! Fixed word lists for generated names, and the generators that draw from them.

use std::collections::BTreeSet;

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Common surnames (more frequent ones first; drawn uniformly).
const SURNAMES: &[&str] = &[
    "王", "张", "李", "陈", "刘", "杨", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡", "郭", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖",
    "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈",
    "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "方", "邹",
    "孟", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "史", "陶", "贺", "顾", "毛", "龚", "邵",
    "万", "钱", "严", "戴", "孔", "汤", "华", "荣", "浦", "尤", "缪", "过", "钮", "承", "堵", "单",
];

/// Characters for given names.
const GIVEN: &[&str] = &[
    "建", "国", "明", "华", "伟", "强", "军", "平", "红", "敏", "丽", "静", "芳", "霞", "斌", "峰",
    "磊", "涛", "勇", "杰", "俊", "辉", "鹏", "宇", "晨", "浩", "文", "志", "海", "春", "秋", "冬",
    "雪", "梅", "兰", "燕", "玲", "娟", "琴", "云", "飞", "新", "兴", "德", "荣", "昌", "永", "祥",
    "瑞", "思", "嘉", "怡", "欣", "婷", "颖", "睿", "晓", "立", "振", "卫", "东", "亮", "刚", "波",
    "毅", "超", "健", "彬", "琳", "艳", "萍", "莉", "洁", "慧", "倩", "锋", "林", "森", "松", "柏",
];

/// Two-character words for village and community names.
const PLACE_WORDS: &[&str] = &[
    "新安", "东湖", "华庄", "长安", "桃源", "青山", "云林", "白荡", "梅园", "荣巷", "前进", "红旗",
    "胜利", "永丰", "五星", "联合", "双桥", "太平", "塘头", "杨湾", "芙蓉", "万顺", "金星", "九龙",
    "白塔", "石塘", "竹园", "茶山", "湖滨", "杨墅", "山联", "龙山", "翠屏", "南泉", "大浦", "芳庄",
    "周新", "新桥", "河塘", "秦巷", "查桥", "安阳", "宛山", "东风", "向阳", "光明", "民主", "和平",
    "同心", "新联", "三星", "永安", "兴隆", "团结", "建新", "金桥", "花园", "柳塘", "荷叶", "石门",
    "凤凰", "锦绣", "翠竹", "松涛", "枫林", "溪南", "清溪", "望湖", "西庄", "北渚", "南塘", "蓉湖",
];

/// Features a side of a responsibility area can run to (四至).
const LANDMARKS: &[&str] = &[
    "河道",
    "乡道",
    "山脊",
    "农田",
    "公路",
    "林缘",
    "水塘",
    "沟渠",
    "田埂",
    "防火通道",
];

/// Draws person names, avoiding names already handed out as long as that is easy.
#[derive(Debug, Default)]
pub struct PersonNames {
    used: BTreeSet<String>,
}

impl PersonNames {
    /// A new name: a surname and one or two given-name characters.
    pub fn draw(&mut self, rng: &mut ChaCha8Rng) -> String {
        let mut name = String::new();
        for _ in 0..20 {
            name.clear();
            name.push_str(pick(rng, SURNAMES));
            name.push_str(pick(rng, GIVEN));
            if rng.gen_bool(0.6) {
                name.push_str(pick(rng, GIVEN));
            }
            if self.used.insert(name.clone()) {
                break;
            }
        }
        name
    }
}

/// A mobile number, `139` and 8 digits.
pub fn phone(rng: &mut ChaCha8Rng) -> String {
    format!("139{:08}", rng.gen_range(0..100_000_000_u32))
}

/// `n` distinct place words (n ≤ the list length).
pub fn place_words(rng: &mut ChaCha8Rng, n: usize) -> Vec<&'static str> {
    PLACE_WORDS.choose_multiple(rng, n).copied().collect()
}

/// A landmark for a side of an area.
pub fn landmark(rng: &mut ChaCha8Rng) -> &'static str {
    pick(rng, LANDMARKS)
}

/// A Chinese numeral for small ordinals (1 → 一).
pub fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    DIGITS
        .get(n)
        .map_or_else(|| n.to_string(), |d| (*d).to_owned())
}

fn pick(rng: &mut ChaCha8Rng, list: &[&'static str]) -> &'static str {
    list.choose(rng).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn surnames_are_distinct() {
        let set: BTreeSet<_> = SURNAMES.iter().collect();
        assert_eq!(set.len(), SURNAMES.len());
    }

    #[test]
    fn place_words_are_distinct_two_character_words() {
        let set: BTreeSet<_> = PLACE_WORDS.iter().collect();
        assert_eq!(set.len(), PLACE_WORDS.len());
        assert!(PLACE_WORDS.iter().all(|w| w.chars().count() == 2));
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let words = place_words(&mut rng, 5);
        let distinct: BTreeSet<_> = words.iter().collect();
        assert_eq!(distinct.len(), 5);
    }

    #[test]
    fn names_and_phones_look_right() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut names = PersonNames::default();
        let a = names.draw(&mut rng);
        let b = names.draw(&mut rng);
        assert_ne!(a, b);
        assert!((2..=3).contains(&a.chars().count()));
        let p = phone(&mut rng);
        assert_eq!(p.len(), 11);
        assert!(p.starts_with("139") && p.bytes().all(|c| c.is_ascii_digit()));
        assert_eq!(numeral(2), "二");
    }
}
