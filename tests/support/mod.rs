//! Native test support for the sync client: an HTTP transport, the node test backend, a
//! fault-injecting proxy, and recorded CouchDB 3 responses. Use with `mod support;` from a test
//! file gated `#![cfg(not(target_arch = "wasm32"))]`.
//!
//! - [`http_transport::HttpTransport`]: the real client's `Transport`, over TCP, keeping the session cookie.
//! - [`backend::Backend`]: starts `end2end/backend/server.mjs` once per test binary; makes users and databases.
//! - [`proxy::FaultProxy`]: sits between the two and injects failures on request.
//! - [`recorded::RecordedTransport`]: answers from `tests/fixtures/couchdb3/` with no server.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod backend;
pub mod http1;
pub mod http_transport;
pub mod proxy;
pub mod recorded;
