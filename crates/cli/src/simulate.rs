//! The simulation commands: `simulate` (request traffic under a fault scenario), `montecarlo`
//! (availability over simulated years) and `merge` (shards from a cluster back into one
//! result), with progress bars, plots and shard indices from Kubernetes or Slurm.

mod plot;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use blastradius_report::{Options, Shard};
use blastradius_sim::{
    MonteCarloOptions, MonteCarloPlan, Rng, Shape, TrafficPlan, TrafficTotals, YearRun,
    empty_scenario, load_scenario, replicate, replication_seed, simulate_traffic, simulate_year,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::{Failure, Format, load, print, read_bytes};

/// Flags shared by the commands that run replications.
#[derive(Args)]
pub(crate) struct RunFlags {
    /// Seed of the random streams; the same seed gives the same output bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: the machine's cores); never changes the output.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,
    /// Run only shard I of N (0 ≤ I < N) and write a shard file for `blastradius merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard_flag, conflicts_with = "shards")]
    shard: Option<(u64, u64)>,
    /// Run one of N shards, its index taken from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)
    /// or SLURM_ARRAY_TASK_ID (Slurm job array).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    shards: Option<u64>,
    /// Write the output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

impl RunFlags {
    pub(crate) fn format(&self) -> Format {
        self.format
    }
}

/// `blastradius simulate`.
#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// The model file (YAML).
    model: PathBuf,
    /// The scenario file (YAML): capacities, call policies, load and faults. Without it, the
    /// model runs one hour with no load, which says little.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Independent replications.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    replications: u64,
    /// Draw the mean time series to this file (.svg or .png, both with titles and legend).
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    run: RunFlags,
}

impl SimulateArgs {
    pub(crate) fn format(&self) -> Format {
        self.run.format()
    }
}

/// `blastradius montecarlo`.
#[derive(Args)]
pub(crate) struct MonteCarloArgs {
    /// The model file (YAML).
    model: PathBuf,
    /// Simulated years (each an independent replication).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    years: u64,
    /// Distribution of times to failure: exponential, weibull:SHAPE or lognormal:SIGMA.
    #[arg(long, default_value = "exponential", value_parser = parse_shape)]
    failure: Shape,
    /// Distribution of repair times: exponential, weibull:SHAPE or lognormal:SIGMA.
    #[arg(long, default_value = "exponential", value_parser = parse_shape)]
    repair: Shape,
    /// Mean repair time in hours for nodes whose availability is a bare figure.
    #[arg(long, default_value_t = 1.0, value_name = "HOURS")]
    default_mttr: f64,
    #[command(flatten)]
    run: RunFlags,
}

impl MonteCarloArgs {
    pub(crate) fn format(&self) -> Format {
        self.run.format()
    }
}

/// `blastradius merge`.
#[derive(Args)]
pub(crate) struct MergeArgs {
    /// The shard files, in any order.
    #[arg(required = true, value_name = "SHARD")]
    shards: Vec<PathBuf>,
    /// Draw the mean time series (traffic shards only).
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    plot: Option<PathBuf>,
    /// Write the output to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

impl MergeArgs {
    pub(crate) fn format(&self) -> Format {
        self.format
    }
}

fn parse_shard_flag(text: &str) -> Result<(u64, u64), String> {
    let usage = || "expected I/N with 0 ≤ I < N, e.g. 3/10".to_owned();
    let (i, n) = text.split_once('/').ok_or_else(usage)?;
    let (i, n): (u64, u64) =
        (i.trim().parse().map_err(|_| usage())?, n.trim().parse().map_err(|_| usage())?);
    if n == 0 || i >= n {
        return Err(usage());
    }
    Ok((i, n))
}

fn parse_shape(text: &str) -> Result<Shape, String> {
    let usage = "expected exponential, weibull:SHAPE (e.g. weibull:1.5) or lognormal:SIGMA (e.g. lognormal:1)";
    let parameter = |value: &str| {
        value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0 && *v <= 20.0)
            .ok_or(usage.to_owned())
    };
    match text.split_once(':') {
        None if text == "exponential" => Ok(Shape::Exponential),
        Some(("weibull", k)) => Ok(Shape::Weibull(parameter(k)?)),
        Some(("lognormal", sigma)) => Ok(Shape::LogNormal(parameter(sigma)?)),
        _ => Err(usage.to_owned()),
    }
}

/// Which shard this process runs: from `--shard`, or `--shards` with the index from the
/// scheduler's environment variable.
fn shard(flags: &RunFlags) -> anyhow::Result<Option<(u64, u64)>> {
    if let Some(shard) = flags.shard {
        return Ok(Some(shard));
    }
    let Some(n) = flags.shards else { return Ok(None) };
    for variable in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
        #[allow(clippy::disallowed_methods, reason = "the CLI is where the environment is read")]
        if let Ok(value) = std::env::var(variable) {
            let index: u64 = value
                .trim()
                .parse()
                .with_context(|| format!("{variable}={value} is not a shard index"))?;
            if index >= n {
                bail!("{variable}={index} but --shards {n} allows indices 0 to {}", n - 1);
            }
            return Ok(Some((index, n)));
        }
    }
    bail!(
        "--shards {n}: neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set; give --shard I/{n}"
    )
}

/// The replications of shard `i` of `n` out of `total`: a contiguous range, so shards in order
/// concatenate to the whole.
fn shard_range(total: u64, shard: Option<(u64, u64)>) -> std::ops::Range<u64> {
    match shard {
        None => 0..total,
        Some((i, n)) => {
            let split = |k: u64| (u128::from(total) * u128::from(k) / u128::from(n)) as u64;
            split(i)..split(i + 1)
        }
    }
}

/// Results held in memory at most, in bytes.
const MAX_RESULT_BYTES: u64 = 4 << 30;

/// Refuses a run whose results would not fit in [`MAX_RESULT_BYTES`].
fn check_memory(bytes: u64, what: &str) -> anyhow::Result<()> {
    if bytes > MAX_RESULT_BYTES {
        bail!(
            "the results would take about {} MiB, over the {} MiB limit; run fewer {what} per process \
             (--shard I/N) or, for `simulate`, use a coarser `bucket` or a shorter `horizon`",
            bytes >> 20,
            MAX_RESULT_BYTES >> 20
        );
    }
    Ok(())
}

fn threads(flags: &RunFlags) -> usize {
    flags
        .threads
        .map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |t| t as usize)
}

/// A progress bar on standard error when it is a terminal and the run is long enough to want one.
fn progress_bar(length: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || length < 4 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length);
    let style = ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {what} {{elapsed}} (eta {{eta}})"
    ))
    .expect("the template is valid");
    bar.set_style(style);
    bar
}

fn write_output(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            print(text);
            Ok(())
        }
    }
}

pub(crate) fn run_simulate(args: SimulateArgs, options: Options) -> Result<(), Failure> {
    let (_, model) = load(&args.model)?;
    let scenario = match &args.scenario {
        Some(path) => {
            let bytes = read_bytes(path, "scenario file", "give the scenario's YAML file")?;
            load_scenario(&path.display().to_string(), &bytes, &model).map_err(Failure::Invalid)?
        }
        None => empty_scenario(&model),
    };
    let plan = TrafficPlan::new(&model, &scenario);
    let shard = shard(&args.run)?;
    let range = shard_range(args.replications, shard);
    // Replications run in chunks and are summed as integers, so memory holds one chunk.
    let threads = threads(&args.run);
    let chunk = (threads as u64 * 4).max(16);
    let n_buckets = (scenario.horizon / scenario.bucket).ceil() as u64;
    let n_series =
        plan.components().len() as u64 * 8 + scenario.load.iter().flatten().count() as u64 * 6;
    check_memory(chunk.min(range.end - range.start) * n_buckets * n_series * 8, "replications")?;
    let bar = progress_bar(range.end - range.start, "replications");
    let seed = args.run.seed;
    let mut totals = TrafficTotals::default();
    let mut start = range.start;
    while start < range.end {
        let end = (start + chunk).min(range.end);
        let runs = replicate(
            start..end,
            threads,
            &|r| simulate_traffic(&model, &scenario, &plan, Rng::new(replication_seed(seed, r))),
            &|| bar.inc(1),
        );
        for run in &runs {
            totals.add(run);
        }
        start = end;
    }
    bar.finish_and_clear();
    let header =
        blastradius_report::traffic_header(&model, &scenario, &plan, seed, args.replications);
    if let Some((i, n)) = shard {
        let text = blastradius_report::traffic_shard_json(
            &header,
            &format!("{i}/{n}"),
            range.start,
            &totals,
        );
        return Ok(write_output(args.run.output.as_deref(), &text)?);
    }
    render_traffic(
        &header,
        &totals,
        args.run.format,
        args.plot.as_deref(),
        args.run.output.as_deref(),
        options,
    )
}

fn render_traffic(
    header: &blastradius_report::TrafficHeader,
    totals: &TrafficTotals,
    format: Format,
    plot_path: Option<&Path>,
    output: Option<&Path>,
    options: Options,
) -> Result<(), Failure> {
    if let Some(path) = plot_path {
        plot::traffic(path, header, totals)?;
    }
    let text = match format {
        Format::Human => blastradius_report::traffic_human(header, totals, options),
        Format::Json => blastradius_report::traffic_json(header, totals),
    };
    Ok(write_output(output, &text)?)
}

fn render_montecarlo(
    header: &blastradius_report::MonteCarloHeader,
    runs: &[YearRun],
    format: Format,
    output: Option<&Path>,
    options: Options,
) -> Result<(), Failure> {
    let text = match format {
        Format::Human => blastradius_report::montecarlo_human(header, runs, options),
        Format::Json => blastradius_report::montecarlo_json(header, runs),
    };
    Ok(write_output(output, &text)?)
}

pub(crate) fn run_montecarlo(args: MonteCarloArgs, options: Options) -> Result<(), Failure> {
    let (_, model) = load(&args.model)?;
    if !(args.default_mttr.is_finite() && args.default_mttr > 0.0) {
        return Err(anyhow::anyhow!("--default-mttr must be a positive number of hours").into());
    }
    let mc_options = MonteCarloOptions {
        failure: args.failure,
        repair: args.repair,
        default_mttr_hours: args.default_mttr,
    };
    let plan = MonteCarloPlan::new(&model, &mc_options);
    let shard = shard(&args.run)?;
    let range = shard_range(args.years, shard);
    check_memory((range.end - range.start) * (model.functions().len() as u64 + 2) * 8, "years")?;
    let bar = progress_bar(range.end - range.start, "years");
    let seed = args.run.seed;
    let runs = replicate(
        range.clone(),
        threads(&args.run),
        &|r| simulate_year(&model, &plan, Rng::new(replication_seed(seed, r))),
        &|| bar.inc(1),
    );
    bar.finish_and_clear();
    // The exact engine's mean, for comparison; skipped when the model is too large for it.
    let exact = blastradius_analysis::availability(&model).ok();
    let header = blastradius_report::montecarlo_header(
        &model,
        &mc_options,
        exact.as_ref(),
        seed,
        args.years,
    );
    if let Some((i, n)) = shard {
        let text = blastradius_report::montecarlo_shard_json(
            &header,
            &format!("{i}/{n}"),
            range.start,
            &runs,
        );
        return Ok(write_output(args.run.output.as_deref(), &text)?);
    }
    render_montecarlo(&header, &runs, args.run.format, args.run.output.as_deref(), options)
}

/// Orders shards by their first replication, checks that together they are exactly
/// replications 0..total, each once, and combines them in that order with `combine`; `count`
/// says how many replications a piece holds.
fn in_order<T>(
    mut pieces: Vec<(PathBuf, u64, T)>,
    total: u64,
    count: impl Fn(&T) -> u64,
    mut combine: impl FnMut(T),
) -> anyhow::Result<()> {
    pieces.sort_by_key(|(_, first, _)| *first);
    let mut next = 0u64;
    for (path, first, piece) in pieces {
        if first != next {
            if first < next {
                bail!(
                    "{} overlaps another shard (replication {first} twice); merge each shard once",
                    path.display()
                );
            }
            bail!("replications {next} to {} are missing: a shard was not given", first - 1);
        }
        next += count(&piece);
        combine(piece);
    }
    if next != total {
        bail!("the shards hold {next} of {total} replications: a shard was not given");
    }
    Ok(())
}

pub(crate) fn run_merge(args: MergeArgs, options: Options) -> Result<(), Failure> {
    let mut traffic: Vec<(PathBuf, u64, TrafficTotals)> = Vec::new();
    let mut traffic_header = None;
    let mut years: Vec<(PathBuf, u64, Vec<YearRun>)> = Vec::new();
    let mut year_header = None;
    for path in &args.shards {
        let bytes = read_bytes(path, "shard file", "give the shard files `--shard` wrote")?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{} is not a shard file (not UTF-8)", path.display()))?;
        let shard = blastradius_report::parse_shard(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        match shard {
            Shard::Traffic { header, first, totals } => {
                if traffic_header.get_or_insert_with(|| header.clone()) != &header {
                    return Err(anyhow::anyhow!("{} comes from a different run (model, scenario, seed or replications differ)", path.display()).into());
                }
                traffic.push((path.clone(), first, totals));
            }
            Shard::MonteCarlo { header, first, runs } => {
                if year_header.get_or_insert_with(|| header.clone()) != &header {
                    return Err(anyhow::anyhow!(
                        "{} comes from a different run (model, options, seed or years differ)",
                        path.display()
                    )
                    .into());
                }
                years.push((path.clone(), first, runs));
            }
        }
    }
    match (traffic_header, year_header) {
        (Some(header), None) => {
            let mut totals = TrafficTotals::default();
            in_order(traffic, header.replications, |t| t.replications, |t| totals.merge(&t))?;
            render_traffic(
                &header,
                &totals,
                args.format,
                args.plot.as_deref(),
                args.output.as_deref(),
                options,
            )
        }
        (None, Some(header)) => {
            if args.plot.is_some() {
                return Err(anyhow::anyhow!(
                    "--plot draws traffic time series; these are Monte-Carlo shards"
                )
                .into());
            }
            let mut runs = Vec::new();
            in_order(years, header.years, |r| r.len() as u64, |r| runs.extend(r))?;
            render_montecarlo(&header, &runs, args.format, args.output.as_deref(), options)
        }
        _ => Err(anyhow::anyhow!("the shards mix `simulate` and `montecarlo` runs").into()),
    }
}

#[cfg(test)]
mod tests;
