//! The output writer: a JSON value as YAML text, straight into a `String`.
//!
//! It writes exactly the bytes serde-saphyr 2.2.0 writes for a `serde_json::Value` with its
//! default options (`to_yaml`), so nothing a host or a snapshot sees changes, but without
//! serde's visitor machinery, a second pass over every string to decide its quoting, or a
//! re-split of the text to indent it as a `- ` entry of `items:`. The rules it follows are
//! serde-saphyr's (`ser/quoting.rs`, `ser/serializer.rs`, `ser/wrapping.rs`), restated for the
//! six shapes a JSON value has; `tests/yaml_writer.rs` holds it to serde-saphyr's bytes.
//!
//! Declined (the caller falls back to serde-saphyr for the whole value): a mapping key whose
//! written form is longer than 1,024 bytes and 1,024 characters, which serde-saphyr writes as
//! an explicit `? key` entry with its own indentation rules. vmstack's objects never have one.
//! Floats are formatted by serde-saphyr itself (they are rare, and its float syntax has fixups
//! of its own).

use serde_json::{Map, Number, Value};

use crate::decimal::push_decimal;

/// The value cannot be written here; serde-saphyr writes it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declined;

/// `value` as a YAML document, appended to `out`: the bytes of `serde_saphyr::to_string`.
/// On `Err`, `out` is left as it was.
pub fn write_document(value: &Value, out: &mut String) -> Result<(), Declined> {
    write(value, out, false)
}

/// `value` as one entry of a block sequence (`- ` then lines indented by two), appended to
/// `out`: the bytes of `write_sequence_entry(to_yaml(value))`, whitespace-only lines of a block
/// scalar left unindented as that function leaves them. On `Err`, `out` is left as it was.
pub fn write_entry(value: &Value, out: &mut String) -> Result<(), Declined> {
    out.push_str("- ");
    let start = out.len() - 2;
    let written = write(value, out, true);
    if written.is_err() {
        out.truncate(start);
    }
    written
}

fn write(value: &Value, out: &mut String, entry: bool) -> Result<(), Declined> {
    let start = out.len();
    let mut w = Writer { out, entry };
    let written = w.node(value, Place::Top);
    if written.is_err() {
        w.out.truncate(start);
    }
    written
}

/// Where a node starts, which decides how it opens and how deep its block scalars go.
#[derive(Clone, Copy)]
enum Place {
    /// The document itself: at the start of the first line.
    Top,
    /// After `key:` in a mapping at this depth.
    Value(usize),
    /// After `- ` in a sequence at this depth.
    Element(usize),
}

impl Place {
    /// The depth of the collection holding the node (0 for the document): its block scalar
    /// bodies sit one level deeper.
    fn parent(self) -> usize {
        match self {
            Place::Top => 0,
            Place::Value(d) | Place::Element(d) => d,
        }
    }
}

/// Deepest indentation written from the constant; deeper lines push spaces one run at a time.
const SPACES: &str = "                                                                ";

/// A single-line string longer than this (in characters) is folded (`>`).
const FOLD_WIDTH: usize = 80;

/// A key written longer than this (in bytes and in characters) is explicit (`? key`).
const SIMPLE_KEY_MAX: usize = 1024;

struct Writer<'a> {
    out: &'a mut String,
    /// Writing a sequence entry: every line after the first is indented by two more.
    entry: bool,
}

impl Writer<'_> {
    fn spaces(&mut self, mut n: usize) {
        while n > SPACES.len() {
            self.out.push_str(SPACES);
            n -= SPACES.len();
        }
        self.out.push_str(&SPACES[..n]);
    }

    /// Starts a line of structure at `column`.
    fn line(&mut self, column: usize) {
        self.spaces(column + if self.entry { 2 } else { 0 });
    }

    /// Starts a line of block scalar content at `column`; a line holding only white space
    /// keeps its own indentation in an entry (`write_sequence_entry` leaves blank lines be).
    fn content_line(&mut self, column: usize, content: &str) {
        let margin = self.entry && !content.trim().is_empty();
        self.spaces(column + if margin { 2 } else { 0 });
    }

    fn node(&mut self, value: &Value, place: Place) -> Result<(), Declined> {
        match value {
            Value::Object(map) if !map.is_empty() => return self.mapping(map, place),
            Value::Array(items) if !items.is_empty() => return self.sequence(items, place),
            _ => {}
        }
        if let Place::Value(_) = place {
            self.out.push(' ');
        }
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.number(n),
            Value::String(s) => return self.string(s, place),
            Value::Object(_) => self.out.push_str("{}"),
            Value::Array(_) => self.out.push_str("[]"),
        }
        self.out.push('\n');
        Ok(())
    }

    fn mapping(&mut self, map: &Map<String, Value>, place: Place) -> Result<(), Declined> {
        let depth = match place {
            Place::Top => 0,
            Place::Value(d) | Place::Element(d) => d + 1,
        };
        let mut first = true;
        for (key, value) in map {
            match (first, place) {
                // The first key of a mapping opened after `- ` (or the document) stays on
                // that line; a mapping value starts on the next one.
                (true, Place::Top | Place::Element(_)) => {}
                (true, Place::Value(_)) => {
                    self.out.push('\n');
                    self.line(2 * depth);
                }
                (false, _) => self.line(2 * depth),
            }
            first = false;
            self.key(key)?;
            self.out.push(':');
            self.node(value, Place::Value(depth))?;
        }
        Ok(())
    }

    fn sequence(&mut self, items: &[Value], place: Place) -> Result<(), Declined> {
        // A sequence under a key is not indented past it (compact list indentation).
        let depth = match place {
            Place::Top => 0,
            Place::Value(d) => d,
            Place::Element(d) => d + 1,
        };
        for (i, item) in items.iter().enumerate() {
            match (i, place) {
                (0, Place::Top | Place::Element(_)) => {}
                (0, Place::Value(_)) => {
                    self.out.push('\n');
                    self.line(2 * depth);
                }
                _ => self.line(2 * depth),
            }
            self.out.push_str("- ");
            self.node(item, Place::Element(depth))?;
        }
        Ok(())
    }

    fn key(&mut self, key: &str) -> Result<(), Declined> {
        let start = self.out.len();
        if key_is_plain(key) {
            self.out.push_str(key);
        } else {
            self.double_quoted(key);
        }
        let written = &self.out[start..];
        if written.len() > SIMPLE_KEY_MAX && written.chars().count() > SIMPLE_KEY_MAX {
            return Err(Declined);
        }
        Ok(())
    }

    fn number(&mut self, n: &Number) {
        if let Some(u) = n.as_u64() {
            push_decimal(self.out, u, false);
        } else if let Some(i) = n.as_i64() {
            push_decimal(self.out, i.unsigned_abs(), i < 0);
        } else if let Some(f) = n.as_f64() {
            // serde-saphyr's own float syntax (a `.0` or an exponent sign added where the
            // shortest form lacks one), from its own formatter.
            let text = serde_saphyr::to_string(&f).unwrap_or_default();
            self.out.push_str(text.trim_end_matches('\n'));
        }
    }

    /// A string scalar (after any `key:`'s space), through its closing line break.
    fn string(&mut self, s: &str, place: Place) -> Result<(), Declined> {
        if s.contains('\n') {
            if block_content_is_safe(s) {
                self.literal(s, place.parent());
                return Ok(());
            }
        } else if s.len() > FOLD_WIDTH {
            // Trailing spaces survive a folded scalar, so only the rest must be plain-safe.
            let probe = s.trim_end_matches(' ');
            if !probe.is_empty()
                && value_is_plain(probe)
                && s.chars().count() > FOLD_WIDTH
                && block_content_is_safe(s)
            {
                self.folded(s, place.parent());
                return Ok(());
            }
        }
        match s {
            "." | "#" | "-" => {
                self.out.push('\'');
                self.out.push_str(s);
                self.out.push('\'');
            }
            _ if value_is_plain(s) => self.out.push_str(s),
            _ => self.double_quoted(s),
        }
        self.out.push('\n');
        Ok(())
    }

    /// `|` block: header with an indentation indicator when the first line starts with a
    /// space and a chomping indicator from the trailing line breaks, then the lines.
    fn literal(&mut self, s: &str, parent: usize) {
        let content = s.trim_end_matches('\n');
        let breaks = s.len() - content.len();
        self.out.push('|');
        if first_line_is_indented(content) {
            self.out.push('2');
        }
        match breaks {
            0 => self.out.push('-'),
            1 if !content.is_empty() => {}
            _ => self.out.push('+'),
        }
        self.out.push('\n');
        let column = 2 * (parent + 1);
        if content.is_empty() {
            for _ in 0..breaks {
                self.out.push('\n');
            }
            return;
        }
        for line in content.split('\n') {
            if !line.is_empty() {
                self.content_line(column, line);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        for _ in 1..breaks {
            self.out.push('\n');
        }
    }

    /// `>-` block of one long line, wrapped at runs of spaces to at most 80 characters a line
    /// where a run is near enough. A run of n spaces becomes a line break after n − 1 of them
    /// (the break reads back as the last one); a run just before a tab is never a break point,
    /// and a stretch of 80 characters without a run stops the wrapping for the rest of the
    /// line.
    fn folded(&mut self, s: &str, parent: usize) {
        self.out.push_str(">-\n");
        let column = 2 * (parent + 1);
        let mut start = 0;
        let mut count = 0;
        // The last run of spaces that may take a break: (first byte, byte after, length).
        let mut breakable: Option<(usize, usize, usize)> = None;
        // The run being read: (first byte, length).
        let mut run: Option<(usize, usize)> = None;
        for (i, ch) in s.char_indices() {
            if ch == ' ' {
                run = Some(match run {
                    Some((at, n)) => (at, n + 1),
                    None => (i, 1),
                });
            } else if let Some((at, n)) = run.take()
                && ch != '\t'
            {
                breakable = Some((at, i, n));
            }
            count += 1;
            if count > FOLD_WIDTH {
                let Some((at, after, n)) = breakable.take() else {
                    break;
                };
                let piece = &s[start..at];
                self.content_line(column, piece);
                self.out.push_str(piece);
                self.spaces(n - 1);
                self.out.push('\n');
                start = after;
                count = 0;
            }
        }
        let rest = &s[start..];
        self.content_line(column, rest);
        self.out.push_str(rest);
        self.out.push('\n');
    }

    fn double_quoted(&mut self, s: &str) {
        self.out.push('"');
        let mut clean = 0;
        for (i, ch) in s.char_indices() {
            let escape = match ch {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\0' => "\\0",
                '\u{7}' => "\\a",
                '\u{8}' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\u{b}' => "\\v",
                '\u{c}' => "\\f",
                '\r' => "\\r",
                '\u{1b}' => "\\e",
                '\u{85}' => "\\N",
                '\u{2028}' => "\\L",
                '\u{2029}' => "\\P",
                c if needs_escape(c) => "",
                _ => continue,
            };
            self.out.push_str(&s[clean..i]);
            clean = i + ch.len_utf8();
            if escape.is_empty() {
                push_hex_escape(self.out, ch as u32);
            } else {
                self.out.push_str(escape);
            }
        }
        self.out.push_str(&s[clean..]);
        self.out.push('"');
    }
}

/// `\xHH` for the controls up to U+00FF, `\uHHHH` above (upper-case digits).
fn push_hex_escape(out: &mut String, code: u32) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let digits = if code <= 0xFF {
        out.push_str("\\x");
        2
    } else {
        out.push_str("\\u");
        4
    };
    for d in (0..digits).rev() {
        out.push(char::from(HEX[((code >> (4 * d)) & 0xF) as usize]));
    }
}

/// Characters a plain or single-quoted scalar cannot hold: the C0 and C1 controls, the BOM,
/// the line and paragraph separators and the two noncharacters U+FFFE and U+FFFF.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// Whether every character may stand as itself in a block scalar: tab and line feed, and the
/// printable characters except the BOM and NEL/LS/PS (which many tools take for line breaks).
fn block_content_is_safe(s: &str) -> bool {
    // Block scalars are long (rules, dashboards) and nearly always printable ASCII: one pass
    // over the bytes without an early exit, which the compiler vectorises, settles those.
    let outside_printable_ascii = s.bytes().fold(false, |outside, b| {
        outside | (b >= 0x7F) | (b < 0x20 && b != b'\n' && b != b'\t')
    });
    !outside_printable_ascii || block_chars_are_safe(s)
}

/// [`block_content_is_safe`] read a character at a time: the rule itself.
fn block_chars_are_safe(s: &str) -> bool {
    s.chars().all(|c| match c {
        '\n' | '\t' => true,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => false,
        c => matches!(c as u32, 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..),
    })
}

/// The first line with anything on it starts with a space (the parser could not tell the
/// indentation from it, so the header states it).
fn first_line_is_indented(content: &str) -> bool {
    content
        .split('\n')
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.starts_with(' '))
}

// ---- Plain scalars -------------------------------------------------------------------------

/// What a pass over a string found, for the plain-scalar checks.
#[derive(Default)]
struct Scan {
    /// A character that must be escaped.
    control: bool,
    /// `#` right after white space (a comment would start there).
    comment: bool,
    /// `: ` anywhere.
    colon_space: bool,
    /// `:` anywhere.
    colon: bool,
    /// One of `,[]{}`.
    flow: bool,
}

// Byte classes of the ASCII scan; 0 for the bytes no rule looks at.
const C_CONTROL: u8 = 1;
const C_COLON: u8 = 2;
const C_HASH: u8 = 4;
const C_FLOW: u8 = 8;
const C_HIGH: u8 = 16;

const CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            0..=0x1F | 0x7F => C_CONTROL,
            b':' => C_COLON,
            b'#' => C_HASH,
            b',' | b'[' | b']' | b'{' | b'}' => C_FLOW,
            0x80..=0xFF => C_HIGH,
            _ => 0,
        };
        b += 1;
    }
    t
};

fn scan(s: &str) -> Scan {
    let bytes = s.as_bytes();
    let mut found = Scan::default();
    // Most strings (names, labels, paths, prose) hold no byte any rule looks at.
    if bytes.iter().all(|&b| CLASSES[b as usize] == 0) {
        return found;
    }
    for (i, &b) in bytes.iter().enumerate() {
        match CLASSES[b as usize] {
            0 => {}
            C_HIGH => return scan_chars(s),
            C_CONTROL => found.control = true,
            C_COLON => {
                found.colon = true;
                if bytes.get(i + 1) == Some(&b' ') {
                    found.colon_space = true;
                }
            }
            // The ASCII white space other than the space is control, found on its own.
            C_HASH if i > 0 && bytes[i - 1] == b' ' => found.comment = true,
            C_FLOW => found.flow = true,
            _ => {}
        }
    }
    found
}

/// [`scan`] for a string with non-ASCII characters: Unicode white space before `#` starts a
/// comment too, and some non-ASCII characters must be escaped.
fn scan_chars(s: &str) -> Scan {
    let mut found = Scan::default();
    let mut prev_white = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ':' => {
                found.colon = true;
                if chars.peek() == Some(&' ') {
                    found.colon_space = true;
                }
            }
            '#' if prev_white => found.comment = true,
            ',' | '[' | ']' | '{' | '}' => found.flow = true,
            c if needs_escape(c) => found.control = true,
            _ => {}
        }
        prev_white = c.is_whitespace();
    }
    found
}

/// Checks shared by keys and values: not empty, no document marker, no white space at either
/// end (a plain scalar loses it), no indicator where one would be read.
fn shape_is_plain(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if first.is_ascii_whitespace() || last.is_ascii_whitespace() {
        return false;
    }
    match first {
        b'-' | b'?' if bytes.get(1).is_none_or(u8::is_ascii_whitespace) => return false,
        b',' | b':' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>'
        | b'\'' | b'"' | b'%' | b'@' | b'`' => return false,
        _ => {}
    }
    !starts_with_document_marker(s)
}

fn starts_with_document_marker(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 3
        && (bytes.starts_with(b"---") || bytes.starts_with(b"..."))
        && bytes.get(3).is_none_or(u8::is_ascii_whitespace)
}

/// Whether a string value can be written plain in block style (YAML 1.1 spellings counted).
pub(crate) fn value_is_plain(s: &str) -> bool {
    if !shape_is_plain(s) || is_ambiguous(s, false) {
        return false;
    }
    let found = scan(s);
    !(found.control || found.comment || found.colon_space || s.trim_end().ends_with(':'))
}

/// Whether a key can be written plain: a key's checks are stricter than a value's (no `:` at
/// all, none of `,[]{}`, `<<` and every spelling YAML 1.1 or 1.2 reads as another type).
pub(crate) fn key_is_plain(s: &str) -> bool {
    if !shape_is_plain(s) || s == "<<" || key_is_ambiguous(s) {
        return false;
    }
    let found = scan(s);
    !(found.control || found.comment || found.colon || found.flow)
}

// ---- Ambiguity: strings a reader would take for another type -------------------------------
//
// Only called on strings with no white space at either end: the YAML 1.1 boolean check
// trims such white space first, and those strings are never plain anyway.

fn is_ambiguous(s: &str, yaml_12: bool) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true;
    };
    match first {
        b'0'..=b'9' | b'+' | b'-' | b'.' | b'_' => {
            is_numeric(s, yaml_12)
                || s.eq_ignore_ascii_case("+inf")
                || s.eq_ignore_ascii_case("-inf")
                || (!yaml_12 && first.is_ascii_digit() && is_yaml11_timestamp(s))
        }
        b'~' => s == "~",
        b'<' => !yaml_12 && s == "<<",
        b'=' => !yaml_12 && s == "=",
        b if b.is_ascii_alphabetic() => is_keyword(s, yaml_12),
        _ => false,
    }
}

/// Whether a key is ambiguous in YAML 1.1 or 1.2 (serde-saphyr asks both of a key).
fn key_is_ambiguous(s: &str) -> bool {
    match s.as_bytes().first() {
        // The 1.2 keywords are 1.1 keywords too; only numbers differ between the versions.
        Some(b) if b.is_ascii_alphabetic() => is_keyword(s, false),
        _ => is_ambiguous(s, false) || is_ambiguous(s, true),
    }
}

/// The null, boolean and float words, in any case (and YAML 1.1's yes/no/y/n/on/off).
fn is_keyword(s: &str, yaml_12: bool) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() > 5 {
        return false;
    }
    let mut lower = [0u8; 5];
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    match &lower[..bytes.len()] {
        b"null" | b"true" | b"false" | b"nan" | b"inf" => true,
        b"yes" | b"no" | b"y" | b"n" | b"on" | b"off" => !yaml_12,
        _ => false,
    }
}

fn strip_sign(s: &str) -> &str {
    s.strip_prefix(['+', '-']).unwrap_or(s)
}

/// Integer or float syntax (YAML 1.2, or 1.1 with its base-60 numbers, radix prefixes and
/// underscores), without reading the number: an out-of-range number still reads as one.
fn is_numeric(s: &str, yaml_12: bool) -> bool {
    let unsigned = strip_sign(s);
    if unsigned.eq_ignore_ascii_case(".inf") || unsigned.eq_ignore_ascii_case(".nan") {
        return true;
    }
    if !yaml_12 {
        if is_sexagesimal(s) {
            return true;
        }
        if let Some((radix, digits)) = radix_prefixed(unsigned)
            && digit_run(digits, radix, false)
        {
            return true;
        }
    }
    // YAML 1.1 readers (Go's) drop every underscore before reading the number.
    let without_underscores;
    let s = if !yaml_12 && s.contains('_') {
        without_underscores = s.replace('_', "");
        without_underscores.as_str()
    } else {
        s
    };
    let unsigned = strip_sign(s);
    if let Some((radix, digits)) = radix_prefixed(unsigned) {
        let digits = if !yaml_12 && (s.starts_with("0b") || s.starts_with("0o")) {
            strip_sign(digits)
        } else {
            digits
        };
        return digit_run(digits, radix, true);
    }
    let mantissa = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            if !digit_run(strip_sign(exponent), 10, true) {
                return false;
            }
            mantissa
        }
        None => unsigned,
    };
    match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            if !whole.is_empty() && !digit_run(whole, 10, true) {
                false
            } else if !yaml_12 {
                fraction.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            } else if fraction.is_empty() {
                !whole.is_empty()
            } else {
                digit_run(fraction, 10, true)
            }
        }
        None => digit_run(mantissa, 10, true),
    }
}

fn radix_prefixed(s: &str) -> Option<(u32, &str)> {
    let radix = match s.as_bytes() {
        [b'0', b'b' | b'B', ..] => 2,
        [b'0', b'o' | b'O', ..] => 8,
        [b'0', b'x' | b'X', ..] => 16,
        _ => return None,
    };
    Some((radix, &s[2..]))
}

/// Digits of `radix`, with underscores anywhere, or (strict) only between two digits.
fn digit_run(s: &str, radix: u32, strict: bool) -> bool {
    let bytes = s.as_bytes();
    let digit = |b: u8| char::from(b).is_digit(radix);
    !bytes.is_empty()
        && bytes.iter().enumerate().all(|(i, &b)| {
            (b.is_ascii() && digit(b))
                || (b == b'_'
                    && (!strict
                        || (i > 0
                            && digit(bytes[i - 1])
                            && bytes.get(i + 1).is_some_and(|&n| n.is_ascii() && digit(n)))))
        })
}

/// YAML 1.1 base-60: `190:20:30`, `-1:30.5`.
fn is_sexagesimal(s: &str) -> bool {
    let unsigned = strip_sign(s);
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let Some((head, rest)) = integer.split_once(':') else {
        return false;
    };
    let Some(&lead) = head.as_bytes().first() else {
        return false;
    };
    lead.is_ascii_digit()
        && (fraction.is_some() || lead != b'0')
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        && rest.split(':').all(|part| match part.as_bytes() {
            [d] => d.is_ascii_digit(),
            [t, u] => matches!(t, b'0'..=b'5') && u.is_ascii_digit(),
            _ => false,
        })
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit() || b == b'_'))
}

/// YAML 1.1 timestamp syntax (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`, Go's looser
/// spellings), without checking the calendar.
fn is_yaml11_timestamp(s: &str) -> bool {
    let mut t = Cursor(s);
    if !(t.digits(4, 4) && t.eat('-') && t.digits(1, 2) && t.eat('-') && t.digits(1, 2)) {
        return false;
    }
    if t.0.is_empty() {
        return true;
    }
    if !(t.eat('T') || t.eat('t') || t.blanks()) {
        return false;
    }
    if !(t.digits(1, 2) && t.eat(':') && t.digits(1, 2) && t.eat(':') && t.digits(1, 2)) {
        return false;
    }
    if t.eat('.') || t.eat(',') {
        t.digits(0, usize::MAX);
    }
    t.blanks();
    if t.0.is_empty() || t.0 == "Z" {
        return true;
    }
    if !((t.eat('+') || t.eat('-')) && t.digits(1, 2)) {
        return false;
    }
    if t.eat(':') && !t.digits(2, 2) {
        return false;
    }
    t.0.is_empty()
}

struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> bool {
        let n = self.0.bytes().take_while(u8::is_ascii_digit).count();
        if !(min..=max).contains(&n) {
            return false;
        }
        self.0 = &self.0[n..];
        true
    }

    fn eat(&mut self, c: char) -> bool {
        match self.0.strip_prefix(c) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    /// Skips spaces and tabs; whether there were any.
    fn blanks(&mut self) -> bool {
        let rest = self.0.trim_start_matches([' ', '\t']);
        let skipped = rest.len() != self.0.len();
        self.0 = rest;
        skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: &Value) -> String {
        let mut out = String::new();
        write_document(v, &mut out).unwrap();
        out
    }

    proptest::proptest! {
        // The byte pass that settles most block scalars at once answers as the character rule:
        // printable ASCII with at most one character of another kind in it.
        #[test]
        fn the_quick_pass_agrees_with_the_character_rule(
            printable in "[ -~\t\n]{0,30}",
            other in proptest::option::of(
                "[\u{0}-\u{1f}\u{7f}-\u{a0}\u{85}\u{2028}\u{2029}\u{feff}\u{fffe}é😀]"
            ),
            at in 0..=30usize,
        ) {
            let mut s = printable;
            if let Some(other) = other {
                s.insert_str(at.min(s.len()), &other);
            }
            proptest::prop_assert_eq!(block_content_is_safe(&s), block_chars_are_safe(&s));
        }
    }

    #[test]
    fn writes_what_serde_saphyr_writes() {
        let v = json!({
            "a": {"b": [1, -2, 1.5, true, null, "x"], "c": {}, "d": []},
            "e": [[], {}, [1, [2]], {"f": "line\nbreak\n", "g": "  lead\n"}],
            "yes": "on", "k: v": "0755", "": "#", "h": "2001-12-14",
        });
        assert_eq!(doc(&v), serde_saphyr::to_string(&v).unwrap());
    }

    #[test]
    fn an_entry_indents_every_line_but_blank_ones() {
        let v = json!({"a": "x\n   \ny\n", "b": [{"c": 1}]});
        let mut out = String::new();
        write_entry(&v, &mut out).unwrap();
        assert_eq!(out, "- a: |\n    x\n     \n    y\n  b:\n  - c: 1\n");
    }

    #[test]
    fn a_huge_key_is_declined_and_nothing_written() {
        let v = json!({"a": {"k".repeat(1100): 1}});
        let mut out = String::from("before\n");
        assert_eq!(write_entry(&v, &mut out), Err(Declined));
        assert_eq!(out, "before\n");
    }
}
