//! The raster side of linzhang: images the platform draws. Today that is the QR code of a
//! responsibility area (一林一码); imagery tiles, spectral indices and change detection follow.

pub mod qr;
