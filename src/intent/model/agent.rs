//! The agent role, and remote write across clusters (both roles' sides of it).

use super::{Component, Credentials};
use crate::intent::choice::choices;
use crate::intent::scalar::{MetricsDuration, Quantity, Resources, Setting, Tenant, Url, literal};
use crate::intent::spanned::Spanned;

#[derive(Debug, Clone)]
pub struct Agent {
    pub remote_write: RemoteWrite,
    pub vmagent: Component,
    pub kube_state_metrics: Resources,
    pub node_exporter: Resources,
}

impl Agent {
    pub fn default_vmagent() -> Component {
        Component::new(
            2,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        )
    }

    pub fn default_kube_state_metrics() -> Resources {
        Resources::of(
            &[("cpu", "50m"), ("memory", "128Mi")],
            &[("cpu", "1"), ("memory", "256Mi")],
        )
    }

    pub fn default_node_exporter() -> Resources {
        Resources::of(
            &[("cpu", "50m"), ("memory", "64Mi")],
            &[("cpu", "1"), ("memory", "128Mi")],
        )
    }
}

#[derive(Debug, Clone)]
pub struct RemoteWrite {
    /// Base URL of the global vminsert (or of vmauth); the tenant write path is appended. With a
    /// cross-cluster `via`, derived from the global stack's names.
    pub url: Url,
    /// `accountID` or `accountID:projectID`.
    pub tenant: Spanned<Tenant>,
    /// The credentials the remote write presents to the global vmauth.
    pub auth: Option<Credentials>,
    pub send_timeout: Setting<MetricsDuration>,
    /// Parallel connections (`remoteWriteSettings.queues`).
    pub queues: Setting<u32>,
    /// vmagent's `remoteWrite.maxRowsPerBlock` (the intent's `maxSamplesPerSend`).
    pub max_rows_per_block: Setting<u32>,
    /// The on-disk buffer per URL.
    pub max_disk_usage: Option<Setting<Quantity>>,
    /// How often blocks are flushed.
    pub flush_interval: Option<Setting<MetricsDuration>>,
    pub via: RemoteWriteVia,
}

impl RemoteWrite {
    pub fn default_send_timeout() -> Setting<MetricsDuration> {
        literal("30s".into())
    }

    pub fn default_queues() -> Setting<u32> {
        literal(10)
    }

    pub fn default_max_rows_per_block() -> Setting<u32> {
        literal(5000)
    }

    /// The full write URL: base plus `/insert/<tenant>/prometheus/api/v1/write`, unless the base
    /// already names a write path.
    pub fn write_url(&self) -> String {
        let base = self.url.text().trim_end_matches('/');
        if base.ends_with("/api/v1/write") {
            base.to_string()
        } else {
            format!(
                "{base}/insert/{}/prometheus/api/v1/write",
                self.tenant.as_str()
            )
        }
    }
}

/// How an agent reaches the global vminsert.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteWriteVia {
    /// `remoteWrite.url` as written.
    Url,
    /// Through a ClusterMesh global Service, or an MCS-API ServiceExport: the URL is derived.
    CrossCluster(CrossClusterTarget),
}

choices! {
    /// The two ways Cilium ClusterMesh offers to reach a Service of another cluster.
    pub enum CrossClusterMechanism {
        /// A Service of the same name and namespace in both clusters, annotated global; the
        /// caller uses the ordinary local name.
        CiliumGlobalService = "ciliumGlobalService",
        /// An MCS-API ServiceExport; the caller uses `<svc>.<ns>.svc.clusterset.local`.
        ClusterSet = "clusterSet",
    }
}

choices! {
    /// The global Service remote writes across the mesh enter by.
    pub enum RemoteWriteTarget {
        /// vminsert, unauthenticated (the default).
        VmInsert = "vminsert",
        /// vmauth, which admits only its users.
        VmAuth = "vmauth",
    }
}

/// The global stack an agent writes to across clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossClusterTarget {
    pub mechanism: CrossClusterMechanism,
    /// vmauth when the agent authenticates, else vminsert.
    pub service: RemoteWriteTarget,
    /// The global stack's release name (its vminsert Service is `vminsert-<release>`).
    pub release: Spanned<String>,
    /// The global stack's namespace (a global Service must have the same namespace on both
    /// sides). Default: the intent's namespace.
    pub namespace: String,
}

/// On the global role: the agent clusters whose vmagents may write to vminsert.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteWriteFrom {
    pub mechanism: CrossClusterMechanism,
    /// The Service exposed across the mesh and admitted to.
    pub target: Spanned<RemoteWriteTarget>,
    /// ClusterMesh cluster names (`io.cilium.k8s.policy.cluster`), each once.
    pub clusters: Vec<String>,
    /// The namespace the agents' vmagent pods run in. Default: the intent's namespace.
    pub agent_namespace: String,
}
