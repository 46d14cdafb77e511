//! The output writer (`krm::yaml_write`) against serde-saphyr, whose bytes it must reproduce:
//! on generated values full of strings YAML reads in some other way, and on every object of
//! the examples and fixtures.

use std::path::Path;

use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use vmstack::krm::yaml::{self, as_sequence_entry, serde_saphyr_yaml};
use vmstack::krm::yaml_write::{Declined, write_document, write_entry};

/// Pieces that each trip one of the writer's rules (quoting, ambiguity, block scalars, escapes).
const PIECES: &[&str] = &[
    "",
    " ",
    "  ",
    "   ",
    ":",
    ": ",
    " :",
    " #",
    "#",
    "# ",
    "-",
    "- ",
    "?",
    "? ",
    "---",
    "...",
    "--- x",
    "\n",
    "\n\n",
    "\r",
    "\r\n",
    "\t",
    " \t",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{FEFF}",
    "\u{FFFE}",
    "\u{FFFF}",
    "\u{3000}",
    "\u{A0}",
    "\u{1680}",
    "\0",
    "\u{7}",
    "\u{1b}",
    "\u{b}",
    "\u{c}",
    "\u{7f}",
    "\u{9f}",
    "\u{80}",
    "'",
    "\"",
    "\\",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "null",
    "Null",
    "~",
    "true",
    "FALSE",
    "nan",
    ".NaN",
    "inf",
    "-Inf",
    "+.inf",
    "<<",
    "=",
    "0",
    "00",
    "0755",
    "1_000",
    "_1",
    "1__0",
    "0x1F",
    "0x_1",
    "0b10",
    "0b+1",
    "0o7",
    "0O8",
    "1e3",
    "1E+3",
    "1e",
    ".5",
    "5.",
    "1.2.3",
    "-1",
    "+12",
    "12:30:45",
    "190:20:30.15",
    "1:60",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-1-1 1:2:3",
    "a",
    "word",
    "key",
    "é",
    "字",
    "😀",
    ",",
    "[",
    "]",
    "{",
    "}",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "${VAR}",
    "http://x:80/p?q#f",
    "a: b",
    "a #b",
    "a#b",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-z0-9]{1,12}",
    ]
}

/// Short strings of pieces, and long ones of words and runs of blanks (folded when plain).
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(piece(), 0..6).prop_map(|p| p.concat()),
        2 => prop::collection::vec(
            (piece(), prop::sample::select(&[" ", " ", "  ", "   ", " \t", "\t", "\n", ""][..])),
            10..60,
        )
        .prop_map(|p| p.into_iter().map(|(w, s)| w + s).collect::<String>()),
        1 => (1usize..200, 0usize..4).prop_map(|(n, trail)| "x".repeat(n) + &" ".repeat(trail)),
        1 => prop::collection::vec("[a-z]{1,15}", 5..40).prop_map(|w| w.join(" ")),
    ]
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<u64>().prop_map(Number::from),
        any::<i64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        (-1000i32..1000).prop_map(|n| Number::from_f64(f64::from(n) / 8.0).unwrap()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => number().prop_map(Value::Number),
        4 => nasty_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((nasty_string(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn document(v: &Value) -> Result<String, Declined> {
    let mut out = String::new();
    write_document(v, &mut out).map(|()| out)
}

fn entry(v: &Value) -> Result<String, Declined> {
    let mut out = String::new();
    write_entry(v, &mut out).map(|()| out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn writes_serde_saphyr_bytes(v in value()) {
        let expected = serde_saphyr_yaml(&v);
        prop_assert_eq!(document(&v), Ok(expected.clone()), "value: {:?}", v);
        prop_assert_eq!(entry(&v), Ok(as_sequence_entry(&expected)), "value: {:?}", v);
    }

    #[test]
    fn a_string_is_written_as_serde_saphyr_writes_it_everywhere(s in nasty_string()) {
        // The same string as a document, a key, a value, and deeper in both kinds of
        // collection (block scalars are indented from their parent).
        let s = Value::String(s);
        let key = s.as_str().unwrap_or_default().to_string();
        let v = serde_json::json!({
            key.clone(): s,
            "list": [s, [s], {key.clone(): s, "n": {key: [s]}}],
        });
        for v in [&s, &v] {
            let expected = serde_saphyr_yaml(v);
            prop_assert_eq!(document(v), Ok(expected.clone()));
            prop_assert_eq!(entry(v), Ok(as_sequence_entry(&expected)));
        }
    }
}

#[test]
fn a_key_over_1024_characters_is_declined_and_serde_saphyr_writes_it() {
    let long = "k".repeat(1025);
    let v = serde_json::json!({"a": {long.clone(): {"b": 1}}});
    assert_eq!(document(&v), Err(Declined));
    assert_eq!(yaml::to_yaml(&v), serde_saphyr_yaml(&v));
    // 1,025 bytes but 1,024 characters is still a simple key: written here.
    let short = "é".to_string() + &"k".repeat(1023);
    let v = serde_json::json!({short: 1});
    assert_eq!(document(&v), Ok(serde_saphyr_yaml(&v)));
}

fn yaml_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            yaml_files(&path, found);
        } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            found.push(path);
        }
    }
}

/// Every object the examples and fixtures hold (a ResourceList's items one by one): the
/// writer writes each as serde-saphyr does, and none of them needs serde-saphyr.
#[test]
fn every_example_and_fixture_object_is_written_here_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("examples"), &mut files);
    yaml_files(&root.join("tests/fixtures"), &mut files);
    let (mut objects, mut declined) = (0, 0);
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        // Hostile and malformed fixtures are refused by the parser: nothing to write.
        let Ok(docs) = yaml::parse_documents(&text) else {
            continue;
        };
        for doc in docs {
            let items = doc.get("items").and_then(Value::as_array).cloned();
            for v in items.into_iter().flatten().chain([doc]) {
                objects += 1;
                let expected = serde_saphyr_yaml(&v);
                match (document(&v), entry(&v)) {
                    (Ok(d), Ok(e)) => {
                        assert_eq!(d, expected, "{}", file.display());
                        assert_eq!(e, as_sequence_entry(&expected), "{}", file.display());
                    }
                    _ => declined += 1,
                }
            }
        }
    }
    assert!(objects > 200, "only {objects} objects found");
    assert_eq!(
        declined, 0,
        "{declined} of {objects} objects fell back to serde-saphyr"
    );
}
