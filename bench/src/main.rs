//! `vmstack-bench`: the benchmark inputs and the YAML floors, as processes that
//! bench/compare.sh times beside vmstack.
//!
//! ```text
//! vmstack-bench gen pass-through N      N unrelated ConfigMaps, as kpt sends them
//! vmstack-bench gen fleet N             N intents with their settings and 5 other items each
//! vmstack-bench floor LIB < in > out    bare parse + emit of stdin with one YAML library
//! vmstack-bench events LIB < in         only the parser's events (no tree, no output)
//! vmstack-bench scan < in > out         vmstack's scan (heads only) and echo, no expansion
//! ```

use std::io::{Read, Write};
use std::process::ExitCode;

use vmstack::krm::{Limits, ResourceList};

const FLOORS: &[&str] = &["serde-saphyr", "saphyr", "yaml-rust2", "serde-norway"];
const EVENTS: &[&str] = &["granit", "saphyr-parser", "rlsp"];

fn stdin() -> String {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("vmstack-bench: reading stdin: {e}");
    }
    text
}

/// Parses the whole text into the library's own tree and writes it back out.
fn floor(lib: &str, text: &str) -> Result<String, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    match lib {
        "serde-saphyr" => {
            let options = serde_saphyr::options! { budget: None };
            let v: serde_json::Value =
                serde_saphyr::from_str_with_options(text, options).map_err(|x| e(&x))?;
            serde_saphyr::to_string(&v).map_err(|x| e(&x))
        }
        "saphyr" => {
            use saphyr::LoadableYamlNode;
            let docs = saphyr::Yaml::load_from_str(text).map_err(|x| e(&x))?;
            let mut out = String::new();
            for d in &docs {
                saphyr::YamlEmitter::new(&mut out)
                    .dump(d)
                    .map_err(|x| e(&x))?;
            }
            Ok(out)
        }
        "yaml-rust2" => {
            let docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|x| e(&x))?;
            let mut out = String::new();
            for d in &docs {
                yaml_rust2::YamlEmitter::new(&mut out)
                    .dump(d)
                    .map_err(|x| e(&x))?;
            }
            Ok(out)
        }
        "serde-norway" => {
            let v: serde_json::Value = serde_norway::from_str(text).map_err(|x| e(&x))?;
            serde_norway::to_string(&v).map_err(|x| e(&x))
        }
        other => Err(format!("unknown library {other}: one of {FLOORS:?}")),
    }
}

/// Counts the parser's events, building nothing.
fn events(lib: &str, text: &str) -> Result<usize, String> {
    let mut n = 0;
    match lib {
        "granit" => {
            for ev in granit_parser::Parser::new_from_str(text) {
                ev.map_err(|e| e.to_string())?;
                n += 1;
            }
        }
        "saphyr-parser" => {
            for ev in saphyr_parser::Parser::new_from_str(text) {
                ev.map_err(|e| e.to_string())?;
                n += 1;
            }
        }
        "rlsp" => {
            for ev in rlsp_yaml_parser::parse_events(text) {
                ev.map_err(|e| e.to_string())?;
                n += 1;
            }
        }
        other => return Err(format!("unknown parser {other}: one of {EVENTS:?}")),
    }
    Ok(n)
}

fn run(args: &[String]) -> Result<String, String> {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match (arg(0), arg(1)) {
        ("gen", kind) => {
            let n: usize = arg(2).parse().map_err(|_| "gen needs a count")?;
            match kind {
                "pass-through" => Ok(vmstack_bench::pass_through(n)),
                "fleet" => Ok(vmstack_bench::fleet(n)),
                other => Err(format!("unknown input {other}")),
            }
        }
        ("floor", lib) => floor(lib, &stdin()),
        ("events", lib) => events(lib, &stdin()).map(|n| format!("{n} events\n")),
        ("scan", _) => {
            let rl = ResourceList::read(stdin().into_bytes(), &Limits::default())
                .map_err(|e| e.to_string())?;
            Ok(rl.to_yaml())
        }
        _ => Err("usage: vmstack-bench gen|floor|events|scan … (see the source)".into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            if std::io::stdout().write_all(out.as_bytes()).is_err() {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vmstack-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
