//! Health alerts about access through vmauth: writes and reads it refuses, seen from both ends.
//!
//! While an agent's writes are refused none of its series arrive, its own counters included,
//! so the refusal is visible here only from vmauth's side (with `VMAgentClusterSilent` naming
//! the cluster). A refusal of some requests only (one vmauth replica still on the old
//! credentials after a rotation, an ingress in between answering 403) leaves the agent's
//! writes flowing, and its own counters then say so, by cluster. No chart group has either.

use serde_json::Value;

use super::health::alert;
use crate::intent::Global;
use crate::operator::{Component as C, Names};

pub fn alerts(g: &Global, names: &Names) -> Vec<Value> {
    let mut out = Vec::new();
    if g.vmauth.enabled {
        // vmauth counts credentials that match no user (invalid_auth_token) and users asking
        // for a path none of their routes has (missing_route), not per user.
        out.push(alert(
            "VMAuthRequestsRefused",
            format!(
                "sum by (job, reason) (increase(vmauth_http_request_errors_total{{job=\"{}\", \
                 reason=~\"invalid_auth_token|missing_route\"}}[5m])) > 0",
                names.job(C::VmAuth)
            ),
            "5m",
            "warning",
            "vmauth refuses requests ({{ $labels.reason }})",
            "{{ $value }} requests in 5 minutes: invalid_auth_token means credentials no VMUser \
             has (an agent whose Secret and VMUser disagree, or a stranger), missing_route a \
             user asking for a path it may not use (a writer on another tenant's path); \
             vmauth's log names the client.",
        ));
    }
    out.push(alert(
        "VMAgentRemoteWriteRefused",
        "sum by (cluster, job, status_code) (increase(vmagent_remotewrite_requests_total{job=~\"vmagent-.*\", \
         status_code=~\"401|403\"}[5m])) > 0"
            .to_string(),
        "5m",
        "critical",
        "vmagent of cluster {{ $labels.cluster }} has writes refused ({{ $labels.status_code }})",
        "{{ $labels.job }} in cluster {{ $labels.cluster }} had {{ $value }} remote writes \
         refused in 5 minutes; it keeps them on disk and retries until its credentials are \
         accepted again.",
    ));
    out
}
