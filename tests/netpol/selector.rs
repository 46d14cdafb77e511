//! Kubernetes label selectors (`matchLabels`, `matchExpressions`), shared by NetworkPolicy and
//! CiliumNetworkPolicy. An unknown key or operator panics: an evaluator that guessed would prove
//! nothing.

use std::collections::BTreeMap;

use serde_json::Value;

pub type Labels = BTreeMap<String, String>;

/// Whether `labels` satisfy the selector. `key` maps a selector key to the label key it means
/// (Cilium strips its `k8s:` source prefix; Kubernetes keeps keys as they are).
pub fn matches(selector: &Value, labels: &Labels, key: &dyn Fn(&str) -> String) -> bool {
    let Some(map) = selector.as_object() else {
        panic!("a selector must be a mapping, not {selector}");
    };
    for k in map.keys() {
        assert!(
            k == "matchLabels" || k == "matchExpressions",
            "selector field {k:?} is not modelled"
        );
    }
    let labels_ok = map
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(&key(k)).map(String::as_str) == v.as_str());
    let expressions_ok = map
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|e| expression(e, labels, key));
    labels_ok && expressions_ok
}

fn expression(e: &Value, labels: &Labels, key: &dyn Fn(&str) -> String) -> bool {
    let k = key(e["key"].as_str().expect("matchExpressions key"));
    let values: Vec<&str> = e["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let have = labels.get(&k).map(String::as_str);
    match e["operator"].as_str() {
        Some("In") => have.is_some_and(|v| values.contains(&v)),
        Some("NotIn") => have.is_none_or(|v| !values.contains(&v)),
        Some("Exists") => have.is_some(),
        Some("DoesNotExist") => have.is_none(),
        other => panic!("selector operator {other:?} is not modelled"),
    }
}

pub fn same_key(k: &str) -> String {
    k.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn match_labels_and_expressions() {
        let l = labels(&[("app", "vmselect"), ("tier", "query")]);
        assert!(matches(&json!({}), &l, &same_key));
        assert!(matches(
            &json!({"matchLabels": {"app": "vmselect"}}),
            &l,
            &same_key
        ));
        assert!(!matches(
            &json!({"matchLabels": {"app": "vminsert"}}),
            &l,
            &same_key
        ));
        let expr = |op: &str, values: &[&str]| json!({"matchExpressions": [{"key": "tier", "operator": op, "values": values}]});
        assert!(matches(&expr("In", &["query", "x"]), &l, &same_key));
        assert!(!matches(&expr("NotIn", &["query"]), &l, &same_key));
        assert!(matches(&expr("Exists", &[]), &l, &same_key));
        assert!(!matches(&expr("DoesNotExist", &[]), &l, &same_key));
        let absent =
            json!({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]});
        assert!(
            matches(&absent, &l, &same_key),
            "NotIn holds for a missing key"
        );
    }
}
