//! Components shared by routes. CSS for each lives in style/.

pub mod checkin_form;
pub mod checkin_history;
pub mod chip;
pub mod conflict_choice;
pub mod crisis_lines;
pub mod goal_board;
pub mod goal_form;
pub mod group_norms;
pub mod group_round;
pub mod group_sessions;
pub mod group_thread;
pub mod milestones;
pub mod mood_chart;
pub mod mood_form;
pub mod mood_history;
pub mod partner_checkin_form;
pub mod partner_history;
pub mod partner_reminder;
pub mod plan_contacts;
pub mod quick_mood;
pub mod save_status;
pub mod struggling;
pub mod urgent_banner;
pub mod week_review;
