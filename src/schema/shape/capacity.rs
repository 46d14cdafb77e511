//! `spec.capacity`: the load the stack is planned for (`parse/capacity.rs`). Literal numbers
//! only: vmstack computes with them.

use schemars::JsonSchema;

use super::global;
use crate::schema::value::{Number, WholeNumber};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
pub struct Capacity {
    /// Samples per second written, **before** replication (what
    /// `sum(rate(vm_rows_inserted_total[24h]))` measures on vminsert)
    ///
    /// Default: none
    ingestion_rate: Option<Number>,
    /// Series that got a sample in the last hour
    /// (`sum(max_over_time(vm_cache_entries{type="storage/hour_metric_ids"}[24h]))`)
    ///
    /// Default: none
    active_series: Option<WholeNumber>,
    /// New series per day (`sum(increase(vm_new_timeseries_created_total[24h]))`)
    ///
    /// Default: none
    churn_rate: Option<WholeNumber>,
    /// Bytes a sample takes on disk after compression (`sum(vm_data_size_bytes{type!~"indexdb.*"})
    /// / sum(vm_rows{type!~"indexdb.*"})`); high churn makes it worse
    ///
    /// Default: `1`
    #[schemars(transform = global)]
    bytes_per_sample: Option<Number>,
    /// The index's size as a fraction of the data's (about 0.2; above 0.5 with high
    /// cardinality)
    ///
    /// Default: `0.2`
    #[schemars(transform = global)]
    index_overhead: Option<Number>,
}
