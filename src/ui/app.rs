//! The shell: header with "Get help now", the routes, and the bottom navigation.

use super::platform;
use super::routes::coming_soon::{GoalsPage, GroupPage, PartnerPage};
use super::routes::help::HelpPage;
use super::routes::mood::MoodPage;
use super::routes::not_found::NotFound;
use super::routes::settings::SettingsPage;
use super::routes::today::TodayPage;
use super::storage::{provide_storage, use_storage, AppStore};
use super::sync::{provide_sync, use_sync};
use crate::sync::status::SyncStatus;
use crate::store::StoreError;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

#[component]
pub fn App(
    /// The result of opening local storage, done before mounting.
    opened: Result<AppStore, StoreError>,
) -> impl IntoView {
    provide_storage(opened);
    provide_sync(use_storage());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="app-header">
                <A href="/" exact=true attr:class="app-header__brand">"Tandem"</A>
                <A href="/settings" attr:class="app-header__settings">"Settings"</A>
                <A href="/help" attr:class="app-header__help">"Get help now"</A>
            </header>
            <SyncStatusLine />
            <StorageProblem />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=TodayPage />
                    <Route path=path!("/mood") view=MoodPage />
                    <Route path=path!("/goals") view=GoalsPage />
                    <Route path=path!("/partner") view=PartnerPage />
                    <Route path=path!("/group") view=GroupPage />
                    <Route path=path!("/help") view=HelpPage />
                    <Route path=path!("/settings") view=SettingsPage />
                </Routes>
            </main>
            <nav class="bottom-nav" aria-label="Main">
                <A href="/" exact=true>"Today"</A>
                <A href="/mood">"Mood"</A>
                <A href="/goals">"Goals"</A>
                <A href="/partner">"Partner"</A>
                <A href="/group">"Group"</A>
            </nav>
        </Router>
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
                view! { <A href="/settings">{SyncStatus::SignInAgain.text()}</A> }.into_any()
            } else {
                sync.status.with(SyncStatus::text).into_any()
            }}
        </p>
    }
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
