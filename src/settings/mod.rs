//! The generated objects' Flux variables, judged by what kustomize-controller would really do
//! with them ([`crate::flux::pipeline`]): first the syntax of every object (always: a malformed
//! `${…}` fails the Kustomization whatever the settings), then, with the cluster settings among
//! the input items, every variable must be defined (strict mode), every value must fit its field
//! and keep its type through Flux's re-typing, every endpoint must name a Service that exists;
//! then, when asked, the objects are substituted exactly as Flux would, and the Kustomization
//! that ships with them no longer substitutes.
//!
//! The Flux Kustomization itself is only checked for syntax: its parent Kustomization
//! substitutes it, from settings vmstack does not see.

mod check;
pub mod reads;
mod substitute;
mod syntax;
pub mod values;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::code::Code;
use crate::flux::pipeline::{self, FluxText, Outcome, PipelineError, Substitution};
use crate::flux::substitute_from::{self, Items, Lookup, Settings};
use crate::intent::{Flux, Role, Stack};
use crate::krm::object::{self, Object};
use crate::krm::{FieldRef, KrmResult, Severity};
use crate::parallel;
use crate::render::Output;

/// One expanded intent and the objects it generated (placed, owner-annotated).
pub struct Expansion<'a> {
    pub intent: &'a Value,
    pub stack: &'a Stack,
    pub generated: Vec<Output>,
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

    /// Whether the generated Kustomization substitutes at all (has `postBuild`).
    fn has_post_build(&self) -> bool {
        self.generated.iter().any(|o| {
            is_flux_kustomization(&o.object) && o.object.pointer("/spec/postBuild").is_some()
        })
    }

    /// The objects Flux substitutes with the settings, with their index in `generated`.
    fn substituted(&self) -> impl Iterator<Item = (usize, &Output)> {
        self.generated
            .iter()
            .enumerate()
            .filter(|(_, o)| substituted_with_settings(o))
    }
}

/// Each generated object's text as Flux substitutes it, written at most once and shared by the
/// syntax step, the reads, the drift check and the substitution (by index in `generated`).
struct Texts(Vec<OnceLock<Result<FluxText, PipelineError>>>);

impl Texts {
    /// The texts of the objects Flux reads, written up front (in a fleet, each intent's on its
    /// own thread).
    fn new(e: &Expansion) -> Self {
        let texts = e.generated.iter().map(|o| {
            let text = OnceLock::new();
            if read_by_flux(o) {
                let _ = text.set(FluxText::new(&o.object));
            }
            text
        });
        Texts(texts.collect())
    }

    fn of(&self, i: usize, object: &Value) -> Result<&FluxText, PipelineError> {
        self.0[i]
            .get_or_init(|| FluxText::new(object))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Every object but the package's local config and those that opt out: Flux parses each
/// one's text, whatever its settings.
fn read_by_flux(o: &Output) -> bool {
    !is_local_config(&o.object) && !pipeline::disabled(&o.object)
}

/// All but the Kustomization itself (its parent substitutes it) and the package's local config.
fn substituted_with_settings(o: &Output) -> bool {
    !is_flux_kustomization(&o.object) && !is_local_config(&o.object)
}

fn is_flux_kustomization(v: &Value) -> bool {
    Object(v).is("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
}

/// kustomize's own kustomization.yaml: configuration, never applied.
fn is_local_config(v: &Value) -> bool {
    Object(v).annotation(object::LOCAL_CONFIG) == Some("true")
}

/// Every string of an object, with its field path (dotted, list items as `[i]`).
fn string_fields(v: &Value) -> Vec<(String, &str)> {
    fn walk<'v>(v: &'v Value, path: &str, out: &mut Vec<(String, &'v str)>) {
        match v {
            Value::String(s) => out.push((path.to_string(), s)),
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
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

/// The value Flux would substitute for `variable` from `flux`'s settings sources among `items`
/// (merged as Flux merges them, line breaks removed). `None` when the settings are not all
/// among the items, or do not define it.
pub fn variable_value(
    items: &(impl Items + ?Sized),
    flux: &Flux,
    variable: &str,
) -> Option<String> {
    match substitute_from::lookup(items, &flux.substitute_from, &flux.namespace) {
        Lookup::Found(settings) => settings.values.get(variable).cloned(),
        _ => None,
    }
}

/// What Flux makes of a field whose generated text is `text` (`${VM_STORAGE_SIZE:=50Gi}`),
/// substituted from `flux`'s settings among `items`: the value the cluster gets (a string, or
/// what Flux's YAML re-reading turns it into). `None` when the settings are not all among the
/// items, or Flux would fail on it.
pub fn field_value(items: &(impl Items + ?Sized), flux: &Flux, text: &str) -> Option<Value> {
    let Lookup::Found(settings) =
        substitute_from::lookup(items, &flux.substitute_from, &flux.namespace)
    else {
        return None;
    };
    let mut s = Substitution::new(&settings.values);
    s.strategy = flux.strategy();
    let probe = serde_json::json!({"v": text});
    match pipeline::substitute_object(&probe, &s).ok()? {
        Outcome::Substituted { object, .. } => object.get("v").cloned(),
        Outcome::Skipped(_) => Some(Value::String(text.to_string())),
    }
}

/// What the check of every expansion shares, worked out once: `stacks` are all the intents of
/// the input that validated, for the endpoint check and the proposed values.
pub struct Checker<'s> {
    globals: Vec<&'s Stack>,
    proposals: BTreeMap<String, String>,
    substitute_all: bool,
}

impl<'s> Checker<'s> {
    pub fn new(stacks: &[&'s Stack], substitute_all: bool) -> Self {
        Checker {
            globals: stacks
                .iter()
                .copied()
                .filter(|s| matches!(s.role, Role::Global(_)))
                .collect(),
            proposals: values::proposed_values(stacks),
            substitute_all,
        }
    }

    /// Checks one expansion and, where asked (`spec.flux.substitute`, or `substitute_all`),
    /// substitutes it.
    pub fn check(&self, input: &(impl Items + ?Sized), e: &mut Expansion) -> Vec<KrmResult> {
        let mut results = Vec::new();
        check_one(
            input,
            e,
            &self.globals,
            &self.proposals,
            self.substitute_all,
            &mut results,
        );
        results
    }
}

/// [`Checker::check`] on every expansion, the results in the expansions' order.
pub fn check_and_substitute(
    input: &(impl Items + Sync + ?Sized),
    expansions: &mut [Expansion],
    stacks: &[&Stack],
    substitute_all: bool,
) -> Vec<KrmResult> {
    let checker = Checker::new(stacks, substitute_all);
    parallel::map_mut(expansions, |e| checker.check(input, e))
        .into_iter()
        .flatten()
        .collect()
}

fn check_one(
    input: &(impl Items + ?Sized),
    e: &mut Expansion,
    globals: &[&Stack],
    proposals: &BTreeMap<String, String>,
    substitute_all: bool,
    results: &mut Vec<KrmResult>,
) {
    let texts = Texts::new(e);
    // Without postBuild Flux substitutes nothing, and neither does vmstack.
    if !syntax::check(e, &texts, results) || !e.has_post_build() {
        return;
    }
    let substitute = *e.stack.flux.substitute || substitute_all;
    let Some(settings) = settings_of(input, e, substitute, results) else {
        return;
    };
    let checked = check::Check {
        expansion: e,
        texts: &texts,
        settings: &settings,
        globals,
        proposals,
    };
    let before = results.len();
    checked.run(results);
    if substitute && !results[before..].iter().any(KrmResult::is_error) {
        results.extend(substitute::substitute(e, &texts, &settings));
    }
}

/// The merged settings an expansion's Flux Kustomization substitutes from, when they are all
/// among the input and Flux accepts every key; otherwise `None`, with a result when that
/// matters.
fn settings_of(
    input: &(impl Items + ?Sized),
    e: &Expansion,
    substitute: bool,
    results: &mut Vec<KrmResult>,
) -> Option<Settings> {
    let flux = &e.stack.flux;
    let intent_ref = Object(e.intent).resource_ref();
    match substitute_from::lookup(input, &flux.substitute_from, &flux.namespace) {
        Lookup::Found(settings) => {
            for bad in &settings.invalid_keys {
                let mut r = Code::SettingsKeyRefused.error(format!(
                    "{:?} is not a variable name Flux accepts (letters, digits and _, not \
                     starting with a digit): it fails every object of the Kustomization {}/{} \
                     on the cluster (\"'{}' var name is invalid\"); rename or remove the key",
                    bad.key, flux.namespace, flux.name, bad.key
                ));
                r.resource_ref = Some(bad.item.clone());
                r.file = bad.file.clone();
                r.field = Some(FieldRef {
                    path: format!("data.{}", bad.key),
                    current_value: None,
                    proposed_value: None,
                });
                results.push(r);
            }
            settings.invalid_keys.is_empty().then_some(settings)
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

/// The variables an expansion's objects read, in Flux's terms: for `--variables`.
pub fn inventory_reads(object: &Value) -> Vec<reads::Read> {
    let vars = BTreeMap::new();
    reads::reads(object, &Substitution::new(&vars)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_variables_value_is_read_from_the_settings_as_flux_reads_it() {
        let flux = Flux::defaults("observability", "vm");
        let items = vec![json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cluster-settings", "namespace": "flux-system"},
            "data": {"SIZE": "50Gi", "N": "3", "WRAPPED": "10\nGi"},
        })];
        assert_eq!(
            variable_value(&items, &flux, "SIZE").as_deref(),
            Some("50Gi")
        );
        assert_eq!(
            variable_value(&items, &flux, "WRAPPED").as_deref(),
            Some("10Gi")
        );
        assert_eq!(variable_value(&items, &flux, "MISSING"), None);
        assert_eq!(variable_value(&[], &flux, "SIZE"), None, "no settings");
        assert_eq!(
            field_value(&items, &flux, "${MISSING:=20Gi}"),
            Some(json!("20Gi"))
        );
        assert_eq!(field_value(&items, &flux, "${N}"), Some(json!(3)));
        assert_eq!(
            field_value(&items, &flux, "${MISSING}"),
            None,
            "strict mode"
        );
    }
}
