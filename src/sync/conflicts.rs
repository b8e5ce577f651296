//! Conflicts after a pull: settled by the merge rule ([`crate::domain::merge`]) where it can,
//! left for the person where it cannot.

use crate::domain::merge::{merge3, saved_at, FieldConflict};
use crate::store::versioned::DocState;
use crate::store::Op;
use serde_json::{Map, Value};

/// What to do about one document's conflicting versions.
#[derive(Clone, Debug, PartialEq)]
pub enum Settlement {
    /// No conflict.
    None,
    /// The merge rule settles it: write this.
    Merge(Op),
    /// Some fields were changed differently on both sides: the person chooses. `merged` holds
    /// everything the rule could settle (and the winner's value for each field to choose);
    /// writing it, with the chosen values, as `Op::ResolveConflict { doc: merged, losers }`
    /// settles the conflict.
    Choose { fields: Vec<FieldConflict>, merged: Value, losers: Vec<String> },
}

/// Merges every live conflicting version into the winner, each against its own merge base.
pub fn settle(state: &DocState) -> Settlement {
    let Some(winner) = state.tree.winner() else { return Settlement::None };
    let losers = state.tree.conflicts();
    if losers.is_empty() {
        return Settlement::None;
    }
    let body = |rev: &str| state.tree.nodes.get(rev).and_then(|n| n.body.clone());
    let Some(mut merged) = body(winner) else { return Settlement::None };
    let mut choices = Vec::new();
    // The versions merged so far, the winner first: the one a field's value came from says when
    // it was saved (the merge so far has the latest `updated_at` of them all).
    let mut seen = vec![merged.clone()];
    for loser in &losers {
        let Some(other) = body(loser) else { continue };
        let base = state.tree.common_ancestor(winner, loser).and_then(body);
        let result = merge3(base.as_ref(), &merged, &other);
        merged = result.doc;
        for mut c in result.conflicts {
            c.winner_saved = seen.iter().find(|v| v.get(&c.field) == c.winner.as_ref()).and_then(saved_at);
            choices.push(c);
        }
        seen.push(other);
    }
    let mut doc = Map::new();
    doc.insert("_id".into(), Value::from(state.id.as_str()));
    doc.insert("_rev".into(), Value::from(winner));
    doc.extend(merged);
    let (doc, losers) = (Value::Object(doc), losers.into_iter().map(str::to_owned).collect());
    if choices.is_empty() {
        Settlement::Merge(Op::ResolveConflict { doc, losers })
    } else {
        Settlement::Choose { fields: choices, merged: doc, losers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conflicted(mine: Value, theirs: Value) -> DocState {
        let mut s = DocState::load("checkin:2026-11-22", None, None);
        let base = s.edit(&json!({"type": "checkin", "how_i_feel": "", "win": "", "challenge": ""})).unwrap();
        let mut mine = mine;
        mine["_rev"] = json!(base);
        s.edit(&mine).unwrap();
        let base_hash = base.split_once('-').unwrap().1.to_owned();
        let mut theirs = theirs;
        theirs["_rev"] = json!("2-0000");
        theirs["_revisions"] = json!({"start": 2, "ids": ["0000", base_hash]});
        s.receive(&theirs).unwrap();
        s
    }

    #[test]
    fn edits_to_different_fields_are_merged_into_one_version() {
        let s = conflicted(json!({"type": "checkin", "how_i_feel": "tired", "win": "", "challenge": ""}), json!({"type": "checkin", "how_i_feel": "", "win": "group", "challenge": ""}));
        let Settlement::Merge(op) = settle(&s) else { panic!("expected a merge") };
        let mut merged = s.clone();
        if let Op::ResolveConflict { doc, losers } = &op {
            assert_eq!((doc["how_i_feel"].as_str(), doc["win"].as_str()), (Some("tired"), Some("group")));
            merged.resolve(doc, losers).unwrap();
        }
        assert!(merged.winner_doc().unwrap().get("_conflicts").is_none());
        assert_eq!(settle(&merged), Settlement::None);
    }

    #[test]
    fn the_same_field_edited_on_both_is_left_for_the_person() {
        let s = conflicted(json!({"type": "checkin", "how_i_feel": "tired", "win": "", "challenge": ""}), json!({"type": "checkin", "how_i_feel": "hopeful", "win": "", "challenge": ""}));
        let Settlement::Choose { fields, mut merged, losers } = settle(&s) else { panic!("expected a choice") };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "how_i_feel");
        let values = [fields[0].winner.clone(), fields[0].other.clone()];
        assert!(values.contains(&Some(json!("tired"))) && values.contains(&Some(json!("hopeful"))));
        // The person picks the other version's words: written, the conflict is gone.
        merged["how_i_feel"] = fields[0].other.clone().unwrap();
        let mut chosen = s.clone();
        chosen.resolve(&merged, &losers).unwrap();
        assert_eq!(chosen.winner_doc().unwrap()["how_i_feel"], fields[0].other.clone().unwrap());
        assert_eq!(settle(&chosen), Settlement::None);
    }

    #[test]
    fn each_version_to_choose_from_says_when_it_was_saved() {
        let ts = |t: &str| crate::domain::time::Timestamp::parse_rfc3339(t).ok();
        let feel = |words: &str, at: &str| json!({"type": "checkin", "how_i_feel": words, "win": "", "challenge": "", "updated_at": at});
        let mut s = conflicted(feel("tired", "2026-11-22T09:00:00.000Z"), feel("hopeful", "2026-11-22T10:30:00.000Z"));
        let saved = |s: &DocState| {
            let Settlement::Choose { fields, .. } = settle(s) else { panic!("expected a choice") };
            // Each value with the time of the version it came from, whichever revision won.
            let mut out: Vec<(Option<Value>, Option<crate::domain::time::Timestamp>)> = Vec::new();
            for f in fields {
                for pair in [(f.winner, f.winner_saved), (f.other, f.other_saved)] {
                    if !out.contains(&pair) {
                        out.push(pair);
                    }
                }
            }
            crate::domain::order::sort_by(&mut out, |a, b| a.1.cmp(&b.1));
            out
        };
        assert_eq!(saved(&s), [(Some(json!("tired")), ts("2026-11-22T09:00:00Z")), (Some(json!("hopeful")), ts("2026-11-22T10:30:00Z"))]);
        // A third device: the value standing after the first merge keeps its own version's time, not
        // the merge's (the latest of all).
        let base_hash = s.tree.nodes.keys().find(|r| r.starts_with("1-")).and_then(|r| r.split_once('-')).map(|(_, h)| h.to_owned()).unwrap_or_default();
        let mut third = feel("calm", "2026-11-22T11:15:00.000Z");
        third["_rev"] = json!("2-1111");
        third["_revisions"] = json!({"start": 2, "ids": ["1111", base_hash]});
        s.receive(&third).unwrap();
        assert_eq!(saved(&s), [
            (Some(json!("tired")), ts("2026-11-22T09:00:00Z")),
            (Some(json!("hopeful")), ts("2026-11-22T10:30:00Z")),
            (Some(json!("calm")), ts("2026-11-22T11:15:00Z"))
        ]);
    }

    /// A goal edited on two devices while offline: the title on one, the column on the other.
    fn goal_conflict(mine: impl FnOnce(&mut crate::domain::goal::Goal), theirs: impl FnOnce(&mut crate::domain::goal::Goal)) -> DocState {
        use crate::domain::doc::encode;
        use crate::domain::goal::{save_goal, GoalDraft};
        use crate::domain::time::{LocalDay, Now, Timestamp};
        let now = Now { at: Timestamp::parse_rfc3339("2026-11-16T09:00:00Z").unwrap(), utc_offset_minutes: 0 };
        let draft = GoalDraft { title: "Call my sister".into(), why: "family".into(), ..Default::default() };
        let goal = save_goal(None, &draft, LocalDay::parse("2026-11-16").unwrap(), now, || "goal:1".into()).unwrap();
        let mut s = DocState::load("goal:1", None, None);
        let base = s.edit(&encode(&goal)).unwrap();
        let (mut a, mut b) = (goal.clone(), goal);
        a.header.rev = Some(base.clone());
        mine(&mut a);
        s.edit(&encode(&a)).unwrap();
        theirs(&mut b);
        let mut theirs = encode(&b);
        theirs["_rev"] = json!("2-ffff");
        theirs["_revisions"] = json!({"start": 2, "ids": ["ffff", base.split_once('-').unwrap().1]});
        s.receive(&theirs).unwrap();
        s
    }

    #[test]
    fn a_goal_edited_on_two_devices_keeps_both_edits_to_different_fields() {
        use crate::domain::goal::GoalStatus;
        let s = goal_conflict(|g| g.title = "Call my sister on Sunday".into(), |g| g.status = GoalStatus::Doing);
        let Settlement::Merge(Op::ResolveConflict { doc, .. }) = settle(&s) else { panic!("expected a merge") };
        assert_eq!((doc["title"].as_str(), doc["status"].as_str(), doc["why"].as_str()), (Some("Call my sister on Sunday"), Some("doing"), Some("family")));
        let goal: crate::domain::goal::Goal = crate::domain::doc::decode(&doc).unwrap();
        assert_eq!(goal.status, GoalStatus::Doing);
    }

    #[test]
    fn a_goal_title_edited_differently_on_two_devices_is_the_persons_choice() {
        let s = goal_conflict(|g| g.title = "Call my sister".into(), |g| g.title = "Visit my sister".into());
        // Only the title changed differently: the same title on one side means no change there, so it merges.
        assert!(matches!(settle(&s), Settlement::Merge(_)));
        let s = goal_conflict(|g| g.title = "Phone my sister".into(), |g| g.title = "Visit my sister".into());
        let Settlement::Choose { fields, .. } = settle(&s) else { panic!("expected a choice") };
        assert_eq!(fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["title"]);
        let both = [fields[0].winner.clone(), fields[0].other.clone()];
        assert!(both.contains(&Some(json!("Phone my sister"))) && both.contains(&Some(json!("Visit my sister"))));
    }
}
