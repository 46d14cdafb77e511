//! What the stack runs on: the chart and its source, Helm's and Flux's settings.

use crate::flux::pipeline::Strategy;
use crate::flux::substitute_from::Source;
use crate::intent::chart_line::ChartLine;
use crate::intent::choice::choices;
use crate::intent::scalar::{GoDuration, Setting, Text, literal};
use crate::intent::spanned::Spanned;

pub const DEFAULT_CHART_VERSION: &str = "0.91.2";
pub const CHART_OCI_URL: &str =
    "oci://ghcr.io/victoriametrics/helm-charts/victoria-metrics-k8s-stack";

#[derive(Debug, Clone)]
pub struct Chart {
    /// The chart version (`0.61.13`); default [`DEFAULT_CHART_VERSION`].
    pub version: String,
    /// The line the version belongs to, which decides how the values are written.
    pub line: ChartLine,
    pub source: ChartSource,
    /// Where the global stack's default rules and dashboards come from
    /// (`rulesAndDashboards`); default: the line's [`ChartLine::default_content`].
    pub content: ChartContent,
}

choices! {
    /// Who provides the default alert rules and Grafana dashboards.
    pub enum ChartContent {
        /// The chart's own: rendered from the chart on 0.61; downloaded from GitHub at each
        /// install and upgrade by the chart's sync Job on 0.91.
        Chart = "chart",
        /// None of the chart's: vmstack's health rules cover every component and vmstack's
        /// dashboard is provisioned. Nothing is fetched at deploy time.
        Vmstack = "vmstack",
    }
}

#[derive(Debug, Clone)]
pub enum ChartSource {
    /// vmstack emits an OCIRepository for the chart, at this `oci://` URL (default
    /// [`CHART_OCI_URL`]).
    Generated { url: String },
    /// An existing source object, such as an OCIRepository shared in flux-system.
    Existing(ObjectRef<ChartSourceKind>),
}

choices! {
    /// The sources a HelmRelease takes its chart from.
    pub enum ChartSourceKind {
        /// The default.
        OciRepository = "OCIRepository",
        /// Through `chart.spec.sourceRef`, with the chart's name and version.
        HelmRepository = "HelmRepository",
        HelmChart = "HelmChart",
        ExternalArtifact = "ExternalArtifact",
    }
}

choices! {
    /// The sources a Flux Kustomization applies from.
    pub enum FluxSourceKind {
        /// The default.
        GitRepository = "GitRepository",
        OciRepository = "OCIRepository",
        Bucket = "Bucket",
        ExternalArtifact = "ExternalArtifact",
    }
}

choices! {
    /// What a Flux Kustomization depends on.
    pub enum DependencyKind {
        Kustomization = "Kustomization",
    }
}

/// A reference to another object, by kind (`K`'s first choice unless given), name and namespace
/// (the referring object's unless given).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRef<K> {
    pub kind: K,
    pub name: String,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HelmSettings {
    pub interval: Setting<GoDuration>,
    pub timeout: Setting<GoDuration>,
    /// Install and upgrade remediation retries.
    pub retries: u32,
}

impl Default for HelmSettings {
    fn default() -> Self {
        HelmSettings {
            interval: literal("1h".into()),
            timeout: literal("15m".into()),
            retries: 3,
        }
    }
}

/// The Flux Kustomization that applies the rendered folder.
#[derive(Debug, Clone)]
pub struct Flux {
    /// Emit it (`ks.yaml`).
    pub enabled: bool,
    /// Default: `<namespace>-<name>` of the intent.
    pub name: String,
    pub namespace: String,
    /// The repository path of the rendered folder; required while enabled.
    pub path: Option<Text>,
    pub source_ref: ObjectRef<FluxSourceKind>,
    pub interval: Setting<GoDuration>,
    pub timeout: Setting<GoDuration>,
    pub retry_interval: Option<Setting<GoDuration>>,
    pub prune: bool,
    /// Substitute the variables at render time from the settings found among the items.
    pub substitute: Spanned<bool>,
    pub depends_on: Vec<ObjectRef<DependencyKind>>,
    pub substitute_from: Spanned<Vec<Source>>,
    /// `substituteFrom` was written in the intent (not the default).
    pub substitute_from_given: bool,
    /// `postBuild.substituteStrategy`, as written in the intent.
    pub substitute_strategy: Option<Strategy>,
}

impl Flux {
    /// The defaults for the intent `<namespace>/<name>`.
    pub fn defaults(namespace: &str, name: &str) -> Self {
        Flux {
            enabled: true,
            name: format!("{namespace}-{name}"),
            namespace: "flux-system".into(),
            path: None,
            source_ref: ObjectRef {
                kind: FluxSourceKind::GitRepository,
                name: "flux-system".into(),
                namespace: None,
            },
            interval: literal("30m".into()),
            timeout: literal("15m".into()),
            retry_interval: None,
            prune: true,
            substitute: Spanned::unread(false),
            depends_on: Vec::new(),
            substitute_from: Spanned::unread(vec![Source::config_map("cluster-settings")]),
            substitute_from_given: false,
            substitute_strategy: None,
        }
    }

    /// The strategy the Kustomization gets: the intent's, else `Always` when every source is
    /// optional (with `WithVariables`, one missing source would leave every `${…}` as text on
    /// the cluster, defaults included), else Flux's default.
    pub fn strategy(&self) -> Strategy {
        match self.substitute_strategy {
            Some(s) => s,
            None if !self.substitute_from.is_empty()
                && self.substitute_from.iter().all(|s| s.optional) =>
            {
                Strategy::Always
            }
            None => Strategy::WithVariables,
        }
    }
}
