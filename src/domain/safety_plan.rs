//! The safety plan, in the six steps of the Stanley–Brown model, plus reasons for living. Private:
//! it stays in the person's own database. Its people (step 4) and professionals (step 5) are shown
//! wherever someone reaches out in a bad moment ("I'm struggling", the crisis screen), with one tap
//! to call.

use super::doc::{Document, Extra, Fields, Header, JsonValue};
use super::text::{self, TextTooLong};
use super::time::Now;
use serde_json::{Map, Value};
use std::fmt;

pub const SAFETY_PLAN_TYPE: &str = "safety-plan";
pub const SAFETY_PLAN_ID: &str = "safety-plan";
pub const STEP_MAX_CHARS: usize = 2000;

/// The plan's parts, in the model's order: (field, heading, hint).
pub const STEPS: [(&str, &str, &str); 7] = [
    ("warning_signs", "My warning signs", "Thoughts, moods or situations that tell me a crisis may be coming."),
    ("coping", "Things I can do on my own", "To take my mind off things: a walk, music, a shower…"),
    ("distractions", "People and places that distract me", "Where I can be around others: a café, a friend's place, a meeting."),
    ("helpers", "People I can ask for help", "One per line: a name, then a phone number — “Mum 555 0100”."),
    ("professionals", "Professionals I can call", "One per line: a name, then a phone number — my clinician, my program."),
    ("environment", "Making my surroundings safe", "What I can put away or ask someone to keep for me."),
    ("reasons", "My reasons for living", "What matters most to me, and is worth staying for."),
];

/// Someone to call, from one line of the plan: the words before the number are the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    /// Digits and a leading `+` only, for a `tel:` link; empty when the line has no number.
    pub phone: String,
}

impl Contact {
    pub fn tel_href(&self) -> Option<String> {
        (!self.phone.is_empty()).then(|| format!("tel:{}", self.phone))
    }
}

/// Reads "Mum 555 0100", "Dr Ortiz: +1 (555) 010-0200" or just "my sister" into a contact.
pub fn contact_of(line: &str) -> Option<Contact> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    // The number starts at the first digit or '+' followed by digits; everything before is the name.
    let start = line.char_indices().find(|(i, c)| c.is_ascii_digit() || (*c == '+' && line.get(i + 1..).is_some_and(|rest| rest.starts_with(|d: char| d.is_ascii_digit())))).map(|(i, _)| i);
    let (name, number) = match start {
        Some(i) => (&line[..i], &line[i..]),
        None => (line, ""),
    };
    let phone: String = number.chars().enumerate().filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+')).map(|(_, c)| c).collect();
    // Fewer than three digits is not a number to call ("Room 2"): the whole line is the name.
    if phone.chars().filter(char::is_ascii_digit).count() < 3 {
        return Some(Contact { name: line.to_owned(), phone: String::new() });
    }
    let name = name.trim().trim_end_matches([':', '-', '—', '–', ',']).trim();
    let name = if name.is_empty() { line.to_owned() } else { name.to_owned() };
    Some(Contact { name, phone })
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SafetyPlanText {
    /// Each step's text as typed, by field name (see [`STEPS`]).
    pub steps: Vec<(String, String)>,
}

impl SafetyPlanText {
    pub fn get(&self, field: &str) -> &str {
        self.steps.iter().find(|(f, _)| f == field).map(|(_, t)| t.as_str()).unwrap_or("")
    }

    pub fn set(&mut self, field: &str, text: String) {
        match self.steps.iter_mut().find(|(f, _)| f == field) {
            Some((_, t)) => *t = text,
            None => self.steps.push((field.to_owned(), text)),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.steps.iter().all(|(_, t)| t.trim().is_empty())
    }

    /// The people to call, then the professionals.
    pub fn contacts(&self) -> Vec<Contact> {
        ["helpers", "professionals"].iter().flat_map(|f| self.get(f).lines().filter_map(contact_of).collect::<Vec<_>>()).collect()
    }

    fn write(&self, out: &mut Map<String, Value>) {
        for (field, _, _) in STEPS {
            out.insert(field.into(), self.get(field).to_owned().into());
        }
    }

    fn read(f: &mut Fields) -> Result<Self, String> {
        let mut steps = Vec::with_capacity(STEPS.len());
        for (field, _, _) in STEPS {
            steps.push((field.to_owned(), f.or_default::<String>(field)?));
        }
        Ok(SafetyPlanText { steps })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SafetyPlan {
    pub header: Header,
    pub text: SafetyPlanText,
    pub extra: Extra,
}

impl Document for SafetyPlan {
    const TYPE: &'static str = SAFETY_PLAN_TYPE;
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
        Ok(SafetyPlan { header: f.header()?, text: SafetyPlanText::read(f)?, extra: f.rest() })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        self.text.write(out);
    }
}

impl JsonValue for SafetyPlanText {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        self.write(&mut out);
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        SafetyPlanText::read(&mut Fields::object(value)?)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanTooLong(pub TextTooLong);

impl fmt::Display for PlanTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message())
    }
}

/// The plan from what was typed: new, or the saved one updated. Too-long steps are refused, never cut.
pub fn save_plan(existing: Option<&SafetyPlan>, typed: &SafetyPlanText, now: Now) -> Result<SafetyPlan, Vec<PlanTooLong>> {
    let mut problems = Vec::new();
    let mut text = SafetyPlanText::default();
    for (field, heading, _) in STEPS {
        match text::checked(heading, typed.get(field), STEP_MAX_CHARS) {
            Ok(t) => text.set(field, t),
            Err(e) => problems.push(PlanTooLong(e)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(match existing {
        Some(p) => SafetyPlan { header: Header { updated_at: now.at, ..p.header.clone() }, text, extra: p.extra.clone() },
        None => SafetyPlan { header: Header::new(SAFETY_PLAN_ID.into(), SAFETY_PLAN_TYPE, SafetyPlan::SCHEMA, now.at), text, extra: Extra::new() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::time::Timestamp;

    #[test]
    fn contacts_are_read_from_plain_lines() {
        assert_eq!(contact_of("Mum 555 0100"), Some(Contact { name: "Mum".into(), phone: "5550100".into() }));
        assert_eq!(contact_of("Dr Ortiz: +1 (555) 010-0200"), Some(Contact { name: "Dr Ortiz".into(), phone: "+15550100200".into() }));
        assert_eq!(contact_of("  my sister  "), Some(Contact { name: "my sister".into(), phone: String::new() }));
        assert_eq!(contact_of("Room 2"), Some(Contact { name: "Room 2".into(), phone: String::new() }), "too short to be a number");
        assert_eq!(contact_of("   "), None);
        assert_eq!(contact_of("0800 111"), Some(Contact { name: "0800 111".into(), phone: "0800111".into() }));
        assert_eq!(contact_of("Zoë — 07700 900123").and_then(|c| c.tel_href()), Some("tel:07700900123".into()));
        assert_eq!(contact_of("é+").map(|c| c.phone), Some(String::new()), "no panic on multibyte text");
    }

    #[test]
    fn the_plan_round_trips_and_lists_its_people() {
        let now = Now { at: Timestamp::parse_rfc3339("2026-11-23T08:00:00Z").unwrap(), utc_offset_minutes: 0 };
        let mut typed = SafetyPlanText::default();
        typed.set("helpers", "Mum 555 0100\n\nSam".into());
        typed.set("professionals", "Program line 555 0199".into());
        typed.set("reasons", " my kids ".into());
        let plan = save_plan(None, &typed, now).unwrap();
        assert_eq!(plan.text.get("reasons"), "my kids");
        assert_eq!(decode::<SafetyPlan>(&encode(&plan)), Ok(plan.clone()));
        assert_eq!(plan.text.contacts().iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Mum", "Sam", "Program line"]);
        assert_eq!(SafetyPlanText::from_json(typed.to_json()).map(|t| t.contacts().len()), Ok(3));
        typed.set("coping", "x".repeat(STEP_MAX_CHARS + 1));
        let err = save_plan(Some(&plan), &typed, now).unwrap_err();
        assert!(err[0].to_string().starts_with("Things I can do on my own is 2001 characters long"));
    }
}
