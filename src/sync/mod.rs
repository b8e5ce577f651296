//! Sync with any CouchDB-compatible server over the CouchDB replication protocol.
//!
//! - [`transport`]: how bytes reach a server (browser `fetch` in the app, a native client in tests).
//!
//! Nothing here touches the DOM or Leptos; the pieces that need the browser sit behind the
//! [`transport::Transport`] trait and the [`crate::store::Store`] trait, so the whole client is tested natively.

pub mod transport;
