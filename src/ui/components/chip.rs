//! A toggle shown as a chip: a real checkbox with a visible label, so it has a name, a state and
//! keyboard support for free.

use leptos::prelude::*;

#[component]
pub fn Chip(
    /// The visible label, which is also the checkbox's accessible name.
    #[prop(into)]
    label: String,
    /// Whether it is ticked.
    #[prop(into)]
    checked: Signal<bool>,
    /// Called with the change event's timeStamp.
    on_toggle: impl Fn(f64) + 'static,
) -> impl IntoView {
    view! {
        <label class="chip">
            <input type="checkbox" prop:checked=move || checked.get() on:change=move |ev| on_toggle(ev.time_stamp()) />
            <span>{label}</span>
        </label>
    }
}
