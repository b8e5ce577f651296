//! The facilitator's side of a group: the "New group" form and what it makes (the group with its
//! norms and weekly sessions), the membership notice each member's app finds in their care
//! database, adding and removing members within the size cap, choosing a session's leader, and
//! marking a group for alumni (people who finished the program and stay on as mentors).

use super::doc::{Audience, Document, Extra, Fields, Header, JsonValue};
use super::group::{is_valid_group_id, Group, Session, DEFAULT_SIZE_CAP};
use super::text;
use super::time::{LocalDay, Now, Timestamp};
use serde_json::{Map, Value};
use std::fmt;

pub const GROUP_MEMBERSHIP_TYPE: &str = "group-membership";
pub const GROUP_NAME_MAX_CHARS: usize = 80;
pub const NORMS_MAX_CHARS: usize = 4000;
/// The largest cap the form accepts: past this a "small steady group" is a class.
pub const MAX_SIZE_CAP: u32 = 30;
/// A year of weekly sessions at most per "New group".
pub const MAX_SESSIONS: u32 = 52;
pub const MAX_SESSION_MINUTES: u32 = 240;

/// Norms a facilitator starts from (and edits): the usual agreements of peer support groups.
pub const DEFAULT_NORMS: [&str; 5] = [
    "What is shared here stays here.",
    "Speak from your own experience: say “I”.",
    "Listen without fixing, judging or giving advice unless someone asks for it.",
    "Everyone gets a turn, and it's always okay to pass.",
    "If you're worried about someone's safety, tell the facilitator.",
];

// ---------------------------------------------------------------------------------------------
// Membership notices

/// "You are in this group": left by the facilitator in a member's care database, where the app
/// finds it after sign-in and starts syncing the group's database. Marked `left` (not deleted)
/// when the person leaves, so every device stops syncing that group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMembership {
    pub header: Header,
    pub group_id: String,
    /// The group's name, so the app can say which group before its database has synced.
    pub name: String,
    pub left: Option<Timestamp>,
    pub extra: Extra,
}

pub fn membership_id(group_id: &str) -> String {
    format!("{GROUP_MEMBERSHIP_TYPE}:{group_id}")
}

impl Document for GroupMembership {
    const TYPE: &'static str = GROUP_MEMBERSHIP_TYPE;
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
        Ok(GroupMembership { header: f.header()?, group_id: f.required("group_id")?, name: f.or_default("name")?, left: f.or_default("left")?, extra: f.rest() })
    }
    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("group_id".into(), self.group_id.clone().into());
        out.insert("name".into(), self.name.clone().into());
        if let Some(left) = self.left {
            out.insert("left".into(), left.to_rfc3339().into());
        }
    }
}

/// The notice for a member of `group` (a new one, or `previous` made current again).
pub fn membership_notice(group: &Group, previous: Option<&GroupMembership>, now: Now) -> GroupMembership {
    let header = match previous {
        Some(p) => Header { updated_at: now.at, ..p.header.clone() },
        None => Header::shared(membership_id(&group.group_id), GROUP_MEMBERSHIP_TYPE, GroupMembership::SCHEMA, Audience::Facilitator, now.at),
    };
    GroupMembership { header, group_id: group.group_id.clone(), name: group.name.clone(), left: None, extra: previous.map(|p| p.extra.clone()).unwrap_or_default() }
}

/// The same notice saying the person left now.
pub fn left_notice(notice: &GroupMembership, now: Now) -> GroupMembership {
    GroupMembership { header: Header { updated_at: now.at, ..notice.header.clone() }, left: Some(now.at), ..notice.clone() }
}

/// The groups a person is in now: notices not marked left, with a usable id, each group once.
pub fn current_groups(notices: &[GroupMembership]) -> Vec<&GroupMembership> {
    let mut out: Vec<&GroupMembership> = Vec::new();
    for n in notices.iter().filter(|n| n.left.is_none() && is_valid_group_id(&n.group_id)) {
        if !out.iter().any(|o| o.group_id == n.group_id) {
            out.push(n);
        }
    }
    super::order::sort_by(&mut out, |a, b| a.name.cmp(&b.name).then_with(|| a.group_id.cmp(&b.group_id)));
    out
}

// ---------------------------------------------------------------------------------------------
// "New group"

/// The "New group" form as typed, kept on every keystroke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewGroupDraft {
    pub name: String,
    pub size_cap: String,
    /// One norm per line.
    pub norms: String,
    /// The first session's civil day (`YYYY-MM-DD`) and wall-clock time (`HH:MM`) where the
    /// facilitator is; later sessions are at the same wall-clock time each week.
    pub first_day: String,
    pub first_time: String,
    pub minutes: String,
    pub sessions: String,
    pub meeting_link: String,
    pub alumni: bool,
}

impl Default for NewGroupDraft {
    fn default() -> Self {
        NewGroupDraft {
            name: String::new(),
            size_cap: DEFAULT_SIZE_CAP.to_string(),
            norms: DEFAULT_NORMS.join("\n"),
            first_day: String::new(),
            first_time: "18:00".into(),
            minutes: "60".into(),
            sessions: "8".into(),
            meeting_link: String::new(),
            alumni: false,
        }
    }
}

impl JsonValue for NewGroupDraft {
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (k, v) in [
            ("name", &self.name),
            ("size_cap", &self.size_cap),
            ("norms", &self.norms),
            ("first_day", &self.first_day),
            ("first_time", &self.first_time),
            ("minutes", &self.minutes),
            ("sessions", &self.sessions),
            ("meeting_link", &self.meeting_link),
        ] {
            out.insert(k.into(), v.clone().into());
        }
        out.insert("alumni".into(), self.alumni.into());
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        let d = NewGroupDraft::default();
        let alumni = f.or_default("alumni")?;
        let mut text = |k: &str, default: String| -> Result<String, String> { Ok(f.or_default::<Option<String>>(k)?.unwrap_or(default)) };
        Ok(NewGroupDraft {
            name: text("name", d.name)?,
            size_cap: text("size_cap", d.size_cap)?,
            norms: text("norms", d.norms)?,
            first_day: text("first_day", d.first_day)?,
            first_time: text("first_time", d.first_time)?,
            minutes: text("minutes", d.minutes)?,
            sessions: text("sessions", d.sessions)?,
            meeting_link: text("meeting_link", d.meeting_link)?,
            alumni,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupProblem {
    NameMissing,
    NameTooLong(text::TextTooLong),
    SizeCap,
    NormsTooLong(text::TextTooLong),
    FirstDay,
    FirstTime,
    Minutes,
    Sessions,
    MeetingLink,
    /// The wall-clock time does not exist that day (skipped by a daylight-saving change).
    NoSuchTime(LocalDay),
    Full,
    AlreadyMember,
    NotMember,
    NoSuchPerson,
}

impl fmt::Display for GroupProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupProblem::NameMissing => f.write_str("Give the group a name its members will recognise."),
            GroupProblem::NameTooLong(t) | GroupProblem::NormsTooLong(t) => f.write_str(&t.message()),
            GroupProblem::SizeCap => write!(f, "The size cap is a whole number from 2 to {MAX_SIZE_CAP}."),
            GroupProblem::FirstDay => f.write_str("Pick the day of the first session."),
            GroupProblem::FirstTime => f.write_str("Pick the time the sessions start, like 18:00."),
            GroupProblem::Minutes => write!(f, "A session lasts from 15 to {MAX_SESSION_MINUTES} minutes."),
            GroupProblem::Sessions => write!(f, "Plan from 1 to {MAX_SESSIONS} weekly sessions."),
            GroupProblem::MeetingLink => f.write_str("The meeting link must be a web address starting with https:// (or http://), or left empty."),
            GroupProblem::NoSuchTime(day) => write!(f, "That time does not exist on {} (the clocks change that night); pick another time.", day.short_label()),
            GroupProblem::Full => f.write_str("The group is full. Raise its size cap or choose another group."),
            GroupProblem::AlreadyMember => f.write_str("They are already in this group."),
            GroupProblem::NotMember => f.write_str("They are not in this group."),
            GroupProblem::NoSuchPerson => f.write_str("Choose a participant from the roster."),
        }
    }
}

fn whole(s: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    s.trim().parse::<u32>().ok().filter(|n| range.contains(n))
}

/// "18:30" → minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m) = (whole(h, 0..=23)?, whole(m, 0..=59)?);
    Some(h * 60 + m)
}

/// The group the "New group" form describes. `to_instant` turns a civil day and minutes after
/// midnight where the facilitator is into an instant (`None` when daylight saving skips that time):
/// each weekly session is at the same wall-clock time, across clock changes. `session_id` makes a
/// unique id per session (ids are global: one device's store holds every group's documents).
pub fn create_group(
    draft: &NewGroupDraft,
    group_id: &str,
    facilitator: &str,
    now: Now,
    to_instant: impl Fn(LocalDay, u32) -> Option<Timestamp>,
    mut session_id: impl FnMut() -> String,
) -> Result<Group, Vec<GroupProblem>> {
    let mut problems = Vec::new();
    let name = match text::checked("The group's name", &draft.name, GROUP_NAME_MAX_CHARS) {
        Ok(n) if n.is_empty() => {
            problems.push(GroupProblem::NameMissing);
            n
        }
        Ok(n) => n,
        Err(t) => {
            problems.push(GroupProblem::NameTooLong(t));
            String::new()
        }
    };
    let size_cap = whole(&draft.size_cap, 2..=MAX_SIZE_CAP).unwrap_or_else(|| {
        problems.push(GroupProblem::SizeCap);
        DEFAULT_SIZE_CAP
    });
    let norms: Vec<String> = match text::checked("The norms", &draft.norms, NORMS_MAX_CHARS) {
        Ok(all) => all.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        Err(t) => {
            problems.push(GroupProblem::NormsTooLong(t));
            Vec::new()
        }
    };
    let first_day = LocalDay::parse(draft.first_day.trim()).ok();
    if first_day.is_none() {
        problems.push(GroupProblem::FirstDay);
    }
    let start_minute = parse_hhmm(&draft.first_time);
    if start_minute.is_none() {
        problems.push(GroupProblem::FirstTime);
    }
    let minutes = whole(&draft.minutes, 15..=MAX_SESSION_MINUTES);
    if minutes.is_none() {
        problems.push(GroupProblem::Minutes);
    }
    let count = whole(&draft.sessions, 1..=MAX_SESSIONS);
    if count.is_none() {
        problems.push(GroupProblem::Sessions);
    }
    let link = draft.meeting_link.trim();
    let meeting_link = (!link.is_empty()).then(|| link.to_owned());
    let probe = Session { id: String::new(), starts: Timestamp(0), minutes: 0, meeting_link: meeting_link.clone() };
    if meeting_link.is_some() && probe.safe_meeting_link().is_none() {
        problems.push(GroupProblem::MeetingLink);
    }
    let mut schedule = Vec::new();
    if let (Some(day), Some(at), Some(minutes), Some(count)) = (first_day, start_minute, minutes, count) {
        for week in 0..count {
            let day = day.add_days(i32::try_from(week * 7).unwrap_or(0));
            match to_instant(day, at) {
                Some(starts) => schedule.push(Session { id: session_id(), starts, minutes, meeting_link: meeting_link.clone() }),
                None => {
                    problems.push(GroupProblem::NoSuchTime(day));
                    break;
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut group = Group::new(group_id, &name, facilitator, now);
    group.size_cap = size_cap;
    group.norms = norms;
    group.schedule = schedule;
    group.alumni = draft.alumni;
    Ok(group)
}

/// The same group changed now by `facilitator` (who becomes the author of this version).
fn changed(group: &Group, facilitator: &str, now: Now) -> Group {
    let mut next = group.clone();
    next.header.updated_at = now.at;
    next.author = facilitator.to_owned();
    if !next.is_facilitator(facilitator) {
        next.facilitators.push(facilitator.to_owned());
    }
    next
}

/// `user` added as a member, if there is room.
pub fn add_member(group: &Group, user: &str, facilitator: &str, now: Now) -> Result<Group, GroupProblem> {
    let user = user.trim();
    if user.is_empty() {
        return Err(GroupProblem::NoSuchPerson);
    }
    if group.is_member(user) {
        return Err(GroupProblem::AlreadyMember);
    }
    if !group.has_room() {
        return Err(GroupProblem::Full);
    }
    let mut next = changed(group, facilitator, now);
    next.members.push(user.to_owned());
    Ok(next)
}

/// `user` no longer a member (their posts stay, as the group's history).
pub fn remove_member(group: &Group, user: &str, facilitator: &str, now: Now) -> Result<Group, GroupProblem> {
    if !group.is_member(user) {
        return Err(GroupProblem::NotMember);
    }
    let mut next = changed(group, facilitator, now);
    next.members.retain(|m| m != user);
    Ok(next)
}

/// `user` leads `session_id` instead of whoever the rotation names; `None` when that changes nothing
/// or the session or person is unknown.
pub fn set_leader(group: &Group, session_id: &str, user: &str, facilitator: &str, now: Now) -> Option<Group> {
    group.session(session_id)?;
    if !group.is_member(user) && !group.is_facilitator(user) {
        return None;
    }
    if super::group_rules::leader_for(group, session_id).as_deref() == Some(user) {
        return None;
    }
    let mut next = changed(group, facilitator, now);
    next.leader_overrides.retain(|(s, _)| s != session_id);
    next.leader_overrides.push((session_id.to_owned(), user.to_owned()));
    Some(next)
}

pub fn set_alumni(group: &Group, alumni: bool, facilitator: &str, now: Now) -> Group {
    let mut next = changed(group, facilitator, now);
    next.alumni = alumni;
    next
}

/// A group id from a device-made id (`group:<time>:<random>`): lower case, and only characters a
/// CouchDB database name may hold.
pub fn group_id_from(device_id: &str) -> String {
    device_id.trim_start_matches("group:").chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode};
    use crate::domain::week::{now_in, Zone};

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).unwrap()
    }

    /// US Eastern in 2026: clocks go back on 1 November.
    struct Eastern;
    impl Zone for Eastern {
        fn offset_minutes_at(&self, at: Timestamp) -> i32 {
            if at >= ts("2026-03-08T07:00:00Z") && at < ts("2026-11-01T06:00:00Z") {
                -240
            } else {
                -300
            }
        }
    }

    /// A civil time in `zone` as an instant, as the browser's `Date` finds it; `None` in a gap.
    fn in_zone(zone: &dyn Zone, day: LocalDay, minute: u32) -> Option<Timestamp> {
        let wall = ts(&format!("{day}T00:00:00Z")).0 + i64::from(minute) * 60_000;
        let guess = Timestamp(wall - i64::from(zone.offset_minutes_at(Timestamp(wall))) * 60_000);
        let exact = Timestamp(wall - i64::from(zone.offset_minutes_at(guess)) * 60_000);
        let seen = now_in(zone, exact);
        (seen.local_day() == day && seen.local_hhmm() == format!("{:02}:{:02}", minute / 60, minute % 60)).then_some(exact)
    }

    fn now() -> Now {
        Now { at: ts("2026-10-20T12:00:00Z"), utc_offset_minutes: -240 }
    }

    fn draft() -> NewGroupDraft {
        NewGroupDraft { name: "Tuesday evening".into(), first_day: "2026-10-20".into(), first_time: "18:30".into(), sessions: "3".into(), ..NewGroupDraft::default() }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("s{n}")
        }
    }

    #[test]
    fn a_new_group_has_the_defaults_and_weekly_sessions_at_the_same_wall_clock_time_across_a_clock_change() {
        let g = create_group(&draft(), "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap();
        assert_eq!((g.name.as_str(), g.size_cap, g.norms.len(), g.facilitators.clone(), g.members.len()), ("Tuesday evening", 12, 5, vec!["casey".to_owned()], 0));
        let starts: Vec<String> = g.schedule.iter().map(|s| s.starts.to_rfc3339()).collect();
        // 18:30 in New York each week: 22:30 UTC before the change, 23:30 UTC after it.
        assert_eq!(starts, ["2026-10-20T22:30:00.000Z", "2026-10-27T22:30:00.000Z", "2026-11-03T23:30:00.000Z"]);
        assert_eq!(g.schedule.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["s1", "s2", "s3"]);
        assert!(g.schedule.iter().all(|s| s.minutes == 60 && s.meeting_link.is_none()));
        assert_eq!(decode::<Group>(&encode(&g)), Ok(g));
    }

    #[test]
    fn every_problem_of_the_form_is_named_at_once() {
        let bad = NewGroupDraft {
            name: "  ".into(),
            size_cap: "1".into(),
            first_day: "someday".into(),
            first_time: "25:00".into(),
            minutes: "5".into(),
            sessions: "0".into(),
            meeting_link: "javascript:alert(1)".into(),
            ..NewGroupDraft::default()
        };
        let problems = create_group(&bad, "g1", "casey", now(), |_, _| unreachable!(), ids()).unwrap_err();
        assert_eq!(
            problems,
            [GroupProblem::NameMissing, GroupProblem::SizeCap, GroupProblem::FirstDay, GroupProblem::FirstTime, GroupProblem::Minutes, GroupProblem::Sessions, GroupProblem::MeetingLink]
        );
        assert!(problems.iter().all(|p| !p.to_string().is_empty()));
        let long = NewGroupDraft { name: "x".repeat(81), ..draft() };
        assert!(matches!(create_group(&long, "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap_err()[..], [GroupProblem::NameTooLong(_)]));
        let linked = NewGroupDraft { meeting_link: " https://meet.example.org/tuesday ".into(), ..draft() };
        let g = create_group(&linked, "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap();
        assert_eq!(g.schedule[0].safe_meeting_link(), Some("https://meet.example.org/tuesday"));
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_refused_with_its_day() {
        let spring = NewGroupDraft { first_day: "2026-03-01".into(), first_time: "02:30".into(), ..draft() };
        let problems = create_group(&spring, "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap_err();
        assert_eq!(problems, [GroupProblem::NoSuchTime(LocalDay::parse("2026-03-08").unwrap())]);
    }

    #[test]
    fn members_join_within_the_cap_once_and_can_leave() {
        let mut g = create_group(&NewGroupDraft { size_cap: "2".into(), ..draft() }, "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap();
        g = add_member(&g, "alex", "casey", now()).unwrap();
        assert_eq!(add_member(&g, "alex", "casey", now()), Err(GroupProblem::AlreadyMember));
        assert_eq!(add_member(&g, " ", "casey", now()), Err(GroupProblem::NoSuchPerson));
        g = add_member(&g, "sam", "casey", now()).unwrap();
        assert_eq!(add_member(&g, "dana", "casey", now()), Err(GroupProblem::Full));
        g = remove_member(&g, "alex", "casey", now()).unwrap();
        assert_eq!(g.members, ["sam"]);
        assert_eq!(remove_member(&g, "alex", "casey", now()), Err(GroupProblem::NotMember));
        // A second facilitator who changes the group is listed as one.
        let other = add_member(&g, "dana", "robin", now()).unwrap();
        assert_eq!((other.author.as_str(), other.facilitators.clone()), ("robin", vec!["casey".to_owned(), "robin".to_owned()]));
    }

    #[test]
    fn the_facilitator_can_choose_a_sessions_leader() {
        let mut g = create_group(&draft(), "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap();
        for m in ["alex", "sam", "dana"] {
            g = add_member(&g, m, "casey", now()).unwrap();
        }
        assert_eq!(crate::domain::group_rules::leader_for(&g, "s1").as_deref(), Some("alex"));
        assert_eq!(set_leader(&g, "s1", "alex", "casey", now()), None, "already leading");
        assert_eq!(set_leader(&g, "s1", "nobody", "casey", now()), None);
        assert_eq!(set_leader(&g, "s9", "sam", "casey", now()), None);
        let g2 = set_leader(&g, "s1", "dana", "casey", now()).unwrap();
        let g3 = set_leader(&g2, "s1", "sam", "casey", now()).unwrap();
        assert_eq!(g3.leader_overrides, [("s1".to_owned(), "sam".to_owned())], "one override per session");
        assert_eq!(crate::domain::group_rules::leader_for(&g3, "s1").as_deref(), Some("sam"));
        assert!(set_alumni(&g3, true, "casey", now()).alumni);
    }

    #[test]
    fn membership_notices_name_the_groups_a_person_is_in() {
        let g = create_group(&draft(), "g1", "casey", now(), |d, m| in_zone(&Eastern, d, m), ids()).unwrap();
        let notice = membership_notice(&g, None, now());
        assert_eq!((notice.header.id.as_str(), notice.name.as_str(), notice.header.audience), ("group-membership:g1", "Tuesday evening", Audience::Facilitator));
        assert_eq!(decode::<GroupMembership>(&encode(&notice)), Ok(notice.clone()));
        let left = left_notice(&notice, now());
        assert_eq!(decode::<GroupMembership>(&encode(&left)), Ok(left.clone()));
        let other = GroupMembership { group_id: "g0".into(), name: "Alumni".into(), ..notice.clone() };
        let bad = GroupMembership { group_id: "Not Valid".into(), ..notice.clone() };
        let list = [notice.clone(), left.clone(), other.clone(), bad, notice.clone()];
        assert_eq!(current_groups(&list).iter().map(|n| n.group_id.as_str()).collect::<Vec<_>>(), ["g0", "g1"]);
        assert!(current_groups(&[left]).is_empty());
        // Joining again keeps the revision, so the notice is replaced.
        let mut stored = left_notice(&notice, now());
        stored.header.rev = Some("2-a".into());
        assert_eq!(membership_notice(&g, Some(&stored), now()).header.rev.as_deref(), Some("2-a"));
    }

    #[test]
    fn drafts_and_ids_survive_the_round_trip() {
        let d = NewGroupDraft { alumni: true, ..draft() };
        assert_eq!(NewGroupDraft::from_json(d.to_json()), Ok(d));
        assert_eq!(NewGroupDraft::from_json(serde_json::json!({})), Ok(NewGroupDraft::default()));
        let id = group_id_from("group:20261123T101010Z:ABCDEF");
        assert_eq!(id, "20261123t101010z-abcdef");
        assert!(is_valid_group_id(&id));
        assert_eq!(parse_hhmm("07:05"), Some(425));
        assert_eq!(parse_hhmm("7"), None);
    }
}
