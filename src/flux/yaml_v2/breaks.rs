//! NEL, LS and PS (U+0085, U+2028, U+2029) are line breaks in YAML 1.1 and ordinary characters
//! in YAML 1.2. go-yaml writes LS and PS raw in single-quoted and literal scalars, followed by
//! the next line's indentation, which libyaml then skips; granit-parser keeps that indentation
//! as content. This puts it right: after such a break, a flow scalar loses the blanks that start
//! the next line, a block scalar up to its indentation ([`as_libyaml`]).
//!
//! go-yaml indents a line only before a character that is no line break, so a line of a block
//! scalar that starts with NEL, LS or PS has no indentation at all: libyaml reads the character
//! as one more line break and the block goes on, while granit-parser ends the block there (and
//! then fails on the rest, or reads the value short). [`indent_break_lines`] gives such a line
//! the block's indentation first, which makes the character content for granit-parser.

use std::borrow::Cow;
use std::ops::Range;

use granit_parser::ScalarStyle;

/// NEL, LS and PS: line breaks to go-yaml, ordinary characters to granit-parser.
pub fn is_yaml11_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The scalar's value as libyaml reads its source `text[range]`.
pub fn as_libyaml<'a>(
    text: &str,
    range: Range<usize>,
    style: ScalarStyle,
    value: &Cow<'a, str>,
) -> Cow<'a, str> {
    let source = text.get(range.clone()).unwrap_or_default();
    if !source.contains(is_yaml11_break) {
        return value.clone();
    }
    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
    // A block scalar's span starts at its content, after the indentation.
    let indent = text[..range.start.min(text.len())]
        .rsplit('\n')
        .next()
        .map_or(0, |line| line.chars().count());
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if !is_yaml11_break(c) {
            continue;
        }
        let mut skipped = 0;
        while let Some(&next) = chars.peek() {
            let blank = if block {
                next == ' ' && skipped < indent
            } else {
                next == ' ' || next == '\t'
            };
            if !blank {
                break;
            }
            chars.next();
            skipped += 1;
        }
    }
    Cow::Owned(out)
}

/// `text` with every line of a block scalar that starts with NEL, LS or PS before the block's
/// indentation indented to it. Indenting such a line inside a flow scalar changes nothing (both
/// readers drop a continuation line's leading blanks), so a line that only looks like a block
/// header (a plain or quoted scalar ending in ` |`) does no harm; go-yaml writes no such line
/// outside a scalar.
pub fn indent_break_lines(text: &str) -> Cow<'_, str> {
    let starts_with_break = |line: &str| line.trim_start_matches(' ').starts_with(is_yaml11_break);
    if !text.contains(is_yaml11_break) || !physical_lines(text).any(starts_with_break) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut block = Block::None;
    for line in physical_lines(text) {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[spaces..];
        let blank = rest.is_empty() || rest.starts_with(['\n', '\r']);
        match block {
            Block::None => {}
            _ if blank => {
                out.push_str(line);
                continue;
            }
            Block::Auto { least } if !rest.starts_with(is_yaml11_break) && spaces >= least => {
                block = Block::Indented(spaces);
                out.push_str(line);
                continue;
            }
            Block::Indented(indent) if rest.starts_with(is_yaml11_break) && spaces < indent => {
                out.extend(std::iter::repeat_n(' ', indent - spaces));
                out.push_str(line);
                continue;
            }
            Block::Indented(indent) if spaces >= indent => {
                out.push_str(line);
                continue;
            }
            // The block has ended: this line may open the next one.
            _ => {}
        }
        out.push_str(line);
        block = block_header(line);
    }
    Cow::Owned(out)
}

/// Where the reader is, as far as block scalars go.
#[derive(Clone, Copy)]
enum Block {
    None,
    /// After a header without an indentation indicator: the first line with content sets the
    /// indentation, which is at least `least`.
    Auto {
        least: usize,
    },
    Indented(usize),
}

/// The lines of `text` as a YAML 1.2 reader breaks them (after LF, CR not before LF), each with
/// its break.
fn physical_lines(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let mut end = from;
        while end < bytes.len() {
            let b = bytes[end];
            end += 1;
            if b == b'\n' || (b == b'\r' && bytes.get(end) != Some(&b'\n')) {
                break;
            }
        }
        start = end;
        Some(&text[from..end])
    })
}

/// The block scalar that `line` opens, if it ends with a header (`|`, `>`, an indentation
/// indicator and a chomping indicator in either order). Its indentation counts from the node it
/// is the value of, as libyaml counts it: the column of the key, or of the last `-` when it is a
/// sequence entry, or none at the top.
fn block_header(line: &str) -> Block {
    let line = line.trim_end_matches(['\n', '\r', ' ']);
    let token = line.rsplit(' ').next().unwrap_or(line);
    let mut chars = token.chars();
    if !matches!(chars.next(), Some('|' | '>')) {
        return Block::None;
    }
    let mut digit = None;
    let mut chomp = false;
    for c in chars {
        match c {
            '1'..='9' if digit.is_none() => digit = Some(c as usize - '0' as usize),
            '-' | '+' if !chomp => chomp = true,
            _ => return Block::None,
        }
    }
    let before = &line[..line.len() - token.len()];
    let mut column = before.len() - before.trim_start_matches(' ').len();
    let mut node = None;
    let mut rest = &before[column..];
    while let Some(after) = rest.strip_prefix("- ") {
        node = Some(column);
        let skipped = after.len() - after.trim_start_matches(' ').len();
        column += 2 + skipped;
        rest = &after[skipped..];
    }
    if !rest.trim_end().is_empty() {
        node = Some(column);
    }
    match (digit, node) {
        (Some(d), Some(parent)) => Block::Indented(parent + d),
        (Some(d), None) => Block::Indented(d),
        (None, parent) => Block::Auto {
            least: parent.map_or(1, |p| p + 1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::indent_break_lines;

    #[test]
    fn a_block_line_that_starts_with_a_break_gets_the_blocks_indentation() {
        let cases = [
            ("|-\n  x\n\u{2029}  y\n", "|-\n  x\n  \u{2029}  y\n"),
            (
                "a:\n  b: |-\n    x\n\u{2028}    y\n",
                "a:\n  b: |-\n    x\n    \u{2028}    y\n",
            ),
            (
                "a:\n- |2-\n\u{2029}  q\n  r\n",
                "a:\n- |2-\n  \u{2029}  q\n  r\n",
            ),
            ("- k: |2-\n\u{2029}    q\n", "- k: |2-\n    \u{2029}    q\n"),
            ("|+\n  x\n\u{2029}", "|+\n  x\n  \u{2029}"),
            (
                "a: |-\n  x\n\n\u{2029}\n\u{2029}  y\nb: 1\n",
                "a: |-\n  x\n\n  \u{2029}\n  \u{2029}  y\nb: 1\n",
            ),
        ];
        for (text, indented) in cases {
            assert_eq!(indent_break_lines(text), indented, "{text:?}");
        }
    }

    #[test]
    fn lines_outside_a_block_stay_as_they_are() {
        for text in [
            "a: b\n",
            "a: |-\n  x\nb: \"\\Py\"\n",
            "a: |-\n  x\nb: '\u{2029}'\n",
            "'\u{2029}  x'\n",
        ] {
            assert_eq!(indent_break_lines(text), text, "{text:?}");
        }
    }
}
