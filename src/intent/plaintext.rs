//! Secrets written into the intent as text. The intent is committed to Git and every generated
//! object carries what it says, so a password, token or key belongs in a secret store (or a
//! Secret) and only its name belongs here. This check reads the raw spec, every field, the
//! `values` escape hatch and `extraArgs` flags included.

use serde_json::Value;

use super::decode::{child, index};
use super::diagnostic::Diagnostics;
use crate::code::Code;

/// Field names (the last dotted part of a key, so `remoteWrite.basicAuth.password` counts) that
/// hold a secret value.
pub const CREDENTIAL_KEYS: &[&str] = &[
    "password",
    "adminPassword",
    "basicAuthPassword",
    "bearerToken",
    "bearer_token",
    "token",
    "authToken",
    "auth_token",
    "secret_key",
    "client_secret",
    "clientSecret",
    "apiKey",
    "api_key",
];

/// Whether a value leaves the secret to be read at run time: Grafana's expansions
/// (`$__file{…}`, `$__env{…}`, `$__vault{…}`), an environment variable (`$NAME`), a Flux
/// variable (`${NAME}`, substituted from the cluster's settings), or nothing at all.
pub fn is_reference(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.contains("${") {
        return true;
    }
    if ["$__file{", "$__env{", "$__vault{"]
        .iter()
        .any(|open| s.starts_with(open) && s.ends_with('}'))
    {
        return true;
    }
    s.strip_prefix('$').is_some_and(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

fn is_credential_key(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key);
    CREDENTIAL_KEYS.contains(&last)
}

/// Reports every secret the spec holds as text, at its path.
pub fn check(spec: &Value, path: &str, d: &mut Diagnostics) {
    match spec {
        Value::Object(m) => {
            for (k, v) in m {
                // Keys with dots (`grafana.ini`, flags) are quoted, as in VMS210's paths.
                let p = if k.contains('.') {
                    child(path, &format!("{k:?}"))
                } else {
                    child(path, k)
                };
                match v {
                    Value::String(s) if is_credential_key(k) && !is_reference(s) => {
                        d.report(
                            Code::PlaintextSecret,
                            &p,
                            format!(
                                "{k} holds a secret as text: it would be committed with the \
                                 intent and copied into the generated objects; keep it in the \
                                 secret store and name its key (auth.key, adminCredentials.key), \
                                 or read it at run time ($__file{{…}}, $__env{{…}})"
                            ),
                        );
                    }
                    Value::Number(_) if is_credential_key(k) => {
                        d.report(
                            Code::PlaintextSecret,
                            &p,
                            format!("{k} holds a secret as text: keep it in the secret store"),
                        );
                    }
                    _ => check(v, &p, d),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(item, &index(path, i), d);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(spec: Value) -> Vec<String> {
        let mut d = Diagnostics::default();
        check(&spec, "spec", &mut d);
        assert!(d.list.iter().all(|x| x.code == Code::PlaintextSecret));
        d.list.into_iter().map(|x| x.path).collect()
    }

    #[test]
    fn literal_secrets_are_found_anywhere() {
        let found = paths(json!({
            "vmauth": {"users": [{"name": "ci", "auth": {"password": "hunter2"}}]},
            "values": {
                "grafana": {"adminPassword": "admin", "grafana.ini": {"database": {"password": 1234}}},
                "vmagent": {"spec": {"extraArgs": {"remoteWrite.bearerToken": "abc"}}},
            },
        }));
        assert_eq!(
            found,
            [
                "spec.vmauth.users[0].auth.password",
                "spec.values.grafana.adminPassword",
                "spec.values.grafana.\"grafana.ini\".database.password",
                "spec.values.vmagent.spec.extraArgs.\"remoteWrite.bearerToken\"",
            ]
        );
    }

    #[test]
    fn references_and_names_of_secrets_are_not_secrets() {
        assert!(
            paths(json!({
                "grafana": {"adminCredentials": {"key": "grafana", "passwordProperty": "password"}},
                "values": {
                    "grafana": {"grafana.ini": {"database": {"password": "$__file{/etc/db/password}"}}},
                    "vmagent": {"spec": {"remoteWrite": [{"basicAuth": {"password": {"name": "s", "key": "password"}}}]}},
                    "x": {"password": "${DB_PASSWORD}", "token": "$GF_TOKEN", "bearerToken": ""},
                },
            }))
            .is_empty()
        );
    }
}
