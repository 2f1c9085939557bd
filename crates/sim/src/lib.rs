//! Deterministic discrete-event simulation over blastradius models: request traffic through the
//! service graph with capacities, queues, timeouts, retries, circuit breakers, load shedding and
//! failover under a timeline of faults (retry storms and metastable failures), and Monte-Carlo
//! availability with failures and repairs over time. The same seed gives the same bits on every
//! platform; replications run in parallel and come back in order.

mod event_queue;
mod montecarlo;
mod replicate;
mod retry;
mod rng;
mod scenario;
mod station;
mod stats;
mod traffic;
mod yaml;

#[cfg(test)]
mod tests;

pub use event_queue::{EventQueue, SimTime};
pub use montecarlo::{
    HOURS_PER_YEAR, MonteCarloOptions, MonteCarloPlan, Shape, WARM_UP_CYCLES, YearRun,
    simulate_year,
};
pub use replicate::replicate;
pub use retry::{RetryParams, RetryRun, simulate_retry};
pub use rng::{Distribution, Rng, replication_seed};
pub use scenario::{
    Backoff, CallPolicy, Capacity, Diurnal, Effect, Fault, Jitter, Load, Scenario, empty_scenario,
    load_scenario,
};
pub use station::{StationParams, StationStats, simulate_station};
pub use stats::{Summary, percentile, summarize};
pub use traffic::{
    ComponentSeries, ComponentTotals, FunctionSeries, FunctionTotals, MeanComponentSeries,
    MeanFunctionSeries, Recovery, TrafficPlan, TrafficRun, TrafficSummary, TrafficTotals,
    simulate_traffic, summarize_traffic,
};
