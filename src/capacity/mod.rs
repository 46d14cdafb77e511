//! Capacity: what a stack's vmstorage holds against the load declared for it
//! (`spec.capacity`), by VictoriaMetrics' own sizing formula, with the sizes behind Flux
//! variables resolved from the settings in the input; the structural risks VictoriaMetrics'
//! docs name; and the figures the plan (`vmstack plan`) and the capacity alerts are made of.
//!
//! `formula` is the arithmetic, `resolve` finds the numbers, `assess` gathers each global
//! stack with the load of the agents that write to it, `check` turns that into results.
//! docs/capacity.md explains the formula, its source and the choices.

mod assess;
mod check;
pub mod format;
pub mod formula;
pub mod resolve;

pub use assess::{Assessment, Declared, Intent, Placement, Storage, assess};
pub use check::{flag_bytes, least_nodes, load_text};

use crate::code::Code;
use crate::krm::KrmResult;

/// Codes of the capacity results that never fail a render (notes and warnings): the tests of
/// other behaviour set them aside.
pub const ADVICE: &[Code] = &[
    Code::StorageHolds,
    Code::CapacityUnchecked,
    Code::TooFewStorageNodes,
    Code::FewStorageNodes,
    Code::NoDedupHeadroom,
    Code::FractionalCpu,
    Code::QueryMemory,
];

/// Whether a result is capacity advice: a note or a warning about sizing, which never fails a
/// run (every global stack with the default 3 vmstorage nodes gets some).
pub fn is_advice(r: &KrmResult) -> bool {
    !r.is_error()
        && r.tags
            .get("code")
            .is_some_and(|c| ADVICE.iter().any(|a| a.as_str() == c))
}

/// Every capacity result about `intent`.
pub fn results(assessment: &Assessment, intent: Intent) -> Vec<KrmResult> {
    let mut out = Vec::new();
    if let Some(storage) = assessment.storage(&intent) {
        out.extend(check::storage_results(storage));
    }
    out.extend(check::resource_results(intent));
    out
}

/// The thresholds of the capacity alerts of a global stack: the declared load, and the largest
/// rate its disks hold for the retention.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub declared: Option<f64>,
    pub largest: Option<f64>,
    /// What `largest` follows from: `3 nodes of 50Gi, replicationFactor 2, 30d retention`, with
    /// the values variables had at render time (a rule holds no variable of its own).
    pub basis: String,
}

impl Storage<'_> {
    pub fn thresholds(&self) -> Thresholds {
        let largest = self
            .sizing()
            .zip(self.size.value())
            .map(|(sizing, size)| sizing.largest_rate(*size));
        let basis = match self.sizing() {
            Some(s) => format!(
                "{} nodes of {}, replicationFactor {}, {} retention, {} byte/sample",
                s.nodes,
                self.size.text(),
                s.replication_factor,
                self.retention.text(),
                s.bytes_per_sample
            ),
            None => String::new(),
        };
        Thresholds {
            declared: self.load(),
            largest,
            basis,
        }
    }
}
