//! SLOs: error-ratio recording rules over the standard windows, the error budget left, and
//! multiwindow, multi-burn-rate alerts (the scheme of Google's SRE workbook, "Alerting on SLOs").
//!
//! Each alert condition needs the burn rate high over a long window (enough budget is gone to
//! matter) and over a short one (it is still burning, so the alert resets soon after a fix).

use serde_json::{Map, Value};

use crate::tree::tree;

use crate::intent::{Slo, SloEvents};

/// The error-ratio windows every SLO records.
pub const WINDOWS: [&str; 7] = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

/// One alert condition: long and short window, and the burn rate (multiple of the error
/// budget) both must exceed.
pub struct BurnCondition {
    pub long: &'static str,
    pub short: &'static str,
    pub factor: f64,
}

/// Pages: 2% of a 30-day budget in one hour, or 5% in six hours.
pub const PAGE: [BurnCondition; 2] = [
    BurnCondition {
        long: "1h",
        short: "5m",
        factor: 14.4,
    },
    BurnCondition {
        long: "6h",
        short: "30m",
        factor: 6.0,
    },
];

/// Tickets: 10% of the budget in a day, or all of it at the pace of three days.
pub const TICKET: [BurnCondition; 2] = [
    BurnCondition {
        long: "1d",
        short: "2h",
        factor: 3.0,
    },
    BurnCondition {
        long: "3d",
        short: "6h",
        factor: 1.0,
    },
];

pub fn error_ratio_record(window: &str) -> String {
    format!("slo:sli_error:ratio_rate{window}")
}

pub const BUDGET_REMAINING_RECORD: &str = "slo:error_budget:remaining_ratio";
pub const FAST_BURN_ALERT: &str = "SLOErrorBudgetFastBurn";
pub const SLOW_BURN_ALERT: &str = "SLOErrorBudgetSlowBurn";

/// A float as PromQL reads it, without binary noise (0.1 - 0.0999… prints as 0.001).
fn number(x: f64) -> String {
    let s = format!("{x:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn error_ratio_expr(events: &SloEvents, window: &str) -> String {
    let rate = |selector: &str| format!("sum(rate({selector}[{window}]))");
    match events {
        SloEvents::Errors { errors, total } => format!("{} / {}", rate(errors), rate(total)),
        SloEvents::Good { good, total } => {
            format!("1 - ({} / {})", rate(good), rate(total))
        }
    }
}

/// The labels every series and alert of one SLO carries: `slo` and the intent's own.
fn slo_labels(slo: &Slo) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("slo".into(), Value::String(slo.name.to_string()));
    for (k, v) in &slo.labels {
        m.insert(k.clone(), Value::String(v.clone()));
    }
    m
}

fn selector_of(slo: &Slo) -> String {
    format!("{{slo=\"{}\"}}", slo.name)
}

/// Each side divides by the budget: the value is the burn rate, and the arithmetic drops the
/// series name, so the conditions joined by `or` yield one series per label set (two with
/// different names would make the alert fail on identical label sets).
fn burn_expr(slo: &Slo, conditions: &[BurnCondition]) -> String {
    let budget = number(slo.error_budget());
    let sel = selector_of(slo);
    conditions
        .iter()
        .map(|c| {
            let factor = number(c.factor);
            format!(
                "({long}{sel} / {budget} > {factor} and {short}{sel} / {budget} > {factor})",
                long = error_ratio_record(c.long),
                short = error_ratio_record(c.short),
            )
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn burn_alert(
    slo: &Slo,
    name: &str,
    conditions: &[BurnCondition],
    for_: &str,
    severity: &str,
    what: &str,
) -> Value {
    let mut labels = slo_labels(slo);
    labels.insert("severity".into(), tree!(severity));
    let windows: Vec<String> = conditions
        .iter()
        .map(|c| format!("{}x over {} and {}", number(c.factor), c.long, c.short))
        .collect();
    tree!({
        "alert": name,
        "expr": burn_expr(slo, conditions),
        "for": for_,
        "labels": labels.clone(),
        "annotations": {
            "summary": format!("SLO {} burns its error budget {what}", slo.name),
            "description": format!(
                "{} spends its error budget {{{{ $value | humanize }}}} times as fast as its {}% \
                 objective allows over {}; alert conditions: burn rate above {}.",
                slo.name,
                number(slo.objective),
                slo.window.0,
                windows.join(", or "),
            ),
        },
    })
}

/// How often an SLO group is evaluated. Once a minute is plenty for windows of five minutes and
/// more, and keeps the 30d rate over raw counters from running at vmalert's 15s default.
pub const GROUP_INTERVAL: &str = "1m";

/// One rule group per SLO, named `<release>.slo.<name>`.
pub fn group(release: &str, slo: &Slo) -> Value {
    let labels = Value::Object(slo_labels(slo));
    let mut rules = Vec::new();
    let window = slo.window.0.as_str();
    for w in WINDOWS.iter().copied().chain([window]) {
        rules.push(tree!({
            "record": error_ratio_record(w),
            "expr": error_ratio_expr(&slo.events, w),
            "labels": labels.clone(),
        }));
    }
    rules.push(tree!({
        "record": BUDGET_REMAINING_RECORD,
        "expr": format!(
            "1 - {}{} / {}",
            error_ratio_record(window),
            selector_of(slo),
            number(slo.error_budget())
        ),
        "labels": labels.clone(),
    }));
    rules.push(burn_alert(
        slo,
        FAST_BURN_ALERT,
        &PAGE,
        "2m",
        "critical",
        "fast: page",
    ));
    rules.push(burn_alert(
        slo,
        SLOW_BURN_ALERT,
        &TICKET,
        "15m",
        "warning",
        "slowly: open a ticket",
    ));
    tree!({
        "name": format!("{release}.slo.{}", slo.name),
        "interval": GROUP_INTERVAL,
        "rules": rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::Spanned;

    #[test]
    fn numbers_print_without_float_noise() {
        assert_eq!(number(14.4 * (100.0 - 99.9) / 100.0), "0.0144");
        assert_eq!(number((100.0 - 99.9) / 100.0), "0.001");
        assert_eq!(number(6.0), "6");
        assert_eq!(number(99.95), "99.95");
    }

    #[test]
    fn a_slo_expands_to_windows_budget_and_two_alerts() {
        let slo = Slo {
            name: Spanned::new("api".into(), "spec.slos[0].name"),
            objective: 99.9,
            events: SloEvents::Errors {
                errors: "e".into(),
                total: "t".into(),
            },
            window: "30d".into(),
            labels: vec![("team".into(), "a".into())],
        };
        let g = group("r", &slo);
        let rules = g["rules"].as_array().unwrap();
        assert_eq!(rules.len(), WINDOWS.len() + 1 + 1 + 2);
        assert_eq!(rules[0]["expr"], "sum(rate(e[5m])) / sum(rate(t[5m]))");
        assert_eq!(
            rules[WINDOWS.len() + 1]["expr"],
            "1 - slo:sli_error:ratio_rate30d{slo=\"api\"} / 0.001"
        );
        assert_eq!(
            rules[WINDOWS.len() + 2]["expr"],
            "(slo:sli_error:ratio_rate1h{slo=\"api\"} / 0.001 > 14.4 and slo:sli_error:ratio_rate5m{slo=\"api\"} / 0.001 > 14.4) \
             or (slo:sli_error:ratio_rate6h{slo=\"api\"} / 0.001 > 6 and slo:sli_error:ratio_rate30m{slo=\"api\"} / 0.001 > 6)"
        );
        assert_eq!(rules[WINDOWS.len() + 3]["labels"]["team"], "a");
    }
}
