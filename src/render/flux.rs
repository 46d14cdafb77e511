//! The Flux Kustomization that applies the rendered folder, with health checks that mean ready.
//!
//! VM custom resources report `status.updateStatus` and no Ready condition, and their
//! observedGeneration is set while still expanding, so Flux's default check passes too early:
//! `healthCheckExprs` give them a real rule. `wait: true` would make Flux ignore the explicit
//! list, so it is left off.

use serde_json::{Map, Value};

use crate::tree::tree;

use super::{Generated, files, metadata_in};
use crate::flux::pipeline::Strategy;
use crate::intent::scalar::ToJson;
use crate::intent::{Flux, Role, Stack};
use crate::operator::{Component as C, Names, Workload};

const VM_API: &str = "operator.victoriametrics.com/v1beta1";

fn check(api_version: &str, kind: &str, name: &str, namespace: &str) -> Value {
    tree!({"apiVersion": api_version, "kind": kind, "name": name, "namespace": namespace})
}

fn workload_check(names: &Names, c: C) -> Value {
    check(
        "apps/v1",
        c.workload().kind(),
        &names.workload(c),
        names.namespace(),
    )
}

/// The objects whose health decides whether the stack is ready, workloads first.
pub fn health_checks(stack: &Stack, names: &Names) -> Vec<Value> {
    let ns = names.namespace();
    let mut checks = vec![check(
        "helm.toolkit.fluxcd.io/v2",
        "HelmRelease",
        &stack.release,
        ns,
    )];
    let mut custom = Vec::new();
    match &stack.role {
        Role::Global(g) => {
            let mut components = vec![
                C::VmStorage,
                C::VmSelect,
                C::VmInsert,
                C::VmAlert,
                C::VmAlertmanager,
            ];
            if g.vmauth.enabled {
                components.push(C::VmAuth);
            }
            if g.vmagent.enabled {
                components.push(C::VmAgent);
            }
            for c in &components {
                checks.push(workload_check(names, *c));
            }
            if g.grafana.enabled {
                checks.push(check(
                    "apps/v1",
                    Workload::Deployment.kind(),
                    &names.grafana(),
                    ns,
                ));
            }
            let mut kinds: Vec<&str> = components.iter().map(|c| c.custom_resource()).collect();
            kinds.dedup();
            for kind in kinds {
                custom.push(check(VM_API, kind, names.custom_resource(), ns));
            }
        }
        Role::Agent(_) => {
            checks.push(workload_check(names, C::VmAgent));
            custom.push(check(VM_API, "VMAgent", names.custom_resource(), ns));
        }
    }
    if stack.scrape.kube_state_metrics {
        checks.push(check(
            "apps/v1",
            "Deployment",
            &names.kube_state_metrics(),
            ns,
        ));
    }
    if stack.scrape.node_exporter {
        checks.push(check("apps/v1", "DaemonSet", &names.node_exporter(), ns));
    }
    checks.extend(custom);
    for (api_version, kind, name) in super::access::health_objects(stack) {
        checks.push(check(api_version, kind, &name, ns));
    }
    checks
}

fn health_check_exprs(checks: &[Value]) -> Vec<Value> {
    let mut kinds: Vec<&str> = checks
        .iter()
        .filter(|c| c["apiVersion"] == VM_API)
        .filter_map(|c| c["kind"].as_str())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| {
            tree!({
                "apiVersion": VM_API,
                "kind": kind,
                "current": "has(status.updateStatus) && status.updateStatus == 'operational'",
                "failed": "has(status.updateStatus) && status.updateStatus == 'failed'",
            })
        })
        .collect()
}

/// The Kustomization; `substituted` says whether Flux's substitution would change any of the
/// other objects.
/// `postBuild`, unless there is nothing to substitute: the default `cluster-settings` source is
/// left out when no object reads a variable (or holds a `$$`), so the Kustomization neither
/// needs that ConfigMap on the cluster nor has its objects rewritten by Flux. A source or a
/// strategy the intent names is kept.
fn post_build(f: &Flux, substituted: bool) -> Option<Value> {
    let wanted = substituted || f.substitute_from_given || f.substitute_strategy.is_some();
    if !wanted {
        return None;
    }
    let mut post_build = Map::new();
    if !f.substitute_from.is_empty() {
        let from: Vec<Value> = f
            .substitute_from
            .iter()
            .map(|s| {
                let mut v = tree!({"kind": s.kind, "name": s.name.as_str()});
                if s.optional {
                    v["optional"] = Value::Bool(true);
                }
                v
            })
            .collect();
        post_build.insert("substituteFrom".into(), Value::Array(from));
    }
    let strategy = f.strategy();
    if f.substitute_strategy.is_some() || strategy != Strategy::WithVariables {
        let name = match strategy {
            Strategy::WithVariables => "WithVariables",
            Strategy::Always => "Always",
        };
        post_build.insert("substituteStrategy".into(), tree!(name));
    }
    (!post_build.is_empty()).then_some(Value::Object(post_build))
}

pub fn render(stack: &Stack, names: &Names, substituted: bool) -> Vec<Generated> {
    let f = &stack.flux;
    if !f.enabled {
        return Vec::new();
    }
    let mut spec = Map::new();
    spec.insert("interval".into(), f.interval.to_json());
    if let Some(r) = &f.retry_interval {
        spec.insert("retryInterval".into(), r.to_json());
    }
    spec.insert("timeout".into(), f.timeout.to_json());
    let mut source = tree!({"kind": f.source_ref.kind, "name": f.source_ref.name.as_str()});
    if let Some(ns) = &f.source_ref.namespace {
        source["namespace"] = Value::String(ns.clone());
    }
    spec.insert("sourceRef".into(), source);
    if let Some(p) = &f.path {
        spec.insert("path".into(), p.to_json());
    }
    spec.insert("prune".into(), tree!(f.prune));
    if !f.depends_on.is_empty() {
        let deps: Vec<Value> = f
            .depends_on
            .iter()
            .map(|d| {
                let mut v = tree!({"name": d.name.as_str()});
                if let Some(ns) = &d.namespace {
                    v["namespace"] = Value::String(ns.clone());
                }
                v
            })
            .collect();
        spec.insert("dependsOn".into(), Value::Array(deps));
    }
    if let Some(post_build) = post_build(f, substituted) {
        spec.insert("postBuild".into(), post_build);
    }
    let checks = health_checks(stack, names);
    spec.insert(
        "healthCheckExprs".into(),
        Value::Array(health_check_exprs(&checks)),
    );
    spec.insert("healthChecks".into(), Value::Array(checks));
    vec![Generated {
        file: files::FLUX_KUSTOMIZATION,
        object: tree!({
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": metadata_in(stack, &f.name, &f.namespace),
            "spec": spec,
        }),
    }]
}
