//! The NetworkPolicy settings and what the stack scrapes (`parse/network.rs`).

use schemars::JsonSchema;

use super::global;
use crate::schema::value::{Cidr, Flag, Name, Port, StringMap};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPolicies {
    /// Emit the NetworkPolicy set
    ///
    /// Default: `true`
    enabled: Option<Flag>,
    /// Namespaces (an ingress controller's) whose pods may reach vmauth and Grafana
    ///
    /// Default: `[]`
    ingress_namespaces: Option<Vec<Name>>,
    /// Ports of kube-apiserver, for the components that watch it
    ///
    /// Default: `[443, 6443]`
    api_server_ports: Option<Vec<Port>>,
    /// Where name resolution goes
    ///
    /// Default: `{namespace: kube-system, podLabels: {k8s-app: kube-dns}}`
    dns: Option<Dns>,
    /// Where Alertmanager may send notifications; `cidr` absent means any address
    ///
    /// Default: `[{ports: [443]}]` (HTTPS to any address)
    #[schemars(transform = global)]
    alertmanager_receivers: Option<Vec<Receiver>>,
    /// Address ranges whose clients may reach vmauth (8427) directly, writers and readers
    /// outside any mesh or ingress ([vmauth.md](vmauth.md#writers-outside-any-mesh-or-ingress))
    ///
    /// Default: `[]`
    #[schemars(transform = global)]
    vmauth_cidrs: Option<Vec<Cidr>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Dns {
    /// The DNS server's namespace
    ///
    /// Default: `kube-system`
    namespace: Option<Name>,
    /// The DNS server pods' labels
    ///
    /// Default: `{k8s-app: kube-dns}`
    pod_labels: Option<StringMap>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Receiver {
    /// The receiver's address range
    ///
    /// Default: any address
    cidr: Option<Cidr>,
    /// Its ports, at least one
    ///
    /// Default: `[443]`
    ports: Option<Vec<Port>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Scrape {
    /// Run kube-state-metrics and scrape it
    ///
    /// Default: `false` on global, `true` on agent
    kube_state_metrics: Option<Flag>,
    /// Run node-exporter and scrape it
    ///
    /// Default: `false` on global, `true` on agent
    node_exporter: Option<Flag>,
    /// Scrape the Cilium agent, Hubble and operator metrics
    ///
    /// Default: `false`
    cilium: Option<Flag>,
    /// Where Cilium runs
    ///
    /// Default: `kube-system`
    cilium_namespace: Option<Name>,
}
