//! The people from my safety plan, each with one tap to call: shown on the crisis screen and when
//! I press "I'm struggling", then a link to the whole plan ("Make a safety plan" while it has no one).

use crate::domain::safety_plan::SafetyPlan;
use crate::ui::app::link;
use crate::ui::storage::{load_docs_into, loaded, use_storage, DocList, Loading};
use leptos::prelude::*;

#[component]
pub fn PlanContacts() -> impl IntoView {
    let plans = RwSignal::new(Loading::<DocList<SafetyPlan>>::Pending);
    load_docs_into(use_storage(), plans);
    move || {
        let contacts = loaded(plans).first().map(|p| p.text.contacts()).unwrap_or_default();
        if contacts.is_empty() {
            view! { <p class="plan-contacts__none">"People from your safety plan will show here. "{link("/plan", None, "Make a safety plan")}</p> }.into_any()
        } else {
            view! {
                <ul class="plan-contacts" aria-label="My people">
                    {contacts.into_iter().map(|c| match c.tel_href() {
                        Some(href) => view! { <li><a class="help__action" href=href>{format!("Call {}", c.name)}</a></li> }.into_any(),
                        None => view! { <li>{c.name}</li> }.into_any(),
                    }).collect_view()}
                </ul>
                <p class="link-line">{link("/plan", None, "My safety plan")}</p>
            }.into_any()
        }
    }
}
