//! Reading the substituted text back as `yaml.YAMLToJSON` does with go-yaml v2: the first
//! document only, YAML 1.1 types for plain scalars ([`super::resolve`]), explicit `!!` tags
//! checked, `<<` merge keys, aliases expanded (within a bound), then the conversion to JSON:
//! non-string keys become strings, NaN and infinities are an error, and every number ends as a
//! float64's value (kustomize re-reads the JSON into `float64`).
//!
//! The event stream comes from granit-parser, a YAML 1.2 parser; go-yaml's reader checks
//! (UTF-8, control characters) are done here first. Known differences from go-yaml, all outside
//! what Flux's pipeline writes for ordinary values: NEL, LS and PS are line breaks only as far as
//! [`super::breaks`] mends (go-yaml's own writing round-trips, a line of a block scalar that
//! starts with one included; a value that puts one into a plain scalar can still differ), anchor
//! names may hold more than letters, digits, `_` and `-`, and error messages are granit's.
//! The tabs go-yaml refuses and YAML 1.2 allows are refused in [`super::tabs`].

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle, StructureStyle, Tag};

use super::Yaml;
use super::number::final_json;
use super::resolve::{Resolved, resolve_plain};
use super::{breaks, tabs};

/// Nodes a document may expand to through aliases.
const MAX_NODES: usize = 1_000_000;
/// Collections nested in collections.
const MAX_DEPTH: usize = 1_000;

/// Why the text is no JSON object; the message names go-yaml's problem where vmstack knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ReadError> {
    Err(ReadError(message.into()))
}

/// go-yaml's reader checks: UTF-8, and no control characters but tab, LF, CR and NEL.
fn check_characters(text: &[u8]) -> Result<&str, ReadError> {
    let text = match std::str::from_utf8(text) {
        Ok(t) => t,
        Err(e) => {
            let bad = text[e.valid_up_to()];
            return fail(match e.error_len() {
                None => "yaml: incomplete UTF-8 octet sequence",
                Some(_) if bad & 0xC0 == 0x80 || bad >= 0xF8 => "yaml: invalid leading UTF-8 octet",
                Some(_) => "yaml: invalid trailing UTF-8 octet",
            });
        }
    };
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    if !text.chars().all(allowed) {
        return fail("yaml: control characters are not allowed");
    }
    Ok(text)
}

enum Frame {
    Seq(Vec<Yaml>, usize),
    /// Entries so far, a key waiting for its value (and whether it is `<<`), the anchor.
    Map(Vec<(Yaml, Yaml)>, Option<(Yaml, bool)>, usize),
}

/// The decoded `interface{}` of the first document (`Yaml::Null` for none).
pub fn decode(text: &[u8]) -> Result<Yaml, ReadError> {
    let text = breaks::indent_break_lines(check_characters(text)?);
    let text = text.as_ref();
    let options = granit_parser::options! {
        bom_inside_document_as_content: true,
        block_scalar_eof_without_line_feed: true,
        emit_unresolved_aliases: true,
    };
    let options: Options = options;
    let mut anchors: HashMap<usize, Yaml> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Whether each open collection is a flow one (tabs are free there).
    let mut flows: Vec<bool> = Vec::new();
    let mut nodes = 0usize;
    let mut root = None;
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) =
            next.map_err(|e| ReadError(format!("yaml: line {}: {}", e.marker().line(), e.info())))?;
        if !flows.iter().any(|&flow| flow)
            && let Some(range) = span.byte_range()
        {
            match &event {
                Event::Scalar(_, ScalarStyle::Literal | ScalarStyle::Folded, ..) => {
                    tabs::check_block_scalar(text, range.start)?;
                }
                Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_) => {
                    tabs::check_node_start(text, range.start)?;
                }
                _ => {}
            }
        }
        let mut merge = false;
        let finished = match event {
            Event::StreamStart | Event::DocumentStart(..) => continue,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                let value = match span.byte_range() {
                    Some(range) => breaks::as_libyaml(text, range, style, &value),
                    None => value,
                };
                merge = is_merge(&value, style, tag.as_deref());
                let node = scalar(&value, style, tag.as_deref())?;
                if anchor != 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::UnresolvedAlias(name) => {
                return fail(format!("yaml: unknown anchor '{name}' referenced"));
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => {
                    nodes += count(node);
                    node.clone()
                }
                None => return fail("yaml: anchor value contains itself"),
            },
            Event::SequenceStart(style, anchor, _) => {
                push(&mut stack, Frame::Seq(Vec::new(), anchor))?;
                flows.push(style == StructureStyle::Flow);
                continue;
            }
            Event::MappingStart(style, anchor, _) => {
                push(&mut stack, Frame::Map(Vec::new(), None, anchor))?;
                flows.push(style == StructureStyle::Flow);
                continue;
            }
            Event::SequenceEnd => match (stack.pop(), flows.pop()) {
                (Some(Frame::Seq(items, anchor)), _) => {
                    anchored(&mut anchors, anchor, Yaml::Seq(items))
                }
                _ => return fail("yaml: unbalanced sequence"),
            },
            Event::MappingEnd => match (stack.pop(), flows.pop()) {
                (Some(Frame::Map(entries, None, anchor)), _) => {
                    anchored(&mut anchors, anchor, Yaml::Map(entries))
                }
                _ => return fail("yaml: unbalanced mapping"),
            },
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return fail("yaml: document contains excessive aliasing");
        }
        match stack.last_mut() {
            None => {
                root = Some(finished);
            }
            Some(Frame::Seq(items, _)) => items.push(finished),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                None => {
                    if matches!(finished, Yaml::Seq(_) | Yaml::Map(_)) {
                        return fail("yaml: invalid map key");
                    }
                    *pending = Some((finished, merge));
                }
                Some((key, merge)) => insert(entries, key, merge, finished)?,
            },
        }
    }
    Ok(root.unwrap_or(Yaml::Null))
}

fn push(stack: &mut Vec<Frame>, frame: Frame) -> Result<(), ReadError> {
    if stack.len() >= MAX_DEPTH {
        return fail(format!("yaml: more than {MAX_DEPTH} nested collections"));
    }
    stack.push(frame);
    Ok(())
}

fn anchored(anchors: &mut HashMap<usize, Yaml>, anchor: usize, node: Yaml) -> Yaml {
    if anchor != 0 {
        anchors.insert(anchor, node.clone());
    }
    node
}

fn count(node: &Yaml) -> usize {
    match node {
        Yaml::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Yaml::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// go-yaml's `isMerge`: a plain `<<`, or one tagged `!!merge`.
fn is_merge(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> bool {
    value == "<<"
        && match tag {
            None => style == ScalarStyle::Plain,
            Some(t) => t.handle() == "tag:yaml.org,2002:" && t.suffix() == "merge",
        }
}

/// A key and its value into a mapping: later keys win, as in a Go map, and `<<` merges.
fn insert(
    entries: &mut Vec<(Yaml, Yaml)>,
    key: Yaml,
    merge: bool,
    value: Yaml,
) -> Result<(), ReadError> {
    if merge {
        let maps = match value {
            Yaml::Map(m) => vec![m],
            // Earlier maps take precedence, so they are merged last.
            Yaml::Seq(items) => {
                let mut maps = Vec::new();
                for item in items.into_iter().rev() {
                    match item {
                        Yaml::Map(m) => maps.push(m),
                        _ => {
                            return fail(
                                "yaml: map merge requires map or sequence of maps as the value",
                            );
                        }
                    }
                }
                maps
            }
            _ => return fail("yaml: map merge requires map or sequence of maps as the value"),
        };
        for m in maps {
            for (k, v) in m {
                insert(entries, k, false, v)?;
            }
        }
        return Ok(());
    }
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
    Ok(())
}

/// The decoded value of a scalar (`decode.go` `scalar` with `resolve`).
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Yaml, ReadError> {
    let plain = style == ScalarStyle::Plain;
    let Some(tag) = tag else {
        if !plain {
            return Ok(Yaml::Str(value.to_string()));
        }
        return Ok(resolved(resolve_plain(value), value));
    };
    if tag.handle() != "tag:yaml.org,2002:" {
        // A local or unknown tag: go-yaml keeps the text.
        return Ok(Yaml::Str(value.to_string()));
    }
    let kind = tag.suffix().to_string();
    match kind.as_str() {
        "str" => Ok(Yaml::Str(value.to_string())),
        "binary" => base64_decode(value).map(Yaml::Str),
        "merge" => Ok(Yaml::Str(value.to_string())),
        "int" | "float" | "bool" | "null" | "timestamp" => {
            let r = resolve_plain(value);
            let got = match r {
                Resolved::Null => "null",
                Resolved::Bool(_) => "bool",
                Resolved::Int(_) | Resolved::Uint(_) => "int",
                Resolved::Float(_) => "float",
                Resolved::Timestamp => "timestamp",
                Resolved::Str => "str",
            };
            match (kind.as_str(), r) {
                (want, _) if want == got => Ok(resolved(r, value)),
                ("float", Resolved::Int(i)) => Ok(Yaml::Float(i as f64)),
                ("float", Resolved::Uint(u)) => Ok(Yaml::Float(u as f64)),
                _ => fail(format!(
                    "yaml: cannot decode !!{got} `{value}` as a !!{kind}"
                )),
            }
        }
        // `!!seq`, `!!map` and the like on a scalar: go-yaml keeps the text.
        _ => Ok(Yaml::Str(value.to_string())),
    }
}

/// What go-yaml decodes a plain scalar holding `text` (no tag) to.
pub fn plain_scalar(text: &str) -> Yaml {
    resolved(resolve_plain(text), text)
}

fn resolved(r: Resolved, text: &str) -> Yaml {
    match r {
        Resolved::Null => Yaml::Null,
        Resolved::Bool(b) => Yaml::Bool(b),
        Resolved::Int(i) => Yaml::Int(i),
        Resolved::Uint(u) => Yaml::Uint(u),
        Resolved::Float(f) => Yaml::Float(f),
        Resolved::Timestamp | Resolved::Str => Yaml::Str(text.to_string()),
    }
}

fn base64_decode(text: &str) -> Result<String, ReadError> {
    let bad = || ReadError("yaml: !!binary value contains invalid base64 data".into());
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    let body = text.trim_end_matches('=');
    if !text.len().is_multiple_of(4) || text.len() - body.len() > 2 {
        return Err(bad());
    }
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(bad()),
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// A float key as sigs.k8s.io/yaml writes it: `%g` of its float32 value.
fn float_key(f: f64) -> String {
    let f = f as f32;
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    short_g(&format!("{f:e}"), f64::from(f))
}

/// Go's `%g` layout of the shortest digits in `e32` (Rust's `{:e}` of the float32).
fn short_g(e32: &str, x: f64) -> String {
    let (mantissa, exp) = e32.split_once('e').unwrap_or((e32, "0"));
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if negative { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0");
    }
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.abs());
    }
    let dp = exp + 1;
    if dp <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat(dp.unsigned_abs() as usize));
    }
    let dp = dp as usize;
    if digits.len() <= dp {
        format!("{sign}{digits}{}", "0".repeat(dp - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..dp], &digits[dp..])
    }
}

/// `convertToJSONableObject` and `json.Marshal`, then kustomize's `json.Unmarshal`.
pub fn to_json(node: &Yaml) -> Result<serde_json::Value, ReadError> {
    use serde_json::Value;
    Ok(match node {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Str(s) => Value::String(s.clone()),
        Yaml::Int(i) => number(*i as f64)?,
        Yaml::Uint(u) => number(*u as f64)?,
        Yaml::Float(f) => number(*f)?,
        Yaml::Seq(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Yaml::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                let key = match k {
                    Yaml::Str(s) => s.clone(),
                    Yaml::Int(i) => i.to_string(),
                    Yaml::Float(f) => float_key(*f),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Uint(_) => return fail("unsupported map key of type: uint64"),
                    _ => return fail("unsupported map key of type: <nil>"),
                };
                m.insert(key, to_json(v)?);
            }
            let mut sorted: Vec<(String, Value)> = m.into_iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(sorted.into_iter().collect())
        }
    })
}

fn number(x: f64) -> Result<serde_json::Value, ReadError> {
    final_json(x).ok_or_else(|| {
        let name = if x.is_nan() {
            "NaN"
        } else if x > 0.0 {
            "+Inf"
        } else {
            "-Inf"
        };
        ReadError(format!("json: unsupported value: {name}"))
    })
}

/// `yaml.YAMLToJSON` and kustomize's re-reading, in one step.
pub fn yaml_to_json(text: &[u8]) -> Result<serde_json::Value, ReadError> {
    to_json(&decode(text)?)
}
