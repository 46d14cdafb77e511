//! Rule settings and the intent's own rule groups.

use serde_json::Value;

use super::fields::*;
use crate::intent::decode::{Decode, Fields, child, index, wrong_type};
use crate::intent::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::intent::model::*;
use crate::intent::scalar::DurationStyle;

pub(super) fn rules(
    f: &mut Fields,
    groups_for_chart: &[&str],
    content: ChartContent,
    d: &mut Diagnostics,
) -> Rules {
    let path = f.path_of("rules");
    let mut r = f.section("rules", d);
    let health = r.or("health", true, d);
    let chart_rules_path = r.path_of("defaultRules");
    let chart_rules: Option<bool> = r.opt("defaultRules", d);
    if content == ChartContent::Vmstack && chart_rules == Some(true) {
        d.report(
            Code::ChartContentConflict,
            &chart_rules_path,
            "rules.defaultRules: true asks for the chart's rule groups, but \
             chart.rulesAndDashboards is vmstack (the default on chart 0.91): set \
             chart.rulesAndDashboards: chart to install them",
        );
    }
    let default_rules = chart_rules.unwrap_or(true) && content == ChartContent::Chart;
    let mut default_groups = Vec::new();
    if let Some(groups) = r.raw("defaultGroups") {
        let gpath = r.path_of("defaultGroups");
        match groups {
            Value::Object(m) => {
                for (k, val) in m {
                    let p = child(&gpath, k);
                    if !groups_for_chart.contains(&k.as_str()) {
                        let mut diag = Diagnostic::new(
                            Code::UnknownField,
                            &p,
                            format!("{k:?} is not a default rule group of the chart"),
                        );
                        if let Some(n) = crate::intent::decode::nearest(k, groups_for_chart) {
                            diag.message.push_str(&format!(", did you mean {n:?}?"));
                            diag = diag.with_proposed(Value::String(child(&gpath, n)));
                        }
                        d.push(diag);
                        continue;
                    }
                    if let Some(b) = bool::decode(val, &p, d) {
                        default_groups.push((k.clone(), b));
                    }
                }
            }
            other => wrong_type(
                d,
                &gpath,
                "a mapping of rule group name to true or false",
                other,
            ),
        }
    }
    default_groups.sort();
    if content == ChartContent::Vmstack && !default_groups.is_empty() {
        d.report(
            Code::ChartContentConflict,
            &r.path_of("defaultGroups"),
            "rules.defaultGroups switches the chart's rule groups, which are not installed with \
             chart.rulesAndDashboards: vmstack (the default on chart 0.91)",
        );
    }
    let groups = r.or("groups", Vec::new(), d);
    r.finish(d);
    let mut seen = std::collections::BTreeSet::new();
    for (i, g) in groups.iter().enumerate() {
        let g: &RuleGroup = g;
        if !seen.insert(g.name.clone()) {
            d.report(
                Code::InvalidRuleGroup,
                &child(&index(&path, i), "name"),
                format!(
                    "rule group {:?} is named twice; vmalert needs unique group names",
                    g.name
                ),
            );
        }
    }
    Rules {
        health,
        default_rules,
        default_groups,
        groups,
    }
}

impl Decode for RuleGroup {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let name = f.req::<String>("name", d);
        let interval = opt_duration(&mut f, "interval", DurationStyle::Metrics, d);
        let labels = match f.raw("labels") {
            Some(l) => string_map(l, &f.path_of("labels"), d).unwrap_or_default(),
            None => Vec::new(),
        };
        let rules: Option<Vec<Rule>> = f.req("rules", d);
        f.finish(d);
        let rules = rules?;
        if rules.is_empty() {
            d.report(
                Code::InvalidRuleGroup,
                &child(path, "rules"),
                "a rule group needs at least one rule",
            );
        }
        check_rule_group(path, &labels, &rules, d);
        Some(RuleGroup {
            name: name?,
            interval,
            labels,
            rules,
        })
    }
}

/// Checks that span a group's rules, caught here so the problem is named at its intent field
/// instead of surfacing as a VMRule the operator or vmalert rejects: label and annotation names
/// Prometheus refuses, an alert defined twice in one group (its two states cannot be told apart), and
/// alert-only fields on a recording rule.
pub(super) fn check_rule_group(
    path: &str,
    labels: &[(String, String)],
    rules: &[Rule],
    d: &mut Diagnostics,
) {
    for (k, _) in labels {
        if let Some(problem) = crate::intent::alerting::label_name_problem(k) {
            d.report(
                Code::InvalidRuleGroup,
                &child(&child(path, "labels"), k),
                problem,
            );
        }
    }
    let mut alerts = std::collections::BTreeSet::new();
    for (i, r) in rules.iter().enumerate() {
        let rule_path = index(&child(path, "rules"), i);
        // Prometheus holds annotation names to the label name rules too.
        let named = [("labels", &r.labels), ("annotations", &r.annotations)];
        for (field, pairs) in named {
            for (k, _) in pairs {
                if let Some(problem) = crate::intent::alerting::label_name_problem(k) {
                    d.report(
                        Code::InvalidRuleGroup,
                        &child(&child(&rule_path, field), k),
                        problem,
                    );
                }
            }
        }
        if r.kind == RuleKind::Alert && !alerts.insert(r.name.as_str()) {
            d.report(
                Code::InvalidRuleGroup,
                &child(&rule_path, "alert"),
                format!(
                    "alert {:?} is defined twice in this group; give each alert its own name",
                    r.name
                ),
            );
        }
        if r.kind == RuleKind::Record && r.keep_firing_for.is_some() {
            d.report(
                Code::InvalidRuleGroup,
                &child(&rule_path, "keep_firing_for"),
                "a recording rule takes no keep_firing_for (it belongs to alerts)",
            );
        }
    }
}

impl Decode for Rule {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let alert = f.opt::<String>("alert", d);
        let record = f.opt::<String>("record", d);
        let expr = f.req::<String>("expr", d);
        let for_ = opt_duration(&mut f, "for", DurationStyle::Metrics, d);
        let keep_firing_for = opt_duration(&mut f, "keep_firing_for", DurationStyle::Metrics, d);
        let labels = match f.raw("labels") {
            Some(l) => string_map(l, &f.path_of("labels"), d).unwrap_or_default(),
            None => Vec::new(),
        };
        let annotations = match f.raw("annotations") {
            Some(a) => string_map(a, &f.path_of("annotations"), d).unwrap_or_default(),
            None => Vec::new(),
        };
        f.finish(d);
        let (kind, name) = match (alert, record) {
            (Some(a), None) => (RuleKind::Alert, a),
            (None, Some(r)) => (RuleKind::Record, r),
            (Some(_), Some(_)) => {
                d.report(
                    Code::InvalidRuleGroup,
                    path,
                    "a rule has either alert or record, not both",
                );
                return None;
            }
            (None, None) => {
                d.report(
                    Code::InvalidRuleGroup,
                    path,
                    "a rule needs alert (an alert name) or record (a series name)",
                );
                return None;
            }
        };
        let expr = expr?;
        if expr.trim().is_empty() {
            d.report(
                Code::InvalidRuleGroup,
                &child(path, "expr"),
                "expr is empty",
            );
        }
        if kind == RuleKind::Record && (for_.is_some() || !annotations.is_empty()) {
            d.report(
                Code::InvalidRuleGroup,
                path,
                "a recording rule takes no for or annotations (they belong to alerts)",
            );
        }
        let valid_metric_name = name.chars().enumerate().all(|(i, c)| {
            c == '_' || c == ':' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
        });
        if kind == RuleKind::Record && (!valid_metric_name || name.is_empty()) {
            d.report(
                Code::InvalidRuleGroup,
                &child(path, "record"),
                format!("{name:?} is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"),
            );
        }
        Some(Rule {
            kind,
            name,
            expr,
            for_,
            keep_firing_for,
            labels,
            annotations,
        })
    }
}
