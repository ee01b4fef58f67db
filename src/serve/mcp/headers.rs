//! The 2026-07-28 request headers: `MCP-Protocol-Version`, `Mcp-Method` and
//! `Mcp-Name` must be present and equal to the body's values (`Mcp-Name` may
//! use the `=?base64?…?=` form), else -32020 `HeaderMismatch` with HTTP 400.

use super::rpc::{HEADER_MISMATCH, RpcError, clip};
use crate::serve::http::HttpRequest;

/// Decodes a header value that may use the `=?base64?…?=` sentinel form.
/// `None` when it is not a valid header value or not valid base64/UTF-8.
fn decode_header_value(v: &str) -> Option<String> {
    if !v.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
        return None;
    }
    match v.strip_prefix("=?base64?").and_then(|r| r.strip_suffix("?=")) {
        Some(b64) => String::from_utf8(base64_decode(b64)?).ok(),
        None => Some(v.to_string()),
    }
}

/// Standard base64 (RFC 4648, `=` padding optional).
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let d = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(d);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

fn header_mismatch(message: String) -> RpcError {
    RpcError::new(400, HEADER_MISMATCH, message)
}

/// Checks a required header against the body's value; `base64_allowed` for
/// the headers that may carry the `=?base64?…?=` form (`Mcp-Name`).
pub(super) fn check_header(req: &HttpRequest, name: &str, body: &str, base64_allowed: bool) -> Result<(), RpcError> {
    let Some(raw) = req.header(name) else {
        return Err(header_mismatch(format!(
            "Header mismatch: the {name} header is required (the body says {:?})",
            clip(body, 64)
        )));
    };
    let value = if base64_allowed {
        decode_header_value(raw)
    } else {
        decode_header_value(raw).filter(|v| !v.starts_with("=?base64?"))
    };
    let Some(value) = value else {
        return Err(header_mismatch(format!(
            "Header mismatch: the {name} header is not a valid header value"
        )));
    };
    if value.trim() != body {
        return Err(header_mismatch(format!(
            "Header mismatch: {name} header value {:?} does not match body value {:?}",
            clip(value.trim(), 64),
            clip(body, 64)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::mcp::server::MODERN_VERSION;
    use crate::serve::mcp::testing::{Fake, meta, send_with};
    use serde_json::json;

    #[test]
    fn header_mismatch_message_names_both_values() {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get-thing", "_meta": meta()}})
        .to_string();
        let (_, r) = send_with(
            &mut Fake::default(),
            &body,
            &[
                ("MCP-Protocol-Version", MODERN_VERSION),
                ("Mcp-Method", "tools/call"),
                ("Mcp-Name", "foo"),
            ],
        );
        assert_eq!(
            r["error"]["message"],
            "Header mismatch: Mcp-Name header value \"foo\" does not match body value \"get-thing\""
        );
    }

    #[test]
    fn base64_header_values_decode() {
        assert_eq!(
            decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?=").as_deref(),
            Some("Hello, 世界")
        );
        assert_eq!(
            decode_header_value("=?base64?IHBhZGRlZCA=?=").as_deref(),
            Some(" padded ")
        );
        assert_eq!(decode_header_value("plain").as_deref(), Some("plain"));
        assert_eq!(decode_header_value("=?base64?@@?="), None);
        assert_eq!(decode_header_value("=?base64?/w==?="), None, "not UTF-8");
        assert_eq!(decode_header_value("caf\u{e9}"), None, "not a header value");
    }
}
