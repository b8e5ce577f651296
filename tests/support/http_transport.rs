//! A blocking HTTP/1.1 [`Transport`] for native tests, over `std::net::TcpStream`.
//!
//! Hand-written rather than a client crate so each failure maps exactly onto a
//! [`TransportError`] (refused → `Unreachable`, deadline → `TimedOut`, short body → `Broken`),
//! and because the fault proxy needs the same framing code anyway. Plain `http://` only: tests
//! talk to 127.0.0.1. One connection per request (`Connection: close`).
//!
//! Like a browser, it keeps the `AuthSession` cookie itself: whatever the server last set is
//! sent on every later request (CouchDB renews the cookie as it goes; an empty value clears it).

use std::io::{self, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tandem::sync::transport::{Method, Request, Response, Transport, TransportError};

use super::http1::{self, ReadError};

pub struct HttpTransport {
    /// `127.0.0.1:5984`, as given in the base URL (also sent as `Host`).
    authority: String,
    /// Path prefix of the base URL without a trailing slash (usually empty).
    prefix: String,
    basic_auth: Option<String>,
    cookie: Mutex<Option<String>>,
}

impl HttpTransport {
    /// `base_url` like `http://127.0.0.1:5984` (an optional path prefix is kept; no `https`).
    /// Panics on anything else: a malformed base URL is a bug in the test.
    pub fn new(base_url: &str) -> HttpTransport {
        let rest = base_url
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("HttpTransport speaks plain http:// only, got {base_url:?}"));
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        assert!(!authority.is_empty(), "no host in {base_url:?}");
        HttpTransport {
            authority: authority.to_string(),
            prefix: prefix.to_string(),
            basic_auth: None,
            cookie: Mutex::new(None),
        }
    }

    /// Sends `Authorization: Basic` on every request (admin calls). Cookies are still kept.
    pub fn basic_auth(mut self, name: &str, password: &str) -> HttpTransport {
        self.basic_auth = Some(base64(format!("{name}:{password}").as_bytes()));
        self
    }

    /// The `AuthSession` value last set by the server, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the kept cookie (`None` forgets it), e.g. to simulate an expired session.
    pub fn set_session_cookie(&self, value: Option<String>) {
        *self.cookie.lock().unwrap_or_else(|e| e.into_inner()) = value;
    }

    /// The blocking body of [`Transport::send`], for callers outside an executor.
    pub fn send_blocking(&self, request: &Request) -> Result<Response, TransportError> {
        let deadline = Instant::now() + Duration::from_millis(u64::from(request.timeout_ms));
        let stream = self.connect(deadline)?;
        let mut writer = stream.try_clone().map_err(|e| TransportError::Unreachable(format!("socket: {e}")))?;
        writer
            .set_write_timeout(Some(remaining(deadline)?))
            .map_err(|e| TransportError::Unreachable(format!("socket: {e}")))?;

        // From the first byte written the server may act on the request: every failure is `Broken`.
        writer.write_all(&self.request_bytes(request)).map_err(|e| io_error(e, "sending the request"))?;
        writer.flush().map_err(|e| io_error(e, "sending the request"))?;

        let mut reader = BufReader::new(DeadlineReader { stream, deadline });
        let head = match http1::read_head(&mut reader) {
            Ok(Some(head)) => head,
            Ok(None) => return Err(TransportError::Broken("connection closed before any response".into())),
            Err(e) => return Err(read_error(e, "response head")),
        };
        let status = head.status().map_err(|e| read_error(e, "status line"))?;
        self.keep_cookie(&head);
        let framing =
            http1::response_framing(&head, request.method.as_str()).map_err(|e| read_error(e, "response head"))?;
        let body = http1::read_body(&mut reader, framing).map_err(|e| read_error(e, "response body"))?;
        Ok(Response { status, body: String::from_utf8_lossy(&body).into_owned() })
    }

    fn connect(&self, deadline: Instant) -> Result<TcpStream, TransportError> {
        let addrs: Vec<SocketAddr> = self
            .authority
            .to_socket_addrs()
            .map_err(|e| TransportError::Unreachable(format!("cannot resolve {}: {e}", self.authority)))?
            .collect();
        let mut last = format!("no address for {}", self.authority);
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, remaining(deadline)?) {
                Ok(stream) => return Ok(stream),
                // The request's deadline covers connecting too, as an aborted fetch would.
                Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
                    return Err(TransportError::TimedOut)
                }
                Err(e) => last = format!("cannot connect to {addr}: {e}"),
            }
        }
        Err(TransportError::Unreachable(last))
    }

    fn request_bytes(&self, request: &Request) -> Vec<u8> {
        let mut head = format!(
            "{} {}{} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nAccept: application/json\r\n",
            request.method.as_str(),
            self.prefix,
            request.path,
            self.authority
        );
        if let Some(auth) = &self.basic_auth {
            head.push_str(&format!("Authorization: Basic {auth}\r\n"));
        }
        if let Some(cookie) = self.session_cookie() {
            head.push_str(&format!("Cookie: AuthSession={cookie}\r\n"));
        }
        let body = request.body.as_deref().unwrap_or("");
        if request.body.is_some() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if request.body.is_some() || matches!(request.method, Method::Post | Method::Put) {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        bytes
    }

    /// Takes the newest `AuthSession` from any `Set-Cookie`; an empty value (logout) clears it.
    fn keep_cookie(&self, head: &http1::Head) {
        for set_cookie in head.headers_named("Set-Cookie") {
            let pair = set_cookie.split(';').next().unwrap_or("").trim();
            if let Some(value) = pair.strip_prefix("AuthSession=") {
                self.set_session_cookie(if value.is_empty() { None } else { Some(value.to_string()) });
            }
        }
    }
}

impl Transport for HttpTransport {
    /// Blocks the calling thread: tests drive futures with `block_on`.
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.send_blocking(&request)
    }
}

fn remaining(deadline: Instant) -> Result<Duration, TransportError> {
    match deadline.checked_duration_since(Instant::now()) {
        // `set_read_timeout(Some(0))` is an error, so a spent deadline is reported here.
        Some(d) if !d.is_zero() => Ok(d),
        _ => Err(TransportError::TimedOut),
    }
}

fn io_error(e: io::Error, doing: &str) -> TransportError {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportError::TimedOut,
        _ => TransportError::Broken(format!("{doing}: {e}")),
    }
}

fn read_error(e: ReadError, reading: &str) -> TransportError {
    if e.is_timeout() {
        return TransportError::TimedOut;
    }
    TransportError::Broken(format!("{reading}: {e}"))
}

/// A socket whose every read gets only the time left before the request's deadline.
struct DeadlineReader {
    stream: TcpStream,
    deadline: Instant,
}

impl Read for DeadlineReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = remaining(self.deadline).map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// Standard base64 with padding, for the `Authorization` header (not worth a dependency).
pub fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
