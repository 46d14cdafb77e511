//! Helm values as the chart's templates see them: the chart's defaults coalesced under the
//! release's values, read with Go template truthiness.

use serde_json::{Map, Value};

/// Helm's coalescing of a release's values over the chart's defaults: mappings merge key by key
/// with the release winning, anything else is replaced, and a `null` in the release deletes the
/// default.
pub fn coalesce(defaults: &Value, release: &Value) -> Value {
    let mut out = defaults.clone();
    lay_over(&mut out, release);
    out
}

/// [`coalesce`] in place: the release's values over `target`, a copy of the defaults. Merged
/// where both sides are mappings, so each default is copied once, however deep the release
/// sets values under it.
fn lay_over(target: &mut Value, release: &Value) {
    match (target, release) {
        (Value::Object(out), Value::Object(r)) => {
            for (k, v) in r {
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                match out.get_mut(k) {
                    Some(existing) => lay_over(existing, v),
                    None => {
                        out.insert(k.clone(), strip_nulls(v));
                    }
                }
            }
        }
        (target, r) => *target = strip_nulls(r),
    }
}

/// The sections `keys` of [`coalesce`]'s result and nothing else, for a reader that looks only
/// there: the other defaults are not copied.
pub fn coalesce_keys(defaults: &Value, release: &Value, keys: &[&str]) -> Value {
    let (Value::Object(d), Value::Object(r)) = (defaults, release) else {
        return coalesce(defaults, release);
    };
    let mut out = Map::new();
    for &k in keys {
        let merged = match (d.get(k), r.get(k)) {
            (_, Some(Value::Null)) | (None, None) => continue,
            (Some(dv), None) => dv.clone(),
            (Some(dv), Some(v)) => coalesce(dv, v),
            (None, Some(v)) => strip_nulls(v),
        };
        out.insert(k.to_string(), merged);
    }
    Value::Object(out)
}

/// A `null` that has no default to delete is dropped too: Helm never hands templates a null key.
fn strip_nulls(v: &Value) -> Value {
    match v {
        // Rebuilding a mapping hashes every key again; a copy does not.
        Value::Object(m) if !has_null_key(v) => Value::Object(m.clone()),
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// Whether a mapping at or under `v` (not inside a list) holds a `null`.
fn has_null_key(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.values().any(|v| v.is_null() || has_null_key(v)),
        _ => false,
    }
}

/// The value at a dotted path; keys are whole segments, so `grafana.ini` is written as one
/// segment of `["grafana", "grafana.ini"]`.
pub fn at<'a>(values: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = values;
    for key in path {
        cur = cur.as_object()?.get(*key)?;
    }
    Some(cur)
}

/// Go template truthiness (`if`, `and`, `or`, `not`): false, 0, "", null and empty collections
/// are false; everything else is true.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
    }
}

pub fn is_on(values: &Value, path: &[&str]) -> bool {
    truthy(at(values, path))
}

/// [`is_on`] of [`coalesce`]'s result, read from both sides without building it: the chart's
/// switches are a few paths into defaults far larger than what they read.
pub fn is_on_coalesced(defaults: &Value, release: &Value, path: &[&str]) -> bool {
    fn below<'v>(d: Option<&'v Value>, key: &str) -> Option<&'v Value> {
        d.and_then(Value::as_object)?.get(key)
    }
    let (mut d, mut r) = (Some(defaults), Some(release));
    for key in path {
        (d, r) = match r {
            // A release mapping merges over a default mapping and replaces anything else.
            Some(Value::Object(rm)) => match rm.get(*key) {
                Some(Value::Null) => return false,
                v => (below(d, key), v),
            },
            // A release scalar or list replaces the default, and has no keys.
            Some(_) => return false,
            None => (below(d, key), None),
        };
    }
    match (d, r) {
        (d, None) => truthy(d),
        (Some(Value::Object(dm)), Some(Value::Object(rm))) => {
            rm.values().any(|v| !v.is_null()) || dm.keys().any(|k| !rm.contains_key(k))
        }
        (_, Some(Value::Object(rm))) => rm.values().any(|v| !v.is_null()),
        (_, r) => truthy(r),
    }
}

/// `hasKey`: the key is present (Helm has already removed nulls).
pub fn has_key(values: &Value, path: &[&str], key: &str) -> bool {
    at(values, path)
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn some_sections_coalesce_as_the_whole() {
        let defaults = json!({"a": {"x": 1, "y": {"z": 2}}, "b": {"on": true}, "c": 3});
        let releases = [
            json!({}),
            json!({"a": {"x": null, "y": {"w": null, "z": 5}}, "b": null, "d": {"e": null, "f": 1}}),
            json!({"a": 7, "c": null}),
            json!("not a map"),
        ];
        for release in &releases {
            let whole = coalesce(&defaults, release);
            let some = coalesce_keys(&defaults, release, &["a", "b", "d", "missing"]);
            for path in [
                &["a"][..],
                &["a", "x"],
                &["a", "y", "z"],
                &["b"],
                &["b", "on"],
                &["d"],
                &["missing"],
            ] {
                assert_eq!(at(&some, path), at(&whole, path), "{release} at {path:?}");
            }
        }
    }

    #[test]
    fn release_values_win_and_null_deletes_a_default() {
        let defaults = json!({"a": {"b": 1, "c": [1, 2], "d": true}, "e": "x"});
        let release = json!({"a": {"c": [3], "d": null, "f": {"g": null}}, "e": {"k": 1}});
        assert_eq!(
            coalesce(&defaults, &release),
            json!({"a": {"b": 1, "c": [3], "f": {}}, "e": {"k": 1}})
        );
    }

    #[test]
    fn a_section_without_a_default_loses_its_nulls_but_not_those_in_lists() {
        let defaults = json!({"a": 1});
        let release = json!({
            "n": {"m": {"o": null, "p": 1}, "q": [{"r": null}], "s": {"t": 2, "u": 3}},
            "v": {"z": 1, "y": 2},
        });
        let merged = coalesce(&defaults, &release);
        assert_eq!(
            merged,
            json!({"a": 1, "n": {"m": {"p": 1}, "q": [{"r": null}], "s": {"t": 2, "u": 3}}, "v": {"z": 1, "y": 2}})
        );
        let order: Vec<&String> = merged["v"].as_object().unwrap().keys().collect();
        assert_eq!(order, ["z", "y"]);
    }

    fn small_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0..2).prop_map(Value::from),
            prop_oneof![Just(""), Just("x")].prop_map(Value::from),
            Just(json!([])),
        ];
        leaf.prop_recursive(3, 24, 3, |inner| {
            proptest::collection::btree_map(
                prop_oneof![Just("a"), Just("b"), Just("c")],
                inner,
                0..3,
            )
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
        })
    }

    proptest::proptest! {
        /// The switches read without the merge read what the merge holds.
        #[test]
        fn a_switch_reads_the_same_without_the_merge(defaults in small_values(), release in small_values()) {
            let merged = coalesce(&defaults, &release);
            let keys = ["a", "b", "c"];
            let mut paths: Vec<Vec<&str>> = vec![vec![]];
            for len in 1..=3 {
                let mut next = Vec::new();
                for p in paths.iter().filter(|p| p.len() == len - 1) {
                    for k in keys {
                        let mut q = p.clone();
                        q.push(k);
                        next.push(q);
                    }
                }
                paths.extend(next);
            }
            for path in &paths {
                proptest::prop_assert_eq!(
                    is_on_coalesced(&defaults, &release, path),
                    is_on(&merged, path),
                    "{} over {} at {:?}", release, defaults, path
                );
            }
        }
    }

    #[test]
    fn go_truthiness() {
        for falsy in [
            json!(false),
            json!(0),
            json!(0.0),
            json!(""),
            json!([]),
            json!({}),
        ] {
            assert!(!truthy(Some(&falsy)), "{falsy}");
        }
        for t in [
            json!(true),
            json!(1),
            json!("0"),
            json!("false"),
            json!([0]),
            json!({"a": null}),
        ] {
            assert!(truthy(Some(&t)), "{t}");
        }
        assert!(!truthy(None));
    }
}
