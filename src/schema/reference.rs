//! The field reference of docs/intent.md: a table per block, made from the generated schema
//! (sections by reference, markers kept). A section a field refers to is expanded into dotted
//! rows; the two shared shapes (the component settings and the credentials) have a table of
//! their own, which the fields that take them link to.

use serde_json::Value;

use super::{COMPONENT_MARKER, ROLE_MARKER};
use crate::intent::RoleKind;
use crate::intent::choice::Choice;

/// The shared shapes: their section name in the schema, and the heading anchor of their table.
const SHARED: [(&str, &str, &str); 2] = [
    ("Component", "#component-settings", "component settings"),
    ("Credentials", "#credentials-auth", "credentials"),
];

/// The generated blocks of docs/intent.md, by name, each a Markdown table.
pub fn blocks(schema: &Value) -> Vec<(&'static str, String)> {
    let defs = &schema["$defs"];
    let reference = Reference { defs };
    let spec = reference.resolve(&schema["properties"]["spec"]);
    let mut common = Vec::new();
    let metadata = reference.resolve(&schema["properties"]["metadata"]);
    reference.rows(&mut common, &metadata, "metadata.", None, &|p| {
        p.get("description").is_some()
    });
    reference.rows(&mut common, &spec, "spec.", None, &|p| {
        p.get(ROLE_MARKER).is_none()
    });
    let mut out = vec![("common", table(&common))];
    for (word, role) in RoleKind::CHOICES {
        let mut rows = Vec::new();
        let only = |p: &Value| p[ROLE_MARKER] == *word;
        reference.rows(&mut rows, &spec, "", Some(*role), &only);
        out.push((*word, table(&rows)));
    }
    for (block, name) in [("component", "Component"), ("credentials", "Credentials")] {
        assert!(defs[name].is_object(), "no section {name} in the schema");
        let mut rows = Vec::new();
        reference.rows(&mut rows, &defs[name], "", None, &|_| true);
        out.push((block, table(&rows)));
    }
    out
}

struct Row {
    field: String,
    default: String,
    meaning: String,
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from("| field | default | meaning |\n|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(&r.field),
            cell(&r.default),
            cell(&r.meaning)
        ));
    }
    out
}

/// Table cells hold one line, and `|` only escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A description's meaning and its default (its last paragraph, when that starts `Default:`).
pub fn meaning_and_default(description: &str) -> (String, String) {
    let mut paragraphs: Vec<&str> = description.split("\n\n").collect();
    let default = match paragraphs.last().and_then(|p| p.strip_prefix("Default:")) {
        Some(d) => {
            let d = d.trim().to_string();
            paragraphs.pop();
            d
        }
        None => String::new(),
    };
    (paragraphs.join(" "), default)
}

struct Reference<'a> {
    defs: &'a Value,
}

impl Reference<'_> {
    /// The section a `$ref` names, the referring schema's own keywords over it.
    fn resolve(&self, schema: &Value) -> Value {
        let Some(name) = ref_name(schema) else {
            return schema.clone();
        };
        let mut out = self.defs[name].clone();
        if let (Value::Object(out), Value::Object(own)) = (&mut out, schema) {
            for (k, v) in own {
                if k != "$ref" {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        out
    }

    /// The section a field's value is, or holds (a list of them, or a name or a section), when
    /// it has fields of its own: its rows go below the field's, with `suffix` on the path.
    fn section_of(&self, schema: &Value) -> Option<(Value, &'static str)> {
        if let Some(items) = schema.get("items") {
            return self.section_of(items).map(|(s, _)| (s, "[]."));
        }
        let resolved = self.resolve(schema);
        if ref_name(schema).is_some() && resolved.get("properties").is_some() {
            return Some((resolved, "."));
        }
        resolved["anyOf"]
            .as_array()?
            .iter()
            .find_map(|alternative| self.section_of(alternative))
    }

    /// The rows of a section's fields that `wanted` selects, below `prefix`; nested fields of
    /// another role than the table's (`None`: the common table) say so.
    fn rows(
        &self,
        out: &mut Vec<Row>,
        section: &Value,
        prefix: &str,
        role: Option<RoleKind>,
        wanted: &dyn Fn(&Value) -> bool,
    ) {
        let Some(properties) = section["properties"].as_object() else {
            return;
        };
        let required: Vec<&str> = section["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let component_fields: Vec<String> = if section.get(COMPONENT_MARKER).is_some() {
            self.defs["Component"]["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        for (key, property) in properties {
            if !wanted(property) || component_fields.contains(key) {
                continue;
            }
            let path = format!("{prefix}{key}");
            let row = self.row(&path, property, required.contains(&key.as_str()), role);
            match self.section_of(property) {
                Some((inner, suffix)) if shared(property).is_none() => {
                    if !row.meaning.is_empty() || !row.default.is_empty() {
                        out.push(row);
                    }
                    let inner_role = role.or_else(|| role_of(property));
                    let below = format!("{path}{suffix}");
                    self.rows(out, &inner, &below, inner_role, &|_| true);
                }
                _ => out.push(row),
            }
        }
    }

    fn row(&self, path: &str, property: &Value, required: bool, role: Option<RoleKind>) -> Row {
        let description = property["description"].as_str().unwrap_or_default();
        let (mut meaning, default) = meaning_and_default(description);
        let mut links = Vec::new();
        if let Some((_, anchor, words)) = shared(property) {
            links.push((anchor, format!("[{words}]({anchor})")));
        }
        if self.resolve(property).get(COMPONENT_MARKER).is_some() {
            let (_, anchor, words) = SHARED[0];
            links.push((anchor, format!("[{words}]({anchor}), and the fields below")));
        }
        for (anchor, link) in links {
            if meaning.contains(anchor) {
                continue;
            }
            meaning = if meaning.is_empty() {
                capitalised(&link)
            } else {
                format!("{meaning}; {link}")
            };
        }
        if role.is_none()
            && let Some(only) = role_of(property)
        {
            let only = format!("{} role only", capitalised(only.name()));
            meaning = if meaning.is_empty() {
                only
            } else {
                format!("{only}. {meaning}")
            };
        }
        let mut field = format!("`{path}`");
        if required {
            field.push_str(" **required**");
        }
        Row {
            field,
            default,
            meaning,
        }
    }
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"].as_str()?.rsplit('/').next()
}

/// The shared shape a field takes, directly or as a list.
fn shared(property: &Value) -> Option<(&'static str, &'static str, &'static str)> {
    let name = ref_name(property).or_else(|| ref_name(&property["items"]))?;
    SHARED.into_iter().find(|(n, _, _)| *n == name)
}

fn role_of(property: &Value) -> Option<RoleKind> {
    let word = property[ROLE_MARKER].as_str()?;
    RoleKind::CHOICES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, r)| *r)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some('[') => {
            let rest: String = chars.collect();
            let mut rest = rest.chars();
            let first = rest.next().map(|c| c.to_uppercase().to_string());
            format!("[{}{}", first.unwrap_or_default(), rest.as_str())
        }
        Some(c) => format!("{}{}", c.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// Fills the named blocks of a Markdown text, each between `<!-- BEGIN GENERATED: name -->`
/// and `<!-- END GENERATED: name -->`; the text around them is kept as written. An error when
/// a block's markers are missing.
pub fn fill(text: &str, blocks: &[(&str, String)]) -> Result<String, String> {
    let mut out = text.to_string();
    for (name, body) in blocks {
        let begin = format!("<!-- BEGIN GENERATED: {name} -->");
        let end = format!("<!-- END GENERATED: {name} -->");
        let (Some(b), Some(e)) = (out.find(&begin), out.find(&end)) else {
            return Err(format!("the markers of block {name:?} are missing"));
        };
        let start = b + begin.len();
        if e < start {
            return Err(format!("block {name:?} ends before it begins"));
        }
        out.replace_range(start..e, &format!("\n{body}"));
    }
    Ok(out)
}
