//! Horizontal runs of set pixels, and their connected components.
//!
//! A change mask is kept as runs (row, first column, end column), not as an image: memory grows
//! with the changed area, not with the scene.

use super::polygonize::Connectivity;

/// Pixels `x0..x1` of row `y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub y: u32,
    pub x0: u32,
    pub x1: u32,
}

/// Appends the runs of set (non-zero) pixels of `row`, row number `y`, to `out`.
pub(crate) fn push_runs(row: &[u8], y: u32, out: &mut Vec<Run>) {
    let mut x = 0;
    while x < row.len() {
        if row[x] == 0 {
            x += 1;
            continue;
        }
        let start = x;
        while x < row.len() && row[x] != 0 {
            x += 1;
        }
        out.push(Run {
            y,
            x0: to_u32(start),
            x1: to_u32(x),
        });
    }
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "raster widths are far below 2^32 (GDAL sizes are C ints)"
)]
fn to_u32(v: usize) -> u32 {
    v as u32
}

/// The connected components of `runs` (sorted by row, then column): for each, the indices of
/// its runs in order. Components come in the order of their first pixel (row-major).
pub(crate) fn components(runs: &[Run], connectivity: Connectivity) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..runs.len()).collect();
    // 4-connected runs overlap in a column; 8-connected ones may also touch at a corner.
    let reach = u32::from(connectivity == Connectivity::Eight);
    let mut prev = 0..0;
    let mut i = 0;
    while i < runs.len() {
        let y = runs[i].y;
        let start = i;
        while i < runs.len() && runs[i].y == y {
            i += 1;
        }
        if prev.end > prev.start && runs[prev.start].y + 1 == y {
            let mut j = prev.start;
            for c in start..i {
                let run = runs[c];
                while j < prev.end && runs[j].x1 + reach <= run.x0 {
                    j += 1;
                }
                let mut k = j;
                while k < prev.end && runs[k].x0 < run.x1 + reach {
                    union(&mut parent, k, c);
                    k += 1;
                }
            }
        }
        prev = start..i;
    }
    let mut slot_of_root = vec![usize::MAX; runs.len()];
    let mut out: Vec<Vec<usize>> = Vec::new();
    for r in 0..runs.len() {
        let root = find(&mut parent, r);
        if slot_of_root[root] == usize::MAX {
            slot_of_root[root] = out.len();
            out.push(Vec::new());
        }
        out[slot_of_root[root]].push(r);
    }
    out
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index stays root, so a component's root is its first run.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs_of(rows: &[&str]) -> Vec<Run> {
        let mut out = Vec::new();
        for (y, row) in rows.iter().enumerate() {
            let bytes: Vec<u8> = row.bytes().map(|b| u8::from(b == b'#')).collect();
            push_runs(&bytes, u32::try_from(y).expect("small"), &mut out);
        }
        out
    }

    #[test]
    fn runs_and_components() {
        let runs = runs_of(&["##..#", "..#.#", "....."]);
        assert_eq!(
            runs,
            [
                Run { y: 0, x0: 0, x1: 2 },
                Run { y: 0, x0: 4, x1: 5 },
                Run { y: 1, x0: 2, x1: 3 },
                Run { y: 1, x0: 4, x1: 5 },
            ]
        );
        // 4-connectivity: the diagonal step from (1,0) to (2,1) does not join.
        assert_eq!(
            components(&runs, Connectivity::Four),
            vec![vec![0], vec![1, 3], vec![2]]
        );
        // 8-connectivity: it does; (2,1) and (4,0) stay apart, two columns away.
        assert_eq!(
            components(&runs, Connectivity::Eight),
            vec![vec![0, 2], vec![1, 3]]
        );
    }

    #[test]
    fn a_u_shape_is_one_component() {
        let runs = runs_of(&["#...#", "#...#", "#####"]);
        assert_eq!(components(&runs, Connectivity::Four).len(), 1);
    }
}
