//! Messages of a ticket: reply, internal note, reading the thread, and
//! reading one message.
//! Each operation is its input type, its [`Operation`] entry, the Gorgias
//! request it builds and the mapping of the answer.

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::Map;
use crate::ops::fields::{
    check_body, check_channel, check_email, check_from_email, check_id, check_limit, check_one_of, check_opt_id,
    id_ref, put, source,
};
use crate::ops::fields::{id as id_field, opt_id, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, WireRef, decode, lenient_u64, null_as_empty};
use crate::ops::write::{
    Key, MESSAGE_KEY_WINDOW, Once, READ_BACK_LIMIT, Written, check_key, not_read_back, write_once,
};
use crate::schema::one_of_strings;
use schemars::JsonSchema;
use schemars::{Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// get-ticket-messages' optional `orderBy`.
pub fn opt_message_order(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(MESSAGE_ORDERS)
}

/// Input of reply-to-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = reply_rules)]
pub struct ReplyToTicket {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket to reply to")]
    pub ticket_id: u64,
    /// Channel of the reply.
    #[schemars(
        schema_with = "crate::schema::reply_channel",
        description = "Channel for the reply (email, chat, sms, etc.) — usually matches the ticket channel"
    )]
    pub channel: String,
    /// Sending agent.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Agent user ID sending the reply")]
    pub sender_user_id: u64,
    /// Plain text.
    #[schemars(description = "Plain-text body of the reply")]
    pub body_text: Option<String>,
    /// HTML.
    #[schemars(description = "HTML body of the reply")]
    pub body_html: Option<String>,
    /// Receiving customer.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(
        schema_with = "crate::schema::opt_id",
        description = "Customer ID receiving the reply"
    )]
    pub receiver_customer_id: Option<u64>,
    /// `source.from.address`.
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_email",
        description = "Sender email address. Required for email-channel replies — Gorgias rejects messages without source.from"
    )]
    pub from_email: Option<String>,
    /// `source.from.name`.
    #[schemars(description = "Sender display name (optional)")]
    pub from_name: Option<String>,
    /// `source.to[0].address`.
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_email",
        description = "Recipient email address. Recommended for email-channel replies so Gorgias knows where to deliver"
    )]
    pub to_email: Option<String>,
    /// `source.to[0].name`.
    #[schemars(description = "Recipient display name (optional)")]
    pub to_name: Option<String>,
    /// The message's `external_id` (README "Exactly-once writes").
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_idempotency_key",
        description = "Idempotency key, 1-255 characters, stored as the reply's external_id (an Idempotency-Key header on the route is the same): a repeat of the call with the same key answers the reply it posted (replayed: true) instead of posting it again. Pass a fresh key per intended reply and reuse it when you retry"
    )]
    pub idempotency_key: Option<String>,
}

/// [`ReplyToTicket::validate`]'s cross-field rules: a body, and `fromEmail`
/// on the email channel.
fn reply_rules(s: &mut schemars::Schema) {
    crate::schema::at_least_one(s, &["bodyText", "bodyHtml"], &crate::schema::non_blank());
    crate::schema::required_when(s, "channel", "email".into(), "fromEmail", crate::schema::non_blank());
}

/// Input of add-internal-note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = note_rules)]
pub struct AddInternalNote {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket to add the note to")]
    pub ticket_id: u64,
    /// Authoring agent.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Agent user ID authoring the note")]
    pub sender_user_id: u64,
    /// Plain text.
    #[schemars(description = "Plain-text body of the note")]
    pub body_text: Option<String>,
    /// HTML.
    #[schemars(description = "HTML body of the note")]
    pub body_html: Option<String>,
    /// The message's `external_id` (README "Exactly-once writes").
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_idempotency_key",
        description = "Idempotency key, 1-255 characters, stored as the note's external_id (an Idempotency-Key header on the route is the same): a repeat of the call with the same key answers the note it posted (replayed: true) instead of posting it again. Pass a fresh key per intended note and reuse it when you retry"
    )]
    pub idempotency_key: Option<String>,
}

/// [`AddInternalNote::validate`]: a body.
fn note_rules(s: &mut schemars::Schema) {
    crate::schema::at_least_one(s, &["bodyText", "bodyHtml"], &crate::schema::non_blank());
}

/// Input of get-ticket-messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetTicketMessages {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "Ticket ID whose messages to retrieve"
    )]
    pub ticket_id: u64,
    /// Page size.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(
        schema_with = "crate::schema::opt_limit",
        description = "Page size (max 100, default 30)"
    )]
    pub limit: Option<u32>,
    /// Cursor.
    #[schemars(description = "Pagination cursor from a prior response")]
    pub cursor: Option<String>,
    /// `created_datetime:asc` (the default: the thread oldest first) or
    /// `created_datetime:desc`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_message_order",
        description = "Message order: \"created_datetime:asc\" (default, oldest first) or \"created_datetime:desc\". Send the same orderBy with a cursor"
    )]
    pub order_by: Option<String>,
}

/// The orders `GET /api/messages` accepts; the first is the connector's default.
pub const MESSAGE_ORDERS: &[&str] = &["created_datetime:asc", "created_datetime:desc"];

// ---- 5. reply-to-ticket ------------------------------------------------------

impl ReplyToTicket {
    /// Checks required fields, body and the email rule.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        check_channel(&self.channel)?;
        if self.channel == "internal-note" {
            return Err(Error::invalid("channel", "use add-internal-note for internal notes"));
        }
        check_id("senderUserId", self.sender_user_id)?;
        check_opt_id("receiverCustomerId", self.receiver_customer_id)?;
        check_body(&self.body_text, &self.body_html)?;
        check_from_email(&self.channel, &self.from_email)?;
        check_email("fromEmail", self.from_email.as_deref())?;
        check_email("toEmail", self.to_email.as_deref())?;
        check_key("idempotencyKey", self.idempotency_key.as_deref())?;
        Ok(())
    }

    /// `POST /api/tickets/{id}/messages`, public, from the agent.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut m = Map::new();
        m.insert("channel".into(), self.channel.clone().into());
        m.insert("via".into(), "api".into());
        m.insert("from_agent".into(), true.into());
        m.insert("public".into(), true.into());
        m.insert("sender".into(), id_ref(self.sender_user_id));
        put(&mut m, "receiver", self.receiver_customer_id.map(id_ref));
        put(&mut m, "body_text", self.body_text.clone());
        put(&mut m, "body_html", self.body_html.clone());
        put(
            &mut m,
            "source",
            source(
                &self.channel,
                (&self.from_email, &self.from_name),
                (&self.to_email, &self.to_name),
            ),
        );
        Ok(ApiRequest::with_body(
            Method::Post,
            format!("/api/tickets/{}/messages", self.ticket_id),
            Value::Object(m),
        ))
    }

    /// Runs reply-to-ticket: Gorgias answers 200 or 201 with the message,
    /// or sometimes an empty body; then the message is read back ([`read_back`]).
    ///
    /// Exactly once (README "Exactly-once writes"): the message carries the
    /// idempotency key in its `external_id` ([`post_once`]).
    pub fn run(&self, c: &mut Client<'_>) -> Result<Reply, Error> {
        let posted = Posted {
            channel: &self.channel,
            sender: self.sender_user_id,
            text: self.body_text.as_deref(),
            html: self.body_html.as_deref(),
        };
        let (m, replayed) = post_once(
            c,
            self.request()?,
            self.ticket_id,
            self.idempotency_key.as_deref(),
            &posted,
        )?;
        Ok(Reply {
            message_id: m.id,
            ticket_id: m.ticket_id,
            channel: m.channel,
            public: m.public,
            created_datetime: m.created_datetime,
            replayed,
        })
    }
}

// ---- 6. add-internal-note ----------------------------------------------------

impl AddInternalNote {
    /// Checks ids and body.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        check_id("senderUserId", self.sender_user_id)?;
        check_body(&self.body_text, &self.body_html)?;
        check_key("idempotencyKey", self.idempotency_key.as_deref())
    }

    /// `POST /api/tickets/{id}/messages` as `internal-note`, not public.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut m = Map::new();
        m.insert("channel".into(), "internal-note".into());
        m.insert("via".into(), "api".into());
        m.insert("from_agent".into(), true.into());
        m.insert("public".into(), false.into());
        m.insert("sender".into(), id_ref(self.sender_user_id));
        put(&mut m, "body_text", self.body_text.clone());
        put(&mut m, "body_html", self.body_html.clone());
        Ok(ApiRequest::with_body(
            Method::Post,
            format!("/api/tickets/{}/messages", self.ticket_id),
            Value::Object(m),
        ))
    }

    /// Runs add-internal-note: Gorgias answers 200 or 201 with the message,
    /// or sometimes an empty body; then the note is read back ([`read_back`]).
    ///
    /// Exactly once, as [`ReplyToTicket::run`].
    pub fn run(&self, c: &mut Client<'_>) -> Result<Note, Error> {
        let posted = Posted {
            channel: "internal-note",
            sender: self.sender_user_id,
            text: self.body_text.as_deref(),
            html: self.body_html.as_deref(),
        };
        let (m, replayed) = post_once(
            c,
            self.request()?,
            self.ticket_id,
            self.idempotency_key.as_deref(),
            &posted,
        )?;
        Ok(Note {
            message_id: m.id,
            ticket_id: m.ticket_id,
            created_datetime: m.created_datetime,
            replayed,
        })
    }
}

/// Posts message `req` (as `posted`) to ticket `ticket_id` exactly once,
/// with the caller's key `given` or a fresh one in the message's
/// `external_id` ([`write_once`], [`find_message_by_key`]): the message,
/// read back after an empty answer ([`read_back`]), and whether it was
/// replayed.
fn post_once(
    c: &mut Client<'_>,
    mut req: ApiRequest,
    ticket_id: u64,
    given: Option<&str>,
    posted: &Posted<'_>,
) -> Result<(Message, bool), Error> {
    let key = Key::new(c, given);
    if let Some(Value::Object(body)) = req.body.as_mut() {
        body.insert("external_id".into(), key.value.as_str().into());
    }
    let once = write_once(c, &req, &key, parse_message, |c| {
        find_message_by_key(c, ticket_id, &key.value)
    })?;
    Ok(match once {
        Once::Found { record, replayed } => (record, replayed),
        Once::Written(Written::Record(m)) => (m, false),
        Once::Written(Written::Empty(status)) => (read_back(c, status, ticket_id, posted)?, false),
    })
}

/// `GET /api/messages?ticket_id=…&order_by=created_datetime:desc&limit=100`:
/// Gorgias cannot list messages by `external_id`, so a message's key is
/// looked for among its ticket's newest [`MESSAGE_KEY_WINDOW`] messages.
pub fn find_message_by_key_request(ticket_id: u64) -> ApiRequest {
    ApiRequest::get(
        "/api/messages",
        vec![
            ("ticket_id".into(), ticket_id.to_string()),
            ("order_by".into(), "created_datetime:desc".into()),
            ("limit".into(), MESSAGE_KEY_WINDOW.to_string()),
        ],
    )
}

/// The message of ticket `ticket_id` that carries idempotency key `key`,
/// among the newest [`MESSAGE_KEY_WINDOW`] ([`find_message_by_key_request`]).
pub fn find_message_by_key(c: &mut Client<'_>, ticket_id: u64, key: &str) -> Result<Option<Message>, Error> {
    let list = c.call(
        &find_message_by_key_request(ticket_id),
        decode::<ListAnswer<WireMessage>>,
    )?;
    Ok(list
        .items
        .into_iter()
        .find(|m| m.external_id.as_deref() == Some(key))
        .map(Message::from))
}

// ---- 7. get-ticket-messages --------------------------------------------------

impl GetTicketMessages {
    /// `GET /api/messages?ticket_id=…` (not the deprecated per-ticket route).
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("ticketId", self.ticket_id)?;
        check_limit(self.limit)?;
        check_one_of("orderBy", self.order_by.as_deref(), MESSAGE_ORDERS)?;
        // Gorgias defaults to newest first; the spec calls the answer the
        // conversation thread, so the connector asks for oldest first.
        let order = self.order_by.as_deref().unwrap_or(MESSAGE_ORDERS[0]);
        let mut q = vec![
            ("ticket_id".to_string(), self.ticket_id.to_string()),
            ("order_by".to_string(), order.to_string()),
        ];
        if let Some(l) = self.limit {
            q.push(("limit".into(), l.to_string()));
        }
        if let Some(c) = self.cursor.clone().filter(|c| !c.is_empty()) {
            q.push(("cursor".into(), c));
        }
        Ok(ApiRequest::get("/api/messages", q))
    }

    /// Runs get-ticket-messages.
    pub fn run(&self, c: &mut Client<'_>) -> Result<MessagePage, Error> {
        c.call(&self.request()?, parse_message_page)
    }
}

impl Operation for ReplyToTicket {
    const SPEC: &'static Spec = &Spec {
        name: "reply-to-ticket",
        title: "Reply to Ticket",
        description: "Post a customer-facing reply to a Gorgias ticket on its channel. Exactly once: pass an idempotencyKey (any unique text) and reuse it if you retry; a repeat with the same key answers the first reply (replayed: true) instead of sending it again.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/tickets/{id}/messages",
        example: r#"{"ticketId": 12345, "channel": "email", "senderUserId": 4567, "bodyText": "Thanks for reaching out! I've located order #1042 and reshipped it with expedited delivery — you should receive it within 2 business days.", "receiverCustomerId": 98765, "fromEmail": "support@yourstore.com", "toEmail": "customer@example.com"}"#,
        types: types::<Self>(),
    };
    type Output = Reply;
    fn run(self, c: &mut Client<'_>) -> Result<Reply, Error> {
        ReplyToTicket::run(&self, c)
    }
}

impl Operation for AddInternalNote {
    const SPEC: &'static Spec = &Spec {
        name: "add-internal-note",
        title: "Add Internal Note",
        description: "Add an internal note to a Gorgias ticket — only visible to agents. At least one of bodyText or bodyHtml must be provided. Exactly once: pass an idempotencyKey (any unique text) and reuse it if you retry; a repeat with the same key answers the first note (replayed: true) instead of adding it again.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/tickets/{id}/messages",
        example: r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "Customer is a VIP — reshipped at no charge and flagged the account for follow-up next week."}"#,
        types: types::<Self>(),
    };
    type Output = Note;
    fn run(self, c: &mut Client<'_>) -> Result<Note, Error> {
        AddInternalNote::run(&self, c)
    }
}

impl Operation for GetTicketMessages {
    const SPEC: &'static Spec = &Spec {
        name: "get-ticket-messages",
        title: "Get Ticket Messages",
        description: "Retrieve the messages (conversation thread) for a Gorgias ticket, oldest first unless orderBy says otherwise.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/messages?ticket_id={id}",
        example: r#"{"ticketId": 12345, "limit": 50}"#,
        types: types::<Self>(),
    };
    type Output = MessagePage;
    fn run(self, c: &mut Client<'_>) -> Result<MessagePage, Error> {
        GetTicketMessages::run(&self, c)
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

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
    /// Whether a caller's idempotency key matched a reply posted before.
    #[schemars(
        description = "True when the idempotencyKey was already used: the reply it posted is answered and nothing is sent; false when this call posted the reply"
    )]
    pub replayed: bool,
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
    /// Whether a caller's idempotency key matched a note added before.
    #[schemars(
        description = "True when the idempotencyKey was already used: the note it added is answered and nothing is written; false when this call added the note"
    )]
    pub replayed: bool,
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
    /// Where the connector keeps a reply's or note's idempotency key.
    #[serde(default, deserialize_with = "crate::ops::wire::lenient_string")]
    external_id: Option<String>,
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

// ---- issue 21: tickets and tags ----------------------------------------------

/// Input of get-message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetMessage {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "The ID of the message's ticket")]
    pub ticket_id: u64,
    /// The message.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The message ID (a get-ticket-messages message's id, a reply's messageId)"
    )]
    pub message_id: u64,
}

/// What get-message answers: `{"message": {...}}`, get-ticket-messages' record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MessageAnswer {
    /// The message.
    pub message: Message,
}

impl GetMessage {
    /// `GET /api/tickets/{ticket_id}/messages/{id}`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("ticketId", self.ticket_id)?;
        check_id("messageId", self.message_id)?;
        Ok(ApiRequest::get(
            format!("/api/tickets/{}/messages/{}", self.ticket_id, self.message_id),
            vec![],
        ))
    }
}

impl Operation for GetMessage {
    const SPEC: &'static Spec = &Spec {
        name: "get-message",
        title: "Get Message",
        description: "Retrieve one message of a Gorgias ticket by its ID, as get-ticket-messages lists it. A message of another ticket is a not-found error.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/tickets/{ticket_id}/messages/{id}",
        example: r#"{"ticketId": 12345, "messageId": 5001}"#,
        types: types::<Self>(),
    };
    type Output = MessageAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<MessageAnswer, Error> {
        let message = c.call(&self.request()?, parse_message)?;
        // Gorgias is expected to answer 404 for a message of another ticket
        // (not recorded); should it answer the message anyway, the caller
        // still gets what it asked for: no such message in this ticket.
        if message.ticket_id != self.ticket_id {
            return Err(c.finish(Error::NotFound(crate::error::ApiError {
                status: 404,
                message: format!(
                    "message {} belongs to ticket {}, not to ticket {}",
                    self.message_id, message.ticket_id, self.ticket_id
                ),
                field_errors: vec![],
                retryable: false,
            })));
        }
        Ok(MessageAnswer { message })
    }
}

/// What a reply or note sent, to find it again among the ticket's messages.
struct Posted<'a> {
    channel: &'a str,
    sender: u64,
    text: Option<&'a str>,
    html: Option<&'a str>,
}

impl Posted<'_> {
    /// Same channel and sender, and the same plain text (or, when only HTML
    /// was sent, the same HTML), surrounding whitespace aside.
    fn is(&self, m: &Message) -> bool {
        let same = |got: Option<&str>, sent: &str| got.is_some_and(|g| g.trim() == sent.trim());
        let text = self.text.filter(|t| !t.trim().is_empty());
        m.channel == self.channel
            && m.sender_id == Some(self.sender)
            && match (text, self.html) {
                (Some(t), _) => same(m.body_text.as_deref(), t),
                (None, Some(h)) => same(m.body_html.as_deref(), h),
                (None, None) => true,
            }
    }
}

/// After an empty 2xx to `POST /api/tickets/{id}/messages`: the ticket's
/// newest messages (`GET /api/messages?ticket_id=…&order_by=created_datetime:desc&limit=10`),
/// the newest that is what was posted. Gorgias's empty answer carries no
/// ID, so this is the only way back to it; when nothing matches, or the read
/// fails, the error says the message was probably posted (not retryable: a
/// retry could post it twice).
fn read_back(c: &mut Client<'_>, status: u16, ticket_id: u64, posted: &Posted<'_>) -> Result<Message, Error> {
    let newest = GetTicketMessages {
        ticket_id,
        limit: Some(READ_BACK_LIMIT),
        cursor: None,
        order_by: Some(MESSAGE_ORDERS[1].into()),
    };
    let page = newest
        .run(c)
        .map_err(|e| not_read_back(c, status, &format!("reading it back failed ({e})")))?;
    page.messages.into_iter().find(|m| posted.is(m)).ok_or_else(|| {
        not_read_back(
            c,
            status,
            &format!(
                "no message from user {} with this body is among ticket {ticket_id}'s {READ_BACK_LIMIT} newest",
                posted.sender
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gorgias::testing::field;
    use serde_json::json;

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

    const MESSAGES: &str = include_str!("../../tests/fixtures/messages_list.json");

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

    // ---- issue 21: tickets and tags

    use crate::gorgias::testing::{Scripted, client};

    const RECORDED_MESSAGE: &str = include_str!("../../tests/fixtures/recorded/nango-get-ticket-message.json");

    #[test]
    fn get_message_maps_the_recorded_message_as_the_thread_does() {
        let op = GetMessage {
            ticket_id: 82682724,
            message_id: 218665490,
        };
        let mut t = Scripted::new(vec![Scripted::json(200, RECORDED_MESSAGE)]);
        let a = Operation::run(op, &mut client(&mut t, "get-message")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/tickets/82682724/messages/218665490"]);
        assert_eq!(a.message, parse_message(RECORDED_MESSAGE.as_bytes()).unwrap());
        let m = &a.message;
        assert_eq!(
            (
                m.id,
                m.ticket_id,
                m.channel.as_str(),
                m.via.as_deref(),
                m.from_agent,
                m.public
            ),
            (218665490, 82682724, "email", Some("email"), false, true)
        );
        assert_eq!(
            (m.sender_id, m.sender_type.as_deref()),
            (Some(519543245), Some("customer"))
        );
        assert_eq!(m.created_datetime.as_deref(), Some("2026-08-26T12:46:06.231080+00:00"));
        assert!(m.body_text.as_deref().unwrap().contains("Congrats Nango!"));
        assert!(m.attachments.is_empty(), "attachments: null is an empty list");
    }

    #[test]
    fn get_message_of_another_ticket_is_not_found() {
        let mut t = Scripted::new(vec![Scripted::json(200, RECORDED_MESSAGE)]);
        let op = GetMessage {
            ticket_id: 12345,
            message_id: 218665490,
        };
        let e = Operation::run(op, &mut client(&mut t, "get-message")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("not-found", false));
        assert!(
            e.message()
                .starts_with("get-message: message 218665490 belongs to ticket 82682724"),
            "{e}"
        );
        let mut t = Scripted::new(vec![Scripted::json(404, r#"{"error":{"msg":"Resource not found."}}"#)]);
        let op = GetMessage {
            ticket_id: 1,
            message_id: 2,
        };
        assert_eq!(
            Operation::run(op, &mut client(&mut t, "get-message"))
                .unwrap_err()
                .code(),
            "not-found"
        );
        for (ticket_id, message_id, bad) in [(0, 1, "ticketId"), (1, 0, "messageId")] {
            let mut t = Scripted::default();
            let op = GetMessage { ticket_id, message_id };
            assert_eq!(
                field(Operation::run(op, &mut client(&mut t, "get-message")).unwrap_err()),
                bad
            );
            assert!(t.sent.is_empty());
        }
    }

    fn reply() -> ReplyToTicket {
        ReplyToTicket {
            ticket_id: 12345,
            channel: "email".into(),
            sender_user_id: 4567,
            body_text: Some("Thanks".into()),
            receiver_customer_id: Some(98765),
            from_email: Some("support@yourstore.com".into()),
            to_email: Some("customer@example.com".into()),
            ..Default::default()
        }
    }

    #[test]
    fn reply_takes_the_message_from_a_200_or_a_201() {
        let created = r#"{"id":9,"ticket_id":12345,"channel":"email","public":true,"from_agent":true,"created_datetime":"2024-12-05T00:00:00"}"#;
        for status in [200, 201] {
            let mut t = Scripted::new(vec![Scripted::json(status, created)]);
            let r = reply().run(&mut client(&mut t, "reply-to-ticket")).unwrap();
            assert_eq!((r.message_id, r.ticket_id, r.public), (9, 12345, true));
            assert_eq!(t.lines(), vec!["POST /api/tickets/12345/messages"]);
        }
    }

    /// The ticket's newest messages: another agent's, the same agent's
    /// other text, the posted one, an older copy of it.
    const NEWEST: &str = r#"{"data":[
        {"id":14,"ticket_id":12345,"channel":"email","from_agent":true,"public":true,"sender":{"id":4568},"body_text":"Thanks","created_datetime":"t4"},
        {"id":13,"ticket_id":12345,"channel":"email","from_agent":true,"public":true,"sender":{"id":4567},"body_text":"Other","created_datetime":"t3"},
        {"id":12,"ticket_id":12345,"channel":"email","from_agent":true,"public":true,"sender":{"id":4567},"body_text":"Thanks\n","created_datetime":"t2"},
        {"id":11,"ticket_id":12345,"channel":"email","from_agent":true,"public":true,"sender":{"id":4567},"body_text":"Thanks","created_datetime":"t1"},
        {"id":10,"ticket_id":12345,"channel":"internal-note","from_agent":true,"public":false,"sender":{"id":4567},"body_html":"<b>VIP</b>","created_datetime":"t0"}
    ],"meta":{"next_cursor":"n"}}"#;

    #[test]
    fn reply_with_an_empty_body_reads_the_posted_message_back() {
        let mut t = Scripted::new(vec![Scripted::json(201, ""), Scripted::json(200, NEWEST)]);
        let r = reply().run(&mut client(&mut t, "reply-to-ticket")).unwrap();
        assert_eq!(
            r,
            Reply {
                message_id: 12,
                ticket_id: 12345,
                channel: "email".into(),
                public: true,
                created_datetime: Some("t2".into()),
                replayed: false,
            }
        );
        assert_eq!(
            t.lines(),
            vec![
                "POST /api/tickets/12345/messages",
                "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Adesc&limit=10"
            ]
        );
    }

    #[test]
    fn note_with_an_empty_body_reads_the_note_back_by_its_html() {
        let n = AddInternalNote {
            ticket_id: 12345,
            sender_user_id: 4567,
            body_html: Some("<b>VIP</b>".into()),
            ..Default::default()
        };
        let mut t = Scripted::new(vec![Scripted::json(200, ""), Scripted::json(200, NEWEST)]);
        let out = n.clone().run(&mut client(&mut t, "add-internal-note")).unwrap();
        assert_eq!((out.message_id, out.created_datetime.as_deref()), (10, Some("t0")));
        // Not among the newest: the note was posted, so no retry.
        let other = AddInternalNote {
            body_html: Some("<i>other</i>".into()),
            ..n
        };
        let mut t = Scripted::new(vec![Scripted::json(202, "\n"), Scripted::json(200, NEWEST)]);
        let e = other.run(&mut client(&mut t, "add-internal-note")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(
            e.message()
                .starts_with("add-internal-note: Gorgias answered 202 with an empty body"),
            "{e}"
        );
        assert!(e.message().contains("no message from user 4567"), "{e}");
    }

    #[test]
    fn get_message_needs_only_read_access() {
        let spec = <GetMessage as Operation>::SPEC;
        assert_eq!(
            (spec.access, spec.destructive(), spec.idempotent),
            (Access::Read, false, true)
        );
    }

    // ---- issue 18: exactly-once writes

    #[test]
    fn replies_and_notes_carry_their_key_and_answer_a_repeated_or_lost_one() {
        use crate::gorgias::testing::{Scripted, client};
        let newest = r#"{"data": [
            {"id": 13, "ticket_id": 12345, "channel": "email", "public": true, "external_id": "other"},
            {"id": 12, "ticket_id": 12345, "channel": "email", "public": true, "external_id": "r-1", "created_datetime": "t2"}
        ], "meta": {}}"#;
        let lookup = "GET /api/messages?ticket_id=12345&order_by=created_datetime%3Adesc&limit=100";
        let keyed = ReplyToTicket {
            idempotency_key: Some("r-1".into()),
            ..reply()
        };
        let mut t = Scripted::new(vec![Scripted::json(200, newest)]);
        let r = keyed.run(&mut client(&mut t, "reply-to-ticket")).unwrap();
        assert_eq!((r.message_id, r.replayed), (12, true));
        assert_eq!(t.lines(), [lookup]);
        // Not among them: posted with the key in the message's external_id.
        let fresh = ReplyToTicket {
            idempotency_key: Some("r-2".into()),
            ..reply()
        };
        let posted = r#"{"id": 15, "ticket_id": 12345, "channel": "email", "public": true, "external_id": "r-2"}"#;
        let mut t = Scripted::new(vec![Scripted::json(200, newest), Scripted::json(201, posted)]);
        let r = fresh.run(&mut client(&mut t, "reply-to-ticket")).unwrap();
        assert_eq!((r.message_id, r.replayed), (15, false));
        assert_eq!(t.bodies()[1].clone().unwrap()["external_id"], "r-2");
        // A note's lost answer (a 504): found among the newest messages.
        let note = AddInternalNote {
            ticket_id: 12345,
            sender_user_id: 4567,
            body_text: Some("n".into()),
            idempotency_key: Some("n-1".into()),
            ..Default::default()
        };
        let none = r#"{"data": [], "meta": {}}"#;
        let found = r#"{"data": [{"id": 14, "ticket_id": 12345, "channel": "internal-note", "external_id": "n-1"}], "meta": {}}"#;
        let mut t = Scripted::new(vec![
            Scripted::json(200, none),
            Scripted::json(504, ""),
            Scripted::json(200, found),
        ]);
        let n = note.clone().run(&mut client(&mut t, "add-internal-note")).unwrap();
        assert_eq!((n.message_id, n.replayed), (14, false));
        assert_eq!(t.lines(), [lookup, "POST /api/tickets/12345/messages", lookup]);
        // The key is checked like any field.
        let bad = AddInternalNote {
            idempotency_key: Some(String::new()),
            ..note
        };
        assert_eq!(field(bad.request().unwrap_err()), "idempotencyKey");
    }
}
