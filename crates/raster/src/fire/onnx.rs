//! A smoke and fire classifier in ONNX, run with `tract` (pure Rust, no runtime to install).
//!
//! The model contract, so that any trained classifier can be dropped in:
//! - one input, `1 × 3 × H × W` float32, RGB planes (NCHW) scaled to 0–1; `H` and `W` are read
//!   from the model, or 224 when the model leaves them open;
//! - one output of 3 values per frame: scores of *none*, *fire* and *smoke*, in this order.
//!   Probabilities are used as they are; anything else (logits) goes through a softmax.
//!
//! A classifier says what the frame shows, not where: an alarm's evidence box is the whole
//! frame. The verdict follows the same rule as the classical detector: fire when the fire
//! score reaches the alarm threshold, else smoke when the smoke score does, else none.

use std::path::Path;
use std::sync::Arc;

use image::RgbImage;
use image::imageops::FilterType;
use tract_onnx::prelude::*;

use super::{Detection, DetectionBox, Detector, Verdict};

/// Input side used when the model leaves it open.
pub const DEFAULT_SIDE: usize = 224;

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
#[error("ONNX model {path}: {message}")]
pub struct OnnxError {
    pub path: String,
    pub message: String,
}

/// A loaded, optimised ONNX classifier.
#[derive(Debug, Clone)]
pub struct OnnxDetector {
    plan: Arc<TypedRunnableModel>,
    width: usize,
    height: usize,
    alarm_threshold: f32,
    name: String,
}

impl OnnxDetector {
    /// Loads the model at `path`, checks it follows the contract above and optimises it.
    pub fn load(path: &Path) -> Result<Self, OnnxError> {
        let fail = |message: String| OnnxError {
            path: path.display().to_string(),
            message,
        };
        let mut model = tract_onnx::onnx()
            .model_for_path(path)
            .map_err(|e| fail(format!("cannot read: {e}")))?;
        if model.inputs.len() != 1 || model.outputs.len() != 1 {
            return Err(fail(format!(
                "expected one input and one output, found {} and {}",
                model.inputs.len(),
                model.outputs.len()
            )));
        }
        let given = model
            .input_fact(0)
            .ok()
            .and_then(|f| f.shape.as_concrete_finite().ok().flatten());
        let (height, width) = match given.as_deref() {
            Some([1, 3, h, w]) => (*h, *w),
            Some(other) => {
                return Err(fail(format!(
                    "the input must be 1 × 3 × H × W (RGB), found {other:?}"
                )));
            }
            None => (DEFAULT_SIDE, DEFAULT_SIDE),
        };
        model = model
            .with_input_fact(0, f32::fact([1, 3, height, width]).into())
            .map_err(|e| fail(e.to_string()))?;
        let plan = model
            .into_optimized()
            .and_then(tract_onnx::prelude::IntoRunnable::into_runnable)
            .map_err(|e| fail(format!("cannot prepare: {e}")))?;
        let name = path.file_stem().map_or_else(
            || "onnx".to_owned(),
            |s| format!("onnx:{}", s.to_string_lossy()),
        );
        let detector = Self {
            plan,
            width,
            height,
            alarm_threshold: super::ClassicalConfig::default().alarm_threshold,
            name,
        };
        // One dry run: a model whose output is not three scores fails now, not on the first alarm.
        detector
            .scores(&RgbImage::new(8, 8))
            .map_err(|e| fail(e.clone()))?;
        Ok(detector)
    }

    /// The side lengths the model reads (width, height).
    pub fn input_size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// The model's scores of (none, fire, smoke) for `frame`, as probabilities.
    pub fn scores(&self, frame: &RgbImage) -> Result<[f32; 3], String> {
        let (w, h) = (
            u32::try_from(self.width).map_err(|e| e.to_string())?,
            u32::try_from(self.height).map_err(|e| e.to_string())?,
        );
        let resized = image::imageops::resize(frame, w, h, FilterType::Triangle);
        let input: Tensor = tract_ndarray::Array4::from_shape_fn(
            (1, 3, self.height, self.width),
            |(_, c, y, x)| {
                let px =
                    resized.get_pixel(u32::try_from(x).unwrap_or(0), u32::try_from(y).unwrap_or(0));
                f32::from(px[c]) / 255.0
            },
        )
        .into();
        let out = self
            .plan
            .run(tvec!(input.into_tvalue()))
            .map_err(|e| format!("cannot run: {e}"))?;
        let values = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| format!("the output is not float32: {e}"))?;
        let v: Vec<f32> = values.iter().copied().collect();
        let [none, fire, smoke] = v[..] else {
            return Err(format!(
                "the output must be 3 scores (none, fire, smoke), found {}",
                v.len()
            ));
        };
        Ok(probabilities([none, fire, smoke]))
    }
}

/// Scores as probabilities: kept when they already are (each in 0–1, summing to 1), else a
/// softmax of them.
pub fn probabilities(s: [f32; 3]) -> [f32; 3] {
    let sum: f32 = s.iter().sum();
    if s.iter().all(|v| (0.0..=1.0).contains(v)) && (sum - 1.0).abs() < 1e-3 {
        return s;
    }
    let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = s.map(|v| (v - max).exp());
    let total: f32 = e.iter().sum();
    e.map(|v| v / total)
}

impl Detector for OnnxDetector {
    fn detect(&self, frame: &RgbImage, _previous: Option<&RgbImage>) -> Detection {
        let (width, height) = frame.dimensions();
        let [_, fire, smoke] = match self.scores(frame) {
            Ok(s) => s,
            Err(e) => {
                // Counted as nothing seen; the log says why.
                tracing::warn!(model = %self.name, error = %e, "a frame could not be scored");
                return Detection::none(width, height);
            }
        };
        let verdict = if fire >= self.alarm_threshold {
            Verdict::Fire
        } else if smoke >= self.alarm_threshold {
            Verdict::Smoke
        } else {
            Verdict::None
        };
        let score = match verdict {
            Verdict::Fire => fire,
            Verdict::Smoke => smoke,
            Verdict::None => fire.max(smoke),
        };
        let boxes = if verdict.is_alarm() {
            vec![DetectionBox {
                x: 0,
                y: 0,
                w: width,
                h: height,
                kind: verdict,
                score,
            }]
        } else {
            Vec::new()
        };
        Detection {
            verdict,
            score,
            fire_score: fire,
            smoke_score: smoke,
            boxes,
            width,
            height,
        }
    }

    fn name(&self) -> &str {
        &self.name
    }
}
