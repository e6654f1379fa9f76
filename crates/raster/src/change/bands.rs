//! Which band of a scene holds which part of the spectrum.

use std::fmt;
use std::str::FromStr;

use gdal::Dataset;
use gdal::Metadata;
use gdal::raster::ColorInterpretation;

use super::ChangeError;

/// A part of the spectrum a spectral index uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    Blue,
    Green,
    Red,
    /// Near infrared (Sentinel-2 B8).
    Nir,
    /// Short-wave infrared around 1.6 µm (Sentinel-2 B11).
    Swir1,
    /// Short-wave infrared around 2.2 µm (Sentinel-2 B12).
    Swir2,
}

impl Band {
    /// All bands, in the order of a 6-band blue–green–red–NIR–SWIR1–SWIR2 stack.
    pub const ALL: [Band; 6] = [
        Band::Blue,
        Band::Green,
        Band::Red,
        Band::Nir,
        Band::Swir1,
        Band::Swir2,
    ];

    /// The name used in band lists: `blue`, `green`, `red`, `nir`, `swir1`, `swir2`.
    pub fn key(self) -> &'static str {
        match self {
            Band::Blue => "blue",
            Band::Green => "green",
            Band::Red => "red",
            Band::Nir => "nir",
            Band::Swir1 => "swir1",
            Band::Swir2 => "swir2",
        }
    }

    /// The band a GDAL band description names, for Sentinel-2 (`B4`, `B04`, `B8`, `B8A`,
    /// `B11`, `B12`) and plain names (`red`, `nir`, `swir1`, `swir16`, `swir22`).
    fn from_description(text: &str) -> Option<Band> {
        match text.trim().to_ascii_lowercase().as_str() {
            "blue" | "b2" | "b02" => Some(Band::Blue),
            "green" | "b3" | "b03" => Some(Band::Green),
            "red" | "b4" | "b04" => Some(Band::Red),
            "nir" | "b8" | "b08" | "b8a" | "nir08" => Some(Band::Nir),
            "swir1" | "swir16" | "b11" => Some(Band::Swir1),
            "swir2" | "swir22" | "b12" => Some(Band::Swir2),
            _ => None,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The 1-based band numbers of a scene's blue, green, red, NIR, SWIR1 and SWIR2 bands.
///
/// Written and parsed as a list like `red=3,nir=4,swir2=6` (the `--bands` option). Bands not
/// named are found, in this order, from:
///
/// 1. band descriptions: `B2`…`B12` (Sentinel-2, `B8` or `B8A` as NIR) or the names above;
/// 2. colour interpretation: the bands GDAL marks red, green and blue, and in a 4-band file the
///    one band left is NIR (an R-G-B-NIR file such as `rgbn.tif`);
/// 3. the band count, when nothing above named a band: 4 bands are blue, green, red, NIR (the
///    Sentinel-2 10 m stack B2, B3, B4, B8); 6 bands are blue, green, red, NIR, SWIR1, SWIR2
///    (a Sentinel-2 or Landsat composite).
///
/// Other files need their bands named.
///
/// As JSON it is an object of the known bands' numbers, `{"red": 3, "nir": 4}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Bands {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blue: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub green: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nir: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swir1: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swir2: Option<usize>,
}

impl Bands {
    /// The band number of `band`, when known.
    pub fn get(&self, band: Band) -> Option<usize> {
        match band {
            Band::Blue => self.blue,
            Band::Green => self.green,
            Band::Red => self.red,
            Band::Nir => self.nir,
            Band::Swir1 => self.swir1,
            Band::Swir2 => self.swir2,
        }
    }

    /// Sets the band number of `band`.
    pub fn set(&mut self, band: Band, number: Option<usize>) {
        let slot = match band {
            Band::Blue => &mut self.blue,
            Band::Green => &mut self.green,
            Band::Red => &mut self.red,
            Band::Nir => &mut self.nir,
            Band::Swir1 => &mut self.swir1,
            Band::Swir2 => &mut self.swir2,
        };
        *slot = number;
    }

    /// Whether some band is band number `n`.
    fn uses(&self, n: usize) -> bool {
        Band::ALL.iter().any(|b| self.get(*b) == Some(n))
    }

    /// Gives `band` the number `n` unless it has one or `n` is taken; answers whether it did.
    fn assign(&mut self, band: Band, n: usize) -> bool {
        if self.get(band).is_none() && !self.uses(n) {
            self.set(band, Some(n));
            true
        } else {
            false
        }
    }

    /// These bands, with the unnamed ones filled from `dataset` as described on [`Bands`], and
    /// checked against its band count.
    pub(crate) fn resolve(&self, dataset: &Dataset, path: &str) -> Result<Bands, ChangeError> {
        let count = dataset.raster_count();
        let mut out = *self;
        for band in Band::ALL {
            if let Some(n) = out.get(band)
                && (n == 0 || n > count)
            {
                return Err(ChangeError::NoSuchBand {
                    path: path.to_owned(),
                    band: n,
                    count,
                });
            }
        }
        let mut found_any = false;
        let mut interps = Vec::with_capacity(count);
        for n in 1..=count {
            let Ok(raster) = dataset.rasterband(n) else {
                continue;
            };
            if let Some(band) = raster
                .description()
                .ok()
                .as_deref()
                .and_then(Band::from_description)
            {
                found_any |= out.assign(band, n);
            }
            interps.push((n, raster.color_interpretation()));
        }
        for (n, interp) in &interps {
            let band = match interp {
                ColorInterpretation::RedBand => Band::Red,
                ColorInterpretation::GreenBand => Band::Green,
                ColorInterpretation::BlueBand => Band::Blue,
                _ => continue,
            };
            found_any |= out.assign(band, *n);
        }
        if found_any {
            if count == 4 && out.nir.is_none() {
                let free: Vec<usize> = (1..=4).filter(|n| !out.uses(*n)).collect();
                if let [n] = free[..] {
                    out.nir = Some(n);
                }
            }
            return Ok(out);
        }
        let by_count: &[Band] = match count {
            4 => &Band::ALL[..4],
            6 => &Band::ALL,
            _ => &[],
        };
        for (i, band) in by_count.iter().enumerate() {
            out.assign(*band, i + 1);
        }
        Ok(out)
    }
}

impl FromStr for Bands {
    type Err = ChangeError;

    /// Parses `red=3,nir=4,swir2=6` (names case-insensitive, spaces allowed; an empty text
    /// names no band).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| ChangeError::BadBands {
            text: text.to_owned(),
            reason,
        };
        let mut out = Bands::default();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, number) = item
                .split_once('=')
                .ok_or_else(|| error(format!("{item:?} is not name=number")))?;
            let name = name.trim().to_ascii_lowercase();
            let band = Band::ALL
                .into_iter()
                .find(|b| b.key() == name)
                .ok_or_else(|| {
                    error(format!(
                        "unknown band {name:?} (blue, green, red, nir, swir1, swir2)"
                    ))
                })?;
            let number: usize = number
                .trim()
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| error(format!("{item:?}: band numbers start at 1")))?;
            if out.get(band).is_some() {
                return Err(error(format!("{name} is named twice")));
            }
            out.set(band, Some(number));
        }
        Ok(out)
    }
}

impl fmt::Display for Bands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Band::ALL
            .iter()
            .filter_map(|b| self.get(*b).map(|n| format!("{b}={n}")))
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_band_lists() {
        let bands: Bands = "red=3, NIR=4,swir2=6".parse().expect("valid list");
        assert_eq!(bands.red, Some(3));
        assert_eq!(bands.nir, Some(4));
        assert_eq!(bands.swir2, Some(6));
        assert_eq!(bands.blue, None);
        assert_eq!(bands.to_string(), "red=3,nir=4,swir2=6");
        assert_eq!("".parse::<Bands>().expect("empty list"), Bands::default());
    }

    #[test]
    fn rejects_bad_band_lists() {
        for text in ["red", "red=0", "red=x", "purple=2", "red=1,red=2"] {
            assert!(
                matches!(text.parse::<Bands>(), Err(ChangeError::BadBands { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn sentinel2_descriptions_name_bands() {
        assert_eq!(Band::from_description(" B04 "), Some(Band::Red));
        assert_eq!(Band::from_description("B8A"), Some(Band::Nir));
        assert_eq!(Band::from_description("b12"), Some(Band::Swir2));
        assert_eq!(Band::from_description("swir16"), Some(Band::Swir1));
        assert_eq!(Band::from_description("B1"), None);
    }
}
