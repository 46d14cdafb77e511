//! The settings every VictoriaMetrics component shares.

use crate::intent::scalar::{ExtraArgs, Resources, Setting, Text, literal};
use crate::intent::spanned::Spanned;

#[derive(Debug, Clone)]
pub struct Component {
    /// `replicaCount` in the custom resource.
    pub replicas: Setting<u32>,
    /// Requests and limits; a request above its limit is refused.
    pub resources: Resources,
    /// Command-line flags without the leading dash, as the operator takes them.
    pub extra_args: ExtraArgs,
    /// Of the component's PodDisruptionBudget; 0 is refused (it blocks every node drain).
    pub max_unavailable: Spanned<Setting<u32>>,
    /// The pods' PriorityClass; none by default (the cluster's default priority).
    pub priority_class_name: Option<Text>,
}

impl Component {
    /// A component's defaults: its replicas and resources, no flags, one pod down at a time.
    pub fn new(replicas: u32, resources: Resources) -> Self {
        Component {
            replicas: literal(replicas),
            resources,
            extra_args: ExtraArgs::default(),
            max_unavailable: Spanned::unread(literal(1)),
            priority_class_name: None,
        }
    }
}
