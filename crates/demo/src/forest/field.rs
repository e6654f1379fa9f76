//! Where the forest is: a local projection in kilometres, hash-based smooth noise and the
//! "hilliness" of every place in the city, from which forest share, species and land use follow.

use linzhang_geo::geo::Coord;

/// Origin of the local projection (the middle of Wuxi).
const LON0: f64 = 120.3;
const LAT0: f64 = 31.5;
/// Kilometres per degree of longitude at 31.5° N.
const KM_PER_DEG_X: f64 = 94.916;
/// Kilometres per degree of latitude at 31.5° N.
const KM_PER_DEG_Y: f64 = 110.574;

/// Longitude/latitude to local kilometres (equirectangular, true scale at 31.5° N: the city
/// spans less than a degree of latitude, so shapes are off by about 1 %).
pub(super) fn to_km(c: Coord) -> Coord {
    Coord {
        x: (c.x - LON0) * KM_PER_DEG_X,
        y: (c.y - LAT0) * KM_PER_DEG_Y,
    }
}

/// Local kilometres to longitude/latitude.
pub(super) fn to_deg(c: Coord) -> Coord {
    Coord {
        x: LON0 + c.x / KM_PER_DEG_X,
        y: LAT0 + c.y / KM_PER_DEG_Y,
    }
}

/// Latitude of a point given in local kilometres.
pub(super) fn lat_of(km_y: f64) -> f64 {
    LAT0 + km_y / KM_PER_DEG_Y
}

/// splitmix64's finaliser: a good 64-bit mix.
pub(super) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A small, fast generator (`SplitMix64`) for the many short streams of draws made per
/// sub-compartment, where seeding a `ChaCha8` generator each time would cost more than the
/// draws.
#[derive(Debug, Clone)]
pub(super) struct SplitMix(pub(super) u64);

impl rand::RngCore for SplitMix {
    fn next_u32(&mut self) -> u32 {
        u32::try_from(self.next_u64() >> 32).unwrap_or(0)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// A hash of a seed and two integers.
pub(super) fn hash3(seed: u64, a: i64, b: i64) -> u64 {
    mix(seed ^ mix(a.cast_unsigned() ^ mix(b.cast_unsigned().wrapping_add(0x5851_F42D))))
}

/// A hash of a seed and a string (FNV-1a, then mixed).
pub(super) fn hash_str(seed: u64, s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    mix(seed ^ h)
}

/// A uniform number in [0, 1) from a hash.
#[allow(clippy::cast_precision_loss, reason = "53 bits fit an f64 exactly")]
pub(super) fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1_u64 << 53) as f64
}

/// `x.floor()` as an integer (coordinates here are far below `i64`'s range).
#[allow(clippy::cast_possible_truncation, reason = "small finite values")]
pub(super) fn floor_i64(x: f64) -> i64 {
    x.floor() as i64
}

/// `x` rounded to the nearest integer, at least 0.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to a small non-negative value first"
)]
pub(super) fn round_usize(x: f64) -> usize {
    x.round().clamp(0.0, 1e15) as usize
}

/// A count as a float.
#[allow(clippy::cast_precision_loss, reason = "counts stay far below 2^53")]
pub(super) fn as_f64(n: usize) -> f64 {
    n as f64
}

/// Smooth value noise in [0, 1] with features about one unit across.
pub(super) fn value_noise(seed: u64, x: f64, y: f64) -> f64 {
    let (ix, iy) = (floor_i64(x), floor_i64(y));
    let (fx, fy) = (x - x.floor(), y - y.floor());
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let at = |dx: i64, dy: i64| unit(hash3(seed, ix + dx, iy + dy));
    let top = at(0, 0) + sx * (at(1, 0) - at(0, 0));
    let bottom = at(0, 1) + sx * (at(1, 1) - at(0, 1));
    top + sy * (bottom - top)
}

/// Three octaves of value noise, in [0, 1], features about `scale` kilometres across.
pub(super) fn fbm(seed: u64, p: Coord, scale: f64) -> f64 {
    let (x, y) = (p.x / scale, p.y / scale);
    0.55 * value_noise(seed, x, y)
        + 0.3 * value_noise(seed ^ 0xA5A5, 2.03 * x + 17.1, 2.03 * y - 5.3)
        + 0.15 * value_noise(seed ^ 0x5A5A, 4.11 * x - 3.7, 4.11 * y + 11.9)
}

/// The county-level units: code, name and base hilliness.
const COUNTIES: [(&str, &str, f64); 7] = [
    ("320205", "锡山区", 0.25),
    ("320206", "惠山区", 0.27),
    ("320211", "滨湖区", 0.52),
    ("320213", "梁溪区", 0.14),
    ("320214", "新吴区", 0.17),
    ("320281", "江阴市", 0.26),
    ("320282", "宜兴市", 0.0),
];

/// Towns with hills (or orchards) of their own, and how much hillier they are than their county.
const HILL_TOWNS: [(&str, f64); 20] = [
    ("320205105", 0.12), // 锡北镇: 斗山
    ("320206103", 0.22), // 阳山镇: 大阳山, peach orchards
    ("320211002", 0.12), // 荣巷街道: 宝界山
    ("320211007", 0.30), // 太湖街道: 军嶂山
    ("320211008", 0.34), // 雪浪街道: 雪浪山
    ("320211009", 0.42), // 马山街道
    ("320211101", 0.22), // 胡埭镇
    ("320213023", 0.30), // 惠山街道: 惠山, 锡山
    ("320214055", 0.12), // 鸿山街道
    ("320281001", 0.10), // 澄江街道: 君山, 黄山
    ("320281005", 0.14), // 云亭街道: 花山
    ("320281102", 0.08), // 月城镇
    ("320281404", 0.06), // 临港: 定山
    ("320282100", 0.16), // 张渚镇
    ("320282101", 0.10), // 西渚镇
    ("320282102", 0.18), // 太华镇
    ("320282112", 0.06), // 丁蜀镇
    ("320282113", 0.18), // 湖㳇镇
    ("320282402", 0.14), // 阳羡旅游度假区
    ("320282003", 0.04), // 新庄街道
];

/// The county's name, or the code when it is not a Wuxi county.
pub(super) fn county_name(code: &str) -> &str {
    COUNTIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, name, _)| name)
}

/// How hilly the land of a village is on average, before local noise, at latitude `lat`.
///
/// 宜兴 rises from the plains by 滆湖 and 太湖 in the north to the hills on the Zhejiang and
/// Anhui border in the south; the other units have a base value, and some towns hills of their
/// own.
pub(super) fn base_hilliness(county: &str, town: &str, lat: f64) -> f64 {
    let base = if county == "320282" {
        let t = ((31.47 - lat) / 0.27).clamp(0.0, 1.0);
        0.24 + 0.76 * t * t.sqrt()
    } else {
        COUNTIES
            .iter()
            .find(|(c, _, _)| *c == county)
            .map_or(0.25, |(_, _, b)| *b)
    };
    let bonus = HILL_TOWNS
        .iter()
        .find(|(t, _)| *t == town)
        .map_or(0.0, |(_, b)| *b);
    (base + bonus).clamp(0.0, 1.0)
}

/// Hilliness of one place: the village's base plus local relief, in [0, 1].
pub(super) fn hilliness(seed: u64, base: f64, p: Coord) -> f64 {
    (base + 0.36 * (fbm(seed, p, 2.2) - 0.5)).clamp(0.0, 1.0)
}

/// Share of a village's land in forest sub-compartments at hilliness `h`.
pub(super) fn forest_share(h: f64) -> f64 {
    (0.09 + 1.2 * h * h).min(0.86)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projection_round_trips_and_noise_stays_in_range() {
        let c = Coord { x: 119.7, y: 31.2 };
        let back = to_deg(to_km(c));
        assert!((back.x - c.x).abs() < 1e-12 && (back.y - c.y).abs() < 1e-12);
        for i in 0..200 {
            let p = Coord {
                x: f64::from(i) * 0.37,
                y: f64::from(i) * -0.91,
            };
            let n = fbm(7, p, 1.5);
            assert!((0.0..=1.0).contains(&n));
        }
        assert!(base_hilliness("320282", "", 31.18) > 0.8);
        assert!(base_hilliness("320282", "", 31.55) < 0.3);
        assert!(base_hilliness("320213", "320213021", 31.57) < 0.2);
    }
}
