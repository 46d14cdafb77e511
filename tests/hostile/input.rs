//! A case's stdin: the bytes of its `input` file, or, for inputs too large to keep in the
//! repository, the bytes its `input.gen` describes (format in tests/fixtures/hostile/README.md).

use std::path::Path;

/// What to write to the process's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stdin {
    pub bytes: Vec<u8>,
    /// Written again and again after `bytes` until the process stops reading.
    pub endless: Option<Vec<u8>>,
}

fn text_argument(line: &str, rest: &str) -> Result<Vec<u8>, String> {
    let s: String = serde_json::from_str(rest.trim())
        .map_err(|e| format!("{line}: the text is a JSON string ({e})"))?;
    // `\u00XX` above 0x7f in a JSON string is a character; `bytes` gives raw bytes instead.
    Ok(s.into_bytes())
}

fn bytes_argument(line: &str, rest: &str) -> Result<Vec<u8>, String> {
    rest.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).map_err(|_| format!("{line}: {b} is not a hex byte")))
        .collect()
}

/// Reads an `input.gen` description.
pub fn generate(text: &str) -> Result<Stdin, String> {
    let mut out = Stdin {
        bytes: Vec::new(),
        endless: None,
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if out.endless.is_some() {
            return Err(format!("{line}: nothing can follow `endless`"));
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "text" => out.bytes.extend(text_argument(line, rest)?),
            "bytes" => out.bytes.extend(bytes_argument(line, rest)?),
            "repeat" => {
                let (count, rest) = rest
                    .trim()
                    .split_once(' ')
                    .ok_or_else(|| format!("{line}: want `repeat N \"text\"`"))?;
                let count: usize = count
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("{line}: {count} is not a count"))?;
                let template = String::from_utf8(text_argument(line, rest)?).unwrap();
                for i in 0..count {
                    out.bytes
                        .extend(template.replace("{i}", &i.to_string()).into_bytes());
                }
            }
            "endless" => out.endless = Some(text_argument(line, rest)?),
            other => return Err(format!("{line}: unknown word {other:?}")),
        }
    }
    Ok(out)
}

/// The stdin of the case in `dir`.
pub fn of_case(dir: &Path) -> Result<Stdin, String> {
    let raw = dir.join("input");
    let described = dir.join("input.gen");
    match (raw.exists(), described.exists()) {
        (true, false) => Ok(Stdin {
            bytes: std::fs::read(&raw).map_err(|e| e.to_string())?,
            endless: None,
        }),
        (false, true) => generate(&std::fs::read_to_string(&described).map_err(|e| e.to_string())?),
        (true, true) => Err("both `input` and `input.gen`: keep one".into()),
        (false, false) => Err("`run: stdin` needs an `input` or `input.gen` file".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_adds_its_bytes() {
        let g = generate(
            "# a comment\ntext \"items:\\n\"\nrepeat 3 \"- n{i}\\n\"\nbytes ff fe 00\nendless \"\\u0000\"\n",
        )
        .unwrap();
        assert_eq!(g.bytes, b"items:\n- n0\n- n1\n- n2\n\xff\xfe\x00");
        assert_eq!(g.endless.as_deref(), Some(&b"\0"[..]));
        assert!(generate("endless \"a\"\ntext \"b\"\n").is_err());
        assert!(generate("repeat x \"a\"\n").is_err());
        assert!(generate("bytes zz\n").is_err());
        assert!(generate("copy file\n").is_err());
    }
}
