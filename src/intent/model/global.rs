//! The global role: the store, the query side, alerting and Grafana.

use super::{AgentAccess, AuthIngress, Component, RemoteWriteFrom, Rules, Slo, User};
use crate::intent::choice::choices;
use crate::intent::scalar::{
    GoDuration, MetricsDuration, Quantity, Resources, Retention, Setting, Tenant, Text, literal,
};
use crate::intent::spanned::Spanned;

#[derive(Debug, Clone)]
pub struct Global {
    /// VMCluster `retentionPeriod`.
    pub retention: Spanned<Setting<Retention>>,
    /// Copies of each sample; at most the vmstorage replicas.
    pub replication_factor: Spanned<Setting<u32>>,
    /// `dedup.minScrapeInterval` on vmstorage and vmselect (they must agree).
    pub dedup_interval: Setting<MetricsDuration>,
    /// For every volume of the stack, unless the volume names its own.
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
    /// The agent clusters that write here across a ClusterMesh.
    pub remote_write_from: Option<RemoteWriteFrom>,
    /// The agents expected to write here, by cluster name (the `cluster` external label), so
    /// that an agent that stops sending is noticed per cluster; with credentials, each also gets
    /// a VMUser that may write to its tenant.
    pub agents: Vec<AgentAccess>,
    pub slos: Vec<Slo>,
}

impl Default for Global {
    fn default() -> Self {
        Global {
            retention: Spanned::unread(literal(Retention("30d".into()))),
            replication_factor: Spanned::unread(literal(2)),
            dedup_interval: literal("30s".into()),
            storage_class: None,
            vmstorage: Storage::default(),
            vmselect: Select::default(),
            vminsert: Component::new(
                3,
                Resources::of(
                    &[("cpu", "200m"), ("memory", "500Mi")],
                    &[("cpu", "1"), ("memory", "1Gi")],
                ),
            ),
            vmalert: Alert::default(),
            alertmanager: Alertmanager::default(),
            vmauth: Auth::default(),
            grafana: Grafana::default(),
            vmagent: SelfScrape::default(),
            rules: Rules::default(),
            remote_write_from: None,
            agents: Vec::new(),
            slos: Vec::new(),
        }
    }
}

impl Global {
    /// Grafana reads through vmauth, with a VMUser of its own, whenever both run.
    pub fn grafana_through_vmauth(&self) -> bool {
        self.vmauth.enabled && self.grafana.enabled
    }

    /// The tenant the query side (vmalert, Grafana) reads: the one every writer uses, or
    /// `multitenant` once writers use several (the stack's own vmagent writes to tenant 0).
    pub fn read_tenant(&self) -> Tenant {
        let own = Tenant::default_tenant();
        let writers = self.agents.iter().map(|a| &a.tenant.value).chain(
            self.vmauth
                .users
                .iter()
                .filter(|u| u.access == super::AccessKind::Write)
                .map(|u| &u.tenant.value),
        );
        let mut tenants = writers.filter(|t| !t.same_as(&own));
        match tenants.next() {
            None => own,
            Some(_) => Tenant::multitenant(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Storage {
    pub component: Component,
    /// Each vmstorage node's volume.
    pub size: Spanned<Setting<Quantity>>,
    pub storage_class: Option<Text>,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            component: Component::new(
                3,
                Resources::of(
                    &[("cpu", "500m"), ("memory", "2Gi")],
                    &[("cpu", "2"), ("memory", "4Gi")],
                ),
            ),
            size: Spanned::unread(literal("50Gi".into())),
            storage_class: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Select {
    pub component: Component,
    /// The volume of each vmselect's query cache.
    pub cache_size: Setting<Quantity>,
    /// `search.maxPointsPerTimeseries`.
    pub max_points_per_timeseries: Setting<u32>,
}

impl Default for Select {
    fn default() -> Self {
        Select {
            component: Component::new(
                3,
                Resources::of(
                    &[("cpu", "200m"), ("memory", "500Mi")],
                    &[("cpu", "2"), ("memory", "2Gi")],
                ),
            ),
            cache_size: literal("10Gi".into()),
            max_points_per_timeseries: literal(30000),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Alert {
    pub component: Component,
    pub evaluation_interval: Setting<MetricsDuration>,
}

impl Default for Alert {
    fn default() -> Self {
        Alert {
            component: Component::new(
                2,
                Resources::of(
                    &[("cpu", "100m"), ("memory", "256Mi")],
                    &[("cpu", "1"), ("memory", "512Mi")],
                ),
            ),
            evaluation_interval: literal("15s".into()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Alertmanager {
    pub component: Component,
    /// How long silences and notification state are kept.
    pub retention: Setting<GoDuration>,
    pub size: Setting<Quantity>,
}

impl Default for Alertmanager {
    fn default() -> Self {
        Alertmanager {
            component: Component::new(
                3,
                Resources::of(
                    &[("cpu", "50m"), ("memory", "128Mi")],
                    &[("cpu", "1"), ("memory", "256Mi")],
                ),
            ),
            retention: literal("120h".into()),
            size: literal("10Gi".into()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub enabled: bool,
    /// Open the query gateway to unauthenticated reads (`/select/…`, never writes).
    pub anonymous_read: bool,
    pub component: Component,
    /// Readers and writers besides the agents and Grafana.
    pub users: Vec<User>,
    /// An Ingress in front of vmauth, for clients outside the cluster.
    pub ingress: Option<AuthIngress>,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            enabled: true,
            anonymous_read: false,
            component: Component::new(
                1,
                Resources::of(
                    &[("cpu", "100m"), ("memory", "128Mi")],
                    &[("cpu", "1"), ("memory", "256Mi")],
                ),
            ),
            users: Vec::new(),
            ingress: None,
        }
    }
}

/// The global cluster's own vmagent, which scrapes the stack itself.
#[derive(Debug, Clone)]
pub struct SelfScrape {
    pub enabled: bool,
    pub component: Component,
}

impl Default for SelfScrape {
    fn default() -> Self {
        SelfScrape {
            enabled: true,
            component: Component::new(
                1,
                Resources::of(
                    &[("cpu", "100m"), ("memory", "256Mi")],
                    &[("cpu", "1"), ("memory", "1Gi")],
                ),
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Grafana {
    pub enabled: bool,
    /// More than one needs `persistence` off and an external database.
    pub replicas: Spanned<u32>,
    pub resources: Resources,
    /// An ExternalSecret builds the admin Secret from a secret store.
    pub admin: Option<AdminCredentials>,
    /// `None`: `persistence.enabled: false`.
    pub persistence: Option<Persistence>,
}

impl Default for Grafana {
    fn default() -> Self {
        Grafana {
            enabled: true,
            replicas: Spanned::unread(1),
            resources: Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "512Mi")],
            ),
            admin: None,
            persistence: Some(Persistence::default()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Persistence {
    pub size: Setting<Quantity>,
    pub storage_class: Option<Text>,
}

impl Default for Persistence {
    fn default() -> Self {
        Persistence {
            size: literal("10Gi".into()),
            storage_class: None,
        }
    }
}

choices! {
    /// The External Secrets store kinds.
    pub enum SecretStoreKind {
        ClusterSecretStore = "ClusterSecretStore",
        SecretStore = "SecretStore",
    }
}

/// Where Grafana's admin user and password come from: a key of a secret store.
#[derive(Debug, Clone)]
pub struct AdminCredentials {
    /// The store's name.
    pub store: Text,
    pub store_kind: SecretStoreKind,
    /// The secret's key in the store.
    pub key: Text,
    pub username_property: Text,
    pub password_property: Text,
    /// The Secret the ExternalSecret writes. Default: `<release>-grafana-admin`.
    pub secret_name: String,
    pub refresh_interval: Setting<GoDuration>,
}

impl AdminCredentials {
    pub const DEFAULT_STORE_KIND: SecretStoreKind = SecretStoreKind::ClusterSecretStore;

    pub fn default_username_property() -> Text {
        "username".into()
    }

    pub fn default_password_property() -> Text {
        "password".into()
    }

    pub fn default_secret_name(release: &str) -> String {
        format!("{release}-grafana-admin")
    }

    pub fn default_refresh_interval() -> Setting<GoDuration> {
        literal("1h".into())
    }
}
