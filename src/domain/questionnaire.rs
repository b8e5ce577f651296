//! The partner questionnaire: what a person is working on, what they find hard, how and when they
//! like to talk. One document per person (`questionnaire`), shared only with the facilitator, who
//! uses it to pair people up (see [`super::matching`]).
//!
//! Free times are kept as the person sees them (weekday and part of day on their own clock) with
//! the offset from UTC they were at when they answered: asking "Monday evenings" is plainer than
//! asking for hours in UTC, and matching converts both people's times to UTC before comparing.
//! The offset is the one at the time of saving, so a daylight-saving change shifts the free times
//! by an hour until the person saves again; matching tolerates that (it counts overlap, it does not
//! require it to be exact).

use super::doc::{Audience, Document, Extra, Fields, Header, JsonValue};
use super::text::{self, Lowercase, TextTooLong};
use super::time::Now;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::fmt;

pub const QUESTIONNAIRE_TYPE: &str = "questionnaire";
pub const QUESTIONNAIRE_ID: &str = "questionnaire";
/// One focus area or challenge in the person's own words.
pub const ITEM_MAX_CHARS: usize = 60;
pub const LANGUAGE_MAX_CHARS: usize = 40;
pub const GENDER_MAX_CHARS: usize = 60;
pub const NOTES_MAX_CHARS: usize = 2000;
/// The most focus areas, and separately the most challenges, one questionnaire holds.
pub const MAX_ITEMS: usize = 20;
pub const MAX_LANGUAGES: usize = 10;

/// Recovery goals and focus areas offered, in the words people use. Stored by these words.
pub const FOCUS_AREAS: [&str; 12] = [
    "staying sober",
    "cutting down",
    "managing anxiety",
    "managing low mood",
    "sleep",
    "relationships",
    "work or school",
    "anger",
    "grief",
    "self-esteem",
    "routine",
    "physical health",
];

/// Challenges offered. Stored by these words.
pub const CHALLENGES: [&str; 10] = [
    "cravings",
    "loneliness",
    "stress at work",
    "family conflict",
    "boredom",
    "sleep problems",
    "panic",
    "motivation",
    "money worries",
    "social situations",
];

/// The program track. Stored as "mental-health", "substance-use" or "both".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Track {
    MentalHealth,
    SubstanceUse,
    Both,
}

impl Track {
    pub const ALL: [Track; 3] = [Track::MentalHealth, Track::SubstanceUse, Track::Both];

    pub fn as_str(self) -> &'static str {
        match self {
            Track::MentalHealth => "mental-health",
            Track::SubstanceUse => "substance-use",
            Track::Both => "both",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Track::MentalHealth => "Mental health",
            Track::SubstanceUse => "Substance use",
            Track::Both => "Both",
        }
    }
}

/// A way partners can talk. Stored as its lowercase word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Text,
    Call,
    Video,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Text, Channel::Call, Channel::Video];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Text => "text",
            Channel::Call => "call",
            Channel::Video => "video",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Text => "Text messages",
            Channel::Call => "Phone calls",
            Channel::Video => "Video calls",
        }
    }

    /// The label inside a sentence ("Both can use text messages and video calls").
    pub fn noun(self) -> &'static str {
        match self {
            Channel::Text => "text messages",
            Channel::Call => "phone calls",
            Channel::Video => "video calls",
        }
    }
}

/// How a person likes to be spoken to. Stored as its lowercase word; no answer means no preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Direct,
    Gentle,
}

impl Tone {
    pub const ALL: [Tone; 2] = [Tone::Direct, Tone::Gentle];

    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Direct => "direct",
            Tone::Gentle => "gentle",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tone::Direct => "Direct — say it straight",
            Tone::Gentle => "Gentle — go easy",
        }
    }
}

/// How often a person would like to check in with a partner. Stored as its lowercase word.
/// (The same words as `partner::CheckInFrequency`, which the facilitator sets for a pair.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Daily,
    Weekly,
    Biweekly,
}

impl Frequency {
    pub const ALL: [Frequency; 3] = [Frequency::Daily, Frequency::Weekly, Frequency::Biweekly];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Biweekly => "biweekly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Daily => "Daily",
            Frequency::Weekly => "Weekly",
            Frequency::Biweekly => "Every two weeks",
        }
    }

    /// The label inside a sentence ("Both want to check in every two weeks").
    pub fn phrase(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Biweekly => "every two weeks",
        }
    }

    /// How many steps apart two frequencies are: 0 the same, 1 next to each other, 2 daily and biweekly.
    pub fn distance(self, other: Frequency) -> u32 {
        let rank = |f: Frequency| match f {
            Frequency::Daily => 0i32,
            Frequency::Weekly => 1,
            Frequency::Biweekly => 2,
        };
        (rank(self) - rank(other)).unsigned_abs()
    }
}

/// A part of the day on the person's own clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
}

impl PartOfDay {
    pub const ALL: [PartOfDay; 3] = [PartOfDay::Morning, PartOfDay::Afternoon, PartOfDay::Evening];

    pub fn as_str(self) -> &'static str {
        match self {
            PartOfDay::Morning => "morning",
            PartOfDay::Afternoon => "afternoon",
            PartOfDay::Evening => "evening",
        }
    }

    /// The local hours it covers, from the first up to (not including) the second.
    pub fn hours(self) -> (u8, u8) {
        match self {
            PartOfDay::Morning => (6, 12),
            PartOfDay::Afternoon => (12, 17),
            PartOfDay::Evening => (17, 22),
        }
    }
}

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// A weekday (0 = Monday … 6 = Sunday) and a part of that day, on the person's own clock.
/// Stored as "mon-morning". The weekday is private so it is always 0 to 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    day: u8,
    part: PartOfDay,
}

impl Slot {
    pub fn new(day: u8, part: PartOfDay) -> Option<Slot> {
        (day < 7).then_some(Slot { day, part })
    }

    /// Every slot of the week, Monday morning first.
    pub fn all() -> impl Iterator<Item = Slot> {
        (0..7u8).flat_map(|day| PartOfDay::ALL.into_iter().map(move |part| Slot { day, part }))
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn day(self) -> u8 {
        self.day
    }

    pub fn part(self) -> PartOfDay {
        self.part
    }

    /// The stored word: "mon-morning".
    pub fn key(self) -> String {
        let day = DAY_KEYS.get(usize::from(self.day)).copied().unwrap_or_default();
        format!("{day}-{}", self.part.as_str())
    }

    pub fn parse(key: &str) -> Option<Slot> {
        let (day, part) = key.split_once('-')?;
        let day = DAY_KEYS.iter().position(|d| *d == day)?;
        let part = PartOfDay::ALL.into_iter().find(|p| p.as_str() == part)?;
        Slot::new(u8::try_from(day).ok()?, part)
    }

    /// "Monday morning".
    pub fn label(self) -> String {
        let day = DAY_NAMES.get(usize::from(self.day)).copied().unwrap_or_default();
        format!("{day} {}", self.part.as_str())
    }
}

impl<'de> Deserialize<'de> for Slot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        Slot::parse(&key).ok_or_else(|| serde::de::Error::custom(format!("not a time of the week: {key}")))
    }
}

/// The saved questionnaire.
#[derive(Clone, Debug, PartialEq)]
pub struct Questionnaire {
    pub header: Header,
    /// Chosen from [`FOCUS_AREAS`] or in the person's own words (lowercased when added).
    pub focus_areas: Vec<String>,
    /// Chosen from [`CHALLENGES`] or in the person's own words (lowercased when added).
    pub challenges: Vec<String>,
    pub track: Track,
    pub channels: Vec<Channel>,
    /// `None`: no preference.
    pub tone: Option<Tone>,
    pub frequency: Option<Frequency>,
    /// On the person's own clock, in week order.
    pub availability: Vec<Slot>,
    /// Minutes east of UTC when they answered (see the module comment).
    pub utc_offset_minutes: i32,
    /// Lowercased when added.
    pub languages: Vec<String>,
    /// Self-described; may be empty.
    pub gender: String,
    /// A hard preference: matching never pairs them with someone of another (or an unstated) gender.
    pub same_gender_only: bool,
    /// Anything else for the facilitator.
    pub notes: String,
    pub extra: Extra,
}

impl Document for Questionnaire {
    const TYPE: &'static str = QUESTIONNAIRE_TYPE;
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
        Ok(Questionnaire {
            header: f.header()?,
            focus_areas: f.or_default("focus_areas")?,
            challenges: f.or_default("challenges")?,
            track: f.required("track")?,
            channels: f.or_default("channels")?,
            tone: f.or_default("tone")?,
            frequency: f.or_default("frequency")?,
            availability: f.or_default("availability")?,
            utc_offset_minutes: f.or_default("utc_offset_minutes")?,
            languages: f.or_default("languages")?,
            gender: f.or_default("gender")?,
            same_gender_only: f.or_default("same_gender_only")?,
            notes: f.or_default("notes")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("focus_areas".into(), self.focus_areas.clone().into());
        out.insert("challenges".into(), self.challenges.clone().into());
        out.insert("track".into(), self.track.as_str().into());
        out.insert("channels".into(), self.channels.iter().map(|c| c.as_str()).collect::<Vec<_>>().into());
        if let Some(tone) = self.tone {
            out.insert("tone".into(), tone.as_str().into());
        }
        if let Some(frequency) = self.frequency {
            out.insert("frequency".into(), frequency.as_str().into());
        }
        out.insert("availability".into(), self.availability.iter().map(|s| s.key()).collect::<Vec<_>>().into());
        out.insert("utc_offset_minutes".into(), self.utc_offset_minutes.into());
        out.insert("languages".into(), self.languages.clone().into());
        out.insert("gender".into(), self.gender.clone().into());
        out.insert("same_gender_only".into(), self.same_gender_only.into());
        out.insert("notes".into(), self.notes.clone().into());
    }
}

impl Questionnaire {
    /// What matching needs and this questionnaire lacks, in a few words each ("how often").
    /// Saving refuses a questionnaire without these, so only a document written elsewhere (by
    /// another version, or by hand) can lack them.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.channels.is_empty() {
            missing.push("a way to talk");
        }
        if self.frequency.is_none() {
            missing.push("how often");
        }
        if self.languages.iter().all(|l| l.trim().is_empty()) {
            missing.push("a language");
        }
        if self.availability.is_empty() {
            missing.push("free times");
        }
        missing
    }

    /// Everything matching needs is there.
    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }
}

/// Which own-words field of the form an entry is typed into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnWords {
    FocusArea,
    Challenge,
    Language,
}

impl OwnWords {
    fn max_chars(self) -> usize {
        match self {
            OwnWords::FocusArea | OwnWords::Challenge => ITEM_MAX_CHARS,
            OwnWords::Language => LANGUAGE_MAX_CHARS,
        }
    }

    fn max_items(self) -> usize {
        match self {
            OwnWords::FocusArea | OwnWords::Challenge => MAX_ITEMS,
            OwnWords::Language => MAX_LANGUAGES,
        }
    }
}

/// Why a typed entry was not added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnWordsProblem {
    Empty,
    TooLong { max: usize },
    AlreadyThere(String),
    TooMany { max: usize },
}

impl fmt::Display for OwnWordsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnWordsProblem::Empty => f.write_str("Type a few words first."),
            OwnWordsProblem::TooLong { max } => write!(f, "This can be at most {max} characters. Nothing was removed — shorten it, then add it."),
            OwnWordsProblem::AlreadyThere(v) => write!(f, "“{v}” is already in your list."),
            OwnWordsProblem::TooMany { max } => write!(f, "This list holds up to {max}. Remove one to add another."),
        }
    }
}

/// The questionnaire form as the person left it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionnaireDraft {
    pub focus_areas: Vec<String>,
    /// The "Add your own" field under focus areas.
    pub focus_input: String,
    pub challenges: Vec<String>,
    /// The "Add your own" field under challenges.
    pub challenge_input: String,
    pub track: Option<Track>,
    pub channels: Vec<Channel>,
    pub tone: Option<Tone>,
    pub frequency: Option<Frequency>,
    pub availability: Vec<Slot>,
    pub languages: Vec<String>,
    /// The "Add a language" field.
    pub language_input: String,
    pub gender: String,
    pub same_gender_only: bool,
    pub notes: String,
}

fn words<T: Copy>(items: &[T], word: fn(T) -> &'static str) -> Value {
    items.iter().map(|i| word(*i)).collect::<Vec<_>>().into()
}

impl JsonValue for QuestionnaireDraft {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("focus_areas".into(), self.focus_areas.clone().into());
        out.insert("focus_input".into(), self.focus_input.clone().into());
        out.insert("challenges".into(), self.challenges.clone().into());
        out.insert("challenge_input".into(), self.challenge_input.clone().into());
        out.insert("track".into(), self.track.map(Track::as_str).into());
        out.insert("channels".into(), words(&self.channels, Channel::as_str));
        out.insert("tone".into(), self.tone.map(Tone::as_str).into());
        out.insert("frequency".into(), self.frequency.map(Frequency::as_str).into());
        out.insert("availability".into(), self.availability.iter().map(|s| s.key()).collect::<Vec<_>>().into());
        out.insert("languages".into(), self.languages.clone().into());
        out.insert("language_input".into(), self.language_input.clone().into());
        out.insert("gender".into(), self.gender.clone().into());
        out.insert("same_gender_only".into(), self.same_gender_only.into());
        out.insert("notes".into(), self.notes.clone().into());
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(QuestionnaireDraft {
            focus_areas: f.or_default("focus_areas")?,
            focus_input: f.or_default("focus_input")?,
            challenges: f.or_default("challenges")?,
            challenge_input: f.or_default("challenge_input")?,
            track: f.or_default("track")?,
            channels: f.or_default("channels")?,
            tone: f.or_default("tone")?,
            frequency: f.or_default("frequency")?,
            availability: f.or_default("availability")?,
            languages: f.or_default("languages")?,
            language_input: f.or_default("language_input")?,
            gender: f.or_default("gender")?,
            same_gender_only: f.or_default("same_gender_only")?,
            notes: f.or_default("notes")?,
        })
    }
}

/// Adds `item` if it is not there, removes it if it is.
fn toggle<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(item),
    }
}

/// The offered words, then the person's own ones not among them.
fn offered(suggested: &[&str], chosen: &[String]) -> Vec<String> {
    let mut all: Vec<String> = suggested.iter().map(|s| (*s).to_owned()).collect();
    all.extend(chosen.iter().filter(|c| !suggested.contains(&c.as_str())).cloned());
    all
}

impl QuestionnaireDraft {
    pub fn from_saved(q: &Questionnaire) -> Self {
        QuestionnaireDraft {
            focus_areas: q.focus_areas.clone(),
            focus_input: String::new(),
            challenges: q.challenges.clone(),
            challenge_input: String::new(),
            track: Some(q.track),
            channels: q.channels.clone(),
            tone: q.tone,
            frequency: q.frequency,
            availability: q.availability.clone(),
            languages: q.languages.clone(),
            language_input: String::new(),
            gender: q.gender.clone(),
            same_gender_only: q.same_gender_only,
            notes: q.notes.clone(),
        }
    }

    /// The focus areas to show: the offered ones, then the person's own.
    pub fn offered_focus_areas(&self) -> Vec<String> {
        offered(&FOCUS_AREAS, &self.focus_areas)
    }

    /// The challenges to show: the offered ones, then the person's own.
    pub fn offered_challenges(&self) -> Vec<String> {
        offered(&CHALLENGES, &self.challenges)
    }

    pub fn toggle_focus_area(&mut self, area: &str) {
        toggle(&mut self.focus_areas, area.to_owned());
    }

    pub fn toggle_challenge(&mut self, challenge: &str) {
        toggle(&mut self.challenges, challenge.to_owned());
    }

    pub fn toggle_language(&mut self, language: &str) {
        toggle(&mut self.languages, language.to_owned());
    }

    pub fn toggle_channel(&mut self, channel: Channel) {
        toggle(&mut self.channels, channel);
    }

    pub fn toggle_slot(&mut self, slot: Slot) {
        toggle(&mut self.availability, slot);
    }

    /// Adds what was typed into one of the own-words fields (lowercased, so "Spanish" and
    /// "spanish" are one language for matching) and empties the field.
    pub fn add_own(&mut self, field: OwnWords, lowercase: Lowercase) -> Result<String, OwnWordsProblem> {
        let (input, list) = match field {
            OwnWords::FocusArea => (&mut self.focus_input, &mut self.focus_areas),
            OwnWords::Challenge => (&mut self.challenge_input, &mut self.challenges),
            OwnWords::Language => (&mut self.language_input, &mut self.languages),
        };
        let max = field.max_chars();
        let typed = text::checked("Entry", input, max).map_err(|_| OwnWordsProblem::TooLong { max })?;
        if typed.is_empty() {
            return Err(OwnWordsProblem::Empty);
        }
        let item = lowercase(&typed);
        if list.contains(&item) {
            return Err(OwnWordsProblem::AlreadyThere(item));
        }
        if list.len() >= field.max_items() {
            return Err(OwnWordsProblem::TooMany { max: field.max_items() });
        }
        list.push(item.clone());
        input.clear();
        Ok(item)
    }

    /// Every answer saving requires is given (lengths are checked only when saving).
    pub fn is_complete(&self) -> bool {
        self.track.is_some()
            && !self.channels.is_empty()
            && self.frequency.is_some()
            && self.languages.iter().any(|l| !l.trim().is_empty())
            && !self.availability.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionnaireProblem {
    NoTrack,
    NoChannel,
    NoFrequency,
    NoLanguage,
    NoAvailability,
    TooLong(TextTooLong),
    TooMany { field: &'static str, found: usize, max: usize },
}

impl fmt::Display for QuestionnaireProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuestionnaireProblem::NoTrack => f.write_str("Choose your track: mental health, substance use, or both."),
            QuestionnaireProblem::NoChannel => f.write_str("Choose at least one way to talk with a partner: text messages, phone calls or video calls."),
            QuestionnaireProblem::NoFrequency => f.write_str("Choose how often you'd like to check in with a partner."),
            QuestionnaireProblem::NoLanguage => f.write_str("Add at least one language you can talk in."),
            QuestionnaireProblem::NoAvailability => f.write_str("Choose at least one time of the week when you're usually free."),
            QuestionnaireProblem::TooLong(t) => f.write_str(&t.message()),
            QuestionnaireProblem::TooMany { field, found, max } => {
                write!(f, "{field} has {found} entries; the most it can hold is {max}. Nothing was removed — remove some, then save again.")
            }
        }
    }
}

/// Trims each entry, drops empty ones and repeats (keeping the first), and checks each length.
fn clean_list(field: &'static str, items: &[String], max_chars: usize, max_items: usize, problems: &mut Vec<QuestionnaireProblem>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        match text::checked(field, item, max_chars) {
            Ok(t) if t.is_empty() || out.contains(&t) => {}
            Ok(t) => out.push(t),
            Err(e) => problems.push(QuestionnaireProblem::TooLong(e)),
        }
    }
    if out.len() > max_items {
        problems.push(QuestionnaireProblem::TooMany { field, found: out.len(), max: max_items });
    }
    out
}

/// Drops repeats, keeping the first.
fn distinct<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

/// The questionnaire from the draft: new, or the saved one updated (keeping its id, revision,
/// creation time and any fields this version does not know). Always shared with the facilitator
/// only: it exists to be read by them. The time zone is the one the person answers in, `now`'s.
pub fn save_questionnaire(existing: Option<&Questionnaire>, draft: &QuestionnaireDraft, now: Now) -> Result<Questionnaire, Vec<QuestionnaireProblem>> {
    let mut problems = Vec::new();
    if draft.track.is_none() {
        problems.push(QuestionnaireProblem::NoTrack);
    }
    if draft.channels.is_empty() {
        problems.push(QuestionnaireProblem::NoChannel);
    }
    if draft.frequency.is_none() {
        problems.push(QuestionnaireProblem::NoFrequency);
    }
    if draft.languages.iter().all(|l| l.trim().is_empty()) {
        problems.push(QuestionnaireProblem::NoLanguage);
    }
    if draft.availability.is_empty() {
        problems.push(QuestionnaireProblem::NoAvailability);
    }
    let focus_areas = clean_list("A focus area", &draft.focus_areas, ITEM_MAX_CHARS, MAX_ITEMS, &mut problems);
    let challenges = clean_list("A challenge", &draft.challenges, ITEM_MAX_CHARS, MAX_ITEMS, &mut problems);
    let languages = clean_list("A language", &draft.languages, LANGUAGE_MAX_CHARS, MAX_LANGUAGES, &mut problems);
    let mut checked = |name: &'static str, value: &str, max: usize| match text::checked(name, value, max) {
        Ok(v) => v,
        Err(e) => {
            problems.push(QuestionnaireProblem::TooLong(e));
            String::new()
        }
    };
    let gender = checked("Gender", &draft.gender, GENDER_MAX_CHARS);
    let notes = checked("Anything else", &draft.notes, NOTES_MAX_CHARS);
    let (Some(track), true) = (draft.track, problems.is_empty()) else {
        return Err(problems);
    };
    // Week order, so the stored list does not depend on the order the boxes were ticked.
    let mut availability = distinct(&draft.availability);
    super::order::sort_by(&mut availability, Slot::cmp);
    let mut channels = distinct(&draft.channels);
    super::order::sort_by(&mut channels, Channel::cmp);
    let header = match existing {
        Some(q) => Header { updated_at: now.at, ..q.header.clone() },
        None => Header::new(QUESTIONNAIRE_ID.into(), QUESTIONNAIRE_TYPE, Questionnaire::SCHEMA, now.at),
    };
    Ok(Questionnaire {
        header: Header { audience: Audience::Facilitator, ..header },
        focus_areas,
        challenges,
        track,
        channels,
        tone: draft.tone,
        frequency: draft.frequency,
        availability,
        utc_offset_minutes: now.utc_offset_minutes,
        languages,
        gender,
        same_gender_only: draft.same_gender_only,
        notes,
        extra: existing.map(|q| q.extra.clone()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::time::Timestamp;
    use serde_json::json;

    fn now(s: &str, offset: i32) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: offset }
    }
    fn lower(s: &str) -> String {
        s.to_lowercase()
    }
    fn slot(key: &str) -> Slot {
        Slot::parse(key).unwrap()
    }
    fn complete() -> QuestionnaireDraft {
        QuestionnaireDraft {
            focus_areas: vec!["staying sober".into(), "sleep".into()],
            challenges: vec!["cravings".into()],
            track: Some(Track::SubstanceUse),
            channels: vec![Channel::Video, Channel::Text],
            tone: Some(Tone::Gentle),
            frequency: Some(Frequency::Weekly),
            availability: vec![slot("wed-evening"), slot("mon-morning")],
            languages: vec!["english".into()],
            gender: " woman ".into(),
            same_gender_only: true,
            notes: "I work nights on Fridays".into(),
            ..Default::default()
        }
    }

    #[test]
    fn slots_are_stored_as_day_and_part() {
        assert_eq!(slot("mon-morning"), Slot::new(0, PartOfDay::Morning).unwrap());
        assert_eq!(slot("sun-evening").key(), "sun-evening");
        assert_eq!(slot("thu-afternoon").label(), "Thursday afternoon");
        assert_eq!(Slot::all().count(), 21);
        assert!(Slot::all().all(|s| Slot::parse(&s.key()) == Some(s)));
        for bad in ["", "mon", "monday-morning", "mon-night", "mon-morning-x", "MON-morning"] {
            assert_eq!(Slot::parse(bad), None, "{bad}");
        }
        assert_eq!(Slot::new(7, PartOfDay::Evening), None);
        assert_eq!(Frequency::Biweekly.label(), "Every two weeks");
        assert_eq!((Frequency::Daily.distance(Frequency::Biweekly), Frequency::Weekly.distance(Frequency::Daily)), (2, 1));
    }

    #[test]
    fn a_complete_draft_saves_for_the_facilitator_and_round_trips() {
        let q = save_questionnaire(None, &complete(), now("2026-11-22T08:00:00Z", -300)).unwrap();
        assert_eq!((q.header.id.as_str(), q.header.audience), ("questionnaire", Audience::Facilitator));
        assert_eq!(q.channels, [Channel::Text, Channel::Video], "stored in a fixed order");
        assert_eq!(q.availability, [slot("mon-morning"), slot("wed-evening")], "week order");
        assert_eq!((q.gender.as_str(), q.utc_offset_minutes), ("woman", -300));
        assert!(q.is_complete());
        let stored = encode(&q);
        assert_eq!(stored["track"], "substance-use");
        assert_eq!(stored["availability"], json!(["mon-morning", "wed-evening"]));
        assert_eq!(stored["channels"], json!(["text", "video"]));
        assert_eq!((stored["tone"].clone(), stored["frequency"].clone()), (json!("gentle"), json!("weekly")));
        assert_eq!(decode::<Questionnaire>(&stored), Ok(q.clone()));
        let back = QuestionnaireDraft::from_saved(&q);
        assert_eq!(back.track, Some(Track::SubstanceUse));
        assert!(back.is_complete());
    }

    #[test]
    fn missing_answers_are_named_in_plain_words() {
        let err = save_questionnaire(None, &QuestionnaireDraft::default(), now("2026-11-22T08:00:00Z", 0)).unwrap_err();
        assert_eq!(
            err,
            [
                QuestionnaireProblem::NoTrack,
                QuestionnaireProblem::NoChannel,
                QuestionnaireProblem::NoFrequency,
                QuestionnaireProblem::NoLanguage,
                QuestionnaireProblem::NoAvailability
            ]
        );
        assert_eq!(err[0].to_string(), "Choose your track: mental health, substance use, or both.");
        assert!(err[1].to_string().contains("way to talk"));
        assert!(!QuestionnaireDraft::default().is_complete());
        let blank_language = QuestionnaireDraft { languages: vec!["  ".into()], ..complete() };
        assert_eq!(save_questionnaire(None, &blank_language, now("2026-11-22T08:00:00Z", 0)).unwrap_err(), [QuestionnaireProblem::NoLanguage]);
    }

    #[test]
    fn too_long_texts_and_lists_are_refused_never_cut() {
        let d = QuestionnaireDraft {
            notes: "é".repeat(NOTES_MAX_CHARS + 1),
            gender: "x".repeat(GENDER_MAX_CHARS + 1),
            focus_areas: vec!["y".repeat(ITEM_MAX_CHARS + 1)],
            challenges: (0..21).map(|i| format!("c{i}")).collect(),
            ..complete()
        };
        let err = save_questionnaire(None, &d, now("2026-11-22T08:00:00Z", 0)).unwrap_err();
        assert_eq!(err.len(), 4);
        assert!(err[0].to_string().starts_with("A focus area is 61 characters long"));
        assert_eq!(err[1], QuestionnaireProblem::TooMany { field: "A challenge", found: 21, max: MAX_ITEMS });
        assert!(err[1].to_string().contains("the most it can hold is 20"));
        assert!(err[2].to_string().starts_with("Gender is 61 characters long"));
        assert!(err[3].to_string().starts_with("Anything else is 2001 characters long"));
    }

    #[test]
    fn editing_keeps_the_header_and_unknown_fields_and_takes_the_new_time_zone() {
        let q = save_questionnaire(None, &complete(), now("2026-11-22T08:00:00Z", 60)).unwrap();
        let mut stored = encode(&q);
        stored["_rev"] = "3-abc".into();
        stored["future"] = json!({"x": 1});
        let q: Questionnaire = decode(&stored).unwrap();
        let edited = QuestionnaireDraft { languages: vec!["english".into(), " english ".into(), "french".into()], ..QuestionnaireDraft::from_saved(&q) };
        let later = now("2026-12-01T08:00:00Z", 0);
        let again = save_questionnaire(Some(&q), &edited, later).unwrap();
        assert_eq!((again.header.rev.as_deref(), again.header.created_at, again.header.updated_at), (Some("3-abc"), q.header.created_at, later.at));
        assert_eq!(again.languages, ["english", "french"], "repeats dropped");
        assert_eq!(again.utc_offset_minutes, 0);
        assert_eq!(encode(&again)["future"], json!({"x": 1}));
    }

    #[test]
    fn stored_documents_are_read_with_defaults_and_refused_when_wrong() {
        let base = json!({"_id": "questionnaire", "type": "questionnaire", "schema": 1, "track": "both",
                          "created_at": "2026-11-22T08:00:00.000Z", "updated_at": "2026-11-22T08:00:00.000Z"});
        let q: Questionnaire = decode(&base).unwrap();
        assert_eq!((q.track, q.tone, q.frequency, q.same_gender_only), (Track::Both, None, None, false));
        assert_eq!(q.missing(), ["a way to talk", "how often", "a language", "free times"]);
        assert!(!q.is_complete());
        for (key, bad) in [("track", json!("neither")), ("availability", json!(["mon-night"])), ("channels", json!(["fax"])), ("frequency", json!("monthly"))] {
            let mut v = base.clone();
            v[key] = bad;
            assert!(decode::<Questionnaire>(&v).is_err(), "{key}");
        }
        let mut no_track = base.clone();
        no_track.as_object_mut().unwrap().remove("track");
        assert!(decode::<Questionnaire>(&no_track).is_err());
    }

    #[test]
    fn own_words_are_lowercased_added_once_and_kept_offered() {
        let mut d = QuestionnaireDraft { focus_input: "  Gardening ".into(), language_input: "Spanish".into(), ..Default::default() };
        assert_eq!(d.add_own(OwnWords::FocusArea, lower), Ok("gardening".into()));
        assert_eq!(d.focus_input, "");
        assert!(d.offered_focus_areas().ends_with(&["gardening".to_owned()]));
        assert_eq!(d.offered_focus_areas().len(), FOCUS_AREAS.len() + 1);
        d.focus_input = "GARDENING".into();
        assert_eq!(d.add_own(OwnWords::FocusArea, lower), Err(OwnWordsProblem::AlreadyThere("gardening".into())));
        assert_eq!(d.add_own(OwnWords::Language, lower), Ok("spanish".into()));
        d.challenge_input = "x".repeat(ITEM_MAX_CHARS + 1);
        assert_eq!(d.add_own(OwnWords::Challenge, lower), Err(OwnWordsProblem::TooLong { max: ITEM_MAX_CHARS }));
        assert_eq!(d.challenge_input.len(), ITEM_MAX_CHARS + 1, "nothing typed is removed");
        d.challenge_input = " ".into();
        assert_eq!(d.add_own(OwnWords::Challenge, lower), Err(OwnWordsProblem::Empty));
        for i in 0..MAX_LANGUAGES {
            d.toggle_language(&format!("l{i}"));
        }
        d.language_input = "one more".into();
        assert_eq!(d.add_own(OwnWords::Language, lower), Err(OwnWordsProblem::TooMany { max: MAX_LANGUAGES }));
        d.toggle_challenge("panic");
        d.toggle_channel(Channel::Call);
        d.toggle_slot(slot("fri-evening"));
        d.toggle_slot(slot("fri-evening"));
        d.toggle_focus_area("sleep");
        assert_eq!((d.challenges.len(), d.channels.len(), d.availability.len(), d.focus_areas.len()), (1, 1, 0, 2));
    }

    #[test]
    fn drafts_round_trip_and_refuse_wrong_types() {
        let d = QuestionnaireDraft { focus_input: "half typed".into(), tone: None, ..complete() };
        assert_eq!(QuestionnaireDraft::from_json(d.to_json()), Ok(d.clone()));
        assert_eq!(d.to_json()["tone"], Value::Null);
        assert_eq!(d.to_json()["availability"], json!(["wed-evening", "mon-morning"]), "the draft keeps the order ticked");
        assert_eq!(QuestionnaireDraft::from_json(json!({})), Ok(QuestionnaireDraft::default()));
        assert_eq!(QuestionnaireDraft::from_json(json!({"track": null, "unknown": 1})), Ok(QuestionnaireDraft::default()));
        assert!(QuestionnaireDraft::from_json(json!({"track": "mental_health"})).is_err());
        assert!(QuestionnaireDraft::from_json(json!({"same_gender_only": "yes"})).is_err());
    }
}
