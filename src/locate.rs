//! Where a field is in the YAML text it was read from: field path (`spec.rules.groups[0].expr`)
//! → line, column and byte range, so a problem can be shown on the line that holds it.
//!
//! The documents are read a second time, as parser events with their source positions, into a
//! small tree of keys and spans. The values themselves come from the real reader
//! ([`crate::krm::yaml`]); this tree only says where things are.

use std::ops::Range;

use granit_parser::{Event, Marker, Parser, ScanError, Span};

/// A place in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the text.
    pub bytes: Range<usize>,
}

impl Place {
    fn from_span(text: &str, span: &Span) -> Place {
        let start = byte_of(text, &span.start);
        let end = byte_of(text, &span.end).max(start);
        Place {
            line: span.start.line(),
            column: span.start.col() + 1,
            bytes: start..end,
        }
    }

    fn at(text: &str, marker: &Marker) -> Place {
        let start = byte_of(text, marker);
        Place {
            line: marker.line(),
            column: marker.col() + 1,
            bytes: start..start,
        }
    }
}

fn byte_of(text: &str, marker: &Marker) -> usize {
    marker
        .byte_offset()
        .unwrap_or_else(|| {
            text.char_indices()
                .nth(marker.index())
                .map_or(text.len(), |(b, _)| b)
        })
        .min(text.len())
}

#[derive(Debug)]
enum Shape {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    Scalar,
}

#[derive(Debug)]
struct Node {
    at: Place,
    shape: Shape,
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_at: Place,
    value: Node,
}

/// What [`Positions::locate`] found for a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The key of the field, when it is a mapping entry.
    pub key: Option<Place>,
    /// The field's value (for a mapping or a list, where it starts).
    pub value: Place,
    /// Whether the value is a scalar (the place to point at for a bad value).
    pub scalar: bool,
    /// False when the path does not exist (a missing field): then this is the deepest part of
    /// the path that does, and `found` says which.
    pub exact: bool,
    /// The part of the path that was found.
    pub found: String,
}

/// Where every key and value of each document of one YAML text is.
#[derive(Debug)]
pub struct Positions {
    /// Non-empty documents in order, as the YAML reader counts them (empty ones are skipped).
    documents: Vec<Node>,
}

/// A YAML syntax error, where the parser stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Place,
    pub message: String,
}

impl Positions {
    /// Reads the positions of every document. Text that is not YAML gives the syntax error.
    pub fn read(text: &str) -> Result<Positions, SyntaxError> {
        let documents = read_documents(text).map_err(|e| SyntaxError {
            at: Place::at(text, e.marker()),
            message: e.info().to_string(),
        })?;
        Ok(Positions { documents })
    }

    pub fn document_count(&self) -> usize {
        self.documents.len()
    }

    /// The field at `path` (`a.b[0].c`; an empty path is the document itself) in document
    /// `index`. Keys that hold dots (`app.kubernetes.io/name`) are matched whole.
    pub fn locate(&self, index: usize, path: &str) -> Option<Located> {
        let root = self.documents.get(index)?;
        let mut node = root;
        let mut key: Option<&Place> = None;
        let mut rest = path;
        let mut found_len = 0;
        loop {
            if rest.is_empty() {
                return Some(located(node, key, true, path));
            }
            let step = match (&node.shape, rest.strip_prefix('[')) {
                (Shape::Seq(items), Some(after)) => after.split_once(']').and_then(|(i, tail)| {
                    let item = items.get(i.parse::<usize>().ok()?)?;
                    Some((None, item, tail))
                }),
                (Shape::Map(entries), None) => entries
                    .iter()
                    .filter_map(|e| {
                        // A key holding a dot may be written quoted (`grafana."grafana.ini"`).
                        let quoted = format!("{:?}", e.key);
                        [e.key.as_str(), quoted.as_str()]
                            .into_iter()
                            .filter(|k| {
                                rest.strip_prefix(k)
                                    .is_some_and(|t| t.is_empty() || t.starts_with(['.', '[']))
                            })
                            .map(str::len)
                            .max()
                            .map(|len| (e, len))
                    })
                    .max_by_key(|(_, len)| *len)
                    .map(|(e, len)| (Some(&e.key_at), &e.value, &rest[len..])),
                _ => None,
            };
            let Some((k, next, tail)) = step else {
                return Some(located(node, key, false, &path[..found_len]));
            };
            let tail = tail.strip_prefix('.').unwrap_or(tail);
            found_len = path.len() - tail.len();
            found_len -= usize::from(path[..found_len].ends_with('.'));
            node = next;
            key = k;
            rest = tail;
        }
    }
}

fn located(node: &Node, key: Option<&Place>, exact: bool, found: &str) -> Located {
    Located {
        key: key.cloned(),
        value: node.at.clone(),
        scalar: matches!(node.shape, Shape::Scalar),
        exact,
        found: found.to_string(),
    }
}

struct Events<'a> {
    text: &'a str,
    parser: Parser<'a, granit_parser::StrInput<'a>>,
}

impl<'a> Events<'a> {
    /// The next event that is part of the data (comments and anchors are presentation).
    fn next(&mut self) -> Result<Option<(Event<'a>, Span)>, ScanError> {
        loop {
            match self.parser.next_event() {
                None => return Ok(None),
                Some(Err(e)) => return Err(e),
                Some(Ok((event, span))) => {
                    if is_data(&event) {
                        return Ok(Some((event, span)));
                    }
                }
            }
        }
    }

    fn node(&mut self, event: Event<'a>, span: Span) -> Result<Node, ScanError> {
        let at = Place::from_span(self.text, &span);
        let shape = match event {
            Event::MappingStart(..) => {
                let mut entries = Vec::new();
                while let Some((ev, sp)) = self.next()? {
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key = match &ev {
                        Event::Scalar(v, ..) => v.to_string(),
                        _ => String::new(),
                    };
                    let key_node = self.node(ev, sp)?;
                    let Some((ev, sp)) = self.next()? else {
                        break;
                    };
                    let value = self.node(ev, sp)?;
                    entries.push(Entry {
                        key,
                        key_at: key_node.at,
                        value,
                    });
                }
                Shape::Map(entries)
            }
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                while let Some((ev, sp)) = self.next()? {
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, sp)?);
                }
                Shape::Seq(items)
            }
            _ => Shape::Scalar,
        };
        Ok(Node { at, shape })
    }
}

fn is_data(event: &Event) -> bool {
    matches!(
        event,
        Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(..)
            | Event::DocumentEnd
            | Event::Alias(..)
            | Event::Scalar(..)
            | Event::SequenceStart(..)
            | Event::SequenceEnd
            | Event::MappingStart(..)
            | Event::MappingEnd
    )
}

/// A document that holds nothing, or only null: the YAML reader skips it, so it gets no index.
fn is_empty_document(event: &Event) -> bool {
    match event {
        Event::Scalar(v, style, ..) => {
            *style == granit_parser::ScalarStyle::Plain
                && matches!(v.as_ref(), "" | "~" | "null" | "Null" | "NULL")
        }
        _ => false,
    }
}

fn read_documents(text: &str) -> Result<Vec<Node>, ScanError> {
    let mut events = Events {
        text,
        parser: Parser::new_from_str(text),
    };
    let mut documents = Vec::new();
    while let Some((event, span)) = events.next()? {
        match event {
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(..)
            | Event::DocumentEnd => {}
            event => {
                let empty = is_empty_document(&event);
                let node = events.node(event, span)?;
                if !empty {
                    documents.push(node);
                }
            }
        }
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# a comment
apiVersion: vmstack.dev/v1alpha1
kind: VictoriaMetricsStack
metadata:
  name: vm
  labels:
    app.kubernetes.io/name: x
spec:
  vmstorage:
    replica: 3
  rules:
    groups:
      - name: a
        rules:
          - alert: A
            expr: \"up == 0\"
          - {alert: B, expr: 'down'}
---
---
kind: Second
";

    fn file() -> Positions {
        Positions::read(TEXT).unwrap()
    }

    fn snippet(place: &Place) -> &str {
        &TEXT[place.bytes.clone()]
    }

    #[test]
    fn a_key_and_its_scalar_value() {
        let l = file().locate(0, "spec.vmstorage.replica").unwrap();
        assert!(l.exact && l.scalar);
        let key = l.key.unwrap();
        assert_eq!((key.line, key.column), (10, 5));
        assert_eq!(snippet(&key), "replica");
        assert_eq!((l.value.line, l.value.column), (10, 14));
        assert_eq!(snippet(&l.value), "3");
    }

    #[test]
    fn list_items_in_block_and_flow_style() {
        let f = file();
        let expr = f.locate(0, "spec.rules.groups[0].rules[0].expr").unwrap();
        assert_eq!(expr.value.line, 16);
        assert_eq!(snippet(&expr.value), "\"up == 0\"");
        let flow = f.locate(0, "spec.rules.groups[0].rules[1].expr").unwrap();
        assert_eq!((flow.value.line, snippet(&flow.value)), (17, "'down'"));
        let item = f.locate(0, "spec.rules.groups[0].rules[1]").unwrap();
        assert!(item.exact && item.key.is_none() && !item.scalar);
        assert_eq!(item.value.line, 17);
    }

    #[test]
    fn keys_with_dots_are_matched_whole() {
        let l = file()
            .locate(0, "metadata.labels.app.kubernetes.io/name")
            .unwrap();
        assert!(l.exact);
        assert_eq!(snippet(&l.value), "x");
    }

    #[test]
    fn a_key_with_dots_may_be_quoted() {
        let l = file()
            .locate(0, "metadata.labels.\"app.kubernetes.io/name\"")
            .unwrap();
        assert!(l.exact);
        assert_eq!(snippet(&l.value), "x");
    }

    #[test]
    fn a_missing_field_points_at_the_deepest_part_that_exists() {
        let f = file();
        let l = f.locate(0, "spec.vmstorage.size").unwrap();
        assert!(!l.exact);
        assert_eq!(l.found, "spec.vmstorage");
        assert_eq!(snippet(l.key.as_ref().unwrap()), "vmstorage");
        let l = f.locate(0, "spec.rules.groups[5].name").unwrap();
        assert_eq!(l.found, "spec.rules.groups");
        let l = f.locate(0, "nothing").unwrap();
        assert!(!l.exact && l.found.is_empty() && l.key.is_none());
        assert_eq!(l.value.line, 2, "the document starts after the comment");
    }

    #[test]
    fn documents_are_counted_as_the_reader_counts_them() {
        let f = file();
        assert_eq!(
            f.document_count(),
            2,
            "the empty document between is skipped"
        );
        let l = f.locate(1, "kind").unwrap();
        assert_eq!((l.value.line, snippet(&l.value)), (20, "Second"));
        assert!(f.locate(2, "").is_none());
    }

    #[test]
    fn columns_count_characters_and_bytes_stay_on_boundaries() {
        let text = "é: {ü: 1, k: 2}\n";
        let l = Positions::read(text).unwrap().locate(0, "é.k").unwrap();
        assert_eq!(l.key.as_ref().unwrap().column, 11);
        assert_eq!(&text[l.value.bytes.clone()], "2");
    }

    #[test]
    fn a_syntax_error_says_where() {
        let e = Positions::read("a: 1\nb: [1,\nc: 2\n").unwrap_err();
        assert!(e.at.line >= 2, "{e:?}");
        assert!(!e.message.is_empty());
    }
}
