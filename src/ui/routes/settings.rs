//! Settings: the sync account. Signing in keeps the server address and username on this device;
//! the password goes to the server once and is never stored. Signing out keeps everything here.

use crate::sync::account::{sign_in, sign_out};
use crate::sync::protocol::SyncError;
use crate::ui::components::save_status::{FormProblems, Saves, SubmitButton};
use crate::ui::fetch_transport::FetchTransport;
use crate::ui::platform;
use crate::ui::storage::use_storage;
use crate::ui::sync::{use_sync, Account};
use leptos::prelude::*;

/// What to say when signing in failed; `online` is whether the device has a connection at all.
fn sign_in_problem(server: &str, e: &SyncError, online: bool) -> String {
    match e {
        SyncError::Unauthorized => "That username and password didn't work. Check them and try again.".into(),
        SyncError::Offline(_) if !online => "You're offline. Sign in once you have a connection; everything you write is kept on this device meanwhile.".into(),
        SyncError::Offline(_) => format!("Couldn't reach {server}. Check the address and your connection, then try again."),
        SyncError::NotFound(_) | SyncError::BadResponse(_) => format!("{server} doesn't look like a sync server. Check the address."),
        other => format!("Signing in failed ({other}). Try again in a moment."),
    }
}

/// The field that fixes a failed sign-in, if one does: the address, or the password to type again.
fn sign_in_field(e: &SyncError, online: bool) -> Option<&'static str> {
    match e {
        SyncError::Unauthorized => Some("password"),
        SyncError::Offline(_) if !online => None,
        SyncError::Offline(_) | SyncError::NotFound(_) | SyncError::BadResponse(_) => Some("server"),
        _ => None,
    }
}

/// A server address people can type: `http(s)://host[:port]`, without a trailing slash.
fn checked_server(text: &str) -> Result<String, String> {
    let text = text.trim().trim_end_matches('/');
    let ok = (text.starts_with("https://") || text.starts_with("http://")) && text.len() > "https://".len() && !text.contains(char::is_whitespace);
    if ok {
        Ok(text.to_owned())
    } else {
        Err("Enter the server address your program gave you, starting with https://".into())
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    platform::set_title("Settings");
    let storage = use_storage();
    let sync = use_sync();
    let server = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    // Which field a failed sign-in names (the message says why): marked, and focused.
    let problems = FormProblems::new();
    // The form shows the signed-in account: at once (a render effect's first run is immediate), or,
    // opened first (a reload here), when the account has been read from the device just after the
    // app opens. A render effect, as in storage.rs.
    let fill = RenderEffect::new(move |_: Option<()>| {
        if let Some(a) = sync.account.get() {
            if server.with_untracked(String::is_empty) && username.with_untracked(String::is_empty) {
                server.set(a.server);
                username.set(a.username);
            }
        }
    });
    on_cleanup(move || drop(fill));

    // One counter for both buttons: either disables them while it runs.
    let saves = Saves::new();
    let sign_in_action = move || saves.run(async move {
        let result = async {
            let address = checked_server(&server.get_untracked()).map_err(|m| (m, Some("server")))?;
            let name = username.get_untracked().trim().to_owned();
            if name.is_empty() || password.with_untracked(String::is_empty) {
                return Err(("Enter your username and password.".to_owned(), Some(if name.is_empty() { "username" } else { "password" })));
            }
            let transport = FetchTransport::new(&address);
            let online = crate::ui::sync::is_online();
            let user = sign_in(&transport, &name, &password.get_untracked()).await.map_err(|e| (sign_in_problem(&address, &e, online), sign_in_field(&e, online)))?;
            sync.signed_in(storage, Account { server: address, username: user.name, roles: user.roles }).await.map_err(|m| (m, None))
        }
        .await;
        // The password is only needed for this one request.
        password.try_set(String::new());
        message.try_set(Some(match result {
            Ok(()) => {
                problems.clear();
                "Signed in. Your entries will sync whenever you're online.".into()
            }
            Err((problem, field)) => {
                problems.refuse(&[problem.clone()], |_| field.map(str::to_owned));
                problem
            }
        }));
    });
    let sign_out_action = move || saves.run(async move {
        if let Some(account) = sync.account.get_untracked() {
            // Best effort: signed out here even if the server cannot be reached.
            let _ = sign_out(&FetchTransport::new(&account.server)).await;
        }
        let result = sync.signed_out(storage).await;
        message.try_set(Some(match result {
            Ok(()) => "Signed out. Everything you saved stays on this device.".into(),
            Err(problem) => problem,
        }));
    });
    let busy = move || saves.pending();
    let signed_in_as = move || sync.account.get().map(|a| format!("Signed in as {} on {}", a.username, a.server));

    view! {
        <div class="page settings">
            <h1>"Settings"</h1>
            <section class="card" aria-labelledby="sync-heading">
                <h2 id="sync-heading">"Sync"</h2>
                <p class="settings__lead">"Sync keeps your entries on your program's server too, so they are safe if you lose this phone and are on your other devices. Without it, everything stays on this device only."</p>
                <p class="settings__account">{move || signed_in_as().unwrap_or_else(|| "Not signed in.".into())}</p>
                <p class="settings__status">{move || sync.status.get().text()}</p>
                <form class="settings__form" on:submit=move |ev| {
                    ev.prevent_default();
                    sign_in_action();
                }>
                    <label for="server">"Server address"</label>
                    <input id="server" type="url" inputmode="url" autocomplete="url" autocapitalize="off" spellcheck="false"
                        aria-invalid=problems.invalid("server") aria-describedby=move || problems.names("server").then_some("settings-message")
                        placeholder="https://" prop:value=move || server.get() on:input=move |ev| server.set(event_target_value(&ev)) />
                    <label for="username">"Username"</label>
                    <input id="username" type="text" autocomplete="username" autocapitalize="off" spellcheck="false"
                        aria-invalid=problems.invalid("username") aria-describedby=move || problems.names("username").then_some("settings-message")
                        prop:value=move || username.get() on:input=move |ev| username.set(event_target_value(&ev)) />
                    <label for="password">"Password"</label>
                    <input id="password" type="password" autocomplete="current-password"
                        aria-invalid=problems.invalid("password") aria-describedby=move || problems.names("password").then_some("settings-message")
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                    <div class="settings__actions">
                        <SubmitButton label="Sign in" busy=Signal::derive(busy) />
                        <button type="button" class="secondary" disabled=move || busy() || sync.account.with(Option::is_none)
                            on:click=move |_| sign_out_action()>"Sign out"</button>
                    </div>
                </form>
                <p class="settings__message" id="settings-message" role="alert">{move || message.get()}</p>
            </section>
            <Reminders />
        </div>
    }
}

/// Reminders for partner check-ins: notifications once the person allows them, else a badge.
#[component]
fn Reminders() -> impl IntoView {
    let allowed = RwSignal::new(platform::notifications_allowed());
    // The browser said no (blocked before, dismissed, or no notifications at all): pressing again
    // would do nothing, so say what would.
    let refused = RwSignal::new(false);
    view! {
        <section class="card" aria-labelledby="reminders-heading">
            <h2 id="reminders-heading">"Reminders"</h2>
            <p>{move || if allowed.get() {
                "Tandem reminds you with a notification when a partner check-in is due (never for one you've done, and not at night)."
            } else {
                "When a partner check-in is due, a dot shows on Partner. Allow notifications to be reminded even when you're on another screen or app."
            }}</p>
            {move || (!allowed.get()).then(|| view! {
                <button type="button" class="secondary" on:click=move |_| platform::ask_for_notifications(move |ok| {
                    allowed.try_set(ok);
                    refused.try_set(!ok);
                })>"Allow reminders"</button>
            })}
            <p role="status">{move || refused.get().then_some(
                "This browser did not allow notifications for Tandem. You can allow them in the browser's settings for this site; until then, the dot on Partner shows when a check-in is due."
            )}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_server_is_told_apart_from_being_offline() {
        let unreachable = SyncError::Offline(crate::sync::transport::TransportError::Unreachable("fetch failed".into()));
        assert!(sign_in_problem("https://a.example", &unreachable, false).starts_with("You're offline."));
        assert!(sign_in_problem("https://a.example", &unreachable, true).contains("Couldn't reach https://a.example"));
    }

    #[test]
    fn server_addresses_are_checked_and_tidied() {
        assert_eq!(checked_server(" https://couch.example.org/ "), Ok("https://couch.example.org".into()));
        assert_eq!(checked_server("http://127.0.0.1:47183"), Ok("http://127.0.0.1:47183".into()));
        assert!(checked_server("couch.example.org").is_err());
        assert!(checked_server("https://").is_err());
        assert!(checked_server("https://a b").is_err());
    }
}
