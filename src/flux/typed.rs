//! Templated values that carry the types they may take once Flux has substituted them.
//!
//! A generated field written `${REPLICAS}` is a string in the object, but it is meant to become
//! a number; the object alone cannot say so. Where a value is written (the model's own
//! serialisation), [`template`] puts a marker in its place that holds the text and its types;
//! [`take_types`], run once on every generated object, puts the text back and returns the types
//! by field path, for [`super::drift::type_drift`]. A field that nobody marked is a string.

use std::fmt::Write;

use serde_json::{Map, Value};

use super::drift::{FieldTypes, JsonType};

/// The marker's only key. A NUL cannot come from an intent's text by accident.
const MARKER: &str = "\u{0}flux-typed";

/// A templated value that may become any of `types`: a one-key mapping holding `[text, type…]`
/// (a list, so that a Helm-style merge replaces it whole).
pub fn template(text: &str, types: &[JsonType]) -> Value {
    let mut list = vec![Value::String(text.to_string())];
    list.extend(types.iter().map(|t| Value::String(t.name().into())));
    let mut m = Map::new();
    m.insert(MARKER.into(), Value::Array(list));
    Value::Object(m)
}

/// `v` with every string that reads a variable marked as free to take any type: for values
/// whose type is the user's choice (a chart value vmstack does not know).
pub fn any_type(v: &Value) -> Value {
    match v {
        Value::String(s) if s.contains("${") => template(s, &JsonType::ALL),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), any_type(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(any_type).collect()),
        other => other.clone(),
    }
}

/// Whether `v` is a templated value's marker (a leaf, whatever mapping it is written as).
pub fn is_template(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.len() == 1 && holds_marker(m))
}

fn marked(m: &Map<String, Value>) -> Option<(String, Vec<JsonType>)> {
    let Some(Value::Array(list)) = m.get(MARKER) else {
        return None;
    };
    let (Some(Value::String(text)), Some(types)) = (list.first(), list.get(1..)) else {
        return None;
    };
    let types = types
        .iter()
        .filter_map(|t| t.as_str().and_then(JsonType::from_name))
        .collect();
    Some((text.clone(), types))
}

/// Whether the mapping holds the marker's key: its few keys compared, not one more hashed.
fn holds_marker(m: &Map<String, Value>) -> bool {
    m.keys().any(|k| k == MARKER)
}

fn take(v: &mut Value, path: &mut String, out: &mut FieldTypes) {
    match v {
        Value::Object(m) if m.len() == 1 && holds_marker(m) => {
            if let Some((text, types)) = marked(m) {
                for t in types {
                    out.record(path.clone(), t);
                }
                *v = Value::String(text);
            }
        }
        Value::Object(m) => {
            // A mapping merged over a marker keeps only what the merge brought.
            if holds_marker(m) {
                m.remove(MARKER);
            }
            for (k, v) in m.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                take(v, path, out);
                path.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter_mut().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                take(v, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Replaces every marker in `object` by its text, and returns the types by field path (dotted,
/// list items as `[i]`, as [`super::drift`] names fields).
pub fn take_types(object: &mut Value) -> FieldTypes {
    let mut out = FieldTypes::new();
    take(object, &mut String::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn markers_become_text_and_types() {
        let mut object = json!({
            "spec": {
                "replicas": template("${N}", &[JsonType::Number]),
                "size": template("${S}", &[JsonType::String, JsonType::Number]),
                "list": [{"x": template("${X}", &[JsonType::Number])}],
                "label": "${L}",
            },
        });
        let types = take_types(&mut object);
        assert_eq!(
            object,
            json!({"spec": {"replicas": "${N}", "size": "${S}", "list": [{"x": "${X}"}], "label": "${L}"}})
        );
        assert_eq!(types.allowed("spec.replicas"), [JsonType::Number].into());
        assert_eq!(
            types.allowed("spec.size"),
            [JsonType::String, JsonType::Number].into()
        );
        assert_eq!(types.allowed("spec.list[0].x"), [JsonType::Number].into());
        assert_eq!(types.allowed("spec.label"), [JsonType::String].into());
    }

    #[test]
    fn values_of_any_type_and_merges_over_markers() {
        let mut object = json!({
            "values": any_type(&json!({"a": ["${A}", "plain"], "b": 1})),
            "merged": {MARKER: ["${N}", "number"], "user": "x"},
        });
        let types = take_types(&mut object);
        assert_eq!(
            object,
            json!({"values": {"a": ["${A}", "plain"], "b": 1}, "merged": {"user": "x"}})
        );
        assert_eq!(
            types.allowed("values.a[0]"),
            JsonType::ALL.into_iter().collect()
        );
        assert_eq!(types.allowed("values.a[1]"), [JsonType::String].into());
        assert_eq!(types.allowed("merged"), [JsonType::String].into());
    }
}
