//! Personal values: chosen from a list or written in one's own words, and ranked. Goals name the
//! value they serve ("Why it matters"); prompts come back to them. One document per person
//! (`values`), so two devices editing it merge field by field like any editable document.

use super::doc::{Document, Extra, Fields, Header, JsonValue};
use super::text::{self, Lowercase};
use super::time::Now;
use std::fmt;

pub const VALUES_TYPE: &str = "values";
pub const VALUES_ID: &str = "values";
pub const VALUE_MAX_CHARS: usize = 40;
pub const MAX_VALUES: usize = 20;

/// The values offered, in the words people use.
pub const SUGGESTED_VALUES: [&str; 16] = [
    "family", "health", "honesty", "creativity", "work", "faith", "friendship", "learning", "independence", "calm",
    "kindness", "courage", "community", "fun", "nature", "self-respect",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Values {
    pub header: Header,
    /// Most important first.
    pub ranked: Vec<String>,
    /// Values the person wrote themselves (kept offered even when not chosen).
    pub own: Vec<String>,
    pub extra: Extra,
}

impl Document for Values {
    const TYPE: &'static str = VALUES_TYPE;
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
        Ok(Values { header: f.header()?, ranked: f.or_default("ranked")?, own: f.or_default("own")?, extra: f.rest() })
    }
    fn write(&self, out: &mut serde_json::Map<String, serde_json::Value>) {
        out.insert("ranked".into(), self.ranked.clone().into());
        out.insert("own".into(), self.own.clone().into());
    }
}

impl Values {
    /// The most important value, if any was chosen.
    pub fn first(&self) -> Option<&str> {
        self.ranked.first().map(String::as_str)
    }
}

/// The values exercise as the person left it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValuesDraft {
    pub ranked: Vec<String>,
    pub own: Vec<String>,
    /// The "Add your own value" field.
    pub own_input: String,
}

impl JsonValue for ValuesDraft {
    fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("ranked".into(), self.ranked.clone().into());
        out.insert("own".into(), self.own.clone().into());
        out.insert("own_input".into(), self.own_input.clone().into());
        out.into()
    }
    fn from_json(value: serde_json::Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(ValuesDraft { ranked: f.or_default("ranked")?, own: f.or_default("own")?, own_input: f.or_default("own_input")? })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueProblem {
    Empty,
    TooLong { max: usize },
    AlreadyThere(String),
    TooMany,
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Empty => f.write_str("Type a value first, in a word or two."),
            ValueProblem::TooLong { max } => write!(f, "A value can be at most {max} characters. Nothing was removed — shorten it, then add it."),
            ValueProblem::AlreadyThere(v) => write!(f, "“{v}” is already in your list."),
            ValueProblem::TooMany => write!(f, "You can choose up to {MAX_VALUES} values. Remove one to add another."),
        }
    }
}

impl ValuesDraft {
    pub fn from_saved(v: &Values) -> Self {
        ValuesDraft { ranked: v.ranked.clone(), own: v.own.clone(), own_input: String::new() }
    }

    /// The values to offer: the suggested ones, then the person's own.
    pub fn offered(&self) -> Vec<String> {
        let mut all: Vec<String> = SUGGESTED_VALUES.iter().map(|s| (*s).to_owned()).collect();
        all.extend(self.own.iter().filter(|o| !SUGGESTED_VALUES.contains(&o.as_str())).cloned());
        all
    }

    /// Chooses a value (at the bottom of the ranking) or unchooses it.
    pub fn toggle(&mut self, value: &str) {
        if let Some(i) = self.ranked.iter().position(|v| v == value) {
            self.ranked.remove(i);
        } else if self.ranked.len() < MAX_VALUES {
            self.ranked.push(value.to_owned());
        }
    }

    /// Moves a chosen value one place up (`up`) or down in the ranking.
    pub fn shift(&mut self, value: &str, up: bool) {
        let Some(i) = self.ranked.iter().position(|v| v == value) else { return };
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < self.ranked.len()) };
        if let Some(j) = j {
            self.ranked.swap(i, j);
        }
    }

    /// Adds the typed value to the person's own and chooses it; the field is emptied.
    pub fn add_own(&mut self, lowercase: Lowercase) -> Result<String, ValueProblem> {
        let typed = text::checked("Value", &self.own_input, VALUE_MAX_CHARS).map_err(|_| ValueProblem::TooLong { max: VALUE_MAX_CHARS })?;
        if typed.is_empty() {
            return Err(ValueProblem::Empty);
        }
        let value = lowercase(&typed);
        if self.ranked.contains(&value) {
            return Err(ValueProblem::AlreadyThere(value));
        }
        if self.ranked.len() >= MAX_VALUES {
            return Err(ValueProblem::TooMany);
        }
        if !SUGGESTED_VALUES.contains(&value.as_str()) && !self.own.contains(&value) {
            self.own.push(value.clone());
        }
        self.ranked.push(value.clone());
        self.own_input.clear();
        Ok(value)
    }

    /// Whether the draft says what is saved (the typed-but-not-added field aside).
    pub fn matches(&self, saved: Option<&Values>) -> bool {
        match saved {
            Some(v) => v.ranked == self.ranked && v.own == self.own,
            None => self.ranked.is_empty() && self.own.is_empty(),
        }
    }
}

/// The values document from the draft: new, or the saved one updated.
pub fn save_values(existing: Option<&Values>, draft: &ValuesDraft, now: Now) -> Values {
    match existing {
        Some(v) => Values { header: Header { updated_at: now.at, ..v.header.clone() }, ranked: draft.ranked.clone(), own: draft.own.clone(), extra: v.extra.clone() },
        None => Values { header: Header::new(VALUES_ID.into(), VALUES_TYPE, Values::SCHEMA, now.at), ranked: draft.ranked.clone(), own: draft.own.clone(), extra: Extra::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::time::Timestamp;

    fn lower(s: &str) -> String {
        s.to_lowercase()
    }

    #[test]
    fn choosing_ranking_and_own_values() {
        let mut d = ValuesDraft::default();
        d.toggle("health");
        d.toggle("family");
        d.shift("family", true);
        assert_eq!(d.ranked, ["family", "health"]);
        d.shift("family", true);
        d.shift("health", false);
        assert_eq!(d.ranked, ["family", "health"], "moving past either end does nothing");
        d.own_input = "  Sobriety ".into();
        assert_eq!(d.add_own(lower), Ok("sobriety".into()));
        assert_eq!((d.ranked.last().map(String::as_str), d.own_input.as_str()), (Some("sobriety"), ""));
        assert!(d.offered().contains(&"sobriety".to_owned()));
        d.own_input = "SOBRIETY".into();
        assert_eq!(d.add_own(lower), Err(ValueProblem::AlreadyThere("sobriety".into())));
        d.toggle("sobriety");
        assert!(d.offered().contains(&"sobriety".to_owned()), "own values stay offered when unchosen");
        d.own_input = " ".into();
        assert_eq!(d.add_own(lower), Err(ValueProblem::Empty));
        d.own_input = "x".repeat(41);
        assert_eq!(d.add_own(lower), Err(ValueProblem::TooLong { max: 40 }));
        assert_eq!(d.own_input.len(), 41, "nothing typed is removed");
    }

    #[test]
    fn at_most_twenty_values() {
        let mut d = ValuesDraft::default();
        for i in 0..25 {
            d.toggle(&format!("v{i}"));
        }
        assert_eq!(d.ranked.len(), MAX_VALUES);
        d.own_input = "more".into();
        assert_eq!(d.add_own(lower), Err(ValueProblem::TooMany));
    }

    #[test]
    fn saved_values_round_trip_and_keep_their_header() {
        let now = Now { at: Timestamp::parse_rfc3339("2026-11-22T08:00:00Z").unwrap(), utc_offset_minutes: 0 };
        let d = ValuesDraft { ranked: vec!["calm".into(), "art".into()], own: vec!["art".into()], own_input: String::new() };
        let v = save_values(None, &d, now);
        assert_eq!((v.header.id.as_str(), v.first()), ("values", Some("calm")));
        assert_eq!(decode::<Values>(&encode(&v)), Ok(v.clone()));
        assert!(d.matches(Some(&v)));
        assert!(ValuesDraft::default().matches(None));
        let later = Now { at: Timestamp(now.at.0 + 1000), ..now };
        let again = save_values(Some(&v), &ValuesDraft { ranked: vec!["art".into()], ..d.clone() }, later);
        assert_eq!((again.header.created_at, again.header.updated_at), (v.header.created_at, later.at));
        assert_eq!(ValuesDraft::from_json(d.to_json()), Ok(d));
    }
}
