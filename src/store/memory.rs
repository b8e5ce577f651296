//! An in-memory store with the same semantics as the IndexedDB one, for native tests.

use super::versioned::{DocState, RevRecord};
use super::{apply_doc_ops, sequence_changes, doc_ids_of, Applied, Change, Loaded, Op, Store, StoreError, LOCAL_SEQ_KEY};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

#[derive(Clone, Default)]
struct Tables {
    docs: BTreeMap<String, Value>,
    revs: BTreeMap<String, RevRecord>,
    drafts: BTreeMap<String, Value>,
    meta: BTreeMap<String, Value>,
}

impl Tables {
    fn state(&self, id: &str) -> DocState {
        DocState::load(id, self.revs.get(id).cloned(), self.docs.get(id))
    }
}

#[derive(Default)]
pub struct MemoryStore {
    tables: RefCell<Tables>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    async fn get_doc(&self, id: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.tables.borrow().docs.get(id).cloned())
    }

    async fn docs_of_type(&self, doc_type: &str) -> Result<Loaded, StoreError> {
        let docs = self.tables.borrow().docs.values().filter(|d| d.get("type").and_then(Value::as_str) == Some(doc_type)).cloned().collect();
        Ok(Loaded { docs, unreadable: Vec::new() })
    }

    async fn newest_of_type(&self, doc_type: &str, prefix: &str, limit: usize) -> Result<Loaded, StoreError> {
        let t = self.tables.borrow();
        let with_prefix: Vec<&Value> = t.docs.iter().filter(|(id, _)| id.starts_with(prefix)).map(|(_, d)| d).collect();
        let newest = with_prefix.get(with_prefix.len().saturating_sub(limit.max(1))..).unwrap_or(&[]);
        let docs = newest.iter().filter(|d| d.get("type").and_then(Value::as_str) == Some(doc_type)).map(|d| (*d).clone()).collect();
        Ok(Loaded { docs, unreadable: Vec::new() })
    }

    async fn get_draft(&self, key: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.tables.borrow().drafts.get(key).cloned())
    }

    async fn put_draft(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        self.tables.borrow_mut().drafts.insert(key.to_owned(), value.clone());
        Ok(())
    }

    async fn get_meta(&self, key: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.tables.borrow().meta.get(key).cloned())
    }

    async fn apply(&self, ops: Vec<Op>) -> Result<Applied, StoreError> {
        // Work on a copy and swap it in at the end: a batch lands whole or not at all.
        let mut t = self.tables.borrow().clone();
        let mut states: BTreeMap<String, DocState> = doc_ids_of(&ops)?.into_iter().map(|id| (id.clone(), t.state(&id))).collect();
        let (applied, changed) = apply_doc_ops(&ops, &mut states)?;
        let mut seq = t.meta.get(LOCAL_SEQ_KEY).and_then(Value::as_u64).unwrap_or(0);
        for (state, record_seq) in sequence_changes(changed, &mut states, &mut seq) {
            let id = state.id.clone();
            match state.winner_doc() {
                Some(doc) => t.docs.insert(id.clone(), doc),
                None => t.docs.remove(&id),
            };
            t.revs.insert(id, state.into_record(record_seq));
        }
        t.meta.insert(LOCAL_SEQ_KEY.into(), Value::from(seq));
        for op in ops {
            match op {
                Op::PutDraft { key, value } => {
                    t.drafts.insert(key, value);
                }
                Op::DeleteDraft(key) => {
                    t.drafts.remove(&key);
                }
                Op::PutMeta { key, value } => {
                    t.meta.insert(key, value);
                }
                Op::PutDoc(_) | Op::DeleteDoc(_) | Op::ReceiveDoc(_) | Op::ResolveConflict { .. } => {}
            }
        }
        *self.tables.borrow_mut() = t;
        Ok(applied)
    }

    async fn changes_since(&self, since: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let t = self.tables.borrow();
        let mut records: Vec<&RevRecord> = t.revs.values().filter(|r| r.seq > since).collect();
        records.sort_by_key(|r| r.seq);
        Ok(records.into_iter().take(limit).map(|r| Change { seq: r.seq, state: t.state(&r.id) }).collect())
    }

    async fn count_changes_since(&self, since: u64) -> Result<usize, StoreError> {
        Ok(self.tables.borrow().revs.values().filter(|r| r.seq > since).count())
    }

    async fn doc_states(&self, ids: &[String]) -> Result<Vec<DocState>, StoreError> {
        let t = self.tables.borrow();
        Ok(ids.iter().map(|id| t.state(id)).collect())
    }
}

#[cfg(test)]
mod tests {
    async fn make(_name: &str) -> super::MemoryStore {
        super::MemoryStore::new()
    }
    crate::store_suite!(native, make);
}
