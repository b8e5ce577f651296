//! The crisis screen. Everything here is compiled into the app, so it works with no network.

use crate::domain::crisis::{CRISIS_LINES, EMERGENCY_NOTE};
use crate::ui::platform;
use leptos::prelude::*;

#[component]
pub fn HelpPage() -> impl IntoView {
    platform::set_title("Get help now");
    view! {
        <div class="page help">
            <h1>"Get help now"</h1>
            <p class="help__lead">"You don't have to go through this alone. Free, confidential help is available right now."</p>
            <p class="help__emergency" role="note">{EMERGENCY_NOTE}</p>
            <ul class="help__lines" aria-label="Crisis lines">
                {CRISIS_LINES.iter().map(|line| {
                    let heading = format!("{} — {}", line.name, line.region);
                    view! {
                        <li class="help__line">
                            <h2>{heading}</h2>
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
            <p class="help__footer">"These numbers are saved in Tandem and show even without a connection."</p>
        </div>
    }
}
