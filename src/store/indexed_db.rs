//! The browser store: IndexedDB through `indexed_db_futures`.
//!
//! - One connection, opened once and reused; every call is one transaction.
//! - Writes use durability "strict": a draft must survive a power cut, not only a tab crash.
//! - `indexed_db_futures` transactions roll back when dropped: every early return (`?`) before
//!   `commit().await` aborts the batch, which is exactly the all-or-nothing `apply` needs.
//! - Documents are stored as plain JS objects, built field by field (see `js_of`), so the `type`
//!   index works, and read back through `JSON.stringify`. Numbers are therefore JS doubles, as in CouchDB.
//! - The database is opened with the library's request future but our own `upgradeneeded` and
//!   `blocked` handlers (see `OpenHandlers`).
//! - Nothing here may panic: stored data and the browser are outside our control and the app is
//!   built with `panic = "abort"`.

use super::schema::{self, v1, v2};
use super::versioned::{DocState, RevRecord};
use super::{apply_doc_ops, sequence_changes, doc_ids_of, Applied, Change, Loaded, Op, Store, StoreError, Unreadable, LOCAL_SEQ_KEY};
use indexed_db_futures::database::Database;
use indexed_db_futures::error::{Error as IdbError, JSError, OpenDbError};
use indexed_db_futures::factory::DBFactory;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyRange;
use serde_json::Value;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Why our connection was closed under us (see the `versionchange` handler).
#[derive(Clone, Copy)]
enum Closed {
    /// Another tab is upgrading the database to this version.
    Upgraded(u32),
    /// Another tab deleted the database.
    Deleted,
}

pub struct IdbStore {
    db: Database,
    closed: Rc<Cell<Option<Closed>>>,
    // Kept alive for as long as the connection: dropping it would invalidate the JS handler.
    _on_versionchange: Closure<dyn FnMut(web_sys::IdbVersionChangeEvent)>,
}

impl IdbStore {
    /// Opens (creating or upgrading as needed) the app's database.
    pub async fn open() -> Result<IdbStore, StoreError> {
        Self::open_at_version(schema::DB_NAME, schema::CURRENT_VERSION).await
    }

    /// Opens another database with the app's schema (tests use one per test).
    pub async fn open_named(name: &str) -> Result<IdbStore, StoreError> {
        Self::open_at_version(name, schema::CURRENT_VERSION).await
    }

    /// Opens `name` at `version`. Only the browser tests call this with another version than
    /// [`schema::CURRENT_VERSION`]: it is how they provoke a blocked upgrade.
    #[doc(hidden)]
    pub async fn open_at_version(name: &str, version: u32) -> Result<IdbStore, StoreError> {
        let factory = DBFactory::new().map_err(no_factory)?;
        let mut request = factory.open_db(name).with_version(version).build().map_err(open_error)?;
        let handlers = OpenHandlers::attach(request.as_sys());

        // Wait for the open to finish, or give up as soon as the browser says it is blocked by an
        // older connection that will not close (an older Tandem tab): the person must be told.
        let outcome = poll_fn(|cx| match request.poll_unpinned(cx) {
            Poll::Ready(result) => Poll::Ready(Some(result)),
            Poll::Pending if handlers.blocked.is_raised(cx.waker()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        })
        .await;

        let db = match outcome {
            Some(Ok(db)) => db,
            Some(Err(e)) => {
                // A failed upgrade step says what failed; the browser only reports the abort it caused.
                if let Some(failed) = handlers.upgrade_failure.take() {
                    return Err(failed);
                }
                return Err(match open_error(e) {
                    StoreError::TooNew { supported, .. } => {
                        StoreError::TooNew { found: version_on_disk(&factory, name).await.unwrap_or(0), supported }
                    }
                    other => other,
                })
            }
            None => {
                // The request stays queued in the browser. Dropping it would detach our upgrade
                // handler, and the upgrade would then run later without creating the stores, so
                // let it finish in the background (migration included) and close what it opens.
                wasm_bindgen_futures::spawn_local(async move {
                    let _upgrade_runs_meanwhile = handlers;
                    if let Ok(db) = request.await {
                        db.close();
                    }
                });
                return Err(StoreError::Blocked);
            }
        };

        drop(handlers);

        // Close this connection as soon as a newer tab wants to upgrade (or delete) the database,
        // so this tab never blocks it; later calls here then say why they cannot save.
        let closed = Rc::new(Cell::new(None));
        let (flag, conn) = (closed.clone(), db.clone());
        let on_versionchange = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(move |e: web_sys::IdbVersionChangeEvent| {
            flag.set(Some(match e.new_version() {
                Some(v) => Closed::Upgraded(v as u32),
                None => Closed::Deleted,
            }));
            conn.as_sys().close();
        });
        db.as_sys().set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
        let store = IdbStore { db, closed, _on_versionchange: on_versionchange };
        if version >= 2 {
            store.backfill_revs().await?;
        }
        Ok(store)
    }

    /// The data step of the upgrade to version 2: gives every document written under version 1
    /// its revision record (and so a place in the changes push reads). One transaction; the flag
    /// it sets at the end makes later opens skip it.
    async fn backfill_revs(&self) -> Result<(), StoreError> {
        if self.get_kv(v1::META, v2::BACKFILLED).await?.is_some() {
            return Ok(());
        }
        let tx = write_tx(self.db()?, [v1::DOCS, v2::REVS, v1::META].as_slice())?;
        let raw = tx.as_sys().clone();
        let docs = tx.object_store(v1::DOCS).map_err(idb_error)?;
        let revs = tx.object_store(v2::REVS).map_err(idb_error)?;
        let meta = tx.object_store(v1::META).map_err(idb_error)?;
        let all_docs = docs.get_all::<JsValue>().build().map_err(idb_error)?.await.map_err(idb_error)?;
        let mut seq = read_seq(&meta).await?;
        for record in all_docs {
            // An unreadable document stays as it is, unversioned, rather than blocking the rest.
            let Ok(doc) = doc_of(&record.map_err(idb_error)?) else { continue };
            let Some(id) = doc.get("_id").and_then(Value::as_str) else { continue };
            let state = DocState::load(id, None, Some(&doc));
            seq += 1;
            write_state(&docs, &revs, state, seq)?;
        }
        meta.put(kv_js(LOCAL_SEQ_KEY, &Value::from(seq))).build().map_err(idb_error)?;
        meta.put(kv_js(v2::BACKFILLED, &Value::Bool(true))).build().map_err(idb_error)?;
        tx.commit().await.map_err(|e| commit_error(&raw, e))
    }

    /// The open connection, or why it was closed.
    fn db(&self) -> Result<&Database, StoreError> {
        match self.closed.get() {
            None => Ok(&self.db),
            Some(Closed::Upgraded(found)) => Err(StoreError::TooNew { found, supported: schema::CURRENT_VERSION }),
            Some(Closed::Deleted) => Err(StoreError::Other("Tandem's storage on this device was deleted by another tab".into())),
        }
    }

    /// Reads one `{ key, value }` record's value from `drafts` or `meta`.
    async fn get_kv(&self, store: &str, key: &str) -> Result<Option<Value>, StoreError> {
        let Some(record) = self.get(store, key).await? else { return Ok(None) };
        let value = js_sys::Reflect::get(&record, &JsValue::from_str("value")).map_err(|e| StoreError::Other(describe(&e)))?;
        json_of(&value).map(Some).map_err(|why| StoreError::Other(format!("the saved {store} entry {key} could not be read: {why}")))
    }

    async fn get(&self, store: &str, key: &str) -> Result<Option<JsValue>, StoreError> {
        let tx = self.db()?.transaction(store).build().map_err(idb_error)?;
        let request = tx.object_store(store).map_err(idb_error)?.get::<JsValue, &str, _>(key).build().map_err(idb_error)?;
        // Dropping a read-only transaction after its one read just ends it; nothing to roll back.
        request.await.map_err(idb_error)
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        // An open connection would block other tabs' upgrades until garbage collection.
        let db = self.db.as_sys();
        db.set_onversionchange(None);
        db.close();
    }
}

impl Store for IdbStore {
    async fn get_doc(&self, id: &str) -> Result<Option<Value>, StoreError> {
        let Some(record) = self.get(v1::DOCS, id).await? else { return Ok(None) };
        doc_of(&record).map(Some).map_err(|u| StoreError::Other(format!("document {} could not be read: {}", u.key, u.reason)))
    }

    async fn docs_of_type(&self, doc_type: &str) -> Result<Loaded, StoreError> {
        let tx = self.db()?.transaction(v1::DOCS).build().map_err(idb_error)?;
        let store = tx.object_store(v1::DOCS).map_err(idb_error)?;
        let index = store.index(v1::DOCS_BY_TYPE).map_err(idb_error)?;
        let records = index.get_all::<JsValue>().with_query::<&str, _>(doc_type).build().map_err(idb_error)?.await.map_err(idb_error)?;
        let records = records.collect::<Result<Vec<JsValue>, _>>().map_err(idb_error)?;
        Ok(loaded_of(records, |_| true))
    }

    async fn newest_of_type(&self, doc_type: &str, prefix: &str, limit: usize) -> Result<Loaded, StoreError> {
        let tx = self.db()?.transaction(v1::DOCS).build().map_err(idb_error)?;
        let store = tx.object_store(v1::DOCS).map_err(idb_error)?;
        // Every id that starts with `prefix` sorts between these (IndexedDB compares UTF-16 code units).
        let high = format!("{prefix}\u{FFFF}");
        let keys = store.get_all_keys::<JsValue>().with_query::<&str, _>(KeyRange::Bound(prefix, false, high.as_str(), false)).build().map_err(idb_error)?.await.map_err(idb_error)?;
        let keys = keys.collect::<Result<Vec<JsValue>, _>>().map_err(idb_error)?;
        // Only the keys are read for all of them; records only for the last `limit`.
        let Some(low) = keys.len().checked_sub(limit.max(1)).and_then(|i| keys.get(i)).or_else(|| keys.first()).and_then(JsValue::as_string) else {
            return Ok(Loaded::default());
        };
        let records = store.get_all::<JsValue>().with_query::<&str, _>(KeyRange::Bound(low.as_str(), false, high.as_str(), false)).build().map_err(idb_error)?.await.map_err(idb_error)?;
        let records = records.collect::<Result<Vec<JsValue>, _>>().map_err(idb_error)?;
        Ok(loaded_of(records, |doc| doc.get("type").and_then(Value::as_str) == Some(doc_type)))
    }

    async fn get_draft(&self, key: &str) -> Result<Option<Value>, StoreError> {
        self.get_kv(v1::DRAFTS, key).await
    }

    async fn put_draft(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        // The keystroke path: one put, one strict transaction, no reads.
        let record = kv_js(key, value);
        let tx = write_tx(self.db()?, v1::DRAFTS)?;
        let raw = tx.as_sys().clone();
        tx.object_store(v1::DRAFTS).map_err(idb_error)?.put(record).build().map_err(idb_error)?;
        tx.commit().await.map_err(|e| commit_error(&raw, e))
    }

    async fn get_meta(&self, key: &str) -> Result<Option<Value>, StoreError> {
        self.get_kv(v1::META, key).await
    }

    async fn apply(&self, ops: Vec<Op>) -> Result<Applied, StoreError> {
        let db = self.db()?;
        let doc_ids = doc_ids_of(&ops)?;
        let mut names: Vec<&str> = if doc_ids.is_empty() { Vec::new() } else { vec![v1::DOCS, v2::REVS, v1::META] };
        for name in ops.iter().map(store_of) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        if names.is_empty() {
            return Ok(Applied::default());
        }
        let tx = write_tx(db, names.as_slice())?;
        let raw = tx.as_sys().clone();
        // Requests go out as they are built; results arrive through the transaction's commit.
        // Any `?` below drops `tx`, which aborts it and rolls back every request made so far.
        let mut applied = Applied::default();
        if !doc_ids.is_empty() {
            let docs = tx.object_store(v1::DOCS).map_err(idb_error)?;
            let revs = tx.object_store(v2::REVS).map_err(idb_error)?;
            let meta = tx.object_store(v1::META).map_err(idb_error)?;
            let loaded = read_states(&docs, &revs, &doc_ids).await?;
            let mut seq = read_seq(&meta).await?;
            let mut new_here = BTreeSet::new();
            for state in loaded.iter().filter(|s| s.tree.is_empty()) {
                new_here.insert(state.id.clone());
            }
            let mut states: BTreeMap<String, DocState> = doc_ids.iter().cloned().zip(loaded).collect();
            let (done, changed) = apply_doc_ops(&ops, &mut states)?;
            applied = done;
            write_states(&docs, &revs, sequence_changes(changed, &mut states, &mut seq), &new_here)?;
            meta.put(kv_js(LOCAL_SEQ_KEY, &Value::from(seq))).build().map_err(idb_error)?;
        }
        for op in &ops {
            let built = match op {
                Op::PutDoc(_) | Op::DeleteDoc(_) | Op::ReceiveDoc(_) | Op::ResolveConflict { .. } => continue,
                Op::PutDraft { key, value } | Op::PutMeta { key, value } => {
                    tx.object_store(store_of(op)).map_err(idb_error)?.put(kv_js(key, value)).build().map(drop)
                }
                Op::DeleteDraft(key) => tx.object_store(v1::DRAFTS).map_err(idb_error)?.delete::<&str, _>(key.as_str()).build().map(drop),
            };
            built.map_err(idb_error)?;
        }
        tx.commit().await.map_err(|e| commit_error(&raw, e))?;
        Ok(applied)
    }

    async fn changes_since(&self, since: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let tx = self.db()?.transaction([v1::DOCS, v2::REVS].as_slice()).build().map_err(idb_error)?;
        let docs = tx.object_store(v1::DOCS).map_err(idb_error)?;
        let revs = tx.object_store(v2::REVS).map_err(idb_error)?;
        let by_seq = revs.index(v2::REVS_BY_SEQ).map_err(idb_error)?;
        let after = KeyRange::LowerBound(since as f64, true);
        let limit = u32::try_from(limit).unwrap_or(u32::MAX);
        let records = by_seq.get_all::<JsValue>().with_query::<f64, _>(after).with_limit(limit).build().map_err(idb_error)?.await.map_err(idb_error)?;
        let mut records: Vec<RevRecord> = records.into_iter().filter_map(|r| r.ok().as_ref().and_then(rev_record_of)).collect();
        records.retain(|r| r.seq > since);
        let winners: Vec<_> = records.iter().map(|r| docs.get::<JsValue, &str, _>(r.id.as_str()).build().map_err(idb_error)).collect::<Result<_, _>>()?;
        let mut changes = Vec::with_capacity(records.len());
        for (record, winner) in records.into_iter().zip(winners) {
            let winner = winner.await.map_err(idb_error)?.as_ref().and_then(|w| doc_of(w).ok());
            let (id, seq) = (record.id.clone(), record.seq);
            changes.push(Change { seq, state: DocState::load(&id, Some(record), winner.as_ref()) });
        }
        Ok(changes)
    }

    async fn count_changes_since(&self, since: u64) -> Result<usize, StoreError> {
        let tx = self.db()?.transaction(v2::REVS).build().map_err(idb_error)?;
        let revs = tx.object_store(v2::REVS).map_err(idb_error)?;
        let by_seq = revs.index(v2::REVS_BY_SEQ).map_err(idb_error)?;
        let after = KeyRange::LowerBound(since as f64, true);
        let n = by_seq.count().with_query::<f64, _>(after).build().map_err(idb_error)?.await.map_err(idb_error)?;
        Ok(n as usize)
    }

    async fn doc_states(&self, ids: &[String]) -> Result<Vec<DocState>, StoreError> {
        let tx = self.db()?.transaction([v1::DOCS, v2::REVS].as_slice()).build().map_err(idb_error)?;
        let docs = tx.object_store(v1::DOCS).map_err(idb_error)?;
        let revs = tx.object_store(v2::REVS).map_err(idb_error)?;
        read_states(&docs, &revs, ids).await
    }
}

/// The states of `ids` (empty for unknown ones), in order. When neither table holds any key
/// between the smallest and the largest of them (a first sync, a page of new documents), two
/// counts answer for all of them; otherwise every read is sent before the first is awaited, so a
/// page of hundreds of documents costs one round of reads, not hundreds.
async fn read_states(docs: &ObjectStore<'_>, revs: &ObjectStore<'_>, ids: &[String]) -> Result<Vec<DocState>, StoreError> {
    // The bounds in IndexedDB's order (UTF-16 code units), which is not Rust's for every text.
    let utf16 = |a: &&String, b: &&String| a.encode_utf16().cmp(b.encode_utf16());
    if let (Some(low), Some(high)) = (ids.iter().min_by(utf16), ids.iter().max_by(utf16)) {
        let range = || KeyRange::Bound(low.as_str(), false, high.as_str(), false);
        let in_revs = revs.count().with_query::<&str, _>(range()).build().map_err(idb_error)?;
        let in_docs = docs.count().with_query::<&str, _>(range()).build().map_err(idb_error)?;
        if in_revs.await.map_err(idb_error)? == 0 && in_docs.await.map_err(idb_error)? == 0 {
            return Ok(ids.iter().map(|id| DocState::load(id, None, None)).collect());
        }
    }
    let mut reads = Vec::with_capacity(ids.len());
    for id in ids {
        let record = revs.get::<JsValue, &str, _>(id.as_str()).build().map_err(idb_error)?;
        let winner = docs.get::<JsValue, &str, _>(id.as_str()).build().map_err(idb_error)?;
        reads.push((record, winner));
    }
    let mut states = Vec::with_capacity(ids.len());
    for (id, (record, winner)) in ids.iter().zip(reads) {
        let record = record.await.map_err(idb_error)?;
        let winner = winner.await.map_err(idb_error)?;
        states.push(load_state(id, record.as_ref(), winner.as_ref())?);
    }
    Ok(states)
}

/// The last local sequence number given out (0 before the first write).
async fn read_seq(meta: &indexed_db_futures::object_store::ObjectStore<'_>) -> Result<u64, StoreError> {
    let record = meta.get::<JsValue, &str, _>(LOCAL_SEQ_KEY).build().map_err(idb_error)?.await.map_err(idb_error)?;
    let value = record.map(|r| js_sys::Reflect::get(&r, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED));
    Ok(value.and_then(|v| v.as_f64()).map_or(0, |n| n as u64))
}

fn rev_record_of(record: &JsValue) -> Option<RevRecord> {
    RevRecord::from_json(json_of(record).ok()?)
}

/// A document's state from its two records. A revision record that cannot be read is rebuilt from
/// the winner (its conflicts are lost, its content is not); a winner that cannot be read stops
/// the write, so it is never replaced by something made without it.
fn load_state(id: &str, record: Option<&JsValue>, winner: Option<&JsValue>) -> Result<DocState, StoreError> {
    let winner = match winner {
        Some(w) => Some(doc_of(w).map_err(|u| StoreError::Other(format!("document {} could not be read: {}", u.key, u.reason)))?),
        None => None,
    };
    Ok(DocState::load(id, record.and_then(rev_record_of), winner.as_ref()))
}

/// Writes a document's new state: its winner to `docs` (or removes it when deleted) and its
/// revision record, with `seq`, to `revs`.
fn write_state(docs: &indexed_db_futures::object_store::ObjectStore<'_>, revs: &indexed_db_futures::object_store::ObjectStore<'_>, state: DocState, seq: u64) -> Result<(), StoreError> {
    let winner = state.winner_doc();
    let id = state.id.clone();
    let record = state.into_record(seq).into_json();
    match winner {
        Some(doc) => docs.put(js_of(&doc)).build().map(drop).map_err(idb_error)?,
        None => docs.delete::<&str, _>(id.as_str()).build().map(drop).map_err(idb_error)?,
    }
    revs.put(js_of(&record)).build().map(drop).map_err(idb_error)
}

/// [`write_state`] for many documents, their records made into JS objects with one `JSON.parse`
/// rather than field by field (each crossing into JS costs more than the parse itself, and a
/// page of a first sync is hundreds of documents). Printed by [`crate::json_text`], which sync
/// needs anyway.
///
/// A document new to this replica (`new_here`) that arrived as one revision and was never changed
/// here gets no revision record: the record would hold nothing that [`DocState::load`] does not
/// work out from the winner alone (see [`DocState::implied_by_winner`]), which is how it is read
/// back. A first sync writes one record per document instead of two; the document's next write
/// (a conflict, a newer revision, a local edit) adds its record as usual.
fn write_states(docs: &ObjectStore<'_>, revs: &ObjectStore<'_>, states: Vec<(DocState, u64)>, new_here: &BTreeSet<String>) -> Result<(), StoreError> {
    let mut values = Vec::with_capacity(states.len() * 2);
    let mut ids = Vec::with_capacity(states.len());
    for (state, seq) in states {
        let winner = state.winner_doc();
        let implied = winner.is_some() && state.implied_by_winner(seq) && new_here.contains(&state.id);
        ids.push(state.id.clone());
        values.push(winner.unwrap_or(Value::Null));
        values.push(if implied { Value::Null } else { state.into_record(seq).into_json() });
    }
    let text = crate::json_text::print(&Value::Array(values));
    let parsed: js_sys::Array = js_sys::JSON::parse(&text).map_err(|e| StoreError::Invalid(describe(&e)))?.unchecked_into();
    for (i, id) in ids.iter().enumerate() {
        let (winner, record) = (parsed.get(2 * i as u32), parsed.get(2 * i as u32 + 1));
        if winner.is_null() {
            docs.delete::<&str, _>(id.as_str()).build().map(drop).map_err(idb_error)?;
        } else {
            docs.put(winner).build().map(drop).map_err(idb_error)?;
        }
        if !record.is_null() {
            revs.put(record).build().map(drop).map_err(idb_error)?;
        }
    }
    Ok(())
}

/// Deletes a database (tests start each from nothing). Waits while another connection to it stays
/// open; our own connections close themselves on `versionchange`.
pub async fn delete_database(name: &str) -> Result<(), StoreError> {
    let factory = DBFactory::new().map_err(no_factory)?;
    factory.delete_db(name).map_err(idb_error)?.await.map_err(idb_error)
}

/// Runs one explicit migration step per version, from what is on disk up to `new_version`.
/// Never edit a released step; add the next one.
fn upgrade(db: &web_sys::IdbDatabase, old_version: f64, new_version: Option<f64>) -> Result<(), StoreError> {
    let (old, new) = (old_version as u32, new_version.unwrap_or(0.0) as u32);
    let key_path = |path: &str| {
        let params = web_sys::IdbObjectStoreParameters::new();
        params.set_key_path(&JsValue::from_str(path));
        params
    };
    for from in old..new {
        match from {
            0 => {
                let docs = db.create_object_store_with_optional_parameters(v1::DOCS, &key_path(v1::DOCS_KEY_PATH)).map_err(upgrade_error)?;
                docs.create_index_with_str(v1::DOCS_BY_TYPE, v1::DOCS_BY_TYPE_KEY_PATH).map_err(upgrade_error)?;
                db.create_object_store_with_optional_parameters(v1::DRAFTS, &key_path(v1::KV_KEY_PATH)).map_err(upgrade_error)?;
                db.create_object_store_with_optional_parameters(v1::META, &key_path(v1::KV_KEY_PATH)).map_err(upgrade_error)?;
            }
            1 => {
                let revs = db.create_object_store_with_optional_parameters(v2::REVS, &key_path(v2::REVS_KEY_PATH)).map_err(upgrade_error)?;
                revs.create_index_with_str(v2::REVS_BY_SEQ, v2::REVS_BY_SEQ_KEY_PATH).map_err(upgrade_error)?;
                // The data step (every version-1 document gets its record) runs after the
                // upgrade: see `IdbStore::backfill_revs`.
            }
            // An error here aborts the upgrade, so the version on disk is never bumped without
            // its schema.
            _ => return Err(StoreError::Other(format!("no migration from version {from}"))),
        }
    }
    Ok(())
}

/// An exception from an upgrade step, as opening reports it.
fn upgrade_error(e: JsValue) -> StoreError {
    match e.dyn_into::<web_sys::DomException>() {
        Ok(dom) => open_dom_error(&dom),
        Err(other) => StoreError::Other(describe(&other)),
    }
}

/// Our `upgradeneeded` and `blocked` handlers on the browser's open request, set directly rather
/// than through `indexed_db_futures`' `with_on_upgrade_needed` / `with_on_blocked`: its handler
/// wrapper formats every error the library can make (value-conversion errors with floats
/// included), which linked Rust's float formatter and the library's whole error `Display` into
/// the app. Dropping this detaches the handlers.
struct OpenHandlers {
    request: web_sys::IdbOpenDbRequest,
    /// Raised when an older connection blocks the upgrade.
    blocked: Rc<Flag>,
    /// Why an upgrade step failed (the handler then throws, which aborts the upgrade).
    upgrade_failure: Rc<Cell<Option<StoreError>>>,
    _on_blocked: Closure<dyn FnMut(web_sys::Event)>,
    _on_upgrade: Closure<dyn FnMut(web_sys::IdbVersionChangeEvent) -> Result<(), JsValue>>,
}

impl OpenHandlers {
    fn attach(request: &web_sys::IdbOpenDbRequest) -> Self {
        let blocked = Rc::new(Flag::default());
        let raise = blocked.clone();
        let on_blocked = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| raise.raise());
        let upgrade_failure = Rc::new(Cell::new(None));
        let (failed, req) = (upgrade_failure.clone(), request.clone());
        let on_upgrade = Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent) -> Result<(), JsValue>>::new(
            move |e: web_sys::IdbVersionChangeEvent| {
                let db = req.result().and_then(|db| db.dyn_into::<web_sys::IdbDatabase>().map_err(JsValue::from));
                let result = db.map_err(upgrade_error).and_then(|db| upgrade(&db, e.old_version(), e.new_version()));
                result.map_err(|err| {
                    let thrown = js_sys::Error::new(&err.to_string());
                    failed.set(Some(err));
                    thrown.into()
                })
            },
        );
        request.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        OpenHandlers { request: request.clone(), blocked, upgrade_failure, _on_blocked: on_blocked, _on_upgrade: on_upgrade }
    }

}

impl Drop for OpenHandlers {
    fn drop(&mut self) {
        self.request.set_onblocked(None);
        self.request.set_onupgradeneeded(None);
    }
}

/// A read-write transaction with strict durability: complete means on disk.
fn write_tx<'a, S: indexed_db_futures::database::ObjectStoreName>(
    db: &'a Database,
    stores: S,
) -> Result<indexed_db_futures::transaction::Transaction<'a>, StoreError> {
    let strict = TransactionOptions::new().with_durability(TransactionDurability::Strict);
    db.transaction(stores).with_mode(TransactionMode::Readwrite).with_options(strict).build().map_err(idb_error)
}

fn store_of(op: &Op) -> &'static str {
    match op {
        Op::PutDoc(_) | Op::DeleteDoc(_) | Op::ReceiveDoc(_) | Op::ResolveConflict { .. } => v1::DOCS,
        Op::PutDraft { .. } | Op::DeleteDraft(_) => v1::DRAFTS,
        Op::PutMeta { .. } => v1::META,
    }
}

/// The version of the database on disk. Opening without a version never upgrades an existing
/// database; should it have vanished meanwhile, refusing the upgrade keeps us from creating it.
async fn version_on_disk(factory: &DBFactory, name: &str) -> Option<u32> {
    let request = factory.open_db(name).build().ok()?;
    // Throwing from `upgradeneeded` aborts it (see `OpenHandlers` for why not `with_on_upgrade_needed`).
    let refuse = Closure::<dyn FnMut(web_sys::Event) -> Result<(), JsValue>>::new(|_| Err(js_sys::Error::new("only reading the version").into()));
    let raw = request.as_sys().clone();
    raw.set_onupgradeneeded(Some(refuse.as_ref().unchecked_ref()));
    let opened = request.await;
    raw.set_onupgradeneeded(None);
    let db = opened.ok()?;
    let version = db.version() as u32;
    db.close();
    Some(version)
}

// ---- JSON <-> JS ----
//
// Single values cross between Rust and IndexedDB as JS objects built and read field by field;
// a batch's writes and a list read cross as one JSON text (`write_states`, `loaded_of`), printed
// and parsed by `json_text` (serde_json's own text parser and printer are not linked into the
// app). The results are the same as going through text: what is written is what `JSON.parse`
// would make of serde_json's text, and what is read is what serde_json would make of
// `JSON.stringify`'s text.

/// The JS form of a JSON value.
fn js_of(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        // The nearest double, as `JSON.parse` reads a number.
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or_default()),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(js_of).collect::<js_sys::Array>().into(),
        // `Object.fromEntries` makes every key an own field, as `JSON.parse` does (even `__proto__`).
        Value::Object(fields) => {
            let entries: js_sys::Array = fields.iter().map(|(k, v)| js_sys::Array::of2(&JsValue::from_str(k), &js_of(v))).collect();
            js_sys::Object::from_entries(&entries).map(JsValue::from).unwrap_or(JsValue::NULL)
        }
    }
}

/// A draft or meta record: `{ key, value }`.
fn kv_js(key: &str, value: &Value) -> JsValue {
    let record = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&record, &JsValue::from_str("key"), &JsValue::from_str(key));
    let _ = js_sys::Reflect::set(&record, &JsValue::from_str("value"), &js_of(value));
    record.into()
}

/// The JSON form of a stored JS value, or why it has none (a BigInt, a cycle, `undefined`...).
/// `JSON.stringify` decides what that form is (`toJSON`, dropped `undefined`s, `NaN` as null...);
/// `JSON.parse` of its text gives plain values, read here.
fn json_of(value: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(value).map_err(|e| describe(&e))?;
    let text = text.as_string().ok_or_else(|| "it has no JSON form".to_string())?;
    let plain = js_sys::JSON::parse(&text).map_err(|e| describe(&e))?;
    Ok(plain_json(&plain))
}

/// A value made by `JSON.parse`: null, a boolean, a finite number, a string, an array or a plain object.
fn plain_json(value: &JsValue) -> Value {
    if let Some(s) = value.as_string() {
        Value::String(s)
    } else if let Some(n) = value.as_f64() {
        json_number(n)
    } else if let Some(b) = value.as_bool() {
        Value::Bool(b)
    } else if let Some(items) = value.dyn_ref::<js_sys::Array>() {
        Value::Array(items.iter().map(|v| plain_json(&v)).collect())
    } else if let Some(obj) = value.dyn_ref::<js_sys::Object>() {
        let entries = js_sys::Object::entries(obj);
        let fields = entries.iter().filter_map(|entry| {
            let entry: js_sys::Array = entry.unchecked_into();
            Some((entry.get(0).as_string()?, plain_json(&entry.get(1))))
        });
        Value::Object(fields.collect())
    } else {
        Value::Null
    }
}

/// A number as serde_json reads `JSON.stringify`'s text for it: whole numbers that fit 64 bits
/// as integers, everything else as a float.
fn json_number(n: f64) -> Value {
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if n.fract() == 0.0 && (0.0..TWO_POW_64).contains(&n) {
        Value::from(n as u64)
    } else if n.fract() == 0.0 && (-TWO_POW_63..0.0).contains(&n) {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// A stored document, or an [`Unreadable`] naming it by its key.
fn doc_of(record: &JsValue) -> Result<Value, Unreadable> {
    // The primary key is the record's `_id` (it is the store's key path), so it is always there.
    let key = js_sys::Reflect::get(record, &JsValue::from_str(v1::DOCS_KEY_PATH)).unwrap_or(JsValue::UNDEFINED);
    let unreadable = |reason: String| Unreadable { key: key_text(&key), reason };
    let doc = json_of(record).map_err(unreadable)?;
    if doc.get(v1::DOCS_KEY_PATH).and_then(Value::as_str).is_none() {
        return Err(unreadable("its _id is not text".into()));
    }
    Ok(doc)
}

/// Stored documents as JSON, with what could not be read reported and left in storage, sorted by
/// `_id` as Rust compares. One `JSON.stringify` of the whole list and one parse in wasm: converting
/// record by record crossed into wasm once per string and cost about half of opening a group
/// thread of 5,000 posts. A list that cannot be read that way (a record with no JSON form) is read
/// record by record, so one bad record never hides the others.
fn loaded_of(records: Vec<JsValue>, keep: impl Fn(&Value) -> bool) -> Loaded {
    let mut loaded = Loaded::default();
    let all: js_sys::Array = records.iter().collect();
    let whole = js_sys::JSON::stringify(&all).ok().and_then(|t| t.as_string()).and_then(|t| match crate::json_text::parse(&t) {
        Ok(Value::Array(docs)) => Some(docs),
        _ => None,
    });
    match whole {
        Some(docs) if docs.len() == records.len() => {
            for (doc, record) in docs.into_iter().zip(&records) {
                if doc.get(v1::DOCS_KEY_PATH).and_then(Value::as_str).is_some() {
                    loaded.docs.push(doc);
                } else if let Err(unreadable) = doc_of(record) {
                    loaded.unreadable.push(unreadable);
                }
            }
        }
        _ => {
            for record in &records {
                match doc_of(record) {
                    Ok(doc) => loaded.docs.push(doc),
                    Err(unreadable) => loaded.unreadable.push(unreadable),
                }
            }
        }
    }
    loaded.docs.retain(|d| keep(d));
    // The store yields `_id` order, but IndexedDB compares UTF-16 code units and Rust compares
    // code points (they differ only past U+E000); sort so both stores agree.
    sort_by_id(&mut loaded.docs);
    loaded
}

/// A key as text: strings as they are, numbers, dates and arrays in their JSON form.
fn key_text(key: &JsValue) -> String {
    key.as_string().or_else(|| js_sys::JSON::stringify(key).ok()?.as_string()).unwrap_or_else(|| "(a key with no text form)".into())
}

/// Insertion sort: the input is already in order but for those rare ids, so this is one pass,
/// and it is ~1.7 KB (brotli) smaller in wasm than the standard library's sort.
fn sort_by_id(docs: &mut [Value]) {
    for i in 1..docs.len() {
        let mut j = i;
        while j > 0 && id_of(&docs[j - 1]) > id_of(&docs[j]) {
            docs.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn id_of(doc: &Value) -> Option<&str> {
    doc.get(v1::DOCS_KEY_PATH).and_then(Value::as_str)
}

/// Text for a thrown JS value, for error messages.
fn describe(value: &JsValue) -> String {
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return e.message().as_string().unwrap_or_default();
    }
    // Not `{value:?}`: JsValue's Debug pulls wasm-bindgen's debugString glue into the build.
    value.as_string().unwrap_or_else(|| "a value that is not an Error".into())
}

// ---- errors ----

/// Maps a `DOMException` from IndexedDB to what the app can tell the person. Pure, so the browser
/// tests check it with constructed exceptions. `TooNew::found` is 0 here (unknown); `open` fills
/// it in from the database on disk.
pub fn error_from_dom(e: &web_sys::DomException) -> StoreError {
    let (name, message) = (e.name(), e.message());
    match name.as_str() {
        "QuotaExceededError" => StoreError::QuotaExceeded,
        "VersionError" => StoreError::TooNew { found: 0, supported: schema::CURRENT_VERSION },
        "DataError" | "DataCloneError" => StoreError::Invalid(message),
        // Storage denied by the browser's settings or context.
        "SecurityError" => StoreError::Unavailable(message),
        _ => StoreError::Other(format!("{name}: {message}")),
    }
}

fn idb_error(e: IdbError) -> StoreError {
    match e {
        IdbError::DomException(e) => error_from_dom(&e.into()),
        other => StoreError::Other(idb_error_text(&other)),
    }
}

/// The library's own words for an error, written out here rather than through its `Display`,
/// which covers every error it can make, value-conversion errors that format floats included
/// (Rust's float formatter is about 13 KB of wasm). We only store and read plain `JsValue`s, so
/// those conversions never fail for us.
fn idb_error_text(e: &IdbError) -> String {
    match e {
        // Its own `Display`: a name and a message.
        IdbError::DomException(e) => e.to_string(),
        IdbError::Unknown(JSError::Error(e)) => format!("Generic JS error: {}", String::from(e.message())),
        IdbError::Unknown(JSError::Unknown(_)) => "Generic JS error: Non-Error JSValue error".into(),
        IdbError::MissingData(e) => format!("Missing data: {e}"),
        IdbError::Serialisation(_) => "a stored value could not be converted".into(),
    }
}

/// No `indexedDB` at all, whatever the reason (missing, null, or its getter throws, as in some
/// private modes and embedded browsers): there is no storage to be had.
fn no_factory(e: OpenDbError) -> StoreError {
    StoreError::Unavailable(match e {
        OpenDbError::VersionZero => "Version cannot be zero".into(),
        OpenDbError::UnsupportedEnvironment => "Unsupported environment".into(),
        OpenDbError::NullFactory => "The `indexedDB` getter returned `null` or `undefined`".into(),
        OpenDbError::Base(e) => idb_error_text(&e),
    })
}

fn open_error(e: OpenDbError) -> StoreError {
    match e {
        OpenDbError::Base(IdbError::DomException(e)) => open_dom_error(&e.into()),
        OpenDbError::Base(e) => idb_error(e),
        other => no_factory(other),
    }
}

/// A `DOMException` while opening.
fn open_dom_error(e: &web_sys::DomException) -> StoreError {
    match e.name().as_str() {
        // Opening is the first touch of storage: these mean there is none to be had
        // (Firefox's private windows before version 115, a broken profile).
        "InvalidStateError" | "UnknownError" => StoreError::Unavailable(e.message()),
        _ => error_from_dom(e),
    }
}

/// A failed commit: the transaction's own error (e.g. QuotaExceededError, which arrives as an
/// abort with no failed request) says more than the library's "transaction aborted".
fn commit_error(tx: &web_sys::IdbTransaction, e: IdbError) -> StoreError {
    match tx.error() {
        Some(dom) => error_from_dom(&dom),
        None => idb_error(e),
    }
}

// ---- a one-shot flag a JS event raises and a future waits on ----

#[derive(Default)]
struct Flag {
    raised: Cell<bool>,
    waker: Cell<Option<Waker>>,
}

impl Flag {
    fn raise(&self) {
        self.raised.set(true);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }

    /// Whether it was raised; if not, `waker` is woken when it is.
    fn is_raised(&self, waker: &Waker) -> bool {
        self.waker.set(Some(waker.clone()));
        self.raised.get()
    }
}
