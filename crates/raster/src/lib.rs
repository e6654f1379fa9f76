//! The raster side of linzhang: the QR code of a responsibility area (一林一码), spectral
//! indices and change detection on satellite scenes (D1), and smoke and fire detection in
//! camera frames (D2), and imagery tiles for the one map (B1, B5).

pub mod change;
pub mod fire;
pub mod imagery;
pub mod qr;
pub mod thumbnail;
