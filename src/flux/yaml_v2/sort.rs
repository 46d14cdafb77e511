//! go-yaml v2's map key order (`sorter.go`): not byte order but a "natural" one, where a run of
//! digits compares by its value (`a2` before `a10`) and a letter sorts after a non-letter.

use std::cmp::Ordering;

use crate::flux::gostr::{is_digit, is_letter, runes};

fn less(a: &[u32], b: &[u32]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let (al, bl) = (is_letter(a[i]), is_letter(b[i]));
        if al && bl {
            return a[i] < b[i];
        }
        if al || bl {
            return bl;
        }
        let zero = u32::from('0');
        let (mut an, mut bn) = (0i64, 0i64);
        if a[i] == zero || b[i] == zero {
            // A zero after a non-zero digit is part of a number, not a leading zero.
            let earlier = a[..i].iter().rev().take_while(|&&r| is_digit(r));
            if earlier.into_iter().any(|&r| r != zero) {
                an = 1;
                bn = 1;
            }
        }
        let value = |s: &[u32], n: &mut i64| {
            let mut j = i;
            while j < s.len() && is_digit(s[j]) {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(s[j]) - i64::from(zero));
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
        return a[i] < b[i];
    }
    a.len() < b.len()
}

/// The order of two string keys.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ra, rb) = (runes(a.as_bytes()), runes(b.as_bytes()));
    if less(&ra, &rb) {
        Ordering::Less
    } else if less(&rb, &ra) {
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
