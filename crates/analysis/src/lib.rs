//! Analyses over a validated resilience model, returned as plain structs for `report`, `cli` and
//! `server` to present. For now: what-if blast radius.

mod what_if;

#[cfg(test)]
mod tests;

pub use what_if::{Cause, FunctionImpact, Status, WhatIf, WhatIfIndex, what_if};
