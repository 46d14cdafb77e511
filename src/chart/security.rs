//! The safe defaults of every workload the chart runs: where each chart line reads a pod's and
//! a container's security context and resources, and what vmstack puts there.
//!
//! They are laid *under* the release's values once the intent's `values` are merged: a key the
//! values set wins, a key they leave out gets vmstack's, so a partial security context still
//! keeps the rest. [`weakenings`] then finds what the values turned off.
//!
//! The operator's custom resources take `useStrictSecurity` and one `securityContext` holding
//! both the pod's and the containers' fields (the operator copies the container half to every
//! container it adds, config reloaders included). The subcharts (Grafana, kube-state-metrics,
//! node-exporter) and 0.91's sync Job take a pod context and a container context of their own.
//! node-exporter keeps the host network, PID namespace and root filesystem mount it needs to
//! report on the node: the one exception, documented in docs/security.md.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::flux::typed;
use crate::intent::Agent;
use crate::intent::chart_line::ChartLine;
use crate::intent::scalar::ToJson;
use crate::tree::tree;

/// The user the VictoriaMetrics images and the chart's exporters run as ("nobody").
pub const NOBODY: u32 = 65534;
/// The user the Grafana image runs as.
pub const GRAFANA_USER: u32 = 472;

/// One workload the chart runs, and the values vmstack lays under its section.
#[derive(Debug, Clone)]
pub struct Workload {
    pub name: &'static str,
    /// Values that must all be on (after the chart's defaults) for the chart to run it.
    pub when: Vec<Vec<&'static str>>,
    /// The values section the settings go to.
    pub at: Vec<&'static str>,
    pub safe: Value,
}

/// A container that runs as no one in particular, with nothing it does not need.
pub fn container_context() -> Value {
    tree!({
        "runAsNonRoot": true,
        "privileged": false,
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    })
}

/// A pod of `user`, its volumes owned by the user's group.
pub fn pod_context(user: u32) -> Value {
    tree!({
        "runAsNonRoot": true,
        "runAsUser": user,
        "runAsGroup": user,
        "fsGroup": user,
        "seccompProfile": {"type": "RuntimeDefault"},
    })
}

/// The one context a VictoriaMetrics custom resource takes: the pod's fields and the
/// containers', as the operator's strict security would write them.
fn operator_context() -> Value {
    let mut sc = pod_context(NOBODY);
    sc["fsGroupChangePolicy"] = Value::from("OnRootMismatch");
    for (k, v) in container_context().as_object().into_iter().flatten() {
        sc[k] = v.clone();
    }
    sc
}

/// What every config reloader (and config-init container) the operator adds may use: the
/// operator requests 10m and 25Mi by default and sets no limit.
fn config_reloader_resources() -> Value {
    tree!({"requests": {"cpu": "10m", "memory": "25Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}})
}

/// Grafana's sidecars (dashboards, data sources) share one resources value.
fn sidecar_resources() -> Value {
    tree!({"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}})
}

fn sync_job_resources() -> Value {
    tree!({"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}})
}

/// An operator-made workload: strict security and the explicit context. The explicit context
/// also keeps chart 0.91 from injecting its own (user 1000, nothing else) into an Alertmanager
/// with a volume.
fn operator_spec(reloader: bool) -> Value {
    let mut spec = tree!({"useStrictSecurity": true, "securityContext": operator_context()});
    if reloader {
        spec["configReloaderResources"] = config_reloader_resources();
    }
    spec
}

/// A writable `/tmp` beside a read-only root filesystem (Grafana and its Python sidecars write
/// temporary files there).
fn tmp_mount() -> Value {
    tree!([{"name": "tmp", "mountPath": "/tmp"}])
}

fn grafana() -> Value {
    tree!({
        "securityContext": pod_context(GRAFANA_USER),
        "containerSecurityContext": container_context(),
        // It runs as root to change the volume's owner; the pod's fsGroup already gives the
        // volume to Grafana's group.
        "initChownData": {"enabled": false},
        "extraEmptyDirMounts": tmp_mount(),
        "sidecar": {
            "securityContext": container_context(),
            "resources": sidecar_resources(),
            "dashboards": {"extraMounts": tmp_mount()},
            "datasources": {"extraMounts": tmp_mount()},
        },
        "grafana.ini": {
            "auth.anonymous": {"enabled": false},
            "users": {"allow_sign_up": false},
        },
    })
}

fn exporter(pod: Value, resources: Value) -> Value {
    tree!({
        "securityContext": pod,
        "containerSecurityContext": container_context(),
        "resources": resources,
    })
}

/// Every workload a chart line can run, in a fixed order.
pub fn workloads(line: ChartLine) -> &'static [Workload] {
    static WORKLOADS: [OnceLock<Vec<Workload>>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = match line {
        ChartLine::V0_61 => &WORKLOADS[0],
        ChartLine::V0_91 => &WORKLOADS[1],
    };
    slot.get_or_init(|| build_workloads(line))
}

fn build_workloads(line: ChartLine) -> Vec<Workload> {
    let cr = |name, switch: &'static str, at: Vec<&'static str>, reloader| Workload {
        name,
        when: vec![vec![switch, "enabled"]],
        at,
        safe: operator_spec(reloader),
    };
    let mut ksm_pod = pod_context(NOBODY);
    // The chart writes the pod context only while this is on.
    ksm_pod["enabled"] = Value::Bool(true);
    let mut out = vec![
        Workload {
            name: "VMCluster",
            when: vec![vec!["vmcluster", "enabled"]],
            at: vec!["vmcluster", "spec"],
            safe: tree!({"useStrictSecurity": true}),
        },
        cr(
            "vmstorage",
            "vmcluster",
            vec!["vmcluster", "spec", "vmstorage"],
            false,
        ),
        cr(
            "vmselect",
            "vmcluster",
            vec!["vmcluster", "spec", "vmselect"],
            false,
        ),
        cr(
            "vminsert",
            "vmcluster",
            vec!["vmcluster", "spec", "vminsert"],
            false,
        ),
        Workload {
            name: "VMCluster requests load balancer",
            when: vec![
                vec!["vmcluster", "enabled"],
                vec!["vmcluster", "spec", "requestsLoadBalancer", "enabled"],
            ],
            at: vec!["vmcluster", "spec", "requestsLoadBalancer", "spec"],
            safe: operator_spec(false),
        },
        cr("VMSingle", "vmsingle", vec!["vmsingle", "spec"], false),
        cr("VMAgent", "vmagent", vec!["vmagent", "spec"], true),
        cr("VMAlert", "vmalert", vec!["vmalert", "spec"], true),
        cr(
            "VMAlertmanager",
            "alertmanager",
            vec!["alertmanager", "spec"],
            true,
        ),
        cr("VMAuth", "vmauth", vec!["vmauth", "spec"], true),
        Workload {
            name: "Grafana",
            when: vec![vec!["grafana", "enabled"]],
            at: vec!["grafana"],
            safe: grafana(),
        },
        Workload {
            name: "Grafana's dashboard download",
            when: vec![vec!["grafana", "enabled"], vec!["grafana", "dashboards"]],
            at: vec!["grafana", "downloadDashboards"],
            safe: tree!({"securityContext": container_context(), "resources": sidecar_resources()}),
        },
        Workload {
            name: "kube-state-metrics",
            when: vec![vec!["kube-state-metrics", "enabled"]],
            at: vec!["kube-state-metrics"],
            safe: exporter(ksm_pod, Agent::default_kube_state_metrics().to_json()),
        },
        Workload {
            name: "node-exporter",
            when: vec![vec!["prometheus-node-exporter", "enabled"]],
            at: vec!["prometheus-node-exporter"],
            safe: exporter(
                pod_context(NOBODY),
                Agent::default_node_exporter().to_json(),
            ),
        },
    ];
    if line.has_sync_job() {
        out.push(Workload {
            name: "sync Job",
            when: vec![vec!["syncJob", "enabled"]],
            at: vec!["syncJob"],
            safe: tree!({
                "podSecurityContext": pod_context(NOBODY),
                "containerSecurityContext": container_context(),
                "resources": sync_job_resources(),
            }),
        });
    }
    out
}

/// The workloads the chart runs with these values (the chart's defaults under them).
pub fn running(line: ChartLine, values: &Value) -> Vec<&'static Workload> {
    let defaults = super::defaults::tree(line);
    workloads(line)
        .iter()
        .filter(|w| {
            w.when
                .iter()
                .all(|p| super::values::is_on_coalesced(defaults, values, p))
        })
        .collect()
}

/// Lays the safe defaults under the values of every workload the chart runs with them.
pub fn harden(line: ChartLine, values: &mut Value) {
    for w in running(line, values) {
        if let Some(section) = section_mut(values, &w.at) {
            lay_under(&w.safe, section);
        }
    }
}

/// The section at `path`, made where it is missing; `None` where the values put something
/// else than a mapping on the way (a `null` deleting it, say), which is theirs to keep.
fn section_mut<'v>(values: &'v mut Value, path: &[&str]) -> Option<&'v mut Value> {
    let mut cur = values;
    for key in path {
        let m = cur.as_object_mut()?;
        cur = m
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    cur.is_object().then_some(cur)
}

/// Keys whose value is taken whole: resources given by the values replace vmstack's default.
const WHOLE: &[&str] = &["resources", "configReloaderResources"];

/// `safe` under `values`: what the values have stays, what they lack is added. A list of named
/// items (volume mounts) gets the safe items whose name it does not have.
fn lay_under(safe: &Value, values: &mut Value) {
    if typed::is_template(values) {
        return;
    }
    match (safe, values) {
        (Value::Object(s), Value::Object(v)) => {
            for (k, sv) in s {
                match v.get_mut(k) {
                    None => {
                        v.insert(k.clone(), sv.clone());
                    }
                    Some(existing) if !WHOLE.contains(&k.as_str()) => lay_under(sv, existing),
                    Some(_) => {}
                }
            }
        }
        (Value::Array(s), Value::Array(v)) => {
            let name = |x: &Value| x.get("name").and_then(Value::as_str).map(str::to_owned);
            for item in s {
                let Some(n) = name(item) else { continue };
                if !v.iter().any(|x| name(x).as_deref() == Some(&n)) {
                    v.push(item.clone());
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_win_and_what_they_lack_is_added() {
        let mut v = json!({
            "grafana": {
                "enabled": true,
                "containerSecurityContext": {"runAsUser": 1000, "capabilities": {"add": ["NET_RAW"]}},
                "extraEmptyDirMounts": [{"name": "cache", "mountPath": "/cache"}],
                "sidecar": {"resources": {"limits": {"cpu": "1"}}},
            },
            "kube-state-metrics": {"enabled": false},
        });
        harden(ChartLine::V0_91, &mut v);
        let g = &v["grafana"];
        assert_eq!(g["containerSecurityContext"]["runAsUser"], 1000);
        assert_eq!(
            g["containerSecurityContext"]["readOnlyRootFilesystem"],
            true
        );
        assert_eq!(
            g["containerSecurityContext"]["capabilities"],
            json!({"add": ["NET_RAW"], "drop": ["ALL"]})
        );
        assert_eq!(
            g["extraEmptyDirMounts"],
            json!([{"name": "cache", "mountPath": "/cache"}, {"name": "tmp", "mountPath": "/tmp"}])
        );
        // Resources given are taken whole.
        assert_eq!(g["sidecar"]["resources"], json!({"limits": {"cpu": "1"}}));
        assert_eq!(v["kube-state-metrics"], json!({"enabled": false}));
    }

    #[test]
    fn a_section_the_values_delete_stays_deleted() {
        let mut v = json!({"grafana": {"enabled": true, "securityContext": null}});
        harden(ChartLine::V0_61, &mut v);
        assert_eq!(v["grafana"]["securityContext"], Value::Null);
        assert_eq!(v["grafana"]["initChownData"]["enabled"], false);
    }

    #[test]
    fn workloads_follow_the_charts_own_switches() {
        // vmagent, vmalert, Alertmanager, Grafana, vmsingle and both exporters are on by
        // default; vmauth, vmcluster and 0.61's missing sync Job are not.
        let names: Vec<&str> = running(ChartLine::V0_61, &json!({}))
            .iter()
            .map(|w| w.name)
            .collect();
        assert_eq!(
            names,
            [
                "VMSingle",
                "VMAgent",
                "VMAlert",
                "VMAlertmanager",
                "Grafana",
                "kube-state-metrics",
                "node-exporter"
            ]
        );
        let on_091 = running(ChartLine::V0_91, &json!({"vmauth": {"enabled": true}}));
        assert!(on_091.iter().any(|w| w.name == "VMAuth"));
        assert!(on_091.iter().any(|w| w.name == "sync Job"));
    }
}
