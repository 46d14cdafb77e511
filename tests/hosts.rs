//! End-to-end tests that drive the real hosts (kpt, kubectl's built-in kustomize) with the real
//! binary, on temporary copies of the example packages.
//!
//! A host that is missing is never a silent pass: the test prints loudly that it checked nothing,
//! and under CI (`CI=true`) it fails. That includes standalone kustomize 4.5.4 (`.ci/run`
//! installs it from npm), the one host here that runs vmstack as a KRM exec function.
//!
//! Note on byte-for-byte checks: kpt rewrites every file of a package it renders in its own YAML
//! style (two-space maps, sequences not indented under their key, one space before a comment),
//! whatever the function does. A hand-written file only survives a render byte for byte when it
//! is already in that style, so the extra files written here are. Scalar quoting and flow style
//! are another matter: kpt keeps them (a no-op `cat` function leaves `key: "value"` and `{a: b}`
//! alone), and so does vmstack, which writes every item it does not change as its own text;
//! see `kpt_render_keeps_the_quoting_and_flow_style_of_foreign_files`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::files::{copy_dir, snapshot};
use common::tools::{require_tool, shout};
use serde_json::Value;
use vmstack::krm::yaml::parse_documents;

const BIN: &str = env!("CARGO_BIN_EXE_vmstack");
const OWNER: &str = "vmstack.dev/owner";
const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";
const KIND: &str = "VictoriaMetricsStack";

// ----------------------------------------------------------------------------------------------
// Files and processes
// ----------------------------------------------------------------------------------------------

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Asserts two snapshots hold the same files with the same bytes, naming the first difference.
fn assert_same_tree(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let b: BTreeSet<&String> = before.keys().collect();
    let a: BTreeSet<&String> = after.keys().collect();
    assert_eq!(b, a, "{what}: the set of files changed");
    for (path, bytes) in before {
        assert!(
            after[path] == *bytes,
            "{what}: {path} changed.\n--- before ---\n{}\n--- after ---\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&after[path])
        );
    }
}

/// A folder holding only a link (or copy) of the binary named `name`.
fn bin_dir(parent: &Path, name: &str) -> PathBuf {
    let dir = parent.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    link_binary(&dir.join(name));
    dir
}

fn link_binary(to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(BIN, to).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(BIN, to).unwrap();
}

fn path_with(first: &Path) -> std::ffi::OsString {
    let mut dirs = vec![first.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap()
}

struct Run {
    ok: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            ok: out.status.success(),
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
    fn both(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// `kpt fn render --allow-exec PKG` with the binary first on PATH, as `exec: vmstack` needs.
fn kpt_render(kpt: &Path, bin: &Path, pkg: &Path) -> Run {
    Run::from(
        Command::new(kpt)
            .args(["fn", "render", "--allow-exec"])
            .arg(pkg)
            .env("PATH", path_with(bin))
            // kpt also looks for `exec:` in its working directory: keep that one empty of binaries.
            .current_dir(pkg.parent().unwrap())
            .output()
            .expect("running kpt"),
    )
}

/// A package holding copies of repository intents, each under its new file name.
fn package_of(tmp: &Path, intents: &[(&str, &str)]) -> PathBuf {
    let pkg = tmp.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (from, to) in intents {
        std::fs::copy(repo(from), pkg.join(to)).unwrap();
    }
    pkg
}

/// `kpt fn eval <pkg> --exec vmstack`, with more arguments.
fn kpt_eval(kpt: &Path, pkg: &Path, extra: &[&std::ffi::OsStr]) -> Run {
    Run::from(
        Command::new(kpt)
            .args(["fn", "eval"])
            .arg(pkg)
            .arg("--exec")
            .arg(BIN)
            .args(extra)
            .current_dir(pkg.parent().unwrap())
            .output()
            .expect("running kpt"),
    )
}

fn docs_of(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    parse_documents(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj["metadata"]["annotations"][key].as_str()
}

fn kind(obj: &Value) -> &str {
    obj["kind"].as_str().unwrap_or("")
}

fn name(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or("")
}

/// Identity of an object as the API server sees it.
fn identity(obj: &Value) -> String {
    format!(
        "{}/{}/{}/{}",
        obj["apiVersion"].as_str().unwrap_or(""),
        kind(obj),
        obj["metadata"]["namespace"].as_str().unwrap_or(""),
        name(obj)
    )
}

/// Every object in every YAML file of a package, with the file it came from.
fn package_objects(pkg: &Path) -> Vec<(String, Value)> {
    snapshot(pkg)
        .keys()
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml") || p.as_str() == "Kptfile")
        .flat_map(|p| {
            docs_of(&pkg.join(p))
                .into_iter()
                .map(move |d| (p.clone(), d))
        })
        .collect()
}

fn assert_no_duplicates(objects: &[(String, Value)], what: &str) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (file, obj) in objects {
        if let Some(first) = seen.insert(identity(obj), file) {
            panic!(
                "{what}: {} appears twice ({first} and {file})",
                identity(obj)
            );
        }
    }
}

/// Replaces the one occurrence of `from` in a file.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{}: expected exactly one {from:?} in\n{text}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

// ----------------------------------------------------------------------------------------------
// kpt fn render on the seed packages
// ----------------------------------------------------------------------------------------------

struct Seed {
    package: &'static str,
    intent: &'static str,
    folder: &'static str,
    files: &'static [&'static str],
}

const INFRA: Seed = Seed {
    package: "infra",
    intent: "victoria-metrics-global",
    folder: "global",
    files: &[
        "dashboard.yaml",
        "endpoints.yaml",
        "externalsecret.yaml",
        "helmrelease.yaml",
        "ks.yaml",
        "kustomization.yaml",
        "networkpolicy.yaml",
        "pdb.yaml",
        "vmrule.yaml",
        // Grafana's VMUser: it reads through vmauth.
        "vmuser.yaml",
    ],
};

const APPS: Seed = Seed {
    package: "apps",
    intent: "victoria-metrics",
    folder: "stack",
    files: &[
        "helmrelease.yaml",
        "ks.yaml",
        "kustomization.yaml",
        "networkpolicy.yaml",
        "pdb.yaml",
        "scrape.yaml",
    ],
};

/// Copies a seed package into `tmp/<package>` and renders it once, checking everything a first
/// render must do. Returns the package folder.
fn render_seed(kpt: &Path, bin: &Path, tmp: &Path, seed: &Seed) -> PathBuf {
    let src = repo(&format!("examples/seed/{}", seed.package));
    let pkg = tmp.join(seed.package);
    copy_dir(&src, &pkg);
    let original_intent = docs_of(&src.join("vmstack.yaml")).remove(0);

    let run = kpt_render(kpt, bin, &pkg);
    assert!(
        run.ok,
        "kpt fn render {} failed: {}",
        seed.package,
        run.describe()
    );

    // Exactly the expected files: the Kptfile, the intent and the cluster settings it is checked
    // against, plus the generated folder.
    let mut expected: BTreeSet<String> = ["Kptfile", "vmstack.yaml", "cluster-settings.yaml"]
        .map(String::from)
        .into();
    expected.extend(seed.files.iter().map(|f| format!("{}/{f}", seed.folder)));
    let files = snapshot(&pkg);
    let actual: BTreeSet<String> = files.keys().cloned().collect();
    assert_eq!(actual, expected, "files of {} after render", seed.package);

    // The Kptfile is still there, pipeline and all.
    let kptfile = docs_of(&pkg.join("Kptfile")).remove(0);
    assert_eq!(kind(&kptfile), "Kptfile");
    assert_eq!(kptfile["pipeline"]["mutators"][0]["exec"], "vmstack");
    assert_eq!(
        kptfile["pipeline"]["mutators"][0]["configPath"],
        "vmstack.yaml"
    );

    // The intent gains local-config, keeps its spec and its leading comment.
    let intent_text = String::from_utf8(files["vmstack.yaml"].clone()).unwrap();
    let intent = parse_documents(&intent_text).unwrap().remove(0);
    assert_eq!(kind(&intent), KIND);
    assert_eq!(
        annotation(&intent, LOCAL_CONFIG),
        Some("true"),
        "intent must be marked local config:\n{intent_text}"
    );
    assert_eq!(
        intent["spec"], original_intent["spec"],
        "the intent's spec changed"
    );
    assert!(
        intent_text.starts_with("# The "),
        "the intent's leading comment was lost:\n{intent_text}"
    );
    assert!(
        annotation(&intent, OWNER).is_none(),
        "the intent itself must not be owned"
    );

    // Every generated object is owned by the intent, and placement annotations were consumed.
    let owner = format!("observability/{}", seed.intent);
    let mut generated = 0;
    for file in seed.files {
        let path = pkg.join(seed.folder).join(file);
        let docs = docs_of(&path);
        assert!(!docs.is_empty(), "{} holds no object", path.display());
        for d in docs {
            generated += 1;
            assert_eq!(
                annotation(&d, OWNER),
                Some(owner.as_str()),
                "{file}: {} lacks {OWNER}: {owner}",
                identity(&d)
            );
            let annotations = d["metadata"]["annotations"].as_object().unwrap();
            for key in annotations.keys() {
                assert!(
                    !key.starts_with("internal.config.kubernetes.io/")
                        && key != "config.kubernetes.io/path"
                        && key != "config.kubernetes.io/index"
                        && key != "config.k8s.io/id",
                    "{file}: {} kept the host annotation {key} on disk",
                    identity(&d)
                );
            }
        }
    }
    assert!(generated >= seed.files.len());
    assert_no_duplicates(&package_objects(&pkg), seed.package);
    assert_folder_kustomization_consistent(&pkg.join(seed.folder));
    pkg
}

/// The generated folder's kustomization.yaml lists only files that exist, and every generated
/// manifest except the Flux Kustomization (applied from outside the folder) is listed.
fn assert_folder_kustomization_consistent(folder: &Path) {
    let k = docs_of(&folder.join("kustomization.yaml")).remove(0);
    let listed: BTreeSet<String> = k["resources"]
        .as_array()
        .expect("kustomization.yaml has resources")
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let on_disk: BTreeSet<String> = snapshot(folder)
        .into_keys()
        .filter(|f| f != "kustomization.yaml" && f != "ks.yaml")
        .collect();
    assert_eq!(
        listed,
        on_disk,
        "{}/kustomization.yaml resources vs files on disk",
        folder.display()
    );
}

fn seed_render_is_complete_and_idempotent(seed: &Seed, test: &str) {
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path(), "vmstack");
    let pkg = render_seed(&kpt, &bin, tmp.path(), seed);

    let first = snapshot(&pkg);
    let run = kpt_render(&kpt, &bin, &pkg);
    assert!(
        run.ok,
        "second render of {} failed: {}",
        seed.package,
        run.describe()
    );
    assert_same_tree(
        &first,
        &snapshot(&pkg),
        "second kpt fn render (idempotence)",
    );
}

#[test]
fn kpt_render_infra_seed() {
    seed_render_is_complete_and_idempotent(&INFRA, "kpt_render_infra_seed");
}

#[test]
fn kpt_render_apps_seed() {
    seed_render_is_complete_and_idempotent(&APPS, "kpt_render_apps_seed");
}

/// A hand-written file, in kpt's own YAML style so kpt does not reformat it, with comments.
const EXTRA: &str = "\
# Hand-written, not generated: vmstack must leave this file alone.
apiVersion: v1
kind: ConfigMap
metadata:
  name: extra # a trailing comment
  namespace: observability
data:
  # a comment inside a map
  key: value
";

const EXTRA_IN_FOLDER: &str = "\
# Hand-written and placed inside the generated folder: not owned, so never pruned.
apiVersion: v1
kind: ConfigMap
metadata:
  name: notes
  namespace: observability
data:
  note: kept
";

#[test]
fn kpt_render_prunes_what_the_intent_no_longer_produces() {
    let test = "kpt_render_prunes_what_the_intent_no_longer_produces";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path(), "vmstack");
    let pkg = render_seed(&kpt, &bin, tmp.path(), &INFRA);
    std::fs::write(pkg.join("extra.yaml"), EXTRA).unwrap();
    std::fs::write(pkg.join("global/notes.yaml"), EXTRA_IN_FOLDER).unwrap();
    assert!(
        docs_of(&pkg.join("global/networkpolicy.yaml")).len() > 1,
        "the seed should produce network policies"
    );

    edit(
        &pkg.join("vmstack.yaml"),
        "  replicationFactor: 2\n",
        "  replicationFactor: 2\n  networkPolicies:\n    enabled: false\n",
    );
    let run = kpt_render(&kpt, &bin, &pkg);
    assert!(run.ok, "render after the edit failed: {}", run.describe());

    let files = snapshot(&pkg);
    assert!(
        !files.contains_key("global/networkpolicy.yaml"),
        "network policies disabled, yet global/networkpolicy.yaml is still on disk"
    );
    let objects = package_objects(&pkg);
    assert!(
        !objects.iter().any(|(_, o)| kind(o) == "NetworkPolicy"),
        "a NetworkPolicy survived the edit"
    );
    assert!(
        objects.iter().any(|(_, o)| kind(o) == "HelmRelease"),
        "pruning went too far: the HelmRelease is gone"
    );
    assert_no_duplicates(&objects, "after the edit");
    assert_eq!(
        files["extra.yaml"],
        EXTRA.as_bytes(),
        "extra.yaml was touched"
    );
    assert_eq!(
        files["global/notes.yaml"],
        EXTRA_IN_FOLDER.as_bytes(),
        "global/notes.yaml was touched"
    );
    // The folder's kustomization.yaml no longer lists the pruned file.
    let k = docs_of(&pkg.join("global/kustomization.yaml")).remove(0);
    assert!(
        !k["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "networkpolicy.yaml"),
        "kustomization.yaml still lists networkpolicy.yaml: {k}"
    );
}

#[test]
fn kpt_render_prunes_objects_inside_a_file() {
    let test = "kpt_render_prunes_objects_inside_a_file";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path(), "vmstack");
    let pkg = render_seed(&kpt, &bin, tmp.path(), &APPS);
    std::fs::write(pkg.join("extra.yaml"), EXTRA).unwrap();
    let pod_scrapes = |pkg: &Path| {
        docs_of(&pkg.join("stack/scrape.yaml"))
            .iter()
            .filter(|d| kind(d) == "VMPodScrape")
            .count()
    };
    assert!(
        pod_scrapes(&pkg) > 0,
        "scrape.cilium should produce VMPodScrapes"
    );
    let service_scrapes_before: Vec<String> = docs_of(&pkg.join("stack/scrape.yaml"))
        .iter()
        .filter(|d| kind(d) == "VMServiceScrape")
        .map(identity)
        .collect();

    edit(&pkg.join("vmstack.yaml"), "cilium: true", "cilium: false");
    let run = kpt_render(&kpt, &bin, &pkg);
    assert!(run.ok, "render after the edit failed: {}", run.describe());

    assert_eq!(
        pod_scrapes(&pkg),
        0,
        "the cilium VMPodScrapes were not pruned"
    );
    let service_scrapes_after: Vec<String> = docs_of(&pkg.join("stack/scrape.yaml"))
        .iter()
        .filter(|d| kind(d) == "VMServiceScrape")
        .map(identity)
        .collect();
    assert_eq!(
        service_scrapes_after, service_scrapes_before,
        "the VMServiceScrapes should stay, once each"
    );
    assert_no_duplicates(&package_objects(&pkg), "after the edit");
    assert_eq!(
        snapshot(&pkg)["extra.yaml"],
        EXTRA.as_bytes(),
        "extra.yaml was touched"
    );

    // And the edited result is itself a fixed point.
    let before = snapshot(&pkg);
    let run = kpt_render(&kpt, &bin, &pkg);
    assert!(run.ok, "{}", run.describe());
    assert_same_tree(
        &before,
        &snapshot(&pkg),
        "render after the edit (idempotence)",
    );
}

/// A foreign file in kpt's indentation, but with quoted plain-safe strings and a flow map: kpt
/// itself keeps both (checked with a no-op `cat` function), so only the function can lose them.
const FOREIGN_STYLED: &str = "\
# Hand-written with explicit quotes and a flow map.
apiVersion: v1
kind: ConfigMap
metadata:
  name: styled
  namespace: observability
  labels: {team: \"platform\"}
data:
  key: \"value\"
  other: 'single'
  count: \"${COUNT}\"
";

#[test]
fn kpt_render_keeps_the_quoting_and_flow_style_of_foreign_files() {
    let test = "kpt_render_keeps_the_quoting_and_flow_style_of_foreign_files";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path(), "vmstack");
    let pkg = render_seed(&kpt, &bin, tmp.path(), &APPS);
    std::fs::write(pkg.join("styled.yaml"), FOREIGN_STYLED).unwrap();
    let run = kpt_render(&kpt, &bin, &pkg);
    assert!(run.ok, "{}", run.describe());
    let after = std::fs::read_to_string(pkg.join("styled.yaml")).unwrap();
    assert_eq!(after, FOREIGN_STYLED, "styled.yaml was rewritten");
}

#[test]
fn kpt_render_rejects_a_bad_intent_and_changes_nothing() {
    let test = "kpt_render_rejects_a_bad_intent_and_changes_nothing";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path(), "vmstack");
    let pkg = tmp.path().join("infra");
    copy_dir(&repo("examples/seed/infra"), &pkg);
    edit(
        &pkg.join("vmstack.yaml"),
        "    replicas: 3\n",
        "    replica: 3\n",
    );
    let before = snapshot(&pkg);

    let run = kpt_render(&kpt, &bin, &pkg);
    assert!(
        !run.ok,
        "a bad intent must fail the render: {}",
        run.describe()
    );
    let out = run.both();
    assert!(
        out.contains("spec.vmstorage.replica"),
        "kpt's output must name the field: {}",
        run.describe()
    );
    assert!(
        out.contains("\"replicas\""),
        "kpt's output must suggest `replicas`: {}",
        run.describe()
    );
    assert!(out.contains("VMS100"), "{}", run.describe());
    assert_same_tree(&before, &snapshot(&pkg), "package after a failed render");
}

// ----------------------------------------------------------------------------------------------
// kpt fn eval
// ----------------------------------------------------------------------------------------------

/// `kpt fn eval DIR --exec vmstack` with no `--fn-config` expands every intent among the items.
///
/// kpt 1.0.0-beta.56 does not send "no functionConfig" here: it always sends an empty ConfigMap
/// named `function-input` (the one `-- key=value` fills). The function must treat that as none.
#[test]
fn kpt_eval_without_fn_config_expands_every_intent() {
    let test = "kpt_eval_without_fn_config_expands_every_intent";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pkg = package_of(
        tmp.path(),
        &[
            ("examples/seed/apps/vmstack.yaml", "apps.yaml"),
            ("examples/seed/infra/vmstack.yaml", "infra.yaml"),
        ],
    );
    let run = kpt_eval(&kpt, &pkg, &[]);
    assert!(
        run.ok,
        "kpt fn eval --exec without --fn-config must expand the intents: {}",
        run.describe()
    );
    let files = snapshot(&pkg);
    for f in APPS.files {
        assert!(
            files.contains_key(&format!("stack/{f}")),
            "stack/{f} missing: {files:?}"
        );
    }
    for f in INFRA.files {
        assert!(
            files.contains_key(&format!("global/{f}")),
            "global/{f} missing"
        );
    }
    for intent in ["apps.yaml", "infra.yaml"] {
        let d = docs_of(&pkg.join(intent)).remove(0);
        assert_eq!(annotation(&d, LOCAL_CONFIG), Some("true"), "{intent}");
    }
    let objects = package_objects(&pkg);
    assert_no_duplicates(&objects, "kpt fn eval");
    for (file, o) in &objects {
        if file.starts_with("stack/") {
            assert_eq!(annotation(o, OWNER), Some("observability/victoria-metrics"));
        } else if file.starts_with("global/") {
            assert_eq!(
                annotation(o, OWNER),
                Some("observability/victoria-metrics-global")
            );
        }
    }
}

#[test]
fn kpt_eval_with_a_configmap_fn_config_fails_naming_the_accepted_kind() {
    let test = "kpt_eval_with_a_configmap_fn_config_fails_naming_the_accepted_kind";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pkg = package_of(
        tmp.path(),
        &[("examples/seed/apps/vmstack.yaml", "vmstack.yaml")],
    );
    let config = tmp.path().join("config.yaml");
    std::fs::write(
        &config,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  directory: stack\n",
    )
    .unwrap();
    let before = snapshot(&pkg);

    let run = kpt_eval(&kpt, &pkg, &["--fn-config".as_ref(), config.as_os_str()]);
    assert!(
        !run.ok,
        "a ConfigMap functionConfig must fail: {}",
        run.describe()
    );
    assert!(
        run.both().contains(KIND),
        "kpt's output must name the accepted kind {KIND}: {}",
        run.describe()
    );
    assert_same_tree(&before, &snapshot(&pkg), "package after a failed eval");
}

// ----------------------------------------------------------------------------------------------
// kubectl kustomize with the legacy exec plugin
// ----------------------------------------------------------------------------------------------

/// A home folder where `vmstack install-plugin` has put the plugin, as a user would: no
/// KUSTOMIZE_PLUGIN_HOME, no XDG_CONFIG_HOME, so it lands in `$HOME/.config/kustomize/plugin`.
struct PluginHome {
    _tmp: tempfile::TempDir,
    home: PathBuf,
}

/// A command with no plugin folder in its environment but `home`'s.
fn with_home(cmd: &mut Command, home: &Path) {
    cmd.env_remove("KUSTOMIZE_PLUGIN_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home);
}

fn plugin_home() -> PluginHome {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut install = Command::new(BIN);
    install.arg("install-plugin");
    with_home(&mut install, &home);
    let run = Run::from(install.output().unwrap());
    assert!(run.ok, "vmstack install-plugin failed: {}", run.describe());
    assert!(
        run.stdout.trim_end().ends_with(
            ".config/kustomize/plugin/vmstack.dev/v1alpha1/victoriametricsstack/VictoriaMetricsStack"
        ),
        "{}",
        run.describe()
    );
    PluginHome { _tmp: tmp, home }
}

fn kubectl_kustomize(kubectl: &Path, home: &PluginHome, dir: &Path) -> Run {
    let mut cmd = Command::new(kubectl);
    cmd.args(["kustomize", "--enable-alpha-plugins"]).arg(dir);
    with_home(&mut cmd, &home.home);
    Run::from(cmd.output().expect("running kubectl"))
}

#[test]
fn kubectl_kustomize_runs_the_legacy_exec_plugin() {
    let test = "kubectl_kustomize_runs_the_legacy_exec_plugin";
    let Some(kubectl) = require_tool("kubectl", test) else {
        return;
    };
    let home = plugin_home();
    let example = repo("examples/kustomize");
    let before = snapshot(&example);

    let first = kubectl_kustomize(&kubectl, &home, &example);
    assert!(first.ok, "kubectl kustomize failed: {}", first.describe());
    let docs = parse_documents(&first.stdout).unwrap();
    let has = |k: &str, n: &str| docs.iter().any(|d| kind(d) == k && name(d) == n);
    assert!(has("HelmRelease", "victoria-metrics"), "{}", first.stdout);
    assert!(
        has("VMServiceScrape", "victoria-metrics-kube-state-metrics"),
        "{}",
        first.stdout
    );
    assert!(
        has(
            "VMServiceScrape",
            "victoria-metrics-prometheus-node-exporter"
        ),
        "{}",
        first.stdout
    );
    assert!(
        docs.iter().any(|d| kind(d) == "VMPodScrape"),
        "scrape.cilium is on in the example"
    );
    assert!(
        !docs.iter().any(|d| kind(d) == KIND),
        "the intent is local config and must not be in the output:\n{}",
        first.stdout
    );
    for d in &docs {
        assert_eq!(
            annotation(d, OWNER),
            Some("observability/victoria-metrics"),
            "{}",
            identity(d)
        );
        assert!(
            annotation(d, LOCAL_CONFIG).is_none(),
            "{} is marked local config",
            identity(d)
        );
    }
    // The example uses literal values: nothing is left for Flux to substitute.
    assert!(
        !first.stdout.contains("${"),
        "unexpected ${{...}} in the example's output"
    );
    assert!(
        first.stdout.contains(
            "http://vminsert-victoria-metrics-global.observability.svc.cluster.local:8480/"
        ),
        "the literal remoteWrite URL should reach the HelmRelease values"
    );
    let mut ids: Vec<String> = docs.iter().map(identity).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), docs.len(), "duplicate objects in the output");

    let second = kubectl_kustomize(&kubectl, &home, &example);
    assert!(second.ok, "{}", second.describe());
    assert!(
        first.stdout == second.stdout,
        "kubectl kustomize output differs between two runs"
    );
    assert_same_tree(
        &before,
        &snapshot(&example),
        "examples/kustomize after the build",
    );
}

#[test]
fn kubectl_kustomize_reports_a_bad_intent() {
    let test = "kubectl_kustomize_reports_a_bad_intent";
    let Some(kubectl) = require_tool("kubectl", test) else {
        return;
    };
    let home = plugin_home();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kustomize");
    copy_dir(&repo("examples/kustomize"), &dir);
    edit(
        &dir.join("vmstack.yaml"),
        "    cilium: true",
        "    cillium: true",
    );

    let run = kubectl_kustomize(&kubectl, &home, &dir);
    assert!(
        !run.ok,
        "a bad intent must fail kustomize: {}",
        run.describe()
    );
    assert!(
        run.stderr.contains("error[VMS100]"),
        "kustomize's stderr must carry the vmstack error line: {}",
        run.describe()
    );
    assert!(
        run.stderr.contains("spec.scrape.cillium") && run.stderr.contains("\"cilium\""),
        "the error names the field and the suggestion: {}",
        run.describe()
    );
    assert!(
        !run.stdout.contains("kind:"),
        "no objects on a failed build: {}",
        run.describe()
    );
}

// ----------------------------------------------------------------------------------------------
// standalone kustomize 4.5.4 with --enable-exec, with the annotation forms the docs show
// ----------------------------------------------------------------------------------------------

const FUNCTION_ANNOTATION: &str = "config.kubernetes.io/function";

/// Standalone kustomize, which must be the 4.5.4 the docs were checked with.
fn standalone_kustomize(test: &str) -> Option<PathBuf> {
    let kustomize = require_tool("kustomize", test)?;
    let version = Run::from(Command::new(&kustomize).arg("version").output().unwrap());
    if !version.stdout.contains("v4.5.4") {
        let msg = format!(
            "{test}: kustomize is not 4.5.4 ({}): the docs' forms were checked with 4.5.4",
            version.stdout.trim()
        );
        assert!(!common::shared::running_in_ci(), "{msg}");
        shout(&msg);
    }
    Some(kustomize)
}

/// The value of the function annotation in the one ```yaml block of a doc that sets it.
fn annotation_in_yaml_block(doc: &str) -> Value {
    let text = std::fs::read_to_string(repo(doc)).unwrap();
    let blocks: Vec<&str> = text
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split_once("```").map(|(block, _)| block))
        .filter(|b| b.contains(FUNCTION_ANNOTATION))
        .collect();
    assert_eq!(
        blocks.len(),
        1,
        "{doc}: one yaml block sets {FUNCTION_ANNOTATION}"
    );
    let block = parse_documents(blocks[0]).unwrap().remove(0);
    block["metadata"]["annotations"][FUNCTION_ANNOTATION].clone()
}

/// The value of the function annotation written inline (`key: "…"`) in a doc.
fn annotation_inline(doc: &str) -> Value {
    let text = std::fs::read_to_string(repo(doc)).unwrap();
    let inline = text
        .split('`')
        .find(|s| s.starts_with(FUNCTION_ANNOTATION))
        .unwrap_or_else(|| panic!("{doc} shows no inline {FUNCTION_ANNOTATION}"));
    parse_documents(inline).unwrap().remove(0)[FUNCTION_ANNOTATION].clone()
}

/// examples/kustomize with the binary beside it and the intent annotated with `annotation`.
fn exec_function_example(tmp: &Path, annotation: Value) -> PathBuf {
    let dir = tmp.join("kustomize");
    copy_dir(&repo("examples/kustomize"), &dir);
    // The exec path is relative to the kustomization that lists the generator.
    link_binary(&dir.join("vmstack"));
    let intent = dir.join("vmstack.yaml");
    let mut doc = docs_of(&intent).remove(0);
    doc["metadata"]["annotations"] = serde_json::json!({ FUNCTION_ANNOTATION: annotation });
    std::fs::write(&intent, vmstack::krm::yaml::to_yaml(&doc)).unwrap();
    dir
}

fn kustomize_build(kustomize: &Path, tmp: &Path, dir: &Path) -> Run {
    let mut cmd = Command::new(kustomize);
    cmd.args(["build", "--enable-alpha-plugins", "--enable-exec"])
        .arg(dir)
        // Relative exec paths are resolved from the kustomization, not the working directory.
        .current_dir(tmp);
    with_home(&mut cmd, &tmp.join("empty-home"));
    Run::from(cmd.output().expect("running kustomize"))
}

fn assert_exec_function_output(first: &Run) {
    assert!(
        first.ok,
        "kustomize build --enable-exec failed: {}",
        first.describe()
    );
    let docs = parse_documents(&first.stdout).unwrap();
    assert!(
        docs.iter()
            .any(|d| kind(d) == "HelmRelease" && name(d) == "victoria-metrics"),
        "{}",
        first.stdout
    );
    assert!(docs.iter().any(|d| kind(d) == "VMServiceScrape"));
    assert!(
        !docs.iter().any(|d| kind(d) == KIND),
        "the intent must not be in the output"
    );
    for d in &docs {
        assert_eq!(
            annotation(d, OWNER),
            Some("observability/victoria-metrics"),
            "{}",
            identity(d)
        );
        assert!(
            annotation(d, FUNCTION_ANNOTATION).is_none(),
            "{}",
            identity(d)
        );
    }
}

#[test]
fn standalone_kustomize_runs_the_exec_function_as_docs_hosts_shows_it() {
    let test = "standalone_kustomize_runs_the_exec_function_as_docs_hosts_shows_it";
    let Some(kustomize) = standalone_kustomize(test) else {
        return;
    };
    let annotation = annotation_in_yaml_block("docs/hosts.md");
    assert!(
        annotation.is_string(),
        "docs/hosts.md must show the annotation as a string, not {annotation}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let dir = exec_function_example(tmp.path(), annotation);
    let first = kustomize_build(&kustomize, tmp.path(), &dir);
    assert_exec_function_output(&first);
    let second = kustomize_build(&kustomize, tmp.path(), &dir);
    assert!(
        second.ok && second.stdout == first.stdout,
        "output differs between runs"
    );
}

#[test]
fn standalone_kustomize_runs_the_form_in_the_kustomize_example() {
    let test = "standalone_kustomize_runs_the_form_in_the_kustomize_example";
    let Some(kustomize) = standalone_kustomize(test) else {
        return;
    };
    let annotation = annotation_inline("examples/kustomize/README.md");
    let tmp = tempfile::tempdir().unwrap();
    let dir = exec_function_example(tmp.path(), annotation);
    assert_exec_function_output(&kustomize_build(&kustomize, tmp.path(), &dir));
}

/// docs/troubleshooting.md: written as a YAML mapping, the annotation is not read as a function
/// by kustomize 4.5.4, which then looks for a legacy plugin and fails.
#[test]
fn standalone_kustomize_4_5_4_refuses_the_annotation_as_a_mapping() {
    let test = "standalone_kustomize_4_5_4_refuses_the_annotation_as_a_mapping";
    let Some(kustomize) = standalone_kustomize(test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mapping = serde_json::json!({"exec": {"path": "./vmstack"}});
    let dir = exec_function_example(tmp.path(), mapping);
    let run = kustomize_build(&kustomize, tmp.path(), &dir);
    assert!(!run.ok, "{}", run.describe());
    assert!(
        run.stderr.contains("unable to find plugin root"),
        "{}",
        run.describe()
    );
}

/// docs/troubleshooting.md: kubectl's kustomize has no --enable-exec and skips an exec
/// function without a word: nothing out, exit 0.
#[test]
fn kubectl_kustomize_silently_skips_an_exec_function() {
    let test = "kubectl_kustomize_silently_skips_an_exec_function";
    let Some(kubectl) = require_tool("kubectl", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = exec_function_example(tmp.path(), annotation_in_yaml_block("docs/hosts.md"));
    let mut cmd = Command::new(kubectl);
    cmd.args(["kustomize", "--enable-alpha-plugins"]).arg(&dir);
    with_home(&mut cmd, &tmp.path().join("empty-home"));
    let run = Run::from(cmd.output().unwrap());
    assert!(run.ok, "{}", run.describe());
    assert!(run.stdout.trim().is_empty(), "{}", run.describe());
}

// ----------------------------------------------------------------------------------------------
// The Flux CI route: `vmstack render -o`, then a plain `kubectl kustomize` of the result
// ----------------------------------------------------------------------------------------------

fn vmstack_render(args: &[&std::ffi::OsStr]) -> Run {
    Run::from(
        Command::new(BIN)
            .arg("render")
            .args(args)
            .output()
            .expect("running vmstack"),
    )
}

/// `vmstack render -o` writes exactly the files `kpt fn render` writes, from the same package.
#[test]
fn render_o_writes_the_files_kpt_writes() {
    let test = "render_o_writes_the_files_kpt_writes";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    for seed in [&INFRA, &APPS] {
        let tmp = tempfile::tempdir().unwrap();
        let bin = bin_dir(tmp.path(), "vmstack");
        let by_kpt = render_seed(&kpt, &bin, tmp.path(), seed);
        let out = tmp.path().join("out");
        let source = repo(&format!("examples/seed/{}", seed.package));
        let run = vmstack_render(&[source.as_os_str(), "-o".as_ref(), out.as_os_str()]);
        assert!(run.ok, "{}", run.describe());
        let kpt_files = common::files::below(&snapshot(&by_kpt), seed.folder);
        let written = snapshot(&out);
        assert_eq!(
            written.keys().cloned().collect::<BTreeSet<_>>(),
            kpt_files
                .keys()
                .map(|f| format!("{}/{f}", seed.folder))
                .collect(),
            "{}: the files written",
            seed.package
        );
        assert_same_tree(
            &kpt_files,
            &common::files::below(&written, seed.folder),
            &format!(
                "vmstack render -o against kpt fn render of {}",
                seed.package
            ),
        );
    }
}

#[test]
fn flux_ci_route_render_then_plain_kubectl_kustomize() {
    let test = "flux_ci_route_render_then_plain_kubectl_kustomize";
    let Some(kubectl) = require_tool("kubectl", test) else {
        return;
    };
    for seed in [&INFRA, &APPS] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let source = repo(&format!("examples/seed/{}", seed.package));
        let run = vmstack_render(&[source.as_os_str(), "-o".as_ref(), out.as_os_str()]);
        assert!(run.ok, "{}", run.describe());
        let folder = out.join(seed.folder);

        // What Flux's kustomize-controller does with the committed folder: a plain build, no
        // plugins.
        let mut build = Command::new(&kubectl);
        build.arg("kustomize").arg(&folder);
        with_home(&mut build, &tmp.path().join("empty-home"));
        let built = Run::from(build.output().unwrap());
        assert!(built.ok, "{}", built.describe());
        let built: BTreeSet<String> = parse_documents(&built.stdout)
            .unwrap()
            .iter()
            .map(identity)
            .collect();
        let written: BTreeSet<String> = seed
            .files
            .iter()
            .filter(|f| **f != "ks.yaml" && **f != "kustomization.yaml")
            .flat_map(|f| docs_of(&folder.join(f)))
            .map(|d| identity(&d))
            .collect();
        assert_eq!(
            built, written,
            "{}: the build applies every generated object",
            seed.package
        );

        // The Flux Kustomization is applied from a parent: it is not part of the build, and it
        // points at the folder the seed's layout puts the output in.
        let ks = docs_of(&folder.join("ks.yaml")).remove(0);
        assert!(!built.contains(&identity(&ks)));
        assert!(
            ks["spec"]["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{}", seed.folder)),
            "{ks}"
        );
    }
}

// ----------------------------------------------------------------------------------------------
// The hosts' other quiet traps, as docs/troubleshooting.md describes them
// ----------------------------------------------------------------------------------------------

/// Without --enable-alpha-plugins, kubectl kustomize refuses the generator (and says so).
#[test]
fn kubectl_kustomize_without_alpha_plugins_refuses_the_generator() {
    let test = "kubectl_kustomize_without_alpha_plugins_refuses_the_generator";
    let Some(kubectl) = require_tool("kubectl", test) else {
        return;
    };
    let home = plugin_home();
    let mut cmd = Command::new(kubectl);
    cmd.arg("kustomize").arg(repo("examples/kustomize"));
    with_home(&mut cmd, &home.home);
    let run = Run::from(cmd.output().unwrap());
    assert!(!run.ok, "{}", run.describe());
    assert!(
        run.stderr.contains("external plugins disabled"),
        "{}",
        run.describe()
    );
}

/// kpt resolves a Kptfile's `exec:` path from its own working directory (or PATH), not from the
/// package: `exec: ./vmstack` beside the Kptfile fails when kpt runs elsewhere.
#[test]
fn kpt_resolves_exec_paths_from_its_working_directory_not_the_package() {
    let test = "kpt_resolves_exec_paths_from_its_working_directory_not_the_package";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("apps");
    copy_dir(&repo("examples/seed/apps"), &pkg);
    link_binary(&pkg.join("vmstack"));
    edit(&pkg.join("Kptfile"), "- exec: vmstack", "- exec: ./vmstack");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let run = |dir: &Path| {
        Run::from(
            Command::new(&kpt)
                .args(["fn", "render", "--allow-exec"])
                .arg(&pkg)
                .current_dir(dir)
                .output()
                .unwrap(),
        )
    };
    let failed = run(&elsewhere);
    assert!(!failed.ok, "{}", failed.describe());
    assert!(
        failed.both().contains("no such file"),
        "{}",
        failed.describe()
    );
    let worked = run(&pkg);
    assert!(
        worked.ok,
        "from the package folder itself: {}",
        worked.describe()
    );
}
