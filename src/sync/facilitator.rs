//! What the facilitator's app does on the server, with CouchDB's own HTTP API only (no server code
//! of ours, so any compatible backend works): read the roster from `_users`, make sure each
//! participant's care database exists, read what participants shared with facilitators there, and
//! on "Confirm pairs" create each pair's database (members: the partners, and the facilitator
//! role; the validate function so people write only as themselves) and leave a pairing notice in
//! each partner's care database, where their apps find it by themselves.
//! Needs an account allowed to create databases: on CouchDB, a server admin.

use super::account::care_db_name;
use super::protocol::{encode_component, json_body, SyncError};
use super::transport::{Method, Request, Transport};
use serde_json::{json, Value};

/// The validate function installed in every shared database.
pub const VALIDATE_DOC_UPDATE: &str = include_str!("validate_doc_update.js");
const DESIGN_ID: &str = "_design/tandem";
/// The role that may read every care, pair and group database.
pub const FACILITATOR_ROLE: &str = "facilitator";

/// The program's participants: every account in `_users` (server admins, who include facilitators
/// on CouchDB, are not there). Sorted by name.
pub async fn roster<T: Transport>(transport: &T) -> Result<Vec<String>, SyncError> {
    let path = format!("/_users/_all_docs?startkey={}&endkey={}", encode_component("\"org.couchdb.user:\""), encode_component("\"org.couchdb.user;\""));
    let body = json_body(&transport.send(Request::get(path)).await?)?;
    let mut names: Vec<String> = body
        .get("rows")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id")?.as_str()?.strip_prefix("org.couchdb.user:").map(str::to_owned))
        .collect();
    crate::domain::order::sort_by(&mut names, |a, b| a.cmp(b));
    Ok(names)
}

/// Creates a database if it is missing, sets who may use it, and installs the validate function.
/// Idempotent.
pub async fn ensure_shared_db<T: Transport>(transport: &T, db: &str, member_names: &[String]) -> Result<(), SyncError> {
    let db_path = format!("/{}", encode_component(db));
    let created = transport.send(Request { method: Method::Put, ..Request::get(db_path.clone()) }).await?;
    // 412: it exists already.
    if created.status != 412 {
        json_body(&created)?;
    }
    let security = json!({"admins": {"names": [], "roles": []}, "members": {"names": member_names, "roles": [FACILITATOR_ROLE]}});
    json_body(&transport.send(Request::with_body(Method::Put, format!("{db_path}/_security"), crate::json_text::print(&security))).await?)?;
    let design_path = format!("{db_path}/{DESIGN_ID}");
    let existing = transport.send(Request::get(design_path.clone())).await?;
    let mut design = match json_body(&existing) {
        Ok(doc) => doc,
        Err(SyncError::NotFound(_)) => json!({"_id": DESIGN_ID}),
        Err(e) => return Err(e),
    };
    if design.get("validate_doc_update").and_then(Value::as_str) != Some(VALIDATE_DOC_UPDATE) {
        design["validate_doc_update"] = Value::from(VALIDATE_DOC_UPDATE);
        json_body(&transport.send(Request::with_body(Method::Put, design_path, crate::json_text::print(&design))).await?)?;
    }
    Ok(())
}

/// What one participant shared with facilitators: the documents of their care database (none
/// when it does not exist yet).
pub async fn care_documents<T: Transport>(transport: &T, participant: &str) -> Result<Vec<Value>, SyncError> {
    database_documents(transport, &care_db_name(participant)).await
}

/// Every document of a database but its design documents (none when it does not exist yet).
pub async fn database_documents<T: Transport>(transport: &T, db: &str) -> Result<Vec<Value>, SyncError> {
    let path = format!("/{}/_all_docs?include_docs=true", encode_component(db));
    match json_body(&transport.send(Request::get(path)).await?) {
        Ok(body) => Ok(body
            .get("rows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("doc").filter(|d| d.is_object()).cloned())
            .filter(|d| !d.get("_id").and_then(Value::as_str).unwrap_or_default().starts_with("_design/"))
            .collect()),
        Err(SyncError::NotFound(_)) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The databases whose names start with `prefix` (`tandem-group-`), sorted: `_all_dbs`, which
/// CouchDB 3 gives server admins, the accounts that create shared databases.
pub async fn databases_named<T: Transport>(transport: &T, prefix: &str) -> Result<Vec<String>, SyncError> {
    let body = json_body(&transport.send(Request::get("/_all_dbs".to_owned())).await?)?;
    let mut names: Vec<String> = body.as_array().into_iter().flatten().filter_map(Value::as_str).filter(|n| n.starts_with(prefix)).map(str::to_owned).collect();
    crate::domain::order::sort_by(&mut names, |a, b| a.cmp(b));
    Ok(names)
}

/// Writes (or replaces) a document in a database as the facilitator.
pub async fn put_document<T: Transport>(transport: &T, db: &str, doc: &Value) -> Result<String, SyncError> {
    let id = doc.get("_id").and_then(Value::as_str).ok_or_else(|| SyncError::BadResponse("a document without an id".into()))?;
    let path = format!("/{}/{}", encode_component(db), encode_component(id));
    let mut doc = doc.clone();
    if doc.get("_rev").is_none() {
        // Written before (an earlier attempt that lost its answer): replace that revision.
        if let Ok(existing) = json_body(&transport.send(Request::get(path.clone())).await?) {
            if let Some(rev) = existing.get("_rev") {
                doc["_rev"] = rev.clone();
            }
        }
    }
    let answer = json_body(&transport.send(Request::with_body(Method::Put, path, crate::json_text::print(&doc))).await?)?;
    Ok(answer.get("rev").and_then(Value::as_str).unwrap_or_default().to_owned())
}
