//! Every case of `shared/reference/flux-substitution-cases.json` (results of Flux's own envsubst
//! v1.7.0) against vmstack's port.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use vmstack::flux::envsubst::{self, Options, SubstError};

fn cases() -> Option<Vec<Value>> {
    common::shared::reference_cases("flux-substitution-cases.json", 101)
}

fn vars(case: &Value) -> BTreeMap<String, String> {
    case["vars"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// What vmstack gives, in the file's terms.
fn outcome(result: &Result<Vec<u8>, SubstError>) -> Value {
    match result {
        // The file is JSON, so a byte that is not UTF-8 shows there as U+FFFD.
        Ok(bytes) => serde_json::json!({"ok": String::from_utf8_lossy(bytes)}),
        Err(SubstError::Syntax(..)) => serde_json::json!({"error": "syntax"}),
        Err(SubstError::Unset(_)) => serde_json::json!({"error": "unset"}),
        Err(SubstError::Panic(_)) => serde_json::json!({"error": "panic"}),
        Err(other) => serde_json::json!({"error": other.to_string()}),
    }
}

#[test]
fn every_case_matches_flux() {
    let Some(cases) = cases() else { return };
    let mut wrong = Vec::new();
    for case in &cases {
        let input = case["input"].as_str().unwrap();
        let opts = Options::strict(case["strict"].as_bool().unwrap());
        let got = outcome(&envsubst::eval(input, &vars(case), &opts));
        if got != case["flux"] {
            wrong.push(format!(
                "{} {input:?}: Flux {}, vmstack {got}",
                case["id"], case["flux"]
            ));
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

#[test]
fn the_old_helpers_agree_with_the_engine() {
    let Some(cases) = cases() else { return };
    for case in cases.iter().filter(|c| c["flux"]["ok"].is_string()) {
        let input = case["input"].as_str().unwrap();
        let strict = case["strict"].as_bool().unwrap();
        assert_eq!(
            envsubst::substitute(input, &vars(case), strict)
                .ok()
                .as_deref(),
            case["flux"]["ok"].as_str(),
            "{}",
            case["id"]
        );
        assert!(envsubst::variables(input).is_ok(), "{}", case["id"]);
    }
}
