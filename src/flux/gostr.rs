//! Go's view of strings, where Flux's answer depends on it: a Go string is bytes, decoded to runes
//! only where the code asks (an invalid byte then reads as U+FFFD, one byte wide), and its letter,
//! digit and case rules come from Unicode general categories and simple (one-to-one) case mapping.

use unicode_general_category::{GeneralCategory, get_general_category};

/// U+FFFD, what Go decodes an invalid byte to.
pub const RUNE_ERROR: u32 = 0xFFFD;

/// The rune at the start of `b` and its width in bytes, as `utf8.DecodeRune`: `(RUNE_ERROR, 1)`
/// for an invalid sequence, `(RUNE_ERROR, 0)` for no bytes.
pub fn decode_rune(b: &[u8]) -> (u32, usize) {
    let Some(&first) = b.first() else {
        return (RUNE_ERROR, 0);
    };
    let width = match first {
        0x00..=0x7F => return (u32::from(first), 1),
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (RUNE_ERROR, 1),
    };
    match b.get(..width).map(std::str::from_utf8) {
        Some(Ok(s)) => (s.chars().next().map_or(RUNE_ERROR, u32::from), width),
        _ => (RUNE_ERROR, 1),
    }
}

/// The runes of `b`, as Go's `[]rune(s)` or `for range s`.
pub fn runes(b: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let (r, w) = decode_rune(&b[i..]);
        out.push(r);
        i += w;
    }
    out
}

/// Appends the UTF-8 encoding of `r` (U+FFFD for a value that is no character), as Go's
/// `string(r)`.
pub fn push_rune(out: &mut Vec<u8>, r: u32) {
    let c = char::from_u32(r).unwrap_or('\u{FFFD}');
    let mut buf = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

fn category(r: u32) -> Option<GeneralCategory> {
    char::from_u32(r).map(get_general_category)
}

/// `unicode.IsLetter`: general category L.
pub fn is_letter(r: u32) -> bool {
    if r < 0x80 {
        return (r as u8).is_ascii_alphabetic();
    }
    matches!(
        category(r),
        Some(
            GeneralCategory::UppercaseLetter
                | GeneralCategory::LowercaseLetter
                | GeneralCategory::TitlecaseLetter
                | GeneralCategory::ModifierLetter
                | GeneralCategory::OtherLetter
        )
    )
}

/// `unicode.IsDigit`: general category Nd.
pub fn is_digit(r: u32) -> bool {
    if r < 0x80 {
        return (r as u8).is_ascii_digit();
    }
    matches!(category(r), Some(GeneralCategory::DecimalNumber))
}

/// Characters whose full case mapping (what Rust's `to_uppercase`/`to_lowercase` give) is several
/// characters, with their simple mapping from UnicodeData.txt (what Go's `unicode.ToUpper` and
/// `unicode.ToLower` give). Characters not listed map to themselves.
const SIMPLE_UPPER: &[(u32, u32)] = &[
    (0x1F80, 0x1F88),
    (0x1F81, 0x1F89),
    (0x1F82, 0x1F8A),
    (0x1F83, 0x1F8B),
    (0x1F84, 0x1F8C),
    (0x1F85, 0x1F8D),
    (0x1F86, 0x1F8E),
    (0x1F87, 0x1F8F),
    (0x1F90, 0x1F98),
    (0x1F91, 0x1F99),
    (0x1F92, 0x1F9A),
    (0x1F93, 0x1F9B),
    (0x1F94, 0x1F9C),
    (0x1F95, 0x1F9D),
    (0x1F96, 0x1F9E),
    (0x1F97, 0x1F9F),
    (0x1FA0, 0x1FA8),
    (0x1FA1, 0x1FA9),
    (0x1FA2, 0x1FAA),
    (0x1FA3, 0x1FAB),
    (0x1FA4, 0x1FAC),
    (0x1FA5, 0x1FAD),
    (0x1FA6, 0x1FAE),
    (0x1FA7, 0x1FAF),
    (0x1FB3, 0x1FBC),
    (0x1FC3, 0x1FCC),
    (0x1FF3, 0x1FFC),
];
const SIMPLE_LOWER: &[(u32, u32)] = &[(0x0130, 0x0069)];

fn simple(r: u32, full: impl Iterator<Item = char>, specials: &[(u32, u32)]) -> u32 {
    let mut full = full;
    match (full.next(), full.next()) {
        (Some(c), None) => u32::from(c),
        _ => specials
            .iter()
            .find(|(from, _)| *from == r)
            .map_or(r, |(_, to)| *to),
    }
}

/// `unicode.ToUpper`.
pub fn to_upper(r: u32) -> u32 {
    match char::from_u32(r) {
        Some(c) => simple(r, c.to_uppercase(), SIMPLE_UPPER),
        None => r,
    }
}

/// `unicode.ToLower`.
pub fn to_lower(r: u32) -> u32 {
    match char::from_u32(r) {
        Some(c) => simple(r, c.to_lowercase(), SIMPLE_LOWER),
        None => r,
    }
}

/// `strings.ToUpper` / `strings.ToLower`: ASCII bytes map in place; otherwise rune by rune, an
/// invalid byte becoming U+FFFD.
pub fn map_case(s: &[u8], f: fn(u32) -> u32) -> Vec<u8> {
    if s.is_ascii() {
        return s
            .iter()
            .map(|&b| f(u32::from(b)) as u8)
            .collect::<Vec<u8>>();
    }
    let mut out = Vec::with_capacity(s.len());
    for r in runes(s) {
        push_rune(&mut out, f(r));
    }
    out
}

/// Go's `%q` of a string (`strconv.Quote`), for messages that quote names as Flux does.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_follows_go() {
        assert_eq!(decode_rune("é".as_bytes()), (0xE9, 2));
        assert_eq!(decode_rune(&[0xC3]), (RUNE_ERROR, 1), "a cut character");
        assert_eq!(
            decode_rune(&[0xED, 0xA0, 0x80]),
            (RUNE_ERROR, 1),
            "a surrogate"
        );
        assert_eq!(decode_rune(&[]), (RUNE_ERROR, 0));
        assert_eq!(runes(&[b'a', 0xFF, b'b']), [0x61, RUNE_ERROR, 0x62]);
    }

    #[test]
    fn case_mapping_is_one_to_one() {
        assert_eq!(map_case("ß".as_bytes(), to_upper), "ß".as_bytes());
        assert_eq!(map_case("élan".as_bytes(), to_upper), "ÉLAN".as_bytes());
        assert_eq!(map_case("İ".as_bytes(), to_lower), b"i");
        assert_eq!(map_case("ᾳ".as_bytes(), to_upper), "ᾼ".as_bytes());
        assert_eq!(
            map_case("ΣΑΣ".as_bytes(), to_lower),
            "σασ".as_bytes(),
            "no final sigma"
        );
        assert_eq!(map_case(&[b'a', 0xFF], to_upper), "A\u{FFFD}".as_bytes());
    }

    #[test]
    fn letters_and_digits_are_general_categories() {
        assert!(is_letter(u32::from('é')) && is_letter(u32::from('ª')));
        assert!(!is_letter(0x2160), "Roman numeral one is Nl, not a letter");
        assert!(!is_letter(0x0301), "a combining accent is Mn");
        assert!(
            is_digit(0x0663) && !is_digit(0x00B2),
            "Arabic-Indic three yes, superscript two no"
        );
    }
}
