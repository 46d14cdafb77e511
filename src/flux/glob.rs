//! The glob patterns of `${var#pattern}` and `${var%pattern}`: `*` (any run of characters, `/`
//! included, as Flux's fork of path.Match does), `?`, `[class]` with ranges and `^`/`!`
//! negation, and `\` escapes.

pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    match_from(&p, &t)
}

fn match_from(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => (0..=t.len()).any(|skip| match_from(&p[1..], &t[skip..])),
        Some('?') => !t.is_empty() && match_from(&p[1..], &t[1..]),
        Some('[') => match class(&p[1..], t.first().copied()) {
            Some((true, used)) => match_from(&p[1 + used..], &t[1..]),
            _ => false,
        },
        Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && match_from(&p[2..], &t[1..]),
        Some(c) => t.first() == Some(c) && match_from(&p[1..], &t[1..]),
    }
}

/// Whether `c` is in the class that starts at `p` (just after `[`), and how many pattern
/// characters the class took, `]` included; `None` for an unclosed class.
fn class(p: &[char], c: Option<char>) -> Option<(bool, usize)> {
    let c = c?;
    let mut i = 0;
    let negated = matches!(p.first(), Some('^' | '!'));
    if negated {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((found != negated, i + 1));
        }
        first = false;
        let lo = if p[i] == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            p[i]
        };
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            let hi = p[i + 2];
            found |= lo <= c && c <= hi;
            i += 3;
        } else {
            found |= lo == c;
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("*.", "bash."));
        assert!(matches("*/", "path/to/"), "a star crosses slashes");
        assert!(matches("?a*", "bash"));
        assert!(matches("[a-c]x", "bx"));
        assert!(!matches("[!a-c]x", "bx"));
        assert!(matches("\\*", "*"));
        assert!(!matches("\\*", "a"));
        assert!(!matches("[ab", "a"), "an unclosed class matches nothing");
    }
}
