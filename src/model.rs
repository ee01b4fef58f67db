//! The connector's records (the spec's Returns) and their mapping from
//! Gorgias's JSON.
//!
//! Wire structs accept every documented variant: list envelopes or bare arrays,
//! flat or nested assignee ids, `null` attachments, timestamps with or without
//! microseconds or offset (kept as Gorgias sent them), unknown fields.

use crate::decimal::Decimal;
use crate::json::{self, Map, Value};

/// A tag as it appears on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketTag {
    /// The tag ID.
    pub id: u64,
    /// The tag name.
    pub name: String,
}

/// A ticket, flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The ticket ID.
    pub id: u64,
    /// The subject.
    pub subject: Option<String>,
    /// `open` or `closed`.
    pub status: String,
    /// The channel it came in on.
    pub channel: String,
    /// The priority.
    pub priority: Option<String>,
    /// `customer.id`.
    pub customer_id: Option<u64>,
    /// `assignee_user_id`, else `assignee_user.id`.
    pub assignee_user_id: Option<u64>,
    /// `assignee_team_id`, else `assignee_team.id`.
    pub assignee_team_id: Option<u64>,
    /// Applied tags.
    pub tags: Vec<TicketTag>,
    /// Creation time.
    pub created_datetime: Option<String>,
    /// Last update time.
    pub updated_datetime: Option<String>,
}

/// A page of tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPage {
    /// The tickets.
    pub tickets: Vec<Ticket>,
    /// `meta.next_cursor`.
    pub next_cursor: Option<String>,
}

/// What create-ticket returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedTicket {
    /// The new ticket's ID.
    pub ticket_id: u64,
    /// Its status.
    pub status: String,
    /// Its channel.
    pub channel: String,
    /// Its creation time.
    pub created_datetime: Option<String>,
}

/// What update-ticket returns (key names as the spec gives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedTicket {
    /// The ticket ID.
    pub ticket_id: u64,
    /// Status.
    pub status: String,
    /// Priority.
    pub priority: Option<String>,
    /// Assigned agent.
    pub assignee_user_id: Option<u64>,
    /// Assigned team.
    pub assignee_team_id: Option<u64>,
    /// Last update time.
    pub updated_datetime: Option<String>,
}

/// What reply-to-ticket returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The message ID.
    pub message_id: u64,
    /// The ticket ID.
    pub ticket_id: u64,
    /// The channel.
    pub channel: String,
    /// Whether customer-facing.
    pub public: bool,
    /// Creation time.
    pub created_datetime: Option<String>,
}

/// What add-internal-note returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The note's message ID.
    pub message_id: u64,
    /// The ticket ID.
    pub ticket_id: u64,
    /// Creation time.
    pub created_datetime: Option<String>,
}

/// A message attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// URL.
    pub url: Option<String>,
    /// File name.
    pub name: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Customer-facing.
    pub public: Option<bool>,
}

/// A thread message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Message ID.
    pub id: u64,
    /// Parent ticket.
    pub ticket_id: u64,
    /// Channel.
    pub channel: String,
    /// How it was created.
    pub via: Option<String>,
    /// Written by an agent.
    pub from_agent: bool,
    /// Customer-facing.
    pub public: bool,
    /// Plain text.
    pub body_text: Option<String>,
    /// HTML.
    pub body_html: Option<String>,
    /// `sender.id`.
    pub sender_id: Option<u64>,
    /// `user` or `customer`, derived from `from_agent`.
    pub sender_type: Option<String>,
    /// Creation time.
    pub created_datetime: Option<String>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

/// A page of messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePage {
    /// The messages.
    pub messages: Vec<Message>,
    /// `meta.next_cursor`.
    pub next_cursor: Option<String>,
}

/// A tag with details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Tag ID.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `decoration.color`.
    pub color: Option<String>,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Customer ID.
    pub id: u64,
    /// Full name.
    pub name: Option<String>,
    /// First name.
    pub firstname: Option<String>,
    /// Last name.
    pub lastname: Option<String>,
    /// Primary email.
    pub email: Option<String>,
    /// External ID.
    pub external_id: Option<String>,
    /// Creation time.
    pub created_datetime: Option<String>,
}

// ---- records → JSON (the routes' answers) --------------------------------------

/// Key names are the spec's: snake_case fields, camelCase where the spec
/// Returns say so. `None` is written as `null`. Fields are listed in byte
/// order of their names, the order they are written in, so the writer has
/// nothing to sort.
impl From<TicketTag> for Value {
    fn from(t: TicketTag) -> Value {
        Value::object(vec![("id", t.id.into()), ("name", t.name.into())])
    }
}

impl From<Ticket> for Value {
    fn from(t: Ticket) -> Value {
        Value::object(vec![
            ("assignee_team_id", t.assignee_team_id.into()),
            ("assignee_user_id", t.assignee_user_id.into()),
            ("channel", t.channel.into()),
            ("created_datetime", t.created_datetime.into()),
            ("customer_id", t.customer_id.into()),
            ("id", t.id.into()),
            ("priority", t.priority.into()),
            ("status", t.status.into()),
            ("subject", t.subject.into()),
            ("tags", t.tags.into_iter().map(Value::from).collect()),
            ("updated_datetime", t.updated_datetime.into()),
        ])
    }
}

impl From<TicketPage> for Value {
    fn from(p: TicketPage) -> Value {
        Value::object(vec![
            ("nextCursor", p.next_cursor.into()),
            ("tickets", p.tickets.into_iter().map(Value::from).collect()),
        ])
    }
}

impl From<CreatedTicket> for Value {
    fn from(t: CreatedTicket) -> Value {
        Value::object(vec![
            ("channel", t.channel.into()),
            ("createdDatetime", t.created_datetime.into()),
            ("status", t.status.into()),
            ("ticketId", t.ticket_id.into()),
        ])
    }
}

impl From<UpdatedTicket> for Value {
    fn from(t: UpdatedTicket) -> Value {
        Value::object(vec![
            ("assignee_team_id", t.assignee_team_id.into()),
            ("assignee_user_id", t.assignee_user_id.into()),
            ("priority", t.priority.into()),
            ("status", t.status.into()),
            ("ticketId", t.ticket_id.into()),
            ("updated_datetime", t.updated_datetime.into()),
        ])
    }
}

impl From<Reply> for Value {
    fn from(r: Reply) -> Value {
        Value::object(vec![
            ("channel", r.channel.into()),
            ("createdDatetime", r.created_datetime.into()),
            ("messageId", r.message_id.into()),
            ("public", r.public.into()),
            ("ticketId", r.ticket_id.into()),
        ])
    }
}

impl From<Note> for Value {
    fn from(n: Note) -> Value {
        Value::object(vec![
            ("createdDatetime", n.created_datetime.into()),
            ("messageId", n.message_id.into()),
            ("ticketId", n.ticket_id.into()),
        ])
    }
}

impl From<Attachment> for Value {
    fn from(a: Attachment) -> Value {
        Value::object(vec![
            ("content_type", a.content_type.into()),
            ("name", a.name.into()),
            ("public", a.public.into()),
            ("size", a.size.into()),
            ("url", a.url.into()),
        ])
    }
}

impl From<Message> for Value {
    fn from(m: Message) -> Value {
        Value::object(vec![
            ("attachments", m.attachments.into_iter().map(Value::from).collect()),
            ("body_html", m.body_html.into()),
            ("body_text", m.body_text.into()),
            ("channel", m.channel.into()),
            ("created_datetime", m.created_datetime.into()),
            ("from_agent", m.from_agent.into()),
            ("id", m.id.into()),
            ("public", m.public.into()),
            ("sender_id", m.sender_id.into()),
            ("sender_type", m.sender_type.into()),
            ("ticket_id", m.ticket_id.into()),
            ("via", m.via.into()),
        ])
    }
}

impl From<MessagePage> for Value {
    fn from(p: MessagePage) -> Value {
        Value::object(vec![
            ("messages", p.messages.into_iter().map(Value::from).collect()),
            ("nextCursor", p.next_cursor.into()),
        ])
    }
}

impl From<Tag> for Value {
    fn from(t: Tag) -> Value {
        Value::object(vec![
            ("color", t.color.into()),
            ("description", t.description.into()),
            ("id", t.id.into()),
            ("name", t.name.into()),
        ])
    }
}

impl From<Customer> for Value {
    fn from(c: Customer) -> Value {
        Value::object(vec![
            ("created_datetime", c.created_datetime.into()),
            ("email", c.email.into()),
            ("external_id", c.external_id.into()),
            ("firstname", c.firstname.into()),
            ("id", c.id.into()),
            ("lastname", c.lastname.into()),
            ("name", c.name.into()),
        ])
    }
}

// ---- JSON → wire fields --------------------------------------------------------
//
// Gorgias objects are read field by field from the parsed tree, leniently
// where Gorgias has been seen to vary (absent = `null`, lists may be `null`,
// sizes and external ids as numbers or strings) and strictly where a wrong
// type means the body is not what the connector thinks it is.

fn wrong(field: &str, expected: &str, got: &Value) -> String {
    format!("field `{field}`: expected {expected}, got {}", got.kind())
}

/// `v` as an object (`what` names it in the error).
fn object(v: Value, what: &str) -> Result<Map, String> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(format!("expected {what} object, got {}", other.kind())),
    }
}

/// The field's value; absent and `null` are `None`.
fn take(m: &mut Map, field: &str) -> Option<Value> {
    m.take(field).filter(|v| !v.is_null())
}

fn opt_u64(m: &mut Map, field: &str) -> Result<Option<u64>, String> {
    match take(m, field) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| wrong(field, "a non-negative integer", &v)),
    }
}

fn req_u64(m: &mut Map, field: &str) -> Result<u64, String> {
    opt_u64(m, field)?.ok_or_else(|| format!("missing field `{field}`"))
}

fn opt_string(m: &mut Map, field: &str) -> Result<Option<String>, String> {
    match take(m, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(wrong(field, "a string", &v)),
    }
}

fn req_string(m: &mut Map, field: &str) -> Result<String, String> {
    opt_string(m, field)?.ok_or_else(|| format!("missing field `{field}`"))
}

fn opt_bool(m: &mut Map, field: &str) -> Result<Option<bool>, String> {
    match take(m, field) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(v) => Err(wrong(field, "true or false", &v)),
    }
}

/// A nested object's field: `decoration.color`, `customer.id`, ...
fn nested<T>(
    m: &mut Map,
    field: &str,
    read: impl FnOnce(&mut Map) -> Result<Option<T>, String>,
) -> Result<Option<T>, String> {
    match take(m, field) {
        None => Ok(None),
        Some(Value::Object(mut inner)) => read(&mut inner).map_err(|e| format!("{field}: {e}")),
        Some(v) => Err(wrong(field, "an object", &v)),
    }
}

/// `{"id": ...}` objects (customer, assignee_user, sender, ...).
fn nested_id(m: &mut Map, field: &str) -> Result<Option<u64>, String> {
    nested(m, field, |o| opt_u64(o, "id"))
}

/// A list field; `null` is empty.
fn list<T>(m: &mut Map, field: &str, item: fn(Value) -> Result<T, String>) -> Result<Vec<T>, String> {
    match take(m, field) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| item(v).map_err(|e| format!("{field}[{i}]: {e}")))
            .collect(),
        Some(v) => Err(wrong(field, "an array", &v)),
    }
}

/// Sizes have been seen as numbers and as strings; a fraction is cut.
fn lenient_u64(m: &mut Map, field: &str) -> Option<u64> {
    match take(m, field)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            Decimal::parse(n.as_str())
                .filter(|d| !d.is_negative())
                .map(|d| d.integer_part())
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// External ids have been seen as strings and as numbers (kept as written).
fn lenient_string(m: &mut Map, field: &str) -> Option<String> {
    match take(m, field)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.as_str().to_string()),
        _ => None,
    }
}

// ---- wire objects → records ------------------------------------------------------

/// A ticket as `GET /api/tickets/{id}` or a list item gives it.
fn ticket(v: Value) -> Result<Ticket, String> {
    let mut m = object(v, "a ticket")?;
    let customer_id = nested_id(&mut m, "customer")?;
    let flat_customer_id = opt_u64(&mut m, "customer_id")?;
    let assignee_user_id = opt_u64(&mut m, "assignee_user_id")?;
    let nested_user_id = nested_id(&mut m, "assignee_user")?;
    let assignee_team_id = opt_u64(&mut m, "assignee_team_id")?;
    let nested_team_id = nested_id(&mut m, "assignee_team")?;
    Ok(Ticket {
        id: req_u64(&mut m, "id")?,
        subject: opt_string(&mut m, "subject")?,
        status: req_string(&mut m, "status")?,
        channel: req_string(&mut m, "channel")?,
        priority: opt_string(&mut m, "priority")?,
        customer_id: customer_id.or(flat_customer_id),
        assignee_user_id: assignee_user_id.or(nested_user_id),
        assignee_team_id: assignee_team_id.or(nested_team_id),
        tags: list(&mut m, "tags", |v| tag(v).map(|t| TicketTag { id: t.id, name: t.name }))?,
        created_datetime: opt_string(&mut m, "created_datetime")?,
        updated_datetime: opt_string(&mut m, "updated_datetime")?,
    })
}

fn tag(v: Value) -> Result<Tag, String> {
    let mut m = object(v, "a tag")?;
    Ok(Tag {
        id: req_u64(&mut m, "id")?,
        name: req_string(&mut m, "name")?,
        description: opt_string(&mut m, "description")?,
        color: nested(&mut m, "decoration", |d| opt_string(d, "color"))?,
    })
}

fn attachment(v: Value) -> Result<Attachment, String> {
    let mut m = object(v, "an attachment")?;
    Ok(Attachment {
        url: opt_string(&mut m, "url")?,
        name: opt_string(&mut m, "name")?,
        content_type: opt_string(&mut m, "content_type")?,
        size: lenient_u64(&mut m, "size"),
        public: opt_bool(&mut m, "public")?,
    })
}

fn message(v: Value) -> Result<Message, String> {
    let mut m = object(v, "a message")?;
    let channel = req_string(&mut m, "channel")?;
    let from_agent = opt_bool(&mut m, "from_agent")?.unwrap_or(false);
    let sender_id = nested_id(&mut m, "sender")?;
    Ok(Message {
        id: req_u64(&mut m, "id")?,
        ticket_id: req_u64(&mut m, "ticket_id")?,
        // Internal notes are never public, whatever the field says.
        public: opt_bool(&mut m, "public")?.unwrap_or(channel != "internal-note"),
        channel,
        via: opt_string(&mut m, "via")?,
        from_agent,
        body_text: opt_string(&mut m, "body_text")?,
        body_html: opt_string(&mut m, "body_html")?,
        sender_type: sender_id.map(|_| if from_agent { "user" } else { "customer" }.to_string()),
        sender_id,
        created_datetime: opt_string(&mut m, "created_datetime")?,
        attachments: list(&mut m, "attachments", attachment)?,
    })
}

fn customer(v: Value) -> Result<Customer, String> {
    let mut m = object(v, "a customer")?;
    Ok(Customer {
        id: req_u64(&mut m, "id")?,
        name: opt_string(&mut m, "name")?,
        firstname: opt_string(&mut m, "firstname")?,
        lastname: opt_string(&mut m, "lastname")?,
        email: opt_string(&mut m, "email")?,
        external_id: lenient_string(&mut m, "external_id"),
        created_datetime: opt_string(&mut m, "created_datetime")?,
    })
}

/// A list answer: `{data: [...], meta: {next_cursor}}` or a bare array, as
/// its items and cursor. `data` is required once (`null` = empty), `meta`
/// optional (at most once); an empty cursor is no cursor. Not generic over
/// the item type, so the component holds one copy of it.
fn list_answer(body: &[u8]) -> Result<(Vec<Value>, Option<String>), String> {
    match decode(body)? {
        Value::Array(items) => Ok((items, None)),
        Value::Object(mut m) => {
            for key in ["data", "meta"] {
                if m.keys().filter(|k| *k == key).count() > 1 {
                    return Err(format!("duplicate field `{key}`"));
                }
            }
            let items = match m.remove("data") {
                None => return Err("missing field `data`".into()),
                Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items,
                Some(v) => return Err(wrong("data", "an array", &v)),
            };
            let cursor = nested(&mut m, "meta", |meta| opt_string(meta, "next_cursor"))?;
            Ok((items, cursor.filter(|c| !c.is_empty())))
        }
        other => Err(format!(
            "expected a list ({{\"data\": [...], \"meta\": {{...}}}} or a bare array), got {}",
            other.kind()
        )),
    }
}

/// Maps list items, naming the failing one.
fn items<T>(items: Vec<Value>, item: fn(Value) -> Result<T, String>) -> Result<Vec<T>, String> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| item(v).map_err(|e| format!("data[{i}]: {e}")))
        .collect()
}

/// `wanted(key)`: `key` as a `'static` name if the readers above take it.
/// One `match` (a jump on the length, then a compare): the check runs for
/// every key of every Gorgias body.
macro_rules! wanted {
    ($($key:literal),* $(,)?) => {
        fn wanted(key: &str) -> Option<&'static str> {
            match key {
                $($key => Some($key),)*
                _ => None,
            }
        }
    };
}

// Every key the readers above take, at any depth. [`decode`] stores only
// these: a Gorgias ticket or message carries dozens of other fields (the
// customer's whole record, meta, integrations), and building them into the
// tree would cost more than the parse.
wanted!(
    "assignee_team",
    "assignee_team_id",
    "assignee_user",
    "assignee_user_id",
    "attachments",
    "body_html",
    "body_text",
    "channel",
    "color",
    "content_type",
    "created_datetime",
    "customer",
    "customer_id",
    "data",
    "decoration",
    "description",
    "email",
    "external_id",
    "firstname",
    "from_agent",
    "id",
    "lastname",
    "meta",
    "name",
    "next_cursor",
    "priority",
    "public",
    "sender",
    "size",
    "status",
    "subject",
    "tags",
    "ticket_id",
    "updated_datetime",
    "url",
    "via",
);

/// The parsed body (the fields the connector reads); a parse error's message
/// (it never quotes the body).
fn decode(body: &[u8]) -> Result<Value, String> {
    json::parse_only(body, &wanted).map_err(|e| e.to_string())
}

// ---- parsers (body → record) -------------------------------------------------

/// `GET /api/tickets/{id}` → [`Ticket`].
pub fn parse_ticket(body: &[u8]) -> Result<Ticket, String> {
    ticket(decode(body)?)
}

/// `GET /api/tickets` → [`TicketPage`].
pub fn parse_ticket_page(body: &[u8]) -> Result<TicketPage, String> {
    let (list, next_cursor) = list_answer(body)?;
    Ok(TicketPage {
        tickets: items(list, ticket)?,
        next_cursor,
    })
}

/// `POST /api/tickets` → [`CreatedTicket`].
pub fn parse_created_ticket(body: &[u8]) -> Result<CreatedTicket, String> {
    let t = parse_ticket(body)?;
    Ok(CreatedTicket {
        ticket_id: t.id,
        status: t.status,
        channel: t.channel,
        created_datetime: t.created_datetime,
    })
}

/// A ticket → [`UpdatedTicket`].
pub fn updated_from(t: Ticket) -> UpdatedTicket {
    UpdatedTicket {
        ticket_id: t.id,
        status: t.status,
        priority: t.priority,
        assignee_user_id: t.assignee_user_id,
        assignee_team_id: t.assignee_team_id,
        updated_datetime: t.updated_datetime,
    }
}

/// `POST /api/tickets/{id}/messages` → [`Message`].
pub fn parse_message(body: &[u8]) -> Result<Message, String> {
    message(decode(body)?)
}

/// `GET /api/messages` → [`MessagePage`].
pub fn parse_message_page(body: &[u8]) -> Result<MessagePage, String> {
    let (list, next_cursor) = list_answer(body)?;
    Ok(MessagePage {
        messages: items(list, message)?,
        next_cursor,
    })
}

/// `GET /api/tickets/{id}/tags` or `GET /api/tags` → tags (either list shape).
pub fn parse_tags(body: &[u8]) -> Result<Vec<Tag>, String> {
    items(list_answer(body)?.0, tag)
}

/// `POST /api/tags` → [`Tag`].
pub fn parse_tag(body: &[u8]) -> Result<Tag, String> {
    tag(decode(body)?)
}

/// `GET /api/customers` → customers.
pub fn parse_customers(body: &[u8]) -> Result<Vec<Customer>, String> {
    items(list_answer(body)?.0, customer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICKET: &str = include_str!("../tests/fixtures/ticket.json");
    const TICKET_LIST: &str = include_str!("../tests/fixtures/tickets_list.json");
    const MESSAGES: &str = include_str!("../tests/fixtures/messages_list.json");

    #[test]
    fn ticket_is_flattened_from_nested_objects() {
        let t = parse_ticket(TICKET.as_bytes()).unwrap();
        assert_eq!(
            t,
            Ticket {
                id: 12345,
                subject: Some("Order hasn't shipped yet".into()),
                status: "open".into(),
                channel: "email".into(),
                priority: Some("normal".into()),
                customer_id: Some(98765),
                assignee_user_id: Some(4567),
                assignee_team_id: Some(77),
                tags: vec![TicketTag {
                    id: 11,
                    name: "vip".into()
                }],
                created_datetime: Some("2024-11-14T13:56:16.494726+00:00".into()),
                updated_datetime: Some("2024-12-04T15:18:56+00:00".into()),
            }
        );
    }

    #[test]
    fn list_items_take_assignees_from_nested_objects_and_cursor_from_meta() {
        let p = parse_ticket_page(TICKET_LIST.as_bytes()).unwrap();
        assert_eq!(p.tickets.len(), 2);
        assert_eq!(p.tickets[0].assignee_user_id, Some(4567));
        assert_eq!(p.tickets[0].assignee_team_id, None);
        assert_eq!(p.tickets[1].customer_id, None);
        assert_eq!(p.tickets[1].priority, None);
        assert_eq!(p.next_cursor.as_deref(), Some("eyJwIjoyfQ"));
    }

    #[test]
    fn flat_assignee_ids_win_over_nested() {
        let t = parse_ticket(br#"{"id":1,"status":"open","channel":"chat","assignee_user_id":5,"assignee_user":{"id":6},"assignee_team":{"id":8}}"#).unwrap();
        assert_eq!(
            (t.assignee_user_id, t.assignee_team_id, t.tags.len()),
            (Some(5), Some(8), 0)
        );
    }

    #[test]
    fn messages_map_sender_and_null_attachments() {
        let p = parse_message_page(MESSAGES.as_bytes()).unwrap();
        assert_eq!(p.next_cursor, None);
        let m = &p.messages[0];
        assert_eq!(
            (m.sender_id, m.sender_type.as_deref(), m.public),
            (Some(98765), Some("customer"), true)
        );
        assert_eq!(
            m.attachments,
            vec![Attachment {
                url: Some("https://files.example/r.pdf".into()),
                name: Some("receipt.pdf".into()),
                content_type: Some("application/pdf".into()),
                size: Some(1024),
                public: Some(true)
            }]
        );
        let n = &p.messages[1];
        assert_eq!(
            (
                n.channel.as_str(),
                n.public,
                n.sender_type.as_deref(),
                n.attachments.len()
            ),
            ("internal-note", false, Some("user"), 0)
        );
    }

    #[test]
    fn tags_accept_both_list_shapes() {
        let bare = br##"[{"id":1,"name":"vip","description":null,"decoration":{"color":"#ff0000"}}]"##;
        let wrapped =
            br##"{"data":[{"id":1,"name":"vip","description":null,"decoration":{"color":"#ff0000"}}],"meta":null}"##;
        let expected = vec![Tag {
            id: 1,
            name: "vip".into(),
            description: None,
            color: Some("#ff0000".into()),
        }];
        assert_eq!(parse_tags(bare).unwrap(), expected);
        assert_eq!(parse_tags(wrapped).unwrap(), expected);
        assert_eq!(
            parse_tags(br#"{"data":[{"id":2,"name":"x","decoration":null}]}"#).unwrap()[0].color,
            None
        );
    }

    #[test]
    fn customers_list_and_empty_list() {
        let c = parse_customers(br#"{"object":"list","data":[{"id":98765,"name":"Jane Doe","firstname":"Jane","lastname":"Doe","email":"customer@example.com","external_id":null,"created_datetime":"2024-11-14T13:56:16+00:00","active":true}],"meta":{"next_cursor":null}}"#).unwrap();
        assert_eq!(c[0].id, 98765);
        assert!(parse_customers(br#"{"data": [], "object": "list", "uri": "/api/customers?email=nango%40example.com", "meta": {"prev_cursor": null, "next_cursor": null}}"#).unwrap().is_empty());
    }

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

    /// `decode` keeps only the `wanted` keys: reading the whole tree gives
    /// the same records, so no key a reader takes is missing from the list.
    #[test]
    fn the_kept_keys_are_every_key_the_readers_take() {
        let full = |body: &str| json::parse(body.as_bytes()).unwrap();
        assert_eq!(ticket(full(TICKET)).unwrap(), parse_ticket(TICKET.as_bytes()).unwrap());
        let Value::Object(mut list) = full(TICKET_LIST) else {
            panic!()
        };
        let tickets = items(list.remove("data").unwrap().as_array().unwrap().clone(), ticket).unwrap();
        assert_eq!(tickets, parse_ticket_page(TICKET_LIST.as_bytes()).unwrap().tickets);
        let Value::Object(mut list) = full(MESSAGES) else {
            panic!()
        };
        let messages = items(list.remove("data").unwrap().as_array().unwrap().clone(), message).unwrap();
        assert_eq!(messages, parse_message_page(MESSAGES.as_bytes()).unwrap().messages);
        let customer_body = r#"{"id":9,"name":"N","firstname":"F","lastname":"L","email":"e@x","external_id":42,"created_datetime":"t","meta":{"x":1}}"#;
        assert_eq!(
            customer(full(customer_body)).unwrap(),
            parse_customers(format!("[{customer_body}]").as_bytes()).unwrap()[0]
        );
        let tag_body =
            r##"{"id":1,"name":"vip","description":"d","decoration":{"color":"#fff","emoji":null},"usage":3}"##;
        assert_eq!(tag(full(tag_body)).unwrap(), parse_tag(tag_body.as_bytes()).unwrap());
        // And a field the readers never take really is dropped.
        assert_eq!(
            json::parse_only(br#"{"id":1,"uri":"/x"}"#, &wanted).unwrap(),
            json::parse(br#"{"id":1}"#).unwrap()
        );
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
