//! Kubernetes NetworkPolicy (networking.k8s.io/v1) semantics.

use std::net::Ipv4Addr;

use serde_json::Value;

use super::Direction;
use super::selector::{matches, same_key};
use super::world::{Applied, Endpoint, Node, Proto, namespace_labels};

/// `None` when the policy does not select `subject` for `dir`; otherwise whether one of its rules
/// allows the connection with `peer`.
pub fn verdict(
    applied: &Applied,
    subject: &Node,
    peer: &Node,
    destination: &Node,
    port: u16,
    proto: Proto,
    dir: Direction,
) -> Option<bool> {
    let policy = &applied.object;
    let Endpoint::Pod {
        cluster,
        namespace,
        labels,
        ..
    } = &subject.endpoint
    else {
        return None;
    };
    let policy_ns = policy["metadata"]["namespace"]
        .as_str()
        .expect("namespaced");
    if cluster != &applied.cluster || namespace != policy_ns {
        return None;
    }
    let spec = policy["spec"].as_object().expect("spec");
    for k in spec.keys() {
        assert!(
            ["podSelector", "policyTypes", "ingress", "egress"].contains(&k.as_str()),
            "NetworkPolicy field {k:?} is not modelled"
        );
    }
    if !matches(&spec["podSelector"], labels, &same_key) {
        return None;
    }
    let (type_name, rules_key, peers_key) = match dir {
        Direction::Ingress => ("Ingress", "ingress", "from"),
        Direction::Egress => ("Egress", "egress", "to"),
    };
    let types: Vec<&str> = match spec.get("policyTypes") {
        Some(t) => t
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect(),
        // Defaulted by the API server: Ingress always, Egress when there are egress rules (a
        // non-empty list: `egress: []` does not count).
        None if spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty()) =>
        {
            vec!["Ingress", "Egress"]
        }
        None => vec!["Ingress"],
    };
    if !types.contains(&type_name) {
        return None;
    }
    let rules = spec.get(rules_key).and_then(Value::as_array);
    Some(rules.into_iter().flatten().any(|rule| {
        let rule = rule.as_object().expect("a rule is a mapping");
        for k in rule.keys() {
            assert!(
                k == peers_key || k == "ports",
                "NetworkPolicy rule field {k:?} is not modelled"
            );
        }
        let peers_ok = match rule.get(peers_key).and_then(Value::as_array) {
            // No peers, or an empty list: every source or destination.
            None => true,
            Some(p) if p.is_empty() => true,
            Some(p) => p
                .iter()
                .any(|x| peer_matches(x, policy_ns, &applied.cluster, peer)),
        };
        peers_ok && ports_match(rule.get("ports"), destination, port, proto)
    }))
}

fn peer_matches(peer: &Value, policy_ns: &str, policy_cluster: &str, target: &Node) -> bool {
    let p = peer.as_object().expect("a peer is a mapping");
    for k in p.keys() {
        assert!(
            ["podSelector", "namespaceSelector", "ipBlock"].contains(&k.as_str()),
            "NetworkPolicy peer field {k:?} is not modelled"
        );
    }
    if let Some(block) = p.get("ipBlock") {
        assert_eq!(p.len(), 1, "ipBlock stands alone in a peer");
        // Pod addresses are not modelled as ipBlock targets: CNIs differ there, and vmstack
        // selects pods by label.
        let Endpoint::External { ip } = target.endpoint else {
            return false;
        };
        let cidr = block["cidr"].as_str().expect("cidr");
        let excepted = block["except"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| in_cidr(ip, e.as_str().unwrap()));
        return in_cidr(ip, cidr) && !excepted;
    }
    let Endpoint::Pod {
        cluster,
        namespace,
        labels,
        ..
    } = &target.endpoint
    else {
        return false;
    };
    // Cilium 1.19+: a plain policy's selectors see only its own cluster's pods.
    if cluster != policy_cluster {
        return false;
    }
    let ns_ok = match p.get("namespaceSelector") {
        Some(sel) => matches(sel, &namespace_labels(namespace), &same_key),
        None => namespace == policy_ns,
    };
    let pod_ok = p
        .get("podSelector")
        .is_none_or(|sel| matches(sel, labels, &same_key));
    ns_ok && pod_ok
}

/// Ports are the destination's: a number (with `endPort`, a range) or a container port's name.
fn ports_match(ports: Option<&Value>, destination: &Node, port: u16, proto: Proto) -> bool {
    let Some(ports) = ports.and_then(Value::as_array).filter(|p| !p.is_empty()) else {
        return true;
    };
    ports.iter().any(|p| {
        let p = p.as_object().expect("a port is a mapping");
        for k in p.keys() {
            assert!(
                ["port", "protocol", "endPort"].contains(&k.as_str()),
                "NetworkPolicy port field {k:?} is not modelled"
            );
        }
        let want = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        if want != proto.name() {
            return false;
        }
        match p.get("port") {
            None => true,
            Some(Value::Number(n)) => {
                let start = n.as_u64().unwrap() as u16;
                let end = p
                    .get("endPort")
                    .and_then(Value::as_u64)
                    .map_or(start, |e| e as u16);
                (start..=end).contains(&port)
            }
            Some(Value::String(name)) => match &destination.endpoint {
                Endpoint::Pod { ports, .. } => ports
                    .iter()
                    .any(|c| &c.name == name && c.port == port && c.proto == proto),
                Endpoint::External { .. } => false,
            },
            Some(other) => panic!("port {other} is not modelled"),
        }
    })
}

pub fn in_cidr(ip: Ipv4Addr, cidr: &str) -> bool {
    let (net, len) = cidr.split_once('/').expect("a CIDR");
    let Ok(net) = net.parse::<Ipv4Addr>() else {
        return false; // an IPv6 range holds no address of this IPv4 model
    };
    let len: u32 = len.parse().unwrap();
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(ip) & mask == u32::from(net) & mask
}

#[cfg(test)]
mod tests {
    use super::super::allowed;
    use super::super::world::{Proto, World};
    use serde_json::json;

    fn world(policies: &[serde_json::Value]) -> World {
        let mut w = World::default();
        w.pod("client", "c", "a", &[("role", "client")], &[]);
        w.pod(
            "server",
            "c",
            "b",
            &[("role", "server")],
            &[("web", 8080, Proto::Tcp), ("dns", 53, Proto::Udp)],
        );
        w.external("outside", [203, 0, 113, 5]);
        w.apply("c", policies.iter().cloned());
        w
    }

    fn policy(ns: &str, spec: serde_json::Value) -> serde_json::Value {
        json!({"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": ns}, "spec": spec})
    }

    #[test]
    fn not_selected_is_open_and_both_sides_must_allow() {
        let w = world(&[]);
        assert!(allowed(&w, "client", "server", 9999, Proto::Tcp));
        let deny_server = policy("b", json!({"podSelector": {}, "policyTypes": ["Ingress"]}));
        assert!(!allowed(
            &world(std::slice::from_ref(&deny_server)),
            "client",
            "server",
            8080,
            Proto::Tcp
        ));
        // Egress still open for client (not selected), ingress allowed by namespace: allowed.
        let allow_from_a = policy(
            "b",
            json!({"podSelector": {"matchLabels": {"role": "server"}}, "policyTypes": ["Ingress"],
                   "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [
                       {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["a"]}]}}],
                   "ports": [{"port": "web"}]}]}),
        );
        let w = world(&[deny_server.clone(), allow_from_a.clone()]);
        assert!(
            allowed(&w, "client", "server", 8080, Proto::Tcp),
            "named port"
        );
        assert!(!allowed(&w, "client", "server", 8081, Proto::Tcp));
        assert!(
            !allowed(&w, "client", "server", 8080, Proto::Udp),
            "TCP is the default"
        );
        // The client's own egress policy must allow it too.
        let client_egress = policy(
            "a",
            json!({"podSelector": {}, "policyTypes": ["Egress"],
                   "egress": [{"ports": [{"port": 8000, "endPort": 8079}]}]}),
        );
        let w = world(&[deny_server, allow_from_a, client_egress]);
        assert!(
            !allowed(&w, "client", "server", 8080, Proto::Tcp),
            "egress range ends at 8079"
        );
    }

    #[test]
    fn pod_selector_alone_means_the_policy_namespace_and_ip_block_means_outside() {
        let only_same_ns = policy(
            "b",
            json!({"podSelector": {}, "policyTypes": ["Ingress"],
                   "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "client"}}}]}]}),
        );
        assert!(!allowed(
            &world(&[only_same_ns]),
            "client",
            "server",
            8080,
            Proto::Tcp
        ));
        let egress_block = policy(
            "a",
            json!({"podSelector": {}, "policyTypes": ["Egress"],
                   "egress": [{"to": [{"ipBlock": {"cidr": "203.0.113.0/24", "except": ["203.0.113.5/32"]}}]},
                              {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}]}]}),
        );
        let w = world(&[egress_block]);
        assert!(
            !allowed(&w, "client", "outside", 80, Proto::Tcp),
            "excepted"
        );
        assert!(allowed(&w, "client", "outside", 443, Proto::Tcp));
        assert!(
            !allowed(&w, "client", "server", 443, Proto::Tcp),
            "ipBlock is not a pod"
        );
        // Without policyTypes, egress rules make the policy an egress one too; an empty list
        // does not.
        let defaulted = policy(
            "a",
            json!({"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}),
        );
        assert!(!allowed(
            &world(&[defaulted]),
            "client",
            "outside",
            443,
            Proto::Tcp
        ));
        let empty = policy("a", json!({"podSelector": {}, "egress": []}));
        assert!(allowed(
            &world(&[empty]),
            "client",
            "outside",
            443,
            Proto::Tcp
        ));
    }
}
