//! The settings of one run (the ConfigMaps and Secrets the intents' `substituteFrom` names),
//! found through [`krm::Index`](crate::krm::index::Index) and decoded once, so that looking up
//! an intent's settings is a hash probe instead of a scan of the items.
//!
//! Flux reads a source from the Kustomization's namespace; vmstack also takes one without a
//! namespace (a settings file kept beside the package). The index keeps every item that can be
//! a source of some intent (v1, a kind and name some `substituteFrom` names, in a namespace
//! some intent's Flux Kustomization reads from, or in none), so that every way the settings are
//! looked up (`flux::substitute_from::lookup`, the first in input order, and the capacity
//! check's own folder first) finds among them exactly what it would find among all the items.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::flux::substitute_from::{Items, SourceKind};
use crate::intent::Stack;
use crate::krm::index::Index;
use crate::krm::item::{self, Item};
use crate::krm::object::Object;
use crate::krm::yaml::YamlError;

#[derive(Debug, Default)]
pub struct SettingsIndex {
    /// Every item that can be a source, decoded, in input order.
    values: Vec<Value>,
    /// name → positions in `values`, in input order.
    by_name: HashMap<String, Vec<usize>>,
}

impl SettingsIndex {
    /// Finds the items that can be settings of `stacks`, and decodes them (in one parse each).
    /// The errors are those of the items that could not be decoded, by position.
    pub fn find(
        items: &mut [Item],
        index: &Index,
        stacks: &[&Stack],
    ) -> Result<SettingsIndex, Vec<(usize, YamlError)>> {
        let mut namespaces: BTreeSet<&str> = BTreeSet::from([""]);
        let mut sources: BTreeSet<(&'static str, &str)> = BTreeSet::new();
        for stack in stacks {
            namespaces.insert(stack.flux.namespace.as_str());
            for source in stack.flux.substitute_from.iter() {
                sources.insert((source.kind.kind(), source.name.as_str()));
            }
        }
        let picked: Vec<usize> = sources
            .iter()
            .flat_map(|(kind, name)| namespaces.iter().map(move |ns| index.find(kind, ns, name)))
            .flatten()
            .copied()
            .filter(|&i| items[i].object().api_version() == "v1")
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let errors = item::decode_at(items, &picked);
        if !errors.is_empty() {
            return Err(errors);
        }
        let values: Vec<Value> = picked
            .iter()
            .filter_map(|&i| items[i].value())
            .cloned()
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (slot, v) in values.iter().enumerate() {
            by_name
                .entry(Object(v).name().to_string())
                .or_default()
                .push(slot);
        }
        Ok(SettingsIndex { values, by_name })
    }

    /// Every item that can be a source, in input order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The item Flux reads for this source when the Kustomization is in `namespace`, if one of
    /// the stacks given to [`SettingsIndex::find`] names it and it is among the items.
    pub fn get(&self, kind: SourceKind, name: &str, namespace: &str) -> Option<&Value> {
        self.named(kind.kind(), name).into_iter().find(|v| {
            let o = Object(v);
            o.kind() == kind.kind() && (o.namespace().is_empty() || o.namespace() == namespace)
        })
    }
}

impl Items for SettingsIndex {
    fn named<'a>(&'a self, kind: &str, name: &str) -> Vec<&'a Value> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&slot| &self.values[slot])
            .filter(|v| Object(v).kind() == kind)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flux::substitute_from;
    use crate::function::OWNER;
    use crate::krm::ResourceList;
    use crate::krm::object::Object;

    fn stack(name: &str, flux_namespace: &str, sources: &str) -> Value {
        crate::krm::yaml::parse_document(&format!(
            "apiVersion: vmstack.dev/v1alpha1
kind: VictoriaMetricsStack
metadata: {{name: {name}, namespace: observability}}
spec:
  role: agent
  cluster: {name}
  remoteWrite: {{url: 'http://vminsert-vm-global.observability.svc:8480'}}
  flux:
    path: ./{name}
    namespace: {flux_namespace}
    substituteFrom: {sources}
"
        ))
        .unwrap()
    }

    /// Items where the first match is not the obvious one: a v1beta1 object and another kind
    /// of the same name first, one source both with and without a namespace, in either order,
    /// and one in another namespace only.
    const ITEMS: &str = "apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- {apiVersion: v1beta1, kind: ConfigMap, metadata: {name: a, namespace: flux-system}, data: {X: beta}}
- {apiVersion: v1, kind: Secret, metadata: {name: a, namespace: flux-system}, stringData: {X: secret}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {X: bare}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: flux-system}, data: {X: namespaced}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: flux-system}, data: {Y: first}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, data: {Y: second}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: elsewhere}, data: {Z: far}}
";

    #[test]
    fn get_finds_what_a_scan_of_all_the_items_finds() {
        let mut rl = ResourceList::parse(ITEMS).unwrap();
        let intents = [
            stack("one", "flux-system", "[a, b, c, {kind: Secret, name: a}]"),
            stack("two", "elsewhere", "[a, c]"),
        ];
        let stacks: Vec<Stack> = intents
            .iter()
            .map(|i| crate::intent::parse(i).unwrap())
            .collect();
        let stacks: Vec<&Stack> = stacks.iter().collect();
        let index = Index::new(&rl.items, OWNER);
        let settings = SettingsIndex::find(&mut rl.items, &index, &stacks).unwrap();
        let all: Vec<Value> = rl.into_values().unwrap().items;

        let mut asked = 0;
        for stack in &stacks {
            let namespace = &stack.flux.namespace;
            for source in stack.flux.substitute_from.iter() {
                let alone = std::slice::from_ref(source);
                let by_scan = substitute_from::lookup(&all, alone, namespace);
                let found: Vec<Value> = settings
                    .get(source.kind, &source.name, namespace)
                    .into_iter()
                    .cloned()
                    .collect();
                let by_index = substitute_from::lookup(&found, alone, namespace);
                assert_eq!(by_index, by_scan, "{source:?} from {namespace}");
                let through_index = substitute_from::lookup(&settings, alone, namespace);
                assert_eq!(
                    through_index, by_scan,
                    "{source:?} from {namespace}, as Items"
                );
                asked += 1;
            }
        }
        assert_eq!(asked, 6);
        // Whole substituteFrom lists, and with a filter (as the capacity check looks in the
        // intent's folder first): the same through the index as over every item.
        let bare = |v: &Value| Object(v).namespace().is_empty();
        for stack in &stacks {
            let (sources, namespace) = (&stack.flux.substitute_from, &stack.flux.namespace);
            assert_eq!(
                substitute_from::lookup(&settings, sources, namespace),
                substitute_from::lookup(&all, sources, namespace)
            );
            assert_eq!(
                substitute_from::lookup_where(&settings, sources, namespace, bare),
                substitute_from::lookup_where(&all, sources, namespace, bare)
            );
        }
        let data = |v: Option<&Value>| v.map(|v| v["data"].clone());
        let cm = |name: &str, ns: &str| settings.get(SourceKind::ConfigMap, name, ns);
        assert_eq!(
            data(cm("a", "flux-system")),
            Some(serde_json::json!({"X": "bare"}))
        );
        assert_eq!(
            data(cm("b", "flux-system")),
            Some(serde_json::json!({"Y": "first"}))
        );
        assert_eq!(
            data(cm("c", "elsewhere")),
            Some(serde_json::json!({"Z": "far"}))
        );
        assert!(cm("c", "flux-system").is_none());
        let secret = settings
            .get(SourceKind::Secret, "a", "flux-system")
            .unwrap();
        assert_eq!(Object(secret).kind(), "Secret");
        assert_eq!(
            data(cm("b", "elsewhere")),
            Some(serde_json::json!({"Y": "second"})),
            "not asked, but a candidate all the same: the bare one"
        );
        assert!(
            settings
                .get(SourceKind::ConfigMap, "d", "flux-system")
                .is_none(),
            "named by no intent"
        );
        assert_eq!(
            settings.values().len(),
            6,
            "every v1 item that can be a source, not the v1beta1 one"
        );
    }
}
