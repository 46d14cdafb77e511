//! The function in-process and through its binary: seed snapshots, determinism, idempotence,
//! pruning, and a precise result for every bad intent in `tests/fixtures/bad/` (checked alone,
//! or against the intents of the case's `others.yaml`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::fixtures::problems;
use serde_json::{Value, json};
use vmstack::code::Code;
use vmstack::function::{self, Layout, OWNER};
use vmstack::krm::{ResourceList, yaml};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml::parse_document(&text).unwrap()
}

fn with_file(mut v: Value, path: &str, index: usize) -> Value {
    vmstack::krm::object::set_file(&mut v, path, index);
    v
}

/// What kpt hands the function for a package whose Kptfile names the intent as configPath.
fn kpt_input(package: &str) -> ResourceList {
    let dir = root().join(package);
    let kptfile = with_file(read_yaml(&dir.join("Kptfile")), "Kptfile", 0);
    let intent = with_file(read_yaml(&dir.join("vmstack.yaml")), "vmstack.yaml", 0);
    ResourceList::new(vec![kptfile, intent.clone()], Some(intent))
}

fn generated(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter(|i| {
            i.pointer("/metadata/annotations")
                .and_then(|a| a.get(OWNER))
                .is_some()
        })
        .cloned()
        .collect()
}

#[test]
fn seed_infra_snapshot() {
    let out = function::process(kpt_input("examples/seed/infra"), Layout::Files);
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    insta::assert_snapshot!("seed_infra", function::to_stream(&generated(&out.items)));
}

#[test]
fn seed_apps_snapshot() {
    let out = function::process(kpt_input("examples/seed/apps"), Layout::Files);
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    insta::assert_snapshot!("seed_apps", function::to_stream(&generated(&out.items)));
}

#[test]
fn intent_is_marked_local_config_and_foreign_items_are_untouched() {
    let input = kpt_input("examples/seed/infra");
    let out = function::process(input.clone(), Layout::Files);
    assert_eq!(
        out.items[0], input.items[0],
        "the Kptfile must come back unchanged"
    );
    assert_eq!(
        out.items[1].pointer("/metadata/annotations/config.kubernetes.io~1local-config"),
        Some(&json!("true"))
    );
    for g in generated(&out.items) {
        assert_eq!(
            g.pointer("/metadata/annotations/vmstack.dev~1owner"),
            Some(&json!("observability/victoria-metrics-global"))
        );
        let path = g
            .pointer("/metadata/annotations/internal.config.kubernetes.io~1path")
            .and_then(Value::as_str)
            .unwrap();
        assert!(path.starts_with("global/"), "{path}");
        // The function's own annotation must never reach a generated object, or kustomize drops it.
        assert!(
            g.pointer("/metadata/annotations/config.kubernetes.io~1local-config")
                .is_none()
                || g["kind"] == "Kustomization"
                    && g["apiVersion"] == "kustomize.config.k8s.io/v1beta1"
        );
    }
}

#[test]
fn second_run_changes_nothing() {
    let first = function::process(kpt_input("examples/seed/infra"), Layout::Files);
    let again = ResourceList::new(first.items.clone(), first.items.get(1).cloned());
    let second = function::process(again, Layout::Files);
    assert!(problems(&second.results).is_empty());
    assert_eq!(
        yaml::to_yaml_stream(&first.items),
        yaml::to_yaml_stream(&second.items)
    );
}

#[test]
fn objects_the_intent_no_longer_produces_are_pruned() {
    let first = function::process(kpt_input("examples/seed/apps"), Layout::Files);
    let policies = |items: &[Value]| {
        items
            .iter()
            .filter(|i| i["kind"] == "NetworkPolicy")
            .count()
    };
    assert!(policies(&first.items) > 0);
    let mut intent = first.items[1].clone();
    intent["spec"]["networkPolicies"] = json!({"enabled": false});
    let mut items = first.items.clone();
    items[1] = intent.clone();
    let second = function::process(ResourceList::new(items, Some(intent)), Layout::Files);
    // Each removal is said, as a note naming the object.
    let (removed, others): (Vec<_>, Vec<_>) = problems(&second.results)
        .into_iter()
        .partition(|r| code_of(r) == Code::PrunedOutput.as_str());
    assert!(others.is_empty(), "{others:?}");
    assert_eq!(removed.len(), policies(&first.items));
    assert!(
        removed
            .iter()
            .all(|r| r.severity == vmstack::krm::Severity::Info
                && r.resource_ref.as_ref().unwrap().kind == "NetworkPolicy")
    );
    assert_eq!(
        policies(&second.items),
        0,
        "stale NetworkPolicies must be pruned"
    );
    assert_eq!(
        generated(&second.items).len(),
        generated(&first.items).len() - policies(&first.items)
    );
}

/// A fixed permutation, different per seed, without pulling in a random number crate.
fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut v = items.to_vec();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in (1..v.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (state >> 33) as usize % (i + 1);
        v.swap(i, j);
    }
    v
}

#[test]
fn item_order_does_not_change_the_generated_objects() {
    let infra = with_file(
        read_yaml(&root().join("examples/seed/infra/vmstack.yaml")),
        "infra/vmstack.yaml",
        0,
    );
    let apps = with_file(
        read_yaml(&root().join("examples/seed/apps/vmstack.yaml")),
        "apps/vmstack.yaml",
        0,
    );
    let foreign: Vec<Value> = (0..4)
        .map(|i| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("cm-{i}"), "namespace": "x"}}))
        .collect();
    let mut items = vec![infra, apps];
    items.extend(foreign);
    let reference = {
        let out = function::process(ResourceList::new(items.clone(), None), Layout::Files);
        assert!(problems(&out.results).is_empty(), "{:?}", out.results);
        function::to_stream(&generated(&out.items))
    };
    assert!(reference.contains("victoria-metrics-global") && reference.contains("VMServiceScrape"));
    for seed in 1..8 {
        let out = function::process(
            ResourceList::new(shuffled(&items, seed), None),
            Layout::Files,
        );
        assert_eq!(
            function::to_stream(&generated(&out.items)),
            reference,
            "seed {seed}"
        );
        assert_eq!(out.items.len(), items.len() + generated(&out.items).len());
    }
}

#[test]
fn an_unaccepted_function_config_is_an_error_that_names_the_kind() {
    let mut input = kpt_input("examples/seed/infra");
    input.function_config = Some(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "function-input"}, "data": {"replicas": "3"}}),
    );
    let before = input.items.clone();
    let out = function::process(input, Layout::Files);
    assert!(out.has_errors());
    assert!(
        out.results[0].message.contains("VictoriaMetricsStack"),
        "{}",
        out.results[0].message
    );
    assert_eq!(out.items, before, "items go back unchanged on error");
}

#[test]
fn kpts_empty_function_input_means_no_config() {
    let mut input = kpt_input("examples/seed/infra");
    input.function_config = Some(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "function-input"}, "data": {}}),
    );
    let out = function::process(input, Layout::Files);
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    assert!(
        out.items.iter().any(|i| i["kind"] == "HelmRelease"),
        "every intent among the items is expanded"
    );
}

fn run_binary(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = common::process::run_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_vmstack")).args(args),
        stdin.as_bytes(),
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_bad_intent_fails_with_a_precise_result() {
    let cases = common::fixtures::cases("bad");
    assert!(cases.len() >= 20, "the bad-intent fixtures went missing");
    common::fixtures::check_each_case("bad", |name, case| {
        let intent_text = std::fs::read_to_string(case.join("intent.yaml")).unwrap();
        let intent = with_file(
            yaml::parse_document(&intent_text).unwrap(),
            "vmstack.yaml",
            0,
        );
        // Intents the case's intent is checked against (its global stack, say), as items.
        let mut items = vec![intent.clone()];
        if let Ok(text) = std::fs::read_to_string(case.join("others.yaml")) {
            for (i, other) in yaml::parse_documents(&text)
                .unwrap()
                .into_iter()
                .enumerate()
            {
                items.push(with_file(other, "others.yaml", i));
            }
        }
        let rl = json!({
            "apiVersion": "config.kubernetes.io/v1",
            "kind": "ResourceList",
            "items": items,
            "functionConfig": intent,
        });
        let (code, stdout, stderr) = run_binary(&[], &yaml::to_yaml(&rl));
        assert_eq!(code, 1, "{name}: exit code, stderr: {stderr}");
        let out = yaml::parse_document(&stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not YAML: {e}"));
        assert_eq!(
            out["items"],
            json!(items),
            "{name}: items must come back unchanged"
        );
        let results = out["results"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no results"));
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        for line in expected
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let (code, path) = line.split_once(' ').unwrap();
            let found = results.iter().any(|r| {
                r["severity"] == "error"
                    && r["tags"]["code"] == code
                    && r["field"]["path"] == path
                    && r["resourceRef"]["kind"] == "VictoriaMetricsStack"
                    && r["file"]["path"] == "vmstack.yaml"
            });
            assert!(found, "{name}: no error {code} at {path} in {results:#?}");
        }
        insta::assert_snapshot!(format!("bad_{name}"), stderr);
    });
}

#[test]
fn a_failing_case_does_not_hide_the_cases_after_it() {
    let seen = std::cell::RefCell::new(Vec::new());
    let cases = ["a", "b", "c"].map(|n| (n.to_string(), n));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        common::fixtures::check_each(cases, |name, _| {
            seen.borrow_mut().push(name.to_string());
            assert_ne!(name, "a", "the first case fails");
        })
    }));
    assert_eq!(*seen.borrow(), ["a", "b", "c"], "every case ran");
    let message = outcome.expect_err("the failure is reported at the end");
    let message = message.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("1 case(s) failed") && message.ends_with(": a"),
        "{message}"
    );
}

#[test]
fn unknown_field_suggests_the_field_that_was_meant() {
    let case = root().join("tests/fixtures/bad/unknown-field/intent.yaml");
    let (code, stdout, _) = run_binary(
        &[],
        &yaml::to_yaml(&json!({
            "apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
            "items": [], "functionConfig": read_yaml(&case),
        })),
    );
    assert_eq!(code, 1);
    let out = yaml::parse_document(&stdout).unwrap();
    assert_eq!(
        out["results"][0]["field"]["proposedValue"],
        "spec.vmstorage.replicas"
    );
    assert!(
        out["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean \"replicas\"")
    );
}

#[test]
fn input_that_is_not_a_resource_list_is_an_error_result() {
    for input in ["", "a: [1,\n", "apiVersion: v1\nkind: ConfigMap\n", "- 1\n"] {
        let (code, stdout, stderr) = run_binary(&[], input);
        assert_eq!(code, 1, "{input:?}");
        let out = yaml::parse_document(&stdout).unwrap();
        assert_eq!(out["kind"], "ResourceList");
        assert_eq!(out["results"][0]["severity"], "error");
        assert!(stderr.contains("VMS001"), "{stderr}");
    }
}

#[test]
fn legacy_plugin_mode_prints_only_the_generated_objects() {
    let intent = root().join("examples/seed/apps/vmstack.yaml");
    let (code, stdout, stderr) = run_binary(&[intent.to_str().unwrap()], "");
    assert_eq!(code, 0, "{stderr}");
    let docs = yaml::parse_documents(&stdout).unwrap();
    assert!(docs.iter().all(|d| d["kind"] != "VictoriaMetricsStack"));
    assert!(docs.iter().any(|d| d["kind"] == "HelmRelease"));
    assert!(
        docs.iter().all(|d| d
            .pointer("/metadata/annotations/internal.config.kubernetes.io~1path")
            .is_none()),
        "no file placement in a plain stream"
    );
    assert!(
        docs.iter().all(|d| d["kind"] != "Kustomization"
            || d["apiVersion"] != "kustomize.config.k8s.io/v1beta1")
    );
}

#[test]
fn legacy_plugin_mode_fails_on_a_bad_intent() {
    let case = root().join("tests/fixtures/bad/wrong-type/intent.yaml");
    let (code, stdout, stderr) = run_binary(&[case.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "no partial output: {stdout}");
    assert!(
        stderr.contains("VMS101") && stderr.contains("spec.vmstorage.replicas"),
        "{stderr}"
    );
}

fn code_of(r: &vmstack::krm::KrmResult) -> &str {
    r.tags.get("code").map(String::as_str).unwrap_or("")
}

#[test]
fn two_intents_with_one_name_or_one_folder_are_refused() {
    let infra = with_file(
        read_yaml(&root().join("examples/seed/infra/vmstack.yaml")),
        "a/vmstack.yaml",
        0,
    );
    let twice = vec![infra.clone(), infra.clone()];
    let out = function::process(ResourceList::new(twice.clone(), None), Layout::Files);
    assert!(
        out.results
            .iter()
            .any(|r| code_of(r) == "VMS205" && r.is_error())
    );
    assert_eq!(out.items, twice, "nothing is generated");

    let mut other = infra.clone();
    other["metadata"]["name"] = json!("victoria-metrics-other");
    let out = function::process(ResourceList::new(vec![infra, other], None), Layout::Files);
    let clash = out
        .results
        .iter()
        .find(|r| code_of(r) == "VMS205")
        .expect("a folder clash");
    assert_eq!(clash.field.as_ref().unwrap().path, "spec.directory");
}

#[test]
fn output_of_an_intent_that_is_gone_is_kept_with_a_warning() {
    let first = function::process(kpt_input("examples/seed/apps"), Layout::Files);
    let leftovers: Vec<Value> = first.items[2..].to_vec();
    let mut items = vec![first.items[0].clone()];
    items.extend(leftovers.clone());
    let out = function::process(ResourceList::new(items.clone(), None), Layout::Files);
    assert!(!out.has_errors());
    assert_eq!(
        out.items, items,
        "vmstack never deletes what it cannot account for"
    );
    let warnings: Vec<_> = out
        .results
        .iter()
        .filter(|r| code_of(r) == "VMS302")
        .collect();
    assert_eq!(
        warnings.len(),
        leftovers.len(),
        "one warning per orphaned object"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.severity == vmstack::krm::Severity::Warning)
    );
}

#[test]
fn settings_keys_flux_refuses_fail_and_partly_missing_settings_are_warned_about() {
    let intent = read_yaml(&root().join("examples/seed/apps/vmstack.yaml"));
    let settings = read_yaml(&root().join("examples/seed/apps/cluster-settings.yaml"));
    let mut bad_key = settings.clone();
    bad_key["data"]["1NOT-A-NAME"] = json!("x");
    let out = function::process(
        ResourceList::new(vec![intent.clone(), bad_key], Some(intent.clone())),
        Layout::Files,
    );
    // Flux refuses the key and with it every object of the Kustomization.
    let codes: Vec<&str> = out.results.iter().map(code_of).collect();
    assert_eq!(codes, ["VMS406"], "{:?}", out.results);
    let e = &out.results[0];
    assert!(e.is_error());
    assert!(e.message.contains("\"1NOT-A-NAME\""), "{}", e.message);
    assert_eq!(e.resource_ref.as_ref().unwrap().name, "cluster-settings");
    assert_eq!(e.field.as_ref().unwrap().path, "data.1NOT-A-NAME");

    let mut two_sources = intent.clone();
    two_sources["spec"]["flux"]["substituteFrom"] = json!(["cluster-settings", "more-settings"]);
    let out = function::process(
        ResourceList::new(vec![two_sources.clone(), settings], Some(two_sources)),
        Layout::Files,
    );
    let w = out
        .results
        .iter()
        .find(|r| code_of(r) == "VMS404")
        .expect("a warning");
    assert!(w.message.contains("more-settings"), "{}", w.message);
    assert!(!out.has_errors(), "nothing checked, nothing failed");
}
