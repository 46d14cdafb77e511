//! VMRules: the stack's own health alerts on real metric names and job labels, and the intent's
//! own rule groups. Named `<release>-vmstack-*`, which no chart default rule (`<fullname>-<group>`)
//! can take.

use serde_json::{Map, Value, json};

use super::{Generated, files, metadata};
use crate::intent::scalar::ToJson;
use crate::intent::{Global, Role, RuleGroup, RuleKind, Stack};
use crate::operator::{Component as C, Names};

pub fn health_rule_name(stack: &Stack) -> String {
    format!("{}-vmstack-health", stack.release)
}

pub fn user_rule_name(stack: &Stack) -> String {
    format!("{}-vmstack-rules", stack.release)
}

fn alert(
    name: &str,
    expr: String,
    for_: &str,
    severity: &str,
    summary: &str,
    description: &str,
) -> Value {
    json!({
        "alert": name,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity},
        "annotations": {"summary": summary, "description": description},
    })
}

fn health_rules(g: &Global, names: &Names) -> Vec<Value> {
    let job = |c: C| names.job(c);
    let mut rules = Vec::new();
    let mut down = vec![
        (C::VmStorage, "VMStorageDown"),
        (C::VmSelect, "VMSelectDown"),
        (C::VmInsert, "VMInsertDown"),
        (C::VmAlert, "VMAlertDown"),
        (C::VmAlertmanager, "AlertmanagerDown"),
    ];
    if g.vmauth.enabled {
        down.push((C::VmAuth, "VMAuthDown"));
    }
    for (c, name) in down {
        rules.push(alert(
            name,
            format!("up{{job=\"{}\"}} == 0", job(c)),
            "5m",
            "critical",
            &format!(
                "{} instance {{{{ $labels.instance }}}} is down",
                c.app_name()
            ),
            &format!("{} has not answered its scrape for 5 minutes.", job(c)),
        ));
    }
    let storage = job(C::VmStorage);
    rules.push(alert(
        "VMStorageTooManyRestarts",
        format!("changes(process_start_time_seconds{{job=\"{storage}\"}}[15m]) > 2"),
        "5m",
        "warning",
        "vmstorage {{ $labels.instance }} restarts often",
        "vmstorage restarted {{ $value }} times in 15 minutes.",
    ));
    // Used over (free + used): the fraction of the volume taken, summed over the `type` and
    // `path` label values these metrics carry.
    let used_fraction = format!(
        "sum by (job, instance) (vm_data_size_bytes{{job=\"{storage}\"}}) / (sum by (job, instance) \
         (vm_free_disk_space_bytes{{job=\"{storage}\"}}) + sum by (job, instance) \
         (vm_data_size_bytes{{job=\"{storage}\"}}))"
    );
    rules.push(alert(
        "VMStorageDiskSpaceLow",
        format!("{used_fraction} > 0.8"),
        "15m",
        "warning",
        "vmstorage {{ $labels.instance }} has less than 20% of its disk free",
        "{{ $value | humanizePercentage }} of the data volume is used.",
    ));
    rules.push(alert(
        "VMStorageDiskSpaceCritical",
        format!("{used_fraction} > 0.9"),
        "5m",
        "critical",
        "vmstorage {{ $labels.instance }} has less than 10% of its disk free",
        "{{ $value | humanizePercentage }} of the data volume is used; vmstorage turns read-only when it runs out.",
    ));
    // vm_request_duration_seconds is a summary: its p99 is the quantile="0.99" series.
    rules.push(alert(
        "VMSelectHighLatency",
        format!(
            "max by (job, instance) (vm_request_duration_seconds{{job=\"{}\", quantile=\"0.99\", \
             path=~\".*/api/v1/query(_range)?\"}}) > 5",
            job(C::VmSelect)
        ),
        "15m",
        "warning",
        "vmselect {{ $labels.instance }} answers slowly",
        "The 99th percentile of query latency is {{ $value }}s.",
    ));
    rules.push(alert(
        "VMInsertRejectedRows",
        format!(
            "sum(rate(vm_rows_ignored_total{{job=~\"{}|{}\"}}[5m])) / sum(rate(vm_rows_inserted_total{{job=\"{}\"}}[5m])) > 0.05",
            job(C::VmInsert),
            storage,
            job(C::VmInsert)
        ),
        "15m",
        "warning",
        "More than 5% of ingested rows are rejected",
        "{{ $value | humanizePercentage }} of rows are ignored (see the reason label of vm_rows_ignored_total).",
    ));
    let vmalert = job(C::VmAlert);
    rules.push(alert(
        "VMAlertRuleErrors",
        format!(
            "sum by (job, instance) (increase(vmalert_alerting_rules_errors_total{{job=\"{vmalert}\"}}[5m])) > 0 \
             or sum by (job, instance) (increase(vmalert_recording_rules_errors_total{{job=\"{vmalert}\"}}[5m])) > 0"
        ),
        "5m",
        "warning",
        "vmalert {{ $labels.instance }} fails to evaluate rules",
        "{{ $value }} rule evaluations failed in 5 minutes.",
    ));
    rules.push(alert(
        "AlertmanagerFailedNotifications",
        format!(
            "sum by (job, instance, integration) (rate(alertmanager_notifications_failed_total{{job=\"{}\"}}[5m])) > 0",
            job(C::VmAlertmanager)
        ),
        "15m",
        "warning",
        "Alertmanager {{ $labels.instance }} fails to send notifications via {{ $labels.integration }}",
        "{{ $value }} failed notifications per second.",
    ));
    // Every agent's vmagent reports here with its cluster external label.
    rules.push(alert(
        "VMAgentRemoteWriteFailures",
        "sum by (cluster, job) (rate(vmagent_remotewrite_retries_count_total{job=~\"vmagent-.*\"}[5m])) > 0"
            .to_string(),
        "15m",
        "warning",
        "vmagent of cluster {{ $labels.cluster }} fails to remote-write",
        "{{ $labels.job }} in cluster {{ $labels.cluster }} retries remote writes ({{ $value }}/s).",
    ));
    rules.push(alert(
        "VMAgentRemoteWriteDropping",
        "sum by (cluster, job) (increase(vmagent_remotewrite_packets_dropped_total{job=~\"vmagent-.*\"}[5m])) > 0"
            .to_string(),
        "5m",
        "critical",
        "vmagent of cluster {{ $labels.cluster }} drops data",
        "{{ $labels.job }} in cluster {{ $labels.cluster }} dropped blocks the remote storage rejected.",
    ));
    rules
}

fn pairs(p: &[(String, String)]) -> Value {
    Value::Object(p.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn user_group(g: &RuleGroup) -> Value {
    let mut group = Map::new();
    group.insert("name".into(), json!(g.name));
    if let Some(i) = &g.interval {
        group.insert("interval".into(), i.to_json());
    }
    if !g.labels.is_empty() {
        group.insert("labels".into(), pairs(&g.labels));
    }
    let rules: Vec<Value> = g
        .rules
        .iter()
        .map(|r| {
            let mut m = Map::new();
            let key = match r.kind {
                RuleKind::Alert => "alert",
                RuleKind::Record => "record",
            };
            m.insert(key.into(), json!(r.name));
            m.insert("expr".into(), json!(r.expr));
            if let Some(f) = &r.for_ {
                m.insert("for".into(), f.to_json());
            }
            if let Some(k) = &r.keep_firing_for {
                m.insert("keep_firing_for".into(), k.to_json());
            }
            if !r.labels.is_empty() {
                m.insert("labels".into(), pairs(&r.labels));
            }
            if !r.annotations.is_empty() {
                m.insert("annotations".into(), pairs(&r.annotations));
            }
            Value::Object(m)
        })
        .collect();
    group.insert("rules".into(), Value::Array(rules));
    Value::Object(group)
}

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if g.rules.health {
        out.push(Generated {
            file: files::VMRULE,
            object: json!({
                "apiVersion": "operator.victoriametrics.com/v1beta1",
                "kind": "VMRule",
                "metadata": metadata(stack, &health_rule_name(stack)),
                "spec": {"groups": [{
                    "name": format!("{}.health", stack.release),
                    "interval": "30s",
                    "rules": health_rules(g, names),
                }]},
            }),
        });
    }
    if !g.rules.groups.is_empty() {
        out.push(Generated {
            file: files::VMRULE,
            object: json!({
                "apiVersion": "operator.victoriametrics.com/v1beta1",
                "kind": "VMRule",
                "metadata": metadata(stack, &user_rule_name(stack)),
                "spec": {"groups": g.rules.groups.iter().map(user_group).collect::<Vec<_>>()},
            }),
        });
    }
    out
}
