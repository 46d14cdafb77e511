//! `spec.capacity`: the load the stack is planned for, on either role.

use crate::code::Code;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::{Capacity, RoleKind};
use crate::intent::spanned::Spanned;

/// Reads `capacity`. How samples are stored (`bytesPerSample`, `indexOverhead`) is the storing
/// side's to say, so an agent that sets it is told so.
pub(super) fn capacity(f: &mut Fields, role: Option<RoleKind>, d: &mut Diagnostics) -> Capacity {
    let def = Capacity::default();
    let mut c = f.section("capacity", d);
    let ingestion_rate = c.opt::<Spanned<f64>>("ingestionRate", d);
    let bytes_per_sample = c.or_spanned("bytesPerSample", def.bytes_per_sample, d);
    let index_overhead = c.or_spanned("indexOverhead", def.index_overhead, d);
    let capacity = Capacity {
        ingestion_rate,
        active_series: c.opt("activeSeries", d),
        churn_rate: c.opt("churnRate", d),
        bytes_per_sample,
        index_overhead,
    };
    if role == Some(RoleKind::Agent) {
        for key in ["bytesPerSample", "indexOverhead"] {
            if c.has(key) {
                d.report(
                    Code::WrongRole,
                    &c.path_of(key),
                    format!(
                        "capacity.{key} applies to role global: how samples are stored is the \
                         storing side's to say"
                    ),
                );
            }
        }
    }
    c.finish(d);
    if let Some(rate) = &capacity.ingestion_rate
        && rate.value < 0.0
    {
        d.report(
            Code::OutOfRange,
            &rate.path,
            "ingestionRate is samples per second, at least 0",
        );
    }
    let bytes = &capacity.bytes_per_sample;
    if bytes.value <= 0.0 {
        d.report(
            Code::OutOfRange,
            &bytes.path,
            "bytesPerSample must be above 0 (about 1 after compression; measure it with \
             sum(vm_data_size_bytes{type!~\"indexdb.*\"}) / sum(vm_rows{type!~\"indexdb.*\"}))",
        );
    }
    let index = &capacity.index_overhead;
    if index.value < 0.0 {
        d.report(
            Code::OutOfRange,
            &index.path,
            "indexOverhead is the index's size as a fraction of the data's, at least 0 (about \
             0.2; above 0.5 with high churn)",
        );
    }
    capacity
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(spec: serde_json::Value, role: RoleKind) -> (Capacity, Diagnostics) {
        let mut d = Diagnostics::default();
        let mut f = Fields::new(&spec, "spec", &mut d).unwrap();
        let c = capacity(&mut f, Some(role), &mut d);
        (c, d)
    }

    #[test]
    fn defaults_and_declared_values() {
        let (c, d) = read(json!({}), RoleKind::Global);
        assert!(d.is_empty());
        assert_eq!(c.ingestion_rate, None);
        assert_eq!(c.bytes_per_sample.value, 1.0);
        assert_eq!(c.index_overhead.value, 0.2);
        assert_eq!(c.bytes_per_sample.path, "spec.capacity.bytesPerSample");
        let (c, d) = read(
            json!({"capacity": {"ingestionRate": 1e6, "activeSeries": 2000000, "churnRate": 50000}}),
            RoleKind::Agent,
        );
        assert!(d.is_empty(), "{:?}", d.list);
        let rate = c.ingestion_rate.unwrap();
        assert_eq!(
            (rate.value, rate.path.as_str()),
            (1e6, "spec.capacity.ingestionRate")
        );
        assert_eq!(c.active_series.unwrap().value, 2_000_000);
        assert_eq!(c.churn_rate.unwrap().value, 50_000);
    }

    #[test]
    fn out_of_range_wrong_role_and_typos() {
        let (_, d) = read(
            json!({"capacity": {"ingestionRate": -1, "bytesPerSample": 0, "indexOverhead": -0.1}}),
            RoleKind::Global,
        );
        let found: Vec<(Code, &str)> = d.list.iter().map(|x| (x.code, x.path.as_str())).collect();
        assert_eq!(
            found,
            [
                (Code::OutOfRange, "spec.capacity.ingestionRate"),
                (Code::OutOfRange, "spec.capacity.bytesPerSample"),
                (Code::OutOfRange, "spec.capacity.indexOverhead"),
            ]
        );
        let (_, d) = read(
            json!({"capacity": {"bytesPerSample": 1.5, "ingestRate": 5}}),
            RoleKind::Agent,
        );
        let found: Vec<(Code, &str)> = d.list.iter().map(|x| (x.code, x.path.as_str())).collect();
        assert_eq!(
            found,
            [
                (Code::WrongRole, "spec.capacity.bytesPerSample"),
                (Code::UnknownField, "spec.capacity.ingestRate"),
            ]
        );
    }
}
