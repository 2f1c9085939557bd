//! `load-model FILE | load-model --generate N [SEED]`: loads one model, builds the what-if index
//! and runs what-ifs on a region and a zone, printing the wall time of each step and the peak
//! resident memory, for profiling and for measuring memory, which criterion does not.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool prints its findings"
)]
#![allow(
    clippy::disallowed_methods,
    reason = "this binary exists to time the steps with Instant::now"
)]

use std::process::ExitCode;
use std::time::{Duration, Instant};

use blastradius_analysis::{Status, WhatIfIndex, what_if};
use blastradius_bench::{DEFAULT_SEED, FAILED_REGION, FAILED_ZONE, generate_model};
use blastradius_model::{Model, load};

/// What-ifs are repeated this many times; the median is printed.
const REPEATS: usize = 11;

/// The peak resident set size so far (`VmHWM`), as written in `/proc/self/status` on Linux.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

fn median_what_if(model: &Model, index: &WhatIfIndex, id: &str) -> Result<(), String> {
    let node = model.lookup(id).ok_or_else(|| format!("the model has no `{id}`"))?;
    let mut times = Vec::with_capacity(REPEATS);
    let mut counts = (0, 0);
    for _ in 0..REPEATS {
        let start = Instant::now();
        let result = what_if(model, index, &[node]);
        times.push(start.elapsed());
        counts = (result.nodes_in(Status::Down).count(), result.nodes_in(Status::Degraded).count());
    }
    times.sort();
    let (down, degraded) = counts;
    println!(
        "what-if {id}: median {} (min {}, max {}) over {REPEATS} runs; {down} down, {degraded} degraded",
        ms(times[REPEATS / 2]),
        ms(times[0]),
        ms(times[REPEATS - 1])
    );
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let start = Instant::now();
    let (name, bytes) = match args {
        [flag, n, rest @ ..] if flag == "--generate" && rest.len() <= 1 => {
            let n: usize = n.parse().map_err(|_| format!("not a number: {n}"))?;
            let seed = match rest {
                [seed] => seed.parse().map_err(|_| format!("not a seed: {seed}"))?,
                _ => DEFAULT_SEED,
            };
            (format!("generated-{n}.yaml"), generate_model(n, seed).into_bytes())
        }
        [file] => {
            (file.clone(), std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?)
        }
        _ => return Err("usage: load-model FILE | load-model --generate N [SEED]".to_owned()),
    };
    println!(
        "input {name}: {} bytes in {}; peak RSS {}",
        bytes.len(),
        ms(start.elapsed()),
        peak_rss()
    );

    let start = Instant::now();
    let model = load(&name, &bytes).map_err(|e| {
        let shown: Vec<String> = e.diagnostics.iter().take(5).map(|d| d.render(&name)).collect();
        format!("invalid model:\n{}", shown.join("\n"))
    })?;
    println!(
        "load + validate: {}; {} nodes, {} dependencies, {} functions, {} warnings; peak RSS {}",
        ms(start.elapsed()),
        model.n_nodes(),
        model.n_dependencies(),
        model.functions().len(),
        model.warnings().len(),
        peak_rss()
    );
    drop(bytes);

    let start = Instant::now();
    let index = WhatIfIndex::new(&model);
    println!("what-if index: {}; peak RSS {}", ms(start.elapsed()), peak_rss());

    median_what_if(&model, &index, FAILED_REGION)?;
    median_what_if(&model, &index, FAILED_ZONE)?;

    let start = Instant::now();
    drop(index);
    drop(model);
    println!("drop model and index: {}; peak RSS {}", ms(start.elapsed()), peak_rss());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("load-model: {message}");
            ExitCode::FAILURE
        }
    }
}
