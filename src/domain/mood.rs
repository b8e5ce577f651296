//! Mood entries: a 1–10 score, named emotions from a wheel, tags and a note.

use super::doc::{Document, Extra, Fields, Header, JsonValue};
use super::text::{self, Lowercase, TextTooLong};
use super::time::{LocalDay, Now};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MOOD_TYPE: &str = "mood";
pub const NOTE_MAX_CHARS: usize = 4000;
pub const TAG_MAX_CHARS: usize = 24;
pub const MAX_TAGS: usize = 20;

/// A mood from 1 (lowest) to 10 (best).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct MoodScore(u8);

impl MoodScore {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 10;

    pub fn new(value: u8) -> Option<Self> {
        (Self::MIN..=Self::MAX).contains(&value).then_some(MoodScore(value))
    }
    pub fn get(self) -> u8 {
        self.0
    }
    /// A word for the number, read out with it ("7 out of 10, good").
    pub fn word(self) -> &'static str {
        match self.0 {
            1 | 2 => "very low",
            3 | 4 => "low",
            5 | 6 => "okay",
            7 | 8 => "good",
            _ => "great",
        }
    }
    pub fn spoken(self) -> String {
        format!("{} out of 10, {}", self.0, self.word())
    }
}

impl TryFrom<u8> for MoodScore {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        MoodScore::new(v).ok_or_else(|| format!("mood must be from 1 to 10, found {v}"))
    }
}

impl From<MoodScore> for u8 {
    fn from(s: MoodScore) -> u8 {
        s.0
    }
}

/// One ring of the emotion wheel: a family name and the emotions in it.
pub struct EmotionGroup {
    pub name: &'static str,
    pub emotions: &'static [&'static str],
}

/// The emotions offered, grouped as on a feelings wheel. Stored by these words.
pub const EMOTION_GROUPS: &[EmotionGroup] = &[
    EmotionGroup { name: "Happy", emotions: &["joyful", "grateful", "hopeful", "proud", "content"] },
    EmotionGroup { name: "Calm", emotions: &["peaceful", "relaxed", "relieved", "safe"] },
    EmotionGroup { name: "Sad", emotions: &["sad", "lonely", "hurt", "disappointed", "ashamed"] },
    EmotionGroup { name: "Anxious", emotions: &["anxious", "worried", "overwhelmed", "insecure"] },
    EmotionGroup { name: "Angry", emotions: &["angry", "frustrated", "irritated", "resentful"] },
    EmotionGroup { name: "Low energy", emotions: &["tired", "numb", "bored", "restless"] },
];

/// Tags everyone has; people add their own.
pub const BUILTIN_TAGS: &[&str] = &["sleep", "craving", "medication", "exercise", "social", "work"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagProblem {
    Empty,
    TooLong { found_chars: usize },
    TooMany,
}

impl TagProblem {
    pub fn message(&self) -> String {
        match self {
            TagProblem::Empty => "Type a word for the tag first.".into(),
            TagProblem::TooLong { found_chars } => {
                format!("A tag can be up to {TAG_MAX_CHARS} characters; this one has {found_chars}.")
            }
            TagProblem::TooMany => format!("An entry can have up to {MAX_TAGS} tags."),
        }
    }
}

/// Tags are compared case-insensitively with inner spaces collapsed: "Long  Walk" == "long walk".
pub fn normalize_tag(raw: &str, lowercase: Lowercase) -> Result<String, TagProblem> {
    let tag = lowercase(&raw.split_whitespace().collect::<Vec<_>>().join(" "));
    let found_chars = tag.chars().count();
    if found_chars == 0 {
        Err(TagProblem::Empty)
    } else if found_chars > TAG_MAX_CHARS {
        Err(TagProblem::TooLong { found_chars })
    } else {
        Ok(tag)
    }
}

/// A saved mood.
#[derive(Clone, Debug, PartialEq)]
pub struct MoodEntry {
    pub header: Header,
    /// The person's own calendar day when they logged it.
    pub day: LocalDay,
    /// "20:54" on their wall clock then. Empty when missing.
    pub local_time: String,
    pub score: MoodScore,
    /// Empty when missing.
    pub emotions: Vec<String>,
    /// Empty when missing.
    pub tags: Vec<String>,
    /// Empty when missing.
    pub note: String,
    pub extra: Extra,
}

impl Document for MoodEntry {
    const TYPE: &'static str = MOOD_TYPE;
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
        Ok(MoodEntry {
            header: f.header()?,
            day: f.required("day")?,
            local_time: f.or_default("local_time")?,
            score: f.required("score")?,
            emotions: f.or_default("emotions")?,
            tags: f.or_default("tags")?,
            note: f.or_default("note")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert("day".into(), self.day.to_string().into());
        out.insert("local_time".into(), self.local_time.clone().into());
        out.insert("score".into(), self.score.get().into());
        out.insert("emotions".into(), self.emotions.clone().into());
        out.insert("tags".into(), self.tags.clone().into());
        out.insert("note".into(), self.note.clone().into());
    }
}

/// The mood form as the person left it, kept on every keystroke.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MoodDraft {
    pub score: Option<u8>,
    pub emotions: Vec<String>,
    pub tags: Vec<String>,
    pub note: String,
    /// A tag being typed but not yet added.
    pub tag_input: String,
}

impl JsonValue for MoodDraft {
    fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("score".into(), self.score.into());
        out.insert("emotions".into(), self.emotions.clone().into());
        out.insert("tags".into(), self.tags.clone().into());
        out.insert("note".into(), self.note.clone().into());
        out.insert("tag_input".into(), self.tag_input.clone().into());
        out.into()
    }
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(MoodDraft {
            score: f.or_default("score")?,
            emotions: f.or_default("emotions")?,
            tags: f.or_default("tags")?,
            note: f.or_default("note")?,
            tag_input: f.or_default("tag_input")?,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoodProblem {
    NoScore,
    NoteTooLong(TextTooLong),
    Tag(TagProblem),
}

impl fmt::Display for MoodProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoodProblem::NoScore => f.write_str("Choose a mood from 1 to 10 first."),
            MoodProblem::NoteTooLong(t) => f.write_str(&t.message()),
            MoodProblem::Tag(t) => f.write_str(&t.message()),
        }
    }
}

fn toggle(list: &mut Vec<String>, item: &str) {
    if let Some(pos) = list.iter().position(|x| x == item) {
        list.remove(pos);
    } else {
        list.push(item.to_owned());
    }
}

impl MoodDraft {
    pub fn is_empty(&self) -> bool {
        *self == MoodDraft::default()
    }

    pub fn toggle_emotion(&mut self, emotion: &str) {
        toggle(&mut self.emotions, emotion);
    }

    pub fn toggle_tag(&mut self, tag: &str) {
        toggle(&mut self.tags, tag);
    }

    /// Adds the typed tag (selected), clearing the input. On a problem the input is left as typed.
    pub fn add_typed_tag(&mut self, lowercase: Lowercase) -> Result<String, TagProblem> {
        let tag = normalize_tag(&self.tag_input, lowercase)?;
        if !self.tags.contains(&tag) {
            if self.tags.len() >= MAX_TAGS {
                return Err(TagProblem::TooMany);
            }
            self.tags.push(tag.clone());
        }
        self.tag_input.clear();
        Ok(tag)
    }

    /// Checks the form and makes the entry; every problem is reported at once.
    pub fn to_entry(&self, id: String, now: Now, lowercase: Lowercase) -> Result<MoodEntry, Vec<MoodProblem>> {
        let mut problems = Vec::new();
        let score = self.score.and_then(MoodScore::new);
        if score.is_none() {
            problems.push(MoodProblem::NoScore);
        }
        let note = text::checked("The note", &self.note, NOTE_MAX_CHARS).map_err(MoodProblem::NoteTooLong);
        let mut tags = Vec::with_capacity(self.tags.len());
        for t in &self.tags {
            match normalize_tag(t, lowercase) {
                Ok(t) if !tags.contains(&t) => tags.push(t),
                Ok(_) => {}
                Err(p) => problems.push(MoodProblem::Tag(p)),
            }
        }
        if tags.len() > MAX_TAGS {
            problems.push(MoodProblem::Tag(TagProblem::TooMany));
        }
        let note = match note {
            Ok(n) => n,
            Err(p) => {
                problems.push(p);
                String::new()
            }
        };
        match score {
            Some(score) if problems.is_empty() => Ok(MoodEntry {
                header: Header::new(id, MOOD_TYPE, MoodEntry::SCHEMA, now.at),
                day: now.local_day(),
                local_time: now.local_hhmm(),
                score,
                emotions: self.emotions.clone(),
                tags,
                note,
                extra: Extra::new(),
            }),
            _ => Err(problems),
        }
    }
}

/// Tags to offer: the built-in ones, then the person's own from past entries, each once.
pub fn known_tags(entries: &[MoodEntry]) -> Vec<String> {
    let mut tags: Vec<String> = BUILTIN_TAGS.iter().map(|t| (*t).to_owned()).collect();
    for e in entries {
        for t in &e.tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
    }
    tags
}

/// Newest first (by when they were logged, then id for a stable order).
pub fn sort_newest_first(entries: &mut Vec<MoodEntry>) {
    super::order::sort_by(entries, |a, b| {
        b.header.created_at.cmp(&a.header.created_at).then_with(|| b.header.id.cmp(&a.header.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode, DecodeError};
    use crate::domain::time::Timestamp;
    use serde_json::json;

    fn now() -> Now {
        Now { at: Timestamp::parse_rfc3339("2026-11-22T20:54:00Z").unwrap(), utc_offset_minutes: -300 }
    }

    #[test]
    fn score_is_one_to_ten() {
        assert!(MoodScore::new(0).is_none());
        assert!(MoodScore::new(11).is_none());
        assert_eq!(MoodScore::new(7).unwrap().spoken(), "7 out of 10, good");
    }

    #[test]
    fn at_least_a_dozen_emotions_in_groups() {
        let all: Vec<_> = EMOTION_GROUPS.iter().flat_map(|g| g.emotions.iter()).collect();
        assert!(all.len() >= 12);
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "an emotion appears in two groups");
    }

    #[test]
    fn draft_becomes_an_entry_with_local_day_and_private_audience() {
        let mut d = MoodDraft { score: Some(6), note: "  walked  ".into(), ..Default::default() };
        d.toggle_emotion("hopeful");
        d.toggle_tag("exercise");
        d.tag_input = "  Long   Walk ".into();
        assert_eq!(d.add_typed_tag(str::to_lowercase).unwrap(), "long walk");
        assert!(d.tag_input.is_empty());
        let e = d.to_entry("mood:x".into(), now(), str::to_lowercase).unwrap();
        assert_eq!(e.day.to_string(), "2026-11-22");
        assert_eq!(e.local_time, "15:54");
        assert_eq!(e.note, "walked");
        assert_eq!(e.tags, vec!["exercise", "long walk"]);
        assert_eq!(e.header.audience, crate::domain::doc::Audience::Private);
        assert_eq!(e.header.doc_type, "mood");
    }

    #[test]
    fn problems_are_all_reported_and_nothing_is_cut() {
        let d = MoodDraft { score: None, note: "x".repeat(NOTE_MAX_CHARS + 1), ..Default::default() };
        let problems = d.to_entry("mood:x".into(), now(), str::to_lowercase).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].to_string().contains("Choose a mood"));
        assert!(problems[1].to_string().contains("4001 characters"));
        assert_eq!(d.note.chars().count(), NOTE_MAX_CHARS + 1);
    }

    #[test]
    fn toggling_twice_removes() {
        let mut d = MoodDraft::default();
        d.toggle_emotion("sad");
        d.toggle_emotion("sad");
        assert!(d.is_empty());
    }

    #[test]
    fn bad_tags_are_refused_with_the_input_kept() {
        let mut d = MoodDraft { tag_input: "   ".into(), ..Default::default() };
        assert_eq!(d.add_typed_tag(str::to_lowercase), Err(TagProblem::Empty));
        d.tag_input = "x".repeat(30);
        assert!(matches!(d.add_typed_tag(str::to_lowercase), Err(TagProblem::TooLong { found_chars: 30 })));
        assert_eq!(d.tag_input.len(), 30);
    }

    #[test]
    fn entries_round_trip_and_keep_unknown_fields() {
        let d = MoodDraft { score: Some(3), ..Default::default() };
        let e = d.to_entry("mood:1".into(), now(), str::to_lowercase).unwrap();
        let mut v = encode(&e);
        v["added_by_a_newer_app"] = json!({"x": 1});
        let back: MoodEntry = decode(&v).unwrap();
        assert_eq!(encode(&back)["added_by_a_newer_app"], json!({"x": 1}));
        assert_eq!(back.score.get(), 3);
    }

    #[test]
    fn stored_garbage_is_an_error_not_a_panic() {
        let cases = [
            json!(null),
            json!({"_id": "mood:1", "type": "mood"}),
            json!({"_id": "mood:1", "type": "mood", "schema": 1, "score": 42, "day": "2026-11-22",
                   "created_at": "2026-11-22T00:00:00.000Z", "updated_at": "2026-11-22T00:00:00.000Z"}),
            json!({"_id": "mood:1", "type": "checkin"}),
        ];
        for c in cases {
            assert!(decode::<MoodEntry>(&c).is_err(), "{c}");
        }
        let newer = json!({"_id": "mood:2", "type": "mood", "schema": 99});
        assert!(matches!(decode::<MoodEntry>(&newer), Err(DecodeError::NewerSchema { found: 99, .. })));
    }

    #[test]
    fn known_tags_add_own_tags_once() {
        let mut d = MoodDraft { score: Some(5), tags: vec!["knitting".into(), "sleep".into()], ..Default::default() };
        let a = d.to_entry("mood:a".into(), now(), str::to_lowercase).unwrap();
        d.tags = vec!["knitting".into()];
        let b = d.to_entry("mood:b".into(), now(), str::to_lowercase).unwrap();
        let tags = known_tags(&[a, b]);
        assert_eq!(tags.len(), BUILTIN_TAGS.len() + 1);
        assert_eq!(tags.last().unwrap(), "knitting");
    }
}
