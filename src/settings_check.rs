//! The generated objects' Flux variables against the cluster settings found among the input
//! items: every variable must be defined (Flux's strict mode fails the whole Kustomization on
//! the cluster otherwise), every value must fit the field it fills, and an endpoint must name a
//! Service that exists. With `spec.flux.substitute`, the variables are then substituted here,
//! exactly as Flux would.
//!
//! The Flux Kustomization itself is left out: its parent Kustomization substitutes it, from
//! settings vmstack does not see.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::flux::envsubst;
use crate::flux::settings::{self, Lookup, Source};
use crate::intent::settings::{endpoint_problem, proposed_values, value_problem};
use crate::intent::variables::ValueKind;
use crate::intent::{Code, Role, Stack};
use crate::krm::object::Object;
use crate::krm::yaml::{self, VariableStyle};
use crate::krm::{FieldRef, KrmResult, Severity};

/// One expanded intent and the objects it generated (placed, owner-annotated).
pub struct Expansion<'a> {
    pub intent: &'a Value,
    pub stack: &'a Stack,
    pub generated: Vec<Value>,
}

fn result(severity: Severity, code: Code, message: String) -> KrmResult {
    code.result(severity, message)
}

fn is_flux_kustomization(v: &Value) -> bool {
    Object(v).is("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
}

fn sources(stack: &Stack) -> Vec<Source> {
    stack
        .flux
        .substitute_from
        .iter()
        .map(|s| Source {
            kind: s.kind.clone(),
            name: s.name.clone(),
            optional: s.optional,
        })
        .collect()
}

/// Checks (and, when asked, substitutes) every expansion. `stacks` are all the intents of the
/// input that validated, for the endpoint check and the proposed values.
pub fn check(
    input: &[Value],
    expansions: &mut [Expansion],
    stacks: &[&Stack],
    style: VariableStyle<'static>,
) -> Vec<KrmResult> {
    let globals: Vec<&Stack> = stacks
        .iter()
        .copied()
        .filter(|s| matches!(s.role, Role::Global(_)))
        .collect();
    let proposals = proposed_values(stacks);
    let mut results = Vec::new();
    for e in expansions.iter_mut() {
        let stack = e.stack;
        if !stack.flux.enabled {
            continue;
        }
        let intent_ref = Object(e.intent).resource_ref();
        let wanted: Vec<String> = stack
            .flux
            .substitute_from
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let values = match settings::lookup(input, &sources(stack), &stack.flux.namespace) {
            Lookup::Found {
                values,
                invalid_keys,
            } => {
                if !invalid_keys.is_empty() {
                    let mut r = result(
                        Severity::Warning,
                        Code::SettingsIncomplete,
                        format!(
                            "settings keys Flux ignores (not a variable name): {}",
                            invalid_keys.join(", ")
                        ),
                    );
                    r.resource_ref = Some(intent_ref.clone());
                    results.push(r);
                }
                values
            }
            Lookup::Incomplete { missing } => {
                let severity = if stack.flux.substitute {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let mut r = result(
                    severity,
                    Code::SettingsIncomplete,
                    format!(
                        "variables not checked: {} of the Flux Kustomization's substituteFrom {} not among the input items",
                        missing.join(", "),
                        if missing.len() == 1 { "is" } else { "are" }
                    ),
                );
                r.resource_ref = Some(intent_ref.clone());
                results.push(r);
                continue;
            }
            Lookup::Absent => {
                if stack.flux.substitute {
                    let mut r = result(
                        Severity::Error,
                        Code::SubstitutionImpossible,
                        format!(
                            "flux.substitute needs the settings to substitute from ({}) among the input items",
                            wanted.join(", ")
                        ),
                    );
                    r.resource_ref = Some(intent_ref.clone());
                    r.field = Some(FieldRef {
                        path: "spec.flux.substitute".into(),
                        current_value: Some(Value::Bool(true)),
                        proposed_value: None,
                    });
                    results.push(r);
                }
                continue;
            }
        };

        let checked: Vec<Value> = e
            .generated
            .iter()
            .filter(|g| !is_flux_kustomization(g))
            .cloned()
            .collect();
        let reads = match settings::reads(&checked) {
            Ok(r) => r,
            Err(bad) => {
                let mut r = result(
                    Severity::Error,
                    Code::InvalidVariable,
                    format!("Flux cannot parse this: {}", bad.why),
                );
                r.resource_ref = Some(bad.object);
                r.field = Some(FieldRef {
                    path: bad.field,
                    current_value: None,
                    proposed_value: None,
                });
                results.push(r);
                continue;
            }
        };
        let mut missing = BTreeSet::new();
        for read in reads
            .iter()
            .filter(|r| !r.has_default && !values.contains_key(&r.name))
        {
            missing.insert(read.name.clone());
            let mut r = result(
                Severity::Error,
                Code::UndefinedVariable,
                format!(
                    "variable {} is not defined by {} (Flux's strict mode fails the Kustomization {} on the cluster)",
                    read.name,
                    wanted.join(", "),
                    stack.flux.name
                ),
            );
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
            let mut r = result(
                Severity::Info,
                Code::MissingSettings,
                format!("add to {}: {}", wanted.join(", "), listed.join("; ")),
            );
            r.resource_ref = Some(intent_ref.clone());
            let proposed: BTreeMap<&String, Option<&String>> =
                missing.iter().map(|k| (k, proposals.get(k))).collect();
            r.field = Some(FieldRef {
                path: "spec.flux.substituteFrom".into(),
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
                        .then(|| endpoint_problem(value, &globals))
                        .flatten()
                        .map(|p| (Code::UnknownEndpoint, p))
                });
            if let Some((code, problem)) = problem {
                let mut r = result(
                    Severity::Error,
                    code,
                    format!(
                        "{} = {value:?} from {}: {problem}",
                        use_.name,
                        wanted.join(", ")
                    ),
                );
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

        let failed = results.iter().any(KrmResult::is_error);
        if stack.flux.substitute && !failed {
            for obj in e.generated.iter_mut() {
                if is_flux_kustomization(obj) || settings::substitution_disabled(obj) {
                    continue;
                }
                // Flux substitutes the YAML text, so the quoting vmstack writes decides types.
                let text = yaml::to_yaml_styled(obj, &style);
                let substituted = envsubst::substitute(&text, &values, true)
                    .map_err(|e| e.to_string())
                    .and_then(|t| yaml::parse_document(&t).map_err(|e| e.to_string()));
                match substituted {
                    Ok(v) => *obj = v,
                    Err(why) => {
                        let mut r = result(Severity::Error, Code::SubstitutionImpossible, why);
                        r.resource_ref = Some(Object(obj).resource_ref());
                        results.push(r);
                    }
                }
            }
        }
    }
    results
}
