//! A model of the clusters a policy set is evaluated over: pods with labels and container ports in
//! namespaces of named clusters, and addresses outside the pod network (the API server, nodes'
//! host-network exporters, receivers on the internet).

use std::net::Ipv4Addr;

use super::selector::Labels;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ContainerPort {
    pub name: String,
    pub port: u16,
    pub proto: Proto,
}

#[derive(Debug, Clone)]
pub enum Endpoint {
    Pod {
        cluster: String,
        namespace: String,
        labels: Labels,
        ports: Vec<ContainerPort>,
    },
    /// An address outside the pod network (host network, API server, internet).
    External { ip: Ipv4Addr },
}

/// One endpoint of the model, with the name the matrix reports it by.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub endpoint: Endpoint,
}

/// A policy object and the cluster it is applied in (policies are not distributed across a mesh).
#[derive(Debug, Clone)]
pub struct Applied {
    pub cluster: String,
    pub object: serde_json::Value,
}

#[derive(Debug, Default, Clone)]
pub struct World {
    pub nodes: Vec<Node>,
    pub policies: Vec<Applied>,
}

impl World {
    pub fn pod(
        &mut self,
        name: &str,
        cluster: &str,
        namespace: &str,
        labels: &[(&str, &str)],
        ports: &[(&str, u16, Proto)],
    ) {
        self.nodes.push(Node {
            name: name.into(),
            endpoint: Endpoint::Pod {
                cluster: cluster.into(),
                namespace: namespace.into(),
                labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ports: ports
                    .iter()
                    .map(|(n, p, proto)| ContainerPort {
                        name: n.to_string(),
                        port: *p,
                        proto: *proto,
                    })
                    .collect(),
            },
        });
    }

    pub fn external(&mut self, name: &str, ip: [u8; 4]) {
        self.nodes.push(Node {
            name: name.into(),
            endpoint: Endpoint::External { ip: ip.into() },
        });
    }

    pub fn has(&self, name: &str) -> bool {
        self.nodes.iter().any(|n| n.name == name)
    }

    pub fn get(&self, name: &str) -> &Node {
        self.nodes
            .iter()
            .find(|n| n.name == name)
            .unwrap_or_else(|| panic!("no endpoint {name:?} in the model"))
    }

    pub fn apply(&mut self, cluster: &str, objects: impl IntoIterator<Item = serde_json::Value>) {
        for object in objects {
            self.policies.push(Applied {
                cluster: cluster.into(),
                object,
            });
        }
    }
}

/// Namespace labels: the API server sets `kubernetes.io/metadata.name` on every namespace.
pub fn namespace_labels(namespace: &str) -> Labels {
    [(
        "kubernetes.io/metadata.name".to_string(),
        namespace.to_string(),
    )]
    .into()
}
