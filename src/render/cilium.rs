//! The CiliumNetworkPolicy that lets other clusters' vmagents write to the global vminsert (or
//! to vmauth, when their writes authenticate).
//!
//! Since Cilium 1.19 a policy selects endpoints of the local cluster only, unless a selector names
//! the cluster (`io.cilium.k8s.policy.cluster`), and a plain NetworkPolicy cannot name one. So the
//! global side carries this policy, one `fromEndpoints` entry per agent cluster. It only adds an
//! allow to vminsert, which the NetworkPolicy set already isolates (Cilium unions the two).
//! Policies are not distributed across a mesh: each cluster applies its own.

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, labels_map, metadata};
use crate::intent::{RemoteWriteFrom, Role, Stack};
use crate::operator::{Component as C, Names};

/// The endpoint label Cilium gives every endpoint: the name of its ClusterMesh cluster.
pub const CLUSTER_LABEL: &str = "io.cilium.k8s.policy.cluster";
/// The endpoint label Cilium derives from a pod's namespace.
pub const NAMESPACE_LABEL: &str = "k8s:io.kubernetes.pod.namespace";

pub fn policy_name(stack: &Stack, c: C) -> String {
    format!("{}-{}-remote-write", stack.release, c.app_name())
}

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    match &g.remote_write_from {
        Some(from) if stack.network.enabled => vec![Generated {
            file: files::NETWORK_POLICY,
            object: admit_clusters(stack, names, from),
        }],
        _ => Vec::new(),
    }
}

/// vminsert (or vmauth, when writes across the mesh authenticate) admits the agents of the
/// listed clusters.
fn admit_clusters(stack: &Stack, names: &Names, from: &RemoteWriteFrom) -> Value {
    let target = super::cross_cluster::component(from.target.value);
    let agents: Vec<Value> = from
        .clusters
        .iter()
        .map(|cluster| {
            tree!({"matchLabels": {
                CLUSTER_LABEL: cluster.as_str(),
                NAMESPACE_LABEL: from.agent_namespace.as_str(),
                "app.kubernetes.io/name": C::VmAgent.app_name(),
                "managed-by": "vm-operator",
            }})
        })
        .collect();
    tree!({
        "apiVersion": "cilium.io/v2",
        "kind": "CiliumNetworkPolicy",
        "metadata": metadata(stack, &policy_name(stack, target)),
        "spec": {
            "endpointSelector": {"matchLabels": labels_map(&names.pod_selector(target))},
            "ingress": [{
                "fromEndpoints": agents,
                "toPorts": [{"ports": [{
                    "port": target.http_port().to_string(),
                    "protocol": "TCP",
                }]}],
            }],
        },
    })
}
