//! The operation catalog: the one source of truth for names, descriptions,
//! parameter schemas, output schemas and MCP annotations.
//!
//! The HTTP routes ([`crate::router`]) take their parameter names from here
//! (the input types in [`crate::ops`] accept exactly these), the MCP tools
//! ([`crate::mcp`]) and the OpenAPI document ([`crate::openapi`]) are generated
//! from it. Descriptions are the spec's text.

use crate::error::Error;
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// JSON type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A whole number (IDs and limits; numeric strings are also accepted).
    Integer,
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// An array of strings.
    StringArray,
    /// An array of whole numbers (IDs).
    IntegerArray,
}

/// One parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The spec's camelCase name.
    pub name: &'static str,
    /// Its JSON type.
    pub ty: Ty,
    /// Whether it must be given (optional ones may also be `null`).
    pub required: bool,
    /// The spec's description.
    pub description: &'static str,
    /// The only accepted values, when the spec fixes them.
    pub allowed: &'static [&'static str],
    /// Smallest accepted value (integers, and the items of integer arrays).
    pub minimum: Option<u64>,
    /// Largest accepted value.
    pub maximum: Option<u64>,
    /// Whether `null` means something of its own ("clear it"), so the
    /// schema's type also lists `"null"`.
    pub nullable: bool,
}

/// What an operation returns (its `200` body); see [`Output::schema`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `{"ticket": Ticket}`.
    Ticket,
    /// `{"tickets": [Ticket], "nextCursor": …}`.
    TicketPage,
    /// `{"ticketId", "status", "channel", "createdDatetime"}`.
    CreatedTicket,
    /// `{"ticketId", "status", "priority", "assignee_user_id", …}`.
    UpdatedTicket,
    /// `{"messageId", "ticketId", "channel", "public", "createdDatetime"}`.
    Reply,
    /// `{"messageId", "ticketId", "createdDatetime"}`.
    Note,
    /// `{"messages": [Message], "nextCursor": …}`.
    MessagePage,
    /// `{"tags": [Tag]}`.
    Tags,
    /// `{"success": true}`.
    Success,
    /// `{"customers": [Customer]}`.
    Customers,
    /// `{"success": true}` of remove-ticket-tags.
    TagsRemoved,
    /// `{"success": true}` of set-ticket-tags.
    TagsSet,
    /// `{"tags": [Tag], "nextCursor": …}`.
    TagPage,
    /// `{"views": [View], "nextCursor": …}`.
    ViewPage,
    /// `{"users": [User], "nextCursor": …}`.
    UserPage,
    /// `{"teams": [Team], "nextCursor": …}`.
    TeamPage,
    /// `{"customer": Customer}`.
    Customer,
}

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Kebab-case name: the WIT function, the route and the MCP tool.
    pub name: &'static str,
    /// The spec's title ("Get Ticket").
    pub title: &'static str,
    /// The spec's description.
    pub description: &'static str,
    /// Whether it only reads (a "Query" in the spec).
    pub read_only: bool,
    /// Whether sending the same call twice leaves Gorgias as one call does.
    pub idempotent: bool,
    /// The Gorgias endpoint(s) it calls.
    pub endpoint: &'static str,
    /// Its parameters, in the spec's order.
    pub params: &'static [Param],
    /// What it returns.
    pub output: Output,
    /// The spec's "Example Usage" arguments, as JSON.
    pub example: &'static str,
}

pub(crate) const fn param(name: &'static str, ty: Ty, required: bool, description: &'static str) -> Param {
    Param {
        name,
        ty,
        required,
        description,
        allowed: &[],
        minimum: None,
        maximum: None,
        nullable: false,
    }
}

pub(crate) const fn id(name: &'static str, required: bool, description: &'static str) -> Param {
    Param {
        minimum: Some(1),
        ..param(name, Ty::Integer, required, description)
    }
}

pub(crate) const fn text(name: &'static str, required: bool, description: &'static str) -> Param {
    param(name, Ty::String, required, description)
}

pub(crate) const LIMIT: Param = Param {
    minimum: Some(1),
    maximum: Some(100),
    ..param("limit", Ty::Integer, false, "Page size (max 100, default 30)")
};

pub(crate) const CURSOR: Param = text("cursor", false, "Pagination cursor from a prior response");

/// Ticket statuses the spec allows.
pub const STATUSES: &[&str] = &["open", "closed"];
/// Ticket priorities the spec allows.
pub const PRIORITIES: &[&str] = &["critical", "high", "normal", "low"];

/// Every operation's entry, in the spec's order: derived from the registry
/// ([`crate::ops::OPERATIONS`]); each entry lives with its operation in the
/// file of its resource.
pub use crate::ops::OPERATIONS;

/// Looks an operation up by name.
pub fn operation(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|o| o.name == name)
}

/// The operations a connector in `read_only` mode offers (all of them otherwise).
pub fn available(read_only: bool) -> impl Iterator<Item = &'static Operation> {
    OPERATIONS.iter().copied().filter(move |o| o.read_only || !read_only)
}

/// Refuses a mutation when the operator set `read_only = true`: a
/// `configuration` error (nothing is sent to Gorgias).
pub fn check_allowed(op: &Operation, read_only: bool) -> Result<(), Error> {
    if read_only && !op.read_only {
        return Err(Error::Configuration(format!(
            "{}: the connector is in read-only mode (read_only = true); mutations are disabled",
            op.name
        )));
    }
    Ok(())
}

impl Operation {
    /// The parameter names, in order (what the operation's input type accepts).
    pub fn param_names(&self) -> Vec<&'static str> {
        self.params.iter().map(|p| p.name).collect()
    }

    /// JSON Schema (2020-12 subset) of the parameters object.
    pub fn input_schema(&self) -> Value {
        let mut props = Map::new();
        for p in self.params {
            props.insert(p.name.into(), p.schema());
        }
        let required: Vec<&str> = self.params.iter().filter(|p| p.required).map(|p| p.name).collect();
        let mut s = Map::new();
        s.insert("type".into(), "object".into());
        s.insert("properties".into(), props.into());
        s.insert("required".into(), required.into());
        s.insert("additionalProperties".into(), false.into());
        s.into()
    }

    /// The spec's example arguments (an empty object if the table were wrong).
    pub fn example_args(&self) -> Value {
        serde_json::from_slice::<Value>(self.example.as_bytes()).unwrap_or_else(|_| Map::new().into())
    }

    /// JSON Schema of the `200` body (the MCP `structuredContent`).
    pub fn output_schema(&self) -> Value {
        self.output.schema()
    }
}

/// `{"type": ty}`.
fn typed_only(ty: &str) -> Value {
    let mut s = Map::new();
    s.insert("type".into(), ty.into());
    s.into()
}

impl Param {
    /// JSON Schema of this parameter.
    pub fn schema(&self) -> Value {
        let bounds = |s: &mut Map| {
            if let Some(m) = self.minimum {
                s.insert("minimum".into(), m.into());
            }
            if let Some(m) = self.maximum {
                s.insert("maximum".into(), m.into());
            }
        };
        let mut s = Map::new();
        match self.ty {
            Ty::Integer => {
                s.insert("type".into(), "integer".into());
                bounds(&mut s);
            }
            Ty::String => {
                s.insert("type".into(), "string".into());
            }
            Ty::Boolean => {
                s.insert("type".into(), "boolean".into());
            }
            Ty::StringArray => {
                s.insert("type".into(), "array".into());
                s.insert("items".into(), typed_only("string"));
            }
            Ty::IntegerArray => {
                let mut items = Map::new();
                items.insert("type".into(), "integer".into());
                bounds(&mut items);
                s.insert("type".into(), "array".into());
                s.insert("items".into(), items.into());
            }
        }
        if !self.allowed.is_empty() {
            s.insert("enum".into(), self.allowed.into());
        }
        if self.nullable
            && let Some(ty) = s.remove("type")
        {
            s.insert("type".into(), Value::Array(vec![ty, "null".into()]));
        }
        s.insert("description".into(), self.description.into());
        s.into()
    }
}

// ---- output schemas ------------------------------------------------------------
//
// Tables rather than `json!` trees: one loop over data is a fraction of the
// code the nested macro calls compiled to.

/// One property of a closed output object (every property always present).
enum Prop {
    /// `{"type": ty, "description": d}`.
    Field(&'static str, &'static str, &'static str),
    /// `{"type": [ty, "null"], "description": d}`.
    Nullable(&'static str, &'static str, &'static str),
    /// `{"type": "array", "items": <object>, "description": d}`.
    Array(&'static str, &'static [Prop], &'static str),
    /// A nested object, without description.
    Object(&'static str, &'static [Prop]),
}

use Prop::{Array, Field, Nullable, Object};

/// A closed object whose every property is always present.
fn object(props: &[Prop]) -> Value {
    object_map(props).into()
}

fn object_map(props: &[Prop]) -> Map {
    let mut m = Map::new();
    let mut required = Vec::new();
    for p in props {
        let (name, schema) = match p {
            Field(n, ty, d) => (n, typed((*ty).into(), d)),
            Nullable(n, ty, d) => (n, typed(Value::Array(vec![(*ty).into(), "null".into()]), d)),
            Array(n, items, d) => {
                let mut s = Map::new();
                s.insert("type".into(), "array".into());
                s.insert("description".into(), (*d).into());
                s.insert("items".into(), object(items));
                (n, s.into())
            }
            Object(n, props) => (n, object(props)),
        };
        required.push(Value::from(*name));
        m.insert((*name).into(), schema);
    }
    closed(m, required.into())
}

/// `{"type": "object", "properties", "required", "additionalProperties": false}`.
fn closed(properties: Map, required: Value) -> Map {
    let mut s = Map::new();
    s.insert("type".into(), "object".into());
    s.insert("properties".into(), properties.into());
    s.insert("required".into(), required);
    s.insert("additionalProperties".into(), false.into());
    s
}

fn typed(ty: Value, description: &str) -> Value {
    let mut s = Map::new();
    s.insert("type".into(), ty);
    s.insert("description".into(), description.into());
    s.into()
}

const TAG: &[Prop] = &[
    Field("id", "integer", "The tag ID"),
    Field("name", "string", "The tag name"),
];

const TICKET: &[Prop] = &[
    Field("id", "integer", "The ticket ID"),
    Nullable("subject", "string", "The ticket subject"),
    Field("status", "string", "The ticket status"),
    Field("channel", "string", "The channel the ticket came in on"),
    Nullable("priority", "string", "The ticket priority"),
    Nullable("customer_id", "integer", "The ID of the requesting customer"),
    Nullable("assignee_user_id", "integer", "The ID of the assigned agent"),
    Nullable("assignee_team_id", "integer", "The ID of the assigned team"),
    Array("tags", TAG, "Tags applied to the ticket"),
    Nullable("created_datetime", "string", "When the ticket was created"),
    Nullable("updated_datetime", "string", "When the ticket was last updated"),
];

const ATTACHMENT: &[Prop] = &[
    Nullable("url", "string", "The attachment URL"),
    Nullable("name", "string", "The attachment file name"),
    Nullable("content_type", "string", "The MIME type of the attachment"),
    Nullable("size", "integer", "The attachment size in bytes"),
    Nullable("public", "boolean", "Whether the attachment is customer-facing"),
];

const MESSAGE: &[Prop] = &[
    Field("id", "integer", "The message ID"),
    Field("ticket_id", "integer", "The ID of the parent ticket"),
    Field("channel", "string", "The channel the message was sent on"),
    Nullable("via", "string", "How the message was created"),
    Field("from_agent", "boolean", "Whether the message was authored by an agent"),
    Field("public", "boolean", "Whether the message is customer-facing"),
    Nullable("body_text", "string", "Plain-text body of the message"),
    Nullable("body_html", "string", "HTML body of the message"),
    Nullable("sender_id", "integer", "The ID of the sender"),
    Nullable("sender_type", "string", "The type of sender"),
    Nullable("created_datetime", "string", "When the message was created"),
    Array("attachments", ATTACHMENT, "Files attached to the message"),
];

const NEXT_CURSOR: &str = "Cursor for the next page of results";

const TICKET_TAG: &[Prop] = &[
    Field("id", "integer", "The tag ID"),
    Field("name", "string", "The tag name"),
    Nullable("description", "string", "The tag description"),
    Nullable("color", "string", "The tag color"),
];

const CUSTOMER: &[Prop] = &[
    Field("id", "integer", "The customer ID"),
    Nullable("name", "string", "The customer's full name"),
    Nullable("firstname", "string", "The customer's first name"),
    Nullable("lastname", "string", "The customer's last name"),
    Nullable("email", "string", "The customer's email address"),
    Nullable("external_id", "string", "The customer's external ID"),
    Nullable("created_datetime", "string", "When the customer was created"),
];

const VIEW: &[Prop] = &[
    Field("id", "integer", "The view ID (search-tickets' viewId)"),
    Nullable("name", "string", "The view name"),
    Nullable("category", "string", "The view category (user for user-created views)"),
    Nullable("visibility", "string", "public, shared or private"),
    Nullable("slug", "string", "The view's URL slug"),
    Nullable(
        "deactivated_datetime",
        "string",
        "When Gorgias deactivated the view (null while it is active)",
    ),
];

const USER: &[Prop] = &[
    Field("id", "integer", "The user ID (senderUserId, assigneeUserId)"),
    Nullable("name", "string", "The user's full name"),
    Nullable("firstname", "string", "The user's first name"),
    Nullable("lastname", "string", "The user's last name"),
    Nullable("email", "string", "The user's email address"),
    Nullable(
        "role",
        "string",
        "The user's role (admin, agent, basic-agent, bot, ...)",
    ),
];

const TEAM: &[Prop] = &[
    Field("id", "integer", "The team ID (assigneeTeamId)"),
    Nullable("name", "string", "The team name"),
    Nullable("description", "string", "The team description"),
];

impl Output {
    /// JSON Schema of this output, exactly what the route returns.
    pub fn schema(self) -> Value {
        let props: &[Prop] = match self {
            Output::Ticket => &[Object("ticket", TICKET)],
            Output::TicketPage => &[
                Array("tickets", TICKET, "The matching tickets"),
                Nullable("nextCursor", "string", NEXT_CURSOR),
            ],
            Output::CreatedTicket => &[
                Field("ticketId", "integer", "The ID of the created ticket"),
                Field("status", "string", "The ticket status"),
                Field("channel", "string", "The channel of the initial message"),
                Nullable("createdDatetime", "string", "When the ticket was created"),
            ],
            Output::UpdatedTicket => &[
                Field("ticketId", "integer", "The ID of the updated ticket"),
                Field("status", "string", "The ticket status"),
                Nullable("priority", "string", "The ticket priority"),
                Nullable("assignee_user_id", "integer", "The ID of the assigned agent"),
                Nullable("assignee_team_id", "integer", "The ID of the assigned team"),
                Nullable("updated_datetime", "string", "When the ticket was last updated"),
            ],
            Output::Reply => &[
                Field("messageId", "integer", "The ID of the created message"),
                Field("ticketId", "integer", "The ID of the ticket"),
                Field("channel", "string", "The channel of the reply"),
                Field("public", "boolean", "Whether the message is customer-facing"),
                Nullable("createdDatetime", "string", "When the reply was created"),
            ],
            Output::Note => &[
                Field("messageId", "integer", "The ID of the created note"),
                Field("ticketId", "integer", "The ID of the ticket"),
                Nullable("createdDatetime", "string", "When the note was created"),
            ],
            Output::MessagePage => &[
                Array("messages", MESSAGE, "The messages in the ticket thread"),
                Nullable("nextCursor", "string", NEXT_CURSOR),
            ],
            Output::Tags => &[Array("tags", TICKET_TAG, "The tags applied to the ticket")],
            Output::Success => &[Field(
                "success",
                "boolean",
                "Whether the tags were added successfully. Use List Ticket Tags to fetch the resulting tag set if needed",
            )],
            Output::Customers => &[Array("customers", CUSTOMER, "The matching customers")],
            Output::TagsRemoved => &[Field(
                "success",
                "boolean",
                "Whether the tags were removed (unknown names count as removed). Use List Ticket Tags to fetch the resulting tag set if needed",
            )],
            Output::TagsSet => &[Field(
                "success",
                "boolean",
                "Whether the ticket's tags were replaced. Use List Ticket Tags to fetch the resulting tag set if needed",
            )],
            Output::TagPage => &[
                Array("tags", TICKET_TAG, "The account's tags"),
                Nullable("nextCursor", "string", NEXT_CURSOR),
            ],
            Output::ViewPage => &[
                Array("views", VIEW, "The ticket views"),
                Nullable("nextCursor", "string", NEXT_CURSOR),
            ],
            Output::UserPage => &[
                Array("users", USER, "The helpdesk users"),
                Nullable("nextCursor", "string", NEXT_CURSOR),
            ],
            Output::TeamPage => &[
                Array("teams", TEAM, "The teams"),
                Nullable("nextCursor", "string", NEXT_CURSOR),
            ],
            Output::Customer => &[Object("customer", CUSTOMER)],
        };
        object(props)
    }
}

const FIELD_ERROR: &[Prop] = &[
    Field("field", "string", "The field Gorgias names"),
    Field("message", "string", "What Gorgias says about it"),
];

const ERROR_DETAIL: &[Prop] = &[
    Field(
        "code",
        "string",
        "Stable machine-readable case: invalid-input, configuration, unauthorized, forbidden, not-found, conflict, rate-limited, upstream, transport, invalid-response (operation errors), or unauthenticated, read-only, unknown-operation, method-not-allowed, payload-too-large, unsupported-media-type (request errors)",
    ),
    Field("message", "string", "What happened, naming the operation"),
    Field(
        "retryable",
        "boolean",
        "Whether sending the same call again can succeed",
    ),
    Field("field", "string", "invalid-input: the parameter at fault"),
    Field("upstreamStatus", "integer", "The HTTP status Gorgias answered"),
    Array("fieldErrors", FIELD_ERROR, "Gorgias's per-field messages"),
    Field("retryAfterSeconds", "integer", "rate-limited: seconds to wait"),
    Field(
        "requestSent",
        "boolean",
        "transport: false when the request certainly never left",
    ),
];

/// JSON Schema of every error body: `{"error": {"code", "message", "retryable", …}}`.
pub fn error_schema() -> Value {
    let mut detail = object_map(ERROR_DETAIL);
    detail.insert("required".into(), (&["code", "message", "retryable"][..]).into());
    let mut properties = Map::new();
    properties.insert("error".into(), detail.into());
    closed(properties, (&["error"][..]).into()).into()
}

/// Checks `value` against `schema`, for the JSON Schema subset the catalog
/// uses (`type`, `properties`, `required`, `additionalProperties: false`,
/// `items`, `enum`, `minimum`, `maximum`). Returns the first mismatch with
/// its JSON path. Used by tests to prove the schemas describe real answers.
pub fn check_schema(value: &Value, schema: &Value, path: &str) -> Result<(), String> {
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let matches = |t: &str| match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_u64() || value.is_i64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        };
        if !types.iter().any(|t| matches(t)) {
            return Err(format!("{path}: expected {types:?}, got {value}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return Err(format!("{path}: {value} is not one of {allowed:?}"));
    }
    // Only tests call this, so the float parser it links stays out of the component.
    let as_f64 = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    if let Some(n) = as_f64(value) {
        if schema.get("minimum").and_then(as_f64).is_some_and(|m| n < m) {
            return Err(format!("{path}: {n} is below the minimum"));
        }
        if schema.get("maximum").and_then(as_f64).is_some_and(|m| n > m) {
            return Err(format!("{path}: {n} is above the maximum"));
        }
    }
    if let Value::Object(o) = value {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(k) = r.as_str()
                && !o.contains_key(k)
            {
                return Err(format!("{path}: missing required {k}"));
            }
        }
        for (k, v) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check_schema(v, s, &format!("{path}.{k}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{path}: unexpected property {k}"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check_schema(v, s, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_unique_and_kebab_case() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 17);
        for o in OPERATIONS {
            assert!(
                o.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                o.name
            );
            let mut p = o.param_names();
            p.sort_unstable();
            p.dedup();
            assert_eq!(p.len(), o.params.len(), "duplicate parameter in {}", o.name);
        }
    }

    #[test]
    fn input_schema_carries_required_enums_and_limits() {
        let s = operation("update-ticket").unwrap().input_schema();
        assert_eq!(s["required"], json!(["ticketId"]));
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["ticketId"]["type"], "integer");
        assert_eq!(s["properties"]["ticketId"]["minimum"], 1);
        assert_eq!(s["properties"]["status"]["enum"], json!(["open", "closed"]));
        assert_eq!(
            s["properties"]["priority"]["enum"],
            json!(["critical", "high", "normal", "low"])
        );
        let s = operation("search-tickets").unwrap().input_schema();
        assert_eq!(s["required"], json!([]));
        assert_eq!(
            (
                &s["properties"]["limit"]["minimum"],
                &s["properties"]["limit"]["maximum"]
            ),
            (&json!(1), &json!(100))
        );
        let s = operation("create-ticket").unwrap().input_schema();
        assert_eq!(s["required"], json!(["channel", "customerId", "fromAgent"]));
        assert_eq!(s["properties"]["fromAgent"]["type"], "boolean");
        let s = operation("add-ticket-tags").unwrap().input_schema();
        assert_eq!(
            s["properties"]["tagIds"],
            json!({"type": "array", "items": {"type": "integer", "minimum": 1}, "description": "IDs of existing tags to add. Provide tagNames, tagIds, or both"})
        );
        assert_eq!(s["properties"]["tagNames"]["items"], json!({"type": "string"}));
    }

    #[test]
    fn update_ticket_assignees_are_nullable_in_the_schema() {
        let s = operation("update-ticket").unwrap().input_schema();
        assert_eq!(s["properties"]["assigneeUserId"]["type"], json!(["integer", "null"]));
        assert_eq!(s["properties"]["assigneeTeamId"]["type"], json!(["integer", "null"]));
        check_schema(&json!({"ticketId": 1, "assigneeUserId": null}), &s, "$").unwrap();
        assert!(check_schema(&json!({"ticketId": 1, "assigneeUserId": 0}), &s, "$").is_err());
        assert_eq!(s["properties"]["status"]["type"], "string");
    }

    #[test]
    fn read_only_mode_hides_and_refuses_mutations() {
        let ro: Vec<&str> = available(true).map(|o| o.name).collect();
        assert_eq!(
            ro,
            vec![
                "get-ticket",
                "search-tickets",
                "get-ticket-messages",
                "list-ticket-tags",
                "find-customer-by-email",
                "list-tags",
                "list-views",
                "list-users",
                "list-teams",
                "get-customer"
            ]
        );
        assert_eq!(available(false).count(), 17);
        let update = operation("update-ticket").unwrap();
        assert_eq!(check_allowed(update, true).unwrap_err().code(), "configuration");
        assert!(check_allowed(update, false).is_ok());
        assert!(check_allowed(operation("get-ticket").unwrap(), true).is_ok());
    }

    #[test]
    fn output_schemas_accept_the_spec_shapes_and_reject_others() {
        let ticket = json!({"id": 1, "subject": null, "status": "open", "channel": "email", "priority": null,
            "customer_id": 2, "assignee_user_id": null, "assignee_team_id": null, "tags": [{"id": 3, "name": "vip"}],
            "created_datetime": "2024-01-01T00:00:00", "updated_datetime": null});
        let get = operation("get-ticket").unwrap().output_schema();
        check_schema(&json!({"ticket": ticket}), &get, "$").unwrap();
        let mut missing = ticket.clone();
        missing.as_object_mut().unwrap().remove("tags");
        assert!(
            check_schema(&json!({"ticket": missing}), &get, "$")
                .unwrap_err()
                .contains("missing required tags")
        );
        let mut extra = ticket.clone();
        extra["customer"] = json!({});
        assert!(check_schema(&json!({"ticket": extra}), &get, "$").is_err());
        let mut wrong = ticket.clone();
        wrong["id"] = json!("1");
        assert!(check_schema(&json!({"ticket": wrong}), &get, "$").is_err());
        check_schema(
            &json!({"tickets": [ticket], "nextCursor": null}),
            &operation("search-tickets").unwrap().output_schema(),
            "$",
        )
        .unwrap();
        check_schema(
            &json!({"success": true}),
            &operation("add-ticket-tags").unwrap().output_schema(),
            "$",
        )
        .unwrap();
        check_schema(
            &json!({"error": {"code": "invalid-input", "message": "x", "retryable": false, "field": "ticketId"}}),
            &error_schema(),
            "$",
        )
        .unwrap();
    }

    #[test]
    fn spec_examples_fit_the_schemas_and_the_parser() {
        for o in OPERATIONS {
            let v: Value =
                serde_json::from_slice::<Value>(o.example.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", o.name));
            check_schema(&v, &o.input_schema(), "$").unwrap_or_else(|e| panic!("{}: {e}", o.name));
            assert_eq!(o.example_args(), v);
        }
    }

    #[test]
    fn input_schema_matches_the_validation() {
        let s = operation("get-ticket-messages").unwrap().input_schema();
        check_schema(&json!({"ticketId": 5, "limit": 100}), &s, "$").unwrap();
        assert!(check_schema(&json!({"ticketId": 5, "limit": 101}), &s, "$").is_err());
        assert!(check_schema(&json!({"ticketId": 0}), &s, "$").is_err());
        assert!(check_schema(&json!({"ticketId": 5, "page": 2}), &s, "$").is_err());
    }
}
