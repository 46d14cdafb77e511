//! Flux's postBuild variable substitution, rule for rule.
//!
//! Written here rather than taken from a crate: the `envsubst`-style crates implement shell
//! subsets with other semantics (a default only for unset variables, no `$${` escape, no
//! strict mode), and the point of this module is to give exactly Flux's answer. The rules follow
//! Flux's documentation and the behaviour of its `envsubst` fork:
//! - `${var}`; `${#var}` (length in bytes); `${var:pos}`, `${var:pos:len}` (negative counts from
//!   the end); `${var^}`, `${var^^}`, `${var,}`, `${var,,}`; `${var/p/r}`, `${var//p/r}`,
//!   `${var/#p/r}`, `${var/%p/r}`; `${var#glob}`, `${var##glob}`, `${var%glob}`, `${var%%glob}`;
//! - defaults `${var=d}`, `${var:=d}`, `${var:-d}`, `${var-d}`: the default replaces an unset
//!   **or empty** value (Flux does not tell the two apart), and may hold variables itself;
//! - `${var+x}`, `${var:+x}`, `${var?x}`, `${var:?x}` are not supported and are errors;
//! - `$${` is a literal `${` (every `$$` is a literal `$`);
//! - strict mode: an unset variable is an error unless a default operator covers it; otherwise
//!   it becomes the empty string.

use std::collections::BTreeMap;

use super::glob;

/// Flux's rule for variable names (`^[_[:alpha:]][_[:alpha:][:digit:]]*$`): settings keys must
/// follow it, so a reference to any other name can never be defined.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Var {
        name: String,
        op: Op,
        args: Vec<Vec<Node>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Plain,
    Length,
    Default,
    Substring,
    UpperFirst,
    UpperAll,
    LowerFirst,
    LowerAll,
    ReplaceFirst,
    ReplaceAll,
    ReplacePrefix,
    ReplaceSuffix,
    TrimShortestPrefix,
    TrimLongestPrefix,
    TrimShortestSuffix,
    TrimLongestSuffix,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubstError {
    #[error("bad substitution in {0:?}: {1}")]
    Syntax(String, String),
    #[error("variable not set (strict mode): {0:?}")]
    Unset(String),
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn fail<T>(&self, why: &str) -> Result<T, SubstError> {
        Err(SubstError::Syntax(self.text.to_string(), why.to_string()))
    }

    fn top(&mut self) -> Result<Vec<Node>, SubstError> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            match (c, self.peek_at(1)) {
                ('$', Some('$')) => {
                    text.push('$');
                    self.pos += 2;
                }
                ('$', Some('{')) => {
                    self.pos += 2;
                    if !text.is_empty() {
                        nodes.push(Node::Text(std::mem::take(&mut text)));
                    }
                    nodes.push(self.function()?);
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        if !text.is_empty() {
            nodes.push(Node::Text(text));
        }
        Ok(nodes)
    }

    /// Text and nested `${…}` up to (not including) a character `stop` accepts. With
    /// `escapes`, `\/`, `\\` and `$$` stand for `/`, `\` and `$`.
    fn param(
        &mut self,
        stop: &dyn Fn(char) -> bool,
        escapes: bool,
    ) -> Result<Vec<Node>, SubstError> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.fail("missing closing brace");
            };
            if c == '$' && self.peek_at(1) == Some('{') {
                self.pos += 2;
                if !text.is_empty() {
                    nodes.push(Node::Text(std::mem::take(&mut text)));
                }
                nodes.push(self.function()?);
                continue;
            }
            if escapes {
                match (c, self.peek_at(1)) {
                    ('\\', Some(e @ ('/' | '\\'))) | ('$', Some(e @ '$')) => {
                        text.push(e);
                        self.pos += 2;
                        continue;
                    }
                    _ => {}
                }
            }
            if stop(c) {
                break;
            }
            text.push(c);
            self.pos += 1;
        }
        if !text.is_empty() {
            nodes.push(Node::Text(text));
        }
        Ok(nodes)
    }

    fn close(&mut self) -> Result<(), SubstError> {
        if self.peek() == Some('}') {
            self.pos += 1;
            Ok(())
        } else {
            self.fail("missing closing brace")
        }
    }

    /// After `${`.
    fn function(&mut self) -> Result<Node, SubstError> {
        if self.peek() == Some('#') {
            self.pos += 1;
            let name = self.ident();
            if name.is_empty() {
                return self.fail("unable to parse variable name");
            }
            self.close()?;
            return Ok(Node::Var {
                name,
                op: Op::Length,
                args: vec![],
            });
        }
        let name = self.ident();
        if name.is_empty() {
            return self.fail("unable to parse variable name");
        }
        let var = |op, args| {
            Ok(Node::Var {
                name: name.clone(),
                op,
                args,
            })
        };
        match self.peek() {
            Some('}') => {
                self.pos += 1;
                var(Op::Plain, vec![])
            }
            Some(':') => match self.peek_at(1) {
                Some('=' | '-') => {
                    self.pos += 2;
                    let args = self.defaults()?;
                    var(Op::Default, args)
                }
                Some(op @ ('+' | '?')) => self.fail(&format!("Flux does not support the \":{op}\" operator")),
                _ => {
                    self.pos += 1;
                    let pos = self.param(&|c| c == ':' || c == '}', false)?;
                    let mut args = vec![pos];
                    if self.peek() == Some(':') {
                        self.pos += 1;
                        args.push(self.param(&|c| c == '}', false)?);
                    }
                    self.close()?;
                    var(Op::Substring, args)
                }
            },
            Some('=' | '-') => {
                self.pos += 1;
                let args = self.defaults()?;
                var(Op::Default, args)
            }
            Some(op @ ('+' | '?')) => self.fail(&format!("Flux does not support the \"{op}\" operator")),
            Some(c @ (',' | '^')) => {
                self.pos += 1;
                let doubled = self.peek() == Some(c);
                if doubled {
                    self.pos += 1;
                }
                self.close()?;
                var(
                    match (c, doubled) {
                        ('^', false) => Op::UpperFirst,
                        ('^', true) => Op::UpperAll,
                        (_, false) => Op::LowerFirst,
                        (_, true) => Op::LowerAll,
                    },
                    vec![],
                )
            }
            Some('/') => {
                self.pos += 1;
                let op = match self.peek() {
                    Some('/') => Op::ReplaceAll,
                    Some('#') => Op::ReplacePrefix,
                    Some('%') => Op::ReplaceSuffix,
                    _ => Op::ReplaceFirst,
                };
                if op != Op::ReplaceFirst {
                    self.pos += 1;
                }
                let pattern = self.param(&|c| c == '/', true)?;
                if self.peek() != Some('/') {
                    return self.fail("a replacement needs ${var/pattern/string}");
                }
                self.pos += 1;
                let mut args = vec![pattern];
                if self.peek() != Some('}') {
                    args.push(self.param(&|c| c == '}', true)?);
                }
                self.close()?;
                var(op, args)
            }
            Some(c @ ('#' | '%')) => {
                self.pos += 1;
                let longest = self.peek() == Some(c);
                if longest {
                    self.pos += 1;
                }
                let pattern = self.param(&|c| c == '}', false)?;
                self.close()?;
                let op = match (c, longest) {
                    ('#', false) => Op::TrimShortestPrefix,
                    ('#', true) => Op::TrimLongestPrefix,
                    (_, false) => Op::TrimShortestSuffix,
                    (_, true) => Op::TrimLongestSuffix,
                };
                var(op, vec![pattern])
            }
            Some(c) => self.fail(&format!(
                "{c:?} cannot follow the variable name {name:?}: a name holds letters, digits and _, \
                 and ends with }} or an operator"
            )),
            None => self.fail("missing closing brace"),
        }
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_ident) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn defaults(&mut self) -> Result<Vec<Vec<Node>>, SubstError> {
        let arg = self.param(&|c| c == '}', false)?;
        self.close()?;
        Ok(vec![arg])
    }
}

fn parse(text: &str) -> Result<Vec<Node>, SubstError> {
    Parser {
        text,
        chars: text.chars().collect(),
        pos: 0,
    }
    .top()
}

/// The variables Flux would read from a text: name, and whether a default operator covers it
/// being unset.
pub fn variables(text: &str) -> Result<Vec<(String, bool)>, SubstError> {
    fn walk(nodes: &[Node], out: &mut Vec<(String, bool)>) {
        for n in nodes {
            if let Node::Var { name, op, args } = n {
                out.push((name.clone(), *op == Op::Default));
                for a in args {
                    walk(a, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&parse(text)?, &mut out);
    Ok(out)
}

struct Eval<'a> {
    vars: &'a BTreeMap<String, String>,
    strict: bool,
}

impl Eval<'_> {
    fn nodes(&self, nodes: &[Node]) -> Result<String, SubstError> {
        let mut out = String::new();
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Var { name, op, args } => out.push_str(&self.var(name, *op, args)?),
            }
        }
        Ok(out)
    }

    fn var(&self, name: &str, op: Op, args: &[Vec<Node>]) -> Result<String, SubstError> {
        let args: Vec<String> = args
            .iter()
            .map(|a| self.nodes(a))
            .collect::<Result<_, _>>()?;
        let value = match self.vars.get(name) {
            Some(v) => v.as_str(),
            None if self.strict && op != Op::Default => return Err(SubstError::Unset(name.into())),
            None => "",
        };
        Ok(apply(op, value, &args))
    }
}

fn first_char(s: &str, f: impl Fn(char) -> String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => f(c) + chars.as_str(),
        None => String::new(),
    }
}

fn substring(s: &str, args: &[String]) -> String {
    let Ok(mut pos) = args[0].parse::<i64>() else {
        return s.to_string();
    };
    let len = s.len() as i64;
    if pos < 0 {
        pos = (len + pos).max(0);
    }
    let at = |i: i64| s.get(i as usize..).map(|_| i as usize);
    let Some(start) = at(pos.min(len)) else {
        return s.to_string();
    };
    let Some(length) = args.get(1) else {
        return s[start..].to_string();
    };
    let Ok(length) = length.parse::<i64>() else {
        return s.to_string();
    };
    let end = if length < 0 {
        let end = len + length;
        if end < pos {
            return String::new();
        }
        end
    } else {
        (pos + length).min(len)
    };
    s.get(start..end as usize).unwrap_or_default().to_string()
}

/// Candidate prefixes, longest first, the empty one excluded (as Flux tries them).
fn prefixes(s: &str) -> Vec<&str> {
    let mut ends: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
    ends.push(s.len());
    ends.into_iter().rev().map(|e| &s[..e]).collect()
}

fn trim_prefix(s: &str, pattern: &str, longest: bool) -> String {
    let candidates = prefixes(s);
    let hit = if longest {
        candidates.iter().find(|p| glob::matches(pattern, p))
    } else {
        candidates.iter().rev().find(|p| glob::matches(pattern, p))
    };
    match hit {
        Some(p) => s[p.len()..].to_string(),
        None => s.to_string(),
    }
}

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

fn apply(op: Op, v: &str, args: &[String]) -> String {
    let arg = |i: usize| args.get(i).map(String::as_str);
    match op {
        Op::Plain => v.to_string(),
        Op::Length => v.len().to_string(),
        Op::Default => {
            if v.is_empty() {
                args.concat()
            } else {
                v.to_string()
            }
        }
        Op::Substring => substring(v, args),
        Op::UpperFirst => first_char(v, |c| c.to_uppercase().collect()),
        Op::UpperAll => v.to_uppercase(),
        Op::LowerFirst => first_char(v, |c| c.to_lowercase().collect()),
        Op::LowerAll => v.to_lowercase(),
        Op::ReplaceFirst => v.replacen(arg(0).unwrap_or(""), arg(1).unwrap_or(""), 1),
        Op::ReplaceAll => match arg(0) {
            None => v.to_string(),
            Some(p) => v.replace(p, arg(1).unwrap_or("")),
        },
        Op::ReplacePrefix => match (arg(0), arg(1)) {
            (Some(p), Some(r)) if v.starts_with(p) => v.replacen(p, r, 1),
            _ => v.to_string(),
        },
        Op::ReplaceSuffix => match (arg(0), arg(1)) {
            (Some(p), Some(r)) if v.ends_with(p) => format!("{}{r}", &v[..v.len() - p.len()]),
            _ => v.to_string(),
        },
        Op::TrimShortestPrefix => trim_prefix(v, arg(0).unwrap_or(""), false),
        Op::TrimLongestPrefix => trim_prefix(v, arg(0).unwrap_or(""), true),
        // Flux matches suffixes by reversing the value and the pattern.
        Op::TrimShortestSuffix => reversed(&trim_prefix(
            &reversed(v),
            &reversed(arg(0).unwrap_or("")),
            false,
        )),
        Op::TrimLongestSuffix => reversed(&trim_prefix(
            &reversed(v),
            &reversed(arg(0).unwrap_or("")),
            true,
        )),
    }
}

/// Substitutes every variable of `text` from `vars`.
pub fn substitute(
    text: &str,
    vars: &BTreeMap<String, String>,
    strict: bool,
) -> Result<String, SubstError> {
    Eval { vars, strict }.nodes(&parse(text)?)
}

#[cfg(test)]
mod tests;
