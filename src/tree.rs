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
    // Entries of an object: the key's tokens are gathered up to its `:`, then the value
    // is a nested object, array, `null`, or any expression, up to the next `,`.
    (@entries $map:ident ()) => {};
    (@entries $map:ident ($($key:tt)+) (: null $(, $($rest:tt)*)?)) => {
        $map.insert(::std::string::String::from($($key)+), ::serde_json::Value::Null);
        $( $crate::tree::tree!(@entries $map () ($($rest)*)); )?
    };
    (@entries $map:ident ($($key:tt)+) (: { $($inner:tt)* } $(, $($rest:tt)*)?)) => {
        $map.insert(
            ::std::string::String::from($($key)+),
            $crate::tree::tree!({ $($inner)* }),
        );
        $( $crate::tree::tree!(@entries $map () ($($rest)*)); )?
    };
    (@entries $map:ident ($($key:tt)+) (: [ $($inner:tt)* ] $(, $($rest:tt)*)?)) => {
        $map.insert(
            ::std::string::String::from($($key)+),
            $crate::tree::tree!([ $($inner)* ]),
        );
        $( $crate::tree::tree!(@entries $map () ($($rest)*)); )?
    };
    (@entries $map:ident ($($key:tt)+) (: $value:expr $(, $($rest:tt)*)?)) => {
        $map.insert(
            ::std::string::String::from($($key)+),
            ::serde_json::Value::from($value),
        );
        $( $crate::tree::tree!(@entries $map () ($($rest)*)); )?
    };
    (@entries $map:ident ($($key:tt)*) ()) => {};
    (@entries $map:ident ($($key:tt)*) ($next:tt $($rest:tt)*)) => {
        $crate::tree::tree!(@entries $map ($($key)* $next) ($($rest)*));
    };

    // Items of an array, each up to the next `,`. `Vec::push` is called as a path: clippy asks
    // for `vec![..]` after a `.push` on a new vector, which a recursive macro cannot expand to.
    (@items $items:ident ()) => {};
    (@items $items:ident (null $(, $($rest:tt)*)?)) => {
        ::std::vec::Vec::push(&mut $items, ::serde_json::Value::Null);
        $( $crate::tree::tree!(@items $items ($($rest)*)); )?
    };
    (@items $items:ident ({ $($inner:tt)* } $(, $($rest:tt)*)?)) => {
        ::std::vec::Vec::push(&mut $items, $crate::tree::tree!({ $($inner)* }));
        $( $crate::tree::tree!(@items $items ($($rest)*)); )?
    };
    (@items $items:ident ([ $($inner:tt)* ] $(, $($rest:tt)*)?)) => {
        ::std::vec::Vec::push(&mut $items, $crate::tree::tree!([ $($inner)* ]));
        $( $crate::tree::tree!(@items $items ($($rest)*)); )?
    };
    (@items $items:ident ($value:expr $(, $($rest:tt)*)?)) => {
        ::std::vec::Vec::push(&mut $items, ::serde_json::Value::from($value));
        $( $crate::tree::tree!(@items $items ($($rest)*)); )?
    };

    (null) => {
        ::serde_json::Value::Null
    };
    ({ $($body:tt)* }) => {{
        #[allow(unused_mut)]
        let mut map = ::serde_json::Map::new();
        $crate::tree::tree!(@entries map () ($($body)*));
        ::serde_json::Value::Object(map)
    }};
    ([ $($body:tt)* ]) => {{
        #[allow(unused_mut)]
        let mut items: ::std::vec::Vec<::serde_json::Value> = ::std::vec::Vec::new();
        $crate::tree::tree!(@items items ($($body)*));
        ::serde_json::Value::Array(items)
    }};
    ($value:expr) => {
        ::serde_json::Value::from($value)
    };
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
    fn a_string_moves_in_without_a_copy() {
        let text = String::from("a value long enough to live on the heap");
        let address = text.as_ptr();
        let built = tree!({ "text": text });
        assert_eq!(built["text"].as_str().unwrap().as_ptr(), address);
    }
}
