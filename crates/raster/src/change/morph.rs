//! Binary morphology with a 3×3 square on masks of 0/1 bytes, row-major.
//!
//! The square is separable: a pass along rows then a pass along columns, each a branch-free
//! AND (erosion) or OR (dilation) of three neighbours, which the compiler vectorises.
//!
//! Outside the image: erosion treats pixels beyond the edge as `border`, dilation as 0. The
//! opening erodes with 0, so it is the union of the 3×3 squares inside the mask; the closing
//! works on a margin (see [`close`]).
//!
//! The change mask is cleaned with [`open`] then [`close`]: the opening removes specks and
//! strands under 3 pixels wide, the closing fills gaps and notches under 3 pixels wide.

/// 3×3 erosion of `src` into `out`, pixels beyond the image taken as `border` (0 or 1).
pub fn erode(src: &[u8], width: usize, height: usize, border: u8, out: &mut [u8]) {
    let mut rows = vec![0u8; width * height];
    pass_rows(src, width, height, border, &mut rows, |a, b, c| a & b & c);
    pass_columns(&rows, width, height, border, out, |a, b, c| a & b & c);
}

/// 3×3 dilation of `src` into `out`.
pub fn dilate(src: &[u8], width: usize, height: usize, out: &mut [u8]) {
    let mut rows = vec![0u8; width * height];
    pass_rows(src, width, height, 0, &mut rows, |a, b, c| a | b | c);
    pass_columns(&rows, width, height, 0, out, |a, b, c| a | b | c);
}

/// 3×3 opening (erosion, then dilation) of `mask`, in place.
pub fn open(mask: &mut [u8], width: usize, height: usize) {
    let mut tmp = vec![0u8; mask.len()];
    erode(mask, width, height, 0, &mut tmp);
    dilate(&tmp, width, height, mask);
}

/// 3×3 closing (dilation, then erosion) of `mask`, in place.
///
/// Computed on the mask with a 1-pixel empty margin, as on an unbounded plane where nothing
/// lies beyond the image: the closing then keeps every pixel of the mask (also at the edge)
/// and does not fill notches that open onto the edge.
pub fn close(mask: &mut [u8], width: usize, height: usize) {
    let (pw, ph) = (width + 2, height + 2);
    let mut padded = vec![0u8; pw * ph];
    for (y, row) in mask.chunks_exact(width.max(1)).take(height).enumerate() {
        padded[(y + 1) * pw + 1..(y + 1) * pw + 1 + width].copy_from_slice(row);
    }
    let mut grown = vec![0u8; pw * ph];
    dilate(&padded, pw, ph, &mut grown);
    erode(&grown, pw, ph, 0, &mut padded);
    for (y, row) in mask.chunks_exact_mut(width.max(1)).take(height).enumerate() {
        row.copy_from_slice(&padded[(y + 1) * pw + 1..(y + 1) * pw + 1 + width]);
    }
}

fn pass_rows(
    src: &[u8],
    width: usize,
    height: usize,
    border: u8,
    out: &mut [u8],
    f: impl Fn(u8, u8, u8) -> u8,
) {
    if width == 0 {
        return;
    }
    for (s, o) in src
        .chunks_exact(width)
        .zip(out.chunks_exact_mut(width))
        .take(height)
    {
        if width == 1 {
            o[0] = f(border, s[0], border);
            continue;
        }
        o[0] = f(border, s[0], s[1]);
        for ((o, w), (c, e)) in o[1..width - 1]
            .iter_mut()
            .zip(&s[..width - 2])
            .zip(s[1..width - 1].iter().zip(&s[2..]))
        {
            *o = f(*w, *c, *e);
        }
        o[width - 1] = f(s[width - 2], s[width - 1], border);
    }
}

fn pass_columns(
    src: &[u8],
    width: usize,
    height: usize,
    border: u8,
    out: &mut [u8],
    f: impl Fn(u8, u8, u8) -> u8,
) {
    if width == 0 {
        return;
    }
    let edge = vec![border; width];
    for y in 0..height {
        let above = if y == 0 {
            &edge[..]
        } else {
            &src[(y - 1) * width..y * width]
        };
        let here = &src[y * width..(y + 1) * width];
        let below = if y + 1 == height {
            &edge[..]
        } else {
            &src[(y + 1) * width..(y + 2) * width]
        };
        let o = &mut out[y * width..(y + 1) * width];
        for (((o, a), h), b) in o.iter_mut().zip(above).zip(here).zip(below) {
            *o = f(*a, *h, *b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&str]) -> (Vec<u8>, usize, usize) {
        let width = rows[0].len();
        let mask = rows
            .iter()
            .flat_map(|r| r.bytes().map(|b| u8::from(b == b'#')))
            .collect();
        (mask, width, rows.len())
    }

    fn show(mask: &[u8], width: usize) -> Vec<String> {
        mask.chunks(width)
            .map(|r| r.iter().map(|&v| if v == 1 { '#' } else { '.' }).collect())
            .collect()
    }

    #[test]
    fn opening_removes_specks_and_keeps_squares_at_the_edge() {
        let (mut mask, w, h) = grid(&["###.....", "###...#.", "###.....", "......##", "......##"]);
        open(&mut mask, w, h);
        assert_eq!(
            show(&mask, w),
            ["###.....", "###.....", "###.....", "........", "........"]
        );
    }

    #[test]
    fn closing_fills_pinholes_and_keeps_edge_pixels() {
        let (mut mask, w, h) = grid(&["#####", "##.##", "#####", "#...#"]);
        close(&mut mask, w, h);
        assert_eq!(show(&mask, w), ["#####", "#####", "#####", "#...#"]);
    }

    #[test]
    fn opening_then_closing_keeps_a_diagonal_edge() {
        // A triangle's staircase edge survives: every pixel lies in a 3×3 square inside it.
        let rows: Vec<String> = (0..12)
            .map(|y| {
                (0..12)
                    .map(|x| {
                        if (2..10).contains(&y) && (2..=y).contains(&x) {
                            '#'
                        } else {
                            '.'
                        }
                    })
                    .collect()
            })
            .collect();
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let (mut mask, w, h) = grid(&rows);
        let before = mask.clone();
        open(&mut mask, w, h);
        close(&mut mask, w, h);
        let lost = before.iter().zip(&mask).filter(|(a, b)| a != b).count();
        // Only the two 45° corners, under 3 pixels wide, lose three pixels each.
        assert_eq!(lost, 6, "{:?}", show(&mask, w));
    }
}
