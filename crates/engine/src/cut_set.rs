//! Minimal cut sets: the minimal sets of variables that, true together with every other
//! variable false, make the top event true. They are computed from the BDD by Rauzy's
//! algorithm (minimal solutions with `without`) into a ZBDD, which can be counted without
//! listing and listed with limits on order and probability.
//!
//! For a coherent formula these are the usual minimal cut sets. For a non-coherent one (with
//! NOT) they are the minimal solutions: negative literals are dropped, which is what SCRAM's
//! default analysis reports (its `--prime-implicants` mode, which keeps them, has no
//! counterpart here yet). For example, AB ∨ ¬AC gives {A, B} and {C}, and A ∨ ¬B gives the
//! empty set, since the top is true when nothing has failed.

use crate::EngineError;
use crate::compile::{Bdd, DEFAULT_NODE_LIMIT};
use crate::formula::VarId;
use crate::table::{FxHashMap, Node};
use crate::{bdd, zbdd};

/// How [`Bdd::cut_sets`] works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CutSetOptions {
    /// Keep only cut sets of at most this many variables. Truncating during construction can
    /// save far more work than filtering the listing. `None` keeps all.
    pub max_order: Option<u32>,
    /// The most ZBDD nodes the construction may create, intermediate ones included.
    pub node_limit: usize,
}

impl Default for CutSetOptions {
    /// No order limit and [`DEFAULT_NODE_LIMIT`].
    fn default() -> Self {
        CutSetOptions { max_order: None, node_limit: DEFAULT_NODE_LIMIT }
    }
}

/// Which cut sets [`CutSets::list`] returns.
#[derive(Clone, Debug, PartialEq)]
pub struct ListOptions {
    /// Only cut sets of at most this many variables; `None` for all.
    pub max_order: Option<u32>,
    /// Only cut sets whose probability (the product of their variables' probabilities) is at
    /// least this.
    pub min_probability: f64,
}

impl Default for ListOptions {
    /// Every cut set.
    fn default() -> Self {
        ListOptions { max_order: None, min_probability: 0.0 }
    }
}

/// One minimal cut set.
#[derive(Clone, Debug, PartialEq)]
pub struct CutSet {
    vars: Vec<VarId>,
    probability: f64,
}

impl CutSet {
    /// The variables, sorted by id. Constant time.
    pub fn vars(&self) -> &[VarId] {
        &self.vars
    }

    /// The number of variables. Constant time.
    pub fn order(&self) -> usize {
        self.vars.len()
    }

    /// The product of the variables' probabilities (1 for the empty set). Constant time.
    pub fn probability(&self) -> f64 {
        self.probability
    }
}

/// A family of minimal cut sets, stored as a frozen ZBDD.
#[derive(Clone, Debug)]
pub struct CutSets {
    /// The terminals (empty family, family of the empty set) at 0 and 1, then the other nodes
    /// by decreasing level.
    nodes: Vec<Node>,
    root: u32,
    order: Vec<VarId>,
    p_by_level: Vec<f64>,
}

impl Bdd {
    /// The minimal cut sets of the top event (see the module documentation for non-coherent
    /// formulas), as a ZBDD.
    ///
    /// Rauzy's recurrence, for a node x ? f₁ : f₀, is
    /// minsol = {x} × without(minsol(f₁), minsol(f₀)) ∪ minsol(f₀); with an order limit k, the
    /// sets of minsol(f₁) are limited to k − 1 variables. Each node is converted once per order
    /// bound it is reached with (once in total without a limit), and each conversion costs one
    /// `without`, which is at most proportional to the product of its operands' sizes.
    pub fn cut_sets(&self, options: &CutSetOptions) -> Result<CutSets, EngineError> {
        let mut manager = zbdd::Manager::new(options.node_limit);
        let root = minimal_solutions(self, &mut manager, options.max_order)?;
        let (nodes, root) = manager.freeze(root);
        Ok(CutSets {
            nodes,
            root,
            order: self.order().to_vec(),
            p_by_level: self.p_by_level().to_vec(),
        })
    }
}

/// A step of the iterative minimal-solutions conversion.
enum Task {
    /// Convert BDD node `node` keeping sets of at most `bound` variables; push the ZBDD.
    Convert { node: u32, bound: u32 },
    /// Pop the three converted children and build this node.
    Combine { node: u32, bound: u32 },
}

/// The ZBDD of the minimal solutions of `bdd`, truncated to `max_order` variables.
fn minimal_solutions(
    bdd: &Bdd,
    manager: &mut zbdd::Manager,
    max_order: Option<u32>,
) -> Result<u32, EngineError> {
    let nodes = bdd.nodes();
    // A minimal solution has at most as many variables as the longest path below its node, so
    // bounds are clamped to that height; unbounded conversion then needs one entry per node.
    let mut height = vec![0_u32; nodes.len()];
    // Whether the node is true when every variable is false: the solution ∅.
    let mut all_false = vec![false, true];
    for (index, node) in nodes.iter().enumerate().skip(2) {
        height[index] = 1 + height[node.hi as usize].max(height[node.lo as usize]);
        all_false.push(all_false[node.lo as usize]);
    }
    let mut memo: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let root = bdd.root();
    let mut tasks = vec![Task::Convert { node: root, bound: max_order.unwrap_or(u32::MAX) }];
    let mut values = Vec::new();
    while let Some(task) = tasks.pop() {
        match task {
            Task::Convert { node, bound } => {
                let bound = bound.min(height[node as usize]);
                let result = if node == bdd::FALSE {
                    Some(zbdd::EMPTY)
                } else if node == bdd::TRUE {
                    Some(zbdd::BASE)
                } else if bound == 0 {
                    Some(if all_false[node as usize] { zbdd::BASE } else { zbdd::EMPTY })
                } else {
                    memo.get(&(node, bound)).copied()
                };
                if let Some(result) = result {
                    values.push(result);
                    continue;
                }
                let Node { hi, lo, .. } = nodes[node as usize];
                tasks.push(Task::Combine { node, bound });
                tasks.push(Task::Convert { node: lo, bound });
                tasks.push(Task::Convert { node: lo, bound: bound - 1 });
                tasks.push(Task::Convert { node: hi, bound: bound - 1 });
            }
            Task::Combine { node, bound } => {
                let lo = values.pop().expect("minsol: lo converted");
                let lo_shorter = values.pop().expect("minsol: shorter lo converted");
                let hi_shorter = values.pop().expect("minsol: shorter hi converted");
                let hi = manager.without(hi_shorter, lo_shorter)?;
                let result = manager.make(nodes[node as usize].level, hi, lo)?;
                memo.insert((node, bound), result);
                values.push(result);
            }
        }
    }
    assert_eq!(values.len(), 1, "minsol leaves exactly one result");
    Ok(values[0])
}

impl CutSets {
    /// Whether there is no cut set at all (the top event cannot happen). Constant time.
    pub fn is_empty(&self) -> bool {
        self.root == zbdd::EMPTY
    }

    /// The number of ZBDD nodes, terminals excluded. Constant time.
    pub fn node_count(&self) -> usize {
        self.nodes.len() - 2
    }

    /// How many cut sets there are, without listing them; saturates at `u128::MAX`. Linear in
    /// the number of ZBDD nodes.
    pub fn count(&self) -> u128 {
        let mut counts: Vec<u128> = vec![0, 1];
        for node in &self.nodes[2..] {
            counts.push(counts[node.hi as usize].saturating_add(counts[node.lo as usize]));
        }
        counts[self.root as usize]
    }

    /// How many cut sets have each order: entry k counts the sets of k variables; the last
    /// entry is non-zero (the vector is empty when there are no cut sets). Counts saturate at
    /// `u128::MAX`. Linear in the number of nodes times the spread of orders below each node;
    /// a node's counts are dropped once all its parents have used them.
    pub fn count_by_order(&self) -> Vec<u128> {
        self.count_by_order_with(&|_| None, usize::MAX)
    }

    /// Like [`CutSets::count_by_order`], but a variable for which `family` gives counts by
    /// order stands for a whole family of sets over variables of its own (a module's cut sets,
    /// counted the same way), and only orders up to `cap` are counted.
    pub(crate) fn count_by_order_with<'f>(
        &self,
        family: &dyn Fn(VarId) -> Option<&'f [u128]>,
        cap: usize,
    ) -> Vec<u128> {
        let mut parents = vec![0_u32; self.nodes.len()];
        parents[self.root as usize] += 1;
        for node in &self.nodes[2..] {
            parents[node.hi as usize] += 1;
            parents[node.lo as usize] += 1;
        }
        let one_variable = Distribution { min_order: 1, counts: vec![1] };
        let mut dists: Vec<Option<Distribution>> = Vec::with_capacity(self.nodes.len());
        dists.push(Some(Distribution { min_order: 0, counts: Vec::new() }));
        dists.push(Some(Distribution { min_order: 0, counts: vec![1] }));
        for node in &self.nodes[2..] {
            let hi = dists[node.hi as usize].as_ref().expect("hi counted and kept");
            let lo = dists[node.lo as usize].as_ref().expect("lo counted and kept");
            let var = self.order[node.level as usize];
            let dist = match family(var) {
                None => hi.join_then_union(&one_variable, lo, cap),
                Some(counts) => hi.join_then_union(&Distribution::from_counts(counts), lo, cap),
            };
            for child in [node.hi, node.lo] {
                parents[child as usize] -= 1;
                if parents[child as usize] == 0 && child > 1 {
                    dists[child as usize] = None;
                }
            }
            dists.push(Some(dist));
        }
        let root = dists[self.root as usize].take().expect("root counted");
        let mut by_order = vec![0; root.min_order];
        by_order.extend(root.counts);
        by_order.truncate(cap.saturating_add(1));
        while by_order.last() == Some(&0) {
            by_order.pop();
        }
        by_order
    }

    /// The cut sets that `options` selects, each sorted by variable id, sorted by order and
    /// then lexicographically. Subfamilies that cannot meet the order or probability limits are
    /// skipped, so the time is linear in the number of nodes visited plus the size of the
    /// output (times log for sorting); count first when the family may be huge.
    pub fn list(&self, options: &ListOptions) -> Vec<CutSet> {
        let max_order = options.max_order.map_or(usize::MAX, |k| k as usize);
        let mut found = Vec::new();
        let mut path: Vec<VarId> = Vec::new();
        // Each entry: a node, the length of the path leading to it, and the path's probability.
        let mut stack = vec![(self.root, 0_usize, 1.0_f64)];
        while let Some((index, depth, p_path)) = stack.pop() {
            path.truncate(depth);
            if index == zbdd::EMPTY || p_path < options.min_probability {
                continue;
            }
            if index == zbdd::BASE {
                let mut vars = path.clone();
                vars.sort_unstable();
                found.push(CutSet { vars, probability: p_path });
                continue;
            }
            let node = self.nodes[index as usize];
            stack.push((node.lo, depth, p_path));
            if depth < max_order {
                let p_hi = p_path * self.p_by_level[node.level as usize];
                if p_hi >= options.min_probability {
                    path.push(self.order[node.level as usize]);
                    stack.push((node.hi, depth + 1, p_hi));
                }
            }
        }
        found.sort_by(|a, b| (a.vars.len(), &a.vars).cmp(&(b.vars.len(), &b.vars)));
        found
    }
}

/// Counts of sets by order, starting at `min_order`.
#[derive(Clone, Debug)]
struct Distribution {
    min_order: usize,
    counts: Vec<u128>,
}

impl Distribution {
    /// Counts by order from order 0, leading zeros dropped.
    fn from_counts(counts: &[u128]) -> Distribution {
        let min_order = counts.iter().position(|&c| c != 0).unwrap_or(counts.len());
        Distribution { min_order, counts: counts[min_order..].to_vec() }
    }

    /// The counts of { s ∪ t : s ∈ self, t ∈ join } ∪ other, for a family `join` over
    /// variables in neither family, up to order `cap`.
    fn join_then_union(
        &self,
        join: &Distribution,
        other: &Distribution,
        cap: usize,
    ) -> Distribution {
        let shifted_min = self.min_order + join.min_order;
        // The product's orders, shifted_min.., capped.
        let product_len = if self.counts.is_empty() || join.counts.is_empty() {
            0
        } else {
            (self.counts.len() + join.counts.len() - 1)
                .min(cap.saturating_add(1).saturating_sub(shifted_min))
        };
        if product_len == 0 {
            return other.clone();
        }
        let min_order =
            if other.counts.is_empty() { shifted_min } else { shifted_min.min(other.min_order) };
        let end = (shifted_min + product_len).max(other.min_order + other.counts.len());
        let mut counts = vec![0_u128; end - min_order];
        for (i, &a) in self.counts.iter().enumerate().take(product_len) {
            for (j, &b) in join.counts.iter().enumerate().take(product_len - i) {
                let slot = &mut counts[shifted_min + i + j - min_order];
                *slot = slot.saturating_add(a.saturating_mul(b));
            }
        }
        for (i, &count) in other.counts.iter().enumerate() {
            let slot = &mut counts[other.min_order + i - min_order];
            *slot = slot.saturating_add(count);
        }
        Distribution { min_order, counts }
    }
}
