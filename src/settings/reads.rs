//! The Flux variables a set of generated objects reads, field by field, as Flux would find them.

use serde_json::Value;

use crate::flux::envsubst;
use crate::flux::substitute_from::substitution_disabled;
use crate::krm::object::Object;
use crate::krm::{FileRef, ResourceRef};

/// One variable read by one field of one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub name: String,
    pub has_default: bool,
    pub object: ResourceRef,
    pub file: Option<FileRef>,
    /// Dotted path of the field, list items as `[i]`.
    pub field: String,
}

fn walk(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) if s.contains("${") => out.push((path.to_string(), s.clone())),
        Value::Object(m) => {
            for (k, v) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A text Flux cannot parse: the object, the field, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unparsable {
    pub object: ResourceRef,
    pub field: String,
    pub why: String,
}

/// Every variable Flux would read from these objects (objects that opt out are skipped), or the
/// first text Flux could not parse.
pub fn reads(objects: &[Value]) -> Result<Vec<Read>, Box<Unparsable>> {
    let mut out = Vec::new();
    for obj in objects.iter().filter(|o| !substitution_disabled(o)) {
        let mut texts = Vec::new();
        walk(obj, "", &mut texts);
        for (field, text) in texts {
            let vars = envsubst::variables(&text).map_err(|e| {
                Box::new(Unparsable {
                    object: Object(obj).resource_ref(),
                    field: field.clone(),
                    why: e.to_string(),
                })
            })?;
            for (name, has_default) in vars {
                out.push(Read {
                    name,
                    has_default,
                    object: Object(obj).resource_ref(),
                    file: Object(obj).file_ref(),
                    field: field.clone(),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flux::substitute_from::DISABLE_KEY;
    use serde_json::json;

    #[test]
    fn reads_skip_opted_out_objects_and_escapes() {
        let objects = vec![
            json!({"kind": "A", "metadata": {"name": "a"}, "spec": {"x": ["${ONE}", "$${NOT}"], "y": "${TWO:=2}"}}),
            json!({"kind": "B", "metadata": {"name": "b", "labels": {DISABLE_KEY: "disabled"}}, "spec": "${THREE}"}),
        ];
        let reads = reads(&objects).unwrap();
        let found: Vec<(&str, bool, &str)> = reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default, r.field.as_str()))
            .collect();
        assert_eq!(
            found,
            [("ONE", false, "spec.x[0]"), ("TWO", true, "spec.y")]
        );
    }
}
