//! # gorgias-connector
//!
//! A Gorgias helpdesk connector as a WebAssembly component: typed WIT
//! functions (`wit/`) and the same operations as `POST /<operation>` routes,
//! MCP tools and OpenAPI paths on `wasi:http/incoming-handler`. The registry
//! ([`ops::OPERATIONS`]) says which operations there are.
//!
//! ## Layout: arrows point down only
//! ```text
//! wasm/     the only I/O (wasm32 only): wasi:http transport, incoming handler, typed exports
//!   ↓
//! serve/    the surfaces: routes and dispatch, MCP, OpenAPI, health
//!   ↓
//! ops/      the operations, one file per resource, and the registry
//!   ↓
//! gorgias/  the client: endpoint and auth, retries, pacing, redirects, the transport port
//!   ↓
//! error, schema, config, origin   beside them
//! ```
//! `tests/layout.rs` fails on an import that points up or sideways in a circle.
//!
//! ## Design decisions
//! - **One declaration per operation.** Each operation is a type in the file
//!   of its resource under [`ops`]: its input (the route body, strict
//!   serde), its [`ops::Spec`], the Gorgias requests it builds, Gorgias's wire
//!   types, the mapping into its output, and its unit tests. One registry
//!   line lists it; every surface derives from the registry and reaches the
//!   operation's code through its `Spec` (a name is looked up once). The
//!   access gate is [`ops::Spec::allowed`], and nowhere else.
//! - **Schemas from the types.** `schemars` derives each input's and output's
//!   JSON Schema (2020-12) from the same structs serde reads and writes,
//!   natively: `src/ops/schemas.json` is the generated file the component
//!   embeds ([`schema`] holds the generator settings and field schemas).
//!   build.rs records where each schema lies in it, so the catalogue answers
//!   (listing, OpenAPI, MCP `tools/list`) are written from its bytes and the
//!   registry's strings without parsing it (each instance serves one request).
//! - **Independent calls in flight together.** [`gorgias::transport::Transport::send_all`]
//!   takes several requests (the wasm edge polls them with one
//!   `wasi:io/poll.poll`, at most `max_in_flight` at once); the client's
//!   `send_all` applies the per-request rules to each, and goes one at a
//!   time near the rate limit. Tag names resolve in three rounds: lookups,
//!   creates, the apply.
//! - **serde for every JSON value.** Gorgias's answers go through private,
//!   lenient wire types; inputs are `deny_unknown_fields` with errors that
//!   name the field ([`ops::fields`]).
//! - **Sans-IO core.** [`gorgias::client`] adds auth, host, the retry
//!   policy, pacing near the rate limit and same-origin redirects over the
//!   [`gorgias::transport::Transport`] port; [`gorgias::resend`] says which
//!   failures prove a request never left. All of it, and [`serve`], is pure
//!   and tested natively. Only `wasm` touches `wasi:http`, `wasi:config` and
//!   `wasi:clocks`.
//! - **One error type** ([`error::Error`]) mirrors the WIT `variant error` and
//!   says whether a retry can help; writes are never resent after an
//!   ambiguous failure.
//! - **Credentials are explicit**: a `connection` variant (API key or OAuth
//!   access token) for typed calls, configuration or per-request headers for
//!   routes. The host is always `{account}.gorgias.com` with a validated
//!   account, unless the operator sets `gorgias_base_url`.
//! - **MCP speaks both protocol eras over one trait.** [`serve::mcp`] answers
//!   the stateless 2026-07-28 revision and the `initialize` revisions and sees
//!   the operations only through [`serve::tools::Tools`], which
//!   [`serve::calls::RegistryTools`] implements over the registry.

/// The connector's version (its package version), as every surface reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod config;
pub mod error;
pub mod gorgias;
pub mod ops;
pub mod origin;
pub mod schema;
pub mod serve;

#[cfg(target_arch = "wasm32")]
mod wasm;
