//! VictoriaMetrics' `retentionPeriod`.

use serde::Serialize;
use serde_json::Value;

use super::duration::{DurationStyle, parse_duration_seconds};
use super::setting::{Kind, Written};
use crate::code::Code;
use crate::flux::drift::JsonType;
use crate::intent::decode::{Decode, scalar_text};
use crate::intent::diagnostic::{Diagnostic, Diagnostics};
use crate::intent::variables::ValueKind;

/// A bare number means months, else h, d, w or y; 24h at least.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Retention(pub String);

/// Whether a text is a VictoriaMetrics retention.
pub fn is_retention(s: &str) -> bool {
    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
        s != "0"
    } else {
        let unit_ok = s.ends_with(['h', 'd', 'w', 'y']);
        let seconds = parse_duration_seconds(s, DurationStyle::Metrics);
        unit_ok && seconds.is_some_and(|sec| sec >= 86400.0)
    }
}

/// `retentionPeriod` is a string (months as digits, or with a unit): a number is refused.
impl Written for Retention {
    const TYPES: &'static [JsonType] = &[JsonType::String];
}

impl Kind for Retention {
    const KIND: ValueKind = ValueKind::Retention;
}

impl Decode for Retention {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = scalar_text(v, path, "a retention such as 30d or 1 (months)", d)?;
        if is_retention(&s) {
            Some(Retention(s))
        } else {
            d.push(
                Diagnostic::new(
                    Code::InvalidDuration,
                    path,
                    format!(
                        "{s:?} is not a VictoriaMetrics retention: a number of months (\"1\") or \
                         a number with h, d, w or y, at least 24h"
                    ),
                )
                .with_current(v),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retention_forms() {
        let mut d = Diagnostics::default();
        for ok in ["1", "30d", "2w", "1y", "24h"] {
            assert!(Retention::decode(&json!(ok), "r", &mut d).is_some(), "{ok}");
        }
        assert!(Retention::decode(&json!(12), "r", &mut d).is_some());
        assert!(d.is_empty());
        for bad in ["0", "12h", "30x", "thirty", "30m"] {
            assert!(
                Retention::decode(&json!(bad), "r", &mut d).is_none(),
                "{bad}"
            );
        }
    }
}
