//! Starts the project's CouchDB-compatible test server (`end2end/backend/server.mjs`, in-memory)
//! and provisions users and databases over plain HTTP as its admin.
//!
//! One server per test binary ([`Backend::shared`]): starting node costs ~0.5 s, provisioning over
//! HTTP a few ms. Tests run in parallel threads against it, so each one makes its own users and
//! databases with [`unique_name`] and never reuses another test's.
//!
//! `TANDEM_TEST_BACKEND_SCRIPT=/path/server.mjs` runs another script with the same CLI contract.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tandem::sync::transport::{Method, Request, Response};

use super::http_transport::HttpTransport;

/// The admin the backend is started with (also its documented default).
pub const ADMIN_NAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "tandem-dev-admin";

/// How long node may take to print its ready line (a cold start is under a second).
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// Admin calls are tiny; anything slower than this is a hung server.
const ADMIN_TIMEOUT_MS: u32 = 10_000;

pub struct Backend {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub url: String,
    pub addr: SocketAddr,
    /// Its stdin pipe stays open as long as this does (see `exit_with_parent.cjs`).
    child: Child,
    stderr: Arc<Mutex<String>>,
}

/// A user made by [`Backend::create_user`], with their own database.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub name: String,
    pub password: String,
    /// `userdb-<hex of name>`.
    pub db: String,
}

impl Backend {
    /// The backend shared by every test in this binary, started on first use. If it cannot
    /// start, every test that asks panics at once with the same message.
    pub fn shared() -> &'static Backend {
        static SHARED: OnceLock<Result<Backend, String>> = OnceLock::new();
        match SHARED.get_or_init(|| Backend::try_start_with(&[])) {
            Ok(backend) => backend,
            Err(why) => panic!("{why}"),
        }
    }

    /// A backend of one's own (stopped on drop), for tests that must not share state.
    pub fn start() -> Backend {
        Backend::start_with(&[])
    }

    /// Starts with extra CLI flags (`--cors-origin o`, `--demo`).
    pub fn start_with(extra_args: &[&str]) -> Backend {
        Backend::try_start_with(extra_args).unwrap_or_else(|why| panic!("{why}"))
    }

    fn try_start_with(extra_args: &[&str]) -> Result<Backend, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let script = match std::env::var_os("TANDEM_TEST_BACKEND_SCRIPT") {
            Some(path) => PathBuf::from(path),
            None => root.join("end2end/backend/server.mjs"),
        };
        if !script.is_file() {
            return Err(format!("test backend script {} is missing", script.display()));
        }
        let watchdog = root.join("tests/support/exit_with_parent.cjs");

        let mut child = Command::new("node")
            .arg("--require")
            .arg(&watchdog)
            .arg(&script)
            .args(["--port", "0", "--admin", &format!("{ADMIN_NAME}:{ADMIN_PASSWORD}")])
            .args(extra_args)
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run `node` (Node.js 20+ must be on PATH): {e}"))?;

        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_done = child.stderr.take().map(|pipe| {
            let tail = Arc::clone(&stderr);
            thread::spawn(move || keep_tail(pipe, &tail))
        });
        let (lines_tx, lines) = mpsc::channel();
        if let Some(pipe) = child.stdout.take() {
            // Keeps draining after the ready line so a chatty server never blocks on a full pipe.
            thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = lines_tx.send(line);
                }
            });
        }

        let started = Instant::now();
        let url = loop {
            let left = READY_TIMEOUT.saturating_sub(started.elapsed());
            let why = match lines.recv_timeout(left) {
                Ok(line) => {
                    let ready =
                        serde_json::from_str::<Value>(&line).ok().and_then(|v| v["ready"].as_str().map(String::from));
                    match ready {
                        Some(url) => break url,
                        None => continue,
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => format!("printed no ready line within {READY_TIMEOUT:?}"),
                Err(mpsc::RecvTimeoutError::Disconnected) => "closed its stdout without a ready line".to_string(),
            };
            let _ = child.kill();
            let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
            if let Some(done) = stderr_done {
                let _ = done.join();
            }
            let err = stderr.lock().unwrap_or_else(|e| e.into_inner()).clone();
            return Err(format!(
                "test backend {} {why} ({status}). If modules are missing, run `npm ci` in end2end/. Its stderr:\n{err}",
                script.display()
            ));
        };
        let Some(addr) = url.strip_prefix("http://").and_then(|a| a.parse().ok()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("test backend's ready URL {url:?} is not http://<ip>:<port>"));
        };
        Ok(Backend { url, addr, child, stderr })
    }

    /// A client with no credentials and no cookie.
    pub fn anonymous(&self) -> HttpTransport {
        HttpTransport::new(&self.url)
    }

    /// A client that sends the admin's name and password with every request.
    pub fn admin(&self) -> HttpTransport {
        HttpTransport::new(&self.url).basic_auth(ADMIN_NAME, ADMIN_PASSWORD)
    }

    /// A client signed in as `user` through `POST /_session` (it keeps the cookie).
    pub fn login(&self, user: &TestUser) -> HttpTransport {
        let client = self.anonymous();
        let body = json!({ "name": user.name, "password": user.password }).to_string();
        let response = call(&client, Request::with_body(Method::Post, "/_session", body));
        assert_eq!(response.status, 200, "login as {}: {}", user.name, response.body);
        client
    }

    /// Sends one request as admin; panics if no response arrives (setup, not the code under test).
    pub fn admin_call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let request =
            Request { method, path: path.to_string(), body: body.map(|b| b.to_string()), timeout_ms: ADMIN_TIMEOUT_MS };
        call(&self.admin(), request)
    }

    /// A fresh user with a unique name (from `prefix`) and their database.
    pub fn new_user(&self, prefix: &str) -> TestUser {
        let name = unique_name(prefix);
        let password = format!("pw-{name}");
        self.create_user(&name, &password)
    }

    /// Creates the `_users` doc, then `userdb-<hex>` readable by this user only, with the app's
    /// design doc when `src/sync/validate_doc_update.js` exists.
    pub fn create_user(&self, name: &str, password: &str) -> TestUser {
        let doc_id = format!("org.couchdb.user:{name}");
        let doc = json!({ "_id": doc_id, "name": name, "password": password, "roles": [], "type": "user" });
        let response = self.admin_call(Method::Put, &format!("/_users/{}", encode_segment(&doc_id)), Some(doc));
        assert!(matches!(response.status, 201 | 202), "create user {name}: {} {}", response.status, response.body);

        let db = user_db_name(name);
        self.create_db(&db, &[name]);
        self.install_design_doc(&db);
        TestUser { name: name.to_string(), password: password.to_string(), db }
    }

    /// Creates a database whose `_security` admits `members` (by name) and admins only.
    pub fn create_db(&self, name: &str, members: &[&str]) {
        let path = format!("/{}", encode_segment(name));
        let response = self.admin_call(Method::Put, &path, None);
        assert!(matches!(response.status, 201 | 202), "create db {name}: {} {}", response.status, response.body);
        let security = json!({
            "admins": { "names": [], "roles": [] },
            "members": { "names": members, "roles": [] },
        });
        let response = self.admin_call(Method::Put, &format!("{path}/_security"), Some(security));
        assert_eq!(response.status, 200, "set _security of {name}: {}", response.body);
    }

    /// Deletes a database; one that is already gone is fine.
    pub fn delete_db(&self, name: &str) {
        let response = self.admin_call(Method::Delete, &format!("/{}", encode_segment(name)), None);
        assert!(matches!(response.status, 200 | 202 | 404), "delete db {name}: {} {}", response.status, response.body);
    }

    /// Installs `_design/tandem` with the app's `validate_doc_update`, if the source file exists.
    fn install_design_doc(&self, db: &str) {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sync/validate_doc_update.js");
        let Ok(function) = std::fs::read_to_string(&source) else { return };
        let doc = json!({ "_id": "_design/tandem", "validate_doc_update": function });
        let response = self.admin_call(Method::Put, &format!("/{}/_design/tandem", encode_segment(db)), Some(doc));
        assert!(
            matches!(response.status, 201 | 202),
            "install design doc in {db}: {} {}",
            response.status,
            response.body
        );
    }

    /// What the server has written to stderr lately, for failure messages.
    pub fn stderr_tail(&self) -> String {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Backend {
    /// Closing stdin asks for a graceful stop (see `exit_with_parent.cjs`); kill if that hangs.
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn call(client: &HttpTransport, request: Request) -> Response {
    let what = format!("{} {}", request.method.as_str(), request.path);
    client.send_blocking(&request).unwrap_or_else(|e| panic!("test backend: {what}: {e}"))
}

/// Keeps the last few KB of a pipe (the server's stderr).
fn keep_tail(mut pipe: impl Read, tail: &Mutex<String>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.push_str(&String::from_utf8_lossy(&buf[..n]));
        if tail.len() > 16_384 {
            let cut = tail.len() - 8_192;
            let cut = (cut..tail.len()).find(|&i| tail.is_char_boundary(i)).unwrap_or(0);
            tail.drain(..cut);
        }
    }
}

/// `prefix` plus a number unique in this process plus the pid: lowercase, valid as a user name
/// and as a database name (which must start with a letter).
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}-{}", NEXT.fetch_add(1, Ordering::Relaxed), std::process::id())
}

/// CouchDB's per-user database name: `userdb-` + lowercase hex of the UTF-8 name.
pub fn user_db_name(name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("userdb-{hex}")
}

/// Percent-encodes one path segment (keeps RFC 3986 unreserved characters and `:`).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
