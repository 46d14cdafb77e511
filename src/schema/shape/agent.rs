//! The agent role: where it writes and the local exporters (`parse/agent.rs`,
//! `remote_write.rs`).

use schemars::JsonSchema;

use super::access::Credentials;
use super::agent_fields;
use crate::schema::value::{Count, MetricsDuration, Name, Quantity, Resources, Tenant, Url, Via};

/// The spec fields of the agent role.
#[derive(JsonSchema)]
#[schemars(transform = agent_fields)]
#[serde(rename_all = "camelCase")]
pub struct AgentFields {
    /// Where the agent's vmagent writes
    remote_write: RemoteWrite,
    /// kube-state-metrics (while `scrape.kubeStateMetrics`); its `resources` default to
    /// requests 50m/128Mi, limits 1/256Mi, and are laid over them like a component's
    kube_state_metrics: Option<Exporter>,
    /// node-exporter (while `scrape.nodeExporter`); its `resources` default to requests
    /// 50m/64Mi, limits 1/128Mi, and are laid over them like a component's
    node_exporter: Option<Exporter>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct RemoteWrite {
    /// Base URL of the global vminsert (or a full `…/api/v1/write` URL)
    ///
    /// Default: none (**required** with `via: url`)
    url: Option<Url>,
    /// `url`, `ciliumGlobalService` (a stub of the global vminsert Service, written to by its
    /// local name) or `clusterSet` (MCS-API, `….svc.clusterset.local`); see
    /// [networking.md](networking.md#across-clusters-cilium-clustermesh)
    ///
    /// Default: `url`
    via: Option<Via>,
    /// The global stack's release name
    ///
    /// Default: none (**required** with a cross-cluster `via`)
    release: Option<Name>,
    /// The global stack's namespace
    ///
    /// Default: the intent's namespace
    namespace: Option<Name>,
    /// The write path appended to the base: `/insert/<tenant>/prometheus/api/v1/write`
    /// (`accountID` or `accountID:projectID`)
    ///
    /// Default: `0`
    tenant: Option<Tenant>,
    /// The credentials the remote write presents to the global vmauth:
    /// [credentials](#credentials-auth) with `store` required (an agent has no Grafana admin
    /// store), or `{type, existingSecret: <name>}`. With a cross-cluster `via`, the write then
    /// goes to vmauth's Service instead of vminsert's
    ///
    /// Default: none
    auth: Option<Credentials>,
    /// Per request
    ///
    /// Default: `30s`
    send_timeout: Option<MetricsDuration>,
    /// Parallel connections (`remoteWriteSettings.queues`; the seed's `maxShards`)
    ///
    /// Default: `10`
    queues: Option<Count>,
    /// vmagent's `remoteWrite.maxRowsPerBlock`
    ///
    /// Default: `5000`
    max_samples_per_send: Option<Count>,
    /// The on-disk buffer per URL
    ///
    /// Default: none
    max_disk_usage: Option<Quantity>,
    /// How often blocks are flushed
    ///
    /// Default: none
    flush_interval: Option<MetricsDuration>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Exporter {
    /// `{requests: {cpu, memory}, limits: {…}}`
    resources: Option<Resources>,
}
