//! The surfaces over the operations: the HTTP routes and their dispatch
//! ([`router`], [`calls`]), MCP ([`mcp`], over [`tools::Tools`]), the
//! OpenAPI document ([`openapi`]), the health check ([`health`]) and the
//! typed WIT functions' generic plumbing ([`typed`]). Pure
//! over [`crate::gorgias::transport::Transport`]: the wasm edge hands in a
//! request ([`http::HttpRequest`]) and writes out the answer.

pub mod calls;
pub mod health;
pub mod http;
pub mod mcp;
pub mod openapi;
pub mod router;
pub mod tools;
pub mod typed;
