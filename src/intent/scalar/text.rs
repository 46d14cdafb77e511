//! Literal text allowed to hold variables (names, keys, secret paths).

use serde::Serialize;
use serde_json::Value;

use super::setting::record_variables;
use crate::intent::decode::Decode;
use crate::intent::diagnostic::Diagnostics;
use crate::intent::variables::ValueKind;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl Decode for Text {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        let s = String::decode(v, path, d)?;
        record_variables(&s, path, ValueKind::Text, d)?;
        Some(Text(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(s.to_string())
    }
}
