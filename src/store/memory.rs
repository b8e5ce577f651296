//! An in-memory store with the same semantics as the IndexedDB one, for native tests.

use super::{validate_doc, Loaded, Op, Store, StoreError};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

#[derive(Default)]
struct Tables {
    docs: BTreeMap<String, Value>,
    drafts: BTreeMap<String, Value>,
    meta: BTreeMap<String, Value>,
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

    async fn apply(&self, ops: Vec<Op>) -> Result<(), StoreError> {
        // Validate everything first: a batch lands whole or not at all.
        for op in &ops {
            if let Op::PutDoc(doc) = op {
                validate_doc(doc)?;
            }
        }
        let mut t = self.tables.borrow_mut();
        for op in ops {
            match op {
                Op::PutDoc(doc) => {
                    let id = validate_doc(&doc)?.to_owned();
                    t.docs.insert(id, doc);
                }
                Op::DeleteDoc(id) => {
                    t.docs.remove(&id);
                }
                Op::PutDraft { key, value } => {
                    t.drafts.insert(key, value);
                }
                Op::DeleteDraft(key) => {
                    t.drafts.remove(&key);
                }
                Op::PutMeta { key, value } => {
                    t.meta.insert(key, value);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    async fn make(_name: &str) -> super::MemoryStore {
        super::MemoryStore::new()
    }
    crate::store_suite!(native, make);
}
