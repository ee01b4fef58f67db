//! The ten operations: typed inputs, validation, the Gorgias requests they
//! build, and how they run over a [`Client`].
//!
//! `validate` and `*_request` functions are pure; `run` functions only call
//! [`Client::call`], so every flow is testable with a scripted transport.

use crate::client::{ApiRequest, Client, Method, Transport};
use crate::error::Error;
use crate::params::{id, id_list, list, opt_id, opt_u32};
use serde::Deserialize;
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;
use crate::model::{self, CreatedTicket, Customer, MessagePage, Note, Reply, Tag, Ticket, TicketPage, UpdatedTicket};

/// Filters for search-tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchTickets {
    /// `customer_id`.
    #[serde(default, deserialize_with = "opt_id")]
    pub customer_id: Option<u64>,
    /// `view_id`.
    #[serde(default, deserialize_with = "opt_id")]
    pub view_id: Option<u64>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `order_by`.
    pub order_by: Option<String>,
    /// `limit`.
    #[serde(default, deserialize_with = "opt_u32")]
    pub limit: Option<u32>,
    /// `cursor`.
    pub cursor: Option<String>,
}

/// Input of create-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTicket {
    /// Channel of the initial message.
    pub channel: String,
    /// Requesting customer.
    #[serde(deserialize_with = "id")]
    pub customer_id: u64,
    /// Whether an agent writes the first message.
    pub from_agent: bool,
    /// Subject.
    pub subject: Option<String>,
    /// Plain text.
    pub body_text: Option<String>,
    /// HTML.
    pub body_html: Option<String>,
    /// Agent (required when `from_agent`).
    #[serde(default, deserialize_with = "opt_id")]
    pub sender_user_id: Option<u64>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// `source.from.address`.
    pub from_email: Option<String>,
    /// `source.from.name`.
    pub from_name: Option<String>,
    /// `source.to[0].address`.
    pub to_email: Option<String>,
    /// `source.to[0].name`.
    pub to_name: Option<String>,
}

/// Input of update-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateTicket {
    /// Ticket.
    #[serde(deserialize_with = "id")]
    pub ticket_id: u64,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// `critical`, `high`, `normal`, `low`.
    pub priority: Option<String>,
    /// Agent to assign.
    #[serde(default, deserialize_with = "opt_id")]
    pub assignee_user_id: Option<u64>,
    /// Team to assign.
    #[serde(default, deserialize_with = "opt_id")]
    pub assignee_team_id: Option<u64>,
    /// New subject.
    pub subject: Option<String>,
}

/// Input of reply-to-ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReplyToTicket {
    /// Ticket.
    #[serde(deserialize_with = "id")]
    pub ticket_id: u64,
    /// Channel of the reply.
    pub channel: String,
    /// Sending agent.
    #[serde(deserialize_with = "id")]
    pub sender_user_id: u64,
    /// Plain text.
    pub body_text: Option<String>,
    /// HTML.
    pub body_html: Option<String>,
    /// Receiving customer.
    #[serde(default, deserialize_with = "opt_id")]
    pub receiver_customer_id: Option<u64>,
    /// `source.from.address`.
    pub from_email: Option<String>,
    /// `source.from.name`.
    pub from_name: Option<String>,
    /// `source.to[0].address`.
    pub to_email: Option<String>,
    /// `source.to[0].name`.
    pub to_name: Option<String>,
}

/// Input of add-internal-note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddInternalNote {
    /// Ticket.
    #[serde(deserialize_with = "id")]
    pub ticket_id: u64,
    /// Authoring agent.
    #[serde(deserialize_with = "id")]
    pub sender_user_id: u64,
    /// Plain text.
    pub body_text: Option<String>,
    /// HTML.
    pub body_html: Option<String>,
}

/// Input of get-ticket-messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetTicketMessages {
    /// Ticket.
    #[serde(deserialize_with = "id")]
    pub ticket_id: u64,
    /// Page size.
    #[serde(default, deserialize_with = "opt_u32")]
    pub limit: Option<u32>,
    /// Cursor.
    pub cursor: Option<String>,
}

/// Input of add-ticket-tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddTicketTags {
    /// Ticket.
    #[serde(deserialize_with = "id")]
    pub ticket_id: u64,
    /// Names (created when missing).
    #[serde(default, deserialize_with = "list")]
    pub tag_names: Vec<String>,
    /// Existing tag IDs.
    #[serde(default, deserialize_with = "id_list")]
    pub tag_ids: Vec<u64>,
}

// ---- validation helpers ------------------------------------------------------

const STATUSES: [&str; 2] = ["open", "closed"];
const PRIORITIES: [&str; 4] = ["critical", "high", "normal", "low"];

fn check_id(field: &str, id: u64) -> Result<(), Error> {
    if id == 0 {
        return Err(Error::invalid(field, "must be a positive integer"));
    }
    Ok(())
}

fn check_opt_id(field: &str, id: Option<u64>) -> Result<(), Error> {
    id.map_or(Ok(()), |i| check_id(field, i))
}

fn check_one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), Error> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(Error::invalid(
            field,
            format!("must be exactly one of {}; got {:?}", allowed.join(", "), truncated(v)),
        )),
        _ => Ok(()),
    }
}

fn check_limit(limit: Option<u32>) -> Result<(), Error> {
    match limit {
        Some(l) if !(1..=100).contains(&l) => {
            Err(Error::invalid("limit", format!("must be between 1 and 100; got {l}")))
        }
        _ => Ok(()),
    }
}

fn check_non_empty(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required and must not be empty"));
    }
    Ok(())
}

fn check_email(field: &str, value: Option<&str>) -> Result<(), Error> {
    if let Some(v) = value {
        let ok = v.len() <= 320
            && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(v.split_once('@'), Some((l, d)) if !l.is_empty() && !d.is_empty() && !d.contains('@'));
        if !ok {
            return Err(Error::invalid(field, "must be an email address like name@example.com"));
        }
    }
    Ok(())
}

fn check_body(text: &Option<String>, html: &Option<String>) -> Result<(), Error> {
    let empty = |b: &Option<String>| b.as_deref().is_none_or(|s| s.trim().is_empty());
    if empty(text) && empty(html) {
        return Err(Error::invalid("bodyText", "bodyText or bodyHtml is required"));
    }
    Ok(())
}

fn check_from_email(channel: &str, from_email: &Option<String>) -> Result<(), Error> {
    if channel == "email" && from_email.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(Error::invalid(
            "fromEmail",
            "is required for email-channel messages (Gorgias rejects them without source.from)",
        ));
    }
    Ok(())
}

fn check_channel(channel: &str) -> Result<(), Error> {
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

fn truncated(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Inserts `key: value` when `value` is `Some`.
fn put<V: Into<Value>>(m: &mut Map, key: &'static str, value: Option<V>) {
    if let Some(v) = value {
        m.insert(key.into(), v.into());
    }
}

/// The `source` envelope (`from`, `to`) when any address is given.
fn source(
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
        if let Some(o) = &self.order_by {
            let ok = match o.split_once(':') {
                Some((f, d)) => {
                    !f.is_empty()
                        && f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                        && (d == "asc" || d == "desc")
                }
                None => false,
            };
            if !ok {
                return Err(Error::invalid(
                    "orderBy",
                    "must be <field>:<asc|desc>, e.g. updated_datetime:desc",
                ));
            }
        }
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
        check_one_of("status", self.status.as_deref(), &STATUSES)?;
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
        check_one_of("status", self.status.as_deref(), &STATUSES)?;
        check_one_of("priority", self.priority.as_deref(), &PRIORITIES)?;
        check_opt_id("assigneeUserId", self.assignee_user_id)?;
        check_opt_id("assigneeTeamId", self.assignee_team_id)?;
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
        put(&mut body, "assignee_user", self.assignee_user_id.map(id_ref));
        put(&mut body, "assignee_team", self.assignee_team_id.map(id_ref));
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
        let mut q = vec![("ticket_id".to_string(), self.ticket_id.to_string())];
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

// ---- 8. list-ticket-tags -----------------------------------------------------

/// `GET /api/tickets/{id}/tags`.
pub fn list_ticket_tags_request(ticket_id: u64) -> Result<ApiRequest, Error> {
    check_id("ticketId", ticket_id)?;
    Ok(ApiRequest::get(format!("/api/tickets/{ticket_id}/tags"), vec![]))
}

/// Runs list-ticket-tags.
pub fn list_ticket_tags<T: Transport>(c: &mut Client<T>, ticket_id: u64) -> Result<Vec<Tag>, Error> {
    c.call(&list_ticket_tags_request(ticket_id)?, model::parse_tags)
}

// ---- 9. add-ticket-tags ------------------------------------------------------

impl AddTicketTags {
    /// Checks that something is given, names are usable and ids positive.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        if self.tag_names.is_empty() && self.tag_ids.is_empty() {
            return Err(Error::invalid(
                "tagNames",
                "give tagNames, tagIds, or both (at least one tag)",
            ));
        }
        for (i, n) in self.tag_names.iter().enumerate() {
            if n.trim().is_empty() {
                return Err(Error::invalid(&format!("tagNames[{i}]"), "must not be empty"));
            }
            if n.chars().count() > 255 {
                return Err(Error::invalid(
                    &format!("tagNames[{i}]"),
                    "must be at most 255 characters",
                ));
            }
        }
        for (i, id) in self.tag_ids.iter().enumerate() {
            check_id(&format!("tagIds[{i}]"), *id)?;
        }
        if self.tag_names.len() + self.tag_ids.len() > 100 {
            return Err(Error::invalid("tagNames", "at most 100 tags per call"));
        }
        Ok(())
    }

    /// The distinct names, trimmed, in first-seen order.
    fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in &self.tag_names {
            let n = n.trim().to_string();
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// Resolves names to ids (creating missing tags), then adds all ids.
    ///
    /// Repeating the call converges: found names are reused, a 409 on create
    /// means another caller created the tag meanwhile, and the final POST is additive.
    pub fn run<T: Transport>(&self, c: &mut Client<T>) -> Result<bool, Error> {
        self.validate()?;
        let mut ids: Vec<u64> = Vec::new();
        for name in self.names() {
            let id = match find_tag(c, &name)? {
                Some(id) => id,
                None => match c.call(&create_tag_request(&name), model::parse_tag) {
                    Ok(tag) => tag.id,
                    Err(Error::Conflict(_)) => find_tag(c, &name)?.ok_or_else(|| {
                        Error::Conflict(crate::error::ApiError {
                            status: 409,
                            message: format!("{}: tag {name:?} exists but could not be found by search", c.operation),
                            field_errors: vec![],
                            retryable: true,
                        })
                    })?,
                    Err(e) => return Err(e),
                },
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for id in &self.tag_ids {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        c.call(&apply_tags_request(self.ticket_id, &ids), |_| Ok(()))?;
        Ok(true)
    }
}

/// `GET /api/tags?search=<name>&limit=100`.
pub fn search_tags_request(name: &str) -> ApiRequest {
    ApiRequest::get(
        "/api/tags",
        vec![("search".into(), name.into()), ("limit".into(), "100".into())],
    )
}

/// `POST /api/tags {"name": …}`.
pub fn create_tag_request(name: &str) -> ApiRequest {
    let mut body = Map::new();
    body.insert("name".into(), name.into());
    ApiRequest::with_body(Method::Post, "/api/tags", Value::Object(body))
}

/// `POST /api/tickets/{id}/tags {"ids": […]}` (additive).
pub fn apply_tags_request(ticket_id: u64, ids: &[u64]) -> ApiRequest {
    let mut body = Map::new();
    body.insert("ids".into(), ids.iter().map(|&id| Value::from(id)).collect());
    ApiRequest::with_body(
        Method::Post,
        format!("/api/tickets/{ticket_id}/tags"),
        Value::Object(body),
    )
}

/// Search is case-insensitive and fuzzy; tag names are case sensitive, so
/// only an exact match counts.
fn find_tag<T: Transport>(c: &mut Client<T>, name: &str) -> Result<Option<u64>, Error> {
    let tags = c.call(&search_tags_request(name), model::parse_tags)?;
    Ok(tags.into_iter().find(|t| t.name == name).map(|t| t.id))
}

// ---- 10. find-customer-by-email ----------------------------------------------

/// `GET /api/customers?email=…`.
pub fn find_customer_request(email: &str) -> Result<ApiRequest, Error> {
    check_non_empty("email", email)?;
    check_email("email", Some(email.trim()))?;
    Ok(ApiRequest::get(
        "/api/customers",
        vec![("email".into(), email.trim().into())],
    ))
}

/// Runs find-customer-by-email.
pub fn find_customer_by_email<T: Transport>(c: &mut Client<T>, email: &str) -> Result<Vec<Customer>, Error> {
    c.call(&find_customer_request(email)?, model::parse_customers)
}

/// `{"id": id}`: how Gorgias refers to a user, customer or team (one
/// function instead of a `json!` expansion at every use).
fn id_ref(id: u64) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), id.into());
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::RetryPolicy;
    use crate::client::tests::{Scripted, conn};
    use serde_json::json;

    fn client<'a>(t: &'a mut Scripted, op: &'static str) -> Client<'a, Scripted> {
        Client::new(t, &conn(), None, RetryPolicy::default(), op).unwrap()
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
            assignee_user_id: Some(4567),
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
        };
        assert_eq!(
            g.request().unwrap().path_and_query(),
            "/api/messages?ticket_id=12345&limit=50&cursor=abc%3D"
        );
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
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap());
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
        assert!(a.run(&mut client(&mut t, "add-ticket-tags")).unwrap());
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
    fn customer_lookup_encodes_email() {
        assert_eq!(
            find_customer_request("customer@example.com").unwrap().path_and_query(),
            "/api/customers?email=customer%40example.com"
        );
        assert_eq!(field(find_customer_request("").unwrap_err()), "email");
        assert_eq!(field(find_customer_request("not-an-email").unwrap_err()), "email");
    }
}
