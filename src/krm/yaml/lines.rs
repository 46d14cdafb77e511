//! A reader of the plain block YAML that hosts write, line by line, giving the scan and the fast
//! decode the same events granit-parser would give, at a fraction of the cost.
//!
//! kpt and kustomize write a ResourceList as block mappings and sequences, one key or entry per
//! line, with plain, single- or double-quoted scalars on one line, literal and folded block
//! scalars, flow collections of scalars on one line (`{}`, `[a, 'b']`), and comments. That is
//! all this reader knows. It reads only printable ASCII with `\n` line ends, and gives up
//! (`None`) on anything else: a tab, a multi-line plain or quoted scalar, a nested or multi-line
//! flow collection, an anchor, alias or tag, a directive or a document marker, a complex key, an
//! indentation indicator, a more-indented line in a folded scalar, a line at an indentation
//! nothing expects. Giving up is never an error: granit-parser then reads the whole text and
//! says what is wrong with it, if anything is. So what this reader accepts it must read exactly
//! as granit-parser does (the tests below and the fuzz target hold it to that, event by event),
//! and everything it accepts is valid YAML.

use std::borrow::Cow;

use super::step::Step;

/// Nesting deeper than this is left to granit-parser (which stops by itself at 255 levels).
const MAX_DEPTH: usize = 200;

/// Longer implicit keys are left to granit-parser, which has a limit of its own on them.
const MAX_KEY_BYTES: usize = 1000;

/// Reads `text` (a document whose root is a mapping, or with `entries` a block sequence at
/// column 0), giving each event to `sink` with its offset; `None` where the reader cannot be
/// sure, or `sink` said no.
pub(crate) fn read<'a>(
    text: &'a str,
    entries: bool,
    sink: impl FnMut(Step<'a>, usize) -> bool,
) -> Option<()> {
    let printable = |ok: bool, b: &u8| ok & ((b' '..=b'~').contains(b) | (*b == b'\n'));
    // In blocks without a branch per byte, which the compiler turns into vector instructions.
    let all_printable = text
        .as_bytes()
        .chunks(64)
        .all(|block| block.iter().fold(true, printable));
    if !text.ends_with('\n') || !all_printable {
        return None;
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        sink,
        pending: Vec::new(),
        depth: 0,
        peeked: None,
    };
    reader.document(entries)
}

/// Where the first `a` or `b` of `bytes[from..end]` is, or `end`. Eight bytes at a time, with
/// no branch per byte: most of a line is neither, and this search is most of the reader's work.
fn find_either(bytes: &[u8], mut from: usize, end: usize, a: u8, b: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each zero byte, and none below the first: a borrow only starts at one.
    let zeros = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let (every_a, every_b) = (ONES * u64::from(a), ONES * u64::from(b));
    let mut words = bytes[from..end].chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let hits = zeros(word ^ every_a) | zeros(word ^ every_b);
        if hits != 0 {
            return from + (hits.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    words
        .remainder()
        .iter()
        .position(|c| *c == a || *c == b)
        .map_or(end, |i| from + i)
}

/// One line: its content starts `indent` bytes after `start` and runs to `end` (its `\n`).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    end: usize,
}

impl Line {
    fn content(&self) -> usize {
        self.start + self.indent
    }

    fn is_blank(&self) -> bool {
        self.content() == self.end
    }
}

/// Where a plain scalar stops on its line.
enum PlainEnd {
    /// At a `:` followed by a space or the line's end: the scalar is a key.
    Colon(usize),
    /// At the `#` of a comment, or at the line's end: the scalar ends before it.
    Text(usize),
}

struct Reader<'a, S> {
    text: &'a str,
    bytes: &'a [u8],
    /// The start of the first line not yet read.
    pos: usize,
    sink: S,
    /// Collections opened and not given yet (true: a mapping), with where they start if that
    /// is known: granit places a block collection where its first node starts (a sequence
    /// at its first `-`, unless it is at its key's column), so they wait for that node.
    pending: Vec<(bool, Option<usize>)>,
    depth: usize,
    /// The line [`Reader::peek`] found last (it is asked again for the same line).
    peeked: Option<Line>,
}

impl<'a, S: FnMut(Step<'a>, usize) -> bool> Reader<'a, S> {
    fn document(&mut self, entries: bool) -> Option<()> {
        self.give(Step::Document, 0)?;
        let first = self.peek()?;
        if first.indent != 0 {
            return None;
        }
        if entries {
            self.is_entry(first).then_some(())?;
            self.sequence(0, Some(first.content()))?;
        } else {
            self.mapping(0, None)?;
        }
        // Nothing may follow the root node.
        self.peek().is_none().then_some(())
    }

    fn line_at(&self, start: usize) -> Line {
        let rest = &self.bytes[start..];
        let indent = rest.iter().take_while(|b| **b == b' ').count();
        // Lines are short: a searcher's set-up costs more than it saves, a word search does not.
        let end = find_either(self.bytes, start + indent, self.bytes.len(), b'\n', b'\n');
        Line { start, indent, end }
    }

    /// The next line that is neither blank nor a comment, not yet read.
    fn peek(&mut self) -> Option<Line> {
        if let Some(line) = self.peeked.filter(|l| l.start == self.pos) {
            return Some(line);
        }
        while self.pos < self.text.len() {
            let line = self.line_at(self.pos);
            if !(line.is_blank() || self.bytes[line.content()] == b'#') {
                self.peeked = Some(line);
                return Some(line);
            }
            self.pos = line.end + 1;
        }
        None
    }

    fn consume(&mut self, line: Line) {
        self.pos = line.end + 1;
    }

    fn give(&mut self, step: Step<'a>, offset: usize) -> Option<()> {
        // Most nodes open nothing: a check here is cheaper than an empty drain per node.
        if !self.pending.is_empty() {
            self.open_pending(offset)?;
        }
        (self.sink)(step, offset).then_some(())
    }

    /// Gives the collections that wait for their first node, which starts at `offset`.
    fn open_pending(&mut self, offset: usize) -> Option<()> {
        for (map, at) in self.pending.drain(..) {
            let start = Step::Start {
                map,
                block: true,
                anchored: false,
                tagged: false,
            };
            if !(self.sink)(start, at.unwrap_or(offset)) {
                return None;
            }
        }
        Some(())
    }

    fn scalar(&mut self, value: Cow<'a, str>, plain: bool, offset: usize) -> Option<()> {
        let step = Step::Scalar {
            value,
            plain,
            anchored: false,
            tagged: false,
        };
        self.give(step, offset)
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(b'\n')
    }

    /// Whether a line is a sequence entry: `-` followed by a space or the line's end.
    fn is_entry(&self, line: Line) -> bool {
        let at = line.content();
        self.bytes[at] == b'-' && matches!(self.byte(at + 1), b' ' | b'\n')
    }

    /// A block mapping whose keys start at column `indent`; `first` is a line whose key is
    /// not at its indentation (`- key: value`).
    fn mapping(&mut self, indent: usize, first: Option<Line>) -> Option<()> {
        self.enter()?;
        self.pending.push((true, None));
        if let Some(line) = first {
            self.entry(line, line.start + indent)?;
        }
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || self.is_entry(line) {
                return None;
            }
            self.entry(line, line.content())?;
        }
        self.depth -= 1;
        self.give(Step::End, self.pos)
    }

    /// A block sequence whose entries' `-` are at column `indent`, starting at `at` if that is
    /// not where its first node does.
    fn sequence(&mut self, indent: usize, at: Option<usize>) -> Option<()> {
        self.enter()?;
        self.pending.push((false, at));
        while let Some(line) = self.peek() {
            if line.indent < indent || !self.is_entry(line) {
                // Not this sequence's: whoever holds it decides what the line is.
                break;
            }
            if line.indent > indent {
                return None;
            }
            self.sequence_entry(line)?;
        }
        self.depth -= 1;
        self.give(Step::End, self.pos)
    }

    /// One `key: value` of a mapping, the key at `at`.
    fn entry(&mut self, line: Line, at: usize) -> Option<()> {
        let column = at - line.start;
        let (key, plain, after) = self.key(line, at)?;
        self.scalar(key, plain, at)?;
        self.value(line, after, column, true)
    }

    /// A key at `at`, and where its `:` ends.
    fn key(&self, line: Line, at: usize) -> Option<(Cow<'a, str>, bool, usize)> {
        let first = self.bytes[at];
        if line.indent == 0 && self.text[at..].starts_with("...") {
            return None;
        }
        let (key, plain, colon) = if matches!(first, b'\'' | b'"') {
            let (key, after) = self.quoted(at, line.end)?;
            (key, false, after)
        } else {
            if is_indicator(first) {
                return None;
            }
            let PlainEnd::Colon(colon) = self.plain_end(at, line.end) else {
                return None;
            };
            let key = &self.text[at..colon];
            if key.ends_with(' ') {
                return None;
            }
            (Cow::Borrowed(key), true, colon)
        };
        let fits = colon - at <= MAX_KEY_BYTES
            && self.byte(colon) == b':'
            && matches!(self.byte(colon + 1), b' ' | b'\n');
        fits.then_some((key, plain, colon + 1))
    }

    /// Where a plain scalar that starts at `at` stops on its line.
    fn plain_end(&self, at: usize, end: usize) -> PlainEnd {
        let mut i = at;
        loop {
            i = find_either(self.bytes, i, end, b':', b'#');
            if i == end {
                return PlainEnd::Text(end);
            }
            match self.bytes[i] {
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => return PlainEnd::Colon(i),
                b'#' if i > at && self.bytes[i - 1] == b' ' => return PlainEnd::Text(i),
                _ => {}
            }
            i += 1;
        }
    }

    /// One entry `- node` of a sequence.
    fn sequence_entry(&mut self, line: Line) -> Option<()> {
        let dash = line.content();
        let at = self.skip_spaces(dash + 1, line.end);
        if at == line.end || self.bytes[at] == b'#' {
            self.consume(line);
            // Granit places a sequence whose first entry is on the lines below at the end of
            // the first `-`'s line (and an empty entry there too).
            self.open_pending(line.end)?;
            return self.below(line.indent, line.end, false);
        }
        let compact_key = match self.bytes[at] {
            b'-' => return None,
            b'\'' | b'"' => self
                .quoted(at, line.end)
                .is_some_and(|(_, after)| self.byte(after) == b':'),
            first => {
                !is_indicator(first) && matches!(self.plain_end(at, line.end), PlainEnd::Colon(_))
            }
        };
        if compact_key {
            return self.mapping(at - line.start, Some(line));
        }
        self.value(line, dash + 1, line.indent, false)
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// The node after a key's `:` or an entry's `-` that ends at `after`, on the same line or
    /// below it; `indent` is the column of the key or the `-`.
    fn value(&mut self, line: Line, after: usize, indent: usize, of_key: bool) -> Option<()> {
        let at = self.skip_spaces(after, line.end);
        if at == line.end || self.bytes[at] == b'#' {
            self.consume(line);
            return self.below(indent, after - 1, of_key);
        }
        match self.bytes[at] {
            b'\'' | b'"' => {
                let (value, end) = self.quoted(at, line.end)?;
                self.line_ends(end, line.end)?;
                self.consume(line);
                self.scalar(value, false, at)
            }
            b'|' | b'>' => self.block_scalar(line, at, indent),
            b'{' | b'[' => {
                let end = self.flow(at, line.end)?;
                self.line_ends(end, line.end)?;
                self.consume(line);
                Some(())
            }
            // `-1`, `-Xmx1g`: a dash followed by anything but a space starts a plain scalar.
            b'-' if matches!(self.byte(at + 1), b' ' | b'\n') => None,
            first if first != b'-' && is_indicator(first) => None,
            _ => {
                let PlainEnd::Text(end) = self.plain_end(at, line.end) else {
                    return None;
                };
                // Never ends with `:`: a `:` before a space or the line's end is a `Colon`.
                let value = self.text[at..end].trim_end_matches(' ');
                self.consume(line);
                self.scalar(Cow::Borrowed(value), true, at)
            }
        }
    }

    /// A flow sequence or mapping that closes on its line and holds only scalars (`[a, 'b']`,
    /// `{a: 1, b: c}`), given as it is read; where it ends.
    fn flow(&mut self, at: usize, end: usize) -> Option<usize> {
        let map = self.bytes[at] == b'{';
        let close = if map { b'}' } else { b']' };
        let start = Step::Start {
            map,
            block: false,
            anchored: false,
            tagged: false,
        };
        self.give(start, at)?;
        let mut i = self.skip_spaces(at + 1, end);
        if self.byte(i) == close {
            self.give(Step::End, i)?;
            return Some(i + 1);
        }
        loop {
            i = self.flow_scalar(i, end)?;
            if map {
                if self.byte(i) != b':' || self.byte(i + 1) != b' ' {
                    return None;
                }
                i = self.flow_scalar(self.skip_spaces(i + 1, end), end)?;
            }
            match self.byte(i) {
                b',' => i = self.skip_spaces(i + 1, end),
                b if b == close => {
                    self.give(Step::End, i)?;
                    return Some(i + 1);
                }
                _ => return None,
            }
            if self.byte(i) == close {
                // A trailing comma: valid, but left to granit-parser.
                return None;
            }
        }
    }

    /// A quoted or plain scalar inside a flow collection, given; where the spaces after it end.
    fn flow_scalar(&mut self, at: usize, end: usize) -> Option<usize> {
        let first = self.byte(at);
        let after = if matches!(first, b'\'' | b'"') {
            let (value, after) = self.quoted(at, end)?;
            self.scalar(value, false, at)?;
            after
        } else {
            if is_indicator(first) && !(first == b'-' && self.byte(at + 1).is_ascii_alphanumeric())
            {
                return None;
            }
            // A plain scalar in flow stops at `,`, a bracket or brace, or `: `; a `:` or `#`
            // anywhere in it is left to granit-parser.
            let mut i = at;
            while i < end && !matches!(self.bytes[i], b',' | b'[' | b']' | b'{' | b'}') {
                if matches!(self.bytes[i], b':' | b'#') {
                    if self.bytes[i] == b':' && self.byte(i + 1) == b' ' && i > at {
                        break;
                    }
                    return None;
                }
                i += 1;
            }
            let value = self.text[at..i].trim_end_matches(' ');
            if value.is_empty() {
                return None;
            }
            self.scalar(Cow::Borrowed(value), true, at)?;
            i
        };
        Some(self.skip_spaces(after, end))
    }

    /// After a quoted scalar or `{}`: only spaces, and a comment after one.
    fn line_ends(&self, at: usize, end: usize) -> Option<()> {
        let rest = self.skip_spaces(at, end);
        (rest == end || rest > at && self.bytes[rest] == b'#').then_some(())
    }

    /// The node on the lines below a key or `-` whose line holds nothing more: a mapping or a
    /// sequence indented further, a sequence at the key's own column, or nothing (null).
    fn below(&mut self, indent: usize, empty_at: usize, of_key: bool) -> Option<()> {
        match self.peek() {
            Some(next) if next.indent > indent => {
                if self.is_entry(next) {
                    self.sequence(next.indent, Some(next.content()))
                } else {
                    self.mapping(next.indent, None)
                }
            }
            Some(next) if of_key && next.indent == indent && self.is_entry(next) => {
                self.sequence(indent, None)
            }
            _ => self.scalar(Cow::Borrowed("~"), true, empty_at),
        }
    }

    /// A scalar in single or double quotes that closes on its line, and where it ends.
    fn quoted(&self, at: usize, end: usize) -> Option<(Cow<'a, str>, usize)> {
        if self.bytes[at] == b'\'' {
            self.single_quoted(at, end)
        } else {
            self.double_quoted(at, end)
        }
    }

    fn single_quoted(&self, at: usize, end: usize) -> Option<(Cow<'a, str>, usize)> {
        let mut i = at + 1;
        let mut doubled = false;
        loop {
            let quote = i + self.text[i..end].find('\'')?;
            if self.byte(quote + 1) == b'\'' && quote + 1 < end {
                doubled = true;
                i = quote + 2;
                continue;
            }
            let body = &self.text[at + 1..quote];
            let value = if doubled {
                Cow::Owned(body.replace("''", "'"))
            } else {
                Cow::Borrowed(body)
            };
            return Some((value, quote + 1));
        }
    }

    fn double_quoted(&self, at: usize, end: usize) -> Option<(Cow<'a, str>, usize)> {
        let body_start = at + 1;
        let mut i = find_either(self.bytes, body_start, end, b'"', b'\\');
        if i < end && self.bytes[i] == b'"' {
            return Some((Cow::Borrowed(&self.text[body_start..i]), i + 1));
        }
        let mut value = String::from(&self.text[body_start..i]);
        while i < end {
            match self.bytes[i] {
                b'"' => return Some((Cow::Owned(value), i + 1)),
                b'\\' => {
                    let (c, next) = self.escape(i + 1, end)?;
                    value.push(c);
                    i = next;
                }
                b => {
                    value.push(char::from(b));
                    i += 1;
                }
            }
        }
        None
    }

    /// The character of the escape whose letter is at `at`, and where the escape ends.
    fn escape(&self, at: usize, end: usize) -> Option<(char, usize)> {
        if at >= end {
            return None;
        }
        let simple = match self.bytes[at] {
            b'0' => '\0',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\u{b}',
            b'f' => '\u{c}',
            b'r' => '\r',
            b'e' => '\u{1b}',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(at + 1, 2, end),
            b'u' => return self.hex_escape(at + 1, 4, end),
            b'U' => return self.hex_escape(at + 1, 8, end),
            _ => return None,
        };
        Some((simple, at + 1))
    }

    fn hex_escape(&self, at: usize, digits: usize, end: usize) -> Option<(char, usize)> {
        let hex = self
            .text
            .get(at..at + digits)
            .filter(|_| at + digits <= end)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
        Some((c, at + digits))
    }

    /// A literal (`|`) or folded (`>`) scalar whose indicator is at `at`; its content is
    /// indented further than `indent`.
    fn block_scalar(&mut self, line: Line, at: usize, indent: usize) -> Option<()> {
        let folded = self.bytes[at] == b'>';
        let mut header = at + 1;
        let chomp = match self.byte(header) {
            b'-' => Chomp::Strip,
            b'+' => Chomp::Keep,
            _ => Chomp::Clip,
        };
        if chomp != Chomp::Clip {
            header += 1;
        }
        let rest = self.skip_spaces(header, line.end);
        if !(rest == line.end || rest > header && self.bytes[rest] == b'#') {
            return None;
        }
        self.consume(line);
        // The scalar is where its content starts, but it starts a collection at its `|`.
        self.open_pending(at)?;

        // Blank lines before the first line of content, and the content's indentation.
        let mut leading = 0;
        let mut widest_leading = 0;
        let first = loop {
            if self.pos >= self.text.len() {
                return None;
            }
            let next = self.line_at(self.pos);
            if !next.is_blank() {
                break next;
            }
            leading += 1;
            widest_leading = widest_leading.max(next.indent);
            self.consume(next);
        };
        let content = first.indent;
        if content <= indent || widest_leading > content {
            return None;
        }

        let mut value = "\n".repeat(leading);
        let mut blanks = 0;
        let mut lines = 0;
        while self.pos < self.text.len() {
            let next = self.line_at(self.pos);
            if next.is_blank() {
                if next.indent > content {
                    return None;
                }
                blanks += 1;
                self.consume(next);
                continue;
            }
            if next.indent < content {
                break;
            }
            let text = &self.text[next.start + content..next.end];
            if folded && text.starts_with(' ') {
                return None;
            }
            if lines > 0 {
                let breaks = if folded { blanks } else { blanks + 1 };
                if breaks == 0 {
                    value.push(' ');
                }
                for _ in 0..breaks {
                    value.push('\n');
                }
            }
            value.push_str(text);
            lines += 1;
            blanks = 0;
            self.consume(next);
        }
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => value.push('\n'),
            Chomp::Keep => {
                for _ in 0..=blanks {
                    value.push('\n');
                }
            }
        }
        self.scalar(Cow::Owned(value), false, first.start + content)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// A character that cannot start a plain scalar here (`-` is taken care of before), or that
/// starts what this reader leaves to granit-parser (`?`, `:`, anchors, aliases, tags, flow).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// One event as the reader and granit-parser both give it, to compare them.
#[derive(Debug, PartialEq)]
enum Seen {
    Scalar(String, bool, usize),
    Start(bool, bool, usize),
    End,
    Alias,
    Document,
}

impl Seen {
    fn of(step: &Step<'_>, offset: usize) -> Self {
        match step {
            Step::Scalar { value, plain, .. } => Seen::Scalar(value.to_string(), *plain, offset),
            Step::Start { map, block, .. } => Seen::Start(*map, *block, offset),
            Step::End => Seen::End,
            Step::Alias => Seen::Alias,
            Step::Document => Seen::Document,
        }
    }
}

/// Whether the reader reads `text` (as a document whose root is a mapping, or with `entries`
/// a sequence) exactly as granit-parser does, event by event with their offsets, whenever it
/// reads it at all (`Ok(true)`); `Err` says how they differ.
pub(crate) fn events_agree(text: &str, entries: bool) -> Result<bool, String> {
    let mut seen = Vec::new();
    let read = read(text, entries, |step, offset| {
        seen.push(Seen::of(&step, offset));
        true
    });
    if read.is_none() {
        return Ok(false);
    }
    let mut parsed = Vec::new();
    for event in granit_parser::Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            format!("the line reader read what granit-parser refuses ({e}):\n{text}")
        })?;
        if let Some(step) = Step::of(event) {
            parsed.push(Seen::of(&step, span.start.byte_offset().unwrap_or(0)));
        }
    }
    if seen != parsed {
        let first = seen.iter().zip(&parsed).position(|(a, b)| a != b);
        return Err(format!(
            "the line reader and granit-parser differ at event {first:?}:\n{seen:?}\n{parsed:?}\n{text}"
        ));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::krm::limits::Limits;
    use crate::krm::scan::lines_agree;
    use proptest::strategy::{Strategy, ValueTree};

    proptest::proptest! {
        #[test]
        fn a_word_at_a_time_finds_what_a_byte_at_a_time_finds(
            bytes in proptest::collection::vec(proptest::sample::select(b":#\"\\\n a\x80\xff\x01".to_vec()), 0..40),
            from in 0usize..40,
            to in 0usize..40,
        ) {
            let end = to.min(bytes.len());
            let from = from.min(end);
            for (a, b) in [(b':', b'#'), (b'"', b'\\'), (b'\n', b'\n')] {
                let naive = (from..end).find(|&i| bytes[i] == a || bytes[i] == b).unwrap_or(end);
                proptest::prop_assert_eq!(find_either(&bytes, from, end, a, b), naive);
            }
        }
    }

    fn agrees(text: &str) -> bool {
        lines_agree(text, &Limits::default()).unwrap_or_else(|why| panic!("{why}"))
    }

    #[test]
    fn what_hosts_write_is_read_as_granit_reads_it() {
        let text = "\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap # a comment
  metadata:
    name: a
    annotations:
      config.kubernetes.io/path: 'a.yaml'
      quoted: \"it's \\\"x\\\" \\u00e9\\x41\\n\"
      single: 'it''s'
  data:
    empty:
    flow: {}
    list: []
    agents: [apps, 'b', \"c\", -1]
    pairs: {a: 1, 'b': x y}
    text: |
      - not an item
        indented

      items: no
    folded: >-
      one
      two

      three
    kept: |+
      a

    negative: -1
    hash: a#b
    colon: a:b
- # about b
  kind: B
  list:
  - a
  - b: c
    d: e
  -
  - |
    x
  wide:
    - 1
    - 2
functionConfig:
  apiVersion: v1
";
        assert!(agrees(text));
        let mut events = 0;
        assert!(
            read(text, false, |_, _| {
                events += 1;
                true
            })
            .is_some()
        );
        assert!(events > 60, "{events}");
    }

    /// Where granit places what has no text of its own: an empty entry, and a sequence whose
    /// first entry is on the lines below (the random writer's finds).
    #[test]
    fn empty_nodes_are_where_granit_places_them() {
        for text in [
            "- \n",
            "-\n",
            "- # note\n",
            "a:\n- \n",
            "a:\n  -\n   b: c\n",
            "a:\n  b:\n  - |+\n    x\n",
            "generators:\n  - vmstack.yaml\n",
        ] {
            assert!(agrees(text), "{text:?} should be read");
        }
    }

    #[test]
    fn what_the_reader_is_not_sure_of_is_left_to_granit() {
        for text in [
            "a: b\n  continued\n",
            "a: 'one\n  two'\n",
            "a: \"one\\\n  two\"\n",
            "a: {b: {c: d}}\n",
            "a: [b, ]\n",
            "a: [b:c]\n",
            "a: [b\n  c]\n",
            "a: &x b\nc: *x\n",
            "a: !!str b\n",
            "? a\n: b\n",
            "a: |2\n   x\n",
            "a: >\n  x\n    more\n  y\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: caf\u{e9}\n",
            "--- \na: b\n",
            "a: b\n...\n",
            "%YAML 1.2\n---\na: b\n",
            "a: b",
            "  a: b\n",
            "a: b: c\n",
            "a : b\n",
            "- - a\n",
            "a: - b\n",
        ] {
            assert!(
                read(text, false, |_, _| true).is_none(),
                "{text:?} should be left to granit"
            );
            agrees(text);
        }
    }

    #[test]
    fn a_refusal_of_the_sink_stops_the_reader() {
        let mut given = 0;
        let read = read("a: 1\nb: 2\nc: 3\n", false, |_, _| {
            given += 1;
            given < 4
        });
        assert!(read.is_none());
        assert_eq!(given, 4);
    }

    /// Every YAML file of the examples and fixtures, whole and by document.
    #[test]
    fn the_reader_agrees_on_every_example_and_fixture() {
        let files = super::super::repository_yaml_files(&["examples", "tests"]);
        let limits = Limits::default();
        let (mut texts, mut read) = (0, 0);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let mut documents = vec![text.clone()];
            documents.extend(text.split("\n---\n").map(|d| format!("{}\n", d.trim_end())));
            for doc in &documents {
                texts += 1;
                match lines_agree(doc, &limits) {
                    Ok(yes) => read += usize::from(yes),
                    Err(why) => panic!("{}: {why}", path.display()),
                }
            }
        }
        eprintln!(
            "the line reader read {read} of {texts} texts from {} files",
            files.len()
        );
        assert!(read > texts / 3, "only {read} of {texts}");
    }

    /// Lines of a soup of what block YAML is made of, most of it not YAML at all.
    const PIECES: &[&str] = &[
        "a: 1",
        "b: x",
        "c:",
        "- ",
        "-",
        "- x",
        "- k: v",
        "- 'q': 1",
        "- \"d\": |",
        "k: v # c",
        "'q': 'it''s'",
        "\"e\\\"f\": \"\\x41\\u00e9\\t\"",
        "g: {}",
        "h: []",
        "i: |",
        "j: |-",
        "k: >",
        "l: >+",
        "m: |+",
        "text",
        "more text",
        "# comment",
        "",
        "n: a#b",
        "o: -1",
        "p: a:b",
        "q: 'x' # c",
        "r: \"x\"#c",
        "s: a: b",
        "t: 'open",
        "u: \"\\q\"",
        "v: |2",
        "- |",
        "- >-",
        "w: ~",
        "x: null",
        "y: 0x1F",
        "z: 'a'b",
        "apiVersion: v1",
        "kind: A",
        "metadata:",
        "name: n",
        "annotations:",
        "items:",
        "- # note",
        "...",
        "---",
        "a : b",
        "\"k\":",
        "-x",
        "key with space: v",
        ".dot: d",
        "a: b  ",
        "   ",
    ];

    fn soup() -> impl Strategy<Value = String> {
        let line = (0usize..8, 0..PIECES.len());
        proptest::collection::vec(line, 1..24).prop_map(|lines| {
            let mut text = String::new();
            for (indent, piece) in lines {
                let indent = if indent > 4 {
                    (indent - 4) * 2
                } else {
                    indent / 2 * 2
                };
                text.push_str(&" ".repeat(indent));
                text.push_str(PIECES[piece]);
                text.push('\n');
            }
            text
        })
    }

    /// Block YAML written at random by the rules hosts follow, with now and then a
    /// character or an indentation out of place.
    struct Writer {
        state: u64,
        text: String,
    }

    const WORDS: &[&str] = &[
        "a",
        "name",
        "v1",
        "x y",
        "-1",
        "0x1F",
        "1e3",
        "true",
        "~",
        "null",
        "a#b",
        "a:b",
        "it's",
        "${VAR}",
        "*",
        "sum(rate(x[5m]))",
        ".dot",
        "a  b",
        "k8s.io/name",
        "",
    ];
    const KEYS: &[&str] = &[
        "a", "b", "kind", "metadata", "name", "items", "x y", ".d", "1",
    ];
    const LINES: &[&str] = &[
        "text",
        "  indented",
        "- dash",
        "# hash",
        "a: b",
        "'q'",
        "\\",
        "x",
    ];

    impl Writer {
        fn next(&mut self, below: u64) -> u64 {
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            self.state % below
        }

        fn pick<'s>(&mut self, from: &[&'s str]) -> &'s str {
            from[self.next(from.len() as u64) as usize]
        }

        fn line(&mut self, indent: usize, text: &str) {
            self.text.push_str(&" ".repeat(indent));
            self.text.push_str(text);
            if self.next(8) == 0 {
                self.text.push_str(" # note");
            }
            self.text.push('\n');
            if self.next(10) == 0 {
                let spaces = " ".repeat(self.next(6) as usize);
                self.text.push_str(&format!("{spaces}\n"));
            }
            if self.next(12) == 0 {
                self.text
                    .push_str(&format!("{}# a comment\n", " ".repeat(indent)));
            }
        }

        fn inline(&mut self) -> String {
            let word = self.pick(WORDS);
            match self.next(6) {
                0 => format!("'{}'", word.replace('\'', "''")),
                1 => format!("\"{}\\t\\u00e9\\\"\\x41\"", word),
                2 => ["{}", "[]"][self.next(2) as usize].to_string(),
                3 if self.next(2) == 0 => {
                    let other = self.pick(WORDS);
                    match self.next(3) {
                        0 => format!("[{word}, '{other}']"),
                        1 => format!("{{{word}: {other}, 'k': \"{word}\"}}"),
                        _ => format!("[ {word} ,{other}]"),
                    }
                }
                _ if word.is_empty() => "''".to_string(),
                _ => word.to_string(),
            }
        }

        fn key(&mut self) -> String {
            let key = self.pick(KEYS);
            match self.next(8) {
                0 => format!("'{key}'"),
                1 => format!("\"{key}\""),
                _ => key.to_string(),
            }
        }

        /// A block scalar's header after `head`, and its lines, more indented than `indent`.
        fn block_scalar(&mut self, indent: usize, head: &str) {
            let style = ["|", "|-", "|+", ">", ">-", ">+"][self.next(6) as usize];
            self.line(0, &format!("{head}{style}"));
            let content = indent + 1 + self.next(3) as usize;
            for _ in 0..1 + self.next(4) {
                match self.next(5) {
                    0 => {
                        let spaces = " ".repeat(self.next(content as u64 + 2) as usize);
                        self.text.push_str(&format!("{spaces}\n"));
                    }
                    1 => {
                        let more = " ".repeat(self.next(3) as usize);
                        let text = self.pick(LINES);
                        self.text
                            .push_str(&format!("{}{more}{text}\n", " ".repeat(content)));
                    }
                    _ => {
                        let text = self.pick(LINES);
                        self.text
                            .push_str(&format!("{}{text}\n", " ".repeat(content)));
                    }
                }
            }
        }

        /// The node after `head` (a key and its colon, or a dash), whose column is `indent`.
        fn value(&mut self, indent: usize, head: &str, depth: usize, of_key: bool) {
            match self.next(if depth > 3 { 3 } else { 6 }) {
                0 | 1 => {
                    let value = self.inline();
                    self.line(0, &format!("{head} {value}"));
                }
                2 => self.block_scalar(indent, &format!("{head} ")),
                3 => {
                    self.line(0, head);
                    let deeper = indent + 1 + self.next(3) as usize;
                    self.mapping(deeper, depth + 1);
                }
                4 => {
                    self.line(0, head);
                    let at = if of_key && self.next(2) == 0 {
                        indent
                    } else {
                        indent + 2
                    };
                    self.sequence(at, depth + 1);
                }
                _ => self.line(0, head),
            }
        }

        fn mapping(&mut self, indent: usize, depth: usize) {
            for _ in 0..1 + self.next(3) {
                let key = self.key();
                self.text.push_str(&" ".repeat(indent));
                self.value(indent, &format!("{key}:"), depth, true);
            }
        }

        fn sequence(&mut self, indent: usize, depth: usize) {
            for _ in 0..1 + self.next(3) {
                self.text.push_str(&" ".repeat(indent));
                if self.next(3) == 0 && depth < 4 {
                    let key = self.key();
                    self.text.push_str("- ");
                    self.value(indent + 2, &format!("{key}:"), depth + 1, true);
                    if self.next(2) == 0 {
                        self.mapping(indent + 2, depth + 1);
                    }
                } else {
                    self.value(indent, "-", depth, false);
                }
            }
        }

        fn document(seed: u64) -> String {
            let mut w = Writer {
                state: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
                text: String::new(),
            };
            if w.next(4) == 0 {
                w.sequence(0, 0);
            } else {
                w.mapping(0, 0);
            }
            // Now and then one byte out of place.
            if w.next(3) == 0 && !w.text.is_empty() {
                let at = w.next(w.text.len() as u64) as usize;
                let byte = [" ", "\n", "-", ":", "'", "\"", "#", "x", "\\"][w.next(9) as usize];
                if w.next(2) == 0 {
                    w.text.insert_str(at, byte);
                } else {
                    w.text.remove(at);
                }
            }
            w.text
        }
    }

    /// Every text the writer makes that the reader reads, granit-parser reads the same; and the
    /// reader reads most of them (so that the test means something).
    #[test]
    fn the_reader_reads_written_yaml_as_granit_does() {
        let (cases, mut read) = (20_000u64, 0);
        for seed in 0..cases {
            let text = Writer::document(seed);
            match lines_agree(&text, &Limits::default()) {
                Ok(yes) => read += u64::from(yes),
                Err(why) => panic!("seed {seed}: {why}"),
            }
        }
        eprintln!("the line reader read {read} of {cases} written texts");
        assert!(read > cases / 3, "only {read} of {cases}");
    }

    /// Every soup the reader reads, granit-parser reads the same; and the reader reads enough
    /// of them for that to mean something.
    #[test]
    fn the_reader_reads_any_soup_as_granit_does() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = soup();
        let (cases, mut read) = (20_000, 0);
        for _ in 0..cases {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            match lines_agree(&text, &Limits::default()) {
                Ok(yes) => read += usize::from(yes),
                Err(why) => panic!("{why}"),
            }
        }
        eprintln!("the line reader read {read} of {cases} soups");
        assert!(read > cases / 100, "only {read} of {cases}");
    }
}
