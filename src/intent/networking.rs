//! Readers for the networking fields: cross-cluster remote write (the agent's `remoteWrite.via`,
//! the global role's `remoteWriteFrom`) and Alertmanager's receivers.

use std::net::IpAddr;

use serde_json::Value;

use super::decode::{Fields, index, wrong_type};
use super::diagnostic::{Code, Diagnostic, Diagnostics};
use super::model::{
    CrossClusterMechanism, CrossClusterTarget, Receiver, RemoteWrite, RemoteWriteFrom,
    RemoteWriteVia,
};
use super::parse::invalid_choice;
use super::scalar::{Name, Url};
use crate::operator::{Component, Names};

/// The MCS-API's DNS zone: `<svc>.<ns>.svc.clusterset.local` (CoreDNS configured for it).
pub const CLUSTERSET_DOMAIN: &str = "clusterset.local";

const VIA: [&str; 3] = ["url", "ciliumGlobalService", "clusterSet"];

fn mechanism(s: &str) -> Option<CrossClusterMechanism> {
    match s {
        "ciliumGlobalService" => Some(CrossClusterMechanism::CiliumGlobalService),
        "clusterSet" => Some(CrossClusterMechanism::ClusterSet),
        _ => None,
    }
}

/// Reads `url`, `via`, `release` and `namespace` of an agent's `remoteWrite`. With `via: url`
/// (the default) the URL is required; otherwise it is derived (see [`resolve_remote_write`]) and
/// must not be written. An empty namespace stands for the intent's own, filled in later.
pub(super) fn remote_write_target(r: &mut Fields, d: &mut Diagnostics) -> (Url, RemoteWriteVia) {
    let via_path = r.path_of("via");
    let via = r.opt::<String>("via", d).unwrap_or_else(|| "url".into());
    let release = r.opt::<Name>("release", d);
    let namespace = r.opt::<Name>("namespace", d);
    let chosen = match via.as_str() {
        "url" => None,
        other => match mechanism(other) {
            Some(m) => Some(m),
            None => {
                invalid_choice(d, &via_path, other, &VIA);
                // Read the URL anyway, so its own problems are reported too.
                let _ = r.opt::<Url>("url", d);
                return (Url(String::new()), RemoteWriteVia::Url);
            }
        },
    };
    let Some(m) = chosen else {
        for key in ["release", "namespace"] {
            if r.has(key) {
                d.report(
                    Code::RemoteWriteConflict,
                    &r.path_of(key),
                    format!("{key} names the global stack for a cross-cluster via; with via: url the URL says where to write"),
                );
            }
        }
        let url = r.req::<Url>("url", d);
        return (url.unwrap_or(Url(String::new())), RemoteWriteVia::Url);
    };
    if r.has("url") {
        let _ = r.raw("url");
        d.report(
            Code::RemoteWriteConflict,
            &r.path_of("url"),
            format!(
                "with via: {} the URL is derived from release and namespace; remove url (or use via: url)",
                m.name()
            ),
        );
    }
    if release.is_none() && !r.has("release") {
        d.report(
            Code::MissingField,
            &r.path_of("release"),
            format!(
                "release is required with via: {}: the global stack's release name, whose vminsert Service the agent writes to",
                m.name()
            ),
        );
    }
    let target = CrossClusterTarget {
        mechanism: m,
        release: release.map(|n| n.0).unwrap_or_default(),
        namespace: namespace.map(|n| n.0).unwrap_or_default(),
    };
    (Url(String::new()), RemoteWriteVia::CrossCluster(target))
}

/// Fills in what a cross-cluster `via` derives: the global namespace (default: the intent's) and
/// the URL the agent writes to.
pub(super) fn resolve_remote_write(rw: &mut RemoteWrite, namespace: &str, cluster_domain: &str) {
    let RemoteWriteVia::CrossCluster(t) = &mut rw.via else {
        return;
    };
    if t.namespace.is_empty() {
        t.namespace = namespace.to_string();
    }
    let domain = match t.mechanism {
        // The stub Service in the agent's own cluster: its ordinary local name.
        CrossClusterMechanism::CiliumGlobalService => cluster_domain,
        CrossClusterMechanism::ClusterSet => CLUSTERSET_DOMAIN,
    };
    let names = Names::new(&t.release, &t.namespace, domain);
    rw.url = Url(names.service_url(Component::VmInsert));
}

/// Reads the global role's `remoteWriteFrom`: which agent clusters may write to vminsert, and how
/// they reach it.
pub(super) fn remote_write_from(
    f: &mut Fields,
    namespace: &str,
    d: &mut Diagnostics,
) -> Option<RemoteWriteFrom> {
    let path = f.path_of("remoteWriteFrom");
    let v = f.raw("remoteWriteFrom")?;
    let mut x = Fields::new(v, &path, d)?;
    let via_path = x.path_of("via");
    let via = x.req::<String>("via", d);
    let mechanism = via.as_deref().and_then(|s| {
        let m = mechanism(s);
        if m.is_none() {
            invalid_choice(d, &via_path, s, &VIA[1..]);
        }
        m
    });
    let clusters_path = x.path_of("clusters");
    let clusters: Vec<String> = match x.raw("clusters") {
        None => {
            d.report(
                Code::MissingField,
                &clusters_path,
                "clusters is required: the ClusterMesh names of the agent clusters allowed to write",
            );
            Vec::new()
        }
        Some(Value::Array(items)) => {
            if items.is_empty() {
                d.report(
                    Code::MissingField,
                    &clusters_path,
                    "clusters is empty: name at least one agent cluster",
                );
            }
            let mut out: Vec<String> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = index(&clusters_path, i);
                let Some(Name(c)) = super::decode::Decode::decode(item, &p, d) else {
                    continue;
                };
                if out.contains(&c) {
                    d.report(
                        Code::RemoteWriteConflict,
                        &p,
                        format!("cluster {c:?} is listed twice"),
                    );
                } else {
                    out.push(c);
                }
            }
            out
        }
        Some(other) => {
            wrong_type(d, &clusters_path, "a list of cluster names", other);
            Vec::new()
        }
    };
    let agent_namespace = x
        .opt::<Name>("agentNamespace", d)
        .map_or_else(|| namespace.to_string(), |n| n.0);
    x.finish(d);
    Some(RemoteWriteFrom {
        mechanism: mechanism?,
        clusters,
        agent_namespace,
    })
}

/// Why a string is not a CIDR, if it is not.
pub fn cidr_problem(s: &str) -> Option<String> {
    let Some((addr, prefix)) = s.split_once('/') else {
        return Some("has no /prefix length".into());
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return Some(format!("{addr:?} is not an IP address"));
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    match prefix.parse::<u8>() {
        Ok(n) if n <= max => None,
        _ => Some(format!("prefix {prefix:?} is not a number from 0 to {max}")),
    }
}

/// Reads `networkPolicies.alertmanagerReceivers`: `[{cidr, ports}]`, `cidr` absent meaning any
/// address, `ports` defaulting to `[443]`.
pub(super) fn receivers(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Vec<Receiver>> {
    let Value::Array(items) = v else {
        wrong_type(d, path, "a list of {cidr, ports}", v);
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = index(path, i);
        let Some(mut r) = Fields::new(item, &p, d) else {
            continue;
        };
        let cidr_path = r.path_of("cidr");
        let cidr = r.opt::<String>("cidr", d);
        if let Some(problem) = cidr.as_deref().and_then(cidr_problem) {
            d.push(
                Diagnostic::new(
                    Code::InvalidCidr,
                    &cidr_path,
                    format!(
                        "{:?} is not a CIDR: {problem}",
                        cidr.as_deref().unwrap_or("")
                    ),
                )
                .with_current(&Value::String(cidr.clone().unwrap_or_default())),
            );
        }
        let ports_path = r.path_of("ports");
        let ports: Vec<u32> = r.or("ports", vec![443], d);
        let mut valid = Vec::new();
        for (j, port) in ports.iter().enumerate() {
            match u16::try_from(*port) {
                Ok(n) if n > 0 => valid.push(n),
                _ => d.report(
                    Code::OutOfRange,
                    &index(&ports_path, j),
                    format!("{port} is not a port"),
                ),
            }
        }
        if ports.is_empty() {
            d.report(
                Code::MissingField,
                &ports_path,
                "ports is empty: name the receiver's ports (443 for HTTPS)",
            );
        }
        r.finish(d);
        out.push(Receiver { cidr, ports: valid });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        assert_eq!(cidr_problem("10.0.0.0/8"), None);
        assert_eq!(cidr_problem("fd00::/64"), None);
        assert!(cidr_problem("10.0.0.0").is_some());
        assert!(cidr_problem("10.0.0.0/33").is_some());
        assert!(cidr_problem("mail.example.com/32").is_some());
    }
}
