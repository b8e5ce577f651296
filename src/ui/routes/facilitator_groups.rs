//! Facilitator › Groups: "New group" (name, size cap, norms, weekly sessions, meeting link, alumni),
//! and for every group on the server its members (with their norms agreement, add and remove within
//! the cap), sessions and their leaders, an attendance dashboard, who has gone quiet, reported and
//! hidden posts, and the alumni switch. Like the Facilitator screen it works against the server
//! directly with the facilitator's session: it needs a connection, and says so without one.

use crate::domain::doc::{decode_all, encode};
use crate::domain::draft_keys;
use crate::domain::group::{group_db_name, needs_norms_agreement, set_hidden, Attendance, Group, NormsAgreement, Post, Report, GROUP_DB_PREFIX};
use crate::domain::group_admin::{add_member, create_group, group_id_from, left_notice, GroupProblem, membership_id, membership_notice, remove_member, set_alumni, set_leader, GroupMembership, NewGroupDraft};
use crate::ui::components::group_sessions::local_session_label;
use crate::domain::group_rules::{attendance_rate, attendance_streak, leader_for, quiet_members, QUIET_AFTER_SESSIONS};
use crate::domain::time::{hhmm_at, Now};
use crate::sync::account::care_db_name;
use crate::sync::facilitator::{care_documents, database_documents, databases_named, ensure_shared_db, put_document, roster};
use crate::sync::protocol::SyncError;
use crate::ui::app::link;
use crate::ui::components::save_status::{status_of, FormFooter, FormProblems};
use crate::ui::draft::{use_draft, UseDraftReturn};
use crate::ui::fetch_transport::FetchTransport;
use crate::ui::platform;
use crate::ui::server_work::ServerWork;
use crate::ui::storage::use_storage;
use crate::ui::sync::{use_sync, Account};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One group as its database holds it.
#[derive(Clone)]
struct GroupData {
    group: Group,
    posts: Vec<Post>,
    attendance: Vec<Attendance>,
    agreements: Vec<NormsAgreement>,
}

/// Everything the screen shows, as last read from the server.
#[derive(Clone, Default)]
struct Program {
    groups: Vec<GroupData>,
    /// The participants (the people who can be added to a group).
    roster: Vec<String>,
    /// Reports of posts, from every participant's care database.
    reports: Vec<Report>,
}

/// A change to make on the server.
enum Work {
    /// Write the group (its database made first if missing, its members let in), then for a member
    /// who joined (`true`) or left (`false`) the notice in their care database.
    Group(Group, Option<(String, bool)>),
    /// Write a post (hidden or shown again) to a group database.
    Post(String, Post),
}

fn problem_text(e: &SyncError) -> String {
    match e {
        SyncError::Server { status: 409, .. } => "Someone changed this meanwhile. Refresh, then try again.".into(),
        other => super::facilitator::problem_text(other, "Groups are managed on the server"),
    }
}

async fn load(server: String) -> Result<Program, SyncError> {
    let t = FetchTransport::new(&server);
    let people = roster(&t).await?;
    let mut reports = Vec::new();
    for name in &people {
        reports.extend(decode_all::<Report>(&care_documents(&t, name).await?).0);
    }
    let mut groups = Vec::new();
    for db in databases_named(&t, GROUP_DB_PREFIX).await? {
        let docs = database_documents(&t, &db).await?;
        let Some(group) = decode_all::<Group>(&docs).0.into_iter().find(|g| group_db_name(&g.group_id) == db) else { continue };
        groups.push(GroupData { group, posts: decode_all(&docs).0, attendance: decode_all(&docs).0, agreements: decode_all(&docs).0 });
    }
    crate::domain::order::sort_by(&mut groups, |a, b| a.group.name.cmp(&b.group.name).then_with(|| a.group.group_id.cmp(&b.group.group_id)));
    Ok(Program { groups, roster: people, reports })
}

async fn perform(server: String, work: Work) -> Result<(), SyncError> {
    let t = FetchTransport::new(&server);
    let (group, notice) = match work {
        Work::Post(db, post) => return put_document(&t, &db, &encode(&post)).await.map(drop),
        Work::Group(group, notice) => (group, notice),
    };
    // Access first: if writing the group then fails, trying again still works.
    let db = group_db_name(&group.group_id);
    let members: Vec<String> = group.member_list().into_iter().map(str::to_owned).collect();
    ensure_shared_db(&t, &db, &members).await?;
    put_document(&t, &db, &encode(&group)).await?;
    let Some((user, joined)) = notice else { return Ok(()) };
    let care = care_db_name(&user);
    ensure_shared_db(&t, &care, std::slice::from_ref(&user)).await?;
    // An earlier notice for this group (they were in it before) is replaced, keeping its revision.
    let id = membership_id(&group.group_id);
    let previous = decode_all::<GroupMembership>(&care_documents(&t, &user).await?).0.into_iter().find(|n| n.header.id == id);
    let now = platform::now();
    let notice = if joined { Some(membership_notice(&group, previous.as_ref(), now)) } else { previous.map(|p| left_notice(&p, now)) };
    if let Some(n) = notice {
        put_document(&t, &care, &encode(&n)).await?;
    }
    Ok(())
}

/// The screen's state, cheap to copy into every button's handler.
#[derive(Clone, Copy)]
struct Page {
    account: RwSignal<Option<Account>>,
    program: RwSignal<Program>,
    /// Loads and actions talking to the server: every action's button is disabled meanwhile.
    work: ServerWork,
    /// What the facilitator chose in each card's pickers ("Person to add", "Leader for …"), kept here
    /// because a load redraws the cards.
    picks: StoredValue<BTreeMap<String, String>>,
    message: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
}

impl Page {
    fn me(self) -> String {
        self.account.get_untracked().map(|a| a.username).unwrap_or_default()
    }

    fn reload(self) {
        let Some(server) = self.account.get_untracked().map(|a| a.server) else { return };
        self.work.load(load(server), move |loaded| match loaded {
            Ok(p) => {
                self.program.try_set(p);
            }
            Err(e) => {
                self.problem.try_set(Some(problem_text(&e)));
            }
        });
    }

    fn is_busy(self) -> bool {
        self.work.is_busy()
    }

    /// The choice kept under `key` if `still_valid` accepts it (else it is forgotten).
    fn pick(self, key: &str, still_valid: impl Fn(&str) -> bool) -> Option<String> {
        let kept = self.picks.with_value(|m| m.get(key).cloned())?;
        if still_valid(&kept) {
            Some(kept)
        } else {
            self.picks.update_value(|m| {
                m.remove(key);
            });
            None
        }
    }

    fn keep_pick(self, key: String, value: String) {
        self.picks.update_value(|m| {
            m.insert(key, value);
        });
    }

    /// Does `work` on the server; says `done` and reloads when it worked.
    fn run(self, work: Work, done: String) {
        let Some(server) = self.account.get_untracked().map(|a| a.server) else { return };
        self.message.set(None);
        self.problem.set(None);
        self.work.run(perform(server, work), move |result| match result {
            Ok(()) => {
                self.message.try_set(Some(done));
                self.reload();
            }
            Err(e) => {
                self.problem.try_set(Some(problem_text(&e)));
            }
        });
    }

    /// A change the rules refused, said plainly.
    fn refuse(self, why: String) {
        self.message.set(None);
        self.problem.set(Some(why));
    }

    /// The group with this id as last loaded.
    fn group(self, group_id: &str) -> Option<Group> {
        self.program.with_untracked(|p| p.groups.iter().find(|d| d.group.group_id == group_id).map(|d| d.group.clone()))
    }

    fn change_members(self, group_id: &str, user: &str, add: bool) {
        let Some(g) = self.group(group_id) else { return };
        let changed = if add { add_member(&g, user, &self.me(), platform::now()) } else { remove_member(&g, user, &self.me(), platform::now()) };
        match changed {
            Ok(next) => {
                let done = if add { format!("{user} joined {}. Their app finds the group when it next syncs.", g.name) } else { format!("{user} left {}. Their posts stay in the group's history.", g.name) };
                self.run(Work::Group(next, Some((user.to_owned(), add))), done);
            }
            Err(p) => self.refuse(p.to_string()),
        }
    }

    fn hide(self, group_id: &str, post_id: &str, hidden: bool) {
        let (me, now) = (self.me(), platform::now());
        let changed = self.program.with_untracked(|p| {
            let d = p.groups.iter().find(|d| d.group.group_id == group_id)?;
            let post = d.posts.iter().find(|x| x.header.id == post_id)?;
            // Anyone with this screen facilitates the program (the server checks that too), even a
            // group another facilitator made.
            let mut g = d.group.clone();
            if !g.is_facilitator(&me) {
                g.facilitators.push(me.clone());
            }
            set_hidden(post, &g, &me, hidden, now).map(|x| (x, d.group.name.clone()))
        });
        match changed {
            Some((post, name)) => {
                let done = if hidden { format!("The post by {} is hidden from {name}.", post.author) } else { format!("The post by {} is shown in {name} again.", post.author) };
                self.run(Work::Post(group_db_name(group_id), post), done);
            }
            None => self.refuse("That post changed meanwhile. Refresh, then try again.".into()),
        }
    }
}

/// A labelled input of the "New group" form, kept in the draft on every keystroke.
fn field(
    draft: UseDraftReturn<NewGroupDraft>,
    problems: FormProblems,
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    hint: Option<&'static str>,
    get: fn(&NewGroupDraft) -> &String,
    set: fn(&mut NewGroupDraft, String),
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{id}-hint"));
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            <input id=id type=kind autocomplete="off" aria-invalid=problems.invalid(id) aria-describedby=problems.described(id, hint_id)
                prop:value=draft.text(get)
                prop:disabled=move || !draft.ready.get()
                on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| set(d, v)) } />
        </div>
    }
}

fn percent(went: usize, held: usize) -> String {
    if held == 0 {
        return "—".into();
    }
    // Rounded to the nearest whole percent, in integers (no float formatting in the bundle).
    format!("{}%", (went * 200 + held) / (held * 2))
}

fn sessions_text(n: usize) -> String {
    if n == 1 { "1 session".into() } else { format!("{n} sessions") }
}

fn group_card(page: Page, d: &GroupData, roster: &[String], reports: &[Report], now: Now) -> impl IntoView {
    let g = &d.group;
    let (name, gid) = (g.name.clone(), g.group_id.clone());
    let (title_id, labelled_by) = (format!("group-{gid}"), format!("group-{gid}"));
    let busy = move || page.is_busy();
    let members: Vec<String> = g.member_list().into_iter().map(str::to_owned).collect();
    // Who may lead a session: members, and the group's facilitators.
    let mut leaders = members.clone();
    leaders.extend(g.facilitators.iter().filter(|f| !g.is_member(f)).cloned());
    let add_key = format!("add/{gid}");
    let addable: Vec<String> = roster.iter().filter(|p| !g.is_member(p)).cloned().collect();
    let kept_pick = page.pick(&add_key, |p| addable.iter().any(|a| a == p)).unwrap_or_default();
    let quiet = quiet_members(g, &d.posts, &d.attendance, QUIET_AFTER_SESSIONS, now);
    // Reports, one entry per reported post.
    let mut reported: Vec<(String, Vec<&Report>)> = Vec::new();
    for r in reports.iter().filter(|r| r.group_id == g.group_id) {
        match reported.iter_mut().find(|(id, _)| *id == r.post_id) {
            Some((_, list)) => list.push(r),
            None => reported.push((r.post_id.clone(), vec![r])),
        }
    }
    let hidden: Vec<&Post> = d.posts.iter().filter(|p| p.hidden && !reported.iter().any(|(id, _)| *id == p.header.id)).collect();
    // A reported or hidden post with its "Hide post" / "Show post" button.
    let post_item = |p: &Post| {
        let (gid, pid, hide) = (gid.clone(), p.header.id.clone(), !p.hidden);
        // The visible words are part of the name (WCAG 2.5.3, "label in name").
        let (label, aria) = if hide { ("Hide the post", format!("Hide the post by {}", p.author)) } else { ("Show the post", format!("Show the post by {}", p.author)) };
        view! {
            <p class="group-admin__post">{p.text.clone()}</p>
            <p class="hint">{format!("Written by {}{}", p.author, if p.hidden { " · hidden from the group" } else { "" })}</p>
            <button type="button" class="secondary" aria-label=aria prop:disabled=busy on:click=move |_| page.hide(&gid, &pid, hide)>{label}</button>
        }
    };
    let (alumni_gid, to_alumni) = (gid.clone(), !g.alumni);

    view! {
        <section class="card group-admin" aria-labelledby=labelled_by>
            <h2 id=title_id>{name.clone()}</h2>
            {g.alumni.then(|| view! { <p class="group-admin__badge">"Alumni group"</p> })}
            <p class="hint">{format!("{} of {} places taken · {}", members.len(), g.size_cap, sessions_text(g.schedule.len()))}</p>
            {(!g.norms.is_empty()).then(|| view! {
                <details class="group-admin__norms">
                    <summary>"Norms"</summary>
                    <ol>{g.norms.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ol>
                </details>
            })}

            <h3>"Members"</h3>
            {members.is_empty().then(|| view! { <p class="empty">"No members yet."</p> })}
            <ul class="group-admin__list" aria-label=format!("Members of {name}")>
                {members.iter().map(|m| {
                    let agreed = if needs_norms_agreement(g, &d.agreements, m) { "has not agreed to the current norms yet" } else { "agreed to the norms" };
                    let (gid, who) = (gid.clone(), m.clone());
                    view! {
                        <li class="group-admin__row">
                            <span><strong>{m.clone()}</strong>{format!(" — {agreed}")}</span>
                            <button type="button" class="secondary" aria-label=format!("Remove {m} from {name}") prop:disabled=busy
                                on:click=move |_| page.change_members(&gid, &who, false)>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="field group-admin__add">
                <label for=format!("add-{gid}")>"Person to add"</label>
                <select id=format!("add-{gid}") on:change={
                    let add_key = add_key.clone();
                    move |ev| page.keep_pick(add_key.clone(), event_target_value(&ev))
                }>
                    <option value="">"Choose…"</option>
                    {addable.iter().map(|p| view! { <option value=p.clone() selected=*p == kept_pick>{p.clone()}</option> }).collect_view()}
                </select>
                <button type="button" class="secondary" prop:disabled=busy on:click={
                    let gid = gid.clone();
                    move |_| page.change_members(&gid, &page.pick(&add_key, |_| true).unwrap_or_default(), true)
                }>"Add member"</button>
            </div>

            <h3>"Sessions"</h3>
            {g.schedule.is_empty().then(|| view! { <p class="empty">"No sessions planned."</p> })}
            <ul class="group-admin__list" aria-label=format!("Sessions of {name}")>
                {g.sessions_in_order().into_iter().map(|s| {
                    let label = local_session_label(s);
                    let leader = leader_for(g, &s.id);
                    let led = leader.as_ref().map(|l| format!(" — led by {l}")).unwrap_or_else(|| " — no leader yet".into());
                    let choice_key = format!("leader/{gid}/{}", s.id);
                    let shown = page.pick(&choice_key, |p| leaders.iter().any(|l| l == p))
                        .or_else(|| leader.clone())
                        .or_else(|| leaders.first().cloned())
                        .unwrap_or_default();
                    let (gid, sid, select_id) = (gid.clone(), s.id.clone(), format!("leader-{gid}-{}", s.id));
                    let choose = (s.ends() > now.at).then(|| view! {
                        <div class="group-admin__leader">
                            <label for=select_id.clone()>"Leader"<span class="visually-hidden">{format!(" for {label}")}</span></label>
                            <select id=select_id on:change={
                                let choice_key = choice_key.clone();
                                move |ev| page.keep_pick(choice_key.clone(), event_target_value(&ev))
                            }>
                                {leaders.iter().map(|p| view! { <option value=p.clone() selected=*p == shown>{p.clone()}</option> }).collect_view()}
                            </select>
                            <button type="button" class="secondary" aria-label=format!("Change leader for {label}") prop:disabled=busy on:click=move |_| {
                                let Some(g) = page.group(&gid) else { return };
                                let who = page.pick(&choice_key, |_| true).unwrap_or_else(|| shown.clone());
                                match set_leader(&g, &sid, &who, &page.me(), platform::now()) {
                                    Some(next) => page.run(Work::Group(next, None), format!("{who} leads that session of {}.", g.name)),
                                    None => page.refuse(format!("{who} already leads that session, or is no longer in the group.")),
                                }
                            }>"Change leader"</button>
                        </div>
                    });
                    view! { <li class="group-admin__session"><span>{label.clone()}{led}</span>{choose}</li> }
                }).collect_view()}
            </ul>

            <table class="group-admin__attendance">
                <caption>{format!("Attendance in {name}")}</caption>
                <thead><tr><th scope="col">"Member"</th><th scope="col">"Attended"</th><th scope="col">"Rate"</th><th scope="col">"Streak"</th></tr></thead>
                <tbody>
                    {members.iter().map(|m| {
                        let (went, held) = attendance_rate(m, g, &d.attendance, now);
                        view! {
                            <tr>
                                <th scope="row">{m.clone()}</th>
                                <td>{format!("{went} of {held}")}</td>
                                <td>{percent(went, held)}</td>
                                <td>{sessions_text(attendance_streak(m, g, &d.attendance, now))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {(!quiet.is_empty()).then(|| view! {
                <p class="notice" role="status">{format!("Quiet for two sessions: {}. A personal message from you may help.", quiet.join(", "))}</p>
            })}

            <h3>"Reports"</h3>
            {reported.is_empty().then(|| view! { <p class="empty">"No posts reported."</p> })}
            <ul class="group-admin__list" aria-label=format!("Reports in {name}")>
                {reported.iter().map(|(pid, list)| {
                    let reasons = list.iter().map(|r| {
                        let reason = if r.reason.trim().is_empty() { "No reason given." } else { r.reason.as_str() };
                        view! { <li>{format!("{}: {reason}", r.author)}</li> }
                    }).collect_view();
                    let post = d.posts.iter().find(|p| p.header.id == *pid).map(post_item);
                    let gone = post.is_none().then(|| view! { <p class="hint">"The post is no longer in the group (its author deleted it)."</p> });
                    view! {
                        <li class="group-admin__report">
                            {post}{gone}
                            <p class="hint">"Reported by"</p>
                            <ul>{reasons}</ul>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!hidden.is_empty()).then(|| view! {
                <h3>"Hidden posts"</h3>
                <ul class="group-admin__list" aria-label=format!("Hidden posts in {name}")>
                    {hidden.into_iter().map(|p| view! { <li class="group-admin__report">{post_item(p)}</li> }).collect_view()}
                </ul>
            })}

            <div class="form-actions">
                <button type="button" class="secondary" prop:disabled=busy on:click=move |_| {
                    let Some(g) = page.group(&alumni_gid) else { return };
                    let next = set_alumni(&g, to_alumni, &page.me(), platform::now());
                    let done = format!("{} is now {}.", g.name, if to_alumni { "an alumni group" } else { "a program group" });
                    page.run(Work::Group(next, None), done);
                }>{if to_alumni { "Mark as alumni group" } else { "Mark as program group" }}</button>
            </div>
        </section>
    }
}

#[component]
pub fn FacilitatorGroupsPage() -> impl IntoView {
    platform::set_title("Groups");
    let sync = use_sync();
    let storage = use_storage();
    let page = Page { account: sync.account, program: RwSignal::new(Program::default()), work: ServerWork::new(), picks: StoredValue::new(BTreeMap::new()), message: RwSignal::new(None), problem: RwSignal::new(None) };
    if sync.account.get_untracked().is_some_and(|a| a.is_facilitator()) {
        page.reload();
    }
    let draft = use_draft::<NewGroupDraft>(draft_keys::NEW_GROUP);
    let problems = FormProblems::new();
    let creating = RwSignal::new(false);
    let create = move |submitted: NewGroupDraft| {
        let Some(account) = sync.account.get_untracked() else { return };
        let now = platform::now();
        let group_id = group_id_from(&platform::new_id("group", now));
        let group = match create_group(&submitted, &group_id, &account.username, now, platform::local_instant, || platform::new_id("session", now)) {
            Ok(g) => g,
            Err(ps) => {
                return problems.refuse(&ps, |p| {
                    let id = match p {
                        GroupProblem::NameMissing | GroupProblem::NameTooLong(_) => "group-name",
                        GroupProblem::SizeCap => "group-cap",
                        GroupProblem::NormsTooLong(_) => "group-norms",
                        GroupProblem::FirstDay | GroupProblem::NoSuchTime(_) => "group-first-day",
                        GroupProblem::FirstTime => "group-time",
                        GroupProblem::Minutes => "group-minutes",
                        GroupProblem::Sessions => "group-sessions",
                        GroupProblem::MeetingLink => "group-link",
                        _ => return None,
                    };
                    Some(id.to_owned())
                })
            }
        };
        problems.clear();
        page.message.set(None);
        page.problem.set(None);
        creating.set(true);
        let name = group.name.clone();
        leptos::task::spawn_local(async move {
            match perform(account.server, Work::Group(group, None)).await {
                Ok(()) => {
                    // The group is on the server: its form's draft is done with.
                    if let Ok(store) = storage.store() {
                        let _ = crate::store::Store::apply(&*store, vec![draft.delete_op()]).await;
                    }
                    draft.after_save(&submitted, true, hhmm_at(now.at, now.utc_offset_minutes));
                    page.message.try_set(Some(format!("{name} created. Add its members below.")));
                    page.reload();
                }
                Err(e) => {
                    problems.failed(problem_text(&e));
                }
            }
            creating.try_set(false);
        });
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(|d| *d == NewGroupDraft::default()), None));
    let ready = move || draft.ready.get();

    view! {
        <div class="page facilitator-groups">
            <h1>"Groups"</h1>
            {move || match sync.account.get() {
                Some(a) if a.is_facilitator() => view! {
                    <p class="hint">"Groups are kept on the server, so this screen needs a connection."</p>
                    // The app's own messages say what is wrong, not the browser's bubbles.
                    <form class="card group-form" aria-labelledby="new-group-title" novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        create(draft.value.get_untracked());
                    }>
                        <h2 id="new-group-title">"New group"</h2>
                        {field(draft, problems, "group-name", "Group name", "text", None, |d| &d.name, |d, v| d.name = v)}
                        {field(draft, problems, "group-cap", "Size cap", "number", Some("Small groups work best; 12 is usual."), |d| &d.size_cap, |d, v| d.size_cap = v)}
                        <div class="field">
                            <label for="group-norms">"Norms"</label>
                            <p class="hint" id="group-norms-hint">"One agreement per line. Members agree to them before they first post, and again when they change."</p>
                            <textarea id="group-norms" rows="6" aria-invalid=problems.invalid("group-norms") aria-describedby=problems.described("group-norms", Some("group-norms-hint".into()))
                                prop:value=draft.text(|d| &d.norms)
                                prop:disabled=move || !ready()
                                on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.norms = v) } />
                        </div>
                        {field(draft, problems, "group-first-day", "First session", "date", None, |d| &d.first_day, |d, v| d.first_day = v)}
                        {field(draft, problems, "group-time", "Start time", "time", Some("Your time; every session starts at this time, a week apart."), |d| &d.first_time, |d, v| d.first_time = v)}
                        {field(draft, problems, "group-minutes", "Length in minutes", "number", None, |d| &d.minutes, |d, v| d.minutes = v)}
                        {field(draft, problems, "group-sessions", "Number of weekly sessions", "number", None, |d| &d.sessions, |d, v| d.sessions = v)}
                        {field(draft, problems, "group-link", "Meeting link", "url", Some("Optional: the program's video meeting address."), |d| &d.meeting_link, |d, v| d.meeting_link = v)}
                        <div class="field">
                            <label class="group-form__check">
                                <input type="checkbox" aria-describedby="group-alumni-hint"
                                    prop:checked=move || draft.value.with(|d| d.alumni)
                                    prop:disabled=move || !ready()
                                    on:change=move |ev| { let on = event_target_checked(&ev); draft.edit(ev.time_stamp(), |d| d.alumni = on) } />
                                <span>"Alumni group"</span>
                            </label>
                            <p class="hint" id="group-alumni-hint">"For people who finished the program, who stay on as mentors."</p>
                        </div>
                        <FormFooter label="Create group" busy=Signal::derive(move || creating.get() || !ready()) problems=problems status=status />
                    </form>
                    <div class="facilitator-groups__bar">
                        <button type="button" class="secondary" prop:disabled=move || page.is_busy() on:click=move |_| {
                            page.message.set(None);
                            page.problem.set(None);
                            page.reload();
                        }>"Refresh"</button>
                        {move || page.is_busy().then(|| view! { <p class="loading">"Talking to the server…"</p> })}
                    </div>
                    {move || {
                        let now = platform::now();
                        page.program.with(|p| {
                            if p.groups.is_empty() {
                                return view! { <p class="empty">"No groups yet. Make one with “New group”."</p> }.into_any();
                            }
                            p.groups.iter().map(|d| group_card(page, d, &p.roster, &p.reports, now)).collect_view().into_any()
                        })
                    }}
                    // At the end, and kept in view: what the last action did, wherever its button was.
                    <div class="facilitator-groups__status">
                        <p class="notice" role="status">{move || page.message.get()}</p>
                        <p class="field-problem" role="alert">{move || page.problem.get()}</p>
                    </div>
                    <p class="link-line">{link("/facilitator", None, "Back to Facilitator")}</p>
                }.into_any(),
                _ => super::facilitator::for_facilitators_only().into_any(),
            }}
        </div>
    }
}
