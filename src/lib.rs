//! # gorgias-connector
//!
//! A Gorgias helpdesk connector as a WebAssembly component: ten typed WIT
//! functions (`wit/`) and the same ten operations as `POST /<operation>`
//! routes on `wasi:http/incoming-handler`.
//!
//! ## Design decisions
//! - **Sans-IO core.** [`ops`] builds each Gorgias request and [`model`] maps
//!   each answer; [`client`] adds auth, host and the retry policy over a
//!   [`client::Transport`] trait; [`router`] is the HTTP surface. All of it is
//!   pure and tested natively. Only `component` (wasm32 only) touches
//!   `wasi:http`, `wasi:config` and `wasi:clocks`.
//! - **One error type** ([`error::Error`]) mirrors the WIT `variant error` and
//!   says whether a retry can help; writes are never resent after an
//!   ambiguous failure.
//! - **Credentials are explicit**: a `connection` record for typed calls,
//!   configuration or per-request headers for routes. The host is always
//!   `{account}.gorgias.com` with a validated account, unless the operator
//!   sets `gorgias_base_url`.
//! - **One catalog** ([`catalog`]) of operations with parameter and output
//!   schemas feeds the route parameters, the MCP tools ([`mcp`]) and the
//!   OpenAPI document ([`openapi`]); [`health`] checks credentials.

pub mod catalog;
pub mod client;
pub mod config;
pub mod error;
pub mod health;
pub mod http;
pub mod mcp;
pub mod model;
pub mod openapi;
pub mod ops;
pub mod params;
pub mod resend;
pub mod router;
pub mod tools;

#[cfg(target_arch = "wasm32")]
mod component;
