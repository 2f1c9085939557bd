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
    /// the second round on, the candidates that spent the fewest nodes on the gates they all
    /// built go first, and a candidate that ran out of budget resumes where it stopped. The
    /// first that fits is used, so the time is within a small factor of the best candidate's.
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
    /// [`VariableOrder::Heuristic`] describes. An attempt that runs out of budget is kept and
    /// resumed in the next round where it stopped (the gate it was building is started
    /// again), so no round repeats an earlier one's work. Memory: the suspended attempts hold
    /// at most the previous round's budget each, and an attempt that fails the last round is
    /// dropped at once, so the peak is about `node_limit · (1 + (k − 1) / 8)` nodes for `k`
    /// candidates.
    pub(crate) fn build_portfolio(
        formula: &Formula,
        orders: Vec<Vec<VarId>>,
        node_limit: usize,
    ) -> Result<Bdd, EngineError> {
        let plan = Plan::new(formula);
        let mut attempts: Vec<Attempt> = orders.into_iter().map(Attempt::new).collect();
        if let [attempt] = &mut attempts[..] {
            let root = attempt.run(formula, &plan, node_limit, u64::MAX)?;
            return Ok(attempt.finish(formula, root));
        }
        let mut budget = FIRST_BUDGET.min(node_limit);
        loop {
            // From the second round on, the attempts that spent the fewest nodes on the gates
            // all of them have built go first (gates are built in the same order whatever the
            // variable order, so this compares like with like; a stable sort: ties keep the
            // heuristics' order); from the third round on, an attempt that spent more than
            // `DOMINATED` times the leader's nodes on them is dropped.
            if budget > FIRST_BUDGET {
                let common = attempts.iter().map(|a| a.created_by_gate.len()).min().unwrap_or(0);
                let key = |attempt: &Attempt| {
                    common.checked_sub(1).map_or(0, |last| attempt.created_by_gate[last])
                };
                attempts.sort_by_key(key);
                if budget >= PRUNE_FROM_BUDGET {
                    let best = attempts.first().map_or(0, key);
                    attempts.retain(|attempt| key(attempt) <= DOMINATED.saturating_mul(best));
                }
            }
            let last_round = budget >= node_limit;
            // Before the last round, an attempt may also run out of if-then-else steps, so
            // that one which recomputes much and creates little cannot take long.
            let steps = if last_round { u64::MAX } else { STEPS_PER_NODE * budget as u64 };
            for attempt in &mut attempts {
                match attempt.run(formula, &plan, budget, steps) {
                    Ok(root) => return Ok(attempt.finish(formula, root)),
                    Err(EngineError::NodeLimitExceeded { .. }) if last_round => attempt.drop_work(),
                    Err(EngineError::NodeLimitExceeded { .. }) => attempt.suspend(),
                    Err(other) => return Err(other),
                }
            }
            if last_round {
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
        Bdd::build_portfolio(formula, vec![order], node_limit)
    }

    /// The number of non-terminal nodes. Constant time.
    pub fn node_count(&self) -> usize {
        self.nodes.len() - 2
    }

    /// Whether the top event holds when no variable does. Linear in the number of levels.
    pub(crate) fn holds_when_nothing_fails(&self) -> bool {
        let mut node = self.root;
        while node > 1 {
            node = self.nodes[node as usize].lo;
        }
        node == 1
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

/// How many times the leader's nodes an attempt of [`VariableOrder::Heuristic`] may have spent
/// on the gates all attempts have built before it is dropped, in the rounds whose budget is at
/// least [`PRUNE_FROM_BUDGET`]. das9701's two losers were 6× and 7.5× behind there and cost
/// half its time; on the other Aralia trees every attempt was within 3× of the leader.
const DOMINATED: usize = 4;

/// The budget of the first round in which dominated attempts are dropped: the third. Earlier
/// the ranking is not reliable enough: after the first round, edf9202's eventual winner had
/// spent 6× the leader's nodes.
const PRUNE_FROM_BUDGET: usize = FIRST_BUDGET * GROWTH * GROWTH;

/// How many operands that are not single variables an AND or OR gate needs for its diagram to
/// be built by one n-ary pass rather than in pairs. Measured as if-then-else steps plus tuple
/// operands on 13 large Aralia trees (modular path): 8 and 12 the least; 5 and 6 up to 1.4×
/// more (cea9601 3.8 M vs 2.7 M), 3 and 4 more still (pairs reuse the cache across gates).
const NARY_MIN_OPERANDS: usize = 8;

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
/// `level_of[v]` (tests build several formulas in one manager this way).
#[cfg(test)]
pub(crate) fn compile(
    manager: &mut Manager,
    formula: &Formula,
    level_of: &[u32],
) -> Result<u32, EngineError> {
    let mut attempt = Attempt::new(Vec::new());
    attempt.level_of = level_of.to_vec();
    attempt.built = vec![NOT_BUILT; formula.n_gates()];
    let (node_limit, step_limit) = manager.limits();
    attempt.manager = Some(std::mem::replace(manager, Manager::new(0)));
    let result = attempt.run(formula, &Plan::new(formula), node_limit, step_limit);
    *manager = attempt.manager.take().expect("the manager is returned");
    result
}

/// What every attempt at a formula's BDD needs to know of the formula: which gates the top
/// reaches, and which of those are merged into their reader.
pub(crate) struct Plan {
    reachable: Vec<bool>,
    absorbed: Vec<bool>,
}

impl Plan {
    /// Linear in the size of the formula.
    pub(crate) fn new(formula: &Formula) -> Plan {
        let reachable = formula.reachable_gates();
        let absorbed = absorbed_gates(formula, &reachable);
        Plan { reachable, absorbed }
    }
}

/// One candidate order's construction of a BDD: it can stop when its budget runs out and go on
/// later from the gate it was building.
pub(crate) struct Attempt {
    order: Vec<VarId>,
    level_of: Vec<u32>,
    /// `None` until the attempt first runs, and again once its work is dropped.
    manager: Option<Manager>,
    /// The BDD of each gate built so far (`NOT_BUILT` otherwise).
    built: Vec<u32>,
    /// The next gate to build, by id.
    next: usize,
    /// How many nodes had been created when each built gate was done, in the order built.
    created_by_gate: Vec<usize>,
}

/// A gate whose BDD is not built (yet).
const NOT_BUILT: u32 = u32::MAX;

impl Attempt {
    /// An attempt under `order` (a permutation of the variables), not started.
    pub(crate) fn new(order: Vec<VarId>) -> Attempt {
        let level_of = levels(&order);
        Attempt {
            order,
            level_of,
            manager: None,
            built: Vec::new(),
            next: 0,
            created_by_gate: Vec::new(),
        }
    }

    /// Builds the gates not built yet, in id order (a topological order: no recursion,
    /// however deep the formula), within a budget of `node_limit` nodes created in all (this
    /// run and earlier ones) and `step_limit` if-then-else steps in this run; returns the top's
    /// BDD. Running out is [`EngineError::NodeLimitExceeded`], after which the attempt may run
    /// again with a larger budget.
    pub(crate) fn run(
        &mut self,
        formula: &Formula,
        plan: &Plan,
        node_limit: usize,
        step_limit: u64,
    ) -> Result<u32, EngineError> {
        let manager = match &mut self.manager {
            Some(manager) => {
                manager.set_limits(node_limit, step_limit);
                manager
            }
            None => {
                self.built = vec![NOT_BUILT; formula.n_gates()];
                self.next = 0;
                self.created_by_gate.clear();
                self.manager.insert(Manager::with_step_limit(node_limit, step_limit))
            }
        };
        let gates = formula.gates();
        let mut leaves = Vec::new();
        let mut operand_bdds = Vec::new();
        let level_of = &self.level_of;
        while let Some(gate) = gates.get(self.next) {
            let index = self.next;
            if !plan.reachable[index] || plan.absorbed[index] {
                self.next += 1;
                continue;
            }
            let built = &self.built;
            let result = match gate {
                Gate::And(_) | Gate::Or(_) => {
                    let is_and = matches!(gate, Gate::And(_));
                    flatten(gates, &plan.absorbed, gate.operands(), &mut leaves);
                    let (unit, zero) =
                        if is_and { (bdd::TRUE, bdd::FALSE) } else { (bdd::FALSE, bdd::TRUE) };
                    let mut acc = unit;
                    operand_bdds.clear();
                    // Operands that come first in a depth-first walk hold the variables at the
                    // top of the order, so combining from the last leaf up keeps steps shallow.
                    for &leaf in leaves.iter().rev() {
                        operand_bdds.push(operand(manager, level_of, built, leaf)?);
                    }
                    // Deepest operands first: each step then adds an operand mostly above the
                    // accumulated result, which keeps intermediate diagrams small.
                    operand_bdds.sort_by_key(|&f| std::cmp::Reverse(manager.level(f)));
                    // Many large operands: one n-ary pass (see `Manager::and_or_n`), with the
                    // single-variable operands combined first, since each would lengthen every
                    // tuple and combining them is linear. If it gives up, fold in pairs.
                    let n_large = operand_bdds.iter().filter(|&&f| !manager.is_literal(f)).count();
                    if n_large >= NARY_MIN_OPERANDS {
                        let mut literals = unit;
                        let mut tuple = Vec::with_capacity(n_large + 1);
                        for &f in &operand_bdds {
                            if manager.is_literal(f) {
                                literals = manager.and_or(is_and, f, literals)?;
                            } else {
                                tuple.push(f);
                            }
                        }
                        tuple.push(literals);
                        if let Some(result) = manager.and_or_n(is_and, &tuple)? {
                            acc = result;
                            operand_bdds.clear();
                        }
                    }
                    for &leaf in &operand_bdds {
                        acc = manager.and_or(is_and, leaf, acc)?;
                        if acc == zero {
                            break;
                        }
                    }
                    acc
                }
                Gate::AtLeast { k, operands } => atleast(manager, level_of, built, *k, operands)?,
                Gate::Not(inner) => {
                    let inner = operand(manager, level_of, built, *inner)?;
                    manager.not(inner)?
                }
            };
            self.built[index] = result;
            self.next += 1;
            self.created_by_gate.push(manager.created());
        }
        operand(manager, level_of, &self.built, formula.top())
    }

    /// Makes a suspended attempt lighter: its operation cache is emptied (its nodes and built
    /// gates stay, so it resumes where it stopped).
    fn suspend(&mut self) {
        if let Some(manager) = &mut self.manager {
            manager.clear_cache();
        }
    }

    /// Frees the attempt's work; it keeps only how far it got.
    fn drop_work(&mut self) {
        self.manager = None;
        self.built = Vec::new();
    }

    /// The finished diagram with the top's BDD `root`.
    pub(crate) fn finish(&mut self, formula: &Formula, root: u32) -> Bdd {
        let manager = self.manager.take().expect("a finished attempt has its manager");
        let (nodes, root) = manager.freeze(root);
        let order = std::mem::take(&mut self.order);
        let p_by_level = order.iter().map(|&var| formula.probability(var).get()).collect();
        Bdd { nodes, root, order, p_by_level }
    }
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
            assert!(result != NOT_BUILT, "gate {} used before it was built", gate.index());
            result
        }
    })
}

/// Which reachable gates are AND (OR) gates whose only use is as an operand of an AND (OR)
/// gate, and so can be merged into it. The top is never absorbed.
pub(crate) fn absorbed_gates(formula: &Formula, reachable: &[bool]) -> Vec<bool> {
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
pub(crate) fn flatten(
    gates: &[Gate],
    absorbed: &[bool],
    operands: &[Operand],
    leaves: &mut Vec<Operand>,
) {
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
