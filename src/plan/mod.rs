//! `vmstack plan`: the capacity of every stack of an input, as a readable table per cluster,
//! and, with `--suggest`, the sizes that would fit as an intent fragment. The figures are the
//! capacity check's ([`crate::capacity`]); the CLI only reads the files and prints.
//!
//! ```
//! use vmstack::krm::yaml;
//!
//! let items = yaml::parse_documents(
//!     "apiVersion: vmstack.dev/v1alpha1
//! kind: VictoriaMetricsStack
//! metadata: {name: vm, namespace: observability}
//! spec:
//!   role: global
//!   capacity: {ingestionRate: 1000000}
//!   flux: {enabled: false}
//! ",
//! )
//! .unwrap();
//! let plan = vmstack::plan::plan(&items);
//! assert!(!plan.fits());
//! assert!(plan.table().contains("needed 2.44 TiB, configured 50 GiB"));
//! assert!(plan.suggest().contains("size: 2495Gi"));
//! ```

mod suggest;
mod table;

use std::collections::BTreeSet;

use serde_json::Value;

use crate::capacity::{self, Assessment, Intent};
use crate::flux::substitute_from::ByName;
use crate::function::is_intent;
use crate::intent::{self, Stack};
use crate::krm::KrmResult;
use crate::krm::object::Object;

/// An intent of the input that does not validate, and its first problem.
struct Invalid {
    key: String,
    file: Option<String>,
    problem: String,
}

/// The capacity of every stack of an input.
pub struct Plan {
    table: String,
    suggest: String,
    fits: bool,
    results: Vec<KrmResult>,
}

impl Plan {
    /// One block per cluster: ingestion, retention, replication, disk per node needed and
    /// configured, headroom, the largest rate the disks hold, time to full, and the results.
    pub fn table(&self) -> String {
        self.table.clone()
    }

    /// The sizes that would fit, as intent fragments (one YAML document per stack to change).
    pub fn suggest(&self) -> String {
        self.suggest.clone()
    }

    /// Whether every intent validates and every vmstorage holds its declared load.
    pub fn fits(&self) -> bool {
        self.fits
    }

    /// The capacity results of every intent, as the function reports them.
    pub fn results(&self) -> &[KrmResult] {
        &self.results
    }
}

fn key(v: &Value) -> String {
    let o = Object(v);
    format!("{}/{}", o.namespace(), o.name())
}

/// An intent's identity in the input: its key in its file.
fn id(v: &Value) -> String {
    let file = Object(v).file_ref().map(|f| f.path).unwrap_or_default();
    format!("{file}#{}", key(v))
}

/// Plans every `VictoriaMetricsStack` among `items` (settings and other objects may be among
/// them; each intent's variables resolve from the settings of its own folder first).
pub fn plan(items: &[Value]) -> Plan {
    let mut intents: Vec<&Value> = items.iter().filter(|i| is_intent(i)).collect();
    intents.sort_by_key(|i| (key(i), id(i)));
    let mut seen = BTreeSet::new();
    let mut parsed: Vec<(&Value, Stack)> = Vec::new();
    let mut invalid = Vec::new();
    for object in intents {
        if !seen.insert(id(object)) {
            invalid.push(Invalid {
                key: key(object),
                file: Object(object).file_ref().map(|f| f.path),
                problem: "appears twice in its file: only the first is planned".into(),
            });
            continue;
        }
        match intent::parse(object) {
            Ok(stack) => parsed.push((object, stack)),
            Err(diags) => invalid.push(Invalid {
                key: key(object),
                file: Object(object).file_ref().map(|f| f.path),
                problem: diags.first().map_or_else(String::new, |d| {
                    format!("{} {}: {}", d.code, d.path, d.message)
                }),
            }),
        }
    }
    let everyone: Vec<Intent> = parsed
        .iter()
        .map(|(object, stack)| Intent { object, stack })
        .collect();
    let assessment: Assessment = capacity::assess(&ByName::new(items), &everyone);
    let mut results = Vec::new();
    let mut per_intent = Vec::new();
    for intent in &everyone {
        let r = capacity::results(&assessment, *intent);
        results.extend(r.iter().cloned());
        per_intent.push((intent.id(), r));
    }
    let fits = invalid.is_empty() && !results.iter().any(KrmResult::is_error);
    Plan {
        table: table::render(&assessment, &per_intent, &invalid),
        suggest: suggest::render(&assessment, &per_intent),
        fits,
        results,
    }
}

/// The table of [`plan`].
pub fn table(items: &[Value]) -> String {
    plan(items).table()
}

/// The intent fragments of [`plan`].
pub fn suggest(items: &[Value]) -> String {
    plan(items).suggest()
}
