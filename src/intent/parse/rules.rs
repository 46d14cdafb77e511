//! Rule settings and the intent's own rule groups.

use serde_json::Value;

use super::alerting::label_name_problem;
use super::each_once;
use crate::code::Code;
use crate::intent::decode::{Decode, child, nearest, string_map, wrong_type};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::spanned::Spanned;

pub(super) fn rules(
    f: &mut Fields,
    def: Rules,
    groups_for_chart: &[&str],
    content: ChartContent,
    d: &mut Diagnostics,
) -> Rules {
    let mut r = f.section("rules", d);
    let health = r.or("health", def.health, d);
    let chart_rules_path = r.path_of("defaultRules");
    let chart_rules: Option<bool> = r.opt("defaultRules", d);
    let vmstack_content = content == ChartContent::Vmstack;
    if vmstack_content && chart_rules == Some(true) {
        d.report(
            Code::ChartContentConflict,
            &chart_rules_path,
            "rules.defaultRules: true asks for the chart's rule groups, but \
             chart.rulesAndDashboards is vmstack (the default on chart 0.91): set \
             chart.rulesAndDashboards: chart to install them",
        );
    }
    // vmstack's own content installs none of the chart's groups.
    let default_rules = chart_rules.unwrap_or(def.default_rules) && !vmstack_content;
    let groups_path = r.path_of("defaultGroups");
    let default_groups = match r.raw("defaultGroups") {
        Some(groups) => default_groups(groups, &groups_path, groups_for_chart, d),
        None => def.default_groups,
    };
    if vmstack_content && !default_groups.is_empty() {
        d.report(
            Code::ChartContentConflict,
            &groups_path,
            "rules.defaultGroups switches the chart's rule groups, which are not installed with \
             chart.rulesAndDashboards: vmstack (the default on chart 0.91)",
        );
    }
    let groups: Vec<RuleGroup> = r.or("groups", def.groups, d);
    r.finish(d);
    each_once(groups.iter().map(|g| g.name.clone()), d, |name| {
        (
            Code::InvalidRuleGroup,
            format!("rule group {name:?} is named twice; vmalert needs unique group names"),
        )
    });
    Rules {
        health,
        default_rules,
        default_groups,
        groups,
    }
}

/// `defaultGroups`: chart rule groups switched on or off by name, sorted.
fn default_groups(
    v: &Value,
    path: &str,
    groups_for_chart: &[&str],
    d: &mut Diagnostics,
) -> Vec<(String, bool)> {
    let Value::Object(m) = v else {
        wrong_type(d, path, "a mapping of rule group name to true or false", v);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, val) in m {
        let p = child(path, k);
        if !groups_for_chart.contains(&k.as_str()) {
            let mut diag = Diagnostic::new(
                Code::UnknownField,
                &p,
                format!("{k:?} is not a default rule group of the chart"),
            );
            if let Some(n) = nearest(k, groups_for_chart) {
                diag.message.push_str(&format!(", did you mean {n:?}?"));
                diag = diag.with_proposed(Value::String(child(path, n)));
            }
            d.push(diag);
            continue;
        }
        if let Some(b) = bool::decode(val, &p, d) {
            out.push((k.clone(), b));
        }
    }
    out.sort();
    out
}

/// Label and annotation names Prometheus refuses, caught here so the problem is named at its
/// intent field instead of surfacing as a VMRule the operator or vmalert rejects.
fn check_label_names(pairs: &[(String, String)], path: &str, d: &mut Diagnostics) {
    for (k, _) in pairs {
        if let Some(problem) = label_name_problem(k) {
            d.report(Code::InvalidRuleGroup, &child(path, k), problem);
        }
    }
}

fn pairs(f: &mut Fields, key: &'static str, d: &mut Diagnostics) -> Vec<(String, String)> {
    let path = f.path_of(key);
    match f.raw(key) {
        Some(v) => string_map(v, &path, d).unwrap_or_default(),
        None => Vec::new(),
    }
}

impl Decode for RuleGroup {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let name = f.req::<Spanned<String>>("name", d);
        let interval = f.opt("interval", d);
        let labels_path = f.path_of("labels");
        let labels = pairs(&mut f, "labels", d);
        check_label_names(&labels, &labels_path, d);
        let rules_path = f.path_of("rules");
        let rules: Option<Vec<Rule>> = f.req("rules", d);
        f.finish(d);
        let rules = rules?;
        if rules.is_empty() {
            d.report(
                Code::InvalidRuleGroup,
                &rules_path,
                "a rule group needs at least one rule",
            );
        }
        check_rules(&rules, d);
        Some(RuleGroup {
            name: name?,
            interval,
            labels,
            rules,
        })
    }
}

/// Checks across a group's rules: an alert defined twice in one group (its two states cannot be
/// told apart), and alert-only fields on a recording rule.
fn check_rules(rules: &[Rule], d: &mut Diagnostics) {
    let mut alerts = std::collections::BTreeSet::new();
    for r in rules {
        if r.kind == RuleKind::Alert && !alerts.insert(r.name.as_str()) {
            d.report(
                Code::InvalidRuleGroup,
                &r.name.path,
                format!(
                    "alert {:?} is defined twice in this group; give each alert its own name",
                    r.name.value
                ),
            );
        }
        if let Some(keep) = &r.keep_firing_for
            && r.kind == RuleKind::Record
        {
            d.report(
                Code::InvalidRuleGroup,
                &keep.path,
                "a recording rule takes no keep_firing_for (it belongs to alerts)",
            );
        }
    }
}

impl Decode for Rule {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let mut f = Fields::new(v, path, d)?;
        let alert = f.opt::<Spanned<String>>("alert", d);
        let record = f.opt::<Spanned<String>>("record", d);
        let expr_path = f.path_of("expr");
        let expr = f.req::<String>("expr", d);
        let for_ = f.opt("for", d);
        let keep_firing_for = f.opt("keep_firing_for", d);
        let labels_path = f.path_of("labels");
        let labels = pairs(&mut f, "labels", d);
        let annotations_path = f.path_of("annotations");
        let annotations = pairs(&mut f, "annotations", d);
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
            d.report(Code::InvalidRuleGroup, &expr_path, "expr is empty");
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
                &name.path,
                format!(
                    "{:?} is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)",
                    name.value
                ),
            );
        }
        // Prometheus holds annotation names to the label name rules too.
        check_label_names(&labels, &labels_path, d);
        check_label_names(&annotations, &annotations_path, d);
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
