//! The replication client against the local backend (end2end/backend/server.mjs), natively:
//! push, pull, two replicas with conflicts, resuming after a fault at each step (through the
//! fault-injecting proxy), privacy, and 10,000 documents.
//!
//! `cargo test --test sync_native` (needs Node.js and `npm ci` in end2end/).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use futures_executor::block_on;
use serde_json::{json, Value};
use support::backend::{Backend, TestUser};
use support::http_transport::HttpTransport;
use support::proxy::{Fault, FaultProxy, Rule};
use tandem::store::memory::MemoryStore;
use tandem::store::{Op, Store};
use tandem::sync::account::{sign_in, user_db_name};
use tandem::sync::protocol::SyncError;
use tandem::sync::protocol::{Checkpoint, HISTORY_KEPT};
use tandem::sync::replicate::{join, Pushed, Replication, PAGE_SIZE, REMOTE_CHECKPOINT_EVERY};
use tandem::sync::transport::{Method, Request, Transport};

/// The HTTP transport with every request's timeout cut to 2 s, so the proxy's delays trip it fast.
struct Impatient(HttpTransport);

impl Transport for Impatient {
    async fn send(&self, request: Request) -> Result<tandem::sync::transport::Response, tandem::sync::transport::TransportError> {
        let timeout_ms = request.timeout_ms.min(2_000);
        self.0.send(Request { timeout_ms, ..request }).await
    }
}

/// One device: its own store, signed in to the server (directly or through a proxy).
struct Device {
    store: MemoryStore,
    transport: Impatient,
    db: String,
    name: &'static str,
}

impl Device {
    fn new(name: &'static str, base_url: &str, user: &TestUser) -> Device {
        let transport = Impatient(HttpTransport::new(base_url));
        block_on(sign_in(&transport, &user.name, &user.password)).unwrap_or_else(|e| panic!("sign in as {}: {e}", user.name));
        Device { store: MemoryStore::new(), transport, db: user_db_name(&user.name), name }
    }

    fn replication(&self) -> Replication<'_, MemoryStore, Impatient> {
        Replication { store: &self.store, transport: &self.transport, db: self.db.clone(), pairing: format!("test|{}", self.name) }
    }

    fn push(&self) -> Result<Pushed, SyncError> {
        block_on(self.replication().push())
    }

    fn pull(&self) -> Result<usize, SyncError> {
        block_on(self.replication().pull())
    }

    fn write(&self, docs: Vec<Value>) {
        block_on(self.store.apply(docs.into_iter().map(Op::PutDoc).collect())).expect("local write");
    }

    fn doc(&self, id: &str) -> Option<Value> {
        block_on(self.store.get_doc(id)).expect("local read")
    }

    fn count(&self, doc_type: &str) -> usize {
        block_on(self.store.docs_of_type(doc_type)).expect("local read").docs.len()
    }
}

fn mood(i: usize) -> Value {
    json!({"_id": format!("mood:{i:05}"), "type": "mood", "schema": 1, "score": i % 10 + 1, "note": "x".repeat(200)})
}

/// Every document id on the server with its winning revision, as the owner sees it.
fn server_docs(user: &TestUser) -> Vec<(String, String)> {
    let owner = Backend::shared().login(user);
    let response = block_on(owner.send(Request::get(format!("/{}/_all_docs", user.db)))).expect("_all_docs");
    let body: Value = serde_json::from_str(&response.body).expect("_all_docs JSON");
    let rows = body["rows"].as_array().cloned().unwrap_or_default();
    rows.iter().filter(|r| !r["id"].as_str().unwrap_or("").starts_with("_design/")).map(|r| (r["id"].as_str().unwrap_or("").to_owned(), r["value"]["rev"].as_str().unwrap_or("").to_owned())).collect()
}

/// What a device holds: every document id with its winning revision.
fn local_docs(device: &Device) -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = ["mood", "goal", "post"]
        .iter()
        .flat_map(|t| block_on(device.store.docs_of_type(t)).expect("local read").docs)
        .map(|d| (d["_id"].as_str().unwrap_or("").to_owned(), d["_rev"].as_str().unwrap_or("").to_owned()))
        .collect();
    docs.sort();
    docs
}

#[test]
fn push_then_pull_moves_every_document_to_another_device() {
    let backend = Backend::shared();
    let user = backend.new_user("pushpull");
    let phone = Device::new("phone", &backend.url, &user);
    let tablet = Device::new("tablet", &backend.url, &user);
    phone.write((0..3).map(mood).collect());

    let pushed = phone.push().expect("push");
    assert_eq!((pushed.sent, pushed.refused.len()), (3, 0));
    assert_eq!(server_docs(&user), local_docs(&phone));
    assert_eq!(tablet.pull().expect("pull"), 3);
    assert_eq!(local_docs(&tablet), local_docs(&phone));
    assert_eq!(tablet.doc("mood:00001").expect("arrived")["note"], mood(1)["note"]);

    // Nothing new: both directions are no-ops, and the pull brings back nothing it already has.
    assert_eq!(phone.push().expect("push again").sent, 0);
    assert_eq!(tablet.pull().expect("pull again"), 0);
    assert_eq!(phone.pull().expect("pull own"), 0, "the phone's own revisions are not fetched back");
}

/// Two devices with the same goal, each edited while offline, then synced in turn until quiet.
fn edit_on_both(user: &TestUser, phone_edit: (&str, &str), laptop_edit: (&str, &str)) -> (Device, Device) {
    let backend = Backend::shared();
    let phone = Device::new("phone", &backend.url, user);
    let laptop = Device::new("laptop", &backend.url, user);
    phone.write(vec![json!({"_id": "goal:1", "type": "goal", "title": "walk", "note": ""})]);
    phone.push().expect("push");
    laptop.pull().expect("pull");
    for (device, (field, value)) in [(&phone, phone_edit), (&laptop, laptop_edit)] {
        let mut doc = device.doc("goal:1").expect("goal");
        doc[field] = json!(value);
        device.write(vec![doc]);
    }
    for _ in 0..2 {
        for device in [&phone, &laptop] {
            device.push().expect("push");
            device.pull().expect("pull");
        }
    }
    (phone, laptop)
}

fn server_doc(user: &TestUser, id: &str) -> Value {
    let owner = Backend::shared().login(user);
    let path = format!("/{}/{}?conflicts=true", user.db, id.replace(':', "%3A"));
    serde_json::from_str(&block_on(owner.send(Request::get(path))).expect("GET").body).expect("JSON")
}

#[test]
fn edits_to_different_fields_on_two_offline_devices_both_survive() {
    let user = Backend::shared().new_user("merge");
    let (phone, laptop) = edit_on_both(&user, ("title", "walk daily"), ("note", "with Sam"));
    let (a, b) = (phone.doc("goal:1").expect("goal"), laptop.doc("goal:1").expect("goal"));
    assert_eq!(a, b, "both devices converge");
    assert_eq!((a["title"].as_str(), a["note"].as_str()), (Some("walk daily"), Some("with Sam")), "{a}");
    assert!(a.get("_conflicts").is_none(), "settled by the merge rule: {a}");
    let on_server = server_doc(&user, "goal:1");
    assert_eq!(on_server["_rev"], a["_rev"]);
    assert!(on_server.get("_conflicts").is_none(), "{on_server}");
}

#[test]
fn the_same_field_edited_on_two_devices_keeps_both_for_the_person_to_choose() {
    let user = Backend::shared().new_user("conflict");
    let (phone, laptop) = edit_on_both(&user, ("title", "walk daily"), ("title", "run"));
    let (a, b) = (phone.doc("goal:1").expect("goal"), laptop.doc("goal:1").expect("goal"));
    assert_eq!(a, b, "both devices show the same winner and the same conflicts");
    assert_eq!(a["_conflicts"].as_array().map(Vec::len), Some(1), "{a}");
    let on_server = server_doc(&user, "goal:1");
    assert_eq!(on_server["_rev"], a["_rev"], "the server picks the same winner");
    assert_eq!(on_server["_conflicts"], a["_conflicts"]);
    // Neither edit is lost: the other version is kept in full.
    let states = block_on(phone.store.doc_states(&["goal:1".to_owned()])).expect("states");
    let loser = a["_conflicts"][0].as_str().expect("conflict rev");
    let kept = states[0].revision_doc(loser).expect("the other version is kept");
    let mut titles = [a["title"].as_str(), kept["title"].as_str()];
    titles.sort();
    assert_eq!(titles, [Some("run"), Some("walk daily")]);
}

/// A fault at one step of a sync, and the direction it interrupts.
struct Case {
    what: &'static str,
    rule: Rule,
    push: bool,
}

fn cases() -> Vec<Case> {
    let case = |what, method, path: &str, fault, push| Case { what, rule: Rule::new(method, path, fault), push };
    vec![
        case("500 on _revs_diff", Method::Post, "/_revs_diff", Fault::Status(500, r#"{"error":"internal_server_error"}"#.into()), true),
        case("503 on _bulk_docs", Method::Post, "/_bulk_docs", Fault::Status(503, r#"{"error":"unavailable"}"#.into()), true),
        case("_bulk_docs stored but answered 500", Method::Post, "/_bulk_docs", Fault::StatusAfterForward(500, "{}".into()), true),
        case("reset in the middle of _bulk_docs' answer", Method::Post, "/_bulk_docs", Fault::ResetMidResponse { after_bytes: 3 }, true),
        case("the same _bulk_docs delivered twice", Method::Post, "/_bulk_docs", Fault::Duplicate, true),
        case("401 on the push checkpoint", Method::Put, "/_local/", Fault::Status(401, r#"{"error":"unauthorized"}"#.into()), true),
        case("reset in the middle of _changes", Method::Get, "/_changes", Fault::ResetMidResponse { after_bytes: 40 }, false),
        case("malformed JSON from _changes", Method::Get, "/_changes", Fault::MalformedJson, false),
        case("503 on _bulk_get", Method::Post, "/_bulk_get", Fault::Status(503, r#"{"error":"unavailable"}"#.into()), false),
        case("401 mid-pull", Method::Post, "/_bulk_get", Fault::Status(401, r#"{"error":"unauthorized"}"#.into()), false),
        case("hang-up after _bulk_get", Method::Post, "/_bulk_get", Fault::Hangup, false),
        case("the same _bulk_get answered twice", Method::Post, "/_bulk_get", Fault::Duplicate, false),
        case("500 on the pull checkpoint", Method::Put, "/_local/", Fault::Status(500, "{}".into()), false),
        case("_bulk_docs answered after the client gave up", Method::Post, "/_bulk_docs", Fault::Delay(2_500), true),
        case("_changes timing out", Method::Get, "/_changes", Fault::Delay(2_500), false),
    ]
}

#[test]
fn a_sync_interrupted_at_any_step_resumes_without_losing_or_duplicating() {
    let backend = Backend::shared();
    for case in cases() {
        let user = backend.new_user("fault");
        let proxy = FaultProxy::start(backend.addr);
        let phone = Device::new("phone", &proxy.url(), &user);
        let tablet = Device::new("tablet", &proxy.url(), &user);
        // Two pages' worth on the second page boundary would make the test slow; 30 documents
        // in a first sync, then 5 more so that the fault hits a sync that resumes from a checkpoint.
        phone.write((0..30).map(mood).collect());
        phone.push().expect("first push");
        tablet.pull().expect("first pull");
        // New documents, and edits of five earlier ones: second revisions, which the pull fetches
        // with `_bulk_get` (first ones come with the `_changes` listing).
        phone.write((30..35).map(mood).collect());
        let edits: Vec<Value> = (0..5)
            .map(|i| {
                let mut doc = phone.doc(&format!("mood:{i:05}")).expect("written");
                doc["note"] = json!("edited");
                doc
            })
            .collect();
        phone.write(edits);
        if case.push {
            proxy.inject(case.rule.clone());
            let faulty = phone.push();
            phone.push().unwrap_or_else(|e| panic!("{}: the push after the fault failed: {e} (first try: {faulty:?})", case.what));
        } else {
            phone.push().expect("push");
            proxy.inject(case.rule.clone());
            let faulty = tablet.pull();
            tablet.pull().unwrap_or_else(|e| panic!("{}: the pull after the fault failed: {e} (first try: {faulty:?})", case.what));
        }
        assert_eq!(proxy.pending(), 0, "{}: the fault never fired", case.what);
        tablet.pull().expect("catch up");
        let on_server = server_docs(&user);
        assert_eq!(on_server.len(), 35, "{}: documents on the server", case.what);
        assert_eq!(local_docs(&phone), on_server, "{}: phone and server agree", case.what);
        assert_eq!(local_docs(&tablet), on_server, "{}: tablet and server agree", case.what);
        for (id, _) in &on_server {
            let doc = tablet.doc(id).unwrap_or_else(|| panic!("{}: {id} missing", case.what));
            assert!(doc.get("_conflicts").is_none(), "{}: {id} was duplicated into a conflict", case.what);
        }
    }
}

#[test]
fn a_401_is_reported_and_nothing_is_lost() {
    let backend = Backend::shared();
    let user = backend.new_user("expired");
    let phone = Device::new("phone", &backend.url, &user);
    phone.write(vec![mood(1)]);
    phone.transport.0.set_session_cookie(None);
    assert_eq!(phone.push(), Err(SyncError::Unauthorized));
    assert_eq!(block_on(phone.replication().waiting()), Ok(1), "the change still waits");
    block_on(sign_in(&phone.transport, &user.name, &user.password)).expect("sign in again");
    assert_eq!(phone.push().expect("push").sent, 1);
    assert_eq!(block_on(phone.replication().waiting()), Ok(0));
}

#[test]
fn another_person_cannot_read_or_write_my_database() {
    let backend = Backend::shared();
    let (me, other) = (backend.new_user("owner"), backend.new_user("other"));
    let mine = Device::new("mine", &backend.url, &me);
    mine.write(vec![mood(1)]);
    mine.push().expect("push");

    let intruder = Device { db: me.db.clone(), ..Device::new("intruder", &backend.url, &other) };
    assert!(matches!(intruder.pull(), Err(SyncError::Forbidden(_))), "reading another person's database");
    intruder.write(vec![mood(2)]);
    assert!(matches!(intruder.push(), Err(SyncError::Forbidden(_))), "writing to another person's database");
    assert_eq!(server_docs(&me).len(), 1);
}

#[test]
fn a_write_claiming_another_author_is_refused_and_kept_on_the_device() {
    let backend = Backend::shared();
    let user = backend.new_user("author");
    let phone = Device::new("phone", &backend.url, &user);
    phone.write(vec![
        json!({"_id": "post:1", "type": "post", "author": "someone-else", "text": "not me"}),
        json!({"_id": "post:2", "type": "post", "author": user.name, "text": "me"}),
    ]);
    let pushed = phone.push().expect("push");
    assert_eq!(pushed.sent, 1);
    assert_eq!(pushed.refused.len(), 1);
    assert_eq!((pushed.refused[0].id.as_str(), pushed.refused[0].error.as_str()), ("post:1", "forbidden"));
    assert_eq!(server_docs(&user).iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["post:2"]);
    assert!(phone.doc("post:1").is_some(), "the refused document stays on the device");
}

#[test]
fn one_person_syncs_several_databases_each_with_its_own_checkpoint() {
    let backend = Backend::shared();
    let user = backend.new_user("several");
    let pair_db = support::backend::unique_name("pair");
    backend.create_db(&pair_db, &[&user.name]);
    let private = Device::new("phone", &backend.url, &user);
    let pair = Device { db: pair_db.clone(), ..Device::new("phone", &backend.url, &user) };
    private.write((0..3).map(mood).collect());
    pair.write(vec![json!({"_id": "partner-checkin:1", "type": "partner-checkin", "author": user.name})]);
    // Both at once, as the app runs them.
    let (a, b) = block_on(async { join(private.replication().push(), pair.replication().push()).await });
    assert_eq!((a.expect("private push").sent, b.expect("pair push").sent), (3, 1));
    assert_ne!(private.replication().checkpoint_id("push"), pair.replication().checkpoint_id("push"));
    assert_eq!(server_docs(&user).len(), 3, "nothing of the pair's database leaked into the private one");
    let owner = backend.login(&user);
    let pair_docs = block_on(owner.send(Request::get(format!("/{pair_db}/_all_docs")))).expect("_all_docs");
    assert!(pair_docs.body.contains("partner-checkin:1") && !pair_docs.body.contains("mood:"), "{}", pair_docs.body);
    assert_eq!(private.push().expect("again").sent, 0);
    assert_eq!(pair.push().expect("again").sent, 0);
}

#[test]
fn one_store_pushes_each_document_only_to_its_own_database() {
    let backend = Backend::shared();
    let user = backend.new_user("routed");
    let pair_db = support::backend::unique_name("pair");
    backend.create_db(&pair_db, &[&user.name]);
    let phone = Device::new("phone", &backend.url, &user);
    let is_pair = |s: &tandem::store::versioned::DocState| tandem::sync::replicate::routing_body(s)["type"] == "partner-checkin";
    let pair = Replication { store: &phone.store, transport: &phone.transport, db: pair_db.clone(), pairing: "test|phone".into() };
    phone.write((0..3).map(mood).collect());
    phone.write(vec![json!({"_id": "partner-checkin:1", "type": "partner-checkin", "author": user.name, "pair_id": "p"})]);
    let (private_sent, pair_sent) = block_on(async {
        let private = phone.replication();
        let a = private.push_where(&|s| !is_pair(s)).await.expect("private push").sent;
        let b = pair.push_where(&is_pair).await.expect("pair push").sent;
        (a, b)
    });
    assert_eq!((private_sent, pair_sent), (3, 1));
    assert!(server_docs(&user).iter().all(|(id, _)| id.starts_with("mood:")), "the partner check-in stayed out of the private database");
    let owner = backend.login(&user);
    let pair_docs = block_on(owner.send(Request::get(format!("/{pair_db}/_all_docs")))).expect("_all_docs");
    assert!(pair_docs.body.contains("partner-checkin:1") && !pair_docs.body.contains("mood:"), "{}", pair_docs.body);
    // Deleted, the check-in still goes where its last content says: a tombstone has no body of its own.
    block_on(phone.store.apply(vec![Op::DeleteDoc("partner-checkin:1".into())])).expect("delete");
    let sent = block_on(async {
        let private = phone.replication();
        (private.push_where(&|s| !is_pair(s)).await.expect("private").sent, pair.push_where(&is_pair).await.expect("pair").sent)
    });
    assert_eq!(sent, (0, 1));
    let gone = block_on(owner.send(Request::get(format!("/{pair_db}/partner-checkin%3A1")))).expect("get");
    assert_eq!(gone.status, 404, "{}", gone.body);
}

#[test]
fn ten_thousand_documents_go_up_and_come_down() {
    let backend = Backend::shared();
    let user = backend.new_user("tenk");
    let phone = Device::new("phone", &backend.url, &user);
    let tablet = Device::new("tablet", &backend.url, &user);
    for page in 0..20 {
        phone.write((page * 500..(page + 1) * 500).map(mood).collect());
    }
    assert_eq!(phone.push().expect("push").sent, 10_000);
    assert_eq!(tablet.pull().expect("pull"), 10_000);
    assert_eq!(tablet.count("mood"), 10_000);
    assert_eq!(local_docs(&tablet), local_docs(&phone));
}

#[test]
fn a_pull_interrupted_between_server_checkpoints_resumes_with_nothing_lost_or_duplicated() {
    // The server's copy of the pull checkpoint is saved every few pages, in the background, while
    // the local one moves with each page: interrupt a pull of several pages after the server's
    // copy fell behind, and the next pull resumes from the server's copy (not from the start),
    // fetches only what is missing, and ends with exactly the server's documents.
    let backend = Backend::shared();
    let user = backend.new_user("resume");
    let phone = Device::new("phone", &backend.url, &user);
    let pages = REMOTE_CHECKPOINT_EVERY + 3;
    let total = pages * PAGE_SIZE - PAGE_SIZE / 2;
    phone.write((0..total).map(mood).collect());
    assert_eq!(phone.push().expect("push").sent, total);

    let proxy = FaultProxy::start(backend.addr);
    let tablet = Device::new("tablet", &proxy.url(), &user);
    // The connection drops after the server answered a `_changes` listing a few pages after the
    // one that made a server checkpoint due (a first sync's revisions come with the listing): the
    // pages before it are stored, the server's copy lags.
    proxy.inject(Rule::new(Method::Get, "/_changes", Fault::Hangup).nth(REMOTE_CHECKPOINT_EVERY + 2));
    assert!(matches!(tablet.pull(), Err(SyncError::Offline(_))), "the pull stops at the fault");
    assert_eq!(proxy.pending(), 0, "the fault fired");
    let stored_before = tablet.count("mood");
    assert!(stored_before > 0 && stored_before < total, "{stored_before} of {total} stored before the fault");

    let id = tablet.replication().checkpoint_id("pull");
    let local = block_on(tablet.store.get_meta(&format!("checkpoint:{id}"))).expect("read").and_then(|c| Checkpoint::read(&c)).expect("local checkpoint");
    let owner = backend.login(&user);
    let response = block_on(owner.send(Request::get(format!("/{}/_local/{id}", user.db)))).expect("GET _local");
    let remote = Checkpoint::read(&serde_json::from_str(&response.body).expect("JSON")).expect("the server's checkpoint was saved during the pull");
    assert_ne!(remote.last_seq, local.last_seq, "the server's copy lags the local one");
    assert!(local.history.contains(&remote.last_seq), "the server's copy names a page stored here, within the local history");
    assert!(local.history.len() <= HISTORY_KEPT);

    let before = proxy.log().len();
    let received = tablet.pull().expect("the pull after the fault");
    assert_eq!(stored_before + received, total, "every document arrived once: none lost, none fetched twice");
    let first_listing = proxy.log()[before..].iter().find(|e| e.path.contains("/_changes")).map(|e| e.path.clone()).expect("_changes");
    let since = match &remote.last_seq { Value::String(s) => s.clone(), other => other.to_string() };
    assert!(first_listing.contains(&format!("since={since}&")), "resumed from the server's copy: {first_listing}");
    assert_eq!(local_docs(&tablet), server_docs(&user));
    assert_eq!(tablet.pull().expect("pull again"), 0);
    // Both copies of the checkpoint agree once a pull has completed.
    let response = block_on(owner.send(Request::get(format!("/{}/_local/{id}", user.db)))).expect("GET _local");
    let remote = Checkpoint::read(&serde_json::from_str(&response.body).expect("JSON")).expect("checkpoint");
    let local = block_on(tablet.store.get_meta(&format!("checkpoint:{id}"))).expect("read").and_then(|c| Checkpoint::read(&c)).expect("local checkpoint");
    assert_eq!(remote.last_seq, local.last_seq);
}
