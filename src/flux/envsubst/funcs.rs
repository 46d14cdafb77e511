//! What each operator does to a value (`envsubst/funcs.go`), on bytes as Go does: lengths,
//! offsets and prefixes count bytes, and an operator that decodes runes turns a stray byte into
//! U+FFFD.

use super::glob::{self, Budget, MatchError};
use crate::flux::gostr;

/// Why an operator could not give a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FuncError {
    /// A Go runtime panic, with Go's message.
    Panic(String),
    /// The result would pass the output limit.
    TooLarge,
    /// Pattern matching ran out of steps.
    TooCostly,
}

pub struct Context {
    pub max_output: usize,
    pub budget: Budget,
}

/// Applies the operator Flux names `op` (with `args` already evaluated) to `v`.
pub fn apply(op: &str, v: &[u8], args: &[Vec<u8>], cx: &mut Context) -> Result<Vec<u8>, FuncError> {
    let arg = |i: usize| args.get(i).map(Vec::as_slice);
    Ok(match op {
        "," => first_rune(v, gostr::to_lower),
        ",," => gostr::map_case(v, gostr::to_lower),
        "^" => first_rune(v, gostr::to_upper),
        "^^" => gostr::map_case(v, gostr::to_upper),
        "#" if args.is_empty() => v.len().to_string().into_bytes(),
        "#" => trim(v, arg(0), false, cx)?,
        "##" => trim(v, arg(0), true, cx)?,
        "%" => trim_suffix(v, arg(0), false, cx)?,
        "%%" => trim_suffix(v, arg(0), true, cx)?,
        ":" => substring(v, args)?,
        "/#" => match (arg(0), arg(1)) {
            (Some(p), Some(r)) if v.starts_with(p) => replace(v, p, r, Some(1), cx)?,
            _ => v.to_vec(),
        },
        "/%" => match (arg(0), arg(1)) {
            (Some(p), Some(r)) if v.ends_with(p) => {
                let mut out = v[..v.len() - p.len()].to_vec();
                out.extend_from_slice(r);
                out
            }
            _ => v.to_vec(),
        },
        "/" => match arg(0) {
            Some(p) => replace(v, p, arg(1).unwrap_or_default(), Some(1), cx)?,
            None => v.to_vec(),
        },
        "//" => match arg(0) {
            Some(p) => replace(v, p, arg(1).unwrap_or_default(), None, cx)?,
            None => v.to_vec(),
        },
        // Every other name, the default operators among them, is "the value, or the arguments
        // joined when the value is empty".
        _ if v.is_empty() && !args.is_empty() => {
            let total: usize = args.iter().map(Vec::len).sum();
            if total > cx.max_output {
                return Err(FuncError::TooLarge);
            }
            args.concat()
        }
        _ => v.to_vec(),
    })
}

fn first_rune(v: &[u8], f: fn(u32) -> u32) -> Vec<u8> {
    if v.is_empty() {
        return Vec::new();
    }
    let (r, n) = gostr::decode_rune(v);
    let mut out = Vec::with_capacity(v.len() + 3);
    gostr::push_rune(&mut out, f(r));
    out.extend_from_slice(&v[n..]);
    out
}

/// Go's `strconv.Atoi`.
fn atoi(b: &[u8]) -> Option<i64> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `${v:pos}` and `${v:pos:len}`. Go slices the string, so a negative length panics unless the
/// offset is already past the end.
fn substring(v: &[u8], args: &[Vec<u8>]) -> Result<Vec<u8>, FuncError> {
    let Some(pos) = args.first().and_then(|a| atoi(a)) else {
        return Ok(v.to_vec());
    };
    let len = v.len() as i64;
    let pos = if pos < 0 { (len + pos).max(0) } else { pos };
    let rest = |pos: i64| {
        if pos < len {
            v[pos as usize..].to_vec()
        } else {
            Vec::new()
        }
    };
    let Some(length) = args.get(1) else {
        return Ok(rest(pos));
    };
    let Some(length) = atoi(length) else {
        return Ok(v.to_vec());
    };
    let end = pos.wrapping_add(length);
    if end >= len {
        return Ok(rest(pos));
    }
    if end < 0 {
        return Err(FuncError::Panic(format!(
            "runtime error: slice bounds out of range [:{end}]"
        )));
    }
    if pos > end {
        return Err(FuncError::Panic(format!(
            "runtime error: slice bounds out of range [{pos}:{end}]"
        )));
    }
    Ok(v[pos as usize..end as usize].to_vec())
}

fn reverse(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len());
    for r in gostr::runes(v).into_iter().rev() {
        gostr::push_rune(&mut out, r);
    }
    out
}

/// Removes the shortest or longest prefix matching the glob. Flux tries the non-empty byte
/// prefixes from the longest down; a bad pattern leaves the value as it is.
fn trim(
    v: &[u8],
    pattern: Option<&[u8]>,
    longest: bool,
    cx: &mut Context,
) -> Result<Vec<u8>, FuncError> {
    let Some(pattern) = pattern else {
        return Ok(v.to_vec());
    };
    let mut hit = None;
    for end in (1..=v.len()).rev() {
        match glob::matches(pattern, &v[..end], &mut cx.budget) {
            Ok(true) => {
                hit = Some(end);
                if longest {
                    break;
                }
            }
            Ok(false) => {}
            Err(MatchError::BadPattern) => return Ok(v.to_vec()),
            Err(MatchError::Budget) => return Err(FuncError::TooCostly),
        }
    }
    Ok(match hit {
        Some(end) => v[end..].to_vec(),
        None => v.to_vec(),
    })
}

/// The suffix forms reverse the value and the pattern (rune by rune) and trim a prefix.
fn trim_suffix(
    v: &[u8],
    pattern: Option<&[u8]>,
    longest: bool,
    cx: &mut Context,
) -> Result<Vec<u8>, FuncError> {
    let Some(pattern) = pattern else {
        return Ok(v.to_vec());
    };
    let trimmed = trim(&reverse(v), Some(&reverse(pattern)), longest, cx)?;
    Ok(reverse(&trimmed))
}

/// Start offsets of the leftmost non-overlapping occurrences of a non-empty `p` (Knuth-Morris-
/// Pratt, so a long pattern costs linear time), at most `limit` of them.
fn occurrences(s: &[u8], p: &[u8], limit: Option<usize>) -> Vec<usize> {
    let mut fail = vec![0usize; p.len()];
    let mut k = 0;
    for i in 1..p.len() {
        while k > 0 && p[i] != p[k] {
            k = fail[k - 1];
        }
        if p[i] == p[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut found = Vec::new();
    let mut k = 0;
    for (i, &b) in s.iter().enumerate() {
        if limit.is_some_and(|l| found.len() >= l) {
            break;
        }
        while k > 0 && b != p[k] {
            k = fail[k - 1];
        }
        if b == p[k] {
            k += 1;
        }
        if k == p.len() {
            found.push(i + 1 - p.len());
            k = 0;
        }
    }
    found
}

/// Go's `strings.Replace`; an empty pattern matches before every rune and at the end.
fn replace(
    s: &[u8],
    old: &[u8],
    new: &[u8],
    n: Option<usize>,
    cx: &Context,
) -> Result<Vec<u8>, FuncError> {
    if old == new || n == Some(0) {
        return Ok(s.to_vec());
    }
    let at: Vec<usize> = if old.is_empty() {
        let mut at = vec![0];
        let mut i = 0;
        while i < s.len() && n.is_none_or(|n| at.len() < n) {
            i += gostr::decode_rune(&s[i..]).1;
            at.push(i);
        }
        at
    } else {
        occurrences(s, old, n)
    };
    let size = (s.len() - at.len() * old.len()) as u128 + at.len() as u128 * new.len() as u128;
    if size > cx.max_output as u128 {
        return Err(FuncError::TooLarge);
    }
    let mut out = Vec::with_capacity(size as usize);
    let mut from = 0;
    for &i in &at {
        out.extend_from_slice(&s[from..i]);
        out.extend_from_slice(new);
        from = i + old.len();
    }
    out.extend_from_slice(&s[from..]);
    Ok(out)
}
