//! Turns a [`Formula`] into a reduced ordered BDD under a static variable order, and keeps the
//! result as an immutable [`Bdd`] from which the exact top-event probability is read.

use crate::EngineError;
use crate::bdd::{self, Manager};
use crate::formula::{Formula, Gate, GateSort, Operand, Probability, VarId};
use crate::table::Node;

/// The node budget of [`BddOptions::default`]: about 16.8 million nodes, roughly 600 MiB.
pub const DEFAULT_NODE_LIMIT: usize = 1 << 24;

/// How [`Bdd::build`] works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BddOptions {
    /// The most nodes the construction may create, counting intermediate results (nodes are
    /// not garbage-collected during construction). Going past it is
    /// [`EngineError::NodeLimitExceeded`].
    pub node_limit: usize,
    /// The variable order.
    pub order: VariableOrder,
}

impl Default for BddOptions {
    /// [`DEFAULT_NODE_LIMIT`] and the heuristic order.
    fn default() -> Self {
        BddOptions { node_limit: DEFAULT_NODE_LIMIT, order: VariableOrder::Heuristic }
    }
}

/// The static variable order of a BDD: the first variable is tested at the root.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum VariableOrder {
    /// A portfolio of static orders: "gates first" walks (a gate's subgates before its own
    /// variables; subgates smallest first, or largest first) and the depth-first order,
    /// tried in turn under a node budget that grows eightfold each round until one fits. From
    /// the third round on, the candidates that built the most gates in the previous round go
    /// first. The first that fits is used, so the time is within a small factor of the best
    /// candidate's.
    /// Deterministic: the same formula always gets the same order.
    #[default]
    Heuristic,
    /// [`Formula::depth_first_order`]: variables as a depth-first walk from the top meets them.
    DepthFirst,
    /// The given order, which must name every variable of the formula exactly once.
    Custom(Vec<VarId>),
}

/// The reduced ordered BDD of a formula, frozen: only the nodes the top reaches, children
/// stored before parents. Probability, importance and cut sets are computed from it.
#[derive(Clone, Debug)]
pub struct Bdd {
    /// The terminals false and true at 0 and 1, then the other nodes by decreasing level.
    nodes: Vec<Node>,
    root: u32,
    /// The variable at each level.
    order: Vec<VarId>,
    /// The probability of the variable at each level.
    p_by_level: Vec<f64>,
}

impl Bdd {
    /// Builds the BDD of `formula`. Its size, and the time taken, depend on the order and can be
    /// exponential in the number of variables. The node budget bounds the memory (nodes, unique
    /// table; the operation cache is capped at 64 MiB); time has no separate budget yet.
    /// Nested AND gates used only by an AND (likewise OR) are merged into their parent first,
    /// and each gate's operands are combined deepest first (by the level of their top
    /// variable), so a chain of n gates costs time linear in n under the depth-first order.
    /// With [`VariableOrder::Heuristic`] (the default) several orders are tried under a growing
    /// budget (see there); the node budget still bounds every attempt.
    pub fn build(formula: &Formula, options: &BddOptions) -> Result<Bdd, EngineError> {
        let VariableOrder::Heuristic = options.order else {
            let order = variable_order(formula, &options.order)?;
            return Bdd::build_in_order(formula, order, options.node_limit);
        };
        Bdd::build_portfolio(formula, heuristic_orders(formula), options.node_limit)
    }

    /// Builds the BDD of `formula` trying the candidate `orders` (permutations of its
    /// variables, most promising first) under a growing budget, as
    /// [`VariableOrder::Heuristic`] describes.
    pub(crate) fn build_portfolio(
        formula: &Formula,
        orders: Vec<Vec<VarId>>,
        node_limit: usize,
    ) -> Result<Bdd, EngineError> {
        if let [order] = &orders[..] {
            return Bdd::build_in_order(formula, order.clone(), node_limit);
        }
        // Each candidate with how many gates it built before running out of budget; each
        // round from the third on tries the ones that got furthest first.
        let mut candidates: Vec<(usize, Vec<VarId>)> =
            orders.into_iter().map(|order| (0, order)).collect();
        let mut budget = FIRST_BUDGET.min(node_limit);
        loop {
            // The first round's budget is too small to tell the candidates apart.
            if budget > FIRST_BUDGET.saturating_mul(GROWTH) {
                candidates.sort_by_key(|&(progress, _)| std::cmp::Reverse(progress));
            }
            // Before the last round, an attempt may also run out of if-then-else steps, so
            // that one which recomputes much and creates little cannot take long.
            let steps =
                if budget >= node_limit { u64::MAX } else { STEPS_PER_NODE * budget as u64 };
            for (progress, order) in &mut candidates {
                match Bdd::attempt(formula, order.clone(), budget, steps, progress) {
                    Err(EngineError::NodeLimitExceeded { .. }) => {}
                    result => return result,
                }
            }
            if budget >= node_limit {
                return Err(EngineError::NodeLimitExceeded { limit: node_limit });
            }
            budget = budget.saturating_mul(GROWTH).min(node_limit);
        }
    }

    /// Builds the BDD of `formula` under `order`, a permutation of its variables.
    fn build_in_order(
        formula: &Formula,
        order: Vec<VarId>,
        node_limit: usize,
    ) -> Result<Bdd, EngineError> {
        Bdd::attempt(formula, order, node_limit, u64::MAX, &mut 0)
    }

    /// Like [`Bdd::build_in_order`] with at most `step_limit` if-then-else steps, also setting
    /// `progress` to the number of gates built (the measure of how far a failed attempt got).
    fn attempt(
        formula: &Formula,
        order: Vec<VarId>,
        node_limit: usize,
        step_limit: u64,
        progress: &mut usize,
    ) -> Result<Bdd, EngineError> {
        let level_of = levels(&order);
        let mut manager = Manager::with_step_limit(node_limit, step_limit);
        let root = compile_counting(&mut manager, formula, &level_of, progress)?;
        let (nodes, root) = manager.freeze(root);
        let p_by_level = order.iter().map(|&var| formula.probability(var).get()).collect();
        Ok(Bdd { nodes, root, order, p_by_level })
    }

    /// The number of non-terminal nodes. Constant time.
    pub fn node_count(&self) -> usize {
        self.nodes.len() - 2
    }

    /// The variable order: the variable tested at each level, root first. Constant time.
    pub fn order(&self) -> &[VarId] {
        &self.order
    }

    /// How many variables the formula had. Constant time.
    pub fn n_vars(&self) -> usize {
        self.order.len()
    }

    /// The exact probability of the top event, by Shannon decomposition over the nodes:
    /// P(node) = p·P(hi) + (1−p)·P(lo). Exact up to floating-point rounding; linear in the
    /// number of nodes.
    pub fn probability(&self) -> f64 {
        self.node_probabilities(&self.p_by_level)[self.root as usize]
    }

    /// Like [`Bdd::probability`], with other variable probabilities, indexed by
    /// [`VarId::index`]. Linear in the number of nodes and variables.
    ///
    /// # Panics
    ///
    /// If `probabilities` does not have one entry per variable.
    pub fn probability_with(&self, probabilities: &[Probability]) -> f64 {
        assert_eq!(probabilities.len(), self.n_vars(), "one probability per variable");
        let p_by_level: Vec<f64> =
            self.order.iter().map(|var| probabilities[var.index()].get()).collect();
        self.node_probabilities(&p_by_level)[self.root as usize]
    }

    /// The probability of every node, terminals included. Linear in the number of nodes.
    pub(crate) fn node_probabilities(&self, p_by_level: &[f64]) -> Vec<f64> {
        let mut p_node = Vec::with_capacity(self.nodes.len());
        p_node.extend([0.0, 1.0]);
        for node in &self.nodes[2..] {
            let p = p_by_level[node.level as usize];
            p_node.push(p * p_node[node.hi as usize] + (1.0 - p) * p_node[node.lo as usize]);
        }
        p_node
    }

    /// The frozen nodes: false and true at 0 and 1, then by decreasing level.
    pub(crate) fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The root's index in [`Bdd::nodes`].
    pub(crate) fn root(&self) -> u32 {
        self.root
    }

    /// The probability of the variable at each level.
    pub(crate) fn p_by_level(&self) -> &[f64] {
        &self.p_by_level
    }
}

/// The node budget of the first round of [`VariableOrder::Heuristic`].
const FIRST_BUDGET: usize = 1 << 16;

/// How much the budget of [`VariableOrder::Heuristic`] grows from one round to the next.
const GROWTH: usize = 8;

/// The if-then-else steps an attempt of [`VariableOrder::Heuristic`] may take per node of its
/// budget, except in the last round.
const STEPS_PER_NODE: u64 = 4;

/// The candidate orders of [`VariableOrder::Heuristic`], most promising first, without
/// duplicates.
pub(crate) fn heuristic_orders(formula: &Formula) -> Vec<Vec<VarId>> {
    let mut candidates: Vec<Vec<VarId>> = Vec::new();
    for order in [
        formula.gates_first_order(GateSort::SmallestFirst),
        formula.depth_first_order(),
        formula.gates_first_order(GateSort::LargestFirst),
    ] {
        if !candidates.contains(&order) {
            candidates.push(order);
        }
    }
    candidates
}

/// The order `choice` describes for `formula`, checked to be a permutation of its variables.
pub(crate) fn variable_order(
    formula: &Formula,
    choice: &VariableOrder,
) -> Result<Vec<VarId>, EngineError> {
    let order = match choice {
        VariableOrder::DepthFirst => return Ok(formula.depth_first_order()),
        VariableOrder::Heuristic => return Ok(formula.gates_first_order(GateSort::SmallestFirst)),
        VariableOrder::Custom(order) => order,
    };
    let n_vars = formula.n_vars();
    let mut seen = vec![false; n_vars];
    for &var in order {
        match seen.get_mut(var.index()) {
            None => return Err(EngineError::UnknownInOrder { var, n_vars }),
            Some(true) => return Err(EngineError::RepeatedInOrder { var }),
            Some(seen) => *seen = true,
        }
    }
    if let Some(missing) = seen.iter().position(|&seen| !seen) {
        return Err(EngineError::MissingFromOrder { var: VarId(missing as u32) });
    }
    Ok(order.clone())
}

/// The level of each variable, indexed by [`VarId::index`], for a permutation `order`.
pub(crate) fn levels(order: &[VarId]) -> Vec<u32> {
    let mut level_of = vec![0; order.len()];
    for (level, var) in order.iter().enumerate() {
        level_of[var.index()] = level as u32;
    }
    level_of
}

/// Builds the BDD of `formula`'s top event in `manager`, with variable `v` at level
/// `level_of[v]`. Only gates the top reaches are built, in id order (a topological order), so
/// no recursion is needed however deep the formula.
#[cfg(test)]
pub(crate) fn compile(
    manager: &mut Manager,
    formula: &Formula,
    level_of: &[u32],
) -> Result<u32, EngineError> {
    compile_counting(manager, formula, level_of, &mut 0)
}

/// [`compile`], counting the gates built in `progress` (also when it fails).
fn compile_counting(
    manager: &mut Manager,
    formula: &Formula,
    level_of: &[u32],
    progress: &mut usize,
) -> Result<u32, EngineError> {
    *progress = 0;
    let gates = formula.gates();
    let reachable = formula.reachable_gates();
    let absorbed = absorbed_gates(formula, &reachable);
    const NOT_BUILT: u32 = u32::MAX;
    let mut built = vec![NOT_BUILT; gates.len()];
    let mut leaves = Vec::new();
    let mut operand_bdds = Vec::new();
    for (index, gate) in gates.iter().enumerate() {
        if !reachable[index] || absorbed[index] {
            continue;
        }
        let result = match gate {
            Gate::And(_) | Gate::Or(_) => {
                let is_and = matches!(gate, Gate::And(_));
                flatten(gates, &absorbed, gate.operands(), &mut leaves);
                // Operands that come first in a depth-first walk hold the variables at the top
                // of the order, so combining from the last leaf up keeps each step shallow.
                let (unit, zero) =
                    if is_and { (bdd::TRUE, bdd::FALSE) } else { (bdd::FALSE, bdd::TRUE) };
                let mut acc = unit;
                operand_bdds.clear();
                for &leaf in leaves.iter().rev() {
                    operand_bdds.push(operand(manager, level_of, &built, leaf)?);
                }
                // Deepest operands first: each step then adds an operand mostly above the
                // accumulated result, which keeps intermediate diagrams small.
                operand_bdds.sort_by_key(|&f| std::cmp::Reverse(manager.level(f)));
                for &leaf in &operand_bdds {
                    acc = if is_and { manager.and(leaf, acc)? } else { manager.or(leaf, acc)? };
                    if acc == zero {
                        break;
                    }
                }
                acc
            }
            Gate::AtLeast { k, operands } => atleast(manager, level_of, &built, *k, operands)?,
            Gate::Not(inner) => {
                let inner = operand(manager, level_of, &built, *inner)?;
                manager.not(inner)?
            }
        };
        built[index] = result;
        *progress += 1;
    }
    operand(manager, level_of, &built, formula.top())
}

/// The BDD of an operand whose gate, if any, is already built.
fn operand(
    manager: &mut Manager,
    level_of: &[u32],
    built: &[u32],
    operand: Operand,
) -> Result<u32, EngineError> {
    Ok(match operand {
        Operand::Const(true) => bdd::TRUE,
        Operand::Const(false) => bdd::FALSE,
        Operand::Var(var) => manager.var(level_of[var.index()])?,
        Operand::Gate(gate) => {
            let result = built[gate.index()];
            assert!(result != u32::MAX, "gate {} used before it was built", gate.index());
            result
        }
    })
}

/// Which reachable gates are AND (OR) gates whose only use is as an operand of an AND (OR)
/// gate, and so can be merged into it. The top is never absorbed.
fn absorbed_gates(formula: &Formula, reachable: &[bool]) -> Vec<bool> {
    let gates = formula.gates();
    let mut uses = vec![0_u32; gates.len()];
    let mut same_kind_use = vec![false; gates.len()];
    if let Operand::Gate(top) = formula.top() {
        uses[top.index()] += 1;
    }
    for (index, gate) in gates.iter().enumerate() {
        if !reachable[index] {
            continue;
        }
        for &operand in gate.operands() {
            if let Operand::Gate(child) = operand {
                uses[child.index()] = uses[child.index()].saturating_add(1);
                let same_kind = matches!(
                    (gate, &gates[child.index()]),
                    (Gate::And(_), Gate::And(_)) | (Gate::Or(_), Gate::Or(_))
                );
                same_kind_use[child.index()] |= same_kind;
            }
        }
    }
    uses.iter().zip(&same_kind_use).map(|(&uses, &same)| uses == 1 && same).collect()
}

/// The operands of an AND or OR gate after merging absorbed gates, in depth-first order, into
/// `leaves` (cleared first). Linear in the number of operands visited.
fn flatten(gates: &[Gate], absorbed: &[bool], operands: &[Operand], leaves: &mut Vec<Operand>) {
    leaves.clear();
    let mut stack: Vec<Operand> = operands.iter().rev().copied().collect();
    while let Some(operand) = stack.pop() {
        match operand {
            Operand::Gate(gate) if absorbed[gate.index()] => {
                stack.extend(gates[gate.index()].operands().iter().rev().copied());
            }
            _ => leaves.push(operand),
        }
    }
}

/// The BDD of "at least k of the operands", by the recurrence
/// atleast(k, f₁…fₙ) = ite(f₁, atleast(k−1, f₂…fₙ), atleast(k, f₂…fₙ)), evaluated from the
/// last operand up: O(n·k) if-then-else operations.
fn atleast(
    manager: &mut Manager,
    level_of: &[u32],
    built: &[u32],
    k: u32,
    operands: &[Operand],
) -> Result<u32, EngineError> {
    let k = k as usize;
    if k == 0 {
        return Ok(bdd::TRUE);
    }
    if k > operands.len() {
        return Ok(bdd::FALSE);
    }
    // row[j] = "at least j of the operands after the current one", for j in 0..=k.
    let mut row = vec![bdd::FALSE; k + 1];
    row[0] = bdd::TRUE;
    for &operand_i in operands.iter().rev() {
        let f = operand(manager, level_of, built, operand_i)?;
        for j in (1..=k).rev() {
            row[j] = manager.ite(f, row[j - 1], row[j])?;
        }
    }
    Ok(row[k])
}
