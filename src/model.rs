//! The connector's records (the spec's Returns) and their mapping from
//! Gorgias's JSON.
//!
//! Wire structs accept every documented variant: list envelopes or bare arrays,
//! flat or nested assignee ids, `null` attachments, timestamps with or without
//! microseconds or offset (kept as Gorgias sent them), unknown fields.

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// A tag as it appears on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketTag {
    /// The tag ID.
    pub id: u64,
    /// The tag name.
    pub name: String,
}

/// A ticket, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketPage {
    /// The tickets.
    pub tickets: Vec<Ticket>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    pub next_cursor: Option<String>,
}

/// What create-ticket returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdatedTicket {
    /// The ticket ID.
    #[serde(rename = "ticketId")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// The note's message ID.
    pub message_id: u64,
    /// The ticket ID.
    pub ticket_id: u64,
    /// Creation time.
    pub created_datetime: Option<String>,
}

/// A message attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// URL.
    #[serde(default)]
    pub url: Option<String>,
    /// File name.
    #[serde(default)]
    pub name: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub size: Option<u64>,
    /// Customer-facing.
    #[serde(default)]
    pub public: Option<bool>,
}

/// A thread message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessagePage {
    /// The messages.
    pub messages: Vec<Message>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    pub next_cursor: Option<String>,
}

/// A tag with details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Customer ID.
    pub id: u64,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// First name.
    #[serde(default)]
    pub firstname: Option<String>,
    /// Last name.
    #[serde(default)]
    pub lastname: Option<String>,
    /// Primary email.
    #[serde(default)]
    pub email: Option<String>,
    /// External ID.
    #[serde(default, deserialize_with = "lenient_string")]
    pub external_id: Option<String>,
    /// Creation time.
    #[serde(default)]
    pub created_datetime: Option<String>,
}

// ---- wire shapes -------------------------------------------------------------

#[derive(Deserialize)]
struct IdOnly {
    id: Option<u64>,
}

#[derive(Deserialize, Default)]
struct Decoration {
    #[serde(default)]
    color: Option<String>,
}

#[derive(Deserialize)]
struct WireTag {
    id: u64,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    decoration: Option<Decoration>,
}

/// A ticket as `GET /api/tickets/{id}` or a list item gives it.
#[derive(Deserialize)]
struct WireTicket {
    id: u64,
    #[serde(default)]
    subject: Option<String>,
    status: String,
    channel: String,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    customer: Option<IdOnly>,
    #[serde(default)]
    customer_id: Option<u64>,
    #[serde(default)]
    assignee_user_id: Option<u64>,
    #[serde(default)]
    assignee_user: Option<IdOnly>,
    #[serde(default)]
    assignee_team_id: Option<u64>,
    #[serde(default)]
    assignee_team: Option<IdOnly>,
    #[serde(default, deserialize_with = "null_as_empty")]
    tags: Vec<WireTag>,
    #[serde(default)]
    created_datetime: Option<String>,
    #[serde(default)]
    updated_datetime: Option<String>,
}

impl From<WireTicket> for Ticket {
    fn from(w: WireTicket) -> Self {
        Ticket {
            id: w.id,
            subject: w.subject,
            status: w.status,
            channel: w.channel,
            priority: w.priority,
            customer_id: w.customer.and_then(|c| c.id).or(w.customer_id),
            assignee_user_id: w.assignee_user_id.or(w.assignee_user.and_then(|u| u.id)),
            assignee_team_id: w.assignee_team_id.or(w.assignee_team.and_then(|t| t.id)),
            tags: w
                .tags
                .into_iter()
                .map(|t| TicketTag { id: t.id, name: t.name })
                .collect(),
            created_datetime: w.created_datetime,
            updated_datetime: w.updated_datetime,
        }
    }
}

#[derive(Deserialize)]
struct WireMessage {
    id: u64,
    ticket_id: u64,
    channel: String,
    #[serde(default)]
    via: Option<String>,
    #[serde(default)]
    from_agent: bool,
    #[serde(default)]
    public: Option<bool>,
    #[serde(default)]
    body_text: Option<String>,
    #[serde(default)]
    body_html: Option<String>,
    #[serde(default)]
    sender: Option<IdOnly>,
    #[serde(default)]
    created_datetime: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    attachments: Vec<Attachment>,
}

impl From<WireMessage> for Message {
    fn from(w: WireMessage) -> Self {
        let sender_id = w.sender.and_then(|s| s.id);
        Message {
            id: w.id,
            ticket_id: w.ticket_id,
            // Internal notes are never public, whatever the field says.
            public: w.public.unwrap_or(w.channel != "internal-note"),
            channel: w.channel,
            via: w.via,
            from_agent: w.from_agent,
            body_text: w.body_text,
            body_html: w.body_html,
            sender_type: sender_id.map(|_| if w.from_agent { "user" } else { "customer" }.to_string()),
            sender_id,
            created_datetime: w.created_datetime,
            attachments: w.attachments,
        }
    }
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    next_cursor: Option<String>,
}

/// A list answer: `{data: [...], meta: {next_cursor}}` or a bare array.
struct List<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Dispatch on the first token instead of `#[serde(untagged)]`: untagged
        // buffers the whole page into serde's `Content` tree and deserializes it
        // a second time (about twice the allocation, and a second copy of every
        // item deserializer in the component).
        d.deserialize_any(ListVisitor(PhantomData))
    }
}

/// The envelope keys the connector reads; everything else is skipped.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum EnvelopeKey {
    Data,
    Meta,
    #[serde(other)]
    Other,
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list: {\"data\": [...], \"meta\": {...}} or a bare array")
    }

    /// A bare array.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(128));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(List {
            items,
            next_cursor: None,
        })
    }

    /// `{data, meta}`: `data` is required (`null` = empty), `meta` optional.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
        let mut data: Option<Vec<T>> = None;
        let mut meta: Option<Option<Meta>> = None;
        while let Some(key) = map.next_key::<EnvelopeKey>()? {
            match key {
                EnvelopeKey::Data if data.is_some() => return Err(de::Error::duplicate_field("data")),
                EnvelopeKey::Data => data = Some(map.next_value::<Option<Vec<T>>>()?.unwrap_or_default()),
                EnvelopeKey::Meta if meta.is_some() => return Err(de::Error::duplicate_field("meta")),
                EnvelopeKey::Meta => meta = Some(map.next_value()?),
                EnvelopeKey::Other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let items = data.ok_or_else(|| de::Error::missing_field("data"))?;
        Ok(List {
            items,
            next_cursor: meta.flatten().and_then(|m| m.next_cursor).filter(|c| !c.is_empty()),
        })
    }
}

fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Sizes and external ids have been seen as numbers and as strings.
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| {
        let mut m = e.to_string();
        // serde quotes values from the body: cut on a character boundary.
        let mut end = m.len().min(200);
        while !m.is_char_boundary(end) {
            end -= 1;
        }
        m.truncate(end);
        m
    })
}

// ---- parsers (body → record) -------------------------------------------------

/// `GET /api/tickets/{id}` → [`Ticket`].
pub fn parse_ticket(body: &[u8]) -> Result<Ticket, String> {
    decode::<WireTicket>(body).map(Ticket::from)
}

/// `GET /api/tickets` → [`TicketPage`].
pub fn parse_ticket_page(body: &[u8]) -> Result<TicketPage, String> {
    let list: List<WireTicket> = decode(body)?;
    Ok(TicketPage {
        tickets: list.items.into_iter().map(Ticket::from).collect(),
        next_cursor: list.next_cursor,
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
    decode::<WireMessage>(body).map(Message::from)
}

/// `GET /api/messages` → [`MessagePage`].
pub fn parse_message_page(body: &[u8]) -> Result<MessagePage, String> {
    let list: List<WireMessage> = decode(body)?;
    Ok(MessagePage {
        messages: list.items.into_iter().map(Message::from).collect(),
        next_cursor: list.next_cursor,
    })
}

fn tag_from(w: WireTag) -> Tag {
    Tag {
        id: w.id,
        name: w.name,
        description: w.description,
        color: w.decoration.and_then(|d| d.color),
    }
}

/// `GET /api/tickets/{id}/tags` or `GET /api/tags` → tags (either list shape).
pub fn parse_tags(body: &[u8]) -> Result<Vec<Tag>, String> {
    let list: List<WireTag> = decode(body)?;
    Ok(list.items.into_iter().map(tag_from).collect())
}

/// `POST /api/tags` → [`Tag`].
pub fn parse_tag(body: &[u8]) -> Result<Tag, String> {
    decode::<WireTag>(body).map(tag_from)
}

/// `GET /api/customers` → customers.
pub fn parse_customers(body: &[u8]) -> Result<Vec<Customer>, String> {
    decode::<List<Customer>>(body).map(|l| l.items)
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

    #[test]
    fn malformed_bodies_are_errors_not_panics() {
        for body in [&b""[..], b"{", b"null", b"{\"id\":\"x\"}", b"[1,2]", b"\xff\xfe"] {
            assert!(parse_ticket(body).is_err());
            assert!(parse_ticket_page(body).is_err());
        }
    }

    #[test]
    fn long_multibyte_values_in_decode_errors_do_not_panic() {
        // serde quotes the offending string; cutting its message at a byte
        // count used to split a multi-byte character and panic (a trap in wasm).
        for pad in 0..4 {
            let body = format!(r#"{{"id": "{}{}"}}"#, "x".repeat(pad), "é".repeat(300));
            let e = parse_ticket(body.as_bytes()).unwrap_err();
            assert!(e.len() <= 200, "{e}");
        }
    }
}
