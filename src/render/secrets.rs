//! The ExternalSecret that produces Grafana's admin Secret (keys `admin-user`, `admin-password`).

use serde_json::json;

use super::{Generated, files, metadata};
use crate::intent::scalar::ToJson;
use crate::intent::{Role, Stack};

pub fn render(stack: &Stack) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    let Some(admin) = g.grafana.admin.as_ref().filter(|_| g.grafana.enabled) else {
        return Vec::new();
    };
    let remote = |property: &crate::intent::scalar::Text| json!({"key": admin.key.to_json(), "property": property.to_json()});
    vec![Generated {
        file: files::EXTERNAL_SECRET,
        object: json!({
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": metadata(stack, &admin.secret_name),
            "spec": {
                "refreshInterval": admin.refresh_interval.to_json(),
                "secretStoreRef": {"kind": admin.store_kind, "name": admin.store.to_json()},
                "target": {
                    "name": admin.secret_name,
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
