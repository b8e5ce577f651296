//! Saved check-ins, newest first (today's first, while it can still be edited).

use crate::domain::checkin::CheckIn;
use crate::domain::time::LocalDay;
use leptos::prelude::*;

#[component]
pub fn CheckInHistory(
    /// Check-ins, newest first.
    #[prop(into)]
    checkins: Signal<Vec<CheckIn>>,
    /// The person's today.
    today: LocalDay,
) -> impl IntoView {
    view! {
        <section class="checkin-history" aria-labelledby="checkin-history-title">
            <h2 id="checkin-history-title">"Check-in history"</h2>
            {move || checkins.with(Vec::is_empty).then(|| view! { <p class="empty">"Your saved check-ins will be listed here."</p> })}
            <ul aria-label="Check-in history" class="history">
                {move || checkins.with(|list| list.iter().map(|c| item(c, today)).collect_view())}
            </ul>
        </section>
    }
}

fn item(c: &CheckIn, today: LocalDay) -> impl IntoView {
    let day = if c.day == today { format!("Today, {}", c.day.short_label()) } else { c.day.short_label() };
    let line = |label: &'static str, text: &str| (!text.is_empty()).then(|| view! { <p><strong>{label}": "</strong>{text.to_owned()}</p> });
    view! {
        <li class="history__item">
            <div class="history__body">
                <p class="history__head"><time datetime=c.day.to_string()>{day}</time>
                    {c.mood.map(|m| format!(" · mood {}", m.get()))}</p>
                {line("How I feel", &c.how_i_feel)}
                {line("A win", &c.win)}
                {line("A challenge", &c.challenge)}
                <p class="audience">{c.header.audience.label()}</p>
            </div>
        </li>
    }
}
