//! "Changed on two devices": when the same part of a document was edited differently on two
//! devices, both versions are kept and the person chooses, part by part. Nothing is lost meanwhile:
//! the other version stays stored until they choose. Each version says when it was saved, the most
//! recent first, and nothing is chosen for them: "Keep my choices" with a part not yet chosen says
//! so and takes them to it.

use crate::domain::merge::{apply_choices, versions, FieldConflict};
use crate::store::{Op, Store};
use crate::sync::conflicts::{settle, Settlement};
use crate::ui::platform;
use crate::ui::routes::partner::element_id;
use crate::ui::storage::use_storage;
use crate::ui::sync::use_sync;
use leptos::prelude::*;
use serde_json::Value;

/// A field's name as the form shows it.
fn field_label(field: &str) -> &str {
    match field {
        "how_i_feel" => "How I feel",
        "win" => "A win",
        "challenge" => "A challenge",
        "note" => "Note",
        "title" => "Goal title",
        "why" => "Why it matters",
        "steps" => "Steps",
        "due" => "Due day",
        "status" => "Where it is on the board",
        "audience" => "Who sees this",
        "ranked" => "Your values, in order",
        "own" => "Your own values",
        "outcome" => "How did it go?",
        "helped" => "What helped",
        "in_the_way" => "What got in the way",
        "sober_since" => "Sober since",
        "week_start" => "My week starts on",
        "text" => "Your words",
        other => other,
    }
}

fn shown(value: &Option<Value>) -> String {
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) | Some(Value::Null) | None => "(left empty)".into(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        Some(other) => crate::json_text::print(other),
    }
}

/// What to choose for one document, once loaded.
#[derive(Clone)]
struct Choice {
    fields: Vec<FieldConflict>,
    merged: Value,
    losers: Vec<String>,
}

#[component]
pub fn ConflictChoice(
    /// The document with conflicting versions.
    id: String,
    /// What the document is, in a few words ("Today's check-in").
    what: &'static str,
) -> impl IntoView {
    let storage = use_storage();
    let sync = use_sync();
    let choice = RwSignal::new(None::<Choice>);
    // Per field: `None` until chosen, then `Some(true)` = keep the other version's value.
    let picks = RwSignal::new(Vec::<Option<bool>>::new());
    let problem = RwSignal::new(None::<String>);
    let base_id = element_id("conflict", &id);
    let load_id = id.clone();
    leptos::task::spawn_local(async move {
        let Ok(store) = storage.store() else { return };
        if let Ok(states) = store.doc_states(&[load_id]).await {
            if let Some(Settlement::Choose { fields, merged, losers }) = states.first().map(settle) {
                picks.try_set(vec![None; fields.len()]);
                choice.try_set(Some(Choice { fields, merged, losers }));
            }
        }
    });
    let first_option = {
        let base_id = base_id.clone();
        move |i: usize| format!("{base_id}-{i}-0")
    };
    let keep = move || {
        let Some(Choice { fields, merged, losers }) = choice.get_untracked() else { return };
        let doc = match apply_choices(&merged, &fields, &picks.get_untracked()) {
            Ok(doc) => doc,
            Err(i) => {
                // Nothing is chosen for the person: say which part waits, and take them there.
                let part = fields.get(i).map(|f| field_label(&f.field)).unwrap_or_default();
                problem.set(Some(format!("Choose which words to keep for “{part}” — both versions are kept until you do.")));
                platform::focus_by_id(&first_option(i));
                return;
            }
        };
        leptos::task::spawn_local(async move {
            let result = match storage.store() {
                Ok(store) => store.apply(vec![Op::ResolveConflict { doc, losers }]).await.map(drop).map_err(|e| e.user_message()),
                Err(e) => Err(e.user_message()),
            };
            match result {
                Ok(()) => {
                    choice.try_set(None);
                    // The question (and its button) goes away and the screen shows the kept words:
                    // focus goes to the screen's content, not lost to the page.
                    crate::ui::routes::goals::focus_soon("main");
                    // Screens reload what they show; sync pushes the choice.
                    sync.arrivals.try_update(|n| *n += 1);
                    sync.changed();
                }
                Err(m) => {
                    problem.try_set(Some(m));
                }
            }
        })
    };

    move || {
        choice.get().map(|c| {
            let options = c.fields.iter().enumerate().map(|(i, f)| {
                let name = format!("{base_id}-{i}");
                let choices = versions(f, platform::offset_at).into_iter().enumerate().map(|(n, v)| {
                    let other = v.is_other;
                    view! {
                        <label class="conflict__option">
                            <input type="radio" id=format!("{name}-{n}") name=name.clone()
                                on:change=move |_| {
                                    picks.update(|p| if let Some(x) = p.get_mut(i) { *x = Some(other) });
                                    problem.set(None);
                                }/>
                            <span class="conflict__version">
                                <span>{shown(&v.value)}</span>
                                <span class="conflict__saved">{v.saved}</span>
                            </span>
                        </label>
                    }
                }).collect_view();
                view! {
                    <fieldset class="conflict__field">
                        <legend>{field_label(&f.field).to_owned()}</legend>
                        {choices}
                    </fieldset>
                }
            }).collect_view();
            view! {
                <section class="card conflict" role="region" aria-label="Changed on two devices">
                    <h2>"Changed on two devices"</h2>
                    <p>{format!("{what} was changed differently on two of your devices. Both versions are kept until you choose which words to keep for each part.")}</p>
                    {options}
                    <button type="button" class="primary" on:click={
                        let keep = keep.clone();
                        move |_| keep()
                    }>"Keep my choices"</button>
                    <p role="alert">{move || problem.get()}</p>
                </section>
            }
        })
    }
}
