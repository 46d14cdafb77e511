//! The chart defaults the render conditions and the safety checks read, per chart line. Helm
//! lays a release's values over these, so a condition cannot be judged from the release's values
//! alone: the chart turns vmsingle on, ships a non-empty Alertmanager config and two data sources
//! unless told otherwise, and opens vmauth to unauthenticated clients.
//!
//! Parent-chart entries are checked against the chart's own values.yaml by a test; the subchart
//! entries (Grafana's, which the parent's templates see under `grafana`) come from the Grafana
//! charts' values.yaml (10.1.2 for 0.61, 12.7.3 for 0.91), where they are the same.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::intent::chart_line::ChartLine;

/// Every default a render condition or a safety check reads, as `(dotted path, value)`; a path
/// segment holding a dot is never needed here.
pub fn entries(line: ChartLine) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("vmsingle.enabled", json!(true)),
        ("vmcluster.enabled", json!(false)),
        ("vmcluster.spec.vmselect.enabled", json!(true)),
        ("vmcluster.spec.vminsert.enabled", json!(true)),
        ("external.vm.read.url", json!("")),
        ("external.grafana.host", json!("")),
        ("external.grafana.datasource", json!("VictoriaMetrics")),
        ("vmalert.enabled", json!(true)),
        ("vmalert.additionalNotifierConfigs", json!({})),
        ("vmalert.spec.extraArgs", json!({"http.pathPrefix": "/"})),
        ("alertmanager.enabled", json!(true)),
        // The chart's default routing tree; only its presence matters to the conditions.
        (
            "alertmanager.config",
            json!({"route": {"receiver": "blackhole"}}),
        ),
        ("grafana.enabled", json!(true)),
        ("grafana.ingress.enabled", json!(false)),
        ("grafana.ingress.hosts", json!(["grafana.domain.com"])),
        ("grafana.ingress.tls", json!([])),
        ("grafana.sidecar.dashboards.enabled", json!(true)),
        ("grafana.sidecar.datasources.enabled", json!(true)),
        (
            "defaultDatasources.victoriametrics.datasources",
            json!([{"name": "VictoriaMetrics"}, {"name": "VictoriaMetrics (DS)"}]),
        ),
        ("defaultDashboards.enabled", json!(true)),
        ("prometheus-node-exporter.enabled", json!(true)),
        ("kube-state-metrics.enabled", json!(true)),
        ("vmagent.enabled", json!(true)),
        ("vmauth.enabled", json!(false)),
        ("victoria-metrics-operator.enabled", json!(true)),
        // Every client without credentials reaches the read and the write path.
        (
            "vmauth.spec.unauthorizedUserAccessSpec",
            json!({
                "disabled": false,
                "discover_backend_ips": true,
                "url_map": [
                    {
                        "src_paths": ["{{ .vm.read.path }}/.*"],
                        "url_prefix": ["{{ urlJoin (omit .vm.read \"path\") }}/"],
                    },
                    {
                        "src_paths": ["{{ .vm.write.path }}/.*"],
                        "url_prefix": ["{{ urlJoin (omit .vm.write \"path\") }}/"],
                    },
                ],
            }),
        ),
    ];
    match line {
        ChartLine::V0_61 => out.push(("defaultRules.create", json!(true))),
        ChartLine::V0_91 => out.extend([
            ("defaultRules.enabled", json!(true)),
            ("syncJob.enabled", json!(true)),
            ("vmdistributed.enabled", json!(false)),
            ("vlsingle.enabled", json!(false)),
            ("vlcluster.enabled", json!(false)),
            ("vlcluster.spec.vlselect.enabled", json!(true)),
            ("vldistributed.enabled", json!(false)),
            ("vtsingle.enabled", json!(false)),
            ("vtcluster.enabled", json!(false)),
            ("external.vl.read.url", json!("")),
        ]),
    }
    out
}

/// Defaults of the Grafana subchart that the conditions read.
pub fn grafana_subchart_entries() -> Vec<(&'static str, Value)> {
    vec![
        ("grafana.assertNoLeakedSecrets", json!(true)),
        ("grafana.route.main.enabled", json!(false)),
        ("grafana.sidecar.dashboards.watchMethod", json!("WATCH")),
        ("grafana.sidecar.datasources.watchMethod", json!("WATCH")),
    ]
}

/// The defaults as one values tree, built once per process.
pub fn tree(line: ChartLine) -> &'static Value {
    static TREES: [OnceLock<Value>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = match line {
        ChartLine::V0_61 => &TREES[0],
        ChartLine::V0_91 => &TREES[1],
    };
    slot.get_or_init(|| build_tree(line))
}

fn build_tree(line: ChartLine) -> Value {
    let mut root = json!({});
    for (path, value) in entries(line).into_iter().chain(grafana_subchart_entries()) {
        let mut cur = &mut root;
        let keys: Vec<&str> = path.split('.').collect();
        for key in &keys[..keys.len() - 1] {
            cur = cur
                .as_object_mut()
                .expect("paths only pass through maps")
                .entry(key.to_string())
                .or_insert_with(|| json!({}));
        }
        cur[keys[keys.len() - 1]] = value;
    }
    root
}
