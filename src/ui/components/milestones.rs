//! Today's "Milestones": the check-in streak, an optional "sober since" day counter, milestones
//! reached (each can be shared with the group, by choice) and the next one. A restart of the count
//! is met with support, never shame.

use crate::domain::checkin::CheckIn;
use crate::domain::draft_keys;
use crate::domain::milestone::{next, reached, Milestone, MilestoneKind};
use crate::domain::progress::Progress;
use crate::domain::streak::{checkin_streak, reset_message};
use crate::domain::time::LocalDay;
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, loaded, save_docs, upsert, use_storage, DocList, Loading};
use leptos::prelude::*;

fn days(n: u32) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

#[component]
pub fn Milestones(checkins: RwSignal<Loading<DocList<CheckIn>>>, today: LocalDay) -> impl IntoView {
    let storage = use_storage();
    let progress = RwSignal::new(Loading::<DocList<Progress>>::Pending);
    load_docs_into(storage, progress);
    let date_draft = use_draft::<String>(draft_keys::SOBER_SINCE);
    let message = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    // A refused date marks its field (described by the problem below) and takes focus there.
    let date_problems = crate::ui::components::save_status::FormProblems::new();
    let editing_date = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let current = move || loaded(progress).into_iter().next();
    let streak = Memo::new(move |_| checkin_streak(loaded(checkins).iter().map(|c| c.day), today));
    let sober = Memo::new(move |_| current().and_then(|p| p.sober()));

    let sync = use_context::<crate::ui::sync::SyncContext>();
    // `after`: what to say once saved; `sharing`: a milestone was shared (true) or unshared, and what to say
    // depends on whether the person is in a group.
    let write = move |next: Progress, after: Option<String>, sharing: Option<bool>| {
        let save = save_docs(storage, vec![next], Vec::new());
        leptos::task::spawn_local(async move {
            match save.await {
                Ok(saved) => {
                    upsert(progress, &saved);
                    problem.try_set(None);
                    message.try_set(after);
                    // Shared milestones appear in (or leave) each group the person is in.
                    let mut in_a_group = false;
                    if let Some(me) = sync.and_then(|s| s.account.try_get_untracked().flatten()).map(|a| a.username) {
                        match crate::ui::routes::group::share_milestones_in_groups(storage, sync, &me).await {
                            Ok(shares) => in_a_group = shares.in_a_group,
                            Err(m) => {
                                problem.try_set(Some(m));
                            }
                        }
                    }
                    if let Some(on) = sharing {
                        message.try_set(Some(share_message(on, in_a_group).to_owned()));
                    }
                }
                Err(m) => {
                    problem.try_set(Some(m));
                }
            }
        });
    };
    let refuse_date = move |text: &'static str| {
        problem.set(Some(text.into()));
        date_problems.refuse(&[text], |_| Some("sober-since".into()));
    };
    let save_date = move |t: f64| {
        let typed = date_draft.value.get_untracked();
        match LocalDay::parse(typed.trim()) {
            Ok(day) if day <= today => {
                let now = platform::now();
                date_problems.clear();
                write(Progress::or_new(current().as_ref(), now).with_sober_since(Some(day), now), None, None);
                date_draft.edit(t, String::clear);
                date_draft.replaced.notify();
                editing_date.set(false);
            }
            Ok(_) => refuse_date("Pick a day that is today or earlier."),
            Err(_) => refuse_date("Pick the day you count from."),
        }
    };
    let restart = move || {
        let now = platform::now();
        if let Some((next, previous)) = current().and_then(|p| p.restarted(now)) {
            write(next, Some(reset_message(previous)), None);
        }
        confirming.set(false);
    };
    let share = move |m: Milestone| {
        let now = platform::now();
        let next = Progress::or_new(current().as_ref(), now).toggled_share(&m, now);
        let on = next.is_shared(&m);
        write(next, None, Some(on));
    };
    let all_reached = move || {
        let mut list = reached(MilestoneKind::CheckinStreak, streak.get().current);
        if let Some(s) = sober.get() {
            list.extend(reached(MilestoneKind::Sober, s.days(today)));
        }
        list.reverse();
        list
    };
    let date_form = move || view! {
        <div class="field">
            <label for="sober-since">"Sober since"</label>
            <p class="hint" id="sober-since-hint">"The day you count from. Only you see it."</p>
            <div class="add-tag__row">
                <input id="sober-since" type="date" max=today.to_string() aria-invalid=date_problems.invalid("sober-since")
                    aria-describedby=move || if date_problems.names("sober-since") { "sober-since-hint milestones-problem" } else { "sober-since-hint" }
                    prop:value=date_draft.text(|d| d)
                    on:input=move |ev| { let v = event_target_value(&ev); date_draft.edit(ev.time_stamp(), |d| *d = v) } />
                <button type="button" class="secondary" on:click=move |ev| save_date(ev.time_stamp())>"Save date"</button>
            </div>
        </div>
    };

    view! {
        <section class="card milestones" role="region" aria-label="Milestones">
            <h2>"Milestones"</h2>
            <p class="milestones__streak">{move || {
                let s = streak.get();
                match s.current {
                    0 => "Check in today to start a streak.".to_owned(),
                    n if s.waiting_for_today(today) => format!("Check-in streak: {}. Today's check-in keeps it going.", days(n)),
                    n => format!("Check-in streak: {} (longest {}).", days(n), days(s.longest)),
                }
            }}</p>
            {move || match sober.get() {
                Some(s) if !editing_date.get() => view! {
                    <p class="milestones__count">
                        <strong class="milestones__days">{days(s.days(today))}</strong>
                        {format!(" since {}", s.since.short_label())}
                    </p>
                    <div class="form-actions">
                        <button type="button" class="secondary" on:click=move |_| editing_date.set(true)>"Change date"</button>
                        {move || if confirming.get() {
                            view! {
                                <p class="milestones__confirm">"Restart your count from today? Your earlier days stay counted."</p>
                                <button type="button" class="primary" on:click=move |_| restart()>"Yes, restart from today"</button>
                                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Not now"</button>
                            }.into_any()
                        } else {
                            view! { <button type="button" class="secondary" on:click=move |_| confirming.set(true)>"Restart my count"</button> }.into_any()
                        }}
                    </div>
                }.into_any(),
                _ => date_form().into_any(),
            }}
            {move || message.get().map(|m| view! { <p class="notice milestones__support" role="status">{m}</p> })}
            <p role="alert" id="milestones-problem">{move || problem.get()}</p>
            <ul class="milestones__list" aria-label="Milestones reached">
                {move || all_reached().into_iter().map(|m| {
                    let shared = move || current().is_some_and(|p| p.is_shared(&m));
                    view! {
                        <li class="milestone">
                            <p class="milestone__title" id=format!("milestone-{}", m.id())>{m.title()}</p>
                            <p>{m.celebration()}</p>
                            <button type="button" class="secondary" aria-describedby=format!("milestone-{}", m.id()) aria-pressed=move || shared().to_string()
                                on:click=move |_| share(m)>"Share with my group"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="hint">{move || {
                let mut upcoming = Vec::new();
                if let Some((m, to_go)) = next(MilestoneKind::CheckinStreak, streak.get().current) {
                    upcoming.push(format!("{} in {}", m.title(), days(to_go)));
                }
                if let Some((m, to_go)) = sober.get().and_then(|s| next(MilestoneKind::Sober, s.days(today))) {
                    upcoming.push(format!("{} in {}", m.title(), days(to_go)));
                }
                if upcoming.is_empty() { String::new() } else { format!("Next: {}.", upcoming.join("; ")) }
            }}</p>
        </section>
    }
}

/// What "Share with my group" says once saved. Not in a group yet, a shared milestone waits: the
/// Group screen posts it when the person first opens a group they are in.
fn share_message(on: bool, in_group: bool) -> &'static str {
    match (on, in_group) {
        (false, _) => "No longer shared with your group.",
        (true, true) => "Shared with your group.",
        (true, false) => "Kept to share: you're not in a group yet, so your group will see it once you join one.",
    }
}
