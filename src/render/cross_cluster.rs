//! Reaching the global vminsert from another cluster of a Cilium ClusterMesh.
//!
//! - Cilium global Service: the agent cluster gets a selector-less stub of the global vminsert
//!   Service (same name and namespace, annotated global), so the agent writes to the ordinary
//!   local name and Cilium balances to the remote endpoints. The global side annotates its own
//!   vminsert Service through the chart values (see `vminsert_service_spec`).
//! - MCS-API: the global side exports vminsert with a ServiceExport; agents write to
//!   `<svc>.<ns>.svc.clusterset.local`.
//!
//! ClusterMesh has no `svc.<cluster>.cluster.local` names: these are the two ways it offers.

use serde_json::{Value, json};

use super::{Generated, files, metadata_in};
use crate::intent::{CrossClusterMechanism as Mechanism, RemoteWriteVia, Role, Stack};
use crate::operator::{Component as C, Names, ports};

/// The annotation that makes a Service global in a ClusterMesh.
pub const GLOBAL_SERVICE: &str = "service.cilium.io/global";

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let object = match &stack.role {
        Role::Agent(a) => match &a.remote_write.via {
            RemoteWriteVia::CrossCluster(t) if t.mechanism == Mechanism::CiliumGlobalService => {
                let global = Names::new(&t.release, &t.namespace, &stack.cluster_domain);
                stub_service(stack, &global)
            }
            _ => return Vec::new(),
        },
        Role::Global(g) => match &g.remote_write_from {
            Some(from) if from.mechanism == Mechanism::ClusterSet => service_export(stack, names),
            _ => return Vec::new(),
        },
    };
    vec![Generated {
        file: files::CROSS_CLUSTER,
        object,
    }]
}

/// A Service without selector, named and placed like the global vminsert Service: Cilium fills
/// its backends from the clusters that serve it.
fn stub_service(stack: &Stack, global: &Names) -> Value {
    let mut meta = metadata_in(stack, &global.service(C::VmInsert), global.namespace());
    meta["annotations"] = json!({ GLOBAL_SERVICE: "true" });
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {
            "type": "ClusterIP",
            // The operator's port name for vminsert: Cilium pairs the ports of a global Service
            // across clusters by name and number.
            "ports": [{
                "name": "http",
                "port": ports::VMINSERT_HTTP,
                "protocol": "TCP",
                "targetPort": ports::VMINSERT_HTTP,
            }],
        },
    })
}

fn service_export(stack: &Stack, names: &Names) -> Value {
    json!({
        "apiVersion": "multicluster.x-k8s.io/v1alpha1",
        "kind": "ServiceExport",
        "metadata": metadata_in(stack, &names.service(C::VmInsert), names.namespace()),
    })
}

/// The VMCluster `vminsert.serviceSpec` that annotates the operator's own vminsert Service as
/// global (`useAsDefault`: the operator changes its default Service instead of adding another).
pub fn vminsert_service_spec(stack: &Stack) -> Option<Value> {
    let Role::Global(g) = &stack.role else {
        return None;
    };
    let from = g.remote_write_from.as_ref()?;
    (from.mechanism == Mechanism::CiliumGlobalService).then(|| {
        json!({
            "useAsDefault": true,
            "metadata": {"annotations": { GLOBAL_SERVICE: "true" }},
            "spec": {},
        })
    })
}
