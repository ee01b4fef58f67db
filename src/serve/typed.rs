//! The typed surface (the WIT functions) over the registry, with no
//! per-operation code: a WIT request record (any [`Serialize`], as
//! wit-bindgen derives it) becomes the route body of its operation, runs
//! through [`calls::run`] exactly as `POST /<operation>` does (strict
//! decoding, the access gate, errors, redaction), and the route's `200` body
//! becomes the WIT answer record (any [`DeserializeOwned`]).
//!
//! The whole mapping:
//! - a record field (`ticket_id`, WIT `ticket-id`) is the body key `ticketId`;
//!   an answer key, `nextCursor` or `created_datetime`, is the field
//!   `next_cursor` or `created_datetime` (camelCase and snake_case alike);
//!   a field named by a Rust keyword carries wit-bindgen's `_` (`type_`, WIT
//!   `%type`), which the key does not (`type`);
//! - `option`: `none` leaves the key out, `some(v)` is `v`;
//! - a variant: its case `keep` (without payload) leaves the key out, another
//!   case without payload is `null`, a case with a payload is the payload
//!   (`assignment::assign(7)` is `7`, `assignment::unassign` is `null`);
//! - lists, strings, integers and booleans are themselves.
//!
//! `tests/e2e/tests/wit_schema.rs` holds every WIT record to its operation's
//! schemas under this mapping.

use crate::config::Config;
use crate::error::Error;
use crate::gorgias::endpoint::Connection;
use crate::gorgias::transport::Transport;
use crate::ops::spec::Spec;
use crate::serve::calls;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::{self, Impossible};
use serde_json::{Map, Value};
use std::fmt;

/// Runs `op` on a typed `request` over `transport`: the answer record, or
/// the route's error.
pub fn call<Req: Serialize, Ans: DeserializeOwned>(
    op: &Spec,
    request: &Req,
    conn: &Connection,
    config: &Config,
    transport: &mut dyn Transport,
) -> Result<Ans, Error> {
    let body = request_body(request)?;
    let bytes = calls::run(op, &body, conn, config, transport)?;
    answer(&bytes).map_err(|why| {
        Error::InvalidResponse {
            status: 200,
            message: format!("the answer does not fit the WIT record: {why}"),
            retryable: false,
        }
        .in_operation(op.name)
    })
}

/// The route body (JSON) of a typed request record.
pub fn request_body<T: Serialize + ?Sized>(request: &T) -> Result<Vec<u8>, Error> {
    let value = request
        .serialize(Body)
        .map_err(|e| Error::invalid("request", e.0))?
        .unwrap_or(Value::Null);
    Ok(value.to_string().into_bytes())
}

/// The answer record from the route's `200` body.
pub fn answer<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    serde_json::from_value(snake_keys(value)).map_err(|e| e.to_string())
}

/// `ticket_id` → `ticketId` (a trailing `_`, Rust's escape of a keyword, dropped).
fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.trim_end_matches('_').chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `nextCursor` → `next_cursor`; `created_datetime` stays; a Rust keyword
/// gets wit-bindgen's trailing `_` (`type` → `type_`).
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    if RUST_KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// The names wit-bindgen escapes with a trailing `_` (Rust's strict and
/// reserved keywords, as its `to_rust_ident` lists them).
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Every object key of `value` in snake_case.
fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (snake(&k), snake_keys(v))).collect()),
        Value::Array(a) => Value::Array(a.into_iter().map(snake_keys).collect()),
        other => other,
    }
}

/// A shape a WIT record cannot have (a map, a case with several payloads).
#[derive(Debug)]
pub struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

/// A value serialized as a body value: `None` when its key is left out.
type Slot = Option<Value>;

/// The serializer of the mapping in the module docs.
struct Body;

/// A list or tuple being serialized.
struct List(Vec<Value>);

/// A record being serialized.
struct Record(Map<String, Value>);

fn unsupported(what: &str) -> Unsupported {
    Unsupported(format!("a WIT request cannot hold {what}"))
}

impl ser::Serializer for Body {
    type Ok = Slot;
    type Error = Unsupported;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Impossible<Slot, Unsupported>;
    type SerializeMap = Impossible<Slot, Unsupported>;
    type SerializeStruct = Record;
    type SerializeStructVariant = Impossible<Slot, Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_i8(self, v: i8) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_u8(self, v: u8) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_f32(self, v: f32) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_char(self, v: char) -> Result<Slot, Unsupported> {
        Ok(Some(v.to_string().into()))
    }
    fn serialize_str(self, v: &str) -> Result<Slot, Unsupported> {
        Ok(Some(v.into()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Slot, Unsupported> {
        Ok(Some(v.iter().map(|b| Value::from(*b)).collect()))
    }
    fn serialize_none(self) -> Result<Slot, Unsupported> {
        Ok(None)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Slot, Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Slot, Unsupported> {
        Ok(Some(Value::Null))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Slot, Unsupported> {
        Ok(Some(Value::Null))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, case: &'static str) -> Result<Slot, Unsupported> {
        Ok((case != "Keep").then_some(Value::Null))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<Slot, Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<Slot, Unsupported> {
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List, Unsupported> {
        Ok(List(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<List, Unsupported> {
        Ok(List(Vec::with_capacity(len)))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<List, Unsupported> {
        Ok(List(Vec::with_capacity(len)))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(unsupported("a variant case with several payloads"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(unsupported("a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Record, Unsupported> {
        Ok(Record(Map::new()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(unsupported("a variant case with named fields"))
    }
}

impl List {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        // In a list, a left-out value (`none`, `keep`) can only be `null`.
        self.0.push(value.serialize(Body)?.unwrap_or(Value::Null));
        Ok(())
    }
}

impl ser::SerializeSeq for List {
    type Ok = Slot;
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.push(value)
    }
    fn end(self) -> Result<Slot, Unsupported> {
        Ok(Some(Value::Array(self.0)))
    }
}

impl ser::SerializeTuple for List {
    type Ok = Slot;
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.push(value)
    }
    fn end(self) -> Result<Slot, Unsupported> {
        Ok(Some(Value::Array(self.0)))
    }
}

impl ser::SerializeTupleStruct for List {
    type Ok = Slot;
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Unsupported> {
        self.push(value)
    }
    fn end(self) -> Result<Slot, Unsupported> {
        Ok(Some(Value::Array(self.0)))
    }
}

impl ser::SerializeStruct for Record {
    type Ok = Slot;
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Unsupported> {
        if let Some(v) = value.serialize(Body)? {
            self.0.insert(camel(key), v);
        }
        Ok(())
    }
    fn end(self) -> Result<Slot, Unsupported> {
        Ok(Some(Value::Object(self.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::config::Access;
    use crate::gorgias::testing::{Scripted, conn};
    use serde::Deserialize;
    use serde_json::json;

    /// What wit-bindgen generates for `variant assignment`, with the derives
    /// the component adds.
    #[derive(Serialize)]
    enum Assignment {
        Keep,
        Unassign,
        Assign(u64),
    }

    /// What wit-bindgen generates for `update-ticket-request`.
    #[derive(Serialize)]
    struct UpdateTicketRequest {
        ticket_id: u64,
        status: Option<String>,
        priority: Option<String>,
        assignee_user_id: Assignment,
        assignee_team_id: Assignment,
        subject: Option<String>,
    }

    fn body<T: Serialize>(r: &T) -> Value {
        serde_json::from_slice(&request_body(r).unwrap()).unwrap()
    }

    #[test]
    fn records_become_route_bodies() {
        let r = UpdateTicketRequest {
            ticket_id: 12345,
            status: None,
            priority: Some("high".into()),
            assignee_user_id: Assignment::Unassign,
            assignee_team_id: Assignment::Keep,
            subject: None,
        };
        assert_eq!(
            body(&r),
            json!({"ticketId": 12345, "priority": "high", "assigneeUserId": null})
        );
        let r = UpdateTicketRequest {
            assignee_user_id: Assignment::Keep,
            assignee_team_id: Assignment::Assign(7),
            ..r
        };
        assert_eq!(
            body(&r),
            json!({"ticketId": 12345, "priority": "high", "assigneeTeamId": 7})
        );

        #[derive(Serialize)]
        struct Lists {
            tag_names: Vec<String>,
            tag_ids: Vec<u64>,
            type_: Option<bool>,
            nested: Vec<Option<u8>>,
        }
        let l = Lists {
            tag_names: vec!["vip".into()],
            tag_ids: vec![],
            type_: Some(false),
            nested: vec![None, Some(1)],
        };
        assert_eq!(
            body(&l),
            json!({"tagNames": ["vip"], "tagIds": [], "type": false, "nested": [null, 1]})
        );

        #[derive(Serialize)]
        enum Pair {
            Two(u8, u8),
        }
        #[derive(Serialize)]
        struct Bad {
            pair: Pair,
        }
        let e = request_body(&Bad { pair: Pair::Two(1, 2) }).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(f) if f.field == "request"));
    }

    #[test]
    fn answers_take_camel_and_snake_keys() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Tag {
            id: u64,
            name: String,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Page {
            tags: Vec<Tag>,
            next_cursor: Option<String>,
            created_datetime: Option<String>,
        }
        let p: Page =
            answer(br#"{"tags": [{"id": 1, "name": "vip"}], "nextCursor": null, "created_datetime": "x"}"#).unwrap();
        assert_eq!(
            p,
            Page {
                tags: vec![Tag {
                    id: 1,
                    name: "vip".into()
                }],
                next_cursor: None,
                created_datetime: Some("x".into())
            }
        );
        assert!(answer::<Page>(br#"{"tags": "no"}"#).is_err());

        // WIT `%type` is the Rust field `type_`; the key is `type`.
        #[derive(Deserialize, Debug, PartialEq)]
        struct Integration {
            id: u64,
            type_: String,
            object_type: Option<String>,
        }
        let i: Integration = answer(br#"{"id": 1, "type": "email", "object_type": null}"#).unwrap();
        assert_eq!(
            i,
            Integration {
                id: 1,
                type_: "email".into(),
                object_type: None
            }
        );
        assert!(answer::<Page>(b"not json").is_err());
    }

    /// A key that is a Rust keyword reaches the field wit-bindgen escaped
    /// (`get-macro`'s `macro`, a job's `type`).
    #[test]
    fn answer_keys_that_are_rust_keywords_reach_the_escaped_fields() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Job {
            id: u64,
            type_: String,
        }
        #[derive(Deserialize, Debug, PartialEq)]
        struct Answer {
            macro_: Job,
        }
        let a: Answer = answer(br#"{"macro": {"id": 1, "type": "applyMacro"}}"#).unwrap();
        assert_eq!(
            a,
            Answer {
                macro_: Job {
                    id: 1,
                    type_: "applyMacro".into()
                }
            }
        );
        assert_eq!(
            (snake("type"), snake("typeName"), snake("types")),
            ("type_".into(), "type_name".into(), "types".into())
        );
    }

    fn config() -> Config {
        Config::default()
    }

    #[test]
    fn a_typed_call_is_the_route_call_with_unassign_as_null() {
        #[derive(Deserialize, Debug)]
        struct UpdateTicketAnswer {
            ticket_id: u64,
            assignee_user_id: Option<u64>,
            assignee_team_id: Option<u64>,
        }
        let op = crate::ops::find("update-ticket").unwrap();
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            r#"{"id": 12345, "status": "open", "channel": "email", "assignee_user": null, "assignee_team": {"id": 9}}"#,
        )]);
        let r = UpdateTicketRequest {
            ticket_id: 12345,
            status: None,
            priority: None,
            assignee_user_id: Assignment::Unassign,
            assignee_team_id: Assignment::Keep,
            subject: None,
        };
        let a: UpdateTicketAnswer = call(op, &r, &conn(), &config(), &mut t).unwrap();
        assert_eq!(
            (a.ticket_id, a.assignee_user_id, a.assignee_team_id),
            (12345, None, Some(9))
        );
        assert_eq!(t.lines(), ["PUT /api/tickets/12345"]);
        assert_eq!(t.bodies(), [Some(json!({"assignee_user": null}))]);

        // The route's validation, field names and access gate, unchanged.
        let empty = UpdateTicketRequest {
            assignee_user_id: Assignment::Keep,
            ..r
        };
        let mut t = Scripted::default();
        let e = call::<_, UpdateTicketAnswer>(op, &empty, &conn(), &config(), &mut t).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
        let read_only = Config {
            access: Access::Read,
            ..config()
        };
        let e = call::<_, UpdateTicketAnswer>(op, &empty, &conn(), &read_only, &mut t).unwrap_err();
        assert!(matches!(e, Error::Configuration(m) if m.contains("read-only")));
        assert!(t.sent.is_empty());
    }

    #[test]
    fn an_answer_that_does_not_fit_is_an_invalid_response() {
        #[derive(Deserialize, Debug)]
        struct Wrong {
            #[allow(dead_code, reason = "only its type matters")]
            nothing_like_it: u64,
        }
        #[derive(Serialize)]
        struct ListTeamsRequest {
            limit: Option<u32>,
        }
        let op = crate::ops::find("list-teams").unwrap();
        let mut t = Scripted::new(vec![Scripted::json(200, "[]")]);
        let e = call::<_, Wrong>(op, &ListTeamsRequest { limit: None }, &conn(), &config(), &mut t).unwrap_err();
        match e {
            Error::InvalidResponse { status, message, .. } => {
                assert_eq!(status, 200);
                assert!(
                    message.starts_with("list-teams: the answer does not fit the WIT record"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
