//! The two YAML conversions around Flux's substitution, as sigs.k8s.io/yaml does them with
//! go-yaml v2 (YAML 1.1): [`emit`] writes an object's JSON as the text that envsubst sees
//! (`JSONToYAML`), [`read`] reads the substituted text back (`YAMLToJSON`). [`resolve`] holds
//! YAML 1.1's rules for plain scalars, which both sides use; [`sort`] the key order.

use std::borrow::Cow;

mod breaks;
pub mod emit;
pub mod number;
pub mod read;
pub mod resolve;
pub mod sort;
mod tabs;

pub use breaks::is_yaml11_break;

/// A node as go-yaml v2 decodes it into `interface{}`.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(Yaml, Yaml)>),
}

impl Yaml {
    /// The object as `JSONToYAML` decodes its JSON: numbers take the type YAML 1.1 gives their
    /// JSON text (an integral float becomes an int), and strings what go-yaml reads from the
    /// double-quoted JSON strings Go writes ([`json_string`]). [`emit::write`] writes this
    /// document straight from the JSON.
    pub fn from_json(v: &serde_json::Value) -> Result<Yaml, String> {
        use serde_json::Value;
        Ok(match v {
            Value::Null => Yaml::Null,
            Value::Bool(b) => Yaml::Bool(*b),
            Value::Number(n) => number::from_json(n),
            Value::String(s) => Yaml::Str(json_string(s)?.into_owned()),
            Value::Array(a) => Yaml::Seq(a.iter().map(Yaml::from_json).collect::<Result<_, _>>()?),
            Value::Object(m) => Yaml::Map(
                m.iter()
                    .map(|(k, v)| {
                        Ok((Yaml::Str(json_string(k)?.into_owned()), Yaml::from_json(v)?))
                    })
                    .collect::<Result<_, String>>()?,
            ),
        })
    }
}

/// A string after Go's `json.Marshal` and go-yaml's reading of it. Go escapes control
/// characters, LS and PS, but writes DEL, the C1 controls and U+FFFE/U+FFFF as they are, which
/// go-yaml's reader refuses; and NEL (U+0085), a YAML 1.1 line break, is folded as a line break
/// in a double-quoted scalar: a run of blanks with one NEL becomes a space, with n of them n-1
/// newlines.
pub fn json_string(s: &str) -> Result<Cow<'_, str>, String> {
    // Below DEL every character is one Go and go-yaml leave as it is.
    if s.bytes().all(|b| b < 0x7F) {
        return Ok(Cow::Borrowed(s));
    }
    let refused =
        |c: char| matches!(c, '\u{7F}'..='\u{84}' | '\u{86}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}');
    if s.contains(refused) {
        return Err("yaml: control characters are not allowed".into());
    }
    if !s.contains('\u{85}') {
        return Ok(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            continue;
        }
        let mut run = String::from(c);
        while let Some(&next) = chars.peek()
            && (next == ' ' || next == '\u{85}')
        {
            run.push(next);
            chars.next();
        }
        match run.matches('\u{85}').count() {
            0 => out.push_str(&run),
            1 => out.push(' '),
            n => out.push_str(&"\n".repeat(n - 1)),
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn go_yaml_reads_gos_json_strings() {
        assert_eq!(
            json_string("a \u{85} b").as_deref(),
            Ok("a b"),
            "one NEL folds to a space"
        );
        assert_eq!(json_string("\u{85}\u{85}x\u{85}").as_deref(), Ok("\nx "));
        assert_eq!(
            json_string("a\u{2028}b").as_deref(),
            Ok("a\u{2028}b"),
            "Go escapes LS"
        );
        for refused in ["a\u{7F}", "\u{90}", "x\u{FFFE}"] {
            assert!(json_string(refused).is_err(), "{refused:?}");
        }
    }
}
