//! The sync runner: one background task per app that keeps this device's store and the person's
//! database on the server in step, and the status everyone sees.
//!
//! Loop: push, pull, then wait for the server's next change with a long-poll. It starts again at
//! once when something is saved here (the long-poll is aborted), when the network comes back and
//! when the app becomes visible again; it pauses while the app is hidden. After an error it waits
//! with exponential backoff and jitter. A 401 stops it until the person signs in again; the app
//! keeps working on this device meanwhile and nothing is lost.

use super::fetch_transport::FetchTransport;
use super::platform;
use super::storage::AppStorage;
use crate::domain::time::hhmm_at;
use crate::store::{Op, Store};
use crate::sync::account::{current_user, user_db_name};
use crate::sync::protocol::SyncError;
use crate::sync::replicate::Replication;
use crate::sync::status::{backoff_ms, SyncStatus};
use crate::sync::transport::TransportError;
use leptos::prelude::*;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Meta key of the signed-in account (server and username; never the password).
const ACCOUNT_KEY: &str = "account";
/// Meta key of this device's replica id, part of every checkpoint id.
const REPLICA_KEY: &str = "replica-id";
/// How long one long-poll waits for the server's next change. Each one also renews the session.
const LONGPOLL_MS: u32 = 25_000;
/// While the app is hidden, how often the session is renewed (well inside CouchDB's default 10 min).
const SESSION_RENEW_MS: u32 = 4 * 60 * 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The server's address, e.g. `https://couch.example.org`.
    pub server: String,
    pub username: String,
}

impl Account {
    fn read(value: &Value) -> Option<Account> {
        let field = |k: &str| value.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        Some(Account { server: field("server")?, username: field("username")? })
    }
}

/// Wakes the runner early: a save, the network back, the app visible, an account change.
#[derive(Default)]
struct Wake {
    raised: Cell<bool>,
    waker: Cell<Option<Waker>>,
    transport: RefCell<Option<Rc<FetchTransport>>>,
}

impl Wake {
    fn raise(&self) {
        self.raised.set(true);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
        // Cut a long-poll short so the runner can act now.
        if let Some(t) = self.transport.borrow().as_ref() {
            t.abort_all();
        }
    }

    /// Waits until raised, or `ms` have passed.
    async fn wait(&self, ms: Option<u32>) {
        let mut sleep = ms.map(gloo_timers::future::TimeoutFuture::new);
        poll_fn(|cx| {
            if self.raised.replace(false) {
                return Poll::Ready(());
            }
            self.waker.set(Some(cx.waker().clone()));
            let slept = sleep.as_mut().is_some_and(|s| Pin::new(s).poll(cx).is_ready());
            if slept {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

/// The sync state every screen can read, and the ways to poke it. Cheap to copy.
#[derive(Clone, Copy)]
pub struct SyncContext {
    pub status: RwSignal<SyncStatus>,
    pub account: RwSignal<Option<Account>>,
    /// Counts changes to documents made outside a screen's own form (sync brought some, a
    /// conflict was settled): screens reload what they show when it changes.
    pub arrivals: RwSignal<u64>,
    wake: StoredValue<Rc<Wake>, LocalStorage>,
}

impl SyncContext {
    /// Something was saved on this device: push it now.
    pub fn changed(&self) {
        if let Some(w) = self.wake.try_get_value() {
            w.raise();
        }
    }

    /// Keeps the account (never the password) and starts syncing it.
    pub async fn signed_in(&self, storage: AppStorage, account: Account) -> Result<(), String> {
        let store = storage.store().map_err(|e| e.user_message())?;
        let value = json!({"server": account.server, "username": account.username});
        store.apply(vec![Op::PutMeta { key: ACCOUNT_KEY.into(), value }]).await.map_err(|e| e.user_message())?;
        self.account.try_set(Some(account));
        self.changed();
        Ok(())
    }

    /// Forgets the account. What is on this device stays.
    pub async fn signed_out(&self, storage: AppStorage) -> Result<(), String> {
        let store = storage.store().map_err(|e| e.user_message())?;
        store.apply(vec![Op::PutMeta { key: ACCOUNT_KEY.into(), value: Value::Null }]).await.map_err(|e| e.user_message())?;
        self.account.try_set(None);
        self.changed();
        Ok(())
    }
}

pub fn use_sync() -> SyncContext {
    expect_context::<SyncContext>()
}

/// Provides the context and starts the runner.
pub fn provide_sync(storage: AppStorage) {
    let ctx = SyncContext {
        status: RwSignal::new(SyncStatus::NotSignedIn),
        account: RwSignal::new(None),
        arrivals: RwSignal::new(0),
        wake: StoredValue::new_local(Rc::new(Wake::default())),
    };
    provide_context(ctx);
    listen_for_wakeups(ctx);
    leptos::task::spawn_local(run(ctx, storage));
}

/// Network back, or the app visible again: sync now.
fn listen_for_wakeups(ctx: SyncContext) {
    let Some(window) = web_sys::window() else { return };
    let on_event = Closure::<dyn Fn()>::new(move || ctx.changed());
    for event in ["online", "offline"] {
        let _ = window.add_event_listener_with_callback(event, on_event.as_ref().unchecked_ref());
    }
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback("visibilitychange", on_event.as_ref().unchecked_ref());
    }
    // Listens for the app's lifetime.
    on_event.forget();
}

fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

fn is_visible() -> bool {
    web_sys::window().and_then(|w| w.document()).is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
}

async fn replica_id(storage: AppStorage) -> Result<String, String> {
    let store = storage.store().map_err(|e| e.user_message())?;
    if let Some(id) = store.get_meta(REPLICA_KEY).await.ok().flatten().and_then(|v| v.as_str().map(str::to_owned)) {
        return Ok(id);
    }
    let id = platform::new_id("replica", platform::now());
    store.apply(vec![Op::PutMeta { key: REPLICA_KEY.into(), value: Value::from(id.as_str()) }]).await.map_err(|e| e.user_message())?;
    Ok(id)
}

async fn run(ctx: SyncContext, storage: AppStorage) {
    let Some(wake) = ctx.wake.try_get_value() else { return };
    let Ok(store) = storage.store() else { return };
    if let Some(account) = store.get_meta(ACCOUNT_KEY).await.ok().flatten().as_ref().and_then(Account::read) {
        ctx.account.try_set(Some(account));
    }
    let Ok(replica) = replica_id(storage).await else { return };
    let mut attempt: u32 = 0;
    loop {
        let Some(account) = ctx.account.try_get_untracked().flatten() else {
            ctx.status.try_set(SyncStatus::NotSignedIn);
            wake.wait(None).await;
            continue;
        };
        let transport = Rc::new(FetchTransport::new(&account.server));
        *wake.transport.borrow_mut() = Some(transport.clone());
        let replication = Replication { store: &*store, transport: &*transport, db: user_db_name(&account.username), pairing: format!("{}|{replica}", account.server) };
        if !is_visible() {
            // Hidden: no syncing, but keep the session from expiring (servers renew the cookie
            // on use; CouchDB's lasts 10 minutes by default), so coming back needs no sign-in.
            wake.wait(Some(SESSION_RENEW_MS)).await;
            if !is_visible() && is_online() {
                let _ = current_user(&*transport).await;
            }
            continue;
        }
        if !is_online() {
            ctx.status.try_set(SyncStatus::Offline { waiting: replication.waiting().await.unwrap_or(0) });
            wake.wait(None).await;
            continue;
        }
        if !matches!(ctx.status.get_untracked(), SyncStatus::Synced { .. }) {
            ctx.status.try_set(SyncStatus::Syncing);
        }
        let result = async {
            replication.push().await?;
            let start = platform::now_ms();
            let pulled = replication.pull().await?;
            platform::measure_pull(start, pulled); // read by end2end/bench/sync.mjs
            synced(ctx, pulled);
            // Live: wait for the server's next change, then go round again (pushing first).
            let pulled = replication.pull_wait(LONGPOLL_MS).await?;
            synced(ctx, pulled);
            Ok::<(), SyncError>(())
        }
        .await;
        match result {
            Ok(()) => attempt = 0,
            // Woken on purpose (a save, the app hidden...): go round at once.
            Err(SyncError::Offline(TransportError::Aborted)) => attempt = 0,
            Err(SyncError::Unauthorized) => {
                ctx.status.try_set(SyncStatus::SignInAgain);
                wake.wait(None).await;
            }
            Err(SyncError::Offline(_)) => {
                ctx.status.try_set(SyncStatus::Offline { waiting: replication.waiting().await.unwrap_or(0) });
                wake.wait(Some(backoff_ms(attempt, js_sys::Math::random()))).await;
                attempt = attempt.saturating_add(1);
            }
            Err(_) => {
                ctx.status.try_set(SyncStatus::ServerError);
                wake.wait(Some(backoff_ms(attempt, js_sys::Math::random()))).await;
                attempt = attempt.saturating_add(1);
            }
        }
    }
}

fn synced(ctx: SyncContext, pulled: usize) {
    let now = platform::now();
    ctx.status.try_set(SyncStatus::Synced { at: hhmm_at(now.at, now.utc_offset_minutes) });
    if pulled > 0 {
        ctx.arrivals.try_update(|n| *n += 1);
    }
}
