//! The source text of each item of a ResourceList, so items the function does not change go back
//! exactly as they came: quoting included, which a parse and re-serialise would lose (and which
//! decides whether a Flux variable substitutes to a string or a number).
//!
//! Hosts write ResourceLists in block style, one `- ` entry per item. Anything else (flow style,
//! JSON) yields no source text, and items are then written from their parsed value.

use serde_json::Value;

use super::yaml;

/// The entries of the top-level `items:` block sequence, each dedented so that its `- ` starts
/// the line; `None` when the text is not laid out that way.
fn split(text: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.trim_end() == "items:" || l.starts_with("items: #"))?;
    let is_structure = |l: &str| {
        let t = l.trim_start();
        !(t.is_empty() || t.starts_with('#'))
    };
    let first = lines[start + 1..].iter().find(|l| is_structure(l))?;
    let indent = first.len() - first.trim_start().len();
    if !first[indent..].starts_with("- ") && first[indent..].trim_end() != "-" {
        return None;
    }
    let mut entries: Vec<String> = Vec::new();
    for line in &lines[start + 1..] {
        if !is_structure(line) {
            if let Some(last) = entries.last_mut() {
                last.push_str(line);
            }
            continue;
        }
        let this_indent = line.len() - line.trim_start().len();
        let rest = &line[this_indent..];
        if this_indent < indent || (this_indent == indent && !rest.starts_with('-')) {
            break;
        }
        if this_indent == indent {
            entries.push(String::new());
        }
        let entry = entries.last_mut()?;
        entry.push_str(line.get(indent..).unwrap_or(line.trim_start()));
    }
    Some(entries)
}

/// The item as a document of its own: the `- ` replaced by indentation, then dedented.
fn as_document(entry: &str) -> String {
    entry
        .split_inclusive('\n')
        .map(|line| match line.get(..2) {
            Some("- " | "  ") => &line[2..],
            _ => line.trim_start_matches(' '),
        })
        .collect()
}

/// The source text of each item, in order, where it reads back as exactly that item.
pub fn source_texts(text: &str, items: &[Value]) -> Vec<Option<String>> {
    let Some(entries) = split(text).filter(|e| e.len() == items.len()) else {
        return vec![None; items.len()];
    };
    entries
        .into_iter()
        .zip(items)
        .map(|(entry, item)| {
            let reads_back = yaml::parse_document(&as_document(&entry)).is_ok_and(|v| &v == item);
            let mut entry = entry;
            if !entry.ends_with('\n') {
                entry.push('\n');
            }
            reads_back.then_some(entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INPUT: &str = "\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap # a comment
  metadata:
    name: a
  data:
    quoted: \"${VALUE}\"
    single: 'x'
    flow: {a: \"1\"}
    text: |
      line one
        indented

- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
functionConfig:
  apiVersion: v1
";

    #[test]
    fn each_item_keeps_its_source_text() {
        let rl = yaml::parse_document(INPUT).unwrap();
        let items = rl["items"].as_array().unwrap().clone();
        let texts = source_texts(INPUT, &items);
        assert_eq!(texts.len(), 2);
        let a = texts[0].as_deref().unwrap();
        assert!(a.starts_with("- apiVersion: v1\n  kind: ConfigMap # a comment\n"));
        assert!(a.contains("quoted: \"${VALUE}\"") && a.contains("flow: {a: \"1\"}"));
        assert_eq!(
            texts[1].as_deref(),
            Some("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n")
        );
    }

    #[test]
    fn indented_sequences_are_dedented() {
        let input = "items:\n  - a: 1\n    b: [2]\n  - c: 3\nresults: []\n";
        let items = vec![
            serde_json::json!({"a": 1, "b": [2]}),
            serde_json::json!({"c": 3}),
        ];
        let texts = source_texts(input, &items);
        assert_eq!(
            texts,
            [
                Some("- a: 1\n  b: [2]\n".to_string()),
                Some("- c: 3\n".to_string())
            ]
        );
    }

    #[test]
    fn other_layouts_give_no_text() {
        let json = r#"{"items": [{"a": 1}]}"#;
        assert_eq!(source_texts(json, &[serde_json::json!({"a": 1})]), [None]);
        // A count that does not match means the split misread the text: use none of it.
        assert_eq!(
            source_texts(
                "items:\n- a: 1\n",
                &[serde_json::json!({"a": 1}), serde_json::json!({})]
            ),
            [None, None]
        );
    }
}
