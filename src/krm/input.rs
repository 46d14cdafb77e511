//! Reading the raw input: at most a set number of bytes, and only as UTF-8 text, the one
//! encoding the KRM hosts write.

use std::io::Read;

use super::limits::Limits;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(
        "the input is larger than {limit} bytes (the input size limit): vmstack stopped reading"
    )]
    TooLarge { limit: usize },
    #[error("the input is {0}, not UTF-8: KRM hosts write UTF-8 YAML")]
    Encoding(&'static str),
    #[error("the input is not UTF-8 text: invalid byte sequence at byte {offset}")]
    InvalidUtf8 { offset: usize },
    #[error("reading the input failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What an input of a package's size fits in (the seed re-render is 96 kB).
const RESERVED_FOR_INPUT: usize = 1 << 20;

/// Reads everything `reader` gives, up to `limits.input_bytes`: one byte more is an error, so
/// an endless input (`/dev/zero`) stops there instead of growing to all memory.
pub fn read_limited(reader: impl Read, limits: &Limits) -> Result<Vec<u8>, InputError> {
    // Room reserved up front is only address space until the read writes it; grown from
    // empty, the buffer would be copied four times into fresh pages on a seed input.
    let mut bytes = Vec::with_capacity(RESERVED_FOR_INPUT.min(limits.input_bytes));
    let cap = u64::try_from(limits.input_bytes).unwrap_or(u64::MAX);
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() > limits.input_bytes {
        return Err(InputError::TooLarge {
            limit: limits.input_bytes,
        });
    }
    Ok(bytes)
}

/// The input as text. A UTF-8 byte order mark is dropped; the marks of UTF-16 and UTF-32 are
/// refused by name, since such input would otherwise read as garbage.
pub fn decode(bytes: Vec<u8>) -> Result<String, InputError> {
    let boms: [(&[u8], &str); 4] = [
        (
            &[0x00, 0x00, 0xFE, 0xFF],
            "UTF-32 (big-endian, with a byte order mark)",
        ),
        (
            &[0xFF, 0xFE, 0x00, 0x00],
            "UTF-32 (little-endian, with a byte order mark)",
        ),
        (&[0xFE, 0xFF], "UTF-16 (big-endian, with a byte order mark)"),
        (
            &[0xFF, 0xFE],
            "UTF-16 (little-endian, with a byte order mark)",
        ),
    ];
    if let Some((_, name)) = boms.iter().find(|(bom, _)| bytes.starts_with(bom)) {
        return Err(InputError::Encoding(name));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| InputError::InvalidUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(n: usize) -> Limits {
        Limits {
            input_bytes: n,
            ..Limits::default()
        }
    }

    #[test]
    fn an_endless_input_stops_at_the_limit() {
        let endless = std::io::repeat(b'a');
        let err = read_limited(endless, &small(1 << 20)).unwrap_err();
        assert!(matches!(err, InputError::TooLarge { limit } if limit == 1 << 20));
    }

    #[test]
    fn an_input_at_the_limit_is_read_whole() {
        let bytes = read_limited(&b"abcd"[..], &small(4)).unwrap();
        assert_eq!(bytes, b"abcd");
        assert!(read_limited(&b"abcde"[..], &small(4)).is_err());
    }

    #[test]
    fn other_encodings_are_named() {
        let utf16 = [0xFF, 0xFE, b'a', 0];
        let err = decode(utf16.to_vec()).unwrap_err();
        assert!(matches!(err, InputError::Encoding(_)), "{err}");
        assert!(err.to_string().contains("UTF-16"), "{err}");
        let err = decode(vec![b'a', b':', b' ', 0xC3, 0x28]).unwrap_err();
        assert!(err.to_string().contains("at byte 3"), "{err}");
    }

    #[test]
    fn a_utf8_byte_order_mark_is_dropped() {
        assert_eq!(decode("\u{feff}a: 1\n".into()).unwrap(), "a: 1\n");
    }
}
