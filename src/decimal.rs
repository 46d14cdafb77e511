//! Whole numbers written in decimal without the formatting machinery, for text built once per
//! item or scalar (the output writer's integers, the ownership fingerprint's lengths), where
//! `write!` cost more than the rest of the work.

/// Appends `n` in decimal, after a `-` when `negative`.
pub(crate) fn push_decimal(out: &mut String, mut n: u64, negative: bool) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    for &b in &buf[at..] {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

    #[test]
    fn writes_what_display_writes() {
        for (n, negative) in [
            (0, false),
            (7, false),
            (10, true),
            (u64::MAX, false),
            (305, true),
        ] {
            let mut out = String::from("x");
            push_decimal(&mut out, n, negative);
            let sign = if negative { "-" } else { "" };
            assert_eq!(out, format!("x{sign}{n}"));
        }
    }
}
