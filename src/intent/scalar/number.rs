//! Plain numbers that may have a fraction (rates, ratios) or may exceed `u32` (series counts).
//! Literal only: no Flux variable, since vmstack computes with them at render time.

use serde_json::Value;

use crate::intent::decode::{Decode, wrong_type};
use crate::intent::diagnostic::Diagnostics;

/// A finite number, written with or without a fraction (`1000000`, `1.5e6`, `0.2`).
impl Decode for f64 {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v.as_f64() {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                wrong_type(d, path, "a number", v);
                None
            }
        }
    }
}

impl Decode for u64 {
    fn decode(v: &Value, path: &str, d: &mut Diagnostics) -> Option<Self> {
        match v.as_u64() {
            Some(n) => Some(n),
            None => {
                wrong_type(d, path, "a whole number ≥ 0", v);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_what_is_not_one() {
        let mut d = Diagnostics::default();
        assert_eq!(f64::decode(&json!(1000000), "r", &mut d), Some(1e6));
        assert_eq!(f64::decode(&json!(0.2), "r", &mut d), Some(0.2));
        assert_eq!(
            u64::decode(&json!(5_000_000_000u64), "r", &mut d),
            Some(5e9 as u64)
        );
        assert!(d.is_empty());
        assert_eq!(f64::decode(&json!("1M"), "r", &mut d), None);
        assert_eq!(u64::decode(&json!(1.5), "r", &mut d), None);
        assert_eq!(u64::decode(&json!(-1), "r", &mut d), None);
        assert_eq!(d.list.len(), 3);
    }
}
