//! The built-in detector: colour rules, texture and frame-to-frame change.
//!
//! Steps, on a copy of the frame shrunk to at most [`ClassicalConfig::analysis_max_side`]:
//!
//! 1. **Flame pixels**: [`is_fire_pixel`] (Chen 2004 ∧ Celik 2009). A flame is a light
//!    source, so in a frame exposed for the scene its red channel clips: pixels with
//!    `R ≥ luminous_red` are counted as *luminous*. A region's colour confidence is its
//!    luminous share over [`ClassicalConfig::luminous_share_full`] (capped at 1). This is
//!    what separates flames from brick, wood, sandstone and skin, which pass the colour
//!    rules but are lit, not glowing.
//! 2. **Smoke pixels**: [`is_smoke_colour`] (Chen 2004: greyish, intensity in a band) where
//!    the local edge density is low (smoke blurs what is behind it: mean absolute intensity
//!    gradient over a `(2r + 1)²` window at most [`ClassicalConfig::smoke_edge_max`]), and
//!    not a flame pixel.
//! 3. **Regions**: 8-connected regions of each mask; regions under the minimum share of the
//!    frame are ignored.
//! 4. **Motion** (only with a previous frame of the same size): pixels whose intensity
//!    changed by at least [`ClassicalConfig::change_threshold`]. A region's temporal factor
//!    runs from [`ClassicalConfig::static_factor`] (nothing moved: a red wall, a lamp, a
//!    grey ceiling) to [`ClassicalConfig::motion_factor`] (at least
//!    [`ClassicalConfig::motion_share_full`] of it changed: flicker, drifting smoke). When
//!    more than [`ClassicalConfig::max_global_change`] of the whole frame changed, the camera
//!    moved or re-exposed and motion says nothing: the factor is 1, as for a single image.
//! 5. **Scores**: a flame region scores `min(1, colour confidence × share of the frame /
//!    fire_area_full) × temporal factor` (capped at 1); the fire score is the best region's.
//!    The strongest single region decides, not the sum: a flame is one compact glowing body,
//!    while scattered small lit spots (street lights along a shore, lamps) are the typical
//!    false alarm. Smoke is diffuse and cut up by whatever stands in front of it, so its
//!    regions add up: smoke score = `min(1, Σ share / smoke_area_full)` × the share-weighted
//!    mean temporal factor (capped at 1). The verdict is fire when the fire score reaches
//!    [`ClassicalConfig::alarm_threshold`], else smoke when the smoke score does, else none.
//!    A box's score is its region's confidence regardless of size: colour × temporal for
//!    flames, temporal for smoke (1 for a single image).

use std::borrow::Cow;

use image::RgbImage;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::regions::{Rect, Region, regions};
use super::rules::{FireRule, SmokeRule, intensity, is_fire_pixel, is_smoke_colour};
use super::{Detection, DetectionBox, Detector, Verdict, downscale, downscale_factor};

/// Thresholds of the classical detector. The defaults were set on the labelled photos in
/// `shared/data/fire` (see the `fire_dataset` test for the measured accuracy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassicalConfig {
    /// Frames are shrunk (integer box filter) until neither side exceeds this; boxes are
    /// scaled back to the frame's pixels.
    pub analysis_max_side: u32,
    /// Flame colour rule.
    pub fire: FireRule,
    /// Red value from which a flame pixel counts as luminous (clipped red channel).
    pub luminous_red: u8,
    /// Luminous share of a flame region that gives full colour confidence.
    pub luminous_share_full: f32,
    /// Least share of the frame for a flame region.
    pub fire_min_region: f32,
    /// Share of the frame of a flame region (times its colour confidence) that gives fire
    /// score 1.
    pub fire_area_full: f32,
    /// Smoke colour rule.
    pub smoke: SmokeRule,
    /// Radius of the window for the local edge density.
    pub smoke_edge_radius: u32,
    /// Greatest mean absolute intensity gradient (levels per pixel, |∂x| + |∂y|) of a smoke
    /// pixel's window.
    pub smoke_edge_max: f32,
    /// Least share of the frame for a smoke region.
    pub smoke_min_region: f32,
    /// Smoke share of the frame that gives smoke score 1.
    pub smoke_area_full: f32,
    /// Least intensity change between frames that counts as motion.
    pub change_threshold: u8,
    /// Share of a region's pixels in motion that gives the full motion factor.
    pub motion_share_full: f32,
    /// Temporal factor of a region in which nothing moved.
    pub static_factor: f32,
    /// Temporal factor of a region that moves.
    pub motion_factor: f32,
    /// Share of the frame in motion above which the temporal cue is ignored.
    pub max_global_change: f32,
    /// Score from which a frame is fire (or smoke).
    pub alarm_threshold: f32,
    /// Least confidence of a region for it to get a box.
    pub box_min_score: f32,
    /// Boxes of one kind closer than this share of the frame's longer side are merged.
    pub box_merge_gap: f32,
}

impl Default for ClassicalConfig {
    fn default() -> Self {
        Self {
            analysis_max_side: 640,
            fire: FireRule::default(),
            luminous_red: 250,
            luminous_share_full: 0.20,
            fire_min_region: 0.001,
            fire_area_full: 0.02,
            smoke: SmokeRule::default(),
            smoke_edge_radius: 2,
            smoke_edge_max: 5.0,
            smoke_min_region: 0.01,
            smoke_area_full: 0.24,
            change_threshold: 12,
            motion_share_full: 0.2,
            static_factor: 0.3,
            motion_factor: 1.25,
            max_global_change: 0.5,
            alarm_threshold: 0.5,
            box_min_score: 0.2,
            box_merge_gap: 0.02,
        }
    }
}

/// The built-in smoke and fire detector (no model file). See the module documentation for
/// the steps and [`ClassicalConfig`] for the thresholds.
#[derive(Debug, Clone, Default)]
pub struct ClassicalDetector {
    config: ClassicalConfig,
}

/// A scored region in analysis pixels.
#[derive(Debug, Clone, Copy)]
struct Scored {
    rect: Rect,
    /// Confidence of the region whatever its size (colour × motion), 0–1: its box score.
    confidence: f32,
    /// Share of the frame.
    share: f32,
    /// Temporal factor.
    temporal: f32,
}

impl ClassicalDetector {
    pub fn new(config: ClassicalConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &ClassicalConfig {
        &self.config
    }

    /// Temporal factor of `region`: 1 without usable motion, otherwise between the static and
    /// the motion factor by the share of its pixels that changed.
    fn temporal(&self, region: &Region, motion: bool) -> f32 {
        if !motion {
            return 1.0;
        }
        let c = &self.config;
        let moving = (share(region.changed, region.pixels) / c.motion_share_full).min(1.0);
        c.static_factor + (c.motion_factor - c.static_factor) * moving
    }

    /// Flame regions: colour confidence from the luminous share.
    fn score_fire(&self, regs: &[Region], total: usize, motion: bool) -> Vec<(Scored, f32)> {
        let c = &self.config;
        regs.iter()
            .map(|r| {
                let colour = (share(r.strong, r.pixels) / c.luminous_share_full).min(1.0);
                let temporal = self.temporal(r, motion);
                let scored = Scored {
                    rect: r.rect,
                    confidence: (colour * temporal).min(1.0),
                    share: share(r.pixels, total),
                    temporal,
                };
                (scored, colour)
            })
            .collect()
    }

    /// Smoke regions: the colour and texture rules are the whole colour evidence.
    fn score_smoke(&self, regs: &[Region], total: usize, motion: bool) -> Vec<Scored> {
        regs.iter()
            .map(|r| {
                let temporal = self.temporal(r, motion);
                Scored {
                    rect: r.rect,
                    confidence: temporal.min(1.0),
                    share: share(r.pixels, total),
                    temporal,
                }
            })
            .collect()
    }

    /// Fire score: the best region's `min(1, colour × share / fire_area_full) × temporal`.
    fn fire_score(&self, fire: &[(Scored, f32)]) -> f32 {
        let full = self.config.fire_area_full;
        fire.iter()
            .map(|(s, colour)| (unit(colour * s.share / full) * s.temporal).min(1.0))
            .fold(0.0, f32::max)
    }

    /// Smoke score: `min(1, Σ share / smoke_area_full)` × the share-weighted mean temporal
    /// factor.
    fn smoke_score(&self, smoke: &[Scored]) -> f32 {
        let area: f32 = smoke.iter().map(|s| s.share).fold(0.0, |a, b| a + b);
        if area <= 0.0 {
            return 0.0;
        }
        let temporal = smoke
            .iter()
            .map(|s| s.share * s.temporal)
            .fold(0.0, |a, b| a + b)
            / area;
        (unit(area / self.config.smoke_area_full) * temporal).min(1.0)
    }
}

impl Detector for ClassicalDetector {
    fn name(&self) -> &'static str {
        "classical"
    }

    fn detect(&self, frame: &RgbImage, previous: Option<&RgbImage>) -> Detection {
        let c = &self.config;
        let (fw, fh) = frame.dimensions();
        let k = downscale_factor(fw, fh, c.analysis_max_side);
        // A sliver (say 5000 × 3) cannot shrink by k: analyse it as it is.
        let k = if fw / k == 0 || fh / k == 0 { 1 } else { k };
        let small: Cow<'_, RgbImage> = if k > 1 {
            Cow::Owned(downscale(frame, k))
        } else {
            Cow::Borrowed(frame)
        };
        let (w, h) = (small.width() as usize, small.height() as usize);
        let total = w * h;
        if total == 0 {
            return Detection::none(fw, fh);
        }
        let masks = Masks::compute(&small, c);

        // Frame-to-frame change, when the previous frame matches.
        let changed = previous
            .filter(|p| p.dimensions() == frame.dimensions())
            .map(|p| {
                let prev: Cow<'_, RgbImage> = if k > 1 {
                    Cow::Owned(downscale(p, k))
                } else {
                    Cow::Borrowed(p)
                };
                let thr = c.change_threshold;
                prev.as_raw()
                    .par_chunks_exact(3)
                    .zip(masks.intensity.par_iter())
                    .map(|(px, &i)| intensity([px[0], px[1], px[2]]).abs_diff(i) >= thr)
                    .collect::<Vec<bool>>()
            })
            .filter(|ch| share(ch.iter().filter(|&&b| b).count(), total) <= c.max_global_change);
        let motion = changed.is_some();

        let min_fire = min_pixels(c.fire_min_region, total);
        let min_smoke = min_pixels(c.smoke_min_region, total);
        let fire_regs = regions(
            &masks.fire,
            w,
            h,
            min_fire,
            Some(&masks.luminous),
            changed.as_deref(),
        );
        let smoke_regs = regions(&masks.smoke, w, h, min_smoke, None, changed.as_deref());
        let fire = self.score_fire(&fire_regs, total, motion);
        let smoke = self.score_smoke(&smoke_regs, total, motion);

        let fire_score = self.fire_score(&fire);
        let smoke_score = self.smoke_score(&smoke);
        let fire: Vec<Scored> = fire.into_iter().map(|(s, _)| s).collect();
        let (verdict, score) = if fire_score >= c.alarm_threshold {
            (Verdict::Fire, fire_score)
        } else if smoke_score >= c.alarm_threshold {
            (Verdict::Smoke, smoke_score)
        } else {
            (Verdict::None, fire_score.max(smoke_score))
        };

        let gap = gap_pixels(c.box_merge_gap, w.max(h));
        let mut boxes = Vec::new();
        for (kind, scored, kind_score) in [
            (Verdict::Fire, &fire, fire_score),
            (Verdict::Smoke, &smoke, smoke_score),
        ] {
            if verdict == Verdict::None || kind_score < c.alarm_threshold {
                continue;
            }
            let kept: Vec<(Rect, f32)> = scored
                .iter()
                .filter(|s| s.confidence >= c.box_min_score)
                .map(|s| (s.rect, s.confidence))
                .collect();
            for (rect, score) in merge_boxes(kept, gap) {
                boxes.push(scale_box(rect, k, fw, fh, kind, score));
            }
        }

        Detection {
            verdict,
            score,
            fire_score,
            smoke_score,
            boxes,
            width: fw,
            height: fh,
        }
    }
}

/// Per-pixel masks of the analysis frame.
struct Masks {
    intensity: Vec<u8>,
    fire: Vec<bool>,
    luminous: Vec<bool>,
    smoke: Vec<bool>,
}

impl Masks {
    fn compute(small: &RgbImage, c: &ClassicalConfig) -> Self {
        let (w, h) = (small.width() as usize, small.height() as usize);
        let raw = small.as_raw();
        let px = |p: &[u8]| [p[0], p[1], p[2]];
        let intensity: Vec<u8> = raw.par_chunks_exact(3).map(|p| intensity(px(p))).collect();
        let fire: Vec<bool> = raw
            .par_chunks_exact(3)
            .map(|p| is_fire_pixel(px(p), &c.fire))
            .collect();
        let luminous: Vec<bool> = raw
            .par_chunks_exact(3)
            .zip(fire.par_iter())
            .map(|(p, &f)| f && p[0] >= c.luminous_red)
            .collect();
        let edges = mean_edge(&intensity, w, h, c.smoke_edge_radius as usize);
        let smoke: Vec<bool> = raw
            .par_chunks_exact(3)
            .zip(fire.par_iter())
            .zip(edges.par_iter())
            .map(|((p, &f), &e)| !f && e <= c.smoke_edge_max && is_smoke_colour(px(p), &c.smoke))
            .collect();
        Self {
            intensity,
            fire,
            luminous,
            smoke,
        }
    }
}

/// Mean of `|I(x+1, y) − I(x, y)| + |I(x, y+1) − I(x, y)|` over the `(2r + 1)²` window around
/// each pixel (clipped at the borders), through a summed-area table.
fn mean_edge(intensity: &[u8], width: usize, height: usize, radius: usize) -> Vec<f32> {
    let grad: Vec<u32> = (0..width * height)
        .into_par_iter()
        .map(|i| {
            let (col, row) = (i % width, i / width);
            let here = intensity[i];
            let across = if col + 1 < width {
                here.abs_diff(intensity[i + 1])
            } else {
                0
            };
            let down = if row + 1 < height {
                here.abs_diff(intensity[i + width])
            } else {
                0
            };
            u32::from(across) + u32::from(down)
        })
        .collect();
    // Summed-area table with a zero first row and column.
    let stride = width + 1;
    let mut table = vec![0u32; stride * (height + 1)];
    for row in 0..height {
        let mut running = 0u32;
        for col in 0..width {
            running += grad[row * width + col];
            table[(row + 1) * stride + col + 1] = table[row * stride + col + 1] + running;
        }
    }
    (0..width * height)
        .into_par_iter()
        .map(|i| {
            let (col, row) = (i % width, i / width);
            let (left, top) = (col.saturating_sub(radius), row.saturating_sub(radius));
            let (right, bottom) = (
                (col + radius + 1).min(width),
                (row + radius + 1).min(height),
            );
            let sum = table[bottom * stride + right] + table[top * stride + left]
                - table[top * stride + right]
                - table[bottom * stride + left];
            ratio_f32(sum, (right - left) * (bottom - top))
        })
        .collect()
}

/// `v` within 0–1 (NaN, from a zero `*_area_full`, as 1).
fn unit(v: f32) -> f32 {
    if v.is_nan() { 1.0 } else { v.clamp(0.0, 1.0) }
}

/// Merges boxes lying within `gap` pixels of each other; a merged box keeps the best score.
fn merge_boxes(mut boxes: Vec<(Rect, f32)>, gap: u32) -> Vec<(Rect, f32)> {
    loop {
        let mut merged = false;
        let mut i = 0;
        while i < boxes.len() {
            let mut j = i + 1;
            while j < boxes.len() {
                if boxes[i].0.near(&boxes[j].0, gap) {
                    let (rect, score) = boxes.swap_remove(j);
                    boxes[i] = (boxes[i].0.union(&rect), boxes[i].1.max(score));
                    merged = true;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
        if !merged {
            return boxes;
        }
    }
}

/// An analysis-pixel rectangle in frame pixels.
fn scale_box(rect: Rect, k: u32, fw: u32, fh: u32, kind: Verdict, score: f32) -> DetectionBox {
    let x0 = (rect.x0 * k).min(fw);
    let y0 = (rect.y0 * k).min(fh);
    let x1 = (rect.x1 * k).min(fw);
    let y1 = (rect.y1 * k).min(fh);
    DetectionBox {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
        kind,
        score,
    }
}

#[allow(clippy::cast_precision_loss)] // pixel counts of a ≤ 640 × 640 frame are exact in f32
fn share(part: usize, whole: usize) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

#[allow(clippy::cast_precision_loss)] // as above
fn ratio_f32(sum: u32, count: usize) -> f32 {
    sum as f32 / count.max(1) as f32
}

/// `fraction` of `total` pixels, rounded up, at least 1.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)] // a non-negative fraction of a pixel count, far below usize::MAX
fn min_pixels(fraction: f32, total: usize) -> usize {
    ((f64::from(fraction.max(0.0)) * total as f64).ceil() as usize).max(1)
}

/// `fraction` of `side` pixels, rounded.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)] // as above
fn gap_pixels(fraction: f32, side: usize) -> u32 {
    (f64::from(fraction.max(0.0)) * side as f64).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A grey-green scene with a flame-coloured blob (orange rim, clipped yellow core).
    fn scene(w: u32, h: u32, flame: Option<(u32, u32, u32)>, seed: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            if let Some((cx, cy, r)) = flame {
                let (dx, dy) = (x.abs_diff(cx), y.abs_diff(cy));
                let d2 = dx * dx + dy * dy;
                if d2 <= r * r {
                    // A little pseudo-random flicker, changed by `seed`.
                    let n = (x * 31 + y * 17 + seed * 101) % 23;
                    let n = u8::try_from(n).unwrap_or(0);
                    return if d2 * 4 <= r * r {
                        Rgb([255, 215 - n, 90 + n])
                    } else {
                        Rgb([245 - n, 120 + n, 20])
                    };
                }
            }
            let t = u8::try_from((x / 7 + y / 5) % 40).unwrap_or(0);
            Rgb([60 + t, 90 + t, 50 + t])
        })
    }

    #[test]
    fn flame_blob_is_fire_and_plain_scene_is_none() {
        let det = ClassicalDetector::default();
        let plain = det.detect(&scene(320, 240, None, 0), None);
        assert_eq!(plain.verdict, Verdict::None, "{plain:?}");
        assert!(plain.boxes.is_empty());
        let fire = det.detect(&scene(320, 240, Some((160, 120, 40)), 0), None);
        assert_eq!(fire.verdict, Verdict::Fire, "{fire:?}");
        assert!(fire.score >= 0.5);
        let b = fire.boxes.iter().find(|b| b.kind == Verdict::Fire);
        let b = b.copied().unwrap_or(DetectionBox {
            x: 0,
            y: 0,
            w: 0,
            h: 0,
            kind: Verdict::None,
            score: 0.0,
        });
        // The box hugs the blob (centre 160,120, radius 40).
        assert!(b.x.abs_diff(120) <= 2 && b.y.abs_diff(80) <= 2, "{b:?}");
        assert!(b.w.abs_diff(81) <= 2 && b.h.abs_diff(81) <= 2, "{b:?}");
    }

    #[test]
    fn boxes_are_in_frame_pixels_after_downscaling() {
        let det = ClassicalDetector::default();
        // 1920 × 1080 is analysed at 640 × 360 (k = 3).
        let frame = scene(1920, 1080, Some((1500, 300, 120)), 0);
        let d = det.detect(&frame, None);
        assert_eq!(d.verdict, Verdict::Fire);
        assert_eq!((d.width, d.height), (1920, 1080));
        let b = d.boxes[0];
        assert!(b.x.abs_diff(1380) <= 6 && b.y.abs_diff(180) <= 6, "{b:?}");
        assert!(b.w.abs_diff(241) <= 9 && b.h.abs_diff(241) <= 9, "{b:?}");
    }

    #[test]
    fn red_but_unlit_surface_is_not_fire() {
        // Brick/wood colour passing the colour rules but never clipping the red channel.
        let det = ClassicalDetector::default();
        let wall = RgbImage::from_fn(200, 150, |x, _| {
            let t = u8::try_from(x % 20).unwrap_or(0);
            Rgb([200 + t, 110 + t, 40])
        });
        let d = det.detect(&wall, None);
        assert_eq!(d.verdict, Verdict::None, "{d:?}");
        assert!(d.fire_score < 0.1);
    }

    #[test]
    fn smooth_grey_haze_is_smoke_and_busy_grey_texture_is_not() {
        let det = ClassicalDetector::default();
        // Soft grey gradient (smoke-like: grey, mid intensity, few edges) over a dark ground.
        let haze = RgbImage::from_fn(300, 200, |x, y| {
            if y < 150 {
                let v = u8::try_from(110 + (x + y) / 10).unwrap_or(0);
                Rgb([v, v, v.saturating_add(4)])
            } else {
                Rgb([30, 60, 20])
            }
        });
        let d = det.detect(&haze, None);
        assert_eq!(d.verdict, Verdict::Smoke, "{d:?}");
        assert!(d.boxes.iter().all(|b| b.kind == Verdict::Smoke));
        // Same grey but a sharp checkerboard (gravel, carpet): too many edges for smoke.
        let busy = RgbImage::from_fn(300, 200, |x, y| {
            if (x / 2 + y / 2) % 2 == 0 {
                Rgb([150, 150, 150])
            } else {
                Rgb([110, 110, 110])
            }
        });
        let d = det.detect(&busy, None);
        assert_eq!(d.verdict, Verdict::None, "{d:?}");
    }

    #[test]
    fn motion_raises_and_stillness_lowers_the_fire_score() {
        let det = ClassicalDetector::default();
        let a = scene(320, 240, Some((160, 120, 20)), 0);
        let b = scene(320, 240, Some((163, 118, 21)), 7);
        let single = det.detect(&a, None).fire_score;
        let still = det.detect(&a, Some(&a)).fire_score;
        let moving = det.detect(&a, Some(&b)).fire_score;
        assert!(still < single, "still {still} single {single}");
        assert!(moving > still, "moving {moving} still {still}");
        assert!(moving >= single, "moving {moving} single {single}");
    }

    #[test]
    fn global_change_disables_the_temporal_cue() {
        let det = ClassicalDetector::default();
        let a = scene(320, 240, Some((160, 120, 20)), 0);
        // Everything brighter: exposure change, not flicker.
        let mut b = a.clone();
        for p in b.pixels_mut() {
            for ch in &mut p.0 {
                *ch = ch.saturating_sub(60);
            }
        }
        let single = det.detect(&a, None).fire_score;
        let exposed = det.detect(&a, Some(&b)).fire_score;
        assert!((single - exposed).abs() < 1e-6, "{single} vs {exposed}");
        // A previous frame of another size is ignored as well.
        let other = scene(100, 100, None, 0);
        assert!((det.detect(&a, Some(&other)).fire_score - single).abs() < 1e-6);
    }

    #[test]
    fn merge_joins_near_boxes_only() {
        let r = |x0, y0, x1, y1| Rect { x0, y0, x1, y1 };
        let merged = merge_boxes(
            vec![
                (r(0, 0, 10, 10), 0.4),
                (r(12, 0, 20, 8), 0.9),
                (r(100, 100, 110, 110), 0.3),
                (r(21, 5, 25, 9), 0.5),
            ],
            2,
        );
        assert_eq!(merged.len(), 2);
        assert!(merged.contains(&(r(0, 0, 25, 10), 0.9)));
        assert!(merged.contains(&(r(100, 100, 110, 110), 0.3)));
    }

    #[test]
    fn slivers_are_analysed_unscaled() {
        let det = ClassicalDetector::default();
        let sliver = RgbImage::from_fn(3000, 2, |x, _| {
            if (1000..1600).contains(&x) {
                Rgb([255, 160, 40])
            } else {
                Rgb([20, 40, 20])
            }
        });
        let d = det.detect(&sliver, None);
        assert_eq!(d.verdict, Verdict::Fire, "{d:?}");
        assert_eq!((d.boxes[0].x, d.boxes[0].w), (1000, 600), "{d:?}");
    }

    #[test]
    fn empty_frame_is_none() {
        let d = ClassicalDetector::default().detect(&RgbImage::new(0, 0), None);
        assert_eq!(d.verdict, Verdict::None);
    }
}
