//! A [`Transport`] that answers from recorded CouchDB 3 responses (`tests/fixtures/couchdb3/`)
//! and remembers every request, so client logic can be tested with no server at all, against
//! the real server's formats (string seqs, error shapes) rather than the test backend's.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use tandem::sync::transport::{Method, Request, Response, Transport, TransportError};

/// Reads `tests/fixtures/couchdb3/<name>`; panics if it is missing (a typo in the test).
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/couchdb3").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

struct Route {
    method: Method,
    path_prefix: String,
    answer: Result<Response, TransportError>,
    /// `Some(n)`: answers n more times, then is skipped. `None`: forever.
    uses_left: Option<usize>,
}

#[derive(Default)]
pub struct RecordedTransport {
    routes: Mutex<Vec<Route>>,
    requests: Mutex<Vec<Request>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl RecordedTransport {
    pub fn new() -> RecordedTransport {
        RecordedTransport::default()
    }

    /// Answers every `method` request whose path (with query) starts with `path_prefix` with
    /// `status` and the fixture file's text. Routes are tried in the order they were added.
    pub fn route(self, method: Method, path_prefix: &str, status: u16, fixture_name: &str) -> RecordedTransport {
        self.add(method, path_prefix, Ok(Response { status, body: fixture(fixture_name) }), None)
    }

    /// Like [`route`](Self::route), but answers only once; later matches fall through to later
    /// routes (a `_changes` page, then the next).
    pub fn route_once(self, method: Method, path_prefix: &str, status: u16, fixture_name: &str) -> RecordedTransport {
        self.add(method, path_prefix, Ok(Response { status, body: fixture(fixture_name) }), Some(1))
    }

    /// A route with an inline body instead of a fixture file.
    pub fn route_body(self, method: Method, path_prefix: &str, status: u16, body: &str) -> RecordedTransport {
        self.add(method, path_prefix, Ok(Response { status, body: body.to_string() }), None)
    }

    /// A route that fails at the transport level, e.g. `TransportError::TimedOut`, once.
    pub fn route_error_once(self, method: Method, path_prefix: &str, error: TransportError) -> RecordedTransport {
        self.add(method, path_prefix, Err(error), Some(1))
    }

    fn add(
        self,
        method: Method,
        path_prefix: &str,
        answer: Result<Response, TransportError>,
        uses_left: Option<usize>,
    ) -> RecordedTransport {
        lock(&self.routes).push(Route { method, path_prefix: path_prefix.to_string(), answer, uses_left });
        self
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.requests).clone()
    }

    /// The answer for `request`, as `send` gives it, without the async wrapper.
    pub fn answer(&self, request: Request) -> Result<Response, TransportError> {
        let mut routes = lock(&self.routes);
        let route = routes
            .iter_mut()
            .find(|r| r.method == request.method && request.path.starts_with(&r.path_prefix) && r.uses_left != Some(0));
        let Some(route) = route else {
            panic!("RecordedTransport has no route for {} {}", request.method.as_str(), request.path);
        };
        if let Some(n) = route.uses_left.as_mut() {
            *n -= 1;
        }
        let answer = route.answer.clone();
        drop(routes);
        lock(&self.requests).push(request);
        answer
    }
}

impl Transport for RecordedTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.answer(request)
    }
}
