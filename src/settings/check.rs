//! The check step: the generated objects against the settings' values, as kustomize-controller
//! would substitute them (strict mode, `substituteStrategy`, Flux's re-typing of every value).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::values::{as_flux_fills_it, endpoint_problem, value_problem};
use super::{Expansion, Texts, reads, string_fields};
use crate::code::Code;
use crate::flux::drift::{self, Drift, JsonType};
use crate::flux::pipeline::{self, PipelineError, Strategy, Substitution};
use crate::flux::substitute_from::Settings;
use crate::intent::Stack;
use crate::intent::variables::ValueKind;
use crate::krm::object::Object;
use crate::krm::{FieldRef, KrmResult, Severity};
use crate::render::Output;

/// What [`Check::judge`] found in one object.
struct Judged {
    read: Vec<String>,
    missing: Vec<String>,
    results: Vec<KrmResult>,
}

pub(super) struct Check<'a, 'e> {
    pub expansion: &'a Expansion<'e>,
    pub texts: &'a Texts,
    pub settings: &'a Settings,
    pub globals: &'a [&'a Stack],
    pub proposals: &'a BTreeMap<String, String>,
}

impl Check<'_, '_> {
    fn substitution(&self) -> Substitution<'_> {
        let mut s = Substitution::new(&self.settings.values);
        s.strategy = self.expansion.stack.flux.strategy();
        s
    }

    fn kustomization(&self) -> String {
        let flux = &self.expansion.stack.flux;
        format!("{}/{}", flux.namespace, flux.name)
    }

    pub fn run(&self, results: &mut Vec<KrmResult>) {
        let s = self.substitution();
        if s.vars.is_empty() && s.strategy == Strategy::WithVariables {
            self.nothing_substituted(&s, results);
            return;
        }
        let mut missing = BTreeSet::new();
        let mut read = BTreeSet::new();
        let judged = self
            .expansion
            .substituted()
            .map(|(i, o)| self.judge(i, o, &s));
        for judged in judged.flatten() {
            read.extend(judged.read);
            missing.extend(judged.missing);
            results.extend(judged.results);
        }
        if !missing.is_empty() {
            results.push(self.missing_summary(&missing));
        }
        for key in self.settings.broken_lines.intersection(&read) {
            let mut r = Code::SettingsIncomplete.result(
                Severity::Warning,
                format!(
                    "the value of {key} in {} has line breaks, and Flux removes every one of \
                     them before substituting (the objects get {:?})",
                    self.expansion.names_of_sources(),
                    self.settings.values[key]
                ),
            );
            r.resource_ref = Some(Object(self.expansion.intent).resource_ref());
            results.push(r);
        }
        self.values(results);
    }

    /// One object's variables against the settings: those it reads, those undefined, and the
    /// results (`None`: the syntax step reports it).
    fn judge(&self, i: usize, o: &Output, s: &Substitution) -> Option<Judged> {
        let text = || self.texts.of(i, &o.object).map(Cow::Borrowed);
        let reads = reads::reads_in(&o.object, s, text).ok()?;
        let undefined: Vec<&reads::Read> = reads
            .iter()
            .filter(|r| !r.has_default && !s.vars.contains_key(&r.name))
            .collect();
        let mut results: Vec<KrmResult> = undefined.iter().map(|r| self.undefined(r)).collect();
        if undefined.is_empty() {
            self.drift(i, o, s, &mut results);
        }
        Some(Judged {
            missing: undefined.iter().map(|r| r.name.clone()).collect(),
            read: reads.into_iter().map(|r| r.name).collect(),
            results,
        })
    }

    fn undefined(&self, read: &reads::Read) -> KrmResult {
        let form = if read.op.is_empty() {
            String::new()
        } else {
            format!(" (its operator {} needs it set)", read.op)
        };
        let mut r = Code::UndefinedVariable.error(format!(
            "variable {} is not defined by {}{form}: Flux's strict mode fails the Kustomization {} on the cluster",
            read.name,
            self.expansion.names_of_sources(),
            self.kustomization()
        ));
        r.resource_ref = Some(read.object.clone());
        r.file = read.file.clone();
        r.field = Some(field(&read.field));
        r
    }

    fn missing_summary(&self, missing: &BTreeSet<String>) -> KrmResult {
        let e = self.expansion;
        let listed: Vec<String> = missing
            .iter()
            .map(|k| match self.proposals.get(k) {
                Some(v) => format!("{k}: {v}"),
                None => format!("{k}: <value>"),
            })
            .collect();
        let mut r = Code::MissingSettings.result(
            Severity::Info,
            format!("add to {}: {}", e.names_of_sources(), listed.join("; ")),
        );
        r.resource_ref = Some(Object(e.intent).resource_ref());
        let proposed: BTreeMap<&String, Option<&String>> =
            missing.iter().map(|k| (k, self.proposals.get(k))).collect();
        r.field = Some(FieldRef {
            path: e.stack.flux.substitute_from.path.clone(),
            current_value: None,
            proposed_value: serde_json::to_value(proposed).ok(),
        });
        r
    }

    /// With no variable defined and `WithVariables`, Flux leaves every object as it is: each
    /// `${…}` and `$$` reaches the cluster as text.
    fn nothing_substituted(&self, s: &Substitution, results: &mut Vec<KrmResult>) {
        let sources = self.expansion.names_of_sources();
        for (i, o) in self.expansion.substituted() {
            let text = || self.texts.of(i, &o.object).map(Cow::Borrowed);
            let mut fields: Vec<(String, String)> = reads::reads_in(&o.object, s, text)
                .unwrap_or_default()
                .into_iter()
                .map(|r| (r.field, format!("${{{}…}}", r.name)))
                .collect();
            // Only Flux's substitution turns `$$` into `$`.
            fields.extend(
                string_fields(&o.object)
                    .into_iter()
                    .filter(|(_, text)| text.contains("$$"))
                    .map(|(path, _)| (path, "$$".to_string())),
            );
            let mut seen = BTreeSet::new();
            for (path, what) in fields {
                if !seen.insert(path.clone()) {
                    continue;
                }
                let mut r = Code::NothingSubstituted.error(format!(
                    "{sources} define no variable, so Flux substitutes nothing (substituteStrategy \
                     WithVariables): {what} reaches the cluster as written; define the variables, \
                     or set flux.substituteStrategy: Always so that defaults apply"
                ));
                r.resource_ref = Some(Object(&o.object).resource_ref());
                r.file = Object(&o.object).file_ref();
                r.field = Some(field(&path));
                results.push(r);
            }
        }
    }

    fn drift(&self, i: usize, o: &Output, s: &Substitution, results: &mut Vec<KrmResult>) {
        let object = &o.object;
        let drifts = match self
            .texts
            .of(i, object)
            .and_then(|text| drift::type_drift_in(object, text, s, &o.types))
        {
            Ok(d) => d,
            Err(e) => {
                results.push(self.fails(object, s, &e));
                return;
            }
        };
        for d in drifts {
            let mut r = Code::TypeDrift.error(format!("{}; {}", d.describe(), remedy(&d)));
            r.resource_ref = Some(Object(object).resource_ref());
            r.file = Object(object).file_ref();
            r.field = Some(FieldRef {
                path: d.path.clone(),
                current_value: Some(Value::String(d.text.clone())),
                proposed_value: None,
            });
            results.push(r);
        }
    }

    fn fails(&self, object: &Value, s: &Substitution, e: &PipelineError) -> KrmResult {
        let culprit = culprit(object, s);
        let mut r = Code::SubstitutionFails.error(format!(
            "Flux's substitution fails on this object, and with it the Kustomization {}: {}",
            self.kustomization(),
            e.flux_message()
        ));
        r.resource_ref = Some(Object(object).resource_ref());
        r.file = Object(object).file_ref();
        r.field = culprit.map(|p| field(&p));
        r
    }

    /// Each value against the intent field its variable fills, read as Flux reads it.
    fn values(&self, results: &mut Vec<KrmResult>) {
        let e = self.expansion;
        let sources = e.names_of_sources();
        for use_ in e.stack.variables.iter().filter(|u| u.whole) {
            let Some(value) = self.settings.values.get(&use_.name) else {
                continue;
            };
            let Some(filled) = as_flux_fills_it(value) else {
                continue;
            };
            let problem = value_problem(use_.kind, &filled)
                .map(|p| (Code::VariableValueMismatch, p))
                .or_else(|| {
                    (use_.kind == ValueKind::Url)
                        .then(|| endpoint_problem(&filled, self.globals))
                        .flatten()
                        .map(|p| (Code::UnknownEndpoint, p))
                });
            if let Some((code, problem)) = problem {
                let mut r = code.error(format!(
                    "{} = {value:?} from {sources}: {problem}",
                    use_.name
                ));
                r.resource_ref = Some(Object(e.intent).resource_ref());
                r.file = Object(e.intent).file_ref();
                r.field = Some(FieldRef {
                    path: use_.path.clone(),
                    current_value: Some(Value::String(value.clone())),
                    proposed_value: self
                        .proposals
                        .get(&use_.name)
                        .map(|p| Value::String(p.clone())),
                });
                results.push(r);
            }
        }
    }
}

fn field(path: &str) -> FieldRef {
    FieldRef {
        path: path.to_string(),
        current_value: None,
        proposed_value: None,
    }
}

/// What to do about a drift.
fn remedy(d: &Drift) -> String {
    if d.intended.contains(&JsonType::String) {
        let quoted: Vec<String> = d
            .variables
            .iter()
            .filter_map(|(name, value)| Some(format!("{name}: \"'{}'\"", value.as_ref()?)))
            .collect();
        format!(
            "Flux re-reads the substituted text as YAML, whatever quotes the manifest has: to keep \
             a string, write the value as a quoted YAML string in the settings ({})",
            quoted.join(", ")
        )
    } else {
        let wanted: Vec<&str> = d.intended.iter().map(|t| t.name()).collect();
        format!("the value must be a {}", wanted.join(" or "))
    }
}

/// The first templated field that fails alone, for pointing at a failure of the whole object.
fn culprit(object: &Value, s: &Substitution) -> Option<String> {
    string_fields(object)
        .into_iter()
        .filter(|(_, text)| text.contains('$'))
        .find(|(_, text)| {
            let probe = serde_json::json!({ "v": text });
            pipeline::substitute_object(&probe, s).is_err()
        })
        .map(|(path, _)| path)
}
