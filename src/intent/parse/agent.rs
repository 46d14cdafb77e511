//! The agent role: where it writes, its vmagent and the local exporters.

use super::component::plain;
use super::remote_write;
use crate::code::Code;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::scalar::Resources;

/// Reads the agent role's fields of the spec; `None` (reported) without a remote write target.
pub(super) fn agent(
    f: &mut Fields,
    namespace: &str,
    cluster_domain: &str,
    d: &mut Diagnostics,
) -> Option<Agent> {
    let remote_write = remote_write(f, namespace, cluster_domain, d);
    let vmagent = plain(f, "vmagent", Agent::default_vmagent(), d);
    let kube_state_metrics = exporter(
        f,
        "kubeStateMetrics",
        Agent::default_kube_state_metrics(),
        d,
    );
    let node_exporter = exporter(f, "nodeExporter", Agent::default_node_exporter(), d);
    Some(Agent {
        remote_write: remote_write?,
        vmagent,
        kube_state_metrics,
        node_exporter,
    })
}

fn remote_write(
    f: &mut Fields,
    namespace: &str,
    cluster_domain: &str,
    d: &mut Diagnostics,
) -> Option<RemoteWrite> {
    // Absent, it still reads as empty, so the missing url is reported at its own path.
    let mut r = f.section("remoteWrite", d);
    let target = remote_write::target(&mut r, namespace, cluster_domain, d);
    let tenant_path = r.path_of("tenant");
    let tenant = r.or("tenant", RemoteWrite::default_tenant(), d);
    if !tenant.chars().all(|c| c.is_ascii_digit() || c == ':') || tenant.is_empty() {
        d.report(
            Code::WrongType,
            &tenant_path,
            format!("{tenant:?} is not a tenant id (accountID or accountID:projectID)"),
        );
    }
    let send_timeout = r.or("sendTimeout", RemoteWrite::default_send_timeout(), d);
    let queues = r.or("queues", RemoteWrite::default_queues(), d);
    let max_rows_per_block = r.or(
        "maxSamplesPerSend",
        RemoteWrite::default_max_rows_per_block(),
        d,
    );
    let max_disk_usage = r.opt("maxDiskUsage", d);
    let flush_interval = r.opt("flushInterval", d);
    r.finish(d);
    let (url, via) = target?;
    Some(RemoteWrite {
        url,
        tenant,
        send_timeout,
        queues,
        max_rows_per_block,
        max_disk_usage,
        flush_interval,
        via,
    })
}

/// An exporter's section: its resources.
fn exporter(f: &mut Fields, key: &'static str, def: Resources, d: &mut Diagnostics) -> Resources {
    let mut x = f.section(key, d);
    let resources = x.or("resources", def, d);
    x.finish(d);
    resources
}
