//! Messages of a ticket: reply, internal note, and reading the thread.
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
use crate::ops::spec::Spec;
use crate::ops::wire::{self, MessagePage, Note, Reply};
use crate::schema::one_of_strings;
use schemars::JsonSchema;
use schemars::{Schema, SchemaGenerator};
use serde::Deserialize;
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
    pub fn run(&self, c: &mut Client<'_>) -> Result<Reply, Error> {
        let m = c.call(&self.request()?, wire::parse_message)?;
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
    pub fn run(&self, c: &mut Client<'_>) -> Result<Note, Error> {
        let m = c.call(&self.request()?, wire::parse_message)?;
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
    pub fn run(&self, c: &mut Client<'_>) -> Result<MessagePage, Error> {
        c.call(&self.request()?, wire::parse_message_page)
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
        description: "Add an internal note to a Gorgias ticket — only visible to agents. At least one of bodyText or bodyHtml must be provided.",
        read_only: false,
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
        read_only: true,
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
}
