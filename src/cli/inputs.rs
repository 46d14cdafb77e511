//! The command line's input: files, folders (every YAML file below, as kpt reads a package) and
//! stdin, read into items placed the way kpt places them, with their text kept for the report.
//!
//! A file that cannot be read, or is not YAML, is a problem of the run, not its end: every other
//! file is still read, so one run reports everything. The files of one package are read within
//! the limits of one ResourceList ([`Limits`]): their bytes together, each document's nesting,
//! aliases and strings, and the number of objects.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::code::Code;
use crate::krm::input::{self, InputError};
use crate::krm::object::{self, Object};
use crate::krm::{FileRef, KrmResult, Limits, ResourceRef, yaml};
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

/// Reads stdin, within the input size limit (the bytes, or why they could not be read).
pub type ReadStdin<'a> = dyn FnMut() -> Result<Vec<u8>, InputError> + 'a;

pub fn problem(message: String, file: Option<&str>) -> KrmResult {
    problem_with(Code::UnreadableInput, message, file)
}

fn problem_with(code: Code, message: String, file: Option<&str>) -> KrmResult {
    let mut r = code.error(message);
    r.file = file.map(|path| FileRef {
        path: path.to_string(),
        index: 0,
    });
    r
}

impl Inputs {
    /// Reads every input in order, within the default limits. `stdin` is called at most once,
    /// for `-`.
    pub fn read(inputs: &[Input], stdin: &mut ReadStdin) -> Inputs {
        Inputs::read_within(inputs, stdin, &Limits::default())
    }

    /// [`Inputs::read`] within `limits`.
    pub fn read_within(inputs: &[Input], stdin: &mut ReadStdin, limits: &Limits) -> Inputs {
        let mut read = Inputs::default();
        let mut bytes_left = limits.input_bytes;
        let mut stdin_read = false;
        for input in inputs {
            match input {
                Input::Stdin if stdin_read => {}
                Input::Stdin => {
                    stdin_read = true;
                    let shown = "<stdin>".to_string();
                    match stdin() {
                        Ok(bytes) => read.add_bytes(shown, None, bytes, limits, &mut bytes_left),
                        Err(e) => read.problems.push(
                            problem_with(
                                Code::of_input_error(&e),
                                format!("reading stdin: {e}"),
                                None,
                            )
                            .into(),
                        ),
                    }
                }
                Input::File { path, package_path } => {
                    read.add_file(path, package_path.clone(), limits, &mut bytes_left)
                }
            }
        }
        read
    }

    fn add_file(
        &mut self,
        path: &Path,
        package_path: Option<String>,
        limits: &Limits,
        bytes_left: &mut usize,
    ) {
        let shown = path.display().to_string();
        let left = Limits {
            input_bytes: *bytes_left,
            ..*limits
        };
        let read = std::fs::File::open(path)
            .map_err(InputError::Io)
            .and_then(|file| input::read_limited(file, &left));
        match read {
            Ok(bytes) => self.add_bytes(shown, package_path, bytes, limits, bytes_left),
            Err(InputError::Io(e)) => self
                .problems
                .push(problem(format!("reading {shown}: {e}"), Some(&shown)).into()),
            Err(_) => self.too_large(&shown, limits),
        }
    }

    fn too_large(&mut self, shown: &str, limits: &Limits) {
        let message = format!(
            "reading {shown}: the files read come to more than {} bytes (the input size limit): \
             vmstack stopped reading",
            limits.input_bytes
        );
        self.problems
            .push(problem_with(Code::InputTooLarge, message, Some(shown)).into());
    }

    fn add_bytes(
        &mut self,
        shown: String,
        package_path: Option<String>,
        bytes: Vec<u8>,
        limits: &Limits,
        bytes_left: &mut usize,
    ) {
        if bytes.len() > *bytes_left {
            return self.too_large(&shown, limits);
        }
        *bytes_left -= bytes.len();
        match input::decode(bytes) {
            Ok(text) => self.add_text(shown, package_path, text, limits),
            Err(e) => {
                let r = problem_with(
                    Code::of_input_error(&e),
                    format!("{shown}: {e}"),
                    Some(&shown),
                );
                self.problems.push(r.into());
            }
        }
    }

    fn add_text(
        &mut self,
        shown: String,
        package_path: Option<String>,
        text: String,
        limits: &Limits,
    ) {
        let file = self.files.len();
        let (docs, positions) = match yaml::parse_documents_within(&text, limits) {
            Ok(docs) if self.items.len() + docs.len() > limits.items => {
                let message = format!(
                    "{shown}: more than {} objects in the files read (the item limit)",
                    limits.items
                );
                self.problems
                    .push(problem_with(Code::TooManyItems, message, Some(&shown)).into());
                (Vec::new(), None)
            }
            // Within the limits, the positions' own reading is bounded too.
            Ok(docs) => (docs, Positions::read(&text).ok()),
            Err(e) if e.limit().is_some() => {
                let code = e.limit().map_or(Code::UnreadableInput, Code::of_limit);
                let message = format!("{shown} is refused: {e}");
                self.problems
                    .push(problem_with(code, message, Some(&shown)).into());
                (Vec::new(), None)
            }
            Err(e) => {
                let (message, at) = match Positions::read(&text) {
                    Err(syntax) => (syntax.message, Some((file, syntax.at))),
                    Ok(_) => (e.to_string(), None),
                };
                self.problems.push(Problem {
                    result: problem(format!("{shown} is not YAML: {message}"), Some(&shown)),
                    at,
                });
                (Vec::new(), None)
            }
        };
        for (index, mut doc) in docs.into_iter().enumerate() {
            if !doc.is_object() {
                let at = positions
                    .as_ref()
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
            positions,
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

    fn no_stdin() -> Result<Vec<u8>, InputError> {
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
            Ok(b"apiVersion: v1\nkind: ConfigMap\n".to_vec())
        };
        let read = Inputs::read(&[Input::Stdin, Input::Stdin], &mut stdin);
        assert_eq!(calls, 1);
        assert_eq!(read.items.len(), 1);
        assert!(Object(&read.items[0]).file_ref().is_none());
        assert_eq!(read.files[0].shown, "<stdin>");
    }

    /// `text` written to `dir/name`, as an input file.
    fn written(dir: &std::path::Path, name: &str, text: &[u8]) -> Input {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        Input::file(&path)
    }

    fn small(input_bytes: usize, items: usize) -> Limits {
        Limits {
            input_bytes,
            items,
            ..Limits::default()
        }
    }

    fn codes(read: &Inputs) -> Vec<&str> {
        read.problems
            .iter()
            .map(|p| p.result.tags["code"].as_str())
            .collect()
    }

    #[test]
    fn the_files_of_a_package_are_read_within_the_limits_together() {
        let tmp = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &[u8]| written(tmp.path(), name, text);
        let cm = b"apiVersion: v1\nkind: ConfigMap\n";
        let a = file("a.yaml", cm);
        let b = file("b.yaml", cm);
        let both = [a.clone(), b.clone()];
        let fits = Inputs::read_within(&both, &mut no_stdin, &small(2 * cm.len(), 10));
        assert!(fits.problems.is_empty(), "{:?}", fits.problems);
        assert_eq!(fits.items.len(), 2);

        let over = Inputs::read_within(&both, &mut no_stdin, &small(2 * cm.len() - 1, 10));
        assert_eq!(codes(&over), [Code::InputTooLarge.as_str()]);
        assert_eq!(
            over.items.len(),
            1,
            "the first file is read, the second refused"
        );

        let many = file("many.yaml", b"kind: A\n---\nkind: B\n---\nkind: C\n");
        let items = Inputs::read_within(&[a, many], &mut no_stdin, &small(1000, 3));
        assert_eq!(codes(&items), [Code::TooManyItems.as_str()]);
        assert_eq!(items.items.len(), 1);
    }

    #[test]
    fn a_file_that_is_not_utf8_or_nested_too_deep_is_refused_by_its_code() {
        let tmp = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &[u8]| written(tmp.path(), name, text);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("kind: A\n".encode_utf16().flat_map(u16::to_le_bytes));
        let deep = format!("a: {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
        // Deep and broken: the nesting limit, not a syntax error found past it.
        let deep_broken = format!("a: {}1 ]]] :\n", "[".repeat(100_000));
        let read = Inputs::read(
            &[
                file("utf16.yaml", &utf16),
                file("latin1.yaml", b"kind: caf\xe9\n"),
                file("deep.yaml", deep.as_bytes()),
                file("deep-broken.yaml", deep_broken.as_bytes()),
                file("good.yaml", b"kind: A\n"),
            ],
            &mut no_stdin,
        );
        let not_utf8 = Code::NotUtf8.as_str();
        let nesting = Code::NestingTooDeep.as_str();
        assert_eq!(codes(&read), [not_utf8, not_utf8, nesting, nesting]);
        assert!(read.problems[0].result.message.contains("UTF-16"));
        assert!(read.problems[1].result.message.contains("at byte 9"));
        assert_eq!(read.items.len(), 1);
    }

    #[test]
    fn stdin_over_the_limit_is_a_problem_with_its_code() {
        let limits = small(10, 10);
        let mut stdin = || input::read_limited(std::io::repeat(b'a'), &limits);
        let read = Inputs::read_within(&[Input::Stdin], &mut stdin, &limits);
        assert_eq!(codes(&read), [Code::InputTooLarge.as_str()]);
    }
}
