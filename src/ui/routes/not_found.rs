use crate::ui::platform;
use leptos::prelude::*;
use crate::ui::app::link;

#[component]
pub fn NotFound() -> impl IntoView {
    platform::set_title("Page not found");
    view! {
        <div class="page not-found">
            <h1>"Page not found"</h1>
            <p>"This page doesn't exist in Tandem."</p>
            <p class="link-line">{link("/", None, "Go to Today")}</p>
        </div>
    }
}
