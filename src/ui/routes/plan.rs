//! "My safety plan": the six steps of the Stanley–Brown model and my reasons for living, kept as
//! a draft on every keystroke. Private. Its people show with one tap to call wherever I reach out
//! in a bad moment.

use crate::domain::doc::Audience;
use crate::domain::safety_plan::{save_plan, SafetyPlan, SafetyPlanText, STEPS};
use crate::domain::time::hhmm_at;
use crate::ui::app::link;
use crate::ui::components::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::ui::draft::use_draft_then;
use crate::ui::platform;
use crate::ui::storage::{load_docs, save_docs, use_storage};
use leptos::prelude::*;

#[component]
pub fn PlanPage() -> impl IntoView {
    platform::set_title("My safety plan");
    let storage = use_storage();
    let saved = RwSignal::new(None::<SafetyPlan>);
    let problems = FormProblems::new();
    let draft = use_draft_then::<SafetyPlanText>(
        "safety-plan",
        Box::new(move |draft| {
            leptos::task::spawn_local(async move {
                let stored = load_docs::<SafetyPlan>(storage).await.ok().and_then(|l| l.docs.into_iter().next());
                if draft.value.try_with_untracked(SafetyPlanText::is_blank) == Some(true) {
                    if let Some(p) = &stored {
                        draft.replace(p.text.clone());
                    }
                }
                saved.try_set(stored);
            });
        }),
    );
    let saves = Saves::new();
    let save = move |submitted: SafetyPlanText| {
        let now = platform::now();
        let plan = match save_plan(saved.get_untracked().as_ref(), &submitted, now) {
            Ok(p) => p,
            // Each too-long step is named by its heading: the person is taken to the first.
            Err(ps) => return problems.refuse(&ps, |p| STEPS.iter().find(|(_, heading, _)| *heading == p.0.field).map(|(field, _, _)| format!("plan-{field}"))),
        };
        let write = save_docs(storage, vec![plan], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(mut docs) => {
                    problems.clear();
                    let at = docs.first().map(|p| hhmm_at(p.header.updated_at, now.utc_offset_minutes)).unwrap_or_default();
                    saved.set(docs.pop());
                    draft.after_save(&submitted, false, at);
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let status = Memo::new(move |_| {
        let same = saved.with(|s| s.as_ref().is_some_and(|p| draft.value.with(|d| STEPS.iter().all(|(f, _, _)| d.get(f).trim() == p.text.get(f)))));
        let at = saved.with(|s| s.as_ref().map(|p| hhmm_at(p.header.updated_at, platform::now().utc_offset_minutes)));
        status_of(draft.write.get(), draft.value.with(SafetyPlanText::is_blank), if same { at } else { None })
    });

    view! {
        <div class="page plan">
            <h1>"My safety plan"</h1>
            <p>"A plan for hard moments, made while things are calmer. Work through it with your clinician if you can. Only you see it."</p>
            <form class="card" on:submit=move |ev| {
                ev.prevent_default();
                save(draft.value.get_untracked());
            }>
                {STEPS.iter().map(|(field, heading, hint)| {
                    let id = format!("plan-{field}");
                    let hint_id = format!("{id}-hint");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{*heading}</label>
                            <p class="hint" id=hint_id.clone()>{*hint}</p>
                            <textarea id=id.clone() rows="3" aria-invalid=problems.invalid(id.clone()) aria-describedby=problems.described(id, Some(hint_id))
                                prop:value=move || { draft.replaced.track(); draft.value.with_untracked(|d| d.get(field).to_owned()) }
                                prop:disabled=move || !draft.ready.get()
                                on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| d.set(field, v)) } />
                        </div>
                    }
                }).collect_view()}
                <p class="audience">"Who sees this: " <strong>{Audience::Private.label()}</strong></p>
                <FormFooter label="Save plan" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
            </form>
            <p class="link-line">{link("/help", None, "Open the crisis screen")}</p>
        </div>
    }
}
