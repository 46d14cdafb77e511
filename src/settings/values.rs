//! The values the cluster settings give the intent's Flux variables: whether each fits the field
//! it fills, whether an endpoint names a Service a global intent really creates, and the values
//! vmstack can propose for missing keys.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::flux::pipeline::{self, Outcome, Substitution};
use crate::intent::scalar::{
    DurationStyle, UrlParts, is_quantity, is_retention, parse_duration_seconds,
};
use crate::intent::variables::{self, ValueKind};
use crate::intent::{Role, Stack};
use crate::operator::{Component, Names};

/// The text a field that is exactly `${V}` holds once Flux has substituted `value` into it (and
/// re-read it as YAML: `'30d'` is `30d`, `1e3` is 1000). `None` when Flux fails on the value,
/// or makes a list or a map of it: other checks report that.
pub fn as_flux_fills_it(value: &str) -> Option<String> {
    let vars = BTreeMap::from([("V".to_string(), value.to_string())]);
    let probe = json!({"v": "${V}"});
    let Ok(Outcome::Substituted { object, .. }) =
        pipeline::substitute_object(&probe, &Substitution::new(&vars))
    else {
        return None;
    };
    match &object["v"] {
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

/// Why `value` cannot fill a field of `kind`, if it cannot.
pub fn value_problem(kind: ValueKind, value: &str) -> Option<String> {
    let ok = match kind {
        ValueKind::Text => true,
        ValueKind::Number => value.parse::<u32>().is_ok(),
        ValueKind::Quantity => is_quantity(value),
        ValueKind::GoDuration => parse_duration_seconds(value, DurationStyle::Go).is_some(),
        ValueKind::MetricsDuration => {
            parse_duration_seconds(value, DurationStyle::Metrics).is_some()
        }
        ValueKind::Retention => is_retention(value),
        ValueKind::Url => {
            return UrlParts::parse(value)
                .err()
                .map(|p| format!("{value:?} {p}"));
        }
    };
    let what = match kind {
        ValueKind::Text | ValueKind::Url => "",
        ValueKind::Number => "a whole number",
        ValueKind::Quantity => "a Kubernetes quantity (like 50Gi)",
        ValueKind::GoDuration => "a Go duration (like 30s, 15m, 120h)",
        ValueKind::MetricsDuration => "a duration (like 30s, 15m, 30d)",
        ValueKind::Retention => {
            "a VictoriaMetrics retention (months as a number, or h/d/w/y, at least 24h)"
        }
    };
    (!ok).then(|| format!("{value:?} is not {what}"))
}

const ENDPOINTS: [Component; 4] = [
    Component::VmInsert,
    Component::VmSelect,
    Component::VmAuth,
    Component::VmAlertmanager,
];

fn names(stack: &Stack) -> Names {
    stack.names()
}

/// Why an endpoint URL names a Service that none of the global intents creates, if it does.
/// Only URLs whose host is a VictoriaMetrics Service name in a global intent's namespace are
/// judged; anything else may be outside vmstack's view.
pub fn endpoint_problem(url: &str, globals: &[&Stack]) -> Option<String> {
    let parts = UrlParts::parse(url).ok()?;
    let port = parts.port;
    let mut labels = parts.host.split('.');
    let service = labels.next()?;
    let namespace = labels.next()?;
    if labels.next() != Some("svc") {
        return None;
    }
    let component = ENDPOINTS
        .iter()
        .find(|c| service.starts_with(&format!("{}-", c.app_name())))?;
    let in_namespace: Vec<&&Stack> = globals
        .iter()
        .filter(|g| g.namespace == namespace)
        .collect();
    if in_namespace.is_empty() {
        return None;
    }
    for g in &in_namespace {
        if names(g).service(*component) == service {
            return match port {
                Some(p) if p != component.http_port() => Some(format!(
                    "{url:?} uses port {p}, but {service} listens on {}",
                    component.http_port()
                )),
                _ => None,
            };
        }
    }
    let created: Vec<String> = in_namespace
        .iter()
        .map(|g| {
            format!(
                "{} (intent {}/{})",
                names(g).service_url(*component),
                g.namespace,
                g.name
            )
        })
        .collect();
    Some(format!(
        "{url:?} names Service {service}, which no global intent creates; the real {} endpoint is {}",
        component.app_name(),
        created.join(" or ")
    ))
}

/// Settings values vmstack can tell, by key: an agent's remote-write variable and the endpoint
/// keys, from the one global intent of the run (with several, which one is meant is unclear).
pub fn proposed_values(stacks: &[&Stack]) -> BTreeMap<String, String> {
    let globals: Vec<&&Stack> = stacks
        .iter()
        .filter(|s| matches!(s.role, Role::Global(_)))
        .collect();
    let mut out = BTreeMap::new();
    let [global] = globals.as_slice() else {
        return out;
    };
    for (key, value) in crate::render::endpoint_settings(global) {
        out.insert(key, value);
    }
    let insert = names(global).service_url(Component::VmInsert);
    for s in stacks {
        if let Role::Agent(a) = &s.role {
            let url = a.remote_write.url.text();
            if let Some(name) = url.strip_prefix("${").and_then(|u| u.strip_suffix('}'))
                && variables::is_variable_name(name)
            {
                out.insert(name.to_string(), insert.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_judged_as_flux_reads_them() {
        assert_eq!(as_flux_fills_it("'30d'").as_deref(), Some("30d"));
        assert_eq!(as_flux_fills_it("1e3").as_deref(), Some("1000"));
        assert_eq!(as_flux_fills_it(" 50Gi ").as_deref(), Some("50Gi"));
        assert_eq!(as_flux_fills_it("[a]"), None);
        assert_eq!(as_flux_fills_it("a: b"), None);
        let filled = as_flux_fills_it("1e3").unwrap();
        assert_eq!(value_problem(ValueKind::Number, &filled), None);
        assert!(value_problem(ValueKind::Number, &as_flux_fills_it("yes").unwrap()).is_some());
    }
}
