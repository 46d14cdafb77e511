//! The global stack's own health alerts, on real metric names and the job labels the operator
//! gives its self-scrapes.
//!
//! The chart ships VictoriaMetrics' recommended alert groups (`vm-health`, `vmcluster`, `vmagent`,
//! `vmalert`, `alertmanager`). vmstack does not repeat them: each alert below that watches what a
//! chart group already watches names that group, and is left out while the group is on. What no
//! chart group watches is always emitted: a whole component unavailable or missing, more
//! vmstorage nodes down than copies of a sample, a full disk, slow queries, and an agent cluster
//! that went silent. docs/alerting.md lists both sets.

use serde_json::Value;

use crate::tree::tree;

use crate::intent::chart_line::{ChartGroup, ChartLine};
use crate::intent::{Global, Stack};
use crate::operator::{Component as C, Names};

/// Whether the chart installs this VictoriaMetrics group for the intent.
fn chart_group_on(group: ChartGroup, line: ChartLine, g: &Global) -> bool {
    let switched_off = g
        .rules
        .default_groups
        .iter()
        .any(|(k, on)| Some(k.as_str()) == line.group_key(group) && !on);
    g.rules.default_rules
        && line.group_key(group).is_some()
        && !switched_off
        && (g.vmagent.enabled || !line.group_needs_vmagent(group))
}

/// One health alert, and the chart group that already covers it (if any).
struct Health {
    rule: Value,
    covered_by: Option<ChartGroup>,
}

pub(super) fn alert(
    name: &str,
    expr: String,
    for_: &str,
    severity: &str,
    summary: &str,
    description: &str,
) -> Value {
    tree!({
        "alert": name,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity},
        "annotations": {"summary": summary, "description": description},
    })
}

fn own(rule: Value) -> Health {
    Health {
        rule,
        covered_by: None,
    }
}

fn covered(group: ChartGroup, rule: Value) -> Health {
    Health {
        rule,
        covered_by: Some(group),
    }
}

/// The components this stack runs and alerts on, with the name of the alert for each one down.
fn components(g: &Global) -> Vec<(C, &'static str)> {
    let mut out = vec![
        (C::VmStorage, "VMStorageDown"),
        (C::VmSelect, "VMSelectDown"),
        (C::VmInsert, "VMInsertDown"),
        (C::VmAlert, "VMAlertDown"),
        (C::VmAlertmanager, "AlertmanagerDown"),
    ];
    if g.vmauth.enabled {
        out.push((C::VmAuth, "VMAuthDown"));
    }
    out
}

fn all_health(g: &Global, names: &Names) -> Vec<Health> {
    let job = |c: C| names.job(c);
    let components = components(g);
    let jobs: Vec<String> = components.iter().map(|(c, _)| job(*c)).collect();
    let any_job = jobs.join("|");
    let mut out = Vec::new();

    for (c, name) in &components {
        out.push(covered(
            ChartGroup::VmHealth,
            alert(
                name,
                format!("up{{job=\"{}\"}} == 0", job(*c)),
                "5m",
                "critical",
                &format!(
                    "{} instance {{{{ $labels.instance }}}} is down",
                    c.app_name()
                ),
                &format!("{} has not answered its scrape for 5 minutes.", job(*c)),
            ),
        ));
    }
    // Every instance down: the component's function (writes, reads, alerts) is gone, which a
    // per-instance alert does not say.
    out.push(own(alert(
        "VMStackComponentUnavailable",
        format!("sum by (job) (up{{job=~\"{any_job}\"}}) == 0"),
        "2m",
        "critical",
        "Every instance of {{ $labels.job }} is down",
        "No instance of {{ $labels.job }} answers its scrape: the component is unavailable.",
    )));
    // A component with no scrape target at all has no `up` series, so no down alert can fire.
    let absent: Vec<String> = jobs
        .iter()
        .map(|j| format!("absent(up{{job=\"{j}\"}})"))
        .collect();
    out.push(own(alert(
        "VMStackComponentAbsent",
        absent.join(" or "),
        "10m",
        "critical",
        "{{ $labels.job }} is not scraped at all",
        "{{ $labels.job }} has no up series: its pods or its scrape object are gone.",
    )));
    let storage = job(C::VmStorage);
    // A sample lives on replicationFactor nodes: that many nodes down makes some samples
    // unreadable and some writes fail. Only a literal factor can be written into the rule.
    if let Some(rf) = g.replication_factor.literal() {
        out.push(own(alert(
            "VMStorageReplicationLost",
            format!("count(up{{job=\"{storage}\"}} == 0) >= {rf}"),
            "2m",
            "critical",
            "{{ $value }} vmstorage nodes are down, at least as many as the copies of each sample",
            &format!(
                "With replicationFactor {rf}, some samples now have no live copy: queries return \
                 partial data."
            ),
        )));
    }
    out.push(covered(
        ChartGroup::VmHealth,
        alert(
            "VMComponentTooManyRestarts",
            format!("changes(process_start_time_seconds{{job=~\"{any_job}\"}}[15m]) > 2"),
            "5m",
            "warning",
            "{{ $labels.job }} {{ $labels.instance }} restarts often",
            "{{ $labels.instance }} restarted {{ $value }} times in 15 minutes.",
        ),
    ));
    // Used over (free + used): the fraction of the volume taken, summed over the `type` and
    // `path` label values these metrics carry.
    let used_fraction = format!(
        "sum by (job, instance) (vm_data_size_bytes{{job=\"{storage}\"}}) / (sum by (job, instance) \
         (vm_free_disk_space_bytes{{job=\"{storage}\"}}) + sum by (job, instance) \
         (vm_data_size_bytes{{job=\"{storage}\"}}))"
    );
    out.push(covered(
        ChartGroup::VmCluster,
        alert(
            "VMStorageDiskSpaceLow",
            format!("{used_fraction} > 0.8"),
            "15m",
            "warning",
            "vmstorage {{ $labels.instance }} has less than 20% of its disk free",
            "{{ $value | humanizePercentage }} of the data volume is used.",
        ),
    ));
    // The chart's disk alert stops at 80%; past 90% merges may no longer fit.
    out.push(own(alert(
        "VMStorageDiskSpaceCritical",
        format!("{used_fraction} > 0.9"),
        "5m",
        "critical",
        "vmstorage {{ $labels.instance }} has less than 10% of its disk free",
        "{{ $value | humanizePercentage }} of the data volume is used; vmstorage turns read-only when it runs out.",
    )));
    // vm_request_duration_seconds is a summary: its p99 is the quantile="0.99" series.
    out.push(own(alert(
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
    )));
    out.push(covered(
        ChartGroup::VmHealth,
        alert(
            "VMInsertRejectedRows",
            format!(
                "sum(rate(vm_rows_ignored_total{{job=~\"{}|{storage}\"}}[5m])) / sum(rate(vm_rows_inserted_total{{job=\"{}\"}}[5m])) > 0.05",
                job(C::VmInsert),
                job(C::VmInsert)
            ),
            "15m",
            "warning",
            "More than 5% of ingested rows are rejected",
            "{{ $value | humanizePercentage }} of rows are ignored (see the reason label of vm_rows_ignored_total).",
        ),
    ));
    let vmalert = job(C::VmAlert);
    out.push(covered(
        ChartGroup::VmAlert,
        alert(
            "VMAlertRuleErrors",
            format!(
                "sum by (job, instance) (increase(vmalert_alerting_rules_errors_total{{job=\"{vmalert}\"}}[5m])) > 0 \
                 or sum by (job, instance) (increase(vmalert_recording_rules_errors_total{{job=\"{vmalert}\"}}[5m])) > 0"
            ),
            "5m",
            "warning",
            "vmalert {{ $labels.instance }} fails to evaluate rules",
            "{{ $value }} rule evaluations failed in 5 minutes.",
        ),
    ));
    out.push(covered(
        ChartGroup::Alertmanager,
        alert(
            "AlertmanagerFailedNotifications",
            format!(
                "sum by (job, instance, integration) (rate(alertmanager_notifications_failed_total{{job=\"{}\"}}[5m])) > 0",
                job(C::VmAlertmanager)
            ),
            "15m",
            "warning",
            "Alertmanager {{ $labels.instance }} fails to send notifications via {{ $labels.integration }}",
            "{{ $value }} failed notifications per second.",
        ),
    ));
    // Every agent's vmagent reports here with its cluster external label: grouping by it names
    // the cluster whose writes fail.
    out.push(covered(
        ChartGroup::VmAgent,
        alert(
            "VMAgentRemoteWriteFailures",
            "sum by (cluster, job) (rate(vmagent_remotewrite_retries_count_total{job=~\"vmagent-.*\"}[5m])) > 0"
                .to_string(),
            "15m",
            "warning",
            "vmagent of cluster {{ $labels.cluster }} fails to remote-write",
            "{{ $labels.job }} in cluster {{ $labels.cluster }} retries remote writes ({{ $value }}/s).",
        ),
    ));
    out.push(covered(
        ChartGroup::VmAgent,
        alert(
            "VMAgentRemoteWriteDropping",
            "sum by (cluster, job) (increase(vmagent_remotewrite_packets_dropped_total{job=~\"vmagent-.*\"}[5m])) > 0"
                .to_string(),
            "5m",
            "critical",
            "vmagent of cluster {{ $labels.cluster }} drops data",
            "{{ $labels.job }} in cluster {{ $labels.cluster }} dropped blocks the remote storage rejected.",
        ),
    ));
    out
}

/// An agent that stops sending leaves no series to alert on, so each expected cluster is watched
/// for absence: its vmagent's own `up` series, which it sends with its cluster label.
fn silent_agents(g: &Global) -> Option<Value> {
    if g.agents.is_empty() {
        return None;
    }
    let expr: Vec<String> = g
        .agents
        .iter()
        .map(|a| &a.cluster.value)
        .map(|c| format!("absent_over_time(up{{cluster=\"{c}\", job=~\"vmagent-.*\"}}[10m])"))
        .collect();
    Some(alert(
        "VMAgentClusterSilent",
        expr.join(" or "),
        "5m",
        "critical",
        "Cluster {{ $labels.cluster }} sends no metrics",
        "No series from the vmagent of cluster {{ $labels.cluster }} arrived for 10 minutes: it is \
         down, cut off from vminsert, or writes elsewhere.",
    ))
}

/// The health rules for this intent: with `rules.health`, the stack's own (the chart-covered
/// ones left out while their group is on); and the watch on every listed agent cluster, which
/// `agents` asks for explicitly, so it stays even with `rules.health: false`.
pub fn rules(stack: &Stack, g: &Global, names: &Names) -> Vec<Value> {
    let line = stack.chart.line;
    let mut out: Vec<Value> = Vec::new();
    if g.rules.health {
        out.extend(
            all_health(g, names)
                .into_iter()
                .filter(|h| h.covered_by.is_none_or(|c| !chart_group_on(c, line, g)))
                .map(|h| h.rule),
        );
        out.extend(super::access_alerts::alerts(g, names));
    }
    out.extend(silent_agents(g));
    out
}
