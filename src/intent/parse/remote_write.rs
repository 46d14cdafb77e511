//! Remote write across clusters: where an agent's `remoteWrite` goes (`url`, or a `via` that
//! derives it), and the global role's `remoteWriteFrom`.

use serde_json::Value;

use crate::code::Code;
use crate::intent::choice::{Choice, choices};
use crate::intent::decode::{Decode, index, wrong_type};
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::scalar::{Name, Url};
use crate::intent::spanned::Spanned;
use crate::operator::{Component, Names};

/// The MCS-API's DNS zone: `<svc>.<ns>.svc.clusterset.local` (CoreDNS configured for it).
pub const CLUSTERSET_DOMAIN: &str = "clusterset.local";

choices! {
    /// How an agent reaches the global vminsert (`remoteWrite.via`).
    pub enum Via {
        /// `remoteWrite.url`, the default.
        Url = "url",
        CiliumGlobalService = "ciliumGlobalService",
        ClusterSet = "clusterSet",
    }
}

impl Via {
    fn mechanism(self) -> Option<CrossClusterMechanism> {
        match self {
            Via::Url => None,
            Via::CiliumGlobalService => Some(CrossClusterMechanism::CiliumGlobalService),
            Via::ClusterSet => Some(CrossClusterMechanism::ClusterSet),
        }
    }
}

/// Reads `url`, `via`, `release` and `namespace` of an agent's `remoteWrite`. With `via: url`
/// (the default) the URL is required; otherwise it is derived from the global stack's names
/// (its namespace defaulting to the intent's) and must not be written.
pub(super) fn target(
    r: &mut Fields,
    namespace: &str,
    cluster_domain: &str,
    service: RemoteWriteTarget,
    d: &mut Diagnostics,
) -> Option<(Url, RemoteWriteVia)> {
    let via_path = r.path_of("via");
    let via = r
        .opt::<String>("via", d)
        .unwrap_or_else(|| Via::Url.name().into());
    let release = r.opt::<Spanned<Name>>("release", d);
    let global_namespace = r.opt::<Name>("namespace", d);
    let Some(via) = Via::parse(&via, &via_path, d) else {
        // Read the URL anyway, so its own problems are reported too.
        let _ = r.opt::<Url>("url", d);
        return None;
    };
    let Some(mechanism) = via.mechanism() else {
        for key in ["release", "namespace"] {
            if r.has(key) {
                d.report(
                    Code::RemoteWriteConflict,
                    &r.path_of(key),
                    format!("{key} names the global stack for a cross-cluster via; with via: url the URL says where to write"),
                );
            }
        }
        let url = r.req::<Url>("url", d)?;
        return Some((url, RemoteWriteVia::Url));
    };
    if r.has("url") {
        let _ = r.raw("url");
        d.report(
            Code::RemoteWriteConflict,
            &r.path_of("url"),
            format!(
                "with via: {} the URL is derived from release and namespace; remove url (or use via: url)",
                mechanism.name()
            ),
        );
    }
    if release.is_none() && !r.has("release") {
        d.report(
            Code::MissingField,
            &r.path_of("release"),
            format!(
                "release is required with via: {}: the global stack's release name, whose vminsert Service the agent writes to",
                mechanism.name()
            ),
        );
    }
    let target = CrossClusterTarget {
        mechanism,
        service,
        release: release?.map(|n| n.0),
        namespace: global_namespace.map_or_else(|| namespace.to_string(), |n| n.0),
    };
    let domain = match mechanism {
        // The stub Service in the agent's own cluster: its ordinary local name.
        CrossClusterMechanism::CiliumGlobalService => cluster_domain,
        CrossClusterMechanism::ClusterSet => CLUSTERSET_DOMAIN,
    };
    let names = Names::new(&target.release, &target.namespace, domain);
    let component = match service {
        RemoteWriteTarget::VmInsert => Component::VmInsert,
        RemoteWriteTarget::VmAuth => Component::VmAuth,
    };
    let url = Url::http(names.service_host(component), component.http_port());
    Some((url, RemoteWriteVia::CrossCluster(target)))
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
    let mechanism = match x.raw("via") {
        Some(_) => x.choice::<CrossClusterMechanism>("via", d),
        None => {
            d.report(Code::MissingField, &x.path_of("via"), "via is required");
            None
        }
    };
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
                let Some(Name(c)) = Name::decode(item, &p, d) else {
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
    let target_path = x.path_of("target");
    let target = match x.raw("target") {
        Some(_) => x.choice::<RemoteWriteTarget>("target", d),
        None => Some(RemoteWriteTarget::VmInsert),
    };
    x.finish(d);
    Some(RemoteWriteFrom {
        mechanism: mechanism?,
        target: Spanned::new(target?, target_path),
        clusters,
        agent_namespace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn via_spells_the_mechanisms_as_the_model_does() {
        for m in [
            CrossClusterMechanism::CiliumGlobalService,
            CrossClusterMechanism::ClusterSet,
        ] {
            let via = Via::CHOICES.iter().find(|(n, _)| *n == m.name()).unwrap().1;
            assert_eq!(via.mechanism(), Some(m));
        }
    }
}
