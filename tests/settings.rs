//! Flux variables against the cluster settings: undefined ones, values that do not fit, endpoints
//! that name no Service, and substitution at render time that equals Flux's.

mod common;

use common::fixtures::{problems, read_yaml, repo};
use serde_json::{Value, json};
use vmstack::flux::pipeline::{self, Outcome, Skip, Substitution};
use vmstack::function::{self, Layout, variable_style};
use vmstack::krm::{ResourceList, yaml};

fn infra() -> Value {
    read_yaml(&repo("examples/seed/infra/vmstack.yaml"))
}

fn apps() -> Value {
    read_yaml(&repo("examples/seed/apps/vmstack.yaml"))
}

fn settings(name: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "flux-system"}, "data": data})
}

fn infra_settings() -> Value {
    read_yaml(&repo("examples/seed/infra/cluster-settings.yaml"))
}

fn run(items: Vec<Value>, config: Option<Value>) -> ResourceList {
    function::process(ResourceList::new(items, config), Layout::Files)
}

/// Code and field of each result, capacity advice aside.
fn codes(rl: &ResourceList) -> Vec<(String, String)> {
    problems(&rl.results)
        .into_iter()
        .map(|r| {
            (
                r.tags.get("code").cloned().unwrap_or_default(),
                r.field.as_ref().map(|f| f.path.clone()).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn complete_settings_pass() {
    let intent = infra();
    let out = run(vec![intent.clone(), infra_settings()], Some(intent));
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    let apps = apps();
    let apps_settings = read_yaml(&repo("examples/seed/apps/cluster-settings.yaml"));
    let out = run(vec![apps.clone(), apps_settings], Some(apps));
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
}

#[test]
fn an_undefined_variable_fails_naming_it_and_where_it_is_used() {
    let mut cm = infra_settings();
    cm["data"]
        .as_object_mut()
        .unwrap()
        .remove("VM_STORAGE_SIZE");
    let intent = infra();
    let input = vec![intent.clone(), cm];
    let out = run(input.clone(), Some(intent));
    assert!(out.has_errors());
    assert_eq!(out.items, input, "nothing is generated when a check fails");
    let error = out
        .results
        .iter()
        .find(|r| r.tags["code"] == "VMS400")
        .expect("a VMS400 result");
    assert!(
        error.message.contains("VM_STORAGE_SIZE"),
        "{}",
        error.message
    );
    assert_eq!(error.resource_ref.as_ref().unwrap().kind, "HelmRelease");
    assert_eq!(
        error.field.as_ref().unwrap().path,
        "spec.values.vmcluster.spec.vmstorage.storage.volumeClaimTemplate.spec.resources.requests.storage"
    );
    assert_eq!(error.file.as_ref().unwrap().path, "global/helmrelease.yaml");
    let summaries: Vec<_> = out
        .results
        .iter()
        .filter(|r| r.tags["code"] == "VMS401")
        .collect();
    assert_eq!(summaries.len(), 1, "missing keys are listed once");
    assert!(summaries[0].message.contains("VM_STORAGE_SIZE"));
}

#[test]
fn the_missing_keys_come_with_the_values_the_global_intent_knows() {
    // Both clusters' intents in one input; the global one reads its own settings.
    let mut infra = infra();
    infra["spec"]["flux"]["substituteFrom"] = json!(["infra-settings"]);
    let mut infra_cm = infra_settings();
    infra_cm["metadata"]["name"] = json!("infra-settings");
    let apps_cm = settings("cluster-settings", json!({"CLUSTER": "apps"}));
    let out = run(vec![infra, apps(), infra_cm, apps_cm], None);
    let summary = out
        .results
        .iter()
        .find(|r| r.tags["code"] == "VMS401")
        .expect("a summary");
    assert!(
        summary.message.contains(
            "GLOBAL_VM_INSERT_ENDPOINT: http://vminsert-victoria-metrics-global.observability.svc.cluster.local:8480"
        ),
        "{}",
        summary.message
    );
}

#[test]
fn the_seeds_endpoint_values_name_services_that_do_not_exist() {
    let mut infra = infra();
    infra["spec"]["flux"]["substituteFrom"] = json!(["infra-settings"]);
    let mut infra_cm = infra_settings();
    infra_cm["metadata"]["name"] = json!("infra-settings");
    // The seed's T10 values for the apps cluster.
    let apps_cm = settings(
        "cluster-settings",
        json!({
            "GLOBAL_VM_INSERT_ENDPOINT": "http://vminsert-victoria-metrics-global-vmcluster.observability.svc.infra.cluster.local:8480",
            "CLUSTER": "apps",
        }),
    );
    let out = run(vec![infra, apps(), infra_cm, apps_cm], None);
    let found = codes(&out);
    assert!(
        found.contains(&("VMS403".into(), "spec.remoteWrite.url".into())),
        "{found:?}"
    );
    let r = out
        .results
        .iter()
        .find(|r| r.tags["code"] == "VMS403")
        .unwrap();
    assert!(
        r.message
            .contains("vminsert-victoria-metrics-global-vmcluster"),
        "{}",
        r.message
    );
    assert!(
        r.message.contains(
            "http://vminsert-victoria-metrics-global.observability.svc.cluster.local:8480"
        ),
        "the message names the real endpoint: {}",
        r.message
    );
    assert_eq!(r.resource_ref.as_ref().unwrap().name, "victoria-metrics");
}

#[test]
fn values_must_fit_the_field_they_fill() {
    let mut cm = infra_settings();
    cm["data"]["VM_STORAGE_SIZE"] = json!("50GB");
    cm["data"]["VM_RETENTION_PERIOD"] = json!("thirty days");
    let intent = infra();
    let out = run(vec![intent.clone(), cm], Some(intent));
    let found = codes(&out);
    assert!(
        found.contains(&("VMS402".into(), "spec.vmstorage.size".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("VMS402".into(), "spec.retention".into())),
        "{found:?}"
    );
}

#[test]
fn absent_settings_mean_no_check_and_substitution_needs_them() {
    let intent = infra();
    let out = run(vec![intent.clone()], Some(intent.clone()));
    assert!(
        problems(&out.results).is_empty(),
        "without settings there is nothing to check against"
    );
    let mut substituting = intent;
    substituting["spec"]["flux"]["substitute"] = json!(true);
    let out = run(vec![substituting.clone()], Some(substituting));
    assert_eq!(
        codes(&out),
        [("VMS405".to_string(), "spec.flux.substitute".to_string())]
    );
}

fn generated(items: &[Value]) -> Vec<Value> {
    items
        .iter()
        .filter(|i| variable_style(i).is_some())
        .cloned()
        .collect()
}

#[test]
fn substitution_at_render_time_equals_fluxs() {
    let plain = {
        let intent = infra();
        run(vec![intent.clone(), infra_settings()], Some(intent))
    };
    let mut intent = infra();
    intent["spec"]["flux"]["substitute"] = json!(true);
    let substituted = run(vec![intent.clone(), infra_settings()], Some(intent));
    assert!(
        problems(&substituted.results).is_empty(),
        "{:?}",
        substituted.results
    );

    let values: std::collections::BTreeMap<String, String> = infra_settings()["data"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let ours = generated(&substituted.items);
    let by_flux: Vec<Value> = generated(&plain.items)
        .into_iter()
        .map(|obj| {
            if obj["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1" {
                return obj; // substituted by its parent, not by its own Kustomization
            }
            // Flux's own pipeline: the object written again by go-yaml v2, substituted, read
            // back as YAML 1.1.
            match pipeline::substitute_object(&obj, &Substitution::new(&values)).unwrap() {
                Outcome::Substituted { object, .. } => object,
                // The dashboard's Grafana variables are kept from Flux by its marker.
                Outcome::Skipped(Skip::Disabled) => obj,
                Outcome::Skipped(why) => panic!("{why:?}"),
            }
        })
        .collect();
    assert_eq!(ours.len(), by_flux.len());
    for (a, b) in ours.iter().zip(&by_flux) {
        assert_eq!(a, b, "{} {}", a["kind"], a["metadata"]["name"]);
    }
    let text = function::to_stream(&ours);
    let leftover: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("${") && !l.contains("$${") && !l.contains("path:"))
        .collect();
    assert!(leftover.is_empty(), "variables left: {leftover:?}");
    let hr = ours.iter().find(|o| o["kind"] == "HelmRelease").unwrap();
    assert_eq!(
        hr["spec"]["values"]["vmcluster"]["spec"]["retentionPeriod"],
        "30d"
    );
    assert_eq!(
        hr["spec"]["values"]["vmcluster"]["spec"]["vmstorage"]["storage"]["volumeClaimTemplate"]["spec"]
            ["storageClassName"],
        "ceph-block"
    );
}

#[test]
fn numbers_and_strings_keep_their_types_through_substitution() {
    let intent = read_yaml(&repo("tests/fixtures/good/global-variables/intent.yaml"));
    let mut intent = intent;
    intent["spec"]["flux"]["substitute"] = json!(true);
    let cm = settings(
        "cluster-settings",
        json!({
            "CLUSTER": "1", "VM_REPLICATION_FACTOR": "2", "BLOCK_SC": "ceph", "VM_STORAGE_REPLICAS": "3",
            "VM_STORAGE_SIZE": "50Gi", "VM_STORAGE_MEMORY": "4Gi", "VM_MAX_POINTS": "30000",
            "VM_RETENTION_PERIOD": "1",
        }),
    );
    let out = run(vec![intent.clone(), cm], Some(intent));
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    let hr = out
        .items
        .iter()
        .find(|o| o["kind"] == "HelmRelease")
        .unwrap();
    let cluster = &hr["spec"]["values"]["vmcluster"]["spec"];
    assert_eq!(
        cluster["replicationFactor"],
        json!(2),
        "a number field gets a number"
    );
    assert_eq!(cluster["vmstorage"]["replicaCount"], json!(3));
    assert_eq!(
        cluster["retentionPeriod"],
        json!("1"),
        "a string field keeps a number-looking string"
    );
    assert_eq!(
        cluster["vmselect"]["extraArgs"]["search.maxPointsPerTimeseries"],
        json!("30000")
    );
    assert_eq!(
        hr["spec"]["values"]["vmagent"]["spec"]["externalLabels"]["cluster"],
        json!("1")
    );
    let pdb = out
        .items
        .iter()
        .find(|o| {
            o["kind"] == "PodDisruptionBudget" && o["metadata"]["name"] == "vmstorage-vm-global"
        })
        .unwrap();
    assert_eq!(
        pdb["spec"]["maxUnavailable"],
        json!(1),
        "the default of ${{…:=1}} applies"
    );
}

#[test]
fn text_escaped_for_flux_survives_substitution() {
    let mut intent = infra();
    intent["spec"]["rules"]["groups"][0]["rules"][1]["annotations"]["runbook"] =
        json!("https://runbooks.example.com/$${alertname}");
    intent["spec"]["flux"]["substitute"] = json!(true);
    let out = run(vec![intent.clone(), infra_settings()], Some(intent));
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    let rules = out
        .items
        .iter()
        .find(|o| {
            o["kind"] == "VMRule"
                && o["metadata"]["name"] == "victoria-metrics-global-vmstack-rules"
        })
        .unwrap();
    assert_eq!(
        rules["spec"]["groups"][0]["rules"][1]["annotations"]["runbook"],
        "https://runbooks.example.com/${alertname}"
    );
}

fn vmstack(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmstack"))
        .args(args)
        .current_dir(repo(""))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_render_command_checks_and_substitutes() {
    let intent = "examples/seed/infra/vmstack.yaml";
    let settings = "examples/seed/infra/cluster-settings.yaml";
    let (code, stdout, stderr) =
        vmstack(&["render", "--substitute", "--settings", settings, intent]);
    assert_eq!(code, 0, "{stderr}");
    let docs = yaml::parse_documents(&stdout).unwrap();
    assert!(docs.iter().any(|d| d["kind"] == "HelmRelease"));
    assert!(docs.iter().all(
        |d| d["kind"] != "VictoriaMetricsStack" && d["kind"] != "ConfigMap"
            || d["metadata"]["name"] != "cluster-settings"
    ));
    assert!(!stdout.contains("${"), "every variable substituted");

    let (code, stdout, _) = vmstack(&["render", "--settings", settings, intent]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\"${VM_STORAGE_SIZE}\""),
        "without --substitute the variables stay, quoted"
    );

    let (code, stdout, stderr) = vmstack(&["render", "--substitute", intent]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("VMS405"), "{stderr}");

    let (code, _, stderr) = vmstack(&["render", "--settings"]);
    assert_eq!(code, 2, "a usage error");
    assert!(stderr.contains("--settings <FILE>"), "{stderr}");
}

#[test]
fn substituting_is_an_option_of_the_run_not_an_edit_of_the_intent() {
    let intent = infra();
    let options = function::Options {
        layout: Layout::Files,
        substitute: true,
    };
    let out = function::process(
        ResourceList::new(vec![intent.clone(), infra_settings()], None),
        options,
    );
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    let generated: Vec<&Value> = out
        .items
        .iter()
        .filter(|i| variable_style(i).is_some() && i["kind"] != "Kustomization")
        .collect();
    assert!(!generated.is_empty());
    assert!(
        generated.iter().all(|g| !yaml::to_yaml(g).contains("${")),
        "every variable substituted"
    );
    let echoed = out
        .items
        .iter()
        .find(|i| i["kind"] == "VictoriaMetricsStack")
        .unwrap();
    assert_eq!(
        echoed["spec"], intent["spec"],
        "the intent itself is left as it was"
    );

    // The binary used to write the flag into the intent, which panicked on a flux that is not a
    // mapping: now that is an ordinary error.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vmstack.yaml");
    let mut bad = intent.clone();
    bad["spec"]["flux"] = json!("on");
    std::fs::write(&file, yaml::to_yaml(&bad)).unwrap();
    let (code, stdout, stderr) = vmstack(&["render", "--substitute", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("VMS101") && stderr.contains("spec.flux"),
        "{stderr}"
    );
}

#[test]
fn the_variable_inventory_names_object_field_and_substituter() {
    let (code, stdout, stderr) =
        vmstack(&["render", "--variables", "examples/seed/infra/vmstack.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("VM_STORAGE_SIZE\t"))
        .unwrap_or_else(|| panic!("{stdout}"));
    let cells: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        cells[1],
        "HelmRelease/observability/victoria-metrics-global"
    );
    assert_eq!(
        cells[2],
        "spec.values.vmcluster.spec.vmstorage.storage.volumeClaimTemplate.spec.resources.requests.storage"
    );
    assert_eq!(
        cells[3],
        "Kustomization flux-system/observability-victoria-metrics-global"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("OBSERVABILITY_GRAFANA_SECRET_PATH\tExternalSecret/"))
    );
}
