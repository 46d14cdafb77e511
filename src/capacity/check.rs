//! The capacity results of one intent: whether its vmstorage holds the declared load (or how
//! much it holds), the structural risks VictoriaMetrics' docs name, and the CPU and memory
//! limits the docs give a rule for.

use serde_json::Value;

use super::assess::{Intent, Storage};
use super::format::{bytes, days, duration, factor, quantity_gi, rate, thousands};
use super::resolve::Resolved;
use crate::code::Code;
use crate::intent::model::Component;
use crate::intent::scalar::Setting;
use crate::intent::{Global, Role};
use crate::krm::object::Object;
use crate::krm::{FieldRef, KrmResult, Severity};

/// The path of a component's replica count; `Component` keeps no path of its own.
const STORAGE_REPLICAS: &str = "spec.vmstorage.replicas";
const INGESTION_RATE: &str = "spec.capacity.ingestionRate";

fn result(
    intent: Intent,
    code: Code,
    severity: Severity,
    message: String,
    path: &str,
    proposed: Option<Value>,
) -> KrmResult {
    let o = Object(intent.object);
    let mut r = code.result(severity, message);
    r.resource_ref = Some(o.resource_ref());
    r.file = o.file_ref();
    r.field = Some(FieldRef {
        path: path.to_string(),
        current_value: None,
        proposed_value: proposed,
    });
    r
}

/// The declared load, and where it comes from when agents add to it.
pub fn load_text(s: &Storage, total: f64) -> String {
    if s.agents.is_empty() {
        return format!("{} samples/s", rate(total));
    }
    let mut parts = Vec::new();
    if let Some(own) = s.own.rate {
        parts.push(format!("{} here", rate(own)));
    }
    for (key, cluster, d) in &s.agents {
        if let Some(r) = d.rate {
            let name = if cluster.is_empty() { key } else { cluster };
            parts.push(format!("{} from {name}", rate(r)));
        }
    }
    format!("{} samples/s ({})", rate(total), parts.join(", "))
}

/// How the numbers were combined, for the reader who wants to redo the sum.
fn formula_text(s: &Storage, sizing: &super::formula::Sizing) -> String {
    format!(
        "{} byte/sample × replicationFactor {} × ({} retention + {} cycle) × 1.25 free space × {} \
         index, over {} nodes",
        sizing.bytes_per_sample,
        sizing.replication_factor,
        s.retention.describe(),
        days(sizing.cycle_seconds()),
        1.0 + sizing.index_overhead,
        sizing.nodes
    )
}

/// Each number the check needs and could not learn: what it is, and why.
fn unknowns(s: &Storage) -> Vec<String> {
    [
        ("retention", unknown(&s.retention)),
        ("replicationFactor", unknown(&s.replication_factor)),
        ("vmstorage.replicas", unknown(&s.nodes)),
        ("vmstorage.size", unknown(&s.size)),
    ]
    .into_iter()
    .filter_map(|(name, u)| u.map(|(text, why)| format!("{name} is {text}: {why}")))
    .collect()
}

fn unknown<T>(r: &Resolved<T>) -> Option<(&String, &String)> {
    match r {
        Resolved::Unknown { text, why } => Some((text, why)),
        Resolved::Known { .. } => None,
    }
}

/// The fewest vmstorage nodes that keep `rf` copies of new samples with a node down
/// (`rf + 1`), and with `rf − 1` nodes down as the cluster docs ask (`2 × rf − 1`).
pub fn least_nodes(rf: u32) -> u32 {
    rf.saturating_add(1)
        .max(rf.saturating_mul(2).saturating_sub(1))
}

/// The results about one global stack's vmstorage.
pub fn storage_results(s: &Storage) -> Vec<KrmResult> {
    let intent = s.intent;
    let g = s.global;
    let mut out = Vec::new();
    let load = s.load();
    let size_path = g.vmstorage.size.path.as_str();

    let missing = unknowns(s);
    if !missing.is_empty() {
        // Asked for (a load is declared) and not done: a warning; otherwise only a note.
        let severity = if load.is_some() {
            Severity::Warning
        } else {
            Severity::Info
        };
        out.push(result(
            intent,
            Code::CapacityUnchecked,
            severity,
            format!("capacity not checked: {}", missing.join("; ")),
            size_path,
            None,
        ));
    }

    if let (Some(&nodes), Some(&rf)) = (s.nodes.value(), s.replication_factor.value())
        && rf > 0
    {
        let least = least_nodes(rf);
        let docs_rule = rf.saturating_mul(2) - 1;
        if nodes < least {
            out.push(result(
                intent,
                Code::TooFewStorageNodes,
                Severity::Warning,
                format!(
                    "{nodes} vmstorage nodes for replicationFactor {rf}: with one node down, new \
                     samples no longer get {rf} copies on distinct nodes; run at least {least} \
                     (replicationFactor + 1 for one node down; the VictoriaMetrics cluster docs \
                     ask for 2 × replicationFactor − 1 = {docs_rule} to keep the copies with \
                     {} nodes down)",
                    rf - 1
                ),
                STORAGE_REPLICAS,
                Some(Value::from(least)),
            ));
        }
    }
    if let Some(&nodes) = s.nodes.value()
        && nodes <= 3
    {
        let message = match nodes {
            0 => "0 vmstorage nodes: nothing can be stored".to_string(),
            1 => "1 vmstorage node: while it is down (a restart, a node drain), nothing is \
                  written or read"
                .to_string(),
            n => format!(
                "{n} vmstorage nodes: losing one raises the load on each of the other {} by {:.0}%, \
                 which they may not have the room for; the VictoriaMetrics docs prefer many small \
                 nodes (10 to 50) to a few big ones",
                n - 1,
                100.0 / f64::from(n - 1)
            ),
        };
        out.push(result(
            intent,
            Code::FewStorageNodes,
            Severity::Warning,
            message,
            STORAGE_REPLICAS,
            None,
        ));
    }

    let (Some(sizing), Some(&size)) = (s.sizing(), s.size.value()) else {
        return out;
    };
    let largest = sizing.largest_rate(size);
    let holds = format!(
        "{} per node holds at most {} samples/s",
        bytes(size),
        rate(largest)
    );
    let Some(load) = load else {
        let mut message = format!(
            "no load declared (capacity.ingestionRate): {} vmstorage nodes of {}, \
             replicationFactor {}, {} retention hold at most {} samples/s at {} byte/sample",
            sizing.nodes,
            s.size.describe(),
            sizing.replication_factor,
            s.retention.describe(),
            rate(largest),
            sizing.bytes_per_sample
        );
        if sizing.needs_dedup_headroom() {
            let with_headroom = sizing.largest_rate_with_dedup_headroom(size).min(largest);
            message.push_str(&format!(
                "; {} samples/s keeping a month of data free for the monthly deduplication",
                rate(with_headroom)
            ));
        }
        out.push(result(
            intent,
            Code::StorageHolds,
            Severity::Info,
            message,
            s.intent
                .stack
                .capacity
                .ingestion_rate
                .as_ref()
                .map_or(INGESTION_RATE, |r| r.path.as_str()),
            Some(Value::from(largest.floor() as u64)),
        ));
        return out;
    };

    let needed = sizing.needed_per_node(load);
    let suggested = quantity_gi(sizing.suggested_per_node(load));
    if needed > size {
        let full = sizing
            .time_to_full(size, load)
            .map(|t| format!(", full after {}", duration(t)))
            .unwrap_or_default();
        out.push(result(
            intent,
            Code::StorageTooSmall,
            Severity::Error,
            format!(
                "vmstorage needs {} per node for {}, but {} is configured: {} too small{full}; {holds} \
                 ({}). Set vmstorage.size to {suggested}, add nodes, shorten the retention or \
                 lower the load",
                bytes(needed),
                load_text(s, load),
                s.size.describe(),
                factor(needed / size),
                formula_text(s, &sizing),
            ),
            size_path,
            Some(Value::from(suggested)),
        ));
    } else if sizing.needs_dedup_headroom() && size < sizing.needed_with_dedup_headroom(load) {
        let month = sizing.month_of_data_per_node(load);
        out.push(result(
            intent,
            Code::NoDedupHeadroom,
            Severity::Warning,
            format!(
                "retention {} is over a month: at the start of each month vmstorage's final \
                 deduplication of the previous month temporarily needs free space as large as \
                 that month's data, {} per node at {}, but a full retention leaves only {} free \
                 of {}. Set vmstorage.size to {suggested}, and storage.minFreeDiskSpaceBytes \
                 (vmstorage.extraArgs) to at least {}",
                s.retention.describe(),
                bytes(month),
                load_text(s, load),
                bytes(size - sizing.stored_per_node(load)),
                bytes(size),
                quantity_gi(month)
            ),
            size_path,
            Some(Value::from(suggested)),
        ));
    }
    out
}

/// The VictoriaMetrics components of an intent with their section's name.
fn components(role: &Role) -> Vec<(&'static str, &Component)> {
    match role {
        Role::Global(g) => {
            let Global {
                vmstorage,
                vmselect,
                vminsert,
                vmalert,
                vmauth,
                vmagent,
                ..
            } = g.as_ref();
            let mut out = vec![
                ("vmstorage", &vmstorage.component),
                ("vmselect", &vmselect.component),
                ("vminsert", vminsert),
                ("vmalert", &vmalert.component),
            ];
            if vmauth.enabled {
                out.push(("vmauth", &vmauth.component));
            }
            if vmagent.enabled {
                out.push(("vmagent", &vmagent.component));
            }
            out
        }
        Role::Agent(a) => vec![("vmagent", &a.vmagent)],
    }
}

fn literal_limit(c: &Component, resource: &str) -> Option<(String, f64)> {
    let (_, q) = c.resources.limits.iter().find(|(k, _)| k == resource)?;
    let Setting::Literal(q) = q else {
        return None;
    };
    Some((q.0.clone(), q.value()?))
}

/// Bytes of a VictoriaMetrics size flag (`1GB`, `512MiB`, `1e9`), read as its flags read them:
/// KB, MB, GB, TB by 1000, KiB, MiB, GiB, TiB by 1024, case aside.
pub fn flag_bytes(s: &str) -> Option<f64> {
    let s = s.to_uppercase().replace('I', "i");
    const SUFFIXES: [(&str, f64); 8] = [
        ("KiB", 1024.0),
        ("MiB", 1048576.0),
        ("GiB", 1073741824.0),
        ("TiB", 1099511627776.0),
        ("KB", 1e3),
        ("MB", 1e6),
        ("GB", 1e9),
        ("TB", 1e12),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = s.strip_suffix(suffix) {
            return number.parse::<f64>().ok().map(|n| n * factor);
        }
    }
    s.parse().ok()
}

/// CPU limits of whole cores, and vmselect's memory against its query limits.
pub fn resource_results(intent: Intent) -> Vec<KrmResult> {
    let mut out = Vec::new();
    for (section, c) in components(&intent.stack.role) {
        if let Some((text, cores)) = literal_limit(c, "cpu")
            && cores.fract() > 1e-9
        {
            let whole = cores.ceil().max(1.0);
            out.push(result(
                intent,
                Code::FractionalCpu,
                Severity::Warning,
                format!(
                    "{section}'s cpu limit {text} is not a whole number of cores: VictoriaMetrics \
                     sets Go's threads to the quota rounded down ({}) and is throttled for the \
                     rest; the VictoriaMetrics best practices ask for whole cores",
                    cores.floor().max(1.0)
                ),
                &format!("spec.{section}.resources.limits.cpu"),
                Some(Value::from(format!("{whole}"))),
            ));
        }
    }
    if let Role::Global(g) = &intent.stack.role {
        let select = &g.vmselect.component;
        let per_query = select
            .extra_args
            .get("search.maxMemoryPerQuery")
            .and_then(flag_bytes);
        let concurrent = select
            .extra_args
            .get("search.maxConcurrentRequests")
            .and_then(|n| n.parse::<u32>().ok());
        if let (Some(per_query), Some(concurrent), Some((text, limit))) =
            (per_query, concurrent, literal_limit(select, "memory"))
        {
            let queries = per_query * f64::from(concurrent);
            if limit < 2.0 * queries {
                out.push(result(
                    intent,
                    Code::QueryMemory,
                    Severity::Warning,
                    format!(
                        "vmselect's memory limit {text} is below twice what its queries may take: \
                         search.maxMemoryPerQuery × search.maxConcurrentRequests = {} × {} = {} \
                         (the VictoriaMetrics cluster docs' estimate), and the docs ask for 50% of \
                         the memory to stay free",
                        bytes(per_query),
                        thousands(u64::from(concurrent)),
                        bytes(queries)
                    ),
                    "spec.vmselect.resources.limits.memory",
                    Some(Value::from(quantity_gi(2.0 * queries))),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_sizes_as_victoriametrics_reads_them() {
        assert_eq!(flag_bytes("1GB"), Some(1e9));
        assert_eq!(flag_bytes("512MiB"), Some(512.0 * 1048576.0));
        assert_eq!(flag_bytes("512mib"), Some(512.0 * 1048576.0));
        assert_eq!(flag_bytes("1.5KB"), Some(1500.0));
        assert_eq!(flag_bytes("1000"), Some(1000.0));
        assert_eq!(flag_bytes("lots"), None);
    }
}
