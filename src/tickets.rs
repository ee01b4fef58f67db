//! Tickets: get, search, create and update. Each operation is its input
//! type (the route body, strict), its [`Operation`] entry (name, description,
//! parameters, annotations, kind), the Gorgias request it builds and the
//! mapping of the answer into its output type.

use crate::catalog::{self, Operation as Spec, PRIORITIES, STATUSES};
use crate::client::{ApiRequest, Client, Method, Transport};
use crate::error::Error;
use crate::model::{self, CreatedTicket, Ticket, TicketPage, UpdatedTicket};
use crate::ops::*;
use crate::params::{id as id_field, nullable_id, opt_id, opt_u32};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Input of get-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetTicket {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "The Gorgias ticket ID")]
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
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/tickets/{id}",
        example: r#"{"ticketId": 12345}"#,
        schemas: schemas::<Self>(),
    };
    type Output = TicketAnswer;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<TicketAnswer, Error> {
        get_ticket(c, self.ticket_id).map(|ticket| TicketAnswer { ticket })
    }
}

/// Filters for search-tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchTickets {
    /// `customer_id`.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(schema_with = "catalog::opt_id", description = "Filter by customer ID")]
    pub customer_id: Option<u64>,
    /// `view_id`.
    #[serde(default, deserialize_with = "opt_id")]
    #[schemars(
        schema_with = "catalog::opt_id",
        description = "Filter to tickets in a specific view. Use a view to filter by status, channel, or other criteria — those are not query params on /tickets"
    )]
    pub view_id: Option<u64>,
    /// `external_id`.
    #[schemars(description = "Filter by external ID")]
    pub external_id: Option<String>,
    /// `order_by`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_ticket_order",
        description = "Sort order: created_datetime or updated_datetime with :asc or :desc, e.g. \"updated_datetime:desc\" (Gorgias's default is created_datetime:desc)"
    )]
    pub order_by: Option<String>,
    /// `limit`.
    #[serde(default, deserialize_with = "opt_u32")]
    #[schemars(schema_with = "catalog::opt_limit", description = "Page size (max 100, default 30)")]
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
        schema_with = "catalog::channel",
        description = "Channel for the initial message (email, chat, sms, phone, etc.)"
    )]
    pub channel: String,
    /// Requesting customer.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "catalog::id",
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
        schema_with = "catalog::opt_id",
        description = "Agent user ID (required when fromAgent is true; ignored otherwise)"
    )]
    pub sender_user_id: Option<u64>,
    /// `open` or `closed`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_status",
        description = "Initial ticket status (open, closed). Defaults to open"
    )]
    pub status: Option<String>,
    /// `source.from.address`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_email",
        description = "Sender email address. Required for email-channel tickets — Gorgias rejects messages without source.from. For fromAgent=true use the agent email; for fromAgent=false use the customer email"
    )]
    pub from_email: Option<String>,
    /// `source.from.name`.
    #[schemars(description = "Sender display name (optional)")]
    pub from_name: Option<String>,
    /// `source.to[0].address`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_email",
        description = "Recipient email address. Recommended for email-channel tickets. For fromAgent=true use the customer email; for fromAgent=false use the support inbox"
    )]
    pub to_email: Option<String>,
    /// `source.to[0].name`.
    #[schemars(description = "Recipient display name (optional)")]
    pub to_name: Option<String>,
}

/// [`CreateTicket::validate`]'s cross-field rules: `senderUserId` when
/// `fromAgent` is true, `fromEmail` on the email channel.
fn create_ticket_rules(s: &mut schemars::Schema) {
    catalog::required_when(s, "fromAgent", true.into(), "senderUserId", catalog::not_null());
    catalog::required_when(s, "channel", "email".into(), "fromEmail", catalog::non_blank());
}

/// Input of update-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(transform = update_ticket_rules)]
pub struct UpdateTicket {
    /// Ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "catalog::id", description = "Ticket ID to update")]
    pub ticket_id: u64,
    /// `open` or `closed`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_status",
        description = "New status. Must be exactly \"open\" or \"closed\""
    )]
    pub status: Option<String>,
    /// `critical`, `high`, `normal`, `low`.
    #[serde(default)]
    #[schemars(
        schema_with = "catalog::opt_priority",
        description = "New priority. Must be exactly one of \"critical\", \"high\", \"normal\", \"low\""
    )]
    pub priority: Option<String>,
    /// Agent to assign (`Some(None)`: unassign; `None`: leave as is).
    #[serde(default, deserialize_with = "nullable_id")]
    #[schemars(
        schema_with = "catalog::nullable_id",
        description = "Agent user ID to assign the ticket to; null unassigns the agent, absent leaves it as is"
    )]
    pub assignee_user_id: Option<Option<u64>>,
    /// Team to assign (`Some(None)`: unassign; `None`: leave as is).
    #[serde(default, deserialize_with = "nullable_id")]
    #[schemars(
        schema_with = "catalog::nullable_id",
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
    let any = catalog::nullable_id_value();
    catalog::at_least_one_of(
        s,
        &[
            ("status", catalog::not_null()),
            ("priority", catalog::not_null()),
            ("assigneeUserId", any.clone()),
            ("assigneeTeamId", any),
            ("subject", catalog::not_null()),
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
pub fn get_ticket<T: Transport>(c: &mut Client<T>, ticket_id: u64) -> Result<Ticket, Error> {
    c.call(&get_ticket_request(ticket_id)?, model::parse_ticket)
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
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<TicketPage, Error> {
        c.call(&self.request()?, model::parse_ticket_page)
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
        Ok(())
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

    /// Runs create-ticket.
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<CreatedTicket, Error> {
        c.call(&self.request()?, model::parse_created_ticket)
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

    /// Runs update-ticket; an empty 2xx body is followed by a GET of the ticket.
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<UpdatedTicket, Error> {
        let body = c.call(&self.request()?, |b| Ok(b.to_vec()))?;
        let ticket = if body.iter().all(u8::is_ascii_whitespace) {
            get_ticket(c, self.ticket_id)?
        } else {
            model::parse_ticket(&body).map_err(|m| {
                c.finish(Error::InvalidResponse {
                    status: 200,
                    message: format!("unexpected response from PUT /api/tickets/{}: {m}", self.ticket_id),
                    retryable: false,
                })
            })?
        };
        Ok(model::updated_from(ticket))
    }
}

impl Operation for SearchTickets {
    const SPEC: &'static Spec = &Spec {
        name: "search-tickets",
        title: "Search Tickets",
        description: "List or filter Gorgias support tickets with cursor pagination.",
        read_only: true,
        idempotent: true,
        endpoint: "GET /api/tickets",
        example: r#"{"customerId": 98765, "orderBy": "updated_datetime:desc", "limit": 50}"#,
        schemas: schemas::<Self>(),
    };
    type Output = TicketPage;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<TicketPage, Error> {
        SearchTickets::run(&self, c)
    }
}

impl Operation for CreateTicket {
    const SPEC: &'static Spec = &Spec {
        name: "create-ticket",
        title: "Create Ticket",
        description: "Create a new Gorgias support ticket with an initial message.",
        read_only: false,
        idempotent: false,
        endpoint: "POST /api/tickets",
        example: r#"{"channel": "email", "customerId": 98765, "fromAgent": false, "subject": "Order hasn't shipped yet", "bodyText": "Hi, I placed order #1042 five days ago and it still shows as processing. Can you check on this?", "fromEmail": "customer@example.com", "toEmail": "support@yourstore.com"}"#,
        schemas: schemas::<Self>(),
    };
    type Output = CreatedTicket;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<CreatedTicket, Error> {
        CreateTicket::run(&self, c)
    }
}

impl Operation for UpdateTicket {
    const SPEC: &'static Spec = &Spec {
        name: "update-ticket",
        title: "Update Ticket",
        description: "Update a Gorgias ticket — status, priority, assignee, or subject.",
        read_only: false,
        idempotent: true,
        endpoint: "PUT /api/tickets/{id}",
        example: r#"{"ticketId": 12345, "status": "closed", "priority": "high", "assigneeUserId": 4567}"#,
        schemas: schemas::<Self>(),
    };
    type Output = UpdatedTicket;
    fn run<T: Transport>(self, c: &mut Client<T>) -> Result<UpdatedTicket, Error> {
        UpdateTicket::run(&self, c)
    }
}
