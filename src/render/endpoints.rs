//! A ConfigMap with the global stack's real endpoints, under the keys the seed's cluster settings
//! use, so the values an agent's settings need come from the intent rather than by hand.

use serde_json::json;

use super::{Generated, files, metadata};
use crate::intent::{Role, Stack};
use crate::operator::{Component as C, Names};

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let Role::Global(g) = &stack.role else {
        return Vec::new();
    };
    let mut data = serde_json::Map::new();
    data.insert(
        "GLOBAL_VM_INSERT_ENDPOINT".into(),
        json!(names.service_url(C::VmInsert)),
    );
    data.insert(
        "GLOBAL_VM_SELECT_ENDPOINT".into(),
        json!(names.service_url(C::VmSelect)),
    );
    data.insert(
        "GLOBAL_ALERTMANAGER_ENDPOINT".into(),
        json!(names.service_url(C::VmAlertmanager)),
    );
    if g.vmauth.enabled {
        data.insert(
            "GLOBAL_VM_AUTH_ENDPOINT".into(),
            json!(names.service_url(C::VmAuth)),
        );
    }
    vec![Generated {
        file: files::ENDPOINTS,
        object: json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(stack, &format!("{}-endpoints", stack.release)),
            "data": data,
        }),
    }]
}
