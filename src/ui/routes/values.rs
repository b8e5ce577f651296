//! My values: choose what matters from a list or in your own words, and rank it. Goals link to
//! these ("Why it matters"); peers' prompts come back to them.

use crate::domain::draft_keys;
use crate::domain::time::hhmm_at;
use crate::domain::values::{save_values, Values, ValuesDraft};
use crate::ui::app::link;
use crate::ui::components::chip::Chip;
use crate::ui::components::conflict_choice::ConflictChoice;
use crate::ui::components::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::ui::draft::use_draft_then;
use crate::ui::platform;
use crate::ui::storage::{load_docs, save_docs, use_storage};
use leptos::prelude::*;

#[component]
pub fn ValuesPage() -> impl IntoView {
    platform::set_title("My values");
    let storage = use_storage();
    let saved = RwSignal::new(None::<Values>);
    let problems = FormProblems::new();
    let add_problem = RwSignal::new(None::<String>);
    // With no draft, the form starts from what is saved.
    let draft = use_draft_then::<ValuesDraft>(
        draft_keys::VALUES,
        Box::new(move |draft| {
            leptos::task::spawn_local(async move {
                let stored = load_docs::<Values>(storage).await.ok().and_then(|l| l.docs.into_iter().next());
                if draft.value.try_with_untracked(|d| *d == ValuesDraft::default()) == Some(true) {
                    if let Some(v) = &stored {
                        draft.replace(ValuesDraft::from_saved(v));
                    }
                }
                saved.try_set(stored);
            });
        }),
    );
    let saves = Saves::new();
    let save = move |submitted: ValuesDraft| {
        let now = platform::now();
        let doc = save_values(saved.get_untracked().as_ref(), &submitted, now);
        let write = save_docs(storage, vec![doc], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(mut docs) => {
                    problems.clear();
                    let at = docs.first().map(|v| hhmm_at(v.header.updated_at, now.utc_offset_minutes)).unwrap_or_default();
                    saved.set(docs.pop());
                    draft.after_save(&submitted, false, at);
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let add = move |t: f64| {
        let mut next = draft.value.get_untracked();
        match next.add_own(platform::lowercase) {
            Ok(_) => {
                add_problem.set(None);
                draft.edit(t, |d| *d = next);
                draft.replaced.notify();
            }
            Err(p) => add_problem.set(Some(p.to_string())),
        }
    };
    let saved_at = Memo::new(move |_| saved.with(|s| s.as_ref().map(|v| hhmm_at(v.header.updated_at, platform::now().utc_offset_minutes))));
    let status = Memo::new(move |_| {
        let same = draft.value.with(|d| d.matches(saved.with(|s| s.clone()).as_ref()));
        status_of(draft.write.get(), draft.value.with(|d| d.ranked.is_empty()), if same { saved_at.get() } else { None })
    });

    view! {
        <div class="page values">
            <h1>"My values"</h1>
            <p>"What matters most to you? Choose a few, put them in order, and link your goals to them."</p>
            {move || saved.with(|s| s.as_ref().filter(|v| v.extra.contains_key("_conflicts")).map(|v| v.header.id.clone()))
                .map(|id| view! { <ConflictChoice id what="Your values" /> })}
            <form class="card values-form" aria-labelledby="values-choose" on:submit=move |ev| {
                ev.prevent_default();
                save(draft.value.get_untracked());
            }>
                <fieldset class="field chips">
                    <legend id="values-choose">"Choose your values"</legend>
                    {move || draft.value.with(ValuesDraft::offered).into_iter().map(|value| {
                        let (name, toggled) = (value.clone(), value.clone());
                        view! {
                            <Chip label=value
                                checked=Signal::derive(move || draft.value.with(|d| d.ranked.contains(&name)))
                                on_toggle=move |t| draft.edit(t, |d| d.toggle(&toggled)) />
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field add-tag">
                    <label for="own-value">"Add your own value"</label>
                    <div class="add-tag__row">
                        <input id="own-value" type="text" autocomplete="off" enterkeyhint="done"
                            prop:value=draft.text(|d| &d.own_input)
                            on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.own_input = v) }
                            on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(ev.time_stamp()) } />
                        <button type="button" class="secondary" on:click=move |ev| add(ev.time_stamp())>"Add value"</button>
                    </div>
                    {move || add_problem.get().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
                </div>
                <h2 id="ranking-title">"In order of importance"</h2>
                {move || draft.value.with(|d| d.ranked.is_empty()).then(|| view! { <p class="hint">"Values you choose appear here, most important first."</p> })}
                <ol class="ranking" aria-labelledby="ranking-title">
                    {move || {
                        let ranked = draft.value.with(|d| d.ranked.clone());
                        let last = ranked.len().saturating_sub(1);
                        ranked.into_iter().enumerate().map(|(i, value)| {
                            let (up, down) = (value.clone(), value.clone());
                            view! {
                                <li class="ranking__item">
                                    <span class="ranking__name">{value.clone()}</span>
                                    <button type="button" class="secondary" aria-label=format!("Move {value} up") prop:disabled=i == 0
                                        on:click=move |ev| { draft.edit(ev.time_stamp(), |d| d.shift(&up, true)) }>"↑"</button>
                                    <button type="button" class="secondary" aria-label=format!("Move {value} down") prop:disabled=i == last
                                        on:click=move |ev| { draft.edit(ev.time_stamp(), |d| d.shift(&down, false)) }>"↓"</button>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                <FormFooter label="Save values" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
            </form>
            <p class="link-line">{link("/goals", None, "Back to Goals")}</p>
        </div>
    }
}
