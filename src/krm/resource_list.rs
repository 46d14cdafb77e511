//! Parsing and writing the `ResourceList` envelope.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::raw_items;
use super::result::KrmResult;
use super::yaml;

const GROUP_VERSIONS: [&str; 2] = ["config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"];

#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("stdin is not YAML: {0}")]
    Yaml(#[from] yaml::YamlError),
    #[error("stdin is not a ResourceList: {0}")]
    Shape(String),
}

#[derive(Debug, Clone, Default)]
pub struct ResourceList {
    /// Echoed back as received, so a v1beta1 host gets a v1beta1 answer.
    pub api_version: String,
    pub items: Vec<Value>,
    pub function_config: Option<Value>,
    pub results: Vec<KrmResult>,
    /// Source text of the items as they came in, by their JSON form: an item that goes back
    /// unchanged is written as it was read.
    sources: HashMap<String, String>,
}

fn identity(item: &Value) -> String {
    item.to_string()
}

impl ResourceList {
    pub fn new(items: Vec<Value>, function_config: Option<Value>) -> Self {
        ResourceList {
            items,
            function_config,
            ..Default::default()
        }
    }

    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        let doc = yaml::parse_document(text)?;
        let Value::Object(mut map) = doc else {
            return Err(ProtocolError::Shape("the document is not a mapping".into()));
        };
        let api_version = match map.get("apiVersion").and_then(Value::as_str) {
            Some(v) if GROUP_VERSIONS.contains(&v) => v.to_string(),
            Some(v) => {
                return Err(ProtocolError::Shape(format!(
                    "apiVersion {v:?} is not one of {}",
                    GROUP_VERSIONS.join(", ")
                )));
            }
            None => return Err(ProtocolError::Shape("apiVersion is missing".into())),
        };
        if map.get("kind").and_then(Value::as_str) != Some("ResourceList") {
            return Err(ProtocolError::Shape("kind must be ResourceList".into()));
        }
        let items = match map.remove("items") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err(ProtocolError::Shape("items must be a list".into())),
        };
        if let Some(i) = items.iter().position(|i| !i.is_object()) {
            return Err(ProtocolError::Shape(format!("items[{i}] is not an object")));
        }
        // kpt sends `functionConfig: {}` when there is none; an empty map means no config.
        let function_config = match map.remove("functionConfig") {
            Some(Value::Object(m)) if m.is_empty() => None,
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        };
        let sources = raw_items::source_texts(text, &items)
            .into_iter()
            .zip(&items)
            .filter_map(|(text, item)| Some((identity(item), text?)))
            .collect();
        Ok(ResourceList {
            api_version,
            items,
            function_config,
            results: Vec::new(),
            sources,
        })
    }

    pub fn has_errors(&self) -> bool {
        self.results.iter().any(KrmResult::is_error)
    }

    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        let api_version = if self.api_version.is_empty() {
            GROUP_VERSIONS[0]
        } else {
            &self.api_version
        };
        map.insert("apiVersion".into(), json!(api_version));
        map.insert("kind".into(), json!("ResourceList"));
        map.insert("items".into(), Value::Array(self.items.clone()));
        if let Some(fc) = &self.function_config {
            map.insert("functionConfig".into(), fc.clone());
        }
        if !self.results.is_empty() {
            let results = serde_json::to_value(&self.results).unwrap_or(Value::Null);
            map.insert("results".into(), results);
        }
        Value::Object(map)
    }

    /// The ResourceList as YAML. Items that came in unchanged keep their source text.
    pub fn to_yaml(&self) -> String {
        let mut head = self.to_value();
        let tail = head.as_object_mut().map(|m| {
            m.remove("items");
            let tail: Map<String, Value> = ["functionConfig", "results"]
                .iter()
                .filter_map(|k| Some((k.to_string(), m.remove(*k)?)))
                .collect();
            Value::Object(tail)
        });
        let mut out = yaml::to_yaml(&head);
        if self.items.is_empty() {
            out.push_str("items: []\n");
        } else {
            out.push_str("items:\n");
            for item in &self.items {
                match self.sources.get(&identity(item)) {
                    Some(source) => out.push_str(source),
                    None => out.push_str(&yaml::as_sequence_entry(&yaml::to_yaml(item))),
                }
            }
        }
        if let Some(tail) = tail.filter(|t| t.as_object().is_some_and(|m| !m.is_empty())) {
            out.push_str(&yaml::to_yaml(&tail));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_versions_and_empty_config() {
        for v in GROUP_VERSIONS {
            let rl = ResourceList::parse(&format!(
                "apiVersion: {v}\nkind: ResourceList\nitems: []\nfunctionConfig: {{}}\n"
            ))
            .unwrap();
            assert_eq!(rl.api_version, v);
            assert!(rl.function_config.is_none());
        }
    }

    #[test]
    fn unchanged_items_go_back_as_they_came() {
        let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data:\n    n: \"${N}\"\n    s: 'x'\n";
        let mut rl = ResourceList::parse(input).unwrap();
        let out = rl.to_yaml();
        assert!(
            out.contains("  metadata: {name: a}\n  data:\n    n: \"${N}\"\n    s: 'x'\n"),
            "{out}"
        );
        rl.items[0]["data"]["s"] = json!("y");
        let changed = rl.to_yaml();
        assert!(
            !changed.contains("'x'"),
            "a changed item is written from its value: {changed}"
        );
        assert_eq!(ResourceList::parse(&changed).unwrap().items, rl.items);
    }

    #[test]
    fn rejects_other_documents() {
        assert!(ResourceList::parse("apiVersion: v1\nkind: ConfigMap\n").is_err());
        assert!(ResourceList::parse("- a\n").is_err());
        assert!(
            ResourceList::parse(
                "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [1]\n"
            )
            .is_err()
        );
    }
}
