//! VMRules: the stack's own health alerts (`health.rs`), the intent's own rule groups, and the
//! SLOs' rules (`slo.rs`). Named `<release>-vmstack-*`, which no chart default rule
//! (`<fullname>-<group>`) can take.

use serde_json::{Map, Value};

use crate::tree::tree;

use super::{Generated, files, health, metadata, slo};
use crate::intent::scalar::ToJson;
use crate::intent::{Role, RuleGroup, RuleKind, Stack};
use crate::operator::Names;

pub fn health_rule_name(stack: &Stack) -> String {
    format!("{}-vmstack-health", stack.release)
}

pub fn user_rule_name(stack: &Stack) -> String {
    format!("{}-vmstack-rules", stack.release)
}

pub fn slo_rule_name(stack: &Stack) -> String {
    format!("{}-vmstack-slos", stack.release)
}

fn vmrule(stack: &Stack, name: &str, groups: Vec<Value>) -> Generated {
    Generated {
        file: files::VMRULE,
        object: tree!({
            "apiVersion": "operator.victoriametrics.com/v1beta1",
            "kind": "VMRule",
            "metadata": metadata(stack, name),
            "spec": {"groups": groups},
        }),
    }
}

fn pairs(p: &[(String, String)]) -> Value {
    Value::Object(
        p.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn user_group(g: &RuleGroup) -> Value {
    let mut group = Map::new();
    group.insert("name".into(), Value::String(g.name.to_string()));
    if let Some(i) = &g.interval {
        group.insert("interval".into(), i.to_json());
    }
    if !g.labels.is_empty() {
        group.insert("labels".into(), pairs(&g.labels));
    }
    let rules: Vec<Value> = g
        .rules
        .iter()
        .map(|r| {
            let mut m = Map::new();
            let key = match r.kind {
                RuleKind::Alert => "alert",
                RuleKind::Record => "record",
            };
            m.insert(key.into(), Value::String(r.name.to_string()));
            m.insert("expr".into(), Value::String(r.expr.to_string()));
            if let Some(f) = &r.for_ {
                m.insert("for".into(), f.to_json());
            }
            if let Some(k) = &r.keep_firing_for {
                m.insert("keep_firing_for".into(), k.to_json());
            }
            if !r.labels.is_empty() {
                m.insert("labels".into(), pairs(&r.labels));
            }
            if !r.annotations.is_empty() {
                m.insert("annotations".into(), pairs(&r.annotations));
            }
            Value::Object(m)
        })
        .collect();
    group.insert("rules".into(), Value::Array(rules));
    Value::Object(group)
}

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let health = health::rules(stack, g, names);
    if !health.is_empty() {
        out.push(vmrule(
            stack,
            &health_rule_name(stack),
            vec![tree!({
                "name": format!("{}.health", stack.release),
                "interval": "30s",
                "rules": health,
            })],
        ));
    }
    if !g.rules.groups.is_empty() {
        out.push(vmrule(
            stack,
            &user_rule_name(stack),
            g.rules.groups.iter().map(user_group).collect(),
        ));
    }
    if !g.slos.is_empty() {
        out.push(vmrule(
            stack,
            &slo_rule_name(stack),
            g.slos
                .iter()
                .map(|s| slo::group(&stack.release, s))
                .collect(),
        ));
    }
    out
}
