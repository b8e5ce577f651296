//! Plain Rust types and rules. Nothing here knows about the browser, IndexedDB or Leptos:
//! clocks and randomness are passed in, so every rule is tested natively with `cargo test`.

pub mod checkin;
pub mod crisis;
pub mod doc;
pub mod id;
pub mod merge;
pub mod mood;
pub mod mood_trends;
pub mod order;
pub mod text;
pub mod time;

/// Keys of the drafts kept on every keystroke, one per form.
pub mod draft_keys {
    pub const MOOD: &str = "mood";
    pub const QUICK_MOOD: &str = "quick-mood";
    pub const CHECKIN: &str = "checkin";
}
