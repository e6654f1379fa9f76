//! Per-pixel kernels over rows of f32 values: branch-free loops over equal slices, which the
//! compiler vectorises.

use gdal::raster::{GdalDataType, RasterBand};

/// How to turn a band's stored values into physical ones, and which value means "no data".
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Calibration {
    /// The nodata value as f32 (NaN when the band has none; NaN values are nodata anyway).
    pub nodata: f32,
    /// GDAL scale (1 when the band has none).
    pub scale: f32,
    /// GDAL offset (0 when the band has none).
    pub offset: f32,
    /// Whether the band carries a scale or offset other than 1 and 0.
    pub calibrated: bool,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            nodata: f32::NAN,
            scale: 1.0,
            offset: 0.0,
            calibrated: false,
        }
    }
}

impl Calibration {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "band values are read as f32; nodata, scale and offset are compared and applied in f32"
    )]
    pub fn of(band: &RasterBand<'_>) -> Calibration {
        let scale = band.scale().unwrap_or(1.0);
        let offset = band.offset().unwrap_or(0.0);
        Calibration {
            nodata: band.no_data_value().map_or(f32::NAN, |v| v as f32),
            scale: scale as f32,
            offset: offset as f32,
            calibrated: (scale - 1.0).abs() > f64::EPSILON || offset.abs() > f64::EPSILON,
        }
    }

    /// Reflectance per stored value for the cloud test when none is given: 1 for calibrated
    /// bands and floating-point data (taken as reflectance), 1/10 000 for 16- and 32-bit
    /// integers (the Sentinel-2 and Landsat surface-reflectance convention), and `None` for
    /// 8-bit data, which is seldom reflectance (no cloud test).
    pub fn reflectance_per_value(self, data_type: GdalDataType) -> Option<f32> {
        if self.calibrated {
            return Some(1.0);
        }
        match data_type {
            GdalDataType::Float32 | GdalDataType::Float64 => Some(1.0),
            GdalDataType::UInt16
            | GdalDataType::Int16
            | GdalDataType::UInt32
            | GdalDataType::Int32 => Some(1e-4),
            _ => None,
        }
    }
}

/// `out = (a − b) / (a + b)` on calibrated values; NaN where `a` or `b` is nodata or NaN, or
/// where the ratio is not finite.
#[expect(
    clippy::float_cmp,
    reason = "a nodata value is matched exactly, as GDAL does"
)]
pub(crate) fn normalized_difference(
    a: &[f32],
    ca: Calibration,
    b: &[f32],
    cb: Calibration,
    out: &mut [f32],
) {
    let n = out.len().min(a.len()).min(b.len());
    let (a, b, out) = (&a[..n], &b[..n], &mut out[..n]);
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let missing = x == ca.nodata || y == cb.nodata || x.is_nan() || y.is_nan();
        let xs = x * ca.scale + ca.offset;
        let ys = y * cb.scale + cb.offset;
        let v = (xs - ys) / (xs + ys);
        *o = if missing || !v.is_finite() {
            f32::NAN
        } else {
            v
        };
    }
}

/// The bands a cloud test reads, calibrated and converted to reflectance.
pub(crate) struct CloudBands<'a> {
    pub blue: &'a [f32],
    pub blue_cal: Calibration,
    pub red: &'a [f32],
    pub red_cal: Calibration,
    /// Green, for the whiteness test; without it only the HOT test applies.
    pub green: Option<(&'a [f32], Calibration)>,
    /// Reflectance per calibrated value.
    pub reflectance: f32,
}

/// Marks cloudy pixels (`out[i] = 1`), leaving the others unchanged:
/// HOT = blue − 0.5 · red − `hot_offset` > 0 (Zhang et al. 2002, the haze-optimised transform as
/// Fmask's test, Zhu & Woodcock 2012) and, with green, whiteness
/// Σ|band − mean| / mean over blue, green and red < `max_whiteness` (Fmask's whiteness test).
pub(crate) fn mark_clouds(
    bands: &CloudBands<'_>,
    hot_offset: f32,
    max_whiteness: f32,
    out: &mut [u8],
) {
    let len = out.len().min(bands.blue.len()).min(bands.red.len());
    let (blue_cal, red_cal, scale) = (bands.blue_cal, bands.red_cal, bands.reflectance);
    let (blue, red) = (&bands.blue[..len], &bands.red[..len]);
    match bands.green {
        None => {
            for ((flag, &bv), &rv) in out[..len].iter_mut().zip(blue).zip(red) {
                let blue = (bv * blue_cal.scale + blue_cal.offset) * scale;
                let red = (rv * red_cal.scale + red_cal.offset) * scale;
                *flag |= u8::from(blue - 0.5 * red - hot_offset > 0.0);
            }
        }
        Some((green, green_cal)) => {
            let green = &green[..len];
            for (((flag, &bv), &rv), &gv) in out[..len].iter_mut().zip(blue).zip(red).zip(green) {
                let blue = (bv * blue_cal.scale + blue_cal.offset) * scale;
                let red = (rv * red_cal.scale + red_cal.offset) * scale;
                let green = (gv * green_cal.scale + green_cal.offset) * scale;
                let mean = (blue + green + red) / 3.0;
                let whiteness =
                    ((blue - mean).abs() + (green - mean).abs() + (red - mean).abs()) / mean;
                let hot = blue - 0.5 * red - hot_offset;
                *flag |= u8::from(hot > 0.0 && whiteness < max_whiteness);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_difference_handles_nodata_and_zero_sums() {
        let cal = Calibration {
            nodata: 0.0,
            ..Calibration::default()
        };
        let nir = [3000.0, 0.0, 2000.0, f32::NAN, 500.0];
        let red = [1000.0, 1000.0, 2000.0, 100.0, 1500.0];
        let mut out = [0.0; 5];
        normalized_difference(&nir, cal, &red, cal, &mut out);
        assert!((out[0] - 0.5).abs() < 1e-7);
        assert!(out[1].is_nan(), "nodata NIR");
        assert!(out[2].abs() < 1e-7);
        assert!(out[3].is_nan(), "NaN NIR");
        assert!((out[4] + 0.5).abs() < 1e-7);

        let plain = Calibration::default();
        let mut zero = [1.0];
        normalized_difference(&[0.0], plain, &[0.0], plain, &mut zero);
        assert!(zero[0].is_nan(), "0/0 is nodata");
    }

    #[test]
    fn calibration_is_applied_before_the_ratio() {
        // Sentinel-2 processing baseline 04.00: reflectance = (DN − 1000) / 10 000.
        let cal = Calibration {
            nodata: 0.0,
            scale: 1e-4,
            offset: -0.1,
            calibrated: true,
        };
        let mut out = [0.0];
        normalized_difference(&[4000.0], cal, &[2000.0], cal, &mut out);
        // (0.3 − 0.1) / (0.3 + 0.1) = 0.5
        assert!((out[0] - 0.5).abs() < 1e-6, "{}", out[0]);
    }

    #[test]
    fn bright_white_pixels_are_clouds() {
        let plain = Calibration::default();
        // blue, green, red reflectance ×10 000: cloud, forest, bare soil, bright but red.
        let blue = [4000.0, 300.0, 1200.0, 2500.0];
        let green = [4100.0, 600.0, 1500.0, 2600.0];
        let red = [4200.0, 400.0, 2000.0, 4400.0];
        let bands = CloudBands {
            blue: &blue,
            blue_cal: plain,
            red: &red,
            red_cal: plain,
            green: Some((&green, plain)),
            reflectance: 1e-4,
        };
        let mut out = [0u8; 4];
        mark_clouds(&bands, 0.08, 0.7, &mut out);
        assert_eq!(out, [1, 0, 0, 0]);
    }
}
