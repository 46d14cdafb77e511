//! The cluster settings found among the input items, against the generated objects' Flux
//! variables. In two steps: checking (every variable must be defined, as Flux's strict mode
//! fails the whole Kustomization on the cluster otherwise; every value must fit the field it
//! fills; an endpoint must name a Service that exists), then, when asked, substituting them
//! exactly as Flux would.
//!
//! The Flux Kustomization itself is left out: its parent Kustomization substitutes it, from
//! settings vmstack does not see.

mod check;
pub mod reads;
mod substitute;
pub mod values;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::code::Code;
use crate::flux::substitute_from::{self, Lookup};
use crate::intent::{Role, Stack};
use crate::krm::object::Object;
use crate::krm::yaml::VariableStyle;
use crate::krm::{FieldRef, KrmResult, Severity};

/// One expanded intent and the objects it generated (placed, owner-annotated).
pub struct Expansion<'a> {
    pub intent: &'a Value,
    pub stack: &'a Stack,
    pub generated: Vec<Value>,
}

impl Expansion<'_> {
    fn names_of_sources(&self) -> String {
        let names: Vec<&str> = self
            .stack
            .flux
            .substitute_from
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        names.join(", ")
    }
}

fn is_flux_kustomization(v: &Value) -> bool {
    Object(v).is("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
}

/// Checks and, where asked (`spec.flux.substitute`, or `substitute_all`), substitutes every
/// expansion. `stacks` are all the intents of the input that validated, for the endpoint check
/// and the proposed values.
pub fn check_and_substitute(
    input: &[Value],
    expansions: &mut [Expansion],
    stacks: &[&Stack],
    style: VariableStyle<'static>,
    substitute_all: bool,
) -> Vec<KrmResult> {
    let globals: Vec<&Stack> = stacks
        .iter()
        .copied()
        .filter(|s| matches!(s.role, Role::Global(_)))
        .collect();
    let proposals = values::proposed_values(stacks);
    let mut results = Vec::new();
    for e in expansions.iter_mut() {
        if !e.stack.flux.enabled {
            continue;
        }
        let substitute = *e.stack.flux.substitute || substitute_all;
        let Some(values) = settings_of(input, e, substitute, &mut results) else {
            continue;
        };
        if !check::check(e, &values, &globals, &proposals, &mut results) {
            continue;
        }
        if substitute && !results.iter().any(KrmResult::is_error) {
            results.extend(substitute::substitute(e, &values, &style));
        }
    }
    results
}

/// The merged settings an expansion's Flux Kustomization substitutes from, when they are all
/// among the input; otherwise `None`, with a result when that matters.
fn settings_of(
    input: &[Value],
    e: &Expansion,
    substitute: bool,
    results: &mut Vec<KrmResult>,
) -> Option<BTreeMap<String, String>> {
    let flux = &e.stack.flux;
    let intent_ref = Object(e.intent).resource_ref();
    match substitute_from::lookup(input, &flux.substitute_from, &flux.namespace) {
        Lookup::Found {
            values,
            invalid_keys,
        } => {
            if !invalid_keys.is_empty() {
                let mut r = Code::SettingsIncomplete.result(
                    Severity::Warning,
                    format!(
                        "settings keys Flux ignores (not a variable name): {}",
                        invalid_keys.join(", ")
                    ),
                );
                r.resource_ref = Some(intent_ref);
                results.push(r);
            }
            Some(values)
        }
        Lookup::Incomplete { missing } => {
            let severity = if substitute {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mut r = Code::SettingsIncomplete.result(
                severity,
                format!(
                    "variables not checked: {} of the Flux Kustomization's substituteFrom {} not among the input items",
                    missing.join(", "),
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            );
            r.resource_ref = Some(intent_ref);
            results.push(r);
            None
        }
        Lookup::Absent => {
            if substitute {
                let mut r = Code::SubstitutionImpossible.error(format!(
                    "flux.substitute needs the settings to substitute from ({}) among the input items",
                    e.names_of_sources()
                ));
                r.resource_ref = Some(intent_ref);
                r.field = Some(FieldRef {
                    path: flux.substitute.path.clone(),
                    current_value: Some(Value::Bool(true)),
                    proposed_value: None,
                });
                results.push(r);
            }
            None
        }
    }
}
