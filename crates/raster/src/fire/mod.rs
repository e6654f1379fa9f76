//! Smoke and fire detection in camera frames (D2): being written.
