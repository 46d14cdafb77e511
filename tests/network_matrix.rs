//! The connectivity matrix: the policies vmstack emits, evaluated over a model of the clusters
//! (tests/netpol), must allow every flow of the reference table ("Network flows a NetworkPolicy
//! set must allow", shared/reference/victoriametrics.md) and deny the flows that must stay closed,
//! for both roles and every combination of the optional components; dropping any single rule or
//! peer must break a required flow; and docs/networking.md carries the matrix's own table.
//!
//! The model is the oracle, so it is written from the reference (labels and container ports the
//! operator and chart give their pods), not from vmstack's naming module.

mod netpol;

use serde_json::{Value, json};
use vmstack::function::{self, Layout};
use vmstack::krm::ResourceList;

use netpol::world::{Proto, World};

const NS: &str = "observability";
const RELEASE: &str = "vm";

// ---------------------------------------------------------------------------------------------
// Scenarios: a role and its optional components
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct GlobalOptions {
    vmauth: bool,
    grafana: bool,
    vmagent: bool,
    kube_state_metrics: bool,
    node_exporter: bool,
    cilium: bool,
    ingress_namespaces: bool,
    /// The chart's own rules and dashboards on 0.91: its sync Job runs and fetches them.
    sync_job: bool,
}

#[derive(Debug, Clone, Copy)]
struct AgentOptions {
    /// The port of `remoteWrite.url` (8443 in the generated intents).
    remote_write_port: u16,
    kube_state_metrics: bool,
    node_exporter: bool,
    cilium: bool,
    ingress_namespaces: bool,
}

#[derive(Debug, Clone, Copy)]
enum Scenario {
    Global(GlobalOptions),
    Agent(AgentOptions),
}

fn bits(n: u32, i: u32) -> bool {
    n >> i & 1 == 1
}

fn every_scenario() -> Vec<Scenario> {
    let mut out = Vec::new();
    for n in 0..256 {
        out.push(Scenario::Global(GlobalOptions {
            vmauth: bits(n, 0),
            grafana: bits(n, 1),
            vmagent: bits(n, 2),
            kube_state_metrics: bits(n, 3),
            node_exporter: bits(n, 4),
            cilium: bits(n, 5),
            ingress_namespaces: bits(n, 6),
            sync_job: bits(n, 7),
        }));
    }
    for n in 0..16 {
        out.push(Scenario::Agent(AgentOptions {
            remote_write_port: 8443,
            kube_state_metrics: bits(n, 0),
            node_exporter: bits(n, 1),
            cilium: bits(n, 2),
            ingress_namespaces: bits(n, 3),
        }));
    }
    out
}

const INGRESS_NAMESPACES: [&str; 2] = ["ingress-nginx", "ingress-internal"];

/// The address range of writers outside any mesh (`vmauthCidrs`), given with the ingress
/// namespaces: the places vmauth's clients are.
const OUTSIDE_WRITERS: &str = "192.0.2.0/24";

fn ingress_list(on: bool) -> Value {
    if on {
        json!(INGRESS_NAMESPACES)
    } else {
        json!([])
    }
}

fn intent(s: Scenario) -> Value {
    let spec = match s {
        Scenario::Global(o) => json!({
            "role": "global",
            "flux": {"enabled": false},
            "vmauth": {"enabled": o.vmauth},
            "grafana": {"enabled": o.grafana},
            "vmagent": {"enabled": o.vmagent},
            "chart": {"rulesAndDashboards": if o.sync_job { "chart" } else { "vmstack" }},
            "scrape": {
                "kubeStateMetrics": o.kube_state_metrics,
                "nodeExporter": o.node_exporter,
                "cilium": o.cilium,
            },
            "networkPolicies": {
                "ingressNamespaces": ingress_list(o.ingress_namespaces),
                "vmauthCidrs": if o.ingress_namespaces && o.vmauth { json!([OUTSIDE_WRITERS]) } else { json!(null) },
            },
        }),
        Scenario::Agent(o) => json!({
            "role": "agent",
            "cluster": "apps",
            "flux": {"enabled": false},
            "remoteWrite": {"url": "https://metrics.example.com:8443"},
            "scrape": {
                "kubeStateMetrics": o.kube_state_metrics,
                "nodeExporter": o.node_exporter,
                "cilium": o.cilium,
            },
            "networkPolicies": {"ingressNamespaces": ingress_list(o.ingress_namespaces)},
        }),
    };
    json!({
        "apiVersion": "vmstack.dev/v1alpha1",
        "kind": "VictoriaMetricsStack",
        "metadata": {"name": RELEASE, "namespace": NS},
        "spec": spec,
    })
}

/// The policy objects (NetworkPolicy, CiliumNetworkPolicy) an intent renders to.
fn policies_of(intent: Value) -> Vec<Value> {
    let out = function::process(ResourceList::new(Vec::new(), Some(intent)), Layout::Files);
    let problems: Vec<_> = out
        .results
        .iter()
        .filter(|r| !vmstack::capacity::is_advice(r))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    out.items
        .into_iter()
        .filter(|i| {
            matches!(
                i["kind"].as_str(),
                Some("NetworkPolicy" | "CiliumNetworkPolicy")
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The model of a cluster, from the reference
// ---------------------------------------------------------------------------------------------

use Proto::{Tcp, Udp};

/// A pod the operator makes: its four labels (reference: "Every pod the operator creates carries
/// these labels").
fn vm_pod(w: &mut World, cluster: &str, name: &str, app: &str, ports: &[(&str, u16, Proto)]) {
    w.pod(
        name,
        cluster,
        NS,
        &[
            ("app.kubernetes.io/name", app),
            ("app.kubernetes.io/instance", RELEASE),
            ("app.kubernetes.io/component", "monitoring"),
            ("managed-by", "vm-operator"),
        ],
        ports,
    );
}

/// A pod of the Helm release's subcharts: Helm's standard labels, the same instance value.
fn chart_pod(w: &mut World, cluster: &str, name: &str, app: &str, ports: &[(&str, u16, Proto)]) {
    w.pod(
        name,
        cluster,
        NS,
        &[
            ("app.kubernetes.io/name", app),
            ("app.kubernetes.io/instance", RELEASE),
        ],
        ports,
    );
}

/// What every cluster has besides the stack: DNS, the operator (its own release and namespace),
/// ingress controllers, applications, unrelated pods, and addresses off the pod network.
fn surroundings(w: &mut World, cluster: &str) {
    w.pod(
        "kube-dns",
        cluster,
        "kube-system",
        &[("k8s-app", "kube-dns")],
        &[("dns", 53, Udp), ("dns-tcp", 53, Tcp)],
    );
    w.pod(
        "operator",
        cluster,
        "vm-operator",
        &[
            ("app.kubernetes.io/name", "victoria-metrics-operator"),
            ("app.kubernetes.io/instance", "vm-operator"),
        ],
        &[("http", 8080, Tcp), ("webhook", 9443, Tcp)],
    );
    // The operator installed in the stack's namespace (its own release): the stack's policies
    // must not isolate it either.
    w.pod(
        "operator in the stack's namespace",
        cluster,
        NS,
        &[
            ("app.kubernetes.io/name", "victoria-metrics-operator"),
            ("app.kubernetes.io/instance", "victoria-metrics-operator"),
        ],
        &[("http", 8080, Tcp), ("webhook", 9443, Tcp)],
    );
    for ns in INGRESS_NAMESPACES {
        w.pod(
            &format!("{ns} controller"),
            cluster,
            ns,
            &[("app.kubernetes.io/name", "ingress-nginx")],
            &[("http", 80, Tcp)],
        );
    }
    w.pod(
        "application",
        cluster,
        "apps",
        &[("app", "web")],
        &[("metrics", 8080, Tcp)],
    );
    w.pod(
        "tenant vmagent",
        cluster,
        "tenant-a",
        &[
            ("app.kubernetes.io/name", "vmagent"),
            ("app.kubernetes.io/instance", "tenant"),
            ("managed-by", "vm-operator"),
        ],
        &[("http", 8429, Tcp)],
    );
    w.pod("debug pod", cluster, NS, &[("app", "debug")], &[]);
    // A Helm pod that shares the release's instance label and even a VM app name, without being
    // the operator's: it must not pass for a VM component.
    w.pod(
        "impostor",
        cluster,
        NS,
        &[
            ("app.kubernetes.io/name", "vmselect"),
            ("app.kubernetes.io/instance", RELEASE),
        ],
        &[],
    );
    w.external("kube-apiserver", [10, 0, 0, 1]);
    w.external("node", [192, 168, 1, 10]);
    w.external("receiver", [203, 0, 113, 10]);
    w.external("remote-write endpoint", [198, 51, 100, 20]);
    w.external("rule and dashboard sources", [185, 199, 108, 133]);
    w.external("outside writer", [192, 0, 2, 10]);
    w.external("outside stranger", [192, 0, 3, 10]);
}

fn world(s: Scenario, cluster: &str) -> World {
    let mut w = World::default();
    surroundings(&mut w, cluster);
    match s {
        Scenario::Global(o) => {
            vm_pod(
                &mut w,
                cluster,
                "vmstorage",
                "vmstorage",
                &[
                    ("http", 8482, Tcp),
                    ("vminsert", 8400, Tcp),
                    ("vmselect", 8401, Tcp),
                ],
            );
            vm_pod(
                &mut w,
                cluster,
                "vmselect",
                "vmselect",
                &[("http", 8481, Tcp)],
            );
            vm_pod(
                &mut w,
                cluster,
                "vminsert",
                "vminsert",
                &[("http", 8480, Tcp)],
            );
            vm_pod(
                &mut w,
                cluster,
                "vmalert",
                "vmalert",
                &[("http", 8080, Tcp)],
            );
            for i in 0..2 {
                vm_pod(
                    &mut w,
                    cluster,
                    &format!("vmalertmanager-{i}"),
                    "vmalertmanager",
                    &[
                        ("web", 9093, Tcp),
                        ("mesh-tcp", 9094, Tcp),
                        ("mesh-udp", 9094, Udp),
                    ],
                );
            }
            if o.vmauth {
                vm_pod(&mut w, cluster, "vmauth", "vmauth", &[("http", 8427, Tcp)]);
            }
            if o.vmagent {
                vm_pod(
                    &mut w,
                    cluster,
                    "vmagent",
                    "vmagent",
                    &[("http", 8429, Tcp)],
                );
            }
            if o.grafana {
                chart_pod(
                    &mut w,
                    cluster,
                    "grafana",
                    "grafana",
                    &[("grafana", 3000, Tcp)],
                );
            }
            if o.kube_state_metrics {
                chart_pod(
                    &mut w,
                    cluster,
                    "kube-state-metrics",
                    "kube-state-metrics",
                    &[("http", 8080, Tcp)],
                );
            }
            if o.sync_job {
                // The chart labels its Job's pod as its own component (chart-contract.md, 11).
                w.pod(
                    "sync-job",
                    cluster,
                    NS,
                    &[
                        ("app.kubernetes.io/name", "victoria-metrics-k8s-stack"),
                        ("app.kubernetes.io/instance", RELEASE),
                        ("app.kubernetes.io/component", "syncJob"),
                        ("app.kubernetes.io/managed-by", "Helm"),
                    ],
                    &[],
                );
            }
        }
        Scenario::Agent(o) => {
            vm_pod(
                &mut w,
                cluster,
                "vmagent",
                "vmagent",
                &[("http", 8429, Tcp)],
            );
            if o.kube_state_metrics {
                chart_pod(
                    &mut w,
                    cluster,
                    "kube-state-metrics",
                    "kube-state-metrics",
                    &[("http", 8080, Tcp)],
                );
            }
        }
    }
    w
}

// ---------------------------------------------------------------------------------------------
// Flows: the reference table, and what must stay closed
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Flow {
    from: String,
    to: String,
    port: u16,
    proto: Proto,
    why: &'static str,
}

fn f(from: &str, to: &str, port: u16, why: &'static str) -> Flow {
    Flow {
        from: from.into(),
        to: to.into(),
        port,
        proto: Tcp,
        why,
    }
}

fn udp(from: &str, to: &str, port: u16, why: &'static str) -> Flow {
    Flow {
        proto: Udp,
        ..f(from, to, port, why)
    }
}

/// Every flow of the reference table that applies to the scenario.
fn required(s: Scenario, w: &World) -> Vec<Flow> {
    let mut out = Vec::new();
    let stack_pods: Vec<String> = [
        "vmstorage",
        "vmselect",
        "vminsert",
        "vmalert",
        "vmalertmanager-0",
        "vmalertmanager-1",
        "vmauth",
        "vmagent",
        "grafana",
        "kube-state-metrics",
        "sync-job",
    ]
    .into_iter()
    .filter(|p| w.has(p))
    .map(String::from)
    .collect();
    let on = |p: &str| w.has(p);
    match s {
        Scenario::Global(o) => {
            out.push(f("vminsert", "vmstorage", 8400, "writes"));
            out.push(f("vmselect", "vmstorage", 8401, "queries"));
            if on("vmagent") {
                out.push(f(
                    "vmagent",
                    "vminsert",
                    8480,
                    "the stack's own remote write",
                ));
            }
            out.push(f(
                "tenant vmagent",
                "vminsert",
                8480,
                "an agent of another namespace",
            ));
            out.push(f("vmalert", "vmselect", 8481, "datasource, remote read"));
            out.push(f(
                "vmalert",
                "vminsert",
                8480,
                "recording rules, alert state",
            ));
            out.push(f("vmalert", "vmalertmanager-0", 9093, "notifications"));
            out.push(f(
                "vmselect",
                "vmalert",
                8080,
                "vmalert's API proxied for Grafana",
            ));
            if on("vmauth") {
                out.push(f("vmauth", "vmselect", 8481, "the query gateway"));
                out.push(f("vmauth", "vminsert", 8480, "the write gateway"));
            }
            if on("grafana") && on("vmauth") {
                out.push(f(
                    "grafana",
                    "vmauth",
                    8427,
                    "data source, as a user of vmauth",
                ));
            }
            if on("grafana") && !on("vmauth") {
                out.push(f("grafana", "vmselect", 8481, "data source"));
            }
            if on("vmauth") && o.ingress_namespaces {
                out.push(f(
                    "outside writer",
                    "vmauth",
                    8427,
                    "a client outside any mesh (vmauthCidrs)",
                ));
            }
            if on("grafana") {
                out.push(f(
                    "grafana",
                    "vmalertmanager-0",
                    9093,
                    "Alertmanager data source",
                ));
            }
            for (a, b) in [
                ("vmalertmanager-0", "vmalertmanager-1"),
                ("vmalertmanager-1", "vmalertmanager-0"),
            ] {
                out.push(f(a, b, 9094, "Alertmanager mesh"));
                out.push(udp(a, b, 9094, "Alertmanager mesh"));
            }
            if on("vmagent") {
                for (to, port) in [
                    ("vmstorage", 8482),
                    ("vmselect", 8481),
                    ("vminsert", 8480),
                    ("vmagent", 8429),
                    ("vmalert", 8080),
                    ("vmauth", 8427),
                    ("vmalertmanager-0", 9093),
                    ("grafana", 3000),
                    ("kube-state-metrics", 8080),
                    ("node", 10250),
                ] {
                    if on(to) {
                        out.push(f("vmagent", to, port, "scrape"));
                    }
                }
                if o.node_exporter {
                    out.push(f("vmagent", "node", 9100, "scrape (node-exporter)"));
                }
                if o.cilium {
                    for port in [9962, 9963, 9965] {
                        out.push(f("vmagent", "node", port, "scrape (Cilium)"));
                    }
                }
            }
            for p in ["vmalertmanager-0", "vmalertmanager-1"] {
                out.push(f(p, "receiver", 443, "notification receivers"));
            }
            if on("sync-job") {
                out.push(f(
                    "sync-job",
                    "rule and dashboard sources",
                    443,
                    "downloads the chart's rules and dashboards",
                ));
            }
            if o.ingress_namespaces {
                for ns in INGRESS_NAMESPACES {
                    let controller = format!("{ns} controller");
                    if on("vmauth") {
                        out.push(f(&controller, "vmauth", 8427, "entry point"));
                    }
                    if on("grafana") {
                        out.push(f(&controller, "grafana", 3000, "entry point"));
                    }
                }
            }
        }
        Scenario::Agent(o) => {
            out.push(f(
                "vmagent",
                "remote-write endpoint",
                o.remote_write_port,
                "remote write",
            ));
            let mut targets = vec![
                ("vmagent", 8429),
                ("kube-state-metrics", 8080),
                ("application", 8080),
                ("node", 10250),
            ];
            if o.node_exporter {
                targets.push(("node", 9100));
            }
            if o.cilium {
                targets.extend([("node", 9962), ("node", 9963), ("node", 9965)]);
            }
            for (to, port) in targets {
                if on(to) {
                    out.push(f("vmagent", to, port, "scrape"));
                }
            }
        }
    }
    for operator in ["operator", "operator in the stack's namespace"] {
        out.push(f("kube-apiserver", operator, 9443, "admission webhook"));
        if on("vmagent") {
            out.push(f("vmagent", operator, 8080, "scrape"));
        }
    }
    for p in ["vmagent", "grafana", "kube-state-metrics", "sync-job"] {
        if on(p) {
            for port in [443, 6443] {
                out.push(f(p, "kube-apiserver", port, "watches the API server"));
            }
        }
    }
    for p in &stack_pods {
        out.push(udp(p, "kube-dns", 53, "name resolution"));
        out.push(f(p, "kube-dns", 53, "name resolution"));
    }
    out
}

/// Flows that must stay closed.
fn closed(s: Scenario, w: &World) -> Vec<Flow> {
    let mut out = Vec::new();
    let on = |p: &str| w.has(p);
    match s {
        Scenario::Global(o) => {
            for port in [8400, 8401, 8482] {
                out.push(f("application", "vmstorage", port, "another namespace"));
            }
            out.push(f(
                "tenant vmagent",
                "vmstorage",
                8400,
                "writes go through vminsert",
            ));
            out.push(f("debug pod", "vmselect", 8481, "an unrelated pod"));
            out.push(f("debug pod", "vmalertmanager-0", 9093, "an unrelated pod"));
            out.push(f("debug pod", "vminsert", 8480, "an unrelated pod"));
            out.push(f(
                "impostor",
                "vmstorage",
                8401,
                "not the operator's vmselect",
            ));
            out.push(f("application", "vmalert", 8080, "another namespace"));
            out.push(f(
                "vmalert",
                "vmalertmanager-0",
                9094,
                "the mesh is Alertmanager's",
            ));
            out.push(f(
                "vmstorage",
                "receiver",
                443,
                "vmstorage talks to no one outside",
            ));
            out.push(f(
                "vmstorage",
                "kube-apiserver",
                443,
                "vmstorage does not watch",
            ));
            out.push(f("vmselect", "vminsert", 8480, "vmselect only reads"));
            if on("grafana") {
                out.push(f(
                    "grafana",
                    "vmstorage",
                    8401,
                    "Grafana reads through vmselect",
                ));
                out.push(f("grafana", "vminsert", 8480, "Grafana does not write"));
            }
            if on("vmauth") {
                if on("grafana") {
                    out.push(f(
                        "grafana",
                        "vmselect",
                        8481,
                        "Grafana reads through vmauth",
                    ));
                }
                out.push(f(
                    "outside stranger",
                    "vmauth",
                    8427,
                    "an address outside vmauthCidrs",
                ));
                out.push(f(
                    "outside writer",
                    "vminsert",
                    8480,
                    "outside clients reach vmauth only",
                ));
                out.push(f(
                    "outside writer",
                    "vmselect",
                    8481,
                    "outside clients reach vmauth only",
                ));
                out.push(f("application", "vmauth", 8427, "not an entry point"));
                if !o.ingress_namespaces {
                    out.push(f("outside writer", "vmauth", 8427, "no vmauthCidrs given"));
                }
                out.push(f(
                    "vmauth",
                    "vmstorage",
                    8400,
                    "vmauth goes through vminsert",
                ));
                out.push(f(
                    "vmauth",
                    "vmstorage",
                    8401,
                    "vmauth goes through vmselect",
                ));
            }
            for ns in INGRESS_NAMESPACES {
                let controller = format!("{ns} controller");
                out.push(f(&controller, "vmselect", 8481, "only the entry points"));
                out.push(f(&controller, "vmstorage", 8482, "only the entry points"));
                if !o.ingress_namespaces {
                    if on("vmauth") {
                        out.push(f(&controller, "vmauth", 8427, "no ingress namespace given"));
                    }
                    if on("grafana") {
                        out.push(f(
                            &controller,
                            "grafana",
                            3000,
                            "no ingress namespace given",
                        ));
                    }
                }
            }
            out.push(f("application", "vminsert", 8480, "not a vmagent"));
            if on("sync-job") {
                out.push(f(
                    "sync-job",
                    "vmselect",
                    8481,
                    "the Job only talks to the API",
                ));
                out.push(f(
                    "sync-job",
                    "rule and dashboard sources",
                    80,
                    "sources are fetched over HTTPS",
                ));
            }
            if on("vmagent") && !o.cilium {
                out.push(f("vmagent", "node", 9962, "Cilium is not scraped"));
            }
            if on("vmagent") && !o.node_exporter {
                out.push(f("vmagent", "node", 9100, "no node-exporter"));
            }
        }
        Scenario::Agent(o) => {
            out.push(f("application", "vmagent", 8429, "another namespace"));
            out.push(f("debug pod", "vmagent", 8429, "an unrelated pod"));
            // Not 443: the API server is allowed by port to any address (see docs/networking.md).
            out.push(f(
                "vmagent",
                "receiver",
                8080,
                "only the remote-write and host ports leave",
            ));
            if !o.cilium {
                out.push(f("vmagent", "node", 9962, "Cilium is not scraped"));
            }
            if !o.node_exporter {
                out.push(f("vmagent", "node", 9100, "no node-exporter"));
            }
            if on("kube-state-metrics") {
                out.push(f(
                    "application",
                    "kube-state-metrics",
                    8080,
                    "only the scraper",
                ));
                out.push(f(
                    "kube-state-metrics",
                    "receiver",
                    80,
                    "only the API server",
                ));
            }
        }
    }
    out
}

fn describe(fl: &Flow) -> String {
    format!(
        "{} → {} {}/{} ({})",
        fl.from,
        fl.to,
        fl.port,
        fl.proto.name(),
        fl.why
    )
}

fn evaluate(w: &World, fl: &Flow) -> bool {
    netpol::allowed(w, &fl.from, &fl.to, fl.port, fl.proto)
}

fn with_policies(mut w: World, cluster: &str, policies: Vec<Value>) -> World {
    w.apply(cluster, policies);
    w
}

// ---------------------------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------------------------

#[test]
fn every_role_and_option_combination_allows_the_reference_flows_and_nothing_closed() {
    let mut checked = 0;
    for s in every_scenario() {
        let w = with_policies(world(s, "local"), "local", policies_of(intent(s)));
        let mut problems = Vec::new();
        for fl in required(s, &w) {
            if !evaluate(&w, &fl) {
                problems.push(format!("denied but required: {}", describe(&fl)));
            }
            checked += 1;
        }
        for fl in closed(s, &w) {
            if evaluate(&w, &fl) {
                problems.push(format!("allowed but must stay closed: {}", describe(&fl)));
            }
            checked += 1;
        }
        assert!(problems.is_empty(), "{s:?}:\n{}", problems.join("\n"));
    }
    assert!(checked > 2000, "only {checked} flows checked");
}

#[test]
fn without_policies_everything_is_open_so_the_closed_flows_prove_something() {
    for s in every_scenario() {
        let w = world(s, "local");
        for fl in closed(s, &w) {
            assert!(evaluate(&w, &fl), "{s:?}: {}", describe(&fl));
        }
    }
}

/// The seed examples, renamed to the model's release (every name derives from it), with the
/// options they use: the global store with vmauth, Grafana and its vmagent; the agent with
/// kube-state-metrics, Cilium scrapes and a remote-write URL whose port a Flux variable hides
/// (so vminsert's 8480).
#[test]
fn the_seed_examples_admit_the_reference_flows_and_nothing_closed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = [
        (
            "examples/seed/infra/vmstack.yaml",
            Scenario::Global(GlobalOptions {
                vmauth: true,
                grafana: true,
                vmagent: true,
                kube_state_metrics: false,
                node_exporter: false,
                cilium: false,
                ingress_namespaces: false,
                sync_job: false,
            }),
        ),
        (
            "examples/seed/apps/vmstack.yaml",
            Scenario::Agent(AgentOptions {
                remote_write_port: 8480,
                kube_state_metrics: true,
                node_exporter: true,
                cilium: true,
                ingress_namespaces: false,
            }),
        ),
    ];
    for (file, s) in seeds {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let mut intent = vmstack::krm::yaml::parse_document(&text).unwrap();
        intent["metadata"]["name"] = json!(RELEASE);
        if let Some(spec) = intent["spec"].as_object_mut() {
            spec.remove("releaseName");
        }
        let w = with_policies(world(s, "local"), "local", policies_of(intent));
        for fl in required(s, &w) {
            assert!(evaluate(&w, &fl), "{file}: denied {}", describe(&fl));
        }
        for fl in closed(s, &w) {
            assert!(!evaluate(&w, &fl), "{file}: allowed {}", describe(&fl));
        }
    }
}

/// One place in the policies that can be removed: a whole rule, or one peer of a rule that has
/// several (removing a rule's only peer would widen it to "everyone", not narrow it).
#[derive(Debug, Clone)]
struct Site {
    policy: usize,
    rules: &'static str,
    rule: usize,
    peer: Option<(&'static str, usize)>,
}

fn sites(policies: &[Value]) -> Vec<Site> {
    let mut out = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        let peers_of = |rules: &str| -> &'static str {
            match (p["kind"].as_str(), rules) {
                (Some("CiliumNetworkPolicy"), "ingress") => "fromEndpoints",
                (Some("CiliumNetworkPolicy"), _) => "toEndpoints",
                (_, "ingress") => "from",
                _ => "to",
            }
        };
        for rules in ["ingress", "egress"] {
            for (j, rule) in p["spec"][rules]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                out.push(Site {
                    policy: i,
                    rules,
                    rule: j,
                    peer: None,
                });
                let key = peers_of(rules);
                let n = rule[key].as_array().map_or(0, Vec::len);
                if n > 1 {
                    for k in 0..n {
                        out.push(Site {
                            policy: i,
                            rules,
                            rule: j,
                            peer: Some((key, k)),
                        });
                    }
                }
            }
        }
    }
    out
}

fn without(policies: &[Value], site: &Site) -> Vec<Value> {
    let mut out = policies.to_vec();
    let rules = out[site.policy]["spec"][site.rules].as_array_mut().unwrap();
    match site.peer {
        None => {
            rules.remove(site.rule);
        }
        Some((key, k)) => {
            rules[site.rule][key].as_array_mut().unwrap().remove(k);
        }
    }
    out
}

fn site_name(policies: &[Value], site: &Site) -> String {
    let p = &policies[site.policy];
    let rule = &p["spec"][site.rules][site.rule];
    let what = match site.peer {
        None => format!("rule {rule}"),
        Some((key, k)) => format!("peer {} of rule {rule}", rule[key][k]),
    };
    format!(
        "{} {} {}[{}]: {what}",
        p["kind"].as_str().unwrap(),
        p["metadata"]["name"].as_str().unwrap(),
        site.rules,
        site.rule
    )
}

#[test]
fn every_rule_and_peer_is_necessary() {
    let mut dropped = 0;
    for s in every_scenario() {
        let policies = policies_of(intent(s));
        let base = world(s, "local");
        let flows = required(s, &base);
        for site in sites(&policies) {
            let w = with_policies(base.clone(), "local", without(&policies, &site));
            let broken = flows.iter().find(|fl| !evaluate(&w, fl));
            assert!(
                broken.is_some(),
                "{s:?}: removing {} breaks no required flow: the rule is unnecessary (or the \
                 matrix misses the flow it is for)",
                site_name(&policies, &site)
            );
            dropped += 1;
        }
    }
    let (policies, base) = cross_cluster_setup();
    let mut flows = cross_cluster_required();
    flows.extend(required(CROSS_CLUSTER_GLOBAL, &base));
    for site in sites(&policies.infra) {
        let mut w = base.clone();
        w.apply("infra", without(&policies.infra, &site));
        w.apply("apps-1", policies.agent.clone());
        w.apply("apps-2", policies.agent.clone());
        assert!(
            flows.iter().any(|fl| !evaluate(&w, fl)),
            "cross-cluster: removing {} breaks nothing",
            site_name(&policies.infra, &site)
        );
        dropped += 1;
    }
    let (policies, base) = cross_cluster_setup_of(cross_cluster_vmauth_intents());
    let mut flows = cross_cluster_vmauth_required();
    flows.extend(required(CROSS_CLUSTER_GLOBAL, &base));
    for site in sites(&policies.infra) {
        let mut w = base.clone();
        w.apply("infra", without(&policies.infra, &site));
        w.apply("apps-1", policies.agent.clone());
        assert!(
            flows.iter().any(|fl| !evaluate(&w, fl)),
            "cross-cluster through vmauth: removing {} breaks nothing",
            site_name(&policies.infra, &site)
        );
        dropped += 1;
    }
    assert!(dropped > 1000, "only {dropped} removals tried");
}

// ---------------------------------------------------------------------------------------------
// Across clusters: Cilium ClusterMesh
// ---------------------------------------------------------------------------------------------

const CROSS_CLUSTER_GLOBAL: Scenario = Scenario::Global(GlobalOptions {
    vmauth: true,
    grafana: true,
    vmagent: true,
    kube_state_metrics: false,
    node_exporter: false,
    cilium: false,
    ingress_namespaces: false,
    sync_job: false,
});

struct CrossClusterPolicies {
    infra: Vec<Value>,
    agent: Vec<Value>,
}

fn cross_cluster_intents() -> (Value, Value) {
    cross_cluster_intents_via("ciliumGlobalService")
}

fn cross_cluster_intents_via(via: &str) -> (Value, Value) {
    let global = json!({
        "apiVersion": "vmstack.dev/v1alpha1",
        "kind": "VictoriaMetricsStack",
        "metadata": {"name": RELEASE, "namespace": NS},
        "spec": {
            "role": "global",
            "flux": {"enabled": false},
            "remoteWriteFrom": {"via": via, "clusters": ["apps-1", "apps-2"]},
        },
    });
    let agent = json!({
        "apiVersion": "vmstack.dev/v1alpha1",
        "kind": "VictoriaMetricsStack",
        "metadata": {"name": RELEASE, "namespace": NS},
        "spec": {
            "role": "agent",
            "cluster": "apps",
            "flux": {"enabled": false},
            "remoteWrite": {"via": via, "release": RELEASE},
        },
    });
    (global, agent)
}

/// Writes across the mesh that authenticate: the global side admits the listed clusters to
/// vmauth (`remoteWriteFrom.target: vmauth`), each agent with its own credentials.
fn cross_cluster_vmauth_intents() -> (Value, Value) {
    let (mut global, mut agent) = cross_cluster_intents();
    global["spec"]["remoteWriteFrom"]["target"] = json!("vmauth");
    global["spec"]["agents"] = json!(["apps-1", "apps-2"].map(|c| json!({
        "cluster": c,
        "auth": {"type": "bearer", "store": "vault", "key": format!("vmauth/{c}")},
    })));
    agent["spec"]["cluster"] = json!("apps-1");
    agent["spec"]["remoteWrite"]["auth"] =
        json!({"type": "bearer", "existingSecret": "vmauth-token"});
    (global, agent)
}

/// The infra cluster with the global stack, and three agent clusters of which two are allowed in.
fn cross_cluster_setup() -> (CrossClusterPolicies, World) {
    cross_cluster_setup_of(cross_cluster_intents())
}

fn cross_cluster_setup_of((global, agent): (Value, Value)) -> (CrossClusterPolicies, World) {
    let mut w = world(CROSS_CLUSTER_GLOBAL, "infra");
    for cluster in ["apps-1", "apps-2", "apps-3"] {
        vm_pod(
            &mut w,
            cluster,
            &format!("{cluster} vmagent"),
            "vmagent",
            &[("http", 8429, Tcp)],
        );
    }
    w.pod("apps-1 debug pod", "apps-1", NS, &[("app", "debug")], &[]);
    w.pod(
        "apps-1 vmagent of another namespace",
        "apps-1",
        "tenant-a",
        &[
            ("app.kubernetes.io/name", "vmagent"),
            ("managed-by", "vm-operator"),
        ],
        &[],
    );
    let policies = CrossClusterPolicies {
        infra: policies_of(global),
        agent: policies_of(agent),
    };
    (policies, w)
}

fn cross_cluster_required() -> Vec<Flow> {
    vec![
        f(
            "apps-1 vmagent",
            "vminsert",
            8480,
            "remote write across the mesh",
        ),
        f(
            "apps-2 vmagent",
            "vminsert",
            8480,
            "remote write across the mesh",
        ),
    ]
}

fn cross_cluster_closed() -> Vec<Flow> {
    vec![
        f("apps-3 vmagent", "vminsert", 8480, "a cluster not listed"),
        f("apps-1 debug pod", "vminsert", 8480, "not a vmagent"),
        f(
            "apps-1 vmagent of another namespace",
            "vminsert",
            8480,
            "not the agents' namespace",
        ),
        f(
            "apps-1 vmagent",
            "vmstorage",
            8400,
            "only vminsert is exposed",
        ),
        f(
            "apps-1 vmagent",
            "vmselect",
            8481,
            "only vminsert is exposed",
        ),
    ]
}

fn cross_cluster_vmauth_required() -> Vec<Flow> {
    vec![
        f(
            "apps-1 vmagent",
            "vmauth",
            8427,
            "authenticated remote write across the mesh",
        ),
        f(
            "apps-2 vmagent",
            "vmauth",
            8427,
            "authenticated remote write across the mesh",
        ),
    ]
}

fn cross_cluster_vmauth_closed() -> Vec<Flow> {
    vec![
        f("apps-3 vmagent", "vmauth", 8427, "a cluster not listed"),
        f(
            "apps-1 vmagent",
            "vminsert",
            8480,
            "the mesh enters through vmauth",
        ),
        f("apps-1 debug pod", "vmauth", 8427, "not a vmagent"),
        f(
            "apps-1 vmagent of another namespace",
            "vmauth",
            8427,
            "not the agents' namespace",
        ),
        f("apps-1 vmagent", "vmselect", 8481, "only vmauth is exposed"),
    ]
}

fn cross_cluster_vmauth_world() -> World {
    mesh_world(cross_cluster_setup_of(cross_cluster_vmauth_intents()))
}

/// The policies applied: the global side's in infra, the agent's in every agent cluster.
fn mesh_world((policies, mut w): (CrossClusterPolicies, World)) -> World {
    w.apply("infra", policies.infra);
    for cluster in ["apps-1", "apps-2", "apps-3"] {
        w.apply(cluster, policies.agent.clone());
    }
    w
}

fn assert_flows(w: &World, required: &[Flow], closed: &[Flow]) {
    for fl in required {
        assert!(evaluate(w, fl), "denied: {}", describe(fl));
    }
    for fl in closed {
        assert!(!evaluate(w, fl), "allowed: {}", describe(fl));
    }
}

#[test]
fn clustermesh_through_vmauth_admits_the_named_clusters_to_vmauth_only() {
    assert_flows(
        &cross_cluster_vmauth_world(),
        &cross_cluster_vmauth_required(),
        &cross_cluster_vmauth_closed(),
    );
}

fn cross_cluster_world() -> World {
    mesh_world(cross_cluster_setup())
}

#[test]
fn clustermesh_admits_the_named_agent_clusters_only() {
    assert_flows(
        &cross_cluster_world(),
        &cross_cluster_required(),
        &cross_cluster_closed(),
    );
}

#[test]
fn clustermesh_through_the_mcs_api_admits_the_same_clusters() {
    let (global, agent) = cross_cluster_intents_via("clusterSet");
    let (_, mut w) = cross_cluster_setup();
    w.apply("infra", policies_of(global));
    let agent = policies_of(agent);
    for cluster in ["apps-1", "apps-2", "apps-3"] {
        w.apply(cluster, agent.clone());
    }
    for fl in cross_cluster_required() {
        assert!(evaluate(&w, &fl), "denied: {}", describe(&fl));
    }
    for fl in cross_cluster_closed() {
        assert!(!evaluate(&w, &fl), "allowed: {}", describe(&fl));
    }
}

#[test]
fn clustermesh_needs_the_cilium_policy_a_plain_one_cannot_name_a_cluster() {
    let (policies, mut w) = cross_cluster_setup();
    let plain: Vec<Value> = policies
        .infra
        .into_iter()
        .filter(|p| p["kind"] == "NetworkPolicy")
        .collect();
    w.apply("infra", plain);
    w.apply("apps-1", policies.agent);
    assert!(!evaluate(&w, &cross_cluster_required()[0]));
}

// ---------------------------------------------------------------------------------------------
// The generated table in docs/networking.md
// ---------------------------------------------------------------------------------------------

const BEGIN: &str = "<!-- BEGIN GENERATED: tests/network_matrix.rs (UPDATE_DOCS=1 cargo test --test network_matrix) -->";
const END: &str = "<!-- END GENERATED -->";

fn table(title: &str, w: &World, required: &[Flow], closed: &[Flow]) -> String {
    let mut out =
        format!("### {title}\n\n| from | to | port | verdict | why |\n|---|---|---|---|---|\n");
    for (flows, expected) in [(required, true), (closed, false)] {
        for fl in flows {
            let verdict = evaluate(w, fl);
            assert_eq!(verdict, expected, "{}", describe(fl));
            out.push_str(&format!(
                "| {} | {} | {}/{} | {} | {} |\n",
                fl.from,
                fl.to,
                fl.port,
                fl.proto.name(),
                if verdict { "allowed" } else { "**denied**" },
                fl.why
            ));
        }
    }
    out
}

fn generated_tables() -> String {
    let mut out = String::new();
    let global = Scenario::Global(GlobalOptions {
        vmauth: true,
        grafana: true,
        vmagent: true,
        kube_state_metrics: true,
        node_exporter: true,
        cilium: false,
        ingress_namespaces: true,
        sync_job: true,
    });
    let agent = Scenario::Agent(AgentOptions {
        remote_write_port: 8443,
        kube_state_metrics: true,
        node_exporter: true,
        cilium: true,
        ingress_namespaces: false,
    });
    for (title, s) in [
        (
            "Global role (vmauth, Grafana, vmagent, kube-state-metrics on; two ingress namespaces and one `vmauthCidrs` range; the chart's own rules and dashboards, fetched by its sync Job)",
            global,
        ),
        (
            "Agent role (kube-state-metrics and Cilium scrapes on; remote write to port 8443)",
            agent,
        ),
    ] {
        let w = with_policies(world(s, "local"), "local", policies_of(intent(s)));
        out.push_str(&table(title, &w, &required(s, &w), &closed(s, &w)));
        out.push('\n');
    }
    let w = cross_cluster_world();
    out.push_str(&table(
        "Across a Cilium ClusterMesh (global in `infra` admitting `apps-1` and `apps-2`)",
        &w,
        &cross_cluster_required(),
        &cross_cluster_closed(),
    ));
    out.push('\n');
    let w = cross_cluster_vmauth_world();
    out.push_str(&table(
        "Across a Cilium ClusterMesh through vmauth (`remoteWriteFrom.target: vmauth`, agents with credentials)",
        &w,
        &cross_cluster_vmauth_required(),
        &cross_cluster_vmauth_closed(),
    ));
    out
}

#[test]
fn docs_networking_carries_the_matrix_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/networking.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        panic!("docs/networking.md lacks the {BEGIN} … {END} markers");
    };
    let fresh = format!(
        "{}{BEGIN}\n\n{}\n{}",
        &text[..start],
        generated_tables(),
        &text[end..]
    );
    if fresh == text {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    panic!(
        "docs/networking.md's flow table is stale: run `UPDATE_DOCS=1 cargo test --test \
         network_matrix` and commit the result"
    );
}
