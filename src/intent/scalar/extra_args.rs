//! Command-line flags for a VictoriaMetrics component.

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::setting::record_variables;
use crate::code::Code;
use crate::intent::decode::{Decode, child, wrong_type};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::variables::ValueKind;

/// Flag names without the leading dash, values as strings (what the operator's `extraArgs`
/// takes). Written out sorted by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExtraArgs(pub Vec<(String, String)>);

impl ExtraArgs {
    pub fn set_default(&mut self, key: &str, value: &str) {
        if !self.0.iter().any(|(k, _)| k == key) {
            self.0.push((key.to_string(), value.to_string()));
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Serialize for ExtraArgs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<&(String, String)> = self.0.iter().collect();
        sorted.sort();
        s.collect_map(sorted.into_iter().map(|(k, v)| (k, v)))
    }
}

impl Decode for ExtraArgs {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let Value::Object(m) = v else {
            wrong_type(d, path, "a mapping of flag name to value", v);
            return None;
        };
        let mut out = Vec::new();
        for (k, val) in m {
            let p = child(path, k);
            if let Some(stripped) = k.strip_prefix('-') {
                let proposed = stripped.trim_start_matches('-');
                d.push(
                    Diagnostic::new(
                        Code::InvalidFlag,
                        &p,
                        format!(
                            "flag names go without the leading dash: write {proposed:?}, the operator adds it"
                        ),
                    )
                    .with_proposed(json!(proposed)),
                );
                continue;
            }
            let text = match val {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => {
                    wrong_type(d, &p, "a flag value (string, number or boolean)", other);
                    continue;
                }
            };
            if record_variables(&text, &p, ValueKind::Text, d).is_some() {
                out.push((k.clone(), text));
            }
        }
        Some(ExtraArgs(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_without_dashes() {
        let mut d = Diagnostics::default();
        let a = ExtraArgs::decode(
            &json!({"-dedup.minScrapeInterval": "30s", "x": 5}),
            "e",
            &mut d,
        )
        .unwrap();
        assert_eq!(a.0, vec![("x".to_string(), "5".to_string())]);
        assert_eq!(d.list[0].code, Code::InvalidFlag);
        assert_eq!(d.list[0].proposed, Some(json!("dedup.minScrapeInterval")));
    }

    #[test]
    fn written_sorted() {
        let a = ExtraArgs(vec![("b".into(), "1".into()), ("a".into(), "2".into())]);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"a":"2","b":"1"}"#);
    }
}
