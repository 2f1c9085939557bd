//! The `blastradius` binary: parses flags, reads model files, runs analyses and prints reports,
//! mapping outcomes to exit codes (0 ok, 1 model invalid, 2 usage error).

mod incident;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use blastradius_analysis::{
    FtaError, FtaOptions, Lowering, MefError, WhatIfIndex, fault_tree_analysis, what_if,
};
use blastradius_model::{Model, ModelError};
use blastradius_report::{Options, graph_dot, graph_mermaid};
use clap::{Parser, Subcommand, ValueEnum};

mod policy;
mod serve;
mod simulate;

/// Model files larger than this are refused before reading; a million-component model is
/// about 60 MiB.
const MAX_MODEL_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "blastradius",
    version,
    about = "What breaks if a cloud or SaaS provider fails?",
    long_about = "blastradius reads a resilience model (YAML: your components, the providers, regions, zones \
and services they run on, and the business functions they deliver) and tells you what goes down or \
degrades when any part of it fails, with the path each failure takes.",
    after_help = "Start with `blastradius demo`, then `blastradius validate examples/saas-multi-region.yaml`.\n\
Exit codes: 0 ok, 1 the model is invalid or `check` found violations, 2 usage error (bad flag, unreadable file, unknown id).\n\
Colour is off when NO_COLOR is set or output is not a terminal."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Replay the AWS us-east-1 outage of October 2025 on a bundled fintech and write the
    /// incident report (no arguments or files needed).
    #[command(
        after_help = "Prints a summary and writes blastradius-demo-report/aws-us-east-1-2025-10-20.{md,html,json}\n\
(or under --out DIR).\n\n\
Example: blastradius demo\n         blastradius demo --out /tmp/report --format json"
    )]
    Demo(incident::DemoArgs),
    /// Check a model file and report every problem with file:line:col.
    #[command(
        after_help = "Example: blastradius validate examples/retail-azure-frontdoor.yaml --format json"
    )]
    Validate {
        /// The model file (YAML).
        model: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Fail components or provider nodes and see what goes down or degrades, and why.
    #[command(
        name = "what-if",
        after_help = "Ids are slash paths: a provider `aws`, a region `aws/us-east-1`, a zone `aws/us-east-1/use1-az1`,\n\
a regional service `aws/us-east-1/dynamodb`, a global service `aws/global/iam`, or a component `ledger`.\n\n\
Example: blastradius what-if examples/fintech-single-region.yaml --fail aws/us-east-1\n\
         blastradius what-if examples/fintech-single-region.yaml --fail stripe --fail adyen --format json"
    )]
    WhatIf {
        /// The model file (YAML).
        model: PathBuf,
        /// An id to fail; repeat the flag to fail several at once.
        #[arg(long = "fail", value_name = "ID", required = true)]
        fail: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Draw the dependency graph as Graphviz DOT or Mermaid.
    #[command(
        after_help = "Example: blastradius graph examples/saas-multi-region.yaml | dot -Tsvg > graph.svg"
    )]
    Graph {
        /// The model file (YAML).
        model: PathBuf,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// List the minimal cut sets of each function: the smallest sets of failures that take it
    /// down, single points of failure first.
    #[command(
        after_help = "Every component and provider node is a basic event (its own failure); soft dependencies\n\
never take anything down, and a dependency cycle never fails by itself.\n\
JSON: with --function, {model, max_order, function, cut_sets: [[ids…]…]}; without it,\n\
{model, max_order, functions: [{function, cut_sets}…]}. Ids are sorted in each set, sets by size\n\
and then lexically.\n\n\
Example: blastradius cutsets examples/fintech-single-region.yaml --function card-authorisations --max-order 2\n\
         blastradius cutsets examples/saas-multi-region.yaml --max-order 1 --format json"
    )]
    Cutsets {
        /// The model file (YAML).
        model: PathBuf,
        /// Only this function (default: every function).
        #[arg(long, value_name = "ID")]
        function: Option<String>,
        /// Only sets of at most K failures (default: all).
        #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
        max_order: Option<u32>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Compute each function's exact unavailability and expected downtime a year, against its SLO.
    #[command(
        after_help = "A node fails by itself with probability 1 − its availability; a node without availability\n\
data never fails by itself, and the output lists those nodes (`lacking_data` in JSON).\n\
JSON: {model, functions: [{id, unavailability, downtime_minutes_per_year, slo, meets_slo}],\n\
lacking_data: [ids…]}.\n\n\
Example: blastradius availability examples/fintech-single-region.yaml --format json"
    )]
    Availability {
        /// The model file (YAML).
        model: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Rank the nodes by their share of each function's risk (Fussell-Vesely), with Birnbaum,
    /// risk achievement worth and risk reduction worth.
    #[command(
        after_help = "Probabilities as for `availability`. Measures with a zero denominator are `-` (null in JSON).\n\
JSON: with --function, {model, function, unavailability, without_never_failing, events: [{id,\n\
probability, birnbaum, fussell_vesely, risk_achievement_worth, risk_reduction_worth}]}; without it,\n\
{model, functions: [{function, unavailability, without_never_failing, events}]}. When the full\n\
diagram is too large, nodes without availability data are left out (without_never_failing: true).\n\n\
Example: blastradius importance examples/fintech-single-region.yaml --function card-authorisations"
    )]
    Importance {
        /// The model file (YAML).
        model: PathBuf,
        /// Only this function (default: every function).
        #[arg(long, value_name = "ID")]
        function: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Analyse Open-PSA MEF fault trees: each top event's exact probability and its number of
    /// minimal cut sets, by order.
    #[command(
        after_help = "The files together make one model (definitions may refer across files); every gate no other\n\
gate refers to is a top event. The probability is exact whatever the limits on cut sets. Cut sets\n\
are counted from the decision diagram, never listed, unless --cutoff is given.\n\
JSON: {max_order, cutoff, top_events: [{name, probability, cut_sets: {count, by_order}}]};\n\
by_order[i] counts the sets of i + 1 basic events. An invalid model exits 1 with the error located.\n\n\
Example: blastradius fta crates/engine/test_data/aralia/chinese.xml --max-order 4\n\
         blastradius fta tree.xml basic-events.xml --cutoff 1e-8 --format json"
    )]
    Fta {
        /// The MEF XML files of the model.
        #[arg(required = true, value_name = "FILE.xml")]
        files: Vec<PathBuf>,
        /// Only cut sets of at most K basic events (default: all).
        #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
        max_order: Option<u32>,
        /// Only cut sets whose probability is at least P (default: all).
        #[arg(long, value_name = "P", value_parser = parse_cutoff)]
        cutoff: Option<f64>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    #[command(flatten)]
    Policy(policy::PolicyCommand),
    /// The built-in provider catalogue: what a model inherits with `catalog: [..]`, with sources.
    Catalog(incident::CatalogArgs),
    /// List the built-in historic outage scenarios.
    #[command(after_help = "Example: blastradius scenarios --format json")]
    Scenarios(incident::ScenariosArgs),
    /// Replay a historic outage on a model and write an incident report (Markdown, HTML, JSON).
    #[command(
        after_help = "SCENARIO is a built-in id (see `blastradius scenarios`) or a scenario file. Every statement\n\
in the report cites the scenario's sources, the catalogue's, or the model file and line.\n\n\
Example: blastradius replay aws-us-east-1-2025-10-20 --model examples/fintech-single-region.yaml\n\
         blastradius replay cloudflare-2025-11-18 --model my.yaml --out reports/\n\
         blastradius replay my-scenario.yaml --model my.yaml --format json"
    )]
    Replay(incident::ReplayArgs),
    /// Simulate request traffic under a fault scenario: retry storms, metastable failures and
    /// how long recovery takes.
    #[command(after_help = SIMULATE_HELP)]
    Simulate(simulate::SimulateArgs),
    /// Simulate failures and repairs over many years: each function's annual downtime
    /// distribution, next to the exact engine's mean.
    #[command(after_help = MONTECARLO_HELP)]
    Montecarlo(simulate::MonteCarloArgs),
    /// Merge shard files from `simulate --shard` or `montecarlo --shard` into the output of
    /// one run, byte for byte.
    #[command(after_help = MERGE_HELP)]
    Merge(simulate::MergeArgs),
    /// Serve the HTTP API and web dashboard, keeping every run in a SQLite history.
    Serve(serve::ServeArgs),
}

const SIMULATE_HELP: &str = "\
The scenario file names, by the model's ids, each component's capacity (concurrency, service time,
queue limit, drop_expired), each call's policy (timeout, retries with backoff and jitter, retry
budget, circuit breaker), each function's load (rate, diurnal swing, client timeout and retries)
and the faults (down, capacity cut, added latency) with their times. A run has recovered once
goodput over the recovery window is back to its pre-fault level; otherwise it is metastable
within the horizon. See examples/scenarios/.

Sharding: --shard I/N runs replications [I*R/N, (I+1)*R/N) and writes a shard file; with
--shards N the index comes from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID. `blastradius merge`
turns the shards into exactly the output of the unsharded run.

Example: blastradius simulate examples/saas-multi-region.yaml \\
           --scenario examples/scenarios/saas-db-brownout.yaml --plot run.svg";

const MONTECARLO_HELP: &str = "\
Nodes with availability data fail and are repaired over time (MTBF/MTTR; a bare availability
figure gets --default-mttr); shared dependencies make failures correlated. Each year is an
independent replication; the means agree with `blastradius availability` within their confidence
intervals, the percentiles show the tail.

Example: blastradius montecarlo examples/saas-multi-region.yaml --years 10000 --repair lognormal:1";

const MERGE_HELP: &str = "\
Example: for i in 0 1 2 3; do
           blastradius simulate m.yaml --scenario s.yaml --shard $i/4 -o shard-$i.json
         done
         blastradius merge shard-*.json --format json";

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Text for people.
    Human,
    /// One JSON document for machines.
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

/// How a command ended, when not plainly.
enum Failure {
    /// The model file is invalid: exit 1 after printing its diagnostics.
    Invalid(ModelError),
    /// The MEF files are invalid: exit 1 after printing the located error.
    InvalidMef(MefError),
    /// A check found violations, already printed: exit 1.
    Findings,
    /// Anything the user must fix in the command line or the file system: exit 2.
    Usage(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::Usage(error)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = Options { color: color_wanted() };
    let format = match &cli.command {
        Command::Validate { format, .. }
        | Command::WhatIf { format, .. }
        | Command::Cutsets { format, .. }
        | Command::Availability { format, .. }
        | Command::Importance { format, .. }
        | Command::Fta { format, .. } => *format,
        Command::Demo(args) => args.format(),
        Command::Catalog(args) => args.format(),
        Command::Scenarios(args) => args.format(),
        Command::Replay(args) => args.format(),
        Command::Graph { .. } | Command::Serve(_) => Format::Human,
        Command::Policy(command) => command.format(),
        Command::Simulate(args) => args.format(),
        Command::Montecarlo(args) => args.format(),
        Command::Merge(args) => args.format(),
    };
    match run(cli.command, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(error)) => {
            if format == Format::Json {
                print(&blastradius_report::model_error_json(&error));
            } else {
                eprint(&blastradius_report::model_error_human(&error, options));
            }
            ExitCode::from(1)
        }
        Err(Failure::InvalidMef(error)) => {
            if format == Format::Json {
                print(&blastradius_report::mef_error_json(&error));
            } else {
                eprint(&blastradius_report::mef_error_human(&error, options));
            }
            ExitCode::from(1)
        }
        Err(Failure::Findings) => ExitCode::from(1),
        Err(Failure::Usage(error)) => {
            eprint(&format!("error: {error:#}\n"));
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, options: Options) -> Result<(), Failure> {
    match command {
        Command::Serve(args) => serve::run(args)?,
        Command::Validate { model, format } => {
            let (file, model) = load(&model)?;
            print(&match format {
                Format::Human => blastradius_report::validation_human(&file, &model, options),
                Format::Json => blastradius_report::validation_json(&file, &model),
            });
        }
        Command::WhatIf { model, fail, format } => {
            let (_, model) = load(&model)?;
            print(&what_if_text(&model, &fail, format, options)?);
        }
        Command::Graph { model, format } => {
            let (_, model) = load(&model)?;
            print(&match format {
                GraphFormat::Dot => graph_dot(&model),
                GraphFormat::Mermaid => graph_mermaid(&model),
            });
        }
        Command::Cutsets { model, function, max_order, format } => {
            let (_, model) = load(&model)?;
            let functions = selected_functions(&model, function.as_deref())?;
            let lowering = Lowering::new(&model);
            let mut results = Vec::with_capacity(functions.len());
            for index in functions {
                let sets = blastradius_analysis::cut_sets(&lowering, &model, index, max_order)
                    .map_err(|e| engine_failure(&model, index, e))?;
                results.push((index, sets));
            }
            print(&match format {
                Format::Human => {
                    blastradius_report::cut_sets_human(&model, &results, max_order, options)
                }
                Format::Json => blastradius_report::cut_sets_json(
                    &model,
                    &results,
                    max_order,
                    function.is_some(),
                ),
            });
        }
        Command::Availability { model, format } => {
            let (_, model) = load(&model)?;
            let report = blastradius_analysis::availability(&model)
                .map_err(|e| anyhow::anyhow!("{e}: the model is too large to analyse exactly"))?;
            print(&match format {
                Format::Human => blastradius_report::availability_human(&model, &report, options),
                Format::Json => blastradius_report::availability_json(&model, &report),
            });
        }
        Command::Importance { model, function, format } => {
            let (_, model) = load(&model)?;
            let functions = selected_functions(&model, function.as_deref())?;
            let lowering = Lowering::new(&model);
            let mut results = Vec::with_capacity(functions.len());
            for index in functions {
                results.push(
                    blastradius_analysis::importance(&lowering, &model, index)
                        .map_err(|e| engine_failure(&model, index, e))?,
                );
            }
            print(&match format {
                Format::Human => blastradius_report::importance_human(&model, &results, options),
                Format::Json => {
                    blastradius_report::importance_json(&model, &results, function.is_some())
                }
            });
        }
        Command::Fta { files, max_order, cutoff, format } => {
            let mut texts = Vec::with_capacity(files.len());
            for path in &files {
                texts.push((path.display().to_string(), read_text(path, "MEF file")?));
            }
            let fta_options = FtaOptions { max_order, cutoff: cutoff.unwrap_or(0.0) };
            let results = fault_tree_analysis(&texts, &fta_options).map_err(|e| match e {
                FtaError::Invalid(error) => Failure::InvalidMef(error),
                too_large @ FtaError::TooLarge { .. } => Failure::Usage(too_large.into()),
            })?;
            print(&match format {
                Format::Human => blastradius_report::fta_human(&results, &fta_options, options),
                Format::Json => blastradius_report::fta_json(&results, &fta_options),
            });
        }
        Command::Demo(args) => incident::run_demo(args, options)?,
        Command::Catalog(args) => incident::run_catalog(args, options)?,
        Command::Scenarios(args) => incident::run_scenarios(args, options)?,
        Command::Replay(args) => incident::run_replay(args, options)?,
        Command::Simulate(args) => simulate::run_simulate(args, options)?,
        Command::Montecarlo(args) => simulate::run_montecarlo(args, options)?,
        Command::Merge(args) => simulate::run_merge(args, options)?,
        Command::Policy(command) => {
            if !policy::run(command, options)? {
                return Err(Failure::Findings);
            }
        }
    }
    Ok(())
}

fn what_if_text(
    model: &Model,
    fail: &[String],
    format: Format,
    options: Options,
) -> anyhow::Result<String> {
    let mut failed = Vec::with_capacity(fail.len());
    for id in fail {
        match model.lookup(id) {
            Some(node) => failed.push(node),
            None => bail!(
                "--fail {id}: no component or provider node has this id{}",
                suggestion(model, id)
            ),
        }
    }
    let index = WhatIfIndex::new(model);
    let result = what_if(model, &index, &failed);
    Ok(match format {
        Format::Human => blastradius_report::what_if_human(model, &result, options),
        Format::Json => blastradius_report::what_if_json(model, &result),
    })
}

/// The indices of the functions to analyse: the one named, or all of them.
fn selected_functions(model: &Model, function: Option<&str>) -> anyhow::Result<Vec<usize>> {
    let Some(name) = function else {
        return Ok((0..model.functions().len()).collect());
    };
    match model.functions().iter().position(|f| f.id == name) {
        Some(index) => Ok(vec![index]),
        None => {
            let known: Vec<&str> = model.functions().iter().map(|f| f.id.as_str()).collect();
            if known.is_empty() {
                bail!("--function {name}: the model declares no functions")
            }
            bail!("--function {name}: no such function; the model has {}", known.join(", "))
        }
    }
}

/// An engine error (a budget exceeded) for one function, as a usage error.
fn engine_failure(
    model: &Model,
    function: usize,
    error: blastradius_analysis::EngineError,
) -> anyhow::Error {
    anyhow::anyhow!(
        "function {}: {error}: too large to analyse exactly",
        model.functions()[function].id
    )
}

/// "; did you mean `x`?" for an id close to `wrong`, or an empty string.
fn suggestion(model: &Model, wrong: &str) -> String {
    model.closest_id(wrong).map(|id| format!("; did you mean `{id}`?")).unwrap_or_default()
}

/// Reads and validates a model file; returns the name to show for it and the model.
fn load(path: &Path) -> Result<(String, Model), Failure> {
    let file = path.display().to_string();
    let bytes = read_bytes(path, "model file", "give the model's YAML file")?;
    let catalog = blastradius_catalog::Catalog::builtin();
    let model =
        blastradius_catalog::load_model(&catalog, &file, &bytes).map_err(Failure::Invalid)?;
    Ok((file, model))
}

/// Reads a file of at most [`MAX_MODEL_BYTES`]; `what` names it in errors, `hint` says what to
/// give instead of a directory.
fn read_bytes(path: &Path, what: &str, hint: &str) -> anyhow::Result<Vec<u8>> {
    let file = path.display().to_string();
    let metadata = std::fs::metadata(path).with_context(|| format!("cannot read {what} {file}"))?;
    if metadata.is_dir() {
        bail!("{file} is a directory; {hint}");
    }
    if metadata.len() > MAX_MODEL_BYTES {
        bail!(
            "{file} is {} MiB, over the {} MiB limit for a {what}",
            metadata.len() / (1024 * 1024),
            MAX_MODEL_BYTES / (1024 * 1024)
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {what} {file}"))
}

/// Reads a text file of at most [`MAX_MODEL_BYTES`], which must be UTF-8.
fn read_text(path: &Path, what: &str) -> anyhow::Result<String> {
    let bytes = read_bytes(path, what, "give the model's XML files")?;
    String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{} is not UTF-8 text: {e}", path.display()))
}

/// Parses a `--cutoff` probability: a number from 0 to 1.
fn parse_cutoff(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(_) => Err("a cut-off is a probability, from 0 to 1".to_owned()),
        Err(_) => Err("expected a number from 0 to 1, such as 1e-8".to_owned()),
    }
}

fn color_wanted() -> bool {
    #[allow(clippy::disallowed_methods, reason = "the CLI is where the environment is read")]
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

#[allow(clippy::print_stdout, reason = "the CLI is where output is written")]
fn print(text: &str) {
    let mut stdout = anstream::stdout().lock();
    if stdout.write_all(text.as_bytes()).is_err() {
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        std::process::exit(0);
    }
}

fn eprint(text: &str) {
    let _ = anstream::stderr().lock().write_all(text.as_bytes());
}
