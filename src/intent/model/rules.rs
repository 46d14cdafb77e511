//! Alerting on the global role: the chart's rule switches, the intent's own rule groups, and
//! service level objectives.

use crate::intent::scalar::{MetricsDuration, Setting};
use crate::intent::spanned::Spanned;

#[derive(Debug, Clone)]
pub struct Rules {
    /// The stack's own health alerts (those a chart group covers are left out while it is on).
    pub health: bool,
    /// The chart's recommended rule groups.
    pub default_rules: bool,
    /// Chart default rule groups switched on or off explicitly, sorted by name.
    pub default_groups: Vec<(String, bool)>,
    pub groups: Vec<RuleGroup>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            health: true,
            default_rules: true,
            default_groups: Vec::new(),
            groups: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleGroup {
    /// Unique among the groups: vmalert needs unique group names.
    pub name: Spanned<String>,
    pub interval: Option<Setting<MetricsDuration>>,
    pub labels: Vec<(String, String)>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// `alert` or `record`, and its name.
    pub kind: RuleKind,
    pub name: Spanned<String>,
    pub expr: String,
    pub for_: Option<Setting<MetricsDuration>>,
    pub keep_firing_for: Option<Spanned<Setting<MetricsDuration>>>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Alert,
    Record,
}

impl RuleKind {
    /// The key that names the rule.
    pub fn key(self) -> &'static str {
        match self {
            RuleKind::Alert => "alert",
            RuleKind::Record => "record",
        }
    }
}

/// A service level objective: expanded into error-ratio recording rules, an error budget and
/// multiwindow, multi-burn-rate alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Slo {
    /// A DNS label, unique among the SLOs: the `slo` label of every series and alert it
    /// expands to.
    pub name: Spanned<String>,
    /// The target share of good events, in percent (99.9).
    pub objective: f64,
    pub events: SloEvents,
    /// The period the error budget spans; a literal, longer than the longest burn-rate window.
    pub window: MetricsDuration,
    pub labels: Vec<(String, String)>,
}

impl Slo {
    pub fn default_window() -> MetricsDuration {
        "30d".into()
    }

    /// The share of events allowed to fail: 1 - objective.
    pub fn error_budget(&self) -> f64 {
        (100.0 - self.objective) / 100.0
    }
}

/// Series selectors of counters, from which the error ratio is computed.
#[derive(Debug, Clone, PartialEq)]
pub enum SloEvents {
    /// Failed events and all events.
    Errors { errors: String, total: String },
    /// Good events and all events.
    Good { good: String, total: String },
}
