//! JSON Schema (2020-12) for the connector's inputs and outputs: the
//! generator settings that turn schemars' output into portable documents
//! (nullable as `anyOf` with `null`, outputs closed and complete), the field
//! schemas the shared parsers in [`crate::ops::fields`] need (IDs that may be
//! numeric strings, limits, emails), the cross-field rules
//! ([`at_least_one`], [`required_when`]), the error body's schema, and
//! [`check`], a small validator the tests use.
//!
//! Generic over types: it knows no operation. The registry
//! ([`crate::ops::spec`]) runs it natively to produce `src/ops/schemas.json`;
//! the component links none of schemars' generator.

pub mod check;

#[cfg(not(target_family = "wasm"))]
use schemars::JsonSchema;
#[cfg(not(target_family = "wasm"))]
use schemars::generate::{Contract, SchemaSettings};
use schemars::{Schema, SchemaGenerator};
use serde_json::Value;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

pub use check::check_schema;

// ---- generation ------------------------------------------------------------------

#[cfg(not(target_family = "wasm"))]
fn generate<T: JsonSchema>(contract: Contract) -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    settings.contract = contract;
    let mut v = settings.into_generator().into_root_schema_for::<T>().to_value();
    // The types' doc comments are for Rust readers; the spec's text is on
    // the properties.
    untitled(&mut v, false);
    portable(&mut v);
    v
}

#[cfg(not(target_family = "wasm"))]
/// JSON Schema of input type `T` (deserialize contract: optional fields are
/// not required; `deny_unknown_fields` closes the object).
pub fn input_schema<T: JsonSchema>() -> Value {
    generate::<T>(Contract::Deserialize)
}

#[cfg(not(target_family = "wasm"))]
/// JSON Schema of output type `T`: every object closed, every property
/// required (the connector always writes every key, `null` when absent).
pub fn output_schema<T: JsonSchema>() -> Value {
    let mut v = generate::<T>(Contract::Serialize);
    close(&mut v);
    v
}

#[cfg(not(target_family = "wasm"))]
/// Removes the doc comments of whole types (the root and array items);
/// `property` schemas keep their description (the spec's text).
fn untitled(v: &mut Value, property: bool) {
    if let Value::Object(m) = v {
        m.remove("title");
        if !property {
            m.remove("description");
        }
        if let Some(Value::Object(props)) = m.get_mut("properties") {
            props.values_mut().for_each(|p| untitled(p, true));
        }
        if let Some(items) = m.get_mut("items") {
            untitled(items, false);
        }
    }
}

#[cfg(not(target_family = "wasm"))]
/// Rewrites `"type": [T, "null"]` (schemars' `Option<T>`) as
/// `"anyOf": [{"type": T, …}, {"type": "null"}]`: type lists are what MCP
/// clients and OpenAPI tools warn about. Descriptions stay outside.
fn portable(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let nullable = match m.get("type") {
                Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
                _ => false,
            };
            if nullable && let Some(Value::Array(types)) = m.remove("type") {
                let mut inner = Map::new();
                let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
                inner.insert(
                    "type".into(),
                    match <[Value; 1]>::try_from(rest) {
                        Ok([one]) => one,
                        Err(many) => Value::Array(many),
                    },
                );
                let keys: Vec<String> = m
                    .keys()
                    .filter(|k| !matches!(k.as_str(), "description" | "title" | "default" | "examples"))
                    .cloned()
                    .collect();
                for k in keys {
                    if let Some(x) = m.remove(&k) {
                        inner.insert(k, x);
                    }
                }
                m.insert("anyOf".into(), Value::Array(vec![Value::Object(inner), null_schema()]));
            }
            // schemars' `uint64`/`uint32` are no registered formats; the
            // minimum says it.
            if m.get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("uint"))
            {
                m.remove("format");
            }
            for x in m.values_mut() {
                portable(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(portable),
        _ => {}
    }
}

#[cfg(not(target_family = "wasm"))]
/// Closes every object schema and requires all its properties.
fn close(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                let all: Vec<Value> = props.keys().map(|k| Value::from(k.as_str())).collect();
                m.insert("required".into(), Value::Array(all));
                m.insert("additionalProperties".into(), false.into());
            }
            m.values_mut().for_each(close);
        }
        Value::Array(a) => a.iter_mut().for_each(close),
        _ => {}
    }
}

/// Largest ID the parser accepts, in every form (integer, whole float,
/// numeric string): 15 digits, exact in every JSON implementation.
pub const MAX_ID: u64 = 999_999_999_999_999;

/// What the numeric-string parser trims around the digits (ASCII whitespace).
const WS: &str = "[\\t\\n\\f\\r ]*";

/// Characters Rust's `char::is_whitespace` and `is_control` refuse in an
/// email address, as a regex class body.
const NOT_IN_EMAIL: &str = "@\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/// Unicode whitespace (`char::is_whitespace`), as a regex class body.
const UNICODE_WS: &str = "\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/// `{"type": "null"}`.
pub fn null_schema() -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "null".into());
    Value::Object(m)
}

/// `{"type": ty, …extra}`.
pub fn typed(ty: &str, extra: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), ty.into());
    for (k, v) in extra {
        m.insert((*k).into(), v.clone());
    }
    Value::Object(m)
}

/// `{"anyOf": options}`.
pub fn any_of(options: Vec<Value>) -> Schema {
    let mut m = Map::new();
    m.insert("anyOf".into(), Value::Array(options));
    m.into()
}

fn id_options() -> Vec<Value> {
    vec![
        typed("integer", &[("minimum", 1.into()), ("maximum", MAX_ID.into())]),
        typed(
            "string",
            &[("pattern", format!("^{WS}0*[1-9][0-9]{{0,14}}{WS}$").into())],
        ),
    ]
}

/// A required positive ID: an integer `1..=MAX_ID` or a numeric string.
pub fn id(_: &mut SchemaGenerator) -> Schema {
    any_of(id_options())
}

/// An optional ID (`null` = absent).
pub fn opt_id(_: &mut SchemaGenerator) -> Schema {
    let mut o = id_options();
    o.push(null_schema());
    any_of(o)
}

/// An optional list of at most 100 IDs (`null` = empty).
pub fn opt_id_list(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed(
            "array",
            &[("items", any_of(id_options()).to_value()), ("maxItems", 100.into())],
        ),
        null_schema(),
    ])
}

/// An optional page size `1..=100` (integer or numeric string; `null` = absent).
pub fn opt_limit(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("integer", &[("minimum", 1.into()), ("maximum", 100.into())]),
        typed(
            "string",
            &[("pattern", format!("^{WS}0*([1-9][0-9]?|100){WS}$").into())],
        ),
        null_schema(),
    ])
}

/// An optional string from `allowed` (`null` = absent).
pub fn one_of_strings(allowed: &[&str]) -> Schema {
    any_of(vec![typed("string", &[("enum", allowed.into())]), null_schema()])
}

/// The pattern of an email address as [`crate::ops::check_email`] checks it.
pub fn email_pattern() -> String {
    format!("^[^{NOT_IN_EMAIL}]+@[^{NOT_IN_EMAIL}]+$")
}

/// No `format: email`: the connector checks the shape below (one `@`,
/// something on each side, no whitespace or control character) and leaves
/// the rest to Gorgias, so a validator's RFC 5322 `format` would refuse
/// addresses the connector sends on (schemathesis finds them).
fn email_schema(pattern: String) -> Value {
    typed("string", &[("maxLength", 320.into()), ("pattern", pattern.into())])
}

/// An optional idempotency key: 1 to 255 characters (`null` = absent).
pub fn opt_idempotency_key(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![
        typed("string", &[("minLength", 1.into()), ("maxLength", 255.into())]),
        null_schema(),
    ])
}

/// What every create's `idempotencyKey` says (the MCP tools' agents read it).
pub const IDEMPOTENCY_KEY_DOC: &str = "Idempotency key, 1-255 characters, stored in the new record's external_id: \
a repeat of the call with the same key answers the record it made (replayed: true) instead of writing again. \
Pass a fresh one per intended write and reuse it when you retry";

/// An optional email address (`null` = absent).
pub fn opt_email(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![email_schema(email_pattern()), null_schema()])
}

/// A required email address, surrounding whitespace allowed (it is trimmed).
pub fn trimmed_email(_: &mut SchemaGenerator) -> Schema {
    let ws = format!("[{UNICODE_WS}]*");
    // The 320-character limit counts the value as sent, padding included
    // (find-customer-by-email checks the same).
    Schema::try_from(email_schema(format!("^{ws}[^{NOT_IN_EMAIL}]+@[^{NOT_IN_EMAIL}]+{ws}$"))).unwrap_or_default()
}

/// The pattern of a channel slug ([`crate::ops::check_channel`]).
pub const CHANNEL_PATTERN: &str = "^[a-z0-9_-]{1,64}$";

/// A channel slug.
pub fn channel(_: &mut SchemaGenerator) -> Schema {
    Schema::try_from(typed("string", &[("pattern", CHANNEL_PATTERN.into())])).unwrap_or_default()
}

/// A reply's channel: a slug other than `internal-note`.
pub fn reply_channel(g: &mut SchemaGenerator) -> Schema {
    let mut s = channel(g);
    let mut not = Map::new();
    not.insert("const".into(), "internal-note".into());
    s.insert("not".into(), Value::Object(not));
    s
}

/// An optional ID where `null` means "clear it" (update-ticket's assignees):
/// the same values as [`opt_id`]; the description says what `null` does.
pub fn nullable_id(g: &mut SchemaGenerator) -> Schema {
    opt_id(g)
}

/// [`nullable_id`] as a value, for cross-field rules (a typed schema, so
/// that MCP clients' portability lint accepts it, unlike `true`).
pub fn nullable_id_value() -> Value {
    let mut o = id_options();
    o.push(null_schema());
    any_of(o).to_value()
}

/// A string with at least one character that is not whitespace.
pub fn non_blank() -> Value {
    typed("string", &[("pattern", format!("[^{UNICODE_WS}]").into())])
}

/// `{"required": [field], "properties": {field: schema}}`.
fn given(field: &str, schema: Value) -> Value {
    let mut props = Map::new();
    props.insert(field.into(), schema);
    let mut m = Map::new();
    m.insert("required".into(), Value::Array(vec![field.into()]));
    m.insert("properties".into(), Value::Object(props));
    Value::Object(m)
}

fn push(schema: &mut Schema, key: &str, rule: Value) {
    match schema.get_mut(key) {
        Some(Value::Array(rules)) => rules.push(rule),
        _ => {
            schema.insert(key.into(), Value::Array(vec![rule]));
        }
    }
}

/// Adds "at least one of `fields` is given as `each`" (an `anyOf` of
/// `required`), to an `allOf` so that several rules can stand together.
pub fn at_least_one(schema: &mut Schema, fields: &[&str], each: &Value) {
    let options: Vec<(&str, Value)> = fields.iter().map(|f| (*f, each.clone())).collect();
    at_least_one_of(schema, &options);
}

/// Adds "at least one of these fields is given, each as its own schema".
pub fn at_least_one_of(schema: &mut Schema, fields: &[(&str, Value)]) {
    let options: Vec<Value> = fields.iter().map(|(f, each)| given(f, each.clone())).collect();
    let mut m = Map::new();
    m.insert("anyOf".into(), Value::Array(options));
    push(schema, "allOf", Value::Object(m));
}

/// Adds "when `field` is `value`, `then_field` is given as `then`".
pub fn required_when(schema: &mut Schema, field: &str, value: Value, then_field: &str, then: Value) {
    let mut cond = Map::new();
    cond.insert("const".into(), value);
    let mut m = Map::new();
    m.insert("if".into(), given(field, Value::Object(cond)));
    m.insert("then".into(), given(then_field, then));
    push(schema, "allOf", Value::Object(m));
}

/// Adds "`a` and `b` are not both given as `each`".
pub fn not_both(schema: &mut Schema, a: &str, b: &str, each: &Value) {
    let mut both = Map::new();
    both.insert(
        "allOf".into(),
        Value::Array(vec![given(a, each.clone()), given(b, each.clone())]),
    );
    let mut m = Map::new();
    m.insert("not".into(), Value::Object(both));
    push(schema, "allOf", Value::Object(m));
}

/// An array with at least one item.
pub fn non_empty_array() -> Value {
    typed("array", &[("minItems", 1.into())])
}

/// Any value but `null`.
pub fn not_null() -> Value {
    let mut m = Map::new();
    m.insert("not".into(), null_schema());
    Value::Object(m)
}
// ---- errors ------------------------------------------------------------------------------

/// JSON Schema of every error body: `{"error": {"code", "message", "retryable", …}}`.
pub fn error_schema() -> Value {
    input_like_error()
}

fn prop(ty: &str, description: &str) -> Value {
    typed(ty, &[("description", description.into())])
}

fn closed(properties: Map, required: &[&str]) -> Value {
    let mut s = Map::new();
    s.insert("type".into(), "object".into());
    s.insert("properties".into(), Value::Object(properties));
    s.insert("required".into(), required.into());
    s.insert("additionalProperties".into(), false.into());
    Value::Object(s)
}

fn input_like_error() -> Value {
    let mut fe = Map::new();
    fe.insert("field".into(), prop("string", "The field Gorgias names"));
    fe.insert("message".into(), prop("string", "What Gorgias says about it"));
    let mut d = Map::new();
    d.insert(
        "code".into(),
        prop(
            "string",
            "Stable machine-readable case: invalid-input, configuration, unauthorized, forbidden, not-found, conflict, rate-limited, upstream, transport, invalid-response (operation errors), or unauthenticated, read-only, unknown-operation, method-not-allowed, payload-too-large, unsupported-media-type (request errors)",
        ),
    );
    d.insert("message".into(), prop("string", "What happened, naming the operation"));
    d.insert(
        "retryable".into(),
        prop("boolean", "Whether sending the same call again can succeed"),
    );
    d.insert("field".into(), prop("string", "invalid-input: the parameter at fault"));
    d.insert(
        "upstreamStatus".into(),
        prop("integer", "The HTTP status Gorgias answered"),
    );
    let mut fields = prop("array", "Gorgias's per-field messages");
    fields["items"] = closed(fe, &["field", "message"]);
    d.insert("fieldErrors".into(), fields);
    d.insert(
        "retryAfterSeconds".into(),
        prop("integer", "rate-limited: seconds to wait"),
    );
    d.insert(
        "requestSent".into(),
        prop("boolean", "transport: false when the request certainly never left"),
    );
    let mut e = Map::new();
    e.insert("error".into(), closed(d, &["code", "message", "retryable"]));
    closed(e, &["error"])
}
