//! A fault-injecting HTTP proxy between a client under test and the backend, on plain threads.
//!
//! Each connection carries one exchange (`Connection: close` both ways), so the proxy reads a
//! whole request, forwards it, reads the whole response and only then decides what the client
//! gets. Tests arm [`Rule`]s; a rule fires once, on the `nth` request that matches it, and is gone.
//! [`FaultProxy::log`] tells what every exchange became.

use std::io::{BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tandem::sync::transport::Method;

use super::http1::{self, Head};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status and JSON body without forwarding: the server never sees the request.
    Status(u16, String),
    /// Forward, let the server act, then answer this status instead of the server's answer.
    StatusAfterForward(u16, String),
    /// Wait this many milliseconds, then forward as usual (the client may have given up by then).
    Delay(u64),
    /// Forward; send the client the whole response head and only the first `after_bytes` bytes of
    /// the body (never all of it), then close. The advertised Content-Length stays the full one.
    ResetMidResponse { after_bytes: usize },
    /// Forward, then close the connection without sending a single byte back.
    Hangup,
    /// Forward, then replace the body with text that is not JSON (Content-Length matches it).
    MalformedJson,
    /// Forward the same request twice, one after the other; the client gets the second answer.
    Duplicate,
}

/// Which request a fault applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub method: Method,
    /// Matched anywhere in the request target (path and query), e.g. `"/_bulk_docs"`.
    pub path_contains: String,
    /// Skip this many matching requests first: 0 is the next one.
    pub nth: usize,
    pub fault: Fault,
}

impl Rule {
    pub fn new(method: Method, path_contains: &str, fault: Fault) -> Rule {
        Rule { method, path_contains: path_contains.to_string(), nth: 0, fault }
    }

    pub fn nth(mut self, nth: usize) -> Rule {
        self.nth = nth;
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_str().eq_ignore_ascii_case(method) && path.contains(&self.path_contains)
    }
}

/// One exchange as the proxy saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub method: String,
    pub path: String,
    /// The fault applied, `None` for a plain forward.
    pub fault: Option<Fault>,
    /// The server's status for each time the request was forwarded (none, one, or two).
    pub upstream: Vec<u16>,
    /// The status line the client was sent, if one was sent.
    pub sent_status: Option<u16>,
    /// Why forwarding failed, if it did (the client then got 502).
    pub upstream_error: Option<String>,
}

pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    upstream: SocketAddr,
    stopping: AtomicBool,
    rules: Mutex<Vec<Armed>>,
    log: Mutex<Vec<Exchange>>,
    /// Open sockets, so Drop can unblock threads stuck reading (e.g. a long-poll).
    sockets: Mutex<Vec<(u64, TcpStream)>>,
    next_socket: AtomicU64,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

struct Armed {
    rule: Rule,
    seen: usize,
}

/// How long the proxy waits on a silent peer before giving up on the exchange.
const IO_TIMEOUT: Duration = Duration::from_secs(60);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking worker must not take the whole proxy down with a poisoned lock.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl FaultProxy {
    /// Listens on 127.0.0.1 (a free port) and forwards to `upstream`.
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fault proxy");
        let addr = listener.local_addr().expect("fault proxy address");
        let shared = Arc::new(Shared {
            upstream,
            stopping: AtomicBool::new(false),
            rules: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            sockets: Mutex::new(Vec::new()),
            next_socket: AtomicU64::new(0),
            workers: Mutex::new(Vec::new()),
        });
        let for_acceptor = Arc::clone(&shared);
        let acceptor = thread::spawn(move || accept_loop(listener, for_acceptor));
        FaultProxy { addr, shared, acceptor: Some(acceptor) }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, to give a transport instead of the backend's URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Arms a rule. Rules are checked in the order they were armed; each counts its own matches.
    pub fn inject(&self, rule: Rule) {
        lock(&self.shared.rules).push(Armed { rule, seen: 0 });
    }

    /// Rules armed but not fired yet.
    pub fn pending(&self) -> usize {
        lock(&self.shared.rules).len()
    }

    /// Every exchange so far, in the order requests arrived. An entry appears as soon as its
    /// request is read and is complete by the time the client receives anything.
    pub fn log(&self) -> Vec<Exchange> {
        lock(&self.shared.log).clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for (_, socket) in lock(&self.shared.sockets).iter() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        let workers: Vec<_> = lock(&self.shared.workers).drain(..).collect();
        for worker in workers {
            let _ = worker.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(conn) = conn else { continue };
        let for_worker = Arc::clone(&shared);
        let worker = thread::spawn(move || serve(conn, &for_worker));
        let mut workers = lock(&shared.workers);
        workers.retain(|w| !w.is_finished());
        workers.push(worker);
    }
}

/// A socket registered for shutdown on Drop while it lives.
struct Tracked<'a> {
    shared: &'a Shared,
    id: u64,
    stream: TcpStream,
}

impl<'a> Tracked<'a> {
    fn new(shared: &'a Shared, stream: TcpStream) -> Tracked<'a> {
        let id = shared.next_socket.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.sockets).push((id, clone));
        }
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        Tracked { shared, id, stream }
    }
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        lock(&self.shared.sockets).retain(|(id, _)| *id != self.id);
    }
}

/// A response read whole from the server.
struct Upstream {
    head: Head,
    body: Vec<u8>,
}

impl Upstream {
    fn status(&self) -> u16 {
        self.head.status().unwrap_or(0)
    }
}

fn serve(conn: TcpStream, shared: &Shared) {
    let client = Tracked::new(shared, conn);
    let Ok(read_half) = client.stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    // Nothing sent (e.g. the wake-up connection from Drop), or not HTTP: nothing to log.
    let Ok(Some(head)) = http1::read_head(&mut reader) else { return };
    let Ok((method, path)) = head.method_and_path() else { return };
    let Ok(body) = http1::request_framing(&head).and_then(|f| http1::read_body(&mut reader, f)) else { return };

    let fault = take_fault(shared, &method, &path);
    let index = {
        let mut log = lock(&shared.log);
        log.push(Exchange {
            method: method.clone(),
            path,
            fault: fault.clone(),
            upstream: Vec::new(),
            sent_status: None,
            upstream_error: None,
        });
        log.len() - 1
    };
    let request = head.to_bytes(
        &["Connection", "Keep-Alive", "Proxy-Connection", "Content-Length", "Transfer-Encoding"],
        &[("Connection", "close".into()), ("Content-Length", body.len().to_string())],
    );
    let request = [request, body].concat();
    let mut out = &client.stream;

    if let Some(Fault::Delay(ms)) = fault {
        if !sleep_unless_stopping(shared, Duration::from_millis(ms)) {
            return;
        }
    }
    if let Some(Fault::Status(status, body)) = &fault {
        note(shared, index, |e| e.sent_status = Some(*status));
        let _ = out.write_all(&made_up_response(*status, body));
        return;
    }

    let times = if fault == Some(Fault::Duplicate) { 2 } else { 1 };
    let mut answer = None;
    for _ in 0..times {
        match forward(shared, &request, &method) {
            Ok(upstream) => {
                note(shared, index, |e| e.upstream.push(upstream.status()));
                answer = Some(upstream);
            }
            Err(why) => {
                note(shared, index, |e| {
                    e.upstream_error = Some(why.clone());
                    e.sent_status = Some(502);
                });
                let body = serde_json::json!({ "error": "bad_gateway", "reason": why }).to_string();
                let _ = out.write_all(&made_up_response(502, &body));
                return;
            }
        }
    }
    let Some(upstream) = answer else { return };

    match fault {
        Some(Fault::StatusAfterForward(status, body)) => {
            note(shared, index, |e| e.sent_status = Some(status));
            let _ = out.write_all(&made_up_response(status, &body));
        }
        Some(Fault::Hangup) => {
            let _ = client.stream.shutdown(Shutdown::Both);
        }
        Some(Fault::ResetMidResponse { after_bytes }) => {
            note(shared, index, |e| e.sent_status = Some(upstream.status()));
            let cut = after_bytes.min(upstream.body.len().saturating_sub(1));
            let head = response_head(&upstream.head, upstream.body.len());
            let _ = out.write_all(&[head.as_slice(), &upstream.body[..cut]].concat());
            let _ = out.flush();
            // A FIN where the rest of the body should be: the client sees a short body.
            let _ = client.stream.shutdown(Shutdown::Both);
        }
        Some(Fault::MalformedJson) => {
            note(shared, index, |e| e.sent_status = Some(upstream.status()));
            let body = malformed(&upstream.body);
            let _ = out.write_all(&[response_head(&upstream.head, body.len()), body].concat());
        }
        // Plain forward, Delay, Duplicate: pass the (last) answer on.
        _ => {
            note(shared, index, |e| e.sent_status = Some(upstream.status()));
            let _ = out.write_all(&[response_head(&upstream.head, upstream.body.len()), upstream.body].concat());
        }
    }
}

/// Finds the rule that fires on this request, removing it; counts the match for the others.
fn take_fault(shared: &Shared, method: &str, path: &str) -> Option<Fault> {
    let mut rules = lock(&shared.rules);
    let mut fired = None;
    for (i, armed) in rules.iter_mut().enumerate() {
        if !armed.rule.matches(method, path) {
            continue;
        }
        if armed.seen == armed.rule.nth && fired.is_none() {
            fired = Some(i);
        } else if armed.seen < armed.rule.nth {
            armed.seen += 1;
        }
    }
    fired.map(|i| rules.remove(i).rule.fault)
}

fn note(shared: &Shared, index: usize, update: impl FnOnce(&mut Exchange)) {
    if let Some(entry) = lock(&shared.log).get_mut(index) {
        update(entry);
    }
}

fn forward(shared: &Shared, request: &[u8], method: &str) -> Result<Upstream, String> {
    // Drop may already have shut the open sockets down; a new one would not be.
    if shared.stopping.load(Ordering::SeqCst) {
        return Err("the proxy is shutting down".into());
    }
    let stream = TcpStream::connect_timeout(&shared.upstream, Duration::from_secs(5))
        .map_err(|e| format!("cannot connect to {}: {e}", shared.upstream))?;
    let server = Tracked::new(shared, stream);
    (&server.stream).write_all(request).map_err(|e| format!("sending to server: {e}"))?;
    let read_half = server.stream.try_clone().map_err(|e| format!("socket: {e}"))?;
    let mut reader = BufReader::new(read_half);
    let head = http1::read_head(&mut reader)
        .map_err(|e| format!("server response head: {e}"))?
        .ok_or("server closed without answering")?;
    let framing = http1::response_framing(&head, method).map_err(|e| format!("server response head: {e}"))?;
    let body = http1::read_body(&mut reader, framing).map_err(|e| format!("server response body: {e}"))?;
    Ok(Upstream { head, body })
}

/// The server's head re-framed for a body of `len` bytes, on a connection that closes after it.
fn response_head(head: &Head, len: usize) -> Vec<u8> {
    head.to_bytes(
        &["Connection", "Keep-Alive", "Content-Length", "Transfer-Encoding"],
        &[("Connection", "close".into()), ("Content-Length", len.to_string())],
    )
}

fn made_up_response(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        http1::reason(status),
        body.len()
    )
    .into_bytes()
}

/// Half of the real body, then an unterminated string: never valid JSON, still plausible.
fn malformed(body: &[u8]) -> Vec<u8> {
    let mut out = body[..body.len() / 2].to_vec();
    out.extend_from_slice(b"{\"broken");
    out
}

/// Sleeps in small steps; false if the proxy is shutting down meanwhile.
fn sleep_unless_stopping(shared: &Shared, total: Duration) -> bool {
    let end = Instant::now() + total;
    while Instant::now() < end {
        if shared.stopping.load(Ordering::SeqCst) {
            return false;
        }
        thread::sleep(Duration::from_millis(10).min(end.saturating_duration_since(Instant::now())));
    }
    true
}
