//! The glob matcher behind `${var#p}`, `##`, `%`, `%%` (`envsubst/path/match.go`, a fork of Go's
//! `path.Match` whose `*` and `?` also match `/`): `*`, `?`, `[a-z]` classes negated only by `^`
//! (`[!x]` is a class of `!` and `x`), `\` escapes. Literals compare bytes; `?` and classes take a
//! rune. A malformed pattern is only noticed when matching reaches it, as in Go.
//!
//! Each `*` is matched by trying every later start of the next chunk once, with no backtracking
//! into earlier stars (Go's algorithm): time is polynomial, and every step is counted against a
//! budget so that a huge value cannot stall the caller.

use crate::flux::gostr::{RUNE_ERROR, decode_rune};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchError {
    /// Go's `ErrBadPattern`: the caller leaves the value as it is.
    BadPattern,
    /// vmstack's step budget ran out.
    Budget,
}

/// Steps left before matching gives up.
pub struct Budget(pub u64);

impl Budget {
    fn spend(&mut self, steps: u64) -> Result<(), MatchError> {
        self.0 = self.0.checked_sub(steps).ok_or(MatchError::Budget)?;
        Ok(())
    }
}

enum Chunk<'a> {
    Matched(&'a [u8]),
    NoMatch,
}

/// Whether `name` matches `pattern` whole.
pub fn matches(pattern: &[u8], name: &[u8], budget: &mut Budget) -> Result<bool, MatchError> {
    let mut pattern = pattern;
    let mut name = name;
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(true);
        }
        if let Chunk::Matched(t) = match_chunk(chunk, name, budget)?
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        if star {
            for i in 0..name.len() {
                if let Chunk::Matched(t) = match_chunk(chunk, &name[i + 1..], budget)? {
                    if pattern.is_empty() && !t.is_empty() {
                        continue;
                    }
                    name = t;
                    continue 'chunks;
                }
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// The leading stars, the chunk up to the next star outside a class, and the rest.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let stars = pattern.iter().take_while(|&&b| b == b'*').count();
    let pattern = &pattern[stars..];
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (stars > 0, &pattern[..i], &pattern[i..])
}

fn match_chunk<'a>(
    chunk: &[u8],
    s: &'a [u8],
    budget: &mut Budget,
) -> Result<Chunk<'a>, MatchError> {
    let mut chunk = chunk;
    let mut s = s;
    while let Some(&c) = chunk.first() {
        budget.spend(1)?;
        if s.is_empty() {
            return Ok(Chunk::NoMatch);
        }
        match c {
            b'[' => {
                let (r, n) = decode_rune(s);
                s = &s[n..];
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut found = false;
                let mut ranges = 0;
                loop {
                    budget.spend(1)?;
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = class_char(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = class_char(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    found |= lo <= r && r <= hi;
                    ranges += 1;
                }
                if found == negated {
                    return Ok(Chunk::NoMatch);
                }
            }
            b'?' => {
                let (_, n) = decode_rune(s);
                s = &s[n..];
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(MatchError::BadPattern);
                    }
                }
                if chunk[0] != s[0] {
                    return Ok(Chunk::NoMatch);
                }
                s = &s[1..];
                chunk = &chunk[1..];
            }
        }
    }
    Ok(Chunk::Matched(s))
}

/// One possibly escaped character of a class, and the rest of the class, which must go on.
fn class_char(chunk: &[u8]) -> Result<(u32, &[u8]), MatchError> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(MatchError::BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(MatchError::BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    let rest = &chunk[n..];
    if (r == RUNE_ERROR && n == 1) || rest.is_empty() {
        return Err(MatchError::BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, t: &str) -> Result<bool, MatchError> {
        matches(p.as_bytes(), t.as_bytes(), &mut Budget(1_000_000))
    }

    #[test]
    fn globs() {
        assert_eq!(m("*.", "bash."), Ok(true));
        assert_eq!(m("*/", "path/to/"), Ok(true), "a star crosses slashes");
        assert_eq!(m("?a*", "bash"), Ok(true));
        assert_eq!(m("[a-c]x", "bx"), Ok(true));
        assert_eq!(m("[^a-c]x", "bx"), Ok(false));
        assert_eq!(
            m("[!a-c]x", "!x"),
            Ok(true),
            "! is a member, not a negation"
        );
        assert_eq!(m("\\*", "*"), Ok(true));
        assert_eq!(m("\\*", "a"), Ok(false));
        assert_eq!(m("[ab", "a"), Err(MatchError::BadPattern));
        assert_eq!(m("x[ab", "a"), Ok(false), "the bad class is never reached");
    }

    #[test]
    fn many_stars_take_polynomial_time() {
        let value = "a".repeat(40);
        let pattern = format!("{}b", "*a".repeat(12));
        let mut budget = Budget(10_000_000);
        assert_eq!(
            matches(pattern.as_bytes(), value.as_bytes(), &mut budget),
            Ok(false)
        );
        assert!(budget.0 > 9_000_000, "spent {}", 10_000_000 - budget.0);
    }

    #[test]
    fn the_budget_stops_matching() {
        let value = "a".repeat(5000);
        assert_eq!(
            matches(b"*a*b", value.as_bytes(), &mut Budget(1000)),
            Err(MatchError::Budget)
        );
    }
}
