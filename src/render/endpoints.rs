//! A ConfigMap with the global stack's real endpoints, under the settings keys agents' intents
//! read them from (`GLOBAL_VM_INSERT_ENDPOINT`, …), so the values an agent's settings need come
//! from the intent rather than by hand.

use serde_json::{Map, Value};

use crate::tree::tree;

use super::{Generated, files, metadata};
use crate::intent::{Role, Stack};
use crate::operator::Component as C;

/// The global stack's endpoints under their settings keys (none for an agent).
pub fn endpoint_settings(stack: &Stack) -> Vec<(String, String)> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    let names = stack.names();
    let mut out = vec![
        (
            "GLOBAL_VM_INSERT_ENDPOINT".to_string(),
            names.service_url(C::VmInsert),
        ),
        (
            "GLOBAL_VM_SELECT_ENDPOINT".to_string(),
            names.service_url(C::VmSelect),
        ),
        (
            "GLOBAL_ALERTMANAGER_ENDPOINT".to_string(),
            names.service_url(C::VmAlertmanager),
        ),
    ];
    if g.vmauth.enabled {
        out.push((
            "GLOBAL_VM_AUTH_ENDPOINT".to_string(),
            names.service_url(C::VmAuth),
        ));
    }
    out
}

pub fn render(stack: &Stack) -> Vec<Generated> {
    let settings = endpoint_settings(stack);
    if settings.is_empty() {
        return Vec::new();
    }
    let data: Map<String, Value> = settings.into_iter().map(|(k, v)| (k, tree!(v))).collect();
    vec![Generated {
        file: files::ENDPOINTS,
        object: tree!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(stack, &format!("{}-endpoints", stack.release)),
            "data": data,
        }),
    }]
}
