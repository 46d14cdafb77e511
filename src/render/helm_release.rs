//! The Flux HelmRelease of victoria-metrics-k8s-stack (and its chart source when vmstack owns it).

use serde_json::{Map, Value};

use crate::tree::tree;

use super::{Generated, deep_merge, files, metadata};
use crate::flux::typed;
use crate::intent::scalar::{Quantity, Setting, Text, ToJson};
use crate::intent::{Agent, ChartSource, ChartSourceKind, Component, Global, Role, Stack};
use crate::operator::{Component as C, Names, grafana};

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let mut out = Vec::new();
    if let ChartSource::Generated { url } = &stack.chart.source {
        out.push(Generated {
            file: files::HELM_RELEASE,
            object: tree!({
                "apiVersion": "source.toolkit.fluxcd.io/v1",
                "kind": "OCIRepository",
                "metadata": metadata(stack, &chart_source_name(stack)),
                "spec": {
                    "interval": stack.helm.interval.to_json(),
                    "url": url.as_str(),
                    "ref": {"tag": stack.chart.version.as_str()},
                    "layerSelector": {
                        "mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                        "operation": "copy",
                    },
                },
            }),
        });
    }
    out.push(Generated {
        file: files::HELM_RELEASE,
        object: helm_release(stack, names),
    });
    out
}

pub fn chart_source_name(stack: &Stack) -> String {
    format!("{}-chart", stack.release)
}

fn helm_release(stack: &Stack, names: &Names) -> Value {
    let mut spec = Map::new();
    // Pinned so Flux's targetNamespace or a rename never changes the subcharts' names.
    spec.insert(
        "releaseName".into(),
        Value::String(stack.release.to_string()),
    );
    match &stack.chart.source {
        ChartSource::Generated { .. } => {
            spec.insert(
                "chartRef".into(),
                tree!({"kind": "OCIRepository", "name": chart_source_name(stack), "namespace": stack.namespace.as_str()}),
            );
        }
        ChartSource::Existing(r) if r.kind == ChartSourceKind::HelmRepository => {
            let mut source = tree!({"kind": "HelmRepository", "name": r.name.as_str()});
            if let Some(ns) = &r.namespace {
                source["namespace"] = Value::String(ns.clone());
            }
            spec.insert(
                "chart".into(),
                tree!({"spec": {
                    "chart": "victoria-metrics-k8s-stack",
                    "version": stack.chart.version.as_str(),
                    "sourceRef": source,
                }}),
            );
        }
        ChartSource::Existing(r) => {
            let mut chart_ref = tree!({"kind": r.kind, "name": r.name.as_str()});
            if let Some(ns) = &r.namespace {
                chart_ref["namespace"] = Value::String(ns.clone());
            }
            spec.insert("chartRef".into(), chart_ref);
        }
    }
    spec.insert("interval".into(), stack.helm.interval.to_json());
    spec.insert("timeout".into(), stack.helm.timeout.to_json());
    // The operator and its CRDs come from their own release (the chart's operator subchart is
    // switched off in the values), so this release skips the CRDs.
    let remediation = tree!({"retries": stack.helm.retries});
    spec.insert(
        "install".into(),
        tree!({"crds": "Skip", "remediation": remediation}),
    );
    spec.insert(
        "upgrade".into(),
        tree!({"crds": "Skip", "remediation": {"retries": stack.helm.retries, "remediateLastFailure": true}}),
    );
    spec.insert("values".into(), values(stack, names));
    tree!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": metadata(stack, &stack.release),
        "spec": spec,
    })
}

/// The chart values: vmstack's choices first, then the intent's `values`, deep-merged last,
/// and the safe defaults of every workload the chart then runs laid under both (a key either
/// sets wins). What type a variable in `values` must end as is the user's to know, not vmstack's.
pub fn values(stack: &Stack, names: &Names) -> Value {
    let mut v = match &stack.role {
        Role::Global(g) => global_values(stack, g, names),
        Role::Agent(a) => agent_values(stack, a, names),
    };
    let own = typed::any_type(&Value::Object(stack.values.value.clone()));
    deep_merge(&mut v, &own);
    crate::chart::security::harden(stack.chart.line, &mut v);
    v
}

fn component_spec(c: &Component) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("replicaCount".into(), c.replicas.to_json());
    let resources = c.resources.to_json();
    if resources.as_object().is_some_and(|r| !r.is_empty()) {
        m.insert("resources".into(), resources);
    }
    if let Some(p) = &c.priority_class_name {
        m.insert("priorityClassName".into(), p.to_json());
    }
    m
}

fn with_args(
    mut m: Map<String, Value>,
    args: &crate::intent::scalar::ExtraArgs,
) -> Map<String, Value> {
    if !args.0.is_empty() {
        m.insert("extraArgs".into(), args.to_json());
    }
    m
}

fn volume_claim(size: &Setting<Quantity>, storage_class: Option<&Text>) -> Value {
    let mut spec = tree!({
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": size.to_json()}},
    });
    if let Some(sc) = storage_class {
        spec["storageClassName"] = sc.to_json();
    }
    tree!({"volumeClaimTemplate": {"spec": spec}})
}

fn external_labels(stack: &Stack) -> Option<Value> {
    stack
        .cluster
        .as_ref()
        .map(|c| tree!({"cluster": c.to_json()}))
}

fn global_values(stack: &Stack, g: &Global, names: &Names) -> Value {
    let storage_class = g
        .vmstorage
        .storage_class
        .as_ref()
        .or(g.storage_class.as_ref());
    let dedup = g.dedup_interval.to_json();
    let dedup = dedup.as_str().unwrap_or("30s");

    let mut storage_args = g.vmstorage.component.extra_args.clone();
    storage_args.set_default("dedup.minScrapeInterval", dedup);
    let mut vmstorage = with_args(component_spec(&g.vmstorage.component), &storage_args);
    vmstorage.insert(
        "storage".into(),
        volume_claim(&g.vmstorage.size, storage_class),
    );

    let mut select_args = g.vmselect.component.extra_args.clone();
    // Dedup must match vmstorage's, or queries see the duplicates vmstorage dropped.
    select_args.set_default("dedup.minScrapeInterval", dedup);
    select_args.set_default(
        "search.maxPointsPerTimeseries",
        &setting_text(&g.vmselect.max_points_per_timeseries),
    );
    let mut vmselect = with_args(component_spec(&g.vmselect.component), &select_args);
    vmselect.insert("cacheMountPath".into(), Value::from("/select-cache"));
    vmselect.insert(
        "storage".into(),
        volume_claim(&g.vmselect.cache_size, storage_class),
    );

    let mut vminsert = with_args(component_spec(&g.vminsert), &g.vminsert.extra_args);
    if let Some(service) = super::cross_cluster::vminsert_service_spec(stack) {
        vminsert.insert("serviceSpec".into(), service);
    }

    let read_tenant = g.read_tenant();
    let read_url = names.select_url(read_tenant.as_str());
    let mut vmalert_args = g.vmalert.component.extra_args.clone();
    if g.grafana_through_vmauth() {
        super::access_values::alert_source(&mut vmalert_args);
    }
    let mut vmalert = with_args(component_spec(&g.vmalert.component), &vmalert_args);
    vmalert.insert(
        "evaluationInterval".into(),
        g.vmalert.evaluation_interval.to_json(),
    );
    // Straight to vmselect: vmalert is one of the stack's own components, which the policies
    // admit by their pod labels; vmauth is the entry point for everyone else. Over several
    // tenants it reads all of them, and writes its results back through the multitenant write
    // path, where each series' vm_account_id label takes it to the tenant it came from.
    vmalert.insert("datasource".into(), tree!({"url": read_url.as_str()}));
    vmalert.insert("remoteRead".into(), tree!({"url": read_url}));
    if read_tenant.is_multitenant() {
        vmalert.insert(
            "remoteWrite".into(),
            tree!({"url": format!("{}/api/v1/write", names.insert_url(read_tenant.as_str()))}),
        );
    }

    let mut alertmanager = with_args(
        component_spec(&g.alertmanager.component),
        &g.alertmanager.component.extra_args,
    );
    alertmanager.insert("retention".into(), g.alertmanager.retention.to_json());
    alertmanager.insert(
        "storage".into(),
        volume_claim(&g.alertmanager.size, storage_class),
    );

    let mut vmauth = with_args(
        component_spec(&g.vmauth.component),
        &g.vmauth.component.extra_args,
    );
    if g.vmauth.anonymous_read {
        let select = names.service_url(C::VmSelect);
        vmauth.insert(
            "unauthorizedUserAccessSpec".into(),
            tree!({"url_map": [{"src_paths": ["/select/.*"], "url_prefix": [format!("{select}/")]}]}),
        );
    } else {
        // The chart's default opens reads and writes to anyone; `disabled` makes it drop the
        // section, so only VMUser credentials get through.
        vmauth.insert(
            "unauthorizedUserAccessSpec".into(),
            tree!({"disabled": true}),
        );
    }
    super::access_values::vmauth_spec(stack, g, &mut vmauth);

    let mut vmagent = with_args(
        component_spec(&g.vmagent.component),
        &g.vmagent.component.extra_args,
    );
    if let Some(labels) = external_labels(stack) {
        vmagent.insert("externalLabels".into(), labels);
    }

    let mut grafana = Map::new();
    grafana.insert("enabled".into(), tree!(g.grafana.enabled));
    if g.grafana.enabled {
        grafana.insert("replicas".into(), Value::from(g.grafana.replicas.value));
        let resources = g.grafana.resources.to_json();
        if resources.as_object().is_some_and(|r| !r.is_empty()) {
            grafana.insert("resources".into(), resources);
        }
        if g.grafana_through_vmauth() {
            super::access_values::grafana_credentials(stack, &mut grafana);
        }
        if let Some(admin) = &g.grafana.admin {
            grafana.insert(
                "admin".into(),
                tree!({
                    "existingSecret": admin.secret_name.as_str(),
                    "userKey": "admin-user",
                    "passwordKey": "admin-password",
                }),
            );
        }
        match &g.grafana.persistence {
            Some(p) => {
                let mut persistence = tree!({"enabled": true, "size": p.size.to_json()});
                if let Some(sc) = p.storage_class.as_ref().or(g.storage_class.as_ref()) {
                    persistence["storageClassName"] = sc.to_json();
                }
                grafana.insert("persistence".into(), persistence);
            }
            None => {
                grafana.insert("persistence".into(), tree!({"enabled": false}));
            }
        }
    }

    let line = stack.chart.line;
    let switch = line.rules_switch();
    let chart_dashboards = stack.chart_dashboards();
    let mut default_rules = tree!({ switch: g.rules.default_rules });
    if !g.rules.default_groups.is_empty() {
        let groups: Map<String, Value> = g
            .rules
            .default_groups
            .iter()
            .map(|(name, on)| (name.clone(), tree!({ switch: *on })))
            .collect();
        default_rules["groups"] = Value::Object(groups);
    }

    let mut values = tree!({
        "fullnameOverride": stack.release.as_str(),
        "global": {"cluster": {"dnsDomain": names.chart_dns_domain()}},
        "victoria-metrics-operator": {"enabled": false},
        "defaultDashboards": {"enabled": chart_dashboards},
        "defaultRules": default_rules,
        // One data source, which the chart points at vmselect. The chart's default list adds a
        // second one for a Grafana plugin vmstack does not install; an empty list makes the
        // chart fail, since vmalert's alert links name item 0.
        "defaultDatasources": {
            "victoriametrics": {"datasources": [{
                "name": grafana::DATASOURCE_NAME,
                "type": "prometheus",
                "access": "proxy",
                "uid": grafana::DATASOURCE_UID,
                "isDefault": true,
            }]},
        },
        "vmsingle": {"enabled": false},
        "vmcluster": {
            "enabled": true,
            "spec": {
                "retentionPeriod": g.retention.to_json(),
                "replicationFactor": g.replication_factor.to_json(),
                "vmstorage": vmstorage,
                "vmselect": vmselect,
                "vminsert": vminsert,
            },
        },
        "vmalert": {"enabled": true, "spec": vmalert},
        "alertmanager": {"enabled": true, "spec": alertmanager},
        "vmauth": {"enabled": g.vmauth.enabled, "spec": vmauth},
        "vmagent": {"enabled": g.vmagent.enabled, "spec": vmagent},
        "grafana": grafana,
        "kube-state-metrics": exporter_values(stack.scrape.kube_state_metrics, None),
        "prometheus-node-exporter": exporter_values(stack.scrape.node_exporter, None),
    });
    if let Some(job) = line.sync_job_values(stack.sync_job_runs()) {
        values["syncJob"] = job;
    }
    if g.grafana_through_vmauth() {
        super::access_values::grafana_datasource(g, names, &mut values);
    }
    values
}

fn agent_values(stack: &Stack, a: &Agent, names: &Names) -> Value {
    let rw = &a.remote_write;
    let mut remote_write = tree!({
        "url": rw.write_url(),
        "sendTimeout": rw.send_timeout.to_json(),
    });
    if let Some(max) = &rw.max_disk_usage {
        remote_write["maxDiskUsage"] = max.to_json();
    }
    if let Some(c) = &rw.auth {
        for (k, v) in super::access::remote_write_auth(stack, c) {
            remote_write[k] = v;
        }
    }
    let mut settings = tree!({"queues": rw.queues.to_json()});
    if let Some(f) = &rw.flush_interval {
        settings["flushInterval"] = f.to_json();
    }
    let mut args = a.vmagent.extra_args.clone();
    // The intent's maxSamplesPerSend: vmagent's rows per remote-write block.
    args.set_default(
        "remoteWrite.maxRowsPerBlock",
        &setting_text(&rw.max_rows_per_block),
    );
    let mut vmagent = with_args(component_spec(&a.vmagent), &args);
    if let Some(labels) = external_labels(stack) {
        vmagent.insert("externalLabels".into(), labels);
    }
    vmagent.insert("remoteWriteSettings".into(), settings);

    let line = stack.chart.line;
    let mut values = tree!({
        "fullnameOverride": stack.release.as_str(),
        "global": {"cluster": {"dnsDomain": names.chart_dns_domain()}},
        "victoria-metrics-operator": {"enabled": false},
        // Rules are evaluated and dashboards served on the global cluster.
        "defaultDashboards": {"enabled": false},
        "defaultRules": { line.rules_switch(): false },
        "vmsingle": {"enabled": false},
        "vmcluster": {"enabled": false},
        "vmalert": {"enabled": false},
        "alertmanager": {"enabled": false},
        "vmauth": {"enabled": false},
        "grafana": {"enabled": false},
        "vmagent": {
            "enabled": true,
            // Not external.vm.write.url: an additional remote write keeps every per-URL field
            // exactly as written, whatever the chart's merge of vmagent.spec does.
            "additionalRemoteWrites": [remote_write],
            "spec": vmagent,
        },
        "kube-state-metrics": exporter_values(stack.scrape.kube_state_metrics, Some(&a.kube_state_metrics)),
        "prometheus-node-exporter": exporter_values(stack.scrape.node_exporter, Some(&a.node_exporter)),
    });
    if let Some(job) = line.sync_job_values(false) {
        values["syncJob"] = job;
    }
    values
}

/// vmstack emits its own scrape objects for the exporters (scrape.yaml), so the chart's are
/// switched off: one scrape per target.
fn exporter_values(enabled: bool, resources: Option<&crate::intent::scalar::Resources>) -> Value {
    let mut m = tree!({"enabled": enabled});
    if enabled {
        m["vmScrape"] = tree!({"enabled": false});
        if let Some(r) = resources {
            m["resources"] = r.to_json();
        }
    }
    m
}

/// A setting as flag text for `extraArgs` (which takes strings only).
fn setting_text(s: &Setting<u32>) -> String {
    match s {
        Setting::Literal(n) => n.to_string(),
        Setting::Templated(t) => t.clone(),
    }
}
