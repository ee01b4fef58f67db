//! Messages of a ticket: reply, internal note, and reading the thread.
//! Each operation is its input type, its [`Operation`] entry, the Gorgias
//! request it builds and the mapping of the answer.

use crate::catalog::{self, Operation as Spec};
use crate::client::{ApiRequest, Client, Method, Transport};
use crate::error::Error;
use crate::model::{self, MessagePage, Note, Reply};
use crate::ops::*;
use crate::params::{id as id_field, opt_id, opt_u32};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// Input of reply-to-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = reply_rules)]
pub struct ReplyToTicket {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "Ticket to reply to")]
    pub ticket_id: u64,
    /// Channel of the reply.
    #[schemars(
        schema_with = "catalog::reply_channel",
        description = "Channel for the reply (email, chat, sms, etc.) — usually matches the ticket channel"
    )]
    pub channel: String,
    /// Sending agent.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "Agent user ID sending the reply")]
    pub sender_user_id: u64,
    /// Plain text.
    #[schemars(description = "Plain-text body of the reply")]
    pub body_text: Option<String>,
    /// HTML.
    #[schemars(description = "HTML body of the reply")]
    pub body_html: Option<String>,
    /// Receiving customer.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(schema_with = "catalog::opt_id", description = "Customer ID receiving the reply")]
    pub receiver_customer_id: Option<u64>,
    /// `source.from.address`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_email",
        description = "Sender email address. Required for email-channel replies — Gorgias rejects messages without source.from"
    )]
    pub from_email: Option<String>,
    /// `source.from.name`.
    #[schemars(description = "Sender display name (optional)")]
    pub from_name: Option<String>,
    /// `source.to[0].address`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_email",
        description = "Recipient email address. Recommended for email-channel replies so Gorgias knows where to deliver"
    )]
    pub to_email: Option<String>,
    /// `source.to[0].name`.
    #[schemars(description = "Recipient display name (optional)")]
    pub to_name: Option<String>,
}

/// [`ReplyToTicket::validate`]'s cross-field rules: a body, and `fromEmail`
/// on the email channel.
fn reply_rules(s: &mut schemars::Schema) {
    catalog::at_least_one(s, &["bodyText", "bodyHtml"], &catalog::non_blank());
    catalog::required_when(s, "channel", "email".into(), "fromEmail", catalog::non_blank());
}

/// Input of add-internal-note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = note_rules)]
pub struct AddInternalNote {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "Ticket to add the note to")]
    pub ticket_id: u64,
    /// Authoring agent.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "Agent user ID authoring the note")]
    pub sender_user_id: u64,
    /// Plain text.
    #[schemars(description = "Plain-text body of the note")]
    pub body_text: Option<String>,
    /// HTML.
    #[schemars(description = "HTML body of the note")]
    pub body_html: Option<String>,
}

/// [`AddInternalNote::validate`]: a body.
fn note_rules(s: &mut schemars::Schema) {
    catalog::at_least_one(s, &["bodyText", "bodyHtml"], &catalog::non_blank());
}

/// Input of get-ticket-messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetTicketMessages {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "Ticket ID whose messages to retrieve")]
    pub ticket_id: u64,
    /// Page size.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(schema_with = "catalog::opt_limit", description = "Page size (max 100, default 30)")]
    pub limit: Option<u32>,
    /// Cursor.
    #[schemars(description = "Pagination cursor from a prior response")]
    pub cursor: Option<String>,
    /// `created_datetime:asc` (the default: the thread oldest first) or
    /// `created_datetime:desc`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_message_order",
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

    /// Runs reply-to-ticket.
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<Reply, Error> {
        let m = c.call(&self.request()?, model::parse_message)?;
        Ok(Reply {
            message_id: m.id,
            ticket_id: m.ticket_id,
            channel: m.channel,
            public: m.public,
            created_datetime: m.created_datetime,
        })
    }
}

// ---- 6. add-internal-note ----------------------------------------------------

impl AddInternalNote {
    /// Checks ids and body.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        check_id("senderUserId", self.sender_user_id)?;
        check_body(&self.body_text, &self.body_html)
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

    /// Runs add-internal-note.
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<Note, Error> {
        let m = c.call(&self.request()?, model::parse_message)?;
        Ok(Note {
            message_id: m.id,
            ticket_id: m.ticket_id,
            created_datetime: m.created_datetime,
        })
    }
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
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<MessagePage, Error> {
        c.call(&self.request()?, model::parse_message_page)
    }
}

impl Operation for ReplyToTicket {
    const SPEC: &'static Spec = &Spec {
        name: "reply-to-ticket",
        title: "Reply to Ticket",
        description: "Post a customer-facing reply to a Gorgias ticket on its channel.",
        read_only: false,
        idempotent: false,
        endpoint: "POST /api/tickets/{id}/messages",
        example: r#"{"ticketId": 12345, "channel": "email", "senderUserId": 4567, "bodyText": "Thanks for reaching out! I've located order #1042 and reshipped it with expedited delivery — you should receive it within 2 business days.", "receiverCustomerId": 98765, "fromEmail": "support@yourstore.com", "toEmail": "customer@example.com"}"#,
        schemas: schemas::<Self>(),
    };
    type Output = Reply;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<Reply, Error> {
        ReplyToTicket::run(&self, c)
    }
}

impl Operation for AddInternalNote {
    const SPEC: &'static Spec = &Spec {
        name: "add-internal-note",
        title: "Add Internal Note",
        description: "Add an internal note to a Gorgias ticket — only visible to agents. At least one of bodyText or bodyHtml must be provided.",
        read_only: false,
        idempotent: false,
        endpoint: "POST /api/tickets/{id}/messages",
        example: r#"{"ticketId": 12345, "senderUserId": 4567, "bodyText": "Customer is a VIP — reshipped at no charge and flagged the account for follow-up next week."}"#,
        schemas: schemas::<Self>(),
    };
    type Output = Note;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<Note, Error> {
        AddInternalNote::run(&self, c)
    }
}

impl Operation for GetTicketMessages {
    const SPEC: &'static Spec = &Spec {
        name: "get-ticket-messages",
        title: "Get Ticket Messages",
        description: "Retrieve the messages (conversation thread) for a Gorgias ticket, oldest first unless orderBy says otherwise.",
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/messages?ticket_id={id}",
        example: r#"{"ticketId": 12345, "limit": 50}"#,
        schemas: schemas::<Self>(),
    };
    type Output = MessagePage;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<MessagePage, Error> {
        GetTicketMessages::run(&self, c)
    }
}
