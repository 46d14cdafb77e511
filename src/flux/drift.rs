//! Type drift: fields whose value changes JSON type on its way through Flux's substitution.
//!
//! Flux re-reads every substituted object as YAML 1.1, so a field that is exactly `${CLUSTER}`
//! becomes the number 1, the boolean true or null when the variable holds `1`, `yes` or `~`,
//! whatever quoting the manifest had; and a field meant to be a number gets a string when the
//! value is not one. [`type_drift`] runs the real pipeline ([`super::pipeline`]) and compares each
//! field that reads a variable with the types it may have: a string, unless [`FieldTypes`]
//! says otherwise (the renderer records the fields it writes as numbers, and those whose type
//! is the user's to choose).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::envsubst::{Limits, Template};
use super::pipeline::{FluxText, Outcome, PipelineError, Substitution};

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

    /// Every type, for fields that may hold any.
    pub const ALL: [JsonType; 6] = [
        JsonType::Null,
        JsonType::Bool,
        JsonType::Number,
        JsonType::String,
        JsonType::Array,
        JsonType::Object,
    ];

    pub fn from_name(name: &str) -> Option<JsonType> {
        JsonType::ALL.into_iter().find(|t| t.name() == name)
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

/// The types a field whose generated value is a text with variables may take, where that is not
/// just a string (a replica count written `${REPLICAS}`, a quantity that may be a number too),
/// by field path (`spec.replicas`, `spec.values.x[0].y`, as the settings check reports fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldTypes(BTreeMap<String, BTreeSet<JsonType>>);

impl FieldTypes {
    pub fn new() -> Self {
        FieldTypes::default()
    }

    /// Lets the field at `path` hold `ty` (recording several types allows each).
    pub fn record(&mut self, path: impl Into<String>, ty: JsonType) {
        self.0.entry(path.into()).or_default().insert(ty);
    }

    /// The types the field may hold: a string, unless recorded otherwise.
    pub fn allowed(&self, path: &str) -> BTreeSet<JsonType> {
        self.0
            .get(path)
            .cloned()
            .unwrap_or_else(|| [JsonType::String].into())
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
    /// The types the field may hold.
    pub intended: BTreeSet<JsonType>,
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
        let intended: Vec<&str> = self.intended.iter().map(|t| t.name()).collect();
        format!(
            "{} = {:?} is a {} field, but with {} Flux makes it {became}",
            self.path,
            self.text,
            intended.join(" or "),
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
    type_drift_in(object, &FluxText::new(object)?, s, intended)
}

/// [`type_drift`], from the object's text written once elsewhere.
pub fn type_drift_in(
    object: &Value,
    text: &FluxText,
    s: &Substitution,
    intended: &FieldTypes,
) -> Result<Vec<Drift>, PipelineError> {
    let substituted = match text.substitute_templated(object, s)? {
        Some(Outcome::Substituted { object, .. }) => object,
        // Nothing in the text reads a variable.
        None | Some(Outcome::Skipped(_)) => return Ok(Vec::new()),
    };
    let mut fields = Vec::new();
    templated(object, &mut Vec::new(), &mut fields);
    let mut drifts = Vec::new();
    for (path, text) in fields {
        let shown = display(&path);
        let want = intended.allowed(&shown);
        let result = lookup(&substituted, &path);
        if result.is_some_and(|r| want.contains(&JsonType::of(r))) {
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
            (d.intended.clone(), d.result.clone()),
            ([JsonType::String].into(), Some(json!(1)))
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
    fn a_field_may_allow_several_types() {
        let object = json!({"apiVersion": "v1", "kind": "X", "metadata": {"name": "x"},
            "spec": {"size": "${SIZE}"}});
        let mut quantity = FieldTypes::new();
        quantity.record("spec.size", JsonType::String);
        quantity.record("spec.size", JsonType::Number);
        for (value, drifts) in [("10", false), ("10Gi", false), ("no", true)] {
            let v = vars(&[("SIZE", value)]);
            let found = type_drift(&object, &Substitution::new(&v), &quantity).unwrap();
            assert_eq!(!found.is_empty(), drifts, "{value}: {found:?}");
        }
        let v = vars(&[("SIZE", "no")]);
        let found = type_drift(&object, &Substitution::new(&v), &quantity).unwrap();
        assert!(
            found[0].describe().contains("is a number or string field"),
            "{}",
            found[0].describe()
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
