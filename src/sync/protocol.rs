//! The CouchDB replication protocol's messages: building requests and reading answers.
//!
//! Written for CouchDB 3 and tolerant of other servers that speak the protocol (PouchDB Server,
//! Cloudant): a `seq` is opaque JSON sent back exactly as received; results are matched by id and
//! revision, never by position; both shapes of `_bulk_get` error entries are accepted. Nothing here
//! panics on what a server sends: every reading returns a [`SyncError`] instead.

use super::transport::{Method, Request, Response, TransportError};
use crate::json_text;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Why a sync step did not complete. Every variant leaves local data as it was.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncError {
    /// No answer (no network, server down, timed out, connection broken).
    Offline(TransportError),
    /// The session is missing or expired: the person must sign in again.
    Unauthorized,
    /// Signed in, but not allowed (not a member of the database, or a write refused).
    Forbidden(String),
    /// The database does not exist on the server.
    NotFound(String),
    /// The server failed (5xx) or answered something unexpected.
    Server { status: u16, reason: String },
    /// The answer could not be understood (malformed JSON, a missing field).
    BadResponse(String),
    /// Local storage failed.
    Store(crate::store::StoreError),
}

impl fmt::Display for SyncError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncError::Offline(e) => write!(f, "offline: {e}"),
            SyncError::Unauthorized => f.write_str("signed out by the server"),
            SyncError::Forbidden(why) => write!(f, "not allowed: {why}"),
            SyncError::NotFound(what) => write!(f, "not found on the server: {what}"),
            SyncError::Server { status, reason } => write!(f, "server error {status}: {reason}"),
            SyncError::BadResponse(why) => write!(f, "the server's answer could not be read: {why}"),
            SyncError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<TransportError> for SyncError {
    fn from(e: TransportError) -> Self {
        SyncError::Offline(e)
    }
}

impl From<crate::store::StoreError> for SyncError {
    fn from(e: crate::store::StoreError) -> Self {
        SyncError::Store(e)
    }
}

/// The JSON body of a successful answer, or the error it stands for.
pub fn json_body(response: &Response) -> Result<Value, SyncError> {
    let parsed = json_text::parse(&response.body);
    let reason = || {
        let body = parsed.as_ref().ok();
        let field = |k: &str| body.and_then(|b| b.get(k)).and_then(Value::as_str).map(str::to_owned);
        field("reason").or_else(|| field("error")).unwrap_or_else(|| format!("HTTP {}", response.status))
    };
    match response.status {
        200..=299 => parsed.map_err(SyncError::BadResponse),
        401 => Err(SyncError::Unauthorized),
        403 => Err(SyncError::Forbidden(reason())),
        404 => Err(SyncError::NotFound(reason())),
        status => Err(SyncError::Server { status, reason: reason() }),
    }
}

/// Percent-encodes a path segment or query value (everything but RFC 3986's unreserved set).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// A `seq` as a query value: strings as they are, anything else (numbers, arrays) as JSON.
fn seq_param(seq: &Value) -> String {
    encode_component(&match seq {
        Value::String(s) => s.clone(),
        other => json_text::print(other),
    })
}

// ---- requests ----

pub fn changes(db: &str, since: &Value, limit: usize) -> Request {
    Request::get(format!("/{}/_changes?style=all_docs&include_docs=true&since={}&limit={limit}", encode_component(db), seq_param(since)))
}

/// A long-poll for the next change. `timeout_ms` goes to the server, and a little more to the
/// transport: some servers ignore the server-side timeout, so the client aborts by itself.
pub fn changes_longpoll(db: &str, since: &Value, limit: usize, timeout_ms: u32) -> Request {
    let path = format!("/{}/_changes?style=all_docs&include_docs=true&feed=longpoll&timeout={timeout_ms}&since={}&limit={limit}", encode_component(db), seq_param(since));
    Request::get(path).timeout(timeout_ms.saturating_add(10_000))
}

pub fn bulk_get(db: &str, wanted: &[(String, String)]) -> Request {
    let docs: Vec<Value> = wanted.iter().map(|(id, rev)| json!({"id": id, "rev": rev})).collect();
    Request::with_body(Method::Post, format!("/{}/_bulk_get?revs=true&latest=true", encode_component(db)), json_text::print(&json!({ "docs": docs })))
}

pub fn revs_diff(db: &str, revs: &BTreeMap<String, Vec<String>>) -> Request {
    Request::with_body(Method::Post, format!("/{}/_revs_diff", encode_component(db)), json_text::print(&Value::Object(revs.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect())))
}

pub fn bulk_docs(db: &str, docs: &[Value]) -> Request {
    Request::with_body(Method::Post, format!("/{}/_bulk_docs", encode_component(db)), json_text::print(&json!({ "docs": docs, "new_edits": false })))
}

pub fn local_doc_path(db: &str, id: &str) -> String {
    format!("/{}/_local/{}", encode_component(db), encode_component(id))
}

// ---- answers ----

/// One entry of a `_changes` page: a document and the leaf revisions it has now.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub id: String,
    pub revs: Vec<String>,
    /// The winning revision's body, sent along (`include_docs=true`). Used as it is only for a
    /// first-generation revision, whose history is itself; every other one is fetched with
    /// `_bulk_get?revs=true`.
    pub doc: Option<Value>,
}

impl Change {
    /// `rev`'s body from the change itself, when that needs no second request: the row's document
    /// is that very revision, a first one (`1-…`, no ancestors to learn), and not deleted.
    pub fn first_revision(&self, rev: &str) -> Option<&Value> {
        self.doc.as_ref().filter(|d| {
            rev.starts_with("1-")
                && d.get("_rev").and_then(Value::as_str) == Some(rev)
                && d.get("_id").and_then(Value::as_str) == Some(self.id.as_str())
                && !d.get("_deleted").and_then(Value::as_bool).unwrap_or(false)
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    /// Opaque: sent back exactly as received.
    pub last_seq: Value,
}

pub fn read_changes(body: &Value) -> Result<ChangesPage, SyncError> {
    let results = body.get("results").and_then(Value::as_array).ok_or_else(|| SyncError::BadResponse("_changes without results".into()))?;
    let last_seq = body.get("last_seq").cloned().filter(|s| !s.is_null()).ok_or_else(|| SyncError::BadResponse("_changes without last_seq".into()))?;
    let mut changes = Vec::with_capacity(results.len());
    for row in results {
        let id = row.get("id").and_then(Value::as_str).ok_or_else(|| SyncError::BadResponse("a change without an id".into()))?;
        let revs: Vec<String> = row.get("changes").and_then(Value::as_array).map(|c| c.iter().filter_map(|r| r.get("rev")?.as_str().map(str::to_owned)).collect()).unwrap_or_default();
        let doc = row.get("doc").filter(|d| d.is_object()).cloned();
        changes.push(Change { id: id.to_owned(), revs, doc });
    }
    Ok(ChangesPage { changes, last_seq })
}

/// What `_bulk_get` returned for one requested (id, rev).
#[derive(Clone, Debug, PartialEq)]
pub enum Fetched {
    Doc(Value),
    /// The server says it has no such revision (compacted away, or never had it).
    Missing,
    /// Any other per-document error (e.g. forbidden).
    Error(String),
}

/// Reads `_bulk_get` results into a map keyed by (id, rev) — by what each entry says it is, never
/// by its position. Accepts the error entry shapes of CouchDB (`{"error": {id, rev, error, reason}}`)
/// and of PouchDB Server.
pub fn read_bulk_get(body: &Value) -> Result<BTreeMap<(String, String), Fetched>, SyncError> {
    let results = body.get("results").and_then(Value::as_array).ok_or_else(|| SyncError::BadResponse("_bulk_get without results".into()))?;
    let mut out = BTreeMap::new();
    for result in results {
        let outer_id = result.get("id").and_then(Value::as_str);
        for entry in result.get("docs").and_then(Value::as_array).into_iter().flatten() {
            if let Some(doc) = entry.get("ok") {
                let id = doc.get("_id").and_then(Value::as_str);
                let rev = doc.get("_rev").and_then(Value::as_str);
                if let (Some(id), Some(rev)) = (id, rev) {
                    out.insert((id.to_owned(), rev.to_owned()), Fetched::Doc(doc.clone()));
                }
            } else if let (Some(id), Some(rev)) = (outer_id, entry.get("missing").and_then(Value::as_str)) {
                // PouchDB Server's shape for a revision it does not have.
                out.insert((id.to_owned(), rev.to_owned()), Fetched::Missing);
            } else if let Some(error) = entry.get("error") {
                let id = error.get("id").and_then(Value::as_str).or(outer_id);
                let rev = error.get("rev").and_then(Value::as_str);
                let kind = error.get("error").and_then(Value::as_str).unwrap_or("error");
                if let (Some(id), Some(rev)) = (id, rev) {
                    let fetched = if kind == "not_found" { Fetched::Missing } else { Fetched::Error(kind.to_owned()) };
                    out.insert((id.to_owned(), rev.to_owned()), fetched);
                }
            }
        }
    }
    Ok(out)
}

/// `_revs_diff`: the revisions the server is missing, per document.
pub fn read_revs_diff(body: &Value) -> Result<BTreeMap<String, Vec<String>>, SyncError> {
    let obj = body.as_object().ok_or_else(|| SyncError::BadResponse("_revs_diff is not an object".into()))?;
    Ok(obj
        .iter()
        .map(|(id, entry)| {
            let missing = entry.get("missing").and_then(Value::as_array).map(|m| m.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect()).unwrap_or_default();
            (id.clone(), missing)
        })
        .collect())
}

/// A write `_bulk_docs` refused.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub id: String,
    pub rev: Option<String>,
    pub error: String,
    pub reason: String,
}

/// `_bulk_docs` results: the refused writes. With `new_edits: false` CouchDB lists only failures
/// (often nothing at all); entries without `error` are successes, in whatever order.
pub fn read_bulk_docs(body: &Value) -> Result<Vec<Refused>, SyncError> {
    let results = body.as_array().ok_or_else(|| SyncError::BadResponse("_bulk_docs did not answer a list".into()))?;
    Ok(results
        .iter()
        .filter_map(|r| {
            let error = r.get("error")?.as_str()?.to_owned();
            let field = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_owned);
            Some(Refused { id: field("id").unwrap_or_default(), rev: field("rev"), reason: field("reason").unwrap_or_default(), error })
        })
        .collect())
}

/// A checkpoint, kept the same way on both sides: the last sequence reached and the few before it,
/// so two sides whose last writes differ (one was interrupted) can still agree on an earlier one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checkpoint {
    pub last_seq: Value,
    pub history: Vec<Value>,
}

/// How many earlier sequences a checkpoint remembers.
pub const HISTORY_KEPT: usize = 5;

impl Checkpoint {
    pub fn read(doc: &Value) -> Option<Checkpoint> {
        let last_seq = doc.get("last_seq").cloned().filter(|s| !s.is_null())?;
        let history = doc.get("history").and_then(Value::as_array).cloned().unwrap_or_default();
        Some(Checkpoint { last_seq, history })
    }

    pub fn advanced(&self, seq: Value) -> Checkpoint {
        let mut history = vec![self.last_seq.clone()];
        history.extend(self.history.iter().take(HISTORY_KEPT - 1).cloned());
        history.retain(|s| !s.is_null());
        Checkpoint { last_seq: seq, history }
    }

    /// The JSON kept on each side (`_rev` added for the server's `_local` document).
    pub fn to_json(&self, rev: Option<&str>) -> Value {
        let mut doc = Map::new();
        if let Some(rev) = rev {
            doc.insert("_rev".into(), Value::from(rev));
        }
        doc.insert("last_seq".into(), self.last_seq.clone());
        doc.insert("history".into(), Value::from(self.history.clone()));
        Value::Object(doc)
    }

    fn knows(&self, seq: &Value) -> bool {
        &self.last_seq == seq || self.history.contains(seq)
    }
}

/// Where to resume, given the two sides' checkpoints: the latest sequence both have recorded, or
/// the beginning (always safe: revisions already present are skipped) when they share none.
pub fn resume_from(local: Option<&Checkpoint>, remote: Option<&Checkpoint>) -> Option<Value> {
    let (local, remote) = (local?, remote?);
    if local.last_seq == remote.last_seq || local.knows(&remote.last_seq) {
        return Some(remote.last_seq.clone());
    }
    remote.knows(&local.last_seq).then(|| local.last_seq.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> Response {
        Response { status, body: body.into() }
    }

    #[test]
    fn statuses_map_to_what_the_person_is_told() {
        assert_eq!(json_body(&response(200, r#"{"ok":true}"#)), Ok(json!({"ok": true})));
        assert_eq!(json_body(&response(401, r#"{"error":"unauthorized","reason":"x"}"#)), Err(SyncError::Unauthorized));
        assert_eq!(json_body(&response(403, r#"{"error":"forbidden","reason":"You are not allowed to access this db."}"#)), Err(SyncError::Forbidden("You are not allowed to access this db.".into())));
        assert_eq!(json_body(&response(503, "<html>busy</html>")), Err(SyncError::Server { status: 503, reason: "HTTP 503".into() }));
        assert!(matches!(json_body(&response(200, r#"{"results": [tru"#)), Err(SyncError::BadResponse(_))));
    }

    #[test]
    fn seqs_go_back_exactly_as_they_came() {
        let string_seq = json!("12-g1AAAAFTeJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoARTIkOS_P___7MSGXAqSVIAkklG9hA1DA");
        let request = changes("userdb-616c6578", &string_seq, 500);
        assert!(request.path.contains("since=12-g1AAAAFTeJzLYWBg4MhgTmHgz8tPSTV0MDQy1zMAQsMcoARTIkOS_P___7MSGXAqSVIAkklG9hA1DA&"), "{}", request.path);
        assert!(changes("db", &json!(42), 10).path.contains("since=42&"));
        assert!(changes("db", &json!([1, "a b"]), 10).path.contains("since=%5B1%2C%22a%20b%22%5D&"));
    }

    #[test]
    fn a_long_poll_is_aborted_by_the_client_after_the_server_timeout() {
        let r = changes_longpoll("db", &json!(0), 100, 25_000);
        assert!(r.path.contains("feed=longpoll") && r.path.contains("timeout=25000"));
        assert!(r.timeout_ms > 25_000);
    }

    #[test]
    fn changes_pages_are_read_with_every_leaf() {
        let body = json!({"results": [
            {"seq": "1-a", "id": "mood:1", "changes": [{"rev": "1-x"}]},
            {"seq": "2-b", "id": "goal:1", "changes": [{"rev": "2-y"}, {"rev": "2-z"}], "deleted": true}
        ], "last_seq": "2-b", "pending": 0});
        let page = read_changes(&body).unwrap();
        assert_eq!(page.last_seq, json!("2-b"));
        assert_eq!(page.changes[1], Change { id: "goal:1".into(), revs: vec!["2-y".into(), "2-z".into()], doc: None });
        assert!(read_changes(&json!({"results": []})).is_err());
        assert!(read_changes(&json!({"results": [{"changes": []}], "last_seq": 1})).is_err());
    }

    #[test]
    fn bulk_get_results_are_matched_by_id_and_rev_in_both_error_shapes() {
        let body = json!({"results": [
            {"id": "b", "docs": [{"ok": {"_id": "b", "_rev": "1-b", "n": 2}}]},
            {"id": "a", "docs": [
                {"ok": {"_id": "a", "_rev": "2-a", "n": 1}},
                {"error": {"id": "a", "rev": "1-gone", "error": "not_found", "reason": "missing"}}
            ]},
            {"id": "c", "docs": [{"error": {"rev": "1-c", "error": "forbidden", "reason": "no"}}]},
            {"id": "d", "docs": [{"missing": "9-d"}]}
        ]});
        let got = read_bulk_get(&body).unwrap();
        assert_eq!(got[&("a".into(), "2-a".into())], Fetched::Doc(json!({"_id": "a", "_rev": "2-a", "n": 1})));
        assert_eq!(got[&("a".into(), "1-gone".into())], Fetched::Missing);
        assert_eq!(got[&("c".into(), "1-c".into())], Fetched::Error("forbidden".into()));
        assert_eq!(got[&("d".into(), "9-d".into())], Fetched::Missing, "PouchDB Server's shape");
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn bulk_docs_failures_are_found_whatever_their_order() {
        let body = json!([{"id": "b", "rev": "1-b", "ok": true}, {"id": "a", "rev": "1-a", "error": "forbidden", "reason": "Documents must be written as yourself."}]);
        assert_eq!(read_bulk_docs(&body).unwrap(), vec![Refused { id: "a".into(), rev: Some("1-a".into()), error: "forbidden".into(), reason: "Documents must be written as yourself.".into() }]);
        assert_eq!(read_bulk_docs(&json!([])).unwrap(), vec![]);
        assert!(read_bulk_docs(&json!({"error": "x"})).is_err());
    }

    #[test]
    fn revs_diff_lists_what_is_missing() {
        let body = json!({"a": {"missing": ["2-a"], "possible_ancestors": ["1-a"]}, "b": {"missing": []}});
        let diff = read_revs_diff(&body).unwrap();
        assert_eq!(diff["a"], ["2-a"]);
        assert!(diff["b"].is_empty());
    }

    #[test]
    fn checkpoints_resume_from_the_latest_seq_both_sides_know() {
        let at = |seq: Value| Checkpoint::default().advanced(json!(1)).advanced(json!(2)).advanced(seq);
        let local = at(json!(3));
        assert_eq!(resume_from(Some(&local), Some(&local)), Some(json!(3)));
        // The server's copy was not updated after the last batch: resume from its older one.
        let remote = Checkpoint::default().advanced(json!(1)).advanced(json!(2));
        assert_eq!(resume_from(Some(&local), Some(&remote)), Some(json!(2)));
        assert_eq!(resume_from(Some(&remote), Some(&local)), Some(json!(2)));
        // Nothing in common (the server's database was recreated): from the beginning.
        assert_eq!(resume_from(Some(&local), Some(&Checkpoint::default().advanced(json!("9-x")))), None);
        assert_eq!(resume_from(None, Some(&local)), None);
        let round_trip = Checkpoint::read(&local.to_json(Some("0-1"))).unwrap();
        assert_eq!(round_trip, local);
        assert_eq!(local.history, [json!(2), json!(1)]);
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("userdb-616c6578"), "userdb-616c6578");
        assert_eq!(encode_component("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
    }
}
