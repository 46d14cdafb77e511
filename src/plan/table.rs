//! The plan as text: one block per cluster, a label and a value per line.

use std::fmt::Write;

use super::Invalid;
use crate::capacity::format::{bytes, days, duration, factor, rate, thousands};
use crate::capacity::resolve::Resolved;
use crate::capacity::{Assessment, Declared, Storage, load_text};
use crate::code::Code;
use crate::krm::{KrmResult, Severity};
use crate::terminal::escape;

const LEGEND: &str = "disk per node = bytes/sample × ingestion rate × replicationFactor × (retention + \
                      retention cycle) × 1.25 × (1 + indexOverhead) / vmstorage nodes \
                      (VictoriaMetrics' sizing guide; docs/capacity.md)";

/// One line: the value (which may quote names, paths and messages of the input) escaped.
fn row(out: &mut String, label: &str, value: impl AsRef<str>) {
    let _ = writeln!(out, "  {label:<15} {}", escape(value.as_ref()));
}

fn known_or_why<T>(r: &Resolved<T>, show: impl Fn(&T) -> String) -> String {
    match r {
        Resolved::Known { value, .. } => show(value),
        Resolved::Unknown { text, why } => format!("unknown: {text} ({why})"),
    }
}

fn heading(out: &mut String, role: &str, key: &str, cluster: &str, file: Option<String>) {
    let cluster = if cluster.is_empty() {
        String::new()
    } else {
        format!(", cluster {cluster}")
    };
    let file = file.map(|f| format!("  ({f})")).unwrap_or_default();
    let _ = writeln!(out, "{}", escape(&format!("{role} {key}{cluster}{file}")));
}

fn code_of(r: &KrmResult) -> &str {
    r.tags.get("code").map_or("", String::as_str)
}

/// The results the rows above do not already say.
fn result_rows(out: &mut String, results: &[KrmResult]) {
    let shown = [Code::StorageTooSmall.as_str(), Code::StorageHolds.as_str()];
    for r in results.iter().filter(|r| !shown.contains(&code_of(r))) {
        let severity = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        row(out, severity, &r.message);
    }
}

fn declared_rows(out: &mut String, d: &Declared) {
    if let Some(a) = d.active_series {
        row(out, "active series", thousands(a));
    }
    if let Some(c) = d.churn_rate {
        row(out, "churn", format!("{} new series/day", thousands(c)));
    }
}

fn storage_block(out: &mut String, s: &Storage, results: &[KrmResult]) {
    heading(out, "global", &s.intent.key(), &s.cluster, s.intent.file());
    let load = s.load();
    let figures = s.sizing().zip(s.size.value().copied());
    let too_small = results
        .iter()
        .any(|r| code_of(r) == Code::StorageTooSmall.as_str());
    let status = match (figures, load) {
        (None, _) => "not checked: some numbers are unknown",
        (Some(_), _) if too_small => "TOO SMALL for the declared load",
        (Some(_), None) => "no load declared",
        (Some(_), Some(_)) => "fits",
    };
    row(out, "status", status);
    row(
        out,
        "ingestion",
        match load {
            Some(l) => format!("{} before replication", load_text(s, l)),
            None => "none declared (capacity.ingestionRate)".to_string(),
        },
    );
    let retention = match s.sizing() {
        Some(z) => format!(
            "{} + {} retention cycle{}",
            days(z.retention_seconds),
            days(z.cycle_seconds()),
            s.retention
                .from_settings()
                .map(|f| format!(" (retention {f})"))
                .unwrap_or_default()
        ),
        None => known_or_why(&s.retention, |_| s.retention.describe()),
    };
    row(out, "retention", retention);
    row(
        out,
        "replication",
        format!(
            "{} copies over {} vmstorage nodes",
            known_or_why(&s.replication_factor, u32::to_string),
            known_or_why(&s.nodes, u32::to_string)
        ),
    );
    let configured = known_or_why(&s.size, |b| {
        let text = s.size.from_settings().unwrap_or_else(|| s.size.describe());
        format!("{} (vmstorage.size {text})", bytes(*b))
    });
    let Some((sizing, size)) = figures else {
        row(out, "disk per node", format!("configured {configured}"));
        declared_rows(out, &s.own);
        result_rows(out, results);
        return;
    };
    let largest = sizing.largest_rate(size);
    let mut largest_text = format!("{} samples/s", rate(largest));
    let kept = sizing.largest_rate_with_dedup_headroom(size);
    if sizing.needs_dedup_headroom() && kept < largest {
        let _ = write!(
            largest_text,
            ", {} keeping a month of data free for the monthly deduplication",
            rate(kept)
        );
    }
    match load {
        Some(load) => {
            let needed = sizing.needed_per_node(load);
            row(
                out,
                "disk per node",
                format!("needed {}, configured {configured}", bytes(needed)),
            );
            let headroom = size - needed;
            let headroom_text = if headroom < 0.0 {
                format!("{} ({} too small)", bytes(headroom), factor(needed / size))
            } else {
                format!(
                    "+{} ({:.0}% of the disk)",
                    bytes(headroom),
                    100.0 * headroom / size
                )
            };
            row(out, "headroom", headroom_text);
            row(out, "largest rate", largest_text);
            let full = match sizing.time_to_full(size, load) {
                Some(t) => format!("{} at the declared rate", duration(t)),
                None => format!(
                    "never: a full retention takes {:.0}% of the disk",
                    100.0 * sizing.stored_per_node(load) / size
                ),
            };
            row(out, "time to full", full);
        }
        None => {
            row(out, "disk per node", format!("configured {configured}"));
            row(out, "largest rate", largest_text);
        }
    }
    if let Some(active) = s.active_series() {
        let per_node =
            active as f64 * f64::from(sizing.replication_factor) / f64::from(sizing.nodes);
        row(
            out,
            "active series",
            format!(
                "{} ({} per vmstorage node with {} copies)",
                thousands(active),
                thousands(per_node.round() as u64),
                sizing.replication_factor
            ),
        );
    }
    if let Some(churn) = s.churn_rate() {
        let retention_days = sizing.retention_seconds / 86_400.0;
        let registered = s.active_series().unwrap_or(0) as f64 + churn as f64 * retention_days;
        row(
            out,
            "churn",
            format!(
                "{} new series/day: {} series over the retention (the index grows with them)",
                thousands(churn),
                thousands(registered.round() as u64)
            ),
        );
    }
    result_rows(out, results);
}

/// The table of a plan: a legend, then every global stack, every agent and every intent that
/// does not validate, each in the order of its key.
pub(super) fn render(
    a: &Assessment,
    results: &[(String, Vec<KrmResult>)],
    invalid: &[Invalid],
) -> String {
    let results_of = |key: &str| {
        results
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[][..], |(_, r)| r.as_slice())
    };
    let mut out = String::new();
    let _ = writeln!(out, "{LEGEND}");
    for s in &a.globals {
        out.push('\n');
        storage_block(&mut out, s, results_of(&s.intent.id()));
    }
    for p in &a.agents {
        out.push('\n');
        heading(
            &mut out,
            "agent",
            &p.agent.key(),
            &p.cluster,
            p.agent.file(),
        );
        let target = match &p.target {
            Ok(i) => format!("global {}", a.globals[*i].intent.key()),
            Err(why) => format!("not counted for any global stack: {why}"),
        };
        row(&mut out, "writes to", target);
        row(
            &mut out,
            "ingestion",
            match p.declared.rate {
                Some(r) => format!("{} samples/s", rate(r)),
                None => "none declared (capacity.ingestionRate)".to_string(),
            },
        );
        declared_rows(&mut out, &p.declared);
        result_rows(&mut out, results_of(&p.agent.id()));
    }
    for i in invalid {
        out.push('\n');
        heading(&mut out, "invalid", &i.key, "", i.file.clone());
        row(&mut out, "problem", &i.problem);
    }
    if a.globals.is_empty() && a.agents.is_empty() && invalid.is_empty() {
        out.push_str("\nno VictoriaMetricsStack intent in the input\n");
    }
    out
}
