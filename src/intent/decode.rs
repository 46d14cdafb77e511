//! Strict decoding of raw values into typed ones, collecting every problem with its path (the
//! mappings of the intent are read field by field with [`crate::intent::fields::Fields`]).
//!
//! Hand-written rather than `#[serde(deny_unknown_fields)]`: serde stops at the first error and
//! cannot suggest the field that was meant, while an intent author wants all problems at once.

use serde_json::{Map, Value};

use super::diagnostic::{Diagnostic, Diagnostics};
use crate::code::Code;

pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

pub fn wrong_type(d: &mut Diagnostics, path: &str, expected: &str, v: &Value) {
    let found = match v {
        Value::String(s) => format!("the string {s:?}"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        other => type_name(other).to_string(),
    };
    d.push(
        Diagnostic::new(
            Code::WrongType,
            path,
            format!("expected {expected}, found {found}"),
        )
        .with_current(v),
    );
}

/// A string or a number, as text (quantities and retentions may be written either way).
pub fn scalar_text(v: &Value, path: &str, what: &str, d: &mut Diagnostics) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => {
            wrong_type(d, path, what, v);
            None
        }
    }
}

/// A mapping of string to string (labels, annotations), in its order.
pub fn string_map(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Vec<(String, String)>> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of string to string", v);
        return None;
    };
    let mut out = Vec::new();
    for (k, val) in m {
        match val {
            Value::String(s) => out.push((k.clone(), s.clone())),
            other => wrong_type(d, &child(path, k), "a string", other),
        }
    }
    Some(out)
}

/// A value that can be read from the intent.
pub trait Decode: Sized {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self>;
}

impl Decode for String {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v {
            Value::String(s) => Some(s.clone()),
            _ => {
                wrong_type(d, path, "a string", v);
                None
            }
        }
    }
}

impl Decode for bool {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => {
                wrong_type(d, path, "true or false", v);
                None
            }
        }
    }
}

impl Decode for u32 {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v.as_u64() {
            Some(n) if n <= u32::MAX as u64 => Some(n as u32),
            _ => {
                wrong_type(d, path, "a whole number ≥ 0", v);
                None
            }
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let Value::Array(items) = v else {
            wrong_type(d, path, "a list", v);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match T::decode(item, &index(path, i), d) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// A free-form mapping kept as it is (the `values` escape hatch, rule labels, …).
impl Decode for Map<String, Value> {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v {
            Value::Object(m) => Some(m.clone()),
            _ => {
                wrong_type(d, path, "a mapping", v);
                None
            }
        }
    }
}

/// The known name closest to a mistyped one, if it is close enough to be a typo.
pub fn nearest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| {
            let score = strsim::jaro_winkler(&lower, &k.to_ascii_lowercase());
            (score, *k)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
