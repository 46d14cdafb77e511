//! What one expansion reads, as kpt decides it: a folder given is a package, and so is every
//! folder below it holding a `Kptfile` (a kpt subpackage, expanded on its own, as each cluster's
//! settings belong to its own package). Files given by themselves, and stdin, make one package
//! together. The files named with `--settings` are read into every package.

use std::path::{Path, PathBuf};

use super::inputs::{Input, problem};
use crate::krm::KrmResult;

/// One package to read and expand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Where its files are written below the output folder (the subpackage's own path).
    pub prefix: PathBuf,
    pub inputs: Vec<Input>,
}

/// The packages of the paths given, and what could not be read to find them.
#[derive(Debug, Default)]
pub struct Packages {
    pub packages: Vec<Package>,
    pub problems: Vec<KrmResult>,
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_yaml_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

struct Walk<'a> {
    top: &'a Path,
    found: Vec<(PathBuf, Vec<Input>)>,
    problems: Vec<KrmResult>,
}

impl Walk<'_> {
    /// Reads the package rooted at `root` (its files, in name order), and each subpackage below
    /// it as a package of its own.
    fn package(&mut self, root: &Path) {
        let at = self.found.len();
        let prefix = root.strip_prefix(self.top).unwrap_or(root).to_path_buf();
        self.found.push((prefix, Vec::new()));
        self.folder(root, root, at);
    }

    fn folder(&mut self, root: &Path, dir: &Path, at: usize) {
        let entries = std::fs::read_dir(dir)
            .and_then(|entries| entries.map(|e| e.map(|e| e.path())).collect());
        let mut entries: Vec<PathBuf> = match entries {
            Ok(entries) => entries,
            Err(e) => {
                self.problems.push(problem(
                    format!("reading the folder {}: {e}", dir.display()),
                    None,
                ));
                return;
            }
        };
        entries.sort();
        for path in entries {
            if is_hidden(&path) {
                continue;
            }
            if path.is_dir() {
                if path.join("Kptfile").is_file() {
                    self.package(&path);
                } else {
                    self.folder(root, &path, at);
                }
            } else if is_yaml_file(&path) {
                let inside = path.strip_prefix(root).unwrap_or(&path);
                self.found[at].1.push(Input::File {
                    package_path: Some(slash_path(inside)),
                    path,
                });
            }
        }
    }
}

/// The packages to expand for `paths` (files, folders, `-`), each with the `settings` files.
pub fn packages(paths: &[PathBuf], settings: &[PathBuf]) -> Packages {
    let mut out = Packages::default();
    let mut loose = Vec::new();
    for path in paths {
        if path == Path::new("-") {
            loose.push(Input::Stdin);
        } else if path.is_dir() {
            let mut walk = Walk {
                top: path,
                found: Vec::new(),
                problems: Vec::new(),
            };
            walk.package(path);
            out.problems.append(&mut walk.problems);
            let found: Vec<(PathBuf, Vec<Input>)> = walk
                .found
                .into_iter()
                .filter(|(_, inputs)| !inputs.is_empty())
                .collect();
            if found.is_empty() {
                out.problems.push(problem(
                    format!("the folder {} holds no YAML file", path.display()),
                    None,
                ));
            }
            out.packages.extend(
                found
                    .into_iter()
                    .map(|(prefix, inputs)| Package { prefix, inputs }),
            );
        } else {
            loose.push(Input::file(path));
        }
    }
    if !loose.is_empty() {
        out.packages.insert(
            0,
            Package {
                prefix: PathBuf::new(),
                inputs: loose,
            },
        );
    }
    for p in &mut out.packages {
        p.inputs.extend(settings.iter().map(|s| Input::file(s)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package_paths(p: &Package) -> Vec<String> {
        p.inputs
            .iter()
            .map(|i| match i {
                Input::File { package_path, .. } => package_path.clone().unwrap_or_default(),
                Input::Stdin => "-".into(),
            })
            .collect()
    }

    #[test]
    fn a_folder_is_a_package_and_each_kptfile_below_it_another() {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path();
        for dir in ["sub", "cluster/out", ".git"] {
            std::fs::create_dir_all(top.join(dir)).unwrap();
        }
        for file in [
            "a.yaml",
            "sub/b.yml",
            "notes.txt",
            ".git/x.yaml",
            "cluster/Kptfile",
            "cluster/c.yaml",
            "cluster/out/d.yaml",
        ] {
            std::fs::write(top.join(file), "").unwrap();
        }
        let found = packages(&[top.to_path_buf()], &[top.join("settings.yaml")]);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let shapes: Vec<(PathBuf, Vec<String>)> = found
            .packages
            .iter()
            .map(|p| (p.prefix.clone(), package_paths(p)))
            .collect();
        assert_eq!(
            shapes,
            [
                (
                    PathBuf::new(),
                    vec!["a.yaml".into(), "sub/b.yml".into(), "settings.yaml".into()]
                ),
                (
                    PathBuf::from("cluster"),
                    vec!["c.yaml".into(), "out/d.yaml".into(), "settings.yaml".into()]
                ),
            ]
        );
    }

    #[test]
    fn files_and_stdin_make_one_package_and_an_empty_folder_is_a_problem() {
        let tmp = tempfile::tempdir().unwrap();
        let empty = tmp.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        let found = packages(
            &[PathBuf::from("-"), tmp.path().join("x.yaml"), empty.clone()],
            &[],
        );
        assert_eq!(found.packages.len(), 1);
        assert_eq!(package_paths(&found.packages[0]), ["-", "x.yaml"]);
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].message.contains("holds no YAML file"));
    }
}
