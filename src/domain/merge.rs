//! The merge rule for documents edited on two devices that had not seen each other's edit.
//!
//! Field by field, against the version both edits started from (the merge base): a field only one
//! side changed takes that side's value; a field both changed to the same value is that value; a
//! field both changed differently cannot be decided by a rule — it is listed for the person to
//! choose, and until they do the winner's value stands (the other is kept, never dropped).
//! Without a known base every differing field is such a choice. Times: `updated_at` takes the
//! later one, `created_at` the earlier one.

use super::time::{day_time_label, Timestamp};
use serde_json::{Map, Value};

/// A field both sides changed differently.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    /// The winning revision's value (it stands until the person chooses).
    pub winner: Option<Value>,
    pub other: Option<Value>,
    /// When each version was saved: its document's `updated_at` (`None` if it has none).
    pub winner_saved: Option<Timestamp>,
    pub other_saved: Option<Timestamp>,
}

/// A version's `updated_at`, if it has a readable one.
pub fn saved_at(doc: &Map<String, Value>) -> Option<Timestamp> {
    doc.get("updated_at").and_then(Value::as_str).and_then(|t| Timestamp::parse_rfc3339(t).ok())
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
                    conflicts.push(FieldConflict { field: field.clone(), winner: w.cloned(), other: o.cloned(), winner_saved: saved_at(winner), other_saved: saved_at(other) });
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

/// One version of a field as the choice shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    /// Choosing it keeps the other revision's value (else the winner's).
    pub is_other: bool,
    pub value: Option<Value>,
    /// "Saved Sun 22 Nov, 10:42" in the local time of that instant.
    pub saved: String,
}

/// The two versions of a field, the most recently saved first (the winner first when that is not
/// known), each with when it was saved in plain words. Both saved in the same minute: the seconds
/// tell them apart. `offset_at` is the device's offset from UTC at an instant.
pub fn versions(c: &FieldConflict, offset_at: impl Fn(Timestamp) -> i32) -> [Version; 2] {
    let label = |at: Option<Timestamp>, seconds: bool| match at {
        Some(at) => format!("Saved {}", day_time_label(at, offset_at(at), seconds)),
        None => "When it was saved is not known".to_owned(),
    };
    let same_minute = match (c.winner_saved, c.other_saved) {
        (Some(a), Some(b)) => label(Some(a), false) == label(Some(b), false),
        _ => false,
    };
    let winner = Version { is_other: false, value: c.winner.clone(), saved: label(c.winner_saved, same_minute) };
    let other = Version { is_other: true, value: c.other.clone(), saved: label(c.other_saved, same_minute) };
    match (c.winner_saved, c.other_saved) {
        (Some(w), Some(o)) if o > w => [other, winner],
        _ => [winner, other],
    }
}

/// `merged` with the person's choice for each field (`Some(true)`: the other version's value,
/// `Some(false)`: the winner's). Nothing is chosen for them: `Err(i)` names the first field
/// (`fields[i]`) with no choice yet.
pub fn apply_choices(merged: &Value, fields: &[FieldConflict], picks: &[Option<bool>]) -> Result<Value, usize> {
    let mut out = merged.clone();
    for (i, field) in fields.iter().enumerate() {
        let Some(other) = picks.get(i).copied().flatten() else { return Err(i) };
        let value = if other { field.other.clone() } else { field.winner.clone() };
        if let Some(obj) = out.as_object_mut() {
            match value {
                Some(v) => obj.insert(field.field.clone(), v),
                None => obj.remove(&field.field),
            };
        }
    }
    Ok(out)
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
        assert_eq!(merged.conflicts, vec![FieldConflict { field: "win".into(), winner: Some(json!("called my sister")), other: Some(json!("went to group")), winner_saved: None, other_saved: None }]);
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

    #[test]
    fn each_version_says_when_it_was_saved_newest_first() {
        let base = obj(json!({"win": "", "updated_at": "2026-11-22T08:00:00.000Z"}));
        let phone = obj(json!({"win": "called my sister", "updated_at": "2026-11-22T09:42:10.000Z"}));
        let laptop = obj(json!({"win": "went to group", "updated_at": "2026-11-22T10:05:00.000Z"}));
        let merged = merge3(Some(&base), &phone, &laptop);
        let c = &merged.conflicts[0];
        assert_eq!((c.winner_saved, c.other_saved), (Timestamp::parse_rfc3339("2026-11-22T09:42:10Z").ok(), Timestamp::parse_rfc3339("2026-11-22T10:05:00Z").ok()));
        // In UTC+1 (Sunday 22 November 2026): the laptop's, saved later, comes first.
        let [first, second] = versions(c, |_| 60);
        assert_eq!((first.is_other, first.value.clone(), first.saved.as_str()), (true, Some(json!("went to group")), "Saved Sun 22 Nov, 11:05"));
        assert_eq!((second.is_other, second.saved.as_str()), (false, "Saved Sun 22 Nov, 10:42"));
        // Each instant in its own offset (a daylight-saving change between them), and across midnight.
        let [a, b] = versions(c, |at| if at.0 < Timestamp::parse_rfc3339("2026-11-22T10:00:00Z").map(|t| t.0).unwrap_or(0) { -300 } else { 600 });
        assert_eq!((a.saved.as_str(), b.saved.as_str()), ("Saved Sun 22 Nov, 20:05", "Saved Sun 22 Nov, 04:42"));
        // The same minute: seconds tell them apart.
        let close = FieldConflict { other_saved: Timestamp::parse_rfc3339("2026-11-22T09:42:55Z").ok(), ..c.clone() };
        let [a, b] = versions(&close, |_| 0);
        assert_eq!((a.saved.as_str(), b.saved.as_str()), ("Saved Sun 22 Nov, 09:42:55", "Saved Sun 22 Nov, 09:42:10"));
        // No time on one side (another app's document): it says so, and the winner comes first.
        let unknown = FieldConflict { other_saved: None, ..c.clone() };
        let [a, b] = versions(&unknown, |_| 0);
        assert_eq!((a.is_other, a.saved.as_str(), b.saved.as_str()), (false, "Saved Sun 22 Nov, 09:42", "When it was saved is not known"));
        assert_eq!(saved_at(&obj(json!({"updated_at": "not a time"}))), None);
    }

    #[test]
    fn nothing_is_chosen_for_the_person() {
        let fields = vec![
            FieldConflict { field: "how_i_feel".into(), winner: Some(json!("tired")), other: Some(json!("hopeful")), winner_saved: None, other_saved: None },
            FieldConflict { field: "win".into(), winner: Some(json!("group")), other: None, winner_saved: None, other_saved: None },
        ];
        let merged = json!({"_id": "checkin:2026-11-22", "how_i_feel": "tired", "win": "group", "challenge": "sleep"});
        assert_eq!(apply_choices(&merged, &fields, &[None, None]), Err(0));
        assert_eq!(apply_choices(&merged, &fields, &[Some(true), None]), Err(1), "the first part not yet chosen");
        assert_eq!(apply_choices(&merged, &fields, &[Some(true)]), Err(1));
        assert_eq!(apply_choices(&merged, &fields, &[Some(true), Some(true)]), Ok(json!({"_id": "checkin:2026-11-22", "how_i_feel": "hopeful", "challenge": "sleep"})));
        assert_eq!(apply_choices(&merged, &fields, &[Some(false), Some(false)]), Ok(merged.clone()));
    }
}
