//! The daily check-in: how I feel, a win, a challenge. One per day, editable that day only.
//! Its id is the day itself (`checkin:2026-11-22`), so two devices writing today's check-in
//! offline produce two revisions of one document — a conflict the sync merge resolves — rather
//! than two check-ins for one day.

use super::doc::{Document, Extra, Fields, Header, JsonValue};
use super::mood::MoodScore;
use super::text::{self, TextTooLong};
use super::time::{LocalDay, Now};
use std::fmt;

pub const CHECKIN_TYPE: &str = "checkin";
pub const FIELD_MAX_CHARS: usize = 2000;

pub fn checkin_id(day: LocalDay) -> String {
    format!("{CHECKIN_TYPE}:{day}")
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckIn {
    pub header: Header,
    pub day: LocalDay,
    /// The three texts are empty when missing.
    pub how_i_feel: String,
    pub win: String,
    pub challenge: String,
    /// The mood logged most recently that day, when the check-in was saved. Written only when present.
    pub mood: Option<MoodScore>,
    pub extra: Extra,
}

impl Document for CheckIn {
    const TYPE: &'static str = CHECKIN_TYPE;
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
        // Fields are read in the order written; `rest` last.
        Ok(CheckIn {
            header: f.header()?,
            day: f.required("day")?,
            how_i_feel: f.or_default("how_i_feel")?,
            win: f.or_default("win")?,
            challenge: f.or_default("challenge")?,
            mood: f.or_default("mood")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert("day".into(), self.day.to_string().into());
        out.insert("how_i_feel".into(), self.how_i_feel.clone().into());
        out.insert("win".into(), self.win.clone().into());
        out.insert("challenge".into(), self.challenge.clone().into());
        if let Some(mood) = self.mood {
            out.insert("mood".into(), mood.get().into());
        }
    }
}

/// The check-in form as the person left it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckInDraft {
    /// The day the draft was started on.
    pub day: Option<LocalDay>,
    pub how_i_feel: String,
    pub win: String,
    pub challenge: String,
}

impl JsonValue for CheckInDraft {
    fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("day".into(), self.day.map(|d| d.to_string()).into());
        out.insert("how_i_feel".into(), self.how_i_feel.clone().into());
        out.insert("win".into(), self.win.clone().into());
        out.insert("challenge".into(), self.challenge.clone().into());
        out.into()
    }
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(CheckInDraft {
            day: f.or_default("day")?,
            how_i_feel: f.or_default("how_i_feel")?,
            win: f.or_default("win")?,
            challenge: f.or_default("challenge")?,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckInProblem {
    Empty,
    TooLong(TextTooLong),
    /// Check-ins from earlier days are kept as they were.
    NotToday { day: LocalDay },
}

impl fmt::Display for CheckInProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckInProblem::Empty => f.write_str("Write at least one line — how you feel, a win or a challenge."),
            CheckInProblem::TooLong(t) => f.write_str(&t.message()),
            CheckInProblem::NotToday { day } => {
                write!(f, "The check-in for {} can no longer be changed; today's is a new one.", day.short_label())
            }
        }
    }
}

impl CheckInDraft {
    pub fn from_saved(c: &CheckIn) -> Self {
        CheckInDraft { day: Some(c.day), how_i_feel: c.how_i_feel.clone(), win: c.win.clone(), challenge: c.challenge.clone() }
    }

    /// The same words as a saved check-in (ignoring surrounding spaces and the draft's day).
    pub fn matches(&self, c: &CheckIn) -> bool {
        self.how_i_feel.trim() == c.how_i_feel && self.win.trim() == c.win && self.challenge.trim() == c.challenge
    }

    pub fn is_blank(&self) -> bool {
        self.how_i_feel.trim().is_empty() && self.win.trim().is_empty() && self.challenge.trim().is_empty()
    }

    /// A draft started on an earlier day that was never saved: its words are still offered,
    /// and saving makes them today's check-in.
    pub fn started_before(&self, today: LocalDay) -> Option<LocalDay> {
        self.day.filter(|d| *d < today)
    }
}

/// Today's check-in from the draft: a new one, or today's saved one updated (keeping its id,
/// revision, creation time, audience and any fields this version does not know).
pub fn save_checkin(
    existing: Option<&CheckIn>,
    draft: &CheckInDraft,
    mood_today: Option<MoodScore>,
    now: Now,
) -> Result<CheckIn, Vec<CheckInProblem>> {
    let today = now.local_day();
    let mut problems = Vec::new();
    if let Some(e) = existing {
        if e.day != today {
            problems.push(CheckInProblem::NotToday { day: e.day });
        }
    }
    if draft.is_blank() {
        problems.push(CheckInProblem::Empty);
    }
    let mut field = |name: &'static str, value: &str| match text::checked(name, value, FIELD_MAX_CHARS) {
        Ok(v) => v,
        Err(e) => {
            problems.push(CheckInProblem::TooLong(e));
            String::new()
        }
    };
    let how_i_feel = field("How I feel", &draft.how_i_feel);
    let win = field("A win", &draft.win);
    let challenge = field("A challenge", &draft.challenge);
    if !problems.is_empty() {
        return Err(problems);
    }
    let (header, extra) = match existing {
        Some(e) => (Header { updated_at: now.at, ..e.header.clone() }, e.extra.clone()),
        None => (Header::new(checkin_id(today), CHECKIN_TYPE, CheckIn::SCHEMA, now.at), Extra::new()),
    };
    Ok(CheckIn { header, day: today, how_i_feel, win, challenge, mood: mood_today.or(existing.and_then(|e| e.mood)), extra })
}

/// Check-ins before today, newest first.
pub fn earlier_days(mut all: Vec<CheckIn>, today: LocalDay) -> Vec<CheckIn> {
    all.retain(|c| c.day < today);
    super::order::sort_by(&mut all, |a, b| b.day.cmp(&a.day));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::time::Timestamp;

    fn at(s: &str) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: 60 }
    }

    fn draft(feel: &str) -> CheckInDraft {
        CheckInDraft { how_i_feel: feel.into(), ..Default::default() }
    }

    #[test]
    fn first_save_makes_todays_checkin_with_a_day_id() {
        let c = save_checkin(None, &draft(" tired but ok "), MoodScore::new(6), at("2026-11-22T23:30:00Z")).unwrap();
        // 23:30 UTC is 00:30 on the 23rd at UTC+1.
        assert_eq!(c.header.id, "checkin:2026-11-23");
        assert_eq!(c.how_i_feel, "tired but ok");
        assert_eq!(c.mood.map(MoodScore::get), Some(6));
    }

    #[test]
    fn editing_the_same_day_keeps_id_rev_created_and_unknown_fields() {
        let first = save_checkin(None, &draft("a"), None, at("2026-11-22T08:00:00Z")).unwrap();
        let mut stored = encode(&first);
        stored["_rev"] = "1-abc".into();
        stored["future"] = 5.into();
        let first: CheckIn = decode(&stored).unwrap();
        let second = save_checkin(Some(&first), &CheckInDraft { win: "called mum".into(), ..draft("b") }, None, at("2026-11-22T18:00:00Z")).unwrap();
        assert_eq!(second.header.id, first.header.id);
        assert_eq!(second.header.rev.as_deref(), Some("1-abc"));
        assert_eq!(second.header.created_at, first.header.created_at);
        assert!(second.header.updated_at > first.header.updated_at);
        assert_eq!(second.win, "called mum");
        assert_eq!(encode(&second)["future"], 5);
    }

    #[test]
    fn an_earlier_day_cannot_be_edited() {
        let old = save_checkin(None, &draft("a"), None, at("2026-11-21T08:00:00Z")).unwrap();
        let err = save_checkin(Some(&old), &draft("b"), None, at("2026-11-22T08:00:00Z")).unwrap_err();
        assert!(matches!(err[0], CheckInProblem::NotToday { .. }));
        assert!(err[0].to_string().contains("Sat 21 Nov"));
    }

    #[test]
    fn blank_and_too_long_are_refused() {
        assert_eq!(save_checkin(None, &draft("   "), None, at("2026-11-22T08:00:00Z")).unwrap_err(), vec![CheckInProblem::Empty]);
        let long = CheckInDraft { challenge: "x".repeat(FIELD_MAX_CHARS + 1), ..draft("fine") };
        let err = save_checkin(None, &long, None, at("2026-11-22T08:00:00Z")).unwrap_err();
        assert!(err[0].to_string().starts_with("A challenge is 2001 characters long"));
    }

    #[test]
    fn leftover_drafts_and_earlier_days() {
        let today = LocalDay::parse("2026-11-22").unwrap();
        let d = CheckInDraft { day: Some(today.add_days(-1)), ..draft("x") };
        assert_eq!(d.started_before(today), Some(today.add_days(-1)));
        assert_eq!(CheckInDraft { day: Some(today), ..draft("x") }.started_before(today), None);
        let days: Vec<CheckIn> = ["2026-11-20T08:00:00Z", "2026-11-22T08:00:00Z", "2026-11-21T08:00:00Z"]
            .iter()
            .map(|t| save_checkin(None, &draft("x"), None, at(t)).unwrap())
            .collect();
        let earlier = earlier_days(days, today);
        assert_eq!(earlier.iter().map(|c| c.day.to_string()).collect::<Vec<_>>(), ["2026-11-21", "2026-11-20"]);
    }

    #[test]
    fn matches_ignores_surrounding_space() {
        let c = save_checkin(None, &draft("ok"), None, at("2026-11-22T08:00:00Z")).unwrap();
        assert!(CheckInDraft::from_saved(&c).matches(&c));
        assert!(draft(" ok ").matches(&c));
        assert!(!draft("ok!").matches(&c));
    }
}
