//! Monte-Carlo availability: every node with availability data alternates between up and down
//! over simulated years, with exponential or non-exponential failure and repair times, and each
//! business function's status follows from the model's semantics (`what_if`), so shared
//! dependencies (a region, a provider control plane) fail many things at once. The result is
//! the distribution of each function's annual downtime, whose mean the exact engine predicts.

use blastradius_analysis::{Status, WhatIfIndex, what_if};
use blastradius_model::{Availability, Model, NodeId};

use crate::event_queue::EventQueue;
use crate::rng::{Distribution, Rng};

/// Hours in a 365-day year, the unit of one replication.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// Mean cycles (failure and repair) each node runs alone before a year with non-exponential
/// times, so that the year starts from equilibrium.
pub const WARM_UP_CYCLES: f64 = 30.0;

/// The shape of failure or repair times; the mean always comes from the model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// Exponential (memoryless; the exact engine's assumption).
    Exponential,
    /// Log-normal with this standard deviation of the logarithm.
    LogNormal(f64),
    /// Weibull with this shape parameter (above 1: wear-out; below 1: infant mortality).
    Weibull(f64),
}

impl Shape {
    fn with_mean(self, mean: f64) -> Distribution {
        match self {
            Self::Exponential => Distribution::Exponential { mean },
            Self::LogNormal(sigma) => Distribution::lognormal_with_mean(mean, sigma),
            Self::Weibull(shape) => Distribution::weibull_with_mean(mean, shape),
        }
    }
}

/// How failures and repairs are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonteCarloOptions {
    /// Distribution shape of times to failure.
    pub failure: Shape,
    /// Distribution shape of repair times.
    pub repair: Shape,
    /// Mean repair time, in hours, given to nodes whose availability is a bare figure; their
    /// mean time to failure follows from it (availability / (1 − availability) × repair).
    pub default_mttr_hours: f64,
}

impl Default for MonteCarloOptions {
    fn default() -> Self {
        Self { failure: Shape::Exponential, repair: Shape::Exponential, default_mttr_hours: 1.0 }
    }
}

/// One node's alternating up/down process.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Process {
    node: NodeId,
    up: Distribution,
    down: Distribution,
    /// Long-run probability of being down: mean down / (mean up + mean down).
    unavailability: f64,
}

/// A model prepared for Monte-Carlo years: its failure processes and what-if index.
#[derive(Clone, Debug)]
pub struct MonteCarloPlan {
    processes: Vec<Process>,
    /// Whether a holding time may have memory, so a year must start from a warmed-up state.
    warm_up: bool,
    index: WhatIfIndex,
}

impl MonteCarloPlan {
    /// Prepares `model`: one process per node with availability data that can fail (an
    /// availability of 1 never does). Linear in the size of the model.
    pub fn new(model: &Model, options: &MonteCarloOptions) -> Self {
        let mut processes = Vec::new();
        for node in model.node_ids() {
            let (mtbf, mttr) = match model.availability(node) {
                None => continue,
                Some(Availability::Repairable { mtbf, mttr }) => (mtbf.hours(), mttr.hours()),
                Some(Availability::Fixed(a)) if a >= 1.0 => continue,
                Some(Availability::Fixed(a)) => {
                    let mttr = options.default_mttr_hours;
                    (mttr * a / (1.0 - a), mttr)
                }
            };
            if mttr <= 0.0 {
                continue;
            }
            processes.push(Process {
                node,
                up: options.failure.with_mean(mtbf),
                down: options.repair.with_mean(mttr),
                unavailability: mttr / (mtbf + mttr),
            });
        }
        let warm_up = options.failure != Shape::Exponential || options.repair != Shape::Exponential;
        Self { processes, warm_up, index: WhatIfIndex::new(model) }
    }

    /// Nodes that fail in the simulation, in model order.
    pub fn failing_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.processes.iter().map(|p| p.node)
    }
}

/// One simulated year.
#[derive(Clone, Debug, PartialEq)]
pub struct YearRun {
    /// Minutes each function was down, in model order.
    pub downtime_minutes: Vec<f64>,
    /// Node failures during the year.
    pub failures: u64,
}

/// Simulates one year of `model` with random stream `rng`. Each node starts in its long-run
/// state: with exponential times, down with probability mean repair / mean cycle and a fresh
/// holding time (exact, by memorylessness); otherwise its own process is first run alone for
/// [`WARM_UP_CYCLES`] mean cycles, so the year starts from the renewal process's equilibrium
/// (the residual time to failure of a wear-out part is shorter than a fresh one). Function
/// status is re-evaluated at every failure and repair, each time linear in the size of the
/// model.
pub fn simulate_year(model: &Model, plan: &MonteCarloPlan, mut rng: Rng) -> YearRun {
    let n_functions = model.functions().len();
    let mut run = YearRun { downtime_minutes: vec![0.0; n_functions], failures: 0 };
    let mut events = EventQueue::with_capacity(plan.processes.len() + 1);
    let mut down = vec![false; plan.processes.len()];
    for (index, process) in plan.processes.iter().enumerate() {
        let holding = if plan.warm_up {
            let cycle = process.up.mean() + process.down.mean();
            let mut time = -WARM_UP_CYCLES * cycle;
            loop {
                let next = time + rng.sample(if down[index] { process.down } else { process.up });
                if next > 0.0 {
                    break next;
                }
                time = next;
                down[index] = !down[index];
            }
        } else {
            down[index] = rng.uniform() <= process.unavailability;
            rng.sample(if down[index] { process.down } else { process.up })
        };
        events.push(holding, index as u64);
    }
    let mut function_down = functions_down(model, plan, &down);
    let mut last = 0.0;
    while let Some((now, index)) = events.pop() {
        let now = now.min(HOURS_PER_YEAR);
        for (minutes, &is_down) in run.downtime_minutes.iter_mut().zip(&function_down) {
            if is_down {
                *minutes += (now - last) * 60.0;
            }
        }
        last = now;
        if now >= HOURS_PER_YEAR {
            break;
        }
        let index = index as usize;
        let process = plan.processes[index];
        down[index] = !down[index];
        run.failures += u64::from(down[index]);
        let holding = rng.sample(if down[index] { process.down } else { process.up });
        events.push(now + holding, index as u64);
        function_down = functions_down(model, plan, &down);
    }
    run
}

fn functions_down(model: &Model, plan: &MonteCarloPlan, down: &[bool]) -> Vec<bool> {
    let failed: Vec<NodeId> =
        plan.processes.iter().zip(down).filter(|(_, d)| **d).map(|(p, _)| p.node).collect();
    if failed.is_empty() {
        return vec![false; model.functions().len()];
    }
    let result = what_if(model, &plan.index, &failed);
    result.functions().iter().map(|f| f.status == Status::Down).collect()
}
