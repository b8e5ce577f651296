//! The participants' shell (`App`, index.html): header with "Get help now", the routes, and the
//! bottom navigation. The facilitators' screens are a second app (`facilitator_app.rs`,
//! facilitator.html, its own wasm) with the same header and navigation, so that participants' phones
//! never download or compile them: it took about 58 KB brotli off the participants' app.
//! A link to a path the other app renders is a full page load (`rel="external"`; see `link`).

use super::platform;
use super::routes::group::GroupPage;
use super::routes::partner::PartnerPage;
use super::routes::partner_change::PartnerChangePage;
use super::routes::questionnaire::QuestionnairePage;
use super::routes::plan::PlanPage;
use super::routes::goals::GoalsPage;
use super::routes::values::ValuesPage;
use super::routes::help::HelpPage;
use super::routes::mood::MoodPage;
use super::routes::not_found::NotFound;
use super::routes::settings::SettingsPage;
use super::routes::today::TodayPage;
use super::components::partner_reminder::PartnerReminder;
use super::components::urgent_banner::UrgentBanner;
use super::storage::{open_store, provide_storage, use_storage, AppStore};
use super::sync::{provide_sync, use_sync};
use crate::sync::status::SyncStatus;
use crate::store::StoreError;
use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::hooks::use_location;
use leptos_router::path;

/// The browser entry point of either app: open local storage, then mount the app (also when
/// storage failed, so that the crisis screen always works).
pub fn start<V: IntoView + 'static>(app: fn(Result<AppStore, StoreError>) -> V) {
    std::panic::set_hook(Box::new(|info| platform::report_panic(&info.to_string())));
    // Not leptos::task::spawn_local: its executor is set up by mount, which has not run yet.
    wasm_bindgen_futures::spawn_local(async move {
        let opened = open_store().await;
        leptos::mount::mount_to_body(move || app(opened));
    });
}

/// Which paths an app's own router renders. `link` marks a link to any other path
/// `rel="external"`, so the router lets the browser load the app that renders it.
#[derive(Clone, Copy)]
pub struct OwnPaths(pub fn(&str) -> bool);

/// The facilitators' app's paths: `/facilitator` and everything below it.
pub fn is_facilitator_path(path: &str) -> bool {
    path.strip_prefix("/facilitator").is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[component]
pub fn App(
    /// The result of opening local storage, done before mounting.
    opened: Result<AppStore, StoreError>,
) -> impl IntoView {
    provide_storage(opened);
    provide_sync(use_storage());
    provide_context(OwnPaths(|path| !is_facilitator_path(path)));
    view! {
        <Router>
            <Header />
            <UrgentBanner />
            <PartnerReminder />
            <main id="main" tabindex="-1">
                // FlatRoutes, not Routes: every route is top-level, and the nested router's
                // machinery (outlets, nested matching, per-level async) cost 10.7 KB brotli.
                <FlatRoutes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=TodayPage />
                    <Route path=path!("/mood") view=MoodPage />
                    <Route path=path!("/goals") view=GoalsPage />
                    <Route path=path!("/values") view=ValuesPage />
                    <Route path=path!("/partner") view=PartnerPage />
                    <Route path=path!("/partner/change") view=PartnerChangePage />
                    <Route path=path!("/partner/questionnaire") view=QuestionnairePage />
                    <Route path=path!("/plan") view=PlanPage />
                    <Route path=path!("/group") view=GroupPage />
                    <Route path=path!("/help") view=HelpPage />
                    <Route path=path!("/settings") view=SettingsPage />
                </FlatRoutes>
            </main>
            <BottomNav />
        </Router>
    }
}

/// Moves focus to the screen's content. Following `#main` would only scroll: the router takes the
/// click, and focus stayed on the link, so the next Tab went back to the header.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    platform::focus_by_id("main");
}

/// The top of every screen of both apps: skip link, header with "Get help now", sync status and
/// a storage problem.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>"Skip to content"</a>
        <header class="app-header">
            {link("/", Some("app-header__brand"), "Tandem")}
            <FacilitatorLink />
            {link("/settings", Some("app-header__settings"), "Settings")}
            {link("/help", Some("app-header__help"), "Get help now")}
        </header>
        <SyncStatusLine />
        <StorageProblem />
    }
}

/// The bottom navigation of both apps.
#[component]
pub fn BottomNav() -> impl IntoView {
    view! {
        <nav class="bottom-nav" aria-label="Main">
            {link("/", None, "Today")}
            {link("/mood", None, "Mood")}
            {link("/goals", None, "Goals")}
            {link("/partner", None, "Partner")}
            {link("/group", None, "Group")}
        </nav>
    }
}

/// Sync at a glance, on every screen, once an account is set up.
#[component]
fn SyncStatusLine() -> impl IntoView {
    let sync = use_sync();
    view! {
        <p class="sync-status" role="status" hidden=move || sync.status.with(|s| *s == SyncStatus::NotSignedIn)>
            {move || if sync.status.with(|s| *s == SyncStatus::SignInAgain) {
                // One tap to where signing in happens.
                link("/settings", None, "Sign in again").into_any()
            } else {
                sync.status.with(SyncStatus::text).into_any()
            }}
        </p>
    }
}

/// "Facilitator", for accounts with that role only.
#[component]
fn FacilitatorLink() -> impl IntoView {
    let sync = use_sync();
    move || sync.account.with(|a| a.as_ref().is_some_and(|a| a.is_facilitator())).then(|| link("/facilitator", Some("app-header__settings"), "Facilitator"))
}

/// Said once, at the top, when this device's storage could not be opened.
#[component]
fn StorageProblem() -> impl IntoView {
    let problem = use_storage().store().err();
    problem.map(|e| {
        view! {
            <div class="storage-problem" role="alert">
                <p>{e.user_message()}</p>
                <p>"Copy anything you typed before you try again."</p>
                <button type="button" class="secondary" on:click=|_| platform::reload()>"Try again"</button>
            </div>
        }
    })
}

/// A link to a page of the app, with `aria-current="page"` while that page is shown: what
/// leptos_router's `<A>` renders for Tandem's links (absolute, no target), without its relative-path
/// resolution, boxed children and attribute spreading. The router still handles the click.
/// `/` is current only on Today itself; any other link also on the pages below it. A link to a
/// path the other app renders is `rel="external"`: the browser loads that app.
pub fn link(href: &'static str, class: Option<&'static str>, label: &'static str) -> impl IntoView {
    let external = use_context::<OwnPaths>().is_some_and(|own| !(own.0)(href)).then_some("external");
    let pathname = use_location().pathname;
    let current = move || {
        let below = |path: &str| href != "/" && path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/'));
        pathname.with(|path| path == href || below(path)).then_some("page")
    };
    view! { <a href=href class=class rel=external aria-current=current>{label}</a> }
}

#[cfg(test)]
mod tests {
    use super::is_facilitator_path;

    #[test]
    fn the_facilitators_app_renders_facilitator_and_below_only() {
        assert!(is_facilitator_path("/facilitator"));
        assert!(is_facilitator_path("/facilitator/"));
        assert!(is_facilitator_path("/facilitator/groups"));
        assert!(!is_facilitator_path("/facilitators"));
        assert!(!is_facilitator_path("/"));
        assert!(!is_facilitator_path("/partner"));
        assert!(!is_facilitator_path("/help/facilitator"));
    }
}
