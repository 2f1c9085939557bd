//! Oracle tests of the simulator: the event queue against a `BTreeMap` shadow, the station
//! against closed-form queueing theory (M/M/1, M/M/c, Erlang B, M/M/1/K), the retry queue
//! against the mean-field metastability analysis, and determinism. Reference values are the
//! closed forms listed in the project's simulation research notes (§2.2, §2.4, §3.3).

use std::collections::BTreeMap;

use crate::*;

/// Runs `run` for replications 0..n of `seed` on three threads.
fn replicated<T: Send>(n: u64, seed: u64, run: impl Fn(&mut Rng) -> T + Sync) -> Vec<T> {
    replicate(0..n, 3, &|r| run(&mut Rng::new(replication_seed(seed, r))), &|| {})
}

/// Asserts that the mean of `values` is within three standard errors of `expected` and that
/// the standard error is below `max_relative_error` of it, so the check has teeth.
fn assert_agrees(what: &str, values: &[f64], expected: f64, max_relative_error: f64) {
    let summary = summarize(values);
    assert!(
        summary.standard_error < max_relative_error * expected.abs(),
        "{what}: standard error {} too large for a meaningful check of {expected}",
        summary.standard_error
    );
    assert!(
        (summary.mean - expected).abs() <= 3.0 * summary.standard_error,
        "{what}: simulated {} ± {} (3 s.e.) but theory says {expected}",
        summary.mean,
        3.0 * summary.standard_error
    );
}

#[test]
fn event_queue_matches_a_sorted_map_shadow() {
    let mut rng = Rng::new(7);
    let mut queue = EventQueue::default();
    let mut shadow: BTreeMap<(u64, u64), u64> = BTreeMap::new();
    let mut sequence = 0u64;
    let mut now = 0.0f64;
    for step in 0..200_000u64 {
        if rng.next_u64() % 3 != 0 || shadow.is_empty() {
            // Few distinct times, so ties are common.
            let time = now + (rng.next_u64() % 4) as f64 * 0.5;
            queue.push(time, step);
            shadow.insert((time.to_bits(), sequence), step);
            sequence += 1;
        } else {
            let ((time_bits, _), payload) = shadow.pop_first().expect("not empty");
            let (time, popped) = queue.pop().expect("queue agrees on emptiness");
            assert_eq!((time.to_bits(), popped), (time_bits, payload), "step {step}");
            now = time;
        }
        assert_eq!(queue.len(), shadow.len());
    }
}

#[test]
fn simultaneous_events_fire_in_insertion_order() {
    let mut queue = EventQueue::default();
    for payload in [5, 3, 9, 1] {
        queue.push(2.0, payload);
    }
    queue.push(1.0, 100);
    queue.push(-0.0, 200);
    let order: Vec<u64> = std::iter::from_fn(|| queue.pop().map(|(_, p)| p)).collect();
    assert_eq!(order, [200, 100, 5, 3, 9, 1]);
}

fn mm(arrival_rate: f64, service_rate: f64, servers: u32, capacity: Option<u32>) -> StationParams {
    StationParams {
        arrival_rate,
        service: Distribution::Exponential { mean: 1.0 / service_rate },
        servers,
        capacity,
        warmup: 0.0,
        horizon: 0.0,
    }
}

#[test]
fn mm1_matches_theory() {
    // λ = 3, μ = 5: ρ = 0.6, L = 1.5, W = 0.5, Wq = 0.3.
    let params = StationParams { warmup: 200.0, horizon: 20_000.0, ..mm(3.0, 5.0, 1, None) };
    let runs = replicated(20, 1, |rng| simulate_station(&params, rng));
    let field = |f: fn(&StationStats) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    assert_agrees("M/M/1 L", &field(|s| s.mean_in_system), 1.5, 0.01);
    assert_agrees("M/M/1 W", &field(|s| s.mean_sojourn), 0.5, 0.01);
    assert_agrees("M/M/1 Wq", &field(|s| s.mean_wait), 0.3, 0.015);
    assert_agrees("M/M/1 Lq", &field(|s| s.mean_in_queue), 0.9, 0.015);
}

#[test]
fn mmc_matches_erlang_c() {
    // λ = 8, μ = 1, c = 10: P(wait) = 0.40918, Wq = 0.20459, Lq = 1.6367, L = 9.6367.
    let params = StationParams { warmup: 200.0, horizon: 10_000.0, ..mm(8.0, 1.0, 10, None) };
    let runs = replicated(20, 2, |rng| simulate_station(&params, rng));
    let field = |f: fn(&StationStats) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    assert_agrees("M/M/10 P(wait)", &field(|s| s.waited as f64 / s.started as f64), 0.40918, 0.01);
    assert_agrees("M/M/10 Wq", &field(|s| s.mean_wait), 0.20459, 0.02);
    assert_agrees("M/M/10 Lq", &field(|s| s.mean_in_queue), 1.6367, 0.02);
    assert_agrees("M/M/10 L", &field(|s| s.mean_in_system), 9.6367, 0.005);
}

#[test]
fn heavy_load_and_slow_multi_server_queues_match_theory() {
    // M/M/1 at ρ = 0.9: L = 9, W = 10. Whitt's run-length rule (variance of L ≈ 34,200/T) asks
    // for T = 2·10⁵ per replication to get about 1.5% per replication.
    let params = StationParams { warmup: 2000.0, horizon: 200_000.0, ..mm(0.9, 1.0, 1, None) };
    let runs = replicated(20, 5, |rng| simulate_station(&params, rng));
    let in_system: Vec<f64> = runs.iter().map(|s| s.mean_in_system).collect();
    assert_agrees("M/M/1 ρ=0.9 L", &in_system, 9.0, 0.015);
    let sojourn: Vec<f64> = runs.iter().map(|s| s.mean_sojourn).collect();
    assert_agrees("M/M/1 ρ=0.9 W", &sojourn, 10.0, 0.015);
    // The spread between replications is what the asymptotic variance predicts (0.171 here).
    let variance = summarize(&in_system).standard_error.powi(2) * 20.0;
    assert!((0.171 / 2.0..0.171 * 2.0).contains(&variance), "variance of L {variance}");
    // Ciw's README model, M/M/3 with λ = 0.2, μ = 0.1: P(wait) = 4/9, Wq = 4.4444, L = 2.8889.
    let params = StationParams { warmup: 2000.0, horizon: 100_000.0, ..mm(0.2, 0.1, 3, None) };
    let runs = replicated(20, 6, |rng| simulate_station(&params, rng));
    let field = |f: fn(&StationStats) -> f64| runs.iter().map(f).collect::<Vec<_>>();
    assert_agrees("M/M/3 Wq", &field(|s| s.mean_wait), 4.4444, 0.02);
    assert_agrees("M/M/3 P(wait)", &field(|s| s.waited as f64 / s.started as f64), 4.0 / 9.0, 0.01);
    assert_agrees("M/M/3 L", &field(|s| s.mean_in_system), 2.8889, 0.01);
}

#[test]
fn loss_systems_match_erlang_b_and_mm1k() {
    let blocking = |s: &StationStats| s.blocked as f64 / s.arrivals as f64;
    for (offered, servers, expected) in
        [(2.0, 3, 0.210526), (10.0, 10, 0.214582), (5.0, 10, 0.0183846)]
    {
        let params = StationParams {
            warmup: 50.0,
            horizon: 5_000.0,
            ..mm(offered, 1.0, servers, Some(servers))
        };
        let runs = replicated(20, 3, |rng| simulate_station(&params, rng));
        let values: Vec<f64> = runs.iter().map(blocking).collect();
        assert_agrees(&format!("Erlang B a={offered} c={servers}"), &values, expected, 0.04);
    }
    // M/M/1/K, λ = 9, μ = 10, K = 10: P_K = 0.050814, L = 3.9694.
    let params = StationParams { warmup: 50.0, horizon: 5_000.0, ..mm(9.0, 10.0, 1, Some(10)) };
    let runs = replicated(20, 4, |rng| simulate_station(&params, rng));
    assert_agrees("M/M/1/10 P_K", &runs.iter().map(blocking).collect::<Vec<_>>(), 0.050814, 0.03);
    let in_system: Vec<f64> = runs.iter().map(|s| s.mean_in_system).collect();
    assert_agrees("M/M/1/10 L", &in_system, 3.9694, 0.01);
}

/// The §2.2 reference: μ = 10, T = 4 s, R = 3, 1000 s, base rate `base` with the rate raised to
/// `spike` for t ∈ [100, 110) (no spike when `None`).
fn retry_params(base: f64, spike: Option<f64>) -> RetryParams {
    let rate = match spike {
        Some(spike) => vec![(0.0, base), (100.0, spike), (110.0, base)],
        None => vec![(0.0, base)],
    };
    RetryParams {
        rate,
        service_rate: 10.0,
        timeout: 4.0,
        max_retries: 3,
        drop_expired: false,
        capacity: None,
        horizon: 1000.0,
        bucket: 1.0,
    }
}

/// Goodput per second over [800, 1000).
fn late_goodput(run: &RetryRun) -> f64 {
    run.goodput[800..1000].iter().sum::<u64>() as f64 / 200.0
}

/// How many of 20 seeds end collapsed (goodput below 1/s over [800, 1000)).
fn collapsed_count(params: &RetryParams, seed: u64) -> usize {
    let runs = replicated(20, seed, |rng| simulate_retry(params, rng));
    runs.iter().filter(|run| late_goodput(run) < 1.0).count()
}

#[test]
fn retry_queue_recovers_below_the_band_and_stays_healthy_without_trigger() {
    // μ/(R+1) = 2.5: at 2 requests/s even a 25/s spike cannot sustain itself.
    assert!(collapsed_count(&retry_params(2.0, Some(25.0)), 10) <= 2);
    // Inside the band (2.5 ≤ 8 < λ_c = 8.85) the healthy state holds without a trigger.
    assert!(collapsed_count(&retry_params(8.0, None), 11) <= 2);
    // A spike whose excess (≈ 40 requests) stays below μT does not tip it either... mostly:
    // the research notes found 0/3 at 12/s.
    assert!(collapsed_count(&retry_params(8.0, Some(11.0)), 12) <= 2);
}

#[test]
fn retry_queue_collapses_after_a_trigger_inside_the_band() {
    for (base, seed) in [(8.0, 20), (5.0, 21), (3.0, 22)] {
        let params = retry_params(base, Some(25.0));
        let runs = replicated(20, seed, |rng| simulate_retry(&params, rng));
        let collapsed: Vec<&RetryRun> = runs.iter().filter(|run| late_goodput(run) < 1.0).collect();
        assert!(collapsed.len() >= 18, "λ = {base}: only {} of 20 collapsed", collapsed.len());
        // Once every attempt times out, the backlog grows at (R+1)λ − μ.
        let expected_slope = 4.0 * base - 10.0;
        let slopes: Vec<f64> = collapsed
            .iter()
            .map(|run| (run.backlog[999] as f64 - run.backlog[399] as f64) / 600.0)
            .collect();
        let mean_slope = summarize(&slopes).mean;
        assert!(
            (mean_slope / expected_slope - 1.0).abs() < 0.15,
            "λ = {base}: backlog grows at {mean_slope}/s, theory {expected_slope}/s"
        );
    }
}

#[test]
fn dropping_expired_work_or_a_short_queue_removes_the_collapse() {
    let trigger = retry_params(8.0, Some(25.0));
    let drop_expired = RetryParams { drop_expired: true, ..trigger.clone() };
    assert_eq!(collapsed_count(&drop_expired, 30), 0);
    // K/μ < T: every admitted attempt finishes before its timeout.
    assert_eq!(collapsed_count(&RetryParams { capacity: Some(40), ..trigger.clone() }, 31), 0);
    assert_eq!(collapsed_count(&RetryParams { capacity: Some(20), ..trigger.clone() }, 32), 0);
    // K/μ = 8 s > T: the cap is too long to help.
    assert!(collapsed_count(&RetryParams { capacity: Some(80), ..trigger }, 33) >= 18);
}

#[test]
fn collapsed_backlog_drains_at_the_predicted_rate_once_load_falls() {
    // Collapse at λ = 8 after the spike, then drop to λ = 1 at t = 600: the backlog B drains at
    // μ − (R+1)λ = 6/s, so recovery takes about B/6 seconds.
    let params = RetryParams {
        rate: vec![(0.0, 8.0), (100.0, 25.0), (110.0, 8.0), (600.0, 1.0)],
        horizon: 4000.0,
        ..retry_params(8.0, None)
    };
    let runs = replicated(6, 40, |rng| simulate_retry(&params, rng));
    for run in &runs {
        let backlog_at_drop = run.backlog[599] as f64;
        assert!(backlog_at_drop > 5000.0, "collapsed before the drop: {backlog_at_drop}");
        let drained = run.backlog[600..].iter().position(|&b| b < 40).expect("drains") as f64;
        let predicted = backlog_at_drop / 6.0;
        assert!(
            (drained / predicted - 1.0).abs() < 0.2,
            "drained in {drained} s, predicted {predicted} s"
        );
    }
}

#[test]
fn same_seed_same_result_whatever_the_thread_count() {
    let params = retry_params(8.0, Some(25.0));
    let run = |threads| {
        replicate(
            0..6,
            threads,
            &|r| simulate_retry(&params, &mut Rng::new(replication_seed(9, r))),
            &|| {},
        )
    };
    let one = run(1);
    assert_eq!(one, run(4));
    assert_ne!(one[0], one[1], "replications use different streams");
    let station = StationParams { warmup: 0.0, horizon: 1000.0, ..mm(3.0, 5.0, 1, None) };
    assert_eq!(
        simulate_station(&station, &mut Rng::new(5)),
        simulate_station(&station, &mut Rng::new(5))
    );
}

#[test]
fn variates_have_the_requested_means() {
    let mut rng = Rng::new(3);
    for distribution in [
        Distribution::Exponential { mean: 2.0 },
        Distribution::lognormal_with_mean(2.0, 1.0),
        Distribution::weibull_with_mean(2.0, 1.5),
        Distribution::weibull_with_mean(2.0, 0.7),
    ] {
        let values: Vec<f64> = (0..400_000).map(|_| rng.sample(distribution)).collect();
        assert_agrees(&format!("{distribution:?}"), &values, distribution.mean(), 0.01);
        assert!((distribution.mean() - 2.0).abs() < 1e-12);
    }
}

/// One component `server` behind function `serve`, as in the retry reference model.
const ONE_SERVER: &str = "version: 1
name: one-server
components:
  server: { kind: service }
functions:
  serve: { delivered_by: [server] }
";

/// Loads a model as the CLI does, with the built-in catalogue (the examples opt into it).
fn load_model(text: &str) -> blastradius_model::Model {
    let catalog = blastradius_catalog::Catalog::builtin();
    blastradius_catalog::load_model(&catalog, "model.yaml", text.as_bytes()).expect("valid model")
}

/// Runs `scenario` on `model` for replications 0..n of `seed`.
fn traffic(model: &str, scenario: &str, n: u64, seed: u64) -> Vec<TrafficRun> {
    let model = load_model(model);
    let scenario = match load_scenario("scenario.yaml", scenario.as_bytes(), &model) {
        Ok(scenario) => scenario,
        Err(error) => panic!(
            "{}",
            error.diagnostics.iter().map(|d| d.render("scenario.yaml")).collect::<String>()
        ),
    };
    let plan = TrafficPlan::new(&model, &scenario);
    replicated(n, seed, |rng| simulate_traffic(&model, &scenario, &plan, rng.clone()))
}

/// The §2.2 queue as a traffic scenario: λ = 8, μ = 10, T = 4 s, R = 3, the server stopped
/// for `stop` seconds at t = 100 (a capacity trigger), `extra` appended to the server's entry.
fn retry_scenario(stop: &str, extra: &str) -> String {
    format!(
        "version: 1
horizon: 1000s
components:
  server: {{ concurrency: 1, service: 100ms{extra} }}
functions:
  serve: {{ rate: 8, timeout: 4s, retry: {{ max: 3 }} }}
faults:
  - {{ at: 100s, for: {stop}, node: server, capacity: 0 }}
"
    )
}

#[test]
fn traffic_model_reproduces_the_retry_collapse_and_its_fixes() {
    let collapsed = |runs: &[TrafficRun]| {
        runs.iter().filter(|r| matches!(r.recovery, Recovery::NotRecovered)).count()
    };
    // Stopping the server for 20 s piles up ≈ 160 requests, far more than μT = 40: collapse.
    let runs = traffic(ONE_SERVER, &retry_scenario("20s", ""), 10, 50);
    assert!(collapsed(&runs) >= 9, "{} of 10 collapsed", collapsed(&runs));
    // In the collapsed state the server is saturated with work nobody waits for.
    let wasted: u64 = runs[0].components[0].wasted[800..].iter().sum();
    assert!(wasted > 1500, "wasted work {wasted}");
    // Dropping expired work recovers, and quickly.
    let runs = traffic(ONE_SERVER, &retry_scenario("20s", ", drop_expired: true"), 10, 51);
    assert_eq!(collapsed(&runs), 0);
    for run in &runs {
        let Recovery::Recovered { after } = run.recovery else { unreachable!() };
        assert!(after < 600.0, "recovered only after {after} s");
    }
    // So does a queue too short to outlast the timeout (K/μ < T).
    assert_eq!(collapsed(&traffic(ONE_SERVER, &retry_scenario("20s", ", queue: 20"), 10, 52)), 0);
    // A 2-second stop (≈ 16 requests, below μT) does not tip it.
    assert!(collapsed(&traffic(ONE_SERVER, &retry_scenario("2s", ""), 10, 53)) <= 1);
}

const CHAIN: &str = "version: 1
name: chain
components:
  front: { depends_on: [middle] }
  middle: { depends_on: [back] }
  back: { kind: datastore }
  east: {}
  west: {}
  api: { depends_on: [{ any: [east, west] }] }
functions:
  browse: { delivered_by: [front] }
  shop: { delivered_by: [api] }
";

fn chain_scenario(edges: &str, fault: &str) -> String {
    format!(
        "version: 1
horizon: 100s
components:
  front: {{ concurrency: 5, service: 1ms }}
functions:
  browse: {{ rate: 20, timeout: 5s{edges} }}
calls:
  - {{ from: front, to: middle, timeout: 1s{edges} }}
  - {{ from: middle, to: back, timeout: 1s{edges} }}
faults:
  - {{ at: 0s, for: 100s, {fault} }}
"
    )
}

/// Attempts that reached `back` per request offered to `browse`.
fn amplification(runs: &[TrafficRun], plan_slot: usize) -> f64 {
    let attempts: u64 =
        runs.iter().map(|r| r.components[plan_slot].arrivals.iter().sum::<u64>()).sum();
    let offered: u64 = runs.iter().map(|r| r.functions[0].offered.iter().sum::<u64>()).sum();
    attempts as f64 / offered as f64
}

#[test]
fn layered_retries_multiply_and_budgets_cap_them() {
    // Three layers of 3 attempts each on a hard-down dependency: 3³ = 27 attempts per request.
    let runs = traffic(CHAIN, &chain_scenario(", retry: { max: 2 }", "down: back"), 2, 60);
    assert_eq!(amplification(&runs, 2), 27.0);
    // A 10% retry budget per layer keeps each layer at about 1.1×.
    let budget = ", retry: { max: 2 }, budget: 0.1";
    let amplified = amplification(&traffic(CHAIN, &chain_scenario(budget, "down: back"), 2, 61), 2);
    assert!((1.0..1.36).contains(&amplified), "amplification {amplified}");
}

#[test]
fn a_circuit_breaker_keeps_a_caller_responsive_when_its_dependency_hangs() {
    // `back` swallows calls; `middle` waits the full second for each, so `front`'s five
    // servers manage 5 requests a second out of 20 and its queue grows...
    let queue_at_end = |runs: &[TrafficRun]| runs[0].components[0].queue[98];
    let hanging = traffic(CHAIN, &chain_scenario("", "down: back, hang: true"), 1, 62);
    assert!(queue_at_end(&hanging) > 500, "queue {}", queue_at_end(&hanging));
    // ...unless a breaker on `middle → back` fails calls fast while it is open.
    let breaker = chain_scenario("", "down: back, hang: true").replace(
        "to: back, timeout: 1s",
        "to: back, timeout: 1s, breaker: { failures: 5, open: 10s }",
    );
    let guarded = traffic(CHAIN, &breaker, 1, 62);
    assert!(queue_at_end(&guarded) < 50, "queue {}", queue_at_end(&guarded));
    // Once `back` answers again, the breaker's trial call succeeds and it closes.
    let healed = breaker.replace("at: 0s, for: 100s", "at: 0s, for: 50s");
    for run in traffic(CHAIN, &healed, 3, 64) {
        let Recovery::Recovered { after } = run.recovery else { panic!("{:?}", run.recovery) };
        assert!(after <= 15.0, "recovered {after} s after the fault");
    }
}

#[test]
fn failover_to_the_next_member_of_an_any_of_group() {
    let scenario = |fault: &str| {
        format!(
            "version: 1
horizon: 60s
components:
  east: {{ concurrency: 50, service: 10ms }}
  west: {{ concurrency: 50, service: 10ms }}
functions:
  shop: {{ rate: 50, timeout: 5s }}
calls:
  - {{ from: api, to: east, timeout: 500ms }}
faults:
  - {{ at: 0s, for: 60s, down: east{fault} }}
"
        )
    };
    for (fault, min_latency) in [("", 0.0), (", hang: true", 0.5)] {
        let runs = traffic(CHAIN, &scenario(fault), 2, 63);
        // The group reaches both members; the caller itself is the third component.
        assert_eq!(runs[0].components.len(), 3, "east, west, api");
        let shop = &runs[0].functions[1];
        let (offered, goodput): (u64, u64) = (shop.offered.iter().sum(), shop.goodput.iter().sum());
        assert!(goodput as f64 >= 0.99 * offered as f64, "{goodput} of {offered}");
        assert_eq!(shop.failed.iter().sum::<u64>(), 0);
        // A hanging member costs the caller its timeout before it fails over.
        assert!(shop.latency_p50[30] >= min_latency, "p50 {}", shop.latency_p50[30]);
    }
}

#[test]
fn failover_order_comes_from_the_scenario() {
    // With `order: [west, east]` west is tried first: east, though down, never sees a call.
    let scenario = "version: 1
horizon: 30s
functions:
  shop: { rate: 20 }
calls:
  - { from: api, to: east, order: [west, east] }
faults:
  - { at: 0s, for: 30s, down: east }
";
    let runs = traffic(CHAIN, scenario, 1, 65);
    let (east, west) = (&runs[0].components[0], &runs[0].components[1]);
    assert_eq!(east.arrivals.iter().sum::<u64>(), 0);
    assert!(west.completed.iter().sum::<u64>() > 400);
    insta::assert_snapshot!(scenario_errors("version: 1
horizon: 30s
calls:
  - { from: api, to: east, order: [west, north] }
  - { from: front, to: middle, order: [middle, middle] }
"), @r"
    scenario.yaml:4:42: error: `north` is not a member of this group, or is listed twice
      help: list every member of the group once: east, west
    scenario.yaml:5:48: error: `middle` is not a member of this group, or is listed twice
      help: list every member of the group once: middle
    ");
}

#[test]
fn traffic_runs_are_deterministic() {
    let scenario = retry_scenario("20s", "");
    assert_eq!(traffic(ONE_SERVER, &scenario, 3, 70), traffic(ONE_SERVER, &scenario, 3, 70));
}

/// The located problems of a scenario for the `CHAIN` model, one per line.
fn scenario_errors(scenario: &str) -> String {
    let model = blastradius_model::load("model.yaml", CHAIN.as_bytes()).expect("valid model");
    match load_scenario("scenario.yaml", scenario.as_bytes(), &model) {
        Ok(_) => "ok".to_owned(),
        Err(error) => error.diagnostics.iter().map(|d| d.render("scenario.yaml") + "\n").collect(),
    }
}

#[test]
fn scenario_problems_are_located() {
    insta::assert_snapshot!(scenario_errors(
        "version: 1
horizon: 10 minutes
components:
  frontt: { concurrency: 0 }
  back: { service: fast, colour: blue }
calls:
  - { from: front, to: back }
functions:
  checkout: { rate: 5 }
faults:
  - { at: 5s, for: 1m, down: aws }
  - { at: 5s, node: back, capacity: 2 }
"
    ));
}

/// Mean annual downtime of each function over `years` simulated years, with its standard
/// error, next to the exact engine's expectation, in minutes.
fn montecarlo(
    model: &str,
    years: u64,
    seed: u64,
    options: MonteCarloOptions,
) -> Vec<(Summary, f64)> {
    let model = load_model(model);
    let plan = MonteCarloPlan::new(&model, &options);
    let runs = replicated(years, seed, |rng| simulate_year(&model, &plan, rng.clone()));
    let exact = blastradius_analysis::availability(&model).expect("small model");
    (0..model.functions().len())
        .map(|f| {
            let minutes: Vec<f64> = runs.iter().map(|r| r.downtime_minutes[f]).collect();
            (summarize(&minutes), exact.functions[f].unavailability * 525_600.0)
        })
        .collect()
}

/// Three zones (MTTF 1000 h, MTTR 2 h), a region-wide event (MTTF 8760 h, MTTR 4 h), a
/// service up while the region and at least two zones are: the research notes' §4.4 CTMC,
/// U = 4.68339e-4 (the model's product form gives 4.68344e-4).
const AZ_REGION: &str = "version: 1
name: az-region
providers:
  cloud:
    regions:
      r1:
        zones: [a, b, c]
        availability: { mtbf: 8760h, mttr: 4h }
availability:
  cloud/r1/a: { mtbf: 1000h, mttr: 2h }
  cloud/r1/b: { mtbf: 1000h, mttr: 2h }
  cloud/r1/c: { mtbf: 1000h, mttr: 2h }
components:
  service:
    depends_on: [{ atleast: 2, of: [cloud/r1/a, cloud/r1/b, cloud/r1/c] }]
functions:
  serve: { delivered_by: [service] }
";

/// One-of-two with independent repair, λ = 1e-3/h, μ = 0.1/h: U = (λ/(λ+μ))² = 9.80296e-5.
const PARALLEL: &str = "version: 1
name: parallel
components:
  a: { availability: { mtbf: 1000h, mttr: 10h } }
  b: { availability: { mtbf: 1000h, mttr: 10h } }
  pair: { depends_on: [{ any: [a, b] }] }
functions:
  serve: { delivered_by: [pair] }
";

fn assert_within(what: &str, summary: Summary, expected: f64) {
    assert!(summary.standard_error < 0.1 * expected, "{what}: too few years for a check");
    assert!(
        (summary.mean - expected).abs() <= 3.0 * summary.standard_error,
        "{what}: {} ± {} min/year, expected {expected}",
        summary.mean,
        3.0 * summary.standard_error
    );
}

#[test]
fn montecarlo_matches_the_exact_ctmc_values() {
    let options = MonteCarloOptions::default();
    let [(az, exact)] = montecarlo(AZ_REGION, 3000, 80, options)[..] else { unreachable!() };
    assert!((exact / 525_600.0 - 4.68344e-4).abs() < 1e-8, "exact engine {exact}");
    assert_within("AZ/region", az, 4.68339e-4 * 525_600.0);
    let [(pair, exact)] = montecarlo(PARALLEL, 3000, 81, options)[..] else { unreachable!() };
    assert!((exact / 525_600.0 - 9.80296e-5).abs() < 1e-9);
    assert_within("1-of-2", pair, 9.80296e-5 * 525_600.0);
}

#[test]
fn montecarlo_mean_depends_on_means_not_shapes() {
    // Long-run unavailability of alternating renewal processes depends only on the means.
    for (failure, repair) in
        [(Shape::Weibull(1.5), Shape::LogNormal(1.0)), (Shape::Exponential, Shape::Weibull(0.8))]
    {
        let options = MonteCarloOptions { failure, repair, ..MonteCarloOptions::default() };
        let [(az, exact)] = montecarlo(AZ_REGION, 3000, 82, options)[..] else { unreachable!() };
        assert_within(&format!("AZ/region {failure:?}/{repair:?}"), az, exact);
    }
}

#[test]
fn montecarlo_agrees_with_the_exact_engine_on_the_examples() {
    for (name, model) in [
        ("saas-multi-region", include_str!("../../../examples/saas-multi-region.yaml")),
        ("fintech-single-region", include_str!("../../../examples/fintech-single-region.yaml")),
    ] {
        let mut checked = 0;
        for (function, (summary, exact)) in
            montecarlo(model, 2000, 83, MonteCarloOptions::default()).into_iter().enumerate()
        {
            // Functions down for less than about ten minutes a year see too few outages in
            // 2000 years for a three-standard-error check to mean anything.
            if exact < 10.0 {
                continue;
            }
            checked += 1;
            assert!(
                (summary.mean - exact).abs() <= 3.5 * summary.standard_error,
                "{name} function {function}: {} ± {} vs exact {exact}",
                summary.mean,
                summary.standard_error
            );
        }
        assert!(checked >= 3, "{name}: only {checked} functions checked");
    }
}

#[test]
fn failover_surge_leaves_the_survivor_collapsed_only_with_retries() {
    // §2.7: two regions at 6 requests/s each; one fails for 300 s and its load moves to the
    // survivor (12/s, 120%). When the load returns to 6/s the survivor is still inside the
    // bistable band with R = 3 and stays collapsed; with R = 0 its backlog just drains.
    for (retries, expect_collapsed) in [(3, true), (0, false)] {
        let params = RetryParams {
            rate: vec![(0.0, 6.0), (100.0, 12.0), (400.0, 6.0)],
            max_retries: retries,
            horizon: 1200.0,
            ..retry_params(6.0, None)
        };
        let runs = replicated(20, 90 + u64::from(retries), |rng| simulate_retry(&params, rng));
        let collapsed =
            runs.iter().filter(|run| run.goodput[1000..1200].iter().sum::<u64>() < 200).count();
        if expect_collapsed {
            assert!(collapsed >= 18, "R = {retries}: {collapsed} of 20 collapsed");
        } else {
            assert_eq!(collapsed, 0, "R = {retries}");
        }
    }
}

/// The probabilistic edges of the metastable band (§2.2's 20-seed sweeps), asserted as trends
/// with margins, not exact counts.
#[test]
fn collapse_probability_rises_with_trigger_size_and_load() {
    let spiked = |level: f64, seed: u64| collapsed_count(&retry_params(8.0, Some(level)), seed);
    let (small, large) = (spiked(13.0, 100), spiked(17.0, 101));
    assert!(small <= 15 && large >= 16 && small < large, "13/s: {small}, 17/s: {large}");
    // Without a trigger, escape from the healthy state becomes likely as λ nears λ_c = 8.85.
    let (low, high) = (
        collapsed_count(&retry_params(8.0, None), 102),
        collapsed_count(&retry_params(9.0, None), 103),
    );
    assert!(low <= 4 && high >= 10, "λ = 8: {low}, λ = 9: {high}");
    // With a 10 s timeout the band reaches 9.44, so λ = 9 is safe again (§2.7).
    let long_timeout = RetryParams { timeout: 10.0, ..retry_params(9.0, None) };
    assert!(collapsed_count(&long_timeout, 104) <= 2);
}

#[test]
fn a_retry_budget_holds_one_layer_to_a_tenth_more_load() {
    // `front` is down for the whole run and clients would retry twice: without a budget they
    // send 3 attempts per request, with a 10% budget about 1.1 (plus the bucket's first 10).
    let scenario = |budget: &str| {
        format!(
            "version: 1
horizon: 200s
functions:
  browse: {{ rate: 20, timeout: 5s, retry: {{ max: 2 }}{budget} }}
faults:
  - {{ at: 0s, for: 200s, down: front }}
"
        )
    };
    assert_eq!(amplification(&traffic(CHAIN, &scenario(""), 1, 110), 0), 3.0);
    let budgeted = amplification(&traffic(CHAIN, &scenario(", budget: 0.1"), 2, 111), 0);
    assert!((1.09..1.11).contains(&budgeted), "amplification {budgeted}");
}

#[test]
fn diurnal_load_follows_its_cosine() {
    // Rate 20 · (1 + 0.5 cos(2π (t − 50) / 100)): 30/s at t = 50, 10/s at t = 0 and 100.
    let scenario = "version: 1
horizon: 1000s
bucket: 10s
functions:
  browse: { rate: 20, diurnal: { amplitude: 0.5, period: 100s, peak: 50s } }
";
    let runs = traffic(CHAIN, scenario, 4, 112);
    let offered = |phase_bucket: usize| -> f64 {
        let total: u64 = runs
            .iter()
            .flat_map(|r| r.functions[0].offered.iter().skip(phase_bucket).step_by(10))
            .sum();
        total as f64 / (4.0 * 10.0 * 10.0)
    };
    // Bucket 4 covers [40, 50) and bucket 0 covers [0, 10): mean rates of the cosine there.
    let rate = |from: f64| {
        let integral = |t: f64| {
            20.0 * t
                + 20.0 * 0.5 * 100.0 / std::f64::consts::TAU
                    * (std::f64::consts::TAU * (t - 50.0) / 100.0).sin()
        };
        (integral(from + 10.0) - integral(from)) / 10.0
    };
    for (bucket, from) in [(4, 40.0), (0, 0.0)] {
        let expected = rate(from);
        assert!(
            (offered(bucket) / expected - 1.0).abs() < 0.06,
            "bucket {bucket}: {} vs {expected}",
            offered(bucket)
        );
    }
}

/// A random scenario for `CHAIN`: capacities, policies, load and faults drawn from `rng`.
fn random_chain_scenario(rng: &mut Rng) -> String {
    let mut pick =
        |options: &[&str]| options[(rng.next_u64() % options.len() as u64) as usize].to_owned();
    let component = |pick: &mut dyn FnMut(&[&str]) -> String| {
        format!(
            "{{ concurrency: {}, service: {}, queue: {}, drop_expired: {} }}",
            pick(&["1", "2", "8"]),
            pick(&["1ms", "20ms", "{ constant: 50ms }", "{ lognormal: 30ms, sigma: 1 }"]),
            pick(&["0", "5", "1000"]),
            pick(&["true", "false"])
        )
    };
    let policy = |pick: &mut dyn FnMut(&[&str]) -> String| {
        format!(
            "timeout: {}, per_request: {}, retry: {{ max: {}, backoff: {} }}{}{}",
            pick(&["50ms", "500ms", "2s"]),
            pick(&["1", "2"]),
            pick(&["0", "1", "3"]),
            pick(&["immediate", "exponential"]),
            pick(&["", ", budget: 0.2"]),
            pick(&["", ", breaker: { failures: 3, open: 2s }"])
        )
    };
    let mut text = "version: 1\nhorizon: 60s\nbucket: 2s\ncomponents:\n".to_owned();
    for node in ["front", "middle", "back", "east", "west"] {
        text += &format!("  {node}: {}\n", component(&mut pick));
    }
    text += &format!(
        "calls:\n  - {{ from: front, to: middle, {} }}\n  - {{ from: middle, to: back, {} }}\n  - {{ from: api, to: west, {} }}\n",
        policy(&mut pick),
        policy(&mut pick),
        policy(&mut pick)
    );
    text += &format!(
        "functions:\n  browse: {{ rate: {}, {} }}\n  shop: {{ rate: {}, {} }}\n",
        pick(&["5", "50", "200"]),
        client_policy(policy(&mut pick)),
        pick(&["0", "10", "100"]),
        client_policy(policy(&mut pick))
    );
    text += "faults:\n";
    for _ in 0..(rng_count(&mut pick)) {
        text += &format!(
            "  - {{ at: {}, for: {}, {} }}\n",
            pick(&["0s", "10s", "30s"]),
            pick(&["1s", "10s", "100s"]),
            pick(&[
                "down: back",
                "down: east, hang: true",
                "node: middle, capacity: 0",
                "node: front, capacity: 0.5",
                "node: west, latency: 300ms",
            ])
        );
    }
    text
}

/// A call policy without `per_request`, which clients do not take.
fn client_policy(policy: String) -> String {
    policy.replace(", per_request: 1", "").replace(", per_request: 2", "")
}

fn rng_count(pick: &mut dyn FnMut(&[&str]) -> String) -> usize {
    pick(&["0", "1", "2", "3"]).parse().expect("a digit")
}

#[test]
fn random_scenarios_keep_their_books() {
    let mut rng = Rng::new(2026);
    for case in 0..40 {
        let scenario = random_chain_scenario(&mut rng);
        let runs = traffic(CHAIN, &scenario, 2, case);
        assert_eq!(runs, traffic(CHAIN, &scenario, 2, case), "case {case}: not deterministic");
        for run in &runs {
            for (index, function) in run.functions.iter().enumerate() {
                let total = |v: &[u64]| v.iter().sum::<u64>();
                let ended = total(&function.goodput) + total(&function.failed);
                assert!(
                    ended <= total(&function.offered),
                    "case {case} function {index}:\n{scenario}"
                );
            }
            for (index, component) in run.components.iter().enumerate() {
                let total = |v: &[u64]| v.iter().sum::<u64>();
                let ended = total(&component.completed)
                    + total(&component.errors)
                    + total(&component.wasted);
                assert!(
                    ended <= total(&component.arrivals),
                    "case {case} component {index}:\n{scenario}"
                );
                assert!(total(&component.retries) <= total(&component.arrivals));
            }
        }
    }
}

#[test]
fn totals_of_shards_add_up_to_the_whole() {
    let runs = traffic(ONE_SERVER, &retry_scenario("20s", ", drop_expired: true"), 7, 120);
    let mut whole = TrafficTotals::default();
    runs.iter().for_each(|run| whole.add(run));
    let (mut first, mut second) = (TrafficTotals::default(), TrafficTotals::default());
    runs[..3].iter().for_each(|run| first.add(run));
    runs[3..].iter().for_each(|run| second.add(run));
    second.merge(&first);
    assert_eq!(summarize_traffic(&second), summarize_traffic(&whole));
    assert_eq!(summarize_traffic(&whole).recovered, 7);
}

#[test]
fn quorum_calls_go_to_every_member_at_once() {
    let model = "version: 1
name: quorum
components:
  r1: {}
  r2: {}
  r3: {}
  db: { depends_on: [{ atleast: 2, of: [r1, r2, r3] }] }
functions:
  read: { delivered_by: [db] }
";
    let scenario = |faults: &str| {
        format!(
            "version: 1
horizon: 60s
components:
  r1: {{ concurrency: 100, service: 5ms }}
  r2: {{ concurrency: 100, service: 5ms }}
  r3: {{ concurrency: 100, service: 5ms }}
functions:
  read: {{ rate: 50 }}
faults:
{faults}"
        )
    };
    let totals = |runs: &[TrafficRun]| {
        let f = &runs[0].functions[0];
        (f.offered.iter().sum::<u64>(), f.goodput.iter().sum::<u64>(), f.failed.iter().sum::<u64>())
    };
    // One replica down: two of three still answer.
    let (offered, goodput, _) =
        totals(&traffic(model, &scenario("  - { at: 0s, for: 60s, down: r1 }\n"), 1, 130));
    assert!(goodput + 5 >= offered, "{goodput} of {offered}");
    // Two down: no quorum.
    let two = "  - { at: 0s, for: 60s, down: r1 }\n  - { at: 0s, for: 60s, down: r2 }\n";
    let (_, goodput, failed) = totals(&traffic(model, &scenario(two), 1, 131));
    assert_eq!(goodput, 0);
    assert!(failed > 2500);
    // The first replica slow: the other two answer first, so the quorum does not wait for it.
    let slow = "  - { at: 0s, for: 60s, node: r1, latency: 200ms }\n";
    let runs = traffic(model, &scenario(slow), 1, 132);
    assert!(
        runs[0].functions[0].latency_p99[30] < 0.05,
        "p99 {}",
        runs[0].functions[0].latency_p99[30]
    );
    // Every member is called for every request.
    let arrivals: Vec<u64> =
        runs[0].components.iter().take(3).map(|c| c.arrivals.iter().sum()).collect();
    assert!(arrivals.iter().all(|&a| a == arrivals[0]), "{arrivals:?}");
}
