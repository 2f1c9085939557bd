//! Scenario sweep: fail every provider node in turn (and, at order 2, every pair) and measure
//! what each outage takes down, ranked by what is at stake. The work is shared: one reverse
//! index, one set of buffers undone after each scenario instead of reallocated, a pair built on
//! top of its first member's propagation, and pairs that provably add nothing to their two
//! single outages skipped without propagating.

use blastradius_model::{Model, NodeId, NodeKind};

use crate::what_if::{Status, WhatIfIndex};

/// What is at stake in one scenario (users and cost summed over functions, so a person using
/// two functions counts twice, as in `what-if`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stake {
    /// Functions in that state, indices into `Model::functions`, ascending.
    pub functions: Vec<usize>,
    /// Sum of their users.
    pub users: u64,
    /// Sum of their cost per hour.
    pub cost_per_hour: f64,
}

/// One failure scenario and its effect.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The nodes failed together (one, or two for a pair), in model order.
    pub failed: Vec<NodeId>,
    /// Functions down.
    pub down: Stake,
    /// Functions degraded (working but impaired), not counting the down ones.
    pub degraded: Stake,
    /// Number of nodes down, the failed ones included.
    pub nodes_down: usize,
}

/// What a sweep fails and how far it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepOptions {
    /// 1: every target alone; 2: also every pair of targets.
    pub order: u32,
}

/// The result of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The nodes failed one at a time: every provider, region, zone, regional service and global
    /// service, in model order.
    pub targets: Vec<NodeId>,
    /// One scenario per target, in the order of `targets`.
    pub singles: Vec<Scenario>,
    /// At order 2, the pairs that take down a function neither member takes down alone
    /// (redundancy defeated by a double failure), in model order of the pair; every other pair
    /// takes down exactly what its two members take down separately.
    pub pairs: Vec<Scenario>,
    /// Pair counts at order 2 (all zero at order 1).
    pub pair_counts: PairCounts,
}

/// How the pairs of a sweep were settled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Every unordered pair of distinct targets.
    pub total: u64,
    /// Pairs where one member is down when the other fails, so the pair is the larger outage.
    pub nested: u64,
    /// Pairs whose members' outages cannot together bring down a redundant group (no group
    /// hit by both has its threshold reached by their counts added), so the pair is exactly
    /// the union of the two.
    pub independent: u64,
    /// Pairs propagated in full.
    pub propagated: u64,
}

/// The nodes a sweep fails: every provider-structure node (provider, region, zone, regional
/// service, global service), in model order. Linear in the number of nodes.
pub fn sweep_targets(model: &Model) -> Vec<NodeId> {
    model.node_ids().filter(|&node| model.kind(node) != NodeKind::Component).collect()
}

/// Fails every target of [`sweep_targets`] (and every pair at order 2) and reports what goes
/// down and degrades. Cost: one propagation per target, each linear in what it reaches; at
/// order 2, one further propagation per pair whose members meet in a redundant group (the
/// others are settled from the single results in time linear in their size).
///
/// # Panics
/// If `index` was built for another model, or `options.order` is not 1 or 2.
pub fn sweep(model: &Model, index: &WhatIfIndex, options: SweepOptions) -> Sweep {
    assert!(matches!(options.order, 1 | 2), "a sweep has order 1 or 2, not {}", options.order);
    let targets = sweep_targets(model);
    let mut propagator = Propagator::new(model, index);
    let mut target_slot = vec![u32::MAX; model.n_nodes()];
    for (slot, target) in targets.iter().enumerate() {
        target_slot[target.index()] = slot as u32;
    }
    let mut singles = Vec::with_capacity(targets.len());
    // Per single: the targets down under it, and the redundant groups it hits partly.
    let mut downed_targets: Vec<Vec<u32>> = Vec::with_capacity(targets.len());
    let mut partial_groups: Vec<Vec<(u32, u32)>> = Vec::with_capacity(targets.len());
    for &target in &targets {
        propagator.fail(target);
        singles.push(propagator.scenario(model, vec![target]));
        let mut downed: Vec<u32> = propagator
            .down_nodes()
            .iter()
            .map(|n| target_slot[*n as usize])
            .filter(|&slot| slot != u32::MAX)
            .collect();
        downed.sort_unstable();
        downed_targets.push(downed);
        partial_groups.push(propagator.partial_groups());
        propagator.rollback((0, 0));
    }
    let mut pairs = Vec::new();
    let mut pair_counts = PairCounts::default();
    if options.order == 2 {
        // Each pair is propagated on top of its larger member's outage, so that the work per
        // pair is the smaller member's outage, not the larger one's.
        let mut order: Vec<usize> = (0..targets.len()).collect();
        order.sort_by(|&a, &b| singles[b].nodes_down.cmp(&singles[a].nodes_down).then(a.cmp(&b)));
        let mut slot_pairs: Vec<((usize, usize), Scenario)> = Vec::new();
        for (position, &first) in order.iter().enumerate() {
            let mut first_failed = false;
            for &second in &order[position + 1..] {
                pair_counts.total += 1;
                let nested = downed_targets[first].binary_search(&(second as u32)).is_ok()
                    || downed_targets[second].binary_search(&(first as u32)).is_ok();
                if nested {
                    pair_counts.nested += 1;
                    continue;
                }
                if !may_combine(index, &partial_groups[first], &partial_groups[second]) {
                    pair_counts.independent += 1;
                    continue;
                }
                pair_counts.propagated += 1;
                if !first_failed {
                    propagator.fail(targets[first]);
                    first_failed = true;
                }
                let mark = propagator.mark();
                propagator.fail(targets[second]);
                // The pair downs what the first downs plus the functions of the nodes it added;
                // only a pair that downs more than its members alone is rendered in full.
                let added = propagator.functions_of_nodes_since(mark.0);
                let pair_down = union(&singles[first].down.functions, &added);
                let alone = union(&singles[first].down.functions, &singles[second].down.functions);
                if pair_down.len() > alone.len() {
                    let (low, high) = (first.min(second), first.max(second));
                    let scenario = propagator.scenario(model, vec![targets[low], targets[high]]);
                    slot_pairs.push(((low, high), scenario));
                }
                propagator.rollback(mark);
            }
            propagator.rollback((0, 0));
        }
        slot_pairs.sort_by_key(|(slots, _)| *slots);
        pairs = slot_pairs.into_iter().map(|(_, scenario)| scenario).collect();
    }
    Sweep { targets, singles, pairs, pair_counts }
}

/// Whether two outages, each given by the redundant groups it hits partly (with how many
/// members it downs), could together bring a group down: some group hit by both whose two
/// counts add up to its threshold. When none does, the union of the two outages is closed under
/// the propagation rules, so the pair downs exactly what its members down alone.
fn may_combine(index: &WhatIfIndex, a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if a[i].1 + b[j].1 >= index.threshold_of(a[i].0 as usize) {
                    return true;
                }
                i += 1;
                j += 1;
            }
        }
    }
    false
}

fn union(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut all: Vec<usize> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Down propagation with buffers kept between scenarios and an undo log, so that a scenario
/// costs what it reaches, not the size of the model.
struct Propagator<'m> {
    index: &'m WhatIfIndex,
    down: Vec<bool>,
    down_count: Vec<u32>,
    /// Nodes made down, in order; the undo log for `down`.
    down_log: Vec<u32>,
    /// Dependencies whose count was raised, once per raise; the undo log for `down_count`.
    count_log: Vec<u32>,
    /// Functions delivered by each node, grouped by node.
    node_functions_end: Vec<u32>,
    node_functions: Vec<u32>,
    /// Scratch: degraded marks, cleared after each use.
    degraded: Vec<bool>,
}

impl<'m> Propagator<'m> {
    fn new(model: &Model, index: &'m WhatIfIndex) -> Self {
        let mut counts = vec![0u32; model.n_nodes()];
        for function in model.functions() {
            for node in &function.delivered_by {
                counts[node.index()] += 1;
            }
        }
        let mut node_functions_end = Vec::with_capacity(counts.len());
        let mut running = 0u32;
        for count in &counts {
            running += count;
            node_functions_end.push(running);
        }
        let mut fill: Vec<u32> =
            node_functions_end.iter().zip(&counts).map(|(end, count)| end - count).collect();
        let mut node_functions = vec![0u32; running as usize];
        for (function_index, function) in model.functions().iter().enumerate() {
            for node in &function.delivered_by {
                node_functions[fill[node.index()] as usize] = function_index as u32;
                fill[node.index()] += 1;
            }
        }
        Self {
            index,
            down: vec![false; model.n_nodes()],
            down_count: vec![0; index.n_dependencies()],
            down_log: Vec::new(),
            count_log: Vec::new(),
            node_functions_end,
            node_functions,
            degraded: vec![false; model.n_nodes()],
        }
    }

    /// Fails `node` on top of the current state and propagates to the least fixpoint.
    fn fail(&mut self, node: NodeId) {
        if self.down[node.index()] {
            return;
        }
        let mut next = self.down_log.len();
        self.down[node.index()] = true;
        self.down_log.push(node.index() as u32);
        while next < self.down_log.len() {
            let current = NodeId::from_index(self.down_log[next] as usize);
            next += 1;
            for &dependency in self.index.dependents_of(current) {
                self.down_count[dependency as usize] += 1;
                self.count_log.push(dependency);
                let owner = self.index.owner_of(dependency as usize);
                if self.down_count[dependency as usize]
                    == self.index.threshold_of(dependency as usize)
                    && !self.down[owner.index()]
                {
                    self.down[owner.index()] = true;
                    self.down_log.push(owner.index() as u32);
                }
            }
        }
    }

    /// The lengths of the undo logs, to roll back to.
    fn mark(&self) -> (usize, usize) {
        (self.down_log.len(), self.count_log.len())
    }

    /// Undoes everything after `mark` (`(0, 0)` for everything).
    fn rollback(&mut self, (down_len, count_len): (usize, usize)) {
        for node in self.down_log.drain(down_len..) {
            self.down[node as usize] = false;
        }
        for dependency in self.count_log.drain(count_len..) {
            self.down_count[dependency as usize] -= 1;
        }
    }

    /// The functions delivered by the nodes made down since the down log had length `from`,
    /// sorted, without repeats. Linear in those nodes and their functions.
    fn functions_of_nodes_since(&self, from: usize) -> Vec<usize> {
        self.functions_of(self.down_log[from..].iter().copied())
    }

    /// The functions delivered by `nodes`, sorted, without repeats.
    fn functions_of(&self, nodes: impl Iterator<Item = u32>) -> Vec<usize> {
        let mut functions: Vec<usize> = nodes
            .flat_map(|node| {
                let node = node as usize;
                let start = if node == 0 { 0 } else { self.node_functions_end[node - 1] as usize };
                self.node_functions[start..self.node_functions_end[node] as usize].iter()
            })
            .map(|&function| function as usize)
            .collect();
        functions.sort_unstable();
        functions.dedup();
        functions
    }

    fn down_nodes(&self) -> &[u32] {
        &self.down_log
    }

    /// The redundant groups (any-of and k-of-n dependencies needing two or more members down)
    /// that the current outage hits without bringing down, with the members it downs: sorted
    /// by dependency index.
    fn partial_groups(&self) -> Vec<(u32, u32)> {
        let mut groups: Vec<(u32, u32)> = self
            .count_log
            .iter()
            .map(|&d| (d, self.down_count[d as usize]))
            .filter(|&(d, count)| {
                let threshold = self.index.threshold_of(d as usize);
                threshold > 1 && threshold != u32::MAX && count < threshold
            })
            .collect();
        groups.sort_unstable();
        groups.dedup_by_key(|(d, _)| *d);
        groups
    }

    /// The current state as a scenario: down and degraded functions and their stakes. Linear
    /// in the nodes down or degraded.
    fn scenario(&mut self, model: &Model, failed: Vec<NodeId>) -> Scenario {
        // Degradation: from soft dependencies on down nodes, then through every edge.
        let mut degraded_log: Vec<u32> = Vec::new();
        for &node in &self.down_log {
            for &dependency in self.index.dependents_of(NodeId::from_index(node as usize)) {
                if self.index.threshold_of(dependency as usize) == u32::MAX {
                    let owner = self.index.owner_of(dependency as usize).index();
                    if !self.down[owner] && !self.degraded[owner] {
                        self.degraded[owner] = true;
                        degraded_log.push(owner as u32);
                    }
                }
            }
        }
        let mut next = 0;
        while next < degraded_log.len() {
            let node = NodeId::from_index(degraded_log[next] as usize);
            next += 1;
            for &dependency in self.index.dependents_of(node) {
                let owner = self.index.owner_of(dependency as usize).index();
                if !self.down[owner] && !self.degraded[owner] {
                    self.degraded[owner] = true;
                    degraded_log.push(owner as u32);
                }
            }
        }
        let touched = self.functions_of(self.down_log.iter().chain(&degraded_log).copied());
        let mut down = Stake::default();
        let mut degraded = Stake::default();
        for &function_index in &touched {
            let function = &model.functions()[function_index];
            let worst = function
                .delivered_by
                .iter()
                .map(|n| {
                    if self.down[n.index()] {
                        Status::Down
                    } else if self.degraded[n.index()] {
                        Status::Degraded
                    } else {
                        Status::Up
                    }
                })
                .max()
                .unwrap_or(Status::Up);
            let stake = match worst {
                Status::Down => &mut down,
                Status::Degraded => &mut degraded,
                Status::Up => continue,
            };
            stake.functions.push(function_index);
            stake.users += function.users;
            stake.cost_per_hour += function.cost_per_hour;
        }
        for node in degraded_log {
            self.degraded[node as usize] = false;
        }
        Scenario { failed, down, degraded, nodes_down: self.down_log.len() }
    }
}
