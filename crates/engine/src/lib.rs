//! The fault-tree engine of blastradius: Boolean formulas over variables, their reduced ordered
//! binary decision diagrams, exact top-event probabilities, importance measures and minimal cut
//! sets. It knows nothing of what the variables stand for; callers lower their own models into a
//! [`Formula`] and read plain numbers and variable sets back.
//!
//! The pipeline is [`FormulaBuilder`] → [`Formula`] → [`Bdd::build`] → [`Bdd::probability`],
//! [`Bdd::importance`] and [`Bdd::cut_sets`] → [`CutSets::count`], [`CutSets::list`].
//! [`ModularBdd`] solves each independent subtree (module) of a formula on its own, for the
//! probability and the cut-set counts of large fault trees.

mod bdd;
mod compile;
mod cut_set;
mod error;
mod formula;
mod importance;
pub mod mef;
mod module;
mod redundancy;
mod rewrite;
mod table;
mod zbdd;

#[cfg(test)]
mod tests;

pub use compile::{Bdd, BddOptions, DEFAULT_NODE_LIMIT, VariableOrder};
pub use cut_set::{CutSet, CutSetOptions, CutSets, ListOptions};
pub use error::{EngineError, Location, MefError, MefErrorKind};
pub use formula::{Formula, FormulaBuilder, Gate, GateId, Operand, Probability, VarId};
pub use importance::Importance;
pub use mef::{MefModel, TopEvent, read_mef, write_mef};
pub use module::ModularBdd;
