//! The global role: the store, the query side, alerting and Grafana (`parse/global.rs`,
//! `grafana.rs`, `rules.rs`, `alerting.rs`, `remote_write.rs`).

use schemars::JsonSchema;

use super::access::{AgentEntry, Ingress, User};
use super::component::Component;
use super::{global, global_fields, with_component};
use crate::intent::{CrossClusterMechanism, RemoteWriteTarget, SecretStoreKind};
use crate::schema::value::{
    Count, Expr, Flag, GoDuration, LiteralCount, LiteralMetricsDuration, MetricsDuration, Name,
    Percent, Quantity, Resources, Retention, Selector, StringMap, SwitchMap, Text, Words,
};

/// The spec fields of the global role.
#[derive(JsonSchema)]
#[schemars(transform = global_fields)]
#[serde(rename_all = "camelCase")]
pub struct GlobalFields {
    /// VMCluster `retentionPeriod`: a number of months (`"1"`) or h/d/w/y, at least 24h
    ///
    /// Default: `30d`
    retention: Option<Retention>,
    /// Copies of each sample; at most the vmstorage replicas
    ///
    /// Default: `2`
    replication_factor: Option<Count>,
    /// `dedup.minScrapeInterval` on vmstorage **and** vmselect (they must agree)
    ///
    /// Default: `30s`
    dedup_interval: Option<MetricsDuration>,
    /// For every volume below
    ///
    /// Default: the cluster's default
    storage_class: Option<Text>,
    /// Default: 3 replicas, requests 500m/2Gi, limits 2/4Gi
    vmstorage: Option<Storage>,
    /// Default: 3 replicas, requests 200m/500Mi, limits 2/2Gi
    vmselect: Option<Select>,
    /// Default: 3 replicas, requests 200m/500Mi, limits 1/1Gi
    vminsert: Option<Component>,
    /// Default: 2 replicas, requests 100m/256Mi, limits 1/512Mi
    vmalert: Option<Alert>,
    /// Default: 3 replicas, requests 50m/128Mi, limits 1/256Mi
    alertmanager: Option<Alertmanager>,
    /// The query and write gateway; while vmauth and Grafana run, Grafana reads through vmauth
    /// as a VMUser of its own ([vmauth.md](vmauth.md))
    ///
    /// Default: enabled, 1 replica, requests 100m/128Mi, limits 1/256Mi
    vmauth: Option<Auth>,
    grafana: Option<Grafana>,
    rules: Option<Rules>,
    /// The agents expected to write here, by cluster name (their `cluster` label): each one
    /// that goes silent is alerted by name, in the health VMRule even with `rules.health:
    /// false` ([alerting.md](alerting.md#several-clusters)). An entry is a name, or `{cluster,
    /// tenant, auth}`
    ///
    /// Default: `[]`
    agents: Option<Vec<AgentEntry>>,
    /// Service level objectives, expanded into error-ratio records, the error budget left and
    /// burn-rate alerts in VMRule `<release>-vmstack-slos` ([alerting.md](alerting.md#slos))
    ///
    /// Default: `[]`
    slos: Option<Vec<Slo>>,
    /// Expose vminsert (or, with `target: vmauth`, vmauth, for agents that authenticate) across
    /// the mesh (annotation or ServiceExport) and admit those clusters' vmagents to it with a
    /// CiliumNetworkPolicy
    ///
    /// Default: none
    remote_write_from: Option<RemoteWriteFrom>,
}

/// The vmagent section: on the global role the stack's own scraper, which may be switched off.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, transform = with_component)]
pub struct VmAgent {
    #[serde(flatten)]
    component: Component,
    /// Run the stack's own vmagent
    ///
    /// Default: `true`
    #[schemars(transform = global)]
    enabled: Option<Flag>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, transform = with_component)]
#[serde(rename_all = "camelCase")]
pub struct Storage {
    #[serde(flatten)]
    component: Component,
    /// Each vmstorage node's volume
    ///
    /// Default: `50Gi`
    size: Option<Quantity>,
    /// The volumes' StorageClass
    ///
    /// Default: the spec's `storageClass`
    storage_class: Option<Text>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, transform = with_component)]
#[serde(rename_all = "camelCase")]
pub struct Select {
    #[serde(flatten)]
    component: Component,
    /// The volume of each vmselect's query cache
    ///
    /// Default: `10Gi`
    cache_size: Option<Quantity>,
    /// `search.maxPointsPerTimeseries`
    ///
    /// Default: `30000`
    max_points_per_timeseries: Option<Count>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, transform = with_component)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    #[serde(flatten)]
    component: Component,
    /// How often vmalert evaluates the rules
    ///
    /// Default: `15s`
    evaluation_interval: Option<MetricsDuration>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, transform = with_component)]
pub struct Alertmanager {
    #[serde(flatten)]
    component: Component,
    /// How long Alertmanager keeps silences and notification state
    ///
    /// Default: `120h`
    retention: Option<GoDuration>,
    /// Each Alertmanager's volume
    ///
    /// Default: `10Gi`
    size: Option<Quantity>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, transform = with_component)]
#[serde(rename_all = "camelCase")]
pub struct Auth {
    #[serde(flatten)]
    component: Component,
    /// Run vmauth
    ///
    /// Default: `true`
    enabled: Option<Flag>,
    /// Opens `/select/…` reads, never writes, to unauthenticated clients
    ///
    /// Default: `false`
    anonymous_read: Option<Flag>,
    /// Readers and writers of your own, one VMUser each: `auth` as in
    /// [credentials](#credentials-auth), or `{generatePassword: true}`
    ///
    /// Default: `[]`
    users: Option<Vec<User>>,
    /// Its controller's namespace must be in `networkPolicies.ingressNamespaces`
    ///
    /// Default: none
    ingress: Option<Ingress>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Grafana {
    /// While Grafana runs it gets vmstack's dashboard
    /// ([chart.md](chart.md#rules-and-dashboards))
    ///
    /// Default: `true`
    enabled: Option<Flag>,
    /// More than one replica needs `persistence.enabled: false` and an external database (its
    /// password as `$__file{…}` or `$__env{…}`,
    /// [tests/fixtures/good/global-grafana-ha](../tests/fixtures/good/global-grafana-ha/intent.yaml))
    ///
    /// Default: `1`
    replicas: Option<LiteralCount>,
    /// `{requests: {cpu, memory}, limits: {…}}`
    ///
    /// Default: requests 100m/256Mi, limits 1/512Mi
    resources: Option<Resources>,
    /// An ExternalSecret builds the admin Secret (`admin-user`, `admin-password`) from the
    /// secret store
    ///
    /// Default: none
    admin_credentials: Option<AdminCredentials>,
    /// Grafana's volume
    ///
    /// Default: `{enabled: true, size: 10Gi}`
    persistence: Option<Persistence>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct AdminCredentials {
    /// The External Secrets store
    store: Text,
    /// `ClusterSecretStore` or `SecretStore`
    ///
    /// Default: `ClusterSecretStore`
    store_kind: Option<Words<SecretStoreKind>>,
    /// The key in the store
    key: Text,
    /// The key's property holding the user name
    ///
    /// Default: `username`
    username_property: Option<Text>,
    /// The key's property holding the password
    ///
    /// Default: `password`
    password_property: Option<Text>,
    /// The Secret the ExternalSecret writes
    ///
    /// Default: `<release>-grafana-admin`
    secret_name: Option<Name>,
    /// The ExternalSecret's
    ///
    /// Default: `1h`
    refresh_interval: Option<GoDuration>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Persistence {
    /// `false` runs Grafana without a volume
    ///
    /// Default: `true`
    enabled: Option<Flag>,
    /// The volume's size
    ///
    /// Default: `10Gi`
    size: Option<Quantity>,
    /// The volume's StorageClass
    ///
    /// Default: the spec's `storageClass`
    storage_class: Option<Text>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    /// The stack's own health alerts (a VMRule `<release>-vmstack-health`); those a chart group
    /// already covers are left out while that group is on ([alerting.md](alerting.md))
    ///
    /// Default: `true`
    health: Option<Flag>,
    /// The chart's recommended rule groups (not available with `rulesAndDashboards: vmstack`)
    ///
    /// Default: `true` with `chart.rulesAndDashboards: chart`
    default_rules: Option<Flag>,
    /// Switch chart groups one by one: `{kubeApiserverBurnrate: false}` (names as the chart
    /// version spells them; 0.61 also has `vmalert`)
    ///
    /// Default: `{}`
    default_groups: Option<SwitchMap>,
    /// Your own rule groups, emitted as VMRule `<release>-vmstack-rules`; group and alert names
    /// unique, label and annotation names valid, no alert fields on recording rules
    ///
    /// Default: `[]`
    groups: Option<Vec<RuleGroup>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RuleGroup {
    /// Unique among the groups
    name: Text,
    /// How often the group is evaluated
    ///
    /// Default: `vmalert.evaluationInterval`
    interval: Option<MetricsDuration>,
    /// Added to every rule of the group
    labels: Option<StringMap>,
    /// At least one
    rules: Vec<Rule>,
}

/// A rule: `alert` (an alert name) or `record` (a series name), and its `expr`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Rule {
    /// The alert's name, unique in its group
    alert: Option<Text>,
    /// The series a recording rule writes (a metric name)
    record: Option<Text>,
    /// The MetricsQL expression
    expr: Expr,
    /// Alerts only
    r#for: Option<MetricsDuration>,
    /// Alerts only
    keep_firing_for: Option<MetricsDuration>,
    /// Added to the alert or the recorded series
    labels: Option<StringMap>,
    /// Alerts only
    annotations: Option<StringMap>,
}

/// A service level objective: `errors` (failed events) or `good` (good events), against
/// `total`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Slo {
    /// Unique; names the SLO's series and alerts
    name: Name,
    /// The target share of good events, in percent (`99.9`)
    objective: Percent,
    /// A counter selector of failed events
    errors: Option<Selector>,
    /// A counter selector of good events
    good: Option<Selector>,
    /// A counter selector of all events
    total: Selector,
    /// Longer than 3d, the longest burn-rate window
    ///
    /// Default: `30d`
    window: Option<LiteralMetricsDuration>,
    /// On every series and alert of the SLO (not `slo` or `severity`)
    labels: Option<StringMap>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct RemoteWriteFrom {
    /// `ciliumGlobalService` or `clusterSet`
    via: Words<CrossClusterMechanism>,
    /// The ClusterMesh names of the agent clusters allowed to write
    clusters: Vec<Name>,
    /// The agents' namespace
    ///
    /// Default: the intent's namespace
    agent_namespace: Option<Name>,
    /// `vminsert` or `vmauth`
    ///
    /// Default: `vminsert`
    target: Option<Words<RemoteWriteTarget>>,
}
