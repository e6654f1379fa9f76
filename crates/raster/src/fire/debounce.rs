//! Per-camera alarm de-bouncing: a camera raises an alarm only after `required` (N) of its
//! last `window` (M) frames were positive, then stays quiet for a cool-down.
//!
//! Pure logic: every observation carries its own timestamp (any monotonic clock, as a
//! [`Duration`] since an epoch of the caller's choosing), so the behaviour is the same live
//! and in replays and tests.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Verdict;

/// De-bouncing rules, the same for every camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebounceConfig {
    /// M: how many of the latest frames are considered.
    pub window: usize,
    /// N: how many of them must be positive (fire or smoke). Clamped to `1..=window`.
    pub required: usize,
    /// After an alarm the camera stays quiet this long.
    pub cooldown: Duration,
    /// Frames older than this (relative to the newest) no longer count, so a camera that
    /// was offline does not combine old and new positives. `None`: no limit.
    pub max_age: Option<Duration>,
}

impl Default for DebounceConfig {
    /// 3 of the last 5 frames, 10 minutes of quiet, frames older than 2 minutes forgotten.
    fn default() -> Self {
        Self {
            window: 5,
            required: 3,
            cooldown: Duration::from_mins(10),
            max_age: Some(Duration::from_mins(2)),
        }
    }
}

/// One frame's verdict for one camera.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// When the frame was taken.
    pub at: Duration,
    pub verdict: Verdict,
    /// The detection score, 0–1.
    pub score: f32,
}

/// An alarm raised for a camera.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub camera: String,
    /// Timestamp of the frame that completed the N of M.
    pub at: Duration,
    /// Fire when any of the positive frames was fire, else smoke.
    pub verdict: Verdict,
    /// Highest score among the positive frames.
    pub score: f32,
    /// Positive frames in the window (≥ N).
    pub positives: usize,
    /// Frames in the window (≤ M).
    pub frames: usize,
}

#[derive(Debug, Default)]
struct CameraState {
    recent: VecDeque<Observation>,
    last_at: Option<Duration>,
    last_alarm: Option<Duration>,
}

/// Turns the per-frame verdicts of many cameras into alarms; cameras are independent.
#[derive(Debug, Default)]
pub struct Debouncer {
    config: DebounceConfig,
    cameras: HashMap<String, CameraState>,
}

impl Debouncer {
    pub fn new(config: DebounceConfig) -> Self {
        Self {
            config,
            cameras: HashMap::new(),
        }
    }

    pub fn config(&self) -> &DebounceConfig {
        &self.config
    }

    /// Records a frame of `camera` and returns the alarm it completes, if any. A frame older
    /// than the camera's latest is ignored (no alarm, not recorded). Frames seen during a
    /// cool-down are recorded but raise nothing; the first frame after the cool-down for
    /// which N of the last M are positive raises the next alarm. Each alarm clears the
    /// window, so the next one needs N fresh positives.
    pub fn observe(&mut self, camera: &str, obs: Observation) -> Option<Alarm> {
        let window = self.config.window.max(1);
        let required = self.config.required.clamp(1, window);
        let state = self.cameras.entry(camera.to_owned()).or_default();
        if state.last_at.is_some_and(|last| obs.at < last) {
            return None;
        }
        state.last_at = Some(obs.at);
        state.recent.push_back(obs);
        while state.recent.len() > window {
            state.recent.pop_front();
        }
        if let Some(max_age) = self.config.max_age {
            while state
                .recent
                .front()
                .is_some_and(|o| obs.at.saturating_sub(o.at) > max_age)
            {
                state.recent.pop_front();
            }
        }
        if state
            .last_alarm
            .is_some_and(|t| obs.at < t.saturating_add(self.config.cooldown))
        {
            return None;
        }
        let positives: Vec<&Observation> = state
            .recent
            .iter()
            .filter(|o| o.verdict.is_alarm())
            .collect();
        if positives.len() < required {
            return None;
        }
        let verdict = if positives.iter().any(|o| o.verdict == Verdict::Fire) {
            Verdict::Fire
        } else {
            Verdict::Smoke
        };
        let score = positives.iter().map(|o| o.score).fold(0.0f32, f32::max);
        let alarm = Alarm {
            camera: camera.to_owned(),
            at: obs.at,
            verdict,
            score,
            positives: positives.len(),
            frames: state.recent.len(),
        };
        state.last_alarm = Some(obs.at);
        state.recent.clear();
        Some(alarm)
    }

    /// Whether `camera` is in its cool-down at `at`.
    pub fn is_cooling_down(&self, camera: &str, at: Duration) -> bool {
        self.cameras.get(camera).is_some_and(|s| {
            s.last_alarm
                .is_some_and(|t| at < t.saturating_add(self.config.cooldown))
        })
    }

    /// Forgets everything about `camera` (removed, or the operator cleared its alarm and
    /// wants it armed at once).
    pub fn reset(&mut self, camera: &str) {
        self.cameras.remove(camera);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn obs(at: u64, verdict: Verdict) -> Observation {
        Observation {
            at: secs(at),
            verdict,
            score: match verdict {
                Verdict::Fire => 0.9,
                Verdict::Smoke => 0.6,
                Verdict::None => 0.1,
            },
        }
    }

    fn config() -> DebounceConfig {
        DebounceConfig {
            window: 5,
            required: 3,
            cooldown: secs(60),
            max_age: None,
        }
    }

    use Verdict::{Fire, None as Clear, Smoke};

    #[test]
    fn alarm_needs_n_of_the_last_m_frames() {
        let mut d = Debouncer::new(config());
        // Positives need not be consecutive: +, −, +, −, + → third positive raises.
        assert_eq!(d.observe("cam", obs(0, Fire)), None);
        assert_eq!(d.observe("cam", obs(1, Clear)), None);
        assert_eq!(d.observe("cam", obs(2, Smoke)), None);
        assert_eq!(d.observe("cam", obs(3, Clear)), None);
        let alarm = d.observe("cam", obs(4, Fire));
        let alarm = alarm.as_ref();
        assert_eq!(alarm.map(|a| a.verdict), Some(Fire));
        assert_eq!(alarm.map(|a| (a.positives, a.frames)), Some((3, 5)));
        assert_eq!(alarm.map(|a| a.at), Some(secs(4)));
        assert_eq!(alarm.map(|a| a.camera.as_str()), Some("cam"));
        assert!(alarm.is_some_and(|a| (a.score - 0.9).abs() < 1e-6));
    }

    #[test]
    fn positives_that_slid_out_of_the_window_do_not_count() {
        let mut d = Debouncer::new(config());
        // + + − − − − + : when the last + arrives, the first two are out of the last 5.
        for (t, v) in [
            (0, Fire),
            (1, Fire),
            (2, Clear),
            (3, Clear),
            (4, Clear),
            (5, Clear),
        ] {
            assert_eq!(d.observe("cam", obs(t, v)), None);
        }
        assert_eq!(d.observe("cam", obs(6, Fire)), None);
        assert_eq!(d.observe("cam", obs(7, Fire)), None);
        assert!(d.observe("cam", obs(8, Fire)).is_some());
    }

    #[test]
    fn smoke_only_alarm_is_smoke() {
        let mut d = Debouncer::new(config());
        d.observe("cam", obs(0, Smoke));
        d.observe("cam", obs(1, Smoke));
        let a = d.observe("cam", obs(2, Smoke));
        assert_eq!(a.map(|a| a.verdict), Some(Smoke));
    }

    #[test]
    fn cooldown_keeps_the_camera_quiet_then_rearms() {
        let mut d = Debouncer::new(config());
        for t in 0..2 {
            assert_eq!(d.observe("cam", obs(t, Fire)), None);
        }
        assert!(d.observe("cam", obs(2, Fire)).is_some());
        assert!(d.is_cooling_down("cam", secs(30)));
        // Still burning, but within 60 s of the alarm: quiet.
        for t in 3..62 {
            assert_eq!(d.observe("cam", obs(t, Fire)), None, "t = {t}");
        }
        assert!(!d.is_cooling_down("cam", secs(62)));
        // At 62 s the cool-down is over and the last 5 frames are all positive.
        let again = d.observe("cam", obs(62, Fire));
        assert_eq!(again.map(|a| a.at), Some(secs(62)));
        // The window was cleared by the alarm, and the cool-down starts again.
        assert_eq!(d.observe("cam", obs(63, Fire)), None);
        // A reset re-arms at once, with an empty window.
        d.reset("cam");
        assert!(!d.is_cooling_down("cam", secs(64)));
        assert_eq!(d.observe("cam", obs(64, Fire)), None);
        assert_eq!(d.observe("cam", obs(65, Fire)), None);
        assert!(d.observe("cam", obs(66, Fire)).is_some());
    }

    #[test]
    fn frames_seen_in_the_cooldown_count_after_it() {
        let mut d = Debouncer::new(config());
        for t in 0..3 {
            d.observe("cam", obs(t, Fire));
        }
        // Cool-down until 62 s; the fire goes out, then two positives late in the cool-down
        // and one right after it: 3 of the last 5 → alarm at 62 s.
        for t in [20, 30, 40] {
            assert_eq!(d.observe("cam", obs(t, Clear)), None);
        }
        assert_eq!(d.observe("cam", obs(50, Fire)), None);
        assert_eq!(d.observe("cam", obs(60, Fire)), None);
        assert!(d.observe("cam", obs(62, Fire)).is_some());
    }

    #[test]
    fn cameras_are_independent() {
        let mut d = Debouncer::new(config());
        // Interleaved frames: "a" burns, "b" is clear, "c" has one false positive.
        let mut alarms = Vec::new();
        for t in 0..5 {
            for (cam, v) in [
                ("a", Fire),
                ("b", Clear),
                ("c", if t == 2 { Smoke } else { Clear }),
            ] {
                if let Some(a) = d.observe(cam, obs(t, v)) {
                    alarms.push(a);
                }
            }
        }
        assert_eq!(alarms.len(), 1);
        assert_eq!(alarms[0].camera, "a");
        assert_eq!(alarms[0].at, secs(2));
        // "a" cooling down does not silence "b".
        assert!(d.is_cooling_down("a", secs(10)));
        assert!(!d.is_cooling_down("b", secs(10)));
        for t in 5..7 {
            assert_eq!(d.observe("b", obs(t, Smoke)), None);
        }
        let b = d.observe("b", obs(7, Smoke));
        assert_eq!(b.map(|a| a.camera), Some("b".to_owned()));
    }

    #[test]
    fn stale_and_out_of_order_frames() {
        let mut d = Debouncer::new(DebounceConfig {
            max_age: Some(secs(30)),
            ..config()
        });
        // Two positives, then the camera is offline for a long time.
        d.observe("cam", obs(0, Fire));
        d.observe("cam", obs(5, Fire));
        // 100 s later one positive: the old ones are too old to combine with it.
        assert_eq!(d.observe("cam", obs(105, Fire)), None);
        // A frame from the past is ignored entirely.
        assert_eq!(d.observe("cam", obs(50, Fire)), None);
        assert_eq!(d.observe("cam", obs(106, Fire)), None);
        assert!(d.observe("cam", obs(107, Fire)).is_some());
    }

    #[test]
    fn required_is_clamped_to_the_window() {
        let mut d = Debouncer::new(DebounceConfig {
            window: 2,
            required: 9,
            ..config()
        });
        assert_eq!(d.observe("cam", obs(0, Fire)), None);
        assert!(d.observe("cam", obs(1, Fire)).is_some());
        let mut one = Debouncer::new(DebounceConfig {
            window: 0,
            required: 0,
            ..config()
        });
        assert!(one.observe("cam", obs(0, Smoke)).is_some());
        assert_eq!(one.observe("x", obs(0, Clear)), None);
    }
}
