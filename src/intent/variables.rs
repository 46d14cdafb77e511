//! Flux postBuild variables (`${NAME}` and its operator forms) inside intent strings.
//!
//! The intent accepts a variable wherever a value goes; Flux substitutes it on the cluster. Here
//! the references are only found and checked for shape, so a typo fails at render time instead of
//! at apply time.

/// One `${…}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// The text after the name (`:=default`, `:-x`, …), empty for a plain reference.
    pub operator: String,
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Operators Flux's envsubst accepts after the variable name.
const SUPPORTED: [&str; 11] = [":=", ":-", "=", "-", ":", "//", "/", "^^", "^", ",,", ","];
const UNSUPPORTED: [&str; 3] = ["+", ":?", ":+"];

fn parse_body(body: &str) -> Result<VarRef, String> {
    let (length_form, rest) = match body.strip_prefix('#') {
        Some(r) => (true, r),
        None => (false, body),
    };
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| {
            if i == 0 {
                !is_name_start(c)
            } else {
                !is_name_char(c)
            }
        })
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if name_len == 0 {
        return Err(format!(
            "${{{body}}} does not start with a variable name (letters, digits and _, not starting with a digit)"
        ));
    }
    let name = &rest[..name_len];
    let operator = &rest[name_len..];
    if length_form && !operator.is_empty() {
        return Err(format!("${{{body}}}: the length form takes a bare name"));
    }
    if UNSUPPORTED.iter().any(|u| operator.starts_with(u)) {
        return Err(format!(
            "${{{body}}}: Flux does not support the {:?} operator",
            &operator[..operator.len().min(2)]
        ));
    }
    if operator.starts_with(|c: char| !c.is_ascii_punctuation()) {
        return Err(format!(
            "${{{body}}}: a variable name holds only letters, digits and _ (it stops at {:?})",
            operator.chars().next().unwrap_or(' ')
        ));
    }
    if !operator.is_empty() && !SUPPORTED.iter().any(|s| operator.starts_with(s)) {
        return Err(format!(
            "${{{body}}}: {operator:?} is not a variable operator Flux knows"
        ));
    }
    Ok(VarRef {
        name: name.to_string(),
        operator: operator.to_string(),
    })
}

/// Every variable reference in a string, or the first malformed one. `$${…}` is Flux's escape
/// for a literal `${…}` and is not a reference.
pub fn references(s: &str) -> Result<Vec<VarRef>, String> {
    let bytes = s.as_bytes();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'$') {
            i += 2;
            continue;
        }
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            let start = i + 2;
            let mut depth = 1;
            let mut j = start;
            while j < bytes.len() && depth > 0 {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            if depth > 0 {
                return Err(format!("{s:?} opens ${{ without a closing }}"));
            }
            refs.push(parse_body(&s[start..j - 1])?);
            i = j;
            continue;
        }
        i += 1;
    }
    Ok(refs)
}

/// The text of a string in which every variable is replaced by `placeholder`, for checking the
/// shape of what is around it (a URL with a variable host, say).
pub fn with_placeholders(s: &str, placeholder: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find("${") {
        if pos > 0 && rest.as_bytes()[pos - 1] == b'$' {
            out.push_str(&rest[..pos + 2]);
            rest = &rest[pos + 2..];
            continue;
        }
        out.push_str(&rest[..pos]);
        match rest[pos..].find('}') {
            Some(end) => {
                out.push_str(placeholder);
                rest = &rest[pos + end + 1..];
            }
            None => {
                out.push_str(&rest[pos..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_and_operator_forms() {
        let r = references("${A}-${B:=x}-${#C}-$${NOT}").unwrap();
        let names: Vec<_> = r.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(r[1].operator, ":=x");
    }

    #[test]
    fn rejects_what_flux_rejects() {
        assert!(references("${A:+x}").is_err());
        assert!(references("${A:?x}").is_err());
        assert!(references("${A+x}").is_err());
        assert!(references("${1A}").is_err());
        assert!(references("${A B}").is_err());
        assert!(references("${A").is_err());
    }

    #[test]
    fn placeholders_keep_the_surrounding_text() {
        assert_eq!(
            with_placeholders("http://${HOST}:8480/x", "h"),
            "http://h:8480/x"
        );
        assert_eq!(with_placeholders("$${KEEP}", "h"), "$${KEEP}");
    }
}
