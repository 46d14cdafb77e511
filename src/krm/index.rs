//! An index of a ResourceList's items by what lookups ask for: (kind, namespace, name), and
//! the owner annotation of generated objects. Built in one pass over the heads the scan
//! already read, so no item is decoded for it; a lookup is then a hash probe instead of a scan
//! of every item (which made the cost grow with intents × items).

use std::collections::HashMap;

use super::item::Item;

#[derive(Debug, Default)]
pub struct Index {
    by_name: HashMap<(String, String, String), Vec<usize>>,
    by_owner: HashMap<String, Vec<usize>>,
}

impl Index {
    /// Indexes `items`; `owner_annotation` names the annotation that marks generated objects.
    pub fn new(items: &[Item], owner_annotation: &str) -> Self {
        let mut index = Index::default();
        for (i, item) in items.iter().enumerate() {
            let o = item.object();
            index
                .by_name
                .entry((o.kind().into(), o.namespace().into(), o.name().into()))
                .or_default()
                .push(i);
            if let Some(owner) = o.annotation(owner_annotation) {
                index.by_owner.entry(owner.into()).or_default().push(i);
            }
        }
        index
    }

    /// The positions of the items of this kind, namespace ("" for none) and name, in input
    /// order.
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> &[usize] {
        self.by_name
            .get(&(kind.into(), namespace.into(), name.into()))
            .map_or(&[], Vec::as_slice)
    }

    /// The first item in input order of this kind and name in any of `namespaces`: how Flux
    /// settings are looked up (the Kustomization's namespace, or none for a file kept beside
    /// the package).
    pub fn first_in(&self, kind: &str, namespaces: &[&str], name: &str) -> Option<usize> {
        namespaces
            .iter()
            .filter_map(|ns| self.find(kind, ns, name).first().copied())
            .min()
    }

    /// The positions of the items generated for `owner`, in input order.
    pub fn owned_by(&self, owner: &str) -> &[usize] {
        self.by_owner.get(owner).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krm::ResourceList;

    #[test]
    fn finds_items_by_name_and_owner_without_decoding_them() {
        let rl = ResourceList::parse(
            "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n\
             - {kind: ConfigMap, metadata: {name: s}}\n\
             - {kind: ConfigMap, metadata: {name: s, namespace: flux-system}}\n\
             - {kind: Secret, metadata: {name: s, namespace: flux-system, annotations: {o: a/b}}}\n",
        )
        .unwrap();
        let index = Index::new(&rl.items, "o");
        assert_eq!(index.find("ConfigMap", "flux-system", "s"), [1]);
        assert_eq!(
            index.first_in("ConfigMap", &["flux-system", ""], "s"),
            Some(0)
        );
        assert_eq!(index.first_in("Secret", &["x", ""], "s"), None);
        assert_eq!(index.owned_by("a/b"), [2]);
        assert!(rl.items.iter().all(|i| i.value().is_none()));
    }
}
