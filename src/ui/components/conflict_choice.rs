//! "Changed on two devices": when the same part of a document was edited differently on two
//! devices, both versions are kept and the person chooses, part by part. Nothing is lost meanwhile:
//! the other version stays stored until they choose.

use crate::domain::merge::FieldConflict;
use crate::store::{Op, Store};
use crate::sync::conflicts::{settle, Settlement};
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
    // Per field: true = keep the other version's value.
    let take_other = RwSignal::new(Vec::<bool>::new());
    let problem = RwSignal::new(None::<String>);
    let load_id = id.clone();
    leptos::task::spawn_local(async move {
        let Ok(store) = storage.store() else { return };
        if let Ok(states) = store.doc_states(&[load_id]).await {
            if let Some(Settlement::Choose { fields, merged, losers }) = states.first().map(settle) {
                take_other.try_set(vec![false; fields.len()]);
                choice.try_set(Some(Choice { fields, merged, losers }));
            }
        }
    });
    let keep = move || leptos::task::spawn_local(async move {
        let Some(Choice { fields, mut merged, losers }) = choice.try_get_untracked().flatten() else { return };
        let picks = take_other.try_get_untracked().unwrap_or_default();
        for (field, other) in fields.iter().zip(picks) {
            let value = if other { field.other.clone() } else { field.winner.clone() };
            if let Some(obj) = merged.as_object_mut() {
                match value {
                    Some(v) => obj.insert(field.field.clone(), v),
                    None => obj.remove(&field.field),
                };
            }
        }
        let result = match storage.store() {
            Ok(store) => store.apply(vec![Op::ResolveConflict { doc: merged, losers }]).await.map(drop).map_err(|e| e.user_message()),
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
    });

    move || {
        choice.get().map(|c| {
            let options = c.fields.iter().enumerate().map(|(i, f)| {
                let name = format!("conflict-{id}-{i}");
                view! {
                    <fieldset class="conflict__field">
                        <legend>{field_label(&f.field).to_owned()}</legend>
                        <label class="conflict__option">
                            <input type="radio" name=name.clone() checked=true
                                on:change=move |_| take_other.update(|t| if let Some(x) = t.get_mut(i) { *x = false })/>
                            <span>{shown(&f.winner)}</span>
                        </label>
                        <label class="conflict__option">
                            <input type="radio" name=name
                                on:change=move |_| take_other.update(|t| if let Some(x) = t.get_mut(i) { *x = true })/>
                            <span>{shown(&f.other)}</span>
                        </label>
                    </fieldset>
                }
            }).collect_view();
            view! {
                <section class="card conflict" role="region" aria-label="Changed on two devices">
                    <h2>"Changed on two devices"</h2>
                    <p>{format!("{what} was changed differently on two of your devices. Both versions are kept until you choose which words to keep for each part.")}</p>
                    {options}
                    <button type="button" class="primary" on:click=move |_| keep()>"Keep my choices"</button>
                    <p role="alert">{move || problem.get()}</p>
                </section>
            }
        })
    }
}
