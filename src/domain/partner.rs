//! Accountability partners: the facilitator's pairing notice, partner check-ins, replies and
//! reactions, urgent "I'm struggling" notes with their delivery receipts, and re-pair requests.
//! The schedule (when a check-in is due, when to remind) is in [`super::partner_schedule`]; which
//! remote database each document goes to is in [`super::routing`].
//!
//! Every document two partners share carries `pair_id` (so routing can send it to the pair's
//! database) and `author` (the writer's username: the server's `validate_doc_update` accepts a
//! document only from the person it names, so nobody can write "as" their partner).

use super::doc::{Audience, Document, Extra, Fields, Header, JsonValue};
use super::text::{self, TextTooLong};
use super::time::{LocalDay, Now, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

pub const PAIRING_TYPE: &str = "pairing";
pub const PARTNER_CHECKIN_TYPE: &str = "partner-checkin";
pub const PARTNER_REPLY_TYPE: &str = "partner-reply";
pub const URGENT_NOTE_TYPE: &str = "urgent-note";
pub const URGENT_RECEIPT_TYPE: &str = "urgent-receipt";
pub const REPAIR_REQUEST_TYPE: &str = "repair-request";

pub const CHECKIN_TEXT_MAX_CHARS: usize = 1000;
pub const REPLY_MAX_CHARS: usize = 1000;
pub const URGENT_MAX_CHARS: usize = 500;
pub const REPAIR_REASON_MAX_CHARS: usize = 1000;

/// What an urgent note says when the person sent it without words: reaching out should take one tap.
pub const URGENT_DEFAULT_TEXT: &str = "I'm struggling right now and could use you.";

const PAIR_DB_PREFIX: &str = "tandem-pair-";

/// The pair's shared database.
pub fn pair_db_name(pair_id: &str) -> String {
    format!("{PAIR_DB_PREFIX}{pair_id}")
}

/// Whether `pair_id` makes a database name CouchDB accepts: after the prefix, only `a-z 0-9 _ $ ( ) + / -`,
/// and at most 238 characters in all. Routing sends nothing to a pair with any other id: the server
/// would refuse the name, and the document would sit unsent with no one able to tell why.
pub fn is_valid_pair_id(pair_id: &str) -> bool {
    Header::is_valid_db_suffix(PAIR_DB_PREFIX, pair_id)
}

/// How often partners check in, chosen by the facilitator. Stored as its lowercase word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckInFrequency {
    Daily,
    #[default]
    Weekly,
    Biweekly,
}

impl CheckInFrequency {
    pub const ALL: [CheckInFrequency; 3] = [CheckInFrequency::Daily, CheckInFrequency::Weekly, CheckInFrequency::Biweekly];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckInFrequency::Daily => "daily",
            CheckInFrequency::Weekly => "weekly",
            CheckInFrequency::Biweekly => "biweekly",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckInFrequency::Daily => "Daily",
            CheckInFrequency::Weekly => "Weekly",
            CheckInFrequency::Biweekly => "Every two weeks",
        }
    }

    /// The length of one check-in period in civil days.
    pub fn period_days(self) -> i32 {
        match self {
            CheckInFrequency::Daily => 1,
            CheckInFrequency::Weekly => 7,
            CheckInFrequency::Biweekly => 14,
        }
    }
}

fn new_header(id: String, doc_type: &str, schema: u32, audience: Audience, now: Now) -> Header {
    Header::shared(id, doc_type, schema, audience, now.at)
}

// ---------------------------------------------------------------------------------------------
// Pairing

/// The facilitator's notice that some participants are partners. Written by the facilitator (a
/// database admin, so it needs no `author`) into each member's care database; the app only reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pairing {
    pub header: Header,
    pub pair_id: String,
    /// The pair database's name as the facilitator wrote it. Sync uses [`pair_db_name`] of
    /// `pair_id`, so a mistyped `db` cannot send partner data elsewhere.
    pub db: String,
    pub members: Vec<String>,
    /// Why these people were paired, in the facilitator's words.
    pub reasons: Vec<String>,
    pub score: u32,
    pub frequency: CheckInFrequency,
    pub started: LocalDay,
    /// Set when the members were re-paired: the first day the pairing no longer holds.
    pub ended: Option<LocalDay>,
    pub extra: Extra,
}

impl Document for Pairing {
    const TYPE: &'static str = PAIRING_TYPE;
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
        Ok(Pairing {
            header: f.header()?,
            pair_id: f.required("pair_id")?,
            db: f.or_default("db")?,
            members: f.required("members")?,
            reasons: f.or_default("reasons")?,
            score: f.or_default("score")?,
            frequency: f.or_default("frequency")?,
            started: f.required("started")?,
            ended: f.or_default("ended")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("pair_id".into(), self.pair_id.clone().into());
        out.insert("db".into(), self.db.clone().into());
        out.insert("members".into(), self.members.clone().into());
        out.insert("reasons".into(), self.reasons.clone().into());
        out.insert("score".into(), self.score.into());
        out.insert("frequency".into(), self.frequency.as_str().into());
        out.insert("started".into(), self.started.to_string().into());
        if let Some(ended) = self.ended {
            out.insert("ended".into(), ended.to_string().into());
        }
    }
}

pub fn pairing_id(pair_id: &str) -> String {
    format!("{PAIRING_TYPE}:{pair_id}")
}

impl Pairing {
    /// A new pairing, for the facilitator's app to write into each member's care database.
    pub fn new(pair_id: &str, members: Vec<String>, reasons: Vec<String>, score: u32, frequency: CheckInFrequency, started: LocalDay, now: Now) -> Pairing {
        Pairing {
            header: new_header(pairing_id(pair_id), PAIRING_TYPE, Pairing::SCHEMA, Audience::Facilitator, now),
            pair_id: pair_id.to_owned(),
            db: pair_db_name(pair_id),
            members,
            reasons,
            score,
            frequency,
            started,
            ended: None,
            extra: Extra::new(),
        }
    }

    /// The pairing ended from `day` on (when re-paired). `None` if it had already ended.
    pub fn ended_on(&self, day: LocalDay, now: Now) -> Option<Pairing> {
        self.ended.is_none().then(|| Pairing { ended: Some(day), header: Header { updated_at: now.at, ..self.header.clone() }, ..self.clone() })
    }

    /// The other members, each once, in the facilitator's order.
    pub fn partners_of(&self, me: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in self.members.iter().map(String::as_str).filter(|m| *m != me && !m.is_empty()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    /// In force on `today`: started, and not ended by then. The days are the facilitator's; for
    /// someone a time zone behind, a pairing starts (or ends) at most a few hours late, which is
    /// simpler to explain than any allowance for it.
    pub fn is_active(&self, today: LocalDay) -> bool {
        self.started <= today && self.ended.is_none_or(|e| today < e)
    }
}

/// The pairing `me` is in now: the newest active one naming me (by start day, then when it was
/// written, then id, so every device picks the same one).
pub fn current_pairing<'a>(all: &'a [Pairing], me: &str, today: LocalDay) -> Option<&'a Pairing> {
    all.iter()
        .filter(|p| p.is_active(today) && p.members.iter().any(|m| m == me))
        .max_by(|a, b| a.started.cmp(&b.started).then_with(|| a.header.created_at.cmp(&b.header.created_at)).then_with(|| a.header.id.cmp(&b.header.id)))
}

/// The pairing `me` was last in, once it has ended (and none is current): its history stays readable.
pub fn last_ended_pairing<'a>(all: &'a [Pairing], me: &str, today: LocalDay) -> Option<&'a Pairing> {
    all.iter()
        .filter(|p| p.ended.is_some_and(|e| e <= today) && p.members.iter().any(|m| m == me))
        .max_by(|a, b| a.ended.cmp(&b.ended).then_with(|| a.header.updated_at.cmp(&b.header.updated_at)).then_with(|| a.header.id.cmp(&b.header.id)))
}

// ---------------------------------------------------------------------------------------------
// Problems shared by every form that sends something to a partner or the facilitator

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartnerProblem {
    /// Nothing written where words are needed.
    Empty,
    TooLong(TextTooLong),
    /// No current pair: there is nobody to send it to (routing would keep it nowhere).
    NotPaired,
    /// No signed-in username to write as: the server would refuse the document.
    NotSignedIn,
}

impl fmt::Display for PartnerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartnerProblem::Empty => f.write_str("Write at least one line — a few words are plenty."),
            PartnerProblem::TooLong(t) => f.write_str(&t.message()),
            PartnerProblem::NotPaired => f.write_str("You don't have a partner right now, so this can't be sent. Your words are still here."),
            PartnerProblem::NotSignedIn => f.write_str("Sign in under Settings to send this. Your words are still here."),
        }
    }
}

/// The problems of writing as `author` in `pair_id` (checked before anything else).
fn sender_problems(author: &str, pair_id: Option<&str>) -> Vec<PartnerProblem> {
    let mut problems = Vec::new();
    if author.trim().is_empty() {
        problems.push(PartnerProblem::NotSignedIn);
    }
    if pair_id.is_some_and(|p| !is_valid_pair_id(p)) {
        problems.push(PartnerProblem::NotPaired);
    }
    problems
}

/// `text::checked`, recording a too-long text as a problem.
fn checked_into(problems: &mut Vec<PartnerProblem>, field: &'static str, value: &str, max: usize) -> String {
    match text::checked(field, value, max) {
        Ok(v) => v,
        Err(e) => {
            problems.push(PartnerProblem::TooLong(e));
            String::new()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Partner check-in

#[derive(Clone, Debug, PartialEq)]
pub struct PartnerCheckIn {
    pub header: Header,
    pub author: String,
    pub pair_id: String,
    /// The three texts are empty when missing; a sent check-in has at least one.
    pub how_im_doing: String,
    pub goal_progress: String,
    pub need_this_week: String,
    /// The writer's civil day when it was sent: the schedule counts it in that day's period.
    pub day: LocalDay,
    pub extra: Extra,
}

impl Document for PartnerCheckIn {
    const TYPE: &'static str = PARTNER_CHECKIN_TYPE;
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
        Ok(PartnerCheckIn {
            header: f.header()?,
            author: f.required("author")?,
            pair_id: f.required("pair_id")?,
            how_im_doing: f.or_default("how_im_doing")?,
            goal_progress: f.or_default("goal_progress")?,
            need_this_week: f.or_default("need_this_week")?,
            day: f.required("day")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("pair_id".into(), self.pair_id.clone().into());
        out.insert("how_im_doing".into(), self.how_im_doing.clone().into());
        out.insert("goal_progress".into(), self.goal_progress.clone().into());
        out.insert("need_this_week".into(), self.need_this_week.clone().into());
        out.insert("day".into(), self.day.to_string().into());
    }
}

/// The partner check-in form as the person left it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartnerCheckInDraft {
    pub how_im_doing: String,
    pub goal_progress: String,
    pub need_this_week: String,
}

impl JsonValue for PartnerCheckInDraft {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("how_im_doing".into(), self.how_im_doing.clone().into());
        out.insert("goal_progress".into(), self.goal_progress.clone().into());
        out.insert("need_this_week".into(), self.need_this_week.clone().into());
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(PartnerCheckInDraft {
            how_im_doing: f.or_default("how_im_doing")?,
            goal_progress: f.or_default("goal_progress")?,
            need_this_week: f.or_default("need_this_week")?,
        })
    }
}

impl PartnerCheckInDraft {
    pub fn is_blank(&self) -> bool {
        self.how_im_doing.trim().is_empty() && self.goal_progress.trim().is_empty() && self.need_this_week.trim().is_empty()
    }
}

/// A new check-in for the pair. Each send is its own document: check-ins are messages, not a
/// record to edit, so two sent offline from two devices are simply two check-ins.
pub fn send_checkin(draft: &PartnerCheckInDraft, author: &str, pair_id: &str, now: Now, new_id: impl FnOnce() -> String) -> Result<PartnerCheckIn, Vec<PartnerProblem>> {
    let mut problems = sender_problems(author, Some(pair_id));
    if draft.is_blank() {
        problems.push(PartnerProblem::Empty);
    }
    let how_im_doing = checked_into(&mut problems, "How I'm doing", &draft.how_im_doing, CHECKIN_TEXT_MAX_CHARS);
    let goal_progress = checked_into(&mut problems, "Progress on my goals", &draft.goal_progress, CHECKIN_TEXT_MAX_CHARS);
    let need_this_week = checked_into(&mut problems, "What I need this week", &draft.need_this_week, CHECKIN_TEXT_MAX_CHARS);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PartnerCheckIn {
        header: new_header(new_id(), PARTNER_CHECKIN_TYPE, PartnerCheckIn::SCHEMA, Audience::Partner, now),
        author: author.to_owned(),
        pair_id: pair_id.to_owned(),
        how_im_doing,
        goal_progress,
        need_this_week,
        day: now.local_day(),
        extra: Extra::new(),
    })
}

/// The days `me` checked in on in `pair_id`, for [`super::partner_schedule::next_due`].
pub fn checkin_days(all: &[PartnerCheckIn], me: &str, pair_id: &str) -> Vec<LocalDay> {
    all.iter().filter(|c| c.author == me && c.pair_id == pair_id).map(|c| c.day).collect()
}

// ---------------------------------------------------------------------------------------------
// Replies and reactions

/// A one-tap answer to a check-in or urgent note. Stored as its kebab-case word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reaction {
    Encourage,
    Celebrate,
    ThinkingOfYou,
}

impl Reaction {
    pub const ALL: [Reaction; 3] = [Reaction::Encourage, Reaction::Celebrate, Reaction::ThinkingOfYou];

    pub fn as_str(self) -> &'static str {
        match self {
            Reaction::Encourage => "encourage",
            Reaction::Celebrate => "celebrate",
            Reaction::ThinkingOfYou => "thinking-of-you",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reaction::Encourage => "Encourage",
            Reaction::Celebrate => "Celebrate",
            Reaction::ThinkingOfYou => "Thinking of you",
        }
    }
}

/// A reply to a check-in or urgent note: words, or a reaction (then `text` may be empty).
#[derive(Clone, Debug, PartialEq)]
pub struct PartnerReply {
    pub header: Header,
    pub author: String,
    pub pair_id: String,
    /// The check-in's or urgent note's id.
    pub to: String,
    pub text: String,
    pub reaction: Option<Reaction>,
    pub extra: Extra,
}

impl Document for PartnerReply {
    const TYPE: &'static str = PARTNER_REPLY_TYPE;
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
        Ok(PartnerReply {
            header: f.header()?,
            author: f.required("author")?,
            pair_id: f.required("pair_id")?,
            to: f.required("to")?,
            text: f.or_default("text")?,
            reaction: f.or_default("reaction")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("pair_id".into(), self.pair_id.clone().into());
        out.insert("to".into(), self.to.clone().into());
        out.insert("text".into(), self.text.clone().into());
        if let Some(r) = self.reaction {
            out.insert("reaction".into(), r.as_str().into());
        }
    }
}

/// A written reply to the item `to`.
pub fn send_reply(text: &str, author: &str, pair_id: &str, to: &str, now: Now, new_id: impl FnOnce() -> String) -> Result<PartnerReply, Vec<PartnerProblem>> {
    let mut problems = sender_problems(author, Some(pair_id));
    if text.trim().is_empty() {
        problems.push(PartnerProblem::Empty);
    }
    let text = checked_into(&mut problems, "Your reply", text, REPLY_MAX_CHARS);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PartnerReply {
        header: new_header(new_id(), PARTNER_REPLY_TYPE, PartnerReply::SCHEMA, Audience::Partner, now),
        author: author.to_owned(),
        pair_id: pair_id.to_owned(),
        to: to.to_owned(),
        text,
        reaction: None,
        extra: Extra::new(),
    })
}

/// The written replies to `to`, oldest first.
pub fn replies_to<'a>(all: &'a [PartnerReply], to: &str) -> Vec<&'a PartnerReply> {
    let mut out: Vec<&PartnerReply> = all.iter().filter(|r| r.to == to && r.reaction.is_none()).collect();
    super::order::sort_by(&mut out, |a, b| a.header.created_at.cmp(&b.header.created_at).then_with(|| a.header.id.cmp(&b.header.id)));
    out
}

/// The id of `me`'s reaction of `kind` to `to`: made from them rather than at random, so the same
/// reaction added on two devices offline is one document, and "one of each kind per person per
/// item" holds without coordination.
pub fn reaction_id(to: &str, me: &str, kind: Reaction) -> String {
    format!("{PARTNER_REPLY_TYPE}:reaction:{}:{me}:{to}", kind.as_str())
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReactionChange {
    /// Write this reaction.
    Add(PartnerReply),
    /// Delete these documents: my reactions of that kind to the item (normally one; more only if
    /// another client made them with other ids).
    Remove(Vec<String>),
}

/// Reactions are for the other partner's check-ins and notes. On my own I see what my partner gave,
/// with nothing to press: cheering myself on would read as their support.
pub fn may_react(item_author: &str, me: &str) -> bool {
    !me.is_empty() && item_author != me
}

/// Tapping a reaction on `to` (written by `to_author`): adds mine if I have none of that kind on the
/// item, removes it if I have; `None` on an item I may not react to (my own).
pub fn toggle_reaction(existing: &[PartnerReply], me: &str, pair_id: &str, to: &str, to_author: &str, kind: Reaction, now: Now) -> Option<ReactionChange> {
    if !may_react(to_author, me) {
        return None;
    }
    let mine: Vec<String> = existing.iter().filter(|r| r.author == me && r.to == to && r.reaction == Some(kind)).map(|r| r.header.id.clone()).collect();
    if !mine.is_empty() {
        return Some(ReactionChange::Remove(mine));
    }
    Some(ReactionChange::Add(PartnerReply {
        header: new_header(reaction_id(to, me, kind), PARTNER_REPLY_TYPE, PartnerReply::SCHEMA, Audience::Partner, now),
        author: me.to_owned(),
        pair_id: pair_id.to_owned(),
        to: to.to_owned(),
        text: String::new(),
        reaction: Some(kind),
        extra: Extra::new(),
    }))
}

/// For each reaction kind someone gave `to` (written by `to_author`): who gave it (each person
/// once), and whether `me` did. Its author's own reactions are left out (another app's, or this
/// one's before it kept authors from reacting to their own items).
pub fn reactions_on<'a>(all: &'a [PartnerReply], to: &str, to_author: &str, me: &str) -> Vec<(Reaction, Vec<&'a str>, bool)> {
    let mut out = Vec::new();
    for kind in Reaction::ALL {
        let mut who: Vec<&str> = Vec::new();
        for r in all.iter().filter(|r| r.to == to && r.reaction == Some(kind) && r.author != to_author) {
            if !who.contains(&r.author.as_str()) {
                who.push(r.author.as_str());
            }
        }
        if !who.is_empty() {
            let mine = who.contains(&me);
            out.push((kind, who, mine));
        }
    }
    out
}

/// What the author of a check-in sees of the reactions to it, in words: "Reactions: Encourage from
/// sam · Celebrate from sam and kim"; empty when there are none.
pub fn reactions_received(all: &[PartnerReply], to: &str, to_author: &str) -> String {
    let given: Vec<String> = reactions_on(all, to, to_author, to_author)
        .into_iter()
        .map(|(kind, who, _)| {
            let names = match who.as_slice() {
                [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
                _ => who.join(""),
            };
            format!("{} from {names}", kind.label())
        })
        .collect();
    if given.is_empty() {
        String::new()
    } else {
        format!("Reactions: {}", given.join(" · "))
    }
}

// ---------------------------------------------------------------------------------------------
// Urgent notes and their receipts

/// "I'm struggling": sent to the partner at once, with or without words.
#[derive(Clone, Debug, PartialEq)]
pub struct UrgentNote {
    pub header: Header,
    pub author: String,
    pub pair_id: String,
    /// What the person typed, possibly nothing; see [`UrgentNote::words`].
    pub text: String,
    pub at: Timestamp,
    pub extra: Extra,
}

impl Document for UrgentNote {
    const TYPE: &'static str = URGENT_NOTE_TYPE;
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
        Ok(UrgentNote {
            header: f.header()?,
            author: f.required("author")?,
            pair_id: f.required("pair_id")?,
            text: f.or_default("text")?,
            at: f.required("at")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("pair_id".into(), self.pair_id.clone().into());
        out.insert("text".into(), self.text.clone().into());
        out.insert("at".into(), self.at.to_rfc3339().into());
    }
}

impl UrgentNote {
    /// The words to show: the typed ones, or [`URGENT_DEFAULT_TEXT`]. The default is not stored, so
    /// the note keeps saying truthfully that nothing was typed.
    pub fn words(&self) -> &str {
        if self.text.trim().is_empty() {
            URGENT_DEFAULT_TEXT
        } else {
            &self.text
        }
    }
}

/// A new urgent note. Words are optional: only a too-long text or having nobody to send to stops it.
pub fn send_urgent(text: &str, author: &str, pair_id: &str, now: Now, new_id: impl FnOnce() -> String) -> Result<UrgentNote, Vec<PartnerProblem>> {
    let mut problems = sender_problems(author, Some(pair_id));
    let text = checked_into(&mut problems, "Your note", text, URGENT_MAX_CHARS);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(UrgentNote {
        header: new_header(new_id(), URGENT_NOTE_TYPE, UrgentNote::SCHEMA, Audience::Partner, now),
        author: author.to_owned(),
        pair_id: pair_id.to_owned(),
        text,
        at: now.at,
        extra: Extra::new(),
    })
}

/// The reader's device saying an urgent note arrived, and later that it was opened. Written by
/// the reader (so its `author` is the reader, as the server requires) into the pair's database.
#[derive(Clone, Debug, PartialEq)]
pub struct UrgentReceipt {
    pub header: Header,
    pub author: String,
    /// The note's pair, so the receipt is routed to the same database as the note.
    pub pair_id: String,
    pub note_id: String,
    pub delivered_at: Timestamp,
    pub seen_at: Option<Timestamp>,
    pub extra: Extra,
}

impl Document for UrgentReceipt {
    const TYPE: &'static str = URGENT_RECEIPT_TYPE;
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
        Ok(UrgentReceipt {
            header: f.header()?,
            author: f.required("author")?,
            pair_id: f.required("pair_id")?,
            note_id: f.required("note_id")?,
            delivered_at: f.required("delivered_at")?,
            seen_at: f.or_default("seen_at")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("pair_id".into(), self.pair_id.clone().into());
        out.insert("note_id".into(), self.note_id.clone().into());
        out.insert("delivered_at".into(), self.delivered_at.to_rfc3339().into());
        if let Some(seen) = self.seen_at {
            out.insert("seen_at".into(), seen.to_rfc3339().into());
        }
    }
}

/// One receipt per note and reader, on every device of the reader.
pub fn receipt_id(note_id: &str, reader: &str) -> String {
    format!("{URGENT_RECEIPT_TYPE}:{note_id}:{reader}")
}

/// The receipt to write when `reader`'s device has the note (`seen`: and the reader opened it), or
/// `None` when there is nothing new to say: the note is the reader's own, it was already recorded
/// as delivered and is not being seen now, or it was already seen. `existing` is the reader's
/// receipt for this note, if any: updating it keeps its revision and first delivery time.
pub fn receipt_for(note: &UrgentNote, existing: Option<&UrgentReceipt>, reader: &str, now: Now, seen: bool) -> Option<UrgentReceipt> {
    if reader.is_empty() || reader == note.author {
        return None;
    }
    match existing {
        Some(r) if r.seen_at.is_some() || !seen => None,
        Some(r) => Some(UrgentReceipt { seen_at: Some(now.at), header: Header { updated_at: now.at, ..r.header.clone() }, ..r.clone() }),
        None => Some(UrgentReceipt {
            header: new_header(receipt_id(&note.header.id, reader), URGENT_RECEIPT_TYPE, UrgentReceipt::SCHEMA, Audience::Partner, now),
            author: reader.to_owned(),
            pair_id: note.pair_id.clone(),
            note_id: note.header.id.clone(),
            delivered_at: now.at,
            seen_at: seen.then_some(now.at),
            extra: Extra::new(),
        }),
    }
}

/// How far an urgent note got, as its sender sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Still only on this device.
    Queued,
    /// On the server; no partner device has it yet.
    Sent,
    /// On a partner's device since then.
    Delivered(Timestamp),
    /// Opened by a partner then.
    Seen(Timestamp),
}

impl Delivery {
    pub fn label(self) -> &'static str {
        match self {
            Delivery::Queued => "Waiting for a connection — it will send by itself",
            Delivery::Sent => "Sent",
            Delivery::Delivered(_) => "Delivered",
            Delivery::Seen(_) => "Seen",
        }
    }
}

/// The note's state from the receipts this device has and whether this device pushed the note.
/// Only other people's receipts count (the server makes sure a receipt's author wrote it). A
/// receipt proves the note left, so it wins over `pushed` (the note may have gone from another of
/// my devices). With several partners, the first to get or see it is shown.
pub fn delivery_state(note: &UrgentNote, receipts: &[UrgentReceipt], pushed: bool) -> Delivery {
    let theirs = || receipts.iter().filter(|r| r.note_id == note.header.id && r.author != note.author);
    if let Some(seen) = theirs().filter_map(|r| r.seen_at).min() {
        return Delivery::Seen(seen);
    }
    if let Some(delivered) = theirs().map(|r| r.delivered_at).min() {
        return Delivery::Delivered(delivered);
    }
    if pushed {
        Delivery::Sent
    } else {
        Delivery::Queued
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A gentle suggestion after several urgent notes in a short time: also reach the facilitator and
/// the crisis lines. Two thresholds, either enough: 2 notes within the last 24 hours (a hard stretch
/// happening now, when more than one person helps most) or 3 within the last 7 days (a hard week).
/// Elapsed time, not civil days: "the last 24 hours" is the same stretch wherever the person is.
/// The words never blame and never discourage reaching the partner; they add people, not remove one.
pub fn struggling_advice(notes_by_me: &[UrgentNote], now: Now) -> Option<String> {
    let within = |ms: i64| notes_by_me.iter().filter(|n| n.at.0 > now.at.0.saturating_sub(ms)).count();
    if within(DAY_MS) >= 2 {
        Some("It sounds like today is really hard. Keep reaching out to your partner — that's what they're here for. It could also help to let your facilitator know, and crisis lines are there right now, day or night.".to_owned())
    } else if within(7 * DAY_MS) >= 3 {
        Some("You've reached out a few times this week — that takes strength. Keep leaning on your partner. Your facilitator would want to know too, and crisis lines are there any time, day or night.".to_owned())
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Re-pair request

/// Asking the facilitator for a different partner. Goes to the person's care database, which only
/// facilitators share: the partner never sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct RepairRequest {
    pub header: Header,
    pub author: String,
    /// Optional, in the person's words.
    pub reason: String,
    /// The pairing it is about; empty when the person has no partner now.
    pub pair_id: String,
    pub at: Timestamp,
    pub extra: Extra,
}

impl Document for RepairRequest {
    const TYPE: &'static str = REPAIR_REQUEST_TYPE;
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
        Ok(RepairRequest {
            header: f.header()?,
            author: f.required("author")?,
            reason: f.or_default("reason")?,
            pair_id: f.or_default("pair_id")?,
            at: f.required("at")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("reason".into(), self.reason.clone().into());
        out.insert("pair_id".into(), self.pair_id.clone().into());
        out.insert("at".into(), self.at.to_rfc3339().into());
    }
}

/// A new re-pair request. A reason is optional and no current pair is needed (someone between
/// partners may ask too): it goes to the care database either way.
pub fn request_repair(reason: &str, author: &str, pair_id: &str, now: Now, new_id: impl FnOnce() -> String) -> Result<RepairRequest, Vec<PartnerProblem>> {
    let mut problems = sender_problems(author, None);
    let reason = checked_into(&mut problems, "Your reason", reason, REPAIR_REASON_MAX_CHARS);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(RepairRequest {
        header: new_header(new_id(), REPAIR_REQUEST_TYPE, RepairRequest::SCHEMA, Audience::Facilitator, now),
        author: author.to_owned(),
        reason,
        pair_id: pair_id.to_owned(),
        at: now.at,
        extra: Extra::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode, DecodeError};
    use serde_json::json;

    fn now(s: &str) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: 0 }
    }
    fn day(s: &str) -> LocalDay {
        LocalDay::parse(s).unwrap()
    }
    fn pairing(id: &str, members: &[&str], started: &str, ended: Option<&str>) -> Pairing {
        let mut p = Pairing::new(id, members.iter().map(|m| m.to_string()).collect(), vec!["both evenings".into()], 80, CheckInFrequency::Weekly, day(started), now("2026-11-01T09:00:00Z"));
        p.ended = ended.map(day);
        p
    }
    fn note(author: &str, at: &str) -> UrgentNote {
        send_urgent("", author, "p1", now(at), || format!("urgent-note:{at}")).unwrap()
    }

    #[test]
    fn the_last_ended_pairing_is_the_one_that_ended_latest_and_names_me() {
        let all = vec![
            pairing("a", &["ana", "ben"], "2026-10-01", Some("2026-10-20")),
            pairing("b", &["ana", "cy"], "2026-10-21", Some("2026-11-20")),
            pairing("c", &["ben", "cy"], "2026-10-21", Some("2026-11-21")),
            pairing("d", &["ana", "dee"], "2026-11-21", Some("2026-11-30")),
        ];
        let today = day("2026-11-22");
        assert_eq!(last_ended_pairing(&all, "ana", today).map(|p| p.pair_id.as_str()), Some("b"), "d has not ended yet");
        assert_eq!(last_ended_pairing(&all, "ben", today).map(|p| p.pair_id.as_str()), Some("c"));
        assert_eq!(last_ended_pairing(&all, "eve", today), None);
    }

    #[test]
    fn frequency_words_and_labels() {
        assert_eq!(CheckInFrequency::ALL.map(CheckInFrequency::as_str), ["daily", "weekly", "biweekly"]);
        assert_eq!(CheckInFrequency::Biweekly.label(), "Every two weeks");
        for f in CheckInFrequency::ALL {
            assert_eq!(serde_json::to_value(f).unwrap(), json!(f.as_str()));
            assert_eq!(serde_json::from_value::<CheckInFrequency>(json!(f.as_str())).unwrap(), f);
        }
        assert!(serde_json::from_value::<CheckInFrequency>(json!("monthly")).is_err());
    }

    #[test]
    fn pairings_round_trip_and_name_the_pair_database() {
        let mut p = pairing("k3j4", &["alex", "sam"], "2026-11-02", None);
        p.header.rev = Some("1-a".into());
        assert_eq!((p.header.id.as_str(), p.db.as_str(), p.header.audience), ("pairing:k3j4", "tandem-pair-k3j4", Audience::Facilitator));
        let mut stored = encode(&p);
        assert!(stored.get("author").is_none(), "the facilitator writes it as an admin");
        stored["future"] = json!(1);
        let back: Pairing = decode(&stored).unwrap();
        assert_eq!(encode(&back), stored);
        let ended = back.ended_on(day("2026-11-20"), now("2026-11-20T09:00:00Z")).unwrap();
        assert_eq!((ended.ended, ended.header.rev.as_deref()), (Some(day("2026-11-20")), Some("1-a")));
        assert_eq!(decode::<Pairing>(&encode(&ended)), Ok(ended.clone()));
        assert!(ended.ended_on(day("2026-11-21"), now("2026-11-21T09:00:00Z")).is_none(), "the first end stands");
        stored["frequency"] = json!("hourly");
        assert!(matches!(decode::<Pairing>(&stored), Err(DecodeError::Malformed { .. })));
    }

    #[test]
    fn pair_ids_must_make_a_database_name_couchdb_accepts() {
        for ok in ["k3j4", "2026-abc_x", "a(b)+c$d/e"] {
            assert!(is_valid_pair_id(ok), "{ok}");
        }
        for bad in ["", "ABC", "a:b", "a b", "é", "a.b", "x".repeat(227).as_str()] {
            assert!(!is_valid_pair_id(bad), "{bad}");
        }
        assert!(is_valid_pair_id(&"x".repeat(226)));
    }

    #[test]
    fn partners_exclude_me_and_duplicates() {
        let p = pairing("p", &["alex", "sam", "alex", "", "sam", "jo"], "2026-11-02", None);
        assert_eq!(p.partners_of("alex"), ["sam", "jo"]);
        assert_eq!(p.partners_of("nobody"), ["alex", "sam", "jo"]);
    }

    #[test]
    fn the_current_pairing_is_the_newest_active_one_naming_me() {
        let old = pairing("old", &["alex", "sam"], "2026-10-01", Some("2026-11-10"));
        let new = pairing("new", &["alex", "jo"], "2026-11-10", None);
        let other = pairing("other", &["kim", "lee"], "2026-11-12", None);
        let all = [old.clone(), new.clone(), other];
        assert_eq!(current_pairing(&all, "alex", day("2026-11-09")).map(|p| p.pair_id.as_str()), Some("old"));
        assert_eq!(current_pairing(&all, "alex", day("2026-11-10")).map(|p| p.pair_id.as_str()), Some("new"), "ended means over from that day");
        assert_eq!(current_pairing(&all, "sam", day("2026-11-10")), None, "re-paired people keep no stale partner");
        assert_eq!(current_pairing(&all, "kim", day("2026-11-12")).map(|p| p.pair_id.as_str()), Some("other"));
        assert_eq!(current_pairing(&all, "kim", day("2026-11-11")), None, "not before it starts");
        // Two active pairings starting the same day: the later-written one, on every device.
        let mut later = pairing("later", &["alex", "kim"], "2026-11-10", None);
        later.header.created_at = Timestamp(new.header.created_at.0 + 1);
        assert_eq!(current_pairing(&[later.clone(), new.clone()], "alex", day("2026-11-12")).map(|p| p.pair_id.as_str()), Some("later"));
        assert_eq!(current_pairing(&[new, later], "alex", day("2026-11-12")).map(|p| p.pair_id.as_str()), Some("later"));
    }

    #[test]
    fn a_checkin_needs_words_a_pair_and_an_author() {
        let d = PartnerCheckInDraft { how_im_doing: "  steady ".into(), ..Default::default() };
        let c = send_checkin(&d, "alex", "p1", Now { at: Timestamp::parse_rfc3339("2026-11-22T23:30:00Z").unwrap(), utc_offset_minutes: 60 }, || "partner-checkin:1".into()).unwrap();
        assert_eq!((c.how_im_doing.as_str(), c.day, c.header.audience), ("steady", day("2026-11-23"), Audience::Partner));
        assert_eq!(decode::<PartnerCheckIn>(&encode(&c)), Ok(c.clone()));
        assert_eq!(encode(&c)["author"], "alex");
        let err = send_checkin(&PartnerCheckInDraft::default(), "", "", now("2026-11-22T08:00:00Z"), || unreachable!("no id for a refused check-in")).unwrap_err();
        assert_eq!(err, [PartnerProblem::NotSignedIn, PartnerProblem::NotPaired, PartnerProblem::Empty]);
        let long = PartnerCheckInDraft { need_this_week: "x".repeat(CHECKIN_TEXT_MAX_CHARS + 1), ..d };
        let err = send_checkin(&long, "alex", "p1", now("2026-11-22T08:00:00Z"), || "x".into()).unwrap_err();
        assert!(err[0].to_string().starts_with("What I need this week is 1001 characters long"));
        assert_eq!(checkin_days(std::slice::from_ref(&c), "alex", "p1"), [day("2026-11-23")]);
        assert!(checkin_days(std::slice::from_ref(&c), "sam", "p1").is_empty() && checkin_days(&[c], "alex", "p2").is_empty());
    }

    #[test]
    fn checkin_drafts_round_trip_and_refuse_wrong_types() {
        let d = PartnerCheckInDraft { how_im_doing: "a".into(), goal_progress: "b".into(), need_this_week: "c".into() };
        assert_eq!(PartnerCheckInDraft::from_json(d.to_json()), Ok(d));
        assert_eq!(PartnerCheckInDraft::from_json(json!({"other": 1})), Ok(PartnerCheckInDraft::default()));
        assert!(PartnerCheckInDraft::from_json(json!({"goal_progress": 5})).is_err());
        assert!(PartnerCheckInDraft::from_json(json!("text")).is_err());
    }

    #[test]
    fn replies_need_words_and_come_oldest_first() {
        let a = send_reply(" proud of you ", "sam", "p1", "partner-checkin:1", now("2026-11-22T10:00:00Z"), || "partner-reply:b".into()).unwrap();
        let b = send_reply("me too", "alex", "p1", "partner-checkin:1", now("2026-11-22T09:00:00Z"), || "partner-reply:a".into()).unwrap();
        assert_eq!(a.text, "proud of you");
        assert_eq!(decode::<PartnerReply>(&encode(&a)), Ok(a.clone()));
        assert!(encode(&a).get("reaction").is_none());
        let Some(ReactionChange::Add(r)) = toggle_reaction(&[], "sam", "p1", "partner-checkin:1", "alex", Reaction::Celebrate, now("2026-11-22T11:00:00Z")) else { panic!("nothing to remove") };
        let all = [a.clone(), b.clone(), r];
        assert_eq!(replies_to(&all, "partner-checkin:1").iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["me too", "proud of you"], "reactions are not written replies");
        assert_eq!(send_reply(" ", "sam", "p1", "x", now("2026-11-22T10:00:00Z"), || "y".into()).unwrap_err(), [PartnerProblem::Empty]);
    }

    #[test]
    fn reactions_toggle_one_of_each_kind_per_person() {
        let to = "partner-checkin:20261122T080000000Z:abc";
        let Some(ReactionChange::Add(r)) = toggle_reaction(&[], "sam", "p1", to, "kim", Reaction::ThinkingOfYou, now("2026-11-22T10:00:00Z")) else { panic!("nothing to remove") };
        assert_eq!(r.header.id, format!("partner-reply:reaction:thinking-of-you:sam:{to}"));
        let again = toggle_reaction(&[], "sam", "p1", to, "kim", Reaction::ThinkingOfYou, now("2026-11-22T18:00:00Z"));
        assert!(matches!(&again, Some(ReactionChange::Add(r2)) if r2.header.id == r.header.id), "two devices make one document");
        let stored = encode(&r);
        assert_eq!((stored["reaction"].as_str(), stored["text"].as_str()), (Some("thinking-of-you"), Some("")));
        assert_eq!(decode::<PartnerReply>(&stored), Ok(r.clone()));
        let existing = [r.clone()];
        assert_eq!(toggle_reaction(&existing, "sam", "p1", to, "kim", Reaction::ThinkingOfYou, now("2026-11-22T11:00:00Z")), Some(ReactionChange::Remove(vec![r.header.id.clone()])));
        assert!(matches!(toggle_reaction(&existing, "sam", "p1", to, "kim", Reaction::Celebrate, now("2026-11-22T11:00:00Z")), Some(ReactionChange::Add(_))), "another kind is its own");
        assert!(matches!(toggle_reaction(&existing, "alex", "p1", to, "kim", Reaction::ThinkingOfYou, now("2026-11-22T11:00:00Z")), Some(ReactionChange::Add(_))), "another person's is theirs");
        assert!(matches!(toggle_reaction(&existing, "sam", "p1", "other", "kim", Reaction::ThinkingOfYou, now("2026-11-22T11:00:00Z")), Some(ReactionChange::Add(_))));
        // Another client's duplicates are all removed, so one tap really clears it.
        let mut dup = r.clone();
        dup.header.id = "partner-reply:random".into();
        assert_eq!(toggle_reaction(&[r.clone(), dup], "sam", "p1", to, "kim", Reaction::ThinkingOfYou, now("2026-11-22T11:00:00Z")), Some(ReactionChange::Remove(vec![r.header.id.clone(), "partner-reply:random".into()])));
        let mut twice = r.clone();
        twice.header.id = "x".into();
        let Some(ReactionChange::Add(alex)) = toggle_reaction(&[], "alex", "p1", to, "kim", Reaction::ThinkingOfYou, now("2026-11-22T11:00:00Z")) else { panic!() };
        let all = [r, twice, alex];
        assert_eq!(reactions_on(&all, to, "kim", "alex"), [(Reaction::ThinkingOfYou, vec!["sam", "alex"], true)]);
        assert_eq!(Reaction::ALL.map(Reaction::label), ["Encourage", "Celebrate", "Thinking of you"]);
        assert!(decode::<PartnerReply>(&json!({"_id": "r", "type": "partner-reply", "schema": 1, "created_at": "2026-11-22T08:00:00Z", "updated_at": "2026-11-22T08:00:00Z", "author": "a", "pair_id": "p", "to": "x", "reaction": "hug"})).is_err());
    }

    #[test]
    fn partners_do_not_react_to_their_own_checkins_but_see_what_the_other_gave() {
        let to = "partner-checkin:20261122T080000000Z:abc";
        let at = now("2026-11-22T10:00:00Z");
        assert!(!may_react("alex", "alex") && may_react("alex", "sam") && !may_react("alex", ""));
        for kind in Reaction::ALL {
            assert_eq!(toggle_reaction(&[], "alex", "p1", to, "alex", kind, at), None, "{kind:?}");
        }
        let Some(ReactionChange::Add(sam)) = toggle_reaction(&[], "sam", "p1", to, "alex", Reaction::Encourage, at) else { panic!("sam may react") };
        let Some(ReactionChange::Add(celebrate)) = toggle_reaction(&[], "sam", "p1", to, "alex", Reaction::Celebrate, at) else { panic!("sam may react") };
        let Some(ReactionChange::Add(lee)) = toggle_reaction(&[], "lee", "p1", to, "alex", Reaction::Celebrate, at) else { panic!("a trio's third may react") };
        // A reaction Alex gave her own check-in (before this rule, or from another app) is not counted.
        let mut own = lee.clone();
        own.author = "alex".into();
        own.reaction = Some(Reaction::ThinkingOfYou);
        let all = [sam.clone(), celebrate, lee, own];
        assert_eq!(reactions_on(&all, to, "alex", "alex").iter().map(|(k, who, mine)| (*k, who.len(), *mine)).collect::<Vec<_>>(), [(Reaction::Encourage, 1, false), (Reaction::Celebrate, 2, false)]);
        assert_eq!(reactions_received(&all, to, "alex"), "Reactions: Encourage from sam · Celebrate from sam and lee");
        assert_eq!(reactions_received(&all[3..], to, "alex"), "", "none from others: nothing to say");
        assert_eq!(reactions_received(&[sam], "partner-checkin:other", "alex"), "");
    }

    #[test]
    fn urgent_notes_send_with_or_without_words() {
        let n = note("alex", "2026-11-22T20:00:00Z");
        assert_eq!((n.text.as_str(), n.words()), ("", URGENT_DEFAULT_TEXT));
        assert_eq!(decode::<UrgentNote>(&encode(&n)), Ok(n.clone()));
        let typed = send_urgent(" bad night ", "alex", "p1", now("2026-11-22T20:00:00Z"), || "u".into()).unwrap();
        assert_eq!(typed.words(), "bad night");
        assert!(matches!(send_urgent(&"x".repeat(URGENT_MAX_CHARS + 1), "alex", "p1", now("2026-11-22T20:00:00Z"), || "u".into()).unwrap_err()[..], [PartnerProblem::TooLong(_)]));
        assert_eq!(send_urgent("", "alex", "", now("2026-11-22T20:00:00Z"), || "u".into()).unwrap_err(), [PartnerProblem::NotPaired]);
    }

    #[test]
    fn receipts_are_the_readers_never_the_senders() {
        let n = note("alex", "2026-11-22T20:00:00Z");
        assert!(receipt_for(&n, None, "alex", now("2026-11-22T20:01:00Z"), true).is_none(), "never a receipt for one's own note");
        assert!(receipt_for(&n, None, "", now("2026-11-22T20:01:00Z"), true).is_none());
        let delivered = receipt_for(&n, None, "sam", now("2026-11-22T20:01:00Z"), false).unwrap();
        assert_eq!(delivered.header.id, format!("urgent-receipt:{}:sam", n.header.id));
        assert_eq!((delivered.author.as_str(), delivered.pair_id.as_str(), delivered.seen_at), ("sam", "p1", None));
        assert_eq!(decode::<UrgentReceipt>(&encode(&delivered)), Ok(delivered.clone()));
        assert!(receipt_for(&n, Some(&delivered), "sam", now("2026-11-22T20:02:00Z"), false).is_none(), "nothing new to write");
        let seen = receipt_for(&n, Some(&delivered), "sam", now("2026-11-22T20:05:00Z"), true).unwrap();
        assert_eq!((seen.delivered_at, seen.seen_at), (delivered.delivered_at, Some(now("2026-11-22T20:05:00Z").at)));
        assert!(receipt_for(&n, Some(&seen), "sam", now("2026-11-22T20:09:00Z"), true).is_none(), "seen once is seen");
        let straight = receipt_for(&n, None, "sam", now("2026-11-22T20:03:00Z"), true).unwrap();
        assert_eq!(straight.seen_at, Some(straight.delivered_at));
    }

    #[test]
    fn delivery_moves_from_queued_to_seen() {
        let n = note("alex", "2026-11-22T20:00:00Z");
        assert_eq!(delivery_state(&n, &[], false), Delivery::Queued);
        assert_eq!(delivery_state(&n, &[], false).label(), "Waiting for a connection — it will send by itself");
        assert_eq!(delivery_state(&n, &[], true), Delivery::Sent);
        let d = receipt_for(&n, None, "sam", now("2026-11-22T20:01:00Z"), false).unwrap();
        assert_eq!(delivery_state(&n, std::slice::from_ref(&d), false), Delivery::Delivered(d.delivered_at), "a receipt proves it left, even from another device");
        let s = receipt_for(&n, Some(&d), "sam", now("2026-11-22T20:05:00Z"), true).unwrap();
        assert_eq!(delivery_state(&n, std::slice::from_ref(&s), true).label(), "Seen");
        // A receipt "by" the sender, or for another note, proves nothing.
        let mut forged = s.clone();
        forged.author = "alex".into();
        let mut other = s;
        other.note_id = "urgent-note:other".into();
        assert_eq!(delivery_state(&n, &[forged, other], true), Delivery::Sent);
    }

    #[test]
    fn struggling_advice_adds_people_without_blame() {
        let at = now("2026-11-22T20:00:00Z");
        assert_eq!(struggling_advice(&[], at), None);
        assert_eq!(struggling_advice(&[note("alex", "2026-11-22T10:00:00Z")], at), None, "one note is just reaching out");
        let today = struggling_advice(&[note("alex", "2026-11-22T10:00:00Z"), note("alex", "2026-11-22T19:00:00Z")], at).unwrap();
        let week = [note("alex", "2026-11-16T21:00:00Z"), note("alex", "2026-11-18T10:00:00Z"), note("alex", "2026-11-20T10:00:00Z")];
        let week_advice = struggling_advice(&week, at).unwrap();
        for advice in [&today, &week_advice] {
            assert!(advice.contains("facilitator") && advice.contains("crisis lines") && advice.contains("partner"));
            for word in ["too many", "too much", "stop", "instead", "don't"] {
                assert!(!advice.to_lowercase().contains(word), "{word}");
            }
        }
        assert_ne!(today, week_advice);
        assert_eq!(struggling_advice(&[note("alex", "2026-11-21T19:00:00Z"), note("alex", "2026-11-22T19:00:00Z")], at), None, "two a day apart is not a burst");
        assert_eq!(struggling_advice(&[note("alex", "2026-11-15T19:00:00Z"), week[1].clone(), week[2].clone()], at), None, "older than a week");
    }

    #[test]
    fn repair_requests_go_with_or_without_a_reason_or_pair() {
        let r = request_repair("", "alex", "", now("2026-11-22T20:00:00Z"), || "repair-request:1".into()).unwrap();
        assert_eq!((r.header.audience, r.reason.as_str(), r.at), (Audience::Facilitator, "", now("2026-11-22T20:00:00Z").at));
        assert_eq!(decode::<RepairRequest>(&encode(&r)), Ok(r.clone()));
        let with = request_repair(" schedules clash ", "alex", "p1", now("2026-11-22T20:00:00Z"), || "repair-request:2".into()).unwrap();
        assert_eq!((with.reason.as_str(), with.pair_id.as_str()), ("schedules clash", "p1"));
        assert_eq!(request_repair("", " ", "p1", now("2026-11-22T20:00:00Z"), || "x".into()).unwrap_err(), [PartnerProblem::NotSignedIn]);
    }

    #[test]
    fn partner_documents_refuse_missing_authors_and_pairs() {
        let c = send_checkin(&PartnerCheckInDraft { how_im_doing: "ok".into(), ..Default::default() }, "alex", "p1", now("2026-11-22T08:00:00Z"), || "c".into()).unwrap();
        for field in ["author", "pair_id", "day"] {
            let mut v = encode(&c);
            v.as_object_mut().unwrap().remove(field);
            assert!(matches!(decode::<PartnerCheckIn>(&v), Err(DecodeError::Malformed { .. })), "{field}");
        }
        let mut v = encode(&c);
        v["type"] = json!("urgent-note");
        assert!(matches!(decode::<PartnerCheckIn>(&v), Err(DecodeError::WrongType { .. })));
    }
}
