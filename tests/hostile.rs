//! The hostile corpus (`tests/fixtures/hostile/<case>/`, format in its README.md): each case runs
//! the real binary, bounded in time and memory, and must give exactly the errors its `expected`
//! file lists (code, severity, field path, a fragment of the message), the warnings and notes
//! it lists, and its exit code. In ResourceList mode a ResourceList always comes back. In every
//! mode no line on a terminal holds a control character, and every result header names a real
//! code, so that no input can forge a line.

#[path = "hostile/bounded.rs"]
mod bounded;
mod common;
#[path = "hostile/expected.rs"]
mod expected;
#[path = "hostile/input.rs"]
mod input;

use std::path::Path;
use std::sync::Mutex;

use expected::{Expected, ExpectedResult, Field, Run};
use serde_json::Value;
use vmstack::code::Code;
use vmstack::terminal::{escape, is_unsafe};

/// The start of a long output, for a failure's message.
fn head(text: &str) -> &str {
    let end = (0..=text.len().min(4000))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    &text[..end]
}

/// A result as the run gave it.
#[derive(Debug)]
struct Given {
    severity: String,
    code: String,
    field: Option<String>,
    message: String,
    /// On the command line: the whole block shown for the result (the field path is somewhere in it).
    shown: Option<String>,
}

impl Given {
    fn matches(&self, e: &ExpectedResult) -> bool {
        let field = match (&e.field, &self.shown) {
            (Field::Any, _) | (Field::Absent, Some(_)) => true,
            (Field::Absent, None) => self.field.is_none(),
            (Field::Path(f), None) => self.field.as_deref() == Some(f.as_str()),
            (Field::Path(f), Some(block)) => block.contains(escape(f).as_ref()),
        };
        self.severity == e.severity
            && self.code == e.code
            && field
            && self.message.contains(&e.fragment)
    }

    fn as_expected(&self) -> ExpectedResult {
        let first_line = self.message.lines().next().unwrap_or("");
        ExpectedResult {
            severity: self.severity.clone(),
            code: self.code.clone(),
            field: self.field.clone().map_or(Field::Absent, Field::Path),
            fragment: first_line.chars().take(60).collect(),
        }
    }
}

/// The ResourceList on stdout, read as a host reads it: echoed items are written as their own
/// text, so what the input held (`1e400`, a 20,000-item list) is read as a host would read it,
/// past vmstack's own reader's bounds. A key written twice is refused: no reader can tell which
/// value holds.
fn read_output(text: &str) -> Result<Value, serde_saphyr::Error> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = usize::MAX;
    budget.max_events = usize::MAX;
    budget.max_total_scalar_bytes = usize::MAX;
    budget.max_reader_input_bytes = None;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    serde_saphyr::from_str_with_options(text, options)
}

/// The results of the ResourceList on stdout, after asserting it is one.
fn resource_list_results(stdout: &[u8], expected: &Expected) -> Vec<Given> {
    let text = std::str::from_utf8(stdout).expect("stdout is UTF-8");
    let rl = read_output(text)
        .unwrap_or_else(|e| panic!("stdout is not one YAML document ({e}):\n{}", head(text)));
    assert_eq!(rl["kind"], "ResourceList", "stdout:\n{}", head(text));
    assert!(
        rl["apiVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("config.kubernetes.io/")),
        "stdout:\n{}",
        head(text)
    );
    let items = rl["items"].as_array().expect("a ResourceList has items");
    if let Some(n) = expected.items {
        assert!(
            n.admits(items.len()),
            "{} items written, want {n:?}",
            items.len()
        );
    }
    rl["results"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|r| Given {
            severity: r["severity"].as_str().unwrap_or("error").to_string(),
            code: r["tags"]["code"].as_str().unwrap_or("").to_string(),
            field: r["field"]["path"].as_str().map(str::to_string),
            message: r["message"].as_str().unwrap_or("").to_string(),
            shown: None,
        })
        .collect()
}

/// A result's first line, `error[VMS114]…` → (severity, code, what follows the code: `: message`
/// on the command line, ` Kind/namespace/name field: message` in ResourceList mode).
fn header(line: &str) -> Option<(&str, &str, &str)> {
    let (severity, rest) = line.split_once('[')?;
    if !matches!(severity, "error" | "warning" | "info") {
        return None;
    }
    rest.split_once(']')
        .map(|(code, after)| (severity, code, after))
}

/// The results the command line showed on stderr, one block each.
fn shown_results(stderr: &str) -> Vec<Given> {
    let mut out: Vec<Given> = Vec::new();
    for line in stderr.lines() {
        if let Some((severity, code, after)) = header(line) {
            out.push(Given {
                severity: severity.into(),
                code: code.into(),
                field: None,
                message: after.strip_prefix(": ").unwrap_or(after).into(),
                shown: Some(String::new()),
            });
        } else if line.starts_with("vmstack: ") {
            continue;
        }
        if let Some(block) = out.last_mut().and_then(|g| g.shown.as_mut()) {
            block.push_str(line);
            block.push('\n');
        }
    }
    out
}

/// No line meant for a terminal holds a character a terminal acts on, and every header names a
/// code of the registry: whatever the input, nothing in it can forge a line.
fn assert_terminal_safe(what: &str, text: &str, allowed: &[char]) {
    let bad: Vec<String> = text
        .chars()
        .filter(|&c| is_unsafe(c) && c != '\n' && !allowed.contains(&c))
        .map(|c| format!("{:?}", c))
        .collect();
    assert!(bad.is_empty(), "{what} holds {bad:?}:\n{text}");
    for line in text.lines() {
        if let Some((_, code, _)) = header(line) {
            assert!(
                Code::ALL.iter().any(|c| c.as_str() == code),
                "{what} has a line with a code vmstack does not have: {line:?}"
            );
        }
    }
}

fn check_case(dir: &Path, expected: &Expected) {
    // The command line runs in a copy of the case: whatever it writes stays out of the repository.
    let copy = tempfile::tempdir().unwrap();
    let (args, stdin, at) = match &expected.run {
        Run::Stdin => (Vec::new(), Some(input::of_case(dir).unwrap()), dir),
        Run::Cli(args) => {
            common::files::copy_dir(dir, copy.path());
            (args.clone(), None, copy.path())
        }
    };
    let out = bounded::run(at, &args, stdin);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.timed_out,
        "killed after {:?} (the safety net)\nstderr:\n{stderr}",
        bounded::WALL_CLOCK
    );
    assert_eq!(
        out.exit,
        Some(expected.exit),
        "exit status (None: killed, perhaps past the {} MiB address-space bound or {} s of CPU)\nstderr:\n{stderr}",
        bounded::MEMORY_BYTES >> 20,
        bounded::CPU_SECONDS
    );
    assert_terminal_safe("stderr", &stderr, &[]);
    let given = match &expected.run {
        Run::Stdin => resource_list_results(&out.stdout, expected),
        Run::Cli(args) => {
            if args.iter().any(|a| a == "--variables") {
                assert_terminal_safe("the inventory", &stdout, &['\t']);
                for line in stdout.lines() {
                    assert_eq!(line.matches('\t').count(), 3, "inventory row {line:?}");
                }
            } else if args.first().is_some_and(|a| a == "plan") {
                assert_terminal_safe("the plan", &stdout, &[]);
            }
            shown_results(&stderr)
        }
    };
    if expected.run == Run::Stdin {
        let errors = given.iter().filter(|g| g.severity == "error").count();
        assert_eq!(
            out.exit != Some(0),
            errors > 0,
            "in ResourceList mode, exit 1 if and only if an error result"
        );
    }
    let missing: Vec<&ExpectedResult> = expected
        .results
        .iter()
        .filter(|e| !given.iter().any(|g| g.matches(e)))
        .collect();
    let unexpected: Vec<&Given> = given
        .iter()
        .filter(|g| g.severity == "error" && !expected.results.iter().any(|e| g.matches(e)))
        .collect();
    let listing = || {
        given
            .iter()
            .map(|g| g.as_expected().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "missing: {missing:#?}\nunexpected errors: {unexpected:#?}\nthe run gave:\n{}\nstderr:\n{stderr}",
        listing()
    );
    for f in &expected.stdout {
        assert!(
            stdout.contains(f.as_str()),
            "stdout lacks {f:?}:\n{}",
            head(&stdout)
        );
    }
    for f in &expected.stdout_not {
        assert!(
            !stdout.contains(f.as_str()),
            "stdout holds {f:?}:\n{}",
            head(&stdout)
        );
    }
    for f in &expected.stderr {
        assert!(stderr.contains(f.as_str()), "stderr lacks {f:?}:\n{stderr}");
    }
    for f in &expected.stderr_not {
        assert!(
            !stderr.contains(f.as_str()),
            "stderr holds {f:?}:\n{stderr}"
        );
    }
    for p in &expected.not_written {
        assert!(!at.join(p).exists(), "{p} was written");
    }
}

#[test]
fn every_hostile_case_gives_its_expected_answer() {
    let known = Mutex::new(Vec::new());
    common::fixtures::check_each_case("hostile", |name, dir| {
        eprintln!("--- case {name}");
        let expected = Expected::read(&dir.join("expected")).unwrap();
        let Some(why) = &expected.known_failure else {
            return check_case(dir, &expected);
        };
        let run = std::panic::catch_unwind(|| check_case(dir, &expected));
        assert!(
            run.is_err(),
            "{name} passes now: remove its `known-failure:` line"
        );
        known.lock().unwrap().push(format!("{name}: {why}"));
    });
    for k in known.into_inner().unwrap() {
        eprintln!("known failure: {k}");
    }
}

#[test]
fn the_corpus_has_forty_cases_at_least() {
    let cases = common::fixtures::cases("hostile");
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
}

/// The checks above can fail: a forged line, a stray control character, a missing result.
#[test]
fn the_checks_catch_what_they_are_for() {
    let forged =
        std::panic::catch_unwind(|| assert_terminal_safe("stderr", "error[VMS000]: forged\n", &[]));
    assert!(forged.is_err());
    let escape_sequence = std::panic::catch_unwind(|| {
        assert_terminal_safe("stderr", "error[VMS001]: a \u{1b}[2K b\n", &[])
    });
    assert!(escape_sequence.is_err());
    assert_terminal_safe("stderr", "error[VMS001]: fine\n  --> x:1:1\n", &[]);
    let shown = shown_results(
        "error[VMS119]: \"..\" has a `..` segment\n --> a.yaml:7:14\n  |\n7 |   directory: ..\n  |              ^^ spec.directory\nvmstack: 1 error\n",
    );
    assert_eq!(shown.len(), 1);
    let want = ExpectedResult {
        severity: "error".into(),
        code: "VMS119".into(),
        field: Field::Path("spec.directory".into()),
        fragment: "segment".into(),
    };
    assert!(shown[0].matches(&want));
    let other_field = ExpectedResult {
        field: Field::Path("spec.role".into()),
        ..want
    };
    assert!(!shown[0].matches(&other_field));
}
