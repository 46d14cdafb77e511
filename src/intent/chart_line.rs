//! What differs between the chart lines vmstack writes values for.
//!
//! The chart renamed its default rule groups between 0.61 (camelCase keys) and 0.91 (the groups'
//! own names), and their switch from `create` to `enabled`; a test reads both values files from
//! the shared reference and checks these lists against them.

pub const V0_61: [&str; 40] = [
    "alertmanager",
    "etcd",
    "general",
    "k8sContainerCpuLimits",
    "k8sContainerCpuRequests",
    "k8sContainerCpuUsageSecondsTotal",
    "k8sContainerMemoryCache",
    "k8sContainerMemoryLimits",
    "k8sContainerMemoryRequests",
    "k8sContainerMemoryRss",
    "k8sContainerMemorySwap",
    "k8sContainerMemoryWorkingSetBytes",
    "k8sContainerResource",
    "k8sPodOwner",
    "kubeApiserver",
    "kubeApiserverAvailability",
    "kubeApiserverBurnrate",
    "kubeApiserverHistogram",
    "kubeApiserverSlos",
    "kubePrometheusGeneral",
    "kubePrometheusNodeRecording",
    "kubeScheduler",
    "kubeStateMetrics",
    "kubelet",
    "kubernetesApps",
    "kubernetesResources",
    "kubernetesStorage",
    "kubernetesSystem",
    "kubernetesSystemApiserver",
    "kubernetesSystemControllerManager",
    "kubernetesSystemKubelet",
    "kubernetesSystemScheduler",
    "node",
    "nodeNetwork",
    "vmHealth",
    "vmagent",
    "vmalert",
    "vmcluster",
    "vmoperator",
    "vmsingle",
];

/// Groups chart 0.61 renders from its rule files (and switches under `defaultRules.groups`)
/// without naming them in its values.yaml.
pub const V0_61_UNLISTED: [&str; 1] = ["vmalert"];

pub const V0_91: [&str; 39] = [
    "alertmanager.rules",
    "etcd",
    "general.rules",
    "k8s.rules.container_cpu_limits",
    "k8s.rules.container_cpu_requests",
    "k8s.rules.container_cpu_usage_seconds_total",
    "k8s.rules.container_memory_cache",
    "k8s.rules.container_memory_limits",
    "k8s.rules.container_memory_requests",
    "k8s.rules.container_memory_rss",
    "k8s.rules.container_memory_swap",
    "k8s.rules.container_memory_working_set_bytes",
    "k8s.rules.pod_owner",
    "kube-apiserver-burnrate.rules",
    "kube-apiserver-histogram.rules",
    "kube-apiserver-slos",
    "kube-prometheus-general.rules",
    "kube-prometheus-node-recording.rules",
    "kube-scheduler.rules",
    "kube-state-metrics",
    "kubelet.rules",
    "kubernetes-apps",
    "kubernetes-resources",
    "kubernetes-storage",
    "kubernetes-system",
    "kubernetes-system-apiserver",
    "kubernetes-system-controller-manager",
    "kubernetes-system-kubelet",
    "kubernetes-system-scheduler",
    "node-exporter",
    "node-exporter.rules",
    "node-network",
    "node.rules",
    "vm-health",
    "vmagent",
    "vmalert",
    "vmcluster",
    "vmoperator",
    "vmsingle",
];
/// The chart lines vmstack knows, by the version prefix they start with.
pub const SUPPORTED_LINES: [&str; 2] = ["0.61.", "0.91."];

/// The chart's VictoriaMetrics rule groups, by what they watch (vmstack leaves its own alerts for
/// the same conditions out while a group is on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartGroup {
    /// ServiceDown, TooManyRestarts, RowsRejectedOnIngestion, …
    VmHealth,
    /// DiskRunsOutOfSpace, …
    VmCluster,
    /// TooManyRemoteWriteErrors, RejectedRemoteWriteDataBlocksAreDropped, …
    VmAgent,
    /// AlertingRulesError, RecordingRulesError, ConfigurationReloadFailure.
    VmAlert,
    /// AlertmanagerFailedToSendAlerts, …
    Alertmanager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartLine {
    V0_61,
    V0_91,
}

impl ChartLine {
    pub fn of(version: &str) -> Option<ChartLine> {
        if version.starts_with("0.61.") {
            Some(ChartLine::V0_61)
        } else if version.starts_with("0.91.") {
            Some(ChartLine::V0_91)
        } else {
            None
        }
    }

    /// A VictoriaMetrics group's key under `defaultRules.groups`, if this line ships it.
    pub fn group_key(self, group: ChartGroup) -> Option<&'static str> {
        match (group, self) {
            (ChartGroup::VmHealth, ChartLine::V0_61) => Some("vmHealth"),
            (ChartGroup::VmHealth, ChartLine::V0_91) => Some("vm-health"),
            (ChartGroup::VmCluster, _) => Some("vmcluster"),
            (ChartGroup::VmAgent, _) => Some("vmagent"),
            (ChartGroup::VmAlert, _) => Some("vmalert"),
            (ChartGroup::Alertmanager, ChartLine::V0_61) => Some("alertmanager"),
            (ChartGroup::Alertmanager, ChartLine::V0_91) => Some("alertmanager.rules"),
        }
    }

    /// Whether the group is installed only while the chart's vmagent runs: 0.91's sync Job
    /// fetches the vmagent rule file on that condition; 0.61 renders every switched-on group.
    pub fn group_needs_vmagent(self, group: ChartGroup) -> bool {
        self == ChartLine::V0_91 && group == ChartGroup::VmAgent
    }

    /// Rule groups the chart renders without naming them in its values.yaml.
    pub fn unlisted_rule_groups(self) -> &'static [&'static str] {
        match self {
            ChartLine::V0_61 => &V0_61_UNLISTED,
            ChartLine::V0_91 => &[],
        }
    }

    /// The default rule group names under `defaultRules.groups`.
    pub fn rule_groups(self) -> &'static [&'static str] {
        match self {
            ChartLine::V0_61 => &V0_61,
            ChartLine::V0_91 => &V0_91,
        }
    }

    /// Where default rules and dashboards come from when the intent does not say: the chart's
    /// own on 0.61 (rendered from the chart, pinned by its version); vmstack's own on 0.91,
    /// whose chart would otherwise download unpinned content from GitHub at every install.
    pub fn default_content(self) -> crate::intent::model::ChartContent {
        match self {
            ChartLine::V0_61 => crate::intent::model::ChartContent::Chart,
            ChartLine::V0_91 => crate::intent::model::ChartContent::Vmstack,
        }
    }

    /// Whether the chart fetches its rules and dashboards with a Job at deploy time.
    pub fn has_sync_job(self) -> bool {
        self == ChartLine::V0_91
    }

    /// The chart's sync Job switch (0.91 only): it runs when it has rules or dashboards to
    /// fetch (its security context is among the chart's safe defaults, `chart::security`).
    pub fn sync_job_values(self, run: bool) -> Option<serde_json::Value> {
        self.has_sync_job()
            .then(|| serde_json::json!({"enabled": run}))
    }

    /// Every key the chart reads as a switch of `defaultRules` or of one of its groups: 0.91
    /// still honours the legacy `create` beside `enabled`.
    pub fn rules_switch_keys(self) -> &'static [&'static str] {
        match self {
            ChartLine::V0_61 => &["create"],
            ChartLine::V0_91 => &["enabled", "create"],
        }
    }

    /// The key that switches `defaultRules` and each of its groups on or off.
    pub fn rules_switch(self) -> &'static str {
        match self {
            ChartLine::V0_61 => "create",
            ChartLine::V0_91 => "enabled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chart_group_vmstack_defers_to_is_a_real_group() {
        let groups = [
            ChartGroup::VmHealth,
            ChartGroup::VmCluster,
            ChartGroup::VmAgent,
            ChartGroup::VmAlert,
            ChartGroup::Alertmanager,
        ];
        for line in [ChartLine::V0_61, ChartLine::V0_91] {
            for g in groups {
                if let Some(key) = line.group_key(g) {
                    assert!(line.rule_groups().contains(&key), "{key} on {line:?}");
                }
            }
        }
    }
}
