//! The cluster settings a Flux Kustomization substitutes from (`postBuild.substituteFrom`), found
//! among the function's input items as Flux would find them on the cluster.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use serde::Serialize;

use super::envsubst;
use crate::krm::object::Object;
use crate::krm::{FileRef, ResourceRef};

/// The kinds of object Flux substitutes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SourceKind {
    ConfigMap,
    Secret,
}

impl From<SourceKind> for serde_json::Value {
    fn from(kind: SourceKind) -> Self {
        serde_json::Value::String(kind.kind().into())
    }
}

impl SourceKind {
    /// The Kubernetes kind.
    pub const fn kind(self) -> &'static str {
        match self {
            SourceKind::ConfigMap => "ConfigMap",
            SourceKind::Secret => "Secret",
        }
    }
}

/// A `substituteFrom` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub kind: SourceKind,
    pub name: String,
    pub optional: bool,
}

impl Source {
    pub fn config_map(name: &str) -> Self {
        Source {
            kind: SourceKind::ConfigMap,
            name: name.to_string(),
            optional: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// None of the sources is among the items: nothing to check against.
    Absent,
    /// Some required sources are missing: a check would report false alarms.
    Incomplete { missing: Vec<String> },
    /// Every required source is there.
    Found(Settings),
}

/// A settings key Flux refuses, and the item it is in.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidKey {
    pub key: String,
    pub item: ResourceRef,
    pub file: Option<FileRef>,
}

/// The variables Flux would substitute, merged from the sources found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    /// Later sources winning and every `\n` removed, as Flux does; only keys Flux accepts.
    pub values: BTreeMap<String, String>,
    /// Keys Flux refuses: any one of them fails every object the Kustomization substitutes.
    pub invalid_keys: Vec<InvalidKey>,
    /// Keys whose value had a line break inside it (not only at its end) before Flux removed it.
    pub broken_lines: BTreeSet<String>,
}

fn decode_base64(s: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

fn data_of(item: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let strings = |v: &Value| -> Vec<(String, String)> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    if Object(item).kind() == SourceKind::Secret.kind() {
        for (k, v) in strings(&item["data"]) {
            if let Some(decoded) = decode_base64(&v) {
                out.push((k, decoded));
            }
        }
        out.extend(strings(&item["stringData"]));
    } else {
        out.extend(strings(&item["data"]));
    }
    out
}

/// Where [`lookup`] finds settings items: a slice, scanned, or an index of them
/// (`crate::settings_index::SettingsIndex`), probed by name, so that looking up every intent's
/// settings does not cost intents × items.
pub trait Items {
    /// The items that may be named `name` and be of kind `kind`, in input order: at least every
    /// one that is (more may come; [`lookup`] checks each field itself).
    fn named<'a>(&'a self, kind: &str, name: &str) -> Vec<&'a Value>;
}

impl<T: AsRef<[Value]> + ?Sized> Items for T {
    fn named<'a>(&'a self, kind: &str, name: &str) -> Vec<&'a Value> {
        self.as_ref()
            .iter()
            .filter(|i| Object(i).kind() == kind && Object(i).name() == name)
            .collect()
    }
}

/// Decoded items found by kind and name through a map built once, for a caller that looks up
/// many intents' settings among the same items (`vmstack plan`): a probe instead of a scan, so
/// the lookups of n intents among their n settings cost n, not n².
pub struct ByName<'a> {
    by_name: HashMap<(&'a str, &'a str), Vec<&'a Value>>,
}

impl<'a> ByName<'a> {
    pub fn new(items: &'a [Value]) -> Self {
        let mut by_name: HashMap<(&str, &str), Vec<&Value>> = HashMap::new();
        for item in items {
            let o = Object(item);
            by_name.entry((o.kind(), o.name())).or_default().push(item);
        }
        ByName { by_name }
    }
}

impl Items for ByName<'_> {
    fn named<'b>(&'b self, kind: &str, name: &str) -> Vec<&'b Value> {
        self.by_name.get(&(kind, name)).cloned().unwrap_or_default()
    }
}

/// Finds the sources among `items`: ConfigMaps and Secrets of that name in `namespace` (where
/// Flux reads them) or without a namespace (a settings file kept beside the package), the first
/// one in input order. A missing optional source counts as empty, as in Flux.
pub fn lookup(items: &(impl Items + ?Sized), sources: &[Source], namespace: &str) -> Lookup {
    lookup_where(items, sources, namespace, |_| true)
}

/// [`lookup`] among the items `keep` accepts.
pub fn lookup_where(
    items: &(impl Items + ?Sized),
    sources: &[Source],
    namespace: &str,
    keep: impl Fn(&Value) -> bool,
) -> Lookup {
    let mut settings = Settings::default();
    let mut missing = Vec::new();
    let mut found_any = false;
    for source in sources {
        let named = items.named(source.kind.kind(), &source.name);
        let item = named.into_iter().find(|i| {
            let o = Object(i);
            o.api_version() == "v1"
                && o.kind() == source.kind.kind()
                && o.name() == source.name
                && (o.namespace().is_empty() || o.namespace() == namespace)
                && keep(i)
        });
        match item {
            Some(item) => {
                found_any = true;
                for (k, v) in data_of(item) {
                    if !envsubst::is_variable_name(&k) {
                        settings.invalid_keys.push(InvalidKey {
                            key: k,
                            item: Object(item).resource_ref(),
                            file: Object(item).file_ref(),
                        });
                        continue;
                    }
                    if v.trim_end_matches('\n').contains('\n') {
                        settings.broken_lines.insert(k.clone());
                    } else {
                        settings.broken_lines.remove(&k);
                    }
                    // Flux drops newlines from values before substituting.
                    settings.values.insert(k, v.replace('\n', ""));
                }
            }
            None if !source.optional => {
                missing.push(format!("{} {}", source.kind.kind(), source.name))
            }
            None => {}
        }
    }
    match (found_any, missing.is_empty()) {
        (false, _) => Lookup::Absent,
        (true, false) => Lookup::Incomplete { missing },
        (true, true) => Lookup::Found(settings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(name: &str, data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "flux-system"}, "data": data})
    }

    #[test]
    fn sources_merge_and_newlines_go() {
        let items = vec![
            settings("a", json!({"X": "1", "Y": "line\none"})),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"X": "Mg=="}, "stringData": {"Z": "3"}}),
        ];
        let sources = vec![
            Source::config_map("a"),
            Source {
                kind: SourceKind::Secret,
                name: "s".into(),
                optional: false,
            },
        ];
        let Lookup::Found(settings) = lookup(&items, &sources, "flux-system") else {
            panic!()
        };
        assert_eq!(settings.values["X"], "2", "later sources win");
        assert_eq!(settings.values["Y"], "lineone");
        assert_eq!(settings.values["Z"], "3");
        assert_eq!(settings.broken_lines, ["Y".to_string()].into());
    }

    #[test]
    fn by_name_finds_what_a_scan_finds_in_input_order() {
        let items = vec![
            settings("a", json!({"X": "1"})),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a"}}),
            settings("b", json!({})),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "other"}}),
        ];
        let index = ByName::new(&items);
        for kind in ["ConfigMap", "Secret", "Service"] {
            for name in ["a", "b", "c"] {
                assert_eq!(
                    index.named(kind, name),
                    items.named(kind, name),
                    "{kind} {name}"
                );
            }
        }
        let sources = vec![Source::config_map("a")];
        for namespace in ["flux-system", "other"] {
            assert_eq!(
                lookup(&index, &sources, namespace),
                lookup(&items, &sources, namespace)
            );
        }
    }

    #[test]
    fn absent_incomplete_and_invalid_keys() {
        let sources = vec![Source::config_map("a"), Source::config_map("b")];
        assert_eq!(lookup(&[], &sources, "flux-system"), Lookup::Absent);
        let items = vec![settings("a", json!({"1BAD": "x"}))];
        assert!(matches!(
            lookup(&items, &sources, "flux-system"),
            Lookup::Incomplete { .. }
        ));
        let only_a = &sources[..1];
        let Lookup::Found(settings) = lookup(&items, only_a, "flux-system") else {
            panic!()
        };
        let keys: Vec<(&str, &str)> = settings
            .invalid_keys
            .iter()
            .map(|k| (k.key.as_str(), k.item.name.as_str()))
            .collect();
        assert_eq!(keys, [("1BAD", "a")]);
        let elsewhere = vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "other"}, "data": {}}),
        ];
        assert_eq!(lookup(&elsewhere, only_a, "flux-system"), Lookup::Absent);
    }
}
