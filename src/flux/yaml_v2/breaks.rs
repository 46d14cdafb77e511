//! NEL, LS and PS (U+0085, U+2028, U+2029) are line breaks in YAML 1.1 and ordinary characters
//! in YAML 1.2. go-yaml writes LS and PS raw in single-quoted and literal scalars, followed by
//! the next line's indentation, which libyaml then skips; granit-parser keeps that indentation
//! as content. This puts it right: after such a break, a flow scalar loses the blanks that start
//! the next line, a block scalar up to its indentation.

use std::borrow::Cow;
use std::ops::Range;

use granit_parser::ScalarStyle;

fn is_yaml11_break(c: char) -> bool {
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
