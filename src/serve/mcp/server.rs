//! What this server is and speaks: the protocol revisions and their eras, its
//! identity (`serverInfo`), its capabilities, the `_meta` keys of 2026-07-28,
//! how long a client may cache what it lists, and the `instructions` text.

use super::instructions;
use super::prompts;
use super::rpc::{RpcError, UNSUPPORTED_PROTOCOL_VERSION, clip, obj, parse_own, strings};
use crate::serve::tools::Tools;
use serde_json::{Map, Value};

/// The stateless revision served per request.
pub const MODERN_VERSION: &str = "2026-07-28";
/// Revisions negotiated through `initialize`, newest first; `initialize`
/// answers the first when asked for one it does not know.
pub const HANDSHAKE_VERSIONS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
/// Every revision this server speaks, newest first (`server/discover`'s
/// `supportedVersions` and -32022's `data.supported`).
pub const SUPPORTED_VERSIONS: [&str; 5] = [MODERN_VERSION, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// How long a client may cache `server/discover` and `tools/list` (5 minutes):
/// the tool set changes only when the operator redeploys.
pub const TTL_MS: u64 = 300_000;

pub(super) const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
pub(super) const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
pub(super) const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

const CAPABILITIES: &str = r#"{"tools": {"listChanged": false}, "prompts": {"listChanged": false}}"#;

const SERVER_NAME: &str = "gorgias-connector";
const SERVER_TITLE: &str = "Gorgias helpdesk connector";
pub(super) const SERVER_DESCRIPTION: &str = "Tickets, messages, tags and customers of one Gorgias helpdesk account.";

/// The protocol era a request is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Era {
    /// Stateless 2026-07-28: everything from the request itself.
    Modern,
    /// `initialize`-negotiated revisions.
    Legacy,
}

/// The server's capabilities (both eras; the handshake era adds `logging`).
pub(super) fn capabilities() -> Value {
    parse_own(CAPABILITIES)
}

/// -32022 with `data: {supported, requested}`, HTTP 400.
pub(super) fn unsupported_version(requested: &str) -> RpcError {
    RpcError {
        status: 400,
        code: UNSUPPORTED_PROTOCOL_VERSION,
        message: format!(
            "Unsupported protocol version {:?}: this server supports {}",
            clip(requested, 32),
            SUPPORTED_VERSIONS.join(", ")
        ),
        data: Some(obj(vec![
            ("supported", strings(&SUPPORTED_VERSIONS)),
            ("requested", clip(requested, 64).into()),
        ])),
    }
}

/// The server's `Implementation` (`description` is new in 2025-11-25).
pub(super) fn server_info(with_description: bool) -> Value {
    let mut v = obj(vec![
        ("name", SERVER_NAME.into()),
        ("title", SERVER_TITLE.into()),
        ("version", env!("CARGO_PKG_VERSION").into()),
    ]);
    if with_description {
        v["description"] = SERVER_DESCRIPTION.into();
    }
    v
}

/// The `_meta` every 2026-07-28 result carries: the server's identity.
pub(super) fn result_meta() -> Value {
    obj(vec![(META_SERVER_INFO, server_info(true))])
}

/// Marks a list result cacheable by anyone for [`TTL_MS`] (2026-07-28).
pub(super) fn cacheable(mut m: Map<String, Value>) -> Map<String, Value> {
    m.insert("ttlMs".into(), TTL_MS.into());
    m.insert("cacheScope".into(), "public".into());
    m
}

/// The instructions text, from the tools callable now (see [`instructions`]).
pub(super) fn instructions(tools: &dyn Tools) -> String {
    instructions::text(&tools.summaries(), tools.read_only(), &prompts::names())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::serve::mcp::testing::{Fake, modern_send};
    use serde_json::json;

    #[test]
    fn read_only_instructions_count_the_query_tools() {
        let mut t = Fake {
            read_only: true,
            ..Fake::default()
        };
        let (_, v) = modern_send(&mut t, 1, "server/discover", json!({}));
        let text = v["result"]["instructions"].as_str().unwrap();
        assert_eq!(text, instructions(&t));
        assert!(
            text.contains("get-thing (Get thing)") && !text.contains("set-thing"),
            "{text}"
        );
        assert!(
            text.contains("This connector is read-only: only the 1 query tools exist"),
            "{text}"
        );
    }
}
