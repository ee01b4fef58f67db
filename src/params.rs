//! Reading an HTTP route's JSON body into an operation's typed input.
//!
//! Names are the spec's camelCase parameters. IDs may be JSON integers or
//! numeric strings (`"12345"`); fractions, negatives, wrong types and unknown
//! fields are errors that name the field.

use crate::decimal::Decimal;
use crate::error::Error;
use crate::json::{Map, Value};

/// A JSON object whose fields are taken one by one.
#[derive(Debug)]
pub struct Args {
    /// The body's fields. A repeated key reads as its last value, as
    /// everywhere in [`crate::json`].
    fields: Map,
    known: Vec<&'static str>,
}

impl Args {
    /// Parses `body` as a JSON object; `known` lists the accepted fields.
    pub fn parse(body: &[u8], known: &[&'static str]) -> Result<Self, Error> {
        let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            crate::json::parse(body).map_err(|e| Error::invalid("body", format!("is not valid JSON: {e}")))?
        };
        let Value::Object(map) = value else {
            return Err(Error::invalid(
                "body",
                "must be a JSON object of the operation's parameters",
            ));
        };
        if let Some(unknown) = map.keys().find(|k| !known.contains(k)) {
            let expected = if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            };
            return Err(Error::invalid(
                unknown,
                format!("is not a parameter of this operation (expected: {expected})"),
            ));
        }
        Ok(Args {
            fields: map,
            known: known.to_vec(),
        })
    }

    fn take(&mut self, field: &str) -> Option<Value> {
        debug_assert!(self.known.contains(&field), "{field} not declared");
        self.fields.remove(field).filter(|v| !v.is_null())
    }

    /// A required positive integer ID.
    pub fn id(&mut self, field: &str) -> Result<u64, Error> {
        self.opt_id(field)?.ok_or_else(|| Error::invalid(field, "is required"))
    }

    /// An optional positive integer ID.
    pub fn opt_id(&mut self, field: &str) -> Result<Option<u64>, Error> {
        self.take(field).map(|v| to_id(field, &v)).transpose()
    }

    /// An optional small integer (limits).
    pub fn opt_u32(&mut self, field: &str) -> Result<Option<u32>, Error> {
        match self.take(field) {
            None => Ok(None),
            Some(v) => {
                let n = to_uint(field, &v)?;
                u32::try_from(n)
                    .map(Some)
                    .map_err(|_| Error::invalid(field, "is too large"))
            }
        }
    }

    /// A required non-null string.
    pub fn string(&mut self, field: &str) -> Result<String, Error> {
        self.opt_string(field)?
            .ok_or_else(|| Error::invalid(field, "is required"))
    }

    /// An optional string.
    pub fn opt_string(&mut self, field: &str) -> Result<Option<String>, Error> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong_type(field, "a string", &other)),
        }
    }

    /// A required boolean.
    pub fn bool(&mut self, field: &str) -> Result<bool, Error> {
        match self.take(field) {
            None => Err(Error::invalid(field, "is required (true or false)")),
            Some(Value::Bool(b)) => Ok(b),
            Some(other) => Err(wrong_type(field, "true or false", &other)),
        }
    }

    /// An optional array of strings (absent → empty).
    pub fn string_list(&mut self, field: &str) -> Result<Vec<String>, Error> {
        self.list(field, |f, v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(wrong_type(f, "a string", other)),
        })
    }

    /// An optional array of IDs (absent → empty).
    pub fn id_list(&mut self, field: &str) -> Result<Vec<u64>, Error> {
        self.list(field, to_id)
    }

    fn list<T>(&mut self, field: &str, item: impl Fn(&str, &Value) -> Result<T, Error>) -> Result<Vec<T>, Error> {
        match self.take(field) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| item(&format!("{field}[{i}]"), v))
                .collect(),
            Some(other) => Err(wrong_type(field, "an array", &other)),
        }
    }
}

fn wrong_type(field: &str, expected: &str, got: &Value) -> Error {
    Error::invalid(field, format!("must be {expected}, got {}", got.kind()))
}

fn to_uint(field: &str, v: &Value) -> Result<u64, Error> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                return Ok(u);
            }
            // Not plain digits: `-3`, `7.0`, `1.5`, `1e30`. Judged on the
            // decimal digits as written (a JSON number is always a decimal).
            match Decimal::parse(n.as_str()) {
                Some(d) if d.is_negative() => Err(Error::invalid(field, "must not be negative")),
                Some(d) if d.has_fraction() => Err(Error::invalid(field, "must be a whole number")),
                // Beyond 2^53 - 1 a float-written ID cannot be exact in JavaScript.
                Some(d) if d.integer_part() <= 9_007_199_254_740_991 => Ok(d.integer_part()),
                _ => Err(Error::invalid(field, "is too large")),
            }
        }
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('-') {
                Err(Error::invalid(field, "must not be negative"))
            } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().map_err(|_| Error::invalid(field, "is too large"))
            } else if Decimal::parse(t).is_some_and(|d| d.is_finite_f64()) {
                Err(Error::invalid(field, "must be a whole number"))
            } else {
                Err(Error::invalid(field, "must be an integer or a numeric string"))
            }
        }
        other => Err(wrong_type(field, "an integer", other)),
    }
}

fn to_id(field: &str, v: &Value) -> Result<u64, Error> {
    match to_uint(field, v)? {
        0 => Err(Error::invalid(field, "must be a positive integer")),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: &[&str] = &["ticketId", "limit", "tagIds", "tagNames", "fromAgent", "subject"];

    fn err_field(r: Result<impl std::fmt::Debug, Error>) -> (String, String) {
        match r.unwrap_err() {
            Error::InvalidInput(f) => (f.field, f.message),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn ids_accept_integers_and_numeric_strings() {
        let mut a = Args::parse(br#"{"ticketId": "12345", "tagIds": [1, "2"]}"#, K).unwrap();
        assert_eq!(a.id("ticketId").unwrap(), 12345);
        assert_eq!(a.id_list("tagIds").unwrap(), vec![1, 2]);
        assert_eq!(
            Args::parse(br#"{"ticketId": 7.0}"#, K).unwrap().id("ticketId").unwrap(),
            7
        );
    }

    #[test]
    fn bad_numbers_name_the_field() {
        for (body, msg) in [
            (&br#"{"ticketId": 1.5}"#[..], "must be a whole number"),
            (br#"{"ticketId": -3}"#, "must not be negative"),
            (br#"{"ticketId": "-3"}"#, "must not be negative"),
            (br#"{"ticketId": "1.5"}"#, "must be a whole number"),
            (br#"{"ticketId": "abc"}"#, "must be an integer or a numeric string"),
            (br#"{"ticketId": true}"#, "must be an integer, got a boolean"),
            (br#"{"ticketId": 0}"#, "must be a positive integer"),
            (br#"{"ticketId": 1e30}"#, "is too large"),
            (br#"{"ticketId": "99999999999999999999999"}"#, "is too large"),
            (br#"{}"#, "is required"),
            (br#"{"ticketId": null}"#, "is required"),
        ] {
            let (f, m) = err_field(Args::parse(body, K).unwrap().id("ticketId"));
            assert_eq!(
                (f.as_str(), m.as_str()),
                ("ticketId", msg),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let (f, _) = err_field(Args::parse(br#"{"tagIds": [1, 2.5]}"#, K).unwrap().id_list("tagIds"));
        assert_eq!(f, "tagIds[1]");
        let (f, m) = err_field(Args::parse(br#"{"limit": 5000000000}"#, K).unwrap().opt_u32("limit"));
        assert_eq!((f.as_str(), m.as_str()), ("limit", "is too large"));
    }

    #[test]
    fn a_repeated_field_reads_as_its_last_value() {
        let mut a = Args::parse(br#"{"ticketId": 1, "limit": 5, "ticketId": "2"}"#, K).unwrap();
        assert_eq!((a.id("ticketId").unwrap(), a.opt_u32("limit").unwrap()), (2, Some(5)));
        assert_eq!(a.opt_id("ticketId").unwrap(), None);
    }

    #[test]
    fn unknown_fields_and_non_objects_are_rejected() {
        let (f, m) = err_field(Args::parse(br#"{"ticketID": 1}"#, K));
        assert_eq!(f, "ticketID");
        assert!(m.contains("ticketId"), "{m}");
        assert_eq!(err_field(Args::parse(b"[1]", K)).0, "body");
        assert_eq!(err_field(Args::parse(b"{", K)).0, "body");
        assert_eq!(
            err_field(Args::parse(br#"{"subject": 5}"#, K).unwrap().opt_string("subject")).1,
            "must be a string, got a number"
        );
        assert_eq!(
            err_field(Args::parse(br#"{"fromAgent": "true"}"#, K).unwrap().bool("fromAgent")).1,
            "must be true or false, got a string"
        );
        assert_eq!(
            err_field(
                Args::parse(br#"{"tagNames": "vip"}"#, K)
                    .unwrap()
                    .string_list("tagNames")
            )
            .1,
            "must be an array, got a string"
        );
    }
}
