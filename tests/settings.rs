//! Flux variables against the cluster settings: undefined ones, values that do not fit, endpoints
//! that name no Service, and substitution at render time that equals Flux's.

mod common;

use common::fixtures::{problems, read_yaml, repo};
use serde_json::{Value, json};
use vmstack::flux::pipeline::{self, Outcome, Skip, Substitution};
use vmstack::function::{self, Layout, is_generated};
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

/// The codes and paths of the results, capacity advice set aside.
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
    items.iter().filter(|i| is_generated(i)).cloned().collect()
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
        .map(|mut obj| {
            if obj["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1" {
                // Substituted by its parent, not by itself; and it must not substitute the
                // finished objects again.
                obj["spec"].as_object_mut().unwrap().remove("postBuild");
                return obj;
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

fn global_variables(data: Value) -> ResourceList {
    let mut intent = read_yaml(&repo("tests/fixtures/good/global-variables/intent.yaml"));
    intent["spec"]["flux"]["substitute"] = json!(true);
    run(
        vec![intent.clone(), settings("cluster-settings", data)],
        Some(intent),
    )
}

#[test]
fn number_fields_get_numbers_and_string_fields_keep_strings_only_as_flux_allows() {
    // Quoted YAML strings in the settings are the one way to keep a number-like string a string
    // through Flux's re-typing.
    let out = global_variables(json!({
        "CLUSTER": "'1'", "VM_REPLICATION_FACTOR": "2", "BLOCK_SC": "ceph", "VM_STORAGE_REPLICAS": "3",
        "VM_STORAGE_SIZE": "50Gi", "VM_STORAGE_MEMORY": "4Gi", "VM_MAX_POINTS": "'30000'",
        "VM_RETENTION_PERIOD": "'1'",
    }));
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
    assert_eq!(cluster["retentionPeriod"], json!("1"));
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
fn a_value_flux_would_retype_is_a_type_drift_error() {
    // The same values unquoted: Flux makes numbers of them, whatever vmstack's output quotes.
    let out = global_variables(json!({
        "CLUSTER": "1", "VM_REPLICATION_FACTOR": "2", "BLOCK_SC": "ceph", "VM_STORAGE_REPLICAS": "'3'",
        "VM_STORAGE_SIZE": "1e3", "VM_STORAGE_MEMORY": "4Gi", "VM_MAX_POINTS": "30000",
        "VM_RETENTION_PERIOD": "no",
    }));
    assert!(out.has_errors());
    let mut drifts: Vec<(String, String)> = out
        .results
        .iter()
        .filter(|r| r.tags["code"] == "VMS407")
        .map(|r| {
            (
                r.resource_ref.as_ref().unwrap().kind.clone(),
                r.field.as_ref().unwrap().path.clone(),
            )
        })
        .collect();
    drifts.sort();
    let hr = |p: &str| ("HelmRelease".to_string(), format!("spec.values.{p}"));
    assert_eq!(
        drifts,
        [
            hr("vmagent.spec.externalLabels.cluster"),
            hr("vmcluster.spec.retentionPeriod"),
            hr("vmcluster.spec.vmselect.extraArgs.search.maxPointsPerTimeseries"),
            hr("vmcluster.spec.vmstorage.replicaCount"),
        ],
        "a quantity may be a number ({:?})",
        out.results
    );
    let cluster = out
        .results
        .iter()
        .find(|r| {
            r.field
                .as_ref()
                .unwrap()
                .path
                .ends_with("externalLabels.cluster")
        })
        .unwrap();
    for part in [
        "is a string field",
        "CLUSTER=\"1\"",
        "makes it the number 1",
        "CLUSTER: \"'1'\"",
    ] {
        assert!(
            cluster.message.contains(part),
            "{part}: {}",
            cluster.message
        );
    }
    let replicas = out
        .results
        .iter()
        .find(|r| r.field.as_ref().unwrap().path.ends_with("replicaCount"))
        .unwrap();
    assert!(
        replicas.message.contains("is a number field")
            && replicas.message.contains("the string \"3\""),
        "{}",
        replicas.message
    );
    assert_eq!(
        replicas.field.as_ref().unwrap().current_value,
        Some(json!("${VM_STORAGE_REPLICAS}"))
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
    let ks = out
        .items
        .iter()
        .find(|o| {
            o["kind"] == "Kustomization" && o["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1"
        })
        .unwrap();
    assert!(
        ks["spec"].get("postBuild").is_none(),
        "Flux must not read the spent escape again: ${{alertname}} would be a strict-mode failure"
    );
}

fn kustomization(items: &[Value]) -> &Value {
    items
        .iter()
        .find(|o| o["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1")
        .expect("a Flux Kustomization")
}

#[test]
fn settings_without_any_variable_leave_every_reference_as_text() {
    let intent = apps();
    let empty = settings("cluster-settings", json!({}));
    let out = run(vec![intent.clone(), empty.clone()], Some(intent.clone()));
    let found = codes(&out);
    assert!(
        found.contains(&(
            "VMS409".into(),
            "spec.values.vmagent.spec.externalLabels.cluster".into()
        )),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(c, _)| c == "VMS409"),
        "nothing else: Flux does not even try ({found:?})"
    );

    // With `Always`, Flux substitutes anyway: strict mode fails on each undefined variable.
    let mut always = intent;
    always["spec"]["flux"]["substituteStrategy"] = json!("Always");
    let out = run(vec![always.clone(), empty], Some(always.clone()));
    let found = codes(&out);
    assert!(
        found.contains(&(
            "VMS400".into(),
            "spec.values.vmagent.spec.externalLabels.cluster".into()
        )),
        "{found:?}"
    );
    assert!(!found.iter().any(|(c, _)| c == "VMS409"));
    let out = run(vec![always.clone()], Some(always));
    assert_eq!(
        kustomization(&out.items)["spec"]["postBuild"]["substituteStrategy"],
        "Always"
    );
}

#[test]
fn the_kustomization_substitutes_only_where_there_is_something_to_substitute() {
    let plain = |intent: Value| run(vec![intent.clone()], Some(intent)).items;
    // No variable anywhere: no dependency on a cluster-settings ConfigMap.
    let clustermesh = read_yaml(&repo("examples/clustermesh/infra/vmstack.yaml"));
    let items = plain(clustermesh.clone());
    assert!(kustomization(&items)["spec"].get("postBuild").is_none());
    // …unless the intent names the sources itself.
    let mut named = clustermesh.clone();
    named["spec"]["flux"]["substituteFrom"] = json!(["cluster-settings"]);
    let items = plain(named);
    assert_eq!(
        kustomization(&items)["spec"]["postBuild"],
        json!({"substituteFrom": [{"kind": "ConfigMap", "name": "cluster-settings"}]})
    );
    // A `$${…}` escape needs Flux too.
    let mut escaped = clustermesh.clone();
    escaped["spec"]["rules"] = json!({"groups": [{"name": "g", "rules": [
        {"alert": "A", "expr": "up == 0", "annotations": {"runbook": "https://x/$${alertname}"}},
    ]}]});
    assert!(
        kustomization(&plain(escaped))["spec"]
            .get("postBuild")
            .is_some()
    );
    // Substituting at render time needs no settings when there is nothing to substitute.
    let options = function::Options {
        layout: Layout::Files,
        substitute: true,
        text_from: None,
    };
    let out = function::process(ResourceList::new(vec![clustermesh], None), options);
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
}

#[test]
fn optional_sources_get_the_always_strategy_so_defaults_apply_when_they_are_missing() {
    let mut intent = apps();
    intent["spec"]["flux"]["substituteFrom"] =
        json!([{"name": "cluster-settings", "optional": true}]);
    let items = run(vec![intent.clone()], Some(intent.clone())).items;
    assert_eq!(
        kustomization(&items)["spec"]["postBuild"],
        json!({
            "substituteFrom": [{"kind": "ConfigMap", "name": "cluster-settings", "optional": true}],
            "substituteStrategy": "Always",
        })
    );
    // The intent's own choice wins.
    intent["spec"]["flux"]["substituteStrategy"] = json!("WithVariables");
    let items = run(vec![intent.clone()], Some(intent)).items;
    assert_eq!(
        kustomization(&items)["spec"]["postBuild"]["substituteStrategy"],
        "WithVariables"
    );
}

#[test]
fn line_breaks_in_values_are_removed_as_flux_removes_them() {
    let mut intent = apps();
    intent["spec"]["flux"]["substitute"] = json!(true);
    let mut cm = read_yaml(&repo("examples/seed/apps/cluster-settings.yaml"));
    cm["data"]["CLUSTER"] = json!("ap\nps");
    let out = run(vec![intent.clone(), cm], Some(intent));
    assert!(!out.has_errors(), "{:?}", out.results);
    let warning = out
        .results
        .iter()
        .find(|r| r.tags["code"] == "VMS404")
        .expect("a warning");
    assert!(warning.message.contains("CLUSTER"), "{}", warning.message);
    let hr = out
        .items
        .iter()
        .find(|o| o["kind"] == "HelmRelease")
        .unwrap();
    assert_eq!(
        hr["spec"]["values"]["vmagent"]["spec"]["externalLabels"]["cluster"],
        "apps"
    );
}

#[test]
fn a_malformed_reference_in_values_is_reported_without_settings() {
    let mut intent = infra();
    intent["spec"]["values"] = json!({"vmalert": {"spec": {"extraArgs": {"note": "${A-x}"}}}});
    let out = run(vec![intent.clone()], Some(intent));
    assert_eq!(
        codes(&out),
        [(
            "VMS113".to_string(),
            "spec.values.vmalert.spec.extraArgs.note".to_string()
        )]
    );
    let r = problems(&out.results)[0];
    assert_eq!(r.resource_ref.as_ref().unwrap().kind, "HelmRelease");
    assert!(
        r.message.contains("missing closing brace")
            && r.message
                .contains("from the intent's spec.values.vmalert.spec.extraArgs.note"),
        "{}",
        r.message
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
        stdout.contains("storage: ${VM_STORAGE_SIZE}\n"),
        "without --substitute the variables stay, written as Flux sees them"
    );

    let (code, stdout, stderr) = vmstack(&["render", "--substitute", intent]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("VMS405"), "{stderr}");

    let (code, _, stderr) = vmstack(&["render", "--settings"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a value is required for '--settings"),
        "{stderr}"
    );
}

#[test]
fn substituting_is_an_option_of_the_run_not_an_edit_of_the_intent() {
    let intent = infra();
    let options = function::Options {
        layout: Layout::Files,
        substitute: true,
        text_from: None,
    };
    let out = function::process(
        ResourceList::new(vec![intent.clone(), infra_settings()], None),
        options,
    );
    assert!(problems(&out.results).is_empty(), "{:?}", out.results);
    let generated: Vec<&Value> = out
        .items
        .iter()
        .filter(|i| is_generated(i) && i["kind"] != "Kustomization")
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
