//! The agent role: remote write and the local exporters.

use super::fields::*;
use crate::intent::decode::Fields;
use crate::intent::diagnostic::{Code, Diagnostics};
use crate::intent::model::*;
use crate::intent::scalar::{DurationStyle, Resources};

pub(super) fn agent(f: &mut Fields, d: &mut Diagnostics) -> Agent {
    // Absent, it still reads as empty, so the missing url is reported at its own path.
    let mut r = f.section("remoteWrite", d);
    let (url, via) = crate::intent::networking::remote_write_target(&mut r, d);
    let tenant = r.or::<String>("tenant", "0".into(), d);
    if !tenant.chars().all(|c| c.is_ascii_digit() || c == ':') || tenant.is_empty() {
        d.report(
            Code::WrongType,
            &r.path_of("tenant"),
            format!("{tenant:?} is not a tenant id (accountID or accountID:projectID)"),
        );
    }
    let remote_write = RemoteWrite {
        url,
        tenant,
        send_timeout: duration(&mut r, "sendTimeout", DurationStyle::Metrics, "30s", d),
        queues: r.or("queues", literal(10), d),
        max_rows_per_block: r.or("maxSamplesPerSend", literal(5000), d),
        max_disk_usage: r.opt("maxDiskUsage", d),
        flush_interval: opt_duration(&mut r, "flushInterval", DurationStyle::Metrics, d),
        via,
    };
    r.finish(d);
    let vmagent = component(
        f,
        "vmagent",
        (
            2,
            Resources::of(
                &[("cpu", "100m"), ("memory", "256Mi")],
                &[("cpu", "1"), ("memory", "1Gi")],
            ),
        ),
        |_, _| {},
        d,
    );
    let exporter = |f: &mut Fields, key: &'static str, defaults: Resources, d: &mut Diagnostics| {
        let mut x = f.section(key, d);
        let resources = x.or("resources", defaults, d);
        x.finish(d);
        resources
    };
    let kube_state_metrics = exporter(
        f,
        "kubeStateMetrics",
        Resources::of(
            &[("cpu", "50m"), ("memory", "128Mi")],
            &[("cpu", "1"), ("memory", "256Mi")],
        ),
        d,
    );
    let node_exporter = exporter(
        f,
        "nodeExporter",
        Resources::of(
            &[("cpu", "50m"), ("memory", "64Mi")],
            &[("cpu", "1"), ("memory", "128Mi")],
        ),
        d,
    );
    Agent {
        remote_write,
        vmagent,
        kube_state_metrics,
        node_exporter,
    }
}
