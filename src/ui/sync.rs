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
use crate::domain::partner::{is_valid_pair_id, pair_db_name, Pairing, PAIRING_TYPE};
use crate::domain::routing::{home, Home};
use crate::sync::account::{care_db_name, current_user, user_db_name};
use crate::sync::protocol::SyncError;
use crate::sync::replicate::{routing_body, Replication};
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
/// Meta key of the account whose entries this device holds: the one signed in, or the last one,
/// kept after signing out, so that signing in as someone else cannot send them into another account.
const HOLDER_KEY: &str = "account-holder";
/// Meta key of the local sequence number every push has reached (see `SyncContext::pushed_seq`).
const PUSHED_KEY: &str = "pushed-seq";
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
    /// The server's roles for this account at sign-in (`_admin`, `facilitator`, …).
    pub roles: Vec<String>,
}

impl Account {
    fn read(value: &Value) -> Option<Account> {
        let field = |k: &str| value.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let roles = value.get("roles").and_then(Value::as_array).map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default();
        Some(Account { server: field("server")?, username: field("username")?, roles })
    }

    /// Facilitators see the Facilitator screen: the `facilitator` role, or a server admin (the
    /// account a program's facilitator uses on its CouchDB to create pair and group databases).
    pub fn is_facilitator(&self) -> bool {
        self.roles.iter().any(|r| r == "_admin" || r == "facilitator")
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
    /// Every local change up to this local sequence number has been pushed to its database: a
    /// document whose sequence number is at or below it is on the server ("Sent").
    pub pushed_seq: RwSignal<u64>,
    wake: StoredValue<Rc<Wake>, LocalStorage>,
}

impl SyncContext {
    /// Something was saved on this device: push it now.
    pub fn changed(&self) {
        if let Some(w) = self.wake.try_get_value() {
            w.raise();
        }
    }

    /// The username whose entries this device holds: the account signed in, else the last one
    /// signed out (none before anyone signed in on this device).
    pub async fn holder(&self, storage: AppStorage) -> Result<Option<String>, String> {
        if let Some(a) = self.account.get_untracked() {
            return Ok(Some(a.username));
        }
        let store = storage.store().map_err(|e| e.user_message())?;
        Ok(store.get_meta(HOLDER_KEY).await.map_err(|e| e.user_message())?.and_then(|v| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)))
    }

    /// How many changes made on this device have not reached the server yet: every change since
    /// the last sync that reached all of this account's databases.
    pub async fn waiting(&self, storage: AppStorage) -> Result<usize, String> {
        let store = storage.store().map_err(|e| e.user_message())?;
        let pushed = store.get_meta(PUSHED_KEY).await.map_err(|e| e.user_message())?.and_then(|v| v.as_u64()).unwrap_or(0);
        store.count_changes_since(pushed).await.map_err(|e| e.user_message())
    }

    /// Keeps the account (never the password) and starts syncing it.
    pub async fn signed_in(&self, storage: AppStorage, account: Account) -> Result<(), String> {
        let store = storage.store().map_err(|e| e.user_message())?;
        let value = json!({"server": account.server, "username": account.username, "roles": account.roles});
        let holder = Op::PutMeta { key: HOLDER_KEY.into(), value: Value::from(account.username.as_str()) };
        store.apply(vec![Op::PutMeta { key: ACCOUNT_KEY.into(), value }, holder]).await.map_err(|e| e.user_message())?;
        self.account.try_set(Some(account));
        self.changed();
        Ok(())
    }

    /// Forgets the account. What is on this device stays, and so does whose it is (`holder`).
    pub async fn signed_out(&self, storage: AppStorage) -> Result<(), String> {
        let store = storage.store().map_err(|e| e.user_message())?;
        let mut ops = vec![Op::PutMeta { key: ACCOUNT_KEY.into(), value: Value::Null }];
        if let Some(a) = self.account.get_untracked() {
            ops.push(Op::PutMeta { key: HOLDER_KEY.into(), value: Value::from(a.username.as_str()) });
        }
        store.apply(ops).await.map_err(|e| e.user_message())?;
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
        pushed_seq: RwSignal::new(0),
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

/// What the browser believes: false means surely offline; true may still be a dead connection.
pub fn is_online() -> bool {
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
    if let Some(seq) = store.get_meta(PUSHED_KEY).await.ok().flatten().and_then(|v| v.as_u64()) {
        ctx.pushed_seq.try_set(seq);
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
        let pairing = format!("{}|{replica}", account.server);
        let replication = Replication { store: &*store, transport: &*transport, db: user_db_name(&account.username), pairing: pairing.clone() };
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
            // Whatever was saved before this point is pushed once every push below has succeeded.
            let reached = store.get_meta(crate::store::LOCAL_SEQ_KEY).await?.and_then(|v| v.as_u64()).unwrap_or(0);
            let start = platform::now_ms();
            replication.push_where(&|s| home(&routing_body(s)) == Home::Private).await?;
            let mut pulled = replication.pull().await?;
            platform::measure_pull(start, pulled); // read by end2end/bench/sync.mjs
            // The shared databases: care (once the program has made it) and each current pair's.
            // Care first: a pairing notice it brings names a pair database to sync in this same round.
            let care = care_db_name(&account.username);
            let mut targets = if database_exists(&*transport, &care).await? { vec![(care, Home::Care)] } else { Vec::new() };
            if let Some((db, _)) = targets.first() {
                let r = Replication { store: &*store, transport: &*transport, db: db.clone(), pairing: pairing.clone() };
                r.push_where(&|s| home(&routing_body(s)) == Home::Care).await?;
                pulled += r.pull().await?;
            }
            targets.extend(pair_targets(&*store, &account.username).await?);
            targets.extend(group_targets(&*store).await?);
            let others: Vec<(Replication<'_, _, _>, Home)> = targets
                .into_iter()
                .map(|(db, route)| (Replication { store: &*store, transport: &*transport, db, pairing: pairing.clone() }, route))
                .collect();
            let mut live = Vec::with_capacity(others.len());
            for (r, route) in &others {
                let step = async {
                    r.push_where(&|s| home(&routing_body(s)) == *route).await?;
                    r.pull().await
                };
                match step.await {
                    Ok(n) => {
                        pulled += n;
                        live.push(r);
                    }
                    // A shared database this account may no longer use (re-paired, removed): its
                    // documents stay on the device; the private one and the others go on syncing.
                    Err(SyncError::Forbidden(_)) | Err(SyncError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            // My partner's urgent notes that just arrived are marked delivered, and that goes back now.
            if acknowledge_urgent_notes(&*store, &account.username).await? {
                for r in &live {
                    let route = others.iter().find(|(o, _)| o.db == r.db).map(|(_, route)| route.clone());
                    if let Some(route) = route {
                        r.push_where(&|s| home(&routing_body(s)) == route).await?;
                    }
                }
            }
            synced(ctx, pulled);
            if ctx.pushed_seq.try_get_untracked() != Some(reached) {
                let _ = store.apply(vec![Op::PutMeta { key: PUSHED_KEY.into(), value: Value::from(reached) }]).await;
                ctx.pushed_seq.try_set(reached);
            }
            // Live: wait for the next change in any of them, then go round again (pushing first).
            let mut waits: Vec<Wait<'_>> = vec![Box::pin(replication.pull_wait(LONGPOLL_MS))];
            waits.extend(live.into_iter().map(|r| Box::pin(r.pull_wait(LONGPOLL_MS)) as Wait<'_>));
            // A save made while this round ran (its wake-up found no request to cut short) ends the
            // wait at once, so it is pushed now rather than after the long-poll.
            let woken = wake.clone();
            waits.push(Box::pin(async move {
                woken.wait(None).await;
                Ok(0)
            }));
            let pulled = first_of(waits).await;
            // The others' long-polls are cut short; their next round starts from their checkpoints.
            transport.abort_all();
            synced(ctx, pulled?);
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

/// The pair databases this person syncs, each with the route its documents take: the database of
/// each current pairing that names them (pairings arrive in the care database, written by the
/// facilitator).
async fn pair_targets<S: Store>(store: &S, me: &str) -> Result<Vec<(String, Home)>, SyncError> {
    let mut out = Vec::new();
    let (pairings, _) = crate::domain::doc::decode_all::<Pairing>(&store.docs_of_type(PAIRING_TYPE).await?.docs);
    let today = platform::now().local_day();
    for p in pairings.iter().filter(|p| p.is_active(today) && p.members.iter().any(|m| m == me) && is_valid_pair_id(&p.pair_id)) {
        // The name is made from the id, not taken from the notice's `db`: a mistyped notice cannot
        // send partner data anywhere else.
        let db = pair_db_name(&p.pair_id);
        if !out.iter().any(|(d, _)| *d == db) {
            out.push((db, Home::Pair(p.pair_id.clone())));
        }
    }
    Ok(out)
}

/// The group databases this person syncs: one per membership notice the facilitator left in
/// their care database (`group-membership`, with `group_id`), unless it says they left.
async fn group_targets<S: Store>(store: &S) -> Result<Vec<(String, Home)>, SyncError> {
    let mut out: Vec<(String, Home)> = Vec::new();
    for notice in store.docs_of_type("group-membership").await?.docs {
        let left = notice.get("left").is_some_and(|l| !l.is_null());
        let Some(group_id) = notice.get("group_id").and_then(Value::as_str).filter(|g| crate::domain::group::is_valid_group_id(g)) else { continue };
        let db = crate::domain::group::group_db_name(group_id);
        if !left && !out.iter().any(|(d, _)| *d == db) {
            out.push((db, Home::Group(group_id.to_owned())));
        }
    }
    Ok(out)
}

/// Writes a "delivered" receipt for each urgent note from a partner that has none from me yet.
/// Returns whether any was written.
async fn acknowledge_urgent_notes<S: Store>(store: &S, me: &str) -> Result<bool, SyncError> {
    use crate::domain::doc::{decode_all, encode};
    use crate::domain::partner::{receipt_for, UrgentNote, UrgentReceipt};
    let (notes, _) = decode_all::<UrgentNote>(&store.docs_of_type("urgent-note").await?.docs);
    let (receipts, _) = decode_all::<UrgentReceipt>(&store.docs_of_type("urgent-receipt").await?.docs);
    let now = platform::now();
    let ops: Vec<Op> = notes
        .iter()
        .filter(|n| !receipts.iter().any(|r| r.note_id == n.header.id && r.author == me))
        .filter_map(|n| receipt_for(n, None, me, now, false))
        .map(|r| Op::PutDoc(encode(&r)))
        .collect();
    if ops.is_empty() {
        return Ok(false);
    }
    store.apply(ops).await?;
    Ok(true)
}

/// Whether a database exists and this account may read it (404 and 403 both mean "not for now").
async fn database_exists<T: crate::sync::transport::Transport>(transport: &T, db: &str) -> Result<bool, SyncError> {
    let response = transport.send(crate::sync::transport::Request::get(format!("/{db}"))).await?;
    match crate::sync::protocol::json_body(&response) {
        Ok(_) => Ok(true),
        Err(SyncError::NotFound(_)) | Err(SyncError::Forbidden(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// One database's long-poll (or the wake-up), as the live wait runs them side by side.
type Wait<'a> = Pin<Box<dyn Future<Output = Result<usize, SyncError>> + 'a>>;

/// The first of several futures to finish; the rest are dropped.
async fn first_of<T>(mut futures: Vec<Pin<Box<dyn Future<Output = T> + '_>>>) -> T {
    poll_fn(|cx| {
        for f in futures.iter_mut() {
            if let Poll::Ready(v) = f.as_mut().poll(cx) {
                return Poll::Ready(v);
            }
        }
        Poll::Pending
    })
    .await
}

fn synced(ctx: SyncContext, pulled: usize) {
    let now = platform::now();
    ctx.status.try_set(SyncStatus::Synced { at: hhmm_at(now.at, now.utc_offset_minutes) });
    if pulled > 0 {
        ctx.arrivals.try_update(|n| *n += 1);
    }
}
