//! The two YAML conversions around Flux's substitution, as sigs.k8s.io/yaml does them with
//! go-yaml v2 (YAML 1.1): [`emit`] writes an object's JSON as the text that envsubst sees
//! (`JSONToYAML`), [`read`] reads the substituted text back (`YAMLToJSON`). [`resolve`] holds
//! YAML 1.1's rules for plain scalars, which both sides use; [`sort`] the key order.

pub mod emit;
pub mod number;
pub mod read;
pub mod resolve;
pub mod sort;
mod tabs;

/// A node as go-yaml v2 decodes it into `interface{}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(Yaml, Yaml)>),
}

impl Yaml {
    /// The object as `JSONToYAML` decodes its JSON: numbers take the type YAML 1.1 gives their
    /// JSON text (an integral float becomes an int).
    pub fn from_json(v: &serde_json::Value) -> Yaml {
        use serde_json::Value;
        match v {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Bool(*b),
            Value::Number(n) => number::from_json(n),
            Value::String(s) => Yaml::Str(s.clone()),
            Value::Array(a) => Yaml::Seq(a.iter().map(Yaml::from_json).collect()),
            Value::Object(m) => Yaml::Map(
                m.iter()
                    .map(|(k, v)| (Yaml::Str(k.clone()), Yaml::from_json(v)))
                    .collect(),
            ),
        }
    }
}
