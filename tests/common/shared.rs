//! Where the read-only reference data (`shared/`) lives, and what a test does when it is missing.
//!
//! The rule (see `shared/README.md`): a missing folder must never turn into a silent pass. Outside CI
//! a test that needs it says loudly that it checked nothing and returns; under CI it fails.

use std::path::{Path, PathBuf};

/// Name of the environment variable that points at the shared folder explicitly.
pub const SHARED_ENV: &str = "VMSTACK_SHARED";

/// The folder the tests would read, and whether somebody asked for it explicitly.
fn candidate() -> (PathBuf, bool) {
    match std::env::var_os(SHARED_ENV) {
        Some(dir) if !dir.is_empty() => (PathBuf::from(dir), true),
        // CARGO_MANIFEST_DIR is baked in at compile time, so this does not depend on the directory
        // `cargo test` happens to be started from.
        _ => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
            false,
        ),
    }
}

/// The shared folder: `$VMSTACK_SHARED` when set, else `<crate root>/../shared`; `None` when that
/// folder does not exist.
pub fn shared_dir() -> Option<PathBuf> {
    let (dir, _) = candidate();
    dir.is_dir().then_some(dir)
}

/// Whether we run under CI. The brief says `CI=true`; `1`/`yes` are accepted too because some CI
/// systems spell it that way, and treating them as "not CI" would be the silent pass we must avoid.
pub fn running_in_ci() -> bool {
    std::env::var("CI")
        .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
        .unwrap_or(false)
}

/// The shared folder, or `None` after saying loudly that the calling test checked nothing.
///
/// Panics (fails the test) when:
/// - the folder is missing and we run under CI;
/// - `$VMSTACK_SHARED` names a folder that does not exist (someone asked for it, so a typo there
///   must not quietly skip everything);
/// - the folder exists but lacks `schemas/` or `chart/`: a half-present reference folder would let
///   checks pass against nothing.
pub fn require_shared() -> Option<PathBuf> {
    let (dir, explicit) = candidate();
    match decide_shared(&dir, explicit, running_in_ci()) {
        Ok(SharedFolder::Present(dir)) => Some(dir),
        Ok(SharedFolder::Missing(why)) => {
            let test = std::thread::current()
                .name()
                .unwrap_or("<unnamed>")
                .to_string();
            loud(&format!(
                "=== SKIPPED, NOTHING CHECKED in {test}: {why}. This test passes vacuously on \
                 this machine; under CI=true it fails. ==="
            ));
            None
        }
        Err(why) => panic!("{why}"),
    }
}

/// What [`decide_shared`] found.
#[derive(Debug, PartialEq)]
pub enum SharedFolder {
    Present(PathBuf),
    /// Missing, and skipping is allowed (not CI, not asked for explicitly): the reason to print.
    Missing(String),
}

/// The decision behind [`require_shared`], without side effects, so the harness can test the rule
/// without touching the process environment (setting env vars is racy across test threads) and
/// without printing skip warnings for folders that were never meant to exist. `Err` means the
/// test must fail.
pub fn decide_shared(dir: &Path, explicit: bool, ci: bool) -> Result<SharedFolder, String> {
    if !dir.is_dir() {
        let why = if explicit {
            format!(
                "${SHARED_ENV} points at {}, which is not a directory",
                dir.display()
            )
        } else {
            format!(
                "shared reference folder {} not found (set ${SHARED_ENV} to its location)",
                dir.display()
            )
        };
        return if ci || explicit {
            Err(format!("{why}; refusing to skip the checks that need it"))
        } else {
            Ok(SharedFolder::Missing(why))
        };
    }
    for sub in ["schemas", "chart"] {
        if !dir.join(sub).is_dir() {
            return Err(format!(
                "shared folder {} has no {sub}/ subfolder: incomplete reference data, refusing to \
                 check against nothing",
                dir.display()
            ));
        }
    }
    Ok(SharedFolder::Present(dir.to_path_buf()))
}

/// Writes one line straight to the process's stderr. `eprintln!` would not do: libtest captures
/// the print macros of passing tests and shows them only on failure (or with --nocapture), so a
/// skipped test's warning would vanish exactly when it matters. Writing to the handle bypasses the
/// capture and always reaches the terminal or CI log.
pub fn loud(line: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// The cases of a JSON file under `shared/reference/` (a list), at least `least` of them; `None`
/// when the shared folder is missing, as `require_shared` says.
pub fn reference_cases(file: &str, least: usize) -> Option<Vec<serde_json::Value>> {
    let path = require_shared()?.join("reference").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a JSON list: {e}", path.display()));
    assert!(
        cases.len() >= least,
        "only {} cases in {}",
        cases.len(),
        path.display()
    );
    Some(cases)
}
