//! The release binary the image ships (`scripts/build-static.sh`) is static, and does its work
//! with nothing around it: an empty environment, an unprivileged user, a read-only folder. That
//! is what a `scratch` image run by kpt (`docker run --user nobody`) or a locked-down CI runner
//! gives it.
//!
//! "Static" is checked on the ELF file itself: no `PT_INTERP` (no program interpreter, so no
//! dynamic loader runs) and no `DT_NEEDED` (no shared library). The same check is run on a
//! dynamic program of the system to show that it can fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use common::elf::{Needs, needs};
use common::files::{below, chmod_tree, copy_dir, snapshot};
use common::fixtures::repo;
use common::tools::require_tool;
use vmstack::krm::yaml;

/// Builds the static binary as the Containerfile does (a no-op when `.ci/run` already has),
/// once for both tests.
fn static_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let out = Command::new(repo("scripts/build-static.sh"))
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .stderr(Stdio::inherit())
                .output()
                .expect("running scripts/build-static.sh");
            assert!(out.status.success(), "scripts/build-static.sh failed");
            let path = String::from_utf8(out.stdout).unwrap();
            let path = Path::new(path.trim());
            if path.is_absolute() {
                path.to_path_buf()
            } else {
                repo("").join(path)
            }
        })
        .clone()
}

/// A program of the system, dynamically linked as distributions build them: the check must see
/// that it is, or its "static" answers would mean nothing.
fn a_dynamic_program() -> Option<PathBuf> {
    ["/usr/bin/true", "/bin/true", "/usr/bin/env", "/bin/sh"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists() && needs(p).interpreter)
}

#[test]
fn the_release_binary_is_static() {
    let control = a_dynamic_program().expect("a dynamic program of the system, as a control");
    let dynamic = needs(&control);
    assert!(
        dynamic.interpreter && dynamic.shared_libraries > 0,
        "the check must see that {} is dynamic: {dynamic:?}",
        control.display()
    );
    let binary = static_binary();
    assert_eq!(
        needs(&binary),
        Needs {
            interpreter: false,
            shared_libraries: 0
        },
        "{} is not static",
        binary.display()
    );
}

/// `.cargo/config.toml` makes every build from the checkout static on Linux with glibc, the one
/// `cargo install --path .` makes included: this test's own build of vmstack is one.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_ordinary_build_is_static_too() {
    let built = Path::new(env!("CARGO_BIN_EXE_vmstack"));
    assert_eq!(
        needs(built),
        Needs {
            interpreter: false,
            shared_libraries: 0
        },
        "{} is not static: is .cargo/config.toml read?",
        built.display()
    );
}

/// The effective user id of this process (the owner of `/proc/self`).
fn euid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").unwrap().uid()
}

const NOBODY: u32 = 65534;

/// Runs the binary with an empty environment, in `dir`, as `nobody` when we are root (as CI
/// is), else as ourselves, who are unprivileged already.
fn unprivileged(
    setpriv: Option<&Path>,
    binary: &Path,
    dir: &Path,
    args: &[&str],
    stdin: &str,
) -> Output {
    let mut cmd = match setpriv {
        Some(setpriv) => {
            let mut cmd = Command::new(setpriv);
            cmd.arg(format!("--reuid={NOBODY}"))
                .arg(format!("--regid={NOBODY}"))
                .args(["--clear-groups", "--"])
                .arg(binary);
            cmd
        }
        None => Command::new(binary),
    };
    common::process::run_with_stdin(
        cmd.args(args).current_dir(dir).env_clear(),
        stdin.as_bytes(),
    )
}

fn describe(out: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_static_binary_renders_the_examples_unprivileged_from_a_read_only_folder() {
    let test = "the_static_binary_renders_the_examples_unprivileged_from_a_read_only_folder";
    let root = euid() == 0;
    let setpriv = if root {
        match require_tool("setpriv", test) {
            Some(p) => Some(p),
            None => return,
        }
    } else {
        None
    };
    let binary = static_binary();

    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("ro");
    copy_dir(&repo("examples"), &ro.join("examples"));
    std::fs::create_dir_all(ro.join("bin")).unwrap();
    std::fs::copy(&binary, ro.join("bin/vmstack")).unwrap();
    chmod_tree(&ro, 0o555, 0o444);
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            ro.join("bin/vmstack"),
            std::fs::Permissions::from_mode(0o555),
        )
        .unwrap();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    if root {
        std::os::unix::fs::chown(&out, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let bin = ro.join("bin/vmstack");
    let run = |args: &[&str], stdin: &str| unprivileged(setpriv.as_deref(), &bin, &ro, args, stdin);

    // The folder is really read-only for this user: writing into it fails.
    let refused = run(
        &["render", "examples/seed/infra", "-o", "examples/elsewhere"],
        "",
    );
    assert_eq!(refused.status.code(), Some(1), "{}", describe(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("ermission denied"),
        "{}",
        describe(&refused)
    );

    for (package, folder) in [("seed/infra", "global"), ("seed/apps", "stack")] {
        let to = format!("../out/{package}");
        let done = run(&["render", &format!("examples/{package}"), "-o", &to], "");
        assert!(done.status.success(), "{}", describe(&done));
        let expected = below(&snapshot(&repo(&format!("examples/{package}"))), folder);
        let written = below(&snapshot(&out.join(package)), folder);
        assert!(!written.is_empty());
        assert!(
            written == expected,
            "{package}: not the committed files: {:?}",
            written.keys()
        );
    }

    // Not examples/kustomize as a folder: its rendered.yaml holds the objects its intent
    // generates, which check reports as collisions (docs/ownership.md).
    let checked = run(
        &[
            "check",
            "examples/seed",
            "examples/clustermesh",
            "examples/vmauth",
            "examples/kustomize/vmstack.yaml",
        ],
        "",
    );
    assert!(checked.status.success(), "{}", describe(&checked));

    let plugin = run(&["examples/kustomize/vmstack.yaml"], "");
    assert!(plugin.status.success(), "{}", describe(&plugin));
    let docs = yaml::parse_documents(&String::from_utf8(plugin.stdout).unwrap()).unwrap();
    assert!(docs.iter().any(|d| d["kind"] == "HelmRelease"));

    let intent = std::fs::read_to_string(repo("examples/seed/apps/vmstack.yaml")).unwrap();
    let intent = yaml::parse_document(&intent).unwrap();
    let list = serde_json::json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": [intent],
        "functionConfig": intent,
    });
    let krm = run(&[], &yaml::to_yaml(&list));
    assert!(krm.status.success(), "{}", describe(&krm));
    let answer = yaml::parse_document(&String::from_utf8(krm.stdout).unwrap()).unwrap();
    assert!(
        answer["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "HelmRelease")
    );

    // No HOME, no plugin folder: install-plugin says what to set, and --dir works.
    let nowhere = run(&["install-plugin"], "");
    assert_eq!(nowhere.status.code(), Some(1), "{}", describe(&nowhere));
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("--dir"));
    let installed = run(&["install-plugin", "--dir", "../out/plugins"], "");
    assert!(installed.status.success(), "{}", describe(&installed));
    assert!(
        out.join("plugins/vmstack.dev/v1alpha1/victoriametricsstack/VictoriaMetricsStack")
            .is_file()
    );
}

/// No container engine runs here, so the Containerfile is checked by reading it: its final stage
/// is empty but for that static binary, runs as a non-root user, and says which version it is.
#[test]
fn the_image_is_the_static_binary_alone_run_as_non_root() {
    let text = std::fs::read_to_string(repo("Containerfile")).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    let stages: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("FROM "))
        .map(|(i, _)| i)
        .collect();
    let (build, last) = (
        &lines[..stages[stages.len() - 1]],
        &lines[stages[stages.len() - 1]..],
    );
    assert!(
        build.contains(&"RUN scripts/build-static.sh"),
        "the build stage builds the tested static binary"
    );
    assert_eq!(
        last[0], "FROM scratch",
        "the final stage has no shell and no libc"
    );
    let copied: Vec<&&str> = last.iter().filter(|l| l.starts_with("COPY ")).collect();
    assert!(
        copied
            .iter()
            .any(|l| l.contains("/src/target/static/vmstack "))
    );
    assert!(
        copied.iter().all(|l| l.starts_with("COPY --from=build ")),
        "{copied:?}"
    );
    let user = last
        .iter()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("the final stage names its user");
    assert!(
        !["0", "root"].contains(&user.split(':').next().unwrap()),
        "runs as {user}"
    );
    let passwd = build
        .iter()
        .find(|l| l.contains("> /passwd"))
        .expect("the accounts are written");
    assert!(
        passwd.contains("nobody:x:65534"),
        "kpt runs containers as nobody"
    );
    // The entries are printf's format string: between the quotes, separated by `\n`.
    let entries: Vec<&str> = passwd
        .split('\'')
        .nth(1)
        .unwrap()
        .split("\\n")
        .filter(|e| !e.is_empty())
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(
        entries
            .iter()
            .all(|e| !e.starts_with("root:") && !e.contains(":x:0:")),
        "no root account: {entries:?}"
    );
    assert!(
        last.iter().any(|l| l.starts_with("ENTRYPOINT [\"")),
        "exec form: no shell"
    );

    let version = format!("ARG VERSION={}", env!("CARGO_PKG_VERSION"));
    assert!(last.contains(&version.as_str()), "{version}");
    for label in ["title", "description", "version", "url", "vendor"] {
        assert!(
            text.contains(&format!("org.opencontainers.image.{label}=")),
            "OCI label {label}"
        );
    }
    let function = std::fs::read_to_string(repo("function.yaml")).unwrap();
    assert!(
        function.contains(&format!("image: vmstack:{}", env!("CARGO_PKG_VERSION"))),
        "function.yaml names the image of this version"
    );
}
