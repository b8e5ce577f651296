//! The one door to a server. The replication client only ever sends [`Request`]s through a
//! [`Transport`]; the browser implements it with `fetch` (cookies sent with `credentials: "include"`),
//! native tests with an HTTP client that keeps the session cookie itself.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One HTTP request to the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Path and query relative to the server's base address, starting with `/`, already
    /// percent-encoded (e.g. `/userdb-616c6578/_changes?style=all_docs&since=0`).
    pub path: String,
    /// A JSON body (sent with `Content-Type: application/json`), if any.
    pub body: Option<String>,
    /// The transport gives up (and aborts the request) after this long. Long-polls rely on it:
    /// some servers ignore `_changes?timeout=`.
    pub timeout_ms: u32,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Request {
        Request { method: Method::Get, path: path.into(), body: None, timeout_ms: DEFAULT_TIMEOUT_MS }
    }
    pub fn with_body(method: Method, path: impl Into<String>, body: String) -> Request {
        Request { method, path: path.into(), body: Some(body), timeout_ms: DEFAULT_TIMEOUT_MS }
    }
    pub fn timeout(mut self, ms: u32) -> Request {
        self.timeout_ms = ms;
        self
    }
}

/// How long an ordinary request may take before it is treated as lost.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// The server's answer, whatever its status: status handling belongs to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The whole body as text (CouchDB answers JSON; a broken proxy may not).
    pub body: String,
}

/// Why no complete response arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// Could not reach the server at all (no network, refused, DNS).
    Unreachable(String),
    /// No complete answer within the request's timeout; the request was aborted.
    TimedOut,
    /// The connection broke after the request was sent (e.g. reset in the middle of the body):
    /// the server may or may not have acted on it.
    Broken(String),
    /// Aborted by us (sync stopped, app hidden, signed out).
    Aborted,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Unreachable(why) => write!(f, "server not reachable: {why}"),
            TransportError::TimedOut => f.write_str("server did not answer in time"),
            TransportError::Broken(why) => write!(f, "connection broke: {why}"),
            TransportError::Aborted => f.write_str("stopped"),
        }
    }
}

impl std::error::Error for TransportError {}

/// Sends requests to one server. Futures are not `Send`: in the browser everything runs on one thread.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn send(&self, request: Request) -> Result<Response, TransportError>;
}
