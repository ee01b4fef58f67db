//! Tickets: get, search, create, update and delete. Each operation is its input
//! type (the route body, strict), its [`Operation`] entry (name, description,
//! parameters, annotations, kind), the Gorgias request it builds and the
//! mapping of the answer into its output type.

use crate::ops::spec::{Access, Spec};

use crate::error::Error;
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::Map;
use crate::ops::fields::{
    check_channel, check_email, check_from_email, check_id, check_limit, check_one_of, check_opt_id, id_ref, put,
    source,
};
use crate::ops::fields::{id as id_field, nullable_id, opt_id, opt_u32};
use crate::ops::operation::{Operation, types};
use crate::ops::tags::WireTag;
use crate::ops::wire::{ListAnswer, WireRef, decode, null_as_empty};
use crate::ops::write::{
    KEY_LOOKUP_LIMIT, Key, Once, READ_BACK_LIMIT, Written, callers_key, check_keys, not_read_back, write, write_once,
};
use crate::schema::one_of_strings;
use schemars::JsonSchema;
use schemars::{Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Ticket statuses the spec allows.
pub const STATUSES: &[&str] = &["open", "closed"];
/// Ticket priorities the spec allows.
pub const PRIORITIES: &[&str] = &["critical", "high", "normal", "low"];

/// An optional ticket status (`open`, `closed`).
pub fn opt_status(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(STATUSES)
}

/// An optional ticket priority.
pub fn opt_priority(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(PRIORITIES)
}

/// search-tickets' optional `orderBy`: the four orders Gorgias accepts.
pub fn opt_ticket_order(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(TICKET_ORDERS)
}

/// Input of get-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetTicket {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "The Gorgias ticket ID")]
    pub ticket_id: u64,
}

/// What get-ticket answers: `{"ticket": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TicketAnswer {
    /// The ticket.
    pub ticket: Ticket,
}

impl Operation for GetTicket {
    const SPEC: &'static Spec = &Spec {
        name: "get-ticket",
        title: "Get Ticket",
        description: "Retrieve a single Gorgias support ticket by ID.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/tickets/{id}",
        example: r#"{"ticketId": 12345}"#,
        types: types::<Self>(),
    };
    type Output = TicketAnswer;
    fn run(self, c: &mut Client<'_>) -> Result<TicketAnswer, Error> {
        get_ticket(c, self.ticket_id).map(|ticket| TicketAnswer { ticket })
    }
}

/// Filters for search-tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchTickets {
    /// `customer_id`.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(schema_with = "crate::schema::opt_id", description = "Filter by customer ID")]
    pub customer_id: Option<u64>,
    /// `view_id`.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(
        schema_with = "crate::schema::opt_id",
        description = "Filter to tickets in a specific view. Use a view to filter by status, channel, or other criteria — those are not query params on /tickets"
    )]
    pub view_id: Option<u64>,
    /// `external_id`.
    #[schemars(description = "Filter by external ID")]
    pub external_id: Option<String>,
    /// `order_by`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_ticket_order",
        description = "Sort order: created_datetime or updated_datetime with :asc or :desc, e.g. \"updated_datetime:desc\" (Gorgias's default is created_datetime:desc)"
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

/// Input of create-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = create_ticket_rules)]
pub struct CreateTicket {
    /// Channel of the initial message.
    #[schemars(
        schema_with = "crate::schema::channel",
        description = "Channel for the initial message (email, chat, sms, phone, etc.)"
    )]
    pub channel: String,
    /// Requesting customer.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "Existing Gorgias customer ID for the requester"
    )]
    pub customer_id: u64,
    /// Whether an agent writes the first message.
    #[schemars(description = "Whether the initial message is authored by an agent (true) or the customer (false)")]
    pub from_agent: bool,
    /// Subject.
    #[schemars(description = "Ticket subject")]
    pub subject: Option<String>,
    /// Plain text.
    #[schemars(description = "Plain-text body of the initial message")]
    pub body_text: Option<String>,
    /// HTML.
    #[schemars(description = "HTML body of the initial message")]
    pub body_html: Option<String>,
    /// Agent (required when `from_agent`).
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(
        schema_with = "crate::schema::opt_id",
        description = "Agent user ID (required when fromAgent is true; ignored otherwise)"
    )]
    pub sender_user_id: Option<u64>,
    /// `open` or `closed`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_status",
        description = "Initial ticket status (open, closed). Defaults to open"
    )]
    pub status: Option<String>,
    /// `source.from.address`.
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_email",
        description = "Sender email address. Required for email-channel tickets — Gorgias rejects messages without source.from. For fromAgent=true use the agent email; for fromAgent=false use the customer email"
    )]
    pub from_email: Option<String>,
    /// `source.from.name`.
    #[schemars(description = "Sender display name (optional)")]
    pub from_name: Option<String>,
    /// `source.to[0].address`.
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_email",
        description = "Recipient email address. Recommended for email-channel tickets. For fromAgent=true use the customer email; for fromAgent=false use the support inbox"
    )]
    pub to_email: Option<String>,
    /// `source.to[0].name`.
    #[schemars(description = "Recipient display name (optional)")]
    pub to_name: Option<String>,
    /// `external_id`: the caller's own ID, which then is the idempotency key.
    #[schemars(
        description = "ID of the ticket in a foreign system (not used by Gorgias), stored as its external_id. It is the ticket's idempotency key too: a repeat with the same externalId answers the ticket it created (replayed: true). Give externalId or idempotencyKey, not both"
    )]
    pub external_id: Option<String>,
    /// The ticket's `external_id` (README "Exactly-once writes").
    #[serde(default)]
    #[schemars(
        schema_with = "crate::schema::opt_idempotency_key",
        description = "Idempotency key, 1-255 characters, stored as the ticket's external_id (an Idempotency-Key header on the route is the same; an externalId is the key too, so give one of them, not both): a repeat of the call with the same key answers the ticket it created (replayed: true) instead of creating another. Pass a fresh key per intended ticket and reuse it when you retry"
    )]
    pub idempotency_key: Option<String>,
}

/// [`CreateTicket::validate`]'s cross-field rules: `senderUserId` when
/// `fromAgent` is true, `fromEmail` on the email channel.
fn create_ticket_rules(s: &mut schemars::Schema) {
    crate::schema::required_when(s, "fromAgent", true.into(), "senderUserId", crate::schema::not_null());
    crate::schema::required_when(s, "channel", "email".into(), "fromEmail", crate::schema::non_blank());
    // The key is stored as the ticket's external_id: one of them names it.
    crate::schema::not_both(s, "idempotencyKey", "externalId", &crate::schema::typed("string", &[]));
}

/// Input of update-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = update_ticket_rules)]
pub struct UpdateTicket {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket ID to update")]
    pub ticket_id: u64,
    /// `open` or `closed`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_status",
        description = "New status. Must be exactly \"open\" or \"closed\""
    )]
    pub status: Option<String>,
    /// `critical`, `high`, `normal`, `low`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_priority",
        description = "New priority. Must be exactly one of \"critical\", \"high\", \"normal\", \"low\""
    )]
    pub priority: Option<String>,
    /// Agent to assign (`Some(None)`: unassign; `None`: leave as is).
    #[serde(default, deserialize_with = "nullable_id")]
    #[schemars(
        schema_with = "crate::schema::nullable_id",
        description = "Agent user ID to assign the ticket to; null unassigns the agent, absent leaves it as is"
    )]
    pub assignee_user_id: Option<Option<u64>>,
    /// Team to assign (`Some(None)`: unassign; `None`: leave as is).
    #[serde(default, deserialize_with = "nullable_id")]
    #[schemars(
        schema_with = "crate::schema::nullable_id",
        description = "Team ID to assign the ticket to; null unassigns the team, absent leaves it as is"
    )]
    pub assignee_team_id: Option<Option<u64>>,
    /// New subject.
    #[schemars(description = "New ticket subject")]
    pub subject: Option<String>,
}

/// [`UpdateTicket::validate`]: something must change (an assignee's `null`
/// is a change: it unassigns).
fn update_ticket_rules(s: &mut schemars::Schema) {
    let any = crate::schema::nullable_id_value();
    crate::schema::at_least_one_of(
        s,
        &[
            ("status", crate::schema::not_null()),
            ("priority", crate::schema::not_null()),
            ("assigneeUserId", any.clone()),
            ("assigneeTeamId", any),
            ("subject", crate::schema::not_null()),
        ],
    );
}

/// The orders `GET /api/tickets` accepts (its `order_by` enum).
pub const TICKET_ORDERS: &[&str] = &[
    "created_datetime:asc",
    "created_datetime:desc",
    "updated_datetime:asc",
    "updated_datetime:desc",
];

// ---- 1. get-ticket -----------------------------------------------------------

/// `GET /api/tickets/{id}`.
pub fn get_ticket_request(ticket_id: u64) -> Result<ApiRequest, Error> {
    check_id("ticketId", ticket_id)?;
    Ok(ApiRequest::get(format!("/api/tickets/{ticket_id}"), vec![]))
}

/// Runs get-ticket.
pub fn get_ticket(c: &mut Client<'_>, ticket_id: u64) -> Result<Ticket, Error> {
    c.call(&get_ticket_request(ticket_id)?, parse_ticket)
}

// ---- 2. search-tickets -------------------------------------------------------

impl SearchTickets {
    /// Checks ranges and formats.
    pub fn validate(&self) -> Result<(), Error> {
        check_opt_id("customerId", self.customer_id)?;
        check_opt_id("viewId", self.view_id)?;
        check_limit(self.limit)?;
        check_one_of("orderBy", self.order_by.as_deref(), TICKET_ORDERS)?;
        Ok(())
    }

    /// `GET /api/tickets?…&trashed=false` (Gorgias includes trashed tickets by default).
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut q = Vec::new();
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                q.push((k.to_string(), v));
            }
        };
        add("customer_id", self.customer_id.map(|v| v.to_string()));
        add("view_id", self.view_id.map(|v| v.to_string()));
        add("external_id", self.external_id.clone());
        add("order_by", self.order_by.clone());
        add("limit", self.limit.map(|v| v.to_string()));
        add("cursor", self.cursor.clone().filter(|c| !c.is_empty()));
        add("trashed", Some("false".into()));
        Ok(ApiRequest::get("/api/tickets", q))
    }

    /// Runs search-tickets.
    pub fn run(&self, c: &mut Client<'_>) -> Result<TicketPage, Error> {
        c.call(&self.request()?, parse_ticket_page)
    }
}

// ---- 3. create-ticket --------------------------------------------------------

impl CreateTicket {
    /// Checks the rules the spec and Gorgias impose.
    pub fn validate(&self) -> Result<(), Error> {
        check_channel(&self.channel)?;
        check_id("customerId", self.customer_id)?;
        check_one_of("status", self.status.as_deref(), STATUSES)?;
        if self.from_agent {
            match self.sender_user_id {
                None => {
                    return Err(Error::invalid("senderUserId", "is required when fromAgent is true"));
                }
                Some(id) => check_id("senderUserId", id)?,
            }
        }
        check_from_email(&self.channel, &self.from_email)?;
        check_email("fromEmail", self.from_email.as_deref())?;
        check_email("toEmail", self.to_email.as_deref())?;
        check_keys("ticket", self.idempotency_key.as_deref(), self.external_id.as_deref())
    }

    /// [`CreateTicket::request`] with idempotency key `key` as the ticket's `external_id`.
    pub fn keyed_request(&self, key: &str) -> Result<ApiRequest, Error> {
        let mut req = self.request()?;
        if let Some(Value::Object(body)) = req.body.as_mut() {
            body.insert("external_id".into(), key.into());
        }
        Ok(req)
    }

    /// `POST /api/tickets` with one message.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut msg = Map::new();
        msg.insert("channel".into(), self.channel.clone().into());
        msg.insert("via".into(), "api".into());
        msg.insert("from_agent".into(), self.from_agent.into());
        put(&mut msg, "subject", self.subject.clone());
        put(&mut msg, "body_text", self.body_text.clone());
        put(&mut msg, "body_html", self.body_html.clone());
        match (self.from_agent, self.sender_user_id) {
            (true, Some(agent)) => {
                msg.insert("sender".into(), id_ref(agent));
                msg.insert("receiver".into(), id_ref(self.customer_id));
            }
            _ => {
                msg.insert("sender".into(), id_ref(self.customer_id));
            }
        }
        put(
            &mut msg,
            "source",
            source(
                &self.channel,
                (&self.from_email, &self.from_name),
                (&self.to_email, &self.to_name),
            ),
        );
        let mut body = Map::new();
        body.insert("channel".into(), self.channel.clone().into());
        body.insert("via".into(), "api".into());
        body.insert("from_agent".into(), self.from_agent.into());
        body.insert("customer".into(), id_ref(self.customer_id));
        put(&mut body, "subject", self.subject.clone());
        put(&mut body, "status", self.status.clone());
        body.insert("messages".into(), Value::Array(vec![Value::Object(msg)]));
        Ok(ApiRequest::with_body(Method::Post, "/api/tickets", Value::Object(body)))
    }

    /// Runs create-ticket. Gorgias answers 200 or 201 with the ticket, or
    /// sometimes an empty body: then the ticket is read back
    /// ([`CreateTicket::read_back`]).
    ///
    /// Exactly once (README "Exactly-once writes"): the ticket carries the
    /// idempotency key in its `external_id`; a caller's key that a ticket
    /// already carries answers that ticket (`replayed`), and a lost answer
    /// is settled by looking the key up ([`find_ticket_by_key`]).
    pub fn run(&self, c: &mut Client<'_>) -> Result<CreatedTicket, Error> {
        self.validate()?;
        let given = callers_key(self.idempotency_key.as_deref(), self.external_id.as_deref());
        let key = Key::new(c, given);
        let req = self.keyed_request(&key.value)?;
        match write_once(c, &req, &key, parse_created_ticket, |c| {
            find_ticket_by_key(c, &key.value)
        })? {
            Once::Written(Written::Record(t)) => Ok(t),
            Once::Written(Written::Empty(status)) => self.read_back(c, status),
            Once::Found { record, replayed } => Ok(CreatedTicket { replayed, ..record }),
        }
    }

    /// After an empty 2xx: the customer's newest tickets
    /// (`GET /api/tickets?customer_id=…&order_by=created_datetime:desc&limit=10`),
    /// the newest on this channel with this subject (when one was given).
    /// Gorgias answers no ID and no `Location`, so this is the only way back
    /// to it; when nothing matches, or the read fails, the error says the
    /// ticket was probably created (not retryable: a retry could create it twice).
    fn read_back(&self, c: &mut Client<'_>, status: u16) -> Result<CreatedTicket, Error> {
        let search = SearchTickets {
            customer_id: Some(self.customer_id),
            order_by: Some("created_datetime:desc".into()),
            limit: Some(READ_BACK_LIMIT),
            ..Default::default()
        };
        let page = search
            .run(c)
            .map_err(|e| not_read_back(c, status, &format!("reading it back failed ({e})")))?;
        let subject = self.subject.as_deref();
        page.tickets
            .into_iter()
            .find(|t| t.channel == self.channel && subject.is_none_or(|s| t.subject.as_deref() == Some(s)))
            .map(created_from)
            .ok_or_else(|| {
                not_read_back(
                    c,
                    status,
                    &format!(
                        "no ticket on this channel and subject is among customer {}'s {READ_BACK_LIMIT} newest",
                        self.customer_id
                    ),
                )
            })
    }
}

// ---- 4. update-ticket --------------------------------------------------------

impl UpdateTicket {
    /// Checks enums and that something changes.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        check_one_of("status", self.status.as_deref(), STATUSES)?;
        check_one_of("priority", self.priority.as_deref(), PRIORITIES)?;
        check_opt_id("assigneeUserId", self.assignee_user_id.flatten())?;
        check_opt_id("assigneeTeamId", self.assignee_team_id.flatten())?;
        if self.status.is_none()
            && self.priority.is_none()
            && self.assignee_user_id.is_none()
            && self.assignee_team_id.is_none()
            && self.subject.is_none()
        {
            return Err(Error::invalid(
                "status",
                "nothing to update: give at least one of status, priority, assigneeUserId, assigneeTeamId, subject",
            ));
        }
        Ok(())
    }

    /// `PUT /api/tickets/{id}` with only the changed fields; never `tags`
    /// (that would replace the ticket's whole tag set).
    pub fn request(&self) -> Result<ApiRequest, Error> {
        self.validate()?;
        let mut body = Map::new();
        put(&mut body, "status", self.status.clone());
        put(&mut body, "priority", self.priority.clone());
        // `null` unassigns (the ticket's own shape for "nobody"); absent leaves it.
        put(
            &mut body,
            "assignee_user",
            self.assignee_user_id.map(|a| a.map_or(Value::Null, id_ref)),
        );
        put(
            &mut body,
            "assignee_team",
            self.assignee_team_id.map(|a| a.map_or(Value::Null, id_ref)),
        );
        put(&mut body, "subject", self.subject.clone());
        Ok(ApiRequest::with_body(
            Method::Put,
            format!("/api/tickets/{}", self.ticket_id),
            Value::Object(body),
        ))
    }

    /// Runs update-ticket: Gorgias answers 200 or 202 with the ticket, or
    /// sometimes an empty body; then the ticket is read back with a GET.
    pub fn run(&self, c: &mut Client<'_>) -> Result<UpdatedTicket, Error> {
        let ticket = match write(c, &self.request()?, parse_ticket)? {
            Written::Record(t) => t,
            Written::Empty(_) => get_ticket(c, self.ticket_id)?,
        };
        Ok(updated_from(ticket))
    }
}

impl Operation for SearchTickets {
    const SPEC: &'static Spec = &Spec {
        name: "search-tickets",
        title: "Search Tickets",
        description: "List or filter Gorgias support tickets with cursor pagination.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/tickets",
        example: r#"{"customerId": 98765, "orderBy": "updated_datetime:desc", "limit": 50}"#,
        types: types::<Self>(),
    };
    type Output = TicketPage;
    fn run(self, c: &mut Client<'_>) -> Result<TicketPage, Error> {
        SearchTickets::run(&self, c)
    }
}

impl Operation for CreateTicket {
    const SPEC: &'static Spec = &Spec {
        name: "create-ticket",
        title: "Create Ticket",
        description: "Create a new Gorgias support ticket with an initial message. Exactly once: pass an idempotencyKey (any unique text) and reuse it if you retry; a repeat with the same key answers the first ticket (replayed: true) instead of creating it again.",
        access: Access::Write,
        idempotent: false,
        endpoint: "POST /api/tickets",
        example: r#"{"channel": "email", "customerId": 98765, "fromAgent": false, "subject": "Order hasn't shipped yet", "bodyText": "Hi, I placed order #1042 five days ago and it still shows as processing. Can you check on this?", "fromEmail": "customer@example.com", "toEmail": "support@yourstore.com"}"#,
        types: types::<Self>(),
    };
    type Output = CreatedTicket;
    fn run(self, c: &mut Client<'_>) -> Result<CreatedTicket, Error> {
        CreateTicket::run(&self, c)
    }
}

impl Operation for UpdateTicket {
    const SPEC: &'static Spec = &Spec {
        name: "update-ticket",
        title: "Update Ticket",
        description: "Update a Gorgias ticket — status, priority, assignee, or subject.",
        access: Access::Write,
        idempotent: true,
        endpoint: "PUT /api/tickets/{id}",
        example: r#"{"ticketId": 12345, "status": "closed", "priority": "high", "assigneeUserId": 4567}"#,
        types: types::<Self>(),
    };
    type Output = UpdatedTicket;
    /// It replaces the fields it is given (status, assignees, subject, ...).
    const DESTRUCTIVE: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<UpdatedTicket, Error> {
        UpdateTicket::run(&self, c)
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

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
    /// Whether a caller's idempotency key matched a ticket created before.
    #[schemars(
        description = "True when the idempotencyKey was already used: the ticket it created is answered and nothing is written; false when this call created the ticket"
    )]
    pub replayed: bool,
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
    /// Where the connector keeps a create's idempotency key.
    #[serde(default, deserialize_with = "crate::ops::wire::lenient_string")]
    external_id: Option<String>,
}

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
    parse_ticket(body).map(created_from)
}

/// A ticket → [`CreatedTicket`] (not replayed).
fn created_from(t: Ticket) -> CreatedTicket {
    CreatedTicket {
        ticket_id: t.id,
        status: t.status,
        channel: t.channel,
        created_datetime: t.created_datetime,
        replayed: false,
    }
}

/// `GET /api/tickets?external_id=<key>&order_by=created_datetime:asc&limit=10`:
/// the first ticket that carries idempotency key `key`. Gorgias lists trashed
/// tickets by default, and so they count: a trashed ticket was created.
pub fn find_ticket_by_key_request(key: &str) -> ApiRequest {
    ApiRequest::get(
        "/api/tickets",
        vec![
            ("external_id".into(), key.into()),
            ("order_by".into(), "created_datetime:asc".into()),
            ("limit".into(), KEY_LOOKUP_LIMIT.to_string()),
        ],
    )
}

/// The ticket that carries idempotency key `key`, if any ([`find_ticket_by_key_request`]).
pub fn find_ticket_by_key(c: &mut Client<'_>, key: &str) -> Result<Option<CreatedTicket>, Error> {
    let list = c.call(&find_ticket_by_key_request(key), decode::<ListAnswer<WireTicket>>)?;
    // Gorgias does not document its match on `external_id` as exact: check it.
    Ok(list
        .items
        .into_iter()
        .find(|t| t.external_id.as_deref() == Some(key))
        .map(|t| created_from(t.into())))
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

// ---- issue 21: tickets and tags ----------------------------------------------

/// Input of delete-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteTicket {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The Gorgias ticket ID to delete permanently, with its messages"
    )]
    pub ticket_id: u64,
}

/// What delete-ticket answers: `{"success": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TicketDeleted {
    /// Always true on success (failures are errors).
    #[schemars(description = "Whether the ticket was deleted (a ticket that does not exist is a not-found error)")]
    pub success: bool,
}

impl DeleteTicket {
    /// `DELETE /api/tickets/{id}` (no body).
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("ticketId", self.ticket_id)?;
        Ok(ApiRequest {
            method: Method::Delete,
            path: format!("/api/tickets/{}", self.ticket_id),
            query: Vec::new(),
            body: None,
        })
    }
}

impl Operation for DeleteTicket {
    const SPEC: &'static Spec = &Spec {
        name: "delete-ticket",
        title: "Delete Ticket",
        description: "Permanently delete a Gorgias ticket with its messages (not a move to the trash; there is no undo). A ticket that does not exist is a not-found error.",
        access: Access::All,
        // The same call twice leaves Gorgias as once (the second answers not-found).
        idempotent: true,
        endpoint: "DELETE /api/tickets/{id}",
        example: r#"{"ticketId": 12399}"#,
        types: types::<Self>(),
    };
    type Output = TicketDeleted;
    const DESTRUCTIVE: bool = true;
    fn run(self, c: &mut Client<'_>) -> Result<TicketDeleted, Error> {
        // Gorgias answers 204 with no body; any 2xx is success, whatever its body.
        c.call(&self.request()?, |_| Ok(()))?;
        Ok(TicketDeleted { success: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gorgias::request::Method;
    use crate::gorgias::testing::{Scripted, client, field};
    use serde_json::json;

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
            crate::ops::fields::decode::<UpdateTicket>(json.as_bytes())
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
            Scripted::json(200, include_str!("../../tests/fixtures/ticket.json")),
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

    const TICKET: &str = include_str!("../../tests/fixtures/ticket.json");
    const TICKET_LIST: &str = include_str!("../../tests/fixtures/tickets_list.json");
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

    // ---- issue 21: tickets and tags

    #[test]
    fn delete_ticket_sends_a_bare_delete_and_takes_any_2xx() {
        for (status, body) in [(204, ""), (200, ""), (200, "{}"), (202, "null")] {
            let mut t = Scripted::new(vec![Scripted::json(status, body)]);
            let out = Operation::run(DeleteTicket { ticket_id: 12399 }, &mut client(&mut t, "delete-ticket")).unwrap();
            assert!(out.success);
            assert_eq!(t.lines(), vec!["DELETE /api/tickets/12399"]);
            assert_eq!(t.bodies(), vec![None]);
        }
        let mut t = Scripted::new(vec![Scripted::json(404, r#"{"error":{"msg":"Resource not found."}}"#)]);
        let e = Operation::run(DeleteTicket { ticket_id: 7 }, &mut client(&mut t, "delete-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("not-found", false));
        let mut t = Scripted::default();
        let e = Operation::run(DeleteTicket { ticket_id: 0 }, &mut client(&mut t, "delete-ticket")).unwrap_err();
        assert_eq!(field(e), "ticketId");
        assert!(t.sent.is_empty());
    }

    #[test]
    fn delete_ticket_needs_access_all_and_is_destructive() {
        let spec = <DeleteTicket as Operation>::SPEC;
        assert_eq!(
            (spec.access, spec.destructive(), spec.idempotent),
            (Access::All, true, true)
        );
    }

    #[test]
    fn create_ticket_takes_the_ticket_from_a_200_or_a_201() {
        for status in [200, 201] {
            let mut t = Scripted::new(vec![Scripted::json(status, TICKET)]);
            let out = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap();
            assert_eq!(
                (out.ticket_id, out.status.as_str(), out.channel.as_str()),
                (12345, "open", "email")
            );
            assert_eq!(t.lines(), vec!["POST /api/tickets"]);
        }
    }

    #[test]
    fn create_ticket_with_an_empty_body_reads_the_newest_matching_ticket_back() {
        let list = r#"{"data":[
            {"id":3,"status":"open","channel":"email","subject":"Another subject","created_datetime":"2024-12-05T00:00:03"},
            {"id":2,"status":"open","channel":"chat","subject":"Order hasn't shipped yet","created_datetime":"2024-12-05T00:00:02"},
            {"id":1,"status":"open","channel":"email","subject":"Order hasn't shipped yet","created_datetime":"2024-12-05T00:00:01"},
            {"id":0,"status":"open","channel":"email","subject":"Order hasn't shipped yet","created_datetime":"2024-12-04T00:00:00"}
        ],"meta":{"next_cursor":null}}"#;
        let mut t = Scripted::new(vec![Scripted::json(201, "  "), Scripted::json(200, list)]);
        let out = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap();
        assert_eq!(
            out,
            CreatedTicket {
                ticket_id: 1,
                status: "open".into(),
                channel: "email".into(),
                created_datetime: Some("2024-12-05T00:00:01".into()),
                replayed: false,
            }
        );
        assert_eq!(
            t.lines(),
            vec![
                "POST /api/tickets",
                "GET /api/tickets?customer_id=98765&order_by=created_datetime%3Adesc&limit=10&trashed=false"
            ]
        );
        // No subject sent: the newest ticket on the channel.
        let mut t = Scripted::new(vec![Scripted::json(200, ""), Scripted::json(200, list)]);
        let no_subject = CreateTicket {
            subject: None,
            ..seed_create()
        };
        assert_eq!(
            no_subject.run(&mut client(&mut t, "create-ticket")).unwrap().ticket_id,
            3
        );
    }

    #[test]
    fn create_ticket_that_cannot_be_read_back_is_not_retryable() {
        let none = r#"{"data":[{"id":3,"status":"open","channel":"chat","subject":"x"}],"meta":{}}"#;
        let mut t = Scripted::new(vec![Scripted::json(201, ""), Scripted::json(200, none)]);
        let e = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(
            e.message()
                .starts_with("create-ticket: Gorgias answered 201 with an empty body"),
            "{e}"
        );
        // The read itself fails: the same, with the cause.
        let mut t = Scripted::new(vec![
            Scripted::json(201, ""),
            Scripted::json(403, r#"{"error":{"msg":"nope"}}"#),
        ]);
        let e = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(
            e.message().contains("reading it back failed") && e.message().contains("nope"),
            "{e}"
        );
    }

    #[test]
    fn update_ticket_takes_the_ticket_from_a_200_or_a_202_body() {
        for status in [200, 202] {
            let mut t = Scripted::new(vec![Scripted::json(status, TICKET)]);
            let u = UpdateTicket {
                ticket_id: 12345,
                status: Some("open".into()),
                ..Default::default()
            };
            assert_eq!(u.run(&mut client(&mut t, "update-ticket")).unwrap().ticket_id, 12345);
            assert_eq!(t.lines(), vec!["PUT /api/tickets/12345"]);
        }
        let mut t = Scripted::new(vec![Scripted::json(200, "<html>")]);
        let u = UpdateTicket {
            ticket_id: 12345,
            status: Some("open".into()),
            ..Default::default()
        };
        let e = u.run(&mut client(&mut t, "update-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("invalid-response", false));
        assert!(e.message().contains("PUT /api/tickets/12345"), "{e}");
    }

    // ---- issue 18: exactly-once writes

    use crate::gorgias::transport::TransportError;

    fn keyed(key: &str) -> CreateTicket {
        CreateTicket {
            idempotency_key: Some(key.into()),
            ..seed_create()
        }
    }

    fn with_key(key: &str) -> String {
        let ticket: Value = serde_json::from_str(TICKET).unwrap();
        let mut t = ticket.clone();
        t["external_id"] = key.into();
        json!({"data": [t], "meta": {"next_cursor": null}}).to_string()
    }

    const NONE: &str = r#"{"data": [], "meta": {"next_cursor": null}}"#;
    const LOOKUP: &str = "GET /api/tickets?external_id=k-1&order_by=created_datetime%3Aasc&limit=10";

    #[test]
    fn the_key_is_the_tickets_external_id_the_callers_or_a_fresh_one() {
        let mut t = Scripted::new(vec![Scripted::json(201, TICKET)]);
        let out = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap();
        assert!(!out.replayed);
        assert_eq!(t.lines(), ["POST /api/tickets"], "a fresh key is not looked up first");
        let sent = t.bodies()[0].clone().unwrap();
        let key = sent["external_id"].as_str().unwrap();
        assert!(key.starts_with("gc-") && key.len() == 35, "{key}");
        // Two calls, two keys.
        let mut t2 = Scripted::new(vec![Scripted::json(201, TICKET)]);
        seed_create().run(&mut client(&mut t2, "create-ticket")).unwrap();
        assert_ne!(t2.bodies()[0].clone().unwrap()["external_id"], sent["external_id"]);
        // The caller's key: looked up first, then written.
        let mut t = Scripted::new(vec![Scripted::json(200, NONE), Scripted::json(201, TICKET)]);
        keyed("k-1").run(&mut client(&mut t, "create-ticket")).unwrap();
        assert_eq!(t.lines(), [LOOKUP, "POST /api/tickets"]);
        assert_eq!(t.bodies()[1].clone().unwrap()["external_id"], "k-1");
        // The caller's externalId is the key: looked up first, then written.
        let mut t = Scripted::new(vec![Scripted::json(200, NONE), Scripted::json(201, TICKET)]);
        let own = CreateTicket {
            external_id: Some("k-1".into()),
            ..seed_create()
        };
        own.run(&mut client(&mut t, "create-ticket")).unwrap();
        assert_eq!(t.lines(), [LOOKUP, "POST /api/tickets"]);
        assert_eq!(t.bodies()[1].clone().unwrap()["external_id"], "k-1");
        // Both given is refused, equal or not, before anything is sent.
        for k in ["k-1", "k-2"] {
            let mut t = Scripted::default();
            let both = CreateTicket {
                external_id: Some("k-1".into()),
                ..keyed(k)
            };
            let e = both.run(&mut client(&mut t, "create-ticket")).unwrap_err();
            assert_eq!(field(e), "idempotencyKey");
            assert!(t.sent.is_empty());
        }
    }

    #[test]
    fn a_callers_key_that_a_ticket_carries_is_answered_without_writing() {
        let mut t = Scripted::new(vec![Scripted::json(200, &with_key("k-1"))]);
        let out = keyed("k-1").run(&mut client(&mut t, "create-ticket")).unwrap();
        assert_eq!((out.ticket_id, out.replayed), (12345, true));
        assert_eq!(t.lines(), [LOOKUP]);
        // A ticket whose external_id only resembles the key is not it.
        let mut t = Scripted::new(vec![
            Scripted::json(200, &with_key("k-10")),
            Scripted::json(201, TICKET),
        ]);
        assert!(!keyed("k-1").run(&mut client(&mut t, "create-ticket")).unwrap().replayed);
    }

    #[test]
    fn a_lost_answer_is_settled_by_the_key_found_or_resent() {
        // Timed out after it left, then found: answered as written, one POST.
        let mut t = Scripted::new(vec![
            Scripted::json(200, NONE),
            Err(TransportError::MaybeSent("first byte timeout".into())),
            Scripted::json(200, &with_key("k-1")),
        ]);
        let out = keyed("k-1").run(&mut client(&mut t, "create-ticket")).unwrap();
        assert_eq!((out.ticket_id, out.replayed), (12345, false));
        assert_eq!(t.lines(), [LOOKUP, "POST /api/tickets", LOOKUP]);
        assert_eq!(t.slept, [500], "the look-up waits the backoff first");
        // A 502, not found: resent (now safe), answered.
        let mut t = Scripted::new(vec![
            Scripted::json(502, "<html>bad gateway</html>"),
            Scripted::json(200, NONE),
            Scripted::json(201, TICKET),
        ]);
        let out = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap();
        assert_eq!(out.ticket_id, 12345);
        let lines = t.lines();
        assert_eq!(
            (lines[0].as_str(), lines[2].as_str()),
            ("POST /api/tickets", "POST /api/tickets")
        );
        assert!(lines[1].starts_with("GET /api/tickets?external_id=gc-"), "{lines:?}");
        assert_eq!(t.bodies()[0], t.bodies()[2], "the same key both times");
        // A body cut off: looked up too.
        let mut t = Scripted::new(vec![
            Scripted::json(200, NONE),
            Err(TransportError::Body {
                status: 201,
                message: "response body broke off".into(),
            }),
            Scripted::json(200, &with_key("k-1")),
        ]);
        assert_eq!(
            keyed("k-1")
                .run(&mut client(&mut t, "create-ticket"))
                .unwrap()
                .ticket_id,
            12345
        );
    }

    #[test]
    fn a_lost_answer_whose_key_cannot_be_looked_up_names_the_key() {
        let mut t = Scripted::new(vec![
            Err(TransportError::MaybeSent("first byte timeout".into())),
            Scripted::json(403, r#"{"error": {"msg": "nope"}}"#),
        ]);
        let e = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("transport", false));
        let key = t.bodies()[0].clone().unwrap()["external_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(e.message().contains(&format!("idempotencyKey {key:?}")), "{e}");
        assert!(e.message().contains("may have been applied"), "{e}");
        // With the caller's key, repeating the call is safe: retryable.
        let mut t = Scripted::new(vec![
            Scripted::json(200, NONE),
            Scripted::json(503, ""),
            Scripted::json(403, r#"{"error": {"msg": "nope"}}"#),
        ]);
        let e = keyed("k-1").run(&mut client(&mut t, "create-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("upstream", true));
        // Never found, attempts spent: retryable, the key named.
        let mut answers = Vec::new();
        for _ in 0..5 {
            answers.push(Scripted::json(502, ""));
            answers.push(Scripted::json(200, NONE));
        }
        let mut t = Scripted::new(answers);
        let e = seed_create().run(&mut client(&mut t, "create-ticket")).unwrap_err();
        assert_eq!((e.code(), e.retryable()), ("upstream", true));
        assert!(e.message().contains("no record carries its idempotency key"), "{e}");
        assert_eq!(t.lines().iter().filter(|l| l.starts_with("POST")).count(), 5);
    }

    #[test]
    fn the_key_is_checked_like_any_field() {
        for bad in ["", &"x".repeat(256)] {
            let mut t = Scripted::default();
            let e = keyed(bad).run(&mut client(&mut t, "create-ticket")).unwrap_err();
            assert_eq!(field(e), "idempotencyKey");
            assert!(t.sent.is_empty());
        }
        let mut t = Scripted::new(vec![Scripted::json(200, NONE), Scripted::json(201, TICKET)]);
        assert!(
            keyed(&"é".repeat(255))
                .run(&mut client(&mut t, "create-ticket"))
                .is_ok()
        );
    }
}
