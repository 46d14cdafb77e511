//! go-yaml v2's map key order (`sorter.go`): not byte order but a "natural" one, where a run of
//! digits compares by its value (`a2` before `a10`) and a letter sorts after a non-letter.

use std::cmp::Ordering;

use crate::flux::gostr::{is_digit, is_letter, runes};

/// `keyList.Less` on two keys' runes (ASCII bytes are their own runes).
fn less<R: Copy + Into<u32>>(a: &[R], b: &[R]) -> bool {
    let rune = |s: &[R], i: usize| -> u32 { s[i].into() };
    for i in 0..a.len().min(b.len()) {
        let (ar, br) = (rune(a, i), rune(b, i));
        if ar == br {
            continue;
        }
        let (al, bl) = (is_letter(ar), is_letter(br));
        if al && bl {
            return ar < br;
        }
        if al || bl {
            return bl;
        }
        let zero = u32::from('0');
        let (mut an, mut bn) = (0i64, 0i64);
        if ar == zero || br == zero {
            // A zero after a non-zero digit is part of a number, not a leading zero.
            let earlier = (0..i)
                .rev()
                .map(|j| rune(a, j))
                .take_while(|&r| is_digit(r));
            if earlier.into_iter().any(|r| r != zero) {
                an = 1;
                bn = 1;
            }
        }
        let value = |s: &[R], n: &mut i64| {
            let mut j = i;
            while j < s.len() && is_digit(rune(s, j)) {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(rune(s, j)) - i64::from(zero));
                j += 1;
            }
            j
        };
        let ai = value(a, &mut an);
        let bi = value(b, &mut bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar < br;
    }
    a.len() < b.len()
}

/// The order of two string keys.
pub fn compare(a: &str, b: &str) -> Ordering {
    // An ASCII byte is its own rune: no need to decode.
    if a.is_ascii() && b.is_ascii() {
        return order(a.as_bytes(), b.as_bytes());
    }
    order(&runes(a.as_bytes()), &runes(b.as_bytes()))
}

fn order<R: Copy + Into<u32>>(ra: &[R], rb: &[R]) -> Ordering {
    if less(ra, rb) {
        Ordering::Less
    } else if less(rb, ra) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}
#[cfg(test)]
mod tests {
    use super::compare;
    use std::cmp::Ordering::*;

    #[test]
    fn natural_order() {
        assert_eq!(compare("a2", "a10"), Less);
        assert_eq!(compare("apiVersion", "data"), Less);
        assert_eq!(compare("Z", "a"), Less);
        assert_eq!(compare("a-b", "ab"), Less, "a non-letter before a letter");
        assert_eq!(compare("a1", "a01"), Less);
        assert_eq!(compare("x", "x"), Equal);
    }
}
