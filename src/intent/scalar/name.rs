//! DNS-1123 labels: what Kubernetes requires of names that become Services, labels and hosts.

use serde::Serialize;
use serde_json::Value;

use crate::code::Code;
use crate::intent::decode::Decode;
use crate::intent::diagnostic::{Diagnostic, Diagnostics};

/// Why a text is not a DNS-1123 label, if it is not one.
pub fn dns_label_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("is empty".into());
    }
    if s.len() > 63 {
        return Some(format!("is {} characters long, more than 63", s.len()));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some("may hold only lower-case letters, digits and '-'".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("must start and end with a letter or digit".into());
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Name(pub String);

impl Decode for Name {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        match dns_label_problem(&s) {
            None => Some(Name(s)),
            Some(p) => {
                d.push(
                    Diagnostic::new(Code::InvalidName, path, format!("{s:?} {p}")).with_current(v),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns_label_problem("victoria-metrics").is_none());
        assert!(dns_label_problem("Victoria").is_some());
        assert!(dns_label_problem("-a").is_some());
        assert!(dns_label_problem(&"a".repeat(64)).is_some());
    }
}
