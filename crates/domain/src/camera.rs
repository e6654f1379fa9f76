//! Cameras of the forest fire watch (视频监控, D2).

/// Whether `id` is a GB/T 28181 device id: 20 digits (centre code 10, industry 2, type 3,
/// network 1, serial 7… as the standard lays them out).
pub fn valid_device_id(id: &str) -> bool {
    id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a camera's view is plausible: heading 0–360°, field of view 1–360°, range up to
/// 20 km, height up to 500 m.
pub fn valid_view(heading_deg: f64, fov_deg: f64, range_m: f64, height_m: f64) -> bool {
    (0.0..=360.0).contains(&heading_deg)
        && (1.0..=360.0).contains(&fov_deg)
        && range_m > 0.0
        && range_m <= 20_000.0
        && (0.0..=500.0).contains(&height_m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_ids_and_views() {
        assert!(valid_device_id("32020500001320000001"));
        assert!(!valid_device_id("3202050000132000000"));
        assert!(!valid_device_id("3202050000132000000X"));
        assert!(valid_view(90.0, 60.0, 5_000.0, 30.0));
        assert!(!valid_view(90.0, 0.0, 5_000.0, 30.0));
        assert!(!valid_view(400.0, 60.0, 5_000.0, 30.0));
    }
}
