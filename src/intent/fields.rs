//! Reading one mapping of the intent field by field: each reader asks for the keys it knows, and
//! whatever no reader asked for is reported as unknown, with the nearest known name.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::choice::Choice;
use super::decode::{Decode, child, nearest, wrong_type};
use super::diagnostic::{Diagnostic, Diagnostics};
use super::spanned::Spanned;
use crate::code::Code;

static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

/// The fields of one mapping, remembering which keys were asked for.
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

    /// A mapping with no fields: every reader then takes its defaults.
    pub fn empty(path: &str) -> Fields<'static> {
        Fields {
            map: &EMPTY,
            path: path.to_string(),
            known: Vec::new(),
        }
    }

    /// An optional nested mapping: its fields, or an empty reader when it is absent (or not a
    /// mapping, which `Fields::new` has reported), so that every default still applies.
    pub fn section(&mut self, key: &'static str, d: &mut Diagnostics) -> Fields<'v> {
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

    /// The keys asked for so far, in the order first asked.
    pub fn asked(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for k in &self.known {
            if !out.contains(k) {
                out.push(k);
            }
        }
        out
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

    /// Like `or`, keeping the field's path with the value (also when the default applies: it
    /// names the field to set).
    pub fn or_spanned<T: Decode>(
        &mut self,
        key: &'static str,
        default: Spanned<T>,
        d: &mut Diagnostics,
    ) -> Spanned<T> {
        let value = self.or(key, default.value, d);
        Spanned::new(value, self.path_of(key))
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

    /// One of a fixed set of words; `None` when absent or not one of them (reported).
    pub fn choice<C: Choice>(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<C> {
        let v = self.raw(key)?;
        C::read(v, &child(&self.path, key), d)
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
