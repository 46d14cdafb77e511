//! NetworkPolicies: default deny for the stack's pods, then exactly the flows its components use.
//!
//! Ports are container ports (NetworkPolicy matches pods, not Services). Flows to host-network
//! pods and the API server (kubelet, node-exporter, Cilium, kube-apiserver) cannot be selected by
//! pod labels, so they are allowed by port to any address.

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, labels_map, metadata};
use crate::intent::scalar::Url;
use crate::intent::{Role, Stack};
use crate::operator::{Component as C, Names, ports};

#[derive(Debug, Clone)]
enum Peer {
    /// Pods of this namespace with these labels.
    Pods(Vec<(String, String)>),
    /// Pods with these labels in any namespace (and, under ClusterMesh before Cilium 1.19, any
    /// cluster).
    PodsAnyNamespace(Vec<(String, String)>),
    /// Every pod of the named namespaces.
    Namespaces(Vec<String>),
    /// Pods with these labels in one namespace.
    NamespacePods(String, Vec<(String, String)>),
    /// Every pod of every namespace.
    AllPods,
    /// Addresses of one range (outside the cluster's pods).
    IpBlock(String),
    /// Any address.
    Anywhere,
}

#[derive(Debug, Clone, Copy)]
struct Port(&'static str, u16);

fn tcp(port: u16) -> Port {
    Port("TCP", port)
}

#[derive(Debug, Clone)]
struct Flow {
    peer: Peer,
    /// Empty means every port.
    ports: Vec<Port>,
}

fn flow(peer: Peer, ports: &[Port]) -> Flow {
    Flow {
        peer,
        ports: ports.to_vec(),
    }
}

struct Policy {
    name: String,
    selector: Vec<(String, String)>,
    ingress: Vec<Flow>,
    egress: Vec<Flow>,
}

fn peer_json(peer: &Peer) -> Option<Vec<Value>> {
    let ns_label = "kubernetes.io/metadata.name";
    Some(match peer {
        Peer::Pods(l) => vec![tree!({"podSelector": {"matchLabels": labels_map(l)}})],
        Peer::PodsAnyNamespace(l) => vec![tree!({
            "namespaceSelector": {},
            "podSelector": {"matchLabels": labels_map(l)},
        })],
        Peer::Namespaces(names) => names
            .iter()
            .map(|n| tree!({"namespaceSelector": {"matchLabels": {ns_label: n.as_str()}}}))
            .collect(),
        Peer::NamespacePods(ns, l) => vec![tree!({
            "namespaceSelector": {"matchLabels": {ns_label: ns.as_str()}},
            "podSelector": {"matchLabels": labels_map(l)},
        })],
        Peer::AllPods => vec![tree!({"namespaceSelector": {}})],
        Peer::IpBlock(cidr) => vec![tree!({"ipBlock": {"cidr": cidr.as_str()}})],
        Peer::Anywhere => return None,
    })
}

fn rule_json(f: &Flow, direction: &str) -> Value {
    let mut rule = serde_json::Map::new();
    if let Some(peers) = peer_json(&f.peer) {
        rule.insert(direction.into(), Value::Array(peers));
    }
    if !f.ports.is_empty() {
        let ports: Vec<Value> = f
            .ports
            .iter()
            .map(|Port(proto, port)| tree!({"protocol": *proto, "port": *port}))
            .collect();
        rule.insert("ports".into(), Value::Array(ports));
    }
    Value::Object(rule)
}

fn policy_json(stack: &Stack, p: &Policy) -> Value {
    let mut spec = serde_json::Map::new();
    spec.insert(
        "podSelector".into(),
        tree!({"matchLabels": labels_map(&p.selector)}),
    );
    let mut types = Vec::new();
    if !p.ingress.is_empty() {
        types.push("Ingress");
        spec.insert(
            "ingress".into(),
            p.ingress.iter().map(|f| rule_json(f, "from")).collect(),
        );
    }
    if !p.egress.is_empty() {
        types.push("Egress");
        spec.insert(
            "egress".into(),
            p.egress.iter().map(|f| rule_json(f, "to")).collect(),
        );
    }
    if types.is_empty() {
        // The default deny: selected, both directions, nothing allowed.
        types = vec!["Ingress", "Egress"];
    }
    spec.insert("policyTypes".into(), tree!(types));
    tree!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(stack, &p.name),
        "spec": spec,
    })
}

struct Context<'a> {
    stack: &'a Stack,
    names: &'a Names,
}

impl Context<'_> {
    fn vm(&self, c: C) -> Peer {
        Peer::Pods(self.names.pod_selector(c))
    }

    fn dns(&self) -> Flow {
        let n = &self.stack.network;
        flow(
            Peer::NamespacePods(n.dns_namespace.clone(), n.dns_pod_labels.clone()),
            &[Port("UDP", ports::DNS), tcp(ports::DNS)],
        )
    }

    fn api_server(&self) -> Flow {
        let p: Vec<Port> = self
            .stack
            .network
            .api_server_ports
            .iter()
            .map(|p| tcp(*p))
            .collect();
        flow(Peer::Anywhere, &p)
    }

    fn ingress_namespaces(&self) -> Option<Peer> {
        let ns = &self.stack.network.ingress_namespaces;
        (!ns.is_empty()).then(|| Peer::Namespaces(ns.iter().map(|n| n.0.clone()).collect()))
    }

    fn policy(
        &self,
        suffix: &str,
        selector: Vec<(String, String)>,
        ingress: Vec<Flow>,
        egress: Vec<Flow>,
    ) -> Policy {
        Policy {
            name: format!("{}-{suffix}", self.stack.release),
            selector,
            ingress,
            egress,
        }
    }

    /// A scraping vmagent reaches every pod on every port (it scrapes whatever the cluster's
    /// scrape objects name), the kubelets and host-network exporters, and the API server (service
    /// discovery). Every pod includes kube-dns and the local vminsert, so no separate DNS or
    /// remote-write rule to pods: each rule must be necessary (tests/network_matrix.rs drops them
    /// one by one).
    fn scraper_egress(&self) -> Vec<Flow> {
        // The chart scrapes the kubelets on either role; node-exporter only when it runs.
        let mut host_ports = vec![tcp(ports::KUBELET)];
        if self.stack.scrape.node_exporter {
            host_ports.push(tcp(ports::NODE_EXPORTER_METRICS));
        }
        if self.stack.scrape.cilium {
            // The Cilium agent and operator run on the host network (scrape.rs scrapes them on
            // either role).
            host_ports.extend(
                [
                    ports::CILIUM_AGENT_METRICS,
                    ports::CILIUM_OPERATOR_METRICS,
                    ports::HUBBLE_METRICS,
                ]
                .map(tcp),
            );
        }
        vec![
            flow(Peer::AllPods, &[]),
            flow(Peer::Anywhere, &host_ports),
            self.api_server(),
        ]
    }

    /// Alertmanager's notification receivers (chat, paging, mail relays), outside the cluster.
    fn receivers(&self) -> Vec<Flow> {
        self.stack
            .network
            .receivers()
            .into_iter()
            .map(|r| {
                let peer = r.cidr.map_or(Peer::Anywhere, Peer::IpBlock);
                let ports: Vec<Port> = r.ports.into_iter().map(tcp).collect();
                flow(peer, &ports)
            })
            .collect()
    }
}

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    if !stack.network.enabled {
        return Vec::new();
    }
    let cx = Context { stack, names };
    let mut policies = vec![Policy {
        name: format!("{}-default-deny", stack.release),
        selector: vec![(
            "app.kubernetes.io/instance".into(),
            stack.release.to_string(),
        )],
        ingress: vec![],
        egress: vec![],
    }];
    match &stack.role {
        Role::Global(g) => {
            let scraper = g.vmagent.enabled.then(|| cx.vm(C::VmAgent));
            let scraped = |port: u16| scraper.clone().map(|p| flow(p, &[tcp(port)]));
            let grafana = g
                .grafana
                .enabled
                .then(|| Peer::Pods(names.subchart_selector("grafana")));

            let mut ingress = vec![
                flow(cx.vm(C::VmInsert), &[tcp(ports::VMSTORAGE_INSERT)]),
                flow(cx.vm(C::VmSelect), &[tcp(ports::VMSTORAGE_SELECT)]),
            ];
            ingress.extend(scraped(ports::VMSTORAGE_HTTP));
            policies.push(cx.policy(
                "vmstorage",
                names.pod_selector(C::VmStorage),
                ingress,
                vec![cx.dns()],
            ));

            let mut ingress = vec![flow(cx.vm(C::VmAlert), &[tcp(ports::VMSELECT_HTTP)])];
            if g.vmauth.enabled {
                ingress.push(flow(cx.vm(C::VmAuth), &[tcp(ports::VMSELECT_HTTP)]));
            }
            // With vmauth, Grafana reads through it as a user of its own.
            if let Some(gr) = grafana.as_ref().filter(|_| !g.grafana_through_vmauth()) {
                ingress.push(flow(gr.clone(), &[tcp(ports::VMSELECT_HTTP)]));
            }
            ingress.extend(scraped(ports::VMSELECT_HTTP));
            let egress = vec![
                flow(cx.vm(C::VmStorage), &[tcp(ports::VMSTORAGE_SELECT)]),
                // vmselect proxies vmalert's API (vmalert.proxyURL) for Grafana's alert views.
                flow(cx.vm(C::VmAlert), &[tcp(ports::VMALERT_HTTP)]),
                cx.dns(),
            ];
            policies.push(cx.policy("vmselect", names.pod_selector(C::VmSelect), ingress, egress));

            let mut ingress = vec![
                // Agents write here: the operator's vmagents of any namespace of this cluster (and,
                // under ClusterMesh before Cilium 1.19, of every cluster; from 1.19 on, other
                // clusters' agents come in through the CiliumNetworkPolicy of cilium.rs).
                flow(
                    Peer::PodsAnyNamespace(vec![
                        ("app.kubernetes.io/name".into(), "vmagent".into()),
                        ("managed-by".into(), "vm-operator".into()),
                    ]),
                    &[tcp(ports::VMINSERT_HTTP)],
                ),
                flow(cx.vm(C::VmAlert), &[tcp(ports::VMINSERT_HTTP)]),
            ];
            if g.vmauth.enabled {
                ingress.push(flow(cx.vm(C::VmAuth), &[tcp(ports::VMINSERT_HTTP)]));
            }
            // No scrape rule: the stack's vmagent is one of the agents above, on the same port.
            let egress = vec![
                flow(cx.vm(C::VmStorage), &[tcp(ports::VMSTORAGE_INSERT)]),
                cx.dns(),
            ];
            policies.push(cx.policy("vminsert", names.pod_selector(C::VmInsert), ingress, egress));

            let mut ingress = vec![flow(cx.vm(C::VmSelect), &[tcp(ports::VMALERT_HTTP)])];
            ingress.extend(scraped(ports::VMALERT_HTTP));
            let egress = vec![
                flow(cx.vm(C::VmSelect), &[tcp(ports::VMSELECT_HTTP)]),
                flow(cx.vm(C::VmInsert), &[tcp(ports::VMINSERT_HTTP)]),
                flow(cx.vm(C::VmAlertmanager), &[tcp(ports::ALERTMANAGER_WEB)]),
                cx.dns(),
            ];
            policies.push(cx.policy("vmalert", names.pod_selector(C::VmAlert), ingress, egress));

            let mesh = [
                tcp(ports::ALERTMANAGER_MESH),
                Port("UDP", ports::ALERTMANAGER_MESH),
            ];
            let mut ingress = vec![
                flow(cx.vm(C::VmAlert), &[tcp(ports::ALERTMANAGER_WEB)]),
                flow(cx.vm(C::VmAlertmanager), &mesh),
            ];
            if let Some(gr) = &grafana {
                ingress.push(flow(gr.clone(), &[tcp(ports::ALERTMANAGER_WEB)]));
            }
            ingress.extend(scraped(ports::ALERTMANAGER_WEB));
            let mut egress = vec![flow(cx.vm(C::VmAlertmanager), &mesh)];
            egress.extend(cx.receivers());
            egress.push(cx.dns());
            policies.push(cx.policy(
                "vmalertmanager",
                names.pod_selector(C::VmAlertmanager),
                ingress,
                egress,
            ));

            if g.vmauth.enabled {
                let mut ingress = Vec::new();
                if let Some(p) = cx.ingress_namespaces() {
                    ingress.push(flow(p, &[tcp(ports::VMAUTH_HTTP)]));
                }
                if let Some(gr) = grafana.as_ref().filter(|_| g.grafana_through_vmauth()) {
                    ingress.push(flow(gr.clone(), &[tcp(ports::VMAUTH_HTTP)]));
                }
                // Writers and readers outside any mesh or ingress, by address.
                for cidr in stack.network.vmauth_cidrs.iter().flat_map(|c| c.iter()) {
                    ingress.push(flow(
                        Peer::IpBlock(cidr.clone()),
                        &[tcp(ports::VMAUTH_HTTP)],
                    ));
                }
                ingress.extend(scraped(ports::VMAUTH_HTTP));
                let egress = vec![
                    flow(cx.vm(C::VmSelect), &[tcp(ports::VMSELECT_HTTP)]),
                    flow(cx.vm(C::VmInsert), &[tcp(ports::VMINSERT_HTTP)]),
                    cx.dns(),
                ];
                policies.push(cx.policy("vmauth", names.pod_selector(C::VmAuth), ingress, egress));
            }

            if g.vmagent.enabled {
                // Its remote write to the local vminsert is one of the pods it may reach.
                policies.push(cx.policy(
                    "vmagent",
                    names.pod_selector(C::VmAgent),
                    vec![flow(cx.vm(C::VmAgent), &[tcp(ports::VMAGENT_HTTP)])],
                    cx.scraper_egress(),
                ));
            }

            if grafana.is_some() {
                let mut ingress = Vec::new();
                if let Some(p) = cx.ingress_namespaces() {
                    ingress.push(flow(p, &[tcp(ports::GRAFANA_HTTP)]));
                }
                ingress.extend(scraped(ports::GRAFANA_HTTP));
                let reads = if g.grafana_through_vmauth() {
                    flow(cx.vm(C::VmAuth), &[tcp(ports::VMAUTH_HTTP)])
                } else {
                    flow(cx.vm(C::VmSelect), &[tcp(ports::VMSELECT_HTTP)])
                };
                let egress = vec![
                    reads,
                    flow(cx.vm(C::VmAlertmanager), &[tcp(ports::ALERTMANAGER_WEB)]),
                    // The dashboard and data source sidecars watch ConfigMaps.
                    cx.api_server(),
                    cx.dns(),
                ];
                policies.push(cx.policy(
                    "grafana",
                    names.subchart_selector("grafana"),
                    ingress,
                    egress,
                ));
            }
            if stack.scrape.kube_state_metrics {
                policies.push(kube_state_metrics(&cx, scraper.clone()));
            }
            if stack.sync_job_runs() {
                // The chart's Job writes rules and dashboards through the API server from what it
                // downloads over HTTPS (GitHub, or the mirror named in the chart's sources). The
                // API server rule already opens 443 to any address unless its ports leave it out.
                let mut egress = vec![cx.api_server()];
                if !stack.network.api_server_ports.contains(&ports::HTTPS) {
                    egress.push(flow(Peer::Anywhere, &[tcp(ports::HTTPS)]));
                }
                egress.push(cx.dns());
                policies.push(cx.policy("sync-job", names.sync_job_selector(), vec![], egress));
            }
        }
        Role::Agent(a) => {
            let mut egress = cx.scraper_egress();
            let rw_ports: Vec<Port> = remote_write_ports(&a.remote_write.url)
                .into_iter()
                .map(tcp)
                .collect();
            // To any address: the global vminsert is in another cluster (under ClusterMesh its pod
            // addresses are remote endpoints, which only a rule without peers admits).
            egress.insert(1, flow(Peer::Anywhere, &rw_ports));
            policies.push(cx.policy(
                "vmagent",
                names.pod_selector(C::VmAgent),
                vec![flow(cx.vm(C::VmAgent), &[tcp(ports::VMAGENT_HTTP)])],
                egress,
            ));
            if stack.scrape.kube_state_metrics {
                policies.push(kube_state_metrics(&cx, Some(cx.vm(C::VmAgent))));
            }
        }
    }
    policies
        .iter()
        .map(|p| Generated {
            file: files::NETWORK_POLICY,
            object: policy_json(stack, p),
        })
        .collect()
}

fn kube_state_metrics(cx: &Context, scraper: Option<Peer>) -> Policy {
    let ingress = scraper
        .map(|p| vec![flow(p, &[tcp(ports::KUBE_STATE_METRICS_HTTP)])])
        .unwrap_or_default();
    cx.policy(
        "kube-state-metrics",
        cx.names.subchart_selector("kube-state-metrics"),
        ingress,
        vec![cx.api_server(), cx.dns()],
    )
}

/// The port(s) remote write leaves on: the URL's own, or vminsert's 8480 when a Flux variable
/// hides it (a settings key like `${GLOBAL_VM_INSERT_ENDPOINT}` names vminsert).
pub fn remote_write_ports(url: &Url) -> Vec<u16> {
    vec![
        url.parts()
            .map_or(ports::VMINSERT_HTTP, |p| p.port_or_default()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_write_port_from_url() {
        let url = |s: &str| {
            let mut d = crate::intent::diagnostic::Diagnostics::default();
            crate::intent::decode::Decode::decode(&serde_json::json!(s), "u", &mut d).unwrap()
        };
        assert_eq!(
            remote_write_ports(&url("http://vminsert-x.o.svc:8480")),
            [8480]
        );
        assert_eq!(remote_write_ports(&url("https://vm.example.com")), [443]);
        assert_eq!(
            remote_write_ports(&url("${GLOBAL_VM_INSERT_ENDPOINT}")),
            [8480]
        );
    }
}
