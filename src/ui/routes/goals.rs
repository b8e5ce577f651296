//! Goals: this week's board, the goal form, the weekly review and the day the week starts on.

use crate::domain::goal::{Column, Goal, GoalDraft};
use crate::domain::progress::Progress;
use crate::domain::review::Review;
use crate::domain::values::Values;
use crate::domain::week::{Week, WeekStart};
use crate::ui::app::link;
use crate::ui::components::conflict_choice::ConflictChoice;
use crate::ui::components::goal_board::GoalBoard;
use crate::ui::components::goal_form::GoalForm;
use crate::ui::components::week_review::WeekReview;
use crate::domain::draft_keys;
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, loaded, save_docs, upsert, use_storage, DocList, Loading};
use leptos::prelude::*;

#[component]
pub fn GoalsPage() -> impl IntoView {
    platform::set_title("Goals");
    let storage = use_storage();
    let goals = RwSignal::new(Loading::<DocList<Goal>>::Pending);
    let reviews = RwSignal::new(Loading::<DocList<Review>>::Pending);
    let values = RwSignal::new(Loading::<DocList<Values>>::Pending);
    let progress = RwSignal::new(Loading::<DocList<Progress>>::Pending);
    load_docs_into(storage, goals);
    load_docs_into(storage, reviews);
    load_docs_into(storage, values);
    load_docs_into(storage, progress);
    let now = platform::now();
    let week_start = Memo::new(move |_| loaded(progress).first().map(|p| p.week_start).unwrap_or_default());
    let week = Memo::new(move |_| Week::current(now, week_start.get()));
    let ready = Memo::new(move |_| [goals.with(is_pending), reviews.with(is_pending), values.with(is_pending), progress.with(is_pending)].iter().all(|p| !p));
    let failure = move || goals.with(|g| if let Loading::Failed(m) = g { Some(m.clone()) } else { None });
    // The goal form's draft lives here: a card's "Edit" fills it.
    let draft = use_draft::<GoalDraft>(draft_keys::GOAL);
    let problem = RwSignal::new(None::<String>);
    let edit = move |g: Goal| {
        let busy = draft.value.with_untracked(|d| !d.is_blank() && d.editing.as_deref() != Some(g.header.id.as_str()));
        if busy {
            problem.set(Some("Save or cancel the goal you are writing first — its words are kept.".into()));
        } else {
            problem.set(None);
            draft.edit(platform::now_ms(), |d| *d = GoalDraft::from_goal(&g));
            draft.replaced.notify();
            focus_soon("goal-title");
        }
    };
    let on_saved = Callback::new(move |saved: Vec<Goal>| upsert(goals, &saved));

    let set_week_start = move |start: WeekStart| {
        let now = platform::now();
        let next = Progress::or_new(loaded(progress).first(), now).with_week_start(start, now);
        let save = save_docs(storage, vec![next], Vec::new());
        leptos::task::spawn_local(async move {
            match save.await {
                Ok(saved) => upsert(progress, &saved),
                Err(m) => {
                    problem.try_set(Some(m));
                }
            }
        });
    };

    view! {
        <div class="page goals">
            <h1>"Goals"</h1>
            <p class="goals__week">{move || format!("This week: {}", week.get().label())}</p>
            <p class="goals__values link-line">{link("/values", None, "My values")}</p>
            {move || failure().map(|m| view! { <p class="notice" role="alert">{m}</p> })}
            <p role="alert" class="goals__problem">{move || problem.get()}</p>
            {move || ready.get().then(|| view! {
                <GoalForm draft goals values week on_saved />
                {move || loaded(goals).into_iter().filter(|g| g.extra.contains_key("_conflicts")).map(|g| {
                    view! { <ConflictChoice id=g.header.id.clone() what="A goal" /> }
                }).collect_view()}
                <GoalBoard goals week on_edit=Callback::new(edit) />
                <WeekReview goals reviews week />
            })}
            <section class="card goals__settings" aria-labelledby="week-start-title">
                <h2 id="week-start-title">"Your week"</h2>
                <div class="field">
                    <label for="week-start">"My week starts on"</label>
                    <select id="week-start" on:change=move |ev| {
                        if let Some(start) = WeekStart::parse(&event_target_value(&ev)) {
                            set_week_start(start)
                        }
                    }>
                        {WeekStart::ALL.into_iter().map(|w| view! {
                            <option value=w.as_str() selected=move || week_start.get() == w>{w.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
            </section>
        </div>
    }
}

fn is_pending<T>(l: &Loading<T>) -> bool {
    matches!(l, Loading::Pending)
}

/// Focuses an element once the view has caught up with a change (the element may not exist yet).
pub fn focus_soon(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || platform::focus_by_id(&id));
}

/// Words announced after a goal moves, for people who cannot see the board change.
pub fn moved_message(goal: &Goal, to: Column) -> String {
    format!("Moved “{}” to {}.", goal.title, to.heading())
}
