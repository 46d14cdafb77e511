//! Running a parsed text (`envsubst/template.go`): arguments first (so a default's own variables
//! are read even when the default is not used), then the variable, then the operator.

use std::collections::BTreeMap;

use super::funcs::{self, Context, FuncError};
use super::parse::{Func, Node};
use super::{EnvsubstVersion, SubstError};

pub struct Eval<'a> {
    pub vars: &'a BTreeMap<String, String>,
    pub strict: bool,
    pub version: EnvsubstVersion,
    pub cx: Context,
}

/// Operators that supply a value for an unset variable, so strict mode lets them through
/// (`isDefaultOp`). Bare `-`, `+` and `?` cannot be parsed, but Flux lists them.
pub fn tolerates_unset(op: &str, version: EnvsubstVersion) -> bool {
    match version {
        EnvsubstVersion::V1_7_0 => {
            matches!(op, "-" | "+" | "=" | "?" | ":-" | ":+" | ":=" | ":?")
        }
        // v1.5.0 only failed on a bare `${var}`.
        EnvsubstVersion::V1_5_0 => !op.is_empty(),
    }
}

impl Eval<'_> {
    pub fn nodes(&mut self, nodes: &[Node], out: &mut Vec<u8>) -> Result<(), SubstError> {
        for n in nodes {
            match n {
                Node::Text(t) => out.extend_from_slice(t),
                Node::Func(f) => {
                    let v = self.func(f)?;
                    out.extend_from_slice(&v);
                }
            }
            if out.len() > self.cx.max_output {
                return Err(SubstError::TooLarge(self.cx.max_output));
            }
        }
        Ok(())
    }

    fn func(&mut self, f: &Func) -> Result<Vec<u8>, SubstError> {
        let mut args = Vec::with_capacity(f.args.len());
        for a in &f.args {
            args.push(match a {
                Node::Text(t) => t.clone(),
                Node::Func(g) => self.func(g)?,
            });
        }
        let value = match (self.vars.get(&f.param), self.strict) {
            (Some(v), _) => v.as_bytes(),
            (None, false) => b"",
            (None, true) if tolerates_unset(&f.op, self.version) => b"",
            (None, true) => return Err(SubstError::Unset(f.param.clone())),
        };
        funcs::apply(&f.op, value, &args, &mut self.cx).map_err(|e| match e {
            FuncError::Panic(message) => SubstError::Panic(message),
            FuncError::TooLarge => SubstError::TooLarge(self.cx.max_output),
            FuncError::TooCostly => SubstError::TooCostly,
        })
    }
}
