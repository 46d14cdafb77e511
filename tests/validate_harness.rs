//! Tests of the test harness itself: each one shows that the validator in `tests/common/validate.rs`
//! rejects a specific mistake (so a passing integration test means something), or accepts a valid
//! object it must not reject (so the other tests are not drowned in false alarms).
//!
//! Tests that need `../shared` skip loudly when it is missing, and fail under CI.

mod common;

use common::shared::{SharedFolder, decide_shared};
use common::validate::{
    CORE_KINDS, SKIPPED_KINDS, Validator, chart_values_problems, is_flux_var, is_quantity,
    is_round_trip_kind, render_problems, shared_validator,
};
use serde_json::{Value, json};

/// The shared validator, or return from the test (after `require_shared` has said so loudly).
macro_rules! validator_or_skip {
    () => {
        match shared_validator() {
            Some(v) => v,
            None => return,
        }
    };
}

#[track_caller]
fn assert_valid(v: &Validator, obj: &Value) {
    if let Err(errs) = v.validate(obj) {
        panic!("expected a valid object, got:\n{}", errs.join("\n"));
    }
}

/// Asserts the object is rejected and that some error mentions every one of `needles`.
#[track_caller]
fn assert_invalid(v: &Validator, obj: &Value, needles: &[&str]) -> Vec<String> {
    let errs = v
        .validate(obj)
        .expect_err("expected the validator to reject the object");
    assert!(
        errs.iter().any(|e| needles.iter().all(|n| e.contains(n))),
        "no error mentions all of {needles:?}; errors were:\n{}",
        errs.join("\n")
    );
    errs
}

fn helm_release() -> Value {
    json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {
            "name": "victoria-metrics-global",
            "namespace": "observability",
            "labels": {"app.kubernetes.io/managed-by": "vmstack"},
            "annotations": {"vmstack.dev/intent": "observability/victoria-metrics-global"}
        },
        "spec": {
            "interval": "30m",
            "releaseName": "victoria-metrics-global",
            "chartRef": {"kind": "OCIRepository", "name": "victoria-metrics-k8s-stack", "namespace": "flux-system"},
            "install": {"crds": "Skip"},
            "upgrade": {"crds": "Skip"},
            "values": {"vmsingle": {"enabled": false}, "vmcluster": {"enabled": true}}
        }
    })
}

fn oci_repository(tag: &str) -> Value {
    json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "OCIRepository",
        "metadata": {"name": "victoria-metrics-k8s-stack", "namespace": "flux-system"},
        "spec": {
            "interval": "1h",
            "url": "oci://ghcr.io/victoriametrics/helm-charts/victoria-metrics-k8s-stack",
            "ref": {"tag": tag},
            "layerSelector": {
                "mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                "operation": "copy"
            }
        }
    })
}

fn vm_rule() -> Value {
    json!({
        "apiVersion": "operator.victoriametrics.com/v1beta1",
        "kind": "VMRule",
        "metadata": {"name": "vmstack-health", "namespace": "observability"},
        "spec": {"groups": [{
            "name": "vmstack.health",
            "rules": [{
                "alert": "VMStorageDown",
                "expr": "up{job=~\"vmstorage-.*\"} == 0",
                "for": "5m",
                "labels": {"severity": "critical"},
                "annotations": {"summary": "vmstorage is down"}
            }]
        }]}
    })
}

fn network_policy() -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "vmstorage-ingress", "namespace": "observability"},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "vmstorage"}},
            "policyTypes": ["Ingress"],
            "ingress": [{
                "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "vminsert"}}}],
                "ports": [{"protocol": "TCP", "port": 8400}]
            }, {
                "from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app.kubernetes.io/name": "vmagent"}}}],
                "ports": [{"port": "http"}]
            }]
        }
    })
}

fn pdb(budget: (&str, Value)) -> Value {
    let mut spec = json!({"selector": {"matchLabels": {"app.kubernetes.io/name": "vmstorage"}}});
    spec[budget.0] = budget.1;
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "vmstorage", "namespace": "observability"},
        "spec": spec
    })
}

fn config_map() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cluster-settings", "namespace": "flux-system"},
        "data": {"VM_RETENTION_PERIOD": "30d", "replicas": "3"}
    })
}

fn chart_file(v: &Validator, version: &str) -> std::path::PathBuf {
    let f = v
        .chart_values_file(version)
        .expect("chart values in shared/chart");
    assert!(
        f.file_name().unwrap().to_string_lossy().contains(version),
        "expected the exact values file for {version}, got {}",
        f.display()
    );
    f
}

const CHART_VERSIONS: [&str; 2] = ["0.61.13", "0.91.2"];

// ----------------------------------------------------------------------------------------------
// The shared-folder rule
// ----------------------------------------------------------------------------------------------

#[test]
fn missing_shared_folder_skips_outside_ci() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-shared");
    match decide_shared(&missing, false, false) {
        Ok(SharedFolder::Missing(why)) => assert!(why.contains("not found"), "{why}"),
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn missing_shared_folder_fails_under_ci() {
    let dir = tempfile::tempdir().unwrap();
    let err = decide_shared(&dir.path().join("no-such-shared"), false, true).unwrap_err();
    assert!(err.contains("refusing to skip"), "{err}");
}

#[test]
fn explicit_shared_folder_that_is_missing_fails_even_outside_ci() {
    let dir = tempfile::tempdir().unwrap();
    let err = decide_shared(&dir.path().join("typo"), true, false).unwrap_err();
    assert!(err.contains("VMSTACK_SHARED"), "{err}");
}

#[test]
fn incomplete_shared_folder_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    let err = decide_shared(dir.path(), false, false).unwrap_err();
    assert!(err.contains("no chart/ subfolder"), "{err}");
    std::fs::create_dir(dir.path().join("chart")).unwrap();
    assert_eq!(
        decide_shared(dir.path(), false, true),
        Ok(SharedFolder::Present(dir.path().to_path_buf()))
    );
}

// ----------------------------------------------------------------------------------------------
// Custom resources (JSON schemas)
// ----------------------------------------------------------------------------------------------

#[test]
fn valid_helm_release_passes() {
    let v = validator_or_skip!();
    assert_valid(v, &helm_release());
}

#[test]
fn helm_release_with_unknown_spec_field_fails_naming_the_path() {
    let v = validator_or_skip!();
    let mut hr = helm_release();
    hr["spec"]["chartRefs"] = json!({"kind": "OCIRepository", "name": "x"});
    let errs = assert_invalid(
        v,
        &hr,
        &[
            "HelmRelease/observability/victoria-metrics-global",
            "/spec/chartRefs",
            "unknown field",
        ],
    );
    assert!(
        errs.iter().any(|e| e.contains("did you mean `chartRef`")),
        "{errs:?}"
    );

    // Nested, two levels down.
    let mut hr = helm_release();
    hr["spec"]["install"]["remediation"] = json!({"retries": 3, "retry": 1});
    assert_invalid(v, &hr, &["/spec/install/remediation/retry"]);
}

#[test]
fn unknown_top_level_field_fails_although_the_schema_root_allows_it() {
    let v = validator_or_skip!();
    let mut hr = helm_release();
    hr["spce"] = json!({});
    assert_invalid(v, &hr, &["/spce", "unknown top-level field"]);
}

#[test]
fn helm_release_type_errors_and_missing_required_fail() {
    let v = validator_or_skip!();
    let mut hr = helm_release();
    hr["spec"]["interval"] = json!(30);
    assert_invalid(v, &hr, &["/spec/interval"]);
    let mut hr = helm_release();
    hr["spec"].as_object_mut().unwrap().remove("interval");
    assert_invalid(v, &hr, &["/spec", "interval"]);
    let mut hr = helm_release();
    hr["spec"]["chartRef"]["kind"] = json!("HelmRepository");
    assert_invalid(v, &hr, &["/spec/chartRef/kind"]);
}

#[test]
fn valid_vm_rule_passes_and_unknown_rule_field_fails() {
    let v = validator_or_skip!();
    assert_valid(v, &vm_rule());
    let mut rule = vm_rule();
    rule["spec"]["groups"][0]["rules"][0]["severity"] = json!("critical");
    assert_invalid(
        v,
        &rule,
        &[
            "VMRule/observability/vmstack-health",
            "/spec/groups/0/rules/0/severity",
            "unknown field",
        ],
    );
}

#[test]
fn duplicate_vm_rule_group_names_fail_like_the_api_server() {
    let v = validator_or_skip!();
    let mut rule = vm_rule();
    let group = rule["spec"]["groups"][0].clone();
    rule["spec"]["groups"].as_array_mut().unwrap().push(group);
    assert_invalid(v, &rule, &["/spec/groups/1", "duplicate"]);
}

#[test]
fn kind_spelling_is_checked() {
    let v = validator_or_skip!();
    let mut rule = vm_rule();
    rule["kind"] = json!("VmRule");
    assert_invalid(v, &rule, &["/kind", "VMRule"]);
}

#[test]
fn flux_variables_pass_in_scalar_fields_but_not_where_a_map_goes() {
    let v = validator_or_skip!();
    let cluster = json!({
        "apiVersion": "operator.victoriametrics.com/v1beta1",
        "kind": "VMCluster",
        "metadata": {"name": "victoria-metrics-global", "namespace": "observability"},
        "spec": {
            "retentionPeriod": "${VM_RETENTION_PERIOD}",   // string with a pattern
            "replicationFactor": "${VM_RF:=2}",            // integer
            "vmstorage": {
                "replicaCount": "${VM_STORAGE_REPLICAS}",
                "storage": {"volumeClaimTemplate": {"spec": {
                    "storageClassName": "${BLOCK_SC}",
                    "resources": {"requests": {"storage": "${VM_STORAGE_SIZE}"}}  // quantity
                }}}
            },
            "vmselect": {"replicaCount": 2, "useStrictSecurity": "${STRICT}"}   // boolean
        }
    });
    assert_valid(v, &cluster);

    // The same fields with wrong literal values still fail: the placeholders are not a blanket pass.
    let mut bad = cluster.clone();
    bad["spec"]["retentionPeriod"] = json!("30 days");
    bad["spec"]["replicationFactor"] = json!("two");
    bad["spec"]["vmstorage"]["storage"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] =
        json!("lots");
    let errs = v.validate(&bad).unwrap_err();
    for p in [
        "/spec/retentionPeriod",
        "/spec/replicationFactor",
        "/spec/vmstorage/storage/volumeClaimTemplate/spec/resources/requests/storage",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(&format!("{p}:"))),
            "no error at {p}: {errs:#?}"
        );
    }

    let mut bad = cluster;
    bad["spec"]["vmstorage"] = json!("${VMSTORAGE}");
    assert_invalid(v, &bad, &["/spec/vmstorage"]);
}

#[test]
fn embedded_core_types_the_crd_leaves_open_are_checked_with_k8s_openapi() {
    // VMCluster's schema declares volumeClaimTemplate, containers, probes, affinity, … as
    // x-kubernetes-preserve-unknown-fields, so the JSON schema alone accepts any typo there.
    let v = validator_or_skip!();
    let cluster = |storage_spec: Value| {
        json!({
            "apiVersion": "operator.victoriametrics.com/v1beta1",
            "kind": "VMCluster",
            "metadata": {"name": "global", "namespace": "observability"},
            "spec": {"vmstorage": {
                "storage": {"volumeClaimTemplate": {"spec": storage_spec}},
                "containers": [{"name": "vmstorage", "resources": {"limits": {"memory": "2Gi"}}}],
                "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                    "weight": 100,
                    "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "vmstorage"}}}
                }]}}
            }}
        })
    };
    assert_valid(
        v,
        &cluster(
            json!({"storageClassName": "${BLOCK_SC}", "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "${VM_STORAGE_SIZE}"}}}),
        ),
    );
    assert_invalid(
        v,
        &cluster(
            json!({"storageClass": "ceph-block", "resources": {"requests": {"storage": "50Gi"}}}),
        ),
        &[
            "/spec/vmstorage/storage/volumeClaimTemplate/spec/storageClass",
            "unknown field",
        ],
    );
    assert_invalid(
        v,
        &cluster(json!({"resources": {"requests": {"storage": "50GB"}}})),
        &[
            "/spec/vmstorage/storage/volumeClaimTemplate/spec/resources/requests/storage",
            "not a Kubernetes quantity",
        ],
    );
    let mut bad = cluster(json!({}));
    bad["spec"]["vmstorage"]["containers"][0]["resource"] = json!({});
    assert_invalid(v, &bad, &["/spec/vmstorage/containers/0/resource"]);
    // The same check reaches chart values below a component's spec.
    assert_values_fail(
        v,
        &json!({"vmcluster": {"spec": {"vmstorage": {"storage": {"volumeClaimTemplate": {"spec": {"storageClass": "x"}}}}}}}),
        "vmcluster.spec.vmstorage.storage.volumeClaimTemplate.spec.storageClass",
    );
}

#[test]
fn quantity_syntax() {
    for ok in [
        "1", "500m", "1.5", ".5", "1Gi", "20G", "1e3", "1E-3", "+1", "-2Ki", "0",
    ] {
        assert!(is_quantity(ok), "{ok}");
    }
    for bad in ["", "1GB", "Gi", "1.2.3", "1 Gi", "lots", "1e", ".", "1iB"] {
        assert!(!is_quantity(bad), "{bad}");
    }
}

#[test]
fn flux_variable_syntax() {
    for ok in [
        "${A}",
        "${VM_RETENTION_PERIOD}",
        "${_x1}",
        "${VAR:=2}",
        "${VAR:-default}",
        "${VAR=x}",
        "${VAR-}",
    ] {
        assert!(is_flux_var(ok), "{ok}");
    }
    for bad in [
        "$A",
        "${}",
        "${1A}",
        "${A",
        "x${A}",
        "${A}x",
        "${A:?err}",
        "${A+x}",
        "${A:-}}",
        "{{ .Values.x }}",
    ] {
        assert!(!is_flux_var(bad), "{bad}");
    }
}

#[test]
fn unknown_kind_fails_and_skip_list_passes() {
    let v = validator_or_skip!();
    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "x", "namespace": "y"}});
    assert_invalid(v, &sa, &["no schema for v1 ServiceAccount"]);
    let wrong_version = json!({"apiVersion": "operator.victoriametrics.com/v1", "kind": "VMRule", "metadata": {"name": "x"}});
    assert_invalid(
        v,
        &wrong_version,
        &["no schema for operator.victoriametrics.com/v1 VMRule"],
    );
    for (api_version, kind) in SKIPPED_KINDS {
        // Deliberately junk content: skipped kinds are not looked at.
        assert_valid(
            v,
            &json!({"apiVersion": api_version, "kind": kind, "whatever": [1, 2]}),
        );
    }
}

// ----------------------------------------------------------------------------------------------
// Core kinds (k8s-openapi round trip)
// ----------------------------------------------------------------------------------------------

#[test]
fn every_core_kind_is_dispatched() {
    for (api_version, kind) in CORE_KINDS {
        assert!(
            is_round_trip_kind(api_version, kind),
            "{api_version} {kind}"
        );
    }
}

#[test]
fn valid_network_policy_passes_and_typo_fails() {
    let v = validator_or_skip!();
    assert_valid(v, &network_policy());
    let mut np = network_policy();
    let selector = np["spec"]
        .as_object_mut()
        .unwrap()
        .remove("podSelector")
        .unwrap();
    np["spec"]["podSelecter"] = selector;
    assert_invalid(
        v,
        &np,
        &[
            "NetworkPolicy/observability/vmstorage-ingress",
            "/spec/podSelecter",
            "unknown field",
        ],
    );

    let mut np = network_policy();
    np["spec"]["ingress"][0]["ports"][0]["prot"] = json!(8400);
    assert_invalid(v, &np, &["/spec/ingress/0/ports/0/prot"]);

    let mut np = network_policy();
    np["spec"]["ingress"][0]["ports"][0]["port"] = json!(8400.5);
    assert_invalid(v, &np, &["does not deserialize"]);
}

#[test]
fn pod_disruption_budgets_pass_with_int_or_percentage() {
    let v = validator_or_skip!();
    assert_valid(v, &pdb(("maxUnavailable", json!(1))));
    assert_valid(v, &pdb(("minAvailable", json!("50%"))));
    assert_valid(
        v,
        &pdb(("maxUnavailable", json!("${VMSTORAGE_MAX_UNAVAILABLE}"))),
    );

    assert_invalid(
        v,
        &pdb(("maxUnavailable", json!("1"))),
        &["/spec/maxUnavailable", "percentage"],
    );
    let mut both = pdb(("maxUnavailable", json!(1)));
    both["spec"]["minAvailable"] = json!(2);
    assert_invalid(v, &both, &["mutually exclusive"]);
    let mut typo = pdb(("maxUnavailable", json!(1)));
    typo["spec"]["maxUnavaliable"] = json!(1);
    assert_invalid(v, &typo, &["/spec/maxUnavaliable"]);
}

#[test]
fn config_map_with_string_data_passes_and_unknown_top_level_fails() {
    let v = validator_or_skip!();
    assert_valid(v, &config_map());
    let mut cm = config_map();
    cm["stringData"] = json!({"a": "b"}); // Secret's field, not ConfigMap's
    assert_invalid(
        v,
        &cm,
        &[
            "ConfigMap/flux-system/cluster-settings",
            "/stringData",
            "unknown field",
        ],
    );
    let mut cm = config_map();
    cm["data"]["replicas"] = json!(3);
    assert_invalid(v, &cm, &["does not deserialize"]);
    let mut cm = config_map();
    cm["data"]["bad key!"] = json!("x");
    assert_invalid(v, &cm, &["/data/bad key!", "invalid key"]);
}

#[test]
fn deployment_round_trip_tolerates_harmless_normalisations() {
    let v = validator_or_skip!();
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "demo", "namespace": "observability", "labels": {}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "demo"}},
            "strategy": {"rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "demo"}},
                "spec": {
                    "containers": [{
                        "name": "demo",
                        "image": "demo:1",
                        "resources": {"requests": {"cpu": 1, "memory": "64Mi"}, "limits": {}},
                        "ports": [{"containerPort": 8080}]
                    }],
                    "volumes": [{"name": "tmp", "emptyDir": {}}]
                }
            }
        }
    });
    assert_valid(v, &deployment);
    let mut bad = deployment.clone();
    bad["spec"]["template"]["spec"]["containers"][0]["resource"] = json!({});
    assert_invalid(
        v,
        &bad,
        &[
            "/spec/template/spec/containers/0/resource",
            "did you mean `resources`",
        ],
    );
    let mut bad = deployment.clone();
    bad["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"] =
        json!("64MB");
    assert_invalid(
        v,
        &bad,
        &[
            "/spec/template/spec/containers/0/resources/requests/memory",
            "quantity",
        ],
    );
    let mut bad = deployment;
    bad["spec"]["replicas"] = json!("2");
    assert_invalid(v, &bad, &["does not deserialize"]);
}

#[test]
fn secret_and_service_and_namespace() {
    let v = validator_or_skip!();
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "observability"},
        "type": "Opaque", "data": {"admin-user": "YWRtaW4="}, "stringData": {"admin-password": "x"}
    });
    assert_valid(v, &secret);
    let mut bad = secret.clone();
    bad["data"]["admin-user"] = json!("not base64!");
    assert_invalid(v, &bad, &["does not deserialize"]);

    let service = json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "vminsert-victoria-metrics-global", "namespace": "observability",
                     "annotations": {"service.cilium.io/global": "true"}},
        "spec": {"ports": [{"name": "http", "port": 8480, "targetPort": "http"}]}
    });
    assert_valid(v, &service);
    let mut bad = service.clone();
    bad["metadata"]["name"] = json!("1-starts-with-digit");
    assert_invalid(v, &bad, &["/metadata/name", "DNS-1035"]);
    let mut bad = service;
    bad["metadata"]["annotations"]["service.cilium.io/global"] = json!(true);
    assert_invalid(
        v,
        &bad,
        &[
            "/metadata/annotations/service.cilium.io~1global",
            "must be a string",
        ],
    );

    let ns =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "observability"}});
    assert_valid(v, &ns);
    let mut bad = ns;
    bad["metadata"]["namespace"] = json!("default");
    assert_invalid(v, &bad, &["/metadata/namespace", "cluster-scoped"]);
}

// ----------------------------------------------------------------------------------------------
// Metadata
// ----------------------------------------------------------------------------------------------

#[test]
fn label_value_of_64_characters_fails() {
    let v = validator_or_skip!();
    let mut cm = config_map();
    cm["metadata"]["labels"] = json!({"app.kubernetes.io/part-of": "a".repeat(63)});
    assert_valid(v, &cm);
    cm["metadata"]["labels"] = json!({"app.kubernetes.io/part-of": "a".repeat(64)});
    assert_invalid(
        v,
        &cm,
        &[
            "/metadata/labels/app.kubernetes.io~1part-of",
            "64 characters",
        ],
    );
}

#[test]
fn metadata_rules() {
    let v = validator_or_skip!();
    let with_meta = |meta: Value| {
        let mut cm = config_map();
        cm["metadata"] = meta;
        cm
    };
    assert_invalid(
        v,
        &with_meta(json!({"namespace": "x"})),
        &["/metadata/name", "missing"],
    );
    assert_invalid(
        v,
        &with_meta(json!({"name": "Upper"})),
        &["/metadata/name", "DNS-1123 subdomain"],
    );
    assert_invalid(
        v,
        &with_meta(json!({"name": "a", "namespace": "a.b"})),
        &["/metadata/namespace"],
    );
    assert_invalid(
        v,
        &with_meta(json!({"name": "a", "creationTimestamp": null})),
        &["/metadata/creationTimestamp"],
    );
    assert_invalid(
        v,
        &with_meta(json!({"name": "a", "lables": {}})),
        &["/metadata/lables", "did you mean `labels`"],
    );
    assert_invalid(
        v,
        &with_meta(json!({"name": "a", "labels": {"bad key/x/y": "v"}})),
        &["invalid key"],
    );
    assert_invalid(
        v,
        &with_meta(json!({"name": "a", "labels": {"k": "-x"}})),
        &["invalid label value"],
    );
    // Flux variables are accepted in metadata strings: they are substituted before apply.
    assert_valid(
        v,
        &with_meta(json!({"name": "a", "namespace": "${NS}", "labels": {"cluster": "${CLUSTER}"}})),
    );
    // The same checks apply to custom resources, whose schemas only say `metadata: {type: object}`.
    let mut rule = vm_rule();
    rule["metadata"]["labels"] = json!({"x": "a".repeat(64)});
    assert_invalid(v, &rule, &["VMRule", "/metadata/labels/x"]);
}

// ----------------------------------------------------------------------------------------------
// validate_all
// ----------------------------------------------------------------------------------------------

#[test]
fn validate_all_collects_everything_and_checks_helm_values() {
    let v = validator_or_skip!();
    let mut hr = helm_release();
    assert!(
        v.validate_all(&[hr.clone(), oci_repository("0.61.13"), config_map()])
            .is_empty()
    );

    hr["spec"]["values"]["serviceMonitor"] = json!({"enabled": true});
    let mut np = network_policy();
    np["spec"]["podSelecter"] = json!({});
    let errs = v.validate_all(&[
        hr,
        oci_repository("0.61.13"),
        np,
        config_map(),
        config_map(),
    ]);
    for needle in [
        "spec.values.serviceMonitor",
        "/spec/podSelecter",
        "same group, kind, namespace and name",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(needle)),
            "missing {needle:?} in {errs:#?}"
        );
    }
}

// ----------------------------------------------------------------------------------------------
// Chart values
// ----------------------------------------------------------------------------------------------

#[track_caller]
fn assert_values_ok(v: &Validator, values: &Value) {
    for version in CHART_VERSIONS {
        let problems = chart_values_problems(values, &chart_file(v, version), v);
        assert!(
            problems.is_empty(),
            "chart {version} rejected valid values:\n{}",
            render_problems(&problems)
        );
    }
}

#[track_caller]
fn assert_values_fail(v: &Validator, values: &Value, path: &str) {
    for version in CHART_VERSIONS {
        let problems = chart_values_problems(values, &chart_file(v, version), v);
        assert!(
            problems.iter().any(|p| p.starts_with(&format!("{path}:"))),
            "chart {version}: expected a problem at {path}, got:\n{}",
            render_problems(&problems)
        );
    }
}

#[test]
fn cluster_values_with_flux_variable_pass_on_both_chart_versions() {
    let v = validator_or_skip!();
    assert_values_ok(
        v,
        &json!({
            "vmsingle": {"enabled": false},
            "vmcluster": {"enabled": true, "spec": {
                "retentionPeriod": "${VM_RETENTION_PERIOD}",
                "replicationFactor": 2,
                "vmstorage": {"replicaCount": 3}
            }}
        }),
    );
}

#[test]
fn misnamed_crd_field_below_spec_fails_naming_the_path() {
    let v = validator_or_skip!();
    assert_values_fail(
        v,
        &json!({"vmcluster": {"spec": {"vmstorage": {"replicas": 3}}}}),
        "vmcluster.spec.vmstorage.replicas",
    );
    // Below `spec` it is the CRD schema that decides (not the chart's example keys), and it says
    // what was meant.
    let problems = chart_values_problems(
        &json!({"vmcluster": {"spec": {"vmstorage": {"replicas": 3, "podDisruptionBudget": {"maxUnavailable": 1}}}}}),
        &chart_file(v, "0.61.13"),
        v,
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("VMCluster CRD schema")
            && problems[0].contains("did you mean `replicaCount`"),
        "{problems:#?}"
    );
}

#[test]
fn seed_top_level_service_monitor_fails() {
    let v = validator_or_skip!();
    assert_values_fail(
        v,
        &json!({"serviceMonitor": {"enabled": true}}),
        "serviceMonitor",
    );
    // The other top-level keys the seed invents (shared/reference/victoriametrics.md).
    for key in ["crds", "vmalertmanager", "etcd"] {
        assert_values_fail(v, &json!({ key: {"enabled": true} }), key);
    }
    let problems = chart_values_problems(
        &json!({"vmalertmanager": {"enabled": true}}),
        &chart_file(v, "0.91.2"),
        v,
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("did you mean `alertmanager`")),
        "{problems:#?}"
    );
}

#[test]
fn chart_only_keys_are_stripped_before_the_crd_check() {
    let v = validator_or_skip!();
    assert_values_ok(
        v,
        &json!({"vmauth": {"enabled": true, "spec": {"unauthorizedUserAccessSpec": {"disabled": true}}}}),
    );
    assert_values_ok(
        v,
        &json!({"vmcluster": {"spec": {"vmselect": {"enabled": true}, "vminsert": {"enabled": false}}}}),
    );
    // …but only those: the same key elsewhere is still unknown to the CRD.
    assert_values_fail(
        v,
        &json!({"vmcluster": {"spec": {"vmstorage": {"enabled": true}}}}),
        "vmcluster.spec.vmstorage.enabled",
    );
}

#[test]
fn chart_defaults_themselves_pass_the_crd_check() {
    // Guards against false alarms: every component spec the chart ships must pass as user values.
    let v = validator_or_skip!();
    for version in CHART_VERSIONS {
        let file = chart_file(v, version);
        let defaults: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for component in [
            "vmcluster",
            "vmagent",
            "vmalert",
            "vmauth",
            "alertmanager",
            "vmsingle",
        ] {
            let values = json!({ component: {"spec": defaults[component]["spec"].clone()} });
            let problems = chart_values_problems(&values, &file, v);
            assert!(
                problems.is_empty(),
                "{version} {component}:\n{}",
                render_problems(&problems)
            );
        }
        // And the whole default values file is consistent with itself.
        let problems = chart_values_problems(&defaults, &file, v);
        assert!(
            problems.is_empty(),
            "{version} defaults:\n{}",
            render_problems(&problems)
        );
    }
}

#[test]
fn values_rules_for_lists_maps_and_free_form_parts() {
    let v = validator_or_skip!();
    assert_values_ok(
        v,
        &json!({
            "vmcluster": {"labels": {"anything": "goes"}, "annotations": {"a/b": "c"}},
            "grafana": {"admin": {"existingSecret": "grafana-admin"}, "anyKey": {"deep": 1}},
            "victoria-metrics-operator": {"enabled": false},
            "defaultDatasources": {"extra": [{"name": "x", "url": "http://y", "jsonData": {"a": 1}}]},
            "extraObjects": [{"apiVersion": "v1", "kind": "ConfigMap"}],
            "vmagent": {
                "spec": {"externalLabels": {"cluster": "${CLUSTER}"}, "remoteWrite": [{"sendTimeout": "1m"}]},
                "additionalRemoteWrites": [{"url": "http://remote/api/v1/write", "sendTimeout": "30s"}]
            },
            "alertmanager": {"config": {"global": {"resolve_timeout": "5m"}, "route": {"receiver": "x"}}},
            "vmalert": {"spec": {"replicaCount": "${VMALERT_REPLICAS}", "evaluationInterval": "15s"}},
            "kubeEtcd": {"enabled": false},
            // Below a chart default of `{}` the chart lists no keys: free-form.
            "global": {"license": {"keyRef": {"name": "vm-license", "key": "license"}}},
            // Flux variables where the chart has scalars.
            "tenant": "${VM_TENANT}",
            "vmsingle": {"enabled": "${VMSINGLE_ENABLED:=false}"}
        }),
    );
    // additionalRemoteWrites items are complete remote write specs: url is required, typos fail.
    assert_values_fail(
        v,
        &json!({"vmagent": {"additionalRemoteWrites": [{"sendTimeout": "30s"}]}}),
        "vmagent.additionalRemoteWrites[0]",
    );
    assert_values_fail(
        v,
        &json!({"vmagent": {"additionalRemoteWrites": [{"url": "http://x", "queueConfig": {}}]}}),
        "vmagent.additionalRemoteWrites[0].queueConfig",
    );
    // A misspelt chart key below a known component.
    assert_values_fail(
        v,
        &json!({"vmcluster": {"enable": true}}),
        "vmcluster.enable",
    );
    // A map where the chart expects a scalar.
    assert_values_fail(
        v,
        &json!({"vmsingle": {"enabled": {"value": true}}}),
        "vmsingle.enabled",
    );
    // Type errors below spec come from the CRD schema.
    assert_values_fail(
        v,
        &json!({"vmcluster": {"spec": {"replicationFactor": "two"}}}),
        "vmcluster.spec.replicationFactor",
    );
    // The seed's queueConfig block does not exist in VMAgent's remoteWrite.
    assert_values_fail(
        v,
        &json!({"vmagent": {"spec": {"remoteWrite": [{"url": "http://x", "queueConfig": {}}]}}}),
        "vmagent.spec.remoteWrite[0].queueConfig",
    );
    // List items are compared with the shape of the chart's default items.
    assert_values_fail(
        v,
        &json!({"vmsingle": {"route": {"matches": [{"pth": {"type": "PathPrefix"}}]}}}),
        "vmsingle.route.matches[0].pth",
    );
}

#[test]
fn chart_rule_groups_share_one_shape() {
    let v = validator_or_skip!();
    let file = v.chart_values_file("0.91.2").unwrap();
    let ok =
        json!({"defaultRules": {"enabled": true, "groups": {"general.rules": {"enabled": false}}}});
    assert_eq!(chart_values_problems(&ok, &file, v), Vec::<String>::new());
    let typo = json!({"defaultRules": {"groups": {"general.rules": {"enabeld": false}}}});
    let problems = chart_values_problems(&typo, &file, v);
    assert!(
        problems.iter().any(|p| p.contains("enabeld")),
        "{problems:?}"
    );
    let unknown_group = json!({"defaultRules": {"groups": {"vmHealth": {"enabled": false}}}});
    let problems = chart_values_problems(&unknown_group, &file, v);
    assert!(
        problems.iter().any(|p| p.contains("vmHealth")),
        "{problems:?}"
    );
}

// ----------------------------------------------------------------------------------------------
// Hand-checked kinds (no schema, no k8s-openapi type)
// ----------------------------------------------------------------------------------------------

#[test]
fn service_export_is_checked_strictly_not_skipped() {
    let v = validator_or_skip!();
    let export = || {
        json!({
            "apiVersion": "multicluster.x-k8s.io/v1alpha1",
            "kind": "ServiceExport",
            "metadata": {"name": "vminsert-vm", "namespace": "observability"},
        })
    };
    assert_valid(v, &export());
    let mut with_spec = export();
    with_spec["spec"] = json!({});
    assert_valid(v, &with_spec);
    let mut bad_spec = export();
    bad_spec["spec"] = json!({"ports": [8480]});
    assert_invalid(
        v,
        &bad_spec,
        &["/spec: a ServiceExport's spec has no fields"],
    );
    let mut extra = export();
    extra["data"] = json!({});
    assert_invalid(v, &extra, &["/data: unknown field"]);
    let mut no_ns = export();
    no_ns["metadata"] = json!({"name": "vminsert-vm"});
    assert_invalid(v, &no_ns, &["/metadata/namespace: missing"]);
    let mut bad_name = export();
    bad_name["metadata"]["name"] = json!("1vminsert");
    assert_invalid(v, &bad_name, &["is not a DNS-1035 label"]);
    let mut other_version = export();
    other_version["apiVersion"] = json!("multicluster.x-k8s.io/v1beta1");
    assert_invalid(
        v,
        &other_version,
        &["no schema for multicluster.x-k8s.io/v1beta1 ServiceExport"],
    );
}

#[test]
fn api_versions_the_controllers_no_longer_serve_fail() {
    let v = validator_or_skip!();
    let old = json!({
        "apiVersion": "external-secrets.io/v1beta1",
        "kind": "ExternalSecret",
        "metadata": {"name": "x", "namespace": "y"},
        "spec": {},
    });
    assert_invalid(v, &old, &["no longer served"]);
    let old = json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1beta2",
        "kind": "OCIRepository",
        "metadata": {"name": "x", "namespace": "y"},
        "spec": {"url": "oci://x", "interval": "1m"},
    });
    assert_invalid(v, &old, &["no longer served"]);
}
