//! Settings: the sync account. Signing in keeps the server address and username on this device;
//! the password goes to the server once and is never stored. Signing out keeps everything here:
//! with changes that have not reached the server yet, it first says so and asks. Only the person
//! whose entries this device holds can sign in on it (signing in as someone else would send those
//! entries into that account).

use crate::sync::account::{sign_in, sign_out};
use crate::sync::protocol::SyncError;
use crate::ui::components::save_status::{FormProblems, Saves, SubmitButton};
use crate::ui::fetch_transport::FetchTransport;
use crate::sync::status::SyncStatus;
use crate::ui::platform;
use crate::ui::routes::goals::focus_soon;
use crate::ui::storage::{use_storage, AppStorage};
use crate::ui::sync::{use_sync, Account, SyncContext};
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

/// Signing in as someone other than the person whose entries this device holds would send those
/// entries (private ones included) into the other account: refused, saying what to do instead.
fn other_account_problem(holder: Option<&str>, name: &str) -> Option<String> {
    let holder = holder.filter(|h| *h != name)?;
    Some(format!("This device holds {holder}'s entries, so only {holder} can sign in here: signing in as {name} would send them to {name}'s account. {name} can use Tandem in another browser or on another phone."))
}

/// "1 change hasn't" / "3 changes haven't"; `None`: the count could not be read.
fn changes_not_sent(waiting: Option<usize>) -> String {
    match waiting {
        Some(1) => "1 change hasn't".into(),
        Some(n) => format!("{n} changes haven't"),
        None => "Some changes may not have".into(),
    }
}

/// Asked before signing out when changes have not reached the server.
fn sign_out_question(waiting: Option<usize>, username: &str) -> String {
    let (they, are) = if waiting == Some(1) { ("it stays", "is") } else { ("they stay", "are") };
    format!("{} reached the server yet. If you sign out now, nothing is deleted: {they} on this device only, and {are} sent when you sign in again as {username}.", changes_not_sent(waiting))
}

/// Said once signed out; `waiting`: the changes not on the server, if any.
fn signed_out_message(waiting: Option<usize>, username: &str) -> String {
    match waiting {
        Some(0) => "Signed out. Everything you saved stays on this device.".into(),
        Some(1) => format!("Signed out. Everything you saved stays on this device. The change that hasn't reached the server is sent when you sign in again as {username}."),
        Some(n) => format!("Signed out. Everything you saved stays on this device. The {n} changes that haven't reached the server are sent when you sign in again as {username}."),
        None => format!("Signed out. Everything you saved stays on this device; anything not yet on the server is sent when you sign in again as {username}."),
    }
}

/// Under "Sign in again": why, and that nothing written is lost.
fn session_ended(waiting: Option<usize>) -> String {
    let kept = match waiting {
        Some(0) => String::new(),
        Some(1) => " 1 change is waiting and is sent once you're signed in.".into(),
        Some(n) => format!(" {n} changes are waiting and are sent once you're signed in."),
        None => " Anything waiting is sent once you're signed in.".into(),
    };
    format!("The server has ended your session: it does after a while, or when your password changes. Enter your password and press “Sign in” to carry on syncing. Everything you write is kept on this device meanwhile.{kept}")
}

/// Signs out here (and on the server, if it can be reached), then says what that did and moves
/// focus to those words: the button pressed is gone.
async fn sign_out_now(sync: SyncContext, storage: AppStorage, message: RwSignal<Option<String>>, problems: FormProblems, waiting: Option<usize>) {
    let Some(account) = sync.account.get_untracked() else { return };
    // Best effort: signed out here even if the server cannot be reached.
    let _ = sign_out(&FetchTransport::new(&account.server)).await;
    let result = sync.signed_out(storage).await;
    // The message is about signing out now: no field is left marked by an earlier sign-in.
    problems.clear();
    message.try_set(Some(match result {
        Ok(()) => signed_out_message(waiting, &account.username),
        Err(problem) => problem,
    }));
    focus_soon("settings-message");
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
            let holder = sync.holder(storage).await.map_err(|m| (m, None))?;
            if let Some(problem) = other_account_problem(holder.as_deref(), &name) {
                return Err((problem, Some("username")));
            }
            let transport = FetchTransport::new(&address);
            let online = crate::ui::sync::is_online();
            let user = sign_in(&transport, &name, &password.get_untracked()).await.map_err(|e| (sign_in_problem(&address, &e, online), sign_in_field(&e, online)))?;
            // The name the server knows is the one that counts.
            if let Some(problem) = other_account_problem(holder.as_deref(), &user.name) {
                let _ = sign_out(&transport).await;
                return Err((problem, Some("username")));
            }
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
    // Some(n): signing out was asked for while n changes had not reached the server; the person
    // chooses "Stay signed in" or "Sign out anyway".
    let asking = RwSignal::new(None::<Option<usize>>);
    let sign_out_action = move || {
        if saves.pending() {
            return;
        }
        saves.run(async move {
            let waiting = sync.waiting(storage).await.ok();
            if waiting == Some(0) {
                sign_out_now(sync, storage, message, problems, waiting).await;
            } else {
                message.try_set(None);
                asking.try_set(Some(waiting));
                focus_soon("stay-signed-in");
            }
        })
    };
    let stay = move |_| {
        asking.set(None);
        focus_soon("sign-out");
    };
    let sign_out_anyway = move |_| {
        if asking.with_untracked(Option::is_none) || saves.pending() {
            return;
        }
        saves.run(async move {
            // Counted again: some may have reached the server while the question was up.
            let waiting = sync.waiting(storage).await.ok();
            sign_out_now(sync, storage, message, problems, waiting).await;
            asking.try_set(None);
        })
    };
    // While the server asks to sign in again: how many changes wait for it.
    let waiting_now = RwSignal::new(None::<usize>);
    let count = RenderEffect::new(move |_: Option<()>| {
        if sync.status.with(|s| *s == SyncStatus::SignInAgain) {
            leptos::task::spawn_local(async move {
                let n = sync.waiting(storage).await.ok();
                waiting_now.try_set(n);
            });
        }
    });
    on_cleanup(move || drop(count));
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
                {move || sync.status.with(|s| *s == SyncStatus::SignInAgain).then(|| view! {
                    <p class="notice" id="session-ended">{move || session_ended(waiting_now.get())}</p>
                })}
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
                        // Only while signed in; aria-disabled, not disabled, while busy (focus stays).
                        {move || sync.account.with(Option::is_some).then(|| view! {
                            <button type="button" class="secondary" id="sign-out" aria-disabled=move || busy().then_some("true")
                                on:click=move |_| sign_out_action()>"Sign out"</button>
                        })}
                    </div>
                </form>
                {move || asking.get().map(|waiting| view! {
                    <div class="notice settings__confirm" role="group" aria-labelledby="sign-out-question">
                        <p id="sign-out-question">{sign_out_question(waiting, &sync.account.with(|a| a.as_ref().map(|a| a.username.clone()).unwrap_or_default()))}</p>
                        <div class="settings__actions">
                            <button type="button" class="primary" id="stay-signed-in" on:click=stay>"Stay signed in"</button>
                            <button type="button" class="secondary" aria-disabled=move || busy().then_some("true") on:click=sign_out_anyway>"Sign out anyway"</button>
                        </div>
                    </div>
                })}
                <p class="settings__message" id="settings-message" tabindex="-1" role="alert">{move || message.get()}</p>
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
    fn only_the_person_whose_entries_the_device_holds_signs_in_on_it() {
        assert_eq!(other_account_problem(None, "sam"), None, "no one has signed in here yet");
        assert_eq!(other_account_problem(Some("sam"), "sam"), None);
        let refused = other_account_problem(Some("alex"), "sam").unwrap_or_default();
        assert!(refused.starts_with("This device holds alex's entries, so only alex can sign in here"), "{refused}");
        assert!(other_account_problem(Some("alex"), "Alex").is_some(), "CouchDB's names are case-sensitive");
    }

    #[test]
    fn signing_out_says_what_happens_to_changes_not_yet_sent() {
        assert_eq!(sign_out_question(Some(2), "alex"), "2 changes haven't reached the server yet. If you sign out now, nothing is deleted: they stay on this device only, and are sent when you sign in again as alex.");
        assert_eq!(sign_out_question(Some(1), "alex"), "1 change hasn't reached the server yet. If you sign out now, nothing is deleted: it stays on this device only, and is sent when you sign in again as alex.");
        assert!(sign_out_question(None, "alex").starts_with("Some changes may not have reached"));
        assert_eq!(signed_out_message(Some(0), "alex"), "Signed out. Everything you saved stays on this device.");
        assert!(signed_out_message(Some(3), "alex").ends_with("The 3 changes that haven't reached the server are sent when you sign in again as alex."));
        assert!(session_ended(Some(1)).ends_with(" 1 change is waiting and is sent once you're signed in."));
        assert!(session_ended(Some(0)).ends_with("kept on this device meanwhile."));
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
