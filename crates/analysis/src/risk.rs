//! Exact risk of each business function, from the fault tree its model lowers to: the minimal
//! cut sets (which combinations of failures take it down), its unavailability and expected
//! downtime, and how much each node's own failure contributes.
//!
//! For cut sets every node is a basic event: the structure alone decides them. For
//! probabilities a node fails by itself with probability 1 − availability; a node without
//! availability data never fails by itself, and the results list it in `lacking_data` so the
//! reader knows the figures are optimistic.

use blastradius_engine::{Bdd, BddOptions, CutSetOptions, EngineError, ListOptions};
use blastradius_model::{Model, NodeId};

use crate::lower::{Lowering, own_failure_probability};

/// Minutes in a (365-day) year.
const MINUTES_PER_YEAR: f64 = 525_600.0;

/// The minimal cut sets of function `function` (an index into `Model::functions`): the minimal
/// sets of nodes whose own failure takes it down, each sorted by id, sorted by size and then
/// lexically by id. With `max_order`, only sets of at most that many nodes (truncated while the
/// sets are built, which is much cheaper than filtering).
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
///
/// # Panics
/// If there is no such function, or `lowering` was made for another model.
pub fn cut_sets(
    lowering: &Lowering,
    model: &Model,
    function: usize,
    max_order: Option<u32>,
) -> Result<Vec<Vec<NodeId>>, EngineError> {
    let tree = lowering.function(model, function);
    let bdd = Bdd::build(tree.formula(), &BddOptions::default())?;
    let sets = bdd.cut_sets(&CutSetOptions { max_order, ..CutSetOptions::default() })?;
    let mut listed: Vec<Vec<NodeId>> = sets
        .list(&ListOptions { max_order, min_probability: 0.0 })
        .iter()
        .map(|set| {
            let mut nodes: Vec<NodeId> = set.vars().iter().map(|&v| tree.node(v)).collect();
            nodes.sort_by(|&a, &b| model.id(a).cmp(model.id(b)));
            nodes
        })
        .collect();
    listed.sort_by(|a, b| {
        a.len()
            .cmp(&b.len())
            .then_with(|| a.iter().map(|&n| model.id(n)).cmp(b.iter().map(|&n| model.id(n))))
    });
    Ok(listed)
}

/// The exact availability of every function.
#[derive(Clone, Debug, PartialEq)]
pub struct AvailabilityReport {
    /// One entry per function, in model order.
    pub functions: Vec<FunctionAvailability>,
    /// The nodes some function depends on (its basic events) that have no availability data,
    /// sorted by id; they were treated as never failing by themselves.
    pub lacking_data: Vec<NodeId>,
}

/// One function's exact availability.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionAvailability {
    /// Index of the function in `Model::functions`.
    pub function: usize,
    /// The probability that the function is down, exact up to rounding.
    pub unavailability: f64,
    /// Expected minutes down per 365-day year: unavailability × 525,600.
    pub downtime_minutes_per_year: f64,
    /// The availability objective in percent, if the model gives one.
    pub slo_percent: Option<f64>,
    /// Whether 100 × (1 − unavailability) reaches the objective; `None` without one.
    pub meets_slo: Option<bool>,
    /// This function's basic events without availability data, sorted by id.
    pub lacking_data: Vec<NodeId>,
}

/// The exact unavailability, expected downtime and SLO verdict of every function.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
pub fn availability(model: &Model) -> Result<AvailabilityReport, EngineError> {
    let lowering = Lowering::new(model);
    let mut lacking_all = vec![false; model.n_nodes()];
    let mut functions = Vec::with_capacity(model.functions().len());
    for (index, function) in model.functions().iter().enumerate() {
        let tree = lowering.function_for_probability(model, index);
        let bdd = Bdd::build(tree.formula(), &BddOptions::default())?;
        let unavailability = bdd.probability();
        let mut lacking: Vec<NodeId> = tree
            .reached()
            .iter()
            .copied()
            .filter(|&n| own_failure_probability(model, n).is_none())
            .collect();
        sort_by_id(model, &mut lacking);
        for node in &lacking {
            lacking_all[node.index()] = true;
        }
        functions.push(FunctionAvailability {
            function: index,
            unavailability,
            downtime_minutes_per_year: unavailability * MINUTES_PER_YEAR,
            slo_percent: function.slo_percent,
            meets_slo: function.slo_percent.map(|slo| (1.0 - unavailability) * 100.0 >= slo),
            lacking_data: lacking,
        });
    }
    let mut lacking_data: Vec<NodeId> =
        model.node_ids().filter(|n| lacking_all[n.index()]).collect();
    sort_by_id(model, &mut lacking_data);
    Ok(AvailabilityReport { functions, lacking_data })
}

/// The importance of one node's own failure for one function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EventImportance {
    /// The node.
    pub node: NodeId,
    /// Its own failure probability (0 when it lacks availability data).
    pub probability: f64,
    /// Whether the model gives no availability data for it.
    pub lacks_data: bool,
    /// P(down | it failed) − P(down | it did not).
    pub birnbaum: f64,
    /// (P(down) − P(down | it did not fail)) / P(down): the share of the risk it is part of.
    /// NaN when P(down) is 0.
    pub fussell_vesely: f64,
    /// Risk achievement worth, P(down | it failed) / P(down); NaN or infinite when P(down) is 0.
    pub risk_achievement_worth: f64,
    /// Risk reduction worth, P(down) / P(down | it did not fail); NaN or infinite when the
    /// latter is 0.
    pub risk_reduction_worth: f64,
}

/// The importance measures of every basic event of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionImportance {
    /// Index of the function in `Model::functions`.
    pub function: usize,
    /// The probability that the function is down.
    pub unavailability: f64,
    /// One entry per basic event (node the function reaches), by Fussell-Vesely descending,
    /// then Birnbaum descending, then id.
    pub events: Vec<EventImportance>,
    /// Whether the nodes that never fail by themselves were left out of `events`: done only
    /// when the diagram with them outgrew the engine's budget and the one without did not.
    pub without_never_failing: bool,
}

/// Birnbaum, Fussell-Vesely, risk achievement and risk reduction worth of every node's own
/// failure for function `function`, computed exactly from its decision diagram.
///
/// # Errors
/// [`EngineError::NodeLimitExceeded`] when a decision diagram outgrows the engine's budget.
///
/// # Panics
/// If there is no such function, or `lowering` was made for another model.
pub fn importance(
    lowering: &Lowering,
    model: &Model,
    function: usize,
) -> Result<FunctionImportance, EngineError> {
    let mut tree = lowering.function(model, function);
    let mut without_never_failing = false;
    let bdd = match Bdd::build(tree.formula(), &BddOptions::default()) {
        Ok(bdd) => bdd,
        Err(EngineError::NodeLimitExceeded { .. }) => {
            tree = lowering.function_for_probability(model, function);
            without_never_failing = true;
            Bdd::build(tree.formula(), &BddOptions::default())?
        }
        Err(other) => return Err(other),
    };
    let unavailability = bdd.probability();
    let mut events: Vec<EventImportance> = bdd
        .importance()
        .iter()
        .map(|i| {
            let node = tree.node(i.var);
            let own = own_failure_probability(model, node);
            EventImportance {
                node,
                probability: own.unwrap_or(0.0),
                lacks_data: own.is_none(),
                birnbaum: i.birnbaum,
                fussell_vesely: i.fussell_vesely,
                risk_achievement_worth: i.risk_achievement_worth,
                risk_reduction_worth: i.risk_reduction_worth,
            }
        })
        .collect();
    events.sort_by(|a, b| {
        sort_key(b.fussell_vesely)
            .total_cmp(&sort_key(a.fussell_vesely))
            .then_with(|| sort_key(b.birnbaum).total_cmp(&sort_key(a.birnbaum)))
            .then_with(|| model.id(a.node).cmp(model.id(b.node)))
    });
    Ok(FunctionImportance { function, unavailability, events, without_never_failing })
}

/// A measure rounded to 12 significant digits, so that values equal but for rounding in the last
/// bits (which depend on the engine's variable order) tie and fall back to the id; NaN becomes −∞,
/// so that undefined measures sort after every defined one in a descending sort.
fn sort_key(value: f64) -> f64 {
    if value.is_nan() {
        return f64::NEG_INFINITY;
    }
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let scale = 10f64.powi(11 - value.abs().log10().floor() as i32);
    (value * scale).round() / scale
}

fn sort_by_id(model: &Model, nodes: &mut [NodeId]) {
    nodes.sort_by(|&a, &b| model.id(a).cmp(model.id(b)));
}
