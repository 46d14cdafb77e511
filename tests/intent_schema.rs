//! The intent's JSON Schema against the files made from it and against the parser it
//! describes. The schema is generated from `src/schema/shape/`; these tests make sure that
//! nothing made from it is stale and that it says what the parser does.
//!
//! `VMSTACK_UPDATE_GENERATED=1 cargo test --test intent_schema` rewrites the generated files
//! (like `INSTA_UPDATE` for snapshots); without it a stale file fails the test.

mod common;

use std::process::Command;

use common::fixtures::{cases, read_yaml, repo, valid_intents};
use serde_json::Value;
use vmstack::schema::files::{self, SCHEMA_FILE};
use vmstack::schema::intent_schema;

const UPDATE: &str = "VMSTACK_UPDATE_GENERATED";

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&intent_schema()).expect("the schema is a valid JSON Schema")
}

#[test]
fn the_generated_files_are_fresh() {
    let root = repo("");
    let update = std::env::var_os(UPDATE).is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for generated in files::generated(&root).unwrap() {
        let path = root.join(&generated.path);
        let now = std::fs::read_to_string(&path).unwrap_or_default();
        if now == generated.text {
            continue;
        }
        if update {
            std::fs::write(&path, &generated.text).unwrap();
        } else {
            stale.push(generated.path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale, made from src/schema: {}\nregenerate with {UPDATE}=1 cargo test --test intent_schema",
        stale.join(", ")
    );
}

#[test]
fn vmstack_schema_prints_what_function_yaml_and_the_editor_schema_hold() {
    let out = Command::new(env!("CARGO_BIN_EXE_vmstack"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed == std::fs::read_to_string(repo(SCHEMA_FILE)).unwrap(),
        "{SCHEMA_FILE} is not what `vmstack schema` prints"
    );
    let printed: Value = serde_json::from_str(&printed).unwrap();
    let definition = read_yaml(&repo("function.yaml"));
    assert!(
        definition["spec"]["versions"][0]["schema"]["openAPIV3Schema"] == printed,
        "function.yaml does not carry the same schema"
    );
}

#[test]
fn every_example_intent_points_its_editor_at_the_schema() {
    let root = repo("");
    let intents = files::example_intents(&root).unwrap();
    assert!(intents.len() >= 7, "{intents:?}");
    for intent in intents {
        let text = std::fs::read_to_string(root.join(&intent)).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let target = first
            .strip_prefix(files::SCHEMA_COMMENT)
            .unwrap_or_else(|| panic!("{}: first line {first:?}", intent.display()));
        let schema = root.join(intent.parent().unwrap()).join(target);
        assert!(
            schema.canonicalize().unwrap() == repo(SCHEMA_FILE).canonicalize().unwrap(),
            "{}: {target} is not {SCHEMA_FILE}",
            intent.display()
        );
    }
}

#[test]
fn every_example_and_good_fixture_validates() {
    let validator = validator();
    let intents = valid_intents();
    assert!(intents.len() > 20);
    for path in intents {
        let intent = read_yaml(&path);
        let errors: Vec<String> = validator
            .iter_errors(&intent)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            path.display(),
            errors.join("\n")
        );
    }
}

/// Every bad fixture the parser refuses for an unknown field (VMS100), the schema refuses too.
#[test]
fn unknown_fields_fail_the_schema_too() {
    let validator = validator();
    let mut checked = 0;
    for case in cases("bad") {
        let expected = std::fs::read_to_string(case.join("expected")).unwrap_or_default();
        let unknown: Vec<&str> = expected
            .lines()
            .filter_map(|l| l.strip_prefix("VMS100 "))
            .map(str::trim)
            .filter(|path| !path.contains(".defaultGroups."))
            .collect();
        if unknown.is_empty() {
            continue;
        }
        let intent = read_yaml(&case.join("intent.yaml"));
        let at: Vec<String> = validator
            .iter_errors(&intent)
            .map(|e| e.instance_path().to_string())
            .collect();
        for field in &unknown {
            // The mapping that holds it, as a JSON pointer: the schema's error is there or above.
            let parts: Vec<&str> = field.split('.').collect();
            let holder = format!("/{}", parts[..parts.len() - 1].join("/"));
            assert!(
                at.iter().any(|a| holder.starts_with(a.as_str())),
                "{}: the schema does not refuse the unknown {field} ({at:?})",
                case.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 1, "no bad fixture with an unknown field");
}

// The schema bound to the parser: intents built from the schema (every field, each leaf its
// `example`) are read by `vmstack::intent::parse`, with a probe key in every closed mapping. The
// parser reports the probe as unknown and lists the fields it read there: that list and the
// schema's fields must be the same.

mod binding {
    use std::collections::{BTreeMap, BTreeSet};

    use serde_json::{Map, Value, json};
    use vmstack::code::Code;
    use vmstack::intent::Diagnostic;
    use vmstack::schema::intent_schema;

    use super::{read_yaml, repo};

    /// A key no field is named like, nor near enough to be taken for a typo of one.
    const PROBE: &str = "~";

    const ROLES: [&str; 2] = ["global", "agent"];

    /// The schema of an intent of `role`: the spec's branch for it.
    fn schema_of(role: &str) -> Value {
        let mut schema = intent_schema();
        let branches = schema["properties"]["spec"]["oneOf"].as_array().unwrap();
        let branch = branches
            .iter()
            .find(|b| b["properties"]["role"]["enum"] == json!([role]))
            .unwrap_or_else(|| panic!("no spec branch for role {role}"))
            .clone();
        schema["properties"]["spec"] = branch;
        schema
    }

    /// The parser's field paths with list indexes dropped: `spec.vmauth.users[]`.
    fn normal(path: &str) -> String {
        let mut out = String::new();
        let mut in_index = false;
        for c in path.chars() {
            match c {
                '[' => {
                    in_index = true;
                    out.push_str("[]");
                }
                ']' => in_index = false,
                _ if in_index => {}
                c => out.push(c),
            }
        }
        out
    }

    fn child(path: &str, key: &str) -> String {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    }

    fn closed(schema: &Value) -> bool {
        schema.get("properties").is_some() && schema["additionalProperties"] == false
    }

    fn required(schema: &Value) -> Vec<&str> {
        schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    /// Which fields a sample holds: all of them, or at one section its required fields and one
    /// other.
    #[derive(Clone, Copy)]
    struct Variant<'a> {
        only: Option<(&'a str, &'a str)>,
        probes: Probes<'a>,
    }

    /// Where the sample holds the probe key.
    #[derive(Clone, Copy, PartialEq)]
    enum Probes<'a> {
        Nowhere,
        InEveryClosedMapping,
        At(&'a str),
    }

    const FULL: Variant = Variant {
        only: None,
        probes: Probes::Nowhere,
    };

    /// An intent (or part of one, at `path`) built from the schema.
    fn sample(schema: &Value, path: &str, variant: Variant) -> Value {
        if let Some(properties) = schema["properties"].as_object() {
            let required = required(schema);
            let mut out = Map::new();
            for (key, property) in properties {
                if let Some((at, keep)) = variant.only
                    && at == path
                    && key != keep
                    && !required.contains(&key.as_str())
                {
                    continue;
                }
                out.insert(key.clone(), sample(property, &child(path, key), variant));
            }
            let probe = match variant.probes {
                Probes::Nowhere => false,
                Probes::InEveryClosedMapping => true,
                Probes::At(at) => at == path,
            };
            if probe && closed(schema) {
                out.insert(PROBE.into(), json!("probe"));
            }
            return Value::Object(out);
        }
        if let Some(items) = schema.get("items") {
            return json!([sample(items, &format!("{path}[]"), variant)]);
        }
        if let Some(section) = schema["anyOf"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s.get("properties").is_some()))
        {
            return sample(section, path, variant);
        }
        schema
            .get("example")
            .unwrap_or_else(|| panic!("{path}: a value schema without an example"))
            .clone()
    }

    /// Every section of the schema (a mapping with fields), by path: its schema.
    fn sections(schema: &Value, path: &str, out: &mut BTreeMap<String, Value>) {
        if let Some(properties) = schema["properties"].as_object() {
            out.insert(path.to_string(), schema.clone());
            for (key, property) in properties {
                sections(property, &child(path, key), out);
            }
        }
        if let Some(items) = schema.get("items") {
            sections(items, &format!("{path}[]"), out);
        }
        for alternative in schema["anyOf"].as_array().into_iter().flatten() {
            sections(alternative, path, out);
        }
    }

    /// Every `enum` below `spec`, by path: its words.
    fn choices(schema: &Value, path: &str, out: &mut BTreeMap<String, Vec<Value>>) {
        if let Some(words) = schema["enum"].as_array() {
            out.insert(path.to_string(), words.clone());
        }
        for (key, property) in schema["properties"].as_object().into_iter().flatten() {
            choices(property, &child(path, key), out);
        }
        if let Some(items) = schema.get("items") {
            choices(items, &format!("{path}[]"), out);
        }
        for alternative in schema["anyOf"].as_array().into_iter().flatten() {
            choices(alternative, path, out);
        }
    }

    fn diagnostics(intent: &Value) -> Vec<Diagnostic> {
        vmstack::intent::parse(intent).err().unwrap_or_default()
    }

    /// Sets the value at a field path of the parser's kind, through every list item and making
    /// the mappings on the way.
    fn set(v: &mut Value, path: &[&str], value: &Value) {
        let Some((first, rest)) = path.split_first() else {
            *v = value.clone();
            return;
        };
        let (key, into_items) = match first.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (*first, false),
        };
        if !v.is_object() {
            *v = json!({});
        }
        let slot = &mut v[key];
        if into_items {
            for item in slot.as_array_mut().into_iter().flatten() {
                set(item, rest, value);
            }
        } else {
            set(slot, rest, value);
        }
    }

    fn set_at(v: &Value, path: &str, value: &Value) -> Value {
        let mut out = v.clone();
        let parts: Vec<&str> = path.split('.').collect();
        set(&mut out, &parts, value);
        out
    }

    /// What the parser reads, found with the probes: per section path, the fields it asked for
    /// in any of the samples; and the fields it called unknown.
    struct Read {
        known: BTreeMap<String, BTreeSet<String>>,
        unknown: BTreeSet<String>,
    }

    fn read_by_parser(schema: &Value, sections: &BTreeMap<String, Value>) -> Read {
        let mut variants = vec![Variant {
            only: None,
            probes: Probes::InEveryClosedMapping,
        }];
        for (path, section) in sections {
            let required = required(section);
            for key in section["properties"].as_object().unwrap().keys() {
                if !required.contains(&key.as_str()) {
                    variants.push(Variant {
                        only: Some((path, key)),
                        probes: Probes::InEveryClosedMapping,
                    });
                }
            }
        }
        let mut read = Read {
            known: BTreeMap::new(),
            unknown: BTreeSet::new(),
        };
        for variant in variants {
            for d in diagnostics(&sample(schema, "", variant)) {
                if d.code != Code::UnknownField {
                    continue;
                }
                let path = normal(&d.path);
                let parent = match path.strip_suffix(PROBE) {
                    Some(p) => p.strip_suffix('.').unwrap_or(p).to_string(),
                    None => {
                        read.unknown.insert(path);
                        continue;
                    }
                };
                let listed = d
                    .message
                    .split_once("(known fields: ")
                    .and_then(|(_, rest)| rest.strip_suffix(')'))
                    .unwrap_or_else(|| panic!("{}: {:?} lists no known fields", d.path, d.message));
                read.known
                    .entry(parent)
                    .or_default()
                    .extend(listed.split(", ").map(str::to_string));
            }
        }
        read
    }

    /// A valid intent of `role`, to add one field to.
    fn minimal(role: &str) -> Value {
        read_yaml(&repo(&format!(
            "tests/fixtures/good/minimal-{role}/intent.yaml"
        )))
    }

    /// The codes that refuse a field by its name whatever its value: a field of the other role,
    /// a secret written as text.
    const REFUSED_BY_NAME: [Code; 2] = [Code::WrongRole, Code::PlaintextSecret];

    /// Whether the parser refuses a field by name when it is set.
    fn refused_by_name(role: &str, schema: &Value, path: &str, value: &Value) -> bool {
        let full = sample(schema, "", FULL);
        [
            set_at(&full, path, value),
            set_at(&minimal(role), path, value),
        ]
        .iter()
        .any(|intent| {
            diagnostics(intent)
                .iter()
                .any(|d| normal(&d.path) == path && REFUSED_BY_NAME.contains(&d.code))
        })
    }

    #[test]
    fn the_schema_and_the_parser_read_the_same_fields() {
        let mut problems = Vec::new();
        for role in ROLES {
            let schema = schema_of(role);
            let mut closed_sections = BTreeMap::new();
            sections(&schema, "", &mut closed_sections);
            closed_sections.retain(|_, s| closed(s));
            let other = schema_of(ROLES.iter().find(|r| **r != role).unwrap());
            let read = read_by_parser(&schema, &closed_sections);
            for (path, section) in &closed_sections {
                let Some(known) = read.known.get(path) else {
                    problems.push(format!(
                        "{role}: the parser never reads {path:?} as a mapping"
                    ));
                    continue;
                };
                let ours: BTreeSet<String> = section["properties"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect();
                for key in ours.difference(known) {
                    problems.push(format!(
                        "{role}: the schema has {}, which the parser does not read",
                        child(path, key)
                    ));
                }
                for key in known.difference(&ours) {
                    let field = child(path, key);
                    // The field as the other role writes it, else text (a secret's).
                    let value = other_sample(&other, &field).unwrap_or(json!("written-as-text"));
                    if !refused_by_name(role, &schema, &field, &value) {
                        problems.push(format!(
                            "{role}: the parser reads {field}, which the schema does not have"
                        ));
                    }
                }
            }
            for path in &read.unknown {
                let (parent, key) = path.rsplit_once('.').unwrap_or(("", path));
                if !read.known.get(parent).is_some_and(|k| k.contains(key)) {
                    problems.push(format!("{role}: the parser calls {path} unknown"));
                }
            }
            assert!(
                read.known.len() > 10,
                "{role}: only {} sections probed",
                read.known.len()
            );
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    fn other_sample(other: &Value, field: &str) -> Option<Value> {
        let mut all = BTreeMap::new();
        sections(other, "", &mut all);
        let (parent, key) = field.rsplit_once('.')?;
        let property = all.get(parent)?["properties"].get(key)?.clone();
        Some(sample(&property, field, FULL))
    }

    /// The intents the tests build are valid by the schema (every example is), until a key no
    /// field has is added to any one of its mappings.
    #[test]
    fn the_schema_takes_its_samples_and_no_unknown_key() {
        let validator = jsonschema::validator_for(&intent_schema()).unwrap();
        for role in ROLES {
            let schema = schema_of(role);
            let full = sample(&schema, "", FULL);
            let errors: Vec<String> = validator
                .iter_errors(&full)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{role}: {}", errors.join("\n"));
            let mut all = BTreeMap::new();
            sections(&schema, "", &mut all);
            all.retain(|_, s| closed(s));
            for path in all.keys() {
                let probed = Variant {
                    only: None,
                    probes: Probes::At(path),
                };
                assert!(
                    !validator.is_valid(&sample(&schema, "", probed)),
                    "{role}: the schema takes an unknown key in {path:?}"
                );
            }
        }
    }

    #[test]
    fn every_word_the_schema_offers_the_parser_takes_and_no_other() {
        let mut problems = Vec::new();
        for role in ROLES {
            let schema = schema_of(role);
            let full = sample(&schema, "", FULL);
            let mut all = BTreeMap::new();
            choices(&schema["properties"]["spec"], "spec", &mut all);
            assert!(all.len() >= 5, "{role}: only {} choices", all.len());
            let invalid_at = |intent: &Value, path: &str| {
                diagnostics(intent)
                    .iter()
                    .any(|d| d.code == Code::InvalidChoice && normal(&d.path) == path)
            };
            for (path, words) in &all {
                if path == "spec.role" {
                    continue;
                }
                for word in words {
                    if invalid_at(&set_at(&full, path, word), path) {
                        problems.push(format!("{role}: {path}: the parser refuses {word}"));
                    }
                }
                if !invalid_at(&set_at(&full, path, &json!("notAChoice")), path) {
                    problems.push(format!(
                        "{role}: {path}: the parser takes a word the schema does not offer"
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// What a KRMFunctionDefinition's `openAPIV3Schema` takes (Kubernetes' JSONSchemaProps) and
/// JSON Schema reads the same way: no `$ref`, `const`, `$defs` or list of types.
#[test]
fn the_schema_uses_only_keywords_both_readers_share() {
    const SHARED: [&str; 15] = [
        "title",
        "description",
        "type",
        "enum",
        "pattern",
        "maxLength",
        "minimum",
        "maximum",
        "anyOf",
        "oneOf",
        "items",
        "properties",
        "required",
        "additionalProperties",
        "example",
    ];
    fn check(schema: &Value, at: &str, problems: &mut Vec<String>) {
        let Some(object) = schema.as_object() else {
            if schema != &Value::Bool(false) {
                problems.push(format!("{at}: {schema} is not a schema"));
            }
            return;
        };
        for (keyword, value) in object {
            if !SHARED.contains(&keyword.as_str()) {
                problems.push(format!("{at}: {keyword}"));
            }
            match keyword.as_str() {
                "type" if !value.is_string() => problems.push(format!("{at}: type {value}")),
                "properties" => {
                    for (name, sub) in value.as_object().into_iter().flatten() {
                        check(sub, &format!("{at}.{name}"), problems);
                    }
                }
                "anyOf" | "oneOf" => {
                    for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                        check(sub, &format!("{at}.{keyword}[{i}]"), problems);
                    }
                }
                "items" | "additionalProperties" => {
                    check(value, &format!("{at}.{keyword}"), problems)
                }
                _ => {}
            }
        }
    }
    let mut problems = Vec::new();
    check(&intent_schema(), "", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
