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
        .route_body(Method::Get, &format!("/{DB}/_changes?style=all_docs&since=0&"), 200, &changes_page())
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
