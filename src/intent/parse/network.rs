//! The NetworkPolicy settings (`networkPolicies`) and what the stack scrapes (`scrape`).

use std::net::IpAddr;

use serde_json::Value;

use super::name_or;
use crate::code::Code;
use crate::intent::decode::{Decode, index, string_map, wrong_type};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::spanned::Spanned;

pub(super) fn network(f: &mut Fields, d: &mut Diagnostics) -> Network {
    let def = Network::default();
    let mut n = f.section("networkPolicies", d);
    let enabled = n.or("enabled", def.enabled, d);
    let ingress_namespaces = n.or("ingressNamespaces", def.ingress_namespaces, d);
    let api_server_ports = ports(&mut n, "apiServerPorts", def.api_server_ports, d);
    let receivers_path = n.path_of("alertmanagerReceivers");
    let alertmanager_receivers = n
        .raw("alertmanagerReceivers")
        .and_then(|v| receivers(v, &receivers_path, d))
        .map(|r| Spanned::new(r, &receivers_path));
    let cidrs_path = n.path_of("vmauthCidrs");
    let vmauth_cidrs = n
        .opt::<Vec<String>>("vmauthCidrs", d)
        .inspect(|list| {
            for (i, c) in list.iter().enumerate() {
                if let Some(problem) = cidr_problem(c) {
                    d.push(
                        Diagnostic::new(
                            Code::InvalidCidr,
                            index(&cidrs_path, i),
                            format!("{c:?} is not a CIDR: {problem}"),
                        )
                        .with_current(&Value::String(c.clone())),
                    );
                }
            }
        })
        .map(|list| Spanned::new(list, &cidrs_path));
    let mut dns = n.section("dns", d);
    let dns_namespace = name_or(&mut dns, "namespace", def.dns_namespace, d);
    let labels_path = dns.path_of("podLabels");
    let dns_pod_labels = dns
        .raw("podLabels")
        .and_then(|l| string_map(l, &labels_path, d))
        .unwrap_or(def.dns_pod_labels);
    dns.finish(d);
    n.finish(d);
    Network {
        enabled,
        ingress_namespaces,
        api_server_ports,
        dns_namespace,
        dns_pod_labels,
        alertmanager_receivers,
        vmauth_cidrs,
    }
}

/// A TCP or UDP port number: 1 to 65535.
struct Port(u16);

impl Decode for Port {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let n = u32::decode(v, path, d)?;
        match u16::try_from(n) {
            Ok(p) if p > 0 => Some(Port(p)),
            _ => {
                d.report(Code::OutOfRange, path, format!("{n} is not a port"));
                None
            }
        }
    }
}

fn ports(f: &mut Fields, key: &'static str, default: Vec<u16>, d: &mut Diagnostics) -> Vec<u16> {
    f.opt::<Vec<Port>>(key, d)
        .map_or(default, |ports| ports.into_iter().map(|p| p.0).collect())
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

/// `alertmanagerReceivers`: `[{cidr, ports}]`, `cidr` absent meaning any address.
fn receivers(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Vec<Receiver>> {
    let Value::Array(items) = v else {
        wrong_type(d, path, "a list of {cidr, ports}", v);
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut r) = Fields::new(item, &index(path, i), d) else {
            continue;
        };
        let def = Receiver::default();
        let cidr_path = r.path_of("cidr");
        let cidr = r.opt::<String>("cidr", d);
        if let Some(c) = &cidr
            && let Some(problem) = cidr_problem(c)
        {
            d.push(
                Diagnostic::new(
                    Code::InvalidCidr,
                    &cidr_path,
                    format!("{c:?} is not a CIDR: {problem}"),
                )
                .with_current(&Value::String(c.clone())),
            );
        }
        let ports_path = r.path_of("ports");
        let ports = ports(&mut r, "ports", def.ports, d);
        if ports.is_empty() {
            d.report(
                Code::MissingField,
                &ports_path,
                "ports is empty: name the receiver's ports (443 for HTTPS)",
            );
        }
        r.finish(d);
        out.push(Receiver { cidr, ports });
    }
    Some(out)
}

pub(super) fn scrape(f: &mut Fields, role: RoleKind, d: &mut Diagnostics) -> Scrape {
    let def = Scrape::default_for(role);
    let mut s = f.section("scrape", d);
    let scrape = Scrape {
        kube_state_metrics: s.or("kubeStateMetrics", def.kube_state_metrics, d),
        node_exporter: s.or("nodeExporter", def.node_exporter, d),
        cilium: s.or("cilium", def.cilium, d),
        cilium_namespace: name_or(&mut s, "ciliumNamespace", def.cilium_namespace, d),
    };
    s.finish(d);
    scrape
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

    #[test]
    fn ports_are_checked_one_by_one() {
        let v = serde_json::json!({"p": [443, 0, 70000]});
        let mut d = Diagnostics::default();
        let mut f = Fields::new(&v, "n", &mut d).unwrap();
        assert_eq!(ports(&mut f, "p", vec![1], &mut d), [1]);
        let paths: Vec<_> = d.list.iter().map(|x| (x.code, x.path.as_str())).collect();
        assert_eq!(
            paths,
            [(Code::OutOfRange, "n.p[1]"), (Code::OutOfRange, "n.p[2]")]
        );
    }
}
