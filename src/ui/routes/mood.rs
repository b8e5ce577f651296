//! Mood: log a mood, see the trend and the history.

use crate::domain::mood::{known_tags, sort_newest_first, MoodEntry};
use crate::ui::components::mood_chart::MoodChart;
use crate::ui::components::mood_form::MoodForm;
use crate::ui::components::mood_history::MoodHistory;
use crate::ui::platform;
use crate::ui::storage::{load_docs_then, use_storage, DocList};
use leptos::prelude::*;

#[component]
pub fn MoodPage() -> impl IntoView {
    platform::set_title("Mood");
    let storage = use_storage();
    let today = platform::now().local_day();
    let entries = RwSignal::new(Vec::<MoodEntry>::new());
    let unreadable = RwSignal::new(0usize);
    let load_error = RwSignal::new(None::<String>);
    // Loaded straight into the list (a save then shows at once, without reading everything again),
    // and again when sync brings entries. No `Loading` signal and `Effect` to copy it across.
    load_docs_then::<MoodEntry>(storage, move |loaded| match loaded {
        Ok(DocList { mut docs, unreadable: bad, .. }) => {
            sort_newest_first(&mut docs);
            entries.try_set(docs);
            unreadable.try_set(bad);
        }
        Err(e) => {
            load_error.try_set(Some(e.user_message()));
        }
    });
    let tags = Signal::derive(move || entries.with(|e| known_tags(e)));
    let on_saved = Callback::new(move |entry: MoodEntry| entries.update(|list| list.insert(0, entry)));

    view! {
        <div class="page mood">
            <h1>"Mood"</h1>
            {move || load_error.get().map(|m| view! { <p class="notice" role="alert">{m}</p> })}
            {move || (unreadable.get() > 0).then(|| view! {
                <p class="notice">{format!("{} saved moods couldn't be read and are left as they were. Updating Tandem may fix this.", unreadable.get())}</p>
            })}
            <section class="card">
                <MoodForm known_tags=tags on_saved />
            </section>
            <section class="card">
                <MoodChart entries=entries today />
            </section>
            <MoodHistory entries=entries />
        </div>
    }
}
