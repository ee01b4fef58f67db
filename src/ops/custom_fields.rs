//! Custom fields: the account's field definitions (list-custom-fields), a
//! ticket's values (list-ticket-custom-fields) and setting some of them
//! (set-ticket-custom-fields). Each operation is its input type, its
//! [`Operation`] entry, the Gorgias requests it builds and the mapping of
//! the answers.
//!
//! A value is text on every surface (WIT has no "string, number or boolean"
//! type the JSON could mirror): Gorgias's `"VIP"`, `3`, `2.5` and `true` are
//! `"VIP"`, `"3"`, `"2.5"` and `"true"`; the field's `data_type` (from
//! list-custom-fields) says how to read it. set-ticket-custom-fields turns
//! the text back into the field's type before sending it.

use crate::error::{ApiError, Error, FieldError};
use crate::gorgias::client::Client;
use crate::gorgias::request::{ApiRequest, Method};
use crate::ops::fields::{check_id, check_non_empty, check_one_of, id as id_field, list_query, opt_u32, truncated};
use crate::ops::operation::{Operation, types};
use crate::ops::spec::{Access, Spec};
use crate::ops::wire::{ListAnswer, decode, null_as_empty};
use crate::schema::{non_blank, one_of_strings};
use schemars::JsonSchema;
use schemars::{Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The objects custom fields belong to (`object_type`, case-sensitive).
pub const OBJECT_TYPES: &[&str] = &["Ticket", "Customer"];

/// At most this many values per set-ticket-custom-fields call.
pub const MAX_FIELDS: usize = 50;

/// How many pages of definitions (100 each) set-ticket-custom-fields reads
/// at most to find the fields a ticket has no value for yet.
const MAX_DEFINITION_PAGES: usize = 50;

/// list-custom-fields' optional `objectType`.
pub fn opt_object_type(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(OBJECT_TYPES)
}

/// A value to set: text with something other than whitespace.
fn value_text(_: &mut SchemaGenerator) -> Schema {
    Schema::try_from(non_blank()).unwrap_or_default()
}

// ---- list-custom-fields ------------------------------------------------------------

/// Input of list-custom-fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListCustomFields {
    /// `Ticket` (default) or `Customer`.
    #[serde(default)]
    #[schemars(
        schema_with = "opt_object_type",
        description = "Which object's fields to list: Ticket (default) or Customer (case-sensitive)"
    )]
    pub object_type: Option<String>,
    /// Text to match.
    #[schemars(description = "Only fields whose name matches this text (case-insensitive)")]
    pub search: Option<String>,
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
}

impl ListCustomFields {
    /// `GET /api/custom-fields?object_type=&search=&limit=&cursor=`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_one_of("objectType", self.object_type.as_deref(), OBJECT_TYPES)?;
        let object_type = self.object_type.as_deref().unwrap_or("Ticket");
        let mut q = vec![("object_type".to_string(), object_type.to_string())];
        q.extend(list_query(self.search.as_deref(), self.limit, self.cursor.as_deref())?);
        Ok(ApiRequest::get("/api/custom-fields", q))
    }
}

impl Operation for ListCustomFields {
    const SPEC: &'static Spec = &Spec {
        name: "list-custom-fields",
        title: "List Custom Fields",
        description: "List the Gorgias account's custom field definitions for tickets (default) or customers: the IDs set-ticket-custom-fields takes, each field's data_type (text, number, boolean) and, for dropdowns, its choices. Deactivated fields are listed too.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/custom-fields",
        example: r#"{"objectType": "Ticket", "limit": 30}"#,
        types: types::<Self>(),
    };
    type Output = CustomFieldPage;
    fn run(self, c: &mut Client<'_>) -> Result<CustomFieldPage, Error> {
        c.call(&self.request()?, parse_custom_field_page)
    }
}

// ---- list-ticket-custom-fields -----------------------------------------------------

/// Input of list-ticket-custom-fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListTicketCustomFields {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "Ticket whose custom field values to list"
    )]
    pub ticket_id: u64,
}

impl ListTicketCustomFields {
    /// `GET /api/tickets/{id}/custom-fields`.
    pub fn request(&self) -> Result<ApiRequest, Error> {
        check_id("ticketId", self.ticket_id)?;
        Ok(values_request(self.ticket_id))
    }
}

/// `GET /api/tickets/{id}/custom-fields`.
fn values_request(ticket_id: u64) -> ApiRequest {
    ApiRequest::get(format!("/api/tickets/{ticket_id}/custom-fields"), vec![])
}

impl Operation for ListTicketCustomFields {
    const SPEC: &'static Spec = &Spec {
        name: "list-ticket-custom-fields",
        title: "List Ticket Custom Fields",
        description: "List the custom field values set on a Gorgias ticket (fields without a value are left out). Values are text: numbers as digits, booleans as true or false; list-custom-fields gives each field's data_type.",
        access: Access::Read,
        idempotent: true,
        endpoint: "GET /api/tickets/{id}/custom-fields",
        example: r#"{"ticketId": 12345}"#,
        types: types::<Self>(),
    };
    type Output = TicketCustomFields;
    fn run(self, c: &mut Client<'_>) -> Result<TicketCustomFields, Error> {
        let values = c.call(&self.request()?, parse_values)?;
        Ok(ticket_values(&values))
    }
}

// ---- set-ticket-custom-fields ------------------------------------------------------

/// One value set-ticket-custom-fields sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldValue {
    /// The field.
    #[serde(deserialize_with = "id_field")]
    #[schemars(
        schema_with = "crate::schema::id",
        description = "The custom field ID (list-custom-fields); an ID given twice must carry the same value"
    )]
    pub id: u64,
    /// The value, as text.
    #[schemars(
        schema_with = "value_text",
        description = "The value as text, read as the field's data_type: text as is, number as a JSON number (\"3\", \"2.5\"), boolean as true or false; a dropdown's value must be one of its choices"
    )]
    pub value: String,
}

/// Input of set-ticket-custom-fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SetTicketCustomFields {
    /// The ticket.
    #[serde(deserialize_with = "id_field")]
    #[schemars(schema_with = "crate::schema::id", description = "Ticket whose custom fields to set")]
    pub ticket_id: u64,
    /// The values to set.
    #[schemars(
        length(min = 1, max = 50),
        description = "The values to set (1 to 50; a field ID given twice must carry the same value); the ticket's other fields keep their values"
    )]
    pub fields: Vec<FieldValue>,
}

impl SetTicketCustomFields {
    /// Checks the ticket, the count, the IDs (positive; one value per ID)
    /// and that every value has text.
    pub fn validate(&self) -> Result<(), Error> {
        check_id("ticketId", self.ticket_id)?;
        if self.fields.is_empty() || self.fields.len() > MAX_FIELDS {
            return Err(Error::invalid(
                "fields",
                format!("must hold 1 to {MAX_FIELDS} values; got {}", self.fields.len()),
            ));
        }
        for (i, f) in self.fields.iter().enumerate() {
            check_id(&format!("fields[{i}].id"), f.id)?;
            check_non_empty(&format!("fields[{i}].value"), &f.value)?;
            // The schema cannot say "each ID once"; a repeat of the same
            // value is harmless, two values for one field contradict each
            // other (422: well-formed, but cannot be applied).
            if self.fields[..i].iter().any(|g| g.id == f.id && g.value != f.value) {
                return Err(refused(
                    422,
                    &format!("fields[{i}].id"),
                    format!("field {} is given two different values", f.id),
                ));
            }
        }
        Ok(())
    }

    /// The whole list `PUT /api/tickets/{id}/custom-fields` takes: the
    /// ticket's `current` values with the named ones replaced, then the new
    /// ones in the order given. `definitions` must hold every named field.
    fn merged(&self, current: &[WireValue], definitions: &[WireField]) -> Result<Value, Error> {
        let mut named = Vec::with_capacity(self.fields.len());
        for (i, f) in self.fields.iter().enumerate() {
            if named.iter().any(|(id, _)| *id == f.id) {
                continue; // the same value again (validate refuses another)
            }
            let Some(def) = definitions.iter().find(|d| d.id == f.id) else {
                return Err(refused(
                    404,
                    &format!("fields[{i}].id"),
                    format!("no Ticket custom field has ID {} (list-custom-fields lists them)", f.id),
                ));
            };
            named.push((f.id, typed_value(def, &f.value, i)?));
        }
        let mut out: Vec<Value> = Vec::with_capacity(current.len() + named.len());
        for v in current {
            if let Some((_, new)) = named.iter().find(|(id, _)| *id == v.field.id) {
                out.push(pair(v.field.id, new.clone()));
            } else if let Some(old) = v.value.clone() {
                // Left out, Gorgias would delete it: send it back as it is.
                out.push(pair(v.field.id, old));
            }
        }
        for (id, new) in named {
            if !current.iter().any(|v| v.field.id == id) {
                out.push(pair(id, new));
            }
        }
        Ok(Value::Array(out))
    }

    /// Reads the ticket's values, the definitions of the named fields it has
    /// no value for (pages of `GET /api/custom-fields?object_type=Ticket`),
    /// sends the merged whole list, and answers the ticket's values after it
    /// (read back when the `PUT` answers an empty body).
    pub fn run(&self, c: &mut Client<'_>) -> Result<TicketCustomFields, Error> {
        self.validate()?;
        let current = c.call(&values_request(self.ticket_id), parse_values)?;
        let mut definitions: Vec<WireField> = current.iter().map(|v| v.field.clone()).collect();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_DEFINITION_PAGES {
            let missing = self.fields.iter().any(|f| !definitions.iter().any(|d| d.id == f.id));
            if !missing {
                break;
            }
            let list = ListCustomFields {
                object_type: Some("Ticket".into()),
                search: None,
                limit: Some(100),
                cursor: cursor.take(),
            };
            let page = c.call(&list.request()?, decode::<ListAnswer<WireField>>)?;
            definitions.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let body = self.merged(&current, &definitions)?;
        let path = format!("/api/tickets/{}/custom-fields", self.ticket_id);
        let put = ApiRequest::with_body(Method::Put, path, body);
        let answer = c.call(&put, |b| Ok(b.to_vec()))?;
        let values = if answer.iter().all(u8::is_ascii_whitespace) {
            c.call(&values_request(self.ticket_id), parse_values)?
        } else {
            parse_values(&answer).map_err(|m| {
                c.finish(Error::InvalidResponse {
                    status: 200,
                    message: format!(
                        "unexpected response from PUT /api/tickets/{}/custom-fields: {m}",
                        self.ticket_id
                    ),
                    retryable: false,
                })
            })?
        };
        Ok(ticket_values(&values))
    }
}

impl Operation for SetTicketCustomFields {
    const SPEC: &'static Spec = &Spec {
        name: "set-ticket-custom-fields",
        title: "Set Ticket Custom Fields",
        description: "Set one or more custom field values on a Gorgias ticket (by field ID, values as text: a number field takes \"3\", a boolean field true or false, a dropdown one of its choices). Gorgias replaces all of a ticket's values at once, so the connector reads the current values, merges the given ones in and sends the whole list: fields not named keep their values (a change made by someone else between that read and the write is overwritten). Answers the ticket's values afterwards.",
        access: Access::Write,
        // The same values sent twice leave the ticket as once.
        idempotent: true,
        endpoint: "GET /api/tickets/{id}/custom-fields, GET /api/custom-fields, PUT /api/tickets/{id}/custom-fields",
        example: r##"{"ticketId": 12345, "fields": [{"id": 201, "value": "#1042"}, {"id": 202, "value": "Shipping::Delay"}]}"##,
        types: types::<Self>(),
    };
    /// Replaces values (the named fields' old values are gone).
    const DESTRUCTIVE: bool = true;
    type Output = TicketCustomFields;
    fn run(self, c: &mut Client<'_>) -> Result<TicketCustomFields, Error> {
        SetTicketCustomFields::run(&self, c)
    }
}

/// A value the account's field definitions refuse, found before anything
/// is written: a well-formed request this account cannot take, so not
/// `invalid-input` (which says the request breaks the operation's schema)
/// but what Gorgias would answer, `not-found` (404) for an ID no Ticket
/// field has, `upstream` (422) for a value its field cannot hold; the
/// field error names `fields[i].id` or `fields[i].value`.
fn refused(status: u16, field: &str, message: String) -> Error {
    let api = ApiError {
        status,
        message: format!("{field}: {message}; nothing was written"),
        field_errors: vec![FieldError {
            field: field.to_string(),
            message,
        }],
        retryable: false,
    };
    if status == 404 {
        Error::NotFound(api)
    } else {
        Error::Upstream(api)
    }
}

/// `{"id": id, "value": value}`: one item of the `PUT` body.
fn pair(id: u64, value: Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), id.into());
    m.insert("value".into(), value);
    Value::Object(m)
}

/// `text` as field `def`'s JSON type, checked against its choices;
/// errors name `fields[i].value`.
fn typed_value(def: &WireField, text: &str, i: usize) -> Result<Value, Error> {
    let at = format!("fields[{i}].value");
    let data_type = def.data_type().unwrap_or("text");
    let t = text.trim();
    let value = match data_type {
        "number" => match serde_json::from_str::<serde_json::Number>(t) {
            Ok(n) => Value::Number(n),
            Err(_) => {
                return Err(refused(
                    422,
                    &at,
                    format!("field {} is a number field; got {:?}", def.id, truncated(text)),
                ));
            }
        },
        "boolean" => match t.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => {
                return Err(refused(
                    422,
                    &at,
                    format!(
                        "field {} is a boolean field: true or false; got {:?}",
                        def.id,
                        truncated(text)
                    ),
                ));
            }
        },
        // text, and any type Gorgias adds later: the text as given.
        _ => Value::String(text.to_string()),
    };
    let choices = def.choices();
    if def.input_type() == Some("dropdown") && !choices.is_empty() && !choices.iter().any(|c| same_choice(c, &value)) {
        let shown: Vec<String> = choices.iter().take(10).filter_map(value_text_of).collect();
        let more = if choices.len() > 10 { ", …" } else { "" };
        return Err(refused(
            422,
            &at,
            format!(
                "field {} is a dropdown: the value must be one of {}{more}; got {:?}",
                def.id,
                shown.join(", "),
                truncated(text)
            ),
        ));
    }
    Ok(value)
}

/// Whether dropdown choice `choice` is `value` (numbers compared as numbers).
fn same_choice(choice: &Value, value: &Value) -> bool {
    match (choice, value) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), Value::Number(b)) => a.trim().parse::<f64>().ok() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// A value as text: strings as they are, numbers and booleans as JSON
/// writes them, `null` as nothing (objects and arrays as compact JSON).
fn value_text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

// ---- the records it answers with, and Gorgias's JSON -------------------------

/// A custom field definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CustomField {
    /// The field ID.
    #[schemars(description = "The custom field ID (what set-ticket-custom-fields takes)")]
    pub id: u64,
    /// The name.
    #[schemars(description = "The field's name")]
    pub label: Option<String>,
    /// The description.
    #[schemars(description = "The field's description")]
    pub description: Option<String>,
    /// `Ticket` or `Customer`.
    #[schemars(description = "The object the field belongs to: Ticket or Customer")]
    pub object_type: Option<String>,
    /// `definition.data_type`.
    #[schemars(description = "How its values read: text, number or boolean")]
    pub data_type: Option<String>,
    /// Whether it must be filled.
    #[schemars(description = "Whether the field is required")]
    pub required: bool,
    /// `definition.input_settings.choices`, as text.
    #[schemars(description = "A dropdown's choices, as text (empty for other fields)")]
    pub choices: Vec<String>,
}

/// A page of custom field definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CustomFieldPage {
    /// The definitions.
    #[serde(rename = "customFields")]
    #[schemars(description = "The custom field definitions")]
    pub custom_fields: Vec<CustomField>,
    /// `meta.next_cursor`.
    #[serde(rename = "nextCursor")]
    #[schemars(description = "Cursor for the next page of results")]
    pub next_cursor: Option<String>,
}

/// A custom field's value on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TicketCustomField {
    /// The field ID.
    #[schemars(description = "The custom field ID")]
    pub id: u64,
    /// The field's name.
    #[schemars(description = "The field's name")]
    pub label: Option<String>,
    /// The value as text.
    #[schemars(
        description = "The value as text (numbers as digits, booleans as true or false; the field's data_type says which)"
    )]
    pub value: Option<String>,
}

/// What list-ticket-custom-fields and set-ticket-custom-fields answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TicketCustomFields {
    /// The values.
    #[serde(rename = "customFields")]
    #[schemars(description = "The ticket's custom field values")]
    pub custom_fields: Vec<TicketCustomField>,
}

#[derive(Clone, Deserialize)]
struct WireInputSettings {
    input_type: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    choices: Vec<Value>,
}

#[derive(Clone, Deserialize)]
struct WireDefinition {
    data_type: Option<String>,
    input_settings: Option<WireInputSettings>,
}

/// A custom field definition as Gorgias sends it.
#[derive(Clone, Deserialize)]
struct WireField {
    id: u64,
    label: Option<String>,
    description: Option<String>,
    object_type: Option<String>,
    required: Option<bool>,
    definition: Option<WireDefinition>,
}

impl WireField {
    fn data_type(&self) -> Option<&str> {
        self.definition.as_ref()?.data_type.as_deref()
    }
    fn input_type(&self) -> Option<&str> {
        self.definition.as_ref()?.input_settings.as_ref()?.input_type.as_deref()
    }
    fn choices(&self) -> &[Value] {
        self.definition
            .as_ref()
            .and_then(|d| d.input_settings.as_ref())
            .map_or(&[], |s| s.choices.as_slice())
    }
}

/// A ticket's value: `{field: {…definition…}, prediction, value}`.
#[derive(Clone, Deserialize)]
struct WireValue {
    field: WireField,
    value: Option<Value>,
}

/// `GET /api/custom-fields` → [`CustomFieldPage`] (either list shape).
pub fn parse_custom_field_page(body: &[u8]) -> Result<CustomFieldPage, String> {
    let list = decode::<ListAnswer<WireField>>(body)?;
    Ok(CustomFieldPage {
        custom_fields: list.items.iter().map(CustomField::from).collect(),
        next_cursor: list.next_cursor,
    })
}

/// `GET`/`PUT /api/tickets/{id}/custom-fields`: `{data: [...]}` or a bare array.
fn parse_values(body: &[u8]) -> Result<Vec<WireValue>, String> {
    decode::<ListAnswer<WireValue>>(body).map(|l| l.items)
}

impl From<&WireField> for CustomField {
    fn from(f: &WireField) -> Self {
        CustomField {
            id: f.id,
            label: f.label.clone(),
            description: f.description.clone(),
            object_type: f.object_type.clone(),
            data_type: f.data_type().map(str::to_string),
            required: f.required.unwrap_or(false),
            choices: f.choices().iter().filter_map(value_text_of).collect(),
        }
    }
}

/// A ticket's values as list- and set-ticket-custom-fields answer them.
fn ticket_values(values: &[WireValue]) -> TicketCustomFields {
    TicketCustomFields {
        custom_fields: values
            .iter()
            .map(|v| TicketCustomField {
                id: v.field.id,
                label: v.field.label.clone(),
                value: v.value.as_ref().and_then(value_text_of),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gorgias::testing::{Scripted, client, field};
    use serde_json::json;

    const DEFINITIONS: &str = include_str!("../../tests/fixtures/recorded/nango-list-custom-fields-ticket.json");
    const VALUES: &str = include_str!("../../tests/fixtures/recorded/nango-list-ticket-custom-field-values.json");
    const PUT_ANSWER: &str = include_str!("../../tests/fixtures/recorded/nango-put-ticket-custom-fields.json");

    fn set(ticket_id: u64, fields: &[(u64, &str)]) -> SetTicketCustomFields {
        SetTicketCustomFields {
            ticket_id,
            fields: fields
                .iter()
                .map(|(id, v)| FieldValue {
                    id: *id,
                    value: (*v).to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn list_custom_fields_builds_its_query_and_maps_the_recorded_definitions() {
        assert_eq!(
            ListCustomFields::default().request().unwrap().path_and_query(),
            "/api/custom-fields?object_type=Ticket"
        );
        let op = ListCustomFields {
            object_type: Some("Customer".into()),
            search: Some(" tier ".into()),
            limit: Some(50),
            cursor: Some("c/1".into()),
        };
        assert_eq!(
            op.request().unwrap().path_and_query(),
            "/api/custom-fields?object_type=Customer&search=tier&limit=50&cursor=c%2F1"
        );
        for (bad, name) in [
            (
                ListCustomFields {
                    object_type: Some("ticket".into()),
                    ..Default::default()
                },
                "objectType",
            ),
            (
                ListCustomFields {
                    limit: Some(101),
                    ..Default::default()
                },
                "limit",
            ),
        ] {
            assert_eq!(field(bad.request().unwrap_err()), name);
        }
        let mut t = Scripted::new(vec![Scripted::json(200, DEFINITIONS)]);
        let p = ListCustomFields::default()
            .run(&mut client(&mut t, "list-custom-fields"))
            .unwrap();
        assert_eq!(t.lines(), vec!["GET /api/custom-fields?object_type=Ticket"]);
        assert_eq!(p.custom_fields.len(), 8);
        assert_eq!(p.next_cursor, None);
        assert_eq!(
            p.custom_fields[0],
            CustomField {
                id: 319825,
                label: Some("Nango Test CF".into()),
                description: Some("Test field".into()),
                object_type: Some("Ticket".into()),
                data_type: Some("text".into()),
                required: false,
                choices: vec![],
            }
        );
        let call_status = &p.custom_fields[2];
        assert_eq!(call_status.choices[..2], ["Answered", "Missed with Voicemail"]);
        // Non-string choices become text; a bare array has no cursor.
        let p = parse_custom_field_page(
            br#"[{"id": 7, "label": "Points", "object_type": "Customer", "required": true, "definition": {"data_type": "number", "input_settings": {"input_type": "dropdown", "choices": [1, 2.5, null]}}}, {"id": 8}]"#,
        )
        .unwrap();
        assert_eq!(p.custom_fields[0].choices, ["1", "2.5"]);
        assert!(p.custom_fields[0].required);
        assert_eq!(
            (p.custom_fields[1].data_type.as_deref(), p.custom_fields[1].required),
            (None, false)
        );
    }

    #[test]
    fn list_ticket_custom_fields_maps_values_as_text() {
        let op = ListTicketCustomFields { ticket_id: 82682724 };
        let mut t = Scripted::new(vec![Scripted::json(200, VALUES)]);
        let a = op.run(&mut client(&mut t, "list-ticket-custom-fields")).unwrap();
        assert_eq!(t.lines(), vec!["GET /api/tickets/82682724/custom-fields"]);
        assert_eq!(
            a.custom_fields,
            vec![TicketCustomField {
                id: 319825,
                label: Some("Nango Test CF".into()),
                value: Some("Updated from dryrun".into()),
            }]
        );
        let a = ticket_values(
            &parse_values(
                br#"{"data": [{"field": {"id": 1}, "value": 3}, {"field": {"id": 2}, "value": 2.5}, {"field": {"id": 3, "label": "Gift"}, "value": true}, {"field": {"id": 4}, "prediction": {"x": 1}, "value": null}]}"#,
            )
            .unwrap(),
        );
        let values: Vec<Option<&str>> = a.custom_fields.iter().map(|f| f.value.as_deref()).collect();
        assert_eq!(values, vec![Some("3"), Some("2.5"), Some("true"), None]);
        let mut t = Scripted::default();
        let e = ListTicketCustomFields { ticket_id: 0 }
            .run(&mut client(&mut t, "list-ticket-custom-fields"))
            .unwrap_err();
        assert_eq!(field(e), "ticketId");
        assert!(t.sent.is_empty());
        let mut t = Scripted::new(vec![Scripted::json(404, r#"{"error":{"msg":"Resource not found."}}"#)]);
        let e = ListTicketCustomFields { ticket_id: 9 }
            .run(&mut client(&mut t, "list-ticket-custom-fields"))
            .unwrap_err();
        assert_eq!(e.code(), "not-found");
    }

    #[test]
    fn set_validates_before_sending_anything() {
        let many: Vec<(u64, &str)> = (1..=51).map(|i| (i, "x")).collect();
        for (op, name) in [
            (set(0, &[(1, "x")]), "ticketId"),
            (set(1, &[]), "fields"),
            (set(1, &many), "fields"),
            (set(1, &[(1, "x"), (0, "y")]), "fields[1].id"),
            (set(1, &[(1, " \t")]), "fields[0].value"),
        ] {
            let mut t = Scripted::default();
            let e = op.run(&mut client(&mut t, "set-ticket-custom-fields")).unwrap_err();
            assert_eq!(field(e), name);
            assert!(t.sent.is_empty(), "{name}");
        }
        assert!(set(1, &many[..50]).validate().is_ok());
        // One field twice: the same value is sent once, two values are a
        // 422 (the schema cannot say it), before anything is sent.
        assert!(set(1, &[(7, "a"), (8, "b"), (7, "a")]).validate().is_ok());
        let mut t = Scripted::default();
        let e = set(1, &[(1, "x"), (2, "y"), (1, "z")])
            .run(&mut client(&mut t, "set-ticket-custom-fields"))
            .unwrap_err();
        assert!(t.sent.is_empty());
        let Error::Upstream(api) = &e else { panic!("{e:?}") };
        assert_eq!((api.status, api.retryable), (422, false));
        assert_eq!(api.field_errors[0].field, "fields[2].id");
        assert_eq!(
            e.message(),
            "fields[2].id: field 1 is given two different values; nothing was written"
        );
    }

    /// The recorded flow: the named field has a value already, so no
    /// definitions are read; the whole list goes back in one `PUT`.
    #[test]
    fn set_replaces_a_value_the_ticket_has_and_maps_the_recorded_answer() {
        let current = r#"{"data": [
            {"field": {"id": 319825, "label": "Nango Test CF", "definition": {"data_type": "text", "input_settings": {"input_type": "input"}}}, "prediction": null, "value": "old"},
            {"field": {"id": 319614, "label": "Contact reason", "managed_type": "contact_reason", "definition": {"data_type": "text", "input_settings": {"input_type": "dropdown", "choices": ["Spam", "Other"]}}}, "prediction": null, "value": "Other"},
            {"field": {"id": 319613, "label": "AI Intent"}, "prediction": {"value": "Order::Status"}, "value": null}]}"#;
        let mut t = Scripted::new(vec![Scripted::json(200, current), Scripted::json(200, PUT_ANSWER)]);
        // The same field and value twice (what a retrying tool might build)
        // is sent once.
        let a = set(
            82682724,
            &[(319825, "Updated from dryrun"), (319825, "Updated from dryrun")],
        )
        .run(&mut client(&mut t, "set-ticket-custom-fields"))
        .unwrap();
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tickets/82682724/custom-fields",
                "PUT /api/tickets/82682724/custom-fields"
            ]
        );
        // The other field keeps its value; one without a value is not sent.
        assert_eq!(
            t.bodies()[1],
            Some(json!([{"id": 319825, "value": "Updated from dryrun"}, {"id": 319614, "value": "Other"}]))
        );
        assert_eq!(
            a.custom_fields,
            vec![TicketCustomField {
                id: 319825,
                label: Some("Nango Test CF".into()),
                value: Some("Updated from dryrun".into()),
            }]
        );
    }

    /// A field the ticket has no value for: its definition is read (pages
    /// of 100 until found), its value typed, and appended to the list.
    #[test]
    fn set_reads_definitions_for_new_fields_types_the_values_and_appends_them() {
        let current = r##"{"data": [{"field": {"id": 1, "label": "Order", "definition": {"data_type": "text"}}, "value": "#1"}]}"##;
        let page1 = r#"{"data": [{"id": 1, "definition": {"data_type": "text"}}, {"id": 2, "label": "Items", "definition": {"data_type": "number", "input_settings": {"input_type": "input"}}}], "meta": {"next_cursor": "p2"}}"#;
        let page2 = r#"{"data": [{"id": 3, "label": "Gift", "definition": {"data_type": "boolean", "input_settings": {"input_type": "dropdown", "choices": [true, false]}}}], "meta": {"next_cursor": null}}"#;
        let answer = r##"{"data": [{"field": {"id": 1, "label": "Order"}, "value": "#1"}, {"field": {"id": 2, "label": "Items"}, "value": 2.5}, {"field": {"id": 3, "label": "Gift"}, "value": true}]}"##;
        let mut t = Scripted::new(vec![
            Scripted::json(200, current),
            Scripted::json(200, page1),
            Scripted::json(200, page2),
            Scripted::json(200, answer),
        ]);
        let a = set(5, &[(3, " TRUE "), (2, "2.5")])
            .run(&mut client(&mut t, "set-ticket-custom-fields"))
            .unwrap();
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tickets/5/custom-fields",
                "GET /api/custom-fields?object_type=Ticket&limit=100",
                "GET /api/custom-fields?object_type=Ticket&limit=100&cursor=p2",
                "PUT /api/tickets/5/custom-fields",
            ]
        );
        assert_eq!(
            t.bodies()[3],
            Some(json!([{"id": 1, "value": "#1"}, {"id": 3, "value": true}, {"id": 2, "value": 2.5}]))
        );
        let values: Vec<(u64, Option<&str>)> = a.custom_fields.iter().map(|f| (f.id, f.value.as_deref())).collect();
        assert_eq!(values, vec![(1, Some("#1")), (2, Some("2.5")), (3, Some("true"))]);
    }

    #[test]
    fn set_refuses_unknown_fields_and_values_of_the_wrong_type_before_the_put() {
        let current = r#"{"data": []}"#;
        let defs = r#"{"data": [
            {"id": 2, "definition": {"data_type": "number"}},
            {"id": 3, "definition": {"data_type": "boolean"}},
            {"id": 4, "definition": {"data_type": "text", "input_settings": {"input_type": "dropdown", "choices": ["Spam", "Other"]}}},
            {"id": 5, "definition": {"data_type": "number", "input_settings": {"input_type": "dropdown", "choices": ["1", 2]}}}],
            "meta": {"next_cursor": null}}"#;
        for (fields, name, says) in [
            (&[(9, "x")][..], "fields[0].id", "no Ticket custom field has ID 9"),
            (&[(4, "Other"), (2, "three")], "fields[1].value", "number field"),
            (&[(2, "NaN")], "fields[0].value", "number field"),
            (&[(3, "yes")], "fields[0].value", "true or false"),
            (&[(4, "spam")], "fields[0].value", "one of Spam, Other"),
            (&[(5, "3")], "fields[0].value", "one of 1, 2"),
        ] {
            let mut t = Scripted::new(vec![Scripted::json(200, current), Scripted::json(200, defs)]);
            let e = set(5, fields)
                .run(&mut client(&mut t, "set-ticket-custom-fields"))
                .unwrap_err();
            assert!(e.message().contains(says), "{e:?}");
            let (code, named) = match &e {
                Error::NotFound(a) | Error::Upstream(a) => (e.code(), a.field_errors[0].field.clone()),
                other => panic!("{other:?}"),
            };
            assert_eq!(named, name);
            assert_eq!(code, if name.ends_with(".id") { "not-found" } else { "upstream" });
            assert!(
                t.lines().iter().all(|l| l.starts_with("GET ")),
                "{name}: {:?}",
                t.lines()
            );
        }
        // Numbers match numeric choices whether Gorgias lists them as numbers or text.
        for ok in ["1", "2.0", " 2 "] {
            let mut t = Scripted::new(vec![
                Scripted::json(200, current),
                Scripted::json(200, defs),
                Scripted::json(200, r#"{"data": []}"#),
            ]);
            set(5, &[(5, ok)])
                .run(&mut client(&mut t, "set-ticket-custom-fields"))
                .unwrap();
        }
    }

    #[test]
    fn set_reads_back_after_an_empty_answer_and_classifies_errors() {
        let current = r##"{"data": [{"field": {"id": 1, "label": "Order", "definition": {"data_type": "text"}}, "value": "#1"}]}"##;
        let after = r##"{"data": [{"field": {"id": 1, "label": "Order"}, "value": "#2"}]}"##;
        let mut t = Scripted::new(vec![
            Scripted::json(200, current),
            Scripted::json(202, ""),
            Scripted::json(200, after),
        ]);
        let a = set(5, &[(1, "#2")])
            .run(&mut client(&mut t, "set-ticket-custom-fields"))
            .unwrap();
        assert_eq!(
            t.lines(),
            vec![
                "GET /api/tickets/5/custom-fields",
                "PUT /api/tickets/5/custom-fields",
                "GET /api/tickets/5/custom-fields"
            ]
        );
        assert_eq!(a.custom_fields[0].value.as_deref(), Some("#2"));
        // An unknown ticket: not-found from the first read, nothing written.
        let mut t = Scripted::new(vec![Scripted::json(404, r#"{"error":{"msg":"Resource not found."}}"#)]);
        let e = set(5, &[(1, "x")])
            .run(&mut client(&mut t, "set-ticket-custom-fields"))
            .unwrap_err();
        assert_eq!((e.code(), t.sent.len()), ("not-found", 1));
        // Gorgias refusing the PUT is passed on.
        let mut t = Scripted::new(vec![
            Scripted::json(200, current),
            Scripted::json(400, r#"{"error":{"msg":"Invalid data"}}"#),
        ]);
        let e = set(5, &[(1, "x")])
            .run(&mut client(&mut t, "set-ticket-custom-fields"))
            .unwrap_err();
        assert_eq!(e.code(), "upstream");
        // A body that is not a list of values is an invalid response.
        let mut t = Scripted::new(vec![Scripted::json(200, current), Scripted::json(200, r#"{"id": 1}"#)]);
        let e = set(5, &[(1, "x")])
            .run(&mut client(&mut t, "set-ticket-custom-fields"))
            .unwrap_err();
        assert_eq!(e.code(), "invalid-response");
    }

    #[test]
    fn set_decodes_strictly_and_the_spec_says_it_replaces() {
        let op: SetTicketCustomFields =
            crate::ops::fields::decode(br#"{"ticketId": "12345", "fields": [{"id": 201, "value": "x"}]}"#).unwrap();
        assert_eq!(op, set(12345, &[(201, "x")]));
        for (body, name) in [
            (r#"{"ticketId": 1}"#, "fields"),
            (r#"{"ticketId": 1, "fields": [{"id": 2}]}"#, "fields[0].value"),
            (
                r#"{"ticketId": 1, "fields": [{"id": 2, "value": 3}]}"#,
                "fields[0].value",
            ),
            (
                r#"{"ticketId": 1, "fields": [{"id": 2, "value": "x", "type": "text"}]}"#,
                "fields[0].type",
            ),
        ] {
            let e = crate::ops::fields::decode::<SetTicketCustomFields>(body.as_bytes()).unwrap_err();
            assert_eq!(field(e), name, "{body}");
        }
        let spec = crate::ops::find("set-ticket-custom-fields").unwrap();
        assert!(spec.types.destructive && spec.idempotent);
        assert_eq!(spec.access, Access::Write);
        let s = spec.input_schema();
        assert_eq!(
            (
                s["properties"]["fields"]["minItems"].clone(),
                s["properties"]["fields"]["maxItems"].clone()
            ),
            (json!(1), json!(50))
        );
    }

    /// The schema and the connector agree on each body (the duplicate-ID
    /// rule is the one JSON Schema cannot state; the description says it).
    /// Patterns (a blank value) are left to schemathesis, as in spec.rs.
    #[test]
    fn the_schemas_accept_exactly_what_the_validation_accepts() {
        use crate::ops::fields::decode;
        use crate::schema::check_schema;
        fn agree(name: &str, body: &str, accepted: bool) {
            let v: Value = serde_json::from_str(body).unwrap();
            let schema = crate::ops::find(name).unwrap().input_schema();
            assert_eq!(
                check_schema(&v, &schema, "$").is_ok(),
                accepted,
                "schema on {name} {body}"
            );
        }
        let set_cases: &[(&str, bool)] = &[
            (r#"{"ticketId": 1, "fields": [{"id": 2, "value": "x"}]}"#, true),
            (r#"{"ticketId": "1", "fields": [{"id": "2", "value": " 3 "}]}"#, true),
            (r#"{"ticketId": 1, "fields": []}"#, false),
            (r#"{"ticketId": 1, "fields": [{"id": 0, "value": "x"}]}"#, false),
            (r#"{"ticketId": 1, "fields": [{"id": 2, "value": true}]}"#, false),
            (r#"{"ticketId": 1, "fields": null}"#, false),
            (r#"{"ticketId": 1}"#, false),
        ];
        for (body, ok) in set_cases {
            let connector = decode::<SetTicketCustomFields>(body.as_bytes()).and_then(|op| op.validate());
            assert_eq!(connector.is_ok(), *ok, "connector on {body}");
            agree("set-ticket-custom-fields", body, *ok);
        }
        let fifty: Vec<Value> = (1..=50).map(|i| json!({"id": i, "value": "v"})).collect();
        for (n, ok) in [(50, true), (51, false)] {
            let mut fields = fifty.clone();
            if n == 51 {
                fields.push(json!({"id": 51, "value": "v"}));
            }
            let body = json!({"ticketId": 1, "fields": fields}).to_string();
            let connector = decode::<SetTicketCustomFields>(body.as_bytes()).and_then(|op| op.validate());
            assert_eq!(connector.is_ok(), ok, "{n} fields");
            agree("set-ticket-custom-fields", &body, ok);
        }
        let list_cases: &[(&str, bool)] = &[
            (r#"{}"#, true),
            (
                r#"{"objectType": "Customer", "search": "tier", "limit": "100", "cursor": null}"#,
                true,
            ),
            (r#"{"objectType": null}"#, true),
            (r#"{"objectType": "customer"}"#, false),
            (r#"{"limit": 0}"#, false),
            (r#"{"archived": true}"#, false),
        ];
        for (body, ok) in list_cases {
            let connector = decode::<ListCustomFields>(body.as_bytes()).and_then(|op| op.request());
            assert_eq!(connector.is_ok(), *ok, "connector on {body}");
            agree("list-custom-fields", body, *ok);
        }
    }
}
