//! Rules that span fields: each one is a way a syntactically valid intent still breaks a cluster.

use serde_json::Value;

use super::decode::child;
use super::diagnostic::{Diagnostic, Diagnostics};
use super::model::{Agent, Component, RemoteWriteVia, Role, Stack};
use crate::code::Code;
use crate::operator::{self, Names, Subchart};

pub fn cross_field(s: &Stack, d: &mut Diagnostics) {
    derived_names(s, d);
    match &s.role {
        Role::Global(g) => {
            let storage = g.vmstorage.component.replicas.literal();
            let rf = g.replication_factor.literal();
            let rf_path = &g.replication_factor.path;
            if let (Some(rf), Some(replicas)) = (rf, storage) {
                if *rf == 0 {
                    d.report(
                        Code::OutOfRange,
                        rf_path,
                        "replicationFactor must be at least 1",
                    );
                } else if rf > replicas {
                    d.push(
                        Diagnostic::new(
                            Code::ReplicationAboveReplicas,
                            rf_path,
                            format!(
                                "replicationFactor {rf} is above the {replicas} vmstorage replicas: \
                                 vminsert cannot place {rf} copies of a sample"
                            ),
                        )
                        .with_proposed(Value::from(*replicas)),
                    );
                }
            }
            let storage_max = &g.vmstorage.component.max_unavailable;
            if let Some(rf) = rf
                && let Some(max) = storage_max.literal()
                && *rf >= 2
                && max >= rf
            {
                d.report(
                    Code::DisruptionTooLarge,
                    &storage_max.path,
                    format!(
                        "maxUnavailable {} lets a drain take down {rf} or more vmstorage nodes at once, \
                         which with replicationFactor {rf} makes some samples unreadable; use at most {}",
                        max,
                        rf - 1
                    ),
                );
            }
            let components = [
                &g.vmstorage.component,
                &g.vmselect.component,
                &g.vminsert,
                &g.vmalert.component,
                &g.alertmanager.component,
                &g.vmauth.component,
            ];
            for c in components {
                disruption(c, d);
            }
            let replicas = &g.grafana.replicas;
            if g.grafana.enabled && replicas.value > 1 && g.grafana.persistence.is_some() {
                d.report(
                    Code::GrafanaReplicasNeedDatabase,
                    &replicas.path,
                    format!(
                        "{} Grafana replicas cannot share one ReadWriteOnce volume holding SQLite: set \
                         grafana.persistence.enabled: false and give Grafana an external database \
                         (values.grafana.grafana.ini.database), or keep 1 replica",
                        replicas.value
                    ),
                );
            }
            if g.grafana.enabled && replicas.value > 1 && g.grafana.persistence.is_none() {
                let has_db = s
                    .values
                    .get("grafana")
                    .and_then(|v| v.get("grafana.ini"))
                    .and_then(|v| v.get("database"))
                    .and_then(|v| v.get("type"))
                    .is_some();
                if !has_db {
                    d.report(
                        Code::GrafanaReplicasNeedDatabase,
                        &replicas.path,
                        "Grafana replicas above 1 need an external database: set \
                         values.grafana.grafana.ini.database (type, host, name, user, and the \
                         password as $__file{/path} or $__env{NAME}: the Grafana chart refuses a \
                         password written out)",
                    );
                }
            }
        }
        Role::Agent(a) => {
            disruption(&a.vmagent, d);
            agent_networking(s, a, d);
            super::access_check::agent(s, d);
        }
    }
    if let Role::Global(g) = &s.role {
        super::access_check::global(s, g, d);
    }
    values_conflicts(s, d);
}

fn disruption(c: &Component, d: &mut Diagnostics) {
    let Some(max) = c.max_unavailable.literal() else {
        return;
    };
    let path = &c.max_unavailable.path;
    if let Some(replicas) = c.replicas.literal()
        && *replicas > 1
        && max >= replicas
    {
        d.report(
            Code::DisruptionTooLarge,
            path,
            format!("maxUnavailable {max} of {replicas} replicas lets a node drain evict every pod at once"),
        );
    }
    if *max == 0 {
        d.report(
            Code::DisruptionTooLarge,
            path,
            "maxUnavailable 0 blocks every voluntary eviction, so node drains never finish",
        );
    }
}

/// Names the operator and chart derive from the release must stay within Kubernetes' limits, or
/// the objects are not created (a StatefulSet's pods get a `controller-revision-hash` label of
/// name plus 11 characters, which must fit in 63).
fn derived_names(s: &Stack, d: &mut Diagnostics) {
    let names = s.names();
    use operator::Component as C;
    let (components, subcharts): (&[C], &[Subchart]) = match &s.role {
        Role::Global(_) => (
            &[
                C::VmStorage,
                C::VmSelect,
                C::VmInsert,
                C::VmAlert,
                C::VmAuth,
                C::VmAlertmanager,
                C::VmAgent,
            ],
            &[Subchart::Grafana],
        ),
        Role::Agent(_) => (
            &[C::VmAgent],
            &[Subchart::KubeStateMetrics, Subchart::NodeExporter],
        ),
    };
    for (object, limit) in names.derived_names(components, subcharts) {
        if object.len() > limit {
            d.report(
                Code::NameTooLong,
                &s.release.path,
                format!(
                    "{:?} is too long: it makes {object:?} ({} characters, at most {limit} allowed); \
                     shorten the name or set spec.releaseName",
                    s.release.value,
                    object.len()
                ),
            );
            return;
        }
    }
}

/// The `values` escape hatch must not undo what vmstack relies on.
fn values_conflicts(s: &Stack, d: &mut Diagnostics) {
    let v = &s.values.value;
    let values_path = |rest: &str| child(&s.values.path, rest);
    let at = |path: &[&str]| -> Option<&Value> {
        let mut cur = v.get(path[0])?;
        for p in &path[1..] {
            cur = cur.get(p)?;
        }
        Some(cur)
    };
    if at(&["vmsingle", "enabled"]) == Some(&Value::Bool(true)) {
        d.report(
            Code::ValuesConflict,
            &values_path("vmsingle.enabled"),
            match s.role {
                Role::Global(_) => "vmsingle cannot be enabled: the chart refuses to render vmsingle beside vmcluster",
                Role::Agent(_) => "vmsingle cannot be enabled: an agent forwards everything and stores nothing locally",
            },
        );
    }
    if at(&["victoria-metrics-operator", "enabled"]).is_some_and(|v| v != &Value::Bool(false)) {
        d.report(
            Code::ValuesConflict,
            &values_path("victoria-metrics-operator.enabled"),
            "the operator cannot run in this release: it is a cluster-wide controller with its own \
             release and CRDs (this release skips CRDs), and vmstack does not secure the chart's copy \
             of it; install it as docs/prerequisites.md says",
        );
    }
    if let Some(f) = at(&["fullnameOverride"])
        && f.as_str() != Some(s.release.as_str())
    {
        d.report(
            Code::ValuesConflict,
            &values_path("fullnameOverride"),
            "fullnameOverride is set from the release name: every generated name, selector and health \
             check depends on it; set spec.releaseName instead",
        );
    }
    rule_switches_in_values(s, d);
    let pdb_paths: [&[&str]; 6] = [
        &["vmcluster", "spec", "vmstorage", "podDisruptionBudget"],
        &["vmcluster", "spec", "vmselect", "podDisruptionBudget"],
        &["vmcluster", "spec", "vminsert", "podDisruptionBudget"],
        &["vmalert", "spec", "podDisruptionBudget"],
        &["alertmanager", "spec", "podDisruptionBudget"],
        &["vmagent", "spec", "podDisruptionBudget"],
    ];
    for p in pdb_paths {
        if at(p).is_some() {
            d.report(
                Code::ValuesConflict,
                &values_path(&p.join(".")),
                "vmstack already emits a PodDisruptionBudget for these pods; a second one from the \
                 operator makes the eviction API refuse every eviction (set maxUnavailable on the \
                 component instead)",
            );
        }
    }
}

/// Networking fields an agent cannot use, and the stub Service name a cross-cluster write needs.
fn agent_networking(s: &Stack, a: &Agent, d: &mut Diagnostics) {
    if let Some(receivers) = &s.network.alertmanager_receivers {
        d.report(
            Code::WrongRole,
            &receivers.path,
            "alertmanagerReceivers applies to role global (an agent runs no Alertmanager)",
        );
    }
    if let RemoteWriteVia::CrossCluster(t) = &a.remote_write.via {
        let service = Names::new(&t.release, &t.namespace, &s.cluster_domain)
            .service(operator::Component::VmInsert);
        if service.len() > 63 {
            d.report(
                Code::NameTooLong,
                &t.release.path,
                format!(
                    "{service:?} ({} characters) is longer than a Service name may be (63)",
                    service.len()
                ),
            );
        }
    }
}

/// The chart's rule switches belong in `rules.defaultRules` / `rules.defaultGroups`: vmstack reads
/// them there to decide which health alerts the chart already covers. Flipped through `values`
/// behind its back, a condition would be watched twice, or by nobody.
fn rule_switches_in_values(s: &Stack, d: &mut Diagnostics) {
    let Some(default_rules) = s.values.get("defaultRules") else {
        return;
    };
    let switches = s.chart.line.rules_switch_keys();
    let values_path = |rest: &str| child(&s.values.path, rest);
    for switch in switches {
        if default_rules.get(switch).is_some() {
            d.report(
                Code::ValuesConflict,
                &values_path(&format!("defaultRules.{switch}")),
                "switch the chart's default rules with rules.defaultRules: vmstack decides from it \
                 which health alerts the chart already covers",
            );
        }
    }
    let groups = default_rules.get("groups").and_then(Value::as_object);
    for ((name, group), switch) in groups
        .into_iter()
        .flatten()
        .flat_map(|g| switches.iter().map(move |s| (g, s)))
    {
        if group.get(switch).is_some() {
            d.report(
                Code::ValuesConflict,
                &values_path(&format!("defaultRules.groups.{name}.{switch}")),
                format!(
                    "switch chart rule group {name:?} with rules.defaultGroups: vmstack decides \
                     from it which health alerts the chart already covers"
                ),
            );
        }
    }
}
