//! The adopter's side, as docs/install.md and docs/workflows.md give it: `cargo install` from a
//! checkout, the CI workflow file's steps and the pre-commit hook, each run for real in a scratch
//! git repository laid out as the workflow says (the seed's two clusters under `clusters/`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::files::copy_dir;
use common::fixtures::repo;
use common::tools::require_tool;
use serde_json::Value;
use vmstack::krm::yaml;

const BIN: &str = env!("CARGO_BIN_EXE_vmstack");

fn describe(out: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A scratch repository: the seed's packages as `clusters/infra` and `clusters/apps`, committed,
/// with `vmstack` on the PATH its commands get.
struct Scratch {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    home: PathBuf,
    path: std::ffi::OsString,
}

impl Scratch {
    fn new() -> Scratch {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let bin = tmp.path().join("bin");
        for dir in [&home, &bin] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::os::unix::fs::symlink(BIN, bin.join("vmstack")).unwrap();
        let mut dirs = vec![bin];
        dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap()));
        let scratch = Scratch {
            repo: tmp.path().join("repo"),
            home,
            path: std::env::join_paths(dirs).unwrap(),
            _tmp: tmp,
        };
        for (from, to) in [
            ("examples/seed/infra", "infra"),
            ("examples/seed/apps", "apps"),
        ] {
            copy_dir(&repo(from), &scratch.repo.join("clusters").join(to));
        }
        scratch.git(&["init", "--quiet", "--initial-branch=main"]);
        scratch.git(&["config", "user.email", "ci@example.com"]);
        scratch.git(&["config", "user.name", "CI"]);
        scratch.git(&["add", "--all"]);
        scratch.git(&["commit", "--quiet", "-m", "the clusters"]);
        scratch
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.repo)
            .env("PATH", &self.path)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1");
        cmd
    }

    fn try_git(&self, args: &[&str]) -> Output {
        self.command("git").args(args).output().unwrap()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.try_git(args);
        assert!(out.status.success(), "git {args:?}: {}", describe(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Replaces the one occurrence of `from` in a file of the repository.
    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.repo.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{file}: {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

fn git_available(test: &str) -> bool {
    require_tool("git", test).is_some()
}

// ----------------------------------------------------------------------------------------------
// docs/install.md: cargo install from a checkout
// ----------------------------------------------------------------------------------------------

#[test]
fn cargo_install_from_a_checkout_installs_a_working_vmstack() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    // As docs/install.md says, with the repository's own target folder so that an earlier
    // release build is reused.
    let out = Command::new(env!("CARGO"))
        .args(["install", "--locked", "--quiet", "--path"])
        .arg(repo(""))
        .arg("--root")
        .arg(&root)
        .arg("--target-dir")
        .arg(repo("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    // The checkout's .cargo/config.toml makes it the static binary (docs/install.md).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    assert_eq!(
        common::elf::needs(&root.join("bin/vmstack")),
        common::elf::Needs::STATIC,
        "cargo install --path . did not build the static binary"
    );
    let version = Command::new(root.join("bin/vmstack"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("vmstack {}\n", env!("CARGO_PKG_VERSION"))
    );
}

// ----------------------------------------------------------------------------------------------
// docs/ci/github-workflow.yaml
// ----------------------------------------------------------------------------------------------

struct Step {
    name: String,
    run: String,
}

fn workflow() -> (String, Vec<Step>) {
    let text = std::fs::read_to_string(repo("docs/ci/github-workflow.yaml")).unwrap();
    let workflow: Value = yaml::parse_document(&text).unwrap();
    let packages = workflow["env"]["VMSTACK_PACKAGES"]
        .as_str()
        .unwrap()
        .to_string();
    let steps = workflow["jobs"]["render"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| {
            Some(Step {
                name: s["name"].as_str().unwrap_or_default().to_string(),
                run: s["run"].as_str()?.to_string(),
            })
        })
        .collect();
    (packages, steps)
}

/// Runs the workflow's steps after the install (the test's vmstack is on PATH already): the
/// outcome of each, by name.
fn run_workflow(scratch: &Scratch) -> Vec<(String, Output)> {
    let (packages, steps) = workflow();
    let github_path = scratch.home.join("github-path");
    steps
        .into_iter()
        .filter(|s| s.name != "Install vmstack")
        .map(|s| {
            let out = scratch
                .command("bash")
                .args(["-e", "-c", &s.run])
                .env("VMSTACK_PACKAGES", &packages)
                .env("GITHUB_PATH", &github_path)
                .output()
                .unwrap();
            (s.name, out)
        })
        .collect()
}

#[test]
fn the_workflow_installs_vmstack_the_way_the_install_test_does() {
    let (packages, steps) = workflow();
    assert_eq!(packages, "clusters/infra clusters/apps");
    let install = steps
        .iter()
        .find(|s| s.name == "Install vmstack")
        .expect("an install step");
    assert!(
        install
            .run
            .starts_with("cargo install --locked --path .vmstack "),
        "{}",
        install.run
    );
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Install vmstack",
            "Check every intent",
            "Render",
            "Fail when the committed output is stale"
        ]
    );
}

#[test]
fn the_ci_workflow_passes_on_fresh_output_and_fails_on_stale_output() {
    if !git_available("the_ci_workflow_passes_on_fresh_output_and_fails_on_stale_output") {
        return;
    }
    let scratch = Scratch::new();
    for (name, out) in run_workflow(&scratch) {
        assert!(
            out.status.success(),
            "{name} failed on fresh output: {}",
            describe(&out)
        );
    }

    // An intent edited and committed without rendering: the last step catches it.
    scratch.edit(
        "clusters/apps/vmstack.yaml",
        "cilium: true",
        "cilium: false",
    );
    scratch.git(&["commit", "--quiet", "--all", "-m", "no cilium scrapes"]);
    let outcome = run_workflow(&scratch);
    let (last, failed) = outcome.last().unwrap();
    assert_eq!(last, "Fail when the committed output is stale");
    assert_eq!(failed.status.code(), Some(1), "{}", describe(failed));
    assert!(
        String::from_utf8_lossy(&failed.stdout).contains("clusters/apps/stack/scrape.yaml"),
        "{}",
        describe(failed)
    );
    for (name, out) in &outcome[..outcome.len() - 1] {
        assert!(out.status.success(), "{name}: {}", describe(out));
    }

    // A mistake in an intent fails the check step, on the line of the field.
    scratch.edit(
        "clusters/infra/vmstack.yaml",
        "    replicas: 3\n",
        "    replica: 3\n",
    );
    let outcome = run_workflow(&scratch);
    let (name, check) = &outcome[0];
    assert_eq!(name, "Check every intent");
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("error[VMS100]") && stderr.contains("--> clusters/infra/vmstack.yaml:"),
        "{stderr}"
    );
}

// ----------------------------------------------------------------------------------------------
// docs/ci/pre-commit
// ----------------------------------------------------------------------------------------------

fn install_hook(scratch: &Scratch) {
    let hook = scratch.repo.join(".git/hooks/pre-commit");
    std::fs::copy(repo("docs/ci/pre-commit"), &hook).unwrap();
    scratch.git(&["config", "vmstack.packages", "clusters/infra clusters/apps"]);
}

fn commit(scratch: &Scratch, message: &str) -> Output {
    scratch.try_git(&["commit", "--quiet", "-m", message])
}

#[test]
fn the_pre_commit_hook_stops_a_commit_whose_output_is_stale() {
    if !git_available("the_pre_commit_hook_stops_a_commit_whose_output_is_stale") {
        return;
    }
    let scratch = Scratch::new();
    install_hook(&scratch);

    scratch.edit(
        "clusters/apps/vmstack.yaml",
        "cilium: true",
        "cilium: false",
    );
    scratch.git(&["add", "clusters/apps/vmstack.yaml"]);
    let stopped = commit(&scratch, "no cilium scrapes");
    assert!(!stopped.status.success(), "{}", describe(&stopped));
    assert!(
        String::from_utf8_lossy(&stopped.stderr).contains("rendering changed these files"),
        "{}",
        describe(&stopped)
    );
    assert!(
        scratch
            .git(&["status", "--porcelain"])
            .contains("clusters/apps/stack/scrape.yaml"),
        "the hook re-rendered the output"
    );

    scratch.git(&["add", "--all"]);
    let done = commit(&scratch, "no cilium scrapes");
    assert!(done.status.success(), "{}", describe(&done));
    assert_eq!(scratch.git(&["status", "--porcelain"]), "");
    let committed = scratch.git(&["show", "HEAD:clusters/apps/stack/scrape.yaml"]);
    assert!(!committed.contains("kind: VMPodScrape"), "{committed}");
}

#[test]
fn the_pre_commit_hook_stops_a_commit_of_a_bad_intent() {
    if !git_available("the_pre_commit_hook_stops_a_commit_of_a_bad_intent") {
        return;
    }
    let scratch = Scratch::new();
    install_hook(&scratch);
    scratch.edit(
        "clusters/infra/vmstack.yaml",
        "    replicas: 3\n",
        "    replica: 3\n",
    );
    scratch.git(&["add", "--all"]);
    let stopped = commit(&scratch, "a typo");
    assert!(!stopped.status.success());
    let stderr = String::from_utf8_lossy(&stopped.stderr);
    assert!(
        stderr.contains("error[VMS100]") && stderr.contains("--> clusters/infra/vmstack.yaml:"),
        "{stderr}"
    );
    assert_eq!(scratch.git(&["log", "--oneline"]).lines().count(), 1);
}

#[test]
fn the_pre_commit_hook_asks_which_folders_when_none_is_named() {
    if !git_available("the_pre_commit_hook_asks_which_folders_when_none_is_named") {
        return;
    }
    let scratch = Scratch::new();
    let hook = scratch.repo.join(".git/hooks/pre-commit");
    std::fs::copy(repo("docs/ci/pre-commit"), &hook).unwrap();
    scratch.edit(
        "clusters/apps/vmstack.yaml",
        "cilium: true",
        "cilium: false",
    );
    scratch.git(&["add", "--all"]);
    let stopped = commit(&scratch, "unconfigured");
    assert!(!stopped.status.success());
    assert!(
        String::from_utf8_lossy(&stopped.stderr).contains("git config vmstack.packages"),
        "{}",
        describe(&stopped)
    );
}

// ----------------------------------------------------------------------------------------------
// docs/migrating.md
// ----------------------------------------------------------------------------------------------

/// The seed's hand-written kustomization.yaml (story step T2) and a HelmRelease written by hand.
const HAND_WRITTEN: &[(&str, &str)] = &[
    (
        "kustomization.yaml",
        "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: observability\nresources:\n  - helmrelease.yaml\n",
    ),
    (
        "helmrelease.yaml",
        "---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: victoria-metrics-global\n  namespace: observability\nspec:\n  interval: 30m\n",
    ),
];

#[test]
fn migrating_replaces_hand_written_files_only_once_they_are_gone() {
    if !git_available("migrating_replaces_hand_written_files_only_once_they_are_gone") {
        return;
    }
    let scratch = Scratch::new();
    let global = scratch.repo.join("clusters/infra/global");
    std::fs::remove_dir_all(&global).unwrap();
    std::fs::create_dir_all(&global).unwrap();
    for (file, text) in HAND_WRITTEN {
        std::fs::write(global.join(file), text).unwrap();
    }
    scratch.git(&["add", "--all"]);
    scratch.git(&["commit", "--quiet", "-m", "hand-written"]);

    let render = || {
        scratch
            .command("vmstack")
            .args(["render", "clusters/infra", "-o", "clusters/infra"])
            .output()
            .unwrap()
    };
    let refused = render();
    assert_eq!(refused.status.code(), Some(1), "{}", describe(&refused));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    for (file, _) in HAND_WRITTEN {
        assert!(stderr.contains(file), "{file} is named: {stderr}");
    }
    assert_eq!(
        scratch.git(&["status", "--porcelain"]),
        "",
        "nothing changed"
    );

    scratch.git(&["rm", "-r", "-q", "clusters/infra/global"]);
    let rendered = render();
    assert!(rendered.status.success(), "{}", describe(&rendered));
    scratch.git(&["add", "clusters/infra"]);
    let expected = common::files::snapshot(&repo("examples/seed/infra/global"));
    let written = common::files::snapshot(&global);
    assert!(
        written == expected,
        "the same files as examples/seed/infra/global"
    );
}
