//! What every resource's wire types share: reading Gorgias's JSON
//! leniently (list envelopes or bare arrays, numbers as strings, `null` as
//! empty) and describing what did not fit. The records and wire types of each
//! resource live in its own file.
//!
//! Wire structs accept every documented variant: list envelopes or bare arrays,
//! flat or nested assignee ids, `null` attachments, timestamps with or without
//! microseconds or offset (kept as Gorgias sent them), unknown fields.
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

// ---- Gorgias's JSON: private, lenient wire types ------------------------------
//
// Absent and `null` fields are `None`, lists may be `null`, unknown fields are
// skipped without being built (serde's `IgnoredAny`), sizes and external ids
// may be numbers or strings. A wrong type where the connector reads a field
// means the body is not what it thinks it is: an error naming the field.
/// `{"id": ...}` objects (customer, assignee_user, sender, ...).
#[derive(Deserialize)]
pub(crate) struct WireRef {
    pub(crate) id: Option<u64>,
}

#[derive(Deserialize)]
pub(crate) struct WireMeta {
    pub(crate) next_cursor: Option<String>,
}

/// `null` or a list.
pub(crate) fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Sizes have been seen as numbers and as strings; a fraction is cut; any
/// other value counts as absent.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// External ids have been seen as strings and as numbers.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A list answer: `{data: [...], meta: {next_cursor}}` or a bare array.
/// `data` is required once (`null` = empty), `meta` optional (at most once);
/// an empty cursor is no cursor.
pub(crate) struct ListAnswer<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next_cursor: Option<String>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ListAnswer<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ListAnswer<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a list ({"data": [...], "meta": {...}} or a bare array)"#)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(ListAnswer {
                    items,
                    next_cursor: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut data: Option<Vec<T>> = None;
                let mut meta: Option<Option<WireMeta>> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "data" if data.is_some() => return Err(de::Error::duplicate_field("data")),
                        "data" => data = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default()),
                        "meta" if meta.is_some() => return Err(de::Error::duplicate_field("meta")),
                        "meta" => meta = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let items = data.ok_or_else(|| de::Error::missing_field("data"))?;
                let next_cursor = meta.flatten().and_then(|m| m.next_cursor).filter(|c| !c.is_empty());
                Ok(ListAnswer { items, next_cursor })
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Reads a Gorgias body as `T`; the error says what was wrong and where,
/// never the value found: a data error names the field's path
/// (`field `data[3].id`: expected a non-negative integer, got a string`,
/// `missing field `status``), a syntax error its position.
///
/// The path is tracked (serde_path_to_error) only when plain decoding has
/// failed: tracking allocates per key, ~8% of the guest's time on a 170 KB
/// 100-ticket page, and answers that decode pay nothing for it.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let e = match serde_json::from_slice(body) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if e.classify() != serde_json::error::Category::Data {
        return Err(describe("", &e));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(p) => {
            let path = p.path().to_string();
            let at = p.inner();
            Err(format!(
                "{} at line {} column {}",
                describe(&path, at),
                at.line(),
                at.column()
            ))
        }
        // Unreachable for a deterministic deserializer; say what the first pass said.
        Ok(_) => Err(describe("", &e)),
    }
}

pub(crate) fn describe(path: &str, e: &serde_json::Error) -> String {
    // A syntax error names its position (never a value); a data error its field.
    let what = match e.classify() {
        serde_json::error::Category::Data => without_value(strip_position(&e.to_string())),
        _ => e.to_string(),
    };
    if path == "." || path == "?" || path.is_empty() {
        what
    } else {
        format!("field `{path}`: {what}")
    }
}

/// serde_json's message without its " at line L column C" suffix.
pub(crate) fn strip_position(m: &str) -> &str {
    match m.rfind(" at line ") {
        Some(i) => &m[..i],
        None => m,
    }
}

/// `invalid type: string "…", expected u64` → `expected u64, got a string`.
pub(crate) fn without_value(m: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix)
            && let Some(i) = rest.rfind(", expected ")
        {
            return format!("expected {}, got {}", expected(&rest[i + 11..]), kind(&rest[..i]));
        }
    }
    let mut out: String = m.chars().take(200).collect();
    if out.len() < m.len() {
        out.push('…');
    }
    out
}

/// What serde's `expecting` text names, in the connector's words.
pub(crate) fn expected(e: &str) -> &str {
    match e {
        "u64" | "u32" => "a non-negative integer",
        "a boolean" => "true or false",
        "a sequence" => "an array",
        e if e.starts_with("struct ") => "an object",
        e => e,
    }
}

/// What serde's `Unexpected` text names, as a JSON kind.
pub(crate) fn kind(unexpected: &str) -> &'static str {
    let first = unexpected.split([' ', '`', '"']).next().unwrap_or("");
    match first {
        "string" | "char" => "a string",
        "integer" | "floating" => "a number",
        "boolean" => "a boolean",
        "map" => "an object",
        "sequence" => "an array",
        "null" | "unit" => "null",
        _ => "another value",
    }
}

// ---- wire objects → records ------------------------------------------------------

// ---- parsers (body → record) -------------------------------------------------

#[cfg(test)]
mod tests {
    use crate::ops::customers::parse_customers;
    use crate::ops::tickets::{parse_ticket, parse_ticket_page};

    #[test]
    fn list_envelope_rules() {
        // `data: null` is an empty page; unknown keys and `meta: null` are ignored.
        let p = parse_ticket_page(br#"{"object":"list","data":null,"meta":null,"uri":"/api/tickets"}"#).unwrap();
        assert_eq!((p.tickets.len(), p.next_cursor), (0, None));
        // An empty cursor is no cursor.
        let p = parse_ticket_page(br#"{"meta":{"next_cursor":""},"data":[]}"#).unwrap();
        assert_eq!(p.next_cursor, None);
        // `data` is required, once; `meta` at most once; a bare array has no cursor.
        assert!(parse_ticket_page(br#"{"meta":{"next_cursor":"x"}}"#).is_err());
        assert!(parse_ticket_page(br#"{"data":[],"data":[]}"#).is_err());
        assert!(parse_ticket_page(br#"{"data":[],"meta":null,"meta":null}"#).is_err());
        assert!(parse_ticket_page(br#"{"data":[],"meta":5}"#).is_err());
        assert!(parse_ticket_page(br#"{"data":[{"id":1}]}"#).is_err());
        let p = parse_ticket_page(br#"[{"id":1,"status":"open","channel":"api"}]"#).unwrap();
        assert_eq!((p.tickets[0].id, p.next_cursor), (1, None));
        assert!(parse_ticket_page(b"[]").unwrap().tickets.is_empty());
        assert!(parse_ticket_page(b"\"list\"").is_err());
    }

    #[test]
    fn unknown_fields_at_any_depth_are_skipped() {
        let t = parse_ticket(
            br##"{"id":1,"status":"open","channel":"api","uri":"/x","customer":{"id":2,"meta":{"a":[1,{"b":null}]},"channels":[]},"events":[],"tags":[{"id":3,"name":"n","usage":9,"decoration":{"color":"#fff","emoji":null}}]}"##,
        )
        .unwrap();
        assert_eq!((t.customer_id, t.tags[0].id), (Some(2), 3));
        let c = parse_customers(br#"[{"id":9,"external_id":42,"meta":{"x":1}}]"#).unwrap();
        assert_eq!(c[0].external_id.as_deref(), Some("42"));
    }

    #[test]
    fn decode_errors_name_the_field_path_and_the_position_not_the_value() {
        let e = parse_ticket(br#"{"id":"s3cr3t-value","status":"open","channel":"api"}"#).unwrap_err();
        assert_eq!(
            e,
            "field `id`: expected a non-negative integer, got a string at line 1 column 20"
        );
        let e = parse_ticket_page(br#"{"data":[{"id":1,"status":"open","channel":"api"},{"id":2}]}"#).unwrap_err();
        assert_eq!(e, "field `data[1]`: missing field `status` at line 1 column 58");
        let e = parse_ticket_page(br#"{"data":[{"id":1,"status":"open","channel":"api","assignee_user":{"id":"x"}}]}"#)
            .unwrap_err();
        assert!(e.starts_with("field `data[0].assignee_user.id`: "), "{e}");
        assert_eq!(
            parse_ticket(b"{").unwrap_err(),
            "EOF while parsing an object at line 1 column 1"
        );
    }

    #[test]
    fn sixty_thousand_duplicate_keys_are_refused_at_the_first_repeat() {
        let mut body = String::from("{");
        for _ in 0..60_000 {
            body.push_str(r#""id":12345,"#);
        }
        body.push_str(r#""status":"open","channel":"api"}"#);
        let e = parse_ticket(body.as_bytes()).unwrap_err();
        assert_eq!(e, "duplicate field `id` at line 1 column 16");
    }

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        for body in [&b""[..], b"{", b"null", b"{\"id\":\"x\"}", b"[1,2]", b"\xff\xfe"] {
            assert!(parse_ticket(body).is_err());
            assert!(parse_ticket_page(body).is_err());
        }
    }

    #[test]
    fn long_multibyte_values_in_decode_errors_do_not_panic() {
        // serde_json quoted the offending string and cutting its message at a
        // byte count once split a multi-byte character (a trap in wasm). Our
        // messages name fields and types, never values.
        for pad in 0..4 {
            let body = format!(r#"{{"id": "{}{}"}}"#, "x".repeat(pad), "é".repeat(300));
            let e = parse_ticket(body.as_bytes()).unwrap_err();
            assert!(e.len() <= 200, "{e}");
        }
    }
}
