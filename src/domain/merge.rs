//! The merge rule for documents edited on two devices that had not seen each other's edit.
//!
//! Field by field, against the version both edits started from (the merge base): a field only one
//! side changed takes that side's value; a field both changed to the same value is that value; a
//! field both changed differently cannot be decided by a rule — it is listed for the person to
//! choose, and until they do the winner's value stands (the other is kept, never dropped).
//! Without a known base every differing field is such a choice. Times: `updated_at` takes the
//! later one, `created_at` the earlier one.

use serde_json::{Map, Value};

/// A field both sides changed differently.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    /// The winning revision's value (shown until the person chooses).
    pub winner: Option<Value>,
    pub other: Option<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    pub doc: Map<String, Value>,
    pub conflicts: Vec<FieldConflict>,
}

/// Fields that belong to the revision, not the content: never merged.
fn is_bookkeeping(field: &str) -> bool {
    field.starts_with('_')
}

pub fn merge3(base: Option<&Map<String, Value>>, winner: &Map<String, Value>, other: &Map<String, Value>) -> Merged {
    let mut doc = Map::new();
    let mut conflicts = Vec::new();
    let mut fields: Vec<&String> = winner.keys().chain(other.keys()).filter(|k| !is_bookkeeping(k)).collect();
    // The shared sort (`order::sort_by`), not `sort`: another copy of the standard sort costs wasm.
    super::order::sort_by(&mut fields, |a, b| a.cmp(b));
    fields.dedup();
    for field in fields {
        let (w, o) = (winner.get(field), other.get(field));
        let chosen = match field.as_str() {
            // RFC 3339 UTC times of one format compare correctly as text.
            "updated_at" => later(w, o, true),
            "created_at" => later(w, o, false),
            _ if w == o => w.cloned(),
            _ => match base.map(|b| b.get(field)) {
                Some(b) if b == w => o.cloned(),
                Some(b) if b == o => w.cloned(),
                _ => {
                    conflicts.push(FieldConflict { field: field.clone(), winner: w.cloned(), other: o.cloned() });
                    w.cloned()
                }
            },
        };
        if let Some(value) = chosen {
            doc.insert(field.clone(), value);
        }
    }
    Merged { doc, conflicts }
}

fn later(a: Option<&Value>, b: Option<&Value>, latest: bool) -> Option<Value> {
    match (a.and_then(Value::as_str), b.and_then(Value::as_str)) {
        (Some(x), Some(y)) => Some(Value::from(if (x >= y) == latest { x } else { y })),
        _ => a.or(b).cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn edits_to_different_fields_both_survive() {
        let base = obj(json!({"title": "walk", "why": "health", "updated_at": "2026-11-20T10:00:00Z"}));
        let phone = obj(json!({"title": "walk daily", "why": "health", "updated_at": "2026-11-21T09:00:00Z"}));
        let laptop = obj(json!({"title": "walk", "why": "calm", "updated_at": "2026-11-21T08:00:00Z"}));
        let merged = merge3(Some(&base), &phone, &laptop);
        assert!(merged.conflicts.is_empty());
        assert_eq!(Value::Object(merged.doc), json!({"title": "walk daily", "why": "calm", "updated_at": "2026-11-21T09:00:00Z"}));
    }

    #[test]
    fn the_same_field_changed_differently_is_left_for_the_person() {
        let base = obj(json!({"win": "", "challenge": ""}));
        let phone = obj(json!({"win": "called my sister", "challenge": ""}));
        let laptop = obj(json!({"win": "went to group", "challenge": "sleep"}));
        let merged = merge3(Some(&base), &phone, &laptop);
        assert_eq!(merged.conflicts, vec![FieldConflict { field: "win".into(), winner: Some(json!("called my sister")), other: Some(json!("went to group")) }]);
        assert_eq!(merged.doc["win"], "called my sister", "the winner's value stands meanwhile");
        assert_eq!(merged.doc["challenge"], "sleep", "the other field still merges");
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = obj(json!({"n": 1}));
        let both = obj(json!({"n": 2}));
        assert!(merge3(Some(&base), &both, &both).conflicts.is_empty());
    }

    #[test]
    fn added_and_removed_fields_follow_the_side_that_changed_them() {
        let base = obj(json!({"keep": 1, "drop": 2}));
        let a = obj(json!({"keep": 1, "new": 3}));
        let b = obj(json!({"keep": 1, "drop": 2}));
        let merged = merge3(Some(&base), &a, &b);
        assert!(merged.conflicts.is_empty());
        assert_eq!(Value::Object(merged.doc), json!({"keep": 1, "new": 3}));
    }

    #[test]
    fn without_a_base_every_difference_is_a_choice() {
        let merged = merge3(None, &obj(json!({"a": 1, "b": 1})), &obj(json!({"a": 2, "b": 1})));
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].field, "a");
    }

    #[test]
    fn revision_fields_are_never_merged() {
        let merged = merge3(None, &obj(json!({"_rev": "2-a", "x": 1})), &obj(json!({"_rev": "2-b", "x": 1})));
        assert!(merged.conflicts.is_empty());
        assert!(!merged.doc.contains_key("_rev"));
    }
}
