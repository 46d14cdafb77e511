//! What the intent allows its `values` to relax of the safe defaults vmstack writes.

use crate::intent::choice::choices;

choices! {
    /// A kind of safe default that `values` may weaken once the intent names it
    /// (`spec.security.relax`): the weakening is then a warning instead of an error.
    pub enum Relaxation {
        /// Security contexts, the operator's strict security, Grafana's root init container.
        PodSecurity = "podSecurity",
        /// Grafana's anonymous access and self sign-up.
        GrafanaAnonymous = "grafanaAnonymous",
    }
}

#[derive(Debug, Clone, Default)]
pub struct Security {
    /// The kinds of safe default `values` may weaken. None by default: every weakening is an
    /// error.
    pub relax: Vec<Relaxation>,
}

impl Security {
    pub fn relaxes(&self, r: Relaxation) -> bool {
        self.relax.contains(&r)
    }
}
