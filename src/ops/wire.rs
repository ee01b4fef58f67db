//! The connector's records (the spec's Returns) and their mapping from
//! Gorgias's JSON.
//!
//! Wire structs accept every documented variant: list envelopes or bare arrays,
//! flat or nested assignee ids, `null` attachments, timestamps with or without
//! microseconds or offset (kept as Gorgias sent them), unknown fields.

use schemars::JsonSchema;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// A tag as it appears on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TicketTag {
    /// The tag ID.
    #[schemars(description = "The tag ID")]
    pub id: u64,
    /// The tag name.
    #[schemars(description = "The tag name")]
    pub name: String,
}

/// A ticket, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Ticket {
    /// The ticket ID.
    #[schemars(description = "The ticket ID")]
    pub id: u64,
    /// The subject.
    #[schemars(description = "The ticket subject")]
    pub subject: Option<String>,
    /// `open` or `closed`.
    #[schemars(description = "The ticket status")]
    pub status: String,
    /// The channel it came in on.
    #[schemars(description = "The channel the ticket came in on")]
    pub channel: String,
    /// The priority.
    #[schemars(description = "The ticket priority")]
    pub priority: Option<String>,
    /// `customer.id`.
    #[schemars(description = "The ID of the requesting customer")]
    pub customer_id: Option<u64>,
    /// `assignee_user_id`, else `assignee_user.id`.
    #[schemars(description = "The ID of the assigned agent")]
    pub assignee_user_id: Option<u64>,
    /// `assignee_team_id`, else `assignee_team.id`.
    #[schemars(description = "The ID of the assigned team")]
    pub assignee_team_id: Option<u64>,
    /// Applied tags.
    #[schemars(description = "Tags applied to the ticket")]
    pub tags: Vec<TicketTag>,
    /// Creation time.
    #[schemars(description = "When the ticket was created")]
    pub created_datetime: Option<String>,
    /// Last update time.
    #[schemars(description = "When the ticket was last updated")]
    pub updated_datetime: Option<String>,
}

/// A page of tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TicketPage {
    /// The tickets.
    #[schemars(description = "The matching tickets")]
    pub tickets: Vec<Ticket>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// What create-ticket returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedTicket {
    /// The new ticket's ID.
    #[schemars(description = "The ID of the created ticket")]
    pub ticket_id: u64,
    /// Its status.
    #[schemars(description = "The ticket status")]
    pub status: String,
    /// Its channel.
    #[schemars(description = "The channel of the initial message")]
    pub channel: String,
    /// Its creation time.
    #[schemars(description = "When the ticket was created")]
    pub created_datetime: Option<String>,
}

/// What update-ticket returns (key names as the spec gives them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UpdatedTicket {
    /// The ticket ID.
    #[serde(rename = "ticketId")]
    #[schemars(description = "The ID of the updated ticket")]
    pub ticket_id: u64,
    /// Status.
    #[schemars(description = "The ticket status")]
    pub status: String,
    /// Priority.
    #[schemars(description = "The ticket priority")]
    pub priority: Option<String>,
    /// Assigned agent.
    #[schemars(description = "The ID of the assigned agent")]
    pub assignee_user_id: Option<u64>,
    /// Assigned team.
    #[schemars(description = "The ID of the assigned team")]
    pub assignee_team_id: Option<u64>,
    /// Last update time.
    #[schemars(description = "When the ticket was last updated")]
    pub updated_datetime: Option<String>,
}

/// What reply-to-ticket returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    /// The message ID.
    #[schemars(description = "The ID of the created message")]
    pub message_id: u64,
    /// The ticket ID.
    #[schemars(description = "The ID of the ticket")]
    pub ticket_id: u64,
    /// The channel.
    #[schemars(description = "The channel of the reply")]
    pub channel: String,
    /// Whether customer-facing.
    #[schemars(description = "Whether the message is customer-facing")]
    pub public: bool,
    /// Creation time.
    #[schemars(description = "When the reply was created")]
    pub created_datetime: Option<String>,
}

/// What add-internal-note returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// The note's message ID.
    #[schemars(description = "The ID of the created note")]
    pub message_id: u64,
    /// The ticket ID.
    #[schemars(description = "The ID of the ticket")]
    pub ticket_id: u64,
    /// Creation time.
    #[schemars(description = "When the note was created")]
    pub created_datetime: Option<String>,
}

/// A message attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Attachment {
    /// URL.
    #[schemars(description = "The attachment URL")]
    pub url: Option<String>,
    /// File name.
    #[schemars(description = "The attachment file name")]
    pub name: Option<String>,
    /// MIME type.
    #[schemars(description = "The MIME type of the attachment")]
    pub content_type: Option<String>,
    /// Size in bytes.
    #[schemars(description = "The attachment size in bytes")]
    pub size: Option<u64>,
    /// Customer-facing.
    #[schemars(description = "Whether the attachment is customer-facing")]
    pub public: Option<bool>,
}

/// A thread message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Message {
    /// Message ID.
    #[schemars(description = "The message ID")]
    pub id: u64,
    /// Parent ticket.
    #[schemars(description = "The ID of the parent ticket")]
    pub ticket_id: u64,
    /// Channel.
    #[schemars(description = "The channel the message was sent on")]
    pub channel: String,
    /// How it was created.
    #[schemars(description = "How the message was created")]
    pub via: Option<String>,
    /// Written by an agent.
    #[schemars(description = "Whether the message was authored by an agent")]
    pub from_agent: bool,
    /// Customer-facing.
    #[schemars(description = "Whether the message is customer-facing")]
    pub public: bool,
    /// Plain text.
    #[schemars(description = "Plain-text body of the message")]
    pub body_text: Option<String>,
    /// HTML.
    #[schemars(description = "HTML body of the message")]
    pub body_html: Option<String>,
    /// `sender.id`.
    #[schemars(description = "The ID of the sender")]
    pub sender_id: Option<u64>,
    /// `user` or `customer`, derived from `from_agent`.
    #[schemars(description = "The type of sender")]
    pub sender_type: Option<String>,
    /// Creation time.
    #[schemars(description = "When the message was created")]
    pub created_datetime: Option<String>,
    /// Attachments.
    #[schemars(description = "Files attached to the message")]
    pub attachments: Vec<Attachment>,
}

/// A page of messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MessagePage {
    /// The messages.
    #[schemars(description = "The messages in the ticket thread")]
    pub messages: Vec<Message>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// A tag with details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Tag {
    /// Tag ID.
    #[schemars(description = "The tag ID")]
    pub id: u64,
    /// Name.
    #[schemars(description = "The tag name")]
    pub name: String,
    /// Description.
    #[schemars(description = "The tag description")]
    pub description: Option<String>,
    /// `decoration.color`.
    #[schemars(description = "The tag color")]
    pub color: Option<String>,
}

/// A page of tags (`GET /api/tags`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TagPage {
    /// The tags.
    #[schemars(description = "The account's tags")]
    pub tags: Vec<Tag>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// A saved view (what `search-tickets`'s `viewId` names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct View {
    /// View ID.
    #[schemars(description = "The view ID (search-tickets' viewId)")]
    pub id: u64,
    /// Name.
    #[schemars(description = "The view name")]
    pub name: Option<String>,
    /// `user` for user-created views; other values pass through.
    #[schemars(description = "The view category (user for user-created views)")]
    pub category: Option<String>,
    /// `public`, `shared` or `private`.
    #[schemars(description = "public, shared or private")]
    pub visibility: Option<String>,
    /// URL slug.
    #[schemars(description = "The view's URL slug")]
    pub slug: Option<String>,
    /// Set when Gorgias deactivated the view (e.g. a tag it used was deleted).
    #[schemars(description = "When Gorgias deactivated the view (null while it is active)")]
    pub deactivated_datetime: Option<String>,
}

/// A page of views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ViewPage {
    /// The views.
    #[schemars(description = "The ticket views")]
    pub views: Vec<View>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// A helpdesk user (agent, admin, bot, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct User {
    /// User ID (what `senderUserId` and `assigneeUserId` take).
    #[schemars(description = "The user ID (senderUserId, assigneeUserId)")]
    pub id: u64,
    /// Full name.
    #[schemars(description = "The user's full name")]
    pub name: Option<String>,
    /// First name.
    #[schemars(description = "The user's first name")]
    pub firstname: Option<String>,
    /// Last name.
    #[schemars(description = "The user's last name")]
    pub lastname: Option<String>,
    /// Email.
    #[schemars(description = "The user's email address")]
    pub email: Option<String>,
    /// `role.name` (`admin`, `agent`, `basic-agent`, `bot`, ...), or a bare string.
    #[schemars(description = "The user's role (admin, agent, basic-agent, bot, ...)")]
    pub role: Option<String>,
}

/// A page of users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct UserPage {
    /// The users.
    #[schemars(description = "The helpdesk users")]
    pub users: Vec<User>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// A team (what `assigneeTeamId` takes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Team {
    /// Team ID.
    #[schemars(description = "The team ID (assigneeTeamId)")]
    pub id: u64,
    /// Name.
    #[schemars(description = "The team name")]
    pub name: Option<String>,
    /// Description.
    #[schemars(description = "The team description")]
    pub description: Option<String>,
}

/// A page of teams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TeamPage {
    /// The teams.
    #[schemars(description = "The teams")]
    pub teams: Vec<Team>,
    /// `meta.next_cursor` (`None` for a bare array).
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Customer {
    /// Customer ID.
    #[schemars(description = "The customer ID")]
    pub id: u64,
    /// Full name.
    #[schemars(description = "The customer's full name")]
    pub name: Option<String>,
    /// First name.
    #[schemars(description = "The customer's first name")]
    pub firstname: Option<String>,
    /// Last name.
    #[schemars(description = "The customer's last name")]
    pub lastname: Option<String>,
    /// Primary email.
    #[schemars(description = "The customer's email address")]
    pub email: Option<String>,
    /// External ID.
    #[schemars(description = "The customer's external ID")]
    pub external_id: Option<String>,
    /// Creation time.
    #[schemars(description = "When the customer was created")]
    pub created_datetime: Option<String>,
}

// ---- Gorgias's JSON: private, lenient wire types ------------------------------
//
// Absent and `null` fields are `None`, lists may be `null`, unknown fields are
// skipped without being built (serde's `IgnoredAny`), sizes and external ids
// may be numbers or strings. A wrong type where the connector reads a field
// means the body is not what it thinks it is: an error naming the field.

/// `{"id": ...}` objects (customer, assignee_user, sender, ...).
#[derive(Deserialize)]
struct WireRef {
    id: Option<u64>,
}

#[derive(Deserialize)]
struct WireTicket {
    id: u64,
    subject: Option<String>,
    status: String,
    channel: String,
    priority: Option<String>,
    customer: Option<WireRef>,
    customer_id: Option<u64>,
    assignee_user_id: Option<u64>,
    assignee_user: Option<WireRef>,
    assignee_team_id: Option<u64>,
    assignee_team: Option<WireRef>,
    #[serde(default, deserialize_with = "null_as_empty")]
    tags: Vec<WireTag>,
    created_datetime: Option<String>,
    updated_datetime: Option<String>,
}

#[derive(Deserialize)]
struct WireDecoration {
    color: Option<String>,
}

#[derive(Deserialize)]
struct WireTag {
    id: u64,
    name: String,
    description: Option<String>,
    decoration: Option<WireDecoration>,
}

#[derive(Deserialize)]
struct WireAttachment {
    url: Option<String>,
    name: Option<String>,
    content_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    size: Option<u64>,
    public: Option<bool>,
}

#[derive(Deserialize)]
struct WireMessage {
    id: u64,
    ticket_id: u64,
    channel: String,
    via: Option<String>,
    from_agent: Option<bool>,
    public: Option<bool>,
    body_text: Option<String>,
    body_html: Option<String>,
    sender: Option<WireRef>,
    created_datetime: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    attachments: Vec<WireAttachment>,
}

#[derive(Deserialize)]
struct WireCustomer {
    id: u64,
    name: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    external_id: Option<String>,
    created_datetime: Option<String>,
}

#[derive(Deserialize)]
struct WireView {
    id: u64,
    name: Option<String>,
    category: Option<String>,
    visibility: Option<String>,
    slug: Option<String>,
    deactivated_datetime: Option<String>,
}

/// `role` is `{"name": ...}` in the docs and the recordings; a bare string
/// is read too, anything else counts as absent.
fn role_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Object(mut o) => match o.remove("name") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    })
}

#[derive(Deserialize)]
struct WireUser {
    id: u64,
    name: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
    email: Option<String>,
    #[serde(default, deserialize_with = "role_name")]
    role: Option<String>,
}

#[derive(Deserialize)]
struct WireTeam {
    id: u64,
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct WireMeta {
    next_cursor: Option<String>,
}

/// `null` or a list.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Sizes have been seen as numbers and as strings; a fraction is cut; any
/// other value counts as absent.
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
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
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A list answer: `{data: [...], meta: {next_cursor}}` or a bare array.
/// `data` is required once (`null` = empty), `meta` optional (at most once);
/// an empty cursor is no cursor.
struct ListAnswer<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
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

/// Reads a Gorgias body as `T`; the error says what was wrong and where
/// (`expected a non-negative integer, got a string at line 1 column 8`,
/// `missing field `status``), never the value found.
///
/// No field path (`data[3].id`): tracking it (serde_path_to_error) cost 35 KB
/// of the component for a second instantiation of every wire type's
/// deserializer, and ~8% of the guest's time on a 170 KB 100-ticket page
/// (path tracking allocates per key). With the seventeen operations the
/// component would not fit its 640 KiB budget with it (BENCHMARKS.md). Route
/// inputs keep their field paths (src/params.rs): those name the caller's field.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data if e.line() > 0 => format!(
            "{} at line {} column {}",
            without_value(strip_position(&e.to_string())),
            e.line(),
            e.column()
        ),
        _ => describe("", &e),
    })
}

/// A serde_json error as a short message: its path, and serde's text without
/// the offending value (which could be long, or an echoed secret).
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

impl From<WireTicket> for Ticket {
    fn from(t: WireTicket) -> Ticket {
        let id = |r: Option<WireRef>| r.and_then(|r| r.id);
        Ticket {
            id: t.id,
            subject: t.subject,
            status: t.status,
            channel: t.channel,
            priority: t.priority,
            customer_id: id(t.customer).or(t.customer_id),
            assignee_user_id: t.assignee_user_id.or(id(t.assignee_user)),
            assignee_team_id: t.assignee_team_id.or(id(t.assignee_team)),
            tags: t
                .tags
                .into_iter()
                .map(|g| TicketTag { id: g.id, name: g.name })
                .collect(),
            created_datetime: t.created_datetime,
            updated_datetime: t.updated_datetime,
        }
    }
}

impl From<WireTag> for Tag {
    fn from(t: WireTag) -> Tag {
        Tag {
            id: t.id,
            name: t.name,
            description: t.description,
            color: t.decoration.and_then(|d| d.color),
        }
    }
}

impl From<WireMessage> for Message {
    fn from(m: WireMessage) -> Message {
        let from_agent = m.from_agent.unwrap_or(false);
        let sender_id = m.sender.and_then(|s| s.id);
        Message {
            id: m.id,
            ticket_id: m.ticket_id,
            // Internal notes are never public, whatever the field says: Gorgias
            // documents them as "not public" and "not sent/shared with your
            // customers" (the TicketMessage object); other messages trust
            // `public` (absent: public).
            public: m.channel != "internal-note" && m.public.unwrap_or(true),
            channel: m.channel,
            via: m.via,
            from_agent,
            body_text: m.body_text,
            body_html: m.body_html,
            sender_type: sender_id.map(|_| if from_agent { "user" } else { "customer" }.to_string()),
            sender_id,
            created_datetime: m.created_datetime,
            attachments: m
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    url: a.url,
                    name: a.name,
                    content_type: a.content_type,
                    size: a.size,
                    public: a.public,
                })
                .collect(),
        }
    }
}

impl From<WireCustomer> for Customer {
    fn from(c: WireCustomer) -> Customer {
        Customer {
            id: c.id,
            name: c.name,
            firstname: c.firstname,
            lastname: c.lastname,
            email: c.email,
            external_id: c.external_id,
            created_datetime: c.created_datetime,
        }
    }
}

// ---- parsers (body → record) -------------------------------------------------

/// `GET /api/tickets/{id}` → [`Ticket`].
pub fn parse_ticket(body: &[u8]) -> Result<Ticket, String> {
    decode::<WireTicket>(body).map(Ticket::from)
}

/// `GET /api/tickets` → [`TicketPage`].
pub fn parse_ticket_page(body: &[u8]) -> Result<TicketPage, String> {
    let list = decode::<ListAnswer<WireTicket>>(body)?;
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
    let list = decode::<ListAnswer<WireMessage>>(body)?;
    Ok(MessagePage {
        messages: list.items.into_iter().map(Message::from).collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET /api/tickets/{id}/tags` or `GET /api/tags` → tags (either list shape).
pub fn parse_tags(body: &[u8]) -> Result<Vec<Tag>, String> {
    Ok(decode::<ListAnswer<WireTag>>(body)?
        .items
        .into_iter()
        .map(Tag::from)
        .collect())
}

/// `POST /api/tags` → [`Tag`].
pub fn parse_tag(body: &[u8]) -> Result<Tag, String> {
    decode::<WireTag>(body).map(Tag::from)
}

/// `GET /api/tags` → [`TagPage`].
pub fn parse_tag_page(body: &[u8]) -> Result<TagPage, String> {
    let list = decode::<ListAnswer<WireTag>>(body)?;
    Ok(TagPage {
        tags: list.items.into_iter().map(Tag::from).collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET /api/views` → [`ViewPage`] (either list shape).
pub fn parse_view_page(body: &[u8]) -> Result<ViewPage, String> {
    let list = decode::<ListAnswer<WireView>>(body)?;
    Ok(ViewPage {
        views: list
            .items
            .into_iter()
            .map(|v| View {
                id: v.id,
                name: v.name,
                category: v.category,
                visibility: v.visibility,
                slug: v.slug,
                deactivated_datetime: v.deactivated_datetime,
            })
            .collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET /api/users` → [`UserPage`] (either list shape).
pub fn parse_user_page(body: &[u8]) -> Result<UserPage, String> {
    let list = decode::<ListAnswer<WireUser>>(body)?;
    Ok(UserPage {
        users: list
            .items
            .into_iter()
            .map(|u| User {
                id: u.id,
                name: u.name,
                firstname: u.firstname,
                lastname: u.lastname,
                email: u.email,
                role: u.role,
            })
            .collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET /api/teams` → [`TeamPage`] (either list shape).
pub fn parse_team_page(body: &[u8]) -> Result<TeamPage, String> {
    let list = decode::<ListAnswer<WireTeam>>(body)?;
    Ok(TeamPage {
        teams: list
            .items
            .into_iter()
            .map(|t| Team {
                id: t.id,
                name: t.name,
                description: t.description,
            })
            .collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET /api/customers/{id}` → [`Customer`].
pub fn parse_customer(body: &[u8]) -> Result<Customer, String> {
    decode::<WireCustomer>(body).map(Customer::from)
}

/// `GET /api/customers` → customers.
pub fn parse_customers(body: &[u8]) -> Result<Vec<Customer>, String> {
    Ok(decode::<ListAnswer<WireCustomer>>(body)?
        .items
        .into_iter()
        .map(Customer::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICKET: &str = include_str!("../../tests/fixtures/ticket.json");
    const TICKET_LIST: &str = include_str!("../../tests/fixtures/tickets_list.json");
    const MESSAGES: &str = include_str!("../../tests/fixtures/messages_list.json");

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
    fn internal_notes_are_never_public_whatever_the_field_says() {
        let note =
            parse_message(br#"{"id":7,"ticket_id":1,"channel":"internal-note","public":true,"from_agent":true}"#)
                .unwrap();
        assert!(!note.public);
        let absent = parse_message(br#"{"id":8,"ticket_id":1,"channel":"internal-note"}"#).unwrap();
        assert!(!absent.public);
        let private_email = parse_message(br#"{"id":9,"ticket_id":1,"channel":"email","public":false}"#).unwrap();
        assert!(!private_email.public);
        let email = parse_message(br#"{"id":10,"ticket_id":1,"channel":"email"}"#).unwrap();
        assert!(email.public);
    }

    #[test]
    fn users_take_role_name_from_an_object_or_a_string() {
        let recorded = include_str!("../../tests/fixtures/user.json");
        let body = format!(
            r#"{{"data":[{recorded},{{"id":2,"name":"Bot","role":"bot"}},{{"id":3,"role":null}},{{"id":4,"role":{{"id":1}}}}],"meta":{{"next_cursor":"u2"}}}}"#
        );
        let p = parse_user_page(body.as_bytes()).unwrap();
        assert_eq!(
            p.users[0],
            User {
                id: 455925547,
                name: Some("John Doe".into()),
                firstname: Some("John".into()),
                lastname: Some("Doe".into()),
                email: Some("johndo2l@testdomain.tld".into()),
                role: Some("agent".into()),
            }
        );
        let roles: Vec<Option<&str>> = p.users.iter().map(|u| u.role.as_deref()).collect();
        assert_eq!(roles, vec![Some("agent"), Some("bot"), None, None]);
        assert_eq!(p.next_cursor.as_deref(), Some("u2"));
    }

    #[test]
    fn views_and_teams_accept_bare_arrays_and_pages() {
        let views = br#"[{"id":123,"name":"My view","slug":"my-tickets","category":"user","type":"ticket-list","visibility":"public","filters":"eq(ticket.status, 'open')","deactivated_datetime":null}]"#;
        let p = parse_view_page(views).unwrap();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"views": [{"id": 123, "name": "My view", "category": "user", "visibility": "public", "slug": "my-tickets", "deactivated_datetime": null}], "nextCursor": null})
        );
        let teams = br#"{"data":[{"id":77,"name":"Tier 1","description":null,"decoration":{"emoji":"x"},"members":[{"id":4567}]}],"meta":{"next_cursor":"t2"}}"#;
        let p = parse_team_page(teams).unwrap();
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"teams": [{"id": 77, "name": "Tier 1", "description": null}], "nextCursor": "t2"})
        );
        assert!(parse_team_page(br#"[{"name":"no id"}]"#).unwrap_err().contains("id"));
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
    fn decode_errors_name_the_type_and_the_position_not_the_value() {
        let e = parse_ticket(br#"{"id":"s3cr3t-value","status":"open","channel":"api"}"#).unwrap_err();
        assert_eq!(e, "expected a non-negative integer, got a string at line 1 column 20");
        let e = parse_ticket_page(br#"{"data":[{"id":1,"status":"open","channel":"api"},{"id":2}]}"#).unwrap_err();
        assert_eq!(e, "missing field `status` at line 1 column 58");
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
