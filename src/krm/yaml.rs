//! YAML at the edge of the process.
//!
//! serde-saphyr is used because it is maintained, pure Rust, panic-free on malformed input, has
//! input budgets against hostile documents, and can read YAML 1.2 booleans strictly (so `on`,
//! `yes` and `no` stay strings, as kyaml and the API server read them).

use serde_json::Value;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(String);

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! { strict_booleans: true }
}

/// Every document of a (possibly multi-document) YAML stream. Empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options())
        .map_err(|e| YamlError(e.to_string()))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Exactly one document.
pub fn parse_document(text: &str) -> Result<Value, YamlError> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => Err(YamlError("the input holds no YAML document".into())),
        n => Err(YamlError(format!("expected one YAML document, found {n}"))),
    }
}

pub fn to_yaml(value: &Value) -> String {
    // Serialising a serde_json::Value cannot fail: every key is a string and every number finite.
    serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# unserialisable: {e}\n"))
}

/// A YAML document written as one entry of a block sequence (`- ` then indented lines).
pub fn as_sequence_entry(document: &str) -> String {
    let mut out = String::new();
    for (i, line) in document.split_inclusive('\n').enumerate() {
        let blank = line.trim().is_empty();
        out.push_str(match (i, blank) {
            (0, _) => "- ",
            (_, true) => "",
            _ => "  ",
        });
        out.push_str(line);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A multi-document stream, documents separated by `---`.
pub fn to_yaml_stream(values: &[Value]) -> String {
    let mut out = String::new();
    for v in values {
        out.push_str("---\n");
        out.push_str(&to_yaml(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        let v = parse_document("a: yes\nb: on\nc: true\n").unwrap();
        assert_eq!(v["a"], "yes");
        assert_eq!(v["b"], "on");
        assert_eq!(v["c"], true);
    }

    #[test]
    fn ambiguous_strings_are_quoted_on_output() {
        let v = serde_json::json!({"a": "yes", "b": "0755", "c": "true", "d": "${VAR}"});
        let text = to_yaml(&v);
        assert_eq!(parse_document(&text).unwrap(), v, "round trip of {text}");
    }

    #[test]
    fn sequence_entries_indent_every_line() {
        let doc = to_yaml(&serde_json::json!({"a": {"b": "line1\nline2\n"}, "c": [1]}));
        let entry = as_sequence_entry(&doc);
        assert!(entry.starts_with("- a:\n"));
        let back = parse_document(&format!("items:\n{entry}")).unwrap();
        assert_eq!(
            back["items"][0],
            serde_json::json!({"a": {"b": "line1\nline2\n"}, "c": [1]})
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(parse_documents("a: [1,\n").is_err());
        assert!(parse_document("").is_err());
    }
}
