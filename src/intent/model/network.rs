//! The NetworkPolicy settings and what the stack scrapes besides itself.

use crate::intent::spanned::Spanned;

#[derive(Debug, Clone)]
pub struct Network {
    /// Emit the NetworkPolicy set.
    pub enabled: bool,
    /// Namespaces whose pods (an ingress controller) may reach vmauth and Grafana.
    pub ingress_namespaces: Vec<crate::intent::scalar::Name>,
    /// kube-apiserver's ports, for the components that watch it.
    pub api_server_ports: Vec<u16>,
    /// Where name resolution goes: the DNS pods' namespace and labels.
    pub dns_namespace: String,
    pub dns_pod_labels: Vec<(String, String)>,
    /// Where Alertmanager may send notifications (global role only). `None`: the default, see
    /// [`Network::receivers`].
    pub alertmanager_receivers: Option<Spanned<Vec<Receiver>>>,
    /// Address ranges whose clients may reach vmauth directly (global role only): writers and
    /// readers outside any mesh or ingress.
    pub vmauth_cidrs: Option<Spanned<Vec<String>>>,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            enabled: true,
            ingress_namespaces: Vec::new(),
            api_server_ports: vec![443, 6443],
            dns_namespace: "kube-system".into(),
            dns_pod_labels: vec![("k8s-app".into(), "kube-dns".into())],
            alertmanager_receivers: None,
            vmauth_cidrs: None,
        }
    }
}

impl Network {
    /// Alertmanager's receivers: as configured, or HTTPS to any address.
    pub fn receivers(&self) -> Vec<Receiver> {
        match &self.alertmanager_receivers {
            Some(r) => r.value.clone(),
            None => vec![Receiver::default()],
        }
    }
}

/// Where Alertmanager may send notifications: an address range (any address when `None`) and
/// ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Receiver {
    pub cidr: Option<String>,
    pub ports: Vec<u16>,
}

/// HTTPS to any address.
impl Default for Receiver {
    fn default() -> Self {
        Receiver {
            cidr: None,
            ports: vec![443],
        }
    }
}

/// What the stack scrapes besides its own components.
#[derive(Debug, Clone)]
pub struct Scrape {
    /// Run kube-state-metrics and scrape it. Default: on an agent, not on the global role.
    pub kube_state_metrics: bool,
    /// Run node-exporter and scrape it. Default: as `kube_state_metrics`.
    pub node_exporter: bool,
    /// Scrape the Cilium agent, Hubble and operator metrics.
    pub cilium: bool,
    pub cilium_namespace: String,
}

impl Scrape {
    /// A global cluster runs no exporters of its own; an agent runs both.
    pub fn default_for(role: super::RoleKind) -> Self {
        let exporters = role == super::RoleKind::Agent;
        Scrape {
            kube_state_metrics: exporters,
            node_exporter: exporters,
            cilium: false,
            cilium_namespace: "kube-system".into(),
        }
    }
}
