//! The command line's input: files, folders (every YAML file below, as kpt reads a package) and
//! stdin, read into items placed the way kpt places them, with their text kept for the report.
//!
//! A file that cannot be read, or is not YAML, is a problem of the run, not its end: every other
//! file is still read, so one run reports everything.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::code::Code;
use crate::krm::object::{self, Object};
use crate::krm::{FileRef, KrmResult, ResourceRef, yaml};
use crate::locate::{Place, Positions};

/// What to read: a file, with its path inside the package, or stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File {
        path: PathBuf,
        /// As kpt would annotate it (`sub/file.yaml`); `None` leaves the objects unplaced.
        package_path: Option<String>,
    },
}

impl Input {
    /// A file given by itself: in the package, it is its own name.
    pub fn file(path: &Path) -> Input {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Input::File {
            path: path.to_path_buf(),
            package_path: name,
        }
    }
}

/// One file that was read.
#[derive(Debug)]
pub struct InputFile {
    /// The file as the user would name it (the path given, or below the folder given).
    pub shown: String,
    /// Its path inside the package, as kpt would annotate it; `None` for stdin.
    pub package_path: Option<String>,
    pub text: String,
    /// Where its documents' fields are; `None` when it is not YAML.
    pub positions: Option<Positions>,
}

/// A problem met while reading, with the place it is about when there is one.
#[derive(Debug)]
pub struct Problem {
    pub result: KrmResult,
    /// Index into [`Inputs::files`] and the place in that file.
    pub at: Option<(usize, Place)>,
}

impl From<KrmResult> for Problem {
    fn from(result: KrmResult) -> Problem {
        Problem { result, at: None }
    }
}

/// One document of an input file that became an item.
#[derive(Debug, Clone)]
pub struct InputDocument {
    /// Index into [`Inputs::files`].
    pub file: usize,
    /// Position among the file's documents.
    pub index: usize,
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// The intent that generated it (`vmstack.dev/owner`), for earlier output read back in.
    pub owner: Option<String>,
}

/// Everything read, and what went wrong reading it.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    pub documents: Vec<InputDocument>,
    pub items: Vec<Value>,
    pub problems: Vec<Problem>,
}

pub fn problem(message: String, file: Option<&str>) -> KrmResult {
    let mut r = Code::UnreadableInput.error(message);
    r.file = file.map(|path| FileRef {
        path: path.to_string(),
        index: 0,
    });
    r
}

impl Inputs {
    /// Reads every input in order. `stdin` is called at most once, for `-`.
    pub fn read(inputs: &[Input], stdin: &mut dyn FnMut() -> std::io::Result<String>) -> Inputs {
        let mut read = Inputs::default();
        let mut stdin_read = false;
        for input in inputs {
            match input {
                Input::Stdin if stdin_read => {}
                Input::Stdin => {
                    stdin_read = true;
                    match stdin() {
                        Ok(text) => read.add_text("<stdin>".into(), None, text),
                        Err(e) => read
                            .problems
                            .push(problem(format!("reading stdin: {e}"), None).into()),
                    }
                }
                Input::File { path, package_path } => read.add_file(path, package_path.clone()),
            }
        }
        read
    }

    fn add_file(&mut self, path: &Path, package_path: Option<String>) {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => self.add_text(shown, package_path, text),
            Err(e) => self
                .problems
                .push(problem(format!("reading {shown}: {e}"), Some(&shown)).into()),
        }
    }

    fn add_text(&mut self, shown: String, package_path: Option<String>, text: String) {
        let file = self.files.len();
        let positions = Positions::read(&text);
        let docs = match yaml::parse_documents(&text) {
            Ok(docs) => docs,
            Err(e) => {
                let (message, at) = match &positions {
                    Err(syntax) => (syntax.message.clone(), Some((file, syntax.at.clone()))),
                    Ok(_) => (e.to_string(), None),
                };
                self.problems.push(Problem {
                    result: problem(format!("{shown} is not YAML: {message}"), Some(&shown)),
                    at,
                });
                Vec::new()
            }
        };
        for (index, mut doc) in docs.into_iter().enumerate() {
            if !doc.is_object() {
                let at = positions
                    .as_ref()
                    .ok()
                    .and_then(|p| p.locate(index, ""))
                    .map(|l| (file, l.value));
                self.problems.push(Problem {
                    result: problem(
                        format!("this document of {shown} is not a Kubernetes object (a mapping)"),
                        Some(&shown),
                    ),
                    at,
                });
                continue;
            }
            if let Some(p) = &package_path {
                object::set_file(&mut doc, p, index);
            }
            let o = Object(&doc);
            self.documents.push(InputDocument {
                file,
                index,
                api_version: o.api_version().into(),
                kind: o.kind().into(),
                namespace: o.namespace().into(),
                name: o.name().into(),
                owner: o.annotation(crate::function::OWNER).map(str::to_string),
            });
            self.items.push(doc);
        }
        self.files.push(InputFile {
            shown,
            package_path,
            text,
            positions: positions.ok(),
        });
    }

    /// The input document an object came from, by its identity, preferring the file a result
    /// names when two documents share one. Earlier output of the intents in `replaced` is
    /// skipped: it is what the run replaces, not what the result is about.
    pub fn document_of(
        &self,
        resource: &ResourceRef,
        file: Option<&FileRef>,
        replaced: &BTreeSet<String>,
    ) -> Option<&InputDocument> {
        let same = |d: &&InputDocument| {
            d.api_version == resource.api_version
                && d.kind == resource.kind
                && d.namespace == resource.namespace
                && d.name == resource.name
                && !d.owner.as_ref().is_some_and(|o| replaced.contains(o))
        };
        let in_file = |d: &&InputDocument| {
            file.is_some_and(|f| {
                let shown = &self.files[d.file];
                f.index == d.index as u64
                    && (shown.package_path.as_deref() == Some(f.path.as_str())
                        || shown.shown == f.path)
            })
        };
        self.documents
            .iter()
            .filter(same)
            .find(in_file)
            .or_else(|| self.documents.iter().find(same))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_stdin() -> std::io::Result<String> {
        panic!("stdin must not be read")
    }

    #[test]
    fn every_bad_file_is_a_problem_and_the_others_are_still_read() {
        let tmp = tempfile::tempdir().unwrap();
        let bad = tmp.path().join("bad.yaml");
        let list = tmp.path().join("list.yaml");
        let good = tmp.path().join("good.yaml");
        std::fs::write(&bad, "a: 1\nb: \"unclosed\n").unwrap();
        std::fs::write(&list, "- 1\n").unwrap();
        std::fs::write(&good, "apiVersion: v1\nkind: ConfigMap\n").unwrap();
        let missing = tmp.path().join("missing.yaml");
        let read = Inputs::read(
            &[bad, list, missing, good].map(|p| Input::file(&p)),
            &mut no_stdin,
        );
        assert_eq!(read.problems.len(), 3, "{:#?}", read.problems);
        assert!(
            read.problems
                .iter()
                .all(|p| p.result.tags["code"] == Code::UnreadableInput.as_str())
        );
        let (file, at) = read.problems[0]
            .at
            .clone()
            .expect("the syntax error has a place");
        assert!(read.files[file].shown.ends_with("bad.yaml"));
        assert_eq!(at.line, 2);
        assert_eq!(read.items.len(), 1);
        let config_map = ResourceRef {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            name: String::new(),
            namespace: String::new(),
        };
        let good = read
            .document_of(&config_map, None, &BTreeSet::new())
            .unwrap();
        assert!(read.files[good.file].shown.ends_with("good.yaml"));
        assert_eq!(Object(&read.items[0]).file_ref().unwrap().path, "good.yaml");
        assert_eq!(good.index, 0);
    }

    #[test]
    fn stdin_is_read_once_and_not_placed() {
        let mut calls = 0;
        let mut stdin = || {
            calls += 1;
            Ok("apiVersion: v1\nkind: ConfigMap\n".to_string())
        };
        let read = Inputs::read(&[Input::Stdin, Input::Stdin], &mut stdin);
        assert_eq!(calls, 1);
        assert_eq!(read.items.len(), 1);
        assert!(Object(&read.items[0]).file_ref().is_none());
        assert_eq!(read.files[0].shown, "<stdin>");
    }
}
