//! The command line as a person or a CI step meets it: help whose examples run, results shown
//! on the line of the offending field, `render -o` writing and pruning files as kpt does,
//! `check`, nothing to render, stdin, and `install-plugin`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::files::{copy_dir, snapshot};
use common::fixtures::repo;
use common::tools::require_tool;
use vmstack::krm::yaml;

const BIN: &str = env!("CARGO_BIN_EXE_vmstack");

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn vmstack_in(dir: &Path, args: &[&str], stdin: &str) -> Out {
    let out = common::process::run_with_stdin(
        Command::new(BIN).args(args).current_dir(dir),
        stdin.as_bytes(),
    );
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn vmstack(args: &[&str]) -> Out {
    vmstack_in(&repo(""), args, "")
}

/// A temporary folder holding a copy of the repository's examples/.
fn examples_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo("examples"), &tmp.path().join("examples"));
    tmp
}

// ----------------------------------------------------------------------------------------------
// Help, version, usage
// ----------------------------------------------------------------------------------------------

/// The lines under `Examples:` in a help text, without their trailing comments.
fn examples_of(help: &str) -> Vec<String> {
    let section = help
        .split_once("Examples:\n")
        .unwrap_or_else(|| panic!("no Examples: in\n{help}"))
        .1;
    section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.find("  #") {
            Some(i) => l[..i].trim_end().to_string(),
            None => l.to_string(),
        })
        .collect()
}

#[test]
fn every_example_in_the_help_runs() {
    let tmp = examples_copy();
    let bin = tmp.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(BIN, bin.join("vmstack")).unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut path = vec![bin];
    path.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));

    let mut ran = 0;
    for command in [
        &[][..],
        &["render"],
        &["check"],
        &["schema"],
        &["install-plugin"],
    ] {
        let help = vmstack(&[command, &["--help"]].concat());
        assert_eq!(help.code, 0, "{}", help.stderr);
        let examples = examples_of(&help.stdout);
        assert!(
            !examples.is_empty(),
            "vmstack {command:?} --help shows no example"
        );
        for line in examples {
            let tool = line.split_whitespace().find(|w| !w.contains('='));
            let tool = tool.unwrap_or_default();
            if tool != "vmstack"
                && require_tool(tool, &format!("every_example_in_the_help_runs: {line}")).is_none()
            {
                continue;
            }
            let out = Command::new("sh")
                .args(["-c", &line])
                .current_dir(tmp.path())
                .env_clear()
                .env("PATH", std::env::join_paths(&path).unwrap())
                .env("HOME", &home)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "the help example `{line}` failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    assert!(ran >= 15, "only {ran} examples ran");
    // The examples did what they say.
    assert!(tmp.path().join("out/global/helmrelease.yaml").is_file());
    assert!(
        tmp.path()
            .join("clusters/infra/observability-victoria-metrics-global.yaml")
            .is_file()
    );
    assert!(
        home.join(".config/kustomize/plugin/vmstack.dev/v1alpha1/victoriametricsstack/VictoriaMetricsStack")
            .is_file()
    );
    assert!(
        tmp.path()
            .join("plugins/vmstack.dev/v1alpha1/victoriametricsstack/VictoriaMetricsStack")
            .is_file()
    );
}

#[test]
fn help_version_and_usage_errors() {
    let help = vmstack(&["help"]);
    assert_eq!(
        help.code, 0,
        "`vmstack help` is the help, not a file: {}",
        help.stderr
    );
    assert!(help.stdout.contains("Usage:"), "{}", help.stdout);
    for command in ["render", "check", "install-plugin"] {
        assert!(
            help.stdout.contains(command),
            "{command} missing from\n{}",
            help.stdout
        );
    }

    let version = vmstack(&["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("vmstack {}\n", env!("CARGO_PKG_VERSION"))
    );

    for (args, says) in [
        (&["--frobnicate"][..], "--frobnicate"),
        (&["render"], "FILE_OR_DIR"),
        (&["render", "--settings"], "--settings"),
        (
            &["render", "x.yaml", "--variables", "-o", "out"],
            "--variables",
        ),
        (
            &[
                "render",
                "x.yaml",
                "--without-flux-kustomization",
                "--flux-kustomization-dir",
                "d",
            ],
            "--flux-kustomization-dir",
        ),
    ] {
        let out = vmstack(args);
        assert_eq!(out.code, 2, "{args:?} is a usage error: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }

    let missing = vmstack(&["/nonexistent/intent.yaml"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("/nonexistent/intent.yaml"),
        "{}",
        missing.stderr
    );
}

/// With no argument vmstack is the KRM function, which skips the command line entirely; a
/// person at a terminal gets a pointer to the help and exit 2 instead of a silent wait, and
/// `vmstack --` (no argument after clap) behaves the same as a bare `vmstack`.
#[test]
fn no_argument_is_the_function_and_a_terminal_gets_the_help() {
    let Some(script) = require_tool(
        "script",
        "no_argument_is_the_function_and_a_terminal_gets_the_help",
    ) else {
        return;
    };
    // `script` gives the command a pseudo-terminal as stdin.
    for command in [BIN.to_string(), format!("{BIN} --")] {
        let out = Command::new(&script)
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .expect("script runs");
        let shown = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{command}: {shown}");
        assert!(shown.contains("see vmstack --help"), "{command}: {shown}");
    }
    let list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n";
    for args in [&[][..], &["--"][..]] {
        let out = vmstack_in(Path::new("."), args, list);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            out.stdout
                .starts_with("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"),
            "{args:?}: {}",
            out.stdout
        );
    }
}

// ----------------------------------------------------------------------------------------------
// Results on the line of the offending field
// ----------------------------------------------------------------------------------------------

/// Each result's first line (`error[VMS…]: …`) is followed by ` --> file:line:col`.
fn assert_every_result_is_located(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut results = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("error[") || line.starts_with("warning[") || line.starts_with("info[") {
            results += 1;
            let next = lines.get(i + 1).copied().unwrap_or("");
            let location = next
                .trim_start()
                .strip_prefix("--> ")
                .unwrap_or_else(|| panic!("{line:?} is not followed by a location:\n{stderr}"));
            let mut parts = location.rsplitn(3, ':');
            let column: usize = parts.next().unwrap().parse().unwrap();
            let row: usize = parts.next().unwrap().parse().unwrap();
            assert!(column >= 1 && row >= 1, "{location}");
            assert!(Path::new(parts.next().unwrap()).exists() || location.contains("<stdin>"));
        }
    }
    assert!(results > 0, "no result in\n{stderr}");
}

#[test]
fn check_shows_every_problem_on_its_line() {
    let out = vmstack(&["check", "tests/fixtures/bad/several-problems/intent.yaml"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.is_empty(),
        "check writes nothing: {}",
        out.stdout
    );
    assert_every_result_is_located(&out.stderr);
    assert!(out.stderr.contains(
        "  --> tests/fixtures/bad/several-problems/intent.yaml:10:22\n   |\n10 |   replicationFactor: two\n   |                      ^^^"
    ), "{}", out.stderr);
    insta::assert_snapshot!("check_several_problems", out.stderr);
}

#[test]
fn one_run_reports_every_problem_of_every_intent_and_file() {
    // A typo in one intent, an undefined variable in another (the agent's CLUSTER is not in
    // the settings), and a file that is not YAML: all three in one run.
    let out = vmstack(&[
        "check",
        "tests/fixtures/bad/unknown-field/intent.yaml",
        "tests/fixtures/cli/agent.yaml",
        "tests/fixtures/cli/not-yaml.yaml",
        "--settings",
        "tests/fixtures/cli/settings-without-cluster.yaml",
    ]);
    assert_eq!(out.code, 1);
    assert_every_result_is_located(&out.stderr);
    for code in ["error[VMS100]", "error[VMS400]", "error[VMS001]"] {
        assert!(out.stderr.contains(code), "{code} missing:\n{}", out.stderr);
    }
    insta::assert_snapshot!("check_every_problem_of_every_intent", out.stderr);
}

#[test]
fn the_legacy_plugin_call_shows_the_line_too() {
    let out = vmstack(&["tests/fixtures/bad/unknown-field/intent.yaml"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .contains("--> tests/fixtures/bad/unknown-field/intent.yaml:11:5"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean \"replicas\""));
}

#[test]
fn nothing_to_render_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let empty_file = tmp.path().join("empty.yaml");
    std::fs::write(&empty_file, "").unwrap();
    let empty_dir = tmp.path().join("empty");
    std::fs::create_dir_all(&empty_dir).unwrap();
    let out_dir = tmp.path().join("out");
    let no_intent = repo("tests/fixtures/cli/no-intent.yaml");
    for (input, code) in [
        (&empty_file, "VMS002"),
        (&no_intent, "VMS002"),
        (&empty_dir, "VMS001"),
    ] {
        let input = input.to_str().unwrap();
        for args in [
            vec!["render", input],
            vec!["render", input, "-o", out_dir.to_str().unwrap()],
            vec!["check", input],
        ] {
            let out = vmstack(&args);
            assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
            assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
            assert!(out.stderr.contains(code), "{args:?}: {}", out.stderr);
            assert!(!out_dir.exists(), "{args:?} created the output folder");
        }
    }
    let out = vmstack(&["render", "tests/fixtures/cli/no-intent.yaml"]);
    insta::assert_snapshot!("nothing_to_render", out.stderr);
}

#[test]
fn input_over_a_bound_is_refused_with_its_code() {
    // An endless stdin stops at the input size limit.
    let out = Command::new(BIN)
        .args(["render", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[VMS004]"), "{stderr}");
    assert!(out.stdout.is_empty());

    // In a package, each bad file is reported with its bound's code; the others are read.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("examples/kustomize/vmstack.yaml"),
        tmp.path().join("vmstack.yaml"),
    )
    .unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("kind: A\n".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(tmp.path().join("utf16.yaml"), utf16).unwrap();
    let deep = format!("a: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(tmp.path().join("deep.yaml"), deep).unwrap();
    let out = vmstack(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for code in ["error[VMS003]", "error[VMS005]"] {
        assert!(out.stderr.contains(code), "{code}: {}", out.stderr);
    }
    assert!(out.stderr.contains("UTF-16"), "{}", out.stderr);
    assert!(
        !out.stderr.contains("VMS002"),
        "the intent was read: {}",
        out.stderr
    );
}

// ----------------------------------------------------------------------------------------------
// render
// ----------------------------------------------------------------------------------------------

#[test]
fn render_reads_stdin_for_a_dash() {
    let intent = std::fs::read_to_string(repo("examples/kustomize/vmstack.yaml")).unwrap();
    let out = vmstack_in(&repo(""), &["render", "-"], &intent);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let docs = yaml::parse_documents(&out.stdout).unwrap();
    assert!(docs.iter().any(|d| d["kind"] == "HelmRelease"));
    assert!(docs.iter().all(|d| d["kind"] != "VictoriaMetricsStack"));
}

/// The committed kpt output of a package: every file below `folder`.
fn committed(package: &str, folder: &str) -> BTreeMap<String, Vec<u8>> {
    common::files::below(&snapshot(&repo(package)), folder)
}

#[test]
fn render_o_writes_what_kpt_wrote_and_then_changes_nothing() {
    for (package, folder) in [
        ("examples/seed/infra", "global"),
        ("examples/seed/apps", "stack"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let run = vmstack(&["render", package, "-o", out.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let written = snapshot(&out);
        assert_eq!(
            written
                .keys()
                .filter(|k| !k.starts_with(&format!("{folder}/")))
                .count(),
            0,
            "only {folder}/ is written: {:?}",
            written.keys()
        );
        let expected = committed(package, folder);
        let written = common::files::below(&written, folder);
        assert_eq!(
            written.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>()
        );
        for (file, bytes) in &expected {
            assert!(
                written[file] == *bytes,
                "{package}/{folder}/{file} differs from the committed kpt output:\n{}",
                String::from_utf8_lossy(&written[file])
            );
        }
        let again = vmstack(&["render", package, "-o", out.to_str().unwrap()]);
        assert_eq!(again.code, 0);
        assert!(
            again.stderr.contains("0 written") && again.stderr.contains("0 removed"),
            "{}",
            again.stderr
        );
    }
}

#[test]
fn render_in_place_prunes_what_the_intent_no_longer_produces() {
    let tmp = examples_copy();
    let pkg = tmp.path().join("examples/seed/infra");
    let hand_written = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n";
    std::fs::write(pkg.join("global/notes.yaml"), hand_written).unwrap();
    let intent = pkg.join("vmstack.yaml");
    let text = std::fs::read_to_string(&intent).unwrap();
    std::fs::write(
        &intent,
        text.replacen(
            "  replicationFactor: 2\n",
            "  replicationFactor: 2\n  networkPolicies:\n    enabled: false\n",
            1,
        ),
    )
    .unwrap();
    let p = pkg.to_str().unwrap();
    let run = vmstack(&["render", p, "-o", p]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 removed"), "{}", run.stderr);
    assert!(!pkg.join("global/networkpolicy.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(pkg.join("global/notes.yaml")).unwrap(),
        hand_written,
        "a file vmstack did not write is left alone"
    );
    let index = std::fs::read_to_string(pkg.join("global/kustomization.yaml")).unwrap();
    assert!(!index.contains("networkpolicy.yaml"), "{index}");
    assert_eq!(
        std::fs::read_to_string(&intent)
            .unwrap()
            .matches("local-config")
            .count(),
        text.matches("local-config").count(),
        "render -o never rewrites its input"
    );
}

#[test]
fn render_never_overwrites_a_file_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("global")).unwrap();
    let mine = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n";
    std::fs::write(out.join("global/pdb.yaml"), mine).unwrap();
    let run = vmstack(&["render", "examples/seed/infra", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("pdb.yaml") && run.stderr.contains("mine"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(out.join("global/pdb.yaml")).unwrap(),
        mine
    );
    assert_eq!(snapshot(&out).len(), 1, "nothing else is written");
}

#[test]
fn the_flux_kustomization_can_be_left_out_or_written_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    let with = vmstack(&["render", "examples/seed/infra", "-o", o]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    let ks = std::fs::read(out.join("global/ks.yaml")).unwrap();

    let without = vmstack(&[
        "render",
        "examples/seed/infra",
        "-o",
        o,
        "--without-flux-kustomization",
    ]);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert!(
        !out.join("global/ks.yaml").exists(),
        "the earlier ks.yaml is pruned"
    );
    assert!(out.join("global/helmrelease.yaml").exists());

    let flux = tmp.path().join("flux");
    let apart = vmstack(&[
        "render",
        "examples/seed/infra",
        "-o",
        o,
        "--flux-kustomization-dir",
        flux.to_str().unwrap(),
    ]);
    assert_eq!(apart.code, 0, "{}", apart.stderr);
    // The same Kustomization, but for its fingerprint, which names the file it is in.
    let apart_ks =
        std::fs::read_to_string(flux.join("observability-victoria-metrics-global.yaml")).unwrap();
    let fingerprint = |text: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with("vmstack.dev/fingerprint:"))
            .map(str::to_string)
    };
    let ks = String::from_utf8(ks).unwrap();
    assert_ne!(fingerprint(&apart_ks), None);
    assert_ne!(fingerprint(&apart_ks), fingerprint(&ks));
    let without_fingerprint = |text: &str| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with("vmstack.dev/fingerprint:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_fingerprint(&apart_ks),
        without_fingerprint(&ks),
        "the same Kustomization, in its own folder"
    );
    assert!(!out.join("global/ks.yaml").exists());

    let stream = vmstack(&[
        "render",
        "examples/seed/infra/vmstack.yaml",
        "--without-flux-kustomization",
    ]);
    assert_eq!(stream.code, 0);
    let docs = yaml::parse_documents(&stream.stdout).unwrap();
    assert!(docs.iter().any(|d| d["kind"] == "HelmRelease"));
    assert!(
        !docs
            .iter()
            .any(|d| d["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1"),
        "{}",
        stream.stdout
    );
}

#[test]
fn a_folder_of_packages_renders_each_into_its_own_place() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = vmstack(&["render", "examples/seed", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = snapshot(&out);
    assert_eq!(
        common::files::below(&written, "infra/global"),
        committed("examples/seed/infra", "global")
    );
    assert_eq!(
        common::files::below(&written, "apps/stack"),
        committed("examples/seed/apps", "stack")
    );
    // examples/kustomize is left out as a folder: its rendered.yaml, a saved `kubectl kustomize`
    // of the intent beside it, holds the objects the intent generates (tests/ownership.rs).
    let check = vmstack(&[
        "check",
        "examples/seed",
        "examples/clustermesh",
        "examples/vmauth",
        "examples/kustomize/vmstack.yaml",
    ]);
    assert_eq!(
        check.code, 0,
        "each Kptfile package is checked on its own: {}",
        check.stderr
    );
    assert!(
        check.stderr.contains("7 intents checked"),
        "{}",
        check.stderr
    );
}

// ----------------------------------------------------------------------------------------------
// install-plugin
// ----------------------------------------------------------------------------------------------

fn plugin_at(home: &Path) -> PathBuf {
    home.join("vmstack.dev/v1alpha1/victoriametricsstack/VictoriaMetricsStack")
}

#[test]
fn install_plugin_puts_the_binary_where_kustomize_looks() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let run = |args: &[&str], env: &[(&str, &Path)]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("KUSTOMIZE_PLUGIN_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env("HOME", &home);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    };

    let default = run(&["install-plugin"], &[]);
    assert_eq!(default, plugin_at(&home.join(".config/kustomize/plugin")));
    assert_eq!(
        std::fs::read(&default).unwrap(),
        std::fs::read(BIN).unwrap()
    );

    let xdg = tmp.path().join("xdg");
    std::fs::create_dir_all(xdg.join("kustomize/plugin")).unwrap();
    let with_xdg = run(&["install-plugin"], &[("XDG_CONFIG_HOME", &xdg)]);
    assert_eq!(with_xdg, plugin_at(&xdg.join("kustomize/plugin")));

    let chosen = tmp.path().join("chosen");
    assert_eq!(
        run(&["install-plugin", "--dir", chosen.to_str().unwrap()], &[]),
        plugin_at(&chosen)
    );
}

/// The terminal output the README and docs/hosts.md show is what vmstack prints.
#[test]
fn the_output_shown_in_the_docs_is_the_real_output() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let command = "$ vmstack check tests/fixtures/bad/unknown-field/intent.yaml\n";
    let shown = readme
        .split_once(command)
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("README shows the check of the unknown-field fixture");
    let out = vmstack(&["check", "tests/fixtures/bad/unknown-field/intent.yaml"]);
    assert_eq!(out.stderr, shown, "README.md");

    let hosts = std::fs::read_to_string(repo("docs/hosts.md")).unwrap();
    let shown = hosts
        .split_once("At a terminal each problem is shown on its line:\n\n```\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("docs/hosts.md shows a located problem");
    let out = vmstack(&["check", "tests/fixtures/bad/several-problems/intent.yaml"]);
    assert!(
        out.stderr.contains(shown),
        "docs/hosts.md:\n{shown}\nvs\n{}",
        out.stderr
    );
}

/// Typed at a terminal with nothing piped in, `vmstack` says what it is instead of waiting.
#[test]
fn at_a_terminal_vmstack_alone_explains_itself() {
    let Some(script) = require_tool("script", "at_a_terminal_vmstack_alone_explains_itself") else {
        return;
    };
    // `script` runs the command on a fresh pseudo-terminal.
    let out = Command::new(script)
        .args(["-qec", BIN, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("reads a ResourceList on stdin"),
        "{out:?}"
    );
}

/// A result about a generated object points at the intent's line that writes its variable,
/// never at last run's output read back in with the package.
#[test]
fn an_undefined_variable_is_shown_where_the_intent_writes_it() {
    let tmp = examples_copy();
    let pkg = tmp.path().join("examples/seed/infra");
    let settings = std::fs::read_to_string(pkg.join("cluster-settings.yaml")).unwrap();
    let without: String = settings
        .lines()
        .filter(|l| !l.contains("VM_STORAGE_SIZE"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(pkg.join("cluster-settings.yaml"), without).unwrap();
    let intent = std::fs::read_to_string(pkg.join("vmstack.yaml")).unwrap();
    let (row, line) = intent
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("${VM_STORAGE_SIZE}"))
        .unwrap();
    let column = line.find("${").unwrap() + 1;
    let out = vmstack_in(tmp.path(), &["check", "examples/seed/infra"], "");
    assert_eq!(out.code, 1);
    let at = format!(
        "--> examples/seed/infra/vmstack.yaml:{}:{column}\n",
        row + 1
    );
    assert!(out.stderr.contains(&at), "{at}\n{}", out.stderr);
    assert!(
        !out.stderr.contains("--> examples/seed/infra/global/"),
        "{}",
        out.stderr
    );
}
