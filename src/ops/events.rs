//! Events: the account's events log (`GET /api/events`), what a workflow
//! polls to react to new tickets, ticket updates and new messages. The
//! operation is its input type, its [`Operation`] entry, the Gorgias request
//! it builds and the mapping of the answer.
//!
//! An event's `context` (a UUID grouping the events of one action) and
//! `data` (free-form, `null` for most types) are carried as strings: `data`
//! as compact JSON text (`{"assignee_user_id":4567}`), so that the record is
//! the same in JSON and in WIT. A `ticket-message-created` event names the
//! MESSAGE (`object_type` `TicketMessage`, `object_id` the message ID) and
//! carries no ticket ID: the ticket is the `object_id` of the
//! `ticket-created` or `ticket-updated` event with the same `context`.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::ApiRequest;
use crate::ops::fields::{check_limit, check_one_of, check_opt_id, list, opt_id, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode, lenient_u64};
use crate::schema::{any_of, null_schema, one_of_strings, typed};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The orders `GET /api/events` accepts.
pub const EVENT_ORDERS: &[&str] = &["created_datetime:asc", "created_datetime:desc"];

/// Most event types one call may filter on.
pub const MAX_EVENT_TYPES: usize = 50;

/// Longest event type name accepted.
pub const MAX_EVENT_TYPE_CHARS: usize = 64;

/// The pattern of an event type (`ticket-created`, `ticket-message-created`).
pub const EVENT_TYPE_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// The pattern of an object type (`Ticket`, `TicketMessage`, `Customer`, …).
pub const OBJECT_TYPE_PATTERN: &str = "^[A-Z][A-Za-z]{0,63}$";

/// The dates of an RFC 3339 `full-date`, each month with its own days and
/// February 29 only in leap years (the proleptic Gregorian calendar).
const DATE: &str = "([0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29)";

/// The pattern of an RFC 3339 date-time with a time zone, as [`is_rfc3339`] checks it.
pub fn rfc3339_pattern() -> String {
    format!(
        "^{DATE}[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{{1,9}})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    )
}

/// An optional list of event types (`null` = none).
pub fn opt_event_types(_: &mut SchemaGenerator) -> Schema {
    let item = typed(
        "string",
        &[
            ("pattern", EVENT_TYPE_PATTERN.into()),
            ("maxLength", MAX_EVENT_TYPE_CHARS.into()),
        ],
    );
    any_of(vec![
        typed("array", &[("items", item), ("maxItems", MAX_EVENT_TYPES.into())]),
        null_schema(),
    ])
}

/// An optional object type.
pub fn opt_object_type(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("pattern", OBJECT_TYPE_PATTERN.into())]),
        null_schema(),
    ])
}

/// An optional RFC 3339 date-time.
pub fn opt_since(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("pattern", rfc3339_pattern().into())]),
        null_schema(),
    ])
}

/// list-events' optional `orderBy`.
pub fn opt_event_order(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(EVENT_ORDERS)
}

/// Input of list-events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = list_events_rules)]
pub struct ListEvents {
    /// `types=` (repeated).
    #[serde(default, deserialize_with = "list")]
    #[schemars(
        schema_with = "opt_event_types",
        description = "Only events of these types, e.g. ticket-created, ticket-updated, ticket-message-created, ticket-assigned, customer-created (any of them; empty or absent: every type)"
    )]
    pub types: Vec<String>,
    /// `object_type`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_object_type",
        description = "Only events about objects of this type, case-sensitive: Ticket, TicketMessage, Customer, User, Tag, Team, View, Macro, Rule, Integration, SatisfactionSurvey, Account, ... Give it together with objectId"
    )]
    pub object_type: Option<String>,
    /// `object_id`.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(
        schema_with = "crate::schema::opt_id",
        description = "Only events about the object with this ID (of objectType, which is then required)"
    )]
    pub object_id: Option<u64>,
    /// `created_datetime[gte]`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_since",
        description = "Only events created at or after this time: an RFC 3339 date-time with a time zone, e.g. 2024-12-01T00:00:00Z. With since and no orderBy, events come oldest first"
    )]
    pub since: Option<String>,
    /// `order_by`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_event_order",
        description = "created_datetime:asc (oldest first) or created_datetime:desc (newest first; Gorgias's default). Defaults to created_datetime:asc when since is given"
    )]
    pub order_by: Option<String>,
    /// `limit`.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(
        schema_with = "crate::schema::opt_limit",
        description = "Page size (max 100, default 30)"
    )]
    pub limit: Option<u32>,
    /// `cursor`.
    #[schemars(description = "Pagination cursor from a prior response")]
    pub cursor: Option<String>,
}

/// `{"required": [field], "properties": {field: {"not": {"type": "null"}}}}`:
/// the key is there and not `null`.
fn given(field: &str) -> Value {
    let mut props = serde_json::Map::new();
    props.insert(field.into(), crate::schema::not_null());
    let mut m = serde_json::Map::new();
    m.insert("required".into(), Value::Array(vec![field.into()]));
    m.insert("properties".into(), Value::Object(props));
    Value::Object(m)
}

/// [`ListEvents::validate`]'s cross-field rule: `objectType` and
/// `objectId` come together or not at all.
fn list_events_rules(s: &mut Schema) {
    let mut rules = Vec::new();
    for (a, b) in [("objectType", "objectId"), ("objectId", "objectType")] {
        let mut m = serde_json::Map::new();
        m.insert("if".into(), given(a));
        m.insert("then".into(), given(b));
        rules.push(Value::Object(m));
    }
    match s.get_mut("allOf") {
        Some(Value::Array(all)) => all.extend(rules),
        _ => {
            s.insert("allOf".into(), Value::Array(rules));
        }
    }
}

/// Whether `s` is an RFC 3339 date-time with a time zone
/// (`2024-12-01T00:00:00Z`, `2024-12-01t08:30:00.5+02:00`): a real date, hours
/// 00–23, minutes and seconds 00–59 (no leap second), at most nine fraction
/// digits, `Z` or an offset of at most 23:59. Exactly [`rfc3339_pattern`].
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |from: usize, to: usize| -> Option<u32> {
        let d = b.get(from..to)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 7), num(8, 10)) else {
        return false;
    };
    let (Some(hour), Some(minute), Some(second)) = (num(11, 13), num(14, 16), num(17, 19)) else {
        return false;
    };
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 59 {
        return false;
    }
    let mut i = 19;
    if at(i, b".") {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return false;
        }
        i += 1 + digits;
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len()
                && at(i + 3, b":")
                && num(i + 1, i + 3).is_some_and(|h| h <= 23)
                && num(i + 4, i + 6).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

impl ListEvents {
    /// Checks the filters.
    pub fn validate(&self) -> Result<(), Error> {
        if self.types.len() > MAX_EVENT_TYPES {
            return Err(Error::invalid("types", "at most 50 event types per call"));
        }
        for (i, t) in self.types.iter().enumerate() {
            let ok = t.len() <= MAX_EVENT_TYPE_CHARS
                && t.split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
            if !ok {
                return Err(Error::invalid(
                    &format!("types[{i}]"),
                    "must be an event type such as ticket-created or ticket-message-created (lower-case words joined by hyphens, at most 64 characters)",
                ));
            }
        }
        if let Some(t) = &self.object_type {
            let ok = t.len() <= 64
                && t.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
                && t.bytes().all(|c| c.is_ascii_alphabetic());
            if !ok {
                return Err(Error::invalid(
                    "objectType",
                    "must be an object type such as Ticket, TicketMessage or Customer (case-sensitive)",
                ));
            }
        }
        check_opt_id("objectId", self.object_id)?;
        match (&self.object_type, self.object_id) {
            (Some(_), None) => return Err(Error::invalid("objectId", "is required with objectType")),
            (None, Some(_)) => return Err(Error::invalid("objectType", "is required with objectId")),
            _ => {}
        }
        if let Some(s) = &self.since
            && !is_rfc3339(s)
        {
            return Err(Error::invalid(
                "since",
                "must be an RFC 3339 date-time with a time zone, e.g. 2024-12-01T00:00:00Z",
            ));
        }
        check_one_of("orderBy", self.order_by.as_deref(), EVENT_ORDERS)?;
        check_limit(self.limit)?;
        Ok(())
    }

    /// `GET /api/events?types=…&types=…&object_type=&object_id=&created_datetime[gte]=&order_by=&limit=&cursor=`;
    /// `order_by=created_datetime:asc` when `since` is given without `orderBy`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut q: Vec<(String, String)> = self.types.iter().map(|t| ("types".into(), t.clone())).collect();
        if let (Some(t), Some(id)) = (&self.object_type, self.object_id) {
            q.push(("object_type".into(), t.clone()));
            q.push(("object_id".into(), id.to_string()));
        }
        if let Some(s) = &self.since {
            // `t` and `z` are RFC 3339's lower-case forms; Gorgias gets the usual ones.
            q.push(("created_datetime[gte]".into(), s.to_ascii_uppercase()));
        }
        let order = match (&self.order_by, &self.since) {
            (Some(o), _) => Some(o.clone()),
            (None, Some(_)) => Some("created_datetime:asc".to_string()),
            (None, None) => None,
        };
        if let Some(o) = order {
            q.push(("order_by".into(), o));
        }
        if let Some(l) = self.limit {
            q.push(("limit".into(), l.to_string()));
        }
        if let Some(c) = self.cursor.as_ref().filter(|c| !c.is_empty()) {
            q.push(("cursor".into(), c.clone()));
        }
        Ok(ApiRequest::get("/api/events", q))
    }
}

impl Operation for ListEvents {
    const SPEC: &'static Spec = &Spec {
        name: "list-events",
        title: "List Events",
        description: "List the Gorgias account's events log (ticket-created, ticket-updated, ticket-message-created, ...), optionally only some types, one object's events, or those since a time: poll it with since to react to new tickets, updates and messages. A ticket-message-created event's object_id is the message ID; its ticket is the object_id of the ticket-created or ticket-updated event with the same context.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/events",
        example: r#"{"types": ["ticket-message-created", "ticket-updated", "ticket-assigned"], "since": "2024-11-15T00:00:00Z", "limit": 50}"#,
        types: types::<Self>(),
    };
    type Output = EventPage;
    fn run(self, c: &mut Client<'_>) -> Result<EventPage, Error> {
        c.call(&self.request()?, parse_event_page)
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Event {
    /// Event ID.
    #[schemars(description = "The event ID")]
    pub id: u64,
    /// `type`.
    #[serde(rename = "type")]
    #[schemars(description = "The event type (ticket-created, ticket-updated, ticket-message-created, ...)")]
    pub kind: String,
    /// `object_type`.
    #[schemars(description = "The type of the object the event is about (Ticket, TicketMessage, Customer, ...)")]
    pub object_type: Option<String>,
    /// `object_id`.
    #[schemars(
        description = "The ID of the object the event is about: a ticket ID for Ticket, a message ID for TicketMessage"
    )]
    pub object_id: Option<u64>,
    /// `user_id`.
    #[schemars(description = "The user who caused the event; null for automatic events")]
    pub user_id: Option<u64>,
    /// `context`.
    #[schemars(
        description = "Groups the events of one action (a UUID): a ticket-message-created event shares it with the ticket-created or ticket-updated event of its ticket"
    )]
    pub context: Option<String>,
    /// `data`, as JSON text.
    #[schemars(
        description = "The event's data as compact JSON text, e.g. {\"assignee_user_id\":4567} for ticket-assigned; null when Gorgias sends none"
    )]
    pub data: Option<String>,
    /// `created_datetime`.
    #[schemars(description = "When the event was created")]
    pub created_datetime: Option<String>,
}

/// A page of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EventPage {
    /// The events.
    #[schemars(description = "The events, in the requested order")]
    pub events: Vec<Event>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// Any JSON value as compact JSON text; `null` (or absent) is `None`.
fn json_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        v => Some(v.to_string()),
    })
}

/// A string as itself, any other value as JSON text, `null` as `None`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        v => Some(v.to_string()),
    })
}

#[derive(Deserialize)]
struct WireEvent {
    id: u64,
    #[serde(rename = "type")]
    kind: String,
    object_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    object_id: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    user_id: Option<u64>,
    #[serde(default, deserialize_with = "text")]
    context: Option<String>,
    #[serde(default, deserialize_with = "json_text")]
    data: Option<String>,
    created_datetime: Option<String>,
}

impl From<WireEvent> for Event {
    fn from(e: WireEvent) -> Self {
        Event {
            id: e.id,
            kind: e.kind,
            object_type: e.object_type,
            object_id: e.object_id,
            user_id: e.user_id,
            context: e.context,
            data: e.data,
            created_datetime: e.created_datetime,
        }
    }
}

/// `GET /api/events` → [`EventPage`] (either list shape).
pub fn parse_event_page(body: &[u8]) -> Result<EventPage, String> {
    let list = decode::<ListAnswer<WireEvent>>(body)?;
    Ok(EventPage {
        events: list.items.into_iter().map(Event::from).collect(),
        next_cursor: list.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::{Scripted, client, field};
    use crate::schema::check_schema;
    use serde_json::json;

    const RECORDED: &str = include_str!("../../tests/fixtures/recorded/nango-list-events.json");

    fn input(body: &str) -> Result<ListEvents, Error> {
        crate::ops::fields::decode::<ListEvents>(body.as_bytes()).and_then(|e| e.validate().map(|()| e))
    }

    #[test]
    fn the_request_repeats_types_and_defaults_to_oldest_first_with_since() {
        let e = input(
            r#"{"types": ["ticket-created", "ticket-message-created"], "objectType": "Ticket", "objectId": "12345", "since": "2024-12-01t08:30:00.5+02:00", "limit": 50, "cursor": "c/1"}"#,
        )
        .unwrap();
        assert_eq!(
            e.request().unwrap().path_and_query(),
            "/api/events?types=ticket-created&types=ticket-message-created&object_type=Ticket&object_id=12345&created_datetime%5Bgte%5D=2024-12-01T08%3A30%3A00.5%2B02%3A00&order_by=created_datetime%3Aasc&limit=50&cursor=c%2F1"
        );
        let e = input(r#"{"since": "2024-12-01T00:00:00Z", "orderBy": "created_datetime:desc"}"#).unwrap();
        assert_eq!(
            e.request().unwrap().path_and_query(),
            "/api/events?created_datetime%5Bgte%5D=2024-12-01T00%3A00%3A00Z&order_by=created_datetime%3Adesc"
        );
        assert_eq!(
            input(r#"{"types": null, "cursor": ""}"#)
                .unwrap()
                .request()
                .unwrap()
                .path_and_query(),
            "/api/events"
        );
    }

    #[test]
    fn validation_names_the_field_before_anything_is_sent() {
        for (body, f) in [
            (r#"{"types": ["Ticket-Created"]}"#, "types[0]"),
            (r#"{"types": ["ticket-created", "ticket--created"]}"#, "types[1]"),
            (r#"{"types": [""]}"#, "types[0]"),
            (r#"{"types": ["ticket created"]}"#, "types[0]"),
            (r#"{"objectType": "ticket", "objectId": 1}"#, "objectType"),
            (r#"{"objectType": "Ticket"}"#, "objectId"),
            (r#"{"objectId": 1}"#, "objectType"),
            (r#"{"objectType": "Ticket", "objectId": 0}"#, "objectId"),
            (r#"{"since": "2024-12-01"}"#, "since"),
            (r#"{"since": "2024-12-01T00:00:00"}"#, "since"),
            (r#"{"orderBy": "created_datetime"}"#, "orderBy"),
            (r#"{"orderBy": "updated_datetime:asc"}"#, "orderBy"),
            (r#"{"limit": 101}"#, "limit"),
            (r#"{"userIds": [1]}"#, "userIds"),
        ] {
            let mut t = Scripted::default();
            let e = crate::ops::fields::decode::<ListEvents>(body.as_bytes())
                .and_then(|op| op.run(&mut client(&mut t, "list-events")));
            assert_eq!(field(e.unwrap_err()), f, "{body}");
            assert!(t.sent.is_empty());
        }
        let many: Vec<String> = (0..51).map(|i| format!("type-{i}")).collect();
        let e = input(&json!({ "types": many }).to_string()).unwrap_err();
        assert_eq!(field(e), "types");
    }

    #[test]
    fn rfc3339_is_checked_strictly() {
        for ok in [
            "2024-12-01T00:00:00Z",
            "2024-12-01t23:59:59z",
            "2024-02-29T12:00:00+01:00",
            "2000-02-29T00:00:00-00:00",
            "1996-02-29T00:00:00Z",
            "2024-12-31T10:00:00.123456789+23:59",
            "2024-04-30T10:00:00.1Z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2024-12-01",
            "2024-12-01T00:00:00",
            "2024-12-01 00:00:00Z",
            "2024-12-01T00:00Z",
            "2024-12-01T24:00:00Z",
            "2024-12-01T23:60:00Z",
            "2024-12-01T23:59:60Z",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-12-00T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-12-01T00:00:00.Z",
            "2024-12-01T00:00:00.1234567890Z",
            "2024-12-01T00:00:00+24:00",
            "2024-12-01T00:00:00+01:60",
            "2024-12-01T00:00:00+0100",
            "2024-12-01T00:00:00Z ",
            " 2024-12-01T00:00:00Z",
            "2024-12-01T00:00:00ZZ",
            "+2024-12-01T00:00:00Z",
            "2024-1２-01T00:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
        // Every day of a leap and a common year, against the calendar.
        for (year, leap) in [(2024, true), (2023, false), (2000, true), (2100, false)] {
            let mut count = 0;
            for m in 1..=12 {
                for d in 1..=31 {
                    if is_rfc3339(&format!("{year:04}-{m:02}-{d:02}T00:00:00Z")) {
                        count += 1;
                    }
                }
            }
            assert_eq!(count, if leap { 366 } else { 365 }, "{year}");
        }
    }

    /// The schema says exactly what [`ListEvents::validate`] accepts (the
    /// patterns are held to it end to end by schemathesis).
    #[test]
    fn the_schema_accepts_exactly_what_the_validation_accepts() {
        let schema = crate::schema::input_schema::<ListEvents>();
        for (body, ok) in [
            (r#"{}"#, true),
            (r#"{"objectType": "Ticket", "objectId": 1}"#, true),
            (r#"{"objectType": "Ticket", "objectId": null}"#, false),
            (r#"{"objectType": null, "objectId": 1}"#, false),
            (r#"{"objectType": null, "objectId": null}"#, true),
            (r#"{"objectType": "Ticket"}"#, false),
            (r#"{"objectId": "7"}"#, false),
            (r#"{"orderBy": "created_datetime:asc"}"#, true),
            (r#"{"orderBy": "created_datetime"}"#, false),
            (r#"{"types": []}"#, true),
            (r#"{"types": "ticket-created"}"#, false),
            (r#"{"limit": 0}"#, false),
            (r#"{"objectType": "Ticket", "objectId": 0}"#, false),
        ] {
            let v: Value = serde_json::from_str(body).unwrap();
            assert_eq!(input(body).is_ok(), ok, "connector on {body}");
            assert_eq!(check_schema(&v, &schema, "$").is_ok(), ok, "schema on {body}");
        }
        let many: Vec<String> = (0..51).map(|i| format!("t{i}")).collect();
        let v = json!({ "types": many });
        assert!(check_schema(&v, &schema, "$").is_err());
        assert!(input(&v.to_string()).is_err());
        assert_eq!(schema["properties"]["since"]["anyOf"][0]["pattern"], rfc3339_pattern());
    }

    #[test]
    fn the_recorded_page_maps_context_data_and_the_cursor() {
        let p = parse_event_page(RECORDED.as_bytes()).unwrap();
        assert_eq!(p.events.len(), 30);
        assert_eq!(
            p.next_cursor.as_deref(),
            Some("WyJuZXh0IiwgIjIwMjYtMDgtMjZUMTg6Mzk6MjEuNTc4Mzc0IiwgMjE5MDk0MzQwNl0=")
        );
        let assigned = p.events.iter().find(|e| e.kind == "ticket-assigned").unwrap();
        assert_eq!(
            assigned,
            &Event {
                id: 2190947740,
                kind: "ticket-assigned".into(),
                object_type: Some("Ticket".into()),
                object_id: Some(82752600),
                user_id: Some(519543243),
                context: Some("dad15217-7d0e-4515-97a9-e781387eb157".into()),
                data: Some(r#"{"assignee_user_id":519543243}"#.into()),
                created_datetime: Some("2026-08-26T18:40:36.264794+00:00".into()),
            }
        );
        // A message event names the message; its ticket is the ticket event of the same context.
        let message = p.events.iter().find(|e| e.kind == "ticket-message-created").unwrap();
        assert_eq!(
            (
                message.object_type.as_deref(),
                message.object_id,
                message.data.as_deref()
            ),
            (Some("TicketMessage"), Some(218855630), None)
        );
        let ticket = p
            .events
            .iter()
            .find(|e| e.kind == "ticket-created" && e.context == message.context)
            .unwrap();
        assert_eq!(ticket.object_id, Some(82752600));
        let out = serde_json::to_value(&p).unwrap();
        assert_eq!(
            out["events"][0],
            json!({"id": 2190948998_u64, "type": "rule-updated", "object_type": "Rule", "object_id": 120977, "user_id": 519543243_u64,
                "context": "3bd06221-3fd2-4a9f-893c-f3bb92e06726", "data": null, "created_datetime": "2026-08-26T18:40:54.328729+00:00"})
        );
        let schema = crate::ops::find("list-events").unwrap().output_schema();
        check_schema(&out, &schema, "$").unwrap();
    }

    #[test]
    fn odd_context_and_data_values_become_text_and_bare_arrays_have_no_cursor() {
        let p = parse_event_page(
            br#"[{"id": 1, "type": "x", "context": {"a": 1}, "data": "s", "user_id": null},
                 {"id": 2, "type": "y", "object_id": "42", "data": [1, {"b": true}]}]"#,
        )
        .unwrap();
        assert_eq!(p.next_cursor, None);
        assert_eq!(p.events[0].context.as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(p.events[0].data.as_deref(), Some(r#""s""#));
        assert_eq!(p.events[1].object_id, Some(42));
        assert_eq!(p.events[1].data.as_deref(), Some(r#"[1,{"b":true}]"#));
        assert!(parse_event_page(br#"{"data": [{"id": 1}]}"#).is_err());
    }

    #[test]
    fn a_run_sends_one_get_and_maps_the_page() {
        let mut t = Scripted::new(vec![Scripted::json(200, RECORDED)]);
        let e = ListEvents {
            types: vec!["ticket-message-created".into()],
            since: Some("2026-08-26T00:00:00Z".into()),
            ..Default::default()
        };
        let p = e.run(&mut client(&mut t, "list-events")).unwrap();
        assert_eq!(p.events.len(), 30);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/events?types=ticket-message-created&created_datetime%5Bgte%5D=2026-08-26T00%3A00%3A00Z&order_by=created_datetime%3Aasc"
            ]
        );
    }
}
