//! From the generated schema to the published one: nulls out (the readers take an absent field
//! and `null` alike, and an editor should not offer `null`), `const` as a one-word `enum`,
//! sections inlined, the spec split by role, markers removed.

use serde_json::{Map, Value, json};

use super::shape::{REQUIRED_MARKER, ROLE_MARKER};
use crate::intent::RoleKind;
use crate::intent::choice::Choice;

/// Every marker's name starts so; none is published.
pub const MARKER_PREFIX: &str = "x-vmstack-";

/// What both schemas share: no `null`, no `const`, descriptions as flowing text.
pub fn tidy(schema: &mut Value) {
    walk(schema, &mut |object| {
        drop_null(object);
        if let Some(c) = object.remove("const") {
            object.insert("enum".into(), json!([c]));
        }
        if let Some(Value::String(d)) = object.get_mut("description") {
            *d = flowing(d);
        }
        in_reading_order(object);
    });
}

/// Applies `f` to every schema in `v`, innermost first: the subschemas under `properties`,
/// `items`, `additionalProperties`, `anyOf` and `oneOf`, and the sections of `$defs`; never to
/// an `example` or to a map of properties itself.
pub fn walk(v: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    let Value::Object(schema) = v else {
        return;
    };
    for (keyword, sub) in schema.iter_mut() {
        match (keyword.as_str(), sub) {
            ("properties" | "$defs", Value::Object(named)) => {
                named.values_mut().for_each(|s| walk(s, f));
            }
            ("anyOf" | "oneOf", Value::Array(alternatives)) => {
                alternatives.iter_mut().for_each(|s| walk(s, f));
            }
            ("items" | "additionalProperties", sub) => walk(sub, f),
            _ => {}
        }
    }
    f(schema);
}

/// The keywords in the order a reader looks for them; others after, as they were.
const KEYWORD_ORDER: &[&str] = &[
    "title",
    "description",
    "type",
    "enum",
    "pattern",
    "maxLength",
    "minimum",
    "maximum",
    "anyOf",
    "oneOf",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "example",
];

fn in_reading_order(schema: &mut Map<String, Value>) {
    let mut all = std::mem::take(schema);
    for keyword in KEYWORD_ORDER {
        if let Some(v) = all.remove(*keyword) {
            schema.insert((*keyword).into(), v);
        }
    }
    schema.extend(all);
}

/// Removes what schemars adds for an `Option`: `null` in `type` or `enum`, or an `anyOf`
/// alternative `{type: null}`.
fn drop_null(object: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            object.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(words)) = object.get_mut("enum") {
        words.retain(|w| !w.is_null());
    }
    let Some(Value::Array(alternatives)) = object.get_mut("anyOf") else {
        return;
    };
    alternatives.retain(|a| a.get("type").is_none_or(|t| t != "null"));
    if alternatives.len() == 1 {
        let Some(Value::Object(only)) = alternatives.pop() else {
            return;
        };
        object.remove("anyOf");
        for (k, v) in only {
            object.entry(k).or_insert(v);
        }
    }
}

/// A doc comment's lines as running text, paragraphs kept apart.
fn flowing(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub fn publish(mut schema: Value) -> Value {
    let defs = schema
        .as_object_mut()
        .and_then(|o| o.remove("$defs"))
        .unwrap_or_else(|| json!({}));
    inline(&mut schema, &defs);
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), json!(crate::intent::KIND));
    }
    split_roles(&mut schema["properties"]["spec"]);
    walk(&mut schema, &mut |object| {
        object.retain(|k, _| !k.starts_with(MARKER_PREFIX));
        in_reading_order(object);
    });
    schema
}

/// Replaces every `$ref` by the section it names, the referring field's own keywords (its
/// description, its markers) over the section's.
fn inline(v: &mut Value, defs: &Value) {
    match v {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.remove("$ref") {
                let name = reference.rsplit('/').next().unwrap_or_default();
                let mut section = defs[name].clone();
                assert!(section.is_object(), "no section {reference}");
                inline(&mut section, defs);
                if let Value::Object(section) = section {
                    for (k, v) in section {
                        object.entry(k).or_insert(v);
                    }
                }
            }
            object.values_mut().for_each(|child| inline(child, defs));
        }
        Value::Array(items) => items.iter_mut().for_each(|i| inline(i, defs)),
        _ => {}
    }
}

/// The spec as one branch per role: each with its role's word, its role's fields only, and
/// the fields that role requires.
fn split_roles(spec: &mut Value) {
    let both = spec.clone();
    let branches: Vec<Value> = RoleKind::CHOICES
        .iter()
        .map(|(role, _)| for_role(both.clone(), role))
        .collect();
    *spec = json!({
        "type": "object",
        "description": both["description"],
        "oneOf": branches,
    });
}

fn for_role(mut spec: Value, role: &str) -> Value {
    spec.as_object_mut().map(|o| o.remove("description"));
    let required_here: Vec<String> = spec["properties"]
        .as_object()
        .map(|p| {
            p.iter()
                .filter(|(_, s)| s[REQUIRED_MARKER] == role)
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    spec["properties"]["role"]["enum"] = json!([role]);
    spec["properties"]["role"]["example"] = json!(role);
    walk(&mut spec, &mut |object| {
        let Some(Value::Object(properties)) = object.get_mut("properties") else {
            return;
        };
        properties.retain(|_, s| s.get(ROLE_MARKER).is_none_or(|r| r == role));
        let kept: Vec<String> = properties.keys().cloned().collect();
        if let Some(Value::Array(required)) = object.get_mut("required") {
            required.retain(|r| r.as_str().is_some_and(|r| kept.iter().any(|k| k == r)));
        }
    });
    let required = spec["required"].as_array_mut();
    if let Some(required) = required {
        for name in required_here {
            required.push(json!(name));
        }
    }
    spec
}
