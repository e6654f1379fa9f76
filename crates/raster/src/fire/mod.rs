//! Smoke and fire detection in camera frames (D2).
//!
//! A [`Detector`] looks at one frame (and, for video, the frame before it) and returns a
//! [`Detection`]: a verdict (fire, smoke or none), a score in 0–1 and the boxes around what
//! it found. [`ClassicalDetector`] is the built-in one (colour rules, texture and
//! frame-to-frame change; no model file needed); [`OnnxDetector`] runs any classifier that
//! follows the contract in [`onnx`] through `tract`. The camera pipeline does not care which
//! one runs.
//!
//! Around the detector: [`detect_file`] for still images (the `smoke-fire` command),
//! [`draw_boxes`] for the evidence image an alarm carries, and [`Debouncer`], which turns a
//! stream of per-frame verdicts of many cameras into alarms (N of the last M frames
//! positive, then a cool-down).

mod classical;
mod debounce;
mod draw;
pub mod onnx;
mod regions;
pub mod rules;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use image::RgbImage;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use classical::{ClassicalConfig, ClassicalDetector};
pub use debounce::{Alarm, DebounceConfig, Debouncer, Observation};
pub use draw::{FIRE_COLOUR, SMOKE_COLOUR, draw_boxes};
pub use onnx::{OnnxDetector, OnnxError};

/// What a frame shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Flames.
    Fire,
    /// Smoke and no flames.
    Smoke,
    /// Neither.
    None,
}

impl Verdict {
    /// `"fire"`, `"smoke"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Fire => "fire",
            Verdict::Smoke => "smoke",
            Verdict::None => "none",
        }
    }

    /// Whether the verdict calls for an alarm (fire or smoke).
    pub fn is_alarm(self) -> bool {
        self != Verdict::None
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not `fire`, `smoke` or `none`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown verdict {0:?} (expected fire, smoke or none)")]
pub struct UnknownVerdict(pub String);

impl FromStr for Verdict {
    type Err = UnknownVerdict;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fire" => Ok(Verdict::Fire),
            "smoke" => Ok(Verdict::Smoke),
            "none" => Ok(Verdict::None),
            other => Err(UnknownVerdict(other.to_owned())),
        }
    }
}

/// One box around a detected flame or smoke area, in pixels of the frame given to the
/// detector (`x`, `y` top-left).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DetectionBox {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    /// [`Verdict::Fire`] or [`Verdict::Smoke`].
    pub kind: Verdict,
    /// Confidence of this box, 0–1.
    pub score: f32,
}

/// The outcome of looking at one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Fire when the fire score reaches the alarm threshold, else smoke when the smoke score
    /// does, else none.
    pub verdict: Verdict,
    /// The score behind the verdict, 0–1: the fire score for fire, the smoke score for smoke,
    /// and for none the larger of the two (how close the frame came to an alarm).
    pub score: f32,
    /// Confidence that the frame shows flames, 0–1.
    pub fire_score: f32,
    /// Confidence that the frame shows smoke, 0–1.
    pub smoke_score: f32,
    /// Boxes of the kinds that reached the alarm threshold (a fire frame may carry smoke
    /// boxes too); empty for none.
    pub boxes: Vec<DetectionBox>,
    /// Width of the frame the boxes refer to.
    pub width: u32,
    /// Height of the frame the boxes refer to.
    pub height: u32,
}

impl Detection {
    /// Nothing found in a `width × height` frame.
    pub fn none(width: u32, height: u32) -> Self {
        Self {
            verdict: Verdict::None,
            score: 0.0,
            fire_score: 0.0,
            smoke_score: 0.0,
            boxes: Vec::new(),
            width,
            height,
        }
    }
}

/// A smoke and fire detector. Implementations must be cheap to share between camera
/// workers (`Send + Sync`, `&self`).
pub trait Detector: Send + Sync + fmt::Debug {
    /// Looks at `frame`; `previous` is the camera's preceding frame, when there is one, so
    /// the detector can use motion (flames flicker and smoke drifts; a red wall does not).
    /// Box coordinates are in `frame`'s pixels.
    fn detect(&self, frame: &RgbImage, previous: Option<&RgbImage>) -> Detection;

    /// Short name for logs and alarm records, e.g. `"classical"`.
    fn name(&self) -> &str;
}

/// Why an image file could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum FireError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot decode {path}: {source}")]
    Decode {
        path: PathBuf,
        source: image::ImageError,
    },
    #[error("{path} is an empty image")]
    Empty { path: PathBuf },
}

/// Decodes a JPEG or PNG file (the format is read from the content, not the name) into RGB.
pub fn load_frame(path: &Path) -> Result<RgbImage, FireError> {
    let io = |source| FireError::Io {
        path: path.to_owned(),
        source,
    };
    let frame = image::ImageReader::open(path)
        .map_err(io)?
        .with_guessed_format()
        .map_err(io)?
        .decode()
        .map_err(|source| FireError::Decode {
            path: path.to_owned(),
            source,
        })?
        .into_rgb8();
    if frame.width() == 0 || frame.height() == 0 {
        return Err(FireError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(frame)
}

/// Decodes a still image and runs `detector` on it (no previous frame: colour and texture
/// alone decide). Box coordinates are in the file's pixels. Large frames cost little
/// beyond decoding: the classical detector works on a copy downscaled to at most
/// [`ClassicalConfig::analysis_max_side`] pixels.
pub fn detect_file(path: &Path, detector: &dyn Detector) -> Result<Detection, FireError> {
    let frame = load_frame(path)?;
    Ok(detector.detect(&frame, None))
}

/// The integer factor `k` by which a `width × height` frame must shrink so that neither side
/// exceeds `max_side` (1 when it already fits).
pub fn downscale_factor(width: u32, height: u32, max_side: u32) -> u32 {
    width.max(height).div_ceil(max_side.max(1)).max(1)
}

/// Shrinks `frame` by the integer factor `k` by averaging `k × k` blocks (a box filter:
/// cheap, and it averages sensor noise away). The last `width % k` columns and
/// `height % k` rows are dropped. Rows are processed in parallel.
pub fn downscale(frame: &RgbImage, k: u32) -> RgbImage {
    if k <= 1 {
        return frame.clone();
    }
    let (w, h) = (frame.width() / k, frame.height() / k);
    if w == 0 || h == 0 {
        return frame.clone();
    }
    let src = frame.as_raw();
    let src_stride = frame.width() as usize * 3;
    let (ku, wu) = (k as usize, w as usize);
    let area = k * k;
    let mut out = vec![0u8; wu * h as usize * 3];
    out.par_chunks_mut(wu * 3)
        .enumerate()
        .for_each(|(oy, row)| {
            let mut sums = vec![0u32; wu * 3];
            for sy in oy * ku..(oy + 1) * ku {
                let line = &src[sy * src_stride..sy * src_stride + wu * ku * 3];
                for (ox, block) in line.chunks_exact(ku * 3).enumerate() {
                    for px in block.chunks_exact(3) {
                        sums[ox * 3] += u32::from(px[0]);
                        sums[ox * 3 + 1] += u32::from(px[1]);
                        sums[ox * 3 + 2] += u32::from(px[2]);
                    }
                }
            }
            for (o, s) in row.iter_mut().zip(&sums) {
                *o = u8::try_from((s + area / 2) / area).unwrap_or(u8::MAX);
            }
        });
    RgbImage::from_raw(w, h, out).unwrap_or_else(|| frame.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_strings_round_trip() {
        for v in [Verdict::Fire, Verdict::Smoke, Verdict::None] {
            assert_eq!(v.as_str().parse::<Verdict>(), Ok(v));
            assert_eq!(v.to_string(), v.as_str());
            assert_eq!(
                serde_json::to_string(&v).ok(),
                Some(format!("\"{}\"", v.as_str()))
            );
        }
        assert!("flames".parse::<Verdict>().is_err());
        assert!(Verdict::Smoke.is_alarm() && !Verdict::None.is_alarm());
    }

    #[test]
    fn downscale_factor_fits_the_longest_side() {
        assert_eq!(downscale_factor(1920, 1080, 640), 3);
        assert_eq!(downscale_factor(1921, 1080, 640), 4);
        assert_eq!(downscale_factor(640, 480, 640), 1);
        assert_eq!(downscale_factor(300, 200, 640), 1);
        assert_eq!(downscale_factor(480, 2000, 640), 4);
    }

    #[test]
    fn downscale_averages_blocks() {
        let frame = RgbImage::from_fn(5, 4, |x, y| {
            if x < 2 && y < 2 {
                image::Rgb([100, 0, 255])
            } else if x < 4 {
                image::Rgb([u8::try_from(x * 10).unwrap_or(0), 50, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let small = downscale(&frame, 2);
        assert_eq!(small.dimensions(), (2, 2));
        assert_eq!(small.get_pixel(0, 0).0, [100, 0, 255]);
        // Columns 2 and 3: red 20 and 30 → 25; the fifth column is dropped.
        assert_eq!(small.get_pixel(1, 1).0, [25, 50, 0]);
        assert_eq!(downscale(&frame, 1), frame);
    }

    #[test]
    fn load_frame_reports_missing_and_undecodable_files() {
        let dir = tempfile::tempdir().ok();
        let dir = dir
            .as_ref()
            .map_or_else(std::env::temp_dir, |d| d.path().to_owned());
        let missing = dir.join("no-such-frame.jpg");
        assert!(matches!(load_frame(&missing), Err(FireError::Io { .. })));
        let junk = dir.join("junk.jpg");
        assert!(std::fs::write(&junk, b"not an image").is_ok());
        assert!(matches!(load_frame(&junk), Err(FireError::Decode { .. })));
    }
}
