//! The IndexedDB schema, versioned. Each version's names live in their own module and each
//! upgrade is an explicit step (see `indexed_db::upgrade`), in the manner of matrix-sdk-indexeddb.
//! Never edit a released step: add a new version.

/// The database name on the device.
pub const DB_NAME: &str = "tandem";

/// The newest schema this build knows.
pub const CURRENT_VERSION: u32 = 2;

/// Version 1: documents, drafts and meta.
pub mod v1 {
    /// Documents, keyed by their `_id`.
    pub const DOCS: &str = "docs";
    pub const DOCS_KEY_PATH: &str = "_id";
    /// Index of documents by their `type` field.
    pub const DOCS_BY_TYPE: &str = "by_type";
    pub const DOCS_BY_TYPE_KEY_PATH: &str = "type";
    /// Drafts: `{ key, value }`, keyed by `key`.
    pub const DRAFTS: &str = "drafts";
    /// Meta: `{ key, value }`, keyed by `key`.
    pub const META: &str = "meta";
    pub const KV_KEY_PATH: &str = "key";
}

/// Version 2: revision records, for replication.
pub mod v2 {
    /// [`RevRecord`](crate::store::versioned::RevRecord)s, keyed by the document's `_id`.
    pub const REVS: &str = "revs";
    pub const REVS_KEY_PATH: &str = "_id";
    /// Index of revision records by their local change sequence: what push reads.
    pub const REVS_BY_SEQ: &str = "by_seq";
    pub const REVS_BY_SEQ_KEY_PATH: &str = "seq";
    /// Meta key set once every document written under version 1 has its revision record. The
    /// upgrade itself only creates the table (an upgrade transaction cannot wait on reads
    /// without an async runtime); this data step runs right after, in one transaction, and
    /// again after a crash until it has completed.
    pub const BACKFILLED: &str = "schema-2-backfilled";
}
