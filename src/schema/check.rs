//! A small JSON Schema checker for tests: enough of 2020-12 to prove the
//! schemas describe real answers and the validation (see [`check_schema`]).

use serde_json::Value;

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
    // A `not` of a pattern cannot be decided here (patterns count as
    // matched): it is left to schemathesis like the pattern itself.
    if let Some(s) = schema.get("not")
        && s.get("pattern").is_none()
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
