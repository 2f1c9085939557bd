//! Analyses over a validated resilience model, returned as plain structs for `report`, `cli` and
//! `server` to present: what-if blast radius, exact risk (minimal cut sets, unavailability
//! and importance) through the fault tree the model lowers to, and fault-tree analysis of
//! Open-PSA MEF models.

mod advise;
mod check;
mod concentration;
mod fta;
mod lower;
mod register;
mod replay;
mod risk;
mod sweep;
mod what_if;

#[cfg(test)]
mod tests;

pub use advise::{
    Advice, AdviseOptions, Change, ChangeKind, Effect, Evaluation, Goal, Plan, PlanMethod, advise,
    candidates, evaluate,
};
pub use blastradius_engine::{EngineError, MefError};
pub use check::{CheckCase, CheckReport, RuleOutcome, Violation, check};
pub use concentration::{
    Concentration, FunctionConcentration, Shares, TargetConcentration, concentration,
    concentration_of, critical_scope, target_name,
};
pub use fta::{FtaError, FtaOptions, TopEventResult, fault_tree_analysis};
pub use lower::{FaultTree, Lowering, own_failure_probability};
pub use register::{Missing, Register, Table, register};
pub use replay::{
    ExercisedSpof, Interval, Replay, ReplayEvent, ReplayStep, exercised_spofs, minutes_in, replay,
};
pub use risk::{
    AvailabilityReport, EventImportance, FunctionAvailability, FunctionImportance, availability,
    cut_sets, importance,
};
pub use sweep::{PairCounts, Scenario, Stake, Sweep, SweepOptions, sweep, sweep_targets};
pub use what_if::{
    Cause, FunctionImpact, OwnStates, Status, WhatIf, WhatIfIndex, what_if, what_if_with,
};
