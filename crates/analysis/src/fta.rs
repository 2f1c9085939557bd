//! Fault-tree analysis of Open-PSA MEF models: a thin layer over the engine that reads the
//! files of one model and solves each top event for its exact probability and the number of
//! its minimal cut sets, in total and by order, with an optional order limit and cut-off
//! probability.

use blastradius_engine::{
    Bdd, BddOptions, CutSetOptions, EngineError, ListOptions, MefError, ModularBdd, read_mef,
};

/// Which cut sets [`fault_tree_analysis`] counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FtaOptions {
    /// Count only cut sets of at most this many basic events; `None` counts all. Truncation
    /// happens while the sets are built, so a low limit also saves time.
    pub max_order: Option<u32>,
    /// Count only cut sets whose probability (the product of their basic events'
    /// probabilities) is at least this; 0 counts all. A positive cut-off lists the sets that
    /// pass it (subfamilies that cannot pass are skipped), so it costs time and memory in
    /// proportion to the number kept; without one the sets are counted from the diagram.
    pub cutoff: f64,
}

/// The results for one top event.
#[derive(Clone, Debug, PartialEq)]
pub struct TopEventResult {
    /// The top gate's name.
    pub name: String,
    /// The exact top-event probability (up to rounding), whatever the limits on cut sets.
    pub probability: f64,
    /// How many minimal cut sets pass the limits; saturates at `u128::MAX`.
    pub cut_set_count: u128,
    /// How many pass the limits with each order: entry k counts the sets of k basic events
    /// (entry 0 is 1 only when the top event happens with nothing failed); the last entry is
    /// non-zero, and the vector is empty when no set passes.
    pub count_by_order: Vec<u128>,
}

/// Why a model could not be analysed.
#[derive(Clone, Debug, PartialEq)]
pub enum FtaError {
    /// The files are not a valid MEF model; the error says where and why.
    Invalid(MefError),
    /// A decision diagram of one top event outgrew the engine's budget.
    TooLarge {
        /// The top event being solved.
        top_event: String,
        /// The engine's error.
        error: EngineError,
    },
}

impl std::fmt::Display for FtaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FtaError::Invalid(error) => write!(f, "{error}"),
            FtaError::TooLarge { top_event, error } => {
                write!(f, "top event {top_event}: {error}: too large to analyse exactly")
            }
        }
    }
}

impl std::error::Error for FtaError {}

/// Reads the MEF files of one model, given as (file name, XML text) pairs (the names only
/// locate errors), and solves every top event (a gate no other gate refers to), in the order
/// their gates are defined.
///
/// # Errors
/// [`FtaError::Invalid`] for anything the MEF reader rejects; [`FtaError::TooLarge`] when a
/// decision diagram outgrows the engine's budget.
pub fn fault_tree_analysis(
    files: &[(String, String)],
    options: &FtaOptions,
) -> Result<Vec<TopEventResult>, FtaError> {
    let model = read_mef(files).map_err(FtaError::Invalid)?;
    let mut results = Vec::with_capacity(model.top_events().len());
    for top in model.top_events() {
        let too_large = |error| FtaError::TooLarge { top_event: top.name.clone(), error };
        let cut_set_options =
            CutSetOptions { max_order: options.max_order, ..CutSetOptions::default() };
        let (probability, count_by_order) = if options.cutoff > 0.0 {
            // Listing needs the whole diagram.
            let bdd = Bdd::build(&top.formula, &BddOptions::default()).map_err(too_large)?;
            let sets = bdd.cut_sets(&cut_set_options).map_err(too_large)?;
            let mut by_order: Vec<u128> = Vec::new();
            let listed = sets.list(&ListOptions {
                max_order: options.max_order,
                min_probability: options.cutoff,
            });
            for set in &listed {
                if by_order.len() <= set.order() {
                    by_order.resize(set.order() + 1, 0);
                }
                by_order[set.order()] += 1;
            }
            (bdd.probability(), by_order)
        } else {
            // Counting does not: each module is solved on its own.
            let modular =
                ModularBdd::build(&top.formula, &BddOptions::default()).map_err(too_large)?;
            (modular.probability(), modular.count_by_order(&cut_set_options).map_err(too_large)?)
        };
        let cut_set_count = count_by_order.iter().fold(0_u128, |total, &n| total.saturating_add(n));
        results.push(TopEventResult {
            name: top.name.clone(),
            probability,
            cut_set_count,
            count_by_order,
        });
    }
    Ok(results)
}
