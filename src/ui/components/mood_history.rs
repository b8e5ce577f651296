//! The list named "Mood history", newest first.

use crate::domain::mood::MoodEntry;
use leptos::prelude::*;

const PAGE: usize = 50;

#[component]
pub fn MoodHistory(
    /// Entries, newest first.
    entries: RwSignal<Vec<MoodEntry>>,
) -> impl IntoView {
    let shown = RwSignal::new(PAGE);
    view! {
        <section class="mood-history" aria-labelledby="mood-history-title">
            <h2 id="mood-history-title">"Mood history"</h2>
            {move || entries.with(|all| all.is_empty()).then(|| view! {
                <p class="empty">"No moods yet. When you log one, it appears here."</p>
            })}
            <ul aria-label="Mood history" class="history">
                {move || entries.with(|all| all.iter().take(shown.get()).map(entry_view).collect_view())}
            </ul>
            {move || (entries.with(Vec::len) > shown.get()).then(|| view! {
                <button type="button" class="secondary" on:click=move |_| shown.update(|n| *n += PAGE)>"Show older moods"</button>
            })}
        </section>
    }
}

fn entry_view(e: &MoodEntry) -> impl IntoView {
    let when = format!("{}, {}", e.day.short_label(), e.local_time);
    let emotions = (!e.emotions.is_empty()).then(|| view! { <p class="history__emotions">{e.emotions.join(", ")}</p> });
    let tags = (!e.tags.is_empty()).then(|| {
        view! {
            <ul class="history__tags" aria-label="Tags">
                {e.tags.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    let note = (!e.note.is_empty()).then(|| view! { <p class="history__note">{e.note.clone()}</p> });
    view! {
        <li class="history__item">
            <span class="history__score" aria-hidden="true" data-score=e.score.get()>{e.score.get()}</span>
            <div class="history__body">
                <p class="history__head"><strong>{e.score.spoken()}</strong>" · "<time datetime=e.header.created_at.to_rfc3339()>{when}</time></p>
                {emotions}
                {tags}
                {note}
                <p class="audience">{e.header.audience.label()}</p>
            </div>
        </li>
    }
}
