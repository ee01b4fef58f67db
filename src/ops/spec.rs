//! An operation's entry ([`Spec`]): name, title, description, MCP
//! annotations, endpoint, example, and what the compiler derives from its
//! types ([`Types`]: its JSON Schemas, parameter names and the function that
//! runs it). The access gate ([`Spec::allowed`], [`Spec::check_allowed`]) is
//! decided here and nowhere else.
//!
//! The schemas are static, so schemars runs natively, not in the component:
//! the unit test `the_embedded_schemas_are_what_the_types_generate`
//! generates them from the types through the registry and holds
//! `src/ops/schemas.json` to them (`SCHEMAS_UPDATE=1 cargo test --locked --lib`
//! re-records it); at run time [`Spec::input_schema`] and
//! [`Spec::output_schema`] read that embedded file. The generator is left out
//! of wasm builds (`cfg(not(target_family = "wasm"))`), so the component
//! links none of schemars' generator (about 94 KB).

use crate::error::Error;
use crate::gorgias::client::Client;
use schemars::JsonSchema;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;
use std::fmt;
use std::sync::OnceLock;
/// A JSON object.
type Map = serde_json::Map<String, Value>;

/// Runs an operation on a route body over a client: the answer as the
/// bytes of the route's `200` body ([`crate::ops::run_body`]).
pub type RunFn = fn(&[u8], &mut Client<'_>) -> Result<Vec<u8>, Error>;

pub use crate::config::Access;

/// One operation's entry.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Kebab-case name: the WIT function, the route and the MCP tool.
    pub name: &'static str,
    /// The spec's title ("Get Ticket").
    pub title: &'static str,
    /// The spec's description.
    pub description: &'static str,
    /// The access tier it needs: [`Access::Read`] for a query (a "Query"
    /// in the spec), [`Access::Write`] for a mutation that deletes nothing,
    /// [`Access::All`] for one that deletes.
    pub access: Access,
    /// Whether sending the same call twice leaves Gorgias as one call does.
    pub idempotent: bool,
    /// The Gorgias endpoint(s) it calls.
    pub endpoint: &'static str,
    /// The spec's "Example Usage" arguments, as JSON.
    pub example: &'static str,
    /// What its types say: `crate::ops::types::<Self>()` in the operation's `impl`.
    pub types: Types,
}

/// What the types of an operation give every surface. The schema
/// generators are native only: they produce `src/ops/schemas.json` (see the
/// module docs), which is what every build serves; in the component they do
/// not exist, so schemars' generator is not linked.
#[derive(Clone, Copy)]
pub struct Types {
    /// Generates the JSON Schema of the input (the route body, the MCP arguments).
    #[cfg(not(target_family = "wasm"))]
    pub input: fn() -> Value,
    /// Generates the JSON Schema of the output (the route's 200 body).
    #[cfg(not(target_family = "wasm"))]
    pub output: fn() -> Value,
    /// The input's parameter names, in declaration (the spec's) order.
    pub params: fn() -> &'static [&'static str],
    /// Decodes a route body strictly, runs the operation, renders its answer.
    pub run: RunFn,
    /// Whether it can destroy data a caller did not name (MCP `destructiveHint`).
    pub destructive: bool,
    /// Whether it sends independent Gorgias calls together (the tag lookups,
    /// then the creates).
    pub concurrent: bool,
}

impl fmt::Debug for Types {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Types")
            .field("destructive", &self.destructive)
            .finish_non_exhaustive()
    }
}

impl Types {
    /// The types of an operation with input `I`, output `O`, run by `run`.
    pub const fn of<I: JsonSchema + DeserializeOwned, O: JsonSchema>(
        run: RunFn,
        destructive: bool,
        concurrent: bool,
    ) -> Types {
        Types {
            #[cfg(not(target_family = "wasm"))]
            input: crate::schema::input_schema::<I>,
            #[cfg(not(target_family = "wasm"))]
            output: crate::schema::output_schema::<O>,
            params: field_names::<I>,
            run,
            destructive,
            concurrent,
        }
    }
}

/// `src/ops/schemas.json`: every operation's `{"input": …, "output": …}`
/// schemas, generated from the types (see the module docs).
pub const EMBEDDED_SCHEMAS: &str = include_str!("schemas.json");

/// Where one operation's schemas lie in [`EMBEDDED_SCHEMAS`] (build.rs
/// finds them), so the catalogue surfaces serve their bytes without parsing
/// the file.
#[derive(Debug, Clone, Copy)]
pub struct SchemaSpan {
    /// The operation.
    pub name: &'static str,
    /// Byte range of its input schema.
    pub input: (usize, usize),
    /// Byte range of its output schema.
    pub output: (usize, usize),
    /// Whether its input schema refuses `{}` (OpenAPI's `requestBody.required`).
    pub body_required: bool,
}

include!(concat!(env!("OUT_DIR"), "/schema_spans.rs"));

/// The span of operation `name` (the spans are in the registry's order,
/// so this usually finds it at once).
fn span(name: &str) -> Option<&'static SchemaSpan> {
    SCHEMA_SPANS.iter().find(|s| s.name == name)
}

/// The text of a span of [`EMBEDDED_SCHEMAS`]; `{}` if it were out of range.
fn span_text((from, to): (usize, usize)) -> &'static str {
    EMBEDDED_SCHEMAS.get(from..to).unwrap_or("{}")
}

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

impl Spec {
    /// Whether it only reads (a "Query" in the spec): tier [`Access::Read`].
    pub fn read_only(&self) -> bool {
        self.access == Access::Read
    }

    /// The access gate: whether a connector at tier `tier` offers this
    /// operation. Every surface (routes, listing, MCP, OpenAPI, typed
    /// exports) asks this, and only this.
    pub fn allowed(&self, tier: Access) -> bool {
        self.access <= tier
    }

    /// Why a connector at tier `tier` refuses this operation (`None`: it
    /// offers it): the operation and the tier it needs.
    pub fn refusal(&self, tier: Access) -> Option<String> {
        if self.allowed(tier) {
            return None;
        }
        Some(match tier {
            Access::Read => format!(
                "{}: the connector is in read-only mode (access = \"read\" or read_only = true); mutations are disabled",
                self.name
            ),
            _ => format!(
                "{}: the connector's access is \"{}\"; this operation needs access = \"{}\"",
                self.name,
                tier.name(),
                self.access.name()
            ),
        })
    }

    /// [`Spec::refusal`] as a `configuration` error (nothing is sent to Gorgias).
    pub fn check_allowed(&self, tier: Access) -> Result<(), Error> {
        self.refusal(tier).map_or(Ok(()), |why| Err(Error::Configuration(why)))
    }

    /// Decodes `body` strictly and runs the operation over `client`: the
    /// JSON bytes of the route's `200` body.
    pub fn run(&self, body: &[u8], client: &mut Client<'_>) -> Result<Vec<u8>, Error> {
        (self.types.run)(body, client)
    }

    /// Whether it can destroy data a caller did not name.
    pub fn destructive(&self) -> bool {
        self.types.destructive
    }

    /// Whether it sends independent Gorgias calls together (at most
    /// `max_in_flight` in flight).
    pub fn concurrent(&self) -> bool {
        self.types.concurrent
    }

    /// The parameter names, in order (what the operation's input type accepts).
    pub fn param_names(&self) -> Vec<&'static str> {
        (self.types.params)().to_vec()
    }

    /// JSON Schema (2020-12) of the parameters object (from `src/ops/schemas.json`).
    pub fn input_schema(&self) -> Value {
        embedded_schema(self.name, "input")
    }

    /// JSON Schema (2020-12) of what the route answers with 200 (from `src/ops/schemas.json`).
    pub fn output_schema(&self) -> Value {
        embedded_schema(self.name, "output")
    }

    /// The compact JSON text of [`Spec::input_schema`], as embedded (nothing parsed).
    pub fn input_schema_text(&self) -> &'static str {
        span(self.name).map_or("{}", |s| span_text(s.input))
    }

    /// The compact JSON text of [`Spec::output_schema`], as embedded (nothing parsed).
    pub fn output_schema_text(&self) -> &'static str {
        span(self.name).map_or("{}", |s| span_text(s.output))
    }

    /// Whether the input schema refuses an empty object (a required
    /// parameter, or a rule such as "email or name"): a route body is needed.
    pub fn body_required(&self) -> bool {
        span(self.name).is_some_and(|s| s.body_required)
    }

    /// The spec's example arguments (an empty object if the entry were wrong).
    pub fn example_args(&self) -> Value {
        serde_json::from_slice::<Value>(self.example.as_bytes()).unwrap_or_else(|_| Value::Object(Map::new()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::OPERATIONS;
    use crate::schema::{CHANNEL_PATTERN, MAX_ID, check_schema, email_pattern, error_schema};
    use serde_json::json;

    /// `src/ops/schemas.json` is what the types generate now, byte for byte;
    /// `SCHEMAS_UPDATE=1` rewrites it.
    #[test]
    fn the_embedded_schemas_are_what_the_types_generate() {
        let generated = crate::ops::generate_schemas_file();
        if std::env::var_os("SCHEMAS_UPDATE").is_some_and(|v| v == "1") {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ops/schemas.json");
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
                "src/ops/schemas.json is not what the types generate (an operation's types or the registry changed); \
                 re-record it with `SCHEMAS_UPDATE=1 cargo test --locked --lib`, then run the tests again. \
                 Lines that differ:\n{}",
                differ.join("\n")
            );
        }
    }

    /// build.rs's spans are the registry's operations in order, and their
    /// texts are the schemas serde_json writes (the bytes the surfaces serve).
    #[test]
    fn the_schema_spans_are_each_operations_compact_schemas() {
        let names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        let spans: Vec<&str> = SCHEMA_SPANS.iter().map(|s| s.name).collect();
        assert_eq!(spans, names);
        let empty = Value::Object(Map::new());
        for o in OPERATIONS {
            assert_eq!(o.input_schema_text(), o.input_schema().to_string(), "{}", o.name);
            assert_eq!(o.output_schema_text(), o.output_schema().to_string(), "{}", o.name);
            let refused = check_schema(&empty, &o.input_schema(), "$").is_err();
            assert_eq!(o.body_required(), refused, "{}", o.name);
        }
    }

    /// One line per operation of the registry, in its order, each with its
    /// input and output schema and nothing else; no other entry.
    #[test]
    fn the_embedded_file_holds_every_operation_of_the_registry_in_order_and_nothing_else() {
        let parsed: Value = serde_json::from_str(EMBEDDED_SCHEMAS).expect("src/ops/schemas.json is JSON");
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
            assert_eq!(parts, ["bodyRequired", "input", "output"], "{name}");
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
        assert_eq!(names.len(), OPERATIONS.len());
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
            let properties = o.input_schema()["properties"].as_object().map_or(0, |m| m.len());
            assert_eq!(n, properties, "{}: its parameters are its schema's properties", o.name);
        }
    }

    #[test]
    fn input_schemas_state_required_fields_enums_ranges_and_null() {
        let s = crate::ops::find("update-ticket").unwrap().input_schema();
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
        let s = crate::ops::find("search-tickets").unwrap().input_schema();
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
            json!({"type": "string", "enum": crate::ops::tickets::TICKET_ORDERS})
        );
        let s = crate::ops::find("create-ticket").unwrap().input_schema();
        assert_eq!(s["required"], json!(["channel", "customerId", "fromAgent"]));
        assert_eq!(s["properties"]["fromAgent"]["type"], "boolean");
        assert_eq!(s["properties"]["channel"]["pattern"], CHANNEL_PATTERN);
        assert_eq!(
            s["properties"]["fromEmail"]["anyOf"][0],
            json!({"type": "string", "maxLength": 320, "pattern": email_pattern()})
        );
        let s = crate::ops::find("add-ticket-tags").unwrap().input_schema();
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

    /// Runs operation `name` on `body` as a route would, with a Gorgias
    /// that answers 404: `true` when the input passed decoding and validation.
    fn accepted(name: &str, body: &str) -> bool {
        use crate::gorgias::client::{Client, RetryPolicy};
        use crate::gorgias::testing::{Scripted, conn};
        let op = crate::ops::find(name).expect("an operation");
        // (Enough for a body's tag lookups, which go out together before the
        // first 404 is known.)
        let mut t = Scripted::new((0..128).map(|_| Scripted::json(404, "{}")).collect());
        let mut c = Client::new(&mut t, &conn(), None, RetryPolicy::default(), op.name).expect("a client");
        !matches!(op.run(body.as_bytes(), &mut c), Err(Error::InvalidInput(_)))
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
            let schema = crate::ops::find(name).unwrap().input_schema();
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
        let s = crate::ops::find("update-ticket").unwrap().input_schema();
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
        use crate::ops::available;
        let queries: Vec<&str> = OPERATIONS.iter().filter(|o| o.read_only()).map(|o| o.name).collect();
        let ro: Vec<&str> = available(Access::Read).map(|o| o.name).collect();
        assert_eq!(
            ro, queries,
            "read-only mode offers exactly the queries, in registry order"
        );
        assert!(ro.len() < OPERATIONS.len(), "some operation is a mutation");
        assert_eq!(available(Access::All).count(), OPERATIONS.len());
        for op in OPERATIONS {
            assert_eq!(op.allowed(Access::Read), op.read_only(), "{}", op.name);
            assert!(op.allowed(Access::All), "{}", op.name);
            assert_eq!(op.check_allowed(Access::Read).is_ok(), op.read_only(), "{}", op.name);
        }
        let update = crate::ops::find("update-ticket").unwrap();
        assert_eq!(update.check_allowed(Access::Read).unwrap_err().code(), "configuration");
        assert!(update.check_allowed(Access::All).is_ok());
        assert!(
            crate::ops::find("get-ticket")
                .unwrap()
                .check_allowed(Access::Read)
                .is_ok()
        );
    }

    #[test]
    fn output_schemas_accept_the_spec_shapes_and_reject_others() {
        let ticket = json!({"id": 1, "subject": null, "status": "open", "channel": "email", "priority": null,
            "customer_id": 2, "assignee_user_id": null, "assignee_team_id": null, "tags": [{"id": 3, "name": "vip"}],
            "created_datetime": "2024-01-01T00:00:00", "updated_datetime": null});
        let get = crate::ops::find("get-ticket").unwrap().output_schema();
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
            &crate::ops::find("search-tickets").unwrap().output_schema(),
            "$",
        )
        .unwrap();
        check_schema(
            &json!({"success": true}),
            &crate::ops::find("add-ticket-tags").unwrap().output_schema(),
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
