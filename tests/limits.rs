//! The input's bounds (docs/diagnostics.md, VMS001 and VMS003-VMS010): whatever comes in on stdin, a
//! ResourceList comes out, with one error result naming the bound, and exit 1. Real packages
//! stay well inside them: 40,000 ordinary items pass.

mod common;

use std::process::Command;

use serde_json::Value;
use vmstack::code::Code;
use vmstack::krm::{Limits, yaml};
use vmstack::stdio::{Outcome, resource_list};

const HEAD: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";

fn run(input: &[u8], limits: &Limits) -> Outcome {
    resource_list(Ok(input.to_vec()), limits)
}

/// The output's error codes; the output must be a ResourceList whatever happened.
fn codes(out: &Outcome) -> Vec<String> {
    let rl = yaml::parse_document(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not YAML ({e}):\n{}", out.stdout));
    assert_eq!(rl["kind"], "ResourceList", "{}", out.stdout);
    rl["results"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .filter(|r| r["severity"] == "error")
                .map(|r| r["tags"]["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn refused(input: &[u8], limits: &Limits, code: Code) -> Outcome {
    let out = run(input, limits);
    assert_eq!(out.status, 1, "{}", out.stdout);
    assert_eq!(codes(&out), [code.as_str()], "{}", out.stdout);
    assert!(
        out.stderr.contains(&format!("error[{code}]")),
        "{}",
        out.stderr
    );
    out
}

fn config_maps(n: usize) -> String {
    let mut text = String::from(HEAD);
    for i in 0..n {
        text.push_str(&format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-{i}\n    annotations:\n      config.kubernetes.io/path: 'cm-{i}.yaml'\n  data:\n    key: \"value-{i}\"\n    other: plain\n"
        ));
    }
    text
}

#[test]
fn forty_thousand_ordinary_items_pass_and_come_back_as_they_came() {
    let input = config_maps(40_000);
    let out = run(input.as_bytes(), &Limits::default());
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout, input, "every item goes back as its own text");
}

#[test]
fn one_item_over_the_item_limit_is_refused() {
    let limits = Limits {
        items: 100,
        ..Limits::default()
    };
    assert_eq!(run(config_maps(100).as_bytes(), &limits).status, 0);
    let out = refused(config_maps(101).as_bytes(), &limits, Code::TooManyItems);
    assert!(out.stdout.contains("more than 100 items"), "{}", out.stdout);
}

#[test]
fn an_endless_stdin_stops_at_the_size_limit() {
    let out = Command::new(env!("CARGO_BIN_EXE_vmstack"))
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rl = yaml::parse_document(&stdout).unwrap();
    assert_eq!(
        rl["results"][0]["tags"]["code"],
        Code::InputTooLarge.as_str(),
        "{stdout}"
    );
}

#[test]
fn input_over_the_size_limit_is_refused_before_parsing() {
    let limits = Limits {
        input_bytes: 1000,
        ..Limits::default()
    };
    let big = config_maps(20);
    assert!(big.len() > 1000);
    refused(big.as_bytes(), &limits, Code::InputTooLarge);
}

#[test]
fn text_that_is_not_utf8_is_refused_by_its_encoding() {
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in HEAD.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let out = refused(&utf16, &Limits::default(), Code::NotUtf8);
    assert!(out.stdout.contains("UTF-16"), "{}", out.stdout);
    let mut broken = HEAD.as_bytes().to_vec();
    broken.extend(b"- {kind: \xC3\x28}\n");
    let out = refused(&broken, &Limits::default(), Code::NotUtf8);
    assert!(out.stdout.contains("at byte"), "{}", out.stdout);
}

#[test]
fn not_yaml_and_not_a_resource_list_still_give_a_resource_list() {
    refused(b"a: [1,\n", &Limits::default(), Code::UnreadableInput);
    refused(
        b"apiVersion: v1\nkind: ConfigMap\n",
        &Limits::default(),
        Code::UnreadableInput,
    );
    refused(b"", &Limits::default(), Code::UnreadableInput);
}

#[test]
fn nesting_beyond_the_limit_is_refused() {
    let deep = |n: usize| format!("{HEAD}- a: {}1{}\n", "[".repeat(n), "]".repeat(n));
    let limits = Limits::default();
    // Root mapping, items, the item: three levels before the value.
    assert_eq!(run(deep(limits.depth - 3).as_bytes(), &limits).status, 0);
    let out = refused(
        deep(limits.depth + 10).as_bytes(),
        &limits,
        Code::NestingTooDeep,
    );
    assert!(out.stdout.contains("nesting limit"), "{}", out.stdout);
    // Far deeper, the parser itself stops (at 255 levels): the same bound, the same code.
    refused(deep(100_000).as_bytes(), &limits, Code::NestingTooDeep);
    // Also on the slow path, where the whole document is decoded (an indented sequence).
    let indented = format!(
        "{HEAD}  - a: {}1{}\n",
        "[".repeat(limits.depth + 10),
        "]".repeat(limits.depth + 10)
    );
    refused(indented.as_bytes(), &limits, Code::NestingTooDeep);
}

#[test]
fn an_alias_bomb_stops_early() {
    let mut bomb = String::from(HEAD);
    bomb.push_str("- kind: ConfigMap\n  data:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut previous = 'a';
    for name in 'b'..='k' {
        let refs = vec![format!("*{previous}"); 10].join(", ");
        bomb.push_str(&format!("    {name}: &{name} [{refs}]\n"));
        previous = name;
    }
    // Ten levels of ten: 10^11 strings if expanded.
    let out = refused(bomb.as_bytes(), &Limits::default(), Code::TooManyAliases);
    assert!(out.stdout.contains("aliases"), "{}", out.stdout);
    // A few aliases, as people use them, are fine.
    let fine =
        format!("{HEAD}- kind: ConfigMap\n  data: &d {{a: b}}\n- kind: ConfigMap\n  data: *d\n");
    let out = run(fine.as_bytes(), &Limits::default());
    assert_eq!(out.status, 0, "{}", out.stdout);
}

#[test]
fn a_string_over_the_limit_is_refused() {
    let limits = Limits {
        string_bytes: 1000,
        ..Limits::default()
    };
    let with = |n: usize| {
        format!(
            "{HEAD}- kind: ConfigMap\n  data:\n    k: '{}'\n",
            "x".repeat(n)
        )
    };
    assert_eq!(run(with(1000).as_bytes(), &limits).status, 0);
    refused(with(1001).as_bytes(), &limits, Code::StringTooLong);
    // Keys count too, and so does the slow path.
    let key = format!("{HEAD}  - {}: 1\n", "k".repeat(1001));
    refused(key.as_bytes(), &limits, Code::StringTooLong);
}

#[test]
fn more_intents_than_the_limit_are_refused() {
    let n = vmstack::function::MAX_INTENTS + 1;
    let mut text = String::from(HEAD);
    for i in 0..n {
        text.push_str(&format!(
            "- apiVersion: vmstack.dev/v1alpha1\n  kind: VictoriaMetricsStack\n  metadata: {{name: s{i}, namespace: o}}\n"
        ));
    }
    refused(text.as_bytes(), &Limits::default(), Code::TooManyIntents);
}

#[test]
fn equal_items_with_different_quoting_each_keep_their_text() {
    let input = format!(
        "{HEAD}- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: a}}\n  data:\n    n: \"1\"\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: a}}\n  data:\n    n: '1'\n"
    );
    let out = run(input.as_bytes(), &Limits::default());
    assert_eq!(out.status, 0);
    assert_eq!(out.stdout, input);
}

#[test]
fn the_binary_writes_a_resource_list_for_garbage() {
    let out = common::process::run_with_stdin(
        &mut Command::new(env!("CARGO_BIN_EXE_vmstack")),
        &[0xFE, 0xFF, 0, b'a'],
    );
    assert_eq!(out.status.code(), Some(1));
    let rl: Value = yaml::parse_document(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(rl["results"][0]["tags"]["code"], Code::NotUtf8.as_str());
    assert_eq!(rl["items"], serde_json::json!([]));
}

/// `vmstack plan` reads all its files at once (`cli::read_all`), within the same bounds: their
/// bytes together, each document's nesting and strings, the objects and the intents.
#[test]
fn the_plan_reads_within_the_same_limits() {
    use vmstack::cli::{read_all, read_all_within};

    let codes = |problems: &[vmstack::krm::KrmResult]| -> Vec<String> {
        problems.iter().map(|p| p.tags["code"].clone()).collect()
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        vec![path]
    };
    let mut no_stdin = || Ok(Vec::new());

    let two = file("two.yaml", "kind: A\n---\nkind: B\n");
    let (items, problems) = read_all(&two, &[], &mut no_stdin);
    assert_eq!((items.len(), problems.len()), (2, 0), "{problems:?}");
    let one_item = Limits {
        items: 1,
        ..Limits::default()
    };
    let (items, problems) = read_all_within(&two, &[], &mut no_stdin, &one_item);
    assert!(items.is_empty());
    assert_eq!(codes(&problems), [Code::TooManyItems.as_str()]);
    let few_bytes = Limits {
        input_bytes: 10,
        ..Limits::default()
    };
    let (_, problems) = read_all_within(&two, &[], &mut no_stdin, &few_bytes);
    assert_eq!(codes(&problems), [Code::InputTooLarge.as_str()]);

    let deep = file(
        "deep.yaml",
        &format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100)),
    );
    let (_, problems) = read_all(&deep, &[], &mut no_stdin);
    assert_eq!(codes(&problems), [Code::NestingTooDeep.as_str()]);

    let intent = |i: usize| {
        format!(
            "apiVersion: vmstack.dev/v1alpha1\nkind: VictoriaMetricsStack\nmetadata: {{name: s{i}, namespace: o}}\n"
        )
    };
    let limit = vmstack::function::MAX_INTENTS;
    let at = (0..limit).map(intent).collect::<Vec<_>>().join("---\n");
    let (items, problems) = read_all(&file("at.yaml", &at), &[], &mut no_stdin);
    assert_eq!((items.len(), problems.len()), (limit, 0), "{problems:?}");
    let over = format!("{at}---\n{}", intent(limit));
    let (items, problems) = read_all(&file("over.yaml", &over), &[], &mut no_stdin);
    assert!(items.is_empty());
    assert_eq!(codes(&problems), [Code::TooManyIntents.as_str()]);

    // The binary: an endless stdin stops at the size limit.
    let out = Command::new(env!("CARGO_BIN_EXE_vmstack"))
        .args(["plan", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("VMS004"), "{stderr}");
}
