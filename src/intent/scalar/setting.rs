//! A literal value, or text holding Flux variables that Flux resolves on the cluster.

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::code::Code;
use crate::flux::drift::JsonType;
use crate::flux::typed;
use crate::intent::decode::Decode;
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::variables::{self, ValueKind, VariableUse};

/// A literal value, or text that holds Flux variables and is resolved on the cluster. Written
/// out as the literal, or as the text; text whose field is not a string on the cluster is
/// written with its types ([`Written`]), which the renderer's caller takes out
/// ([`typed::take_types`]) to check what Flux makes of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting<T> {
    Literal(T),
    Templated(String),
}

impl<T> Setting<T> {
    pub fn literal(&self) -> Option<&T> {
        match self {
            Setting::Literal(t) => Some(t),
            Setting::Templated(_) => None,
        }
    }
}

pub fn literal<T>(t: T) -> Setting<T> {
    Setting::Literal(t)
}

/// The JSON types a field written from a `T` may have on the cluster, where Flux's re-typing of
/// a substituted value must land. Every type a [`Setting`] holds says it, so a new number field
/// is checked as a number by being one.
pub trait Written {
    const TYPES: &'static [JsonType];
}

impl Written for u32 {
    const TYPES: &'static [JsonType] = &[JsonType::Number];
}

impl<T: Serialize + Written> Serialize for Setting<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Setting::Literal(t) => t.serialize(s),
            Setting::Templated(text) if T::TYPES == [JsonType::String] => s.serialize_str(text),
            Setting::Templated(text) => typed::template(text, T::TYPES).serialize(s),
        }
    }
}

/// What a typed value is, for checking the values its variables get.
pub trait Kind {
    const KIND: ValueKind;
}

impl Kind for u32 {
    const KIND: ValueKind = ValueKind::Number;
}

impl<T: Decode + Kind> Decode for Setting<T> {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        if let Value::String(s) = v
            && s.contains("${")
        {
            return record_variables(s, path, T::KIND, d)?
                .then(|| Setting::Templated(s.clone()))
                .or_else(|| T::decode(v, path, d).map(Setting::Literal));
        }
        T::decode(v, path, d).map(Setting::Literal)
    }
}

/// Checks the variable references of a string and records them as used at `path` for a field
/// of `kind`; `Some(true)` when it holds any, `None` (reported) when Flux would refuse one.
pub(super) fn record_variables(
    s: &str,
    path: &str,
    kind: ValueKind,
    d: &mut Diagnostics,
) -> Option<bool> {
    match variables::references(s) {
        Ok(refs) => {
            let whole = variables::fills_whole(s);
            for r in &refs {
                d.variables.push(VariableUse {
                    name: r.name.clone(),
                    has_default: r.has_default,
                    path: path.to_string(),
                    kind,
                    whole,
                });
            }
            Some(!refs.is_empty())
        }
        Err(e) => {
            d.push(Diagnostic::new(Code::InvalidVariable, path, e).with_current(&json!(s)));
            None
        }
    }
}
