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

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, metadata_in};
use crate::intent::{
    CrossClusterMechanism as Mechanism, RemoteWriteFrom, RemoteWriteTarget, RemoteWriteVia, Role,
    Stack,
};
use crate::operator::{Component as C, Names};

/// The annotation that makes a Service global in a ClusterMesh.
pub const GLOBAL_SERVICE: &str = "service.cilium.io/global";

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let object = match &stack.role {
        Role::Agent(a) => match &a.remote_write.via {
            RemoteWriteVia::CrossCluster(t) if t.mechanism == Mechanism::CiliumGlobalService => {
                let global = Names::new(&t.release, &t.namespace, &stack.cluster_domain);
                stub_service(stack, &global, component(t.service))
            }
            _ => return Vec::new(),
        },
        Role::Global(g) => match &g.remote_write_from {
            Some(from) if from.mechanism == Mechanism::ClusterSet => {
                service_export(stack, names, component(from.target.value))
            }
            _ => return Vec::new(),
        },
    };
    vec![Generated {
        file: files::CROSS_CLUSTER,
        object,
    }]
}

/// The component whose Service remote writes across the mesh enter by.
pub fn component(target: RemoteWriteTarget) -> C {
    match target {
        RemoteWriteTarget::VmInsert => C::VmInsert,
        RemoteWriteTarget::VmAuth => C::VmAuth,
    }
}

/// A Service without selector, named and placed like the global Service (vminsert's, or
/// vmauth's for an agent that authenticates): Cilium fills its backends from the clusters that
/// serve it.
fn stub_service(stack: &Stack, global: &Names, c: C) -> Value {
    let mut meta = metadata_in(stack, &global.service(c), global.namespace());
    meta["annotations"] = tree!({ GLOBAL_SERVICE: "true" });
    tree!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {
            "type": "ClusterIP",
            // The operator's port name for vminsert and vmauth: Cilium pairs the ports of a
            // global Service across clusters by name and number.
            "ports": [{
                "name": "http",
                "port": c.http_port(),
                "protocol": "TCP",
                "targetPort": c.http_port(),
            }],
        },
    })
}

fn service_export(stack: &Stack, names: &Names, c: C) -> Value {
    tree!({
        "apiVersion": "multicluster.x-k8s.io/v1alpha1",
        "kind": "ServiceExport",
        "metadata": metadata_in(stack, &names.service(c), names.namespace()),
    })
}

/// The global side's remoteWriteFrom when it exposes `target` as a Cilium global Service.
fn global_service_for(stack: &Stack, target: RemoteWriteTarget) -> Option<&RemoteWriteFrom> {
    let Role::Global(g) = &stack.role else {
        return None;
    };
    g.remote_write_from.as_ref().filter(|from| {
        from.mechanism == Mechanism::CiliumGlobalService && from.target.value == target
    })
}

fn global_service_spec() -> Value {
    tree!({
        "useAsDefault": true,
        "metadata": {"annotations": { GLOBAL_SERVICE: "true" }},
        "spec": {},
    })
}

/// The VMAuth `serviceSpec` that annotates the operator's vmauth Service as global, when writes
/// across the mesh enter through vmauth.
pub fn vmauth_service_spec(stack: &Stack) -> Option<Value> {
    global_service_for(stack, RemoteWriteTarget::VmAuth).map(|_| global_service_spec())
}

/// The VMCluster `vminsert.serviceSpec` that annotates the operator's own vminsert Service as
/// global (`useAsDefault`: the operator changes its default Service instead of adding another).
pub fn vminsert_service_spec(stack: &Stack) -> Option<Value> {
    global_service_for(stack, RemoteWriteTarget::VmInsert).map(|_| global_service_spec())
}
