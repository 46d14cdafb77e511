//! Strict decoding of the raw intent into typed values, collecting every problem with its path.
//!
//! Hand-written rather than `#[serde(deny_unknown_fields)]`: serde stops at the first error and
//! cannot suggest the field that was meant, while an intent author wants all problems at once.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::diagnostic::{Code, Diagnostic, Diagnostics};

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

/// Reads the fields of one mapping, remembering which keys were asked for so that `finish`
/// can report the rest as unknown, with the nearest known name.
pub struct Fields<'v> {
    map: &'v Map<String, Value>,
    path: String,
    known: Vec<&'static str>,
}

impl<'v> Fields<'v> {
    pub fn new(v: &'v Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v {
            Value::Object(map) => Some(Fields {
                map,
                path: path.to_string(),
                known: Vec::new(),
            }),
            _ => {
                wrong_type(d, path, "a mapping", v);
                None
            }
        }
    }

    /// An optional nested mapping: its fields, or an empty reader when it is absent (or not a
    /// mapping, which `Fields::new` has reported), so that every default still applies.
    pub fn section(&mut self, key: &'static str, d: &mut Diagnostics) -> Fields<'v> {
        static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
        let path = self.path_of(key);
        match self.raw(key).and_then(|v| Fields::new(v, &path, d)) {
            Some(fields) => fields,
            None => Fields {
                map: &EMPTY,
                path,
                known: Vec::new(),
            },
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn path_of(&self, key: &str) -> String {
        child(&self.path, key)
    }

    /// The raw value of a key, `null` counting as absent.
    pub fn raw(&mut self, key: &'static str) -> Option<&'v Value> {
        self.known.push(key);
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    pub fn opt<T: Decode>(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<T> {
        let v = self.raw(key)?;
        T::decode(v, &child(&self.path, key), d)
    }

    pub fn or<T: Decode>(&mut self, key: &'static str, default: T, d: &mut Diagnostics) -> T {
        self.opt(key, d).unwrap_or(default)
    }

    pub fn req<T: Decode>(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<T> {
        if self.raw(key).is_none() {
            d.report(
                Code::MissingField,
                &child(&self.path, key),
                format!("{key} is required"),
            );
            return None;
        }
        self.opt(key, d)
    }

    /// Reports every key that no reader asked for.
    pub fn finish(self, d: &mut Diagnostics) {
        for key in self.map.keys() {
            if self.known.iter().any(|k| k == key) {
                continue;
            }
            let mut message = format!("unknown field {key:?}");
            let nearest = nearest(key, &self.known);
            if let Some(n) = nearest {
                message.push_str(&format!(", did you mean {n:?}?"));
            } else if !self.known.is_empty() {
                let mut known = self.known.clone();
                known.sort_unstable();
                known.dedup();
                message.push_str(&format!(" (known fields: {})", known.join(", ")));
            }
            let mut diag = Diagnostic::new(Code::UnknownField, child(&self.path, key), message);
            if let Some(n) = nearest {
                diag = diag.with_proposed(Value::String(child(&self.path, n)));
            }
            d.push(diag);
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_field_names_the_nearest_one() {
        let v = json!({"replica": 3});
        let mut d = Diagnostics::default();
        let mut f = Fields::new(&v, "spec.vmstorage", &mut d).unwrap();
        let _: Option<u32> = f.opt("replicas", &mut d);
        let _: Option<String> = f.opt("size", &mut d);
        f.finish(&mut d);
        assert_eq!(d.list.len(), 1);
        assert_eq!(d.list[0].code, Code::UnknownField);
        assert_eq!(d.list[0].path, "spec.vmstorage.replica");
        assert!(
            d.list[0].message.contains("did you mean \"replicas\""),
            "{}",
            d.list[0].message
        );
    }

    #[test]
    fn wrong_types_are_reported_with_their_path() {
        let v = json!({"replicas": "three", "list": [1, "x"]});
        let mut d = Diagnostics::default();
        let mut f = Fields::new(&v, "spec", &mut d).unwrap();
        assert!(f.opt::<u32>("replicas", &mut d).is_none());
        assert!(f.opt::<Vec<String>>("list", &mut d).is_none());
        f.finish(&mut d);
        let paths: Vec<_> = d.list.iter().map(|x| x.path.as_str()).collect();
        assert_eq!(paths, ["spec.replicas", "spec.list[0]"]);
    }
}
