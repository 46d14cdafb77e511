//! The settings every VictoriaMetrics component shares (`parse/component.rs`).

use schemars::JsonSchema;

use crate::schema::value::{Count, Flags, Resources, Text};

/// The settings every component section takes.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    /// Replica count (`replicaCount` in the custom resource)
    ///
    /// Default: the component's, in its section's row
    replicas: Option<Count>,
    /// `{requests: {cpu, memory}, limits: {…}}`, laid over the component's defaults entry by
    /// entry (`limits: {cpu: 1}` keeps the other three; `null` drops a default entry; a default
    /// conflicting with what you wrote gives way to it); quantities are checked, and a request
    /// above its limit, both written, is an error
    /// ([security.md](security.md#requests-and-limits))
    ///
    /// Default: the component's, in its section's row
    resources: Option<Resources>,
    /// Command-line flags **without** the leading dash, as the operator takes them
    ///
    /// Default: `{}`
    extra_args: Option<Flags>,
    /// Of the component's PodDisruptionBudget (0 is refused because it blocks every node drain)
    ///
    /// Default: `1`
    max_unavailable: Option<Count>,
    /// The pods' PriorityClass (`priorityClassName` in the custom resource)
    ///
    /// Default: none, so the cluster's default priority applies
    priority_class_name: Option<Text>,
}
