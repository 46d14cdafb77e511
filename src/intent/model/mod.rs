//! The validated intent: every field typed, every default written here once (in `Default`
//! impls beside the fields, or in a field's doc where it derives from another field), and the
//! fields later checks cite carrying the path they were read from.
//!
//! One file per subject, as `parse/` reads them: the platform around the stack (chart, Helm,
//! Flux), networking and scraping, the components, and each role.

mod access;
mod agent;
mod capacity;
mod component;
mod global;
mod network;
mod platform;
mod rules;
mod security;

pub use access::*;
pub use agent::*;
pub use capacity::*;
pub use component::*;
pub use global::*;
pub use network::*;
pub use platform::*;
pub use rules::*;
pub use security::*;

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
    /// The load the stack is planned for.
    pub capacity: Capacity,
    pub role: Role,
    /// Deep-merged into the Helm values last.
    pub values: Spanned<Map<String, Value>>,
    /// What `values` may relax of vmstack's safe defaults.
    pub security: Security,
    /// Every Flux variable the intent uses, where, and as what kind of value.
    pub variables: Vec<VariableUse>,
}

pub const DEFAULT_CLUSTER_DOMAIN: &str = "cluster.local";

impl Stack {
    /// The names the operator and the chart give this stack's objects.
    pub fn names(&self) -> crate::operator::Names {
        crate::operator::Names::new(&self.release, &self.namespace, &self.cluster_domain)
    }

    /// Whether a remote write to `host` (by a client in `from_namespace`) reaches this stack:
    /// its vminsert or vmauth Service, or the host of the Ingress in front of its vmauth.
    pub fn receives_writes_at(&self, host: &str, from_namespace: &str) -> bool {
        let Role::Global(g) = &self.role else {
            return false;
        };
        let through_ingress = g
            .vmauth
            .ingress
            .as_ref()
            .is_some_and(|i| g.vmauth.enabled && i.host.0 == host);
        through_ingress || self.names().receives_at(host, from_namespace)
    }

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
