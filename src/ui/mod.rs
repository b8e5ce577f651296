//! Thin Leptos components. Rules live in `domain`, storage in `store`; this layer wires them to
//! the page. Browser facts (clock, randomness, marks) come from `platform`.

pub mod app;
pub mod components;
pub mod draft;
pub mod facilitator_app;
pub mod fetch_transport;
pub mod platform;
pub mod routes;
pub mod server_work;
pub mod storage;
pub mod sync;
