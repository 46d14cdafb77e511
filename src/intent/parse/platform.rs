//! The fields both roles share: chart source, Helm and Flux settings, networking and scraping.

use serde_json::Value;

use super::fields::*;
use super::{CHART_OCI_URL, DEFAULT_CHART_VERSION};
use crate::intent::chart_line::ChartLine;
use crate::intent::decode::{Decode, Fields, index, wrong_type};
use crate::intent::diagnostic::{Code, Diagnostics};
use crate::intent::model::*;
use crate::intent::scalar::{DurationStyle, Name, Text};

pub(super) fn chart(f: &mut Fields, global: bool, d: &mut Diagnostics) -> Chart {
    let default_line = ChartLine::of(DEFAULT_CHART_VERSION).unwrap_or(ChartLine::V0_91);
    let default = Chart {
        version: DEFAULT_CHART_VERSION.into(),
        source: ChartSource::Generated {
            url: CHART_OCI_URL.into(),
        },
        content: default_line.default_content(),
    };
    let path = f.path_of("chart");
    let Some(v) = f.raw("chart") else {
        return default;
    };
    let Some(mut c) = Fields::new(v, &path, d) else {
        return default;
    };
    let version_path = c.path_of("version");
    let version = c.opt::<String>("version", d).unwrap_or(default.version);
    let semver_like = {
        let parts: Vec<_> = version.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|ch| ch.is_ascii_digit()))
    };
    if !semver_like {
        d.report(
            Code::WrongType,
            &version_path,
            format!("{version:?} is not a chart version like 0.61.13"),
        );
    } else if ChartLine::of(&version).is_none() {
        d.report(
            Code::InvalidChoice,
            &version_path,
            format!(
                "chart {version} is not a line vmstack knows: the values it writes are checked \
                 against the {}x lines",
                crate::intent::chart_line::SUPPORTED_LINES.join("x and ")
            ),
        );
    }
    let source = match c.raw("sourceRef") {
        Some(r) => object_ref(r, &c.path_of("sourceRef"), "OCIRepository", d)
            .map(ChartSource::Existing)
            .unwrap_or(default.source),
        None => {
            let url = c
                .opt::<String>("url", d)
                .unwrap_or_else(|| CHART_OCI_URL.into());
            if !url.starts_with("oci://") {
                d.report(
                    Code::InvalidUrl,
                    &c.path_of("url"),
                    format!("{url:?} is not an oci:// URL"),
                );
            }
            ChartSource::Generated { url }
        }
    };
    if c.has("url") && matches!(source, ChartSource::Existing(_)) {
        d.report(
            Code::ValuesConflict,
            &c.path_of("url"),
            "url and sourceRef exclude each other: with sourceRef the source object holds the URL",
        );
    }
    let line = ChartLine::of(&version).unwrap_or(default_line);
    let content = match c.raw("rulesAndDashboards") {
        Some(_) if !global => {
            d.report(
                Code::WrongRole,
                &c.path_of("rulesAndDashboards"),
                "chart.rulesAndDashboards applies to role global (an agent evaluates no rules and \
                 serves no dashboards)",
            );
            line.default_content()
        }
        Some(_) => {
            match choice(&mut c, "rulesAndDashboards", &["chart", "vmstack"], "", d).as_str() {
                "chart" => ChartContent::Chart,
                "vmstack" => ChartContent::Vmstack,
                _ => line.default_content(),
            }
        }
        None => line.default_content(),
    };
    c.finish(d);
    Chart {
        version,
        source,
        content,
    }
}

pub(super) fn helm(f: &mut Fields, d: &mut Diagnostics) -> HelmSettings {
    let mut h = f.section("helm", d);
    let s = HelmSettings {
        interval: duration(&mut h, "interval", DurationStyle::Go, "1h", d),
        timeout: duration(&mut h, "timeout", DurationStyle::Go, "15m", d),
        retries: h.or("retries", 3, d),
    };
    h.finish(d);
    s
}

pub(super) fn flux(f: &mut Fields, name: &str, namespace: &str, d: &mut Diagnostics) -> Flux {
    let mut x = f.section("flux", d);
    let enabled = x.or("enabled", true, d);
    let flux_name = name_or(&mut x, "name", &format!("{namespace}-{name}"), d);
    let flux_namespace = name_or(&mut x, "namespace", "flux-system", d);
    let path_value = x.opt::<Text>("path", d);
    if enabled && path_value.is_none() && !x.has("path") {
        d.report(
            Code::MissingField,
            &x.path_of("path"),
            "flux.path is required: the repository path of the rendered files, which the Flux \
             Kustomization applies (or set flux.enabled: false)",
        );
    }
    let source_ref = match x.raw("sourceRef") {
        Some(r) => object_ref(r, &x.path_of("sourceRef"), "GitRepository", d),
        None => None,
    }
    .unwrap_or(ObjectRef {
        kind: "GitRepository".into(),
        name: "flux-system".into(),
        namespace: None,
    });
    let depends_on = match x.raw("dependsOn") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                object_ref(item, &index(&x.path_of("dependsOn"), i), "Kustomization", d)
            })
            .collect(),
        Some(other) => {
            wrong_type(
                d,
                &x.path_of("dependsOn"),
                "a list of Kustomization names",
                other,
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    let substitute_from = match x.raw("substituteFrom") {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                substitute_ref(item, &index(&x.path_of("substituteFrom"), i), d)
            })
            .collect(),
        Some(other) => {
            wrong_type(
                d,
                &x.path_of("substituteFrom"),
                "a list of ConfigMap or Secret references",
                other,
            );
            Vec::new()
        }
        None => vec![SubstituteRef {
            kind: "ConfigMap".into(),
            name: "cluster-settings".into(),
            optional: false,
        }],
    };
    let flux = Flux {
        enabled,
        name: flux_name,
        namespace: flux_namespace,
        path: path_value,
        source_ref,
        interval: duration(&mut x, "interval", DurationStyle::Go, "30m", d),
        timeout: duration(&mut x, "timeout", DurationStyle::Go, "15m", d),
        retry_interval: opt_duration(&mut x, "retryInterval", DurationStyle::Go, d),
        prune: x.or("prune", true, d),
        substitute: x.or("substitute", false, d),
        depends_on,
        substitute_from,
    };
    x.finish(d);
    flux
}

pub(super) fn substitute_ref(v: &Value, path: &str, d: &mut Diagnostics) -> Option<SubstituteRef> {
    if let Value::String(_) = v {
        let name = Name::decode(v, path, d)?;
        return Some(SubstituteRef {
            kind: "ConfigMap".into(),
            name: name.0,
            optional: false,
        });
    }
    let mut f = Fields::new(v, path, d)?;
    let kind = choice(&mut f, "kind", &["ConfigMap", "Secret"], "ConfigMap", d);
    let name = f.req::<Name>("name", d);
    let optional = f.or("optional", false, d);
    f.finish(d);
    Some(SubstituteRef {
        kind,
        name: name?.0,
        optional,
    })
}

pub(super) fn network(f: &mut Fields, d: &mut Diagnostics) -> Network {
    let mut n = f.section("networkPolicies", d);
    let enabled = n.or("enabled", true, d);
    let ingress_namespaces = n.or("ingressNamespaces", Vec::new(), d);
    let api_server_ports: Vec<u32> = n.or("apiServerPorts", vec![443, 6443], d);
    for (i, p) in api_server_ports.iter().enumerate() {
        if *p == 0 || *p > 65535 {
            d.report(
                Code::OutOfRange,
                &index(&n.path_of("apiServerPorts"), i),
                format!("{p} is not a port"),
            );
        }
    }
    let receivers_path = n.path_of("alertmanagerReceivers");
    let alertmanager_receivers = n
        .raw("alertmanagerReceivers")
        .and_then(|v| crate::intent::networking::receivers(v, &receivers_path, d));
    let mut dns_namespace = "kube-system".to_string();
    let mut dns_pod_labels = vec![("k8s-app".to_string(), "kube-dns".to_string())];
    let dns_path = n.path_of("dns");
    if let Some(mut x) = n.raw("dns").and_then(|dns| Fields::new(dns, &dns_path, d)) {
        dns_namespace = name_or(&mut x, "namespace", &dns_namespace, d);
        let p = x.path_of("podLabels");
        if let Some(labels) = x.raw("podLabels").and_then(|l| string_map(l, &p, d)) {
            dns_pod_labels = labels;
        }
        x.finish(d);
    }
    n.finish(d);
    Network {
        enabled,
        ingress_namespaces,
        api_server_ports,
        dns_namespace,
        dns_pod_labels,
        alertmanager_receivers,
    }
}

pub(super) fn scrape(f: &mut Fields, global: bool, d: &mut Diagnostics) -> Scrape {
    let mut s = f.section("scrape", d);
    // The seed's global cluster runs no exporters; an agent runs both.
    let scrape = Scrape {
        kube_state_metrics: s.or("kubeStateMetrics", !global, d),
        node_exporter: s.or("nodeExporter", !global, d),
        cilium: s.or("cilium", false, d),
        cilium_namespace: name_or(&mut s, "ciliumNamespace", "kube-system", d),
    };
    s.finish(d);
    scrape
}
