//! What-if blast radius: fail a set of nodes and propagate down and degraded status through the
//! dependency graph to the least fixpoint, remembering which dependency brought each failure.

use std::collections::VecDeque;

use blastradius_model::{Model, NodeId};

/// A node's state in a what-if result. Ordered so that the worse state is the greater.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Working normally.
    Up,
    /// Working, but a soft dependency (or something it relies on) is down or degraded.
    Degraded,
    /// Not working.
    Down,
}

impl Status {
    /// `up`, `degraded` or `down`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Degraded => "degraded",
            Self::Down => "down",
        }
    }
}

/// Why a node is down or degraded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cause {
    /// It was in the failed set.
    Failed,
    /// The dependency with this index (see `Model::dependency`) went down, or carried degradation,
    /// when `member` changed state.
    Dependency {
        /// Index of the dependency in the model.
        dependency: usize,
        /// The member whose change tripped it.
        member: NodeId,
    },
}

/// Reverse adjacency of a model, built once and shared by every what-if query on it.
#[derive(Clone, Debug)]
pub struct WhatIfIndex {
    /// `dependents_end[i]` is one past the last entry of node `i` in `dependents`.
    dependents_end: Vec<u32>,
    /// Dependency indices in which each node is a member, grouped by node.
    dependents: Vec<u32>,
    /// The node owning each dependency.
    owner: Vec<NodeId>,
    /// Members that must be down for each dependency to be down; `u32::MAX` for soft ones.
    threshold: Vec<u32>,
}

impl WhatIfIndex {
    /// Builds the index; linear in the size of the model.
    pub fn new(model: &Model) -> Self {
        let n_dependencies = model.n_dependencies();
        let mut owner = Vec::with_capacity(n_dependencies);
        let mut threshold = Vec::with_capacity(n_dependencies);
        let mut counts = vec![0u32; model.n_nodes()];
        for node in model.node_ids() {
            for dependency in model.dependencies(node) {
                owner.push(node);
                let down_threshold = dependency.kind.down_threshold(dependency.members.len());
                threshold.push(down_threshold.map_or(u32::MAX, |t| t as u32));
                for member in dependency.members {
                    counts[member.index()] += 1;
                }
            }
        }
        let mut dependents_end = Vec::with_capacity(counts.len());
        let mut running = 0u32;
        for count in &counts {
            running += count;
            dependents_end.push(running);
        }
        let mut fill: Vec<u32> =
            dependents_end.iter().zip(&counts).map(|(end, count)| end - count).collect();
        let mut dependents = vec![0u32; running as usize];
        for (dependency_index, dependency) in (0..n_dependencies).map(|i| (i, model.dependency(i)))
        {
            for member in dependency.members {
                dependents[fill[member.index()] as usize] = dependency_index as u32;
                fill[member.index()] += 1;
            }
        }
        Self { dependents_end, dependents, owner, threshold }
    }

    /// Number of dependencies in the model indexed.
    pub(crate) fn n_dependencies(&self) -> usize {
        self.owner.len()
    }

    /// The node owning a dependency.
    pub(crate) fn owner_of(&self, dependency: usize) -> NodeId {
        self.owner[dependency]
    }

    /// Members that must be down for a dependency to be down; `u32::MAX` for soft ones.
    pub(crate) fn threshold_of(&self, dependency: usize) -> u32 {
        self.threshold[dependency]
    }

    /// The dependencies in which `node` is a member.
    pub(crate) fn dependents_of(&self, node: NodeId) -> &[u32] {
        let start =
            if node.index() == 0 { 0 } else { self.dependents_end[node.index() - 1] as usize };
        &self.dependents[start..self.dependents_end[node.index()] as usize]
    }
}

/// A function's state under a what-if.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionImpact {
    /// Index of the function in `Model::functions`.
    pub function: usize,
    /// The worst state among the nodes delivering it.
    pub status: Status,
    /// The delivering nodes in that worst state (empty when up).
    pub culprits: Vec<NodeId>,
}

/// The result of failing a set of nodes.
#[derive(Clone, Debug)]
pub struct WhatIf {
    failed: Vec<NodeId>,
    status: Vec<Status>,
    cause: Vec<Option<Cause>>,
    functions: Vec<FunctionImpact>,
}

impl WhatIf {
    /// The nodes that were failed, as given, without repeats.
    pub fn failed(&self) -> &[NodeId] {
        &self.failed
    }

    /// The state of a node.
    pub fn status(&self, node: NodeId) -> Status {
        self.status[node.index()]
    }

    /// Why a node is down or degraded; `None` when it is up.
    pub fn cause(&self, node: NodeId) -> Option<Cause> {
        self.cause[node.index()]
    }

    /// Every node in `status`, in id order of the model (file order).
    pub fn nodes_in(&self, status: Status) -> impl Iterator<Item = NodeId> + '_ {
        self.status.iter().enumerate().filter(move |(_, s)| **s == status).map(|(i, _)| node_id(i))
    }

    /// Every function's state, in model order.
    pub fn functions(&self) -> &[FunctionImpact] {
        &self.functions
    }

    /// The chain of causes from `node` back to a failed node, `node` first, the failed node last.
    /// Each step is a node whose state brought the previous one down or degraded it. Empty when
    /// `node` is up. Linear in the length of the chain.
    pub fn path(&self, node: NodeId) -> Vec<NodeId> {
        let mut path = Vec::new();
        let mut current = node;
        while let Some(cause) = self.cause(current) {
            path.push(current);
            match cause {
                Cause::Failed => break,
                Cause::Dependency { member, .. } => current = member,
            }
        }
        path
    }
}

fn node_id(index: usize) -> NodeId {
    NodeId::from_index(index)
}

/// Fails `failed` and computes the state of every node and function: a node is down if it failed,
/// if a hard dependency is down, if every member of an any-of group is down, or if fewer than k
/// members of a k-of-n group are up; it is degraded if it is not down and a soft dependency is
/// down or degraded, or any other dependency member is degraded. Cycles never fail by themselves
/// (least fixpoint). Linear in the number of nodes plus the dependencies of the nodes reached.
pub fn what_if(model: &Model, index: &WhatIfIndex, failed: &[NodeId]) -> WhatIf {
    what_if_with(model, index, failed, &OwnStates::default())
}

/// Nodes in a state of their own besides failed, for replaying an outage step by step.
#[derive(Clone, Debug, Default)]
pub struct OwnStates {
    /// Nodes that work badly by themselves: degraded, with `Cause::Failed`, unless something
    /// brings them down.
    pub degraded: Vec<NodeId>,
    /// Nodes failed away from their dependencies (a failover, a bypass): no dependency brings
    /// them down or degrades them; their own failure still counts.
    pub held_up: Vec<NodeId>,
}

/// [`what_if`] with nodes degraded by themselves and nodes held up whatever their dependencies
/// do; same cost.
pub fn what_if_with(
    model: &Model,
    index: &WhatIfIndex,
    failed: &[NodeId],
    own: &OwnStates,
) -> WhatIf {
    let n_nodes = model.n_nodes();
    let mut held = vec![false; n_nodes];
    for &node in &own.held_up {
        held[node.index()] = true;
    }
    let mut status = vec![Status::Up; n_nodes];
    let mut cause: Vec<Option<Cause>> = vec![None; n_nodes];
    let mut down_count = vec![0u32; index.owner.len()];
    let mut queue = VecDeque::new();
    let mut failed_unique = Vec::with_capacity(failed.len());
    for &node in failed {
        if status[node.index()] != Status::Down {
            status[node.index()] = Status::Down;
            cause[node.index()] = Some(Cause::Failed);
            queue.push_back(node);
            failed_unique.push(node);
        }
    }
    let mut down_nodes = Vec::new();
    while let Some(node) = queue.pop_front() {
        down_nodes.push(node);
        for &dependency in index.dependents_of(node) {
            let dependency = dependency as usize;
            down_count[dependency] += 1;
            let owner = index.owner[dependency];
            if down_count[dependency] == index.threshold[dependency]
                && status[owner.index()] != Status::Down
                && !held[owner.index()]
            {
                status[owner.index()] = Status::Down;
                cause[owner.index()] = Some(Cause::Dependency { dependency, member: node });
                queue.push_back(owner);
            }
        }
    }
    // Degradation starts at nodes degraded by themselves and at soft dependencies on down
    // nodes, and spreads through every edge.
    for &node in &own.degraded {
        if status[node.index()] == Status::Up {
            status[node.index()] = Status::Degraded;
            cause[node.index()] = Some(Cause::Failed);
            queue.push_back(node);
        }
    }
    let mut degrade =
        |owner: NodeId, dependency: usize, member: NodeId, queue: &mut VecDeque<NodeId>| {
            if status[owner.index()] == Status::Up && !held[owner.index()] {
                status[owner.index()] = Status::Degraded;
                cause[owner.index()] = Some(Cause::Dependency { dependency, member });
                queue.push_back(owner);
            }
        };
    for &node in &down_nodes {
        for &dependency in index.dependents_of(node) {
            let dependency = dependency as usize;
            if index.threshold[dependency] == u32::MAX {
                degrade(index.owner[dependency], dependency, node, &mut queue);
            }
        }
    }
    while let Some(node) = queue.pop_front() {
        for &dependency in index.dependents_of(node) {
            let dependency = dependency as usize;
            degrade(index.owner[dependency], dependency, node, &mut queue);
        }
    }
    let functions = model
        .functions()
        .iter()
        .enumerate()
        .map(|(function_index, function)| {
            let worst =
                function.delivered_by.iter().map(|n| status[n.index()]).max().unwrap_or(Status::Up);
            let culprits = if worst == Status::Up {
                Vec::new()
            } else {
                function
                    .delivered_by
                    .iter()
                    .copied()
                    .filter(|n| status[n.index()] == worst)
                    .collect()
            };
            FunctionImpact { function: function_index, status: worst, culprits }
        })
        .collect();
    WhatIf { failed: failed_unique, status, cause, functions }
}
