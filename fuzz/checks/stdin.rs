//! The stdin target: the bytes a host writes on vmstack's stdin in ResourceList mode, through
//! the library function the binary calls, to the bytes it writes on stdout and its exit status.
//! Beyond "no panic", the KRM function's contract (docs/hosts.md, docs/diagnostics.md):
//!
//! - stdout is always a ResourceList (`config.kubernetes.io/v1`), with `items` a list of
//!   objects and every result a severity and a message;
//! - the exit status is 0 or 1, and 1 exactly when a result is an error: a host that sees exit
//!   1 shows the user why;
//! - no result is vmstack's own internal error (a panic caught on the way out);
//! - the same bytes give the same answer twice (nothing reads the clock or the environment);
//! - on success, the output fed back in gives the same output (a second `kpt fn render`
//!   changes nothing);
//! - the scan's line reader and the fast decode read what they accept exactly as granit-parser
//!   and serde-saphyr do.

use serde_json::Value;
use vmstack::code::Code;
use vmstack::flux::yaml_v2::read;
use vmstack::krm::{Limits, yaml};

/// What the process writes on stdout, and how it exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub stdout: String,
    pub status: u8,
}

/// ResourceList mode, as `vmstack` with no argument runs it (`vmstack::stdio`), on stdin's
/// bytes as read within the default limits.
pub fn run(input: &[u8]) -> Answer {
    let out = vmstack::stdio::resource_list(Ok(input.to_vec()), &Limits::default());
    Answer {
        stdout: out.stdout,
        status: out.status,
    }
}

pub fn check(input: &[u8]) {
    // The scan in pieces runs only on large inputs; here it is made to cut any input.
    if let Ok(text) = std::str::from_utf8(input)
        && let Err(why) = vmstack::krm::pieces_agree(text, &Limits::default())
    {
        panic!("{why}");
    }
    // Whatever the line reader reads, granit-parser reads alike: the input, and the answer.
    if let Ok(text) = std::str::from_utf8(input) {
        lines_agree(text);
    }
    // Whatever the fast way to decode reads, serde-saphyr reads alike: the input as one
    // document, and the answer (the plain YAML vmstack writes, which it reads the fast way).
    if let Ok(text) = std::str::from_utf8(input) {
        fast_way_agrees(text);
    }
    let first = run(input);
    fast_way_agrees(&first.stdout);
    lines_agree(&first.stdout);
    resource_list(&first);
    assert_eq!(run(input), first, "the same input answered differently");
    if first.status == 0 {
        let again = run(first.stdout.as_bytes());
        assert_eq!(
            again, first,
            "the output fed back in changed:\n{}",
            first.stdout
        );
    }
}

fn lines_agree(text: &str) {
    if let Err(why) = vmstack::krm::lines_agree(text, &Limits::default()) {
        panic!("{why}");
    }
}

fn fast_way_agrees(text: &str) {
    if let Err(why) = yaml::fast_way_agrees(text, &Limits::default()) {
        panic!("{why}");
    }
}

/// The answer's ResourceList, after checking it is one and that its exit status agrees with it.
pub fn resource_list(answer: &Answer) -> Value {
    // vmstack's own decoder refuses some text that is still YAML (`replicas: 1e400`, a
    // non-finite float) and meets it only in items it echoes as they came, unread or with the
    // error that says why: go-yaml's reader is the second opinion. Whether vmstack reads its own
    // answer again is the second run's part of `check`.
    let list = yaml::parse_document(&answer.stdout)
        .map_err(|e| e.to_string())
        .or_else(|e| {
            read::yaml_to_json(answer.stdout.as_bytes()).map_err(|e2| format!("{e}; {}", e2.0))
        })
        .unwrap_or_else(|e| panic!("stdout is not YAML ({e}):\n{}", answer.stdout));
    assert_eq!(list["apiVersion"], "config.kubernetes.io/v1", "{list}");
    assert_eq!(list["kind"], "ResourceList", "{list}");
    let items = list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items list: {list}"));
    assert!(items.iter().all(Value::is_object), "an item is no object");
    let results = match list.get("results") {
        None => &Vec::new(),
        Some(r) => r.as_array().unwrap_or_else(|| panic!("results: {r}")),
    };
    let mut errors = 0;
    for r in results {
        let severity = r["severity"].as_str().unwrap_or_default();
        assert!(
            matches!(severity, "error" | "warning" | "info"),
            "severity {severity:?} in {r}"
        );
        assert!(
            r["message"].as_str().is_some_and(|m| !m.is_empty()),
            "a result without a message: {r}"
        );
        assert_ne!(
            r["tags"]["code"],
            Code::InternalError.as_str(),
            "vmstack failed inside: {r}"
        );
        errors += usize::from(severity == "error");
    }
    assert!(answer.status <= 1, "exit status {}", answer.status);
    assert_eq!(
        answer.status == 1,
        errors > 0,
        "exit status {} with {errors} error results:\n{}",
        answer.status,
        answer.stdout
    );
    list
}
