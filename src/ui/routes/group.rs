//! Group: the member's view of their peer-led group (work in progress).

use crate::ui::platform;
use leptos::prelude::*;

#[component]
pub fn GroupPage() -> impl IntoView {
    platform::set_title("Group");
    view! { <div class="page group"><h1>"Group"</h1></div> }
}
