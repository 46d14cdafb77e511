//! The one place that knows how the VictoriaMetrics operator and the k8s-stack chart name things:
//! workloads, Services, pod labels, ports and scrape job labels. Every renderer asks here.
//!
//! Facts from the operator (v0.64) and chart (0.61/0.91): a custom resource named X gets workloads
//! and Services named `<component>-X`; pods carry `app.kubernetes.io/name: <component>`,
//! `app.kubernetes.io/instance: X` and `managed-by: vm-operator`; the operator's self-scrape job
//! label is the Service name. Subcharts ignore fullnameOverride and take the release name.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Component {
    VmStorage,
    VmSelect,
    VmInsert,
    VmAgent,
    VmAlert,
    VmAuth,
    VmAlertmanager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Deployment,
    StatefulSet,
}

impl Workload {
    pub fn kind(self) -> &'static str {
        match self {
            Workload::Deployment => "Deployment",
            Workload::StatefulSet => "StatefulSet",
        }
    }
}

/// What the chart's Grafana (both lines) looks for.
pub mod grafana {
    /// The label of ConfigMaps the dashboard sidecar loads (`grafana.sidecar.dashboards.label`;
    /// the value is `labelValue` on 0.91, and any value on 0.61).
    pub const DASHBOARD_LABEL: (&str, &str) = ("grafana_dashboard", "1");
    /// The data source vmstack provisions, by name and uid.
    pub const DATASOURCE_NAME: &str = "VictoriaMetrics";
    pub const DATASOURCE_UID: &str = "VictoriaMetrics";
}

/// What the operator does with a VMUser (v0.64 and v0.74 alike).
pub mod vmuser {
    /// The Secret the operator keeps a VMUser's username and (generated) password in, unless
    /// `disable_secret_creation` is set: `vmuser-<VMUser name>`, keys `username` and `password`.
    pub fn operator_secret(vmuser: &str) -> String {
        format!("vmuser-{vmuser}")
    }

    /// The keys of that Secret.
    pub const SECRET_USERNAME_KEY: &str = "username";
    pub const SECRET_PASSWORD_KEY: &str = "password";

    /// `targetRefs[].crd.kind` for the VMCluster's parts: the operator resolves each to its
    /// Service URL (`http://<component>-<name>.<namespace>.svc:<port>`).
    pub const CRD_VMINSERT: &str = "VMCluster/vminsert";
    pub const CRD_VMSELECT: &str = "VMCluster/vmselect";
}

/// Container ports of the operator-made pods.
pub mod ports {
    pub const VMSTORAGE_HTTP: u16 = 8482;
    pub const VMSTORAGE_INSERT: u16 = 8400;
    pub const VMSTORAGE_SELECT: u16 = 8401;
    pub const VMSELECT_HTTP: u16 = 8481;
    pub const VMINSERT_HTTP: u16 = 8480;
    pub const VMAGENT_HTTP: u16 = 8429;
    /// The operator's default for VMAlert (8880 is only the bare binary's default).
    pub const VMALERT_HTTP: u16 = 8080;
    pub const VMAUTH_HTTP: u16 = 8427;
    pub const ALERTMANAGER_WEB: u16 = 9093;
    pub const ALERTMANAGER_MESH: u16 = 9094;
    pub const GRAFANA_HTTP: u16 = 3000;
    pub const KUBE_STATE_METRICS_HTTP: u16 = 8080;
    pub const NODE_EXPORTER_METRICS: u16 = 9100;
    pub const OPERATOR_WEBHOOK: u16 = 9443;
    pub const KUBELET: u16 = 10250;
    pub const DNS: u16 = 53;
    /// Sources outside the cluster reached over HTTPS.
    pub const HTTPS: u16 = 443;
    pub const CILIUM_AGENT_METRICS: u16 = 9962;
    pub const CILIUM_OPERATOR_METRICS: u16 = 9963;
    pub const HUBBLE_METRICS: u16 = 9965;
}

impl Component {
    /// The `app.kubernetes.io/name` label value and the workload name prefix.
    pub fn app_name(self) -> &'static str {
        match self {
            Component::VmStorage => "vmstorage",
            Component::VmSelect => "vmselect",
            Component::VmInsert => "vminsert",
            Component::VmAgent => "vmagent",
            Component::VmAlert => "vmalert",
            Component::VmAuth => "vmauth",
            Component::VmAlertmanager => "vmalertmanager",
        }
    }

    pub fn workload(self) -> Workload {
        match self {
            // vmselect is a StatefulSet (it keeps a cache volume), not a Deployment.
            Component::VmStorage | Component::VmSelect | Component::VmAlertmanager => {
                Workload::StatefulSet
            }
            _ => Workload::Deployment,
        }
    }

    pub fn http_port(self) -> u16 {
        match self {
            Component::VmStorage => ports::VMSTORAGE_HTTP,
            Component::VmSelect => ports::VMSELECT_HTTP,
            Component::VmInsert => ports::VMINSERT_HTTP,
            Component::VmAgent => ports::VMAGENT_HTTP,
            Component::VmAlert => ports::VMALERT_HTTP,
            Component::VmAuth => ports::VMAUTH_HTTP,
            Component::VmAlertmanager => ports::ALERTMANAGER_WEB,
        }
    }

    /// The custom resource kind that owns this component's pods.
    pub fn custom_resource(self) -> &'static str {
        match self {
            Component::VmStorage | Component::VmSelect | Component::VmInsert => "VMCluster",
            Component::VmAgent => "VMAgent",
            Component::VmAlert => "VMAlert",
            Component::VmAuth => "VMAuth",
            Component::VmAlertmanager => "VMAlertmanager",
        }
    }
}

/// The chart's subcharts that run pods, whose objects take the release name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subchart {
    Grafana,
    KubeStateMetrics,
    NodeExporter,
}

/// Names derived from one release in one namespace.
#[derive(Debug, Clone)]
pub struct Names {
    release: String,
    namespace: String,
    cluster_domain: String,
}

impl Names {
    pub fn new(release: &str, namespace: &str, cluster_domain: &str) -> Self {
        Names {
            release: release.to_string(),
            namespace: namespace.to_string(),
            cluster_domain: cluster_domain.to_string(),
        }
    }

    pub fn release(&self) -> &str {
        &self.release
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Every custom resource the chart creates is named after the fullname (= release here).
    pub fn custom_resource(&self) -> &str {
        &self.release
    }

    /// Workload and Service name: `<component>-<CR name>`.
    pub fn workload(&self, c: Component) -> String {
        format!("{}-{}", c.app_name(), self.release)
    }

    pub fn service(&self, c: Component) -> String {
        self.workload(c)
    }

    pub fn service_host(&self, c: Component) -> String {
        format!(
            "{}.{}.svc.{}",
            self.service(c),
            self.namespace,
            self.cluster_domain
        )
    }

    pub fn service_url(&self, c: Component) -> String {
        format!("http://{}:{}", self.service_host(c), c.http_port())
    }

    /// Whether a remote-write `host`, as written by a client in `from_namespace`, names a
    /// Service of this release that receives writes (vminsert or vmauth): `<service>`,
    /// `<service>.<namespace>`, or those followed by `.svc` and any cluster domain.
    pub fn receives_at(&self, host: &str, from_namespace: &str) -> bool {
        let mut labels = host.split('.');
        let service = labels.next().unwrap_or_default();
        let namespace = labels.next().unwrap_or(from_namespace);
        if labels.next().is_some_and(|l| l != "svc") {
            return false;
        }
        self.namespace == namespace
            && [Component::VmInsert, Component::VmAuth]
                .iter()
                .any(|c| self.service(*c) == service)
    }

    /// The operator's self-scrape job label for a component.
    pub fn job(&self, c: Component) -> String {
        self.service(c)
    }

    /// Labels that select exactly this component's pods of this release.
    pub fn pod_selector(&self, c: Component) -> Vec<(String, String)> {
        vec![
            ("app.kubernetes.io/instance".into(), self.release.clone()),
            ("app.kubernetes.io/name".into(), c.app_name().into()),
            ("managed-by".into(), "vm-operator".into()),
        ]
    }

    /// Grafana's Deployment and Service (the subchart: release name, or the release itself
    /// when it already says "grafana").
    pub fn grafana(&self) -> String {
        if self.release.contains("grafana") {
            self.release.clone()
        } else {
            format!("{}-grafana", self.release)
        }
    }

    /// Pods of the chart's sync Job (chart 0.91), which the chart labels as its own component.
    pub fn sync_job_selector(&self) -> Vec<(String, String)> {
        vec![
            ("app.kubernetes.io/component".into(), "syncJob".into()),
            ("app.kubernetes.io/instance".into(), self.release.clone()),
            (
                "app.kubernetes.io/name".into(),
                "victoria-metrics-k8s-stack".into(),
            ),
        ]
    }

    /// The chart's `global.cluster.dnsDomain`: the cluster domain with the trailing dot the
    /// chart writes into every in-cluster URL it builds.
    pub fn chart_dns_domain(&self) -> String {
        format!("{}.", self.cluster_domain.trim_end_matches('.'))
    }

    pub fn kube_state_metrics(&self) -> String {
        format!("{}-kube-state-metrics", self.release)
    }

    pub fn node_exporter(&self) -> String {
        format!("{}-prometheus-node-exporter", self.release)
    }

    /// Labels of the subcharts' pods (Helm's standard labels).
    pub fn subchart_selector(&self, app_name: &str) -> Vec<(String, String)> {
        vec![
            ("app.kubernetes.io/instance".into(), self.release.clone()),
            ("app.kubernetes.io/name".into(), app_name.into()),
        ]
    }

    /// The vmselect query path for tenant 0 (Prometheus API).
    pub fn select_url(&self, tenant: &str) -> String {
        format!(
            "{}/select/{tenant}/prometheus",
            self.service_url(Component::VmSelect)
        )
    }

    pub fn insert_url(&self, tenant: &str) -> String {
        format!(
            "{}/insert/{tenant}/prometheus",
            self.service_url(Component::VmInsert)
        )
    }

    /// The workload of a subchart.
    pub fn subchart(&self, s: Subchart) -> String {
        match s {
            Subchart::Grafana => self.grafana(),
            Subchart::KubeStateMetrics => self.kube_state_metrics(),
            Subchart::NodeExporter => self.node_exporter(),
        }
    }

    /// The names the release gives these components' and subcharts' objects, each with the
    /// longest name Kubernetes accepts for it.
    pub fn derived_names(
        &self,
        components: &[Component],
        subcharts: &[Subchart],
    ) -> Vec<(String, usize)> {
        // A StatefulSet's pods carry `controller-revision-hash: <name>-<10 chars>` (≤ 63).
        const STATEFULSET: usize = 52;
        const LABEL: usize = 63;
        let mut out = Vec::new();
        for c in components {
            let limit = match c.workload() {
                Workload::StatefulSet => STATEFULSET,
                Workload::Deployment => LABEL,
            };
            out.push((self.workload(*c), limit));
        }
        out.extend(subcharts.iter().map(|s| (self.subchart(*s), LABEL)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_operator() {
        let n = Names::new("victoria-metrics-global", "observability", "cluster.local");
        assert_eq!(
            n.workload(Component::VmStorage),
            "vmstorage-victoria-metrics-global"
        );
        assert_eq!(
            n.service_url(Component::VmInsert),
            "http://vminsert-victoria-metrics-global.observability.svc.cluster.local:8480"
        );
        assert_eq!(Component::VmSelect.workload(), Workload::StatefulSet);
        assert_eq!(
            n.job(Component::VmAlertmanager),
            "vmalertmanager-victoria-metrics-global"
        );
        assert_eq!(n.grafana(), "victoria-metrics-global-grafana");
        assert_eq!(Names::new("my-grafana", "x", "c").grafana(), "my-grafana");
        assert_eq!(Component::VmAlert.http_port(), 8080);
    }
}
