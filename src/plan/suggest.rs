//! The sizes that would fit, as intent fragments: for each stack that needs a change, a
//! `VictoriaMetricsStack` holding only the fields to change, with comments that say why.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::capacity::format::{bytes, quantity_gi, rate};
use crate::capacity::formula::Sizing;
use crate::capacity::resolve::{Resolved, source_names};
use crate::capacity::{Assessment, Intent, Storage, least_nodes, load_text};
use crate::code::Code;
use crate::intent::variables::is_one_variable;
use crate::krm::{KrmResult, yaml};
use crate::terminal::escape;

/// The proposals of these results go into the fragment as they are.
const TAKEN_AS_PROPOSED: [Code; 2] = [Code::FractionalCpu, Code::QueryMemory];

fn set(root: &mut Value, path: &str, value: Value) {
    let mut cur = root;
    let keys: Vec<&str> = path.split('.').collect();
    for k in &keys[..keys.len() - 1] {
        if !cur.get(*k).is_some_and(Value::is_object) {
            cur[*k] = Value::Object(Map::new());
        }
        cur = &mut cur[*k];
    }
    cur[keys[keys.len() - 1]] = value;
}

/// The vmstorage node count and size per node that hold the load: at least as many nodes as
/// replication needs, and a size that is never smaller than today's (a volume cannot shrink).
fn storage_change(sizing: Sizing, size: f64, load: f64) -> (u32, Option<String>) {
    let nodes = sizing.nodes.max(least_nodes(sizing.replication_factor));
    let per_node = Sizing { nodes, ..sizing }.suggested_per_node(load);
    (nodes, (per_node > size).then(|| quantity_gi(per_node)))
}

/// A comment line; what it quotes of the input (names, paths, messages) cannot end it.
fn comment(out: &mut String, text: impl AsRef<str>) {
    let _ = writeln!(out, "# {}", escape(text.as_ref()));
}

fn fragment(intent: Intent, spec: Map<String, Value>) -> String {
    yaml::to_yaml(&json!({
        "apiVersion": crate::intent::API_VERSION,
        "kind": crate::intent::KIND,
        "metadata": {"name": intent.stack.name, "namespace": intent.stack.namespace},
        "spec": Value::Object(spec),
    }))
}

/// What to say and change for one global stack.
fn storage_suggestion(s: &Storage, spec: &mut Value, notes: &mut String) {
    let (Some(sizing), Some(&size)) = (s.sizing(), s.size.value()) else {
        comment(
            notes,
            "not sized: some numbers are unknown (see vmstack plan without --suggest)",
        );
        return;
    };
    let Some(load) = s.load() else {
        comment(
            notes,
            format!(
                "no load declared (capacity.ingestionRate): nothing to size; {} per node holds \
                 {} samples/s",
                bytes(size),
                rate(sizing.largest_rate(size))
            ),
        );
        return;
    };
    let (nodes, grow) = storage_change(sizing, size, load);
    comment(
        notes,
        format!(
            "{} with replicationFactor {} and {} retention",
            load_text(s, load),
            sizing.replication_factor,
            s.retention.describe()
        ),
    );
    if nodes != sizing.nodes {
        set(spec, "vmstorage.replicas", json!(nodes));
        comment(
            notes,
            format!(
                "{nodes} vmstorage nodes keep {} copies with a node down",
                sizing.replication_factor
            ),
        );
    }
    match grow {
        Some(q) => {
            set(spec, "vmstorage.size", json!(q));
            comment(
                notes,
                format!(
                    "vmstorage.size: {q} per node ({} now){}",
                    s.size.describe(),
                    match &s.size {
                        Resolved::Known {
                            variable: Some(v), ..
                        } if is_one_variable(v) => format!(
                            "; or keep {v} and set {}: \"{q}\" in {}",
                            &v[2..v.len() - 1],
                            source_names(s.intent.stack)
                        ),
                        _ => String::new(),
                    }
                ),
            );
        }
        None if nodes == sizing.nodes => comment(
            notes,
            format!(
                "vmstorage.size {} fits: {} per node needed",
                s.size.describe(),
                bytes(sizing.suggested_per_node(load))
            ),
        ),
        None => {}
    }
    if nodes < 10 {
        let ten = Sizing {
            nodes: 10,
            ..sizing
        };
        comment(
            notes,
            format!(
                "with 10 nodes (the docs' optimum is 10 to 50): {} each",
                quantity_gi(ten.suggested_per_node(load))
            ),
        );
    }
}

/// Every stack's fragment, in the order of the plan: each global stack (with only its comments
/// when nothing needs to change), and each agent that needs a change.
pub(super) fn render(a: &Assessment, results: &[(String, Vec<KrmResult>)]) -> String {
    let mut out = String::new();
    let intents: Vec<Intent> = a
        .globals
        .iter()
        .map(|g| g.intent)
        .chain(a.agents.iter().map(|p| p.agent))
        .collect();
    for intent in intents {
        let mut spec = Value::Object(Map::new());
        let mut notes = String::new();
        let storage = a.storage(&intent);
        let role = if storage.is_some() { "global" } else { "agent" };
        let file = intent.file().map(|f| format!(", {f}")).unwrap_or_default();
        comment(&mut notes, format!("{} ({role}{file})", intent.key()));
        if let Some(s) = storage {
            storage_suggestion(s, &mut spec, &mut notes);
        }
        let taken: Vec<&str> = TAKEN_AS_PROPOSED.iter().map(|c| c.as_str()).collect();
        let id = intent.id();
        for r in results
            .iter()
            .filter(|(k, _)| *k == id)
            .flat_map(|(_, r)| r)
            .filter(|r| {
                r.tags
                    .get("code")
                    .is_some_and(|c| taken.contains(&c.as_str()))
            })
        {
            if let Some(field) = &r.field
                && let (Some(p), Some(path)) =
                    (&field.proposed_value, field.path.strip_prefix("spec."))
            {
                set(&mut spec, path, p.clone());
                comment(&mut notes, format!("{path}: {}", r.message));
            }
        }
        let Value::Object(spec) = spec else {
            continue;
        };
        if storage.is_none() && spec.is_empty() {
            continue;
        }
        out.push_str("---\n");
        out.push_str(&notes);
        if spec.is_empty() {
            comment(&mut out, "nothing to change");
        } else {
            out.push_str(&fragment(intent, spec));
        }
    }
    out
}
