//! The agent role: where it writes, its vmagent and the local exporters.

use super::access::{CredentialRules, auth_section};
use super::component::plain;
use super::remote_write;
use crate::code::Code;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::scalar::{Resources, Tenant, Text};
use crate::intent::spanned::Spanned;

/// Reads the agent role's fields of the spec; `None` (reported) without a remote write target.
pub(super) fn agent(
    f: &mut Fields,
    namespace: &str,
    cluster_domain: &str,
    cluster: Option<&Text>,
    d: &mut Diagnostics,
) -> Option<Agent> {
    let remote_write = remote_write(f, namespace, cluster_domain, cluster, d);
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
    cluster: Option<&Text>,
    d: &mut Diagnostics,
) -> Option<RemoteWrite> {
    // Absent, it still reads as empty, so the missing url is reported at its own path.
    let mut r = f.section("remoteWrite", d);
    let rules = CredentialRules {
        role: RoleKind::Agent,
        may_generate: false,
        default_username: cluster.cloned(),
        default_store: None,
    };
    let auth_given = r.has("auth");
    let auth = auth_section(&mut r, &rules, d);
    // With credentials the write enters through the global vmauth, else straight to vminsert.
    let service = if auth_given {
        RemoteWriteTarget::VmAuth
    } else {
        RemoteWriteTarget::VmInsert
    };
    let target = remote_write::target(&mut r, namespace, cluster_domain, service, d);
    let tenant_path = r.path_of("tenant");
    let tenant = match r.opt::<Tenant>("tenant", d) {
        Some(t) if t.is_multitenant() => {
            d.report(
                Code::AccessImpossible,
                &tenant_path,
                "an agent writes to one tenant: multitenant would take each series' tenant from                  a vm_account_id label",
            );
            None
        }
        Some(t) => Some(t),
        None if r.has("tenant") => None,
        None => Some(Tenant::default_tenant()),
    };
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
    if auth_given && auth.is_none() {
        return None;
    }
    Some(RemoteWrite {
        url,
        tenant: Spanned::new(tenant?, tenant_path),
        auth,
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
    let resources = super::component::resources(&mut x, &def, d);
    x.finish(d);
    resources
}
