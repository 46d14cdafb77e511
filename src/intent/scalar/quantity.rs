//! Kubernetes resource quantities (`50Gi`, `500m`, `2`).

use serde::Serialize;
use serde_json::Value;

use super::setting::{Kind, Written};
use crate::code::Code;
use crate::flux::drift::JsonType;
use crate::intent::decode::{Decode, scalar_text};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::variables::ValueKind;

/// A Kubernetes resource quantity, kept as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Quantity(pub String);

const SUFFIXES: [(&str, f64); 16] = [
    ("", 1.0),
    ("Ki", 1024.0),
    ("Mi", 1048576.0),
    ("Gi", 1073741824.0),
    ("Ti", 1099511627776.0),
    ("Pi", 1125899906842624.0),
    ("Ei", 1152921504606846976.0),
    ("n", 1e-9),
    ("u", 1e-6),
    ("m", 1e-3),
    ("k", 1e3),
    ("M", 1e6),
    ("G", 1e9),
    ("T", 1e12),
    ("P", 1e15),
    ("E", 1e18),
];

pub fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return false;
    }
    if SUFFIXES.iter().any(|(s, _)| *s == suffix) {
        return true;
    }
    // Decimal exponent form: 1e3, 1E-2.
    let exp = suffix.strip_prefix(['e', 'E']);
    exp.is_some_and(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    })
}

/// Kubernetes quantities are int-or-string: `storage: 10` is as good as `"10Gi"`.
impl Written for Quantity {
    const TYPES: &'static [JsonType] = &[JsonType::String, JsonType::Number];
}

impl Kind for Quantity {
    const KIND: ValueKind = ValueKind::Quantity;
}

impl Decode for Quantity {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = scalar_text(v, path, "a quantity such as 50Gi or 500m", d)?;
        if is_quantity(&s) {
            Some(Quantity(s))
        } else {
            d.push(
                Diagnostic::new(
                    Code::InvalidQuantity,
                    path,
                    format!("{s:?} is not a Kubernetes quantity (like 50Gi, 512Mi, 500m or 2)"),
                )
                .with_current(v),
            );
            None
        }
    }
}

impl Quantity {
    /// Bytes (or cores) as a float, for comparisons between literal quantities.
    pub fn value(&self) -> Option<f64> {
        let s = &self.0;
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
            .unwrap_or(s.len());
        let number: f64 = s[..end].parse().ok()?;
        let (_, factor) = SUFFIXES.iter().find(|(suffix, _)| *suffix == &s[end..])?;
        Some(number * factor)
    }
}

impl From<&str> for Quantity {
    fn from(s: &str) -> Self {
        Quantity(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in ["50Gi", "500m", "2", "1.5", "1e3", "0.5Ti", "+1"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["50GB", "Gi", "", "1.2.3", "fifty", "5 Gi", "1e"] {
            assert!(!is_quantity(bad), "{bad}");
        }
        assert_eq!(Quantity("2Gi".into()).value(), Some(2.0 * 1024f64.powi(3)));
        assert_eq!(Quantity("500m".into()).value(), Some(0.5));
    }
}
