//! Local storage: one trait, two implementations — [`memory::MemoryStore`] for native tests and
//! [`indexed_db::IdbStore`] in the browser — and one test suite ([`suite`]) run against both.
//!
//! The store holds three kinds of record:
//! - **documents** (`_id`-keyed JSON objects shaped for CouchDB, found by their `type`);
//! - **drafts** (a form's state, written on every keystroke, one per form key);
//! - **meta** (small bookkeeping values, e.g. sync checkpoints later).
//!
//! Every write goes through [`Store::apply`], which is atomic: a batch lands whole or not at all.
//! Saving an item and clearing its draft is one batch, so a crash can never lose both.

pub mod indexed_db;
pub mod memory;
pub mod schema;
pub mod suite;

use serde_json::Value;
use std::fmt;

/// One write in a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Insert or replace a document; it must be a JSON object with a string `_id` and `type`.
    PutDoc(Value),
    DeleteDoc(String),
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
    async fn get_draft(&self, key: &str) -> Result<Option<Value>, StoreError>;
    /// Keeps a form's state. Returns once it is durable (the transaction has completed).
    async fn put_draft(&self, key: &str, value: &Value) -> Result<(), StoreError>;
    async fn get_meta(&self, key: &str) -> Result<Option<Value>, StoreError>;
    /// Applies every op, or none of them.
    async fn apply(&self, ops: Vec<Op>) -> Result<(), StoreError>;
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
