//! The settings of one run (the ConfigMaps and Secrets the intents' `substituteFrom` names),
//! found through [`krm::Index`](crate::krm::index::Index) and decoded once, so that looking up
//! an intent's settings is a hash probe instead of a scan of the items.
//!
//! Flux reads a source from the Kustomization's namespace; vmstack also takes one without a
//! namespace (a settings file kept beside the package). Among the items that can be, the first
//! v1 one in input order is the one: what `flux::substitute_from::lookup` finds by scanning.
//!
//! Today `function.rs` hands [`SettingsIndex::values`] to `settings::check_and_substitute`,
//! which still scans them once per intent (the part of a fleet's cost that grows with
//! intents × settings, docs/performance.md); [`SettingsIndex::get`] is the lookup to give it
//! instead.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::flux::substitute_from::SourceKind;
use crate::intent::Stack;
use crate::krm::index::Index;
use crate::krm::item::{self, Item};
use crate::krm::yaml::YamlError;

/// (kind, name, the Flux namespace it is read from) → position in `values`.
type Key = (&'static str, String, String);

#[derive(Debug, Default)]
pub struct SettingsIndex {
    values: Vec<Value>,
    by_source: HashMap<Key, usize>,
}

/// The first v1 item of this kind and name in `namespace` or in none, in input order.
fn first_source(
    items: &[Item],
    index: &Index,
    kind: &str,
    name: &str,
    namespace: &str,
) -> Option<usize> {
    [namespace, ""]
        .iter()
        .flat_map(|ns| index.find(kind, ns, name))
        .copied()
        .filter(|&i| items[i].object().api_version() == "v1")
        .min()
}

impl SettingsIndex {
    /// Finds the settings every stack with Flux names, and decodes them (in one parse). The
    /// errors are those of the items that could not be decoded, by position.
    pub fn find(
        items: &mut [Item],
        index: &Index,
        stacks: &[&Stack],
    ) -> Result<SettingsIndex, Vec<(usize, YamlError)>> {
        let mut found: HashMap<Key, usize> = HashMap::new();
        for stack in stacks.iter().filter(|s| s.flux.enabled) {
            let namespace = stack.flux.namespace.as_str();
            for source in stack.flux.substitute_from.iter() {
                let kind = source.kind.kind();
                let key = (kind, source.name.clone(), namespace.to_string());
                if found.contains_key(&key) {
                    continue;
                }
                if let Some(i) = first_source(items, index, kind, &source.name, namespace) {
                    found.insert(key, i);
                }
            }
        }
        let picked: Vec<usize> = found
            .values()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let errors = item::decode_at(items, &picked);
        if !errors.is_empty() {
            return Err(errors);
        }
        let slot: HashMap<usize, usize> = picked.iter().enumerate().map(|(s, &i)| (i, s)).collect();
        let values = picked
            .iter()
            .filter_map(|&i| items[i].value())
            .cloned()
            .collect();
        let by_source = found.into_iter().map(|(k, i)| (k, slot[&i])).collect();
        Ok(SettingsIndex { values, by_source })
    }

    /// Every settings item found, in input order: among these, a scan finds for each intent
    /// exactly what it would find among all the items.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The item Flux reads for this source when the Kustomization is in `namespace`, if one of
    /// the stacks given to [`SettingsIndex::find`] names it and it is among the items.
    pub fn get(&self, kind: SourceKind, name: &str, namespace: &str) -> Option<&Value> {
        let key = (kind.kind(), name.to_string(), namespace.to_string());
        self.by_source.get(&key).map(|&s| &self.values[s])
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
                let in_values = substitute_from::lookup(settings.values(), alone, namespace);
                assert_eq!(
                    in_values, by_scan,
                    "{source:?} from {namespace}, in values()"
                );
                asked += 1;
            }
        }
        assert_eq!(asked, 6);
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
        assert!(
            settings
                .get(SourceKind::ConfigMap, "b", "elsewhere")
                .is_none(),
            "not asked"
        );
        assert_eq!(
            settings.values().len(),
            4,
            "a bare ConfigMap a serves both namespaces"
        );
    }
}
