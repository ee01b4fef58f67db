//! The operations: the [`Operation`] trait every operation type implements,
//! the registry of those types from which every surface is derived (route
//! dispatch, listing, MCP tools, OpenAPI paths, the read-only gate, the typed
//! exports' plumbing), and what the operations share (validation and request
//! helpers). The operations themselves live in the file of their resource:
//! [`crate::tickets`], [`crate::messages`], [`crate::tags`],
//! [`crate::customers`].
//!
//! `validate` and `*_request` functions are pure; `run` functions only call
//! [`Client::call`], so every flow is testable with a scripted transport.

use crate::catalog::{Operation as Spec, Schemas};
use crate::client::{Client, Transport};
use crate::error::Error;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
/// A JSON object.
pub(crate) type Map = serde_json::Map<String, Value>;

pub use crate::customers::*;
pub use crate::messages::*;
pub use crate::tags::*;
pub use crate::teams::*;
pub use crate::tickets::*;
pub use crate::users::*;
pub use crate::views::*;

/// One operation: its input type is the route's body (and the MCP tool's
/// arguments), [`Operation::SPEC`] its name, description, parameters, output
/// schema, annotations and kind, [`Operation::run`] the Gorgias requests it
/// sends and the mapping of the answers into [`Operation::Output`] (the
/// route's 200 body).
pub trait Operation: DeserializeOwned + JsonSchema {
    /// The operation's catalog entry; its `schemas` are [`schemas::<Self>()`](schemas).
    const SPEC: &'static Spec;
    /// What it returns (the spec's Returns, with the spec's key names).
    type Output: Serialize + JsonSchema;
    /// Whether it can destroy data a caller did not name (MCP
    /// `destructiveHint`): true for set-ticket-tags, which replaces the set.
    const DESTRUCTIVE: bool = false;
    /// Runs it over `client`.
    fn run<T: Transport>(self, client: &mut Client<T>) -> Result<Self::Output, Error>;
}

/// The schemas of operation `O`, from its input type and [`Operation::Output`]:
/// what every `SPEC` holds as `schemas: schemas::<Self>()`.
pub const fn schemas<O: Operation>() -> Schemas {
    Schemas::of::<O, O::Output>()
}

/// Something to do with one operation type, picked by [`visit`].
pub trait Visit {
    /// What it produces.
    type Out;
    /// Does it with operation `O`.
    fn visit<O: Operation>(self) -> Self::Out;
}

/// Declares the registry: the operation types, in the spec's order.
macro_rules! registry {
    ($($op:ty),+ $(,)?) => {
        /// Every operation's catalog entry, in the spec's order.
        pub const OPERATIONS: &[&Spec] = &[$(<$op as Operation>::SPEC),+];

        /// Does `v` with the operation named `name` (`None`: no such operation).
        pub fn visit<V: Visit>(name: &str, v: V) -> Option<V::Out> {
            $(
                if name == <$op as Operation>::SPEC.name {
                    return Some(v.visit::<$op>());
                }
            )+
            None
        }
    };
}

registry!(
    GetTicket,
    SearchTickets,
    CreateTicket,
    UpdateTicket,
    ReplyToTicket,
    AddInternalNote,
    GetTicketMessages,
    ListTicketTags,
    AddTicketTags,
    FindCustomerByEmail,
    RemoveTicketTags,
    SetTicketTags,
    ListTags,
    ListViews,
    ListUsers,
    ListTeams,
    GetCustomer,
);

/// Runs operation `O` on a route body: strict decoding, the run, the answer
/// as the bytes of the route's `200` body, serialized straight from the
/// output type (no `Value` tree in between: on a 100-ticket page that tree
/// and its `Display` were ~7% of the guest's time, BENCHMARKS.md). Keys come
/// in the output type's order, which is the spec's. MCP parses these bytes
/// for its `structuredContent`, so every surface renders through one path.
pub fn run_body<O: Operation, T: Transport>(body: &[u8], client: &mut Client<T>) -> Result<Vec<u8>, Error> {
    let input: O = crate::params::decode(body)?;
    let out = input.run(client)?;
    // The records hold only strings, integers, booleans and lists of them:
    // serialising them cannot fail.
    Ok(serde_json::to_vec(&out).unwrap_or_else(|_| b"null".to_vec()))
}

// ---- validation helpers ------------------------------------------------------

pub(crate) fn check_id(field: &str, id: u64) -> Result<(), Error> {
    if id == 0 {
        return Err(Error::invalid(field, "must be a positive integer"));
    }
    Ok(())
}

pub(crate) fn check_opt_id(field: &str, id: Option<u64>) -> Result<(), Error> {
    id.map_or(Ok(()), |i| check_id(field, i))
}

pub(crate) fn check_one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), Error> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(Error::invalid(
            field,
            format!("must be exactly one of {}; got {:?}", allowed.join(", "), truncated(v)),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn check_limit(limit: Option<u32>) -> Result<(), Error> {
    match limit {
        Some(l) if !(1..=100).contains(&l) => {
            Err(Error::invalid("limit", format!("must be between 1 and 100; got {l}")))
        }
        _ => Ok(()),
    }
}

pub(crate) fn check_non_empty(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required and must not be empty"));
    }
    Ok(())
}

pub(crate) fn check_email(field: &str, value: Option<&str>) -> Result<(), Error> {
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

pub(crate) fn check_body(text: &Option<String>, html: &Option<String>) -> Result<(), Error> {
    let empty = |b: &Option<String>| b.as_deref().is_none_or(|s| s.trim().is_empty());
    if empty(text) && empty(html) {
        return Err(Error::invalid("bodyText", "bodyText or bodyHtml is required"));
    }
    Ok(())
}

pub(crate) fn check_from_email(channel: &str, from_email: &Option<String>) -> Result<(), Error> {
    if channel == "email" && from_email.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(Error::invalid(
            "fromEmail",
            "is required for email-channel messages (Gorgias rejects them without source.from)",
        ));
    }
    Ok(())
}

pub(crate) fn check_channel(channel: &str) -> Result<(), Error> {
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
pub(crate) fn check_search(value: Option<&str>) -> Result<(), Error> {
    if value.is_some_and(|v| v.chars().count() > 256) {
        return Err(Error::invalid("search", "must be at most 256 characters"));
    }
    Ok(())
}

/// The query of a `GET /api/<list>` page: `search`, `limit`, `cursor` (in
/// that order; blank `search` and `cursor` left out), after checking them.
pub(crate) fn list_query(
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

pub(crate) fn truncated(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Inserts `key: value` when `value` is `Some`.
pub(crate) fn put<V: Into<Value>>(m: &mut Map, key: &'static str, value: Option<V>) {
    if let Some(v) = value {
        m.insert(key.into(), v.into());
    }
}

/// The `source` envelope (`from`, `to`) when any address is given.
pub(crate) fn source(
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
pub(crate) fn id_ref(id: u64) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), id.into());
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::{Scripted, conn};
    use crate::client::{Method, RetryPolicy};
    use serde_json::json;

    fn client<'a>(t: &'a mut Scripted, op: &'static str) -> Client<'a, Scripted> {
        Client::new(t, &conn(), None, RetryPolicy::default(), op).unwrap()
    }

    struct Name;
    impl Visit for Name {
        type Out = &'static str;
        fn visit<O: Operation>(self) -> &'static str {
            O::SPEC.name
        }
    }

    #[test]
    fn the_registry_visits_every_operation_by_its_own_name_and_nothing_else() {
        assert_eq!(OPERATIONS.len(), 17);
        for spec in OPERATIONS {
            assert_eq!(visit(spec.name, Name), Some(spec.name));
        }
        assert_eq!(visit("delete-ticket", Name), None);
        assert_eq!(visit("", Name), None);
        assert_eq!(visit("Get-Ticket", Name), None);
    }

    struct OwnSchemas;
    impl Visit for OwnSchemas {
        type Out = bool;
        fn visit<O: Operation>(self) -> bool {
            (O::SPEC.schemas.input)() == crate::catalog::input_schema::<O>()
                && (O::SPEC.schemas.output)() == crate::catalog::output_schema::<O::Output>()
                && O::SPEC.input_schema() == crate::catalog::input_schema::<O>()
                && O::SPEC.output_schema() == crate::catalog::output_schema::<O::Output>()
        }
    }

    /// `schemas: schemas::<Self>()` and not another operation's by mistake,
    /// and the embedded schemas it serves are its own types' schemas.
    #[test]
    fn every_spec_holds_the_schemas_of_its_own_input_and_output_types() {
        for spec in OPERATIONS {
            assert_eq!(visit(spec.name, OwnSchemas), Some(true), "{}", spec.name);
        }
    }

    fn field(e: Error) -> String {
        match e {
            Error::InvalidInput(f) => f.field,
            other => panic!("expected invalid-input, got {other:?}"),
        }
    }

    #[test]
    fn search_builds_query_with_trashed_false() {
        let s = SearchTickets {
            customer_id: Some(98765),
            order_by: Some("updated_datetime:desc".into()),
            limit: Some(50),
            ..Default::default()
        };
        assert_eq!(
            s.request().unwrap().path_and_query(),
            "/api/tickets?customer_id=98765&order_by=updated_datetime%3Adesc&limit=50&trashed=false"
        );
        assert_eq!(
            field(
                SearchTickets {
                    limit: Some(0),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "limit"
        );
        assert_eq!(
            field(
                SearchTickets {
                    limit: Some(101),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "limit"
        );
        assert_eq!(
            field(
                SearchTickets {
                    order_by: Some("updated".into()),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "orderBy"
        );
    }

    #[test]
    fn search_order_by_is_only_created_or_updated_datetime_asc_or_desc() {
        let with = |o: &str| SearchTickets {
            order_by: Some(o.into()),
            ..Default::default()
        };
        for o in [
            "created_datetime:asc",
            "created_datetime:desc",
            "updated_datetime:asc",
            "updated_datetime:desc",
        ] {
            assert!(with(o).request().is_ok(), "{o}");
        }
        for o in [
            "name:asc",
            "priority:desc",
            "created_datetime",
            "updated_datetime:DESC",
            "id:asc",
        ] {
            assert_eq!(field(with(o).request().unwrap_err()), "orderBy", "{o}");
        }
    }

    fn seed_create() -> CreateTicket {
        CreateTicket {
            channel: "email".into(),
            customer_id: 98765,
            from_agent: false,
            subject: Some("Order hasn't shipped yet".into()),
            body_text: Some("Hi".into()),
            from_email: Some("customer@example.com".into()),
            to_email: Some("support@yourstore.com".into()),
            ..Default::default()
        }
    }

    #[test]
    fn create_ticket_body_from_customer() {
        let r = seed_create().request().unwrap();
        assert_eq!((r.method, r.path.as_str()), (Method::Post, "/api/tickets"));
        assert_eq!(
            r.body.unwrap(),
            json!({
                "channel": "email", "via": "api", "from_agent": false,
                "customer": {"id": 98765}, "subject": "Order hasn't shipped yet",
                "messages": [{
                    "channel": "email", "via": "api", "from_agent": false,
                    "subject": "Order hasn't shipped yet", "body_text": "Hi",
                    "sender": {"id": 98765},
                    "source": {"type": "email", "from": {"address": "customer@example.com"}, "to": [{"address": "support@yourstore.com"}]}
                }]
            })
        );
    }

    #[test]
    fn create_ticket_from_agent_sets_sender_and_receiver() {
        let c = CreateTicket {
            from_agent: true,
            sender_user_id: Some(4567),
            channel: "chat".into(),
            from_email: None,
            to_email: None,
            ..seed_create()
        };
        let b = c.request().unwrap().body.unwrap();
        assert_eq!(b["messages"][0]["sender"], json!({"id": 4567}));
        assert_eq!(b["messages"][0]["receiver"], json!({"id": 98765}));
        assert!(b["messages"][0].get("source").is_none());
    }

    #[test]
    fn create_ticket_validation() {
        assert_eq!(
            field(
                CreateTicket {
                    from_email: None,
                    ..seed_create()
                }
                .request()
                .unwrap_err()
            ),
            "fromEmail"
        );
        assert_eq!(
            field(
                CreateTicket {
                    from_agent: true,
                    ..seed_create()
                }
                .request()
                .unwrap_err()
            ),
            "senderUserId"
        );
        assert_eq!(
            field(
                CreateTicket {
                    status: Some("pending".into()),
                    ..seed_create()
                }
                .request()
                .unwrap_err()
            ),
            "status"
        );
        assert_eq!(
            field(
                CreateTicket {
                    channel: "".into(),
                    ..seed_create()
                }
                .request()
                .unwrap_err()
            ),
            "channel"
        );
        assert_eq!(
            field(
                CreateTicket {
                    customer_id: 0,
                    ..seed_create()
                }
                .request()
                .unwrap_err()
            ),
            "customerId"
        );
        assert_eq!(
            field(
                CreateTicket {
                    to_email: Some("nope".into()),
                    ..seed_create()
                }
                .request()
                .unwrap_err()
            ),
            "toEmail"
        );
    }

    #[test]
    fn update_sends_only_changes_and_never_tags() {
        let u = UpdateTicket {
            ticket_id: 12345,
            status: Some("closed".into()),
            priority: Some("high".into()),
            assignee_user_id: Some(Some(4567)),
            ..Default::default()
        };
        let r = u.request().unwrap();
        assert_eq!((r.method, r.path.as_str()), (Method::Put, "/api/tickets/12345"));
        assert_eq!(
            r.body.unwrap(),
            json!({"status": "closed", "priority": "high", "assignee_user": {"id": 4567}})
        );
        assert_eq!(
            field(
                UpdateTicket {
                    ticket_id: 1,
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "status"
        );
        assert_eq!(
            field(
                UpdateTicket {
                    ticket_id: 1,
                    status: Some("Open".into()),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "status"
        );
        assert_eq!(
            field(
                UpdateTicket {
                    ticket_id: 1,
                    priority: Some("urgent".into()),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "priority"
        );
    }

    #[test]
    fn update_null_assignee_unassigns_and_absent_leaves_it() {
        let body = |json: &str| {
            crate::params::decode::<UpdateTicket>(json.as_bytes())
                .and_then(|u| u.request())
                .map(|r| r.body.unwrap())
        };
        assert_eq!(
            body(r#"{"ticketId": 1, "assigneeUserId": null}"#).unwrap(),
            json!({"assignee_user": null})
        );
        assert_eq!(
            body(r#"{"ticketId": 1, "assigneeTeamId": null, "status": "open"}"#).unwrap(),
            json!({"status": "open", "assignee_team": null})
        );
        assert_eq!(
            body(r#"{"ticketId": 1, "assigneeUserId": "4567", "assigneeTeamId": null}"#).unwrap(),
            json!({"assignee_user": {"id": 4567}, "assignee_team": null})
        );
        assert_eq!(
            body(r#"{"ticketId": 1, "subject": "x"}"#).unwrap(),
            json!({"subject": "x"})
        );
        assert_eq!(field(body(r#"{"ticketId": 1}"#).unwrap_err()), "status");
        assert_eq!(
            field(body(r#"{"ticketId": 1, "assigneeUserId": 0}"#).unwrap_err()),
            "assigneeUserId"
        );
        assert_eq!(
            field(body(r#"{"ticketId": 1, "assigneeTeamId": "x"}"#).unwrap_err()),
            "assigneeTeamId"
        );
    }

    #[test]
    fn update_with_empty_body_refetches() {
        let mut t = Scripted::new(vec![
            Scripted::json(202, ""),
            Scripted::json(200, include_str!("../tests/fixtures/ticket.json")),
        ]);
        let u = UpdateTicket {
            ticket_id: 12345,
            subject: Some("x".into()),
            ..Default::default()
        };
        let out = u.run(&mut client(&mut t, "update-ticket")).unwrap();
        assert_eq!(out.ticket_id, 12345);
        assert_eq!(t.lines(), vec!["PUT /api/tickets/12345", "GET /api/tickets/12345"]);
    }

    #[test]
    fn reply_and_note_bodies() {
        let r = ReplyToTicket {
            ticket_id: 12345,
            channel: "email".into(),
            sender_user_id: 4567,
            body_text: Some("Thanks".into()),
            receiver_customer_id: Some(98765),
            from_email: Some("support@yourstore.com".into()),
            to_email: Some("customer@example.com".into()),
            ..Default::default()
        };
        assert_eq!(
            r.request().unwrap().body.unwrap(),
            json!({
                "channel": "email", "via": "api", "from_agent": true, "public": true,
                "sender": {"id": 4567}, "receiver": {"id": 98765}, "body_text": "Thanks",
                "source": {"type": "email", "from": {"address": "support@yourstore.com"}, "to": [{"address": "customer@example.com"}]}
            })
        );
        assert_eq!(
            field(
                ReplyToTicket {
                    body_text: None,
                    ..r.clone()
                }
                .request()
                .unwrap_err()
            ),
            "bodyText"
        );
        assert_eq!(
            field(
                ReplyToTicket {
                    from_email: None,
                    ..r.clone()
                }
                .request()
                .unwrap_err()
            ),
            "fromEmail"
        );
        let n = AddInternalNote {
            ticket_id: 12345,
            sender_user_id: 4567,
            body_html: Some("<b>VIP</b>".into()),
            ..Default::default()
        };
        assert_eq!(
            n.request().unwrap().body.unwrap(),
            json!({
                "channel": "internal-note", "via": "api", "from_agent": true, "public": false,
                "sender": {"id": 4567}, "body_html": "<b>VIP</b>"
            })
        );
        assert_eq!(
            field(
                AddInternalNote {
                    body_html: Some("  ".into()),
                    ..n
                }
                .request()
                .unwrap_err()
            ),
            "bodyText"
        );
    }

    #[test]
    fn messages_use_the_messages_endpoint() {
        let g = GetTicketMessages {
            ticket_id: 12345,
            limit: Some(50),
            cursor: Some("abc=".into()),
            order_by: None,
        };
        assert_eq!(
            g.request().unwrap().path_and_query(),
            "/api/messages?ticket_id=12345&order_by=created_datetime%3Aasc&limit=50&cursor=abc%3D"
        );
    }

    #[test]
    fn messages_order_by_is_created_datetime_asc_or_desc() {
        let with = |o: &str| GetTicketMessages {
            ticket_id: 5,
            order_by: Some(o.into()),
            ..Default::default()
        };
        assert_eq!(
            with("created_datetime:desc").request().unwrap().path_and_query(),
            "/api/messages?ticket_id=5&order_by=created_datetime%3Adesc"
        );
        for o in ["updated_datetime:asc", "created_datetime", "asc", ""] {
            assert_eq!(field(with(o).request().unwrap_err()), "orderBy", "{o}");
        }
    }

    #[test]
    fn add_tags_resolves_creates_and_applies() {
        let mut t = Scripted::new(vec![
            Scripted::json(
                200,
                r#"{"data":[{"id":1,"name":"VIP"},{"id":2,"name":"vip"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#),
            Scripted::json(201, r#"{"id":9,"name":"reshipped","decoration":null}"#),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 12345,
            tag_names: vec!["vip".into(), "reshipped".into(), "vip".into()],
            tag_ids: vec![2, 3],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=vip&limit=100",
                "GET /api/tags?search=reshipped&limit=100",
                "POST /api/tags",
                "POST /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[2], Some(json!({"name": "reshipped"})));
        assert_eq!(t.bodies()[3], Some(json!({"ids": [2, 9, 3]})));
    }

    #[test]
    fn tag_lookup_follows_next_cursor_until_the_exact_name() {
        let similar = |from: u64, cursor: &str| {
            let items: Vec<String> = (from..from + 100)
                .map(|i| format!(r#"{{"id":{i},"name":"full-refund-{i}"}}"#))
                .collect();
            Scripted::json(
                200,
                &format!(
                    r#"{{"data":[{}],"meta":{{"next_cursor":"{cursor}"}}}}"#,
                    items.join(",")
                ),
            )
        };
        let mut t = Scripted::new(vec![
            similar(1000, "c2"),
            similar(2000, "c3"),
            Scripted::json(
                200,
                r#"{"data":[{"id":7,"name":"REFUND"},{"id":8,"name":"refund"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 12345,
            tag_names: vec!["refund".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=refund&limit=100",
                "GET /api/tags?search=refund&limit=100&cursor=c2",
                "GET /api/tags?search=refund&limit=100&cursor=c3",
                "POST /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[3], Some(json!({"ids": [8]})));
    }

    #[test]
    fn tag_lookup_stops_after_twenty_pages() {
        let mut answers: Vec<_> = (0..20)
            .map(|i| {
                Scripted::json(
                    200,
                    &format!(r#"{{"data":[{{"id":{i},"name":"x{i}"}}],"meta":{{"next_cursor":"c{i}"}}}}"#),
                )
            })
            .collect();
        answers.push(Scripted::json(201, r#"{"id":99,"name":"x"}"#));
        answers.push(Scripted::json(201, ""));
        let mut t = Scripted::new(answers);
        let a = AddTicketTags {
            ticket_id: 1,
            tag_names: vec!["x".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        let lines = t.lines();
        assert_eq!(lines.len(), 22);
        assert_eq!(lines[19], "GET /api/tags?search=x&limit=100&cursor=c18");
        assert_eq!(&lines[20..], ["POST /api/tags", "POST /api/tickets/1/tags"]);
    }

    #[test]
    fn add_tags_conflict_on_create_looks_up_again() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, "[]"),
            Scripted::json(409, r#"{"error":{"msg":"Tag already exists"}}"#),
            Scripted::json(200, r#"[{"id":5,"name":"new"}]"#),
            Scripted::json(201, ""),
        ]);
        let a = AddTicketTags {
            ticket_id: 7,
            tag_names: vec!["new".into()],
            tag_ids: vec![],
        };
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap().success);
        assert_eq!(t.bodies()[3], Some(json!({"ids": [5]})));
    }

    #[test]
    fn add_tags_validation() {
        assert_eq!(
            field(
                AddTicketTags {
                    ticket_id: 1,
                    ..Default::default()
                }
                .validate()
                .unwrap_err()
            ),
            "tagNames"
        );
        assert_eq!(
            field(
                AddTicketTags {
                    ticket_id: 1,
                    tag_names: vec![" ".into()],
                    tag_ids: vec![]
                }
                .validate()
                .unwrap_err()
            ),
            "tagNames[0]"
        );
        assert_eq!(
            field(
                AddTicketTags {
                    ticket_id: 1,
                    tag_names: vec![],
                    tag_ids: vec![0]
                }
                .validate()
                .unwrap_err()
            ),
            "tagIds[0]"
        );
    }

    #[test]
    fn tag_names_may_be_256_characters_not_257() {
        let with = |name: String| AddTicketTags {
            ticket_id: 1,
            tag_names: vec![name],
            tag_ids: vec![],
        };
        assert!(with("é".repeat(256)).validate().is_ok());
        assert_eq!(field(with("a".repeat(257)).validate().unwrap_err()), "tagNames[0]");
    }

    #[test]
    fn customer_lookup_falls_back_to_email_channels_then_lower_case() {
        let empty = || Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#);
        let jane =
            r#"{"data":[{"id":98767,"email":"jane.primary@example.com","name":"Jane"}],"meta":{"next_cursor":null}}"#;
        let mut t = Scripted::new(vec![empty(), Scripted::json(200, jane)]);
        let out = FindCustomerByEmail {
            email: "jane@work.example".into(),
        }
        .run(&mut client(&mut t, "find-customer-by-email"))
        .unwrap();
        assert_eq!(out.customers.iter().map(|c| c.id).collect::<Vec<_>>(), vec![98767]);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/customers?email=jane%40work.example",
                "GET /api/customers?channel_type=email&channel_address=jane%40work.example"
            ]
        );
        let mut t = Scripted::new(vec![empty(), empty(), empty(), Scripted::json(200, jane)]);
        let out = FindCustomerByEmail {
            email: "Jane@Work.example".into(),
        }
        .run(&mut client(&mut t, "find-customer-by-email"))
        .unwrap();
        assert_eq!(out.customers.len(), 1);
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/customers?email=Jane%40Work.example",
                "GET /api/customers?channel_type=email&channel_address=Jane%40Work.example",
                "GET /api/customers?email=jane%40work.example",
                "GET /api/customers?channel_type=email&channel_address=jane%40work.example"
            ]
        );
        let mut t = Scripted::new(vec![empty(), empty()]);
        let out = FindCustomerByEmail {
            email: "nobody@example.com".into(),
        }
        .run(&mut client(&mut t, "find-customer-by-email"))
        .unwrap();
        assert!(out.customers.is_empty());
        assert_eq!(t.lines().len(), 2);
    }

    #[test]
    fn remove_tags_skips_unknown_names_and_deletes_the_rest() {
        let mut t = Scripted::new(vec![
            Scripted::json(
                200,
                r#"{"data":[{"id":13,"name":"shipping"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(
                200,
                r#"{"data":[{"id":14,"name":"Nope-2"}],"meta":{"next_cursor":null}}"#,
            ),
            Scripted::json(204, ""),
        ]);
        let r = RemoveTicketTags {
            ticket_id: 12345,
            tag_names: vec!["shipping".into(), "nope".into()],
            tag_ids: vec![11, 13],
        };
        assert!(
            Operation::run(r, &mut client(&mut t, "remove-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=shipping&limit=100",
                "GET /api/tags?search=nope&limit=100",
                "DELETE /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[2], Some(json!({"ids": [13, 11]})));
    }

    #[test]
    fn remove_tags_with_only_unknown_names_sends_no_delete() {
        let mut t = Scripted::new(vec![Scripted::json(200, "[]")]);
        let r = RemoveTicketTags {
            ticket_id: 1,
            tag_names: vec!["nope".into()],
            tag_ids: vec![],
        };
        assert!(
            Operation::run(r, &mut client(&mut t, "remove-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(t.lines(), vec!["GET /api/tags?search=nope&limit=100"]);
        let none = RemoveTicketTags {
            ticket_id: 1,
            ..Default::default()
        };
        assert_eq!(field(none.validate().unwrap_err()), "tagNames");
    }

    #[test]
    fn set_tags_creates_missing_names_and_replaces_and_empty_clears() {
        let mut t = Scripted::new(vec![
            Scripted::json(200, r#"{"data":[],"meta":{"next_cursor":null}}"#),
            Scripted::json(201, r#"{"id":9,"name":"fresh"}"#),
            Scripted::json(202, ""),
        ]);
        let s = SetTicketTags {
            ticket_id: 12345,
            tag_names: vec!["fresh".into()],
            tag_ids: vec![11],
        };
        assert!(
            Operation::run(s, &mut client(&mut t, "set-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tags?search=fresh&limit=100",
                "POST /api/tags",
                "PUT /api/tickets/12345/tags"
            ]
        );
        assert_eq!(t.bodies()[2], Some(json!({"ids": [9, 11]})));
        let mut t = Scripted::new(vec![Scripted::json(202, "")]);
        let clear = SetTicketTags {
            ticket_id: 7,
            ..Default::default()
        };
        assert!(
            Operation::run(clear, &mut client(&mut t, "set-ticket-tags"))
                .unwrap()
                .success
        );
        assert_eq!(t.lines(), vec!["PUT /api/tickets/7/tags"]);
        assert_eq!(t.bodies()[0], Some(json!({"ids": []})));
        let bad = SetTicketTags {
            ticket_id: 7,
            tag_names: vec!["a".repeat(257)],
            tag_ids: vec![],
        };
        assert_eq!(field(bad.validate().unwrap_err()), "tagNames[0]");
    }

    #[test]
    fn list_operations_build_their_queries() {
        let tags = ListTags {
            search: Some(" vip ".into()),
            limit: Some(50),
            cursor: Some("a/b".into()),
        };
        assert_eq!(
            tags.request().unwrap().path_and_query(),
            "/api/tags?search=vip&limit=50&cursor=a%2Fb"
        );
        assert_eq!(ListTags::default().request().unwrap().path_and_query(), "/api/tags");
        assert_eq!(
            ListUsers {
                search: Some("alex@yourstore.com".into()),
                ..Default::default()
            }
            .request()
            .unwrap()
            .path_and_query(),
            "/api/users?search=alex%40yourstore.com"
        );
        assert_eq!(
            ListViews {
                limit: Some(1),
                cursor: Some("".into())
            }
            .request()
            .unwrap()
            .path_and_query(),
            "/api/views?limit=1"
        );
        assert_eq!(
            ListTeams {
                limit: None,
                cursor: Some("c".into())
            }
            .request()
            .unwrap()
            .path_and_query(),
            "/api/teams?cursor=c"
        );
        assert_eq!(
            field(
                ListTeams {
                    limit: Some(0),
                    cursor: None
                }
                .request()
                .unwrap_err()
            ),
            "limit"
        );
        assert_eq!(
            field(
                ListUsers {
                    search: Some("x".repeat(257)),
                    ..Default::default()
                }
                .request()
                .unwrap_err()
            ),
            "search"
        );
    }

    #[test]
    fn get_customer_reads_the_detail_and_refuses_zero() {
        let mut t = Scripted::new(vec![Scripted::json(
            200,
            include_str!("../tests/fixtures/customer_detail.json"),
        )]);
        let out = Operation::run(
            GetCustomer { customer_id: 486721622 },
            &mut client(&mut t, "get-customer"),
        )
        .unwrap();
        assert_eq!(t.lines(), vec!["GET /api/customers/486721622"]);
        assert_eq!(
            serde_json::to_value(&out).unwrap(),
            json!({"customer": {"id": 486721622, "name": null, "firstname": "", "lastname": "", "email": "nango@example.com",
                "external_id": null, "created_datetime": "2025-02-06T14:47:40.122719+00:00"}})
        );
        let mut t = Scripted::new(vec![]);
        assert_eq!(
            field(Operation::run(GetCustomer { customer_id: 0 }, &mut client(&mut t, "get-customer")).unwrap_err()),
            "customerId"
        );
    }

    #[test]
    fn customer_lookup_encodes_email() {
        assert_eq!(
            find_customer_request("customer@example.com").unwrap().path_and_query(),
            "/api/customers?email=customer%40example.com"
        );
        assert_eq!(field(find_customer_request("").unwrap_err()), "email");
        assert_eq!(field(find_customer_request("not-an-email").unwrap_err()), "email");
    }
}
