//! One window of rows: both scenes' indices, masks, thresholds, clean-up, and the runs of
//! changed pixels with their sums.

use gdal::Dataset;

use super::CloudTest;
use crate::change::bands::Band;
use crate::change::kernel::{CloudBands, mark_clouds, normalized_difference};
use crate::change::morph;
use crate::change::runs::{Run, push_runs};
use crate::change::scene::Scene;
use crate::change::{ChangeError, Index};

/// Rows a 3×3 opening then closing reaches: four elementary passes.
const HALO: usize = 4;

/// Sums over a run's pixels for one index.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IndexSums {
    pub before: f64,
    pub after: f64,
    pub change: f64,
    pub max_change: f32,
}

/// Sums over a run's pixels, one entry per index in [`Index::ALL`] order.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RunStats {
    pub sums: [IndexSums; 3],
}

pub(super) struct IndexPlan {
    pub index: Index,
    /// The two bands of the index in the before scene and in the after scene.
    pub before: (usize, usize),
    pub after: (usize, usize),
    /// The drop that makes a pixel changed; `None`: reported only.
    pub threshold: Option<f32>,
}

#[derive(Clone, Copy)]
pub(super) struct CloudPlan {
    blue: usize,
    red: usize,
    green: Option<usize>,
    reflectance: f32,
    hot_offset: f32,
    max_whiteness: f32,
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "the cloud test runs in f32"
)]
pub(super) fn cloud_plan(scene: &Scene, test: Option<&CloudTest>) -> Option<CloudPlan> {
    let test = test?;
    let blue = scene.band_number(Band::Blue)?;
    let red = scene.band_number(Band::Red)?;
    let data_type = scene.types.get(blue - 1).copied()?;
    let reflectance = match test.reflectance_scale {
        Some(s) => s as f32,
        None => scene.calibration(blue).reflectance_per_value(data_type)?,
    };
    Some(CloudPlan {
        blue,
        red,
        green: scene.band_number(Band::Green),
        reflectance,
        hot_offset: test.hot_offset as f32,
        max_whiteness: test.max_whiteness as f32,
    })
}

/// What every window does.
pub(super) struct Plan<'a> {
    pub before: &'a Scene,
    pub after: &'a Scene,
    pub indices: Vec<IndexPlan>,
    pub cloud_before: Option<CloudPlan>,
    pub cloud_after: Option<CloudPlan>,
    pub clean: bool,
}

/// What a window found.
pub(super) struct WindowOut {
    pub runs: Vec<Run>,
    pub stats: Vec<RunStats>,
    /// Pixels valid in both scenes.
    pub valid: u64,
}

/// One scene's values over a strip of rows.
struct SceneStrip {
    /// Index values per entry of `Plan::indices`, NaN where nodata.
    values: Vec<Vec<f32>>,
    /// 1 where cloudy.
    cloud: Vec<u8>,
}

impl Plan<'_> {
    /// Rows `y0..y1`: the runs of changed pixels and their sums, and the count of valid pixels.
    pub fn window(
        &self,
        before: &Dataset,
        after: &Dataset,
        y0: usize,
        y1: usize,
    ) -> Result<WindowOut, ChangeError> {
        let width = self.before.width;
        let height = self.before.height;
        let halo = if self.clean { HALO } else { 0 };
        let r0 = y0.saturating_sub(halo);
        let r1 = (y1 + halo).min(height);
        let rows = r1 - r0;
        let b = self.strip(self.before, before, true, r0, rows)?;
        let a = self.strip(self.after, after, false, r0, rows)?;

        let len = width * rows;
        let mut valid: Vec<u8> = b
            .cloud
            .iter()
            .zip(&a.cloud)
            .map(|(p, q)| u8::from(p | q == 0))
            .collect();
        let mut change = vec![0u8; len];
        for (k, plan) in self.indices.iter().enumerate() {
            let (vb, va) = (&b.values[k], &a.values[k]);
            for ((v, x), y) in valid.iter_mut().zip(vb).zip(va) {
                *v &= u8::from(!x.is_nan() && !y.is_nan());
            }
            if let Some(t) = plan.threshold {
                for ((c, x), y) in change.iter_mut().zip(vb).zip(va) {
                    *c |= u8::from(x - y >= t);
                }
            }
        }
        for (c, v) in change.iter_mut().zip(&valid) {
            *c &= v;
        }
        if self.clean {
            morph::open(&mut change, width, rows);
            morph::close(&mut change, width, rows);
            for (c, v) in change.iter_mut().zip(&valid) {
                *c &= v;
            }
        }

        let mut out = WindowOut {
            runs: Vec::new(),
            stats: Vec::new(),
            valid: 0,
        };
        for y in y0..y1 {
            let offset = (y - r0) * width;
            out.valid += valid[offset..offset + width]
                .iter()
                .map(|&v| u64::from(v))
                .sum::<u64>();
            let first = out.runs.len();
            push_runs(
                &change[offset..offset + width],
                u32::try_from(y).unwrap_or(u32::MAX),
                &mut out.runs,
            );
            for run in &out.runs[first..] {
                let mut stats = RunStats::default();
                for (k, plan) in self.indices.iter().enumerate() {
                    let slot = Index::ALL
                        .iter()
                        .position(|i| *i == plan.index)
                        .unwrap_or(0);
                    let sums = &mut stats.sums[slot];
                    sums.max_change = f32::NEG_INFINITY;
                    let from = offset + run.x0 as usize;
                    let to = offset + run.x1 as usize;
                    for (x, y) in b.values[k][from..to].iter().zip(&a.values[k][from..to]) {
                        sums.before += f64::from(*x);
                        sums.after += f64::from(*y);
                        sums.change += f64::from(*x) - f64::from(*y);
                        sums.max_change = sums.max_change.max(x - y);
                    }
                }
                out.stats.push(stats);
            }
        }
        Ok(out)
    }

    /// Index values and cloud flags of `scene` over rows `r0..r0 + rows`.
    fn strip(
        &self,
        scene: &Scene,
        dataset: &Dataset,
        is_before: bool,
        r0: usize,
        rows: usize,
    ) -> Result<SceneStrip, ChangeError> {
        let len = scene.width * rows;
        let mut read: Vec<(usize, Vec<f32>)> = Vec::new();
        let band = |n: usize, read: &mut Vec<(usize, Vec<f32>)>| -> Result<usize, ChangeError> {
            if let Some(i) = read.iter().position(|(m, _)| *m == n) {
                return Ok(i);
            }
            let mut values = vec![0.0f32; len];
            scene.read_rows(dataset, n, r0, rows, &mut values)?;
            read.push((n, values));
            Ok(read.len() - 1)
        };
        let mut values = Vec::with_capacity(self.indices.len());
        for plan in &self.indices {
            let (na, nb) = if is_before { plan.before } else { plan.after };
            let (ia, ib) = (band(na, &mut read)?, band(nb, &mut read)?);
            let mut out = vec![0.0f32; len];
            normalized_difference(
                &read[ia].1,
                scene.calibration(na),
                &read[ib].1,
                scene.calibration(nb),
                &mut out,
            );
            values.push(out);
        }
        let mut cloud = vec![0u8; len];
        let cloud_plan = if is_before {
            self.cloud_before
        } else {
            self.cloud_after
        };
        if let Some(c) = cloud_plan {
            let ib = band(c.blue, &mut read)?;
            let ir = band(c.red, &mut read)?;
            let ig = c.green.map(|g| band(g, &mut read)).transpose()?;
            let bands = CloudBands {
                blue: &read[ib].1,
                blue_cal: scene.calibration(c.blue),
                red: &read[ir].1,
                red_cal: scene.calibration(c.red),
                green: ig
                    .zip(c.green)
                    .map(|(i, g)| (&read[i].1[..], scene.calibration(g))),
                reflectance: c.reflectance,
            };
            mark_clouds(&bands, c.hot_offset, c.max_whiteness, &mut cloud);
        }
        Ok(SceneStrip { values, cloud })
    }
}
