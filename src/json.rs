//! A small JSON reader and writer: the part of `serde_json` the connector
//! uses, without its code size.
//!
//! `serde_json` with `serde` derives made up about a quarter of the component
//! (parser, per-type deserializers, float parsing and formatting). The
//! connector needs far less: parse a body into a [`Value`] tree, read fields
//! from it, build small trees and write them out. Numbers keep the text they
//! were parsed from ([`Number`]), so nothing here parses or formats floats.
//!
//! Behaviour kept from `serde_json`: RFC 8259 grammar (no comments, no
//! trailing commas, no leading zeros, no `NaN`), nesting limited to 128 levels,
//! the last of duplicate keys wins, errors say `... at line L column C`, output
//! is compact with object keys sorted (as `serde_json::Map` without
//! `preserve_order` gives them) and `/` and non-ASCII characters unescaped.

use std::borrow::Cow;
use std::fmt;

/// Nesting depth at which parsing stops (as `serde_json`), so a deep body
/// cannot exhaust the stack (a trap in wasm).
const MAX_DEPTH: u32 = 128;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

/// A JSON number, kept as its (valid) JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

/// A JSON object: fields in the order they were inserted or parsed. Lookups
/// take the last field of a name, so a parsed object with duplicate keys
/// reads as `serde_json` reads it (the last one wins).
#[derive(Debug, Clone, Default)]
pub struct Map(Vec<(Key, Value)>);

/// An object key: borrowed for the names the connector spells out (records,
/// schemas, the fields it reads from Gorgias), owned for any other.
/// `"key".into()` and `string.into()` both give one.
pub type Key = Cow<'static, str>;

/// Why a body is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    message: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

// ---- numbers -----------------------------------------------------------------

impl Number {
    /// The number as written (or formatted, for one built from an integer).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value, when the text is a plain non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        let s = self.0.as_bytes();
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        s.iter()
            .try_fold(0u64, |acc, d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')))
    }

    /// The value, when the text is a plain integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self.0.strip_prefix('-') {
            Some(digits) => {
                let magnitude = Number(digits.to_string()).as_u64()?;
                0i64.checked_sub_unsigned(magnitude)
            }
            None => self.as_u64().and_then(|u| i64::try_from(u).ok()),
        }
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Self {
        Number(n.to_string())
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number(n.to_string())
    }
}

// ---- maps --------------------------------------------------------------------

impl Map {
    /// An empty object.
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// Sets `key` (replacing an earlier value of that name).
    pub fn insert(&mut self, key: Key, value: Value) {
        match self.0.iter_mut().rev().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of `key` (the last one, if the object repeats it).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, added as `null` when absent.
    pub fn entry(&mut self, key: &str) -> &mut Value {
        let i = match self.0.iter().rposition(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.0.push((Cow::Owned(key.to_string()), Value::Null));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    /// Takes the value of `key` (the last one, if repeated), leaving `null`
    /// in its place: no shifting, for reading many fields of one object.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.0
            .iter_mut()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| std::mem::take(v))
    }

    /// Removes every field named `key`, giving the last one's value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut found = None;
        let mut i = 0;
        while i < self.0.len() {
            if self.0[i].0 == key {
                found = Some(self.0.remove(i).1);
            } else {
                i += 1;
            }
        }
        found
    }

    /// The fields, in order (repeated keys included).
    pub fn iter(&self) -> std::slice::Iter<'_, (Key, Value)> {
        self.0.iter()
    }

    /// The field names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }

    /// Whether the object has a field `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the object has no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Objects are equal when they have the same keys with equal values,
/// whatever their order (as `serde_json::Map`).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl IntoIterator for Map {
    type Item = (Key, Value);
    type IntoIter = std::vec::IntoIter<(Key, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = &'a (Key, Value);
    type IntoIter = std::slice::Iter<'a, (Key, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

// ---- values ------------------------------------------------------------------

static NULL: Value = Value::Null;

impl Value {
    /// An object from `(key, value)` pairs (one function for every size:
    /// less code than a macro or an array per size).
    pub fn object(fields: Vec<(&'static str, Value)>) -> Value {
        let mut m = Map::new();
        for (k, v) in fields {
            m.insert(Cow::Borrowed(k), v);
        }
        Value::Object(m)
    }

    /// The field `key` of an object (`None` for anything else).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    /// What kind of value this is, for messages: "null", "a boolean",
    /// "a number", "a string", "an array" or "an object".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Whether this is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether this is a plain non-negative integer that fits a `u64`.
    pub fn is_u64(&self) -> bool {
        self.as_u64().is_some()
    }

    /// Whether this is a plain integer that fits an `i64`.
    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    /// Whether this is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether this is `true` or `false`.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value, if this is a plain non-negative integer that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// The value, if this is a plain integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The fields, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The fields, mutably, if this is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

/// The compact JSON text.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// `value["key"]`: `null` when absent or not an object (as `serde_json`).
impl std::ops::Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `value["key"] = ...`: adds the field when absent. A value that is not an
/// object becomes an empty object first (`serde_json` does that for `null`
/// and panics otherwise; a panic is a trap in wasm).
impl std::ops::IndexMut<&str> for Value {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if !self.is_object() {
            *self = Value::Object(Map::new());
        }
        match self {
            Value::Object(m) => m.entry(key),
            other => other,
        }
    }
}

/// `value[i]`: `null` when out of range or not an array (as `serde_json`).
impl std::ops::Index<usize> for Value {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Number(n.into())
    }
}

impl From<u16> for Value {
    fn from(n: u16) -> Self {
        Value::Number(u64::from(n).into())
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(u64::from(n).into())
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n.into())
    }
}

/// An array of strings.
impl From<&[&str]> for Value {
    fn from(items: &[&str]) -> Self {
        Value::Array(items.iter().map(|&s| s.into()).collect())
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Object(m)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(a: Vec<T>) -> Self {
        Value::Array(a.into_iter().map(Into::into).collect())
    }
}

/// `None` is `null`.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Value::Array(iter.into_iter().collect())
    }
}

// ---- writing -----------------------------------------------------------------

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&n.0),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            // Sorted by key, each key once (its last value), as serde_json's
            // BTreeMap-backed `Map` writes them. Sorting positions by (key,
            // position) keeps this O(n log n) for any object a body holds.
            let fields = &m.0;
            let mut order: Vec<usize> = (0..fields.len()).collect();
            // The connector's own objects are built in key order: no sort.
            if !fields.windows(2).all(|w| w[0].0 < w[1].0) {
                order.sort_unstable_by(|&a, &b| fields[a].0.cmp(&fields[b].0).then(a.cmp(&b)));
            }
            out.push('{');
            let mut first = true;
            for (n, &i) in order.iter().enumerate() {
                let (k, v) = &fields[i];
                if order.get(n + 1).is_some_and(|&next| fields[next].0 == *k) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_string(k, out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal: `"` and `\` escaped, control characters as
/// `\n`-style or `\u00XX` escapes, everything else as is.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

// ---- parsing -----------------------------------------------------------------

/// Parses one JSON value (surrounding whitespace allowed).
pub fn parse(input: &[u8]) -> Result<Value, ParseError> {
    Parser::new(input, None).document()
}

/// Parses like [`parse`] (same grammar, same errors), but keeps only the
/// object fields whose key `keep` accepts, at any depth, under the `'static`
/// name it gives back (no allocation for the key): the others are checked and
/// skipped without allocating (their strings are not UTF-8-checked, as
/// serde_json does not check ignored ones). For reading a few fields of large
/// Gorgias bodies, where building the whole tree would cost several times more.
pub fn parse_only(input: &[u8], keep: &KeyFilter) -> Result<Value, ParseError> {
    Parser::new(input, Some(keep)).document()
}

/// Which object keys [`parse_only`] keeps, and under what `'static` name.
pub type KeyFilter = dyn Fn(&str) -> Option<&'static str>;

/// The bytes that end the plain run of a string: `"`, `\` and control characters.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

struct Parser<'a, 'k> {
    s: &'a [u8],
    i: usize,
    keep: Option<&'k KeyFilter>,
}

impl<'a, 'k> Parser<'a, 'k> {
    fn new(s: &'a [u8], keep: Option<&'k KeyFilter>) -> Self {
        Parser { s, i: 0, keep }
    }

    fn document(&mut self) -> Result<Value, ParseError> {
        let v = self.value(0, true)?;
        self.skip_ws();
        if self.i < self.s.len() {
            self.i += 1;
            return Err(self.error("trailing characters"));
        }
        Ok(v)
    }

    /// An error at the current position: line and column of the last byte
    /// read, as serde_json counts them.
    fn error(&self, message: &'static str) -> ParseError {
        let end = self.i.min(self.s.len());
        let consumed = &self.s[..end];
        let line = 1 + consumed.iter().filter(|&&b| b == b'\n').count();
        let column = end - consumed.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        ParseError { message, line, column }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        self.i += self.s[self.i.min(self.s.len())..]
            .iter()
            .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            .unwrap_or(self.s.len().saturating_sub(self.i));
    }

    /// The next value; with `build` false it is checked but not stored
    /// (`Null` comes back).
    fn value(&mut self, depth: u32, build: bool) -> Result<Value, ParseError> {
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err(self.error("EOF while parsing a value"));
        };
        match c {
            b'n' => self.literal(b"null", Value::Null),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'"' => {
                self.i += 1;
                let s = self.string(build)?;
                Ok(if build {
                    Value::String(s.into_owned())
                } else {
                    Value::Null
                })
            }
            b'-' | b'0'..=b'9' => {
                let text = self.number()?;
                Ok(if build {
                    Value::Number(Number(text.to_string()))
                } else {
                    Value::Null
                })
            }
            b'[' | b'{' if depth >= MAX_DEPTH => {
                self.i += 1;
                Err(self.error("recursion limit exceeded"))
            }
            b'[' => {
                self.i += 1;
                self.array(depth + 1, build)
            }
            b'{' => {
                self.i += 1;
                self.object(depth + 1, build)
            }
            _ => {
                self.i += 1;
                Err(self.error("expected value"))
            }
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Result<Value, ParseError> {
        for &expected in word {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(b) => {
                    self.i += 1;
                    if b != expected {
                        return Err(self.error("expected ident"));
                    }
                }
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let n = self.s[self.i.min(self.s.len())..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.s.len().saturating_sub(self.i));
        self.i += n;
        n
    }

    /// A number's text (checked against the JSON grammar).
    fn number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.i += 1;
                    return Err(self.error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return Err(self.error("EOF while parsing a value")),
            Some(_) => {
                self.i += 1;
                return Err(self.error("invalid number"));
            }
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.eof_or("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.eof_or("invalid number"));
            }
        }
        // Only ASCII digits and signs were consumed.
        Ok(std::str::from_utf8(&self.s[start..self.i]).unwrap_or_default())
    }

    /// `message` at the next byte, or the EOF error at the end of input.
    fn eof_or(&mut self, message: &'static str) -> ParseError {
        if self.i >= self.s.len() {
            return self.error("EOF while parsing a value");
        }
        self.i += 1;
        self.error(message)
    }

    fn hex4(&mut self) -> Result<u16, ParseError> {
        let mut n = 0u16;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            self.i += 1;
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            n = (n << 4) | u16::from(d);
        }
        Ok(n)
    }

    /// The rest of a string whose opening quote was read: borrowed from the
    /// input when it has no escapes (the common case), else decoded.
    fn string(&mut self, check: bool) -> Result<Cow<'a, str>, ParseError> {
        let start = self.i;
        // One pass over the slice to the first quote, backslash or control
        // character (no per-byte bounds check: the hot loop of a parse).
        self.i += self.s[start..]
            .iter()
            .position(|&b| STRING_STOP[usize::from(b)])
            .unwrap_or(self.s.len() - start);
        if self.peek() == Some(b'"') {
            let raw = &self.s[start..self.i];
            self.i += 1;
            if !check {
                // A skipped string: its grammar is checked, its bytes are not
                // decoded (serde_json does not check ignored strings either).
                return Ok(Cow::Borrowed(""));
            }
            return std::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| self.error("invalid unicode code point"));
        }
        let mut buf: Vec<u8> = self.s[start..self.i].to_vec();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            self.i += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.error("EOF while parsing a string"));
                    };
                    self.i += 1;
                    let c: u32 = match e {
                        b'"' => u32::from(b'"'),
                        b'\\' => u32::from(b'\\'),
                        b'/' => u32::from(b'/'),
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => u32::from(b'\n'),
                        b'r' => u32::from(b'\r'),
                        b't' => u32::from(b'\t'),
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error("invalid escape")),
                    };
                    let ch = char::from_u32(c).ok_or_else(|| self.error("invalid unicode code point"))?;
                    let mut tmp = [0u8; 4];
                    buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                }
                0..=0x1f => return Err(self.error("control character (\\u0000-\\u001F) found while parsing a string")),
                _ => buf.push(b),
            }
        }
        if !check {
            return Ok(Cow::Borrowed(""));
        }
        String::from_utf8(buf)
            .map(Cow::Owned)
            .map_err(|_| self.error("invalid unicode code point"))
    }

    /// The code point of `\uXXXX` (the `\u` read), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<u32, ParseError> {
        let first = self.hex4()?;
        match first {
            0xDC00..=0xDFFF => Err(self.error("lone leading surrogate in hex escape")),
            0xD800..=0xDBFF => {
                if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                    self.i = (self.i + 1).min(self.s.len());
                    return Err(self.error("unexpected end of hex escape"));
                }
                self.i += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                Ok(0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00))
            }
            _ => Ok(u32::from(first)),
        }
    }

    /// At the start or after `,`: whether an item follows (`false` at `close`).
    fn next_item(&mut self, close: u8, first: bool) -> Result<bool, ParseError> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.error(if close == b']' {
                "EOF while parsing a list"
            } else {
                "EOF while parsing an object"
            })),
            Some(b) if b == close => {
                self.i += 1;
                if first {
                    Ok(false)
                } else {
                    Err(self.error("trailing comma"))
                }
            }
            Some(_) => Ok(true),
        }
    }

    /// After an item: `,` (more) or `close` (done).
    fn after_item(&mut self, close: u8) -> Result<bool, ParseError> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.i += 1;
                Ok(false)
            }
            None if close == b']' => Err(self.error("EOF while parsing a list")),
            None => Err(self.error("EOF while parsing an object")),
            Some(_) => {
                self.i += 1;
                Err(self.error(if close == b']' {
                    "expected `,` or `]`"
                } else {
                    "expected `,` or `}`"
                }))
            }
        }
    }

    fn array(&mut self, depth: u32, build: bool) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        let mut first = true;
        while self.next_item(b']', first)? {
            let item = self.value(depth, build)?;
            if build {
                items.push(item);
            }
            first = false;
            if !self.after_item(b']')? {
                break;
            }
        }
        Ok(if build { Value::Array(items) } else { Value::Null })
    }

    fn object(&mut self, depth: u32, build: bool) -> Result<Value, ParseError> {
        // Objects in Gorgias bodies mostly keep a handful of fields: start
        // with room for them rather than growing 1, 4, 8.
        let mut fields = Vec::with_capacity(if build { 8 } else { 0 });
        let mut first = true;
        while self.next_item(b'}', first)? {
            if self.peek() != Some(b'"') {
                self.i += 1;
                return Err(self.error("key must be a string"));
            }
            self.i += 1;
            let key = self.string(build)?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.i += 1,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => {
                    self.i += 1;
                    return Err(self.error("expected `:`"));
                }
            }
            let name: Option<Key> = match self.keep {
                _ if !build => None,
                None => Some(Cow::Owned(key.into_owned())),
                Some(keep) => keep(&key).map(Cow::Borrowed),
            };
            let value = self.value(depth, name.is_some())?;
            if let Some(name) = name {
                fields.push((name, value));
            }
            first = false;
            if !self.after_item(b'}')? {
                break;
            }
        }
        Ok(if build { Value::Object(Map(fields)) } else { Value::Null })
    }
}

/// `json!(...)` for unit tests: `serde_json::json!` (a dev-dependency) read
/// back as our [`Value`].
#[cfg(test)]
macro_rules! json {
    ($($t:tt)+) => {
        $crate::json::testing::ours(&serde_json::json!($($t)+))
    };
}
#[cfg(test)]
pub(crate) use json;

/// Comparisons with literals, as `serde_json::Value` has them (tests).
#[cfg(test)]
mod literal_eq {
    use super::Value;

    impl PartialEq<&str> for Value {
        fn eq(&self, other: &&str) -> bool {
            self.as_str() == Some(*other)
        }
    }

    impl PartialEq<bool> for Value {
        fn eq(&self, other: &bool) -> bool {
            self.as_bool() == Some(*other)
        }
    }

    impl PartialEq<i32> for Value {
        fn eq(&self, other: &i32) -> bool {
            self.as_i64() == Some(i64::from(*other))
        }
    }

    impl PartialEq<u64> for Value {
        fn eq(&self, other: &u64) -> bool {
            self.as_u64() == Some(*other)
        }
    }

    /// So `json!` literals can hold our values.
    impl serde::Serialize for Value {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::testing::sj(self).serialize(s)
        }
    }
}

/// Conversions to `serde_json` (a dev-dependency) for tests that compare
/// with `serde_json::json!` literals.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Value, parse};

    /// Ours → serde_json (through the text, so the writer is checked too).
    pub fn sj(v: &Value) -> serde_json::Value {
        serde_json::from_str(&v.to_json()).expect("our writer writes JSON serde_json reads")
    }

    /// serde_json → ours.
    pub fn ours(v: &serde_json::Value) -> Value {
        parse(v.to_string().as_bytes()).expect("our parser reads serde_json's output")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::sj;
    use super::*;

    fn roundtrip(text: &str) -> String {
        parse(text.as_bytes()).unwrap().to_json()
    }

    #[test]
    fn writes_what_serde_json_writes() {
        for text in [
            r#"{"b":1,"a":[true,false,null,"x"],"c":{"z":-1.5e-3,"y":0}}"#,
            r#""quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f ctl \u0001 \u001f é 😀""#,
            r#"[[],{},"",0,-0,12345678901234567890123,1E+2]"#,
            r#"{"k":1,"k":2}"#,
        ] {
            let ours = roundtrip(text);
            let theirs = serde_json::from_str::<serde_json::Value>(text).unwrap().to_string();
            // Numbers keep their text; serde_json reformats floats.
            if !text.contains('E') && !text.contains("e-") && !text.contains("123") {
                assert_eq!(ours, theirs, "{text}");
            }
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&ours).unwrap(),
                serde_json::from_str::<serde_json::Value>(&theirs).unwrap()
            );
        }
        assert_eq!(roundtrip(r#" { "b" : 2 , "a" : 1 } "#), r#"{"a":1,"b":2}"#);
        assert_eq!(roundtrip(r#"{"k":1,"k":2}"#), r#"{"k":2}"#);
        assert_eq!(roundtrip(r#""\ud83d\ude00 \u00e9""#), "\"😀 é\"");
    }

    #[test]
    fn accepts_and_rejects_what_serde_json_does() {
        let cases: &[&[u8]] = &[
            b"",
            b" ",
            b"{",
            b"}",
            b"[",
            b"]",
            b"[1,]",
            b"{\"a\":1,}",
            b"{\"a\" 1}",
            b"{1:2}",
            b"01",
            b"-",
            b"1.",
            b"1.e3",
            b"1e",
            b"1e+",
            b".5",
            b"+1",
            b"NaN",
            b"Infinity",
            b"nul",
            b"tru",
            b"[1 2]",
            b"\"abc",
            b"\"\\x\"",
            b"\"\\u12\"",
            b"\"\\ud800\"",
            b"\"\\udc00\"",
            b"\"\\ud800\\u0041\"",
            b"\"a\nb\"",
            b"\"\xff\"",
            b"\xef\xbb\xbf{}",
            b"{} {}",
            b"[1] x",
            b"[\"a\",{\"b\":[null,true,false,-0.0e-0]}]",
            b"  \n\t{\"a\" :\r\n [ ] }  ",
            b"-9223372036854775809",
            b"18446744073709551616",
            b"\"\\/\"",
            b"[[[]]]",
            b"{\"\":\"\"}",
        ];
        for &case in cases {
            let ours = parse(case);
            let theirs = serde_json::from_slice::<serde_json::Value>(case);
            assert_eq!(
                ours.is_ok(),
                theirs.is_ok(),
                "{:?}: {ours:?} vs {theirs:?}",
                String::from_utf8_lossy(case)
            );
            match (ours, theirs) {
                (Ok(o), Ok(t)) => assert_eq!(sj(&o), t, "{:?}", String::from_utf8_lossy(case)),
                (Err(o), Err(t)) => {
                    // Same position; the message may be worded differently.
                    let pos = |s: String| s.rsplit_once(" at ").map(|(_, p)| p.to_string());
                    assert_eq!(
                        pos(o.to_string()),
                        pos(t.to_string()),
                        "{:?}",
                        String::from_utf8_lossy(case)
                    );
                }
                _ => unreachable!(),
            }
        }
    }

    /// Differential check: thousands of byte-level mutations of real bodies
    /// are accepted or rejected exactly as serde_json does, read to the same
    /// value, and written back as JSON serde_json reads to that value.
    #[test]
    fn mutated_bodies_parse_as_serde_json_parses_them() {
        let seeds: [&[u8]; 4] = [
            include_bytes!("../tests/fixtures/ticket.json"),
            include_bytes!("../tests/fixtures/messages_list.json"),
            br#"{"a":[1,-2.5e3,true,null,{"b":"\u00e9\n\"x\""}],"c":{}}"#,
            br#"[0, -0, 1E2, "\ud83d\ude00", [[[]]], {"k": "v", "k": "w"}]"#,
        ];
        const ALPHABET: &[u8] = b"{}[]\":,.-+eE0123456789 \n\t\\/ubfnrtaxz\xc3\xa9\x00\x1f\xff";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut compared = 0;
        for round in 0..6000 {
            let mut body = seeds[round % seeds.len()].to_vec();
            for _ in 0..1 + next(3) {
                let at = next(body.len() + 1);
                match next(3) {
                    0 if at < body.len() => {
                        body.remove(at);
                    }
                    1 if at < body.len() => body[at] = ALPHABET[next(ALPHABET.len())],
                    _ => body.insert(at, ALPHABET[next(ALPHABET.len())]),
                }
            }
            let theirs = serde_json::from_slice::<serde_json::Value>(&body);
            if theirs
                .as_ref()
                .is_err_and(|e| e.to_string().starts_with("number out of range"))
            {
                continue; // the one documented difference (see below)
            }
            let ours = parse(&body);
            let shown = String::from_utf8_lossy(&body);
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{shown}: {ours:?} vs {theirs:?}");
            if let (Ok(o), Ok(t)) = (ours, theirs) {
                assert_eq!(sj(&o), t, "{shown}");
                compared += 1;
            }
        }
        assert!(compared > 500, "only {compared} mutated bodies stayed valid JSON");
    }

    #[test]
    fn numbers_beyond_f64_are_kept_as_text() {
        // The one difference from serde_json, which rejects them: a number is
        // its text here, and whoever reads it judges its size.
        assert_eq!(roundtrip("[1e400,-1e400]"), "[1e400,-1e400]");
        assert!(serde_json::from_str::<serde_json::Value>("1e400").is_err());
    }

    #[test]
    fn nesting_is_limited_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(
            parse(deep.as_bytes())
                .unwrap_err()
                .to_string()
                .starts_with("recursion limit exceeded")
        );
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(parse(ok.as_bytes()).is_ok());
        let too_deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert!(parse(too_deep.as_bytes()).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(&too_deep).is_err());
    }

    #[test]
    fn numbers_read_as_integers_only_when_plain() {
        let n = |t: &str| parse(t.as_bytes()).unwrap();
        assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(n("18446744073709551616").as_u64(), None);
        assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(n("-9223372036854775809").as_i64(), None);
        assert_eq!(n("9223372036854775808").as_i64(), None);
        assert_eq!(
            (n("7.0").as_u64(), n("1e2").as_u64(), n("-1").as_u64()),
            (None, None, None)
        );
        assert_eq!(n("-0").as_i64(), Some(0));
    }

    #[test]
    fn maps_read_the_last_duplicate_and_compare_unordered() {
        let mut m = Map::new();
        m.insert("a".into(), 1u64.into());
        m.insert("b".into(), "x".into());
        m.insert("a".into(), 2u64.into());
        assert_eq!((m.len(), m.get("a")), (2, Some(&Value::from(2u64))));
        let Value::Object(mut parsed) = parse(br#"{"a":1,"b":"x","a":2}"#).unwrap() else {
            unreachable!()
        };
        assert_eq!(parsed.get("a"), Some(&Value::from(2u64)));
        assert_eq!(parsed.remove("a"), Some(Value::from(2u64)));
        assert_eq!((parsed.len(), parsed.get("a")), (1, None));
        assert_eq!(
            parse(br#"{"x":1,"y":[2]}"#).unwrap(),
            parse(br#"{"y":[2],"x":1}"#).unwrap()
        );
    }
}
