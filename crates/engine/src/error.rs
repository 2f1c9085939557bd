//! The engine's one error type. Valid input never fails except by running past a budget; the
//! other variants name input the engine cannot accept.

use crate::formula::VarId;

/// Why the engine refused or stopped a computation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// A decision diagram needed more nodes than the budget allows. The budget counts every
    /// node created, including intermediate ones that the final diagram no longer uses.
    #[error("decision diagram needs more than {limit} nodes")]
    NodeLimitExceeded {
        /// The budget that was exceeded.
        limit: usize,
    },
    /// A probability was not a number between 0 and 1.
    #[error("probability {value} is not between 0 and 1")]
    InvalidProbability {
        /// The rejected value.
        value: f64,
    },
    /// A custom variable order names a variable more than once.
    #[error("variable order names variable {var} twice")]
    RepeatedInOrder {
        /// The repeated variable.
        var: VarId,
    },
    /// A custom variable order leaves out a variable of the formula.
    #[error("variable order leaves out variable {var}")]
    MissingFromOrder {
        /// The first variable left out.
        var: VarId,
    },
    /// A custom variable order names a variable the formula does not have.
    #[error("variable order names variable {var}, but the formula has only {n_vars} variables")]
    UnknownInOrder {
        /// The unknown variable.
        var: VarId,
        /// How many variables the formula has.
        n_vars: usize,
    },
}
