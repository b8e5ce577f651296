//! The store test suite, written once and run against every implementation:
//! natively on [`MemoryStore`](super::memory::MemoryStore) (`cargo test`), and on
//! [`IdbStore`](super::indexed_db::IdbStore) in headless Chromium (`tests/store_in_browser.rs`).
//! Instantiate it with [`store_suite!`](crate::store_suite).

use super::{Op, Store, StoreError};
use serde_json::{json, Value};

fn doc(id: &str, doc_type: &str, n: i64) -> Value {
    json!({"_id": id, "type": doc_type, "schema": 1, "n": n})
}

fn ids(docs: &[Value]) -> Vec<&str> {
    docs.iter().filter_map(|d| d["_id"].as_str()).collect()
}

pub async fn empty_store_has_nothing<S: Store>(s: &S) {
    assert_eq!(s.get_doc("mood:1").await, Ok(None));
    assert_eq!(s.get_draft("mood").await, Ok(None));
    assert_eq!(s.get_meta("anything").await, Ok(None));
    let loaded = s.docs_of_type("mood").await.unwrap();
    assert!(loaded.docs.is_empty() && loaded.unreadable.is_empty());
}

pub async fn documents_round_trip_exactly<S: Store>(s: &S) {
    let d = json!({
        "_id": "mood:1", "type": "mood", "schema": 1,
        "note": "ünïcødé — עברית — 🙂\nline two", "tags": ["sleep", "long walk"],
        "nested": {"a": [1, 2.5, null, true]}, "big": 9007199254740991i64
    });
    let applied = s.apply(vec![Op::PutDoc(d.clone())]).await.unwrap();
    let rev = applied.rev_of("mood:1").unwrap().to_owned();
    assert!(rev.starts_with("1-"), "{rev}");
    let mut expected = d;
    expected["_rev"] = json!(rev);
    assert_eq!(s.get_doc("mood:1").await.unwrap(), Some(expected));
}

pub async fn docs_of_type_filters_and_sorts_by_id<S: Store>(s: &S) {
    s.apply(vec![
        Op::PutDoc(doc("mood:3", "mood", 3)),
        Op::PutDoc(doc("checkin:2026-11-22", "checkin", 0)),
        Op::PutDoc(doc("mood:1", "mood", 1)),
        Op::PutDoc(doc("mood:2", "mood", 2)),
    ])
    .await
    .unwrap();
    let moods = s.docs_of_type("mood").await.unwrap();
    assert_eq!(ids(&moods.docs), ["mood:1", "mood:2", "mood:3"]);
    assert_eq!(ids(&s.docs_of_type("checkin").await.unwrap().docs), ["checkin:2026-11-22"]);
    assert!(s.docs_of_type("goal").await.unwrap().docs.is_empty());
}

pub async fn newest_of_type_reads_only_the_last_ids_with_the_prefix<S: Store>(s: &S) {
    s.apply(vec![
        Op::PutDoc(doc("post:20261101", "post", 1)),
        Op::PutDoc(doc("post:20261103", "post", 3)),
        Op::PutDoc(doc("post:20261102", "post", 2)),
        Op::PutDoc(doc("post:20261104", "other", 4)),
        Op::PutDoc(doc("post-report:20261105", "post-report", 5)),
        Op::PutDoc(doc("posts:9", "post", 9)),
    ])
    .await
    .unwrap();
    // The last three ids under "post:" are …02, …03 and …04; …04 is not a post.
    assert_eq!(ids(&s.newest_of_type("post", "post:", 3).await.unwrap().docs), ["post:20261102", "post:20261103"]);
    assert_eq!(ids(&s.newest_of_type("post", "post:", 100).await.unwrap().docs), ["post:20261101", "post:20261102", "post:20261103"]);
    assert!(s.newest_of_type("post", "post:", 1).await.unwrap().docs.is_empty(), "the newest is another type");
    assert!(s.newest_of_type("goal", "goal:", 10).await.unwrap().docs.is_empty());
    s.apply(vec![Op::DeleteDoc("post:20261103".into())]).await.unwrap();
    assert_eq!(ids(&s.newest_of_type("post", "post:", 2).await.unwrap().docs), ["post:20261102"], "deleted documents are gone");
}

pub async fn put_replaces_and_delete_removes<S: Store>(s: &S) {
    s.apply(vec![Op::PutDoc(doc("mood:1", "mood", 1))]).await.unwrap();
    s.apply(vec![Op::PutDoc(doc("mood:1", "mood", 2))]).await.unwrap();
    assert_eq!(s.get_doc("mood:1").await.unwrap().unwrap()["n"], 2);
    s.apply(vec![Op::DeleteDoc("mood:1".into())]).await.unwrap();
    assert_eq!(s.get_doc("mood:1").await, Ok(None));
    // Deleting what is not there is not an error.
    s.apply(vec![Op::DeleteDoc("mood:404".into())]).await.unwrap();
}

pub async fn drafts_keep_the_latest_keystroke<S: Store>(s: &S) {
    let mut typed = String::new();
    for c in "I slept badly".chars() {
        typed.push(c);
        s.put_draft("checkin", &json!({"how_i_feel": typed})).await.unwrap();
    }
    assert_eq!(s.get_draft("checkin").await.unwrap(), Some(json!({"how_i_feel": "I slept badly"})));
    assert_eq!(s.get_draft("mood").await, Ok(None), "drafts are kept per form");
}

pub async fn saving_clears_the_draft_in_the_same_batch<S: Store>(s: &S) {
    s.put_draft("mood", &json!({"score": 7})).await.unwrap();
    s.apply(vec![Op::PutDoc(doc("mood:1", "mood", 7)), Op::DeleteDraft("mood".into())]).await.unwrap();
    assert_eq!(s.get_draft("mood").await, Ok(None));
    assert!(s.get_doc("mood:1").await.unwrap().is_some());
}

pub async fn a_failed_batch_rolls_back_whole<S: Store>(s: &S) {
    s.put_draft("mood", &json!({"score": 7})).await.unwrap();
    s.apply(vec![Op::PutDoc(doc("mood:0", "mood", 0))]).await.unwrap();
    let result = s
        .apply(vec![
            Op::PutDoc(doc("mood:1", "mood", 1)),
            Op::DeleteDraft("mood".into()),
            Op::DeleteDoc("mood:0".into()),
            Op::PutMeta { key: "m".into(), value: json!(1) },
            Op::PutDoc(json!({"type": "mood", "no": "id"})),
        ])
        .await;
    assert!(matches!(result, Err(StoreError::Invalid(_))), "{result:?}");
    assert_eq!(s.get_doc("mood:1").await, Ok(None), "the first put was rolled back");
    assert!(s.get_doc("mood:0").await.unwrap().is_some(), "the delete was rolled back");
    assert_eq!(s.get_draft("mood").await.unwrap(), Some(json!({"score": 7})), "the draft is still there");
    assert_eq!(s.get_meta("m").await, Ok(None));
}

pub async fn invalid_documents_are_refused<S: Store>(s: &S) {
    for bad in [json!("text"), json!(["a"]), json!({"_id": "", "type": "mood"}), json!({"_id": "x"}), json!({"_id": 5, "type": "mood"})] {
        let r = s.apply(vec![Op::PutDoc(bad.clone())]).await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{bad} gave {r:?}");
    }
}

pub async fn meta_round_trips<S: Store>(s: &S) {
    s.apply(vec![Op::PutMeta { key: "checkpoint".into(), value: json!({"seq": "12-g1AAAA"}) }]).await.unwrap();
    assert_eq!(s.get_meta("checkpoint").await.unwrap(), Some(json!({"seq": "12-g1AAAA"})));
}

pub async fn hundreds_of_docs_in_one_batch<S: Store>(s: &S) {
    let ops = (0..500).map(|i| Op::PutDoc(doc(&format!("mood:{i:04}"), "mood", i))).collect();
    s.apply(ops).await.unwrap();
    let loaded = s.docs_of_type("mood").await.unwrap();
    assert_eq!(loaded.docs.len(), 500);
    assert_eq!(loaded.docs[499]["n"], 499);
}

pub async fn edits_chain_revisions_and_feed_the_changes<S: Store>(s: &S) {
    let r1 = s.apply(vec![Op::PutDoc(doc("goal:1", "goal", 1))]).await.unwrap().rev_of("goal:1").unwrap().to_owned();
    s.apply(vec![Op::PutDoc(doc("goal:2", "goal", 1))]).await.unwrap();
    let mut edited = doc("goal:1", "goal", 2);
    edited["_rev"] = json!(r1);
    let r2 = s.apply(vec![Op::PutDoc(edited)]).await.unwrap().rev_of("goal:1").unwrap().to_owned();
    assert!(r2.starts_with("2-"), "{r2}");
    let got = s.get_doc("goal:1").await.unwrap().unwrap();
    assert_eq!((got["_rev"].as_str(), got.get("_conflicts")), (Some(r2.as_str()), None));
    // goal:2 changed at seq 2, goal:1 last at seq 3: each document once, oldest change first.
    let changes = s.changes_since(0, 10).await.unwrap();
    let seen: Vec<(&str, u64)> = changes.iter().map(|c| (c.state.id.as_str(), c.seq)).collect();
    assert_eq!(seen, [("goal:2", 2), ("goal:1", 3)]);
    assert_eq!(changes[1].state.tree.ancestry(&r2), [r2.as_str(), r1.as_str()]);
    assert_eq!(s.changes_since(2, 10).await.unwrap().len(), 1);
    assert_eq!(s.changes_since(0, 1).await.unwrap()[0].state.id, "goal:2");
    assert!(s.changes_since(3, 10).await.unwrap().is_empty());
    assert_eq!((s.count_changes_since(0).await, s.count_changes_since(2).await, s.count_changes_since(3).await), (Ok(2), Ok(1), Ok(0)));
}

pub async fn received_revisions_merge_and_keep_conflicts<S: Store>(s: &S) {
    let a = json!({"_id": "goal:1", "_rev": "2-aaa", "_revisions": {"start": 2, "ids": ["aaa", "root"]}, "type": "goal", "side": "a"});
    let b = json!({"_id": "goal:1", "_rev": "2-bbb", "_revisions": {"start": 2, "ids": ["bbb", "root"]}, "type": "goal", "side": "b"});
    s.apply(vec![Op::ReceiveDoc(a.clone()), Op::ReceiveDoc(b), Op::PutMeta { key: "checkpoint".into(), value: json!("5-x") }]).await.unwrap();
    let got = s.get_doc("goal:1").await.unwrap().unwrap();
    assert_eq!(got, json!({"_id": "goal:1", "_rev": "2-bbb", "_conflicts": ["2-aaa"], "type": "goal", "side": "b"}));
    let state = s.doc_states(&["goal:1".to_owned(), "goal:404".to_owned()]).await.unwrap();
    assert_eq!(state[0].tree.leaves(), ["2-aaa", "2-bbb"]);
    assert_eq!(state[0].revision_doc("2-aaa").unwrap()["side"], "a", "the losing version's body is kept");
    assert!(state[1].tree.is_empty());
    // What came from the server is not pushed back to it.
    assert!(s.changes_since(0, 10).await.unwrap().is_empty());
    // The same revision again is no change; a local edit after it is pushed, from the winner.
    s.apply(vec![Op::ReceiveDoc(a)]).await.unwrap();
    let mut edited = got.clone();
    edited["side"] = json!("merged");
    s.apply(vec![Op::PutDoc(edited)]).await.unwrap();
    let changes = s.changes_since(0, 10).await.unwrap();
    assert_eq!(changes.len(), 1);
    let winner = changes[0].state.winner_doc().unwrap();
    assert!(winner["_rev"].as_str().unwrap().starts_with("3-"), "{winner}");
    assert_eq!(winner["_conflicts"], json!(["2-aaa"]), "an edit of the winner leaves the other branch");
}

pub async fn a_deletion_is_a_tombstone_that_replicates<S: Store>(s: &S) {
    s.apply(vec![Op::PutDoc(doc("mood:1", "mood", 1))]).await.unwrap();
    let tomb = s.apply(vec![Op::DeleteDoc("mood:1".into())]).await.unwrap();
    let tomb_rev = tomb.rev_of("mood:1").unwrap().to_owned();
    assert_eq!(s.get_doc("mood:1").await, Ok(None));
    assert!(s.docs_of_type("mood").await.unwrap().docs.is_empty());
    let changes = s.changes_since(0, 10).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].state.revision_doc(&tomb_rev).unwrap()["_deleted"], true);
}

pub async fn a_bad_received_revision_rolls_back_the_page<S: Store>(s: &S) {
    let good = json!({"_id": "mood:1", "_rev": "1-a", "type": "mood"});
    let bad = json!({"_id": "mood:2", "_rev": "not-a-rev-x", "type": "mood"});
    let r = s.apply(vec![Op::ReceiveDoc(good), Op::ReceiveDoc(bad), Op::PutMeta { key: "checkpoint".into(), value: json!(9) }]).await;
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    assert_eq!(s.get_doc("mood:1").await, Ok(None));
    assert_eq!(s.get_meta("checkpoint").await, Ok(None), "the checkpoint never runs ahead of the documents");
}

/// A document that arrives as its first revision (most of a first sync) reads back, merges and is
/// edited like any other. (`IdbStore` keeps no revision record for it until it changes.)
pub async fn received_first_revisions_read_back_and_change_like_any_other<S: Store>(s: &S) {
    let first = |id: &str, hash: &str, side: &str| json!({"_id": id, "_rev": format!("1-{hash}"), "_revisions": {"start": 1, "ids": [hash]}, "type": "goal", "side": side});
    let ids: Vec<String> = ["goal:1", "goal:2", "goal:3"].map(String::from).to_vec();
    s.apply(ids.iter().map(|id| Op::ReceiveDoc(first(id, "aaa", "a"))).chain([Op::PutMeta { key: "checkpoint".into(), value: json!(3) }]).collect()).await.unwrap();
    for state in s.doc_states(&ids).await.unwrap() {
        assert_eq!((state.tree.leaves(), state.tree.ancestry("1-aaa"), state.seq), (vec!["1-aaa"], vec!["1-aaa"], 0), "{state:?}");
        assert_eq!(state.revision_doc("1-aaa").unwrap(), json!({"_id": state.id, "_rev": "1-aaa", "_revisions": {"start": 1, "ids": ["aaa"]}, "type": "goal", "side": "a"}));
    }
    assert!(s.changes_since(0, 10).await.unwrap().is_empty(), "what came from the server is not pushed back");
    assert_eq!(s.count_changes_since(0).await.unwrap(), 0);

    // goal:1 gets a conflicting first revision, goal:2 a child of its first, goal:3 a local edit.
    let child = json!({"_id": "goal:2", "_rev": "2-ccc", "_revisions": {"start": 2, "ids": ["ccc", "aaa"]}, "type": "goal", "side": "c"});
    s.apply(vec![Op::ReceiveDoc(first("goal:1", "bbb", "b")), Op::ReceiveDoc(child)]).await.unwrap();
    let mut mine = s.get_doc("goal:3").await.unwrap().unwrap();
    mine["side"] = json!("mine");
    s.apply(vec![Op::PutDoc(mine)]).await.unwrap();
    assert_eq!(s.get_doc("goal:1").await.unwrap().unwrap(), json!({"_id": "goal:1", "_rev": "1-bbb", "_conflicts": ["1-aaa"], "type": "goal", "side": "b"}));
    let states = s.doc_states(&ids).await.unwrap();
    assert_eq!(states[0].tree.leaves(), ["1-aaa", "1-bbb"]);
    assert_eq!(states[0].revision_doc("1-aaa").unwrap()["side"], "a", "the first version's body is kept");
    assert_eq!(states[1].tree.ancestry("2-ccc"), ["2-ccc", "1-aaa"]);
    assert_eq!(states[1].seq, 0);
    let changes = s.changes_since(0, 10).await.unwrap();
    assert_eq!(changes.iter().map(|c| c.state.id.as_str()).collect::<Vec<_>>(), ["goal:3"]);
    let pushed = changes[0].state.winner_doc().unwrap();
    let rev = pushed["_rev"].as_str().unwrap();
    assert_eq!(changes[0].state.tree.ancestry(rev), [rev, "1-aaa"], "the edit is made from the received revision");
}

/// Runs every suite test against a store made by `$make(test_name).await`.
/// `native` makes `#[test]` functions; `browser` makes `#[wasm_bindgen_test]` ones.
#[macro_export]
macro_rules! store_suite {
    ($mode:ident, $make:path) => {
        $crate::store_suite!(@each $mode, $make,
            empty_store_has_nothing,
            documents_round_trip_exactly,
            docs_of_type_filters_and_sorts_by_id,
            newest_of_type_reads_only_the_last_ids_with_the_prefix,
            put_replaces_and_delete_removes,
            drafts_keep_the_latest_keystroke,
            saving_clears_the_draft_in_the_same_batch,
            a_failed_batch_rolls_back_whole,
            invalid_documents_are_refused,
            meta_round_trips,
            hundreds_of_docs_in_one_batch,
            edits_chain_revisions_and_feed_the_changes,
            received_revisions_merge_and_keep_conflicts,
            a_deletion_is_a_tombstone_that_replicates,
            a_bad_received_revision_rolls_back_the_page,
            received_first_revisions_read_back_and_change_like_any_other
        );
    };
    (@each native, $make:path, $($name:ident),*) => {$(
        #[test]
        fn $name() {
            futures_executor::block_on(async {
                let store = $make(stringify!($name)).await;
                $crate::store::suite::$name(&store).await;
            });
        }
    )*};
    (@each browser, $make:path, $($name:ident),*) => {$(
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn $name() {
            let store = $make(stringify!($name)).await;
            $crate::store::suite::$name(&store).await;
        }
    )*};
}
