//! `vmstack`: with no argument, a KRM function (ResourceList on stdin, ResourceList on stdout);
//! with one file argument, kustomize's legacy exec generator (intent in the file, objects out);
//! `render`, `check`, `plan`, `schema` and `install-plugin` for people and CI steps. Arguments and I/O only: the
//! work is in the library (`vmstack::cli` for the command line's part).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use vmstack::cli::output::{self, FluxKustomization};
use vmstack::cli::{self, Run, plugin};
use vmstack::function::{self, Layout};
use vmstack::krm::Limits;
use vmstack::krm::input::{self, InputError};
use vmstack::terminal::escape;

/// A run allocates and frees millions of small JSON nodes, on two threads for a fleet: glibc's
/// malloc spent a fifth of a fleet's time there and slowed further with a second thread, which
/// mimalloc's per-thread heaps do not (docs/performance.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ABOUT: &str =
    "Expand VictoriaMetricsStack intents into VictoriaMetrics manifests (a KRM function)";

const LONG_ABOUT: &str = "\
Expand VictoriaMetricsStack intents into VictoriaMetrics manifests: the Flux HelmRelease of
victoria-metrics-k8s-stack, ExternalSecret, NetworkPolicies, PodDisruptionBudgets, VMRules,
scrape objects and the Flux Kustomization.

With no argument, vmstack is a KRM function: it reads a ResourceList on stdin and writes one on
stdout (kpt fn render/eval, kustomize --enable-exec). With one file argument it is kustomize's
legacy exec plugin: the file holds the intent and the generated objects are printed.

Exit status: 0 when every intent expanded, 1 on any error (the problems are on stderr, each on
the line of the field it is about), 2 on a usage error.";

// Every example below is run by tests/cli.rs, in a copy of the repository's examples/.
const EXAMPLES: &str = "\
Examples:
  kpt fn render examples/seed/infra --allow-exec      # a Kptfile pipeline runs vmstack from PATH
  kpt fn source examples/seed/apps | vmstack          # the KRM function: a ResourceList in and out
  vmstack examples/kustomize/vmstack.yaml             # what kubectl kustomize's plugin call runs
  vmstack render examples/seed/infra -o out
  vmstack check examples/seed
  vmstack install-plugin";

const RENDER_EXAMPLES: &str = "\
Examples:
  # The files kpt would write, into the package itself: a CI step with no kpt
  vmstack render examples/seed/infra -o examples/seed/infra
  # Elsewhere, without the Flux Kustomization (it is applied from a parent)
  vmstack render examples/seed/infra -o out --without-flux-kustomization
  # The Flux Kustomizations into the folder their parent Kustomization applies
  vmstack render examples/seed/infra -o out --flux-kustomization-dir clusters/infra
  # A stream on stdout, the variables substituted from the settings as Flux would
  vmstack render --substitute --settings examples/seed/infra/cluster-settings.yaml examples/seed/infra/vmstack.yaml
  # Every Flux variable, where it is used and who substitutes it
  vmstack render --variables examples/seed/apps/vmstack.yaml
  # The intent from stdin
  vmstack render - < examples/kustomize/vmstack.yaml";

const CHECK_EXAMPLES: &str = "\
Examples:
  vmstack check examples/seed                         # every package below the folder
  vmstack check examples/seed/apps/vmstack.yaml --settings examples/seed/apps/cluster-settings.yaml";

const PLAN_EXAMPLES: &str = "\
Examples:
  vmstack plan examples/seed                          # the global cluster counts its agents' load
  vmstack plan --suggest examples/seed/infra          # the sizes that would fit, as intent fragments";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  vmstack schema > vmstack.schema.json
  # then, on the first line of an intent file, for editors with the YAML language server:
  # yaml-language-server: $schema=vmstack.schema.json";

const INSTALL_EXAMPLES: &str = "\
Examples:
  vmstack install-plugin                              # into the folder kustomize looks in first
  kubectl kustomize --enable-alpha-plugins examples/kustomize
  vmstack install-plugin --dir plugins                # a folder of your choice, named to kustomize:
  KUSTOMIZE_PLUGIN_HOME=$PWD/plugins kubectl kustomize --enable-alpha-plugins examples/kustomize";

#[derive(Parser)]
#[command(
    name = "vmstack",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// The file holding the intent (kustomize's legacy exec plugin call); the generated
    /// objects are printed as a YAML stream
    #[arg(value_name = "INTENT_FILE")]
    intent_file: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Expand the intents in files or folders; print the generated objects, or write the files
    /// kpt would write
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
    /// Validate the intents in files or folders; writes nothing
    #[command(after_help = CHECK_EXAMPLES)]
    Check(Sources),
    /// Show, per cluster, what vmstorage needs for the declared load against what is configured
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Print the intent's JSON Schema (the one function.yaml carries and editors read)
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema,
    /// Install vmstack as kustomize's legacy exec plugin for VictoriaMetricsStack
    #[command(after_help = INSTALL_EXAMPLES)]
    InstallPlugin(InstallArgs),
}

#[derive(Args)]
struct Sources {
    /// Files or folders to read (every *.yaml and *.yml below a folder, as kpt reads a
    /// package); `-` reads stdin
    #[arg(value_name = "FILE_OR_DIR", required = true)]
    paths: Vec<PathBuf>,

    /// More objects to read: the cluster settings (ConfigMap or Secret) that the Flux
    /// variables are checked against
    #[arg(long, value_name = "FILE")]
    settings: Vec<PathBuf>,
}

#[derive(Args)]
struct RenderArgs {
    #[command(flatten)]
    sources: Sources,

    /// Write the files into DIR, laid out as kpt writes them (paths relative to each folder
    /// given), instead of printing a stream; files the intents no longer produce are removed
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,

    /// Substitute the Flux variables from the settings, as Flux would
    #[arg(long)]
    substitute: bool,

    /// Print every Flux variable the generated objects read (variable, object, field, who
    /// substitutes it) instead of the objects
    #[arg(long, conflicts_with = "output")]
    variables: bool,

    /// Leave out the Flux Kustomization
    #[arg(long, conflicts_with = "flux_kustomization_dir")]
    without_flux_kustomization: bool,

    /// Write the Flux Kustomizations into DIR instead, one file each, named after it
    #[arg(long, value_name = "DIR")]
    flux_kustomization_dir: Option<PathBuf>,
}

#[derive(Args)]
struct PlanArgs {
    #[command(flatten)]
    sources: Sources,

    /// Print the vmstorage sizes that would hold the declared load, as intent fragments
    #[arg(long)]
    suggest: bool,
}

#[derive(Args)]
struct InstallArgs {
    /// The plugin folder (then run kustomize with KUSTOMIZE_PLUGIN_HOME=DIR); by default the
    /// one kustomize finds first
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    // A host runs the function with no argument, on every render: it needs none of the
    // command line, and building clap's description of it costs about 40 page faults and
    // 90,000 instructions (docs/performance.md, "No command line for a host").
    if std::env::args_os().len() == 1 {
        return finish(without_arguments());
    }
    let cli = Cli::parse();
    let outcome = match (cli.command, cli.intent_file) {
        (Some(Command::Render(args)), _) => render(args),
        (Some(Command::Check(sources)), _) => check(sources),
        (Some(Command::Plan(args)), _) => plan(args),
        (Some(Command::Schema), _) => {
            write_stdout(&vmstack::schema::intent_schema_text()).map(|()| ExitCode::SUCCESS)
        }
        (Some(Command::InstallPlugin(args)), _) => install_plugin(args),
        (None, Some(file)) => legacy_plugin(&file),
        // Only `vmstack --` gets here; a bare `vmstack` took the path above.
        (None, None) => without_arguments(),
    };
    finish(outcome)
}

/// The KRM function: a ResourceList is written whatever stdin holds (see `vmstack::stdio`).
/// A host always pipes the ResourceList in; a person who typed `vmstack` gets a pointer to
/// the help rather than a process that waits on the terminal.
fn without_arguments() -> anyhow::Result<ExitCode> {
    if std::io::stdin().is_terminal() {
        eprintln!(
            "vmstack: reads a ResourceList on stdin when run by a host (kpt, kustomize); \
             see vmstack --help for render, check and install-plugin"
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::from(vmstack::stdio::run_resource_list()))
}

fn finish(outcome: anyhow::Result<ExitCode>) -> ExitCode {
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vmstack: {}", escape(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn read_stdin() -> Result<Vec<u8>, InputError> {
    input::read_limited(std::io::stdin().lock(), &Limits::default())
}

/// Colours only for a person at a terminal, and never with NO_COLOR set.
fn styled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn run(sources: &Sources, layout: Layout, options: cli::Options) -> Run {
    cli::run(
        &sources.paths,
        &sources.settings,
        &mut read_stdin,
        layout,
        options,
    )
}

/// Prints every problem on stderr; says whether the run failed.
fn report(run: &Run) -> bool {
    eprint!("{}", run.report(styled()));
    let failed = run.failed();
    if failed {
        eprintln!("vmstack: {}", run.summary());
    }
    failed
}

fn write_stdout(text: &str) -> anyhow::Result<()> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("writing to stdout")
}

fn render(args: RenderArgs) -> anyhow::Result<ExitCode> {
    let layout = match args.output {
        Some(_) => Layout::Files,
        None => Layout::Stream,
    };
    let options = cli::Options {
        substitute: args.substitute,
    };
    let run = run(&args.sources, layout, options);
    if report(&run) {
        return Ok(ExitCode::FAILURE);
    }
    let flux = match (args.without_flux_kustomization, args.flux_kustomization_dir) {
        (true, _) => FluxKustomization::Omit,
        (false, Some(dir)) => FluxKustomization::Apart(dir),
        (false, None) => FluxKustomization::InFolder,
    };
    if args.variables {
        let lines: String = run
            .expansions
            .iter()
            .flat_map(|e| function::variable_inventory(&e.generated()))
            .map(|line| format!("{line}\n"))
            .collect();
        write_stdout(&lines)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (mut written, mut unchanged, mut removed) = (0, 0, 0);
    for e in &run.expansions {
        let generated = e.generated();
        let (files, mut prune_below) = match &args.output {
            Some(out) => {
                let out = out.join(&e.prefix);
                (output::files(&generated, &out, &flux), vec![out])
            }
            None => {
                let (text, apart) = output::stream(&generated, &flux);
                write_stdout(&text)?;
                (apart, Vec::new())
            }
        };
        if let FluxKustomization::Apart(dir) = &flux {
            prune_below.push(dir.clone());
        }
        if files.is_empty() {
            continue;
        }
        let below: Vec<&Path> = prune_below.iter().map(PathBuf::as_path).collect();
        let done = output::write(&files, &below, &e.owners)?;
        written += done.written.len();
        unchanged += done.unchanged.len();
        removed += done.removed.len();
    }
    if written + unchanged + removed > 0 {
        eprintln!("vmstack: {written} written, {unchanged} unchanged, {removed} removed");
    }
    Ok(ExitCode::SUCCESS)
}

fn check(sources: Sources) -> anyhow::Result<ExitCode> {
    let run = run(&sources, Layout::Files, cli::Options::default());
    let failed = report(&run);
    if !failed {
        let n = run.intents();
        eprintln!(
            "vmstack: {n} intent{} checked: {}",
            if n == 1 { "" } else { "s" },
            run.summary()
        );
    }
    Ok(exit(failed))
}

/// The capacity plan of everything given at once; exits 1 when a stack cannot hold its load.
fn plan(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let (items, problems) =
        cli::read_all(&args.sources.paths, &args.sources.settings, &mut read_stdin);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{}", p.to_line());
        }
        return Ok(ExitCode::FAILURE);
    }
    let plan = vmstack::plan::plan(&items);
    write_stdout(&if args.suggest {
        plan.suggest()
    } else {
        plan.table()
    })?;
    Ok(exit(!plan.fits()))
}

fn install_plugin(args: InstallArgs) -> anyhow::Result<ExitCode> {
    let home = match args.dir {
        Some(dir) => plugin::PluginHome {
            dir,
            reason: "--dir: run kustomize with KUSTOMIZE_PLUGIN_HOME set to it".into(),
        },
        None => plugin::plugin_home(&|name| std::env::var_os(name))?,
    };
    let binary = std::env::current_exe().context("finding the running binary")?;
    let installed = plugin::install(&binary, &home.dir)?;
    println!("{}", escape(&installed.display().to_string()));
    eprintln!(
        "vmstack: installed as kustomize's exec plugin for {} {} in {} ({})",
        vmstack::intent::API_VERSION,
        vmstack::intent::KIND,
        escape(&home.dir.display().to_string()),
        escape(&home.reason)
    );
    Ok(ExitCode::SUCCESS)
}

/// kustomize's legacy exec plugin: the file holds the intent; only generated objects go out.
fn legacy_plugin(file: &Path) -> anyhow::Result<ExitCode> {
    let run = cli::run_file(file, &mut read_stdin, Layout::Stream);
    if report(&run) {
        return Ok(ExitCode::FAILURE);
    }
    let generated: Vec<_> = run.expansions.iter().flat_map(|e| e.generated()).collect();
    write_stdout(&function::to_stream(&generated))?;
    Ok(ExitCode::SUCCESS)
}
