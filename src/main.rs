//! `vmstack`: with no argument, a KRM function (ResourceList on stdin, ResourceList on stdout);
//! with one file argument, kustomize's legacy exec generator (intent in the file, objects out);
//! `vmstack render …`, the same expansion for a CI step, with settings and substitution.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Context;
use vmstack::code::Code;
use vmstack::function::{self, Layout};
use vmstack::krm::{KrmResult, ResourceList, yaml};

const USAGE: &str = "\
vmstack: expand VictoriaMetricsStack intents into VictoriaMetrics manifests (a KRM function)

USAGE:
    vmstack < resource-list.yaml      KRM function: kpt fn render/eval, kustomize --enable-exec
    vmstack INTENT_FILE               kustomize legacy exec plugin: prints the generated objects
    vmstack render [--settings FILE]... [--substitute | --variables] FILE...
                                      expands every intent in the files and prints the generated
                                      objects; checks their Flux variables against the settings
                                      (ConfigMaps/Secrets in the files), and with --substitute
                                      substitutes them as Flux would; --variables prints instead
                                      every variable, where it is used and who substitutes it
    vmstack --help | --version

Exit status: 0 when every intent expanded, 1 on any error result (the ResourceList with its
results is still written to stdout; results are also printed to stderr).
";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vmstack: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => resource_list_mode(),
        [flag] if flag == "--help" || flag == "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        [flag] if flag == "--version" || flag == "-V" => {
            println!("vmstack {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        [flag] if flag.starts_with('-') => {
            eprint!("vmstack: unknown option {flag}\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
        [file] => legacy_plugin_mode(file),
        [command, rest @ ..] if command == "render" => render_mode(rest),
        _ => {
            eprint!("vmstack: too many arguments\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

fn report(results: &[KrmResult]) {
    for r in results {
        eprintln!("{}", r.to_line());
    }
}

fn resource_list_mode() -> anyhow::Result<ExitCode> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the ResourceList from stdin")?;
    let out = match ResourceList::parse(&input) {
        Ok(rl) => function::process(rl, Layout::Files),
        Err(e) => {
            // Nothing could be read, so there are no items to echo; hosts discard the output of
            // a failed function, so nothing is deleted.
            let mut rl = ResourceList::default();
            rl.results.push(Code::UnreadableInput.error(e));
            rl
        }
    };
    report(&out.results);
    std::io::stdout()
        .write_all(out.to_yaml().as_bytes())
        .context("writing the ResourceList to stdout")?;
    Ok(if out.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn legacy_plugin_mode(file: &str) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
    let config = match yaml::parse_document(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "error[{}] {file}: not a YAML document: {e}",
                Code::UnreadableInput
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let rl = ResourceList::new(Vec::new(), Some(config));
    let out = function::process(rl, Layout::Stream);
    report(&out.results);
    if out.has_errors() {
        return Ok(ExitCode::FAILURE);
    }
    std::io::stdout()
        .write_all(function::to_stream(&out.items).as_bytes())
        .context("writing the generated objects to stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn render_mode(args: &[String]) -> anyhow::Result<ExitCode> {
    let mut substitute = false;
    let mut list_variables = false;
    let mut files = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--substitute" => substitute = true,
            "--variables" => list_variables = true,
            "--settings" => match rest.next() {
                Some(f) => files.push(f.clone()),
                None => {
                    eprint!("vmstack: --settings needs a file\n\n{USAGE}");
                    return Ok(ExitCode::from(2));
                }
            },
            flag if flag.starts_with('-') => {
                eprint!("vmstack: unknown option {flag}\n\n{USAGE}");
                return Ok(ExitCode::from(2));
            }
            file => files.push(file.to_string()),
        }
    }
    let mut items = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
        match yaml::parse_documents(&text) {
            Ok(docs) => items.extend(docs),
            Err(e) => {
                eprintln!("error[{}] {file}: not YAML: {e}", Code::UnreadableInput);
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let options = function::Options {
        layout: Layout::Stream,
        substitute,
    };
    let out = function::process(ResourceList::new(items, None), options);
    report(&out.results);
    if out.has_errors() {
        return Ok(ExitCode::FAILURE);
    }
    let generated: Vec<serde_json::Value> = out
        .items
        .into_iter()
        .filter(function::is_generated)
        .collect();
    let text: String = if list_variables {
        function::variable_inventory(&generated)
            .iter()
            .map(|line| format!("{line}\n"))
            .collect()
    } else {
        function::to_stream(&generated)
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}
