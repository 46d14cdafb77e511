//! Access through vmauth: `agents`, `vmauth.users` and `vmauth.ingress` on the global role, and
//! the credentials (`auth`) both roles read.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::code::Code;
use crate::intent::choice::Choice;
use crate::intent::decode::{Decode, index, string_map, wrong_type};
use crate::intent::diagnostic::Diagnostics;
use crate::intent::fields::Fields;
use crate::intent::model::*;
use crate::intent::plaintext::CREDENTIAL_KEYS;
use crate::intent::scalar::{GoDuration, Name, Setting, Tenant, Text};
use crate::intent::spanned::Spanned;

/// What a credentials section may hold where it is read.
pub(super) struct CredentialRules<'a> {
    pub role: RoleKind,
    /// Whether the operator may generate the password: only for clients of the global cluster
    /// itself, since nothing outside it can read the Secret the operator keeps it in.
    pub may_generate: bool,
    /// The basic-auth username when none is written (the user's name, the agent's cluster).
    pub default_username: Option<Text>,
    /// The store a key is read from when none is named: the Grafana admin's.
    pub default_store: Option<(&'a Text, SecretStoreKind)>,
}

/// The optional `auth` section of `f`.
pub(super) fn auth_section(
    f: &mut Fields,
    rules: &CredentialRules,
    d: &mut Diagnostics,
) -> Option<Credentials> {
    let path = f.path_of("auth");
    let v = f.raw("auth")?;
    let mut a = Fields::new(v, &path, d)?;
    let credentials = credentials(&mut a, rules, d);
    a.finish(d);
    credentials
}

fn credentials(
    a: &mut Fields,
    rules: &CredentialRules,
    d: &mut Diagnostics,
) -> Option<Credentials> {
    let path = a.path().to_string();
    let type_given = a.has("type");
    let kind = a.choice::<CredentialType>("type", d);
    let username_path = a.path_of("username");
    let username = a.opt::<Text>("username", d);
    // A secret written here as a value is reported by the plaintext check, once, not also as an
    // unknown field.
    for key in CREDENTIAL_KEYS {
        let _ = a.raw(key);
    }
    let key_given = a.has("key");
    let key = a.opt::<Spanned<Text>>("key", d);
    let generate_path = a.path_of("generatePassword");
    let generate = a.opt::<bool>("generatePassword", d).unwrap_or(false);
    let existing_path = a.path_of("existingSecret");
    let existing = a.opt::<Name>("existingSecret", d);
    let store = a.opt::<Text>("store", d);
    let store_kind = a.choice::<SecretStoreKind>("storeKind", d);
    let property = a.opt::<Text>("property", d);
    let refresh_interval = a.opt::<Setting<GoDuration>>("refreshInterval", d);
    let store_fields: Vec<&str> = ["store", "storeKind", "property", "refreshInterval"]
        .into_iter()
        .filter(|k| a.has(k))
        .collect();

    let kind = match (kind, type_given) {
        (Some(k), _) => k,
        (None, true) => return None,
        (None, false) => CredentialType::Basic,
    };
    let kind = match kind {
        CredentialType::Basic => match username.or_else(|| rules.default_username.clone()) {
            Some(u) => CredentialKind::Basic {
                username: Spanned::new(u, &username_path),
            },
            None => {
                d.report(
                    Code::MissingField,
                    &username_path,
                    "username is required for basic auth",
                );
                return None;
            }
        },
        CredentialType::Bearer => {
            if a.has("username") {
                d.report(
                    Code::AccessImpossible,
                    &username_path,
                    "username applies to type basic: a bearer token names no user",
                );
            }
            CredentialKind::Bearer
        }
    };

    let sources = usize::from(key_given) + usize::from(generate) + usize::from(existing.is_some());
    let hint = match rules.role {
        RoleKind::Global if rules.may_generate => {
            "key (the secret store's key holding it) or generatePassword: true"
        }
        RoleKind::Global => "key (the secret store's key holding it)",
        RoleKind::Agent => "key (the secret store's key holding it) or existingSecret",
    };
    if sources == 0 {
        d.report(
            Code::MissingField,
            &format!("{path}.key"),
            format!("auth needs a source for the {}: {hint}", kind_word(&kind)),
        );
        return None;
    }
    if sources > 1 {
        d.report(
            Code::AccessImpossible,
            &path,
            format!("auth takes one source for the {}: {hint}", kind_word(&kind)),
        );
        return None;
    }
    if !store_fields.is_empty() && !key_given {
        d.report(
            Code::AccessImpossible,
            &format!("{path}.{}", store_fields[0]),
            format!(
                "{} apply to a key of the secret store",
                store_fields.join(", ")
            ),
        );
        return None;
    }
    let source = if generate {
        if !rules.may_generate {
            let why = match rules.role {
                RoleKind::Global => {
                    "an agent in another cluster cannot read a password the operator generates \
                     here: put it in the secret store both clusters read and name its key"
                }
                RoleKind::Agent => {
                    "an agent cannot generate the password the global vmauth checks: name the \
                     secret store's key both clusters read"
                }
            };
            d.report(Code::AccessImpossible, &generate_path, why);
            return None;
        }
        if kind == CredentialKind::Bearer {
            d.report(
                Code::AccessImpossible,
                &generate_path,
                "the operator generates passwords, not bearer tokens: use type basic, or a key",
            );
            return None;
        }
        CredentialSource::Generated
    } else if let Some(Name(secret)) = existing {
        if a.has("username") {
            d.report(
                Code::AccessImpossible,
                &username_path,
                "with existingSecret the username is that Secret's username key",
            );
            return None;
        }
        if rules.role == RoleKind::Global {
            d.report(
                Code::AccessImpossible,
                &existing_path,
                "a VMUser's credentials come from the secret store (key) or the operator \
                 (generatePassword); existingSecret applies to an agent's remote write",
            );
            return None;
        }
        CredentialSource::Existing(secret)
    } else {
        let key = key?;
        let (store, store_kind) = match (store, rules.default_store) {
            (Some(s), _) => (
                s,
                store_kind.unwrap_or(AdminCredentials::DEFAULT_STORE_KIND),
            ),
            (None, Some((s, k))) => (s.clone(), store_kind.unwrap_or(k)),
            (None, None) => {
                d.report(
                    Code::MissingField,
                    &format!("{path}.store"),
                    "store is required: the secret store holding the key (on the global role it \
                     defaults to grafana.adminCredentials.store)",
                );
                return None;
            }
        };
        CredentialSource::Store(StoreKey {
            store,
            store_kind,
            key,
            property: property.unwrap_or_else(|| StoreKey::default_property(kind.kind())),
            refresh_interval: refresh_interval.unwrap_or_else(StoreKey::default_refresh_interval),
        })
    };
    Some(Credentials { path, kind, source })
}

fn kind_word(kind: &CredentialKind) -> &'static str {
    match kind {
        CredentialKind::Basic { .. } => "password",
        CredentialKind::Bearer => "token",
    }
}

/// The items of a list field and its path; `None` when absent or not a list (reported).
fn list<'v>(
    f: &mut Fields<'v>,
    key: &'static str,
    items: &str,
    d: &mut Diagnostics,
) -> Option<(String, &'v Vec<Value>)> {
    let path = f.path_of(key);
    match f.raw(key)? {
        Value::Array(list) => Some((path, list)),
        other => {
            wrong_type(d, &path, &format!("a list of {items}"), other);
            None
        }
    }
}

/// `spec.agents`: cluster names, or `{cluster, tenant, auth}`; each cluster a DNS label, once.
pub(super) fn agents(
    f: &mut Fields,
    default_store: Option<(&Text, SecretStoreKind)>,
    d: &mut Diagnostics,
) -> Vec<AgentAccess> {
    let Some((path, items)) = list(f, "agents", "cluster names or {cluster, tenant, auth}", d)
    else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = index(&path, i);
        let Some(agent) = agent(item, &p, default_store, d) else {
            continue;
        };
        if seen.insert(agent.cluster.value.clone()) {
            out.push(agent);
        } else {
            d.report(
                Code::DuplicateAgentCluster,
                &agent.cluster.path,
                format!(
                    "agent cluster {:?} is listed twice; each cluster is watched once",
                    agent.cluster.value
                ),
            );
        }
    }
    out
}

fn agent(
    v: &Value,
    path: &str,
    default_store: Option<(&Text, SecretStoreKind)>,
    d: &mut Diagnostics,
) -> Option<AgentAccess> {
    if v.is_string() {
        let Name(cluster) = Name::decode(v, path, d)?;
        return Some(AgentAccess {
            cluster: Spanned::new(cluster, path),
            tenant: Spanned::new(Tenant::default_tenant(), format!("{path}.tenant")),
            credentials: None,
        });
    }
    let mut a = Fields::new(v, path, d)?;
    let cluster = a.req::<Spanned<Name>>("cluster", d);
    let tenant = tenant(&mut a, AccessKind::Write, d);
    let credentials = cluster.as_ref().and_then(|c| {
        let rules = CredentialRules {
            role: RoleKind::Global,
            may_generate: false,
            default_username: Some(Text(c.value.0.clone())),
            default_store,
        };
        auth_section(&mut a, &rules, d)
    });
    if cluster.is_none() {
        // Read anyway, so its own problems are reported too.
        let _ = a.raw("auth");
    }
    a.finish(d);
    Some(AgentAccess {
        cluster: cluster?.map(|n| n.0),
        tenant: tenant?,
        credentials,
    })
}

/// `tenant` of a user or agent: default `0`; only a reader may span every tenant.
fn tenant(f: &mut Fields, access: AccessKind, d: &mut Diagnostics) -> Option<Spanned<Tenant>> {
    let path = f.path_of("tenant");
    let tenant = f
        .opt::<Tenant>("tenant", d)
        .or_else(|| (!f.has("tenant")).then(Tenant::default_tenant))?;
    if tenant.is_multitenant() && access == AccessKind::Write {
        d.report(
            Code::AccessImpossible,
            &path,
            "a writer writes to one tenant: multitenant would let it pick any tenant with a \
             vm_account_id label (declare one writer per tenant)",
        );
        return None;
    }
    Some(Spanned::new(tenant, path))
}

/// `vmauth.users`: each a reader or a writer of one tenant, names unique.
pub(super) fn users(
    s: &mut Fields,
    default_store: Option<(&Text, SecretStoreKind)>,
    d: &mut Diagnostics,
) -> Vec<User> {
    let Some((path, items)) = list(s, "users", "{name, access, tenant, auth}", d) else {
        return Vec::new();
    };
    let mut out: Vec<User> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(user) = user(item, &index(&path, i), default_store, d) else {
            continue;
        };
        if out.iter().any(|u| u.name.value == user.name.value) {
            d.report(
                Code::AccessConflict,
                &user.name.path,
                format!(
                    "user {:?} is declared twice: both would be one VMUser",
                    user.name.value
                ),
            );
            continue;
        }
        out.push(user);
    }
    out
}

fn user(
    v: &Value,
    path: &str,
    default_store: Option<(&Text, SecretStoreKind)>,
    d: &mut Diagnostics,
) -> Option<User> {
    let mut u = Fields::new(v, path, d)?;
    let name = u.req::<Spanned<Name>>("name", d);
    let access = if u.has("access") {
        u.choice::<AccessKind>("access", d)
    } else {
        d.report(
            Code::MissingField,
            &u.path_of("access"),
            format!(
                "access is required: {}",
                AccessKind::CHOICES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        );
        let _ = u.raw("access");
        None
    };
    // Read even without a valid access, so that its own problems are reported, not "unknown".
    let tenant = tenant(&mut u, access.unwrap_or(AccessKind::Read), d);
    let rules = CredentialRules {
        role: RoleKind::Global,
        may_generate: true,
        default_username: name.as_ref().map(|n| Text(n.value.0.clone())),
        default_store,
    };
    let auth_given = u.has("auth");
    let credentials = auth_section(&mut u, &rules, d);
    if !auth_given {
        d.report(
            Code::MissingField,
            &u.path_of("auth"),
            "auth is required: where the user's password or token comes from",
        );
    }
    u.finish(d);
    Some(User {
        name: name?.map(|n| n.0),
        access: access?,
        tenant: tenant?,
        credentials: credentials?,
    })
}

/// `vmauth.ingress`: the Ingress the operator puts in front of vmauth.
pub(super) fn ingress(s: &mut Fields, d: &mut Diagnostics) -> Option<AuthIngress> {
    let path = s.path_of("ingress");
    let v = s.raw("ingress")?;
    let mut i = Fields::new(v, &path, d)?;
    let host = i.req::<Text>("host", d);
    let class_name = i.opt::<Text>("className", d);
    let tls_secret_name = i.opt::<Text>("tlsSecretName", d);
    let annotations_path = i.path_of("annotations");
    let annotations = i
        .raw("annotations")
        .and_then(|a| string_map(a, &annotations_path, d))
        .unwrap_or_default();
    i.finish(d);
    Some(AuthIngress {
        path,
        host: host?,
        class_name,
        tls_secret_name,
        annotations,
    })
}
