//! Results as a person at a terminal reads them: the code and message, then the file, line and
//! column of the offending field with the line itself underlined (rustc's layout). Every text
//! from the input (messages, names, paths, the source line) is escaped for the terminal
//! ([`crate::terminal`]).

use std::collections::BTreeSet;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_json::Value;

use super::inputs::{InputFile, Inputs, Problem};
use crate::code::Code;
use crate::krm::{KrmResult, Severity};
use crate::locate::Located;
use crate::terminal::{EscapedLines, escape};

/// Writes results against the inputs they are about.
pub struct Reporter<'a> {
    inputs: &'a Inputs,
    /// The intents expanded: their earlier output among the inputs is not what results are about.
    owners: &'a BTreeSet<String>,
    renderer: Renderer,
    /// Each input file as shown, when it holds characters to escape.
    escaped: Vec<Option<EscapedLines>>,
    /// Where each line of each file as shown starts.
    line_starts: Vec<Vec<usize>>,
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The message without the code it starts with (the code is shown beside the level).
fn message_of(r: &KrmResult) -> &str {
    match r.tags.get("code") {
        Some(code) => r
            .message
            .strip_prefix(code.as_str())
            .and_then(|m| m.strip_prefix(": "))
            .unwrap_or(&r.message),
        None => &r.message,
    }
}

/// At least one character wide, so the underline shows, and on character boundaries.
fn visible(text: &str, bytes: &Range<usize>) -> Range<usize> {
    if bytes.end > bytes.start {
        return bytes.clone();
    }
    let start = bytes.start.min(text.len());
    match text[start..].chars().next() {
        Some(c) if c != '\n' => start..start + c.len_utf8(),
        _ => start..start,
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

/// The lines of `text` that `span` touches, the span within them, and the first one's number.
/// annotate-snippets reads all the source it is given for every result, so handing it the
/// whole file made a report of n results on a file of n objects cost n².
fn lines_of<'t>(
    text: &'t str,
    starts: &[usize],
    span: Range<usize>,
) -> (&'t str, Range<usize>, usize) {
    let line = starts.partition_point(|&s| s <= span.start).max(1) - 1;
    let from = starts[line];
    let to = text[span.end..]
        .find('\n')
        .map_or(text.len(), |n| span.end + n);
    (
        &text[from..to],
        span.start - from..span.end - from,
        line + 1,
    )
}

/// A flow or block scalar's first line only: a long `|` block would fill the screen.
fn first_line(text: &str, bytes: Range<usize>) -> Range<usize> {
    match text[bytes.clone()].find('\n') {
        Some(n) if n > 0 => bytes.start..bytes.start + n,
        _ => bytes,
    }
}

/// Where to point for a result: the value for a bad value, the key for a bad or unknown key,
/// the deepest existing parent for a missing field.
fn pointed(located: &Located, code: &str) -> Range<usize> {
    let key = located.key.as_ref().map(|k| k.bytes.clone());
    let value = located.value.bytes.clone();
    if !located.exact || code == Code::UnknownField.as_str() || !located.scalar {
        key.unwrap_or(value)
    } else {
        value
    }
}

fn label(field: &str, located: &Located) -> String {
    let field = escape(field);
    if located.exact {
        field.into_owned()
    } else if located.found.is_empty() {
        format!("{field} is not in this document")
    } else {
        format!(
            "{field} is not set: it belongs under {}",
            escape(&located.found)
        )
    }
}

/// The variable a result is about, for results on generated objects (`variable X is ...`).
fn variable_named(message: &str) -> Option<&str> {
    let rest = message.split_once("variable ")?.1;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn notes(r: &KrmResult) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(proposed) = r.field.as_ref().and_then(|f| f.proposed_value.as_ref()) {
        let shown = match proposed {
            Value::String(s) => s.clone(),
            Value::Object(_) | Value::Array(_) => String::new(),
            other => other.to_string(),
        };
        if !shown.is_empty() && !r.message.contains("did you mean") && !r.message.contains(&shown) {
            notes.push(format!("proposed value: {}", escape(&shown)));
        }
    }
    notes
}

impl<'a> Reporter<'a> {
    /// `styled`: colours, for a terminal.
    pub fn new(inputs: &'a Inputs, owners: &'a BTreeSet<String>, styled: bool) -> Self {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let escaped: Vec<Option<EscapedLines>> = inputs
            .files
            .iter()
            .map(|f| EscapedLines::of(&f.text))
            .collect();
        let line_starts = inputs
            .files
            .iter()
            .zip(&escaped)
            .map(|(f, shown)| line_starts(shown.as_ref().map_or(&f.text, |s| &s.text)))
            .collect();
        Reporter {
            inputs,
            owners,
            renderer,
            escaped,
            line_starts,
        }
    }

    fn render(&self, group: Group<'_>) -> String {
        let mut out = self.renderer.render(&[group]);
        out.push('\n');
        out
    }

    fn snippet(
        &self,
        index: usize,
        bytes: Range<usize>,
        label: String,
    ) -> Snippet<'_, annotate_snippets::Annotation<'_>> {
        let file: &InputFile = &self.inputs.files[index];
        let span = first_line(&file.text, visible(&file.text, &bytes));
        let (text, span) = match &self.escaped[index] {
            Some(shown) => (
                shown.text.as_str(),
                shown.offset(span.start)..shown.offset(span.end),
            ),
            None => (file.text.as_str(), span),
        };
        let (text, span, first) = lines_of(text, &self.line_starts[index], span);
        Snippet::source(text)
            .line_start(first)
            .path(escape(&file.shown))
            .fold(true)
            .annotation(AnnotationKind::Primary.span(span).label(label))
    }

    /// A problem met while reading the inputs.
    pub fn problem(&self, p: &Problem) -> String {
        let r = &p.result;
        let code = r.tags.get("code").cloned().unwrap_or_default();
        let title = level(r.severity)
            .primary_title(escape(message_of(r)))
            .id(escape(&code).into_owned());
        match &p.at {
            Some((file, place)) => {
                self.render(title.element(self.snippet(*file, place.bytes.clone(), String::new())))
            }
            None => self.render(Group::with_title(title)),
        }
    }

    /// A result of the function, on the line of the field it is about.
    pub fn result(&self, r: &KrmResult) -> String {
        let code = r.tags.get("code").cloned().unwrap_or_default();
        let field = r.field.as_ref().map_or("", |f| f.path.as_str());
        let title = level(r.severity)
            .primary_title(escape(message_of(r)))
            .id(escape(&code).into_owned());
        let place = self.place_of(r, field);
        let shown = place.is_some();
        let mut group = match place {
            Some((file, bytes, label)) => title.element(self.snippet(file, bytes, label)),
            None => Group::with_title(title),
        };
        if let Some(resource) = &r.resource_ref {
            let ns = if resource.namespace.is_empty() {
                String::new()
            } else {
                format!("{}/", resource.namespace)
            };
            let mut note = format!("in {} {ns}{}", resource.kind, resource.name);
            if !field.is_empty() && !shown {
                note.push_str(&format!(", field {field}"));
            }
            group = group.element(Level::NOTE.message(escape(&note).into_owned()));
        }
        for note in notes(r) {
            group = group.element(Level::HELP.message(note));
        }
        self.render(group)
    }

    /// The file (its index), bytes and label to show a result at.
    fn place_of(&self, r: &KrmResult, field: &str) -> Option<(usize, Range<usize>, String)> {
        let code = r.tags.get("code").map_or("", String::as_str);
        if let Some(resource) = &r.resource_ref
            && let Some(doc) = self
                .inputs
                .document_of(resource, r.file.as_ref(), self.owners)
        {
            let index = doc.file;
            let file = &self.inputs.files[index];
            let path = if field.is_empty() {
                "metadata.name"
            } else {
                field
            };
            let located = file.positions.as_ref()?.locate(doc.index, path)?;
            return Some((index, pointed(&located, code), label(path, &located)));
        }
        // A generated object has no text of its own: show where an intent writes its variable
        // (the message names it: "variable X is …").
        let variable = variable_named(message_of(r))?;
        let needle = format!("${{{variable}");
        let mut intent_files: Vec<usize> = self
            .inputs
            .documents
            .iter()
            .filter(|d| {
                d.api_version == crate::intent::API_VERSION && d.kind == crate::intent::KIND
            })
            .map(|d| d.file)
            .collect();
        intent_files.dedup();
        intent_files.into_iter().find_map(|index| {
            let file = &self.inputs.files[index];
            let at = file.text.find(&needle)?;
            let end = file.text[at..]
                .find('}')
                .map_or(at + needle.len(), |e| at + e + 1);
            Some((index, at..end, format!("${{{variable}}} is written here")))
        })
    }
}

/// `2 errors, 1 warning`, or `no problems`.
pub fn summary<'r>(results: impl IntoIterator<Item = &'r KrmResult>) -> String {
    let (mut errors, mut warnings) = (0, 0);
    for r in results {
        match r.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Info => {}
        }
    }
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".into(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
