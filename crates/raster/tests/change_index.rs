//! Spectral indices of the real Sentinel-2 samples against an independent reference.
//!
//! The reference is computed at test time without our code and without GDAL's Python bindings:
//! `gdal_translate -of ENVI -co INTERLEAVE=BSQ` (gdal-bin) dumps the raw bands of the input and
//! of our output, and numpy (`python3 -m pip install numpy`) computes the index in float64 from
//! the raw input bands, with the input's nodata value from the ENVI header.

use std::path::{Path, PathBuf};
use std::process::Command;

use gdal::Dataset;
use gdal::Metadata;
use gdal::raster::GdalDataType;
use linzhang_raster::change::{Bands, ChangeError, Index, write_index};
use serde_json::Value;

const IMAGERY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imagery");

/// numpy reference: `python3 - INPUT.img OUTPUT.img A B` where the index is (A − B) / (A + B)
/// of 1-based bands A and B of INPUT; prints counts and the largest difference as JSON.
const REFERENCE: &str = r#"
import json, sys
import numpy as np

TYPES = {"1": "u1", "2": "<i2", "3": "<i4", "4": "<f4", "5": "<f8", "12": "<u2", "13": "<u4"}

def read(img):
    header = {}
    for line in open(img[:-4] + ".hdr", encoding="utf-8"):
        if "=" in line:
            k, v = line.split("=", 1)
            header[k.strip().lower()] = v.strip()
    assert header.get("byte order", "0") == "0" and header.get("interleave") == "bsq"
    data = np.fromfile(img, dtype=TYPES[header["data type"]])
    data = data.reshape(int(header["bands"]), int(header["lines"]), int(header["samples"]))
    nodata = header.get("data ignore value")
    return data, (float(nodata) if nodata is not None else None)

src, nodata = read(sys.argv[1])
out, _ = read(sys.argv[2])
a = src[int(sys.argv[3]) - 1].astype(np.float64)
b = src[int(sys.argv[4]) - 1].astype(np.float64)
bad = np.isnan(a) | np.isnan(b)
if nodata is not None:
    bad |= (a == nodata) | (b == nodata)
with np.errstate(divide="ignore", invalid="ignore"):
    ref = (a - b) / (a + b)
bad |= ~np.isfinite(ref)
ours = out[0].astype(np.float64)
both = ~bad & ~np.isnan(ours)
print(json.dumps({
    "pixels": int(a.size),
    "valid": int(both.sum()),
    "nodata": int(bad.sum()),
    "nan_mismatch": int(np.sum(bad != np.isnan(ours))),
    "max_abs_diff": float(np.max(np.abs(ours[both] - ref[both]))) if both.any() else 0.0,
}))
"#;

fn imagery(name: &str) -> PathBuf {
    Path::new(IMAGERY).join(name)
}

/// Raw bands of `tif` as ENVI band-sequential `dst` (with `dst`'s `.hdr`).
fn envi(tif: &Path, dst: &Path) {
    let status = Command::new("gdal_translate")
        .args(["-q", "-of", "ENVI", "-co", "INTERLEAVE=BSQ"])
        .arg(tif)
        .arg(dst)
        .status()
        .expect("gdal_translate (gdal-bin) runs");
    assert!(status.success(), "gdal_translate {}", tif.display());
}

/// Compares our index of `input` (bands `a`, `b`) with numpy's; answers numpy's counts.
fn compare(dir: &Path, input: &Path, output: &Path, a: usize, b: usize) -> Value {
    let (src, out) = (dir.join("src.img"), dir.join("out.img"));
    envi(input, &src);
    envi(output, &out);
    let result = Command::new("python3")
        .arg("-c")
        .arg(REFERENCE)
        .arg(&src)
        .arg(&out)
        .arg(a.to_string())
        .arg(b.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        result.status.success(),
        "the numpy reference failed (needs python3 with numpy: python3 -m pip install numpy): {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let report: Value = serde_json::from_slice(&result.stdout).expect("JSON from the reference");
    assert_eq!(report["nan_mismatch"], 0, "nodata differs: {report}");
    let diff = report["max_abs_diff"].as_f64().expect("a number");
    assert!(diff <= 1e-6, "largest difference {diff}: {report}");
    report
}

fn assert_same_georeferencing(input: &Path, output: &Path) {
    let (i, o) = (
        Dataset::open(input).expect("input opens"),
        Dataset::open(output).expect("output opens"),
    );
    assert_eq!(i.raster_size(), o.raster_size());
    assert_eq!(i.geo_transform().ok(), o.geo_transform().ok());
    match (i.spatial_ref(), o.spatial_ref()) {
        (Ok(a), Ok(b)) => assert!(a == b, "{:?} vs {:?}", a.to_wkt(), b.to_wkt()),
        (a, b) => assert_eq!(a.is_ok(), b.is_ok(), "one has a coordinate system"),
    }
    assert_eq!(o.raster_count(), 1);
    let band = o.rasterband(1).expect("band 1");
    assert_eq!(band.band_type(), GdalDataType::Float32);
    assert!(
        band.no_data_value().is_some_and(f64::is_nan),
        "nodata is NaN"
    );
}

#[test]
fn ndvi_of_the_10m_sample_matches_numpy() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = imagery("S2_10m_blue_green_red_nir.tif");
    let output = dir.path().join("ndvi.tif");
    let summary =
        write_index(&input, &output, Index::Ndvi, &Bands::default()).expect("NDVI written");
    // Four bands: blue, green, red, NIR by default.
    assert_eq!(summary.bands, "blue=1,green=2,red=3,nir=4");
    let report = compare(dir.path(), &input, &output, 4, 3);
    assert_eq!(report["valid"], 300 * 200);
    assert_eq!(summary.valid_pixels, 300 * 200);
    assert_same_georeferencing(&input, &output);
    let band_name = Dataset::open(&output)
        .expect("output opens")
        .rasterband(1)
        .expect("band 1")
        .description()
        .expect("a description");
    assert_eq!(band_name, "NDVI");
}

#[test]
fn ndvi_of_the_composite_keeps_its_nodata() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = imagery("S2_composite_30m_6band.tif");
    let output = dir.path().join("ndvi.tif");
    let summary =
        write_index(&input, &output, Index::Ndvi, &Bands::default()).expect("NDVI written");
    let report = compare(dir.path(), &input, &output, 4, 3);
    // Most of the composite is nodata (32 768): only its valid pixels get an index.
    assert_eq!(report["valid"].as_u64(), Some(summary.valid_pixels));
    assert_eq!(report["nodata"].as_u64(), Some(summary.nodata_pixels));
    assert!(summary.valid_pixels > 2_000 && summary.nodata_pixels > 400_000);
    // The composite has no georeferencing; neither has its index.
    assert_same_georeferencing(&input, &output);
    let (min, max) = (
        summary.min.expect("valid pixels"),
        summary.max.expect("valid pixels"),
    );
    assert!(-1.0 <= min && min < max && max <= 1.0, "{min} {max}");
}

#[test]
fn nbr_and_ndmi_of_the_composite_match_numpy() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = imagery("S2_composite_30m_6band.tif");
    // Six bands: blue, green, red, NIR, SWIR1, SWIR2.
    for (index, a, b) in [(Index::Nbr, 4, 6), (Index::Ndmi, 4, 5)] {
        let output = dir.path().join(format!("{}.tif", index.key()));
        write_index(&input, &output, index, &Bands::default()).expect("index written");
        compare(dir.path(), &input, &output, a, b);
    }
}

#[test]
fn named_bands_are_used() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = imagery("S2_10m_blue_green_red_nir.tif");
    let output = dir.path().join("green_ndvi.tif");
    // Green in place of red (a "green NDVI"), named as on the command line.
    let bands: Bands = "red=2,nir=4".parse().expect("band list");
    write_index(&input, &output, Index::Ndvi, &bands).expect("index written");
    compare(dir.path(), &input, &output, 4, 2);
}

#[test]
fn a_missing_band_is_named_in_the_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = imagery("S2_10m_blue_green_red_nir.tif");
    let error = write_index(
        &input,
        &dir.path().join("nbr.tif"),
        Index::Nbr,
        &Bands::default(),
    )
    .expect_err("no SWIR2 band");
    assert!(
        matches!(
            error,
            ChangeError::MissingBand {
                index: Index::Nbr,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("swir2"), "{error}");
    let error = write_index(
        &input,
        &dir.path().join("x.tif"),
        Index::Ndvi,
        &"nir=9".parse().expect("band list"),
    )
    .expect_err("no band 9");
    assert!(
        matches!(error, ChangeError::NoSuchBand { band: 9, .. }),
        "{error}"
    );
}
