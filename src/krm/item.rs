//! One item of a ResourceList, decoded only as far as vmstack needs it.
//!
//! The scan ([`super::scan`]) reads of each item just its head: apiVersion, kind, name,
//! namespace and annotations, which is all vmstack looks at for the items it does not own, and
//! keeps the item's own text. An item that goes back unchanged is written as that text:
//! quoting, comments and key order included (the quoting decides what a Flux variable
//! substitutes to). Intents and settings are decoded on demand; changing an item drops its text.

use std::ops::Range;
use std::sync::Arc;

use serde_json::Value;

use super::limits::Limits;
use super::object::Object;
use super::yaml::{self, YamlError};
use crate::parallel;

/// The input text the items were read from, shared by all of them.
#[derive(Debug)]
pub(crate) struct Source {
    pub text: String,
    pub limits: Limits,
}

/// An item's own text: one `- ` entry of the block sequence, as it came.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    source: Arc<Source>,
    range: Range<usize>,
    /// Whether the fast way to decode may read it (the scan saw nothing it declines).
    fast: bool,
}

impl Text {
    pub(crate) fn new(source: Arc<Source>, range: Range<usize>, fast: bool) -> Self {
        Text {
            source,
            range,
            fast,
        }
    }

    fn as_str(&self) -> &str {
        self.source.text.get(self.range.clone()).unwrap_or("")
    }

    /// The item the entry holds: the entry reads as a one-element sequence.
    fn decode(&self) -> Result<Value, YamlError> {
        match yaml::decode_document_hinted(self.as_str(), &self.source.limits, self.fast)? {
            Value::Array(mut entries) if entries.len() == 1 => Ok(entries.remove(0)),
            _ => Err(YamlError::new(
                "an item's text does not hold exactly that item",
            )),
        }
    }
}

#[derive(Debug, Clone)]
enum State {
    /// Only the head is known (as a value holding just those fields); the text is the item.
    Scanned { head: Value, text: Text },
    /// Decoded; the text is kept while the value is unchanged.
    Decoded { value: Value, text: Option<Text> },
}

#[derive(Debug, Clone)]
pub struct Item(State);

impl From<Value> for Item {
    fn from(value: Value) -> Self {
        Item(State::Decoded { value, text: None })
    }
}

impl Item {
    pub(crate) fn scanned(head: Value, text: Text) -> Self {
        Item(State::Scanned { head, text })
    }

    /// An object as the entry the output writes for it, keeping only its head, as the scan
    /// keeps an input item's: a fleet's generated objects wait for the output as text, about a
    /// tenth of their size as values. The text is exactly what writing the value gives.
    pub fn written(value: &Value) -> Self {
        let mut text = String::new();
        yaml::write_entry(value, &mut text);
        let range = 0..text.len();
        let source = Arc::new(Source {
            text,
            limits: Limits::default(),
        });
        Item::scanned(head_of(value), Text::new(source, range, false))
    }

    /// A view of the item's head (or of all of it, once decoded).
    pub fn object(&self) -> Object<'_> {
        match &self.0 {
            State::Scanned { head, .. } => Object(head),
            State::Decoded { value, .. } => Object(value),
        }
    }

    /// The whole item, when it has been decoded.
    pub fn value(&self) -> Option<&Value> {
        match &self.0 {
            State::Scanned { .. } => None,
            State::Decoded { value, .. } => Some(value),
        }
    }

    /// Decodes the item from its text (once), keeping the text.
    pub fn decode(&mut self) -> Result<&Value, YamlError> {
        if let State::Scanned { text, .. } = &self.0 {
            let value = text.decode()?;
            let text = Some(text.clone());
            self.0 = State::Decoded { value, text };
        }
        match &self.0 {
            State::Decoded { value, .. } => Ok(value),
            State::Scanned { .. } => Err(YamlError::new("the item could not be decoded")),
        }
    }

    /// The item to change: decoded, and written from its value from now on.
    pub fn value_mut(&mut self) -> Result<&mut Value, YamlError> {
        self.decode()?;
        match &mut self.0 {
            State::Decoded { value, text } => {
                *text = None;
                Ok(value)
            }
            State::Scanned { .. } => Err(YamlError::new("the item could not be decoded")),
        }
    }

    pub fn into_value(mut self) -> Result<Value, YamlError> {
        self.decode()?;
        match self.0 {
            State::Decoded { value, .. } => Ok(value),
            State::Scanned { .. } => Err(YamlError::new("the item could not be decoded")),
        }
    }

    /// The item's text as it came in, while it is unchanged.
    pub fn text(&self) -> Option<&str> {
        match &self.0 {
            State::Scanned { text, .. } => Some(text.as_str()),
            State::Decoded { text, .. } => text.as_ref().map(Text::as_str),
        }
    }
}

/// The fields of an object the scan keeps as an item's head.
fn head_of(value: &Value) -> Value {
    let mut head = serde_json::Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(v) = value.get(key) {
            head.insert(key.into(), v.clone());
        }
    }
    if let Some(metadata) = value.get("metadata") {
        let mut kept = serde_json::Map::new();
        for key in ["name", "namespace", "annotations"] {
            if let Some(v) = metadata.get(key) {
                kept.insert(key.into(), v.clone());
            }
        }
        head.insert("metadata".into(), Value::Object(kept));
    }
    Value::Object(head)
}

/// Decodes every item `wanted` picks, in one parse where it can: serde-saphyr's cost per
/// document is far above its cost per byte, so hundreds of intents decode much faster as one
/// sequence (their entries concatenated are the sequence they came from) than one by one.
/// Returns the index and error of each item that could not be decoded.
pub fn decode_where(items: &mut [Item], wanted: impl Fn(&Item) -> bool) -> Vec<(usize, YamlError)> {
    let picked: Vec<usize> = (0..items.len()).filter(|&i| wanted(&items[i])).collect();
    decode_at(items, &picked)
}

/// Items below this many are decoded as one batch: a thread is not worth its start.
const ITEMS_PER_THREAD: usize = 16;

/// [`decode_where`] for the items at these positions: one batch per thread.
pub fn decode_at(items: &mut [Item], positions: &[usize]) -> Vec<(usize, YamlError)> {
    let picked: Vec<usize> = positions
        .iter()
        .copied()
        .filter(|&i| matches!(items.get(i), Some(Item(State::Scanned { .. }))))
        .collect();
    let wanted = picked.len() / ITEMS_PER_THREAD;
    let batches = if wanted < 2 {
        1
    } else {
        parallel::threads().min(wanted)
    };
    let per_batch = picked.len().div_ceil(batches).max(1);
    let groups: Vec<&[usize]> = picked.chunks(per_batch).collect();
    let shared: &[Item] = items;
    let decoded = parallel::map(&groups, |group| decode_batch(shared, group));
    let mut errors = Vec::new();
    for (group, values) in groups.iter().zip(decoded) {
        match values {
            Some(values) => {
                for (&i, value) in group.iter().zip(values) {
                    if let State::Scanned { text, .. } = &items[i].0 {
                        let text = Some(text.clone());
                        items[i].0 = State::Decoded { value, text };
                    }
                }
            }
            // One of them is at fault: decode each alone, so that the error names it.
            None => errors.extend(
                group
                    .iter()
                    .filter_map(|&i| items[i].decode().err().map(|e| (i, e))),
            ),
        }
    }
    errors
}

/// The items at `group` decoded as one sequence, or `None` when one of them cannot be.
fn decode_batch(items: &[Item], group: &[usize]) -> Option<Vec<Value>> {
    let mut batch = String::new();
    let mut limits = None;
    let mut fast = true;
    for &i in group {
        if let State::Scanned { text, .. } = &items[i].0 {
            fast &= text.fast;
            batch.push_str(text.as_str());
            if !batch.ends_with('\n') {
                batch.push('\n');
            }
            limits = Some(text.source.limits);
        }
    }
    match yaml::decode_document_hinted(&batch, &limits?, fast) {
        Ok(Value::Array(values)) if values.len() == group.len() => Some(values),
        _ => None,
    }
}
