//! Flux postBuild variables (`${NAME}` and its operator forms) inside intent strings.
//!
//! The intent accepts a variable wherever a value goes; Flux substitutes it on the cluster. Here
//! the references are only found and checked for shape, so a typo fails at render time instead of
//! at apply time.

/// One `${…}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    /// Whether a default operator (`:-`, `:=`, `=`, `:+`, `:?`: all of them "the value unless
    /// empty, else the word" in Flux) covers the variable being unset.
    pub has_default: bool,
}

/// What a field of the intent takes, so that a variable's value can be checked to fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Number,
    Quantity,
    /// Go durations (Flux, Alertmanager): up to hours.
    GoDuration,
    /// Prometheus/VictoriaMetrics durations: days, weeks and years too.
    MetricsDuration,
    Retention,
    Url,
}

/// One use of a Flux variable in the intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableUse {
    pub name: String,
    pub has_default: bool,
    /// The intent field, like `spec.vmstorage.size`.
    pub path: String,
    pub kind: ValueKind,
    /// The field is exactly this one variable (so its value is the field's whole value).
    pub whole: bool,
}

pub use crate::flux::envsubst::is_variable_name;

/// Every variable reference in a string, or why Flux would refuse it. `$${…}` is Flux's escape
/// for a literal `${…}` and is not a reference. Parsing is Flux's own ([`crate::flux::envsubst`]).
pub fn references(s: &str) -> Result<Vec<VarRef>, String> {
    let found = crate::flux::envsubst::variables(s).map_err(|e| e.to_string())?;
    found
        .into_iter()
        .map(|(name, has_default)| {
            if is_variable_name(&name) {
                Ok(VarRef { name, has_default })
            } else {
                Err(format!(
                    "{name:?} is not a variable name Flux accepts (letters, digits and _, not starting with a digit)"
                ))
            }
        })
        .collect()
}

/// Whether a text is exactly one `${…}` reference and nothing around it.
pub fn is_one_variable(s: &str) -> bool {
    s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1
}

/// Whether a text is one variable whose value, when set, is the whole field: `${A}`, or `${A}`
/// with a default (`${A:=30d}`). Other operators (`${A#x}`, `${A:0:2}`) make something else of it.
pub fn fills_whole(s: &str) -> bool {
    use crate::flux::envsubst::{EnvsubstVersion, Limits, Node, Template, tolerates_unset};
    let Ok(t) = Template::parse(s, &Limits::default()) else {
        return false;
    };
    match t.nodes.as_slice() {
        [Node::Func(f)] => f.op.is_empty() || tolerates_unset(&f.op, EnvsubstVersion::V1_7_0),
        _ => false,
    }
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
        let r = references("${A}-${B:=x}-${#C}-$${NOT}-${D#*.}").unwrap();
        let names: Vec<_> = r.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", "D"]);
        assert!(r[1].has_default && !r[0].has_default);
    }

    #[test]
    fn rejects_what_flux_rejects() {
        assert!(references("${A+x}").is_err());
        assert!(references("${A-x}").is_err());
        assert!(references("${1A}").is_err());
        assert!(references("${A B}").is_err());
        assert!(references("${A").is_err());
    }

    #[test]
    fn colon_plus_and_colon_question_are_defaults_in_flux() {
        for text in ["${A:+x}", "${A:?x}"] {
            let r = references(text).unwrap();
            assert!(r[0].name == "A" && r[0].has_default, "{text}");
        }
    }

    #[test]
    fn only_plain_and_default_forms_fill_the_whole_field() {
        for text in ["${A}", "${A:=30d}", "${A:-${B}}"] {
            assert!(fills_whole(text), "{text}");
        }
        for text in ["${A#x}", "${A:0:2}", "x${A}", "${A}${B}", "${#A}", "${A"] {
            assert!(!fills_whole(text), "{text}");
        }
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
