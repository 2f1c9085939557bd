//! The catalogue, scenario and incident-report commands: `catalog list|show`, `scenarios`,
//! `replay` and `demo` (the AWS us-east-1 October 2025 outage replayed on a bundled fintech).

use std::path::{Path, PathBuf};

use anyhow::Context;
use blastradius_catalog::{Catalog, Scenario, builtin_scenarios, parse_scenario, replay_scenario};
use blastradius_model::{Model, ModelError};
use blastradius_report::{IncidentInput, Options};
use clap::{Args, Subcommand, ValueEnum};

use crate::{Failure, Format, print, read_bytes};

/// The bundled organisation the demo replays on.
const DEMO_MODEL: &str = include_str!("../../../examples/fintech-single-region.yaml");
const DEMO_FILE: &str = "examples/fintech-single-region.yaml";
const DEMO_SCENARIO: &str = "aws-us-east-1-2025-10-20";
const DEMO_OUT: &str = "blastradius-demo-report";

/// `blastradius catalog …`.
#[derive(Args)]
pub(crate) struct CatalogArgs {
    #[command(subcommand)]
    command: CatalogCommand,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// List the providers a model can opt into with `catalog: [..]`.
    #[command(after_help = "Example: blastradius catalog list --format json")]
    List {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Explain what is known about a node (a provider, region, zone or service) and from where.
    #[command(
        after_help = "Every published dependency is shown with its mechanism, its source (title and address)\n\
and an evidence grade: P the provider's own report, Pt the provider's report via a\n\
transcription, M independent measurement, R press, I our inference, U unverified.\n\n\
Example: blastradius catalog show aws/us-east-1/ec2-launch\n\
         blastradius catalog show cloudflare/global/workers-kv --format json"
    )]
    Show {
        /// The id, e.g. `aws/us-east-1/dynamodb`.
        id: String,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// `blastradius scenarios`.
#[derive(Args)]
pub(crate) struct ScenariosArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Output formats of an incident report.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page.
    Html,
    /// JSON for machines.
    Json,
}

/// `blastradius replay`.
#[derive(Args)]
pub(crate) struct ReplayArgs {
    /// A built-in scenario id (see `blastradius scenarios`) or a scenario file (YAML).
    scenario: String,
    /// The model file (YAML) to replay it on.
    #[arg(long, value_name = "MODEL")]
    model: PathBuf,
    /// Write the report as DIR/SCENARIO-ID.md, .html and .json, and print a summary.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The format printed when --out is not given.
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    format: ReportFormat,
}

/// `blastradius demo`.
#[derive(Args)]
pub(crate) struct DemoArgs {
    /// Where to write the full report (created if missing).
    #[arg(long, value_name = "DIR", default_value = DEMO_OUT)]
    out: PathBuf,
    /// `human` prints a summary, `json` the whole report as JSON.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

impl CatalogArgs {
    pub(crate) fn format(&self) -> Format {
        match self.command {
            CatalogCommand::List { format } | CatalogCommand::Show { format, .. } => format,
        }
    }
}

impl ScenariosArgs {
    pub(crate) fn format(&self) -> Format {
        self.format
    }
}

impl ReplayArgs {
    pub(crate) fn format(&self) -> Format {
        if self.format == ReportFormat::Json && self.out.is_none() {
            Format::Json
        } else {
            Format::Human
        }
    }
}

impl DemoArgs {
    pub(crate) fn format(&self) -> Format {
        self.format
    }
}

/// `catalog list` and `catalog show`.
pub(crate) fn run_catalog(args: CatalogArgs, options: Options) -> Result<(), Failure> {
    let catalog = Catalog::builtin();
    match args.command {
        CatalogCommand::List { format } => print(&match format {
            Format::Human => blastradius_report::catalog_list_human(&catalog, options),
            Format::Json => blastradius_report::catalog_list_json(&catalog),
        }),
        CatalogCommand::Show { id, format } => {
            if catalog.node(&id).is_none() {
                let ids = catalog.nodes().iter().map(|n| n.id.as_str());
                let hint =
                    closest(&id, ids).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                return Err(Failure::Usage(anyhow::anyhow!(
                    "`{id}` is not in the catalogue{hint} (see `blastradius catalog list`)"
                )));
            }
            print(&match format {
                Format::Human => blastradius_report::catalog_show_human(&catalog, &id, options),
                Format::Json => blastradius_report::catalog_show_json(&catalog, &id),
            });
        }
    }
    Ok(())
}

/// The closest of `candidates` to `wrong`, by edit distance, if close enough to be a typo.
fn closest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let distance = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut previous = row[0];
            row[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let current = row[j + 1];
                row[j + 1] = (previous + usize::from(ca != cb)).min(row[j] + 1).min(current + 1);
                previous = current;
            }
        }
        row[b.len()]
    };
    candidates
        .map(|c| (distance(wrong, c), c))
        .filter(|(d, _)| *d <= 3.max(wrong.len() / 4))
        .min()
        .map(|(_, c)| c)
}

/// `scenarios`.
pub(crate) fn run_scenarios(args: ScenariosArgs, options: Options) -> Result<(), Failure> {
    let scenarios = builtin_scenarios();
    print(&match args.format {
        Format::Human => blastradius_report::scenarios_human(&scenarios, options),
        Format::Json => blastradius_report::scenarios_json(&scenarios),
    });
    Ok(())
}

/// A built-in scenario by id, or a scenario file by path.
fn find_scenario(name: &str) -> Result<Scenario, Failure> {
    let scenarios = builtin_scenarios();
    if let Some(scenario) = scenarios.iter().find(|s| s.id == name) {
        return Ok(scenario.clone());
    }
    let path = Path::new(name);
    if !path.exists() {
        let hint = closest(name, scenarios.iter().map(|s| s.id.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        return Err(Failure::Usage(anyhow::anyhow!(
            "`{name}` is neither a built-in scenario nor a file{hint} (see `blastradius scenarios`)"
        )));
    }
    let bytes = read_bytes(path, "scenario file", "give a scenario's YAML file")?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::Invalid(ModelError {
            file: name.to_owned(),
            diagnostics: vec![blastradius_model::Diagnostic {
                severity: blastradius_model::Severity::Error,
                location: None,
                message: "the file is not UTF-8 text".to_owned(),
                help: None,
            }],
        })
    })?;
    parse_scenario(name, &text).map_err(Failure::Invalid)
}

/// The three report files written to `dir`, named after the scenario.
fn write_reports(dir: &Path, input: IncidentInput<'_>) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for (extension, text) in [
        ("md", blastradius_report::incident_markdown(input)),
        ("html", blastradius_report::incident_html(input)),
        ("json", blastradius_report::incident_json(input)),
    ] {
        let path = dir.join(format!("{}.{extension}", input.scenario.id));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn replay_on(
    model: &Model,
    scenario: &Scenario,
) -> Result<blastradius_catalog::ScenarioReplay, Failure> {
    replay_scenario(model, scenario).map_err(|e| {
        Failure::Usage(anyhow::anyhow!("{e}: the model is too large for exact cut sets"))
    })
}

/// `replay SCENARIO --model MODEL`.
pub(crate) fn run_replay(args: ReplayArgs, _options: Options) -> Result<(), Failure> {
    let scenario = find_scenario(&args.scenario)?;
    let catalog = Catalog::builtin();
    let (file, model) = crate::load(&args.model)?;
    let outcome = replay_on(&model, &scenario)?;
    let input = IncidentInput {
        model: &model,
        model_file: &file,
        catalog: &catalog,
        scenario: &scenario,
        outcome: &outcome,
    };
    match &args.out {
        Some(dir) => {
            let written = write_reports(dir, input)?;
            print(&blastradius_report::incident_summary(input));
            print(&files_text(&written));
        }
        None => print(&match args.format {
            ReportFormat::Md => blastradius_report::incident_markdown(input),
            ReportFormat::Html => blastradius_report::incident_html(input),
            ReportFormat::Json => blastradius_report::incident_json(input),
        }),
    }
    Ok(())
}

fn files_text(written: &[PathBuf]) -> String {
    let mut out = String::from("\nFull report written to:\n");
    for path in written {
        out.push_str(&format!("  {}\n", path.display()));
    }
    out
}

/// `demo`: the AWS us-east-1 October 2025 outage replayed on the bundled fintech.
pub(crate) fn run_demo(args: DemoArgs, _options: Options) -> Result<(), Failure> {
    let catalog = Catalog::builtin();
    let model = blastradius_catalog::load_model(&catalog, DEMO_FILE, DEMO_MODEL.as_bytes())
        .map_err(Failure::Invalid)?;
    let scenarios = builtin_scenarios();
    let scenario = scenarios.iter().find(|s| s.id == DEMO_SCENARIO).expect("a built-in scenario");
    let outcome = replay_on(&model, scenario)?;
    let input = IncidentInput {
        model: &model,
        model_file: DEMO_FILE,
        catalog: &catalog,
        scenario,
        outcome: &outcome,
    };
    let written = write_reports(&args.out, input)?;
    match args.format {
        Format::Human => {
            print(&format!(
                "blastradius demo: a historic outage replayed on the bundled model `{}` ({DEMO_FILE}),\na fintech that runs in one AWS region and opts into the provider catalogue.\n\n",
                model.name()
            ));
            print(&blastradius_report::incident_summary(input));
            print(&files_text(&written));
            print(&format!(
                "\nNext: blastradius scenarios\n      blastradius replay cloudflare-2025-11-18 --model {DEMO_FILE}\n      blastradius catalog show aws/us-east-1/ec2-launch\n"
            ));
        }
        Format::Json => print(&blastradius_report::incident_json(input)),
    }
    Ok(())
}
