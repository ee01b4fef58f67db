//! The typed exports called without per-operation code: a route body (JSON)
//! becomes the WIT request record by the component's own mapping
//! (`src/serve/typed.rs`, read backwards), the function is found by its
//! name in `wit/`, called through wasmtime's dynamic `Func`, and its answer
//! record is held to the route's JSON answer. So every operation of the
//! registry is exercised through its typed export from its example alone.

use super::fake_gorgias;
use serde_json::{Map, Value};
use wasmtime::component::{Type, Val};

/// `gorgias:connector/<interface>@<version>` and the function's name, for
/// the WIT function named `name` (found by reading `wit/`).
pub fn export_of(name: &str) -> (String, String) {
    let dir = super::root().join("wit");
    let mut package = String::new();
    let mut found = None;
    // The `.wit` files only: `wit/deps/` is a directory.
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wit"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut interface = None;
        for line in text.lines().map(str::trim) {
            if let Some(p) = line.strip_prefix("package ") {
                package = p.trim_end_matches(';').to_string();
            }
            if let Some(rest) = line.strip_prefix("interface ") {
                interface = rest.split_whitespace().next().map(String::from);
            }
            if let Some((f, _)) = line.split_once(": func")
                && f.trim() == name
            {
                found = interface.clone();
            }
        }
    }
    let interface = found.unwrap_or_else(|| panic!("{name}: no WIT function of that name in wit/"));
    let (pkg, version) = package.split_once('@').expect("a versioned package");
    (format!("{pkg}/{interface}@{version}"), name.to_string())
}

/// The `connection` argument: the fake's API-key credentials.
pub fn connection(ty: &Type) -> Val {
    let Type::Variant(v) = ty else {
        panic!("connection is a variant: {ty:?}")
    };
    let case = v.cases().find(|c| c.name == "api-key").expect("an api-key case");
    let creds = json_to_val(
        &serde_json::json!({
            "account": fake_gorgias::ACCOUNT,
            "email": fake_gorgias::EMAIL,
            "apiKey": fake_gorgias::API_KEY,
        }),
        case.ty.as_ref().expect("credentials"),
        "connection",
    );
    Val::Variant("api-key".into(), Some(Box::new(creds)))
}

/// `ticket-id` → `ticketId`.
fn camel(kebab: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in kebab.chars() {
        if c == '-' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A route body value as the WIT value of type `ty` (the mapping of
/// `src/serve/typed.rs`, backwards). Panics, naming `at`, on what the
/// mapping cannot express: the example would then not be callable typed.
pub fn json_to_val(v: &Value, ty: &Type, at: &str) -> Val {
    match ty {
        Type::Record(r) => {
            let obj = match v {
                Value::Object(o) => o.clone(),
                Value::Null => Map::new(),
                other => panic!("{at}: a record from {other}"),
            };
            let names: Vec<String> = r.fields().map(|f| camel(f.name)).collect();
            for k in obj.keys() {
                assert!(names.contains(k), "{at}: the WIT record has no field for {k}");
            }
            Val::Record(
                r.fields()
                    .map(|f| {
                        let key = camel(f.name);
                        let at = format!("{at}.{key}");
                        let val = match obj.get(&key) {
                            Some(x) => json_to_val(x, &f.ty, &at),
                            None => absent(&f.ty, &at),
                        };
                        (f.name.to_string(), val)
                    })
                    .collect(),
            )
        }
        Type::Option(o) => match v {
            Value::Null => Val::Option(None),
            x => Val::Option(Some(Box::new(json_to_val(x, &o.ty(), at)))),
        },
        Type::Variant(var) => {
            let cases: Vec<_> = var.cases().collect();
            match v {
                Value::Null => {
                    let c = cases
                        .iter()
                        .find(|c| c.ty.is_none() && c.name != "keep")
                        .unwrap_or_else(|| panic!("{at}: no payload-less case for null"));
                    Val::Variant(c.name.into(), None)
                }
                x => {
                    let c = cases
                        .iter()
                        .find(|c| c.ty.is_some())
                        .unwrap_or_else(|| panic!("{at}: no case with a payload"));
                    let payload = json_to_val(x, c.ty.as_ref().unwrap(), at);
                    Val::Variant(c.name.into(), Some(Box::new(payload)))
                }
            }
        }
        Type::List(l) => match v {
            Value::Array(a) => Val::List(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| json_to_val(x, &l.ty(), &format!("{at}[{i}]")))
                    .collect(),
            ),
            other => panic!("{at}: a list from {other}"),
        },
        Type::String => Val::String(match v {
            Value::String(s) => s.clone(),
            other => panic!("{at}: a string from {other}"),
        }),
        Type::Enum(_) => Val::Enum(v.as_str().unwrap_or_else(|| panic!("{at}: an enum from {v}")).into()),
        Type::Bool => Val::Bool(v.as_bool().unwrap_or_else(|| panic!("{at}: a bool from {v}"))),
        Type::U64 => Val::U64(int(v, at)),
        Type::U32 => Val::U32(int(v, at).try_into().unwrap()),
        Type::U16 => Val::U16(int(v, at).try_into().unwrap()),
        Type::U8 => Val::U8(int(v, at).try_into().unwrap()),
        Type::S64 => Val::S64(v.as_i64().unwrap_or_else(|| panic!("{at}: an s64 from {v}"))),
        Type::S32 => Val::S32(
            v.as_i64()
                .and_then(|n| n.try_into().ok())
                .unwrap_or_else(|| panic!("{at}: an s32 from {v}")),
        ),
        Type::Float64 => Val::Float64(v.as_f64().unwrap_or_else(|| panic!("{at}: an f64 from {v}"))),
        other => panic!("{at}: the mapping has no {other:?}"),
    }
}

/// An integer from a JSON number, or a numeric string as the routes accept.
fn int(v: &Value, at: &str) -> u64 {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
        .unwrap_or_else(|| panic!("{at}: an integer from {v}"))
}

/// A field the body leaves out: `none`, the `keep` case, or an empty list.
fn absent(ty: &Type, at: &str) -> Val {
    match ty {
        Type::Option(_) => Val::Option(None),
        Type::Variant(v) if v.cases().any(|c| c.name == "keep") => Val::Variant("keep".into(), None),
        Type::List(_) => Val::List(vec![]),
        other => panic!("{at}: required ({other:?}) but absent from the example"),
    }
}

/// Whether the WIT answer `val` says what the route's JSON `json` says:
/// every field of every record (by its camelCase or snake_case key) holds
/// the same value, `none` where the route has `null` or nothing.
pub fn same_answer(val: &Val, json: &Value, at: &str) -> Result<(), String> {
    let differs = |what: &str| Err(format!("{at}: WIT {what} vs route {json}"));
    match val {
        Val::Record(fields) => {
            let Value::Object(o) = json else {
                return differs("record");
            };
            for (name, v) in fields {
                let key = [camel(name), name.replace('-', "_")]
                    .into_iter()
                    .find(|k| o.contains_key(k))
                    .unwrap_or_default();
                same_answer(v, o.get(&key).unwrap_or(&Value::Null), &format!("{at}.{name}"))?;
            }
            Ok(())
        }
        Val::Option(None) if json.is_null() => Ok(()),
        Val::Option(None) => differs("none"),
        Val::Option(Some(x)) => same_answer(x, json, at),
        Val::List(items) => {
            let Value::Array(a) = json else { return differs("list") };
            if a.len() != items.len() {
                return differs(&format!("a list of {}", items.len()));
            }
            for (i, (x, y)) in items.iter().zip(a).enumerate() {
                same_answer(x, y, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        Val::String(s) if json.as_str() == Some(s) => Ok(()),
        Val::Enum(s) if json.as_str() == Some(s) => Ok(()),
        Val::Bool(b) if json.as_bool() == Some(*b) => Ok(()),
        Val::U64(n) if json.as_u64() == Some(*n) => Ok(()),
        Val::U32(n) if json.as_u64() == Some(u64::from(*n)) => Ok(()),
        Val::U16(n) if json.as_u64() == Some(u64::from(*n)) => Ok(()),
        Val::U8(n) if json.as_u64() == Some(u64::from(*n)) => Ok(()),
        Val::S64(n) if json.as_i64() == Some(*n) => Ok(()),
        Val::S32(n) if json.as_i64() == Some(i64::from(*n)) => Ok(()),
        Val::Float64(f) if json.as_f64() == Some(*f) => Ok(()),
        Val::Variant(case, payload) => match payload {
            Some(p) => same_answer(p, json, &format!("{at}<{case}>")),
            None if json.is_null() => Ok(()),
            None => differs(case),
        },
        other => differs(&format!("{other:?}")),
    }
}
