//! Text as vmstack writes it to a terminal: every character a terminal would act on rather than
//! show is written as an escape (`\n`, `\u{1b}`, `\u{202e}`), so a name, key, path or message
//! taken from the input can neither move the cursor, recolour or rewrite a line, reorder what
//! follows it, nor start a line of its own (a forged `error[VMS000]` line, or an inventory row).
//!
//! Only what goes to a terminal is escaped: results inside the ResourceList keep their text
//! exactly. The same set of characters is refused in package paths
//! ([`crate::intent::scalar::package_path`]).

use std::borrow::Cow;

/// Characters a terminal acts on or that reorder the text around them: the C0 controls (line
/// breaks and tabs included), DEL, the C1 controls (U+009B is a CSI on its own), the bidi
/// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the bidi marks (U+061C,
/// U+200E, U+200F), and the Unicode line and paragraph separators (U+2028, U+2029).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn escape_keeping(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !is_unsafe(c) || keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// One line of terminal text: every unsafe character escaped, line breaks and tabs included.
/// For names, keys, paths, messages and each field of a table row.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_keeping(text, |_| false)
}

/// A text whose lines are its layout (a source file shown under a result): the same, but line
/// breaks and tabs stay, for the report's own layout to place.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_keeping(text, |c| matches!(c, '\n' | '\r' | '\t'))
}

/// A source text as a report shows it ([`escape_lines`]), with the way back from a byte of the
/// source to the same place in the text shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscapedLines {
    pub text: String,
    /// For each escaped character: its byte in the source, and how many bytes longer the text
    /// shown is up to and including it.
    shifts: Vec<(usize, usize)>,
}

impl EscapedLines {
    /// `None` when the text needs no escape (shown as it is).
    pub fn of(text: &str) -> Option<EscapedLines> {
        let Cow::Owned(shown) = escape_lines(text) else {
            return None;
        };
        let mut shifts = Vec::new();
        let mut longer = 0;
        for (at, c) in text.char_indices() {
            if is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t') {
                longer += escape(c.encode_utf8(&mut [0; 4])).len() - c.len_utf8();
                shifts.push((at, longer));
            }
        }
        Some(EscapedLines {
            text: shown,
            shifts,
        })
    }

    /// Where byte `at` of the source is in the text shown.
    pub fn offset(&self, at: usize) -> usize {
        let before = self.shifts.partition_point(|&(escaped, _)| escaped < at);
        at + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_cannot_start_a_line_or_steer_the_terminal() {
        let forged = "vm\nerror[X]: forged\u{1b}[2K\u{9b}31m\u{202e}txt\u{7f}";
        let shown = escape(forged);
        assert_eq!(
            shown,
            "vm\\nerror[X]: forged\\u{1b}[2K\\u{9b}31m\\u{202e}txt\\u{7f}"
        );
        assert!(!shown.chars().any(is_unsafe));
        assert_eq!(escape("a\tb\r"), "a\\tb\\r");
    }

    #[test]
    fn every_bidi_control_and_separator_is_escaped() {
        for c in ['\u{61c}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}']
            .into_iter()
            .chain('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
        {
            let text = format!("a{c}b");
            assert_eq!(escape(&text), format!("a\\u{{{:x}}}b", u32::from(c)));
        }
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in ["observability/vm-global", "é ü 日本 \\ \"quoted\"", ""] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        }
        // The zero-width joiner and non-breaking space are text, not controls.
        assert_eq!(escape("a\u{200d}b\u{a0}"), "a\u{200d}b\u{a0}");
    }

    #[test]
    fn source_text_keeps_its_lines_and_offsets_follow_the_escapes() {
        let text = "a: \u{9b}x\n\tb: \u{202e}y\n";
        let shown = escape_lines(text);
        assert_eq!(shown, "a: \\u{9b}x\n\tb: \\u{202e}y\n");
        let mapped = EscapedLines::of(text).unwrap();
        assert_eq!(mapped.text, shown);
        for (at, c) in text
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphanumeric())
        {
            assert_eq!(mapped.text[mapped.offset(at)..].chars().next(), Some(c));
        }
        assert_eq!(mapped.offset(text.len()), shown.len());
        assert_eq!(EscapedLines::of("plain: text\n"), None);
    }
}
