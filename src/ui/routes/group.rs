//! Group: the member's peer-led group. The group's norms (agreed before a first post), the session
//! that matters now (join link, "I'm here", a kind word after a missed one), the check-in round
//! and the peer leader's share, and the thread with replies, reactions and reports. Everything is
//! read from and written to this device first; the group's database syncs when online.

use crate::domain::group::{Attendance, Group, NormsAgreement, Post, Reaction};
use crate::domain::group_admin::{current_groups, GroupMembership};
use crate::domain::group_feed::{milestone_changes, milestone_post_id};
use crate::domain::milestone::{Milestone, MilestoneKind};
use crate::domain::progress::Progress;
use crate::store::{Op, Store};
use crate::ui::components::conflict_choice::ConflictChoice;
use crate::ui::components::group_norms::NormsCard;
use crate::ui::components::group_round::RoundCard;
use crate::ui::components::group_sessions::SessionCard;
use crate::ui::components::group_thread::GroupThread;
use crate::ui::platform;
use crate::ui::storage::{load_docs, load_docs_into, load_docs_into_after, load_newest_first_into, loaded, use_storage, AppStorage, DocList, Gate, Loading};

/// How many of the newest posts are read before the rest: enough for the first page of threads
/// (`group_feed::THREADS_PER_PAGE`) with their replies in all but the busiest groups.
const NEWEST_POSTS: usize = 300;
use crate::ui::sync::use_sync;
use leptos::prelude::*;

/// Everything the Group screen shows, loaded once and again when sync brings more.
#[derive(Clone, Copy)]
pub struct GroupData {
    pub memberships: RwSignal<Loading<DocList<GroupMembership>>>,
    pub groups: RwSignal<Loading<DocList<Group>>>,
    pub posts: RwSignal<Loading<DocList<Post>>>,
    pub reactions: RwSignal<Loading<DocList<Reaction>>>,
    pub attendance: RwSignal<Loading<DocList<Attendance>>>,
    pub agreements: RwSignal<Loading<DocList<NormsAgreement>>>,
}

impl GroupData {
    fn load() -> GroupData {
        let storage = use_storage();
        let data = GroupData {
            memberships: RwSignal::new(Loading::Pending),
            groups: RwSignal::new(Loading::Pending),
            posts: RwSignal::new(Loading::Pending),
            reactions: RwSignal::new(Loading::Pending),
            attendance: RwSignal::new(Loading::Pending),
            agreements: RwSignal::new(Loading::Pending),
        };
        load_docs_into(storage, data.memberships);
        load_docs_into(storage, data.groups);
        load_docs_into(storage, data.agreements);
        // A thread of thousands: its newest posts first; reactions and attendance (which the first
        // view can draw without) and all the posts after them.
        let newest_read = Gate::default();
        load_newest_first_into(storage, data.posts, "post:", NEWEST_POSTS, newest_read.clone());
        load_docs_into_after(storage, data.reactions, newest_read.clone());
        load_docs_into_after(storage, data.attendance, newest_read);
        data
    }

    /// Enough to draw the screen: reactions and attendance fill in as they arrive.
    fn ready(&self) -> bool {
        fn done<T>(l: &Loading<T>) -> bool {
            !matches!(l, Loading::Pending)
        }
        self.memberships.with(done) && self.groups.with(done) && self.posts.with(done) && self.agreements.with(done)
    }

    /// The first storage failure, in plain words.
    fn failure(&self) -> Option<String> {
        fn failed<T>(l: &Loading<T>) -> Option<String> {
            if let Loading::Failed(m) = l { Some(m.clone()) } else { None }
        }
        self.memberships.with(failed).or_else(|| self.groups.with(failed)).or_else(|| self.posts.with(failed))
    }
}

/// Makes every group I am in show exactly the milestones I chose to share (Today's "Share with my
/// group"): a post for each newly shared one, the deletion of those no longer shared.
/// `sync` is looked up by the caller: a context is not at hand inside a task.
pub async fn share_milestones_in_groups(storage: AppStorage, sync: Option<crate::ui::sync::SyncContext>, me: &str) -> Result<MilestoneShares, String> {
    let fail = |e: crate::store::StoreError| e.user_message();
    let progress = load_docs::<Progress>(storage).await.map_err(fail)?.docs;
    let shared: Vec<Milestone> = progress.first().map(|p| p.shared_milestones.iter().filter_map(|id| Milestone::from_id(id)).collect()).unwrap_or_default();
    let groups = load_docs::<Group>(storage).await.map_err(fail)?.docs;
    let store = storage.store().map_err(fail)?;
    // My milestone posts have known ids: read those, not the whole thread.
    let mut posts = Vec::new();
    for g in &groups {
        for m in every_milestone() {
            if let Some(doc) = store.get_doc(&milestone_post_id(&g.group_id, me, &m)).await.map_err(fail)? {
                posts.extend(crate::domain::doc::decode::<Post>(&doc).ok());
            }
        }
    }
    let now = platform::now();
    let mut ops = Vec::new();
    for g in &groups {
        let (add, remove) = milestone_changes(g, me, &shared, &posts, now);
        ops.extend(add.iter().map(|p| Op::PutDoc(crate::domain::doc::encode(p))));
        ops.extend(remove.into_iter().map(Op::DeleteDoc));
    }
    let ops_empty = ops.is_empty();
    if !ops_empty {
        store.apply(ops).await.map_err(fail)?;
        if let Some(sync) = sync {
            sync.changed();
        }
    }
    Ok(MilestoneShares { changed: !ops_empty, in_a_group: groups.iter().any(|g| g.is_member(me)) })
}

/// What [`share_milestones_in_groups`] did.
pub struct MilestoneShares {
    /// Posts were added or deleted.
    pub changed: bool,
    /// The person is in at least one group (else shared milestones wait for one).
    pub in_a_group: bool,
}

fn every_milestone() -> impl Iterator<Item = Milestone> {
    [MilestoneKind::Sober, MilestoneKind::CheckinStreak].into_iter().flat_map(|kind| kind.thresholds().iter().map(move |&days| Milestone { kind, days }))
}

#[component]
pub fn GroupPage() -> impl IntoView {
    platform::set_title("Group");
    let sync = use_sync();
    let storage = use_storage();
    let data = GroupData::load();
    let me = Memo::new(move |_| sync.account.get().map(|a| a.username));
    let ready = Memo::new(move |_| data.ready());
    // Which of my groups is open (most people have one).
    let chosen = RwSignal::new(None::<String>);
    let mine = Memo::new(move |_| data.memberships.with(|m| match m {
        Loading::Ready(l) => current_groups(&l.docs).into_iter().map(|n| (n.group_id.clone(), n.name.clone())).collect::<Vec<_>>(),
        _ => Vec::new(),
    }));
    let open = Memo::new(move |_| {
        let list = mine.get();
        let id = chosen.get().filter(|c| list.iter().any(|(g, _)| g == c)).or_else(|| list.first().map(|(g, _)| g.clone()))?;
        let name = list.iter().find(|(g, _)| *g == id).map(|(_, n)| n.clone()).unwrap_or_default();
        let group = data.groups.with(|g| match g {
            Loading::Ready(l) => l.docs.iter().find(|d| d.group_id == id).cloned(),
            _ => None,
        });
        Some((id, name, group))
    });
    // Milestones shared on Today reach each group the person is in (also done on sharing).
    if let Some(me) = me.get_untracked() {
        leptos::task::spawn_local(async move {
            if share_milestones_in_groups(storage, Some(sync), &me).await.is_ok_and(|s| s.changed) {
                load_docs_into(storage, data.posts);
            }
        });
    }

    view! {
        <div class="page group">
            <h1>"Group"</h1>
            {move || data.failure().map(|m| view! { <p class="problems" role="alert">{m}</p> })}
            {move || match (me.get(), ready.get(), open.get()) {
                (None, _, _) => view! {
                    <section class="card">
                        <h2>"No group yet"</h2>
                        <p>"Your program places you in a small, steady group. Sign in to your program's server under Settings, and your group will show here by itself."</p>
                    </section>
                }.into_any(),
                (Some(_), false, _) => view! { <p class="loading">"Opening…"</p> }.into_any(),
                (Some(_), true, None) => view! {
                    <section class="card">
                        <h2>"No group yet"</h2>
                        <p>"Your facilitator adds you to a group. It will show here by itself — nothing to do until then."</p>
                    </section>
                }.into_any(),
                (Some(_), true, Some((_, name, None))) => view! {
                    <section class="card">
                        <h2>{name}</h2>
                        <p class="loading">"Your group's page arrives with the next sync. Stay online a moment."</p>
                    </section>
                }.into_any(),
                (Some(me), true, Some((_, _, Some(group)))) => view! {
                    {move || (mine.with(Vec::len) > 1).then(|| view! {
                        <div class="field group__choose">
                            <label for="group-choice">"Show group"</label>
                            <select id="group-choice" on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                                {mine.get().into_iter().map(|(id, name)| {
                                    let selected = open.with_untracked(|o| o.as_ref().is_some_and(|(g, _, _)| *g == id));
                                    view! { <option value=id selected=selected>{name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    })}
                    <GroupScreen data me group />
                }.into_any(),
            }}
        </div>
    }
}

/// A post of mine changed differently on two of my devices: the choice of words, as for every
/// other document (sync keeps both versions; without this, one edit was silently not shown).
#[component]
fn MyPostConflicts(data: GroupData, me: String, group_id: String) -> impl IntoView {
    let ids = Memo::new(move |_| {
        data.posts.with(|l| match l {
            Loading::Ready(l) => l.docs.iter().filter(|p| p.author == me && p.group_id == group_id && p.extra.contains_key("_conflicts")).map(|p| p.header.id.clone()).collect(),
            _ => Vec::new(),
        })
    });
    move || ids.get().into_iter().map(|id| view! { <ConflictChoice id what="One of your group posts" /> }).collect_view()
}

/// One group, for one member.
#[component]
fn GroupScreen(data: GroupData, me: String, group: Group) -> impl IntoView {
    let agreed = {
        let (group, me) = (group.clone(), me.clone());
        Memo::new(move |_| !crate::domain::group::needs_norms_agreement(&group, &loaded(data.agreements), &me))
    };
    let member = group.is_member(&me) || group.is_facilitator(&me);
    view! {
        <h2 class="group__name">{group.name.clone()}</h2>
        {group.alumni.then(|| view! { <p class="notice">"Alumni group: people who finished the program, here for each other and as mentors for newer members."</p> })}
        {(!member).then(|| view! { <p class="notice" role="status">"You're no longer a member of this group. What was shared stays readable here; posting is closed."</p> })}
        <NormsCard data me=me.clone() group=group.clone() agreed />
        <SessionCard data me=me.clone() group=group.clone() />
        {member.then(|| view! { <RoundCard data me=me.clone() group=group.clone() agreed /> })}
        <MyPostConflicts data me=me.clone() group_id=group.group_id.clone() />
        <GroupThread data me=me.clone() group=group.clone() agreed />
    }
}
