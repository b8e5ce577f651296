//! The crisis lines, compiled into the app so they show with no network: on the crisis screen, and
//! wherever someone reaches out in a bad moment ("I'm struggling"), so a peer is never the only
//! help offered.

use crate::domain::crisis::CRISIS_LINES;
use leptos::prelude::*;

#[component]
pub fn CrisisLines(
    /// The level of each line's heading (2 on the crisis screen, 3 inside a section).
    #[prop(default = 2)]
    level: u8,
) -> impl IntoView {
    view! {
        <ul class="help__lines" aria-label="Crisis lines">
            {CRISIS_LINES.iter().map(|line| {
                let heading = format!("{} — {}", line.name, line.region);
                view! {
                    <li class="help__line">
                        {if level == 2 { view! { <h2>{heading}</h2> }.into_any() } else { view! { <h3>{heading}</h3> }.into_any() }}
                        <p>{line.about}</p>
                        <div class="help__actions">
                            {line.contacts.iter().map(|c| {
                                let external = c.href.starts_with("https://");
                                view! {
                                    <a class="help__action" href=c.href
                                        target=external.then_some("_blank")
                                        rel=external.then_some("noopener noreferrer")>{c.label}</a>
                                }
                            }).collect_view()}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
