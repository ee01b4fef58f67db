//! # gorgias-connector
//!
//! A Gorgias helpdesk connector as a WebAssembly component: seventeen typed
//! WIT functions (`wit/`) and the same seventeen operations as
//! `POST /<operation>` routes on `wasi:http/incoming-handler`.
//!
//! ## Design decisions
//! - **One declaration per operation.** Each operation is a type in the file
//!   of its resource ([`tickets`], [`messages`], [`tags`], [`customers`],
//!   [`views`], [`users`], [`teams`]): its
//!   input (the route body, strict serde), its catalog entry, the Gorgias
//!   requests it builds and the mapping of the answers into its output. The
//!   registry in [`ops`] lists the types; the route dispatch, the listing, the
//!   MCP tools ([`calls::RegistryTools`] behind [`tools::Tools`]), the OpenAPI
//!   paths, the read-only gate and the typed exports' plumbing derive from it.
//! - **Schemas from the types.** `schemars` derives each input's and output's
//!   JSON Schema (2020-12) from the same structs serde reads and writes; the
//!   attributes on them state every rule the validation enforces, and
//!   [`catalog`] turns them into the portable documents MCP and OpenAPI serve
//!   (nullable as `anyOf` with `null`, outputs closed and complete).
//! - **serde for every JSON value.** Gorgias's answers go through private,
//!   lenient wire types ([`model`]); inputs are `deny_unknown_fields` with
//!   errors that name the field ([`params`]).
//! - **Sans-IO core.** [`client`] adds auth, host, the retry policy, pacing
//!   near the rate limit ([`pacing`]) and same-origin redirects ([`redirect`])
//!   over a [`client::Transport`] trait; [`resend`] says which failures prove a
//!   request never left; [`router`], [`mcp`], [`openapi`] and [`health`] are
//!   the surfaces. All of it is pure and tested natively. Only `component`
//!   (wasm32 only) touches `wasi:http`, `wasi:config` and `wasi:clocks`.
//! - **One error type** ([`error::Error`]) mirrors the WIT `variant error` and
//!   says whether a retry can help; writes are never resent after an
//!   ambiguous failure.
//! - **Credentials are explicit**: a `connection` variant (API key or OAuth
//!   access token) for typed calls, configuration or per-request headers for
//!   routes. The host is always
//!   `{account}.gorgias.com` with a validated account, unless the operator
//!   sets `gorgias_base_url`.
//! - **MCP speaks both protocol eras over one trait.** [`mcp`] answers the
//!   stateless 2026-07-28 revision and the `initialize` revisions on serde_json
//!   and sees the operations only through [`tools::Tools`], which
//!   [`calls::RegistryTools`] implements over the registry.

/// The connector's version (its package version), as every surface reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod calls;
pub mod catalog;
pub mod client;
pub mod config;
pub mod customers;
pub mod error;
pub mod health;
pub mod http;
pub mod instructions;
pub mod mcp;
pub mod messages;
pub mod model;
pub mod openapi;
pub mod ops;
pub mod origin;
pub mod pacing;
pub mod params;
pub mod prompts;
pub mod redirect;
pub mod resend;
pub mod router;
pub mod tags;
pub mod teams;
pub mod tickets;
pub mod tools;
pub mod users;
pub mod views;

#[cfg(target_arch = "wasm32")]
mod component;
