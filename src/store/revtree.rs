//! Revision trees, as CouchDB keeps them, so that replication never loses an edit.
//!
//! Every document has a tree of revisions `N-hash` (N = generation). Edits on two devices that
//! have not seen each other make two branches; both are kept ("conflicts") and every replica picks
//! the same winner with CouchDB's rule: a leaf that is not deleted beats one that is; then the
//! higher generation; then the greater hash. Nothing here touches storage: the stores call these
//! rules inside their transactions, so the in-memory and IndexedDB stores behave the same.
//!
//! Bodies are kept for the leaves (every conflicting version) and for a few generations of
//! ancestors, which gives the merge rule a common base to compare both sides with.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Generations of ancestor bodies kept below each leaf (the merge base is usually 1–2 away).
pub const ANCESTOR_BODIES_KEPT: usize = 5;

/// Revision ids kept per branch, counted from its leaf, as CouchDB's default `_revs_limit`.
pub const REVS_LIMIT: usize = 1000;

/// One revision this replica knows of. Stored as `{ "p"?: parent, "d"?: true, "b"?: body }`
/// (see `RevRecord::into_json`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevNode {
    /// The revision it was made from; `None` for the first one, or when older ones were pruned.
    pub parent: Option<String>,
    pub deleted: bool,
    /// The document as of this revision, without `_id`, `_rev`, `_revisions` or `_conflicts`.
    pub body: Option<Map<String, Value>>,
}

/// The revision tree of one document: every known revision by its id. Stored as an object of
/// revision id → node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RevTree {
    pub nodes: BTreeMap<String, RevNode>,
}

/// `N-hash` split into its parts, or `None` when it is not a revision id.
pub fn parse_rev(rev: &str) -> Option<(u64, &str)> {
    let (n, hash) = rev.split_once('-')?;
    let n = n.parse::<u64>().ok().filter(|n| *n > 0)?;
    (!hash.is_empty()).then_some((n, hash))
}

/// CouchDB's ordering of leaves: the winner is the greatest.
fn rank<'a>(rev: &'a str, node: &RevNode) -> (bool, u64, &'a str) {
    let (n, hash) = parse_rev(rev).unwrap_or((0, rev));
    (!node.deleted, n, hash)
}

impl RevTree {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn contains(&self, rev: &str) -> bool {
        self.nodes.contains_key(rev)
    }

    /// Revisions nothing was made from: the tips of every branch, in id order.
    pub fn leaves(&self) -> Vec<&str> {
        let parents: std::collections::BTreeSet<&str> = self.nodes.values().filter_map(|n| n.parent.as_deref()).collect();
        self.nodes.keys().map(String::as_str).filter(|r| !parents.contains(r)).collect()
    }

    /// The winning revision, the same on every replica that knows the same revisions.
    pub fn winner(&self) -> Option<&str> {
        self.leaves().into_iter().max_by(|a, b| rank(a, &self.nodes[*a]).cmp(&rank(b, &self.nodes[*b])))
    }

    /// Leaves other than the winner that are not deleted: CouchDB's `_conflicts`.
    pub fn conflicts(&self) -> Vec<&str> {
        let winner = self.winner();
        self.leaves().into_iter().filter(|r| Some(*r) != winner && !self.nodes[*r].deleted).collect()
    }

    /// The ids from `rev` back to the oldest known ancestor, newest first: `_revisions`.
    pub fn ancestry(&self, rev: &str) -> Vec<&str> {
        let mut path = Vec::new();
        let mut at = self.nodes.get_key_value(rev);
        while let Some((id, node)) = at {
            // A cycle cannot be built through these methods; the bound guards a corrupt record.
            if path.len() > REVS_LIMIT {
                break;
            }
            path.push(id.as_str());
            at = node.parent.as_deref().and_then(|p| self.nodes.get_key_value(p));
        }
        path
    }

    /// `{"start": N, "ids": [hashes...]}` for `rev`, as `_bulk_docs` with `new_edits:false` wants it.
    pub fn revisions_json(&self, rev: &str) -> Value {
        let path = self.ancestry(rev);
        let start = path.first().and_then(|r| parse_rev(r)).map_or(0, |(n, _)| n);
        let ids: Vec<Value> = path.iter().filter_map(|r| parse_rev(r)).map(|(_, h)| Value::from(h)).collect();
        serde_json::json!({ "start": start, "ids": ids })
    }

    /// Records a local edit made from `parent` (or a first version) and returns its new revision.
    /// The hash is derived from the parent and the content, so the same edit made twice from the
    /// same revision (say, on two devices) is the same revision, not a conflict.
    pub fn add_edit(&mut self, parent: Option<&str>, body: Map<String, Value>, deleted: bool) -> String {
        let parent = parent.filter(|p| self.contains(p)).map(str::to_owned);
        let generation = parent.as_deref().and_then(parse_rev).map_or(0, |(n, _)| n) + 1;
        let content = crate::json_text::print_object(&body);
        let hash = content_hash(&[parent.as_deref().unwrap_or(""), if deleted { "deleted" } else { "" }, &content]);
        let rev = format!("{generation}-{hash:032x}");
        self.nodes.insert(rev.clone(), RevNode { parent, deleted, body: Some(body) });
        self.prune();
        rev
    }

    /// Adds a revision received from another replica, with its ancestry (`_revisions` ids, newest
    /// first, starting at generation `start`). Returns false if it was already known.
    pub fn add_received(&mut self, start: u64, ids: &[&str], body: Map<String, Value>, deleted: bool) -> bool {
        let revs: Vec<String> = ids.iter().enumerate().map_while(|(i, h)| start.checked_sub(i as u64).filter(|n| *n > 0).map(|n| format!("{n}-{h}"))).collect();
        let Some(leaf) = revs.first() else { return false };
        // Known as a leaf (with its body) or as an ancestor of something newer: nothing to add.
        if self.contains(leaf) {
            return false;
        }
        for (i, rev) in revs.iter().enumerate() {
            let parent = revs.get(i + 1).cloned();
            let node = self.nodes.entry(rev.clone()).or_default();
            // Keep a parent we knew when the sender's history was pruned shorter than ours.
            if node.parent.is_none() {
                node.parent = parent;
            }
        }
        if let Some(node) = self.nodes.get_mut(leaf) {
            node.deleted = deleted;
            node.body = Some(body);
        }
        self.prune();
        true
    }

    /// The latest revision that is an ancestor of (or equal to) both `a` and `b`.
    pub fn common_ancestor(&self, a: &str, b: &str) -> Option<&str> {
        let theirs = self.ancestry(b);
        self.ancestry(a).into_iter().find(|r| theirs.contains(r))
    }

    /// Drops ancestor bodies beyond [`ANCESTOR_BODIES_KEPT`] and revision ids beyond [`REVS_LIMIT`].
    fn prune(&mut self) {
        let mut keep_body = std::collections::BTreeSet::new();
        let mut keep_id = std::collections::BTreeSet::new();
        for leaf in self.leaves() {
            for (depth, rev) in self.ancestry(leaf).into_iter().enumerate() {
                if depth <= ANCESTOR_BODIES_KEPT {
                    keep_body.insert(rev.to_owned());
                }
                if depth < REVS_LIMIT {
                    keep_id.insert(rev.to_owned());
                }
            }
        }
        self.nodes.retain(|rev, _| keep_id.contains(rev));
        let known: std::collections::BTreeSet<String> = self.nodes.keys().cloned().collect();
        for (rev, node) in self.nodes.iter_mut() {
            if !keep_body.contains(rev) {
                node.body = None;
            }
            if node.parent.as_ref().is_some_and(|p| !known.contains(p)) {
                node.parent = None;
            }
        }
    }
}

/// 128-bit FNV-1a over the parts (separated so that ("ab","c") and ("a","bc") differ). Not a
/// security measure: revision ids only need to be unique per document.
fn content_hash(parts: &[&str]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn revision_ids_parse_strictly() {
        assert_eq!(parse_rev("3-abc"), Some((3, "abc")));
        assert_eq!(parse_rev("0-abc"), None);
        assert_eq!(parse_rev("x-abc"), None);
        assert_eq!(parse_rev("3-"), None);
        assert_eq!(parse_rev("abc"), None);
    }

    #[test]
    fn local_edits_make_a_line_of_generations() {
        let mut t = RevTree::default();
        let r1 = t.add_edit(None, body(json!({"n": 1})), false);
        let r2 = t.add_edit(Some(&r1), body(json!({"n": 2})), false);
        assert!(r1.starts_with("1-") && r2.starts_with("2-"));
        assert_eq!(t.leaves(), [r2.as_str()]);
        assert_eq!(t.winner(), Some(r2.as_str()));
        assert_eq!(t.ancestry(&r2), [r2.as_str(), r1.as_str()]);
        assert!(t.conflicts().is_empty());
    }

    #[test]
    fn the_same_edit_from_the_same_parent_is_the_same_revision() {
        let (mut a, mut b) = (RevTree::default(), RevTree::default());
        let ra = a.add_edit(None, body(json!({"n": 1})), false);
        let rb = b.add_edit(None, body(json!({"n": 1})), false);
        assert_eq!(ra, rb);
        let other = b.add_edit(None, body(json!({"n": 2})), false);
        assert_ne!(ra, other);
    }

    #[test]
    fn the_winner_is_couchdbs_not_deleted_then_longest_then_greatest_hash() {
        let mut t = RevTree::default();
        t.add_received(2, &["bbb", "aaa"], body(json!({"side": "b"})), false);
        t.add_received(2, &["ccc", "aaa"], body(json!({"side": "c"})), false);
        assert_eq!(t.winner(), Some("2-ccc"));
        assert_eq!(t.conflicts(), ["2-bbb"]);
        // A longer branch wins over a greater hash.
        t.add_received(3, &["aab", "bbb", "aaa"], body(json!({"side": "b2"})), false);
        assert_eq!(t.winner(), Some("3-aab"));
        // A deleted leaf loses to any live one, whatever its generation.
        t.add_received(4, &["zzz", "aab", "bbb", "aaa"], Map::new(), true);
        assert_eq!(t.winner(), Some("2-ccc"));
        assert!(t.conflicts().is_empty());
    }

    #[test]
    fn the_winner_does_not_depend_on_arrival_order() {
        let revs: [(u64, &[&str], bool); 4] =
            [(2, &["b", "a"], false), (2, &["c", "a"], false), (3, &["d", "b", "a"], true), (1, &["e"], false)];
        let mut forward = RevTree::default();
        let mut backward = RevTree::default();
        for (start, ids, deleted) in revs {
            forward.add_received(start, ids, Map::new(), deleted);
        }
        for (start, ids, deleted) in revs.into_iter().rev() {
            backward.add_received(start, ids, Map::new(), deleted);
        }
        // The same revisions and links (ancestor bodies are best-effort and may differ).
        let shape = |t: &RevTree| t.nodes.iter().map(|(r, n)| (r.clone(), n.parent.clone(), n.deleted)).collect::<Vec<_>>();
        assert_eq!(shape(&forward), shape(&backward));
        assert_eq!(forward.winner(), Some("2-c"));
        assert_eq!(backward.winner(), Some("2-c"));
    }

    #[test]
    fn receiving_a_known_revision_again_changes_nothing() {
        let mut t = RevTree::default();
        assert!(t.add_received(1, &["a"], body(json!({"n": 1})), false));
        let before = t.clone();
        assert!(!t.add_received(1, &["a"], body(json!({"n": 1})), false));
        assert_eq!(t, before);
    }

    #[test]
    fn revisions_json_is_what_bulk_docs_expects() {
        let mut t = RevTree::default();
        t.add_received(3, &["c", "b", "a"], Map::new(), false);
        assert_eq!(t.revisions_json("3-c"), json!({"start": 3, "ids": ["c", "b", "a"]}));
    }

    #[test]
    fn a_merge_base_is_found_and_its_body_kept() {
        let mut t = RevTree::default();
        let base = t.add_edit(None, body(json!({"title": "walk", "note": ""})), false);
        let mine = t.add_edit(Some(&base), body(json!({"title": "walk daily", "note": ""})), false);
        let base_hash = parse_rev(&base).map(|(_, h)| h.to_owned()).unwrap_or_default();
        t.add_received(2, &["ffff", &base_hash], body(json!({"title": "walk", "note": "with Sam"})), false);
        assert_eq!(t.common_ancestor(&mine, "2-ffff"), Some(base.as_str()));
        assert!(t.nodes[&base].body.is_some());
    }

    #[test]
    fn old_ancestor_bodies_are_pruned_but_ids_kept() {
        let mut t = RevTree::default();
        let mut rev = t.add_edit(None, body(json!({"n": 0})), false);
        for n in 1..20 {
            rev = t.add_edit(Some(&rev), body(json!({ "n": n })), false);
        }
        assert_eq!(t.nodes.len(), 20);
        assert_eq!(t.nodes.values().filter(|n| n.body.is_some()).count(), ANCESTOR_BODIES_KEPT + 1);
        assert_eq!(t.ancestry(&rev).len(), 20);
    }

    #[test]
    fn a_corrupt_record_with_a_cycle_does_not_hang() {
        let mut t = RevTree::default();
        t.nodes.insert("1-a".into(), RevNode { parent: Some("2-b".into()), ..Default::default() });
        t.nodes.insert("2-b".into(), RevNode { parent: Some("1-a".into()), ..Default::default() });
        assert!(t.ancestry("2-b").len() <= REVS_LIMIT + 1);
        assert!(t.leaves().is_empty());
        assert_eq!(t.winner(), None);
    }

    /// A document whose text exercises key order, escapes, non-ASCII and numbers.
    fn hash_sample() -> Map<String, Value> {
        body(json!({"type": "goal", "title": "Call my sister \u{2014} “soon” 💙", "why": "family\n\t\"quoted\" \\ \u{1}\u{1f}\u{7f}",
            "steps": ["one", "twö", ""], "10": 1, "9": -2, "n": 18446744073709551615u64, "f": 0.5, "nested": {"b": null, "a": [true, false, {}]}}))
    }

    /// Revision ids are hashed over the body's JSON text as serde_json printed it before
    /// `json_text` (pinned: a different text would make the same edit a different revision).
    #[test]
    fn revision_hashes_are_over_serde_jsons_text() {
        let sample = hash_sample();
        let rev = RevTree::default().add_edit(None, sample.clone(), false);
        assert_eq!(rev, format!("1-{:032x}", content_hash(&["", "", &serde_json::to_string(&sample).unwrap()])));
        assert_eq!(rev, "1-11e46cfeb0fb74b4efb2504ecd0398f5");
    }
}
