//! Nothing a user owns is lost (docs/ownership.md): the real binary in ResourceList mode, and
//! `kpt fn render --allow-exec` on a copy of the seed's infra package.
//!
//! An item is vmstack's earlier output only when its `vmstack.dev/fingerprint` matches its owner,
//! identity and file (or this run writes the same object in the same file again). A copied
//! `vmstack.dev/owner` alone keeps the item, with a warning; an intent is never pruned; a
//! generated object that would stand beside an item that stays is an error naming both.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::files::{copy_dir, snapshot};
use common::fixtures::{read_yaml, repo};
use common::tools::require_tool;
use serde_json::{Value, json};
use vmstack::code::Code;
use vmstack::krm::yaml;

const BIN: &str = env!("CARGO_BIN_EXE_vmstack");
const OWNER: &str = "vmstack.dev/owner";
const FINGERPRINT: &str = "vmstack.dev/fingerprint";
const INFRA_OWNER: &str = "observability/victoria-metrics-global";

// ----------------------------------------------------------------------------------------------
// The binary in ResourceList mode
// ----------------------------------------------------------------------------------------------

/// A file of the package as kpt sends it: placed at its path, index 0.
fn placed(mut v: Value, path: &str) -> Value {
    let a = v["metadata"]
        .as_object_mut()
        .unwrap()
        .entry("annotations")
        .or_insert_with(|| json!({}));
    for key in [
        "internal.config.kubernetes.io/path",
        "config.kubernetes.io/path",
    ] {
        a[key] = json!(path);
    }
    for key in [
        "internal.config.kubernetes.io/index",
        "config.kubernetes.io/index",
    ] {
        a[key] = json!("0");
    }
    v
}

/// What kpt sends for the seed's infra package before anything was generated.
fn infra_package() -> Vec<Value> {
    let dir = repo("examples/seed/infra");
    ["Kptfile", "vmstack.yaml", "cluster-settings.yaml"]
        .iter()
        .map(|f| placed(read_yaml(&dir.join(f)), f))
        .collect()
}

fn is_intent(v: &Value) -> bool {
    v["kind"] == "VictoriaMetricsStack"
}

struct Answer {
    code: i32,
    stdout: String,
    list: Value,
}

impl Answer {
    fn items(&self) -> &[Value] {
        self.list["items"].as_array().map_or(&[], Vec::as_slice)
    }

    fn generated(&self) -> Vec<&Value> {
        self.items()
            .iter()
            .filter(|i| i["metadata"]["annotations"][OWNER] == INFRA_OWNER && !is_intent(i))
            .collect()
    }

    /// The results with this code.
    fn with(&self, code: Code) -> Vec<&Value> {
        self.list["results"]
            .as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|r| r["tags"]["code"] == code.as_str())
            .collect()
    }

    fn errors(&self) -> Vec<&Value> {
        self.list["results"]
            .as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|r| r["severity"] == "error")
            .collect()
    }
}

/// The binary as kpt runs it: a ResourceList on stdin, the infra intent as functionConfig.
fn run_function(items: &[Value]) -> Answer {
    let intent = items
        .iter()
        .find(|i| is_intent(i) && i["metadata"]["name"] == "victoria-metrics-global")
        .expect("the infra intent")
        .clone();
    let input = yaml::to_yaml(&json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": items,
        "functionConfig": intent,
    }));
    let out = common::process::run_with_stdin(&mut Command::new(BIN), input.as_bytes());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let list = yaml::parse_document(&stdout)
        .unwrap_or_else(|e| panic!("not a ResourceList ({e}):\n{stdout}"));
    Answer {
        code: out.status.code().unwrap_or(-1),
        stdout,
        list,
    }
}

/// The first run's answer, which every case starts from: the package and its generated output.
fn first_run() -> Answer {
    let first = run_function(&infra_package());
    assert_eq!(first.code, 0, "{}", first.stdout);
    assert!(first.generated().len() > 20, "{}", first.stdout);
    assert!(
        first
            .generated()
            .iter()
            .all(|g| g["metadata"]["annotations"][FINGERPRINT].is_string()),
        "every generated object carries its fingerprint"
    );
    first
}

fn with_owner(mut v: Value, owner: &str) -> Value {
    v["metadata"]["annotations"][OWNER] = json!(owner);
    v
}

fn identities<'a>(items: impl IntoIterator<Item = &'a Value>) -> BTreeSet<String> {
    items
        .into_iter()
        .map(|i| {
            format!(
                "{}/{}/{}/{}",
                i["apiVersion"].as_str().unwrap_or(""),
                i["kind"].as_str().unwrap_or(""),
                i["metadata"]["namespace"].as_str().unwrap_or(""),
                i["metadata"]["name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn names_of<'a>(results: impl IntoIterator<Item = &'a &'a Value>) -> BTreeSet<&'a str> {
    results
        .into_iter()
        .map(|r| r["resourceRef"]["name"].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn a_second_run_changes_nothing() {
    let first = first_run();
    let second = run_function(first.items());
    assert_eq!(second.code, 0, "{}", second.stdout);
    assert_eq!(
        second.stdout, first.stdout,
        "the second run must replace exactly what the first generated"
    );
}

#[test]
fn output_written_before_fingerprints_is_replaced_in_place() {
    let first = first_run();
    let unstamped: Vec<Value> = first
        .items()
        .iter()
        .cloned()
        .map(|mut i| {
            if let Some(a) = i["metadata"]["annotations"].as_object_mut() {
                a.remove(FINGERPRINT);
            }
            i
        })
        .collect();
    let again = run_function(&unstamped);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        again.with(Code::NotGenerated).is_empty(),
        "{}",
        again.stdout
    );
    assert_eq!(again.stdout, first.stdout);
}

#[test]
fn lookalikes_and_intents_are_kept_with_a_warning() {
    let first = first_run();
    // A user's ConfigMap in its own file, another intent, and the intent itself, each carrying
    // the owner annotation of the intent expanded now.
    let mine = placed(
        with_owner(
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "mine", "namespace": "observability"},
                   "data": {"k": "v"}}),
            INFRA_OWNER,
        ),
        "mine.yaml",
    );
    let other_intent = placed(
        with_owner(
            read_yaml(&repo("examples/kustomize/vmstack.yaml")),
            INFRA_OWNER,
        ),
        "other/vmstack.yaml",
    );
    let mut items: Vec<Value> = first
        .items()
        .iter()
        .cloned()
        .map(|i| {
            if is_intent(&i) {
                with_owner(i, INFRA_OWNER)
            } else {
                i
            }
        })
        .collect();
    items.push(mine.clone());
    items.push(other_intent.clone());

    let second = run_function(&items);
    assert_eq!(second.code, 0, "{}", second.stdout);
    let warned = second.with(Code::NotGenerated);
    assert_eq!(
        names_of(&warned),
        ["mine", "victoria-metrics", "victoria-metrics-global"].into(),
        "{}",
        second.stdout
    );
    assert!(warned.iter().all(|w| w["severity"] == "warning"));
    for kept in [&mine, &other_intent] {
        assert!(
            second.items().contains(kept),
            "{} was not echoed unchanged",
            kept["metadata"]["name"]
        );
    }
    let intent = second
        .items()
        .iter()
        .find(|i| i["metadata"]["name"] == "victoria-metrics-global" && is_intent(i))
        .expect("the intent is never pruned");
    assert_eq!(intent["metadata"]["annotations"][OWNER], INFRA_OWNER);
    assert_eq!(
        identities(second.generated()),
        identities(first.generated())
            .union(&identities([&mine]))
            .cloned()
            .collect(),
        "the generated objects are replaced once each, and the lookalike stays"
    );
}

#[test]
fn a_generated_object_beside_a_users_is_an_error_naming_both() {
    let first = first_run();
    let dashboard = first
        .generated()
        .into_iter()
        .find(|g| {
            g["kind"] == "ConfigMap"
                && g["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .ends_with("-dashboard")
        })
        .expect("the dashboard ConfigMap")
        .clone();
    let release = first
        .generated()
        .into_iter()
        .find(|g| g["kind"] == "HelmRelease")
        .unwrap()
        .clone();

    // The same name as the dashboard, the user's own; the same place as the HelmRelease; a
    // verbatim copy of the HelmRelease in another file.
    let same_name = placed(
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": dashboard["metadata"]["name"], "namespace": "observability"},
               "data": {"mine": "yes"}}),
        "mine.yaml",
    );
    let same_place = placed(
        json!({"apiVersion": "v1", "kind": "Secret",
               "metadata": {"name": "notes", "namespace": "observability"}}),
        "global/helmrelease.yaml",
    );
    let copy = placed(release.clone(), "backup/helmrelease.yaml");

    for (user, other_file, generated_file) in [
        (&same_name, "mine.yaml", "global/dashboard.yaml"),
        (
            &same_place,
            "global/helmrelease.yaml",
            "global/helmrelease.yaml",
        ),
        (&copy, "backup/helmrelease.yaml", "global/helmrelease.yaml"),
    ] {
        let mut items = first.items().to_vec();
        items.push(user.clone());
        let run = run_function(&items);
        assert_eq!(run.code, 1, "{}", run.stdout);
        let errors = run.errors();
        assert_eq!(errors.len(), 1, "{}", run.stdout);
        assert_eq!(errors[0]["tags"]["code"], Code::CollidesWithInput.as_str());
        let message = errors[0]["message"].as_str().unwrap();
        assert!(
            message.contains(other_file) && message.contains(generated_file),
            "{message}"
        );
        assert_eq!(errors[0]["file"]["path"], other_file);
        assert_eq!(
            run.items(),
            items,
            "with an error the items go back unchanged"
        );
    }
}

#[test]
fn output_the_intent_no_longer_generates_is_pruned_with_a_note() {
    let first = first_run();
    let mut items = first.items().to_vec();
    let intent = items.iter_mut().find(|i| is_intent(i)).unwrap();
    intent["spec"]["rules"]["health"] = json!(false);
    intent["spec"].as_object_mut().unwrap().remove("agents");
    let second = run_function(&items);
    assert_eq!(second.code, 0, "{}", second.stdout);

    let before = identities(first.generated());
    let after = identities(second.generated());
    let gone: BTreeSet<&String> = before.difference(&after).collect();
    assert!(
        gone.iter()
            .any(|g| g.ends_with("/VMRule/observability/victoria-metrics-global-vmstack-health")),
        "{gone:?}"
    );
    assert!(
        after.is_subset(&before),
        "nothing new: {:?}",
        after.difference(&before)
    );
    let notes = second.with(Code::PrunedOutput);
    assert_eq!(notes.len(), gone.len(), "one note per removed object");
    assert!(notes.iter().all(|n| n["severity"] == "info"));
    assert!(
        names_of(&notes).contains("victoria-metrics-global-vmstack-health"),
        "{}",
        second.stdout
    );

    // And that is a fixed point: the third run removes nothing, and says nothing of it.
    let third = run_function(second.items());
    assert_eq!(third.code, 0, "{}", third.stdout);
    assert!(third.with(Code::PrunedOutput).is_empty());
    assert_eq!(third.items(), second.items());
}

// ----------------------------------------------------------------------------------------------
// kpt fn render
// ----------------------------------------------------------------------------------------------

/// A hand-written file in kpt's own style (so that kpt's rewrite of every file leaves it byte
/// for byte), carrying the owner annotation copied from generated output.
const LOOKALIKE: &str = "\
# Hand-written from a copy of generated output: the owner annotation came along.
apiVersion: v1
kind: ConfigMap
metadata:
  name: my-settings
  namespace: observability
  annotations:
    vmstack.dev/owner: observability/victoria-metrics-global
data:
  team: platform
";

fn kpt_render(kpt: &Path, bin: &Path, pkg: &Path) -> (bool, String) {
    let out = Command::new(kpt)
        .args(["fn", "render", "--allow-exec"])
        .arg(pkg)
        .env("PATH", path_with(bin))
        .current_dir(pkg.parent().unwrap())
        .output()
        .expect("running kpt");
    (
        out.status.success(),
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn path_with(first: &Path) -> std::ffi::OsString {
    let mut dirs = vec![first.to_path_buf()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap()
}

/// A folder holding only the binary, as `vmstack` (what the Kptfile's `exec:` names).
fn bin_dir(parent: &Path) -> std::path::PathBuf {
    let dir = parent.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(BIN, dir.join("vmstack")).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(BIN, dir.join("vmstack")).unwrap();
    dir
}

fn replace_once(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from:?} in\n{text}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn objects_in(path: &Path) -> Vec<Value> {
    yaml::parse_documents(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn infra_copy(tmp: &Path) -> std::path::PathBuf {
    let pkg = tmp.join("infra");
    copy_dir(&repo("examples/seed/infra"), &pkg);
    pkg
}

#[test]
fn kpt_render_keeps_what_the_user_owns_and_still_prunes_its_own() {
    let test = "kpt_render_keeps_what_the_user_owns_and_still_prunes_its_own";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path());
    let pkg = infra_copy(tmp.path());
    std::fs::write(pkg.join("my-settings.yaml"), LOOKALIKE).unwrap();
    // The intent itself with the owner annotation (as if copied from its output).
    replace_once(
        &pkg.join("vmstack.yaml"),
        "    config.kubernetes.io/local-config: \"true\"\n",
        "    config.kubernetes.io/local-config: \"true\"\n    vmstack.dev/owner: observability/victoria-metrics-global\n",
    );
    let intent_before = objects_in(&pkg.join("vmstack.yaml")).remove(0);

    let (ok, out) = kpt_render(&kpt, &bin, &pkg);
    assert!(ok, "{out}");
    assert!(
        out.contains(Code::NotGenerated.as_str()),
        "a warning for each: {out}"
    );
    let files = snapshot(&pkg);
    assert_eq!(
        files["my-settings.yaml"],
        LOOKALIKE.as_bytes(),
        "the user's file must survive, byte for byte"
    );
    let intent = objects_in(&pkg.join("vmstack.yaml")).remove(0);
    assert_eq!(
        intent["spec"], intent_before["spec"],
        "the intent is never pruned"
    );
    assert_eq!(intent["metadata"]["annotations"][OWNER], INFRA_OWNER);

    // A second render changes nothing.
    let (ok, out) = kpt_render(&kpt, &bin, &pkg);
    assert!(ok, "{out}");
    assert!(
        snapshot(&pkg) == files,
        "the second render changed the package"
    );

    // Output the intent no longer generates is still pruned, within a file.
    let health = |pkg: &Path| {
        objects_in(&pkg.join("global/vmrule.yaml"))
            .iter()
            .any(|r| r["metadata"]["name"] == "victoria-metrics-global-vmstack-health")
    };
    assert!(health(&pkg));
    replace_once(
        &pkg.join("vmstack.yaml"),
        "\n  rules:\n",
        "\n  rules:\n    health: false\n",
    );
    replace_once(&pkg.join("vmstack.yaml"), "  agents: [apps]\n", "");
    let (ok, out) = kpt_render(&kpt, &bin, &pkg);
    assert!(ok, "{out}");
    assert!(out.contains(Code::PrunedOutput.as_str()), "{out}");
    assert!(!health(&pkg), "the health VMRule was not pruned");
    assert!(
        objects_in(&pkg.join("global/vmrule.yaml"))
            .iter()
            .any(|r| r["metadata"]["name"] == "victoria-metrics-global-vmstack-rules"),
        "pruning went too far"
    );
    let after_edit = snapshot(&pkg);
    assert_eq!(after_edit["my-settings.yaml"], LOOKALIKE.as_bytes());
    let (ok, out) = kpt_render(&kpt, &bin, &pkg);
    assert!(ok, "{out}");
    assert!(
        snapshot(&pkg) == after_edit,
        "the render after the edit is not a fixed point"
    );
}

#[test]
fn kpt_render_refuses_to_write_one_object_twice() {
    let test = "kpt_render_refuses_to_write_one_object_twice";
    let Some(kpt) = require_tool("kpt", test) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path());
    let pkg = infra_copy(tmp.path());
    // Generated output copied verbatim into another file (to customise it, say): the user's now.
    std::fs::create_dir_all(pkg.join("backup")).unwrap();
    std::fs::copy(
        pkg.join("global/helmrelease.yaml"),
        pkg.join("backup/helmrelease.yaml"),
    )
    .unwrap();
    let before = snapshot(&pkg);
    let (ok, out) = kpt_render(&kpt, &bin, &pkg);
    assert!(
        !ok,
        "two HelmReleases of one name must fail the render: {out}"
    );
    assert!(
        out.contains(Code::CollidesWithInput.as_str())
            && out.contains("backup/helmrelease.yaml")
            && out.contains("global/helmrelease.yaml"),
        "{out}"
    );
    assert!(
        snapshot(&pkg) == before,
        "a failed render changed the package"
    );
}

// ----------------------------------------------------------------------------------------------
// The command line
// ----------------------------------------------------------------------------------------------

/// A saved `kubectl kustomize` of the intent beside it holds the very objects the intent
/// generates: `check` says so, and `render -o` into the folder deletes nothing.
#[test]
fn a_saved_build_beside_the_intent_is_reported_not_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kustomize");
    copy_dir(&repo("examples/kustomize"), &dir);
    let saved = std::fs::read(dir.join("rendered.yaml")).unwrap();
    for args in [vec!["check"], vec!["render", "-o", dir.to_str().unwrap()]] {
        let out = Command::new(BIN).args(&args).arg(&dir).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(Code::CollidesWithInput.as_str()) && stderr.contains("rendered.yaml"),
            "{args:?}: {stderr}"
        );
        assert_eq!(std::fs::read(dir.join("rendered.yaml")).unwrap(), saved);
        assert!(!dir.join("stack").exists(), "nothing written on an error");
    }
}
