//! `vmstack render --substitute` against what Flux would apply. For every example (and the
//! fixture with number fields), with settings that hold number-like and boolean-like values,
//! the output equals Flux's own pipeline run on the unsubstituted output, or the run fails with
//! a type-drift result (VMS407) for exactly the fields whose type Flux changes. And the three
//! hostile inputs of issue 9 fail with a result, through the CLI, with and without
//! `--substitute`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::fixtures::{read_yaml, repo};
use serde_json::{Value, json};
use vmstack::flux::pipeline::{self, Outcome, Strategy, Substitution};
use vmstack::function::{self, Layout, Options, is_generated};
use vmstack::krm::{ResourceList, yaml};

/// Values Flux's YAML 1.1 re-reading turns into a number, a boolean, a number and null.
const ODD: [&str; 4] = ["1", "no", "1e3", "null"];

/// The JSON types the field a variable fills may have on the cluster: what the CRDs and the
/// chart take there (written here, not asked of vmstack). A variable inside a longer text makes
/// a string.
fn allowed(variable: &str) -> &'static [&'static str] {
    match variable {
        // Kubernetes quantities are int-or-string.
        "VM_STORAGE_SIZE" | "VM_STORAGE_MEMORY" => &["string", "number"],
        "VM_REPLICATION_FACTOR" | "VM_STORAGE_REPLICAS" | "VM_STORAGE_MAX_UNAVAILABLE" => {
            &["number"]
        }
        _ => &["string"],
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

fn settings(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cluster-settings", "namespace": "flux-system"}, "data": data})
}

/// Each example with settings whose values fit every field.
fn examples() -> Vec<(&'static str, Value, Value)> {
    let example = |dir: &'static str| {
        let intent = read_yaml(&repo(&format!("{dir}/vmstack.yaml")));
        let cm = repo(&format!("{dir}/cluster-settings.yaml"));
        let settings = if cm.exists() {
            read_yaml(&cm)
        } else {
            settings(json!({"UNUSED": "x"}))
        };
        (dir, intent, settings)
    };
    vec![
        example("examples/seed/infra"),
        example("examples/seed/apps"),
        example("examples/clustermesh/infra"),
        example("examples/clustermesh/apps"),
        example("examples/kustomize"),
        (
            "tests/fixtures/good/global-variables",
            read_yaml(&repo("tests/fixtures/good/global-variables/intent.yaml")),
            settings(json!({
                "CLUSTER": "edge", "VM_REPLICATION_FACTOR": "2", "BLOCK_SC": "ceph",
                "VM_STORAGE_REPLICAS": "3", "VM_STORAGE_SIZE": "50Gi", "VM_STORAGE_MEMORY": "4Gi",
                "VM_MAX_POINTS": "'30000'", "VM_RETENTION_PERIOD": "30d",
            })),
        ),
    ]
}

fn process(items: Vec<Value>, substitute: bool) -> ResourceList {
    let options = Options {
        layout: Layout::Stream,
        substitute,
        text_from: None,
    };
    function::process(ResourceList::new(items, None), options)
}

fn values_of(settings: &Value) -> BTreeMap<String, String> {
    settings["data"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn is_kustomization(o: &Value) -> bool {
    o["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1"
}

/// Every string field of an object with its path, as vmstack's results name fields.
fn strings(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    let mut all = Vec::new();
    every_value(v, path, &mut all);
    out.extend(
        all.into_iter()
            .filter_map(|(p, v)| v.as_str().map(|s| (p, s.to_string()))),
    );
}

/// The value at a path of `strings`, found by walking the object the same way (keys may hold
/// dots, so the path cannot be split).
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut all = Vec::new();
    every_value(v, "", &mut all);
    all.into_iter().find(|(p, _)| p == path).map(|(_, v)| v)
}

fn every_value<'a>(v: &'a Value, path: &str, out: &mut Vec<(String, &'a Value)>) {
    out.push((path.to_string(), v));
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                every_value(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                every_value(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The variable a text is, when it is one variable and nothing else (`${A}`, `${A:=x}`).
fn whole_variable(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    if inner.contains("${") {
        return None;
    }
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let rest = &inner[name_end..];
    let default = [":-", ":=", "=", ":+", ":?"]
        .iter()
        .any(|op| rest.starts_with(op));
    (rest.is_empty() || default).then(|| &inner[..name_end])
}

type FieldId = (String, String, String);

/// What Flux applies from vmstack's unsubstituted output, and the fields whose type it makes
/// other than the table allows.
fn as_flux_applies(
    plain: &[Value],
    values: &BTreeMap<String, String>,
) -> (Vec<Value>, BTreeSet<FieldId>) {
    let ks = plain.iter().find(|o| is_kustomization(o));
    let post_build = ks.and_then(|k| k["spec"].get("postBuild"));
    let mut s = Substitution::new(values);
    if post_build.is_some_and(|p| p["substituteStrategy"] == "Always") {
        s.strategy = Strategy::Always;
    }
    let mut drifted = BTreeSet::new();
    let mut applied = Vec::new();
    for obj in plain {
        if is_kustomization(obj) || post_build.is_none() {
            let mut obj = obj.clone();
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("postBuild");
            }
            applied.push(obj);
            continue;
        }
        let done = match pipeline::substitute_object(obj, &s).unwrap() {
            Outcome::Substituted { object, .. } => object,
            Outcome::Skipped(_) => {
                applied.push(obj.clone());
                continue;
            }
        };
        let mut fields = Vec::new();
        strings(obj, "", &mut fields);
        for (path, text) in fields.into_iter().filter(|(_, t)| t.contains("${")) {
            let may = whole_variable(&text).map_or(&["string"][..], allowed);
            let got = at(&done, &path).map_or("absent", type_name);
            if !may.contains(&got) {
                drifted.insert((
                    obj["kind"].as_str().unwrap().to_string(),
                    obj["metadata"]["name"].as_str().unwrap().to_string(),
                    path,
                ));
            }
        }
        applied.push(done);
    }
    (applied, drifted)
}

fn drift_results(rl: &ResourceList) -> BTreeSet<FieldId> {
    rl.results
        .iter()
        .filter(|r| r.tags.get("code").map(String::as_str) == Some("VMS407"))
        .map(|r| {
            let o = r.resource_ref.as_ref().unwrap();
            (
                o.kind.clone(),
                o.name.clone(),
                r.field.as_ref().unwrap().path.clone(),
            )
        })
        .collect()
}

#[test]
fn substituted_output_is_what_flux_applies_or_a_type_drift_error() {
    let mut checked = 0;
    let mut drifting = 0;
    // The capacity VMRule's thresholds are computed at render time from the settings in the
    // input, not substituted by Flux: it is left out of the comparison.
    let substituted_by_flux = |v: &Value| {
        is_generated(v)
            && !v["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.ends_with("-vmstack-capacity"))
    };
    for (name, intent, base) in examples() {
        let plain: Vec<Value> = process(vec![intent.clone()], false)
            .items
            .into_iter()
            .filter(substituted_by_flux)
            .collect();
        assert!(!plain.is_empty(), "{name}");
        let keys: Vec<String> = values_of(&base).into_keys().collect();
        for key in &keys {
            for odd in ODD {
                let mut settings = base.clone();
                settings["data"][key] = json!(odd);
                let case = format!("{name} with {key}={odd}");
                let values = values_of(&settings);
                let (by_flux, drifted) = as_flux_applies(&plain, &values);
                let out = process(vec![intent.clone(), settings], true);
                checked += 1;
                if !out.has_errors() {
                    assert!(drifted.is_empty(), "{case}: Flux changes {drifted:?}");
                    let ours: Vec<Value> =
                        out.items.into_iter().filter(substituted_by_flux).collect();
                    assert_eq!(ours, by_flux, "{case}");
                    continue;
                }
                assert_eq!(drift_results(&out), drifted, "{case}: {:?}", out.results);
                if drifted.is_empty() {
                    // Then a value does not fit its field at all.
                    assert!(
                        out.results.iter().all(|r| !r.is_error()
                            || ["VMS402", "VMS403"].contains(&r.tags["code"].as_str())),
                        "{case}: {:?}",
                        out.results
                    );
                } else {
                    drifting += 1;
                }
            }
        }
    }
    assert!(checked > 40, "{checked} cases");
    assert!(
        drifting > 10,
        "only {drifting} cases drift: the sweep lost its teeth"
    );
}

fn vmstack_cli(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmstack"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_render_command_gives_what_flux_applies_or_fails_on_drift() {
    let dir = tempfile::tempdir().unwrap();
    let intent = repo("examples/seed/apps/vmstack.yaml");
    let base = read_yaml(&repo("examples/seed/apps/cluster-settings.yaml"));
    for (cluster, drifts) in [("'1'", false), ("1", true), ("no", true), ("edge", false)] {
        let mut cm = base.clone();
        cm["data"]["CLUSTER"] = json!(cluster);
        let file = dir.path().join("settings.yaml");
        std::fs::write(&file, yaml::to_yaml(&cm)).unwrap();
        let args = [
            "render",
            "--substitute",
            "--settings",
            file.to_str().unwrap(),
            intent.to_str().unwrap(),
        ];
        let (code, stdout, stderr) = vmstack_cli(&args, dir.path());
        if drifts {
            assert_eq!(code, 1, "CLUSTER={cluster}: {stderr}");
            assert!(stdout.is_empty());
            assert!(
                stderr.contains("error[VMS407]")
                    && stderr.contains("spec.values.vmagent.spec.externalLabels.cluster"),
                "{stderr}"
            );
            continue;
        }
        assert_eq!(code, 0, "CLUSTER={cluster}: {stderr}");
        let ours = yaml::parse_documents(&stdout).unwrap();
        let plain: Vec<Value> = process(vec![read_yaml(&intent)], false)
            .items
            .into_iter()
            .filter(is_generated)
            .collect();
        let (by_flux, drifted) = as_flux_applies(&plain, &values_of(&cm));
        assert!(drifted.is_empty());
        assert_eq!(ours, by_flux, "CLUSTER={cluster}");
        let hr = ours.iter().find(|o| o["kind"] == "HelmRelease").unwrap();
        let label = &hr["spec"]["values"]["vmagent"]["spec"]["externalLabels"]["cluster"];
        assert_eq!(label, &json!(cluster.trim_matches('\'')), "a string");
        let ks = ours.iter().find(|o| is_kustomization(o)).unwrap();
        assert!(
            ks["spec"].get("postBuild").is_none(),
            "substituted once: the Kustomization does not substitute again"
        );
    }
}

/// The hostile inputs: 13,000 nested `${A:=`, a 12-star pattern on a 40-character value, and
/// a replacement that would grow the text past vmstack's limit; each in a copy of the seed's
/// global intent, with the settings beside it.
fn hostile_cases() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    let infra = read_yaml(&repo("examples/seed/infra/vmstack.yaml"));
    let depth = 13_000;
    let nested = format!("{}x{}", "${A:=".repeat(depth), "}".repeat(depth));
    let mut in_values = infra.clone();
    in_values["spec"]["values"] = json!({"vmalert": {"spec": {"extraArgs": {"note": nested}}}});
    let mut in_field = infra.clone();
    in_field["spec"]["cluster"] = json!(nested);
    let mut stars = infra.clone();
    stars["spec"]["replicationFactor"] = json!(format!("${{A#{}b}}", "*a".repeat(12)));
    let mut growth = infra.clone();
    let a = "a".repeat(1000);
    growth["spec"]["values"] = json!({"vmalert": {"spec": {"extraArgs": {
        "note": format!("${{A//a/${{A//a/${{A//a/{a}}}}}}}"),
    }}}});
    vec![
        (
            "nested, in values",
            in_values,
            "error[VMS113] HelmRelease/observability/victoria-metrics-global spec.values.vmalert.spec.extraArgs.note",
            "nested",
        ),
        (
            "nested, in an intent field",
            in_field,
            "error[VMS113] VictoriaMetricsStack/observability/victoria-metrics-global spec.cluster",
            "nested",
        ),
        (
            "stars",
            stars,
            "error[VMS407] HelmRelease/observability/victoria-metrics-global spec.values.vmcluster.spec.replicationFactor",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
        (
            "growth",
            growth,
            "error[VMS408] HelmRelease/observability/victoria-metrics-global spec.values.vmalert.spec.extraArgs.note",
            "vmstack's limit",
        ),
    ]
}

#[test]
fn hostile_inputs_fail_with_a_result_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.yaml");
    for (name, intent, result, detail) in hostile_cases() {
        // A 40-character value for the pattern, a 1000-character one to grow.
        let a = if name == "growth" { 1000 } else { 40 };
        let mut cm = read_yaml(&repo("examples/seed/infra/cluster-settings.yaml"));
        cm["data"]["A"] = json!("a".repeat(a));
        std::fs::write(&settings, yaml::to_yaml(&cm)).unwrap();
        let file = dir.path().join("vmstack.yaml");
        std::fs::write(&file, yaml::to_yaml(&intent)).unwrap();
        for substitute in [false, true] {
            let mut args = vec!["render", "--settings", settings.to_str().unwrap()];
            if substitute {
                args.push("--substitute");
            }
            args.push(file.to_str().unwrap());
            let (code, stdout, stderr) = vmstack_cli(&args, dir.path());
            let case = format!("{name}, --substitute {substitute}");
            assert_eq!(code, 1, "{case}: {stderr}");
            assert!(stdout.is_empty(), "{case}");
            // `error[CODE] Kind/namespace/name field`: the terminal report shows the code first,
            // then the object and the field on lines of their own.
            let (code_tag, rest) = result.split_once(' ').unwrap();
            let (_, field) = rest.split_once(' ').unwrap();
            let at = stderr
                .find(&format!("{code_tag}:"))
                .unwrap_or_else(|| panic!("{case}: no {code_tag} in {stderr}"));
            let report = &stderr[at..];
            assert!(report.contains(detail), "{case}: {report}");
            assert!(report.contains(field), "{case}: no {field} in {report}");
        }
    }
}
