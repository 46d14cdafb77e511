//! External programs the tests drive (kpt, kubectl, kustomize, vmalert, promtool, setpriv, git),
//! and what a test does when one is missing: it says loudly that it checked nothing and, under
//! CI, fails.

use std::path::{Path, PathBuf};

use super::shared::{loud, running_in_ci};

pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// Prints past libtest's output capture (which only intercepts the print macros), so the line
/// shows up even when the test passes; also into the captured output for `--nocapture` readers.
pub fn shout(msg: &str) {
    loud(msg);
    println!("{msg}");
}

/// A tool the checks need. Missing: says loudly that the calling test checked nothing and
/// returns `None`; under CI, fails the test instead.
pub fn require_tool(name: &str, test: &str) -> Option<PathBuf> {
    if let Some(p) = on_path(name) {
        return Some(p);
    }
    let msg = format!(
        "!!!!! {test}: `{name}` is not on PATH: THIS TEST CHECKED NOTHING (install {name} to run it) !!!!!"
    );
    shout(&msg);
    if running_in_ci() {
        panic!("{msg} -- a missing tool under CI=true is a failure, not a pass");
    }
    None
}
