//! Every case of `shared/reference/flux-substitution-objects.json` (results of Flux's own
//! per-object pipeline: kustomize's `AsYAML`, envsubst v1.7.0, `YAMLToJSON`) against
//! vmstack's port in `flux::pipeline`.

mod common;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vmstack::flux::envsubst::SubstError;
use vmstack::flux::pipeline::{self, Outcome, PipelineError, Skip, Strategy, Substitution};

fn cases() -> Option<Vec<Value>> {
    common::shared::reference_cases("flux-substitution-objects.json", 31)
}

/// What vmstack gives, in the file's terms (`message` only where it is Flux's exact text).
fn outcome(result: &Result<Outcome, PipelineError>) -> Value {
    match result {
        Ok(Outcome::Substituted { object, .. }) => json!({"ok": object}),
        Ok(Outcome::Skipped(skip)) => json!({"skipped": match skip {
            Skip::Disabled => "disabled",
            Skip::NoVariables => "no-vars",
        }}),
        Err(e) => {
            let kind = match e {
                PipelineError::InvalidName(_) => "invalid-var-name",
                PipelineError::Substitution(SubstError::Unset(_)) => "unset",
                PipelineError::Substitution(SubstError::Panic(_)) => "panic",
                PipelineError::Yaml(_) => "yaml",
                _ => "other",
            };
            json!({"error": kind, "message": e.flux_message()})
        }
    }
}

#[test]
fn every_object_case_matches_flux() {
    let Some(cases) = cases() else { return };
    let mut wrong = Vec::new();
    for case in &cases {
        let id = &case["id"];
        let input = &case["input"];
        let text = pipeline::serialise(input).unwrap();
        if text != case["envsubst_text"].as_str().unwrap() {
            wrong.push(format!("{id}: text {text:?}"));
        }
        let vars: BTreeMap<String, String> = case["vars"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let mut s = Substitution::new(&vars);
        s.strict = case["strict"].as_bool().unwrap();
        if case["substituteStrategy"] == "Always" {
            s.strategy = Strategy::Always;
        }
        let got = outcome(&pipeline::substitute_object(input, &s));
        let flux = &case["flux"];
        let expected = if let Some(skip) = flux.get("skipped") {
            // A skipped object is applied as it is.
            assert_eq!(&flux["ok"], input, "{id}");
            json!({"skipped": skip})
        } else if flux.get("ok").is_some() {
            json!({"ok": flux["ok"]})
        } else if flux["error"] == "yaml" {
            // go-yaml's own message is not reproduced (see docs/flux-variables.md); the kind is.
            json!({"error": "yaml", "message": got["message"]})
        } else {
            json!({"error": flux["error"], "message": flux["message"]})
        };
        if got != expected {
            wrong.push(format!("{id}: Flux {flux}, vmstack {got}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases differ:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
