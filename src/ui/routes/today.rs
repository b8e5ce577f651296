//! Today: mood in two taps, the daily check-in, and the check-ins saved so far.

use crate::domain::checkin::{checkin_id, CheckIn};
use crate::domain::doc::decode;
use crate::domain::mood::MoodEntry;
use crate::store::{Store, StoreError};
use crate::ui::components::checkin_form::CheckInForm;
use crate::ui::components::checkin_history::CheckInHistory;
use crate::ui::components::quick_mood::QuickMood;
use crate::ui::platform;
use crate::ui::storage::{load_docs, use_storage, AppStorage};
use leptos::prelude::*;

/// Today's saved check-in, if any (read by id, so it is quick however long the history).
async fn todays_checkin(storage: AppStorage, id: String) -> Result<Option<CheckIn>, StoreError> {
    let Ok(store) = storage.store() else { return Ok(None) };
    match store.get_doc(&id).await? {
        Some(v) => Ok(decode::<CheckIn>(&v).ok()),
        None => Ok(None),
    }
}

#[component]
pub fn TodayPage() -> impl IntoView {
    platform::set_title("Today");
    let storage = use_storage();
    let now = platform::now();
    let today = now.local_day();
    let refresh = RwSignal::new(0u32);
    let todays = LocalResource::new(move || todays_checkin(storage, checkin_id(today)));
    let history = LocalResource::new(move || {
        refresh.track();
        async move {
            let mut list = load_docs::<CheckIn>(storage).await.map(|l| l.docs).unwrap_or_default();
            list.sort_by(|a, b| b.day.cmp(&a.day));
            list
        }
    });
    let on_checkin = Callback::new(move |_: CheckIn| refresh.update(|n| *n += 1));
    let on_mood = Callback::new(move |_: MoodEntry| {});

    view! {
        <div class="page today">
            <h1>"Today"</h1>
            <p class="today__date">{today.short_label()}</p>
            <section class="card" aria-label="Mood">
                <QuickMood on_saved=on_mood />
            </section>
            <section class="card">
                <Transition fallback=|| view! { <p class="loading">"Opening your check-in…"</p> }>
                    <ErrorBoundary fallback=|errors| view! { <p role="alert">{move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join(" ")}</p> }>
                        {move || Suspend::new(async move {
                            todays.await.map(|saved| view! { <CheckInForm saved today on_saved=on_checkin /> })
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
            <section class="card coming-soon" aria-labelledby="today-soon">
                <h2 id="today-soon">"Partner and group"</h2>
                <p>"Your partner's latest check-in and your group's open round will show here once you're paired and in a group."</p>
            </section>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = history.await;
                    view! { <CheckInHistory checkins=list today /> }
                })}
            </Transition>
        </div>
    }
}
