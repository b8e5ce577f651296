//! "New goal" and the goal form: title, why it matters (one of my values), steps, a due day in the
//! week and who sees it. Kept as a draft on every keystroke; "Save goal" makes or updates the goal.

use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::doc::Audience;
use crate::domain::goal::{save_goal, Goal, GoalDraft, GoalProblem, GOAL_TYPE};
use crate::domain::time::hhmm_at;
use crate::domain::values::Values;
use crate::domain::week::Week;
use crate::ui::draft::UseDraftReturn;
use crate::ui::platform;
use crate::ui::routes::goals::focus_soon;
use crate::ui::storage::{loaded, save_docs, use_storage, DocList, Loading};
use leptos::prelude::*;

const AUDIENCES: [(Audience, &str); 4] = [
    (Audience::Private, "Only me"),
    (Audience::Partner, "My partner"),
    (Audience::Group, "My group"),
    (Audience::Facilitator, "My facilitator"),
];

#[component]
pub fn GoalForm(
    draft: UseDraftReturn<GoalDraft>,
    goals: RwSignal<Loading<DocList<Goal>>>,
    values: RwSignal<Loading<DocList<Values>>>,
    week: Memo<Week>,
    on_saved: Callback<Vec<Goal>>,
) -> impl IntoView {
    let storage = use_storage();
    let problems = FormProblems::new();
    let saves = Saves::new();
    let editing = move || draft.value.with(|d| d.editing.clone()).and_then(|id| loaded(goals).into_iter().find(|g| g.header.id == id));
    // The goal's own week when editing; this week for a new goal.
    let form_week = Memo::new(move |_| editing().map(|g| Week::containing(g.week, week.get().week_start())).unwrap_or_else(|| week.get()));
    let save = move |submitted: GoalDraft| {
        let now = platform::now();
        let result = save_goal(editing().as_ref(), &submitted, week.get_untracked().start(), now, || platform::new_id(GOAL_TYPE, now));
        let goal = match result {
            Ok(goal) => goal,
            Err(ps) => {
                // Listed at the end; the person is taken to the first thing to fix.
                problems.refuse(&ps, |p| {
                    let id = match p {
                        GoalProblem::NoTitle => "goal-title",
                        GoalProblem::TooManySteps { .. } => "goal-steps",
                        GoalProblem::DueOutsideWeek => "goal-due",
                        GoalProblem::TooLong(t) => match t.field {
                            "Why it matters" => "goal-why",
                            "A step" => "goal-steps",
                            _ => "goal-title",
                        },
                        GoalProblem::Gone => return None,
                    };
                    Some(id.to_owned())
                });
                return;
            }
        };
        let write = save_docs(storage, vec![goal], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(saved) => {
                    problems.clear();
                    let at = saved.first().map(|g| hhmm_at(g.header.updated_at, now.utc_offset_minutes)).unwrap_or_default();
                    draft.after_save(&submitted, true, at);
                    on_saved.try_run(saved);
                    focus_soon("new-goal");
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let confirm_delete = RwSignal::new(false);
    let delete = move || {
        let Some(id) = draft.value.with_untracked(|d| d.editing.clone()) else { return };
        let store = storage.store();
        let clear = draft.delete_op();
        let sync = use_context::<crate::ui::sync::SyncContext>();
        saves.run(async move {
            let result = match store {
                Ok(store) => crate::store::Store::apply(&*store, vec![crate::store::Op::DeleteDoc(id.clone()), clear]).await.map_err(|e| e.user_message()),
                Err(e) => Err(e.user_message()),
            };
            match result {
                Ok(_) => {
                    confirm_delete.set(false);
                    problems.clear();
                    goals.update(|l| if let Loading::Ready(l) = l { l.docs.retain(|g| g.header.id != id) });
                    draft.replace(GoalDraft::default());
                    if let Some(sync) = sync {
                        sync.changed();
                    }
                    focus_soon("new-goal");
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    // Editing a goal and not (yet) changing it: it says when the goal was saved, not "Not saved yet".
    let status = Memo::new(move |_| {
        let unchanged = editing().filter(|g| draft.value.with(|d| *d == GoalDraft::from_goal(g)));
        let at = unchanged.map(|g| hhmm_at(g.header.updated_at, platform::now().utc_offset_minutes));
        status_of(draft.write.get(), draft.value.with(GoalDraft::is_blank), at)
    });
    let open = move || draft.value.with(|d| d.open || !d.is_blank());
    let value_options = move || {
        let mut names: Vec<String> = loaded(values).first().map(|v| v.ranked.clone()).unwrap_or_default();
        let current = draft.value.with(|d| d.why.clone());
        if !current.is_empty() && !names.contains(&current) {
            names.push(current);
        }
        names
    };

    view! {
        <section class="card goal-form-card" aria-labelledby="goal-form-title">
            {move || if open() {
                view! {
                    <form class="goal-form" aria-labelledby="goal-form-title" on:submit=move |ev| {
                        ev.prevent_default();
                        save(draft.value.get_untracked());
                    }>
                        <h2 id="goal-form-title">{move || if draft.value.with(|d| d.editing.is_some()) { "Edit goal" } else { "New goal" }}</h2>
                        <div class="field">
                            <label for="goal-title">"Goal title"</label>
                            <p class="hint" id="goal-title-hint">"Something you can do this week, said simply — “Call my sister”."</p>
                            <input id="goal-title" type="text" autocomplete="off"
                                aria-invalid=problems.invalid("goal-title") aria-describedby=problems.described("goal-title", Some("goal-title-hint".into()))
                                prop:value=draft.text(|d| &d.title)
                                prop:disabled=move || !draft.ready.get()
                                on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.title = v) } />
                        </div>
                        <div class="field">
                            <label for="goal-why">"Why it matters"</label>
                            <select id="goal-why" aria-invalid=problems.invalid("goal-why") aria-describedby=problems.described("goal-why", None) on:change=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.why = v) }>
                                <option value="" selected=move || draft.value.with(|d| d.why.is_empty())>"Not linked to a value"</option>
                                {move || value_options().into_iter().map(|name| {
                                    let chosen = name.clone();
                                    view! { <option value=name.clone() selected=move || draft.value.with(|d| d.why == chosen)>{name.clone()}</option> }
                                }).collect_view()}
                            </select>
                            {move || value_options().is_empty().then(|| view! {
                                <p class="hint">"Choose what matters to you under My values, then link goals to it."</p>
                            })}
                        </div>
                        <div class="field">
                            <label for="goal-steps">"Steps (optional, one per line)"</label>
                            <textarea id="goal-steps" rows="3" aria-invalid=problems.invalid("goal-steps") aria-describedby=problems.described("goal-steps", None)
                                prop:value=draft.text(|d| &d.steps)
                                prop:disabled=move || !draft.ready.get()
                                on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.steps = v) } />
                        </div>
                        <div class="field">
                            <label for="goal-due">"Due day"</label>
                            <select id="goal-due" aria-invalid=problems.invalid("goal-due") aria-describedby=problems.described("goal-due", None) on:change=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.due = v) }>
                                <option value="" selected=move || draft.value.with(|d| d.due.is_empty())>"No due day"</option>
                                {move || form_week.get().days().into_iter().map(|day| {
                                    let value = day.to_string();
                                    let chosen = value.clone();
                                    view! { <option value=value selected=move || draft.value.with(|d| d.due == chosen)>{day.short_label()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <fieldset class="field audience-choice">
                            <legend>"Who sees this"</legend>
                            {AUDIENCES.into_iter().map(|(audience, label)| view! {
                                <label class="radio">
                                    <input type="radio" name="goal-audience"
                                        prop:checked=move || draft.value.with(|d| d.audience == audience)
                                        on:change=move |ev| draft.edit(ev.time_stamp(), |d| d.audience = audience) />
                                    <span>{label}</span>
                                </label>
                            }).collect_view()}
                            <p class="hint">"Shared goals reach your partner or group once you have one; until then they stay on your devices."</p>
                        </fieldset>
                        <FormFooter label="Save goal" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
                        <button type="button" class="secondary" on:click=move |ev| {
                            problems.clear();
                            draft.edit(ev.time_stamp(), |d| *d = GoalDraft::default());
                            draft.replaced.notify();
                            focus_soon("new-goal");
                        }>"Cancel"</button>
                        {move || draft.value.with(|d| d.editing.is_some()).then(|| if confirm_delete.get() {
                            view! {
                                <div class="goal-form__delete" role="group" aria-label="Delete this goal?">
                                    <p>"Delete this goal? This cannot be undone."</p>
                                    <button type="button" class="secondary" on:click=move |_| delete()>"Yes, delete this goal"</button>
                                    <button type="button" class="secondary" on:click=move |_| confirm_delete.set(false)>"Keep it"</button>
                                </div>
                            }.into_any()
                        } else {
                            view! { <button type="button" class="secondary" on:click=move |_| confirm_delete.set(true)>"Delete goal"</button> }.into_any()
                        })}
                    </form>
                }.into_any()
            } else {
                view! {
                    <h2 id="goal-form-title" class="visually-hidden">"New goal"</h2>
                    <button type="button" id="new-goal" class="primary" prop:disabled=move || !draft.ready.get() on:click=move |ev| {
                        draft.edit(ev.time_stamp(), |d| d.open = true);
                        focus_soon("goal-title");
                    }>"New goal"</button>
                }.into_any()
            }}
        </section>
    }
}
