//! The fast reading back held to Flux's: whenever [`FluxText::substitute_reading_fields`]
//! answers, the whole text's reading gives the same object, key order included; and it does
//! answer for the fields vmstack templates.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::flux::envsubst::EnvsubstVersion;
use crate::flux::pipeline::{self, FluxText, Outcome, PipelineError, Substitution};

#[test]
fn a_quote_closes_the_scalar_only_at_its_end() {
    assert!(closes_at_end("\"a\\\"b\"", b'"', Quote::Backslash));
    assert!(!closes_at_end("\"a\"b\"", b'"', Quote::Backslash));
    assert!(!closes_at_end("\"a\\\"", b'"', Quote::Backslash));
    assert!(closes_at_end("'it''s'", b'\'', Quote::Doubled));
    assert!(!closes_at_end("'it's'", b'\'', Quote::Doubled));
    assert!(!closes_at_end("'", b'\'', Quote::Doubled));
}

#[test]
fn a_path_that_names_two_fields_names_none() {
    let mut v = serde_json::json!({"a.b": "x", "a": {"b": "y"}, "c": [{"d": "z"}]});
    assert!(unique_field(&mut v, "a.b").is_none());
    assert_eq!(
        unique_field(&mut v, "c[0].d").cloned(),
        Some(Value::from("z"))
    );
    assert!(unique_field(&mut v, "c[1].d").is_none());
}

/// Both readings of `object` substituted with `vars`: the fields-only one (`None` when it
/// declines) and the whole text's.
fn both(
    object: &Value,
    vars: &BTreeMap<String, String>,
    strict: bool,
    version: EnvsubstVersion,
) -> Option<(Option<Outcome>, Result<Outcome, PipelineError>)> {
    let text = FluxText::new(object).ok()?;
    let s = Substitution {
        strict,
        version,
        strategy: pipeline::Strategy::Always,
        ..Substitution::new(vars)
    };
    let whole = text.substitute_reading_whole_text(object, &s);
    assert_eq!(
        text.substitute(object, &s),
        whole,
        "substitute differs from reading the whole text"
    );
    Some((text.substitute_reading_fields(object, &s), whole))
}

/// The object of a substituted outcome as bytes: `Value`'s `==` ignores key order.
fn written(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Substituted { object, text } => format!("{object}\n{text}"),
        Outcome::Skipped(skip) => format!("{skip:?}"),
    }
}

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_plain_variable_field_is_read_alone() {
    let release = json!({
        "apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "vm", "labels": {"app.kubernetes.io/instance": "${CLUSTER}"}},
        "spec": {"values": {
            "vmstorage": {"replicaCount": "${VM_STORAGE_REPLICAS}",
                "persistentVolume": {"size": "${VM_STORAGE_SIZE}"}},
            "vmagent": {"spec": {"externalLabels": {"cluster": "${CLUSTER}"},
                "remoteWrite": [{"url": "http://vminsert-${CLUSTER}:8480/insert/0/prometheus"}]}},
            "retention": "${RETENTION:=30d}",
            "escaped": "$${NOT_A_VAR}",
            "ports": [8480, 8481, 2.5, 1e3],
            "enabled": true,
        }},
    });
    for (size, replicas, cluster) in [("50Gi", "3", "edge-1"), ("1e3", "yes", "~")] {
        let v = vars(&[
            ("VM_STORAGE_SIZE", size),
            ("VM_STORAGE_REPLICAS", replicas),
            ("CLUSTER", cluster),
        ]);
        let (fast, whole) = both(&release, &v, true, EnvsubstVersion::V1_7_0).unwrap();
        let fast = fast.expect("the fields alone are read back");
        assert_eq!(written(&fast), written(&whole.unwrap()));
    }
    let v = vars(&[
        ("VM_STORAGE_SIZE", "50Gi"),
        ("VM_STORAGE_REPLICAS", "3"),
        ("CLUSTER", "e"),
    ]);
    let Some((Some(Outcome::Substituted { object, .. }), _)) =
        both(&release, &v, true, EnvsubstVersion::V1_7_0)
    else {
        panic!("must answer");
    };
    let values = &object["spec"]["values"];
    assert_eq!(values["vmstorage"]["replicaCount"], json!(3));
    assert_eq!(
        values["vmstorage"]["persistentVolume"]["size"],
        json!("50Gi")
    );
    assert_eq!(values["retention"], json!("30d"));
    assert_eq!(values["escaped"], json!("${NOT_A_VAR}"));
    assert_eq!(values["ports"], json!([8480, 8481, 2.5, 1000]));
    assert_eq!(
        object["metadata"]["labels"]["app.kubernetes.io/instance"],
        json!("e")
    );
}

#[test]
fn values_that_change_the_structure_are_read_with_the_whole_text() {
    let object = json!({"data": {"plain": "${A}", "double": "${A}\t", "single": "${A}: x"}});
    for value in [
        "a: b",
        "#x",
        "- a",
        "x #y",
        "\"q",
        "'",
        "a\nb",
        " a",
        "a ",
        "",
        "!!str 1",
        "&a x",
        "*a",
        "|",
        "x\u{2028}y",
        "x\u{85}",
        "\\",
        "\\\"",
    ] {
        let v = vars(&[("A", value)]);
        let (fast, whole) = both(&object, &v, false, EnvsubstVersion::V1_7_0).unwrap();
        if let Some(fast) = fast {
            assert_eq!(
                written(&fast),
                written(whole.as_ref().unwrap()),
                "{value:?}"
            );
        }
    }
    // A plain field whose value opens structure is not read alone.
    let v = vars(&[("A", "a: b")]);
    let plain = json!({"data": {"plain": "${A}"}});
    assert_eq!(
        both(&plain, &v, false, EnvsubstVersion::V1_7_0).unwrap().0,
        None
    );
}

#[test]
fn errors_are_the_whole_texts() {
    let object = json!({"data": {"k": "${A}"}});
    let v = vars(&[("A", ".inf")]);
    let (fast, whole) = both(&object, &v, false, EnvsubstVersion::V1_7_0).unwrap();
    assert_eq!(fast, None);
    assert!(matches!(whole, Err(PipelineError::Yaml(_))));
}

#[test]
fn near_the_readers_limits_the_whole_text_is_read() {
    let mut deep = json!({"k": "${A}"});
    for _ in 0..300 {
        deep = json!({"d": deep});
    }
    let v = vars(&[("A", "1")]);
    let (fast, whole) = both(&deep, &v, false, EnvsubstVersion::V1_7_0).unwrap();
    assert_eq!(fast, None);
    assert!(whole.is_err(), "granit-parser refuses 300 nested maps");

    let long = "a".repeat(5000);
    let object = json!({"k": "${A}", "l": [format!("{long}${{A}}")]});
    let v = vars(&[("A", &long)]);
    let (fast, whole) = both(&object, &v, false, EnvsubstVersion::V1_7_0).unwrap();
    assert_eq!(
        written(&fast.expect("a long plain value is one scalar")),
        written(&whole.unwrap())
    );
}

/// Variable values: YAML 1.1's types, indicators, quotes, line breaks of both YAML versions,
/// spaces, unicode.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "1",
            "3",
            "50Gi",
            "yes",
            "no",
            "~",
            "null",
            "0x1F",
            "0o17",
            "010",
            "1e3",
            ".inf",
            "-.inf",
            ".nan",
            "1_000",
            "2024-01-01",
            "1:20",
            "<<",
            ": x",
            "#x",
            "x #y",
            "- a",
            "-",
            "\"q\"",
            "'",
            "''",
            "a'b",
            "\\",
            "\\n",
            "\\x41",
            "a\nb",
            "a\r",
            " a",
            "a ",
            "",
            "\t",
            "é",
            "\u{85}",
            "\u{2028}",
            "\u{2029}",
            "\u{FEFF}",
            "😀",
            "!!str 1",
            "&a x",
            "*a",
            "|",
            ">",
            "[a]",
            "{a: 1}",
            "a,b",
            "%x",
            "@x",
            "`x",
            "---",
            "...",
            "?",
            "? x",
        ])
        .prop_map(str::to_string),
        "[a-z0-9 :#'\"\\\\\\-\n\t\u{85}\u{2028}é]{0,6}",
    ]
}

/// Text around a variable, or a whole string field.
fn around() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(String::new()),
        1 => "[a-z ]{1,5}",
        1 => prop::sample::select(vec![
            " ", ": ", " #", "\n", "x\n", "\t", "\"", "'", "\\", "- ", "# ", "é", "\u{2028}",
            "$", "$$", "\r", "😀", "\u{FEFF}", "\u{A0}",
        ])
        .prop_map(str::to_string),
        1 => "[a-z]{10}( [a-z]{10}){8}",
    ]
}

/// Text that makes the emitter quote a string (single quotes for an indicator or an edge space,
/// double quotes for a tab, a CR, a character outside the BMP or a byte-order mark).
fn quoting() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "", " ", "\t", "\r", "😀", "\u{FEFF}", ": ", " #", "'", "\"", "\\", "- ", "x", "é",
        ]),
        0..3,
    )
    .prop_map(|parts| parts.concat())
}

fn reference() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "${A}",
        "${B}",
        "${C}",
        "${A:=d}",
        "${B:-1}",
        "${C:=yes}",
        "$${A}",
        "${A}${B}",
        "${#A}",
        "${A:0:1}",
        "${A/a/ b}",
    ])
    .prop_map(str::to_string)
}

fn string_field() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (around(), reference(), around()).prop_map(|(a, r, b)| format!("{a}{r}{b}")),
        1 => around(),
        1 => "[a-z0-9.]{1,8}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-e]{1,2}",
        1 => prop::sample::select(vec!["a.b", "a[0]", "<<", "${A}", "1", "yes", "x y", "é"])
            .prop_map(str::to_string),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => string_field().prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => prop::num::f64::NORMAL.prop_map(Value::from),
        1 => any::<bool>().prop_map(Value::from),
        1 => Just(Value::Null),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), tree()), 1..5)
        .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<String, Value>>()))
}

fn variables() -> impl Strategy<Value = BTreeMap<String, String>> {
    (
        prop::option::of(value()),
        prop::option::of(value()),
        prop::option::of(value()),
    )
        .prop_map(|(a, b, c)| {
            [("A", a), ("B", b), ("C", c)]
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_string(), v?)))
                .collect()
        })
}

fn version() -> impl Strategy<Value = EnvsubstVersion> {
    prop_oneof![Just(EnvsubstVersion::V1_7_0), Just(EnvsubstVersion::V1_5_0)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn reading_the_fields_agrees_with_reading_the_whole_text(
        object in object(),
        vars in variables(),
        strict in any::<bool>(),
        version in version(),
    ) {
        if let Some((Some(fast), whole)) = both(&object, &vars, strict, version) {
            let whole = whole.map(|o| written(&o));
            prop_assert_eq!(Ok(written(&fast)), whole);
        }
    }

    /// Strings the emitter quotes, each alone in a small tree.
    #[test]
    fn quoted_fields_agree_with_the_whole_text(
        before in quoting(),
        reference in reference(),
        after in quoting(),
        vars in variables(),
        strict in any::<bool>(),
    ) {
        let field = format!("{before}{reference}{after}");
        let object = json!({"a": {"k": field}, "b": [field, "x"]});
        if let Some((Some(fast), whole)) = both(&object, &vars, strict, EnvsubstVersion::V1_7_0) {
            let whole = whole.map(|o| written(&o));
            prop_assert_eq!(Ok(written(&fast)), whole);
        }
    }

    /// vmstack's case: fields like `${VM_STORAGE_SIZE}` with ordinary values, in any tree.
    #[test]
    fn ordinary_values_in_plain_fields_are_read_alone(
        mut object in object(),
        at in prop::collection::vec("[a-e]{1,2}", 1..4),
        field in prop::sample::select(vec!["${A}", "${A}Gi", "vm-${A}", "${A:=3}"]),
        a in "[a-zA-Z0-9][a-zA-Z0-9-]{0,11}",
    ) {
        // Nothing else in the tree reads a variable, or needs the whole text read.
        fn quiet(v: &mut Value) {
            match v {
                Value::String(s) => *s = s.replace(['$', '\n', '\u{85}', '\u{2028}'], "_"),
                Value::Array(items) => items.iter_mut().for_each(quiet),
                Value::Object(m) => {
                    let entries = std::mem::take(m);
                    *m = entries
                        .into_iter()
                        .filter(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase()))
                        .map(|(k, mut v)| {
                            quiet(&mut v);
                            (k, v)
                        })
                        .collect();
                }
                _ => {}
            }
        }
        quiet(&mut object);
        let mut node = &mut object;
        for k in &at {
            if !node.is_object() {
                *node = json!({});
            }
            node = node.as_object_mut().unwrap().entry(k.clone()).or_insert(json!({}));
        }
        *node = Value::from(field);
        let vars = vars(&[("A", &a)]);
        let (fast, whole) = both(&object, &vars, true, EnvsubstVersion::V1_7_0).unwrap();
        let fast = fast.expect("an ordinary value in a plain field is read alone");
        prop_assert_eq!(written(&fast), written(&whole.unwrap()));
    }
}
