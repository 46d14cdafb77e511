//! vmstack's Grafana dashboard: the fleet at a glance (agents, ingestion, storage, queries,
//! alerting), on the metric names and job labels the operator's self-scrapes really carry.
//!
//! Grafana's dashboard sidecar (on in both chart lines) loads every ConfigMap of the stack's
//! namespace that carries its label. The dashboard is written here, not fetched: it works with
//! no egress at deploy time, and with the chart's own dashboards beside it.

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, metadata};
use crate::intent::{Role, Stack};
use crate::operator::{Component as C, Names, grafana};

/// Grafana refuses dashboard uids longer than this.
const UID_MAX: usize = 40;

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    if !g.grafana.enabled {
        return Vec::new();
    }
    let dashboard = overview(stack, names);
    let mut object = tree!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(stack, &format!("{}-vmstack-dashboard", stack.release)),
        "data": {"vmstack-overview.json": serde_json::to_string_pretty(&dashboard).unwrap_or_default()},
    });
    let (label, value) = grafana::DASHBOARD_LABEL;
    object["metadata"]["labels"][label] = tree!(value);
    // Grafana's template variables look like Flux's (`${cluster}`); this object must reach
    // Grafana as written.
    object["metadata"]["annotations"] =
        tree!({"kustomize.toolkit.fluxcd.io/substitute": "disabled"});
    vec![Generated {
        file: files::DASHBOARDS,
        object,
    }]
}

/// One query of a panel.
struct Query {
    expr: String,
    legend: &'static str,
}

fn q(expr: impl Into<String>, legend: &'static str) -> Query {
    Query {
        expr: expr.into(),
        legend,
    }
}

struct Panel {
    title: &'static str,
    unit: &'static str,
    queries: Vec<Query>,
}

fn panel(title: &'static str, unit: &'static str, queries: Vec<Query>) -> Panel {
    Panel {
        title,
        unit,
        queries,
    }
}

/// Every query of the dashboard, for the tests that check them against the real parsers.
pub fn queries(stack: &Stack) -> Vec<String> {
    let names = stack.names();
    rows(&names)
        .into_iter()
        .flat_map(|(_, panels)| panels)
        .flat_map(|p| p.queries.into_iter().map(|q| q.expr))
        .collect()
}

fn rows(names: &Names) -> Vec<(&'static str, Vec<Panel>)> {
    let job = |c: C| names.job(c);
    let storage = job(C::VmStorage);
    let insert = job(C::VmInsert);
    let select = job(C::VmSelect);
    let vmalert = job(C::VmAlert);
    let agents = r#"job=~"vmagent-.*", cluster=~"$cluster""#;
    vec![
        (
            "Clusters",
            vec![
                panel(
                    "Scrape targets up, per cluster",
                    "short",
                    vec![q(
                        r#"sum by (cluster) (up{cluster=~"$cluster"})"#,
                        "{{cluster}}",
                    )],
                ),
                panel(
                    "Samples scraped per second, per cluster",
                    "short",
                    vec![q(
                        format!(
                            "sum by (cluster) (rate(vm_promscrape_scraped_samples_sum{{{agents}}}[5m]))"
                        ),
                        "{{cluster}}",
                    )],
                ),
                panel(
                    "Remote write retries and drops, per cluster",
                    "short",
                    vec![
                        q(
                            format!(
                                "sum by (cluster) (rate(vmagent_remotewrite_retries_count_total{{{agents}}}[5m]))"
                            ),
                            "retries {{cluster}}",
                        ),
                        q(
                            format!(
                                "sum by (cluster) (rate(vmagent_remotewrite_packets_dropped_total{{{agents}}}[5m]))"
                            ),
                            "dropped {{cluster}}",
                        ),
                    ],
                ),
            ],
        ),
        (
            "Storage",
            vec![
                panel(
                    "Rows inserted per second",
                    "short",
                    vec![q(
                        format!("sum(rate(vm_rows_inserted_total{{job=\"{insert}\"}}[5m]))"),
                        "inserted",
                    )],
                ),
                panel(
                    "Active series",
                    "short",
                    vec![q(
                        format!(
                            "sum(vm_cache_entries{{job=\"{storage}\", type=\"storage/hour_metric_ids\"}})"
                        ),
                        "active series",
                    )],
                ),
                panel(
                    "Disk used, per vmstorage node",
                    "percentunit",
                    vec![q(
                        format!(
                            "sum by (instance) (vm_data_size_bytes{{job=\"{storage}\"}}) / (sum by (instance) \
                             (vm_free_disk_space_bytes{{job=\"{storage}\"}}) + sum by (instance) \
                             (vm_data_size_bytes{{job=\"{storage}\"}}))"
                        ),
                        "{{instance}}",
                    )],
                ),
            ],
        ),
        (
            "Queries",
            vec![
                panel(
                    "Query requests per second",
                    "reqps",
                    vec![q(
                        format!(
                            "sum(rate(vm_http_requests_total{{job=\"{select}\", path=~\".*/api/v1/query(_range)?\"}}[5m]))"
                        ),
                        "requests",
                    )],
                ),
                panel(
                    "Query latency, 99th percentile",
                    "s",
                    vec![q(
                        format!(
                            "max by (instance) (vm_request_duration_seconds{{job=\"{select}\", quantile=\"0.99\", \
                             path=~\".*/api/v1/query(_range)?\"}})"
                        ),
                        "{{instance}}",
                    )],
                ),
            ],
        ),
        (
            "Alerting",
            vec![
                panel(
                    "Firing alerts",
                    "short",
                    vec![q(
                        r#"sum by (alertname) (ALERTS{alertstate="firing"})"#,
                        "{{alertname}}",
                    )],
                ),
                panel(
                    "Rule evaluation errors",
                    "short",
                    vec![q(
                        format!(
                            "sum(increase(vmalert_alerting_rules_errors_total{{job=\"{vmalert}\"}}[5m])) + \
                             sum(increase(vmalert_recording_rules_errors_total{{job=\"{vmalert}\"}}[5m]))"
                        ),
                        "errors",
                    )],
                ),
                panel(
                    "Failed notifications per second",
                    "short",
                    vec![q(
                        format!(
                            "sum by (integration) (rate(alertmanager_notifications_failed_total{{job=\"{}\"}}[5m]))",
                            job(C::VmAlertmanager)
                        ),
                        "{{integration}}",
                    )],
                ),
            ],
        ),
    ]
}

fn overview(stack: &Stack, names: &Names) -> Value {
    let datasource = tree!({"type": "prometheus", "uid": grafana::DATASOURCE_UID});
    let mut panels = Vec::new();
    let mut id = 1;
    let mut y = 0;
    for (row, row_panels) in rows(names) {
        panels.push(tree!({
            "id": id, "type": "row", "title": row, "collapsed": false,
            "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
        }));
        id += 1;
        y += 1;
        let width = 24 / row_panels.len() as u64;
        for (i, p) in row_panels.into_iter().enumerate() {
            let targets: Vec<Value> = p
                .queries
                .iter()
                .zip('A'..)
                .map(|(query, ref_id)| {
                    tree!({
                        "datasource": datasource.clone(),
                        "expr": query.expr.as_str(),
                        "legendFormat": query.legend,
                        "refId": ref_id.to_string(),
                    })
                })
                .collect();
            panels.push(tree!({
                "id": id,
                "type": "timeseries",
                "title": p.title,
                "datasource": datasource.clone(),
                "gridPos": {"h": 8, "w": width, "x": width * i as u64, "y": y},
                "fieldConfig": {"defaults": {"unit": p.unit}, "overrides": []},
                "targets": targets,
            }));
            id += 1;
        }
        y += 8;
    }
    let uid: String = format!("vmstack-{}", stack.release)
        .chars()
        .take(UID_MAX)
        .collect();
    tree!({
        "uid": uid,
        "title": format!("VictoriaMetrics stack {} (vmstack)", stack.release),
        "tags": ["vmstack", "victoriametrics"],
        "editable": false,
        "schemaVersion": 39,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "1m",
        "templating": {"list": [{
            "name": "cluster",
            "label": "cluster",
            "type": "query",
            "datasource": datasource.clone(),
            "definition": "label_values(up, cluster)",
            "query": {"query": "label_values(up, cluster)", "refId": "cluster"},
            "includeAll": true,
            "allValue": ".*",
            "multi": true,
            "refresh": 2,
            "current": {"text": "All", "value": "$__all"},
        }]},
        "panels": panels,
    })
}
