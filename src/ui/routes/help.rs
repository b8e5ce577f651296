//! The crisis screen. Everything here is compiled into the app, so it works with no network.

use crate::domain::crisis::EMERGENCY_NOTE;
use crate::ui::components::crisis_lines::CrisisLines;
use crate::ui::components::plan_contacts::PlanContacts;
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
            <CrisisLines />
            <section class="help__mine" aria-labelledby="help-mine">
                <h2 id="help-mine">"My people"</h2>
                // Its own link to the plan: "Make a safety plan", or "My safety plan" under the people.
                <PlanContacts />
            </section>
            <p class="help__footer">"These numbers are saved in Tandem and show even without a connection."</p>
        </div>
    }
}
