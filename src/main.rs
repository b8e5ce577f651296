//! The browser entry point: open local storage, then mount the app (also when storage failed,
//! so that the crisis screen always works).

fn main() {
    std::panic::set_hook(Box::new(|info| tandem::ui::platform::report_panic(&info.to_string())));
    // Not leptos::task::spawn_local: its executor is set up by mount, which has not run yet.
    wasm_bindgen_futures::spawn_local(async {
        let opened = tandem::ui::storage::open_store().await;
        leptos::mount::mount_to_body(move || leptos::view! { <tandem::ui::app::App opened /> });
    });
}
