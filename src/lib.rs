//! Tandem: an offline-first accountability app for people in virtual intensive outpatient programs.
//! See ARCHITECTURE.md for the map.

pub mod domain;
pub mod json_text;
pub mod store;
pub mod sync;
pub mod ui;
