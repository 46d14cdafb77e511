//! An evaluator of the network policies vmstack emits, over a model of the clusters.
//!
//! Kubernetes NetworkPolicy semantics (`kube.rs`): a pod that no policy selects for a direction is
//! open in that direction; a selected pod allows only what some rule of a selecting policy allows;
//! a connection needs the source's egress AND the destination's ingress. Under Cilium (1.19 and
//! later) a plain policy's pod and namespace selectors see only pods of its own cluster.
//! CiliumNetworkPolicy (`cilium.rs`): the subset vmstack emits, endpoint selectors naming a cluster
//! with `io.cilium.k8s.policy.cluster`. A CiliumNetworkPolicy and a NetworkPolicy that select the
//! same pod add up: the pod is isolated by either, and either may allow.
//!
//! Anything outside the modelled subset panics rather than being guessed.

#![allow(dead_code)]

pub mod cilium;
pub mod kube;
pub mod selector;
pub mod world;

use world::{Endpoint, Node, Proto, World};

/// What one direction of a connection meets.
#[derive(Debug, PartialEq, Eq)]
enum Side {
    /// No policy selects the pod for this direction (or it is no pod): open.
    NotSelected,
    Allowed,
    Denied,
}

/// Whether `from` may open a connection to `to` on `port`/`proto`.
pub fn allowed(world: &World, from: &str, to: &str, port: u16, proto: Proto) -> bool {
    let (from, to) = (world.get(from), world.get(to));
    side(world, from, to, port, proto, Direction::Egress) != Side::Denied
        && side(world, to, from, port, proto, Direction::Ingress) != Side::Denied
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// The verdict of the policies selecting `subject` for one direction; `peer` is the other end,
/// and the port is always the destination's.
fn side(
    world: &World,
    subject: &Node,
    peer: &Node,
    port: u16,
    proto: Proto,
    dir: Direction,
) -> Side {
    let Endpoint::Pod { .. } = subject.endpoint else {
        return Side::NotSelected;
    };
    let destination = match dir {
        Direction::Ingress => subject,
        Direction::Egress => peer,
    };
    let mut selected = false;
    for applied in &world.policies {
        let verdict = match applied.object["kind"].as_str() {
            Some("NetworkPolicy") => {
                kube::verdict(applied, subject, peer, destination, port, proto, dir)
            }
            Some("CiliumNetworkPolicy") => {
                cilium::verdict(applied, subject, peer, port, proto, dir)
            }
            other => panic!("policy kind {other:?} is not modelled"),
        };
        match verdict {
            None => {}
            Some(true) => return Side::Allowed,
            Some(false) => selected = true,
        }
    }
    if selected {
        Side::Denied
    } else {
        Side::NotSelected
    }
}
