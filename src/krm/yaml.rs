//! YAML at the edge of the process.
//!
//! serde-saphyr is used because it is maintained, pure Rust, panic-free on malformed input, has
//! input budgets against hostile documents, and can read YAML 1.2 booleans strictly (so `on`,
//! `yes` and `no` stay strings, as kyaml and the API server read them).

use serde_json::Value;

use super::limits::{Limit, Limits};
use super::yaml_write;

mod fast;
pub(crate) mod lines;
pub(crate) mod step;

/// For the property tests and the fuzz target: the fast way to decode against serde-saphyr.
#[doc(hidden)]
pub use fast::agrees as fast_way_agrees;
pub(crate) use fast::{certainly_string, reads_plain as fast_reads};

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    message: String,
    /// The input bound the document broke, when that is why it was refused.
    limit: Option<Limit>,
}

impl YamlError {
    pub fn new(message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            limit: None,
        }
    }

    pub(crate) fn over(limit: Limit, message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
            limit: Some(limit),
        }
    }

    pub fn limit(&self) -> Option<Limit> {
        self.limit
    }
}

/// serde-saphyr's budget, sized from the limits: nesting and aliases as given, and the node
/// and event counts only as large as the input size allows without aliases, so that only an
/// alias expansion can exceed them (a 40,000-item list is 3 million nodes; the library's own
/// default of 250,000 refuses 5,000 ordinary ConfigMaps).
fn budget(limits: &Limits) -> serde_saphyr::Budget {
    let mut b = serde_saphyr::Budget::default();
    b.max_reader_input_bytes = Some(limits.input_bytes);
    b.max_depth = limits.depth;
    b.max_aliases = limits.aliases;
    b.max_recorded_anchor_events = limits.alias_events;
    b.max_nodes = limits.input_bytes / 2 + limits.alias_events;
    b.max_events = limits.input_bytes + 2 * limits.alias_events;
    b.max_total_scalar_bytes = limits.input_bytes;
    // A file on the command line may hold as many documents as a ResourceList holds items (the
    // library's own default refuses 1,025).
    b.max_documents = limits.items;
    b
}

fn options(limits: &Limits) -> serde_saphyr::Options {
    serde_saphyr::options! { strict_booleans: true, budget: Some(budget(limits)) }
}

fn error(e: serde_saphyr::Error, limits: &Limits) -> YamlError {
    use serde_saphyr::budget::BudgetBreach;
    let mut inner = &e;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = inner
    {
        inner = error;
    }
    let limit = match inner {
        serde_saphyr::Error::Budget { breach, .. } => Some(match breach {
            BudgetBreach::Depth { .. } => Limit::Depth,
            BudgetBreach::InputBytes { .. } => Limit::InputBytes,
            BudgetBreach::Documents { .. } => Limit::Items,
            _ => Limit::Aliases,
        }),
        serde_saphyr::Error::ExternalMessage { source, .. } => match source.as_ref() {
            serde_saphyr::ExternalMessageSource::Parser(scan) => parser_limit(scan),
            _ => None,
        },
        _ => None,
    };
    // One line: the snippet form quotes the input, which may be huge or hostile.
    let e = e.without_snippet();
    let message = match limit {
        Some(Limit::Depth) => format!(
            "nested deeper than {} levels (the nesting limit): {e}",
            limits.depth
        ),
        Some(Limit::Items) => format!("more than {} documents (the item limit): {e}", limits.items),
        Some(Limit::Aliases) => format!(
            "the aliases expand beyond the limit ({} aliases, {} replayed events): {e}",
            limits.aliases, limits.alias_events
        ),
        _ => e.to_string(),
    };
    YamlError { message, limit }
}

/// The bound a parser error reports, if it is one: granit-parser stops by itself at 255 nested
/// levels (so before serde-saphyr's budget sees them), as "recursion limit exceeded".
pub(crate) fn parser_limit(e: &granit_parser::ScanError) -> Option<Limit> {
    matches!(e.kind(), granit_parser::ErrorKind::RecursionLimitExceeded).then_some(Limit::Depth)
}

/// A parser error, as the bound it reports when it is one.
pub(crate) fn parser_error(e: &granit_parser::ScanError, limits: &Limits) -> YamlError {
    match parser_limit(e) {
        Some(limit) => YamlError::over(
            limit,
            format!(
                "nested deeper than {} levels (the nesting limit): {e}",
                limits.depth
            ),
        ),
        None => YamlError::new(e.to_string()),
    }
}

/// Refuses a string longer than the limit anywhere in `value`.
pub(crate) fn check_strings(value: &Value, limits: &Limits) -> Result<(), YamlError> {
    let too_long = |s: &str| s.len() > limits.string_bytes;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if too_long(s) => {}
            Value::Array(items) => {
                stack.extend(items);
                continue;
            }
            Value::Object(map) => {
                if map.keys().any(|k| too_long(k)) {
                    return Err(string_too_long(limits));
                }
                stack.extend(map.values());
                continue;
            }
            _ => continue,
        }
        return Err(string_too_long(limits));
    }
    Ok(())
}

pub(crate) fn string_too_long(limits: &Limits) -> YamlError {
    YamlError::over(
        Limit::StringBytes,
        format!(
            "a string is longer than {} bytes (the string size limit)",
            limits.string_bytes
        ),
    )
}

/// Every document of a (possibly multi-document) YAML stream, within `limits`. Empty
/// documents are skipped.
pub fn parse_documents_within(text: &str, limits: &Limits) -> Result<Vec<Value>, YamlError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options(limits))
        .map_err(|e| error(e, limits))?;
    for d in &docs {
        check_strings(d, limits)?;
    }
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Exactly one document, within `limits`.
pub fn parse_document_within(text: &str, limits: &Limits) -> Result<Value, YamlError> {
    let mut docs = parse_documents_within(text, limits)?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => Err(YamlError::new("the input holds no YAML document")),
        n => Err(YamlError::new(format!(
            "expected one YAML document, found {n}"
        ))),
    }
}

/// Exactly one document, within `limits`, as [`parse_document_within`] reads it (errors
/// included), the fast way when that is sure of it: for the items and the envelope of a
/// ResourceList, most of whose text is plain YAML.
pub(crate) fn decode_document_within(text: &str, limits: &Limits) -> Result<Value, YamlError> {
    fast::document(text, limits)
        .map(Ok)
        .unwrap_or_else(|| parse_document_within(text, limits))
}

/// [`decode_document_within`] when the scan saw nothing in `text` that the fast way declines
/// (`plain`), otherwise serde-saphyr at once, so that such a text is not parsed twice.
pub(crate) fn decode_document_hinted(
    text: &str,
    limits: &Limits,
    plain: bool,
) -> Result<Value, YamlError> {
    if plain {
        decode_document_within(text, limits)
    } else {
        parse_document_within(text, limits)
    }
}

/// Every document of a YAML stream, within the default limits.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    parse_documents_within(text, &Limits::default())
}

/// Exactly one document, within the default limits.
pub fn parse_document(text: &str) -> Result<Value, YamlError> {
    parse_document_within(text, &Limits::default())
}

/// `value` as a YAML document, as serde-saphyr writes it (through [`yaml_write`], which writes
/// the same bytes faster, or through serde-saphyr itself for what that writer declines).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match yaml_write::write_document(value, &mut out) {
        Ok(()) => out,
        Err(yaml_write::Declined) => serde_saphyr_yaml(value),
    }
}

/// `value` as serde-saphyr writes it: the reference [`yaml_write`] is held to.
pub fn serde_saphyr_yaml(value: &Value) -> String {
    // Serialising a serde_json::Value cannot fail: every key is a string and every number finite.
    serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# unserialisable: {e}\n"))
}

/// `value` as one entry of a block sequence, appended to `out`: the bytes of
/// `as_sequence_entry(&to_yaml(value))`, written in one pass.
pub fn write_entry(value: &Value, out: &mut String) {
    if yaml_write::write_entry(value, out).is_err() {
        out.push_str(&as_sequence_entry(&serde_saphyr_yaml(value)));
    }
}

/// A YAML document written as one entry of a block sequence (`- ` then indented lines).
pub fn as_sequence_entry(document: &str) -> String {
    let mut out = Vec::with_capacity(document.len() + document.len() / 8 + 4);
    let _ = write_sequence_entry(document, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`as_sequence_entry`], written to `out` as it goes.
pub fn write_sequence_entry(document: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut ends_with_break = false;
    for (i, line) in document.split_inclusive('\n').enumerate() {
        let blank = line.trim().is_empty();
        out.write_all(match (i, blank) {
            (0, _) => b"- ",
            (_, true) => b"",
            _ => b"  ",
        })?;
        out.write_all(line.as_bytes())?;
        ends_with_break = line.ends_with('\n');
    }
    if !ends_with_break {
        out.write_all(b"\n")?;
    }
    Ok(())
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

/// Every YAML file under these folders of the repository, in order: the texts the tests hold
/// one reader to another on.
#[cfg(test)]
pub(crate) fn repository_yaml_files(folders: &[&str]) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs: Vec<_> = folders.iter().map(|f| root.join(f)).collect();
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
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
    fn what_the_writer_declines_serde_saphyr_writes() {
        let v = serde_json::json!({"k".repeat(1100): {"a": [1]}});
        assert_eq!(to_yaml(&v), serde_saphyr_yaml(&v));
        let mut entry = String::from("- before\n");
        write_entry(&v, &mut entry);
        assert_eq!(
            entry,
            format!("- before\n{}", as_sequence_entry(&serde_saphyr_yaml(&v)))
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(parse_documents("a: [1,\n").is_err());
        assert!(parse_document("").is_err());
    }
}
