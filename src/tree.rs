//! `tree!`: `serde_json::json!`'s syntax, but values are moved into the tree.
//!
//! `json!` serialises every value it interpolates (`to_value(&value)`): a `Value` or `Map`
//! built earlier is copied node by node and each of its keys hashed again. The renderers (and
//! the chart's tables of safe values) interpolate whole subtrees, so that copy was a measurable
//! share of a run. Here a value becomes a node through `Value::from`, which takes ownership:
//! a `Map` or `String` moves in as it is. The price is that only types `Value` has a `From`
//! for are accepted; anything else is converted explicitly at the call site.

/// Builds a `serde_json::Value` from JSON-like syntax; see the module documentation.
macro_rules! tree {
    // Entries of an object, gathered as `(key, value)` pairs for [`object`]: the key's tokens
    // up to its `:`, then a nested object, array, `null`, or any expression, up to the next `,`.
    (@entries [$($done:expr,)*] () ()) => {
        $crate::tree::object([$($done,)*])
    };
    (@entries [$($done:expr,)*] ($($key:tt)+) (: null $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(@entries [$($done,)* (
            ::std::string::String::from($($key)+),
            ::serde_json::Value::Null,
        ),] () ($($($rest)*)?))
    };
    (@entries [$($done:expr,)*] ($($key:tt)+) (: { $($inner:tt)* } $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(@entries [$($done,)* (
            ::std::string::String::from($($key)+),
            $crate::tree::tree!({ $($inner)* }),
        ),] () ($($($rest)*)?))
    };
    (@entries [$($done:expr,)*] ($($key:tt)+) (: [ $($inner:tt)* ] $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(@entries [$($done,)* (
            ::std::string::String::from($($key)+),
            $crate::tree::tree!([ $($inner)* ]),
        ),] () ($($($rest)*)?))
    };
    (@entries [$($done:expr,)*] ($($key:tt)+) (: $value:expr $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(@entries [$($done,)* (
            ::std::string::String::from($($key)+),
            ::serde_json::Value::from($value),
        ),] () ($($($rest)*)?))
    };
    (@entries [$($done:expr,)*] ($($key:tt)*) ($next:tt $($rest:tt)*)) => {
        $crate::tree::tree!(@entries [$($done,)*] ($($key)* $next) ($($rest)*))
    };

    // Items of an array, each up to the next `,`, gathered for one `vec!`.
    (@items [$($done:expr,)*] ()) => {
        ::std::vec![$($done),*]
    };
    (@items [$($done:expr,)*] (null $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(@items [$($done,)* ::serde_json::Value::Null,] ($($($rest)*)?))
    };
    (@items [$($done:expr,)*] ({ $($inner:tt)* } $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(
            @items [$($done,)* $crate::tree::tree!({ $($inner)* }),] ($($($rest)*)?)
        )
    };
    (@items [$($done:expr,)*] ([ $($inner:tt)* ] $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(
            @items [$($done,)* $crate::tree::tree!([ $($inner)* ]),] ($($($rest)*)?)
        )
    };
    (@items [$($done:expr,)*] ($value:expr $(, $($rest:tt)*)?)) => {
        $crate::tree::tree!(
            @items [$($done,)* ::serde_json::Value::from($value),] ($($($rest)*)?)
        )
    };

    (null) => {
        ::serde_json::Value::Null
    };
    ({ $($body:tt)* }) => {
        $crate::tree::tree!(@entries [] () ($($body)*))
    };
    ([ $($body:tt)* ]) => {
        ::serde_json::Value::Array($crate::tree::tree!(@items [] ($($body)*)))
    };
    ($value:expr) => {
        ::serde_json::Value::from($value)
    };
}

/// An object of `entries` in their order, a later entry replacing an earlier one of the same
/// key (as `insert` does), sized once. Every `tree!` object is built here rather than by its
/// own inline run of inserts: the renderers run once per intent, and their code was a large
/// share of the lines a seed run first fetches from memory.
#[inline(never)]
pub fn object<const N: usize>(entries: [(String, serde_json::Value); N]) -> serde_json::Value {
    let mut map = serde_json::Map::with_capacity(N);
    for (key, value) in entries {
        map.insert(key, value);
    }
    serde_json::Value::Object(map)
}

pub(crate) use tree;

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    #[test]
    fn builds_what_json_builds_in_the_same_key_order() {
        let name = "vmstack";
        let replicas = 3;
        let key = String::from("computed");
        let labels: Map<String, Value> = [("app".to_string(), Value::from("vm"))]
            .into_iter()
            .collect();
        let built = tree!({
            "zeta": name,
            "alpha": { "replicas": replicas, "empty": {}, "none": null },
            key.clone(): [1, "two", null, [], { "x": true }],
            "labels": labels.clone(),
            "sum": replicas + 1,
            "trailing": [name,],
        });
        let expected = json!({
            "zeta": name,
            "alpha": { "replicas": replicas, "empty": {}, "none": null },
            key: [1, "two", null, [], { "x": true }],
            "labels": labels,
            "sum": replicas + 1,
            "trailing": [name],
        });
        assert_eq!(built, expected);
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&built), keys(&expected));
        assert_eq!(keys(&built["alpha"]), ["replicas", "empty", "none"]);
    }

    #[test]
    fn a_key_given_twice_keeps_its_place_and_the_last_value() {
        let built = tree!({ "a": 1, "b": [], "a": { "c": null }, "d": {} });
        assert_eq!(built, json!({ "a": { "c": null }, "b": [], "d": {} }));
        let keys: Vec<_> = built.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["a", "b", "d"]);
    }

    #[test]
    fn a_string_moves_in_without_a_copy() {
        let text = String::from("a value long enough to live on the heap");
        let address = text.as_ptr();
        let built = tree!({ "text": text });
        assert_eq!(built["text"].as_str().unwrap().as_ptr(), address);
    }
}
