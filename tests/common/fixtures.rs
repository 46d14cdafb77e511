//! The intents the tests render: the examples and the fixtures under `tests/fixtures/`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vmstack::function::{self, Layout};
use vmstack::krm::{KrmResult, ResourceList, yaml};

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The case folders of `tests/fixtures/<kind>/`, sorted.
pub fn cases(kind: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures").join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

pub fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml::parse_document(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every valid intent the project ships: the examples, then each good fixture.
pub fn valid_intents() -> Vec<PathBuf> {
    let mut paths = vec![
        repo("examples/seed/infra/vmstack.yaml"),
        repo("examples/seed/apps/vmstack.yaml"),
        repo("examples/kustomize/vmstack.yaml"),
        repo("examples/clustermesh/infra/vmstack.yaml"),
        repo("examples/clustermesh/apps/vmstack.yaml"),
        repo("examples/vmauth/infra/vmstack.yaml"),
        repo("examples/vmauth/apps/vmstack.yaml"),
    ];
    paths.extend(cases("good").into_iter().map(|c| c.join("intent.yaml")));
    paths
}

/// The results that are not capacity advice (the notes and warnings about sizing every global
/// intent with the default 3 vmstorage nodes gets).
pub fn problems(results: &[KrmResult]) -> Vec<&KrmResult> {
    results
        .iter()
        .filter(|r| !vmstack::capacity::is_advice(r))
        .collect()
}

/// The objects one intent file expands to (the intent given as functionConfig, no items), after
/// asserting it expanded without any result but capacity advice.
pub fn render_intent(path: &Path) -> Vec<Value> {
    let out = function::process(
        ResourceList::new(Vec::new(), Some(read_yaml(path))),
        Layout::Files,
    );
    assert!(
        problems(&out.results).is_empty(),
        "{}: {:?}",
        path.display(),
        out.results
    );
    out.items
}

/// Every valid intent with what it renders to.
pub fn rendered_valid_intents() -> Vec<(String, Vec<Value>)> {
    valid_intents()
        .into_iter()
        .map(|p| (p.display().to_string(), render_intent(&p)))
        .collect()
}

/// What the good fixture `case` expands to.
pub fn render_good(case: &str) -> Vec<Value> {
    render_intent(&repo("tests/fixtures/good").join(case).join("intent.yaml"))
}

/// The objects of one kind.
pub fn of_kind(items: &[Value], kind: &str) -> Vec<Value> {
    items
        .iter()
        .filter(|i| i["kind"] == kind)
        .cloned()
        .collect()
}

/// Runs `check` on every case folder of `tests/fixtures/<kind>/` (named by its folder) and fails
/// afterwards, naming every case that failed: one run shows every snapshot mismatch and every
/// missing result, as `insta::glob!` would, not only the first.
pub fn check_each_case(kind: &str, check: impl Fn(&str, &Path)) {
    let cases = cases(kind);
    assert!(!cases.is_empty(), "the {kind} fixtures went missing");
    check_each(
        cases.iter().map(|c| {
            let name = c.file_name().unwrap().to_string_lossy().to_string();
            (name, c.as_path())
        }),
        |name, case| check(name, case),
    );
}

/// Runs `check` on every named case, then fails naming each case whose check panicked.
pub fn check_each<T>(cases: impl IntoIterator<Item = (String, T)>, check: impl Fn(&str, T)) {
    let mut failed = Vec::new();
    for (name, case) in cases {
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&name, case)));
        if run.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} case(s) failed (see each one's message above): {}",
        failed.len(),
        failed.join(", ")
    );
}
