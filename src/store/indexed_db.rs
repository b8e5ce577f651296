//! IndexedDB store (placeholder while it is being written).
