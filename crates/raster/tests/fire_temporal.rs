//! Frame-to-frame change: flames flicker and smoke drifts, a lit wall or a grey ceiling does
//! not. The labelled photos are stills, so motion is simulated by perturbing the detected
//! regions of a copy (content shifted upwards, brightness modulated in patches).

use std::path::Path;

use image::RgbImage;
use linzhang_raster::fire::{ClassicalDetector, DetectionBox, Detector, Verdict, load_frame};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/fire");

fn photo(name: &str) -> RgbImage {
    load_frame(&Path::new(DATA).join(name)).expect("labelled photo decodes")
}

/// A copy of `frame` in which the left `percent` of each box moves: content shifted up by
/// `shift` pixels and brightness changed by ±`amp` in 6-pixel patches.
fn perturbed(
    frame: &RgbImage,
    boxes: &[DetectionBox],
    percent: u32,
    shift: u32,
    amp: u8,
) -> RgbImage {
    let mut out = frame.clone();
    for b in boxes {
        let x_end = b.x + b.w * percent.min(100) / 100;
        for y in b.y..b.y + b.h {
            let src_y = (y + shift).min(frame.height() - 1);
            for x in b.x..x_end {
                let mut p = *frame.get_pixel(x, src_y);
                let brighter = (x / 6 + y / 6) % 2 == 0;
                for c in &mut p.0 {
                    *c = if brighter {
                        c.saturating_add(amp)
                    } else {
                        c.saturating_sub(amp)
                    };
                }
                out.put_pixel(x, y, p);
            }
        }
    }
    out
}

#[test]
fn fire_flicker_scores_above_the_same_still_frame_twice() {
    let detector = ClassicalDetector::default();
    // A photo whose single-image fire score is not saturated (0.69), so both directions show.
    let frame = photo("fire/27F1075800000578-0-image-a-1_1429880815919.jpg");
    let single = detector.detect(&frame, None);
    assert_eq!(single.verdict, Verdict::Fire);
    let fire_boxes: Vec<DetectionBox> = single
        .boxes
        .iter()
        .copied()
        .filter(|b| b.kind == Verdict::Fire)
        .collect();
    let still = detector.detect(&frame, Some(&frame));
    let flicker_prev = perturbed(&frame, &fire_boxes, 100, 3, 25);
    let flicker = detector.detect(&frame, Some(&flicker_prev));
    eprintln!(
        "fire score: single {:.3}, still pair {:.3}, flickering pair {:.3}",
        single.fire_score, still.fire_score, flicker.fire_score
    );
    assert!(still.fire_score < single.fire_score);
    assert!(flicker.fire_score > still.fire_score);
    assert!(flicker.fire_score > single.fire_score, "motion boosts");
    // The still pair drops below the alarm threshold; the flickering one stays fire.
    assert_eq!(still.verdict, Verdict::None, "{still:?}");
    assert_eq!(flicker.verdict, Verdict::Fire, "{flicker:?}");
    assert!(
        flicker
            .boxes
            .iter()
            .any(|b| b.kind == Verdict::Fire && b.score > 0.5)
    );
}

#[test]
fn fire_smoke_drift_scores_above_the_same_still_frame_twice() {
    let detector = ClassicalDetector::default();
    let frame = photo("smoke_1.jpg");
    let single = detector.detect(&frame, None);
    assert_eq!(single.verdict, Verdict::Smoke);
    let still = detector.detect(&frame, Some(&frame));
    let drift_prev = perturbed(&frame, &single.boxes, 60, 4, 20);
    let drift = detector.detect(&frame, Some(&drift_prev));
    eprintln!(
        "smoke score: single {:.3}, still pair {:.3}, drifting pair {:.3}",
        single.smoke_score, still.smoke_score, drift.smoke_score
    );
    assert!(still.smoke_score < single.smoke_score);
    assert!(drift.smoke_score > still.smoke_score);
    assert_eq!(still.verdict, Verdict::None, "{still:?}");
    assert_eq!(drift.verdict, Verdict::Smoke, "{drift:?}");
}

#[test]
fn fire_static_look_alikes_are_damped_by_a_still_previous_frame() {
    let detector = ClassicalDetector::default();
    // The one no-fire photo that alarms on its own: an office ceiling called smoke.
    let ceiling = photo("no_fire/080417_4706.jpg");
    assert_eq!(detector.detect(&ceiling, None).verdict, Verdict::Smoke);
    let twice = detector.detect(&ceiling, Some(&ceiling));
    assert_eq!(twice.verdict, Verdict::None, "{twice:?}");
    // The strongest fire look-alike: street lights along a shore at night.
    let lights = photo("no_fire/040210_Aurora_011.jpg");
    let alone = detector.detect(&lights, None);
    let twice = detector.detect(&lights, Some(&lights));
    assert!(twice.fire_score < alone.fire_score);
    assert_eq!(twice.verdict, Verdict::None);
}

#[test]
fn fire_camera_movement_does_not_count_as_flicker() {
    let detector = ClassicalDetector::default();
    let frame = photo("fire/27F1075800000578-0-image-a-1_1429880815919.jpg");
    let single = detector.detect(&frame, None);
    // The whole frame changed (the camera panned): the temporal cue is ignored, the score is
    // the single-image one.
    let everything = DetectionBox {
        x: 0,
        y: 0,
        w: frame.width(),
        h: frame.height(),
        kind: Verdict::Fire,
        score: 1.0,
    };
    let panned = perturbed(&frame, &[everything], 100, 0, 40);
    let d = detector.detect(&frame, Some(&panned));
    assert!((d.fire_score - single.fire_score).abs() < 1e-6, "{d:?}");
}
