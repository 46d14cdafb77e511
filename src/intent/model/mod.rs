//! The validated intent: every field typed, every default written here once (in `Default`
//! impls beside the fields, or in a field's doc where it derives from another field), and the
//! fields later checks cite carrying the path they were read from.
//!
//! One file per subject, as `parse/` reads them: the platform around the stack (chart, Helm,
//! Flux), networking and scraping, the components, and each role.

mod access;
mod agent;
mod component;
mod global;
mod network;
mod platform;
mod rules;

pub use access::*;
pub use agent::*;
pub use component::*;
pub use global::*;
pub use network::*;
pub use platform::*;
pub use rules::*;

use serde_json::{Map, Value};

use super::choice::choices;
use super::scalar::Text;
use super::spanned::Spanned;
use super::variables::VariableUse;

#[derive(Debug, Clone)]
pub struct Stack {
    pub name: String,
    pub namespace: String,
    /// The Helm release name, also the chart's fullnameOverride: every operator-made name
    /// derives from it. Default: `metadata.name` (and its path then).
    pub release: Spanned<String>,
    pub chart: Chart,
    /// The `cluster` external label on every series the vmagent sends. Required for an agent.
    pub cluster: Option<Text>,
    /// Used in the in-cluster URLs vmstack writes.
    pub cluster_domain: String,
    pub helm: HelmSettings,
    pub flux: Flux,
    /// The package folder the generated files go to, relative to the intent's own. Default:
    /// `metadata.name`.
    pub directory: Spanned<String>,
    pub network: Network,
    pub scrape: Scrape,
    pub role: Role,
    /// Deep-merged into the Helm values last.
    pub values: Spanned<Map<String, Value>>,
    /// Every Flux variable the intent uses, where, and as what kind of value.
    pub variables: Vec<VariableUse>,
}

pub const DEFAULT_CLUSTER_DOMAIN: &str = "cluster.local";

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
        self.chart.line.has_sync_job() && (rules || self.chart_dashboards())
    }
}

choices! {
    /// What a cluster runs (`spec.role`).
    pub enum RoleKind {
        Global = "global",
        Agent = "agent",
    }
}

#[derive(Debug, Clone)]
pub enum Role {
    Global(Box<Global>),
    Agent(Box<Agent>),
}
