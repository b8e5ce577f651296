//! Accounts: the person's own database and the server's cookie session (`_session`).
//! The password is only ever sent to `_session`; it is never stored.

use super::protocol::{json_body, SyncError};
use super::transport::{Method, Request, Transport};
use serde_json::{json, Value};

/// The private database of `username`, named as CouchDB's per-user databases are:
/// `userdb-` and the lowercase hex of the name's UTF-8 bytes.
pub fn user_db_name(username: &str) -> String {
    let mut name = String::with_capacity(7 + username.len() * 2);
    name.push_str("userdb-");
    for b in username.bytes() {
        name.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        name.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    name
}

/// A participant's care database, shared with the program's facilitators only (the partner
/// questionnaire, re-pair requests, the facilitator's pairing notices): `tandem-care-` and the
/// lowercase hex of the name's UTF-8 bytes, like the private one.
pub fn care_db_name(username: &str) -> String {
    format!("tandem-care-{}", &user_db_name(username)["userdb-".len()..])
}

/// Who the server says is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    pub name: String,
    pub roles: Vec<String>,
}

fn user_of(body: &Value) -> Option<SessionUser> {
    // POST answers {ok, name, roles}; GET answers {ok, userCtx: {name, roles}}.
    let ctx = body.get("userCtx").unwrap_or(body);
    let name = ctx.get("name")?.as_str()?.to_owned();
    let roles = ctx.get("roles").and_then(Value::as_array).map(|r| r.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default();
    Some(SessionUser { name, roles })
}

/// Signs in; the server answers with a session cookie the transport keeps.
pub async fn sign_in<T: Transport>(transport: &T, username: &str, password: &str) -> Result<SessionUser, SyncError> {
    let body = crate::json_text::print(&json!({ "name": username, "password": password }));
    let answer = json_body(&transport.send(Request::with_body(Method::Post, "/_session", body)).await?)?;
    user_of(&answer).ok_or_else(|| SyncError::BadResponse("the server did not say who signed in".into()))
}

/// The current session's user, or `None` when not signed in (or the session expired). Asking also
/// renews the cookie on servers that refresh it on use, as CouchDB does.
pub async fn current_user<T: Transport>(transport: &T) -> Result<Option<SessionUser>, SyncError> {
    let answer = json_body(&transport.send(Request::get("/_session")).await?)?;
    Ok(user_of(&answer))
}

pub async fn sign_out<T: Transport>(transport: &T) -> Result<(), SyncError> {
    json_body(&transport.send(Request { method: Method::Delete, ..Request::get("/_session") }).await?).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_databases_are_named_as_couchdb_names_them() {
        assert_eq!(user_db_name("alex"), "userdb-616c6578");
        assert_eq!(user_db_name("Zoë"), "userdb-5a6fc3ab");
        assert_eq!(user_db_name(""), "userdb-");
        assert_eq!(care_db_name("alex"), "tandem-care-616c6578");
    }

    #[test]
    fn both_session_answer_shapes_are_read() {
        assert_eq!(user_of(&json!({"ok": true, "name": "alex", "roles": []})), Some(SessionUser { name: "alex".into(), roles: vec![] }));
        let got = json!({"ok": true, "userCtx": {"name": "sam", "roles": ["facilitator"]}});
        assert_eq!(user_of(&got), Some(SessionUser { name: "sam".into(), roles: vec!["facilitator".into()] }));
        assert_eq!(user_of(&json!({"ok": true, "userCtx": {"name": null, "roles": []}})), None);
    }
}
