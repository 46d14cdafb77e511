//! PodDisruptionBudgets, as standalone objects only: the custom resources' own
//! `podDisruptionBudget` stays unset (a pod covered by two PDBs cannot be evicted at all, which
//! blocks every node drain), and the intent check refuses `values` that set it.

use super::{Generated, files, labels_map, metadata};
use crate::intent::scalar::{Setting, ToJson};
use crate::intent::{Component, Role, Stack};
use crate::operator::{Component as C, Names};
use crate::tree::tree;

pub fn render(stack: &Stack, names: &Names) -> Vec<Generated> {
    let members: Vec<(C, &Component)> = match &stack.role {
        Role::Global(g) => {
            let mut m = vec![
                (C::VmStorage, &g.vmstorage.component),
                (C::VmSelect, &g.vmselect.component),
                (C::VmInsert, &g.vminsert),
                (C::VmAlert, &g.vmalert.component),
                (C::VmAlertmanager, &g.alertmanager.component),
            ];
            if g.vmauth.enabled {
                m.push((C::VmAuth, &g.vmauth.component));
            }
            if g.vmagent.enabled {
                m.push((C::VmAgent, &g.vmagent.component));
            }
            m
        }
        Role::Agent(a) => vec![(C::VmAgent, &a.vmagent)],
    };
    members
        .into_iter()
        // A single replica has nothing to keep available during a drain.
        .filter(|(_, c)| !matches!(c.replicas, Setting::Literal(n) if n <= 1))
        .map(|(c, settings)| Generated {
            file: files::PDB,
            object: tree!({
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": metadata(stack, &names.workload(c)),
                "spec": {
                    "maxUnavailable": settings.max_unavailable.to_json(),
                    "selector": {"matchLabels": labels_map(&names.pod_selector(c))},
                },
            }),
        })
        .collect()
}
