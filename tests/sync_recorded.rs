//! The replication client against recorded CouchDB 3 answers (tests/fixtures/couchdb3/): opaque
//! string seqs sent back exactly, several leaves per change, tombstones, `_bulk_get` error
//! entries, 403 bodies. No server needed.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use futures_executor::block_on;
use serde_json::Value;
use support::recorded::{fixture, RecordedTransport};
use tandem::store::memory::MemoryStore;
use tandem::store::Store;
use tandem::sync::protocol::SyncError;
use tandem::sync::replicate::Replication;
use tandem::sync::transport::Method;

const DB: &str = "userdb-616c6578";

fn pull(store: &MemoryStore, transport: &RecordedTransport) -> Result<usize, SyncError> {
    block_on(Replication { store, transport, db: DB.into(), pairing: "recorded".into() }.pull())
}

/// The recorded `_changes` page without the entry `_bulk_get.json` has no answer for.
fn changes_page() -> String {
    let mut page: Value = serde_json::from_str(&fixture("changes_all_docs.json")).expect("fixture JSON");
    if let Some(results) = page["results"].as_array_mut() {
        results.retain(|r| r["id"] != "journal:2026-11-03");
    }
    page.to_string()
}

#[test]
fn a_couchdb_3_pull_keeps_conflicts_tombstones_and_the_opaque_seq() {
    let last_seq: Value = serde_json::from_str::<Value>(&fixture("changes_all_docs.json")).expect("JSON")["last_seq"].clone();
    let transport = RecordedTransport::new()
        .route(Method::Get, &format!("/{DB}/_local/"), 404, "error_404_missing.json")
        .route_body(Method::Get, &format!("/{DB}/_changes?style=all_docs&include_docs=true&since=0&"), 200, &changes_page())
        .route(Method::Post, &format!("/{DB}/_bulk_get"), 200, "bulk_get.json")
        .route(Method::Put, &format!("/{DB}/_local/"), 201, "local_put.json");
    let store = MemoryStore::new();
    assert_eq!(pull(&store, &transport), Ok(3));

    let checkin = block_on(store.get_doc("checkin:2026-11-04")).expect("read").expect("pulled");
    assert_eq!(checkin["_rev"], "3-825cb35de44c433bfb2df415563a19de");
    assert_eq!(checkin["_conflicts"], serde_json::json!(["2-9b2e5f5c5bd3e0f2a7a6b7e04b6f8c11"]));
    assert_eq!(block_on(store.get_doc("goal:sleep-by-11")), Ok(None), "a tombstone hides the document");

    // The string seq went back to the server exactly as it came, in the checkpoint.
    let requests = transport.requests();
    let put = requests.iter().find(|r| r.method == Method::Put).expect("checkpoint written");
    let body: Value = serde_json::from_str(put.body.as_deref().unwrap_or("")).expect("checkpoint JSON");
    assert_eq!(body["last_seq"], last_seq);
    // Both leaves of the conflicted check-in were asked for by id and rev.
    let bulk_get = requests.iter().find(|r| r.path.contains("_bulk_get")).expect("_bulk_get sent");
    assert!(bulk_get.body.as_deref().unwrap_or("").contains("2-9b2e5f5c5bd3e0f2a7a6b7e04b6f8c11"));
}

#[test]
fn a_revision_the_server_leaves_out_stops_the_page_rather_than_skipping_it() {
    let transport = RecordedTransport::new()
        .route(Method::Get, &format!("/{DB}/_local/"), 404, "error_404_missing.json")
        .route(Method::Get, &format!("/{DB}/_changes"), 200, "changes_all_docs.json")
        .route(Method::Post, &format!("/{DB}/_bulk_get"), 200, "bulk_get.json");
    let store = MemoryStore::new();
    assert!(matches!(pull(&store, &transport), Err(SyncError::BadResponse(ref m)) if m.contains("journal:2026-11-03")));
    assert_eq!(block_on(store.get_doc("checkin:2026-11-04")), Ok(None), "nothing of the page was stored");
    assert!(transport.requests().iter().all(|r| r.method != Method::Put), "the checkpoint did not move");
}

#[test]
fn couchdb_3_refusals_are_read_as_what_they_mean() {
    let forbidden = RecordedTransport::new().route(Method::Get, &format!("/{DB}/_local/"), 403, "error_403_forbidden.json");
    assert!(matches!(pull(&MemoryStore::new(), &forbidden), Err(SyncError::Forbidden(ref why)) if !why.is_empty()));
    let expired = RecordedTransport::new().route(Method::Get, &format!("/{DB}/_local/"), 401, "error_401_unauthorized.json");
    assert_eq!(pull(&MemoryStore::new(), &expired), Err(SyncError::Unauthorized));
}

/// A server scripted in code: a first `_changes` page that is full, with `goal:1` at `1-aaa` on
/// it, then a second page where `goal:1` has gained a conflicting `1-bbb` (it changed between
/// the two listings); `_bulk_get` answers whatever it is asked.
struct TwoPages {
    requests: std::sync::Mutex<Vec<tandem::sync::transport::Request>>,
}

impl tandem::sync::transport::Transport for TwoPages {
    async fn send(&self, request: tandem::sync::transport::Request) -> Result<tandem::sync::transport::Response, tandem::sync::transport::TransportError> {
        use serde_json::json;
        use tandem::sync::replicate::PAGE_SIZE;
        self.requests.lock().unwrap_or_else(|e| e.into_inner()).push(request.clone());
        let ok = |status: u16, body: Value| Ok(tandem::sync::transport::Response { status, body: body.to_string() });
        let path = request.path.as_str();
        if path.contains("/_local/") {
            return if request.method == Method::Put { ok(201, json!({"ok": true, "id": "x", "rev": "0-1"})) } else { ok(404, json!({"error": "not_found", "reason": "missing"})) };
        }
        if path.contains("/_changes") && path.contains("since=0&") {
            let mut results: Vec<Value> = (1..PAGE_SIZE).map(|i| json!({"seq": format!("{i}-x"), "id": format!("mood:{i:05}"), "changes": [{"rev": "1-m"}]})).collect();
            results.push(json!({"seq": "p1", "id": "goal:1", "changes": [{"rev": "1-aaa"}]}));
            return ok(200, json!({"results": results, "last_seq": "p1"}));
        }
        if path.contains("/_changes") && path.contains("since=p1&") {
            return ok(200, json!({"results": [{"seq": "p2", "id": "goal:1", "changes": [{"rev": "1-bbb"}, {"rev": "1-aaa"}]}], "last_seq": "p2"}));
        }
        if path.contains("/_bulk_get") {
            let body: Value = serde_json::from_str(request.body.as_deref().unwrap_or("")).unwrap_or_default();
            let results: Vec<Value> = body["docs"].as_array().into_iter().flatten().map(|d| {
                let (id, rev) = (d["id"].as_str().unwrap_or(""), d["rev"].as_str().unwrap_or(""));
                let kind = id.split(':').next().unwrap_or("");
                json!({"id": id, "docs": [{"ok": {"_id": id, "_rev": rev, "_revisions": {"start": 1, "ids": [&rev[2..]]}, "type": kind, "title": rev}}]})
            }).collect();
            return ok(200, json!({"results": results}));
        }
        panic!("no answer for {path}");
    }
}

#[test]
fn a_document_that_changes_between_two_pipelined_pages_keeps_both_versions_and_is_fetched_once_each() {
    // Page 2 is planned while page 1 is still being stored: its view of goal:1 is from before
    // page 1, so the revision page 1 brings must not be fetched again, and goal:1 must still
    // end up with both versions.
    let transport = TwoPages { requests: Default::default() };
    let store = MemoryStore::new();
    let received = block_on(Replication { store: &store, transport: &transport, db: DB.into(), pairing: "scripted".into() }.pull()).expect("pull");
    assert_eq!(received, tandem::sync::replicate::PAGE_SIZE + 1, "every revision once");
    let goal = block_on(store.get_doc("goal:1")).expect("read").expect("pulled");
    assert_eq!((goal["_rev"].as_str(), goal["_conflicts"].clone()), (Some("1-bbb"), serde_json::json!(["1-aaa"])));
    let states = block_on(store.doc_states(&["goal:1".to_owned()])).expect("states");
    assert_eq!(states[0].revision_doc("1-aaa").expect("the other version is kept")["title"], "1-aaa");
    let requests = transport.requests.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let asked_for_aaa = requests.iter().filter(|r| r.path.contains("_bulk_get") && r.body.as_deref().unwrap_or("").contains("1-aaa")).count();
    assert_eq!(asked_for_aaa, 1, "1-aaa was fetched with page 1 only");
    let put = requests.iter().rev().find(|r| r.method == Method::Put).expect("the server's checkpoint");
    assert!(put.body.as_deref().unwrap_or("").contains("\"p2\""), "the server's copy ends at the last page");
}

#[test]
fn first_revisions_come_with_the_listing_and_only_later_ones_are_fetched() {
    // `include_docs=true`: a first revision's body is in the row, and its history is itself; a
    // second revision needs its history from `_bulk_get?revs=true`, and so does a row whose document
    // moved on between listing and reading (its `_rev` is not the one listed).
    let page = serde_json::json!({
        "results": [
            {"seq": "1-a", "id": "mood:1", "changes": [{"rev": "1-aaa"}], "doc": {"_id": "mood:1", "_rev": "1-aaa", "type": "mood", "score": 5}},
            {"seq": "2-a", "id": "goal:1", "changes": [{"rev": "2-bbb"}], "doc": {"_id": "goal:1", "_rev": "2-bbb", "type": "goal", "title": "walk"}},
            {"seq": "3-a", "id": "mood:2", "changes": [{"rev": "1-ccc"}], "doc": {"_id": "mood:2", "_rev": "2-ddd", "type": "mood", "score": 6}}
        ],
        "last_seq": "3-a"
    });
    let bulk = serde_json::json!({"results": [
        {"id": "goal:1", "docs": [{"ok": {"_id": "goal:1", "_rev": "2-bbb", "type": "goal", "title": "walk", "_revisions": {"start": 2, "ids": ["bbb", "aaa0"]}}}]},
        {"id": "mood:2", "docs": [{"ok": {"_id": "mood:2", "_rev": "1-ccc", "type": "mood", "score": 4, "_revisions": {"start": 1, "ids": ["ccc"]}}}]}
    ]});
    let transport = RecordedTransport::new()
        .route(Method::Get, &format!("/{DB}/_local/"), 404, "error_404_missing.json")
        .route_body(Method::Get, &format!("/{DB}/_changes"), 200, &page.to_string())
        .route_body(Method::Post, &format!("/{DB}/_bulk_get"), 200, &bulk.to_string())
        .route(Method::Put, &format!("/{DB}/_local/"), 201, "local_put.json");
    let store = MemoryStore::new();
    assert_eq!(pull(&store, &transport), Ok(3));
    let asked = transport.requests().into_iter().filter(|r| r.path.contains("_bulk_get")).map(|r| r.body.unwrap_or_default()).collect::<Vec<_>>().join(" ");
    assert!(!asked.contains("mood:1"), "the first revision came with the listing: {asked}");
    assert!(asked.contains("goal:1") && asked.contains("2-bbb"), "a second revision is fetched with its history: {asked}");
    assert!(asked.contains("mood:2") && asked.contains("1-ccc"), "a row whose document moved on is fetched as listed: {asked}");
    assert_eq!(block_on(store.get_doc("mood:1")).expect("read").expect("stored")["score"], 5);
    assert_eq!(block_on(store.get_doc("goal:1")).expect("read").expect("stored")["title"], "walk");
}
