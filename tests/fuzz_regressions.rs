//! The fuzz targets' properties (fuzz/checks/, docs/fuzzing.md) under a plain `cargo test`, with
//! no cargo-fuzz and no nightly: on every input a fuzzer found a bug with
//! (`tests/fixtures/fuzz/<target>/`, one file each, named after the bug), and on every fixture
//! and example file, as they are and as the items of a ResourceList. The checks are the
//! targets' own code, so they cannot drift apart.

mod common;

#[path = "../fuzz/checks/flux.rs"]
mod flux;
#[path = "../fuzz/checks/stdin.rs"]
mod stdin;

use std::path::{Path, PathBuf};

use common::fixtures::{check_each, repo};
use serde_json::json;
use vmstack::krm::yaml;

/// The files under `dir`, sorted, recursively.
fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn found(target: &str) -> Vec<(String, Vec<u8>)> {
    files_below(&repo("tests/fixtures/fuzz").join(target))
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The YAML files of the fixtures and examples, the rendered examples left out (the hostile
/// corpus and the fuzzers' finds have tests of their own).
fn yaml_inputs() -> Vec<(String, Vec<u8>)> {
    let mut files = files_below(&repo("tests/fixtures"));
    files.extend(files_below(&repo("examples")));
    let root = repo("");
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .map(|p| p.strip_prefix(&root).unwrap().to_string_lossy().to_string())
        .filter(|p| {
            !p.starts_with("tests/fixtures/fuzz/")
                && !p.starts_with("tests/fixtures/hostile/")
                && !p.contains("/stack/")
                && !p.contains("/global/")
                && !p.ends_with("rendered.yaml")
        })
        .map(|p| {
            let bytes = std::fs::read(repo(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn what_the_flux_fuzzer_found_stays_fixed() {
    check_each(found("flux"), |_, bytes| flux::check(&bytes));
}

#[test]
fn what_the_stdin_fuzzer_found_stays_fixed() {
    check_each(found("stdin"), |_, bytes| stdin::check(&bytes));
}

#[test]
fn every_fixture_holds_the_flux_properties() {
    let inputs = yaml_inputs();
    assert!(inputs.len() > 50, "only {} fixture files", inputs.len());
    check_each(inputs, |_, bytes| flux::check(&bytes));
}

#[test]
fn every_fixture_holds_the_stdin_properties() {
    let inputs = yaml_inputs();
    let valid: Vec<String> = common::fixtures::valid_intents()
        .iter()
        .map(|p| {
            p.strip_prefix(repo(""))
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    check_each(inputs, |name, bytes| {
        stdin::check(&bytes);
        // The same documents as the items a host sends; a valid intent expands, so that the
        // check's second run on the output is reached too.
        let text = String::from_utf8(bytes).unwrap();
        let Ok(items) = yaml::parse_documents(&text) else {
            return;
        };
        let list = json!({"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList",
            "items": items});
        let list = yaml::to_yaml(&list);
        stdin::check(list.as_bytes());
        if valid.contains(&name.to_string()) {
            assert_eq!(stdin::run(list.as_bytes()).status, 0, "{name}");
        }
    });
}
