//! What the command line does beyond the KRM protocol: find the packages in the paths given and
//! read them as kpt does ([`packages`], [`inputs`]), expand each, show every result on its
//! line ([`report`]), write the files kpt would write ([`output`]), and install the kustomize
//! plugin ([`plugin`]). `main.rs` only parses arguments and calls these.

pub mod inputs;
mod kpt_style;
pub mod output;
pub mod packages;
pub mod plugin;
pub mod report;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::code::Code;
use crate::function::{self, Layout, OWNER};
use crate::krm::object::Object;
use crate::krm::{KrmResult, Limits, ResourceList};
use inputs::{Input, Inputs, ReadStdin};

/// Options of an expansion on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Substitute the Flux variables from the settings among the inputs, as if every intent set
    /// `spec.flux.substitute`.
    pub substitute: bool,
}

/// One package's inputs, and what the function made of them.
pub struct Expansion {
    /// Where the package's files go below the output folder.
    pub prefix: PathBuf,
    pub inputs: Inputs,
    pub list: ResourceList,
    /// `<namespace>/<name>` of every intent among the inputs.
    pub owners: BTreeSet<String>,
}

fn owner_key(v: &Value) -> String {
    let o = Object(v);
    format!("{}/{}", o.namespace(), o.name())
}

/// Expands every intent among the inputs of one package.
pub fn expand(prefix: PathBuf, inputs: Inputs, layout: Layout, options: Options) -> Expansion {
    let items = inputs.items.clone();
    let owners: BTreeSet<String> = items
        .iter()
        .filter(|i| function::is_intent(i))
        .map(owner_key)
        .collect();
    let options = function::Options {
        layout,
        substitute: options.substitute,
        text_from: None,
    };
    let list = function::process(ResourceList::new(items, None), options);
    Expansion {
        prefix,
        inputs,
        list,
        owners,
    }
}

impl Expansion {
    /// Any error, in reading or in expanding.
    pub fn failed(&self) -> bool {
        self.list.has_errors() || self.inputs.problems.iter().any(|p| p.result.is_error())
    }

    /// The objects generated now, in output order.
    pub fn generated(&self) -> Vec<Value> {
        self.list
            .items
            .iter()
            .filter(|i| {
                function::is_generated(i)
                    && Object(i)
                        .annotation(OWNER)
                        .is_some_and(|o| self.owners.contains(o))
            })
            .cloned()
            .collect()
    }

    fn results(&self) -> impl Iterator<Item = &KrmResult> {
        self.inputs
            .problems
            .iter()
            .map(|p| &p.result)
            .chain(&self.list.results)
    }
}

/// Every package of one command line, expanded.
pub struct Run {
    pub expansions: Vec<Expansion>,
    /// Problems of the run as a whole: a path that holds nothing, nothing to render.
    pub problems: Vec<KrmResult>,
}

/// Reads and expands every package in `paths`, each with the `settings` files.
pub fn run(
    paths: &[PathBuf],
    settings: &[PathBuf],
    stdin: &mut ReadStdin,
    layout: Layout,
    options: Options,
) -> Run {
    let found = packages::packages(paths, settings);
    let expansions: Vec<Expansion> = found
        .packages
        .into_iter()
        .map(|p| expand(p.prefix, Inputs::read(&p.inputs, stdin), layout, options))
        .collect();
    finish(expansions, found.problems)
}

/// Every item of every package in `paths` (and of the `settings` files, once), read as [`run`]
/// reads them, and what could not be read: for reports over the whole input at once, such as the
/// capacity plan, where a global stack counts the load of agents in other packages. Read within
/// the default [`Limits`], over all the files together.
pub fn read_all(
    paths: &[PathBuf],
    settings: &[PathBuf],
    stdin: &mut ReadStdin,
) -> (Vec<Value>, Vec<KrmResult>) {
    read_all_within(paths, settings, stdin, &Limits::default())
}

/// [`read_all`] within `limits`: the bytes of all the files together, each document's nesting,
/// aliases and strings, the number of objects, and the intents ([`function::MAX_INTENTS`]).
/// Over the intent limit, no item is given.
pub fn read_all_within(
    paths: &[PathBuf],
    settings: &[PathBuf],
    stdin: &mut ReadStdin,
    limits: &Limits,
) -> (Vec<Value>, Vec<KrmResult>) {
    let found = packages::packages(paths, &[]);
    let mut problems = found.problems;
    // Each item placed at its file as the user named it: packages side by side keep their
    // own settings and intents apart.
    let inputs: Vec<Input> = found
        .packages
        .into_iter()
        .flat_map(|p| p.inputs)
        .chain(settings.iter().map(|s| Input::file(s)))
        .map(|i| match i {
            Input::File { path, .. } => Input::File {
                package_path: Some(path.display().to_string()),
                path,
            },
            stdin => stdin,
        })
        .collect();
    let read = Inputs::read_within(&inputs, stdin, limits);
    problems.extend(read.problems.into_iter().map(|p| p.result));
    let intents = read.items.iter().filter(|i| function::is_intent(i)).count();
    if intents > function::MAX_INTENTS {
        problems.push(Code::TooManyIntents.error(format!(
            "{intents} {} intents in the files read, more than {} (the intent limit): read \
             fewer at once",
            crate::intent::KIND,
            function::MAX_INTENTS
        )));
        return (Vec::new(), problems);
    }
    (read.items, problems)
}

/// The expansion of one file, as kustomize's legacy exec plugin call gives it.
pub fn run_file(file: &Path, stdin: &mut ReadStdin, layout: Layout) -> Run {
    let inputs = Inputs::read(&[Input::file(file)], stdin);
    finish(
        vec![expand(PathBuf::new(), inputs, layout, Options::default())],
        Vec::new(),
    )
}

fn finish(expansions: Vec<Expansion>, mut problems: Vec<KrmResult>) -> Run {
    let nothing = expansions.iter().all(|e| e.owners.is_empty());
    let quiet = problems.is_empty() && expansions.iter().all(|e| e.inputs.problems.is_empty());
    // Nothing to render is an error, so that a CI step never commits an empty folder that Flux
    // would then prune the stack to.
    if nothing && quiet {
        let read: Vec<&str> = expansions
            .iter()
            .flat_map(|e| &e.inputs.files)
            .map(|f| f.shown.as_str())
            .collect();
        problems.push(Code::NothingToRender.error(format!(
            "nothing to render: no {} ({}) in {}",
            crate::intent::KIND,
            crate::intent::API_VERSION,
            if read.is_empty() {
                "the input".to_string()
            } else {
                read.join(", ")
            }
        )));
    }
    Run {
        expansions,
        problems,
    }
}

impl Run {
    /// Any error anywhere.
    pub fn failed(&self) -> bool {
        self.problems.iter().any(KrmResult::is_error) || self.expansions.iter().any(|e| e.failed())
    }

    /// Every intent expanded, over all packages.
    pub fn intents(&self) -> usize {
        self.expansions.iter().map(|e| e.owners.len()).sum()
    }

    /// Every problem and result, each on the line it is about.
    pub fn report(&self, styled: bool) -> String {
        let mut out = String::new();
        let none = (Inputs::default(), BTreeSet::new());
        let run_level = report::Reporter::new(&none.0, &none.1, styled);
        for p in &self.problems {
            out.push_str(&run_level.result(p));
        }
        for e in &self.expansions {
            let reporter = report::Reporter::new(&e.inputs, &e.owners, styled);
            for p in &e.inputs.problems {
                out.push_str(&reporter.problem(p));
            }
            for r in &e.list.results {
                out.push_str(&reporter.result(r));
            }
        }
        out
    }

    /// `2 errors, 1 warning` over the whole run.
    pub fn summary(&self) -> String {
        report::summary(
            self.problems
                .iter()
                .chain(self.expansions.iter().flat_map(|e| e.results())),
        )
    }
}
