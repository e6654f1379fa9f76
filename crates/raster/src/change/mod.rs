//! Spectral indices and change detection (D1): being written.
