//! The group's thread: posts oldest first with their replies, paged from the newest end ("Show
//! earlier posts") so a thread of thousands opens at once. Each post: who and when, its words as
//! plain text (only http(s) addresses become links), "Celebrate", "Encourage", "Me too" and "Check
//! on you" on other people's posts (one each per person, tapped again to undo; on my own, what
//! others gave, in words), "Reply" with openers to start from,
//! "Report" (to the facilitator only) and, for its author, "Edit" and "Delete".

use crate::domain::group::{display_segments, edit_post, report_post, write_post, Group, Post, PostDraft, PostKind, PostProblem, ReactionKind, Segment, POST_MAX_CHARS, POST_REPORT_TYPE, POST_TYPE};
use crate::domain::group_feed::{first_shown, threads, Thread};
use crate::domain::group_rules::{can_edit, checking_on, may_react, quiet_members, reaction_counts, reactions_received, reply_prompts, toggle_reaction, ReactionChange, QUIET_AFTER_SESSIONS};
use crate::domain::doc::JsonValue;
use crate::domain::draft_keys;
use crate::domain::time::hhmm_at;
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::routes::group::GroupData;
use crate::ui::routes::partner::{element_id, names};
use crate::ui::storage::{delete_docs, loaded, save_docs, upsert, use_storage, Loading};
use leptos::prelude::*;

/// What the thread's forms and menus need, shared by every post.
#[derive(Clone, Copy)]
struct ThreadContext {
    data: GroupData,
    threads: Memo<Vec<Thread>>,
    agreed: Memo<bool>,
    quiet: Memo<Vec<String>>,
    me: StoredValue<String>,
    group: StoredValue<Group>,
    /// The post whose reply form, edit form, report form or delete question is open.
    replying: RwSignal<Option<String>>,
    editing: RwSignal<Option<String>>,
    reporting: RwSignal<Option<String>>,
    deleting: RwSignal<Option<String>>,
    problem: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
}

/// A reply or edit half-written when the app closed opens again on its post, with its words (the
/// forms keep their drafts on every keystroke, but a closed form showed nothing of them).
fn reopen_kept_drafts(ctx: ThreadContext) {
    let storage = use_storage();
    leptos::task::spawn_local(async move {
        let Ok(store) = storage.store() else { return };
        for (key, open) in [(draft_keys::GROUP_REPLY, ctx.replying), (draft_keys::GROUP_EDIT, ctx.editing)] {
            let kept = crate::store::Store::get_draft(&*store, key).await.ok().flatten().and_then(|raw| PostDraft::from_json(raw).ok());
            if let Some(target) = kept.filter(|d| !d.text.trim().is_empty()).and_then(|d| d.reply_to) {
                open.try_update(|o| {
                    o.get_or_insert(target);
                });
            }
        }
    });
}

#[component]
pub fn GroupThread(data: GroupData, me: String, group: Group, agreed: Memo<bool>) -> impl IntoView {
    let (g, who) = (group.clone(), me.clone());
    let all = Memo::new(move |_| data.posts.with(|p| match p {
        Loading::Ready(l) => threads(&g, &l.docs, &who),
        _ => Vec::new(),
    }));
    let g = group.clone();
    let quiet = Memo::new(move |_| quiet_members(&g, &loaded(data.posts), &loaded(data.attendance), QUIET_AFTER_SESSIONS, platform::now()));
    let ctx = ThreadContext {
        data,
        threads: all,
        agreed,
        quiet,
        me: StoredValue::new(me),
        group: StoredValue::new(group),
        replying: RwSignal::new(None),
        editing: RwSignal::new(None),
        reporting: RwSignal::new(None),
        deleting: RwSignal::new(None),
        problem: RwSignal::new(None),
        notice: RwSignal::new(None),
    };
    reopen_kept_drafts(ctx);
    let pages = RwSignal::new(1usize);
    let start = Memo::new(move |_| first_shown(all.with(Vec::len), pages.get()));
    // Only the ids of the threads on screen: a new reply or reaction redraws its own post, not the page.
    let shown = Memo::new(move |_| all.with(|t| t.get(start.get()..).unwrap_or(&[]).iter().map(|t| t.post.header.id.clone()).collect::<Vec<_>>()));
    let drawn = StoredValue::new(false);

    view! {
        <section class="card group-thread" aria-labelledby="group-thread-title">
            <h2 id="group-thread-title">"Group thread"</h2>
            <p class="notice" role="status" id="group-thread-notice" tabindex="-1">{move || ctx.notice.get()}</p>
            <p role="alert">{move || ctx.problem.get()}</p>
            {move || (start.get() > 0).then(|| view! {
                <button type="button" class="secondary" on:click=move |_| pages.update(|p| *p += 1)>{move || {
                    // The count only once the whole thread is read (the newest posts come first).
                    let partial = ctx.data.posts.with(|p| matches!(p, Loading::Ready(l) if l.partial));
                    if partial { "Show earlier posts".to_owned() } else { format!("Show earlier posts ({} more)", start.get()) }
                }}</button>
            })}
            {move || all.with(Vec::is_empty).then(|| view! { <p class="hint">"Nothing here yet. Check-ins and shares will show here — yours too, once you post."</p> })}
            <ol class="group-thread__list" aria-label="Posts">
                // Keyed: "Show earlier posts" adds threads above and leaves those drawn alone.
                <For each=move || shown.get() key=|id| id.clone() let:id>
                    <li><ThreadView ctx id /></li>
                </For>
            </ol>
            {move || {
                if !drawn.get_value() && shown.with(|ids| !ids.is_empty()) {
                    drawn.set_value(true);
                    // For the thread benchmark: when the first page of a long thread is drawn.
                    platform::mark_with_memory("tandem:group-thread-drawn");
                }
            }}
        </section>
    }
}

#[component]
fn ThreadView(ctx: ThreadContext, id: String) -> impl IntoView {
    let find = id.clone();
    let thread = Memo::new(move |_| ctx.threads.with(|t| t.iter().rev().find(|t| t.post.header.id == find).cloned()));
    view! {
        {move || thread.with(|t| t.as_ref().map(|t| view! { <PostView ctx post=t.post.clone() /> }))}
        {move || thread.with(|t| t.as_ref().filter(|t| !t.replies.is_empty()).map(|t| view! {
            <ol class="group-thread__replies" aria-label=format!("Replies to {}", t.post.author)>
                {t.replies.iter().map(|r| view! { <li><PostView ctx post=r.clone() /></li> }).collect_view()}
            </ol>
        }))}
        {move || (ctx.replying.get().as_deref() == Some(id.as_str())).then(|| thread.get().map(|t| view! { <ReplyForm ctx post=t.post /> }))}
    }
}

fn body(text: &str) -> impl IntoView {
    // A post from another app could be longer than this app allows: show the allowed part.
    let shown = if text.chars().count() > POST_MAX_CHARS { crate::domain::text::preview(text, POST_MAX_CHARS) } else { text.to_owned() };
    display_segments(&shown)
        .into_iter()
        .map(|s| match s {
            Segment::Text(t) => t.into_any(),
            Segment::Link(href) => {
                let shown = href.clone();
                view! { <a href=href rel="noopener noreferrer nofollow ugc" target="_blank">{shown}</a> }.into_any()
            }
        })
        .collect_view()
}

/// Opens the form or menu for `id`, or closes it if it is open.
fn toggle(open: RwSignal<Option<String>>, id: &str) {
    open.update(|o| *o = if o.as_deref() == Some(id) { None } else { Some(id.to_owned()) });
}

#[component]
fn PostView(ctx: ThreadContext, post: Post) -> impl IntoView {
    let me = ctx.me.get_value();
    let id = post.header.id.clone();
    let heading_id = element_id("post", &id);
    let who = if post.author == me { "You".to_owned() } else { post.author.clone() };
    let offset = platform::offset_at(post.at);
    let when = crate::domain::time::Now { at: post.at, utc_offset_minutes: offset };
    let heading = format!("{who} · {} · {} {}", post.kind.label(), when.local_day().short_label(), hhmm_at(post.at, offset));
    let mine = can_edit(&post, &me);
    // Others' posts get the buttons; my own shows in words what others gave.
    let reacts = may_react(&post, &me);
    let counted = post.clone();
    let counts = Memo::new(move |_| ctx.data.reactions.with(|r| match r {
        Loading::Ready(l) => reaction_counts(&l.docs, &counted, &ctx.me.get_value()),
        _ => Vec::new(),
    }));
    let react = {
        let post = post.clone();
        move |kind: ReactionKind| {
            let me = ctx.me.get_value();
            match toggle_reaction(&loaded(ctx.data.reactions), &me, &post, kind, platform::now()) {
                None => {}
                Some(ReactionChange::Add(r)) => {
                    let write = save_docs(use_storage(), vec![r], Vec::new());
                    leptos::task::spawn_local(async move {
                        match write.await {
                            Ok(saved) => upsert(ctx.data.reactions, &saved),
                            Err(m) => {
                                ctx.problem.try_set(Some(m));
                            }
                        }
                    });
                }
                Some(ReactionChange::Remove(ids)) => delete_docs(ctx.data.reactions, ids, ctx.problem),
            }
        }
    };
    let react = StoredValue::new(react);
    let (reply_id, report_id, delete_id, delete_yes) = (id.clone(), id.clone(), id.clone(), id.clone());
    let (reply_open, report_open, edit_open, edit_id) = (id.clone(), id.clone(), id.clone(), id.clone());
    let is = move |open: RwSignal<Option<String>>, id: &str| open.with(|o| o.as_deref() == Some(id));
    let kind = post.kind;
    let top = kind != PostKind::Reply;

    view! {
        <article class="post" data-kind=kind.as_str() aria-labelledby=heading_id.clone()>
            <h3 class="post__who" id=heading_id.clone()>{heading}</h3>
            {post.hidden.then(|| view! { <p class="post__hidden">"Hidden by the facilitator: only you and the facilitator see this post."</p> })}
            {let (post, id) = (post.clone(), id.clone()); move || if is(ctx.editing, &id) {
                view! { <EditForm ctx post=post.clone() /> }.into_any()
            } else {
                view! { <p class="post__text" dir="auto">{body(&post.text)}</p> }.into_any()
            }}
            {if reacts {
                view! {
                    <div class="post__reactions" role="group" aria-label="Reactions">
                        {ReactionKind::ALL.into_iter().map(|k| {
                            let state = move || counts.with(|c| c.iter().find(|x| x.kind == k).map(|x| (x.count, x.mine)).unwrap_or((0, false)));
                            view! {
                                <button type="button" class="secondary reaction" aria-pressed=move || state().1.to_string()
                                    prop:disabled=move || !ctx.agreed.get() on:click=move |_| react.with_value(|f| f(k))>
                                    {k.label()}
                                    <span class="reaction__count">{move || match state().0 { 0 => String::new(), n => format!(" {n}") }}</span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            } else {
                view! { <p class="post__reacted">{move || counts.with(|c| reactions_received(c))}</p> }.into_any()
            }}
            {mine.then(|| view! { <CheckingOn ctx post=post.clone() /> })}
            <div class="post__actions">
                {top.then(|| view! {
                    <button type="button" class="secondary" aria-expanded=move || is(ctx.replying, &reply_open).to_string()
                        prop:disabled=move || !ctx.agreed.get()
                        on:click=move |_| toggle(ctx.replying, &reply_id)>"Reply"</button>
                })}
                {(!mine).then(|| view! {
                    <button type="button" class="secondary" aria-expanded=move || is(ctx.reporting, &report_open).to_string()
                        on:click=move |_| toggle(ctx.reporting, &report_id)>"Report"</button>
                })}
                {mine.then(|| view! {
                    <button type="button" class="secondary" aria-expanded=move || is(ctx.editing, &edit_open).to_string()
                        on:click=move |_| toggle(ctx.editing, &edit_id)>"Edit"</button>
                    <button type="button" class="secondary" on:click=move |_| ctx.deleting.set(Some(delete_id.clone()))>"Delete"</button>
                })}
            </div>
            {move || is(ctx.deleting, &delete_yes).then(|| {
                let ids = vec![delete_yes.clone()];
                view! {
                    <div class="post__confirm" role="group" aria-label="Delete this post?">
                        <p>"Delete this post? It goes for everyone in the group."</p>
                        <button type="button" class="primary" on:click=move |_| { ctx.deleting.set(None); delete_docs(ctx.data.posts, ids.clone(), ctx.problem) }>"Yes, delete"</button>
                        <button type="button" class="secondary" on:click=move |_| ctx.deleting.set(None)>"Keep it"</button>
                    </div>
                }
            })}
            {let post = post.clone(); move || is(ctx.reporting, &post.header.id).then(|| view! { <ReportForm ctx post=post.clone() /> })}
        </article>
    }
}

/// What "Check on you" on my own post means, and who pressed it.
fn checking_on_words(who: &[String]) -> String {
    let list = names(&who.iter().map(String::as_str).collect::<Vec<_>>());
    format!("{list} would like to check on you: they're thinking of you and would be glad to hear how you are. A few words in the group is enough, whenever you're ready. If things are hard right now, “Get help now” is at the top of every screen.")
}

/// Under my own post, once someone pressed "Check on you" on it: who, and what it means.
#[component]
fn CheckingOn(ctx: ThreadContext, post: Post) -> impl IntoView {
    let who = Memo::new(move |_| ctx.data.reactions.with(|r| match r {
        Loading::Ready(l) => checking_on(&l.docs, &post, &ctx.me.get_value()).into_iter().map(str::to_owned).collect::<Vec<_>>(),
        _ => Vec::new(),
    }));
    move || who.with(|w| (!w.is_empty()).then(|| view! { <p class="notice post__checking">{checking_on_words(w)}</p> }))
}

#[component]
fn ReplyForm(ctx: ThreadContext, post: Post) -> impl IntoView {
    let author_quiet = ctx.quiet.with_untracked(|q| q.contains(&post.author));
    let mut openers = reply_prompts(&post, author_quiet);
    openers.extend(post.prompts.iter().cloned());
    let to = post.header.id.clone();
    let send = Callback::new(move |text: String| {
        let now = platform::now();
        let draft = PostDraft { kind: PostKind::Reply, text, session_id: None, reply_to: Some(to.clone()) };
        write_post(&draft, &ctx.group.get_value(), &ctx.me.get_value(), now, || platform::new_id(POST_TYPE, now))
    });
    view! {
        <PostTextForm ctx key=draft_keys::GROUP_REPLY target=post.header.id.clone() label=format!("Reply to {}", post.author) start=String::new()
            openers submit="Post reply" open=ctx.replying send />
    }
}

/// The author changing their post's words.
#[component]
fn EditForm(ctx: ThreadContext, post: Post) -> impl IntoView {
    let (target, start) = (post.header.id.clone(), post.text.clone());
    let send = Callback::new(move |text: String| edit_post(&post, &ctx.me.get_value(), &text, platform::now()).map_err(|p| vec![p]));
    view! {
        <PostTextForm ctx key=draft_keys::GROUP_EDIT target label="Edit your post".to_owned() start openers=Vec::new() submit="Save changes" open=ctx.editing send />
    }
}

/// A reply or an edit: one field for `target` (the post answered or changed), kept as a draft on
/// every keystroke (a kept draft for the same post wins over `start`), openers that fill it, the
/// send button and "Cancel" (which closes `open`). `send` turns the words into the post to save.
#[component]
fn PostTextForm(
    ctx: ThreadContext,
    key: &'static str,
    target: String,
    label: String,
    start: String,
    openers: Vec<String>,
    submit: &'static str,
    open: RwSignal<Option<String>>,
    send: Callback<String, Result<Post, Vec<PostProblem>>>,
) -> impl IntoView {
    let storage = use_storage();
    let draft = use_draft::<PostDraft>(key);
    let problems = super::save_status::FormProblems::new();
    let field_id = element_id(key, &target);
    let field = field_id.clone();
    let target = StoredValue::new(target);
    let typed = move || draft.value.with_untracked(|d| if target.with_value(|t| d.reply_to.as_ref() == Some(t)) { d.text.clone() } else { start.clone() });
    let text = {
        let typed = typed.clone();
        move || {
            draft.replaced.track();
            typed()
        }
    };
    let set = move |t: f64, value: String| draft.edit(t, |d| *d = PostDraft { kind: PostKind::Reply, text: value, session_id: None, reply_to: Some(target.get_value()) });
    let save = move || {
        let submitted = draft.value.get_untracked();
        match send.run(typed()) {
            Ok(post) => {
                let write = save_docs(storage, vec![post], vec![draft.delete_op()]);
                leptos::task::spawn_local(async move {
                    match write.await {
                        Ok(saved) => {
                            draft.after_save(&submitted, true, String::new());
                            upsert(ctx.data.posts, &saved);
                            open.try_set(None);
                        }
                        Err(m) => problems.failed(m),
                    }
                });
            }
            Err(ps) => problems.refuse(&ps, |p| matches!(p, PostProblem::Empty | PostProblem::TooLong(_)).then(|| field.clone())),
        }
    };
    crate::ui::routes::goals::focus_soon(field_id.clone());
    let status = Memo::new(move |_| super::save_status::status_of(draft.write.get(), draft.value.with(|d| d.text.trim().is_empty()), None));

    view! {
        <form class="group-reply" on:submit=move |ev| { ev.prevent_default(); save() }>
            <div class="field">
                <label for=field_id.clone()>{label}</label>
                <textarea id=field_id.clone() rows="3" dir="auto" aria-invalid=problems.invalid(field_id.clone()) aria-describedby=problems.described(field_id, None) prop:value=text prop:disabled=move || !draft.ready.get()
                    on:input=move |ev| { let v = event_target_value(&ev); set(ev.time_stamp(), v) } />
            </div>
            {(!openers.is_empty()).then(|| view! {
                <div class="group-reply__openers" role="group" aria-label="Start with">
                    {openers.into_iter().map(|o| {
                        let words = o.clone();
                        view! { <button type="button" class="secondary opener" on:click=move |ev| { set(ev.time_stamp(), words.clone()); draft.replaced.notify() }>{o}</button> }
                    }).collect_view()}
                </div>
            })}
            <super::save_status::Problems problems />
            <div class="form-actions">
                <button type="submit" class="primary">{submit}</button>
                <button type="button" class="secondary" on:click=move |_| open.set(None)>"Cancel"</button>
                <super::save_status::SaveStatus status />
            </div>
        </form>
    }
}

#[component]
fn ReportForm(ctx: ThreadContext, post: Post) -> impl IntoView {
    let storage = use_storage();
    let reason = RwSignal::new(String::new());
    let problems = super::save_status::FormProblems::new();
    let field_id = element_id("report", &post.header.id);
    let field = field_id.clone();
    let send = move || {
        let now = platform::now();
        match report_post(&post, &ctx.me.get_value(), &reason.get_untracked(), now, || platform::new_id(POST_REPORT_TYPE, now)) {
            Ok(report) => {
                let write = save_docs(storage, vec![report], Vec::new());
                leptos::task::spawn_local(async move {
                    match write.await {
                        Ok(_) => {
                            ctx.reporting.try_set(None);
                            let sent = if crate::ui::sync::is_online() { "Sent to your facilitator privately." } else { "Kept on this device: it goes to your facilitator privately once you're online." };
                            ctx.notice.try_set(Some(format!("{sent} The person who wrote it is not told who reported it.")));
                            // The form closes; the notice (at the top of the thread, maybe off screen) takes focus.
                            crate::ui::routes::goals::focus_soon("group-thread-notice");
                        }
                        Err(m) => problems.failed(m),
                    }
                });
            }
            Err(p) => problems.refuse(&[p], |p| matches!(p, PostProblem::TooLong(_)).then(|| field.clone())),
        }
    };
    view! {
        <form class="post__report" on:submit=move |ev| { ev.prevent_default(); send() }>
            <div class="field">
                <label for=field_id.clone()>"What's wrong? (optional)"</label>
                <p class="hint">"Only your facilitator sees this report."</p>
                <input id=field_id.clone() type="text" autocomplete="off" aria-invalid=problems.invalid(field_id.clone()) aria-describedby=problems.described(field_id, None) on:input=move |ev| reason.set(event_target_value(&ev)) />
            </div>
            <super::save_status::Problems problems />
            <div class="form-actions">
                <button type="submit" class="primary">"Send report"</button>
                <button type="button" class="secondary" on:click=move |_| ctx.reporting.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
