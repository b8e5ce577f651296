//! The browser tier: the shared store suite and IndexedDB-specific tests, run on `IdbStore` in
//! headless Chromium.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test store_in_browser`
//! (the runner comes from `.cargo/config.toml`; Chrome's flags from `webdriver.json`).
#![cfg(target_arch = "wasm32")]

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use serde_json::json;
use tandem::store::indexed_db::{delete_database, error_from_dom, IdbStore};
use tandem::store::schema::{self, v1, v2};
use tandem::store::{Op, Store, StoreError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh database per test, named after it, so tests never share state.
async fn make(name: &str) -> IdbStore {
    delete_database(name).await.expect("delete the test database");
    IdbStore::open_named(name).await.expect("open the test database")
}

tandem::store_suite!(browser, make);

/// Opens a second, raw connection (no version: never upgrades), as another tab or a test would.
async fn raw(name: &str) -> Database {
    Database::open(name).await.expect("raw open")
}

#[wasm_bindgen_test]
async fn fresh_open_creates_the_current_schema() {
    let _store = make("fresh").await;
    let db = raw("fresh").await;
    assert_eq!(db.version(), f64::from(schema::CURRENT_VERSION));
    assert_eq!(schema::CURRENT_VERSION, 2);
    let mut names: Vec<String> = db.object_store_names().collect();
    names.sort();
    assert_eq!(names, [v1::DOCS, v1::DRAFTS, v1::META, v2::REVS]);

    let tx = db.transaction([v1::DOCS, v1::DRAFTS, v1::META, v2::REVS]).build().unwrap();
    let key_path = |store: &str| tx.object_store(store).unwrap().as_sys().key_path().unwrap().as_string();
    assert_eq!(key_path(v1::DOCS).as_deref(), Some(v1::DOCS_KEY_PATH));
    assert_eq!(key_path(v1::DRAFTS).as_deref(), Some(v1::KV_KEY_PATH));
    assert_eq!(key_path(v1::META).as_deref(), Some(v1::KV_KEY_PATH));
    assert_eq!(key_path(v2::REVS).as_deref(), Some(v2::REVS_KEY_PATH));
    let index_of = |store: &str, index: &str| tx.object_store(store).unwrap().index(index).unwrap().as_sys().clone();
    for (store, index, path) in [(v1::DOCS, v1::DOCS_BY_TYPE, v1::DOCS_BY_TYPE_KEY_PATH), (v2::REVS, v2::REVS_BY_SEQ, v2::REVS_BY_SEQ_KEY_PATH)] {
        let index = index_of(store, index);
        assert_eq!(index.key_path().unwrap().as_string().as_deref(), Some(path));
        assert!(!index.unique() && !index.multi_entry());
    }
    drop(tx);
    db.close();
}

#[wasm_bindgen_test]
async fn a_version_with_no_upgrade_step_fails_and_changes_nothing() {
    delete_database("no_step").await.unwrap();
    let opened = IdbStore::open_at_version("no_step", schema::CURRENT_VERSION + 1).await.map(drop);
    assert_eq!(opened, Err(StoreError::Other(format!("no migration from version {}", schema::CURRENT_VERSION))));
    // The aborted upgrade left no database behind (a raw open creates an empty one at version 1).
    let db = raw("no_step").await;
    assert_eq!(db.object_store_names().count(), 0);
    db.close();
}

#[wasm_bindgen_test]
async fn version_1_documents_get_revisions_when_upgraded() {
    // A database as the first release left it: version 1, documents without revisions.
    delete_database("upgrade_1_2").await.unwrap();
    IdbStore::open_at_version("upgrade_1_2", 1).await.unwrap();
    let db = raw("upgrade_1_2").await;
    let tx = db.transaction(v1::DOCS).with_mode(TransactionMode::Readwrite).build().unwrap();
    let docs = tx.object_store(v1::DOCS).unwrap();
    for id in ["mood:1", "checkin:2026-11-20"] {
        let doc = js_object(&[("_id", id.into()), ("type", id.split(':').next().unwrap().into()), ("schema", 1.into())]);
        docs.put(doc).await.unwrap();
    }
    drop(docs);
    tx.commit().await.unwrap();
    db.close();

    let store = IdbStore::open_named("upgrade_1_2").await.unwrap();
    let mood = store.get_doc("mood:1").await.unwrap().unwrap();
    assert!(mood["_rev"].as_str().unwrap().starts_with("1-"), "{mood}");
    let changes = store.changes_since(0, 10).await.unwrap();
    let ids: Vec<&str> = changes.iter().map(|c| c.state.id.as_str()).collect();
    assert_eq!(ids, ["checkin:2026-11-20", "mood:1"], "both are in the changes push reads");
    assert_eq!(changes[1].state.winner_doc().unwrap(), mood);
    drop(store);

    // The data step runs once: opening again gives out no new sequence numbers.
    let store = IdbStore::open_named("upgrade_1_2").await.unwrap();
    assert_eq!(store.changes_since(0, 10).await.unwrap().last().map(|c| c.seq), Some(2));
    assert_eq!(store.get_doc("mood:1").await.unwrap().unwrap(), mood);
}

#[wasm_bindgen_test]
async fn a_database_from_a_newer_tandem_is_too_new() {
    delete_database("too_new").await.unwrap();
    Database::open("too_new").with_version(schema::CURRENT_VERSION + 1).await.unwrap().close();
    let opened = IdbStore::open_named("too_new").await.map(drop);
    assert_eq!(opened, Err(StoreError::TooNew { found: schema::CURRENT_VERSION + 1, supported: schema::CURRENT_VERSION }));
}

#[wasm_bindgen_test]
async fn unreadable_records_are_reported_and_the_rest_load() {
    let store = make("unreadable").await;
    let good = |id: &str| json!({"_id": id, "type": "mood", "schema": 1});
    store.apply(vec![Op::PutDoc(good("mood:1")), Op::PutDoc(good("mood:3"))]).await.unwrap();

    // Written behind the store's back, as an older/buggy build or another tool might have done:
    // a BigInt (JSON.stringify refuses it) and a numeric _id (a valid key, but not a document id).
    let db = raw("unreadable").await;
    let tx = db.transaction(v1::DOCS).with_mode(TransactionMode::Readwrite).build().unwrap();
    let docs = tx.object_store(v1::DOCS).unwrap();
    let big = js_object(&[("_id", "mood:2".into()), ("type", "mood".into()), ("n", js_sys::BigInt::from(1u32).into())]);
    let numeric = js_object(&[("_id", 7.into()), ("type", "mood".into())]);
    docs.put(big).build().unwrap();
    docs.put(numeric).build().unwrap();
    tx.commit().await.unwrap();
    db.close();

    let loaded = store.docs_of_type("mood").await.unwrap();
    let ids: Vec<&str> = loaded.docs.iter().filter_map(|d| d["_id"].as_str()).collect();
    assert_eq!(ids, ["mood:1", "mood:3"]);
    let keys: Vec<&str> = loaded.unreadable.iter().map(|u| u.key.as_str()).collect();
    assert_eq!(keys, ["7", "mood:2"], "{:?}", loaded.unreadable);
    assert!(loaded.unreadable[1].reason.contains("BigInt"), "{:?}", loaded.unreadable);
    assert!(loaded.unreadable[0].reason.contains("_id"), "{:?}", loaded.unreadable);

    assert!(matches!(store.get_doc("mood:2").await, Err(StoreError::Other(_))));
    let mut read = store.get_doc("mood:1").await.unwrap().unwrap();
    read.as_object_mut().unwrap().remove("_rev");
    assert_eq!(read, good("mood:1"));
    // Still there, untouched: reported, never deleted.
    assert_eq!(store.docs_of_type("mood").await.unwrap().unreadable.len(), 2);
}

#[wasm_bindgen_test]
async fn ids_sort_by_code_point_like_the_memory_store() {
    // IndexedDB orders keys by UTF-16 code units, which puts "🙂" (a surrogate pair, D83D…)
    // before U+E000 and U+FF61; Rust (and so MemoryStore) orders by code point.
    let ops = || ["mood:\u{FF61}", "mood:\u{1F642}", "mood:a", "mood:\u{E000}"].map(|id| Op::PutDoc(json!({"_id": id, "type": "mood"}))).to_vec();
    let idb = make("code_points").await;
    idb.apply(ops()).await.unwrap();
    let memory = tandem::store::memory::MemoryStore::new();
    memory.apply(ops()).await.unwrap();
    let ids = |docs: &[serde_json::Value]| docs.iter().filter_map(|d| d["_id"].as_str().map(String::from)).collect::<Vec<_>>();
    let expected = ["mood:a", "mood:\u{E000}", "mood:\u{FF61}", "mood:\u{1F642}"];
    assert_eq!(ids(&memory.docs_of_type("mood").await.unwrap().docs), expected);
    assert_eq!(ids(&idb.docs_of_type("mood").await.unwrap().docs), expected);

    // The raw index order really differs, so it is the store's sort that makes the line above pass.
    let db = raw("code_points").await;
    let tx = db.transaction(v1::DOCS).build().unwrap();
    let store = tx.object_store(v1::DOCS).unwrap();
    let index = store.index(v1::DOCS_BY_TYPE).unwrap();
    let raw_ids: Vec<String> = index.get_all_keys::<String>().with_query::<&str, _>("mood").await.unwrap().map(Result::unwrap).collect();
    assert_eq!(raw_ids, ["mood:a", "mood:\u{1F642}", "mood:\u{E000}", "mood:\u{FF61}"]);
    drop(store);
    drop(tx);
    db.close();
}

#[wasm_bindgen_test]
async fn known_documents_are_found_whatever_the_order_of_their_ids() {
    // Reading a page's states first counts the keys between its smallest and largest id, in
    // IndexedDB's order (UTF-16), where "🙂" comes before U+E000 although Rust puts it after.
    let idb = make("state_bounds").await;
    idb.apply(vec![Op::PutDoc(json!({"_id": "mood:\u{1F642}", "type": "mood"}))]).await.unwrap();
    let ids = ["mood:\u{E000}", "mood:\u{1F642}", "mood:\u{FF61}"].map(String::from);
    let states = idb.doc_states(&ids).await.unwrap();
    assert_eq!(states.iter().map(|s| !s.tree.is_empty()).collect::<Vec<_>>(), [false, true, false]);
    // A page of new documents only: nothing stored between its bounds, so nothing is known.
    let fresh = ["mood:b", "mood:c"].map(String::from);
    assert!(idb.doc_states(&fresh).await.unwrap().iter().all(|s| s.tree.is_empty()));
    // A received revision of a known document, in a batch with new ones, extends its tree.
    let rev = idb.get_doc("mood:\u{1F642}").await.unwrap().unwrap()["_rev"].as_str().unwrap().to_owned();
    let (n, hash) = rev.split_once('-').unwrap();
    let next = format!("{}-{}", n.parse::<u64>().unwrap() + 1, "f".repeat(32));
    let received = json!({"_id": "mood:\u{1F642}", "_rev": next, "type": "mood", "score": 2,
        "_revisions": {"start": n.parse::<u64>().unwrap() + 1, "ids": ["f".repeat(32), hash]}});
    idb.apply(vec![Op::ReceiveDoc(received), Op::PutDoc(json!({"_id": "mood:\u{E000}", "type": "mood"}))]).await.unwrap();
    let state = &idb.doc_states(&ids[1..2]).await.unwrap()[0];
    assert_eq!(state.tree.leaves(), [next.as_str()], "the received revision extends the known one");
}

#[wasm_bindgen_test]
fn dom_exceptions_map_to_store_errors() {
    let dom = |name: &str| web_sys::DomException::new_with_message_and_name("the message", name).unwrap();
    assert_eq!(error_from_dom(&dom("QuotaExceededError")), StoreError::QuotaExceeded);
    assert_eq!(error_from_dom(&dom("VersionError")), StoreError::TooNew { found: 0, supported: schema::CURRENT_VERSION });
    assert_eq!(error_from_dom(&dom("DataError")), StoreError::Invalid("the message".into()));
    assert_eq!(error_from_dom(&dom("SecurityError")), StoreError::Unavailable("the message".into()));
    assert_eq!(error_from_dom(&dom("InvalidStateError")), StoreError::Other("InvalidStateError: the message".into()));
    assert_eq!(error_from_dom(&dom("UnknownError")), StoreError::Other("UnknownError: the message".into()));
}

#[wasm_bindgen_test]
async fn an_older_connection_that_will_not_close_blocks_the_upgrade() {
    delete_database("blocked").await.unwrap();
    // Like an old tab: a connection with no versionchange handler, so it never closes.
    let current = schema::CURRENT_VERSION;
    let old_tab = Database::open("blocked").with_version(current).await.unwrap();
    let opened = IdbStore::open_at_version("blocked", current + 1).await.map(drop);
    assert_eq!(opened, Err(StoreError::Blocked));

    // Once the old tab goes, the abandoned open proceeds in the background. This build has no
    // migration to the next version, so that upgrade must abort rather than bump the version
    // without a schema. Opens of one database run in order, so this one waits for that attempt.
    old_tab.close();
    let db = raw("blocked").await;
    assert_eq!(db.version(), f64::from(current));
    db.close();
}

#[wasm_bindgen_test]
async fn our_connection_steps_aside_for_a_newer_tab() {
    let store = make("steps_aside").await;
    store.put_draft("mood", &json!({"score": 3})).await.unwrap();
    // A "newer tab" asks for the next version: our connection closes instead of blocking it.
    // (The upgrade itself then fails — this build has no step to it — but it was not blocked.)
    let (current, next) = (schema::CURRENT_VERSION, schema::CURRENT_VERSION + 1);
    let newer = IdbStore::open_at_version("steps_aside", next).await.map(drop);
    assert!(matches!(newer, Err(StoreError::Other(ref m)) if m.contains("no migration")), "{newer:?}");
    assert_eq!(store.get_draft("mood").await, Err(StoreError::TooNew { found: next, supported: current }));
    assert_eq!(store.put_draft("mood", &json!({})).await, Err(StoreError::TooNew { found: next, supported: current }));
}

#[wasm_bindgen_test]
async fn deleting_the_database_elsewhere_is_reported() {
    let store = make("deleted").await;
    delete_database("deleted").await.unwrap(); // would hang if our connection did not close
    assert!(matches!(store.get_meta("m").await, Err(StoreError::Other(ref m)) if m.contains("deleted")));
}

#[wasm_bindgen_test]
async fn writes_are_single_strict_transactions() {
    let store = make("strict").await;
    spy_start("strict");
    store.put_draft("mood", &json!({"score": 1})).await.unwrap();
    store
        .apply(vec![
            Op::PutDoc(json!({"_id": "mood:1", "type": "mood"})),
            Op::DeleteDraft("mood".into()),
            Op::PutMeta { key: "m".into(), value: json!(1) },
        ])
        .await
        .unwrap();
    store.apply(vec![Op::PutMeta { key: "m".into(), value: json!(2) }]).await.unwrap();
    store.get_meta("m").await.unwrap();
    let seen: Vec<String> = spy_stop().iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(
        seen,
        ["readwrite strict drafts", "readwrite strict docs,drafts,meta,revs", "readwrite strict meta", "readonly default meta"]
    );
}

#[wasm_bindgen_test]
async fn draft_and_meta_values_of_every_json_kind_round_trip() {
    let store = make("kinds").await;
    for value in [json!(null), json!(false), json!(0), json!(-1.5), json!("text"), json!([]), json!({"a": {"b": [null]}}), json!({"__proto__": {"own": "field"}})] {
        store.put_draft("d", &value).await.unwrap();
        assert_eq!(store.get_draft("d").await.unwrap(), Some(value.clone()));
        store.apply(vec![Op::PutMeta { key: "m".into(), value: value.clone() }]).await.unwrap();
        assert_eq!(store.get_meta("m").await.unwrap(), Some(value));
    }
}

#[wasm_bindgen_test]
async fn no_indexed_db_means_unavailable() {
    for how in ["null", "throw"] {
        hide_indexed_db(how);
        let opened = IdbStore::open_named("hidden").await.map(drop);
        restore_indexed_db();
        assert!(matches!(opened, Err(StoreError::Unavailable(_))), "{how}: {opened:?}");
    }
    // And it was only hidden: the real one works again.
    make("hidden").await;
}

fn js_object(fields: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&obj, &JsValue::from_str(k), v).unwrap();
    }
    obj.into()
}

// Records every transaction opened on one database ("mode durability store,names"), and hides
// `window.indexedDB` as some private modes do.
#[wasm_bindgen(inline_js = r#"
let original = null, seen = [];
export function spy_start(dbName) {
  original = IDBDatabase.prototype.transaction;
  seen = [];
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = original.apply(this, args);
    if (this.name === dbName) seen.push(`${tx.mode} ${tx.durability} ${Array.from(tx.objectStoreNames).join(",")}`);
    return tx;
  };
}
let idbDescriptor = null;
export function hide_indexed_db(how) {
  idbDescriptor = Object.getOwnPropertyDescriptor(window, "indexedDB");
  const get = how === "throw" ? () => { throw new DOMException("denied", "SecurityError"); } : () => null;
  Object.defineProperty(window, "indexedDB", { get, configurable: true });
}
export function restore_indexed_db() {
  Object.defineProperty(window, "indexedDB", idbDescriptor);
}
export function spy_stop() {
  IDBDatabase.prototype.transaction = original;
  return seen;
}
"#)]
extern "C" {
    fn spy_start(db_name: &str);
    fn spy_stop() -> js_sys::Array;
    fn hide_indexed_db(how: &str);
    fn restore_indexed_db();
}

#[wasm_bindgen_test]
async fn a_first_revision_from_the_server_is_one_record_until_it_changes() {
    // A first sync writes one record per document, not two: the winner alone says everything the
    // revision record would (see `write_states`). The suite checks it reads back like any other.
    let store = make("implied_record").await;
    let first = |id: &str, rev: &str| json!({"_id": id, "_rev": rev, "_revisions": {"start": 1, "ids": [&rev[2..]]}, "type": "mood"});
    let older = json!({"_id": "mood:3", "_rev": "2-bbb", "_revisions": {"start": 2, "ids": ["bbb", "aaa"]}, "type": "mood"});
    store.apply(vec![Op::ReceiveDoc(first("mood:1", "1-aaa")), Op::ReceiveDoc(first("mood:2", "1-aaa")), Op::ReceiveDoc(older)]).await.unwrap();
    let revs_keys = || async {
        let db = raw("implied_record").await;
        let tx = db.transaction(v2::REVS).build().unwrap();
        let keys: Vec<String> = tx.object_store(v2::REVS).unwrap().get_all_keys::<String>().await.unwrap().map(Result::unwrap).collect();
        drop(tx);
        db.close();
        keys
    };
    assert_eq!(revs_keys().await, ["mood:3"], "only the document with ancestry has a revision record");
    // A conflicting revision, and a local edit: now their records are needed, and written.
    store.apply(vec![Op::ReceiveDoc(first("mood:1", "1-bbb"))]).await.unwrap();
    let mut mine = store.get_doc("mood:2").await.unwrap().unwrap();
    mine["note"] = json!("mine");
    store.apply(vec![Op::PutDoc(mine)]).await.unwrap();
    assert_eq!(revs_keys().await, ["mood:1", "mood:2", "mood:3"]);
    let states = store.doc_states(&["mood:1".to_owned(), "mood:2".to_owned()]).await.unwrap();
    assert_eq!(states[0].tree.leaves(), ["1-aaa", "1-bbb"]);
    assert_eq!(states[1].seq, 1);
}
