//! The numbers the capacity check needs, literal or behind Flux variables: a variable is
//! resolved from the settings its Flux Kustomization substitutes from, when they are among the
//! input, exactly as Flux would substitute it; otherwise the number stays unknown, and why.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::flux::envsubst;
use crate::flux::substitute_from::{self, Items, Lookup};
use crate::intent::Stack;
use crate::intent::scalar::{Setting, ToJson, Written};
use crate::krm::object::Object;

/// A number the check needs, as far as it is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<T> {
    Known {
        value: T,
        /// The value's text (`50Gi`), after substitution.
        text: String,
        /// The intent's text when it was a variable (`${VM_STORAGE_SIZE}`).
        variable: Option<String>,
    },
    Unknown {
        /// The intent's text.
        text: String,
        why: String,
    },
}

impl<T> Resolved<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Resolved::Known { value, .. } => Some(value),
            Resolved::Unknown { .. } => None,
        }
    }

    /// The value's text after substitution (`50Gi`), or the intent's when it is unknown.
    pub fn text(&self) -> &str {
        match self {
            Resolved::Known { text, .. } | Resolved::Unknown { text, .. } => text,
        }
    }

    /// `50Gi from ${VM_STORAGE_SIZE}` for a value that came from the settings.
    pub fn from_settings(&self) -> Option<String> {
        match self {
            Resolved::Known {
                text,
                variable: Some(v),
                ..
            } => Some(format!("{text} from {v}")),
            _ => None,
        }
    }

    /// As a reader would want it named: `50Gi`, or `50Gi (${VM_STORAGE_SIZE})`.
    pub fn describe(&self) -> String {
        match self {
            Resolved::Known {
                text,
                variable: None,
                ..
            } => text.clone(),
            Resolved::Known {
                text,
                variable: Some(v),
                ..
            } => format!("{text} ({v})"),
            Resolved::Unknown { text, .. } => text.clone(),
        }
    }
}

/// The settings values an intent's variables resolve from, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub enum Settings {
    Found {
        values: BTreeMap<String, String>,
        /// `ConfigMap cluster-settings`, for messages.
        sources: String,
    },
    Missing(String),
}

/// `ConfigMap cluster-settings`: the settings a stack's Flux Kustomization substitutes from.
pub fn source_names(stack: &Stack) -> String {
    let names: Vec<String> = stack
        .flux
        .substitute_from
        .iter()
        .map(|s| format!("{} {}", s.kind.kind(), s.name))
        .collect();
    names.join(", ")
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Whether `item` lies below `prefix` (a folder with its trailing `/`; everything lies in the
/// root, "").
fn in_folder(item: &Value, prefix: &str) -> bool {
    prefix.is_empty()
        || Object(item)
            .file_ref()
            .is_some_and(|f| f.path.starts_with(prefix))
}

/// The settings of `stack` (read from `intent`) among `input`: those in the intent's own
/// folder first, where a package keeps its settings (so that one input can hold several
/// clusters' packages, each with its own `cluster-settings`), else any in the input.
pub fn settings_for(input: &(impl Items + ?Sized), intent: &Value, stack: &Stack) -> Settings {
    let flux = &stack.flux;
    let folder = Object(intent)
        .file_ref()
        .map(|f| folder_of(&f.path).to_string())
        .unwrap_or_default();
    let prefix = if folder.is_empty() {
        folder
    } else {
        format!("{folder}/")
    };
    let mut found =
        substitute_from::lookup_where(input, &flux.substitute_from, &flux.namespace, |i| {
            in_folder(i, &prefix)
        });
    if found == Lookup::Absent && !prefix.is_empty() {
        found = substitute_from::lookup(input, &flux.substitute_from, &flux.namespace);
    }
    match found {
        Lookup::Found(found) => Settings::Found {
            values: found.values,
            sources: source_names(stack),
        },
        Lookup::Incomplete { missing } => Settings::Missing(format!(
            "{} of its settings {} not among the input",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        )),
        Lookup::Absent => Settings::Missing(format!(
            "its settings ({}) are not among the input",
            source_names(stack)
        )),
    }
}

/// Substitutes the variables of `text` from `settings` as Flux would (strictly: a variable
/// without a value and without a default is an error).
pub fn substitute(text: &str, settings: &Settings) -> Result<String, String> {
    match settings {
        Settings::Found { values, sources } => envsubst::substitute(text, values, true)
            .map_err(|e| format!("{sources} cannot fill it: {e}")),
        Settings::Missing(why) => Err(why.clone()),
    }
}

/// A setting's value, read from its text by `read` (`None` when the text is not one).
pub fn resolve<S: Serialize + Written, T>(
    setting: &Setting<S>,
    settings: &Settings,
    read: impl Fn(&str) -> Option<T>,
) -> Resolved<T> {
    let (text, variable) = match setting {
        Setting::Literal(_) => match setting.to_json() {
            Value::String(s) => (s, None),
            other => (other.to_string(), None),
        },
        Setting::Templated(template) => match substitute(template, settings) {
            Ok(text) => (text, Some(template.clone())),
            Err(why) => {
                return Resolved::Unknown {
                    text: template.clone(),
                    why,
                };
            }
        },
    };
    match read(&text) {
        Some(value) => Resolved::Known {
            value,
            text,
            variable,
        },
        None => Resolved::Unknown {
            why: match &variable {
                Some(v) => format!("{v} gives {text:?}"),
                None => format!("{text:?} cannot be read"),
            },
            text: variable.unwrap_or(text),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::scalar::{Quantity, literal};

    fn found(pairs: &[(&str, &str)]) -> Settings {
        Settings::Found {
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            sources: "ConfigMap cluster-settings".into(),
        }
    }

    fn bytes(s: &str) -> Option<f64> {
        Quantity(s.into()).value()
    }

    #[test]
    fn literals_variables_defaults_and_what_stays_unknown() {
        let size = literal(Quantity("50Gi".into()));
        let r = resolve(&size, &Settings::Missing("none".into()), bytes);
        assert_eq!(r.value(), Some(&(50.0 * 1024f64.powi(3))));
        assert_eq!(r.describe(), "50Gi");

        let var: Setting<Quantity> = Setting::Templated("${VM_STORAGE_SIZE}".into());
        let r = resolve(&var, &found(&[("VM_STORAGE_SIZE", "1Ti")]), bytes);
        assert_eq!(r.value(), Some(&1024f64.powi(4)));
        assert_eq!(r.describe(), "1Ti (${VM_STORAGE_SIZE})");

        let with_default: Setting<Quantity> = Setting::Templated("${SIZE:=100Gi}".into());
        let r = resolve(&with_default, &found(&[]), bytes);
        assert_eq!(r.value(), Some(&(100.0 * 1024f64.powi(3))));

        let r = resolve(&var, &found(&[]), bytes);
        assert!(
            matches!(&r, Resolved::Unknown { text, why } if text == "${VM_STORAGE_SIZE}" && why.contains("cluster-settings")),
            "{r:?}"
        );
        let r = resolve(&var, &found(&[("VM_STORAGE_SIZE", "lots")]), bytes);
        assert!(
            matches!(&r, Resolved::Unknown { why, .. } if why.contains("\"lots\"")),
            "{r:?}"
        );
        let r = resolve(&var, &Settings::Missing("no settings".into()), bytes);
        assert_eq!(
            r,
            Resolved::Unknown {
                text: "${VM_STORAGE_SIZE}".into(),
                why: "no settings".into()
            }
        );
    }
}
