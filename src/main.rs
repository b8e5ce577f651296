//! The participants' app (index.html). The facilitators' is `bin/facilitator.rs`.

fn main() {
    tandem::ui::app::start(|opened| leptos::view! { <tandem::ui::app::App opened /> });
}
