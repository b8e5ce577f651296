//! Local storage: one trait, two implementations — [`memory::MemoryStore`] for native tests and
//! [`indexed_db::IdbStore`] in the browser — and one test suite ([`suite`]) run against both.
//!
//! The store holds three kinds of record:
//! - **documents** (`_id`-keyed JSON objects shaped for CouchDB, found by their `type`);
//! - **drafts** (a form's state, written on every keystroke, one per form key);
//! - **meta** (small bookkeeping values, e.g. sync checkpoints);
//! - **revision records** ([`versioned::RevRecord`]): each document's revision tree and the local
//!   sequence number of its last change, which is what replication reads and writes.
//!
//! Every write goes through [`Store::apply`], which is atomic: a batch lands whole or not at all.
//! Saving an item and clearing its draft is one batch, so a crash can never lose both.

pub mod indexed_db;
pub mod memory;
pub mod revtree;
pub mod schema;
pub mod suite;
pub mod versioned;

use serde_json::Value;
use std::fmt;
use versioned::DocState;

/// One write in a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A local edit: a new revision of the document (made from the `_rev` it carries, if any). It
    /// must be a JSON object with a string `_id` and `type`.
    PutDoc(Value),
    /// A local deletion: a tombstone revision, so the deletion replicates too.
    DeleteDoc(String),
    /// A revision from a server, with `_rev` and `_revisions`, merged into the document's tree as
    /// `_bulk_docs` with `new_edits: false` does. Knowing it already is not an error.
    ReceiveDoc(Value),
    /// Settles a conflict: `doc` (with `_id` and the winner's `_rev`) becomes the next revision of
    /// the winner, and each of `losers` gets a tombstone. A local change, so it is pushed.
    ResolveConflict { doc: Value, losers: Vec<String> },
    PutDraft { key: String, value: Value },
    DeleteDraft(String),
    PutMeta { key: String, value: Value },
}

/// A stored record that could not be read. It is left in storage untouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    pub reason: String,
}

/// What a batch did: the new revision of every document it edited, in op order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub revs: Vec<(String, String)>,
}

impl Applied {
    /// The latest revision written for `id` by this batch.
    pub fn rev_of(&self, id: &str) -> Option<&str> {
        self.revs.iter().rev().find(|(i, _)| i == id).map(|(_, r)| r.as_str())
    }
}

/// A document changed locally, for push: its whole state and its local sequence number.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub seq: u64,
    pub state: DocState,
}

/// Documents of one type, sorted by `_id`, plus any records that could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub docs: Vec<Value>,
    pub unreadable: Vec<Unreadable>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The browser offers no storage (some private modes, or blocked by settings).
    Unavailable(String),
    /// Another open Tandem tab holds an older version of the database open.
    Blocked,
    /// The database on this device was written by a newer Tandem.
    TooNew { found: u32, supported: u32 },
    /// The device or browser refused more data.
    QuotaExceeded,
    /// A record this app tried to write was not valid (a bug, reported rather than hidden).
    Invalid(String),
    /// Anything else the storage layer reported.
    Other(String),
}

impl StoreError {
    /// What to tell the person. Every message says their words are safe on screen.
    pub fn user_message(&self) -> String {
        let kept = "What you typed is still here on screen.";
        match self {
            StoreError::Unavailable(why) => format!("This browser won't let Tandem save on this device ({why}). {kept} If you're in a private window, open Tandem in a normal one."),
            StoreError::Blocked => format!("Tandem is open in another tab with an older version. Close the other tab to continue saving. {kept}"),
            StoreError::TooNew { .. } => format!("A newer version of Tandem saved data on this device. Reload to update. {kept}"),
            StoreError::QuotaExceeded => format!("Your device is out of storage space for Tandem. {kept} Free some space, then try again."),
            StoreError::Invalid(why) => format!("Tandem couldn't save this ({why}). {kept}"),
            StoreError::Other(why) => format!("Tandem couldn't save on this device ({why}). {kept} Try again in a moment."),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

/// The storage every screen uses. Futures are not `Send`: browser storage lives on one thread.
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn get_doc(&self, id: &str) -> Result<Option<Value>, StoreError>;
    /// All documents whose `type` is `doc_type`, sorted by `_id`.
    async fn docs_of_type(&self, doc_type: &str) -> Result<Loaded, StoreError>;
    /// Of the `limit` documents with the greatest ids that start with `prefix`, those whose `type`
    /// is `doc_type`, sorted by `_id`. Ids made by `domain::id::new_id` start with their creation
    /// time, so these are the newest: a long list's first screen without reading the whole list.
    async fn newest_of_type(&self, doc_type: &str, prefix: &str, limit: usize) -> Result<Loaded, StoreError>;
    async fn get_draft(&self, key: &str) -> Result<Option<Value>, StoreError>;
    /// Keeps a form's state. Returns once it is durable (the transaction has completed).
    async fn put_draft(&self, key: &str, value: &Value) -> Result<(), StoreError>;
    async fn get_meta(&self, key: &str) -> Result<Option<Value>, StoreError>;
    /// Applies every op, or none of them.
    async fn apply(&self, ops: Vec<Op>) -> Result<Applied, StoreError>;
    /// Documents whose last local change has a sequence number above `since`, oldest first, at
    /// most `limit` of them: what push reads. Every local edit or deletion gives its document the
    /// next number; received revisions do not (they came from the server).
    async fn changes_since(&self, since: u64, limit: usize) -> Result<Vec<Change>, StoreError>;
    /// How many documents changed after `since` (what waits to be pushed).
    async fn count_changes_since(&self, since: u64) -> Result<usize, StoreError>;
    /// The revision state of each of `ids` (empty trees for unknown ones), in the same order.
    async fn doc_states(&self, ids: &[String]) -> Result<Vec<DocState>, StoreError>;
}

/// The meta key of the last local sequence number given out.
pub const LOCAL_SEQ_KEY: &str = "local-seq";

/// A document a batch changed, and whether this device changed it (an edit or a deletion, which
/// gets the next local sequence number and so is pushed) or only received revisions (which keep
/// their sequence number: what came from the server is not pushed back to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub id: String,
    pub locally: bool,
}

/// Applies the document ops of a batch to the loaded states (`states` holds one per id the ops
/// name, loaded before). Returns the new revisions and the documents that changed (a revision
/// received again changes nothing). Shared by both stores so they agree exactly.
pub fn apply_doc_ops(ops: &[Op], states: &mut std::collections::BTreeMap<String, DocState>) -> Result<(Applied, Vec<Changed>), StoreError> {
    let mut applied = Applied::default();
    let mut changed: Vec<Changed> = Vec::new();
    for op in ops {
        let (id, state) = match op {
            Op::PutDoc(doc) => {
                let id = validate_doc(doc)?;
                (id, states.get_mut(id))
            }
            Op::ReceiveDoc(doc) => {
                let id = doc.get("_id").and_then(Value::as_str).filter(|s| !s.is_empty());
                let id = id.ok_or_else(|| StoreError::Invalid("a received revision needs a text _id".into()))?;
                (id, states.get_mut(id))
            }
            Op::DeleteDoc(id) => (id.as_str(), states.get_mut(id.as_str())),
            Op::ResolveConflict { doc, .. } => {
                let id = validate_doc(doc)?;
                (id, states.get_mut(id))
            }
            _ => continue,
        };
        let state = state.ok_or_else(|| StoreError::Invalid(format!("document {id} was not loaded before writing")))?;
        let did_change = match op {
            Op::PutDoc(doc) => {
                applied.revs.push((id.to_owned(), state.edit(doc)?));
                true
            }
            Op::ReceiveDoc(doc) => state.receive(doc)?,
            Op::ResolveConflict { doc, losers } => {
                applied.revs.push((id.to_owned(), state.resolve(doc, losers)?));
                true
            }
            Op::DeleteDoc(_) => {
                let tombstones = state.delete();
                let any = !tombstones.is_empty();
                applied.revs.extend(tombstones.into_iter().map(|r| (id.to_owned(), r)));
                any
            }
            _ => false,
        };
        let locally = !matches!(op, Op::ReceiveDoc(_));
        if did_change {
            match changed.iter_mut().find(|c| c.id == id) {
                Some(c) => c.locally |= locally,
                None => changed.push(Changed { id: id.to_owned(), locally }),
            }
        }
    }
    Ok((applied, changed))
}

/// The states a batch changed, each with the sequence number its record gets: the next numbers for
/// documents changed on this device, their own for documents that only received revisions (what
/// came from the server is never pushed back to it). `seq`, the last number given out, advances.
pub fn sequence_changes(changed: Vec<Changed>, states: &mut std::collections::BTreeMap<String, DocState>, seq: &mut u64) -> Vec<(DocState, u64)> {
    changed
        .into_iter()
        .filter_map(|Changed { id, locally }| {
            let state = states.remove(&id)?;
            let record_seq = if locally {
                *seq += 1;
                *seq
            } else {
                state.seq
            };
            Some((state, record_seq))
        })
        .collect()
}

/// Checks a batch's documents before anything is written and returns the ids of the documents
/// it writes, each once, in first-seen order.
pub fn doc_ids_of(ops: &[Op]) -> Result<Vec<String>, StoreError> {
    let mut ids: Vec<String> = Vec::new();
    for op in ops {
        let id = match op {
            Op::PutDoc(doc) | Op::ResolveConflict { doc, .. } => validate_doc(doc)?,
            Op::ReceiveDoc(doc) => doc.get("_id").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| StoreError::Invalid("a received revision needs a text _id".into()))?,
            Op::DeleteDoc(id) => id.as_str(),
            _ => continue,
        };
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

/// Checks a document before it is written: an object with a non-empty string `_id` and `type`.
pub fn validate_doc(doc: &Value) -> Result<&str, StoreError> {
    let obj = doc.as_object().ok_or_else(|| StoreError::Invalid("a document must be a JSON object".into()))?;
    let id = obj.get("_id").and_then(Value::as_str).filter(|s| !s.is_empty());
    let id = id.ok_or_else(|| StoreError::Invalid("a document needs a text _id".into()))?;
    match obj.get("type").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => Ok(id),
        _ => Err(StoreError::Invalid(format!("document {id} needs a text type"))),
    }
}

impl std::error::Error for StoreError {}
