//! The CiliumNetworkPolicy (cilium.io/v2) subset vmstack emits: an `endpointSelector` and ingress
//! rules with `fromEndpoints` and `toPorts`. Endpoints carry their pod's labels plus Cilium's
//! `io.kubernetes.pod.namespace` and `io.cilium.k8s.policy.cluster`.

use serde_json::Value;

use super::Direction;
use super::selector::{Labels, matches};
use super::world::{Applied, Endpoint, Node, Proto};

const NAMESPACE: &str = "io.kubernetes.pod.namespace";
const CLUSTER: &str = "io.cilium.k8s.policy.cluster";

/// Cilium label keys may carry a source prefix (`k8s:`); labels of pods come from that source.
fn key(k: &str) -> String {
    k.strip_prefix("k8s:").unwrap_or(k).to_string()
}

fn endpoint_labels(node: &Node) -> Option<Labels> {
    let Endpoint::Pod {
        cluster,
        namespace,
        labels,
        ..
    } = &node.endpoint
    else {
        return None;
    };
    let mut l = labels.clone();
    l.insert(NAMESPACE.into(), namespace.clone());
    l.insert(CLUSTER.into(), cluster.clone());
    Some(l)
}

/// Whether a selector constrains `label` itself (by matchLabels or an expression).
fn names(selector: &Value, label: &str) -> bool {
    selector["matchLabels"]
        .as_object()
        .is_some_and(|m| m.keys().any(|k| key(k) == label))
        || selector["matchExpressions"].as_array().is_some_and(|e| {
            e.iter()
                .any(|x| x["key"].as_str().map(key).as_deref() == Some(label))
        })
}

pub fn verdict(
    applied: &Applied,
    subject: &Node,
    peer: &Node,
    port: u16,
    proto: Proto,
    dir: Direction,
) -> Option<bool> {
    let policy = &applied.object;
    let spec = policy["spec"].as_object().expect("spec");
    for k in spec.keys() {
        assert!(
            ["endpointSelector", "ingress"].contains(&k.as_str()),
            "CiliumNetworkPolicy field {k:?} is not modelled"
        );
    }
    let subject_labels = endpoint_labels(subject)?;
    let policy_ns = policy["metadata"]["namespace"]
        .as_str()
        .expect("namespaced");
    // A namespaced policy selects endpoints of its own namespace in its own cluster.
    if subject_labels[CLUSTER] != applied.cluster || subject_labels[NAMESPACE] != policy_ns {
        return None;
    }
    if !matches(&spec["endpointSelector"], &subject_labels, &key) {
        return None;
    }
    if dir == Direction::Egress || !spec.contains_key("ingress") {
        return None;
    }
    let peer_labels = endpoint_labels(peer);
    let rules = spec["ingress"].as_array().expect("ingress rules");
    Some(rules.iter().any(|rule| {
        let rule = rule.as_object().expect("a rule is a mapping");
        for k in rule.keys() {
            assert!(
                k == "fromEndpoints" || k == "toPorts",
                "CiliumNetworkPolicy rule field {k:?} is not modelled"
            );
        }
        let from_ok = rule["fromEndpoints"]
            .as_array()
            .expect("fromEndpoints")
            .iter()
            .any(|sel| {
                let Some(l) = &peer_labels else {
                    return false;
                };
                // Without a namespace (cluster) in the selector, Cilium adds the policy's own.
                let ns_ok = names(sel, NAMESPACE) || l[NAMESPACE] == policy_ns;
                let cluster_ok = names(sel, CLUSTER) || l[CLUSTER] == applied.cluster;
                ns_ok && cluster_ok && matches(sel, l, &key)
            });
        from_ok && to_ports(rule.get("toPorts"), port, proto)
    }))
}

fn to_ports(to_ports: Option<&Value>, port: u16, proto: Proto) -> bool {
    let Some(list) = to_ports.and_then(Value::as_array) else {
        return true;
    };
    list.iter().any(|entry| {
        entry["ports"].as_array().expect("ports").iter().any(|p| {
            let number: u16 = p["port"]
                .as_str()
                .expect("port")
                .parse()
                .expect("numeric port");
            let protocol = p["protocol"].as_str().unwrap_or("ANY");
            number == port && (protocol == "ANY" || protocol == proto.name())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::allowed;
    use super::super::world::{Proto, World};
    use serde_json::json;

    #[test]
    fn a_selector_without_cluster_or_namespace_means_the_policys_own() {
        let mut w = World::default();
        for (name, cluster, ns) in [
            ("local", "infra", "obs"),
            ("remote", "apps", "obs"),
            ("remote other ns", "apps", "x"),
        ] {
            w.pod(name, cluster, ns, &[("app", "agent")], &[]);
        }
        w.pod("server", "infra", "obs", &[("app", "server")], &[]);
        let cnp = |from: serde_json::Value| {
            json!({"kind": "CiliumNetworkPolicy", "metadata": {"name": "p", "namespace": "obs"},
                   "spec": {"endpointSelector": {"matchLabels": {"app": "server"}},
                            "ingress": [{"fromEndpoints": [from],
                                         "toPorts": [{"ports": [{"port": "80", "protocol": "TCP"}]}]}]}})
        };
        let mut local = w.clone();
        local.apply("infra", [cnp(json!({"matchLabels": {"app": "agent"}}))]);
        assert!(allowed(&local, "local", "server", 80, Proto::Tcp));
        assert!(!allowed(&local, "remote", "server", 80, Proto::Tcp));
        assert!(!allowed(&local, "local", "server", 81, Proto::Tcp));
        let mut mesh = w.clone();
        mesh.apply(
            "infra",
            [cnp(
                json!({"matchLabels": {"app": "agent", "io.cilium.k8s.policy.cluster": "apps"}}),
            )],
        );
        assert!(allowed(&mesh, "remote", "server", 80, Proto::Tcp));
        assert!(!allowed(&mesh, "remote other ns", "server", 80, Proto::Tcp));
        assert!(!allowed(&mesh, "local", "server", 80, Proto::Tcp));
        // Applied in another cluster, the policy does not select this server at all.
        let mut elsewhere = w;
        elsewhere.apply("apps", [cnp(json!({"matchLabels": {"app": "nobody"}}))]);
        assert!(allowed(&elsewhere, "local", "server", 80, Proto::Tcp));
    }
}
