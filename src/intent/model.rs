//! The validated intent: every field typed, every default applied.

use serde_json::{Map, Value};

use super::scalar::{
    Duration, ExtraArgs, Name, Quantity, Resources, Retention, Setting, Text, Url,
};

#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    pub namespace: String,
    /// The Helm release name, also the chart's fullnameOverride: every operator-made name
    /// derives from it.
    pub release: String,
    pub chart: Chart,
    pub cluster: Option<Text>,
    pub cluster_domain: String,
    pub helm: HelmSettings,
    pub flux: Flux,
    pub layout: Layout,
    pub network: Network,
    pub scrape: Scrape,
    pub role: Role,
    /// Deep-merged into the Helm values last.
    pub values: Map<String, Value>,
    /// Every Flux variable the intent uses, where, and as what kind of value.
    pub variables: Vec<super::variables::VariableUse>,
}

impl Stack {
    /// Whether Grafana gets the chart's default dashboards.
    pub fn chart_dashboards(&self) -> bool {
        match &self.role {
            Role::Global(g) => g.grafana.enabled && self.chart.content == ChartContent::Chart,
            Role::Agent(_) => false,
        }
    }

    /// Whether the chart's sync Job runs (chart 0.91): it fetches the chart's rules and
    /// dashboards, so it runs only when there are some to fetch.
    pub fn sync_job_runs(&self) -> bool {
        let rules = matches!(&self.role, Role::Global(g) if g.rules.default_rules);
        self.chart.line().has_sync_job() && (rules || self.chart_dashboards())
    }
}

#[derive(Debug, Clone)]
pub enum Role {
    Global(Box<Global>),
    Agent(Box<Agent>),
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Global(_) => "global",
            Role::Agent(_) => "agent",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub version: String,
    pub source: ChartSource,
    /// Where the global stack's default rules and dashboards come from.
    pub content: ChartContent,
}

/// Who provides the default alert rules and Grafana dashboards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartContent {
    /// The chart's own: rendered from the chart on 0.61; downloaded from GitHub at each
    /// install and upgrade by the chart's sync Job on 0.91.
    Chart,
    /// None of the chart's: vmstack's health rules cover every component and vmstack's
    /// dashboard is provisioned. Nothing is fetched at deploy time.
    Vmstack,
}

impl ChartContent {
    pub fn name(self) -> &'static str {
        match self {
            ChartContent::Chart => "chart",
            ChartContent::Vmstack => "vmstack",
        }
    }
}

impl Chart {
    /// The chart line the values are written for. The version is checked at parse time, so only
    /// an intent that failed validation could lack one; 0.61 is the default line.
    pub fn line(&self) -> super::chart_line::ChartLine {
        super::chart_line::ChartLine::of(&self.version)
            .unwrap_or(super::chart_line::ChartLine::V0_61)
    }
}

#[derive(Debug, Clone)]
pub enum ChartSource {
    /// vmstack emits an OCIRepository for the chart.
    Generated { url: String },
    /// An existing source object (the seed's shared OCIRepository in flux-system).
    Existing(ObjectRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HelmSettings {
    pub interval: Setting<Duration>,
    pub timeout: Setting<Duration>,
    pub retries: u32,
}

#[derive(Debug, Clone)]
pub struct Flux {
    pub enabled: bool,
    pub name: String,
    pub namespace: String,
    pub path: Option<Text>,
    pub source_ref: ObjectRef,
    pub interval: Setting<Duration>,
    pub timeout: Setting<Duration>,
    pub retry_interval: Option<Setting<Duration>>,
    pub prune: bool,
    /// Substitute the variables at render time from the settings found among the items.
    pub substitute: bool,
    pub depends_on: Vec<ObjectRef>,
    pub substitute_from: Vec<SubstituteRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubstituteRef {
    pub kind: String,
    pub name: String,
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// Folder of the kpt package the generated files go to.
    pub directory: String,
}

#[derive(Debug, Clone)]
pub struct Network {
    pub enabled: bool,
    /// Namespaces whose pods (an ingress controller) may reach vmauth and Grafana.
    pub ingress_namespaces: Vec<Name>,
    pub api_server_ports: Vec<u32>,
    pub dns_namespace: String,
    pub dns_pod_labels: Vec<(String, String)>,
    /// `None`: the default, HTTPS to any address (see `Network::receivers`).
    pub alertmanager_receivers: Option<Vec<Receiver>>,
}

#[derive(Debug, Clone)]
pub struct Scrape {
    pub kube_state_metrics: bool,
    pub node_exporter: bool,
    pub cilium: bool,
    pub cilium_namespace: String,
}

/// Settings every VictoriaMetrics component shares.
#[derive(Debug, Clone)]
pub struct Component {
    pub replicas: Setting<u32>,
    pub resources: Resources,
    pub extra_args: ExtraArgs,
    pub max_unavailable: Setting<u32>,
}

#[derive(Debug, Clone)]
pub struct Global {
    pub retention: Setting<Retention>,
    pub replication_factor: Setting<u32>,
    pub dedup_interval: Setting<Duration>,
    pub storage_class: Option<Text>,
    pub vmstorage: Storage,
    pub vmselect: Select,
    pub vminsert: Component,
    pub vmalert: Alert,
    pub alertmanager: Alertmanager,
    pub vmauth: Auth,
    pub grafana: Grafana,
    pub vmagent: SelfScrape,
    pub rules: Rules,
    pub remote_write_from: Option<RemoteWriteFrom>,
    /// Cluster names (the `cluster` external label) of the agents expected to write here, so
    /// that an agent that stops sending is noticed per cluster.
    pub agents: Vec<String>,
    pub slos: Vec<Slo>,
}

#[derive(Debug, Clone)]
pub struct Storage {
    pub component: Component,
    pub size: Setting<Quantity>,
    pub storage_class: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct Select {
    pub component: Component,
    pub cache_size: Setting<Quantity>,
    pub max_points_per_timeseries: Setting<u32>,
}

#[derive(Debug, Clone)]
pub struct Alert {
    pub component: Component,
    pub evaluation_interval: Setting<Duration>,
}

#[derive(Debug, Clone)]
pub struct Alertmanager {
    pub component: Component,
    pub retention: Setting<Duration>,
    pub size: Setting<Quantity>,
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub enabled: bool,
    /// Open the query gateway to unauthenticated reads. Off unless the intent asks.
    pub anonymous_read: bool,
    pub component: Component,
}

#[derive(Debug, Clone)]
pub struct Grafana {
    pub enabled: bool,
    pub replicas: u32,
    pub resources: Resources,
    pub admin: Option<AdminCredentials>,
    pub persistence: Option<Persistence>,
}

#[derive(Debug, Clone)]
pub struct Persistence {
    pub size: Setting<Quantity>,
    pub storage_class: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct AdminCredentials {
    pub store: Text,
    pub store_kind: String,
    pub key: Text,
    pub username_property: Text,
    pub password_property: Text,
    pub secret_name: String,
    pub refresh_interval: Setting<Duration>,
}

/// The global cluster's own vmagent, which scrapes the stack itself.
#[derive(Debug, Clone)]
pub struct SelfScrape {
    pub enabled: bool,
    pub component: Component,
}

#[derive(Debug, Clone)]
pub struct Rules {
    pub health: bool,
    pub default_rules: bool,
    /// Chart default rule groups switched on or off explicitly, sorted by name.
    pub default_groups: Vec<(String, bool)>,
    pub groups: Vec<RuleGroup>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleGroup {
    pub name: String,
    pub interval: Option<Setting<Duration>>,
    pub labels: Vec<(String, String)>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// `alert` or `record`, and its name.
    pub kind: RuleKind,
    pub name: String,
    pub expr: String,
    pub for_: Option<Setting<Duration>>,
    pub keep_firing_for: Option<Setting<Duration>>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

/// A service level objective: expanded into error-ratio recording rules, an error budget and
/// multiwindow, multi-burn-rate alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// A DNS label: the `slo` label of every series and alert it expands to.
    pub name: String,
    /// The target share of good events, in percent (99.9).
    pub objective: f64,
    pub events: SloEvents,
    /// The period the error budget spans (`30d`).
    pub window: Duration,
    pub labels: Vec<(String, String)>,
}

impl Slo {
    /// The share of events allowed to fail: 1 - objective.
    pub fn error_budget(&self) -> f64 {
        (100.0 - self.objective) / 100.0
    }
}

/// Series selectors of counters, from which the error ratio is computed.
#[derive(Debug, Clone, PartialEq)]
pub enum SloEvents {
    /// Failed events and all events.
    Errors { errors: String, total: String },
    /// Good events and all events.
    Good { good: String, total: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Alert,
    Record,
}

#[derive(Debug, Clone)]
pub struct Agent {
    pub remote_write: RemoteWrite,
    pub vmagent: Component,
    pub kube_state_metrics: Resources,
    pub node_exporter: Resources,
}

#[derive(Debug, Clone)]
pub struct RemoteWrite {
    /// Base URL of the global vminsert (or of vmauth); the tenant write path is appended.
    pub url: Url,
    pub tenant: String,
    pub send_timeout: Setting<Duration>,
    pub queues: Setting<u32>,
    pub max_rows_per_block: Setting<u32>,
    pub max_disk_usage: Option<Setting<Quantity>>,
    pub flush_interval: Option<Setting<Duration>>,
    pub via: RemoteWriteVia,
}

impl RemoteWrite {
    /// The full write URL: base plus `/insert/<tenant>/prometheus/api/v1/write`, unless the base
    /// already names a write path.
    pub fn write_url(&self) -> String {
        let base = self.url.0.trim_end_matches('/');
        if base.ends_with("/api/v1/write") {
            base.to_string()
        } else {
            format!("{base}/insert/{}/prometheus/api/v1/write", self.tenant)
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

/// The two ways Cilium ClusterMesh offers to reach a Service of another cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossClusterMechanism {
    /// A Service of the same name and namespace in both clusters, annotated global; the caller
    /// uses the ordinary local name.
    CiliumGlobalService,
    /// An MCS-API ServiceExport; the caller uses `<svc>.<ns>.svc.clusterset.local`.
    ClusterSet,
}

impl CrossClusterMechanism {
    pub fn name(self) -> &'static str {
        match self {
            CrossClusterMechanism::CiliumGlobalService => "ciliumGlobalService",
            CrossClusterMechanism::ClusterSet => "clusterSet",
        }
    }
}

/// The global stack an agent writes to across clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossClusterTarget {
    pub mechanism: CrossClusterMechanism,
    /// The global stack's release name (its vminsert Service is `vminsert-<release>`).
    pub release: String,
    /// The global stack's namespace (a global Service must have the same namespace on both sides).
    pub namespace: String,
}

/// On the global role: the agent clusters whose vmagents may write to vminsert.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteWriteFrom {
    pub mechanism: CrossClusterMechanism,
    /// ClusterMesh cluster names (`io.cilium.k8s.policy.cluster`).
    pub clusters: Vec<String>,
    /// The namespace the agents' vmagent pods run in.
    pub agent_namespace: String,
}

/// Where Alertmanager may send notifications: an address range (any address when `None`) and
/// ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Receiver {
    pub cidr: Option<String>,
    pub ports: Vec<u16>,
}

impl Network {
    /// Alertmanager's receivers: as configured, or HTTPS to any address.
    pub fn receivers(&self) -> Vec<Receiver> {
        self.alertmanager_receivers.clone().unwrap_or_else(|| {
            vec![Receiver {
                cidr: None,
                ports: vec![443],
            }]
        })
    }
}
