//! The concentration-risk and compliance commands: `concentration`, `sweep`, `check`, `advise`
//! and `export dora`. Flags and files here; the analyses live in `blastradius-analysis`, the
//! renderings in `blastradius-report`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use blastradius_analysis::{
    AdviseOptions, ChangeKind, Goal, SweepOptions, WhatIfIndex, advise, check, concentration, sweep,
};
use blastradius_model::{Policy, load_policy};
use blastradius_report::{Options, SweepRank};
use clap::{Subcommand, ValueEnum};

use crate::{Failure, Format, load, print, read_bytes};

/// The commands of this module, flattened into the top-level command list.
#[derive(Subcommand)]
pub(crate) enum PolicyCommand {
    /// Show how concentrated the critical functions are on providers, regions, zones and shared
    /// services: shares, single points of failure, Herfindahl index and hidden nth-party reach.
    #[command(after_help = CONCENTRATION_HELP)]
    Concentration {
        /// The model file (YAML).
        model: PathBuf,
        /// Show at most N provider nodes in the human table (0: all); JSON lists all.
        #[arg(long, value_name = "N", default_value_t = 25)]
        top: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Fail every provider, region, zone, regional and global service in turn (and every pair
    /// with --order 2) and rank the outages by what they take down.
    #[command(after_help = SWEEP_HELP)]
    Sweep {
        /// The model file (YAML).
        model: PathBuf,
        /// 1: single outages; 2: also every pair of outages.
        #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
        order: u32,
        /// Rank by cost per hour down or by users down.
        #[arg(long, value_enum, default_value_t = Rank::Cost)]
        rank: Rank,
        /// Show at most N outages per table (0: all); JSON lists all.
        #[arg(long, value_name = "N", default_value_t = 10)]
        top: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check the model against a resilience policy and exit 1 on any violation: a CI gate.
    #[command(after_help = CHECK_HELP)]
    Check {
        /// The model file (YAML).
        model: PathBuf,
        /// The policy file (YAML); without it, the default policy below.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Also write JUnit XML to this file.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write SARIF 2.1.0 to this file.
        #[arg(long, value_name = "FILE")]
        sarif: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Propose changes that remove single points of failure (a second zone, region or provider,
    /// or a soft dependency), each with its exact effect, and the smallest set that meets a target.
    #[command(after_help = ADVISE_HELP)]
    Advise {
        /// The model file (YAML).
        model: PathBuf,
        /// Aim for every critical function at least this available (a fraction such as 0.9995,
        /// or a percentage such as 99.95%); default: each function's own SLO.
        #[arg(long, value_name = "F", value_parser = parse_availability, conflicts_with = "budget")]
        target_availability: Option<f64>,
        /// Instead of a target, the best set of at most N changes (or N money a year when every
        /// kind of change has a --cost).
        #[arg(long, value_name = "N")]
        budget: Option<f64>,
        /// The yearly cost of a kind of change, KIND=AMOUNT with KIND one of second-zone,
        /// second-region, second-provider, soft; repeat for several.
        #[arg(long = "cost", value_name = "KIND=AMOUNT", value_parser = parse_cost)]
        costs: Vec<(ChangeKind, f64)>,
        /// Also propose making dependencies soft (degrade instead of fail): a design change only
        /// you can judge feasible.
        #[arg(long)]
        allow_soft: bool,
        /// Measure at most N candidates, those touching the most cost at stake first.
        #[arg(long, value_name = "N", default_value_t = 200)]
        max_candidates: usize,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Export regulatory registers; `export dora` writes CSV files shaped like the DORA register
    /// of information.
    Export {
        #[command(subcommand)]
        register: ExportCommand,
    },
}

/// The registers `export` writes.
#[derive(Subcommand)]
pub(crate) enum ExportCommand {
    /// CSV files shaped like the DORA register-of-information templates B_02.02, B_05.01,
    /// B_05.02, B_06.01 and B_07.01, plus missing_fields.csv.
    #[command(after_help = DORA_HELP)]
    Dora {
        /// The model file (YAML).
        model: PathBuf,
        /// The directory to write the CSV files to (created if needed).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Exit 1 when a field the register needs is missing from the model.
        #[arg(long)]
        strict: bool,
    },
}

const DORA_HELP: &str = "\
Files (one row per line, comma-separated, UTF-8, header first):
  b_02_02_services.csv      provider_id, function_id, function_critical_or_important, ict_service_type, data_locations
  b_05_01_providers.csv     provider_id, legal_name, lei, headquarters_country, ultimate_parent
  b_05_02_supply_chain.csv  function_id, provider_id, ict_service_type, rank, recipient_provider_id
  b_06_01_functions.csv     function_id, function_name, critical_or_important, rto_hours, rpo_hours
  b_07_01_assessment.csv    provider_id, substitutability, exit_plan, alternative_providers_identified, alternative_providers
  missing_fields.csv        template, subject, field
Sources: provider fields legal_entity, lei, country, service_type, data_locations, substitutability,
exit_plan and ultimate_parent; function fields critical, rto, rpo. The provider id stands for the
contractual arrangement. Rank 1 is a provider the components use directly; rank 2 and above are
the providers it runs on (its `runs_on`), and theirs. Alternatives are providers that share an
`any`/`atleast` group with it. A field the model lacks is left empty and listed in
missing_fields.csv, never guessed; the command prints how many.

Example: blastradius export dora examples/fintech-single-region.yaml --out register/";

const ADVISE_HELP: &str = "\
Candidates: for every hard dependency of a component that a critical function reaches, on a node
that is a single point of failure (an order-1 minimal cut set) of a critical function: add a
second zone (an existing sibling zone, else a new one), the same service in a second region (an
existing region that has it, else a new one), or an alternative provider (new); and, for a
`depends_on` entry, make it soft (only with --allow-soft). New nodes copy the availability data of the node they mirror,
and a new zone or region still depends on the same provider.
Each change is applied to a copy of the model and measured with the exact engine: availability and
downtime minutes a year of each critical function, expected downtime cost saved a year
(unavailability saved x 8,760 h x cost per hour), and the cost per hour at stake under the worst
single-provider outage.
Plan: with a target (default: every SLO), the smallest set of changes meeting it: every set of up
to k changes is tried while that takes at most 250 evaluations (exact), then changes are added
greedily among the 40 best (the output says which). With --budget, changes are added greedily by
downtime cost saved (per unit of cost when costs are given). On large models only the
--max-candidates candidates touching the most cost at stake are measured; the output counts the rest.

Example: blastradius advise examples/saas-multi-region.yaml --target-availability 99.95%
         blastradius advise examples/fintech-single-region.yaml --budget 2 --cost second-region=40000";

const CHECK_HELP: &str = "\
Policy file (YAML):
  version: 1
  scope: critical          # functions marked critical (all when none is), or `all`
  rules:
    survive_loss_of: [zone, region, provider, service, global-service]
    no_single_point_of_failure: ['*/global/dns', 'auth0*']   # ids; `*` matches anything
    slo: { extra_nines: 1 }
    max_hhi: 0.5
Rules. survive_loss_of: no single node of the kind, failed with everything depending on it,
takes a scoped function down. no_single_point_of_failure: no node matching a pattern is an
order-1 minimal cut set of a scoped function. slo: the function's exact modelled availability
meets its SLO, and (the \"extra nine\" rule) every single point of failure among its dependencies
(not the delivering components themselves) with availability data has an unavailability of at
most (1 - SLO) / 10^extra_nines: for an SLO of 99.95% and one extra nine, 99.995%. max_hhi: see
`concentration --help`; checked per function and overall.
Default policy (no --policy): survive_loss_of [zone, region, global-service] and slo with one
extra nine, on the critical functions.

Outputs: --format human|json|junit|sarif on stdout; --junit FILE and --sarif FILE write those
formats as well. JUnit: one testsuite per rule, one testcase per function. SARIF: one error
result per violation, located at the culprit node (or the function) in the model file.
Exit codes: 0 every rule holds, 1 a violation (or an invalid model or policy), 2 usage error.

Example: blastradius check examples/saas-multi-region.yaml --policy examples/policies/strict.yaml --junit check.xml";

const CONCENTRATION_HELP: &str = "\
Definitions. Scope: the functions marked `critical: true` (all functions when none is).
A function reaches a node when the node is in the closure of the nodes delivering it over
dependencies that can bring it down (soft ones left out), parents included. A node's shares are
the reaching functions over the scope: counted, weighted by users, weighted by cost per hour.
It is a single point of failure for a function when failing it alone takes the function down.
Providers with the same `ultimate_parent` form one group (shown as an extra row). A function's
provider services are the provider nodes it reaches that are no other reached node's ancestor;
a group's share is the fraction of them it provides; the function's Herfindahl-Hirschman index
(HHI) is the sum of squared group shares, from 1/n (spread over n groups) to 1 (one group).
The overall HHI is that sum over the groups' mean shares across the scope. A node is reached
through third parties when a provider the components name (a SaaS) itself runs on it
(`runs_on` under the provider); 'only that way' when the function has no direct path to it.

JSON: {model, scope, total_users, total_cost_per_hour, group_shares, hhi, targets: [{id, kind,
group, reached_by, share: {count, users, cost}, single_point_of_failure_for,
single_point_of_failure_share, hidden_for, via}], functions: [{id, provider_services,
group_shares, hhi, single_points_of_failure}]}.

Example: blastradius concentration examples/saas-multi-region.yaml --top 10";

const SWEEP_HELP: &str = "\
Each outage fails one provider node (and everything that depends on it); at order 2, every pair.
A pair is listed only when it takes down a function that neither outage takes down alone
(redundancy defeated): other pairs are exactly the union of their two single outages. Users and
cost are summed over the functions down, as in `what-if`.

JSON: {model, order, ranked_by, singles: [{failed, down: {functions, users, cost_per_hour},
degraded, nodes_down}], pair_counts: {total, nested, independent, propagated}, pairs: [...]}.

Example: blastradius sweep examples/fintech-single-region.yaml --order 2 --top 5";

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Rank {
    /// Cost per hour down first.
    Cost,
    /// Users down first.
    Users,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
    /// JUnit XML.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
}

impl PolicyCommand {
    /// The output format the command was asked for, for printing model errors.
    pub(crate) fn format(&self) -> Format {
        match self {
            Self::Concentration { format, .. } | Self::Sweep { format, .. } => *format,
            Self::Advise { format, .. } => *format,
            Self::Export { .. } => Format::Human,
            Self::Check { format: CheckFormat::Json, .. } => Format::Json,
            Self::Check { .. } => Format::Human,
        }
    }
}

/// Runs a command; `Ok(false)` when it found violations and must exit 1.
pub(crate) fn run(command: PolicyCommand, options: Options) -> Result<bool, Failure> {
    match command {
        PolicyCommand::Concentration { model, top, format } => {
            let (_, model) = load(&model)?;
            let result = concentration(&model, &WhatIfIndex::new(&model));
            print(&match format {
                Format::Human => {
                    blastradius_report::concentration_human(&model, &result, top, options)
                }
                Format::Json => blastradius_report::concentration_json(&model, &result),
            });
        }
        PolicyCommand::Sweep { model, order, rank, top, format } => {
            let (_, model) = load(&model)?;
            let result = sweep(&model, &WhatIfIndex::new(&model), SweepOptions { order });
            let rank = match rank {
                Rank::Cost => SweepRank::Cost,
                Rank::Users => SweepRank::Users,
            };
            print(&match format {
                Format::Human => {
                    blastradius_report::sweep_human(&model, &result, order, rank, top, options)
                }
                Format::Json => blastradius_report::sweep_json(&model, &result, order, rank),
            });
        }
        PolicyCommand::Advise {
            model,
            target_availability,
            budget,
            costs,
            allow_soft,
            max_candidates,
            format,
        } => {
            let (_, model) = load(&model)?;
            let goal = match budget {
                Some(budget) => Goal::Budget(budget),
                None => Goal::Target(target_availability),
            };
            let advice = advise(
                &model,
                &AdviseOptions { goal, costs, include_soft: allow_soft, max_candidates },
            )
            .map_err(|e| anyhow::anyhow!("{e}: the model is too large to advise on exactly"))?;
            print(&match format {
                Format::Human => blastradius_report::advice_human(&model, &advice, options),
                Format::Json => blastradius_report::advice_json(&model, &advice),
            });
        }
        PolicyCommand::Export { register: ExportCommand::Dora { model, out, strict } } => {
            let (_, model) = load(&model)?;
            let register = blastradius_analysis::register(&model);
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create directory {}", out.display()))?;
            for table in &register.tables {
                write_csv(&out.join(format!("{}.csv", table.name)), &table.header, &table.rows)?;
            }
            let missing: Vec<Vec<String>> = register
                .missing
                .iter()
                .map(|m| vec![m.table.to_owned(), m.subject.clone(), m.field.to_owned()])
                .collect();
            write_csv(
                &out.join("missing_fields.csv"),
                &["template", "subject", "field"],
                &missing,
            )?;
            print(&blastradius_report::register_human(
                &model,
                &register,
                &out.display().to_string(),
                options,
            ));
            return Ok(!strict || register.missing.is_empty());
        }
        PolicyCommand::Check { model, policy, junit, sarif, format } => {
            let (file, model) = load(&model)?;
            let (policy_file, policy) = match policy {
                None => (None, Policy::default_rules()),
                Some(path) => {
                    let name = path.display().to_string();
                    let bytes = read_bytes(&path, "policy file", "give the policy's YAML file")?;
                    let policy = load_policy(&name, &bytes).map_err(Failure::Invalid)?;
                    (Some(name), policy)
                }
            };
            let report = check(&model, &policy, &WhatIfIndex::new(&model))
                .map_err(|e| anyhow::anyhow!("{e}: the model is too large to check exactly"))?;
            if let Some(path) = junit {
                write_file(&path, &blastradius_report::check_junit(&model, &report))?;
            }
            if let Some(path) = sarif {
                write_file(&path, &blastradius_report::check_sarif(&model, &report, &file))?;
            }
            print(&match format {
                CheckFormat::Human => blastradius_report::check_human(
                    &model,
                    &report,
                    policy_file.as_deref(),
                    options,
                ),
                CheckFormat::Json => blastradius_report::check_json(&model, &report),
                CheckFormat::Junit => blastradius_report::check_junit(&model, &report),
                CheckFormat::Sarif => blastradius_report::check_sarif(&model, &report, &file),
            });
            return Ok(report.n_violations() == 0);
        }
    }
    Ok(true)
}

/// Parses an availability: a fraction in (0, 1) or a percentage such as `99.95%`.
fn parse_availability(text: &str) -> Result<f64, String> {
    let (number, scale) = match text.trim().strip_suffix('%') {
        Some(percent) => (percent.trim(), 100.0),
        None => (text.trim(), 1.0),
    };
    match number.parse::<f64>() {
        Ok(value) if value / scale > 0.0 && value / scale < 1.0 => Ok(value / scale),
        _ => Err("expected an availability below 1, such as 0.9995 or 99.95%".to_owned()),
    }
}

/// Parses `KIND=AMOUNT` for `--cost`.
fn parse_cost(text: &str) -> Result<(ChangeKind, f64), String> {
    let kinds = ChangeKind::ALL.iter().map(|k| k.word()).collect::<Vec<_>>().join(", ");
    let (kind, amount) = text
        .split_once('=')
        .ok_or_else(|| format!("expected KIND=AMOUNT with KIND one of {kinds}"))?;
    let kind = ChangeKind::ALL
        .into_iter()
        .find(|k| k.word() == kind.trim())
        .ok_or_else(|| format!("unknown kind `{kind}`; use one of {kinds}"))?;
    match amount.trim().parse::<f64>() {
        Ok(amount) if amount >= 0.0 && amount.is_finite() => Ok((kind, amount)),
        _ => Err(format!("`{amount}` is not an amount of money (a number, 0 or more)")),
    }
}

/// Writes one CSV file with the `csv` crate (quoting as RFC 4180 needs).
fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let mut writer =
        csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    writer.write_record(header).with_context(|| format!("cannot write {}", path.display()))?;
    for row in rows {
        writer.write_record(row).with_context(|| format!("cannot write {}", path.display()))?;
    }
    writer.flush().with_context(|| format!("cannot write {}", path.display()))
}

/// Writes an output file, naming it in the error.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
