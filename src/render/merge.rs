//! Helm-style deep merge for the `values` escape hatch: mappings merge key by key, anything else
//! (lists included) is replaced, and `null` is kept so Helm deletes the chart's default.

use serde_json::Value;

pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        deep_merge(existing, v)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_merge_lists_replace_nulls_stay() {
        let mut base = json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        deep_merge(&mut base, &json!({"a": {"c": [3], "e": null}, "f": 2}));
        assert_eq!(
            base,
            json!({"a": {"b": 1, "c": [3], "e": null}, "d": 1, "f": 2})
        );
    }
}
