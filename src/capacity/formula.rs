//! VictoriaMetrics' disk formula ("Understand your setup size", the sizing guide the cluster
//! docs' capacity planning points to), and the figures derived from it. Pure arithmetic.
//!
//! ```text
//! disk = bytes_per_sample × ingestion_rate × replication_factor
//!        × (retention + one retention cycle) × 1.25
//! ```
//!
//! The retention cycle is a day for a retention of 30 days or less, else a month (the guide's
//! worked example counts it as 30 days). × 1.25 keeps the 20% free space merges need. The guide
//! adds the index on top, usually 20% of the data. The total is spread evenly over the vmstorage
//! nodes (vminsert shards every sample over them, `replication_factor` copies each).

pub const DAY: f64 = 86_400.0;
/// A retention up to this long has a one-day cycle; longer ones a month.
pub const DAY_CYCLE_UP_TO: f64 = 30.0 * DAY;
/// The month of the retention cycle, as the guide's worked example counts it.
pub const CYCLE_MONTH: f64 = 30.0 * DAY;
/// A month as VictoriaMetrics counts a bare retention number (`-retentionPeriod=3` is 93 days).
pub const RETENTION_MONTH: f64 = 31.0 * DAY;
/// The longest calendar month: the final deduplication rewrites a whole one.
pub const CALENDAR_MONTH: f64 = 31.0 * DAY;
/// 20% of the disk left free for merges.
pub const FREE_SPACE_FACTOR: f64 = 1.25;

/// What the disk a vmstorage node needs depends on, besides the load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizing {
    pub bytes_per_sample: f64,
    /// The index's size as a fraction of the data's.
    pub index_overhead: f64,
    pub replication_factor: u32,
    /// vmstorage nodes.
    pub nodes: u32,
    pub retention_seconds: f64,
}

impl Sizing {
    /// One day for a retention of 30 days or less, else a month.
    pub fn cycle_seconds(&self) -> f64 {
        if self.retention_seconds <= DAY_CYCLE_UP_TO {
            DAY
        } else {
            CYCLE_MONTH
        }
    }

    /// Bytes a node holds, data and index, per sample per second of load, once the retention
    /// and its cycle are full.
    fn stored_per_node_per_rate(&self) -> f64 {
        self.bytes_per_sample
            * f64::from(self.replication_factor)
            * (self.retention_seconds + self.cycle_seconds())
            * (1.0 + self.index_overhead)
            / f64::from(self.nodes)
    }

    /// What a node holds at `rate` once the retention is full: data and index, no free space.
    pub fn stored_per_node(&self, rate: f64) -> f64 {
        rate * self.stored_per_node_per_rate()
    }

    /// The disk a node needs at `rate`: what it holds, with 20% of the disk free for merges.
    pub fn needed_per_node(&self, rate: f64) -> f64 {
        self.stored_per_node(rate) * FREE_SPACE_FACTOR
    }

    /// The largest rate (samples per second, before replication) a node of `size` bytes holds.
    pub fn largest_rate(&self, size: f64) -> f64 {
        size / (self.stored_per_node_per_rate() * FREE_SPACE_FACTOR)
    }

    /// Whether the retention is longer than a month, so that a node must keep free space for
    /// the monthly final deduplication (cluster docs, "Capacity planning").
    pub fn needs_dedup_headroom(&self) -> bool {
        self.retention_seconds > DAY_CYCLE_UP_TO
    }

    /// The data of one calendar month on a node at `rate` (the index is not rewritten).
    pub fn month_of_data_per_node(&self, rate: f64) -> f64 {
        rate * self.bytes_per_sample * f64::from(self.replication_factor) * CALENDAR_MONTH
            / f64::from(self.nodes)
    }

    /// The disk a node needs at `rate` to keep a month of data free beside a full retention.
    pub fn needed_with_dedup_headroom(&self, rate: f64) -> f64 {
        self.stored_per_node(rate) + self.month_of_data_per_node(rate)
    }

    /// The largest rate a node of `size` bytes holds with that month free.
    pub fn largest_rate_with_dedup_headroom(&self, size: f64) -> f64 {
        size / (self.stored_per_node(1.0) + self.month_of_data_per_node(1.0))
    }

    /// The disk a node needs at `rate`, the deduplication headroom included where it applies.
    pub fn suggested_per_node(&self, rate: f64) -> f64 {
        let needed = self.needed_per_node(rate);
        if self.needs_dedup_headroom() {
            needed.max(self.needed_with_dedup_headroom(rate))
        } else {
            needed
        }
    }

    /// Bytes a node's disk grows by per second at `rate`, before old data is deleted.
    pub fn growth_per_node(&self, rate: f64) -> f64 {
        rate * self.bytes_per_sample
            * f64::from(self.replication_factor)
            * (1.0 + self.index_overhead)
            / f64::from(self.nodes)
    }

    /// Seconds until a node of `size` bytes is full at `rate`; `None` when deletion at the
    /// retention's end keeps it below full.
    pub fn time_to_full(&self, size: f64, rate: f64) -> Option<f64> {
        (rate > 0.0 && self.stored_per_node(rate) >= size)
            .then(|| size / self.growth_per_node(rate))
    }
}

/// Seconds of a VictoriaMetrics retention (`30d`, `2w`, `1y`, or a bare number of months of
/// 31 days), as vmstorage reads `-retentionPeriod`.
pub fn retention_seconds(text: &str) -> Option<f64> {
    use crate::intent::scalar::{DurationStyle, is_retention, parse_duration_seconds};
    if !is_retention(text) {
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text
            .parse::<f64>()
            .ok()
            .map(|months| months * RETENTION_MONTH);
    }
    parse_duration_seconds(text, DurationStyle::Metrics)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GI: f64 = 1024.0 * 1024.0 * 1024.0;
    const TI: f64 = 1024.0 * GI;

    fn sizing(rf: u32, nodes: u32, retention: &str, index_overhead: f64) -> Sizing {
        Sizing {
            bytes_per_sample: 1.0,
            index_overhead,
            replication_factor: rf,
            nodes,
            retention_seconds: retention_seconds(retention).unwrap(),
        }
    }

    /// Within a part in a million: the hand computations below are exact products.
    fn close(a: f64, b: f64) -> bool {
        ((a - b) / b).abs() < 1e-6
    }

    /// Hand-computed from the formula; each row says how.
    #[test]
    fn needed_per_node_matches_hand_computed_cases() {
        struct Case {
            what: &'static str,
            rate: f64,
            rf: u32,
            nodes: u32,
            retention: &'static str,
            index: f64,
            needed_per_node: f64,
        }
        let cases = [
            Case {
                what: "the seed's claim: 1e6 × 2 × 31d × 86400 × 1.25 × 1.2 / 3",
                rate: 1e6,
                rf: 2,
                nodes: 3,
                retention: "30d",
                index: 0.2,
                needed_per_node: 2_678_400_000_000.0,
            },
            Case {
                what: "31 days starts the monthly cycle: 1e6 × 2 × (31 + 30)d × 86400 × 1.5 / 3",
                rate: 1e6,
                rf: 2,
                nodes: 3,
                retention: "31d",
                index: 0.2,
                needed_per_node: 5_270_400_000_000.0,
            },
            Case {
                what: "a bare 1 is a month of 31 days: the same as 31d",
                rate: 1e6,
                rf: 2,
                nodes: 3,
                retention: "1",
                index: 0.2,
                needed_per_node: 5_270_400_000_000.0,
            },
            Case {
                what: "the guide's own example: 5000 × 2 × 34,128,000 s × 1.25, no index, one node",
                rate: 5000.0,
                rf: 2,
                nodes: 1,
                retention: "1y",
                index: 0.0,
                needed_per_node: 426_600_000_000.0,
            },
            Case {
                what: "24h, no replication: 1000 × 2d × 86400 × 1.25 × 1.2 / 1",
                rate: 1000.0,
                rf: 1,
                nodes: 1,
                retention: "24h",
                index: 0.2,
                needed_per_node: 259_200_000.0,
            },
            Case {
                what: "ten nodes share the seed's load: 2,678,400,000,000 × 3 / 10",
                rate: 1e6,
                rf: 2,
                nodes: 10,
                retention: "30d",
                index: 0.2,
                needed_per_node: 803_520_000_000.0,
            },
        ];
        for c in cases {
            let s = sizing(c.rf, c.nodes, c.retention, c.index);
            let got = s.needed_per_node(c.rate);
            assert!(close(got, c.needed_per_node), "{}: {got}", c.what);
        }
    }

    #[test]
    fn the_seed_numbers_of_the_reference() {
        let seed = sizing(2, 3, "30d", 0.2);
        // "roughly 2.4 TiB on each of 3 vmstorage nodes"
        let needed = seed.needed_per_node(1e6) / TI;
        assert!((2.43..2.44).contains(&needed), "{needed} TiB");
        // "about 6.7 TB of data, about 8 TB with the index"
        let data_total = seed.needed_per_node(1e6) * 3.0 / 1.2;
        assert!(close(data_total, 6.696e12), "{data_total}");
        // "3 × 50Gi with RF=2 and 30 days holds roughly 20,000 samples/s": 161,061,273,600 B
        // / (2 × 2,678,400 s × 1.25 × 1.2)
        let largest = seed.largest_rate(50.0 * GI);
        assert!(close(largest, 161_061_273_600.0 / 8_035_200.0), "{largest}");
        assert_eq!(largest.floor(), 20_044.0);
        // and back: that rate needs exactly 50Gi
        assert!(close(seed.needed_per_node(largest), 50.0 * GI));
    }

    #[test]
    fn the_cycle_switches_after_30_days() {
        assert_eq!(sizing(2, 3, "30d", 0.2).cycle_seconds(), DAY);
        assert_eq!(sizing(2, 3, "720h", 0.2).cycle_seconds(), DAY);
        assert_eq!(sizing(2, 3, "31d", 0.2).cycle_seconds(), 30.0 * DAY);
        assert_eq!(sizing(2, 3, "1", 0.2).cycle_seconds(), 30.0 * DAY);
        assert_eq!(sizing(2, 3, "5w", 0.2).cycle_seconds(), 30.0 * DAY);
        assert!(!sizing(2, 3, "30d", 0.2).needs_dedup_headroom());
        assert!(sizing(2, 3, "31d", 0.2).needs_dedup_headroom());
    }

    #[test]
    fn dedup_headroom_binds_for_short_multi_month_retentions() {
        // 31d at 3,000 samples/s, RF 2, 3 nodes. Per node: stored = 3000 × 2 × 61d × 86400 ×
        // 1.2 / 3 = 12,648,960,000; a month of data = 3000 × 2 × 31d × 86400 / 3 =
        // 5,356,800,000; the formula's 25% adds only 3,162,240,000.
        let s = sizing(2, 3, "31d", 0.2);
        assert!(close(s.stored_per_node(3000.0), 12_648_960_000.0));
        assert!(close(s.month_of_data_per_node(3000.0), 5_356_800_000.0));
        assert!(close(s.needed_per_node(3000.0), 15_811_200_000.0));
        assert!(close(s.suggested_per_node(3000.0), 18_005_760_000.0));
        // A year's retention: 20% of the disk is more than a month of data.
        let year = sizing(2, 3, "1y", 0.2);
        assert_eq!(
            year.suggested_per_node(3000.0),
            year.needed_per_node(3000.0)
        );
        // The 20% free holds a month once 0.25 × (retention + 30d) × 1.2 ≥ 31d: from 74 days on.
        let binds = |r: &str| {
            let s = sizing(2, 3, r, 0.2);
            s.suggested_per_node(3000.0) > s.needed_per_node(3000.0)
        };
        assert!(binds("73d"));
        assert!(!binds("74d"));
        // Up to 30 days no headroom is asked for.
        let month = sizing(2, 3, "30d", 0.2);
        assert_eq!(
            month.suggested_per_node(3000.0),
            month.needed_per_node(3000.0)
        );
        let largest = s.largest_rate_with_dedup_headroom(18_005_760_000.0);
        assert!(close(largest, 3000.0), "{largest}");
    }

    #[test]
    fn time_to_full() {
        let seed = sizing(2, 3, "30d", 0.2);
        // 50Gi at 1e6/s: 53,687,091,200 / (1e6 × 2 × 1.2 / 3) s = 67,108.9 s, 18.6 hours.
        let t = seed.time_to_full(50.0 * GI, 1e6).unwrap();
        assert!(close(t, 53_687_091_200.0 / 800_000.0), "{t}");
        // At 10,000/s the oldest data goes before the disk fills.
        assert_eq!(seed.time_to_full(50.0 * GI, 10_000.0), None);
        assert_eq!(seed.time_to_full(50.0 * GI, 0.0), None);
    }

    #[test]
    fn retentions_as_vmstorage_reads_them() {
        assert_eq!(retention_seconds("30d"), Some(30.0 * DAY));
        assert_eq!(retention_seconds("3"), Some(93.0 * DAY));
        assert_eq!(retention_seconds("2w"), Some(14.0 * DAY));
        assert_eq!(retention_seconds("1y"), Some(365.0 * DAY));
        assert_eq!(retention_seconds("12h"), None);
        assert_eq!(retention_seconds("${R}"), None);
    }
}
