//! YAML 1.1 as go-yaml v2 resolves a plain scalar (`resolve.go`): `yes`/`on`/`y` are true,
//! `007` is octal 7, `0x1F` is 31, `1_000` is 1000, `1e3` is a float, `~` and the empty scalar
//! are null. A timestamp-looking scalar stays a string when decoded into `interface{}`, but the
//! emitter still quotes it. (`<<`, the merge key, is no resolution: the decoder looks for it.)

/// What a plain scalar resolves to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A date or date-time: the text, as a string.
    Timestamp,
    Str,
}

fn table(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

pub fn resolve_plain(s: &str) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    if let Some(r) = table(s) {
        return r;
    }
    match hint {
        b'.' => go_parse_float(s).map_or(Resolved::Str, Resolved::Float),
        b'D' | b'S' => {
            if is_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain = s.replace('_', "");
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain)
                && let Some(f) = go_parse_float(&plain)
            {
                return Resolved::Float(f);
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Splits Go's base prefix off (for base 0): `0x`, `0o`, `0b`, or a leading `0` (octal).
fn radix(digits: &str) -> (u32, &str) {
    let lower = digits.get(..2).map(str::to_ascii_lowercase);
    match lower.as_deref() {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    }
}

fn magnitude(digits: &str) -> Option<u128> {
    let (radix, digits) = radix(digits);
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let v = u128::from_str_radix(digits, radix).ok()?;
    (v <= u128::from(u64::MAX)).then_some(v)
}

/// `strconv.ParseInt(s, 0, 64)` on a text without underscores.
pub fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let v = magnitude(digits)? as i128;
    let v = if negative { -v } else { v };
    i64::try_from(v).ok()
}

/// `strconv.ParseUint(s, 0, 64)` on a text without underscores: no sign.
pub fn go_parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    magnitude(s).map(|v| v as u64)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's underscore rule for number literals: only between digits (no base prefix here).
fn underscores_ok(s: &str) -> bool {
    let mut prev = b'^';
    for &c in s.trim_start_matches(['+', '-']).as_bytes() {
        prev = match c {
            b'0'..=b'9' => b'0',
            b'_' if prev != b'0' => return false,
            b'_' => b'_',
            _ if prev == b'_' => return false,
            _ => b'!',
        };
    }
    prev != b'_'
}

/// `strconv.ParseFloat(s, 64)` for decimal texts: out of range is an error, not infinity.
pub fn go_parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscores_ok(s) {
        return None;
    }
    let plain = s.replace('_', "");
    let body = plain.trim_start_matches(['+', '-']);
    // Rust would also take "inf", "nan" and friends; Go's decimal syntax starts with a digit or
    // a point.
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') || !is_yaml_style_float(&plain) {
        return None;
    }
    let x: f64 = plain.parse().ok()?;
    x.is_finite().then_some(x)
}

/// go-yaml v2's `isBase60Float`: `1:20`, `-1:20:30.5`. Written quoted for old parsers.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-' | b'0'..=b'9')) || !s.contains(':') {
        return false;
    }
    let mut i = usize::from(matches!(b[0], b'+' | b'-'));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let from = i;
        while i - from < 2 && b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let group = &b[from..i];
        let ok = match group {
            [d] => d.is_ascii_digit(),
            [t, _] => (b'0'..=b'5').contains(t),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

fn number(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
    let from = *i;
    while *i - from < max && b.get(*i).is_some_and(u8::is_ascii_digit) {
        *i += 1;
    }
    if *i - from < min {
        return None;
    }
    std::str::from_utf8(&b[from..*i]).ok()?.parse().ok()
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The timestamp forms go-yaml v2 tries (`2006-1-2`, `2006-1-2 15:4:5.999999999`,
/// `2006-1-2T15:4:5.999999999Z07:00`), as Go's `time.Parse` reads them.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let Some(year) = number(b, &mut i, 4, 4) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(month) = number(b, &mut i, 1, 2) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = number(b, &mut i, 1, 2) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    let zoned = match b.get(i) {
        None => return true,
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    i += 1;
    let time = (|| {
        let h = number(b, &mut i, 1, 2)?;
        (b.get(i) == Some(&b':')).then_some(())?;
        i += 1;
        let m = number(b, &mut i, 1, 2)?;
        (b.get(i) == Some(&b':')).then_some(())?;
        i += 1;
        let sec = number(b, &mut i, 1, 2)?;
        (h < 24 && m < 60 && sec < 60).then_some(())
    })();
    if time.is_none() {
        return false;
    }
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if !zoned {
        return i == b.len();
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i += 1;
            let h = number(b, &mut i, 2, 2);
            let colon = b.get(i) == Some(&b':');
            i += 1;
            let m = number(b, &mut i, 2, 2);
            h.is_some() && colon && m.is_some() && i == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_plain_scalars() {
        use Resolved::*;
        for (text, want) in [
            ("1", Int(1)),
            ("007", Int(7)),
            ("010", Int(8)),
            ("08", Float(8.0)),
            ("0x1F", Int(31)),
            ("0o17", Int(15)),
            ("0b101", Int(5)),
            ("-0x1F", Int(-31)),
            ("+1", Int(1)),
            ("1_000", Int(1000)),
            ("1__", Int(1)),
            ("1e3", Float(1000.0)),
            ("1.5", Float(1.5)),
            (".5", Float(0.5)),
            ("1e999", Str),
            ("18446744073709551615", Uint(u64::MAX)),
            ("yes", Bool(true)),
            ("Off", Bool(false)),
            ("y", Bool(true)),
            ("", Null),
            ("~", Null),
            ("2024-01-01", Timestamp),
            ("2024-02-30", Str),
            ("2024-1-2T3:4:5Z", Timestamp),
            ("2024-01-01 10:00:00.5", Timestamp),
            ("-", Str),
            ("nan", Str),
            ("1:20", Str),
            ("<<", Str),
            ("hello", Str),
        ] {
            assert_eq!(resolve_plain(text), want, "{text:?}");
        }
    }

    #[test]
    fn base60_floats() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-190:20:30.15"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("a:1"));
        assert!(!is_base60_float("12"));
    }
}
