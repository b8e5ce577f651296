//! The check-in round of the current session — who has shared and who not yet, a nudge to reach
//! out to anyone quiet for two sessions — with "My check-in" and "Post", and the peer leader's
//! "My share". Both forms keep a draft on every keystroke and refuse, with the words kept, a post
//! that is empty or too long.

use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::checkin::CheckIn;
use crate::domain::doc::Audience;
use crate::domain::draft_keys;
use crate::domain::goal::{in_week, Goal};
use crate::domain::group::{write_post, Group, PostDraft, PostKind, PostProblem, POST_TYPE};
use crate::domain::group_feed::{checkin_starter, current_session};
use crate::domain::group_rules::{leader_for, quiet_members, round_status, QUIET_AFTER_SESSIONS};
use crate::domain::progress::Progress;
use crate::domain::prompts::follow_up_prompts;
use crate::domain::time::hhmm_at;
use crate::domain::values::Values;
use crate::domain::week::Week;
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::routes::group::GroupData;
use crate::ui::routes::partner::names;
use crate::ui::storage::{load_docs_into, loaded, save_docs, upsert, use_storage, DocList, Loading};
use leptos::prelude::*;

#[component]
pub fn RoundCard(data: GroupData, me: String, group: Group, agreed: Memo<bool>) -> impl IntoView {
    let now = platform::now();
    let Some(session) = current_session(&group, now).cloned() else {
        return ().into_any();
    };
    let label = super::group_sessions::local_session_label(&session);
    let leader = leader_for(&group, &session.id);
    let (g, sid) = (group.clone(), session.id.clone());
    let round = Memo::new(move |_| round_status(&g, &sid, &loaded(data.posts)));
    let g = group.clone();
    let me_q = me.clone();
    let quiet = Memo::new(move |_| quiet_members(&g, &loaded(data.posts), &loaded(data.attendance), QUIET_AFTER_SESSIONS, now).into_iter().filter(|q| *q != me_q).collect::<Vec<_>>());
    let me_in = me.clone();
    let shared = Memo::new(move |_| round.with(|r| r.shared.contains(&me_in)));
    let leading = leader.as_deref() == Some(me.as_str());
    let (me_s, sid_s) = (me.clone(), session.id.clone());
    let share_posted = Memo::new(move |_| data.posts.with(|l| matches!(l, Loading::Ready(l) if l.docs.iter().any(|p| p.kind == PostKind::Share && p.author == me_s && p.session_id.as_deref() == Some(sid_s.as_str())))));
    let leader_line = match &leader {
        Some(l) if *l == me => "You lead this session's share: a few words on a topic — what's been helping, a struggle, something you learned. Others respond in its thread.".to_owned(),
        Some(l) => format!("{l} leads this session's share. Respond in its thread below."),
        None => String::new(),
    };

    view! {
        <section class="card group-round" aria-labelledby="group-round-title">
            <h2 id="group-round-title">{format!("Check-in round · {label}")}</h2>
            {move || round.with(|r| view! {
                <p class="group-round__shared">{if r.shared.is_empty() { "No one has checked in yet.".to_owned() } else { format!("Shared: {}", names(&r.shared.iter().map(String::as_str).collect::<Vec<_>>())) }}</p>
                <p class="group-round__waiting">{if r.is_complete() { "Everyone has checked in.".to_owned() } else { format!("Not yet: {}", names(&r.not_yet.iter().map(String::as_str).collect::<Vec<_>>())) }}</p>
            })}
            {move || quiet.with(|q| (!q.is_empty()).then(|| view! {
                <p class="notice group-round__quiet" role="status">{format!("{} {} been quiet for two sessions. A short reply or “Check on you” can mean a lot.", names(&q.iter().map(String::as_str).collect::<Vec<_>>()), if q.len() == 1 { "has" } else { "have" })}</p>
            }))}
            <p class="hint">{leader_line}</p>
            {move || if !agreed.get() {
                view! { <p class="hint">"Agree to the group's norms above to post."</p> }.into_any()
            } else {
                view! {
                    {if shared.get() {
                        view! { <p role="status">"You've checked in for this session. Thank you."</p> }.into_any()
                    } else {
                        view! { <Composer data me=me.clone() group=group.clone() session_id=session.id.clone() kind=PostKind::CheckIn /> }.into_any()
                    }}
                    {leading.then(|| if share_posted.get() {
                        view! { <p role="status">"You've shared for this session. Others respond in its thread below."</p> }.into_any()
                    } else {
                        view! { <Composer data me=me.clone() group=group.clone() session_id=session.id.clone() kind=PostKind::Share /> }.into_any()
                    })}
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// "My check-in" with "Post", or the leader's "My share" with "Post share".
#[component]
fn Composer(data: GroupData, me: String, group: Group, session_id: String, kind: PostKind) -> impl IntoView {
    let storage = use_storage();
    let (key, field_id, label, button, hint) = if kind == PostKind::Share {
        (draft_keys::GROUP_SHARE, "group-share", "My share", "Post share", "Your share starts this session's thread.")
    } else {
        (draft_keys::GROUP_CHECKIN, "group-checkin", "My check-in", "Post", "How you feel, a win, a challenge — as much or as little as you like.")
    };
    let draft = use_draft::<PostDraft>(key);
    let problems = FormProblems::new();
    let saves = Saves::new();
    let checkins = RwSignal::new(Loading::<DocList<CheckIn>>::Pending);
    let goals = RwSignal::new(Loading::<DocList<Goal>>::Pending);
    let values = RwSignal::new(Loading::<DocList<Values>>::Pending);
    let progress = RwSignal::new(Loading::<DocList<Progress>>::Pending);
    load_docs_into(storage, checkins);
    load_docs_into(storage, goals);
    load_docs_into(storage, values);
    load_docs_into(storage, progress);
    let now = platform::now();
    let today = now.local_day();
    let todays = Memo::new(move |_| loaded(checkins).into_iter().find(|c| c.day == today).map(|c| checkin_starter(&c)).filter(|t| !t.is_empty()));
    // The follow-up questions my group may ask about the goals I shared with it this week.
    let prompts = Memo::new(move |_| {
        let start = loaded(progress).first().map(|p| p.week_start).unwrap_or_default();
        let week = Week::current(now, start).start();
        let shared: Vec<Goal> = loaded(goals).into_iter().filter(|g| in_week(g, week) && g.header.audience == Audience::Group).collect();
        follow_up_prompts(&shared, loaded(values).first(), week, platform::lowercase).into_iter().filter(|p| p.audience == Audience::Group).map(|p| p.text).collect::<Vec<_>>()
    });
    let start_from_today = move |t: f64| {
        let Some(text) = todays.get_untracked() else { return };
        draft.edit(t, |d| {
            if !d.text.contains(&text) {
                d.text = if d.text.trim().is_empty() { text } else { format!("{}\n{text}", d.text.trim_end()) };
            }
        });
        draft.replaced.notify();
    };
    let save = move |typed: PostDraft| {
        // `after_save` compares the form with what was typed: compared with this completed copy,
        // the form never matched, so the posted words stayed as a draft (and "Post share" posted
        // them again).
        let submitted = PostDraft { kind, session_id: Some(session_id.clone()), ..typed.clone() };
        let now = platform::now();
        let mut post = match write_post(&submitted, &group, &me, now, || platform::new_id(POST_TYPE, now)) {
            Ok(p) => p,
            Err(ps) => return problems.refuse(&ps, |p| matches!(p, PostProblem::Empty | PostProblem::TooLong(_)).then(|| field_id.to_owned())),
        };
        post.prompts = prompts.get_untracked();
        let write = save_docs(storage, vec![post], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(saved) => {
                    problems.clear();
                    let at = saved.first().map(|p| hhmm_at(p.header.created_at, now.utc_offset_minutes)).unwrap_or_default();
                    draft.after_save(&typed, true, at);
                    upsert(data.posts, &saved);
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(|d| d.text.trim().is_empty()), None));
    let hint_id = format!("{field_id}-hint");

    view! {
        <form class="group-composer" on:submit=move |ev| {
            ev.prevent_default();
            save(draft.value.get_untracked());
        }>
            <div class="field">
                <label for=field_id>{label}</label>
                <p class="hint" id=hint_id.clone()>{hint}</p>
                <textarea id=field_id rows="4" dir="auto" aria-invalid=problems.invalid(field_id) aria-describedby=problems.described(field_id, Some(hint_id))
                    prop:value=draft.text(|d| &d.text)
                    prop:disabled=move || !draft.ready.get()
                    on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.text = v) } />
            </div>
            {(kind == PostKind::CheckIn).then_some(move || todays.with(Option::is_some).then(|| view! {
                <button type="button" class="secondary" on:click=move |ev| start_from_today(ev.time_stamp())>"Start from today's check-in"</button>
            }))}
            {move || prompts.with(|p| (!p.is_empty()).then(|| view! {
                <p class="hint">{format!("Your group may ask about the goals you shared: {}", p.join(" "))}</p>
            }))}
            <p class="audience">"Who sees this: " <strong>{Audience::Group.label()}</strong></p>
            <FormFooter label=button busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
        </form>
    }
}
