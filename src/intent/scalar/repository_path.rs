//! `spec.flux.path`: the folder of the Flux source that the generated Kustomization applies.
//!
//! kustomize-controller joins it to the source's root with securejoin, so no path leaves the
//! source: a `..` that would is dropped at the root, and the Kustomization quietly applies
//! another folder than the path names. A leading `/` or `./` is the root either way, and an
//! empty segment is harmless, so those stay allowed.

use super::package_path::printable;

/// Why `path` does not name one folder of the source as Flux reads it, if it does not.
pub fn repository_path(path: &str) -> Result<(), String> {
    printable(path)?;
    if path.split('/').any(|segment| segment == "..") {
        return Err(
            "has a `..` segment: Flux joins the path to the source's root and drops a \
                    `..` that would leave it, so the Kustomization would apply another folder \
                    than this names; give the path from the repository's root"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::repository_path;

    #[test]
    fn paths_from_the_sources_root_are_taken() {
        for path in [
            "./clusters/infra/vm",
            "clusters/x",
            "/clusters/x",
            "./",
            "a//b",
            "a..b/${DIR}",
        ] {
            assert_eq!(repository_path(path), Ok(()), "{path:?}");
        }
    }

    #[test]
    fn paths_flux_would_read_otherwise_are_refused() {
        for (path, why) in [
            ("../infra", "`..`"),
            ("./clusters/../../x", "`..`"),
            ("a\\b", "backslash"),
            ("a\nb", "\\n"),
            ("a\u{202e}b", "\\u{202e}"),
        ] {
            let problem = repository_path(path).expect_err(path);
            assert!(problem.contains(why), "{path:?}: {problem}");
        }
    }
}
