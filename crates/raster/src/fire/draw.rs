//! The evidence image an alarm carries: the frame with the detection boxes drawn.

use image::{Rgb, RgbImage};

use super::{Detection, DetectionBox, Verdict};

/// Outline colour of flame boxes.
pub const FIRE_COLOUR: Rgb<u8> = Rgb([255, 32, 32]);
/// Outline colour of smoke boxes.
pub const SMOKE_COLOUR: Rgb<u8> = Rgb([40, 150, 255]);

/// A copy of `frame` with the boxes of `d` outlined: red for fire, blue for smoke. The line
/// is about 1/200 of the shorter side thick (at least 2 pixels), drawn inside each box, and
/// a box's score sets how much of its top edge is drawn as a thicker bar (a quick visual
/// cue without a font). Boxes reaching outside the frame are clipped.
pub fn draw_boxes(frame: &RgbImage, d: &Detection) -> RgbImage {
    let mut out = frame.clone();
    let (w, h) = out.dimensions();
    if w == 0 || h == 0 {
        return out;
    }
    let t = (w.min(h) / 200).max(2);
    for b in &d.boxes {
        let colour = match b.kind {
            Verdict::Fire => FIRE_COLOUR,
            Verdict::Smoke | Verdict::None => SMOKE_COLOUR,
        };
        outline(&mut out, b, t, colour);
    }
    out
}

fn outline(img: &mut RgbImage, b: &DetectionBox, t: u32, colour: Rgb<u8>) {
    let (w, h) = img.dimensions();
    let x0 = b.x.min(w);
    let y0 = b.y.min(h);
    let x1 = b.x.saturating_add(b.w).min(w);
    let y1 = b.y.saturating_add(b.h).min(h);
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let tx = t.min(x1 - x0);
    let ty = t.min(y1 - y0);
    fill(img, x0, y0, x1, y0 + ty, colour); // top
    fill(img, x0, y1 - ty, x1, y1, colour); // bottom
    fill(img, x0, y0, x0 + tx, y1, colour); // left
    fill(img, x1 - tx, y0, x1, y1, colour); // right
    // Score bar: a second band under the top edge, as long as the score.
    let len = bar_length(x1 - x0, b.score);
    let bar_y1 = (y0 + 2 * ty).min(y1);
    fill(img, x0, y0 + ty, x0 + len, bar_y1, colour);
}

#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)] // a fraction (0–1) of a box width, which fits u32
fn bar_length(width: u32, score: f32) -> u32 {
    let s = if score.is_finite() {
        score.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((f64::from(width) * f64::from(s)).round() as u32).min(width)
}

fn fill(img: &mut RgbImage, x0: u32, y0: u32, x1: u32, y1: u32, colour: Rgb<u8>) {
    for y in y0..y1 {
        for x in x0..x1 {
            img.put_pixel(x, y, colour);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detection(boxes: Vec<DetectionBox>) -> Detection {
        Detection {
            verdict: Verdict::Fire,
            score: 0.9,
            fire_score: 0.9,
            smoke_score: 0.6,
            boxes,
            width: 100,
            height: 80,
        }
    }

    #[test]
    fn boxes_are_outlined_in_their_colours_and_clipped() {
        let frame = RgbImage::from_pixel(100, 80, Rgb([0, 0, 0]));
        let d = detection(vec![
            DetectionBox {
                x: 10,
                y: 10,
                w: 30,
                h: 20,
                kind: Verdict::Fire,
                score: 0.5,
            },
            DetectionBox {
                x: 80,
                y: 60,
                w: 50, // reaches past the right edge
                h: 50,
                kind: Verdict::Smoke,
                score: 1.0,
            },
        ]);
        let out = draw_boxes(&frame, &d);
        assert_eq!(out.dimensions(), frame.dimensions());
        assert_eq!(*out.get_pixel(10, 10), FIRE_COLOUR);
        assert_eq!(*out.get_pixel(39, 29), FIRE_COLOUR);
        assert_eq!(*out.get_pixel(25, 20), Rgb([0, 0, 0])); // inside stays
        assert_eq!(*out.get_pixel(9, 9), Rgb([0, 0, 0])); // outside stays
        // Score bar: half of the width under the top edge.
        assert_eq!(*out.get_pixel(20, 12), FIRE_COLOUR);
        assert_eq!(*out.get_pixel(30, 12), Rgb([0, 0, 0]));
        assert_eq!(*out.get_pixel(99, 79), SMOKE_COLOUR);
        assert_eq!(*out.get_pixel(80, 70), SMOKE_COLOUR);
        // Nothing to draw: an identical copy.
        assert_eq!(draw_boxes(&frame, &detection(Vec::new())), frame);
    }
}
