//! What the victoria-metrics-k8s-stack chart itself decides: its defaults, and the conditions
//! under which its templates refuse to render. The HelmRelease vmstack writes is checked against
//! them, so a release that Helm would refuse is an error result here, not a failed install.

pub mod defaults;
pub mod failures;
pub mod values;

use serde_json::Value;

use crate::code::Code;
use crate::intent::{Diagnostic, Stack};
use failures::{RenderFailure, dotted};

/// Diagnostics for the conditions the release's values meet. Each names the key of the intent's
/// `values` that causes it; a condition no user key explains is vmstack's own mistake and is
/// reported as such, so that it never ships.
pub fn check(stack: &Stack, release_values: &Value) -> Vec<Diagnostic> {
    failures::failures(stack.chart.line, release_values)
        .into_iter()
        .map(|f| diagnostic(stack, &f))
        .collect()
}

fn diagnostic(stack: &Stack, f: &RenderFailure) -> Diagnostic {
    let user_set = |key: &Vec<String>| {
        let mut cur = stack.values.get(&key[0]);
        for k in &key[1..] {
            cur = cur.and_then(|c| c.get(k));
        }
        cur.is_some()
    };
    let message = format!(
        "chart {} would not render ({}): {}",
        stack.chart.version,
        f.condition.name(),
        f.message
    );
    match f.keys.iter().find(|k| user_set(k)) {
        Some(key) => Diagnostic::new(
            Code::ChartWouldFail,
            format!("{}.{}", stack.values.path, dotted(key)),
            message,
        ),
        None => Diagnostic::new(
            Code::ChartWouldFail,
            "spec",
            format!("{message} (vmstack wrote these values itself: please report this as a bug)"),
        ),
    }
}
