//! The facilitators' shell (facilitator.html, `bin/facilitator.rs`): the participants' header and
//! bottom navigation around the facilitator's routes. Every other path is the participants' app,
//! which `link` reaches with a full page load; a mistyped path under /facilitator is "Page not found".

use super::app::{is_facilitator_path, BottomNav, Header, OwnPaths};
use super::routes::facilitator::FacilitatorPage;
use super::routes::facilitator_groups::FacilitatorGroupsPage;
use super::routes::not_found::NotFound;
use super::storage::{provide_storage, use_storage, AppStore};
use super::sync::provide_sync;
use crate::store::StoreError;
use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

#[component]
pub fn FacilitatorApp(
    /// The result of opening local storage, done before mounting.
    opened: Result<AppStore, StoreError>,
) -> impl IntoView {
    provide_storage(opened);
    provide_sync(use_storage());
    provide_context(OwnPaths(is_facilitator_path));
    view! {
        <Router>
            <Header />
            <main id="main" tabindex="-1">
                <FlatRoutes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/facilitator") view=FacilitatorPage />
                    <Route path=path!("/facilitator/groups") view=FacilitatorGroupsPage />
                </FlatRoutes>
            </main>
            <BottomNav />
        </Router>
    }
}
