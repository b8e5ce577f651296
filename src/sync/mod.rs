//! Sync with any CouchDB-compatible server over the CouchDB replication protocol.
//!
//! - [`transport`]: how bytes reach a server (browser `fetch` in the app, a native client in tests).
//! - [`protocol`]: the protocol's requests and answers, read tolerantly.
//! - [`replicate`]: push and pull between a [`crate::store::Store`] and one server database, with
//!   checkpoints on both sides, so an interrupted sync resumes where it stopped.
//! - [`account`]: sign-in sessions and the person's database name.
//! - [`status`]: what the person is told, and the retry schedule.
//!
//! Nothing here touches the DOM or Leptos; the pieces that need the browser sit behind the
//! [`transport::Transport`] trait and the [`crate::store::Store`] trait, so the whole client is tested natively.

pub mod account;
pub mod conflicts;
pub mod facilitator;
pub mod protocol;
pub mod replicate;
pub mod status;
pub mod transport;
