//! The fast way to decode a document: a `serde_json::Value` built straight from the parser's
//! events, for the plain YAML that Kubernetes objects are written in, instead of through
//! serde-saphyr (whose cost per byte is several times the parser's own).
//!
//! It answers only when it is sure to give what serde-saphyr gives (with vmstack's options,
//! through [`super::parse_document_within`]): the same value, keys in the same order, numbers of
//! the same kind. Anything else it declines (`None`), and the caller asks serde-saphyr, which
//! then also gives any error, word for word as before. What it accepts:
//!
//! - exactly one document, without a `%YAML` directive, whose root is a mapping or a sequence;
//! - mappings and sequences, block or flow, nested less deeply than the limit;
//! - keys that are certainly strings: quoted or block scalars, or plain ones that
//!   [`plain_string`] admits; not empty, not `<<` (a merge), not given twice in a mapping;
//! - scalars: any quoted or block scalar as a string; plain ones as strings when
//!   [`plain_string`] (a word, a checksum, a quantity such as `256Mi`, or text with a
//!   character no number has, such as `${VAR}`), `true`/`True`/`TRUE` and the `false`
//!   spellings as booleans,
//!   `null`/`Null`/`NULL`/`~`/nothing as null, and decimal integers of at most 18 digits with
//!   no sign but `-`, no leading zero and no `-0` as numbers;
//! - plain numbers with a fraction and nothing else (`99.9`, `-0.25`), as Rust's `f64` parser
//!   reads them, which is what serde-saphyr hands them to; other floats (`1e3`, `.5`, `1.`,
//!   `+1.5`, `.inf`) are declined;
//! - no tag, anchor or alias anywhere; no string longer than the limit; counts of nodes,
//!   events and scalar bytes well inside serde-saphyr's budget.
//!
//! The property tests below hold the fast way to serde-saphyr on generated YAML full of
//! look-alikes (`0123`, `+1`, `1e3`, `Null`, `!!str 1`, repeated keys, …).

use std::borrow::Cow;

use granit_parser::{Event, Parser};
use serde_json::{Map, Value};

use super::Limits;
use super::lines;
use super::step::Step;

/// A plain scalar that the decoder certainly reads as a string (YAML 1.2 core schema with
/// strict booleans): it starts with a letter and is not a null or boolean word, or it is a
/// [`hex_word`]. Anything else (`0755`, `-1`, `1e3`, `.inf`, `~`, the empty value) might be
/// another type.
pub(crate) fn certainly_string(plain: &str) -> bool {
    let word = plain.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            plain,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        );
    word || hex_word(plain)
}

/// Hex digits after a non-zero digit, with a letter that no number has (not the exponent's
/// `e`): a checksum such as vmstack's own fingerprint. Without `0x`, `0o` or `0b` no radix
/// applies, and no decimal integer or float takes such a letter.
fn hex_word(plain: &str) -> bool {
    let b = plain.as_bytes();
    matches!(b.first(), Some(b'1'..=b'9'))
        && b.iter().all(u8::is_ascii_hexdigit)
        && b.iter()
            .any(|c| matches!(c, b'a'..=b'd' | b'f' | b'A'..=b'D' | b'F'))
}

/// A plain scalar that serde-saphyr reads as a string: one [`certainly_string`] admits, or a
/// [`fingerprint`], a [`quantity`], or one with a character that no number, boolean or null
/// (but `~`) has: `${VAR}`, `./path`, `1 - x`.
fn plain_string(plain: &str) -> bool {
    let numeral = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-' | b'_');
    certainly_string(plain)
        || fingerprint(plain)
        || quantity(plain)
        || plain != "~" && !plain.as_bytes().iter().all(numeral)
}

/// Hex digits with a letter that no decimal number has (`a` to `d`, `f`), and no radix
/// (`0b`): a checksum, also with a leading zero (`0c04e7`), where [`hex_word`] has none.
fn fingerprint(plain: &str) -> bool {
    let b = plain.as_bytes();
    b.iter().all(u8::is_ascii_hexdigit)
        && b.iter()
            .any(|c| matches!(c, b'a'..=b'd' | b'f' | b'A'..=b'D' | b'F'))
        && !matches!(b, [b'0', b'b' | b'B', ..])
}

/// Letters and digits after a non-zero digit, with a letter but no `e` or `E`: a duration or
/// a quantity (`5m`, `256Mi`, `1h30m`). A radix needs a leading `0`, and a float no letter but
/// the exponent's (Rust's parser, which serde-saphyr's floats go through, also reads `inf` and
/// `nan`, but not after a digit).
fn quantity(plain: &str) -> bool {
    let b = plain.as_bytes();
    matches!(b.first(), Some(b'1'..=b'9'))
        && b.iter().all(u8::is_ascii_alphanumeric)
        && b.iter().any(u8::is_ascii_alphabetic)
        && !b.iter().any(|c| matches!(c, b'e' | b'E'))
}

/// A collection being built.
enum Open {
    Sequence(Vec<Value>),
    /// The entries so far, and the key whose value comes next (`None`: a key comes next).
    Mapping(Map<String, Value>, Option<String>),
}

/// The one document of `text` as serde-saphyr reads it within `limits`, or `None` when this
/// cannot be sure of that (then only serde-saphyr can say).
pub(crate) fn document(text: &str, limits: &Limits) -> Option<Value> {
    let budget = super::budget(limits);
    if budget.max_documents < 1 || text.len() > budget.max_total_scalar_bytes / 2 {
        return None;
    }
    // The line reader where it can read the text (a fraction of granit-parser's cost), which
    // gives the same events; granit-parser for the rest.
    let mut steps = Vec::new();
    let entries = text.starts_with('-');
    if lines::read(text, entries, |step, _| {
        steps.push(step);
        true
    })
    .is_some()
    {
        return build(steps.into_iter().map(|step| Some(Some(step))), limits);
    }
    let events = Parser::new_from_str(text).map(|event| match event.ok()?.0 {
        Event::DocumentStart(_, Some(_)) => None,
        event => Some(Step::of(event)),
    });
    build(events, limits)
}

/// The value of a document's events when it is sure of it: an event `None` declines, an event
/// `Some(None)` is one of no account (the stream's start and end).
fn build<'a>(
    events: impl Iterator<Item = Option<Option<Step<'a>>>>,
    limits: &Limits,
) -> Option<Value> {
    // Far inside the budget, so that whatever comes near a bound is serde-saphyr's to refuse.
    let budget = super::budget(limits);
    let (max_events, max_nodes) = (budget.max_events / 2, budget.max_nodes / 2);
    let max_scalar_bytes = budget.max_total_scalar_bytes / 2;
    let (mut events_seen, mut nodes, mut scalar_bytes) = (0usize, 0usize, 0usize);
    let mut documents = 0;
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Value> = None;
    for event in events {
        events_seen += 1;
        let Some(step) = event? else { continue };
        let node = match step {
            Step::Document => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Step::Scalar {
                value,
                plain,
                anchored,
                tagged,
            } => {
                if anchored || tagged || value.len() > limits.string_bytes {
                    return None;
                }
                nodes += 1;
                scalar_bytes += value.len();
                match stack.last_mut() {
                    Some(Open::Mapping(map, key @ None)) => {
                        if !is_key(&value, plain) || map.contains_key(value.as_ref()) {
                            return None;
                        }
                        *key = Some(value.into_owned());
                        continue;
                    }
                    // A scalar document: serde-saphyr may skip it as null; not worth knowing.
                    None => return None,
                    _ => scalar(value, plain)?,
                }
            }
            Step::Start {
                map,
                anchored,
                tagged,
                ..
            } => {
                // A collection as a key, or nested as deep as the limit.
                let as_key = matches!(stack.last(), Some(Open::Mapping(_, None)));
                if anchored || tagged || as_key || stack.len() + 1 >= limits.depth {
                    return None;
                }
                nodes += 1;
                stack.push(if map {
                    Open::Mapping(Map::new(), None)
                } else {
                    Open::Sequence(Vec::new())
                });
                continue;
            }
            Step::End => match stack.pop()? {
                Open::Sequence(entries) => Value::Array(entries),
                Open::Mapping(map, None) => Value::Object(map),
                Open::Mapping(..) => return None,
            },
            Step::Alias => return None,
        };
        match stack.last_mut() {
            Some(Open::Sequence(entries)) => entries.push(node),
            Some(Open::Mapping(map, key)) => {
                let key = key.take()?;
                map.insert(key, node);
            }
            None if root.is_none() => root = Some(node),
            None => return None,
        }
    }
    let within =
        events_seen <= max_events && nodes <= max_nodes && scalar_bytes <= max_scalar_bytes;
    (documents == 1 && stack.is_empty() && within)
        .then_some(root)
        .flatten()
}

/// A mapping key that serde-saphyr certainly reads as that string.
fn is_key(key: &str, plain: bool) -> bool {
    !key.is_empty() && key != "<<" && (!plain || plain_string(key))
}

/// Whether a plain scalar in value position is one the fast way reads (for the scan, which
/// sends what it declines to serde-saphyr straight away).
pub(crate) fn reads_plain(plain: &str) -> bool {
    matches!(
        plain,
        "" | "~"
            | "null"
            | "Null"
            | "NULL"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
    ) || plain_string(plain)
        || integer(plain).is_some()
        || decimal_fraction(plain).is_some()
}

/// A scalar in value position, when it is certainly of the type given here.
fn scalar(value: Cow<'_, str>, plain: bool) -> Option<Value> {
    if !plain {
        return Some(Value::String(value.into_owned()));
    }
    Some(match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        plain if plain_string(plain) => Value::String(value.into_owned()),
        plain => integer(plain).or_else(|| decimal_fraction(plain))?,
    })
}

/// A decimal integer: digits (at most 18, so that any fits in an `i64`), no leading zero, no
/// sign but `-`, and not `-0`.
fn integer(plain: &str) -> Option<Value> {
    let (negative, digits) = match plain.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, plain),
    };
    let b = digits.as_bytes();
    let decimal = !b.is_empty() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit);
    if !decimal || b.len() > 1 && b[0] == b'0' || negative && digits == "0" {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative {
        Value::from(-n)
    } else {
        Value::from(n.unsigned_abs())
    })
}

/// A number with a fraction and nothing else (`99.9`, `-0.25`): digits, no leading zero but
/// the units' own, a point and digits, no exponent, no `+`. serde-saphyr reads no integer in
/// it and hands it to Rust's `f64` parser, as this does, so the two values are one; a value
/// too large to be finite is left to serde-saphyr, which refuses it.
fn decimal_fraction(plain: &str) -> Option<Value> {
    let unsigned = plain.strip_prefix('-').unwrap_or(plain);
    let (whole, fraction) = unsigned.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let no_leading_zero = whole == "0" || !whole.starts_with('0');
    if plain.len() > 32 || !digits(whole) || !digits(fraction) || !no_leading_zero {
        return None;
    }
    let n: f64 = plain.parse().ok()?;
    serde_json::Number::from_f64(n)
        .filter(|_| n.is_finite())
        .map(Value::Number)
}

/// Whether the fast way agrees with serde-saphyr on `text` whenever it answers (`Ok(true)`: it
/// answered), for the tests and the fuzz target; `Err` says how they differ.
pub fn agrees(text: &str, limits: &Limits) -> Result<bool, String> {
    let Some(fast) = document(text, limits) else {
        return Ok(false);
    };
    match super::parse_document_within(text, limits) {
        Ok(slow) => {
            let (f, s) = (fast.to_string(), slow.to_string());
            if f == s {
                Ok(true)
            } else {
                Err(format!(
                    "the fast way read {f}\nserde-saphyr read {s}\nfrom:\n{text}"
                ))
            }
        }
        Err(e) => Err(format!(
            "the fast way read {fast}\nserde-saphyr refused it: {e}\nfrom:\n{text}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;

    /// A document to write: the tree of a generated YAML text.
    #[derive(Debug, Clone)]
    enum Node {
        /// A scalar as written (plain, quoted, tagged, anchored, …).
        Scalar(String),
        /// A literal block scalar of these lines.
        Literal(Vec<String>),
        /// Entries, and whether the mapping is written in flow style.
        Map(Vec<(String, Node)>, bool),
        Seq(Vec<Node>, bool),
    }

    /// Scalars that are not what they look like, or that serde-saphyr reads in its own way.
    const NASTY: &[&str] = &[
        "0123",
        "+1",
        "1e3",
        "1E3",
        ".inf",
        "-.inf",
        "+.inf",
        ".nan",
        ".NaN",
        "-.nan",
        "nan",
        "inf",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "True",
        "TRUE",
        "true",
        "tRUE",
        "false",
        "False",
        "FALSE",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "0x1F",
        "0X1F",
        "0o17",
        "0O17",
        "0b101",
        "-0",
        "+0",
        "0",
        "00",
        "-00",
        "-0123",
        "1_0",
        "1_000",
        "-1_0",
        "12345678901234567890",
        "1234567890123456789",
        "123456789012345678",
        "-123456789012345678",
        "-1234567890123456789",
        "-9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "1.5",
        "-1.5",
        "0.",
        ".5",
        "1.",
        "0e0",
        "2024-01-01",
        "2001-12-14t21:59:43.10-05:00",
        "12:30",
        "!!str 1",
        "!!int 5",
        "!!int '7'",
        "!!null ''",
        "!!bool true",
        "!!float 1",
        "! x",
        "!foo bar",
        "&a x",
        "*a",
        "&b 1",
        "",
        "''",
        "\"\"",
        "<<",
        "'<<'",
        "1abc",
        "1e5f",
        "deadbeef",
        "7ecc356d1e201982",
        "a b",
        "-",
        "--",
        "null x",
        "x: y",
        "\"\\u00e9\"",
        "'it''s'",
        "\"1\"",
        "'1'",
        "'true'",
        "\"null\"",
        "=",
        "?",
        ":",
        "%x",
        "@x",
        "`x",
        "|",
        ">",
        "#c",
        "a #c",
        "0x",
        "1__0",
        "0b",
        "+",
        "-.",
        "1e",
        "1e+3",
        "-1e-3",
        "${X}",
        "$x",
        "$1",
        "/a/b",
        "/1",
        "_x",
        "_1",
        "(a)",
        "^x",
        "\\x",
        ";x",
        "<x",
        "=x",
        ",x",
        "5m",
        "256Mi",
        "1h30m",
        "5E",
        "1e",
        "1d",
        "0s",
        "1inf",
        "1nan",
        "1Infinity",
        "2NaN",
        "9x1",
        "1o7",
        "1b1",
        "1Ki",
        "0c0407630be57aed",
        "00fc7e7d69d08112",
        "0b1",
        "0B1",
        "0ba",
        "0Bf",
        "0x1f",
        "0fa",
        "0e1",
        "./a/b",
        "1 - x",
        "1 ",
        "1 ",
        "1:30",
        "1,5",
        "~x",
        "~ ",
        "1٠",
        "١",
        "+inf",
        "-Infinity",
        "NaN",
        "+nan",
    ];

    /// Keys, repeated often (the alphabet is small), and the nasty ones.
    fn key() -> impl Strategy<Value = String> + Clone {
        prop_oneof![
            4 => "[a-c]",
            1 => "[a-c]".prop_map(|k| format!("'{k}'")),
            1 => "[a-c]".prop_map(|k| format!("\"{k}\"")),
            2 => select(NASTY).prop_map(str::to_string),
        ]
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => select(NASTY).prop_map(str::to_string),
            2 => "[a-z][a-z0-9.-]{0,8}",
            2 => "-?[0-9]{1,21}",
            1 => "[-+]?[0-9]{0,4}[.][0-9]{0,4}(e[0-9])?",
            1 => "-?[0-9]{1,340}[.][0-9]",
            1 => "[0-9][0-9a-zA-Z]{0,4}",
            1 => "[0-9+.~-][0-9a-fA-F :./~-]{0,4}",
            1 => any::<i64>().prop_map(|n| n.to_string()),
            1 => "[1-9][0-9a-f]{0,10}",
            1 => "[a-z0-9 .]{0,6}".prop_map(|s| format!("'{s}'")),
            1 => "[a-z0-9 .]{0,6}".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    fn literal() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec("[a-z][a-z :#-]{0,8}", 1..3)
    }

    fn tree(
        leaf: impl Strategy<Value = Node> + 'static,
        key: impl Strategy<Value = String> + Clone + 'static,
    ) -> impl Strategy<Value = Node> {
        leaf.prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                (
                    proptest::collection::vec((key.clone(), inner.clone()), 0..5),
                    any::<bool>()
                )
                    .prop_map(|(e, flow)| Node::Map(e, flow)),
                (proptest::collection::vec(inner, 0..5), any::<bool>())
                    .prop_map(|(e, flow)| Node::Seq(e, flow)),
            ]
        })
    }

    fn flow(node: &Node, out: &mut String) {
        match node {
            Node::Scalar(s) => out.push_str(s),
            Node::Literal(lines) => out.push_str(&Value::from(lines.join("\n") + "\n").to_string()),
            Node::Map(entries, _) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { ", " });
                    out.push_str(k);
                    out.push_str(": ");
                    flow(v, out);
                }
                out.push('}');
            }
            Node::Seq(entries, _) => {
                out.push('[');
                for (i, v) in entries.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { ", " });
                    flow(v, out);
                }
                out.push(']');
            }
        }
    }

    /// Whether the node is written in block style on lines of its own.
    fn is_block(node: &Node) -> bool {
        matches!(node, Node::Map(e, false) if !e.is_empty())
            || matches!(node, Node::Seq(e, false) if !e.is_empty())
    }

    /// A node after `key:` or `-` (which `out` ends with), its own lines at `indent`.
    fn after(node: &Node, indent: usize, out: &mut String) {
        match node {
            Node::Literal(lines) => {
                out.push_str(" |\n");
                for line in lines {
                    out.push_str(&" ".repeat(indent + 2));
                    out.push_str(line);
                    out.push('\n');
                }
            }
            n if is_block(n) => {
                out.push('\n');
                block(n, indent, out);
            }
            n => {
                out.push(' ');
                flow(n, out);
                out.push('\n');
            }
        }
    }

    /// A block mapping or sequence, each entry on a line of its own at `indent`.
    fn block(node: &Node, indent: usize, out: &mut String) {
        match node {
            Node::Map(entries, _) => {
                for (k, v) in entries {
                    out.push_str(&" ".repeat(indent));
                    out.push_str(k);
                    out.push(':');
                    // A block sequence in a mapping sits at the key's column, as kyaml writes.
                    let inner = if matches!(v, Node::Seq(..)) {
                        indent
                    } else {
                        indent + 2
                    };
                    after(v, inner, out);
                }
            }
            Node::Seq(entries, _) => {
                for v in entries {
                    out.push_str(&" ".repeat(indent));
                    out.push('-');
                    entry(v, indent, out);
                }
            }
            n => after(n, indent, out),
        }
    }

    /// A sequence entry after its `-`: a block collection starts on the same line.
    fn entry(node: &Node, indent: usize, out: &mut String) {
        if is_block(node) {
            let mut inner = String::new();
            block(node, indent + 2, &mut inner);
            out.push(' ');
            out.push_str(&inner[indent + 2..]);
        } else {
            after(node, indent + 2, out);
        }
    }

    /// The node as an item's text: one `- ` entry, with what may stand around it.
    fn item_text(node: &Node, before: &str, after_: &str) -> String {
        let mut text = String::from(before);
        text.push('-');
        entry(node, 0, &mut text);
        text.push_str(after_);
        text
    }

    const BEFORE: &[&str] = &["", "", "", "---\n", "--- \n", "%YAML 1.2\n---\n", "# c\n"];
    const AFTER: &[&str] = &[
        "",
        "",
        "",
        "...\n",
        "---\n",
        "---\nx: 1\n",
        "# end\n",
        "\n\n",
    ];

    fn check(text: &str) -> Result<bool, TestCaseError> {
        agrees(text, &Limits::default()).map_err(TestCaseError::fail)
    }

    proptest! {
        #[test]
        fn what_the_fast_way_answers_serde_saphyr_reads_alike(
            root in tree(
                prop_oneof![
                    6 => scalar().prop_map(Node::Scalar),
                    1 => literal().prop_map(Node::Literal),
                ],
                key(),
            ),
            before in select(BEFORE),
            after_ in select(AFTER),
        ) {
            check(&item_text(&root, before, after_))?;
            // The same, as a document of its own rather than an entry.
            let mut text = String::from(before);
            if is_block(&root) {
                block(&root, 0, &mut text);
            } else {
                flow(&root, &mut text);
                text.push('\n');
            }
            text.push_str(after_);
            check(&text)?;
        }
    }

    /// Scalars of every kind the fast way reads.
    fn ordinary() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-z][a-z0-9.-]{0,8}",
            1 => "[$/(^;][a-z0-9./-]{0,8}",
            1 => "[1-9][0-9]{0,3}(m|s|h|Mi|Gi|Ki|h30m)",
            1 => "0[0-9]{0,3}[acdf][0-9a-f]{0,8}",
            1 => "[./0-9][0-9]{0,3}( - |/)[a-z0-9]{1,4}",
            2 => "-?[1-9][0-9]{0,17}",
            1 => "-?(0|[1-9][0-9]{0,5})[.][0-9]{1,8}",
            1 => Just("0".to_string()),
            1 => "[1-9][0-9]{0,6}[a-d][0-9a-f]{0,6}",
            1 => select(&["true", "false", "True", "FALSE", "null", "~", "NULL"][..])
                .prop_map(str::to_string),
            1 => "[a-z0-9 .:#-]{0,6}".prop_map(|s| format!("'{s}'")),
            1 => "[a-z0-9 .:#-]{0,6}".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    /// A tree whose keys are told apart by a number they end with, renumbered afterwards.
    fn numbered(node: Node, next: &mut usize) -> Node {
        match node {
            Node::Map(entries, f) => Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        *next += 1;
                        (k.replace('#', &next.to_string()), numbered(v, next))
                    })
                    .collect(),
                f,
            ),
            Node::Seq(entries, f) => {
                Node::Seq(entries.into_iter().map(|v| numbered(v, next)).collect(), f)
            }
            n => n,
        }
    }

    proptest! {
        #[test]
        fn the_fast_way_reads_ordinary_yaml(
            entries in proptest::collection::vec(
                (
                    select(&["k#", "metadata#", "'q#'", "\"d#\""][..]).prop_map(str::to_string),
                    tree(
                        prop_oneof![
                            6 => ordinary().prop_map(Node::Scalar),
                            1 => literal().prop_map(Node::Literal),
                        ],
                        select(&["k#", "'q#'", "x#"][..]).prop_map(str::to_string),
                    ),
                ),
                1..6,
            ),
            flow_root in any::<bool>(),
            before in select(&["", "---\n", "# c\n"][..]),
        ) {
            let root = numbered(Node::Map(entries, flow_root), &mut 0);
            let text = item_text(&root, before, "");
            prop_assert!(check(&text)?, "the fast way declined:\n{}", text);
        }
    }

    #[test]
    fn examples() {
        let limits = Limits::default();
        let read = |t: &str| document(t, &limits).map(|v| v.to_string());
        assert_eq!(
            read("- a: 1\n  b: [-2, x, 'y', \"z\", ~, null, true, False, ]\n  c:\n").as_deref(),
            Some(r#"[{"a":1,"b":[-2,"x","y","z",null,null,true,false],"c":null}]"#)
        );
        assert_eq!(
            read("{\"a\": {\"b\": [1, 7ecc356d1e201982]}}\n").as_deref(),
            Some(r#"{"a":{"b":[1,"7ecc356d1e201982"]}}"#)
        );
        assert_eq!(
            read("- a: 99.9\n  b: -0.25\n  c: 0.5\n").as_deref(),
            Some(r#"[{"a":99.9,"b":-0.25,"c":0.5}]"#)
        );
        for declined in [
            "- a: 0123\n",
            "- a: 1.5e3\n",
            "- a: .5\n",
            "- a: 1.\n",
            "- a: +1.5\n",
            "- a: 01.5\n",
            "- a: +1\n",
            "- a: !!str 1\n",
            "- a: &x 1\n",
            "- {a: 1, a: 2}\n",
            "- <<: {a: 1}\n",
            "- a: 1\n---\n- b\n",
            "plain\n",
            "",
            "- 1234567890123456789\n",
            "- -0\n",
            "- 1: 1\n",
            "- : 1\n",
            "- [a]: 1\n",
            "- a: [1\n",
        ] {
            assert_eq!(read(declined), None, "{declined:?}");
        }
    }

    proptest! {
        #[test]
        fn the_scans_hint_is_the_fast_ways_answer(
            plain in prop_oneof![scalar(), ordinary(), select(NASTY).prop_map(str::to_string)],
        ) {
            prop_assert_eq!(
                reads_plain(&plain),
                super::scalar(Cow::Borrowed(&plain), true).is_some()
            );
        }
    }

    #[test]
    fn limits_are_left_to_serde_saphyr() {
        let limits = Limits {
            depth: 4,
            string_bytes: 4,
            ..Limits::default()
        };
        assert!(document("- [[1]]\n", &limits).is_some());
        assert!(document("- [[[1]]]\n", &limits).is_none());
        assert!(document("- abcd\n", &limits).is_some());
        assert!(document("- abcde\n", &limits).is_none());
        assert!(document("- 'abcde': 1\n", &limits).is_none());
        let small = Limits {
            input_bytes: 64,
            ..Limits::default()
        };
        assert!(document("- a\n", &small).is_some());
        assert!(document(&format!("- {}\n", "a".repeat(40)), &small).is_none());
    }

    /// Every document of every YAML file of the examples and fixtures, and every item of each
    /// that is a ResourceList.
    #[test]
    fn the_fast_way_agrees_on_every_example_and_fixture() {
        let files = super::super::repository_yaml_files(&["examples", "tests/fixtures"]);
        let limits = Limits::default();
        let (mut texts, mut accepted) = (0, 0);
        let mut run = |text: &str, from: &std::path::Path| {
            texts += 1;
            match agrees(text, &limits) {
                Ok(yes) => accepted += usize::from(yes),
                Err(why) => panic!("{}: {why}", from.display()),
            }
        };
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            run(&text, path);
            let mut documents = vec![String::new()];
            for line in text.split_inclusive('\n') {
                if line.starts_with("---") {
                    documents.push(String::new());
                }
                if let Some(d) = documents.last_mut() {
                    d.push_str(line);
                }
            }
            for doc in &documents {
                run(doc, path);
                if let Ok(scanned) = crate::krm::scan::scan(doc.clone(), &limits) {
                    for item in &scanned.items {
                        if let Some(t) = item.text() {
                            run(t, path);
                        }
                    }
                }
            }
        }
        eprintln!(
            "the fast way read {accepted} of {texts} texts from {} files",
            files.len()
        );
        assert!(accepted > texts / 4, "only {accepted} of {texts}");
    }
}
