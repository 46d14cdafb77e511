//! Access through vmauth: on the global role one VMUser per account (Grafana, each agent with
//! credentials, each user) with the ExternalSecret its credentials come from; on an agent, the
//! ExternalSecret its remote write authenticates with.
//!
//! A VMUser only routes the paths of its access, to the operator's own Service URL of the
//! VMCluster part (a `crd` target the operator resolves, never a URL written here). Neither
//! object ever holds the secret: the VMUser references the Secret (`passwordRef`, `tokenRef`),
//! or asks the operator to generate the password.

use serde_json::{Map, Value};

use crate::tree::tree;

use super::{Generated, files, metadata, secrets};
use crate::intent::scalar::{Tenant, ToJson};
use crate::intent::*;
use crate::operator::{Names, vmuser};

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    match &stack.role {
        Role::Global(g) => {
            let mut out = Vec::new();
            for account in g.accounts(&stack.release) {
                if let CredentialSource::Store(key) = &account.credentials.source {
                    out.push(Generated {
                        file: files::EXTERNAL_SECRET,
                        object: secrets::credential_secret(
                            stack,
                            &account.object_name,
                            key,
                            account.credentials.kind.secret_key(),
                            None,
                        ),
                    });
                }
                out.push(Generated {
                    file: files::VMUSER,
                    object: vmuser_object(stack, names, &account),
                });
            }
            out
        }
        Role::Agent(a) => {
            let Some(c) = &a.remote_write.auth else {
                return Vec::new();
            };
            let CredentialSource::Store(key) = &c.source else {
                return Vec::new();
            };
            let username = match &c.kind {
                CredentialKind::Basic { username } => Some(&username.value),
                CredentialKind::Bearer => None,
            };
            vec![Generated {
                file: files::EXTERNAL_SECRET,
                object: secrets::credential_secret(
                    stack,
                    &remote_write_secret(stack, c),
                    key,
                    c.kind.secret_key(),
                    // vmagent reads both from the Secret: the username goes in beside the
                    // password.
                    username,
                ),
            }]
        }
    }
}

/// The Secret an agent's remote write reads its credentials from.
pub fn remote_write_secret(stack: &Stack, c: &Credentials) -> String {
    match &c.source {
        CredentialSource::Existing(name) => name.clone(),
        _ => format!("{}-remote-write-auth", stack.release),
    }
}

/// The VMAgent `remoteWrite` fields that present the agent's credentials.
pub fn remote_write_auth(stack: &Stack, c: &Credentials) -> Map<String, Value> {
    let secret = remote_write_secret(stack, c);
    let selector = |key: &str| tree!({"name": secret.as_str(), "key": key});
    let mut m = Map::new();
    match c.kind {
        CredentialKind::Basic { .. } => {
            m.insert(
                "basicAuth".into(),
                tree!({
                    "username": selector(CREDENTIAL_USERNAME_KEY),
                    "password": selector(CREDENTIAL_PASSWORD_KEY),
                }),
            );
        }
        CredentialKind::Bearer => {
            m.insert("bearerTokenSecret".into(), selector(CREDENTIAL_TOKEN_KEY));
        }
    }
    m
}

/// The request paths an account may use, as vmauth regexes (matched against the whole path).
pub fn allowed_paths(account: &Account) -> Vec<String> {
    let t = account.tenant.path_pattern();
    match (&account.subject, account.access) {
        // vmagent only ever sends Prometheus remote write.
        (Subject::Agent(_), _) => vec![format!("/insert/{t}/prometheus/api/v1/write")],
        (Subject::Grafana, _) => vec![format!("/select/{t}/prometheus/.*")],
        (Subject::User(_), AccessKind::Write) => vec![format!("/insert/{t}/.*")],
        (Subject::User(_), AccessKind::Read) => vec![format!("/select/{t}/.*")],
    }
}

fn vmuser_object(stack: &Stack, names: &Names, account: &Account) -> Value {
    let mut spec = Map::new();
    spec.insert("name".into(), Value::String(account.object_name.clone()));
    let c = &account.credentials;
    if let CredentialKind::Basic { username } = &c.kind {
        // Written out, so the operator never falls back to the VMUser's name.
        spec.insert("username".into(), username.value.to_json());
    }
    match (&c.source, &c.kind) {
        (CredentialSource::Generated, _) => {
            spec.insert("generatePassword".into(), Value::Bool(true));
        }
        (_, kind) => {
            let reference = tree!({"name": account.object_name.as_str(), "key": kind.secret_key()});
            let field = match kind {
                CredentialKind::Basic { .. } => "passwordRef",
                CredentialKind::Bearer => "tokenRef",
            };
            spec.insert(field.into(), reference);
            // The ExternalSecret's Secret is the one copy: the operator would copy the
            // credential into a Secret of its own (vmuser-<name>) otherwise.
            spec.insert("disable_secret_creation".into(), Value::Bool(true));
        }
    }
    let kind = match account.access {
        AccessKind::Write => vmuser::CRD_VMINSERT,
        AccessKind::Read => vmuser::CRD_VMSELECT,
    };
    spec.insert(
        "targetRefs".into(),
        tree!([{
            "crd": {
                "kind": kind,
                "name": names.custom_resource(),
                "namespace": names.namespace(),
            },
            "paths": allowed_paths(account),
        }]),
    );
    tree!({
        "apiVersion": "operator.victoriametrics.com/v1beta1",
        "kind": "VMUser",
        "metadata": metadata(stack, &account.object_name),
        "spec": spec,
    })
}

/// The read path of the query side (`/select/<tenant>/prometheus`).
pub fn read_path(tenant: &Tenant) -> String {
    format!("/select/{}/prometheus", tenant.as_str())
}

/// The objects of this module (and Grafana's admin ExternalSecret) the Flux Kustomization waits
/// for, as (apiVersion, kind, name): every ExternalSecret (Ready once the store answered), then
/// every VMUser (operational once vmauth took it in).
pub fn health_objects(stack: &Stack) -> Vec<(&'static str, &'static str, String)> {
    const ES: (&str, &str) = ("external-secrets.io/v1", "ExternalSecret");
    const USER: (&str, &str) = ("operator.victoriametrics.com/v1beta1", "VMUser");
    let mut secrets = Vec::new();
    let mut users = Vec::new();
    match &stack.role {
        Role::Global(g) => {
            if let Some(admin) = g.grafana.admin.as_ref().filter(|_| g.grafana.enabled) {
                secrets.push((ES.0, ES.1, admin.secret_name.clone()));
            }
            for account in g.accounts(&stack.release) {
                if matches!(account.credentials.source, CredentialSource::Store(_)) {
                    secrets.push((ES.0, ES.1, account.object_name.clone()));
                }
                users.push((USER.0, USER.1, account.object_name));
            }
        }
        Role::Agent(a) => {
            if let Some(c) = &a.remote_write.auth
                && matches!(c.source, CredentialSource::Store(_))
            {
                secrets.push((ES.0, ES.1, remote_write_secret(stack, c)));
            }
        }
    }
    secrets.extend(users);
    secrets
}
