//! `linzhang index` and `linzhang detect`: spectral indices and change patches from the
//! command line.

use std::path::PathBuf;

use clap::Args;
use linzhang_raster::change::{Bands, DetectOptions, Index, detect, patches_geojson, write_index};

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// ndvi, nbr or ndmi.
    index: String,
    /// A multi-band GeoTIFF (or any raster GDAL reads).
    input: PathBuf,
    /// The Float32 GeoTIFF to write (source georeferencing, NaN as nodata).
    output: PathBuf,
    /// Band numbers, e.g. red=3,nir=4,swir2=6 (others found from band descriptions or count).
    #[arg(long, default_value = "")]
    bands: String,
}

pub fn index(args: &IndexArgs) -> anyhow::Result<String> {
    let index: Index = args.index.parse()?;
    let bands: Bands = args.bands.parse()?;
    let s = write_index(&args.input, &args.output, index, &bands)?;
    Ok(format!(
        "wrote {} of {} ({}×{} px, bands {}) to {}\n",
        args.index.to_uppercase(),
        args.input.display(),
        s.width,
        s.height,
        s.bands,
        args.output.display()
    ))
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// The earlier scene (前时相).
    #[arg(long)]
    before: PathBuf,
    /// The later scene (后时相); warped onto the earlier one's grid when they differ.
    #[arg(long)]
    after: PathBuf,
    /// Band numbers of both scenes, e.g. red=3,nir=4,swir1=5,swir2=6.
    #[arg(long, default_value = "")]
    bands: String,
    /// Band numbers of the later scene when they differ from the earlier one's.
    #[arg(long = "bands-after")]
    bands_after: Option<String>,
    /// Smallest patch kept, m² (default 1 mu).
    #[arg(long = "min-area", default_value_t = 666.7)]
    min_area_m2: f64,
    /// Acquisition dates when the files do not carry them (YYYY-MM-DD).
    #[arg(long = "before-date")]
    before_date: Option<String>,
    #[arg(long = "after-date")]
    after_date: Option<String>,
    /// The GeoJSON FeatureCollection of patches to write.
    #[arg(long)]
    out: PathBuf,
}

pub fn detect_patches(args: &DetectArgs) -> anyhow::Result<String> {
    let before: Bands = args.bands.parse()?;
    let after: Bands = match &args.bands_after {
        Some(b) => b.parse()?,
        None => before,
    };
    let opts = DetectOptions {
        bands_before: before,
        bands_after: after,
        min_area_m2: args.min_area_m2,
        before_date: args.before_date.clone(),
        after_date: args.after_date.clone(),
        ..DetectOptions::default()
    };
    let patches = detect(&args.before, &args.after, &opts)?;
    let json = serde_json::to_string_pretty(&patches_geojson(&patches))?;
    std::fs::write(&args.out, json)?;
    let area: f64 = patches.iter().map(|p| p.area_m2).sum();
    Ok(format!(
        "{} change patches ({:.1} ha) written to {}\n",
        patches.len(),
        area / 10_000.0,
        args.out.display()
    ))
}
