//! Around the stack: the chart and its source, Helm's and Flux's settings (`parse/platform.rs`).

use schemars::JsonSchema;

use super::global;
use crate::flux::pipeline::Strategy;
use crate::flux::substitute_from::SourceKind;
use crate::intent::{ChartContent, ChartSourceKind, DependencyKind, FluxSourceKind};
use crate::schema::value::{
    ChartVersion, Flag, GoDuration, LiteralCount, Name, OciUrl, Text, Words,
};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Chart {
    /// Chart version; vmstack knows the 0.91.x and 0.61.x lines ([chart.md](chart.md))
    ///
    /// Default: `0.91.2`
    version: Option<ChartVersion>,
    /// `vmstack` (vmstack's health rules in full and its dashboard; nothing fetched at deploy
    /// time) or `chart` (the chart's rule groups and dashboards: rendered by chart 0.61,
    /// downloaded by chart 0.91's sync Job from GitHub at each install); see
    /// [chart.md](chart.md#rules-and-dashboards)
    ///
    /// Default: `vmstack` on 0.91, `chart` on 0.61
    #[schemars(transform = global)]
    rules_and_dashboards: Option<Words<ChartContent>>,
    /// An existing Flux source (`kind` defaults to OCIRepository). Without it vmstack emits an
    /// `OCIRepository` named `<release>-chart` for
    /// `oci://ghcr.io/victoriametrics/helm-charts/victoria-metrics-k8s-stack` at
    /// `chart.version`
    ///
    /// Default: none
    source_ref: Option<ObjectRef<ChartSourceKind>>,
    /// The generated OCIRepository's URL (not with `sourceRef`)
    ///
    /// Default: the chart's OCI URL
    url: Option<OciUrl>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Helm {
    /// How often Flux reconciles the HelmRelease
    ///
    /// Default: `1h`
    interval: Option<GoDuration>,
    /// Of each Helm action (install, upgrade, test)
    ///
    /// Default: `15m`
    timeout: Option<GoDuration>,
    /// Install and upgrade remediation retries
    ///
    /// Default: `3`
    retries: Option<LiteralCount>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Flux {
    /// Emit the Flux Kustomization (`ks.yaml`)
    ///
    /// Default: `true`
    enabled: Option<Flag>,
    /// Repository path of the rendered folder, which the Kustomization applies, from the
    /// source's root (no `..` segment: VMS119)
    ///
    /// Default: none (**required** while `enabled`)
    path: Option<Text>,
    /// The Kustomization's name
    ///
    /// Default: `<namespace>-<name>` of the intent
    name: Option<Name>,
    /// The Kustomization's namespace
    ///
    /// Default: `flux-system`
    namespace: Option<Name>,
    /// The source it applies from: a name, or `{kind, name, namespace}` with `kind` one of
    /// GitRepository, OCIRepository, Bucket, ExternalArtifact
    ///
    /// Default: `{kind: GitRepository, name: flux-system}`
    source_ref: Option<ObjectRef<FluxSourceKind>>,
    /// Kustomizations to wait for: names, or `{name, namespace}`
    ///
    /// Default: `[]`
    depends_on: Option<Vec<ObjectRef<DependencyKind>>>,
    /// Where the Flux variables come from: ConfigMap names, or `{kind: ConfigMap|Secret, name,
    /// optional}`; the default is left out when no generated object reads a variable
    /// ([flux-variables.md](flux-variables.md#the-kustomization-vmstack-writes))
    ///
    /// Default: `[{kind: ConfigMap, name: cluster-settings}]`
    substitute_from: Option<Vec<SubstituteRef>>,
    /// `WithVariables` or `Always`: Flux's `postBuild.substituteStrategy` (kustomize-controller
    /// v1.9)
    ///
    /// Default: none (`Always` when every source is `optional`)
    substitute_strategy: Option<Words<Strategy>>,
    /// Substitute the variables at render time from the settings among the items, as Flux
    /// would; the Kustomization then has no `postBuild`
    /// ([flux-variables.md](flux-variables.md#substituting-at-render-time-one-substitution-never-two))
    ///
    /// Default: `false`
    substitute: Option<Flag>,
    /// How often the Kustomization reconciles
    ///
    /// Default: `30m`
    interval: Option<GoDuration>,
    /// Of each apply and health check
    ///
    /// Default: `15m`
    timeout: Option<GoDuration>,
    /// How soon a failed reconciliation is retried
    ///
    /// Default: none (Flux then waits `interval`)
    retry_interval: Option<GoDuration>,
    /// Delete from the cluster what the folder no longer holds
    ///
    /// Default: `true`
    prune: Option<Flag>,
}

/// A reference to another object: its name, or `{kind, name, namespace}`.
#[derive(JsonSchema)]
#[schemars(bound = "K: crate::intent::choice::Choice")]
#[serde(untagged)]
pub enum ObjectRef<K> {
    Name(Name),
    Object(ObjectRefFields<K>),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, bound = "K: crate::intent::choice::Choice")]
pub struct ObjectRefFields<K> {
    /// One of the kinds the field names
    ///
    /// Default: the first of them
    kind: Option<Words<K>>,
    /// The object's name
    name: Name,
    /// The object's namespace
    ///
    /// Default: the referring object's
    namespace: Option<Name>,
}

/// A `substituteFrom` entry: a ConfigMap's name, or `{kind, name, optional}`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum SubstituteRef {
    Name(Name),
    Object(SubstituteRefFields),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SubstituteRefFields {
    /// `ConfigMap` or `Secret`
    ///
    /// Default: `ConfigMap`
    kind: Option<Words<SourceKind>>,
    /// Its name, in the Kustomization's namespace
    name: Name,
    /// A missing source is no error
    ///
    /// Default: `false`
    optional: Option<Flag>,
}
