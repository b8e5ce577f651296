//! The app's [`Transport`]: the browser's `fetch`, with the session cookie sent along
//! (`credentials: "include"`; the server must allow the app's origin with credentials).
//!
//! Each request has its own `AbortController`, fired by its timeout or by [`FetchTransport::abort_all`]
//! (sync stopped, app hidden, a local change that should be pushed now rather than after the
//! long-poll). The cookie itself is the browser's business: it is never readable here.

use crate::sync::transport::{Request, Response, Transport, TransportError};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub struct FetchTransport {
    /// The server's address without a trailing slash, e.g. `https://couch.example.org`.
    base: String,
    in_flight: RefCell<Vec<web_sys::AbortController>>,
}

impl FetchTransport {
    pub fn new(base: &str) -> FetchTransport {
        FetchTransport { base: base.trim_end_matches('/').to_owned(), in_flight: RefCell::new(Vec::new()) }
    }

    /// Aborts every request under way; each ends with [`TransportError::Aborted`].
    pub fn abort_all(&self) {
        for controller in self.in_flight.borrow_mut().drain(..) {
            controller.abort();
        }
    }
}

fn error_name(e: &JsValue) -> String {
    e.dyn_ref::<web_sys::DomException>().map(|d| d.name()).unwrap_or_default()
}

fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().and_then(|e| e.message().as_string()).unwrap_or_else(|| "the request failed".into())
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let window = web_sys::window().ok_or_else(|| TransportError::Unreachable("no window".into()))?;
        let controller = web_sys::AbortController::new().map_err(|e| TransportError::Unreachable(message(&e)))?;
        let init = web_sys::RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_credentials(web_sys::RequestCredentials::Include);
        init.set_mode(web_sys::RequestMode::Cors);
        init.set_signal(Some(&controller.signal()));
        let headers = web_sys::Headers::new().map_err(|e| TransportError::Unreachable(message(&e)))?;
        let _ = headers.set("Accept", "application/json");
        if let Some(body) = &request.body {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(body));
        }
        init.set_headers(&headers);

        // The timeout aborts the request; `timed_out` tells that abort from ours.
        let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
        let (flag, on_timeout) = (timed_out.clone(), controller.clone());
        let timer = Timeout::new(request.timeout_ms, move || {
            flag.set(true);
            on_timeout.abort();
        });
        self.in_flight.borrow_mut().push(controller.clone());
        let aborted = |e: &JsValue| if timed_out.get() { TransportError::TimedOut } else if error_name(e) == "AbortError" { TransportError::Aborted } else { TransportError::Unreachable(message(e)) };

        let url = format!("{}{}", self.base, request.path);
        let result = async {
            let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await.map_err(|e| aborted(&e))?;
            let response: web_sys::Response = response.dyn_into().map_err(|_| TransportError::Broken("not a response".into()))?;
            let text = response.text().map_err(|e| TransportError::Broken(message(&e)))?;
            // A failure while reading the body: the server had the request and may have acted.
            let body = JsFuture::from(text).await.map_err(|e| match aborted(&e) {
                TransportError::Unreachable(why) => TransportError::Broken(why),
                other => other,
            })?;
            Ok(Response { status: response.status(), body: body.as_string().unwrap_or_default() })
        }
        .await;
        drop(timer);
        self.in_flight.borrow_mut().retain(|c| c != &controller);
        result
    }
}
