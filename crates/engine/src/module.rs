//! Modular decomposition: a module is a gate whose descendants are reached from nowhere else,
//! so its probability is independent of the rest of the formula. Each module is solved as its
//! own small formula in which nested modules stand as single "proxy" variables; the parent never
//! copies a module's diagram under each of its paths, which is where large fault trees spend
//! their nodes.
//!
//! Modules are found with the linear-time visit-date algorithm of Dutuit and Rauzy (1996): a
//! depth-first walk dates each node's first visit, the end of its first visit, and its last
//! visit; a gate is a module when every descendant is first visited after the gate is entered
//! and last visited before it is left. The same dates tell which operands of a gate nothing
//! else reaches, which the rewrites gather into new modules.

use std::collections::HashMap;

use crate::compile::{heuristic_orders, levels, variable_order};
use crate::formula::{Formula, FormulaBuilder, Gate, GateId, Operand, Probability, VarId};
use crate::redundancy::remove_redundant_occurrences;
use crate::rewrite::{
    coalesce, group_modular_operands, merge_common_operands, merge_equal_gates, rebuild,
};
use crate::{Bdd, BddOptions, CutSetOptions, EngineError, VariableOrder};

/// What stands in a module's formula for an operand of the original formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The original variable.
    Var(VarId),
    /// The nested module rooted at this gate (a proxy variable).
    Module(GateId),
}

/// One module as a formula of its own.
#[derive(Debug)]
pub(crate) struct Module {
    /// The module's root gate in the original formula; `None` for a formula taken whole.
    pub(crate) root: Option<GateId>,
    /// Its formula; proxy variables carry probability 0 until [`Decomposition`]'s user sets
    /// them from the nested modules' results (see [`Module::with_probabilities`]).
    pub(crate) formula: Formula,
    /// What each variable of `formula` stands for, indexed by [`VarId::index`].
    pub(crate) origins: Vec<Origin>,
}

impl Module {
    /// The module's formula with each proxy's probability taken from `module_probability`
    /// (indexed by the nested module's root gate).
    pub(crate) fn with_probabilities(&self, module_probability: &[f64]) -> Formula {
        let mut formula = self.formula.clone();
        formula.set_probabilities(|var, p| match self.origins[var.index()] {
            Origin::Var(_) => p,
            Origin::Module(gate) => {
                Probability::new(module_probability[gate.index()].clamp(0.0, 1.0)).unwrap_or(p)
            } // (A NaN probability cannot arise: module probabilities come from BDDs.)
        });
        formula
    }
}

/// The modules of a formula reachable from its top, children before parents; the last is the
/// top's.
#[derive(Debug)]
pub(crate) struct Decomposition {
    pub(crate) modules: Vec<Module>,
}

impl Decomposition {
    /// Finds the modules of `formula` and builds one formula per module. Linear in the size of
    /// the formula. A formula whose top is not a gate is one module.
    pub(crate) fn new(formula: &Formula) -> Decomposition {
        let Operand::Gate(top) = formula.top() else {
            return Decomposition::whole(formula);
        };
        let gates = formula.gates();
        // A NOT gate is not taken as a module: it holds when nothing fails (see
        // `ModularBdd::build`), so its parent could not take its place by its cut sets.
        let mut is_module = VisitDates::new(formula, top).is_module;
        for (index, gate) in gates.iter().enumerate() {
            is_module[index] &= index == top.index() || !matches!(gate, Gate::Not(_));
        }
        // The innermost module owning each gate: a gate belongs to the module of any parent
        // (all its parents lie inside that module, or it would not be one), so a walk down
        // from each module root, stopping at nested modules, labels every gate once.
        const NONE: u32 = u32::MAX;
        let mut owner = vec![NONE; gates.len()];
        for root in (0..=top.index()).filter(|&g| is_module[g]) {
            owner[root] = root as u32;
        }
        for root in (0..=top.index()).filter(|&g| is_module[g]) {
            let mut stack = vec![root];
            while let Some(gate) = stack.pop() {
                for &operand in gates[gate].operands() {
                    if let Operand::Gate(child) = operand {
                        let child = child.index();
                        if !is_module[child] && owner[child] == NONE {
                            owner[child] = root as u32;
                            stack.push(child);
                        }
                    }
                }
            }
        }
        // Module formulas, children first: gate ids are a topological order.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); gates.len()];
        for (gate, &root) in owner.iter().enumerate() {
            if root != NONE && gate != root as usize {
                members[root as usize].push(gate);
            }
        }
        let modules = (0..=top.index())
            .filter(|&root| is_module[root])
            .map(|root| module_formula(formula, &is_module, root, &members[root]))
            .collect();
        Decomposition { modules }
    }

    /// The formula as a single module.
    pub(crate) fn whole(formula: &Formula) -> Decomposition {
        let origins = (0..formula.n_vars()).map(|v| Origin::Var(VarId(v as u32))).collect();
        Decomposition { modules: vec![Module { root: None, formula: formula.clone(), origins }] }
    }
}

/// Builds the formula of the module rooted at `root`, whose other gates are `members`
/// (ascending ids).
fn module_formula(formula: &Formula, is_module: &[bool], root: usize, members: &[usize]) -> Module {
    let gates = formula.gates();
    let mut builder = FormulaBuilder::new();
    let mut origins = Vec::new();
    let mut vars: HashMap<u32, VarId> = HashMap::new();
    let mut proxies: HashMap<u32, VarId> = HashMap::new();
    let mut built: HashMap<u32, Operand> = HashMap::new();
    let mut translate = |operand: Operand,
                         builder: &mut FormulaBuilder,
                         built: &HashMap<u32, Operand>|
     -> Operand {
        match operand {
            Operand::Const(_) => operand,
            Operand::Var(var) => Operand::Var(*vars.entry(var.0).or_insert_with(|| {
                origins.push(Origin::Var(var));
                builder.variable(formula.probability(var))
            })),
            Operand::Gate(gate) if is_module[gate.index()] => {
                Operand::Var(*proxies.entry(gate.index() as u32).or_insert_with(|| {
                    origins.push(Origin::Module(gate));
                    builder.variable(Probability::ZERO)
                }))
            }
            Operand::Gate(gate) => built[&(gate.index() as u32)],
        }
    };
    let mut operands = Vec::new();
    for &gate in members.iter().chain(std::iter::once(&root)) {
        operands.clear();
        for &operand in gates[gate].operands() {
            operands.push(translate(operand, &mut builder, &built));
        }
        let result = rebuild(&mut builder, &gates[gate], &operands);
        built.insert(gate as u32, result);
    }
    let top = built[&(root as u32)];
    Module { root: Some(GateId::from_index(root)), formula: builder.build(top), origins }
}

/// How many rounds of coalescing and merging [`simplified`] runs: on the Aralia trees the
/// third changes little (edf9204: two rounds 0.57 s, three 0.53 s, five 0.55 s) and the first
/// matters most.
const ROUNDS: usize = 3;

/// `formula` rewritten to decompose into more, smaller modules (see [`crate::rewrite`] and
/// [`crate::redundancy`]): equal gates merged, same-kind gates read once coalesced, redundant
/// occurrences of shared nodes removed; then, for [`ROUNDS`] rounds, coalescing again and
/// operands shared by the same gates gathered into gates of their own; finally each gate's
/// private operands grouped. Every step is an equivalence over the same variables (any
/// formula); [`ModularBdd`] applies them to coherent formulas only, as measured there.
pub(crate) fn simplified(formula: &Formula) -> Formula {
    let rewritten = coalesce(&merge_equal_gates(formula));
    let mut rewritten = merge_equal_gates(&remove_redundant_occurrences(&rewritten));
    for _ in 0..ROUNDS {
        rewritten = merge_equal_gates(&merge_common_operands(&coalesce(&rewritten)));
    }
    let rewritten = coalesce(&rewritten);
    match rewritten.top() {
        Operand::Gate(top) => group_modular_operands(&rewritten, &VisitDates::new(&rewritten, top)),
        _ => rewritten,
    }
}

/// The visit dates of Dutuit and Rauzy's module detection: one depth-first walk from the top
/// dates each node's first and last visit and each gate's exit; a bottom-up pass gives each
/// gate the earliest first visit and the latest last visit among its descendants.
pub(crate) struct VisitDates {
    /// The first visit of each gate, then of each variable (0: never visited).
    first: Vec<u32>,
    /// The last visit of each gate, then of each variable.
    last: Vec<u32>,
    /// When the walk left each gate.
    exit: Vec<u32>,
    /// The earliest first visit among each gate's descendants.
    low: Vec<u32>,
    /// The latest last visit among each gate's descendants.
    high: Vec<u32>,
    /// Whether each gate is a module: all its descendants are visited only while it is open.
    pub(crate) is_module: Vec<bool>,
    /// When the walk took each edge from a visited gate to its operands, gate by gate (the
    /// gate's operand list order), starting at `edge_start[gate]`.
    edges: Vec<u32>,
    edge_start: Vec<u32>,
}

impl VisitDates {
    /// Dates the nodes `top` reaches. Linear in the size of the formula.
    pub(crate) fn new(formula: &Formula, top: GateId) -> VisitDates {
        let gates = formula.gates();
        let n_vars = formula.n_vars();
        const UNSEEN: u32 = 0;
        let mut first = vec![UNSEEN; gates.len() + n_vars];
        let mut exit = vec![UNSEEN; gates.len()];
        let mut last = vec![UNSEEN; gates.len() + n_vars];
        let slot = |operand: Operand| slot(gates.len(), operand);
        let mut time = 0_u32;
        time += 1;
        first[top.index()] = time;
        last[top.index()] = time;
        // Each gate's edges in a slice of its own, in operand order.
        let mut edge_start = Vec::with_capacity(gates.len());
        let mut n_edges = 0_usize;
        for gate in gates {
            edge_start.push(u32::try_from(n_edges).expect("fewer than 2^32 operands"));
            n_edges += gate.operands().len();
        }
        let mut edges = vec![0_u32; n_edges];
        let mut stack = vec![(top.index(), 0_usize)];
        while let Some(frame) = stack.last_mut() {
            let (gate, next) = *frame;
            let Some(&operand) = gates[gate].operands().get(next) else {
                time += 1;
                exit[gate] = time;
                last[gate] = last[gate].max(time);
                stack.pop();
                continue;
            };
            frame.1 += 1;
            let edge = edge_start[gate] as usize + next;
            let Some(node) = slot(operand) else {
                edges[edge] = time;
                continue;
            };
            time += 1;
            edges[edge] = time;
            last[node] = time;
            if first[node] == UNSEEN {
                first[node] = time;
                if let Operand::Gate(child) = operand {
                    stack.push((child.index(), 0));
                }
            }
        }
        // Children first (ids are topological).
        let mut low = vec![u32::MAX; gates.len()];
        let mut high = vec![0_u32; gates.len()];
        let mut is_module = vec![false; gates.len()];
        for index in 0..=top.index() {
            if first[index] == UNSEEN {
                continue;
            }
            let (mut lo, mut hi) = (u32::MAX, 0_u32);
            for &operand in gates[index].operands() {
                let Some(node) = slot(operand) else { continue };
                lo = lo.min(first[node]);
                hi = hi.max(last[node]);
                if let Operand::Gate(child) = operand {
                    lo = lo.min(low[child.index()]);
                    hi = hi.max(high[child.index()]);
                }
            }
            low[index] = lo;
            high[index] = hi;
            is_module[index] = lo > first[index] && hi < exit[index];
        }
        is_module[top.index()] = true;
        VisitDates { first, last, exit, low, high, is_module, edges, edge_start }
    }

    /// When the walk took each edge from `gate` (a gate it visited) to its operands, in the
    /// gate's operand order: the subtree of operand `i` was walked from `edges[i]` up to the
    /// next edge (or the gate's exit).
    pub(crate) fn edges(&self, gate: GateId, n_operands: usize) -> &[u32] {
        let start = self.edge_start[gate.index()] as usize;
        &self.edges[start..start + n_operands]
    }

    /// The span of visits of `operand` and everything below it: its earliest first visit
    /// and latest last visit; `None` for a constant.
    pub(crate) fn span(&self, n_gates: usize, operand: Operand) -> Option<(u32, u32)> {
        let node = slot(n_gates, operand)?;
        let (mut lo, mut hi) = (self.first[node], self.last[node]);
        if let Operand::Gate(gate) = operand {
            lo = lo.min(self.low[gate.index()]);
            hi = hi.max(self.high[gate.index()]);
        }
        Some((lo, hi))
    }

    /// When the walk entered and left `gate`.
    pub(crate) fn window(&self, gate: GateId) -> (u32, u32) {
        (self.first[gate.index()], self.exit[gate.index()])
    }
}

/// Where an operand's dates are kept: gates first, variables after them.
pub(crate) fn slot(n_gates: usize, operand: Operand) -> Option<usize> {
    match operand {
        Operand::Gate(gate) => Some(gate.index()),
        Operand::Var(var) => Some(n_gates + var.index()),
        Operand::Const(_) => None,
    }
}

/// A formula solved module by module: each module's BDD over its own variables and one proxy
/// variable per nested module. Exact probability and cut-set counts (minimal solutions) for
/// any formula: substituting a module's minimal solutions for its proxy in its parent's is
/// exact whenever the module does not hold when nothing fails (a module's minimal solution X
/// has no proper subset that makes the module hold, so a parent's solution Y ∪ {proxy}
/// becomes the whole formula's minimal solutions Y ∪ X exactly when Y ∪ {proxy} is minimal).
/// A formula with a nested module that holds when nothing fails is solved whole; NOT gates are
/// never taken as modules for that reason.
#[derive(Debug)]
pub struct ModularBdd {
    /// The modules, children first, each with its BDD.
    modules: Vec<(Module, Bdd)>,
    /// The top event's probability.
    probability: f64,
}

impl ModularBdd {
    /// Finds the modules of `formula` and builds one BDD per module, children first, each
    /// proxy taking its module's probability. A coherent formula is first rewritten into an
    /// equivalent one with more, smaller modules (equal gates merged, coalescing, redundant
    /// occurrences removed, shared and private operands gathered into new gates, after SCRAM's
    /// preprocessor); the variables stay the same, so the probability and the cut-set counts
    /// are those of `formula`.
    /// `options` applies to each module's BDD.
    ///
    /// # Errors
    /// [`EngineError::NodeLimitExceeded`] when a module's BDD outgrows the budget.
    pub fn build(formula: &Formula, options: &BddOptions) -> Result<ModularBdd, EngineError> {
        let rewritten;
        let (formula, decomposition) = if formula.is_coherent() {
            rewritten = simplified(formula);
            (&rewritten, Decomposition::new(&rewritten))
        } else {
            // Rewriting non-coherent formulas too was measured: das9601 1.4× less work,
            // cea9601 1.8× more (its orders change), das9701 level.
            (formula, Decomposition::new(formula))
        };
        // Each module's variable order is the whole formula's (each candidate order of the
        // heuristic, or the one asked for) restricted to it, a proxy standing where its
        // module's first variable stands: so a module is ordered as it would be in place.
        let candidates = match &options.order {
            VariableOrder::Heuristic => heuristic_orders(formula),
            other => vec![variable_order(formula, other)?],
        };
        let positions: Vec<Vec<u32>> = candidates.iter().map(|order| levels(order)).collect();
        let mut first_position = vec![vec![u32::MAX; formula.n_gates()]; candidates.len()];
        let mut by_gate = vec![0.0; formula.n_gates()];
        let mut modules = Vec::with_capacity(decomposition.modules.len());
        let mut probability = 0.0;
        let n_modules = decomposition.modules.len();
        for (index, module) in decomposition.modules.into_iter().enumerate() {
            let mut orders: Vec<Vec<VarId>> = Vec::with_capacity(candidates.len());
            for (c, position) in positions.iter().enumerate() {
                let key = |origin: Origin| match origin {
                    Origin::Var(var) => position[var.index()],
                    Origin::Module(gate) => first_position[c][gate.index()],
                };
                let mut order: Vec<VarId> =
                    (0..module.origins.len()).map(|v| VarId(v as u32)).collect();
                order.sort_by_key(|var| (key(module.origins[var.index()]), var.0));
                if let Some(root) = module.root {
                    let first = order.first().map_or(u32::MAX, |v| key(module.origins[v.index()]));
                    first_position[c][root.index()] = first;
                }
                if !orders.contains(&order) {
                    orders.push(order);
                }
            }
            let module_formula = module.with_probabilities(&by_gate);
            let bdd = Bdd::build_portfolio(&module_formula, orders, options.node_limit)?;
            // A nested module that holds when nothing fails has the empty cut set, and putting
            // it for its proxy would leave the parent's sets non-minimal: solve such a formula
            // whole. (Otherwise the minimal solutions of a module's parent, its proxy counted
            // as a variable, with the proxy replaced by each of the module's, are exactly the
            // whole formula's, monotone or not.)
            if bdd.holds_when_nothing_fails() && index + 1 < n_modules {
                let whole = Decomposition::whole(formula).modules.pop().expect("one module");
                let bdd = Bdd::build(formula, options)?;
                let probability = bdd.probability();
                return Ok(ModularBdd { modules: vec![(whole, bdd)], probability });
            }
            probability = bdd.probability();
            if let Some(root) = module.root {
                by_gate[root.index()] = probability;
            }
            modules.push((module, bdd));
        }
        Ok(ModularBdd { modules, probability })
    }

    /// The exact probability of the top event. Constant time.
    pub fn probability(&self) -> f64 {
        self.probability
    }

    /// How many modules were solved separately (1 when the formula was solved whole).
    pub fn module_count(&self) -> usize {
        self.modules.len()
    }

    /// How many minimal cut sets of at most `options.max_order` variables the top event has,
    /// by order (entry k counts the sets of k variables), as [`crate::CutSets::count_by_order`] gives
    /// for the whole formula, without building the whole formula's diagram: each module's
    /// counts replace its proxy in its parent's count.
    ///
    /// # Errors
    /// [`EngineError::NodeLimitExceeded`] when a module's ZBDD outgrows `options.node_limit`.
    pub fn count_by_order(&self, options: &CutSetOptions) -> Result<Vec<u128>, EngineError> {
        let cap = options.max_order.map_or(usize::MAX, |k| k as usize);
        let mut counts: HashMap<usize, Vec<u128>> = HashMap::new();
        let mut last = Vec::new();
        for (module, bdd) in &self.modules {
            let sets = bdd.cut_sets(options)?;
            let family = |var: VarId| match module.origins[var.index()] {
                Origin::Var(_) => None,
                Origin::Module(gate) => counts.get(&gate.index()).map(Vec::as_slice),
            };
            last = sets.count_by_order_with(&family, cap);
            if let Some(root) = module.root {
                counts.insert(root.index(), last.clone());
            }
        }
        Ok(last)
    }
}
