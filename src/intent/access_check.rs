//! Rules across the access fields of one intent: what vmauth needs to exist, names the operator
//! derives from a VMUser, and users whose credentials clash (vmauth refuses a configuration in
//! which two users present the same credentials, and a reader must not also be a writer).

use super::decode::child;
use super::diagnostic::Diagnostics;
use super::model::*;
use crate::code::Code;

/// The longest name the operator accepts for a VMUser: it labels the Secret it makes for it
/// (`vmuser-<name>`) with `app.kubernetes.io/instance: <name>`, and a label value is ≤ 63.
const VMUSER_NAME_LIMIT: usize = 63;

pub fn global(s: &Stack, g: &Global, d: &mut Diagnostics) {
    needs_vmauth(s, g, d);
    for account in g.accounts(&s.release) {
        if account.object_name.len() > VMUSER_NAME_LIMIT {
            d.report(
                Code::NameTooLong,
                &account.declared_at,
                format!(
                    "the VMUser {:?} is {} characters long: the operator labels its Secret \
                     (vmuser-{}) with the VMUser's name, and a label value holds at most {} \
                     (shorten the name, or spec.releaseName)",
                    account.object_name,
                    account.object_name.len(),
                    account.object_name,
                    VMUSER_NAME_LIMIT
                ),
            );
        }
    }
    clashes(&g.accounts(&s.release), d);
}

pub fn agent(s: &Stack, d: &mut Diagnostics) {
    if let Some(cidrs) = &s.network.vmauth_cidrs {
        d.report(
            Code::WrongRole,
            &cidrs.path,
            "vmauthCidrs applies to role global (an agent runs no vmauth)",
        );
    }
}

/// Access declared while vmauth is off, or that no client could use.
fn needs_vmauth(s: &Stack, g: &Global, d: &mut Diagnostics) {
    if !g.vmauth.enabled {
        let off = "vmauth.enabled is false";
        for u in &g.vmauth.users {
            d.report(
                Code::AccessImpossible,
                &u.name.path,
                format!("user {:?} has no vmauth to log in to: {off}", u.name.value),
            );
        }
        for a in &g.agents {
            if let Some(c) = &a.credentials {
                d.report(
                    Code::AccessImpossible,
                    &c.path,
                    format!(
                        "agent {:?} has credentials but no vmauth checks them: {off}",
                        a.cluster.value
                    ),
                );
            }
        }
        if let Some(i) = &g.vmauth.ingress {
            d.report(
                Code::AccessImpossible,
                &i.path,
                format!("an Ingress needs the vmauth it leads to: {off}"),
            );
        }
        if let Some(from) = &g.remote_write_from
            && from.target.value == RemoteWriteTarget::VmAuth
        {
            d.report(
                Code::AccessImpossible,
                &from.target.path,
                format!("writes across the mesh cannot enter through vmauth: {off}"),
            );
        }
        if let Some(cidrs) = &s.network.vmauth_cidrs {
            d.report(
                Code::AccessImpossible,
                &cidrs.path,
                format!("no vmauth to admit these ranges to: {off}"),
            );
        }
    }
    if let Some(i) = &g.vmauth.ingress
        && g.vmauth.enabled
        && s.network.enabled
        && s.network.ingress_namespaces.is_empty()
    {
        d.report(
            Code::AccessImpossible,
            &child(&i.path, "host"),
            "the ingress controller's pods could not reach vmauth: name its namespace in \
             spec.networkPolicies.ingressNamespaces",
        );
    }
}

/// What vmauth tells users apart by: a basic-auth username, or where a bearer token comes from.
#[derive(Debug, PartialEq)]
enum Identity {
    Username(String),
    Token(String),
}

fn identity(c: &Credentials) -> Option<Identity> {
    match (&c.kind, &c.source) {
        (CredentialKind::Basic { username }, _) if !username.0.contains("${") => {
            Some(Identity::Username(username.0.clone()))
        }
        (CredentialKind::Bearer, CredentialSource::Store(k)) if !k.key.0.contains("${") => Some(
            Identity::Token(format!("{}/{}#{}", k.store.0, k.key.0, k.property.0)),
        ),
        _ => None,
    }
}

fn describe(a: &Account) -> String {
    match &a.subject {
        Subject::Grafana => "Grafana's VMUser".into(),
        Subject::Agent(c) => format!("agent {c:?}"),
        Subject::User(n) => format!("user {n:?}"),
    }
}

fn clashes(accounts: &[Account], d: &mut Diagnostics) {
    for (i, later) in accounts.iter().enumerate() {
        let Some(id) = identity(&later.credentials) else {
            continue;
        };
        let Some(earlier) = accounts[..i]
            .iter()
            .find(|e| identity(&e.credentials).as_ref() == Some(&id))
        else {
            continue;
        };
        let what = match &id {
            Identity::Username(u) => format!("username {u:?}"),
            Identity::Token(_) => "bearer token".to_string(),
        };
        let message = if earlier.access != later.access && earlier.tenant.same_as(&later.tenant) {
            format!(
                "{} and {} share the {what}: one client would both read and write tenant {} \
                 (a reader never writes: give each its own credentials)",
                describe(earlier),
                describe(later),
                later.tenant
            )
        } else {
            format!(
                "{} uses the {what} of {}: vmauth refuses a configuration in which two users \
                 share credentials, and then admits nobody",
                describe(later),
                describe(earlier)
            )
        };
        d.report(Code::AccessConflict, &later.declared_at, message);
    }
}
