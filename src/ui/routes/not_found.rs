use crate::ui::platform;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    platform::set_title("Page not found");
    view! {
        <div class="page not-found">
            <h1>"Page not found"</h1>
            <p>"This page doesn't exist in Tandem."</p>
            <p><A href="/">"Go to Today"</A></p>
        </div>
    }
}
