//! Group: a placeholder that say plainly what is coming.

use crate::ui::platform;
use leptos::prelude::*;

fn coming(title: &'static str, intro: &'static str, points: &'static [&'static str]) -> impl IntoView {
    platform::set_title(title);
    view! {
        <div class="page coming-soon">
            <h1>{title}</h1>
            <p class="notice">"Coming soon. "{intro}</p>
            <ul class="plain-list">{points.iter().map(|p| view! { <li>{*p}</li> }).collect_view()}</ul>
        </div>
    }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    coming("Group", "A small, steady group that notices each other.", &[
        "The group's agreed norms.",
        "Check-in rounds and a rotating peer leader.",
        "Reactions, milestones and session attendance.",
    ])
}
