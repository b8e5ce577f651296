//! The weekly review: for each goal of a week, done / partly / not, what helped and what got in the
//! way. One document per goal (`review:<goal id>`): two devices reviewing the same week touch
//! different documents for different goals, and the same goal's review merges field by field.

use super::doc::{Document, Extra, Fields, Header, JsonValue};
use super::goal::{Column, Goal, GoalStatus};
use super::text::{self, TextTooLong};
use super::time::{LocalDay, Now};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const REVIEW_TYPE: &str = "review";
pub const REVIEW_TEXT_MAX_CHARS: usize = 1000;

pub fn review_id(goal_id: &str) -> String {
    format!("{REVIEW_TYPE}:{goal_id}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Done,
    Partly,
    Not,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Done, Outcome::Partly, Outcome::Not];

    /// The words on the choice.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Done => "Done",
            Outcome::Partly => "Partly",
            Outcome::Not => "Not this time",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Partly => "partly",
            Outcome::Not => "not",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub header: Header,
    pub goal_id: String,
    /// The reviewed goal's week.
    pub week: LocalDay,
    pub outcome: Outcome,
    pub helped: String,
    pub in_the_way: String,
    pub extra: Extra,
}

impl Document for Review {
    const TYPE: &'static str = REVIEW_TYPE;
    const SCHEMA: u32 = 1;
    fn header(&self) -> &Header {
        &self.header
    }
    fn header_mut(&mut self) -> &mut Header {
        &mut self.header
    }
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn read(f: &mut Fields) -> Result<Self, String> {
        Ok(Review {
            header: f.header()?,
            goal_id: f.required("goal_id")?,
            week: f.required("week")?,
            outcome: f.required("outcome")?,
            helped: f.or_default("helped")?,
            in_the_way: f.or_default("in_the_way")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert("goal_id".into(), self.goal_id.clone().into());
        out.insert("week".into(), self.week.to_string().into());
        out.insert("outcome".into(), self.outcome.word().into());
        out.insert("helped".into(), self.helped.clone().into());
        out.insert("in_the_way".into(), self.in_the_way.clone().into());
    }
}

/// One goal's part of the review form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewEntryDraft {
    pub goal_id: String,
    pub outcome: Option<Outcome>,
    pub helped: String,
    pub in_the_way: String,
}

/// The review form as the person left it: the week and each goal's answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewDraft {
    pub week: Option<LocalDay>,
    pub entries: Vec<ReviewEntryDraft>,
}

impl JsonValue for ReviewDraft {
    fn to_json(&self) -> serde_json::Value {
        let entries: Vec<serde_json::Value> = self
            .entries
            .iter()
            .map(|e| {
                let mut o = serde_json::Map::new();
                o.insert("goal_id".into(), e.goal_id.clone().into());
                o.insert("outcome".into(), e.outcome.map(Outcome::word).into());
                o.insert("helped".into(), e.helped.clone().into());
                o.insert("in_the_way".into(), e.in_the_way.clone().into());
                o.into()
            })
            .collect();
        let mut out = serde_json::Map::new();
        out.insert("week".into(), self.week.map(|d| d.to_string()).into());
        out.insert("entries".into(), entries.into());
        out.into()
    }
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        let week = f.or_default("week")?;
        let raw: Vec<serde_json::Value> = f.or_default("entries")?;
        let mut entries = Vec::with_capacity(raw.len());
        for e in raw {
            let mut e = Fields::object(e)?;
            entries.push(ReviewEntryDraft { goal_id: e.required("goal_id")?, outcome: e.or_default("outcome")?, helped: e.or_default("helped")?, in_the_way: e.or_default("in_the_way")? });
        }
        Ok(ReviewDraft { week, entries })
    }
}

impl ReviewDraft {
    /// The form for `week`'s goals, starting from what was saved; answers typed for this week and
    /// not yet saved are kept.
    pub fn for_week(&self, week: LocalDay, goals: &[Goal], saved: &[Review]) -> ReviewDraft {
        let mut out = ReviewDraft { week: Some(week), entries: Vec::new() };
        for g in goals.iter().filter(|g| super::goal::in_week(g, week)) {
            let typed = (self.week == Some(week)).then(|| self.entries.iter().find(|e| e.goal_id == g.header.id)).flatten();
            let stored = saved.iter().find(|r| r.goal_id == g.header.id);
            out.entries.push(match (typed, stored) {
                (Some(t), _) => t.clone(),
                (None, Some(r)) => ReviewEntryDraft { goal_id: r.goal_id.clone(), outcome: Some(r.outcome), helped: r.helped.clone(), in_the_way: r.in_the_way.clone() },
                // A goal moved to Done is reviewed as done unless the person says otherwise.
                (None, None) => ReviewEntryDraft { goal_id: g.header.id.clone(), outcome: (g.status == GoalStatus::Done).then_some(Outcome::Done), ..Default::default() },
            });
        }
        out
    }

    pub fn entry_mut(&mut self, goal_id: &str) -> Option<&mut ReviewEntryDraft> {
        self.entries.iter_mut().find(|e| e.goal_id == goal_id)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReviewProblem {
    /// Nothing answered yet.
    NothingAnswered,
    TooLong(TextTooLong),
}

impl fmt::Display for ReviewProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReviewProblem::NothingAnswered => f.write_str("Say how at least one goal went — done, partly or not this time."),
            ReviewProblem::TooLong(t) => f.write_str(&t.message()),
        }
    }
}

/// The review documents to write: one per answered goal, new or updated. Unanswered goals are
/// left for later.
pub fn save_review(draft: &ReviewDraft, goals: &[Goal], saved: &[Review], now: Now) -> Result<Vec<Review>, Vec<ReviewProblem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for e in &draft.entries {
        let (Some(outcome), Some(goal)) = (e.outcome, goals.iter().find(|g| g.header.id == e.goal_id)) else { continue };
        let mut checked = |name: &'static str, value: &str| match text::checked(name, value, REVIEW_TEXT_MAX_CHARS) {
            Ok(v) => v,
            Err(t) => {
                problems.push(ReviewProblem::TooLong(t));
                String::new()
            }
        };
        let helped = checked("What helped", &e.helped);
        let in_the_way = checked("What got in the way", &e.in_the_way);
        let id = review_id(&goal.header.id);
        let (header, extra) = match saved.iter().find(|r| r.header.id == id) {
            Some(r) => (Header { updated_at: now.at, ..r.header.clone() }, r.extra.clone()),
            None => (Header::new(id, REVIEW_TYPE, Review::SCHEMA, now.at), Extra::new()),
        };
        out.push(Review { header, goal_id: goal.header.id.clone(), week: goal.week, outcome, helped, in_the_way, extra });
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(ReviewProblem::NothingAnswered);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The goals a review says are done that the board does not show as done yet, moved to Done so the
/// two agree (saved with the review).
pub fn done_by_review(reviews: &[Review], goals: &[Goal], now: Now) -> Vec<Goal> {
    reviews
        .iter()
        .filter(|r| r.outcome == Outcome::Done)
        .filter_map(|r| goals.iter().find(|g| g.header.id == r.goal_id))
        .filter_map(|g| g.moved_to(Column::Done, now))
        .collect()
}

/// How many weeks back an unreviewed week is still offered for review: older ones are let go
/// quietly rather than held over the person.
pub const REVIEW_WEEKS_BACK: i32 = 4;

/// The week to review: the earliest of the last few weeks before `current` with a goal not yet
/// reviewed, else the current week (reviewed at any time, usually at its end).
pub fn week_to_review(goals: &[Goal], reviews: &[Review], current: LocalDay) -> LocalDay {
    let oldest = current.add_days(-7 * REVIEW_WEEKS_BACK);
    goals
        .iter()
        .filter(|g| oldest <= g.week && g.week < current && !reviews.iter().any(|r| r.goal_id == g.header.id))
        .map(|g| g.week)
        .min()
        .unwrap_or(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::goal::{save_goal, Column, GoalDraft};
    use crate::domain::time::Timestamp;

    fn now(s: &str) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: 0 }
    }
    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }
    fn goal(id: &str, week: &str) -> Goal {
        let d = GoalDraft { title: id.into(), ..Default::default() };
        save_goal(None, &d, day(week), now("2026-11-10T09:00:00Z"), || id.into()).unwrap()
    }

    #[test]
    fn goals_reviewed_as_done_move_to_done_and_no_others() {
        let a = goal("goal:a", "2026-11-16");
        let b = goal("goal:b", "2026-11-16");
        let c = goal("goal:c", "2026-11-16").moved_to(Column::Done, now("2026-11-18T09:00:00Z")).unwrap();
        let goals = vec![a, b, c];
        let draft = ReviewDraft {
            week: Some(day("2026-11-16")),
            entries: vec![
                ReviewEntryDraft { goal_id: "goal:a".into(), outcome: Some(Outcome::Done), ..Default::default() },
                ReviewEntryDraft { goal_id: "goal:b".into(), outcome: Some(Outcome::Partly), ..Default::default() },
                ReviewEntryDraft { goal_id: "goal:c".into(), outcome: Some(Outcome::Done), ..Default::default() },
            ],
        };
        let at = now("2026-11-22T18:00:00Z");
        let reviews = save_review(&draft, &goals, &[], at).unwrap();
        let moved = done_by_review(&reviews, &goals, at);
        assert_eq!(moved.len(), 1, "only a: b is partly done, c is already done");
        assert_eq!(moved[0].header.id, "goal:a");
        assert_eq!(moved[0].column(), Column::Done);
        assert_eq!(moved[0].header.updated_at, at.at);
    }

    #[test]
    fn the_form_starts_from_saved_answers_and_done_goals() {
        let a = goal("goal:a", "2026-11-16");
        let b = goal("goal:b", "2026-11-16").moved_to(Column::Done, now("2026-11-18T09:00:00Z")).unwrap();
        let other_week = goal("goal:c", "2026-11-23");
        let draft = ReviewDraft::default().for_week(day("2026-11-16"), &[a.clone(), b.clone(), other_week], &[]);
        assert_eq!(draft.entries.iter().map(|e| (e.goal_id.as_str(), e.outcome)).collect::<Vec<_>>(), [("goal:a", None), ("goal:b", Some(Outcome::Done))]);
        let mut typed = draft.clone();
        typed.entry_mut("goal:a").unwrap().helped = "my partner".into();
        let reviews = save_review(&ReviewDraft { entries: vec![ReviewEntryDraft { goal_id: "goal:a".into(), outcome: Some(Outcome::Partly), ..Default::default() }], ..draft.clone() }, &[a.clone(), b.clone()], &[], now("2026-11-22T18:00:00Z")).unwrap();
        let again = typed.for_week(day("2026-11-16"), &[a.clone(), b.clone()], &reviews);
        assert_eq!(again.entries[0].helped, "my partner", "typed answers win over saved ones");
        let fresh = ReviewDraft::default().for_week(day("2026-11-16"), &[a, b], &reviews);
        assert_eq!(fresh.entries[0].outcome, Some(Outcome::Partly));
        assert_eq!(ReviewDraft::from_json(typed.to_json()), Ok(typed));
    }

    #[test]
    fn saving_writes_one_document_per_answered_goal_and_updates_in_place() {
        let (a, b) = (goal("goal:a", "2026-11-16"), goal("goal:b", "2026-11-16"));
        let mut d = ReviewDraft::default().for_week(day("2026-11-16"), &[a.clone(), b.clone()], &[]);
        assert_eq!(save_review(&d, &[a.clone(), b.clone()], &[], now("2026-11-22T18:00:00Z")), Err(vec![ReviewProblem::NothingAnswered]));
        d.entry_mut("goal:a").unwrap().outcome = Some(Outcome::Not);
        d.entry_mut("goal:a").unwrap().in_the_way = " a bad week at work ".into();
        let saved = save_review(&d, &[a.clone(), b.clone()], &[], now("2026-11-22T18:00:00Z")).unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!((saved[0].header.id.as_str(), saved[0].in_the_way.as_str()), ("review:goal:a", "a bad week at work"));
        assert_eq!(decode::<Review>(&encode(&saved[0])), Ok(saved[0].clone()));
        d.entry_mut("goal:a").unwrap().outcome = Some(Outcome::Partly);
        let updated = save_review(&d, &[a.clone(), b.clone()], &saved, now("2026-11-23T08:00:00Z")).unwrap();
        assert_eq!((updated[0].header.created_at, updated[0].outcome), (saved[0].header.created_at, Outcome::Partly));
        d.entry_mut("goal:b").unwrap().outcome = Some(Outcome::Done);
        d.entry_mut("goal:b").unwrap().helped = "x".repeat(REVIEW_TEXT_MAX_CHARS + 1);
        let err = save_review(&d, &[a, b], &saved, now("2026-11-23T08:00:00Z")).unwrap_err();
        assert!(err[0].to_string().starts_with("What helped is 1001 characters long"));
    }

    #[test]
    fn the_week_to_review_is_the_earliest_unreviewed_past_week() {
        let goals = [goal("goal:a", "2026-11-09"), goal("goal:b", "2026-11-16"), goal("goal:c", "2026-11-23")];
        assert_eq!(week_to_review(&goals, &[], day("2026-11-23")), day("2026-11-09"));
        let d = ReviewDraft { week: Some(day("2026-11-09")), entries: vec![ReviewEntryDraft { goal_id: "goal:a".into(), outcome: Some(Outcome::Done), ..Default::default() }] };
        let r = save_review(&d, &goals, &[], now("2026-11-23T08:00:00Z")).unwrap();
        assert_eq!(week_to_review(&goals, &r, day("2026-11-23")), day("2026-11-16"));
        assert_eq!(week_to_review(&goals[2..], &r, day("2026-11-23")), day("2026-11-23"), "nothing past: this week");
        assert_eq!(week_to_review(&goals, &[], day("2026-12-14")), day("2026-11-16"), "older than four weeks is let go");
    }
}
