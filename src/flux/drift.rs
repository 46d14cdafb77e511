//! Type drift: fields whose value changes JSON type on its way through Flux's substitution.
//!
//! Flux re-reads every substituted object as YAML 1.1, so a field that is exactly `${CLUSTER}`
//! becomes the number 1, the boolean true or null when the variable holds `1`, `yes` or `~`,
//! whatever quoting the manifest had; and a field meant to be a number gets a string when the
//! value is not one. [`type_drift`] runs the real pipeline ([`super::pipeline`]) and compares each
//! field that reads a variable with the type it should have: a string, unless [`FieldTypes`]
//! says otherwise (the renderer records the fields it writes as numbers or booleans).

use std::collections::BTreeMap;

use serde_json::Value;

use super::envsubst::{Limits, Template};
use super::pipeline::{self, Outcome, PipelineError, Substitution};

/// The type of a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JsonType {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    pub fn of(v: &Value) -> JsonType {
        match v {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Bool,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Bool => "boolean",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "list",
            JsonType::Object => "map",
        }
    }
}

/// The intended type of fields whose generated value is a text with variables but which are not
/// strings (a replica count written `${REPLICAS}`), by field path (`spec.replicas`,
/// `spec.values.x[0].y`, as the settings check reports fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTypes(BTreeMap<String, JsonType>);

impl FieldTypes {
    pub fn new() -> Self {
        FieldTypes::default()
    }

    pub fn record(&mut self, path: impl Into<String>, ty: JsonType) {
        self.0.insert(path.into(), ty);
    }

    pub fn get(&self, path: &str) -> Option<JsonType> {
        self.0.get(path).copied()
    }
}

/// One field whose substituted value has another type than intended.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// Dotted path, list items as `[i]`.
    pub path: String,
    /// The field as generated, like `${CLUSTER}`.
    pub text: String,
    /// The variables it reads, with their values (`None`: not defined).
    pub variables: Vec<(String, Option<String>)>,
    pub intended: JsonType,
    /// What Flux applies; `None` when the field is gone (a key around it changed).
    pub result: Option<Value>,
}

impl Drift {
    /// A sentence for a result message.
    pub fn describe(&self) -> String {
        let values: Vec<String> = self
            .variables
            .iter()
            .map(|(name, value)| match value {
                Some(v) => format!("{name}={v:?}"),
                None => format!("{name} unset"),
            })
            .collect();
        let became = match &self.result {
            Some(v) => format!("the {} {v}", JsonType::of(v).name()),
            None => "nothing (the field is gone)".to_string(),
        };
        format!(
            "{} = {:?} is a {} field, but with {} Flux makes it {became}",
            self.path,
            self.text,
            self.intended.name(),
            values.join(", "),
        )
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn lookup<'a>(v: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

/// Every string that reads a variable: its path and text.
fn templated(v: &Value, path: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, String)>) {
    match v {
        Value::String(s) if s.contains("${") => out.push((path.clone(), s.clone())),
        Value::Object(m) => {
            for (k, v) in m {
                path.push(Step::Key(k.clone()));
                templated(v, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                path.push(Step::Index(i));
                templated(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The fields of `object` that Flux would give another type than intended. An object Flux skips
/// has none; an object Flux fails on is the error.
pub fn type_drift(
    object: &Value,
    s: &Substitution,
    intended: &FieldTypes,
) -> Result<Vec<Drift>, PipelineError> {
    let substituted = match pipeline::substitute_object(object, s)? {
        Outcome::Substituted { object, .. } => object,
        Outcome::Skipped(_) => return Ok(Vec::new()),
    };
    let mut fields = Vec::new();
    templated(object, &mut Vec::new(), &mut fields);
    let mut drifts = Vec::new();
    for (path, text) in fields {
        let shown = display(&path);
        let want = intended.get(&shown).unwrap_or(JsonType::String);
        let result = lookup(&substituted, &path);
        if result.map(JsonType::of) == Some(want) {
            continue;
        }
        let mut names: Vec<String> = Vec::new();
        if let Ok(t) = Template::parse(&text, &Limits::default()) {
            for f in t.funcs() {
                if !names.contains(&f.param) {
                    names.push(f.param.clone());
                }
            }
        }
        drifts.push(Drift {
            path: shown,
            variables: names
                .into_iter()
                .map(|n| {
                    let value = s.vars.get(&n).cloned();
                    (n, value)
                })
                .collect(),
            text,
            intended: want,
            result: result.cloned(),
        });
    }
    Ok(drifts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn release() -> Value {
        json!({
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {"name": "vm", "namespace": "observability"},
            "spec": {"values": {
                "vmagent": {"spec": {"externalLabels": {"cluster": "${CLUSTER}"}}},
                "vmstorage": {"replicaCount": "${REPLICAS}"},
                "note": "cluster ${CLUSTER}",
            }},
        })
    }

    fn numbers() -> FieldTypes {
        let mut t = FieldTypes::new();
        t.record("spec.values.vmstorage.replicaCount", JsonType::Number);
        t
    }

    #[test]
    fn number_like_and_boolean_like_values_drift() {
        let v = vars(&[("CLUSTER", "1"), ("REPLICAS", "3")]);
        let drifts = type_drift(&release(), &Substitution::new(&v), &numbers()).unwrap();
        assert_eq!(drifts.len(), 1, "{drifts:?}");
        let d = &drifts[0];
        assert_eq!(d.path, "spec.values.vmagent.spec.externalLabels.cluster");
        assert_eq!(
            d.variables,
            [("CLUSTER".to_string(), Some("1".to_string()))]
        );
        assert_eq!(
            (d.intended, d.result.clone()),
            (JsonType::String, Some(json!(1)))
        );
        assert!(
            d.describe().contains("makes it the number 1"),
            "{}",
            d.describe()
        );

        let v = vars(&[("CLUSTER", "no"), ("REPLICAS", "three")]);
        let drifts = type_drift(&release(), &Substitution::new(&v), &numbers()).unwrap();
        let found: Vec<(&str, Option<&Value>)> = drifts
            .iter()
            .map(|d| (d.path.as_str(), d.result.as_ref()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "spec.values.vmagent.spec.externalLabels.cluster",
                    Some(&json!(false))
                ),
                ("spec.values.vmstorage.replicaCount", Some(&json!("three"))),
            ]
        );
    }

    #[test]
    fn plain_values_and_skipped_objects_do_not_drift() {
        let v = vars(&[("CLUSTER", "edge-1"), ("REPLICAS", "3")]);
        assert_eq!(
            type_drift(&release(), &Substitution::new(&v), &numbers()),
            Ok(vec![])
        );
        let mut disabled = release();
        disabled["metadata"]["annotations"] =
            json!({"kustomize.toolkit.fluxcd.io/substitute": "disabled"});
        let v = vars(&[("CLUSTER", "1")]);
        assert_eq!(
            type_drift(&disabled, &Substitution::new(&v), &numbers()),
            Ok(vec![])
        );
    }

    #[test]
    fn a_pipeline_failure_is_the_error() {
        let v = vars(&[("CLUSTER", "a: b"), ("REPLICAS", "3")]);
        assert!(matches!(
            type_drift(&release(), &Substitution::new(&v), &numbers()),
            Err(PipelineError::Yaml(_))
        ));
    }
}
