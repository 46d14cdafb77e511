//! The agent role: remote write and the local exporters.

use super::fields::*;
use crate::intent::decode::Fields;
use crate::intent::diagnostic::{Code, Diagnostics};
use crate::intent::model::*;
use crate::intent::scalar::{Duration, DurationStyle, Resources, Url};

pub(super) fn agent(f: &mut Fields, d: &mut Diagnostics) -> Agent {
    let rw_path = f.path_of("remoteWrite");
    let remote_write = match f.raw("remoteWrite") {
        None => {
            d.report(
                Code::MissingField,
                &rw_path,
                "remoteWrite.url is required for an agent: the base URL of the global vminsert",
            );
            None
        }
        Some(v) => Fields::new(v, &rw_path, d).map(|mut r| {
            let (url, via) = crate::intent::networking::remote_write_target(&mut r, d);
            let tenant = r.or::<String>("tenant", "0".into(), d);
            if !tenant.chars().all(|c| c.is_ascii_digit() || c == ':') || tenant.is_empty() {
                d.report(
                    Code::WrongType,
                    &r.path_of("tenant"),
                    format!("{tenant:?} is not a tenant id (accountID or accountID:projectID)"),
                );
            }
            let rw = RemoteWrite {
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
            rw
        }),
    };
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
        let path = f.path_of(key);
        match f.raw(key) {
            None => defaults,
            Some(v) => match Fields::new(v, &path, d) {
                None => defaults,
                Some(mut x) => {
                    let r = x.or("resources", defaults, d);
                    x.finish(d);
                    r
                }
            },
        }
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
        remote_write: remote_write.unwrap_or(RemoteWrite {
            url: Url(String::new()),
            tenant: "0".into(),
            send_timeout: literal(Duration("30s".into())),
            queues: literal(10),
            max_rows_per_block: literal(5000),
            max_disk_usage: None,
            flush_interval: None,
            via: RemoteWriteVia::Url,
        }),
        vmagent,
        kube_state_metrics,
        node_exporter,
    }
}
