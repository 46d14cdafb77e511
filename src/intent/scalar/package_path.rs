//! A path inside a kpt package, where vmstack places files: `spec.directory`, and the folder of
//! the intent's own file as the host gives it (`internal.config.kubernetes.io/path`).
//!
//! Hosts write what a function returns at the path it gives, relative to the package root, and
//! `vmstack render -o` writes there itself: a path that leaves the package, or that a terminal or
//! a file system would read otherwise than it is written, is refused before anything is placed
//! beside it.

use crate::terminal;

/// The path with its `.` segments left out (`""` is the package root), or why it is not a
/// relative path inside the package: absolute, a `..` segment (the reference's "relative, no
/// `../`"; a `..` is refused even where it would stay inside), an empty segment (`a//b`), a
/// backslash (a separator on Windows, and an escape to a terminal), or a control, bidi or line
/// separator character (which a terminal would show otherwise than the file system names it).
pub fn package_path(path: &str) -> Result<String, String> {
    if path.starts_with('/') {
        return Err("is absolute: give a path relative to the package".into());
    }
    printable(path)?;
    let mut kept = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" => return Err("has an empty segment (a leading, doubled or trailing /)".into()),
            ".." => return Err("has a `..` segment: it must stay inside the package".into()),
            "." => {}
            s => kept.push(s),
        }
    }
    Ok(kept.join("/"))
}

/// Why a path cannot be shown or read as written, if it cannot: a control, bidi or line
/// separator character, or a backslash.
pub(super) fn printable(path: &str) -> Result<(), String> {
    if let Some(c) = path.chars().find(|&c| terminal::is_unsafe(c)) {
        return Err(format!(
            "holds the control character {}: a path holds printable text only",
            terminal::escape(c.encode_utf8(&mut [0; 4]))
        ));
    }
    if path.contains('\\') {
        return Err("holds a backslash: separate folders with /".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_inside_the_package_are_kept_without_dot_segments() {
        for (path, kept) in [
            ("global", "global"),
            ("clusters/infra/vm", "clusters/infra/vm"),
            ("./a/./b.yaml", "a/b.yaml"),
            (".", ""),
            ("a..b/.hidden/${DIR}/é", "a..b/.hidden/${DIR}/é"),
        ] {
            assert_eq!(package_path(path).as_deref(), Ok(kept), "{path:?}");
        }
    }

    #[test]
    fn every_way_out_of_the_package_or_past_the_terminal_is_refused() {
        for (path, why) in [
            ("/etc/passwd", "absolute"),
            ("../../etc/passwd", "`..`"),
            ("a/../../b", "`..`"),
            ("a/../b", "`..`"),
            ("..", "`..`"),
            ("a//b", "empty segment"),
            ("a/", "empty segment"),
            ("", "empty segment"),
            ("a\\..\\b", "backslash"),
            ("C:\\Windows", "backslash"),
            ("a\0b", "\\u{0}"),
            ("a\nb", "\\n"),
            ("a\u{1b}[2Kb", "\\u{1b}"),
            ("a\u{85}b", "\\u{85}"),
            ("a\u{7f}b", "\\u{7f}"),
            ("evil\u{202e}lmy.yaml", "\\u{202e}"),
            ("a\u{2066}b", "\\u{2066}"),
        ] {
            let problem = package_path(path).expect_err(path);
            assert!(problem.contains(why), "{path:?}: {problem}");
        }
    }
}
