//! Reading an HTTP route's (or MCP tool's) JSON body into an operation's
//! typed input with serde.
//!
//! Input types are `#[serde(deny_unknown_fields, rename_all = "camelCase")]`:
//! names are the spec's camelCase parameters. IDs may be JSON integers or
//! numeric strings (`"12345"`, ASCII whitespace around the digits allowed), at
//! most [`MAX_ID`] in either form; fractions, negatives, wrong types, unknown
//! and repeated fields are errors that name the field (`serde_path_to_error`).
//! Optional parameters may also be `null` (same as absent). The schemas in
//! [`crate::schema`] say exactly this.

use crate::error::Error;
use crate::ops::wire::{expected, kind, strip_position};
pub use crate::schema::MAX_ID;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;
use std::fmt;

/// A JSON object.
pub type Map = serde_json::Map<String, Value>;

/// Parses `body` (a JSON object; empty means `{}`) as the input `T`.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let body: &[u8] = match first {
        None => b"{}",
        Some(b'{') => body,
        Some(_) => {
            return Err(match serde_json::from_slice::<de::IgnoredAny>(body) {
                Ok(_) => Error::invalid("body", "must be a JSON object of the operation's parameters"),
                Err(e) => not_json(&e),
            });
        }
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        translate(if path == "." || path == "?" { "" } else { &path }, e.inner())
    })?;
    de.end().map_err(|e| not_json(&e))?;
    Ok(value)
}

fn not_json(e: &serde_json::Error) -> Error {
    Error::invalid("body", format!("is not valid JSON: {e}"))
}

/// serde's error at `path` as today's `invalid-input` wording.
fn translate(path: &str, e: &serde_json::Error) -> Error {
    if !e.is_data() {
        return not_json(e);
    }
    let text = e.to_string();
    let m = strip_position(&text);
    let between = |m: &str| m.split('`').nth(1).map(str::to_string).unwrap_or_default();
    if let Some(rest) = m.strip_prefix("missing field ") {
        let name = between(rest);
        return Error::invalid(&join(path, &name), "is required");
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let name = between(rest);
        let expected: Vec<&str> = rest
            .split_once(", expected ")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let expected = if expected.is_empty() {
            "none".to_string()
        } else {
            expected.join(", ")
        };
        let name: String = name.chars().take(64).collect();
        let field = if path.is_empty() {
            name
        } else {
            path.chars().take(64).collect()
        };
        return Error::invalid(
            &field,
            format!("is not a parameter of this operation (expected: {expected})"),
        );
    }
    if let Some(rest) = m.strip_prefix("duplicate field ") {
        let field = if path.is_empty() {
            between(rest)
        } else {
            path.to_string()
        };
        return Error::invalid(&field, "is given more than once");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = m.strip_prefix(prefix)
            && let Some(i) = rest.rfind(", expected ")
        {
            if path.is_empty() {
                return Error::invalid("body", "must be a JSON object of the operation's parameters");
            }
            let got = kind(&rest[..i]);
            if got == "null" {
                return Error::invalid(path, "is required");
            }
            return Error::invalid(path, format!("must be {}, got {got}", expected(&rest[i + 11..])));
        }
    }
    // Our own messages (`id`, `limit`): already in the house wording.
    Error::invalid(if path.is_empty() { "body" } else { path }, m.to_string())
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// A non-negative whole number, written as an integer, a float without
/// fraction or a numeric string, at most `max`; `positive` refuses 0.
struct Whole {
    positive: bool,
    max: u64,
}

impl Whole {
    fn check<E: de::Error>(&self, n: u64) -> Result<u64, E> {
        if n > self.max {
            Err(E::custom("is too large"))
        } else if self.positive && n == 0 {
            Err(E::custom("must be a positive integer"))
        } else {
            Ok(n)
        }
    }
    fn wrong<E: de::Error>(&self, got: &str) -> E {
        E::custom(format!("must be an integer, got {got}"))
    }
}

impl<'de> Visitor<'de> for Whole {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an integer or a numeric string")
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
        self.check(n)
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<u64, E> {
        match u64::try_from(n) {
            Ok(n) => self.check(n),
            Err(_) => Err(E::custom("must not be negative")),
        }
    }
    fn visit_f64<E: de::Error>(self, f: f64) -> Result<u64, E> {
        if f < 0.0 {
            Err(E::custom("must not be negative"))
        } else if f.fract() != 0.0 {
            Err(E::custom("must be a whole number"))
        } else if f > 9_007_199_254_740_991.0 {
            // Beyond 2^53 a float no longer carries every whole number.
            Err(E::custom("is too large"))
        } else {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a whole number in 0..=2^53-1"
            )]
            self.check(f as u64)
        }
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<u64, E> {
        // ASCII whitespace only: what the schema's pattern can say exactly.
        let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
        if t.starts_with('-') {
            Err(E::custom("must not be negative"))
        } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            match t.parse() {
                Ok(n) => self.check(n),
                Err(_) => Err(E::custom("is too large")),
            }
        } else if t.parse::<f64>().is_ok_and(f64::is_finite) {
            Err(E::custom("must be a whole number"))
        } else {
            Err(E::custom("must be an integer or a numeric string"))
        }
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<u64, E> {
        Err(self.wrong("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
        Err(E::custom("is required"))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(self.wrong("an object"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(self.wrong("an array"))
    }
}

const ID: Whole = Whole {
    positive: true,
    max: MAX_ID,
};
const SMALL: Whole = Whole {
    positive: false,
    max: u32::MAX as u64,
};

/// A required positive ID.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(ID)
}

/// An optional positive ID (`null` = absent).
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Option::<Id>::deserialize(d).map(|o| o.map(|i| i.0))
}

/// A nullable optional positive ID, telling absent from `null`: use with
/// `#[serde(default)]`, so that absent stays `None`, `null` is `Some(None)`
/// ("clear it") and a number is `Some(Some(id))`.
pub fn nullable_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<Id>::deserialize(d).map(|o| Some(o.map(|i| i.0)))
}

/// An optional small whole number (limits; `null` = absent).
pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Small(u32);
    impl<'de> Deserialize<'de> for Small {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let n = d.deserialize_any(SMALL)?;
            u32::try_from(n)
                .map(Small)
                .map_err(|_| de::Error::custom("is too large"))
        }
    }
    Option::<Small>::deserialize(d).map(|o| o.map(|s| s.0))
}

/// A list (`null` = empty).
pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A list of positive IDs (`null` = empty).
pub fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    Ok(list::<D, Id>(d)?.into_iter().map(|i| i.0).collect())
}

/// A positive ID as a list item or an `Option`.
struct Id(u64);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        id(d).map(Id)
    }
}

/// The input of the operations that take one ticket ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TicketId {
    /// The ticket.
    #[serde(deserialize_with = "id")]
    pub ticket_id: u64,
}

/// The input of find-customer-by-email.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Email {
    /// The address.
    pub email: String,
}

// ---- validation helpers ------------------------------------------------------

/// A positive ID (`0` is refused).
pub fn check_id(field: &str, id: u64) -> Result<(), Error> {
    if id == 0 {
        return Err(Error::invalid(field, "must be a positive integer"));
    }
    Ok(())
}

/// [`check_id`] when given.
pub fn check_opt_id(field: &str, id: Option<u64>) -> Result<(), Error> {
    id.map_or(Ok(()), |i| check_id(field, i))
}

/// A value from `allowed`, when given.
pub fn check_one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), Error> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(Error::invalid(
            field,
            format!("must be exactly one of {}; got {:?}", allowed.join(", "), truncated(v)),
        )),
        _ => Ok(()),
    }
}

/// A page size `1..=100`, when given.
pub fn check_limit(limit: Option<u32>) -> Result<(), Error> {
    match limit {
        Some(l) if !(1..=100).contains(&l) => {
            Err(Error::invalid("limit", format!("must be between 1 and 100; got {l}")))
        }
        _ => Ok(()),
    }
}

/// A string with something other than whitespace.
pub fn check_non_empty(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required and must not be empty"));
    }
    Ok(())
}

/// An email address like `name@example.com` (the shape only; Gorgias judges the rest), when given.
pub fn check_email(field: &str, value: Option<&str>) -> Result<(), Error> {
    if let Some(v) = value {
        let ok = v.chars().count() <= 320
            && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(v.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !d.contains('@'));
        if !ok {
            return Err(Error::invalid(field, "must be an email address like name@example.com"));
        }
    }
    Ok(())
}

/// At least one of `bodyText` and `bodyHtml` with text in it.
pub fn check_body(text: &Option<String>, html: &Option<String>) -> Result<(), Error> {
    let empty = |b: &Option<String>| b.as_deref().is_none_or(|s| s.trim().is_empty());
    if empty(text) && empty(html) {
        return Err(Error::invalid("bodyText", "bodyText or bodyHtml is required"));
    }
    Ok(())
}

/// `fromEmail` on the `email` channel (Gorgias rejects email messages without `source.from`).
pub fn check_from_email(channel: &str, from_email: &Option<String>) -> Result<(), Error> {
    if channel == "email" && from_email.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(Error::invalid(
            "fromEmail",
            "is required for email-channel messages (Gorgias rejects them without source.from)",
        ));
    }
    Ok(())
}

/// A channel slug (`email`, `chat`, `api`, …).
pub fn check_channel(channel: &str) -> Result<(), Error> {
    check_non_empty("channel", channel)?;
    if channel.len() > 64
        || !channel
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "channel",
            "must be a channel slug such as email, chat, sms, phone or api",
        ));
    }
    Ok(())
}

/// An optional free-text `search` (at most 256 characters; blank = absent).
pub fn check_search(value: Option<&str>) -> Result<(), Error> {
    if value.is_some_and(|v| v.chars().count() > 256) {
        return Err(Error::invalid("search", "must be at most 256 characters"));
    }
    Ok(())
}

/// The query of a `GET /api/<list>` page: `search`, `limit`, `cursor` (in
/// that order; blank `search` and `cursor` left out), after checking them.
pub fn list_query(
    search: Option<&str>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<Vec<(String, String)>, Error> {
    check_search(search)?;
    check_limit(limit)?;
    let mut q = Vec::new();
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        q.push(("search".to_string(), s.to_string()));
    }
    if let Some(l) = limit {
        q.push(("limit".to_string(), l.to_string()));
    }
    if let Some(c) = cursor.filter(|c| !c.is_empty()) {
        q.push(("cursor".to_string(), c.to_string()));
    }
    Ok(q)
}

/// The first 40 characters of `s`, for error messages.
pub fn truncated(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Inserts `key: value` when `value` is `Some`.
pub fn put<V: Into<Value>>(m: &mut Map, key: &'static str, value: Option<V>) {
    if let Some(v) = value {
        m.insert(key.into(), v.into());
    }
}

/// The `source` envelope (`from`, `to`) when any address is given.
pub fn source(
    channel: &str,
    from: (&Option<String>, &Option<String>),
    to: (&Option<String>, &Option<String>),
) -> Option<Value> {
    if from.0.is_none() && to.0.is_none() {
        return None;
    }
    let party = |addr: &Option<String>, name: &Option<String>| {
        let mut p = Map::new();
        put(&mut p, "address", addr.clone());
        put(&mut p, "name", name.clone());
        Value::Object(p)
    };
    let mut s = Map::new();
    s.insert("type".into(), channel.into());
    if from.0.is_some() {
        s.insert("from".into(), party(from.0, from.1));
    }
    if to.0.is_some() {
        s.insert("to".into(), Value::Array(vec![party(to.0, to.1)]));
    }
    Some(Value::Object(s))
}

/// `{"id": id}`: how Gorgias refers to a user, customer or team (one
/// function instead of a `json!` expansion at every use).
pub fn id_ref(id: u64) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), id.into());
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Probe {
        #[serde(default, deserialize_with = "opt_id")]
        ticket_id: Option<u64>,
        #[serde(default, deserialize_with = "opt_u32")]
        limit: Option<u32>,
        #[serde(default, deserialize_with = "id_list")]
        tag_ids: Vec<u64>,
        #[serde(default, deserialize_with = "list")]
        tag_names: Vec<String>,
        #[serde(default)]
        #[expect(dead_code, reason = "only its type errors are tested")]
        from_agent: Option<bool>,
        #[serde(default)]
        #[expect(dead_code, reason = "only its type errors are tested")]
        subject: Option<String>,
    }

    fn err(body: &str) -> (String, String) {
        match decode::<Probe>(body.as_bytes()).unwrap_err() {
            Error::InvalidInput(f) => (f.field, f.message),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn ids_accept_integers_and_numeric_strings() {
        let p: Probe = decode(br#"{"ticketId": "12345", "tagIds": [1, "2"]}"#).unwrap();
        assert_eq!((p.ticket_id, p.tag_ids), (Some(12345), vec![1, 2]));
        let p: Probe = decode(br#"{"ticketId": 7.0}"#).unwrap();
        assert_eq!(p.ticket_id, Some(7));
        let t: TicketId = decode(br#"{"ticketId": 5}"#).unwrap();
        assert_eq!(t.ticket_id, 5);
    }

    #[test]
    fn bad_numbers_name_the_field() {
        for (body, msg) in [
            (r#"{"ticketId": 1.5}"#, "must be a whole number"),
            (r#"{"ticketId": -3}"#, "must not be negative"),
            (r#"{"ticketId": "-3"}"#, "must not be negative"),
            (r#"{"ticketId": "1.5"}"#, "must be a whole number"),
            (r#"{"ticketId": "abc"}"#, "must be an integer or a numeric string"),
            (r#"{"ticketId": true}"#, "must be an integer, got a boolean"),
            (r#"{"ticketId": 0}"#, "must be a positive integer"),
            (r#"{"ticketId": 1e30}"#, "is too large"),
            (r#"{"ticketId": "99999999999999999999999"}"#, "is too large"),
        ] {
            assert_eq!(err(body), ("ticketId".to_string(), msg.to_string()), "{body}");
        }
        let missing = |b: &str| match decode::<TicketId>(b.as_bytes()).unwrap_err() {
            Error::InvalidInput(f) => (f.field, f.message),
            e => panic!("{e:?}"),
        };
        assert_eq!(missing("{}"), ("ticketId".into(), "is required".into()));
        assert_eq!(
            missing(r#"{"ticketId": null}"#),
            ("ticketId".into(), "is required".into())
        );
        assert_eq!(err(r#"{"tagIds": [1, 2.5]}"#).0, "tagIds[1]");
        assert_eq!(err(r#"{"limit": 5000000000}"#), ("limit".into(), "is too large".into()));
    }

    /// The limits the schemas state ([`MAX_ID`], ASCII whitespace only).
    #[test]
    fn ids_stop_at_max_id_in_every_form_and_strings_trim_ascii_whitespace_only() {
        let p: Probe = decode(br#"{"ticketId": 999999999999999}"#).unwrap();
        assert_eq!(p.ticket_id, Some(MAX_ID));
        let p: Probe = decode(b"{\"ticketId\": \" \\t12\\n\"}").unwrap();
        assert_eq!(p.ticket_id, Some(12));
        let p: Probe = decode(br#"{"ticketId": "000999999999999999"}"#).unwrap();
        assert_eq!(p.ticket_id, Some(MAX_ID));
        for body in [
            r#"{"ticketId": 1000000000000000}"#,
            r#"{"ticketId": "1000000000000000"}"#,
            r#"{"ticketId": 1e15}"#,
        ] {
            assert_eq!(err(body), ("ticketId".into(), "is too large".into()), "{body}");
        }
        assert_eq!(
            err("{\"ticketId\": \"\u{a0}12\"}"),
            ("ticketId".into(), "must be an integer or a numeric string".into())
        );
    }

    #[test]
    fn null_is_absent_for_optional_parameters() {
        let p: Probe = decode(br#"{"ticketId": null, "limit": null, "tagIds": null, "tagNames": null}"#).unwrap();
        assert_eq!(
            (p.ticket_id, p.limit, p.tag_ids.len(), p.tag_names.len()),
            (None, None, 0, 0)
        );
        let p: Probe = decode(b"  ").unwrap();
        assert_eq!(p.ticket_id, None);
    }

    #[test]
    fn a_repeated_field_is_refused() {
        assert_eq!(
            err(r#"{"ticketId": 1, "limit": 5, "ticketId": "2"}"#),
            ("ticketId".into(), "is given more than once".into())
        );
    }

    /// The quadratic-time parse of issue 10: 60,000 repeats of one key. serde
    /// stops at the second one (the time is measured by `cargo bench`).
    #[test]
    fn sixty_thousand_duplicate_keys_fail_at_the_first_repeat() {
        let mut body = String::from("{");
        for _ in 0..60_000 {
            body.push_str(r#""ticketId":12345,"#);
        }
        body.push_str(r#""ticketId":12345}"#);
        let e = decode::<TicketId>(body.as_bytes()).unwrap_err();
        assert_eq!(e.message(), "ticketId: is given more than once");
    }

    #[test]
    fn unknown_fields_and_non_objects_are_rejected() {
        let (f, m) = err(r#"{"ticketID": 1}"#);
        assert_eq!(f, "ticketID");
        assert!(m.contains("ticketId, limit, tagIds"), "{m}");
        for body in ["[1]", "5", "\"x\"", "null"] {
            assert_eq!(
                err(body),
                (
                    "body".into(),
                    "must be a JSON object of the operation's parameters".into()
                )
            );
        }
        let (f, m) = err("{");
        assert_eq!(f, "body");
        assert!(m.starts_with("is not valid JSON"), "{m}");
        assert_eq!(err(r#"{} x"#).0, "body");
        assert_eq!(err(r#"{"subject": 5}"#).1, "must be a string, got a number");
        assert_eq!(err(r#"{"fromAgent": "true"}"#).1, "must be true or false, got a string");
        assert_eq!(err(r#"{"tagNames": "vip"}"#).1, "must be an array, got a string");
        assert_eq!(
            err(r#"{"tagNames": [1]}"#),
            ("tagNames[0]".into(), "must be a string, got a number".into())
        );
    }
}
