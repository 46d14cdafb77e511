//! Reading a ResourceList without decoding the items vmstack does not need.
//!
//! One pass of YAML events over the whole input checks that it is YAML and within the limits,
//! and finds each item of `items` with its head (apiVersion, kind, name, namespace,
//! annotations) and its text. The events come from the line reader ([`lines`]) for the plain
//! block YAML hosts write, at about a sixth of the cost, and from granit-parser for anything
//! else; a [`Collector`] makes the same of both. Hosts write `items` as a block sequence at column 0
//! (`- apiVersion: …`); each item's text is its `- ` entry, which is also a YAML document of
//! its own (a one-element sequence), decoded when vmstack needs the whole item. The rest of the
//! document (apiVersion, kind, functionConfig) is decoded as usual. A large input is read the
//! same way in pieces, one per thread ([`pieces`]), and in one pass whenever the pieces cannot
//! be sure.
//!
//! Whatever this pass cannot be sure of takes the slower way: an input laid out otherwise
//! (flow style, JSON, an indented sequence) or using aliases is decoded whole and its items
//! written from their values; an item whose head holds a plain scalar that might not be a
//! string (`name: 0x1F`, `kind: null`), a tag, or a repeated key is decoded alone, so that its
//! head reads exactly as the decoder reads it.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use granit_parser::Parser;
use serde_json::{Map, Value};

use super::item::{Item, Source, Text};
use super::limits::{Limit, Limits};
use super::yaml::lines;
use super::yaml::step::Step;
use super::yaml::{self, YamlError, certainly_string};

mod pieces;

pub use pieces::pieces_agree;

/// What the scan found: the items, and the document with `items` taken out.
pub(crate) struct Scanned {
    pub items: Vec<Item>,
    pub envelope: Value,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Items,
    Item,
    Metadata,
    Annotations,
    Other,
}

struct Frame<'t> {
    place: Place,
    is_map: bool,
    /// In a mapping: the next node is a key.
    expecting_key: bool,
    /// The key whose value comes next, where the place needs it.
    key: Option<Cow<'t, str>>,
    /// Tells this mapping's keys from those of the other mappings of the item.
    id: u64,
}

/// One key of one mapping, as the scan remembers it to find a key given twice: a hash of the
/// mapping's id and the key, eight bytes at a time (a seed re-render checks a few thousand
/// keys, and a byte at a time cost more than the set itself). Two keys that collide only have
/// the item decoded, so the hash needs to be quick, not strong.
fn key_of(frame: u64, key: &str) -> u64 {
    const MIX: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |h: u64, word: u64| (h.rotate_left(23) ^ word).wrapping_mul(MIX);
    let bytes = key.as_bytes();
    // The length goes in first: "a" and "a\0" end in the same padded word.
    let mut h = step(frame.wrapping_mul(MIX), bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = step(h, u64::from_le_bytes(word.try_into().unwrap_or_default()));
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = step(h, u64::from_le_bytes(tail));
    // The set takes its buckets from the low bits, which a product mixes least.
    h ^ (h >> 29)
}

/// The keys seen in an item, by [`key_of`]: already hashes, so the set uses them as they are.
type SeenKeys = HashSet<u64, BuildHasherDefault<AsIs>>;

#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[derive(Default, Debug, PartialEq)]
struct Head {
    api_version: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
    annotations: Vec<(String, String)>,
    has_metadata: bool,
    has_annotations: bool,
    /// The head may not read as the decoder would read it: decode the item to know.
    uncertain: bool,
    /// A scalar of the item is one the fast way to decode declines (`1e3`, a tag): the item
    /// is decoded by serde-saphyr straight away, not read twice.
    slow: bool,
}

impl Head {
    fn set(slot: &mut Option<String>, value: Option<String>, uncertain: &mut bool) {
        if slot.is_some() {
            *uncertain = true;
        }
        *slot = value;
    }

    fn into_value(self) -> Value {
        let mut item = Map::new();
        if let Some(v) = self.api_version {
            item.insert("apiVersion".into(), Value::String(v));
        }
        if let Some(v) = self.kind {
            item.insert("kind".into(), Value::String(v));
        }
        if self.has_metadata {
            let mut metadata = Map::new();
            if let Some(v) = self.name {
                metadata.insert("name".into(), Value::String(v));
            }
            if let Some(v) = self.namespace {
                metadata.insert("namespace".into(), Value::String(v));
            }
            if self.has_annotations {
                let annotations = self
                    .annotations
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                metadata.insert("annotations".into(), Value::Object(annotations));
            }
            item.insert("metadata".into(), Value::Object(metadata));
        }
        Value::Object(item)
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the `- ` entry of an item that starts at `offset` begins: the `- ` on the item's own
/// line, or a `-` line above it with only comments between (`- # a comment`, then the item
/// indented on the next lines). `None` for any other layout.
fn entry_start(text: &str, offset: usize) -> Option<usize> {
    let start = line_start(text, offset);
    let prefix = &text[start..offset];
    if prefix == "- " {
        return Some(start);
    }
    if prefix != "  " {
        return None;
    }
    let mut end = start;
    while end > 0 {
        let line_begin = line_start(text, end - 1);
        let line = text[line_begin..end].trim_end();
        if let Some(rest) = line.strip_prefix('-') {
            let rest = rest.trim_start();
            return (rest.is_empty() || rest.starts_with('#')).then_some(line_begin);
        }
        if !(line.is_empty() || line.starts_with("  ") && line.trim_start().starts_with('#')) {
            return None;
        }
        end = line_begin;
    }
    None
}

/// A line that starts or ends a YAML document.
fn is_document_marker(line: &str) -> bool {
    (line.starts_with("---") || line.starts_with("..."))
        && line[3..].starts_with([' ', '\t', '\n', '\r'])
        || line.trim_end() == "---"
        || line.trim_end() == "..."
}

/// Why the fast pass gave up on the layout (not an error: the input is decoded whole).
struct OtherLayout;

enum Failure {
    Layout(OtherLayout),
    Yaml(YamlError),
}

impl From<YamlError> for Failure {
    fn from(e: YamlError) -> Self {
        Failure::Yaml(e)
    }
}

/// Scans `text` into items, within `limits`.
pub(crate) fn scan(text: String, limits: &Limits) -> Result<Scanned, YamlError> {
    let source = Arc::new(Source {
        text,
        limits: *limits,
    });
    if let Some(scanned) = pieces::scan_in_pieces(&source) {
        return Ok(scanned);
    }
    match scan_blocks(&source) {
        Ok(scanned) => Ok(scanned),
        Err(Failure::Yaml(e)) => Err(e),
        Err(Failure::Layout(OtherLayout)) => decode_whole(&source.text, limits),
    }
}

/// The slow way: the whole document decoded, items without their text.
fn decode_whole(text: &str, limits: &Limits) -> Result<Scanned, YamlError> {
    let mut envelope = yaml::decode_document_within(text, limits)?;
    let items = match envelope.as_object_mut().and_then(|m| m.get_mut("items")) {
        Some(Value::Array(items)) => std::mem::take(items),
        _ => Vec::new(),
    };
    if items.len() > limits.items {
        return Err(too_many_items(limits));
    }
    if let Some(m) = envelope.as_object_mut()
        && matches!(m.get("items"), Some(Value::Array(_)))
    {
        m.insert("items".into(), Value::Null);
    }
    Ok(Scanned {
        items: items.into_iter().map(Item::from).collect(),
        envelope,
    })
}

fn too_many_items(limits: &Limits) -> YamlError {
    YamlError::over(
        Limit::Items,
        format!(
            "the ResourceList has more than {} items (the item limit)",
            limits.items
        ),
    )
}

fn scan_blocks(source: &Arc<Source>) -> Result<Scanned, Failure> {
    let found = scan_events(&source.text, Piece::Document, &source.limits)?;
    finish(source, found)
}

/// What a text holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// The whole ResourceList, or its beginning up to an entry of `items`.
    Document,
    /// Only entries of `items`, from the `- ` of one.
    Entries,
}

/// What the pass over one text found (offsets into that text).
#[derive(Debug, PartialEq)]
struct Found {
    /// Where each item's `- ` entry starts.
    starts: Vec<usize>,
    heads: Vec<Head>,
    /// Where the items sequence ends: `usize::MAX` when it runs to the end of the text,
    /// otherwise the start of the next root node.
    items_end: Option<usize>,
    /// Like [`Head::slow`], for the document around the items.
    envelope_slow: bool,
}

fn scan_events(text: &str, piece: Piece, limits: &Limits) -> Result<Found, Failure> {
    if let Some(found) = scan_lines(text, piece, limits) {
        return Ok(found);
    }
    scan_parsed(text, piece, limits)
}

/// The scan by the line reader, `None` where it cannot be sure (then granit-parser reads the
/// text, and says what is wrong with it if anything is).
fn scan_lines(text: &str, piece: Piece, limits: &Limits) -> Option<Found> {
    let mut collector = Collector::new(text, piece, limits);
    lines::read(text, piece == Piece::Entries, |step, offset| {
        collector.step(step, offset).is_ok()
    })?;
    Some(collector.found())
}

/// The scan by granit-parser's events.
fn scan_parsed(text: &str, piece: Piece, limits: &Limits) -> Result<Found, Failure> {
    let mut collector = Collector::new(text, piece, limits);
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| yaml::parser_error(&e, limits))?;
        let offset = span.start.byte_offset().unwrap_or(0);
        if let Some(step) = Step::of(event) {
            collector.step(step, offset)?;
        }
    }
    Ok(collector.found())
}

/// What the scan gathers from the events, whichever reader gives them.
struct Collector<'t> {
    text: &'t str,
    limits: &'t Limits,
    stack: Vec<Frame<'t>>,
    /// Byte offsets where each item's `- ` entry starts, and its head.
    starts: Vec<usize>,
    heads: Vec<Head>,
    /// Where the items sequence ends: the start of the next root node, if any.
    items_end: Option<usize>,
    items_seen: bool,
    /// Whether the items sequence is open, and the keys seen in the current item's mappings.
    items_open: bool,
    item_keys: SeenKeys,
    frames: u64,
    documents: usize,
    envelope_slow: bool,
}

/// The items a list is expected to hold at first: a seed re-render holds about thirty.
const ITEMS_AHEAD: usize = 64;

impl<'t> Collector<'t> {
    fn new(text: &'t str, piece: Piece, limits: &'t Limits) -> Self {
        // Room for what an ordinary list needs, so the vectors are not copied as they grow.
        let mut stack = Vec::with_capacity(16);
        if piece == Piece::Entries {
            // The entries are the value of the root mapping's `items`, whose key is behind us.
            stack.push(Frame {
                place: Place::Root,
                is_map: true,
                expecting_key: false,
                key: Some(Cow::Borrowed("items")),
                id: 0,
            });
        }
        Collector {
            text,
            limits,
            stack,
            starts: Vec::with_capacity(ITEMS_AHEAD),
            heads: Vec::with_capacity(ITEMS_AHEAD),
            items_end: None,
            items_seen: false,
            items_open: false,
            item_keys: SeenKeys::with_capacity_and_hasher(256, Default::default()),
            frames: 0,
            documents: 0,
            envelope_slow: false,
        }
    }

    fn found(self) -> Found {
        Found {
            starts: self.starts,
            heads: self.heads,
            items_end: self.items_end,
            envelope_slow: self.envelope_slow,
        }
    }

    fn step(&mut self, step: Step<'t>, offset: usize) -> Result<(), Failure> {
        let (anchored, tagged) = match &step {
            Step::Scalar {
                anchored, tagged, ..
            }
            | Step::Start {
                anchored, tagged, ..
            } => (*anchored, *tagged),
            Step::Alias => return Err(Failure::Layout(OtherLayout)),
            Step::Document => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Failure::Layout(OtherLayout));
                }
                return Ok(());
            }
            Step::End => {
                if let Some(Frame {
                    place: Place::Items,
                    ..
                }) = self.stack.pop()
                {
                    self.items_end = Some(usize::MAX);
                    self.items_open = false;
                }
                return Ok(());
            }
        };
        if anchored && self.stack.len() > 1 {
            // An anchor inside the items could be used by another item: decode whole.
            return Err(Failure::Layout(OtherLayout));
        }
        // The node's role: a key or a value of the mapping it is in, or a sequence entry.
        let (parent_place, is_key, key) = match self.stack.last_mut() {
            None => (None, false, None),
            Some(f) if f.is_map => {
                let is_key = f.expecting_key;
                f.expecting_key = !is_key;
                let key = if is_key { None } else { f.key.take() };
                (Some(f.place), is_key, key)
            }
            Some(f) => (Some(f.place), false, None),
        };
        if self.items_end == Some(usize::MAX) && parent_place == Some(Place::Root) {
            self.items_end = Some(offset);
        }
        let in_items = self.items_open && parent_place.is_some_and(|p| p != Place::Items);
        // Anywhere in an item, what the decoder may read otherwise than the text says, or
        // refuse (a tag, a key that is not certainly a string, such as an empty one, or a key
        // given twice), has the item decoded now: its text is only echoed when it decodes.
        if in_items {
            let mut doubt = tagged;
            if is_key && let Step::Scalar { value, plain, .. } = &step {
                doubt |= *plain && !certainly_string(value);
                let frame = self.stack.last().map_or(0, |f| f.id);
                doubt |= !self.item_keys.insert(key_of(frame, value));
            }
            if doubt && let Some(h) = self.heads.last_mut() {
                h.uncertain = true;
            }
        }
        // A value the fast way to decode would decline has its item (or the envelope) decoded
        // by serde-saphyr at once. Only a hint: either way reads the same.
        if let Step::Scalar { value, plain, .. } = &step
            && !is_key
            && (tagged || anchored || *plain && !yaml::fast_reads(value))
        {
            match self.heads.last_mut() {
                Some(h) if in_items => h.slow = true,
                _ => self.envelope_slow = true,
            }
        }
        match step {
            Step::Scalar { value, plain, .. } => {
                self.scalar(value, plain, tagged, parent_place, is_key, key)
            }
            Step::Start { map, block, .. } => {
                self.start(map, block, tagged, offset, parent_place, is_key, key)
            }
            _ => Ok(()),
        }
    }

    fn scalar(
        &mut self,
        value: Cow<'t, str>,
        plain: bool,
        tagged: bool,
        parent_place: Option<Place>,
        is_key: bool,
        key: Option<Cow<'t, str>>,
    ) -> Result<(), Failure> {
        if value.len() > self.limits.string_bytes {
            return Err(yaml::string_too_long(self.limits).into());
        }
        let Some(parent) = parent_place else {
            return Ok(());
        };
        if parent == Place::Items {
            // An item that is not an object: the decoder's error names it.
            return Err(Failure::Layout(OtherLayout));
        }
        // Asked only of the head's nodes: most of an item is elsewhere.
        let reads_as_string = |value: &str| !plain || certainly_string(value);
        let head = self.heads.last_mut();
        if is_key {
            let wanted = matches!(
                parent,
                Place::Root | Place::Item | Place::Metadata | Place::Annotations
            );
            if wanted {
                if let Some(h) = head.filter(|_| parent != Place::Root) {
                    h.uncertain |= tagged || !reads_as_string(&value);
                }
                if let Some(f) = self.stack.last_mut() {
                    f.key = Some(value);
                }
            }
            return Ok(());
        }
        let Some(h) = head else { return Ok(()) };
        if !matches!(parent, Place::Item | Place::Metadata | Place::Annotations) {
            return Ok(());
        }
        let is_string = reads_as_string(&value);
        let value = (is_string && !tagged).then(|| value.into_owned());
        if !is_string || tagged {
            h.uncertain = true;
        }
        match (parent, key.as_deref()) {
            (Place::Item, Some("apiVersion")) => {
                Head::set(&mut h.api_version, value, &mut h.uncertain)
            }
            (Place::Item, Some("kind")) => Head::set(&mut h.kind, value, &mut h.uncertain),
            (Place::Item, Some("metadata")) => h.uncertain = true,
            (Place::Metadata, Some("name")) => Head::set(&mut h.name, value, &mut h.uncertain),
            (Place::Metadata, Some("namespace")) => {
                Head::set(&mut h.namespace, value, &mut h.uncertain)
            }
            (Place::Metadata, Some("annotations")) => h.uncertain = true,
            (Place::Annotations, Some(k)) => match value {
                Some(v) => {
                    if h.annotations.iter().any(|(key, _)| key == k) {
                        h.uncertain = true;
                    }
                    h.annotations.push((k.to_string(), v));
                }
                None => h.uncertain = true,
            },
            _ => {}
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        is_map: bool,
        block: bool,
        tagged: bool,
        offset: usize,
        parent_place: Option<Place>,
        is_key: bool,
        key: Option<Cow<'t, str>>,
    ) -> Result<(), Failure> {
        let limits = self.limits;
        if self.stack.len() >= limits.depth {
            return Err(YamlError::over(
                Limit::Depth,
                format!(
                    "nested deeper than {} levels (the nesting limit)",
                    limits.depth
                ),
            )
            .into());
        }
        let head = self.heads.last_mut();
        let place = match (parent_place, key.as_deref(), is_key) {
            (_, _, true) => {
                // A collection as a key: only the decoder knows what that means.
                if let Some(h) = head {
                    h.uncertain = true;
                }
                Place::Other
            }
            (None, _, _) if is_map => Place::Root,
            (Some(Place::Root), Some("items"), _) => {
                if self.items_seen || is_map || !block {
                    return Err(Failure::Layout(OtherLayout));
                }
                self.items_seen = true;
                self.items_open = true;
                Place::Items
            }
            (Some(Place::Items), _, _) => {
                let entry = entry_start(self.text, offset).filter(|_| is_map && !tagged);
                let Some(entry) = entry else {
                    return Err(Failure::Layout(OtherLayout));
                };
                if self.starts.len() >= limits.items {
                    return Err(too_many_items(limits).into());
                }
                self.starts.push(entry);
                self.heads.push(Head::default());
                self.item_keys.clear();
                Place::Item
            }
            (Some(Place::Item), Some("metadata"), _) if is_map => {
                if let Some(h) = head {
                    h.uncertain |= h.has_metadata || tagged;
                    h.has_metadata = true;
                }
                Place::Metadata
            }
            (Some(Place::Metadata), Some("annotations"), _) if is_map => {
                if let Some(h) = head {
                    h.uncertain |= h.has_annotations || tagged;
                    h.has_annotations = true;
                }
                Place::Annotations
            }
            (Some(Place::Item | Place::Metadata | Place::Annotations), k, _) => {
                if let Some(h) = head {
                    if matches!(
                        k,
                        Some(
                            "apiVersion"
                                | "kind"
                                | "metadata"
                                | "name"
                                | "namespace"
                                | "annotations"
                        )
                    ) {
                        // A head field that is not a string, or an annotation value that is a
                        // collection: let the decoder say what it is.
                        h.uncertain = true;
                    }
                    if parent_place == Some(Place::Annotations) {
                        h.uncertain = true;
                    }
                }
                Place::Other
            }
            _ => Place::Other,
        };
        self.frames += 1;
        self.stack.push(Frame {
            place,
            is_map,
            expecting_key: true,
            key: None,
            id: self.frames,
        });
        Ok(())
    }
}

/// Whether the line reader reads `text` (whole, and as entries only) exactly as granit-parser
/// does whenever it reads it at all, event by event and in what the scan finds (`Ok(true)`: it
/// read it at least one way), for the property tests and the fuzz target; `Err` says how they
/// differ.
pub fn lines_agree(text: &str, limits: &Limits) -> Result<bool, String> {
    let mut answered = false;
    for piece in [Piece::Document, Piece::Entries] {
        if !lines::events_agree(text, piece == Piece::Entries)? {
            continue;
        }
        answered = true;
        let by_lines = scan_lines(text, piece, limits);
        let by_parser = scan_parsed(text, piece, limits).ok();
        if by_lines.is_some() && by_lines != by_parser {
            return Err(format!(
                "the scan differs:\n{by_lines:?}\n{by_parser:?}\n{text}"
            ));
        }
    }
    Ok(answered)
}

/// The items and the envelope from what the pass found over the whole text.
fn finish(source: &Arc<Source>, found: Found) -> Result<Scanned, Failure> {
    let text = source.text.as_str();
    let limits = &source.limits;
    let Found {
        starts,
        heads,
        items_end,
        envelope_slow,
    } = found;
    let decode = |text: &str| yaml::decode_document_hinted(text, limits, !envelope_slow);
    let Some(first) = starts.first() else {
        // No items: the document is small, or all of it is elsewhere.
        return Ok(Scanned {
            items: Vec::new(),
            envelope: decode(text)?,
        });
    };
    let region_start = *first;
    let region_end = match items_end {
        Some(end) if end != usize::MAX => line_start(text, end),
        _ => text.len(),
    };
    let mut bounds: Vec<usize> = starts[1..].to_vec();
    bounds.push(region_end);
    let last = &text[starts[starts.len() - 1]..region_end];
    if last.split_inclusive('\n').any(is_document_marker) {
        return Err(Failure::Layout(OtherLayout));
    }

    let mut envelope_text = String::with_capacity(region_start + text.len() - region_end);
    envelope_text.push_str(&text[..region_start]);
    envelope_text.push_str(&text[region_end..]);
    let envelope = decode(&envelope_text)?;

    let mut items = Vec::with_capacity(starts.len());
    for ((start, end), head) in starts.iter().zip(&bounds).zip(heads) {
        let range = *start..*end;
        let text = Text::new(Arc::clone(source), range, !head.slow);
        let uncertain = head.uncertain;
        let mut item = Item::scanned(head.into_value(), text);
        if uncertain {
            item.decode()?;
        }
        items.push(item);
    }
    Ok(Scanned { items, envelope })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_default(text: &str) -> Scanned {
        scan(text.to_string(), &Limits::default()).unwrap()
    }

    const INPUT: &str = "\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap # a comment
  metadata:
    name: a
    annotations:
      config.kubernetes.io/path: 'a.yaml'
  data:
    quoted: \"${VALUE}\"
    text: |
      - not an item
      items: no

- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b, namespace: x}
functionConfig:
  apiVersion: v1
";

    #[test]
    fn items_keep_their_text_and_heads() {
        let s = scan_default(INPUT);
        assert_eq!(s.items.len(), 2);
        let a = &s.items[0];
        assert!(a.value().is_none(), "an ordinary item is not decoded");
        assert_eq!(a.object().name(), "a");
        assert_eq!(
            a.object().annotation("config.kubernetes.io/path"),
            Some("a.yaml")
        );
        let text = a.text().unwrap();
        assert!(text.starts_with("- apiVersion: v1\n  kind: ConfigMap # a comment\n"));
        assert!(text.ends_with("      items: no\n\n"), "{text:?}");
        let b = &s.items[1];
        assert_eq!((b.object().name(), b.object().namespace()), ("b", "x"));
        assert_eq!(
            b.text(),
            Some("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b, namespace: x}\n")
        );
        assert_eq!(s.envelope["functionConfig"]["apiVersion"], "v1");
        assert_eq!(s.envelope["items"], Value::Null);
    }

    #[test]
    fn a_decoded_item_equals_what_the_whole_parse_gives() {
        let whole = yaml::parse_document(INPUT).unwrap();
        let mut s = scan_default(INPUT);
        for (i, item) in s.items.iter_mut().enumerate() {
            assert_eq!(item.decode().unwrap(), &whole["items"][i]);
        }
    }

    #[test]
    fn an_entry_may_open_with_a_comment() {
        let input = "items:\n- # about a\n  # more\n  kind: A\n- kind: B\n";
        let s = scan_default(input);
        assert_eq!(
            s.items[0].text(),
            Some("- # about a\n  # more\n  kind: A\n")
        );
        assert_eq!(s.items[1].text(), Some("- kind: B\n"));
    }

    proptest::proptest! {
        #[test]
        fn what_is_certainly_a_string_decodes_as_one(plain in "[0-9a-fA-FxXoObB+.eE_-]{1,12}") {
            if certainly_string(&plain) {
                let doc = yaml::parse_document(&format!("v: {plain}\n")).unwrap();
                proptest::prop_assert_eq!(&doc["v"], &Value::String(plain.clone()));
            }
        }
    }

    #[test]
    fn a_checksum_is_certainly_a_string_and_a_number_is_not() {
        assert!(certainly_string("7ecc356d1e201982"));
        for number in ["1e5", "12", "0b1", "0x1f", "1E9", "0755", "-1f"] {
            assert!(!certainly_string(number), "{number}");
        }
    }

    #[test]
    fn uncertain_heads_are_read_by_the_decoder() {
        let input = "items:\n- kind: ConfigMap\n  metadata:\n    name: 0x1F\n    annotations: {a: true, b: '1'}\n- kind: null\n  metadata: {name: !!str 12}\n";
        let s = scan_default(input);
        assert_eq!(
            s.items[0].object().name(),
            "",
            "0x1F is a number, not a name"
        );
        assert_eq!(s.items[0].object().annotation("a"), None);
        assert_eq!(s.items[0].object().annotation("b"), Some("1"));
        assert_eq!(s.items[1].object().kind(), "");
        assert_eq!(s.items[1].object().name(), "12");
        assert!(s.items.iter().all(|i| i.value().is_some()));
    }

    #[test]
    fn keys_that_differ_hash_apart() {
        // A collision only costs a decode; these would collide on every item that holds them.
        let keys = [
            "a",
            "a\0",
            "b",
            "",
            "annotations",
            "annotationz",
            "12345678",
            "123456789",
        ];
        let mut seen = std::collections::HashSet::new();
        for frame in [0, 1, 2] {
            for key in keys {
                assert!(seen.insert(key_of(frame, key)), "{frame} {key:?}");
            }
        }
    }

    #[test]
    fn an_item_the_decoder_refuses_is_an_error_not_echoed() {
        for input in [
            "items:\n- a:\n    : empty key\n",
            "items:\n- kind: A\n  data: {a: 1}\n  data: {a: 2}\n",
            "items:\n- kind: A\n  data: {a: !!int abc}\n",
        ] {
            assert!(
                scan(input.to_string(), &Limits::default()).is_err(),
                "{input}"
            );
        }
        let fine =
            "items:\n- kind: A\n  data: {a: 1}\n  other: {a: 2}\n- kind: B\n  data: {a: 1}\n";
        let s = scan_default(fine);
        assert!(
            s.items.iter().all(|i| i.value().is_none()),
            "the same key in two mappings"
        );
    }

    #[test]
    fn other_layouts_are_decoded_whole() {
        for input in [
            r#"{"items": [{"kind": "A"}, {"kind": "B"}]}"#,
            "items:\n  - kind: A\n  - kind: B\n",
            "items:\n- &x {kind: A}\n- *x\n",
        ] {
            let s = scan_default(input);
            assert_eq!(s.items.len(), 2, "{input}");
            assert!(s.items.iter().all(|i| i.text().is_none()), "{input}");
            assert_eq!(s.items[0].object().kind(), "A", "{input}");
        }
    }

    #[test]
    fn limits_stop_the_scan() {
        let limits = Limits {
            items: 2,
            depth: 5,
            string_bytes: 8,
            ..Limits::default()
        };
        let run = |t: &str| scan(t.to_string(), &limits).err().and_then(|e| e.limit());
        assert_eq!(
            run("items:\n- {a: 1}\n- {a: 2}\n- {a: 3}\n"),
            Some(Limit::Items)
        );
        assert_eq!(run("items:\n- a: [[[[1]]]]\n"), Some(Limit::Depth));
        assert_eq!(run("items:\n- a: '123456789'\n"), Some(Limit::StringBytes));
        assert_eq!(run("items:\n- a: '12345678'\n"), None);
    }
}
