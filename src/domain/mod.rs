//! Plain Rust types and rules. Nothing here knows about the browser, IndexedDB or Leptos:
//! clocks and randomness are passed in, so every rule is tested natively with `cargo test`.

pub mod checkin;
pub mod crisis;
pub mod doc;
pub mod goal;
pub mod group;
pub mod group_admin;
pub mod group_feed;
pub mod group_rules;
pub mod id;
pub mod matching;
pub mod merge;
pub mod milestone;
pub mod mood;
pub mod mood_trends;
pub mod order;
pub mod partner;
pub mod partner_schedule;
pub mod progress;
pub mod prompts;
pub mod questionnaire;
pub mod review;
pub mod routing;
pub mod safety_plan;
pub mod streak;
pub mod text;
pub mod time;
pub mod values;
pub mod week;

/// Keys of the drafts kept on every keystroke, one per form.
pub mod draft_keys {
    pub const MOOD: &str = "mood";
    pub const QUICK_MOOD: &str = "quick-mood";
    pub const CHECKIN: &str = "checkin";
    pub const GOAL: &str = "goal";
    pub const VALUES: &str = "values";
    pub const REVIEW: &str = "review";
    pub const SOBER_SINCE: &str = "sober-since";
    pub const GROUP_CHECKIN: &str = "group-checkin";
    pub const GROUP_SHARE: &str = "group-share";
    pub const GROUP_REPLY: &str = "group-reply";
    pub const GROUP_EDIT: &str = "group-edit";
    pub const NEW_GROUP: &str = "new-group";
}
