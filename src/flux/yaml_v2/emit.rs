//! go-yaml v2's `Marshal` of a decoded JSON object (`encode.go`, `emitterc.go`): block style,
//! keys in [`super::sort`] order, sequences inside a mapping at the key's indentation, `{}` and
//! `[]` for empty collections, and each string in the first style that keeps it a string:
//! plain, single-quoted, double-quoted, or a literal block when it has a newline. Lines are
//! folded at spaces past column 80, as go-yaml does.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::number::{self, format_g};
use super::resolve::{Resolved, is_base60_float, resolve_plain};
use super::{Yaml, json_string};

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// What `yaml_emitter_analyze_scalar` finds out about a value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Analysis {
    multiline: bool,
    flow_plain: bool,
    block_plain: bool,
    single_quoted: bool,
    block: bool,
}

fn width(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        _ if b & 0xE0 == 0xC0 => 2,
        _ if b & 0xF0 == 0xE0 => 3,
        _ if b & 0xF8 == 0xF0 => 4,
        _ => 1,
    }
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn is_space(b: &[u8], i: usize) -> bool {
    at(b, i) == b' '
}

fn is_blank(b: &[u8], i: usize) -> bool {
    matches!(at(b, i), b' ' | b'\t')
}

/// CR, LF, NEL, LS and PS: YAML 1.1 line breaks.
pub fn is_break(b: &[u8], i: usize) -> bool {
    match at(b, i) {
        b'\r' | b'\n' => true,
        0xC2 => at(b, i + 1) == 0x85,
        0xE2 => at(b, i + 1) == 0x80 && matches!(at(b, i + 2), 0xA8 | 0xA9),
        _ => false,
    }
}

fn is_blankz(b: &[u8], i: usize) -> bool {
    is_blank(b, i) || is_break(b, i) || at(b, i) == 0
}

/// libyaml's printable set, byte-wise: tab, CR, C1 controls, U+FEFF, U+FFFE/F and everything
/// outside the Basic Multilingual Plane count as not printable.
fn is_printable(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (c == 0xC2 && at(b, i + 1) >= 0xA0)
        || (c > 0xC2 && c < 0xED)
        || (c == 0xED && at(b, i + 1) < 0xA0)
        || c == 0xEE
        || (c == 0xEF
            && !(at(b, i + 1) == 0xBB && at(b, i + 2) == 0xBF)
            && !(at(b, i + 1) == 0xBF && matches!(at(b, i + 2), 0xBE | 0xBF)))
}

fn analyze(value: &[u8]) -> Analysis {
    if value.iter().all(|b| (b' '..=b'~').contains(b)) {
        return analyze_printable_ascii(value);
    }
    analyze_any(value)
}

/// [`analyze_any`] for a value of printable ASCII only (no break, no tab, nothing special, one
/// byte a character), the common case, in one pass without the character classes.
fn analyze_printable_ascii(value: &[u8]) -> Analysis {
    let Some((&first, &last)) = value.first().zip(value.last()) else {
        return analyze_any(value);
    };
    let followed_by_space = |i: usize| i + 1 >= value.len() || value[i + 1] == b' ';
    let mut block_indicators = value.starts_with(b"---") || value.starts_with(b"...");
    let mut flow_indicators = block_indicators;
    match first {
        b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => {
            flow_indicators = true;
            block_indicators = true;
        }
        b'?' | b':' => {
            flow_indicators = true;
            block_indicators |= followed_by_space(0);
        }
        b'-' if followed_by_space(0) => {
            flow_indicators = true;
            block_indicators = true;
        }
        _ => {}
    }
    for i in 1..value.len() {
        match value[i] {
            b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
            b':' => {
                flow_indicators = true;
                block_indicators |= followed_by_space(i);
            }
            b'#' if value[i - 1] == b' ' => {
                flow_indicators = true;
                block_indicators = true;
            }
            _ => {}
        }
    }
    let edge_space = first == b' ' || last == b' ';
    Analysis {
        multiline: false,
        flow_plain: !edge_space && !flow_indicators,
        block_plain: !edge_space && !block_indicators,
        single_quoted: true,
        block: last != b' ',
    }
}

fn analyze_any(value: &[u8]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if value.starts_with(b"---") || value.starts_with(b"...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < value.len() {
        let w = width(value[i]);
        let followed_by_whitespace = i + w >= value.len() || is_blank(value, i + w);
        if i == 0 {
            match value[i] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                b'?' | b':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_whitespace;
                }
                b'-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match value[i] {
                b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                b':' => {
                    flow_indicators = true;
                    block_indicators |= followed_by_whitespace;
                }
                b'#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(value, i) {
            special = true;
        }
        if is_space(value, i) {
            leading_space |= i == 0;
            trailing_space |= i + w == value.len();
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(value, i) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + w == value.len();
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(value, i);
        i += w;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single_quoted: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single_quoted = false;
    }
    if space_break || special {
        a = Analysis {
            multiline: a.multiline,
            ..Analysis::default()
        };
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_indicators {
        a.flow_plain = false;
    }
    if block_indicators {
        a.block_plain = false;
    }
    a
}

/// Whether a value written as it is after `key: ` or `- ` in block context reads back as one
/// plain scalar holding exactly these bytes: the analysis the emitter makes before it chooses
/// the plain style (no indicator that opens structure, no `: ` or ` #`, no edge space, no line
/// break, nothing unprintable), and not empty.
pub fn reads_as_block_plain(value: &[u8]) -> bool {
    let a = analyze(value);
    !value.is_empty() && a.block_plain && !a.multiline
}

/// The style `encode.go` asks for: a string that would read back as something else is quoted.
fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve_plain(s) == Resolved::Str && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Where a scalar of the document landed in the text: byte range and field path (dotted, list
/// items as `[i]`), for pointing a problem in the substituted text back at its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub range: std::ops::Range<usize>,
    pub path: String,
    /// The scalar is the field's key, not its value.
    pub key: bool,
}

/// Which string scalars get a [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spans {
    None,
    /// Only those whose text holds a `$`: all that a `${` found in the text can sit in.
    WithDollar,
    All,
}

struct Emitter {
    out: Vec<u8>,
    /// The field path of the node being written, and how many steps it has.
    path: String,
    steps: usize,
    wanted: Spans,
    spans: Vec<Span>,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
    flow_level: usize,
    mapping_context: bool,
    simple_key_context: bool,
    /// The scalar being written is a key.
    key: bool,
}

impl Emitter {
    fn put(&mut self, b: u8) {
        self.out.push(b);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push(b'\n');
        self.column = 0;
    }

    /// Copies one character.
    fn write(&mut self, s: &[u8], i: &mut usize) {
        let w = width(s[*i]).min(s.len() - *i);
        self.out.extend_from_slice(&s[*i..*i + w]);
        self.column += 1;
        *i += w;
    }

    fn write_break(&mut self, s: &[u8], i: &mut usize) {
        if s[*i] == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write(s, i);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(b' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        s: &[u8],
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(b' ');
        }
        let mut i = 0;
        while i < s.len() {
            self.write(s, &mut i);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, node: &Value, mapping: bool, simple_key: bool) -> Result<(), String> {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Value::Array(items) if items.is_empty() || self.flow_level > 0 => {
                self.empty_flow(b"[]")
            }
            Value::Object(entries) if entries.is_empty() || self.flow_level > 0 => {
                self.empty_flow(b"{}")
            }
            Value::Array(items) => return self.block_sequence(items),
            Value::Object(entries) => return self.block_mapping(entries),
            Value::String(s) => self.string(&json_string(s)?),
            Value::Null => self.scalar(b"null", Style::Plain, false),
            Value::Bool(b) => self.scalar(if *b { b"true" } else { b"false" }, Style::Plain, false),
            Value::Number(n) => {
                let text = match number::from_json(n) {
                    Yaml::Int(i) => i.to_string(),
                    Yaml::Uint(u) => u.to_string(),
                    Yaml::Float(f) => format_g(f),
                    _ => String::new(),
                };
                self.scalar(text.as_bytes(), Style::Plain, false)
            }
        }
        Ok(())
    }

    fn empty_flow(&mut self, brackets: &[u8]) {
        self.write_indicator(&brackets[..1], true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(&brackets[1..], false, false, false);
    }

    fn block_sequence(&mut self, items: &[Value]) -> Result<(), String> {
        self.increase_indent(false, self.mapping_context && !self.indention);
        let (len, steps) = (self.path.len(), self.steps);
        for (i, item) in items.iter().enumerate() {
            self.write_indent();
            self.write_indicator(b"-", true, false, true);
            self.path.truncate(len);
            let _ = write!(self.path, "[{i}]");
            self.steps = steps + 1;
            self.node(item, false, false)?;
        }
        self.path.truncate(len);
        self.steps = steps;
        self.pop_indent();
        Ok(())
    }

    fn block_mapping(&mut self, entries: &Map<String, Value>) -> Result<(), String> {
        self.increase_indent(false, false);
        let mut sorted = entries
            .iter()
            .map(|(k, v)| Ok((json_string(k)?, v)))
            .collect::<Result<Vec<(Cow<str>, &Value)>, String>>()?;
        sorted.sort_by(|(a, _), (b, _)| super::sort::compare(a, b));
        let (len, steps) = (self.path.len(), self.steps);
        for (key, value) in &sorted {
            self.path.truncate(len);
            if steps > 0 {
                self.path.push('.');
            }
            self.path.push_str(key);
            self.steps = steps + 1;
            self.write_indent();
            self.key = true;
            let a = analyze(key.as_bytes());
            if simple_key(key, &a) {
                self.mapping_context = true;
                self.simple_key_context = true;
                self.analysed(key.as_bytes(), requested_style(key), &a, true);
                self.key = false;
                self.write_indicator(b":", false, false, false);
            } else {
                self.write_indicator(b"?", true, false, true);
                self.mapping_context = true;
                self.simple_key_context = false;
                self.analysed(key.as_bytes(), requested_style(key), &a, true);
                self.key = false;
                self.write_indent();
                self.write_indicator(b":", true, false, true);
            }
            self.key = false;
            self.node(value, true, false)?;
        }
        self.path.truncate(len);
        self.steps = steps;
        self.pop_indent();
        Ok(())
    }

    fn string(&mut self, s: &str) {
        self.scalar(s.as_bytes(), requested_style(s), true);
    }

    fn scalar(&mut self, value: &[u8], requested: Style, string: bool) {
        self.analysed(value, requested, &analyze(value), string);
    }

    /// [`Self::scalar`] with the value's analysis made already.
    fn analysed(&mut self, value: &[u8], requested: Style, a: &Analysis, string: bool) {
        let style = self.select_style(requested, a, value);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        let start = self.out.len();
        match style {
            Style::Plain => self.plain(value, allow_breaks),
            Style::Single => self.single_quoted(value, allow_breaks),
            Style::Double => self.double_quoted(value, allow_breaks),
            Style::Literal => self.literal(value),
        }
        let wanted = match self.wanted {
            Spans::None => false,
            Spans::WithDollar => self.out[start..].contains(&b'$'),
            Spans::All => true,
        };
        if string && wanted {
            self.spans.push(Span {
                range: start..self.out.len(),
                path: self.path.clone(),
                key: self.key,
            });
        }
        self.pop_indent();
    }

    fn select_style(&self, requested: Style, a: &Analysis, value: &[u8]) -> Style {
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            let plain_ok = if self.flow_level > 0 {
                a.flow_plain
            } else {
                a.block_plain
            };
            if !plain_ok || (value.is_empty() && (self.flow_level > 0 || self.simple_key_context)) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single_quoted {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || self.flow_level > 0 || self.simple_key_context) {
            style = Style::Double;
        }
        style
    }

    fn plain(&mut self, value: &[u8], allow_breaks: bool) {
        if !self.whitespace {
            self.put(b' ');
        }
        // Without a space or a break nothing is folded: the bytes as they are, one column each.
        if value
            .iter()
            .all(|&b| b.is_ascii() && b != b' ' && b != b'\n' && b != b'\r')
        {
            self.out.extend_from_slice(value);
            self.column += value.len();
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < value.len() {
            if is_space(value, i) {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !is_space(value, i + 1) {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(value, i) {
                if !breaks && value[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn single_quoted(&mut self, value: &[u8], allow_breaks: bool) {
        self.write_indicator(b"'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < value.len() {
            if is_space(value, i) {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < value.len() - 1
                    && !is_space(value, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else if is_break(value, i) {
                if !breaks && value[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if value[i] == b'\'' {
                    self.put(b'\'');
                }
                self.write(value, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator(b"'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double_quoted(&mut self, value: &[u8], allow_breaks: bool) {
        self.write_indicator(b"\"", true, false, false);
        // libyaml checks the start of the whole value for a byte-order mark, at every character.
        let bom = value.starts_with(&[0xEF, 0xBB, 0xBF]);
        let mut spaces = false;
        let mut i = 0;
        while i < value.len() {
            if !is_printable(value, i)
                || bom
                || is_break(value, i)
                || value[i] == b'"'
                || value[i] == b'\\'
            {
                let w = width(value[i]).min(value.len() - i);
                let c = std::str::from_utf8(&value[i..i + w])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map_or(u32::from(value[i]), u32::from);
                i += w;
                self.put(b'\\');
                match c {
                    0x00 => self.put(b'0'),
                    0x07 => self.put(b'a'),
                    0x08 => self.put(b'b'),
                    0x09 => self.put(b't'),
                    0x0A => self.put(b'n'),
                    0x0B => self.put(b'v'),
                    0x0C => self.put(b'f'),
                    0x0D => self.put(b'r'),
                    0x1B => self.put(b'e'),
                    0x22 => self.put(b'"'),
                    0x5C => self.put(b'\\'),
                    0x85 => self.put(b'N'),
                    0xA0 => self.put(b'_'),
                    0x2028 => self.put(b'L'),
                    0x2029 => self.put(b'P'),
                    _ => {
                        let (letter, digits) = match c {
                            0..=0xFF => (b'x', 2),
                            0x100..=0xFFFF => (b'u', 4),
                            _ => (b'U', 8),
                        };
                        self.put(letter);
                        for b in format!("{c:0digits$X}").bytes() {
                            self.put(b);
                        }
                    }
                }
                spaces = false;
            } else if is_space(value, i) {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < value.len() - 1
                {
                    self.write_indent();
                    if is_space(value, i + 1) {
                        self.put(b'\\');
                    }
                    i += 1;
                } else {
                    self.write(value, &mut i);
                }
                spaces = true;
            } else {
                self.write(value, &mut i);
                spaces = false;
            }
        }
        self.write_indicator(b"\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, value: &[u8]) {
        self.write_indicator(b"|", true, false, false);
        if is_space(value, 0) || is_break(value, 0) {
            self.write_indicator(&[b'0' + BEST_INDENT as u8], false, false, false);
        }
        let chomp = block_chomping(value);
        if let Some(c) = chomp {
            self.write_indicator(&[c], false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < value.len() {
            if is_break(value, i) {
                self.write_break(value, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(value, &mut i);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// `-` when the value does not end in a line break, `+` when it ends in two (or is one), none
/// otherwise.
fn block_chomping(value: &[u8]) -> Option<u8> {
    if value.is_empty() {
        return Some(b'-');
    }
    let mut i = value.len() - 1;
    while i > 0 && value[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    if !is_break(value, i) {
        return Some(b'-');
    }
    if i == 0 {
        return Some(b'+');
    }
    i -= 1;
    while i > 0 && value[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    is_break(value, i).then_some(b'+')
}

/// Whether a key fits on its line before `:` (at most 128 bytes, one line).
fn simple_key(key: &str, a: &Analysis) -> bool {
    !a.multiline && key.len() <= 128
}

/// The YAML text go-yaml v2 writes for an object's JSON (`JSONToYAML`), and where the string
/// scalars `wanted` are in it, in text order; or go-yaml's error when it cannot read a string
/// of the JSON ([`json_string`]).
pub fn write(doc: &Value, wanted: Spans) -> Result<(String, Vec<Span>), String> {
    let mut e = Emitter {
        out: Vec::new(),
        path: String::new(),
        steps: 0,
        wanted,
        spans: Vec::new(),
        key: false,
        column: 0,
        whitespace: true,
        indention: true,
        indent: -1,
        indents: Vec::new(),
        flow_level: 0,
        mapping_context: false,
        simple_key_context: false,
    };
    e.node(doc, false, false)?;
    // The document end: a final line break unless the last line is already empty.
    e.indent = -1;
    e.write_indent();
    Ok((String::from_utf8(e.out).unwrap_or_default(), e.spans))
}

#[cfg(test)]
mod tests {
    use super::{analyze_any, analyze_printable_ascii};

    proptest::proptest! {
        #[test]
        fn printable_ascii_is_analysed_as_any_value(value in "[ -~]{1,12}") {
            let b = value.as_bytes();
            proptest::prop_assert_eq!(analyze_printable_ascii(b), analyze_any(b));
        }

        #[test]
        fn indicators_and_spaces_are_analysed_as_any_value(value in "[-:#?,\\[\\]{}&*!|>'\"%@` a.]{1,8}") {
            let b = value.as_bytes();
            proptest::prop_assert_eq!(analyze_printable_ascii(b), analyze_any(b));
        }
    }
}
