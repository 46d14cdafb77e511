//! Every name vmstack writes into a health check, selector, URL or rule must be one the operator
//! and chart really create. The oracle is the reference's own table of names and ports
//! (`shared/reference/victoriametrics.md`), read at test time, not vmstack's naming module.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// One row of the reference table, with `X` still in the names.
#[derive(Debug)]
struct Row {
    workload_kind: String,
    workload: String,
    service: String,
    ports: Vec<u16>,
}

fn reference_rows(shared: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(shared.join("reference/victoriametrics.md")).unwrap();
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("| VM")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let ticked = |cell: &str| cell.split('`').nth(1).map(str::to_string);
        let (Some(workload), Some(service)) = (ticked(cells[2]), ticked(cells[3])) else {
            continue;
        };
        let workload_kind = cells[2]
            .replace('*', "")
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let ports = cells[4]
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse::<u16>().ok())
            .filter(|p| *p > 1000)
            .collect();
        rows.push(Row {
            workload_kind,
            workload,
            service,
            ports,
        });
    }
    assert!(
        rows.len() >= 7,
        "the reference table changed shape: {rows:?}"
    );
    rows
}

struct Inventory {
    /// (kind, name) of workloads that exist for this release.
    workloads: BTreeSet<(String, String)>,
    services: BTreeSet<String>,
    /// (service, port)
    endpoints: BTreeSet<(String, u16)>,
    container_ports: BTreeSet<u16>,
}

fn inventory(rows: &[Row], release: &str) -> Inventory {
    let mut inv = Inventory {
        workloads: BTreeSet::new(),
        services: BTreeSet::new(),
        endpoints: BTreeSet::new(),
        container_ports: BTreeSet::new(),
    };
    for r in rows {
        let workload = r.workload.replace('X', release);
        let service = r.service.replace('X', release);
        inv.workloads.insert((r.workload_kind.clone(), workload));
        inv.services.insert(service.clone());
        for p in &r.ports {
            inv.endpoints.insert((service.clone(), *p));
            inv.container_ports.insert(*p);
        }
    }
    // Subcharts take the release name (reference: "Subcharts do not follow fullnameOverride").
    inv.workloads
        .insert(("Deployment".into(), format!("{release}-grafana")));
    inv.workloads
        .insert(("Deployment".into(), format!("{release}-kube-state-metrics")));
    inv.workloads.insert((
        "DaemonSet".into(),
        format!("{release}-prometheus-node-exporter"),
    ));
    // Grafana 3000, kube-state-metrics 8080, node-exporter 9100, from the reference's flow table.
    inv.container_ports.extend([3000, 8080, 9100]);
    inv
}

fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn names_in_checks_selectors_urls_and_rules_exist() {
    let Some(shared) = common::shared::require_shared() else {
        return;
    };
    let rows = reference_rows(&shared);
    let known_apps: BTreeSet<String> = rows
        .iter()
        .map(|r| r.workload.trim_end_matches("-X").to_string())
        .collect();
    let mut checked = 0;
    let outputs = common::fixtures::rendered_valid_intents();
    // An agent's URLs name the global release's Services: check URLs against every release.
    let mut all_endpoints = BTreeSet::new();
    for (_, items) in &outputs {
        let hr = items.iter().find(|i| i["kind"] == "HelmRelease").unwrap();
        let release = hr["spec"]["releaseName"].as_str().unwrap();
        all_endpoints.extend(inventory(&rows, release).endpoints);
    }
    for (name, items) in outputs {
        let hr = items.iter().find(|i| i["kind"] == "HelmRelease").unwrap();
        let release = hr["spec"]["releaseName"].as_str().unwrap();
        let namespace = hr["metadata"]["namespace"].as_str().unwrap();
        let inv = inventory(&rows, release);

        for ks in items
            .iter()
            .filter(|i| i["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1")
        {
            for check in ks["spec"]["healthChecks"].as_array().unwrap() {
                if check["apiVersion"] == "apps/v1" {
                    let key = (
                        check["kind"].as_str().unwrap().to_string(),
                        check["name"].as_str().unwrap().to_string(),
                    );
                    assert!(
                        inv.workloads.contains(&key),
                        "{name}: health check on {key:?}, which nothing creates"
                    );
                    checked += 1;
                }
            }
        }

        let mut texts = Vec::new();
        strings(&hr["spec"]["values"], &mut texts);
        for url in texts.iter().filter(|s| s.starts_with("http://")) {
            let host_port = url.trim_start_matches("http://").split('/').next().unwrap();
            let (host, port) = host_port.rsplit_once(':').unwrap();
            let service = host.split('.').next().unwrap();
            let in_namespace = host.split('.').nth(1) == Some(namespace);
            if in_namespace {
                let port: u16 = port.parse().unwrap();
                assert!(
                    all_endpoints.contains(&(service.to_string(), port)),
                    "{name}: URL {url} names {service}:{port}, which the operator does not create"
                );
                checked += 1;
            }
        }

        for rule in items.iter().filter(|i| i["kind"] == "VMRule") {
            let mut exprs = Vec::new();
            strings(&rule["spec"], &mut exprs);
            for e in exprs {
                let mut rest = e;
                while let Some(pos) = rest.find("job=\"") {
                    let after = &rest[pos + 5..];
                    let job = &after[..after.find('"').unwrap()];
                    assert!(
                        inv.services.contains(job),
                        "{name}: job=\"{job}\" matches no Service, so no series"
                    );
                    checked += 1;
                    rest = after;
                }
            }
        }

        for obj in items
            .iter()
            .filter(|i| i["kind"] == "PodDisruptionBudget" || i["kind"] == "NetworkPolicy")
        {
            let mut selectors = vec![&obj["spec"]["selector"], &obj["spec"]["podSelector"]];
            for dir in ["ingress", "egress"] {
                for rule in obj["spec"][dir].as_array().into_iter().flatten() {
                    for peer in rule["from"]
                        .as_array()
                        .into_iter()
                        .chain(rule["to"].as_array())
                        .flatten()
                    {
                        selectors.push(&peer["podSelector"]);
                    }
                    // Egress to any address or an address range (remote write, receivers)
                    // leaves the stack, so its port is the far end's.
                    let to_anywhere = dir == "egress"
                        && rule.get("to").is_none_or(|to| {
                            to.as_array().is_some_and(|peers| {
                                peers.iter().all(|p| p.get("ipBlock").is_some())
                            })
                        });
                    for port in rule["ports"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|_| !to_anywhere)
                    {
                        let p = port["port"].as_u64().unwrap() as u16;
                        let host_side = [53, 80, 443, 6443, 10250, 9962, 9963, 9965].contains(&p);
                        assert!(
                            inv.container_ports.contains(&p) || host_side,
                            "{name}: {} allows port {p}, which no pod of the stack listens on",
                            obj["metadata"]["name"]
                        );
                    }
                }
            }
            for sel in selectors {
                let labels = &sel["matchLabels"];
                if labels["managed-by"] == "vm-operator" {
                    let app = labels["app.kubernetes.io/name"].as_str().unwrap();
                    assert!(
                        known_apps.contains(app),
                        "{name}: selector on app {app}, which the operator does not label"
                    );
                    // Without an instance the selector spans releases on purpose (vminsert
                    // admits the operator's vmagents of any namespace); with one, it is ours.
                    if let Some(instance) = labels.get("app.kubernetes.io/instance") {
                        assert_eq!(instance, release, "{name}: selector instance");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 100,
        "the checks found almost nothing to check ({checked})"
    );
}
