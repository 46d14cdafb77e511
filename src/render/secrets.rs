//! ExternalSecrets: the one that produces Grafana's admin Secret (keys `admin-user`,
//! `admin-password`), and the builder of those that hold vmauth credentials (`access.rs`).

use serde_json::Value;

use crate::tree::tree;

use super::{Generated, files, metadata};
use crate::intent::scalar::{Text, ToJson};
use crate::intent::{CREDENTIAL_USERNAME_KEY, Role, Stack, StoreKey};

pub fn render(stack: &Stack) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    let Some(admin) = g.grafana.admin.as_ref().filter(|_| g.grafana.enabled) else {
        return Vec::new();
    };
    let remote = |property: &crate::intent::scalar::Text| tree!({"key": admin.key.to_json(), "property": property.to_json()});
    vec![Generated {
        file: files::EXTERNAL_SECRET,
        object: tree!({
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": metadata(stack, &admin.secret_name),
            "spec": {
                "refreshInterval": admin.refresh_interval.to_json(),
                "secretStoreRef": {"kind": admin.store_kind, "name": admin.store.to_json()},
                "target": {
                    "name": admin.secret_name.as_str(),
                    "creationPolicy": "Owner",
                    "template": {
                        "type": "Opaque",
                        // External Secrets' Go templates, not Flux variables: no `${` here.
                        "data": {
                            "admin-user": "{{ .username }}",
                            "admin-password": "{{ .password }}",
                        },
                    },
                },
                "data": [
                    {"secretKey": "username", "remoteRef": remote(&admin.username_property)},
                    {"secretKey": "password", "remoteRef": remote(&admin.password_property)},
                ],
            },
        }),
    }]
}

/// An ExternalSecret that builds the Secret `name` of one credential: the store key's property
/// under `secret_key`, and (for an agent's basic auth) the username beside it, as text of the
/// template. The secret itself only ever travels from the store to the cluster.
pub(super) fn credential_secret(
    stack: &Stack,
    name: &str,
    store: &StoreKey,
    secret_key: &str,
    username: Option<&Text>,
) -> Value {
    let mut target = tree!({"name": name, "creationPolicy": "Owner"});
    if let Some(u) = username {
        target["template"] = tree!({
            "type": "Opaque",
            // External Secrets' Go template; the username is not a secret.
            "data": {
                CREDENTIAL_USERNAME_KEY: u.to_json(),
                secret_key: format!("{{{{ .{secret_key} }}}}"),
            },
        });
    }
    tree!({
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": metadata(stack, name),
        "spec": {
            "refreshInterval": store.refresh_interval.to_json(),
            "secretStoreRef": {"kind": store.store_kind, "name": store.store.to_json()},
            "target": target,
            "data": [{
                "secretKey": secret_key,
                "remoteRef": {"key": store.key.to_json(), "property": store.property.to_json()},
            }],
        },
    })
}
