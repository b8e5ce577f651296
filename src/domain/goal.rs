//! Weekly goals: said out loud, tied to a value, moved across a board, reviewed at the week's end
//! and carried over when unfinished.
//!
//! A goal belongs to one week (`week`, the civil day that week starts on). Carrying it over makes a
//! new goal in a later week that points back at it (`carried_from`), so each week keeps its own
//! history and review. The carried goal's id is made from the original's, not at random: two devices
//! carrying the same goal offline make one document, not two.

use super::doc::{Audience, Document, Extra, Fields, Header, JsonValue};
use super::text::{self, TextTooLong};
use super::time::{LocalDay, Now};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const GOAL_TYPE: &str = "goal";
pub const TITLE_MAX_CHARS: usize = 200;
pub const STEP_MAX_CHARS: usize = 200;
pub const MAX_STEPS: usize = 12;

/// Where a goal stands this week. Stored as its lowercase word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalStatus {
    #[default]
    Planned,
    Doing,
    Done,
}

/// The board's columns. "Carried over" holds goals brought from an earlier week and not started yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    ThisWeek,
    Doing,
    Done,
    CarriedOver,
}

impl Column {
    pub const ALL: [Column; 4] = [Column::ThisWeek, Column::Doing, Column::Done, Column::CarriedOver];

    pub fn heading(self) -> &'static str {
        match self {
            Column::ThisWeek => "This week",
            Column::Doing => "Doing",
            Column::Done => "Done",
            Column::CarriedOver => "Carried over",
        }
    }

    /// A stable word for ids and drop targets.
    pub fn key(self) -> &'static str {
        match self {
            Column::ThisWeek => "this-week",
            Column::Doing => "doing",
            Column::Done => "done",
            Column::CarriedOver => "carried-over",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The status a goal gets when dropped here. "This week" and "Carried over" both mean "not started";
    /// which of the two it shows in depends on where the goal came from.
    pub fn status(self) -> GoalStatus {
        match self {
            Column::ThisWeek | Column::CarriedOver => GoalStatus::Planned,
            Column::Doing => GoalStatus::Doing,
            Column::Done => GoalStatus::Done,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Goal {
    pub header: Header,
    pub title: String,
    /// The value it serves ("Why it matters"); empty when none was picked.
    pub why: String,
    pub steps: Vec<String>,
    /// The day in the week it is due, if any.
    pub due: Option<LocalDay>,
    /// The first day of the goal's week.
    pub week: LocalDay,
    pub status: GoalStatus,
    /// The goal of an earlier week this one carries over.
    pub carried_from: Option<String>,
    pub extra: Extra,
}

impl Document for Goal {
    const TYPE: &'static str = GOAL_TYPE;
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
        Ok(Goal {
            header: f.header()?,
            title: f.required("title")?,
            why: f.or_default("why")?,
            steps: f.or_default("steps")?,
            due: f.or_default("due")?,
            week: f.required("week")?,
            status: f.or_default("status")?,
            carried_from: f.or_default("carried_from")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert("title".into(), self.title.clone().into());
        out.insert("why".into(), self.why.clone().into());
        out.insert("steps".into(), self.steps.clone().into());
        if let Some(due) = self.due {
            out.insert("due".into(), due.to_string().into());
        }
        out.insert("week".into(), self.week.to_string().into());
        out.insert("status".into(), status_word(self.status).into());
        if let Some(from) = &self.carried_from {
            out.insert("carried_from".into(), from.clone().into());
        }
    }
}

fn status_word(s: GoalStatus) -> &'static str {
    match s {
        GoalStatus::Planned => "planned",
        GoalStatus::Doing => "doing",
        GoalStatus::Done => "done",
    }
}

impl Goal {
    pub fn column(&self) -> Column {
        match (self.status, &self.carried_from) {
            (GoalStatus::Doing, _) => Column::Doing,
            (GoalStatus::Done, _) => Column::Done,
            (GoalStatus::Planned, Some(_)) => Column::CarriedOver,
            (GoalStatus::Planned, None) => Column::ThisWeek,
        }
    }

    /// The goal moved to a column (a no-op returns `None`).
    pub fn moved_to(&self, column: Column, now: Now) -> Option<Goal> {
        let status = column.status();
        (status != self.status).then(|| Goal { status, header: Header { updated_at: now.at, ..self.header.clone() }, ..self.clone() })
    }

    /// Shared with someone, so peers may follow it up.
    pub fn is_shared(&self) -> bool {
        matches!(self.header.audience, Audience::Partner | Audience::Group)
    }
}

/// Whether a goal belongs to the week starting `week`: its own week starts within it. (Equal
/// starts, unless the person changed the day their week starts on since the goal was made.)
pub fn in_week(goal: &Goal, week: LocalDay) -> bool {
    week <= goal.week && goal.week <= week.add_days(6)
}

/// The board for one week: each column's goals, oldest first (the order they were said).
pub fn board(goals: &[Goal], week: LocalDay) -> Vec<(Column, Vec<Goal>)> {
    let mut this_week: Vec<Goal> = goals.iter().filter(|g| in_week(g, week)).cloned().collect();
    super::order::sort_by(&mut this_week, |a, b| a.header.created_at.cmp(&b.header.created_at).then_with(|| a.header.id.cmp(&b.header.id)));
    Column::ALL.into_iter().map(|c| (c, this_week.iter().filter(|g| g.column() == c).cloned().collect())).collect()
}

/// The id of `goal` carried into the week starting `into_week`: the same on every device.
pub fn carried_id(goal_id: &str, into_week: LocalDay) -> String {
    let tail = goal_id.rsplit(':').next().unwrap_or(goal_id);
    format!("{GOAL_TYPE}:{into_week}:carried:{tail}")
}

/// The week a goal of `goal_week` carries over into: the next one, but never a week already over.
pub fn carry_target(goal_week: LocalDay, current_week: LocalDay) -> LocalDay {
    goal_week.add_days(7).max(current_week)
}

/// An unfinished goal brought into a later week, not started, due on the same weekday.
/// Done goals are not carried (`None`).
pub fn carry_over(goal: &Goal, into_week: LocalDay, now: Now) -> Option<Goal> {
    if goal.status == GoalStatus::Done || into_week <= goal.week {
        return None;
    }
    let shift = goal.week.days_until(into_week);
    let mut header = Header::new(carried_id(&goal.header.id, into_week), GOAL_TYPE, Goal::SCHEMA, now.at);
    header.audience = goal.header.audience;
    Some(Goal {
        header,
        title: goal.title.clone(),
        why: goal.why.clone(),
        steps: goal.steps.clone(),
        due: goal.due.map(|d| d.add_days(shift)),
        week: into_week,
        status: GoalStatus::Planned,
        carried_from: Some(goal.header.id.clone()),
        extra: Extra::new(),
    })
}

/// Whether `goal` was already carried over (by this device or another).
pub fn is_carried(goal: &Goal, all: &[Goal]) -> bool {
    all.iter().any(|g| g.carried_from.as_deref() == Some(goal.header.id.as_str()))
}

/// The goal form as the person left it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoalDraft {
    /// The goal being edited; `None` for a new one.
    pub editing: Option<String>,
    pub title: String,
    pub why: String,
    /// One step per line.
    pub steps: String,
    /// `YYYY-MM-DD` or empty.
    pub due: String,
    pub audience: Audience,
    /// The form is open (kept so a reload reopens it).
    pub open: bool,
}

impl JsonValue for GoalDraft {
    fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("editing".into(), self.editing.clone().into());
        out.insert("title".into(), self.title.clone().into());
        out.insert("why".into(), self.why.clone().into());
        out.insert("steps".into(), self.steps.clone().into());
        out.insert("due".into(), self.due.clone().into());
        out.insert("audience".into(), self.audience.as_str().into());
        out.insert("open".into(), self.open.into());
        out.into()
    }
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(GoalDraft {
            editing: f.or_default("editing")?,
            title: f.or_default("title")?,
            why: f.or_default("why")?,
            steps: f.or_default("steps")?,
            due: f.or_default("due")?,
            audience: f.or_default("audience")?,
            open: f.or_default("open")?,
        })
    }
}

impl GoalDraft {
    pub fn from_goal(g: &Goal) -> Self {
        GoalDraft {
            editing: Some(g.header.id.clone()),
            title: g.title.clone(),
            why: g.why.clone(),
            steps: g.steps.join("\n"),
            due: g.due.map(|d| d.to_string()).unwrap_or_default(),
            audience: g.header.audience,
            open: true,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.title.trim().is_empty() && self.steps.trim().is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoalProblem {
    NoTitle,
    TooLong(TextTooLong),
    TooManySteps { found: usize },
    DueOutsideWeek,
    /// The goal being edited is no longer on this device (deleted or not synced here).
    Gone,
}

impl fmt::Display for GoalProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoalProblem::NoTitle => f.write_str("Give the goal a title — a few words you can say out loud."),
            GoalProblem::TooLong(t) => f.write_str(&t.message()),
            GoalProblem::TooManySteps { found } => {
                write!(f, "The goal has {found} steps; the most it can hold is {MAX_STEPS}. Nothing was removed — join or remove some, then save again.")
            }
            GoalProblem::DueOutsideWeek => f.write_str("Pick a due day in the goal's week, or none."),
            GoalProblem::Gone => f.write_str("This goal is no longer on this device. Your words are still here: save them as a new goal."),
        }
    }
}

/// A new goal for the week starting `week`, or `existing` updated (keeping its id, revision, week,
/// status, creation time and any fields this version does not know).
pub fn save_goal(existing: Option<&Goal>, draft: &GoalDraft, week: LocalDay, now: Now, new_id: impl FnOnce() -> String) -> Result<Goal, Vec<GoalProblem>> {
    let mut problems = Vec::new();
    if draft.editing.is_some() && existing.is_none() {
        problems.push(GoalProblem::Gone);
    }
    let week = existing.map_or(week, |g| g.week);
    let mut checked = |name: &'static str, value: &str, max: usize| match text::checked(name, value, max) {
        Ok(v) => v,
        Err(e) => {
            problems.push(GoalProblem::TooLong(e));
            String::new()
        }
    };
    let title = checked("Goal title", &draft.title, TITLE_MAX_CHARS);
    let why = checked("Why it matters", &draft.why, TITLE_MAX_CHARS);
    let steps: Vec<String> = draft.steps.lines().map(str::trim).filter(|s| !s.is_empty()).map(|s| checked("A step", s, STEP_MAX_CHARS)).collect();
    if draft.title.trim().is_empty() {
        problems.push(GoalProblem::NoTitle);
    }
    if steps.len() > MAX_STEPS {
        problems.push(GoalProblem::TooManySteps { found: steps.len() });
    }
    let due = match draft.due.trim() {
        "" => None,
        s => match LocalDay::parse(s) {
            Ok(d) if week <= d && d <= week.add_days(6) => Some(d),
            _ => {
                problems.push(GoalProblem::DueOutsideWeek);
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut goal = match existing {
        Some(g) => Goal { header: Header { updated_at: now.at, ..g.header.clone() }, ..g.clone() },
        None => Goal {
            header: Header::new(new_id(), GOAL_TYPE, Goal::SCHEMA, now.at),
            title: String::new(),
            why: String::new(),
            steps: Vec::new(),
            due: None,
            week,
            status: GoalStatus::Planned,
            carried_from: None,
            extra: Extra::new(),
        },
    };
    goal.header.audience = draft.audience;
    goal.title = title;
    goal.why = why;
    goal.steps = steps;
    goal.due = due;
    Ok(goal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::time::Timestamp;

    fn now(s: &str) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: 0 }
    }
    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }
    fn draft(title: &str) -> GoalDraft {
        GoalDraft { title: title.into(), ..Default::default() }
    }
    fn new_goal(title: &str) -> Goal {
        save_goal(None, &draft(title), day("2026-11-16"), now("2026-11-16T09:00:00Z"), || format!("goal:x:{title}")).unwrap()
    }

    #[test]
    fn a_new_goal_is_planned_in_this_week_and_round_trips() {
        let d = GoalDraft { why: "family".into(), steps: "find her number\n\n  call after work ".into(), due: "2026-11-19".into(), audience: Audience::Partner, ..draft(" Call my sister ") };
        let g = save_goal(None, &d, day("2026-11-16"), now("2026-11-16T09:00:00Z"), || "goal:1".into()).unwrap();
        assert_eq!((g.title.as_str(), g.why.as_str(), g.steps.len(), g.column()), ("Call my sister", "family", 2, Column::ThisWeek));
        assert_eq!(g.header.audience, Audience::Partner);
        assert_eq!(decode::<Goal>(&encode(&g)), Ok(g.clone()));
        assert_eq!(GoalDraft::from_goal(&g).steps, "find her number\ncall after work");
    }

    #[test]
    fn bad_input_is_refused_with_every_problem_named() {
        let d = GoalDraft { steps: (0..13).map(|i| format!("s{i}\n")).collect(), due: "2026-11-30".into(), ..draft(" ") };
        let err = save_goal(None, &d, day("2026-11-16"), now("2026-11-16T09:00:00Z"), || "goal:1".into()).unwrap_err();
        assert_eq!(err, vec![GoalProblem::NoTitle, GoalProblem::TooManySteps { found: 13 }, GoalProblem::DueOutsideWeek]);
        let long = draft(&"x".repeat(TITLE_MAX_CHARS + 1));
        let err = save_goal(None, &long, day("2026-11-16"), now("2026-11-16T09:00:00Z"), || "goal:1".into()).unwrap_err();
        assert!(err[0].to_string().starts_with("Goal title is 201 characters long"));
        let gone = GoalDraft { editing: Some("goal:deleted".into()), ..draft("a") };
        assert_eq!(save_goal(None, &gone, day("2026-11-16"), now("2026-11-16T09:00:00Z"), || "goal:1".into()).unwrap_err(), vec![GoalProblem::Gone]);
    }

    #[test]
    fn editing_keeps_id_rev_week_status_and_unknown_fields() {
        let mut stored = encode(&new_goal("walk"));
        stored["_rev"] = "2-abc".into();
        stored["status"] = "doing".into();
        stored["future"] = true.into();
        let g: Goal = decode(&stored).unwrap();
        let edited = save_goal(Some(&g), &GoalDraft { editing: Some(g.header.id.clone()), ..draft("walk daily") }, day("2026-11-23"), now("2026-11-24T09:00:00Z"), || unreachable!()).unwrap();
        assert_eq!((edited.header.rev.as_deref(), edited.week, edited.status), (Some("2-abc"), day("2026-11-16"), GoalStatus::Doing));
        assert_eq!(edited.title, "walk daily");
        assert_eq!(encode(&edited)["future"], true);
    }

    #[test]
    fn moving_through_the_board() {
        let g = new_goal("walk");
        let doing = g.moved_to(Column::Doing, now("2026-11-17T09:00:00Z")).unwrap();
        assert_eq!(doing.column(), Column::Doing);
        assert!(doing.header.updated_at > g.header.updated_at);
        assert!(doing.moved_to(Column::Doing, now("2026-11-17T10:00:00Z")).is_none(), "no-op moves write nothing");
        let done = doing.moved_to(Column::Done, now("2026-11-18T09:00:00Z")).unwrap();
        let cols = board(&[done.clone(), new_goal("read")], day("2026-11-16"));
        assert_eq!(cols.iter().map(|(c, gs)| (c.heading(), gs.len())).collect::<Vec<_>>(), [("This week", 1), ("Doing", 0), ("Done", 1), ("Carried over", 0)]);
        assert!(board(&[done], day("2026-11-23")).iter().all(|(_, gs)| gs.is_empty()), "other weeks' goals are not on this board");
    }

    #[test]
    fn carrying_over_makes_one_goal_per_original_on_every_device() {
        let g = GoalDraft { due: "2026-11-19".into(), audience: Audience::Group, ..draft("call my sister") };
        let g = save_goal(None, &g, day("2026-11-16"), now("2026-11-16T09:00:00Z"), || "goal:20261116T090000000Z:k3j4".into()).unwrap();
        let a = carry_over(&g, day("2026-11-23"), now("2026-11-23T08:00:00Z")).unwrap();
        let b = carry_over(&g, day("2026-11-23"), now("2026-11-23T20:00:00Z")).unwrap();
        assert_eq!(a.header.id, b.header.id, "two devices carrying offline make the same document");
        assert_eq!(a.header.id, "goal:2026-11-23:carried:k3j4");
        assert_eq!((a.week, a.due, a.column(), a.header.audience), (day("2026-11-23"), Some(day("2026-11-26")), Column::CarriedOver, Audience::Group));
        assert!(is_carried(&g, &[g.clone(), a.clone()]));
        assert!(!is_carried(&a, &[g.clone(), a.clone()]));
        let done = g.moved_to(Column::Done, now("2026-11-20T09:00:00Z")).unwrap();
        assert!(carry_over(&done, day("2026-11-23"), now("2026-11-23T08:00:00Z")).is_none(), "done goals stay done");
        assert!(carry_over(&g, day("2026-11-16"), now("2026-11-23T08:00:00Z")).is_none(), "never into its own week");
        // Carried again a week later: a new id again, pointing at the carried one.
        let again = carry_over(&a, day("2026-11-30"), now("2026-11-30T08:00:00Z")).unwrap();
        assert_eq!((again.header.id.as_str(), again.carried_from.as_deref()), ("goal:2026-11-30:carried:k3j4", Some("goal:2026-11-23:carried:k3j4")));
    }

    #[test]
    fn carry_target_is_next_week_or_the_current_one() {
        assert_eq!(carry_target(day("2026-11-16"), day("2026-11-16")), day("2026-11-23"));
        assert_eq!(carry_target(day("2026-11-02"), day("2026-11-16")), day("2026-11-16"), "a long-past week carries into this one");
    }

    #[test]
    fn drafts_round_trip_and_refuse_wrong_types() {
        let d = GoalDraft { editing: Some("goal:1".into()), audience: Audience::Facilitator, open: true, ..draft("t") };
        assert_eq!(GoalDraft::from_json(d.to_json()), Ok(d));
        assert_eq!(GoalDraft::from_json(serde_json::json!({})), Ok(GoalDraft::default()));
        assert!(GoalDraft::from_json(serde_json::json!({"audience": "everyone"})).is_err());
        assert_eq!(Column::from_key("carried-over"), Some(Column::CarriedOver));
        assert_eq!(Column::from_key("nope"), None);
    }
}
