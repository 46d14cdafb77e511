//! Reading back only the fields a substitution changed. Flux reads the whole substituted text
//! back as YAML 1.1 ([`super::yaml_v2::read`]); when every change lies inside one string value
//! and leaves it one scalar of the same style on the same line, the rest of the text is what
//! go-yaml wrote, which reads back as the object after `JSONToYAML`'s decoding (the property the
//! flux fuzz target holds). Then the object Flux applies is that decoding with those values
//! replaced by what go-yaml reads from their new text, and only those small scalars are read.
//!
//! [`read_back`] answers only when that is certain, and `None` sends the caller to the real
//! reader: a changed key, a value that spans lines (folded, or a literal block), one whose new
//! text is no single scalar of its style (`: `, ` #`, a leading indicator, an edge space, a
//! quote that closes early, a line break), a text with NEL, LS or PS (YAML 1.1 line breaks the
//! reader mends), a `<<` key (go-yaml merges), a field path that names two fields, a tree near
//! the reader's limits, and every error (the real reader then gives its own).

use std::ops::Range;

use serde_json::Value;

use super::envsubst::{Options, Template};
use super::yaml_v2::{emit::Span, emit::reads_as_block_plain, json_string, number, read};

use std::collections::BTreeMap;

/// The object Flux applies, read from `substituted` (the whole text's substitution) where only
/// the fields changed, or `None` when that reading is not certain to be the whole text's.
pub fn read_back(
    object: &Value,
    text: &str,
    spans: &[Span],
    substituted: &[u8],
    vars: &BTreeMap<String, String>,
    options: &Options,
) -> Option<Value> {
    let changed = changed_fields(text, spans, substituted, vars, options)?;
    if has_yaml11_break(text.as_bytes()) {
        return None;
    }
    let mut out = normalised(object)?;
    for (span, after) in changed {
        let value = new_value(text, &span.range, &after)?;
        let at = unique_field(&mut out, &span.path)?;
        *at = value;
    }
    Some(out)
}

/// Each string scalar whose text the substitution changed, with its new text, when the
/// substituted text is the original with only those scalars' texts replaced (checked byte for
/// byte against `substituted`) and none of them is a key.
fn changed_fields<'s>(
    text: &str,
    spans: &'s [Span],
    substituted: &[u8],
    vars: &BTreeMap<String, String>,
    options: &Options,
) -> Option<Vec<(&'s Span, Vec<u8>)>> {
    let mut changed = Vec::new();
    let (mut from, mut at) = (0, 0);
    for span in spans {
        let between = text.get(from..span.range.start)?.as_bytes();
        if !substituted.get(at..)?.starts_with(between) {
            return None;
        }
        at += between.len();
        let scalar = text.get(span.range.clone())?;
        from = span.range.end;
        if Template::is_plain(scalar) {
            // Flux leaves it as it is.
            if !substituted.get(at..)?.starts_with(scalar.as_bytes()) {
                return None;
            }
            at += scalar.len();
            continue;
        }
        let after = Template::parse(scalar, &options.limits)
            .ok()?
            .eval(vars, options)
            .ok()?;
        if !substituted.get(at..)?.starts_with(&after) {
            return None;
        }
        at += after.len();
        if after == scalar.as_bytes() {
            continue;
        }
        if span.key {
            return None;
        }
        changed.push((span, after));
    }
    (substituted.get(at..)? == text.get(from..)?.as_bytes()).then_some(changed)
}

/// NEL (C2 85), LS and PS (E2 80 A8/A9): [`yaml_v2::is_yaml11_break`], byte-wise.
fn has_yaml11_break(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| match b {
        0xC2 => bytes.get(i + 1) == Some(&0x85),
        0xE2 => bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)),
        _ => false,
    })
}

/// What go-yaml reads from the scalar at `range` of `text` once its text is `after`, when that
/// is one scalar of the style go-yaml wrote there and ends where the old one did.
fn new_value(text: &str, range: &Range<usize>, after: &[u8]) -> Option<Value> {
    let before = &text[range.clone()];
    // One line, ended by a line break: no folding, and nothing after the scalar on its line.
    if before.contains('\n') || text.as_bytes().get(range.end) != Some(&b'\n') {
        return None;
    }
    let after = std::str::from_utf8(after).ok()?;
    if after.contains(['\n', '\r']) || has_yaml11_break(after.as_bytes()) {
        return None;
    }
    // The space between the indicator (`:`, `-`) and the scalar.
    let lead = before.len() - before.trim_start_matches(' ').len();
    if lead > 1 || !after.starts_with(&before[..lead]) {
        return None;
    }
    let (before, after) = (&before[lead..], &after[lead..]);
    match before.as_bytes().first()? {
        b'"' if closes_at_end(after, b'"', Quote::Backslash) => read_alone(after),
        b'\'' if closes_at_end(after, b'\'', Quote::Doubled) => read_alone(after),
        b'"' | b'\'' | b'|' | b'>' => None,
        _ if reads_as_block_plain(after.as_bytes()) => {
            read::to_json(&read::plain_scalar(after)).ok()
        }
        _ => None,
    }
}

/// How a quote is written inside its own kind of scalar.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// `\"`, and a backslash escapes the character after it.
    Backslash,
    /// `''`.
    Doubled,
}

/// Whether `scalar` opens with `quote` and its first closing quote is its last byte.
fn closes_at_end(scalar: &str, quote: u8, escape: Quote) -> bool {
    let b = scalar.as_bytes();
    if b.len() < 2 || b[0] != quote {
        return false;
    }
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' if escape == Quote::Backslash => i += 2,
            c if c == quote && escape == Quote::Doubled && b.get(i + 1) == Some(&quote) => i += 2,
            c if c == quote => return i == b.len() - 1,
            _ => i += 1,
        }
    }
    false
}

/// A quoted scalar on one line reads the same wherever it stands: read as a document alone.
fn read_alone(scalar: &str) -> Option<Value> {
    match read::yaml_to_json(scalar.as_bytes()).ok()? {
        v @ Value::String(_) => Some(v),
        _ => None,
    }
}

/// The object as go-yaml reads back its own writing of it: `JSONToYAML`'s decoding and the JSON
/// of that (numbers as float64 values, keys in byte order). `None` for a `<<` key, which go-yaml
/// writes plain and reads as a merge, and for anything [`json_string`] changes or refuses.
fn normalised(v: &Value) -> Option<Value> {
    // A clone keeps each map's hash table; most of the tree needs no change.
    let mut out = v.clone();
    let mut nodes = 0;
    normalise(&mut out, 0, &mut nodes)?;
    Some(out)
}

/// Bounds well inside the reader's (granit-parser's 255 nested block collections, the port's
/// million nodes), past which its errors are left to it.
const MAX_DEPTH: usize = 200;
const MAX_NODES: usize = 500_000;

fn normalise(v: &mut Value, depth: usize, nodes: &mut usize) -> Option<()> {
    *nodes += 1;
    if *nodes > MAX_NODES {
        return None;
    }
    match v {
        Value::Null | Value::Bool(_) => {}
        Value::Number(n) => {
            // Exactly a float64 already, so its JSON is itself.
            let exact = n.as_i64().is_some_and(|i| i.unsigned_abs() <= 1 << 53);
            if !exact {
                *v = read::to_json(&number::from_json(n)).ok()?;
            }
        }
        Value::String(s) => {
            unchanged(s)?;
        }
        Value::Array(_) | Value::Object(_) if depth >= MAX_DEPTH => return None,
        Value::Array(items) => {
            for item in items {
                normalise(item, depth + 1, nodes)?;
            }
        }
        Value::Object(m) => {
            let mut sorted = true;
            let mut previous: Option<&str> = None;
            for k in m.keys() {
                *nodes += 1;
                if unchanged(k)? == "<<" {
                    return None;
                }
                sorted &= previous.is_none_or(|p| p < k.as_str());
                previous = Some(k);
            }
            if !sorted {
                m.sort_keys();
            }
            for item in m.values_mut() {
                normalise(item, depth + 1, nodes)?;
            }
        }
    }
    Some(())
}

/// `s` when go-yaml reads Go's JSON of it as `s` itself.
fn unchanged(s: &str) -> Option<&str> {
    match json_string(s).ok()? {
        std::borrow::Cow::Borrowed(s) => Some(s),
        std::borrow::Cow::Owned(_) => None,
    }
}

/// The one field of `root` that the emitter's dotted `path` (list items as `[i]`) can name, or
/// `None` when no field or several do (a key holding `.` or `[` can make a path ambiguous).
fn unique_field<'v>(root: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut found = Vec::new();
    find(root, path, true, &mut Vec::new(), &mut found);
    let [steps] = found.as_slice() else {
        return None;
    };
    let mut at = root;
    for step in steps {
        at = match step {
            Step::Key(k) => at.get_mut(k.as_str())?,
            Step::Index(i) => at.get_mut(*i)?,
        };
    }
    at.is_string().then_some(at)
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every way `path` walks down from `v`; stops looking after the second.
fn find(v: &Value, path: &str, first: bool, steps: &mut Vec<Step>, found: &mut Vec<Vec<Step>>) {
    if found.len() > 1 {
        return;
    }
    if path.is_empty() {
        if !first {
            found.push(steps.clone());
        }
        return;
    }
    match v {
        Value::Object(m) => {
            let rest = if first {
                path
            } else if let Some(rest) = path.strip_prefix('.') {
                rest
            } else {
                return;
            };
            for (k, child) in m {
                if let Some(after) = rest.strip_prefix(k.as_str()) {
                    steps.push(Step::Key(k.clone()));
                    find(child, after, false, steps, found);
                    steps.pop();
                }
            }
        }
        Value::Array(items) => {
            let Some((index, after)) = path
                .strip_prefix('[')
                .and_then(|p| p.split_once(']'))
                .and_then(|(i, after)| Some((i.parse::<usize>().ok()?, after)))
            else {
                return;
            };
            if let Some(child) = items.get(index) {
                steps.push(Step::Index(index));
                find(child, after, false, steps, found);
                steps.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
