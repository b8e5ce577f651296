//! What a member sees in their group, worked out from the group's documents: the thread (posts
//! with their replies, oldest first, paged from the newest end so a thread of thousands opens at
//! once), the session that matters now, a kind word after a missed session, a check-in post
//! started from today's private check-in, and the milestones the person chose to share.

use super::checkin::CheckIn;
use super::doc::{Audience, Extra, Header};
use super::group::{Attendance, Group, Post, PostKind, Session, POST_TYPE};
use super::group_rules::{can_check_in_attendance, can_see};
use super::milestone::Milestone;
use super::order::sort_by;
use super::time::{hhmm_at, Now, Timestamp};
use std::collections::BTreeMap;

/// How many threads a page of the group's feed shows; "Show earlier posts" adds another page.
pub const THREADS_PER_PAGE: usize = 20;

/// A post and the replies to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Thread {
    pub post: Post,
    pub replies: Vec<Post>,
}

fn by_time(a: &Post, b: &Post) -> std::cmp::Ordering {
    a.at.cmp(&b.at).then_with(|| a.header.id.cmp(&b.header.id))
}

/// The group's posts that `me` may see, as threads, oldest first. A reply whose post is missing
/// (not synced yet, or deleted by its author) is shown on its own rather than lost.
pub fn threads(group: &Group, posts: &[Post], me: &str) -> Vec<Thread> {
    let mut visible: Vec<&Post> = posts.iter().filter(|p| p.group_id == group.group_id && can_see(p, group, me)).collect();
    sort_by(&mut visible, |a, b| by_time(a, b));
    let mut out: Vec<Thread> = Vec::new();
    // Thread index by post id: a lookup keeps a thread of 5,000 posts linear.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for p in visible.iter().filter(|p| p.kind != PostKind::Reply) {
        index.insert(p.header.id.as_str(), out.len());
        out.push(Thread { post: (*p).clone(), replies: Vec::new() });
    }
    let mut orphans = Vec::new();
    for reply in visible.iter().filter(|p| p.kind == PostKind::Reply) {
        match reply.reply_to.as_deref().and_then(|to| index.get(to)).and_then(|&i| out.get_mut(i)) {
            Some(t) => t.replies.push((*reply).clone()),
            None => orphans.push(Thread { post: (*reply).clone(), replies: Vec::new() }),
        }
    }
    if !orphans.is_empty() {
        out.extend(orphans);
        sort_by(&mut out, |a, b| by_time(&a.post, &b.post));
    }
    out
}

/// The first thread index shown when `pages` pages of the newest threads are open.
pub fn first_shown(thread_count: usize, pages: usize) -> usize {
    thread_count.saturating_sub(pages.saturating_mul(THREADS_PER_PAGE))
}

/// The session the group screen is about now: one whose attendance window is open, else the next
/// to start, else the last one held.
pub fn current_session(group: &Group, now: Now) -> Option<&Session> {
    let sessions = group.sessions_in_order();
    sessions
        .iter()
        .find(|s| can_check_in_attendance(s, now))
        .or_else(|| sessions.iter().find(|s| s.starts > now.at))
        .or_else(|| sessions.last())
        .copied()
}

/// The last session held, if `me` (a member) neither marked attendance nor checked in for it and
/// no session is open now: the app then says, kindly, that they were missed. Not a session that had
/// started before they joined (`member_since`: when their membership notice was made): a newcomer
/// was not missed.
pub fn missed_session<'a>(group: &'a Group, me: &str, member_since: Option<Timestamp>, posts: &[Post], attendance: &[Attendance], now: Now) -> Option<&'a Session> {
    if !group.is_member(me) || group.schedule.iter().any(|s| can_check_in_attendance(s, now)) {
        return None;
    }
    let last = group.ended_sessions(now).into_iter().last()?;
    if member_since.is_some_and(|since| last.starts < since) {
        return None;
    }
    let went = attendance.iter().any(|a| a.group_id == group.group_id && a.author == me && a.session_id == last.id);
    let posted = posts.iter().any(|p| p.group_id == group.group_id && p.author == me && p.kind == PostKind::CheckIn && p.session_id.as_deref() == Some(last.id.as_str()));
    (!went && !posted).then_some(last)
}

/// "Tue 24 Nov, 18:30–19:30" where the person is (`offset` at that instant, from the browser).
pub fn session_label(session: &Session, offset_minutes: i32) -> String {
    let starts = Now { at: session.starts, utc_offset_minutes: offset_minutes };
    format!("{}, {}–{}", starts.local_day().short_label(), starts.local_hhmm(), hhmm_at(session.ends(), offset_minutes))
}

/// A group check-in started from today's private check-in: only what the person typed there, for
/// them to edit before posting (nothing is shared until they press "Post").
pub fn checkin_starter(checkin: &CheckIn) -> String {
    [("How I feel", &checkin.how_i_feel), ("A win", &checkin.win), ("A challenge", &checkin.challenge)]
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(label, text)| format!("{label}: {}", text.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The post sharing a milestone in a group: one per person, milestone and group, so sharing from
/// two devices makes one post.
pub fn milestone_post_id(group_id: &str, me: &str, milestone: &Milestone) -> String {
    format!("{POST_TYPE}:milestone:{group_id}:{me}:{}", milestone.id())
}

/// What to write and delete so the group shows exactly the milestones `me` chose to share: a post
/// for each shared one not posted yet, and the deletion of each of my milestone posts no longer
/// shared. Nothing for someone not (or no longer) a member.
pub fn milestone_changes(group: &Group, me: &str, shared: &[Milestone], posts: &[Post], now: Now) -> (Vec<Post>, Vec<String>) {
    if !group.is_member(me) {
        return (Vec::new(), Vec::new());
    }
    let wanted: Vec<(String, &Milestone)> = shared.iter().map(|m| (milestone_post_id(&group.group_id, me, m), m)).collect();
    let add = wanted
        .iter()
        .filter(|(id, _)| !posts.iter().any(|p| p.header.id == *id))
        .map(|(id, m)| Post {
            header: Header::shared(id.clone(), POST_TYPE, 1, Audience::Group, now.at),
            author: me.to_owned(),
            group_id: group.group_id.clone(),
            kind: PostKind::Milestone,
            session_id: None,
            reply_to: None,
            text: m.share_text(),
            at: now.at,
            hidden: false,
            prompts: Vec::new(),
            extra: Extra::new(),
        })
        .collect();
    let prefix = format!("{POST_TYPE}:milestone:{}:{me}:", group.group_id);
    let remove = posts
        .iter()
        .filter(|p| p.author == me && p.kind == PostKind::Milestone && p.header.id.starts_with(&prefix) && !wanted.iter().any(|(id, _)| *id == p.header.id))
        .map(|p| p.header.id.clone())
        .collect();
    (add, remove)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::group::{write_post, PostDraft};
    use crate::domain::milestone::MilestoneKind;
    use crate::domain::time::{LocalDay, Timestamp};

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    fn at(s: &str) -> Now {
        Now { at: ts(s), utc_offset_minutes: 0 }
    }

    fn group() -> Group {
        let mut g = Group::new("g1", "Tuesday", "casey", at("2026-11-01T00:00:00Z"));
        g.members = vec!["alex".into(), "sam".into(), "dana".into()];
        g.schedule = ["2026-11-03T18:00:00Z", "2026-11-10T18:00:00Z", "2026-11-17T18:00:00Z"]
            .iter()
            .enumerate()
            .map(|(i, s)| Session { id: format!("s{}", i + 1), starts: ts(s), minutes: 60, meeting_link: None })
            .collect();
        g
    }

    fn post(id: &str, author: &str, when: &str, kind: PostKind, reply_to: Option<&str>) -> Post {
        let draft = PostDraft { kind, text: format!("{id} text"), session_id: None, reply_to: reply_to.map(str::to_owned) };
        write_post(&draft, &group(), author, at(when), || id.to_owned()).unwrap()
    }

    #[test]
    fn threads_put_replies_under_their_post_oldest_first() {
        let g = group();
        let mut hidden = post("p3", "dana", "2026-11-03T18:20:00Z", PostKind::CheckIn, None);
        hidden.hidden = true;
        let posts = vec![
            post("r2", "alex", "2026-11-03T18:30:00Z", PostKind::Reply, Some("p1")),
            post("p2", "sam", "2026-11-03T18:10:00Z", PostKind::Share, None),
            post("r1", "sam", "2026-11-03T18:15:00Z", PostKind::Reply, Some("p1")),
            post("p1", "alex", "2026-11-03T18:05:00Z", PostKind::CheckIn, None),
            post("orphan", "sam", "2026-11-03T18:40:00Z", PostKind::Reply, Some("not-here")),
            hidden,
        ];
        let shape = |me: &str| -> Vec<(String, Vec<String>)> {
            threads(&g, &posts, me).into_iter().map(|t| (t.post.header.id, t.replies.into_iter().map(|r| r.header.id).collect())).collect()
        };
        let s = |x: &str| x.to_owned();
        assert_eq!(shape("sam"), [(s("p1"), vec![s("r1"), s("r2")]), (s("p2"), vec![]), (s("orphan"), vec![])]);
        // The author and the facilitator still see a hidden post; other members do not.
        assert_eq!(shape("dana").len(), 4);
        assert_eq!(shape("casey").len(), 4);
    }

    #[test]
    fn pages_open_from_the_newest_end() {
        assert_eq!(first_shown(5000, 1), 5000 - THREADS_PER_PAGE);
        assert_eq!(first_shown(5000, 2), 5000 - 2 * THREADS_PER_PAGE);
        assert_eq!(first_shown(7, 1), 0);
        assert_eq!(first_shown(7, usize::MAX), 0);
    }

    #[test]
    fn the_current_session_is_the_open_one_then_the_next_then_the_last() {
        let g = group();
        let id = |now: &str| current_session(&g, at(now)).map(|s| s.id.clone());
        assert_eq!(id("2026-11-01T00:00:00Z").as_deref(), Some("s1"));
        assert_eq!(id("2026-11-10T17:50:00Z").as_deref(), Some("s2"), "open 15 minutes early");
        assert_eq!(id("2026-11-10T19:30:00Z").as_deref(), Some("s3"));
        assert_eq!(id("2026-12-01T00:00:00Z").as_deref(), Some("s3"));
        assert_eq!(current_session(&Group::new("g2", "Empty", "casey", at("2026-11-01T00:00:00Z")), at("2026-11-01T00:00:00Z")), None);
    }

    #[test]
    fn a_missed_session_is_noticed_until_the_next_one_opens() {
        let g = group();
        let after_s1 = at("2026-11-04T09:00:00Z");
        assert_eq!(missed_session(&g, "alex", None, &[], &[], after_s1).map(|s| s.id.as_str()), Some("s1"));
        let mut checked_in = post("c1", "alex", "2026-11-03T18:05:00Z", PostKind::CheckIn, None);
        checked_in.session_id = Some("s1".into());
        assert_eq!(missed_session(&g, "alex", None, &[checked_in], &[], after_s1), None, "a check-in counts as being there");
        let went = crate::domain::group_rules::record_attendance(&g, "s1", "alex", at("2026-11-03T18:00:00Z")).unwrap();
        assert_eq!(missed_session(&g, "alex", None, &[], &[went], after_s1), None);
        assert_eq!(missed_session(&g, "alex", None, &[], &[], at("2026-11-10T17:55:00Z")), None, "not during a session");
        assert_eq!(missed_session(&g, "casey", None, &[], &[], after_s1), None, "facilitators are not nudged");
        assert_eq!(missed_session(&g, "alex", None, &[], &[], at("2026-11-02T00:00:00Z")), None, "nothing held yet");
        let joined = |when: &str| Some(at(when).at);
        assert_eq!(missed_session(&g, "alex", joined("2026-11-03T20:00:00Z"), &[], &[], after_s1), None, "added after s1: a newcomer was not missed");
        assert_eq!(missed_session(&g, "alex", joined("2026-11-03T18:10:00Z"), &[], &[], after_s1), None, "added while s1 was under way");
        assert_eq!(missed_session(&g, "alex", joined("2026-11-03T17:00:00Z"), &[], &[], after_s1).map(|s| s.id.as_str()), Some("s1"));
    }

    #[test]
    fn session_labels_are_local_to_the_reader() {
        let s = &group().schedule[0];
        assert_eq!(session_label(s, 0), "Tue 3 Nov, 18:00–19:00");
        assert_eq!(session_label(s, -300), "Tue 3 Nov, 13:00–14:00");
        assert_eq!(session_label(s, 660), "Wed 4 Nov, 05:00–06:00");
    }

    #[test]
    fn a_check_in_post_starts_from_what_was_typed_today() {
        let c = CheckIn {
            header: Header::new("checkin:2026-11-03".into(), "checkin", 1, ts("2026-11-03T08:00:00Z")),
            day: LocalDay::parse("2026-11-03").unwrap(),
            how_i_feel: " Tired but okay ".into(),
            win: String::new(),
            challenge: "A craving after work".into(),
            mood: None,
            extra: Extra::new(),
        };
        assert_eq!(checkin_starter(&c), "How I feel: Tired but okay\nA challenge: A craving after work");
    }

    #[test]
    fn shared_milestones_become_one_post_each_and_go_when_unshared() {
        let g = group();
        let week = Milestone { kind: MilestoneKind::Sober, days: 7 };
        let streak = Milestone { kind: MilestoneKind::CheckinStreak, days: 14 };
        let now = at("2026-11-05T10:00:00Z");
        let (add, remove) = milestone_changes(&g, "alex", &[week, streak], &[], now);
        assert_eq!(add.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(), ["I've reached 7 days.", "I've checked in 14 days in a row."]);
        assert!(remove.is_empty());
        assert!(add.iter().all(|p| p.kind == PostKind::Milestone && p.author == "alex" && p.group_id == "g1"));
        let (again, _) = milestone_changes(&g, "alex", &[week, streak], &add, now);
        assert!(again.is_empty(), "already posted");
        let (none, gone) = milestone_changes(&g, "alex", &[streak], &add, now);
        assert!(none.is_empty());
        assert_eq!(gone, [milestone_post_id("g1", "alex", &week)]);
        assert_eq!(milestone_changes(&g, "zoe", &[week], &[], now), (Vec::new(), Vec::new()), "not a member");
    }
}
