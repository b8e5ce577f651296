//! Facilitator › Groups (work in progress).

use crate::ui::platform;
use leptos::prelude::*;

#[component]
pub fn FacilitatorGroupsPage() -> impl IntoView {
    platform::set_title("Groups");
    view! { <div class="page facilitator-groups"><h1>"Groups"</h1></div> }
}
