//! The alerting fields of the global role: the service level objectives (`slos`). The agent
//! clusters expected to write here (`agents`) are read with the rest of the access, in
//! `access.rs`.

use serde_json::Value;

use super::each_once;
use crate::code::Code;
use crate::intent::decode::{Decode, child, wrong_type};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::fields::Fields;
use crate::intent::model::{Slo, SloEvents};
use crate::intent::scalar::{MetricsDuration, Name, Setting};
use crate::intent::spanned::Spanned;

/// The windows the burn-rate alerts look at; an SLO window must be longer than the longest.
const LONGEST_ALERT_WINDOW_SECONDS: f64 = 3.0 * 86400.0;

/// Labels vmstack sets itself on SLO series and alerts.
const RESERVED_SLO_LABELS: [&str; 2] = ["slo", "severity"];

/// Why a string is not a Prometheus label name, if it is not one.
pub fn label_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic());
    if !first_ok || !chars.all(|c| c == '_' || c.is_ascii_alphanumeric()) {
        return Some(format!(
            "{name:?} is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)"
        ));
    }
    if name.starts_with("__") {
        return Some(format!(
            "{name:?} starts with __, which Prometheus reserves for internal labels"
        ));
    }
    None
}

/// `spec.slos`: each SLO valid on its own, names unique.
pub(super) fn slos(f: &mut Fields, d: &mut Diagnostics) -> Vec<Slo> {
    let slos: Vec<Slo> = f.or("slos", Vec::new(), d);
    each_once(slos.iter().map(|s| s.name.clone()), d, |name| {
        (
            Code::InvalidSlo,
            format!("SLO {name:?} is named twice; its series would mix with the other's"),
        )
    });
    slos
}

/// A counter's series selector (`http_requests_total{code=~"5.."}`): vmstack wraps it in
/// `sum(rate(…[window]))` itself, so a range or a function here would break every rule.
fn selector_problem(s: &str) -> Option<&'static str> {
    if s.trim().is_empty() {
        return Some("is empty");
    }
    // Quoted label values may hold anything; look at what is outside them.
    let mut outside = String::new();
    let mut in_quote: Option<char> = None;
    let mut escaped = false;
    for c in s.chars() {
        match in_quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    in_quote = None;
                }
            }
            None if c == '"' || c == '\'' || c == '`' => in_quote = Some(c),
            None => outside.push(c),
        }
    }
    if in_quote.is_some() {
        return Some("has an unterminated quoted string");
    }
    let selector_char =
        |c: char| c.is_ascii_alphanumeric() || "_:{}=~!, \n\t".contains(c) || c == '.';
    if !outside.chars().all(selector_char) {
        return Some(
            "is not a plain series selector (no functions, ranges or operators: vmstack adds \
             sum(rate(…[window])) itself)",
        );
    }
    None
}

fn selector(f: &mut Fields, key: &'static str, d: &mut Diagnostics) -> Option<String> {
    let path = f.path_of(key);
    let s = f.opt::<String>(key, d)?;
    if let Some(problem) = selector_problem(&s) {
        d.push(
            Diagnostic::new(Code::InvalidSlo, &path, format!("{s:?} {problem}"))
                .with_current(&Value::String(s.clone())),
        );
        return None;
    }
    Some(s.trim().to_string())
}

fn objective(f: &mut Fields, d: &mut Diagnostics) -> Option<f64> {
    let path = f.path_of("objective");
    let Some(v) = f.raw("objective") else {
        d.report(
            Code::MissingField,
            &path,
            "objective is required: the target share of good events in percent, like 99.9",
        );
        return None;
    };
    let Some(x) = v.as_f64() else {
        wrong_type(d, &path, "a number of percent such as 99.9", v);
        return None;
    };
    if !(x > 0.0 && x < 100.0) {
        d.push(
            Diagnostic::new(
                Code::InvalidSlo,
                &path,
                format!("objective {x} is not a percentage strictly between 0 and 100"),
            )
            .with_current(v),
        );
        return None;
    }
    Some(x)
}

fn window(f: &mut Fields, d: &mut Diagnostics) -> Option<MetricsDuration> {
    let path = f.path_of("window");
    let Some(v) = f.raw("window") else {
        return Some(Slo::default_window());
    };
    match Setting::<MetricsDuration>::decode(v, &path, d)? {
        Setting::Templated(_) => {
            d.report(
                Code::InvalidSlo,
                &path,
                "window takes a literal duration: it names the recording rules vmstack writes",
            );
            None
        }
        Setting::Literal(w) => {
            let seconds = w.seconds().unwrap_or(0.0);
            // The window becomes part of a series name, so it must be one plain duration.
            let plain = w.0.chars().all(|c| c.is_ascii_alphanumeric());
            if seconds <= LONGEST_ALERT_WINDOW_SECONDS || !plain {
                d.report(
                    Code::InvalidSlo,
                    &path,
                    format!(
                        "window {:?} must be a plain duration longer than 3d, the longest \
                         burn-rate window (28d or 30d are usual)",
                        w.0
                    ),
                );
                return None;
            }
            Some(w)
        }
    }
}

fn labels(f: &mut Fields, d: &mut Diagnostics) -> Vec<(String, String)> {
    let path = f.path_of("labels");
    let Some(v) = f.raw("labels") else {
        return Vec::new();
    };
    let Value::Object(m) = v else {
        wrong_type(d, &path, "a mapping of label name to value", v);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, val) in m {
        let p = child(&path, k);
        if let Some(problem) = label_name_problem(k) {
            d.report(Code::InvalidSlo, &p, problem);
            continue;
        }
        if RESERVED_SLO_LABELS.contains(&k.as_str()) {
            d.report(
                Code::InvalidSlo,
                &p,
                format!("label {k:?} is set by vmstack on every SLO series and alert"),
            );
            continue;
        }
        match val {
            Value::String(s) => out.push((k.clone(), s.clone())),
            other => wrong_type(d, &p, "a string", other),
        }
    }
    out
}

impl Decode for Slo {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let name = f.req::<Spanned<Name>>("name", d);
        let objective = objective(&mut f, d);
        let has_errors = f.has("errors");
        let has_good = f.has("good");
        let errors = selector(&mut f, "errors", d);
        let good = selector(&mut f, "good", d);
        let total = f
            .req::<String>("total", d)
            .and_then(|_| selector(&mut f, "total", d));
        let window = window(&mut f, d);
        let labels = labels(&mut f, d);
        f.finish(d);
        let events = match (has_errors, has_good) {
            (true, true) => {
                d.report(
                    Code::InvalidSlo,
                    path,
                    "an SLO counts either errors or good events against total, not both",
                );
                None
            }
            (false, false) => {
                d.report(
                    Code::InvalidSlo,
                    path,
                    "an SLO needs errors (failed events) or good (good events), beside total",
                );
                None
            }
            (true, false) => errors
                .zip(total)
                .map(|(errors, total)| SloEvents::Errors { errors, total }),
            (false, true) => good
                .zip(total)
                .map(|(good, total)| SloEvents::Good { good, total }),
        };
        Some(Slo {
            name: name?.map(|n| n.0),
            objective: objective?,
            events: events?,
            window: window?,
            labels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_plain() {
        assert_eq!(
            selector_problem(r#"http_requests_total{code=~"5..|(4)"}"#),
            None
        );
        assert_eq!(selector_problem(r#"{__name__="x", le="0.5"}"#), None);
        assert!(selector_problem("rate(x[5m])").is_some());
        assert!(selector_problem("x / y").is_some());
        assert!(selector_problem(r#"x{a="b}"#).is_some());
        assert!(selector_problem(" ").is_some());
    }

    #[test]
    fn label_names() {
        assert_eq!(label_name_problem("team_1"), None);
        assert!(label_name_problem("1team").is_some());
        assert!(label_name_problem("team-name").is_some());
        assert!(label_name_problem("__name").is_some());
    }
}
