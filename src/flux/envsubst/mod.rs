//! Flux's postBuild variable substitution, case for case: a port of fluxcd/pkg `envsubst` v1.7.0
//! (kustomize-controller v1.9), with v1.5.0's strict mode (kustomize-controller v1.7–v1.8) as an
//! option. No crate implements this dialect, and its quirks decide what reaches the cluster:
//!
//! - only `${…}` is parsed; `$$` is `$`; a bare `$A` is text;
//! - `${A:-w}`, `${A:=w}`, `${A=w}`, `${A:+w}` and `${A:?w}` all mean "A unless empty, else w";
//!   bare `${A-w}`, `${A+w}`, `${A?w}` are syntax errors;
//! - lengths, offsets and prefixes count bytes; `#`/`%` patterns are globs, `/` patterns literal;
//! - strict mode: an unset variable fails every operator but the defaults (v1.5.0: only a bare
//!   `${A}`); a variable set to `""` is set.
//!
//! Flux has no limits; vmstack adds three ([`Limits`]), each an error: nesting depth, output
//! size, and pattern-matching steps.
//!
//! The files: `scan` and `parse` (syntax), `eval` (running a text), `funcs` (the operators),
//! `glob` (the `#`/`%` patterns).

mod eval;
mod funcs;
mod glob;
mod parse;
mod scan;

use std::collections::BTreeMap;

pub use parse::{Func, Node};

/// Which envsubst Flux runs. kustomize-controller v1.9 ships v1.7.0; v1.7 and v1.8 ship v1.5.0,
/// whose strict mode only fails on a bare `${var}` (an operator on an unset variable sees "").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnvsubstVersion {
    #[default]
    V1_7_0,
    V1_5_0,
}

/// Bounds Flux does not have, so that hostile input fails fast instead of exhausting the stack,
/// the memory or the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `${` nested inside `${`.
    pub max_depth: usize,
    /// Bytes of any intermediate or final result.
    pub max_output: usize,
    /// Steps spent matching `#`/`%` patterns in one text.
    pub max_match_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            // Far above what the API server accepts for one object (about 3 MiB per request).
            max_output: 16 << 20,
            max_match_steps: 50_000_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub strict: bool,
    pub version: EnvsubstVersion,
    pub limits: Limits,
}

impl Options {
    pub fn strict(strict: bool) -> Self {
        Options {
            strict,
            ..Options::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubstError {
    /// The text (or the part around the problem), Flux's parse error with a hint (saying where
    /// the parser stopped), and the byte offset of the `${` that Flux could not parse.
    #[error("bad substitution in {0:?}: {1}")]
    Syntax(String, String, usize),
    #[error("variable not set (strict mode): {}", crate::flux::gostr::quote(.0))]
    Unset(String),
    /// Go panicked (a negative substring length); kustomize-controller recovers and fails the
    /// reconcile with this message.
    #[error("Flux's substitution panics: {0}")]
    Panic(String),
    #[error("more than {0} nested ${{…}} (vmstack's limit)")]
    TooDeep(usize),
    #[error("the substituted text would pass {0} bytes (vmstack's limit)")]
    TooLarge(usize),
    #[error("a # or % pattern takes too many steps to match (vmstack's limit)")]
    TooCostly,
}

/// Flux's rule for variable names (`^[_[:alpha:]][_[:alpha:][:digit:]]*$`, ASCII classes):
/// settings keys must follow it, so a reference to any other name can never be defined.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// A text parsed as Flux parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub nodes: Vec<Node>,
}

impl Template {
    pub fn parse(text: &str, limits: &Limits) -> Result<Template, SubstError> {
        match parse::parse(text, limits.max_depth) {
            Ok(nodes) => Ok(Template { nodes }),
            Err(e) => Err(match e.failure {
                // Flux's parser can stop inside a character (it steps back by the wrong width
                // once); messages point at the character's start.
                parse::ParseFailure::TooDeep(limit) => SubstError::TooDeep(limit),
                failure => {
                    let mut at = e.at.min(text.len());
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    SubstError::Syntax(snippet(text, at), explain(text, at, failure), e.opened)
                }
            }),
        }
    }

    /// Whether Flux reads the text as it is: no `${`, no `$$` and no NUL (where its scanner
    /// stops), so nothing in it is substituted.
    pub fn is_plain(text: &str) -> bool {
        !(text.contains("${") || text.contains("$$") || text.contains('\0'))
    }

    /// What [`Template::parse`] makes of a [plain](Self::is_plain) text: the text itself,
    /// without scanning it rune by rune.
    pub fn plain(text: &str) -> Option<Template> {
        if !Template::is_plain(text) {
            return None;
        }
        let nodes = if text.is_empty() {
            Vec::new()
        } else {
            vec![Node::Text(text.as_bytes().to_vec())]
        };
        Some(Template { nodes })
    }

    /// Every `${…}` in reading order, nested ones after the one holding them.
    pub fn funcs(&self) -> Vec<&Func> {
        fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a Func>) {
            for n in nodes {
                if let Node::Func(f) = n {
                    out.push(f);
                    walk(&f.args, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, &mut out);
        out
    }

    /// The substituted bytes (an operator can cut a character in two, as Go does).
    pub fn eval(
        &self,
        vars: &BTreeMap<String, String>,
        opts: &Options,
    ) -> Result<Vec<u8>, SubstError> {
        let mut run = eval::Eval {
            vars,
            strict: opts.strict,
            version: opts.version,
            cx: funcs::Context {
                max_output: opts.limits.max_output,
                budget: glob::Budget(opts.limits.max_match_steps),
            },
        };
        let mut out = Vec::new();
        run.nodes(&self.nodes, &mut out)?;
        Ok(out)
    }
}

/// Whether strict mode lets `op` through with its variable unset.
pub fn tolerates_unset(op: &str, version: EnvsubstVersion) -> bool {
    eval::tolerates_unset(op, version)
}

/// `envsubst.Eval`: the substituted bytes of `text`.
pub fn eval(
    text: &str,
    vars: &BTreeMap<String, String>,
    opts: &Options,
) -> Result<Vec<u8>, SubstError> {
    Template::parse(text, &opts.limits)?.eval(vars, opts)
}

/// Substitutes every variable of `text` from `vars` (envsubst v1.7.0, default limits). Bytes that
/// are not UTF-8 (a substring that cuts a character) become U+FFFD; [`eval`] keeps them.
pub fn substitute(
    text: &str,
    vars: &BTreeMap<String, String>,
    strict: bool,
) -> Result<String, SubstError> {
    let out = eval(text, vars, &Options::strict(strict))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The variables Flux would read from a text: name, and whether its operator lets it be unset
/// in strict mode.
pub fn variables(text: &str) -> Result<Vec<(String, bool)>, SubstError> {
    let template = Template::parse(text, &Limits::default())?;
    Ok(template
        .funcs()
        .into_iter()
        .map(|f| {
            (
                f.param.clone(),
                tolerates_unset(&f.op, EnvsubstVersion::V1_7_0),
            )
        })
        .collect())
}

/// The text itself when short, else the part from the `${` holding the problem.
fn snippet(text: &str, at: usize) -> String {
    const SHORT: usize = 120;
    if text.len() <= SHORT {
        return text.to_string();
    }
    let start = text[..at.min(text.len())].rfind("${").unwrap_or(0);
    let mut end = (start + 60).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[start..end])
}

/// Flux's message, where its scanner stopped, and what was probably meant.
fn explain(text: &str, at: usize, failure: parse::ParseFailure) -> String {
    let at = at.min(text.len());
    let stopped = match text.get(at..).and_then(|t| t.chars().next()) {
        Some(c) => format!(" (Flux's parser stopped at {c:?})"),
        None => " (Flux's parser reached the end)".to_string(),
    };
    let opened = text[..at].rfind("${").map(|i| &text[i + 2..]);
    let name_len = opened.map_or(0, |o| {
        o.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(o.len())
    });
    let after_name = opened.and_then(|o| o[name_len..].chars().next());
    let hint = match after_name {
        Some(op @ ('-' | '+' | '?')) => format!(
            "; Flux has no bare \"{op}\" operator: \"${{{}:-…}}\" gives a default",
            &opened.unwrap_or_default()[..name_len]
        ),
        Some(c) if failure == parse::ParseFailure::MissingClosingBrace => {
            format!("; {c:?} cannot follow a variable name, which holds letters, digits and _")
        }
        _ => String::new(),
    };
    format!("{}{stopped}{hint}", failure.flux_message())
}

#[cfg(test)]
mod tests;
