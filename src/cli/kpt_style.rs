//! The one way kpt's writer (kyaml, on go-yaml v3) lays out YAML differently from vmstack's:
//! a long string stays a folded block scalar (`>-`) but is never wrapped, so its text is one
//! line. Everything else vmstack writes, kpt writes back byte for byte.

use granit_parser::{Event, Parser, ScalarStyle};

/// One folded scalar of a document: where its content lines are, and its value.
struct Folded {
    content: std::ops::Range<usize>,
    indent: usize,
    value: String,
}

fn folded_scalars(text: &str) -> Vec<Folded> {
    let mut out = Vec::new();
    for next in Parser::new_from_str(text) {
        let Ok((Event::Scalar(value, ScalarStyle::Folded, ..), span)) = next else {
            if next.is_err() {
                return Vec::new();
            }
            continue;
        };
        // The span starts at the content, on the line after the `>` header.
        let Some(start) = span.start.byte_offset() else {
            continue;
        };
        let header_end = text[..start].rfind('\n').map_or(0, |n| n + 1);
        let indent = start - header_end;
        if indent == 0 || !text[header_end..start].bytes().all(|b| b == b' ') {
            continue;
        }
        let mut end = header_end;
        for line in text[header_end..].split_inclusive('\n') {
            let more = line.len() - line.trim_start_matches(' ').len();
            if line.trim().is_empty() || more != indent {
                break;
            }
            end += line.len();
        }
        out.push(Folded {
            content: header_end..end,
            indent,
            value: value.into_owned(),
        });
    }
    out
}

/// The document as kpt would write it back: folded scalars of one paragraph on one line.
/// Falls back to the document unchanged when a rewrite would not read back the same.
pub fn as_kpt_writes(document: &str) -> String {
    let mut out = document.to_string();
    let mut folded = folded_scalars(document);
    folded.sort_by_key(|f| std::cmp::Reverse(f.content.start));
    for f in folded {
        let line = f.value.trim_end_matches('\n');
        if line.contains('\n') || line.starts_with(' ') {
            continue; // more than one paragraph, or more-indented: not the simple case
        }
        out.replace_range(f.content, &format!("{}{line}\n", " ".repeat(f.indent)));
    }
    let reads_the_same = matches!(
        (
            crate::krm::yaml::parse_documents(document),
            crate::krm::yaml::parse_documents(&out),
        ),
        (Ok(a), Ok(b)) if a == b
    );
    if reads_the_same {
        out
    } else {
        document.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_folded_scalar_becomes_one_line() {
        let doc = "spec:\n  expr: >-\n    sum by (job)\n    (up) == 0\n  next: 1\n";
        assert_eq!(
            as_kpt_writes(doc),
            "spec:\n  expr: >-\n    sum by (job) (up) == 0\n  next: 1\n"
        );
    }

    #[test]
    fn in_a_list_and_at_the_end_of_the_document() {
        let doc = "- >\n  a b\n  c\n- >-\n  d\n  e\n";
        assert_eq!(as_kpt_writes(doc), "- >\n  a b c\n- >-\n  d e\n");
    }

    #[test]
    fn other_scalars_are_left_alone() {
        let doc = "a: |\n  x\n  y\nb: \"q\"\nc: plain text\n";
        assert_eq!(as_kpt_writes(doc), doc);
    }
}
