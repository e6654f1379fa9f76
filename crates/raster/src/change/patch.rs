//! A suspected change patch (疑似变化图斑) and its suspected cause.

use geo::MultiPolygon;

use super::Index;
use super::detect::CauseRules;

/// One suspected change patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// Longitude/latitude (EPSG:4490 by default, see [`super::DetectOptions::target_epsg`]),
    /// exterior rings counter-clockwise. One polygon per 4-connected region; with
    /// 8-connectivity a patch's polygons may meet at corners.
    pub geometry: MultiPolygon<f64>,
    /// Area on the ellipsoid, m².
    pub area_m2: f64,
    /// Number of changed pixels (on the before scene's grid).
    pub pixels: u64,
    /// NDVI over the patch, when both scenes have red and NIR.
    pub ndvi: Option<IndexChange>,
    /// NBR over the patch, when both scenes have NIR and SWIR2.
    pub nbr: Option<IndexChange>,
    /// NDMI over the patch, when both scenes have NIR and SWIR1.
    pub ndmi: Option<IndexChange>,
    pub cause: Cause,
    /// Acquisition date of the before scene (前时相), from the options or its metadata.
    pub before_date: Option<String>,
    /// Acquisition date of the after scene (后时相).
    pub after_date: Option<String>,
}

impl Patch {
    /// The statistics of `index`, when it could be computed.
    pub fn index(&self, index: Index) -> Option<&IndexChange> {
        match index {
            Index::Ndvi => self.ndvi.as_ref(),
            Index::Nbr => self.nbr.as_ref(),
            Index::Ndmi => self.ndmi.as_ref(),
        }
    }
}

/// An index over a patch's pixels. Changes are before − after (as Key & Benson's dNBR), so a
/// positive change is a loss.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct IndexChange {
    /// Mean of the before scene.
    pub before: f64,
    /// Mean of the after scene.
    pub after: f64,
    /// Mean change (dNDVI, dNBR, dNDMI).
    pub mean_change: f64,
    /// Largest change of a pixel.
    pub max_change: f64,
}

/// The suspected cause of a patch, from the pattern of its index changes. A suspicion for the
/// field check (外业核实) to confirm, not a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// 采伐: vegetation lost, vegetation still there after (stumps, slash, undergrowth).
    Felling,
    /// 占地: vegetation gone entirely (building, road, quarry, hard ground).
    LandUse,
    /// 毁林开垦: vegetation lost down to bare soil (land cleared for cultivation).
    Clearing,
    /// 灾害 (fire): the burn signature.
    Fire,
    /// 其他: change without a vegetation loss, e.g. a moisture drop only (drought, pests).
    Other,
}

impl Cause {
    /// The Chinese term shown to users.
    pub fn zh(self) -> &'static str {
        match self {
            Cause::Felling => "采伐",
            Cause::LandUse => "占地",
            Cause::Clearing => "毁林开垦",
            Cause::Fire => "灾害",
            Cause::Other => "其他",
        }
    }

    /// The identifier used in `GeoJSON`: `felling`, `land_use`, `clearing`, `fire`, `other`.
    pub fn key(self) -> &'static str {
        match self {
            Cause::Felling => "felling",
            Cause::LandUse => "land_use",
            Cause::Clearing => "clearing",
            Cause::Fire => "fire",
            Cause::Other => "other",
        }
    }

    /// The cause suggested by a patch's index statistics, by the rules in [`CauseRules`]:
    ///
    /// 1. **Fire (灾害)** when mean dNBR ≥ `fire_min_dnbr` and, with NDVI known, mean dNBR −
    ///    mean dNDVI ≥ `fire_min_excess`: a burn raises SWIR2 while red stays dark, so NBR
    ///    drops well beyond NDVI; exposed soil raises red and SWIR together, so after clearing
    ///    both drop alike.
    /// 2. Otherwise, when mean dNDVI ≥ `vegetation_loss` (a vegetation loss), by what is left
    ///    (mean NDVI after): under `land_use_max_ndvi` nothing grows there any more: **land
    ///    use (占地)**; under `clearing_max_ndvi` bare soil: **clearing (毁林开垦)**; else
    ///    **felling (采伐)**.
    /// 3. Otherwise **other (其他)**.
    pub fn suggest(
        ndvi: Option<&IndexChange>,
        nbr: Option<&IndexChange>,
        rules: &CauseRules,
    ) -> Cause {
        if let Some(nbr) = nbr {
            let excess_ok =
                ndvi.is_none_or(|ndvi| nbr.mean_change - ndvi.mean_change >= rules.fire_min_excess);
            if nbr.mean_change >= rules.fire_min_dnbr && excess_ok {
                return Cause::Fire;
            }
        }
        match ndvi {
            Some(ndvi) if ndvi.mean_change >= rules.vegetation_loss => {
                if ndvi.after < rules.land_use_max_ndvi {
                    Cause::LandUse
                } else if ndvi.after < rules.clearing_max_ndvi {
                    Cause::Clearing
                } else {
                    Cause::Felling
                }
            }
            _ => Cause::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: f64, after: f64) -> IndexChange {
        IndexChange {
            before,
            after,
            mean_change: before - after,
            max_change: before - after,
        }
    }

    #[test]
    fn causes_follow_the_documented_rules() {
        let rules = CauseRules::default();
        // Forest (red 0.03, NIR 0.30, SWIR2 0.08) burnt to char (red 0.04, NIR 0.10, SWIR2 0.15).
        let fire = Cause::suggest(Some(&change(0.82, 0.43)), Some(&change(0.58, -0.2)), &rules);
        assert_eq!(fire, Cause::Fire);
        // The same forest cleared to soil (red 0.15, NIR 0.22, SWIR2 0.25): NBR drops like NDVI.
        let soil = Cause::suggest(
            Some(&change(0.82, 0.19)),
            Some(&change(0.58, -0.06)),
            &rules,
        );
        assert_eq!(soil, Cause::Clearing);
        let felled = Cause::suggest(Some(&change(0.82, 0.35)), None, &rules);
        assert_eq!(felled, Cause::Felling);
        let built = Cause::suggest(Some(&change(0.82, 0.05)), None, &rules);
        assert_eq!(built, Cause::LandUse);
        let moisture_only = Cause::suggest(Some(&change(0.8, 0.75)), None, &rules);
        assert_eq!(moisture_only, Cause::Other);
        // Without NDVI, a large NBR drop alone is taken as fire.
        assert_eq!(
            Cause::suggest(None, Some(&change(0.6, 0.1)), &rules),
            Cause::Fire
        );
        assert_eq!(Cause::Fire.zh(), "灾害");
        assert_eq!(Cause::LandUse.key(), "land_use");
    }
}
