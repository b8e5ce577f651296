//! Mood: log a mood, see the trend and the history.

use crate::domain::mood::{known_tags, sort_newest_first, MoodEntry};
use crate::ui::components::mood_chart::MoodChart;
use crate::ui::components::mood_form::MoodForm;
use crate::ui::components::mood_history::MoodHistory;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, use_storage, DocList, Loading};
use leptos::prelude::*;

#[component]
pub fn MoodPage() -> impl IntoView {
    platform::set_title("Mood");
    let storage = use_storage();
    let today = platform::now().local_day();
    let loaded = RwSignal::new(Loading::<DocList<MoodEntry>>::Pending);
    load_docs_into(storage, loaded);
    let entries = RwSignal::new(Vec::<MoodEntry>::new());
    let unreadable = RwSignal::new(0usize);
    let load_error = RwSignal::new(None::<String>);
    // Keep the list in its own signal so a save shows at once, without reading everything again.
    Effect::new(move |_| match loaded.get() {
        Loading::Ready(DocList { mut docs, unreadable: bad }) => {
            sort_newest_first(&mut docs);
            entries.set(docs);
            unreadable.set(bad);
        }
        Loading::Failed(m) => load_error.set(Some(m)),
        Loading::Pending => {}
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
