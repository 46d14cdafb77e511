//! Rules that span fields: each one is a way a syntactically valid intent still breaks a cluster.

use serde_json::Value;

use super::diagnostic::{Code, Diagnostic, Diagnostics};
use super::model::{Agent, Component, RemoteWriteVia, Role, Stack};
use crate::operator::Names;

pub fn cross_field(s: &Stack, d: &mut Diagnostics) {
    derived_names(s, d);
    match &s.role {
        Role::Global(g) => {
            let storage = g.vmstorage.component.replicas.literal();
            let rf = g.replication_factor.literal();
            if let (Some(rf), Some(replicas)) = (rf, storage) {
                if *rf == 0 {
                    d.report(
                        Code::OutOfRange,
                        "spec.replicationFactor",
                        "replicationFactor must be at least 1",
                    );
                } else if rf > replicas {
                    d.push(
                        Diagnostic::new(
                            Code::ReplicationAboveReplicas,
                            "spec.replicationFactor",
                            format!(
                                "replicationFactor {rf} is above the {replicas} vmstorage replicas: \
                                 vminsert cannot place {rf} copies of a sample"
                            ),
                        )
                        .with_proposed(Value::from(*replicas)),
                    );
                }
            }
            if let Some(rf) = rf
                && let Some(max) = g.vmstorage.component.max_unavailable.literal()
                && *rf >= 2
                && max >= rf
            {
                d.report(
                    Code::DisruptionTooLarge,
                    "spec.vmstorage.maxUnavailable",
                    format!(
                        "maxUnavailable {} lets a drain take down {rf} or more vmstorage nodes at once, \
                         which with replicationFactor {rf} makes some samples unreadable; use at most {}",
                        max,
                        rf - 1
                    ),
                );
            }
            let components: [(&str, &Component); 6] = [
                ("vmstorage", &g.vmstorage.component),
                ("vmselect", &g.vmselect.component),
                ("vminsert", &g.vminsert),
                ("vmalert", &g.vmalert.component),
                ("alertmanager", &g.alertmanager.component),
                ("vmauth", &g.vmauth.component),
            ];
            for (key, c) in components {
                disruption(key, c, d);
            }
            if g.grafana.enabled && g.grafana.replicas > 1 && g.grafana.persistence.is_some() {
                d.report(
                    Code::GrafanaReplicasNeedDatabase,
                    "spec.grafana.replicas",
                    format!(
                        "{} Grafana replicas cannot share one ReadWriteOnce volume holding SQLite: set \
                         grafana.persistence.enabled: false and give Grafana an external database \
                         (values.grafana.grafana.ini.database), or keep 1 replica",
                        g.grafana.replicas
                    ),
                );
            }
            if g.grafana.enabled && g.grafana.replicas > 1 && g.grafana.persistence.is_none() {
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
                        "spec.grafana.replicas",
                        "Grafana replicas above 1 need an external database: set \
                         values.grafana.grafana.ini.database (type, host, name, user, and the \
                         password as $__file{/path} or $__env{NAME}: the Grafana chart refuses a \
                         password written out)",
                    );
                }
            }
        }
        Role::Agent(a) => {
            disruption("vmagent", &a.vmagent, d);
            agent_networking(s, a, d);
        }
    }
    values_conflicts(s, d);
}

fn disruption(key: &str, c: &Component, d: &mut Diagnostics) {
    let Some(max) = c.max_unavailable.literal() else {
        return;
    };
    if let Some(replicas) = c.replicas.literal()
        && *replicas > 1
        && max >= replicas
    {
        d.report(
            Code::DisruptionTooLarge,
            &format!("spec.{key}.maxUnavailable"),
            format!("maxUnavailable {max} of {replicas} replicas lets a node drain evict every pod at once"),
        );
    }
    if *max == 0 {
        d.report(
            Code::DisruptionTooLarge,
            &format!("spec.{key}.maxUnavailable"),
            "maxUnavailable 0 blocks every voluntary eviction, so node drains never finish",
        );
    }
}

/// Names the operator and chart derive from the release must stay within Kubernetes' limits, or
/// the objects are not created (a StatefulSet's pods get a `controller-revision-hash` label of
/// name plus 11 characters, which must fit in 63).
fn derived_names(s: &Stack, d: &mut Diagnostics) {
    let names = Names::new(&s.release, &s.namespace, &s.cluster_domain);
    let path = if s.release == s.name {
        "metadata.name"
    } else {
        "spec.releaseName"
    };
    for (object, limit) in names.derived_names(&s.role) {
        if object.len() > limit {
            d.report(
                Code::NameTooLong,
                path,
                format!(
                    "{:?} is too long: it makes {object:?} ({} characters, at most {limit} allowed); \
                     shorten the name or set spec.releaseName",
                    s.release,
                    object.len()
                ),
            );
            return;
        }
    }
}

/// The `values` escape hatch must not undo what vmstack relies on.
fn values_conflicts(s: &Stack, d: &mut Diagnostics) {
    let v = &s.values;
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
            "spec.values.vmsingle.enabled",
            match s.role {
                Role::Global(_) => "vmsingle cannot be enabled: the chart refuses to render vmsingle beside vmcluster",
                Role::Agent(_) => "vmsingle cannot be enabled: an agent forwards everything and stores nothing locally",
            },
        );
    }
    if let Some(f) = at(&["fullnameOverride"])
        && f.as_str() != Some(s.release.as_str())
    {
        d.report(
            Code::ValuesConflict,
            "spec.values.fullnameOverride",
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
                &format!("spec.values.{}", p.join(".")),
                "vmstack already emits a PodDisruptionBudget for these pods; a second one from the \
                 operator makes the eviction API refuse every eviction (set maxUnavailable on the \
                 component instead)",
            );
        }
    }
}

/// Networking fields an agent cannot use, and the stub Service name a cross-cluster write needs.
fn agent_networking(s: &Stack, a: &Agent, d: &mut Diagnostics) {
    if s.network.alertmanager_receivers.is_some() {
        d.report(
            Code::WrongRole,
            "spec.networkPolicies.alertmanagerReceivers",
            "alertmanagerReceivers applies to role global (an agent runs no Alertmanager)",
        );
    }
    if let RemoteWriteVia::CrossCluster(t) = &a.remote_write.via {
        let service = Names::new(&t.release, &t.namespace, &s.cluster_domain)
            .service(crate::operator::Component::VmInsert);
        if service.len() > 63 {
            d.report(
                Code::NameTooLong,
                "spec.remoteWrite.release",
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
    let switches = s.chart.line().rules_switch_keys();
    for switch in switches {
        if default_rules.get(switch).is_some() {
            d.report(
                Code::ValuesConflict,
                &format!("spec.values.defaultRules.{switch}"),
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
                &format!("spec.values.defaultRules.groups.{name}.{switch}"),
                format!(
                    "switch chart rule group {name:?} with rules.defaultGroups: vmstack decides \
                     from it which health alerts the chart already covers"
                ),
            );
        }
    }
}
