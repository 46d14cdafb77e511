//! What the victoria-metrics-k8s-stack chart itself decides: its defaults, and the conditions
//! under which its templates refuse to render. The HelmRelease vmstack writes is checked against
//! them, so a release that Helm would refuse is an error result here, not a failed install.

pub mod defaults;
pub mod failures;
pub mod security;
pub mod values;
pub mod weakened;

use serde_json::Value;

use crate::code::Code;
use crate::intent::{Diagnostic, Relaxation, Role, Stack};
use failures::{RenderFailure, dotted};
use weakened::Weakening;

/// Diagnostics for the conditions the release's values meet, and for the safe defaults they
/// turn off. Each names the key of the intent's `values` that causes it; one no user key explains
/// is vmstack's own mistake and is reported as such, so that it never ships.
pub fn check(stack: &Stack, release_values: &Value) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = failures::failures(stack.chart.line, release_values)
        .into_iter()
        .map(|f| diagnostic(stack, &f))
        .collect();
    out.extend(safety(stack, release_values));
    out
}

fn values_path(stack: &Stack, key: &[String]) -> String {
    format!("{}.{}", stack.values.path, dotted(key))
}

/// The weakenings, one diagnostic per key of the intent's `values`: a warning when the intent's
/// `security.relax` allows every one of them, an error otherwise.
fn safety(stack: &Stack, release: &Value) -> Vec<Diagnostic> {
    let user = Value::Object(stack.values.value.clone());
    let line = stack.chart.line;
    let mut by_key: Vec<(Vec<String>, Vec<Weakening>)> = Vec::new();
    for w in weakened::weakenings(line, release, &user) {
        match by_key.iter_mut().find(|(k, _)| *k == w.blame) {
            Some((_, list)) => list.push(w),
            None => by_key.push((w.blame.clone(), vec![w])),
        }
    }
    let mut out = Vec::new();
    for (key, list) in by_key {
        let what = list
            .iter()
            .map(|w| format!("{}: {}", w.workload, w.what))
            .collect::<Vec<_>>()
            .join("; ");
        let mut needed: Vec<Relaxation> = Vec::new();
        for w in &list {
            if !stack.security.relaxes(w.relaxation) && !needed.contains(&w.relaxation) {
                needed.push(w.relaxation);
            }
        }
        out.push(if key.is_empty() {
            Diagnostic::new(
                Code::ValuesReopen,
                "spec",
                format!(
                    "vmstack's own values weaken a safe default ({what}): please report this as a bug"
                ),
            )
        } else if needed.is_empty() {
            Diagnostic::new(
                Code::ValuesReopen,
                values_path(stack, &key),
                format!("values weaken a safe default, as spec.security.relax allows: {what}"),
            )
            .warning()
        } else {
            let names: Vec<&str> = needed
                .iter()
                .map(|r| crate::intent::choice::Choice::name(*r))
                .collect();
            Diagnostic::new(
                Code::ValuesReopen,
                values_path(stack, &key),
                format!(
                    "values reopen what vmstack closed: {what}; to allow it, list {} in \
                     spec.security.relax",
                    names.join(" and ")
                ),
            )
        });
    }
    out.extend(vmauth(stack, release, &user));
    out
}

/// vmauth admitting clients without credentials: an error unless the intent opens reads
/// (`vmauth.anonymousRead`), when values that change that access get a warning.
fn vmauth(stack: &Stack, release: &Value, user: &Value) -> Option<Diagnostic> {
    if !weakened::vmauth_is_open(stack.chart.line, release) {
        return None;
    }
    let anonymous_read = matches!(&stack.role, Role::Global(g) if g.vmauth.anonymous_read);
    let open = "vmauth lets clients without credentials through";
    match weakened::vmauth_blame(user) {
        Some(key) if anonymous_read => Some(
            Diagnostic::new(
                Code::ValuesReopen,
                values_path(stack, &key),
                format!(
                    "{open} as the values write it, not only to the reads vmauth.anonymousRead \
                     opens: check that it admits no writes"
                ),
            )
            .warning(),
        ),
        Some(key) => Some(Diagnostic::new(
            Code::ValuesReopen,
            values_path(stack, &key),
            format!(
                "{open}: anyone who reaches it reads (and, with the chart's default, writes) \
                 metrics; vmauth.anonymousRead opens reads only, as an explicit choice"
            ),
        )),
        None if anonymous_read => None,
        None => Some(Diagnostic::new(
            Code::ValuesReopen,
            "spec",
            format!("{open} (vmstack wrote these values itself: please report this as a bug)"),
        )),
    }
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
