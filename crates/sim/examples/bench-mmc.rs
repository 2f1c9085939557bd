//! Events per second of the simulator core on one core: an M/M/c queue (λ = 9, μ = 1, c = 10)
//! simulated for a long horizon, timed five times, median reported with the answer (mean wait,
//! theory 0.66873) so speed is never bought with a wrong result. `scripts/bench-sim.sh` runs it
//! next to SimPy and Ciw on the same model.
//!
//! The machine is shared, so besides the wall-clock rate it reports the rate per second of CPU
//! time the thread actually got (Linux `/proc/thread-self/schedstat`), which is what "per core"
//! means under contention; the Python peers report `time.thread_time()` the same way.
//!
//! Usage: cargo run --release -p blastradius-sim --example bench-mmc [HORIZON]

use blastradius_sim::{Distribution, Rng, StationParams, simulate_station};

#[allow(clippy::disallowed_methods, reason = "a benchmark reads the clock and its arguments")]
#[allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    let horizon: f64 = std::env::args().nth(1).and_then(|h| h.parse().ok()).unwrap_or(1_000_000.0);
    let params = StationParams {
        arrival_rate: 9.0,
        service: Distribution::Exponential { mean: 1.0 },
        servers: 10,
        capacity: None,
        warmup: horizon / 100.0,
        horizon,
    };
    let mut wall_rates = Vec::new();
    let mut cpu_rates = Vec::new();
    let mut last = None;
    for seed in 0..5 {
        let start = std::time::Instant::now();
        let cpu_start = cpu_seconds();
        let stats = simulate_station(&params, &mut Rng::new(seed));
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_start.zip(cpu_seconds()).map_or(seconds, |(a, b)| b - a);
        wall_rates.push(stats.events as f64 / seconds);
        cpu_rates.push(stats.events as f64 / cpu);
        last = Some((stats, seconds));
    }
    wall_rates.sort_by(f64::total_cmp);
    cpu_rates.sort_by(f64::total_cmp);
    let (stats, seconds) = last.expect("five runs");
    println!(
        "blastradius-sim events={} seconds={seconds:.3} events_per_second={:.0} events_per_cpu_second={:.0} mean_wait={:.5} (theory 0.66873)",
        stats.events, wall_rates[2], cpu_rates[2], stats.mean_wait
    );
}

/// Seconds this thread has been on a CPU, from `/proc/thread-self/schedstat` (Linux).
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}
