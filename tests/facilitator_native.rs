//! The facilitator's server work against the local backend, natively: the roster, care databases,
//! a pair's database made with CouchDB's own API, pairing notices a participant's app finds by
//! itself, and who may read what.
//!
//! `cargo test --test facilitator_native` (needs Node.js and `npm ci` in end2end/).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use futures_executor::block_on;
use serde_json::{json, Value};
use support::backend::Backend;
use tandem::store::memory::MemoryStore;
use tandem::store::{Op, Store};
use tandem::sync::account::care_db_name;
use tandem::sync::facilitator::{care_documents, ensure_shared_db, put_document, roster};
use tandem::sync::replicate::Replication;
use tandem::sync::transport::{Method, Request, Transport};

fn status<T: Transport>(t: &T, method: Method, path: &str, body: Option<Value>) -> u16 {
    let request = match body {
        Some(b) => Request::with_body(method, path, b.to_string()),
        None => Request { method, ..Request::get(path) },
    };
    block_on(t.send(request)).expect("an answer").status
}

#[test]
fn a_facilitator_pairs_two_participants_and_only_they_can_use_the_pair_database() {
    let backend = Backend::shared();
    let (alice, bob, dana) = (backend.new_user("alice"), backend.new_user("bob"), backend.new_user("dana"));
    let facilitator = backend.admin();

    // The roster holds every participant; care databases are made for them (again: idempotent).
    let names = block_on(roster(&facilitator)).expect("roster");
    for who in [&alice, &bob, &dana] {
        assert!(names.contains(&who.name), "{} on the roster", who.name);
        for _ in 0..2 {
            block_on(ensure_shared_db(&facilitator, &care_db_name(&who.name), &[who.name.clone()])).expect("care db");
        }
    }

    // Alice fills in the questionnaire on her phone; her app pushes it to her care database.
    let phone = support::http_transport::HttpTransport::new(&backend.url);
    block_on(tandem::sync::account::sign_in(&phone, &alice.name, &alice.password)).expect("sign in");
    let store = MemoryStore::new();
    let answers = json!({"_id": "questionnaire", "type": "questionnaire", "schema": 1, "author": alice.name, "track": "both"});
    block_on(store.apply(vec![Op::PutDoc(answers)])).expect("local write");
    let care = Replication { store: &store, transport: &phone, db: care_db_name(&alice.name), pairing: "test|alice".into() };
    assert_eq!(block_on(care.push()).expect("push to care").sent, 1);
    let shared = block_on(care_documents(&facilitator, &alice.name)).expect("care documents");
    assert_eq!(shared.iter().filter(|d| d["type"] == "questionnaire").count(), 1, "{shared:?}");
    assert!(block_on(care_documents(&facilitator, "nobody-here")).expect("missing care db").is_empty());

    // "Confirm pairs": the pair's database, and a notice in each partner's care database.
    let pair_db = format!("tandem-pair-{}", support::backend::unique_name("p").replace('_', "-"));
    block_on(ensure_shared_db(&facilitator, &pair_db, &[alice.name.clone(), bob.name.clone()])).expect("pair db");
    for who in [&alice, &bob] {
        let notice = json!({"_id": format!("pairing:{pair_db}"), "type": "pairing", "schema": 1, "pair_id": pair_db.trim_start_matches("tandem-pair-"),
            "db": pair_db, "members": [alice.name, bob.name], "reasons": ["Both working on sleep"], "score": 70, "frequency": "weekly",
            "started": "2026-11-23", "created_at": "2026-11-23T10:00:00.000Z", "updated_at": "2026-11-23T10:00:00.000Z", "audience": "facilitator"});
        block_on(put_document(&facilitator, &care_db_name(&who.name), &notice)).expect("pairing notice");
    }
    // Alice's app pulls her care database and finds the pairing by itself.
    block_on(care.pull()).expect("pull care");
    let pairings = block_on(store.docs_of_type("pairing")).expect("local").docs;
    assert_eq!(pairings.len(), 1);
    assert_eq!(pairings[0]["db"], pair_db.as_str());

    // Members read and write the pair's database as themselves; a fourth participant gets 403.
    let bob_client = backend.login(&bob);
    let path = format!("/{pair_db}/partner-checkin:1");
    assert_eq!(status(&bob_client, Method::Put, &path, Some(json!({"type": "partner-checkin", "author": bob.name}))), 201);
    assert_eq!(status(&bob_client, Method::Put, &format!("/{pair_db}/partner-checkin:2"), Some(json!({"type": "partner-checkin", "author": alice.name}))), 403, "Bob cannot write as Alice");
    assert_eq!(status(&backend.login(&alice), Method::Get, &path, None), 200);
    let dana_client = backend.login(&dana);
    assert_eq!(status(&dana_client, Method::Get, &format!("/{pair_db}"), None), 403);
    assert_eq!(status(&dana_client, Method::Get, &path, None), 403);
    assert_eq!(status(&dana_client, Method::Get, &format!("/{}", care_db_name(&alice.name)), None), 403, "nor Alice's care database");
    assert_eq!(status(&bob_client, Method::Get, &format!("/{}/questionnaire", care_db_name(&alice.name)), None), 403, "partners never see each other's questionnaire");
}

#[test]
fn a_group_database_is_for_its_members_who_write_only_as_themselves() {
    let backend = Backend::shared();
    let (ana, ben, cy, outsider) = (backend.new_user("ana"), backend.new_user("ben"), backend.new_user("cy"), backend.new_user("out"));
    let facilitator = backend.admin();
    let group_id = support::backend::unique_name("g").replace('_', "-");
    let db = format!("tandem-group-{group_id}");
    let members: Vec<String> = [&ana, &ben, &cy].iter().map(|u| u.name.clone()).collect();
    block_on(ensure_shared_db(&facilitator, &db, &members)).expect("group db");
    // The membership notice each member's app finds in their care database.
    for who in [&ana, &ben, &cy] {
        block_on(ensure_shared_db(&facilitator, &care_db_name(&who.name), &[who.name.clone()])).expect("care db");
        let notice = json!({"_id": format!("group-membership:{group_id}"), "type": "group-membership", "schema": 1, "group_id": group_id,
            "name": "Tuesday evening group", "created_at": "2026-11-23T10:00:00.000Z", "updated_at": "2026-11-23T10:00:00.000Z", "audience": "facilitator"});
        block_on(put_document(&facilitator, &care_db_name(&who.name), &notice)).expect("membership notice");
    }
    let ana_client = backend.login(&ana);
    let post = format!("/{db}/post:1");
    assert_eq!(status(&ana_client, Method::Put, &post, Some(json!({"type": "post", "author": ana.name, "group_id": group_id, "text": "Checking in"}))), 201);
    let ben_client = backend.login(&ben);
    assert_eq!(status(&ben_client, Method::Get, &post, None), 200, "members read each other's posts");
    assert_eq!(status(&ben_client, Method::Put, &format!("/{db}/post:2"), Some(json!({"type": "post", "author": ana.name, "group_id": group_id}))), 403, "nobody posts as someone else");
    let current: Value = serde_json::from_str(&block_on(ben_client.send(Request::get(post.clone()))).expect("get").body).expect("JSON");
    let mut edited = current.clone();
    edited["text"] = json!("changed by Ben");
    assert_eq!(status(&ben_client, Method::Put, &post, Some(edited)), 403, "nor edits their post");
    let rev = current["_rev"].as_str().unwrap_or_default().to_owned();
    assert_eq!(status(&ben_client, Method::Delete, &format!("{post}?rev={rev}"), None), 403, "nor deletes it");
    // The facilitator may hide a post.
    let mut hidden = current;
    hidden["hidden"] = json!(true);
    assert_eq!(status(&facilitator, Method::Put, &post, Some(hidden)), 201);
    let outsider_client = backend.login(&outsider);
    assert_eq!(status(&outsider_client, Method::Get, &format!("/{db}"), None), 403, "a non-member gets 403");
    assert_eq!(status(&outsider_client, Method::Get, &post, None), 403);
    // Its author may delete it.
    let latest: Value = serde_json::from_str(&block_on(ana_client.send(Request::get(post.clone()))).expect("get").body).expect("JSON");
    let rev = latest["_rev"].as_str().unwrap_or_default().to_owned();
    assert_eq!(status(&ana_client, Method::Delete, &format!("{post}?rev={rev}"), None), 200, "the author deletes her own post");
}

#[test]
fn a_facilitator_by_role_may_hide_a_group_post_and_change_nothing_else() {
    let backend = Backend::shared();
    let (ana, outsider) = (backend.new_user("ana"), backend.new_user("out"));
    // A facilitator who is not a server admin: an account with the role only.
    let name = support::backend::unique_name("fac");
    let doc_id = format!("org.couchdb.user:{name}");
    let user = json!({"_id": doc_id, "name": name, "password": "pw-fac", "roles": ["facilitator"], "type": "user"});
    let made = backend.admin_call(Method::Put, &format!("/_users/{}", support::backend::encode_segment(&doc_id)), Some(user));
    assert!(matches!(made.status, 201 | 202), "{}", made.body);
    let facilitator = support::backend::TestUser { name: name.clone(), password: "pw-fac".into(), db: String::new() };
    let db = format!("tandem-group-{}", support::backend::unique_name("g").replace('_', "-"));
    block_on(ensure_shared_db(&backend.admin(), &db, &[ana.name.clone()])).expect("group db");
    let ana_client = backend.login(&ana);
    let post = format!("/{db}/post:1");
    assert_eq!(status(&ana_client, Method::Put, &post, Some(json!({"type": "post", "author": ana.name, "text": "Rough week"}))), 201);
    let fac_client = backend.login(&facilitator);
    let current: Value = serde_json::from_str(&block_on(fac_client.send(Request::get(post.clone()))).expect("get").body).expect("JSON");
    let mut changed = current.clone();
    changed["text"] = json!("edited by the facilitator");
    changed["hidden"] = json!(true);
    assert_eq!(status(&fac_client, Method::Put, &post, Some(changed)), 403, "hiding only, no editing");
    let mut hidden = current;
    hidden["hidden"] = json!(true);
    hidden["updated_at"] = json!("2026-11-23T12:00:00.000Z");
    assert_eq!(status(&fac_client, Method::Put, &post, Some(hidden)), 201, "the facilitator role hides the post (and dates the change)");
    let other = json!({"type": "post", "author": ana.name, "text": "x", "hidden": true});
    assert_eq!(status(&fac_client, Method::Put, &format!("/{db}/post:2"), Some(other)), 403, "nor posts as someone else");
    assert_eq!(status(&backend.login(&outsider), Method::Get, &post, None), 403);
}
