//! Joining features to the grids and responsibility areas they overlap (空间关联).

use linzhang_domain::Scope;
use linzhang_domain::layer::Placement;
use linzhang_geo::OverlapIndex;
use linzhang_store::{Store, StoreError};

/// The leaf grids (by materialised path) and responsibility areas (by code) of a scope,
/// indexed for overlays.
#[derive(Debug)]
pub struct Placer {
    grids: OverlapIndex<String>,
    areas: OverlapIndex<String>,
}

impl Placer {
    /// Loads the scope's leaf grids and areas from the store.
    pub async fn load(store: &dyn Store, scope: &Scope) -> Result<Self, StoreError> {
        let grids = store
            .leaf_grids(scope)
            .await?
            .into_iter()
            .map(|(code, path, wkb)| {
                let mp = linzhang_geo::from_wkb(&wkb)
                    .map_err(|e| StoreError::Corrupt(format!("boundary of grid {code}: {e}")))?;
                Ok((path, mp))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let areas = store
            .area_shapes(scope)
            .await?
            .into_iter()
            .map(|(code, wkb)| {
                let mp = linzhang_geo::from_wkb(&wkb)
                    .map_err(|e| StoreError::Corrupt(format!("boundary of area {code}: {e}")))?;
                Ok((code, mp))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Self {
            grids: OverlapIndex::new(grids),
            areas: OverlapIndex::new(areas),
        })
    }

    /// Where `g` lies.
    pub fn place(&self, g: &linzhang_geo::geo::Geometry<f64>) -> Placement {
        let own = |v: Vec<(&String, f64)>| v.into_iter().map(|(k, m2)| (k.clone(), m2)).collect();
        Placement {
            grids: own(self.grids.overlaps(g)),
            areas: own(self.areas.overlaps(g)),
        }
    }
}

/// The grid code a leaf grid's materialised path ends with.
pub fn leaf_grid(path: &str) -> Result<linzhang_domain::GridCode, StoreError> {
    linzhang_domain::GridCode::from_path(path)
        .map_err(|_| StoreError::Corrupt(format!("grid path {path}")))
}
