//! Rules across the intents of one input: an agent and the global stack it writes to must agree
//! on the agent's cluster, tenant, credentials and route. Each problem is reported on the agent.

use super::diagnostic::Diagnostic;
use super::model::*;
use crate::code::Code;
use crate::intent::scalar::UrlParts;

/// The problems of each agent among `stacks` whose global stack is among them too, with the
/// index of the agent's stack.
pub fn across(stacks: &[&Stack]) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    // Found once: a fleet has thousands of agents and a few globals.
    let all_globals: Vec<(&Stack, &Global)> = stacks
        .iter()
        .filter_map(|g| match &g.role {
            Role::Global(global) => Some((*g, global.as_ref())),
            Role::Agent(_) => None,
        })
        .collect();
    for (i, s) in stacks.iter().enumerate() {
        let Role::Agent(a) = &s.role else { continue };
        let globals: Vec<(&Stack, &Global)> = all_globals
            .iter()
            .copied()
            .filter(|(g, _)| match &a.remote_write.via {
                RemoteWriteVia::CrossCluster(t) => {
                    g.release.value == t.release.value && g.namespace == t.namespace
                }
                // A URL behind a variable is not followed here: the capacity check resolves
                // it from the settings, this check reads the intents alone.
                RemoteWriteVia::Url => UrlParts::parse(a.remote_write.url.text())
                    .is_ok_and(|u| g.receives_writes_at(&u.host, &s.namespace)),
            })
            .collect();
        for d in agent(s, a, &globals) {
            out.push((i, d));
        }
    }
    out
}

fn name(s: &Stack) -> String {
    format!("VictoriaMetricsStack {}/{}", s.namespace, s.name)
}

fn agent(s: &Stack, a: &Agent, globals: &[(&Stack, &Global)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(cluster) = s.cluster.as_ref().filter(|c| !c.0.contains("${")) else {
        return out;
    };
    if globals.is_empty() {
        return out;
    }
    let found = globals.iter().find_map(|(g, global)| {
        global
            .agents
            .iter()
            .find(|e| e.cluster.value == cluster.0)
            .map(|e| (*g, *global, e))
    });
    let Some((g, global, entry)) = found else {
        let names: Vec<String> = globals.iter().map(|(g, _)| name(g)).collect();
        out.push(Diagnostic::new(
            Code::IntentsDisagree,
            "spec.cluster",
            format!(
                "cluster {:?} is not in spec.agents of {}: its silence would go unnoticed, and \
                 no VMUser would admit its writes; add it there",
                cluster.0,
                names.join(" or ")
            ),
        ));
        return out;
    };
    let rw = &a.remote_write;
    if !rw.tenant.same_as(&entry.tenant) {
        out.push(Diagnostic::new(
            Code::IntentsDisagree,
            &rw.tenant.path,
            format!(
                "{} grants cluster {:?} tenant {} (at {}), but this agent writes to tenant {}",
                name(g),
                cluster.0,
                entry.tenant.value,
                entry.tenant.path,
                rw.tenant.value
            ),
        ));
    }
    match (&rw.auth, &entry.credentials) {
        (Some(mine), None) => out.push(Diagnostic::new(
            Code::IntentsDisagree,
            &mine.path,
            format!(
                "{} gives cluster {:?} no credentials (its agents entry has no auth), so no \
                 VMUser admits these",
                name(g),
                cluster.0
            ),
        )),
        (None, Some(theirs)) => out.push(Diagnostic::new(
            Code::IntentsDisagree,
            "spec.remoteWrite",
            format!(
                "{} expects cluster {:?} to authenticate (at {}): add remoteWrite.auth",
                name(g),
                cluster.0,
                theirs.path
            ),
        )),
        (Some(mine), Some(theirs)) => {
            if mine.kind.kind() != theirs.kind.kind() {
                out.push(Diagnostic::new(
                    Code::IntentsDisagree,
                    &mine.path,
                    format!(
                        "{} checks a {} for cluster {:?}, this agent sends a {}",
                        name(g),
                        word(&theirs.kind),
                        cluster.0,
                        word(&mine.kind)
                    ),
                ));
            } else if let (
                CredentialKind::Basic { username: u1 },
                CredentialKind::Basic { username: u2 },
                false,
            ) = (
                &mine.kind,
                &theirs.kind,
                matches!(mine.source, CredentialSource::Existing(_)),
            ) && !u1.0.contains("${")
                && !u2.0.contains("${")
                && u1.0 != u2.0
            {
                out.push(Diagnostic::new(
                    Code::IntentsDisagree,
                    &u1.path,
                    format!(
                        "{} admits cluster {:?} as username {:?}, this agent logs in as {:?}",
                        name(g),
                        cluster.0,
                        u2.0,
                        u1.0
                    ),
                ));
            }
        }
        (None, None) => {}
    }
    if let RemoteWriteVia::CrossCluster(t) = &rw.via {
        let via_path = "spec.remoteWrite.via";
        match &global.remote_write_from {
            None => out.push(Diagnostic::new(
                Code::IntentsDisagree,
                via_path,
                format!(
                    "{} has no remoteWriteFrom: nothing exposes it across the mesh",
                    name(g)
                ),
            )),
            Some(from) if from.mechanism != t.mechanism => out.push(Diagnostic::new(
                Code::IntentsDisagree,
                via_path,
                format!(
                    "{} is reached with remoteWriteFrom.via {:?}, not {:?}",
                    name(g),
                    crate::intent::choice::Choice::name(from.mechanism),
                    crate::intent::choice::Choice::name(t.mechanism)
                ),
            )),
            Some(from) if from.target.value != t.service => out.push(Diagnostic::new(
                Code::IntentsDisagree,
                via_path,
                format!(
                    "{} admits writes across the mesh at {} ({}), but this agent writes to {}{}",
                    name(g),
                    crate::intent::choice::Choice::name(from.target.value),
                    from.target.path,
                    crate::intent::choice::Choice::name(t.service),
                    if t.service == RemoteWriteTarget::VmAuth {
                        " (it authenticates)"
                    } else {
                        " (it has no remoteWrite.auth)"
                    }
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

fn word(k: &CredentialKind) -> &'static str {
    match k {
        CredentialKind::Basic { .. } => "username and password",
        CredentialKind::Bearer => "bearer token",
    }
}
