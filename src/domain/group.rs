//! Peer-led groups: the group itself (written by its facilitator), each member's agreement to the
//! group's norms, posts (check-ins, shares, replies, milestones), reactions, attendance and reports
//! of a post to the facilitator. The rules (who leads a session, who has checked in, who has gone
//! quiet, when attendance can be marked) are in [`super::group_rules`].
//!
//! Every document a member writes carries `group_id` (so routing can send it to the group's
//! database, [`group_db_name`]) and `author` (the writer's username: the server's
//! `validate_doc_update` accepts a document only from the person it names).

use super::doc::{Audience, Document, Extra, Fields, Header, JsonValue};
use super::text::{self, TextTooLong};
use super::time::{Now, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

pub const GROUP_TYPE: &str = "group";
pub const NORMS_AGREEMENT_TYPE: &str = "norms-agreement";
pub const POST_TYPE: &str = "post";
pub const GROUP_REACTION_TYPE: &str = "group-reaction";
pub const ATTENDANCE_TYPE: &str = "attendance";
pub const POST_REPORT_TYPE: &str = "post-report";

/// Intensive outpatient groups work best small; the facilitator can change it per group.
pub const DEFAULT_SIZE_CAP: u32 = 12;
pub const POST_MAX_CHARS: usize = 4000;
pub const REPORT_REASON_MAX_CHARS: usize = 1000;

pub const GROUP_DB_PREFIX: &str = "tandem-group-";

/// The group's shared database.
pub fn group_db_name(group_id: &str) -> String {
    format!("{GROUP_DB_PREFIX}{group_id}")
}

/// Whether `group_id` makes a database name CouchDB accepts (the same rule as pair ids): routing
/// must send nothing to a group whose name the server would refuse, or documents would sit unsent.
pub fn is_valid_group_id(group_id: &str) -> bool {
    Header::is_valid_db_suffix(GROUP_DB_PREFIX, group_id)
}

fn new_header(id: String, doc_type: &str, schema: u32, audience: Audience, now: Now) -> Header {
    Header::shared(id, doc_type, schema, audience, now.at)
}

/// The same document after a change made now: the revision is kept so the save replaces it.
fn touched(header: &Header, now: Now) -> Header {
    Header { updated_at: now.at, ..header.clone() }
}

// ---------------------------------------------------------------------------------------------
// The group

/// One meeting on the group's schedule. Sessions are instants (a start in UTC and a length), not
/// wall-clock times, so members in different time zones all see the same meeting at their own time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub starts: Timestamp,
    pub minutes: u32,
    /// As the facilitator typed it; show it only through [`Session::safe_meeting_link`].
    pub meeting_link: Option<String>,
}

impl Session {
    pub fn ends(&self) -> Timestamp {
        Timestamp(self.starts.0.saturating_add(i64::from(self.minutes) * 60_000))
    }

    /// The meeting link if it is an http(s) address: anything else (`javascript:`, `data:`, a typo)
    /// is never made clickable, even though a facilitator wrote it.
    pub fn safe_meeting_link(&self) -> Option<&str> {
        let link = self.meeting_link.as_deref()?.trim();
        let lower_head: String = link.chars().take(8).collect::<String>().to_ascii_lowercase();
        let ok = (lower_head.starts_with("https://") && link.chars().count() > 8) || (lower_head.starts_with("http://") && link.chars().count() > 7);
        (ok && !link.chars().any(|c| c.is_whitespace() || c.is_control())).then_some(link)
    }
}

impl JsonValue for Session {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("id".into(), self.id.clone().into());
        out.insert("starts".into(), self.starts.to_rfc3339().into());
        out.insert("minutes".into(), self.minutes.into());
        if let Some(link) = &self.meeting_link {
            out.insert("meeting_link".into(), link.clone().into());
        }
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(Session { id: f.required("id")?, starts: f.required("starts")?, minutes: f.required("minutes")?, meeting_link: f.or_default("meeting_link")? })
    }
}

/// A peer-led group, written by its facilitator into the group's database.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub header: Header,
    /// The facilitator who wrote this version.
    pub author: String,
    pub group_id: String,
    pub name: String,
    pub size_cap: u32,
    /// The group's agreements ("what is said here stays here"), in the facilitator's words.
    pub norms: Vec<String>,
    pub schedule: Vec<Session>,
    /// Current members: someone who leaves is removed from this list.
    pub members: Vec<String>,
    pub facilitators: Vec<String>,
    /// (session id, username): the facilitator's choice of leader for a session, over the rotation.
    pub leader_overrides: Vec<(String, String)>,
    /// A group for people who finished the program.
    pub alumni: bool,
    pub extra: Extra,
}

pub fn group_doc_id(group_id: &str) -> String {
    format!("{GROUP_TYPE}:{group_id}")
}

impl Document for Group {
    const TYPE: &'static str = GROUP_TYPE;
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
        let header = f.header()?;
        let author = f.required("author")?;
        let group_id = f.required("group_id")?;
        let name = f.required("name")?;
        let size_cap = f.or_default::<Option<u32>>("size_cap")?.unwrap_or(DEFAULT_SIZE_CAP);
        let norms = f.or_default("norms")?;
        let schedule = f.or_default::<Vec<Value>>("schedule")?.into_iter().map(Session::from_json).collect::<Result<Vec<_>, _>>()?;
        let members = f.or_default("members")?;
        let facilitators = f.or_default("facilitators")?;
        let leader_overrides = f
            .or_default::<Vec<Value>>("leader_overrides")?
            .into_iter()
            .map(|v| {
                let mut o = Fields::object(v)?;
                Ok((o.required("session_id")?, o.required("username")?))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let alumni = f.or_default("alumni")?;
        Ok(Group { header, author, group_id, name, size_cap, norms, schedule, members, facilitators, leader_overrides, alumni, extra: f.rest() })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("name".into(), self.name.clone().into());
        out.insert("size_cap".into(), self.size_cap.into());
        out.insert("norms".into(), self.norms.clone().into());
        out.insert("schedule".into(), self.schedule.iter().map(Session::to_json).collect::<Vec<_>>().into());
        out.insert("members".into(), self.members.clone().into());
        out.insert("facilitators".into(), self.facilitators.clone().into());
        let overrides: Vec<Value> = self
            .leader_overrides
            .iter()
            .map(|(s, u)| {
                let mut o = Map::new();
                o.insert("session_id".into(), s.clone().into());
                o.insert("username".into(), u.clone().into());
                Value::Object(o)
            })
            .collect();
        out.insert("leader_overrides".into(), overrides.into());
        out.insert("alumni".into(), self.alumni.into());
    }
}

impl Group {
    /// A new group with no members yet, its writer as its facilitator.
    pub fn new(group_id: &str, name: &str, facilitator: &str, now: Now) -> Group {
        Group {
            header: new_header(group_doc_id(group_id), GROUP_TYPE, Group::SCHEMA, Audience::Group, now),
            author: facilitator.to_owned(),
            group_id: group_id.to_owned(),
            name: name.to_owned(),
            size_cap: DEFAULT_SIZE_CAP,
            norms: Vec::new(),
            schedule: Vec::new(),
            members: Vec::new(),
            facilitators: vec![facilitator.to_owned()],
            leader_overrides: Vec::new(),
            alumni: false,
            extra: Extra::new(),
        }
    }

    /// The empty name is nobody: a signed-out person is never a member.
    pub fn is_member(&self, user: &str) -> bool {
        !user.is_empty() && self.members.iter().any(|m| m == user)
    }

    pub fn is_facilitator(&self, user: &str) -> bool {
        !user.is_empty() && self.facilitators.iter().any(|m| m == user)
    }

    /// Members, each once, without empty names, in the facilitator's order.
    pub fn member_list(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in self.members.iter().map(String::as_str).filter(|m| !m.is_empty()) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    /// Whether another member can join: the cap counts distinct members.
    pub fn has_room(&self) -> bool {
        u32::try_from(self.member_list().len()).unwrap_or(u32::MAX) < self.size_cap
    }

    pub fn session(&self, session_id: &str) -> Option<&Session> {
        self.schedule.iter().find(|s| s.id == session_id)
    }

    /// Sessions by start, then id, so every device numbers them the same way.
    pub fn sessions_in_order(&self) -> Vec<&Session> {
        let mut out: Vec<&Session> = self.schedule.iter().collect();
        super::order::sort_by(&mut out, |a, b| a.starts.cmp(&b.starts).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// Sessions over by `now`, oldest first.
    pub fn ended_sessions(&self, now: Now) -> Vec<&Session> {
        self.sessions_in_order().into_iter().filter(|s| s.ends() <= now.at).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Norms

/// A stable hash of the norms' text (64-bit FNV-1a, as hex): the same on every device and every
/// build (unlike `std`'s hasher, which may change between Rust versions), so a member is asked to
/// agree again exactly when the words change. Each norm's length is hashed before it, so moving
/// text between two norms is a change too.
pub fn norms_hash(norms: &[String]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for n in norms {
        eat(&(n.len() as u64).to_le_bytes());
        eat(n.as_bytes());
    }
    format!("{h:016x}")
}

#[derive(Clone, Debug, PartialEq)]
pub struct NormsAgreement {
    pub header: Header,
    pub author: String,
    pub group_id: String,
    pub agreed_at: Timestamp,
    /// [`norms_hash`] of the norms agreed to.
    pub norms_hash: String,
    pub extra: Extra,
}

/// One per member per group: agreeing again (after the norms change) replaces the old agreement.
pub fn norms_agreement_id(group_id: &str, author: &str) -> String {
    format!("{NORMS_AGREEMENT_TYPE}:{group_id}:{author}")
}

impl Document for NormsAgreement {
    const TYPE: &'static str = NORMS_AGREEMENT_TYPE;
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
        Ok(NormsAgreement {
            header: f.header()?,
            author: f.required("author")?,
            group_id: f.required("group_id")?,
            agreed_at: f.required("agreed_at")?,
            norms_hash: f.required("norms_hash")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("agreed_at".into(), self.agreed_at.to_rfc3339().into());
        out.insert("norms_hash".into(), self.norms_hash.clone().into());
    }
}

/// `me` agreeing to the group's current norms. `previous` is my stored agreement, if any, whose
/// revision the new one must carry to replace it.
pub fn agree_to_norms(group: &Group, me: &str, previous: Option<&NormsAgreement>, now: Now) -> NormsAgreement {
    let header = match previous {
        Some(p) => touched(&p.header, now),
        None => new_header(norms_agreement_id(&group.group_id, me), NORMS_AGREEMENT_TYPE, NormsAgreement::SCHEMA, Audience::Group, now),
    };
    NormsAgreement { header, author: me.to_owned(), group_id: group.group_id.clone(), agreed_at: now.at, norms_hash: norms_hash(&group.norms), extra: Extra::new() }
}

/// Whether `me` must (again) agree before posting: no agreement of mine to these exact norms.
/// A group without norms asks nothing.
pub fn needs_norms_agreement(group: &Group, agreements: &[NormsAgreement], me: &str) -> bool {
    if group.norms.iter().all(|n| n.trim().is_empty()) {
        return false;
    }
    let current = norms_hash(&group.norms);
    !agreements.iter().any(|a| a.author == me && a.group_id == group.group_id && a.norms_hash == current)
}

// ---------------------------------------------------------------------------------------------
// Posts

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostKind {
    #[default]
    CheckIn,
    Share,
    Reply,
    Milestone,
}

impl PostKind {
    pub const ALL: [PostKind; 4] = [PostKind::CheckIn, PostKind::Share, PostKind::Reply, PostKind::Milestone];

    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::CheckIn => "check-in",
            PostKind::Share => "share",
            PostKind::Reply => "reply",
            PostKind::Milestone => "milestone",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PostKind::CheckIn => "Check-in",
            PostKind::Share => "Share",
            PostKind::Reply => "Reply",
            PostKind::Milestone => "Milestone",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub header: Header,
    pub author: String,
    pub group_id: String,
    pub kind: PostKind,
    /// The session a check-in belongs to.
    pub session_id: Option<String>,
    /// The post a reply answers.
    pub reply_to: Option<String>,
    /// Plain text, shown as text (never as HTML), exactly as typed inside its trimmed ends.
    pub text: String,
    pub at: Timestamp,
    /// Set only by a facilitator (see [`set_hidden`]).
    pub hidden: bool,
    /// Follow-up questions the author invites, from the goals they shared with the group ("You
    /// said you'd call your sister this week — how did it go?"): readers can start a reply with one.
    pub prompts: Vec<String>,
    pub extra: Extra,
}

impl Document for Post {
    const TYPE: &'static str = POST_TYPE;
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
        Ok(Post {
            header: f.header()?,
            author: f.required("author")?,
            group_id: f.required("group_id")?,
            kind: f.required("kind")?,
            session_id: f.or_default("session_id")?,
            reply_to: f.or_default("reply_to")?,
            text: f.required("text")?,
            at: f.required("at")?,
            hidden: f.or_default("hidden")?,
            prompts: f.or_default("prompts")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("kind".into(), self.kind.as_str().into());
        if !self.prompts.is_empty() {
            out.insert("prompts".into(), self.prompts.clone().into());
        }
        if let Some(s) = &self.session_id {
            out.insert("session_id".into(), s.clone().into());
        }
        if let Some(r) = &self.reply_to {
            out.insert("reply_to".into(), r.clone().into());
        }
        out.insert("text".into(), self.text.clone().into());
        out.insert("at".into(), self.at.to_rfc3339().into());
        out.insert("hidden".into(), self.hidden.into());
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostProblem {
    Empty,
    TooLong(TextTooLong),
    NotSignedIn,
    /// Only members (and facilitators) post in a group.
    NotMember,
    /// A reply needs the post it answers.
    NothingToReplyTo,
    /// Only the author edits or deletes a post.
    NotYours,
}

impl fmt::Display for PostProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostProblem::Empty => f.write_str("Write at least a few words — there's nothing to post yet."),
            PostProblem::TooLong(t) => f.write_str(&t.message()),
            PostProblem::NotSignedIn => f.write_str("Sign in to post to your group. Your words are still here."),
            PostProblem::NotMember => f.write_str("You're not a member of this group right now, so this can't be posted. Your words are still here."),
            PostProblem::NothingToReplyTo => f.write_str("This reply isn't attached to a post. Open the post you want to answer and reply there."),
            PostProblem::NotYours => f.write_str("Only the person who wrote a post can change or delete it."),
        }
    }
}

/// Characters that take up no space: a text of only these (and spaces) looks empty, so it is. They
/// are otherwise kept, since right-to-left writing and some scripts (Persian's zero-width
/// non-joiner, emoji sequences' joiner) need them.
fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A post's text: trimmed at the ends, the inside exactly as typed; refused when empty or over
/// [`POST_MAX_CHARS`] characters (never cut: the person decides what to leave out).
pub fn check_post_text(text: &str) -> Result<String, PostProblem> {
    if text.chars().all(is_invisible) {
        return Err(PostProblem::Empty);
    }
    text::checked("Your post", text, POST_MAX_CHARS).map_err(PostProblem::TooLong)
}

/// The post form as the person left it, kept on every keystroke.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostDraft {
    pub kind: PostKind,
    pub text: String,
    pub session_id: Option<String>,
    pub reply_to: Option<String>,
}

impl JsonValue for PostDraft {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("kind".into(), self.kind.as_str().into());
        out.insert("text".into(), self.text.clone().into());
        out.insert("session_id".into(), self.session_id.clone().into());
        out.insert("reply_to".into(), self.reply_to.clone().into());
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(PostDraft { kind: f.or_default("kind")?, text: f.or_default("text")?, session_id: f.or_default("session_id")?, reply_to: f.or_default("reply_to")? })
    }
}

/// A new post by `author`. Each send is its own document (a random id), like partner check-ins.
pub fn write_post(draft: &PostDraft, group: &Group, author: &str, now: Now, new_id: impl FnOnce() -> String) -> Result<Post, Vec<PostProblem>> {
    let mut problems = Vec::new();
    if author.trim().is_empty() {
        problems.push(PostProblem::NotSignedIn);
    } else if !group.is_member(author) && !group.is_facilitator(author) {
        problems.push(PostProblem::NotMember);
    }
    let reply_to = draft.reply_to.clone().filter(|r| !r.is_empty());
    if draft.kind == PostKind::Reply && reply_to.is_none() {
        problems.push(PostProblem::NothingToReplyTo);
    }
    let text = match check_post_text(&draft.text) {
        Ok(t) => t,
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Post {
        header: new_header(new_id(), POST_TYPE, Post::SCHEMA, Audience::Group, now),
        author: author.to_owned(),
        group_id: group.group_id.clone(),
        kind: draft.kind,
        session_id: draft.session_id.clone().filter(|s| !s.is_empty()),
        reply_to,
        text,
        at: now.at,
        hidden: false,
        prompts: Vec::new(),
        extra: Extra::new(),
    })
}

/// The post with new words, if `user` wrote it. `at` stays the time it was first posted.
pub fn edit_post(post: &Post, user: &str, text: &str, now: Now) -> Result<Post, PostProblem> {
    if !super::group_rules::can_edit(post, user) {
        return Err(PostProblem::NotYours);
    }
    let text = check_post_text(text)?;
    Ok(Post { header: touched(&post.header, now), text, ..post.clone() })
}

/// The post hidden (or shown again) by a facilitator; `None` when `user` may not, or nothing changes.
pub fn set_hidden(post: &Post, group: &Group, user: &str, hidden: bool, now: Now) -> Option<Post> {
    (super::group_rules::can_hide(group, user) && post.group_id == group.group_id && post.hidden != hidden)
        .then(|| Post { header: touched(&post.header, now), hidden, ..post.clone() })
}

/// A piece of a post as the UI shows it: words, or an http(s) link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Shown as text, line breaks (`\n`) included.
    Text(String),
    /// An `http://` or `https://` address, safe to make a link.
    Link(String),
}

/// The case-insensitive scheme at the start of `s`, if it is one a link may have.
fn link_scheme_len(s: &str) -> Option<usize> {
    ["https://", "http://"].into_iter().find(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))).map(str::len)
}

/// Where a link stops: at spaces, controls, characters that cannot be in an address, and invisible
/// or direction-changing characters (an address disguised with them must not be a link).
fn ends_link(c: char) -> bool {
    is_invisible(c) || c.is_control() || matches!(c, '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^')
}

/// Drops punctuation that ends the sentence rather than the address: "see https://x.org." keeps
/// the full stop as text. A closing bracket stays when the address opened one (Wikipedia's
/// `…/Foo_(bar)`).
fn trim_link_end(link: &str) -> &str {
    let mut end = link;
    loop {
        let Some(last) = end.chars().last() else { return end };
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*' | '،' | '؛' | '؟' | '。' | '、' => true,
            ')' => end.matches('(').count() < end.matches(')').count(),
            ']' => end.matches('[').count() < end.matches(']').count(),
            _ => false,
        };
        if !strip {
            return end;
        }
        end = end.get(..end.len() - last.len_utf8()).unwrap_or("");
    }
}

/// Splits `text` into plain text and http(s) links. Only those two schemes become links: anything
/// else (`javascript:`, `data:`, `file:`) stays text. Everything else — line breaks, right-to-left
/// text, zero-width characters — is kept as it is, in order; joining the segments gives `text` back.
pub fn display_segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while let Some(rest) = text.get(i..) {
        let Some(c) = rest.chars().next() else { break };
        // A link starts a word: "xhttps://" and "javascript:https://" are not one, "(https://" is.
        let starts_word = text
            .get(..i)
            .and_then(|b| b.chars().last())
            .is_none_or(|p| !p.is_alphanumeric() && !matches!(p, ':' | '/' | '.' | '@' | '-' | '_' | '=' | '&' | '?' | '#' | '%' | '+'));
        if let Some(scheme) = link_scheme_len(rest).filter(|_| starts_word) {
            let body_len: usize = rest.get(scheme..).unwrap_or("").chars().take_while(|&c| !ends_link(c)).map(char::len_utf8).sum();
            let link = trim_link_end(rest.get(..scheme + body_len).unwrap_or(""));
            // Needs something after the scheme that could be a host.
            if link.get(scheme..).and_then(|h| h.chars().next()).is_some_and(char::is_alphanumeric) {
                if !plain.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut plain)));
                }
                out.push(Segment::Link(link.to_owned()));
                i += link.len();
                continue;
            }
        }
        plain.push(c);
        i += c.len_utf8();
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reactions

/// A one-tap response to a post. Stored as its kebab-case word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReactionKind {
    Celebrate,
    Encourage,
    MeToo,
    CheckOnYou,
}

impl ReactionKind {
    pub const ALL: [ReactionKind; 4] = [ReactionKind::Celebrate, ReactionKind::Encourage, ReactionKind::MeToo, ReactionKind::CheckOnYou];

    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Celebrate => "celebrate",
            ReactionKind::Encourage => "encourage",
            ReactionKind::MeToo => "me-too",
            ReactionKind::CheckOnYou => "check-on-you",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReactionKind::Celebrate => "Celebrate",
            ReactionKind::Encourage => "Encourage",
            ReactionKind::MeToo => "Me too",
            ReactionKind::CheckOnYou => "Check on you",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reaction {
    pub header: Header,
    pub author: String,
    pub group_id: String,
    pub post_id: String,
    pub kind: ReactionKind,
    pub extra: Extra,
}

/// Made from the reaction itself rather than at random, so the same reaction added on two devices
/// offline is one document, and "one of each kind per person per post" holds without coordination.
pub fn group_reaction_id(kind: ReactionKind, author: &str, post_id: &str) -> String {
    format!("{GROUP_REACTION_TYPE}:{}:{author}:{post_id}", kind.as_str())
}

impl Document for Reaction {
    const TYPE: &'static str = GROUP_REACTION_TYPE;
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
        Ok(Reaction {
            header: f.header()?,
            author: f.required("author")?,
            group_id: f.required("group_id")?,
            post_id: f.required("post_id")?,
            kind: f.required("kind")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("post_id".into(), self.post_id.clone().into());
        out.insert("kind".into(), self.kind.as_str().into());
    }
}

impl Reaction {
    pub fn new(kind: ReactionKind, author: &str, group_id: &str, post_id: &str, now: Now) -> Reaction {
        Reaction {
            header: new_header(group_reaction_id(kind, author, post_id), GROUP_REACTION_TYPE, Reaction::SCHEMA, Audience::Group, now),
            author: author.to_owned(),
            group_id: group_id.to_owned(),
            post_id: post_id.to_owned(),
            kind,
            extra: Extra::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attendance

#[derive(Clone, Debug, PartialEq)]
pub struct Attendance {
    pub header: Header,
    pub author: String,
    pub group_id: String,
    pub session_id: String,
    pub at: Timestamp,
    pub extra: Extra,
}

/// One per person per session: marking it twice (two devices, two taps) writes one document. The
/// group is part of the id because one device's store holds the documents of all its groups.
pub fn attendance_id(group_id: &str, session_id: &str, author: &str) -> String {
    format!("{ATTENDANCE_TYPE}:{group_id}:{session_id}:{author}")
}

impl Document for Attendance {
    const TYPE: &'static str = ATTENDANCE_TYPE;
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
        Ok(Attendance {
            header: f.header()?,
            author: f.required("author")?,
            group_id: f.required("group_id")?,
            session_id: f.required("session_id")?,
            at: f.required("at")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("session_id".into(), self.session_id.clone().into());
        out.insert("at".into(), self.at.to_rfc3339().into());
    }
}

// ---------------------------------------------------------------------------------------------
// Reports

/// "Please look at this post": for the facilitator only, never the group (the post's author must
/// not see who reported it).
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub header: Header,
    pub author: String,
    pub group_id: String,
    pub post_id: String,
    /// May be empty: reporting should not need an explanation.
    pub reason: String,
    pub extra: Extra,
}

impl Document for Report {
    const TYPE: &'static str = POST_REPORT_TYPE;
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
        Ok(Report {
            header: f.header()?,
            author: f.required("author")?,
            group_id: f.required("group_id")?,
            post_id: f.required("post_id")?,
            reason: f.or_default("reason")?,
            extra: f.rest(),
        })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("author".into(), self.author.clone().into());
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("post_id".into(), self.post_id.clone().into());
        out.insert("reason".into(), self.reason.clone().into());
    }
}

/// `me` reporting `post` to the facilitator.
pub fn report_post(post: &Post, me: &str, reason: &str, now: Now, new_id: impl FnOnce() -> String) -> Result<Report, PostProblem> {
    if me.trim().is_empty() {
        return Err(PostProblem::NotSignedIn);
    }
    let reason = text::checked("The reason", reason, REPORT_REASON_MAX_CHARS).map_err(PostProblem::TooLong)?;
    Ok(Report {
        header: new_header(new_id(), POST_REPORT_TYPE, Report::SCHEMA, Audience::Facilitator, now),
        author: me.to_owned(),
        group_id: post.group_id.clone(),
        post_id: post.header.id.clone(),
        reason,
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

    fn group() -> Group {
        let mut g = Group::new("g1", "Tuesday evening", "fran", now("2026-11-01T09:00:00Z"));
        g.members = vec!["alex".into(), "sam".into()];
        g.norms = vec!["What is said here stays here.".into(), "Speak from your own experience.".into()];
        g.schedule = vec![Session { id: "s1".into(), starts: now("2026-11-03T18:00:00Z").at, minutes: 90, meeting_link: Some("https://meet.example/abc".into()) }];
        g.leader_overrides = vec![("s1".into(), "sam".into())];
        g
    }

    fn post(text: &str) -> Post {
        write_post(&PostDraft { kind: PostKind::Share, text: text.into(), ..Default::default() }, &group(), "alex", now("2026-11-03T18:10:00Z"), || "post:1".into()).unwrap()
    }

    #[test]
    fn groups_round_trip_with_their_schedule_and_overrides() {
        let g = group();
        let stored = encode(&g);
        assert_eq!((stored["_id"].as_str(), stored["author"].as_str(), stored["group_id"].as_str()), (Some("group:g1"), Some("fran"), Some("g1")));
        assert_eq!(stored["leader_overrides"], json!([{"session_id": "s1", "username": "sam"}]));
        assert_eq!(stored["schedule"][0]["starts"], "2026-11-03T18:00:00.000Z");
        let mut with_future = stored.clone();
        with_future["future"] = json!(1);
        let back: Group = decode(&with_future).unwrap();
        assert_eq!(encode(&back), with_future);
        let mut minimal = stored.clone();
        for k in ["size_cap", "norms", "schedule", "members", "facilitators", "leader_overrides", "alumni"] {
            minimal.as_object_mut().unwrap().remove(k);
        }
        let m: Group = decode(&minimal).unwrap();
        assert_eq!((m.size_cap, m.members.len(), m.alumni), (DEFAULT_SIZE_CAP, 0, false));
        let mut bad = stored;
        bad["schedule"][0]["minutes"] = json!("ninety");
        assert!(matches!(decode::<Group>(&bad), Err(DecodeError::Malformed { .. })));
    }

    #[test]
    fn group_database_names_and_membership() {
        assert_eq!(group_db_name("g1"), "tandem-group-g1");
        assert!(is_valid_group_id("tue-evening_2") && !is_valid_group_id("") && !is_valid_group_id("A b") && !is_valid_group_id("g:1"));
        let mut g = group();
        assert!(g.is_member("alex") && !g.is_member("fran") && !g.is_member(""));
        assert!(g.is_facilitator("fran") && !g.is_facilitator("alex"));
        g.members = vec!["a".into(), "a".into(), "".into(), "b".into()];
        assert_eq!(g.member_list(), ["a", "b"]);
        g.size_cap = 2;
        assert!(!g.has_room());
        g.size_cap = 3;
        assert!(g.has_room());
    }

    #[test]
    fn meeting_links_are_only_http() {
        let mut s = group().schedule.remove(0);
        assert_eq!(s.safe_meeting_link(), Some("https://meet.example/abc"));
        for bad in ["javascript:alert(1)", "https://", "data:text/html,x", "https://a b", "meet.example/abc"] {
            s.meeting_link = Some(bad.into());
            assert_eq!(s.safe_meeting_link(), None, "{bad}");
        }
        s.meeting_link = Some(" HTTP://x.org ".into());
        assert_eq!(s.safe_meeting_link(), Some("HTTP://x.org"));
        assert_eq!(s.ends(), now("2026-11-03T19:30:00Z").at);
    }

    #[test]
    fn norms_changes_ask_again() {
        let g = group();
        assert!(needs_norms_agreement(&g, &[], "alex"));
        let a = agree_to_norms(&g, "alex", None, now("2026-11-02T10:00:00Z"));
        assert_eq!(a.header.id, "norms-agreement:g1:alex");
        assert_eq!(decode::<NormsAgreement>(&encode(&a)), Ok(a.clone()));
        assert!(!needs_norms_agreement(&g, std::slice::from_ref(&a), "alex"));
        assert!(needs_norms_agreement(&g, std::slice::from_ref(&a), "sam"), "mine is not theirs");
        let mut changed = g.clone();
        changed.norms[1].push_str(" Always.");
        assert!(needs_norms_agreement(&changed, std::slice::from_ref(&a), "alex"));
        let mut again_prev = a.clone();
        again_prev.header.rev = Some("1-x".into());
        let again = agree_to_norms(&changed, "alex", Some(&again_prev), now("2026-11-05T10:00:00Z"));
        assert_eq!((again.header.id.as_str(), again.header.rev.as_deref()), ("norms-agreement:g1:alex", Some("1-x")));
        assert!(!needs_norms_agreement(&changed, &[again], "alex"));
        // The hash is fixed across builds, and moving words between norms changes it.
        assert_eq!(norms_hash(&[]), "cbf29ce484222325");
        assert_ne!(norms_hash(&["ab".into(), "c".into()]), norms_hash(&["a".into(), "bc".into()]));
        assert_eq!(norms_hash(&g.norms), norms_hash(&group().norms));
        let mut none = g;
        none.norms.clear();
        assert!(!needs_norms_agreement(&none, &[], "alex"));
    }

    #[test]
    fn post_text_is_refused_never_cut() {
        assert_eq!(check_post_text("  hello\nthere  "), Ok("hello\nthere".into()));
        assert_eq!(check_post_text(""), Err(PostProblem::Empty));
        assert_eq!(check_post_text(" \n\u{200B}\u{200F} "), Err(PostProblem::Empty), "invisible only is empty");
        let at_max = "ش".repeat(POST_MAX_CHARS);
        assert_eq!(check_post_text(&at_max), Ok(at_max.clone()), "counted in characters, not bytes");
        let Err(PostProblem::TooLong(e)) = check_post_text(&format!("{at_max}x")) else { panic!("accepted a too-long post") };
        assert!(PostProblem::TooLong(e).to_string().starts_with("Your post is 4001 characters long; the most it can hold is 4000. Nothing was removed"));
        let rtl = "سلام\u{200C}خوبی \u{202E}abc\u{202C} <b>hi</b>";
        assert_eq!(check_post_text(rtl), Ok(rtl.into()), "kept exactly, markup included: the UI shows text");
    }

    #[test]
    fn posts_need_a_member_words_and_a_post_to_reply_to() {
        let p = post(" a good week ");
        assert_eq!((p.text.as_str(), p.group_id.as_str(), p.header.audience, p.hidden), ("a good week", "g1", Audience::Group, false));
        let stored = encode(&p);
        assert_eq!((stored["kind"].as_str(), stored.get("session_id")), (Some("share"), None));
        assert_eq!(decode::<Post>(&stored), Ok(p.clone()));
        let g = group();
        let reply = PostDraft { kind: PostKind::Reply, text: "".into(), reply_to: Some("".into()), ..Default::default() };
        assert_eq!(write_post(&reply, &g, "kim", now("2026-11-03T18:10:00Z"), || unreachable!()).unwrap_err(), [PostProblem::NotMember, PostProblem::NothingToReplyTo, PostProblem::Empty]);
        assert_eq!(write_post(&PostDraft { text: "x".into(), ..Default::default() }, &g, " ", now("2026-11-03T18:10:00Z"), || unreachable!()).unwrap_err(), [PostProblem::NotSignedIn]);
        let ok = PostDraft { kind: PostKind::Reply, text: "same".into(), reply_to: Some("post:1".into()), session_id: Some("s1".into()) };
        let r = write_post(&ok, &g, "fran", now("2026-11-03T18:10:00Z"), || "post:2".into()).unwrap();
        assert_eq!((r.reply_to.as_deref(), r.session_id.as_deref()), (Some("post:1"), Some("s1")), "facilitators may post");
        assert_eq!(decode::<Post>(&encode(&r)), Ok(r));
        assert!(decode::<Post>(&json!({"_id": "p", "type": "post", "schema": 1, "created_at": "2026-11-22T08:00:00Z", "updated_at": "2026-11-22T08:00:00Z", "author": "a", "group_id": "g", "kind": "rant", "text": "x", "at": "2026-11-22T08:00:00Z"})).is_err());
    }

    #[test]
    fn post_drafts_round_trip() {
        let d = PostDraft { kind: PostKind::Milestone, text: "90 days".into(), session_id: None, reply_to: Some("post:1".into()) };
        assert_eq!(PostDraft::from_json(d.to_json()), Ok(d));
        assert_eq!(PostDraft::from_json(json!({"x": 1})), Ok(PostDraft::default()));
        assert!(PostDraft::from_json(json!({"kind": "rant"})).is_err());
        assert!(PostDraft::from_json(json!([])).is_err());
    }

    #[test]
    fn only_authors_edit_and_only_facilitators_hide() {
        let p = post("first");
        let g = group();
        let edited = edit_post(&p, "alex", " second ", now("2026-11-03T19:00:00Z")).unwrap();
        assert_eq!((edited.text.as_str(), edited.at, edited.header.updated_at), ("second", p.at, now("2026-11-03T19:00:00Z").at));
        assert_eq!(edit_post(&p, "sam", "mine now", now("2026-11-03T19:00:00Z")), Err(PostProblem::NotYours));
        assert_eq!(edit_post(&p, "fran", "x", now("2026-11-03T19:00:00Z")), Err(PostProblem::NotYours), "facilitators hide, they don't rewrite");
        assert_eq!(edit_post(&p, "alex", " ", now("2026-11-03T19:00:00Z")), Err(PostProblem::Empty));
        assert!(set_hidden(&p, &g, "alex", true, now("2026-11-03T19:00:00Z")).is_none());
        let hidden = set_hidden(&p, &g, "fran", true, now("2026-11-03T19:00:00Z")).unwrap();
        assert!(hidden.hidden && hidden.text == p.text && hidden.author == "alex");
        assert!(set_hidden(&hidden, &g, "fran", true, now("2026-11-03T19:01:00Z")).is_none(), "nothing to change");
        assert!(!set_hidden(&hidden, &g, "fran", false, now("2026-11-03T19:02:00Z")).unwrap().hidden);
    }

    fn links(s: &str) -> Vec<Segment> {
        display_segments(s)
    }

    fn joined(segs: &[Segment]) -> String {
        segs.iter().map(|s| match s {
            Segment::Text(t) | Segment::Link(t) => t.as_str(),
        }).collect()
    }

    #[test]
    fn links_are_only_http_and_everything_else_stays_text() {
        use Segment::{Link, Text};
        assert_eq!(links("see https://aa.org/x?y=1.\nthanks"), [Text("see ".into()), Link("https://aa.org/x?y=1".into()), Text(".\nthanks".into())]);
        assert_eq!(links("javascript:alert(1) and data:text/html,hi"), [Text("javascript:alert(1) and data:text/html,hi".into())]);
        assert_eq!(links("javascript:https://x.org"), [Text("javascript:https://x.org".into())], "not at a word start");
        assert_eq!(links("(HTTP://en.wikipedia.org/wiki/Foo_(bar))"), [Text("(".into()), Link("HTTP://en.wikipedia.org/wiki/Foo_(bar)".into()), Text(")".into())]);
        assert_eq!(links("https:// nothing"), [Text("https:// nothing".into())]);
        assert_eq!(links("<https://x.org>"), [Text("<".into()), Link("https://x.org".into()), Text(">".into())]);
        assert_eq!(links("http://a.com\u{202E}gpj.exe"), [Link("http://a.com".into()), Text("\u{202E}gpj.exe".into())], "direction marks end a link");
        assert_eq!(links("http://a.com\u{200B}evil"), [Link("http://a.com".into()), Text("\u{200B}evil".into())]);
        assert_eq!(links(""), []);
        assert_eq!(links("line one\n\nline two"), [Text("line one\n\nline two".into())]);
        for s in ["مرحبا https://مثال.موقع/صفحة، شكرا", "a\u{200D}b https://x.y/é.", "https://x.org https://y.org", "ééhttps://x", "http://"] {
            assert_eq!(joined(&links(s)), s, "nothing lost: {s}");
        }
        assert_eq!(links("مرحبا https://مثال.موقع/صفحة، شكرا")[1], Link("https://مثال.موقع/صفحة".into()));
    }

    #[test]
    fn reactions_have_deterministic_ids_and_labels() {
        let r = Reaction::new(ReactionKind::MeToo, "sam", "g1", "post:1", now("2026-11-03T19:00:00Z"));
        assert_eq!(r.header.id, "group-reaction:me-too:sam:post:1");
        assert_eq!(encode(&r)["kind"], "me-too");
        assert_eq!(decode::<Reaction>(&encode(&r)), Ok(r));
        assert_eq!(ReactionKind::ALL.map(ReactionKind::label), ["Celebrate", "Encourage", "Me too", "Check on you"]);
    }

    #[test]
    fn attendance_and_reports_round_trip() {
        let a = Attendance {
            header: new_header(attendance_id("g1", "s1", "alex"), ATTENDANCE_TYPE, 1, Audience::Group, now("2026-11-03T18:00:00Z")),
            author: "alex".into(),
            group_id: "g1".into(),
            session_id: "s1".into(),
            at: now("2026-11-03T18:00:00Z").at,
            extra: Extra::new(),
        };
        assert_eq!(a.header.id, "attendance:g1:s1:alex");
        assert_eq!(decode::<Attendance>(&encode(&a)), Ok(a));
        let p = post("something");
        let r = report_post(&p, "sam", " unkind ", now("2026-11-03T19:00:00Z"), || "post-report:1".into()).unwrap();
        assert_eq!((r.header.audience, r.post_id.as_str(), r.reason.as_str(), r.group_id.as_str()), (Audience::Facilitator, "post:1", "unkind", "g1"));
        assert_eq!(decode::<Report>(&encode(&r)), Ok(r));
        assert_eq!(report_post(&p, "", "", now("2026-11-03T19:00:00Z"), || unreachable!()), Err(PostProblem::NotSignedIn));
        assert!(report_post(&p, "sam", "", now("2026-11-03T19:00:00Z"), || "r".into()).is_ok(), "no reason needed");
    }
}
