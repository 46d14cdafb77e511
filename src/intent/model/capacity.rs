//! The load a stack is planned for (`spec.capacity`): what vmstack sizes vmstorage against, and
//! what the capacity alerts compare the measured load with. Literal numbers only.

use crate::intent::spanned::Spanned;

#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    /// Samples per second written, before replication. On an agent: what its vmagent sends; on
    /// a global stack: what reaches it besides the agents in the same input (its own vmagent,
    /// writers vmstack does not see).
    pub ingestion_rate: Option<Spanned<f64>>,
    /// Bytes a sample takes on disk after compression. Global only.
    pub bytes_per_sample: Spanned<f64>,
    /// The index's size as a fraction of the data's. Global only.
    pub index_overhead: Spanned<f64>,
    /// Series that received a sample in the last hour.
    pub active_series: Option<Spanned<u64>>,
    /// New series per day.
    pub churn_rate: Option<Spanned<u64>>,
}

impl Capacity {
    /// VictoriaMetrics' sizing guide: about 1 byte per sample after compression.
    pub const DEFAULT_BYTES_PER_SAMPLE: f64 = 1.0;
    /// The same guide: the index usually adds about 20% to the data.
    pub const DEFAULT_INDEX_OVERHEAD: f64 = 0.2;
}

impl Default for Capacity {
    fn default() -> Self {
        Capacity {
            ingestion_rate: None,
            bytes_per_sample: Spanned::unread(Self::DEFAULT_BYTES_PER_SAMPLE),
            index_overhead: Spanned::unread(Self::DEFAULT_INDEX_OVERHEAD),
            active_series: None,
            churn_rate: None,
        }
    }
}
