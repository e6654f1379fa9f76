//! Connected regions of a pixel mask (8-connectivity) and their statistics.

/// Pixel rectangle, inclusive minimum, exclusive maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

impl Rect {
    #[cfg(test)]
    pub fn width(&self) -> u32 {
        self.x1 - self.x0
    }

    #[cfg(test)]
    pub fn height(&self) -> u32 {
        self.y1 - self.y0
    }

    /// Whether the two rectangles overlap or lie within `gap` pixels of each other.
    pub fn near(&self, other: &Rect, gap: u32) -> bool {
        self.x0 <= other.x1 + gap
            && other.x0 <= self.x1 + gap
            && self.y0 <= other.y1 + gap
            && other.y0 <= self.y1 + gap
    }

    pub fn union(&self, other: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }
}

/// What the detector needs to know about one connected region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Region {
    /// Pixels in the region.
    pub pixels: usize,
    /// Bounding rectangle.
    pub rect: Rect,
    /// Pixels flagged by the `strong` mask (flames: red channel clipped).
    pub strong: usize,
    /// Pixels flagged by the `changed` mask (frame-to-frame change).
    pub changed: usize,
}

/// The connected regions (8-connectivity) of `mask` (`width × height`, row-major) with at
/// least `min_pixels` pixels. `strong` and `changed`, when given, are counted per region.
pub(crate) fn regions(
    mask: &[bool],
    width: usize,
    height: usize,
    min_pixels: usize,
    strong: Option<&[bool]>,
    changed: Option<&[bool]>,
) -> Vec<Region> {
    debug_assert_eq!(mask.len(), width * height);
    let mut seen = vec![false; mask.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (sx, sy) = (start % width, start / width);
        let (mut x0, mut y0, mut x1, mut y1) = (sx, sy, sx, sy);
        let (mut pixels, mut strong_n, mut changed_n) = (0usize, 0usize, 0usize);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            pixels += 1;
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
            if strong.is_some_and(|s| s[i]) {
                strong_n += 1;
            }
            if changed.is_some_and(|c| c[i]) {
                changed_n += 1;
            }
            for ny in y.saturating_sub(1)..=(y + 1).min(height - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(width - 1) {
                    let j = ny * width + nx;
                    if mask[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        if pixels >= min_pixels {
            out.push(Region {
                pixels,
                rect: Rect {
                    x0: to_u32(x0),
                    y0: to_u32(y0),
                    x1: to_u32(x1 + 1),
                    y1: to_u32(y1 + 1),
                },
                strong: strong_n,
                changed: changed_n,
            });
        }
    }
    out
}

fn to_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(rows: &[&str]) -> (Vec<bool>, usize, usize) {
        let w = rows[0].len();
        let m = rows
            .iter()
            .flat_map(|r| r.bytes().map(|b| b == b'#'))
            .collect();
        (m, w, rows.len())
    }

    #[test]
    fn eight_connected_regions_with_sizes_and_boxes() {
        let (m, w, h) = mask(&[
            "##......", //
            "#.#.....", // diagonal neighbour joins the first region
            "......##", //
            "......##", //
            "#.......", // single pixel
        ]);
        let regs = regions(&m, w, h, 1, None, None);
        assert_eq!(regs.len(), 3);
        assert_eq!(regs[0].pixels, 4);
        assert_eq!(
            regs[0].rect,
            Rect {
                x0: 0,
                y0: 0,
                x1: 3,
                y1: 2
            }
        );
        assert_eq!(regs[1].pixels, 4);
        assert_eq!((regs[1].rect.width(), regs[1].rect.height()), (2, 2));
        assert_eq!(regs[2].pixels, 1);
        // Tiny regions are dropped.
        assert_eq!(regions(&m, w, h, 2, None, None).len(), 2);
    }

    #[test]
    fn strong_and_changed_pixels_are_counted_per_region() {
        let (m, w, h) = mask(&["##..##"]);
        let strong = [true, false, false, false, true, true];
        let changed = [false, false, true, true, true, false];
        let regs = regions(&m, w, h, 1, Some(&strong), Some(&changed));
        assert_eq!(regs.len(), 2);
        assert_eq!((regs[0].strong, regs[0].changed), (1, 0));
        assert_eq!((regs[1].strong, regs[1].changed), (2, 1));
    }

    #[test]
    fn rectangles_near_and_union() {
        let a = Rect {
            x0: 0,
            y0: 0,
            x1: 10,
            y1: 10,
        };
        let b = Rect {
            x0: 14,
            y0: 0,
            x1: 20,
            y1: 5,
        };
        assert!(!a.near(&b, 3));
        assert!(a.near(&b, 4));
        assert_eq!(
            a.union(&b),
            Rect {
                x0: 0,
                y0: 0,
                x1: 20,
                y1: 10
            }
        );
    }
}
