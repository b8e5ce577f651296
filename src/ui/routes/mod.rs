//! One file per route.

pub mod facilitator;
pub mod facilitator_groups;
pub mod goals;
pub mod group;
pub mod help;
pub mod mood;
pub mod not_found;
pub mod partner;
pub mod partner_change;
pub mod plan;
pub mod questionnaire;
pub mod settings;
pub mod today;
pub mod values;
