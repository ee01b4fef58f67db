//! The WIT cannot drift from the operations: for every operation of the
//! registry, `wit/` has a function of the same name shaped
//! `func(conn: connection, request: <op>-request) -> result<<op>-answer, error>`
//! (or `func(conn: connection) -> result<<op>-answer, error>` when the input
//! has no parameters),
//! the request record's fields are exactly the input schema's properties and
//! the answer record's exactly the output schema's, with matching
//! optionality and types, under the mapping `src/serve/typed.rs` applies
//! (kebab-case field ↔ camelCase or snake_case key; `option` ↔ a key that
//! may be absent (input) or `null` (output); `variant` with `keep` ↔ a key
//! that may be absent or `null`). And every exported function is an
//! operation. Nothing here names an operation.
//!
//! Pure: parses `wit/` with `wit-parser` and reads the registry; no
//! component is built.

use gorgias_connector::ops::OPERATIONS;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use wit_parser::{Function, Resolve, Type, TypeDefKind, WorldItem};

/// The parsed `wit/` and every function its worlds export, by name.
struct Wit {
    resolve: Resolve,
    functions: BTreeMap<String, Function>,
}

fn load() -> Wit {
    let mut resolve = Resolve::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wit");
    let (pkg, _) = resolve.push_dir(&dir).expect("wit/ parses");
    let mut functions = BTreeMap::new();
    let mut interfaces_by_world = Vec::new();
    for (_, world) in resolve.packages[pkg].worlds.iter() {
        let world = &resolve.worlds[*world];
        let mut interfaces = BTreeSet::new();
        for item in world.exports.values() {
            match item {
                WorldItem::Interface { id, .. } => {
                    let iface = &resolve.interfaces[*id];
                    interfaces.insert(iface.name.clone().unwrap_or_default());
                    for (name, f) in &iface.functions {
                        let old = functions.insert(name.clone(), f.clone());
                        assert!(
                            old.is_none_or(|o| o == *f),
                            "{name} is exported twice with different shapes"
                        );
                    }
                }
                WorldItem::Function(f) => {
                    functions.insert(f.name.clone(), f.clone());
                }
                WorldItem::Type { .. } => {}
            }
        }
        interfaces_by_world.push((world.name.clone(), interfaces));
    }
    let first = &interfaces_by_world[0].1;
    for (world, interfaces) in &interfaces_by_world {
        assert_eq!(interfaces, first, "world {world} exports the same interfaces");
    }
    Wit { resolve, functions }
}

/// `nextCursor`, `next_cursor` → `next-cursor`.
fn kebab(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else if c == '_' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether the schema is a request's (keys may be absent) or an answer's
/// (keys are always there, maybe `null`).
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Answer,
}

impl Wit {
    /// Follows type aliases.
    fn kind(&self, ty: &Type) -> Option<&TypeDefKind> {
        match ty {
            Type::Id(id) => match &self.resolve.types[*id].kind {
                TypeDefKind::Type(t) => self.kind(t),
                k => Some(k),
            },
            _ => None,
        }
    }

    fn name(&self, ty: &Type) -> Option<String> {
        match ty {
            Type::Id(id) => self.resolve.types[*id].name.clone(),
            _ => None,
        }
    }

    /// The problems of record `ty` against object schema `schema`, each
    /// prefixed with `at`.
    fn record(&self, at: &str, ty: &Type, schema: &Value, side: Side, out: &mut Vec<String>) {
        let Some(TypeDefKind::Record(record)) = self.kind(ty) else {
            out.push(format!("{at}: not a record"));
            return;
        };
        let props = schema["properties"].as_object().cloned().unwrap_or_default();
        let required: BTreeSet<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let by_field: BTreeMap<String, (&String, &Value)> = props.iter().map(|(k, v)| (kebab(k), (k, v))).collect();
        assert_eq!(by_field.len(), props.len(), "{at}: two keys map to one field");
        let fields: BTreeSet<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
        for key in by_field.keys() {
            if !fields.contains(key.as_str()) {
                out.push(format!("{at}: the schema's key for `{key}` has no WIT field"));
            }
        }
        for f in &record.fields {
            let Some((key, prop)) = by_field.get(&f.name) else {
                out.push(format!("{at}.{}: a WIT field the schema does not have", f.name));
                continue;
            };
            let here = format!("{at}.{}", f.name);
            self.field(&here, &f.ty, prop, required.contains(key.as_str()), side, out);
        }
    }

    /// One record field (`ty`) against its property schema.
    fn field(&self, at: &str, ty: &Type, prop: &Value, required: bool, side: Side, out: &mut Vec<String>) {
        let alternatives: Vec<&Value> = match prop["anyOf"].as_array() {
            Some(a) => a.iter().collect(),
            None => vec![prop],
        };
        let nullable = alternatives.iter().any(|a| a["type"] == "null");
        let values: Vec<&Value> = alternatives.into_iter().filter(|a| a["type"] != "null").collect();
        match (self.kind(ty), side) {
            (Some(TypeDefKind::Option(inner)), Side::Request) => {
                if required {
                    out.push(format!("{at}: an option, but the input requires the key"));
                }
                self.value(at, inner, &values, side, out);
            }
            (Some(TypeDefKind::Option(inner)), Side::Answer) => {
                if !nullable {
                    out.push(format!("{at}: an option, but the output is never null"));
                }
                self.value(at, inner, &values, side, out);
            }
            (Some(TypeDefKind::Variant(v)), Side::Request) if v.cases.iter().any(|c| c.name == "keep") => {
                // keep: absent; a case without payload: null; a case with one: the value.
                if required {
                    out.push(format!("{at}: has `keep`, but the input requires the key"));
                }
                for case in &v.cases {
                    match &case.ty {
                        None if case.name == "keep" => {}
                        None if !nullable => {
                            out.push(format!("{at}: case `{}` is null, which the input refuses", case.name))
                        }
                        None => {}
                        Some(t) => self.value(&format!("{at}::{}", case.name), t, &values, side, out),
                    }
                }
            }
            (_, Side::Request) => {
                // Sent as is, always: the key may be optional only when its
                // default is what an empty list says.
                if !required {
                    let empty_list =
                        matches!(self.kind(ty), Some(TypeDefKind::List(_))) && prop["default"] == serde_json::json!([]);
                    if !empty_list {
                        out.push(format!("{at}: not an option, but the input does not require the key"));
                    }
                }
                self.value(at, ty, &values, side, out);
            }
            (_, Side::Answer) => {
                if nullable {
                    out.push(format!("{at}: not an option, but the output may be null"));
                }
                if !required {
                    out.push(format!("{at}: not an option, but the output may leave the key out"));
                }
                self.value(at, ty, &values, side, out);
            }
        }
    }

    /// A value of type `ty` against the non-null alternatives of its schema.
    fn value(&self, at: &str, ty: &Type, values: &[&Value], side: Side, out: &mut Vec<String>) {
        let types: BTreeSet<&str> = values.iter().filter_map(|v| v["type"].as_str()).collect();
        let one_of = |wanted: &[&str]| types.iter().all(|t| wanted.contains(t)) && types.contains(wanted[0]);
        let integer = |max: u64, out: &mut Vec<String>| {
            let Some(int) = values.iter().find(|v| v["type"] == "integer") else {
                return;
            };
            if int["minimum"].as_f64().is_none_or(|m| m < 0.0) {
                out.push(format!("{at}: unsigned in WIT, but the schema allows negative numbers"));
            }
            let fits = int["maximum"].as_f64().is_some_and(|m| m <= max as f64);
            // An answer must fit the WIT integer; a request's integers are checked by the input.
            if side == Side::Answer && max < u64::MAX && !fits {
                out.push(format!("{at}: the output's integers may not fit in the WIT integer"));
            }
        };
        let ok = match ty {
            Type::Bool => one_of(&["boolean"]),
            Type::String => one_of(&["string"]),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                let max = match ty {
                    Type::U8 => u64::from(u8::MAX),
                    Type::U16 => u64::from(u16::MAX),
                    Type::U32 => u64::from(u32::MAX),
                    _ => u64::MAX,
                };
                integer(max, out);
                // A request key may also take a numeric string: the WIT gives the integer.
                match side {
                    Side::Request => one_of(&["integer", "string"]),
                    Side::Answer => one_of(&["integer"]),
                }
            }
            _ => match self.kind(ty) {
                Some(TypeDefKind::List(inner)) => {
                    let Some(array) = values.iter().find(|v| v["type"] == "array") else {
                        out.push(format!("{at}: a list, but the schema has no array"));
                        return;
                    };
                    let items = &array["items"];
                    let item_values: Vec<&Value> = match items["anyOf"].as_array() {
                        Some(a) => a.iter().collect(),
                        None => vec![items],
                    };
                    if item_values.iter().any(|v| v["type"] == "null") {
                        out.push(format!("{at}[]: the schema's items may be null"));
                    }
                    let item_values: Vec<&Value> = item_values.into_iter().filter(|v| v["type"] != "null").collect();
                    self.value(&format!("{at}[]"), inner, &item_values, side, out);
                    one_of(&["array"])
                }
                Some(TypeDefKind::Record(_)) => {
                    match values.iter().find(|v| v["type"] == "object") {
                        Some(object) => self.record(at, ty, object, side, out),
                        None => out.push(format!("{at}: a record, but the schema has no object")),
                    }
                    one_of(&["object"])
                }
                other => {
                    out.push(format!("{at}: a WIT type the mapping does not carry: {other:?}"));
                    true
                }
            },
        };
        if !ok {
            out.push(format!("{at}: WIT {ty:?} does not match the schema's types {types:?}"));
        }
    }

    /// Every problem of operation `name`'s function against its schemas.
    fn check(&self, name: &str, input: &Value, output: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let Some(f) = self.functions.get(name) else {
            return vec![format!("{name}: no WIT function of that name")];
        };
        let params: Vec<(&str, Option<String>)> =
            f.params.iter().map(|p| (p.name.as_str(), self.name(&p.ty))).collect();
        let request = format!("{name}-request");
        let answer = format!("{name}-answer");
        // An operation without parameters takes only the connection.
        let no_parameters = input["properties"].as_object().is_none_or(|p| p.is_empty());
        let conn = ("conn", Some("connection".to_string()));
        if no_parameters && params == [conn.clone()] {
        } else if params != [conn, ("request", Some(request.clone()))] {
            out.push(format!(
                "{name}: takes {params:?}, not (conn: connection, request: {request}){}",
                if no_parameters { " or (conn: connection)" } else { "" }
            ));
        }
        let result = f.result.as_ref().and_then(|r| match self.kind(r) {
            Some(TypeDefKind::Result(r)) => Some(r.clone()),
            _ => None,
        });
        let Some(result) = result else {
            out.push(format!("{name}: does not return a result"));
            return out;
        };
        if result.err.as_ref().and_then(|e| self.name(e)).as_deref() != Some("error") {
            out.push(format!("{name}: its error is not `error`"));
        }
        match result.ok.as_ref() {
            Some(ok) if self.name(ok).as_deref() == Some(answer.as_str()) => {
                self.record(&answer, ok, output, Side::Answer, &mut out);
            }
            _ => out.push(format!("{name}: does not return `{answer}`")),
        }
        if let Some(p) = f.params.get(1) {
            self.record(&request, &p.ty, input, Side::Request, &mut out);
        }
        out
    }
}

#[test]
fn every_operation_has_a_wit_function_whose_records_are_its_schemas() {
    let wit = load();
    let mut problems = Vec::new();
    for op in OPERATIONS {
        problems.extend(wit.check(op.name, &op.input_schema(), &op.output_schema()));
    }
    assert!(
        problems.is_empty(),
        "WIT and schemas disagree:\n{}",
        problems.join("\n")
    );
    let names: BTreeSet<&str> = OPERATIONS.iter().map(|o| o.name).collect();
    let extra: Vec<&String> = wit.functions.keys().filter(|f| !names.contains(f.as_str())).collect();
    assert!(
        extra.is_empty(),
        "exported WIT functions that are no operation: {extra:?}"
    );
}

/// The check can fail: every kind of drift it is there to catch is caught.
#[test]
fn drift_is_reported() {
    let wit = load();
    let op = OPERATIONS
        .iter()
        .find(|o| {
            let s = o.input_schema();
            let required = s["required"].as_array().map_or(0, Vec::len);
            required > 0 && s["properties"].as_object().is_some_and(|p| p.len() > required)
        })
        .expect("an operation with a required and an optional key");
    let (input, output) = (op.input_schema(), op.output_schema());
    assert!(wit.check(op.name, &input, &output).is_empty());
    let required = input["required"][0].as_str().unwrap().to_string();
    let optional = input["properties"]
        .as_object()
        .unwrap()
        .keys()
        .find(|k| !input["required"].as_array().unwrap().iter().any(|r| r == *k))
        .unwrap()
        .clone();

    let mut added = input.clone();
    added["properties"]["brandNewKey"] = serde_json::json!({"type": "string"});
    let mut removed = input.clone();
    removed["properties"].as_object_mut().unwrap().remove(&optional);
    let mut loosened = input.clone();
    loosened["required"] = serde_json::json!([]);
    let mut tightened = input.clone();
    tightened["required"]
        .as_array_mut()
        .unwrap()
        .push(optional.clone().into());
    let mut retyped = input.clone();
    retyped["properties"][&required] = serde_json::json!({"type": "boolean"});
    let mut nullable_out = output.clone();
    let first_out = output["properties"].as_object().unwrap().keys().next().unwrap().clone();
    nullable_out["properties"][&first_out] =
        serde_json::json!({"anyOf": [output["properties"][&first_out].clone(), {"type": "null"}]});
    for (what, i, o) in [
        ("a key the WIT lacks", &added, &output),
        ("a WIT field the schema lacks", &removed, &output),
        ("a required key made optional", &loosened, &output),
        ("an optional key made required", &tightened, &output),
        ("a key of another type", &retyped, &output),
        ("an answer key that may be null", &input, &nullable_out),
    ] {
        assert!(
            !wit.check(op.name, i, o).is_empty(),
            "{}: {what} went unnoticed",
            op.name
        );
    }
    assert!(!wit.check("no-such-operation", &input, &output).is_empty());
}
