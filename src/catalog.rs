//! The operation catalog: each operation's entry (name, title, description,
//! MCP annotations, endpoint, example) and the JSON Schemas (2020-12) of its
//! input and output, generated with `schemars` from the operation's Rust types.
//!
//! The input types (in the resource files) say in `#[schemars(...)]`
//! attributes everything their deserializer and `validate` enforce: the
//! helpers below give the field schemas the shared parsers in
//! [`crate::params`] need (IDs that may be numeric strings, limits, emails),
//! and [`at_least_one`] / [`required_when`] the cross-field rules. The HTTP
//! routes ([`crate::router`]), MCP tools ([`crate::mcp`]) and the OpenAPI
//! document ([`crate::openapi`]) all take their schemas from here.
//!
//! The schemas are static, so schemars runs natively, not in the component:
//! the unit test `the_embedded_schemas_are_what_the_types_generate`
//! generates them from the types through the registry and holds
//! `src/schemas.json` to them (`SCHEMAS_UPDATE=1 cargo test --locked --lib`
//! re-records it); at run time [`Operation::input_schema`] and
//! [`Operation::output_schema`] read that embedded file. The generator is
//! left out of wasm builds (`cfg(not(target_family = "wasm"))`), so the
//! component links none of schemars' generator (about 94 KB).

use crate::error::Error;
#[cfg(not(target_family = "wasm"))]
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// One operation of the spec.
#[derive(Debug, Clone, Copy)]
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
    /// The spec's "Example Usage" arguments, as JSON.
    pub example: &'static str,
    /// Its schemas and parameter names, from its types:
    /// `crate::ops::schemas::<Self>()` in the operation's `impl`.
    pub schemas: Schemas,
}

/// What the types of an operation say about it. The schema generators are
/// native only: they produce `src/schemas.json` (see the module docs), which
/// is what every build serves; in the component they do not exist, so
/// schemars' generator is not linked.
#[derive(Debug, Clone, Copy)]
pub struct Schemas {
    /// Generates the JSON Schema of the input (the route body, the MCP arguments).
    #[cfg(not(target_family = "wasm"))]
    pub input: fn() -> Value,
    /// Generates the JSON Schema of the output (the route's 200 body).
    #[cfg(not(target_family = "wasm"))]
    pub output: fn() -> Value,
    /// The input's parameter names, in declaration (the spec's) order.
    pub params: fn() -> &'static [&'static str],
}

impl Schemas {
    /// The schemas of input type `I` and output type `O`.
    pub const fn of<I: JsonSchema + DeserializeOwned, O: JsonSchema>() -> Schemas {
        Schemas {
            #[cfg(not(target_family = "wasm"))]
            input: input_schema::<I>,
            #[cfg(not(target_family = "wasm"))]
            output: output_schema::<O>,
            params: field_names::<I>,
        }
    }
}

/// `src/schemas.json`: every operation's `{"input": …, "output": …}` schemas,
/// generated from the types (see the module docs).
pub const EMBEDDED_SCHEMAS: &str = include_str!("schemas.json");

/// [`EMBEDDED_SCHEMAS`], parsed once.
fn embedded() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(EMBEDDED_SCHEMAS).unwrap_or(Value::Null))
}

/// The embedded schema `which` (`input`, `output`) of operation `name`; the
/// empty schema if the file lacked it (the unit tests rule that out).
fn embedded_schema(name: &str, which: &str) -> Value {
    embedded()
        .get(name)
        .and_then(|o| o.get(which))
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// What `src/schemas.json` must hold: for every operation of the registry,
/// in order, its schemas as the types generate them now; compact JSON, one
/// operation per line.
#[cfg(not(target_family = "wasm"))]
pub fn generate_schemas_file() -> String {
    let lines: Vec<String> = OPERATIONS
        .iter()
        .map(|o| {
            let mut m = Map::new();
            m.insert("input".into(), (o.schemas.input)());
            m.insert("output".into(), (o.schemas.output)());
            format!("{}:{}", Value::from(o.name), Value::Object(m))
        })
        .collect();
    format!("{{{}}}\n", lines.join(",\n"))
}

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
        (self.schemas.params)().to_vec()
    }

    /// JSON Schema (2020-12) of the parameters object (from `src/schemas.json`).
    pub fn input_schema(&self) -> Value {
        embedded_schema(self.name, "input")
    }

    /// JSON Schema (2020-12) of what the route answers with 200 (from `src/schemas.json`).
    pub fn output_schema(&self) -> Value {
        embedded_schema(self.name, "output")
    }

    /// The spec's example arguments (an empty object if the entry were wrong).
    pub fn example_args(&self) -> Value {
        serde_json::from_slice::<Value>(self.example.as_bytes()).unwrap_or_else(|_| Value::Object(Map::new()))
    }
}

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

/// The fields a `#[derive(Deserialize)]` struct names, in declaration
/// order (with serde's renames): serde hands them to `deserialize_struct`.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    #[derive(Debug)]
    struct Found(&'static [&'static str]);
    impl fmt::Display for Found {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("fields")
        }
    }
    impl std::error::Error for Found {}
    impl de::Error for Found {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Found(&[])
        }
    }
    struct Probe;
    impl<'de> Deserializer<'de> for Probe {
        type Error = Found;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
            Err(Found(&[]))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Found> {
            Err(Found(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    match T::deserialize(Probe) {
        Err(Found(fields)) => fields,
        Ok(_) => &[],
    }
}

// ---- field schemas the shared parsers need ------------------------------------------

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

fn null_schema() -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "null".into());
    Value::Object(m)
}

fn typed(ty: &str, extra: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), ty.into());
    for (k, v) in extra {
        m.insert((*k).into(), v.clone());
    }
    Value::Object(m)
}

fn any_of(options: Vec<Value>) -> Schema {
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

fn one_of_strings(allowed: &[&str]) -> Schema {
    any_of(vec![typed("string", &[("enum", allowed.into())]), null_schema()])
}

/// An optional ticket status (`open`, `closed`).
pub fn opt_status(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(STATUSES)
}

/// An optional ticket priority.
pub fn opt_priority(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(PRIORITIES)
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

/// An optional email address (`null` = absent).
pub fn opt_email(_: &mut SchemaGenerator) -> Schema {
    any_of(vec![email_schema(email_pattern()), null_schema()])
}

/// A required email address, surrounding whitespace allowed (it is trimmed).
pub fn trimmed_email(_: &mut SchemaGenerator) -> Schema {
    let ws = format!("[{UNICODE_WS}]*");
    // The 320-character limit applies after trimming; padding beyond it is
    // the one case the schema refuses and the connector accepts.
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

/// search-tickets' optional `orderBy`: the four orders Gorgias accepts.
pub fn opt_ticket_order(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(crate::tickets::TICKET_ORDERS)
}

/// get-ticket-messages' optional `orderBy`.
pub fn opt_message_order(_: &mut SchemaGenerator) -> Schema {
    one_of_strings(crate::messages::MESSAGE_ORDERS)
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

/// Optional tag names (`null` = none): each not blank, at most 256
/// characters (Gorgias's `maxLength`).
pub fn opt_tag_names(_: &mut SchemaGenerator) -> Schema {
    let mut item = non_blank();
    item["maxLength"] = crate::tags::MAX_TAG_NAME_CHARS.into();
    any_of(vec![
        typed("array", &[("items", item), ("maxItems", 100.into())]),
        null_schema(),
    ])
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

/// Checks `value` against `schema`, for the JSON Schema 2020-12 keywords
/// the catalog uses except `pattern` and `format` (no regex engine in the
/// pure core; schemathesis checks those end to end): `type`, `enum`,
/// `const`, `minimum`, `maximum`, `maxLength`, `minItems`, `maxItems`,
/// `properties`, `required`, `additionalProperties: false`, `items`,
/// `anyOf`, `allOf`, `not`, `if`/`then`. Returns the first mismatch with its
/// JSON path. Used by tests to prove the schemas describe real answers and
/// the validation.
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
            "integer" => value.is_u64() || value.is_i64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
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
    if let Some(c) = schema.get("const")
        && c != value
    {
        return Err(format!("{path}: {value} is not {c}"));
    }
    // Only tests call this, so the float parser it links stays out of the component.
    let as_f64 = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    let limit = |k: &str| schema.get(k).and_then(Value::as_u64);
    if let Some(n) = as_f64(value) {
        if schema.get("minimum").and_then(as_f64).is_some_and(|m| n < m) {
            return Err(format!("{path}: {n} is below the minimum"));
        }
        if schema.get("maximum").and_then(as_f64).is_some_and(|m| n > m) {
            return Err(format!("{path}: {n} is above the maximum"));
        }
    }
    if let Value::String(s) = value
        && limit("maxLength").is_some_and(|m| s.chars().count() as u64 > m)
    {
        return Err(format!("{path}: longer than maxLength"));
    }
    if let Value::Array(a) = value {
        if limit("minItems").is_some_and(|m| (a.len() as u64) < m) {
            return Err(format!("{path}: fewer than minItems"));
        }
        if limit("maxItems").is_some_and(|m| a.len() as u64 > m) {
            return Err(format!("{path}: more than maxItems"));
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
    for s in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        check_schema(value, s, path)?;
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        let errors: Vec<String> = options
            .iter()
            .filter_map(|s| check_schema(value, s, path).err())
            .collect();
        if errors.len() == options.len() {
            return Err(format!("{path}: matches none of anyOf: {}", errors.join("; ")));
        }
    }
    if let Some(s) = schema.get("not")
        && check_schema(value, s, path).is_ok()
    {
        return Err(format!("{path}: {value} matches `not`"));
    }
    if let (Some(cond), Some(then)) = (schema.get("if"), schema.get("then"))
        && check_schema(value, cond, path).is_ok()
    {
        check_schema(value, then, path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `src/schemas.json` is what the types generate now, byte for byte;
    /// `SCHEMAS_UPDATE=1` rewrites it.
    #[test]
    fn the_embedded_schemas_are_what_the_types_generate() {
        let generated = generate_schemas_file();
        if std::env::var_os("SCHEMAS_UPDATE").is_some_and(|v| v == "1") {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/schemas.json");
            std::fs::write(path, &generated).unwrap_or_else(|e| panic!("writing {path}: {e}"));
            return;
        }
        if generated != EMBEDDED_SCHEMAS {
            let new: Vec<&str> = generated.lines().collect();
            let old: Vec<&str> = EMBEDDED_SCHEMAS.lines().collect();
            let differ: Vec<String> = (0..new.len().max(old.len()))
                .filter(|&i| new.get(i) != old.get(i))
                .map(|i| {
                    let line = new.get(i).or(old.get(i)).copied().unwrap_or("");
                    format!("line {}: {}", i + 1, line.chars().take(60).collect::<String>())
                })
                .collect();
            panic!(
                "src/schemas.json is not what the types generate (an operation's types or the registry changed); \
                 re-record it with `SCHEMAS_UPDATE=1 cargo test --locked --lib`, then run the tests again. \
                 Lines that differ:\n{}",
                differ.join("\n")
            );
        }
    }

    /// One line per operation of the registry, in its order, each with its
    /// input and output schema and nothing else; no other entry.
    #[test]
    fn the_embedded_file_holds_every_operation_of_the_registry_in_order_and_nothing_else() {
        let parsed: Value = serde_json::from_str(EMBEDDED_SCHEMAS).expect("src/schemas.json is JSON");
        assert!(embedded().is_object());
        assert_eq!(embedded(), &parsed);
        let names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        let mut keys: Vec<&str> = parsed
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        keys.sort_unstable();
        assert_eq!(keys, sorted);
        let lines: Vec<&str> = EMBEDDED_SCHEMAS.lines().collect();
        assert_eq!(lines.len(), names.len());
        for (i, (line, name)) in lines.iter().zip(&names).enumerate() {
            let start = if i == 0 {
                format!("{{\"{name}\":")
            } else {
                format!("\"{name}\":")
            };
            assert!(line.starts_with(&start), "line {}: {line:.60}", i + 1);
            let entry = parsed[name].as_object().expect("an object");
            let parts: Vec<&str> = entry.keys().map(String::as_str).collect();
            assert_eq!(parts, ["input", "output"], "{name}");
            assert_eq!(entry["input"]["type"], "object", "{name}");
            assert_eq!(entry["output"]["type"], "object", "{name}");
        }
        assert!(EMBEDDED_SCHEMAS.ends_with("}}\n"));
    }

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
            let n = p.len();
            p.sort_unstable();
            p.dedup();
            assert_eq!(p.len(), n, "duplicate parameter in {}", o.name);
            assert!(n > 0, "{} has no parameters", o.name);
        }
    }

    #[test]
    fn input_schemas_state_required_fields_enums_ranges_and_null() {
        let s = operation("update-ticket").unwrap().input_schema();
        assert_eq!(s["required"], json!(["ticketId"]));
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(
            s["properties"]["ticketId"],
            json!({"anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                {"type": "string", "pattern": "^[\\t\\n\\f\\r ]*0*[1-9][0-9]{0,14}[\\t\\n\\f\\r ]*$"}
            ], "description": "Ticket ID to update"})
        );
        assert_eq!(
            s["properties"]["status"],
            json!({"anyOf": [{"type": "string", "enum": ["open", "closed"]}, {"type": "null"}],
                "default": null, "description": "New status. Must be exactly \"open\" or \"closed\""})
        );
        assert_eq!(
            s["properties"]["priority"]["anyOf"][0]["enum"],
            json!(["critical", "high", "normal", "low"])
        );
        let s = operation("search-tickets").unwrap().input_schema();
        assert!(s.get("required").is_none_or(|r| r == &json!([])), "{s}");
        assert_eq!(
            s["properties"]["limit"]["anyOf"],
            json!([
                {"type": "integer", "minimum": 1, "maximum": 100},
                {"type": "string", "pattern": "^[\\t\\n\\f\\r ]*0*([1-9][0-9]?|100)[\\t\\n\\f\\r ]*$"},
                {"type": "null"}
            ])
        );
        assert_eq!(
            s["properties"]["orderBy"]["anyOf"][0],
            json!({"type": "string", "enum": crate::tickets::TICKET_ORDERS})
        );
        let s = operation("create-ticket").unwrap().input_schema();
        assert_eq!(s["required"], json!(["channel", "customerId", "fromAgent"]));
        assert_eq!(s["properties"]["fromAgent"]["type"], "boolean");
        assert_eq!(s["properties"]["channel"]["pattern"], CHANNEL_PATTERN);
        assert_eq!(
            s["properties"]["fromEmail"]["anyOf"][0],
            json!({"type": "string", "maxLength": 320, "pattern": email_pattern()})
        );
        let s = operation("add-ticket-tags").unwrap().input_schema();
        assert_eq!(s["properties"]["tagIds"]["anyOf"][1], json!({"type": "null"}));
        assert_eq!(
            s["properties"]["tagIds"]["description"],
            "IDs of existing tags to add. Provide tagNames, tagIds, or both"
        );
        assert_eq!(s["properties"]["tagNames"]["anyOf"][0]["items"]["maxLength"], 256);
    }

    /// Every schema, everywhere: no type lists (nullable is `anyOf` with
    /// `null`); outputs are closed objects with every property required.
    #[test]
    fn schemas_are_portable_and_outputs_closed_and_complete() {
        fn walk(v: &Value, output: bool, at: &str) {
            match v {
                Value::Object(m) => {
                    assert!(!m.get("type").is_some_and(Value::is_array), "{at}: type list");
                    if output && let Some(Value::Object(props)) = m.get("properties") {
                        let keys: Vec<&str> = props.keys().map(String::as_str).collect();
                        assert_eq!(m["required"], json!(keys), "{at}");
                        assert_eq!(m["additionalProperties"], false, "{at}");
                    }
                    for (k, x) in m {
                        walk(x, output, &format!("{at}.{k}"));
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, output, at)),
                _ => {}
            }
        }
        for o in OPERATIONS {
            walk(&o.input_schema(), false, o.name);
            walk(&o.output_schema(), true, o.name);
            assert!(o.input_schema().get("$schema").is_none());
        }
        // Error bodies carry their optional fields only when they apply.
        walk(&error_schema(), false, "error");
    }

    /// Runs operation `O` on `body` as a route would, with a Gorgias that
    /// answers 404: `Ok` when the input passed decoding and validation.
    struct Accepts<'a>(&'a str);
    impl crate::ops::Visit for Accepts<'_> {
        type Out = Result<(), Error>;
        fn visit<O: crate::ops::Operation>(self) -> Result<(), Error> {
            use crate::client::tests::{Scripted, conn};
            use crate::client::{Client, RetryPolicy};
            let mut t = Scripted::new((0..8).map(|_| Scripted::json(404, "{}")).collect());
            let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), O::SPEC.name)?;
            match crate::ops::run_body::<O, _>(self.0.as_bytes(), &mut c) {
                Err(e @ Error::InvalidInput(_)) => Err(e),
                _ => Ok(()),
            }
        }
    }

    fn accepted(name: &str, body: &str) -> bool {
        crate::ops::visit(name, Accepts(body)).expect("an operation").is_ok()
    }

    /// An add-ticket-tags body with `names` tag names and `ids` tag IDs.
    fn many(names: usize, ids: usize) -> String {
        let names: Vec<String> = (0..names).map(|i| format!("t{i}")).collect();
        let ids: Vec<usize> = (1..=ids).collect();
        json!({"ticketId": 1, "tagNames": names, "tagIds": ids}).to_string()
    }

    /// The schema and the connector agree on each body: the rules that are
    /// not patterns (checked end to end by schemathesis) are in the schema.
    #[test]
    fn the_schema_accepts_exactly_what_the_validation_accepts() {
        let cases: &[(&str, &str, bool)] = &[
            ("get-ticket", r#"{"ticketId": 5}"#, true),
            ("get-ticket", r#"{"ticketId": 5.0}"#, true),
            ("get-ticket", r#"{"ticketId": "5"}"#, true),
            ("get-ticket", r#"{"ticketId": 999999999999999}"#, true),
            ("get-ticket", r#"{"ticketId": 1000000000000000}"#, false),
            ("get-ticket", r#"{"ticketId": 0}"#, false),
            ("get-ticket", r#"{"ticketId": -1}"#, false),
            ("get-ticket", r#"{"ticketId": 1.5}"#, false),
            ("get-ticket", r#"{"ticketId": null}"#, false),
            ("get-ticket", r#"{"ticketId": true}"#, false),
            ("get-ticket", r#"{}"#, false),
            ("get-ticket", r#"{"ticketId": 5, "x": 1}"#, false),
            ("search-tickets", r#"{}"#, true),
            (
                "search-tickets",
                r#"{"limit": null, "customerId": null, "cursor": null, "orderBy": null}"#,
                true,
            ),
            ("search-tickets", r#"{"limit": 100}"#, true),
            ("search-tickets", r#"{"limit": 101}"#, false),
            ("search-tickets", r#"{"limit": 0}"#, false),
            ("search-tickets", r#"{"viewId": 0}"#, false),
            ("search-tickets", r#"{"externalId": 5}"#, false),
            (
                "create-ticket",
                r#"{"channel": "chat", "customerId": 1, "fromAgent": false}"#,
                true,
            ),
            (
                "create-ticket",
                r#"{"channel": "chat", "customerId": 1, "fromAgent": true}"#,
                false,
            ),
            (
                "create-ticket",
                r#"{"channel": "chat", "customerId": 1, "fromAgent": true, "senderUserId": null}"#,
                false,
            ),
            (
                "create-ticket",
                r#"{"channel": "chat", "customerId": 1, "fromAgent": true, "senderUserId": 2}"#,
                true,
            ),
            (
                "create-ticket",
                r#"{"channel": "email", "customerId": 1, "fromAgent": false}"#,
                false,
            ),
            (
                "create-ticket",
                r#"{"channel": "email", "customerId": 1, "fromAgent": false, "fromEmail": null}"#,
                false,
            ),
            (
                "create-ticket",
                r#"{"channel": "email", "customerId": 1, "fromAgent": false, "fromEmail": "a@b"}"#,
                true,
            ),
            (
                "create-ticket",
                r#"{"channel": "chat", "customerId": 1, "fromAgent": false, "status": "pending"}"#,
                false,
            ),
            (
                "create-ticket",
                r#"{"channel": "chat", "customerId": 1, "fromAgent": false, "status": null}"#,
                true,
            ),
            ("create-ticket", r#"{"channel": "chat", "customerId": 1}"#, false),
            ("update-ticket", r#"{"ticketId": 1}"#, false),
            (
                "update-ticket",
                r#"{"ticketId": 1, "status": null, "subject": null}"#,
                false,
            ),
            ("update-ticket", r#"{"ticketId": 1, "subject": ""}"#, true),
            ("update-ticket", r#"{"ticketId": 1, "assigneeTeamId": 3}"#, true),
            ("update-ticket", r#"{"ticketId": 1, "priority": "urgent"}"#, false),
            (
                "reply-to-ticket",
                r#"{"ticketId": 1, "channel": "chat", "senderUserId": 2, "bodyText": "hi"}"#,
                true,
            ),
            (
                "reply-to-ticket",
                r#"{"ticketId": 1, "channel": "chat", "senderUserId": 2}"#,
                false,
            ),
            (
                "reply-to-ticket",
                r#"{"ticketId": 1, "channel": "chat", "senderUserId": 2, "bodyText": null, "bodyHtml": "<p>x</p>"}"#,
                true,
            ),
            (
                "reply-to-ticket",
                r#"{"ticketId": 1, "channel": "email", "senderUserId": 2, "bodyText": "hi"}"#,
                false,
            ),
            (
                "reply-to-ticket",
                r#"{"ticketId": 1, "channel": "internal-note", "senderUserId": 2, "bodyText": "hi"}"#,
                false,
            ),
            (
                "add-internal-note",
                r#"{"ticketId": 1, "senderUserId": 2, "bodyHtml": "x"}"#,
                true,
            ),
            (
                "add-internal-note",
                r#"{"ticketId": 1, "senderUserId": 2, "bodyText": null}"#,
                false,
            ),
            ("get-ticket-messages", r#"{"ticketId": 5, "limit": 100}"#, true),
            ("get-ticket-messages", r#"{"ticketId": 5, "limit": 101}"#, false),
            ("get-ticket-messages", r#"{"ticketId": 0}"#, false),
            ("get-ticket-messages", r#"{"ticketId": 5, "page": 2}"#, false),
            ("list-ticket-tags", r#"{"ticketId": "12"}"#, true),
            ("add-ticket-tags", r#"{"ticketId": 1, "tagIds": [2]}"#, true),
            (
                "add-ticket-tags",
                r#"{"ticketId": 1, "tagNames": ["vip"], "tagIds": null}"#,
                true,
            ),
            ("add-ticket-tags", r#"{"ticketId": 1}"#, false),
            (
                "add-ticket-tags",
                r#"{"ticketId": 1, "tagNames": [], "tagIds": []}"#,
                false,
            ),
            (
                "add-ticket-tags",
                r#"{"ticketId": 1, "tagNames": null, "tagIds": null}"#,
                false,
            ),
            ("add-ticket-tags", r#"{"ticketId": 1, "tagIds": [0]}"#, false),
            ("add-ticket-tags", &many(100, 100), true),
            ("add-ticket-tags", &many(101, 0), false),
            ("add-ticket-tags", &many(0, 101), false),
            ("find-customer-by-email", r#"{"email": "a@b.c"}"#, true),
            ("find-customer-by-email", r#"{"email": null}"#, false),
            ("find-customer-by-email", r#"{}"#, false),
        ];
        for (name, body, ok) in cases {
            let v: Value = serde_json::from_str(body).unwrap();
            let schema = operation(name).unwrap().input_schema();
            assert_eq!(accepted(name, body), *ok, "connector on {name} {body}");
            assert_eq!(
                check_schema(&v, &schema, "$").is_ok(),
                *ok,
                "schema on {name} {body}: {:?}",
                check_schema(&v, &schema, "$")
            );
        }
    }

    #[test]
    fn update_ticket_assignees_are_nullable_in_the_schema() {
        let s = operation("update-ticket").unwrap().input_schema();
        for field in ["assigneeUserId", "assigneeTeamId"] {
            let options = s["properties"][field]["anyOf"].as_array().unwrap();
            assert_eq!(options.last(), Some(&json!({"type": "null"})), "{field}");
            assert!(
                s["properties"][field]["description"]
                    .as_str()
                    .unwrap()
                    .contains("null unassigns")
            );
        }
        // `null` alone is a change (it unassigns), so the at-least-one rule takes it.
        check_schema(&json!({"ticketId": 1, "assigneeUserId": null}), &s, "$").unwrap();
        assert!(check_schema(&json!({"ticketId": 1, "assigneeUserId": 0}), &s, "$").is_err());
        assert!(check_schema(&json!({"ticketId": 1, "status": null}), &s, "$").is_err());
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
}
