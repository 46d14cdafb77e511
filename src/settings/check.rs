//! The check step: the variables the generated objects read against the settings' values.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::values::{endpoint_problem, value_problem};
use super::{Expansion, is_flux_kustomization, reads};
use crate::code::Code;
use crate::intent::Stack;
use crate::intent::variables::ValueKind;
use crate::krm::object::Object;
use crate::krm::{FieldRef, KrmResult, Severity};

/// Checks one expansion against its settings' `values`; false when its objects could not even
/// be read for variables.
pub(super) fn check(
    e: &Expansion,
    values: &BTreeMap<String, String>,
    globals: &[&Stack],
    proposals: &BTreeMap<String, String>,
    results: &mut Vec<KrmResult>,
) -> bool {
    let stack = e.stack;
    let intent_ref = Object(e.intent).resource_ref();
    let sources = e.names_of_sources();
    let checked: Vec<Value> = e
        .generated
        .iter()
        .filter(|g| !is_flux_kustomization(g))
        .cloned()
        .collect();
    let reads = match reads::reads(&checked) {
        Ok(r) => r,
        Err(bad) => {
            let mut r = Code::InvalidVariable.error(format!("Flux cannot parse this: {}", bad.why));
            r.resource_ref = Some(bad.object);
            r.field = Some(FieldRef {
                path: bad.field,
                current_value: None,
                proposed_value: None,
            });
            results.push(r);
            return false;
        }
    };

    let mut missing = BTreeSet::new();
    for read in reads
        .iter()
        .filter(|r| !r.has_default && !values.contains_key(&r.name))
    {
        missing.insert(read.name.clone());
        let mut r = Code::UndefinedVariable.error(format!(
            "variable {} is not defined by {sources} (Flux's strict mode fails the Kustomization {} on the cluster)",
            read.name, stack.flux.name
        ));
        r.resource_ref = Some(read.object.clone());
        r.file = read.file.clone();
        r.field = Some(FieldRef {
            path: read.field.clone(),
            current_value: None,
            proposed_value: None,
        });
        results.push(r);
    }
    if !missing.is_empty() {
        let listed: Vec<String> = missing
            .iter()
            .map(|k| match proposals.get(k) {
                Some(v) => format!("{k}: {v}"),
                None => format!("{k}: <value>"),
            })
            .collect();
        let mut r = Code::MissingSettings.result(
            Severity::Info,
            format!("add to {sources}: {}", listed.join("; ")),
        );
        r.resource_ref = Some(intent_ref.clone());
        let proposed: BTreeMap<&String, Option<&String>> =
            missing.iter().map(|k| (k, proposals.get(k))).collect();
        r.field = Some(FieldRef {
            path: stack.flux.substitute_from.path.clone(),
            current_value: None,
            proposed_value: serde_json::to_value(proposed).ok(),
        });
        results.push(r);
    }

    for use_ in stack.variables.iter().filter(|u| u.whole) {
        let Some(value) = values.get(&use_.name) else {
            continue;
        };
        let problem = value_problem(use_.kind, value)
            .map(|p| (Code::VariableValueMismatch, p))
            .or_else(|| {
                (use_.kind == ValueKind::Url)
                    .then(|| endpoint_problem(value, globals))
                    .flatten()
                    .map(|p| (Code::UnknownEndpoint, p))
            });
        if let Some((code, problem)) = problem {
            let mut r = code.error(format!(
                "{} = {value:?} from {sources}: {problem}",
                use_.name
            ));
            r.resource_ref = Some(intent_ref.clone());
            r.file = Object(e.intent).file_ref();
            r.field = Some(FieldRef {
                path: use_.path.clone(),
                current_value: Some(Value::String(value.clone())),
                proposed_value: proposals.get(&use_.name).map(|p| Value::String(p.clone())),
            });
            results.push(r);
        }
    }
    true
}
