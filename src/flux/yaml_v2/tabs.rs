//! Where go-yaml v2 (libyaml) refuses a tab that YAML 1.2, and so granit-parser, accepts. In
//! block context libyaml skips a tab on the way to the next token only when a simple key cannot
//! start there: never at the start of a line, after `-`, after `?`, or after the `:` of a complex
//! key. A tab there "cannot start any token". And a block scalar whose indentation is detected
//! from its first line cannot have a tab where that indentation would be.

use super::read::ReadError;

/// go-yaml's `line N: ` prefix, which it leaves out on the first line.
fn line_of(text: &[u8], at: usize) -> String {
    match 1 + text[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
    {
        1 => String::new(),
        n => format!("line {n}: "),
    }
}

/// A node starting at `start` in block context: the whitespace before it on its line.
pub fn check_node_start(text: &str, start: usize) -> Result<(), ReadError> {
    let b = text.as_bytes();
    let mut q = start.min(b.len());
    let mut tab = None;
    while q > 0 && matches!(b[q - 1], b' ' | b'\t') {
        if b[q - 1] == b'\t' {
            tab = Some(q - 1);
        }
        q -= 1;
    }
    let Some(tab) = tab else { return Ok(()) };
    let line_start = |i: usize| i == 0 || matches!(b[i - 1], b'\n' | b'\r');
    let refused = match q.checked_sub(1).map(|i| b[i]) {
        None | Some(b'\n' | b'\r') => true,
        Some(b'-' | b'?') => true,
        // A complex key's value: the `:` opens its line.
        Some(b':') => {
            let mut r = q - 1;
            while r > 0 && b[r - 1] == b' ' {
                r -= 1;
            }
            line_start(r)
        }
        _ => false,
    };
    if refused {
        return Err(ReadError(format!(
            "yaml: {}found character that cannot start any token",
            line_of(b, tab)
        )));
    }
    Ok(())
}

/// A literal or folded scalar whose content starts at `start`: with no indentation indicator in
/// its header, its first non-empty line may not start with a tab after the spaces.
pub fn check_block_scalar(text: &str, start: usize) -> Result<(), ReadError> {
    let b = text.as_bytes();
    let start = start.min(b.len());
    let Some(header) = text[..start].rfind(['|', '>']) else {
        return Ok(());
    };
    let header_end = text[header..].find('\n').map_or(b.len(), |i| header + i);
    if text[header..header_end].bytes().any(|c| c.is_ascii_digit()) {
        return Ok(());
    }
    let mut i = header_end + 1;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        match b.get(i) {
            Some(b'\t') => {
                return Err(ReadError(format!(
                    "yaml: {}found a tab character where an indentation space is expected",
                    line_of(b, i)
                )));
            }
            Some(b'\n') => i += 1,
            _ => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::read::yaml_to_json;

    fn read(text: &str) -> Result<serde_json::Value, String> {
        yaml_to_json(text.as_bytes()).map_err(|e| e.0)
    }

    #[test]
    fn tabs_libyaml_refuses() {
        for text in ["- \tx\n", "k:\n  - \t\n", "\tk: v\n", "? a\n: \tb\n"] {
            let e = read(text).unwrap_err();
            assert!(
                e.ends_with("found character that cannot start any token"),
                "{text:?}: {e}"
            );
        }
        let e = read("k: |\n  \tx\n").unwrap_err();
        assert_eq!(
            e,
            "yaml: line 2: found a tab character where an indentation space is expected"
        );
    }

    #[test]
    fn tabs_libyaml_takes() {
        assert_eq!(
            read("k: \tv\n"),
            Ok(serde_json::json!({"k": "v"})),
            "after a simple key"
        );
        assert_eq!(
            read("k: [\ta]\n"),
            Ok(serde_json::json!({"k": ["a"]})),
            "in flow context"
        );
        assert_eq!(
            read("k: a\tb\n"),
            Ok(serde_json::json!({"k": "a\tb"})),
            "inside a scalar"
        );
        assert_eq!(
            read("k: |\n  a\n  \tb\n"),
            Ok(serde_json::json!({"k": "a\n\tb\n"}))
        );
    }
}
