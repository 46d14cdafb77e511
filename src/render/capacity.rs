//! The capacity alerts of a global stack, the plan's two figures watched on the cluster: the
//! measured ingestion rate against the declared load, and against the largest rate the
//! vmstorage disks hold for the retention. A VMRule of their own, `<release>-vmstack-capacity`.

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, metadata};
use crate::capacity::Thresholds;
use crate::intent::{Role, Stack};
use crate::operator::{Component as C, Names};

pub fn rule_name(stack: &Stack) -> String {
    format!("{}-vmstack-capacity", stack.release)
}

/// A threshold as the rules write it: whole samples per second, rounded down, so that the
/// alert fires as soon as the rate is above what fits.
fn whole(rate: f64) -> u64 {
    rate.floor() as u64
}

fn alerts(t: &Thresholds, names: &Names) -> Vec<Value> {
    // Samples per second before replication, as the sizing guide measures the ingestion rate.
    let measured = |window: &str| {
        format!(
            "sum(rate(vm_rows_inserted_total{{job=\"{}\"}}[{window}]))",
            names.job(C::VmInsert)
        )
    };
    let mut out = Vec::new();
    if let Some(declared) = t.declared {
        let declared = whole(declared);
        out.push(tree!({
            "alert": "VMStackIngestionAboveDeclared",
            "expr": format!("{} > {declared}", measured("15m")),
            "for": "30m",
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": "Ingestion is above the load the stack is planned for",
                "description": format!(
                    "vminsert receives {{{{ $value | humanize }}}} samples/s, above the {declared} \
                     declared in capacity.ingestionRate (before replication): the capacity plan \
                     no longer holds. Declare the real load and run vmstack plan."
                ),
            },
        }));
    }
    if let Some(largest) = t.largest {
        let largest = whole(largest);
        out.push(tree!({
            "alert": "VMStorageFillsBeforeRetention",
            "expr": format!("{} > {largest}", measured("1h")),
            "for": "1h",
            "labels": {"severity": "critical"},
            "annotations": {
                "summary": "At this ingestion rate the vmstorage disks fill before the retention ends",
                "description": format!(
                    "vminsert receives {{{{ $value | humanize }}}} samples/s; the vmstorage disks \
                     hold at most {largest} for the retention ({}; see vmstack plan): they fill \
                     and turn read-only before the oldest data is deleted. Grow vmstorage.size, \
                     add nodes or lower the load.",
                    t.basis
                ),
            },
        }));
    }
    out
}

/// The VMRule, when the stack's health rules are on and there is something to watch.
pub fn render(stack: &Stack, t: &Thresholds) -> Option<Generated> {
    let Role::Global(g) = &stack.role else {
        return None;
    };
    if !g.rules.health {
        return None;
    }
    let names = stack.names();
    let rules = alerts(t, &names);
    if rules.is_empty() {
        return None;
    }
    Some(Generated {
        file: files::VMRULE,
        object: tree!({
            "apiVersion": "operator.victoriametrics.com/v1beta1",
            "kind": "VMRule",
            "metadata": metadata(stack, &rule_name(stack)),
            "spec": {"groups": [{
                "name": format!("{}.capacity", stack.release),
                "interval": "1m",
                "rules": rules,
            }]},
        }),
    })
}
