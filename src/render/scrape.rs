//! Scrape objects for the exporters (kube-state-metrics, node-exporter) and, when asked, Cilium.
//! The chart's own exporter scrapes are switched off in the values, so each target is scraped
//! once.

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, labels_map, metadata};
use crate::intent::Stack;
use crate::operator::Names;

fn scrape(stack: &Stack, kind: &str, name: &str, spec: Value) -> Generated {
    Generated {
        file: files::SCRAPE,
        object: tree!({
            "apiVersion": "operator.victoriametrics.com/v1beta1",
            "kind": kind,
            "metadata": metadata(stack, name),
            "spec": spec,
        }),
    }
}

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let mut out = Vec::new();
    let s = &stack.scrape;
    if s.kube_state_metrics {
        out.push(scrape(
            stack,
            "VMServiceScrape",
            &names.kube_state_metrics(),
            tree!({
                "selector": {"matchLabels": labels_map(&names.subchart_selector("kube-state-metrics"))},
                // The series describe other objects: keep their namespace/pod labels.
                "endpoints": [{
                    "port": "http",
                    "honorLabels": true,
                    "metricRelabelConfigs": [{"action": "labeldrop", "regex": "(uid|container_id|image_id)"}],
                }],
                "jobLabel": "app.kubernetes.io/name",
            }),
        ));
    }
    if s.node_exporter {
        out.push(scrape(
            stack,
            "VMServiceScrape",
            &names.node_exporter(),
            tree!({
                "selector": {"matchLabels": labels_map(&names.subchart_selector("prometheus-node-exporter"))},
                "endpoints": [{
                    "port": "metrics",
                    "metricRelabelConfigs": [{
                        "action": "drop",
                        "source_labels": ["mountpoint"],
                        "regex": "/var/lib/kubelet/pods.+",
                    }],
                }],
                "jobLabel": "jobLabel",
            }),
        ));
    }
    if s.cilium {
        let ns = tree!({"matchNames": [s.cilium_namespace.as_str()]});
        out.push(scrape(
            stack,
            "VMPodScrape",
            &format!("{}-cilium-agent", stack.release),
            tree!({
                "namespaceSelector": ns.clone(),
                "selector": {"matchLabels": {"k8s-app": "cilium"}},
                "podMetricsEndpoints": [{"port": "prometheus"}, {"port": "hubble-metrics"}],
                "jobLabel": "k8s-app",
            }),
        ));
        out.push(scrape(
            stack,
            "VMPodScrape",
            &format!("{}-cilium-operator", stack.release),
            tree!({
                "namespaceSelector": ns,
                "selector": {"matchLabels": {"io.cilium/app": "operator"}},
                "podMetricsEndpoints": [{"port": "prometheus"}],
                "jobLabel": "io.cilium/app",
            }),
        ));
    }
    out
}
