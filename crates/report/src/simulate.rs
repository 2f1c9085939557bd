//! Simulation results for people and machines: traffic runs (time series, recovery verdicts)
//! and Monte-Carlo availability (annual downtime distributions), plus the shard files that let
//! replications run on many machines and merge into exactly the output of one run.

use std::fmt::Write;

use blastradius_analysis::AvailabilityReport;
use blastradius_model::Model;
use blastradius_sim::{
    ComponentTotals, Effect, FunctionTotals, MonteCarloOptions, Scenario, Shape, TrafficPlan,
    TrafficSummary, TrafficTotals, YearRun, percentile, summarize, summarize_traffic,
};
use serde::{Deserialize, Serialize};

use crate::diagnostics::to_json;
use crate::style::{HEADING, Options};

/// Marks a shard file; `merge` refuses anything else.
const SHARD_FORMAT: &str = "blastradius-shard/1";

/// What a traffic simulation's output needs besides its runs: names and settings, so that
/// shards can be merged without the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrafficHeader {
    /// The model's name.
    pub model: String,
    /// The run's seed.
    pub seed: u64,
    /// Replications in the whole run (all shards).
    pub replications: u64,
    /// Bucket width in seconds.
    pub bucket_seconds: f64,
    /// Horizon in seconds.
    pub horizon_seconds: f64,
    /// Ids of the functions with load, in model order.
    pub functions: Vec<String>,
    /// Ids of the components traffic reaches, in model order.
    pub components: Vec<String>,
    /// The fault timeline as text, in file order.
    pub faults: Vec<String>,
    /// Start of the first fault and end of the last, seconds.
    pub fault_window: Option<(f64, f64)>,
    /// `caller → callee` calls left out because they would close a dependency cycle.
    pub cut_calls: Vec<String>,
}

/// The header of a traffic simulation of `scenario` over `model`.
pub fn traffic_header(
    model: &Model,
    scenario: &Scenario,
    plan: &TrafficPlan,
    seed: u64,
    replications: u64,
) -> TrafficHeader {
    let faults = scenario
        .faults
        .iter()
        .map(|fault| {
            let what = match fault.effect {
                Effect::Down { hang: false } => "down".to_owned(),
                Effect::Down { hang: true } => "down (calls hang)".to_owned(),
                Effect::Capacity(factor) => format!("capacity x{factor}"),
                Effect::Latency(seconds) => format!("latency +{}", seconds_text(seconds)),
            };
            format!(
                "{} {what} from {} to {}",
                model.id(fault.node),
                seconds_text(fault.start),
                seconds_text(fault.end)
            )
        })
        .collect();
    let fault_window = scenario
        .faults
        .iter()
        .map(|f| (f.start, f.end))
        .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)));
    TrafficHeader {
        model: model.name().to_owned(),
        seed,
        replications,
        bucket_seconds: scenario.bucket,
        horizon_seconds: scenario.horizon,
        functions: scenario
            .load
            .iter()
            .zip(model.functions())
            .filter(|(load, _)| load.is_some())
            .map(|(_, f)| f.id.clone())
            .collect(),
        components: plan.components().iter().map(|&n| model.id(n).to_owned()).collect(),
        faults,
        fault_window,
        cut_calls: plan
            .cut_edges()
            .iter()
            .map(|&(a, b)| format!("{} → {}", model.id(a), model.id(b)))
            .collect(),
    }
}

fn seconds_text(seconds: f64) -> String {
    if seconds >= 3600.0 && seconds % 60.0 == 0.0 {
        format!("{}m", seconds / 60.0)
    } else {
        format!("{}s", (seconds * 1000.0).round() / 1000.0)
    }
}

/// What a Monte-Carlo availability run's output needs besides its years.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloHeader {
    /// The model's name.
    pub model: String,
    /// The run's seed.
    pub seed: u64,
    /// Simulated years in the whole run (all shards).
    pub years: u64,
    /// Distribution of times to failure, as text.
    pub failure: String,
    /// Distribution of repair times, as text.
    pub repair: String,
    /// One per function, in model order.
    pub functions: Vec<MonteCarloFunction>,
}

/// A function as the Monte-Carlo output shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloFunction {
    /// The function's id.
    pub id: String,
    /// The exact engine's expected downtime in minutes a year, when it could compute it.
    pub exact_minutes_per_year: Option<f64>,
    /// The availability objective in percent.
    pub slo: Option<f64>,
}

/// The header of a Monte-Carlo run over `model`; `exact` is the exact engine's report.
pub fn montecarlo_header(
    model: &Model,
    options: &MonteCarloOptions,
    exact: Option<&AvailabilityReport>,
    seed: u64,
    years: u64,
) -> MonteCarloHeader {
    let shape = |shape: Shape| match shape {
        Shape::Exponential => "exponential".to_owned(),
        Shape::LogNormal(sigma) => format!("lognormal (sigma {sigma})"),
        Shape::Weibull(k) => format!("weibull (shape {k})"),
    };
    MonteCarloHeader {
        model: model.name().to_owned(),
        seed,
        years,
        failure: shape(options.failure),
        repair: format!("{}, default mttr {}h", shape(options.repair), options.default_mttr_hours),
        functions: model
            .functions()
            .iter()
            .enumerate()
            .map(|(i, f)| MonteCarloFunction {
                id: f.id.clone(),
                exact_minutes_per_year: exact.map(|e| e.functions[i].downtime_minutes_per_year),
                slo: f.slo_percent,
            })
            .collect(),
    }
}

#[derive(Serialize, Deserialize)]
struct FunctionWire {
    offered: Vec<u64>,
    goodput: Vec<u64>,
    failed: Vec<u64>,
    latency_p50_ns: Vec<u64>,
    latency_p90_ns: Vec<u64>,
    latency_p99_ns: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
struct ComponentWire {
    arrivals: Vec<u64>,
    retries: Vec<u64>,
    completed: Vec<u64>,
    errors: Vec<u64>,
    wasted: Vec<u64>,
    queue: Vec<u64>,
    latency_p50_ns: Vec<u64>,
    latency_p99_ns: Vec<u64>,
}

/// The integer sums of a shard's replications.
#[derive(Serialize, Deserialize)]
struct TotalsWire {
    replications: u64,
    functions: Vec<FunctionWire>,
    components: Vec<ComponentWire>,
    recovered_after_ns: Vec<u64>,
    not_recovered: u64,
    events: u64,
}

#[derive(Serialize, Deserialize)]
struct YearWire {
    downtime_minutes: Vec<f64>,
    failures: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum ShardWire {
    Traffic {
        format: String,
        shard: String,
        first: u64,
        header: TrafficHeader,
        totals: TotalsWire,
    },
    Montecarlo {
        format: String,
        shard: String,
        first: u64,
        header: MonteCarloHeader,
        runs: Vec<YearWire>,
    },
}

/// A parsed shard file.
#[derive(Clone, Debug, PartialEq)]
pub enum Shard {
    /// Replications of a traffic simulation, summed.
    Traffic {
        /// The run's header (identical in every shard of a run).
        header: TrafficHeader,
        /// Index of the first replication in this shard.
        first: u64,
        /// The sums of its replications (`totals.replications` of them).
        totals: TrafficTotals,
    },
    /// Years of a Monte-Carlo run.
    MonteCarlo {
        /// The run's header.
        header: MonteCarloHeader,
        /// Index of the first year in this shard.
        first: u64,
        /// The years, in order.
        runs: Vec<YearRun>,
    },
}

/// A shard file holding the totals of replications `first..first + totals.replications` of a
/// traffic run; `shard` says which, as `i/n`. Everything in it is an integer, so shards add up
/// exactly.
pub fn traffic_shard_json(
    header: &TrafficHeader,
    shard: &str,
    first: u64,
    totals: &TrafficTotals,
) -> String {
    let totals = TotalsWire {
        replications: totals.replications,
        functions: totals
            .functions
            .iter()
            .map(|f| FunctionWire {
                offered: f.offered.clone(),
                goodput: f.goodput.clone(),
                failed: f.failed.clone(),
                latency_p50_ns: f.latency_p50_ns.clone(),
                latency_p90_ns: f.latency_p90_ns.clone(),
                latency_p99_ns: f.latency_p99_ns.clone(),
            })
            .collect(),
        components: totals
            .components
            .iter()
            .map(|c| ComponentWire {
                arrivals: c.arrivals.clone(),
                retries: c.retries.clone(),
                completed: c.completed.clone(),
                errors: c.errors.clone(),
                wasted: c.wasted.clone(),
                queue: c.queue.clone(),
                latency_p50_ns: c.latency_p50_ns.clone(),
                latency_p99_ns: c.latency_p99_ns.clone(),
            })
            .collect(),
        recovered_after_ns: totals.recovered_after_ns.clone(),
        not_recovered: totals.not_recovered,
        events: totals.events,
    };
    let wire = ShardWire::Traffic {
        format: SHARD_FORMAT.to_owned(),
        shard: shard.to_owned(),
        first,
        header: header.clone(),
        totals,
    };
    serde_json::to_string(&wire).expect("shards always serialize") + "\n"
}

/// A shard file holding years `first..first + runs.len()` of a Monte-Carlo run.
pub fn montecarlo_shard_json(
    header: &MonteCarloHeader,
    shard: &str,
    first: u64,
    runs: &[YearRun],
) -> String {
    let runs = runs
        .iter()
        .map(|r| YearWire { downtime_minutes: r.downtime_minutes.clone(), failures: r.failures })
        .collect();
    let wire = ShardWire::Montecarlo {
        format: SHARD_FORMAT.to_owned(),
        shard: shard.to_owned(),
        first,
        header: header.clone(),
        runs,
    };
    serde_json::to_string(&wire).expect("shards always serialize") + "\n"
}

/// Reads a shard file.
///
/// # Errors
/// A message saying what is wrong, when the text is not a shard this version wrote.
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let wire: ShardWire =
        serde_json::from_str(text).map_err(|e| format!("not a blastradius shard file: {e}"))?;
    match wire {
        ShardWire::Traffic { format, first, header, totals, .. } => {
            check_format(&format)?;
            let totals = TrafficTotals {
                replications: totals.replications,
                functions: totals
                    .functions
                    .into_iter()
                    .map(|f| FunctionTotals {
                        offered: f.offered,
                        goodput: f.goodput,
                        failed: f.failed,
                        latency_p50_ns: f.latency_p50_ns,
                        latency_p90_ns: f.latency_p90_ns,
                        latency_p99_ns: f.latency_p99_ns,
                    })
                    .collect(),
                components: totals
                    .components
                    .into_iter()
                    .map(|c| ComponentTotals {
                        arrivals: c.arrivals,
                        retries: c.retries,
                        completed: c.completed,
                        errors: c.errors,
                        wasted: c.wasted,
                        queue: c.queue,
                        latency_p50_ns: c.latency_p50_ns,
                        latency_p99_ns: c.latency_p99_ns,
                    })
                    .collect(),
                recovered_after_ns: totals.recovered_after_ns,
                not_recovered: totals.not_recovered,
                events: totals.events,
            };
            Ok(Shard::Traffic { header, first, totals })
        }
        ShardWire::Montecarlo { format, first, header, runs, .. } => {
            check_format(&format)?;
            let runs = runs
                .into_iter()
                .map(|r| YearRun { downtime_minutes: r.downtime_minutes, failures: r.failures })
                .collect();
            Ok(Shard::MonteCarlo { header, first, runs })
        }
    }
}

fn check_format(format: &str) -> Result<(), String> {
    if format == SHARD_FORMAT {
        Ok(())
    } else {
        Err(format!(
            "shard format `{format}` is not `{SHARD_FORMAT}`, the one this blastradius reads"
        ))
    }
}

/// Mean of `values[range]`, or 0 for an empty range.
fn window_mean(values: &[f64], from: usize, to: usize) -> f64 {
    let to = to.min(values.len());
    if from >= to { 0.0 } else { values[from..to].iter().sum::<f64>() / (to - from) as f64 }
}

fn fmt_rate(value: f64) -> String {
    if value >= 100.0 { format!("{value:.0}") } else { format!("{value:.2}") }
}

/// The traffic summary for people: per function, goodput and latency before, during and after
/// the faults; the recovery verdicts; the components under most pressure.
pub fn traffic_human(header: &TrafficHeader, totals: &TrafficTotals, options: Options) -> String {
    let summary = summarize_traffic(totals);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} replication{} of {} (seed {}, {} events)",
        options.paint(HEADING, "Simulated"),
        summary.replications,
        crate::style::plural_suffix(summary.replications),
        seconds_text(header.horizon_seconds),
        header.seed,
        summary.events
    );
    for fault in &header.faults {
        let _ = writeln!(out, "  fault: {fault}");
    }
    if header.faults.is_empty() {
        let _ = writeln!(out, "  no faults");
    }
    for cut in &header.cut_calls {
        let _ = writeln!(out, "  not simulated (closes a cycle): {cut}");
    }
    let bucket = header.bucket_seconds;
    let n_buckets = (header.horizon_seconds / bucket).ceil() as usize;
    let (before, during, after) = match header.fault_window {
        Some((start, end)) => {
            let s = (start / bucket) as usize;
            let e = ((end / bucket).ceil() as usize).min(n_buckets);
            let tail = n_buckets.saturating_sub((n_buckets - e) / 2).max(e);
            ((0, s), (s, e), (tail, n_buckets))
        }
        None => ((0, n_buckets), (0, 0), (0, 0)),
    };
    let _ = writeln!(
        out,
        "\n{}",
        options.paint(HEADING, "Functions (per second: offered / goodput, p99 latency)")
    );
    let _ = writeln!(
        out,
        "  {:<28} {:>22} {:>22} {:>22}",
        "function", "before faults", "during", "end of run"
    );
    if header.functions.is_empty() {
        let _ = writeln!(out, "  no function has load: give a --scenario with `functions:` rates");
    }
    for (id, series) in header.functions.iter().zip(&summary.functions) {
        let cell = |(from, to): (usize, usize)| {
            if from >= to {
                return "-".to_owned();
            }
            format!(
                "{} / {}, {}s",
                fmt_rate(window_mean(&series.offered, from, to) / bucket),
                fmt_rate(window_mean(&series.goodput, from, to) / bucket),
                fmt_rate(window_mean(&series.latency_p99, from, to))
            )
        };
        let _ = writeln!(
            out,
            "  {:<28} {:>22} {:>22} {:>22}",
            id,
            cell(before),
            cell(during),
            cell(after)
        );
    }
    let _ = writeln!(out, "\n{}", options.paint(HEADING, "Verdict"));
    if header.fault_window.is_none() {
        let _ = writeln!(out, "  no faults, so no recovery to judge");
    } else {
        let times = &summary.recovery_after;
        let _ = writeln!(out, "  recovered: {} of {}", summary.recovered, summary.replications);
        if !times.is_empty() {
            let _ = writeln!(
                out,
                "  time to recover after the last fault ended: median {}, p90 {}, max {}",
                seconds_text(percentile(times, 0.5)),
                seconds_text(percentile(times, 0.9)),
                seconds_text(*times.last().expect("not empty"))
            );
        }
        if summary.not_recovered > 0 {
            let _ = writeln!(
                out,
                "  metastable: {} of {} did not recover within the horizon",
                summary.not_recovered, summary.replications
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        options.paint(HEADING, "Components under pressure (peaks over the run)")
    );
    let _ = writeln!(
        out,
        "  {:<28} {:>10} {:>10} {:>12} {:>10} {:>10}",
        "component", "load/s", "queue", "retry ratio", "wasted/s", "p99"
    );
    // Components that never queued, retried or failed are pass-throughs; they are in the JSON.
    let mut rows: Vec<(usize, f64)> = summary
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.queue.iter().chain(&c.retries).chain(&c.errors).any(|&v| v > 0.0))
        .map(|(i, c)| (i, c.queue.iter().copied().fold(0.0, f64::max)))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for &(i, peak_queue) in rows.iter().take(10) {
        let c = &summary.components[i];
        let peak = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let _ = writeln!(
            out,
            "  {:<28} {:>10} {:>10} {:>12} {:>10} {:>10}",
            header.components[i],
            fmt_rate(peak(&c.arrivals) / bucket),
            fmt_rate(peak_queue),
            fmt_rate(peak(&c.retry_ratio)),
            fmt_rate(peak(&c.wasted) / bucket),
            format!("{}s", fmt_rate(peak(&c.latency_p99)))
        );
    }
    if rows.len() > 10 {
        let _ = writeln!(out, "  … and {} more (see --format json)", rows.len() - 10);
    }
    if rows.is_empty() {
        let _ = writeln!(out, "  none queued, retried or failed");
    }
    out
}

#[derive(Serialize)]
struct TrafficJson<'a> {
    header: &'a TrafficHeader,
    recovered: usize,
    not_recovered: usize,
    recovery_seconds: Option<QuantilesJson>,
    events: u64,
    functions: Vec<FunctionJson<'a>>,
    components: Vec<ComponentJson<'a>>,
}

#[derive(Serialize)]
struct QuantilesJson {
    mean: f64,
    p50: f64,
    p90: f64,
    max: f64,
}

#[derive(Serialize)]
struct FunctionJson<'a> {
    id: &'a str,
    offered: &'a [f64],
    goodput: &'a [f64],
    failed: &'a [f64],
    latency_p50: &'a [f64],
    latency_p90: &'a [f64],
    latency_p99: &'a [f64],
}

#[derive(Serialize)]
struct ComponentJson<'a> {
    id: &'a str,
    arrivals: &'a [f64],
    retries: &'a [f64],
    retry_ratio: &'a [f64],
    completed: &'a [f64],
    errors: &'a [f64],
    wasted: &'a [f64],
    queue: &'a [f64],
    latency_p50: &'a [f64],
    latency_p99: &'a [f64],
}

/// The traffic result for machines: the header, verdict counts and every mean series (counts
/// per bucket, latencies in seconds).
pub fn traffic_json(header: &TrafficHeader, totals: &TrafficTotals) -> String {
    let summary: TrafficSummary = summarize_traffic(totals);
    let times = &summary.recovery_after;
    let recovery_seconds = (!times.is_empty()).then(|| QuantilesJson {
        mean: summary.recovery_mean,
        p50: percentile(times, 0.5),
        p90: percentile(times, 0.9),
        max: *times.last().expect("not empty"),
    });
    to_json(&TrafficJson {
        header,
        recovered: summary.recovered,
        not_recovered: summary.not_recovered,
        recovery_seconds,
        events: summary.events,
        functions: header
            .functions
            .iter()
            .zip(&summary.functions)
            .map(|(id, f)| FunctionJson {
                id,
                offered: &f.offered,
                goodput: &f.goodput,
                failed: &f.failed,
                latency_p50: &f.latency_p50,
                latency_p90: &f.latency_p90,
                latency_p99: &f.latency_p99,
            })
            .collect(),
        components: header
            .components
            .iter()
            .zip(&summary.components)
            .map(|(id, c)| ComponentJson {
                id,
                arrivals: &c.arrivals,
                retries: &c.retries,
                retry_ratio: &c.retry_ratio,
                completed: &c.completed,
                errors: &c.errors,
                wasted: &c.wasted,
                queue: &c.queue,
                latency_p50: &c.latency_p50,
                latency_p99: &c.latency_p99,
            })
            .collect(),
    })
}

/// One function's annual downtime over the simulated years.
#[derive(Serialize)]
struct DowntimeJson<'a> {
    id: &'a str,
    mean_minutes: f64,
    ci95_minutes: (f64, f64),
    p50_minutes: f64,
    p90_minutes: f64,
    p99_minutes: f64,
    exact_minutes: Option<f64>,
    slo: Option<f64>,
    years_over_slo: Option<f64>,
}

fn downtime_rows<'a>(header: &'a MonteCarloHeader, runs: &[YearRun]) -> Vec<DowntimeJson<'a>> {
    header
        .functions
        .iter()
        .enumerate()
        .map(|(f, function)| {
            let minutes: Vec<f64> = runs.iter().map(|r| r.downtime_minutes[f]).collect();
            let summary = summarize(&minutes);
            let mut sorted = minutes.clone();
            sorted.sort_by(f64::total_cmp);
            let budget = function.slo.map(|slo| (100.0 - slo) / 100.0 * 525_600.0);
            DowntimeJson {
                id: &function.id,
                mean_minutes: summary.mean,
                ci95_minutes: (summary.ci_low, summary.ci_high),
                p50_minutes: percentile(&sorted, 0.5),
                p90_minutes: percentile(&sorted, 0.9),
                p99_minutes: percentile(&sorted, 0.99),
                exact_minutes: function.exact_minutes_per_year,
                slo: function.slo,
                years_over_slo: budget.map(|b| {
                    minutes.iter().filter(|&&m| m > b).count() as f64 / minutes.len().max(1) as f64
                }),
            }
        })
        .collect()
}

/// Monte-Carlo availability for people: per function, annual downtime (mean with its 95%
/// confidence interval, median and tail), the exact engine's mean, and how often a year broke
/// the SLO.
pub fn montecarlo_human(header: &MonteCarloHeader, runs: &[YearRun], options: Options) -> String {
    let mut out = String::new();
    let failures: u64 = runs.iter().map(|r| r.failures).sum();
    let _ = writeln!(
        out,
        "{} {} year{} of `{}` (seed {}; failures {}, repairs {}; {} node failures)",
        options.paint(HEADING, "Simulated"),
        runs.len(),
        crate::style::plural_suffix(runs.len()),
        header.model,
        header.seed,
        header.failure,
        header.repair,
        failures
    );
    let _ = writeln!(
        out,
        "\n  {:<28} {:>22} {:>9} {:>9} {:>9} {:>9} {:>11}",
        "function", "mean min/year (95% CI)", "p50", "p90", "p99", "exact", "years > SLO"
    );
    for row in downtime_rows(header, runs) {
        let _ = writeln!(
            out,
            "  {:<28} {:>22} {:>9.1} {:>9.1} {:>9.1} {:>9} {:>11}",
            row.id,
            format!(
                "{:.1} ({:.1}-{:.1})",
                row.mean_minutes,
                row.ci95_minutes.0.max(0.0),
                row.ci95_minutes.1
            ),
            row.p50_minutes,
            row.p90_minutes,
            row.p99_minutes,
            row.exact_minutes.map_or("-".to_owned(), |m| format!("{m:.1}")),
            row.years_over_slo.map_or("-".to_owned(), |p| format!("{:.1}%", p * 100.0))
        );
    }
    out
}

#[derive(Serialize)]
struct MonteCarloJson<'a> {
    header: &'a MonteCarloHeader,
    node_failures: u64,
    functions: Vec<DowntimeJson<'a>>,
}

/// Monte-Carlo availability for machines.
pub fn montecarlo_json(header: &MonteCarloHeader, runs: &[YearRun]) -> String {
    to_json(&MonteCarloJson {
        header,
        node_failures: runs.iter().map(|r| r.failures).sum(),
        functions: downtime_rows(header, runs),
    })
}
