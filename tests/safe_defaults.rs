//! The safe defaults of the generated stack (docs/security.md).
//!
//! `tests/fixtures/chart-security/workloads.yaml` states, per chart line, where the chart reads
//! each workload's security context and resources (checked with `helm template` on the real
//! charts). The checks below hold vmstack's output to that table: every workload the chart runs
//! for every example and good fixture (as rendered now, and as committed) has a non-root,
//! read-only, unprivileged context with seccomp on, requests and limits; no output has a Secret
//! or lets anyone in without credentials; NetworkPolicies are on unless the intent turns them
//! off. Then: a partial `resources` keeps the other defaults, and `values` that reopen a safe
//! default are an error (a warning where the intent allows it).

mod common;

use std::path::Path;

use common::fixtures::{read_yaml, rendered_valid_intents, repo, valid_intents};
use serde_json::{Value, json};
use vmstack::function::{self, Layout};
use vmstack::intent::chart_line::ChartLine;
use vmstack::krm::{ResourceList, Severity, yaml};

fn line_name(line: ChartLine) -> &'static str {
    match line {
        ChartLine::V0_61 => "0.61",
        ChartLine::V0_91 => "0.91",
    }
}

fn keys(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("a path is a list of keys: {v}"))
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

fn at<'v>(root: &'v Value, path: &[String]) -> Option<&'v Value> {
    let mut cur = root;
    for k in path {
        cur = cur.as_object()?.get(k)?;
    }
    Some(cur)
}

/// Go template truthiness, as the chart's `if` reads a switch.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn table() -> Vec<Value> {
    let rows = read_yaml(&repo("tests/fixtures/chart-security/workloads.yaml"));
    rows.as_array().expect("a list of workloads").clone()
}

fn on_line(row: &Value, line: ChartLine) -> bool {
    row["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == line_name(line))
}

/// Whether the chart runs the row's workload with these values (a switch they leave out takes
/// the chart's default; a `null` deletes it).
fn runs(row: &Value, values: &Value) -> bool {
    row["switch"].as_array().unwrap().iter().all(|s| {
        let path = keys(&s["path"]);
        match at(values, &path) {
            Some(v) => truthy(v),
            None => truthy(&s["default"]),
        }
    })
}

fn four_quantities(res: Option<&Value>, what: &str, out: &mut Vec<String>) {
    for side in ["requests", "limits"] {
        for name in ["cpu", "memory"] {
            if res
                .and_then(|r| r.get(side))
                .and_then(|s| s.get(name))
                .is_none()
            {
                out.push(format!("{what}: no {side}.{name}"));
            }
        }
    }
}

/// What a container's context (and the pod's, where a field may be set for all containers)
/// lacks of a safe one.
fn unsafe_context(pod: Option<&Value>, c: Option<&Value>, what: &str, out: &mut Vec<String>) {
    let field = |name: &str| {
        c.and_then(|c| c.get(name))
            .or_else(|| pod.and_then(|p| p.get(name)))
    };
    let Some(ctx) = c else {
        out.push(format!("{what}: no security context"));
        return;
    };
    if field("runAsNonRoot") != Some(&json!(true)) {
        out.push(format!("{what}: runAsNonRoot is not true"));
    }
    if ctx.get("readOnlyRootFilesystem") != Some(&json!(true)) {
        out.push(format!("{what}: readOnlyRootFilesystem is not true"));
    }
    if ctx.get("allowPrivilegeEscalation") != Some(&json!(false)) {
        out.push(format!("{what}: allowPrivilegeEscalation is not false"));
    }
    if ctx.get("privileged") == Some(&json!(true)) {
        out.push(format!("{what}: privileged"));
    }
    let drop = ctx.pointer("/capabilities/drop").and_then(Value::as_array);
    if !drop.is_some_and(|d| d.contains(&json!("ALL"))) {
        out.push(format!("{what}: ALL capabilities are not dropped"));
    }
    if ctx
        .pointer("/capabilities/add")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        out.push(format!("{what}: capabilities added"));
    }
    if field("seccompProfile").and_then(|s| s.get("type")) != Some(&json!("RuntimeDefault")) {
        out.push(format!("{what}: seccomp is not RuntimeDefault"));
    }
    if field("runAsUser") == Some(&json!(0)) {
        out.push(format!("{what}: runs as root"));
    }
}

/// What the values lack of the row's safe defaults. `intent_resources`: whether to hold the
/// resources vmstack writes from the intent too (a custom resource's, Grafana's), not only those
/// it lays under as defaults.
fn problems(row: &Value, values: &Value, intent_resources: bool) -> Vec<String> {
    let name = row["workload"].as_str().unwrap();
    let mut out = Vec::new();
    match row["kind"].as_str().unwrap() {
        "cr" => {
            let spec = at(values, &keys(&row["spec"]));
            if spec.and_then(|s| s.get("useStrictSecurity")) != Some(&json!(true)) {
                out.push(format!("{name}: useStrictSecurity is not true"));
            }
            if row["strictOnly"] != json!(true) {
                let sc = spec.and_then(|s| s.get("securityContext"));
                // The one context is both the pod's and the containers'.
                unsafe_context(sc, sc, name, &mut out);
                if sc.and_then(|s| s.get("fsGroup")).is_none() {
                    out.push(format!("{name}: no fsGroup for its volumes"));
                }
            }
            if intent_resources && row["resources"] == json!(true) {
                four_quantities(spec.and_then(|s| s.get("resources")), name, &mut out);
            }
            if row["reloader"] == json!(true) {
                let r = spec.and_then(|s| s.get("configReloaderResources"));
                four_quantities(r, &format!("{name} config reloader"), &mut out);
            }
        }
        "pod" => {
            let pod = at(values, &keys(&row["pod"]));
            if pod.is_none() {
                out.push(format!("{name}: no pod security context"));
            }
            for c in row["containers"].as_array().unwrap() {
                let what = format!("{name}/{}", c["name"].as_str().unwrap());
                let ctx = at(values, &keys(&c["securityContext"]));
                unsafe_context(pod, ctx, &what, &mut out);
                if intent_resources || c["resourcesFromIntent"] != json!(true) {
                    four_quantities(at(values, &keys(&c["resources"])), &what, &mut out);
                }
            }
            for off in row["off"].as_array().into_iter().flatten() {
                let path = keys(off);
                if at(values, &path) != Some(&json!(false)) {
                    out.push(format!("{name}: {} is not false", path.join(".")));
                }
            }
        }
        other => panic!("{name}: unknown kind {other}"),
    }
    out
}

fn helm_release(items: &[Value]) -> &Value {
    items
        .iter()
        .find(|i| i["kind"] == "HelmRelease")
        .expect("a HelmRelease")
}

fn line_of_intent(path: &Path) -> ChartLine {
    vmstack::intent::parse(&read_yaml(path))
        .unwrap_or_else(|d| panic!("{}: {d:?}", path.display()))
        .chart
        .line
}

/// The chart line of a committed file's HelmRelease: its OCIRepository's tag or its chart's
/// version.
fn line_of_objects(objects: &[Value]) -> ChartLine {
    let version = objects
        .iter()
        .find_map(|o| {
            o.pointer("/spec/ref/tag")
                .filter(|_| o["kind"] == "OCIRepository")
                .or_else(|| o.pointer("/spec/chart/spec/version"))
        })
        .and_then(Value::as_str)
        .unwrap_or("0.91.2");
    if version.starts_with("0.61.") {
        ChartLine::V0_61
    } else {
        ChartLine::V0_91
    }
}

/// Every committed example file holding a HelmRelease, with its objects.
fn committed_releases() -> Vec<(String, Vec<Value>)> {
    let mut out = Vec::new();
    let mut files = vec![repo("examples/kustomize/rendered.yaml")];
    for set in ["seed", "clustermesh", "vmauth"] {
        for (cluster, folder) in [("infra", "global"), ("apps", "stack")] {
            files.push(repo(&format!(
                "examples/{set}/{cluster}/{folder}/helmrelease.yaml"
            )));
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let objects = yaml::parse_documents(&text).unwrap();
        out.push((f.display().to_string(), objects));
    }
    out
}

#[test]
fn every_workload_an_example_runs_has_its_safe_defaults() {
    let rows = table();
    let mut checked = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    let rendered = valid_intents()
        .into_iter()
        .zip(rendered_valid_intents())
        .map(|(path, (name, items))| (name, line_of_intent(&path), items));
    let committed = committed_releases()
        .into_iter()
        .map(|(name, objects)| (name, line_of_objects(&objects), objects));
    for (name, line, items) in rendered.chain(committed) {
        let values = &helm_release(&items)["spec"]["values"];
        for row in rows.iter().filter(|r| on_line(r, line) && runs(r, values)) {
            checked.insert((
                row["workload"].as_str().unwrap().to_string(),
                line_name(line),
            ));
            for p in problems(row, values, true) {
                found.push(format!("{name} (chart {}): {p}", line_name(line)));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The examples and fixtures run these on both lines; a table row that matches nothing
    // checks nothing.
    for line in ["0.61", "0.91"] {
        for w in [
            "VMCluster",
            "vmstorage",
            "vmselect",
            "vminsert",
            "VMAgent",
            "VMAlert",
            "VMAlertmanager",
            "VMAuth",
            "Grafana",
            "kube-state-metrics",
            "node-exporter",
        ] {
            assert!(
                checked.contains(&(w.to_string(), line)),
                "no example runs {w} on chart {line}"
            );
        }
    }
}

/// Values that switch a row's workload on.
fn switched_on(row: &Value) -> Value {
    let mut v = json!({});
    for s in row["switch"].as_array().unwrap() {
        let path = keys(&s["path"]);
        let mut cur = &mut v;
        for k in &path[..path.len() - 1] {
            cur = cur
                .as_object_mut()
                .unwrap()
                .entry(k.clone())
                .or_insert_with(|| json!({}));
        }
        let on = if path.last().unwrap() == "dashboards" {
            json!({"default": {"node": {"url": "https://example.com/node.json"}}})
        } else {
            json!(true)
        };
        cur[path.last().unwrap()] = on;
    }
    v
}

#[test]
fn vmstack_lays_the_safe_defaults_where_each_line_reads_them() {
    let mut rows_checked = 0;
    for row in table() {
        for line in [ChartLine::V0_61, ChartLine::V0_91] {
            if !on_line(&row, line) {
                continue;
            }
            let mut values = switched_on(&row);
            assert!(runs(&row, &values));
            vmstack::chart::security::harden(line, &mut values);
            let found = problems(&row, &values, false);
            assert!(found.is_empty(), "chart {}: {found:?}", line_name(line));
            rows_checked += 1;
        }
    }
    assert_eq!(rows_checked, 29, "rows on both lines, the sync Job on 0.91");
}

#[test]
fn no_output_has_a_secret_or_lets_anyone_in_without_credentials() {
    let rendered = valid_intents()
        .into_iter()
        .zip(rendered_valid_intents())
        .map(|(path, (name, items))| {
            let anonymous_read = read_yaml(&path)
                .pointer("/spec/vmauth/anonymousRead")
                .is_some_and(|a| a == true);
            (name, anonymous_read, items)
        });
    // No committed example opens vmauth's reads.
    let committed = committed_releases()
        .into_iter()
        .map(|(name, objects)| (name, false, objects));
    let mut found = Vec::new();
    let mut vmauths = 0;
    let mut grafanas = 0;
    for (name, anonymous_read, items) in rendered.chain(committed) {
        if let Some(s) = items.iter().find(|i| i["kind"] == "Secret") {
            found.push(format!("{name}: a Secret {}", s["metadata"]["name"]));
        }
        let values = &helm_release(&items)["spec"]["values"];
        if values.pointer("/vmauth/enabled") == Some(&json!(true)) {
            vmauths += 1;
            let spec = &values["vmauth"]["spec"];
            if spec.get("unauthorizedAccessConfig").is_some() {
                found.push(format!("{name}: vmauth has an unauthorizedAccessConfig"));
            }
            let access = &spec["unauthorizedUserAccessSpec"];
            if anonymous_read {
                // Reads only: every anonymous route is a /select path.
                for route in access["url_map"].as_array().unwrap() {
                    for p in route["src_paths"].as_array().unwrap() {
                        if !p.as_str().unwrap().starts_with("/select/") {
                            found.push(format!("{name}: anonymous route {p}"));
                        }
                    }
                }
            } else if access != &json!({"disabled": true}) {
                found.push(format!("{name}: vmauth without credentials: {access}"));
            }
        }
        if values.pointer("/grafana/enabled") == Some(&json!(true)) {
            grafanas += 1;
            let ini = &values["grafana"]["grafana.ini"];
            if ini["auth.anonymous"]["enabled"] != json!(false) {
                found.push(format!("{name}: Grafana's anonymous access is not off"));
            }
            if ini["users"]["allow_sign_up"] != json!(false) {
                found.push(format!("{name}: Grafana's sign-up is not off"));
            }
            if values
                .pointer("/grafana/env/GF_AUTH_ANONYMOUS_ENABLED")
                .is_some()
            {
                found.push(format!("{name}: GF_AUTH_ANONYMOUS_ENABLED"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    assert!(
        vmauths >= 8 && grafanas >= 8,
        "{vmauths} vmauths, {grafanas} Grafanas"
    );
}

#[test]
fn network_policies_are_on_unless_the_intent_turns_them_off() {
    let mut with = 0;
    for (path, (name, items)) in valid_intents().into_iter().zip(rendered_valid_intents()) {
        let off = read_yaml(&path).pointer("/spec/networkPolicies/enabled") == Some(&json!(false));
        let policies = items
            .iter()
            .filter(|i| i["kind"] == "NetworkPolicy")
            .count();
        if off {
            assert_eq!(policies, 0, "{name}");
        } else {
            assert!(policies > 0, "{name}: no NetworkPolicy");
            with += 1;
        }
    }
    assert!(with >= 15);
}

fn process(spec: Value) -> ResourceList {
    let mut intent = json!({
        "apiVersion": "vmstack.dev/v1alpha1",
        "kind": "VictoriaMetricsStack",
        "metadata": {"name": "vm", "namespace": "observability"},
        "spec": {"role": "global", "flux": {"path": "./vm"}},
    });
    vmstack::render::deep_merge(&mut intent["spec"], &spec);
    function::process(ResourceList::new(Vec::new(), Some(intent)), Layout::Files)
}

fn values_of(out: &ResourceList) -> Value {
    helm_release(&out.items)["spec"]["values"].clone()
}

#[test]
fn a_partial_resources_keeps_every_other_default() {
    let out = process(json!({
        "vmstorage": {"resources": {"limits": {"cpu": 1}}},
        "vmselect": {"resources": {"limits": {"memory": null}}},
        "grafana": {"resources": {"requests": {"memory": "1Gi"}}},
    }));
    let v = values_of(&out);
    assert_eq!(
        v["vmcluster"]["spec"]["vmstorage"]["resources"],
        json!({"limits": {"cpu": "1", "memory": "4Gi"}, "requests": {"cpu": "500m", "memory": "2Gi"}})
    );
    // null drops the default limit, and only it.
    assert_eq!(
        v["vmcluster"]["spec"]["vmselect"]["resources"],
        json!({"limits": {"cpu": "2"}, "requests": {"cpu": "200m", "memory": "500Mi"}})
    );
    // A request above the default limit raises the limit with it.
    assert_eq!(
        v["grafana"]["resources"],
        json!({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "100m", "memory": "1Gi"}})
    );

    let mut agent = json!({
        "apiVersion": "vmstack.dev/v1alpha1",
        "kind": "VictoriaMetricsStack",
        "metadata": {"name": "vm", "namespace": "observability"},
        "spec": {
            "role": "agent", "cluster": "apps",
            "remoteWrite": {"url": "https://vm.example.com"},
            "flux": {"path": "./vm"},
            "kubeStateMetrics": {"resources": {"limits": {"memory": "1Gi"}}},
        },
    });
    let out = function::process(
        ResourceList::new(Vec::new(), Some(agent.take())),
        Layout::Files,
    );
    assert_eq!(
        values_of(&out)["kube-state-metrics"]["resources"],
        json!({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "50m", "memory": "128Mi"}})
    );
}

/// The VMS216 results of an intent, as (severity, path).
fn reopened(out: &ResourceList) -> Vec<(Severity, String)> {
    out.results
        .iter()
        .filter(|r| r.tags.get("code").map(String::as_str) == Some("VMS216"))
        .map(|r| {
            (
                r.severity,
                r.field.as_ref().map(|f| f.path.clone()).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn values_that_reopen_a_safe_default_are_errors() {
    use Severity::Error;
    let cases = [
        (
            json!({"vmauth": {"spec": {"unauthorizedUserAccessSpec": {"disabled": false}}}}),
            "spec.values.vmauth.spec.unauthorizedUserAccessSpec",
        ),
        (
            json!({"vmauth": {"spec": {"unauthorizedAccessConfig": [{"src_paths": ["/.*"], "url_prefix": "http://vminsert:8480"}]}}}),
            "spec.values.vmauth.spec.unauthorizedAccessConfig",
        ),
        (json!({"vmauth": {"spec": null}}), "spec.values.vmauth.spec"),
        (
            json!({"vmcluster": {"spec": {"vmstorage": {"useStrictSecurity": false}}}}),
            "spec.values.vmcluster.spec.vmstorage.useStrictSecurity",
        ),
        (
            json!({"vmalert": {"spec": {"securityContext": {"runAsNonRoot": false}}}}),
            "spec.values.vmalert.spec.securityContext.runAsNonRoot",
        ),
        (
            json!({"alertmanager": {"spec": {"securityContext": {"privileged": true}}}}),
            "spec.values.alertmanager.spec.securityContext.privileged",
        ),
        (
            json!({"grafana": {"containerSecurityContext": {"allowPrivilegeEscalation": true}}}),
            "spec.values.grafana.containerSecurityContext.allowPrivilegeEscalation",
        ),
        (
            json!({"grafana": {"securityContext": null}}),
            "spec.values.grafana.securityContext",
        ),
        (
            json!({"grafana": {"initChownData": {"enabled": true}}}),
            "spec.values.grafana.initChownData.enabled",
        ),
        (
            json!({"grafana": {"grafana.ini": {"auth.anonymous": {"enabled": true, "org_role": "Viewer"}}}}),
            "spec.values.grafana.\"grafana.ini\".\"auth.anonymous\".enabled",
        ),
        (
            json!({"grafana": {"grafana.ini": {"users": {"allow_sign_up": true}}}}),
            "spec.values.grafana.\"grafana.ini\".users.allow_sign_up",
        ),
        (
            json!({"grafana": {"env": {"GF_AUTH_ANONYMOUS_ENABLED": "true"}}}),
            "spec.values.grafana.env.GF_AUTH_ANONYMOUS_ENABLED",
        ),
        (
            json!({"kube-state-metrics": {"securityContext": {"enabled": false}}}),
            "spec.values.kube-state-metrics.securityContext.enabled",
        ),
    ];
    for (values, path) in cases {
        let mut spec = json!({"values": values});
        if path.contains("kube-state-metrics") {
            spec["scrape"] = json!({"kubeStateMetrics": true});
        }
        let out = process(spec);
        assert_eq!(
            reopened(&out),
            [(Error, path.to_string())],
            "{path}: {:#?}",
            out.results
        );
        assert!(
            out.items.iter().all(|i| i["kind"] != "HelmRelease"),
            "{path}: a release that reopens a default must not ship"
        );
    }
}

#[test]
fn what_the_intent_allows_is_a_warning() {
    use Severity::Warning;
    let cases = [
        (
            json!({
                "security": {"relax": ["podSecurity"]},
                "values": {"vmagent": {"spec": {"useStrictSecurity": false}}},
            }),
            "spec.values.vmagent.spec.useStrictSecurity",
        ),
        (
            json!({
                "security": {"relax": ["grafanaAnonymous"]},
                "values": {"grafana": {"grafana.ini": {"auth.anonymous": {"enabled": true}}}},
            }),
            "spec.values.grafana.\"grafana.ini\".\"auth.anonymous\".enabled",
        ),
        (
            json!({
                "vmauth": {"anonymousRead": true},
                "values": {"vmauth": {"spec": {"unauthorizedUserAccessSpec": {"url_map": [{
                    "src_paths": ["/select/.*", "/insert/.*"],
                    "url_prefix": ["http://vminsert-vm.observability.svc:8480/"],
                }]}}}},
            }),
            "spec.values.vmauth.spec.unauthorizedUserAccessSpec",
        ),
    ];
    for (spec, path) in cases {
        let out = process(spec);
        assert_eq!(
            reopened(&out),
            [(Warning, path.to_string())],
            "{path}: {:#?}",
            out.results
        );
        assert!(
            out.items.iter().any(|i| i["kind"] == "HelmRelease"),
            "{path}"
        );
    }
    // One relaxation does not allow the other.
    let out = process(json!({
        "security": {"relax": ["podSecurity"]},
        "values": {"grafana": {"grafana.ini": {"auth.anonymous": {"enabled": true}}}},
    }));
    assert_eq!(reopened(&out)[0].0, Severity::Error);
    // The operator's strict security stays off only where the values say so: the rest of the
    // stack keeps it.
    let out = process(json!({
        "security": {"relax": ["podSecurity"]},
        "values": {"vmagent": {"spec": {"useStrictSecurity": false}}},
    }));
    let v = values_of(&out);
    assert_eq!(v["vmalert"]["spec"]["useStrictSecurity"], true);
    assert_eq!(
        v["vmagent"]["spec"]["securityContext"]["runAsNonRoot"],
        true
    );
}
