//! Today: mood in two taps, the daily check-in, and the check-ins saved so far.

use crate::domain::checkin::CheckIn;
use crate::ui::components::checkin_form::CheckInForm;
use crate::ui::components::checkin_history::CheckInHistory;
use crate::ui::components::conflict_choice::ConflictChoice;
use crate::ui::components::milestones::Milestones;
use crate::ui::components::quick_mood::QuickMood;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, use_storage, DocList, Loading};
use leptos::prelude::*;

#[component]
pub fn TodayPage() -> impl IntoView {
    platform::set_title("Today");
    let today = platform::now().local_day();
    let checkins = RwSignal::new(Loading::<DocList<CheckIn>>::Pending);
    load_docs_into(use_storage(), checkins);
    // The form is made once, when loading ends (also if it failed: typing must always work).
    let loaded = Memo::new(move |_| checkins.with(|c| !matches!(c, Loading::Pending)));
    let failure = move || checkins.with(|c| if let Loading::Failed(m) = c { Some(m.clone()) } else { None });
    let on_checkin = Callback::new(move |saved: CheckIn| {
        checkins.update(|c| {
            if let Loading::Ready(l) = c {
                l.docs.retain(|x| x.header.id != saved.header.id);
                l.docs.push(saved);
            }
        })
    });
    let todays = Memo::new(move |_| checkins.with(|c| match c {
        Loading::Ready(l) => l.docs.iter().find(|x| x.day == today).cloned(),
        _ => None,
    }));
    let history = Signal::derive(move || {
        let mut all = checkins.with(|c| if let Loading::Ready(l) = c { l.docs.clone() } else { Vec::new() });
        crate::domain::order::sort_by(&mut all, |a, b| b.day.cmp(&a.day));
        all
    });

    view! {
        <div class="page today">
            <h1>"Today"</h1>
            <p class="today__date">{today.short_label()}</p>
            <section class="card" aria-label="Mood">
                <QuickMood />
            </section>
            <section class="card">
                {move || failure().map(|m| view! { <p class="notice" role="alert">{m}</p> })}
                {move || if loaded.get() {
                    let saved = checkins.with_untracked(|c| match c {
                        Loading::Ready(l) => l.docs.iter().find(|x| x.day == today).cloned(),
                        _ => None,
                    });
                    view! { <CheckInForm saved today on_saved=on_checkin latest=todays /> }.into_any()
                } else {
                    view! { <p class="loading">"Opening your check-in…"</p> }.into_any()
                }}
            </section>
            <Milestones checkins today />
            {move || checkins.with(|c| match c {
                Loading::Ready(l) => l.docs.iter().find(|x| x.day == today && x.extra.contains_key("_conflicts")).map(|x| x.header.id.clone()),
                _ => None,
            }).map(|id| view! { <ConflictChoice id what="Today's check-in" /> })}
            <CheckInHistory checkins=history today />
        </div>
    }
}
