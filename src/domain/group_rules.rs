//! The rules of a peer-led group, over the documents in [`super::group`]: who leads each session,
//! who has checked in this round, who has gone quiet, when attendance can be marked and how it
//! adds up, what to prompt a reply with, reactions, and who may edit or hide a post.
//!
//! Everything is worked out from the documents alone, the same way on every device: sessions are
//! instants (so time zones and daylight saving never move a meeting), orders are fixed by start
//! time then id, and nothing reads a clock (the time comes in as a [`Now`]).

use super::group::{Attendance, Group, Post, PostKind, Reaction, ReactionKind, Session, ATTENDANCE_TYPE};
use super::doc::{Audience, Document, Extra, Header};
use super::order;
use super::time::Now;
use std::fmt;

/// Attendance opens this long before a session starts, so people joining early can mark it.
pub const ATTENDANCE_OPENS_MINUTES_BEFORE: i64 = 15;

/// How many ended sessions in a row without a check-in or attendance make someone "quiet".
pub const QUIET_AFTER_SESSIONS: usize = 2;

/// How many of a post's first words a reply prompt quotes.
const PROMPT_WORDS: usize = 6;

// ---------------------------------------------------------------------------------------------
// Leader rotation

/// Who leads `session_id`: the facilitator's override for it if that person is still in the group
/// (a member or a facilitator), otherwise the rotation. The rotation goes through the current
/// members sorted by username — not in the facilitator's list order, so reordering the list moves
/// nobody — one per session in start order. Members who left are no longer in the list, so they
/// are skipped (the turns after them move up by one; an override pins a session that must not
/// move). `None` for an unknown session or a group without members.
pub fn leader_for(group: &Group, session_id: &str) -> Option<String> {
    group.session(session_id)?;
    // The last override for a session is the facilitator's latest word on it.
    if let Some((_, who)) = group.leader_overrides.iter().rev().find(|(s, _)| s == session_id) {
        if group.is_member(who) || group.is_facilitator(who) {
            return Some(who.clone());
        }
    }
    let mut members = group.member_list();
    order::sort_by(&mut members, |a, b| a.cmp(b));
    let turn = group.sessions_in_order().iter().position(|s| s.id == session_id)?;
    let count = members.len();
    if count == 0 {
        return None;
    }
    members.get(turn % count).map(|m| (*m).to_owned())
}

// ---------------------------------------------------------------------------------------------
// Check-in rounds

/// Who has shared a check-in for a session, and who has not yet, each in the group's member order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub shared: Vec<String>,
    pub not_yet: Vec<String>,
}

impl Round {
    pub fn is_complete(&self) -> bool {
        self.not_yet.is_empty()
    }
}

fn checked_in(group: &Group, posts: &[Post], member: &str, session_id: &str) -> bool {
    posts.iter().any(|p| p.group_id == group.group_id && p.kind == PostKind::CheckIn && p.author == member && p.session_id.as_deref() == Some(session_id))
}

fn attended(group: &Group, attendance: &[Attendance], member: &str, session_id: &str) -> bool {
    attendance.iter().any(|a| a.group_id == group.group_id && a.author == member && a.session_id == session_id)
}

/// The check-in round for `session_id`: members who posted a check-in for it (a hidden one still
/// counts — they did share), and the members still to go. Facilitators are not in the round.
pub fn round_status(group: &Group, session_id: &str, posts: &[Post]) -> Round {
    let (mut shared, mut not_yet) = (Vec::new(), Vec::new());
    for m in group.member_list() {
        if checked_in(group, posts, m, session_id) { &mut shared } else { &mut not_yet }.push(m.to_owned());
    }
    Round { shared, not_yet }
}

// ---------------------------------------------------------------------------------------------
// Quiet members

/// Members with neither a check-in nor attendance in each of the last `last_n_sessions` sessions
/// that have ended by `now` ([`QUIET_AFTER_SESSIONS`] in the app), in the group's member order.
/// Until that many sessions have ended nobody is quiet: a new group has no pattern to see yet.
pub fn quiet_members(group: &Group, posts: &[Post], attendance: &[Attendance], last_n_sessions: usize, now: Now) -> Vec<String> {
    let ended = group.ended_sessions(now);
    if last_n_sessions == 0 || ended.len() < last_n_sessions {
        return Vec::new();
    }
    let recent = ended.get(ended.len().saturating_sub(last_n_sessions)..).unwrap_or(&[]);
    group
        .member_list()
        .into_iter()
        .filter(|m| recent.iter().all(|s| !checked_in(group, posts, m, &s.id) && !attended(group, attendance, m, &s.id)))
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Attendance

/// Whether attendance can be marked at `now`: from [`ATTENDANCE_OPENS_MINUTES_BEFORE`] minutes
/// before the start to the end, inclusive. Compared as instants, so it is the same window for
/// everyone wherever they are and whatever their clocks' offsets.
pub fn can_check_in_attendance(session: &Session, now: Now) -> bool {
    let opens = session.starts.0.saturating_sub(ATTENDANCE_OPENS_MINUTES_BEFORE * 60_000);
    opens <= now.at.0 && now.at <= session.ends()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttendanceProblem {
    NotSignedIn,
    NotMember,
    NoSuchSession,
    /// Outside the window: not yet open, or the session is over.
    NotOpen,
}

impl fmt::Display for AttendanceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AttendanceProblem::NotSignedIn => "Sign in to mark that you're here.",
            AttendanceProblem::NotMember => "You're not a member of this group right now.",
            AttendanceProblem::NoSuchSession => "This session is no longer on the group's schedule.",
            AttendanceProblem::NotOpen => "Attendance opens 15 minutes before the session starts and closes when it ends.",
        })
    }
}

/// `me` marking attendance for `session_id` now. The id is made from the session and the person,
/// so a second tap or a second device writes the same document.
pub fn record_attendance(group: &Group, session_id: &str, me: &str, now: Now) -> Result<Attendance, AttendanceProblem> {
    if me.trim().is_empty() {
        return Err(AttendanceProblem::NotSignedIn);
    }
    if !group.is_member(me) {
        return Err(AttendanceProblem::NotMember);
    }
    let session = group.session(session_id).ok_or(AttendanceProblem::NoSuchSession)?;
    if !can_check_in_attendance(session, now) {
        return Err(AttendanceProblem::NotOpen);
    }
    let mut header = Header::new(super::group::attendance_id(&group.group_id, session_id, me), ATTENDANCE_TYPE, Attendance::SCHEMA, now.at);
    header.audience = Audience::Group;
    Ok(Attendance { header, author: me.to_owned(), group_id: group.group_id.clone(), session_id: session_id.to_owned(), at: now.at, extra: Extra::new() })
}

/// (sessions `member` attended, sessions held): held means ended by `now`, so a session under way
/// never counts against anyone.
pub fn attendance_rate(member: &str, group: &Group, attendance: &[Attendance], now: Now) -> (usize, usize) {
    let held = group.ended_sessions(now);
    let went = held.iter().filter(|s| attended(group, attendance, member, &s.id)).count();
    (went, held.len())
}

/// Sessions in a row `member` attended, counting back from the latest. A session under way counts
/// once attended, and does not break the streak before then.
pub fn attendance_streak(member: &str, group: &Group, attendance: &[Attendance], now: Now) -> usize {
    let mut streak = 0;
    for s in group.sessions_in_order().into_iter().rev().filter(|s| s.starts <= now.at) {
        if attended(group, attendance, member, &s.id) {
            streak += 1;
        } else if s.ends() <= now.at {
            break;
        }
    }
    streak
}

// ---------------------------------------------------------------------------------------------
// Reply prompts

/// Gentle openers for replying to `post`: one quoting its first words, and one for an author who
/// has been quiet. The quoted words are wrapped in Unicode isolates (FSI … PDI) so right-to-left
/// words inside an English sentence cannot reorder the sentence around them.
pub fn reply_prompts(post: &Post, author_quiet: bool) -> Vec<String> {
    let mut out = Vec::new();
    if post.hidden {
        return out;
    }
    if post.kind != PostKind::Reply {
        let words: Vec<&str> = post.text.split_whitespace().collect();
        let head: Vec<&str> = words.iter().take(PROMPT_WORDS).copied().collect();
        let mut quoted = head.join(" ");
        // Sentence punctuation at the cut would read oddly inside the quote.
        while quoted.ends_with(['.', ',', ';', ':', '!', '?', '…']) {
            quoted.pop();
        }
        if !quoted.is_empty() {
            let more = if words.len() > PROMPT_WORDS { "…" } else { "" };
            out.push(format!("You mentioned “\u{2068}{quoted}{more}\u{2069}” — how did that go?"));
        }
    }
    if author_quiet {
        out.push("I've missed you at the last sessions — how are you doing?".to_owned());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Reactions

#[derive(Clone, Debug, PartialEq)]
pub enum ReactionChange {
    /// Write this reaction.
    Add(Reaction),
    /// Delete these documents: my reactions of that kind to the post (normally one; more only if
    /// another client made them with other ids).
    Remove(Vec<String>),
}

/// Reactions are for other people's posts. On my own I see what others gave me, with nothing to
/// press: cheering myself on would read as someone else's support.
pub fn may_react(post: &Post, me: &str) -> bool {
    !me.is_empty() && post.author != me
}

/// Tapping a reaction: adds mine if I have none of that kind on the post, removes it if I have;
/// `None` on a post I may not react to (my own).
pub fn toggle_reaction(existing: &[Reaction], me: &str, post: &Post, kind: ReactionKind, now: Now) -> Option<ReactionChange> {
    if !may_react(post, me) {
        return None;
    }
    let post_id = post.header.id.as_str();
    let mine: Vec<String> = existing.iter().filter(|r| r.author == me && r.post_id == post_id && r.kind == kind).map(|r| r.header.id.clone()).collect();
    Some(if mine.is_empty() {
        ReactionChange::Add(Reaction::new(kind, me, &post.group_id, post_id, now))
    } else {
        ReactionChange::Remove(mine)
    })
}

/// One reaction kind on a post: how many people gave it (each once) and whether `me` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReactionCount {
    pub kind: ReactionKind,
    pub count: usize,
    pub mine: bool,
}

/// Every kind, in [`ReactionKind::ALL`]'s order (so buttons never move), with its count on `post`.
/// Only other people's reactions count: one its author made (another app, or this one before it
/// kept authors from reacting to their own posts) is left out.
pub fn reaction_counts(all: &[Reaction], post: &Post, me: &str) -> Vec<ReactionCount> {
    ReactionKind::ALL
        .into_iter()
        .map(|kind| {
            let mut who: Vec<&str> = Vec::new();
            for r in all.iter().filter(|r| r.post_id == post.header.id && r.kind == kind && r.author != post.author) {
                if !who.contains(&r.author.as_str()) {
                    who.push(r.author.as_str());
                }
            }
            ReactionCount { kind, count: who.len(), mine: !me.is_empty() && who.contains(&me) }
        })
        .collect()
}

/// What the author of a post sees of the reactions to it, in words: "Reactions: Celebrate 2 · Me
/// too 1"; empty when there are none.
pub fn reactions_received(counts: &[ReactionCount]) -> String {
    let given: Vec<String> = counts.iter().filter(|c| c.count > 0).map(|c| format!("{} {}", c.kind.label(), c.count)).collect();
    if given.is_empty() {
        String::new()
    } else {
        format!("Reactions: {}", given.join(" · "))
    }
}

/// Who, other than `me`, pressed "Check on you" on `post` when it is `me`'s own: the author is
/// told by name who would like to hear how they are (a count alone says nothing). Each once, in
/// the order of the reactions given.
pub fn checking_on<'a>(all: &'a [Reaction], post: &Post, me: &str) -> Vec<&'a str> {
    let mut who: Vec<&str> = Vec::new();
    if me.is_empty() || post.author != me {
        return who;
    }
    for r in all.iter().filter(|r| r.post_id == post.header.id && r.kind == ReactionKind::CheckOnYou && r.author != me) {
        if !who.contains(&r.author.as_str()) {
            who.push(r.author.as_str());
        }
    }
    who
}

// ---------------------------------------------------------------------------------------------
// Permissions

/// Only the author edits or deletes a post (the server checks the same `author`).
pub fn can_edit(post: &Post, user: &str) -> bool {
    !user.is_empty() && post.author == user
}

/// Only the group's facilitators hide posts.
pub fn can_hide(group: &Group, user: &str) -> bool {
    group.is_facilitator(user)
}

/// A hidden post is still shown to its author (marked as hidden) and to facilitators; others don't see it.
pub fn can_see(post: &Post, group: &Group, user: &str) -> bool {
    !post.hidden || can_edit(post, user) || can_hide(group, user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::group::{write_post, PostDraft};
    use crate::domain::time::Timestamp;
    use crate::domain::week::{now_in, FixedZone, Zone};

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn now(s: &str) -> Now {
        Now { at: ts(s), utc_offset_minutes: 0 }
    }

    fn session(id: &str, starts: &str, minutes: u32) -> Session {
        Session { id: id.into(), starts: ts(starts), minutes, meeting_link: None }
    }

    /// Weekly 90-minute sessions on Tuesdays at 18:00 UTC, listed out of order on purpose.
    fn group(members: &[&str]) -> Group {
        let mut g = Group::new("g1", "Tuesday", "fran", now("2026-11-01T09:00:00Z"));
        g.members = members.iter().map(|m| (*m).to_owned()).collect();
        g.schedule = vec![
            session("s3", "2026-11-17T18:00:00Z", 90),
            session("s1", "2026-11-03T18:00:00Z", 90),
            session("s2", "2026-11-10T18:00:00Z", 90),
            session("s4", "2026-11-24T18:00:00Z", 90),
        ];
        g
    }

    fn checkin(g: &Group, who: &str, session_id: &str) -> Post {
        let d = PostDraft { kind: PostKind::CheckIn, text: "here".into(), session_id: Some(session_id.into()), reply_to: None };
        write_post(&d, g, who, now("2026-11-03T18:05:00Z"), || format!("post:{who}:{session_id}")).unwrap()
    }

    fn attend(g: &Group, who: &str, session_id: &str) -> Attendance {
        let at = g.session(session_id).unwrap().starts;
        record_attendance(g, session_id, who, Now { at, utc_offset_minutes: 0 }).unwrap()
    }

    #[test]
    fn leaders_rotate_by_session_start_in_username_order() {
        let g = group(&["sam", "alex", "kim"]);
        let leaders: Vec<_> = ["s1", "s2", "s3", "s4"].iter().map(|s| leader_for(&g, s)).collect();
        assert_eq!(leaders, [Some("alex".into()), Some("kim".into()), Some("sam".into()), Some("alex".into())]);
        let mut reordered = g.clone();
        reordered.members.reverse();
        assert_eq!(leader_for(&reordered, "s2"), Some("kim".into()), "the facilitator's list order moves nobody");
        assert_eq!(leader_for(&g, "nope"), None);
        assert_eq!(leader_for(&group(&[]), "s1"), None);
    }

    #[test]
    fn overrides_win_and_leavers_are_skipped() {
        let mut g = group(&["sam", "alex", "kim"]);
        g.leader_overrides = vec![("s1".into(), "kim".into()), ("s2".into(), "fran".into()), ("s1".into(), "sam".into())];
        assert_eq!(leader_for(&g, "s1"), Some("sam".into()), "the latest override for a session");
        assert_eq!(leader_for(&g, "s2"), Some("fran".into()), "a facilitator may lead");
        assert_eq!(leader_for(&g, "s3"), Some("sam".into()), "others keep the rotation");
        // Alex leaves: the override naming them no longer holds, and the rotation skips them.
        g.members.retain(|m| m != "alex");
        g.leader_overrides.push(("s4".into(), "alex".into()));
        assert_eq!(leader_for(&g, "s4"), Some("sam".into()));
        assert_eq!(["s1", "s3"].map(|s| leader_for(&g, s)), [Some("sam".into()), Some("kim".into())]);
        assert_eq!(leader_for(&g, "s4"), leader_for(&g.clone(), "s4"), "deterministic");
    }

    #[test]
    fn rounds_list_who_checked_in_for_that_session() {
        let g = group(&["sam", "alex", "kim"]);
        let mut other_group = g.clone();
        other_group.group_id = "g2".into();
        let mut share = checkin(&g, "kim", "s1");
        share.kind = PostKind::Share;
        let mut hidden = checkin(&g, "sam", "s1");
        hidden.hidden = true;
        let posts = [checkin(&g, "alex", "s2"), share, checkin(&other_group, "kim", "s1"), hidden, checkin(&g, "fran", "s1")];
        let r = round_status(&g, "s1", &posts);
        assert_eq!(r, Round { shared: vec!["sam".into()], not_yet: vec!["alex".into(), "kim".into()] });
        assert!(!r.is_complete());
        let all = [checkin(&g, "sam", "s2"), checkin(&g, "alex", "s2"), checkin(&g, "kim", "s2")];
        assert!(round_status(&g, "s2", &all).is_complete());
    }

    #[test]
    fn quiet_means_absent_from_each_of_the_last_two_ended_sessions() {
        let g = group(&["sam", "alex", "kim", "jo"]);
        // At 19:00 on 17 Nov, s3 is under way: the last two ended are s1 and s2.
        let at = now("2026-11-17T19:00:00Z");
        let posts = [checkin(&g, "sam", "s2"), checkin(&g, "alex", "s3")];
        let att = [attend(&g, "kim", "s1")];
        assert_eq!(quiet_members(&g, &posts, &att, QUIET_AFTER_SESSIONS, at), ["alex", "jo"], "alex's check-in is for the session under way");
        // Once s3 ends, the last two are s2 and s3.
        assert_eq!(quiet_members(&g, &posts, &att, 2, now("2026-11-17T19:30:00Z")), ["kim", "jo"]);
        assert!(quiet_members(&g, &[], &[], 2, now("2026-11-10T19:29:00Z")).is_empty(), "only one session has ended");
        assert!(quiet_members(&g, &[], &[], 0, at).is_empty());
        assert_eq!(quiet_members(&g, &[], &[], 1, now("2026-11-03T19:30:00Z")).len(), 4);
    }

    #[test]
    fn the_attendance_window_is_15_minutes_before_to_the_end() {
        let s = session("s1", "2026-11-03T18:00:00Z", 90);
        for (at, open) in [
            ("2026-11-03T17:44:59Z", false),
            ("2026-11-03T17:45:00Z", true),
            ("2026-11-03T18:40:00Z", true),
            ("2026-11-03T19:30:00Z", true),
            ("2026-11-03T19:30:00.001Z", false),
        ] {
            assert_eq!(can_check_in_attendance(&s, now(at)), open, "{at}");
        }
    }

    #[test]
    fn the_window_is_the_same_instant_in_every_time_zone() {
        let s = session("s1", "2026-11-03T18:00:00Z", 60);
        // 17:50 UTC: 12:50 in New York, 03:50 the next day in Tokyo, 23:20 in Kolkata — all open.
        let at = ts("2026-11-03T17:50:00Z");
        for offset in [-300, 540, 330, 0, -720, 840] {
            let n = now_in(&FixedZone(offset), at);
            assert!(can_check_in_attendance(&s, n), "{offset}");
        }
        assert_eq!(now_in(&FixedZone(540), at).local_day().to_string(), "2026-11-04", "a different civil day, the same session");
        assert!(!can_check_in_attendance(&s, now_in(&FixedZone(540), ts("2026-11-03T17:40:00Z"))));
    }

    /// US-Eastern-like: clocks go forward on Sun 8 Mar 2026 at 07:00 UTC (02:00 → 03:00 local).
    struct Eastern;
    impl Zone for Eastern {
        fn offset_minutes_at(&self, at: Timestamp) -> i32 {
            if at >= ts("2026-03-08T07:00:00Z") { -240 } else { -300 }
        }
    }

    #[test]
    fn a_daylight_saving_day_moves_the_wall_clock_not_the_session() {
        // A session at 15:00 UTC on the change day is 11:00 local (EDT), not 10:00.
        let s = session("dst", "2026-03-08T15:00:00Z", 60);
        let opens = now_in(&Eastern, ts("2026-03-08T14:45:00Z"));
        assert_eq!((opens.local_hhmm(), can_check_in_attendance(&s, opens)), ("10:45".into(), true));
        let too_early = now_in(&Eastern, ts("2026-03-08T14:44:00Z"));
        assert!(!can_check_in_attendance(&s, too_early));
        // Someone in Europe (still on winter time) sees 16:00 for the same session.
        assert_eq!(now_in(&FixedZone(60), s.starts).local_hhmm(), "16:00");
        assert!(can_check_in_attendance(&s, now_in(&FixedZone(60), ts("2026-03-08T16:00:00Z"))));
        assert!(!can_check_in_attendance(&s, now_in(&FixedZone(60), ts("2026-03-08T16:00:01Z"))));
        // A session spanning the 2am jump still lasts its 60 minutes.
        let night = session("night", "2026-03-08T06:30:00Z", 60);
        assert!(can_check_in_attendance(&night, now_in(&Eastern, ts("2026-03-08T07:29:00Z"))));
        assert!(!can_check_in_attendance(&night, now_in(&Eastern, ts("2026-03-08T07:31:00Z"))));
    }

    #[test]
    fn recording_attendance_checks_the_member_session_and_window() {
        let g = group(&["alex"]);
        let a = record_attendance(&g, "s1", "alex", now("2026-11-03T17:50:00Z")).unwrap();
        assert_eq!((a.header.id.as_str(), a.group_id.as_str(), a.header.audience), ("attendance:g1:s1:alex", "g1", Audience::Group));
        assert_eq!(record_attendance(&g, "s1", "alex", now("2026-11-03T18:20:00Z")).unwrap().header.id, a.header.id, "one per person per session");
        assert_eq!(record_attendance(&g, "s1", "", now("2026-11-03T17:50:00Z")), Err(AttendanceProblem::NotSignedIn));
        assert_eq!(record_attendance(&g, "s1", "sam", now("2026-11-03T17:50:00Z")), Err(AttendanceProblem::NotMember));
        assert_eq!(record_attendance(&g, "s9", "alex", now("2026-11-03T17:50:00Z")), Err(AttendanceProblem::NoSuchSession));
        assert_eq!(record_attendance(&g, "s1", "alex", now("2026-11-03T20:00:00Z")), Err(AttendanceProblem::NotOpen));
        assert!(AttendanceProblem::NotOpen.to_string().contains("15 minutes"));
    }

    #[test]
    fn attendance_rates_count_held_sessions_and_streaks_count_back() {
        let g = group(&["alex", "sam"]);
        let att = [attend(&g, "alex", "s1"), attend(&g, "alex", "s2"), attend(&g, "alex", "s2"), attend(&g, "sam", "s1"), attend(&g, "alex", "s4")];
        let after_s3 = now("2026-11-18T09:00:00Z");
        assert_eq!(attendance_rate("alex", &g, &att, after_s3), (2, 3));
        assert_eq!(attendance_rate("sam", &g, &att, after_s3), (1, 3));
        assert_eq!(attendance_rate("alex", &g, &att, now("2026-11-01T00:00:00Z")), (0, 0));
        assert_eq!(attendance_streak("alex", &g, &att, now("2026-11-10T20:00:00Z")), 2);
        assert_eq!(attendance_streak("alex", &g, &att, after_s3), 0, "missed s3");
        assert_eq!(attendance_streak("alex", &g, &att, now("2026-11-24T18:10:00Z")), 1, "s4 under way and attended");
        assert_eq!(attendance_streak("sam", &g, &att, now("2026-11-10T18:10:00Z")), 1, "s2 under way, not yet attended: no break");
        let mut elsewhere = att[0].clone();
        elsewhere.group_id = "g2".into();
        assert_eq!(attendance_rate("alex", &g, &[elsewhere], after_s3), (0, 3), "another group's attendance");
    }

    fn share(text: &str) -> Post {
        let g = group(&["alex"]);
        write_post(&PostDraft { kind: PostKind::Share, text: text.into(), ..Default::default() }, &g, "alex", now("2026-11-03T18:05:00Z"), || "post:1".into()).unwrap()
    }

    #[test]
    fn reply_prompts_quote_the_first_words() {
        assert_eq!(
            reply_prompts(&share("I have a job interview on Thursday and I'm nervous"), false),
            ["You mentioned “\u{2068}I have a job interview on…\u{2069}” — how did that go?"]
        );
        assert_eq!(reply_prompts(&share("Called my sister."), true), [
            "You mentioned “\u{2068}Called my sister\u{2069}” — how did that go?",
            "I've missed you at the last sessions — how are you doing?"
        ]);
        assert_eq!(reply_prompts(&share("مرحبا\nصديقي"), false), ["You mentioned “\u{2068}مرحبا صديقي\u{2069}” — how did that go?"]);
        let mut reply = share("thanks");
        reply.kind = PostKind::Reply;
        assert_eq!(reply_prompts(&reply, true), ["I've missed you at the last sessions — how are you doing?"]);
        let mut hidden = share("x");
        hidden.hidden = true;
        assert!(reply_prompts(&hidden, true).is_empty());
    }

    #[test]
    fn reactions_toggle_one_of_each_kind_per_person_and_count() {
        let at = now("2026-11-03T19:00:00Z");
        let (post, mut other) = (share("hello"), share("again"));
        other.header.id = "post:2".into();
        let Some(ReactionChange::Add(mine)) = toggle_reaction(&[], "sam", &post, ReactionKind::Celebrate, at) else { panic!("nothing to remove") };
        assert_eq!(mine.header.id, "group-reaction:celebrate:sam:post:1");
        assert_eq!((mine.group_id.as_str(), mine.post_id.as_str()), ("g1", "post:1"));
        assert!(matches!(toggle_reaction(&[], "sam", &post, ReactionKind::Celebrate, at), Some(ReactionChange::Add(r)) if r.header.id == mine.header.id), "two devices, one document");
        let existing = [mine.clone()];
        assert_eq!(toggle_reaction(&existing, "sam", &post, ReactionKind::Celebrate, at), Some(ReactionChange::Remove(vec![mine.header.id.clone()])));
        assert!(matches!(toggle_reaction(&existing, "sam", &post, ReactionKind::MeToo, at), Some(ReactionChange::Add(_))));
        assert!(matches!(toggle_reaction(&existing, "kim", &post, ReactionKind::Celebrate, at), Some(ReactionChange::Add(_))));
        assert!(matches!(toggle_reaction(&existing, "sam", &other, ReactionKind::Celebrate, at), Some(ReactionChange::Add(_))));
        let mut dup = mine.clone();
        dup.header.id = "group-reaction:other-client".into();
        assert_eq!(toggle_reaction(&[mine.clone(), dup.clone()], "sam", &post, ReactionKind::Celebrate, at), Some(ReactionChange::Remove(vec![mine.header.id.clone(), dup.header.id.clone()])));
        let kim = Reaction::new(ReactionKind::Celebrate, "kim", "g1", "post:1", at);
        let other_post = Reaction::new(ReactionKind::MeToo, "kim", "g1", "post:2", at);
        let counts = reaction_counts(&[mine, dup, kim, other_post], &post, "sam");
        assert_eq!(counts.iter().map(|c| (c.kind, c.count, c.mine)).collect::<Vec<_>>(), [
            (ReactionKind::Celebrate, 2, true),
            (ReactionKind::Encourage, 0, false),
            (ReactionKind::MeToo, 0, false),
            (ReactionKind::CheckOnYou, 0, false)
        ]);
        assert!(reaction_counts(&[], &post, "").iter().all(|c| c.count == 0 && !c.mine));
    }

    #[test]
    fn authors_do_not_react_to_their_own_posts_but_see_what_others_gave() {
        let at = now("2026-11-03T19:00:00Z");
        let post = share("What helps me on bad nights");
        assert_eq!(post.author, "alex");
        assert!(!may_react(&post, "alex") && may_react(&post, "sam") && !may_react(&post, ""));
        for kind in ReactionKind::ALL {
            assert_eq!(toggle_reaction(&[], "alex", &post, kind, at), None, "{kind:?}");
        }
        // Sam and Kim celebrate, Kim says "Me too"; a reaction Alex gave herself (before this rule, or from
        // another app) is not counted, and Alex sees the others' in words.
        let given = [
            Reaction::new(ReactionKind::Celebrate, "sam", "g1", "post:1", at),
            Reaction::new(ReactionKind::Celebrate, "kim", "g1", "post:1", at),
            Reaction::new(ReactionKind::MeToo, "kim", "g1", "post:1", at),
            Reaction::new(ReactionKind::Encourage, "alex", "g1", "post:1", at),
        ];
        let counts = reaction_counts(&given, &post, "alex");
        assert_eq!(counts.iter().map(|c| (c.count, c.mine)).collect::<Vec<_>>(), [(2, false), (0, false), (1, false), (0, false)]);
        assert_eq!(reactions_received(&counts), "Reactions: Celebrate 2 · Me too 1");
        assert_eq!(reactions_received(&reaction_counts(&given[3..], &post, "alex")), "", "none from others: nothing to say");
    }

    #[test]
    fn the_author_of_a_post_learns_who_would_like_to_check_on_them() {
        let at = now("2026-11-03T19:00:00Z");
        let post = share("A hard week");
        let id = post.header.id.clone();
        let reactions = [
            Reaction::new(ReactionKind::CheckOnYou, "sam", "g1", &id, at),
            Reaction::new(ReactionKind::Celebrate, "kim", "g1", &id, at),
            Reaction::new(ReactionKind::CheckOnYou, "jo", "g1", &id, at),
            Reaction::new(ReactionKind::CheckOnYou, "sam", "g1", &id, at),
            Reaction::new(ReactionKind::CheckOnYou, "alex", "g1", &id, at),
            Reaction::new(ReactionKind::CheckOnYou, "kim", "g1", "post:other", at),
        ];
        assert_eq!(checking_on(&reactions, &post, "alex"), ["sam", "jo"], "each once, not me, this post only");
        assert!(checking_on(&reactions, &post, "sam").is_empty(), "only the author is told");
        assert!(checking_on(&reactions, &post, "").is_empty());
    }

    #[test]
    fn only_authors_edit_only_facilitators_hide_and_hidden_posts_are_seen_by_them() {
        let g = group(&["alex", "sam"]);
        let mut p = share("hello");
        assert!(can_edit(&p, "alex") && !can_edit(&p, "sam") && !can_edit(&p, "fran") && !can_edit(&p, ""));
        assert!(can_hide(&g, "fran") && !can_hide(&g, "alex") && !can_hide(&g, ""));
        assert!(can_see(&p, &g, "sam"));
        p.hidden = true;
        assert!(!can_see(&p, &g, "sam") && can_see(&p, &g, "alex") && can_see(&p, &g, "fran"));
        let mut nameless = p.clone();
        nameless.author = String::new();
        assert!(!can_edit(&nameless, ""), "a signed-out person owns nothing");
    }
}
