//! Parsing and writing the `ResourceList` envelope.

use std::io::Write;

use serde_json::{Map, Value};

use super::input::{self, InputError};
use super::item::Item;
use super::limits::Limits;
use super::result::KrmResult;
use super::scan;
use super::yaml::{self, YamlError};
use crate::parallel;

const GROUP_VERSIONS: [&str; 2] = ["config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"];

/// Why an input could not be read as a ResourceList.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("stdin is not YAML: {0}")]
    Yaml(#[from] YamlError),
    #[error("stdin is not a ResourceList: {0}")]
    Shape(String),
}

/// A ResourceList: items as values (`ResourceList<Value>`, for building one in code) or as
/// scanned [`Item`]s (`ResourceList<Item>`, as read from a host, each keeping its own text).
#[derive(Debug, Clone)]
pub struct ResourceList<I = Value> {
    /// Echoed back as received, so a v1beta1 host gets a v1beta1 answer.
    pub api_version: String,
    pub items: Vec<I>,
    pub function_config: Option<Value>,
    pub results: Vec<KrmResult>,
}

impl<I> Default for ResourceList<I> {
    fn default() -> Self {
        ResourceList {
            api_version: String::new(),
            items: Vec::new(),
            function_config: None,
            results: Vec::new(),
        }
    }
}

impl<I> ResourceList<I> {
    pub fn has_errors(&self) -> bool {
        self.results.iter().any(KrmResult::is_error)
    }

    fn with_items<J>(self, items: Vec<J>) -> ResourceList<J> {
        ResourceList {
            api_version: self.api_version,
            items,
            function_config: self.function_config,
            results: self.results,
        }
    }

    /// An empty list that carries only this result: nothing could be read, so there are no
    /// items to echo (and hosts discard the output of a failed function, so nothing is lost).
    pub fn failed(result: KrmResult) -> Self {
        let mut rl = ResourceList::default();
        rl.results.push(result);
        rl
    }
}

impl ResourceList<Value> {
    pub fn new(items: Vec<Value>, function_config: Option<Value>) -> Self {
        ResourceList {
            items,
            function_config,
            ..Default::default()
        }
    }

    pub fn into_items(mut self) -> ResourceList<Item> {
        let items = std::mem::take(&mut self.items);
        self.with_items(items.into_iter().map(Item::from).collect())
    }
}

impl ResourceList<Item> {
    /// Reads raw input bytes as a ResourceList, within `limits`.
    pub fn read(bytes: Vec<u8>, limits: &Limits) -> Result<Self, ProtocolError> {
        if bytes.len() > limits.input_bytes {
            return Err(InputError::TooLarge {
                limit: limits.input_bytes,
            }
            .into());
        }
        Self::parse_within(input::decode(bytes)?, limits)
    }

    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        Self::parse_within(text.to_string(), &Limits::default())
    }

    pub fn parse_within(text: String, limits: &Limits) -> Result<Self, ProtocolError> {
        let scanned = scan::scan(text, limits)?;
        let Value::Object(mut map) = scanned.envelope else {
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
        // The protocol requires `items` (empty or not), and both hosts always send it: a list
        // without it is something else, and answering it with no items would tell the host to
        // delete whatever it meant to send.
        match map.get("items") {
            Some(Value::Null) => {}
            None => {
                return Err(ProtocolError::Shape(
                    "items is missing: a ResourceList always carries its items, `items: []` when \
                     there are none"
                        .into(),
                ));
            }
            Some(_) => return Err(ProtocolError::Shape("items must be a list".into())),
        }
        let items = scanned.items;
        if let Some(i) = items
            .iter()
            .position(|i| i.value().is_some_and(|v| !v.is_object()))
        {
            return Err(ProtocolError::Shape(format!("items[{i}] is not an object")));
        }
        // kpt sends `functionConfig: {}` when there is none; an empty map means no config.
        let function_config = match map.remove("functionConfig") {
            Some(Value::Object(m)) if m.is_empty() => None,
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        };
        Ok(ResourceList {
            api_version,
            items,
            function_config,
            results: Vec::new(),
        })
    }

    /// The items as values, every one decoded.
    pub fn into_values(mut self) -> Result<ResourceList<Value>, YamlError> {
        let items = std::mem::take(&mut self.items);
        let values = items
            .into_iter()
            .map(Item::into_value)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.with_items(values))
    }

    /// The ResourceList as YAML. Items that came in unchanged are written as their own text,
    /// the others from their values.
    pub fn to_yaml(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail, and only whole UTF-8 strings are written.
        let _ = self.write_yaml(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// [`Self::to_yaml`], written item by item: a large list is never held twice in memory.
    pub fn write_yaml(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let api_version = if self.api_version.is_empty() {
            GROUP_VERSIONS[0]
        } else {
            &self.api_version
        };
        write!(out, "apiVersion: {api_version}\nkind: ResourceList\n")?;
        if self.items.is_empty() {
            out.write_all(b"items: []\n")?;
        } else {
            out.write_all(b"items:\n")?;
            // Items written from their values are written to memory in parallel, a batch at a
            // time (so the output is never all held twice), then copied out in order.
            let mut entry = String::new();
            for batch in self.items.chunks(WRITE_BATCH) {
                let from_values = batch.iter().filter(|i| i.text().is_none()).count();
                let written = if from_values >= PARALLEL_WRITES {
                    parallel::map(batch, |item| {
                        let value = item.value().filter(|_| item.text().is_none())?;
                        let mut entry = String::new();
                        yaml::write_entry(value, &mut entry);
                        Some(entry)
                    })
                } else {
                    Vec::new()
                };
                for (i, item) in batch.iter().enumerate() {
                    match written.get(i) {
                        Some(Some(written)) => out.write_all(written.as_bytes())?,
                        _ => write_item(out, item, &mut entry)?,
                    }
                }
            }
        }
        let mut tail = Map::new();
        if let Some(fc) = &self.function_config {
            tail.insert("functionConfig".into(), fc.clone());
        }
        if !self.results.is_empty() {
            let results = serde_json::to_value(&self.results).unwrap_or(Value::Null);
            tail.insert("results".into(), results);
        }
        if !tail.is_empty() {
            out.write_all(yaml::to_yaml(&Value::Object(tail)).as_bytes())?;
        }
        Ok(())
    }
}

/// Items per batch of parallel writing: a thread's start costs about as much as writing a few
/// dozen objects on this machine class, so batches are large, and small ones stay on one thread.
const WRITE_BATCH: usize = 4096;
const PARALLEL_WRITES: usize = 64;

fn write_item(out: &mut dyn Write, item: &Item, entry: &mut String) -> std::io::Result<()> {
    if let Some(text) = item.text() {
        out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    let Some(value) = item.value() else {
        return Ok(());
    };
    entry.clear();
    yaml::write_entry(value, entry);
    out.write_all(entry.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        rl.items[0].value_mut().unwrap()["data"]["s"] = json!("y");
        let changed = rl.to_yaml();
        assert!(
            !changed.contains("'x'"),
            "a changed item is written from its value: {changed}"
        );
        let back = ResourceList::parse(&changed)
            .unwrap()
            .into_values()
            .unwrap();
        assert_eq!(back.items, rl.into_values().unwrap().items);
    }

    #[test]
    fn equal_items_keep_each_its_own_text() {
        let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {kind: ConfigMap, data: {n: \"1\"}}\n- {kind: ConfigMap, data: {n: '1'}}\n";
        let rl = ResourceList::parse(input).unwrap();
        let out = rl.to_yaml();
        assert!(
            out.contains(
                "- {kind: ConfigMap, data: {n: \"1\"}}\n- {kind: ConfigMap, data: {n: '1'}}\n"
            ),
            "{out}"
        );
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
        assert!(
            ResourceList::parse(
                "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a\n"
            )
            .is_err()
        );
    }
}
