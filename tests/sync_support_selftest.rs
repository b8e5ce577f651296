//! Proves the native sync test support works: the HTTP transport (against tiny fake servers and
//! the node backend), the backend's provisioning, every fault of the proxy as the transport sees
//! it, and the recorded CouchDB 3 fixtures.
//!
//! `cargo test --test sync_support_selftest` (needs Node.js and `npm ci` in end2end/).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use futures_executor::block_on;
use serde_json::{json, Value};
use support::backend::{user_db_name, Backend, TestUser, ADMIN_NAME, ADMIN_PASSWORD};
use support::http1;
use support::http_transport::HttpTransport;
use support::proxy::{Fault, FaultProxy, Rule};
use support::recorded::{fixture, RecordedTransport};
use tandem::sync::transport::{Method, Request, Response, Transport, TransportError};

/// Sends through the `Transport` trait, as the replication client will.
fn send(transport: &impl Transport, request: Request) -> Result<Response, TransportError> {
    block_on(transport.send(request))
}

fn json_of(response: &Response) -> Value {
    serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", response.body))
}

/// A server that answers each connection with the next canned bytes, then closes; it hands back
/// the head of every request it got.
fn fake_server(answers: Vec<&'static [u8]>) -> (String, mpsc::Receiver<http1::Head>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake server");
    let url = format!("http://{}", listener.local_addr().expect("fake server address"));
    let (heads_tx, heads) = mpsc::channel();
    thread::spawn(move || {
        for answer in answers {
            let Ok((mut conn, _)) = listener.accept() else { return };
            let Ok(read_half) = conn.try_clone() else { return };
            let mut reader = BufReader::new(read_half);
            if let Ok(Some(head)) = http1::read_head(&mut reader) {
                if let Ok(framing) = http1::request_framing(&head) {
                    let _ = http1::read_body(&mut reader, framing);
                }
                let _ = heads_tx.send(head);
            }
            let _ = conn.write_all(answer);
        }
    });
    (url, heads)
}

// ---- the transport alone ----

#[test]
fn transport_reads_content_length_and_chunked_bodies() {
    let (url, _) = fake_server(vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"ok\":true}",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n{\"ok\r\n7\r\n\":true}\r\n0\r\n\r\n",
        b"HTTP/1.1 404 Object Not Found\r\nConnection: close\r\n\r\n{\"error\":\"not_found\"}",
    ]);
    let t = HttpTransport::new(&url);
    assert_eq!(send(&t, Request::get("/a")), Ok(Response { status: 200, body: r#"{"ok":true}"#.into() }));
    assert_eq!(send(&t, Request::get("/b")), Ok(Response { status: 201, body: r#"{"ok":true}"#.into() }));
    // No length: the body runs to the close. A 404 is an answer, not an error.
    assert_eq!(send(&t, Request::get("/c")), Ok(Response { status: 404, body: r#"{"error":"not_found"}"#.into() }));
}

#[test]
fn transport_reports_cut_bodies_as_broken() {
    let (url, _) = fake_server(vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"results\":[",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"results\":[",
        b"HTTP/1.1 200 OK\r\nContent-Le",
        b"",
    ]);
    let t = HttpTransport::new(&url);
    for path in ["/length", "/chunked", "/head", "/nothing"] {
        match send(&t, Request::get(path)) {
            Err(TransportError::Broken(_)) => {}
            other => panic!("{path}: expected Broken, got {other:?}"),
        }
    }
}

#[test]
fn transport_sends_json_headers_and_keeps_the_newest_cookie() {
    let (url, heads) = fake_server(vec![
        b"HTTP/1.1 200 OK\r\nSet-Cookie: AuthSession=first; Version=1; Path=/; HttpOnly\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nSet-Cookie: AuthSession=renewed; Version=1; Path=/; HttpOnly\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nSet-Cookie: AuthSession=; Version=1; Path=/; HttpOnly\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    ]);
    let t = HttpTransport::new(&url);
    let recv = || heads.recv_timeout(Duration::from_secs(5)).expect("fake server saw a request");

    send(&t, Request::with_body(Method::Post, "/_session", r#"{"name":"a","password":"b"}"#.into())).expect("login");
    let login = recv();
    assert_eq!(login.start_line, "POST /_session HTTP/1.1");
    assert_eq!(login.header("Content-Type"), Some("application/json"));
    assert_eq!(login.header("Accept"), Some("application/json"));
    assert_eq!(login.header("Cookie"), None);
    assert_eq!(t.session_cookie().as_deref(), Some("first"));

    send(&t, Request::get("/db")).expect("get");
    assert_eq!(recv().header("Cookie"), Some("AuthSession=first"));
    send(&t, Request::with_body(Method::Delete, "/_session", String::new())).expect("logout");
    assert_eq!(recv().header("Cookie"), Some("AuthSession=renewed"));
    // The logout's empty cookie clears it.
    send(&t, Request::get("/db")).expect("get");
    assert_eq!(recv().header("Cookie"), None);
}

#[test]
fn transport_times_out_on_a_silent_server() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    // Accepts (the kernel does, from the backlog) and never answers.
    let started = Instant::now();
    let result = send(&HttpTransport::new(&url), Request::get("/db/_changes?feed=longpoll").timeout(200));
    assert_eq!(result, Err(TransportError::TimedOut));
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    drop(listener);
}

#[test]
fn transport_reports_a_closed_port_as_unreachable() {
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    // The listener is dropped: nothing listens on the port any more.
    match send(&HttpTransport::new(&format!("http://127.0.0.1:{port}")), Request::get("/")) {
        Err(TransportError::Unreachable(_)) => {}
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

// ---- the transport against the backend ----

#[test]
fn session_cookie_opens_the_users_own_database_only() {
    let backend = Backend::shared();
    let alex = backend.new_user("alex");
    let sam = backend.new_user("sam");
    assert_eq!(alex.db, user_db_name(&alex.name));

    let client = backend.anonymous();
    let body = json!({ "name": alex.name, "password": alex.password }).to_string();
    let login = send(&client, Request::with_body(Method::Post, "/_session", body)).expect("login");
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(json_of(&login)["name"], alex.name.as_str());
    assert!(client.session_cookie().is_some(), "POST /_session set no AuthSession cookie");

    let session = send(&client, Request::get("/_session")).expect("session");
    assert_eq!(json_of(&session)["userCtx"]["name"], alex.name.as_str());

    let own = send(&client, Request::get(format!("/{}", alex.db))).expect("own db");
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(json_of(&own)["db_name"], alex.db.as_str());

    // CouchDB 3 says 403 forbidden; express-pouchdb unpatched says 401.
    let other = send(&client, Request::get(format!("/{}", sam.db))).expect("other db");
    assert!(matches!(other.status, 401 | 403), "{} {}", other.status, other.body);
    assert!(json_of(&other)["error"].is_string(), "{}", other.body);
}

#[test]
fn anonymous_and_wrong_password_are_refused() {
    let backend = Backend::shared();
    let user = backend.new_user("anon");
    let anonymous = send(&backend.anonymous(), Request::get(format!("/{}", user.db))).expect("anonymous");
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);

    let wrong = json!({ "name": user.name, "password": "not-it" }).to_string();
    let login = send(&backend.anonymous(), Request::with_body(Method::Post, "/_session", wrong)).expect("login");
    assert_eq!(login.status, 401, "{}", login.body);
}

#[test]
fn admin_helpers_make_and_delete_shared_databases() {
    let backend = Backend::shared();
    let a = backend.new_user("member");
    let b = backend.new_user("outsider");
    let db = support::backend::unique_name("shared");
    backend.create_db(&db, &[&a.name]);
    assert_eq!(send(&backend.login(&a), Request::get(format!("/{db}"))).expect("member").status, 200);
    assert!(matches!(send(&backend.login(&b), Request::get(format!("/{db}"))).expect("outsider").status, 401 | 403));
    backend.delete_db(&db);
    assert_eq!(backend.admin_call(Method::Get, &format!("/{db}"), None).status, 404);
    backend.delete_db(&db); // already gone: fine
}

#[test]
fn basic_auth_is_admin() {
    let backend = Backend::shared();
    let session =
        send(&HttpTransport::new(&backend.url).basic_auth(ADMIN_NAME, ADMIN_PASSWORD), Request::get("/_session"))
            .expect("session");
    assert_eq!(json_of(&session)["userCtx"]["roles"], json!(["_admin"]), "{}", session.body);
}

#[test]
fn new_users_get_the_apps_validate_doc_update() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sync/validate_doc_update.js");
    if !source.exists() {
        return; // the design doc is installed only once the app has its validation function
    }
    let backend = Backend::shared();
    let user = backend.new_user("author");
    let client = backend.login(&user);
    let forged = json!({ "author": "somebody-else" }).to_string();
    let put = send(&client, Request::with_body(Method::Put, format!("/{}/forged", user.db), forged)).expect("put");
    assert_eq!((put.status, json_of(&put)["error"].clone()), (403, json!("forbidden")), "{}", put.body);

    // Replicated writes are checked too; the refusal is an entry in a 201 answer, not a status.
    let batch = json!({
        "new_edits": false,
        "docs": [
            { "_id": "mine", "_rev": "1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "author": user.name },
            { "_id": "forged", "_rev": "1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "author": "somebody-else" },
        ],
    });
    let bulk = send(&client, Request::with_body(Method::Post, format!("/{}/_bulk_docs", user.db), batch.to_string()))
        .expect("bulk_docs");
    assert_eq!(bulk.status, 201, "{}", bulk.body);
    let results = json_of(&bulk);
    let errors: Vec<&Value> = results.as_array().into_iter().flatten().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1, "{}", bulk.body);
    assert_eq!(
        (errors[0]["id"].clone(), errors[0]["error"].clone()),
        (json!("forged"), json!("forbidden")),
        "{}",
        bulk.body
    );
    assert_eq!(doc_status(&user.db, "mine"), 200);
    assert_eq!(doc_status(&user.db, "forged"), 404);
}

#[test]
fn long_poll_is_cut_by_the_request_timeout() {
    // Servers may ignore `_changes?timeout=`: the client's own deadline must end the wait.
    let backend = Backend::shared();
    let user = backend.new_user("poller");
    let client = backend.login(&user);
    let path = format!("/{}/_changes?feed=longpoll&since=now&timeout=60000", user.db);
    let started = Instant::now();
    assert_eq!(send(&client, Request::get(path).timeout(300)), Err(TransportError::TimedOut));
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[test]
fn own_backend_stops_on_drop() {
    let backend = Backend::start();
    let url = backend.url.clone();
    assert_eq!(send(&backend.anonymous(), Request::get("/")).expect("welcome").status, 200);
    drop(backend);
    match send(&HttpTransport::new(&url), Request::get("/").timeout(1_000)) {
        Err(TransportError::Unreachable(_)) => {}
        other => panic!("expected the stopped backend to be unreachable, got {other:?}"),
    }
}

// ---- the proxy's faults, as the transport sees them ----

/// A user signed in through a fresh proxy in front of the shared backend.
fn through_proxy() -> (FaultProxy, HttpTransport, TestUser) {
    let backend = Backend::shared();
    let user = backend.new_user("proxied");
    let proxy = FaultProxy::start(backend.addr);
    let client = HttpTransport::new(&proxy.url());
    let body = json!({ "name": user.name, "password": user.password }).to_string();
    let login = send(&client, Request::with_body(Method::Post, "/_session", body)).expect("login via proxy");
    assert_eq!(login.status, 200, "{}", login.body);
    (proxy, client, user)
}

fn put_doc(client: &HttpTransport, db: &str, id: &str) -> Result<Response, TransportError> {
    send(client, Request::with_body(Method::Put, format!("/{db}/{id}"), json!({ "note": "hello" }).to_string()))
}

/// Status of the doc as the server has it, asked directly as admin.
fn doc_status(db: &str, id: &str) -> u16 {
    Backend::shared().admin_call(Method::Get, &format!("/{db}/{id}"), None).status
}

#[test]
fn proxy_forwards_plainly_and_logs() {
    let (proxy, client, user) = through_proxy();
    assert_eq!(put_doc(&client, &user.db, "a").expect("put").status, 201);
    let log = proxy.log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!((log[0].method.as_str(), log[0].path.as_str(), log[0].sent_status), ("POST", "/_session", Some(200)));
    assert_eq!(log[1].path, format!("/{}/a", user.db));
    assert_eq!((log[1].fault.clone(), log[1].upstream.clone(), log[1].sent_status), (None, vec![201], Some(201)));
}

#[test]
fn proxy_status_faults_answer_without_the_server() {
    let (proxy, client, user) = through_proxy();
    for status in [500u16, 503, 401] {
        let body = json!({ "error": "injected", "reason": status.to_string() }).to_string();
        proxy.inject(Rule::new(Method::Put, "/doc-", Fault::Status(status, body.clone())));
        let id = format!("doc-{status}");
        assert_eq!(put_doc(&client, &user.db, &id), Ok(Response { status, body }));
        assert_eq!(doc_status(&user.db, &id), 404, "the server must not have seen {id}");
    }
    assert_eq!(proxy.pending(), 0);
    assert!(proxy.log().iter().skip(1).all(|e| e.upstream.is_empty()));
}

#[test]
fn proxy_status_after_forward_hides_a_write_that_landed() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(
        Method::Put,
        "/landed",
        Fault::StatusAfterForward(500, r#"{"error":"unknown_error"}"#.into()),
    ));
    assert_eq!(put_doc(&client, &user.db, "landed").expect("put").status, 500);
    assert_eq!(doc_status(&user.db, "landed"), 200);
    let last = proxy.log().pop().expect("logged");
    assert_eq!((last.upstream, last.sent_status), (vec![201], Some(500)));
}

#[test]
fn proxy_delay_makes_the_client_time_out() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(Method::Get, &user.db, Fault::Delay(5_000)));
    let started = Instant::now();
    assert_eq!(send(&client, Request::get(format!("/{}", user.db)).timeout(150)), Err(TransportError::TimedOut));
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    // The delay was consumed: the next request goes straight through.
    assert_eq!(send(&client, Request::get(format!("/{}", user.db)).timeout(2_000)).expect("get").status, 200);
}

#[test]
fn proxy_reset_and_hangup_break_the_response() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(Method::Get, &user.db, Fault::ResetMidResponse { after_bytes: 10 }));
    match send(&client, Request::get(format!("/{}", user.db))) {
        Err(TransportError::Broken(why)) => assert!(why.contains("body"), "{why}"),
        other => panic!("expected Broken, got {other:?}"),
    }
    proxy.inject(Rule::new(Method::Put, "/hung", Fault::Hangup));
    assert!(matches!(put_doc(&client, &user.db, "hung"), Err(TransportError::Broken(_))));
    assert_eq!(doc_status(&user.db, "hung"), 200, "Hangup forwards before hanging up");
}

#[test]
fn proxy_malformed_json_arrives_as_a_200_that_does_not_parse() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(Method::Get, &user.db, Fault::MalformedJson));
    let response = send(&client, Request::get(format!("/{}", user.db))).expect("get");
    assert_eq!(response.status, 200);
    assert!(serde_json::from_str::<Value>(&response.body).is_err(), "{}", response.body);
}

#[test]
fn proxy_duplicate_delivers_a_batch_twice_and_the_server_keeps_one_doc() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(Method::Post, "/_bulk_docs", Fault::Duplicate));
    let batch = json!({
        "new_edits": false,
        "docs": [{ "_id": "twice", "_rev": "1-0123456789abcdef0123456789abcdef", "note": "once" }],
    });
    let response =
        send(&client, Request::with_body(Method::Post, format!("/{}/_bulk_docs", user.db), batch.to_string()))
            .expect("bulk_docs");
    assert_eq!(response.status, 201, "{}", response.body);
    assert_eq!(proxy.log().pop().expect("logged").upstream, vec![201, 201]);

    // One doc, one leaf: the second delivery changed nothing.
    let all = Backend::shared().admin_call(Method::Get, &format!("/{}/_all_docs", user.db), None);
    let rows: Vec<Value> =
        json_of(&all)["rows"].as_array().into_iter().flatten().filter(|r| r["id"] == "twice").cloned().collect();
    assert_eq!(rows.len(), 1, "{}", all.body);
    assert_eq!(rows[0]["value"]["rev"], "1-0123456789abcdef0123456789abcdef");
    let doc = Backend::shared().admin_call(Method::Get, &format!("/{}/twice?conflicts=true", user.db), None);
    assert!(json_of(&doc).get("_conflicts").is_none(), "{}", doc.body);
}

#[test]
fn proxy_drop_is_quick_even_with_a_delayed_request_in_flight() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(Method::Get, &user.db, Fault::Delay(10_000)));
    assert_eq!(send(&client, Request::get(format!("/{}", user.db)).timeout(100)), Err(TransportError::TimedOut));
    let started = Instant::now();
    drop(proxy);
    assert!(started.elapsed() < Duration::from_secs(3), "drop took {:?}", started.elapsed());
}

#[test]
fn proxy_rule_fires_on_the_nth_match_only() {
    let (proxy, client, user) = through_proxy();
    proxy.inject(Rule::new(Method::Get, &user.db, Fault::Status(503, "{}".into())).nth(1));
    let get = || send(&client, Request::get(format!("/{}", user.db))).expect("get").status;
    assert_eq!((get(), get(), get()), (200, 503, 200));
}

// ---- recorded CouchDB 3 responses ----

#[test]
fn recorded_transport_answers_in_order_and_records_requests() {
    let db = "/userdb-616c6578";
    let t = RecordedTransport::new()
        .route(Method::Get, &format!("{db}/_changes"), 200, "changes_all_docs.json")
        .route(Method::Post, &format!("{db}/_bulk_get"), 200, "bulk_get.json")
        .route(Method::Get, db, 403, "error_403_forbidden.json");
    // Routes are tried in order: `_changes` is not swallowed by the shorter `GET {db}` prefix.
    let changes = send(&t, Request::get(format!("{db}/_changes?style=all_docs&since=0"))).expect("changes");
    assert_eq!(changes.status, 200);
    let changes = json_of(&changes);
    assert!(changes["last_seq"].is_string() && changes["results"][0]["seq"].is_string());
    assert_eq!(changes["results"][1]["changes"].as_array().map(Vec::len), Some(2));
    assert_eq!(changes["results"][2]["deleted"], true);

    let denied = send(&t, Request::get(db)).expect("db");
    assert_eq!((denied.status, json_of(&denied)["error"].clone()), (403, json!("forbidden")));

    let bulk =
        send(&t, Request::with_body(Method::Post, format!("{db}/_bulk_get?revs=true"), "{}".into())).expect("bulk_get");
    assert_eq!(json_of(&bulk)["results"][2]["docs"][0]["error"]["error"], "not_found");

    let asked: Vec<String> = t.requests().iter().map(|r| format!("{} {}", r.method.as_str(), r.path)).collect();
    assert_eq!(
        asked,
        [
            format!("GET {db}/_changes?style=all_docs&since=0"),
            format!("GET {db}"),
            format!("POST {db}/_bulk_get?revs=true"),
        ]
    );
}

#[test]
fn recorded_transport_route_once_falls_through() {
    let t = RecordedTransport::new()
        .route_once(Method::Get, "/db/_changes", 200, "changes_all_docs.json")
        .route_error_once(Method::Get, "/db/_changes", TransportError::TimedOut)
        .route(Method::Get, "/db/_changes", 200, "changes_empty.json");
    let first = json_of(&send(&t, Request::get("/db/_changes")).expect("first"));
    assert_eq!(send(&t, Request::get("/db/_changes")), Err(TransportError::TimedOut));
    let third = json_of(&send(&t, Request::get("/db/_changes")).expect("third"));
    assert_eq!(first["last_seq"], third["last_seq"]);
    assert_eq!(third["results"], json!([]));
}

#[test]
#[should_panic(expected = "no route for PUT /db/x")]
fn recorded_transport_panics_on_an_unexpected_request() {
    let _ = send(&RecordedTransport::new(), Request::with_body(Method::Put, "/db/x", "{}".into()));
}

#[test]
fn every_fixture_is_json() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/couchdb3");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let name = entry.expect("dir entry").file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            serde_json::from_str::<Value>(&fixture(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            count += 1;
        }
    }
    assert!(count >= 15, "only {count} fixtures");
    let info: Value = serde_json::from_str(&fixture("db_info.json")).expect("db_info");
    assert!(info["update_seq"].is_string());
}
