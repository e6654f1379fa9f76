//! Pixel colour rules for flame and smoke, each with its published source.
//!
//! All values are 8-bit sRGB as the camera delivers them (no linearisation: the published
//! rules were derived on camera frames the same way).

use serde::{Deserialize, Serialize};

/// Flame-colour rule: a pixel is a flame candidate when both the RGB/HSI rule of
/// Chen, Wu & Chiou (2004) and the YCbCr rule of Celik & Demirel (2009) accept it.
///
/// * Chen T.-H., Wu P.-H., Chiou Y.-C., "An early fire-detection method based on image
///   processing", Proc. ICIP 2004, pp. 1707–1710: rule 1 `R > R_T`, rule 2 `R ≥ G > B`,
///   rule 3 `S ≥ (255 − R) · S_T / R_T`, with `R_T` in 115–135 and `S_T` in 55–65 in the
///   paper. `S` is taken as HSV saturation on the 0–255 scale (`255 · (max − min) / max`).
/// * Celik T., Demirel H., "Fire detection in video sequences using a generic color model",
///   Fire Safety Journal 44 (2009) 147–158: `Y > Cb`, `Cr > Cb` and `|Cr − Cb| ≥ τ`
///   (ITU-R BT.601 full-range YCbCr; the paper picks `τ = 40` from its ROC curve). The
///   paper's frame-mean rules (`Y > Ȳ`, `Cb < C̄b`, `Cr > C̄r`) are left out: in a frame
///   that is mostly fire the means are themselves fire and the rules reject the flame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FireRule {
    /// Chen's `R_T`. The paper's 115–135 admits brick, wood and skin in the labelled
    /// photos; 150 keeps the flame pixels and drops most of those.
    pub red_threshold: u8,
    /// Chen's `S_T` (paper: 55–65).
    pub saturation_threshold: u8,
    /// Celik's `τ`, the least `|Cr − Cb|`.
    pub cr_cb_min: u8,
}

impl Default for FireRule {
    fn default() -> Self {
        Self {
            red_threshold: 150,
            saturation_threshold: 60,
            cr_cb_min: 40,
        }
    }
}

/// Smoke-colour rule of Chen et al. (2004): smoke is greyish, `R ± α = G ± α = B ± α`
/// (here: `max − min ≤ α`, paper `α` = 15–20), with an intensity `I = (R + G + B) / 3`
/// between `L1` and `L2` (paper: dark-grey smoke 80–150, light-grey smoke 150–220; both
/// bands together here). The texture condition (smoke blurs what is behind it, so the
/// local edge density is low) is applied on top of this by the detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SmokeRule {
    /// `α`: the largest spread between the three channels.
    pub chroma_max: u8,
    /// `L1`: the least intensity.
    pub intensity_min: u8,
    /// `L2`: the greatest intensity.
    pub intensity_max: u8,
}

impl Default for SmokeRule {
    fn default() -> Self {
        Self {
            chroma_max: 20,
            intensity_min: 80,
            intensity_max: 220,
        }
    }
}

/// HSV saturation on the 0–255 scale: `255 · (max − min) / max` (0 for black).
pub fn saturation([r, g, b]: [u8; 3]) -> u8 {
    let max = u32::from(r.max(g).max(b));
    let min = u32::from(r.min(g).min(b));
    if max == 0 {
        return 0;
    }
    u8::try_from((max - min) * 255 / max).unwrap_or(u8::MAX)
}

/// HSI intensity `(R + G + B) / 3`.
pub fn intensity([r, g, b]: [u8; 3]) -> u8 {
    u8::try_from((u32::from(r) + u32::from(g) + u32::from(b)) / 3).unwrap_or(u8::MAX)
}

/// Full-range ITU-R BT.601 YCbCr (JPEG's), in fixed point: `(Y, Cb, Cr)`, each clamped to
/// 0–255.
pub fn ycbcr([red, green, blue]: [u8; 3]) -> (i32, i32, i32) {
    let (red, green, blue) = (i32::from(red), i32::from(green), i32::from(blue));
    // Coefficients × 65536, rounded.
    let luma = (19_595 * red + 38_470 * green + 7_471 * blue + 32_768) >> 16;
    let cb = 128 + ((-11_059 * red - 21_709 * green + 32_768 * blue + 32_768) >> 16);
    let cr = 128 + ((32_768 * red - 27_439 * green - 5_329 * blue + 32_768) >> 16);
    (luma.clamp(0, 255), cb.clamp(0, 255), cr.clamp(0, 255))
}

/// Whether `rgb` has flame colour under `rule` (Chen 2004 ∧ Celik 2009).
pub fn is_fire_pixel(rgb: [u8; 3], rule: &FireRule) -> bool {
    let [red, green, blue] = rgb;
    // Chen rules 1 and 2.
    if red <= rule.red_threshold || red < green || green <= blue {
        return false;
    }
    // Chen rule 3: the saturation a flame pixel needs falls as its red rises.
    let sat = u32::from(saturation(rgb));
    let need = u32::from(255 - red) * u32::from(rule.saturation_threshold);
    if sat * u32::from(rule.red_threshold.max(1)) < need {
        return false;
    }
    // Celik: luma above blue-difference, red-difference above blue-difference, and apart.
    let (luma, cb, cr) = ycbcr(rgb);
    luma > cb && cr > cb && (cr - cb) >= i32::from(rule.cr_cb_min)
}

/// Whether `rgb` has smoke colour under `rule` (Chen 2004: greyish, intensity in a band).
pub fn is_smoke_colour(rgb: [u8; 3], rule: &SmokeRule) -> bool {
    let [r, g, b] = rgb;
    let spread = r.max(g).max(b) - r.min(g).min(b);
    let i = intensity(rgb);
    spread <= rule.chroma_max && (rule.intensity_min..=rule.intensity_max).contains(&i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ycbcr_matches_bt601_reference_values() {
        assert_eq!(ycbcr([0, 0, 0]), (0, 128, 128));
        assert_eq!(ycbcr([255, 255, 255]), (255, 128, 128));
        // Pure red: Y = 76, Cb = 85, Cr = 255 (JPEG/JFIF conversion).
        let (y, cb, cr) = ycbcr([255, 0, 0]);
        assert_eq!(y, 76);
        assert!((84..=85).contains(&cb), "{cb}");
        assert_eq!(cr, 255);
    }

    #[test]
    fn saturation_and_intensity() {
        assert_eq!(saturation([0, 0, 0]), 0);
        assert_eq!(saturation([200, 200, 200]), 0);
        assert_eq!(saturation([255, 0, 0]), 255);
        assert_eq!(saturation([200, 100, 0]), 255);
        assert_eq!(saturation([200, 150, 100]), 127);
        assert_eq!(intensity([30, 60, 90]), 60);
        assert_eq!(intensity([255, 255, 255]), 255);
    }

    #[test]
    fn flame_colours_are_fire_pixels() {
        let rule = FireRule::default();
        // Orange, yellow-orange and deep red flame colours sampled from the labelled photos.
        for rgb in [
            [255, 140, 20],
            [250, 200, 60],
            [240, 90, 10],
            [255, 170, 80],
        ] {
            assert!(is_fire_pixel(rgb, &rule), "{rgb:?}");
        }
    }

    #[test]
    fn non_flame_colours_are_not_fire_pixels() {
        let rule = FireRule::default();
        for rgb in [
            [255, 255, 255], // white: fails G > B and |Cr − Cb|
            [128, 128, 128], // grey
            [40, 120, 230],  // sky blue: R not dominant
            [60, 160, 60],   // green
            [140, 70, 40],   // brick in shade: R below R_T
            [200, 170, 150], // skin/beige: passes Chen, but Cr − Cb = 32 < τ
            [250, 120, 200], // pink: B > G
            [230, 210, 200], // cream wall: Cr − Cb too small
        ] {
            assert!(!is_fire_pixel(rgb, &rule), "{rgb:?}");
        }
    }

    #[test]
    fn chen_saturation_rule_tightens_as_red_falls() {
        let rule = FireRule::default();
        // Same hue family; at R = 250 little saturation is needed, at R = 160 much more.
        assert!(is_fire_pixel([250, 190, 150], &rule)); // S = 102, needs 6
        assert!(!is_fire_pixel([160, 135, 110], &rule)); // S = 79, needs 38: passes Chen…
        // …but Cr − Cb = 31 < τ, so Celik rejects it; a more saturated one passes both.
        assert!(is_fire_pixel([160, 100, 40], &rule));
        // Low saturation at moderate red fails Chen rule 3 on its own.
        let loose = FireRule {
            cr_cb_min: 0,
            ..rule
        };
        assert!(!is_fire_pixel([170, 160, 150], &loose)); // S = 30, needs 34
        assert!(is_fire_pixel([170, 150, 120], &loose)); // S = 75
    }

    #[test]
    fn smoke_colour_is_grey_in_the_band() {
        let rule = SmokeRule::default();
        assert!(is_smoke_colour([120, 120, 125], &rule));
        assert!(is_smoke_colour([200, 195, 185], &rule));
        assert!(is_smoke_colour([80, 85, 90], &rule));
        assert!(!is_smoke_colour([40, 40, 40], &rule)); // too dark
        assert!(!is_smoke_colour([245, 245, 245], &rule)); // too bright (sky, white wall)
        assert!(!is_smoke_colour([150, 120, 100], &rule)); // too coloured
        assert!(!is_smoke_colour([90, 140, 200], &rule)); // blue
    }
}
