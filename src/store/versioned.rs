//! A document with its revision history, as both stores write it.
//!
//! A store keeps two records per document: the **winner** (the document as the app reads it, in
//! the `docs` table) and a [`RevRecord`] (its [`RevTree`] with the bodies of conflicting and recent
//! versions, plus the local sequence number of its last change, which is how push finds what
//! changed). During a write both are loaded into a [`DocState`], changed by the rules here, and
//! written back together in the same transaction.

use super::revtree::{parse_rev, RevNode, RevTree};
use super::StoreError;
use std::collections::BTreeMap;
use serde_json::{Map, Value};

/// What the `revs` table holds for one document: `{ "_id", "seq", "tree": { rev: node } }`.
/// Written and read field by field ([`RevRecord::into_json`], [`RevRecord::from_json`]), not with
/// serde's derive, which cost wasm for these three types alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevRecord {
    pub id: String,
    /// The local change sequence of the last write to this document (see [`super::Store::changes_since`]).
    pub seq: u64,
    /// The winner's body is not repeated here: it lives in the `docs` table.
    pub tree: RevTree,
}

impl RevRecord {
    /// The record as stored: what serde's derive wrote (optional node fields left out when absent).
    pub fn into_json(self) -> Value {
        let nodes = self.tree.nodes.into_iter().map(|(rev, node)| {
            let mut fields = Map::new();
            if let Some(parent) = node.parent {
                fields.insert("p".into(), Value::String(parent));
            }
            if node.deleted {
                fields.insert("d".into(), Value::Bool(true));
            }
            if let Some(body) = node.body {
                fields.insert("b".into(), Value::Object(body));
            }
            (rev, Value::Object(fields))
        });
        let mut record = Map::new();
        record.insert("_id".into(), Value::String(self.id));
        record.insert("seq".into(), Value::from(self.seq));
        record.insert("tree".into(), Value::Object(nodes.collect()));
        Value::Object(record)
    }

    /// A stored record, or `None` when it is not one (as serde's derive read it: unknown fields
    /// ignored, `p`/`b` may be absent or null, `d` absent; a field of the wrong type refuses the
    /// whole record, which is then rebuilt from the winner).
    pub fn from_json(value: Value) -> Option<RevRecord> {
        let Value::Object(mut record) = value else { return None };
        let Value::String(id) = record.remove("_id")? else { return None };
        let seq = record.remove("seq")?.as_u64()?;
        let Value::Object(tree) = record.remove("tree")? else { return None };
        let mut nodes = BTreeMap::new();
        for (rev, node) in tree {
            let Value::Object(mut node) = node else { return None };
            let parent = match node.remove("p") {
                None | Some(Value::Null) => None,
                Some(Value::String(p)) => Some(p),
                Some(_) => return None,
            };
            let deleted = match node.remove("d") {
                None => false,
                Some(Value::Bool(d)) => d,
                Some(_) => return None,
            };
            let body = match node.remove("b") {
                None | Some(Value::Null) => None,
                Some(Value::Object(b)) => Some(b),
                Some(_) => return None,
            };
            nodes.insert(rev, RevNode { parent, deleted, body });
        }
        Some(RevRecord { id, seq, tree: RevTree { nodes } })
    }
}

/// Fields that describe a revision rather than belong to the document's content.
const REVISION_FIELDS: [&str; 5] = ["_id", "_rev", "_revisions", "_conflicts", "_deleted"];

/// A document's content: everything but its id and revision bookkeeping.
fn body_of(doc: &Map<String, Value>) -> Map<String, Value> {
    doc.iter().filter(|(k, _)| !REVISION_FIELDS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// One document during a write: its tree with every kept body, the winner's included.
#[derive(Clone, Debug, PartialEq)]
pub struct DocState {
    pub id: String,
    pub tree: RevTree,
    /// The local sequence number of its last local change (0: none, e.g. only ever received).
    pub seq: u64,
}

impl DocState {
    /// Joins what the two tables hold. A winner with no record (written before revisions were
    /// kept, or a record lost) becomes a tree of one revision: its own `_rev` if it has a valid
    /// one, else a new one.
    pub fn load(id: &str, record: Option<RevRecord>, winner: Option<&Value>) -> DocState {
        let (mut tree, seq) = record.map(|r| (r.tree, r.seq)).unwrap_or_default();
        let winner = winner.and_then(Value::as_object);
        match (tree.winner().map(str::to_owned), winner) {
            (Some(rev), Some(doc)) => {
                if let Some(node) = tree.nodes.get_mut(&rev) {
                    node.body = Some(body_of(doc));
                }
            }
            (None, Some(doc)) => {
                let body = body_of(doc);
                match doc.get("_rev").and_then(Value::as_str).and_then(parse_rev) {
                    Some((n, hash)) => {
                        tree.add_received(n, &[hash], body, false);
                    }
                    None => {
                        tree.add_edit(None, body, false);
                    }
                }
            }
            _ => {}
        }
        DocState { id: id.to_owned(), tree, seq }
    }

    /// A local edit. It is made from the `_rev` the edited document carries when this replica
    /// knows it (so an edit of a version that changed meanwhile becomes a conflict to merge, not
    /// a silent overwrite), else from the current winner. Returns the new revision.
    pub fn edit(&mut self, doc: &Value) -> Result<String, StoreError> {
        let obj = doc.as_object().ok_or_else(|| StoreError::Invalid("a document must be a JSON object".into()))?;
        let parent = obj.get("_rev").and_then(Value::as_str).filter(|r| self.tree.contains(r)).map(str::to_owned).or_else(|| self.tree.winner().map(str::to_owned));
        Ok(self.tree.add_edit(parent.as_deref(), body_of(obj), false))
    }

    /// A local deletion: a tombstone on the winner (on every live leaf, so that no conflicting
    /// version is resurrected as the new winner). Returns the tombstones' revisions.
    pub fn delete(&mut self) -> Vec<String> {
        let live: Vec<String> = self.tree.leaves().into_iter().filter(|r| !self.tree.nodes[*r].deleted).map(str::to_owned).collect();
        live.iter().map(|leaf| self.tree.add_edit(Some(leaf), Map::new(), true)).collect()
    }

    /// Settles a conflict: the merged `doc` as the next revision of the winner (its `_rev` must be
    /// the current winner, else the merge was made from stale versions and is refused), and a
    /// tombstone on each of `losers` that is still a live leaf. Returns the new revision.
    pub fn resolve(&mut self, doc: &Value, losers: &[String]) -> Result<String, StoreError> {
        let obj = doc.as_object().ok_or_else(|| StoreError::Invalid("a document must be a JSON object".into()))?;
        let winner = self.tree.winner().map(str::to_owned);
        if obj.get("_rev").and_then(Value::as_str) != winner.as_deref() {
            return Err(StoreError::Invalid(format!("{} changed while its versions were being merged", self.id)));
        }
        let leaves: Vec<String> = self.tree.leaves().into_iter().map(str::to_owned).collect();
        for loser in losers.iter().filter(|l| leaves.contains(l) && Some(*l) != winner.as_ref()) {
            if !self.tree.nodes[loser].deleted {
                self.tree.add_edit(Some(loser), Map::new(), true);
            }
        }
        Ok(self.tree.add_edit(winner.as_deref(), body_of(obj), false))
    }

    /// A revision received from a server (`_rev` and, normally, `_revisions`), as `_bulk_docs` with
    /// `new_edits: false` treats it. Returns false if it was already known.
    pub fn receive(&mut self, doc: &Value) -> Result<bool, StoreError> {
        let obj = doc.as_object().ok_or_else(|| StoreError::Invalid(format!("revision of {} is not a JSON object", self.id)))?;
        let rev = obj.get("_rev").and_then(Value::as_str).and_then(parse_rev);
        let (n, hash) = rev.ok_or_else(|| StoreError::Invalid(format!("revision of {} has no valid _rev", self.id)))?;
        let revisions = obj.get("_revisions").and_then(|r| {
            let start = r.get("start")?.as_u64()?;
            let ids: Option<Vec<&str>> = r.get("ids")?.as_array()?.iter().map(Value::as_str).collect();
            Some((start, ids?))
        });
        // Without a usable `_revisions`, the revision alone (its ancestry unknown) is still kept.
        let (start, ids) = match revisions {
            Some((start, ids)) if start == n && ids.first() == Some(&hash) => (start, ids),
            _ => (n, vec![hash]),
        };
        let deleted = obj.get("_deleted").and_then(Value::as_bool).unwrap_or(false);
        Ok(self.tree.add_received(start, &ids, body_of(obj), deleted))
    }

    /// The document as the app reads it: the winner with `_id`, `_rev` and, when other versions
    /// are live, `_conflicts`. `None` when the document is deleted (or unknown).
    pub fn winner_doc(&self) -> Option<Value> {
        let rev = self.tree.winner()?;
        let node = &self.tree.nodes[rev];
        if node.deleted {
            return None;
        }
        let mut doc = Map::new();
        doc.insert("_id".into(), Value::from(self.id.as_str()));
        doc.insert("_rev".into(), Value::from(rev));
        doc.extend(node.body.clone().unwrap_or_default());
        let conflicts = self.tree.conflicts();
        if !conflicts.is_empty() {
            doc.insert("_conflicts".into(), Value::from(conflicts));
        }
        Some(Value::Object(doc))
    }

    /// A leaf as a server wants it for `_bulk_docs` with `new_edits: false`: body, `_id`, `_rev`,
    /// `_revisions` and `_deleted` if it is a tombstone. `None` if `rev` is not a leaf with a body.
    pub fn revision_doc(&self, rev: &str) -> Option<Value> {
        let node = self.tree.nodes.get(rev)?;
        let mut doc = node.body.clone()?;
        doc.insert("_id".into(), Value::from(self.id.as_str()));
        doc.insert("_rev".into(), Value::from(rev));
        doc.insert("_revisions".into(), self.tree.revisions_json(rev));
        if node.deleted {
            doc.insert("_deleted".into(), Value::Bool(true));
        }
        Some(Value::Object(doc))
    }

    /// Whether a record stored with sequence number `seq` would hold nothing that
    /// [`DocState::load`] does not work out from the winner alone: one live revision with its
    /// body, no known ancestry, never changed on this device (a document received as its first
    /// revision, as most of a first sync). `IdbStore` then writes no record for a new document.
    pub fn implied_by_winner(&self, seq: u64) -> bool {
        let mut nodes = self.tree.nodes.values();
        let only = match (nodes.next(), nodes.next()) {
            (Some(node), None) => node,
            _ => return false,
        };
        seq == 0 && self.seq == 0 && only.parent.is_none() && !only.deleted && only.body.is_some()
    }

    /// The record for the `revs` table, the winner's body left out (it is in `docs`).
    pub fn into_record(self, seq: u64) -> RevRecord {
        let mut tree = self.tree;
        if let Some(rev) = tree.winner().map(str::to_owned) {
            if let Some(node) = tree.nodes.get_mut(&rev).filter(|n| !n.deleted) {
                node.body = None;
            }
        }
        RevRecord { id: self.id, seq, tree }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rev_records_are_stored_as_the_serde_derive_stored_them() {
        let body = json!({"type": "mood", "score": 3}).as_object().cloned();
        let nodes = BTreeMap::from([
            ("1-a".to_owned(), RevNode { parent: None, deleted: false, body: None }),
            ("2-b".to_owned(), RevNode { parent: Some("1-a".into()), deleted: false, body: body.clone() }),
            ("2-c".to_owned(), RevNode { parent: Some("1-a".into()), deleted: true, body: None }),
        ]);
        let record = RevRecord { id: "mood:1".into(), seq: 7, tree: RevTree { nodes } };
        let stored = json!({"_id": "mood:1", "seq": 7, "tree": {
            "1-a": {}, "2-b": {"p": "1-a", "b": {"type": "mood", "score": 3}}, "2-c": {"p": "1-a", "d": true}}});
        assert_eq!(record.clone().into_json(), stored);
        assert_eq!(RevRecord::from_json(stored), Some(record));
        // Nulls for the optional fields, explicit `d: false` and unknown fields read as before.
        let loose = json!({"_id": "x", "seq": 0, "extra": 1, "tree": {"1-a": {"p": null, "b": null, "d": false, "z": 2}}});
        let read = RevRecord::from_json(loose).unwrap();
        assert_eq!(read.tree.nodes.get("1-a"), Some(&RevNode::default()));
        // A field of the wrong type refuses the record.
        for bad in [
            json!({"seq": 1, "tree": {}}),
            json!({"_id": 1, "seq": 1, "tree": {}}),
            json!({"_id": "x", "seq": -1, "tree": {}}),
            json!({"_id": "x", "seq": 1.5, "tree": {}}),
            json!({"_id": "x", "seq": 1, "tree": []}),
            json!({"_id": "x", "seq": 1, "tree": {"1-a": {"p": 1}}}),
            json!({"_id": "x", "seq": 1, "tree": {"1-a": {"d": null}}}),
            json!({"_id": "x", "seq": 1, "tree": {"1-a": {"b": "text"}}}),
            json!({"_id": "x", "seq": 1, "tree": {"1-a": 3}}),
            json!("x"),
        ] {
            assert_eq!(RevRecord::from_json(bad.clone()), None, "{bad}");
        }
    }

    fn state() -> DocState {
        DocState::load("goal:1", None, None)
    }

    #[test]
    fn an_edit_gets_a_revision_and_reads_back_as_the_winner() {
        let mut s = state();
        let rev = s.edit(&json!({"_id": "goal:1", "type": "goal", "title": "walk"})).unwrap();
        assert_eq!(s.winner_doc(), Some(json!({"_id": "goal:1", "_rev": rev, "type": "goal", "title": "walk"})));
    }

    #[test]
    fn the_tables_round_trip_through_a_record_and_the_winner() {
        let mut s = state();
        s.edit(&json!({"type": "goal", "title": "walk"})).unwrap();
        let winner = s.winner_doc();
        let record = s.clone().into_record(7);
        assert_eq!(record.seq, 7);
        assert!(record.tree.nodes.values().all(|n| n.body.is_none()), "the winner's body lives in docs only");
        let loaded = DocState::load("goal:1", Some(record), winner.as_ref());
        assert_eq!((loaded.tree, loaded.seq), (s.tree, 7));
    }

    #[test]
    fn a_document_from_before_revisions_gets_one() {
        let s = DocState::load("mood:1", None, Some(&json!({"_id": "mood:1", "type": "mood", "score": 5})));
        let doc = s.winner_doc().unwrap();
        assert!(doc["_rev"].as_str().unwrap().starts_with("1-"));
        assert_eq!(doc["score"], 5);
        let kept = DocState::load("mood:1", None, Some(&json!({"_id": "mood:1", "_rev": "4-abc", "type": "mood"})));
        assert_eq!(kept.winner_doc().unwrap()["_rev"], "4-abc");
    }

    #[test]
    fn an_edit_of_a_stale_version_becomes_a_conflict_not_an_overwrite() {
        let mut s = state();
        let r1 = s.edit(&json!({"type": "goal", "title": "walk"})).unwrap();
        let _r2 = s.edit(&json!({"_rev": r1, "type": "goal", "title": "walk daily"})).unwrap();
        s.edit(&json!({"_rev": r1, "type": "goal", "title": "walk with Sam"})).unwrap();
        let doc = s.winner_doc().unwrap();
        assert_eq!(doc["_conflicts"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn received_revisions_keep_their_history_and_conflicts() {
        let mut s = state();
        let mine = s.edit(&json!({"type": "goal", "title": "walk"})).unwrap();
        let theirs = json!({"_id": "goal:1", "_rev": "1-zzzz", "_revisions": {"start": 1, "ids": ["zzzz"]}, "type": "goal", "title": "run"});
        assert!(s.receive(&theirs).unwrap());
        assert!(!s.receive(&theirs).unwrap(), "the same revision twice is one revision");
        let doc = s.winner_doc().unwrap();
        // Same generation: the greater hash wins, the other is kept as a conflict.
        let (winner, loser) = if "zzzz" > mine.split_once('-').unwrap().1 { ("1-zzzz", mine.as_str()) } else { (mine.as_str(), "1-zzzz") };
        assert_eq!(doc["_rev"], winner);
        assert_eq!(doc["_conflicts"], json!([loser]));
        assert!(s.revision_doc(loser).is_some());
    }

    #[test]
    fn a_received_revision_without_usable_history_is_still_kept() {
        let mut s = state();
        assert!(s.receive(&json!({"_rev": "3-abc", "_revisions": {"start": 2, "ids": ["x"]}, "type": "mood"})).unwrap());
        assert_eq!(s.winner_doc().unwrap()["_rev"], "3-abc");
        assert!(s.receive(&json!({"_rev": "nonsense"})).is_err());
        assert!(s.receive(&json!("not an object")).is_err());
    }

    #[test]
    fn a_first_revision_received_is_implied_by_its_winner_and_nothing_else_is() {
        let mut s = state();
        s.receive(&json!({"_id": "goal:1", "_rev": "1-aaa", "_revisions": {"start": 1, "ids": ["aaa"]}, "type": "goal", "n": 1.5})).unwrap();
        assert!(s.implied_by_winner(0));
        assert_eq!(DocState::load("goal:1", None, s.winner_doc().as_ref()), s, "what the store reads back without a record");
        assert!(!s.implied_by_winner(3), "a record with a sequence number says more");
        let mut with_history = state();
        with_history.receive(&json!({"_rev": "2-bbb", "_revisions": {"start": 2, "ids": ["bbb", "aaa"]}, "type": "goal"})).unwrap();
        assert!(!with_history.implied_by_winner(0));
        let mut conflicted = s.clone();
        conflicted.receive(&json!({"_rev": "1-bbb", "type": "goal"})).unwrap();
        assert!(!conflicted.implied_by_winner(0));
        let mut tombstone = state();
        tombstone.receive(&json!({"_rev": "1-ccc", "_deleted": true})).unwrap();
        assert!(!tombstone.implied_by_winner(0));
        let mut edited = state();
        edited.edit(&json!({"type": "goal"})).unwrap();
        assert!(edited.implied_by_winner(0), "the tree alone is a first revision...");
        edited.seq = 4;
        assert!(!edited.implied_by_winner(4), "...but one made here has a sequence number");
    }

    #[test]
    fn deleting_tombstones_every_live_branch() {
        let mut s = state();
        s.edit(&json!({"type": "goal", "title": "walk"})).unwrap();
        s.receive(&json!({"_rev": "1-other", "type": "goal", "title": "run"})).unwrap();
        assert_eq!(s.delete().len(), 2);
        assert_eq!(s.winner_doc(), None);
        let record = s.into_record(3);
        assert!(record.tree.leaves().iter().all(|r| record.tree.nodes[*r].deleted));
    }

    #[test]
    fn resolving_keeps_the_merge_and_retires_the_other_branch() {
        let mut s = state();
        s.edit(&json!({"type": "goal", "title": "walk"})).unwrap();
        s.receive(&json!({"_rev": "1-ffffffff", "type": "goal", "title": "run"})).unwrap();
        let winner = s.winner_doc().unwrap();
        let loser = winner["_conflicts"][0].as_str().unwrap().to_owned();
        let mut merged = winner.clone();
        merged["title"] = json!("walk, then run");
        let stale = json!({"_rev": loser, "type": "goal", "title": "x"});
        assert!(s.resolve(&stale, &[]).is_err(), "a merge from a version that is not the winner is refused");
        let rev = s.resolve(&merged, &[loser]).unwrap();
        let doc = s.winner_doc().unwrap();
        assert_eq!((doc["_rev"].as_str(), doc["title"].as_str(), doc.get("_conflicts")), (Some(rev.as_str()), Some("walk, then run"), None));
        // Made the same way on another device, the same merge is the same revisions: no new conflict.
        let mut twin = state();
        twin.tree = s.tree.clone();
        assert_eq!(twin.winner_doc(), s.winner_doc());
    }

    #[test]
    fn a_revision_for_the_server_carries_its_ancestry() {
        let mut s = state();
        let r1 = s.edit(&json!({"type": "goal", "title": "walk"})).unwrap();
        let r2 = s.edit(&json!({"_rev": r1, "type": "goal", "title": "walk daily"})).unwrap();
        let doc = s.revision_doc(&r2).unwrap();
        assert_eq!(doc["_revisions"]["start"], 2);
        assert_eq!(doc["_revisions"]["ids"].as_array().map(Vec::len), Some(2));
        assert_eq!(doc["title"], "walk daily");
        assert!(doc.get("_deleted").is_none());
    }
}
